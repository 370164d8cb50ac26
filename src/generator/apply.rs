//! The apply: a journal persisted in extension storage (`storage.local`) that the generator page
//! advances one write call per request, so it survives the background worker stopping. Every
//! write's undo (created Ids, prior values) is in the journal before the next write; on failure
//! the undo runs in reverse order; when it can't (session expired, API allowance spent), the
//! journal keeps what remains for "finish clean-up".
//!
//! Writes are sObject Collections with `allOrNone` (salesforce.md §B.3), one type per call (§H.Q3), or
//! composite requests with `allOrNone` where the org allows mixing Setup types (§B.4, §H.Q3 [U]).

use super::plan::{is_single, CallPlan, Part, Step, WritePlan, PERMISSION_SET_ID};
use super::view::{
    Action, ApplyStatus, ApplyView, RemainingRecord, StepError, StepKind, StepProgress, StepState,
};
use crate::platform::{Area, KeyValueStore};
use crate::platform::{Method, Transport};
use crate::salesforce::{ApiError, Client, OrgId};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Per-record errors that mean an undo delete has nothing left to do.
const ALREADY_GONE: [&str; 3] = [
    "ENTITY_IS_DELETED",
    "INVALID_CROSS_REFERENCE_KEY",
    "NOT_FOUND",
];

/// One step's progress inside the journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalStep {
    pub step: Step,
    pub state: StepState,
    pub done: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<StepError>,
}

/// What undoes one successful write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Undo {
    /// Delete a record this apply created.
    #[serde(rename_all = "camelCase")]
    Delete {
        sobject_type: String,
        id: String,
        step: usize,
    },
    /// Put back the values an update changed.
    #[serde(rename_all = "camelCase")]
    Restore {
        sobject_type: String,
        id: String,
        fields: Map<String, Value>,
        step: usize,
    },
    /// Create again a record this apply deleted (it gets a new Id).
    #[serde(rename_all = "camelCase")]
    Recreate {
        sobject_type: String,
        old_id: String,
        fields: Map<String, Value>,
        step: usize,
    },
}

impl Undo {
    fn key(&self) -> (u8, &str) {
        match self {
            Self::Delete { sobject_type, .. } => (0, sobject_type),
            Self::Restore { sobject_type, .. } => (1, sobject_type),
            Self::Recreate { sobject_type, .. } => (2, sobject_type),
        }
    }

    fn step(&self) -> usize {
        match self {
            Self::Delete { step, .. }
            | Self::Restore { step, .. }
            | Self::Recreate { step, .. } => *step,
        }
    }
}

/// An apply in progress, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Journal {
    pub apply_id: String,
    pub org_id: OrgId,
    pub api_host: String,
    pub status: ApplyStatus,
    #[serde(default)]
    pub message: Option<String>,
    pub steps: Vec<JournalStep>,
    pub calls: Vec<CallPlan>,
    pub next_call: usize,
    /// The call that was being sent when the journal was last saved; set means its outcome is
    /// unknown (the worker stopped mid-call).
    #[serde(default)]
    pub in_flight: Option<usize>,
    #[serde(default)]
    pub permission_set_id: Option<String>,
    pub undo: Vec<Undo>,
    /// Undo is running (after a failure).
    #[serde(default)]
    pub undoing: bool,
}

impl Journal {
    /// A new journal for a plan; an empty plan is done at once (a repeated apply writes nothing).
    pub fn new(apply_id: String, org_id: OrgId, api_host: String, plan: WritePlan) -> Self {
        let status = if plan.calls.is_empty() {
            ApplyStatus::Done
        } else {
            ApplyStatus::Running
        };
        let permission_set_id = plan.permission_set.id.clone();
        Self {
            apply_id,
            org_id,
            api_host,
            status,
            message: None,
            steps: plan
                .steps
                .into_iter()
                .map(|step| JournalStep {
                    step,
                    state: StepState::Pending,
                    done: 0,
                    error: None,
                })
                .collect(),
            calls: plan.calls,
            next_call: 0,
            in_flight: None,
            permission_set_id,
            undo: Vec::new(),
            undoing: false,
        }
    }

    /// What the generator page shows.
    pub fn view(&self) -> ApplyView {
        let remaining = if self.status == ApplyStatus::CleanupNeeded {
            self.undo
                .iter()
                .rev()
                .map(|undo| {
                    let (sobject_type, id) = match undo {
                        Undo::Delete {
                            sobject_type, id, ..
                        }
                        | Undo::Restore {
                            sobject_type, id, ..
                        } => (sobject_type, id),
                        Undo::Recreate {
                            sobject_type,
                            old_id,
                            ..
                        } => (sobject_type, old_id),
                    };
                    RemainingRecord {
                        sobject_type: sobject_type.clone(),
                        id: id.clone(),
                        url: format!("https://{}/{id}", self.api_host),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        ApplyView {
            apply_id: self.apply_id.clone(),
            status: self.status,
            steps: self
                .steps
                .iter()
                .map(|s| StepProgress {
                    id: s.step.view.id.clone(),
                    description: s.step.view.description.clone(),
                    state: s.state,
                    done: s.done,
                    total: s.step.view.count,
                    error: s.error.clone(),
                })
                .collect(),
            remaining,
            permission_set_id: self.permission_set_id.clone(),
            message: self.message.clone(),
        }
    }

    fn resolve(&self, fields: &Map<String, Value>, reference: Option<&str>) -> Value {
        let mut record = Map::new();
        for (name, value) in fields {
            let value = match value.as_str() {
                Some(PERMISSION_SET_ID) => match (&self.permission_set_id, reference) {
                    (Some(id), _) => Value::String(id.clone()),
                    (None, Some(reference)) => Value::String(format!("@{{{reference}.id}}")),
                    (None, None) => value.clone(),
                },
                _ => value.clone(),
            };
            record.insert(name.clone(), value);
        }
        Value::Object(record)
    }
}

fn storage_key(org: &OrgId, apply_id: &str) -> String {
    format!("generatorApply:{org}:{apply_id}")
}

fn index_key(org: &OrgId) -> String {
    format!("generatorApplies:{org}")
}

/// Saves the journal and keeps the org's index of unfinished applies current.
pub async fn save(store: &impl KeyValueStore, journal: &Journal) -> Result<(), String> {
    super::stored::save(
        store,
        Area::Local,
        &storage_key(&journal.org_id, &journal.apply_id),
        journal,
    )
    .await
    .map_err(|e| e.to_string())?;
    let mut index = load_index(store, &journal.org_id).await;
    let unfinished = matches!(
        journal.status,
        ApplyStatus::Running | ApplyStatus::CleanupNeeded
    );
    let listed = index.contains(&journal.apply_id);
    if unfinished && !listed {
        index.push(journal.apply_id.clone());
    } else if !unfinished && listed {
        index.retain(|id| id != &journal.apply_id);
    } else {
        return Ok(());
    }
    super::stored::save(store, Area::Local, &index_key(&journal.org_id), &index)
        .await
        .map_err(|e| e.to_string())
}

async fn load_index(store: &impl KeyValueStore, org: &OrgId) -> Vec<String> {
    super::stored::load(store, Area::Local, &index_key(org))
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

pub async fn load(
    store: &impl KeyValueStore,
    org: &OrgId,
    apply_id: &str,
) -> Result<Journal, String> {
    let journal: Journal = super::stored::load(store, Area::Local, &storage_key(org, apply_id))
        .await
        .map_err(|e| format!("The apply's journal is unreadable: {e}"))?
        .ok_or_else(|| format!("No apply {apply_id} is recorded for this org."))?;
    journal
        .check_positions()
        .map_err(|e| format!("The apply's journal is unreadable: {e}"))?;
    Ok(journal)
}

impl Journal {
    /// Every position the journal holds — each call's parts, the call in flight, each undo
    /// entry's step — points inside the journal. The engine below indexes by them, so a stored
    /// journal that fails this (edited, corrupted, or from a build that wrote it wrongly) is
    /// refused with this message instead of stopping the core (found by the fuzz target
    /// `journal_resumed`: a call starting beyond its step's records).
    fn check_positions(&self) -> Result<(), String> {
        for (number, call) in self.calls.iter().enumerate() {
            let parts = parts_of(call);
            if parts.is_empty() {
                return Err(format!("call {number} writes nothing"));
            }
            for part in parts {
                let records = self
                    .steps
                    .get(part.step)
                    .map(|s| s.step.records.len())
                    .ok_or_else(|| {
                        format!("call {number} names step {}, which it lacks", part.step)
                    })?;
                if part.start >= part.end || part.end > records {
                    return Err(format!(
                        "call {number} covers records {}..{} of step {}, which has {records}",
                        part.start, part.end, part.step
                    ));
                }
            }
        }
        if let Some(call) = self.in_flight.filter(|&c| c >= self.calls.len()) {
            return Err(format!(
                "the call in flight, {call}, is not one of its calls"
            ));
        }
        if let Some(undo) = self.undo.iter().find(|u| u.step() >= self.steps.len()) {
            return Err(format!(
                "an undo entry names step {}, which it lacks",
                undo.step()
            ));
        }
        Ok(())
    }
}

/// Applies of the org that are running or need clean-up.
pub async fn pending(store: &impl KeyValueStore, org: &OrgId) -> Vec<Journal> {
    let mut out = Vec::new();
    for id in load_index(store, org).await {
        if let Ok(journal) = load(store, org, &id).await {
            out.push(journal);
        }
    }
    out
}

/// A new apply Id, unique per org in this browser profile.
pub async fn next_apply_id(store: &impl KeyValueStore, org: &OrgId) -> String {
    let key = format!("generatorApplySeq:{org}");
    let last: u64 = super::stored::load(store, Area::Local, &key)
        .await
        .ok()
        .flatten()
        .unwrap_or(0);
    let next = last + 1;
    let _ = super::stored::save(store, Area::Local, &key, &next).await;
    format!("apply-{next}")
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

/// Whether an error means the undo can't run now but may later (the "finish clean-up" case).
fn blocks_undo(error: &ApiError) -> bool {
    use crate::salesforce::ApiErrorKind::*;
    matches!(
        error.kind,
        SessionExpired | RequestLimit | Network | ServerError | ApiDisabled
    )
}

/// The first real error of a save-result list (salesforce.md §B.3: `statusCode`; rows rolled back
/// because of another row carry ALL_OR_NONE_OPERATION_ROLLED_BACK).
fn first_error(results: &[Value]) -> Option<StepError> {
    let errors: Vec<&Value> = results
        .iter()
        .filter(|r| !r.get("success").and_then(Value::as_bool).unwrap_or(false))
        .flat_map(|r| {
            r.get("errors")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .collect();
    let code = |e: &Value| {
        e.get("statusCode")
            .or_else(|| e.get("errorCode"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let chosen = errors
        .iter()
        .find(|e| code(e) != "ALL_OR_NONE_OPERATION_ROLLED_BACK")
        .or_else(|| errors.first())?;
    Some(StepError {
        error_code: code(chosen),
        message: chosen
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        fields: chosen
            .get("fields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str().map(str::to_owned))
            .collect(),
    })
}

fn parse_list(body: &str) -> Result<Vec<Value>, ApiError> {
    serde_json::from_str(body).map_err(|e| ApiError::malformed("save results", e))
}

/// The outcome of one write call.
enum Outcome {
    /// Ids for each part's records (creates), in order.
    Written(Vec<Vec<Option<String>>>),
    /// Salesforce refused; nothing of this call was saved (allOrNone).
    Refused { part: usize, error: StepError },
}

/// One collection call for one part (salesforce.md §B.3).
async fn send_batch<T: Transport>(
    client: &Client<'_, T>,
    journal: &Journal,
    part: &Part,
) -> Result<Outcome, ApiError> {
    let step = &journal.steps[part.step].step;
    let sobject = step.view.sobject_type.as_str();
    let records = &step.records[part.start..part.end];
    let path = format!("{}/composite/sobjects", client.version().data_path());
    let response = match step.view.action {
        Action::Delete => {
            let ids: Vec<&str> = records.iter().filter_map(|r| r.id.as_deref()).collect();
            client
                .send(
                    Method::Delete,
                    &format!("{path}?ids={}&allOrNone=true", ids.join(",")),
                    None,
                )
                .await?
        }
        action => {
            let body: Vec<Value> = records
                .iter()
                .map(|r| {
                    let mut record = journal.resolve(&r.fields, None);
                    if let Value::Object(map) = &mut record {
                        map.insert("attributes".into(), json!({ "type": sobject }));
                        if let (Action::Update, Some(id)) = (action, &r.id) {
                            map.insert("id".into(), json!(id));
                        }
                    }
                    record
                })
                .collect();
            let method = if action == Action::Update {
                Method::Patch
            } else {
                Method::Post
            };
            client
                .send(
                    method,
                    &path,
                    Some(json!({ "allOrNone": true, "records": body }).to_string()),
                )
                .await?
        }
    };
    let results = parse_list(&response.body)?;
    if let Some(error) = first_error(&results) {
        return Ok(Outcome::Refused { part: 0, error });
    }
    let ids = results
        .iter()
        .map(|r| r.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect();
    Ok(Outcome::Written(vec![ids]))
}

/// One composite request for several parts, all or none (salesforce.md §B.4).
async fn send_composite<T: Transport>(
    client: &Client<'_, T>,
    journal: &Journal,
    parts: &[Part],
) -> Result<Outcome, ApiError> {
    let data = client.version().data_path();
    let steps: Vec<Step> = journal.steps.iter().map(|s| s.step.clone()).collect();
    // The reference of the permission set created in this request, if it is.
    let created_here = parts.iter().position(|p| {
        steps[p.step].view.kind == StepKind::PermissionSet
            && steps[p.step].view.action == Action::Create
    });
    let reference = created_here.map(|i| format!("p{i}"));
    let mut subrequests = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let step = &steps[part.step];
        let sobject = step.view.sobject_type.as_str();
        let records = &step.records[part.start..part.end];
        let reference_id = format!("p{i}");
        let sub = match (step.view.action, is_single(&steps, part)) {
            (Action::Delete, _) => {
                let ids: Vec<&str> = records.iter().filter_map(|r| r.id.as_deref()).collect();
                json!({"method": "DELETE", "referenceId": reference_id,
                       "url": format!("{data}/composite/sobjects?ids={}&allOrNone=true", ids.join(","))})
            }
            (Action::Create, true) => json!({
                "method": "POST", "referenceId": reference_id,
                "url": format!("{data}/sobjects/{sobject}"),
                "body": journal.resolve(&records[0].fields, reference.as_deref())
            }),
            (Action::Update, true) => json!({
                "method": "PATCH", "referenceId": reference_id,
                "url": format!("{data}/sobjects/{sobject}/{}", records[0].id.clone().unwrap_or_default()),
                "body": journal.resolve(&records[0].fields, None)
            }),
            (action, _) => {
                let body: Vec<Value> = records
                    .iter()
                    .map(|r| {
                        let mut record = journal.resolve(&r.fields, reference.as_deref());
                        if let Value::Object(map) = &mut record {
                            map.insert("attributes".into(), json!({ "type": sobject }));
                            if let (Action::Update, Some(id)) = (action, &r.id) {
                                map.insert("id".into(), json!(id));
                            }
                        }
                        record
                    })
                    .collect();
                json!({
                    "method": if action == Action::Update { "PATCH" } else { "POST" },
                    "referenceId": reference_id,
                    "url": format!("{data}/composite/sobjects"),
                    "body": {"allOrNone": true, "records": body}
                })
            }
        };
        subrequests.push(sub);
    }
    let response = client
        .send(
            Method::Post,
            &format!("{data}/composite"),
            Some(json!({"allOrNone": true, "compositeRequest": subrequests}).to_string()),
        )
        .await?;
    let parsed: Value = serde_json::from_str(&response.body)
        .map_err(|e| ApiError::malformed("a composite answer", e))?;
    let answers = parsed
        .get("compositeResponse")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| ApiError::malformed("a composite answer", "no compositeResponse"))?;
    let mut refusal: Option<(usize, StepError)> = None;
    let mut ids = Vec::new();
    for (i, answer) in answers.iter().enumerate() {
        let status = answer
            .get("httpStatusCode")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let body = answer.get("body").cloned().unwrap_or(Value::Null);
        if status >= 400 {
            let error =
                ApiError::from_response(u16::try_from(status).unwrap_or(400), &body.to_string());
            if error.code.as_deref() != Some("PROCESSING_HALTED") || refusal.is_none() {
                let replace = refusal
                    .as_ref()
                    .is_none_or(|(_, e)| e.error_code == "PROCESSING_HALTED");
                if replace {
                    refusal = Some((i, error_of(&error)));
                }
            }
            ids.push(Vec::new());
            continue;
        }
        match &body {
            Value::Array(results) => {
                if let Some(error) = first_error(results) {
                    if refusal
                        .as_ref()
                        .is_none_or(|(_, e)| e.error_code == "PROCESSING_HALTED")
                    {
                        refusal = Some((i, error));
                    }
                }
                ids.push(
                    results
                        .iter()
                        .map(|r| r.get("id").and_then(Value::as_str).map(str::to_owned))
                        .collect(),
                );
            }
            Value::Object(map) => ids.push(vec![map
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_owned)]),
            _ => ids.push(vec![None]),
        }
    }
    if let Some((part, error)) = refusal {
        return Ok(Outcome::Refused { part, error });
    }
    Ok(Outcome::Written(ids))
}

/// Records one successful part: progress, the permission set's Id, the undo entries.
fn record_written(journal: &mut Journal, part: &Part, ids: &[Option<String>]) {
    let step_index = part.step;
    let (kind, action, sobject) = {
        let view = &journal.steps[step_index].step.view;
        (view.kind, view.action, view.sobject_type.clone())
    };
    for (offset, index) in (part.start..part.end).enumerate() {
        let record = journal.steps[step_index].step.records[index].clone();
        let undo = match action {
            Action::Create => match ids.get(offset).cloned().flatten() {
                Some(id) => {
                    if kind == StepKind::PermissionSet {
                        journal.permission_set_id = Some(id.clone());
                    }
                    Undo::Delete {
                        sobject_type: sobject.clone(),
                        id,
                        step: step_index,
                    }
                }
                None => continue,
            },
            Action::Update => Undo::Restore {
                sobject_type: sobject.clone(),
                id: record.id.clone().unwrap_or_default(),
                fields: record.before.clone().unwrap_or_default(),
                step: step_index,
            },
            Action::Delete => Undo::Recreate {
                sobject_type: sobject.clone(),
                old_id: record.id.clone().unwrap_or_default(),
                fields: record.before.clone().unwrap_or_default(),
                step: step_index,
            },
            Action::Unchanged => continue,
        };
        journal.undo.push(undo);
    }
    let step = &mut journal.steps[step_index];
    step.done += part.end - part.start;
    step.state = if step.done >= step.step.view.count {
        StepState::Done
    } else {
        StepState::Running
    };
}

fn parts_of(call: &CallPlan) -> Vec<Part> {
    match call {
        CallPlan::Batch { part } => vec![*part],
        CallPlan::Composite { parts } => parts.clone(),
    }
}

/// Advances the apply by one write call (or, after a failure, runs the undo) and saves the
/// journal after every call.
pub async fn advance<T: Transport, S: KeyValueStore>(
    client: &Client<'_, T>,
    store: &S,
    journal: &mut Journal,
) -> Result<(), String> {
    if journal.status != ApplyStatus::Running {
        return Ok(());
    }
    if journal.undoing {
        return undo_all(client, store, journal).await;
    }
    if let Some(call_index) = journal.in_flight {
        // The worker stopped while a call was out: its outcome is unknown, so nothing more is
        // written. What that call may have written is looked up and added to the undo.
        journal.message = Some(
            "Forcefield was interrupted while a write was in progress; undoing this apply."
                .to_owned(),
        );
        if let Err(error) = recover_in_flight(client, journal, call_index).await {
            journal.status = ApplyStatus::CleanupNeeded;
            journal.message = Some(format!(
                "Forcefield was interrupted while a write was in progress and can't check what it wrote yet: {} Try \"finish clean-up\" again.",
                error.message
            ));
            return save(store, journal).await;
        }
        journal.in_flight = None;
        journal.undoing = true;
        save(store, journal).await?;
        return undo_all(client, store, journal).await;
    }
    let Some(call) = journal.calls.get(journal.next_call).cloned() else {
        journal.status = ApplyStatus::Done;
        return save(store, journal).await;
    };
    let parts = parts_of(&call);
    for part in &parts {
        journal.steps[part.step].state = StepState::Running;
    }
    journal.in_flight = Some(journal.next_call);
    save(store, journal).await?;
    let outcome = match &call {
        CallPlan::Batch { part } => send_batch(client, journal, part).await,
        CallPlan::Composite { parts } => send_composite(client, journal, parts).await,
    };
    journal.in_flight = None;
    match outcome {
        Ok(Outcome::Written(ids)) => {
            for (part, ids) in parts
                .iter()
                .zip(ids.iter().chain(std::iter::repeat(&Vec::new())))
            {
                record_written(journal, part, ids);
            }
            journal.next_call += 1;
            if journal.next_call == journal.calls.len() {
                journal.status = ApplyStatus::Done;
            }
            save(store, journal).await
        }
        Ok(Outcome::Refused { part, error }) => {
            let failed = parts.get(part).copied().unwrap_or(parts[0]);
            fail(client, store, journal, &parts, failed, error).await
        }
        Err(api) => {
            let failed = parts[0];
            fail(client, store, journal, &parts, failed, error_of(&api)).await
        }
    }
}

fn quoted(values: &[String]) -> Result<String, ApiError> {
    let quoted: Vec<String> = values
        .iter()
        .map(|v| crate::salesforce::soql::literal(v))
        .collect();
    if quoted.is_empty() {
        return Err(ApiError::malformed(
            "an interrupted write",
            "nothing to look up",
        ));
    }
    Ok(quoted.join(", "))
}

fn field_text(record: &super::plan::WriteRecord, name: &str) -> String {
    record
        .fields
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Finds what an interrupted call wrote and records its undo: created records are looked up by
/// their natural keys; updates get their prior values back (idempotent); deleted records that
/// are gone are created again.
async fn recover_in_flight<T: Transport>(
    client: &Client<'_, T>,
    journal: &mut Journal,
    call_index: usize,
) -> Result<(), ApiError> {
    let Some(call) = journal.calls.get(call_index).cloned() else {
        return Ok(());
    };
    for part in parts_of(&call) {
        let step = journal.steps[part.step].step.clone();
        let records = &step.records[part.start..part.end];
        let sobject = step.view.sobject_type.clone();
        match step.view.action {
            Action::Create => {
                let parent = journal.permission_set_id.clone();
                let soql = match (step.view.kind, &parent) {
                    (StepKind::PermissionSet, _) => {
                        let names: Vec<String> =
                            records.iter().map(|r| field_text(r, "Name")).collect();
                        format!("SELECT Id FROM PermissionSet WHERE Name IN ({})", quoted(&names)?)
                    }
                    // Without the set, nothing under it can have been written.
                    (_, None) => continue,
                    (StepKind::ObjectPermissions, Some(parent)) => {
                        let objects: Vec<String> =
                            records.iter().map(|r| field_text(r, "SobjectType")).collect();
                        format!(
                            "SELECT Id FROM ObjectPermissions WHERE ParentId = {} AND SobjectType IN ({})",
                            crate::salesforce::soql::literal(parent),
                            quoted(&objects)?
                        )
                    }
                    (StepKind::FieldPermissions, Some(parent)) => {
                        let fields: Vec<String> =
                            records.iter().map(|r| field_text(r, "Field")).collect();
                        format!(
                            "SELECT Id FROM FieldPermissions WHERE ParentId = {} AND Field IN ({})",
                            crate::salesforce::soql::literal(parent),
                            quoted(&fields)?
                        )
                    }
                    (StepKind::LicenseAssignment, Some(_)) => {
                        let record = &records[0];
                        format!(
                            "SELECT Id FROM PermissionSetLicenseAssign WHERE AssigneeId = {} AND PermissionSetLicenseId = {}",
                            crate::salesforce::soql::literal(&field_text(record, "AssigneeId")),
                            crate::salesforce::soql::literal(&field_text(record, "PermissionSetLicenseId"))
                        )
                    }
                    (StepKind::PermissionSetAssignment, Some(parent)) => format!(
                        "SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = {} AND PermissionSetId = {}",
                        crate::salesforce::soql::literal(&field_text(&records[0], "AssigneeId")),
                        crate::salesforce::soql::literal(parent)
                    ),
                };
                let found: Vec<Value> = client.query(&soql).await?;
                for row in found {
                    if let Some(id) = row.get("Id").and_then(Value::as_str) {
                        if step.view.kind == StepKind::PermissionSet {
                            journal.permission_set_id = Some(id.to_owned());
                        }
                        journal.undo.push(Undo::Delete {
                            sobject_type: sobject.clone(),
                            id: id.to_owned(),
                            step: part.step,
                        });
                    }
                }
            }
            Action::Update => {
                for record in records {
                    journal.undo.push(Undo::Restore {
                        sobject_type: sobject.clone(),
                        id: record.id.clone().unwrap_or_default(),
                        fields: record.before.clone().unwrap_or_default(),
                        step: part.step,
                    });
                }
            }
            Action::Delete => {
                let ids: Vec<String> = records.iter().filter_map(|r| r.id.clone()).collect();
                let soql = format!("SELECT Id FROM {sobject} WHERE Id IN ({})", quoted(&ids)?);
                let still: Vec<Value> = client.query(&soql).await?;
                for record in records {
                    let id = record.id.clone().unwrap_or_default();
                    let exists = still.iter().any(|row| {
                        row.get("Id")
                            .and_then(Value::as_str)
                            .is_some_and(|r| super::plan::same_id(r, &id))
                    });
                    if !exists {
                        journal.undo.push(Undo::Recreate {
                            sobject_type: sobject.clone(),
                            old_id: id,
                            fields: record.before.clone().unwrap_or_default(),
                            step: part.step,
                        });
                    }
                }
            }
            Action::Unchanged => {}
        }
    }
    Ok(())
}

async fn fail<T: Transport, S: KeyValueStore>(
    client: &Client<'_, T>,
    store: &S,
    journal: &mut Journal,
    parts: &[Part],
    failed: Part,
    error: StepError,
) -> Result<(), String> {
    for part in parts {
        let step = &mut journal.steps[part.step];
        if step.state == StepState::Running {
            step.state = if step.done > 0 {
                StepState::Running
            } else {
                StepState::Pending
            };
        }
    }
    let step = &mut journal.steps[failed.step];
    step.state = StepState::Failed;
    journal.message = Some(format!(
        "\"{}\" failed: {} ({})",
        step.step.view.description, error.message, error.error_code
    ));
    step.error = Some(error);
    journal.undoing = true;
    save(store, journal).await?;
    undo_all(client, store, journal).await
}

/// Runs the undo from the last entry back, one call per run of same-type entries, saving after
/// each call; stops at an error that a later "finish clean-up" can get past.
pub async fn undo_all<T: Transport, S: KeyValueStore>(
    client: &Client<'_, T>,
    store: &S,
    journal: &mut Journal,
) -> Result<(), String> {
    while let Some(last) = journal.undo.last() {
        let key = last.key();
        let (kind, sobject) = (key.0, key.1.to_owned());
        let mut start = journal.undo.len() - 1;
        while start > 0
            && journal.undo.len() - start < super::plan::COLLECTION_LIMIT
            && journal.undo[start - 1].key() == (kind, sobject.as_str())
        {
            start -= 1;
        }
        let run: Vec<Undo> = journal.undo[start..].iter().rev().cloned().collect();
        match undo_run(client, journal, &sobject, &run).await {
            Ok(()) => {
                let steps: Vec<usize> = run.iter().map(Undo::step).collect();
                journal.undo.truncate(start);
                for step in steps {
                    if journal.undo.iter().all(|u| u.step() != step) {
                        let state = &mut journal.steps[step].state;
                        if *state != StepState::Failed {
                            *state = StepState::Undone;
                        }
                    }
                }
                save(store, journal).await?;
            }
            Err(error) => {
                let blocked = blocks_undo(&error);
                journal.status = ApplyStatus::CleanupNeeded;
                let failure = journal.message.clone().unwrap_or_default();
                journal.message = Some(format!(
                    "{failure} Forcefield could not undo everything{}: {} What remains is listed below.",
                    if blocked { " yet" } else { "" },
                    error.message
                ));
                return save(store, journal).await;
            }
        }
    }
    journal.undoing = false;
    journal.status = if journal.steps.iter().any(|s| s.state == StepState::Undone) {
        ApplyStatus::RolledBack
    } else {
        ApplyStatus::Failed
    };
    save(store, journal).await
}

async fn undo_run<T: Transport>(
    client: &Client<'_, T>,
    journal: &Journal,
    sobject: &str,
    run: &[Undo],
) -> Result<(), ApiError> {
    let path = format!("{}/composite/sobjects", client.version().data_path());
    let response = match &run[0] {
        Undo::Delete { .. } => {
            let ids: Vec<&str> = run
                .iter()
                .filter_map(|u| match u {
                    Undo::Delete { id, .. } => Some(id.as_str()),
                    _ => None,
                })
                .collect();
            // allOrNone=false: a record already gone is not a reason to keep the others.
            let response = client
                .send(
                    Method::Delete,
                    &format!("{path}?ids={}&allOrNone=false", ids.join(",")),
                    None,
                )
                .await?;
            let results = parse_list(&response.body)?;
            let real_error = results.iter().find(|r| {
                !r.get("success").and_then(Value::as_bool).unwrap_or(false)
                    && r.get("errors")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .any(|e| {
                            let code = e
                                .get("statusCode")
                                .and_then(Value::as_str)
                                .unwrap_or_default();
                            !ALREADY_GONE.contains(&code)
                        })
            });
            return match real_error {
                None => Ok(()),
                Some(r) => Err(refused(r)),
            };
        }
        Undo::Restore { .. } => {
            let records: Vec<Value> = run
                .iter()
                .filter_map(|u| match u {
                    Undo::Restore { id, fields, .. } => {
                        let mut record = fields.clone();
                        record.insert("attributes".into(), json!({ "type": sobject }));
                        record.insert("id".into(), json!(id));
                        Some(Value::Object(record))
                    }
                    _ => None,
                })
                .collect();
            client
                .send(
                    Method::Patch,
                    &path,
                    Some(json!({"allOrNone": true, "records": records}).to_string()),
                )
                .await?
        }
        Undo::Recreate { .. } => {
            let records: Vec<Value> = run
                .iter()
                .filter_map(|u| match u {
                    Undo::Recreate { fields, .. } => {
                        let mut record = journal.resolve(fields, None);
                        if let Value::Object(map) = &mut record {
                            map.insert("attributes".into(), json!({ "type": sobject }));
                        }
                        Some(record)
                    }
                    _ => None,
                })
                .collect();
            client
                .send(
                    Method::Post,
                    &path,
                    Some(json!({"allOrNone": true, "records": records}).to_string()),
                )
                .await?
        }
    };
    let results = parse_list(&response.body)?;
    match results
        .iter()
        .find(|r| !r.get("success").and_then(Value::as_bool).unwrap_or(false))
    {
        None => Ok(()),
        Some(r) => Err(refused(r)),
    }
}

fn refused(result: &Value) -> ApiError {
    let error = first_error(std::slice::from_ref(result)).unwrap_or(StepError {
        error_code: "UNKNOWN".into(),
        message: "Salesforce refused the undo.".into(),
        fields: Vec::new(),
    });
    ApiError {
        kind: crate::salesforce::ApiErrorKind::Rejected,
        status: Some(200),
        code: Some(error.error_code.clone()),
        message: format!("{} ({})", error.message, error.error_code),
        fields: error.fields,
    }
}

/// Resumes the undo of an apply that needs clean-up.
pub async fn finish_clean_up<T: Transport, S: KeyValueStore>(
    client: &Client<'_, T>,
    store: &S,
    journal: &mut Journal,
) -> Result<(), String> {
    if journal.status != ApplyStatus::CleanupNeeded {
        return Ok(());
    }
    journal.status = ApplyStatus::Running;
    if journal.in_flight.is_some() {
        // The interrupted call was never looked up: do that first.
        journal.undoing = false;
        return advance(client, store, journal).await;
    }
    journal.undoing = true;
    if let Some(message) = &journal.message {
        // Keep the original failure; drop the clean-up note, it is rewritten if still blocked.
        let failure = message
            .split(" Forcefield could not undo everything")
            .next()
            .unwrap_or_default()
            .to_owned();
        journal.message = Some(failure);
    }
    undo_all(client, store, journal).await
}
