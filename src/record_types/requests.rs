//! The record types page's requests ([`RecordTypesRequest`]), answered through [`super::flow`].

use super::flow::{self, SetDefault, Target};
use super::RecordTypesError;
use crate::platform::Platform;
use crate::protocol::record_types::{
    DefaultRecordTypeNotSet, DefaultRecordTypeOutcome, DefaultRecordTypeSet, GetRecordTypeDefaults,
    RecordTypesReply, RecordTypesRequest, SetDefaultRecordType,
};
use crate::protocol::ReplyTo;

/// Answers the record types page.
pub async fn answer<P: Platform>(
    platform: &P,
    request: RecordTypesRequest,
) -> Result<RecordTypesReply, RecordTypesError> {
    Ok(match request {
        RecordTypesRequest::RecordTypeDefaults(request) => {
            RecordTypesReply::RecordTypeDefaults(defaults(platform, request).await?)
        }
        RecordTypesRequest::SetDefaultRecordType(request) => {
            match set_default(platform, request).await {
                DefaultRecordTypeOutcome::Set(set) => RecordTypesReply::DefaultRecordTypeSet(set),
                DefaultRecordTypeOutcome::NotSet(not_set) => {
                    RecordTypesReply::DefaultRecordTypeNotSet(not_set)
                }
            }
        }
    })
}

/// `recordTypeDefaults`: the profile of `user_id`, or `profile_id`.
async fn defaults<P: Platform>(
    platform: &P,
    request: GetRecordTypeDefaults,
) -> Result<ReplyTo<GetRecordTypeDefaults>, RecordTypesError> {
    let target = match (request.user_id, request.profile_id) {
        (Some(user), _) => Target::User(user),
        (None, Some(profile)) => Target::Profile(profile),
        (None, None) => return Err(RecordTypesError::NoTarget),
    };
    flow::defaults(platform, &request.org_url, &target).await
}

/// `setDefaultRecordType`: every failure is one message (and the Setup page to go on from).
async fn set_default<P: Platform>(
    platform: &P,
    request: SetDefaultRecordType,
) -> ReplyTo<SetDefaultRecordType> {
    let request = SetDefault {
        org_url: request.org_url,
        profile_id: request.profile_id,
        profile_name: request.profile_name,
        profile_full_name: request.profile_full_name,
        record_type: request.record_type,
        shown_default: request.shown_default,
    };
    match flow::set_default(platform, &request).await {
        Ok(object) => DefaultRecordTypeOutcome::Set(DefaultRecordTypeSet { object }),
        Err(error) => DefaultRecordTypeOutcome::NotSet(DefaultRecordTypeNotSet {
            settings_url: error.settings_url().map(str::to_owned),
            message: error.to_string(),
        }),
    }
}
