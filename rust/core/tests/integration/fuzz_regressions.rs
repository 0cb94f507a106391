//! Every input a fuzz target crashed on (issue #16), kept as data under
//! `tests/golden/fuzz/<target>/`, replayed through the target's own body
//! ([`super::fuzz_bodies`]): a fixed bug stays fixed without the nightly
//! toolchain or cargo-fuzz.

use std::cell::Cell;
use std::path::PathBuf;

use super::fuzz_bodies::TARGETS;

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/fuzz")
}

thread_local! {
    /// Whether this thread panicked, even where the panic was caught
    /// (natively `guard_arrow` catches arrow-rs's panics; in wasm, with
    /// `panic = "abort"`, the same panic kills the module).
    static PANICKED: Cell<bool> = const { Cell::new(false) };
}

#[test]
fn every_kept_fuzz_input_runs_without_a_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICKED.with(|p| p.set(true));
        previous(info);
    }));
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
            PANICKED.with(|p| p.set(false));
            let escaped = std::panic::catch_unwind(|| body(&data)).is_err();
            if escaped || PANICKED.with(Cell::get) {
                failed.push(path.display().to_string());
            }
        }
    }
    assert!(ran > 0, "no fuzz regression case under {:?}", cases_dir());
    assert!(failed.is_empty(), "these inputs panic: {failed:?}");
}
