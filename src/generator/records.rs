//! The sObjects an apply writes, one Rust type each, from the plan through the journal to the
//! apply's look-ups: what a record holds, its natural key, the JSON a write sends, the typed
//! row a query reads back, and whether the object carries the audit fields that prove who
//! created a record (salesforce.md §I.6).
//!
//! No record is a map of field names read back by key: a field added later (View All Fields on
//! ObjectPermissions, ExpirationDate on PermissionSetAssignment) is one field of one type here,
//! with its JSON name beside it.

use crate::model::{FieldAccess, ObjectAccess};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The permission set a record belongs to: one that exists, or the one this apply creates
/// (its Id is known once the create is answered, or referenced inside one composite request).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "set")]
pub enum SetRef {
    Existing { id: String },
    Created,
}

impl SetRef {
    /// The set's Id, given the Id of the set this apply created (if known yet).
    pub fn id<'a>(&'a self, created: Option<&'a str>) -> Option<&'a str> {
        match self {
            Self::Existing { id } => Some(id),
            Self::Created => created,
        }
    }
}

/// A `PermissionSet` (salesforce.md §C.1). `permissions` holds the system permissions this
/// record is about (names without `Permissions`), not every permission of the set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionSetRecord {
    pub name: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_id: Option<String>,
    #[serde(default)]
    pub permissions: BTreeMap<String, bool>,
}

/// An `ObjectPermissions` row (salesforce.md §C.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectPermissionsRecord {
    pub parent: SetRef,
    pub sobject_type: String,
    pub access: ObjectAccess,
}

/// A `FieldPermissions` row (salesforce.md §C.3); `field` is `Object.Field`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldPermissionsRecord {
    pub parent: SetRef,
    pub field: String,
    pub access: FieldAccess,
}

impl FieldPermissionsRecord {
    /// The object part of `Object.Field`.
    pub fn sobject_type(&self) -> &str {
        self.field.split_once('.').map_or("", |(object, _)| object)
    }
}

/// A `PermissionSetLicenseAssign` (salesforce.md §C.6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseAssignmentRecord {
    pub assignee_id: String,
    pub license_id: String,
}

/// A `PermissionSetAssignment` (salesforce.md §C.5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetAssignmentRecord {
    pub assignee_id: String,
    pub permission_set: SetRef,
    /// `ExpirationDate` (API 52.0+, salesforce.md §I.11) as unix seconds; none = no expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<i64>,
}

/// One record of any type the apply writes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "sobject")]
pub enum Record {
    PermissionSet(PermissionSetRecord),
    ObjectPermissions(ObjectPermissionsRecord),
    FieldPermissions(FieldPermissionsRecord),
    LicenseAssignment(LicenseAssignmentRecord),
    SetAssignment(SetAssignmentRecord),
}

/// What identifies a record apart from its Id: Salesforce refuses a second record with the same
/// key (salesforce.md §C.1, §C.5, §H.Q3), so the apply's look-ups find a write's effect by it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "key")]
pub enum RecordKey {
    PermissionSet {
        name: String,
    },
    ObjectPermissions {
        parent: SetRef,
        sobject_type: String,
    },
    FieldPermissions {
        parent: SetRef,
        field: String,
    },
    LicenseAssignment {
        assignee_id: String,
        license_id: String,
    },
    SetAssignment {
        assignee_id: String,
        permission_set: SetRef,
    },
}

/// The five sObject types, for grouping calls and look-ups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SobjectKind {
    PermissionSet,
    ObjectPermissions,
    FieldPermissions,
    LicenseAssignment,
    SetAssignment,
}

/// The columns a look-up reads beyond each object's fixed ones: the permission set's system
/// permissions the apply is about, and View All Fields, which exists only from API 63.0
/// (salesforce.md §I.10) and is read only when a record of the apply names it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadColumns {
    pub permissions: Vec<String>,
    pub view_all_fields: bool,
}

impl ReadColumns {
    /// The columns the look-ups of these records need.
    pub fn of<'a>(records: impl IntoIterator<Item = &'a Record>) -> Self {
        let mut columns = Self::default();
        for record in records {
            match record {
                Record::PermissionSet(set) => {
                    columns.permissions.extend(set.permissions.keys().cloned());
                }
                Record::ObjectPermissions(row) => {
                    columns.view_all_fields |= row.access.view_all_fields;
                }
                _ => {}
            }
        }
        columns.permissions.sort();
        columns.permissions.dedup();
        columns
    }
}

impl SobjectKind {
    pub fn api_name(self) -> &'static str {
        match self {
            Self::PermissionSet => "PermissionSet",
            Self::ObjectPermissions => "ObjectPermissions",
            Self::FieldPermissions => "FieldPermissions",
            Self::LicenseAssignment => "PermissionSetLicenseAssign",
            Self::SetAssignment => "PermissionSetAssignment",
        }
    }

    /// Whether the object has `CreatedById` and `CreatedDate` (salesforce.md §I.6: the field
    /// reference lists them for PermissionSet, ObjectPermissions and PermissionSetLicenseAssign;
    /// FieldPermissions and PermissionSetAssignment have only `SystemModstamp`).
    pub fn has_creator(self) -> bool {
        matches!(
            self,
            Self::PermissionSet | Self::ObjectPermissions | Self::LicenseAssignment
        )
    }

    /// The fields a look-up reads, audit fields included where the object has them.
    pub fn select_fields(self, columns: &ReadColumns) -> String {
        let fields = match self {
            Self::PermissionSet => {
                let mut fields =
                    "Id, Name, Label, Description, LicenseId, CreatedById, CreatedDate, LastModifiedById"
                        .to_owned();
                for name in &columns.permissions {
                    fields.push_str(", Permissions");
                    fields.push_str(name);
                }
                return fields;
            }
            Self::ObjectPermissions => {
                let mut fields = "Id, ParentId, SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete, PermissionsViewAllRecords, PermissionsModifyAllRecords, CreatedById, CreatedDate, LastModifiedById".to_owned();
                if columns.view_all_fields {
                    fields.push_str(", PermissionsViewAllFields");
                }
                return fields;
            }
            Self::FieldPermissions => {
                "Id, ParentId, Field, PermissionsRead, PermissionsEdit, SystemModstamp"
            }
            Self::LicenseAssignment => {
                "Id, AssigneeId, PermissionSetLicenseId, CreatedById, CreatedDate, LastModifiedById"
            }
            // ExpirationDate: API 52.0+, Forcefield's minimum (salesforce.md §I.11).
            Self::SetAssignment => {
                "Id, AssigneeId, PermissionSetId, ExpirationDate, SystemModstamp"
            }
        };
        fields.to_owned()
    }
}

impl Record {
    pub fn kind(&self) -> SobjectKind {
        match self {
            Self::PermissionSet(_) => SobjectKind::PermissionSet,
            Self::ObjectPermissions(_) => SobjectKind::ObjectPermissions,
            Self::FieldPermissions(_) => SobjectKind::FieldPermissions,
            Self::LicenseAssignment(_) => SobjectKind::LicenseAssignment,
            Self::SetAssignment(_) => SobjectKind::SetAssignment,
        }
    }

    pub fn key(&self) -> RecordKey {
        match self {
            Self::PermissionSet(r) => RecordKey::PermissionSet {
                name: r.name.clone(),
            },
            Self::ObjectPermissions(r) => RecordKey::ObjectPermissions {
                parent: r.parent.clone(),
                sobject_type: r.sobject_type.clone(),
            },
            Self::FieldPermissions(r) => RecordKey::FieldPermissions {
                parent: r.parent.clone(),
                field: r.field.clone(),
            },
            Self::LicenseAssignment(r) => RecordKey::LicenseAssignment {
                assignee_id: r.assignee_id.clone(),
                license_id: r.license_id.clone(),
            },
            Self::SetAssignment(r) => RecordKey::SetAssignment {
                assignee_id: r.assignee_id.clone(),
                permission_set: r.permission_set.clone(),
            },
        }
    }

    /// The set this record belongs to, for records under a permission set.
    pub fn parent(&self) -> Option<&SetRef> {
        match self {
            Self::ObjectPermissions(r) => Some(&r.parent),
            Self::FieldPermissions(r) => Some(&r.parent),
            Self::SetAssignment(r) => Some(&r.permission_set),
            _ => None,
        }
    }

    /// A short name for the admin: "the permission set X", "Account.Phone"…
    pub fn describe(&self) -> String {
        match self {
            Self::PermissionSet(r) => format!("the permission set {} ({})", r.label, r.name),
            Self::ObjectPermissions(r) => format!("object permissions on {}", r.sobject_type),
            Self::FieldPermissions(r) => format!("field permission {}", r.field),
            Self::LicenseAssignment(r) => {
                format!(
                    "the permission set license assignment of user {}",
                    r.assignee_id
                )
            }
            Self::SetAssignment(r) => {
                format!("the permission set assignment of user {}", r.assignee_id)
            }
        }
    }

    /// The fields a create sends; `parent` is the set's Id or a composite reference.
    pub fn create_fields(&self, parent: Option<&str>) -> Map<String, Value> {
        let mut fields = Map::new();
        let parent_value = |set: &SetRef| -> Value {
            match set {
                SetRef::Existing { id } => json!(id),
                SetRef::Created => parent.map_or(Value::Null, |p| json!(p)),
            }
        };
        match self {
            Self::PermissionSet(r) => {
                fields.insert("Name".into(), json!(r.name));
                fields.insert("Label".into(), json!(r.label));
                if !r.description.is_empty() {
                    fields.insert("Description".into(), json!(r.description));
                }
                if let Some(license) = &r.license_id {
                    fields.insert("LicenseId".into(), json!(license));
                }
                for (name, on) in &r.permissions {
                    fields.insert(format!("Permissions{name}"), json!(on));
                }
            }
            Self::ObjectPermissions(r) => {
                fields.insert("ParentId".into(), parent_value(&r.parent));
                fields.insert("SobjectType".into(), json!(r.sobject_type));
                object_access_fields(&r.access, r.access.view_all_fields, &mut fields);
            }
            Self::FieldPermissions(r) => {
                fields.insert("ParentId".into(), parent_value(&r.parent));
                fields.insert("SobjectType".into(), json!(r.sobject_type()));
                fields.insert("Field".into(), json!(r.field));
                field_access_fields(r.access, &mut fields);
            }
            Self::LicenseAssignment(r) => {
                fields.insert("AssigneeId".into(), json!(r.assignee_id));
                fields.insert("PermissionSetLicenseId".into(), json!(r.license_id));
            }
            Self::SetAssignment(r) => {
                fields.insert("AssigneeId".into(), json!(r.assignee_id));
                fields.insert("PermissionSetId".into(), parent_value(&r.permission_set));
                if let Some(when) = r.expiration {
                    fields.insert("ExpirationDate".into(), json!(format_datetime(when)));
                }
            }
        }
        fields
    }

    /// The fields an update from `self` (before) to `after` sends: only what differs, and for
    /// the permission rows every flag (Salesforce checks them together, salesforce.md §C.2).
    pub fn update_fields(&self, after: &Record) -> Map<String, Value> {
        let mut fields = Map::new();
        match (self, after) {
            (Self::PermissionSet(before), Self::PermissionSet(after)) => {
                if before.name != after.name {
                    fields.insert("Name".into(), json!(after.name));
                }
                if before.label != after.label {
                    fields.insert("Label".into(), json!(after.label));
                }
                if before.description != after.description {
                    fields.insert("Description".into(), json!(after.description));
                }
                for (name, on) in &after.permissions {
                    if before.permissions.get(name) != Some(on) {
                        fields.insert(format!("Permissions{name}"), json!(on));
                    }
                }
            }
            (Self::ObjectPermissions(before), Self::ObjectPermissions(after)) => {
                // View All Fields is sent only where either side names it: an org before API
                // 63.0 has no such field (salesforce.md §I.10).
                let view_all_fields = before.access.view_all_fields || after.access.view_all_fields;
                object_access_fields(&after.access, view_all_fields, &mut fields);
            }
            (Self::SetAssignment(before), Self::SetAssignment(after))
                if before.expiration != after.expiration =>
            {
                fields.insert(
                    "ExpirationDate".into(),
                    after
                        .expiration
                        .map_or(Value::Null, |when| json!(format_datetime(when))),
                );
            }
            (Self::FieldPermissions(_), Self::FieldPermissions(after)) => {
                field_access_fields(after.access, &mut fields);
            }
            _ => {}
        }
        fields
    }

    /// Whether `found` (read from the org) holds what this record says, on the fields this
    /// record is about. For a permission set, only the permissions named here are compared.
    pub fn held_by(&self, found: &Record, created: Option<&str>) -> bool {
        let same_set = |a: &SetRef, b: &SetRef| match (a.id(created), b.id(created)) {
            (Some(a), Some(b)) => same_id(a, b),
            _ => a == b,
        };
        match (self, found) {
            (Self::PermissionSet(a), Self::PermissionSet(b)) => {
                a.name == b.name
                    && a.label == b.label
                    && a.description == b.description
                    && match (&a.license_id, &b.license_id) {
                        (Some(x), Some(y)) => same_id(x, y),
                        (None, None) => true,
                        _ => false,
                    }
                    && a.permissions
                        .iter()
                        .all(|(name, on)| b.permissions.get(name).copied().unwrap_or(false) == *on)
            }
            (Self::ObjectPermissions(a), Self::ObjectPermissions(b)) => {
                same_set(&a.parent, &b.parent)
                    && a.sobject_type == b.sobject_type
                    && a.access == b.access
            }
            (Self::FieldPermissions(a), Self::FieldPermissions(b)) => {
                same_set(&a.parent, &b.parent) && a.field == b.field && a.access == b.access
            }
            (Self::LicenseAssignment(a), Self::LicenseAssignment(b)) => {
                same_id(&a.assignee_id, &b.assignee_id) && same_id(&a.license_id, &b.license_id)
            }
            (Self::SetAssignment(a), Self::SetAssignment(b)) => {
                same_id(&a.assignee_id, &b.assignee_id)
                    && same_set(&a.permission_set, &b.permission_set)
                    && a.expiration == b.expiration
            }
            _ => false,
        }
    }

    /// Whether the fields an update from `before` to `self` changed hold `self`'s values in
    /// `found` (other fields may have been changed by someone else: they are not ours).
    pub fn update_held_by(&self, before: &Record, found: &Record) -> bool {
        match (self, before, found) {
            (Self::PermissionSet(after), Self::PermissionSet(before), Self::PermissionSet(b)) => {
                (before.name == after.name || b.name == after.name)
                    && (before.label == after.label || b.label == after.label)
                    && (before.description == after.description
                        || b.description == after.description)
                    && after.permissions.iter().all(|(name, on)| {
                        before.permissions.get(name) == Some(on)
                            || b.permissions.get(name).copied().unwrap_or(false) == *on
                    })
            }
            (Self::ObjectPermissions(a), _, Self::ObjectPermissions(b)) => a.access == b.access,
            (Self::FieldPermissions(a), _, Self::FieldPermissions(b)) => a.access == b.access,
            (Self::SetAssignment(a), _, Self::SetAssignment(b)) => a.expiration == b.expiration,
            _ => false,
        }
    }
}

fn object_access_fields(
    access: &ObjectAccess,
    with_view_all_fields: bool,
    fields: &mut Map<String, Value>,
) {
    if with_view_all_fields {
        fields.insert(
            "PermissionsViewAllFields".to_owned(),
            Value::Bool(access.view_all_fields),
        );
    }
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
}

fn field_access_fields(access: FieldAccess, fields: &mut Map<String, Value>) {
    fields.insert("PermissionsRead".to_owned(), Value::Bool(true));
    fields.insert(
        "PermissionsEdit".to_owned(),
        Value::Bool(access == FieldAccess::ReadEdit),
    );
}

/// Whether two Salesforce Ids name the same record (15- and 18-character forms).
pub fn same_id(a: &str, b: &str) -> bool {
    a.len() >= 15 && b.len() >= 15 && a.get(..15) == b.get(..15)
}

/// Who made a record and when, as far as the object tells (salesforce.md §I.6).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Audit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by_id: Option<String>,
    /// Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_by_id: Option<String>,
    /// `SystemModstamp`, unix seconds (objects without CreatedDate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<i64>,
}

/// A record as a look-up read it: its Id, what it holds, and its audit fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FoundRecord {
    pub id: String,
    pub record: Record,
    #[serde(default)]
    pub audit: Audit,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AuditRow {
    #[serde(default)]
    created_by_id: Option<String>,
    #[serde(default)]
    created_date: Option<String>,
    #[serde(default)]
    last_modified_by_id: Option<String>,
    #[serde(default)]
    system_modstamp: Option<String>,
}

impl AuditRow {
    fn audit(self) -> Audit {
        Audit {
            created_by_id: self.created_by_id,
            created: self.created_date.as_deref().and_then(parse_datetime),
            last_modified_by_id: self.last_modified_by_id,
            modified: self.system_modstamp.as_deref().and_then(parse_datetime),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PermissionSetRow {
    id: String,
    name: String,
    label: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    license_id: Option<String>,
    #[serde(flatten)]
    audit: AuditRow,
    /// `Permissions<Name>` booleans and the row's `attributes`.
    #[serde(flatten)]
    other: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ObjectPermissionsRow {
    id: String,
    parent_id: String,
    sobject_type: String,
    #[serde(default)]
    permissions_read: bool,
    #[serde(default)]
    permissions_create: bool,
    #[serde(default)]
    permissions_edit: bool,
    #[serde(default)]
    permissions_delete: bool,
    #[serde(default)]
    permissions_view_all_records: bool,
    #[serde(default)]
    permissions_modify_all_records: bool,
    /// Absent before API 63.0 (salesforce.md §I.10), and when not selected.
    #[serde(default)]
    permissions_view_all_fields: bool,
    #[serde(flatten)]
    audit: AuditRow,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FieldPermissionsRow {
    id: String,
    parent_id: String,
    field: String,
    #[serde(default)]
    permissions_edit: bool,
    #[serde(flatten)]
    audit: AuditRow,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct LicenseAssignmentRow {
    id: String,
    assignee_id: String,
    permission_set_license_id: String,
    #[serde(flatten)]
    audit: AuditRow,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SetAssignmentRow {
    id: String,
    assignee_id: String,
    #[serde(default)]
    permission_set_id: Option<String>,
    #[serde(default)]
    expiration_date: Option<String>,
    #[serde(flatten)]
    audit: AuditRow,
}

/// A query row of `kind` (selected with [`SobjectKind::select_fields`]) as a typed record;
/// `None` when it lacks what the type needs. Parents are `SetRef::Existing` with the row's Id.
pub fn found_record(kind: SobjectKind, row: &Value) -> Option<FoundRecord> {
    let parse = |value: &Value| -> Option<FoundRecord> {
        Some(match kind {
            SobjectKind::PermissionSet => {
                let row: PermissionSetRow = crate::json::read(value).ok()?;
                let permissions = row
                    .other
                    .iter()
                    .filter_map(|(field, value)| {
                        Some((
                            field.strip_prefix("Permissions")?.to_owned(),
                            value.as_bool()?,
                        ))
                    })
                    .collect();
                FoundRecord {
                    id: row.id,
                    record: Record::PermissionSet(PermissionSetRecord {
                        name: row.name,
                        label: row.label,
                        description: row.description.unwrap_or_default(),
                        license_id: row.license_id,
                        permissions,
                    }),
                    audit: row.audit.audit(),
                }
            }
            SobjectKind::ObjectPermissions => {
                let row: ObjectPermissionsRow = crate::json::read(value).ok()?;
                FoundRecord {
                    id: row.id,
                    record: Record::ObjectPermissions(ObjectPermissionsRecord {
                        parent: SetRef::Existing { id: row.parent_id },
                        sobject_type: row.sobject_type,
                        access: ObjectAccess {
                            read: row.permissions_read,
                            create: row.permissions_create,
                            edit: row.permissions_edit,
                            delete: row.permissions_delete,
                            view_all: row.permissions_view_all_records,
                            modify_all: row.permissions_modify_all_records,
                            view_all_fields: row.permissions_view_all_fields,
                        },
                    }),
                    audit: row.audit.audit(),
                }
            }
            SobjectKind::FieldPermissions => {
                let row: FieldPermissionsRow = crate::json::read(value).ok()?;
                FoundRecord {
                    id: row.id,
                    record: Record::FieldPermissions(FieldPermissionsRecord {
                        parent: SetRef::Existing { id: row.parent_id },
                        field: row.field,
                        access: if row.permissions_edit {
                            FieldAccess::ReadEdit
                        } else {
                            FieldAccess::Read
                        },
                    }),
                    audit: row.audit.audit(),
                }
            }
            SobjectKind::LicenseAssignment => {
                let row: LicenseAssignmentRow = crate::json::read(value).ok()?;
                FoundRecord {
                    id: row.id,
                    record: Record::LicenseAssignment(LicenseAssignmentRecord {
                        assignee_id: row.assignee_id,
                        license_id: row.permission_set_license_id,
                    }),
                    audit: row.audit.audit(),
                }
            }
            SobjectKind::SetAssignment => {
                let row: SetAssignmentRow = crate::json::read(value).ok()?;
                FoundRecord {
                    id: row.id,
                    record: Record::SetAssignment(SetAssignmentRecord {
                        assignee_id: row.assignee_id,
                        permission_set: SetRef::Existing {
                            id: row.permission_set_id.unwrap_or_default(),
                        },
                        expiration: row.expiration_date.as_deref().and_then(parse_datetime),
                    }),
                    audit: row.audit.audit(),
                }
            }
        })
    };
    parse(row)
}

/// Unix seconds of a Salesforce dateTime (`2026-12-01T10:20:30.000+0000`, `…Z`).
pub fn parse_datetime(text: &str) -> Option<i64> {
    let date = text.get(..10)?;
    let time = text.get(11..19)?;
    let mut parts = date.split('-');
    let (year, month, day) = (
        parts.next()?.parse::<i64>().ok()?,
        parts.next()?.parse::<i64>().ok()?,
        parts.next()?.parse::<i64>().ok()?,
    );
    let mut clock = time.split(':');
    let (hour, minute, second) = (
        clock.next()?.parse::<i64>().ok()?,
        clock.next()?.parse::<i64>().ok()?,
        clock.next()?.parse::<i64>().ok()?,
    );
    // The offset, when there is one (`+0000`, `-0130`, `Z`), after optional fractions.
    let rest = text.get(19..).unwrap_or_default();
    let rest = rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let digits: String = rest.chars().skip(1).filter(char::is_ascii_digit).collect();
            let hours = digits.get(..2)?.parse::<i64>().ok()?;
            let minutes = digits
                .get(2..4)
                .and_then(|m| m.parse::<i64>().ok())
                .unwrap_or(0);
            let total = hours * 3600 + minutes * 60;
            if sign == '+' {
                total
            } else {
                -total
            }
        }
        _ => 0,
    };
    Some(days_from_civil(year, month, day)? * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Unix seconds of an HTTP `Date` header (RFC 9110 IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn parse_http_date(text: &str) -> Option<i64> {
    let mut words = text.split_whitespace().skip(1);
    let day = words.next()?.parse::<i64>().ok()?;
    let month = match words.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year = words.next()?.parse::<i64>().ok()?;
    let mut clock = words.next()?.split(':');
    let (hour, minute, second) = (
        clock.next()?.parse::<i64>().ok()?,
        clock.next()?.parse::<i64>().ok()?,
        clock.next()?.parse::<i64>().ok()?,
    );
    Some(days_from_civil(year, month, day)? * 86_400 + hour * 3600 + minute * 60 + second)
}

/// A Salesforce dateTime in UTC (`2027-01-31T17:00:00.000Z`) from unix seconds.
pub fn format_datetime(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let seconds = unix.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000Z",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> Option<i64> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_to_the_same_clock() {
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            parse_datetime("1994-11-06T08:49:37.000+0000"),
            Some(784_111_777)
        );
        assert_eq!(parse_datetime("1994-11-06T08:49:37Z"), Some(784_111_777));
        assert_eq!(
            parse_datetime("1994-11-06T10:49:37.123+0200"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("garbage"), None);
        assert_eq!(parse_datetime("1994-13-06T08:49:37Z"), None);
    }

    #[test]
    fn rows_read_back_as_typed_records() {
        let row = json!({"attributes": {"type": "ObjectPermissions"}, "Id": "110AM000000000AAAA",
            "ParentId": "0PSAM000000000AAAA", "SobjectType": "Account", "PermissionsRead": true,
            "PermissionsEdit": true, "CreatedById": "005AM000000000AAAA",
            "CreatedDate": "1994-11-06T08:49:37.000+0000"});
        let found = found_record(SobjectKind::ObjectPermissions, &row).unwrap_or_else(|| {
            panic!("unreadable");
        });
        assert_eq!(found.audit.created, Some(784_111_777));
        let Record::ObjectPermissions(op) = &found.record else {
            panic!("{found:?}")
        };
        assert!(op.access.read && op.access.edit && !op.access.create);
        let row = json!({"Id": "0PSAM000000000AAAA", "Name": "X", "Label": "X",
            "PermissionsApiEnabled": true, "PermissionsViewSetup": false, "attributes": {}});
        let found = found_record(SobjectKind::PermissionSet, &row);
        let Some(Record::PermissionSet(set)) = found.map(|f| f.record) else {
            panic!("unreadable")
        };
        assert_eq!(set.permissions.len(), 2);
        assert!(found_record(SobjectKind::FieldPermissions, &json!({"Id": 1})).is_none());
    }
}
