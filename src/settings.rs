//! The admin's per-org choices, kept in extension storage (never the session token), versioned
//! through [`crate::storage`].

use crate::platform::{Area, KeyValueStore};
use crate::salesforce::OrgId;
use crate::storage::{self, IfUnreadable, Loaded, ReadError, StoreError, Stored, Unversioned};
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

impl Stored for OrgSettings {
    const KIND: &'static str = "settings";
    const VERSION: u32 = 1;
    const UNVERSIONED: Unversioned = Unversioned::Value;
    const IF_UNREADABLE: IfUnreadable = IfUnreadable::Quarantine;

    /// Version 0 (`{"enabled": bool}`, unwrapped) has version 1's shape. `enabled` is required:
    /// a value without it is unreadable, not "on". Read by hand (see [`storage::json_value`]).
    fn read(version: u32, json: &str) -> Result<Self, ReadError> {
        if version > 1 {
            return Err(ReadError::NoMigration(version));
        }
        let enabled = storage::json_value(Self::KIND, json)?
            .get("enabled")
            .and_then(serde_json::Value::as_bool)
            .ok_or_else(|| ReadError::Invalid("it doesn't say whether Forcefield is on".into()))?;
        Ok(OrgSettings { enabled })
    }

    fn write(&self) -> Result<String, serde_json::Error> {
        let mut settings = serde_json::Map::new();
        settings.insert("enabled".to_owned(), self.enabled.into());
        Ok(serde_json::Value::Object(settings).to_string())
    }
}

/// The storage key of an org's settings.
pub fn key(org: &OrgId) -> String {
    format!("org:{org}")
}

/// The org's saved settings (absent when the admin never switched it).
pub async fn load(
    store: &impl KeyValueStore,
    org: &OrgId,
) -> Result<Loaded<OrgSettings>, StoreError> {
    storage::load(store, Area::Local, &key(org)).await
}

pub async fn save(
    store: &impl KeyValueStore,
    org: &OrgId,
    settings: &OrgSettings,
) -> Result<(), StoreError> {
    storage::save(store, Area::Local, &key(org), settings).await
}

/// Whether Forcefield works in an org, and why it is off when that is not the admin's choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgSwitch {
    pub enabled: bool,
    /// Set when the settings could not be read: Forcefield is then off, never on.
    pub problem: Option<String>,
}

/// On for an org the admin never switched; off when its settings can't be read (an unreadable
/// value is kept aside by [`storage::load`]; switching Forcefield on again replaces it).
pub async fn org_switch(store: &impl KeyValueStore, org: &OrgId) -> OrgSwitch {
    let unreadable = |reason: String| {
        OrgSwitch {
        enabled: false,
        problem: Some(format!(
            "Forcefield's settings for this org could not be read ({reason}), so Forcefield stays off here until you switch it on."
        )),
    }
    };
    match load(store, org).await {
        Ok(Loaded::Found(settings)) => OrgSwitch {
            enabled: settings.enabled,
            problem: None,
        },
        Ok(Loaded::Absent) => OrgSwitch {
            enabled: OrgSettings::default().enabled,
            problem: None,
        },
        Ok(Loaded::Unreadable(value)) => unreadable(value.reason),
        Err(e) => unreadable(e.to_string()),
    }
}
