//! "Generate permission set" on a Setup page: a content script asks to open the generator page
//! beside its tab, for a user of its own frame's org or for none (the permission set list). A
//! user must be one the core itself classified as an integration user of that org by license
//! (the users the generator serves, salesforce.md §C.7); the page's word is not enough.
//! Always compiled: the background worker, which runs the core without the generator's engine,
//! answers it.

use crate::platform::{HostError, Pages, Platform};
use crate::protocol::generator::{
    FrameGeneratorRequest, GeneratorOpened, GeneratorReply, OpenGenerator,
};
use crate::protocol::{Frame, ReplyTo};
use crate::users::requests::classification;
use crate::users::{BadgeLookupError, UserId};

/// Why the generator was not opened (worded in [`crate::words`]).
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
        let user = UserId::parse(id).ok_or(OpenError::NotAUserId)?;
        let badge = classification(platform, frame, &user)
            .await
            .map_err(OpenError::Unclassified)?;
        if !badge.is_some_and(|badge| badge.integration) {
            return Err(OpenError::NotAnIntegrationUser);
        }
    }
    pages
        .open_generator(request.user_id.as_deref())
        .await
        .map_err(OpenError::NotOpened)?;
    Ok(GeneratorOpened {})
}
