//! The record types page's requests, answered through [`super::flow`]: the protocol's shapes in,
//! the protocol's replies out.

use super::flow::{self, SetDefault, Target};
use crate::platform::Platform;
use crate::protocol::Reply;

/// `recordTypeDefaults`: the profile of `user_id`, or `profile_id`.
pub async fn defaults<P: Platform>(
    platform: &P,
    org_url: &str,
    user_id: Option<String>,
    profile_id: Option<String>,
) -> Reply {
    let target = match (user_id, profile_id) {
        (Some(user), _) => Target::User(user),
        (None, Some(profile)) => Target::Profile(profile),
        (None, None) => {
            return Reply::Failed {
                message: "Open the record types page for a user or a profile.".to_owned(),
            }
        }
    };
    match flow::defaults(platform, org_url, &target).await {
        Ok(view) => Reply::RecordTypeDefaults(view),
        Err(error) => Reply::Failed {
            message: error.to_string(),
        },
    }
}

/// `setDefaultRecordType`: every failure is one message (and the Setup page to go on from).
pub async fn set_default<P: Platform>(platform: &P, request: &SetDefault) -> Reply {
    match flow::set_default(platform, request).await {
        Ok(object) => Reply::DefaultRecordTypeSet { object },
        Err(error) => Reply::DefaultRecordTypeNotSet {
            settings_url: error.settings_url().map(str::to_owned),
            message: error.to_string(),
        },
    }
}
