//! The `sf` plugin's own requests (issue #14), answered by the same core as the extension: the
//! plugin is a Node host that sends these ([`CliRequest`]) beside the generator page's requests,
//! which it sends unchanged (plan, apply, resume, clean up, export), so an apply from a terminal
//! is the generator page's apply.
//!
//! * [`users`]: every integration user of an org, classified as a badge is (`users list`,
//!   `users check`, who `--assign` names).
//! * [`spec_file`]: a spec kept as a file (JSON or PermissionSet XML), read strictly, its license
//!   settled against `--license`, and its names checked against the org.

pub mod spec_file;
pub mod users;

use crate::connection::{connect, ConnectError};
use crate::generator::eligibility::ObjectDescribe;
use crate::generator::org;
use crate::model::PermissionSetSpec;
use crate::platform::{Platform, Transport};
use crate::protocol::cli::{
    CliRequest, IntegrationUsers, SpecFits, SpecOutcome, SpecRefused, UserCheck,
};
use crate::protocol::generator::LoadedSpec;
use crate::protocol::Reply;
use crate::salesforce::{ApiError, Client};
use std::collections::BTreeMap;
use users::Verdict;

/// Why a command line request got no answer (worded in [`crate::words`]).
#[derive(Debug)]
pub enum CliError {
    Connect(ConnectError),
    Api(ApiError),
}

impl From<ConnectError> for CliError {
    fn from(e: ConnectError) -> Self {
        Self::Connect(e)
    }
}

impl From<ApiError> for CliError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

/// Answers one of the plugin's own requests.
pub async fn answer<P: Platform>(platform: &P, request: CliRequest) -> Result<Reply, CliError> {
    Ok(match request {
        CliRequest::IntegrationUsers(request) => {
            let connection = connect(platform, &request.org_url).await?;
            let (users, scanned) = users::integration_users(&connection.client()).await?;
            IntegrationUsers { users, scanned }.into()
        }
        CliRequest::CheckUser(request) => {
            let connection = connect(platform, &request.org_url).await?;
            let user = users::find_user(&connection.client(), &request.user).await?;
            UserCheck {
                verdict: user.as_ref().map_or(Verdict::NotFound, |u| u.verdict()),
                user,
            }
            .into()
        }
        CliRequest::ReadSpec(request) => {
            match spec_file::read(&request.file_name, &request.text, request.license) {
                Ok((spec, warnings)) => SpecOutcome::Fits(LoadedSpec { spec, warnings }),
                Err(e) => SpecOutcome::Refused(SpecRefused {
                    message: e.to_string(),
                }),
            }
            .into()
        }
        CliRequest::CheckSpecNames(request) => {
            let connection = connect(platform, &request.org_url).await?;
            let describes = describes(&connection.client(), &request.spec).await?;
            let unknown = spec_file::unknown_names(&request.spec, &describes);
            if unknown.is_empty() {
                SpecOutcome::Fits(SpecFits {})
            } else {
                SpecOutcome::Refused(SpecRefused {
                    message: crate::words::unknown_names(&unknown),
                })
            }
            .into()
        }
    })
}

/// The describes of the objects `spec` names that the org has, by name, in one composite read
/// (more past 25 objects); an object the org lacks answers 404 (salesforce.md §B.2) and is left out.
async fn describes<T: Transport>(
    client: &Client<'_, T>,
    spec: &PermissionSetSpec,
) -> Result<BTreeMap<String, ObjectDescribe>, ApiError> {
    let data = client.version().data_path();
    // A name that isn't an API name can't be in a URL; it is unknown without asking.
    let objects: Vec<String> = org::spec_objects(spec)
        .into_iter()
        .filter(|object| {
            !object.is_empty()
                && object
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .collect();
    if objects.is_empty() {
        return Ok(BTreeMap::new());
    }
    let reads = objects
        .iter()
        .enumerate()
        .map(|(i, object)| {
            (
                format!("describe{i}"),
                format!("{data}/sobjects/{object}/describe"),
                false,
            )
        })
        .collect();
    let mut answers = org::read_many(client, reads).await?;
    let mut found = BTreeMap::new();
    for i in 0..objects.len() {
        match answers.remove(&format!("describe{i}")) {
            Some((200, body)) => {
                if let Ok(describe) = crate::json::read::<ObjectDescribe>(&body) {
                    found.insert(describe.name.clone(), describe);
                }
            }
            Some((404, _)) | None => {}
            Some((status, body)) => return Err(ApiError::from_response(status, &body.to_string())),
        }
    }
    Ok(found)
}
