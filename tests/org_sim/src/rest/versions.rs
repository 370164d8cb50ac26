//! API versions: the unauthenticated version list, the per-version resources map, and
//! validation of `vNN.N` path segments against the org's maximum (salesforce.md §A.4, §B.2 NOT_FOUND).

use hyper::StatusCode;
use serde_json::{json, Map, Value};

use crate::http::{self, Resp};
use crate::state::Shared;

/// Lowest version listed (the brief's choice: the list starts at 20.0 = Winter '11).
pub const MIN_VERSION: u32 = 20;

/// `(major, minor)` of `66.0`.
fn parse(v: &str) -> Option<(u32, u32)> {
    let (a, b) = v.split_once('.')?;
    if a.is_empty() || b.len() != 1 || !a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Release label of a version: three releases a year, 65.0 = Winter '26, 66.0 = Spring '26,
/// 64.0 = Summer '25 (salesforce.md §A.4: docs for release 260 show v66.0, 258 show v65.0).
pub fn label(major: u32) -> String {
    let n = i64::from(major) - 65;
    let year = 26 + n.div_euclid(3);
    let season = ["Winter", "Spring", "Summer"][usize::try_from(n.rem_euclid(3)).unwrap_or(0)];
    format!("{season} '{year:02}")
}

/// Validates a requested path segment like `v66.0`; `None` if malformed or above `max`.
pub fn parse_requested(segment: &str, max: &str) -> Option<String> {
    let v = segment.strip_prefix('v')?;
    let (major, minor) = parse(v)?;
    let (max_major, max_minor) = parse(max)?;
    ((major, minor) <= (max_major, max_minor) && major >= MIN_VERSION && minor == 0)
        .then(|| format!("{major}.{minor}"))
}

/// `GET /services/data/`: every version up to the org's max, oldest first.
pub fn list(shared: &Shared, org: usize) -> Resp {
    let max = shared
        .lock()
        .orgs
        .get(org)
        .map(|o| o.max_api_version.clone())
        .unwrap_or_default();
    let max_major = parse(&max).map_or(MIN_VERSION, |(m, _)| m);
    let versions: Vec<Value> = (MIN_VERSION..=max_major)
        .map(|m| {
            json!({
                "label": label(m),
                "url": format!("/services/data/v{m}.0"),
                "version": format!("{m}.0"),
            })
        })
        .collect();
    http::json(StatusCode::OK, &Value::Array(versions))
}

/// `GET /services/data/vNN.N/`: the resources map (names → URLs).
pub fn resources(ctx: &super::api::Ctx<'_>) -> super::api::ApiOut {
    let Some(o) = ctx.st.orgs.get(ctx.org) else {
        return super::api::ApiOut::errors(&[crate::dml::ApiErr::not_found()]);
    };
    let session = ctx.session;
    let base = format!("/services/data/v{}", ctx.version);
    let mut m = Map::new();
    for name in [
        "tooling",
        "metadata",
        "eclair",
        "folders",
        "jsonxform",
        "chatter",
        "tabs",
        "appMenu",
        "quickActions",
        "queryAll",
        "commerce",
        "wave",
        "iot",
        "analytics",
        "search",
        "identity",
        "composite",
        "parameterizedSearch",
        "theme",
        "nouns",
        "event",
        "serviceTemplates",
        "recent",
        "connect",
        "licensing",
        "limits",
        "process",
        "async-queries",
        "query",
        "match",
        "emailConnect",
        "compactLayouts",
        "knowledgeManagement",
        "sobjects",
        "actions",
        "support",
    ] {
        let url = if name == "identity" {
            format!(
                "{}/id/{}/{}",
                identity_base(o.is_sandbox),
                o.org_id18,
                session.user_id
            )
        } else {
            format!("{base}/{name}")
        };
        m.insert(name.into(), Value::String(url));
    }
    super::api::ApiOut::json(200, Value::Object(m))
}

/// Host of identity URLs: login.salesforce.com for production, test.salesforce.com for
/// sandboxes (sandbox logins go through test.salesforce.com).
pub fn identity_base(sandbox: bool) -> &'static str {
    if sandbox {
        "https://test.salesforce.com"
    } else {
        "https://login.salesforce.com"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_parsing() {
        assert_eq!(label(66), "Spring '26");
        assert_eq!(label(65), "Winter '26");
        assert_eq!(label(64), "Summer '25");
        assert_eq!(label(67), "Summer '26");
        assert_eq!(label(20), "Winter '11");
        assert_eq!(parse_requested("v66.0", "66.0").as_deref(), Some("66.0"));
        assert_eq!(parse_requested("v66.0", "65.0"), None);
        assert_eq!(parse_requested("v19.0", "66.0"), None);
        assert_eq!(parse_requested("66.0", "66.0"), None);
        assert_eq!(parse_requested("v66", "66.0"), None);
        assert_eq!(parse_requested("v6x.0", "66.0"), None);
    }
}
