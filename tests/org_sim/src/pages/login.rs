//! Login: the org's login page and the `/__sim/login` flow that sets a host-only `sid` cookie
//! on each of the org's three hosts via one-time tickets (salesforce.md §A.3, §A.6, §F.1).

use hyper::StatusCode;

use crate::http::{self, esc, Req, Resp};
use crate::org::{HostKind, Org};
use crate::state::{Shared, Ticket};

/// Where a login lands by default: Setup home on the setup domain (salesforce.md §A.6, §D.7).
pub const DEFAULT_START: &str = "/lightning/setup/SetupOneHome/home";

/// `Set-Cookie` value of a `sid`: host-only (no Domain), Secure, HttpOnly, SameSite=None.
/// HttpOnly: page JS cannot read it (salesforce.md §H.Q7, "Require HttpOnly attribute").
fn sid_cookie(sid: &str) -> String {
    format!("sid={sid}; Path=/; Secure; HttpOnly; SameSite=None")
}

/// Resolves `startURL`: a path is taken relative to the setup-domain host; an absolute URL
/// must be https on one of this org's hosts; anything else falls back to Setup home.
pub fn resolve_start(org: &Org, start: Option<&str>) -> String {
    let setup = org.origin(HostKind::Setup);
    let fallback = format!("{setup}{DEFAULT_START}");
    match start.map(str::trim) {
        None | Some("") => fallback,
        Some(s) if s.starts_with('/') && !s.starts_with("//") => format!("{setup}{s}"),
        Some(s) => match url::Url::parse(s) {
            Ok(u)
                if u.scheme() == "https"
                    && u.port().is_none()
                    && u.host_str().and_then(|h| org.kind_of(h)).is_some() =>
            {
                u.to_string()
            }
            _ => fallback,
        },
    }
}

/// `GET /` on the my-domain host: the login page.
pub fn page(shared: &Shared, req: &Req, org: usize) -> Resp {
    render(shared, org, req.param("startURL").as_deref(), None)
}

fn render(shared: &Shared, org: usize, start: Option<&str>, error: Option<&str>) -> Resp {
    let st = shared.lock();
    let Some(o) = st.orgs.get(org) else {
        return http::text(StatusCode::NOT_FOUND, "Not Found");
    };
    let start = start.unwrap_or_default();
    let profile_name = |pid: Option<&str>| {
        pid.and_then(|p| o.store.get(p))
            .and_then(|p| p.text("Name"))
            .unwrap_or_default()
            .to_owned()
    };
    let mut users = String::new();
    for u in o
        .store
        .records("User")
        .iter()
        .filter(|u| u.flag("IsActive"))
    {
        let username = u.text("Username").unwrap_or_default();
        users.push_str(&format!(
            "<li><form method=\"post\" action=\"/__sim/login\"><input type=\"hidden\" name=\"startURL\" value=\"{}\"><button type=\"submit\" class=\"user\" name=\"username\" value=\"{}\"><span class=\"name\">{}</span><span class=\"detail\">{} · {}</span></button></form></li>",
            esc(start),
            esc(username),
            esc(u.text("Name").unwrap_or_default()),
            esc(username),
            esc(&profile_name(u.text("ProfileId"))),
        ));
    }
    let error_html = error
        .map(|e| {
            format!(
                "<div id=\"error\" class=\"loginError\" role=\"alert\">{}</div>",
                esc(e)
            )
        })
        .unwrap_or_default();
    let body = format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Login | Salesforce</title>
<link rel="stylesheet" href="/sim/login.css"></head>
<body class="sim-login">
<div id="wrapper"><div id="content">
<div id="header"><span class="logo" aria-label="Salesforce">salesforce</span></div>
<div id="theloginform" class="card">
<h1>{name}</h1>
<p class="host">{host} · simulated org</p>
{error_html}
<form method="post" action="/__sim/login" id="login_form">
<input type="hidden" name="startURL" value="{start}">
<label for="username">Username</label>
<input class="input r4 wide" type="email" id="username" name="username" autocomplete="username" value="{default_user}">
<label for="password">Password</label>
<input class="input r4 wide" type="password" id="password" name="pw" autocomplete="current-password" placeholder="any password works here">
<input class="button r4 wide primary" type="submit" id="Login" name="Login" value="Log In">
</form>
<h2>Log in as</h2>
<ul class="users">{users}</ul>
</div>
<p class="footer">© Forcefield org-sim. Not affiliated with Salesforce.</p>
</div></div>
</body></html>"#,
        name = esc(&o.display_name),
        host = esc(&o.host(HostKind::MyDomain)),
        start = esc(start),
        default_user = esc(&o.default_username),
    );
    let status = if error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    http::html(status, body)
}

/// `GET|POST /__sim/login?username=…&startURL=…` on the my-domain host.
pub fn login(shared: &Shared, req: &Req, org: usize) -> Resp {
    let start = req.param_or_form("startURL");
    let (ticket, lightning, sid) = {
        let mut st = shared.lock();
        let Some(o) = st.orgs.get(org) else {
            return http::text(StatusCode::NOT_FOUND, "Not Found");
        };
        let username = req
            .param_or_form("username")
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| o.default_username.clone());
        let user = o
            .store
            .find_by("User", "Username", username.trim())
            .filter(|u| u.flag("IsActive"))
            .map(|u| u.id.clone());
        let Some(user_id) = user else {
            drop(st);
            return render(
                shared,
                org,
                start.as_deref(),
                Some("Please check your username and password. If you still can't log in, contact your Salesforce administrator."),
            );
        };
        let start_url = resolve_start(o, start.as_deref());
        let lightning = o.origin(HostKind::Lightning);
        let org_name = o.name.clone();
        let Some(sid) = st.issue_session(org, &user_id, HostKind::MyDomain) else {
            return http::text(StatusCode::NOT_FOUND, "Not Found");
        };
        let ticket = st.create_ticket(Ticket {
            org: org_name,
            user_id,
            next: HostKind::Lightning,
            start_url,
        });
        (ticket, lightning, sid)
    };
    let mut resp = http::redirect(&format!("{lightning}/__sim/login/continue?ticket={ticket}"));
    http::append(&mut resp, "set-cookie", &sid_cookie(&sid));
    resp
}

/// `GET /__sim/login/continue?ticket=…` on the lightning and setup-domain hosts.
pub fn continue_login(shared: &Shared, req: &Req, org: usize, kind: HostKind) -> Resp {
    let ticket_id = req.param("ticket").unwrap_or_default();
    let mut st = shared.lock();
    let Some(o) = st.orgs.get(org) else {
        return http::text(StatusCode::NOT_FOUND, "Not Found");
    };
    let org_name = o.name.clone();
    let login_page = format!("{}/", o.origin(HostKind::MyDomain));
    let setup = o.origin(HostKind::Setup);
    let ticket = st
        .take_ticket(&ticket_id)
        .filter(|t| t.org == org_name && t.next == kind);
    let Some(ticket) = ticket else {
        return http::redirect(&login_page);
    };
    let Some(sid) = st.issue_session(org, &ticket.user_id, kind) else {
        return http::redirect(&login_page);
    };
    let location = match kind {
        HostKind::Lightning => {
            let next = st.create_ticket(Ticket {
                next: HostKind::Setup,
                ..ticket
            });
            format!("{setup}/__sim/login/continue?ticket={next}")
        }
        _ => ticket.start_url,
    };
    let mut resp = http::redirect(&location);
    http::append(&mut resp, "set-cookie", &sid_cookie(&sid));
    resp
}
