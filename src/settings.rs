//! The admin's per-org choices, kept in extension storage (never the session token).

use crate::platform::{Area, KeyValueStore, StorageError};
use crate::salesforce::OrgId;
use serde::{Deserialize, Serialize};

/// Settings for one org.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgSettings {
    pub enabled: bool,
}

impl Default for OrgSettings {
    fn default() -> Self {
        Self { enabled: true }
    }
}

fn key(org: &OrgId) -> String {
    format!("org:{org}")
}

/// The org's settings; defaults when none were saved or the saved value is unreadable.
pub async fn load(store: &impl KeyValueStore, org: &OrgId) -> Result<OrgSettings, StorageError> {
    let saved = store.get(Area::Local, &key(org)).await?;
    Ok(saved
        .and_then(|value| serde_json::from_value(value).ok())
        .unwrap_or_default())
}

pub async fn save(
    store: &impl KeyValueStore,
    org: &OrgId,
    settings: &OrgSettings,
) -> Result<(), StorageError> {
    let value =
        serde_json::to_value(settings).map_err(|e| StorageError::Encoding(e.to_string()))?;
    store.set(Area::Local, &key(org), value).await
}
