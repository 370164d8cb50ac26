//! Packaging for the extension: `cargo xtask dist` turns `manifest.json`, `extension/` and the
//! wasm-bindgen output in `pkg/` into `dist/chrome`, `dist/firefox` and a store-ready zip of each.

mod manifest;
mod package;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("dist") => package::dist(&root),
        Some("version") => manifest::cargo_version(&root).map(|v| println!("{v}")),
        _ => Err("usage: cargo xtask dist | version".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}
