//! `clusterEvents` in headless Chromium on the golden events: DBSCAN labels
//! equal to MSTICPy's (scikit-learn's), and the seeded isolation forest's
//! flags and path lengths bit for bit those of the native build
//! (`tests/golden/cluster_seeded.json`, checked natively by
//! `rust/core/tests/integration/cluster.rs`).
#![cfg(target_arch = "wasm32")]

use huntkit_wasm::cluster_events;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const EVENTS: &[u8] = include_bytes!("../../../tests/golden/cluster_events.csv");

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn clusters_and_seeded_outliers_equal_native() {
    let reference: serde_json::Value =
        serde_json::from_str(include_str!("../../../tests/golden/cluster_msticpy.json")).unwrap();
    let seeded: serde_json::Value =
        serde_json::from_str(include_str!("../../../tests/golden/cluster_seeded.json")).unwrap();
    let result = cluster_events(EVENTS, "csv", JsValue::UNDEFINED).unwrap();
    let labels = js_sys::Int32Array::from(get(&result, "labels")).to_vec();
    let defaults = reference["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "defaults")
        .unwrap();
    let want: Vec<i32> = defaults["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap() as i32)
        .collect();
    assert_eq!(labels, want);
    let paths = js_sys::Float64Array::from(get(&result, "pathLengths")).to_vec();
    let bits: Vec<u64> = paths.iter().map(|p| p.to_bits()).collect();
    let want_bits: Vec<u64> = seeded["path_length_bits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(bits, want_bits);
    let flags = js_sys::Uint8Array::from(get(&result, "isOutlier")).to_vec();
    let flagged: Vec<u64> = (0..flags.len() as u64)
        .filter(|&r| flags[r as usize] == 1)
        .collect();
    let want_flagged: Vec<u64> = seeded["flagged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(flagged, want_flagged);
    let clusters = js_sys::Uint8Array::from(get(&result, "clusters")).to_vec();
    assert_eq!(
        &clusters[..4],
        &[0xff, 0xff, 0xff, 0xff],
        "an Arrow IPC stream"
    );
}

#[wasm_bindgen_test]
fn bad_input_raises_a_kind() {
    let opts = js_sys::JSON::parse(r#"{"features": ["Computer"]}"#).unwrap();
    let err = cluster_events(EVENTS, "csv", opts).err().unwrap();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "bad_value");
    let one = b"TimeGenerated,NewProcessName,CommandLine\n2024-01-01T00:00:00Z,a.exe,a\n";
    let err = cluster_events(one, "csv", JsValue::UNDEFINED)
        .err()
        .unwrap();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "no_rows");
    let opts = js_sys::JSON::parse(r#"{"outliers": {"seeds": 1}}"#).unwrap();
    let err = cluster_events(EVENTS, "csv", opts).err().unwrap();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "invalid_option");
}
