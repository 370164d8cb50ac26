//! The org a page or tab is on: whether a content script should enhance its page, what the popup
//! shows about the org, and the admin's switch that turns Forcefield off for one org.

use crate::connection::{connect, Connection};
use crate::platform::{Area, KeyValueStore, Platform, SessionSource, Transport};
use crate::protocol::org::{
    ForgetUnreadable, FrameOrgRequest, GetOrgStatus, OrgEnabled, OrgReply, OrgRequest, OrgStatus,
    PageLoaded, PageVerdict, SetOrgEnabled, UnreadableForgotten,
};
use crate::protocol::{Frame, ReplyTo};
use crate::salesforce::{DomainKind, OrgId};
use crate::settings::{self, OrgSettings};
use crate::storage::{self, SetAside, StoreError};

/// Answers a content script's question about its own frame.
pub async fn answer_frame<P: Platform>(
    platform: &P,
    frame: &Frame,
    request: FrameOrgRequest,
) -> OrgReply {
    match request {
        FrameOrgRequest::PageLoaded(request) => {
            OrgReply::PageVerdict(page_verdict(platform, frame, request).await)
        }
    }
}

/// What can go wrong answering the org feature's requests (worded in [`crate::words`]).
#[derive(Debug)]
pub enum OrgError {
    /// The switch could not be saved.
    SettingNotSaved(StoreError),
    /// A key with nothing kept aside (or one that never keeps anything aside) was named.
    NothingKeptAside(String),
    /// What was kept aside could not be forgotten.
    NotForgotten(StoreError),
}

/// Answers an extension page's request about a tab's org.
pub async fn answer<P: Platform>(platform: &P, request: OrgRequest) -> Result<OrgReply, OrgError> {
    Ok(match request {
        OrgRequest::OrgStatus(request) => {
            OrgReply::OrgStatus(org_status(platform, &request.tab_url).await)
        }
        OrgRequest::SetOrgEnabled(request) => {
            OrgReply::OrgEnabled(set_org_enabled(platform, request).await?)
        }
        OrgRequest::ForgetUnreadable(request) => {
            OrgReply::Forgotten(forget_unreadable(platform.storage(), request).await?)
        }
    })
}

/// Whether a content script should enhance its page: only when the frame belongs to an org the
/// admin has not switched off. Reads the frame's own cookie; makes no API call.
async fn page_verdict<P: Platform>(
    platform: &P,
    frame: &Frame,
    _request: PageLoaded,
) -> ReplyTo<PageLoaded> {
    let Ok(org_id) = platform.sessions().org_of(&frame.url).await else {
        return PageVerdict {
            enhance: false,
            org_id: None,
        };
    };
    let switch = settings::org_switch(platform.storage(), &org_id).await;
    PageVerdict {
        enhance: switch.enabled,
        org_id: Some(org_id),
    }
}

/// The popup's view of the org in a tab: who is logged in where, on which API version.
pub async fn org_status<P: Platform>(platform: &P, tab_url: &str) -> ReplyTo<GetOrgStatus> {
    let connection = match connect(platform, tab_url).await {
        Ok(connection) => connection,
        Err(e) => {
            return OrgStatus::Unavailable {
                reason: e.to_string(),
                error_kind: e.api_kind(),
                org_id: platform.sessions().org_of(tab_url).await.ok(),
            }
        }
    };
    match connected_status(platform.storage(), &connection).await {
        Ok(status) => status,
        Err(e) => OrgStatus::Unavailable {
            reason: e.message,
            error_kind: Some(e.kind),
            org_id: Some(connection.session.org_id),
        },
    }
}

async fn connected_status<T: Transport>(
    storage: &impl KeyValueStore,
    connection: &Connection<'_, T>,
) -> Result<OrgStatus, crate::salesforce::ApiError> {
    let client = connection.client();
    let session = &connection.session;
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
    let switch = settings::org_switch(storage, &session.org_id).await;
    let set_aside = set_aside_for_org(storage, &session.org_id).await;
    Ok(OrgStatus::Connected {
        org_id: session.org_id.clone(),
        org_name: org.name,
        my_domain,
        api_host: session.api_host.to_string(),
        kind,
        api_version: connection.version,
        user_name: user.name,
        username: user.preferred_username,
        enabled: switch.enabled,
        settings_problem: switch.problem,
        set_aside,
    })
}

/// Turns Forcefield on or off for one org (an unreadable saved value is kept aside first).
async fn set_org_enabled<P: Platform>(
    platform: &P,
    request: SetOrgEnabled,
) -> Result<ReplyTo<SetOrgEnabled>, OrgError> {
    let SetOrgEnabled { org_id, enabled } = request;
    settings::save(platform.storage(), &org_id, &OrgSettings { enabled })
        .await
        .map_err(OrgError::SettingNotSaved)?;
    Ok(OrgEnabled { org_id, enabled })
}

/// What was kept aside for the org because it could not be read: its settings and icons.
async fn set_aside_for_org(store: &impl KeyValueStore, org: &OrgId) -> Vec<SetAside> {
    let mut notices = storage::set_aside_notices(
        store,
        Area::Local,
        &settings::key(org),
        "Forcefield's settings for this org",
    )
    .await;
    notices.extend(
        storage::set_aside_notices(
            store,
            Area::Local,
            &crate::users::icons::key(org),
            "Your user icons for this org",
        )
        .await,
    );
    notices
}

/// Forgets what was kept aside under `key`: only keys whose unreadable values are kept aside
/// (settings, icons, templates). Only extension pages ask it: it is no content script's request.
async fn forget_unreadable(
    store: &impl KeyValueStore,
    request: ForgetUnreadable,
) -> Result<ReplyTo<ForgetUnreadable>, OrgError> {
    let ForgetUnreadable { key } = request;
    let forgettable = ["org:", "userIcons:"]
        .iter()
        .any(|prefix| key.starts_with(prefix))
        || key == crate::generator::TEMPLATES_KEY;
    if !forgettable {
        return Err(OrgError::NothingKeptAside(key));
    }
    storage::forget_set_aside(store, Area::Local, &key)
        .await
        .map_err(OrgError::NotForgotten)?;
    Ok(UnreadableForgotten { key })
}
