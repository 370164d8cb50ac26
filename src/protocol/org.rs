//! The org feature's messages: whether a content script's page is enhanced, the popup's view of
//! the org in a tab, and the per-org switch.

use super::Ask;
use crate::salesforce::{ApiErrorKind, ApiVersion, DomainKind, MyDomain, OrgId};
use crate::storage::SetAside;
use serde::{Deserialize, Serialize};

super::request_enum! {
    /// A content script's question about its own frame. It names no org and no URL: the core
    /// takes the frame from the browser's sender record.
    pub enum FrameOrgRequest {
        "pageLoaded" => PageLoaded(PageLoaded),
    }
}

super::request_enum! {
    /// An extension page's requests about the org of a tab it names.
    pub enum OrgRequest {
        "orgStatus" => OrgStatus(GetOrgStatus),
        "setOrgEnabled" => SetOrgEnabled(SetOrgEnabled),
        "forgetUnreadable" => ForgetUnreadable(ForgetUnreadable),
    }
}

/// The org feature's answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum OrgReply {
    PageVerdict(PageVerdict),
    OrgStatus(OrgStatus),
    OrgEnabled(OrgEnabled),
    Forgotten(UnreadableForgotten),
}

/// A content script saw a Salesforce page load in its frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageLoaded {
    pub surface: Surface,
}

impl Ask for PageLoaded {
    type Reply = PageVerdict;
}

/// What kind of Salesforce page a content script is in (salesforce.md §A.3, §D.1, §D.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Surface {
    /// The Lightning Setup shell (`#auraLoadingBox`, `/lightning/setup/…`).
    LightningSetup,
    /// A Classic Setup page (`body.sfdcBody`), usually inside the shell's iframe.
    ClassicSetup,
}

/// Whether the content script should enhance its page. Carries no session data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageVerdict {
    pub enhance: bool,
    #[serde(rename = "orgId")]
    pub org_id: Option<OrgId>,
}

/// The popup asks about the org open in a tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetOrgStatus {
    #[serde(rename = "tabUrl")]
    pub tab_url: String,
}

impl Ask for GetOrgStatus {
    type Reply = OrgStatus;
}

/// What the popup shows about a tab's org.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum OrgStatus {
    /// The tab is not on a Salesforce org Forcefield can use; `reason` says why in plain words.
    Unavailable {
        reason: String,
        #[serde(rename = "errorKind")]
        error_kind: Option<ApiErrorKind>,
        #[serde(rename = "orgId")]
        org_id: Option<OrgId>,
    },
    #[serde(rename_all = "camelCase")]
    Connected {
        org_id: OrgId,
        org_name: String,
        my_domain: Option<MyDomain>,
        api_host: String,
        kind: DomainKind,
        api_version: ApiVersion,
        user_name: String,
        username: String,
        enabled: bool,
        /// Why Forcefield is off here although the admin did not switch it off: its settings
        /// could not be read (unreadable settings never turn it on).
        #[serde(default)]
        settings_problem: Option<String>,
        /// This org's stored values that could not be read, kept aside (settings, icons).
        #[serde(default)]
        set_aside: Vec<SetAside>,
    },
}

/// The popup turns Forcefield on or off for one org.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetOrgEnabled {
    #[serde(rename = "orgId")]
    pub org_id: OrgId,
    pub enabled: bool,
}

impl Ask for SetOrgEnabled {
    type Reply = OrgEnabled;
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgEnabled {
    #[serde(rename = "orgId")]
    pub org_id: OrgId,
    pub enabled: bool,
}

/// The admin forgets the unreadable values kept aside for a storage key (settings, icons,
/// templates): the popup's or the generator page's "Forget it" (extension pages only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForgetUnreadable {
    pub key: String,
}

impl Ask for ForgetUnreadable {
    type Reply = UnreadableForgotten;
}

/// The unreadable values kept aside for `key` are gone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadableForgotten {
    pub key: String,
}
