//! What the admin asks the generator for: a permission set described as data (a "spec"), the
//! unit that templates save, XML imports produce, plans diff against the org and applies write.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The permission set's license (facts §H, "What this means for Forcefield's generator").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LicenseChoice {
    /// `LicenseId` null: works once the user holds the Salesforce API Integration PSL (§H.Q4).
    #[default]
    None,
    /// `LicenseId` = the `SalesforceAPIIntegrationPsl` permission set license (§H.Q4, §C.6).
    IntegrationPsl,
}

/// One object's permissions: the `Permissions*` flags of an ObjectPermissions row (facts §C.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectAccess {
    pub read: bool,
    pub create: bool,
    pub edit: bool,
    pub delete: bool,
    pub view_all: bool,
    pub modify_all: bool,
}

impl ObjectAccess {
    pub fn is_empty(&self) -> bool {
        !(self.read || self.create || self.edit || self.delete || self.view_all || self.modify_all)
    }

    /// Read-only access.
    pub fn read_only() -> Self {
        Self {
            read: true,
            ..Self::default()
        }
    }
}

/// One field's level of access (facts §C.3: Edit always comes with Read).
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
/// System permission names are the API names without the `Permissions` prefix (facts §E).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionSetSpec {
    /// API name (`PermissionSet.Name`, facts §C.1).
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
}

impl PermissionSetSpec {
    /// The object part of an `Object.Field` key.
    pub fn object_of(field_key: &str) -> &str {
        field_key
            .split_once('.')
            .map_or(field_key, |(object, _)| object)
    }
}
