//! The one query that classifies the users on a page, and the rows it returns: User with its
//! profile's license and permissions, and child subqueries for permission set and permission
//! set license assignments (salesforce.md §C.5, §C.6, §C.7; relationship names §C.6).

use crate::salesforce::soql;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// Users per query: 200 quoted Ids form-encode to about 5.4 KB, which keeps the query URL far
/// below the ~16 KB Salesforce accepts in a GET (salesforce.md §B.1).
pub const USERS_PER_QUERY: usize = 200;

/// A User Id (key prefix `005`, salesforce.md §H.Q1 1b), always held in its 18-character form so 15- and
/// 18-character links of the same user meet. Validated, so it is safe inside a SOQL literal.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(String);

impl UserId {
    pub fn parse(id: &str) -> Option<Self> {
        let well_formed = (id.len() == 15 || id.len() == 18)
            && id.starts_with("005")
            && id.bytes().all(|b| b.is_ascii_alphanumeric());
        if !well_formed {
            return None;
        }
        Some(Self(to18(id.get(..15)?)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Salesforce's case-safe suffix: one character per 5-character chunk, from the bit pattern of
/// its upper-case letters.
fn to18(id15: &str) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    let mut out = id15.to_owned();
    for chunk in id15.as_bytes().chunks(5) {
        let bits = chunk
            .iter()
            .enumerate()
            .filter(|(_, b)| b.is_ascii_uppercase())
            .fold(0usize, |acc, (i, _)| acc | (1 << i));
        // `bits` has at most 5 bits set (a chunk is at most 5 characters).
        out.extend(ALPHABET.get(bits).map(|&b| char::from(b)));
    }
    out
}

/// The SOQL for up to [`USERS_PER_QUERY`] users. Profile-owned permission sets come back among
/// the assignments (`IsOwnedByProfile`, salesforce.md §C.1), and the profile's own `Permissions<Name>`
/// fields are read too (Object Reference "Profile": "One field for each permission").
/// `PermissionSet.License.Name` names a PSL or user license (the polymorphic `LicenseId`, salesforce.md
/// §C.1; the same path in several independent tools' queries, public code).
pub fn soql(ids: &[UserId]) -> String {
    let assignments = soql::select([
        "PermissionSetId",
        "PermissionSetGroupId",
        "PermissionSet.Name",
        "PermissionSet.Label",
        "PermissionSet.IsOwnedByProfile",
        "PermissionSet.IsCustom",
        "PermissionSet.LicenseId",
        "PermissionSet.License.Name",
        "PermissionSet.PermissionsApiUserOnly",
        "PermissionSet.PermissionsPasswordNeverExpires",
    ])
    .from("PermissionSetAssignments");
    let licenses = soql::select([
        "PermissionSetLicenseId",
        "PermissionSetLicense.DeveloperName",
        "PermissionSetLicense.MasterLabel",
    ])
    .from("PermissionSetLicenseAssignments");
    let mut fields: Vec<String> = [
        "Id",
        "Name",
        "IsActive",
        "ProfileId",
        "Profile.Name",
        "Profile.UserLicenseId",
        "Profile.UserLicense.Name",
        "Profile.PermissionsApiUserOnly",
        "Profile.PermissionsPasswordNeverExpires",
    ]
    .map(str::to_owned)
    .to_vec();
    fields.push(assignments.subquery());
    fields.push(licenses.subquery());
    soql::select(fields)
        .from("User")
        .where_in("Id", ids.iter().map(UserId::as_str))
        .to_string()
}

// The rows are read from `serde_json::Value` by hand rather than derived: one generic JSON
// path instead of a deserializer per row type keeps the shipped WebAssembly small.

/// One User row of [`soql`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserRecord {
    pub id: String,
    pub name: Option<String>,
    pub is_active: bool,
    pub profile: Option<ProfileRow>,
    pub permission_set_assignments: Option<Children<AssignmentRow>>,
    pub permission_set_license_assignments: Option<Children<LicenseAssignmentRow>>,
}

pub(crate) fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)?.as_str().map(str::to_owned)
}

pub(crate) fn flag(v: &Value, key: &str) -> Option<bool> {
    v.get(key)?.as_bool()
}

/// A parent object (`null` or absent = none).
fn parent(v: &Value, key: &str) -> Option<Value> {
    v.get(key).filter(|p| p.is_object()).cloned()
}

impl UserRecord {
    /// Reads one row; `None` when it has no Id.
    pub fn from_json(v: &Value) -> Option<Self> {
        Some(Self {
            id: text(v, "Id")?,
            name: text(v, "Name"),
            is_active: flag(v, "IsActive").unwrap_or(false),
            profile: parent(v, "Profile").map(|p| ProfileRow::from_json(&p)),
            permission_set_assignments: v
                .get("PermissionSetAssignments")
                .and_then(|c| Children::from_json(c, AssignmentRow::from_json)),
            permission_set_license_assignments: v
                .get("PermissionSetLicenseAssignments")
                .and_then(|c| Children::from_json(c, LicenseAssignmentRow::from_json)),
        })
    }
}

/// A child subquery's result: `null` when there are no children, else a query page of its own
/// (salesforce.md §B.1), which may itself continue at `nextRecordsUrl`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Children<R> {
    pub done: bool,
    pub next_records_url: Option<String>,
    pub records: Vec<R>,
}

impl<R> Default for Children<R> {
    fn default() -> Self {
        Self {
            done: true,
            next_records_url: None,
            records: Vec::new(),
        }
    }
}

impl<R> Children<R> {
    /// Reads a query page of child rows; `None` for `null` or anything that is not one.
    pub fn from_json(v: &Value, row: fn(&Value) -> R) -> Option<Self> {
        let records = v.get("records")?.as_array()?;
        Some(Self {
            done: flag(v, "done").unwrap_or(true),
            next_records_url: text(v, "nextRecordsUrl"),
            records: records.iter().map(row).collect(),
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileRow {
    pub name: Option<String>,
    pub user_license_id: Option<String>,
    pub user_license_name: Option<String>,
    pub permissions_api_user_only: Option<bool>,
    pub permissions_password_never_expires: Option<bool>,
}

impl ProfileRow {
    fn from_json(v: &Value) -> Self {
        Self {
            name: text(v, "Name"),
            user_license_id: text(v, "UserLicenseId"),
            user_license_name: parent(v, "UserLicense").and_then(|l| text(&l, "Name")),
            permissions_api_user_only: flag(v, "PermissionsApiUserOnly"),
            permissions_password_never_expires: flag(v, "PermissionsPasswordNeverExpires"),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssignmentRow {
    pub permission_set_id: Option<String>,
    /// Set when the assignment is of a permission set group (salesforce.md §C.5, API 45.0+).
    pub permission_set_group_id: Option<String>,
    pub permission_set: Option<PermissionSetRow>,
}

impl AssignmentRow {
    pub fn from_json(v: &Value) -> Self {
        Self {
            permission_set_id: text(v, "PermissionSetId"),
            permission_set_group_id: text(v, "PermissionSetGroupId"),
            permission_set: parent(v, "PermissionSet").map(|p| PermissionSetRow::from_json(&p)),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PermissionSetRow {
    pub name: Option<String>,
    pub label: Option<String>,
    pub is_owned_by_profile: bool,
    pub is_custom: bool,
    /// A PermissionSetLicense (`0PL`) or a UserLicense (`100`) Id, or none (salesforce.md §C.1).
    pub license_id: Option<String>,
    pub license_name: Option<String>,
    pub permissions_api_user_only: Option<bool>,
    pub permissions_password_never_expires: Option<bool>,
}

impl PermissionSetRow {
    fn from_json(v: &Value) -> Self {
        Self {
            name: text(v, "Name"),
            label: text(v, "Label"),
            is_owned_by_profile: flag(v, "IsOwnedByProfile").unwrap_or(false),
            is_custom: flag(v, "IsCustom").unwrap_or(false),
            license_id: text(v, "LicenseId"),
            license_name: parent(v, "License").and_then(|l| text(&l, "Name")),
            permissions_api_user_only: flag(v, "PermissionsApiUserOnly"),
            permissions_password_never_expires: flag(v, "PermissionsPasswordNeverExpires"),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LicenseAssignmentRow {
    pub permission_set_license_id: Option<String>,
    pub developer_name: Option<String>,
    pub master_label: Option<String>,
}

impl LicenseAssignmentRow {
    pub fn from_json(v: &Value) -> Self {
        let psl = parent(v, "PermissionSetLicense");
        Self {
            permission_set_license_id: text(v, "PermissionSetLicenseId"),
            developer_name: psl.as_ref().and_then(|p| text(p, "DeveloperName")),
            master_label: psl.as_ref().and_then(|p| text(p, "MasterLabel")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids_are_validated_and_made_case_safe() {
        // Known pair: the sim and Salesforce agree on the suffix algorithm.
        assert_eq!(
            UserId::parse("005D0000001RFek").map(|id| id.to_string()),
            Some("005D0000001RFekIAG".to_owned())
        );
        assert_eq!(
            UserId::parse("005D0000001RFekIAG"),
            UserId::parse("005D0000001RFek")
        );
        for bad in [
            "",
            "005",
            "00eD0000001RFek",
            "005D0000001RFe'",
            "005D0000001RFek') OR Id != ('",
        ] {
            assert_eq!(UserId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn two_hundred_users_fit_one_query_url() {
        let ids: Vec<UserId> = (0..USERS_PER_QUERY)
            .filter_map(|i| UserId::parse(&format!("005AM{i:010}")))
            .collect();
        assert_eq!(ids.len(), USERS_PER_QUERY);
        let encoded_len: usize = soql(&ids)
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b == b' ' {
                    1
                } else {
                    3
                }
            })
            .sum();
        assert!(encoded_len < 16_000, "{encoded_len}");
    }
}
