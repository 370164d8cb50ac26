//! Every integration user of an org, for a host that lists or checks them away from Setup pages
//! (the `sf` plugin's `forcefield users list` and `users check`): one query over the org's users,
//! read to its last page (salesforce.md §B.1), each user classified exactly as a badge is.

use crate::platform::Transport;
use crate::salesforce::{ApiError, Client};
use crate::users::classify::{classify, BadgeKind, HealthWarning};
use crate::users::fetch::read_users;
use crate::users::record::{self, AssignmentRow, LicenseAssignmentRow, UserId, UserRecord};
use serde::{Deserialize, Serialize};

/// One marked user (integration license, API only, or the integration permission set license)
/// with what their badge says and what they hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationUser {
    pub id: String,
    pub username: String,
    pub name: String,
    pub active: bool,
    pub profile: Option<String>,
    /// The profile's user license.
    pub user_license: Option<String>,
    /// The Salesforce Integration user license (salesforce.md §C.7): the users a generated
    /// permission set is for, and the only ones given health warnings.
    pub integration: bool,
    /// Permission set licenses held, by DeveloperName (salesforce.md §C.6).
    pub permission_set_licenses: Vec<String>,
    /// Permission sets assigned directly or through a group, by API name (not the profile's own).
    pub permission_sets: Vec<String>,
    pub kinds: Vec<BadgeKind>,
    /// One sentence per kind.
    pub reasons: Vec<String>,
    pub warnings: Vec<HealthWarning>,
}

/// What `users check` finds about one user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// An integration user with nothing to warn about.
    Healthy,
    /// An integration user whose setup has warnings.
    NeedsAttention,
    /// The user exists but is not on the Salesforce Integration license.
    NotIntegration,
    /// No user with that username or Id.
    NotFound,
}

impl IntegrationUser {
    fn of(user: &UserRecord) -> Self {
        let badge = classify(user);
        let assignments = user
            .permission_set_assignments
            .iter()
            .flat_map(|c| c.records.iter());
        let licenses = user
            .permission_set_license_assignments
            .iter()
            .flat_map(|c| c.records.iter());
        let profile = user.profile.clone().unwrap_or_default();
        Self {
            id: user.id.clone(),
            username: user.username.clone().unwrap_or_default(),
            name: user.name.clone().unwrap_or_default(),
            active: user.is_active,
            profile: profile.name,
            user_license: profile.user_license_name,
            integration: badge.integration,
            permission_set_licenses: licenses
                .filter_map(|l: &LicenseAssignmentRow| l.developer_name.clone())
                .collect(),
            permission_sets: assignments
                .filter_map(|a: &AssignmentRow| a.permission_set.as_ref())
                .filter(|set| !set.is_owned_by_profile)
                .filter_map(|set| set.name.clone())
                .collect(),
            kinds: badge.kinds,
            reasons: badge.reasons,
            warnings: badge.warnings,
        }
    }

    /// Whether Forcefield marks the user at all.
    pub fn is_marked(&self) -> bool {
        !self.kinds.is_empty()
    }

    pub fn verdict(&self) -> Verdict {
        match (self.integration, self.warnings.is_empty()) {
            (false, _) => Verdict::NotIntegration,
            (true, true) => Verdict::Healthy,
            (true, false) => Verdict::NeedsAttention,
        }
    }
}

/// The org's marked users, by username, and how many users were read to find them.
pub async fn integration_users<T: Transport>(
    client: &Client<'_, T>,
) -> Result<(Vec<IntegrationUser>, usize), ApiError> {
    let query = record::select_users().order_by("Username").to_string();
    let users = records(read_users(client, &query).await?);
    let scanned = users.len();
    let marked = users
        .iter()
        .map(IntegrationUser::of)
        .filter(IntegrationUser::is_marked)
        .collect();
    Ok((marked, scanned))
}

/// One user, by Id (15 or 18 characters) or username, with their classification; `None` when
/// the org has no such user.
pub async fn find_user<T: Transport>(
    client: &Client<'_, T>,
    user: &str,
) -> Result<Option<IntegrationUser>, ApiError> {
    let user = user.trim();
    let query = match UserId::parse(user) {
        Some(id) => record::select_users().where_eq("Id", id.as_str()),
        None => record::select_users().where_eq("Username", user),
    };
    let users = records(read_users(client, &query.to_string()).await?);
    Ok(users.first().map(IntegrationUser::of))
}

/// The rows as users (a row without an Id is none).
fn records(rows: Vec<serde_json::Value>) -> Vec<UserRecord> {
    rows.iter().filter_map(UserRecord::from_json).collect()
}
