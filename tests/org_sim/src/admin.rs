//! Loopback-only admin endpoints for tests and the demo: expire sessions, mint API sessions,
//! read the request log, reset to the seed. Never reachable through an org host name.

use hyper::{Method, StatusCode};
use serde::Deserialize;
use serde_json::json;

use crate::http::{self, Req, Resp};
use crate::org::HostKind;
use crate::state::Shared;

#[derive(Deserialize)]
struct SessionRequest {
    org: String,
    username: String,
}

/// Handles `/__sim/...` on `127.0.0.1` / `localhost`.
pub fn handle(shared: &Shared, req: &Req) -> Resp {
    match (&req.method, req.path.as_str()) {
        (&Method::POST, "/__sim/expire-sessions") => {
            shared.lock().expire_sessions();
            http::no_content()
        }
        (&Method::POST, "/__sim/sessions") => {
            let Ok(body) = serde_json::from_slice::<SessionRequest>(&req.body) else {
                return http::json(
                    StatusCode::BAD_REQUEST,
                    &json!({"error": "body must be {\"org\":\"…\",\"username\":\"…\"}"}),
                );
            };
            match issue_api_session(shared, &body.org, &body.username) {
                Some(sid) => http::json(StatusCode::OK, &json!({ "sid": sid })),
                None => http::json(
                    StatusCode::BAD_REQUEST,
                    &json!({"error": "unknown org or username"}),
                ),
            }
        }
        (&Method::GET, "/__sim/log") => {
            let log = shared.lock().request_log();
            http::json(
                StatusCode::OK,
                &serde_json::to_value(log).unwrap_or_default(),
            )
        }
        (&Method::POST, "/__sim/reset") => {
            let mut st = shared.lock();
            match st.reset(&shared.config) {
                Ok(()) => http::no_content(),
                Err(e) => http::text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
            }
        }
        _ => http::text(StatusCode::NOT_FOUND, "Not Found"),
    }
}

/// Issues a `sid` as login would on `<org>.my.salesforce.com` (API-capable, facts §A.3).
pub fn issue_api_session(shared: &Shared, org: &str, username: &str) -> Option<String> {
    let mut st = shared.lock();
    let idx = st.org_index(org)?;
    let user_id = st
        .orgs
        .get(idx)?
        .store
        .find_by("User", "Username", username)?
        .id
        .clone();
    st.issue_session(idx, &user_id, HostKind::MyDomain)
}
