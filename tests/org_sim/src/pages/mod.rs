//! Browser-facing pages: login, the Lightning Setup shell and Classic Setup pages, plus their
//! static assets; all HTML carries the Salesforce-like CSP (salesforce.md §D.1, §H.Q1).

pub mod assets;
pub mod assign;
pub mod classic;
pub mod flsedit;
pub mod frame;
pub mod i18n;
pub mod login;
pub mod object_settings;
pub mod perm_model;
pub mod perm_write;
pub mod permsets;
pub mod record_type_settings;
pub mod setup;
pub mod shell;
pub mod system_perms;
pub mod user_related;

use crate::http::{self, Req, Resp};
use crate::org::{HostKind, Org};
use crate::state::{Session, Shared};

/// The page session: the host's own `sid` cookie, issued for this org and this host (cookies
/// are host-only, salesforce.md §F.1).
pub fn page_session(shared: &Shared, req: &Req, org: usize, kind: HostKind) -> Option<Session> {
    let sid = req.cookie("sid")?;
    let st = shared.lock();
    let s = st.session(&sid)?;
    let o = st.orgs.get(org)?;
    (s.org == o.name && s.host == kind).then(|| s.clone())
}

/// 302 to the org's login page, coming back to the requested URL afterwards.
pub fn to_login(org: &Org, req: &Req) -> Resp {
    let here = format!("https://{}{}", req.host, req.path_and_query());
    http::redirect(&format!(
        "{}/?startURL={}",
        org.origin(HostKind::MyDomain),
        http::enc(&here)
    ))
}
