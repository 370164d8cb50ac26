//! The access review: everything an integration user can reach through their profile,
//! permission sets and permission set groups, each grant with where it comes from, the
//! org-wide overrides that field-level checkboxes don't show, what is broad for an integration
//! and why, and the narrower set that leaves the broad grants out. Pure: [`review`] takes what
//! the reads found (salesforce.md §C.1–§C.5, §I.3, §I.7, §I.10).
//!
//! Record sharing (who can see which record) is not part of it: the review is about
//! permissions only.

use super::grants::{group_access, Access, Grants, UnappliedMuting};
use crate::model::{FieldAccess, ObjectAccess, PermissionSetSpec};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Where a grant comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SourceKind {
    Profile,
    PermissionSet,
    PermissionSetGroup,
}

impl SourceKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Profile => "Profile",
            Self::PermissionSet => "Permission set",
            Self::PermissionSetGroup => "Permission set group",
        }
    }
}

/// A profile, permission set or group the user gets access from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// The profile's, set's or group's Id: what grants refer to.
    pub id: String,
    pub kind: SourceKind,
    pub label: String,
    /// API name (`Name` or `DeveloperName`); the profile's name for a profile.
    pub api_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// A group as read: its members, its muting set, and Salesforce's own aggregate of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupInput {
    pub members: Vec<(String, Grants)>,
    pub muting: Option<(String, Grants)>,
    /// The group's aggregate permission set (`Type = 'Group'`, salesforce.md §I.7), when read.
    pub aggregate: Option<Grants>,
    /// `PermissionSetGroup.Status` (values [U], §I.7).
    pub status: Option<String>,
}

/// The user the review is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewedUser {
    pub id: String,
    pub name: String,
    pub username: String,
    pub profile_name: String,
    pub license_name: String,
    pub active: bool,
}

/// Everything the review is computed from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewInput {
    pub user: ReviewedUser,
    /// The profile (its profile-owned permission set's grants, salesforce.md §C.1).
    pub profile: Option<(Source, Grants)>,
    /// Directly assigned permission sets.
    pub sets: Vec<(Source, Grants)>,
    /// Assigned groups.
    pub groups: Vec<(Source, GroupInput)>,
    /// User permission labels by name.
    pub system_labels: BTreeMap<String, String>,
    /// Object labels by API name.
    pub object_labels: BTreeMap<String, String>,
    /// User permission → the user permissions it requires (salesforce.md §H.Q5).
    pub system_requires: BTreeMap<String, BTreeSet<String>>,
    /// Whether the org exposes `ObjectPermissions.PermissionsViewAllFields` (salesforce.md §I.10).
    pub view_all_fields_known: bool,
    /// The permission names the generator offers (its curated list), for the narrower set.
    pub curated: BTreeSet<String>,
}

/// One permission on one object or field, and who grants it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Granted {
    pub access: Access,
    /// Source Ids.
    pub sources: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRow {
    /// An object's API name, or `*` for "every object" (View All Data, Modify All Data).
    pub object: String,
    pub label: String,
    pub granted: Vec<Granted>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldRow {
    /// `Object.Field`, or `Object.*` for every field of the object (View All Fields).
    pub field: String,
    pub object: String,
    pub granted: Vec<Granted>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemRow {
    pub name: String,
    pub label: String,
    pub sources: Vec<String>,
}

/// An override that object or field checkboxes don't show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Override {
    /// `ViewAllData`, `ModifyAllData`, or `ViewAllFields` (on `object`).
    pub permission: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    pub meaning: String,
    pub sources: Vec<String>,
}

/// Something broad for an integration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    /// `ModifyAllData`, `ViewAllData`, or an object permission's label (`Modify All`).
    pub permission: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    pub reason: String,
    pub sources: Vec<String>,
    /// Whether a narrower permission set leaves it out: not when only the profile grants it.
    pub removable: bool,
}

/// A group as the review applied it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupView {
    pub id: String,
    pub label: String,
    pub members: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub muting: Option<String>,
    /// What the muting set took away, in words.
    pub muted: Vec<String>,
    /// Mutings not applied, with why (salesforce.md §I.7 [U]).
    pub not_applied: Vec<String>,
    /// Where Salesforce's own aggregate of the group differs from members minus muting.
    pub aggregate_differs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// What "Generate a narrower set" starts from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Narrower {
    pub spec: PermissionSetSpec,
    /// Each flagged grant left out, in words.
    pub removed: Vec<String>,
    /// What the generator can't carry over (outside its curated list), in words.
    pub not_carried: Vec<String>,
}

/// The review.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessReview {
    pub user: ReviewedUser,
    pub sources: Vec<Source>,
    pub objects: Vec<ObjectRow>,
    pub fields: Vec<FieldRow>,
    pub system_permissions: Vec<SystemRow>,
    pub overrides: Vec<Override>,
    pub flags: Vec<Flag>,
    pub groups: Vec<GroupView>,
    /// What the review covers and what it leaves out, in words.
    pub scope_notes: Vec<String>,
    pub narrower: Narrower,
}

/// `ViewAllData` and `ModifyAllData`: what each overrides (salesforce.md §I.3; help "View All
/// and Modify All Permissions Overview": they ignore sharing on every object, "but must still be
/// assigned field permissions").
const DATA_OVERRIDES: [(&str, &[Access], &str); 2] = [
    (
        "ViewAllData",
        &[Access::Read, Access::ViewAll],
        "Reads every record of every object, whatever the object permissions and sharing say. Field-level security still applies.",
    ),
    (
        "ModifyAllData",
        &[
            Access::Read,
            Access::Create,
            Access::Edit,
            Access::Delete,
            Access::ViewAll,
            Access::ModifyAll,
        ],
        "Reads, creates, edits and deletes every record of every object, whatever the object permissions and sharing say. Field-level security still applies.",
    ),
];

const VIEW_ALL_FIELDS_MEANING: &str = "Reads every field of this object, including fields created later, whatever field-level security says.";

/// Why each broad grant is broad for an integration.
fn flag_reason(permission: &str, object: Option<&str>) -> String {
    let object = object.unwrap_or("the object");
    match permission {
        "ModifyAllData" => "Modify All Data lets the integration read, change and delete every record in the org and much of Setup; an integration almost never needs it. Grant the objects it works on instead.".to_owned(),
        "ViewAllData" => "View All Data lets the integration read every record of every object, ignoring sharing. Grant Read (and View All where needed) on the objects it reads instead.".to_owned(),
        "ModifyAll" => format!("Modify All on {object} lets the integration change and delete every {object} record, ignoring sharing; Edit and Delete on the records it is shared are usually enough."),
        "ViewAll" => format!("View All on {object} lets the integration read every {object} record, ignoring sharing; Read on the records it is shared is usually enough."),
        _ => format!("View All Fields on {object} lets the integration read every field of {object}, including ones created later: a new sensitive field becomes readable without anyone granting it. Grant the fields it reads instead."),
    }
}

/// Computes the review.
pub fn review(input: &ReviewInput) -> AccessReview {
    let mut sources = Vec::new();
    // Every source with what it grants (groups after muting).
    let mut granting: Vec<(&Source, Grants)> = Vec::new();
    if let Some((source, grants)) = &input.profile {
        sources.push(source.clone());
        granting.push((source, grants.clone()));
    }
    for (source, grants) in &input.sets {
        sources.push(source.clone());
        granting.push((source, grants.clone()));
    }
    let mut groups = Vec::new();
    for (source, group) in &input.groups {
        sources.push(source.clone());
        let members: Vec<&Grants> = group.members.iter().map(|(_, g)| g).collect();
        let muting = group.muting.as_ref().map(|(_, g)| g);
        let (result, unapplied) = group_access(&members, muting, &input.system_requires);
        let mut union = Grants::default();
        for member in &members {
            union.absorb(member);
        }
        let muted: Vec<String> = union.lines().difference(&result.lines()).cloned().collect();
        let aggregate_differs = group
            .aggregate
            .as_ref()
            .map(|aggregate| {
                let computed = result.lines();
                let theirs = aggregate.lines();
                let mut differs: Vec<String> = theirs
                    .difference(&computed)
                    .map(|l| format!("Salesforce's aggregate has {l}; members minus muting don't"))
                    .collect();
                differs.extend(computed.difference(&theirs).map(|l| {
                    format!("Members minus muting give {l}; Salesforce's aggregate doesn't")
                }));
                differs
            })
            .unwrap_or_default();
        groups.push(GroupView {
            id: source.id.clone(),
            label: source.label.clone(),
            members: group.members.iter().map(|(l, _)| l.clone()).collect(),
            muting: group.muting.as_ref().map(|(l, _)| l.clone()),
            muted,
            not_applied: unapplied
                .iter()
                .map(|u| unapplied_words(u, input))
                .collect(),
            aggregate_differs,
            status: group.status.clone(),
        });
        granting.push((source, result));
    }

    // Objects and fields: per item, per permission, the sources.
    let mut objects: BTreeMap<String, BTreeMap<Access, Vec<String>>> = BTreeMap::new();
    let mut fields: BTreeMap<String, BTreeMap<Access, Vec<String>>> = BTreeMap::new();
    let mut system: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (source, grants) in &granting {
        for (object, access) in &grants.objects {
            for a in access {
                if *a == Access::ViewAllFields && !input.view_all_fields_known {
                    continue;
                }
                push_unique(
                    objects
                        .entry(object.clone())
                        .or_default()
                        .entry(*a)
                        .or_default(),
                    &source.id,
                );
            }
        }
        for (field, access) in &grants.fields {
            for a in access {
                push_unique(
                    fields
                        .entry(field.clone())
                        .or_default()
                        .entry(*a)
                        .or_default(),
                    &source.id,
                );
            }
        }
        for permission in &grants.system {
            push_unique(system.entry(permission.clone()).or_default(), &source.id);
        }
    }

    let mut overrides = Vec::new();
    let mut object_rows = Vec::new();
    let mut every_object: BTreeMap<Access, Vec<String>> = BTreeMap::new();
    for (permission, access, meaning) in DATA_OVERRIDES {
        let Some(by) = system.get(permission) else {
            continue;
        };
        overrides.push(Override {
            permission: permission.to_owned(),
            label: system_label(input, permission),
            object: None,
            meaning: meaning.to_owned(),
            sources: by.clone(),
        });
        for a in access {
            for source in by {
                push_unique(every_object.entry(*a).or_default(), source);
            }
        }
    }
    if !every_object.is_empty() {
        object_rows.push(ObjectRow {
            object: "*".to_owned(),
            label: "Every object (View All Data / Modify All Data)".to_owned(),
            granted: granted_list(every_object),
        });
    }
    let mut field_rows = Vec::new();
    for (object, by_access) in objects {
        if let Some(by) = by_access.get(&Access::ViewAllFields) {
            overrides.push(Override {
                permission: "ViewAllFields".to_owned(),
                label: "View All Fields".to_owned(),
                object: Some(object.clone()),
                meaning: VIEW_ALL_FIELDS_MEANING.to_owned(),
                sources: by.clone(),
            });
            field_rows.push(FieldRow {
                field: format!("{object}.*"),
                object: object.clone(),
                granted: vec![Granted {
                    access: Access::Read,
                    sources: by.clone(),
                }],
            });
        }
        object_rows.push(ObjectRow {
            label: input
                .object_labels
                .get(&object)
                .cloned()
                .unwrap_or_else(|| object.clone()),
            object,
            granted: granted_list(by_access),
        });
    }
    for (field, by_access) in fields {
        field_rows.push(FieldRow {
            object: PermissionSetSpec::object_of(&field).to_owned(),
            field,
            granted: granted_list(by_access),
        });
    }
    field_rows.sort_by(|a, b| a.field.cmp(&b.field));
    let system_rows: Vec<SystemRow> = system
        .iter()
        .map(|(name, by)| SystemRow {
            name: name.clone(),
            label: system_label(input, name),
            sources: by.clone(),
        })
        .collect();

    let profile_id = input.profile.as_ref().map(|(s, _)| s.id.clone());
    let removable = |by: &[String]| by.iter().any(|s| Some(s) != profile_id.as_ref());
    let mut flags = Vec::new();
    for permission in ["ModifyAllData", "ViewAllData"] {
        if let Some(by) = system.get(permission) {
            flags.push(Flag {
                permission: permission.to_owned(),
                label: system_label(input, permission),
                object: None,
                reason: flag_reason(permission, None),
                sources: by.clone(),
                removable: removable(by),
            });
        }
    }
    for row in object_rows.iter().filter(|r| r.object != "*") {
        for granted in &row.granted {
            let key = match granted.access {
                Access::ModifyAll => "ModifyAll",
                Access::ViewAll => "ViewAll",
                Access::ViewAllFields => "ViewAllFields",
                _ => continue,
            };
            flags.push(Flag {
                permission: key.to_owned(),
                label: granted.access.label().to_owned(),
                object: Some(row.object.clone()),
                reason: flag_reason(key, Some(&row.object)),
                sources: granted.sources.clone(),
                removable: removable(&granted.sources),
            });
        }
    }

    let narrower = narrower(input, &granting, &flags, &sources);
    let mut scope_notes = vec![
        "Record sharing is not covered: this review shows permissions (profile, permission sets, permission set groups), not which records sharing rules, roles or manual shares open to the user.".to_owned(),
        "Permission set groups: each group's access is its members' permissions minus what its muting set mutes, as Salesforce documents; muting never takes away what the profile, another permission set or another group grants.".to_owned(),
    ];
    if groups.iter().any(|g| !g.not_applied.is_empty()) {
        scope_notes.push("Where a muting set mutes a permission that another permission of the same group still needs (for example Read muted while Edit stays), Salesforce doesn't document the result: those entries are shown as the group grants them without muting, and listed under the group.".to_owned());
    }
    if !input.view_all_fields_known {
        scope_notes.push("This org's API doesn't expose View All Fields on object permissions (API 63.0 and later): any such grant is not shown.".to_owned());
    }
    AccessReview {
        user: input.user.clone(),
        sources,
        objects: object_rows,
        fields: field_rows,
        system_permissions: system_rows,
        overrides,
        flags,
        groups,
        scope_notes,
        narrower,
    }
}

fn push_unique(list: &mut Vec<String>, id: &str) {
    if !list.iter().any(|s| s == id) {
        list.push(id.to_owned());
    }
}

fn granted_list(by_access: BTreeMap<Access, Vec<String>>) -> Vec<Granted> {
    by_access
        .into_iter()
        .map(|(access, sources)| Granted { access, sources })
        .collect()
}

fn system_label(input: &ReviewInput, name: &str) -> String {
    input
        .system_labels
        .get(name)
        .cloned()
        .unwrap_or_else(|| name.to_owned())
}

fn unapplied_words(case: &UnappliedMuting, input: &ReviewInput) -> String {
    let is_system = input.system_labels.contains_key(&case.target)
        || case.muted.len() == 1 && case.muted.first() == Some(&case.target);
    if is_system {
        let label = system_label(input, &case.target);
        let needed_by: Vec<String> = case
            .still_granted
            .iter()
            .map(|p| system_label(input, p))
            .collect();
        return format!(
            "Muting {label} is not applied: {} still granted in this group requires it, and what Salesforce does then is not documented.",
            needed_by.join(", ")
        );
    }
    format!(
        "Muting {} on {} is not applied: {} still granted in this group requires it, and what Salesforce does then is not documented.",
        case.muted.join(", "),
        case.target,
        case.still_granted.join(", ")
    )
}

fn source_words(sources: &[Source], ids: &[String]) -> String {
    ids.iter()
        .map(|id| {
            sources.iter().find(|s| &s.id == id).map_or_else(
                || id.clone(),
                |s| {
                    format!(
                        "{} \u{201c}{}\u{201d}",
                        s.kind.label().to_lowercase(),
                        s.label
                    )
                },
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Today's access from permission sets and groups (the profile stays as it is), minus every
/// flagged grant, as a generator spec.
fn narrower(
    input: &ReviewInput,
    granting: &[(&Source, Grants)],
    flags: &[Flag],
    sources: &[Source],
) -> Narrower {
    let mut union = Grants::default();
    for (source, grants) in granting {
        if source.kind != SourceKind::Profile {
            union.absorb(grants);
        }
    }
    let mut spec = PermissionSetSpec::default();
    let mut removed = Vec::new();
    let mut not_carried = Vec::new();
    let flagged = |permission: &str, object: Option<&str>| {
        flags
            .iter()
            .find(|f| f.removable && f.permission == permission && f.object.as_deref() == object)
    };
    for (object, access) in &union.objects {
        let mut kept = ObjectAccess::default();
        for a in access {
            let key = match a {
                Access::ViewAll => Some("ViewAll"),
                Access::ModifyAll => Some("ModifyAll"),
                Access::ViewAllFields => Some("ViewAllFields"),
                _ => None,
            };
            if let Some(flag) = key.and_then(|k| flagged(k, Some(object))) {
                removed.push(format!(
                    "{} on {object} (from {}): {}",
                    a.label(),
                    source_words(sources, &flag.sources),
                    flag.reason
                ));
                continue;
            }
            match a {
                Access::Read => kept.read = true,
                Access::Create => kept.create = true,
                Access::Edit => kept.edit = true,
                Access::Delete => kept.delete = true,
                Access::ViewAll => kept.view_all = true,
                Access::ModifyAll => kept.modify_all = true,
                Access::ViewAllFields => not_carried.push(format!(
                    "View All Fields on {object}: the generator grants fields one by one."
                )),
            }
        }
        if !kept.is_empty() {
            spec.objects.insert(object.clone(), kept);
        }
    }
    for (field, access) in &union.fields {
        let level = if access.contains(&Access::Edit) {
            FieldAccess::ReadEdit
        } else if access.contains(&Access::Read) {
            FieldAccess::Read
        } else {
            continue;
        };
        spec.fields.insert(field.clone(), level);
    }
    for permission in &union.system {
        if let Some(flag) = flagged(permission, None) {
            removed.push(format!(
                "{} (from {}): {}",
                flag.label,
                source_words(sources, &flag.sources),
                flag.reason
            ));
        } else if input.curated.contains(permission) {
            spec.system_permissions.insert(permission.clone());
        } else {
            not_carried.push(format!(
                "{}: not on the generator's list of system permissions for integrations.",
                system_label(input, permission)
            ));
        }
    }
    for flag in flags.iter().filter(|f| !f.removable) {
        let what = match &flag.object {
            Some(object) => format!("{} on {object}", flag.label),
            None => flag.label.clone(),
        };
        not_carried.push(format!(
            "{what} comes from the profile: a permission set can't take it away."
        ));
    }
    spec.description = format!(
        "The access of {} without the grants flagged as broad for an integration (Forcefield access review).",
        input.user.name
    );
    Narrower {
        spec,
        removed,
        not_carried,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Access::*;

    fn source(id: &str, kind: SourceKind, label: &str) -> Source {
        Source {
            id: id.into(),
            kind,
            label: label.into(),
            api_name: label.replace(' ', "_"),
            namespace: None,
        }
    }

    fn grants(
        objects: &[(&str, &[Access])],
        fields: &[(&str, &[Access])],
        system: &[&str],
    ) -> Grants {
        Grants {
            system: system.iter().map(|s| (*s).to_owned()).collect(),
            objects: objects
                .iter()
                .map(|(o, a)| ((*o).to_owned(), a.iter().copied().collect()))
                .collect(),
            fields: fields
                .iter()
                .map(|(f, a)| ((*f).to_owned(), a.iter().copied().collect()))
                .collect(),
        }
    }

    fn input() -> ReviewInput {
        ReviewInput {
            user: ReviewedUser {
                id: "005AM0000000001AAA".into(),
                name: "NetSuite Integration".into(),
                ..ReviewedUser::default()
            },
            profile: Some((
                source(
                    "0PSprofile",
                    SourceKind::Profile,
                    "Minimum Access - API Only Integrations",
                ),
                grants(&[], &[], &["ApiEnabled", "ApiUserOnly"]),
            )),
            sets: vec![(
                source(
                    "0PSnetsuite",
                    SourceKind::PermissionSet,
                    "NetSuite Integration",
                ),
                grants(
                    &[
                        ("Account", &[Read, Create, Edit]),
                        ("Invoice__c", &[Read, ViewAll]),
                    ],
                    &[
                        ("Account.Phone", &[Read, Edit]),
                        ("Invoice__c.Tax__c", &[Read]),
                    ],
                    &["PasswordNeverExpires", "ViewAllData"],
                ),
            )],
            groups: vec![(
                source(
                    "0PGbundle",
                    SourceKind::PermissionSetGroup,
                    "Integration Bundle",
                ),
                GroupInput {
                    members: vec![
                        (
                            "Bundle Shipments".into(),
                            grants(
                                &[(
                                    "Shipment__c",
                                    &[
                                        Read,
                                        Create,
                                        Edit,
                                        Delete,
                                        ViewAll,
                                        ModifyAll,
                                        ViewAllFields,
                                    ],
                                )],
                                &[],
                                &[],
                            ),
                        ),
                        (
                            "Bundle Invoices".into(),
                            grants(
                                &[("Invoice__c", &[Read, Edit])],
                                &[("Invoice__c.Tax__c", &[Read, Edit])],
                                &["ExportReport", "RunReports"],
                            ),
                        ),
                    ],
                    muting: Some((
                        "Bundle Muting".into(),
                        grants(
                            &[("Shipment__c", &[Delete, ModifyAll])],
                            &[("Invoice__c.Tax__c", &[Edit])],
                            &["ExportReport"],
                        ),
                    )),
                    aggregate: None,
                    status: Some("Updated".into()),
                },
            )],
            system_labels: [
                ("ViewAllData".to_owned(), "View All Data".to_owned()),
                ("ExportReport".to_owned(), "Export Reports".to_owned()),
                ("RunReports".to_owned(), "Run Reports".to_owned()),
                (
                    "PasswordNeverExpires".to_owned(),
                    "Password Never Expires".to_owned(),
                ),
            ]
            .into(),
            object_labels: [("Account".to_owned(), "Account".to_owned())].into(),
            system_requires: BTreeMap::new(),
            view_all_fields_known: true,
            curated: [
                "PasswordNeverExpires".to_owned(),
                "RunReports".to_owned(),
                "ViewAllData".to_owned(),
                "ExportReport".to_owned(),
            ]
            .into(),
        }
    }

    fn row<'a>(review: &'a AccessReview, object: &str) -> &'a ObjectRow {
        review
            .objects
            .iter()
            .find(|r| r.object == object)
            .unwrap_or_else(|| panic!("no row for {object}"))
    }

    fn sources_of(row: &ObjectRow, access: Access) -> Vec<String> {
        row.granted
            .iter()
            .find(|g| g.access == access)
            .map(|g| g.sources.clone())
            .unwrap_or_default()
    }

    #[test]
    fn every_grant_names_its_sources_and_groups_are_muted() {
        let review = review(&input());
        let invoice = row(&review, "Invoice__c");
        assert_eq!(sources_of(invoice, Read), ["0PSnetsuite", "0PGbundle"]);
        assert_eq!(sources_of(invoice, Edit), ["0PGbundle"]);
        let shipment = row(&review, "Shipment__c");
        assert!(sources_of(shipment, Delete).is_empty(), "muted");
        assert!(sources_of(shipment, ModifyAll).is_empty(), "muted");
        assert_eq!(sources_of(shipment, ViewAllFields), ["0PGbundle"]);
        let tax = review
            .fields
            .iter()
            .find(|f| f.field == "Invoice__c.Tax__c")
            .unwrap_or_else(|| panic!("tax"));
        assert_eq!(tax.granted.len(), 1, "Edit muted: {tax:?}");
        assert_eq!(tax.granted[0].sources, ["0PSnetsuite", "0PGbundle"]);
        let group = &review.groups[0];
        assert!(group
            .muted
            .contains(&"Modify All on Shipment__c".to_owned()));
        assert!(group
            .muted
            .contains(&"System permission ExportReport".to_owned()));
        assert!(review
            .system_permissions
            .iter()
            .all(|s| s.name != "ExportReport"));
        assert!(review.scope_notes[0].contains("sharing"));
    }

    #[test]
    fn overrides_show_what_checkboxes_dont() {
        let review = review(&input());
        let every = row(&review, "*");
        assert_eq!(sources_of(every, Read), ["0PSnetsuite"]);
        assert_eq!(sources_of(every, ViewAll), ["0PSnetsuite"]);
        assert!(sources_of(every, Edit).is_empty());
        let kinds: Vec<(&str, Option<&str>)> = review
            .overrides
            .iter()
            .map(|o| (o.permission.as_str(), o.object.as_deref()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("ViewAllData", None),
                ("ViewAllFields", Some("Shipment__c"))
            ]
        );
        assert!(review.fields.iter().any(|f| f.field == "Shipment__c.*"));
    }

    #[test]
    fn broad_grants_are_flagged_with_a_reason_and_left_out_of_the_narrower_set() {
        let review = review(&input());
        let flagged: Vec<(&str, Option<&str>)> = review
            .flags
            .iter()
            .map(|f| (f.permission.as_str(), f.object.as_deref()))
            .collect();
        assert_eq!(
            flagged,
            [
                ("ViewAllData", None),
                ("ViewAll", Some("Invoice__c")),
                ("ViewAll", Some("Shipment__c")),
                ("ViewAllFields", Some("Shipment__c")),
            ]
        );
        assert!(review
            .flags
            .iter()
            .all(|f| !f.reason.is_empty() && f.removable));
        let narrower = &review.narrower;
        assert_eq!(narrower.removed.len(), 4, "{:?}", narrower.removed);
        assert!(narrower.removed[0].contains(
            "View All on Invoice__c (from permission set \u{201c}NetSuite Integration\u{201d})"
        ));
        let spec = &narrower.spec;
        assert!(!spec.system_permissions.contains("ViewAllData"));
        assert!(spec.system_permissions.contains("PasswordNeverExpires"));
        assert!(spec.system_permissions.contains("RunReports"));
        assert!(
            !spec.system_permissions.contains("ApiEnabled"),
            "the profile's stay on the profile"
        );
        let shipment = spec.objects["Shipment__c"];
        assert!(shipment.read && shipment.create && shipment.edit);
        assert!(!shipment.view_all && !shipment.modify_all && !shipment.delete);
        assert_eq!(spec.fields["Account.Phone"], FieldAccess::ReadEdit);
        assert_eq!(spec.fields["Invoice__c.Tax__c"], FieldAccess::Read);
        assert!(
            narrower.not_carried.is_empty(),
            "{:?}",
            narrower.not_carried
        );
    }

    #[test]
    fn what_only_the_profile_grants_is_flagged_but_not_removable() {
        let mut input = input();
        if let Some((_, grants)) = input.profile.as_mut() {
            grants.system.insert("ModifyAllData".into());
        }
        let review = review(&input);
        let flag = review
            .flags
            .iter()
            .find(|f| f.permission == "ModifyAllData")
            .unwrap_or_else(|| panic!("flag"));
        assert!(!flag.removable);
        assert!(review
            .narrower
            .not_carried
            .iter()
            .any(|n| n.contains("profile")));
    }

    #[test]
    fn the_aggregate_is_compared_with_members_minus_muting() {
        let mut input = input();
        input.groups[0].1.aggregate = Some(grants(&[("Shipment__c", &[Read])], &[], &[]));
        let review = review(&input);
        let differs = &review.groups[0].aggregate_differs;
        assert!(
            differs.iter().any(|d| d.contains("Create on Shipment__c")),
            "{differs:?}"
        );
    }

    #[test]
    fn an_unapplied_muting_is_said_on_the_page() {
        let mut input = input();
        if let Some((_, muting)) = input.groups[0].1.muting.as_mut() {
            muting.objects.insert("Invoice__c".into(), [Read].into());
        }
        let review = review(&input);
        assert_eq!(review.groups[0].not_applied.len(), 1);
        assert!(
            review.groups[0].not_applied[0].contains("Muting Read on Invoice__c is not applied")
        );
        assert!(review
            .scope_notes
            .iter()
            .any(|n| n.contains("doesn't document")));
        assert_eq!(sources_of(row(&review, "Invoice__c"), Edit), ["0PGbundle"]);
    }
}
