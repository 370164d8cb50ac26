//! The REST API under `/services/` (facts §A.4, §B): routing, authentication by Bearer `sid`,
//! API-usage accounting, and the per-resource handlers in the submodules.

pub mod auth;
pub mod query;
pub mod userinfo;
pub mod versions;

use hyper::{Method, StatusCode};

use crate::http::{self, Req, Resp};
use crate::state::Shared;

/// Handles `/services/...`. `host_org` is the org of the request's host (`None` on loopback,
/// where the session's org is used and the default org answers unauthenticated calls).
pub fn handle(shared: &Shared, req: &Req, host_org: Option<usize>) -> Resp {
    let path = req.path.as_str();
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
        match tail.trim_end_matches('/') {
            "" => versions::resources(shared, org, &version, session),
            "query" | "queryAll" => {
                if req.method != Method::GET {
                    return method_not_allowed(&req.method, "GET,HEAD");
                }
                query::run(shared, req, org, &version)
            }
            t => match t
                .strip_prefix("query/")
                .or_else(|| t.strip_prefix("queryAll/"))
            {
                Some(locator) if req.method == Method::GET => {
                    query::next_page(shared, org, &version, locator)
                }
                Some(_) => method_not_allowed(&req.method, "GET,HEAD"),
                None => http::api_not_found(),
            },
        }
    })
}

/// Authenticates, counts the call against the org's API usage and adds `Sforce-Limit-Info`.
fn with_auth(
    shared: &Shared,
    req: &Req,
    host_org: Option<usize>,
    f: impl FnOnce(&Shared, usize, &crate::state::Session) -> Resp,
) -> Resp {
    let Some(session) = auth::authenticate(shared, req, host_org) else {
        return http::invalid_session();
    };
    let (org, usage) = {
        let mut st = shared.lock();
        let idx = st.org_index(&session.org).unwrap_or(0);
        let usage = st.orgs.get_mut(idx).map_or(0, |o| {
            o.api_usage += 1;
            o.api_usage
        });
        (idx, usage)
    };
    let mut resp = f(shared, org, &session);
    // Daily API request allocation shown to clients (facts §B.2 REQUEST_LIMIT_EXCEEDED context).
    http::set(
        &mut resp,
        "sforce-limit-info",
        &format!("api-usage={usage}/15000"),
    );
    resp
}

/// 405 in the REST error shape (facts §B.2: 405 method not allowed).
pub fn method_not_allowed(method: &Method, allowed: &str) -> Resp {
    let mut r = http::api_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        &format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
    );
    http::set(&mut r, "allow", allowed);
    r
}
