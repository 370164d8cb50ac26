//! The seeded fault-schedule oracle of the generator's apply (issue #10): one running simulated
//! org, reset between schedules; each schedule, from its seed alone, picks a scenario (create
//! or update, per-type or composite calls, with or without Convert Leads, whose object-permission
//! prerequisite makes a second update of the set) and faults on the calls the core sends, forward and
//! undo alike: refused; run with the answer lost (connection cut, body cut short, malformed
//! body, a gateway's 502/503); one record refused where the API allows partial success; the
//! session expiring; the API allowance spent; the worker stopping before a call is sent, after
//! it is sent, after its answer is journalled; a second admin assigning the same licence,
//! editing the same set, creating a same-named set. The admin then does what an admin would:
//! resumes, logs in again, waits for the allowance, presses "Finish clean-up".
//!
//! The verdict is the sim's state, never the core's belief: every record the apply touched is
//! exactly as planned or exactly as before, what the other admin did is unchanged, what is left
//! otherwise is listed for the admin, and the journal and the page's message say which. A
//! failing schedule prints its seed; `FF_SEED=<seed>` replays exactly that one (`FF_SCENARIOS=4` for a seed
//! found before the Convert Leads scenarios were appended).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use crate::support::{blocking_send, LoggedInJar};
use forcefield::generator::journal_store::{self, Stored};
use forcefield::generator::view::{ApplyStatus, ApplyView, AttentionReason, PlanView, StepKind};
use forcefield::model::{FieldAccess, LicenseChoice, ObjectAccess, PermissionSetSpec};
use forcefield::platform::memory::MemoryStorage;
use forcefield::platform::{
    Area, Host, HttpRequest, HttpResponse, KeyValueStore, Method, StorageError, SystemClock,
    Transport, TransportError,
};
use forcefield::protocol::generator::{
    AccessSource, ApplyProgress, ContinueApply, FinishCleanUp, GeneratorReply, ListPendingApplies,
    LoadAccess, LoadedSpec, PendingApplies, PlanPermissionSet, Planned, StartApply,
};
use forcefield::protocol::{Failed, PageRequest, Reply};
use forcefield::salesforce::{CookieSessions, OrgId};
use org_sim::{Fault, FaultKind, RunningSim, SimConfig};
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};

pub const ACME: &str = "https://acme.my.salesforce-setup.com/lightning/setup/SetupOneHome/home";
const ADMIN: &str = "admin@acme.example";
const OTHER_ADMIN: &str = "grace.hopper@acme.example";
const DATA: &str = "/services/data/v66.0";
/// The objects whose records the oracle compares (the apply writes only the first five; the
/// licence's seat count and users are where a side effect could show).
const OBJECTS: [&str; 7] = [
    "PermissionSet",
    "ObjectPermissions",
    "FieldPermissions",
    "PermissionSetAssignment",
    "PermissionSetLicenseAssign",
    "PermissionSetLicense",
    "User",
];

/// splitmix64: the schedule's only source of choices.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// What can happen to one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Injected {
    Refused,
    Cut,
    Truncated,
    Malformed,
    BadGateway,
    Unavailable,
    PartialFailure,
    SessionExpired,
    AllowanceSpent,
    StopBeforeSend,
    StopAfterSend,
    StopAfterJournal,
    OtherAdmin,
    /// The connection breaks after the request ran and the browser sends it again on a new
    /// connection, as Chromium does when a reused connection breaks before any answer: the second
    /// answer is the one the core sees.
    Resent,
}

/// What a schedule picks from (the other admin twice: their actions need the right moment, and
/// half the time it isn't there).
const MENU: [Injected; 15] = [
    Injected::Refused,
    Injected::Cut,
    Injected::Truncated,
    Injected::Malformed,
    Injected::BadGateway,
    Injected::Unavailable,
    Injected::PartialFailure,
    Injected::SessionExpired,
    Injected::AllowanceSpent,
    Injected::StopBeforeSend,
    Injected::StopAfterSend,
    Injected::StopAfterJournal,
    Injected::OtherAdmin,
    Injected::OtherAdmin,
    Injected::Resent,
];

/// One of the applies schedules run.
pub struct Scenario {
    pub name: &'static str,
    pub spec: PermissionSetSpec,
    pub assignee: Option<String>,
    pub target: Option<String>,
    pub composite: bool,
    /// The sim's records before the apply.
    pub before: Norm,
    /// After the same apply without faults.
    pub planned: Norm,
    pub psl_id: String,
    /// Digests of the records before, by Id (to find what changed cheaply).
    pub before_digests: BTreeMap<String, u64>,
    /// The keys the plan changes.
    pub touched: BTreeSet<String>,
    /// A set this apply creates and then updates (Convert Leads after its object permission,
    /// salesforce.md §I.14), as its create left it: what it holds when the undo took the update
    /// back and could not delete the set (listed for the admin).
    pub created_as: Norm,
}

/// The sim's records now, as the changes against a scenario's `before` (only changed records
/// are read back).
pub struct Now<'a> {
    base: &'a Norm,
    removed: BTreeSet<String>,
    inserted: Norm,
    /// Every record Id now.
    pub ids: BTreeSet<String>,
}

impl Now<'_> {
    pub fn get(&self, key: &str) -> Option<&(String, Value)> {
        self.inserted.get(key).or_else(|| {
            if self.removed.contains(key) {
                None
            } else {
                self.base.get(key)
            }
        })
    }

    /// The keys of records that changed since `before`.
    pub fn changed(&self) -> BTreeSet<String> {
        self.removed
            .iter()
            .chain(self.inserted.keys())
            .cloned()
            .collect()
    }
}

/// Records by natural key: (Id, the fields that matter).
pub type Norm = BTreeMap<String, (String, Value)>;

/// The sim's records of [`OBJECTS`], keyed as the apply keys them, audit fields and Ids aside.
pub fn normalize(dump: &Value) -> Norm {
    let rows = |object: &str| dump[object].as_array().cloned().unwrap_or_default();
    let set_names: BTreeMap<String, String> = rows("PermissionSet")
        .iter()
        .map(|r| {
            (
                r["Id"].as_str().unwrap_or_default().to_owned(),
                r["Name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let set_name = |id: &Value| {
        set_names
            .get(id.as_str().unwrap_or_default())
            .cloned()
            .unwrap_or_else(|| format!("?{}", id.as_str().unwrap_or_default()))
    };
    let strip = |row: &Value, also: &[&str]| {
        let mut row = row.as_object().cloned().unwrap_or_default();
        for field in [
            "Id",
            "CreatedById",
            "CreatedDate",
            "LastModifiedById",
            "LastModifiedDate",
            "SystemModstamp",
            "IsDeleted",
        ]
        .iter()
        .chain(also)
        {
            row.remove(*field);
        }
        Value::Object(row)
    };
    let mut out = Norm::new();
    for object in OBJECTS {
        for row in rows(object) {
            let id = row["Id"].as_str().unwrap_or_default().to_owned();
            let (key, value) = match object {
                "PermissionSet" => (
                    format!("PS {}", row["Name"].as_str().unwrap_or_default()),
                    strip(&row, &[]),
                ),
                "ObjectPermissions" => (
                    format!(
                        "OP {} {}",
                        set_name(&row["ParentId"]),
                        row["SobjectType"].as_str().unwrap_or_default()
                    ),
                    strip(&row, &["ParentId"]),
                ),
                "FieldPermissions" => (
                    format!(
                        "FP {} {}",
                        set_name(&row["ParentId"]),
                        row["Field"].as_str().unwrap_or_default()
                    ),
                    strip(&row, &["ParentId"]),
                ),
                "PermissionSetAssignment" => (
                    format!(
                        "PSA {} {} {}",
                        row["AssigneeId"].as_str().unwrap_or_default(),
                        set_name(&row["PermissionSetId"]),
                        row["PermissionSetGroupId"].as_str().unwrap_or_default()
                    ),
                    strip(&row, &["PermissionSetId"]),
                ),
                "PermissionSetLicenseAssign" => (
                    format!(
                        "PSLA {} {}",
                        row["AssigneeId"].as_str().unwrap_or_default(),
                        row["PermissionSetLicenseId"].as_str().unwrap_or_default()
                    ),
                    strip(&row, &[]),
                ),
                // Seat counts follow the assignments (derived).
                "PermissionSetLicense" => (format!("PSL {id}"), strip(&row, &["UsedLicenses"])),
                _ => (format!("{object} {id}"), strip(&row, &[])),
            };
            out.insert(key, (id, value));
        }
    }
    out
}

/// Storage that stops taking writes when the worker "stops" (what it would have written is
/// lost), and that can stop the worker right after the next journal save.
#[derive(Default)]
pub struct Worker {
    pub storage: MemoryStorage,
    pub stopped: Cell<bool>,
    pub stop_after_journal: Cell<bool>,
}

impl KeyValueStore for Worker {
    async fn get(&self, area: Area, key: &str) -> Result<Option<Value>, StorageError> {
        self.storage.get(area, key).await
    }
    async fn set(&self, area: Area, key: &str, value: Value) -> Result<(), StorageError> {
        if self.stopped.get() {
            return Ok(());
        }
        self.storage.set(area, key, value).await?;
        if key.starts_with("generatorApply:") && self.stop_after_journal.get() {
            self.stop_after_journal.set(false);
            self.stopped.set(true);
        }
        Ok(())
    }
    async fn keys(&self, area: Area, prefix: &str) -> Result<Vec<String>, StorageError> {
        self.storage.keys(area, prefix).await
    }
}

/// What the other admin did, and what the sim held right after.
#[derive(Clone, Debug, Default)]
pub struct OtherAdmin {
    pub action: String,
    /// The fields their action changed, by record key (`EXISTS` for a created or deleted record).
    pub changed: BTreeMap<String, BTreeMap<String, Value>>,
}

/// The pseudo-field that says whether a record exists.
const EXISTS: &str = "(exists)";

/// A record as fields, with [`EXISTS`]; an absent record is only `EXISTS: false`.
fn fields_of(record: Option<&(String, Value)>) -> BTreeMap<String, Value> {
    let mut fields: BTreeMap<String, Value> = record
        .and_then(|(_, value)| value.as_object())
        .map(|map| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    fields.insert(EXISTS.to_owned(), Value::Bool(record.is_some()));
    fields
}

/// The fields that differ between two versions of a record.
fn diff(a: Option<&(String, Value)>, b: Option<&(String, Value)>) -> BTreeMap<String, Value> {
    let (a, b) = (fields_of(a), fields_of(b));
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    // A deleted record's fields are gone with it: only its existence changed.
    names
        .into_iter()
        .filter(|name| a.get(*name) != b.get(*name))
        .filter_map(|name| Some((name.clone(), b.get(name)?.clone())))
        .collect()
}

/// The transport of a schedule: the sim, with faults chosen call by call from the seed.
pub struct Faulty<'a> {
    pub lab: &'a Lab,
    pub scenario: &'a Scenario,
    pub worker: &'a Worker,
    pub rng: RefCell<Rng>,
    pub faults_left: Cell<u32>,
    pub calls: Cell<u32>,
    pub log: RefCell<Vec<String>>,
    pub session_expired: Cell<bool>,
    pub allowance_spent: Cell<bool>,
    pub other: RefCell<Option<OtherAdmin>>,
    /// The other admin's action may not repeat the last write while it is in flight with a
    /// lost answer (README "When things fail": an identical change by someone else in that
    /// window is indistinguishable from the apply's own).
    pub last_write: RefCell<Option<String>>,
    /// Set once the apply has started: the other admin acts only while it runs (what they do
    /// before the preview the admin confirms is simply the org the preview shows; between the
    /// preview and the start, `startApply` answers the new preview — tests/generator_lost_answers.rs).
    pub started: Cell<bool>,
    /// Faults on particular calls instead of the seed's (the regression tests): the first entry
    /// whose matcher takes a call fires on it, once.
    pub script: RefCell<Vec<Scripted>>,
    /// The other admin's action a script chose.
    pub other_choice: Cell<Option<u64>>,
}

/// One scripted fault: on the first call `when` takes.
pub struct Scripted {
    pub when: Box<dyn Fn(&HttpRequest) -> bool>,
    pub fault: Injected,
    /// For [`Injected::OtherAdmin`]: which action (see `Lab::other_admin`).
    pub other: Option<u64>,
}

impl Scripted {
    pub fn on(when: impl Fn(&HttpRequest) -> bool + 'static, fault: Injected) -> Self {
        Self {
            when: Box::new(when),
            fault,
            other: None,
        }
    }
    /// The other admin does action `choice` just before the call `when` takes.
    pub fn other_admin(when: impl Fn(&HttpRequest) -> bool + 'static, choice: u64) -> Self {
        Self {
            when: Box::new(when),
            fault: Injected::OtherAdmin,
            other: Some(choice),
        }
    }
}

/// Matchers for scripts: a write of this sObject type sent with `allOrNone` true (forward) or
/// false (undo).
pub fn write_of(sobject: &'static str, forward: bool) -> impl Fn(&HttpRequest) -> bool {
    move |request: &HttpRequest| {
        let body = request.body.as_deref().unwrap_or_default();
        let aon = if forward {
            "allOrNone=true"
        } else {
            "allOrNone=false"
        };
        let body_aon = if forward {
            "\"allOrNone\":true"
        } else {
            "\"allOrNone\":false"
        };
        let typed = body.contains(&format!("\"type\":\"{sobject}\""))
            || body.contains(&format!("/sobjects/{sobject}\""))
            // The guarded delete of a created set (a composite naming its row by reference).
            || body.contains(&format!("/sobjects/{sobject}/@{{"));
        let prefix = match sobject {
            "PermissionSet" => "0PS",
            "ObjectPermissions" => "110",
            "FieldPermissions" => "01k",
            "PermissionSetAssignment" => "0Pa",
            _ => "2LA",
        };
        request.method != Method::Get
            && request.url.contains("/composite")
            && ((typed && body.contains(body_aon))
                || (request.method == Method::Delete
                    && request.url.contains(aon)
                    && request.url.contains(&format!("ids={prefix}"))))
    }
}

/// Matcher for a composite request that writes (allOrNone true).
pub fn composite_write(request: &HttpRequest) -> bool {
    request.url.ends_with("/composite") && is_write(request)
}

fn is_write(request: &HttpRequest) -> bool {
    match request.method {
        Method::Get => false,
        Method::Post => {
            // Composite reads are POSTs too: a composite whose subrequests are all GETs reads.
            !(request.url.ends_with("/composite")
                && request.body.as_deref().is_some_and(|b| {
                    !b.contains("\"method\":\"POST\"")
                        && !b.contains("\"method\":\"PATCH\"")
                        && !b.contains("\"method\":\"DELETE\"")
                }))
        }
        _ => true,
    }
}

fn allows_partial(request: &HttpRequest) -> bool {
    request.url.contains("/composite/sobjects")
        && (request.url.contains("allOrNone=false")
            || request
                .body
                .as_deref()
                .is_some_and(|b| b.contains("\"allOrNone\":false")))
}

fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    path.split('?').next().unwrap_or(path).to_owned()
}

impl Faulty<'_> {
    fn note(&self, text: String) {
        self.log.borrow_mut().push(text);
    }

    fn pick(&self, request: &HttpRequest) -> Option<Injected> {
        {
            let mut script = self.script.borrow_mut();
            if let Some(i) = script
                .iter()
                .position(|entry| entry.fault != Injected::OtherAdmin && (entry.when)(request))
            {
                return Some(script.remove(i).fault);
            }
        }
        if self.faults_left.get() == 0 {
            return None;
        }
        let mut rng = self.rng.borrow_mut();
        if !rng.chance(22) {
            return None;
        }
        for _ in 0..8 {
            let fault = MENU[rng.below(MENU.len() as u64) as usize];
            let fits = match fault {
                Injected::PartialFailure => allows_partial(request),
                Injected::OtherAdmin => self.started.get() && self.other.borrow().is_none(),
                _ => true,
            };
            if fits {
                self.faults_left.set(self.faults_left.get() - 1);
                return Some(fault);
            }
        }
        None
    }

    /// Adds what the other admin just did to what they did before (later changes win).
    fn record_other(&self, done: Option<OtherAdmin>) {
        let Some(done) = done else { return };
        let mut other = self.other.borrow_mut();
        match other.as_mut() {
            None => *other = Some(done),
            Some(earlier) => {
                earlier.action = format!("{}; then {}", earlier.action, done.action);
                for (key, fields) in done.changed {
                    if fields.get(EXISTS) == Some(&Value::Bool(false)) {
                        earlier.changed.insert(key, fields);
                    } else {
                        earlier.changed.entry(key).or_default().extend(fields);
                    }
                }
            }
        }
    }

    fn send_now(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let answer = blocking_send(&self.lab.agent, request);
        // A fault armed for this call never outlives it.
        self.lab.sim.clear_faults();
        answer
    }
}

impl Transport for Faulty<'_> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if self.worker.stopped.get() {
            return Err(TransportError::Unreachable("the worker stopped".to_owned()));
        }
        let n = self.calls.get();
        self.calls.set(n + 1);
        let path = path_of(&request.url);
        let method = request.method.as_str().to_owned();
        let write = is_write(&request);
        if std::env::var("FF_TRACE").is_ok() {
            eprintln!("call {n} {method} {}", request.url);
        }
        // A scripted other admin acts just before the call (and the call may still get a fault).
        let other = {
            let mut script = self.script.borrow_mut();
            script
                .iter()
                .position(|entry| entry.fault == Injected::OtherAdmin && (entry.when)(&request))
                .map(|i| script.remove(i))
        };
        if let Some(entry) = other {
            self.other_choice.set(entry.other);
            let done = self.lab.other_admin(
                self.scenario,
                &mut self.rng.borrow_mut(),
                None,
                self.other_choice.take(),
            );
            if let Some(other) = &done {
                self.note(format!("call {n}: the other admin {}", other.action));
            }
            self.record_other(done);
        }
        let fault = self.pick(&request);
        if let Some(fault) = fault {
            self.note(format!("call {n} {method} {path}: {fault:?}"));
        }
        let arm = |kind: FaultKind| Fault::matching(kind, &method, &path);
        match fault {
            None => {}
            Some(Injected::Refused) => {
                self.lab.sim.add_fault(arm(FaultKind::Fail).with_status(
                    500,
                    "UNKNOWN_EXCEPTION",
                    "An unexpected error occurred.",
                ));
            }
            Some(Injected::Cut) => {
                self.lab.sim.add_fault(arm(FaultKind::Cut));
            }
            Some(Injected::Truncated) => {
                self.lab.sim.add_fault(arm(FaultKind::Truncate));
            }
            Some(Injected::Malformed) => {
                self.lab.sim.add_fault(arm(FaultKind::MalformedJson));
            }
            Some(Injected::BadGateway) => {
                self.lab
                    .sim
                    .add_fault(arm(FaultKind::FailAfterCommit).with_status(502, "", ""));
            }
            Some(Injected::Unavailable) => {
                self.lab
                    .sim
                    .add_fault(arm(FaultKind::FailAfterCommit).with_status(503, "", ""));
            }
            Some(Injected::PartialFailure) => {
                let count = request
                    .url
                    .split("ids=")
                    .nth(1)
                    .map(|ids| ids.split('&').next().unwrap_or_default().split(',').count())
                    .or_else(|| {
                        request
                            .body
                            .as_deref()
                            .map(|b| b.matches("\"attributes\"").count())
                    })
                    .unwrap_or(1);
                let record = self.rng.borrow_mut().below(count.max(1) as u64) as usize;
                self.lab.sim.add_fault(
                    arm(FaultKind::PartialFailure)
                        .with_status(
                            200,
                            "UNABLE_TO_LOCK_ROW",
                            "unable to obtain exclusive access to this record",
                        )
                        .on_record(record),
                );
            }
            Some(Injected::SessionExpired) => {
                self.lab.sim.expire_sessions();
                self.session_expired.set(true);
            }
            Some(Injected::AllowanceSpent) => {
                self.lab.sim.spend_api_allowance("acme");
                self.allowance_spent.set(true);
            }
            Some(Injected::StopBeforeSend) => {
                self.worker.stopped.set(true);
                return Err(TransportError::Unreachable("the worker stopped".to_owned()));
            }
            Some(Injected::StopAfterSend) => {
                let _ = self.send_now(request);
                self.worker.stopped.set(true);
                return Err(TransportError::Unreachable("the worker stopped".to_owned()));
            }
            Some(Injected::StopAfterJournal) => {
                self.worker.stop_after_journal.set(true);
            }
            Some(Injected::Resent) => {
                self.lab.sim.add_fault(arm(FaultKind::Cut));
                let _ = self.send_now(request.clone());
            }
            Some(Injected::OtherAdmin) => {
                let last_write = self.last_write.borrow().clone();
                let mut rng = self.rng.borrow_mut();
                let done = self.lab.other_admin(
                    self.scenario,
                    &mut rng,
                    last_write.as_deref(),
                    self.other_choice.take(),
                );
                drop(rng);
                if let Some(other) = &done {
                    self.note(format!("  the other admin: {}", other.action));
                }
                self.record_other(done);
            }
        }
        if write {
            *self.last_write.borrow_mut() = Some(format!("{method} {path}"));
        }
        self.send_now(request)
    }
}

/// The sim, the admin's cookies, and the scenarios with their before and planned states.
pub struct Lab {
    pub sim: RunningSim,
    pub agent: ureq::Agent,
    pub jar: RefCell<LoggedInJar>,
    pub scenarios: Vec<Scenario>,
    pub admin_id: String,
}

impl Lab {
    pub fn start() -> Self {
        let sim = org_sim::start(SimConfig {
            // One sim for both: per-type calls never mix types, composite ones do (§H.Q3 [U]).
            allow_mixed_setup_types_in_composite: true,
            ..SimConfig::default()
        })
        .unwrap();
        let agent = sim.agent();
        let mut lab = Self {
            sim,
            agent,
            jar: RefCell::new(LoggedInJar::default()),
            scenarios: Vec::new(),
            admin_id: String::new(),
        };
        lab.log_in();
        lab.admin_id = lab.id_of("SELECT Id FROM User WHERE Username = 'admin@acme.example'");
        lab.scenarios = lab.scenarios();
        lab
    }

    pub fn log_in(&self) {
        self.jar.borrow_mut().log_in(
            &self.sim,
            "acme.my.salesforce.com",
            ADMIN,
            "/lightning/setup/SetupOneHome/home",
        );
    }

    /// A REST call as the other admin (inside the sim, never faulted).
    pub fn as_other(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        self.sim.api_as("acme", OTHER_ADMIN, method, path, body)
    }

    pub fn query(&self, soql: &str) -> Vec<Value> {
        let (_, body) = self.sim.api_as(
            "acme",
            ADMIN,
            "GET",
            &format!(
                "{DATA}/query?q={}",
                forcefield::salesforce::form_encode(soql)
            ),
            None,
        );
        body["records"].as_array().cloned().unwrap_or_default()
    }

    fn id_of(&self, soql: &str) -> String {
        self.query(soql)[0]["Id"].as_str().unwrap().to_owned()
    }

    pub fn state(&self) -> Norm {
        normalize(&self.sim.state_dump_of("acme", &OBJECTS))
    }

    /// The records now, against `scenario`'s before: only the records whose digest changed are
    /// dumped (all permission sets too, for their names).
    pub fn now<'a>(&self, scenario: &'a Scenario) -> Now<'a> {
        let digests = self.sim.record_digests("acme", &OBJECTS);
        let mut changed: BTreeSet<String> = digests
            .iter()
            .filter(|(id, digest)| scenario.before_digests.get(*id) != Some(*digest))
            .map(|(id, _)| id.clone())
            .collect();
        changed.extend(
            scenario
                .before_digests
                .keys()
                .filter(|id| !digests.contains_key(*id))
                .cloned(),
        );
        let partial = normalize(&self.sim.state_dump_ids(
            "acme",
            &OBJECTS,
            &changed,
            &["PermissionSet"],
        ));
        let removed = scenario
            .before
            .iter()
            .filter(|(_, (id, _))| changed.contains(id))
            .map(|(key, _)| key.clone())
            .collect();
        let inserted = partial
            .into_iter()
            .filter(|(_, (id, _))| changed.contains(id))
            .collect();
        Now {
            base: &scenario.before,
            removed,
            inserted,
            ids: digests.into_keys().collect(),
        }
    }

    /// Runs one request as the extension page does, through `host`.
    pub fn ask(&self, worker: &Worker, transport: &Faulty<'_>, request: PageRequest) -> Reply {
        let jar = self.jar.borrow();
        let host = Host {
            sessions: CookieSessions(&*jar),
            transport,
            storage: worker,
            clock: SystemClock,
        };
        pollster::block_on(forcefield::router::answer_page(&host, request))
    }

    /// The same request without faults (setting scenarios up).
    fn ask_clean(&self, worker: &Worker, request: PageRequest) -> Reply {
        let jar = self.jar.borrow();
        let host = Host {
            sessions: CookieSessions(&*jar),
            transport: crate::support::SimTransport(self.agent.clone()),
            storage: worker,
            clock: SystemClock,
        };
        pollster::block_on(forcefield::router::answer_page(&host, request))
    }

    fn scenarios(&self) -> Vec<Scenario> {
        let marketo = self.id_of("SELECT Id FROM User WHERE Username = 'int-marketo@acme.example'");
        let tableau = self.id_of("SELECT Id FROM User WHERE Username = 'int-tableau@acme.example'");
        let psl_id =
            self.id_of("SELECT Id FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'");
        let create = PermissionSetSpec {
            name: "FF_Schedule".into(),
            label: "Integration – Schedule".into(),
            description: "Written by the fault schedules".into(),
            license: LicenseChoice::None,
            objects: [
                (
                    "Account".to_owned(),
                    ObjectAccess {
                        edit: true,
                        ..ObjectAccess::default()
                    },
                ),
                ("Contact".to_owned(), ObjectAccess::read_only()),
            ]
            .into(),
            fields: [
                ("Account.Industry".to_owned(), FieldAccess::ReadEdit),
                ("Account.Phone".to_owned(), FieldAccess::Read),
                ("Contact.Email".to_owned(), FieldAccess::ReadEdit),
            ]
            .into(),
            system_permissions: ["PasswordNeverExpires".to_owned()].into(),
            assignment_expiration: None,
        };
        let netsuite =
            self.id_of("SELECT Id FROM PermissionSet WHERE Name = 'NetSuite_Integration'");
        let worker = Worker::default();
        let mut update = match self.ask_clean(
            &worker,
            PageRequest::from(LoadAccess {
                org_url: ACME.into(),
                source: AccessSource::PermissionSet {
                    permission_set_id: netsuite.clone(),
                },
            }),
        ) {
            Reply::Generator(GeneratorReply::Spec(LoadedSpec { spec, .. })) => spec,
            other => panic!("{other:?}"),
        };
        update.label = "NetSuite Integration – revised".into();
        update.objects.remove("Contact");
        update.fields.remove("Contact.Email");
        update.fields.remove("Account.AccountNumber");
        update
            .fields
            .insert("Account.Phone".into(), FieldAccess::Read);
        update
            .fields
            .insert("Account.Industry".into(), FieldAccess::ReadEdit);
        update
            .objects
            .insert("Opportunity".into(), ObjectAccess::read_only());
        if let Some(invoice) = update.objects.get_mut("Invoice__c") {
            invoice.delete = false;
        }
        update.system_permissions.remove("PasswordNeverExpires");
        // Convert Leads requires Create on Account (a PermissionDependency row of type "Object
        // Permission", salesforce.md §I.14): the set's second update, after its object permissions.
        let mut create_convert = create.clone();
        create_convert
            .system_permissions
            .insert("ConvertLeads".into());
        let mut update_convert = update.clone();
        update_convert
            .system_permissions
            .insert("ConvertLeads".into());
        let mut scenarios = Vec::new();
        for (name, spec, assignee, target, composite) in [
            (
                "create, per type",
                create.clone(),
                Some(marketo.clone()),
                None,
                false,
            ),
            (
                "create, composite",
                create,
                Some(marketo.clone()),
                None,
                true,
            ),
            (
                "update, per type",
                update.clone(),
                Some(tableau.clone()),
                Some(netsuite.clone()),
                false,
            ),
            (
                "update, composite",
                update,
                Some(tableau.clone()),
                Some(netsuite.clone()),
                true,
            ),
            // Appended, so the scenarios above keep their numbers (`run_scripted`).
            (
                "create with Convert Leads, per type",
                create_convert.clone(),
                Some(marketo.clone()),
                None,
                false,
            ),
            (
                "create with Convert Leads, composite",
                create_convert,
                Some(marketo.clone()),
                None,
                true,
            ),
            (
                "update with Convert Leads, per type",
                update_convert.clone(),
                Some(tableau.clone()),
                Some(netsuite.clone()),
                false,
            ),
            (
                "update with Convert Leads, composite",
                update_convert,
                Some(tableau.clone()),
                Some(netsuite.clone()),
                true,
            ),
        ] {
            let created_as = if target.is_none() {
                self.created_as(&spec, assignee.as_deref())
            } else {
                Norm::new()
            };
            self.sim.reset();
            let before = self.state();
            let worker = Worker::default();
            let plan = self.preview(
                &worker,
                &spec,
                assignee.as_deref(),
                target.as_deref(),
                composite,
            );
            assert!(plan.blockers.is_empty(), "{name}: {:?}", plan.blockers);
            let mut apply = match self.ask_clean(
                &worker,
                start(
                    &spec,
                    assignee.as_deref(),
                    target.as_deref(),
                    composite,
                    Some(plan.fingerprint),
                ),
            ) {
                Reply::Generator(GeneratorReply::ApplyProgress(ApplyProgress { apply })) => apply,
                other => panic!("{name}: {other:?}"),
            };
            while apply.status == ApplyStatus::Running {
                apply = match self.ask_clean(
                    &worker,
                    PageRequest::from(ContinueApply {
                        org_url: ACME.into(),
                        apply_id: apply.apply_id.clone(),
                    }),
                ) {
                    Reply::Generator(GeneratorReply::ApplyProgress(ApplyProgress { apply })) => {
                        apply
                    }
                    other => panic!("{name}: {other:?}"),
                };
            }
            assert_eq!(apply.status, ApplyStatus::Done, "{name}: {apply:?}");
            let planned = self.state();
            assert_ne!(before, planned, "{name} changes something");
            let touched = before
                .keys()
                .chain(planned.keys())
                .filter(|key| fields_of(before.get(*key)) != fields_of(planned.get(*key)))
                .cloned()
                .collect();
            self.sim.reset();
            let before_digests = self.sim.record_digests("acme", &OBJECTS);
            scenarios.push(Scenario {
                name,
                spec,
                assignee,
                target,
                composite,
                before,
                planned,
                psl_id: psl_id.clone(),
                before_digests,
                touched,
                created_as,
            });
        }
        self.sim.reset();
        scenarios
    }

    /// The set `spec` creates, as the apply's create left it, where a later write of the same
    /// apply updates it (empty otherwise): read after each per-type call of a faultless apply.
    fn created_as(&self, spec: &PermissionSetSpec, assignee: Option<&str>) -> Norm {
        self.sim.reset();
        let worker = Worker::default();
        let plan = self.preview(&worker, spec, assignee, None, false);
        let updated_later = plan
            .steps
            .iter()
            .skip(1)
            .any(|step| step.kind == StepKind::PermissionSet);
        if !updated_later {
            return Norm::new();
        }
        let key = format!("PS {}", spec.name);
        let mut apply = match self.ask_clean(
            &worker,
            start(spec, assignee, None, false, Some(plan.fingerprint)),
        ) {
            Reply::Generator(GeneratorReply::ApplyProgress(ApplyProgress { apply })) => apply,
            other => panic!("{other:?}"),
        };
        loop {
            if let Some(created) = self.state().remove(&key) {
                return [(key, created)].into();
            }
            assert_eq!(apply.status, ApplyStatus::Running, "{apply:?}");
            apply = match self.ask_clean(
                &worker,
                PageRequest::from(ContinueApply {
                    org_url: ACME.into(),
                    apply_id: apply.apply_id.clone(),
                }),
            ) {
                Reply::Generator(GeneratorReply::ApplyProgress(ApplyProgress { apply })) => apply,
                other => panic!("{other:?}"),
            };
        }
    }

    fn preview(
        &self,
        worker: &Worker,
        spec: &PermissionSetSpec,
        assignee: Option<&str>,
        target: Option<&str>,
        composite: bool,
    ) -> PlanView {
        match self.ask_clean(
            worker,
            PageRequest::from(PlanPermissionSet {
                org_url: ACME.into(),
                spec: spec.clone(),
                assignee_id: assignee.map(str::to_owned),
                target_permission_set_id: target.map(str::to_owned),
                use_composite: composite,
            }),
        ) {
            Reply::Generator(GeneratorReply::Plan(Planned { plan })) => plan,
            other => panic!("{other:?}"),
        }
    }

    /// One action of the other admin, chosen from what applies now; `None` when it could not
    /// be done (it had no effect).
    fn other_admin(
        &self,
        scenario: &Scenario,
        rng: &mut Rng,
        in_flight: Option<&str>,
        choice: Option<u64>,
    ) -> Option<OtherAdmin> {
        let set_name = &scenario.spec.name;
        let assignee = scenario.assignee.clone().unwrap_or_default();
        let ours = self.query(&format!(
            "SELECT Id, CreatedById, Label FROM PermissionSet WHERE Name = '{set_name}'"
        ));
        let set_id = ours
            .first()
            .map(|r| r["Id"].as_str().unwrap_or_default().to_owned());
        let before = self.state();
        let choice = choice.unwrap_or_else(|| rng.below(6));
        let action = match choice {
            0 => {
                let (status, body) = self.as_other(
                    "POST",
                    &format!("{DATA}/sobjects/PermissionSetLicenseAssign"),
                    Some(
                        &json!({"AssigneeId": assignee, "PermissionSetLicenseId": scenario.psl_id}),
                    ),
                );
                format!("assigns the same licence to the same user: {status} {body}")
            }
            1 => {
                let (status, body) = self.as_other(
                    "POST",
                    &format!("{DATA}/sobjects/PermissionSet"),
                    Some(&json!({"Name": set_name, "Label": format!("{set_name} (other admin)"), "Description": "Made by another admin"})),
                );
                format!("creates a set of the same name: {status} {body}")
            }
            2 => {
                // Edits the set this apply writes, where nothing of the plan is still to write
                // (a change there before the apply writes it is overwritten: the blind-write
                // window README "When things fail" names).
                let id = set_id.as_ref()?;
                let label_done = ours
                    .first()
                    .is_some_and(|r| r["Label"].as_str() == Some(scenario.spec.label.as_str()));
                if !label_done {
                    return None;
                }
                let (status, body) = self.as_other(
                    "PATCH",
                    &format!("{DATA}/sobjects/PermissionSet/{id}"),
                    Some(&json!({"Description": "Edited by another admin"})),
                );
                format!("edits the set's description: {status} {body}")
            }
            3 => {
                // Adds a field permission the plan doesn't touch to the same set.
                let id = set_id.as_ref()?;
                let (status, body) = self.as_other(
                    "POST",
                    &format!("{DATA}/sobjects/FieldPermissions"),
                    Some(&json!({"ParentId": id, "SobjectType": "Account", "Field": "Account.Rating", "PermissionsRead": true, "PermissionsEdit": false})),
                );
                format!("adds Account.Rating to the same set: {status} {body}")
            }
            5 => {
                // Changes again a field permission this apply already changed (as another apply
                // outside this browser profile would): it must survive this apply's undo.
                let id = set_id.as_ref()?;
                let rows = self.query(&format!(
                    "SELECT Id, PermissionsEdit FROM FieldPermissions WHERE ParentId = '{id}' AND Field = 'Account.Phone'"
                ));
                let row = rows.first()?;
                let planned_edit =
                    scenario.spec.fields.get("Account.Phone") == Some(&FieldAccess::ReadEdit);
                if row["PermissionsEdit"].as_bool() != Some(planned_edit) {
                    return None;
                }
                let row_id = row["Id"].as_str().unwrap_or_default();
                let (status, body) = self.as_other(
                    "DELETE",
                    &format!("{DATA}/sobjects/FieldPermissions/{row_id}"),
                    None,
                );
                format!("removes Account.Phone from the same set after this apply changed it: {status} {body}")
            }
            _ => {
                // Assigns the same set to another user.
                let id = set_id.as_ref()?;
                if in_flight.is_some_and(|w| w.contains("PermissionSetAssignment")) {
                    return None;
                }
                let alan =
                    self.id_of("SELECT Id FROM User WHERE Username = 'alan.turing@acme.example'");
                let (status, body) = self.as_other(
                    "POST",
                    &format!("{DATA}/sobjects/PermissionSetAssignment"),
                    Some(&json!({"AssigneeId": alan, "PermissionSetId": id})),
                );
                format!("assigns the same set to Alan Turing: {status} {body}")
            }
        };
        let after = self.state();
        let mut changed = BTreeMap::new();
        for key in before.keys().chain(after.keys()) {
            let fields = diff(before.get(key), after.get(key));
            if !fields.is_empty() {
                changed.insert(key.clone(), fields);
            }
        }
        Some(OtherAdmin { action, changed })
    }
}

fn start(
    spec: &PermissionSetSpec,
    assignee: Option<&str>,
    target: Option<&str>,
    composite: bool,
    fingerprint: Option<String>,
) -> PageRequest {
    PageRequest::from(StartApply {
        org_url: ACME.into(),
        spec: spec.clone(),
        assignee_id: assignee.map(str::to_owned),
        target_permission_set_id: target.map(str::to_owned),
        use_composite: composite,
        confirmed_production: true,
        fingerprint,
        apply_id: None,
    })
}

/// How a schedule ended.
#[derive(Debug)]
pub struct Outcome {
    pub seed: u64,
    pub scenario: &'static str,
    pub status: Option<ApplyStatus>,
    pub faults: Vec<String>,
    pub violations: Vec<String>,
}

/// How many of the lab's scenarios the seeds choose from: all, or the first `FF_SCENARIOS`
/// (`FF_SCENARIOS=4` replays a seed found before the Convert Leads scenarios were appended exactly
/// as it ran then).
fn scenario_count(lab: &Lab) -> u64 {
    let all = lab.scenarios.len() as u64;
    std::env::var("FF_SCENARIOS")
        .ok()
        .and_then(|n| n.parse::<u64>().ok())
        .map_or(all, |n| n.clamp(1, all))
}

/// Runs the schedule of `seed` and judges it.
pub fn run(lab: &Lab, seed: u64) -> Outcome {
    run_among(lab, seed, scenario_count(lab))
}

/// Runs the schedule of `seed` as it runs when the seeds choose among the first `scenarios`
/// of the lab's scenarios (4: as seeds ran before the Convert Leads scenarios were appended).
pub fn run_among(lab: &Lab, seed: u64, scenarios: u64) -> Outcome {
    let mut rng = Rng::new(seed);
    let scenario = rng.below(scenarios.clamp(1, lab.scenarios.len() as u64)) as usize;
    let faults = rng.below(5) as u32;
    // Besides the faults drawn call by call, half the schedules have their last write refused
    // (so the undo runs with whatever state the other faults left), and a third have the other
    // admin act just before one of the writes.
    let mut script = Vec::new();
    const TYPES: [&str; 5] = [
        "PermissionSet",
        "PermissionSetLicenseAssign",
        "ObjectPermissions",
        "FieldPermissions",
        "PermissionSetAssignment",
    ];
    if rng.chance(33) {
        let choice = rng.below(6);
        // The same licence or a same-named set, just before this apply's own create of it,
        // often with that create's answer lost: ownership must come from the proofs, not keys.
        let before = match choice {
            0 => "PermissionSetLicenseAssign",
            1 => "PermissionSet",
            _ => TYPES[rng.below(TYPES.len() as u64) as usize],
        };
        script.push(Scripted::other_admin(write_of(before, true), choice));
        if choice <= 1 && rng.chance(50) {
            const LOST: [Injected; 5] = [
                Injected::Cut,
                Injected::Truncated,
                Injected::Malformed,
                Injected::BadGateway,
                Injected::StopAfterSend,
            ];
            let lost = LOST[rng.below(LOST.len() as u64) as usize];
            script.push(Scripted::on(write_of(before, true), lost));
        }
    }
    if rng.chance(50) {
        script.push(Scripted::on(
            write_of("PermissionSetAssignment", true),
            Injected::Refused,
        ));
    }
    run_with(lab, seed, rng, scenario, faults, script).0
}

/// Runs scenario `scenario` with exactly the `script`'s faults; the outcome and the apply's
/// last view.
pub fn run_scripted(
    lab: &Lab,
    scenario: usize,
    script: Vec<Scripted>,
) -> (Outcome, Option<ApplyView>) {
    run_with(lab, 0, Rng::new(0), scenario, 0, script)
}

fn run_with(
    lab: &Lab,
    seed: u64,
    rng: Rng,
    scenario: usize,
    faults: u32,
    script: Vec<Scripted>,
) -> (Outcome, Option<ApplyView>) {
    let scripted = !script.is_empty();
    let scenario = &lab.scenarios[scenario];
    lab.sim.reset();
    let worker = Worker::default();
    let faulty = Faulty {
        lab,
        scenario,
        worker: &worker,
        faults_left: Cell::new(faults),
        rng: RefCell::new(rng),
        calls: Cell::new(0),
        log: RefCell::new(Vec::new()),
        session_expired: Cell::new(false),
        allowance_spent: Cell::new(false),
        other: RefCell::new(None),
        last_write: RefCell::new(None),
        started: Cell::new(scripted && faults == 0),
        script: RefCell::new(script),
        other_choice: Cell::new(None),
    };
    let mut outcome = Outcome {
        seed,
        scenario: scenario.name,
        status: None,
        faults: Vec::new(),
        violations: Vec::new(),
    };
    let final_view = drive(lab, scenario, &worker, &faulty, &mut outcome);
    outcome.faults = faulty.log.borrow().clone();
    // Whatever the faults left armed or spent, the verdict reads the sim as it is.
    lab.sim.clear_faults();
    lab.sim.set_api_usage("acme", 0);
    if faulty.session_expired.get() {
        lab.log_in();
    }
    match &final_view {
        Some(view) => {
            outcome.status = Some(view.status);
            judge(
                lab,
                scenario,
                &worker,
                view,
                faulty.other.borrow().as_ref(),
                &mut outcome,
            );
        }
        None => {
            // Never started: nothing may have changed but what the other admin did.
            let other = faulty.other.borrow().clone();
            let finals = lab.now(scenario);
            for key in &finals.changed() {
                let changed = diff(scenario.before.get(key), finals.get(key));
                let theirs = other.as_ref().and_then(|o| o.changed.get(key));
                if changed
                    .iter()
                    .any(|(name, _)| theirs.is_none_or(|t| !t.contains_key(name)))
                {
                    outcome.violations.push(format!(
                        "{key} changed though no apply started: {changed:?}"
                    ));
                }
            }
        }
    }
    (outcome, final_view)
}

/// The admin's side: preview, apply, and whatever it takes to get the apply settled.
fn drive(
    lab: &Lab,
    scenario: &Scenario,
    worker: &Worker,
    faulty: &Faulty<'_>,
    outcome: &mut Outcome,
) -> Option<ApplyView> {
    let fix = |faulty: &Faulty<'_>| {
        // What an admin does when Forcefield says the session expired or the allowance is spent.
        if faulty.session_expired.replace(false) {
            lab.log_in();
        }
        if faulty.allowance_spent.replace(false) {
            lab.sim.set_api_usage("acme", 0);
        }
        worker.stopped.set(false);
    };
    let mut fingerprint = None;
    let mut apply: Option<ApplyView> = None;
    for _ in 0..6 {
        // Preview, then apply what was previewed.
        if fingerprint.is_none() {
            match lab.ask(
                worker,
                faulty,
                PageRequest::from(PlanPermissionSet {
                    org_url: ACME.into(),
                    spec: scenario.spec.clone(),
                    assignee_id: scenario.assignee.clone(),
                    target_permission_set_id: scenario.target.clone(),
                    use_composite: scenario.composite,
                }),
            ) {
                Reply::Generator(GeneratorReply::Plan(Planned { plan }))
                    if plan.blockers.is_empty() && !plan.steps.is_empty() =>
                {
                    fingerprint = Some(plan.fingerprint)
                }
                // The other admin made the plan impossible or empty: nothing to apply.
                Reply::Generator(GeneratorReply::Plan(_)) => return None,
                _ => {
                    fix(faulty);
                    continue;
                }
            }
        }
        match lab.ask(
            worker,
            faulty,
            start(
                &scenario.spec,
                scenario.assignee.as_deref(),
                scenario.target.as_deref(),
                scenario.composite,
                fingerprint.clone(),
            ),
        ) {
            // A stopped worker's answer never reaches the page: it finds the apply pending, or
            // nothing (the journal was never saved) and starts again.
            Reply::Generator(GeneratorReply::ApplyProgress(_)) if worker.stopped.get() => {
                fix(faulty);
                if let Some(pending) = pending(lab, worker, faulty) {
                    apply = Some(pending);
                    break;
                }
                fingerprint = None;
            }
            Reply::Generator(GeneratorReply::ApplyProgress(ApplyProgress { apply: started })) => {
                apply = Some(started);
                break;
            }
            Reply::Generator(GeneratorReply::Plan(Planned { plan })) => {
                // The org changed since the preview: the admin reviews the new preview.
                if !plan.blockers.is_empty() || plan.steps.is_empty() {
                    return None;
                }
                fingerprint = Some(plan.fingerprint);
            }
            Reply::Failed(Failed { message }) => {
                outcome.faults.push(format!("start refused: {message}"));
                if worker.stopped.get()
                    || faulty.session_expired.get()
                    || faulty.allowance_spent.get()
                {
                    fix(faulty);
                    // A start whose journal was saved before the worker stopped is pending.
                    if let Some(pending) = pending(lab, worker, faulty) {
                        apply = Some(pending);
                        break;
                    }
                    continue;
                }
                fingerprint = None;
            }
            other => panic!("seed {}: {other:?}", outcome.seed),
        }
    }
    let mut apply = apply?;
    faulty.started.set(true);
    let apply_id = apply.apply_id.clone();
    for _ in 0..400 {
        if worker.stopped.get() {
            // The page is opened again: it finds the apply among the pending ones.
            fix(faulty);
            match pending(lab, worker, faulty) {
                Some(found) if found.apply_id == apply_id => apply = found,
                _ => match journal_of(worker, &apply_id) {
                    Some(view) => apply = view,
                    None => return Some(apply),
                },
            }
        }
        let request = match apply.status {
            ApplyStatus::Running | ApplyStatus::Paused => PageRequest::from(ContinueApply {
                org_url: ACME.into(),
                apply_id: apply_id.clone(),
            }),
            ApplyStatus::CleanupNeeded => PageRequest::from(FinishCleanUp {
                org_url: ACME.into(),
                apply_id: apply_id.clone(),
            }),
            _ => return Some(apply),
        };
        if matches!(
            apply.status,
            ApplyStatus::Paused | ApplyStatus::CleanupNeeded
        ) {
            fix(faulty);
        }
        match lab.ask(worker, faulty, request) {
            // A stopped worker's answer never reaches the page (handled at the loop's top).
            _ if worker.stopped.get() => {}
            Reply::Generator(GeneratorReply::ApplyProgress(ApplyProgress { apply: next })) => {
                apply = next
            }
            Reply::Failed(Failed { message }) => {
                outcome.faults.push(format!("request refused: {message}"));
                fix(faulty);
                if let Some(view) = journal_of(worker, &apply_id) {
                    apply = view;
                }
            }
            other => panic!("seed {}: {other:?}", outcome.seed),
        }
    }
    outcome
        .violations
        .push(format!("the apply never settled: {:?}", apply.status));
    Some(apply)
}

fn pending(lab: &Lab, worker: &Worker, faulty: &Faulty<'_>) -> Option<ApplyView> {
    match lab.ask(
        worker,
        faulty,
        PageRequest::from(ListPendingApplies {
            org_url: ACME.into(),
        }),
    ) {
        Reply::Generator(GeneratorReply::Applies(PendingApplies { applies })) => {
            applies.into_iter().next()
        }
        _ => None,
    }
}

/// The journal as stored, read as the page would read it after a restart.
fn journal_of(worker: &Worker, apply_id: &str) -> Option<ApplyView> {
    let org = OrgId::parse("00DAM0000000001")?;
    match pollster::block_on(journal_store::load(&worker.storage, &org, apply_id)).ok()? {
        Stored::Readable(journal) => Some(journal.view()),
        Stored::Unreadable(unreadable) => Some(unreadable.view()),
    }
}

/// The verdict, on the sim's records.
fn judge(
    lab: &Lab,
    scenario: &Scenario,
    worker: &Worker,
    view: &ApplyView,
    other: Option<&OtherAdmin>,
    outcome: &mut Outcome,
) {
    let finals = lab.now(scenario);
    let listed: BTreeSet<String> = view
        .attention
        .iter()
        .filter_map(|a| a.id.clone())
        .map(|id| id.get(..15).unwrap_or_default().to_owned())
        .collect();
    let is_listed = |id: &str| listed.contains(id.get(..15).unwrap_or_default());
    let mut violations = Vec::new();
    // Records neither the plan, the other admin nor anything else changed are as before.
    let mut keys: BTreeSet<String> = finals.changed();
    keys.extend(scenario.touched.iter().cloned());
    if let Some(other) = other {
        keys.extend(other.changed.keys().cloned());
    }
    let none = BTreeMap::new();
    for key in &keys {
        let (before, planned, now) = (
            fields_of(scenario.before.get(key)),
            fields_of(scenario.planned.get(key)),
            fields_of(finals.get(key)),
        );
        let theirs = other.and_then(|o| o.changed.get(key)).unwrap_or(&none);
        // A record this apply deleted and could not re-create is listed by its old Id.
        let listed_now = match finals.get(key) {
            Some((id, _)) => is_listed(id),
            None => scenario
                .before
                .get(key)
                .is_some_and(|(id, _)| is_listed(id)),
        };
        let names: BTreeSet<&String> = before
            .keys()
            .chain(planned.keys())
            .chain(now.keys())
            .chain(theirs.keys())
            .collect();
        for name in names {
            let (b, p, n) = (before.get(name), planned.get(name), now.get(name));
            // A field of a record that doesn't exist doesn't count.
            let exists = now.get(EXISTS) == Some(&Value::Bool(true));
            if name != EXISTS && !exists && theirs.get(name).is_none() {
                continue;
            }
            if let Some(value) = theirs.get(name) {
                // What the other admin did stays as they left it.
                if n != Some(value) {
                    violations.push(format!(
                        "{key}.{name}: the other admin set {value}, now {n:?}"
                    ));
                }
                continue;
            }
            if b == p {
                if n != b {
                    violations.push(format!(
                        "{key}.{name}: not in the plan, yet {b:?} became {n:?}"
                    ));
                }
                continue;
            }
            let ok = match view.status {
                ApplyStatus::Done => n == p,
                ApplyStatus::Failed | ApplyStatus::RolledBack => n == b,
                ApplyStatus::NeedsAttention => {
                    // A listed set this apply created may also hold what its create wrote, the
                    // apply's later update of it taken back by the undo (`Scenario::created_as`).
                    let created_as = fields_of(scenario.created_as.get(key));
                    n == b
                        || (listed_now
                            && (n == p
                                || (created_as.get(EXISTS) == Some(&Value::Bool(true))
                                    && n == created_as.get(name))))
                }
                _ => false,
            };
            if !ok {
                violations.push(format!(
                    "{key}.{name}: {:?}, yet before {b:?}, planned {p:?}, now {n:?}{}",
                    view.status,
                    if listed_now { " (listed)" } else { "" }
                ));
            }
        }
    }
    // The message says which state the org is in.
    let message = view.message.clone().unwrap_or_default();
    let says = match view.status {
        ApplyStatus::Done => {
            message.is_empty() || message.contains("holds what the preview showed")
        }
        ApplyStatus::Failed | ApplyStatus::RolledBack => message.contains("as it was before"),
        ApplyStatus::NeedsAttention => {
            !view.attention.is_empty()
                && (message.contains("need your decision")
                    || message.contains("needs your decision")
                    || message.contains("decided"))
        }
        _ => false,
    };
    if !says {
        violations.push(format!(
            "{:?} but the message says: {message:?}",
            view.status
        ));
    }
    // Listed records are there to decide about (not gone), unless they are listed as gone.
    for item in &view.attention {
        // Gone, or to re-create (the undo of a delete Salesforce refused): not in the org.
        if item.reason == AttentionReason::Gone
            || item
                .actions
                .contains(&forcefield::generator::view::AttentionAction::Recreate)
        {
            continue;
        }
        if let Some(id) = &item.id {
            let exists = finals
                .ids
                .iter()
                .any(|found| found.get(..15) == id.get(..15));
            if !exists {
                violations.push(format!(
                    "listed {} {id} is not in the org",
                    item.sobject_type
                ));
            }
        }
    }
    // The journal, read back as stored, says the same.
    match journal_of(worker, &view.apply_id) {
        Some(stored) if stored.status == view.status => {}
        Some(stored) => violations.push(format!(
            "the journal says {:?}, the page {:?}",
            stored.status, view.status
        )),
        None => violations.push("the journal is gone".to_owned()),
    }
    outcome.violations.extend(violations);
}

/// How a run of schedules ended: how many, and which state each left the org in.
#[derive(Debug, Default)]
pub struct Tally {
    pub run: u64,
    /// Ended "Done": the org holds what the preview showed.
    pub as_planned: u64,
    /// Ended "Failed" or "rolled back": the org holds what it held before.
    pub as_before: u64,
    /// Ended "Needs your decision": the rest as before, the listed records left to the admin.
    pub needs_attention: u64,
    /// Ended any other way (each of these is also a violation).
    pub other: u64,
    /// The schedules with violations.
    pub bad: Vec<Outcome>,
}

impl Tally {
    fn count(&mut self, outcome: Outcome) {
        self.run += 1;
        match outcome.status {
            Some(ApplyStatus::Done) => self.as_planned += 1,
            Some(ApplyStatus::Failed | ApplyStatus::RolledBack) => self.as_before += 1,
            Some(ApplyStatus::NeedsAttention) => self.needs_attention += 1,
            _ => self.other += 1,
        }
        if !outcome.violations.is_empty() {
            self.bad.push(outcome);
        }
    }

    /// Adds another run's counts (the soak runs in chunks).
    pub fn add(&mut self, other: Tally) {
        self.run += other.run;
        self.as_planned += other.as_planned;
        self.as_before += other.as_before;
        self.needs_attention += other.needs_attention;
        self.other += other.other;
        self.bad.extend(other.bad);
    }

    /// "N run, 0 violations (as planned A, as before B, needs your decision C)".
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{} run, {} violations (as planned {}, as before {}, needs your decision {}",
            self.run,
            self.bad.len(),
            self.as_planned,
            self.as_before,
            self.needs_attention
        );
        if self.other > 0 {
            text.push_str(&format!(", ended otherwise {}", self.other));
        }
        text.push(')');
        text
    }
}

/// Runs `count` schedules from `first_seed` (or only `FF_SEED` when set) and tallies how they
/// ended.
pub fn run_many(lab: &Lab, first_seed: u64, count: u64) -> Tally {
    let mut tally = Tally::default();
    if let Some(seed) = std::env::var("FF_SEED").ok().and_then(|s| s.parse().ok()) {
        let outcome = run(lab, seed);
        eprintln!("seed {seed} ({}): {:?}", outcome.scenario, outcome.status);
        for fault in &outcome.faults {
            eprintln!("  {fault}");
        }
        tally.count(outcome);
        return tally;
    }
    let mut faults: BTreeMap<String, u64> = BTreeMap::new();
    for seed in first_seed..first_seed + count {
        let outcome = run(lab, seed);
        for fault in &outcome.faults {
            let kind = if fault.contains("the other admin") {
                "the other admin acted".to_owned()
            } else {
                fault.rsplit(": ").next().unwrap_or_default().to_owned()
            };
            *faults.entry(kind).or_default() += 1;
        }
        tally.count(outcome);
    }
    if std::env::var("FF_TALLY").is_ok() {
        eprintln!("faults injected: {faults:#?}");
    }
    tally
}

/// A failed schedule, for the test's or the soak's output.
pub fn report(outcome: &Outcome) -> String {
    let mut text = format!(
        "seed {} ({}), ended {:?}; replay with FF_SEED={}\n",
        outcome.seed, outcome.scenario, outcome.status, outcome.seed
    );
    for fault in &outcome.faults {
        text.push_str(&format!("  fault: {fault}\n"));
    }
    for violation in &outcome.violations {
        text.push_str(&format!("  VIOLATION: {violation}\n"));
    }
    text
}
