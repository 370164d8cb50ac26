//! Where journals live: one key per apply in `storage.local` (`generatorApply:<org>:<applyId>`),
//! its value the JSON text of `{"schemaVersion": 1, "journal": {…}}`. Version 0 (the first
//! release: the bare journal, no version) is migrated when read ([`super::journal_v0`]). What
//! can't be read is never overwritten or dropped: it is shown as "needs attention" with its raw
//! content and the record Ids it names until the admin marks it handled, and stays stored.
//!
//! Each apply has its own key and applies are found by listing keys, so no shared index or
//! counter is ever read, changed and written back by two windows at once.

use super::journal::Journal;
use super::view::{ApplyStatus, ApplyView, AttentionAction, AttentionReason, AttentionView};
use crate::platform::{Area, KeyValueStore, StorageError};
use crate::salesforce::OrgId;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The journal schema this code writes.
pub const VERSION: u32 = 1;

/// Why a journal could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("extension storage failed: {0}")]
    Storage(#[from] StorageError),
    #[error("No apply {0} is recorded for this org.")]
    NotFound(String),
    #[error("The apply's journal can't be read: it is shown under \"needs attention\".")]
    Unreadable,
    #[error("The journal could not be written: {0}")]
    Encode(String),
}

/// A stored journal: readable (migrated if it was older), or not.
#[derive(Debug)]
pub enum Stored {
    Readable(Box<Journal>),
    Unreadable(Unreadable),
}

/// A journal that can't be read, as shown to the admin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub apply_id: String,
    pub raw: String,
    pub named_ids: Vec<String>,
    pub problem: String,
}

impl Unreadable {
    pub fn view(&self) -> ApplyView {
        ApplyView {
            apply_id: self.apply_id.clone(),
            set_name: String::new(),
            status: ApplyStatus::NeedsAttention,
            steps: Vec::new(),
            remaining: Vec::new(),
            attention: vec![AttentionView {
                item: 0,
                reason: AttentionReason::UnreadableJournal,
                sobject_type: String::new(),
                id: None,
                url: None,
                evidence: format!(
                    "Forcefield can't read this apply's journal ({}). Check the records it names in Setup; its content is shown as stored.",
                    self.problem
                ),
                actions: vec![AttentionAction::Keep],
                chosen: None,
            }],
            permission_set_id: None,
            message: Some(format!(
                "An apply's journal can't be read, so Forcefield can't tell what it wrote. It names {} record{}: check {} in Setup, then mark it handled.",
                self.named_ids.len(),
                if self.named_ids.len() == 1 { "" } else { "s" },
                if self.named_ids.len() == 1 { "it" } else { "them" },
            )),
            raw: Some(self.raw.clone()),
            named_ids: self.named_ids.clone(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EnvelopeOut<'a> {
    schema_version: u32,
    journal: &'a Journal,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EnvelopeIn {
    schema_version: u32,
    journal: Value,
}

fn prefix(org: &OrgId) -> String {
    format!("generatorApply:{org}:")
}

fn key(org: &OrgId, apply_id: &str) -> String {
    format!("{}{apply_id}", prefix(org))
}

fn handled_key(org: &OrgId, apply_id: &str) -> String {
    format!("generatorApplyHandled:{org}:{apply_id}")
}

/// The stored text of a journal, versioned.
pub fn encode(journal: &Journal) -> Result<String, JournalError> {
    serde_json::to_string(&EnvelopeOut {
        schema_version: VERSION,
        journal,
    })
    .map_err(|e| JournalError::Encode(e.to_string()))
}

/// Reads a journal's stored text: the current version, or version 0 migrated.
pub fn decode(apply_id: &str, raw: &str) -> Stored {
    let unreadable = |problem: String| {
        Stored::Unreadable(Unreadable {
            apply_id: apply_id.to_owned(),
            raw: raw.to_owned(),
            named_ids: named_ids(raw),
            problem,
        })
    };
    let value: Value = match serde_json::from_str(raw) {
        Ok(value) => value,
        Err(e) => return unreadable(format!("not JSON: {e}")),
    };
    if value.get("schemaVersion").is_some() {
        return match serde_json::from_value::<EnvelopeIn>(value) {
            Ok(envelope) if envelope.schema_version == VERSION => {
                match serde_json::from_value::<Journal>(envelope.journal) {
                    Ok(journal) => Stored::Readable(Box::new(journal)),
                    Err(e) => unreadable(format!("version {VERSION}: {e}")),
                }
            }
            Ok(envelope) => unreadable(format!(
                "schema version {} is newer than this Forcefield ({VERSION})",
                envelope.schema_version
            )),
            Err(e) => unreadable(e.to_string()),
        };
    }
    match super::journal_v0::migrate(value) {
        Ok(journal) => Stored::Readable(Box::new(journal)),
        Err(e) => unreadable(e.to_string()),
    }
}

/// The Salesforce record Ids in a text: 15 or 18 letters and digits starting with the key
/// prefix of an object an apply writes (PermissionSet 0PS, ObjectPermissions 110,
/// FieldPermissions 01k, PermissionSetAssignment 0Pa, PermissionSetLicenseAssign 2LA).
pub fn named_ids(raw: &str) -> Vec<String> {
    const PREFIXES: [&str; 5] = ["0PS", "110", "01k", "0Pa", "2LA"];
    let mut ids: Vec<String> = Vec::new();
    for run in raw.split(|c: char| !c.is_ascii_alphanumeric()) {
        if (run.len() == 15 || run.len() == 18)
            && PREFIXES.iter().any(|p| run.starts_with(p))
            && run.chars().any(|c| c.is_ascii_digit())
            && !ids.iter().any(|id| id == run)
        {
            ids.push(run.to_owned());
        }
    }
    ids
}

pub async fn save(store: &impl KeyValueStore, journal: &Journal) -> Result<(), JournalError> {
    let text = encode(journal)?;
    store
        .set(
            Area::Local,
            &key(&journal.org_id, &journal.apply_id),
            Value::String(text),
        )
        .await
        .map_err(JournalError::from)
}

/// The stored journal `apply_id` of `org`.
pub async fn load(
    store: &impl KeyValueStore,
    org: &OrgId,
    apply_id: &str,
) -> Result<Stored, JournalError> {
    let stored = store
        .get(Area::Local, &key(org, apply_id))
        .await
        .map_err(JournalError::from)?;
    match stored {
        None | Some(Value::Null) => Err(JournalError::NotFound(apply_id.to_owned())),
        Some(Value::String(text)) => Ok(decode(apply_id, &text)),
        Some(other) => Ok(decode(apply_id, &other.to_string())),
    }
}

/// Whether an apply with this Id is already stored for the org.
pub async fn exists(
    store: &impl KeyValueStore,
    org: &OrgId,
    apply_id: &str,
) -> Result<bool, JournalError> {
    Ok(!matches!(
        store
            .get(Area::Local, &key(org, apply_id))
            .await
            .map_err(JournalError::from)?,
        None | Some(Value::Null)
    ))
}

/// Every stored journal of the org (unreadable ones the admin marked handled are left out, and
/// stay stored).
pub async fn all(store: &impl KeyValueStore, org: &OrgId) -> Result<Vec<Stored>, JournalError> {
    let mut keys = store
        .keys(Area::Local, &prefix(org))
        .await
        .map_err(JournalError::from)?;
    keys.sort();
    let mut out = Vec::new();
    for key in keys {
        let apply_id = key
            .strip_prefix(&prefix(org))
            .unwrap_or_default()
            .to_owned();
        match load(store, org, &apply_id).await {
            Ok(Stored::Unreadable(unreadable)) => {
                let handled = store
                    .get(Area::Local, &handled_key(org, &apply_id))
                    .await
                    .map_err(JournalError::from)?;
                if !matches!(handled, Some(Value::Bool(true))) {
                    out.push(Stored::Unreadable(unreadable));
                }
            }
            Ok(readable) => out.push(readable),
            Err(JournalError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// The admin has checked an unreadable journal's records: it is no longer shown (its text stays).
pub async fn mark_handled(
    store: &impl KeyValueStore,
    org: &OrgId,
    apply_id: &str,
) -> Result<(), JournalError> {
    store
        .set(Area::Local, &handled_key(org, apply_id), Value::Bool(true))
        .await
        .map_err(JournalError::from)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn ids_named_by_an_unreadable_journal_are_found() {
        let raw = r#"{"undo":[{"delete":{"id":"0PSAM0000004bcdEAA"}}],"x":"01kAM0000000001","y":"005AM0000000001AAA","z":"0PSxyz"}"#;
        assert_eq!(named_ids(raw), ["0PSAM0000004bcdEAA", "01kAM0000000001"]);
    }

    #[test]
    fn garbage_and_future_versions_are_unreadable_not_dropped() {
        match decode("a1", "{not json") {
            Stored::Unreadable(u) => assert_eq!(u.raw, "{not json"),
            Stored::Readable(_) => panic!("read garbage"),
        }
        match decode("a1", r#"{"schemaVersion": 99, "journal": {}}"#) {
            Stored::Unreadable(u) => assert!(u.problem.contains("newer"), "{}", u.problem),
            Stored::Readable(_) => panic!("read a future version"),
        }
        let view = match decode(
            "a1",
            r#"{"applyId": "a1", "undo": [{"delete": {"id": "0PSAM0000004bcdEAA", "step": 9}}]}"#,
        ) {
            Stored::Unreadable(u) => u.view(),
            Stored::Readable(_) => panic!("read a journal missing fields"),
        };
        assert_eq!(view.status, ApplyStatus::NeedsAttention);
        assert_eq!(view.named_ids, ["0PSAM0000004bcdEAA"]);
        assert!(view.raw.unwrap().contains("0PSAM0000004bcdEAA"));
    }
}
