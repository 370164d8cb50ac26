//! The calls behind default record types, through the host's platform.
//!
//! Reading a profile's defaults takes three round trips (five API calls): the user or profile and
//! the org's record types together; then the profile's Metadata API name (Tooling `FullName`,
//! salesforce.md §I.12) and the count of its active users together; then `readMetadata`.
//!
//! Setting a default takes three round trips (four calls): the profile (`readMetadata`) and the
//! object's record types together, so the change is computed from the org as it is now; the
//! `updateMetadata` naming only the changed entries (§I.13); `readMetadata` again to verify.

use super::view::{self, RecordTypeRow};
use super::{ProfileSummary, RecordTypeDefaults, RecordTypesError, UserRef};
use crate::connection::{connect, Connection};
use crate::platform::{Platform, Transport};
use crate::salesforce::metadata_api::{object_of, MetadataError};
use crate::salesforce::{form_encode, soql, ApiError, Client};
use futures_util::future::join;
use serde::Deserialize;
use serde_json::Value;

/// Whose profile: a user's (the integration user's page) or a profile's directly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    User(String),
    Profile(String),
}

/// A change the admin confirmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetDefault {
    pub org_url: String,
    pub profile_id: String,
    pub profile_name: String,
    /// The Metadata API name, as [`defaults`] gave it.
    pub profile_full_name: String,
    /// `Object.DeveloperName`.
    pub record_type: String,
    /// The default the page showed when the admin chose: if the org has another by now, nothing
    /// is sent.
    pub shown_default: Option<String>,
}

/// An Id with `prefix`, safe inside SOQL (15 or 18 alphanumerics).
fn checked_id(id: &str, prefix: &str) -> Result<String, RecordTypesError> {
    let ok = (id.len() == 15 || id.len() == 18)
        && id.starts_with(prefix)
        && id.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then(|| id.to_owned())
        .ok_or_else(|| RecordTypesError::NotAnId(id.to_owned()))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UserRow {
    id: String,
    name: String,
    username: String,
    profile_id: Option<String>,
    profile: Option<ProfileRow>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProfileRow {
    #[serde(default)]
    id: Option<String>,
    name: String,
    user_license: Option<LicenseRow>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct LicenseRow {
    name: String,
}

/// The profile (Id, name, licence) and, for a user target, the user.
async fn whose<T: Transport>(
    client: &Client<'_, T>,
    target: &Target,
) -> Result<(String, ProfileRow, Option<UserRef>), RecordTypesError> {
    match target {
        Target::User(id) => {
            let id = checked_id(id, "005")?;
            let rows: Vec<UserRow> = client
                .query(
                    &soql::select([
                        "Id",
                        "Name",
                        "Username",
                        "ProfileId",
                        "Profile.Name",
                        "Profile.UserLicense.Name",
                    ])
                    .from("User")
                    .where_eq("Id", &id)
                    .to_string(),
                )
                .await?;
            let user = rows
                .into_iter()
                .next()
                .ok_or_else(|| RecordTypesError::NoSuchUser(id.clone()))?;
            let (Some(profile_id), Some(profile)) = (user.profile_id, user.profile) else {
                return Err(RecordTypesError::NoSuchUser(id));
            };
            let reference = UserRef {
                id: user.id,
                name: user.name,
                username: user.username,
            };
            Ok((profile_id, profile, Some(reference)))
        }
        Target::Profile(id) => {
            let id = checked_id(id, "00e")?;
            let rows: Vec<ProfileRow> = client
                .query(
                    &soql::select(["Id", "Name", "UserLicense.Name"])
                        .from("Profile")
                        .where_eq("Id", &id)
                        .to_string(),
                )
                .await?;
            let profile = rows
                .into_iter()
                .next()
                .ok_or_else(|| RecordTypesError::NoSuchProfile(id.clone()))?;
            let profile_id = profile.id.clone().unwrap_or(id);
            Ok((profile_id, profile, None))
        }
    }
}

/// The org's record types, all objects or one (`object` is a checked API name).
async fn record_types<T: Transport>(
    client: &Client<'_, T>,
    object: Option<&str>,
) -> Result<Vec<RecordTypeRow>, ApiError> {
    let mut query = soql::select([
        "Id",
        "Name",
        "DeveloperName",
        "NamespacePrefix",
        "SobjectType",
        "IsActive",
    ])
    .from("RecordType");
    if let Some(object) = object {
        query = query.where_eq("SobjectType", object);
    }
    client
        .query(&query.order_by("SobjectType, Name").to_string())
        .await
}

/// The profile's Metadata API name: the Tooling API's `Profile.FullName`, which may be queried
/// for one row at a time (salesforce.md §I.12).
async fn metadata_name<T: Transport>(
    client: &Client<'_, T>,
    profile_id: &str,
) -> Result<Option<String>, ApiError> {
    let query = soql::select(["Id", "FullName"])
        .from("Profile")
        .where_eq("Id", profile_id)
        .to_string();
    let path = format!(
        "{}/tooling/query?q={}",
        client.version().data_path(),
        form_encode(&query)
    );
    let answer: Value = client.get(&path, "the profile's Metadata API name").await?;
    Ok(answer
        .get("records")
        .and_then(|r| r.get(0))
        .and_then(|r| r.get("FullName"))
        .and_then(Value::as_str)
        .filter(|name| !name.is_empty())
        .map(str::to_owned))
}

/// How many active users have the profile (`totalSize` of a `COUNT()` query, salesforce.md §B.1).
async fn active_users<T: Transport>(
    client: &Client<'_, T>,
    profile_id: &str,
) -> Result<u64, ApiError> {
    let query = soql::select(["COUNT()"])
        .from("User")
        .where_eq("ProfileId", profile_id)
        .where_bool("IsActive", true)
        .to_string();
    let path = format!(
        "{}/query?q={}",
        client.version().data_path(),
        form_encode(&query)
    );
    let answer: Value = client.get(&path, "a count of users").await?;
    answer
        .get("totalSize")
        .and_then(Value::as_u64)
        .ok_or_else(|| ApiError::malformed("a count of users", "no totalSize"))
}

fn settings<T: Transport>(
    connection: &Connection<'_, T>,
    profile_id: &str,
    profile_name: &str,
) -> impl Fn(&str) -> String {
    let host = connection.session.api_host.clone();
    let profile_id = profile_id.to_owned();
    let profile_name = profile_name.to_owned();
    move |object| view::settings_url(&host, &profile_id, &profile_name, object)
}

/// A profile's default record types, object by object, with the user count a confirmation shows.
pub async fn defaults<P: Platform>(
    platform: &P,
    org_url: &str,
    target: &Target,
) -> Result<RecordTypeDefaults, RecordTypesError> {
    let connection = connect(platform, org_url).await?;
    let client = connection.client();
    let (whose, rows) = join(whose(&client, target), record_types(&client, None)).await;
    let (profile_id, profile, user) = whose?;
    let rows = rows?;
    let (full_name, active) = join(
        metadata_name(&client, &profile_id),
        active_users(&client, &profile_id),
    )
    .await;
    let full_name =
        full_name?.ok_or_else(|| RecordTypesError::NoMetadataName(profile.name.clone()))?;
    let active_users = active?;
    let read = connection.metadata().read_profile(&full_name).await?;
    let objects = view::objects(
        &rows,
        &read.visibilities,
        settings(&connection, &profile_id, &profile.name),
    );
    let user_license = profile.user_license.map(|l| l.name);
    Ok(RecordTypeDefaults {
        profile: ProfileSummary {
            integration: user_license.as_deref() == Some(view::INTEGRATION_LICENSE),
            id: profile_id,
            name: profile.name,
            full_name: read.full_name,
            user_license,
            active_users,
        },
        user,
        objects,
    })
}

/// Makes `request.record_type` the default of its object for the profile, verified by reading
/// the profile again; on success, the object as the profile has it now.
pub async fn set_default<P: Platform>(
    platform: &P,
    request: &SetDefault,
) -> Result<view::ObjectRecordTypes, RecordTypesError> {
    // Checked before anything is asked: the name goes into SOQL and the update.
    if !view::is_record_type_name(&request.record_type) {
        return Err(view::PlanError::NotARecordTypeName(request.record_type.clone()).into());
    }
    let profile_id = checked_id(&request.profile_id, "00e")?;
    let object = object_of(&request.record_type).to_owned();
    let connection = connect(platform, &request.org_url).await?;
    let client = connection.client();
    let metadata = connection.metadata();
    let settings = settings(&connection, &profile_id, &request.profile_name);
    let settings_url = settings(&object);
    let (read, rows) = join(
        metadata.read_profile(&request.profile_full_name),
        record_types(&client, Some(&object)),
    )
    .await;
    let before = read?;
    let rows = rows?;
    let now = view::current_defaults(&before.visibilities, &object)
        .map(|v| v.record_type.clone())
        .next();
    if now != request.shown_default {
        return Err(RecordTypesError::Changed { object, now });
    }
    let changes = view::plan_default(&before.visibilities, &rows, &request.record_type)?;
    match metadata
        .update_record_types(&before.full_name, &changes)
        .await
    {
        Ok(()) => {}
        Err(MetadataError::NotSaved { errors }) => {
            return Err(RecordTypesError::Refused {
                errors,
                settings_url,
            })
        }
        Err(other) => return Err(other.into()),
    }
    let after = metadata.read_profile(&before.full_name).await?;
    if let Err(now) = view::verify(&after.visibilities, &request.record_type) {
        return Err(RecordTypesError::NotApplied {
            object,
            record_type: request.record_type.clone(),
            now,
            settings_url,
        });
    }
    view::objects(&rows, &after.visibilities, settings)
        .into_iter()
        .find(|o| o.object == object)
        .ok_or_else(|| {
            ApiError::malformed(
                "the profile read again",
                format!("no {object} record types"),
            )
            .into()
        })
}
