//! Where journals live: one key per apply in `storage.local` (`generatorApply:<org>:<applyId>`),
//! its value a versioned envelope of [`crate::storage`] (kind `generatorJournal`, version
//! [`VERSION`]). Version 0 (the first release: the bare journal's JSON text in a string) is
//! migrated when read ([`super::journal_v0`]). What can't be read is never overwritten or
//! dropped: storage keeps a copy aside under `unreadable:<key>`, and the journal is shown as
//! "needs attention" with its raw content and the record Ids it names until the admin marks it
//! handled; it stays stored.
//!
//! Each apply has its own key and applies are found by listing keys, so no shared index or
//! counter is ever read, changed and written back by two windows at once.

use super::journal::{Journal, OutOfRange};
use super::view::{ApplyStatus, ApplyView, AttentionAction, AttentionReason, AttentionView};
use crate::platform::{Area, KeyValueStore, StorageError};
use crate::salesforce::OrgId;
use crate::storage::{self, IfUnreadable, Loaded, ReadError, StoreError, Unversioned};
use serde_json::Value;

/// The journal schema this code writes.
pub const VERSION: u32 = 1;

impl storage::Stored for Journal {
    const KIND: &'static str = "generatorJournal";
    const VERSION: u32 = VERSION;
    /// Version 0 was the journal's JSON text in a string.
    const UNVERSIONED: Unversioned = Unversioned::Text;
    const IF_UNREADABLE: IfUnreadable = IfUnreadable::Quarantine;

    fn read(version: u32, json: &str) -> Result<Self, ReadError> {
        let journal: Journal = match version {
            0 => super::journal_v0::migrate(storage::json_value(Self::KIND, json)?)
                .map_err(|e| ReadError::Invalid(e.to_string()))?,
            VERSION => storage::from_json(Self::KIND, json)?,
            other => return Err(ReadError::NoMigration(other)),
        };
        // A journal pointing outside itself is refused here, with where, never resumed.
        journal.check_positions().map_err(|OutOfRange(what)| {
            ReadError::Invalid(format!("it is inconsistent: {what}"))
        })?;
        Ok(journal)
    }

    fn write(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

/// Why a journal could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("extension storage failed: {0}")]
    Storage(#[from] StorageError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("No apply {0} is recorded for this org.")]
    NotFound(String),
    #[error("The apply's journal can't be read: it is shown under \"needs attention\".")]
    Unreadable,
    #[error("The journal could not be written: {0}")]
    Encode(#[from] serde_json::Error),
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
    /// What is stored: the text itself when it is a string (as version 0 kept journals), else
    /// the stored value as JSON text.
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

fn prefix(org: &OrgId) -> String {
    format!("generatorApply:{org}:")
}

fn key(org: &OrgId, apply_id: &str) -> String {
    format!("{}{apply_id}", prefix(org))
}

fn handled_key(org: &OrgId, apply_id: &str) -> String {
    format!("generatorApplyHandled:{org}:{apply_id}")
}

/// A stored value as the admin reads it: a string's text, anything else as JSON text.
fn raw_text(raw: &Value) -> String {
    match raw {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn unreadable(apply_id: &str, raw: &Value, problem: String) -> Unreadable {
    let raw = raw_text(raw);
    Unreadable {
        apply_id: apply_id.to_owned(),
        named_ids: named_ids(&raw),
        raw,
        problem,
    }
}

/// Reads a journal as storage holds it: the current version, or an older one migrated.
pub fn decode(apply_id: &str, raw: &Value) -> Stored {
    match storage::decode::<Journal>(raw) {
        Ok(journal) => Stored::Readable(Box::new(journal)),
        Err(e) => Stored::Unreadable(unreadable(apply_id, raw, e.to_string())),
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

/// Writes the journal at the current version. Written directly, not through [`storage::save`]:
/// the key holds nothing (a new apply, [`exists`] checked) or this journal as it was loaded,
/// readable, so there is nothing unreadable to keep aside first, and no second read of the
/// journal per round.
pub async fn save(store: &impl KeyValueStore, journal: &Journal) -> Result<(), JournalError> {
    let stored = storage::encode(journal)?;
    store
        .set(
            Area::Local,
            &key(&journal.org_id, &journal.apply_id),
            stored,
        )
        .await
        .map_err(JournalError::from)
}

/// The stored journal `apply_id` of `org`. One that can't be read is kept aside by storage
/// (under `unreadable:<key>`) and stays where it is.
pub async fn load(
    store: &impl KeyValueStore,
    org: &OrgId,
    apply_id: &str,
) -> Result<Stored, JournalError> {
    match storage::load::<Journal>(store, Area::Local, &key(org, apply_id)).await? {
        Loaded::Absent => Err(JournalError::NotFound(apply_id.to_owned())),
        Loaded::Found(journal) => Ok(Stored::Readable(Box::new(journal))),
        Loaded::Unreadable(value) => {
            // Storage reports the stored value as JSON text.
            let raw = serde_json::from_str(&value.raw).unwrap_or(Value::String(value.raw));
            Ok(Stored::Unreadable(unreadable(apply_id, &raw, value.reason)))
        }
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
        match decode("a1", &Value::from("{not json")) {
            Stored::Unreadable(u) => assert_eq!(u.raw, "{not json"),
            Stored::Readable(_) => panic!("read garbage"),
        }
        let future = serde_json::json!({"kind": "generatorJournal", "version": 99, "json": "{}"});
        match decode("a1", &future) {
            Stored::Unreadable(u) => assert!(u.problem.contains("newer"), "{}", u.problem),
            Stored::Readable(_) => panic!("read a future version"),
        }
        let view = match decode(
            "a1",
            &Value::from(
                r#"{"applyId": "a1", "undo": [{"delete": {"id": "0PSAM0000004bcdEAA", "step": 9}}]}"#,
            ),
        ) {
            Stored::Unreadable(u) => u.view(),
            Stored::Readable(_) => panic!("read a journal missing fields"),
        };
        assert_eq!(view.status, ApplyStatus::NeedsAttention);
        assert_eq!(view.named_ids, ["0PSAM0000004bcdEAA"]);
        assert!(view.raw.unwrap().contains("0PSAM0000004bcdEAA"));
    }
}
