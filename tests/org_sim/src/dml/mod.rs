//! The write engine behind every REST write (single sObject, collections, composite, graph):
//! field coercion, defaults, derived and audit fields, required fields, then the business
//! rules of `rules` on the written state, undone when a rule fails.

pub mod coerce;
pub mod error;
pub mod rules;

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

pub use error::ApiErr;

use crate::config::SimConfig;
use crate::org::Org;
use crate::schema::{FieldType, ObjectDef};
use crate::store::{Record, Value};
use coerce::Op;

/// Everything a write needs.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// The org written to.
    pub org: &'a mut Org,
    /// Configuration (unconfirmed codes, switches).
    pub config: &'a SimConfig,
    /// The acting user (audit fields, owner).
    pub user_id: &'a str,
    /// API version of the call (`66.0`): fields newer than it don't exist for the write.
    pub version: &'a str,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0))
}

fn object_def(ctx: &Ctx<'_>, object: &str) -> Result<ObjectDef, ApiErr> {
    ctx.org
        .store
        .schema()
        .object(object)
        .cloned()
        .ok_or_else(|| {
            ApiErr::new("NOT_FOUND", "The requested resource does not exist")
                .no_fields()
                .status(404)
        })
}

/// Fields derived from others: compound person names (salesforce.md §C.3 compound name fields).
fn derive(object: &ObjectDef, fields: &mut HashMap<String, Value>) {
    let is_person = object
        .find_field("Name")
        .is_some_and(|f| !f.createable && f.name_field)
        && object.find_field("LastName").is_some();
    if is_person {
        let first = fields
            .get("FirstName")
            .and_then(Value::as_text)
            .unwrap_or("");
        let last = fields
            .get("LastName")
            .and_then(Value::as_text)
            .unwrap_or("");
        let name = format!("{first} {last}").trim().to_owned();
        fields.insert("Name".into(), Value::Text(name));
    }
}

/// `POST /sobjects/{Type}`: creates a record, returns its Id.
pub fn create(
    ctx: &mut Ctx<'_>,
    object: &str,
    body: &Map<String, Json>,
) -> Result<String, Vec<ApiErr>> {
    let def = object_def(ctx, object).map_err(|e| vec![e])?;
    if !def.createable {
        return Err(vec![ApiErr::new(
            "INVALID_TYPE_FOR_OPERATION",
            format!("entity type cannot be inserted: {}", def.label),
        )]);
    }
    let mut fields = coerce::fields(&ctx.org.store, &def, body, Op::Create, ctx.version)?;
    let now = now_ms();
    // Defaults, auto-numbers, owner and audit fields.
    for f in &def.fields {
        if fields.contains_key(&f.name) {
            continue;
        }
        let v = if f.system || f.name == "OwnerId" {
            match f.ty {
                FieldType::Reference => Value::text(ctx.user_id),
                FieldType::DateTime => Value::DateTime(now),
                FieldType::Boolean => Value::Bool(false),
                _ => Value::Null,
            }
        } else if let Some(fmt) = &f.auto_number {
            Value::Text(ctx.org.store.next_auto_number(&def.name, &f.name, fmt))
        } else if let Some(d) = &f.default_value {
            Value::Text(d.clone())
        } else if f.ty == FieldType::Boolean {
            Value::Bool(false)
        } else {
            continue;
        };
        fields.insert(f.name.clone(), v);
    }
    rules::prepare(ctx, &def, None, &mut fields);
    derive(&def, &mut fields);
    let missing: Vec<&str> = def
        .fields
        .iter()
        .filter(|f| {
            f.is_required()
                && fields
                    .get(&f.name)
                    .is_none_or(|v| *v == Value::Null || v.as_text() == Some(""))
        })
        .map(|f| f.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(vec![ApiErr::new(
            "REQUIRED_FIELD_MISSING",
            format!("Required fields are missing: [{}]", missing.join(", ")),
        )
        .fields(&missing)]);
    }
    let Some(id) = ctx.org.store.new_id(&def.name) else {
        return Err(vec![ApiErr::not_found()]);
    };
    ctx.org.store.put(&def.name, &id, fields);
    if def.name == "ContentVersion" {
        if let Err(e) = first_version(ctx, &id) {
            let _ = ctx.org.store.remove_at(&id);
            ctx.org.store.forget_deleted(&id);
            return Err(vec![e]);
        }
    }
    let errors = rules::after_write(ctx, &def, &id, None);
    if !errors.is_empty() {
        let _ = ctx.org.store.remove_at(&id);
        ctx.org.store.forget_deleted(&id);
        rules::recount(ctx);
        return Err(errors);
    }
    Ok(id)
}

/// A ContentVersion inserted without `ContentDocumentId` creates its ContentDocument (the
/// file), named by `Title` and the extension of `PathOnClient`; `VersionData` must be base64.
fn first_version(ctx: &mut Ctx<'_>, version_id: &str) -> Result<(), ApiErr> {
    let Some(version) = ctx.org.store.get(version_id).cloned() else {
        return Err(ApiErr::not_found());
    };
    let data = version.text("VersionData").unwrap_or_default();
    let base64_ok = !data.is_empty()
        && data.len() % 4 == 0
        && data
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    if !base64_ok {
        return Err(ApiErr::new(
            "INVALID_FIELD",
            "VersionData: value not of required type: base64",
        )
        .fields(&["VersionData"]));
    }
    let path = version.text("PathOnClient").unwrap_or_default().to_owned();
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let title = version
        .text("Title")
        .filter(|t| !t.is_empty())
        .map_or_else(|| path.clone(), str::to_owned);
    let _ = ctx
        .org
        .store
        .update(version_id, "FileExtension", Value::text(extension.clone()));
    if version.text("ContentDocumentId").is_some() {
        return Ok(());
    }
    let document = ctx
        .org
        .store
        .insert(
            "ContentDocument",
            &[
                ("Title", Value::text(title)),
                ("FileExtension", Value::text(extension)),
                ("LatestPublishedVersionId", Value::text(version_id)),
            ],
        )
        .map_err(|e| ApiErr::new("UNKNOWN_EXCEPTION", e.to_string()))?;
    ctx.org
        .store
        .update(version_id, "ContentDocumentId", Value::text(document))
        .map_err(|e| ApiErr::new("UNKNOWN_EXCEPTION", e.to_string()))
}

/// Finds a record of `object` (any type when `None`) by Id.
/// The record a write names. Without an object (inside composite or collections) a bad Id is
/// INVALID_CROSS_REFERENCE_KEY (salesforce.md §B.2); on `/sobjects/{Type}/{id}` it is NOT_FOUND.
fn find(ctx: &Ctx<'_>, object: Option<&str>, id: &str) -> Result<Record, ApiErr> {
    let found = ctx
        .org
        .store
        .get(id)
        .filter(|rec| object.is_none_or(|o| rec.object.eq_ignore_ascii_case(o)))
        .cloned();
    match (found, object) {
        (Some(rec), _) => Ok(rec),
        (None, None) => Err(ApiErr::new(
            "INVALID_CROSS_REFERENCE_KEY",
            "invalid cross reference id",
        )),
        (None, Some(_)) => Err(ApiErr::not_found()),
    }
}

/// `PATCH /sobjects/{Type}/{id}`.
pub fn update(
    ctx: &mut Ctx<'_>,
    object: Option<&str>,
    id: &str,
    body: &Map<String, Json>,
) -> Result<(), Vec<ApiErr>> {
    let old = find(ctx, object, id).map_err(|e| vec![e])?;
    let def = object_def(ctx, &old.object).map_err(|e| vec![e])?;
    if !def.updateable {
        return Err(vec![ApiErr::new(
            "INVALID_TYPE_FOR_OPERATION",
            format!("entity type cannot be updated: {}", def.label),
        )]);
    }
    let changes = coerce::fields(&ctx.org.store, &def, body, Op::Update, ctx.version)?;
    let mut fields = old.fields().clone();
    fields.extend(changes);
    // Only the audit fields the object has (salesforce.md §I.6: some have SystemModstamp only).
    let now = now_ms();
    for (name, value) in [
        ("LastModifiedById", Value::text(ctx.user_id)),
        ("LastModifiedDate", Value::DateTime(now)),
        ("SystemModstamp", Value::DateTime(now)),
    ] {
        if def.find_field(name).is_some() {
            fields.insert(name.into(), value);
        }
    }
    rules::prepare(ctx, &def, Some(&old), &mut fields);
    derive(&def, &mut fields);
    let missing: Vec<&str> = def
        .fields
        .iter()
        .filter(|f| f.is_required() && fields.get(&f.name).is_none_or(|v| *v == Value::Null))
        .map(|f| f.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(vec![ApiErr::new(
            "REQUIRED_FIELD_MISSING",
            format!("Required fields are missing: [{}]", missing.join(", ")),
        )
        .fields(&missing)]);
    }
    ctx.org.store.replace(&old.id, fields);
    let errors = rules::after_write(ctx, &def, &old.id, Some(&old));
    if !errors.is_empty() {
        ctx.org.store.replace(&old.id, old.fields().clone());
        rules::recount(ctx);
        return Err(errors);
    }
    if rules::delete_when_all_false(ctx, &def, &old.id) {
        let _ = ctx.org.store.remove(&old.id);
    }
    Ok(())
}

/// `DELETE /sobjects/{Type}/{id}`: moves the record (and cascade children) to the recycle bin.
pub fn delete(ctx: &mut Ctx<'_>, object: Option<&str>, id: &str) -> Result<(), Vec<ApiErr>> {
    let rec = find(ctx, object, id).map_err(|e| vec![e])?;
    let def = object_def(ctx, &rec.object).map_err(|e| vec![e])?;
    if !def.deletable {
        return Err(vec![ApiErr::new(
            "INVALID_TYPE_FOR_OPERATION",
            format!("entity type cannot be deleted: {}", def.label),
        )]);
    }
    let errors = rules::before_delete(ctx, &def, &rec);
    if !errors.is_empty() {
        return Err(errors);
    }
    cascade(ctx, &def, &rec.id);
    let Some((removed, idx)) = ctx.org.store.remove_at(&rec.id) else {
        return Err(vec![ApiErr::not_found()]);
    };
    let errors = rules::after_delete(ctx, &def, &removed);
    if !errors.is_empty() {
        ctx.org.store.undelete(removed, idx);
        return Err(errors);
    }
    rules::recount(ctx);
    Ok(())
}

/// Deletes children over cascade-delete relationships (master-detail, permission rows).
fn cascade(ctx: &mut Ctx<'_>, def: &ObjectDef, id: &str) {
    for rel in def.child_relationships.iter().filter(|r| r.cascade_delete) {
        let kids: Vec<String> = ctx
            .org
            .store
            .records(&rel.child_object)
            .iter()
            .filter(|c| c.text(&rel.field) == Some(id))
            .map(|c| c.id.clone())
            .collect();
        for k in kids {
            if let Some(child_def) = ctx.org.store.schema().object(&rel.child_object).cloned() {
                cascade(ctx, &child_def, &k);
            }
            let _ = ctx.org.store.remove(&k);
        }
    }
}

/// A record as `GET /sobjects/{Type}/{id}` renders it (all fields, or `fields`).
pub fn render(ctx: &Ctx<'_>, rec: &Record, version: &str, only: Option<&[String]>) -> Json {
    let mut m = Map::new();
    m.insert(
        "attributes".into(),
        serde_json::json!({
            "type": rec.object,
            "url": format!("/services/data/v{version}/sobjects/{}/{}", rec.object, rec.id),
        }),
    );
    if let Some(def) = ctx.org.store.schema().object(&rec.object) {
        for f in &def.fields {
            let wanted = only.is_none_or(|o| o.iter().any(|w| w.eq_ignore_ascii_case(&f.name)));
            if wanted {
                m.insert(f.name.clone(), ctx.org.store.field_json(rec, &f.name));
            }
        }
    }
    Json::Object(m)
}

/// Looks a record up for GET.
pub fn get(ctx: &Ctx<'_>, object: &str, id: &str) -> Result<Record, ApiErr> {
    find(ctx, Some(object), id)
}
