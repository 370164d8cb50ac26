//! Request JSON → typed field values, with the field-level checks Salesforce makes before any
//! business rule: unknown fields, read-only fields, types, lengths, restricted picklists,
//! e-mail format, reference Ids (salesforce.md §B.2 error shapes; messages modelled on real ones).

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use super::error::ApiErr;
use crate::ids;
use crate::schema::{FieldDef, FieldType, ObjectDef};
use crate::store::{Store, Value};

/// Create or update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Insert.
    Create,
    /// Update.
    Update,
}

/// Converts a request body to canonical field values. `attributes` is ignored; `Id` is
/// rejected on create ("don't set the id field", salesforce.md §B.3) and ignored on update.
pub fn fields(
    store: &Store,
    object: &ObjectDef,
    body: &Map<String, Json>,
    op: Op,
    version: &str,
) -> Result<HashMap<String, Value>, Vec<ApiErr>> {
    let mut out = HashMap::new();
    let mut read_only = Vec::new();
    let mut errors = Vec::new();
    for (key, json) in body {
        if key == "attributes" {
            continue;
        }
        if key.eq_ignore_ascii_case("Id") {
            if op == Op::Create {
                return Err(vec![ApiErr::new(
                    "INVALID_FIELD",
                    "cannot specify Id in an insert call",
                )
                .fields(&["Id"])]);
            }
            continue;
        }
        let Some(f) = object.find_field(key).filter(|f| f.visible_at(version)) else {
            return Err(vec![ApiErr::new(
                "INVALID_FIELD",
                format!("No such column '{key}' on sobject of type {}", object.name),
            )
            .no_fields()]);
        };
        let allowed = match op {
            Op::Create => f.createable,
            Op::Update => f.updateable,
        };
        if !allowed {
            read_only.push(f.name.clone());
            continue;
        }
        match value(store, object, f, json) {
            Ok(v) => {
                out.insert(f.name.clone(), v);
            }
            Err(e) => errors.push(e),
        }
    }
    if !read_only.is_empty() {
        // salesforce.md §B.2 (INVALID_FIELD_FOR_INSERT_UPDATE); salesforce.md §C.1 LicenseId is create-only.
        let refs: Vec<&str> = read_only.iter().map(String::as_str).collect();
        return Err(vec![ApiErr::new(
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            format!(
                "Unable to create/update fields: {}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                read_only.join(", ")
            ),
        )
        .fields(&refs)]);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn parser_error(f: &FieldDef, want: &str, json: &Json) -> ApiErr {
    let token = match json {
        Json::String(_) => "VALUE_STRING",
        Json::Number(_) => "VALUE_NUMBER_INT",
        Json::Bool(true) => "VALUE_TRUE",
        Json::Bool(false) => "VALUE_FALSE",
        Json::Array(_) => "START_ARRAY",
        Json::Object(_) => "START_OBJECT",
        Json::Null => "VALUE_NULL",
    };
    ApiErr::new(
        "JSON_PARSER_ERROR",
        format!(
            "Cannot deserialize instance of {want} from {token} value {json} or request may be missing a required field at [line:1, column:1]"
        ),
    )
    .fields(&[f.name.as_str()])
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// One value, checked against its field.
pub fn value(
    store: &Store,
    object: &ObjectDef,
    f: &FieldDef,
    json: &Json,
) -> Result<Value, ApiErr> {
    if json.is_null() {
        return Ok(if f.ty == FieldType::Boolean {
            Value::Bool(false)
        } else {
            Value::Null
        });
    }
    let label = &f.label;
    let name = f.name.as_str();
    Ok(match f.ty {
        FieldType::Boolean => Value::Bool(
            json.as_bool()
                .ok_or_else(|| parser_error(f, "boolean", json))?,
        ),
        FieldType::Int => Value::Int(json.as_i64().ok_or_else(|| parser_error(f, "int", json))?),
        t if t.is_number() => Value::Double(
            json.as_f64()
                .ok_or_else(|| parser_error(f, "double", json))?,
        ),
        FieldType::DateTime => {
            let s = json
                .as_str()
                .ok_or_else(|| parser_error(f, "Datetime", json))?;
            Value::DateTime(
                crate::datetime::parse(s).ok_or_else(|| parser_error(f, "Datetime", json))?,
            )
        }
        FieldType::Address => return Err(parser_error(f, "Address", json)),
        FieldType::Id | FieldType::Reference => {
            let s = json.as_str().ok_or_else(|| parser_error(f, "ID", json))?;
            if s.is_empty() {
                return Ok(Value::Null);
            }
            let id = ids::normalize(s).ok_or_else(|| {
                ApiErr::new(
                    "MALFORMED_ID",
                    format!("{label}: id value of incorrect type: {s}"),
                )
                .fields(&[name])
            })?;
            let target_ok = store.get(&id).is_some_and(|r| {
                f.reference_to
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(&r.object))
            });
            if !target_ok {
                // salesforce.md §B.2: bad Id → INVALID_CROSS_REFERENCE_KEY "invalid cross reference id".
                return Err(ApiErr::new(
                    "INVALID_CROSS_REFERENCE_KEY",
                    "invalid cross reference id",
                )
                .fields(&[name]));
            }
            Value::Text(id)
        }
        _ => {
            let s = match json {
                Json::String(s) => s.clone(),
                Json::Number(n) => n.to_string(),
                Json::Bool(b) => b.to_string(),
                _ => return Err(parser_error(f, "String", json)),
            };
            if f.ty == FieldType::Date && !is_date(&s) {
                return Err(parser_error(f, "Date", json));
            }
            if f.length > 0 && u32::try_from(s.chars().count()).unwrap_or(u32::MAX) > f.length {
                return Err(ApiErr::new(
                    "STRING_TOO_LONG",
                    format!(
                        "{label}: data value too large: {s} (max length={})",
                        f.length
                    ),
                )
                .fields(&[name]));
            }
            if f.ty == FieldType::Email && !s.is_empty() && !is_email(&s) {
                // salesforce.md §B.4 example error body.
                return Err(ApiErr::new(
                    "INVALID_EMAIL_ADDRESS",
                    format!("{label}: invalid email address: {s}"),
                )
                .fields(&[name]));
            }
            let s = canonical_picklist(object, f, &s);
            if f.restricted_picklist && !f.picklist.contains(&s) {
                // salesforce.md §C.3 (restricted picklist message, `Field Name:` label prefix).
                return Err(ApiErr::new(
                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    format!("{label}: bad value for restricted picklist field: {s}"),
                )
                .fields(&[name]));
            }
            Value::Text(s)
        }
    })
}

/// Restricted picklist values match case-insensitively and come back canonical; on
/// `FieldPermissions.Field` a lookup may be named without `Id` (salesforce.md §C.3, API 50.0+).
fn canonical_picklist(object: &ObjectDef, f: &FieldDef, s: &str) -> String {
    if !f.restricted_picklist {
        return s.to_owned();
    }
    if let Some(v) = f.picklist.iter().find(|v| v.eq_ignore_ascii_case(s)) {
        return v.clone();
    }
    if object.name == "FieldPermissions" && f.name == "Field" {
        let with_id = format!("{s}Id");
        if let Some(v) = f.picklist.iter().find(|v| v.eq_ignore_ascii_case(&with_id)) {
            return v.clone();
        }
    }
    s.to_owned()
}
