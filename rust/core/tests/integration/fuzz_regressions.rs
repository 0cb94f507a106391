//! Every input a fuzz target crashed on (issue #16), kept as data under
//! `tests/golden/fuzz/<target>/`, replayed through the target's own body
//! ([`super::fuzz_bodies`]): a fixed bug stays fixed without the nightly
//! toolchain or cargo-fuzz.

use std::path::PathBuf;

use super::fuzz_bodies::TARGETS;

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/fuzz")
}

#[test]
fn every_kept_fuzz_input_runs_without_a_panic() {
    let mut failed = Vec::new();
    let mut ran = 0;
    for (name, body) in TARGETS {
        let Ok(entries) = std::fs::read_dir(cases_dir().join(name)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            ran += 1;
            if std::panic::catch_unwind(|| body(&data)).is_err() {
                failed.push(path.display().to_string());
            }
        }
    }
    assert!(ran > 0, "no fuzz regression case under {:?}", cases_dir());
    assert!(failed.is_empty(), "these inputs panic: {failed:?}");
}
