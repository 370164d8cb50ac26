//! "Generate permission set" on a Setup page: a content script asks to open the generator page
//! beside its tab, for a user of its own frame's org or for none (the permission set list).
//! Always compiled: the background worker, which runs the core without the generator's engine,
//! answers it.

use crate::platform::{Pages, Platform};
use crate::protocol::generator::{
    FrameGeneratorRequest, GeneratorOpened, GeneratorReply, OpenGenerator,
};
use crate::protocol::{Failed, Frame, ReplyTo};
use crate::users::UserId;

/// Answers a content script's generator request.
pub async fn answer<P: Platform, G: Pages>(
    platform: &P,
    pages: &G,
    frame: &Frame,
    request: FrameGeneratorRequest,
) -> Result<GeneratorReply, Failed> {
    match request {
        FrameGeneratorRequest::OpenGenerator(request) => {
            open_generator(platform, pages, frame, request)
                .await
                .map(GeneratorReply::GeneratorOpened)
        }
    }
}

async fn open_generator<P: Platform, G: Pages>(
    _platform: &P,
    pages: &G,
    _frame: &Frame,
    request: OpenGenerator,
) -> Result<ReplyTo<OpenGenerator>, Failed> {
    // Only a user Id is passed on (as the page linked it); the generator page reads the user
    // again through the API.
    if let Some(id) = request.user_id.as_deref() {
        UserId::parse(id).ok_or_else(|| Failed::new("That is not a user Id."))?;
    }
    pages
        .open_generator(request.user_id.as_deref())
        .await
        .map_err(|e| Failed::new(format!("The generator could not be opened: {e}")))?;
    Ok(GeneratorOpened {})
}
