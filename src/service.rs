//! The core's request handler: one entry point for every [`Request`], written against small
//! browser traits so the same code runs in the extension and in native tests against the sim.

use crate::columns::{self, ColumnAction, PageSnapshot, RowFilter, ToggleRequest};
use crate::protocol::{ColumnControl, OrgStatus, Reply, Request};
use crate::salesforce::{
    discover_version, find_session, org_of_page, ApiError, ApiVersion, Client, CookieJar,
    DomainKind, OrgId, Session, Transport,
};
use crate::settings::{self, Area, KeyValueStore, OrgSettings};
use crate::storage::{self, IfUnreadable, Loaded, ReadError, SetAside, Stored, Unversioned};
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
        Request::PlanColumns { snapshot, filter } => column_plans(&snapshot, filter.as_ref()),
        Request::OrgStatus { tab_url } => Reply::OrgStatus(org_status(browser, &tab_url).await),
        Request::SetOrgEnabled { org_id, enabled } => {
            match settings::save(browser.store, &org_id, &OrgSettings { enabled }).await {
                Ok(()) => Reply::OrgEnabled { org_id, enabled },
                Err(e) => Reply::Failed {
                    message: format!("The setting could not be saved: {e}"),
                },
            }
        }
        Request::ForgetUnreadable { key } if sender_url.is_none() => {
            forget_unreadable(browser.store, key).await
        }
        Request::ForgetUnreadable { .. } => Reply::Failed {
            message: "Only Forcefield's own pages can forget what was kept aside.".to_owned(),
        },
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
    let switch = settings::org_switch(browser.store, &org_id).await;
    Reply::PageVerdict {
        enhance: switch.enabled,
        org_id: Some(org_id),
    }
}

/// Every toggleable column of a page with both of its plans (pure: no API call, no storage).
fn column_plans(snapshot: &PageSnapshot, filter: Option<&RowFilter>) -> Reply {
    let model = columns::detect_columns(snapshot);
    let plan = |column_key: &str, table_key: &str, action| {
        let filter = filter.filter(|f| f.table_key == table_key).cloned();
        columns::plan_toggle(
            &model,
            &ToggleRequest {
                column_key: column_key.to_owned(),
                action,
                filter,
            },
        )
    };
    let controls: Result<Vec<ColumnControl>, columns::ColumnsError> = model
        .columns()
        .iter()
        .map(|column| {
            Ok(ColumnControl {
                check_all: plan(&column.key, &column.table_key, ColumnAction::CheckAll)?,
                clear_all: plan(&column.key, &column.table_key, ColumnAction::ClearAll)?,
                column: column.clone(),
            })
        })
        .collect();
    match controls {
        Ok(columns) => Reply::ColumnPlans { columns },
        Err(e) => Reply::Failed {
            message: e.to_string(),
        },
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
    let switch = settings::org_switch(browser.store, &session.org_id).await;
    let set_aside = set_aside_for_org(browser.store, &session.org_id).await;
    Ok(OrgStatus::Connected {
        org_id: session.org_id.clone(),
        org_name: org.name,
        my_domain,
        api_host: session.api_host.to_string(),
        kind,
        api_version: version,
        user_name: user.name,
        username: user.preferred_username,
        enabled: switch.enabled,
        settings_problem: switch.problem,
        set_aside,
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
    let version = discover_version(browser.transport, session).await?;
    // A failed cache write only costs one more discovery call later.
    let _ = storage::save(
        browser.store,
        Area::Session,
        &version_key(&session.org_id),
        &version,
    )
    .await;
    Ok(version)
}

/// The org's API version if it was discovered in this browser session.
pub(crate) async fn cached_api_version(
    store: &impl KeyValueStore,
    org: &OrgId,
) -> Option<ApiVersion> {
    storage::load(store, Area::Session, &version_key(org))
        .await
        .ok()
        .and_then(Loaded::found)
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
            &users::icons::key(org),
            "Your user icons for this org",
        )
        .await,
    );
    notices
}

/// Forgets what was kept aside under `key`: only keys whose values are kept aside (settings,
/// icons, templates), and only when an extension page asks.
async fn forget_unreadable(store: &impl KeyValueStore, key: String) -> Reply {
    let forgettable = ["org:", "userIcons:"]
        .iter()
        .any(|prefix| key.starts_with(prefix))
        || key == crate::generator::TEMPLATES_KEY;
    if !forgettable {
        return Reply::Failed {
            message: format!("Nothing is kept aside under \"{key}\"."),
        };
    }
    match storage::forget_set_aside(store, Area::Local, &key).await {
        Ok(()) => Reply::Forgotten { key },
        Err(e) => Reply::Failed {
            message: format!("It could not be forgotten: {e}"),
        },
    }
}

/// The API version cache: version 0 was the version's text as a JSON string.
impl Stored for ApiVersion {
    const KIND: &'static str = "apiVersion";
    const VERSION: u32 = 1;
    const UNVERSIONED: Unversioned = Unversioned::Value;
    const IF_UNREADABLE: IfUnreadable = IfUnreadable::Refetch;

    fn read(version: u32, json: &str) -> Result<Self, ReadError> {
        if version > 1 {
            return Err(ReadError::NoMigration(version));
        }
        storage::json_value(Self::KIND, json)?
            .as_str()
            .and_then(ApiVersion::parse)
            .ok_or_else(|| ReadError::Invalid("it is not an API version".into()))
    }

    fn write(&self) -> Result<String, serde_json::Error> {
        Ok(serde_json::Value::String(self.to_string()).to_string())
    }
}

fn version_key(org: &OrgId) -> String {
    format!("apiVersion:{org}")
}
