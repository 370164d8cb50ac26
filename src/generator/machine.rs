//! The apply as a sans-IO state machine over its [`Journal`]: [`Journal::next_calls`] says
//! which calls to send next and records them in the journal first (the caller saves it before
//! sending: write-ahead); [`Journal::absorb`] takes their answers. Nothing here touches the
//! network, storage or a clock: the page, the worker and the tests drive it the same way.
//!
//! The rules it keeps:
//! * A call whose outcome is unknown (no answer, an unreadable answer, a 5xx: a 502/503 may come
//!   after the write committed) stays in flight; before anything else the next round looks its
//!   effect up, in the running page as after a restart.
//! * A record is this apply's own only if the answer to its call said so, or a look-up found it
//!   with the proofs of salesforce.md §I.6: its Id absent from the key look-ups recorded before
//!   the call, and where the object has them `CreatedById` = the applying user and
//!   `CreatedDate` ≥ the previous answer's `Date` − 1 s (whole seconds); objects without them
//!   must hold exactly what the call wrote, with `SystemModstamp` in that window. Anything
//!   unproven is never touched: it becomes an attention item with its evidence.
//! * The undo re-reads each batch just before writing it and undoes only what still holds what
//!   this apply wrote; the rest are conflicts (attention items). Salesforce has no conditional
//!   update on these objects, so a change made between that re-read and the undo write is the
//!   one window that remains (README "When things fail").

use super::journal::{
    Attempt, Attention, AttentionAction, AttentionReason, CallRef, Effect, EffectKind, InFlight,
    Journal, Phase, UndoBatch, UndoState,
};
use super::plan::{is_single, CallPlan, Change, Part, COLLECTION_LIMIT, COMPOSITE_COLLECTIONS};
use super::records::{
    found_record, parse_http_date, same_id, FoundRecord, ReadColumns, Record, RecordKey, SetRef,
    SobjectKind,
};
use super::view::{Action, ApplyStatus, StepError, StepKind, StepState};
use crate::platform::{HttpResponse, Method, TransportError};
use crate::salesforce::soql::{self, Query};
use crate::salesforce::{form_encode, ApiError, ApiErrorKind};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Why the admin's decision about an attention item can't be taken (worded in
/// [`crate::words`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChoiceError {
    /// The apply has no attention item of this number.
    NoSuchItem(usize),
    AlreadyDecided,
    /// The action is not one of the item's offered actions.
    NotOffered,
    /// The item names neither an effect nor a planned change to undo.
    NothingToActOn,
}

/// Per-record errors that mean an undo delete has nothing left to do.
const ALREADY_GONE: [&str; 3] = [
    "ENTITY_IS_DELETED",
    "INVALID_CROSS_REFERENCE_KEY",
    "NOT_FOUND",
];

/// The guarded delete of a permission set this apply created ([`Journal::guarded_set_delete`]):
/// the references of its two queries and of its delete, and the row reference the second
/// query and the delete stand on.
const GUARD_EMPTY: &str = "setHoldsNothing";
const GUARD_UNASSIGNED: &str = "setUnassigned";
const GUARD_DELETE: &str = "deleteSet";
const GUARD_EMPTY_ROW: &str = "@{setHoldsNothing.records[0].Id}";
const GUARD_UNASSIGNED_ROW: &str = "@{setUnassigned.records[0].Id}";

/// What a call is for, so its answer finds its way back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tag {
    /// The plan's call `call`.
    Forward { call: usize },
    /// Look-ups of in-flight forward calls.
    Lookup,
    /// The re-read before the undo batch.
    Reread,
    /// An undo write for these effects.
    Undo { effects: Vec<usize> },
    /// Who the session's user is (journals that don't know the applying user).
    WhoAmI,
}

/// One request to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub tag: Tag,
    pub method: Method,
    /// Path under the org's API host.
    pub path: String,
    pub body: Option<String>,
}

/// What came back for one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Response(HttpResponse),
    /// No usable HTTP answer (the transport's reason): nothing arrived, or a redirect, which is
    /// never followed. Either way the call's effect is unknown until it is looked up.
    NoAnswer(TransportError),
}

impl Answer {
    fn status(&self) -> Option<u16> {
        match self {
            Self::Response(r) => Some(r.status),
            Self::NoAnswer(_) => None,
        }
    }
}

/// A Salesforce save result (salesforce.md §B.3: `statusCode` inside save results).
#[derive(Debug, Deserialize)]
struct SaveResult {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    success: bool,
    #[serde(default)]
    errors: Vec<SaveError>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SaveError {
    #[serde(default, alias = "errorCode")]
    status_code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    fields: Vec<String>,
}

/// A composite answer (salesforce.md §B.4).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompositeAnswer {
    composite_response: Vec<SubAnswer>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubAnswer {
    #[serde(default)]
    body: Value,
    #[serde(default)]
    http_status_code: u16,
    #[serde(default)]
    reference_id: String,
}

/// How a write call ended, as far as its answer tells.
enum WriteOutcome {
    /// Ids for each part's records (creates), in order.
    Written(Vec<Vec<Option<String>>>),
    /// Salesforce refused the request before running it (a 4xx): which part and why.
    Refused { part: usize, error: StepError },
    /// Salesforce answered with a record's refusal. Nothing of this answer's attempt was saved
    /// (allOrNone), but a browser may have sent the request twice (Chromium resends a request
    /// whose reused connection broke before any answer), and the first attempt may have saved
    /// it all: the refusal of the second is then "duplicate value". So it is looked up first.
    RefusedRecord { part: usize, error: StepError },
    /// The answer doesn't tell: the call may have run.
    Unknown(StepError),
}

/// A look-up's verdict on one found record.
enum Ownership {
    Ours,
    NotOurs(String),
    Unproven(String),
}

fn step_error(code: &str, message: impl Into<String>) -> StepError {
    StepError {
        error_code: code.to_owned(),
        message: message.into(),
        fields: Vec::new(),
    }
}

fn error_of(api: &ApiError) -> StepError {
    StepError {
        error_code: api
            .code
            .clone()
            .unwrap_or_else(|| format!("{:?}", api.kind)),
        message: api.message.clone(),
        fields: api.fields.clone(),
    }
}

/// The first real error of a save-result list (rows rolled back because of another row carry
/// ALL_OR_NONE_OPERATION_ROLLED_BACK, salesforce.md §B.3).
fn first_error(results: &[SaveResult]) -> Option<StepError> {
    let errors: Vec<&SaveError> = results
        .iter()
        .filter(|r| !r.success)
        .flat_map(|r| r.errors.iter())
        .collect();
    let chosen = errors
        .iter()
        .find(|e| e.status_code != "ALL_OR_NONE_OPERATION_ROLLED_BACK")
        .or_else(|| errors.first())?;
    Some(StepError {
        error_code: chosen.status_code.clone(),
        message: chosen.message.clone(),
        fields: chosen.fields.clone(),
    })
}

/// Whether an HTTP status means the call certainly did not run: Salesforce refused it before
/// doing anything (4xx). A 5xx may come after the write committed (a gateway's 502/503).
fn refused_before_running(status: u16) -> bool {
    (400..500).contains(&status)
}

/// Whether an error means "can't go on now, may later" (session, allowance, access, network).
fn blocking(error: &ApiError) -> bool {
    matches!(
        error.kind,
        ApiErrorKind::SessionExpired
            | ApiErrorKind::RequestLimit
            | ApiErrorKind::ApiDisabled
            | ApiErrorKind::Network
            | ApiErrorKind::Redirected
            | ApiErrorKind::ServerError
            | ApiErrorKind::MalformedResponse
    )
}

/// Reads sent together in composite requests (≤ 5 queries each, salesforce.md §B.4).
fn composite_reads(data: &str, tag: &Tag, queries: &[(String, String)]) -> Vec<Outgoing> {
    queries
        .chunks(COMPOSITE_COLLECTIONS)
        .map(|chunk| {
            let subrequests: Vec<Value> = chunk
                .iter()
                .map(|(reference, soql)| {
                    json!({"method": "GET", "referenceId": reference,
                           "url": format!("{data}/query?q={}", form_encode(soql))})
                })
                .collect();
            Outgoing {
                tag: tag.clone(),
                method: Method::Post,
                path: format!("{data}/composite"),
                body: Some(
                    json!({"allOrNone": false, "compositeRequest": subrequests}).to_string(),
                ),
            }
        })
        .collect()
}

/// The rows of composite read answers by reference; `Err` when one can't be read or was refused.
fn read_rows(answers: &[&Answer]) -> Result<BTreeMap<String, Vec<Value>>, ApiError> {
    let mut rows = BTreeMap::new();
    for answer in answers {
        let response = match answer {
            Answer::NoAnswer(reason) => return Err(ApiError::from_transport(reason.clone())),
            Answer::Response(r) if !(200..300).contains(&r.status) => {
                return Err(ApiError::from_response(r.status, &r.body))
            }
            Answer::Response(r) => r,
        };
        let parsed: CompositeAnswer = serde_json::from_str(&response.body)
            .map_err(|e| ApiError::malformed("a look-up answer", e))?;
        for sub in parsed.composite_response {
            if !(200..300).contains(&sub.http_status_code) {
                return Err(ApiError::from_response(
                    sub.http_status_code,
                    &sub.body.to_string(),
                ));
            }
            if sub.body.get("done").and_then(Value::as_bool) == Some(false) {
                return Err(ApiError::malformed(
                    "a look-up answer",
                    "more rows than one page (looked up by at most 200 keys)",
                ));
            }
            let records = sub
                .body
                .get("records")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            rows.insert(sub.reference_id, records);
        }
    }
    Ok(rows)
}

impl Journal {
    fn data_parts(&self, call: usize) -> Vec<Part> {
        match self.calls.get(call) {
            Some(CallPlan::Batch { part }) => vec![*part],
            Some(CallPlan::Composite { parts }) => parts.clone(),
            None => Vec::new(),
        }
    }

    fn changes_of(&self, part: &Part) -> Vec<(usize, &Change)> {
        self.steps
            .get(part.step)
            .map(|s| {
                s.step
                    .changes
                    .iter()
                    .enumerate()
                    .skip(part.start)
                    .take(part.end.saturating_sub(part.start))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn step_kind(&self, step: usize) -> Option<(StepKind, Action)> {
        self.steps
            .get(step)
            .map(|s| (s.step.view.kind, s.step.view.action))
    }

    fn attempt(&self) -> Attempt {
        Attempt {
            not_before: self.last_date,
            user_id: self.user_id.clone(),
        }
    }

    /// The calls to send now, each recorded in the journal first (save it before sending).
    /// Empty: nothing to send (the status says why).
    pub fn next_calls(&mut self, data: &str) -> Vec<Outgoing> {
        if self.status != ApplyStatus::Running {
            return Vec::new();
        }
        if self.user_id.is_none() && self.phase != Phase::Finished {
            return vec![Outgoing {
                tag: Tag::WhoAmI,
                method: Method::Get,
                path: "/services/oauth2/userinfo".to_owned(),
                body: None,
            }];
        }
        // An undo write whose answer is unknown is looked up by the re-read of its batch.
        let mut undo_in_flight = false;
        self.in_flight.retain(|f| {
            let undo = matches!(f.call, CallRef::Undo { .. });
            undo_in_flight |= undo;
            !undo
        });
        if undo_in_flight {
            self.undo_batch = None;
        }
        if !self.in_flight.is_empty() {
            let queries = self.lookup_queries();
            if !queries.is_empty() {
                return composite_reads(data, &Tag::Lookup, &queries);
            }
            // Nothing to look up (a call that can't have written anything): not written.
            let calls: Vec<usize> = self
                .in_flight
                .iter()
                .filter_map(|f| match f.call {
                    CallRef::Forward { call } => Some(call),
                    CallRef::Undo { .. } => None,
                })
                .collect();
            self.in_flight.clear();
            for call in calls {
                self.not_written(call, None, None);
            }
        }
        match self.phase {
            Phase::Finished => Vec::new(),
            Phase::Forward => self.forward_calls(data),
            Phase::Undo => self.undo_calls(data),
        }
    }

    fn forward_calls(&mut self, data: &str) -> Vec<Outgoing> {
        let Some(round) = self.rounds.get(self.next_round).cloned() else {
            self.finish_forward();
            return Vec::new();
        };
        let mut out = Vec::new();
        for call in &round {
            match self.write_request(data, *call) {
                Some(outgoing) => out.push(outgoing),
                None => {
                    self.fail(
                        self.data_parts(*call).first().map_or(0, |p| p.step),
                        step_error(
                            "JOURNAL",
                            "Forcefield's journal doesn't say enough to build this write (the permission set's Id is unknown).",
                        ),
                    );
                    return Vec::new();
                }
            }
        }
        // Recorded before they are sent (the caller saves the journal first).
        for call in round {
            for part in self.data_parts(call) {
                if let Some(step) = self.steps.get_mut(part.step) {
                    step.state = StepState::Running;
                }
            }
            self.in_flight.push(InFlight {
                call: CallRef::Forward { call },
                attempt: self.attempt(),
                lost: None,
                refused_step: None,
            });
        }
        out
    }

    fn finish_forward(&mut self) {
        self.phase = Phase::Finished;
        self.status = ApplyStatus::Done;
    }

    /// The request of the plan's call `call`; `None` if the journal lacks what it needs.
    fn write_request(&self, data: &str, call: usize) -> Option<Outgoing> {
        let tag = Tag::Forward { call };
        match self.calls.get(call)? {
            CallPlan::Batch { part } => {
                let (_, action) = self.step_kind(part.step)?;
                let changes = self.changes_of(part);
                let path = format!("{data}/composite/sobjects");
                match action {
                    Action::Delete => {
                        let ids: Vec<&str> = changes.iter().filter_map(|(_, c)| c.id()).collect();
                        Some(Outgoing {
                            tag,
                            method: Method::Delete,
                            path: format!("{path}?ids={}&allOrNone=true", ids.join(",")),
                            body: None,
                        })
                    }
                    Action::Create | Action::Update => {
                        let mut records = Vec::new();
                        for (_, change) in &changes {
                            let record = change.record();
                            let parent = match record.parent() {
                                Some(set) => Some(self.set_id(set)?),
                                None => None,
                            };
                            let mut fields = match change {
                                Change::Update { before, after, .. } => before.update_fields(after),
                                _ => record.create_fields(parent),
                            };
                            fields.insert(
                                "attributes".into(),
                                json!({"type": record.kind().api_name()}),
                            );
                            if change.id().is_some() {
                                fields.insert("id".into(), json!(self.change_id(change)?));
                            }
                            records.push(Value::Object(fields));
                        }
                        Some(Outgoing {
                            tag,
                            method: if action == Action::Update {
                                Method::Patch
                            } else {
                                Method::Post
                            },
                            path,
                            body: Some(json!({"allOrNone": true, "records": records}).to_string()),
                        })
                    }
                    Action::Unchanged => None,
                }
            }
            CallPlan::Composite { parts } => {
                let steps: Vec<_> = self.steps.iter().map(|s| s.step.clone()).collect();
                // The reference of the permission set created in this request, if it is.
                let created_here = parts.iter().position(|p| {
                    self.step_kind(p.step) == Some((StepKind::PermissionSet, Action::Create))
                });
                let reference = created_here.map(|i| format!("@{{p{i}.id}}"));
                // The record an update changes; the set created in this request by reference.
                let target_of = |change: &Change| -> Option<String> {
                    match self.change_id(change) {
                        Some(id) => Some(id.to_owned()),
                        None if change.of_created_set() => reference.clone(),
                        None => None,
                    }
                };
                let mut subrequests = Vec::new();
                for (i, part) in parts.iter().enumerate() {
                    let (_, action) = self.step_kind(part.step)?;
                    let changes = self.changes_of(part);
                    let reference_id = format!("p{i}");
                    let parent_of = |record: &Record| -> Option<Option<String>> {
                        match record.parent() {
                            None => Some(None),
                            Some(set) => match self.set_id(set) {
                                Some(id) => Some(Some(id.to_owned())),
                                None => reference.clone().map(Some),
                            },
                        }
                    };
                    let sub = match (action, is_single(&steps, part)) {
                        (Action::Delete, _) => {
                            let ids: Vec<&str> =
                                changes.iter().filter_map(|(_, c)| c.id()).collect();
                            json!({"method": "DELETE", "referenceId": reference_id,
                                   "url": format!("{data}/composite/sobjects?ids={}&allOrNone=true", ids.join(","))})
                        }
                        (Action::Create, true) => {
                            let (_, change) = changes.first()?;
                            let record = change.record();
                            let parent = parent_of(record)?;
                            json!({"method": "POST", "referenceId": reference_id,
                                   "url": format!("{data}/sobjects/{}", record.kind().api_name()),
                                   "body": record.create_fields(parent.as_deref())})
                        }
                        (Action::Update, true) => {
                            let (_, change) = changes.first()?;
                            let Change::Update { before, after, .. } = change else {
                                return None;
                            };
                            let id = target_of(change)?;
                            json!({"method": "PATCH", "referenceId": reference_id,
                                   "url": format!("{data}/sobjects/{}/{id}", after.kind().api_name()),
                                   "body": before.update_fields(after)})
                        }
                        (action, _) => {
                            let mut records = Vec::new();
                            for (_, change) in &changes {
                                let record = change.record();
                                let parent = parent_of(record)?;
                                let mut fields = match change {
                                    Change::Update { before, after, .. } => {
                                        before.update_fields(after)
                                    }
                                    _ => record.create_fields(parent.as_deref()),
                                };
                                fields.insert(
                                    "attributes".into(),
                                    json!({"type": record.kind().api_name()}),
                                );
                                if change.id().is_some() {
                                    fields.insert("id".into(), json!(target_of(change)?));
                                }
                                records.push(Value::Object(fields));
                            }
                            json!({"method": if action == Action::Update { "PATCH" } else { "POST" },
                                   "referenceId": reference_id,
                                   "url": format!("{data}/composite/sobjects"),
                                   "body": {"allOrNone": true, "records": records}})
                        }
                    };
                    subrequests.push(sub);
                }
                Some(Outgoing {
                    tag,
                    method: Method::Post,
                    path: format!("{data}/composite"),
                    body: Some(
                        json!({"allOrNone": true, "compositeRequest": subrequests}).to_string(),
                    ),
                })
            }
        }
    }

    /// Takes the answers of the calls [`Self::next_calls`] gave, in any order.
    pub fn absorb(&mut self, answers: Vec<(Tag, Answer)>) {
        for (_, answer) in &answers {
            if let Answer::Response(response) = answer {
                if let Some(date) = response.header("date").and_then(parse_http_date) {
                    self.last_date = Some(self.last_date.map_or(date, |d| d.max(date)));
                }
            }
        }
        let mut lookups = Vec::new();
        let mut rereads = Vec::new();
        let mut refused = false;
        for (tag, answer) in &answers {
            match tag {
                Tag::Forward { call } => refused |= self.forward_answer(*call, answer),
                Tag::Undo { effects } => self.undo_answer(effects, answer),
                Tag::Lookup => lookups.push(answer),
                Tag::Reread => rereads.push(answer),
                Tag::WhoAmI => self.who_am_i(answer),
            }
        }
        if !lookups.is_empty() {
            self.lookup_answer(&lookups);
        }
        if !rereads.is_empty() {
            self.reread_answer(&rereads);
        }
        if self.phase == Phase::Forward && self.status == ApplyStatus::Running && !refused {
            let round_done = self
                .in_flight
                .iter()
                .all(|f| !matches!(f.call, CallRef::Forward { .. }));
            let forward_sent = answers
                .iter()
                .any(|(t, _)| matches!(t, Tag::Forward { .. }))
                || !lookups.is_empty();
            if round_done && forward_sent {
                self.next_round += 1;
                if self.next_round >= self.rounds.len() {
                    self.finish_forward();
                }
            }
        }
    }

    fn who_am_i(&mut self, answer: &Answer) {
        #[derive(Deserialize)]
        struct UserInfo {
            user_id: String,
        }
        match answer {
            Answer::Response(r) if (200..300).contains(&r.status) => {
                match serde_json::from_str::<UserInfo>(&r.body) {
                    Ok(info) => self.user_id = Some(info.user_id),
                    Err(e) => self.block(&ApiError::malformed("the user's identity", e)),
                }
            }
            Answer::Response(r) => self.block(&ApiError::from_response(r.status, &r.body)),
            Answer::NoAnswer(reason) => self.block(&ApiError::from_transport(reason.clone())),
        }
    }

    /// Stops for now: paused before more forward writes, or clean-up needed during the undo.
    fn block(&mut self, error: &ApiError) {
        self.blocked = Some(error.message.clone());
        self.status = if self.phase == Phase::Undo {
            ApplyStatus::CleanupNeeded
        } else {
            ApplyStatus::Paused
        };
    }

    /// The answer of forward call `call`; true when Salesforce refused it.
    fn forward_answer(&mut self, call: usize, answer: &Answer) -> bool {
        let outcome = self.write_outcome(call, answer);
        let parts = self.data_parts(call);
        match outcome {
            WriteOutcome::Unknown(reason) => {
                for f in &mut self.in_flight {
                    if f.call == (CallRef::Forward { call }) {
                        f.lost = Some(reason.clone());
                    }
                }
                false
            }
            WriteOutcome::RefusedRecord { part, error } => {
                let step = parts
                    .get(part)
                    .or_else(|| parts.first())
                    .map_or(0, |p| p.step);
                for f in &mut self.in_flight {
                    if f.call == (CallRef::Forward { call }) {
                        f.lost = Some(error.clone());
                        f.refused_step = Some(step);
                    }
                }
                false
            }
            WriteOutcome::Written(ids) => {
                self.in_flight
                    .retain(|f| f.call != (CallRef::Forward { call }));
                for (part, ids) in parts
                    .iter()
                    .zip(ids.iter().chain(std::iter::repeat(&Vec::new())))
                {
                    self.record_written(part, |offset| ids.get(offset).cloned().flatten());
                }
                false
            }
            WriteOutcome::Refused { part, error } => {
                self.in_flight
                    .retain(|f| f.call != (CallRef::Forward { call }));
                let failed = parts
                    .get(part)
                    .or_else(|| parts.first())
                    .map_or(0, |p| p.step);
                for p in &parts {
                    if let Some(step) = self.steps.get_mut(p.step) {
                        if step.state == StepState::Running {
                            step.state = if step.done > 0 {
                                StepState::Running
                            } else {
                                StepState::Pending
                            };
                        }
                    }
                }
                self.fail(failed, error);
                true
            }
        }
    }

    fn write_outcome(&self, call: usize, answer: &Answer) -> WriteOutcome {
        let response = match answer {
            Answer::NoAnswer(reason) => {
                return WriteOutcome::Unknown(match reason {
                    TransportError::Redirected => step_error(
                        "REDIRECTED",
                        format!("The answer was not Salesforce's ({reason})."),
                    ),
                    TransportError::Unreachable(_) => {
                        step_error("NO_ANSWER", format!("No answer arrived ({reason})."))
                    }
                });
            }
            Answer::Response(r) => r,
        };
        if !(200..300).contains(&response.status) {
            let api = ApiError::from_response(response.status, &response.body);
            return if refused_before_running(response.status) {
                WriteOutcome::Refused {
                    part: 0,
                    error: error_of(&api),
                }
            } else {
                // A 5xx may come after the write committed: Salesforce's own words are kept.
                let mut error = error_of(&api);
                if api.code.is_none() {
                    error.error_code = format!("HTTP_{}", response.status);
                }
                WriteOutcome::Unknown(error)
            };
        }
        match self.calls.get(call) {
            Some(CallPlan::Batch { .. }) => {
                match serde_json::from_str::<Vec<SaveResult>>(&response.body) {
                    Err(e) => WriteOutcome::Unknown(step_error(
                        "UNREADABLE_ANSWER",
                        format!("Salesforce's answer could not be read ({e})."),
                    )),
                    Ok(results) => match first_error(&results) {
                        Some(error) => WriteOutcome::RefusedRecord { part: 0, error },
                        None => {
                            WriteOutcome::Written(vec![results.into_iter().map(|r| r.id).collect()])
                        }
                    },
                }
            }
            Some(CallPlan::Composite { .. }) => {
                let parsed: CompositeAnswer = match serde_json::from_str(&response.body) {
                    Ok(parsed) => parsed,
                    Err(e) => {
                        return WriteOutcome::Unknown(step_error(
                            "UNREADABLE_ANSWER",
                            format!("Salesforce's answer could not be read ({e})."),
                        ))
                    }
                };
                let mut refusal: Option<(usize, StepError)> = None;
                let mut ids = Vec::new();
                for (i, sub) in parsed.composite_response.iter().enumerate() {
                    if sub.http_status_code >= 400 {
                        let error = error_of(&ApiError::from_response(
                            sub.http_status_code,
                            &sub.body.to_string(),
                        ));
                        // The subrequest that failed, not those halted because of it (§B.4).
                        if refusal
                            .as_ref()
                            .is_none_or(|(_, e)| e.error_code == "PROCESSING_HALTED")
                        {
                            refusal = Some((i, error));
                        }
                        ids.push(Vec::new());
                        continue;
                    }
                    match crate::json::read::<Vec<SaveResult>>(&sub.body) {
                        Ok(results) => {
                            if let Some(error) = first_error(&results) {
                                if refusal
                                    .as_ref()
                                    .is_none_or(|(_, e)| e.error_code == "PROCESSING_HALTED")
                                {
                                    refusal = Some((i, error));
                                }
                            }
                            ids.push(results.into_iter().map(|r| r.id).collect());
                        }
                        Err(_) => ids.push(vec![sub
                            .body
                            .get("id")
                            .and_then(Value::as_str)
                            .map(str::to_owned)]),
                    }
                }
                match refusal {
                    Some((part, error)) => WriteOutcome::RefusedRecord { part, error },
                    None => WriteOutcome::Written(ids),
                }
            }
            None => WriteOutcome::Unknown(step_error("JOURNAL", "The journal has no such call.")),
        }
    }

    /// Records a part as written: effects, progress, the permission set's Id.
    fn record_written(&mut self, part: &Part, id_of: impl Fn(usize) -> Option<String>) {
        let Some((kind, action)) = self.step_kind(part.step) else {
            return;
        };
        for (offset, index) in (part.start..part.end).enumerate() {
            let Some(change) = self.change(part.step, index).cloned() else {
                continue;
            };
            let (effect_kind, id) = match (&change, action) {
                (Change::Create { .. }, _) => match id_of(offset) {
                    Some(id) => (EffectKind::Created, id),
                    None => continue,
                },
                (Change::Update { .. }, _) => match self.change_id(&change) {
                    Some(id) => (EffectKind::Updated, id.to_owned()),
                    None => continue,
                },
                (Change::Delete { id, .. }, _) => (EffectKind::Deleted, id.clone()),
            };
            if kind == StepKind::PermissionSet && effect_kind == EffectKind::Created {
                self.permission_set_id = Some(id.clone());
            }
            self.effects
                .push(Effect::new(effect_kind, part.step, index, id));
        }
        if let Some(step) = self.steps.get_mut(part.step) {
            step.done += part.end.saturating_sub(part.start);
            step.state = if step.done >= step.step.view.count {
                StepState::Done
            } else {
                StepState::Running
            };
        }
    }

    /// A write failed: the step's error, the message, and the undo from now on.
    fn fail(&mut self, step: usize, error: StepError) {
        if let Some(s) = self.steps.get_mut(step) {
            s.state = StepState::Failed;
            if self.failure.is_none() {
                self.failure = Some(format!(
                    "\"{}\" failed: {} ({})",
                    s.step.view.description, error.message, error.error_code
                ));
            }
            s.error = Some(error);
        } else if self.failure.is_none() {
            self.failure = Some(format!("{} ({})", error.message, error.error_code));
        }
        self.phase = Phase::Undo;
        self.status = ApplyStatus::Running;
    }

    /// A call whose answer was lost turned out not to have written (all) its records.
    fn not_written(&mut self, call: usize, lost: Option<&StepError>, refused_step: Option<usize>) {
        if let (Some(step), Some(error)) = (refused_step, lost) {
            // Salesforce's refusal stands: the look-up found nothing of this call saved.
            self.fail(step, error.clone());
            return;
        }
        let step = self.data_parts(call).first().map_or(0, |p| p.step);
        let (code, why) = match lost {
            Some(lost) => (lost.error_code.clone(), lost.message.clone()),
            None => (
                "ANSWER_LOST".to_owned(),
                "The answer to this write was lost.".to_owned(),
            ),
        };
        let mut error = step_error(
            &code,
            format!("{why} Forcefield looked the write up: it was not saved as planned."),
        );
        if let Some(lost) = lost {
            error.fields = lost.fields.clone();
        }
        self.fail(step, error);
    }

    // ------------------------------------------------------------------ look-ups after a lost answer

    /// SOQL that finds what the in-flight forward calls may have written, by reference.
    fn lookup_queries(&self) -> Vec<(String, String)> {
        let mut queries = Vec::new();
        for flight in &self.in_flight {
            let CallRef::Forward { call } = flight.call else {
                continue;
            };
            for (p, part) in self.data_parts(call).iter().enumerate() {
                if let Some(soql) = self.part_query(part) {
                    queries.push((format!("c{call}p{p}"), soql));
                }
            }
        }
        queries
    }

    /// What the look-ups read beyond the fixed columns: the system permissions the journal's
    /// permission set records are about, and View All Fields when a record names it.
    fn read_columns(&self) -> ReadColumns {
        ReadColumns::of(
            self.steps
                .iter()
                .flat_map(|s| s.step.changes.iter())
                .flat_map(|c| match c {
                    Change::Update { before, after, .. } => vec![before, after],
                    Change::Create { record } => vec![record],
                    Change::Delete { before, .. } => vec![before],
                }),
        )
    }

    /// `query` narrowed to records under `set`: by Id when known, else by the set's name.
    fn under_set(&self, query: Query, field: &str, relationship: &str, set: &SetRef) -> Query {
        match self.set_id(set) {
            Some(id) => query.where_eq(field, id),
            None => query.where_eq(&format!("{relationship}.Name"), &self.set_name),
        }
    }

    /// The query that finds what a part wrote: created records by key, others by Id.
    fn part_query(&self, part: &Part) -> Option<String> {
        let (kind, action) = self.step_kind(part.step)?;
        let changes = self.changes_of(part);
        let first = changes.first()?.1.record();
        let sobject = first.kind();
        let query =
            soql::select([sobject.select_fields(&self.read_columns())]).from(sobject.api_name());
        if action != Action::Create {
            let ids: Vec<&str> = changes
                .iter()
                .filter_map(|(_, c)| self.change_id(c))
                .collect();
            if ids.len() < changes.len() {
                // An update of the set this apply creates, whose create is in flight too.
                return Some(query.where_eq("Name", &self.set_name).to_string());
            }
            return Some(query.where_in("Id", ids).to_string());
        }
        let query = match kind {
            StepKind::PermissionSet => {
                let names: Vec<String> = changes
                    .iter()
                    .filter_map(|(_, c)| match c.record() {
                        Record::PermissionSet(set) => Some(set.name.clone()),
                        _ => None,
                    })
                    .collect();
                query.where_in("Name", names)
            }
            StepKind::ObjectPermissions => {
                let types: Vec<String> = changes
                    .iter()
                    .filter_map(|(_, c)| match c.record() {
                        Record::ObjectPermissions(r) => Some(r.sobject_type.clone()),
                        _ => None,
                    })
                    .collect();
                self.under_set(query, "ParentId", "Parent", first.parent()?)
                    .where_in("SobjectType", types)
            }
            StepKind::FieldPermissions => {
                let fields: Vec<String> = changes
                    .iter()
                    .filter_map(|(_, c)| match c.record() {
                        Record::FieldPermissions(r) => Some(r.field.clone()),
                        _ => None,
                    })
                    .collect();
                self.under_set(query, "ParentId", "Parent", first.parent()?)
                    .where_in("Field", fields)
            }
            StepKind::LicenseAssignment => match first {
                Record::LicenseAssignment(r) => query
                    .where_eq("AssigneeId", &r.assignee_id)
                    .where_eq("PermissionSetLicenseId", &r.license_id),
                _ => return None,
            },
            StepKind::PermissionSetAssignment => match first {
                Record::SetAssignment(r) => self.under_set(
                    query.where_eq("AssigneeId", &r.assignee_id),
                    "PermissionSetId",
                    "PermissionSet",
                    &r.permission_set,
                ),
                _ => return None,
            },
        };
        Some(query.to_string())
    }

    /// Whether `found` is the record the call of `attempt` created for `planned` (§I.6).
    fn ownership(&self, found: &FoundRecord, planned: &Record, attempt: &Attempt) -> Ownership {
        if self.known_ids.iter().any(|id| same_id(id, &found.id)) {
            return Ownership::NotOurs("it existed before this apply's write".to_owned());
        }
        let kind = planned.kind();
        let window = attempt.not_before.map(|d| d - 1);
        if kind.has_creator() {
            let creator = found.audit.created_by_id.as_deref();
            match (creator, attempt.user_id.as_deref()) {
                (Some(creator), Some(user)) if !same_id(creator, user) => {
                    return Ownership::NotOurs(format!("user {creator} created it"))
                }
                (Some(_), Some(_)) => {}
                _ => {
                    return Ownership::Unproven(
                        "Forcefield doesn't know who sent the write, or who created this record"
                            .to_owned(),
                    )
                }
            }
            return match (found.audit.created, window) {
                (Some(created), Some(from)) if created < from => Ownership::NotOurs(
                    "it was created before this apply's write was sent".to_owned(),
                ),
                (Some(_), Some(_)) => Ownership::Ours,
                _ => Ownership::Unproven(
                    "Forcefield can't tell when the write was sent relative to when this record was created".to_owned(),
                ),
            };
        }
        // No CreatedById/CreatedDate (FieldPermissions, PermissionSetAssignment): it must hold
        // exactly what the write sent, and have changed since the previous answer.
        if !planned.held_by(&found.record, self.permission_set_id.as_deref()) {
            return Ownership::Unproven(
                "it holds values this apply's write didn't send, and the object has no CreatedById to tell who made it".to_owned(),
            );
        }
        match (found.audit.modified, window) {
            (Some(modified), Some(from)) if modified < from => Ownership::NotOurs(
                "it was last changed before this apply's write was sent".to_owned(),
            ),
            (Some(_), Some(_)) => Ownership::Ours,
            _ => Ownership::Unproven(
                "Forcefield can't tell when the write was sent relative to this record".to_owned(),
            ),
        }
    }

    fn lookup_answer(&mut self, answers: &[&Answer]) {
        let rows = match read_rows(answers) {
            Ok(rows) => rows,
            Err(error) => {
                // The look-up itself failed: nothing else happens until it succeeds.
                self.block(&error);
                return;
            }
        };
        let flights: Vec<InFlight> = self
            .in_flight
            .iter()
            .filter(|f| matches!(f.call, CallRef::Forward { .. }))
            .cloned()
            .collect();
        for flight in flights {
            let CallRef::Forward { call } = flight.call else {
                continue;
            };
            self.in_flight.retain(|f| f.call != flight.call);
            let mut all_ours = true;
            for (p, part) in self.data_parts(call).iter().enumerate() {
                let found: Vec<FoundRecord> = rows
                    .get(&format!("c{call}p{p}"))
                    .into_iter()
                    .flatten()
                    .filter_map(|row| {
                        let kind = self.changes_of(part).first()?.1.record().kind();
                        found_record(kind, row)
                    })
                    .collect();
                all_ours &= self.judge_part(part, &found, &flight.attempt);
            }
            if !all_ours {
                self.not_written(call, flight.lost.as_ref(), flight.refused_step);
            }
        }
    }

    /// Judges what a look-up found for one part; true when every record is proven written.
    fn judge_part(&mut self, part: &Part, found: &[FoundRecord], attempt: &Attempt) -> bool {
        let Some((kind, action)) = self.step_kind(part.step) else {
            return false;
        };
        let changes: Vec<(usize, Change)> = self
            .changes_of(part)
            .into_iter()
            .map(|(i, c)| (i, c.clone()))
            .collect();
        let mut ours: Vec<(usize, String)> = Vec::new();
        match action {
            Action::Create => {
                for (index, change) in &changes {
                    let planned = self.resolved(change.record());
                    // A PermissionSet's own key is its name; children match by key with the set resolved.
                    let candidates: Vec<&FoundRecord> = found
                        .iter()
                        .filter(|f| self.same_key(&planned, &f.record))
                        .collect();
                    let mut mine = None;
                    for candidate in candidates {
                        match self.ownership(candidate, &planned, attempt) {
                            Ownership::Ours => mine = Some(candidate.id.clone()),
                            Ownership::NotOurs(why) => {
                                self.known_ids.insert(candidate.id.clone());
                                self.notes.push(format!(
                                    "Found {} ({}) with the key this apply was creating; {why}, so Forcefield left it alone.",
                                    planned.describe(),
                                    candidate.id
                                ));
                            }
                            Ownership::Unproven(why) => self.attention.push(Attention {
                                reason: AttentionReason::Unproven,
                                sobject: planned.kind(),
                                id: Some(candidate.id.clone()),
                                evidence: format!(
                                    "Found {} after a write whose answer was lost, but {why}. Forcefield can't prove it made it, so it left it alone.",
                                    planned.describe()
                                ),
                                actions: vec![AttentionAction::Delete, AttentionAction::Keep],
                                chosen: None,
                                effect: None,
                                change: Some((part.step, *index)),
                            }),
                        }
                    }
                    if let Some(id) = mine {
                        if kind == StepKind::PermissionSet {
                            self.permission_set_id = Some(id.clone());
                        }
                        ours.push((*index, id));
                    }
                }
            }
            Action::Update => {
                for (index, change) in &changes {
                    let Change::Update { before, after, .. } = change else {
                        continue;
                    };
                    // The created set's update, when that set turned out not to be made: not written.
                    let Some(id) = self.change_id(change).map(str::to_owned) else {
                        continue;
                    };
                    let id = &id;
                    match found.iter().find(|f| same_id(&f.id, id)) {
                        Some(f) if after.update_held_by(before, &f.record) => {
                            ours.push((*index, id.clone()))
                        }
                        Some(f) if before.update_held_by(after, &f.record) => {}
                        Some(_) => self.attention.push(Attention {
                            reason: AttentionReason::Unproven,
                            sobject: after.kind(),
                            id: Some(id.clone()),
                            evidence: format!(
                                "After a write whose answer was lost, {} holds neither what this apply wrote nor what it held before: someone changed it meanwhile. Forcefield left it alone.",
                                after.describe()
                            ),
                            actions: vec![AttentionAction::Restore, AttentionAction::Keep],
                            chosen: None,
                            effect: None,
                            change: Some((part.step, *index)),
                        }),
                        None => self.attention.push(Attention {
                            reason: AttentionReason::Gone,
                            sobject: after.kind(),
                            id: Some(id.clone()),
                            evidence: format!(
                                "{} was deleted by someone else while this apply was updating it.",
                                after.describe()
                            ),
                            actions: vec![AttentionAction::Keep],
                            chosen: None,
                            effect: None,
                            change: None,
                        }),
                    }
                }
            }
            Action::Delete => {
                for (index, change) in &changes {
                    if let Some(id) = change.id() {
                        if !found.iter().any(|f| same_id(&f.id, id)) {
                            ours.push((*index, id.to_owned()));
                        }
                    }
                }
            }
            Action::Unchanged => {}
        }
        let complete = ours.len() == changes.len();
        let effect_kind = match action {
            Action::Create => EffectKind::Created,
            Action::Update => EffectKind::Updated,
            _ => EffectKind::Deleted,
        };
        let count = ours.len();
        for (index, id) in ours {
            self.effects
                .push(Effect::new(effect_kind, part.step, index, id));
        }
        if let Some(step) = self.steps.get_mut(part.step) {
            step.done += count;
            step.state = if complete && step.done >= step.step.view.count {
                StepState::Done
            } else if step.done > 0 {
                StepState::Running
            } else {
                StepState::Pending
            };
        }
        complete
    }

    /// Whether a found record has the key of `planned` (sets resolved to Ids).
    fn same_key(&self, planned: &Record, found: &Record) -> bool {
        let created = self.permission_set_id.as_deref();
        let same_set = |a: &SetRef, b: &SetRef| match (a.id(created), b.id(created)) {
            (Some(a), Some(b)) => same_id(a, b),
            // This apply's set isn't proven made: nothing found under a set is its child.
            _ => false,
        };
        match (planned.key(), found.key()) {
            (RecordKey::PermissionSet { name: a }, RecordKey::PermissionSet { name: b }) => {
                a.eq_ignore_ascii_case(&b)
            }
            (
                RecordKey::ObjectPermissions {
                    parent: pa,
                    sobject_type: a,
                },
                RecordKey::ObjectPermissions {
                    parent: pb,
                    sobject_type: b,
                },
            ) => same_set(&pa, &pb) && a.eq_ignore_ascii_case(&b),
            (
                RecordKey::FieldPermissions {
                    parent: pa,
                    field: a,
                },
                RecordKey::FieldPermissions {
                    parent: pb,
                    field: b,
                },
            ) => same_set(&pa, &pb) && a.eq_ignore_ascii_case(&b),
            (
                RecordKey::LicenseAssignment {
                    assignee_id: ua,
                    license_id: la,
                },
                RecordKey::LicenseAssignment {
                    assignee_id: ub,
                    license_id: lb,
                },
            ) => same_id(&ua, &ub) && same_id(&la, &lb),
            (
                RecordKey::SetAssignment {
                    assignee_id: ua,
                    permission_set: pa,
                },
                RecordKey::SetAssignment {
                    assignee_id: ub,
                    permission_set: pb,
                },
            ) => same_id(&ua, &ub) && same_set(&pa, &pb),
            _ => false,
        }
    }

    // ------------------------------------------------------------------ the undo

    /// The next undo batch: the newest pending effects of one kind and type (≤ 200).
    fn select_batch(&self) -> Option<UndoBatch> {
        let key = |e: &Effect| -> Option<(EffectKind, SobjectKind)> {
            Some((e.kind, self.change(e.step, e.index)?.record().kind()))
        };
        let pending: Vec<usize> = (0..self.effects.len())
            .rev()
            .filter(|i| {
                self.effects
                    .get(*i)
                    .is_some_and(|e| e.undo == UndoState::Pending)
            })
            .collect();
        let first = *pending.first()?;
        let first_key = key(self.effects.get(first)?);
        let mut effects = Vec::new();
        for i in pending {
            let Some(effect) = self.effects.get(i) else {
                break;
            };
            if key(effect) != first_key || effects.len() == COLLECTION_LIMIT {
                break;
            }
            effects.push(i);
        }
        Some(UndoBatch {
            effects,
            checked: false,
            to_do: Vec::new(),
        })
    }

    fn undo_calls(&mut self, data: &str) -> Vec<Outgoing> {
        // Bounded: each pass either sends something, finishes, or empties a batch.
        for _ in 0..=self.effects.len() {
            let batch = match self.undo_batch.clone() {
                Some(batch) => batch,
                None => match self.select_batch() {
                    Some(batch) => {
                        self.undo_batch = Some(batch.clone());
                        batch
                    }
                    None => {
                        self.finish_undo();
                        return Vec::new();
                    }
                },
            };
            if !batch.checked {
                let queries = self.reread_queries(&batch.effects);
                if queries.is_empty() {
                    // Nothing the journal can look up: each becomes an attention item.
                    for e in batch.effects {
                        self.conflict(
                            e,
                            AttentionReason::Gone,
                            "Forcefield's journal doesn't say enough to check this record."
                                .to_owned(),
                            vec![AttentionAction::Keep],
                        );
                    }
                    self.undo_batch = None;
                    continue;
                }
                return composite_reads(data, &Tag::Reread, &queries);
            }
            if batch.to_do.is_empty() {
                self.undo_batch = None;
                continue;
            }
            match self.undo_request(data, &batch.to_do) {
                Some(outgoing) => {
                    let attempt = self.attempt();
                    for e in &batch.to_do {
                        if let Some(effect) = self.effects.get_mut(*e) {
                            if effect.kind == EffectKind::Deleted {
                                effect.attempt = Some(attempt.clone());
                            }
                        }
                    }
                    self.in_flight.push(InFlight {
                        call: CallRef::Undo {
                            effects: batch.to_do.clone(),
                        },
                        attempt,
                        lost: None,
                        refused_step: None,
                    });
                    return vec![outgoing];
                }
                None => {
                    for e in batch.to_do {
                        self.conflict(
                            e,
                            AttentionReason::Gone,
                            "Forcefield's journal doesn't say enough to undo this record."
                                .to_owned(),
                            vec![AttentionAction::Keep],
                        );
                    }
                    self.undo_batch = None;
                }
            }
        }
        Vec::new()
    }

    fn finish_undo(&mut self) {
        self.phase = Phase::Finished;
        self.blocked = None;
        self.status = if !self.attention.is_empty() {
            ApplyStatus::NeedsAttention
        } else if self
            .effects
            .iter()
            .any(|e| matches!(e.undo, UndoState::Done { .. }))
        {
            ApplyStatus::RolledBack
        } else {
            ApplyStatus::Failed
        };
    }

    /// Queries that re-read a batch: its records by Id (or by key, for records to re-create)
    /// and, for a permission set this apply created, whether it holds anything else.
    fn reread_queries(&self, batch: &[usize]) -> Vec<(String, String)> {
        let Some(first) = batch.first().and_then(|e| self.effects.get(*e)) else {
            return Vec::new();
        };
        let Some(record) = self.change(first.step, first.index).map(Change::record) else {
            return Vec::new();
        };
        let kind = record.kind();
        let query = soql::select([kind.select_fields(&self.read_columns())]).from(kind.api_name());
        let mut queries = Vec::new();
        match first.kind {
            EffectKind::Created | EffectKind::Updated => {
                let ids: Vec<&str> = batch
                    .iter()
                    .filter_map(|e| self.effects.get(*e).map(|e| e.id.as_str()))
                    .collect();
                queries.push((
                    "records".to_owned(),
                    query.clone().where_in("Id", ids).to_string(),
                ));
                if first.kind == EffectKind::Created && kind == SobjectKind::PermissionSet {
                    for (reference, child, field) in [
                        ("objects", "ObjectPermissions", "ParentId"),
                        ("fields", "FieldPermissions", "ParentId"),
                        ("assignments", "PermissionSetAssignment", "PermissionSetId"),
                    ] {
                        queries.push((
                            reference.to_owned(),
                            soql::select(["Id"])
                                .from(child)
                                .where_eq(field, &first.id)
                                .limit(1)
                                .to_string(),
                        ));
                    }
                }
            }
            EffectKind::Deleted => {
                // Records to re-create, found by key under their set.
                let (filter_field, keys): (&str, Vec<String>) = match record {
                    Record::ObjectPermissions(_) => (
                        "SobjectType",
                        batch
                            .iter()
                            .filter_map(|e| self.effects.get(*e))
                            .filter_map(|e| match self.change(e.step, e.index)?.record() {
                                Record::ObjectPermissions(r) => Some(r.sobject_type.clone()),
                                _ => None,
                            })
                            .collect(),
                    ),
                    Record::FieldPermissions(_) => (
                        "Field",
                        batch
                            .iter()
                            .filter_map(|e| self.effects.get(*e))
                            .filter_map(|e| match self.change(e.step, e.index)?.record() {
                                Record::FieldPermissions(r) => Some(r.field.clone()),
                                _ => None,
                            })
                            .collect(),
                    ),
                    _ => return Vec::new(),
                };
                let Some(parent) = record.parent() else {
                    return Vec::new();
                };
                queries.push((
                    "records".to_owned(),
                    self.under_set(query, "ParentId", "Parent", parent)
                        .where_in(filter_field, keys)
                        .to_string(),
                ));
            }
        }
        queries
    }

    /// Makes effect `e` an attention item instead of undoing it.
    fn conflict(
        &mut self,
        e: usize,
        reason: AttentionReason,
        evidence: String,
        actions: Vec<AttentionAction>,
    ) {
        let Some(effect) = self.effects.get(e) else {
            return;
        };
        let sobject = self
            .change(effect.step, effect.index)
            .map_or(SobjectKind::PermissionSet, |c| c.record().kind());
        let id = Some(effect.id.clone());
        let item = self.attention.len();
        self.attention.push(Attention {
            reason,
            sobject,
            id,
            evidence,
            actions,
            chosen: None,
            effect: Some(e),
            change: None,
        });
        if let Some(effect) = self.effects.get_mut(e) {
            effect.undo = UndoState::Conflict { item };
        }
    }

    fn reread_answer(&mut self, answers: &[&Answer]) {
        let Some(batch) = self.undo_batch.clone() else {
            return;
        };
        let rows = match read_rows(answers) {
            Ok(rows) => rows,
            Err(error) => {
                self.undo_batch = None;
                self.block(&error);
                return;
            }
        };
        let kind_of = |journal: &Journal, e: &Effect| {
            journal.change(e.step, e.index).map(|c| c.record().kind())
        };
        let found: Vec<FoundRecord> = match batch
            .effects
            .first()
            .and_then(|e| self.effects.get(*e))
            .and_then(|e| kind_of(self, e))
        {
            Some(kind) => rows
                .get("records")
                .into_iter()
                .flatten()
                .filter_map(|row| found_record(kind, row))
                .collect(),
            None => Vec::new(),
        };
        let has_children = ["objects", "fields", "assignments"]
            .iter()
            .any(|r| rows.get(*r).is_some_and(|rows| !rows.is_empty()));
        let mut to_do = Vec::new();
        for e in &batch.effects {
            let Some(effect) = self.effects.get(*e).cloned() else {
                continue;
            };
            let Some(change) = self.change(effect.step, effect.index).cloned() else {
                continue;
            };
            match effect.kind {
                EffectKind::Created => {
                    let Some(current) = found.iter().find(|f| same_id(&f.id, &effect.id)) else {
                        self.undone(*e, None);
                        continue;
                    };
                    let planned = self.resolved(change.record());
                    let changed_by_other = planned.kind().has_creator()
                        && match (&current.audit.last_modified_by_id, &self.user_id) {
                            (Some(by), Some(user)) => !same_id(by, user),
                            _ => false,
                        };
                    let holds = planned.held_by(&current.record, self.permission_set_id.as_deref());
                    if effect.forced {
                        to_do.push(*e);
                    } else if !holds || changed_by_other {
                        self.conflict(
                            *e,
                            AttentionReason::ChangedSince,
                            format!(
                                "This apply created {}, but someone changed it since{}. Forcefield left it as it is.",
                                planned.describe(),
                                current
                                    .audit
                                    .last_modified_by_id
                                    .as_deref()
                                    .map(|by| format!(" (last changed by user {by})"))
                                    .unwrap_or_default()
                            ),
                            vec![AttentionAction::Delete, AttentionAction::Keep],
                        );
                    } else if planned.kind() == SobjectKind::PermissionSet && has_children {
                        self.conflict(
                            *e,
                            AttentionReason::HasOtherRecords,
                            format!(
                                "This apply created {}, but it now holds permissions or assignments this apply didn't make (or left for your decision); deleting it would delete those too. Forcefield left it as it is.",
                                planned.describe()
                            ),
                            vec![AttentionAction::Delete, AttentionAction::Keep],
                        );
                    } else {
                        to_do.push(*e);
                    }
                }
                EffectKind::Updated => {
                    let Change::Update { before, after, .. } = &change else {
                        continue;
                    };
                    match found.iter().find(|f| same_id(&f.id, &effect.id)) {
                        None => self.conflict(
                            *e,
                            AttentionReason::Gone,
                            format!(
                                "This apply changed {}, and someone deleted it since: there is nothing to restore.",
                                after.describe()
                            ),
                            vec![AttentionAction::Keep],
                        ),
                        Some(current) if before.update_held_by(after, &current.record) => {
                            self.undone(*e, None)
                        }
                        Some(current)
                            if effect.forced || after.update_held_by(before, &current.record) =>
                        {
                            to_do.push(*e)
                        }
                        Some(_) => self.conflict(
                            *e,
                            AttentionReason::ChangedSince,
                            format!(
                                "This apply changed {}, and someone changed it again since. Forcefield kept their values.",
                                after.describe()
                            ),
                            vec![AttentionAction::Restore, AttentionAction::Keep],
                        ),
                    }
                }
                EffectKind::Deleted => {
                    let wanted = self.resolved(change.record());
                    let taken: Vec<&FoundRecord> = found
                        .iter()
                        .filter(|f| self.same_key(&wanted, &f.record))
                        .collect();
                    if taken.is_empty() {
                        to_do.push(*e);
                        continue;
                    }
                    // A re-create whose answer was lost may have made it.
                    let attempt = effect.attempt.clone().unwrap_or_default();
                    let ours = taken.iter().find(|f| {
                        effect.attempt.is_some()
                            && matches!(self.ownership(f, &wanted, &attempt), Ownership::Ours)
                    });
                    match ours {
                        Some(f) => {
                            let id = f.id.clone();
                            self.undone(*e, Some(id));
                        }
                        None => {
                            for f in &taken {
                                self.known_ids.insert(f.id.clone());
                            }
                            let ids: Vec<String> = taken.iter().map(|f| f.id.clone()).collect();
                            self.conflict(
                                *e,
                                AttentionReason::Gone,
                                format!(
                                    "This apply deleted {}; another record with the same key exists now ({}), so Forcefield didn't create it again.",
                                    wanted.describe(),
                                    ids.join(", ")
                                ),
                                vec![AttentionAction::Keep],
                            );
                        }
                    }
                }
            }
        }
        self.undo_batch = Some(UndoBatch {
            effects: batch.effects,
            checked: true,
            to_do,
        });
    }

    /// Marks effect `e` undone (re-created as `id`), and its step when all of its are.
    fn undone(&mut self, e: usize, id: Option<String>) {
        let Some(effect) = self.effects.get_mut(e) else {
            return;
        };
        effect.undo = UndoState::Done { id };
        effect.attempt = None;
        let step = effect.step;
        let all_done = self
            .effects
            .iter()
            .filter(|x| x.step == step)
            .all(|x| matches!(x.undo, UndoState::Done { .. }));
        if all_done {
            if let Some(s) = self.steps.get_mut(step) {
                if s.state != StepState::Failed {
                    s.state = StepState::Undone;
                }
            }
        }
    }

    /// The write that undoes these effects (all of one kind and type), allOrNone=false so each
    /// record stands alone (salesforce.md §B.3).
    fn undo_request(&self, data: &str, effects: &[usize]) -> Option<Outgoing> {
        let first = self.effects.get(*effects.first()?)?;
        let kind = self.change(first.step, first.index)?.record().kind();
        let path = format!("{data}/composite/sobjects");
        let tag = Tag::Undo {
            effects: effects.to_vec(),
        };
        match first.kind {
            EffectKind::Created
                if kind == SobjectKind::PermissionSet && effects.len() == 1 && !first.forced =>
            {
                Some(self.guarded_set_delete(data, tag, &first.id))
            }
            EffectKind::Created => {
                let ids: Vec<&str> = effects
                    .iter()
                    .filter_map(|e| self.effects.get(*e).map(|e| e.id.as_str()))
                    .collect();
                Some(Outgoing {
                    tag,
                    method: Method::Delete,
                    path: format!("{path}?ids={}&allOrNone=false", ids.join(",")),
                    body: None,
                })
            }
            EffectKind::Updated => {
                let mut records = Vec::new();
                for e in effects {
                    let effect = self.effects.get(*e)?;
                    let Change::Update { before, after, .. } =
                        self.change(effect.step, effect.index)?
                    else {
                        return None;
                    };
                    let mut fields = after.update_fields(before);
                    fields.insert("attributes".into(), json!({"type": kind.api_name()}));
                    fields.insert("id".into(), json!(effect.id));
                    records.push(Value::Object(fields));
                }
                Some(Outgoing {
                    tag,
                    method: Method::Patch,
                    path,
                    body: Some(json!({"allOrNone": false, "records": records}).to_string()),
                })
            }
            EffectKind::Deleted => {
                let mut records = Vec::new();
                for e in effects {
                    let effect = self.effects.get(*e)?;
                    let record = self.change(effect.step, effect.index)?.record();
                    let parent = match record.parent() {
                        Some(set) => Some(self.set_id(set)?),
                        None => None,
                    };
                    let mut fields = record.create_fields(parent);
                    fields.insert("attributes".into(), json!({"type": kind.api_name()}));
                    records.push(Value::Object(fields));
                }
                Some(Outgoing {
                    tag,
                    method: Method::Post,
                    path,
                    body: Some(json!({"allOrNone": false, "records": records}).to_string()),
                })
            }
        }
    }

    /// The undo of the permission set this apply created, as one composite request whose
    /// delete runs only if, at that moment, the set holds no object permission, field
    /// permission or assignment and was last changed by the applying user. Deleting a set
    /// deletes what it holds (salesforce.md §I.19), so the re-read just before, which checks the
    /// same, is not enough: another admin's field permission or assignment added between that
    /// re-read and a plain delete would go with the set. Here two queries with anti-joins
    /// (salesforce.md §B.1) find the set only if it is still empty; the second query and the
    /// delete name the row the query before found by reference, and a reference to a row a
    /// query didn't find can't be resolved, so the delete halts (salesforce.md §B.4). What is
    /// left of the window is inside that one request at Salesforce.
    fn guarded_set_delete(&self, data: &str, tag: Tag, set_id: &str) -> Outgoing {
        let rows_of =
            |object: &str, field: &str| soql::select([field]).from(object).where_eq(field, set_id);
        let mut holds_nothing = soql::select(["Id"])
            .from("PermissionSet")
            .where_eq("Id", set_id)
            .where_not_in_query("Id", &rows_of("ObjectPermissions", "ParentId"))
            .where_not_in_query("Id", &rows_of("FieldPermissions", "ParentId"));
        if let Some(user) = &self.user_id {
            holds_nothing = holds_nothing.where_eq("LastModifiedById", user);
        }
        // At most two anti-joins per query (salesforce.md §B.1): the assignments get their own,
        // standing on the first query's row.
        let unassigned = soql::select(["Id"])
            .from("PermissionSet")
            .where_eq("Id", GUARD_EMPTY_ROW)
            .where_not_in_query("Id", &rows_of("PermissionSetAssignment", "PermissionSetId"));
        // A reference stays as written in the URL for Salesforce to resolve (public composite
        // code writes `'@{ref.id}'` into a query string the same way, salesforce.md §B.4).
        let query_url = |query: &Query| {
            format!(
                "{data}/query?q={}",
                form_encode(&query.to_string())
                    .replace(&form_encode(GUARD_EMPTY_ROW), GUARD_EMPTY_ROW)
            )
        };
        let subrequests = json!([
            {"method": "GET", "referenceId": GUARD_EMPTY, "url": query_url(&holds_nothing)},
            {"method": "GET", "referenceId": GUARD_UNASSIGNED, "url": query_url(&unassigned)},
            {"method": "DELETE", "referenceId": GUARD_DELETE,
             "url": format!("{data}/sobjects/PermissionSet/{GUARD_UNASSIGNED_ROW}")},
        ]);
        Outgoing {
            tag,
            method: Method::Post,
            path: format!("{data}/composite"),
            body: Some(json!({"allOrNone": false, "compositeRequest": subrequests}).to_string()),
        }
    }

    /// The answer to [`Self::guarded_set_delete`]: deleted, already gone, or held back (the set
    /// held something else or was changed; the next re-read says what) or refused.
    fn guarded_delete_answer(&mut self, effects: &[usize], answer: &CompositeAnswer) {
        let Some(&e) = effects.first() else {
            return;
        };
        let entry = |reference: &str| {
            answer
                .composite_response
                .iter()
                .find(|sub| sub.reference_id == reference)
        };
        let Some(delete) = entry(GUARD_DELETE) else {
            self.undo_unknowns = self.undo_unknowns.saturating_add(1);
            if self.undo_unknowns >= 2 {
                self.block(&ApiError::malformed(
                    "the undo's answer",
                    "no answer for the delete",
                ));
            }
            return;
        };
        self.undo_unknowns = 0;
        self.in_flight.retain(|f| {
            f.call
                != CallRef::Undo {
                    effects: effects.to_vec(),
                }
        });
        if (200..300).contains(&delete.http_status_code) {
            self.undone(e, None);
            return;
        }
        let errors: Vec<SaveError> = crate::json::read(&delete.body).unwrap_or_default();
        if errors
            .iter()
            .any(|err| ALREADY_GONE.contains(&err.status_code.as_str()))
        {
            self.undone(e, None);
            return;
        }
        // A guard query Salesforce refused: its own words.
        for reference in [GUARD_EMPTY, GUARD_UNASSIGNED] {
            if let Some(sub) =
                entry(reference).filter(|sub| !(200..300).contains(&sub.http_status_code))
            {
                let error = ApiError::from_response(sub.http_status_code, &sub.body.to_string());
                self.refused(e, &error.message);
                return;
            }
        }
        let refusal = errors
            .first()
            .filter(|err| err.status_code != "PROCESSING_HALTED")
            .map(|err| format!("{} ({})", err.message, err.status_code));
        match refusal {
            Some(message) => self.refused(e, &message),
            // Held back: the re-read before the next try finds what the set holds now.
            None => self.refused(
                e,
                "when Forcefield came to delete it, it held permissions or assignments this apply didn't make, or someone had changed it",
            ),
        }
    }

    fn undo_answer(&mut self, effects: &[usize], answer: &Answer) {
        let call = CallRef::Undo {
            effects: effects.to_vec(),
        };
        // The batch is re-read before any further undo write.
        self.undo_batch = None;
        // An unknown outcome: the re-read looks it up; twice in a row, the clean-up waits.
        let unknown = |journal: &mut Journal, error: ApiError| {
            journal.undo_unknowns = journal.undo_unknowns.saturating_add(1);
            if journal.undo_unknowns >= 2 {
                journal.block(&error);
            }
        };
        let response = match answer {
            Answer::NoAnswer(reason) => {
                return unknown(self, ApiError::from_transport(reason.clone()))
            }
            Answer::Response(r) => r,
        };
        if !(200..300).contains(&response.status) {
            let error = ApiError::from_response(response.status, &response.body);
            if refused_before_running(response.status) {
                self.in_flight.retain(|f| f.call != call);
                self.undo_unknowns = 0;
                if blocking(&error) {
                    self.block(&error);
                } else {
                    for e in effects {
                        self.refused(*e, &error.message);
                    }
                }
                return;
            }
            return unknown(self, error);
        }
        if let Ok(composite) = serde_json::from_str::<CompositeAnswer>(&response.body) {
            return self.guarded_delete_answer(effects, &composite);
        }
        let results = match serde_json::from_str::<Vec<SaveResult>>(&response.body) {
            Ok(results) => results,
            Err(e) => return unknown(self, ApiError::malformed("the undo's answer", e)),
        };
        self.undo_unknowns = 0;
        self.in_flight.retain(|f| f.call != call);
        let kind = effects
            .first()
            .and_then(|e| self.effects.get(*e))
            .map(|e| e.kind);
        for (e, result) in effects.iter().zip(results.iter()) {
            let gone = result
                .errors
                .iter()
                .all(|err| ALREADY_GONE.contains(&err.status_code.as_str()));
            if result.success || (kind == Some(EffectKind::Created) && gone) {
                let id = (kind == Some(EffectKind::Deleted))
                    .then(|| result.id.clone())
                    .flatten();
                self.undone(*e, id);
            } else {
                let message = result
                    .errors
                    .first()
                    .map(|err| format!("{} ({})", err.message, err.status_code))
                    .unwrap_or_default();
                self.refused(*e, &message);
            }
        }
    }

    /// Salesforce refused to undo effect `e`: tried again once, then left for the admin.
    fn refused(&mut self, e: usize, message: &str) {
        let Some(effect) = self.effects.get_mut(e) else {
            return;
        };
        effect.refusals = effect.refusals.saturating_add(1);
        // The attempt stays: a refusal may be a browser's resent request refused as a duplicate
        // of the first, which did create the record (the re-read proves it).
        if effect.refusals < 2 {
            return;
        }
        let effect = effect.clone();
        let action = match effect.kind {
            EffectKind::Created => AttentionAction::Delete,
            EffectKind::Updated => AttentionAction::Restore,
            EffectKind::Deleted => AttentionAction::Recreate,
        };
        let what = self
            .change(effect.step, effect.index)
            .map(|c| c.record().describe())
            .unwrap_or_default();
        self.conflict(
            e,
            AttentionReason::UndoRefused,
            format!("Salesforce refused to undo the change to {what}: {message}"),
            vec![action, AttentionAction::Keep],
        );
    }

    // ------------------------------------------------------------------ the admin's decisions

    /// The admin's choice for attention item `item`: `Keep` leaves the org as it is; the
    /// others undo that record anyway, through the same journalled undo.
    pub fn choose(&mut self, item: usize, action: AttentionAction) -> Result<(), ChoiceError> {
        let Some(attention) = self.attention.get(item).cloned() else {
            return Err(ChoiceError::NoSuchItem(item));
        };
        if attention.chosen.is_some() {
            return Err(ChoiceError::AlreadyDecided);
        }
        if !attention.actions.contains(&action) {
            return Err(ChoiceError::NotOffered);
        }
        if let Some(a) = self.attention.get_mut(item) {
            a.chosen = Some(action);
        }
        if action == AttentionAction::Keep {
            if self.status == ApplyStatus::NeedsAttention {
                self.finish_undo();
            }
            return Ok(());
        }
        match (attention.effect, attention.change) {
            (Some(e), _) => {
                if let Some(effect) = self.effects.get_mut(e) {
                    effect.undo = UndoState::Pending;
                    effect.forced = true;
                    effect.refusals = 0;
                }
            }
            (None, Some((step, index))) => {
                let kind = match action {
                    AttentionAction::Restore => EffectKind::Updated,
                    AttentionAction::Recreate => EffectKind::Deleted,
                    _ => EffectKind::Created,
                };
                // Undone at the admin's request (`Effect::forced`).
                let id = attention.id.clone().unwrap_or_default();
                self.effects.push(Effect {
                    forced: true,
                    ..Effect::new(kind, step, index, id)
                });
            }
            (None, None) => return Err(ChoiceError::NothingToActOn),
        }
        self.phase = Phase::Undo;
        self.status = ApplyStatus::Running;
        self.undo_batch = None;
        Ok(())
    }

    /// Resumes an apply that paused or whose clean-up was blocked.
    pub fn resume(&mut self) {
        if matches!(
            self.status,
            ApplyStatus::Paused | ApplyStatus::CleanupNeeded
        ) {
            self.status = ApplyStatus::Running;
            self.blocked = None;
        }
    }

    /// Whether `status` is a final one (the org is as planned, as before, or listed).
    pub fn settled(&self) -> bool {
        matches!(
            self.status,
            ApplyStatus::Done
                | ApplyStatus::Failed
                | ApplyStatus::RolledBack
                | ApplyStatus::NeedsAttention
        )
    }

    /// The HTTP status of an answer, for callers that log.
    pub fn status_of(answer: &Answer) -> Option<u16> {
        answer.status()
    }
}
