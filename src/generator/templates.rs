//! Saved templates: named specs in `storage.local`, versioned (see [`crate::storage`]). An
//! unreadable template store is kept aside and the generator page says so, offering its raw
//! content; it is never read as "no templates" and then overwritten.

use super::view::TemplateSummary;
use super::TEMPLATES_KEY;
use crate::model::PermissionSetSpec;
use crate::platform::{Area, KeyValueStore};
use crate::storage::{
    self, IfUnreadable, Loaded, ReadError, SetAside, StoreError, Stored, Unversioned,
};
use std::collections::BTreeMap;

/// Every saved template by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Templates(pub BTreeMap<String, PermissionSetSpec>);

impl Stored for Templates {
    const KIND: &'static str = "templates";
    const VERSION: u32 = 1;
    /// Version 0 was the map's JSON text in a string.
    const UNVERSIONED: Unversioned = Unversioned::Text;
    const IF_UNREADABLE: IfUnreadable = IfUnreadable::Quarantine;

    /// Versions 0 and 1 hold the same map.
    fn read(version: u32, json: &str) -> Result<Self, ReadError> {
        match version {
            0 | 1 => storage::from_json(Self::KIND, json).map(Templates),
            other => Err(ReadError::NoMigration(other)),
        }
    }

    fn write(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(&self.0)
    }
}

impl Templates {
    pub fn list(&self) -> Vec<TemplateSummary> {
        self.0
            .keys()
            .map(|name| TemplateSummary { name: name.clone() })
            .collect()
    }
}

/// Why the templates can't be used now.
#[derive(Debug, thiserror::Error)]
pub enum TemplatesError {
    #[error("The saved templates could not be read ({0}). They are kept aside as they were; the generator page offers their content.")]
    Unreadable(String),
    #[error("The templates could not be read or saved: {0}")]
    Storage(#[from] StoreError),
}

/// The saved templates; an unreadable store is kept aside and reported.
pub async fn load(store: &impl KeyValueStore) -> Result<Templates, TemplatesError> {
    match storage::load::<Templates>(store, Area::Local, TEMPLATES_KEY).await? {
        Loaded::Found(templates) => Ok(templates),
        Loaded::Absent => Ok(Templates::default()),
        Loaded::Unreadable(value) => Err(TemplatesError::Unreadable(value.reason)),
    }
}

/// The saved templates for a change: an unreadable store (already kept aside) counts as none,
/// so the admin can save new templates beside the kept copy.
pub async fn load_for_change(store: &impl KeyValueStore) -> Result<Templates, TemplatesError> {
    match load(store).await {
        Err(TemplatesError::Unreadable(_)) => Ok(Templates::default()),
        other => other,
    }
}

pub async fn save(store: &impl KeyValueStore, templates: &Templates) -> Result<(), TemplatesError> {
    Ok(storage::save(store, Area::Local, TEMPLATES_KEY, templates).await?)
}

/// Template stores kept aside because they could not be read.
pub async fn set_aside(store: &impl KeyValueStore) -> Vec<SetAside> {
    storage::set_aside_notices(store, Area::Local, TEMPLATES_KEY, "Your saved templates").await
}
