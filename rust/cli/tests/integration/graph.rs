//! `huntkit graph` end to end on the Sentinel and Defender fixtures
//! (`tests/fixtures/entities/`) and on a mapped CSV table.

use std::process::Output;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/entities");

/// The binary with `stdin` as text (see [`crate::cli::huntkit`]).
fn huntkit(args: &[&str], stdin: Option<&str>) -> Output {
    crate::cli::huntkit(args, stdin.map(str::as_bytes))
}

fn ok(args: &[&str], stdin: Option<&str>) -> String {
    let o = huntkit(args, stdin);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

fn rows(ndjson: &str) -> Vec<serde_json::Value> {
    ndjson
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn incident_json_as_msticpy_table() {
    let out = ok(
        &[
            "graph",
            &fixture("sentinel_incident.json"),
            "--format",
            "csv",
        ],
        None,
    );
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("Name,Description,Type,TimeGenerated,StartTime,EndTime")
    );
    let first = lines.next().unwrap();
    assert!(
        first.starts_with("Incident 3177: Multi-stage attack involving credential theft,"),
        "{first}"
    );
    assert!(
        first.ends_with(",Incident,2024-03-01T10:05:00Z,2024-03-01T09:30:00Z,2024-03-01T10:00:00Z"),
        "{first}"
    );
    assert_eq!(out.lines().count(), 1 + 8);
}

#[test]
fn nodes_and_edges_share_ids() {
    let path = fixture("security_alerts.json");
    let nodes = rows(&ok(
        &["graph", &path, "--show", "nodes", "--format", "ndjson"],
        None,
    ));
    let edges = rows(&ok(
        &["graph", &path, "--show", "edges", "--format", "ndjson"],
        None,
    ));
    assert_eq!(nodes.len(), 12);
    assert_eq!(edges.len(), 19);
    let ids: Vec<&str> = nodes.iter().map(|n| n["Id"].as_str().unwrap()).collect();
    for e in &edges {
        assert!(ids.contains(&e["Source"].as_str().unwrap()));
        assert!(ids.contains(&e["Target"].as_str().unwrap()));
    }
    let keys: Vec<&String> = nodes[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "Id",
            "Name",
            "Type",
            "Description",
            "TimeGenerated",
            "StartTime",
            "EndTime",
            "Properties"
        ]
    );
    let props: serde_json::Value =
        serde_json::from_str(nodes[0]["Properties"].as_str().unwrap()).unwrap();
    assert_eq!(
        props["SystemAlertId"],
        "b2000000-0000-0000-0000-000000000001"
    );
}

#[test]
fn mapped_csv_with_a_note_and_a_removal() {
    let csv = "TimeGenerated,Computer,Account,SourceIp\n\
        2024-01-01T00:00:00Z,DC1,alice,10.0.0.5\n\
        2024-01-01T01:00:00Z,dc1,alice,10.0.0.6\n";
    let summary = ok(
        &[
            "graph",
            "--input-format",
            "csv",
            "--map",
            "Computer=Host,Account=Account.Name",
            "--map",
            "SourceIp=IpAddress",
            "--time-column",
            "TimeGenerated",
            "--note",
            "Host-1:checked with the owner",
            "--remove",
            "IpAddress-4",
            "--show",
            "summary",
        ],
        Some(csv),
    );
    assert_eq!(
        summary.trim(),
        "4 nodes, 4 links (Account 1, Host 1, IpAddress 1, Note 1)"
    );
}

#[test]
fn bad_input_names_the_problem() {
    let o = huntkit(
        &[
            "graph",
            "--max-nodes",
            "3",
            &fixture("security_alerts.json"),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("more than max_nodes (3); raise max_nodes"),
        "{err}"
    );

    let o = huntkit(&["graph"], Some("Computer\nDC1\n"));
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("map its columns with --map"), "{err}");

    let o = huntkit(
        &["graph", "--input-format", "csv", "--map", "Computer=Server"],
        Some("Computer\nDC1\n"),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown entity kind \"Server\""), "{err}");

    let o = huntkit(
        &["graph", "--remove", "Host-99", &fixture("broken_refs.json")],
        None,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("warning: dangling reference \"99\""), "{err}");
    assert!(
        err.contains("no node \"Host-99\" in the entity graph"),
        "{err}"
    );
}
