//! The one message protocol: what content scripts and extension pages ask the core, and what it
//! answers. JSON-shaped (`{"type": "...", ...}`) so the JavaScript side stays a thin pass-through.

use crate::columns::{ColumnModel, PageSnapshot, RowFilter, TogglePlan};
use crate::salesforce::{ApiErrorKind, ApiVersion, DomainKind, MyDomain, OrgId};
use crate::users::{UserBadge, UserIcon};
use serde::{Deserialize, Serialize};

/// A request to the core.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Request {
    /// A content script saw a Salesforce page load in its frame. The core takes the frame's URL
    /// from the browser's sender record, never from the page.
    PageLoaded { surface: Surface },
    /// A content script's snapshot of its page's tables. The answer names the columns that get a
    /// toggle, with both plans for each precomputed, so a toggle applies without a round trip.
    PlanColumns {
        snapshot: PageSnapshot,
        /// The admin's filter over one table's rows; other tables are unfiltered.
        #[serde(default)]
        filter: Option<RowFilter>,
    },
    /// The popup asks about the org open in a tab.
    OrgStatus {
        #[serde(rename = "tabUrl")]
        tab_url: String,
    },
    /// The popup turns Forcefield on or off for one org.
    SetOrgEnabled {
        #[serde(rename = "orgId")]
        org_id: OrgId,
        enabled: bool,
    },
    /// A content script lists the users its page links to (Ids from the links, 15 or 18
    /// characters); the core answers with the badges of the marked ones. The org is the
    /// sender frame's, as for `PageLoaded`.
    BadgeUsers {
        #[serde(rename = "userIds")]
        user_ids: Vec<String>,
    },
    /// The admin picks (or with `null`, removes) an integration user's icon.
    SetUserIcon {
        #[serde(rename = "userId")]
        user_id: String,
        icon: Option<UserIcon>,
    },
    /// "Use as profile photo": a PNG (base64) becomes the user's Salesforce profile photo.
    SetProfilePhoto {
        #[serde(rename = "userId")]
        user_id: String,
        #[serde(rename = "pngBase64")]
        png_base64: String,
    },
}

/// What kind of Salesforce page a content script is in (facts §A.3, §D.1, §D.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Surface {
    /// The Lightning Setup shell (`#auraLoadingBox`, `/lightning/setup/…`).
    LightningSetup,
    /// A Classic Setup page (`body.sfdcBody`), usually inside the shell's iframe.
    ClassicSetup,
}

/// The core's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Reply {
    /// Whether the content script should enhance its page. Carries no session data.
    PageVerdict {
        enhance: bool,
        #[serde(rename = "orgId")]
        org_id: Option<OrgId>,
    },
    ColumnPlans {
        columns: Vec<ColumnControl>,
    },
    OrgStatus(OrgStatus),
    OrgEnabled {
        #[serde(rename = "orgId")]
        org_id: OrgId,
        enabled: bool,
    },
    /// Badges for the marked users of a page. With `error`, `badges` is empty: the page shows
    /// one message and no badge rather than some badges.
    UserBadges {
        badges: Vec<UserBadge>,
        error: Option<BadgeProblem>,
    },
    UserIconSaved {
        #[serde(rename = "userId")]
        user_id: String,
        icon: Option<UserIcon>,
    },
    ProfilePhotoSet {
        #[serde(rename = "userId")]
        user_id: String,
        #[serde(rename = "photoUrl")]
        photo_url: Option<String>,
    },
    /// The request itself could not be served.
    Failed {
        message: String,
    },
}

/// Why a page's users could not be badged, in words for the admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BadgeProblem {
    pub kind: Option<ApiErrorKind>,
    pub message: String,
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
    },
}

/// One column's toggle: where it goes, its state, and what checking or clearing it changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnControl {
    pub column: ColumnModel,
    pub check_all: TogglePlan,
    pub clear_all: TogglePlan,
}
