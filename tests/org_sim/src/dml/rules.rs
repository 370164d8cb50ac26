//! Business rules of the permission objects and users, checked on the written state (salesforce.md
//! §C.1–§C.7, §H.Q3, §H.Q4): PermissionSet names and uniqueness, permission dependencies,
//! ObjectPermissions / FieldPermissions rules, the license-match rule of assignments,
//! duplicate and exhausted license assignments, usernames and user licenses.

use std::collections::HashMap;

use super::{ApiErr, Ctx};
use crate::catalog::perms::{permission_label, OBJECT_PERMISSIONS};
use crate::config::{AllFalsePermissions, INTEGRATION_CHECKED_PERMISSIONS};
use crate::schema::ObjectDef;
use crate::seed::LICENSE_INTEGRATION;
use crate::seed_perms::{recount_psl, recount_user_licenses, INTEGRATION_PSL};
use crate::store::{Record, Store, Value};

/// Fills values other fields imply before required-field checks.
pub fn prepare(
    ctx: &Ctx<'_>,
    def: &ObjectDef,
    old: Option<&Record>,
    fields: &mut HashMap<String, Value>,
) {
    if def.name == "PermissionSetAssignment" && old.is_none() {
        // A group assignment points at the group's aggregate set (salesforce.md §C.1 Type 'Group').
        let missing_ps = fields
            .get("PermissionSetId")
            .is_none_or(|v| *v == Value::Null);
        if let (true, Some(group)) = (
            missing_ps,
            fields.get("PermissionSetGroupId").and_then(Value::as_text),
        ) {
            let aggregate = ctx
                .org
                .store
                .records("PermissionSet")
                .iter()
                .find(|p| p.text("PermissionSetGroupId") == Some(group))
                .map(|p| p.id.clone());
            if let Some(a) = aggregate {
                fields.insert("PermissionSetId".into(), Value::Text(a));
            }
        }
        fields.insert("IsActive".into(), Value::Bool(true));
    }
    if def.name == "PermissionSet" && old.is_none() {
        fields.insert("IsCustom".into(), Value::Bool(true));
        let session = matches!(fields.get("HasActivationRequired"), Some(Value::Bool(true)));
        fields.insert(
            "Type".into(),
            Value::text(if session { "Session" } else { "Regular" }),
        );
    }
}

/// Recomputes license usage (salesforce.md §C.6, §C.7).
pub fn recount(ctx: &mut Ctx<'_>) {
    recount_psl(&mut ctx.org.store);
    recount_user_licenses(&mut ctx.org.store);
}

/// Rules on a created (`old == None`) or updated record, already in the store.
pub fn after_write(
    ctx: &mut Ctx<'_>,
    def: &ObjectDef,
    id: &str,
    old: Option<&Record>,
) -> Vec<ApiErr> {
    recount(ctx);
    let Some(rec) = ctx.org.store.get(id).cloned() else {
        return Vec::new();
    };
    let errors = match def.name.as_str() {
        "PermissionSet" => permission_set(ctx, &rec),
        "ObjectPermissions" if parent_is_muting(&ctx.org.store, &rec) => {
            muting_row(ctx, &rec, "SobjectType", Access::Object)
        }
        "FieldPermissions" if parent_is_muting(&ctx.org.store, &rec) => {
            muting_row(ctx, &rec, "Field", Access::Field)
        }
        "ObjectPermissions" => object_permissions(ctx, &rec, old.is_some()),
        "FieldPermissions" => field_permissions(ctx, &rec, old.is_some()),
        "PermissionSetGroup" | "PermissionSetGroupComponent" if old.is_none() => {
            recompute_group_of(ctx, &rec)
        }
        "PermissionSetAssignment" => match expiry_not_allowed(ctx, &rec) {
            Some(error) => vec![error],
            None if old.is_none() => assignment(ctx, &rec),
            None => Vec::new(),
        },
        "PermissionSetLicenseAssign" => license_assignment(ctx, &rec),
        "User" => user(ctx, &rec),
        _ => Vec::new(),
    };
    if !errors.is_empty() {
        return errors;
    }
    integration_additions(ctx, def, &rec, old)
}

/// Whether `field` turned true with this write (created true, or false before).
fn newly_true(rec: &Record, old: Option<&Record>, field: &str) -> bool {
    rec.flag(field) && !old.is_some_and(|o| o.flag(field))
}

fn user_license_name<'a>(store: &'a Store, user: &str) -> &'a str {
    store
        .get(user)
        .and_then(|u| u.text("ProfileId"))
        .and_then(|p| store.get(p))
        .and_then(|p| p.text("UserLicenseId"))
        .and_then(|l| store.get(l))
        .and_then(|l| l.text("Name"))
        .unwrap_or_default()
}

/// Whether permission set `ps` is assigned to a Salesforce-Integration-license user.
fn assigned_to_integration_user(store: &Store, ps: &str) -> bool {
    store.records("PermissionSetAssignment").iter().any(|a| {
        a.text("PermissionSetId") == Some(ps)
            && a.text("AssigneeId")
                .is_some_and(|u| user_license_name(store, u) == LICENSE_INTEGRATION)
    })
}

/// The [U] system permissions `ps` grants that the integration license does not allow under
/// `integration_license_allows` (salesforce.md §H.Q5), as labels; only those `added` says are new.
fn integration_disallowed_system(ctx: &Ctx<'_>, added: &dyn Fn(&str) -> bool) -> Option<String> {
    INTEGRATION_CHECKED_PERMISSIONS
        .iter()
        .filter(|p| {
            !ctx.config
                .integration_license_allows
                .iter()
                .any(|a| a == *p)
        })
        .find(|p| added(&format!("Permissions{p}")))
        .map(|p| permission_label(p).to_owned())
}

/// View All on a standard object (salesforce.md §H.Q4, single source [S]) unless
/// `integration_view_all_standard`.
fn view_all_standard_blocked(ctx: &Ctx<'_>, row: &Record) -> Option<String> {
    let object = row.text("SobjectType").unwrap_or_default();
    (!ctx.config.integration_view_all_standard
        && row.flag("PermissionsViewAllRecords")
        && !is_custom_object(&ctx.org.store, object))
    .then(|| format!("{} {object}", verb("PermissionsViewAllRecords")))
}

/// The integration-license switches on writes that add permissions (salesforce.md §H.Q5, §H.Q4,
/// §C.7): `PermissionsApiEnabled` on a PSL-licensed set (`psl_api_enabled_accepted`), and
/// permissions added to a set already assigned to a Salesforce Integration user
/// (`integration_license_allows`, `integration_view_all_standard`). Profile-owned sets are
/// the profile's own business (the license decides the profile's permissions).
fn integration_additions(
    ctx: &Ctx<'_>,
    def: &ObjectDef,
    rec: &Record,
    old: Option<&Record>,
) -> Vec<ApiErr> {
    let store = &ctx.org.store;
    match def.name.as_str() {
        "PermissionSet" => {
            // salesforce.md §H.Q5: outcome of ApiEnabled on a PSL-licensed set is [U] → switch.
            let psl_licensed = ps_license(store, rec).is_some_and(|l| {
                l.object == "PermissionSetLicense"
                    && l.text("DeveloperName") == Some(INTEGRATION_PSL)
            });
            if psl_licensed
                && !ctx.config.psl_api_enabled_accepted
                && newly_true(rec, old, "PermissionsApiEnabled")
            {
                return vec![license_error(permission_label("ApiEnabled"))];
            }
            if old.is_none()
                || rec.flag("IsOwnedByProfile")
                || !assigned_to_integration_user(store, &rec.id)
            {
                return Vec::new();
            }
            integration_disallowed_system(ctx, &|f| newly_true(rec, old, f))
                .map(|l| vec![license_error(&l)])
                .unwrap_or_default()
        }
        "ObjectPermissions" => {
            let ps = rec.text("ParentId").unwrap_or_default();
            let owned = store.get(ps).is_some_and(|p| p.flag("IsOwnedByProfile"));
            if owned
                || !newly_true(rec, old, "PermissionsViewAllRecords")
                || !assigned_to_integration_user(store, ps)
            {
                return Vec::new();
            }
            view_all_standard_blocked(ctx, rec)
                .map(|l| vec![license_error(&l)])
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// At assignment to a Salesforce Integration user: the switches of
/// [`integration_additions`] on everything the set already grants.
fn integration_assignment(ctx: &Ctx<'_>, ps: &Record) -> Option<String> {
    if ps.flag("IsOwnedByProfile") {
        return None;
    }
    if let Some(l) = integration_disallowed_system(ctx, &|f| ps.flag(f)) {
        return Some(l);
    }
    ctx.org
        .store
        .records("ObjectPermissions")
        .iter()
        .filter(|r| r.text("ParentId") == Some(ps.id.as_str()))
        .find_map(|r| view_all_standard_blocked(ctx, r))
}

/// Whether an ObjectPermissions / FieldPermissions row belongs to a muting set (salesforce.md
/// §I.7): it then lists what is muted, and the grant rules don't apply to it.
fn parent_is_muting(store: &Store, rec: &Record) -> bool {
    rec.text("ParentId")
        .and_then(|p| store.get(p))
        .is_some_and(|p| p.object == "MutingPermissionSet")
}

/// Which kind of muting row.
#[derive(Clone, Copy)]
enum Access {
    Object,
    Field,
}

/// A muting set's row: not all false, not a duplicate, and (with `muting_mutes_dependants`)
/// muting a permission mutes what requires it, as Setup's boxes follow each other the other
/// way round for grants (salesforce.md §C.2, §C.3; [U] for the API, §I.7).
fn muting_row(ctx: &Ctx<'_>, rec: &Record, key: &str, kind: Access) -> Vec<ApiErr> {
    let store = &ctx.org.store;
    let parent = rec.text("ParentId").unwrap_or_default();
    let target = rec.text(key).unwrap_or_default();
    if all_false(rec) {
        return vec![ApiErr::new(
            &ctx.config.codes.all_false,
            format!("A muting row for {target} must mute at least one permission."),
        )];
    }
    let duplicate = store.records(&rec.object).iter().any(|r| {
        r.id != rec.id && r.text("ParentId") == Some(parent) && r.text(key) == Some(target)
    });
    if duplicate {
        return vec![duplicate_value("DUPLICATE_VALUE")];
    }
    if !ctx.config.muting_mutes_dependants {
        return Vec::new();
    }
    let rules: &[(&str, &[&str])] = match kind {
        Access::Object => OBJECT_DEPENDENCIES,
        Access::Field => &[("PermissionsEdit", &["PermissionsRead"])],
    };
    let unmuted_dependants: Vec<String> = rules
        .iter()
        .filter(|(dependant, needs)| !rec.flag(dependant) && needs.iter().any(|n| rec.flag(n)))
        .map(|(dependant, _)| format!("{} {target}", verb(dependant)))
        .collect();
    if unmuted_dependants.is_empty() {
        return Vec::new();
    }
    integrity(vec![format!(
        "Muting a permission that others require also mutes them: mute {} too",
        unmuted_dependants.join(", ")
    )])
}

/// A group created or given a component: its aggregate set is recomputed (salesforce.md §I.7).
fn recompute_group_of(ctx: &mut Ctx<'_>, rec: &Record) -> Vec<ApiErr> {
    let group = if rec.object == "PermissionSetGroup" {
        rec.id.clone()
    } else {
        rec.text("PermissionSetGroupId")
            .unwrap_or_default()
            .to_owned()
    };
    let net = ctx.config.group_aggregate_net_of_muting;
    match crate::seed_perms::recompute_group(&mut ctx.org.store, &group, net) {
        Ok(_) => Vec::new(),
        Err(e) => vec![ApiErr::new("UNKNOWN_EXCEPTION", e.to_string())],
    }
}

/// Rules before a delete.
pub fn before_delete(_ctx: &Ctx<'_>, _def: &ObjectDef, _rec: &Record) -> Vec<ApiErr> {
    Vec::new()
}

/// Rules after a delete (the record is gone): removing Read on a master while a detail keeps
/// permissions, or an object permission another permission needs (salesforce.md §C.2).
pub fn after_delete(ctx: &mut Ctx<'_>, def: &ObjectDef, removed: &Record) -> Vec<ApiErr> {
    if def.name == "PermissionSetGroupComponent" {
        return recompute_group_of(ctx, removed);
    }
    if def.name != "ObjectPermissions"
        || removed
            .text("ParentId")
            .and_then(|p| ctx.org.store.get(p))
            .is_some_and(|p| p.object == "MutingPermissionSet")
    {
        return Vec::new();
    }
    let ps = removed.text("ParentId").unwrap_or_default();
    let object = removed.text("SobjectType").unwrap_or_default();
    let mut msgs = detail_needs_master(&ctx.org.store, ps, object);
    msgs.extend(dependency_messages(ctx, ps));
    integrity(msgs)
}

/// With `AllFalsePermissions::Delete`, an update leaving every permission false deletes the
/// row (salesforce.md §C.3 "or it will be deleted").
pub fn delete_when_all_false(ctx: &Ctx<'_>, def: &ObjectDef, id: &str) -> bool {
    ctx.config.all_false_permissions == AllFalsePermissions::Delete
        && matches!(def.name.as_str(), "ObjectPermissions" | "FieldPermissions")
        && ctx.org.store.get(id).is_some_and(all_false)
}

fn all_false(rec: &Record) -> bool {
    rec.fields()
        .iter()
        .filter(|(k, _)| k.starts_with("Permissions"))
        .all(|(_, v)| *v != Value::Bool(true))
}

fn integrity(msgs: Vec<String>) -> Vec<ApiErr> {
    if msgs.is_empty() {
        Vec::new()
    } else {
        // salesforce.md §C.2: FIELD_INTEGRITY_EXCEPTION, messages joined by "; ", fields [] ([U]).
        vec![ApiErr::new("FIELD_INTEGRITY_EXCEPTION", msgs.join("; "))]
    }
}

/// salesforce.md §C.1: letters, digits, underscores; starts with a letter; no trailing or double
/// underscore; ≤80 (length is checked by the field).
pub fn valid_api_name(name: &str) -> bool {
    let starts = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    starts
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.ends_with('_')
        && !name.contains("__")
}

fn permission_set(ctx: &Ctx<'_>, rec: &Record) -> Vec<ApiErr> {
    let name = rec.text("Name").unwrap_or_default();
    if !valid_api_name(name) {
        return vec![ApiErr::new(
            &ctx.config.codes.invalid_api_name,
            "The Name field can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores.",
        )
        .fields(&["Name"])];
    }
    let label = rec.text("Label").unwrap_or_default();
    let ns = rec.text("NamespacePrefix");
    let others: Vec<&Record> = ctx
        .org
        .store
        .records("PermissionSet")
        .iter()
        .filter(|p| p.id != rec.id && p.text("NamespacePrefix") == ns)
        .collect();
    let mut errors = Vec::new();
    // salesforce.md §C.1 (CumulusCI #3045): both errors when both collide, label first.
    if others.iter().any(|p| {
        p.text("Label")
            .is_some_and(|l| l.eq_ignore_ascii_case(label))
    }) {
        errors.push(
            ApiErr::new(
                "DUPLICATE_MASTER_LABEL",
                "The label you entered is in use. Enter a unique label.",
            )
            .fields(&["Label"]),
        );
    }
    if others
        .iter()
        .any(|p| p.text("Name").is_some_and(|n| n.eq_ignore_ascii_case(name)))
    {
        errors.push(
            ApiErr::new(
                "DUPLICATE_DEVELOPER_NAME",
                "The API name you entered is already in use. Enter a unique API name.",
            )
            .fields(&["Name"]),
        );
    }
    if !errors.is_empty() {
        return errors;
    }
    integrity(dependency_messages(ctx, &rec.id))
}

/// The object permission row of a permission set for an object.
fn object_row<'a>(store: &'a Store, ps: &str, object: &str) -> Option<&'a Record> {
    store.records("ObjectPermissions").iter().find(|r| {
        r.text("ParentId") == Some(ps)
            && r.text("SobjectType")
                .is_some_and(|t| t.eq_ignore_ascii_case(object))
    })
}

fn has_object_perm(store: &Store, ps: &str, object: &str, field: &str) -> bool {
    object_row(store, ps, object).is_some_and(|r| r.flag(field))
}

/// "Permission X depends on permission(s): Y" for every enabled system permission of `ps`
/// whose prerequisites are missing (salesforce.md §C.1 "the update or insert will fail", §C.2
/// message format, §H.Q5 PermissionDependency).
fn dependency_messages(ctx: &Ctx<'_>, ps: &str) -> Vec<String> {
    let store = &ctx.org.store;
    let Some(rec) = store.get(ps) else {
        return Vec::new();
    };
    let mut missing: Vec<(String, Vec<String>)> = Vec::new();
    for d in &ctx.org.dependencies {
        if !rec.flag(&format!("Permissions{}", d.permission)) {
            continue;
        }
        let label = if d.required_type == "Object Permission" {
            let (object, verb) = d.required.split_once('.').unwrap_or((&d.required, "Read"));
            if has_object_perm(store, ps, object, &format!("Permissions{verb}")) {
                continue;
            }
            format!("{verb} {object}")
        } else {
            if rec.flag(&format!("Permissions{}", d.required)) {
                continue;
            }
            permission_label(&d.required).to_owned()
        };
        match missing.iter_mut().find(|(p, _)| *p == d.permission) {
            Some((_, v)) => v.push(label),
            None => missing.push((d.permission.clone(), vec![label])),
        }
    }
    missing
        .into_iter()
        .map(|(p, req)| {
            format!(
                "Permission {} depends on permission(s): {}",
                permission_label(&p),
                req.join(", ")
            )
        })
        .collect()
}

/// Requirements within one ObjectPermissions row (salesforce.md §C.2 "Requires …").
const OBJECT_DEPENDENCIES: &[(&str, &[&str])] = &[
    ("PermissionsCreate", &["PermissionsRead"]),
    ("PermissionsEdit", &["PermissionsRead"]),
    ("PermissionsDelete", &["PermissionsRead", "PermissionsEdit"]),
    ("PermissionsViewAllRecords", &["PermissionsRead"]),
    (
        "PermissionsModifyAllRecords",
        &[
            "PermissionsRead",
            "PermissionsEdit",
            "PermissionsDelete",
            "PermissionsViewAllRecords",
        ],
    ),
    ("PermissionsViewAllFields", &["PermissionsRead"]),
];

fn verb(field: &str) -> &str {
    OBJECT_PERMISSIONS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or(field, |(_, v)| v)
}

/// Details of `master` whose rows in `ps` grant anything while `ps` lacks Read on `master`.
fn detail_needs_master(store: &Store, ps: &str, master: &str) -> Vec<String> {
    if has_object_perm(store, ps, master, "PermissionsRead") {
        return Vec::new();
    }
    store
        .schema()
        .objects()
        .iter()
        .filter(|o| {
            o.master_field().is_some_and(|f| {
                f.reference_to
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(master))
            })
        })
        .filter(|o| object_row(store, ps, &o.name).is_some_and(|r| !all_false(r)))
        .map(|o| {
            format!(
                "Permission Read {} depends on permission(s): Read {master}",
                o.name
            )
        })
        .collect()
}

/// The license of a permission set: `(object, record)` of its LicenseId.
fn ps_license<'a>(store: &'a Store, ps: &Record) -> Option<&'a Record> {
    ps.text("LicenseId").and_then(|l| store.get(l))
}

fn license_error(what: &str) -> ApiErr {
    // salesforce.md §H.Q3: FIELD_INTEGRITY_EXCEPTION "The user license doesn't allow the permission: …"
    // (data-API form names the object's API name, e.g. "Read CardPaymentMethod").
    ApiErr::new(
        "FIELD_INTEGRITY_EXCEPTION",
        format!("The user license doesn't allow the permission: {what}"),
    )
}

fn is_custom_object(store: &Store, object: &str) -> bool {
    store.schema().object(object).is_some_and(|o| o.custom)
}

/// Permission set licensed with the *user license* "Salesforce Integration": standard objects
/// can't be granted (salesforce.md §H.Q4).
fn integration_user_license_blocks(store: &Store, ps: &str, object: &str) -> bool {
    let Some(ps) = store.get(ps) else {
        return false;
    };
    let lic = ps_license(store, ps);
    lic.is_some_and(|l| l.object == "UserLicense" && l.text("Name") == Some(LICENSE_INTEGRATION))
        && !is_custom_object(store, object)
}

fn object_permissions(ctx: &Ctx<'_>, rec: &Record, is_update: bool) -> Vec<ApiErr> {
    let store = &ctx.org.store;
    let ps = rec.text("ParentId").unwrap_or_default();
    let object = rec.text("SobjectType").unwrap_or_default();
    if all_false(rec)
        && !(is_update && ctx.config.all_false_permissions == AllFalsePermissions::Delete)
    {
        // salesforce.md §C.2 [S]: all-false rows are rejected; code/message [U].
        return vec![ApiErr::new(
            &ctx.config.codes.all_false,
            format!("Object permissions for {object} must grant at least one permission; delete the ObjectPermissions record to remove all access."),
        )];
    }
    let duplicate = store.records("ObjectPermissions").iter().any(|r| {
        r.id != rec.id && r.text("ParentId") == Some(ps) && r.text("SobjectType") == Some(object)
    });
    if duplicate {
        return vec![duplicate_value("DUPLICATE_VALUE")];
    }
    let mut msgs = Vec::new();
    for (perm, needs) in OBJECT_DEPENDENCIES {
        if !rec.flag(perm) {
            continue;
        }
        let missing: Vec<String> = needs
            .iter()
            .filter(|n| !rec.flag(n))
            .map(|n| format!("{} {object}", verb(n)))
            .collect();
        if !missing.is_empty() {
            msgs.push(format!(
                "Permission {} {object} depends on permission(s): {}",
                verb(perm),
                missing.join(", ")
            ));
        }
    }
    // Master-detail: a detail needs Read on its master (salesforce.md §C.2).
    let master = store
        .schema()
        .object(object)
        .and_then(ObjectDef::master_field)
        .and_then(|f| f.reference_to.first().cloned());
    if let Some(m) = master {
        if !all_false(rec) && !has_object_perm(store, ps, &m, "PermissionsRead") {
            msgs.push(format!(
                "Permission Read {object} depends on permission(s): Read {m}"
            ));
        }
    }
    msgs.extend(detail_needs_master(store, ps, object));
    msgs.extend(dependency_messages(ctx, ps));
    if !msgs.is_empty() {
        return integrity(msgs);
    }
    if integration_user_license_blocks(store, ps, object) {
        let first = OBJECT_PERMISSIONS
            .iter()
            .find(|(f, _)| rec.flag(f))
            .map_or("Read", |(_, v)| v);
        return vec![license_error(&format!("{first} {object}"))];
    }
    Vec::new()
}

fn duplicate_value(code: &str) -> ApiErr {
    // salesforce.md §H.Q3: generic Salesforce "duplicate value found" message.
    ApiErr::new(
        code,
        "duplicate value found: <unknown> duplicates value on record with id: <unknown>",
    )
}

fn field_permissions(ctx: &Ctx<'_>, rec: &Record, is_update: bool) -> Vec<ApiErr> {
    let store = &ctx.org.store;
    let ps = rec.text("ParentId").unwrap_or_default();
    let object = rec.text("SobjectType").unwrap_or_default();
    let field = rec.text("Field").unwrap_or_default();
    if field.split('.').next() != Some(object) {
        // salesforce.md §C.3: Field "must be prefixed with the SobjectType".
        return vec![ApiErr::new(
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            format!("Field Name: bad value for restricted picklist field: {field}"),
        )
        .fields(&["Field"])];
    }
    let (read, edit) = (rec.flag("PermissionsRead"), rec.flag("PermissionsEdit"));
    let deletes = is_update && ctx.config.all_false_permissions == AllFalsePermissions::Delete;
    if !(read || edit || deletes) {
        // salesforce.md §C.3 "must have at minimum PermissionsRead set to true"; code/message [U].
        return vec![ApiErr::new(
            &ctx.config.codes.all_false,
            format!("Field permissions for {field} must grant at least Read; delete the FieldPermissions record to remove all access."),
        )];
    }
    if edit && !read {
        // salesforce.md §C.3 "PermissionsEdit … Requires PermissionsRead"; code [U].
        return vec![ApiErr::new(
            &ctx.config.codes.field_edit_without_read,
            format!("Permission Edit {field} depends on permission(s): Read {field}"),
        )];
    }
    let editable = field.split_once('.').and_then(|(o, f)| {
        let object = store.schema().object(o)?;
        Some(object.fls_editable(object.find_field(f)?))
    });
    if edit && editable == Some(false) {
        // salesforce.md §C.3: formula and auto-number fields are limited to PermissionsRead; code [U].
        return vec![ApiErr::new(
            &ctx.config.codes.read_only_field_edit,
            format!("PermissionsEdit isn't allowed on {field}: formula, roll-up summary, auto-number and read-only fields are limited to PermissionsRead"),
        )];
    }
    let duplicate = store.records("FieldPermissions").iter().any(|r| {
        r.id != rec.id && r.text("ParentId") == Some(ps) && r.text("Field") == Some(field)
    });
    if duplicate {
        return vec![duplicate_value("DUPLICATE_VALUE")];
    }
    if integration_user_license_blocks(store, ps, object) {
        return vec![license_error(&format!("Read {field}"))];
    }
    Vec::new()
}

/// The first permission a set grants, as the license error names it.
fn first_permission(store: &Store, ps: &Record) -> String {
    let row = store
        .records("ObjectPermissions")
        .iter()
        .find(|r| r.text("ParentId") == Some(ps.id.as_str()) && !all_false(r));
    if let Some(r) = row {
        let first = OBJECT_PERMISSIONS
            .iter()
            .find(|(f, _)| r.flag(f))
            .map_or("Read", |(_, v)| v);
        return format!("{first} {}", r.text("SobjectType").unwrap_or_default());
    }
    let sys = ps
        .fields()
        .iter()
        .filter(|(k, v)| k.starts_with("Permissions") && **v == Value::Bool(true))
        .map(|(k, _)| permission_label(k.trim_start_matches("Permissions")).to_owned())
        .min();
    sys.unwrap_or_else(|| ps.text("Label").unwrap_or_default().to_owned())
}

fn holds_psl(store: &Store, user: &str, psl: &str) -> bool {
    store.records("PermissionSetLicenseAssign").iter().any(|a| {
        a.text("AssigneeId") == Some(user) && a.text("PermissionSetLicenseId") == Some(psl)
    })
}

/// The system permissions that keep a set's assignments from expiring (help.salesforce.com
/// "Set Assignment Expiration Details", salesforce.md §I.11 via the gen16 additions: Assign
/// Permission Sets, Manage Profiles (and Permission Sets), Manage Users, Permission Sets).
pub const NO_EXPIRY_PERMISSIONS: &[&str] = &[
    "AssignPermissionSets",
    "ManageProfilesPermissionsets",
    "ManageUsers",
];

/// An assignment with an expiry of a set holding one of [`NO_EXPIRY_PERMISSIONS`]. The error
/// code and text are [U]; the rule is documented.
fn expiry_not_allowed(ctx: &Ctx<'_>, rec: &Record) -> Option<ApiErr> {
    if matches!(rec.get("ExpirationDate"), Value::Null) {
        return None;
    }
    let store = &ctx.org.store;
    let ps = rec.text("PermissionSetId").and_then(|p| store.get(p))?;
    let held: Vec<&str> = NO_EXPIRY_PERMISSIONS
        .iter()
        .copied()
        .filter(|name| ps.flag(&format!("Permissions{name}")))
        .collect();
    (!held.is_empty()).then(|| {
        ApiErr::new(
            "FIELD_INTEGRITY_EXCEPTION",
            format!(
                "A permission set with {} can't have an expiration date.",
                held.iter()
                    .map(|n| permission_label(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .fields(&["ExpirationDate"])
    })
}

/// salesforce.md §C.5 / §C.7 / §H.Q4: the license-match rule of PermissionSetAssignment.
fn assignment(ctx: &Ctx<'_>, rec: &Record) -> Vec<ApiErr> {
    let store = &ctx.org.store;
    let user = rec.text("AssigneeId").unwrap_or_default();
    let Some(ps) = rec.text("PermissionSetId").and_then(|p| store.get(p)) else {
        return vec![ApiErr::new(
            "REQUIRED_FIELD_MISSING",
            "Required fields are missing: [PermissionSetId]",
        )
        .fields(&["PermissionSetId"])];
    };
    let duplicate = store.records("PermissionSetAssignment").iter().any(|a| {
        a.id != rec.id
            && a.text("AssigneeId") == Some(user)
            && a.text("PermissionSetId") == Some(ps.id.as_str())
    });
    if duplicate {
        // salesforce.md §C.5: text [C], code [U].
        return vec![ApiErr::new(
            &ctx.config.codes.duplicate_assignment,
            "Duplicate PermissionSetAssignment",
        )];
    }
    let user_license = store
        .get(user)
        .and_then(|u| u.text("ProfileId"))
        .and_then(|p| store.get(p))
        .and_then(|p| p.text("UserLicenseId"))
        .and_then(|l| store.get(l));
    let user_license_name = user_license
        .and_then(|l| l.text("Name"))
        .unwrap_or_default();
    let fails = match ps_license(store, ps) {
        // salesforce.md §C.5: a user-license set needs the same user license.
        Some(l) if l.object == "UserLicense" => {
            Some(l.id.as_str()) != user_license.map(|u| u.id.as_str())
        }
        // A PSL-licensed set needs the PSL assigned first (salesforce.md §H.Q4).
        Some(l) => !holds_psl(store, user, &l.id),
        // License None: on a Salesforce Integration user, object permissions need the API
        // Integration PSL first (salesforce.md §H.Q4 "What this means").
        None => {
            let grants_objects = store
                .records("ObjectPermissions")
                .iter()
                .any(|r| r.text("ParentId") == Some(ps.id.as_str()) && !all_false(r));
            let psl = store.find_by("PermissionSetLicense", "DeveloperName", INTEGRATION_PSL);
            user_license_name == LICENSE_INTEGRATION
                && grants_objects
                && !psl.is_some_and(|p| holds_psl(store, user, &p.id))
        }
    };
    if fails {
        return vec![license_error(&first_permission(store, ps))];
    }
    if user_license_name == LICENSE_INTEGRATION {
        if let Some(label) = psl_maximum_refuses(store, user, ps) {
            return vec![license_error(&label)];
        }
    }
    if user_license_name == LICENSE_INTEGRATION {
        if let Some(l) = integration_assignment(ctx, ps) {
            return vec![license_error(&l)];
        }
    }
    Vec::new()
}

/// The first user permission `ps` enables that the user's profile doesn't, and that is false
/// in `MaximumPermissions<Name>` of every permission set licence the user holds or gets with
/// the set (salesforce.md §I.8, §I.9: an inference; the sim applies it to Salesforce
/// Integration users, whose licence the PSL extends).
fn psl_maximum_refuses(store: &Store, user: &str, ps: &Record) -> Option<String> {
    if ps.flag("IsOwnedByProfile") {
        return None;
    }
    let mut licences: Vec<&Record> = store
        .records("PermissionSetLicenseAssign")
        .iter()
        .filter(|a| a.text("AssigneeId") == Some(user))
        .filter_map(|a| a.text("PermissionSetLicenseId").and_then(|l| store.get(l)))
        .collect();
    if let Some(own) = ps_license(store, ps).filter(|l| l.object == "PermissionSetLicense") {
        if !licences.iter().any(|l| l.id == own.id) {
            licences.push(own);
        }
    }
    if licences.is_empty() {
        return None;
    }
    let profile_set = store
        .get(user)
        .and_then(|u| u.text("ProfileId"))
        .and_then(|p| {
            store
                .records("PermissionSet")
                .iter()
                .find(|s| s.text("ProfileId") == Some(p))
        });
    let mut enabled: Vec<&str> = ps
        .fields()
        .iter()
        .filter(|(k, v)| k.starts_with("Permissions") && **v == Value::Bool(true))
        .map(|(k, _)| k.trim_start_matches("Permissions"))
        .collect();
    enabled.sort_unstable();
    enabled
        .into_iter()
        .filter(|p| !profile_set.is_some_and(|s| s.flag(&format!("Permissions{p}"))))
        .find(|p| {
            licences
                .iter()
                .all(|l| l.get(&format!("MaximumPermissions{p}")) == &Value::Bool(false))
        })
        .map(|p| permission_label(p).to_owned())
}

fn license_assignment(ctx: &Ctx<'_>, rec: &Record) -> Vec<ApiErr> {
    let store = &ctx.org.store;
    let user = rec.text("AssigneeId").unwrap_or_default();
    let psl_id = rec.text("PermissionSetLicenseId").unwrap_or_default();
    let duplicate = store.records("PermissionSetLicenseAssign").iter().any(|a| {
        a.id != rec.id
            && a.text("AssigneeId") == Some(user)
            && a.text("PermissionSetLicenseId") == Some(psl_id)
    });
    if duplicate {
        // salesforce.md §H.Q3: "duplicate value found" prefix [C], code [S].
        return vec![duplicate_value(
            &ctx.config.codes.duplicate_license_assignment,
        )];
    }
    if let Some(psl) = store.get(psl_id) {
        let (used, total) = (
            psl.get("UsedLicenses").clone(),
            psl.get("TotalLicenses").clone(),
        );
        if let (Value::Int(used), Value::Int(total)) = (used, total) {
            if used > total {
                // salesforce.md §C.5 / §H.Q3: code [U], message invented.
                return vec![ApiErr::new(
                    &ctx.config.codes.psl_exhausted,
                    format!(
                        "No licenses available for permission set license {} ({total} of {total} assigned)",
                        psl.text("MasterLabel").unwrap_or_default()
                    ),
                )];
            }
        }
    }
    Vec::new()
}

fn user(ctx: &Ctx<'_>, rec: &Record) -> Vec<ApiErr> {
    let store = &ctx.org.store;
    let username = rec.text("Username").unwrap_or_default();
    let duplicate = store.records("User").iter().any(|u| {
        u.id != rec.id
            && u.text("Username")
                .is_some_and(|n| n.eq_ignore_ascii_case(username))
    });
    if duplicate {
        return vec![ApiErr::new(
            "DUPLICATE_USERNAME",
            "Duplicate Username.<br>Another user has already selected this username.<br>Please select another.",
        )
        .fields(&["Username"])];
    }
    let license = rec
        .text("ProfileId")
        .and_then(|p| store.get(p))
        .and_then(|p| p.text("UserLicenseId"))
        .and_then(|l| store.get(l));
    if let Some(l) = license.filter(|_| rec.flag("IsActive")) {
        if let (Value::Int(used), Value::Int(total)) =
            (l.get("UsedLicenses"), l.get("TotalLicenses"))
        {
            if used > total {
                // salesforce.md §C.7: 5 Salesforce Integration licenses; code as Salesforce sends it.
                return vec![ApiErr::new(
                    "LICENSE_LIMIT_EXCEEDED",
                    "License Limit Exceeded",
                )];
            }
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_names() {
        for ok in ["A", "Integration_Access", "a1_b2", "X00eAM0000000001YAA"] {
            assert!(valid_api_name(ok), "{ok}");
        }
        for bad in ["", "1abc", "_a", "a_", "a__b", "a b", "a-b", "Zoë"] {
            assert!(!valid_api_name(bad), "{bad}");
        }
    }
}
