//! Talking to a Salesforce org: hosts, sessions, the REST client and its errors, and the
//! Metadata API's SOAP calls for profiles (`record-types` feature).

pub mod client;
pub mod error;
pub mod host;
#[cfg(feature = "record-types")]
pub mod metadata_api;
pub mod session;
pub mod soql;
pub mod version;

pub use client::{
    discover_version, form_encode, Client, Organization, UserInfo, MAX_QUERY_PAGES,
    MAX_RESPONSE_BYTES,
};
pub use error::{ApiError, ApiErrorKind};
pub use host::{DomainKind, MyDomain, SalesforceHost};
pub use session::{
    find_session, org_of_page, CookieJar, CookieSessions, CookieStoreError, OrgId, Session,
    SessionError, SidCookie,
};
pub use version::ApiVersion;
