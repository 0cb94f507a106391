//! Notebook view layout: decimation keeps every event, bins are right,
//! hit-testing finds what is drawn, and bad bundles fail with their cause.

use std::sync::Arc;

use arrow_array::types::Int8Type;
use arrow_array::{
    ArrayRef, DictionaryArray, Float64Array, RecordBatch, StringArray, TimestampNanosecondArray,
};
use arrow_ipc::writer::{IpcWriteOptions, StreamWriter};
use arrow_ipc::CompressionType;
use huntkit_core::view::{Chart, DataSet, ViewKind, ViewOptions, Viewport, MARK_STRIDE};
use huntkit_core::Table;
use serde_json::json;

const T0: i64 = 1_700_000_000_000; // ms

/// A small deterministic generator, so tests need no extra crate.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn arrow(batch: &RecordBatch, lz4: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let opts = if lz4 {
        IpcWriteOptions::default()
            .try_with_compression(Some(CompressionType::LZ4_FRAME))
            .unwrap()
    } else {
        IpcWriteOptions::default()
    };
    let mut w = StreamWriter::try_new_with_options(&mut out, &batch.schema(), opts).unwrap();
    w.write(batch).unwrap();
    w.finish().unwrap();
    drop(w);
    out
}

/// `n` events over 10 days on `hosts` hosts (dictionary-encoded, as pandas
/// categoricals arrive), with a value column.
fn events(n: usize, hosts: usize, seed: u64) -> RecordBatch {
    let mut rng = Lcg(seed);
    let times: Vec<i64> = (0..n)
        .map(|_| (T0 + (rng.next() % (10 * 86_400_000)) as i64) * 1_000_000)
        .collect();
    let host: DictionaryArray<Int8Type> = (0..n)
        .map(|_| Some(format!("host{}", rng.next() as usize % hosts)))
        .collect::<Vec<_>>()
        .iter()
        .map(|s| s.as_deref())
        .collect();
    let value = Float64Array::from(
        (0..n)
            .map(|_| (rng.next() % 1000) as f64)
            .collect::<Vec<_>>(),
    );
    RecordBatch::try_from_iter(vec![
        (
            "TimeGenerated",
            Arc::new(TimestampNanosecondArray::from(times).with_timezone("UTC")) as ArrayRef,
        ),
        ("Computer", Arc::new(host) as ArrayRef),
        ("Count", Arc::new(value) as ArrayRef),
    ])
    .unwrap()
}

fn dataset(label: &str, batch: &RecordBatch) -> DataSet {
    DataSet {
        label: label.into(),
        table: Table::from_arrow(&arrow(batch, true)).unwrap(),
        time_column: None,
        color: None,
    }
}

fn chart(kind: ViewKind, batch: &RecordBatch, options: serde_json::Value) -> Chart {
    Chart::new(
        kind,
        vec![dataset("events", batch)],
        &ViewOptions::from_json(&options).unwrap(),
    )
    .unwrap()
}

fn counts(marks: &[f64]) -> f64 {
    marks.chunks(MARK_STRIDE).map(|m| m[4]).sum()
}

#[test]
fn decimation_keeps_every_event_at_every_zoom() {
    let batch = events(200_000, 7, 1);
    let mut c = chart(ViewKind::Timeline, &batch, json!({"group_by": "Computer"}));
    let info = c.info().clone();
    assert_eq!(info.total_events, 200_000);
    let labels: Vec<_> = info.series.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(
        labels,
        ["host0", "host1", "host2", "host3", "host4", "host5", "host6"]
    );
    let [x0, x1] = info.x_domain;
    let full = c
        .layout(Viewport {
            x0,
            x1,
            width: 800.0,
            height: 300.0,
        })
        .clone();
    assert_eq!(full.events_in_view, 200_000);
    assert_eq!(counts(&full.marks), 200_000.0);
    assert!(full.len() <= 7 * 800, "{} marks", full.len());
    // Buckets carry their pixel column's width (the view draws them as a
    // density band); events drawn on their own carry none.
    assert!(full.marks.chunks(MARK_STRIDE).all(|m| m[2] == 1.0));
    // Zoomed in: the counts still equal the events in the window, checked
    // against a plain count of the source times.
    let (a, b) = (x0 + (x1 - x0) * 0.4, x0 + (x1 - x0) * 0.4003);
    let zoom = c
        .layout(Viewport {
            x0: a,
            x1: b,
            width: 800.0,
            height: 300.0,
        })
        .clone();
    let times = dataset("e", &batch).table.times_ms(0).unwrap();
    let expected = times.iter().filter(|&&t| t >= a && t <= b).count();
    assert_eq!(zoom.events_in_view, expected);
    assert_eq!(counts(&zoom.marks), expected as f64);
    assert!(
        zoom.marks
            .chunks(MARK_STRIDE)
            .all(|m| m[4] == 1.0 && m[2] == 0.0),
        "few events are drawn one by one"
    );
    // Every mark is inside the plot and in its lane.
    for m in full.marks.chunks(MARK_STRIDE) {
        assert!((0.0..=800.0).contains(&m[0]), "{m:?}");
        let lane = m[6] as usize;
        assert!((m[1] - (lane as f64 + 0.5) * 300.0 / 7.0).abs() < 1e-9);
    }
}

#[test]
fn overview_bins_add_up() {
    let batch = events(50_000, 3, 2);
    let c = chart(ViewKind::Timeline, &batch, json!({}));
    let bins = c.overview(300);
    assert_eq!(bins.len(), 300);
    assert_eq!(bins.iter().map(|&b| b as usize).sum::<usize>(), 50_000);
    // Each bin holds exactly the events whose time falls in its interval.
    let [x0, x1] = c.info().x_domain;
    let times = dataset("e", &batch).table.times_ms(0).unwrap();
    let w = (x1 - x0) / 300.0;
    let in_bin_10 = times
        .iter()
        .filter(|&&t| t >= x0 + 10.0 * w && t < x0 + 11.0 * w)
        .count();
    assert_eq!(bins[10] as usize, in_bin_10);
}

#[test]
fn hit_testing_finds_the_drawn_mark_and_its_rows() {
    let batch = events(3_000, 2, 3);
    let mut c = chart(
        ViewKind::Timeline,
        &batch,
        json!({"group_by": "Computer", "source_columns": ["Computer", "Count"]}),
    );
    let [x0, x1] = c.info().x_domain;
    let layout = c
        .layout(Viewport {
            x0,
            x1,
            width: 600.0,
            height: 200.0,
        })
        .clone();
    let m = &layout.marks[5 * MARK_STRIDE..6 * MARK_STRIDE];
    let hit = c
        .hit(m[0] + 1.0, m[1] - 1.0, 4.0)
        .expect("a mark under the cursor");
    let hm = &layout.marks[hit * MARK_STRIDE..(hit + 1) * MARK_STRIDE];
    assert!((hm[0] - m[0]).abs() <= 2.0 && hm[1] == m[1]);
    assert_eq!(
        c.hit(m[0], m[1] + 60.0, 4.0)
            .map(|h| layout.marks[h * MARK_STRIDE + 6]),
        c.hit(m[0], m[1] + 60.0, 4.0)
            .map(|h| layout.marks[h * MARK_STRIDE + 6])
    );
    assert_eq!(c.hit(-50.0, -50.0, 4.0), None);
    let (rows, total) = c.mark_rows(hit, 10);
    assert_eq!(total as f64, hm[4]);
    assert_eq!(rows[0] as f64, hm[5]);
    let json = c.rows_json(&rows);
    let lane = &c.info().series[hm[6] as usize].label;
    assert_eq!(json[0]["Computer"], json!(lane));
    assert!(json[0]["Count"].is_number());
    assert!(
        json[0].get("TimeGenerated").is_none(),
        "only source_columns are shown"
    );
    let csv = c.rows_csv(&rows[..1]);
    assert!(csv.starts_with("Computer,Count\n"), "{csv}");
}

#[test]
fn values_keep_spikes_and_counts() {
    let mut batch_rows = events(100_000, 2, 4);
    // A single spike must survive decimation.
    let mut counts_col: Vec<f64> = batch_rows
        .column(2)
        .as_any()
        .downcast_ref::<Float64Array>()
        .unwrap()
        .values()
        .to_vec();
    counts_col[77_777] = 1e6;
    batch_rows = RecordBatch::try_from_iter(vec![
        ("TimeGenerated", batch_rows.column(0).clone()),
        ("Computer", batch_rows.column(1).clone()),
        (
            "Count",
            Arc::new(Float64Array::from(counts_col)) as ArrayRef,
        ),
    ])
    .unwrap();
    let mut c = chart(
        ViewKind::TimelineValues,
        &batch_rows,
        json!({"y": "Count", "kind": ["line", "circle"]}),
    );
    let [x0, x1] = c.info().x_domain;
    assert_eq!(c.info().y_domain, Some([0.0, 1e6]));
    let l = c
        .layout(Viewport {
            x0,
            x1,
            width: 500.0,
            height: 200.0,
        })
        .clone();
    assert_eq!(counts(&l.marks), 100_000.0);
    assert!(l.len() <= 2 * 500 + 1);
    let top = l
        .marks
        .chunks(MARK_STRIDE)
        .map(|m| m[1])
        .fold(f64::INFINITY, f64::min);
    assert!(top.abs() < 1e-9, "the spike reaches the top: {top}");
    let ticks: Vec<_> = l.y_ticks.iter().map(|t| t.value).collect();
    assert!(ticks.windows(2).all(|w| w[1] > w[0]));
}

#[test]
fn duration_bars_span_first_to_last_event() {
    let t = |s: &str| s.to_string();
    let csv = format!(
        "TimeGenerated,Account,Host\n{},alice,a\n{},bob,a\n{},alice,a\n{},alice,b\n",
        t("2024-01-01T00:00:00Z"),
        t("2024-01-01T01:00:00Z"),
        t("2024-01-01T05:00:00Z"),
        t("2024-01-01T02:00:00Z")
    );
    let table = Table::read(csv.as_bytes(), huntkit_core::TableFormat::Csv).unwrap();
    let ds = DataSet {
        label: "logons".into(),
        table,
        time_column: None,
        color: None,
    };
    let mut c = Chart::new(
        ViewKind::TimelineDuration,
        vec![ds],
        &ViewOptions::from_json(&json!({"group_by": ["Account", "Host"]})).unwrap(),
    )
    .unwrap();
    let labels: Vec<_> = c
        .info()
        .series
        .iter()
        .map(|s| (s.label.clone(), s.events))
        .collect();
    assert_eq!(
        labels,
        [
            ("alice | a".into(), 2),
            ("bob | a".into(), 1),
            ("alice | b".into(), 1)
        ]
    );
    let [x0, x1] = c.info().x_domain;
    let l = c
        .layout(Viewport {
            x0,
            x1,
            width: 1000.0,
            height: 90.0,
        })
        .clone();
    let bar = &l.marks[..MARK_STRIDE];
    let hour = 1000.0 / ((x1 - x0) / 3_600e3);
    assert!(
        (bar[2] - 5.0 * hour).abs() < 1e-6,
        "alice|a spans 5 hours: {bar:?}"
    );
    assert_eq!(l.marks[MARK_STRIDE + 2], 2.0, "an instant is a 2-pixel bar");
    let (rows, n) = c.mark_rows(0, 10);
    assert_eq!((rows, n), (vec![0, 2], 2));
}

#[test]
fn matrix_counts_totals_distinct_and_sorts() {
    let csv =
        "src,dst,bytes,port\na,x,10,80\na,x,5,443\na,y,1,80\nb,x,7,80\nb,x,7,80\nc,y,100,22\n";
    let mk = |opts: serde_json::Value| {
        let table = Table::read(csv.as_bytes(), huntkit_core::TableFormat::Csv).unwrap();
        let ds = DataSet {
            label: "flows".into(),
            table,
            time_column: None,
            color: None,
        };
        Chart::new(
            ViewKind::Matrix,
            vec![ds],
            &ViewOptions::from_json(&opts).unwrap(),
        )
        .unwrap()
    };
    let cell_values = |c: &mut Chart| {
        let l = c
            .layout(Viewport {
                x0: 0.0,
                x1: 1.0,
                width: 300.0,
                height: 200.0,
            })
            .clone();
        let xs: Vec<String> = l.x_ticks.iter().map(|t| t.label.clone()).collect();
        let ys: Vec<String> = l.y_ticks.iter().map(|t| t.label.clone()).collect();
        let mut cells: Vec<(String, String, f64)> = l
            .marks
            .chunks(MARK_STRIDE)
            .map(|m| {
                (
                    xs[(m[0] / 100.0) as usize].clone(),
                    ys[(m[1] / 100.0) as usize].clone(),
                    m[4],
                )
            })
            .collect();
        cells.sort_by(|a, b| a.partial_cmp(b).unwrap());
        (xs, cells)
    };
    let (xs, cells) = cell_values(&mut mk(json!({"x": "src", "y": "dst"})));
    assert_eq!(xs, ["a", "b", "c"]);
    assert_eq!(
        cells,
        [
            ("a".into(), "x".into(), 2.0),
            ("a".into(), "y".into(), 1.0),
            ("b".into(), "x".into(), 2.0),
            ("c".into(), "y".into(), 1.0)
        ]
    );
    let (xs, cells) = cell_values(&mut mk(
        json!({"x": "src", "y": "dst", "value_col": "bytes", "sort": "desc"}),
    ));
    assert_eq!(xs, ["c", "a", "b"], "sorted by total bytes, largest first");
    assert!(cells.contains(&("a".into(), "x".into(), 15.0)));
    let (_, cells) = cell_values(&mut mk(
        json!({"x": "src", "y": "dst", "value_col": "port", "dist_count": true}),
    ));
    assert!(
        cells.contains(&("a".into(), "x".into(), 2.0))
            && cells.contains(&("b".into(), "x".into(), 1.0))
    );
    let mut c = mk(json!({"x": "src", "y": "dst", "max_label_len": 1, "log_size": true}));
    let l = c
        .layout(Viewport {
            x0: 0.0,
            x1: 1.0,
            width: 300.0,
            height: 200.0,
        })
        .clone();
    let biggest = l
        .marks
        .chunks(MARK_STRIDE)
        .map(|m| m[2])
        .fold(0.0, f64::max);
    assert!(
        (biggest - 90.0).abs() < 1e-9,
        "the largest value fills 90% of its cell: {biggest}"
    );
    let mut inv = mk(json!({"x": "src", "y": "dst", "invert": true}));
    let li = inv
        .layout(Viewport {
            x0: 0.0,
            x1: 1.0,
            width: 300.0,
            height: 200.0,
        })
        .clone();
    let size_of = |l: &huntkit_core::view::Layout, v: f64| {
        l.marks.chunks(MARK_STRIDE).find(|m| m[4] == v).unwrap()[2]
    };
    assert!(
        size_of(&li, 1.0) > size_of(&li, 2.0),
        "inverted: small values large"
    );
}

#[test]
fn several_data_sets_overlay_with_global_row_ids() {
    let a = events(100, 1, 5);
    let b = events(50, 1, 6);
    let mut c = Chart::new(
        ViewKind::Timeline,
        vec![dataset("alerts", &a), dataset("logons", &b)],
        &ViewOptions::default(),
    )
    .unwrap();
    let labels: Vec<_> = c.info().series.iter().map(|s| s.label.clone()).collect();
    assert_eq!(labels, ["alerts", "logons"]);
    let [x0, x1] = c.info().x_domain;
    let l = c
        .layout(Viewport {
            x0,
            x1,
            width: 400.0,
            height: 100.0,
        })
        .clone();
    let max_row = l
        .marks
        .chunks(MARK_STRIDE)
        .filter(|m| m[6] == 1.0)
        .map(|m| m[5])
        .fold(0.0, f64::max);
    assert!((100.0..150.0).contains(&max_row));
    let json = c.rows_json(&[0, 120]);
    assert_eq!(json[0]["dataset"], "alerts");
    assert_eq!(json[1]["dataset"], "logons");
}

#[test]
fn bad_bundles_name_the_problem() {
    let batch = events(10, 1, 7);
    let err = |kind, opts: serde_json::Value| {
        Chart::new(
            kind,
            vec![dataset("e", &batch)],
            &ViewOptions::from_json(&opts).unwrap(),
        )
        .err()
        .expect("an error")
        .to_string()
    };
    assert!(err(ViewKind::Timeline, json!({"time_column": "When"})).contains("\"When\""));
    assert!(err(ViewKind::Timeline, json!({"time_column": "Count"})).contains("not a time column"));
    assert!(err(ViewKind::Timeline, json!({"group_by": "Host"})).contains("\"Host\""));
    assert!(err(ViewKind::TimelineValues, json!({})).contains("y"));
    assert!(err(ViewKind::TimelineValues, json!({"y": "Computer"})).contains("is not a number"));
    assert!(err(ViewKind::Matrix, json!({"x": "Computer", "y": "Nope"})).contains("\"Nope\""));
    assert!(
        err(ViewKind::Timeline, json!({"source_columns": ["Missing"]})).contains("\"Missing\"")
    );
    let empty = events(0, 1, 8);
    let e = Chart::new(
        ViewKind::Timeline,
        vec![dataset("e", &empty)],
        &ViewOptions::default(),
    )
    .err()
    .unwrap();
    assert_eq!(e.kind_name(), "no_rows");
    assert!(e.to_string().contains("empty"), "{e}");
    assert!(ViewKind::parse("pie")
        .unwrap_err()
        .to_string()
        .contains("pie"));
    // Rows with no time are left out and said so, not drawn at zero.
    let csv = "TimeGenerated,x\n2024-01-01T00:00:00Z,1\n,2\n";
    let table = Table::read(csv.as_bytes(), huntkit_core::TableFormat::Csv).unwrap();
    let c = Chart::new(
        ViewKind::Timeline,
        vec![DataSet {
            label: "e".into(),
            table,
            time_column: None,
            color: None,
        }],
        &ViewOptions::default(),
    )
    .unwrap();
    assert_eq!(c.info().total_events, 1);
    assert!(
        c.info().warnings[0].contains("1 rows"),
        "{:?}",
        c.info().warnings
    );
}

#[test]
fn arrow_round_trip_with_and_without_lz4() {
    let batch = events(1_000, 3, 9);
    for lz4 in [false, true] {
        let t = Table::from_arrow(&arrow(&batch, lz4)).unwrap();
        assert_eq!(t.rows(), 1_000);
        assert_eq!(t.names(), ["TimeGenerated", "Computer", "Count"]);
        let host = batch
            .column(1)
            .as_any()
            .downcast_ref::<DictionaryArray<Int8Type>>()
            .unwrap();
        let values = host
            .values()
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        let key = host.keys().value(17) as usize;
        assert_eq!(t.cell(1, 17).as_deref(), Some(values.value(key)));
    }
}

fn csv_chart(kind: ViewKind, csv: &str, opts: serde_json::Value) -> Chart {
    let table = Table::read(csv.as_bytes(), huntkit_core::TableFormat::Csv).unwrap();
    let ds = DataSet {
        label: "d".into(),
        table,
        time_column: None,
        color: None,
    };
    Chart::new(kind, vec![ds], &ViewOptions::from_json(&opts).unwrap()).unwrap()
}

#[test]
fn anomalies_draw_observed_baseline_and_flags() {
    let mut csv = String::from("TimeGenerated,Total,baseline,anomalies,score\n");
    for h in 0..48 {
        let spike = h == 30;
        let total = if spike { 500 } else { 10 + h % 5 };
        csv += &format!(
            "2024-03-{:02}T{:02}:00:00Z,{total},12,{},{}\n",
            1 + h / 24,
            h % 24,
            i32::from(spike),
            if spike { 9.5 } else { 0.1 }
        );
    }
    let mut c = csv_chart(ViewKind::Anomalies, &csv, json!({"y": "Total"}));
    let labels: Vec<_> = c
        .info()
        .series
        .iter()
        .map(|s| (s.label.clone(), s.events))
        .collect();
    assert_eq!(
        labels,
        [
            ("observed".into(), 48),
            ("baseline".into(), 48),
            ("anomalies".into(), 1)
        ]
    );
    assert_eq!(c.info().y_domain, Some([0.0, 500.0]));
    let [x0, x1] = c.info().x_domain;
    let l = c
        .layout(Viewport {
            x0,
            x1,
            width: 400.0,
            height: 200.0,
        })
        .clone();
    let flagged: Vec<_> = l
        .marks
        .chunks(MARK_STRIDE)
        .filter(|m| m[6] == 2.0)
        .collect();
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0][5], 30.0, "the flagged mark is row 30");
    assert!(flagged[0][1].abs() < 1e-9, "at the top of the plot");
    let e = Chart::new(
        ViewKind::Anomalies,
        vec![DataSet {
            label: "d".into(),
            table: Table::read(
                b"TimeGenerated,Total\n2024-01-01,1\n",
                huntkit_core::TableFormat::Csv,
            )
            .unwrap(),
            time_column: None,
            color: None,
        }],
        &ViewOptions::from_json(&json!({"y": "Total"})).unwrap(),
    )
    .err()
    .unwrap();
    assert!(e.to_string().contains("\"baseline\""), "{e}");
}

#[test]
fn session_scores_slider_hides_likely_sessions() {
    let csv = "start,likelihood,window\n2024-01-01T00:00:00Z,0.5,a\n2024-01-01T01:00:00Z,0.001,b\n2024-01-01T02:00:00Z,0.2,c\n2024-01-01T03:00:00Z,0.0001,d\n";
    let mut c = csv_chart(
        ViewKind::SessionScores,
        csv,
        json!({"time_column": "start", "y": "likelihood"}),
    );
    let [x0, x1] = c.info().x_domain;
    let vp = Viewport {
        x0,
        x1,
        width: 400.0,
        height: 200.0,
    };
    assert_eq!(c.layout(vp).len(), 4);
    c.set_y_max(Some(0.01));
    let l = c.layout(vp).clone();
    assert_eq!((l.len(), l.events_in_view), (2, 2));
    let windows: Vec<_> = (0..2)
        .map(|m| c.rows_json(&c.mark_rows(m, 5).0)[0]["window"].clone())
        .collect();
    assert_eq!(windows, [json!("b"), json!("d")]);
    assert_eq!(c.rows_between(x0, x1, 10).1, 2);
    c.set_y_max(None);
    assert_eq!(c.layout(vp).len(), 4);
}

/// issue #18: a cluster table as a scatter of two features; the circle
/// under the cursor is its cluster's row, and noise is the muted series.
#[test]
fn cluster_scatter_hits_and_names_its_rows() {
    let csv = "ClusterId,ClusterSize,pathScore,commandlineTokensFull,Cmd\n\
        -1,1,0,0,a\n\
        0,40,200,5,<b>bold</b>\n\
        1,5,100,10,c\n\
        -1,1,400,10,d\n";
    let mut c = csv_chart(
        ViewKind::ClusterScatter,
        csv,
        json!({"x": "pathScore", "y": "commandlineTokensFull"}),
    );
    let info = c.info().clone();
    assert_eq!(info.x_axis, "number");
    assert_eq!(info.x_domain, [0.0, 400.0]);
    assert_eq!(info.y_domain, Some([0.0, 10.0]));
    assert_eq!(info.muted_series, Some(0));
    assert_eq!(info.total_events, 47);
    let labels: Vec<&str> = info.series.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["noise", "cluster 0", "cluster 1"]);
    let layout = c.layout(Viewport {
        x0: 0.0,
        x1: 400.0,
        width: 400.0,
        height: 100.0,
    });
    assert_eq!(layout.len(), 4);
    assert_eq!(layout.events_in_view, 47);
    // The centre is the 40-event cluster's circle.
    let mark = c.hit(200.0, 50.0, 6.0).unwrap();
    let (ids, total) = c.mark_rows(mark, 10);
    assert_eq!((ids.clone(), total), (vec![1], 1));
    let rows = c.rows_json(&ids);
    assert_eq!(rows[0]["Cmd"], json!("<b>bold</b>"));
    assert_eq!(rows[0]["ClusterSize"], json!("40"));
    // Far from every circle: nothing.
    assert!(c.hit(300.0, 95.0, 3.0).is_none());
    // A text feature is refused with its column named.
    let t = Table::read(csv.as_bytes(), huntkit_core::TableFormat::Csv).unwrap();
    let ds = DataSet {
        label: "d".into(),
        table: t,
        time_column: None,
        color: None,
    };
    let opts = ViewOptions::from_json(&json!({"x": "Cmd", "y": "pathScore"})).unwrap();
    let e = Chart::new(ViewKind::ClusterScatter, vec![ds], &opts)
        .err()
        .unwrap();
    assert!(e.to_string().contains("\"Cmd\""), "{e}");
}
