//! Request routing: virtual hosting by `Host` (salesforce.md §A.6), loopback admin, REST, login,
//! Lightning shell, Classic pages and assets; decides which requests are logged.

use hyper::StatusCode;

use crate::http::{self, Req, Resp};
use crate::org::{self, HostKind, Target};
use crate::pages::{assets, classic, login, shell};
use crate::rest;
use crate::state::Shared;

/// A response and whether the request belongs in the request log.
#[derive(Debug)]
pub struct Routed {
    /// The response.
    pub resp: Resp,
    /// False only for loopback admin endpoints.
    pub logged: bool,
}

/// Routes one request.
pub fn route(shared: &Shared, req: &Req) -> Routed {
    let target = org::target(&shared.lock().orgs, &req.host);
    match target {
        Target::Loopback if req.path.starts_with("/__sim/") => Routed {
            resp: crate::admin::handle(shared, req),
            logged: false,
        },
        Target::Loopback if req.path.starts_with("/services/") => Routed {
            // API only: the session picks the org; the default org answers `/services/data/`.
            resp: rest::handle(shared, req, None),
            logged: true,
        },
        Target::Loopback => Routed {
            resp: http::text(StatusCode::NOT_FOUND, "Not Found"),
            logged: true,
        },
        Target::Unknown => Routed {
            resp: elsewhere(req),
            logged: true,
        },
        Target::Org(org, kind) => Routed {
            resp: org_host(shared, req, org, kind),
            logged: true,
        },
    }
}

fn org_host(shared: &Shared, req: &Req, org: usize, kind: HostKind) -> Resp {
    let path = req.path.as_str();
    if let Some(asset) = assets::get(path) {
        return asset;
    }
    let my_domain = shared
        .lock()
        .orgs
        .get(org)
        .map(|o| o.origin(HostKind::MyDomain))
        .unwrap_or_default();
    if path.starts_with("/services/") {
        return match kind {
            // lightning.force.com redirects API calls to the my-domain host, which would drop
            // the Authorization header (salesforce.md §A.3, SFIR getMyDomain comment).
            HostKind::Lightning => http::redirect(&format!("{my_domain}{}", req.path_and_query())),
            _ => rest::handle(shared, req, Some(org)),
        };
    }
    match (kind, path) {
        (HostKind::MyDomain, "/") => login::page(shared, req, org),
        (HostKind::MyDomain, "/__sim/login") => login::login(shared, req, org),
        (_, "/__sim/login") => http::redirect(&format!("{my_domain}{}", req.path_and_query())),
        (HostKind::Lightning | HostKind::Setup, "/__sim/login/continue") => {
            login::continue_login(shared, req, org, kind)
        }
        (HostKind::Lightning | HostKind::Setup, "/") => http::redirect(login::DEFAULT_START),
        _ if path == "/lightning" || path.starts_with("/lightning/") => {
            shell::handle(shared, req, org, kind)
        }
        _ if classic::is_classic_path(path) => classic::handle(shared, req, org, kind),
        _ => http::text(StatusCode::NOT_FOUND, "Not Found"),
    }
}

/// A host that is not a simulated org's (e.g. where a `redirect` fault points) plays an eager
/// attacker: it grants every CORS preflight, echoing the origin, method and headers asked for
/// (`Authorization` included), so a browser that followed a redirect there would go on to send
/// its real request; anything else gets 404. The request log shows what arrived.
fn elsewhere(req: &Req) -> Resp {
    if req.method != hyper::Method::OPTIONS {
        return http::text(StatusCode::NOT_FOUND, "Not Found");
    }
    let asked = |name: &str| {
        req.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let mut resp = http::no_content();
    let origin = asked("origin");
    http::set(
        &mut resp,
        "access-control-allow-origin",
        if origin.is_empty() { "*" } else { &origin },
    );
    http::set(
        &mut resp,
        "access-control-allow-methods",
        &asked("access-control-request-method"),
    );
    http::set(
        &mut resp,
        "access-control-allow-headers",
        &asked("access-control-request-headers"),
    );
    http::set(&mut resp, "access-control-max-age", "0");
    resp
}
