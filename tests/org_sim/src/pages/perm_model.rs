//! What the Classic permission pages show, read from the store through its public API: the
//! permission container (a permission set, or a profile's owned permission set, salesforce.md §C.1),
//! the objects and the rows of a field-permission table (salesforce.md §D.3, §C.3, §C.4), and the
//! stored ObjectPermissions / FieldPermissions of one container and object.

use std::collections::HashMap;

use crate::ids;
use crate::schema::{FieldDef, FieldType, ObjectDef, Schema};
use crate::store::{Record, Store};

/// Permission set or profile: decides labels, URLs and which page family is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A permission set page (`/0PS…`).
    PermissionSet,
    /// An enhanced profile page (`/00e…`), writing to the profile-owned set (salesforce.md §C.1,
    /// §D.4).
    Profile,
}

/// The record pages are about and the permission set that holds its rows.
#[derive(Debug, Clone)]
pub struct Container<'a> {
    /// Permission set or profile.
    pub owner: Owner,
    /// The permission set whose rows are read and written.
    pub ps: &'a Record,
    /// The profile, for profile pages.
    pub profile: Option<&'a Record>,
    /// 15-char Id used in page URLs (the 0PS or 00e Id).
    pub url_id: String,
    /// Heading (`h2.pageDescription`): permission set Label or profile Name.
    pub label: String,
}

/// Resolves `/0PS…` or `/00e…` (15 or 18 chars).
pub fn container<'a>(store: &'a Store, id: &str) -> Option<Container<'a>> {
    let rec = store.get(id)?;
    match rec.object.as_str() {
        "PermissionSet" => Some(Container {
            owner: Owner::PermissionSet,
            ps: rec,
            profile: None,
            url_id: ids::to15(&rec.id).to_owned(),
            label: rec.text("Label").unwrap_or_default().to_owned(),
        }),
        "Profile" => {
            // salesforce.md §C.1: every profile has a child PermissionSet (IsOwnedByProfile, ProfileId).
            let ps = store
                .records("PermissionSet")
                .iter()
                .find(|p| p.flag("IsOwnedByProfile") && p.text("ProfileId") == Some(&rec.id))?;
            Some(Container {
                owner: Owner::Profile,
                ps,
                profile: Some(rec),
                url_id: ids::to15(&rec.id).to_owned(),
                label: rec.text("Name").unwrap_or_default().to_owned(),
            })
        }
        _ => None,
    }
}

/// Objects shown under Object Settings: those taking ObjectPermissions or FieldPermissions,
/// custom settings excluded (salesforce.md §C.2, §H.Q3), sorted by label.
pub fn objects(schema: &Schema) -> Vec<&ObjectDef> {
    let mut out: Vec<&ObjectDef> = schema
        .objects()
        .iter()
        .filter(|o| (o.object_permissionable || o.field_permissionable) && !o.custom_setting)
        .collect();
    out.sort_by_key(|o| o.label.to_lowercase());
    out
}

/// The 15-char CustomObject Id of a custom object, used as `o=` (salesforce.md §D.3: "15-char
/// CustomObject Id for custom objects"). The sim derives it from the key prefix: `01I` +
/// `AM0000000` + key prefix.
pub fn custom_object_id(o: &ObjectDef) -> Option<String> {
    (o.custom && o.key_prefix.len() == 3).then(|| format!("01IAM0000000{}", o.key_prefix))
}

/// The `o=` value of an object: API name for standard objects, CustomObject Id for custom
/// ones (salesforce.md §D.3).
pub fn object_param(o: &ObjectDef) -> String {
    custom_object_id(o).unwrap_or_else(|| o.name.clone())
}

/// Resolves `o=`: an API name (any case) or a 15/18-char CustomObject Id; only objects listed
/// by [`objects`].
pub fn resolve_object<'a>(schema: &'a Schema, param: &str) -> Option<&'a ObjectDef> {
    let id15 = ids::normalize(param).map(|i| ids::to15(&i).to_owned());
    objects(schema).into_iter().find(|o| {
        o.name.eq_ignore_ascii_case(param)
            || (id15.is_some() && custom_object_id(o).as_deref() == id15.as_deref())
    })
}

/// How a row of a field-permission table behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A permissionable field: Read enabled; Edit enabled only when the field can be edited
    /// (salesforce.md §C.3/§C.4: formula, auto-number, roll-up and read-only fields take Read only).
    Grantable {
        /// Whether the Edit box is enabled.
        edit_allowed: bool,
    },
    /// Shown but not grantable (salesforce.md §D.3 screenshot): required fields Read+Edit checked and
    /// disabled; system audit / read-only name fields Read checked, Edit unchecked, both
    /// disabled.
    Fixed {
        /// Edit shown as checked.
        edit: bool,
    },
}

/// One row of a field-permission table.
#[derive(Debug, Clone)]
pub struct FieldRow<'a> {
    /// The field.
    pub def: &'a FieldDef,
    /// Label shown in the Field Name column.
    pub label: String,
    /// Behaviour.
    pub access: Access,
}

impl FieldRow<'_> {
    /// `Object.Field`, the FieldPermissions.Field value (salesforce.md §C.3).
    pub fn qualified(&self, object: &ObjectDef) -> String {
        format!("{}.{}", object.name, self.def.name)
    }
}

/// Display label: reference fields drop the trailing " ID" (the UI shows "Created By").
fn display_label(f: &FieldDef) -> String {
    if f.ty == FieldType::Reference {
        if let Some(l) = f.label.strip_suffix(" ID") {
            return l.to_owned();
        }
    }
    f.label.clone()
}

/// The rows of the Field Permissions table, sorted by label (as on the real page, salesforce.md §D.3
/// screenshot): every permissionable field except compound components (salesforce.md §C.3, §C.4),
/// plus the non-grantable rows the real page shows disabled: required / name / owner /
/// master-detail fields and the Created By / Last Modified By audit lookups.
pub fn field_rows(o: &ObjectDef) -> Vec<FieldRow<'_>> {
    let mut rows: Vec<FieldRow<'_>> = o
        .fields
        .iter()
        .filter(|f| f.ty != FieldType::Id && f.compound_field_name.is_none())
        .filter_map(|f| {
            let access = if f.permissionable {
                // The data API's own rule, so a row looks the same on every page and a page
                // never offers what a save would be refused.
                Access::Grantable {
                    edit_allowed: o.fls_editable(f),
                }
            } else if f.system {
                if !matches!(f.name.as_str(), "CreatedById" | "LastModifiedById") {
                    return None;
                }
                Access::Fixed { edit: false }
            } else if f.is_required() || f.name_field || f.master_detail || f.name == "OwnerId" {
                Access::Fixed {
                    edit: f.updateable || f.createable,
                }
            } else {
                return None;
            };
            Some(FieldRow {
                def: f,
                label: display_label(f),
                access,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        a.label
            .to_lowercase()
            .cmp(&b.label.to_lowercase())
            .then_with(|| a.def.name.cmp(&b.def.name))
    });
    rows
}

/// A stored FieldPermissions row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredField {
    /// Record Id.
    pub id: String,
    /// PermissionsRead.
    pub read: bool,
    /// PermissionsEdit.
    pub edit: bool,
}

/// FieldPermissions of `ps_id` on `object`, keyed by lower-case field API name (without the
/// object prefix).
pub fn stored_fields(store: &Store, ps_id: &str, object: &str) -> HashMap<String, StoredField> {
    store
        .records("FieldPermissions")
        .iter()
        .filter(|r| {
            r.text("ParentId") == Some(ps_id)
                && r.text("SobjectType")
                    .is_some_and(|s| s.eq_ignore_ascii_case(object))
        })
        .filter_map(|r| {
            let field = r.text("Field")?;
            let name = field.split_once('.').map_or(field, |(_, f)| f);
            Some((
                name.to_lowercase(),
                StoredField {
                    id: r.id.clone(),
                    read: r.flag("PermissionsRead"),
                    edit: r.flag("PermissionsEdit"),
                },
            ))
        })
        .collect()
}

/// The six object permissions the page shows, in order, with their ObjectPermissions field
/// and page key (salesforce.md §D.3: Read, Create, Edit, Delete, View All, Modify All).
pub const OBJECT_PERMS: [&str; 6] = [
    "PermissionsRead",
    "PermissionsCreate",
    "PermissionsEdit",
    "PermissionsDelete",
    "PermissionsViewAllRecords",
    "PermissionsModifyAllRecords",
];

/// The stored ObjectPermissions row of `ps_id` on `object`: Id and the six flags.
pub fn stored_object(store: &Store, ps_id: &str, object: &str) -> Option<(String, [bool; 6])> {
    store
        .records("ObjectPermissions")
        .iter()
        .find(|r| {
            r.text("ParentId") == Some(ps_id)
                && r.text("SobjectType")
                    .is_some_and(|s| s.eq_ignore_ascii_case(object))
        })
        .map(|r| (r.id.clone(), OBJECT_PERMS.map(|p| r.flag(p))))
}

/// The effective (read, edit) a row shows: stored values for grantable rows; fixed rows are
/// always readable (salesforce.md §C.3: required fields always read+edit, audit fields read-only).
pub fn shown(row: &FieldRow<'_>, stored: &HashMap<String, StoredField>) -> (bool, bool) {
    match row.access {
        Access::Grantable { .. } => stored
            .get(&row.def.name.to_lowercase())
            .map_or((false, false), |s| (s.read, s.edit)),
        Access::Fixed { edit } => (true, edit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_follow_the_documented_disabled_rules() {
        let schema = Schema::standard();
        let Some(inv) = schema.object("Invoice__c") else {
            return;
        };
        let rows = field_rows(inv);
        let find = |n: &str| rows.iter().find(|r| r.def.name == n).map(|r| r.access);
        assert_eq!(
            find("Amount__c"),
            Some(Access::Grantable { edit_allowed: true })
        );
        assert_eq!(
            find("Tax__c"),
            Some(Access::Grantable {
                edit_allowed: false
            })
        );
        assert_eq!(find("CreatedById"), Some(Access::Fixed { edit: false }));
        assert_eq!(find("Id"), None);
        assert_eq!(find("SystemModstamp"), None);
        let labels: Vec<String> = rows.iter().map(|r| r.label.to_lowercase()).collect();
        let mut sorted = labels.clone();
        sorted.sort();
        assert_eq!(labels, sorted);
    }

    #[test]
    fn custom_objects_resolve_by_id_and_name() {
        let schema = Schema::standard();
        let Some(wide) = schema.object("Wide_Object__c") else {
            return;
        };
        let id = custom_object_id(wide).unwrap_or_default();
        assert_eq!(id.len(), 15);
        assert_eq!(
            resolve_object(&schema, &id).map(|o| o.name.as_str()),
            Some("Wide_Object__c")
        );
        assert_eq!(
            resolve_object(&schema, "wide_object__c").map(|o| o.name.as_str()),
            Some("Wide_Object__c")
        );
        assert!(resolve_object(&schema, "Integration_Settings__c").is_none());
    }
}
