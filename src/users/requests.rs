//! The badges' requests ([`BadgesRequest`]), always about the org of the content script's own
//! frame, served through the host's [`Platform`]. A write that needs a person (an icon, the
//! profile photo) is taken only for a user the core itself classified as an integration user in
//! that org ([`classification`]), never on the page's word.

use super::icons::{IconError, SaveIconError};
use super::photo::PngError;
use super::{icons, photo, Lookup, UserId};
use crate::connection::{connect, connect_quickly, ConnectError};
use crate::platform::{Clock, Platform, SessionSource};
use crate::protocol::badges::{
    BadgeProblem, BadgeUsers, BadgesReply, BadgesRequest, ProfilePhotoSet, SetProfilePhoto,
    SetUserIcon, UserBadges, UserIconSaved,
};
use crate::protocol::{Frame, ReplyTo};
use crate::salesforce::{ApiError, ApiErrorKind, SessionError};
use crate::storage::StoreError;

/// What can go wrong answering a badge request (worded in [`crate::words`]).
#[derive(Debug)]
pub enum BadgeError {
    NotAUserId,
    /// The core did not classify the user as an integration user in the frame's org.
    NotAnIntegrationUser,
    /// The user could not be classified (the session, the API).
    Unclassified(BadgeLookupError),
    Session(SessionError),
    Icon(IconError),
    IconNotSaved(StoreError),
    Png(PngError),
    PhotoNotSet(ApiError),
}

/// Why a page's users could not be badged (worded in [`crate::words`]); the page shows it
/// instead of any badge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadgeLookupError {
    Session(SessionError),
    Api(ApiError),
}

impl BadgeLookupError {
    fn problem(&self) -> BadgeProblem {
        BadgeProblem {
            kind: match self {
                Self::Session(_) => None,
                Self::Api(e) => Some(e.kind),
            },
            message: self.to_string(),
        }
    }
}

impl From<ConnectError> for BadgeLookupError {
    fn from(e: ConnectError) -> Self {
        match e {
            ConnectError::Session(e) => Self::Session(e),
            ConnectError::Api(e) => Self::Api(e),
        }
    }
}

/// Answers one badge request from the content script in `frame`.
pub async fn answer<P: Platform>(
    platform: &P,
    frame: &Frame,
    request: BadgesRequest,
) -> Result<BadgesReply, BadgeError> {
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
    match lookup_badges(platform, frame, &request.user_ids).await {
        Ok(badges) => UserBadges {
            badges,
            error: None,
        },
        Err(e) => UserBadges {
            badges: Vec::new(),
            error: Some(e.problem()),
        },
    }
}

/// The core's own verdict on one user of the frame's org: their badge when they are an
/// integration user (by license, API Only User or the API Integration PSL, salesforce.md §C.6,
/// §C.7), `None` when they are not (or are no user of that org). From the badge cache when
/// fresh, else one query.
pub async fn classification<P: Platform>(
    platform: &P,
    frame: &Frame,
    user: &UserId,
) -> Result<Option<super::UserBadge>, BadgeLookupError> {
    let badges = lookup_badges(platform, frame, &[user.as_str().to_owned()]).await?;
    Ok(badges.into_iter().next())
}

async fn lookup_badges<P: Platform>(
    platform: &P,
    frame: &Frame,
    user_ids: &[String],
) -> Result<Vec<super::UserBadge>, BadgeLookupError> {
    let org_id = platform
        .sessions()
        .org_of(&frame.url)
        .await
        .map_err(BadgeLookupError::Session)?;
    let store = platform.storage();
    let now = platform.clock().now_ms();
    let mut lookup = Lookup::start(store, &org_id, user_ids, now).await;
    if lookup.needs_api() {
        // Every field of the badge query exists in the oldest version Forcefield supports: when
        // the org's version isn't known yet, ask at that one instead of spending a round trip on
        // discovery first. Only if the org no longer serves it (a retired version answers 404)
        // is the version discovered.
        let mut connection = connect_quickly(platform, &frame.url).await?;
        match lookup.fetch(&connection.client(), store).await {
            Err(e) if !connection.version_known && e.kind == ApiErrorKind::NotFound => {
                connection
                    .learn_version(store)
                    .await
                    .map_err(BadgeLookupError::Api)?;
                lookup
                    .fetch(&connection.client(), store)
                    .await
                    .map_err(BadgeLookupError::Api)?;
            }
            other => other.map_err(BadgeLookupError::Api)?,
        }
    }
    Ok(lookup.badges(store).await)
}

async fn set_user_icon<P: Platform>(
    platform: &P,
    frame: &Frame,
    request: SetUserIcon,
) -> Result<ReplyTo<SetUserIcon>, BadgeError> {
    let SetUserIcon { user_id, icon } = request;
    let user = UserId::parse(&user_id).ok_or(BadgeError::NotAUserId)?;
    classification(platform, frame, &user)
        .await
        .map_err(BadgeError::Unclassified)?
        .ok_or(BadgeError::NotAnIntegrationUser)?;
    let org_id = platform
        .sessions()
        .org_of(&frame.url)
        .await
        .map_err(BadgeError::Session)?;
    icons::save(platform.storage(), &org_id, &user, icon.clone())
        .await
        .map_err(|e| match e {
            SaveIconError::Invalid(e) => BadgeError::Icon(e),
            SaveIconError::Storage(e) => BadgeError::IconNotSaved(e),
        })?;
    Ok(UserIconSaved { user_id, icon })
}

async fn set_profile_photo<P: Platform>(
    platform: &P,
    frame: &Frame,
    request: SetProfilePhoto,
) -> Result<ReplyTo<SetProfilePhoto>, BadgeError> {
    let SetProfilePhoto {
        user_id,
        png_base64,
    } = request;
    let user = UserId::parse(&user_id).ok_or(BadgeError::NotAUserId)?;
    photo::validate_png(&png_base64).map_err(BadgeError::Png)?;
    classification(platform, frame, &user)
        .await
        .map_err(BadgeError::Unclassified)?
        .ok_or(BadgeError::NotAnIntegrationUser)?;
    let connection = connect(platform, &frame.url).await.map_err(|e| match e {
        ConnectError::Session(e) => BadgeError::Session(e),
        ConnectError::Api(e) => BadgeError::PhotoNotSet(e),
    })?;
    let photo = photo::set_profile_photo(&connection.client(), &user, &png_base64)
        .await
        .map_err(BadgeError::PhotoNotSet)?;
    Ok(ProfilePhotoSet {
        user_id,
        photo_url: photo.small_photo_url,
    })
}
