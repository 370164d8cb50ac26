//! The admin's per-org choices, kept in extension storage (never the session token).

use crate::salesforce::OrgId;
use serde::{Deserialize, Serialize};

/// Which storage area a value lives in: `local` survives restarts; `session` is cleared when the
/// browser closes and survives the background worker stopping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Local,
    Session,
}

/// The browser's extension storage.
#[allow(async_fn_in_trait)] // Used single-threaded in one browser context.
pub trait KeyValueStore {
    async fn get(&self, area: Area, key: &str) -> Result<Option<serde_json::Value>, String>;
    async fn set(&self, area: Area, key: &str, value: serde_json::Value) -> Result<(), String>;
    /// The keys of `area` that start with `prefix` (each record keeps its own key, so no shared
    /// index is ever read, changed and written back).
    async fn keys(&self, area: Area, prefix: &str) -> Result<Vec<String>, String>;
}

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
pub async fn load(store: &impl KeyValueStore, org: &OrgId) -> Result<OrgSettings, String> {
    let saved = store.get(Area::Local, &key(org)).await?;
    Ok(saved
        .and_then(|value| serde_json::from_value(value).ok())
        .unwrap_or_default())
}

pub async fn save(
    store: &impl KeyValueStore,
    org: &OrgId,
    settings: &OrgSettings,
) -> Result<(), String> {
    let value = serde_json::to_value(settings).map_err(|e| e.to_string())?;
    store.set(Area::Local, &key(org), value).await
}
