//! cargo-fuzz target `xml_import`: see `tests/fuzz/targets.rs` for what it feeds the core and checks.
#![no_main]

#[path = "../../tests/fuzz/targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::xml_import(data));
