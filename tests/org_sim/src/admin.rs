//! Loopback-only admin endpoints for tests and the demo: expire sessions, mint API sessions,
//! read the request log, reset to the seed, arm faults, set latency, spend the API allowance,
//! dump the records of an org, change a record type as an admin would in Setup. Never reachable
//! through an org host name.

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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UsageRequest {
    org: String,
    /// Calls used so far; absent = the whole allowance.
    used: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LatencyRequest {
    ms: u64,
    #[serde(default)]
    jitter_ms: u64,
}

#[derive(Deserialize)]
struct ModeRequest {
    mode: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecordTypeRequest {
    org: String,
    record_type: String,
    change: String,
}

fn bad(message: &str) -> Resp {
    http::json(StatusCode::BAD_REQUEST, &json!({ "error": message }))
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
        (&Method::POST, "/__sim/faults") => {
            match serde_json::from_slice::<crate::faults::Fault>(&req.body) {
                Ok(f) => {
                    let id = shared.lock().control.add(f);
                    http::json(StatusCode::CREATED, &json!({ "id": id }))
                }
                Err(e) => bad(&format!("fault: {e}")),
            }
        }
        (&Method::GET, "/__sim/faults") => http::json(
            StatusCode::OK,
            &serde_json::to_value(shared.lock().control.list()).unwrap_or_default(),
        ),
        (&Method::DELETE, "/__sim/faults") => {
            shared.lock().control.clear();
            http::no_content()
        }
        (&Method::POST, "/__sim/api-usage") => {
            let Ok(body) = serde_json::from_slice::<UsageRequest>(&req.body) else {
                return bad("body must be {\"org\":\"…\",\"used\":N} (used absent = spend all)");
            };
            if set_api_usage(shared, &body.org, body.used) {
                http::no_content()
            } else {
                bad("unknown org")
            }
        }
        (&Method::POST, "/__sim/latency") => {
            let Ok(body) = serde_json::from_slice::<LatencyRequest>(&req.body) else {
                return bad("body must be {\"ms\":N,\"jitterMs\":M}");
            };
            let mut st = shared.lock();
            st.control.latency_ms = body.ms;
            st.control.jitter_ms = body.jitter_ms;
            http::no_content()
        }
        (&Method::POST, "/__sim/integration-profile-record-types") => {
            let mode = serde_json::from_slice::<ModeRequest>(&req.body)
                .ok()
                .and_then(|b| crate::config::IntegrationProfileRecordTypes::parse(&b.mode));
            let Some(mode) = mode else {
                return bad("body must be {\"mode\":\"accept|refuse|ignore\"}");
            };
            shared.lock().integration_profile_record_types = mode;
            http::no_content()
        }
        (&Method::POST, "/__sim/record-type") => {
            let Some((body, change)) = serde_json::from_slice::<RecordTypeRequest>(&req.body)
                .ok()
                .and_then(|b| {
                    crate::record_types::RecordTypeChange::parse(&b.change).map(|c| (b, c))
                })
            else {
                return bad("body must be {\"org\":…,\"recordType\":\"Object.Name\",\"change\":\"deactivate|delete\"}");
            };
            let mut st = shared.lock();
            let Some(org) = st.org_index(&body.org).and_then(|i| st.orgs.get_mut(i)) else {
                return bad("unknown org");
            };
            match crate::record_types::change_record_type(org, &body.record_type, change) {
                Ok(()) => http::no_content(),
                Err(error) => bad(&error.to_string()),
            }
        }
        (&Method::GET, "/__sim/state") => {
            let org = req.param("org").unwrap_or_else(|| "acme".into());
            match shared.lock().state_dump(&org) {
                Some(v) => http::json(StatusCode::OK, &v),
                None => bad("unknown org"),
            }
        }
        _ => http::text(StatusCode::NOT_FOUND, "Not Found"),
    }
}

/// Sets an org's API usage (`None` = the whole allowance, so the next call gets
/// REQUEST_LIMIT_EXCEEDED, salesforce.md §B.2). False if the org is unknown.
pub fn set_api_usage(shared: &Shared, org: &str, used: Option<u64>) -> bool {
    let mut st = shared.lock();
    let Some(idx) = st.org_index(org) else {
        return false;
    };
    match st.orgs.get_mut(idx) {
        Some(o) => {
            o.api_usage = used.unwrap_or(shared.config.api_allowance);
            true
        }
        None => false,
    }
}

/// Issues a `sid` as login would on `<org>.my.salesforce.com` (API-capable, salesforce.md §A.3).
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
