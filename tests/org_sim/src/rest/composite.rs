//! Composite `POST /composite` (salesforce.md §B.4): ≤25 subrequests, `@{ref.path}` references,
//! allOrNone with real rollback and PROCESSING_HALTED bodies, top-level 200, forbidden
//! subrequest headers; and composite batch `POST /composite/batch`. The subrequest engine is
//! shared with composite graph.

use std::collections::HashMap;

use serde_json::{json, Value as Json};

use super::api::{dispatch, ApiOut, Call, Ctx};
use super::collections::{mixed_message, mixes_setup};

/// Max subrequests of composite and batch (salesforce.md §B.4).
pub const MAX_SUBREQUESTS: usize = 25;
/// Max sObject Collections or query subrequests per composite (salesforce.md §B.4).
pub const MAX_COLLECTION_OR_QUERY: usize = 5;

/// salesforce.md §B.4: the rollback body of allOrNone (verbatim message, key order as quoted).
pub fn halted() -> Json {
    json!([{
        "errorCode": "PROCESSING_HALTED",
        "message": "The transaction was rolled back since another operation in the same transaction failed."
    }])
}

/// One parsed subrequest.
#[derive(Debug, Clone)]
pub struct Sub {
    /// Method.
    pub method: String,
    /// URL as given.
    pub url: String,
    /// `referenceId`.
    pub reference_id: String,
    /// Body.
    pub body: Option<Json>,
}

fn bad_request(message: &str) -> ApiOut {
    ApiOut::error(400, "INVALID_INPUT", message)
}

fn valid_reference_id(r: &str) -> bool {
    // salesforce.md §B.4: starts with a letter or number; letters, numbers, underscore only.
    r.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses and validates `compositeRequest`.
pub fn parse_subs(list: Option<&Json>) -> Result<Vec<Sub>, ApiOut> {
    let Some(list) = list.and_then(Json::as_array) else {
        return Err(bad_request("compositeRequest: required field is missing"));
    };
    let mut subs = Vec::new();
    let mut seen = Vec::new();
    for item in list {
        let s = |k: &str| item.get(k).and_then(Json::as_str).map(str::to_owned);
        let (Some(method), Some(url), Some(reference_id)) =
            (s("method"), s("url"), s("referenceId"))
        else {
            return Err(bad_request(
                "Each subrequest needs method, url and referenceId",
            ));
        };
        if !valid_reference_id(&reference_id) {
            return Err(bad_request(&format!(
                "Invalid referenceId ({reference_id}): it must start with a letter or number and contain only letters, numbers and underscores"
            )));
        }
        if seen.contains(&reference_id) {
            return Err(bad_request(&format!(
                "Duplicate referenceId provided in the request: {reference_id}"
            )));
        }
        if let Some(Json::Object(h)) = item.get("httpHeaders") {
            // salesforce.md §B.4: Accept, Authorization, Content-Type are inherited → top-level 400.
            if let Some(bad) = h.keys().find(|k| {
                ["accept", "authorization", "content-type"]
                    .contains(&k.to_ascii_lowercase().as_str())
            }) {
                return Err(bad_request(&format!(
                    "The httpHeaders of a subrequest can't include {bad}; it is inherited from the composite request"
                )));
            }
        }
        seen.push(reference_id.clone());
        subs.push(Sub {
            method: method.to_ascii_uppercase(),
            url,
            reference_id,
            body: item.get("body").cloned(),
        });
    }
    Ok(subs)
}

/// Version, tail and decoded query of a subrequest URL.
pub type SplitUrl = (String, String, Vec<(String, String)>);

/// Splits `/services/data/v66.0/sobjects/Account?x=1` into version, tail and query.
pub fn split_url(url: &str) -> Option<SplitUrl> {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let rest = path.trim_start_matches('/');
    let rest = rest.strip_prefix("services/data/").unwrap_or(rest);
    let (v, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let version = v.strip_prefix('v')?.to_owned();
    let query = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    Some((version, tail.trim_matches('/').to_owned(), query))
}

/// Resolves `@{ref.path[0].x}` against earlier responses.
fn lookup(done: &HashMap<String, (u16, Json)>, expr: &str) -> Option<Json> {
    let mut segments = expr.split('.');
    let first = segments.next()?;
    let (name, first_idx) = index_of(first);
    let (status, body) = done.get(name)?;
    if *status >= 400 {
        return None;
    }
    let mut cur = body.clone();
    if let Some(i) = first_idx {
        cur = cur.get(i)?.clone();
    }
    for seg in segments {
        let (key, idx) = index_of(seg);
        cur = cur.get(key)?.clone();
        if let Some(i) = idx {
            cur = cur.get(i)?.clone();
        }
    }
    Some(cur)
}

fn index_of(seg: &str) -> (&str, Option<usize>) {
    match seg.split_once('[') {
        Some((k, rest)) => (k, rest.trim_end_matches(']').parse().ok()),
        None => (seg, None),
    }
}

/// Replaces references in a string; a string that is exactly one reference takes the value's
/// JSON type.
fn substitute_str(done: &HashMap<String, (u16, Json)>, s: &str) -> Result<Json, String> {
    if let Some(expr) = s.strip_prefix("@{").and_then(|r| r.strip_suffix('}')) {
        if !expr.contains('{') && !expr.contains('}') {
            return lookup(done, expr).ok_or_else(|| expr.to_owned());
        }
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("@{") {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let expr = &rest[start + 2..start + end];
        let value = lookup(done, expr).ok_or_else(|| expr.to_owned())?;
        out.push_str(&rest[..start]);
        match &value {
            Json::String(v) => out.push_str(v),
            other => out.push_str(&other.to_string()),
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    Ok(Json::String(out))
}

fn substitute(done: &HashMap<String, (u16, Json)>, v: &Json) -> Result<Json, String> {
    Ok(match v {
        Json::String(s) => substitute_str(done, s)?,
        Json::Array(a) => Json::Array(
            a.iter()
                .map(|x| substitute(done, x))
                .collect::<Result<_, _>>()?,
        ),
        Json::Object(m) => Json::Object(
            m.iter()
                .map(|(k, x)| Ok((k.clone(), substitute(done, x)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

/// Object types a subrequest writes (for the mixed-Setup-types rule).
fn written_types(ctx: &Ctx<'_>, call: &Call) -> Vec<String> {
    if !call.is_write() {
        return Vec::new();
    }
    let parts: Vec<&str> = call.tail.split('/').collect();
    match parts.as_slice() {
        ["sobjects", t, ..] => vec![(*t).to_owned()],
        ["composite", "sobjects"] => call
            .body
            .as_ref()
            .and_then(|b| b.get("records"))
            .and_then(Json::as_array)
            .map(|rs| {
                rs.iter()
                    .filter_map(|r| {
                        r.get("attributes")?
                            .get("type")?
                            .as_str()
                            .map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_else(|| {
                let store = ctx.st.orgs.get(ctx.org).map(|o| &o.store);
                call.param("ids")
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(|id| {
                        store
                            .and_then(|s| s.get(id.trim()))
                            .map(|r| r.object.clone())
                    })
                    .collect()
            }),
        _ => Vec::new(),
    }
}

/// Output of one subrequest.
fn entry(reference_id: &str, out: &ApiOut) -> Json {
    let headers: serde_json::Map<String, Json> = out
        .headers
        .iter()
        .filter(|(k, _)| k == "location")
        .map(|(_, v)| ("Location".to_owned(), Json::String(v.clone())))
        .collect();
    json!({
        "body": out.body.clone().unwrap_or(Json::Null),
        "httpHeaders": headers,
        "httpStatusCode": out.status,
        "referenceId": reference_id,
    })
}

/// Runs subrequests in order. `all_or_none`: the first failure rolls everything back and
/// every other subrequest answers PROCESSING_HALTED (salesforce.md §B.4). `allowed` filters the URLs
/// a caller supports (graph). Returns the entries and whether all succeeded.
pub fn run(
    ctx: &mut Ctx<'_>,
    subs: &[Sub],
    all_or_none: bool,
    allowed: &dyn Fn(&Call) -> bool,
) -> (Vec<Json>, bool) {
    let snapshot = if all_or_none { ctx.snapshot() } else { None };
    let max = ctx
        .st
        .orgs
        .get(ctx.org)
        .map(|o| o.max_api_version.clone())
        .unwrap_or_default();
    let mut done: HashMap<String, (u16, Json)> = HashMap::new();
    let mut outs: Vec<ApiOut> = Vec::new();
    let mut written: Vec<String> = Vec::new();
    let mut failed_at: Option<usize> = None;
    for (i, sub) in subs.iter().enumerate() {
        if failed_at.is_some() && all_or_none {
            outs.push(ApiOut::json(400, halted()));
            continue;
        }
        let out = (|| {
            let url = match substitute_str(&done, &sub.url) {
                Ok(Json::String(u)) => u,
                Ok(other) => other.to_string(),
                Err(expr) => return unresolved(&expr),
            };
            let body = match sub.body.as_ref().map(|b| substitute(&done, b)).transpose() {
                Ok(b) => b,
                Err(expr) => return unresolved(&expr),
            };
            let Some((version, tail, query)) = split_url(&url) else {
                return ApiOut::errors(&[crate::dml::ApiErr::not_found()]);
            };
            let Some(version) = super::versions::parse_requested(&format!("v{version}"), &max)
            else {
                return ApiOut::errors(&[crate::dml::ApiErr::not_found()]);
            };
            let call = Call {
                method: sub.method.clone(),
                tail,
                query,
                if_modified_since: None,
                body,
            };
            if !allowed(&call) {
                return ApiOut::error(
                    400,
                    "INVALID_INPUT",
                    &format!("{} {url} is not supported in this request", sub.method),
                );
            }
            if call.tail.starts_with("composite") && !call.tail.starts_with("composite/sobjects") {
                return ApiOut::error(400, "INVALID_INPUT", "Composite requests can't be nested");
            }
            let types = written_types(ctx, &call);
            let mut all = written.clone();
            all.extend(types.iter().cloned());
            if !ctx.config.allow_mixed_setup_types_in_composite && mixes_setup(ctx, &all) {
                // [U] salesforce.md §H.Q3 → switch allow_mixed_setup_types_in_composite.
                let original = written
                    .first()
                    .cloned()
                    .or_else(|| types.first().cloned())
                    .unwrap_or_default();
                let object = types
                    .iter()
                    .find(|t| !t.eq_ignore_ascii_case(&original))
                    .cloned()
                    .unwrap_or_default();
                return ApiOut::error(
                    400,
                    &ctx.config.codes.mixed_setup_types,
                    &mixed_message(&object, &original),
                );
            }
            let version_saved = std::mem::replace(&mut ctx.version, version);
            let depth_saved = ctx.depth;
            ctx.depth = 1;
            let out = dispatch(ctx, &call);
            ctx.version = version_saved;
            ctx.depth = depth_saved;
            if out.ok() {
                written.extend(types);
            }
            out
        })();
        done.insert(
            sub.reference_id.clone(),
            (out.status, out.body.clone().unwrap_or(Json::Null)),
        );
        if !out.ok() && failed_at.is_none() {
            failed_at = Some(i);
        }
        outs.push(out);
    }
    if let (true, Some(failed)) = (all_or_none, failed_at) {
        if let Some(s) = snapshot {
            ctx.restore(s);
        }
        for (i, o) in outs.iter_mut().enumerate() {
            if i != failed {
                *o = ApiOut::json(400, halted());
            }
        }
    }
    let entries = subs
        .iter()
        .zip(&outs)
        .map(|(s, o)| entry(&s.reference_id, o))
        .collect();
    (entries, failed_at.is_none())
}

fn unresolved(expr: &str) -> ApiOut {
    // salesforce.md §B.4: unresolvable reference.
    let reference = expr.split(['.', '[']).next().unwrap_or(expr);
    ApiOut::json(
        400,
        json!([{
            "errorCode": "PROCESSING_HALTED",
            "message": format!("Invalid reference specified. No value for {expr} found in {reference}."),
        }]),
    )
}

/// `POST /composite`.
pub fn composite(ctx: &mut Ctx<'_>, call: &Call) -> ApiOut {
    if ctx.depth > 0 {
        return ApiOut::error(400, "INVALID_INPUT", "Composite requests can't be nested");
    }
    let Some(body) = call.body.as_ref() else {
        return ApiOut::error(
            400,
            "JSON_PARSER_ERROR",
            "The request body must be a JSON object",
        );
    };
    let subs = match parse_subs(body.get("compositeRequest")) {
        Ok(s) => s,
        Err(e) => return e,
    };
    if subs.len() > MAX_SUBREQUESTS {
        return bad_request(&format!(
            "Composite requests may contain at most {MAX_SUBREQUESTS} subrequests; this one has {}",
            subs.len()
        ));
    }
    let heavy = subs
        .iter()
        .filter(|s| {
            let u = s.url.split('?').next().unwrap_or_default();
            u.contains("/composite/sobjects")
                || u.ends_with("/query")
                || u.ends_with("/queryAll")
                || u.contains("/query/")
        })
        .count();
    if heavy > MAX_COLLECTION_OR_QUERY {
        return bad_request(&format!(
            "Composite requests may contain at most {MAX_COLLECTION_OR_QUERY} sObject Collections or query subrequests"
        ));
    }
    let all_or_none = body
        .get("allOrNone")
        .and_then(Json::as_bool)
        .unwrap_or(false);
    let (entries, _) = run(ctx, &subs, all_or_none, &|_| true);
    // salesforce.md §B.4: top level always 200.
    ApiOut::json(200, json!({ "compositeResponse": entries }))
}

/// `POST /composite/batch`: independent subrequests (`batchRequests`, `haltOnError`).
pub fn batch(ctx: &mut Ctx<'_>, call: &Call) -> ApiOut {
    let Some(list) = call
        .body
        .as_ref()
        .and_then(|b| b.get("batchRequests"))
        .and_then(Json::as_array)
    else {
        return bad_request("batchRequests: required field is missing");
    };
    if list.len() > MAX_SUBREQUESTS {
        return bad_request(&format!(
            "A batch may contain at most {MAX_SUBREQUESTS} subrequests"
        ));
    }
    let halt = call
        .body
        .as_ref()
        .and_then(|b| b.get("haltOnError"))
        .and_then(Json::as_bool)
        .unwrap_or(false);
    let max = ctx
        .st
        .orgs
        .get(ctx.org)
        .map(|o| o.max_api_version.clone())
        .unwrap_or_default();
    let mut results = Vec::new();
    let mut has_errors = false;
    for item in list {
        if halt && has_errors {
            results.push(json!({
                "statusCode": 412,
                "result": [{ "errorCode": "BATCH_PROCESSING_HALTED", "message": "Batch processing halted per request" }],
            }));
            continue;
        }
        let method = item
            .get("method")
            .and_then(Json::as_str)
            .unwrap_or("GET")
            .to_ascii_uppercase();
        let url = item.get("url").and_then(Json::as_str).unwrap_or_default();
        let out = match split_url(url).and_then(|(v, t, q)| {
            super::versions::parse_requested(&format!("v{v}"), &max).map(|v| (v, t, q))
        }) {
            Some((version, tail, query))
                if !tail.starts_with("composite") || tail.starts_with("composite/sobjects") =>
            {
                let sub = Call {
                    method,
                    tail,
                    query,
                    if_modified_since: None,
                    body: item.get("richInput").cloned(),
                };
                let saved = std::mem::replace(&mut ctx.version, version);
                ctx.depth = 1;
                let out = dispatch(ctx, &sub);
                ctx.depth = 0;
                ctx.version = saved;
                out
            }
            _ => ApiOut::errors(&[crate::dml::ApiErr::not_found()]),
        };
        has_errors |= !out.ok();
        results.push(json!({ "statusCode": out.status, "result": out.body.unwrap_or(Json::Null) }));
    }
    ApiOut::json(200, json!({ "hasErrors": has_errors, "results": results }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve() {
        let mut done = HashMap::new();
        done.insert("acc".to_owned(), (201, json!({"id": "001X"})));
        done.insert("q".to_owned(), (200, json!({"records": [{"Id": "003Y"}]})));
        assert_eq!(substitute_str(&done, "@{acc.id}"), Ok(json!("001X")));
        assert_eq!(
            substitute_str(&done, "/x/@{q.records[0].Id}/y"),
            Ok(json!("/x/003Y/y"))
        );
        assert_eq!(
            substitute_str(&done, "@{acc.nope}"),
            Err("acc.nope".to_owned())
        );
        assert_eq!(substitute_str(&done, "plain"), Ok(json!("plain")));
        assert!(
            valid_reference_id("ref_1") && !valid_reference_id("_x") && !valid_reference_id("a-b")
        );
        assert_eq!(
            split_url("/services/data/v66.0/sobjects/Account?a=b"),
            Some((
                "66.0".into(),
                "sobjects/Account".into(),
                vec![("a".into(), "b".into())]
            ))
        );
    }
}
