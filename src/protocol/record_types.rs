//! Default record types' messages (issue #16 item 1). A content script may only ask to open the
//! record types page beside its tab, for a user of its own frame's org; the page itself, an
//! extension page (`record-types` feature), reads a profile's defaults and sets one, naming its
//! org by `orgUrl` as the generator page does.

use super::Ask;
#[cfg(feature = "record-types")]
use crate::record_types::{ObjectRecordTypes, RecordTypeDefaults};
use serde::{Deserialize, Serialize};

super::request_enum! {
    /// A content script's record types request.
    pub enum FrameRecordTypesRequest {
        "openRecordTypes" => OpenRecordTypes(OpenRecordTypes),
    }
}

/// "Default record types" beside an integration user's name: opens the record types page
/// beside the sender's tab for that user's profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenRecordTypes {
    #[serde(rename = "userId")]
    pub user_id: String,
}

impl Ask for OpenRecordTypes {
    type Reply = RecordTypesOpened;
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordTypesOpened {}

#[cfg(feature = "record-types")]
super::request_enum! {
    /// The record types page's requests.
    pub enum RecordTypesRequest {
        "recordTypeDefaults" => RecordTypeDefaults(GetRecordTypeDefaults),
        "setDefaultRecordType" => SetDefaultRecordType(SetDefaultRecordType),
    }
}

/// The record types' answers (to the page, and `recordTypesOpened` to a content script).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum RecordTypesReply {
    RecordTypesOpened(RecordTypesOpened),
    #[cfg(feature = "record-types")]
    RecordTypeDefaults(RecordTypeDefaults),
    #[cfg(feature = "record-types")]
    DefaultRecordTypeSet(DefaultRecordTypeSet),
    #[cfg(feature = "record-types")]
    DefaultRecordTypeNotSet(DefaultRecordTypeNotSet),
}

/// A profile's default record types per object: the profile of `userId`, or `profileId`.
#[cfg(feature = "record-types")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetRecordTypeDefaults {
    pub org_url: String,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub profile_id: Option<String>,
}

#[cfg(feature = "record-types")]
impl Ask for GetRecordTypeDefaults {
    type Reply = RecordTypeDefaults;
}

/// Makes `recordType` the default of its object for the profile, after the admin confirmed;
/// `shownDefault` is the default the page showed (nothing is sent if the org has another by
/// now). The profile's fields are the ones `recordTypeDefaults` answered.
#[cfg(feature = "record-types")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetDefaultRecordType {
    pub org_url: String,
    pub profile_id: String,
    pub profile_name: String,
    pub profile_full_name: String,
    pub record_type: String,
    #[serde(default)]
    pub shown_default: Option<String>,
}

#[cfg(feature = "record-types")]
impl Ask for SetDefaultRecordType {
    type Reply = DefaultRecordTypeOutcome;
}

/// What became of a default the admin set: set and verified, or not (with why, in one message).
#[cfg(feature = "record-types")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefaultRecordTypeOutcome {
    Set(DefaultRecordTypeSet),
    NotSet(DefaultRecordTypeNotSet),
}

/// The default is set and the profile, read again, shows it.
#[cfg(feature = "record-types")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultRecordTypeSet {
    pub object: ObjectRecordTypes,
}

/// Nothing was changed (or, when Salesforce said it saved but didn't, what it has instead): one
/// message, and the profile's record type page in Setup when that is the way on.
#[cfg(feature = "record-types")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DefaultRecordTypeNotSet {
    pub message: String,
    pub settings_url: Option<String>,
}
