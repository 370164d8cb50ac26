//! Spec + the org's current state → the difference → ordered write steps → API calls. Pure: the
//! reads that fill [`OrgState`] live in `org.rs`, the writes in `apply.rs`.
//!
//! Salesforce won't mix Setup object types in one write (salesforce.md §B.3, §H.Q3), so each step is one
//! sObject type and one action, sent as sObject Collections of ≤ 200 records (§B.3), parents
//! first: PermissionSet, ObjectPermissions, FieldPermissions, the PSL assignment, then the
//! permission set assignment (§C.7, §H.Q4). A system permission that requires an object
//! permission (Convert Leads → Create on Account, §I.14) is turned on by a second PermissionSet
//! update after the object permissions: Salesforce refuses the set's write while the object
//! permission is missing (§C.1), and a set being created has none yet. Where the org accepts several Setup types in one
//! composite request (§H.Q3 [U], the caller's switch), the same steps go in composite calls.

use super::eligibility::{grant_of, ObjectDescribe};
pub use super::records::same_id;
use super::records::{
    FieldPermissionsRecord, LicenseAssignmentRecord, ObjectPermissionsRecord, PermissionSetRecord,
    Record, SetAssignmentRecord, SetRef,
};
use super::view::{
    Action, ExcludedField, Finding, FindingCode, Grant, LicenseChange, PlanStep,
    PlannedPermissionSet, StepKind,
};
use crate::model::{FieldAccess, LicenseChoice, ObjectAccess, PermissionSetSpec};
use crate::rules::ObjectPerm;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// sObject Collections take at most 200 records per call (salesforce.md §B.3).
pub const COLLECTION_LIMIT: usize = 200;
/// Composite: at most 25 subrequests, at most 5 of them collections or queries (salesforce.md §B.4).
pub const COMPOSITE_SUBREQUESTS: usize = 25;
pub const COMPOSITE_COLLECTIONS: usize = 5;
/// System permissions that keep a set's assignments from expiring (salesforce.md §I.11: Assign
/// Permission Sets, Manage Profiles and Permission Sets, Manage Users; Salesforce also names a
/// "Permission Sets" permission whose API name is not known here).
pub const NO_EXPIRY_PERMISSIONS: &[&str] = &[
    "AssignPermissionSets",
    "ManageProfilesPermissionsets",
    "ManageUsers",
];
/// The id of the step that turns on the set's system permissions that require object
/// permissions, after those are written (salesforce.md §I.14).
pub const AFTER_OBJECTS_STEP: &str = "PermissionSet-update-after-objects";
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
    /// Ids of the user's permission set license assignments and permission set assignments
    /// (what a key look-up of their assignments found, salesforce.md §I.6).
    #[serde(default)]
    pub assignment_ids: Vec<String>,
    /// The user's permission set assignments with their expiries (salesforce.md §I.11).
    #[serde(default)]
    pub set_assignments: Vec<CurrentAssignment>,
}

/// One of the user's permission set assignments as read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrentAssignment {
    pub id: String,
    pub permission_set_id: String,
    /// `ExpirationDate` as unix seconds; none = doesn't expire.
    #[serde(default)]
    pub expiration: Option<i64>,
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
    /// User permission → object permissions it requires, as the org's rows name them (rows of
    /// type "Object Permission", salesforce.md §I.14; read by [`object_prerequisite`]).
    pub object_dependencies: BTreeMap<String, BTreeSet<String>>,
    /// The org's ObjectPermissions has `PermissionsViewAllFields` (API 63.0+, salesforce.md §I.10).
    pub has_view_all_fields: bool,
    /// API calls it took to read this state (an apply of the same spec reads as many).
    pub reads: usize,
    /// The server's clock when it answered (the `Date` header, unix seconds, salesforce.md §I.6).
    pub server_date: Option<i64>,
}

/// One change the apply makes, with its typed record (salesforce.md §C): a create, an update
/// from `before` to `after` (same Id), or a delete of a record holding `before`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "change")]
pub enum Change {
    Create {
        record: Record,
    },
    Update {
        id: String,
        before: Record,
        after: Record,
    },
    Delete {
        id: String,
        before: Record,
    },
}

impl Change {
    /// The record as it is after this change (creates, updates) or was before it (deletes).
    pub fn record(&self) -> &Record {
        match self {
            Self::Create { record } => record,
            Self::Update { after, .. } => after,
            Self::Delete { before, .. } => before,
        }
    }

    /// The Id of the record an update or delete changes.
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::Create { .. } => None,
            Self::Update { id, .. } | Self::Delete { id, .. } => Some(id),
        }
    }

    /// An update of the permission set this apply creates: planned before its Id exists, so
    /// planned with an empty Id, which the apply reads as the created set's
    /// ([`super::journal::Journal::change_id`]).
    pub fn update_of_created_set(before: PermissionSetRecord, after: PermissionSetRecord) -> Self {
        Self::Update {
            id: String::new(),
            before: Record::PermissionSet(before),
            after: Record::PermissionSet(after),
        }
    }

    /// Whether this is an update of the permission set this apply creates
    /// ([`Self::update_of_created_set`]).
    pub fn of_created_set(&self) -> bool {
        matches!(self, Self::Update { id, after: Record::PermissionSet(_), .. } if id.is_empty())
    }

    /// The fields a write of this change sends (for a create under the set this apply
    /// creates, the parent shows as `null` until its Id is known).
    pub fn write_fields(&self) -> Map<String, Value> {
        match self {
            Self::Create { record } => record.create_fields(None),
            Self::Update { before, after, .. } => before.update_fields(after),
            Self::Delete { .. } => Map::new(),
        }
    }
}

/// One step: records of one type, one action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub view: PlanStep,
    pub changes: Vec<Change>,
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
    /// Calls that go out together (indices into `calls`), in order.
    pub rounds: Vec<Vec<usize>>,
    pub excluded_fields: Vec<ExcludedField>,
    pub warnings: Vec<Finding>,
    pub blockers: Vec<Finding>,
    pub license_change: Option<LicenseChange>,
    /// Every record Id the state read found for the keys these writes touch: the key look-up
    /// recorded before the writes (a record whose Id is here existed before the apply).
    pub known_ids: BTreeSet<String>,
    /// Identifies the writes (`PlanView::fingerprint`).
    pub fingerprint: String,
    /// The server's clock when the state was read (unix seconds).
    pub server_date: Option<i64>,
}

/// The spec with Salesforce's dependencies applied and what can't be granted taken out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Desired {
    pub objects: BTreeMap<String, ObjectAccess>,
    pub fields: BTreeMap<String, FieldAccess>,
    pub system_permissions: BTreeSet<String>,
    /// The system permissions that require an object permission (salesforce.md §I.14): written
    /// after the object permissions.
    pub after_objects: BTreeSet<String>,
}

/// Closes one object's access over Salesforce's "Requires …" rules (salesforce.md §C.2), reusing the
/// bulk toggles' rule table.
pub fn close_object(access: ObjectAccess) -> ObjectAccess {
    // View All Fields requires Read (salesforce.md §I.10).
    let access = access.with_view_all_fields(access.view_all_fields);
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
    warnings: &mut Vec<Finding>,
    blockers: &mut Vec<Finding>,
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
        warnings.push(Finding::new(
            FindingCode::ReadAdded,
            format!(
                "Read added on {} so the chosen fields can be used.",
                implied_read.join(", ")
            ),
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
                warnings.push(Finding::new(FindingCode::MasterReadAdded, format!(
                    "Read added on {master}: {detail} is its master-detail child, and Salesforce requires Read on the master."
                )));
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
            warnings.push(Finding::new(FindingCode::ObjectNotGrantable, format!(
                "{name} left out: Salesforce doesn't take object permissions for it (it is not in the ObjectPermissions object list)."
            )));
        }
    }
    check_view_all_fields(&desired, state, warnings, blockers);
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
                warnings.push(Finding::new(
                    FindingCode::PrerequisiteAdded,
                    format!(
                        "{required} added: {name} depends on it (Salesforce's PermissionDependency)."
                    ),
                ));
            }
            frontier.push(required.clone());
        }
    }
    add_object_prerequisites(&mut desired, state, warnings, blockers);
    if !state.permission_fields.is_empty() {
        for name in &desired.system_permissions {
            if !state.permission_fields.contains(name) {
                blockers.push(Finding::new(
                    FindingCode::UnknownSystemPermission,
                    format!("The system permission {name} doesn't exist in this org."),
                ));
            }
        }
    }
    desired
}

/// An object permission a system permission requires, from the `RequiredPermission` of a
/// PermissionDependency row of type "Object Permission" (salesforce.md §I.14): object and
/// permission. How such rows name it is [U] (salesforce.md §H.Q5; the simulated org says
/// `Account.Create`), so the permission is read on either side of the dot and as the field name
/// too (`Account.PermissionsCreate`). `None` when it reads as neither.
pub fn object_prerequisite(required: &str) -> Option<(String, ObjectPerm)> {
    let (first, second) = required.trim().split_once('.')?;
    let (object, perm) = match ObjectPerm::from_key(second) {
        Some(perm) => (first, perm),
        None => (second, ObjectPerm::from_key(first)?),
    };
    let named = !object.is_empty()
        && object
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    named.then(|| (object.to_owned(), perm))
}

/// How the plan's messages name an object permission (Setup's words, salesforce.md §C.2).
pub fn object_perm_word(perm: ObjectPerm) -> &'static str {
    match perm {
        ObjectPerm::Read => "Read",
        ObjectPerm::Create => "Create",
        ObjectPerm::Edit => "Edit",
        ObjectPerm::Delete => "Delete",
        ObjectPerm::ViewAll => "View All",
        ObjectPerm::ModifyAll => "Modify All",
    }
}

/// The object permissions the chosen system permissions require (PermissionDependency rows of
/// type "Object Permission", salesforce.md §I.14, Convert Leads → Create on Account): added
/// with what they in turn require (§C.2) and said, or a blocker where Salesforce takes no
/// object permissions for that object (the set's write would be refused, §C.1). The system
/// permissions that have them are marked to be written after the object permissions.
fn add_object_prerequisites(
    desired: &mut Desired,
    state: &OrgState,
    warnings: &mut Vec<Finding>,
    blockers: &mut Vec<Finding>,
) {
    let needed: Vec<(String, String)> = desired
        .system_permissions
        .iter()
        .flat_map(|name| {
            state
                .object_dependencies
                .get(name)
                .into_iter()
                .flatten()
                .map(move |required| (name.clone(), required.clone()))
        })
        .collect();
    for (name, required) in needed {
        let Some((object, perm)) = object_prerequisite(&required) else {
            warnings.push(Finding::new(
                FindingCode::ObjectPrerequisiteUnread,
                format!(
                    "{name} depends on the object permission \"{required}\" (Salesforce's PermissionDependency), which Forcefield can't read as an object and a permission: grant it in the objects above, or Salesforce will refuse {name}."
                ),
            ));
            continue;
        };
        let same = |candidate: &String| candidate.eq_ignore_ascii_case(&object);
        let object = desired
            .objects
            .keys()
            .find(|k| same(k))
            .or_else(|| state.grantable_objects.iter().find(|k| same(k)))
            .cloned()
            .unwrap_or(object);
        let word = object_perm_word(perm);
        if !state.grantable_objects.is_empty() && !state.grantable_objects.contains(&object) {
            blockers.push(Finding::new(
                FindingCode::ObjectPrerequisiteUnavailable,
                format!(
                    "{name} depends on {word} on {object} (Salesforce's PermissionDependency), and Salesforce doesn't take object permissions for {object} in this org: leave {name} out."
                ),
            ));
            continue;
        }
        desired.after_objects.insert(name.clone());
        let access = desired.objects.entry(object.clone()).or_default();
        if !access.granted().contains(&perm) {
            *access = close_object(access.changed(perm, true));
            warnings.push(Finding::new(
                FindingCode::ObjectPrerequisiteAdded,
                format!(
                    "{word} on {object} added: {name} depends on it (Salesforce's PermissionDependency), so {name} is turned on after the object permissions are written."
                ),
            ));
        }
    }
}

/// The permissions reachable from `roots` through `dependencies` (the roots included) whose
/// own prerequisites haven't been asked for yet: the next level to ask PermissionDependency
/// about (salesforce.md §I.14). Stops on cycles.
pub fn prerequisites_not_asked(
    dependencies: &BTreeMap<String, BTreeSet<String>>,
    asked: &BTreeSet<String>,
    roots: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut seen: BTreeSet<&String> = BTreeSet::new();
    let mut frontier: Vec<&String> = roots.iter().collect();
    while let Some(name) = frontier.pop() {
        if seen.insert(name) {
            frontier.extend(dependencies.get(name).into_iter().flatten());
        }
    }
    seen.into_iter()
        .filter(|name| !asked.contains(*name))
        .cloned()
        .collect()
}

/// Every permission `name` requires, directly or through others (not `name` itself, even in
/// a cycle), per PermissionDependency (salesforce.md §I.14).
pub fn prerequisites_of(
    dependencies: &BTreeMap<String, BTreeSet<String>>,
    name: &str,
) -> BTreeSet<String> {
    let mut found: BTreeSet<String> = BTreeSet::new();
    let mut frontier: Vec<&String> = dependencies.get(name).into_iter().flatten().collect();
    while let Some(required) = frontier.pop() {
        if required != name && found.insert(required.clone()) {
            frontier.extend(dependencies.get(required).into_iter().flatten());
        }
    }
    found
}

/// The chosen system permissions after the admin turns `name` on or off, where `requires`
/// gives each permission's prerequisites at every level ([`prerequisites_of`]). On brings
/// `name` with everything it requires; off takes `name` away with every chosen permission that
/// requires it, so no choice is left without a prerequisite Salesforce would refuse it without
/// (salesforce.md §H.Q5, §I.14).
pub fn change_system_permission(
    requires: &BTreeMap<String, Vec<String>>,
    chosen: &BTreeSet<String>,
    name: &str,
    on: bool,
) -> BTreeSet<String> {
    let mut next = chosen.clone();
    if on {
        next.insert(name.to_owned());
        next.extend(requires.get(name).into_iter().flatten().cloned());
    } else {
        next.remove(name);
        next.retain(|other| {
            !requires
                .get(other)
                .is_some_and(|needs| needs.iter().any(|n| n == name))
        });
    }
    next
}

fn merge(a: ObjectAccess, b: ObjectAccess) -> ObjectAccess {
    ObjectAccess {
        read: a.read || b.read,
        create: a.create || b.create,
        edit: a.edit || b.edit,
        delete: a.delete || b.delete,
        view_all: a.view_all || b.view_all,
        modify_all: a.modify_all || b.modify_all,
        view_all_fields: a.view_all_fields || b.view_all_fields,
    }
}

/// View All Fields: refused where the org lacks the field, else granted with its risk said
/// (salesforce.md §I.10).
fn check_view_all_fields(
    desired: &Desired,
    state: &OrgState,
    warnings: &mut Vec<Finding>,
    blockers: &mut Vec<Finding>,
) {
    let objects: Vec<String> = desired
        .objects
        .iter()
        .filter(|(_, access)| access.view_all_fields)
        .map(|(name, _)| name.clone())
        .collect();
    if objects.is_empty() {
        return;
    }
    let list = objects.join(", ");
    if state.has_view_all_fields {
        warnings.push(Finding::new(
            FindingCode::ViewAllFieldsGranted,
            format!(
                "View All Fields on {list} (high risk): the integration reads every field of {}, including sensitive fields and any field created later, whatever the field-level security says.",
                if objects.len() == 1 { "that object" } else { "those objects" }
            ),
        ));
    } else {
        blockers.push(Finding::new(
            FindingCode::ViewAllFieldsUnavailable,
            format!(
                "View All Fields ({list}) isn't available in this org: its ObjectPermissions has no PermissionsViewAllFields (API 63.0, Spring '25, and later). Grant the fields one by one instead."
            ),
        ));
    }
}

/// The assignment's expiry as unix seconds: none when not asked for; a blocker when it can't
/// be used (salesforce.md §I.11: `ExpirationDate` is a dateTime; an expiry not after the
/// org's clock would end the assignment at once).
pub fn assignment_expiration(
    spec: &PermissionSetSpec,
    state: &OrgState,
    blockers: &mut Vec<Finding>,
) -> Option<i64> {
    let text = spec.assignment_expiration.as_deref()?.trim();
    if text.is_empty() {
        return None;
    }
    let Some(when) = super::records::parse_datetime(text) else {
        blockers.push(Finding::new(
            FindingCode::ExpirationInvalid,
            format!("The assignment's expiry \"{text}\" is not a date and time (for example 2027-01-31T17:00:00.000Z)."),
        ));
        return None;
    };
    if state.assignee.is_none() && !state.assignee_missing {
        blockers.push(Finding::new(
            FindingCode::ExpirationWithoutAssignee,
            "An assignment expiry was given, but nobody is assigned: choose the user or clear the expiry.",
        ));
        return None;
    }
    if state.server_date.is_some_and(|now| when <= now) {
        blockers.push(Finding::new(
            FindingCode::ExpirationPast,
            format!(
                "The assignment's expiry ({}) is not in the future by the org's clock: the set would be taken away at once.",
                super::records::format_datetime(when)
            ),
        ));
        return None;
    }
    Some(when)
}

/// Plans the writes that make the org match the spec.
pub fn plan(spec: &PermissionSetSpec, state: &OrgState, use_composite: bool) -> WritePlan {
    let mut excluded = Vec::new();
    let mut warnings = Vec::new();
    let mut blockers = Vec::new();
    for problem in super::names::name_problems(&spec.name) {
        blockers.push(Finding::new(FindingCode::InvalidName, problem));
    }
    for problem in super::names::label_problems(&spec.label) {
        blockers.push(Finding::new(FindingCode::InvalidLabel, problem));
    }
    if spec.description.chars().count() > 255 {
        blockers.push(Finding::new(
            FindingCode::DescriptionTooLong,
            "The description can be at most 255 characters.",
        ));
    }
    if state.target_missing {
        blockers.push(Finding::new(
            FindingCode::TargetMissing,
            "The permission set to update no longer exists.",
        ));
    }
    if state.assignee_missing {
        blockers.push(Finding::new(
            FindingCode::AssigneeMissing,
            "The user to assign doesn't exist in this org.",
        ));
    }
    let desired = close_spec(spec, state, &mut excluded, &mut warnings, &mut blockers);
    let expiration = assignment_expiration(spec, state, &mut blockers);
    if expiration.is_some() {
        let held: Vec<&str> = NO_EXPIRY_PERMISSIONS
            .iter()
            .copied()
            .filter(|name| desired.system_permissions.contains(*name))
            .collect();
        if !held.is_empty() {
            blockers.push(Finding::new(
                FindingCode::ExpirationNotAllowed,
                format!(
                    "Salesforce doesn't let an assignment expire when the set has {}: clear the expiry or leave the permission out.",
                    held.join(", ")
                ),
            ));
        }
    }

    let psl_id = state.psl.as_ref().map(|p| p.id.clone());
    let wanted_license = match spec.license {
        LicenseChoice::None => None,
        LicenseChoice::IntegrationPsl => {
            if psl_id.is_none() {
                blockers.push(Finding::new(
                    FindingCode::NoIntegrationLicense,
                    "This org has no Salesforce API Integration permission set license (SalesforceAPIIntegrationPsl).",
                ));
            }
            psl_id.clone()
        }
    };

    let mut steps: Vec<Step> = Vec::new();
    let mut license_change = None;
    let mut known_ids: BTreeSet<String> = BTreeSet::new();
    // The set's system permissions that wait for their object permissions (salesforce.md §I.14):
    // the second PermissionSet update, written after the ObjectPermissions steps.
    let mut after_objects: Option<Change> = None;
    let permission_set = match &state.existing {
        None => {
            let created = PermissionSetRecord {
                name: spec.name.clone(),
                label: spec.label.clone(),
                description: spec.description.clone(),
                license_id: wanted_license.clone(),
                permissions: desired
                    .system_permissions
                    .iter()
                    .filter(|name| !desired.after_objects.contains(*name))
                    .map(|name| (name.clone(), true))
                    .collect(),
            };
            if !desired.after_objects.is_empty() {
                let with = |on: bool| PermissionSetRecord {
                    permissions: desired
                        .after_objects
                        .iter()
                        .map(|name| (name.clone(), on))
                        .collect(),
                    ..created.clone()
                };
                after_objects = Some(Change::update_of_created_set(with(false), with(true)));
            }
            push_step(
                &mut steps,
                StepKind::PermissionSet,
                Action::Create,
                vec![Change::Create {
                    record: Record::PermissionSet(created),
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
            known_ids.insert(existing.id.clone());
            known_ids.extend(existing.objects.values().map(|(id, _)| id.clone()));
            known_ids.extend(existing.fields.values().map(|(id, _)| id.clone()));
            if existing.is_owned_by_profile {
                blockers.push(Finding::new(
                    FindingCode::ProfileOwnedSet,
                    "That permission set belongs to a profile; Forcefield only writes custom permission sets.",
                ));
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
                blockers.push(Finding::new(
                    FindingCode::LicenseCreateOnly,
                    change.message.clone(),
                ));
                license_change = Some(change);
            }
            let before = PermissionSetRecord {
                name: existing.name.clone(),
                label: existing.label.clone(),
                description: existing.description.clone(),
                license_id: existing.license_id.clone(),
                permissions: existing.system_permissions.clone(),
            };
            // Only when the set was chosen by Id can its name differ: a rename (salesforce.md §C.1:
            // the new name must be unique, or Salesforce answers DUPLICATE_DEVELOPER_NAME).
            let mut after = PermissionSetRecord {
                name: spec.name.clone(),
                label: spec.label.clone(),
                description: spec.description.clone(),
                license_id: existing.license_id.clone(),
                permissions: BTreeMap::new(),
            };
            let names: BTreeSet<&String> = existing
                .system_permissions
                .keys()
                .chain(desired.system_permissions.iter())
                .collect();
            // A permission turned on that requires an object permission waits for it.
            let waits = |name: &String| {
                desired.after_objects.contains(name)
                    && existing.system_permissions.get(name) != Some(&true)
            };
            let mut late = after.clone();
            for name in names {
                let on = desired.system_permissions.contains(name);
                after.permissions.insert(name.clone(), on && !waits(name));
                late.permissions.insert(name.clone(), on);
            }
            let mut before = before;
            // Compare only the permissions both sides name (a permission the org doesn't read
            // back is absent before and false after: unchanged).
            for name in after.permissions.keys() {
                before.permissions.entry(name.clone()).or_insert(false);
            }
            let late = Record::PermissionSet(late);
            let before = Record::PermissionSet(before);
            let after = Record::PermissionSet(after);
            if !after.update_fields(&late).is_empty() {
                after_objects = Some(Change::Update {
                    id: existing.id.clone(),
                    before: after.clone(),
                    after: late,
                });
            }
            let action = if before.update_fields(&after).is_empty() {
                if after_objects.is_some() {
                    Action::Update
                } else {
                    Action::Unchanged
                }
            } else {
                push_step(
                    &mut steps,
                    StepKind::PermissionSet,
                    Action::Update,
                    vec![Change::Update {
                        id: existing.id.clone(),
                        before,
                        after,
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
        .map_or(SetRef::Created, |e| SetRef::Existing { id: e.id.clone() });

    // Object permissions: masters before details, so a detail's rule sees its master's Read.
    let no_objects = BTreeMap::new();
    let existing_objects = state.existing.as_ref().map_or(&no_objects, |e| &e.objects);
    let detail_rank = |name: &str| {
        state
            .describes
            .get(name)
            .map_or(0, |d| usize::from(!d.masters().is_empty()))
    };
    let object_record = |name: &str, access: ObjectAccess| {
        Record::ObjectPermissions(ObjectPermissionsRecord {
            parent: parent.clone(),
            sobject_type: name.to_owned(),
            access,
        })
    };
    let mut object_names: Vec<(&String, &ObjectAccess)> = desired.objects.iter().collect();
    object_names.sort_by_key(|(name, _)| (detail_rank(name), name.as_str()));
    let (mut creates, mut updates) = (Vec::new(), Vec::new());
    for (name, access) in object_names {
        match existing_objects.get(name) {
            None => creates.push(Change::Create {
                record: object_record(name, *access),
            }),
            Some((id, current)) if current != access => updates.push(Change::Update {
                id: id.clone(),
                before: object_record(name, *current),
                after: object_record(name, *access),
            }),
            Some(_) => {}
        }
    }
    let object_deletes: Vec<Change> = {
        let mut gone: Vec<(&String, &(String, ObjectAccess))> = existing_objects
            .iter()
            .filter(|(name, _)| !desired.objects.contains_key(*name))
            .collect();
        // Details before masters when deleting.
        gone.sort_by_key(|(name, _)| (std::cmp::Reverse(detail_rank(name)), name.as_str()));
        gone.into_iter()
            .map(|(name, (id, current))| Change::Delete {
                id: id.clone(),
                before: object_record(name, *current),
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
    if let Some(change) = after_objects {
        let names: Vec<String> = match &change {
            Change::Update {
                before: Record::PermissionSet(before),
                after: Record::PermissionSet(after),
                ..
            } => after
                .permissions
                .iter()
                .filter(|(name, on)| **on && before.permissions.get(*name) != Some(&true))
                .map(|(name, _)| name.clone())
                .collect(),
            _ => Vec::new(),
        };
        push_step(
            &mut steps,
            StepKind::PermissionSet,
            Action::Update,
            vec![change],
            format!(
                "Turn on {} in {} once the object permissions it needs are written",
                names.join(", "),
                spec.label
            ),
        );
        if let Some(step) = steps.last_mut() {
            // Distinct from the set's first update (the page and the journal name steps by id).
            step.view.id = AFTER_OBJECTS_STEP.to_owned();
        }
    }

    // Field permissions.
    let no_fields = BTreeMap::new();
    let existing_fields = state.existing.as_ref().map_or(&no_fields, |e| &e.fields);
    let field_record = |key: &str, access: FieldAccess| {
        Record::FieldPermissions(FieldPermissionsRecord {
            parent: parent.clone(),
            field: key.to_owned(),
            access,
        })
    };
    let (mut creates, mut updates) = (Vec::new(), Vec::new());
    for (key, access) in &desired.fields {
        match existing_fields.get(key) {
            None => creates.push(Change::Create {
                record: field_record(key, *access),
            }),
            Some((id, current)) if current != access => updates.push(Change::Update {
                id: id.clone(),
                before: field_record(key, *current),
                after: field_record(key, *access),
            }),
            Some(_) => {}
        }
    }
    let field_deletes: Vec<Change> = existing_fields
        .iter()
        .filter(|(key, _)| !desired.fields.contains_key(*key))
        .map(|(key, (id, current))| Change::Delete {
            id: id.clone(),
            before: field_record(key, *current),
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
        known_ids.extend(assignee.assignment_ids.iter().cloned());
        let needs_psl = assignee.is_integration || spec.license == LicenseChoice::IntegrationPsl;
        if needs_psl && !assignee.has_integration_psl {
            match &state.psl {
                None => blockers.push(Finding::new(
                    FindingCode::NoIntegrationLicense,
                    format!(
                        "{} needs the Salesforce API Integration permission set license, and this org has none.",
                        assignee.name
                    ),
                )),
                Some(psl) => {
                    if psl.used >= psl.total {
                        blockers.push(Finding::new(
                            FindingCode::LicenseExhausted,
                            format!(
                                "No {} licenses are left ({} of {} assigned): free one before assigning {}.",
                                psl.label, psl.used, psl.total, assignee.name
                            ),
                        ));
                    }
                    push_step(
                        &mut steps,
                        StepKind::LicenseAssignment,
                        Action::Create,
                        vec![Change::Create {
                            record: Record::LicenseAssignment(LicenseAssignmentRecord {
                                assignee_id: assignee.id.clone(),
                                license_id: psl.id.clone(),
                            }),
                        }],
                        format!("Assign the {} license to {}", psl.label, assignee.name),
                    );
                }
            }
        }
        let current = state.existing.as_ref().and_then(|e| {
            assignee
                .set_assignments
                .iter()
                .find(|a| same_id(&a.permission_set_id, &e.id))
                .cloned()
                .or_else(|| {
                    // A state read before assignments carried their Ids and expiries.
                    assignee
                        .assigned_permission_set_ids
                        .iter()
                        .any(|id| same_id(id, &e.id))
                        .then(|| CurrentAssignment {
                            id: String::new(),
                            permission_set_id: e.id.clone(),
                            expiration: None,
                        })
                })
        });
        let record = |expiration: Option<i64>| {
            Record::SetAssignment(SetAssignmentRecord {
                assignee_id: assignee.id.clone(),
                permission_set: parent.clone(),
                expiration,
            })
        };
        let until = |expiration: Option<i64>| {
            expiration.map_or_else(String::new, |when| {
                format!(" until {}", super::records::format_datetime(when))
            })
        };
        match current {
            None => push_step(
                &mut steps,
                StepKind::PermissionSetAssignment,
                Action::Create,
                vec![Change::Create {
                    record: record(expiration),
                }],
                format!(
                    "Assign {} to {}{}",
                    spec.label,
                    assignee.name,
                    until(expiration)
                ),
            ),
            // The expiry is changed in place (ExpirationDate is updateable, salesforce.md
            // §I.11); an expiry is only set, never cleared, unless the spec asks for one.
            Some(current)
                if expiration.is_some()
                    && current.expiration != expiration
                    && !current.id.is_empty() =>
            {
                known_ids.insert(current.id.clone());
                push_step(
                    &mut steps,
                    StepKind::PermissionSetAssignment,
                    Action::Update,
                    vec![Change::Update {
                        id: current.id.clone(),
                        before: record(current.expiration),
                        after: record(expiration),
                    }],
                    format!(
                        "Change when {} ends for {}: {}",
                        spec.label,
                        assignee.name,
                        until(expiration).trim_start()
                    ),
                );
            }
            Some(_) => {}
        }
    }

    let calls = if use_composite {
        composite_calls(&steps)
    } else {
        batch_calls(&steps)
    };
    let rounds = rounds_of(&steps, &calls);
    let fingerprint = fingerprint(&steps, use_composite);
    WritePlan {
        permission_set,
        steps,
        calls,
        rounds,
        excluded_fields: excluded,
        warnings,
        blockers,
        license_change,
        known_ids,
        fingerprint,
        server_date: state.server_date,
    }
}

/// Which calls go out together: each call alone, except that the license assignment (on the
/// user, independent of the permission set's records) joins the first call. Calls on the same
/// permission set never overlap (their children lock the same parent).
pub fn rounds_of(steps: &[Step], calls: &[CallPlan]) -> Vec<Vec<usize>> {
    let is_license = |call: &CallPlan| match call {
        CallPlan::Batch { part } => steps
            .get(part.step)
            .is_some_and(|s| s.view.kind == StepKind::LicenseAssignment),
        CallPlan::Composite { .. } => false,
    };
    let license = calls.iter().position(is_license).filter(|i| *i > 0);
    let mut rounds: Vec<Vec<usize>> = Vec::new();
    for i in 0..calls.len() {
        if Some(i) == license {
            continue;
        }
        rounds.push(vec![i]);
    }
    if let (Some(license), Some(first)) = (license, rounds.first_mut()) {
        first.push(license);
    }
    rounds
}

/// A short, stable digest of the writes (FNV-1a over their JSON): the preview's identity.
pub fn fingerprint(steps: &[Step], use_composite: bool) -> String {
    let text = serde_json::to_string(steps).unwrap_or_default();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes().chain(std::iter::once(u8::from(use_composite))) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

fn push_step(
    steps: &mut Vec<Step>,
    kind: StepKind,
    action: Action,
    changes: Vec<Change>,
    description: String,
) {
    if changes.is_empty() {
        return;
    }
    let count = changes.len();
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
        changes,
    });
}

fn parts_of(steps: &[Step]) -> Vec<Part> {
    steps
        .iter()
        .enumerate()
        .flat_map(|(step, s)| {
            (0..s.changes.len())
                .step_by(COLLECTION_LIMIT)
                .map(move |start| Part {
                    step,
                    start,
                    end: (start + COLLECTION_LIMIT).min(s.changes.len()),
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
    part.end.checked_sub(part.start) == Some(1)
        && steps
            .get(part.step)
            .is_some_and(|s| s.view.action != Action::Delete)
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
