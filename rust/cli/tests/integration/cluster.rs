//! `huntkit cluster` end to end on the golden events
//! (`tests/golden/cluster_events.csv`, MSTICPy's reference beside it).

use std::process::{Command, Output};

const EVENTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/golden/cluster_events.csv"
);

fn huntkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_huntkit"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> String {
    let o = huntkit(args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn reference_case(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/golden/cluster_msticpy.json"
    ))
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
        .clone()
}

#[test]
fn clusters_as_msticpy_ndjson() {
    let case = reference_case("lengths_min3");
    let out = ok(&[
        "cluster",
        EVENTS,
        "--features",
        "commandlineLen,commandlineTokensFull,pathLogScore",
        "--max-cluster-distance",
        "0.002",
        "--min-cluster-samples",
        "3",
        "--format",
        "ndjson",
    ]);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let want = case["rows"].as_array().unwrap();
    assert_eq!(rows.len(), want.len());
    for (g, w) in rows.iter().zip(want) {
        for key in ["SourceIndex", "Clustered", "ClusterId", "ClusterSize"] {
            assert_eq!(g[key], w[key], "{key}");
        }
        // The representative event's columns and its features follow.
        assert!(g["NewProcessName"].is_string() && g["commandlineTokensHash"].is_number());
    }
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with(r#"{"Clustered":false,"ClusterId":-1,"ClusterSize":1,"FirstEventTime":"#),
        "{first}"
    );
}

#[test]
fn outliers_labels_and_summary() {
    let summary = ok(&[
        "cluster",
        EVENTS,
        "--show",
        "summary",
        "--max-cluster-distance",
        "0.0001",
    ]);
    assert_eq!(
        summary.trim(),
        "368 events: 7 clusters, 7 noise events, 4 outliers"
    );
    let outliers = ok(&["cluster", EVENTS, "--show", "outliers", "--format", "csv"]);
    let mut lines = outliers.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("SourceIndex,OutlierScore,ClusterId,TimeGenerated,"));
    assert_eq!(lines.count(), 4);
    let labels = ok(&[
        "cluster", EVENTS, "--show", "labels", "--format", "csv", "--seed", "7",
    ]);
    assert_eq!(labels.lines().count(), 369);
    assert!(labels.starts_with("SourceIndex,ClusterId,OutlierScore,IsOutlier\n0,0,"));
    let features = ok(&["cluster", EVENTS, "--show", "features", "--format", "csv"]);
    assert!(features.lines().next().unwrap().ends_with(
        "processName,pathScore,pathLogScore,pathHash,commandlineLen,commandlineLogLen,\
         commandlineTokensFull,commandlineScore,commandlineTokensHash,isSystemSession"
    ));
}

#[test]
fn bad_input_names_the_problem() {
    let o = huntkit(&["cluster", EVENTS, "--features", "Computer"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim(),
        "huntkit: row 0 of column \"Computer\": \"wks-0001.corp.contoso.com\" is not a number"
    );
    let dir = std::env::temp_dir().join(format!("huntkit-cluster-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let one = dir.join("one.csv");
    std::fs::write(
        &one,
        "TimeGenerated,NewProcessName,CommandLine\n2024-01-01T00:00:00Z,a.exe,a\n",
    )
    .unwrap();
    let o = huntkit(&["cluster", one.to_str().unwrap()]);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim(),
        "huntkit: clustering needs at least 2 rows, the table has 1"
    );
    let o = huntkit(&["cluster", EVENTS, "--contamination", "0.6"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim(),
        "huntkit: option \"contamination\": 0.6 is not in (0, 0.5]"
    );
}
