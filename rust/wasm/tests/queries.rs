//! `QueryLibrary` as JS sees it, in a real browser: the LocalData demo
//! templates and manifest, rendered and run over bytes handed in.
#![cfg(target_arch = "wasm32")]

use huntkit_wasm::{parse_time_expression, time_span, QueryLibrary};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const TEMPLATES: &str = include_str!("../../../queries/localdata/demo.yaml");
const MANIFEST: &str = include_str!("../../../jupyterlab-ext/demo/localdata.yaml");
const LOGONS: &str = "TimeGenerated,Computer,Account,LogonType,EventID,SourceIP,Status\n\
2024-03-07T02:47:00Z,WEB-01,svc_backup,10,4624,198.51.100.23,0x0\n\
2024-03-07T02:46:00Z,WEB-01,svc_backup,10,4625,198.51.100.23,0xC000006A\n\
2024-03-07T09:00:00Z,WKS-0042,alice.ng,2,4624,-,0x0\n";

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap()
}

#[wasm_bindgen_test]
fn list_render_and_run_local() {
    let mut lib = QueryLibrary::new();
    assert_eq!(lib.add_file("demo.yaml", TEMPLATES.as_bytes()), 6);
    assert_eq!(lib.add_file("bad.yaml", b"metadata: ["), 0);
    let errors = js_sys::Array::from(&lib.errors().unwrap());
    assert_eq!(errors.length(), 1);
    let listed = js_sys::Array::from(&lib.list(json(r#"{"entity": "ip"}"#)).unwrap());
    assert_eq!(
        get(&listed.get(0), "name").as_string().unwrap(),
        "WindowsSecurity.list_logons_from_ip"
    );
    let r = lib
        .render(
            "list_host_logons",
            json(r#"{"host": "WEB-01"}"#),
            json(r#"{"now": "2024-03-11T00:00:00Z"}"#),
        )
        .unwrap();
    assert_eq!(get(&r, "query").as_string().unwrap(), "logons.csv");
    let files = js_sys::Object::new();
    js_sys::Reflect::set(
        &files,
        &"logons.csv".into(),
        &js_sys::Uint8Array::from(LOGONS.as_bytes()).into(),
    )
    .unwrap();
    let out = lib
        .run_local(
            "WindowsSecurity.list_host_logons",
            json(r#"{"host_name": "web-01"}"#),
            MANIFEST.as_bytes(),
            files.into(),
            JsValue::UNDEFINED,
        )
        .unwrap();
    assert_eq!(get(&out, "rows").as_f64(), Some(1.0));
    assert_eq!(get(&out, "rowsRead").as_f64(), Some(3.0));
    assert!(get(&out, "table").is_instance_of::<js_sys::Uint8Array>());
    // A file the host did not hand over is an error with a kind.
    let err = lib
        .run_local(
            "SecurityAlert.list_host_alerts",
            json(r#"{"host_name": "x"}"#),
            MANIFEST.as_bytes(),
            js_sys::Object::new().into(),
            JsValue::UNDEFINED,
        )
        .unwrap_err();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "invalid_option");
    let err = lib
        .render(
            "list_host_logons",
            json(r#"{"host": "x", "start": "soon"}"#),
            JsValue::UNDEFINED,
        )
        .unwrap_err();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "parameter_value");
}

#[wasm_bindgen_test]
fn the_bundled_library_renders_with_no_files() {
    let lib = QueryLibrary::bundled();
    assert!(lib.size() >= 60);
    let r = lib
        .render(
            "MDE.list_host_processes",
            json(r#"{"host": "WKS-1"}"#),
            json(r#"{"now": 1709719200000}"#),
        )
        .unwrap();
    let q = get(&r, "query").as_string().unwrap();
    assert!(q.contains("datetime(2024-03-05T10:00:00Z)"), "{q}");
    assert!(q.contains("DeviceName has 'WKS-1'"), "{q}");
    let m = QueryLibrary::demo_manifest();
    assert!(std::str::from_utf8(&m).unwrap().contains("logons.csv"));
}

#[wasm_bindgen_test]
fn time_helpers() {
    let now = JsValue::from_str("2024-03-06T10:15:00Z");
    assert_eq!(
        parse_time_expression("-1w@d", now.clone()).unwrap(),
        "2024-02-28T00:00:00Z"
    );
    let spans = js_sys::Array::from(
        &time_span(
            Some("-1d@d".into()),
            Some("-0d@d".into()),
            None,
            Some("12H".into()),
            now,
        )
        .unwrap(),
    );
    assert_eq!(spans.length(), 2);
    assert_eq!(
        get(&spans.get(1), "end").as_string().unwrap(),
        "2024-03-06T00:00:00Z"
    );
}
