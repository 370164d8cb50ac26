//! sObject Collections `POST|PATCH|DELETE /composite/sobjects` (salesforce.md §B.3): up to 200 records,
//! per-record results with `statusCode` errors, allOrNone with real rollback and
//! ALL_OR_NONE_OPERATION_ROLLED_BACK, and the rule against mixing a Setup object type with
//! other types in one call (salesforce.md §B.3 [C]; the error code is [U], `codes.mixed_setup_types`).

use serde_json::{json, Value as Json};

use super::api::{ApiOut, Call, Ctx};
use crate::dml::{self, ApiErr};
use crate::schema::DmlCategory;

/// Max records per call (salesforce.md §B.3).
pub const MAX_RECORDS: usize = 200;
/// Max chunks (runs of one type) per call (salesforce.md §B.3).
pub const MAX_CHUNKS: usize = 10;

/// salesforce.md §B.3: message verbatim.
pub const ROLLED_BACK: &str =
    "Record rolled back because not all records were valid and the request was using AllOrNone header";

fn too_many() -> ApiOut {
    ApiOut::error(
        400,
        "EXCEEDED_ID_LIMIT",
        "record limit reached. cannot submit more than 200 records into this call",
    )
}

/// The mixed-DML message (modelled on the Apex MIXED_DML_OPERATION text, salesforce.md §H.Q3).
pub fn mixed_message(object: &str, original: &str) -> String {
    format!(
        "DML operation on setup object is not permitted after you have updated a non-setup object (or vice versa): {object}, original object: {original}"
    )
}

/// Whether writing `types` (in order) in one transaction mixes a Setup type with another type.
pub fn mixes_setup(ctx: &Ctx<'_>, types: &[String]) -> bool {
    let Some(o) = ctx.st.orgs.get(ctx.org) else {
        return false;
    };
    let mut distinct: Vec<&String> = Vec::new();
    for t in types {
        if !distinct.iter().any(|d| d.eq_ignore_ascii_case(t)) {
            distinct.push(t);
        }
    }
    distinct.len() > 1
        && distinct.iter().any(|t| {
            o.store
                .schema()
                .object(t)
                .is_some_and(|d| d.dml == DmlCategory::Setup)
        })
}

/// Type of an existing record.
fn type_of(ctx: &Ctx<'_>, id: &str) -> Option<String> {
    ctx.st
        .orgs
        .get(ctx.org)?
        .store
        .get(id)
        .map(|r| r.object.clone())
}

/// Result of one record.
fn result(r: &Result<String, Vec<ApiErr>>) -> Json {
    match r {
        Ok(id) => json!({ "id": id, "success": true, "errors": [] }),
        Err(errors) => json!({
            "success": false,
            "errors": errors.iter().map(ApiErr::save_json).collect::<Vec<_>>(),
        }),
    }
}

/// Handles the three methods.
pub fn handle(ctx: &mut Ctx<'_>, call: &Call) -> ApiOut {
    // (type, record body or id) per item.
    let (all_or_none, items): (bool, Vec<(Option<String>, Json)>) = if call.method == "DELETE" {
        let ids: Vec<String> = call
            .param("ids")
            .map(|s| {
                s.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let aon = call
            .param("allOrNone")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let items = ids
            .into_iter()
            .map(|id| (type_of(ctx, &id), Json::String(id)))
            .collect();
        (aon, items)
    } else {
        let Some(Json::Object(body)) = &call.body else {
            return ApiOut::error(
                400,
                "JSON_PARSER_ERROR",
                "The request body must be a JSON object",
            );
        };
        let aon = body
            .get("allOrNone")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        let Some(records) = body.get("records").and_then(Json::as_array) else {
            return ApiOut::error(400, "INVALID_FIELD", "records: required field is missing");
        };
        let items = records
            .iter()
            .map(|r| {
                let t = r
                    .get("attributes")
                    .and_then(|a| a.get("type"))
                    .and_then(Json::as_str)
                    .map(str::to_owned)
                    .or_else(|| {
                        r.get("id")
                            .and_then(Json::as_str)
                            .and_then(|id| type_of(ctx, id))
                    });
                (t, r.clone())
            })
            .collect();
        (aon, items)
    };
    if items.len() > MAX_RECORDS {
        return too_many();
    }
    let types: Vec<String> = items.iter().filter_map(|(t, _)| t.clone()).collect();
    let chunks = types
        .windows(2)
        .filter(|w| !w[0].eq_ignore_ascii_case(&w[1]))
        .count()
        + usize::from(!types.is_empty());
    if chunks > MAX_CHUNKS {
        return ApiOut::error(
            400,
            "INVALID_BATCH_SIZE",
            "Cannot have more than 10 chunks in a single operation. Please rearrange the data to reduce chunking.",
        );
    }
    let mixed = mixes_setup(ctx, &types);
    let first_type = types.first().cloned().unwrap_or_default();
    let snapshot = if all_or_none { ctx.snapshot() } else { None };
    // A `partial_failure` fault refuses one record where the API allows partial success.
    let refused = if all_or_none {
        None
    } else {
        ctx.st.control.record_failure.take()
    };
    let mut results: Vec<Result<String, Vec<ApiErr>>> = Vec::new();
    for (i, (t, item)) in items.iter().enumerate() {
        let r = match &refused {
            Some(f) if f.record == i => Err(vec![ApiErr::new(&f.error_code, f.message.clone())]),
            _ => one(ctx, call, t.as_deref(), item, mixed, &first_type),
        };
        results.push(r);
    }
    let failed = results.iter().any(Result::is_err);
    if all_or_none && failed {
        if let Some(s) = snapshot {
            ctx.restore(s);
        }
        for r in &mut results {
            if r.is_ok() {
                *r = Err(vec![ApiErr::new(
                    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                    ROLLED_BACK,
                )]);
            }
        }
    }
    let body: Vec<Json> = results
        .iter()
        .zip(&items)
        .map(|(r, (_, item))| {
            let mut j = result(r);
            if call.method == "DELETE" {
                if let (Some(id), Some(m)) = (item.as_str(), j.as_object_mut()) {
                    m.insert("id".into(), json!(id));
                }
            } else if call.method == "PATCH" && r.is_err() {
                if let (Some(id), Some(m)) = (item.get("id"), j.as_object_mut()) {
                    m.insert("id".into(), id.clone());
                }
            }
            j
        })
        .collect();
    ApiOut::json(200, Json::Array(body))
}

fn one(
    ctx: &mut Ctx<'_>,
    call: &Call,
    t: Option<&str>,
    item: &Json,
    mixed: bool,
    first_type: &str,
) -> Result<String, Vec<ApiErr>> {
    let Some(t) = t else {
        if call.method == "DELETE" {
            return Err(vec![ApiErr::new(
                "INVALID_CROSS_REFERENCE_KEY",
                "invalid cross reference id",
            )]);
        }
        return Err(vec![ApiErr::new(
            "INVALID_TYPE",
            "Must send a concrete entity type.",
        )]);
    };
    if mixed && !t.eq_ignore_ascii_case(first_type) {
        // salesforce.md §B.3 [C] rule; REST code [U] → config.
        return Err(vec![ApiErr::new(
            &ctx.config.codes.mixed_setup_types,
            mixed_message(t, first_type),
        )]);
    }
    let Some(mut d) = ctx.dml() else {
        return Err(vec![ApiErr::not_found()]);
    };
    match call.method.as_str() {
        "POST" => {
            let Json::Object(body) = item else {
                return Err(vec![ApiErr::new(
                    "JSON_PARSER_ERROR",
                    "record must be a JSON object",
                )]);
            };
            dml::create(&mut d, t, body)
        }
        "PATCH" => {
            let Json::Object(body) = item else {
                return Err(vec![ApiErr::new(
                    "JSON_PARSER_ERROR",
                    "record must be a JSON object",
                )]);
            };
            let Some(id) = body
                .get("id")
                .or_else(|| body.get("Id"))
                .and_then(Json::as_str)
            else {
                return Err(vec![ApiErr::new(
                    "MISSING_ARGUMENT",
                    "Id not specified in an update call",
                )]);
            };
            let id = id.to_owned();
            dml::update(&mut d, None, &id, body).map(|()| id)
        }
        _ => {
            let id = item.as_str().unwrap_or_default().to_owned();
            dml::delete(&mut d, None, &id).map(|()| id)
        }
    }
}
