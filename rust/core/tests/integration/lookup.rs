//! Provider answers from `tests/fixtures/providers/`: every case in
//! `cases.json` names a provider, an observable, an HTTP status and a body
//! file in the provider's documented shape (hits, misses, errors,
//! malformed), and the row the core must make of it. The CLI's test serves
//! the same files over loopback.

use std::path::{Path, PathBuf};

use huntkit_core::providers::ti::{
    check_observable, lookup_frame, ti_provider, LookupResult, LOOKUP_COLUMNS,
};
use huntkit_core::providers::HttpResponse;
use huntkit_core::IocType;
use regex::Regex;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    provider: String,
    observable: String,
    #[serde(rename = "type")]
    ioc_type: Option<String>,
    #[serde(rename = "httpStatus")]
    http_status: Option<u16>,
    body: Option<String>,
    expect: Expect,
}

#[derive(Deserialize)]
struct Expect {
    status: String,
    severity: String,
    result: bool,
    path: Option<String>,
    details: Option<serde_json::Map<String, serde_json::Value>>,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/providers")
}

/// The row the core makes of one case (what a host would do, minus the
/// network).
fn run(case: &Case) -> LookupResult {
    let provider =
        ti_provider(&case.provider).unwrap_or_else(|| panic!("no provider {}", case.provider));
    let declared = case
        .ioc_type
        .as_deref()
        .map(|t| t.parse::<IocType>().unwrap());
    let obs = match check_observable(&case.observable, declared) {
        Ok(obs) => obs,
        Err(rejected) => return LookupResult::rejected(&rejected, provider.name()),
    };
    let requests = match provider.plan(&obs) {
        Ok(r) => r,
        Err(row) => return *row,
    };
    assert_eq!(requests.len(), 1, "{}", case.observable);
    let request = &requests[0];
    let op = provider.def.operation(&request.operation).unwrap();
    assert!(
        Regex::new(op.path_pattern).unwrap().is_match(&request.path),
        "{} {} refused by its own pattern",
        case.provider,
        request.path
    );
    if let Some(path) = &case.expect.path {
        assert_eq!(&request.path, path, "{} {}", case.provider, case.observable);
    }
    let body = case.body.as_ref().expect("a case with a status has a body");
    let response = HttpResponse {
        status: case.http_status.expect("a case with a body has a status"),
        headers: vec![],
        body: std::fs::read_to_string(fixtures().join(body)).unwrap(),
    };
    provider.parse(&obs, request, &response)
}

#[test]
fn fixture_cases() {
    let text = std::fs::read_to_string(fixtures().join("cases.json")).unwrap();
    let cases: Vec<Case> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() >= 40);
    let mut rows = Vec::new();
    for case in &cases {
        let row = run(case);
        let what = format!("{} {:?} ({:?})", case.provider, case.observable, case.body);
        assert_eq!(
            row.status.name(),
            case.expect.status,
            "{what}: {:?}",
            row.details
        );
        assert_eq!(row.severity.name(), case.expect.severity, "{what}");
        assert_eq!(row.result, case.expect.result, "{what}");
        assert_eq!(row.provider, case.provider, "{what}");
        for (k, v) in case.expect.details.iter().flatten() {
            assert_eq!(&row.details[k], v, "{what}: details.{k}");
        }
        if row.status.name() == "bad_response" {
            let message = row.details["message"].as_str().unwrap();
            assert!(
                message.starts_with(&format!("bad response from {}", case.provider)),
                "{message}"
            );
        }
        rows.push(row);
    }
    // Every lookup provider in the registry has at least one hit and one
    // failure (SIEM providers have their own cases, in `siem.rs`).
    for p in huntkit_core::providers::ti::providers()
        .iter()
        .map(|p| p.def)
    {
        let mine: Vec<&LookupResult> = rows.iter().filter(|r| r.provider == p.name).collect();
        assert!(
            mine.iter().any(|r| r.status.name() == "ok"),
            "{} has no hit",
            p.name
        );
        assert!(
            mine.iter().any(|r| r.status.name() != "ok"),
            "{} has no failure",
            p.name
        );
    }
    let frame = lookup_frame(&rows);
    assert_eq!(frame.names(), LOOKUP_COLUMNS);
    assert_eq!(frame.to_record_batch().unwrap().num_rows(), cases.len());
}
