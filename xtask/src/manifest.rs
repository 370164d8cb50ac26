//! The one source manifest and what each browser gets from it, with the invariants every
//! shipped manifest must keep (checked at build time and by `cargo test`).

use serde_json::{json, Value};
use std::path::Path;

/// Firefox's add-on id; stable so updates and storage survive.
pub const GECKO_ID: &str = "forcefield@forcefield-ext.org";
/// `storage.session` (115), MAIN-world content scripts (128), `data_collection_permissions`
/// on desktop (140) and Android (142).
pub const GECKO_MIN_VERSION: &str = "142.0";
/// The exact API permissions Forcefield asks for: `cookies` to find the admin's session,
/// `storage` for per-org settings. Nothing else.
pub const PERMISSIONS: [&str; 2] = ["cookies", "storage"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Browser {
    Chrome,
    Firefox,
}

impl Browser {
    pub const ALL: [Browser; 2] = [Browser::Chrome, Browser::Firefox];

    pub fn name(self) -> &'static str {
        match self {
            Self::Chrome => "chrome",
            Self::Firefox => "firefox",
        }
    }
}

/// The package version, kept in `Cargo.toml` only.
pub fn cargo_version(root: &Path) -> Result<String, String> {
    let text =
        std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| format!("Cargo.toml: {e}"))?;
    let parsed: toml::Table = text.parse().map_err(|e| format!("Cargo.toml: {e}"))?;
    parsed
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .ok_or_else(|| "Cargo.toml has no package.version".to_owned())
}

pub fn source_manifest(root: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(root.join("manifest.json"))
        .map_err(|e| format!("manifest.json: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("manifest.json: {e}"))
}

/// The manifest one browser receives.
pub fn derive(source: &Value, version: &str, browser: Browser) -> Result<Value, String> {
    let mut manifest = source.clone();
    let object = manifest
        .as_object_mut()
        .ok_or("manifest.json is not an object")?;
    if object.contains_key("version") {
        return Err("manifest.json must not carry a version: it comes from Cargo.toml".to_owned());
    }
    object.insert("version".to_owned(), json!(version));
    if browser == Browser::Firefox {
        let worker = source
            .pointer("/background/service_worker")
            .and_then(Value::as_str)
            .ok_or("manifest.json has no background.service_worker")?;
        // Firefox runs MV3 backgrounds as event pages from `background.scripts`.
        object.insert(
            "background".to_owned(),
            json!({ "scripts": [worker], "type": "module" }),
        );
        object.remove("minimum_chrome_version");
        object.insert(
            "browser_specific_settings".to_owned(),
            json!({ "gecko": {
                "id": GECKO_ID,
                "strict_min_version": GECKO_MIN_VERSION,
                "data_collection_permissions": { "required": ["none"] }
            } }),
        );
    }
    Ok(manifest)
}

/// Every file a manifest names, relative to the extension root.
pub fn referenced_files(manifest: &Value) -> Vec<String> {
    let mut files = Vec::new();
    let mut push = |value: Option<&Value>| {
        if let Some(text) = value.and_then(Value::as_str) {
            files.push(text.to_owned());
        }
    };
    for pointer in [
        "/action/default_popup",
        "/background/service_worker",
        "/options_ui/page",
    ] {
        push(manifest.pointer(pointer));
    }
    for pointer in ["/icons", "/action/default_icon"] {
        if let Some(icons) = manifest.pointer(pointer).and_then(Value::as_object) {
            icons.values().for_each(|v| push(Some(v)));
        }
    }
    let lists = manifest.pointer("/background/scripts").into_iter().chain(
        manifest
            .pointer("/content_scripts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|cs| [cs.get("js"), cs.get("css")].into_iter().flatten()),
    );
    for list in lists {
        list.as_array()
            .into_iter()
            .flatten()
            .for_each(|v| push(Some(v)));
    }
    files.sort();
    files.dedup();
    files
}

/// Checks what every shipped manifest must keep; `files_root` is where its files should be.
pub fn check(
    manifest: &Value,
    version: &str,
    browser: Browser,
    files_root: &Path,
) -> Result<(), String> {
    let mut problems = Vec::new();
    if manifest.get("manifest_version") != Some(&json!(3)) {
        problems.push("manifest_version must be 3".to_owned());
    }
    if manifest.get("version").and_then(Value::as_str) != Some(version) {
        problems.push(format!("version must be {version} (from Cargo.toml)"));
    }
    let csp = manifest
        .pointer("/content_security_policy/extension_pages")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    if !directives.contains(&"script-src 'self' 'wasm-unsafe-eval'") {
        problems.push(format!(
            "extension CSP must be script-src 'self' 'wasm-unsafe-eval', is {csp:?}"
        ));
    }
    let permissions: Vec<&str> = manifest
        .get("permissions")
        .and_then(Value::as_array)
        .map(|p| p.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if permissions != PERMISSIONS {
        problems.push(format!(
            "permissions must be exactly {PERMISSIONS:?}, are {permissions:?}"
        ));
    }
    let text = manifest.to_string();
    if text.contains("<all_urls>") || text.contains("*://*/*") || text.contains("http://") {
        problems.push("no <all_urls>, wildcard-host or plain-http patterns".to_owned());
    }
    let hosts = manifest
        .get("host_permissions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if hosts.is_empty()
        || hosts.iter().any(|h| {
            !h.as_str()
                .is_some_and(|h| h.starts_with("https://*.") && h.ends_with("/*"))
        })
    {
        problems
            .push("host_permissions must be https://*.<salesforce domain>/* patterns".to_owned());
    }
    let all_frames = manifest
        .pointer("/content_scripts/0/all_frames")
        .and_then(Value::as_bool);
    if all_frames != Some(true) {
        problems.push(
            "the content script must run in all frames (the Classic Setup iframe, salesforce.md §D.1)"
                .to_owned(),
        );
    }
    match browser {
        Browser::Chrome => {
            if manifest.pointer("/background/service_worker").is_none() {
                problems.push("Chrome needs background.service_worker".to_owned());
            }
        }
        Browser::Firefox => {
            if manifest.pointer("/background/scripts").is_none() {
                problems.push("Firefox needs background.scripts".to_owned());
            }
            if manifest
                .pointer("/browser_specific_settings/gecko/id")
                .and_then(Value::as_str)
                != Some(GECKO_ID)
            {
                problems.push("Firefox needs browser_specific_settings.gecko.id".to_owned());
            }
        }
    }
    for file in referenced_files(manifest) {
        if !files_root.join(&file).is_file() {
            problems.push(format!("{file} is referenced but missing"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} manifest: {}",
            browser.name(),
            problems.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::path::PathBuf;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .to_path_buf()
    }

    #[test]
    fn both_derived_manifests_keep_every_invariant() {
        let root = root();
        let source = source_manifest(&root).unwrap();
        let version = cargo_version(&root).unwrap();
        for browser in Browser::ALL {
            let manifest = derive(&source, &version, browser).unwrap();
            check(&manifest, &version, browser, &root.join("extension")).unwrap();
        }
    }

    #[test]
    fn the_version_lives_in_cargo_toml_only() {
        let root = root();
        let mut source = source_manifest(&root).unwrap();
        assert!(source.get("version").is_none());
        source["version"] = json!("9.9.9");
        assert!(derive(&source, "0.1.0", Browser::Chrome).is_err());
    }

    #[test]
    fn firefox_gets_event_page_scripts_and_a_gecko_id() {
        let source = source_manifest(&root()).unwrap();
        let firefox = derive(&source, "1.2.3", Browser::Firefox).unwrap();
        assert_eq!(
            firefox.pointer("/background/scripts/0"),
            source.pointer("/background/service_worker")
        );
        assert_eq!(firefox.pointer("/background/service_worker"), None);
        assert_eq!(
            firefox.pointer("/browser_specific_settings/gecko/id"),
            Some(&json!(GECKO_ID))
        );
        let chrome = derive(&source, "1.2.3", Browser::Chrome).unwrap();
        assert_eq!(chrome.pointer("/browser_specific_settings"), None);
    }

    #[test]
    fn check_catches_broken_manifests() {
        let root = root();
        let source = source_manifest(&root).unwrap();
        let good = derive(&source, "1.0.0", Browser::Chrome).unwrap();
        let files = root.join("extension");
        let broken: [(&str, Value); 5] = [
            ("/permissions", json!(["cookies", "storage", "tabs"])),
            (
                "/content_security_policy/extension_pages",
                json!("script-src 'self'"),
            ),
            ("/icons/16", json!("icons/missing.png")),
            ("/host_permissions", json!(["<all_urls>"])),
            ("/version", json!("0.0.1")),
        ];
        for (pointer, value) in broken {
            let mut manifest = good.clone();
            *manifest.pointer_mut(pointer).unwrap() = value;
            assert!(
                check(&manifest, "1.0.0", Browser::Chrome, &files).is_err(),
                "{pointer}"
            );
        }
    }
}
