//! The one query that classifies the users on a page, and the rows it returns: User with its
//! profile's license and permissions, and child subqueries for permission set and permission
//! set license assignments (facts §C.5, §C.6, §C.7; relationship names §C.6).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Users per query: 200 quoted Ids form-encode to about 5.4 KB, which keeps the query URL far
/// below the ~16 KB Salesforce accepts in a GET (facts §B.1).
pub const USERS_PER_QUERY: usize = 200;

/// A User Id (key prefix `005`, facts §H.Q1 1b), always held in its 18-character form so 15- and
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
        Some(Self(to18(&id[..15])))
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
        out.push(char::from(ALPHABET[bits & 31]));
    }
    out
}

/// The SOQL for up to [`USERS_PER_QUERY`] users. Profile-owned permission sets come back among
/// the assignments (`IsOwnedByProfile`, facts §C.1), and the profile's own `Permissions<Name>`
/// fields are read too (Object Reference "Profile": one boolean per permission).
pub fn soql(ids: &[UserId]) -> String {
    let list: Vec<String> = ids.iter().map(|id| format!("'{id}'")).collect();
    format!(
        "SELECT Id, Name, IsActive, ProfileId, Profile.Name, Profile.UserLicenseId, \
         Profile.UserLicense.Name, Profile.PermissionsApiUserOnly, \
         Profile.PermissionsPasswordNeverExpires, \
         (SELECT PermissionSetId, PermissionSet.Name, PermissionSet.Label, \
         PermissionSet.IsOwnedByProfile, PermissionSet.IsCustom, PermissionSet.LicenseId, \
         PermissionSet.License.Name, PermissionSet.PermissionsApiUserOnly, \
         PermissionSet.PermissionsPasswordNeverExpires FROM PermissionSetAssignments), \
         (SELECT PermissionSetLicenseId, PermissionSetLicense.DeveloperName, \
         PermissionSetLicense.MasterLabel FROM PermissionSetLicenseAssignments) \
         FROM User WHERE Id IN ({})",
        list.join(", ")
    )
}

/// One User row of [`soql`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserRecord {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub is_active: bool,
    #[serde(default)]
    pub profile: Option<ProfileRow>,
    #[serde(default)]
    pub permission_set_assignments: Option<Children<AssignmentRow>>,
    #[serde(default)]
    pub permission_set_license_assignments: Option<Children<LicenseAssignmentRow>>,
}

/// A child subquery's result: `null` when there are no children, else a query page of its own
/// (facts §B.1), which may itself continue at `nextRecordsUrl`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Children<R> {
    #[serde(default = "yes")]
    pub done: bool,
    #[serde(default)]
    pub next_records_url: Option<String>,
    pub records: Vec<R>,
}

fn yes() -> bool {
    true
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

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Named {
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProfileRow {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub user_license_id: Option<String>,
    #[serde(default)]
    pub user_license: Option<Named>,
    #[serde(default)]
    pub permissions_api_user_only: Option<bool>,
    #[serde(default)]
    pub permissions_password_never_expires: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssignmentRow {
    #[serde(default)]
    pub permission_set_id: Option<String>,
    #[serde(default)]
    pub permission_set: Option<PermissionSetRow>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionSetRow {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub is_owned_by_profile: bool,
    #[serde(default)]
    pub is_custom: bool,
    /// A PermissionSetLicense (`0PL`) or a UserLicense (`100`) Id, or none (facts §C.1).
    #[serde(default)]
    pub license_id: Option<String>,
    #[serde(default)]
    pub license: Option<Named>,
    #[serde(default)]
    pub permissions_api_user_only: Option<bool>,
    #[serde(default)]
    pub permissions_password_never_expires: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LicenseAssignmentRow {
    #[serde(default)]
    pub permission_set_license_id: Option<String>,
    #[serde(default)]
    pub permission_set_license: Option<LicenseRow>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LicenseRow {
    #[serde(default)]
    pub developer_name: Option<String>,
    #[serde(default)]
    pub master_label: Option<String>,
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
