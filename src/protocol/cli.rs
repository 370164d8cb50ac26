//! The command line's messages (issue #14): what the `sf` plugin asks beyond the generator page's
//! own requests (which it sends as they are: plan, apply, resume, clean up, export). The plugin is
//! a Node host speaking for the admin logged in to the CLI, so it is a page-like sender: its
//! requests name their org by `orgUrl`, and a content script can send none of them. Everything
//! here reads; nothing writes to Salesforce.

use super::generator::LoadedSpec;
use super::Ask;
use crate::cli::users::{IntegrationUser, Verdict};
use crate::model::{LicenseChoice, PermissionSetSpec};
use serde::{Deserialize, Serialize};

super::request_enum! {
    /// The `sf` plugin's own requests.
    pub enum CliRequest {
        "integrationUsers" => IntegrationUsers(ListIntegrationUsers),
        "checkUser" => CheckUser(CheckUser),
        "readSpec" => ReadSpec(ReadSpec),
        "checkSpecNames" => CheckSpecNames(CheckSpecNames),
    }
}

/// The command line's answers (a spec read from a file is the generator's `spec`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
#[allow(
    clippy::large_enum_variant,
    reason = "one answer per call, built and encoded once; boxing buys nothing"
)]
pub enum CliReply {
    IntegrationUsers(IntegrationUsers),
    UserCheck(UserCheck),
    SpecFits(SpecFits),
    SpecRefused(SpecRefused),
}

/// Every user Forcefield marks in the org of `orgUrl` (`users list`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListIntegrationUsers {
    pub org_url: String,
}

impl Ask for ListIntegrationUsers {
    type Reply = IntegrationUsers;
}

/// The org's marked users, and how many users were read to find them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationUsers {
    pub users: Vec<IntegrationUser>,
    pub scanned: usize,
}

/// One user's health, by username or Id (`users check`, and who `--assign` names).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckUser {
    pub org_url: String,
    pub user: String,
}

impl Ask for CheckUser {
    type Reply = UserCheck;
}

/// What the core found about the user; `user` is absent when the org has no such user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCheck {
    pub verdict: Verdict,
    pub user: Option<IntegrationUser>,
}

/// A spec file from the command line (`fileName`, its `text`): the generator's JSON spec or a
/// PermissionSet XML file, read strictly, with `license` filling a file that names none. Reads
/// nothing from the org.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadSpec {
    pub file_name: String,
    pub text: String,
    #[serde(default)]
    pub license: Option<LicenseChoice>,
}

impl Ask for ReadSpec {
    type Reply = SpecOutcome<LoadedSpec>;
}

/// Whether every object and field a spec names exists in the org of `orgUrl`. The generator page
/// leaves such fields out and shows why; a file from a repository that names one is refused as a
/// whole, since nobody reads the preview in a pipeline (a typo should stop it, not grant less).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckSpecNames {
    pub org_url: String,
    pub spec: PermissionSetSpec,
}

impl Ask for CheckSpecNames {
    type Reply = SpecOutcome<SpecFits>;
}

/// Every name in the spec exists in the org.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecFits {}

/// The spec can't be used, and why, in one message: the command line's input is wrong (exit 2),
/// nothing was written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecRefused {
    pub message: String,
}

/// A spec request's answer: the spec (or that it fits), or why it is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpecOutcome<T> {
    Fits(T),
    Refused(SpecRefused),
}
