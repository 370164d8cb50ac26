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

    /// All set fields.
    pub fn fields(&self) -> &HashMap<String, Value> {
        &self.fields
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

/// All records of one org. `Clone` is the snapshot used to roll back all-or-none requests and to
/// reset to the seed: tables are shared copy-on-write (`Arc::make_mut`), so a snapshot costs
/// little and a write copies only the tables it changes.
#[derive(Debug, Clone)]
pub struct Store {
    schema: Arc<Schema>,
    tables: BTreeMap<String, Arc<Vec<Record>>>,
    by_id: Arc<HashMap<String, (String, usize)>>,
    ids: IdAllocator,
    /// Deleted records (queryAll shows them with `IsDeleted = true`).
    recycle_bin: Arc<BTreeMap<String, Vec<Record>>>,
    /// Next auto-number per `Object.Field`.
    auto_numbers: HashMap<String, u64>,
}

impl Store {
    /// An empty store; `ids` allocates the Ids of inserted records.
    pub fn new(schema: Arc<Schema>, ids: IdAllocator) -> Self {
        Self {
            schema,
            tables: BTreeMap::new(),
            by_id: Arc::new(HashMap::new()),
            ids,
            recycle_bin: Arc::new(BTreeMap::new()),
            auto_numbers: HashMap::new(),
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
                // Requiredness is the write layer's check; only booleans are never null.
                (_, Value::Null) => f.ty != FieldType::Boolean,
                (FieldType::Boolean, Value::Bool(_)) => true,
                (FieldType::Int, Value::Int(_)) => true,
                (t, Value::Double(_) | Value::Int(_)) if t.is_number() && t != FieldType::Int => {
                    true
                }
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
        let table = Arc::make_mut(self.tables.entry(name.clone()).or_default());
        table.push(Record {
            id: id18.clone(),
            object: name.clone(),
            fields,
        });
        Arc::make_mut(&mut self.by_id).insert(id18, (name, table.len() - 1));
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
            .map(Arc::make_mut)
            .and_then(|t| t.get_mut(idx))
            .ok_or(StoreError::UnknownObject(object))?;
        rec.fields.insert(name, value);
        Ok(())
    }

    /// All records of an object, in insertion order (canonical or any-case name).
    pub fn records(&self, object: &str) -> &[Record] {
        let name = self.schema.object(object).map(|o| o.name.as_str());
        name.and_then(|n| self.tables.get(n))
            .map(|t| t.as_slice())
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

    /// Inserts an already validated record (canonical field names) under `id`.
    pub fn put(&mut self, object: &str, id: &str, fields: HashMap<String, Value>) {
        let mut fields = fields;
        fields.insert("Id".to_owned(), Value::Text(id.to_owned()));
        let table = Arc::make_mut(self.tables.entry(object.to_owned()).or_default());
        table.push(Record {
            id: id.to_owned(),
            object: object.to_owned(),
            fields,
        });
        Arc::make_mut(&mut self.by_id).insert(id.to_owned(), (object.to_owned(), table.len() - 1));
    }

    /// Replaces the fields of an existing record (canonical names); false if unknown.
    pub fn replace(&mut self, id: &str, fields: HashMap<String, Value>) -> bool {
        let Some((object, idx)) = ids::normalize(id).and_then(|i| self.by_id.get(&i).cloned())
        else {
            return false;
        };
        match self
            .tables
            .get_mut(&object)
            .and_then(|t| Arc::make_mut(t).get_mut(idx))
        {
            Some(rec) => {
                let mut fields = fields;
                fields.insert("Id".to_owned(), Value::Text(rec.id.clone()));
                rec.fields = fields;
                true
            }
            None => false,
        }
    }

    /// Removes a record into the recycle bin (`IsDeleted = true`); returns it.
    pub fn remove(&mut self, id: &str) -> Option<Record> {
        self.remove_at(id).map(|(r, _)| r)
    }

    /// Drops a record from the recycle bin (undoing a create).
    pub fn forget_deleted(&mut self, id: &str) {
        if self
            .recycle_bin
            .values()
            .any(|bin| bin.iter().any(|r| r.id == id))
        {
            for bin in Arc::make_mut(&mut self.recycle_bin).values_mut() {
                bin.retain(|r| r.id != id);
            }
        }
    }

    /// Puts a removed record back where it was (undoing a delete).
    pub fn undelete(&mut self, mut rec: Record, idx: usize) {
        self.forget_deleted(&rec.id);
        rec.fields
            .insert("IsDeleted".to_owned(), Value::Bool(false));
        let object = rec.object.clone();
        let table = Arc::make_mut(self.tables.entry(object.clone()).or_default());
        let idx = idx.min(table.len());
        table.insert(idx, rec);
        let by_id = Arc::make_mut(&mut self.by_id);
        for (i, r) in table.iter().enumerate().skip(idx) {
            by_id.insert(r.id.clone(), (object.clone(), i));
        }
    }

    /// Like [`Store::remove`], also returning the record's position in its table.
    pub fn remove_at(&mut self, id: &str) -> Option<(Record, usize)> {
        let id18 = ids::normalize(id)?;
        let (object, idx) = self.by_id.get(&id18).cloned()?;
        let table = Arc::make_mut(self.tables.get_mut(&object)?);
        if idx >= table.len() {
            return None;
        }
        let by_id = Arc::make_mut(&mut self.by_id);
        by_id.remove(&id18);
        let mut rec = table.remove(idx);
        for (i, r) in table.iter().enumerate().skip(idx) {
            by_id.insert(r.id.clone(), (object.clone(), i));
        }
        rec.fields.insert("IsDeleted".to_owned(), Value::Bool(true));
        Arc::make_mut(&mut self.recycle_bin)
            .entry(object)
            .or_default()
            .push(rec.clone());
        Some((rec, idx))
    }

    /// Deleted records of an object (queryAll).
    pub fn deleted(&self, object: &str) -> &[Record] {
        let name = self.schema.object(object).map(|o| o.name.as_str());
        name.and_then(|n| self.recycle_bin.get(n))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Fresh 18-char Id for a record of `object` (by key prefix).
    pub fn new_id(&mut self, object: &str) -> Option<String> {
        let prefix = self.schema.object(object)?.key_prefix.clone();
        Some(self.ids.next(&prefix))
    }

    /// Next value of an auto-number field, formatted (`INV-{0000}` → `INV-0001`).
    pub fn next_auto_number(&mut self, object: &str, field: &str, format: &str) -> String {
        let counter = self
            .auto_numbers
            .entry(format!("{object}.{field}"))
            .or_insert(1);
        let n = *counter;
        *counter += 1;
        format_auto_number(format, n)
    }

    /// Sets `field` to `value` on every record of every object that has the field but no value
    /// (seed audit fields).
    pub fn fill_missing(&mut self, field: &str, value: &Value) {
        for (object, table) in self.tables.iter_mut() {
            let table = Arc::make_mut(table);
            let has = self
                .schema
                .object(object)
                .is_some_and(|o| o.find_field(field).is_some());
            if !has {
                continue;
            }
            for r in table.iter_mut() {
                r.fields
                    .entry(field.to_owned())
                    .or_insert_with(|| value.clone());
            }
        }
    }

    /// JSON of a field as the REST API renders it; compound addresses are built from their
    /// components (salesforce.md §C.3).
    pub fn field_json(&self, rec: &Record, field: &str) -> serde_json::Value {
        let compound = self
            .schema
            .object(&rec.object)
            .and_then(|o| o.find_field(field))
            .filter(|f| f.ty == FieldType::Address);
        let Some(f) = compound else {
            return rec.get(field).to_json();
        };
        let prefix = f.name.strip_suffix("Address").unwrap_or("");
        let part = |p: &str| rec.get(&format!("{prefix}{p}")).to_json();
        let parts = [
            ("city", part("City")),
            ("country", part("Country")),
            ("postalCode", part("PostalCode")),
            ("state", part("State")),
            ("street", part("Street")),
        ];
        if parts.iter().all(|(_, v)| v.is_null()) {
            return serde_json::Value::Null;
        }
        let mut m = serde_json::Map::new();
        for (k, v) in parts {
            m.insert(k.to_owned(), v);
        }
        m.insert("geocodeAccuracy".into(), serde_json::Value::Null);
        m.insert("latitude".into(), serde_json::Value::Null);
        m.insert("longitude".into(), serde_json::Value::Null);
        serde_json::Value::Object(m)
    }

    /// Allocates an Id outside any table (query locators etc.).
    pub fn allocate_id(&mut self, prefix: &str) -> String {
        self.ids.next(prefix)
    }
}

/// `INV-{0000}` with 7 → `INV-0007`.
pub fn format_auto_number(format: &str, n: u64) -> String {
    match (format.find('{'), format.find('}')) {
        (Some(a), Some(b)) if b > a => {
            let width = b - a - 1;
            format!("{}{n:0width$}{}", &format[..a], &format[b + 1..])
        }
        _ => format!("{format}{n}"),
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
        assert_eq!(format_auto_number("INV-{0000}", 7), "INV-0007");
        let id = s.records("UserLicense")[0].id.clone();
        assert!(s.remove(&id).is_some());
        assert!(s.get(&id).is_none());
        assert_eq!(s.deleted("UserLicense").len(), 1);
        assert!(s.deleted("UserLicense")[0].flag("IsDeleted"));
    }
}
