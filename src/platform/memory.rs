//! In-memory stand-ins for the host's parts, for tests and for hosts that keep nothing: storage
//! in a map, a clock set by hand, sessions handed over up front, and parts that refuse.

use super::{
    Area, Clock, HostError, HttpRequest, HttpResponse, KeyValueStore, Pages, SessionSource,
    StorageError, Transport, TransportError,
};
use crate::salesforce::{OrgId, SalesforceHost, Session, SessionError};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

/// Storage in a map, as the browser's extension storage would hold it.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    values: RefCell<BTreeMap<(Area, String), serde_json::Value>>,
}

impl MemoryStorage {
    /// Every stored value, by area and key.
    pub fn snapshot(&self) -> BTreeMap<(Area, String), serde_json::Value> {
        self.values.borrow().clone()
    }
}

impl KeyValueStore for MemoryStorage {
    async fn get(&self, area: Area, key: &str) -> Result<Option<serde_json::Value>, StorageError> {
        Ok(self.values.borrow().get(&(area, key.to_owned())).cloned())
    }

    async fn set(
        &self,
        area: Area,
        key: &str,
        value: serde_json::Value,
    ) -> Result<(), StorageError> {
        self.values
            .borrow_mut()
            .insert((area, key.to_owned()), value);
        Ok(())
    }

    async fn keys(&self, area: Area, prefix: &str) -> Result<Vec<String>, StorageError> {
        Ok(self
            .values
            .borrow()
            .keys()
            .filter(|(a, key)| *a == area && key.starts_with(prefix))
            .map(|(_, key)| key.clone())
            .collect())
    }
}

/// A clock that shows what it was last set to.
#[derive(Debug, Default)]
pub struct ManualClock(Cell<u64>);

impl ManualClock {
    pub fn at(now_ms: u64) -> Self {
        Self(Cell::new(now_ms))
    }

    pub fn set(&self, now_ms: u64) {
        self.0.set(now_ms);
    }

    pub fn advance(&self, ms: u64) {
        self.0.set(self.0.get().saturating_add(ms));
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.get()
    }
}

/// Sessions handed over up front, as a host with its own login has them (the Salesforce CLI's
/// access token and instance URL): a page URL belongs to the session whose API host the page
/// maps to (salesforce.md §A.3).
#[derive(Debug, Default)]
pub struct GivenSessions(Vec<Session>);

impl GivenSessions {
    pub fn new(sessions: Vec<Session>) -> Self {
        Self(sessions)
    }

    fn find(&self, org_url: &str) -> Result<&Session, SessionError> {
        let host = SalesforceHost::from_url(org_url).ok_or(SessionError::NotSalesforce)?;
        let api_host = host.api_host_guess().ok_or(SessionError::NotLoggedIn)?;
        self.0
            .iter()
            .find(|session| session.api_host == api_host)
            .ok_or(SessionError::NotLoggedIn)
    }
}

impl SessionSource for GivenSessions {
    async fn org_of(&self, org_url: &str) -> Result<OrgId, SessionError> {
        self.find(org_url).map(|session| session.org_id.clone())
    }

    async fn session(&self, org_url: &str) -> Result<Session, SessionError> {
        self.find(org_url).cloned()
    }
}

/// Pages that only remember what they were asked to open: `Some(user)` or `None` per generator.
#[derive(Debug, Default)]
pub struct RecordedPages {
    pub generators_opened: RefCell<Vec<Option<String>>>,
    /// The users whose record types page was opened.
    pub record_types_opened: RefCell<Vec<String>>,
    /// The users whose access review was opened.
    pub access_reviews_opened: RefCell<Vec<String>>,
}

impl Pages for RecordedPages {
    async fn open_generator(&self, user_id: Option<&str>) -> Result<(), HostError> {
        self.generators_opened
            .borrow_mut()
            .push(user_id.map(str::to_owned));
        Ok(())
    }

    async fn open_record_types(&self, user_id: &str) -> Result<(), HostError> {
        self.record_types_opened
            .borrow_mut()
            .push(user_id.to_owned());
        Ok(())
    }

    async fn open_access_review(&self, user_id: &str) -> Result<(), HostError> {
        self.access_reviews_opened
            .borrow_mut()
            .push(user_id.to_owned());
        Ok(())
    }
}

/// A part that is not there: no session, no network, no storage. A request answered through it
/// proves it needed none of them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Absent;

impl SessionSource for Absent {
    async fn org_of(&self, _: &str) -> Result<OrgId, SessionError> {
        Err(SessionError::NotLoggedIn)
    }

    async fn session(&self, _: &str) -> Result<Session, SessionError> {
        Err(SessionError::NotLoggedIn)
    }
}

impl Transport for Absent {
    async fn send(&self, _: HttpRequest) -> Result<HttpResponse, TransportError> {
        Err(TransportError::Unreachable(
            "this host has no network".to_owned(),
        ))
    }
}

impl KeyValueStore for Absent {
    async fn get(&self, _: Area, _: &str) -> Result<Option<serde_json::Value>, StorageError> {
        Err(StorageError::Host("this host has no storage".to_owned()))
    }

    async fn set(&self, _: Area, _: &str, _: serde_json::Value) -> Result<(), StorageError> {
        Err(StorageError::Host("this host has no storage".to_owned()))
    }

    async fn keys(&self, _: Area, _: &str) -> Result<Vec<String>, StorageError> {
        Err(StorageError::Host("this host has no storage".to_owned()))
    }
}

impl Pages for Absent {
    async fn open_generator(&self, _: Option<&str>) -> Result<(), HostError> {
        Err(HostError("this host has no pages".to_owned()))
    }

    async fn open_record_types(&self, _: &str) -> Result<(), HostError> {
        Err(HostError("this host has no pages".to_owned()))
    }

    async fn open_access_review(&self, _: &str) -> Result<(), HostError> {
        Err(HostError("this host has no pages".to_owned()))
    }
}

impl Clock for Absent {
    fn now_ms(&self) -> u64 {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_sessions_answer_for_every_page_of_their_org_only() {
        let acme = Session::new(
            OrgId::parse("00DAM0000000001").unwrap_or_else(|| panic!("org id")),
            SalesforceHost::parse("acme.my.salesforce.com").unwrap_or_else(|| panic!("host")),
            "00DAM0000000001!token".to_owned(),
        )
        .unwrap_or_else(|| panic!("an API host"));
        let sessions = GivenSessions::new(vec![acme.clone()]);
        for url in [
            "https://acme.my.salesforce.com/",
            "https://acme.lightning.force.com/lightning/setup/SetupOneHome/home",
            "https://acme.my.salesforce-setup.com/lightning/setup/ManageUsers/home",
        ] {
            assert_eq!(pollster::block_on(sessions.session(url)), Ok(acme.clone()));
        }
        assert_eq!(
            pollster::block_on(sessions.org_of("https://other.lightning.force.com/")),
            Err(SessionError::NotLoggedIn)
        );
        assert_eq!(
            pollster::block_on(sessions.org_of("https://example.com/")),
            Err(SessionError::NotSalesforce)
        );
    }
}
