//! The platform over a host's own JavaScript functions: one plain object, passed to
//! [`super::Core`] at construction, whose async functions are the host's transport, storage,
//! clock and session source. The extension passes `browserHost` (extension/browser.js: `fetch`,
//! `chrome.cookies`, `chrome.storage`); a Node host (the `sf` plugin, tests/node) passes its own.
//!
//! Messages and stored values cross the boundary as JSON (`JSON.stringify` on the JS side,
//! `serde_json` on this one), so the core carries one JSON implementation and no second
//! (de)serializer; the host's own records (an HTTP answer, a cookie, a session) are read by
//! property.
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
//!   // Browser hosts only: open the generator page or the record types page beside a content
//!   // script's tab.
//!   openGenerator?(tab: object, userId: string | null): Promise<unknown>;
//!   openRecordTypes?(tab: object, userId: string): Promise<unknown>;
//!   openAccessReview?(tab: object, userId: string): Promise<unknown>;
//! }
//! ```

use crate::platform::{
    Area, Clock, HostError, HttpRequest, HttpResponse, KeyValueStore, SessionSource, StorageError,
    Transport, TransportError,
};
use crate::salesforce::{
    find_session, org_of_page, CookieJar, CookieStoreError, OrgId, SalesforceHost, Session,
    SessionError, SidCookie,
};
use serde::Serialize;
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
    #[wasm_bindgen(method, catch, js_name = openGenerator)]
    fn open_generator_beside(
        this: &JsHost,
        tab: &JsValue,
        user_id: Option<String>,
    ) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = openRecordTypes)]
    fn open_record_types_beside(
        this: &JsHost,
        tab: &JsValue,
        user_id: &str,
    ) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = openAccessReview)]
    fn open_access_review_beside(
        this: &JsHost,
        tab: &JsValue,
        user_id: &str,
    ) -> Result<js_sys::Promise, JsValue>;
}

/// Opens the generator page beside `tab` (the browser's tab record of the asking content script).
pub(super) async fn open_generator(
    host: &JsHost,
    tab: &JsValue,
    user_id: Option<&str>,
) -> Result<(), HostError> {
    settle(host.open_generator_beside(tab, user_id.map(str::to_owned)))
        .await
        .map(|_| ())
}

/// Opens the record types page beside `tab` for a user's profile.
pub(super) async fn open_record_types(
    host: &JsHost,
    tab: &JsValue,
    user_id: &str,
) -> Result<(), HostError> {
    settle(host.open_record_types_beside(tab, user_id))
        .await
        .map(|_| ())
}

/// Opens the access review beside `tab`.
pub(super) async fn open_access_review(
    host: &JsHost,
    tab: &JsValue,
    user_id: &str,
) -> Result<(), HostError> {
    settle(host.open_access_review_beside(tab, user_id))
        .await
        .map(|_| ())
}

/// A JS exception or rejection in words.
fn describe(error: &JsValue) -> HostError {
    HostError(
        error
            .as_string()
            .or_else(|| js_sys::Error::from(error.clone()).message().as_string())
            .unwrap_or_else(|| "unknown host error".to_owned()),
    )
}

/// Awaits a host call's promise.
async fn settle(call: Result<js_sys::Promise, JsValue>) -> Result<JsValue, HostError> {
    let promise = call.map_err(|e| describe(&e))?;
    JsFuture::from(promise).await.map_err(|e| describe(&e))
}

/// A JS value as JSON text (`undefined` as `null`).
pub(super) fn json_text(value: &JsValue) -> Result<String, HostError> {
    if value.is_undefined() {
        return Ok("null".to_owned());
    }
    js_sys::JSON::stringify(value)
        .map(String::from)
        .map_err(|e| describe(&e))
}

/// A Rust value as a plain JS value, through its JSON.
pub(super) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, HostError> {
    let text = crate::json::text(value).map_err(|e| HostError(e.to_string()))?;
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

/// A property of a JS object (`undefined` when the object has none or is not an object).
fn property(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// A string property of a JS object.
pub(super) fn text_property(object: &JsValue, name: &str) -> Option<String> {
    property(object, name).as_string()
}

/// `[[name, value], …]` (the shape of a `Headers` object spread into an array).
fn pairs(list: &JsValue) -> Vec<(String, String)> {
    if !js_sys::Array::is_array(list) {
        return Vec::new();
    }
    js_sys::Array::from(list)
        .iter()
        .filter_map(|pair| {
            let pair = js_sys::Array::from(&pair);
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// The request as the host's `fetch` takes it: `{method, url, headers: [[name, value]…], body}`.
fn wire_request(request: &HttpRequest) -> JsValue {
    let headers = js_sys::Array::new();
    for (name, value) in &request.headers {
        let pair = js_sys::Array::of2(&JsValue::from_str(name), &JsValue::from_str(value));
        headers.push(&pair);
    }
    let wire = js_sys::Object::new();
    let set = |name: &str, value: &JsValue| {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&wire, &JsValue::from_str(name), value);
    };
    set("method", &JsValue::from_str(request.method.as_str()));
    set("url", &JsValue::from_str(&request.url));
    set("headers", &headers);
    set(
        "body",
        &request
            .body
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from_str),
    );
    wire.into()
}

impl Transport for JsHost {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let answer = settle(self.fetch(wire_request(&request)))
            .await
            .map_err(|e| TransportError::Unreachable(e.0))?;
        if property(&answer, "redirected").as_bool() == Some(true) {
            return Err(TransportError::Redirected);
        }
        let status = property(&answer, "status")
            .as_f64()
            .filter(|status| (100.0..600.0).contains(status))
            .ok_or_else(|| {
                TransportError::Unreachable("the host's fetch gave no HTTP status".to_owned())
            })?;
        Ok(HttpResponse {
            status: status as u16,
            headers: pairs(&property(&answer, "headers"))
                .into_iter()
                .map(|(name, value)| (name.to_ascii_lowercase(), value))
                .collect(),
            body: text_property(&answer, "body").unwrap_or_default(),
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
            .map_err(|e| StorageError::Host(e.0))?;
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
            .map_err(|e| StorageError::Host(e.0))?;
        Ok(())
    }
    async fn keys(&self, area: Area, prefix: &str) -> Result<Vec<String>, StorageError> {
        let keys = settle(self.storage_keys(area_name(area), prefix))
            .await
            .map_err(|e| StorageError::Host(e.0))?;
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

/// `{domain, value}`, as `browserHost` reports a cookie.
fn sid_cookie(cookie: &JsValue) -> Option<SidCookie> {
    Some(SidCookie {
        domain: text_property(cookie, "domain")?,
        value: text_property(cookie, "value")?,
    })
}

impl CookieJar for JsCookies<'_> {
    async fn sid_for_url(&self, url: &str) -> Result<Option<SidCookie>, CookieStoreError> {
        let cookie = settle(self.host.sid_cookie_for_url(url, self.store_id.clone()))
            .await
            .map_err(|e| CookieStoreError(e.0))?;
        Ok(sid_cookie(&cookie))
    }

    async fn sids_on_domain(&self, domain: &str) -> Result<Vec<SidCookie>, CookieStoreError> {
        let cookies = settle(
            self.host
                .sid_cookies_on_domain(domain, self.store_id.clone()),
        )
        .await
        .map_err(|e| CookieStoreError(e.0))?;
        if !js_sys::Array::is_array(&cookies) {
            return Err(CookieStoreError(
                "the host gave no list of cookies".to_owned(),
            ));
        }
        Ok(js_sys::Array::from(&cookies)
            .iter()
            .filter_map(|cookie| sid_cookie(&cookie))
            .collect())
    }
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
            .map_err(|e| SessionError::Host(e.0))?;
        // `{instanceUrl, accessToken}`, or null when the host has no session for that org.
        let (Some(instance_url), Some(access_token)) = (
            text_property(&answer, "instanceUrl"),
            text_property(&answer, "accessToken"),
        ) else {
            return Err(SessionError::NotLoggedIn);
        };
        let api_host =
            SalesforceHost::from_url(&instance_url).ok_or(SessionError::NotSalesforce)?;
        let org_id = OrgId::of_sid(&access_token).ok_or(SessionError::NotLoggedIn)?;
        Session::new(org_id, api_host.clone(), access_token)
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
