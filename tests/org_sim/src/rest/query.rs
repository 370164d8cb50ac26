//! `query` / `queryAll` with paging (facts §B.1): at most `query_page_size` records per batch,
//! `done:false` + `nextRecordsUrl` (`/services/data/vNN.N/query/01g…-<offset>`) for the rest.

use hyper::StatusCode;
use serde_json::{json, Value};

use crate::http::{self, Req, Resp};
use crate::soql;
use crate::state::{Cursor, Shared};

/// Runs `?q=` and returns the first batch.
pub fn run(shared: &Shared, req: &Req, org: usize, version: &str) -> Resp {
    let Some(q) = req.param("q").filter(|q| !q.trim().is_empty()) else {
        return http::api_error(
            StatusCode::BAD_REQUEST,
            "MALFORMED_QUERY",
            "A query string has to be specified",
        );
    };
    let page = shared.config.query_page_size.max(1);
    let mut st = shared.lock();
    let Some(o) = st.orgs.get(org) else {
        return http::api_not_found();
    };
    let result = match soql::execute(&o.store, &q, version) {
        Ok(r) => r,
        // Error envelope per facts §B.2; MALFORMED_QUERY per §B.1.
        Err(e) => return http::api_error(StatusCode::BAD_REQUEST, e.code.as_str(), &e.message(&q)),
    };
    let total = result.total_size;
    if result.records.len() <= page {
        return http::json(
            StatusCode::OK,
            &json!({ "totalSize": total, "done": true, "records": result.records }),
        );
    }
    let first: Vec<Value> = result.records[..page].to_vec();
    let cursor = Cursor {
        org: o.name.clone(),
        records: result.records,
    };
    let Some(locator) = st.store_cursor(org, cursor) else {
        return http::api_not_found();
    };
    http::json(
        StatusCode::OK,
        &json!({
            "totalSize": total,
            "done": false,
            "nextRecordsUrl": format!("/services/data/v{version}/query/{locator}-{page}"),
            "records": first,
        }),
    )
}

/// `GET /services/data/vNN.N/query/<locator>-<offset>`: the batch starting at `offset`.
pub fn next_page(shared: &Shared, org: usize, version: &str, locator: &str) -> Resp {
    let invalid = || {
        http::api_error(
            StatusCode::BAD_REQUEST,
            "INVALID_QUERY_LOCATOR",
            "invalid query locator",
        )
    };
    let Some((id, offset)) = locator.rsplit_once('-') else {
        return invalid();
    };
    let Ok(offset) = offset.parse::<usize>() else {
        return invalid();
    };
    let page = shared.config.query_page_size.max(1);
    let st = shared.lock();
    let org_name = st.orgs.get(org).map(|o| o.name.clone()).unwrap_or_default();
    let Some(cursor) = st.cursor(id).filter(|c| c.org == org_name) else {
        return invalid();
    };
    if offset > cursor.records.len() {
        return invalid();
    }
    let end = (offset + page).min(cursor.records.len());
    let mut body = json!({
        "totalSize": cursor.records.len(),
        "done": end == cursor.records.len(),
        "records": cursor.records[offset..end].to_vec(),
    });
    if end < cursor.records.len() {
        body["nextRecordsUrl"] =
            Value::String(format!("/services/data/v{version}/query/{id}-{end}"));
    }
    http::json(StatusCode::OK, &body)
}
