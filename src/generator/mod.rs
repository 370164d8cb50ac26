//! One-click permission sets for integration users (issue #6): the generator's requests, from
//! the org's describe to a resumable, all-or-nothing apply.
//!
//! * [`names`]: label and API name, checked against Salesforce's Name rules (salesforce.md §C.1).
//! * [`eligibility`]: which fields can be granted, read only or not at all, and why (§C.3, §C.4).
//! * [`plan`]: spec + the org's current state → the difference → ordered write batches.
//! * [`apply`]: the journal-driven apply, one write per step, rollback and finish-clean-up.
//! * [`metadata`]: Metadata API PermissionSet XML export and import (§E, §H.Q4).
//! * [`handler`]: the generator's requests, through the host's [`crate::platform::Platform`].
//! * [`templates`]: saved specs, versioned in extension storage.
//! * [`view`]: the JSON shapes the generator page is shown.

#[cfg(feature = "generator")]
// Indexes a stored journal's steps (issue #11, finding 2); the sans-IO apply (issue #10) replaces it.
#[allow(clippy::indexing_slicing)]
pub mod apply;
#[cfg(feature = "generator")]
pub mod curated;
#[cfg(feature = "generator")]
pub mod eligibility;
#[cfg(feature = "generator")]
pub mod handler;
#[cfg(feature = "generator")]
pub mod metadata;
#[cfg(feature = "generator")]
pub mod names;
#[cfg(feature = "generator")]
pub mod org;
#[cfg(feature = "generator")]
// `is_single` indexes a journal's steps; the sans-IO apply (issue #10) replaces it.
#[allow(clippy::indexing_slicing)]
pub mod plan;
#[cfg(feature = "generator")]
pub mod stored;
#[cfg(feature = "generator")]
pub mod templates;
#[cfg(feature = "generator")]
pub mod user;
pub mod view;

#[cfg(feature = "generator")]
pub use handler::answer;

/// The `storage.local` key of the saved templates.
pub const TEMPLATES_KEY: &str = "generatorTemplates";

/// What can go wrong answering the generator page (worded in [`crate::words`]).
#[cfg(feature = "generator")]
#[derive(Debug)]
pub enum GeneratorError {
    Connect(crate::connection::ConnectError),
    Session(crate::salesforce::SessionError),
    Api(crate::salesforce::ApiError),
    NotAnObjectName(String),
    TemplateNeedsName,
    NoSuchTemplate(String),
    /// The saved templates can't be read or saved (the storage's words).
    Templates(templates::TemplatesError),
    NoSuchAccessSource,
    NoSuchPermissionSet,
    NoSuchUser,
    Xml(metadata::ImportError),
    /// The plan has blockers (each a sentence of the plan); nothing was written.
    Blocked(Vec<String>),
    NeedsProductionConfirmation {
        org_name: String,
    },
    /// The journal of a new apply could not be saved: nothing was written.
    JournalNotStarted(String),
    /// The apply's journal could not be read (the journal's words).
    Journal(String),
    /// The journal could not be saved after a step.
    JournalNotSaved(String),
    NewUser(user::NewUserError),
}

#[cfg(feature = "generator")]
impl From<crate::salesforce::ApiError> for GeneratorError {
    fn from(e: crate::salesforce::ApiError) -> Self {
        Self::Api(e)
    }
}

#[cfg(feature = "generator")]
impl From<crate::connection::ConnectError> for GeneratorError {
    fn from(e: crate::connection::ConnectError) -> Self {
        Self::Connect(e)
    }
}
