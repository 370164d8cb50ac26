//! The review's reads: everything an integration user gets, in as few composite requests as
//! SOQL allows. The first composite reads the user with every assigned set and its user
//! permissions, the object and field permissions of every assigned set, and the user's groups'
//! components, through semi-joins on the user's assignments (salesforce.md §B.1, §C.5). A semi-join
//! can't be nested, so the members and muting sets of the user's groups take a second composite
//! once their Ids are known (salesforce.md §I.7); a third reads the org's dependencies of the user
//! permissions a muting set mutes, when one does (§H.Q5).

use super::grants::{Access, Grants};
use super::read::{
    checked_id, checked_ids, children, composite, flag, opt_text, rows, take, text, Catalog, Sub,
};
use super::review::{GroupInput, ReviewInput, ReviewedUser, Source, SourceKind};
use crate::platform::Transport;
use crate::salesforce::soql::{select, Query};
use crate::salesforce::{ApiError, Client};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Why the review could not be made, beside the API failing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GatherError {
    /// No such user in this org.
    NoSuchUser,
    /// The user's profile licence is not "Salesforce Integration" (salesforce.md §C.7).
    NotIntegration {
        name: String,
        license: String,
    },
    Api(ApiError),
}

impl From<ApiError> for GatherError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

/// `ParentId, SobjectType` and the object access columns this org has.
fn object_permission_fields(catalog: &Catalog) -> Vec<String> {
    ["ParentId", "SobjectType"]
        .map(str::to_owned)
        .into_iter()
        .chain(
            Access::OBJECT
                .iter()
                .filter(|a| **a != Access::ViewAllFields || catalog.view_all_fields)
                .map(|a| a.object_field().to_owned()),
        )
        .collect()
}

const FIELD_PERMISSION_FIELDS: [&str; 4] =
    ["ParentId", "Field", "PermissionsRead", "PermissionsEdit"];

/// The user's assignments, as a semi-join's inner query selecting `field`.
fn assignments_of(user_id: &str, field: &str) -> Query {
    select([field])
        .from("PermissionSetAssignment")
        .where_eq("AssigneeId", user_id)
}

/// The permission rows of `rows` into per-parent grants.
fn absorb_rows(grants: &mut BTreeMap<String, Grants>, object_rows: &[Value], field_rows: &[Value]) {
    for row in object_rows {
        let access: BTreeSet<Access> = Access::OBJECT
            .into_iter()
            .filter(|a| flag(row, a.object_field()))
            .collect();
        if !access.is_empty() {
            grants
                .entry(text(row, "ParentId"))
                .or_default()
                .objects
                .entry(text(row, "SobjectType"))
                .or_default()
                .extend(access);
        }
    }
    for row in field_rows {
        let mut access = BTreeSet::new();
        if flag(row, "PermissionsRead") {
            access.insert(Access::Read);
        }
        if flag(row, "PermissionsEdit") {
            access.insert(Access::Edit);
        }
        if !access.is_empty() {
            grants
                .entry(text(row, "ParentId"))
                .or_default()
                .fields
                .entry(text(row, "Field"))
                .or_default()
                .extend(access);
        }
    }
}

fn same(a: &str, b: &str) -> bool {
    a.get(..15).is_some_and(|a| Some(a) == b.get(..15))
}

/// Reads everything the review needs about `user_id`; `calls` counts the API calls.
pub async fn gather<T: Transport>(
    client: &Client<'_, T>,
    catalog: &Catalog,
    user_id: &str,
    curated: BTreeSet<String>,
    calls: &mut usize,
) -> Result<ReviewInput, GatherError> {
    let Some(user_id) = checked_id(user_id) else {
        return Err(GatherError::NoSuchUser);
    };
    let assignments = select(
        [
            "PermissionSetId",
            "PermissionSetGroupId",
            "PermissionSet.Name",
            "PermissionSet.Label",
            "PermissionSet.IsOwnedByProfile",
            "PermissionSet.NamespacePrefix",
            "PermissionSetGroup.DeveloperName",
            "PermissionSetGroup.MasterLabel",
            "PermissionSetGroup.NamespacePrefix",
            "PermissionSetGroup.Status",
        ]
        .map(str::to_owned)
        .into_iter()
        .chain(catalog.permission_columns("PermissionSet.")),
    )
    .from("PermissionSetAssignments");
    let user = select(
        [
            "Id",
            "Name",
            "Username",
            "IsActive",
            "Profile.Name",
            "Profile.UserLicense.Name",
        ]
        .map(str::to_owned)
        .into_iter()
        .chain([assignments.subquery()]),
    )
    .from("User")
    .where_eq("Id", user_id);
    let objects = select(object_permission_fields(catalog))
        .from("ObjectPermissions")
        .where_in_query("ParentId", &assignments_of(user_id, "PermissionSetId"));
    let fields = select(FIELD_PERMISSION_FIELDS)
        .from("FieldPermissions")
        .where_in_query("ParentId", &assignments_of(user_id, "PermissionSetId"));
    let components = select(["PermissionSetGroupId", "PermissionSetId"])
        .from("PermissionSetGroupComponent")
        .where_in_query(
            "PermissionSetGroupId",
            &assignments_of(user_id, "PermissionSetGroupId"),
        );
    let subs = vec![
        Sub::query(client, "user", &user.to_string(), false),
        Sub::query(client, "objects", &objects.to_string(), false),
        Sub::query(client, "fields", &fields.to_string(), false),
        Sub::query(client, "components", &components.to_string(), false),
    ];
    let mut answers = composite(client, subs, calls).await?;
    let users = take(&mut answers, "user")?;
    let Some(user_row) = rows(&users).first() else {
        return Err(GatherError::NoSuchUser);
    };
    let profile = user_row.get("Profile").cloned().unwrap_or(Value::Null);
    let license = profile
        .get("UserLicense")
        .and_then(|l| opt_text(l, "Name"))
        .unwrap_or_default();
    let user = ReviewedUser {
        id: text(user_row, "Id"),
        name: text(user_row, "Name"),
        username: text(user_row, "Username"),
        profile_name: text(&profile, "Name"),
        license_name: license.clone(),
        active: flag(user_row, "IsActive"),
    };
    // salesforce.md §C.7: integration users are told by licence, never by profile name.
    if license != super::assign::INTEGRATION_LICENSE {
        return Err(GatherError::NotIntegration {
            name: user.name,
            license,
        });
    }
    let mut grants: BTreeMap<String, Grants> = BTreeMap::new();
    absorb_rows(
        &mut grants,
        rows(&take(&mut answers, "objects")?),
        rows(&take(&mut answers, "fields")?),
    );
    let components = take(&mut answers, "components")?;
    let permission_names: Vec<String> = catalog.permission_names().cloned().collect();
    let mut input = ReviewInput {
        user,
        system_labels: catalog.permissions.iter().cloned().collect(),
        object_labels: catalog.object_labels.iter().cloned().collect(),
        view_all_fields_known: catalog.view_all_fields,
        curated,
        ..ReviewInput::default()
    };
    let mut groups: Vec<(Source, Option<String>)> = Vec::new();
    for assignment in children(user_row, "PermissionSetAssignments") {
        let set_id = text(assignment, "PermissionSetId");
        let set = assignment
            .get("PermissionSet")
            .cloned()
            .unwrap_or(Value::Null);
        let mut own = grants.remove(&set_id).unwrap_or_default();
        own.system = super::read::enabled(&set, &permission_names)
            .into_iter()
            .collect();
        if let Some(group_id) = opt_text(assignment, "PermissionSetGroupId") {
            let group = assignment
                .get("PermissionSetGroup")
                .cloned()
                .unwrap_or(Value::Null);
            let source = Source {
                id: group_id,
                kind: SourceKind::PermissionSetGroup,
                label: text(&group, "MasterLabel"),
                api_name: text(&group, "DeveloperName"),
                namespace: opt_text(&group, "NamespacePrefix"),
            };
            // The aggregate set's own rows: Salesforce's recalculated view of the group.
            grants.insert(format!("aggregate:{}", source.id), own);
            groups.push((source, opt_text(&group, "Status")));
        } else if flag(&set, "IsOwnedByProfile") {
            let source = Source {
                id: set_id,
                kind: SourceKind::Profile,
                label: input.user.profile_name.clone(),
                api_name: input.user.profile_name.clone(),
                namespace: None,
            };
            input.profile = Some((source, own));
        } else {
            let source = Source {
                id: set_id,
                kind: SourceKind::PermissionSet,
                label: text(&set, "Label"),
                api_name: text(&set, "Name"),
                namespace: opt_text(&set, "NamespacePrefix"),
            };
            input.sets.push((source, own));
        }
    }
    input
        .sets
        .sort_by_key(|(source, _)| source.label.to_lowercase());
    if groups.is_empty() {
        return Ok(input);
    }

    // Second composite: the groups' members and muting sets (salesforce.md §I.7).
    let component_rows = rows(&components);
    let component_ids: BTreeSet<String> = component_rows
        .iter()
        .map(|c| text(c, "PermissionSetId"))
        .collect();
    let ids = checked_ids(&component_ids);
    let members = select(
        ["Id", "Name", "Label"]
            .map(str::to_owned)
            .into_iter()
            .chain(catalog.permission_columns("")),
    )
    .from("PermissionSet")
    .where_in("Id", &ids);
    let member_objects = select(object_permission_fields(catalog))
        .from("ObjectPermissions")
        .where_in("ParentId", &ids);
    let member_fields = select(FIELD_PERMISSION_FIELDS)
        .from("FieldPermissions")
        .where_in("ParentId", &ids);
    let mut subs = vec![
        Sub::query(client, "members", &members.to_string(), false),
        Sub::query(client, "memberObjects", &member_objects.to_string(), false),
        Sub::query(client, "memberFields", &member_fields.to_string(), false),
    ];
    let muting_names: Vec<String> = catalog
        .muting_permissions
        .iter()
        .flatten()
        .cloned()
        .collect();
    if catalog.muting_permissions.is_some() {
        let mutings = select(
            ["Id", "DeveloperName", "MasterLabel"]
                .map(str::to_owned)
                .into_iter()
                .chain(muting_names.iter().map(|p| format!("Permissions{p}"))),
        )
        .from("MutingPermissionSet")
        .where_in("Id", &ids);
        subs.push(Sub::query(client, "mutings", &mutings.to_string(), false));
    }
    let mut answers = composite(client, subs, calls).await?;
    let mut member_grants: BTreeMap<String, Grants> = BTreeMap::new();
    absorb_rows(
        &mut member_grants,
        rows(&take(&mut answers, "memberObjects")?),
        rows(&take(&mut answers, "memberFields")?),
    );
    let mut labelled: BTreeMap<String, (String, Grants, bool)> = BTreeMap::new();
    for row in rows(&take(&mut answers, "members")?) {
        let id = text(row, "Id");
        let mut own = member_grants.remove(&id).unwrap_or_default();
        own.system = super::read::enabled(row, &permission_names)
            .into_iter()
            .collect();
        labelled.insert(id, (text(row, "Label"), own, false));
    }
    if catalog.muting_permissions.is_some() {
        for row in rows(&take(&mut answers, "mutings")?) {
            let id = text(row, "Id");
            let mut own = member_grants.remove(&id).unwrap_or_default();
            own.system = super::read::enabled(row, &muting_names)
                .into_iter()
                .collect();
            labelled.insert(id, (text(row, "MasterLabel"), own, true));
        }
    }
    for (source, status) in groups {
        let mut group = GroupInput {
            aggregate: grants.remove(&format!("aggregate:{}", source.id)),
            status,
            ..GroupInput::default()
        };
        for component in component_rows
            .iter()
            .filter(|c| same(&text(c, "PermissionSetGroupId"), &source.id))
        {
            let id = text(component, "PermissionSetId");
            let Some((label, own, is_muting)) = labelled.get(&id) else {
                continue;
            };
            if *is_muting {
                group.muting = Some((label.clone(), own.clone()));
            } else {
                group.members.push((label.clone(), own.clone()));
            }
        }
        group.members.sort_by_key(|(label, _)| label.to_lowercase());
        input.groups.push((source, group));
    }

    // A third read when a muting set mutes user permissions: what the org says depends on them
    // (§H.Q5), so a muting that would strand a dependant is not applied (salesforce.md §I.7 [U]).
    let muted: BTreeSet<String> = input
        .groups
        .iter()
        .filter_map(|(_, g)| g.muting.as_ref())
        .flat_map(|(_, m)| m.system.iter().cloned())
        .collect();
    if !muted.is_empty() {
        let names = muted
            .iter()
            .filter(|p| p.bytes().all(|b| b.is_ascii_alphanumeric()));
        let dependencies = select(["Permission", "RequiredPermission"])
            .from("PermissionDependency")
            .where_eq("PermissionType", "User Permission")
            .where_eq("RequiredPermissionType", "User Permission")
            .where_in("RequiredPermission", names);
        let subs = vec![Sub::query(
            client,
            "dependencies",
            &dependencies.to_string(),
            true,
        )];
        let mut answers = composite(client, subs, calls).await?;
        // The Tooling object may be missing or refused: dependencies are then unknown.
        if let Ok(rows_value) = take(&mut answers, "dependencies") {
            for row in rows(&rows_value) {
                input
                    .system_requires
                    .entry(text(row, "Permission"))
                    .or_default()
                    .insert(text(row, "RequiredPermission"));
            }
        }
    }
    Ok(input)
}
