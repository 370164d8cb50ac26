//! Journals as the first release stored them (schema version 0: no version field, records as
//! maps of field names, an undo list, one optional in-flight call) and their migration to the
//! current [`Journal`]. Kept only to read what browsers already hold.
//!
//! What version 0 never recorded stays unknown after migration: the key look-up and the server
//! clock of its in-flight call, and the applying user. A v0 call whose answer was lost is
//! therefore looked up like any other, but nothing it finds can be proven this apply's own: it
//! is listed for the admin instead of being undone.

use super::journal::{CallRef, Effect, EffectKind, InFlight, Journal, JournalStep, Phase};
use super::plan::{CallPlan, Change, Step};
use super::records::{
    FieldPermissionsRecord, LicenseAssignmentRecord, ObjectPermissionsRecord, PermissionSetRecord,
    Record, SetAssignmentRecord, SetRef,
};
use super::view::{Action, ApplyStatus, PlanStep, StepError, StepKind, StepState};
use crate::model::{FieldAccess, ObjectAccess};
use crate::salesforce::OrgId;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The placeholder v0 wrote for the Id of the set created by the same apply.
const V0_PERMISSION_SET_ID: &str = "@permissionSet";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct V0Record {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    fields: Map<String, Value>,
    #[serde(default)]
    before: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct V0Step {
    view: PlanStep,
    records: Vec<V0Record>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct V0JournalStep {
    step: V0Step,
    state: StepState,
    done: usize,
    #[serde(default)]
    error: Option<StepError>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum V0Undo {
    #[serde(rename_all = "camelCase")]
    Delete { id: String, step: usize },
    #[serde(rename_all = "camelCase")]
    Restore { id: String, step: usize },
    #[serde(rename_all = "camelCase")]
    Recreate { old_id: String, step: usize },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct V0Journal {
    apply_id: String,
    org_id: OrgId,
    api_host: String,
    status: ApplyStatus,
    #[serde(default)]
    message: Option<String>,
    steps: Vec<V0JournalStep>,
    calls: Vec<CallPlan>,
    next_call: usize,
    #[serde(default)]
    in_flight: Option<usize>,
    #[serde(default)]
    permission_set_id: Option<String>,
    undo: Vec<V0Undo>,
    #[serde(default)]
    undoing: bool,
}

/// Why a v0 journal can't be migrated.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("it is not a version 0 journal ({0})")]
    NotV0(String),
    #[error("step {step} holds a record Forcefield can't read ({what})")]
    Record { step: usize, what: String },
}

fn text(fields: &Map<String, Value>, name: &str) -> Option<String> {
    fields.get(name).and_then(Value::as_str).map(str::to_owned)
}

fn flag(fields: &Map<String, Value>, name: &str) -> bool {
    fields.get(name).and_then(Value::as_bool).unwrap_or(false)
}

fn set_ref(fields: &Map<String, Value>, name: &str) -> SetRef {
    match text(fields, name) {
        Some(id) if id != V0_PERMISSION_SET_ID => SetRef::Existing { id },
        _ => SetRef::Created,
    }
}

fn object_access(fields: &Map<String, Value>) -> ObjectAccess {
    ObjectAccess {
        read: flag(fields, "PermissionsRead"),
        create: flag(fields, "PermissionsCreate"),
        edit: flag(fields, "PermissionsEdit"),
        delete: flag(fields, "PermissionsDelete"),
        view_all: flag(fields, "PermissionsViewAllRecords"),
        modify_all: flag(fields, "PermissionsModifyAllRecords"),
        // The first release never wrote View All Fields.
        view_all_fields: false,
    }
}

fn field_access(fields: &Map<String, Value>) -> FieldAccess {
    if flag(fields, "PermissionsEdit") {
        FieldAccess::ReadEdit
    } else {
        FieldAccess::Read
    }
}

fn permissions(fields: &Map<String, Value>) -> BTreeMap<String, bool> {
    fields
        .iter()
        .filter_map(|(name, value)| {
            Some((
                name.strip_prefix("Permissions")?.to_owned(),
                value.as_bool()?,
            ))
        })
        .collect()
}

/// A v0 record map as a typed record of `kind` (`fields` = what a create or update wrote, or
/// what a delete's `before` held).
fn record(kind: StepKind, fields: &Map<String, Value>) -> Option<Record> {
    Some(match kind {
        StepKind::PermissionSet => Record::PermissionSet(PermissionSetRecord {
            name: text(fields, "Name").unwrap_or_default(),
            label: text(fields, "Label").unwrap_or_default(),
            description: text(fields, "Description").unwrap_or_default(),
            license_id: text(fields, "LicenseId"),
            permissions: permissions(fields),
        }),
        StepKind::ObjectPermissions => Record::ObjectPermissions(ObjectPermissionsRecord {
            parent: set_ref(fields, "ParentId"),
            sobject_type: text(fields, "SobjectType").unwrap_or_default(),
            access: object_access(fields),
        }),
        StepKind::FieldPermissions => Record::FieldPermissions(FieldPermissionsRecord {
            parent: set_ref(fields, "ParentId"),
            field: text(fields, "Field").unwrap_or_default(),
            access: field_access(fields),
        }),
        StepKind::LicenseAssignment => Record::LicenseAssignment(LicenseAssignmentRecord {
            assignee_id: text(fields, "AssigneeId")?,
            license_id: text(fields, "PermissionSetLicenseId")?,
        }),
        StepKind::PermissionSetAssignment => Record::SetAssignment(SetAssignmentRecord {
            assignee_id: text(fields, "AssigneeId")?,
            permission_set: set_ref(fields, "PermissionSetId"),
            // The first release never wrote an expiry.
            expiration: None,
        }),
    })
}

fn change(step: usize, view: &PlanStep, record_v0: &V0Record) -> Result<Change, MigrationError> {
    let unreadable = |what: &str| MigrationError::Record {
        step,
        what: what.to_owned(),
    };
    let empty = Map::new();
    Ok(match view.action {
        Action::Create => Change::Create {
            record: record(view.kind, &record_v0.fields).ok_or_else(|| unreadable("a create"))?,
        },
        Action::Update => {
            let id = record_v0
                .id
                .clone()
                .ok_or_else(|| unreadable("an update without Id"))?;
            let before_fields = record_v0.before.as_ref().unwrap_or(&empty);
            // v0 kept only the changed fields: the unchanged ones are equal (empty) on both sides.
            let before = record(view.kind, before_fields).ok_or_else(|| unreadable("an update"))?;
            let after =
                record(view.kind, &record_v0.fields).ok_or_else(|| unreadable("an update"))?;
            Change::Update { id, before, after }
        }
        Action::Delete => Change::Delete {
            id: record_v0
                .id
                .clone()
                .ok_or_else(|| unreadable("a delete without Id"))?,
            before: record(view.kind, record_v0.before.as_ref().unwrap_or(&empty))
                .ok_or_else(|| unreadable("a delete"))?,
        },
        Action::Unchanged => return Err(unreadable("an unchanged step")),
    })
}

/// Reads a v0 journal and migrates it.
pub fn migrate(value: Value) -> Result<Journal, MigrationError> {
    let old: V0Journal =
        crate::json::read(&value).map_err(|e| MigrationError::NotV0(e.to_string()))?;
    let mut steps = Vec::new();
    for (index, s) in old.steps.iter().enumerate() {
        let changes = s
            .step
            .records
            .iter()
            .map(|r| change(index, &s.step.view, r))
            .collect::<Result<Vec<_>, _>>()?;
        steps.push(JournalStep {
            step: Step {
                view: s.step.view.clone(),
                changes,
            },
            state: s.state,
            done: s.done,
            error: s.error.clone(),
        });
    }
    let set_name = steps
        .iter()
        .find_map(|s| match s.step.changes.first().map(Change::record) {
            Some(Record::PermissionSet(set)) if !set.name.is_empty() => Some(set.name.clone()),
            _ => None,
        })
        .unwrap_or_default();
    // The undo list, oldest first: creates map to their step's changes in order.
    let mut created_in_step: BTreeMap<usize, usize> = BTreeMap::new();
    let mut effects = Vec::new();
    for entry in &old.undo {
        let (kind, step, id) = match entry {
            V0Undo::Delete { id, step } => (EffectKind::Created, *step, id),
            V0Undo::Restore { id, step } => (EffectKind::Updated, *step, id),
            V0Undo::Recreate { old_id, step } => (EffectKind::Deleted, *step, old_id),
        };
        let index = match kind {
            EffectKind::Created => {
                let next = created_in_step.entry(step).or_insert(0);
                let index = *next;
                *next += 1;
                index
            }
            _ => steps
                .get(step)
                .and_then(|s| {
                    s.step
                        .changes
                        .iter()
                        .position(|c| c.id().is_some_and(|c| super::records::same_id(c, id)))
                })
                .unwrap_or(0),
        };
        effects.push(Effect::new(kind, step, index, id.clone()));
    }
    let failure = old.message.map(|m| {
        m.split(" Forcefield could not undo everything")
            .next()
            .unwrap_or_default()
            .to_owned()
    });
    let rounds: Vec<Vec<usize>> = (0..old.calls.len()).map(|i| vec![i]).collect();
    let phase = match old.status {
        ApplyStatus::Running | ApplyStatus::Paused if old.undoing => Phase::Undo,
        ApplyStatus::Running | ApplyStatus::Paused => Phase::Forward,
        ApplyStatus::CleanupNeeded => Phase::Undo,
        _ => Phase::Finished,
    };
    Ok(Journal {
        apply_id: old.apply_id,
        org_id: old.org_id,
        api_host: old.api_host,
        set_name,
        user_id: None,
        status: old.status,
        failure,
        blocked: None,
        steps,
        calls: old.calls,
        rounds,
        next_round: old.next_call,
        phase,
        permission_set_id: old.permission_set_id,
        known_ids: Default::default(),
        last_date: None,
        in_flight: old
            .in_flight
            .map(|call| InFlight {
                call: CallRef::Forward { call },
                attempt: Default::default(),
                lost: Some(StepError {
                    error_code: "INTERRUPTED".to_owned(),
                    message: "Forcefield was interrupted while this write was out.".to_owned(),
                    fields: Vec::new(),
                }),
                refused_step: None,
            })
            .into_iter()
            .collect(),
        effects,
        undo_batch: None,
        attention: Vec::new(),
        undo_unknowns: 0,
        notes: Vec::new(),
    })
}
