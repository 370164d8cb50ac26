//! The badge requests of the protocol (`BadgeUsers`, `SetUserIcon`, `SetProfilePhoto`), served
//! through the host's [`Platform`].

use super::{icons, photo, Lookup, UserIcon, UserId};
use crate::connection::{connect, connect_quickly, ConnectError};
use crate::platform::{Clock, Platform, SessionSource};
use crate::protocol::{BadgeProblem, Reply};
use crate::salesforce::{ApiError, ApiErrorKind, SessionError};

/// Badges for a page's users: from the cache when fresh, else one query per 200 users through
/// the session of the sender frame's org. Any failure gives one message and no badge.
pub async fn user_badges<P: Platform>(
    platform: &P,
    sender_url: Option<&str>,
    user_ids: &[String],
) -> Reply {
    let problem = |kind, message: String| Reply::UserBadges {
        badges: Vec::new(),
        error: Some(BadgeProblem { kind, message }),
    };
    let Some(url) = sender_url else {
        return problem(
            None,
            "Badges are only drawn on Salesforce pages.".to_owned(),
        );
    };
    let org_id = match platform.sessions().org_of(url).await {
        Ok(org) => org,
        Err(e) => return problem(None, e.to_string()),
    };
    let store = platform.storage();
    let mut lookup = Lookup::start(store, &org_id, user_ids, platform.clock().now_ms()).await;
    if lookup.needs_api() {
        let fetched = async {
            // Every field of the badge query exists in the oldest version Forcefield supports:
            // when the org's version isn't known yet, ask at that one instead of spending a round
            // trip on discovery first. Only if the org no longer serves it (a retired version
            // answers 404) is the version discovered.
            let mut connection = connect_quickly(platform, url)
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
    Reply::UserBadges {
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

pub async fn set_user_icon<P: Platform>(
    platform: &P,
    sender_url: Option<&str>,
    user_id: String,
    icon: Option<UserIcon>,
) -> Reply {
    let Some(user) = UserId::parse(&user_id) else {
        return Reply::Failed {
            message: "That is not a user Id.".to_owned(),
        };
    };
    let org_id = match sender_url {
        Some(url) => platform.sessions().org_of(url).await,
        None => Err(SessionError::NotSalesforce),
    };
    let org_id = match org_id {
        Ok(org) => org,
        Err(e) => {
            return Reply::Failed {
                message: e.to_string(),
            }
        }
    };
    match icons::save(platform.storage(), &org_id, &user, icon.clone()).await {
        Ok(()) => Reply::UserIconSaved { user_id, icon },
        Err(e) => Reply::Failed {
            message: format!("The icon was not saved: {e}"),
        },
    }
}

pub async fn set_profile_photo<P: Platform>(
    platform: &P,
    sender_url: Option<&str>,
    user_id: String,
    png_base64: &str,
) -> Reply {
    let failed = |message: String| Reply::Failed { message };
    let Some(user) = UserId::parse(&user_id) else {
        return failed("That is not a user Id.".to_owned());
    };
    if let Err(e) = photo::validate_png(png_base64) {
        return failed(e);
    }
    let Some(url) = sender_url else {
        return failed("Profile photos are set from Salesforce pages only.".to_owned());
    };
    let connection = match connect(platform, url).await {
        Ok(connection) => connection,
        Err(ConnectError::Session(e)) => return failed(e.to_string()),
        Err(ConnectError::Api(e)) => {
            return failed(format!("The profile photo was not changed: {e}"))
        }
    };
    match photo::set_profile_photo(&connection.client(), &user, png_base64).await {
        Ok(photo) => Reply::ProfilePhotoSet {
            user_id,
            photo_url: photo.small_photo_url,
        },
        Err(e) => failed(format!("The profile photo was not changed: {e}")),
    }
}
