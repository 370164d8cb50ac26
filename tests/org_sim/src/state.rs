//! Mutable state shared by all connections: orgs, sessions (`sid`s, salesforce.md §A.3), one-time
//! login tickets, query cursors (salesforce.md §B.1) and the request log, behind one mutex.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rand::Rng;
use serde::Serialize;

use crate::config::SimConfig;
use crate::error::SimError;
use crate::org::{HostKind, Org};
use crate::seed;

/// One logged request (admin endpoints are not logged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// Host header without port, lower-case.
    pub host: String,
    /// Path with query string.
    pub path: String,
    /// Response status.
    pub status: u16,
    /// Whether an `Authorization` header was sent.
    pub auth_sent: bool,
    /// The SOAP call of a Metadata API request (`readMetadata`, `updateMetadata`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub soap_call: Option<String>,
}

/// A session, i.e. what a `sid` value stands for.
#[derive(Debug, Clone)]
pub struct Session {
    /// Org name.
    pub org: String,
    /// 18-char User Id.
    pub user_id: String,
    /// Host the `sid` was issued for.
    pub host: HostKind,
}

/// A one-time login ticket carried through the host-to-host login redirects.
#[derive(Debug, Clone)]
pub struct Ticket {
    /// Org name.
    pub org: String,
    /// 18-char User Id.
    pub user_id: String,
    /// Host whose `/__sim/login/continue` may redeem it.
    pub next: HostKind,
    /// Absolute URL to land on at the end.
    pub start_url: String,
}

/// A query cursor behind a `nextRecordsUrl` (salesforce.md §B.1).
#[derive(Debug, Clone)]
pub struct Cursor {
    /// Org name.
    pub org: String,
    /// All rendered records of the query.
    pub records: Vec<serde_json::Value>,
}

/// Maximum number of live query cursors; older ones expire (real locators expire too).
const MAX_CURSORS: usize = 200;
/// Maximum number of logged requests kept.
const MAX_LOG: usize = 100_000;

/// Everything mutable.
#[derive(Debug)]
pub struct SimState {
    /// Orgs; index 0 is the default (`127.0.0.1`) org.
    pub orgs: Vec<Org>,
    sessions: HashMap<String, Session>,
    tickets: HashMap<String, Ticket>,
    cursors: HashMap<String, Cursor>,
    cursor_order: VecDeque<String>,
    log: Vec<LoggedRequest>,
    /// Armed faults and latency.
    pub control: crate::faults::Control,
    /// The orgs as seeded: a reset clones them instead of seeding again (fault schedules reset
    /// thousands of times).
    seeded: Vec<Org>,
    /// What the org does with record type updates on the integration profile: the configured
    /// switch, changeable at run time (`POST /__sim/integration-profile-record-types`).
    pub integration_profile_record_types: crate::config::IntegrationProfileRecordTypes,
}

impl SimState {
    /// Fresh seed state.
    pub fn new(config: &SimConfig) -> Result<Self, SimError> {
        let orgs = seed_orgs(config)?;
        Ok(Self {
            seeded: orgs.clone(),
            orgs,
            sessions: HashMap::new(),
            tickets: HashMap::new(),
            cursors: HashMap::new(),
            cursor_order: VecDeque::new(),
            log: Vec::new(),
            control: crate::faults::Control::new(
                config.latency_ms,
                config.latency_jitter_ms,
                config.latency_seed,
            ),
            integration_profile_record_types: config.integration_profile_record_types,
        })
    }

    /// Back to the seed data; clears the log, cursors, tickets and API counters. Sessions are
    /// kept (the seed's user Ids are stable), so a logged-in browser stays logged in.
    pub fn reset(&mut self, config: &SimConfig) -> Result<(), SimError> {
        self.orgs = self.seeded.clone();
        self.tickets.clear();
        self.cursors.clear();
        self.cursor_order.clear();
        self.log.clear();
        self.control.clear();
        self.integration_profile_record_types = config.integration_profile_record_types;
        Ok(())
    }

    /// Org index by name.
    pub fn org_index(&self, name: &str) -> Option<usize> {
        self.orgs
            .iter()
            .position(|o| o.name.eq_ignore_ascii_case(name))
    }

    /// Issues a session for a user (by username) of an org on a host; returns the `sid`:
    /// `<15-char org Id>!<random>` (salesforce.md §A.3 — the part before `!` is the org Id).
    pub fn issue_session(&mut self, org: usize, user_id: &str, host: HostKind) -> Option<String> {
        let o = self.orgs.get(org)?;
        let sid = format!("{}!{}", o.org_id15, random_token(96));
        self.sessions.insert(
            sid.clone(),
            Session {
                org: o.name.clone(),
                user_id: user_id.to_owned(),
                host,
            },
        );
        Some(sid)
    }

    /// Looks a `sid` up.
    pub fn session(&self, sid: &str) -> Option<&Session> {
        self.sessions.get(sid)
    }

    /// Invalidates every session (salesforce.md §A.5: expired sessions answer INVALID_SESSION_ID).
    pub fn expire_sessions(&mut self) {
        self.sessions.clear();
        self.tickets.clear();
    }

    /// Creates a one-time ticket.
    pub fn create_ticket(&mut self, ticket: Ticket) -> String {
        let id = random_token(40);
        self.tickets.insert(id.clone(), ticket);
        id
    }

    /// Redeems (removes) a ticket.
    pub fn take_ticket(&mut self, id: &str) -> Option<Ticket> {
        self.tickets.remove(id)
    }

    /// Stores a cursor under a fresh `01g…` locator and returns the locator.
    pub fn store_cursor(&mut self, org: usize, cursor: Cursor) -> Option<String> {
        let locator = self
            .orgs
            .get_mut(org)?
            .store
            .allocate_id(crate::ids::prefix::QUERY_LOCATOR);
        self.cursors.insert(locator.clone(), cursor);
        self.cursor_order.push_back(locator.clone());
        while self.cursor_order.len() > MAX_CURSORS {
            if let Some(old) = self.cursor_order.pop_front() {
                self.cursors.remove(&old);
            }
        }
        Some(locator)
    }

    /// A cursor by locator.
    pub fn cursor(&self, locator: &str) -> Option<&Cursor> {
        self.cursors.get(locator)
    }

    /// Appends to the request log.
    pub fn log(&mut self, entry: LoggedRequest) {
        if self.log.len() < MAX_LOG {
            self.log.push(entry);
        }
    }

    /// Every record of an org per object (fields sorted by name), for before/after comparisons.
    pub fn state_dump(&self, org: &str) -> Option<serde_json::Value> {
        self.state_dump_of(org, None)
    }

    /// [`Self::state_dump`] of some objects only (all when `None`).
    pub fn state_dump_of(&self, org: &str, only: Option<&[&str]>) -> Option<serde_json::Value> {
        let o = self.orgs.get(self.org_index(org)?)?;
        let mut objects = serde_json::Map::new();
        for def in o.store.schema().objects() {
            if only.is_some_and(|only| !only.iter().any(|n| n.eq_ignore_ascii_case(&def.name))) {
                continue;
            }
            let records = o.store.records(&def.name);
            if records.is_empty() {
                continue;
            }
            let rows: Vec<serde_json::Value> = records
                .iter()
                .map(|r| {
                    let sorted: std::collections::BTreeMap<&String, serde_json::Value> =
                        r.fields().iter().map(|(k, v)| (k, v.to_json())).collect();
                    serde_json::to_value(sorted).unwrap_or_default()
                })
                .collect();
            objects.insert(def.name.clone(), serde_json::Value::Array(rows));
        }
        // Not an sObject: the profiles' record type settings (salesforce.md §I.12).
        objects.insert(
            "ProfileRecordTypeVisibility".to_owned(),
            crate::record_types::dump(&o.record_type_visibility),
        );
        Some(serde_json::Value::Object(objects))
    }

    /// A digest of every record of the named objects, by Id: compare two to find which records
    /// changed without dumping them all.
    pub fn record_digests(
        &self,
        org: &str,
        objects: &[&str],
    ) -> Option<std::collections::BTreeMap<String, u64>> {
        use std::hash::{Hash, Hasher};
        let o = self.orgs.get(self.org_index(org)?)?;
        let mut out = std::collections::BTreeMap::new();
        for object in objects {
            for r in o.store.records(object) {
                let mut sorted: Vec<(&String, String)> = r
                    .fields()
                    .iter()
                    .map(|(k, v)| (k, format!("{v:?}")))
                    .collect();
                sorted.sort();
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                sorted.hash(&mut hasher);
                out.insert(r.id.clone(), hasher.finish());
            }
        }
        Some(out)
    }

    /// [`Self::state_dump_of`] of the named objects, only the records with these Ids (all
    /// records of `always`).
    pub fn state_dump_ids(
        &self,
        org: &str,
        objects: &[&str],
        ids: &std::collections::BTreeSet<String>,
        always: &[&str],
    ) -> Option<serde_json::Value> {
        let o = self.orgs.get(self.org_index(org)?)?;
        let mut dump = serde_json::Map::new();
        for object in objects {
            let all = always.iter().any(|a| a.eq_ignore_ascii_case(object));
            let rows: Vec<serde_json::Value> = o
                .store
                .records(object)
                .iter()
                .filter(|r| all || ids.contains(&r.id))
                .map(|r| {
                    let sorted: std::collections::BTreeMap<&String, serde_json::Value> =
                        r.fields().iter().map(|(k, v)| (k, v.to_json())).collect();
                    serde_json::to_value(sorted).unwrap_or_default()
                })
                .collect();
            dump.insert((*object).to_owned(), serde_json::Value::Array(rows));
        }
        Some(serde_json::Value::Object(dump))
    }

    /// A copy of the request log.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.log.clone()
    }
}

fn seed_orgs(config: &SimConfig) -> Result<Vec<Org>, SimError> {
    seed::ORGS
        .iter()
        .map(|s| Org::from_seed(s, config).map_err(|e| SimError::Config(format!("seed: {e}"))))
        .collect()
}

/// Random `[A-Za-z0-9._]` string (the character set of real `sid` values).
pub fn random_token(len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}

/// The shared, lockable state plus the immutable configuration.
#[derive(Debug)]
pub struct Shared {
    /// Configuration.
    pub config: SimConfig,
    state: Mutex<SimState>,
}

impl Shared {
    /// Wraps fresh state.
    pub fn new(config: SimConfig) -> Result<Self, SimError> {
        let state = SimState::new(&config)?;
        Ok(Self {
            config,
            state: Mutex::new(state),
        })
    }

    /// Locks the state (a panic elsewhere does not make the sim unusable).
    pub fn lock(&self) -> MutexGuard<'_, SimState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
