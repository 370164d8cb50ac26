//! The port between the core and whatever hosts it: what a host gives the core, as traits, so the
//! same core runs in the extension's background and pages, in Node (the `sf` plugin) and in native
//! tests. Modelled on Ruffle's `*Backend` traits: each host implements them over what it has
//! (`fetch`, cookies and extension storage in the browser; its own functions in Node), and
//! [`memory`] holds in-memory stand-ins.
//!
//! * [`SessionSource`]: which org a page belongs to, and that org's API session.
//! * [`Transport`]: sends one HTTP request, returns status, headers and body.
//! * [`KeyValueStore`]: JSON values by key, in a lasting and a per-browser-session area.
//! * [`Clock`]: the time, for caches.
//! * [`Pages`] (browser hosts only): the extension's own pages, opened for the admin.
//!
//! A [`Platform`] bundles the four; features receive it (or the connection
//! [`crate::connection::connect`] makes from it) and never see the host itself.

pub mod http;
pub mod memory;

pub use http::{HttpRequest, HttpResponse, Method};

use crate::salesforce::{OrgId, Session, SessionError};

/// Finds sessions: the org a Salesforce page belongs to, and the API session for that org.
/// In the browser this reads `sid` cookies ([`crate::salesforce::CookieSessions`]); a host with its
/// own login (the Salesforce CLI) answers from it.
#[allow(async_fn_in_trait)] // Used single-threaded; browsers and wasm have no Send futures anyway.
pub trait SessionSource {
    /// The org of the page at `org_url`, from what the host knows without an API call.
    async fn org_of(&self, org_url: &str) -> Result<OrgId, SessionError>;
    /// The API session of the org of the page at `org_url`.
    async fn session(&self, org_url: &str) -> Result<Session, SessionError>;
}

/// Sends requests. An `Err` means no usable HTTP answer at all.
#[allow(async_fn_in_trait)] // Used single-threaded; browsers and wasm have no Send futures anyway.
pub trait Transport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// Why a request got no answer the client can use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// Offline, DNS, TLS, aborted: the host's own words.
    Unreachable(String),
    /// The answer was a redirect. Redirects are never followed, so the bearer token never
    /// leaves the org's API host (salesforce.md §I.15).
    Redirected,
}

/// Which storage area a value lives in: `local` survives restarts; `session` is cleared when the
/// browser closes and survives the background worker stopping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    Local,
    Session,
}

/// The host's storage: extension storage in the browser, a file or memory elsewhere. Never holds
/// the session token.
#[allow(async_fn_in_trait)] // Used single-threaded; browsers and wasm have no Send futures anyway.
pub trait KeyValueStore {
    async fn get(&self, area: Area, key: &str) -> Result<Option<serde_json::Value>, StorageError>;
    async fn set(
        &self,
        area: Area,
        key: &str,
        value: serde_json::Value,
    ) -> Result<(), StorageError>;
    /// The keys of `area` that start with `prefix`: records that each keep their own key are
    /// found without a shared index that two windows could read, change and write back at once.
    async fn keys(&self, area: Area, prefix: &str) -> Result<Vec<String>, StorageError>;
}

/// Storage refused a read or a write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// The host's storage failed (quota, a closed database): its own words.
    Host(String),
    /// A value could not be turned into or read from JSON.
    Encoding(String),
}

/// The time, in milliseconds since the Unix epoch.
pub trait Clock {
    fn now_ms(&self) -> u64;
}

/// The operating system's clock, for native hosts.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        #[cfg(target_arch = "wasm32")]
        {
            // wasm32-unknown-unknown has no system clock; hosts there pass their own.
            0
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
                .unwrap_or(0)
        }
    }
}

/// The extension's own pages, which only a browser host has: opened for the admin beside the tab
/// whose content script asked.
#[allow(async_fn_in_trait)] // Used single-threaded; browsers and wasm have no Send futures anyway.
pub trait Pages {
    /// Opens the permission set generator for one user (an Id the core checked) or for none.
    async fn open_generator(&self, user_id: Option<&str>) -> Result<(), HostError>;
    /// Opens the record types page for one user's profile (an Id the core checked).
    async fn open_record_types(&self, user_id: &str) -> Result<(), HostError>;
    /// Opens the access review for one user (an Id the core checked).
    async fn open_access_review(&self, user_id: &str) -> Result<(), HostError>;
}

/// A host's function failed: its own words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError(pub String);

/// Everything a host gives the core. Features take `&impl Platform`.
pub trait Platform {
    type Sessions: SessionSource;
    type Transport: Transport;
    type Storage: KeyValueStore;
    type Clock: Clock;
    fn sessions(&self) -> &Self::Sessions;
    fn transport(&self) -> &Self::Transport;
    fn storage(&self) -> &Self::Storage;
    fn clock(&self) -> &Self::Clock;
}

/// A [`Platform`] made of four parts. Parts may be references (`Host<&Jar, …>`): every trait
/// here is implemented for references too.
#[derive(Debug)]
pub struct Host<S, T, K, C> {
    pub sessions: S,
    pub transport: T,
    pub storage: K,
    pub clock: C,
}

impl<S, T, K, C> Platform for Host<S, T, K, C>
where
    S: SessionSource,
    T: Transport,
    K: KeyValueStore,
    C: Clock,
{
    type Sessions = S;
    type Transport = T;
    type Storage = K;
    type Clock = C;
    fn sessions(&self) -> &S {
        &self.sessions
    }
    fn transport(&self) -> &T {
        &self.transport
    }
    fn storage(&self) -> &K {
        &self.storage
    }
    fn clock(&self) -> &C {
        &self.clock
    }
}

impl<S: SessionSource + ?Sized> SessionSource for &S {
    async fn org_of(&self, org_url: &str) -> Result<OrgId, SessionError> {
        (**self).org_of(org_url).await
    }
    async fn session(&self, org_url: &str) -> Result<Session, SessionError> {
        (**self).session(org_url).await
    }
}

impl<T: Transport + ?Sized> Transport for &T {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
}

impl<K: KeyValueStore + ?Sized> KeyValueStore for &K {
    async fn get(&self, area: Area, key: &str) -> Result<Option<serde_json::Value>, StorageError> {
        (**self).get(area, key).await
    }
    async fn set(
        &self,
        area: Area,
        key: &str,
        value: serde_json::Value,
    ) -> Result<(), StorageError> {
        (**self).set(area, key, value).await
    }
    async fn keys(&self, area: Area, prefix: &str) -> Result<Vec<String>, StorageError> {
        (**self).keys(area, prefix).await
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now_ms(&self) -> u64 {
        (**self).now_ms()
    }
}
