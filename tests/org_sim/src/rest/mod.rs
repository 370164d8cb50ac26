//! The REST API under `/services/` (salesforce.md §A.4, §B): authentication by Bearer `sid`, the daily
//! API allowance (salesforce.md §B.2 REQUEST_LIMIT_EXCEEDED, `Sforce-Limit-Info`), and the versioned
//! resources, run through [`api::dispatch`] with the state locked.

pub mod api;
pub mod auth;
pub mod collections;
pub mod composite;
pub mod describe;
pub mod graph;
pub mod limits;
pub mod photo;
pub mod query;
pub mod sobjects;
pub mod userinfo;
pub mod versions;

use hyper::{Method, StatusCode};

use crate::http::{self, Req, Resp};
use crate::state::{Session, Shared};
use api::{ApiOut, Call, Ctx};

/// Handles `/services/...`. `host_org` is the org of the request's host (`None` on loopback,
/// where the session's org is used and the default org answers unauthenticated calls).
pub fn handle(shared: &Shared, req: &Req, host_org: Option<usize>) -> Resp {
    let path = req.path.as_str();
    if path.starts_with(crate::soap::PATH_PREFIX) {
        // The Metadata API's SOAP endpoint authenticates from its envelope (salesforce.md §I.12).
        return crate::soap::handle(shared, req, host_org);
    }
    if path == "/services/data" || path == "/services/data/" {
        // The version list needs no session, like the real one.
        return versions::list(shared, host_org.unwrap_or(0));
    }
    if path == "/services/oauth2/userinfo" {
        return with_auth(shared, req, host_org, |shared, org, session| {
            if req.method != Method::GET && req.method != Method::POST {
                return method_not_allowed(&req.method, "GET,POST");
            }
            userinfo::handle(shared, org, session)
        });
    }
    let Some(rest) = path.strip_prefix("/services/data/") else {
        return http::api_not_found();
    };
    with_auth(shared, req, host_org, |shared, org, session| {
        let (version, tail) = rest.split_once('/').unwrap_or((rest, ""));
        let max = shared
            .lock()
            .orgs
            .get(org)
            .map(|o| o.max_api_version.clone())
            .unwrap_or_default();
        let Some(version) = versions::parse_requested(version, &max) else {
            return http::api_not_found();
        };
        let body = if req.body.is_empty() {
            None
        } else {
            match serde_json::from_slice(&req.body) {
                Ok(v) => Some(v),
                Err(e) => {
                    return ApiOut::error(
                        400,
                        "JSON_PARSER_ERROR",
                        &format!("Unexpected character in JSON body: {e}"),
                    )
                    .into_resp()
                }
            }
        };
        let call = Call {
            method: req.method.as_str().to_ascii_uppercase(),
            tail: tail.trim_matches('/').to_owned(),
            query: req.query_pairs(),
            if_modified_since: req
                .headers
                .get("if-modified-since")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body,
        };
        let call = Call {
            // HEAD answers like GET without a body (hyper drops it).
            method: if call.method == "HEAD" {
                "GET".into()
            } else {
                call.method
            },
            ..call
        };
        let mut st = shared.lock();
        let mut ctx = Ctx {
            st: &mut st,
            config: &shared.config,
            org,
            session,
            version,
            depth: 0,
        };
        api::dispatch(&mut ctx, &call).into_resp()
    })
}

/// Authenticates, enforces and counts the daily API allowance, adds `Sforce-Limit-Info`.
fn with_auth(
    shared: &Shared,
    req: &Req,
    host_org: Option<usize>,
    f: impl FnOnce(&Shared, usize, &Session) -> Resp,
) -> Resp {
    let Some(session) = auth::authenticate(shared, req, host_org) else {
        return http::invalid_session();
    };
    let (org, spent) = spend_api_call(shared, &session);
    let allowance = shared.config.api_allowance;
    let usage = shared.lock().orgs.get(org).map_or(0, |o| o.api_usage);
    let mut resp = if spent {
        // salesforce.md §B.2: 403 with this exact body once the allowance is spent.
        http::api_error(
            StatusCode::FORBIDDEN,
            "REQUEST_LIMIT_EXCEEDED",
            "TotalRequests Limit exceeded.",
        )
    } else {
        f(shared, org, &session)
    };
    http::set(
        &mut resp,
        "sforce-limit-info",
        &format!("api-usage={usage}/{allowance}"),
    );
    resp
}

/// Counts one authenticated API call against the org's daily allowance (salesforce.md §B.2);
/// returns the org's index and whether the allowance was already spent (then nothing is counted).
pub fn spend_api_call(shared: &Shared, session: &Session) -> (usize, bool) {
    let allowance = shared.config.api_allowance;
    let mut st = shared.lock();
    let idx = st.org_index(&session.org).unwrap_or(0);
    let spent = match st.orgs.get_mut(idx) {
        Some(o) if o.api_usage >= allowance => true,
        Some(o) => {
            o.api_usage += 1;
            false
        }
        None => false,
    };
    (idx, spent)
}

/// 405 in the REST error shape (salesforce.md §B.2: 405 method not allowed).
pub fn method_not_allowed(method: &Method, allowed: &str) -> Resp {
    api::method_not_allowed(method.as_str(), allowed).into_resp()
}
