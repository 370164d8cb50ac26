//! The core's layering, checked over its source: features never reach for the router or the
//! wasm shell, so the core runs under any host that implements the platform port.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every source file of the core, as (path relative to `src/`, text).
fn core_sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

/// Lines that use `module` by path (`crate::module`, `super::module` does not reach it).
fn uses(text: &str, module: &str) -> Vec<String> {
    let needle = format!("crate::{module}");
    text.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .filter(|line| line.contains(&needle))
        .map(str::to_owned)
        .collect()
}

#[test]
fn nothing_in_the_core_imports_the_router() {
    let offenders: Vec<String> = core_sources()
        .into_iter()
        // The hosts' entry points call the router; nothing else does.
        .filter(|(name, _)| name != "router.rs" && name != "lib.rs" && !name.starts_with("web/"))
        .flat_map(|(name, text)| {
            uses(&text, "router")
                .into_iter()
                .map(move |line| format!("{name}: {}", line.trim()))
        })
        .collect();
    assert!(offenders.is_empty(), "{offenders:#?}");
}

#[test]
fn only_the_wasm_shell_touches_the_browser() {
    let offenders: Vec<String> = core_sources()
        .into_iter()
        .filter(|(name, _)| !name.starts_with("web/") && name != "lib.rs")
        .flat_map(|(name, text)| {
            let mut lines = uses(&text, "web");
            for binding in ["wasm_bindgen", "js_sys"] {
                lines.extend(
                    text.lines()
                        .filter(|line| line.contains(&format!("{binding}::")))
                        .map(str::to_owned),
                );
            }
            lines
                .into_iter()
                .map(move |line| format!("{name}: {}", line.trim()))
        })
        .collect();
    assert!(offenders.is_empty(), "{offenders:#?}");
}
