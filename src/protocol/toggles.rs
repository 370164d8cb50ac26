//! The bulk toggles' messages: a page's table snapshot in, its controls out; the permission sets
//! and profiles of the frame's org to copy access from; and one source's access to the page's
//! object as box states. Content scripts send them; the org is always the sender frame's.

use super::Ask;
use crate::columns::copy::{CopyMode, CopyPlan};
use crate::columns::{PageControls, PageSnapshot, RowFilter};
use serde::{Deserialize, Serialize};

super::request_enum! {
    /// A content script's bulk-toggle requests.
    pub enum TogglesRequest {
        "planColumns" => PlanColumns(PlanColumns),
        "accessSources" => AccessSources(ListAccessSources),
        "copyAccess" => CopyAccess(CopyAccess),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum TogglesReply {
    ColumnPlans(PageControls),
    AccessSources(AccessSources),
    AccessCopy(AccessCopy),
}

/// A content script's snapshot of its page's tables. The answer names the columns that get a
/// toggle and each box's dependency closure, so toggles, pastes and copies run on the page
/// without a round trip (pure: no API call, no storage).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanColumns {
    pub snapshot: PageSnapshot,
    /// The admin's filter over one table's rows, for the initial header states.
    #[serde(default)]
    pub filter: Option<RowFilter>,
}

impl Ask for PlanColumns {
    type Reply = PageControls;
}

/// The permission sets and profiles to copy access from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListAccessSources {}

impl Ask for ListAccessSources {
    type Reply = AccessSources;
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessSources {
    pub sources: Vec<SourceOption>,
}

/// Where access is copied from: `{"permissionSetId": "0PS…"}` or `{"profileId": "00e…"}` (a
/// profile's access lives on its own permission set, salesforce.md §C.1). Read through
/// [`SourceWire`] rather than as an untagged enum, which would buffer the message first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, try_from = "SourceWire")]
pub enum SourceRef {
    PermissionSet {
        #[serde(rename = "permissionSetId")]
        permission_set_id: String,
    },
    Profile {
        #[serde(rename = "profileId")]
        profile_id: String,
    },
}

/// [`SourceRef`] as it arrives: one of the two keys.
#[derive(Debug, Deserialize)]
pub struct SourceWire {
    #[serde(rename = "permissionSetId", default)]
    permission_set_id: Option<String>,
    #[serde(rename = "profileId", default)]
    profile_id: Option<String>,
}

impl TryFrom<SourceWire> for SourceRef {
    type Error = &'static str;
    fn try_from(wire: SourceWire) -> Result<Self, Self::Error> {
        match (wire.permission_set_id, wire.profile_id) {
            (Some(permission_set_id), None) => Ok(Self::PermissionSet { permission_set_id }),
            (None, Some(profile_id)) => Ok(Self::Profile { profile_id }),
            _ => Err("a source is a permissionSetId or a profileId"),
        }
    }
}

/// One permission set or profile the admin can copy from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceOption {
    pub source: SourceRef,
    /// The permission set's label or the profile's name, shown as text.
    pub label: String,
}

/// One source's object and field permissions for the page's object, as the page's box states.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyAccess {
    pub source: SourceRef,
    pub mode: CopyMode,
    pub snapshot: PageSnapshot,
}

impl Ask for CopyAccess {
    type Reply = AccessCopy;
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessCopy {
    pub plan: CopyPlan,
}
