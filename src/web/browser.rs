//! Bindings to `extension/browser.js`, the one JavaScript module that calls the browser's
//! extension APIs, adapted to the core's [`CookieJar`] and [`KeyValueStore`] traits.

use crate::salesforce::{CookieJar, SidCookie};
use crate::settings::{Area, KeyValueStore};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/extension/browser.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = sidCookieForUrl)]
    async fn sid_cookie_for_url(url: &str, store_id: Option<String>) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = sidCookiesOnDomain)]
    async fn sid_cookies_on_domain(
        domain: &str,
        store_id: Option<String>,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = storageGet)]
    async fn storage_get(area: &str, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = storageSet)]
    async fn storage_set(area: &str, key: &str, value: JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = storageKeys)]
    async fn storage_keys(area: &str, prefix: &str) -> Result<JsValue, JsValue>;
}

fn describe(error: JsValue) -> String {
    error
        .as_string()
        .or_else(|| js_sys::Error::from(error).message().as_string())
        .unwrap_or_else(|| "unknown browser error".to_owned())
}

/// The cookie store of one tab (Firefox containers have their own).
pub struct Cookies {
    store_id: Option<String>,
}

impl Cookies {
    pub fn new(store_id: Option<String>) -> Self {
        Self { store_id }
    }
}

impl CookieJar for Cookies {
    async fn sid_for_url(&self, url: &str) -> Result<Option<SidCookie>, String> {
        let cookie = sid_cookie_for_url(url, self.store_id.clone())
            .await
            .map_err(describe)?;
        if cookie.is_null() || cookie.is_undefined() {
            return Ok(None);
        }
        serde_wasm_bindgen::from_value(cookie)
            .map(Some)
            .map_err(|e| e.to_string())
    }

    async fn sids_on_domain(&self, domain: &str) -> Result<Vec<SidCookie>, String> {
        let cookies = sid_cookies_on_domain(domain, self.store_id.clone())
            .await
            .map_err(describe)?;
        serde_wasm_bindgen::from_value(cookies).map_err(|e| e.to_string())
    }
}

/// `storage.local` and `storage.session`.
pub struct Storage;

fn area_name(area: Area) -> &'static str {
    match area {
        Area::Local => "local",
        Area::Session => "session",
    }
}

impl KeyValueStore for Storage {
    async fn get(&self, area: Area, key: &str) -> Result<Option<serde_json::Value>, String> {
        let value = storage_get(area_name(area), key).await.map_err(describe)?;
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        serde_wasm_bindgen::from_value(value)
            .map(Some)
            .map_err(|e| e.to_string())
    }

    async fn set(&self, area: Area, key: &str, value: serde_json::Value) -> Result<(), String> {
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        let value = serde::Serialize::serialize(&value, &serializer).map_err(|e| e.to_string())?;
        storage_set(area_name(area), key, value)
            .await
            .map_err(describe)?;
        Ok(())
    }

    async fn keys(&self, area: Area, prefix: &str) -> Result<Vec<String>, String> {
        let keys = storage_keys(area_name(area), prefix)
            .await
            .map_err(describe)?;
        serde_wasm_bindgen::from_value(keys).map_err(|e| e.to_string())
    }
}
