//! What one permission set, muting set or profile grants, as data, and how a permission set
//! group combines its members and its muting set (salesforce.md §I.7). Pure: the reads fill
//! these from query rows; the review and the assignment check read them.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One object or field permission, in Setup's order (salesforce.md §C.2, §C.3, §I.10). Field rows
/// use only `Read` and `Edit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Access {
    Read,
    Create,
    Edit,
    Delete,
    ViewAll,
    ModifyAll,
    ViewAllFields,
}

impl Access {
    /// Every object permission, in Setup's order.
    pub const OBJECT: [Self; 7] = [
        Self::Read,
        Self::Create,
        Self::Edit,
        Self::Delete,
        Self::ViewAll,
        Self::ModifyAll,
        Self::ViewAllFields,
    ];
    /// Every field permission.
    pub const FIELD: [Self; 2] = [Self::Read, Self::Edit];

    /// The ObjectPermissions field (salesforce.md §C.2, §I.10).
    pub fn object_field(self) -> &'static str {
        match self {
            Self::Read => "PermissionsRead",
            Self::Create => "PermissionsCreate",
            Self::Edit => "PermissionsEdit",
            Self::Delete => "PermissionsDelete",
            Self::ViewAll => "PermissionsViewAllRecords",
            Self::ModifyAll => "PermissionsModifyAllRecords",
            Self::ViewAllFields => "PermissionsViewAllFields",
        }
    }

    /// Setup's word for it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Read => "Read",
            Self::Create => "Create",
            Self::Edit => "Edit",
            Self::Delete => "Delete",
            Self::ViewAll => "View All",
            Self::ModifyAll => "Modify All",
            Self::ViewAllFields => "View All Fields",
        }
    }

    /// What an object permission requires on the same object (salesforce.md §C.2, verbatim
    /// "Requires …" rules). View All Fields is treated as requiring Read: whether it does is
    /// [U] (salesforce.md §I.10), and treating it so only ever declines to apply a muting.
    pub fn object_requires(self) -> &'static [Self] {
        match self {
            Self::Read => &[],
            Self::Create | Self::Edit | Self::ViewAll | Self::ViewAllFields => &[Self::Read],
            Self::Delete => &[Self::Read, Self::Edit],
            Self::ModifyAll => &[Self::Read, Self::Edit, Self::Delete, Self::ViewAll],
        }
    }

    /// What a field permission requires (salesforce.md §C.3: Edit requires Read).
    pub fn field_requires(self) -> &'static [Self] {
        match self {
            Self::Edit => &[Self::Read],
            _ => &[],
        }
    }
}

/// What one set grants: enabled user permissions (API names without `Permissions`), object
/// permissions by object, field permissions by `Object.Field`. For a muting set, the same shape
/// holds what it mutes (salesforce.md §I.7: "settings enabled by MutingPermissionSet are turned
/// off for the permission set group").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Grants {
    pub system: BTreeSet<String>,
    pub objects: BTreeMap<String, BTreeSet<Access>>,
    pub fields: BTreeMap<String, BTreeSet<Access>>,
}

impl Grants {
    /// Adds everything `other` grants.
    pub fn absorb(&mut self, other: &Grants) {
        self.system.extend(other.system.iter().cloned());
        for (object, access) in &other.objects {
            self.objects
                .entry(object.clone())
                .or_default()
                .extend(access);
        }
        for (field, access) in &other.fields {
            self.fields.entry(field.clone()).or_default().extend(access);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.system.is_empty()
            && self.objects.values().all(BTreeSet::is_empty)
            && self.fields.values().all(BTreeSet::is_empty)
    }

    /// Every grant as a line of text (`Object: Account Read`), for comparing two sets.
    pub fn lines(&self) -> BTreeSet<String> {
        let mut lines: BTreeSet<String> = self
            .system
            .iter()
            .map(|p| format!("System permission {p}"))
            .collect();
        for (object, access) in &self.objects {
            lines.extend(access.iter().map(|a| format!("{} on {object}", a.label())));
        }
        for (field, access) in &self.fields {
            lines.extend(
                access
                    .iter()
                    .map(|a| format!("{} on field {field}", a.label())),
            );
        }
        lines
    }
}

/// One piece of a muting set that was not applied, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnappliedMuting {
    /// `Account`, `Account.Phone` or a system permission.
    pub target: String,
    /// The muted permissions, in words (`Read`).
    pub muted: Vec<String>,
    /// The group's permissions that need them and stay granted (`Edit`).
    pub still_granted: Vec<String>,
}

/// A group's access: its members' union minus what its muting set mutes, as salesforce.md §I.7
/// documents. Where the muting set mutes a prerequisite while a permission that needs it stays
/// granted (muting Read while Edit stays), what Salesforce does is not documented (§I.7 [U]):
/// that object, field or system permission keeps the members' union, and the case is returned
/// so the page can say so. `system_requires` maps a user permission to the user permissions it
/// requires (the org's PermissionDependency rows, salesforce.md §H.Q5).
pub fn group_access(
    members: &[&Grants],
    muting: Option<&Grants>,
    system_requires: &BTreeMap<String, BTreeSet<String>>,
) -> (Grants, Vec<UnappliedMuting>) {
    let mut union = Grants::default();
    for member in members {
        union.absorb(member);
    }
    let Some(muting) = muting else {
        return (union, Vec::new());
    };
    let mut result = union.clone();
    let mut unapplied = Vec::new();
    for (object, granted) in &union.objects {
        let Some(muted) = muting.objects.get(object) else {
            continue;
        };
        match without(granted, muted, Access::object_requires) {
            Ok(rest) => {
                result.objects.insert(object.clone(), rest);
            }
            Err(case) => unapplied.push(case.named(object)),
        }
    }
    for (field, granted) in &union.fields {
        let Some(muted) = muting.fields.get(field) else {
            continue;
        };
        match without(granted, muted, Access::field_requires) {
            Ok(rest) => {
                result.fields.insert(field.clone(), rest);
            }
            Err(case) => unapplied.push(case.named(field)),
        }
    }
    result.objects.retain(|_, access| !access.is_empty());
    result.fields.retain(|_, access| !access.is_empty());
    let muted_system: BTreeSet<&String> = muting
        .system
        .iter()
        .filter(|p| union.system.contains(*p))
        .collect();
    for permission in muted_system {
        let dependants: Vec<String> = union
            .system
            .iter()
            .filter(|other| !muting.system.contains(*other))
            .filter(|other| {
                system_requires
                    .get(*other)
                    .is_some_and(|required| required.contains(permission))
            })
            .cloned()
            .collect();
        if dependants.is_empty() {
            result.system.remove(permission);
        } else {
            unapplied.push(UnappliedMuting {
                target: permission.clone(),
                muted: vec![permission.clone()],
                still_granted: dependants,
            });
        }
    }
    (result, unapplied)
}

/// A muting that would leave a permission without one it requires.
struct Conflict {
    muted: Vec<String>,
    still_granted: Vec<String>,
}

impl Conflict {
    fn named(self, target: &str) -> UnappliedMuting {
        UnappliedMuting {
            target: target.to_owned(),
            muted: self.muted,
            still_granted: self.still_granted,
        }
    }
}

/// `granted − muted`, unless something left needs something muted.
fn without(
    granted: &BTreeSet<Access>,
    muted: &BTreeSet<Access>,
    requires: fn(Access) -> &'static [Access],
) -> Result<BTreeSet<Access>, Conflict> {
    let rest: BTreeSet<Access> = granted.difference(muted).copied().collect();
    let broken: Vec<Access> = rest
        .iter()
        .copied()
        .filter(|a| requires(*a).iter().any(|r| !rest.contains(r)))
        .collect();
    if broken.is_empty() {
        return Ok(rest);
    }
    Err(Conflict {
        muted: granted
            .intersection(muted)
            .map(|a| a.label().to_owned())
            .collect(),
        still_granted: broken.iter().map(|a| a.label().to_owned()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Access::*;

    fn object(name: &str, access: &[Access]) -> Grants {
        Grants {
            objects: [(name.to_owned(), access.iter().copied().collect())].into(),
            ..Grants::default()
        }
    }

    #[test]
    fn a_group_grants_its_members_union_minus_its_muting() {
        let a = object(
            "Shipment__c",
            &[Read, Create, Edit, Delete, ViewAll, ModifyAll],
        );
        let mut b = object("Invoice__c", &[Read]);
        b.system.insert("RunReports".into());
        b.system.insert("ExportReport".into());
        b.fields
            .insert("Invoice__c.Tax__c".into(), [Read, Edit].into());
        let mut muting = object("Shipment__c", &[ModifyAll, Delete]);
        muting.system.insert("ExportReport".into());
        muting
            .fields
            .insert("Invoice__c.Tax__c".into(), [Edit].into());
        let (result, unapplied) = group_access(&[&a, &b], Some(&muting), &BTreeMap::new());
        assert!(unapplied.is_empty(), "{unapplied:?}");
        assert_eq!(
            result.objects["Shipment__c"],
            [Read, Create, Edit, ViewAll].into()
        );
        assert_eq!(result.objects["Invoice__c"], [Read].into());
        assert_eq!(result.fields["Invoice__c.Tax__c"], [Read].into());
        assert_eq!(result.system, ["RunReports".to_owned()].into());
    }

    #[test]
    fn muting_a_prerequisite_that_a_granted_permission_needs_is_not_applied() {
        let member = object("Account", &[Read, Edit]);
        let muting = object("Account", &[Read]);
        let (result, unapplied) = group_access(&[&member], Some(&muting), &BTreeMap::new());
        assert_eq!(result.objects["Account"], [Read, Edit].into());
        assert_eq!(
            unapplied,
            [UnappliedMuting {
                target: "Account".into(),
                muted: vec!["Read".into()],
                still_granted: vec!["Edit".into()],
            }]
        );
        // Muting Read and Edit together leaves nothing that needs them: applied.
        let muting = object("Account", &[Read, Edit]);
        let (result, unapplied) = group_access(&[&member], Some(&muting), &BTreeMap::new());
        assert!(unapplied.is_empty());
        assert!(!result.objects.contains_key("Account"));
    }

    #[test]
    fn a_muted_system_permission_another_one_requires_is_not_applied() {
        let mut member = Grants::default();
        member
            .system
            .extend(["ModifyAllData".into(), "ViewAllData".into()]);
        let mut muting = Grants::default();
        muting.system.insert("ViewAllData".into());
        let requires = [(
            "ModifyAllData".to_owned(),
            ["ViewAllData".to_owned()].into(),
        )]
        .into();
        let (result, unapplied) = group_access(&[&member], Some(&muting), &requires);
        assert!(result.system.contains("ViewAllData"));
        assert_eq!(unapplied[0].still_granted, ["ModifyAllData"]);
        // Without the dependency the muting applies.
        let (result, unapplied) = group_access(&[&member], Some(&muting), &BTreeMap::new());
        assert!(unapplied.is_empty());
        assert_eq!(result.system, ["ModifyAllData".to_owned()].into());
    }

    #[test]
    fn muting_what_no_member_grants_changes_nothing() {
        let member = object("Account", &[Read]);
        let mut muting = object("Contact", &[Read, Edit]);
        muting.system.insert("ViewAllData".into());
        let (result, unapplied) = group_access(&[&member], Some(&muting), &BTreeMap::new());
        assert_eq!(result, member);
        assert!(unapplied.is_empty());
    }
}
