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
    JournalNotStarted(journal_store::JournalError),
    /// The org's stored journals could not be read to start an apply: nothing was written.
    ApplyNotStarted(journal_store::JournalError),
    /// The apply's journal could not be read (the journal's words).
    Journal(journal_store::JournalError),
    /// The journal could not be saved after a step.
    JournalNotSaved(journal_store::JournalError),
    /// An earlier apply of the same set in this org is not finished: nothing was written.
    ApplyUnfinished {
        set_name: String,
        apply_id: String,
    },
    /// The page's apply Id is not letters, digits, `-` and `_` (at most 64).
    NotAnApplyId,
    /// Every apply Id tried is already recorded.
    ApplyIdTaken,
    /// An unreadable journal's one decision is "keep" (marked handled).
    UnreadableJournalIsOnlyMarked,
    /// The admin's decision about an attention item can't be taken.
    Choice(machine::ChoiceError),
    /// A union needs two sources or more.
    UnionNeedsTwoSources,
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
