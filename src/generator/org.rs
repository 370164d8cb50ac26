//! The generator's reads: the org's catalog (grantable objects, system permissions and their
//! dependencies, cached for the browser session) and the current state a plan is diffed against,
//! batched into composite requests so a plan costs one read call (salesforce.md §B.4: ≤ 25 subrequests,
//! ≤ 5 of them queries; composite takes the sObject and Query resources — REST API Developer
//! Guide "Send Multiple Requests Using Composite", confirmed with `search`).

use super::curated;
use super::eligibility::ObjectDescribe;
use super::plan::{AssigneeState, ExistingPermissionSet, OrgState, PslState, INTEGRATION_PSL};
use super::view::{ObjectChoice, OrgSummary};
use crate::model::{FieldAccess, ObjectAccess, PermissionSetSpec};
use crate::platform::{Area, KeyValueStore};
use crate::platform::{Method, Transport};
use crate::salesforce::{soql, ApiError, Client, DomainKind, Session, MAX_QUERY_PAGES};
use crate::storage::{self, IfUnreadable, Loaded, ReadError, Stored, Unversioned};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The org's facts the generator needs on every plan; they change only with Setup changes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgCatalog {
    /// Objects that take ObjectPermissions: the `ObjectPermissions.SobjectType` picklist
    /// (salesforce.md §H.Q3), labelled from describeGlobal.
    pub objects: Vec<ObjectChoice>,
    /// `PermissionSet` system permission fields: (name without `Permissions`, label).
    pub permission_fields: Vec<(String, String)>,
    /// Permission → the user permissions it requires (Tooling PermissionDependency, §H.Q5),
    /// followed from the curated list to every level (salesforce.md §I.14).
    pub dependencies: BTreeMap<String, BTreeSet<String>>,
    /// Permission → the object permissions it requires, as the org's rows of type "Object
    /// Permission" name them (Convert Leads → `Account.Create`, salesforce.md §I.14).
    #[serde(default)]
    pub object_dependencies: BTreeMap<String, BTreeSet<String>>,
    /// The permissions whose PermissionDependency rows have been asked for.
    #[serde(default)]
    pub dependencies_asked: BTreeSet<String>,
    /// ObjectPermissions has `PermissionsViewAllFields` (API 63.0+, salesforce.md §I.10).
    #[serde(default)]
    pub view_all_fields: bool,
}

/// The catalog cache (`storage.session`); version 0 was its JSON text in a string.
impl Stored for OrgCatalog {
    const KIND: &'static str = "orgCatalog";
    const VERSION: u32 = 1;
    const UNVERSIONED: Unversioned = Unversioned::Text;
    const IF_UNREADABLE: IfUnreadable = IfUnreadable::Refetch;

    fn read(version: u32, json: &str) -> Result<Self, ReadError> {
        match version {
            0 | 1 => storage::from_json(Self::KIND, json),
            other => Err(ReadError::NoMigration(other)),
        }
    }

    fn write(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

/// The org summary cache (`storage.session`); version 0 was its JSON text in a string.
impl Stored for OrgSummary {
    const KIND: &'static str = "orgSummary";
    const VERSION: u32 = 1;
    const UNVERSIONED: Unversioned = Unversioned::Text;
    const IF_UNREADABLE: IfUnreadable = IfUnreadable::Refetch;

    fn read(version: u32, json: &str) -> Result<Self, ReadError> {
        match version {
            0 | 1 => storage::from_json(Self::KIND, json),
            other => Err(ReadError::NoMigration(other)),
        }
    }

    fn write(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

/// A GET subrequest of a composite read.
struct Sub {
    reference: String,
    url: String,
    query: bool,
}

/// An Id safe to put in SOQL and URLs (15 or 18 alphanumerics).
pub fn checked_id(id: &str) -> Result<&str, ApiError> {
    if (id.len() == 15 || id.len() == 18) && id.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(id)
    } else {
        Err(ApiError::malformed(
            "an Id",
            format!("{id:?} is not a Salesforce Id"),
        ))
    }
}

fn query_url<T: Transport>(client: &Client<'_, T>, soql: &str, tooling: bool) -> String {
    let tooling = if tooling { "/tooling" } else { "" };
    format!(
        "{}{tooling}/query?q={}",
        client.version().data_path(),
        crate::salesforce::form_encode(soql)
    )
}

/// Runs GET subrequests in as few composite calls as the limits allow; each answer by reference.
/// Query answers have every page (`nextRecordsUrl` followed with plain GETs, salesforce.md §B.1).
async fn composite_reads<T: Transport>(
    client: &Client<'_, T>,
    subs: Vec<Sub>,
) -> Result<BTreeMap<String, (u16, Value)>, ApiError> {
    composite_reads_counted(client, subs, &ReadCount::default()).await
}

/// What a state read cost and the server clock it saw.
#[derive(Default)]
struct ReadCount {
    calls: std::cell::Cell<usize>,
    /// The latest `Date` header (unix seconds, salesforce.md §I.6).
    date: std::cell::Cell<Option<i64>>,
}

impl ReadCount {
    fn set(&self, calls: usize) {
        self.calls.set(calls);
    }
    fn get(&self) -> usize {
        self.calls.get()
    }
    fn saw(&self, response: &crate::platform::HttpResponse) {
        if let Some(date) = response
            .header("date")
            .and_then(super::records::parse_http_date)
        {
            self.date
                .set(Some(self.date.get().map_or(date, |d: i64| d.max(date))));
        }
    }
}

/// [`composite_reads`], adding the number of calls it made to `calls`.
async fn composite_reads_counted<T: Transport>(
    client: &Client<'_, T>,
    subs: Vec<Sub>,
    calls: &ReadCount,
) -> Result<BTreeMap<String, (u16, Value)>, ApiError> {
    let mut answers = BTreeMap::new();
    let mut chunks: Vec<Vec<Sub>> = Vec::new();
    let mut queries = 0;
    for sub in subs {
        let full = chunks.last().is_none_or(|chunk| {
            chunk.len() == super::plan::COMPOSITE_SUBREQUESTS
                || (sub.query && queries == super::plan::COMPOSITE_COLLECTIONS)
        });
        if full {
            chunks.push(Vec::new());
            queries = 0;
        }
        if sub.query {
            queries += 1;
        }
        if let Some(chunk) = chunks.last_mut() {
            chunk.push(sub);
        }
    }
    for chunk in chunks {
        let body = json!({
            "allOrNone": false,
            "compositeRequest": chunk.iter().map(|s| json!({
                "method": "GET", "url": s.url, "referenceId": s.reference
            })).collect::<Vec<_>>()
        });
        calls.set(calls.get() + 1);
        let response = client
            .send(
                Method::Post,
                &format!("{}/composite", client.version().data_path()),
                Some(body.to_string()),
            )
            .await?;
        calls.saw(&response);
        let parsed: Value = serde_json::from_str(&response.body)
            .map_err(|e| ApiError::malformed("a composite answer", e))?;
        let list = parsed
            .get("compositeResponse")
            .and_then(Value::as_array)
            .ok_or_else(|| ApiError::malformed("a composite answer", "no compositeResponse"))?;
        for item in list {
            let reference = item
                .get("referenceId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let status = item
                .get("httpStatusCode")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or(0);
            let mut body = item.get("body").cloned().unwrap_or(Value::Null);
            let query = chunk.iter().any(|s| s.reference == reference && s.query);
            if query && (200..300).contains(&status) {
                body = Value::Array(all_records(client, body, calls).await?);
            }
            answers.insert(reference, (status, body));
        }
    }
    Ok(answers)
}

/// Every record of a query answer, following `nextRecordsUrl` on the same host.
async fn all_records<T: Transport>(
    client: &Client<'_, T>,
    mut page: Value,
    calls: &ReadCount,
) -> Result<Vec<Value>, ApiError> {
    let mut records = Vec::new();
    for _ in 0..MAX_QUERY_PAGES {
        if let Some(list) = page.get("records").and_then(Value::as_array) {
            records.extend(list.iter().cloned());
        }
        let done = page.get("done").and_then(Value::as_bool).unwrap_or(true);
        match page.get("nextRecordsUrl").and_then(Value::as_str) {
            Some(next) if !done && next.starts_with("/services/data/") => {
                calls.set(calls.get() + 1);
                page = client.get(next, "query results").await?;
            }
            _ => return Ok(records),
        }
    }
    Err(ApiError::malformed(
        "query results",
        format!("they did not end within {MAX_QUERY_PAGES} pages"),
    ))
}

/// The answer for `reference`, or the error Salesforce gave for it.
fn answer(
    answers: &mut BTreeMap<String, (u16, Value)>,
    reference: &str,
) -> Result<Value, ApiError> {
    match answers.remove(reference) {
        Some((status, body)) if (200..300).contains(&status) => Ok(body),
        Some((status, body)) => Err(ApiError::from_response(status, &body.to_string())),
        None => Err(ApiError::malformed(
            "a composite answer",
            format!("no answer for {reference}"),
        )),
    }
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}

pub(super) fn count(value: &Value, key: &str) -> u32 {
    value
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0)
}

/// The org's name and kind, cached like the API version (`storage.session`).
pub async fn org_summary<T: Transport, S: KeyValueStore>(
    client: &Client<'_, T>,
    session: &Session,
    store: &S,
) -> Result<OrgSummary, ApiError> {
    let key = format!("generatorOrg:{}", session.org_id);
    if let Ok(Loaded::Found(summary)) =
        storage::load::<OrgSummary>(store, Area::Session, &key).await
    {
        if summary.api_version == client.version() {
            return Ok(summary);
        }
    }
    let org = client.organization().await?;
    let my_domain = session.api_host.my_domain();
    let kind = match (org.is_sandbox, my_domain.as_ref().map(|d| d.kind)) {
        (true, Some(DomainKind::Scratch)) => DomainKind::Scratch,
        (true, _) => DomainKind::Sandbox,
        (false, Some(DomainKind::DeveloperEdition)) => DomainKind::DeveloperEdition,
        (false, _) => DomainKind::Production,
    };
    let summary = OrgSummary {
        org_id: session.org_id.clone(),
        org_name: org.name,
        my_domain,
        kind,
        api_host: session.api_host.to_string(),
        api_version: client.version(),
        is_production: !org.is_sandbox,
    };
    let _ = storage::save(store, Area::Session, &key, &summary).await;
    Ok(summary)
}

/// The org's catalog, from `storage.session` or one composite read: describeGlobal, the
/// PermissionSet and ObjectPermissions describes, PermissionDependency of the curated list.
pub async fn catalog<T: Transport, S: KeyValueStore>(
    client: &Client<'_, T>,
    session: &Session,
    store: &S,
) -> Result<OrgCatalog, ApiError> {
    let key = format!("generatorCatalog:{}", session.org_id);
    if let Ok(Loaded::Found(catalog)) =
        storage::load::<OrgCatalog>(store, Area::Session, &key).await
    {
        return Ok(catalog);
    }
    let data = client.version().data_path();
    let deps_soql = soql::select(["Permission", "RequiredPermission", "RequiredPermissionType"])
        .from("PermissionDependency")
        .where_in(
            "Permission",
            curated::SYSTEM_PERMISSIONS.iter().map(|(name, _, _)| name),
        )
        .to_string();
    let subs = vec![
        Sub {
            reference: "global".into(),
            url: format!("{data}/sobjects/"),
            query: false,
        },
        Sub {
            reference: "permissionSet".into(),
            url: format!("{data}/sobjects/PermissionSet/describe"),
            query: false,
        },
        Sub {
            reference: "objectPermissions".into(),
            url: format!("{data}/sobjects/ObjectPermissions/describe"),
            query: false,
        },
        Sub {
            reference: "dependencies".into(),
            url: query_url(client, &deps_soql, true),
            query: true,
        },
    ];
    let mut answers = composite_reads(client, subs).await?;
    let global = answer(&mut answers, "global")?;
    let labels: BTreeMap<String, (String, bool)> = global
        .get("sobjects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|o| (text(o, "name"), (text(o, "label"), flag(o, "custom"))))
        .collect();
    let object_permissions = answer(&mut answers, "objectPermissions")?;
    let describe_fields = |describe: &Value| -> Vec<Value> {
        describe
            .get("fields")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mut objects: Vec<ObjectChoice> = describe_fields(&object_permissions)
        .iter()
        .filter(|f| text(f, "name") == "SobjectType")
        .flat_map(|f| {
            f.get("picklistValues")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .filter(|v| v.get("active").and_then(Value::as_bool).unwrap_or(true))
        .map(|v| {
            let name = text(&v, "value");
            let (label, custom) = labels
                .get(&name)
                .cloned()
                .unwrap_or_else(|| (text(&v, "label"), name.ends_with("__c")));
            ObjectChoice {
                name,
                label,
                custom,
            }
        })
        .collect();
    objects.sort_by_key(|o| o.label.to_lowercase());
    let permission_set = answer(&mut answers, "permissionSet")?;
    let permission_fields = describe_fields(&permission_set)
        .iter()
        .filter(|f| text(f, "type") == "boolean")
        .filter_map(|f| {
            let name = text(f, "name");
            let bare = name.strip_prefix("Permissions")?.to_owned();
            Some((bare, text(f, "label")))
        })
        .collect();
    // The Tooling object may be missing or refused: dependencies are then unknown, not fatal.
    let view_all_fields = describe_fields(&object_permissions)
        .iter()
        .any(|f| text(f, "name") == "PermissionsViewAllFields");
    let mut dependencies = Dependencies::default();
    let mut dependencies_asked = BTreeSet::new();
    if let Ok(Value::Array(rows)) = answer(&mut answers, "dependencies") {
        dependencies.add_rows(&rows);
        dependencies_asked.extend(
            curated::SYSTEM_PERMISSIONS
                .iter()
                .map(|(name, _, _)| (*name).to_owned()),
        );
        let roots: BTreeSet<String> = dependencies_asked.clone();
        follow_dependencies(client, &mut dependencies, &mut dependencies_asked, &roots).await;
    }
    let catalog = OrgCatalog {
        objects,
        permission_fields,
        dependencies: dependencies.user,
        object_dependencies: dependencies.object,
        dependencies_asked,
        view_all_fields,
    };
    let _ = storage::save(store, Area::Session, &key, &catalog).await;
    Ok(catalog)
}

/// What PermissionDependency said so far, by the type of the required permission (salesforce.md
/// §H.Q5: the type values are exactly "User Permission" and "Object Permission").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dependencies {
    /// Permission → the user permissions it requires (followed to every level, §I.14).
    pub user: BTreeMap<String, BTreeSet<String>>,
    /// Permission → the object permissions it requires, as the rows name them (§I.14).
    pub object: BTreeMap<String, BTreeSet<String>>,
}

impl Dependencies {
    /// Adds PermissionDependency rows; a row of another type is left out.
    fn add_rows(&mut self, rows: &[Value]) {
        for row in rows {
            let map = match text(row, "RequiredPermissionType").as_str() {
                "User Permission" => &mut self.user,
                "Object Permission" => &mut self.object,
                _ => continue,
            };
            map.entry(text(row, "Permission"))
                .or_default()
                .insert(text(row, "RequiredPermission"));
        }
    }
}

/// How many further levels of prerequisites are asked for at most: a bound on calls should
/// the org's rows form a cycle or a very long chain (none longer than three seen, §I.14).
pub const MAX_DEPENDENCY_LEVELS: usize = 8;

/// Asks PermissionDependency about every permission reachable from `roots` that hasn't been
/// asked about, one query per level, until nothing new turns up (salesforce.md §I.14: whether a
/// row is a direct or an indirect prerequisite is not documented, so the closure is taken here).
/// A refused or failed query leaves what is known: prerequisites are then partly unknown, not
/// fatal (as for the first level).
pub async fn follow_dependencies<T: Transport>(
    client: &Client<'_, T>,
    dependencies: &mut Dependencies,
    asked: &mut BTreeSet<String>,
    roots: &BTreeSet<String>,
) {
    for _ in 0..MAX_DEPENDENCY_LEVELS {
        let to_ask = super::plan::prerequisites_not_asked(&dependencies.user, asked, roots);
        if to_ask.is_empty() {
            return;
        }
        let soql = soql::select(["Permission", "RequiredPermission", "RequiredPermissionType"])
            .from("PermissionDependency")
            .where_in("Permission", &to_ask)
            .to_string();
        let Ok(page) = client
            .get::<Value>(
                &query_url(client, &soql, true),
                "the permission dependencies",
            )
            .await
        else {
            return;
        };
        let rows = page
            .get("records")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        dependencies.add_rows(&rows);
        asked.extend(to_ask);
    }
}

/// The catalog read again (the page opens with it, so an object created since shows up); plans
/// then use the cached copy.
pub async fn fresh_catalog<T: Transport, S: KeyValueStore>(
    client: &Client<'_, T>,
    session: &Session,
    store: &S,
) -> Result<OrgCatalog, ApiError> {
    let key = format!("generatorCatalog:{}", session.org_id);
    let _ = storage::remove(store, Area::Session, &key).await;
    catalog(client, session, store).await
}

/// The system permissions a permission set has on (`Permissions<Name>` true), read as its
/// whole record so every one the org has is seen (a profile's hidden set, salesforce.md §C.1).
pub async fn enabled_permissions<T: Transport>(
    client: &Client<'_, T>,
    permission_set_id: &str,
) -> Result<BTreeSet<String>, ApiError> {
    let id = checked_id(permission_set_id)?;
    let record: Value = client
        .get(
            &format!(
                "{}/sobjects/PermissionSet/{id}",
                client.version().data_path()
            ),
            "the permission set",
        )
        .await?;
    Ok(record
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, value)| value.as_bool() == Some(true))
        .filter_map(|(field, _)| field.strip_prefix("Permissions").map(str::to_owned))
        .collect())
}

/// A permission set licence's `MaximumPermissions<Name>` booleans (salesforce.md §I.8), by
/// name without the prefix; `None` when the record has none (the org doesn't say).
pub async fn licence_maximum<T: Transport>(
    client: &Client<'_, T>,
    licence_id: &str,
) -> Result<Option<BTreeMap<String, bool>>, ApiError> {
    let id = checked_id(licence_id)?;
    let record: Value = client
        .get(
            &format!(
                "{}/sobjects/PermissionSetLicense/{id}",
                client.version().data_path()
            ),
            "the permission set license",
        )
        .await?;
    let maximum: BTreeMap<String, bool> = record
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(field, value)| {
            Some((
                field.strip_prefix("MaximumPermissions")?.to_owned(),
                value.as_bool()?,
            ))
        })
        .collect();
    Ok((!maximum.is_empty()).then_some(maximum))
}

/// Where the existing permission set is looked up.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    ById(&'a str),
    ByName(&'a str),
}

/// The objects a spec touches (its objects and its fields' objects).
pub fn spec_objects(spec: &PermissionSetSpec) -> BTreeSet<String> {
    spec.objects
        .keys()
        .cloned()
        .chain(
            spec.fields
                .keys()
                .map(|k| PermissionSetSpec::object_of(k).to_owned()),
        )
        .collect()
}

/// The org's state for a plan: one composite read (more only past 19 objects or 2,000 rows).
pub async fn read_state<T: Transport>(
    client: &Client<'_, T>,
    catalog: &OrgCatalog,
    spec: &PermissionSetSpec,
    target: Target<'_>,
    assignee_id: Option<&str>,
) -> Result<OrgState, ApiError> {
    let data = client.version().data_path();
    let known: BTreeSet<&str> = catalog
        .permission_fields
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    let mut permission_names: BTreeSet<String> = curated::SYSTEM_PERMISSIONS
        .iter()
        .map(|(n, _, _)| (*n).to_owned())
        .chain(spec.system_permissions.iter().cloned())
        .filter(|n| known.contains(n.as_str()))
        .collect();
    // Prerequisites of permissions beyond the catalog's (a copied profile's, a union's) are
    // followed here too (salesforce.md §I.14).
    let mut dependencies = Dependencies {
        user: catalog.dependencies.clone(),
        object: catalog.object_dependencies.clone(),
    };
    let mut asked = catalog.dependencies_asked.clone();
    if !asked.is_empty() {
        follow_dependencies(
            client,
            &mut dependencies,
            &mut asked,
            &spec.system_permissions,
        )
        .await;
    }
    for required in dependencies.user.values().flatten() {
        if known.contains(required.as_str()) {
            permission_names.insert(required.clone());
        }
    }
    let mut set_fields: Vec<String> = [
        "Id",
        "Name",
        "Label",
        "Description",
        "LicenseId",
        "IsOwnedByProfile",
    ]
    .map(str::to_owned)
    .to_vec();
    set_fields.extend(permission_names.iter().map(|n| format!("Permissions{n}")));
    let set = soql::select(set_fields).from("PermissionSet");
    let mut object_fields = vec![
        "Id",
        "SobjectType",
        "PermissionsRead",
        "PermissionsCreate",
        "PermissionsEdit",
        "PermissionsDelete",
        "PermissionsViewAllRecords",
        "PermissionsModifyAllRecords",
    ];
    // Only orgs whose ObjectPermissions has the field are asked for it (salesforce.md §I.10).
    if catalog.view_all_fields {
        object_fields.push("PermissionsViewAllFields");
    }
    let objects = soql::select(object_fields).from("ObjectPermissions");
    let fields = soql::select(["Id", "Field", "PermissionsRead", "PermissionsEdit"])
        .from("FieldPermissions");
    let (set, objects, fields) = match target {
        ById(id) => {
            let id = checked_id(id)?;
            (
                set.where_eq("Id", id),
                objects.where_eq("ParentId", id),
                fields.where_eq("ParentId", id),
            )
        }
        ByName(name) => (
            set.where_eq("Name", name),
            objects.where_eq("Parent.Name", name),
            fields.where_eq("Parent.Name", name),
        ),
    };
    let mut subs = vec![
        Sub {
            reference: "set".into(),
            url: query_url(client, &set.to_string(), false),
            query: true,
        },
        Sub {
            reference: "objects".into(),
            url: query_url(client, &objects.to_string(), false),
            query: true,
        },
        Sub {
            reference: "fields".into(),
            url: query_url(client, &fields.to_string(), false),
            query: true,
        },
        Sub {
            reference: "psl".into(),
            url: query_url(client, &integration_psl_soql(), false),
            query: true,
        },
    ];
    if let Some(user) = assignee_id {
        let user = checked_id(user)?;
        subs.push(Sub {
            reference: "user".into(),
            url: query_url(client, &user_soql(user), false),
            query: true,
        });
    }
    let objects = spec_objects(spec);
    for (i, object) in objects.iter().enumerate() {
        if object
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            subs.push(Sub {
                reference: format!("describe{i}"),
                url: format!("{data}/sobjects/{object}/describe"),
                query: false,
            });
        }
    }
    let calls = ReadCount::default();
    let mut answers = composite_reads_counted(client, subs, &calls).await?;
    let set = answer(&mut answers, "set")?;
    let existing = match set.as_array().and_then(|rows| rows.first()) {
        None => None,
        Some(row) => {
            let system_permissions = permission_names
                .iter()
                .map(|n| (n.clone(), flag(row, &format!("Permissions{n}"))))
                .collect();
            let objects = answer(&mut answers, "objects")?
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    (
                        text(r, "SobjectType"),
                        (
                            text(r, "Id"),
                            ObjectAccess {
                                read: flag(r, "PermissionsRead"),
                                create: flag(r, "PermissionsCreate"),
                                edit: flag(r, "PermissionsEdit"),
                                delete: flag(r, "PermissionsDelete"),
                                view_all: flag(r, "PermissionsViewAllRecords"),
                                modify_all: flag(r, "PermissionsModifyAllRecords"),
                                view_all_fields: flag(r, "PermissionsViewAllFields"),
                            },
                        ),
                    )
                })
                .collect();
            let fields = answer(&mut answers, "fields")?
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    let access = if flag(r, "PermissionsEdit") {
                        FieldAccess::ReadEdit
                    } else {
                        FieldAccess::Read
                    };
                    (text(r, "Field"), (text(r, "Id"), access))
                })
                .collect();
            Some(ExistingPermissionSet {
                id: text(row, "Id"),
                name: text(row, "Name"),
                label: text(row, "Label"),
                description: text(row, "Description"),
                license_id: row
                    .get("LicenseId")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                is_owned_by_profile: flag(row, "IsOwnedByProfile"),
                system_permissions,
                objects,
                fields,
            })
        }
    };
    let psl = answer(&mut answers, "psl")?
        .as_array()
        .and_then(|rows| rows.first().cloned())
        .map(|row| PslState {
            id: text(&row, "Id"),
            label: text(&row, "MasterLabel"),
            total: count(&row, "TotalLicenses"),
            used: count(&row, "UsedLicenses"),
        });
    let (assignee, assignee_missing) = match assignee_id {
        None => (None, false),
        Some(_) => {
            let rows = answer(&mut answers, "user")?;
            match rows.as_array().and_then(|r| r.first()) {
                Some(row) => (Some(assignee_of(row)), false),
                None => (None, true),
            }
        }
    };
    let mut describes = BTreeMap::new();
    for (i, _) in objects.iter().enumerate() {
        // A missing object answers 404 NOT_FOUND: the plan reports it; other errors stop.
        match answers.remove(&format!("describe{i}")) {
            Some((200, body)) => {
                // Read from text like every other describe: one reader for the type.
                if let Ok(describe) = serde_json::from_str::<ObjectDescribe>(&body.to_string()) {
                    describes.insert(describe.name.clone(), describe);
                }
            }
            Some((404, _)) | None => {}
            Some((status, body)) => return Err(ApiError::from_response(status, &body.to_string())),
        }
    }
    Ok(OrgState {
        reads: calls.get(),
        server_date: calls.date.get(),
        target_missing: matches!(target, ById(_)) && existing.is_none(),
        existing,
        assignee,
        assignee_missing,
        psl,
        describes,
        grantable_objects: catalog.objects.iter().map(|o| o.name.clone()).collect(),
        permission_fields: known.iter().map(|n| (*n).to_owned()).collect(),
        dependencies: dependencies.user,
        object_dependencies: dependencies.object,
        has_view_all_fields: catalog.view_all_fields,
    })
}

use Target::{ById, ByName};

/// SOQL for one user with its license assignments and permission set assignments
/// (salesforce.md §C.6, §C.7: `User.PermissionSetLicenseAssignments`, `Profile.UserLicense.Name`).
pub fn user_soql(user_id: &str) -> String {
    let licenses = soql::select([
        "Id",
        "PermissionSetLicenseId",
        "PermissionSetLicense.DeveloperName",
    ])
    .from("PermissionSetLicenseAssignments");
    let sets = soql::select([
        "Id",
        "PermissionSetId",
        "ExpirationDate",
        "PermissionSet.Name",
        "PermissionSet.Label",
        "PermissionSet.IsOwnedByProfile",
    ])
    .from("PermissionSetAssignments");
    soql::select([
        "Id".to_owned(),
        "Name".to_owned(),
        "Username".to_owned(),
        "Profile.Name".to_owned(),
        "Profile.UserLicense.Name".to_owned(),
        licenses.subquery(),
        sets.subquery(),
    ])
    .from("User")
    .where_eq("Id", user_id)
    .to_string()
}

/// SOQL for the "Salesforce API Integration" permission set license and its seats (salesforce.md
/// §C.6).
pub fn integration_psl_soql() -> String {
    soql::select([
        "Id",
        "DeveloperName",
        "MasterLabel",
        "TotalLicenses",
        "UsedLicenses",
    ])
    .from("PermissionSetLicense")
    .where_eq("DeveloperName", INTEGRATION_PSL)
    .to_string()
}

fn children(row: &Value, relationship: &str) -> Vec<Value> {
    row.get(relationship)
        .and_then(|r| r.get("records"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The user's license name (salesforce.md §C.7: integration users are found by license, not profile).
pub fn license_name(row: &Value) -> Option<String> {
    row.get("Profile")?
        .get("UserLicense")?
        .get("Name")?
        .as_str()
        .map(str::to_owned)
}

pub fn assignee_of(row: &Value) -> AssigneeState {
    AssigneeState {
        id: text(row, "Id"),
        name: text(row, "Name"),
        is_integration: license_name(row).as_deref() == Some("Salesforce Integration"),
        has_integration_psl: children(row, "PermissionSetLicenseAssignments")
            .iter()
            .any(|a| {
                a.get("PermissionSetLicense")
                    .map(|p| text(p, "DeveloperName").eq_ignore_ascii_case(INTEGRATION_PSL))
                    .unwrap_or(false)
            }),
        assigned_permission_set_ids: children(row, "PermissionSetAssignments")
            .iter()
            .map(|a| text(a, "PermissionSetId"))
            .collect(),
        assignment_ids: children(row, "PermissionSetLicenseAssignments")
            .iter()
            .chain(children(row, "PermissionSetAssignments").iter())
            .map(|a| text(a, "Id"))
            .filter(|id| !id.is_empty())
            .collect(),
        set_assignments: children(row, "PermissionSetAssignments")
            .iter()
            .map(|a| super::plan::CurrentAssignment {
                id: text(a, "Id"),
                permission_set_id: text(a, "PermissionSetId"),
                expiration: a
                    .get("ExpirationDate")
                    .and_then(Value::as_str)
                    .and_then(super::records::parse_datetime),
            })
            .collect(),
    }
}

/// The user row's permission set assignments (custom sets only), for the generator page.
pub fn assigned_sets(row: &Value) -> Vec<super::view::PermissionSetRef> {
    children(row, "PermissionSetAssignments")
        .iter()
        .filter_map(|a| {
            let set = a.get("PermissionSet")?;
            if flag(set, "IsOwnedByProfile") {
                return None;
            }
            Some(super::view::PermissionSetRef {
                id: text(a, "PermissionSetId"),
                name: text(set, "Name"),
                label: text(set, "Label"),
            })
        })
        .collect()
}

/// Runs plain GET subrequests together (used by the context read).
pub async fn read_many<T: Transport>(
    client: &Client<'_, T>,
    requests: Vec<(String, String, bool)>,
) -> Result<BTreeMap<String, (u16, Value)>, ApiError> {
    composite_reads(
        client,
        requests
            .into_iter()
            .map(|(reference, url, query)| Sub {
                reference,
                url,
                query,
            })
            .collect(),
    )
    .await
}

/// The URL of a query for [`read_many`].
pub fn query_path<T: Transport>(client: &Client<'_, T>, soql: &str) -> String {
    query_url(client, soql, false)
}

/// Takes one answer out of a [`read_many`] result.
pub fn take(
    answers: &mut BTreeMap<String, (u16, Value)>,
    reference: &str,
) -> Result<Value, ApiError> {
    answer(answers, reference)
}
