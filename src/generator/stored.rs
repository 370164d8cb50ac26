//! What the generator keeps in extension storage (journals, the org catalog, templates), stored
//! as JSON text: each type then has one JSON reader and writer, which keeps the WebAssembly small.

use crate::platform::{Area, KeyValueStore, StorageError};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The value under `key`; `None` when absent or not written by [`save`].
pub async fn load<T: DeserializeOwned>(
    store: &impl KeyValueStore,
    area: Area,
    key: &str,
) -> Result<Option<T>, StorageError> {
    match store.get(area, key).await? {
        Some(serde_json::Value::String(text)) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| StorageError::Encoding(e.to_string())),
        _ => Ok(None),
    }
}

pub async fn save<T: Serialize>(
    store: &impl KeyValueStore,
    area: Area,
    key: &str,
    value: &T,
) -> Result<(), StorageError> {
    let text = serde_json::to_string(value).map_err(|e| StorageError::Encoding(e.to_string()))?;
    store.set(area, key, serde_json::Value::String(text)).await
}
