//! The access review's messages (issue #15). A content script may ask which permission sets can
//! be assigned to a user of its own frame's org (the health panel) and to open the access review
//! beside its tab, for a user the core classified as an integration user; the review page and the
//! generator page (extension pages, `generator` feature) name their org by `orgUrl`. All reads:
//! nothing here writes to Salesforce.

use super::Ask;
pub use crate::access::requests::AssignableSets;
#[cfg(feature = "generator")]
use crate::access::{
    requests::SpecAssignment,
    review::AccessReview,
    table::{TableQuery, TableView},
};
#[cfg(feature = "generator")]
use crate::model::PermissionSetSpec;
use serde::{Deserialize, Serialize};

super::request_enum! {
    /// A content script's access requests, about a user of its own frame's org.
    pub enum FrameAccessRequest {
        "assignableSets" => AssignableSets(GetAssignableSets),
        "openAccessReview" => OpenAccessReview(OpenAccessReview),
    }
}

/// The health panel: which permission sets of the sender frame's org can be assigned to this
/// integration user, and what blocks the others.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetAssignableSets {
    #[serde(rename = "userId")]
    pub user_id: String,
}

impl Ask for GetAssignableSets {
    type Reply = AssignableSets;
}

/// "Review access" beside an integration user: opens the access review beside the sender's tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAccessReview {
    #[serde(rename = "userId")]
    pub user_id: String,
}

impl Ask for OpenAccessReview {
    type Reply = AccessReviewOpened;
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessReviewOpened {}

#[cfg(feature = "generator")]
super::request_enum! {
    /// The access review page's and the generator page's access requests.
    pub enum AccessRequest {
        "checkAssignableSets" => CheckAssignableSets(CheckAssignableSets),
        "accessReview" => AccessReview(GetAccessReview),
        "accessTable" => AccessTable(GetAccessTable),
        "accessCsv" => AccessCsv(GetAccessCsv),
        "narrowerSpec" => NarrowerSpec(GetNarrowerSpec),
        "checkSpecAssignment" => CheckSpecAssignment(CheckSpecAssignment),
    }
}

/// The access feature's answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
#[allow(
    clippy::large_enum_variant,
    reason = "one answer per call, built and encoded once; boxing buys nothing"
)]
pub enum AccessReply {
    AccessReviewOpened(AccessReviewOpened),
    AssignableSets(AssignableSets),
    #[cfg(feature = "generator")]
    AccessReview(ReviewedAccess),
    #[cfg(feature = "generator")]
    AccessTable(TableView),
    #[cfg(feature = "generator")]
    AccessCsv(AccessCsvFile),
    #[cfg(feature = "generator")]
    SpecAssignment(SpecAssignment),
}

/// `assignableSets` from an extension page (the access review), for the org of `orgUrl`.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckAssignableSets {
    pub org_url: String,
    pub user_id: String,
}

#[cfg(feature = "generator")]
impl Ask for CheckAssignableSets {
    type Reply = AssignableSets;
}

/// The access review of an integration user.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetAccessReview {
    pub org_url: String,
    pub user_id: String,
}

#[cfg(feature = "generator")]
impl Ask for GetAccessReview {
    type Reply = ReviewedAccess;
}

/// The review, and the API calls it took.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewedAccess {
    pub review: Box<AccessReview>,
    pub api_calls: usize,
}

/// The review as the page shows it: filtered and sorted (no API call).
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetAccessTable {
    pub review: Box<AccessReview>,
    #[serde(default)]
    pub query: TableQuery,
}

#[cfg(feature = "generator")]
impl Ask for GetAccessTable {
    type Reply = TableView;
}

/// The review as CSV, filtered as shown (no API call).
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetAccessCsv {
    pub review: Box<AccessReview>,
    #[serde(default)]
    pub query: TableQuery,
}

#[cfg(feature = "generator")]
impl Ask for GetAccessCsv {
    type Reply = AccessCsvFile;
}

/// A CSV file to save.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessCsvFile {
    pub file_name: String,
    pub csv: String,
}

/// "Generate a narrower set": today's access minus the flagged grants, as a generator spec;
/// answered with the generator's `spec` (its `warnings` list each grant left out).
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetNarrowerSpec {
    pub org_url: String,
    pub user_id: String,
}

#[cfg(feature = "generator")]
impl Ask for GetNarrowerSpec {
    type Reply = super::generator::LoadedSpec;
}

/// The generator, before it applies: can the set it is about to create be assigned?
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckSpecAssignment {
    pub org_url: String,
    pub spec: PermissionSetSpec,
    #[serde(default)]
    pub assignee_id: Option<String>,
}

#[cfg(feature = "generator")]
impl Ask for CheckSpecAssignment {
    type Reply = SpecAssignment;
}
