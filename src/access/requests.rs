//! The access feature's requests, through the host's [`Platform`]: which permission sets a user
//! can be given (health panel, access review), and, in the page core, the review itself, its
//! table and CSV, the narrower set and the generator's check of the set it is about to create.
//! Every failure is one message for the admin; nothing here writes to Salesforce.

use super::assign::{self, SetVerdict, Verdict};
use super::read::{self, catalog, checked_id, composite, rows, take, text, Catalog, Sub};
use crate::connection::{connect, ConnectError, Connection};
use crate::platform::Platform;
use crate::salesforce::ApiError;
use serde::{Deserialize, Serialize};

/// Why an access request could not be answered (worded in [`crate::words`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccessError {
    NotAUserId,
    NoSuchUser,
    /// The user's profile licence is not "Salesforce Integration" (salesforce.md §C.7).
    NotIntegration {
        name: String,
        license: String,
    },
    Connect(ConnectError),
    Api(ApiError),
}

impl From<ApiError> for AccessError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl From<ConnectError> for AccessError {
    fn from(e: ConnectError) -> Self {
        Self::Connect(e)
    }
}

/// Which of the org's permission sets can be assigned to a user, and why not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignableSets {
    pub user_id: String,
    pub user_name: String,
    pub verdicts: Vec<SetVerdict>,
    /// API calls the answer took.
    pub api_calls: usize,
}

/// The org of `org_url`, then [`assignable_sets`].
pub async fn assignable_sets_at<P: Platform>(
    platform: &P,
    org_url: &str,
    user_id: &str,
) -> Result<AssignableSets, AccessError> {
    let user_id = checked_id(user_id)
        .filter(|id| id.starts_with("005"))
        .ok_or(AccessError::NotAUserId)?;
    let connection = connect(platform, org_url).await?;
    assignable_sets(platform, &connection, user_id).await
}

/// Every custom permission set of the org with its verdict for `user_id` (salesforce.md §I.9): two
/// composite reads after the cached describes.
pub async fn assignable_sets<P: Platform>(
    platform: &P,
    connection: &Connection<'_, P::Transport>,
    user_id: &str,
) -> Result<AssignableSets, AccessError> {
    let client = connection.client();
    let mut calls = 0;
    let catalog = catalog(&client, connection.org_id(), platform.storage(), &mut calls).await?;
    let subs = vec![
        Sub::query(&client, "user", &read::user_query(user_id), false),
        Sub::query(&client, "psls", &read::psl_query(&catalog), false),
        Sub::query(
            &client,
            "profile",
            &read::profile_permissions_query(&catalog, user_id),
            false,
        ),
    ];
    let mut answers = composite(&client, subs, &mut calls).await?;
    let users = take(&mut answers, "user")?;
    let user = rows(&users).first().ok_or(AccessError::NoSuchUser)?;
    let licences = integration_licences(user, &take(&mut answers, "profile")?, &catalog)?;
    let psls = read::psl_facts(rows(&take(&mut answers, "psls")?), &catalog);
    let assigned: assign::Names = read::children(user, "PermissionSetAssignments")
        .iter()
        .map(|a| text(a, "PermissionSetId"))
        .collect();
    let candidates = read::candidate_permissions(&psls, &catalog);
    let mut answers = composite(
        &client,
        read::org_sets_subs(&client, &candidates),
        &mut calls,
    )
    .await?;
    let sets = read::org_sets(&mut answers, &candidates, &assigned)?;
    Ok(AssignableSets {
        user_id: text(user, "Id"),
        user_name: text(user, "Name"),
        verdicts: assign::check_all(&sets, &licences, &psls, &catalog.permissions),
        api_calls: calls,
    })
}

/// The user's licences, refusing a user who isn't an integration user.
fn integration_licences(
    user: &serde_json::Value,
    profile: &serde_json::Value,
    catalog: &Catalog,
) -> Result<assign::UserLicences, AccessError> {
    let profile_permissions = rows(profile)
        .first()
        .map(|row| read::enabled(row, catalog.permission_names()))
        .unwrap_or_default();
    let licences = read::user_licences(user, profile_permissions);
    if !licences.is_integration() {
        return Err(AccessError::NotIntegration {
            name: text(user, "Name"),
            license: licences.profile_license_name.clone().unwrap_or_default(),
        });
    }
    Ok(licences)
}

/// A user permission as the generator offers it, and what the integration licence says of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionLimit {
    pub name: String,
    /// `MaximumPermissions<Name>` of the Salesforce API Integration licence, where the org
    /// exposes it (salesforce.md §I.8); `None` otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<bool>,
    pub note: String,
}

/// The generator's answer to "can this set be assigned?" before it exists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecAssignment {
    pub verdict: Verdict,
    /// Whom it was checked for, in words.
    pub checked_for: String,
    pub system_permissions: Vec<PermissionLimit>,
}

/// Checks a set the generator is about to create and assign: its licence, its user permissions
/// against the licences the user holds or gets (the generator assigns the integration licence
/// first, salesforce.md §H.Q4), its object permissions against the curated refusals. Without a
/// user, for an integration user holding the Salesforce API Integration licence.
#[cfg(feature = "generator")]
pub async fn check_spec<P: Platform>(
    platform: &P,
    org_url: &str,
    spec: &crate::model::PermissionSetSpec,
    assignee_id: Option<&str>,
    curated: &[&str],
) -> Result<SpecAssignment, AccessError> {
    use crate::model::LicenseChoice;
    let assignee = match assignee_id {
        Some(id) => Some(
            checked_id(id)
                .filter(|id| id.starts_with("005"))
                .ok_or(AccessError::NotAUserId)?,
        ),
        None => None,
    };
    let connection = connect(platform, org_url).await?;
    let client = connection.client();
    let mut calls = 0;
    let catalog = catalog(&client, connection.org_id(), platform.storage(), &mut calls).await?;
    let mut subs = vec![Sub::query(
        &client,
        "psls",
        &read::psl_query(&catalog),
        false,
    )];
    if let Some(user) = assignee {
        subs.push(Sub::query(&client, "user", &read::user_query(user), false));
        subs.push(Sub::query(
            &client,
            "profile",
            &read::profile_permissions_query(&catalog, user),
            false,
        ));
    }
    let mut answers = composite(&client, subs, &mut calls).await?;
    let psls = read::psl_facts(rows(&take(&mut answers, "psls")?), &catalog);
    let integration_psl = psls.iter().find(|p| p.is_integration_psl());
    let (mut licences, checked_for) = match assignee {
        Some(_) => {
            let users = take(&mut answers, "user")?;
            let user = rows(&users).first().ok_or(AccessError::NoSuchUser)?;
            let licences = integration_licences(user, &take(&mut answers, "profile")?, &catalog)?;
            (licences, text(user, "Name"))
        }
        None => (
            assign::UserLicences {
                profile_license_name: Some(assign::INTEGRATION_LICENSE.to_owned()),
                ..assign::UserLicences::default()
            },
            "an integration user".to_owned(),
        ),
    };
    // The generator assigns the Salesforce API Integration licence to an integration user who
    // lacks it, before the set (salesforce.md §H.Q4).
    if let Some(psl) = integration_psl {
        licences.will_get_psls.push(psl.id.clone());
    }
    let set = assign::SetFacts {
        name: spec.name.clone(),
        label: spec.label.clone(),
        license_id: match spec.license {
            LicenseChoice::None => None,
            LicenseChoice::IntegrationPsl => integration_psl.map(|p| p.id.clone()),
        },
        license_name: match spec.license {
            LicenseChoice::None => None,
            LicenseChoice::IntegrationPsl => integration_psl.map(|p| p.label.clone()),
        },
        enabled_permissions: spec.system_permissions.iter().cloned().collect(),
        grants_objects: spec.objects.values().any(|a| !a.is_empty()),
        view_all_standard: spec
            .objects
            .iter()
            .filter(|(o, a)| (a.view_all || a.modify_all) && assign::is_standard_object(o))
            .map(|(o, _)| o.clone())
            .collect(),
        ..assign::SetFacts::default()
    };
    let verdict = assign::check(&set, &licences, &psls, &catalog.permissions);
    let label = integration_psl.map_or("Salesforce API Integration", |p| p.label.as_str());
    let system_permissions = curated
        .iter()
        .map(|name| {
            let allowed = integration_psl.and_then(|p| p.allows(name));
            let note = match allowed {
                Some(true) => format!("The \u{201c}{label}\u{201d} licence allows it."),
                Some(false) => format!("The \u{201c}{label}\u{201d} licence doesn't allow it (MaximumPermissions{name} is false): an integration user can't be given a set with it."),
                None => "This org's licences don't say whether the integration licence allows it.".to_owned(),
            };
            PermissionLimit {
                name: (*name).to_owned(),
                allowed,
                note,
            }
        })
        .collect();
    Ok(SpecAssignment {
        verdict,
        checked_for: if assignee.is_some() {
            checked_for
        } else {
            format!("{checked_for} holding the \u{201c}{label}\u{201d} licence")
        },
        system_permissions,
    })
}

/// The review of `user_id` and the API calls it took.
#[cfg(feature = "generator")]
pub async fn review<P: Platform>(
    platform: &P,
    org_url: &str,
    user_id: &str,
    curated: std::collections::BTreeSet<String>,
) -> Result<(super::review::AccessReview, usize), AccessError> {
    let user_id = checked_id(user_id)
        .filter(|id| id.starts_with("005"))
        .ok_or(AccessError::NotAUserId)?;
    let connection = connect(platform, org_url).await?;
    review_connected(platform, &connection, user_id, curated).await
}

/// [`review`] on a connection already made.
#[cfg(feature = "generator")]
pub async fn review_connected<P: Platform>(
    platform: &P,
    connection: &Connection<'_, P::Transport>,
    user_id: &str,
    curated: std::collections::BTreeSet<String>,
) -> Result<(super::review::AccessReview, usize), AccessError> {
    use super::gather::{gather, GatherError};
    let client = connection.client();
    let mut calls = 0;
    let catalog = catalog(&client, connection.org_id(), platform.storage(), &mut calls).await?;
    let input = gather(&client, &catalog, user_id, curated, &mut calls)
        .await
        .map_err(|e| match e {
            GatherError::NoSuchUser => AccessError::NoSuchUser,
            GatherError::NotIntegration { name, license } => {
                AccessError::NotIntegration { name, license }
            }
            GatherError::Api(e) => AccessError::Api(e),
        })?;
    Ok((super::review::review(&input), calls))
}
