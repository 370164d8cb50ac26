//! Composite graph `POST /composite/graph` (salesforce.md §B.5): each graph is all-or-none; limits of
//! 75 graphs, 500 nodes per graph and per payload, depth 15, 15 different nodes, and after 14
//! failed graphs the remaining ones answer PROCESSING_HALTED. Supported node URLs:
//! `/sobjects/{SObject}` POST and `/sobjects/{SObject}/{id}` GET/PATCH/DELETE.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Value as Json};

use super::api::{ApiOut, Call, Ctx};
use super::composite::{halted, parse_subs, run, split_url, Sub};

/// salesforce.md §B.5 limits.
pub const MAX_GRAPHS: usize = 75;
/// Max nodes per graph and per payload.
pub const MAX_NODES: usize = 500;
/// Max reference depth.
pub const MAX_DEPTH: usize = 15;
/// Max different nodes (API version, method, object type).
pub const MAX_DIFFERENT: usize = 15;
/// Failed graphs after which the rest are halted.
pub const MAX_FAILURES: usize = 14;

fn limit(message: String) -> ApiOut {
    ApiOut::error(400, "INVALID_INPUT", &message)
}

fn supported(call: &Call) -> bool {
    let parts: Vec<&str> = call.tail.split('/').collect();
    matches!(
        (call.method.as_str(), parts.as_slice()),
        ("POST", ["sobjects", _]) | ("GET" | "PATCH" | "DELETE", ["sobjects", _, _])
    )
}

/// Depth of the longest reference chain of a graph.
fn depth(subs: &[Sub]) -> usize {
    let mut depth: HashMap<&str, usize> = HashMap::new();
    let mut max = 0;
    for s in subs {
        let text = format!(
            "{} {}",
            s.url,
            s.body.as_ref().map(Json::to_string).unwrap_or_default()
        );
        let d = 1 + subs
            .iter()
            .filter(|o| text.contains(&format!("@{{{}.", o.reference_id)))
            .filter_map(|o| depth.get(o.reference_id.as_str()))
            .max()
            .copied()
            .unwrap_or(0);
        depth.insert(&s.reference_id, d);
        max = max.max(d);
    }
    max
}

/// `POST /composite/graph`.
pub fn graph(ctx: &mut Ctx<'_>, call: &Call) -> ApiOut {
    let Some(graphs) = call
        .body
        .as_ref()
        .and_then(|b| b.get("graphs"))
        .and_then(Json::as_array)
    else {
        return limit("graphs: required field is missing".into());
    };
    if graphs.len() > MAX_GRAPHS {
        return limit(format!("A payload may contain at most {MAX_GRAPHS} graphs"));
    }
    let mut parsed = Vec::new();
    let mut total = 0;
    let mut different = HashSet::new();
    for g in graphs {
        let id = g
            .get("graphId")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned();
        let subs = match parse_subs(g.get("compositeRequest")) {
            Ok(s) => s,
            Err(e) => return e,
        };
        if subs.len() > MAX_NODES {
            return limit(format!(
                "Graph {id} has {} nodes; the maximum is {MAX_NODES}",
                subs.len()
            ));
        }
        if depth(&subs) > MAX_DEPTH {
            return limit(format!("Graph {id} is deeper than {MAX_DEPTH}"));
        }
        total += subs.len();
        for s in &subs {
            if let Some((v, tail, _)) = split_url(&s.url) {
                let object = tail
                    .split('/')
                    .nth(1)
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                different.insert((v, s.method.clone(), object));
            }
        }
        parsed.push((id, subs));
    }
    if total > MAX_NODES {
        return limit(format!(
            "A payload may contain at most {MAX_NODES} nodes; this one has {total}"
        ));
    }
    if different.len() > MAX_DIFFERENT {
        return limit(format!(
            "A payload may contain at most {MAX_DIFFERENT} different nodes (API version, method, object type)"
        ));
    }
    let mut failures = 0;
    let mut out = Vec::new();
    for (id, subs) in &parsed {
        if failures >= MAX_FAILURES {
            let entries: Vec<Json> = subs
                .iter()
                .map(|s| json!({"body": halted(), "httpHeaders": {}, "httpStatusCode": 400, "referenceId": s.reference_id}))
                .collect();
            out.push(json!({"graphId": id, "graphResponse": {"compositeResponse": entries}, "isSuccessful": false}));
            continue;
        }
        let (entries, ok) = run(ctx, subs, true, &supported);
        if !ok {
            failures += 1;
        }
        out.push(json!({"graphId": id, "graphResponse": {"compositeResponse": entries}, "isSuccessful": ok}));
    }
    ApiOut::json(200, json!({ "graphs": out }))
}
