//! `cluster` against MSTICPy 3.0.2 / scikit-learn on the seeded events of
//! `tests/golden/cluster_events.csv` (`tests/golden/gen_cluster.py` wrote
//! both files): process features value for value, DBSCAN labels and the
//! `dbcluster_events` rows exactly, isolation-forest outliers by overlap.

use huntkit_core::cluster::{cluster_table, ClusterOptions, OutlierOptions};
use huntkit_core::{FrameColumn, Table, TableFormat};
use serde::Deserialize;
use serde_json::Value;

const EVENTS: &[u8] = include_bytes!("../../../../tests/golden/cluster_events.csv");
const MSTICPY: &str = include_str!("../../../../tests/golden/cluster_msticpy.json");

#[derive(Deserialize)]
struct Reference {
    features: serde_json::Map<String, Value>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    features: Vec<String>,
    max_cluster_distance: f64,
    min_cluster_samples: usize,
    labels: Vec<i64>,
    rows: Vec<Row>,
    sklearn_outliers: Vec<usize>,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "PascalCase")]
struct Row {
    source_index: i64,
    clustered: bool,
    cluster_id: i64,
    cluster_size: i64,
    first_event_time: String,
    last_event_time: String,
}

fn column<'a>(frame: &'a huntkit_core::Frame, name: &str) -> &'a FrameColumn {
    let i = frame.names().iter().position(|n| n == name).unwrap();
    &frame.columns()[i]
}

fn table() -> Table {
    Table::read(EVENTS, TableFormat::Csv).unwrap()
}

#[test]
fn process_features_equal_msticpy() {
    let reference: Reference = serde_json::from_str(MSTICPY).unwrap();
    let t = table();
    let frame = huntkit_core::cluster::process_features_frame(&t, &ClusterOptions::default());
    assert_eq!(frame.rows(), t.rows());
    for (name, want) in &reference.features {
        let want = want.as_array().unwrap();
        let got = column(&frame, name);
        for (row, w) in want.iter().enumerate() {
            match (got, w) {
                (FrameColumn::Utf8(v), Value::String(s)) => {
                    assert_eq!(v[row].as_deref(), Some(s.as_str()), "{name} row {row}")
                }
                (FrameColumn::Int64(v), Value::Number(n)) => {
                    assert_eq!(v[row], n.as_i64(), "{name} row {row}")
                }
                (FrameColumn::Float64(v), Value::Number(n)) => {
                    let (a, b) = (v[row].unwrap(), n.as_f64().unwrap());
                    assert!(
                        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                        "{name} row {row}: {a} vs {b}"
                    );
                }
                (FrameColumn::Bool(v), Value::Bool(b)) => {
                    assert_eq!(v[row], Some(*b), "{name} row {row}")
                }
                (c, w) => panic!("{name}: {c:?} vs {w:?}"),
            }
        }
    }
}

#[test]
fn clusters_equal_msticpy_dbcluster_events() {
    let reference: Reference = serde_json::from_str(MSTICPY).unwrap();
    let t = table();
    let time = t.column(t.column_index("TimeGenerated").unwrap());
    for case in &reference.cases {
        let options = ClusterOptions {
            features: case.features.clone(),
            max_cluster_distance: case.max_cluster_distance,
            min_cluster_samples: case.min_cluster_samples,
            ..ClusterOptions::default()
        };
        let got = cluster_table(&t, &options).unwrap();
        assert_eq!(got.labels, case.labels, "case {}", case.name);
        let f = &got.clusters;
        let int = |name: &str, r: usize| match column(f, name) {
            FrameColumn::Int64(v) => v[r].unwrap(),
            c => panic!("{c:?}"),
        };
        let text = |name: &str, r: usize| column(f, name).text(r);
        let rows: Vec<Row> = (0..f.rows())
            .map(|r| Row {
                source_index: int("SourceIndex", r),
                clustered: text("Clustered", r) == "True",
                cluster_id: int("ClusterId", r),
                cluster_size: int("ClusterSize", r),
                first_event_time: text("FirstEventTime", r),
                last_event_time: text("LastEventTime", r),
            })
            .collect();
        assert_eq!(rows.len(), case.rows.len(), "case {}", case.name);
        for (g, w) in rows.iter().zip(&case.rows) {
            if w.clustered {
                assert_eq!(g, w, "case {}", case.name);
            } else {
                // MSTICPy gives every noise row the first and last time of
                // all noise rows; huntkit gives each its own time.
                let own =
                    huntkit_core::format_time_ms(time.time_ms(g.source_index as usize).unwrap());
                assert_eq!(
                    (g.source_index, g.clustered, g.cluster_id, g.cluster_size),
                    (w.source_index, false, -1, 1)
                );
                assert_eq!((&g.first_event_time, &g.last_event_time), (&own, &own));
            }
        }
        // Isolation forest: a different random stream, so the flags are
        // compared by overlap with scikit-learn's, not equality.
        let flagged: Vec<usize> = (0..t.rows())
            .filter(|&r| got.outliers.is_outlier[r])
            .collect();
        let common = flagged
            .iter()
            .filter(|r| case.sklearn_outliers.contains(r))
            .count();
        eprintln!(
            "case {}: {} outliers, {} of scikit-learn's {}",
            case.name,
            flagged.len(),
            common,
            case.sklearn_outliers.len()
        );
        assert!(!flagged.is_empty() && flagged.len() <= case.sklearn_outliers.len() + 2);
        assert!(common * 2 >= flagged.len(), "case {}", case.name);
    }
}

#[test]
fn bad_input_is_a_clear_error() {
    let t = table();
    let err = |o: ClusterOptions, t: &Table| cluster_table(t, &o).unwrap_err().to_string();
    let opts = |features: &[&str]| ClusterOptions {
        features: features.iter().map(|s| s.to_string()).collect(),
        ..ClusterOptions::default()
    };
    assert_eq!(
        err(opts(&["Computer"]), &t),
        "row 0 of column \"Computer\": \"wks-0001.corp.contoso.com\" is not a number"
    );
    assert!(err(opts(&["nope"]), &t).starts_with("column \"nope\" not in table"));
    let one = Table::read(
        b"TimeGenerated,NewProcessName,CommandLine\n2024-01-01T00:00:00Z,a.exe,a\n",
        TableFormat::Csv,
    )
    .unwrap();
    assert_eq!(
        err(ClusterOptions::default(), &one),
        "clustering needs at least 2 rows, the table has 1"
    );
    let empty = Table::read(
        b"TimeGenerated,NewProcessName,CommandLine\n",
        TableFormat::Csv,
    )
    .unwrap();
    assert_eq!(
        err(ClusterOptions::default(), &empty),
        "clustering needs at least 2 rows, the table has 0"
    );
    let o = ClusterOptions {
        outliers: OutlierOptions {
            contamination: 0.9,
            ..OutlierOptions::default()
        },
        ..ClusterOptions::default()
    };
    assert_eq!(
        err(o, &t),
        "option \"contamination\": 0.9 is not in (0, 0.5]"
    );
}

/// The seeded forest's flags and path lengths (as bits) with the default
/// options, in `tests/golden/cluster_seeded.json`; the wasm test in
/// `rust/wasm/tests/cluster.rs` checks the browser build against the same
/// file, so native and wasm must agree bit for bit. `HUNTKIT_BLESS=1`
/// rewrites it (after a deliberate change to the forest).
#[test]
fn seeded_outliers_are_the_golden_ones() {
    let got = cluster_table(&table(), &ClusterOptions::default()).unwrap();
    let o = &got.outliers;
    let value = serde_json::json!({
        "flagged": (0..o.is_outlier.len()).filter(|&r| o.is_outlier[r]).collect::<Vec<_>>(),
        "path_length_bits": o.path_lengths.iter().map(|p| p.to_bits()).collect::<Vec<_>>(),
    });
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/golden/cluster_seeded.json"
    );
    if std::env::var_os("HUNTKIT_BLESS").is_some() {
        std::fs::write(path, serde_json::to_string(&value).unwrap() + "\n").unwrap();
    }
    let want: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(value, want);
}
