//! Talking to a Salesforce org: hosts, sessions, the REST client and its errors.

pub mod client;
pub mod error;
pub mod host;
pub mod session;
pub mod version;

pub use client::{discover_version, form_encode, Client, Organization, UserInfo};
pub use error::{ApiError, ApiErrorKind};
pub use host::{DomainKind, MyDomain, SalesforceHost};
pub use session::{
    find_session, org_of_page, CookieJar, CookieSessions, CookieStoreError, OrgId, Session,
    SessionError, SidCookie,
};
pub use version::ApiVersion;
