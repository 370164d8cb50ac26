//! REST authentication: `Authorization: Bearer <sid>` (salesforce.md §A.4); only API-capable sessions
//! pass; the caller answers anything else with 401 INVALID_SESSION_ID (salesforce.md §A.5).

use crate::http::Req;
use crate::org::HostKind;
use crate::state::{Session, Shared};

/// The session of an API request; `None` means 401 INVALID_SESSION_ID.
pub fn authenticate(shared: &Shared, req: &Req, host_org: Option<usize>) -> Option<Session> {
    authenticate_sid(shared, &req.bearer()?, host_org)
}

/// The session of a `sid` presented to the API (a Bearer token, or a SOAP `SessionHeader`,
/// salesforce.md §I.12); `None` when it is unknown, expired, not API-capable or another org's.
pub fn authenticate_sid(shared: &Shared, sid: &str, host_org: Option<usize>) -> Option<Session> {
    let st = shared.lock();
    let session = st.session(sid).cloned()?;
    // Only the *.my.salesforce.com sid has API access; UI-host sids are for pages (salesforce.md §A.3,
    // SFIR's comment). Setup-domain sids on the API are [U] (salesforce.md §H.Q7) → config switch.
    let api_capable = match session.host {
        HostKind::MyDomain => true,
        HostKind::Setup => shared.config.ui_sessions_valid_for_api,
        HostKind::Lightning => false,
    };
    // A session belongs to one org: another org's host does not know it.
    let org = st.org_index(&session.org)?;
    (api_capable && host_org.is_none_or(|h| h == org)).then_some(session)
}
