//! Versioned storage: every value Forcefield keeps in extension storage says which schema
//! version wrote it, values from every shipped version are migrated when read, and a value that
//! can't be read is moved aside and reported — never overwritten, never silently dropped.
//!
//! A stored value is an envelope `{"kind": "settings", "version": 1, "json": "<JSON text>"}`.
//! Values written before envelopes existed are version 0 of their kind: either the JSON value
//! itself (settings, icons, the users cache, the API version) or JSON text in a string (the
//! generator's templates, org summary and catalog). Version 0 is told apart from an envelope by
//! shape: no version-0 value is an object with exactly these three members (their objects are
//! keyed by `enabled` or by 18-character record Ids).
//!
//! What happens to a value that can't be read depends on whose it is:
//! * the admin's own data (settings, templates, icons, journals) is copied, raw, to
//!   `unreadable:<key>` in the same area (a list: each different unreadable value is added,
//!   none is ever replaced) and the reader is told; the value itself is only overwritten by a
//!   later save, after it has been copied;
//! * a cache (a copy of what the org said) is read again from the org, as an expired one is:
//!   there is nothing of the admin's in it to keep.

use crate::platform::{Area, KeyValueStore, StorageError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

/// Prefix of the key that keeps a key's unreadable values.
pub const QUARANTINE_PREFIX: &str = "unreadable:";

/// What a value that can't be read becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IfUnreadable {
    /// Moved aside under `unreadable:<key>` and reported.
    Quarantine,
    /// Treated as absent: read again from the org (caches only).
    Refetch,
}

/// How a kind was kept before versioned storage (version 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unversioned {
    /// The JSON value itself.
    Value,
    /// JSON text inside a string.
    Text,
}

/// One kind of stored value: its current schema version and how to read every older one.
pub trait Stored: Sized {
    /// The kind's name in envelopes and messages ("settings", "templates").
    const KIND: &'static str;
    /// The version this code writes.
    const VERSION: u32;
    /// How version 0 kept it.
    const UNVERSIONED: Unversioned;
    const IF_UNREADABLE: IfUnreadable;
    /// Reads the JSON text of a value written at `version` (0 ..= [`Self::VERSION`]), migrating
    /// older versions to the current shape.
    fn read(version: u32, json: &str) -> Result<Self, ReadError>;
    /// The JSON text of this value at [`Self::VERSION`].
    fn write(&self) -> Result<String, serde_json::Error>;
}

/// Why a stored value could not be read.
#[derive(Debug, Error)]
pub enum ReadError {
    #[error("it is not valid JSON for {kind}: {source}")]
    Json {
        kind: &'static str,
        source: serde_json::Error,
    },
    #[error("{0}")]
    Invalid(String),
    #[error(
        "it was written by a newer Forcefield (version {found}; this one reads up to {known})"
    )]
    Newer { found: u32, known: u32 },
    #[error("no migration from version {0}")]
    NoMigration(u32),
    #[error("it holds {found}, not {expected}")]
    WrongKind {
        found: String,
        expected: &'static str,
    },
    #[error("it is neither a versioned value nor how {0} was kept before versions")]
    UnknownForm(&'static str),
}

/// Parses `json` as `T`, naming `kind` in the error.
pub fn from_json<T: serde::de::DeserializeOwned>(
    kind: &'static str,
    json: &str,
) -> Result<T, ReadError> {
    serde_json::from_str(json).map_err(|source| ReadError::Json { kind, source })
}

/// Parses `json` as a JSON value (read by hand afterwards: one JSON reader for every kind keeps
/// the WebAssembly small).
pub fn json_value(kind: &'static str, json: &str) -> Result<Value, ReadError> {
    from_json(kind, json)
}

/// Why storage could not serve a load or a save.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The host's storage itself failed.
    #[error("extension storage failed: {0}")]
    Host(#[from] StorageError),
    #[error("the value could not be written: {0}")]
    Encode(#[from] serde_json::Error),
    /// The list of a key's unreadable values can't itself be read, so nothing more is moved
    /// there and the key is not overwritten.
    #[error("the unreadable values kept under {key} can't be read ({reason}); {key_of} is left as it is")]
    QuarantineUnreadable {
        key: String,
        key_of: String,
        reason: String,
    },
}

/// A value that could not be read, as the admin is shown it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnreadableValue {
    /// The storage key it was read from.
    pub key: String,
    /// Its kind ("settings", "templates", …).
    pub kind: String,
    /// Why it could not be read.
    pub reason: String,
    /// Exactly what was stored, as JSON text.
    pub raw: String,
}

/// A value kept aside, as a page shows it to the admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetAside {
    /// The key it was read from (what `forgetUnreadable` names).
    pub key: String,
    /// What could not be read and why, in a sentence.
    pub message: String,
    /// Exactly what was stored, as JSON text, for the admin to save.
    pub raw: String,
}

/// The outcome of reading one key.
#[derive(Debug, PartialEq, Eq)]
pub enum Loaded<T> {
    Absent,
    Found(T),
    /// Unreadable: for [`IfUnreadable::Quarantine`] kinds, already moved aside.
    Unreadable(UnreadableValue),
}

impl<T> Loaded<T> {
    /// The value, if one was read.
    pub fn found(self) -> Option<T> {
        match self {
            Loaded::Found(value) => Some(value),
            Loaded::Absent | Loaded::Unreadable(_) => None,
        }
    }
}

/// An envelope's parts, if `raw` is one: (kind, version, JSON text).
fn envelope(raw: &Value) -> Option<(&str, Option<u32>, &str)> {
    let members = raw.as_object()?;
    if members.len() != 3 {
        return None;
    }
    let kind = members.get("kind")?.as_str()?;
    let version = members.get("version")?.as_u64()?;
    let json = members.get("json")?.as_str()?;
    Some((kind, u32::try_from(version).ok(), json))
}

/// The version and JSON text of a stored value of kind `kind` (not generic: shared by every
/// kind, which keeps the WebAssembly small).
fn unwrap_stored<'a>(
    raw: &'a Value,
    kind: &'static str,
    current: u32,
    unversioned: Unversioned,
) -> Result<(u32, std::borrow::Cow<'a, str>), ReadError> {
    if let Some((found, version, json)) = envelope(raw) {
        if found != kind {
            return Err(ReadError::WrongKind {
                found: found.to_owned(),
                expected: kind,
            });
        }
        return match version {
            Some(version) if version <= current => Ok((version, json.into())),
            other => Err(ReadError::Newer {
                found: other.unwrap_or(u32::MAX),
                known: current,
            }),
        };
    }
    match (unversioned, raw) {
        (Unversioned::Text, Value::String(text)) => Ok((0, text.as_str().into())),
        (Unversioned::Value, _) => Ok((0, raw.to_string().into())),
        (Unversioned::Text, _) => Err(ReadError::UnknownForm(kind)),
    }
}

/// Reads a stored value of kind `T` from its raw stored form.
pub fn decode<T: Stored>(raw: &Value) -> Result<T, ReadError> {
    let (version, json) = unwrap_stored(raw, T::KIND, T::VERSION, T::UNVERSIONED)?;
    T::read(version, &json)
}

fn wrap(kind: &str, version: u32, json: String) -> Value {
    let mut members = Map::new();
    members.insert("kind".to_owned(), Value::from(kind));
    members.insert("version".to_owned(), Value::from(version));
    members.insert("json".to_owned(), Value::from(json));
    Value::Object(members)
}

/// The stored form of `value`: an envelope at the kind's current version.
pub fn encode<T: Stored>(value: &T) -> Result<Value, serde_json::Error> {
    Ok(wrap(T::KIND, T::VERSION, value.write()?))
}

/// The raw value under `key`; `None` when absent.
async fn get_raw(
    store: &impl KeyValueStore,
    area: Area,
    key: &str,
) -> Result<Option<Value>, StoreError> {
    let raw = store.get(area, key).await?;
    Ok(raw.filter(|raw| !raw.is_null()))
}

/// What becomes of a value of kind `kind` that can't be read: `None` for a cache (read again),
/// otherwise the value, already kept aside.
async fn unreadable(
    store: &impl KeyValueStore,
    area: Area,
    key: &str,
    kind: &'static str,
    if_unreadable: IfUnreadable,
    reason: ReadError,
    raw: &Value,
) -> Result<Option<UnreadableValue>, StoreError> {
    if if_unreadable == IfUnreadable::Refetch {
        return Ok(None);
    }
    let unreadable = UnreadableValue {
        key: key.to_owned(),
        kind: kind.to_owned(),
        reason: reason.to_string(),
        raw: raw.to_string(),
    };
    set_aside(store, area, &unreadable).await?;
    Ok(Some(unreadable))
}

/// Reads `key`. An unreadable value of a [`IfUnreadable::Quarantine`] kind is first copied to
/// `unreadable:<key>`; one of a [`IfUnreadable::Refetch`] kind reads as absent.
pub async fn load<T: Stored>(
    store: &impl KeyValueStore,
    area: Area,
    key: &str,
) -> Result<Loaded<T>, StoreError> {
    let Some(raw) = get_raw(store, area, key).await? else {
        return Ok(Loaded::Absent);
    };
    let reason = match decode::<T>(&raw) {
        Ok(value) => return Ok(Loaded::Found(value)),
        Err(reason) => reason,
    };
    let kept = unreadable(store, area, key, T::KIND, T::IF_UNREADABLE, reason, &raw).await?;
    Ok(kept.map_or(Loaded::Absent, Loaded::Unreadable))
}

/// Whether a raw stored value reads (a kind's check, as a plain function pointer).
type ReadCheck = fn(&Value) -> Result<(), ReadError>;

/// Whether `raw` reads as a `T` (for [`save`]'s check).
fn readable<T: Stored>(raw: &Value) -> Result<(), ReadError> {
    decode::<T>(raw).map(drop)
}

/// Writes `value` under `key`. What is there now is read first, so an unreadable value of a
/// [`IfUnreadable::Quarantine`] kind is moved aside before it is replaced.
pub async fn save<T: Stored>(
    store: &impl KeyValueStore,
    area: Area,
    key: &str,
    value: &T,
) -> Result<(), StoreError> {
    let stored = encode(value)?;
    let check = (T::IF_UNREADABLE == IfUnreadable::Quarantine).then_some(T::KIND);
    save_checked(
        store,
        area,
        key,
        stored,
        check.map(|kind| (kind, readable::<T> as _)),
    )
    .await
}

/// The untyped half of [`save`]: with `check`, the value now under `key` is kept aside first if
/// it doesn't read.
async fn save_checked(
    store: &impl KeyValueStore,
    area: Area,
    key: &str,
    stored: Value,
    check: Option<(&'static str, ReadCheck)>,
) -> Result<(), StoreError> {
    if let Some((kind, readable)) = check {
        if let Some(raw) = get_raw(store, area, key).await? {
            if let Err(reason) = readable(&raw) {
                unreadable(
                    store,
                    area,
                    key,
                    kind,
                    IfUnreadable::Quarantine,
                    reason,
                    &raw,
                )
                .await?;
            }
        }
    }
    store.set(area, key, stored).await.map_err(StoreError::Host)
}

/// Removes `key` (a cache to be read again).
pub async fn remove(store: &impl KeyValueStore, area: Area, key: &str) -> Result<(), StoreError> {
    store
        .set(area, key, Value::Null)
        .await
        .map_err(StoreError::Host)
}

/// The unreadable values of one key, kept under `unreadable:<key>`: `[{"key", "kind",
/// "reason", "raw"}]`, read and written by hand.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Quarantine {
    values: Vec<UnreadableValue>,
}

impl Stored for Quarantine {
    const KIND: &'static str = "unreadable";
    const VERSION: u32 = 1;
    const UNVERSIONED: Unversioned = Unversioned::Value;
    // Handled by hand in `set_aside`: an unreadable quarantine is never overwritten.
    const IF_UNREADABLE: IfUnreadable = IfUnreadable::Quarantine;

    fn read(version: u32, json: &str) -> Result<Self, ReadError> {
        if version != 1 {
            return Err(ReadError::NoMigration(version));
        }
        let Value::Array(entries) = json_value(Self::KIND, json)? else {
            return Err(ReadError::Invalid("it is not a list".to_owned()));
        };
        let text = |entry: &Value, name: &str| {
            entry
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| ReadError::Invalid(format!("an entry has no {name}")))
        };
        let values = entries
            .iter()
            .map(|entry| {
                Ok(UnreadableValue {
                    key: text(entry, "key")?,
                    kind: text(entry, "kind")?,
                    reason: text(entry, "reason")?,
                    raw: text(entry, "raw")?,
                })
            })
            .collect::<Result<_, ReadError>>()?;
        Ok(Quarantine { values })
    }

    fn write(&self) -> Result<String, serde_json::Error> {
        let entries = self
            .values
            .iter()
            .map(|value| {
                let mut entry = Map::new();
                for (name, text) in [
                    ("key", &value.key),
                    ("kind", &value.kind),
                    ("reason", &value.reason),
                    ("raw", &value.raw),
                ] {
                    entry.insert(name.to_owned(), Value::from(text.as_str()));
                }
                Value::Object(entry)
            })
            .collect();
        Ok(Value::Array(entries).to_string())
    }
}

fn quarantine_key(key: &str) -> String {
    format!("{QUARANTINE_PREFIX}{key}")
}

async fn read_quarantine(
    store: &impl KeyValueStore,
    area: Area,
    key: &str,
) -> Result<Quarantine, StoreError> {
    let at = quarantine_key(key);
    let Some(raw) = get_raw(store, area, &at).await? else {
        return Ok(Quarantine::default());
    };
    decode::<Quarantine>(&raw).map_err(|reason| StoreError::QuarantineUnreadable {
        key: at,
        key_of: key.to_owned(),
        reason: reason.to_string(),
    })
}

/// Adds `unreadable` to its key's quarantine unless the same raw value is already there.
async fn set_aside(
    store: &impl KeyValueStore,
    area: Area,
    unreadable: &UnreadableValue,
) -> Result<(), StoreError> {
    let mut quarantine = read_quarantine(store, area, &unreadable.key).await?;
    if quarantine.values.iter().any(|v| v.raw == unreadable.raw) {
        return Ok(());
    }
    quarantine.values.push(unreadable.clone());
    store
        .set(area, &quarantine_key(&unreadable.key), encode(&quarantine)?)
        .await
        .map_err(StoreError::Host)
}

/// Every unreadable value kept aside for `key`, oldest first.
pub async fn set_aside_values(
    store: &impl KeyValueStore,
    area: Area,
    key: &str,
) -> Result<Vec<UnreadableValue>, StoreError> {
    Ok(read_quarantine(store, area, key).await?.values)
}

/// The values kept aside for `key` as the admin is shown them; `what` names the key's data
/// ("Your saved templates"). A kept-aside list that can't be read is shown as such.
pub async fn set_aside_notices(
    store: &impl KeyValueStore,
    area: Area,
    key: &str,
    what: &str,
) -> Vec<SetAside> {
    match set_aside_values(store, area, key).await {
        Ok(values) => values
            .into_iter()
            .map(|value| SetAside {
                key: value.key,
                message: format!(
                    "{what} could not be read ({}). What was stored is kept aside exactly as it was.",
                    value.reason
                ),
                raw: value.raw,
            })
            .collect(),
        Err(e) => vec![SetAside {
            key: key.to_owned(),
            message: format!("{what}: {e}"),
            raw: String::new(),
        }],
    }
}

/// Forgets the unreadable values kept aside for `key` (the admin's explicit choice).
pub async fn forget_set_aside(
    store: &impl KeyValueStore,
    area: Area,
    key: &str,
) -> Result<(), StoreError> {
    remove(store, area, &quarantine_key(key)).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::platform::memory::MemoryStorage as Memory;

    fn put(store: &Memory, key: &str, value: Value) {
        pollster::block_on(store.set(Area::Local, key, value)).unwrap();
    }

    fn stored(store: &Memory, key: &str) -> Option<Value> {
        pollster::block_on(store.get(Area::Local, key)).unwrap()
    }

    /// A kind at version 2 whose version 0 was a bare number and version 1 `{"n": …}`.
    #[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
    struct Count {
        count: u32,
    }

    impl Stored for Count {
        const KIND: &'static str = "count";
        const VERSION: u32 = 2;
        const UNVERSIONED: Unversioned = Unversioned::Value;
        const IF_UNREADABLE: IfUnreadable = IfUnreadable::Quarantine;
        fn read(version: u32, json: &str) -> Result<Self, ReadError> {
            #[derive(Deserialize)]
            struct V1 {
                n: u32,
            }
            match version {
                0 => Err(ReadError::Invalid("a bare number".into())),
                1 => Ok(Count {
                    count: from_json::<V1>(Self::KIND, json)?.n,
                }),
                2 => from_json(Self::KIND, json),
                other => Err(ReadError::NoMigration(other)),
            }
        }
        fn write(&self) -> Result<String, serde_json::Error> {
            serde_json::to_string(self)
        }
    }

    fn load_count(store: &Memory, key: &str) -> Loaded<Count> {
        pollster::block_on(load::<Count>(store, Area::Local, key)).unwrap()
    }

    #[test]
    fn older_versions_migrate_and_newer_ones_are_set_aside() {
        let store = Memory::default();
        put(
            &store,
            "a",
            serde_json::json!({"kind": "count", "version": 1, "json": "{\"n\":3}"}),
        );
        assert_eq!(load_count(&store, "a"), Loaded::Found(Count { count: 3 }));
        put(
            &store,
            "b",
            serde_json::json!({"kind": "count", "version": 3, "json": "{}"}),
        );
        let Loaded::Unreadable(unreadable) = load_count(&store, "b") else {
            panic!("a newer version must not read");
        };
        assert!(unreadable.reason.contains("newer"), "{}", unreadable.reason);
        assert_eq!(load_count(&store, "missing"), Loaded::Absent);
    }

    #[test]
    fn an_unreadable_value_is_kept_aside_once_and_survives_the_next_save() {
        let store = Memory::default();
        put(&store, "a", serde_json::json!({"what": "garbage"}));
        for _ in 0..3 {
            assert!(matches!(load_count(&store, "a"), Loaded::Unreadable(_)));
        }
        pollster::block_on(save(&store, Area::Local, "a", &Count { count: 1 })).unwrap();
        assert_eq!(load_count(&store, "a"), Loaded::Found(Count { count: 1 }));
        let kept = pollster::block_on(set_aside_values(&store, Area::Local, "a")).unwrap();
        assert_eq!(kept.len(), 1, "set aside once: {kept:?}");
        assert_eq!(kept[0].raw, r#"{"what":"garbage"}"#);
        assert_eq!(kept[0].kind, "count");
        pollster::block_on(forget_set_aside(&store, Area::Local, "a")).unwrap();
        assert!(
            pollster::block_on(set_aside_values(&store, Area::Local, "a"))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_value_is_not_replaced_when_its_unreadable_copy_cannot_be_kept() {
        let store = Memory::default();
        put(&store, "a", Value::from(7));
        put(&store, "unreadable:a", Value::from("not a list"));
        let saved = pollster::block_on(save(&store, Area::Local, "a", &Count { count: 1 }));
        assert!(
            matches!(saved, Err(StoreError::QuarantineUnreadable { .. })),
            "{saved:?}"
        );
        assert_eq!(stored(&store, "a"), Some(Value::from(7)));
    }
}
