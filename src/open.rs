//! Forcefield's own pages opened from a Setup page: "Generate permission set" opens the generator
//! beside the content script's tab, for a user of its own frame's org or for none (the permission
//! set list); "Default record types" opens the record types page for a user, "Review access" the
//! access review. A user must be one
//! the core itself classified as an integration user of that org by license (the users both
//! pages serve, salesforce.md §C.7); the page's word is not enough. Always compiled: the
//! background worker, which runs the core without the generator's or the record types' engine,
//! answers it.

use crate::platform::{HostError, Pages, Platform};
use crate::protocol::access::{AccessReviewOpened, OpenAccessReview};
use crate::protocol::generator::{
    FrameGeneratorRequest, GeneratorOpened, GeneratorReply, OpenGenerator,
};
use crate::protocol::record_types::{
    FrameRecordTypesRequest, OpenRecordTypes, RecordTypesOpened, RecordTypesReply,
};
use crate::protocol::{Frame, ReplyTo};
use crate::users::requests::classification;
use crate::users::{BadgeLookupError, UserId};

/// Why a page was not opened (worded in [`crate::words`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenError {
    NotAUserId,
    /// The core did not classify the user as an integration user (by license) in the frame's org.
    NotAnIntegrationUser,
    /// The user could not be classified (the session, the API).
    Unclassified(BadgeLookupError),
    /// The host could not open the page (its words).
    NotOpened(HostError),
}

/// Answers a content script's record types request.
pub async fn answer_record_types<P: Platform, G: Pages>(
    platform: &P,
    pages: &G,
    frame: &Frame,
    request: FrameRecordTypesRequest,
) -> Result<RecordTypesReply, OpenError> {
    match request {
        FrameRecordTypesRequest::OpenRecordTypes(request) => {
            open_record_types(platform, pages, frame, request)
                .await
                .map(RecordTypesReply::RecordTypesOpened)
        }
    }
}

/// Answers a content script's generator request.
pub async fn answer<P: Platform, G: Pages>(
    platform: &P,
    pages: &G,
    frame: &Frame,
    request: FrameGeneratorRequest,
) -> Result<GeneratorReply, OpenError> {
    match request {
        FrameGeneratorRequest::OpenGenerator(request) => {
            open_generator(platform, pages, frame, request)
                .await
                .map(GeneratorReply::GeneratorOpened)
        }
    }
}

async fn open_generator<P: Platform, G: Pages>(
    platform: &P,
    pages: &G,
    frame: &Frame,
    request: OpenGenerator,
) -> Result<ReplyTo<OpenGenerator>, OpenError> {
    // Only a user Id is passed on (as the page linked it); the generator page reads the user
    // again through the API.
    if let Some(id) = request.user_id.as_deref() {
        integration_user(platform, frame, id).await?;
    }
    pages
        .open_generator(request.user_id.as_deref())
        .await
        .map_err(OpenError::NotOpened)?;
    Ok(GeneratorOpened {})
}

async fn open_record_types<P: Platform, G: Pages>(
    platform: &P,
    pages: &G,
    frame: &Frame,
    request: OpenRecordTypes,
) -> Result<ReplyTo<OpenRecordTypes>, OpenError> {
    // As for the generator: only the Id goes on, and the page reads the user through the API.
    integration_user(platform, frame, &request.user_id).await?;
    pages
        .open_record_types(&request.user_id)
        .await
        .map_err(OpenError::NotOpened)?;
    Ok(RecordTypesOpened {})
}

/// A content script's "Review access": the access review beside its tab, for an integration
/// user of its frame's org.
pub async fn open_access_review<P: Platform, G: Pages>(
    platform: &P,
    pages: &G,
    frame: &Frame,
    request: OpenAccessReview,
) -> Result<ReplyTo<OpenAccessReview>, OpenError> {
    // As for the generator: only the Id goes on, and the page reads the user through the API.
    integration_user(platform, frame, &request.user_id).await?;
    pages
        .open_access_review(&request.user_id)
        .await
        .map_err(OpenError::NotOpened)?;
    Ok(AccessReviewOpened {})
}

/// Whether `id` is a user the core classified as an integration user (by license) in the
/// frame's org.
async fn integration_user<P: Platform>(
    platform: &P,
    frame: &Frame,
    id: &str,
) -> Result<(), OpenError> {
    let user = UserId::parse(id).ok_or(OpenError::NotAUserId)?;
    let badge = classification(platform, frame, &user)
        .await
        .map_err(OpenError::Unclassified)?;
    if badge.is_some_and(|badge| badge.integration) {
        Ok(())
    } else {
        Err(OpenError::NotAnIntegrationUser)
    }
}
