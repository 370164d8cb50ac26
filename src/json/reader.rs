//! Reads a typed value out of a parsed `serde_json::Value`, in place of serde_json's own `Value`
//! deserializer, for the size of the WebAssembly. Two differences make the difference:
//!
//! * Its error ([`JsonError`]) words what it found without Rust's float formatting: serde's
//!   `Unexpected` display, which serde_json's errors reach, links `f64`'s `Display` (≈ 14 KB of
//!   code before wasm-opt) though Forcefield reads no float it could complain about.
//! * A struct is read only from a JSON object. serde_json also accepts a struct written as an
//!   array of its fields, a form no Forcefield message, stored value or Salesforce answer takes;
//!   reading it made every derived struct carry a second reader.
//!
//! Everything else reads as serde_json's deserializer reads it: the same types accepted, the same
//! `missing field`/`unknown variant`/`invalid type` words (a float is named as a floating point
//! number without its digits).

use serde::de::{self, DeserializeSeed, IntoDeserializer, Unexpected, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Map, Value};
use std::fmt;

/// Reads `T` from `value`.
pub fn read<'a, T: de::Deserialize<'a>>(value: &'a Value) -> Result<T, JsonError> {
    T::deserialize(ValueReader(value))
}

/// Why JSON is not the type it was read as (or, from [`super::parse`], not JSON at all). Not
/// serde_json's error: making one from words goes through its search for a line and column in
/// them, code the worker's core needs nowhere else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError(String);

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JsonError {}

impl de::Error for JsonError {
    #[cold]
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self(message.to_string())
    }

    #[cold]
    fn invalid_type(found: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self(format!(
            "invalid type: {}, expected {expected}",
            Found(found)
        ))
    }

    #[cold]
    fn invalid_value(found: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self(format!(
            "invalid value: {}, expected {expected}",
            Found(found)
        ))
    }
}

impl From<serde_json::Error> for JsonError {
    fn from(error: serde_json::Error) -> Self {
        Self(error.to_string())
    }
}

/// What was found, worded as serde_json words it, except that a float's digits are left out:
/// serde's own wording of `Unexpected` links the float formatter (see the module's comment).
struct Found<'a>(Unexpected<'a>);

impl fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Bool(b) => write!(f, "boolean `{b}`"),
            Unexpected::Unsigned(n) => write!(f, "integer `{n}`"),
            Unexpected::Signed(n) => write!(f, "integer `{n}`"),
            Unexpected::Float(_) => f.write_str("floating point number"),
            Unexpected::Char(c) => write!(f, "character `{c}`"),
            Unexpected::Str(s) => write!(f, "string {s:?}"),
            Unexpected::Bytes(_) => f.write_str("byte array"),
            Unexpected::Unit => f.write_str("null"),
            Unexpected::Option => f.write_str("Option value"),
            Unexpected::NewtypeStruct => f.write_str("newtype struct"),
            Unexpected::Seq => f.write_str("sequence"),
            Unexpected::Map => f.write_str("map"),
            Unexpected::Enum => f.write_str("enum"),
            Unexpected::UnitVariant => f.write_str("unit variant"),
            Unexpected::NewtypeVariant => f.write_str("newtype variant"),
            Unexpected::TupleVariant => f.write_str("tuple variant"),
            Unexpected::StructVariant => f.write_str("struct variant"),
            Unexpected::Other(other) => f.write_str(other),
        }
    }
}

/// A borrowed JSON value as a serde deserializer.
#[derive(Clone, Copy, Debug)]
pub struct ValueReader<'a>(pub &'a Value);

impl ValueReader<'_> {
    pub(crate) fn unexpected(&self) -> Unexpected<'_> {
        match self.0 {
            Value::Null => Unexpected::Unit,
            Value::Bool(b) => Unexpected::Bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => Unexpected::Unsigned(u),
                (None, Some(i)) => Unexpected::Signed(i),
                (None, None) => Unexpected::Float(n.as_f64().unwrap_or_default()),
            },
            Value::String(s) => Unexpected::Str(s),
            Value::Array(_) => Unexpected::Seq,
            Value::Object(_) => Unexpected::Map,
        }
    }
}

impl<'de> de::Deserializer<'de> for ValueReader<'de> {
    type Error = JsonError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or_default())
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visit_array(items, visitor),
            Value::Object(entries) => visit_object(entries, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, JsonError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, JsonError> {
        match self.0 {
            Value::Object(entries) => visit_object(entries, visitor),
            _ => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, JsonError> {
        match self.0 {
            Value::String(variant) => visitor.visit_enum(variant.as_str().into_deserializer()),
            Value::Object(entries) => {
                let mut entries = entries.iter();
                match (entries.next(), entries.next()) {
                    (Some((variant, value)), None) => {
                        visitor.visit_enum(Variant { variant, value })
                    }
                    _ => Err(de::Error::invalid_value(
                        Unexpected::Map,
                        &"map with a single key",
                    )),
                }
            }
            _ => Err(de::Error::invalid_type(self.unexpected(), &"string or map")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier
    }
}

fn visit_array<'de, V: Visitor<'de>>(
    items: &'de [Value],
    visitor: V,
) -> Result<V::Value, JsonError> {
    let mut items = Items(items.iter());
    let value = visitor.visit_seq(&mut items)?;
    match items.0.len() {
        0 => Ok(value),
        left => Err(de::Error::invalid_length(left, &"fewer elements in array")),
    }
}

fn visit_object<'de, V: Visitor<'de>>(
    entries: &'de Map<String, Value>,
    visitor: V,
) -> Result<V::Value, JsonError> {
    visitor.visit_map(Entries {
        entries: entries.iter(),
        value: None,
    })
}

/// An array's items, one by one.
struct Items<'de>(std::slice::Iter<'de, Value>);

impl<'de> de::SeqAccess<'de> for &mut Items<'de> {
    type Error = JsonError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, JsonError> {
        self.0
            .next()
            .map(|item| seed.deserialize(ValueReader(item)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// An object's entries, key then value.
struct Entries<'de> {
    entries: serde_json::map::Iter<'de>,
    value: Option<&'de Value>,
}

impl<'de> de::MapAccess<'de> for Entries<'de> {
    type Error = JsonError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, JsonError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(de::value::BorrowedStrDeserializer::<JsonError>::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, JsonError> {
        match self.value.take() {
            Some(value) => seed.deserialize(ValueReader(value)),
            None => Err(de::Error::custom("value is missing")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An enum written as `{"variant": value}`.
struct Variant<'de> {
    variant: &'de str,
    value: &'de Value,
}

impl<'de> de::EnumAccess<'de> for Variant<'de> {
    type Error = JsonError;
    type Variant = ValueReader<'de>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, ValueReader<'de>), JsonError> {
        let variant = seed.deserialize(de::value::BorrowedStrDeserializer::<JsonError>::new(
            self.variant,
        ))?;
        Ok((variant, ValueReader(self.value)))
    }
}

impl<'de> de::VariantAccess<'de> for ValueReader<'de> {
    type Error = JsonError;

    fn unit_variant(self) -> Result<(), JsonError> {
        match self.0 {
            Value::Null => Ok(()),
            _ => Err(de::Error::invalid_type(self.unexpected(), &"unit variant")),
        }
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, JsonError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, JsonError> {
        match self.0 {
            Value::Array(items) => visit_array(items, visitor),
            _ => Err(de::Error::invalid_type(self.unexpected(), &"tuple variant")),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, JsonError> {
        match self.0 {
            Value::Object(entries) => visit_object(entries, visitor),
            _ => Err(de::Error::invalid_type(
                self.unexpected(),
                &"struct variant",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Request {
        user_ids: Vec<String>,
        limit: Option<u32>,
        #[serde(default)]
        kind: Kind,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    enum Kind {
        #[default]
        Emoji,
        Picture(String),
    }

    #[test]
    fn reads_what_serde_json_reads() {
        for value in [
            json!({"userIds": ["005A", "005B"], "limit": 3, "kind": "emoji"}),
            json!({"userIds": [], "limit": null, "other": [1, 2.5, {"x": true}]}),
            json!({"userIds": ["005A"], "kind": {"picture": "abc"}}),
        ] {
            let ours: Request = read(&value).unwrap_or_else(|e| panic!("{e}"));
            let theirs: Request =
                serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn refuses_what_serde_json_refuses_in_the_same_words_but_a_floats_digits() {
        let cases = [
            (json!({"limit": 3}), "missing field `userIds`"),
            (
                json!({"userIds": "005A"}),
                "invalid type: string \"005A\", expected a sequence",
            ),
            (
                json!({"userIds": [], "limit": -1}),
                "invalid value: integer `-1`, expected u32",
            ),
            (
                json!({"userIds": [], "limit": 2.5}),
                "invalid type: floating point number, expected u32",
            ),
            (
                json!({"userIds": [], "kind": "photo"}),
                "unknown variant `photo`, expected `emoji` or `picture`",
            ),
            (
                json!(["005A"]),
                "invalid type: sequence, expected struct Request",
            ),
            (json!(null), "invalid type: null, expected struct Request"),
        ];
        for (value, words) in cases {
            match read::<Request>(&value) {
                Err(error) => assert_eq!(error.to_string(), words, "{value}"),
                Ok(request) => panic!("{value} read as {request:?}"),
            }
        }
    }

    #[test]
    fn a_tuple_takes_exactly_its_length() {
        assert_eq!(read::<(u8, bool)>(&json!([1, true])), Ok((1, true)));
        assert!(read::<(u8, bool)>(&json!([1, true, 3])).is_err());
    }
}
