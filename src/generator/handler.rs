//! Serves the generator page's requests ([`GeneratorRequest`]): resolves the org from `orgUrl`
//! through [`crate::connection`], reads through [`super::org`], plans with [`super::plan`], and
//! advances applies with [`super::apply`].

use super::curated;
use super::eligibility::{field_choices, ObjectDescribe};
use super::org::{self, OrgCatalog, Target};
use super::plan::{self, same_id};
use super::templates;
use super::view::{
    ApiCalls, GeneratorContext, PermissionSetChoice, PlanView, ProfileChoice, PslSummary,
    SystemPermissionChoice, UserSummary, ViewAllFieldsChoice,
};
use super::GeneratorError;
use crate::connection::{connect, Connection};
use crate::model::{FieldAccess, LicenseChoice, ObjectAccess, PermissionSetSpec};
use crate::platform::{KeyValueStore, Platform, Transport};
use crate::protocol::generator::{
    AccessSource, ChangedAccess, ChosenSystemPermissions, CreateIntegrationUser, GeneratorReply,
    GeneratorRequest, GetObjectFields, LoadAccess, LoadedSpec, ObjectFields, PlanPermissionSet,
    Planned, Templates, UserCreated, XmlFile,
};
use crate::protocol::ReplyTo;
use crate::salesforce::{soql, ApiError, Client, Session};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Answers one generator request.
pub async fn answer<P: Platform>(
    platform: &P,
    request: GeneratorRequest,
) -> Result<GeneratorReply, GeneratorError> {
    let store = platform.storage();
    Ok(match request {
        GeneratorRequest::ObjectAccessChange(request) => {
            GeneratorReply::ObjectAccess(ChangedAccess {
                access: request.access.changed(request.permission, request.on),
            })
        }
        GeneratorRequest::ViewAllFieldsChange(request) => {
            GeneratorReply::ObjectAccess(ChangedAccess {
                access: request.access.with_view_all_fields(request.on),
            })
        }
        GeneratorRequest::SystemPermissionChange(request) => {
            let chosen: BTreeSet<String> = request.chosen.into_iter().collect();
            let next = plan::change_system_permission(
                &request.requires,
                &chosen,
                &request.name,
                request.on,
            );
            GeneratorReply::SystemPermissions(ChosenSystemPermissions {
                chosen: next.into_iter().collect(),
            })
        }
        GeneratorRequest::DeriveNames(request) => {
            GeneratorReply::Names(super::names::derive(&request.integration_name))
        }
        GeneratorRequest::ImportXml(request) => {
            let (spec, warnings) =
                super::metadata::import(&request.xml, request.file_name.as_deref())
                    .map_err(GeneratorError::Xml)?;
            GeneratorReply::Spec(LoadedSpec { spec, warnings })
        }
        GeneratorRequest::ExportXml(request) => GeneratorReply::Xml(XmlFile {
            file_name: super::metadata::file_name(&request.spec),
            xml: super::metadata::export(&request.spec),
        }),
        GeneratorRequest::SaveTemplate(request) => {
            let name = request.name.trim().to_owned();
            if name.is_empty() {
                return Err(GeneratorError::TemplateNeedsName);
            }
            GeneratorReply::Templates(
                change_templates(store, |templates| {
                    templates.0.insert(name, request.spec);
                })
                .await?,
            )
        }
        GeneratorRequest::DeleteTemplate(request) => GeneratorReply::Templates(
            change_templates(store, |templates| {
                templates.0.remove(&request.name);
            })
            .await?,
        ),
        GeneratorRequest::LoadTemplate(request) => {
            let spec = templates::load(store)
                .await
                .map_err(GeneratorError::Templates)?
                .0
                .remove(&request.name)
                .ok_or(GeneratorError::NoSuchTemplate(request.name))?;
            GeneratorReply::Spec(LoadedSpec {
                spec,
                warnings: Vec::new(),
            })
        }
        GeneratorRequest::GeneratorContext(request) => {
            let connection = connect(platform, &request.org_url).await?;
            GeneratorReply::GeneratorContext(
                generator_context(store, &connection, request.user_id.as_deref()).await?,
            )
        }
        GeneratorRequest::ObjectFields(request) => {
            let connection = connect(platform, &request.org_url).await?;
            GeneratorReply::ObjectFields(object_fields(&connection.client(), request).await?)
        }
        GeneratorRequest::LoadAccess(request) => {
            let connection = connect(platform, &request.org_url).await?;
            GeneratorReply::Spec(load_access(store, &connection, request).await?)
        }
        GeneratorRequest::LoadUnion(request) => {
            let connection = connect(platform, &request.org_url).await?;
            GeneratorReply::Spec(load_union(store, &connection, request.sources).await?)
        }
        GeneratorRequest::PlanPermissionSet(request) => {
            GeneratorReply::Plan(plan_permission_set(platform, request).await?)
        }
        GeneratorRequest::StartApply(request) => super::apply_requests::start(platform, request)
            .await?
            .into(),
        GeneratorRequest::ContinueApply(request) => GeneratorReply::ApplyProgress(
            super::apply_requests::step(platform, &request.org_url, &request.apply_id).await?,
        ),
        GeneratorRequest::FinishCleanUp(request) => GeneratorReply::ApplyProgress(
            super::apply_requests::step(platform, &request.org_url, &request.apply_id).await?,
        ),
        GeneratorRequest::PendingApplies(request) => GeneratorReply::Applies(
            super::apply_requests::pending(platform, &request.org_url).await?,
        ),
        GeneratorRequest::ResolveAttention(request) => {
            GeneratorReply::ApplyProgress(super::apply_requests::resolve(platform, request).await?)
        }
        GeneratorRequest::CreateIntegrationUser(request) => {
            GeneratorReply::UserCreated(create_integration_user(platform, request).await?)
        }
    })
}

async fn plan_permission_set<P: Platform>(
    platform: &P,
    request: PlanPermissionSet,
) -> Result<ReplyTo<PlanPermissionSet>, GeneratorError> {
    let target = PlanTarget {
        assignee_id: request.assignee_id.as_deref(),
        permission_set_id: request.target_permission_set_id.as_deref(),
        use_composite: request.use_composite,
    };
    let (_, plan, _) = plan_for(platform, &request.org_url, &request.spec, target).await?;
    Ok(Planned { plan })
}

async fn create_integration_user<P: Platform>(
    platform: &P,
    request: CreateIntegrationUser,
) -> Result<ReplyTo<CreateIntegrationUser>, GeneratorError> {
    let connection = connect(platform, &request.org_url).await?;
    let input = super::user::NewUser {
        first_name: request.first_name.unwrap_or_default(),
        last_name: request.last_name,
        username: request.username,
        email: request.email,
        alias: request.alias.unwrap_or_default(),
    };
    let (user_id, username) = super::user::create(&connection.client(), &input)
        .await
        .map_err(GeneratorError::NewUser)?;
    Ok(UserCreated { user_id, username })
}

/// Loads the templates (an unreadable store is kept aside first), changes them, saves them.
async fn change_templates(
    store: &impl KeyValueStore,
    change: impl FnOnce(&mut templates::Templates),
) -> Result<Templates, GeneratorError> {
    let mut saved = templates::load_for_change(store)
        .await
        .map_err(GeneratorError::Templates)?;
    change(&mut saved);
    templates::save(store, &saved)
        .await
        .map_err(GeneratorError::Templates)?;
    Ok(Templates {
        templates: saved.list(),
    })
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
) -> Result<GeneratorContext, GeneratorError> {
    let (client, session) = (&connection.client(), &connection.session);
    let summary = org::org_summary(client, session, store).await?;
    let catalog = org::fresh_catalog(client, session, store).await?;
    let mut reads = vec![
        (
            "psl".to_owned(),
            org::query_path(client, &org::integration_psl_soql()),
            true,
        ),
        (
            "sets".to_owned(),
            org::query_path(
                client,
                &soql::select([
                    "Id",
                    "Name",
                    "Label",
                    "Type",
                    "PermissionSetGroupId",
                    "License.Name",
                ])
                .from("PermissionSet")
                .where_bool("IsOwnedByProfile", false)
                .order_by("Label")
                .to_string(),
            ),
            true,
        ),
        (
            "profiles".to_owned(),
            org::query_path(
                client,
                &soql::select(["Id", "Name"])
                    .from("Profile")
                    .order_by("Name")
                    .to_string(),
            ),
            true,
        ),
    ];
    if let Some(user) = user_id {
        let user = org::checked_id(user)?;
        reads.push((
            "user".to_owned(),
            org::query_path(client, &org::user_soql(user)),
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
                return Err(GeneratorError::NoSuchUser);
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
    Ok(GeneratorContext {
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
    })
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
                requires_objects: object_prerequisite_words(catalog, name),
                available,
                unavailable_reason: (!available)
                    .then(|| "This org's permission sets don't have this permission.".to_owned()),
            }
        })
        .collect()
}

/// The object permissions `name` depends on, itself or through its user-permission
/// prerequisites (salesforce.md §I.14), in the plan's words.
fn object_prerequisite_words(catalog: &OrgCatalog, name: &str) -> Vec<String> {
    let mut names = plan::prerequisites_of(&catalog.dependencies, name);
    names.insert(name.to_owned());
    let words: BTreeSet<String> = names
        .iter()
        .filter_map(|n| catalog.object_dependencies.get(n))
        .flatten()
        .map(|required| match plan::object_prerequisite(required) {
            Some((object, perm)) => format!("{} on {object}", plan::object_perm_word(perm)),
            None => required.clone(),
        })
        .collect();
    words.into_iter().collect()
}

async fn object_fields<T: Transport>(
    client: &Client<'_, T>,
    request: GetObjectFields,
) -> Result<ReplyTo<GetObjectFields>, GeneratorError> {
    let sobject = request.sobject;
    if !sobject
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        || sobject.is_empty()
    {
        return Err(GeneratorError::NotAnObjectName(sobject));
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
    Ok(ObjectFields {
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
) -> Result<(Session, PlanView, plan::WritePlan), GeneratorError> {
    let connection = connect(platform, org_url).await?;
    let (view, write_plan) = read_and_plan(
        platform.storage(),
        &connection.client(),
        &connection.session,
        spec,
        target,
    )
    .await?;
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
    request: LoadAccess,
) -> Result<LoadedSpec, GeneratorError> {
    let (_, spec, warnings) = load_one(store, connection, &request.source).await?;
    Ok(LoadedSpec { spec, warnings })
}

/// The union of several permission sets and profiles as one starting point.
async fn load_union<T: Transport>(
    store: &impl KeyValueStore,
    connection: &Connection<'_, T>,
    sources: Vec<AccessSource>,
) -> Result<LoadedSpec, GeneratorError> {
    if sources.len() < 2 {
        return Err(GeneratorError::UnionNeedsTwoSources);
    }
    let mut specs = Vec::new();
    let mut warnings = Vec::new();
    for source in &sources {
        let (name, spec, said) = load_one(store, connection, source).await?;
        warnings.extend(said.into_iter().map(|w| format!("{name}: {w}")));
        specs.push((name, spec));
    }
    let (spec, said) = super::sources::union(specs);
    warnings.extend(said);
    Ok(LoadedSpec { spec, warnings })
}

/// One source's access as a spec, with its name for messages.
async fn load_one<T: Transport>(
    store: &impl KeyValueStore,
    connection: &Connection<'_, T>,
    source: &AccessSource,
) -> Result<(String, PermissionSetSpec, Vec<String>), GeneratorError> {
    let (client, session) = (&connection.client(), &connection.session);
    let catalog = org::catalog(client, session, store).await?;
    let query = soql::select(["Id", "Label", "Profile.Name"]).from("PermissionSet");
    let query = match source {
        AccessSource::PermissionSet { permission_set_id } => {
            query.where_eq("Id", org::checked_id(permission_set_id)?)
        }
        AccessSource::Profile { profile_id } => query
            .where_eq("ProfileId", org::checked_id(profile_id)?)
            .where_bool("IsOwnedByProfile", true),
    };
    let rows: Vec<Value> = client.query(&query.to_string()).await?;
    let Some(row) = rows.first() else {
        return Err(GeneratorError::NoSuchAccessSource);
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
        return Err(GeneratorError::NoSuchPermissionSet);
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
    Ok((source_name, spec, warnings))
}
