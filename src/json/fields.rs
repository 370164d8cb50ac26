//! An object's members read by hand, for the few large types whose serde-derived readers cost the
//! worker's core more than they are worth (the toggles' page snapshot: derived, its eight types
//! took about 20 KB of the module). The same rules as a derived reader with `#[serde(default)]`:
//! a missing member reads as its default (or, where required, is a `missing field` error), an
//! optional member may also be `null`, a member of the wrong type is an `invalid type` error,
//! and members no one asked for are ignored.

use super::reader::ValueReader;
use super::JsonError;
use serde::de::Error as _;
use serde_json::{Map, Value};

/// The members of one JSON object.
#[derive(Clone, Copy, Debug)]
pub struct Fields<'a> {
    members: &'a Map<String, Value>,
}

/// `value` is not what was `expected` (serde's words: "a string", "struct RowSnapshot").
pub fn invalid(value: &Value, expected: &'static str) -> JsonError {
    JsonError::invalid_type(ValueReader(value).unexpected(), &expected)
}

impl<'a> Fields<'a> {
    /// The members of `value`, which must be an object (`what`: "struct RowSnapshot").
    pub fn of(value: &'a Value, what: &'static str) -> Result<Self, JsonError> {
        match value {
            Value::Object(members) => Ok(Self { members }),
            other => Err(invalid(other, what)),
        }
    }

    /// A member that may be left out.
    fn member(&self, key: &str) -> Option<&'a Value> {
        self.members.get(key)
    }

    /// A member that may be left out or `null`.
    fn present(&self, key: &str) -> Option<&'a Value> {
        self.member(key).filter(|value| !value.is_null())
    }

    /// A string that must be there.
    pub fn required_string(&self, key: &'static str) -> Result<String, JsonError> {
        match self.member(key) {
            Some(value) => text(value),
            None => Err(JsonError::missing_field(key)),
        }
    }

    /// A string, empty when left out.
    pub fn string(&self, key: &str) -> Result<String, JsonError> {
        self.member(key).map_or(Ok(String::new()), text)
    }

    /// A string, `None` when left out or `null`.
    pub fn optional_string(&self, key: &str) -> Result<Option<String>, JsonError> {
        self.present(key).map(text).transpose()
    }

    /// A boolean, false when left out.
    pub fn flag(&self, key: &str) -> Result<bool, JsonError> {
        match self.member(key) {
            None => Ok(false),
            Some(Value::Bool(on)) => Ok(*on),
            Some(other) => Err(invalid(other, "a boolean")),
        }
    }

    /// A `u16`, `None` when left out or `null`.
    pub fn optional_u16(&self, key: &str) -> Result<Option<u16>, JsonError> {
        let Some(value) = self.present(key) else {
            return Ok(None);
        };
        match value.as_u64() {
            Some(n) => u16::try_from(n)
                .map(Some)
                .map_err(|_| JsonError::invalid_value(ValueReader(value).unexpected(), &"u16")),
            None if value.is_i64() => Err(JsonError::invalid_value(
                ValueReader(value).unexpected(),
                &"u16",
            )),
            None => Err(invalid(value, "u16")),
        }
    }

    /// A list of strings, empty when left out.
    pub fn strings(&self, key: &str) -> Result<Vec<String>, JsonError> {
        self.list(key, text)
    }

    /// A list read item by item with `read`, empty when left out.
    pub fn list<T>(
        &self,
        key: &str,
        read: fn(&'a Value) -> Result<T, JsonError>,
    ) -> Result<Vec<T>, JsonError> {
        self.member(key)
            .map_or(Ok(Vec::new()), |value| items(value, read))
    }

    /// A list read item by item with `read`, `None` when left out or `null`.
    pub fn optional_list<T>(
        &self,
        key: &str,
        read: fn(&'a Value) -> Result<T, JsonError>,
    ) -> Result<Option<Vec<T>>, JsonError> {
        self.present(key)
            .map(|value| items(value, read))
            .transpose()
    }

    /// A member read with `read`, `None` when left out or `null`.
    pub fn optional<T>(
        &self,
        key: &str,
        read: fn(&'a Value) -> Result<T, JsonError>,
    ) -> Result<Option<T>, JsonError> {
        self.present(key).map(read).transpose()
    }
}

/// A string value.
pub fn text(value: &Value) -> Result<String, JsonError> {
    match value {
        Value::String(text) => Ok(text.clone()),
        other => Err(invalid(other, "a string")),
    }
}

/// A list's items, each read with `read`.
fn items<'a, T>(
    value: &'a Value,
    read: fn(&'a Value) -> Result<T, JsonError>,
) -> Result<Vec<T>, JsonError> {
    match value {
        Value::Array(items) => items.iter().map(read).collect(),
        other => Err(invalid(other, "a sequence")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn words<T: std::fmt::Debug>(result: Result<T, JsonError>) -> String {
        match result {
            Err(error) => error.to_string(),
            Ok(value) => panic!("read as {value:?}"),
        }
    }

    #[test]
    fn members_read_with_serdes_defaults_and_words() {
        let value = json!({"key": "r1", "span": 2, "on": true, "list": ["a"], "gone": null});
        let fields = Fields::of(&value, "struct Row").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fields.required_string("key"), Ok("r1".to_owned()));
        assert_eq!(words(fields.required_string("id")), "missing field `id`");
        assert_eq!(fields.string("label"), Ok(String::new()));
        assert_eq!(fields.optional_string("gone"), Ok(None));
        assert_eq!(
            words(fields.string("gone")),
            "invalid type: null, expected a string"
        );
        assert_eq!(fields.flag("on"), Ok(true));
        assert_eq!(fields.flag("off"), Ok(false));
        assert_eq!(
            words(fields.flag("key")),
            "invalid type: string \"r1\", expected a boolean"
        );
        assert_eq!(fields.optional_u16("span"), Ok(Some(2)));
        assert_eq!(fields.strings("list"), Ok(vec!["a".to_owned()]));
        assert_eq!(fields.strings("none"), Ok(Vec::new()));
        assert_eq!(fields.optional_list("gone", text), Ok(None));
        assert_eq!(
            words(fields.strings("key")),
            "invalid type: string \"r1\", expected a sequence"
        );
        assert_eq!(
            words(Fields::of(&json!([1]), "struct Row")),
            "invalid type: sequence, expected struct Row"
        );
        let big = json!({"span": 70000, "neg": -1, "half": 0.5});
        let fields = Fields::of(&big, "struct Cell").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            words(fields.optional_u16("span")),
            "invalid value: integer `70000`, expected u16"
        );
        assert_eq!(
            words(fields.optional_u16("neg")),
            "invalid value: integer `-1`, expected u16"
        );
        assert!(fields.optional_u16("half").is_err());
    }
}
