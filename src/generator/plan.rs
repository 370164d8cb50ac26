//! Spec + the org's current state → the difference → ordered write steps → API calls. Pure: the
//! reads that fill [`OrgState`] live in `org.rs`, the writes in `apply.rs`.
//!
//! Salesforce won't mix Setup object types in one write (salesforce.md §B.3, §H.Q3), so each step is one
//! sObject type and one action, sent as sObject Collections of ≤ 200 records (§B.3), parents
//! first: PermissionSet, ObjectPermissions, FieldPermissions, the PSL assignment, then the
//! permission set assignment (§C.7, §H.Q4). Where the org accepts several Setup types in one
//! composite request (§H.Q3 [U], the caller's switch), the same steps go in composite calls.

use super::eligibility::{grant_of, ObjectDescribe};
use super::view::{
    Action, ExcludedField, Grant, LicenseChange, PlanStep, PlannedPermissionSet, StepKind,
};
use crate::model::{FieldAccess, LicenseChoice, ObjectAccess, PermissionSetSpec};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// sObject Collections take at most 200 records per call (salesforce.md §B.3).
pub const COLLECTION_LIMIT: usize = 200;
/// Composite: at most 25 subrequests, at most 5 of them collections or queries (salesforce.md §B.4).
pub const COMPOSITE_SUBREQUESTS: usize = 25;
pub const COMPOSITE_COLLECTIONS: usize = 5;
/// Stands for the permission set's Id in records written before it is known.
pub const PERMISSION_SET_ID: &str = "@permissionSet";
/// DeveloperName of the Salesforce API Integration permission set license (salesforce.md §C.6).
pub const INTEGRATION_PSL: &str = "SalesforceAPIIntegrationPsl";

/// The existing permission set the spec is applied to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExistingPermissionSet {
    pub id: String,
    pub name: String,
    pub label: String,
    pub description: String,
    pub license_id: Option<String>,
    pub is_owned_by_profile: bool,
    /// The system permissions that were read, enabled or not (names without `Permissions`).
    pub system_permissions: BTreeMap<String, bool>,
    /// Object → (ObjectPermissions Id, access).
    pub objects: BTreeMap<String, (String, ObjectAccess)>,
    /// `Object.Field` → (FieldPermissions Id, access).
    pub fields: BTreeMap<String, (String, FieldAccess)>,
}

/// The user the set is assigned to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssigneeState {
    pub id: String,
    pub name: String,
    /// Profile's user license is "Salesforce Integration" (salesforce.md §C.7).
    pub is_integration: bool,
    pub has_integration_psl: bool,
    pub assigned_permission_set_ids: Vec<String>,
}

/// The Salesforce API Integration PSL in this org (salesforce.md §C.6).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PslState {
    pub id: String,
    pub label: String,
    pub total: u32,
    pub used: u32,
}

/// What the plan is computed against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgState {
    pub existing: Option<ExistingPermissionSet>,
    /// A target Id was given and no such permission set exists.
    pub target_missing: bool,
    pub assignee: Option<AssigneeState>,
    /// An assignee Id was given and no such user exists.
    pub assignee_missing: bool,
    pub psl: Option<PslState>,
    /// Describes of the spec's objects.
    pub describes: BTreeMap<String, ObjectDescribe>,
    /// `ObjectPermissions.SobjectType` picklist values (salesforce.md §H.Q3); empty = not known.
    pub grantable_objects: BTreeSet<String>,
    /// System permissions the org's PermissionSet has (`Permissions<Name>` fields); empty = not known.
    pub permission_fields: BTreeSet<String>,
    /// User permission → user permissions it requires (Tooling `PermissionDependency`, §H.Q5).
    pub dependencies: BTreeMap<String, BTreeSet<String>>,
    /// API calls it took to read this state (an apply of the same spec reads as many).
    pub reads: usize,
}

/// One record to write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteRecord {
    /// The record's Id for updates and deletes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Fields to write (creates, updates); may hold [`PERMISSION_SET_ID`].
    #[serde(default)]
    pub fields: Map<String, Value>,
    /// The values before an update or delete, so an undo can put them back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Map<String, Value>>,
}

/// One step: records of one sObject type, one action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub view: PlanStep,
    pub records: Vec<WriteRecord>,
}

/// One write call: a collection call for a slice of one step, or one composite request holding
/// several slices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CallPlan {
    Batch { part: Part },
    Composite { parts: Vec<Part> },
}

/// Records `start..end` of step `step`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub step: usize,
    pub start: usize,
    pub end: usize,
}

/// The full plan: what the preview shows and what the apply executes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WritePlan {
    pub permission_set: PlannedPermissionSet,
    pub steps: Vec<Step>,
    pub calls: Vec<CallPlan>,
    pub excluded_fields: Vec<ExcludedField>,
    pub warnings: Vec<String>,
    pub blockers: Vec<String>,
    pub license_change: Option<LicenseChange>,
}

/// The spec with Salesforce's dependencies applied and what can't be granted taken out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Desired {
    pub objects: BTreeMap<String, ObjectAccess>,
    pub fields: BTreeMap<String, FieldAccess>,
    pub system_permissions: BTreeSet<String>,
}

/// Closes one object's access over Salesforce's "Requires …" rules (salesforce.md §C.2), reusing the
/// bulk toggles' rule table.
pub fn close_object(access: ObjectAccess) -> ObjectAccess {
    access
        .granted()
        .into_iter()
        .fold(access, |closed, perm| closed.changed(perm, true))
}

/// Applies dependencies and eligibility: object permission closure (§C.2), Read on a field's
/// object, Read on a detail object's master (§C.2), fields Salesforce won't take (§C.3, §C.4),
/// system permission prerequisites (§H.Q5), objects outside the ObjectPermissions picklist (§H.Q3).
pub fn close_spec(
    spec: &PermissionSetSpec,
    state: &OrgState,
    excluded: &mut Vec<ExcludedField>,
    warnings: &mut Vec<String>,
    blockers: &mut Vec<String>,
) -> Desired {
    let mut desired = Desired::default();
    for (key, access) in &spec.fields {
        let (object_name, field_name) = match key.split_once('.') {
            Some(parts) => parts,
            None => {
                excluded.push(ExcludedField {
                    field: key.clone(),
                    reason: "Not an Object.Field name.".to_owned(),
                });
                continue;
            }
        };
        let Some(object) = state.describes.get(object_name) else {
            excluded.push(ExcludedField {
                field: key.clone(),
                reason: format!("The object {object_name} doesn't exist in this org."),
            });
            continue;
        };
        let Some(field) = object.field(field_name) else {
            excluded.push(ExcludedField {
                field: key.clone(),
                reason: format!("{object_name} has no field {field_name} in this org."),
            });
            continue;
        };
        let key = format!("{}.{}", object.name, field.name);
        let access = match (grant_of(object, field), access) {
            ((Grant::None, reason), _) => {
                excluded.push(ExcludedField {
                    field: key,
                    reason: reason.unwrap_or_default(),
                });
                continue;
            }
            ((Grant::ReadOnly, reason), FieldAccess::ReadEdit) => {
                excluded.push(ExcludedField {
                    field: key.clone(),
                    reason: format!("Edit left out, Read kept: {}", reason.unwrap_or_default()),
                });
                FieldAccess::Read
            }
            (_, access) => *access,
        };
        desired.fields.insert(key, access);
        desired.objects.entry(object.name.clone()).or_default();
    }
    for (name, access) in &spec.objects {
        let entry = desired.objects.entry(name.clone()).or_default();
        *entry = merge(*entry, *access);
    }
    // Objects that only got fields get Read; objects with nothing get Read too (a row with no
    // permission is not allowed, salesforce.md §C.2).
    let mut implied_read = Vec::new();
    for (name, access) in desired.objects.iter_mut() {
        if access.is_empty() {
            access.read = true;
            implied_read.push(name.clone());
        }
        *access = close_object(*access);
    }
    if !implied_read.is_empty() {
        warnings.push(format!(
            "Read added on {} so the chosen fields can be used.",
            implied_read.join(", ")
        ));
    }
    // A detail object's permissions require Read on its master (salesforce.md §C.2).
    let details: Vec<(String, Vec<String>)> = desired
        .objects
        .keys()
        .filter_map(|name| {
            state
                .describes
                .get(name)
                .map(|d| (name.clone(), d.masters()))
        })
        .collect();
    for (detail, masters) in details {
        for master in masters {
            let entry = desired.objects.entry(master.clone()).or_default();
            if !entry.read {
                entry.read = true;
                warnings.push(format!(
                    "Read added on {master}: {detail} is its master-detail child, and Salesforce requires Read on the master."
                ));
            }
        }
    }
    if !state.grantable_objects.is_empty() {
        let refused: Vec<String> = desired
            .objects
            .keys()
            .filter(|name| !state.grantable_objects.contains(*name))
            .cloned()
            .collect();
        for name in refused {
            desired.objects.remove(&name);
            desired
                .fields
                .retain(|key, _| PermissionSetSpec::object_of(key) != name);
            warnings.push(format!(
                "{name} left out: Salesforce doesn't take object permissions for it (it is not in the ObjectPermissions object list)."
            ));
        }
    }
    // System permissions and what they require (PermissionDependency, salesforce.md §H.Q5).
    let mut frontier: Vec<String> = spec.system_permissions.iter().cloned().collect();
    while let Some(name) = frontier.pop() {
        if !desired.system_permissions.insert(name.clone()) {
            continue;
        }
        for required in state.dependencies.get(&name).into_iter().flatten() {
            if !spec.system_permissions.contains(required)
                && !desired.system_permissions.contains(required)
            {
                warnings.push(format!(
                    "{required} added: {name} depends on it (Salesforce's PermissionDependency)."
                ));
            }
            frontier.push(required.clone());
        }
    }
    if !state.permission_fields.is_empty() {
        for name in &desired.system_permissions {
            if !state.permission_fields.contains(name) {
                blockers.push(format!(
                    "The system permission {name} doesn't exist in this org."
                ));
            }
        }
    }
    desired
}

fn merge(a: ObjectAccess, b: ObjectAccess) -> ObjectAccess {
    ObjectAccess {
        read: a.read || b.read,
        create: a.create || b.create,
        edit: a.edit || b.edit,
        delete: a.delete || b.delete,
        view_all: a.view_all || b.view_all,
        modify_all: a.modify_all || b.modify_all,
    }
}

/// The ObjectPermissions fields of an access (salesforce.md §C.2).
pub fn object_fields(access: &ObjectAccess) -> Map<String, Value> {
    let mut fields = Map::new();
    for (name, on) in [
        ("PermissionsRead", access.read),
        ("PermissionsCreate", access.create),
        ("PermissionsEdit", access.edit),
        ("PermissionsDelete", access.delete),
        ("PermissionsViewAllRecords", access.view_all),
        ("PermissionsModifyAllRecords", access.modify_all),
    ] {
        fields.insert(name.to_owned(), Value::Bool(on));
    }
    fields
}

/// The FieldPermissions fields of an access (salesforce.md §C.3).
pub fn field_fields(access: FieldAccess) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("PermissionsRead".to_owned(), Value::Bool(true));
    fields.insert(
        "PermissionsEdit".to_owned(),
        Value::Bool(access == FieldAccess::ReadEdit),
    );
    fields
}

fn text(value: &str) -> Value {
    Value::String(value.to_owned())
}

/// Whether two Salesforce Ids name the same record (15- and 18-character forms).
pub fn same_id(a: &str, b: &str) -> bool {
    a.len() >= 15 && b.len() >= 15 && a.get(..15) == b.get(..15)
}

/// Plans the writes that make the org match the spec.
pub fn plan(spec: &PermissionSetSpec, state: &OrgState, use_composite: bool) -> WritePlan {
    let mut excluded = Vec::new();
    let mut warnings = Vec::new();
    let mut blockers = Vec::new();
    for problem in super::names::name_problems(&spec.name) {
        blockers.push(problem);
    }
    for problem in super::names::label_problems(&spec.label) {
        blockers.push(problem);
    }
    if spec.description.chars().count() > 255 {
        blockers.push("The description can be at most 255 characters.".to_owned());
    }
    if state.target_missing {
        blockers.push("The permission set to update no longer exists.".to_owned());
    }
    if state.assignee_missing {
        blockers.push("The user to assign doesn't exist in this org.".to_owned());
    }
    let desired = close_spec(spec, state, &mut excluded, &mut warnings, &mut blockers);

    let psl_id = state.psl.as_ref().map(|p| p.id.clone());
    let wanted_license = match spec.license {
        LicenseChoice::None => None,
        LicenseChoice::IntegrationPsl => {
            if psl_id.is_none() {
                blockers.push(
                    "This org has no Salesforce API Integration permission set license (SalesforceAPIIntegrationPsl)."
                        .to_owned(),
                );
            }
            psl_id.clone()
        }
    };

    let mut steps: Vec<Step> = Vec::new();
    let mut license_change = None;
    let permission_set = match &state.existing {
        None => {
            let mut fields = Map::new();
            fields.insert("Name".into(), text(&spec.name));
            fields.insert("Label".into(), text(&spec.label));
            if !spec.description.is_empty() {
                fields.insert("Description".into(), text(&spec.description));
            }
            if let Some(license) = &wanted_license {
                fields.insert("LicenseId".into(), text(license));
            }
            for name in &desired.system_permissions {
                fields.insert(format!("Permissions{name}"), Value::Bool(true));
            }
            push_step(
                &mut steps,
                StepKind::PermissionSet,
                Action::Create,
                vec![WriteRecord {
                    id: None,
                    fields,
                    before: None,
                }],
                format!("Create the permission set {} ({})", spec.label, spec.name),
            );
            PlannedPermissionSet {
                action: Action::Create,
                id: None,
                name: spec.name.clone(),
                label: spec.label.clone(),
            }
        }
        Some(existing) => {
            if existing.is_owned_by_profile {
                blockers.push(
                    "That permission set belongs to a profile; Forcefield only writes custom permission sets."
                        .to_owned(),
                );
            }
            let license_differs = match (&existing.license_id, &wanted_license) {
                (None, None) => false,
                (Some(a), Some(b)) => !same_id(a, b),
                _ => true,
            };
            if license_differs {
                let describe = |license: &Option<String>| match license {
                    None => "None".to_owned(),
                    Some(id) if psl_id.as_deref().is_some_and(|p| same_id(p, id)) => {
                        "Salesforce API Integration".to_owned()
                    }
                    Some(id) => format!("another license ({id})"),
                };
                let suggestion = super::names::api_name_from(&format!("{}_2", spec.name));
                let change = LicenseChange {
                    from: describe(&existing.license_id),
                    to: describe(&wanted_license),
                    message: format!(
                        "A permission set's license can't be changed after it is created (LicenseId is create-only). Create a new permission set instead, for example {suggestion}."
                    ),
                };
                blockers.push(change.message.clone());
                license_change = Some(change);
            }
            let mut fields = Map::new();
            let mut before = Map::new();
            // Only when the set was chosen by Id can its name differ: a rename (salesforce.md §C.1: the
            // new name must be unique, or Salesforce answers DUPLICATE_DEVELOPER_NAME).
            if existing.name != spec.name {
                fields.insert("Name".into(), text(&spec.name));
                before.insert("Name".into(), text(&existing.name));
            }
            if existing.label != spec.label {
                fields.insert("Label".into(), text(&spec.label));
                before.insert("Label".into(), text(&existing.label));
            }
            if existing.description != spec.description {
                fields.insert("Description".into(), text(&spec.description));
                before.insert("Description".into(), text(&existing.description));
            }
            let names: BTreeSet<&String> = existing
                .system_permissions
                .keys()
                .chain(desired.system_permissions.iter())
                .collect();
            for name in names {
                let now = existing
                    .system_permissions
                    .get(name)
                    .copied()
                    .unwrap_or(false);
                let wanted = desired.system_permissions.contains(name);
                if now != wanted {
                    fields.insert(format!("Permissions{name}"), Value::Bool(wanted));
                    before.insert(format!("Permissions{name}"), Value::Bool(now));
                }
            }
            let action = if fields.is_empty() {
                Action::Unchanged
            } else {
                push_step(
                    &mut steps,
                    StepKind::PermissionSet,
                    Action::Update,
                    vec![WriteRecord {
                        id: Some(existing.id.clone()),
                        fields,
                        before: Some(before),
                    }],
                    format!("Update the permission set {} ({})", spec.label, spec.name),
                );
                Action::Update
            };
            PlannedPermissionSet {
                action,
                id: Some(existing.id.clone()),
                name: spec.name.clone(),
                label: spec.label.clone(),
            }
        }
    };
    let parent = state
        .existing
        .as_ref()
        .map_or_else(|| PERMISSION_SET_ID.to_owned(), |e| e.id.clone());

    // Object permissions: masters before details, so a detail's rule sees its master's Read.
    let no_objects = BTreeMap::new();
    let existing_objects = state.existing.as_ref().map_or(&no_objects, |e| &e.objects);
    let detail_rank = |name: &str| {
        state
            .describes
            .get(name)
            .map_or(0, |d| usize::from(!d.masters().is_empty()))
    };
    let mut object_names: Vec<&String> = desired.objects.keys().collect();
    object_names.sort_by_key(|name| (detail_rank(name), name.as_str()));
    let (mut creates, mut updates) = (Vec::new(), Vec::new());
    for name in object_names {
        let access = desired.objects[name];
        match existing_objects.get(name) {
            None => {
                let mut fields = object_fields(&access);
                fields.insert("ParentId".into(), text(&parent));
                fields.insert("SobjectType".into(), text(name));
                creates.push(WriteRecord {
                    id: None,
                    fields,
                    before: None,
                });
            }
            Some((id, current)) if *current != access => updates.push(WriteRecord {
                id: Some(id.clone()),
                fields: object_fields(&access),
                before: Some(object_fields(current)),
            }),
            Some(_) => {}
        }
    }
    let object_deletes: Vec<WriteRecord> = {
        let mut gone: Vec<(&String, &(String, ObjectAccess))> = existing_objects
            .iter()
            .filter(|(name, _)| !desired.objects.contains_key(*name))
            .collect();
        // Details before masters when deleting.
        gone.sort_by_key(|(name, _)| (std::cmp::Reverse(detail_rank(name)), name.as_str()));
        gone.into_iter()
            .map(|(name, (id, current))| {
                let mut before = object_fields(current);
                before.insert("ParentId".into(), text(&parent));
                before.insert("SobjectType".into(), text(name));
                WriteRecord {
                    id: Some(id.clone()),
                    fields: Map::new(),
                    before: Some(before),
                }
            })
            .collect()
    };
    push_step(
        &mut steps,
        StepKind::ObjectPermissions,
        Action::Create,
        creates,
        String::new(),
    );
    push_step(
        &mut steps,
        StepKind::ObjectPermissions,
        Action::Update,
        updates,
        String::new(),
    );

    // Field permissions.
    let no_fields = BTreeMap::new();
    let existing_fields = state.existing.as_ref().map_or(&no_fields, |e| &e.fields);
    let (mut creates, mut updates) = (Vec::new(), Vec::new());
    for (key, access) in &desired.fields {
        match existing_fields.get(key) {
            None => {
                let mut fields = field_fields(*access);
                fields.insert("ParentId".into(), text(&parent));
                fields.insert(
                    "SobjectType".into(),
                    text(PermissionSetSpec::object_of(key)),
                );
                fields.insert("Field".into(), text(key));
                creates.push(WriteRecord {
                    id: None,
                    fields,
                    before: None,
                });
            }
            Some((id, current)) if current != access => updates.push(WriteRecord {
                id: Some(id.clone()),
                fields: field_fields(*access),
                before: Some(field_fields(*current)),
            }),
            Some(_) => {}
        }
    }
    let field_deletes: Vec<WriteRecord> = existing_fields
        .iter()
        .filter(|(key, _)| !desired.fields.contains_key(*key))
        .map(|(key, (id, current))| {
            let mut before = field_fields(*current);
            before.insert("ParentId".into(), text(&parent));
            before.insert(
                "SobjectType".into(),
                text(PermissionSetSpec::object_of(key)),
            );
            before.insert("Field".into(), text(key));
            WriteRecord {
                id: Some(id.clone()),
                fields: Map::new(),
                before: Some(before),
            }
        })
        .collect();
    push_step(
        &mut steps,
        StepKind::FieldPermissions,
        Action::Create,
        creates,
        String::new(),
    );
    push_step(
        &mut steps,
        StepKind::FieldPermissions,
        Action::Update,
        updates,
        String::new(),
    );
    push_step(
        &mut steps,
        StepKind::FieldPermissions,
        Action::Delete,
        field_deletes,
        String::new(),
    );
    push_step(
        &mut steps,
        StepKind::ObjectPermissions,
        Action::Delete,
        object_deletes,
        String::new(),
    );

    // The PSL first, then the permission set assignment (salesforce.md §C.7, §H.Q4).
    if let Some(assignee) = &state.assignee {
        let needs_psl = assignee.is_integration || spec.license == LicenseChoice::IntegrationPsl;
        if needs_psl && !assignee.has_integration_psl {
            match &state.psl {
                None => blockers.push(format!(
                    "{} needs the Salesforce API Integration permission set license, and this org has none.",
                    assignee.name
                )),
                Some(psl) => {
                    if psl.used >= psl.total {
                        blockers.push(format!(
                            "No {} licenses are left ({} of {} assigned): free one before assigning {}.",
                            psl.label, psl.used, psl.total, assignee.name
                        ));
                    }
                    let mut fields = Map::new();
                    fields.insert("AssigneeId".into(), text(&assignee.id));
                    fields.insert("PermissionSetLicenseId".into(), text(&psl.id));
                    push_step(
                        &mut steps,
                        StepKind::LicenseAssignment,
                        Action::Create,
                        vec![WriteRecord {
                            id: None,
                            fields,
                            before: None,
                        }],
                        format!("Assign the {} license to {}", psl.label, assignee.name),
                    );
                }
            }
        }
        let assigned = state.existing.as_ref().is_some_and(|e| {
            assignee
                .assigned_permission_set_ids
                .iter()
                .any(|id| same_id(id, &e.id))
        });
        if !assigned {
            let mut fields = Map::new();
            fields.insert("AssigneeId".into(), text(&assignee.id));
            fields.insert("PermissionSetId".into(), text(&parent));
            push_step(
                &mut steps,
                StepKind::PermissionSetAssignment,
                Action::Create,
                vec![WriteRecord {
                    id: None,
                    fields,
                    before: None,
                }],
                format!("Assign {} to {}", spec.label, assignee.name),
            );
        }
    }

    let calls = if use_composite {
        composite_calls(&steps)
    } else {
        batch_calls(&steps)
    };
    WritePlan {
        permission_set,
        steps,
        calls,
        excluded_fields: excluded,
        warnings,
        blockers,
        license_change,
    }
}

fn push_step(
    steps: &mut Vec<Step>,
    kind: StepKind,
    action: Action,
    records: Vec<WriteRecord>,
    description: String,
) {
    if records.is_empty() {
        return;
    }
    let count = records.len();
    let description = if description.is_empty() {
        let what = match kind {
            StepKind::ObjectPermissions => "object permission",
            _ => "field permission",
        };
        let verb = match action {
            Action::Create => "Create",
            Action::Update => "Update",
            _ => "Delete",
        };
        let plural = if count == 1 { "" } else { "s" };
        format!("{verb} {count} {what}{plural}")
    } else {
        description
    };
    let id = format!(
        "{}-{}",
        kind.sobject_type(),
        match action {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Unchanged => "none",
        }
    );
    steps.push(Step {
        view: PlanStep {
            id,
            kind,
            sobject_type: kind.sobject_type().to_owned(),
            action,
            count,
            description,
        },
        records,
    });
}

fn parts_of(steps: &[Step]) -> Vec<Part> {
    steps
        .iter()
        .enumerate()
        .flat_map(|(step, s)| {
            (0..s.records.len())
                .step_by(COLLECTION_LIMIT)
                .map(move |start| Part {
                    step,
                    start,
                    end: (start + COLLECTION_LIMIT).min(s.records.len()),
                })
        })
        .collect()
}

/// One collection call per type and action per 200 records (salesforce.md §B.3, §H.Q3).
pub fn batch_calls(steps: &[Step]) -> Vec<CallPlan> {
    parts_of(steps)
        .into_iter()
        .map(|part| CallPlan::Batch { part })
        .collect()
}

/// Whether a part goes as a single-record subrequest (not counted among the 5 collections).
pub fn is_single(steps: &[Step], part: &Part) -> bool {
    part.end - part.start == 1 && steps[part.step].view.action != Action::Delete
}

/// As few composite requests as the limits allow: ≤ 25 subrequests, ≤ 5 collections (§B.4).
pub fn composite_calls(steps: &[Step]) -> Vec<CallPlan> {
    let mut calls = Vec::new();
    let mut current: Vec<Part> = Vec::new();
    let mut collections = 0;
    for part in parts_of(steps) {
        let collection = !is_single(steps, &part);
        if current.len() == COMPOSITE_SUBREQUESTS
            || (collection && collections == COMPOSITE_COLLECTIONS)
        {
            calls.push(CallPlan::Composite {
                parts: std::mem::take(&mut current),
            });
            collections = 0;
        }
        if collection {
            collections += 1;
        }
        current.push(part);
    }
    if !current.is_empty() {
        calls.push(CallPlan::Composite { parts: current });
    }
    calls
}
