//! One user's row → their badge: what marks them (integration license, API only, the API
//! Integration PSL), in words, and the health warnings of an integration user's setup.

use super::record::{PermissionSetRow, UserRecord};
use serde::{Deserialize, Serialize};

/// The integration user license (salesforce.md §C.7: decide by license, never by profile name).
pub const INTEGRATION_LICENSE: &str = "Salesforce Integration";
/// The integration permission set license (salesforce.md §C.6).
pub const INTEGRATION_PSL: &str = "SalesforceAPIIntegrationPsl";
const INTEGRATION_PSL_LABEL: &str = "Salesforce API Integration";
/// Key prefixes of the two kinds of `PermissionSet.LicenseId` (salesforce.md §C.1).
const USER_LICENSE_PREFIX: &str = "100";
const PSL_PREFIX: &str = "0PL";

/// Why a user is marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BadgeKind {
    /// The profile's user license is "Salesforce Integration".
    IntegrationLicense,
    /// API Only User, granted by the profile or a permission set.
    ApiOnly,
    /// Holds the `SalesforceAPIIntegrationPsl` permission set license.
    IntegrationPsl,
}

/// What is silently wrong in an integration user's setup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WarningCode {
    MissingIntegrationPsl,
    NoCustomPermissionSet,
    AssignmentWillFail,
    PasswordExpires,
    Inactive,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthWarning {
    pub code: WarningCode,
    pub message: String,
}

/// The badge of one user, keyed by the Id as the page linked it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserBadge {
    pub user_id: String,
    /// True for the Salesforce Integration license: the users the permission set generator
    /// serves.
    pub integration: bool,
    pub kinds: Vec<BadgeKind>,
    /// One sentence per kind, for the tooltip.
    pub reasons: Vec<String>,
    pub warnings: Vec<HealthWarning>,
    /// The admin's chosen icon, when there is one (filled in from `storage.local`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<super::icons::UserIcon>,
}

impl UserBadge {
    /// Whether the page should show a badge at all.
    pub fn is_marked(&self) -> bool {
        !self.kinds.is_empty()
    }
}

fn label_of(ps: &PermissionSetRow) -> String {
    ps.label
        .clone()
        .or_else(|| ps.name.clone())
        .unwrap_or_else(|| "(unnamed permission set)".to_owned())
}

/// Classifies one user from their query row.
pub fn classify(user: &UserRecord) -> UserBadge {
    let profile = user.profile.clone().unwrap_or_default();
    let profile_name = profile.name.as_deref().unwrap_or("(no profile)");
    let license = profile.user_license_name.as_deref().unwrap_or_default();
    let assignments = user
        .permission_set_assignments
        .iter()
        .flat_map(|c| c.records.iter());
    let sets: Vec<PermissionSetRow> = assignments
        .clone()
        .filter_map(|a| a.permission_set.clone())
        .collect();
    // A permission set group grants custom access as well as a custom permission set does.
    let has_group = assignments
        .clone()
        .any(|a| a.permission_set_group_id.is_some());
    let held_psls: Vec<(&str, &str)> = user
        .permission_set_license_assignments
        .iter()
        .flat_map(|c| c.records.iter())
        .map(|a| {
            (
                a.permission_set_license_id.as_deref().unwrap_or_default(),
                a.developer_name.as_deref().unwrap_or_default(),
            )
        })
        .collect();
    // salesforce.md §C.6: one note spells the name `SalesforceAPIIntegrationPSL`.
    let has_integration_psl = held_psls
        .iter()
        .any(|(_, name)| name.eq_ignore_ascii_case(INTEGRATION_PSL));

    let mut kinds = Vec::new();
    let mut reasons = Vec::new();
    let integration = license == INTEGRATION_LICENSE;
    if integration {
        kinds.push(BadgeKind::IntegrationLicense);
        reasons.push(format!(
            "Integration user: profile \u{201c}{profile_name}\u{201d} has the Salesforce Integration user license."
        ));
    }
    let api_only_sources: Vec<String> = profile
        .permissions_api_user_only
        .filter(|on| *on)
        .map(|_| format!("profile \u{201c}{profile_name}\u{201d}"))
        .into_iter()
        .chain(
            sets.iter()
                .filter(|ps| ps.permissions_api_user_only == Some(true))
                .map(|ps| {
                    if ps.is_owned_by_profile {
                        format!("profile \u{201c}{profile_name}\u{201d}")
                    } else {
                        format!("permission set \u{201c}{}\u{201d}", label_of(ps))
                    }
                }),
        )
        .fold(Vec::new(), |mut unique, source| {
            if !unique.contains(&source) {
                unique.push(source);
            }
            unique
        });
    if !api_only_sources.is_empty() {
        kinds.push(BadgeKind::ApiOnly);
        reasons.push(format!(
            "API Only User, granted by {}.",
            api_only_sources.join(" and ")
        ));
    }
    if has_integration_psl {
        kinds.push(BadgeKind::IntegrationPsl);
        reasons.push(format!(
            "Holds the \u{201c}{INTEGRATION_PSL_LABEL}\u{201d} permission set license."
        ));
    }

    let warnings = if integration {
        health(
            user,
            &profile,
            &sets,
            has_group,
            &held_psls,
            has_integration_psl,
        )
    } else {
        Vec::new()
    };
    UserBadge {
        user_id: user.id.clone(),
        integration,
        kinds,
        reasons,
        warnings,
        icon: None,
    }
}

fn health(
    user: &UserRecord,
    profile: &super::record::ProfileRow,
    sets: &[PermissionSetRow],
    has_group: bool,
    held_psls: &[(&str, &str)],
    has_integration_psl: bool,
) -> Vec<HealthWarning> {
    let mut warnings = Vec::new();
    let mut warn = |code, message: String| warnings.push(HealthWarning { code, message });
    if !has_integration_psl {
        // salesforce.md §C.7 / §H.Q4: assign the PSL first; permission sets (License None or the PSL)
        // rely on it.
        warn(
            WarningCode::MissingIntegrationPsl,
            format!("No \u{201c}{INTEGRATION_PSL_LABEL}\u{201d} permission set license: assign it before any permission set, or the user can do little beyond the API-only profile."),
        );
    }
    let custom: Vec<&PermissionSetRow> = sets
        .iter()
        .filter(|ps| !ps.is_owned_by_profile && ps.is_custom)
        .collect();
    if custom.is_empty() && !has_group {
        warn(
            WarningCode::NoCustomPermissionSet,
            "No custom permission set or group: the integration has no object access beyond its profile."
                .to_owned(),
        );
    }
    let profile_license_id = profile.user_license_id.as_deref().unwrap_or_default();
    for ps in sets.iter().filter(|ps| !ps.is_owned_by_profile) {
        let Some(license_id) = ps.license_id.as_deref() else {
            continue;
        };
        let license_name = ps
            .license_name
            .clone()
            .unwrap_or_else(|| license_id.to_owned());
        let fails = if license_id.starts_with(USER_LICENSE_PREFIX) {
            // salesforce.md §C.5: a permission set's user license must match the profile's.
            !same_id(license_id, profile_license_id)
        } else if license_id.starts_with(PSL_PREFIX) {
            // salesforce.md §H.Q4: a PSL-licensed set needs the user to hold that PSL.
            !held_psls.iter().any(|(id, _)| same_id(id, license_id))
        } else {
            false
        };
        if fails {
            warn(
                WarningCode::AssignmentWillFail,
                format!(
                    "Permission set \u{201c}{}\u{201d} is licensed \u{201c}{license_name}\u{201d}, which this user does not have: assigning it fails, and it may not grant what it says.",
                    label_of(ps)
                ),
            );
        }
    }
    let never_expires = profile.permissions_password_never_expires == Some(true)
        || sets
            .iter()
            .any(|ps| ps.permissions_password_never_expires == Some(true));
    if !never_expires {
        // salesforce.md §H.Q5: Password Never Expires comes from the profile or a permission set.
        warn(
            WarningCode::PasswordExpires,
            "Password expires (no Password Never Expires): the integration stops when it does."
                .to_owned(),
        );
    }
    if !user.is_active {
        warn(
            WarningCode::Inactive,
            "Inactive: the integration cannot log in.".to_owned(),
        );
    }
    warnings
}

/// Compares Ids in their 15-character form (the API answers 18; pages and fields may use 15).
fn same_id(a: &str, b: &str) -> bool {
    match (a.get(..15), b.get(..15)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}
