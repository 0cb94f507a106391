//! Lookups as JS sees them, in a real browser: plan, answers handed back
//! as the page gets them from the Jupyter server, rows and Arrow out.
#![cfg(target_arch = "wasm32")]

use huntkit_wasm::{
    finish_lookups, lookup_providers, lookup_retry_delay, plan_lookups, GeoDatabase, LookupCache,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[wasm_bindgen_test]
fn providers_name_their_types() {
    let list = js_sys::Array::from(&lookup_providers().unwrap());
    let vt = list.get(0);
    assert_eq!(get(&vt, "name").as_string().unwrap(), "virustotal");
    assert_eq!(get(&vt, "needsKey").as_bool(), Some(true));
    let supports = js_sys::Array::from(&get(&vt, "supports"));
    assert!(supports.includes(&JsValue::from_str("ipv4"), 0));
}

#[wasm_bindgen_test]
fn plan_then_finish_round_trips_through_js() {
    let hash = "44d88612fea8a8f36de82e1278abb02f";
    let plan = plan_lookups(
        strings(&["8[.]8[.]8[.]8", "192.168.1.1", hash]),
        strings(&["virustotal"]),
    )
    .unwrap();
    // The plan goes through JSON, as it does through a worker message.
    let plan =
        js_sys::JSON::parse(&js_sys::JSON::stringify(&plan).unwrap().as_string().unwrap()).unwrap();
    let requests = js_sys::Array::from(&get(&plan, "requests"));
    assert_eq!(requests.length(), 2);
    let first = get(&requests.get(0), "request");
    assert_eq!(
        get(&first, "path").as_string().unwrap(),
        "/ip_addresses/8.8.8.8"
    );
    assert_eq!(get(&first, "method").as_string().unwrap(), "GET");
    let offline = js_sys::Array::from(&get(&plan, "rows"));
    assert_eq!(
        get(&offline.get(0), "Status").as_string().unwrap(),
        "private_ip"
    );

    let body = r#"{"data":{"attributes":{"last_analysis_stats":{"malicious":40,"suspicious":0,"harmless":0}}}}"#;
    let outcomes = js_sys::JSON::parse(&format!(
        r#"[{{"id":0,"failure":{{"status":403,"message":"external lookups are blocked"}}}},
           {{"id":1,"response":{{"status":200,"headers":[["content-type","application/json"]],"body":{}}}}}]"#,
        serde_json::to_string(body).unwrap()
    ))
    .unwrap();
    let table = finish_lookups(plan, outcomes).unwrap();
    let rows = js_sys::Array::from(&get(&table, "rows"));
    let got: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                get(&r, "Ioc").as_string().unwrap(),
                get(&r, "Status").as_string().unwrap(),
                get(&r, "Severity").as_string().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("8[.]8[.]8[.]8".into(), "error".into(), "information".into()),
            (
                "192.168.1.1".into(),
                "private_ip".into(),
                "information".into()
            ),
            (hash.into(), "ok".into(), "high".into()),
        ]
    );
    // Details is a plain object (JSON-compatible), with the gateway's message.
    let details = get(&rows.get(0), "Details");
    assert_eq!(
        get(&details, "message").as_string().unwrap(),
        "external lookups are blocked"
    );
    let arrow = get(&table, "arrow")
        .dyn_into::<js_sys::Uint8Array>()
        .unwrap();
    assert_eq!(
        arrow.to_vec()[..4],
        [0xff, 0xff, 0xff, 0xff],
        "an Arrow IPC stream"
    );
}

#[wasm_bindgen_test]
fn bad_input_raises_errors_with_a_kind() {
    let err = plan_lookups(strings(&["8.8.8.8"]), strings(&["nope"])).unwrap_err();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "invalid_option");
    let message = get(&err, "message").as_string().unwrap();
    assert!(message.contains("unknown provider \"nope\""), "{message}");
    let err = finish_lookups(JsValue::from_str("nope"), js_sys::Array::new().into()).unwrap_err();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "invalid_option");
}

#[wasm_bindgen_test]
fn retry_delays_follow_the_core_plan() {
    let answer = |status: u16, after: &str| {
        js_sys::JSON::parse(&format!(
            r#"{{"status":{status},"headers":[["retry-after","{after}"]],"body":""}}"#
        ))
        .unwrap()
    };
    assert_eq!(
        lookup_retry_delay(1, answer(429, "3")).unwrap(),
        Some(3000.0)
    );
    assert_eq!(lookup_retry_delay(4, answer(429, "3")).unwrap(), None);
    assert_eq!(lookup_retry_delay(1, answer(200, "3")).unwrap(), None);
    let err = lookup_retry_delay(1, JsValue::from_str("nope")).unwrap_err();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "invalid_option");
}

#[wasm_bindgen_test]
fn cache_answers_a_repeated_lookup() {
    let mut cache = LookupCache::new();
    let plan = plan_lookups(strings(&["8.8.8.8"]), strings(&["virustotal"])).unwrap();
    assert_eq!(
        js_sys::Array::from(&cache.answered(plan.clone()).unwrap()).length(),
        0
    );
    let outcomes =
        js_sys::JSON::parse(r#"[{"id":0,"response":{"status":200,"headers":[],"body":"{}"}}]"#)
            .unwrap();
    cache.remember(plan, outcomes).unwrap();
    let again = plan_lookups(strings(&["8.8.8.8"]), strings(&["virustotal"])).unwrap();
    let hits = js_sys::Array::from(&cache.answered(again).unwrap());
    assert_eq!(hits.length(), 1);
    assert_eq!(
        get(&get(&hits.get(0), "response"), "body")
            .as_string()
            .unwrap(),
        "{}"
    );
}

/// GeoIP in the browser from the test City database (bytes as a picked
/// file gives them): rows, Arrow, and a truncated file refused.
#[wasm_bindgen_test]
fn geo_database_answers_in_the_browser() {
    let bytes = include_bytes!("../../../tests/fixtures/geo/city.mmdb");
    let db = GeoDatabase::new(bytes.to_vec()).unwrap();
    assert_eq!(
        get(&db.info().unwrap(), "databaseType")
            .as_string()
            .unwrap(),
        "GeoIP2-City"
    );
    let table = db
        .lookup(strings(&["81[.]2[.]69[.]142", "10.0.0.1", "8.8.8.8"]))
        .unwrap();
    let rows = js_sys::Array::from(&get(&table, "rows"));
    assert_eq!(rows.length(), 3);
    assert_eq!(get(&rows.get(0), "City").as_string().unwrap(), "London");
    assert_eq!(get(&rows.get(0), "Latitude").as_f64(), Some(51.5142));
    assert_eq!(
        get(&rows.get(1), "Status").as_string().unwrap(),
        "private_ip"
    );
    assert_eq!(
        get(&rows.get(2), "Status").as_string().unwrap(),
        "not_found"
    );
    let arrow: js_sys::Uint8Array = get(&table, "arrow").dyn_into().unwrap();
    assert!(arrow.length() > 100);
    let err = GeoDatabase::new(bytes[..bytes.len() / 2].to_vec())
        .err()
        .unwrap();
    let message = get(&err, "message").as_string().unwrap();
    assert!(message.contains("cut short"), "{message}");
    assert_eq!(get(&err, "kind").as_string().unwrap(), "parse");
}
