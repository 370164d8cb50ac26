//! An apply's journal: everything the apply knows, persisted before every call it sends (write
//! ahead), so that any interruption — a lost answer, the worker stopping, the page closing — is
//! resumed from what was recorded: which calls may have run, what each identifies, the key
//! look-ups and server clock they are judged against, and which effects are proven this apply's
//! own. [`super::machine`] advances it; [`super::journal_store`] stores it with a schema version.

use super::plan::{CallPlan, Change, Step, WritePlan};
use super::records::{Record, SetRef, SobjectKind};
use super::view::{
    ApplyStatus, ApplyView, AttentionView, RemainingRecord, StepError, StepProgress, StepState,
};
pub use super::view::{AttentionAction, AttentionReason};
use crate::salesforce::OrgId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

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

/// What the apply is doing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    /// Sending the plan's calls, round by round.
    #[default]
    Forward,
    /// Undoing this apply's effects, newest first.
    Undo,
    /// Nothing more to send.
    Finished,
}

/// How one effect of this apply was undone, or why not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum UndoState {
    /// Still to undo (if the apply fails).
    #[default]
    Pending,
    /// Undone (deleted, restored, or re-created as `id`).
    #[serde(rename_all = "camelCase")]
    Done {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
    /// Not undone: the org no longer holds what this apply wrote; attention item `item`.
    Conflict { item: usize },
}

/// What an effect was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EffectKind {
    Created,
    Updated,
    Deleted,
}

/// A change this apply proved it made: the answer to its call said so, or a look-up found it
/// with the ownership proofs (salesforce.md §I.6). Only effects are ever undone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Effect {
    pub kind: EffectKind,
    /// The change in the plan (`steps[step].step.changes[index]`).
    pub step: usize,
    pub index: usize,
    /// The record's Id (created, updated, or the deleted record's old Id).
    pub id: String,
    #[serde(default)]
    pub undo: UndoState,
    /// A re-create (undo of a delete) was sent and its answer is unknown: what proves a record
    /// found for its key is the re-created one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<Attempt>,
    /// Times Salesforce refused to undo it (a second refusal makes it an attention item).
    #[serde(default)]
    pub refusals: u8,
    /// Undone at the admin's request even if the org no longer holds what this apply wrote.
    #[serde(default)]
    pub forced: bool,
}

impl Effect {
    /// A record this apply wrote, with nothing of its undo started yet.
    pub fn new(kind: EffectKind, step: usize, index: usize, id: String) -> Self {
        Self {
            kind,
            step,
            index,
            id,
            undo: UndoState::Pending,
            attempt: None,
            refusals: 0,
            forced: false,
        }
    }
}

/// A call whose answer may have been lost: what a look-up needs to judge what it finds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// The `Date` of the last answer before the call was sent (unix seconds): a record the call
    /// created has `CreatedDate` (or `SystemModstamp`) at or after it, to the second (§I.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<i64>,
    /// The user whose session sent the call: the `CreatedById` of what it created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// Which call an in-flight record is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum CallRef {
    /// `calls[call]` of the plan.
    Forward { call: usize },
    /// An undo write for these effects (indices into `effects`).
    Undo { effects: Vec<usize> },
}

/// A call recorded before it was sent. While it is here its outcome is unknown: the apply looks
/// its effect up before anything else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InFlight {
    pub call: CallRef,
    #[serde(default)]
    pub attempt: Attempt,
    /// Why the answer is unknown (set when it was lost; absent while simply outstanding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost: Option<StepError>,
    /// Set when the answer was a record's refusal (then `lost` is Salesforce's error, and it
    /// stands once the look-up finds nothing saved): the step that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_step: Option<usize>,
}

/// A record Forcefield leaves untouched until the admin decides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attention {
    pub reason: AttentionReason,
    pub sobject: SobjectKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What Forcefield found, in words.
    pub evidence: String,
    pub actions: Vec<AttentionAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chosen: Option<AttentionAction>,
    /// The effect it concerns, when it is one of this apply's (its action undoes that effect).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<usize>,
    /// A record found after a lost answer (its action deletes it): the plan change it matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<(usize, usize)>,
}

/// An undo batch between its re-read and its write.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UndoBatch {
    /// The effects (indices into `effects`), newest first.
    pub effects: Vec<usize>,
    /// Whether the re-read has been answered.
    #[serde(default)]
    pub checked: bool,
    /// What the re-read found still holding what this apply wrote: the undo write covers these.
    #[serde(default)]
    pub to_do: Vec<usize>,
}

/// An apply as stored (schema version [`super::journal_store::VERSION`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Journal {
    pub apply_id: String,
    pub org_id: OrgId,
    pub api_host: String,
    /// The permission set's API name: one apply per org and set at a time.
    pub set_name: String,
    /// The user applying (whose session made the calls).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    pub status: ApplyStatus,
    /// The failure, in one sentence for the admin (absent while all goes well).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// Why the apply is paused or its clean-up blocked (Salesforce's message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked: Option<String>,
    pub steps: Vec<JournalStep>,
    pub calls: Vec<CallPlan>,
    pub rounds: Vec<Vec<usize>>,
    #[serde(default)]
    pub next_round: usize,
    #[serde(default)]
    pub phase: Phase,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_set_id: Option<String>,
    /// Ids that key look-ups found before this apply's calls: a record with one of these Ids
    /// existed before and is never this apply's.
    #[serde(default)]
    pub known_ids: BTreeSet<String>,
    /// The latest server `Date` seen (unix seconds): the only server clock (§I.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_date: Option<i64>,
    #[serde(default)]
    pub in_flight: Vec<InFlight>,
    #[serde(default)]
    pub effects: Vec<Effect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undo_batch: Option<UndoBatch>,
    #[serde(default)]
    pub attention: Vec<Attention>,
    /// Undo writes in a row whose answer was lost (a second one stops the clean-up for now, so
    /// a Salesforce that keeps failing isn't asked again and again).
    #[serde(default)]
    pub undo_unknowns: u8,
    /// Records found after a lost answer that are provably someone else's (left alone).
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Where a stored journal points outside itself (found by the fuzz target `journal_resumed`:
/// a call starting beyond its step's records). Every position a journal holds — each call's
/// parts, each round's calls, the calls in flight, each effect's change, the undo batch, each
/// attention item's effect or change, each conflict's attention item — must point inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutOfRange(pub String);

impl Journal {
    /// Checks that every position the journal holds points inside it. The machine never
    /// indexes by them unchecked, but a journal that fails this (edited, corrupted, or written
    /// wrongly) would be resumed as something it is not, so it is refused when it is read and
    /// shown as needing attention instead.
    pub fn check_positions(&self) -> Result<(), OutOfRange> {
        let out = |what: String| Err(OutOfRange(what));
        let changes = |step: usize| self.steps.get(step).map(|s| s.step.changes.len());
        for (number, call) in self.calls.iter().enumerate() {
            let parts: &[super::plan::Part] = match call {
                CallPlan::Batch { part } => std::slice::from_ref(part),
                CallPlan::Composite { parts } => parts,
            };
            if parts.is_empty() {
                return out(format!("call {number} writes nothing"));
            }
            for part in parts {
                let Some(records) = changes(part.step) else {
                    return out(format!(
                        "call {number} names step {}, which it lacks",
                        part.step
                    ));
                };
                if part.start >= part.end || part.end > records {
                    return out(format!(
                        "call {number} covers records {}..{} of step {}, which has {records}",
                        part.start, part.end, part.step
                    ));
                }
            }
        }
        if let Some(call) = self
            .rounds
            .iter()
            .flatten()
            .find(|&&c| c >= self.calls.len())
        {
            return out(format!("a round names call {call}, which it lacks"));
        }
        if self.next_round > self.rounds.len() {
            return out(format!(
                "its next round, {}, is not one of its rounds",
                self.next_round
            ));
        }
        let effect_missing =
            |effects: &[usize]| effects.iter().copied().find(|&e| e >= self.effects.len());
        for in_flight in &self.in_flight {
            match &in_flight.call {
                CallRef::Forward { call } if *call >= self.calls.len() => {
                    return out(format!(
                        "the call in flight, {call}, is not one of its calls"
                    ));
                }
                CallRef::Undo { effects } => {
                    if let Some(e) = effect_missing(effects) {
                        return out(format!(
                            "an undo in flight names effect {e}, which it lacks"
                        ));
                    }
                }
                CallRef::Forward { .. } => {}
            }
            if let Some(step) = in_flight.refused_step.filter(|&s| s >= self.steps.len()) {
                return out(format!(
                    "a call in flight names step {step}, which it lacks"
                ));
            }
        }
        for (number, effect) in self.effects.iter().enumerate() {
            if changes(effect.step).is_none_or(|n| effect.index >= n) {
                return out(format!(
                    "effect {number} names change {} of step {}, which it lacks",
                    effect.index, effect.step
                ));
            }
            if let UndoState::Conflict { item } = effect.undo {
                if item >= self.attention.len() {
                    return out(format!(
                        "effect {number} names attention item {item}, which it lacks"
                    ));
                }
            }
        }
        if let Some(batch) = &self.undo_batch {
            if let Some(e) = effect_missing(&batch.effects).or_else(|| effect_missing(&batch.to_do))
            {
                return out(format!("the undo batch names effect {e}, which it lacks"));
            }
        }
        for (number, attention) in self.attention.iter().enumerate() {
            if let Some(e) = attention.effect.filter(|&e| e >= self.effects.len()) {
                return out(format!(
                    "attention item {number} names effect {e}, which it lacks"
                ));
            }
            if let Some((step, index)) = attention.change {
                if changes(step).is_none_or(|n| index >= n) {
                    return out(format!(
                        "attention item {number} names change {index} of step {step}, which it lacks"
                    ));
                }
            }
        }
        Ok(())
    }

    /// A new journal for a plan; an empty plan is done at once (a repeated apply writes nothing).
    pub fn new(
        apply_id: String,
        org_id: OrgId,
        api_host: String,
        user_id: Option<String>,
        plan: WritePlan,
    ) -> Self {
        let (status, phase) = if plan.calls.is_empty() {
            (ApplyStatus::Done, Phase::Finished)
        } else {
            (ApplyStatus::Running, Phase::Forward)
        };
        Self {
            apply_id,
            org_id,
            api_host,
            set_name: plan.permission_set.name.clone(),
            user_id,
            status,
            failure: None,
            blocked: None,
            permission_set_id: plan.permission_set.id.clone(),
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
            rounds: plan.rounds,
            next_round: 0,
            phase,
            known_ids: plan.known_ids,
            last_date: plan.server_date,
            in_flight: Vec::new(),
            effects: Vec::new(),
            undo_batch: None,
            attention: Vec::new(),
            undo_unknowns: 0,
            notes: Vec::new(),
        }
    }

    /// The change `index` of step `step`, if the journal has it.
    pub fn change(&self, step: usize, index: usize) -> Option<&Change> {
        self.steps.get(step)?.step.changes.get(index)
    }

    /// Whether the apply still has work (or a decision) pending.
    pub fn unfinished(&self) -> bool {
        matches!(
            self.status,
            ApplyStatus::Running | ApplyStatus::Paused | ApplyStatus::CleanupNeeded
        ) || (self.status == ApplyStatus::NeedsAttention
            && self.attention.iter().any(|a| a.chosen.is_none()))
    }

    /// The Id of the set a record belongs to, now.
    pub fn set_id<'a>(&'a self, set: &'a SetRef) -> Option<&'a str> {
        set.id(self.permission_set_id.as_deref())
    }

    /// The Id of the record an update or delete changes, now: an update of the set this apply
    /// creates ([`Change::update_of_created_set`]) changes the set once its Id is known.
    pub fn change_id<'a>(&'a self, change: &'a Change) -> Option<&'a str> {
        if change.of_created_set() {
            return self.permission_set_id.as_deref();
        }
        change.id()
    }

    /// A record of this journal with its set resolved to an Id where known.
    pub fn resolved(&self, record: &Record) -> Record {
        let resolve = |set: &SetRef| match self.set_id(set) {
            Some(id) => SetRef::Existing { id: id.to_owned() },
            None => set.clone(),
        };
        match record {
            Record::ObjectPermissions(r) => {
                let mut r = r.clone();
                r.parent = resolve(&r.parent);
                Record::ObjectPermissions(r)
            }
            Record::FieldPermissions(r) => {
                let mut r = r.clone();
                r.parent = resolve(&r.parent);
                Record::FieldPermissions(r)
            }
            Record::SetAssignment(r) => {
                let mut r = r.clone();
                r.permission_set = resolve(&r.permission_set);
                Record::SetAssignment(r)
            }
            other => other.clone(),
        }
    }

    fn url(&self, id: &str) -> String {
        format!("https://{}/{id}", self.api_host)
    }

    /// What the generator page shows.
    pub fn view(&self) -> ApplyView {
        let remaining = if self.status == ApplyStatus::CleanupNeeded {
            self.effects
                .iter()
                .rev()
                .filter(|e| e.undo == UndoState::Pending)
                .filter_map(|e| {
                    let change = self.change(e.step, e.index)?;
                    Some(RemainingRecord {
                        sobject_type: change.record().kind().api_name().to_owned(),
                        id: e.id.clone(),
                        url: self.url(&e.id),
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        let attention = self
            .attention
            .iter()
            .enumerate()
            .map(|(item, a)| AttentionView {
                item,
                reason: a.reason,
                sobject_type: a.sobject.api_name().to_owned(),
                id: a.id.clone(),
                url: a.id.as_deref().map(|id| self.url(id)),
                evidence: a.evidence.clone(),
                actions: a.actions.clone(),
                chosen: a.chosen,
            })
            .collect();
        ApplyView {
            apply_id: self.apply_id.clone(),
            set_name: self.set_name.clone(),
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
            attention,
            permission_set_id: self.permission_set_id.clone(),
            message: self.message(),
            raw: None,
            named_ids: Vec::new(),
        }
    }

    /// One message for the admin that says which state the org is in.
    pub fn message(&self) -> Option<String> {
        let failure = self.failure.clone().unwrap_or_default();
        let open = self.attention.iter().filter(|a| a.chosen.is_none()).count();
        let text = match self.status {
            ApplyStatus::Running => return (!failure.is_empty()).then_some(failure),
            ApplyStatus::Done => {
                if self.notes.is_empty() {
                    return None;
                }
                format!("Done: the org holds what the preview showed. {}", self.notes.join(" "))
            }
            ApplyStatus::Paused => format!(
                "Paused, nothing more was written: {} Resume when that is fixed; Forcefield first checks what the last call did.",
                self.blocked.clone().unwrap_or_default()
            ),
            ApplyStatus::Failed => format!("{failure} Nothing was written: the org is as it was before."),
            ApplyStatus::RolledBack => format!(
                "{failure} Everything this apply wrote was undone: the org is as it was before."
            ),
            ApplyStatus::CleanupNeeded => format!(
                "{failure} Forcefield could not undo everything yet: {} What remains is listed below; \"Finish clean-up\" continues the undo.",
                self.blocked.clone().unwrap_or_default()
            ),
            ApplyStatus::NeedsAttention => {
                if open == 0 {
                    format!("{failure} Everything else was undone, and you have decided about every record listed below.")
                } else {
                    format!(
                        "{failure} Forcefield undid everything it could prove was its own and still held what it wrote; {open} record{} below need{} your decision (Forcefield left {} untouched).",
                        if open == 1 { "" } else { "s" },
                        if open == 1 { "s" } else { "" },
                        if open == 1 { "it" } else { "them" },
                    )
                }
            }
        };
        Some(text.trim().to_owned())
    }
}
