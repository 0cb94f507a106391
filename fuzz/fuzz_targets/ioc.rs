//! Fuzz target `ioc`: the body is `fuzz_bodies::ioc`, shared with the
//! regression replay in huntkit-core's integration tests.
#![no_main]

#[path = "../../rust/core/tests/integration/fuzz_bodies.rs"]
#[allow(dead_code)]
mod fuzz_bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_bodies::ioc(data));
