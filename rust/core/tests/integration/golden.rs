//! Golden IoC cases from `tests/golden/ioc_cases.json`: the same file is
//! run through the wasm facade in `rust/wasm/tests/api.rs`.

use huntkit_core::{Extractor, IocOptions};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    name: String,
    text: String,
    expect: Vec<(String, String)>,
}

#[test]
fn golden_ioc_cases() {
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("../../../../tests/golden/ioc_cases.json")).unwrap();
    assert!(cases.len() >= 8);
    let extractor = Extractor::new(&IocOptions::default(), false).unwrap();
    for case in cases {
        let got: Vec<(String, String)> = extractor
            .extract(&case.text)
            .into_iter()
            .map(|(t, _, refanged, _)| (t, refanged))
            .collect();
        assert_eq!(got, case.expect, "case {:?}", case.name);
    }
}
