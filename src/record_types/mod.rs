//! Default record types for a profile, above all the integration profile (issue #16 item 1):
//! Salesforce sets a default record type only on a profile, never in a permission set, and the
//! integration profile's Setup page doesn't offer it for standard objects (salesforce.md §H.Q6). The
//! Metadata API can: read the profile's `recordTypeVisibilities`, send an update naming only the
//! changed entries (§I.13), read it again to see that it took.
//!
//! * [`view`]: pure: what the page shows per object, the entries a change sends, the check
//!   after it.
//! * [`flow`]: the calls, through the host's platform: reading a profile's defaults, setting one.
//! * [`requests`]: the record types page's requests and replies.
//!
//! This is a single profile update, outside the permission set apply: nothing is journalled,
//! because one call either saves the profile's entries or saves nothing (one component, all or
//! none, §I.12), and the profile read again shows which.

pub mod flow;
pub mod requests;
pub mod view;

use crate::connection::ConnectError;
use crate::salesforce::metadata_api::{MetadataError, SaveError};
use crate::salesforce::ApiError;
use serde::{Deserialize, Serialize};
pub use view::{ObjectRecordTypes, PlanError, RecordTypeChoice, RecordTypeRow};

/// The profile whose defaults are shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileSummary {
    pub id: String,
    pub name: String,
    /// The Metadata API's name of the profile (`Admin` for System Administrator): what the
    /// calls name (salesforce.md §I.12).
    pub full_name: String,
    pub user_license: Option<String>,
    /// On the Salesforce Integration licence (salesforce.md §C.7).
    pub integration: bool,
    /// Active users with this profile: everyone a change affects.
    pub active_users: u64,
}

/// The user the page was opened for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRef {
    pub id: String,
    pub name: String,
    pub username: String,
}

/// A profile's default record types, object by object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordTypeDefaults {
    pub profile: ProfileSummary,
    pub user: Option<UserRef>,
    pub objects: Vec<ObjectRecordTypes>,
}

/// Why the defaults could not be read or a default not set. Every variant means nothing was
/// changed, except [`Self::NotApplied`], which says what the profile has instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RecordTypesError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("Open the record types page for a user or a profile.")]
    NoTarget,
    #[error("\"{0}\" is not a user or profile Id.")]
    NotAnId(String),
    #[error("This org has no user {0} (or you can't see it).")]
    NoSuchUser(String),
    #[error("This org has no profile {0} (or you can't see it).")]
    NoSuchProfile(String),
    #[error("Salesforce did not give the Metadata API name of the profile \"{0}\". Nothing was changed.")]
    NoMetadataName(String),
    #[error("Salesforce's Metadata API knows no profile named \"{0}\". Nothing was changed.")]
    NotInMetadataApi(String),
    #[error("{0} Nothing was changed.")]
    Plan(#[from] PlanError),
    #[error("The default record type of {object} changed since the page was shown (it is now {}). Nothing was changed; look again before choosing.", .now.as_deref().unwrap_or("none"))]
    Changed { object: String, now: Option<String> },
    #[error("Salesforce refused the change: {}. Nothing was changed; you can set the default on the profile's record type page in Setup.", refusal(.errors))]
    Refused {
        errors: Vec<SaveError>,
        settings_url: String,
    },
    #[error("Salesforce answered that it saved the change, but reading the profile again shows {} as the default of {object}, not {record_type}. Set it on the profile's record type page in Setup.", .now.as_deref().unwrap_or("no record type"))]
    NotApplied {
        object: String,
        record_type: String,
        now: Option<String>,
        settings_url: String,
    },
}

fn refusal(errors: &[SaveError]) -> String {
    if errors.is_empty() {
        return "it gave no reason".to_owned();
    }
    errors
        .iter()
        .map(|e| format!("{} ({})", e.message, e.status_code))
        .collect::<Vec<_>>()
        .join("; ")
}

impl RecordTypesError {
    /// The profile's record type page in Setup, where the admin can set the default by hand,
    /// when that is the way on (salesforce.md §H.Q6).
    pub fn settings_url(&self) -> Option<&str> {
        match self {
            Self::Refused { settings_url, .. } | Self::NotApplied { settings_url, .. } => {
                Some(settings_url)
            }
            _ => None,
        }
    }
}

impl From<MetadataError> for RecordTypesError {
    fn from(error: MetadataError) -> Self {
        match error {
            MetadataError::Api(e) => Self::Api(e),
            MetadataError::NoSuchProfile { full_name } => Self::NotInMetadataApi(full_name),
            // Only an update answers a SaveResult, and `flow::set_default` maps that one itself
            // (with the settings page it links); here it can only be a confused answer.
            MetadataError::NotSaved { .. } => Self::Api(ApiError::malformed(
                "a readMetadata answer",
                "a SaveResult where the profile was expected",
            )),
        }
    }
}
