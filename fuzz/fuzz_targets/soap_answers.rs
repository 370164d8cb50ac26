//! cargo-fuzz target `soap_answers`: see `tests/fuzz/targets.rs` for what it feeds the core and checks.
#![no_main]

#[path = "../../tests/fuzz/targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::soap_answers(data));
