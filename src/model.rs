//! What the admin asks the generator for: a permission set described as data (a "spec"), the
//! unit that templates save, XML imports produce, plans diff against the org and applies write.

use crate::rules::{closure, ObjectPerm, PermissionKind};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The permission set's license (salesforce.md §H, "What this means for Forcefield's generator").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LicenseChoice {
    /// `LicenseId` null: works once the user holds the Salesforce API Integration PSL (§H.Q4).
    #[default]
    None,
    /// `LicenseId` = the `SalesforceAPIIntegrationPsl` permission set license (§H.Q4, §C.6).
    IntegrationPsl,
}

/// One object's permissions: the `Permissions*` flags of an ObjectPermissions row (salesforce.md §C.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectAccess {
    pub read: bool,
    pub create: bool,
    pub edit: bool,
    pub delete: bool,
    pub view_all: bool,
    pub modify_all: bool,
    /// View All Fields (`PermissionsViewAllFields`, API 63.0+, salesforce.md §I.10): Read on every
    /// field of the object, fields created later included. It requires Read on the object (the
    /// rule the simulated org enforces; Salesforce's reference leaves it open, so Forcefield
    /// always grants it with Read). Not one of the bulk toggles' [`ObjectPerm`] columns.
    pub view_all_fields: bool,
}

impl ObjectAccess {
    pub fn is_empty(&self) -> bool {
        !(self.read
            || self.create
            || self.edit
            || self.delete
            || self.view_all
            || self.modify_all
            || self.view_all_fields)
    }

    /// The access after the admin turns View All Fields on or off: on brings Read (salesforce.md
    /// §I.10); off leaves the rest as it is.
    pub fn with_view_all_fields(mut self, on: bool) -> Self {
        self.view_all_fields = on;
        if on {
            self.read = true;
        }
        self
    }

    /// The permissions granted, in Setup's order.
    pub fn granted(&self) -> Vec<ObjectPerm> {
        let flags = [
            self.read,
            self.create,
            self.edit,
            self.delete,
            self.view_all,
            self.modify_all,
        ];
        ObjectPerm::ALL
            .into_iter()
            .zip(flags)
            .filter_map(|(perm, on)| on.then_some(perm))
            .collect()
    }

    pub fn set(&mut self, perm: ObjectPerm, on: bool) {
        let flag = match perm {
            ObjectPerm::Read => &mut self.read,
            ObjectPerm::Create => &mut self.create,
            ObjectPerm::Edit => &mut self.edit,
            ObjectPerm::Delete => &mut self.delete,
            ObjectPerm::ViewAll => &mut self.view_all,
            ObjectPerm::ModifyAll => &mut self.modify_all,
        };
        *flag = on;
    }

    /// The access after the admin sets one permission, as Setup's own checkboxes behave:
    /// granting grants what it requires, revoking revokes what requires it (salesforce.md §C.2).
    pub fn changed(mut self, perm: ObjectPerm, on: bool) -> Self {
        self.set(perm, on);
        for kind in closure(PermissionKind::ObjectPerm { perm }, on) {
            if let PermissionKind::ObjectPerm { perm } = kind {
                self.set(perm, on);
            }
        }
        // View All Fields requires Read (salesforce.md §I.10): revoking Read revokes it.
        if perm == ObjectPerm::Read && !on {
            self.view_all_fields = false;
        }
        self
    }

    /// Read-only access.
    pub fn read_only() -> Self {
        Self {
            read: true,
            ..Self::default()
        }
    }
}

/// One field's level of access (salesforce.md §C.3: Edit always comes with Read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FieldAccess {
    Read,
    ReadEdit,
}

/// A permission set as Forcefield generates it. Templates are saved specs.
///
/// JSON: `{"name", "label", "description", "license": "none"|"integrationPsl",
/// "objects": {"Account": {"read": true, "create": false, …}},
/// "fields": {"Account.Industry": "read"|"readEdit"}, "systemPermissions": ["PasswordNeverExpires"]}`.
/// System permission names are the API names without the `Permissions` prefix (salesforce.md §E).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionSetSpec {
    /// API name (`PermissionSet.Name`, salesforce.md §C.1).
    #[serde(default)]
    pub name: String,
    /// `PermissionSet.Label`.
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub license: LicenseChoice,
    /// Object API name → access.
    #[serde(default)]
    pub objects: BTreeMap<String, ObjectAccess>,
    /// `Object.Field` → access.
    #[serde(default)]
    pub fields: BTreeMap<String, FieldAccess>,
    #[serde(default)]
    pub system_permissions: BTreeSet<String>,
    /// When the assignment to the chosen user ends (`PermissionSetAssignment.ExpirationDate`,
    /// API 52.0+, salesforce.md §I.11): a dateTime such as `2027-01-31T17:00:00.000Z`; none =
    /// the assignment doesn't expire. Only used when the plan assigns someone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment_expiration: Option<String>,
}

impl PermissionSetSpec {
    /// The object part of an `Object.Field` key.
    pub fn object_of(field_key: &str) -> &str {
        field_key
            .split_once('.')
            .map_or(field_key, |(object, _)| object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn granting_brings_what_it_requires_and_revoking_takes_what_requires_it() {
        use ObjectPerm::*;
        let none = ObjectAccess::default();
        assert_eq!(none.changed(Create, true).granted(), [Read, Create]);
        assert_eq!(none.changed(Delete, true).granted(), [Read, Edit, Delete]);
        assert_eq!(none.changed(ViewAll, true).granted(), [Read, ViewAll]);
        let all = none.changed(ModifyAll, true);
        assert_eq!(all.granted(), [Read, Edit, Delete, ViewAll, ModifyAll]);
        assert_eq!(all.changed(Edit, false).granted(), [Read, ViewAll]);
        assert_eq!(all.changed(ViewAll, false).granted(), [Read, Edit, Delete]);
        assert!(all.changed(Read, false).granted().is_empty());
        assert_eq!(all.changed(Create, true).changed(Create, false), all);
    }

    #[test]
    fn no_order_of_clicks_reaches_access_salesforce_would_refuse() {
        use ObjectPerm::*;
        let mut seen = std::collections::BTreeSet::new();
        let mut frontier = vec![ObjectAccess::default()];
        while let Some(access) = frontier.pop() {
            if !seen.insert(access.granted()) {
                continue;
            }
            let has = |perm| access.granted().contains(&perm);
            assert!(
                !(has(Create) || has(Edit) || has(ViewAll)) || has(Read),
                "{access:?}"
            );
            assert!(!has(Delete) || (has(Read) && has(Edit)), "{access:?}");
            assert!(
                !has(ModifyAll) || (has(Read) && has(Edit) && has(Delete) && has(ViewAll)),
                "{access:?}"
            );
            for perm in ObjectPerm::ALL {
                frontier.push(access.changed(perm, !has(perm)));
            }
        }
        assert!(seen.len() > 6, "explored {} states", seen.len());
    }
}
