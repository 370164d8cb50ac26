//! The badge requests of the protocol (`BadgeUsers`, `SetUserIcon`, `SetProfilePhoto`), served
//! for [`crate::service::handle`] with the same browser traits.

use super::{icons, photo, Lookup, UserIcon, UserId};
use crate::protocol::{BadgeProblem, Reply};
use crate::salesforce::{
    find_session, org_of_page, ApiError, ApiErrorKind, Client, CookieJar, SessionError, Transport,
};
use crate::service::{api_version, cached_api_version, Browser};
use crate::settings::KeyValueStore;

/// Badges for a page's users: from the cache when fresh, else one query per 200 users through
/// the session of the sender frame's org. Any failure gives one message and no badge.
pub async fn user_badges<J, T, S>(
    browser: &Browser<'_, J, T, S>,
    sender_url: Option<&str>,
    user_ids: &[String],
) -> Reply
where
    J: CookieJar,
    T: Transport,
    S: KeyValueStore,
{
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
    let org_id = match org_of_page(browser.cookies, url).await {
        Ok(org) => org,
        Err(e) => return problem(None, e.to_string()),
    };
    let mut lookup = Lookup::start(browser.store, &org_id, user_ids, now_ms()).await;
    if lookup.needs_api() {
        let fetched = async {
            let session = find_session(browser.cookies, url)
                .await
                .map_err(|e| (None, e.to_string()))?;
            // Every field of the badge query exists in the oldest version Forcefield supports,
            // which every org it supports offers: when the org's version isn't known yet, ask at
            // that one instead of spending a round trip on discovery first. Only if the org no
            // longer serves it (a retired version answers 404) is the version discovered.
            let known = cached_api_version(browser.store, &session.org_id).await;
            let first = known.unwrap_or(crate::salesforce::version::SUPPORTED_MIN);
            let client = Client::new(browser.transport, &session, first);
            match lookup.fetch(&client, browser.store).await {
                Err(e) if known.is_none() && e.kind == ApiErrorKind::NotFound => {
                    let version = api_version(browser, &session)
                        .await
                        .map_err(badge_failure)?;
                    let client = Client::new(browser.transport, &session, version);
                    lookup
                        .fetch(&client, browser.store)
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
        badges: lookup.badges(browser.store).await,
        error: None,
    }
}

fn badge_failure(e: ApiError) -> (Option<ApiErrorKind>, String) {
    let message = match e.kind {
        ApiErrorKind::SessionExpired => "Your Salesforce session has expired, so Forcefield can't mark integration users on this page. Log in again, then reload the page.".to_owned(),
        _ => format!("Forcefield could not mark integration users on this page: {e}"),
    };
    (Some(e.kind), message)
}

pub async fn set_user_icon<J: CookieJar, T, S: KeyValueStore>(
    browser: &Browser<'_, J, T, S>,
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
        Some(url) => org_of_page(browser.cookies, url).await,
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
    match icons::save(browser.store, &org_id, &user, icon.clone()).await {
        Ok(()) => Reply::UserIconSaved { user_id, icon },
        Err(e) => Reply::Failed {
            message: format!("The icon was not saved: {e}"),
        },
    }
}

pub async fn set_profile_photo<J, T, S>(
    browser: &Browser<'_, J, T, S>,
    sender_url: Option<&str>,
    user_id: String,
    png_base64: &str,
) -> Reply
where
    J: CookieJar,
    T: Transport,
    S: KeyValueStore,
{
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
    let session = match find_session(browser.cookies, url).await {
        Ok(session) => session,
        Err(e) => return failed(e.to_string()),
    };
    let result = async {
        let version = api_version(browser, &session).await?;
        let client = Client::new(browser.transport, &session, version);
        photo::set_profile_photo(&client, &user, png_base64).await
    };
    match result.await {
        Ok(photo) => Reply::ProfilePhotoSet {
            user_id,
            photo_url: photo.small_photo_url,
        },
        Err(e) => failed(format!("The profile photo was not changed: {e}")),
    }
}

/// Milliseconds since the epoch (the browser's clock in WebAssembly).
fn now_ms() -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        crate::web::now_ms()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0)
    }
}
