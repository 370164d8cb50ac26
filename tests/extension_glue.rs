//! The extension's JavaScript stays thin glue with one way of drawing: a single DOM helper
//! (`extension/dom.js`) that every content script and page uses, and content-script styles in
//! `extension/content.css` keyed on `data-ff` roles rather than inline strings. Checked over the
//! shipped sources, so a new script can't quietly grow its own builder or inline styles.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn manifest() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(root().join("manifest.json")).unwrap()).unwrap()
}

/// The isolated-world content script lists (the MAIN-world one is the page's own world and gets
/// nothing of ours).
fn isolated_content_scripts() -> Vec<Vec<String>> {
    manifest()["content_scripts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry.get("world").and_then(|w| w.as_str()) != Some("MAIN"))
        .map(|entry| {
            entry["js"]
                .as_array()
                .unwrap()
                .iter()
                .map(|file| file.as_str().unwrap().to_owned())
                .collect()
        })
        .collect()
}

fn js_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            js_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "js") {
            out.push(path);
        }
    }
}

/// Every extension script but the helper itself, as (path relative to `extension/`, text).
fn scripts_other_than_the_helper() -> Vec<(String, String)> {
    let extension = root().join("extension");
    let mut files = Vec::new();
    js_files(&extension, &mut files);
    files
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(&extension)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .filter(|(name, _)| name != "dom.js")
        .collect()
}

/// Lines of `text` that are code, not `//` comments.
fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|line| {
        let trimmed = line.trim_start();
        !trimmed.starts_with("//") && !trimmed.starts_with('*') && !trimmed.starts_with("/*")
    })
}

#[test]
fn every_isolated_content_script_list_loads_the_dom_helper_first() {
    let lists = isolated_content_scripts();
    assert!(!lists.is_empty());
    for list in lists {
        assert_eq!(list.first().map(String::as_str), Some("dom.js"), "{list:?}");
    }
    let css = manifest()["content_scripts"][0]["css"].clone();
    assert_eq!(css, serde_json::json!(["content.css"]));
}

#[test]
fn no_script_defines_its_own_dom_builder() {
    let builders = [
        "function h(",
        "function element(",
        "const h = (",
        "const element = (",
    ];
    let offenders: Vec<String> = scripts_other_than_the_helper()
        .into_iter()
        .flat_map(|(name, text)| {
            code_lines(&text)
                .filter(|line| builders.iter().any(|b| line.contains(b)))
                .map(|line| format!("{name}: {}", line.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(offenders.is_empty(), "{offenders:#?}");
}

/// `document.createElement` outside the helper only for nodes that never enter a page: the
/// canvases badges.js paints icons on and the picture input kept in its isolated world.
#[test]
fn elements_are_created_through_the_helper() {
    let offscreen = [
        ("badges.js", "document.createElement('canvas')"),
        ("badges.js", "document.createElement('input')"),
    ];
    let offenders: Vec<String> = scripts_other_than_the_helper()
        .into_iter()
        .flat_map(|(name, text)| {
            code_lines(&text)
                .filter(|line| line.contains("createElement("))
                .filter(|line| {
                    !offscreen
                        .iter()
                        .any(|(file, call)| name == *file && line.contains(call))
                })
                .map(|line| format!("{name}: {}", line.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(offenders.is_empty(), "{offenders:#?}");
}

#[test]
fn content_scripts_set_no_inline_styles() {
    let content_scripts: BTreeSet<String> =
        isolated_content_scripts().into_iter().flatten().collect();
    let offenders: Vec<String> = scripts_other_than_the_helper()
        .into_iter()
        .filter(|(name, _)| content_scripts.contains(name))
        .flat_map(|(name, text)| {
            code_lines(&text)
                .filter(|line| {
                    line.contains(".style.")
                        || line.contains(".style,")
                        || line.contains("'style'")
                        || line.contains("cssText")
                })
                .map(|line| format!("{name}: {}", line.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(offenders.is_empty(), "{offenders:#?}");
}

/// The `data-ff` roles content.css styles; a stale rule (a role no script draws any more) fails.
#[test]
fn every_role_content_css_styles_is_drawn_by_a_content_script() {
    let css = std::fs::read_to_string(root().join("extension/content.css")).unwrap();
    let roles: BTreeSet<&str> = css
        .split("[data-ff=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(roles.len() >= 10, "{roles:?}");
    let content_scripts: BTreeSet<String> =
        isolated_content_scripts().into_iter().flatten().collect();
    let drawn: String = scripts_other_than_the_helper()
        .into_iter()
        .filter(|(name, _)| content_scripts.contains(name))
        .map(|(_, text)| text)
        .collect();
    let stale: Vec<&&str> = roles
        .iter()
        .filter(|role| !drawn.contains(&format!("'{role}'")))
        .collect();
    assert!(stale.is_empty(), "styled but never drawn: {stale:?}");
}

#[test]
fn every_page_that_uses_the_helper_imports_it() {
    let offenders: Vec<String> = scripts_other_than_the_helper()
        .into_iter()
        .filter(|(_, text)| text.contains("globalThis.forcefieldDom"))
        .filter(|(_, text)| text.contains("\nimport "))
        .filter(|(_, text)| !text.contains("import '../dom.js';"))
        .map(|(name, _)| name)
        .collect();
    assert!(offenders.is_empty(), "{offenders:#?}");
}
