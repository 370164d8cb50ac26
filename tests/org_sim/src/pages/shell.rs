//! The Lightning Setup shell: `#auraLoadingBox` (salesforce.md §A.3), header, left nav, and data for
//! `/sim/shell.js`, which builds nested open shadow roots ending in
//! `force-aloha-page > iframe[name^=vfFrameId]` holding the Classic page (salesforce.md §D.1).

use std::time::{SystemTime, UNIX_EPOCH};

use hyper::StatusCode;
use serde_json::json;

use crate::config::ClassicFrameHost;
use crate::http::{self, esc, Req, Resp};
use crate::org::HostKind;
use crate::pages::i18n::{self, Text};
use crate::pages::{classic, page_session, to_login};
use crate::state::Shared;

/// Setup nodes the shell knows: node, nav label, Classic path (salesforce.md §D.5, §D.7).
const NODES: &[(&str, Text, &str)] = &[
    (
        "SetupOneHome",
        i18n::SETUP_HOME,
        "/setup/forcecomHomepage.apexp?setupid=ForceCom",
    ),
    (
        "ManageUsers",
        i18n::USERS,
        "/005?isUserEntityOverride=1&setupid=ManageUsers",
    ),
    ("PermSets", i18n::PERMISSION_SETS, "/0PS?setupid=PermSets"),
    (
        "EnhancedProfiles",
        i18n::PROFILES,
        "/00e?setupid=EnhancedProfiles",
    ),
    ("Profiles", i18n::PROFILES, "/00e?setupid=EnhancedProfiles"),
    // Used by some tools for the permission set list (salesforce.md §D.3 [S]).
    (
        "PermissionSetListView",
        i18n::PERMISSION_SETS,
        "/0PS?setupid=PermSets",
    ),
];

/// Left-nav entries (node, label).
const NAV: &[(&str, Text)] = &[
    ("SetupOneHome", i18n::SETUP_HOME),
    ("ManageUsers", i18n::USERS),
    ("PermSets", i18n::PERMISSION_SETS),
    ("EnhancedProfiles", i18n::PROFILES),
];

/// Handles `/lightning/...` on an org host.
pub fn handle(shared: &Shared, req: &Req, org: usize, kind: HostKind) -> Resp {
    let (origin_setup, display_name) = {
        let st = shared.lock();
        let Some(o) = st.orgs.get(org) else {
            return http::text(StatusCode::NOT_FOUND, "Not Found");
        };
        (o.origin(HostKind::Setup), o.display_name.clone())
    };
    if kind == HostKind::MyDomain {
        // Lightning pages on the instance domain redirect to the setup domain (salesforce.md §A.6,
        // BF commit d132451).
        return http::redirect(&format!("{origin_setup}{}", req.path_and_query()));
    }
    let Some(session) = page_session(shared, req, org, kind) else {
        let st = shared.lock();
        return match st.orgs.get(org) {
            Some(o) => to_login(o, req),
            None => http::text(StatusCode::NOT_FOUND, "Not Found"),
        };
    };
    let parts: Vec<&str> = req.path.trim_end_matches('/').split('/').collect();
    // ["", "lightning", "setup", Node, "home" | "page"]
    let (node, action, ps) = match parts.as_slice() {
        ["", "lightning", "setup", node, action] => (*node, *action, None),
        // Manage Assignments (salesforce.md §H.Q2 [S] URL); the real page is Lightning with [U]
        // markup, so the shell frames the sim's Classic assignee list.
        ["", "lightning", "setup", "PermSets", ps, "PermissionSetAssignment", "home"]
            if ps.starts_with(crate::ids::prefix::PERMISSION_SET)
                && crate::ids::normalize(ps).is_some() =>
        {
            ("PermSets", "home", Some(crate::ids::to15(ps).to_owned()))
        }
        _ => return not_simulated(&display_name, &req.path),
    };
    let Some(&(node, label, default_path)) = NODES.iter().find(|(n, _, _)| *n == node) else {
        return not_simulated(&display_name, &req.path);
    };
    let classic_path = match action {
        "home" if ps.is_some() => format!(
            "/{}?s={}",
            ps.unwrap_or_default(),
            crate::pages::permsets::ASSIGNMENTS_SECTION
        ),
        "home" => default_path.to_owned(),
        "page" => match req.param("address") {
            // Only same-site relative addresses (as Setup builds them, salesforce.md §D.5).
            Some(a) if a.starts_with('/') && !a.starts_with("//") => a,
            _ => return not_simulated(&display_name, &req.path),
        },
        _ => return not_simulated(&display_name, &req.path),
    };
    let st = shared.lock();
    let Some(o) = st.orgs.get(org) else {
        return http::text(StatusCode::NOT_FOUND, "Not Found");
    };
    let frame_origin = match (kind, shared.config.classic_frame_host) {
        // [U] salesforce.md §D.1/§G: frame origin per org type unknown → switch.
        (HostKind::Lightning, ClassicFrameHost::MyDomain) => o.origin(HostKind::MyDomain),
        _ => o.origin(kind),
    };
    let sep = if classic_path.contains('?') { '&' } else { '?' };
    let frame_url = format!("{frame_origin}{classic_path}{sep}isdtp=p1");
    let frame_title = classic::title_for(o, &classic_path);
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let data = json!({
        "frameUrl": frame_url,
        "frameTitle": frame_title,
        "frameName": format!("vfFrameId_{millis}"),
        "node": node,
    });
    // `<` escaped so org data can never close the data block.
    let data = data.to_string().replace('<', "\\u003c");
    let user_name = o
        .store
        .get(&session.user_id)
        .and_then(|u| u.text("Name"))
        .unwrap_or_default()
        .to_owned();
    let locale = shared.config.locale;
    let nav: String = NAV
        .iter()
        .map(|(n, l)| {
            let current = if *n == node {
                " aria-current=\"page\" class=\"active\""
            } else {
                ""
            };
            format!(
                "<li><a href=\"/lightning/setup/{n}/home\"{current}>{}</a></li>",
                esc(l.get(locale))
            )
        })
        .collect();
    let body = format!(
        r#"<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{label} | Salesforce</title>
<link rel="stylesheet" href="/sim/shell.css"></head>
<body class="desktop">
<div id="auraLoadingBox" class="auraLoadingBox oneLoadingBox"><div class="loadingHider"></div><div class="spinner" role="status">{loading}</div></div>
<header class="sim-header"><span class="sim-app">{setup}</span><span class="sim-org">{org}</span><span class="sim-user">{user}</span></header>
<div class="sim-body">
<nav class="sim-nav" aria-label="{setup}"><input class="sim-quickfind" type="search" placeholder="{quick_find}" aria-label="{quick_find}"><ul>{nav}</ul></nav>
<main id="sim-content" class="sim-content"></main>
</div>
<script type="application/json" id="sim-shell">{data}</script>
<script src="/sim/shell.js"></script>
</body></html>"#,
        label = esc(label.get(locale)),
        lang = locale.lang(),
        loading = esc(i18n::LOADING.get(locale)),
        setup = esc(i18n::SETUP.get(locale)),
        quick_find = esc(i18n::QUICK_FIND.get(locale)),
        org = esc(&o.display_name),
        user = esc(&user_name),
    );
    http::shell_html(body)
}

fn not_simulated(org: &str, path: &str) -> Resp {
    http::html(
        StatusCode::NOT_FOUND,
        format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page not simulated | Salesforce</title><link rel=\"stylesheet\" href=\"/sim/shell.css\"></head><body class=\"desktop\"><header class=\"sim-header\"><span class=\"sim-app\">Setup</span><span class=\"sim-org\">{}</span></header><main class=\"sim-content sim-missing\"><h1>Page not simulated</h1><p>{}</p><p><a href=\"/lightning/setup/SetupOneHome/home\">Setup Home</a></p></main></body></html>",
            esc(org),
            esc(path)
        ),
    )
}
