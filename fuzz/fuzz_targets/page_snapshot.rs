//! cargo-fuzz target `page_snapshot`: see `tests/fuzz/targets.rs` for what it feeds the core and checks.
#![no_main]

#[path = "../../tests/fuzz/targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::page_snapshot(data));
