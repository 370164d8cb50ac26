//! Assembles `dist/<browser>/` from the sources and the wasm-bindgen output, and zips each one
//! deterministically (sorted entries, fixed timestamps) for the stores.

use crate::manifest::{self, Browser};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What of `pkg/` ships: for each of its two cores (`pkg/`, and `pkg/generator/` for the
/// generator page) the JS glue, the optimised module and the JS snippets it imports.
/// TypeScript declarations and wasm-bindgen's package.json stay behind.
fn ships_from_pkg(relative: &Path) -> bool {
    let name = relative.to_string_lossy();
    let name = name.strip_prefix("generator/").unwrap_or(&name);
    name == "forcefield.js" || name == "forcefield_bg.wasm" || name.starts_with("snippets/")
}

pub fn dist(root: &Path) -> Result<(), String> {
    let version = manifest::cargo_version(root)?;
    let source = manifest::source_manifest(root)?;
    let pkg = root.join("pkg");
    for module in ["forcefield_bg.wasm", "generator/forcefield_bg.wasm"] {
        if !pkg.join(module).is_file() {
            return Err(format!("pkg/{module} is missing: run `make build`"));
        }
    }
    for browser in Browser::ALL {
        let out = root.join("dist").join(browser.name());
        if out.exists() {
            fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        }
        copy_tree(&root.join("extension"), &out, &|_| true)?;
        copy_tree(&pkg, &out.join("pkg"), &ships_from_pkg)?;
        let derived = manifest::derive(&source, &version, browser)?;
        let text = serde_json::to_string_pretty(&derived).map_err(|e| e.to_string())?;
        fs::write(out.join("manifest.json"), text + "\n").map_err(|e| e.to_string())?;
        manifest::check(&derived, &version, browser, &out)?;
        let zip_path = root
            .join("dist")
            .join(format!("forcefield-{}-{version}.zip", browser.name()));
        zip_dir(&out, &zip_path)?;
        println!("{} -> {}", out.display(), zip_path.display());
    }
    Ok(())
}

fn files_under(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).map_err(|e| format!("{}: {e}", current.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(
                    path.strip_prefix(dir)
                        .map_err(|e| e.to_string())?
                        .to_path_buf(),
                );
            }
        }
    }
    files.sort();
    Ok(files)
}

fn copy_tree(from: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<(), String> {
    for relative in files_under(from)?.into_iter().filter(|p| keep(p)) {
        let target = to.join(&relative);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::copy(from.join(&relative), &target)
            .map_err(|e| format!("{}: {e}", target.display()))?;
    }
    Ok(())
}

fn zip_dir(dir: &Path, zip_path: &Path) -> Result<(), String> {
    let file = fs::File::create(zip_path).map_err(|e| format!("{}: {e}", zip_path.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for relative in files_under(dir)? {
        let name = relative.to_string_lossy().replace('\\', "/");
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        let bytes = fs::read(dir.join(&relative)).map_err(|e| e.to_string())?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    zip.finish().map_err(|e| e.to_string())?;
    Ok(())
}
