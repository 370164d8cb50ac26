//! The one way a feature reaches an org: find the session of the org a page belongs to, settle
//! the org's API version (read once per org per browser session), and hand out a client. Written
//! once here, so every feature connects the same way and none repeats the sequence.

use crate::platform::{Area, KeyValueStore, Platform, SessionSource, Transport};
use crate::salesforce::{
    discover_version, version, ApiError, ApiErrorKind, ApiVersion, Client, OrgId, Session,
    SessionError,
};
use crate::storage::{self, IfUnreadable, Loaded, ReadError, Stored, Unversioned};

/// A connected org: its session, the API version to speak, and the host's transport.
#[derive(Debug)]
pub struct Connection<'a, T> {
    pub session: Session,
    pub version: ApiVersion,
    /// Whether [`Self::version`] is the org's own (discovered now or earlier in this browser
    /// session) rather than the oldest supported version assumed by [`connect_quickly`].
    pub version_known: bool,
    transport: &'a T,
}

impl<'a, T: Transport> Connection<'a, T> {
    /// A REST client for this org at [`Self::version`].
    pub fn client(&self) -> Client<'_, T> {
        Client::new(self.transport, &self.session, self.version)
    }

    /// A Metadata API (SOAP) client for this org at [`Self::version`] (salesforce.md §I.12).
    #[cfg(feature = "record-types")]
    pub fn metadata(&self) -> crate::salesforce::metadata_api::MetadataClient<'_, T> {
        crate::salesforce::metadata_api::MetadataClient::new(
            self.transport,
            &self.session,
            self.version,
        )
    }

    pub fn org_id(&self) -> &OrgId {
        &self.session.org_id
    }

    /// Replaces an assumed version by the org's own (after the org refused the assumed one).
    pub async fn learn_version(&mut self, storage: &impl KeyValueStore) -> Result<(), ApiError> {
        self.version = discover_and_remember(self.transport, storage, &self.session).await?;
        self.version_known = true;
        Ok(())
    }
}

/// Why an org could not be connected to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectError {
    /// No session for the org (not logged in, not a Salesforce page…).
    Session(SessionError),
    /// The org's API refused or could not be reached while settling the version.
    Api(ApiError),
}

impl From<SessionError> for ConnectError {
    fn from(e: SessionError) -> Self {
        Self::Session(e)
    }
}

impl From<ApiError> for ConnectError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl ConnectError {
    /// The API's kind of failure, when the API was reached.
    pub fn api_kind(&self) -> Option<ApiErrorKind> {
        match self {
            Self::Session(_) => None,
            Self::Api(e) => Some(e.kind),
        }
    }
}

/// Connects to the org of the page at `org_url`: its session and its API version (from this
/// browser session's cache, else `GET /services/data/`, salesforce.md §A.4).
pub async fn connect<'p, P: Platform>(
    platform: &'p P,
    org_url: &str,
) -> Result<Connection<'p, P::Transport>, ConnectError> {
    let session = platform.sessions().session(org_url).await?;
    connect_session(platform, session).await
}

/// Connects with a session already found (the journal's org must be the session's).
pub async fn connect_session<P: Platform>(
    platform: &P,
    session: Session,
) -> Result<Connection<'_, P::Transport>, ConnectError> {
    let version = match cached_api_version(platform.storage(), &session.org_id).await {
        Some(version) => version,
        None => discover_and_remember(platform.transport(), platform.storage(), &session).await?,
    };
    Ok(Connection {
        session,
        version,
        version_known: true,
        transport: platform.transport(),
    })
}

/// Connects without a discovery round trip: at the org's version when known, else at the oldest
/// version Forcefield supports, which every supported org serves. For reads whose every field
/// exists in that version; when the org refuses it (a retired version answers 404), call
/// [`Connection::learn_version`] and ask again.
pub async fn connect_quickly<'p, P: Platform>(
    platform: &'p P,
    org_url: &str,
) -> Result<Connection<'p, P::Transport>, ConnectError> {
    let session = platform.sessions().session(org_url).await?;
    let known = cached_api_version(platform.storage(), &session.org_id).await;
    Ok(Connection {
        session,
        version: known.unwrap_or(version::SUPPORTED_MIN),
        version_known: known.is_some(),
        transport: platform.transport(),
    })
}

async fn discover_and_remember(
    transport: &impl Transport,
    storage: &impl KeyValueStore,
    session: &Session,
) -> Result<ApiVersion, ApiError> {
    let version = discover_version(transport, session).await?;
    // A failed cache write only costs one more discovery call later.
    let _ = storage::save(
        storage,
        Area::Session,
        &version_key(&session.org_id),
        &version,
    )
    .await;
    Ok(version)
}

/// The org's API version if it was discovered in this browser session.
pub async fn cached_api_version(store: &impl KeyValueStore, org: &OrgId) -> Option<ApiVersion> {
    storage::load(store, Area::Session, &version_key(org))
        .await
        .ok()
        .and_then(Loaded::found)
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
