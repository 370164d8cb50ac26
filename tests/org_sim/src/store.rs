//! The generic in-memory record store of one org: typed values per field, records per object,
//! an Id index, and schema checks on insert, so every API and page reads the same data.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::ids::{self, IdAllocator};
use crate::schema::{FieldType, Schema};

/// A field value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value.
    Null,
    /// Boolean.
    Bool(bool),
    /// Whole number.
    Int(i64),
    /// Decimal number.
    Double(f64),
    /// Text, Ids and references (18-char) included.
    Text(String),
    /// Date-time in epoch milliseconds.
    DateTime(i64),
}

impl Value {
    /// Text value.
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(s.into())
    }

    /// The text, if this is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(s) => Some(s),
            _ => None,
        }
    }

    /// JSON as the REST API renders it.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Null => serde_json::Value::Null,
            Self::Bool(b) => (*b).into(),
            Self::Int(i) => (*i).into(),
            Self::Double(d) => serde_json::Number::from_f64(*d)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Self::Text(s) => s.clone().into(),
            Self::DateTime(ms) => crate::datetime::format_rest(*ms).into(),
        }
    }

    /// Text shown on a page (booleans as `true`/`false`, null as empty).
    pub fn display(&self) -> String {
        match self {
            Self::Null => String::new(),
            Self::Bool(b) => b.to_string(),
            Self::Int(i) => i.to_string(),
            Self::Double(d) => d.to_string(),
            Self::Text(s) => s.clone(),
            Self::DateTime(ms) => crate::datetime::format_rest(*ms),
        }
    }
}

/// One record. Field keys are canonical API names.
#[derive(Debug, Clone)]
pub struct Record {
    /// 18-char Id.
    pub id: String,
    /// Canonical object name.
    pub object: String,
    fields: HashMap<String, Value>,
}

impl Record {
    /// Value of a field by canonical name; unknown or unset fields read as null.
    pub fn get(&self, field: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.fields.get(field).unwrap_or(&NULL)
    }

    /// Text value of a field, if set.
    pub fn text(&self, field: &str) -> Option<&str> {
        self.get(field).as_text()
    }

    /// Boolean value of a field (null reads as false).
    pub fn flag(&self, field: &str) -> bool {
        matches!(self.get(field), Value::Bool(true))
    }
}

/// Why an insert was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// No such object in the schema.
    UnknownObject(String),
    /// No such field on the object.
    UnknownField {
        /// Object.
        object: String,
        /// Field as given.
        field: String,
    },
    /// Value does not fit the field type.
    BadValue {
        /// Field.
        field: String,
    },
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownObject(o) => write!(f, "unknown object {o}"),
            Self::UnknownField { object, field } => write!(f, "unknown field {object}.{field}"),
            Self::BadValue { field } => write!(f, "bad value for {field}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// All records of one org.
#[derive(Debug, Clone)]
pub struct Store {
    schema: Arc<Schema>,
    tables: BTreeMap<String, Vec<Record>>,
    by_id: HashMap<String, (String, usize)>,
    ids: IdAllocator,
}

impl Store {
    /// An empty store; `ids` allocates the Ids of inserted records.
    pub fn new(schema: Arc<Schema>, ids: IdAllocator) -> Self {
        Self {
            schema,
            tables: BTreeMap::new(),
            by_id: HashMap::new(),
            ids,
        }
    }

    /// The schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Inserts a record with a freshly allocated Id and returns that Id.
    pub fn insert(&mut self, object: &str, values: &[(&str, Value)]) -> Result<String, StoreError> {
        let prefix = self
            .schema
            .object(object)
            .map(|o| o.key_prefix.clone())
            .ok_or_else(|| StoreError::UnknownObject(object.to_owned()))?;
        let id = self.ids.next(&prefix);
        self.insert_with_id(object, &id, values)?;
        Ok(id)
    }

    /// Inserts a record with a given Id (15 or 18 chars), e.g. the Organization row.
    pub fn insert_with_id(
        &mut self,
        object: &str,
        id: &str,
        values: &[(&str, Value)],
    ) -> Result<(), StoreError> {
        let def = self
            .schema
            .object(object)
            .ok_or_else(|| StoreError::UnknownObject(object.to_owned()))?;
        let id18 = ids::normalize(id).ok_or_else(|| StoreError::BadValue { field: "Id".into() })?;
        let mut fields = HashMap::new();
        fields.insert("Id".to_owned(), Value::Text(id18.clone()));
        // Booleans are never null (describe nillable=false).
        for f in def.fields.iter().filter(|f| f.ty == FieldType::Boolean) {
            fields.insert(f.name.clone(), Value::Bool(false));
        }
        for (name, value) in values {
            let f = def
                .find_field(name)
                .ok_or_else(|| StoreError::UnknownField {
                    object: def.name.clone(),
                    field: (*name).to_owned(),
                })?;
            let ok = match (f.ty, value) {
                (_, Value::Null) => f.nillable,
                (FieldType::Boolean, Value::Bool(_)) => true,
                (FieldType::Int, Value::Int(_)) => true,
                (FieldType::Double, Value::Double(_) | Value::Int(_)) => true,
                (FieldType::DateTime, Value::DateTime(_)) => true,
                (FieldType::Id | FieldType::Reference, Value::Text(s)) => {
                    ids::normalize(s).is_some()
                }
                (t, Value::Text(_)) => t.is_text(),
                _ => false,
            };
            if !ok {
                return Err(StoreError::BadValue {
                    field: f.name.clone(),
                });
            }
            let value = match (f.ty, value) {
                (FieldType::Reference, Value::Text(s)) => {
                    Value::Text(ids::normalize(s).unwrap_or_else(|| s.clone()))
                }
                _ => value.clone(),
            };
            fields.insert(f.name.clone(), value);
        }
        let name = def.name.clone();
        let table = self.tables.entry(name.clone()).or_default();
        table.push(Record {
            id: id18.clone(),
            object: name.clone(),
            fields,
        });
        self.by_id.insert(id18, (name, table.len() - 1));
        Ok(())
    }

    /// Sets one field of an existing record (the field name is checked against the schema).
    pub fn update(&mut self, id: &str, field: &str, value: Value) -> Result<(), StoreError> {
        let id18 = ids::normalize(id).ok_or_else(|| StoreError::BadValue { field: "Id".into() })?;
        let (object, idx) = self
            .by_id
            .get(&id18)
            .cloned()
            .ok_or_else(|| StoreError::BadValue { field: "Id".into() })?;
        let def = self
            .schema
            .object(&object)
            .ok_or_else(|| StoreError::UnknownObject(object.clone()))?;
        let f = def
            .find_field(field)
            .ok_or_else(|| StoreError::UnknownField {
                object: object.clone(),
                field: field.to_owned(),
            })?;
        let name = f.name.clone();
        let rec = self
            .tables
            .get_mut(&object)
            .and_then(|t| t.get_mut(idx))
            .ok_or(StoreError::UnknownObject(object))?;
        rec.fields.insert(name, value);
        Ok(())
    }

    /// All records of an object, in insertion order (canonical or any-case name).
    pub fn records(&self, object: &str) -> &[Record] {
        let name = self.schema.object(object).map(|o| o.name.as_str());
        name.and_then(|n| self.tables.get(n))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Record by 15- or 18-char Id.
    pub fn get(&self, id: &str) -> Option<&Record> {
        let id18 = ids::normalize(id)?;
        let (object, idx) = self.by_id.get(&id18)?;
        self.tables.get(object)?.get(*idx)
    }

    /// First record of `object` whose text field `field` equals `value` case-insensitively.
    pub fn find_by(&self, object: &str, field: &str, value: &str) -> Option<&Record> {
        self.records(object)
            .iter()
            .find(|r| r.text(field).is_some_and(|v| v.eq_ignore_ascii_case(value)))
    }

    /// Allocates an Id outside any table (query locators etc.).
    pub fn allocate_id(&mut self, prefix: &str) -> String {
        self.ids.next(prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_checks_schema_and_indexes_ids() {
        let mut s = Store::new(Arc::new(Schema::standard()), IdAllocator::new("AM", '0'));
        let lic = s
            .insert("userlicense", &[("Name", Value::text("Salesforce"))])
            .unwrap_or_default();
        assert!(lic.starts_with("100"));
        assert_eq!(
            s.get(&lic[..15]).map(|r| r.object.as_str()),
            Some("UserLicense")
        );
        assert_eq!(
            s.insert("Profile", &[("Nope", Value::Null)]),
            Err(StoreError::UnknownField {
                object: "Profile".into(),
                field: "Nope".into()
            })
        );
        assert_eq!(
            s.insert("Profile", &[("UserLicenseId", Value::text("bad"))]),
            Err(StoreError::BadValue {
                field: "UserLicenseId".into()
            })
        );
        assert!(s.records("Profile").is_empty());
        assert!(!s.records("UserLicense")[0].flag("Status"));
    }
}
