//! One-click permission sets for integration users (issue #6): the generator's requests, from
//! the org's describe to a resumable, all-or-nothing apply.
//!
//! * [`names`]: label and API name, checked against Salesforce's Name rules (salesforce.md §C.1).
//! * [`eligibility`]: which fields can be granted, read only or not at all, and why (§C.3, §C.4).
//! * [`plan`]: spec + the org's current state → the difference → ordered write batches of
//!   typed [`records`].
//! * [`machine`]: the apply as a sans-IO state machine over its [`journal`] (write-ahead,
//!   look-ups after lost answers, ownership proofs, an undo of what is still its own);
//!   [`apply`] drives it one round per request; [`journal_store`] keeps journals versioned
//!   ([`journal_v0`] migrates the first release's).
//! * [`metadata`]: Metadata API PermissionSet XML export and import (§E, §H.Q4).
//! * [`handler`]: the generator's requests, through the host's [`crate::platform::Platform`].
//! * [`templates`]: saved specs, versioned in extension storage.
//! * [`sources`]: a profile's system permissions within the licence; the union of several
//!   permission sets or profiles as one starting point.
//! * [`view`]: the JSON shapes the generator page is shown.

#[cfg(feature = "generator")]
pub mod apply;
#[cfg(feature = "generator")]
pub mod apply_requests;
#[cfg(feature = "generator")]
pub mod curated;
#[cfg(feature = "generator")]
pub mod eligibility;
#[cfg(feature = "generator")]
pub mod handler;
#[cfg(feature = "generator")]
pub mod journal;
#[cfg(feature = "generator")]
pub mod journal_store;
#[cfg(feature = "generator")]
pub mod journal_v0;
#[cfg(feature = "generator")]
pub mod machine;
#[cfg(feature = "generator")]
pub mod metadata;
#[cfg(feature = "generator")]
pub mod names;
#[cfg(feature = "generator")]
pub mod org;
#[cfg(feature = "generator")]
pub mod plan;
#[cfg(feature = "generator")]
pub mod records;
#[cfg(feature = "generator")]
pub mod sources;
#[cfg(feature = "generator")]
pub mod stored;
#[cfg(feature = "generator")]
pub mod templates;
#[cfg(feature = "generator")]
pub mod user;
pub mod view;

#[cfg(feature = "generator")]
pub use handler::handle;

/// The `storage.local` key of the saved templates.
pub const TEMPLATES_KEY: &str = "generatorTemplates";

/// Without the generator engine, its requests are answered plainly.
#[cfg(not(feature = "generator"))]
pub async fn handle<P: crate::platform::Platform>(
    _platform: &P,
    _request: crate::protocol::Request,
) -> crate::protocol::Reply {
    crate::protocol::Reply::Failed {
        message: "This part of Forcefield doesn't include the permission set generator: open the generator page.".to_owned(),
    }
}
