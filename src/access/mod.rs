//! Access review for integration users, and "can this set be assigned?" (issue #15).
//!
//! * [`assign`]: whether a permission set can be assigned to a user, from licences, seats and
//!   `MaximumPermissions*` (salesforce.md §I.9); used by the health panel, the access review
//!   and the generator. Compiled into every core.
//! * [`grants`]: what a set grants, and a group as its members minus its muting set (§I.7).
//! * [`review`]: the review itself: every grant with its sources, the org-wide overrides, what
//!   is broad for an integration, the narrower set (page core only).
//! * [`table`]: the review filtered, sorted and exported as CSV (page core only).
//! * [`read`]: composite reads, the permission catalog, the facts of the assignment check;
//!   [`gather`]: the review's reads (page core only).
//! * [`requests`]: the requests, with one message per failure; [`answer`]: as protocol replies.

pub mod answer;
pub mod assign;
#[cfg(feature = "generator")]
pub mod gather;
#[cfg(feature = "generator")]
pub mod grants;
pub mod read;
pub mod requests;
#[cfg(feature = "generator")]
pub mod review;
#[cfg(feature = "generator")]
pub mod table;
