//! The platform over a host's own JavaScript functions: one plain object, passed to
//! [`super::Core`] at construction, whose async functions are the host's transport, storage,
//! clock and session source. The extension passes `browserHost` (extension/browser.js: `fetch`,
//! `chrome.cookies`, `chrome.storage`); a Node host (the `sf` plugin, tests/node) passes its own.
//!
//! Values cross the boundary as JSON (`JSON.stringify` on the JS side of a call, `serde_json` on
//! this one), so the core carries one JSON implementation and no second (de)serializer.
//!
//! The host object, in TypeScript terms:
//!
//! ```ts
//! interface Host {
//!   fetch(request: { method: string; url: string; headers: [string, string][]; body: string | null })
//!     : Promise<{ status: number; headers: [string, string][]; body: string; redirected?: boolean }>;
//!   storageGet(area: 'local' | 'session', key: string): Promise<string | null>; // JSON text
//!   storageSet(area: 'local' | 'session', key: string, json: string): Promise<void>;  // "null" removes the key
//!   storageKeys(area: 'local' | 'session', prefix: string): Promise<string>; // JSON array of keys
//!   now(): number; // ms since the epoch
//!   // Sessions: either the browser's cookies…
//!   sidCookieForUrl?(url: string, storeId: string | null): Promise<{ domain: string; value: string } | null>;
//!   sidCookiesOnDomain?(domain: string, storeId: string | null): Promise<{ domain: string; value: string }[]>;
//!   // …or the host's own login: the API host (or instance URL) and access token of the org a URL is on.
//!   session?(orgUrl: string): Promise<{ instanceUrl: string; accessToken: string } | null>;
//! }
//! ```

use crate::platform::{
    Area, Clock, HttpRequest, HttpResponse, KeyValueStore, SessionSource, StorageError, Transport,
    TransportError,
};
use crate::salesforce::{
    find_session, org_of_page, CookieJar, CookieStoreError, OrgId, SalesforceHost, Session,
    SessionError, SidCookie,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The host's functions (see the module documentation).
    #[derive(Clone, Debug)]
    pub type JsHost;

    #[wasm_bindgen(method, catch, js_name = fetch)]
    fn fetch(this: &JsHost, request: JsValue) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = storageGet)]
    fn storage_get(this: &JsHost, area: &str, key: &str) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = storageSet)]
    fn storage_set(
        this: &JsHost,
        area: &str,
        key: &str,
        json: &str,
    ) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = storageKeys)]
    fn storage_keys(this: &JsHost, area: &str, prefix: &str) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = now)]
    fn now(this: &JsHost) -> Result<f64, JsValue>;
    #[wasm_bindgen(method, catch, js_name = sidCookieForUrl)]
    fn sid_cookie_for_url(
        this: &JsHost,
        url: &str,
        store_id: Option<String>,
    ) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = sidCookiesOnDomain)]
    fn sid_cookies_on_domain(
        this: &JsHost,
        domain: &str,
        store_id: Option<String>,
    ) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = session)]
    fn session(this: &JsHost, org_url: &str) -> Result<js_sys::Promise, JsValue>;
}

/// A JS exception or rejection in words.
fn describe(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| js_sys::Error::from(error.clone()).message().as_string())
        .unwrap_or_else(|| "unknown host error".to_owned())
}

/// Awaits a host call's promise.
async fn settle(call: Result<js_sys::Promise, JsValue>) -> Result<JsValue, String> {
    let promise = call.map_err(|e| describe(&e))?;
    JsFuture::from(promise).await.map_err(|e| describe(&e))
}

/// A JS value as JSON text (`undefined` as `null`).
pub(super) fn json_text(value: &JsValue) -> Result<String, String> {
    if value.is_undefined() {
        return Ok("null".to_owned());
    }
    js_sys::JSON::stringify(value)
        .map(String::from)
        .map_err(|e| describe(&e))
}

/// A JS value read as a Rust type through its JSON.
pub(super) fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, String> {
    serde_json::from_str(&json_text(value)?).map_err(|e| e.to_string())
}

/// A Rust value as a plain JS value, through its JSON.
pub(super) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, String> {
    let text = serde_json::to_string(value).map_err(|e| e.to_string())?;
    js_sys::JSON::parse(&text).map_err(|e| describe(&e))
}

impl JsHost {
    /// Whether the host brings its own login (`session`) rather than the browser's cookies.
    pub(super) fn has_own_sessions(&self) -> bool {
        js_sys::Reflect::get(self, &JsValue::from_str("session"))
            .map(|f| f.is_function())
            .unwrap_or(false)
    }
}

#[derive(Serialize)]
struct WireRequest<'a> {
    method: &'a str,
    url: &'a str,
    headers: &'a [(String, String)],
    body: Option<&'a str>,
}

#[derive(Deserialize)]
struct WireResponse {
    status: u16,
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    body: String,
    #[serde(default)]
    redirected: bool,
}

impl Transport for JsHost {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let wire = to_js(&WireRequest {
            method: request.method.as_str(),
            url: &request.url,
            headers: &request.headers,
            body: request.body.as_deref(),
        })
        .map_err(TransportError::Unreachable)?;
        let answer = settle(self.fetch(wire))
            .await
            .map_err(TransportError::Unreachable)?;
        let answer: WireResponse = from_js(&answer).map_err(TransportError::Unreachable)?;
        if answer.redirected {
            return Err(TransportError::Redirected);
        }
        Ok(HttpResponse {
            status: answer.status,
            headers: answer
                .headers
                .into_iter()
                .map(|(name, value)| (name.to_ascii_lowercase(), value))
                .collect(),
            body: answer.body,
        })
    }
}

fn area_name(area: Area) -> &'static str {
    match area {
        Area::Local => "local",
        Area::Session => "session",
    }
}

impl KeyValueStore for JsHost {
    async fn get(&self, area: Area, key: &str) -> Result<Option<serde_json::Value>, StorageError> {
        let value = settle(self.storage_get(area_name(area), key))
            .await
            .map_err(StorageError::Host)?;
        match value.as_string() {
            Some(text) => serde_json::from_str(&text)
                .map(|v: serde_json::Value| (!v.is_null()).then_some(v))
                .map_err(|e| StorageError::Encoding(e.to_string())),
            None => Ok(None),
        }
    }

    async fn set(
        &self,
        area: Area,
        key: &str,
        value: serde_json::Value,
    ) -> Result<(), StorageError> {
        let text = value.to_string();
        settle(self.storage_set(area_name(area), key, &text))
            .await
            .map_err(StorageError::Host)?;
        Ok(())
    }
    async fn keys(&self, area: Area, prefix: &str) -> Result<Vec<String>, StorageError> {
        let keys = settle(self.storage_keys(area_name(area), prefix))
            .await
            .map_err(StorageError::Host)?;
        match keys.as_string() {
            Some(text) => {
                serde_json::from_str(&text).map_err(|e| StorageError::Encoding(e.to_string()))
            }
            None => Err(StorageError::Host(
                "the host can't list its storage (storageKeys)".to_owned(),
            )),
        }
    }
}

impl Clock for JsHost {
    fn now_ms(&self) -> u64 {
        // A host without a clock reads as the epoch: caches then never count as fresh.
        self.now().map(|ms| ms.max(0.0) as u64).unwrap_or(0)
    }
}

/// The browser's cookies of one cookie store (Firefox containers have their own, salesforce.md §A.1).
pub(super) struct JsCookies<'a> {
    pub host: &'a JsHost,
    pub store_id: Option<String>,
}

impl CookieJar for JsCookies<'_> {
    async fn sid_for_url(&self, url: &str) -> Result<Option<SidCookie>, CookieStoreError> {
        let cookie = settle(self.host.sid_cookie_for_url(url, self.store_id.clone()))
            .await
            .map_err(CookieStoreError)?;
        from_js(&cookie).map_err(CookieStoreError)
    }

    async fn sids_on_domain(&self, domain: &str) -> Result<Vec<SidCookie>, CookieStoreError> {
        let cookies = settle(
            self.host
                .sid_cookies_on_domain(domain, self.store_id.clone()),
        )
        .await
        .map_err(CookieStoreError)?;
        from_js(&cookies).map_err(CookieStoreError)
    }
}

/// What a host with its own login answers for an org URL.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GivenSession {
    instance_url: String,
    access_token: String,
}

/// Where sessions come from: the browser's `sid` cookies (salesforce.md §A.3), or the host's own
/// login, whose access token names its org just as a `sid` does.
pub(super) enum JsSessions<'a> {
    Cookies(JsCookies<'a>),
    Given(&'a JsHost),
}

impl JsSessions<'_> {
    async fn given(host: &JsHost, org_url: &str) -> Result<Session, SessionError> {
        let answer = settle(host.session(org_url))
            .await
            .map_err(SessionError::Host)?;
        let given: Option<GivenSession> = from_js(&answer).map_err(SessionError::Host)?;
        let given = given.ok_or(SessionError::NotLoggedIn)?;
        let api_host =
            SalesforceHost::from_url(&given.instance_url).ok_or(SessionError::NotSalesforce)?;
        let org_id = OrgId::of_sid(&given.access_token).ok_or(SessionError::NotLoggedIn)?;
        Session::new(org_id, api_host.clone(), given.access_token)
            .ok_or_else(|| SessionError::NoApiSession(api_host.to_string()))
    }
}

impl SessionSource for JsSessions<'_> {
    async fn org_of(&self, org_url: &str) -> Result<OrgId, SessionError> {
        match self {
            Self::Cookies(jar) => org_of_page(jar, org_url).await,
            Self::Given(host) => Self::given(host, org_url).await.map(|s| s.org_id),
        }
    }

    async fn session(&self, org_url: &str) -> Result<Session, SessionError> {
        match self {
            Self::Cookies(jar) => find_session(jar, org_url).await,
            Self::Given(host) => Self::given(host, org_url).await,
        }
    }
}
