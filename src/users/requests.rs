//! The badges' requests ([`BadgesRequest`]), always about the org of the content script's own
//! frame, served through the host's [`Platform`].

use super::{icons, photo, Lookup, UserId};
use crate::connection::{connect, connect_quickly, ConnectError};
use crate::platform::{Clock, Platform, SessionSource};
use crate::protocol::badges::{
    BadgeProblem, BadgeUsers, BadgesReply, BadgesRequest, ProfilePhotoSet, SetProfilePhoto,
    SetUserIcon, UserBadges, UserIconSaved,
};
use crate::protocol::{Failed, Frame, ReplyTo};
use crate::salesforce::{ApiError, ApiErrorKind};

/// Answers one badge request from the content script in `frame`.
pub async fn answer<P: Platform>(
    platform: &P,
    frame: &Frame,
    request: BadgesRequest,
) -> Result<BadgesReply, Failed> {
    Ok(match request {
        BadgesRequest::BadgeUsers(request) => {
            BadgesReply::UserBadges(user_badges(platform, frame, request).await)
        }
        BadgesRequest::SetUserIcon(request) => {
            BadgesReply::UserIconSaved(set_user_icon(platform, frame, request).await?)
        }
        BadgesRequest::SetProfilePhoto(request) => {
            BadgesReply::ProfilePhotoSet(set_profile_photo(platform, frame, request).await?)
        }
    })
}

/// Badges for a page's users: from the cache when fresh, else one query per 200 users through
/// the session of the frame's org. Any failure gives one message and no badge.
pub async fn user_badges<P: Platform>(
    platform: &P,
    frame: &Frame,
    request: BadgeUsers,
) -> ReplyTo<BadgeUsers> {
    let problem = |kind, message: String| UserBadges {
        badges: Vec::new(),
        error: Some(BadgeProblem { kind, message }),
    };
    let org_id = match platform.sessions().org_of(&frame.url).await {
        Ok(org) => org,
        Err(e) => return problem(None, e.to_string()),
    };
    let store = platform.storage();
    let now = platform.clock().now_ms();
    let mut lookup = Lookup::start(store, &org_id, &request.user_ids, now).await;
    if lookup.needs_api() {
        let fetched = async {
            // Every field of the badge query exists in the oldest version Forcefield supports:
            // when the org's version isn't known yet, ask at that one instead of spending a round
            // trip on discovery first. Only if the org no longer serves it (a retired version
            // answers 404) is the version discovered.
            let mut connection = connect_quickly(platform, &frame.url)
                .await
                .map_err(connect_failure)?;
            match lookup.fetch(&connection.client(), store).await {
                Err(e) if !connection.version_known && e.kind == ApiErrorKind::NotFound => {
                    connection
                        .learn_version(store)
                        .await
                        .map_err(badge_failure)?;
                    lookup
                        .fetch(&connection.client(), store)
                        .await
                        .map_err(badge_failure)
                }
                other => other.map_err(badge_failure),
            }
        };
        if let Err((kind, message)) = fetched.await {
            return problem(kind, message);
        }
    }
    UserBadges {
        badges: lookup.badges(store).await,
        error: None,
    }
}

fn connect_failure(e: ConnectError) -> (Option<ApiErrorKind>, String) {
    match e {
        ConnectError::Session(e) => (None, e.to_string()),
        ConnectError::Api(e) => badge_failure(e),
    }
}

fn badge_failure(e: ApiError) -> (Option<ApiErrorKind>, String) {
    let message = match e.kind {
        ApiErrorKind::SessionExpired => "Your Salesforce session has expired, so Forcefield can't mark integration users on this page. Log in again, then reload the page.".to_owned(),
        _ => format!("Forcefield could not mark integration users on this page: {e}"),
    };
    (Some(e.kind), message)
}

async fn set_user_icon<P: Platform>(
    platform: &P,
    frame: &Frame,
    request: SetUserIcon,
) -> Result<ReplyTo<SetUserIcon>, Failed> {
    let SetUserIcon { user_id, icon } = request;
    let user = UserId::parse(&user_id).ok_or_else(|| Failed::new("That is not a user Id."))?;
    let org_id = platform
        .sessions()
        .org_of(&frame.url)
        .await
        .map_err(|e| Failed::new(e.to_string()))?;
    icons::save(platform.storage(), &org_id, &user, icon.clone())
        .await
        .map_err(|e| Failed::new(format!("The icon was not saved: {e}")))?;
    Ok(UserIconSaved { user_id, icon })
}

async fn set_profile_photo<P: Platform>(
    platform: &P,
    frame: &Frame,
    request: SetProfilePhoto,
) -> Result<ReplyTo<SetProfilePhoto>, Failed> {
    let SetProfilePhoto {
        user_id,
        png_base64,
    } = request;
    let user = UserId::parse(&user_id).ok_or_else(|| Failed::new("That is not a user Id."))?;
    photo::validate_png(&png_base64).map_err(Failed::new)?;
    let connection = connect(platform, &frame.url).await.map_err(|e| match e {
        ConnectError::Session(e) => Failed::new(e.to_string()),
        ConnectError::Api(e) => Failed::new(format!("The profile photo was not changed: {e}")),
    })?;
    let photo = photo::set_profile_photo(&connection.client(), &user, &png_base64)
        .await
        .map_err(|e| Failed::new(format!("The profile photo was not changed: {e}")))?;
    Ok(ProfilePhotoSet {
        user_id,
        photo_url: photo.small_photo_url,
    })
}
