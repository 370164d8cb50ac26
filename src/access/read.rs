//! The access feature's reads: GET subrequests batched into as few composite requests as the
//! API allows (salesforce.md §B.4: at most 25 subrequests, at most 5 of them queries), the org's
//! permission catalog (describes, cached for the browser session), and the facts "can this set
//! be assigned?" needs (salesforce.md §C.5, §C.6, §I.8, §I.9). Rows are read from JSON values
//! by hand: one JSON path in the WebAssembly, as the badges do.

use super::assign::{Names, PslFacts, SetFacts, UserLicences};
use crate::platform::{Area, KeyValueStore, Method, Transport};
use crate::salesforce::soql::select;
use crate::salesforce::{form_encode, ApiError, Client, OrgId};
use crate::storage::{self, IfUnreadable, Loaded, ReadError, Stored, Unversioned};
use serde_json::{json, Value};

/// Subrequests per composite request (salesforce.md §B.4).
pub const COMPOSITE_SUBREQUESTS: usize = 25;
/// Queries (or sObject Collections) per composite request (salesforce.md §B.4).
pub const COMPOSITE_QUERIES: usize = 5;

/// One GET subrequest of a composite read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sub {
    pub reference: String,
    pub url: String,
    pub query: bool,
}

impl Sub {
    /// A REST query (or, with `tooling`, a Tooling API query).
    pub fn query<T: Transport>(
        client: &Client<'_, T>,
        reference: &str,
        soql: &str,
        tooling: bool,
    ) -> Self {
        let tooling = if tooling { "/tooling" } else { "" };
        Self {
            reference: reference.to_owned(),
            url: format!(
                "{}{tooling}/query?q={}",
                client.version().data_path(),
                form_encode(soql)
            ),
            query: true,
        }
    }

    /// A plain GET under the data path (a describe).
    pub fn get<T: Transport>(client: &Client<'_, T>, reference: &str, path: &str) -> Self {
        Self {
            reference: reference.to_owned(),
            url: format!("{}{path}", client.version().data_path()),
            query: false,
        }
    }
}

/// Answers by reference: the status and body (a query's body is every record, all pages). A
/// list, not a map: a handful of entries, and no map code for the worker's core to carry.
pub type Answers = Vec<(String, (u16, Value))>;

/// Splits subrequests into composite requests within the limits, in order.
pub fn chunks(subs: Vec<Sub>) -> Vec<Vec<Sub>> {
    let mut chunks: Vec<Vec<Sub>> = Vec::new();
    let mut queries = 0;
    for sub in subs {
        let full = chunks.last().is_none_or(|chunk| {
            chunk.len() == COMPOSITE_SUBREQUESTS || (sub.query && queries == COMPOSITE_QUERIES)
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
    chunks
}

/// Runs `subs` in as few composite requests as the limits allow, adding each API call it makes
/// (composites and query pages) to `calls`.
pub async fn composite<T: Transport>(
    client: &Client<'_, T>,
    subs: Vec<Sub>,
    calls: &mut usize,
) -> Result<Answers, ApiError> {
    let mut answers = Answers::new();
    for chunk in chunks(subs) {
        let body = json!({
            "allOrNone": false,
            "compositeRequest": chunk.iter().map(|s| json!({
                "method": "GET", "url": s.url, "referenceId": s.reference
            })).collect::<Vec<_>>()
        });
        *calls += 1;
        let response = client
            .send(
                Method::Post,
                &format!("{}/composite", client.version().data_path()),
                Some(body.to_string()),
            )
            .await?;
        let parsed: Value = serde_json::from_str(&response.body)
            .map_err(|e| ApiError::malformed("a composite answer", e))?;
        let list = parsed
            .get("compositeResponse")
            .and_then(Value::as_array)
            .ok_or_else(|| ApiError::malformed("a composite answer", "no compositeResponse"))?;
        for item in list {
            let reference = text(item, "referenceId");
            let status = item
                .get("httpStatusCode")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or(0);
            let mut body = item.get("body").cloned().unwrap_or(Value::Null);
            let is_query = chunk.iter().any(|s| s.reference == reference && s.query);
            if is_query && (200..300).contains(&status) {
                body = Value::Array(all_records(client, body, calls).await?);
            }
            answers.push((reference, (status, body)));
        }
    }
    Ok(answers)
}

/// Every record of a query answer, following `nextRecordsUrl` on the same host (salesforce.md §B.1).
async fn all_records<T: Transport>(
    client: &Client<'_, T>,
    mut page: Value,
    calls: &mut usize,
) -> Result<Vec<Value>, ApiError> {
    let mut records = Vec::new();
    loop {
        if let Some(list) = page.get("records").and_then(Value::as_array) {
            records.extend(list.iter().cloned());
        }
        let done = page.get("done").and_then(Value::as_bool).unwrap_or(true);
        match page.get("nextRecordsUrl").and_then(Value::as_str) {
            Some(next) if !done && next.starts_with("/services/data/") => {
                *calls += 1;
                page = client.get(next, "query results").await?;
            }
            _ => return Ok(records),
        }
    }
}

/// The answer for `reference`, or the error Salesforce gave for it.
pub fn take(answers: &mut Answers, reference: &str) -> Result<Value, ApiError> {
    let found = answers
        .iter()
        .position(|(r, _)| r == reference)
        .map(|at| answers.swap_remove(at).1);
    match found {
        Some((status, body)) if (200..300).contains(&status) => Ok(body),
        Some((status, body)) => Err(ApiError::from_response(status, &body.to_string())),
        None => Err(ApiError::malformed(
            "a composite answer",
            format!("no answer for {reference}"),
        )),
    }
}

/// The rows of a query answer.
pub fn rows(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

pub fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

pub fn opt_text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

pub fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn count(value: &Value, key: &str) -> Option<u32> {
    value
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
}

/// A child relationship's rows (`null` when there are none, salesforce.md §B.1).
pub fn children<'v>(row: &'v Value, relationship: &str) -> &'v [Value] {
    row.get(relationship)
        .and_then(|r| r.get("records"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// An Id safe inside a SOQL literal: 15 or 18 ASCII letters and digits.
pub fn checked_id(id: &str) -> Option<&str> {
    ((id.len() == 15 || id.len() == 18) && id.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(id)
}

/// The well-formed Ids among `ids`, for a query's `IN` list.
pub fn checked_ids<'a>(ids: impl IntoIterator<Item = &'a String>) -> Vec<&'a str> {
    ids.into_iter().filter_map(|id| checked_id(id)).collect()
}

/// What the org's describes say about permissions, cached for the browser session. Lists, not
/// maps: the worker's core reads them whole (see [`super::assign::Names`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    /// User permissions on PermissionSet: (name without `Permissions`, label), as described.
    pub permissions: Vec<(String, String)>,
    /// User permissions a MutingPermissionSet has (`None`: the org has no muting sets).
    pub muting_permissions: Option<Names>,
    /// Permissions for which PermissionSetLicense has a `MaximumPermissions<Name>` field
    /// (salesforce.md §I.8: the org decides which exist).
    pub psl_maximum: Names,
    /// Whether ObjectPermissions has `PermissionsViewAllFields` (salesforce.md §I.10).
    pub view_all_fields: bool,
    /// (object API name, label) from describeGlobal.
    pub object_labels: Vec<(String, String)>,
}

fn boolean_fields(describe: &Value, prefix: &str) -> Vec<(String, String)> {
    describe
        .get("fields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|f| text(f, "type") == "boolean")
        .filter_map(|f| {
            let name = text(f, "name");
            let bare = name.strip_prefix(prefix)?.to_owned();
            Some((bare, text(f, "label")))
        })
        .collect()
}

/// The catalog cache (`storage.session`, salesforce.md §B.6 describes): read again from the org
/// when it can't be read. It shipped versioned, so there is no version 0 to migrate.
impl Stored for Catalog {
    const KIND: &'static str = "accessCatalog";
    const VERSION: u32 = 1;
    const UNVERSIONED: Unversioned = Unversioned::Value;
    const IF_UNREADABLE: IfUnreadable = IfUnreadable::Refetch;

    fn read(version: u32, json: &str) -> Result<Self, ReadError> {
        if version != 1 {
            return Err(ReadError::NoMigration(version));
        }
        Self::from_json(&storage::json_value(Self::KIND, json)?)
            .ok_or_else(|| ReadError::Invalid("it is not an access catalog".into()))
    }

    fn write(&self) -> Result<String, serde_json::Error> {
        Ok(self.to_json().to_string())
    }
}

fn pairs_json(pairs: &[(String, String)]) -> Value {
    // One insert at a time: collecting into the map would sort first, and the worker's core
    // would carry a sort for this alone (about 1.5 KB gzipped).
    let mut members = serde_json::Map::new();
    for (key, value) in pairs {
        members.insert(key.clone(), Value::from(value.as_str()));
    }
    Value::Object(members)
}

fn names_json(names: &[String]) -> Value {
    Value::Array(names.iter().map(|n| Value::from(n.as_str())).collect())
}

impl Catalog {
    fn to_json(&self) -> Value {
        let mut members = serde_json::Map::new();
        members.insert("permissions".into(), pairs_json(&self.permissions));
        members.insert(
            "mutingPermissions".into(),
            self.muting_permissions
                .as_deref()
                .map_or(Value::Null, names_json),
        );
        members.insert("pslMaximum".into(), names_json(&self.psl_maximum));
        members.insert("viewAllFields".into(), Value::Bool(self.view_all_fields));
        members.insert("objectLabels".into(), pairs_json(&self.object_labels));
        Value::Object(members)
    }

    fn from_json(value: &Value) -> Option<Self> {
        let strings = |v: &Value| -> Option<Names> {
            v.as_array()?
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        let pairs = |key: &str| -> Option<Vec<(String, String)>> {
            value
                .get(key)?
                .as_object()?
                .iter()
                .map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        };
        Some(Self {
            permissions: pairs("permissions")?,
            muting_permissions: match value.get("mutingPermissions")? {
                Value::Null => None,
                other => Some(strings(other)?),
            },
            psl_maximum: strings(value.get("pslMaximum")?)?,
            view_all_fields: value.get("viewAllFields")?.as_bool()?,
            object_labels: pairs("objectLabels")?,
        })
    }

    /// The user permission names PermissionSet has.
    pub fn permission_names(&self) -> impl Iterator<Item = &String> {
        self.permissions.iter().map(|(name, _)| name)
    }

    /// `, Permissions<A>, Permissions<B>…` for every permission PermissionSet has, with
    /// `prefix` before each (`PermissionSet.` in a child subquery).
    pub fn permission_columns(&self, prefix: &str) -> Vec<String> {
        self.permission_names()
            .map(|p| format!("{prefix}Permissions{p}"))
            .collect()
    }
}

fn catalog_key(org: &OrgId) -> String {
    format!("accessCatalog:{org}")
}

/// The catalog from `storage.session`, or one composite read of the describes.
pub async fn catalog<T: Transport, S: KeyValueStore>(
    client: &Client<'_, T>,
    org: &OrgId,
    store: &S,
    calls: &mut usize,
) -> Result<Catalog, ApiError> {
    let key = catalog_key(org);
    if let Ok(Loaded::Found(catalog)) = storage::load::<Catalog>(store, Area::Session, &key).await {
        return Ok(catalog);
    }
    let subs = vec![
        Sub::get(client, "global", "/sobjects/"),
        Sub::get(client, "permissionSet", "/sobjects/PermissionSet/describe"),
        Sub::get(client, "muting", "/sobjects/MutingPermissionSet/describe"),
        Sub::get(client, "psl", "/sobjects/PermissionSetLicense/describe"),
        Sub::get(
            client,
            "objectPermissions",
            "/sobjects/ObjectPermissions/describe",
        ),
    ];
    let mut answers = composite(client, subs, calls).await?;
    let global = take(&mut answers, "global")?;
    let object_labels = global
        .get("sobjects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|o| (text(o, "name"), text(o, "label")))
        .collect();
    let permissions = boolean_fields(&take(&mut answers, "permissionSet")?, "Permissions");
    // An org without muting sets answers 404 for the describe (salesforce.md §I.7: API 46.0+).
    let muting_permissions = take(&mut answers, "muting").ok().map(|d| {
        boolean_fields(&d, "Permissions")
            .into_iter()
            .map(|(n, _)| n)
            .collect()
    });
    let psl_maximum = boolean_fields(&take(&mut answers, "psl")?, "MaximumPermissions")
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    // salesforce.md §I.10: the field exists from API 63.0; ask for it only when described.
    let view_all_fields = take(&mut answers, "objectPermissions")?
        .get("fields")
        .and_then(Value::as_array)
        .is_some_and(|f| {
            f.iter()
                .any(|f| text(f, "name") == "PermissionsViewAllFields")
        });
    let catalog = Catalog {
        permissions,
        muting_permissions,
        psl_maximum,
        view_all_fields,
        object_labels,
    };
    // A failed cache write only costs one more read later.
    let _ = storage::save(store, Area::Session, &key, &catalog).await;
    Ok(catalog)
}

/// The user's licences, read from a User row with `Profile.UserLicenseId`,
/// `Profile.UserLicense.Name` and `PermissionSetLicenseAssignments`.
pub fn user_licences(user: &Value, profile_permissions: Names) -> UserLicences {
    let profile = user.get("Profile").cloned().unwrap_or(Value::Null);
    UserLicences {
        profile_license_id: opt_text(&profile, "UserLicenseId"),
        profile_license_name: profile.get("UserLicense").and_then(|l| opt_text(l, "Name")),
        held_psls: children(user, "PermissionSetLicenseAssignments")
            .iter()
            .map(|a| text(a, "PermissionSetLicenseId"))
            .collect(),
        will_get_psls: Vec::new(),
        profile_permissions,
    }
}

/// User permissions enabled on a row with `Permissions<Name>` columns.
pub fn enabled<'a>(row: &Value, permissions: impl IntoIterator<Item = &'a String>) -> Names {
    permissions
        .into_iter()
        .filter(|p| flag(row, &format!("Permissions{p}")))
        .cloned()
        .collect()
}

/// The org's permission set licences with their seats and maxima (salesforce.md §C.6, §I.8).
pub fn psl_query(catalog: &Catalog) -> String {
    let maxima = catalog
        .psl_maximum
        .iter()
        .map(|p| format!("MaximumPermissions{p}"));
    let fields = [
        "Id",
        "DeveloperName",
        "MasterLabel",
        "TotalLicenses",
        "UsedLicenses",
    ]
    .map(str::to_owned)
    .into_iter()
    .chain(maxima);
    select(fields).from("PermissionSetLicense").to_string()
}

pub fn psl_facts(rows: &[Value], catalog: &Catalog) -> Vec<PslFacts> {
    rows.iter()
        .map(|row| PslFacts {
            id: text(row, "Id"),
            developer_name: text(row, "DeveloperName"),
            label: text(row, "MasterLabel"),
            total: count(row, "TotalLicenses"),
            used: count(row, "UsedLicenses"),
            maximum: catalog
                .psl_maximum
                .iter()
                .filter_map(|p| {
                    row.get(format!("MaximumPermissions{p}"))
                        .and_then(Value::as_bool)
                        .map(|on| (p.clone(), on))
                })
                .collect(),
        })
        .collect()
}

/// The user row every check starts from.
pub fn user_query(user_id: &str) -> String {
    let sets = select(["PermissionSetId", "PermissionSet.IsOwnedByProfile"])
        .from("PermissionSetAssignments")
        .subquery();
    let licences = select(["PermissionSetLicenseId"])
        .from("PermissionSetLicenseAssignments")
        .subquery();
    let fields = [
        "Id",
        "Name",
        "Username",
        "IsActive",
        "ProfileId",
        "Profile.Name",
        "Profile.UserLicenseId",
        "Profile.UserLicense.Name",
    ]
    .map(str::to_owned)
    .into_iter()
    .chain([sets, licences]);
    select(fields)
        .from("User")
        .where_eq("Id", user_id)
        .to_string()
}

/// The profile's own permission set, by the user's `ProfileId` (a semi-join, salesforce.md §B.1).
pub fn profile_permissions_query(catalog: &Catalog, user_id: &str) -> String {
    let profile = select(["ProfileId"]).from("User").where_eq("Id", user_id);
    let fields = std::iter::once("Id".to_owned()).chain(catalog.permission_columns(""));
    select(fields)
        .from("PermissionSet")
        .where_bool("IsOwnedByProfile", true)
        .where_in_query("ProfileId", &profile)
        .to_string()
}

/// Permissions worth reading on every set: those some licence's maximum refuses.
pub fn candidate_permissions(psls: &[PslFacts], catalog: &Catalog) -> Names {
    let mut candidates: Names = Vec::new();
    for (name, on) in psls.iter().flat_map(|p| p.maximum.iter()) {
        let known = catalog.permission_names().any(|p| p == name);
        if !on && known && !candidates.contains(name) {
            candidates.push(name.clone());
        }
    }
    candidates
}

/// The subrequests reading every set for [`org_sets`].
pub fn org_sets_subs<T: Transport>(client: &Client<'_, T>, candidates: &[String]) -> Vec<Sub> {
    let columns = candidates.iter().map(|p| format!("Permissions{p}"));
    let fields = [
        "Id",
        "Name",
        "Label",
        "NamespacePrefix",
        "LicenseId",
        "License.Name",
    ]
    .map(str::to_owned)
    .into_iter()
    .chain(columns);
    // Sets of their own: not a profile's, not a group's aggregate (salesforce.md §C.1).
    let sets = select(fields)
        .from("PermissionSet")
        .where_bool("IsOwnedByProfile", false)
        .where_null("PermissionSetGroupId")
        .order_by("Label");
    let view_all = select(["ParentId", "SobjectType"])
        .from("ObjectPermissions")
        .where_bool("Parent.IsOwnedByProfile", false)
        .where_any_true(["PermissionsViewAllRecords", "PermissionsModifyAllRecords"]);
    let with_objects = select(["Id"])
        .from("PermissionSet")
        .where_bool("IsOwnedByProfile", false)
        .where_in_query("Id", &select(["ParentId"]).from("ObjectPermissions"));
    vec![
        Sub::query(client, "sets", &sets.to_string(), false),
        Sub::query(client, "viewAll", &view_all.to_string(), false),
        Sub::query(client, "withObjects", &with_objects.to_string(), false),
    ]
}

/// The sets from the answers of [`org_sets_subs`]; `assigned` marks the user's own.
pub fn org_sets(
    answers: &mut Answers,
    candidates: &[String],
    assigned: &[String],
) -> Result<Vec<SetFacts>, ApiError> {
    let sets = take(answers, "sets")?;
    let view_all = take(answers, "viewAll")?;
    let with_objects: Names = rows(&take(answers, "withObjects")?)
        .iter()
        .map(|r| text(r, "Id"))
        .collect();
    Ok(rows(&sets)
        .iter()
        .map(|row| {
            let id = text(row, "Id");
            SetFacts {
                name: text(row, "Name"),
                label: text(row, "Label"),
                namespace: opt_text(row, "NamespacePrefix"),
                license_id: opt_text(row, "LicenseId"),
                license_name: row.get("License").and_then(|l| opt_text(l, "Name")),
                enabled_permissions: enabled(row, candidates),
                grants_objects: with_objects.contains(&id),
                view_all_standard: rows(&view_all)
                    .iter()
                    .filter(|r| text(r, "ParentId") == id)
                    .map(|r| text(r, "SobjectType"))
                    .filter(|o| super::assign::is_standard_object(o))
                    .collect(),
                assigned: assigned.iter().any(|a| a.get(..15) == id.get(..15)),
                id,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(query: bool) -> Sub {
        Sub {
            reference: "r".into(),
            url: "/".into(),
            query,
        }
    }

    #[test]
    fn composites_hold_at_most_25_subrequests_and_5_queries() {
        let split = chunks((0..7).map(|_| sub(true)).collect());
        assert_eq!(split.iter().map(Vec::len).collect::<Vec<_>>(), [5, 2]);
        let split = chunks((0..30).map(|_| sub(false)).collect());
        assert_eq!(split.iter().map(Vec::len).collect::<Vec<_>>(), [25, 5]);
        let mixed: Vec<Sub> = (0..5)
            .map(|_| sub(false))
            .chain((0..5).map(|_| sub(true)))
            .collect();
        assert_eq!(chunks(mixed).len(), 1);
    }

    #[test]
    fn only_ids_reach_a_soql_literal() {
        assert_eq!(checked_id("005AM0000000001AAA"), Some("005AM0000000001AAA"));
        assert_eq!(checked_id("005AM0000000001"), Some("005AM0000000001"));
        assert_eq!(checked_id("005' OR Id != '"), None);
        assert_eq!(
            checked_ids(&["0PSAM0000000001".to_owned(), "bad'".to_owned()]),
            ["0PSAM0000000001"]
        );
    }

    #[test]
    fn the_catalog_round_trips_through_storage() {
        let catalog = Catalog {
            permissions: vec![("ViewAllData".to_owned(), "View All Data".to_owned())],
            muting_permissions: Some(vec!["ViewAllData".to_owned()]),
            psl_maximum: vec!["ViewAllData".to_owned()],
            view_all_fields: true,
            object_labels: vec![("Account".to_owned(), "Account".to_owned())],
        };
        assert_eq!(
            Catalog::from_json(&catalog.to_json()),
            Some(catalog.clone())
        );
        let without_muting = Catalog {
            muting_permissions: None,
            ..catalog
        };
        assert_eq!(
            Catalog::from_json(&without_muting.to_json()),
            Some(without_muting)
        );
        assert_eq!(Catalog::from_json(&json!({"permissions": 3})), None);
        // Through the versioned envelope; anything else is read again from the org.
        let stored = storage::encode(&catalog_for_envelope()).unwrap_or_default();
        assert_eq!(
            storage::decode::<Catalog>(&stored).ok(),
            Some(catalog_for_envelope())
        );
        assert!(storage::decode::<Catalog>(&json!({"permissions": {}})).is_err());
    }

    fn catalog_for_envelope() -> Catalog {
        Catalog {
            view_all_fields: true,
            ..Catalog::default()
        }
    }
}
