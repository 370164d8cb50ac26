//! Integration-user badges: who on a Setup page is an integration user, why, and what in their
//! setup is silently wrong — decided from one SOQL query's rows (salesforce.md §C.5–§C.7, §H.Q4, §H.Q5).
//!
//! * [`record`]: the query (chunked Id lists) and the rows it returns.
//! * [`classify`]: one row → a [`UserBadge`] (pure).
//! * [`fetch`]: cached lookups in `storage.session` (one query per page, none on a revisit).
//! * [`icons`]: the admin's custom icon per integration user (`storage.local`).
//! * [`photo`]: "Use as profile photo" through the Connect REST user photo resource.
//! * [`requests`]: the protocol's badge requests, served for the core's handler.

pub mod classify;
pub mod fetch;
pub mod icons;
pub mod photo;
pub mod record;
pub mod requests;

pub use classify::{classify, BadgeKind, HealthWarning, UserBadge, WarningCode};
pub use fetch::{badges_for, BadgeCache, Lookup, CACHE_TTL_MS};
pub use icons::{IconKind, UserIcon};
pub use record::{UserId, UserRecord};
pub use requests::{BadgeError, BadgeLookupError};
