//! The org a page or tab is on: whether a content script should enhance its page, what the popup
//! shows about the org, and the admin's switch that turns Forcefield off for one org.

use crate::connection::{connect, ConnectError, Connection};
use crate::platform::{KeyValueStore, Platform, SessionSource, StorageError, Transport};
use crate::protocol::{OrgStatus, Reply};
use crate::salesforce::{DomainKind, OrgId};
use crate::settings::{self, OrgSettings};

/// Whether a content script should enhance its page: only when the frame belongs to an org the
/// admin has not switched off. Reads the frame's own cookie; makes no API call.
pub async fn page_verdict<P: Platform>(platform: &P, sender_url: Option<&str>) -> Reply {
    let Some(url) = sender_url else {
        return Reply::PageVerdict {
            enhance: false,
            org_id: None,
        };
    };
    let Ok(org_id) = platform.sessions().org_of(url).await else {
        return Reply::PageVerdict {
            enhance: false,
            org_id: None,
        };
    };
    let enabled = org_enabled(platform.storage(), &org_id).await;
    Reply::PageVerdict {
        enhance: enabled,
        org_id: Some(org_id),
    }
}

/// The popup's view of the org in a tab: who is logged in where, on which API version.
pub async fn org_status<P: Platform>(platform: &P, tab_url: &str) -> OrgStatus {
    let connection = match connect(platform, tab_url).await {
        Ok(connection) => connection,
        Err(ConnectError::Session(e)) => {
            return OrgStatus::Unavailable {
                reason: e.to_string(),
                error_kind: None,
                org_id: platform.sessions().org_of(tab_url).await.ok(),
            }
        }
        Err(ConnectError::Api(e)) => {
            return OrgStatus::Unavailable {
                reason: e.message,
                error_kind: Some(e.kind),
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
    let enabled = org_enabled(storage, &session.org_id).await;
    Ok(OrgStatus::Connected {
        org_id: session.org_id.clone(),
        org_name: org.name,
        my_domain,
        api_host: session.api_host.to_string(),
        kind,
        api_version: connection.version,
        user_name: user.name,
        username: user.preferred_username,
        enabled,
    })
}

/// Turns Forcefield on or off for one org.
pub async fn set_org_enabled(
    storage: &impl KeyValueStore,
    org_id: &OrgId,
    enabled: bool,
) -> Result<(), StorageError> {
    settings::save(storage, org_id, &OrgSettings { enabled }).await
}

/// Whether Forcefield is on for the org; on when storage can't be read, as by default.
pub async fn org_enabled(store: &impl KeyValueStore, org: &OrgId) -> bool {
    settings::load(store, org)
        .await
        .map(|s| s.enabled)
        .unwrap_or(true)
}
