//! One-click permission sets for integration users (issue #6): the generator's requests, from
//! the org's describe to a resumable, all-or-nothing apply.
//!
//! * [`names`]: label and API name, checked against Salesforce's Name rules (facts §C.1).
//! * [`eligibility`]: which fields can be granted, read only or not at all, and why (§C.3, §C.4).
//! * [`plan`]: spec + the org's current state → the difference → ordered write batches.
//! * [`apply`]: the journal-driven apply, one write per step, rollback and finish-clean-up.
//! * [`metadata`]: Metadata API PermissionSet XML export and import (§E, §H.Q4).
//! * [`handler`]: the generator's requests, served for [`crate::service`].
//! * [`view`]: the JSON shapes the generator page is shown.

pub mod apply;
pub mod curated;
pub mod eligibility;
pub mod handler;
pub mod metadata;
pub mod names;
pub mod org;
pub mod plan;
pub mod stored;
pub mod user;
pub mod view;

pub use handler::handle;
