//! The core's request handler: one entry point for every [`Request`], written against small
//! browser traits so the same code runs in the extension and in native tests against the sim.

use crate::columns::source as toggles;
use crate::protocol::{OrgStatus, Reply, Request};
use crate::salesforce::{
    discover_version, find_session, org_of_page, ApiError, ApiVersion, Client, CookieJar,
    DomainKind, OrgId, Session, Transport,
};
use crate::settings::{self, Area, KeyValueStore, OrgSettings};
use crate::users;

/// What the core needs from the browser context it runs in.
#[derive(Debug)]
pub struct Browser<'a, J, T, S> {
    pub cookies: &'a J,
    pub transport: &'a T,
    pub store: &'a S,
}

/// Answers one request. `sender_url` is the URL of the frame that sent it, as the browser
/// reports it (content scripts); extension pages pass `None`.
pub async fn handle<J, T, S>(
    browser: &Browser<'_, J, T, S>,
    request: Request,
    sender_url: Option<&str>,
) -> Reply
where
    J: CookieJar,
    T: Transport,
    S: KeyValueStore,
{
    match request {
        Request::PageLoaded { .. } => page_verdict(browser, sender_url).await,
        Request::PlanColumns { snapshot, filter } => {
            toggles::column_plans(&snapshot, filter.as_ref())
        }
        Request::AccessSources {} => toggles::access_sources(browser, sender_url).await,
        Request::CopyAccess {
            source,
            mode,
            snapshot,
        } => toggles::copy_access(browser, sender_url, &source, mode, &snapshot).await,
        Request::OrgStatus { tab_url } => Reply::OrgStatus(org_status(browser, &tab_url).await),
        Request::SetOrgEnabled { org_id, enabled } => {
            match settings::save(browser.store, &org_id, &OrgSettings { enabled }).await {
                Ok(()) => Reply::OrgEnabled { org_id, enabled },
                Err(e) => Reply::Failed {
                    message: format!("The setting could not be saved: {e}"),
                },
            }
        }
        Request::BadgeUsers { user_ids } => {
            users::requests::user_badges(browser, sender_url, &user_ids).await
        }
        Request::SetUserIcon { user_id, icon } => {
            users::requests::set_user_icon(browser, sender_url, user_id, icon).await
        }
        Request::SetProfilePhoto {
            user_id,
            png_base64,
        } => users::requests::set_profile_photo(browser, sender_url, user_id, &png_base64).await,
        generator_request => crate::generator::handle(browser, generator_request).await,
    }
}

/// Whether a content script should enhance its page: only when the frame belongs to an org the
/// admin has not switched off. Reads the frame's own cookie; makes no API call.
async fn page_verdict<J: CookieJar, T, S: KeyValueStore>(
    browser: &Browser<'_, J, T, S>,
    sender_url: Option<&str>,
) -> Reply {
    let Some(url) = sender_url else {
        return Reply::PageVerdict {
            enhance: false,
            org_id: None,
        };
    };
    let Ok(org_id) = org_of_page(browser.cookies, url).await else {
        return Reply::PageVerdict {
            enhance: false,
            org_id: None,
        };
    };
    let enabled = org_enabled(browser.store, &org_id).await;
    Reply::PageVerdict {
        enhance: enabled,
        org_id: Some(org_id),
    }
}

/// The popup's view of the org in a tab: who is logged in where, on which API version.
pub async fn org_status<J, T, S>(browser: &Browser<'_, J, T, S>, tab_url: &str) -> OrgStatus
where
    J: CookieJar,
    T: Transport,
    S: KeyValueStore,
{
    let session = match find_session(browser.cookies, tab_url).await {
        Ok(session) => session,
        Err(e) => {
            return OrgStatus::Unavailable {
                reason: e.to_string(),
                error_kind: None,
                org_id: org_of_page(browser.cookies, tab_url).await.ok(),
            }
        }
    };
    match connected_status(browser, &session).await {
        Ok(status) => status,
        Err(e) => OrgStatus::Unavailable {
            reason: e.message,
            error_kind: Some(e.kind),
            org_id: Some(session.org_id),
        },
    }
}

async fn connected_status<J, T, S>(
    browser: &Browser<'_, J, T, S>,
    session: &Session,
) -> Result<OrgStatus, ApiError>
where
    T: Transport,
    S: KeyValueStore,
{
    let version = api_version(browser, session).await?;
    let client = Client::new(browser.transport, session, version);
    // Independent reads go out together: one round trip instead of two.
    let (user, org) = futures_util::future::join(client.user_info(), client.organization()).await;
    let (user, org) = (user?, org?);
    let my_domain = session.api_host.my_domain();
    let host_kind = my_domain.as_ref().map(|d| d.kind);
    let kind = match (org.is_sandbox, host_kind) {
        (true, Some(DomainKind::Scratch)) => DomainKind::Scratch,
        (true, _) => DomainKind::Sandbox,
        (false, Some(DomainKind::DeveloperEdition)) => DomainKind::DeveloperEdition,
        (false, _) => DomainKind::Production,
    };
    let enabled = org_enabled(browser.store, &session.org_id).await;
    Ok(OrgStatus::Connected {
        org_id: session.org_id.clone(),
        org_name: org.name,
        my_domain,
        api_host: session.api_host.to_string(),
        kind,
        api_version: version,
        user_name: user.name,
        username: user.preferred_username,
        enabled,
    })
}

/// The org's API version, read once per org per browser session (`storage.session`) from
/// `GET /services/data/`.
pub(crate) async fn api_version<J, T, S>(
    browser: &Browser<'_, J, T, S>,
    session: &Session,
) -> Result<ApiVersion, ApiError>
where
    T: Transport,
    S: KeyValueStore,
{
    if let Some(version) = cached_api_version(browser.store, &session.org_id).await {
        return Ok(version);
    }
    let key = version_key(&session.org_id);
    let version = discover_version(browser.transport, session).await?;
    // A failed cache write only costs one more discovery call later.
    let _ = browser
        .store
        .set(
            Area::Session,
            &key,
            serde_json::Value::String(version.to_string()),
        )
        .await;
    Ok(version)
}

/// The org's API version if it was discovered in this browser session.
pub(crate) async fn cached_api_version(
    store: &impl KeyValueStore,
    org: &OrgId,
) -> Option<ApiVersion> {
    let cached = store
        .get(Area::Session, &version_key(org))
        .await
        .ok()
        .flatten();
    cached.and_then(|v| serde_json::from_value::<ApiVersion>(v).ok())
}

/// Whether Forcefield is on for the org; on when storage can't be read, as by default.
async fn org_enabled(store: &impl KeyValueStore, org: &OrgId) -> bool {
    settings::load(store, org)
        .await
        .map(|s| s.enabled)
        .unwrap_or(true)
}

fn version_key(org: &OrgId) -> String {
    format!("apiVersion:{org}")
}
