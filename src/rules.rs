//! Salesforce's permission dependency rules as data, so a bulk toggle changes exactly the boxes that
//! clicking each one by hand would (salesforce.md §C.2, §C.3, §D.3, §D.4).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One object permission: the `Permissions*` flags of an ObjectPermissions row (salesforce.md §C.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ObjectPerm {
    Read,
    Create,
    Edit,
    Delete,
    ViewAll,
    ModifyAll,
}

impl ObjectPerm {
    pub const ALL: [Self; 6] = [
        Self::Read,
        Self::Create,
        Self::Edit,
        Self::Delete,
        Self::ViewAll,
        Self::ModifyAll,
    ];

    /// Recognises the permission a page key or markup token names: the ObjectPermissions field
    /// (`PermissionsViewAllRecords`, salesforce.md §C.2), the profile metadata flag (`allowRead`,
    /// `modifyAllRecords`), or the bare word (`read`, `view_all`). Only whole keys match, so a
    /// system permission such as `PermissionsViewAllData` is never taken for an object permission.
    pub fn from_key(key: &str) -> Option<Self> {
        let normalized: String = key
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let bare = normalized
            .strip_prefix("permissions")
            .or_else(|| normalized.strip_prefix("allow"))
            .unwrap_or(&normalized);
        match bare {
            "read" => Some(Self::Read),
            "create" => Some(Self::Create),
            "edit" => Some(Self::Edit),
            "delete" => Some(Self::Delete),
            "viewall" | "viewallrecords" => Some(Self::ViewAll),
            "modifyall" | "modifyallrecords" => Some(Self::ModifyAll),
            _ => None,
        }
    }
}

/// What one checkbox grants, as far as Salesforce's dependency rules are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum PermissionKind {
    /// Field-level security Read on a permission set or enhanced profile page (salesforce.md §C.3, §D.3).
    FieldRead,
    /// Field-level security Edit (salesforce.md §C.3, §D.3).
    FieldEdit,
    ObjectPerm {
        perm: ObjectPerm,
    },
    /// "Visible" on the original profile page `flsedit.jsp` (salesforce.md §D.4).
    ProfileVisible,
    /// "Read-Only" on `flsedit.jsp`: Read without Edit (salesforce.md §D.4).
    ProfileReadOnly,
    /// A system permission (salesforce.md §H.Q2); its dependencies are known only from the page's map.
    SystemPermission,
    /// Any other checkbox: no dependencies.
    Generic,
}

const OBJECT_READ: PermissionKind = PermissionKind::ObjectPerm {
    perm: ObjectPerm::Read,
};
const OBJECT_EDIT: PermissionKind = PermissionKind::ObjectPerm {
    perm: ObjectPerm::Edit,
};
const OBJECT_DELETE: PermissionKind = PermissionKind::ObjectPerm {
    perm: ObjectPerm::Delete,
};
const OBJECT_VIEW_ALL: PermissionKind = PermissionKind::ObjectPerm {
    perm: ObjectPerm::ViewAll,
};

/// Every kind that takes part in a built-in rule.
const RULED_KINDS: [PermissionKind; 10] = [
    PermissionKind::FieldRead,
    PermissionKind::FieldEdit,
    OBJECT_READ,
    PermissionKind::ObjectPerm {
        perm: ObjectPerm::Create,
    },
    OBJECT_EDIT,
    OBJECT_DELETE,
    OBJECT_VIEW_ALL,
    PermissionKind::ObjectPerm {
        perm: ObjectPerm::ModifyAll,
    },
    PermissionKind::ProfileVisible,
    PermissionKind::ProfileReadOnly,
];

impl PermissionKind {
    /// The permissions of the same row that Salesforce requires before it grants this one.
    pub fn requires(self) -> &'static [Self] {
        match self {
            // §C.3: "PermissionsEdit … Requires PermissionsRead for the same field to be true."
            Self::FieldEdit => &[Self::FieldRead],
            // §D.4: Read-Only is a kind of visibility; a hidden field cannot be read-only.
            Self::ProfileReadOnly => &[Self::ProfileVisible],
            // §C.2, the verbatim "Requires …" rules of ObjectPermissions.
            Self::ObjectPerm { perm } => match perm {
                ObjectPerm::Read => &[],
                ObjectPerm::Create | ObjectPerm::Edit | ObjectPerm::ViewAll => &[OBJECT_READ],
                ObjectPerm::Delete => &[OBJECT_READ, OBJECT_EDIT],
                ObjectPerm::ModifyAll => {
                    &[OBJECT_READ, OBJECT_EDIT, OBJECT_DELETE, OBJECT_VIEW_ALL]
                }
            },
            Self::FieldRead | Self::ProfileVisible | Self::SystemPermission | Self::Generic => &[],
        }
    }
}

/// The other permissions of the same row that must take the same state when `kind` is set to
/// `checked`, by Salesforce's built-in rules. Granting closes upward over what it requires
/// (checking Delete checks Edit and Read); revoking closes downward over what requires it
/// (clearing Read clears every other object permission; clearing Edit clears Delete and Modify All).
pub fn closure(kind: PermissionKind, checked: bool) -> Vec<PermissionKind> {
    // In order, without duplicates: a handful of kinds, kept sorted as they are found (a set
    // type of its own would add its code to the worker's core).
    let mut found: Vec<PermissionKind> = Vec::new();
    let mut frontier = vec![kind];
    while let Some(current) = frontier.pop() {
        let next: Vec<PermissionKind> = if checked {
            current.requires().to_vec()
        } else {
            RULED_KINDS
                .into_iter()
                .filter(|dependent| dependent.requires().contains(&current))
                .collect()
        };
        for neighbour in next {
            if neighbour == kind {
                continue;
            }
            if let Err(at) = found.binary_search(&neighbour) {
                found.insert(at, neighbour);
                frontier.push(neighbour);
            }
        }
    }
    found
}

/// Where a checkbox sits in the page's dependency map: the arguments of its
/// `onclick="ProfileDependentCheckboxes.handleClick(this, '<rowKey>', '<permKey>')"` (salesforce.md §D.3).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DependencyKey {
    pub row_key: String,
    pub perm_key: String,
}

/// Salesforce's own dependency table, read from the page's `ProfileDependentCheckboxes` global
/// (salesforce.md §D.3). When a page has it, it is the page's truth and replaces the built-in rules for
/// every checkbox it addresses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DependencyMap {
    /// `dependents[permKey]`: the permission keys the page also checks when `permKey` is checked.
    #[serde(default)]
    pub dependents: BTreeMap<String, Vec<String>>,
    /// `antecedents[permKey]`: the permission keys the page also unchecks when `permKey` is unchecked.
    #[serde(default)]
    pub antecedents: BTreeMap<String, Vec<String>>,
    /// `map[rowKey][permKey]`: the id of that row's checkbox for that permission.
    #[serde(default)]
    pub map: BTreeMap<String, BTreeMap<String, String>>,
}

impl DependencyMap {
    /// The other permission keys that take the same state when `perm_key` is set to `checked`.
    ///
    /// Transitive, whereas the page's handler may apply one level only (Boostr's replica does,
    /// salesforce.md §D.3): both agree when the table is already closed, as Salesforce's own rules are
    /// (§C.2 lists all four requirements of Modify All), and otherwise the transitive answer is the
    /// one Salesforce accepts on Save.
    pub fn closure(&self, perm_key: &str, checked: bool) -> Vec<String> {
        let edges = if checked {
            &self.dependents
        } else {
            &self.antecedents
        };
        // Owned keys: the set type the core already has for row keys.
        let mut found: BTreeSet<String> = BTreeSet::new();
        let mut frontier = vec![perm_key];
        while let Some(current) = frontier.pop() {
            for neighbour in edges.get(current).into_iter().flatten() {
                if neighbour != perm_key && !found.contains(neighbour) {
                    found.insert(neighbour.clone());
                    frontier.push(neighbour);
                }
            }
        }
        found.into_iter().collect()
    }

    /// The id of `row_key`'s checkbox for `perm_key`, when the page maps one.
    pub fn checkbox_id(&self, row_key: &str, perm_key: &str) -> Option<&str> {
        self.map.get(row_key)?.get(perm_key).map(String::as_str)
    }

    /// Checkbox id → its place in the map, for boxes whose onclick the content script did not parse.
    /// An id the map lists twice keeps its first place.
    pub fn keys_by_checkbox_id(&self) -> CheckboxKeys {
        let mut found = CheckboxKeys::default();
        for (row_key, perms) in &self.map {
            for (perm_key, checkbox_id) in perms {
                if !found.index.contains_key(checkbox_id) {
                    found.index.insert(checkbox_id.clone(), found.keys.len());
                    found.keys.push(DependencyKey {
                        row_key: row_key.clone(),
                        perm_key: perm_key.clone(),
                    });
                }
            }
        }
        found
    }
}

/// The map's places by checkbox id ([`DependencyMap::keys_by_checkbox_id`]). An index by name
/// into a list, the form every lookup by name in the worker's core takes, so they share one map
/// type's code.
#[derive(Clone, Debug, Default)]
pub struct CheckboxKeys {
    index: BTreeMap<String, usize>,
    keys: Vec<DependencyKey>,
}

impl CheckboxKeys {
    /// The place of the box with `checkbox_id`.
    pub fn get(&self, checkbox_id: &str) -> Option<&DependencyKey> {
        self.keys.get(*self.index.get(checkbox_id)?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use ObjectPerm::*;

    fn object(perm: ObjectPerm) -> PermissionKind {
        PermissionKind::ObjectPerm { perm }
    }

    fn objects(perms: &[ObjectPerm]) -> Vec<PermissionKind> {
        let mut kinds: Vec<_> = perms.iter().copied().map(object).collect();
        kinds.sort();
        kinds
    }

    #[test]
    fn granting_an_object_permission_grants_what_it_requires() {
        assert_eq!(closure(object(Read), true), vec![]);
        assert_eq!(closure(object(Create), true), objects(&[Read]));
        assert_eq!(closure(object(Edit), true), objects(&[Read]));
        assert_eq!(closure(object(Delete), true), objects(&[Read, Edit]));
        assert_eq!(closure(object(ViewAll), true), objects(&[Read]));
        assert_eq!(
            closure(object(ModifyAll), true),
            objects(&[Read, Edit, Delete, ViewAll])
        );
    }

    #[test]
    fn revoking_an_object_permission_revokes_what_requires_it() {
        assert_eq!(
            closure(object(Read), false),
            objects(&[Create, Edit, Delete, ViewAll, ModifyAll])
        );
        assert_eq!(closure(object(Create), false), vec![]);
        assert_eq!(closure(object(Edit), false), objects(&[Delete, ModifyAll]));
        assert_eq!(closure(object(Delete), false), objects(&[ModifyAll]));
        assert_eq!(closure(object(ViewAll), false), objects(&[ModifyAll]));
        assert_eq!(closure(object(ModifyAll), false), vec![]);
    }

    #[test]
    fn field_edit_needs_read_and_clearing_read_clears_edit() {
        use PermissionKind::{FieldEdit, FieldRead};
        assert_eq!(closure(FieldEdit, true), vec![FieldRead]);
        assert_eq!(closure(FieldRead, true), vec![]);
        assert_eq!(closure(FieldRead, false), vec![FieldEdit]);
        assert_eq!(closure(FieldEdit, false), vec![]);
    }

    #[test]
    fn profile_read_only_needs_visible_and_hiding_clears_read_only() {
        use PermissionKind::{ProfileReadOnly, ProfileVisible};
        assert_eq!(closure(ProfileReadOnly, true), vec![ProfileVisible]);
        assert_eq!(closure(ProfileVisible, true), vec![]);
        assert_eq!(closure(ProfileVisible, false), vec![ProfileReadOnly]);
        assert_eq!(closure(ProfileReadOnly, false), vec![]);
    }

    #[test]
    fn kinds_never_reach_across_families() {
        for kind in [PermissionKind::SystemPermission, PermissionKind::Generic] {
            assert_eq!(closure(kind, true), vec![]);
            assert_eq!(closure(kind, false), vec![]);
        }
        for checked in [true, false] {
            for kind in RULED_KINDS {
                let family = |k: PermissionKind| match k {
                    PermissionKind::FieldRead | PermissionKind::FieldEdit => 0,
                    PermissionKind::ObjectPerm { .. } => 1,
                    _ => 2,
                };
                assert!(closure(kind, checked)
                    .into_iter()
                    .all(|k| family(k) == family(kind)));
            }
        }
    }

    #[test]
    fn object_permission_keys_are_recognised_whole() {
        assert_eq!(ObjectPerm::from_key("PermissionsRead"), Some(Read));
        assert_eq!(ObjectPerm::from_key("allowCreate"), Some(Create));
        assert_eq!(ObjectPerm::from_key("edit"), Some(Edit));
        assert_eq!(ObjectPerm::from_key("PermissionsDelete"), Some(Delete));
        assert_eq!(
            ObjectPerm::from_key("PermissionsViewAllRecords"),
            Some(ViewAll)
        );
        assert_eq!(ObjectPerm::from_key("view_all"), Some(ViewAll));
        assert_eq!(ObjectPerm::from_key("modifyAllRecords"), Some(ModifyAll));
        assert_eq!(ObjectPerm::from_key("PermissionsViewAllData"), None);
        assert_eq!(ObjectPerm::from_key("PermissionsModifyAllData"), None);
        assert_eq!(ObjectPerm::from_key("PermissionsEditTask"), None);
        assert_eq!(ObjectPerm::from_key(""), None);
    }

    fn page_map() -> DependencyMap {
        serde_json::from_str(
            r#"{
              "dependents": {"Delete": ["Read", "Edit"], "Edit": ["Read"], "Loop": ["Back"], "Back": ["Loop"]},
              "antecedents": {"Read": ["Edit"], "Edit": ["Delete"]},
              "map": {"Account": {"Read": "r1", "Edit": "e1", "Delete": "d1"}, "Contact": {"Read": "r1"}}
            }"#,
        )
        .unwrap()
    }

    #[test]
    fn page_map_closes_transitively_and_survives_cycles() {
        let map = page_map();
        assert_eq!(map.closure("Delete", true), vec!["Edit", "Read"]);
        assert_eq!(map.closure("Read", false), vec!["Delete", "Edit"]);
        assert_eq!(map.closure("Read", true), Vec::<String>::new());
        assert_eq!(map.closure("Loop", true), vec!["Back"]);
        assert_eq!(map.closure("Unknown", false), Vec::<String>::new());
    }

    #[test]
    fn page_map_finds_ids_both_ways() {
        let map = page_map();
        assert_eq!(map.checkbox_id("Account", "Edit"), Some("e1"));
        assert_eq!(map.checkbox_id("Account", "Create"), None);
        assert_eq!(map.checkbox_id("Lead", "Read"), None);
        let index = map.keys_by_checkbox_id();
        assert_eq!(index.get("d1").unwrap().row_key, "Account");
        assert_eq!(index.get("d1").unwrap().perm_key, "Delete");
        // "r1" is listed under Account and Contact: the first place wins.
        assert_eq!(index.get("r1").unwrap().row_key, "Account");
        assert!(index.get("x9").is_none());
    }

    #[test]
    fn page_map_parts_default_when_missing() {
        let map: DependencyMap = serde_json::from_str(r#"{"map": {}}"#).unwrap();
        assert_eq!(map, DependencyMap::default());
    }

    #[test]
    fn kinds_serialize_with_a_type_tag() {
        let json = serde_json::to_string(&object(ViewAll)).unwrap();
        assert_eq!(json, r#"{"type":"objectPerm","perm":"viewAll"}"#);
        let json = serde_json::to_string(&PermissionKind::FieldRead).unwrap();
        assert_eq!(json, r#"{"type":"fieldRead"}"#);
    }
}
