//! The router: the core's entry points, which only route each request to the feature that
//! answers it. Features take the [`Platform`] and never import this module; only the hosts'
//! entry points (the wasm shell, native tests) call it.
//!
//! Which entry point a message reaches is the host's knowledge of who sent it: a content
//! script's message (with the browser's sender record) goes to [`answer_content`] and decodes
//! only as a [`ContentRequest`]; an extension page's or a Node host's goes to [`answer_page`].

use crate::platform::{Pages, Platform};
use crate::protocol::access::FrameAccessRequest;
use crate::protocol::{ContentRequest, Failed, Frame, PageRequest, Reply};

/// Answers a content script's message about its own `frame`.
pub async fn answer_content<P: Platform, G: Pages>(
    platform: &P,
    pages: &G,
    frame: &Frame,
    request: ContentRequest,
) -> Reply {
    let answered = match request {
        ContentRequest::Org(request) => Ok(crate::org::answer_frame(platform, frame, request)
            .await
            .into()),
        ContentRequest::Toggles(request) => crate::toggles::answer(platform, frame, request)
            .await
            .map(Reply::from)
            .map_err(worded),
        ContentRequest::Badges(request) => crate::users::requests::answer(platform, frame, request)
            .await
            .map(Reply::from)
            .map_err(worded),
        ContentRequest::Generator(request) => crate::open::answer(platform, pages, frame, request)
            .await
            .map(Reply::from)
            .map_err(worded),
        ContentRequest::RecordTypes(request) => {
            crate::open::answer_record_types(platform, pages, frame, request)
                .await
                .map(Reply::from)
                .map_err(worded)
        }
        ContentRequest::Access(FrameAccessRequest::AssignableSets(request)) => {
            crate::access::answer::answer_frame(platform, frame, request)
                .await
                .map(Reply::from)
                .map_err(worded)
        }
        ContentRequest::Access(FrameAccessRequest::OpenAccessReview(request)) => {
            crate::open::open_access_review(platform, pages, frame, request)
                .await
                .map(Reply::from)
                .map_err(worded)
        }
    };
    answered.unwrap_or_else(Reply::Failed)
}

/// Answers an extension page's (or a Node host's) request.
pub async fn answer_page<P: Platform>(platform: &P, request: PageRequest) -> Reply {
    let answered = match request {
        PageRequest::Org(request) => crate::org::answer(platform, request)
            .await
            .map(Reply::from)
            .map_err(worded),
        #[cfg(feature = "generator")]
        PageRequest::Generator(request) => crate::generator::answer(platform, request)
            .await
            .map(Reply::from)
            .map_err(worded),
        #[cfg(feature = "record-types")]
        PageRequest::RecordTypes(request) => {
            crate::record_types::requests::answer(platform, request)
                .await
                .map(Reply::from)
                .map_err(worded)
        }
        #[cfg(feature = "generator")]
        PageRequest::Access(request) => crate::access::answer::page(platform, request)
            .await
            .map_err(worded),
    };
    answered.unwrap_or_else(Reply::Failed)
}

/// A feature's typed error as the admin reads it (worded in [`crate::words`]).
fn worded(error: impl std::fmt::Display) -> Failed {
    Failed::new(error.to_string())
}
