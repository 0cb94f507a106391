//! `EntityGraph` in headless Chromium: built from the Sentinel fixture and
//! from a mapped CSV, edited, read back as Arrow IPC, errors with a `kind`.
#![cfg(target_arch = "wasm32")]

use huntkit_wasm::EntityGraph;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ALERTS: &[u8] = include_bytes!("../../../tests/fixtures/entities/security_alerts.json");

fn kind(err: &JsValue) -> String {
    js_sys::Reflect::get(err, &JsValue::from_str("kind"))
        .unwrap()
        .as_string()
        .unwrap()
}

fn options(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

#[wasm_bindgen_test]
fn alerts_json_to_nodes_and_edges() {
    let mut g = EntityGraph::from_json(ALERTS, JsValue::UNDEFINED).unwrap();
    assert_eq!((g.node_count(), g.link_count()), (12, 19));
    let nodes = huntkit_core::Table::from_arrow(&g.nodes().unwrap()).unwrap();
    assert_eq!(
        nodes.names(),
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
    assert_eq!(nodes.column(0).get(0), Some("Alert-1"));
    let note = g
        .add_note("triage", "checked", Some("Host-2".into()), Some(1.0e12))
        .unwrap();
    assert_eq!(note, "Note-13");
    assert_eq!(g.link_count(), 20);
    let err = g.remove_node("Host-99").unwrap_err();
    assert_eq!(kind(&err), "unknown_node");
    let edges = huntkit_core::Table::from_arrow(&g.edges().unwrap()).unwrap();
    assert_eq!(edges.names(), ["Source", "Target", "Label"]);
    assert_eq!(edges.rows(), 20);

    let err = EntityGraph::from_json(ALERTS, options(r#"{"max_nodes": 3}"#)).err();
    assert_eq!(kind(&err.unwrap()), "too_many_nodes");
    let err = EntityGraph::from_json(ALERTS, options(r#"{"maxNodes": 3}"#)).err();
    assert_eq!(kind(&err.unwrap()), "invalid_option");
}

#[wasm_bindgen_test]
fn mapped_table_to_graph() {
    let csv = b"Computer,User\nDC1,alice\ndc1,bob\n";
    let g = EntityGraph::from_table(
        csv,
        "csv",
        options(r#"{"mapping": ["Computer=Host", "User=Account.Name"]}"#),
    )
    .unwrap();
    assert_eq!((g.node_count(), g.link_count()), (3, 2));
    let table = huntkit_core::Table::from_arrow(&g.table().unwrap()).unwrap();
    assert_eq!(
        table.names(),
        [
            "Name",
            "Description",
            "Type",
            "TimeGenerated",
            "StartTime",
            "EndTime"
        ]
    );
    let err = EntityGraph::from_table(csv, "csv", options(r#"{"mapping": ["Nope=Host"]}"#)).err();
    assert_eq!(kind(&err.unwrap()), "missing_column");
}
