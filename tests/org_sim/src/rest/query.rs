//! `query` / `queryAll` / `tooling/query` with paging (salesforce.md §B.1): at most `query_page_size`
//! records per batch, `done:false` + `nextRecordsUrl` (`…/query/01g…-<offset>`) for the rest;
//! queryAll also returns deleted records; the Tooling API serves PermissionDependency (§H.Q5).

use serde_json::{json, Value};

use super::api::{ApiOut, Call, Ctx};
use crate::soql;
use crate::state::Cursor;

fn base(ctx: &Ctx<'_>, tooling: bool) -> String {
    let t = if tooling { "tooling/" } else { "" };
    format!("/services/data/v{}/{t}query", ctx.version)
}

/// Runs `?q=` and returns the first batch.
pub fn run(ctx: &mut Ctx<'_>, call: &Call, all_rows: bool, tooling: bool) -> ApiOut {
    let Some(q) = call.param("q").filter(|q| !q.trim().is_empty()) else {
        return ApiOut::error(400, "MALFORMED_QUERY", "A query string has to be specified");
    };
    let page = ctx.config.query_page_size.max(1);
    let Some(o) = ctx.st.orgs.get(ctx.org) else {
        return ApiOut::error(404, "NOT_FOUND", "The requested resource does not exist");
    };
    let store = if tooling { &o.tooling } else { &o.store };
    let result = match soql::execute_with(store, q, &ctx.version, all_rows) {
        Ok(r) => r,
        // Error envelope per salesforce.md §B.2; MALFORMED_QUERY per §B.1.
        Err(e) => return ApiOut::error(400, e.code.as_str(), &e.message(q)),
    };
    let total = result.total_size;
    // Tooling: `FullName` / `Metadata` only for at most one row (salesforce.md §I.12;
    // the message as real answers give it).
    let names_full_name = result
        .records
        .first()
        .is_some_and(|r| r.get("FullName").is_some() || r.get("Metadata").is_some());
    if tooling && names_full_name && total > 1 {
        return ApiOut::error(
            400,
            "MALFORMED_QUERY",
            &format!("When retrieving results with Metadata or FullName fields, the query qualifications must specify no more than one row for retrieval. Result size: {total}"),
        );
    }
    if result.records.len() <= page {
        return ApiOut::json(
            200,
            json!({ "totalSize": total, "done": true, "records": result.records }),
        );
    }
    let first: Vec<Value> = result.records[..page].to_vec();
    let cursor = Cursor {
        org: o.name.clone(),
        records: result.records,
    };
    let base = base(ctx, tooling);
    let Some(locator) = ctx.st.store_cursor(ctx.org, cursor) else {
        return ApiOut::error(404, "NOT_FOUND", "The requested resource does not exist");
    };
    ApiOut::json(
        200,
        json!({
            "totalSize": total,
            "done": false,
            "nextRecordsUrl": format!("{base}/{locator}-{page}"),
            "records": first,
        }),
    )
}

/// `GET …/query/<locator>-<offset>`: the batch starting at `offset`.
pub fn next_page(ctx: &mut Ctx<'_>, locator: &str, tooling: bool) -> ApiOut {
    let invalid = || ApiOut::error(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
    let Some((id, offset)) = locator.rsplit_once('-') else {
        return invalid();
    };
    let Ok(offset) = offset.parse::<usize>() else {
        return invalid();
    };
    let page = ctx.config.query_page_size.max(1);
    let org_name = ctx
        .st
        .orgs
        .get(ctx.org)
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let base = base(ctx, tooling);
    let Some(cursor) = ctx.st.cursor(id).filter(|c| c.org == org_name) else {
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
        body["nextRecordsUrl"] = Value::String(format!("{base}/{id}-{end}"));
    }
    ApiOut::json(200, body)
}
