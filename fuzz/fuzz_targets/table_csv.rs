//! Fuzz target `table_csv`: the body is `fuzz_bodies::table_csv`, shared with the
//! regression replay in huntkit-core's integration tests.
#![no_main]

#[path = "../../rust/core/tests/integration/fuzz_bodies.rs"]
#[allow(dead_code)]
mod fuzz_bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_bodies::table_csv(data));
