//! Serves the generator's requests (the `Request` variants after `setOrgEnabled`): resolves the
//! org from `orgUrl` as the popup does, reads through [`super::org`], plans with
//! [`super::plan`], and advances applies with [`super::apply`].

use super::curated;
use super::eligibility::{field_choices, ObjectDescribe};
use super::org::{self, OrgCatalog, Target};
use super::plan::{self, same_id};
use super::templates;
use super::view::{
    ApiCalls, GeneratorContext, PermissionSetChoice, PlanView, ProfileChoice, PslSummary,
    SystemPermissionChoice, UserSummary, ViewAllFieldsChoice,
};
use crate::connection::{connect, ConnectError, Connection};
use crate::model::{FieldAccess, LicenseChoice, ObjectAccess, PermissionSetSpec};
use crate::platform::{KeyValueStore, Platform, Transport};
use crate::protocol::{AccessSource, Reply, Request};
use crate::salesforce::{ApiError, Client, Session};
use serde_json::Value;
use std::collections::BTreeMap;

pub(super) fn failed(message: impl Into<String>) -> Reply {
    Reply::Failed {
        message: message.into(),
    }
}

/// Answers one generator request.
pub async fn handle<P: Platform>(platform: &P, request: Request) -> Reply {
    match request {
        Request::ObjectAccessChange {
            access,
            permission,
            on,
        } => Reply::ObjectAccess {
            access: access.changed(permission, on),
        },
        Request::ViewAllFieldsChange { access, on } => Reply::ObjectAccess {
            access: access.with_view_all_fields(on),
        },
        Request::DeriveNames { integration_name } => {
            Reply::Names(super::names::derive(&integration_name))
        }
        Request::ImportXml { xml, file_name } => {
            match super::metadata::import(&xml, file_name.as_deref()) {
                Ok((spec, warnings)) => Reply::Spec { spec, warnings },
                Err(e) => failed(e.to_string()),
            }
        }
        Request::ExportXml { spec } => Reply::Xml {
            file_name: super::metadata::file_name(&spec),
            xml: super::metadata::export(&spec),
        },
        Request::SaveTemplate { name, spec } => {
            if name.trim().is_empty() {
                return failed("A template needs a name.");
            }
            change_templates(platform.storage(), |templates| {
                templates.0.insert(name.trim().to_owned(), spec);
            })
            .await
        }
        Request::DeleteTemplate { name } => {
            change_templates(platform.storage(), |templates| {
                templates.0.remove(&name);
            })
            .await
        }
        Request::LoadTemplate { name } => match templates::load(platform.storage()).await {
            Ok(mut templates) => match templates.0.remove(&name) {
                Some(spec) => Reply::Spec {
                    spec,
                    warnings: Vec::new(),
                },
                None => failed(format!("No template is called \"{name}\".")),
            },
            Err(e) => failed(e.to_string()),
        },
        Request::GeneratorContext { org_url, user_id } => {
            let connection = match connect(platform, &org_url).await {
                Ok(connection) => connection,
                Err(e) => return connect_failed(e),
            };
            reply(generator_context(platform.storage(), &connection, user_id.as_deref()).await)
        }
        Request::ObjectFields { org_url, sobject } => {
            let connection = match connect(platform, &org_url).await {
                Ok(connection) => connection,
                Err(e) => return connect_failed(e),
            };
            reply(object_fields(&connection.client(), sobject).await)
        }
        Request::LoadAccess { org_url, source } => {
            let connection = match connect(platform, &org_url).await {
                Ok(connection) => connection,
                Err(e) => return connect_failed(e),
            };
            reply(load_access(platform.storage(), &connection, source).await)
        }
        Request::LoadUnion { org_url, sources } => {
            let connection = match connect(platform, &org_url).await {
                Ok(connection) => connection,
                Err(e) => return connect_failed(e),
            };
            reply(load_union(platform.storage(), &connection, sources).await)
        }
        Request::PlanPermissionSet {
            org_url,
            spec,
            assignee_id,
            target_permission_set_id,
            use_composite,
        } => {
            let target = PlanTarget {
                assignee_id: assignee_id.as_deref(),
                permission_set_id: target_permission_set_id.as_deref(),
                use_composite,
            };
            match plan_for(platform, &org_url, &spec, target).await {
                Ok((_, plan, _)) => Reply::Plan { plan },
                Err(reply) => reply,
            }
        }
        request @ (Request::StartApply { .. }
        | Request::ContinueApply { .. }
        | Request::FinishCleanUp { .. }
        | Request::PendingApplies { .. }
        | Request::ResolveAttention { .. }) => {
            super::apply_requests::handle(platform, request).await
        }
        Request::CreateIntegrationUser {
            org_url,
            first_name,
            last_name,
            username,
            email,
            alias,
        } => {
            let connection = match connect(platform, &org_url).await {
                Ok(connection) => connection,
                Err(e) => return connect_failed(e),
            };
            let input = super::user::NewUser {
                first_name: first_name.unwrap_or_default(),
                last_name,
                username,
                email,
                alias: alias.unwrap_or_default(),
            };
            match super::user::create(&connection.client(), &input).await {
                Ok((user_id, username)) => Reply::UserCreated { user_id, username },
                Err(message) => failed(message),
            }
        }
        _ => failed("This request is not a generator request."),
    }
}

fn reply(result: Result<Reply, ApiError>) -> Reply {
    result.unwrap_or_else(|e| failed(e.message))
}

/// The page is told why the org could not be reached.
pub(super) fn connect_failed(e: ConnectError) -> Reply {
    match e {
        ConnectError::Session(e) => failed(e.to_string()),
        ConnectError::Api(e) => failed(e.message),
    }
}

/// Loads the templates (an unreadable store is kept aside first), changes them, saves them.
async fn change_templates(
    store: &impl KeyValueStore,
    change: impl FnOnce(&mut templates::Templates),
) -> Reply {
    let mut saved = match templates::load_for_change(store).await {
        Ok(saved) => saved,
        Err(e) => return failed(e.to_string()),
    };
    change(&mut saved);
    match templates::save(store, &saved).await {
        Ok(()) => Reply::Templates {
            templates: saved.list(),
        },
        Err(e) => failed(format!("The templates could not be saved: {e}")),
    }
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Everything the generator page opens with: one composite read after the catalog.
async fn generator_context<T: Transport>(
    store: &impl KeyValueStore,
    connection: &Connection<'_, T>,
    user_id: Option<&str>,
) -> Result<Reply, ApiError> {
    let (client, session) = (&connection.client(), &connection.session);
    let summary = org::org_summary(client, session, store).await?;
    let catalog = org::fresh_catalog(client, session, store).await?;
    let mut reads = vec![
        (
            "psl".to_owned(),
            org::query_path(client, &format!("SELECT Id, DeveloperName, MasterLabel, TotalLicenses, UsedLicenses FROM PermissionSetLicense WHERE DeveloperName = '{}'", plan::INTEGRATION_PSL)),
            true,
        ),
        (
            "sets".to_owned(),
            org::query_path(client, "SELECT Id, Name, Label, Type, PermissionSetGroupId, License.Name FROM PermissionSet WHERE IsOwnedByProfile = false ORDER BY Label"),
            true,
        ),
        (
            "profiles".to_owned(),
            org::query_path(client, "SELECT Id, Name FROM Profile ORDER BY Name"),
            true,
        ),
    ];
    if let Some(user) = user_id {
        let user = org::checked_id(user)?;
        reads.push((
            "user".to_owned(),
            org::query_path(client, &org::user_soql(&format!("Id = '{user}'"))),
            true,
        ));
    }
    let mut answers = org::read_many(client, reads).await?;
    let integration_psl = org::take(&mut answers, "psl")?
        .as_array()
        .and_then(|rows| rows.first().cloned())
        .map(|row| PslSummary {
            id: text(&row, "Id"),
            developer_name: text(&row, "DeveloperName"),
            label: text(&row, "MasterLabel"),
            total: org::count(&row, "TotalLicenses"),
            used: org::count(&row, "UsedLicenses"),
        });
    let permission_sets = org::take(&mut answers, "sets")?
        .as_array()
        .into_iter()
        .flatten()
        .filter(|row| {
            text(row, "Type") != "Group"
                && row.get("PermissionSetGroupId").is_none_or(Value::is_null)
        })
        .map(|row| PermissionSetChoice {
            id: text(row, "Id"),
            name: text(row, "Name"),
            label: text(row, "Label"),
            license_label: row
                .get("License")
                .and_then(|l| l.get("Name"))
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
        .collect();
    let profiles = org::take(&mut answers, "profiles")?
        .as_array()
        .into_iter()
        .flatten()
        .map(|row| ProfileChoice {
            id: text(row, "Id"),
            name: text(row, "Name"),
        })
        .collect();
    let user = match user_id {
        None => None,
        Some(_) => {
            let rows = org::take(&mut answers, "user")?;
            let Some(row) = rows.as_array().and_then(|r| r.first()) else {
                return Ok(failed("That user doesn't exist in this org."));
            };
            let state = org::assignee_of(row);
            Some(UserSummary {
                id: state.id,
                name: state.name,
                username: text(row, "Username"),
                is_integration: state.is_integration,
                has_integration_psl: state.has_integration_psl,
                profile_name: row
                    .get("Profile")
                    .and_then(|p| p.get("Name"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                assigned_permission_sets: org::assigned_sets(row),
            })
        }
    };
    Ok(Reply::GeneratorContext(GeneratorContext {
        org: summary,
        user,
        objects: catalog.objects.clone(),
        system_permissions: system_permission_choices(&catalog),
        integration_psl,
        permission_sets,
        templates: templates::load(store)
            .await
            .map(|t| t.list())
            .unwrap_or_default(),
        set_aside_templates: templates::set_aside(store).await,
        profiles,
        view_all_fields: ViewAllFieldsChoice::for_org(catalog.view_all_fields),
    }))
}

/// The curated list against the org: which exist, what they require (salesforce.md §H.Q5).
fn system_permission_choices(catalog: &OrgCatalog) -> Vec<SystemPermissionChoice> {
    curated::SYSTEM_PERMISSIONS
        .iter()
        .map(|(name, explanation, risk)| {
            let label = catalog
                .permission_fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, label)| label.clone());
            let available = label.is_some();
            SystemPermissionChoice {
                name: (*name).to_owned(),
                label: label.unwrap_or_else(|| (*name).to_owned()),
                explanation: (*explanation).to_owned(),
                risk: *risk,
                // Every level of prerequisites (salesforce.md §I.14), so the page's box follows
                // them all at once.
                requires: plan::prerequisites_of(&catalog.dependencies, name)
                    .into_iter()
                    .collect(),
                available,
                unavailable_reason: (!available)
                    .then(|| "This org's permission sets don't have this permission.".to_owned()),
            }
        })
        .collect()
}

async fn object_fields<T: Transport>(
    client: &Client<'_, T>,
    sobject: String,
) -> Result<Reply, ApiError> {
    if !sobject
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        || sobject.is_empty()
    {
        return Ok(failed(format!("{sobject:?} is not an object API name.")));
    }
    let describe: ObjectDescribe = client
        .get(
            &format!(
                "{}/sobjects/{sobject}/describe",
                client.version().data_path()
            ),
            "the object's describe",
        )
        .await?;
    Ok(Reply::ObjectFields {
        fields: field_choices(&describe),
        sobject: describe.name,
    })
}

/// What a plan is for: whom it assigns, which existing set it updates (else the spec's name
/// finds it), and whether the org takes mixed Setup types in one composite request.
#[derive(Clone, Copy)]
pub(super) struct PlanTarget<'a> {
    pub assignee_id: Option<&'a str>,
    pub permission_set_id: Option<&'a str>,
    pub use_composite: bool,
}

/// Connects to the org of `org_url` and plans `spec` there: the session (an apply goes on with
/// it), the preview, and the writes behind it.
async fn plan_for<P: Platform>(
    platform: &P,
    org_url: &str,
    spec: &PermissionSetSpec,
    target: PlanTarget<'_>,
) -> Result<(Session, PlanView, plan::WritePlan), Reply> {
    let connection = connect(platform, org_url).await.map_err(connect_failed)?;
    let (view, write_plan) = read_and_plan(
        platform.storage(),
        &connection.client(),
        &connection.session,
        spec,
        target,
    )
    .await
    .map_err(|e| failed(e.message))?;
    Ok((connection.session, view, write_plan))
}

/// Reads the org and plans: the preview and the writes behind it.
pub(super) async fn read_and_plan<T: Transport>(
    store: &impl KeyValueStore,
    client: &Client<'_, T>,
    session: &Session,
    spec: &PermissionSetSpec,
    target: PlanTarget<'_>,
) -> Result<(PlanView, plan::WritePlan), ApiError> {
    let summary = org::org_summary(client, session, store).await?;
    let catalog = org::catalog(client, session, store).await?;
    let existing = match target.permission_set_id {
        Some(id) => Target::ById(id),
        None => Target::ByName(&spec.name),
    };
    let state = org::read_state(client, &catalog, spec, existing, target.assignee_id).await?;
    let write_plan = plan::plan(spec, &state, target.use_composite);
    let view = PlanView {
        requires_confirmation: summary.is_production,
        org: summary,
        permission_set: write_plan.permission_set.clone(),
        steps: write_plan.steps.iter().map(|s| s.view.clone()).collect(),
        // The apply reads the state again, as this plan just did (and who the applying user is,
        // alongside), then writes.
        api_calls: ApiCalls {
            reads: state.reads + 1,
            writes: write_plan.calls.len(),
        },
        warnings: write_plan.warnings.clone(),
        blockers: write_plan.blockers.clone(),
        excluded_fields: write_plan.excluded_fields.clone(),
        license_change: write_plan.license_change.clone(),
        composite: target.use_composite,
        fingerprint: write_plan.fingerprint.clone(),
        changed_since_preview: false,
    };
    Ok((view, write_plan))
}

/// A spec copied from an existing permission set or a profile (its hidden permission set,
/// salesforce.md §C.1).
async fn load_access<T: Transport>(
    store: &impl KeyValueStore,
    connection: &Connection<'_, T>,
    source: AccessSource,
) -> Result<Reply, ApiError> {
    Ok(match load_one(store, connection, &source).await? {
        Ok((_, spec, warnings)) => Reply::Spec { spec, warnings },
        Err(message) => failed(message),
    })
}

/// The union of several permission sets and profiles as one starting point.
async fn load_union<T: Transport>(
    store: &impl KeyValueStore,
    connection: &Connection<'_, T>,
    sources: Vec<AccessSource>,
) -> Result<Reply, ApiError> {
    if sources.len() < 2 {
        return Ok(failed(
            "Choose at least two permission sets or profiles to start from their union.",
        ));
    }
    let mut specs = Vec::new();
    let mut warnings = Vec::new();
    for source in &sources {
        match load_one(store, connection, source).await? {
            Ok((name, spec, said)) => {
                warnings.extend(said.into_iter().map(|w| format!("{name}: {w}")));
                specs.push((name, spec));
            }
            Err(message) => return Ok(failed(message)),
        }
    }
    let (spec, said) = super::sources::union(specs);
    warnings.extend(said);
    Ok(Reply::Spec { spec, warnings })
}

/// One source's access as a spec, with its name for messages; `Err` is the admin's message.
async fn load_one<T: Transport>(
    store: &impl KeyValueStore,
    connection: &Connection<'_, T>,
    source: &AccessSource,
) -> Result<Result<(String, PermissionSetSpec, Vec<String>), String>, ApiError> {
    let (client, session) = (&connection.client(), &connection.session);
    let catalog = org::catalog(client, session, store).await?;
    let filter = match source {
        AccessSource::PermissionSet { permission_set_id } => {
            format!("Id = '{}'", org::checked_id(permission_set_id)?)
        }
        AccessSource::Profile { profile_id } => format!(
            "ProfileId = '{}' AND IsOwnedByProfile = true",
            org::checked_id(profile_id)?
        ),
    };
    let rows: Vec<Value> = client
        .query(&format!(
            "SELECT Id, Label, Profile.Name FROM PermissionSet WHERE {filter}"
        ))
        .await?;
    let Some(row) = rows.first() else {
        return Ok(Err(
            "That permission set or profile doesn't exist in this org.".to_owned(),
        ));
    };
    let id = text(row, "Id");
    let from_profile = matches!(source, AccessSource::Profile { .. });
    let source_name = if from_profile {
        row.get("Profile")
            .map(|p| text(p, "Name"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| text(row, "Label"))
    } else {
        text(row, "Label")
    };
    let state = org::read_state(
        client,
        &catalog,
        &PermissionSetSpec::default(),
        Target::ById(&id),
        None,
    )
    .await?;
    let Some(existing) = state.existing else {
        return Ok(Err(
            "That permission set doesn't exist in this org.".to_owned()
        ));
    };
    let mut warnings = Vec::new();
    let license = match (&existing.license_id, &state.psl) {
        (None, _) => LicenseChoice::None,
        (Some(license), Some(psl)) if same_id(license, &psl.id) => LicenseChoice::IntegrationPsl,
        (Some(_), _) => {
            if !from_profile {
                warnings
                    .push("Its license is not carried over: the copy is licensed None.".to_owned());
            }
            LicenseChoice::None
        }
    };
    let system_permissions = if from_profile {
        // Every system permission the profile has, within the integration licence (#16).
        let enabled = org::enabled_permissions(client, &id).await?;
        let maximum = match &state.psl {
            Some(psl) => org::licence_maximum(client, &psl.id).await?,
            None => None,
        };
        let (kept, said) = super::sources::profile_permissions(&enabled, maximum.as_ref());
        warnings.extend(said);
        kept
    } else {
        existing
            .system_permissions
            .iter()
            .filter(|(name, on)| **on && curated::is_curated(name))
            .map(|(name, _)| name.clone())
            .collect()
    };
    let objects: BTreeMap<String, ObjectAccess> = existing
        .objects
        .into_iter()
        .map(|(name, (_, access))| (name, access))
        .collect();
    let fields: BTreeMap<String, FieldAccess> = existing
        .fields
        .into_iter()
        .map(|(name, (_, access))| (name, access))
        .collect();
    let spec = PermissionSetSpec {
        name: if from_profile {
            String::new()
        } else {
            existing.name
        },
        label: if from_profile {
            String::new()
        } else {
            existing.label
        },
        description: existing.description,
        license,
        objects,
        fields,
        system_permissions,
        assignment_expiration: None,
    };
    Ok(Ok((source_name, spec, warnings)))
}
