//! The versioned data API as a function: a parsed [`Call`] in, an [`ApiOut`] out, run with the
//! state locked. The HTTP handler, composite subrequests, batch and graph all go through
//! [`dispatch`], so every resource behaves the same wherever it is called from.

use serde_json::{json, Value as Json};

use crate::config::SimConfig;
use crate::dml::{self, error::rest_body, ApiErr};
use crate::http::{self, Resp};
use crate::state::{Session, SimState};

/// One API call.
#[derive(Debug, Clone)]
pub struct Call {
    /// HTTP method (upper case).
    pub method: String,
    /// Path after `/services/data/vNN.N/`, without leading or trailing `/`.
    pub tail: String,
    /// Decoded query parameters.
    pub query: Vec<(String, String)>,
    /// `If-Modified-Since`, if sent.
    pub if_modified_since: Option<String>,
    /// JSON body.
    pub body: Option<Json>,
}

impl Call {
    /// First query parameter named `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the call writes data.
    pub fn is_write(&self) -> bool {
        matches!(self.method.as_str(), "POST" | "PATCH" | "PUT" | "DELETE")
    }
}

/// A response: status, JSON body (none for 204/304) and extra headers.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiOut {
    /// HTTP status.
    pub status: u16,
    /// Body.
    pub body: Option<Json>,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
}

impl ApiOut {
    /// A JSON response.
    pub fn json(status: u16, body: Json) -> Self {
        Self {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    /// No body.
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            body: None,
            headers: Vec::new(),
        }
    }

    /// An error response (salesforce.md §B.2: a JSON array of errors).
    pub fn errors(errors: &[ApiErr]) -> Self {
        let status = errors.first().map_or(400, |e| e.http);
        Self::json(status, rest_body(errors))
    }

    /// One error.
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Self::json(status, json!([{ "message": message, "errorCode": code }]))
    }

    /// Whether the status is a success.
    pub fn ok(&self) -> bool {
        self.status < 400
    }

    /// The HTTP response.
    pub fn into_resp(self) -> Resp {
        let status = hyper::StatusCode::from_u16(self.status).unwrap_or(hyper::StatusCode::OK);
        let mut r = match &self.body {
            Some(b) => http::json(status, b),
            None => {
                let mut r = http::no_content();
                *r.status_mut() = status;
                r
            }
        };
        for (k, v) in &self.headers {
            http::set(&mut r, k, v);
        }
        r
    }
}

/// What a call runs against.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// All state (locked).
    pub st: &'a mut SimState,
    /// Configuration.
    pub config: &'a SimConfig,
    /// Org index.
    pub org: usize,
    /// The caller.
    pub session: &'a Session,
    /// API version of the call (`66.0`).
    pub version: String,
    /// 0 for a top-level call, 1 inside composite/batch/graph.
    pub depth: u8,
}

impl Ctx<'_> {
    /// The write context for `dml`.
    pub fn dml(&mut self) -> Option<dml::Ctx<'_>> {
        let org = self.st.orgs.get_mut(self.org)?;
        Some(dml::Ctx {
            org,
            config: self.config,
            user_id: &self.session.user_id,
            version: &self.version,
        })
    }

    /// A snapshot of the org's records (for all-or-none rollback).
    pub fn snapshot(&self) -> Option<crate::store::Store> {
        self.st.orgs.get(self.org).map(|o| o.store.clone())
    }

    /// Restores a snapshot.
    pub fn restore(&mut self, store: crate::store::Store) {
        if let Some(o) = self.st.orgs.get_mut(self.org) {
            o.store = store;
        }
    }
}

/// Routes one call (salesforce.md §B: resources under `/services/data/vNN.N/`).
pub fn dispatch(ctx: &mut Ctx<'_>, call: &Call) -> ApiOut {
    let tail = call.tail.as_str();
    let parts: Vec<&str> = tail.split('/').collect();
    let m = call.method.as_str();
    match (m, parts.as_slice()) {
        ("GET", [""]) => super::versions::resources(ctx),
        ("GET", ["query" | "queryAll"]) => super::query::run(ctx, call, tail == "queryAll", false),
        ("GET", ["query" | "queryAll", locator]) => super::query::next_page(ctx, locator, false),
        ("GET", ["tooling", "query"]) => super::query::run(ctx, call, false, true),
        ("GET", ["tooling", "query", locator]) => super::query::next_page(ctx, locator, true),
        ("GET", ["limits"]) => super::limits::handle(ctx),
        ("GET", ["sobjects"]) => super::describe::global(ctx, call),
        ("GET", ["sobjects", t]) => super::describe::basic(ctx, t),
        ("GET", ["sobjects", t, "describe"]) => super::describe::sobject(ctx, call, t),
        ("POST", ["sobjects", t]) => super::sobjects::create(ctx, call, t),
        ("GET" | "PATCH" | "DELETE", ["sobjects", t, id]) => {
            super::sobjects::record(ctx, call, t, id)
        }
        (_, ["connect", "user-profiles", user, "photo"]) => super::photo::handle(ctx, call, user),
        ("POST", ["composite"]) => super::composite::composite(ctx, call),
        ("POST", ["composite", "batch"]) => super::composite::batch(ctx, call),
        ("POST", ["composite", "graph"]) => super::graph::graph(ctx, call),
        ("POST" | "PATCH" | "DELETE", ["composite", "sobjects"]) => {
            super::collections::handle(ctx, call)
        }
        (_, ["query" | "queryAll", ..] | ["limits"] | ["tooling", "query", ..]) => {
            method_not_allowed(m, "GET,HEAD")
        }
        (_, ["sobjects"]) => method_not_allowed(m, "GET,HEAD"),
        (_, ["sobjects", _]) => method_not_allowed(m, "GET,HEAD,POST"),
        (_, ["sobjects", _, "describe"]) => method_not_allowed(m, "GET,HEAD"),
        (_, ["sobjects", _, _]) => method_not_allowed(m, "GET,HEAD,PATCH,DELETE"),
        (_, ["composite", ..]) => method_not_allowed(m, "POST"),
        _ => ApiOut::errors(&[ApiErr::not_found()]),
    }
}

/// 405 in the REST error shape (salesforce.md §B.2: 405 method not allowed).
pub fn method_not_allowed(method: &str, allowed: &str) -> ApiOut {
    let mut out = ApiOut::error(
        405,
        "METHOD_NOT_ALLOWED",
        &format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
    );
    out.headers.push(("allow".into(), allowed.into()));
    out
}
