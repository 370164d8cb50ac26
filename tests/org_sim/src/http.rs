//! Transport-neutral request/response helpers: a fully read request, response builders with
//! the headers Salesforce sends (CSP on HTML per salesforce.md §D.1/§H.Q1, JSON errors per §B.2).

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Response, StatusCode};

/// Response type of every handler.
pub type Resp = Response<Full<Bytes>>;

/// The Content-Security-Policy of every HTML page: like Salesforce's, scripts only from the
/// page's own origin and no `'unsafe-eval'` / `'wasm-unsafe-eval'` (docs/architecture.md "Where code
/// runs": such a CSP makes WebAssembly compilation fail in Chromium content scripts).
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self' https://*.lightning.force.com https://*.my.salesforce-setup.com https://*.my.salesforce.com";

/// Extra directive on the Lightning shell only: without it `default-src 'self'` forbids the
/// shell on `*.lightning.force.com` to frame the Classic page on `*.my.salesforce.com`
/// (salesforce.md §D.1: the Classic page is framed, possibly from another subdomain).
pub const SHELL_FRAME_SRC: &str = "frame-src 'self' https://*.my.salesforce.com https://*.lightning.force.com https://*.my.salesforce-setup.com";

/// A request with its body read.
#[derive(Debug, Clone)]
pub struct Req {
    /// Method.
    pub method: Method,
    /// Host without port, lower-case.
    pub host: String,
    /// Path (percent-encoded as sent).
    pub path: String,
    /// Raw query string (without `?`).
    pub query: Option<String>,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl Req {
    /// Path plus `?query` as sent.
    pub fn path_and_query(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }

    /// Decoded query parameters.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .as_deref()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// First query parameter named `name` (exact case).
    pub fn param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// Decoded `application/x-www-form-urlencoded` body parameters.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }

    /// A parameter from the query string or, for POST, the form body.
    pub fn param_or_form(&self, name: &str) -> Option<String> {
        self.param(name).or_else(|| {
            (self.method == Method::POST)
                .then(|| {
                    self.form()
                        .into_iter()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v)
                })
                .flatten()
        })
    }

    /// A cookie value by name.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }

    /// Whether an `Authorization` header was sent.
    pub fn has_authorization(&self) -> bool {
        self.headers.contains_key(header::AUTHORIZATION)
    }

    /// The token of `Authorization: Bearer <token>` (salesforce.md §A.4; `OAuth <token>` is accepted
    /// too, the older spelling).
    pub fn bearer(&self) -> Option<String> {
        let v = self
            .headers
            .get(header::AUTHORIZATION)?
            .to_str()
            .ok()?
            .trim();
        let (scheme, token) = v.split_once(' ')?;
        (scheme.eq_ignore_ascii_case("Bearer") || scheme.eq_ignore_ascii_case("OAuth"))
            .then(|| token.trim().to_owned())
    }
}

fn build(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Resp {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    set(&mut r, header::CONTENT_TYPE.as_str(), content_type);
    r
}

/// Sets a header, ignoring values that are not valid header text (never the case for ours).
pub fn set(resp: &mut Resp, name: &str, value: &str) {
    if let (Ok(n), Ok(v)) = (
        header::HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        resp.headers_mut().insert(n, v);
    }
}

/// Appends a header (for repeated headers like `Set-Cookie`).
pub fn append(resp: &mut Resp, name: &str, value: &str) {
    if let (Ok(n), Ok(v)) = (
        header::HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        resp.headers_mut().append(n, v);
    }
}

/// An HTML page with the Salesforce-like CSP and `nosniff`.
pub fn html(status: StatusCode, body: String) -> Resp {
    let mut r = build(status, "text/html; charset=UTF-8", body);
    set(&mut r, "content-security-policy", CSP);
    set(&mut r, "x-content-type-options", "nosniff");
    set(&mut r, "cache-control", "no-store");
    r
}

/// The Lightning shell page: [`html`] with [`SHELL_FRAME_SRC`] appended to the CSP.
pub fn shell_html(body: String) -> Resp {
    let mut r = html(StatusCode::OK, body);
    set(
        &mut r,
        "content-security-policy",
        &format!("{CSP}; {SHELL_FRAME_SRC}"),
    );
    r
}

/// A JSON response.
pub fn json(status: StatusCode, value: &serde_json::Value) -> Resp {
    build(status, "application/json;charset=UTF-8", value.to_string())
}

/// A REST error body: a JSON array of `{message, errorCode}` (salesforce.md §B.2).
pub fn api_error(status: StatusCode, error_code: &str, message: &str) -> Resp {
    json(
        status,
        &serde_json::json!([{ "message": message, "errorCode": error_code }]),
    )
}

/// 401 with the exact INVALID_SESSION_ID body (salesforce.md §A.5).
pub fn invalid_session() -> Resp {
    api_error(
        StatusCode::UNAUTHORIZED,
        "INVALID_SESSION_ID",
        "Session expired or invalid",
    )
}

/// 404 NOT_FOUND as the REST API sends it (salesforce.md §B.2, key order as quoted there).
pub fn api_not_found() -> Resp {
    json(
        StatusCode::NOT_FOUND,
        &serde_json::json!([{ "message": "The requested resource does not exist", "errorCode": "NOT_FOUND" }]),
    )
}

/// Plain text.
pub fn text(status: StatusCode, body: impl Into<String>) -> Resp {
    build(status, "text/plain; charset=UTF-8", body.into())
}

/// A static asset with `nosniff`.
pub fn asset(content_type: &str, body: &'static [u8]) -> Resp {
    let mut r = build(StatusCode::OK, content_type, Bytes::from_static(body));
    set(&mut r, "x-content-type-options", "nosniff");
    set(&mut r, "cache-control", "no-cache");
    r
}

/// 302 to `location`.
pub fn redirect(location: &str) -> Resp {
    let mut r = build(StatusCode::FOUND, "text/plain; charset=UTF-8", Bytes::new());
    set(&mut r, "location", location);
    r
}

/// 204 No Content.
pub fn no_content() -> Resp {
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = StatusCode::NO_CONTENT;
    r
}

/// HTML-escapes text for element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query-parameter value.
pub fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            esc("<img src=x onerror=\"a\">&'"),
            "&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&#39;"
        );
        assert_eq!(enc("/005?a=1&b"), "%2F005%3Fa%3D1%26b");
    }
}
