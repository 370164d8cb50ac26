//! One way JSON goes in and out: text → `serde_json::Value` → the type, and the type → text
//! (→ `Value` where a value is wanted). So the WebAssembly carries one reader (from a value) and
//! one writer (to text) per type instead of two each, which keeps the worker's core small; the
//! extra step costs microseconds on what Forcefield reads and writes. Values are read through
//! [`reader`], not serde_json's own `Value` deserializer (why: see there).

pub mod fields;
pub mod reader;

pub use reader::JsonError;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Parses JSON text as `T`. The generator page's core (the `generator` feature), which reads the
/// org's whole catalog and is not held to the worker's size, parses directly: one pass over a
/// large answer instead of two.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    #[cfg(feature = "generator")]
    {
        Ok(serde_json::from_str(text)?)
    }
    #[cfg(not(feature = "generator"))]
    {
        read(&serde_json::from_str::<serde_json::Value>(text)?)
    }
}

/// Reads a JSON value as `T`.
pub fn read<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, JsonError> {
    reader::read(value)
}

/// A value as JSON text.
pub fn text<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    serde_json::to_string(value)
}

/// A value as a JSON value (through its text, so each type has one writer).
pub fn write<T: Serialize + ?Sized>(value: &T) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::from_str(&text(value)?)
}
