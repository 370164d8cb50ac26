//! Record types on the standard objects and their visibility per profile: the seeded
//! `RecordType` rows, each profile's `recordTypeVisibilities` (salesforce.md §I.12: record type,
//! visible, default, personAccountDefault), the profiles' Metadata API names, and what a Profile
//! update through the Metadata API does to them (salesforce.md §I.13: it overlays only the entries
//! it names; §H.Q6: whether the standard integration profile takes it is a switch).
//!
//! Visibilities are not an sObject in Salesforce; the sim keeps them beside the records
//! ([`crate::org::Org::record_type_visibility`]) and shows them in the state dump as
//! `ProfileRecordTypeVisibility` rows.

use std::collections::BTreeMap;

use crate::config::{IntegrationProfileRecordTypes, SimConfig};
use crate::org::Org;
use crate::store::{Record, Store, StoreError, Value};

/// One profile's setting for one record type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visibility {
    /// The profile's users see the record type.
    pub visible: bool,
    /// The object's default record type for the profile's users.
    pub default: bool,
    /// The default for person accounts (Account only; absent elsewhere).
    pub person_account_default: Option<bool>,
}

/// Record type full name (`Account.Customer`) → visibility.
pub type ProfileVisibilities = BTreeMap<String, Visibility>;

/// Profile Id (18 chars) → its visibilities.
pub type Visibilities = BTreeMap<String, ProfileVisibilities>;

/// The seeded record types: object, DeveloperName, label (Name), active.
pub const RECORD_TYPES: &[(&str, &str, &str, bool)] = &[
    ("Account", "Customer", "Customer", true),
    ("Account", "Partner", "Partner", true),
    ("Account", "Competitor", "Competitor", true),
    ("Opportunity", "New_Business", "New Business", true),
    ("Opportunity", "Renewal", "Renewal", true),
    ("Opportunity", "Legacy_Deal", "Legacy Deal", false),
    ("Case", "Support", "Support", true),
    ("Case", "Billing", "Billing", true),
];

/// The standard integration profile (salesforce.md §C.7, §H.Q6).
pub const INTEGRATION_PROFILE: &str = "Minimum Access - API Only Integrations";

/// The Metadata API name of a profile: standard profiles have their own (`Admin` for System
/// Administrator, `Standard` for Standard User; the integration profiles keep their name,
/// salesforce.md §I.12).
pub fn metadata_name(profile_name: &str) -> &str {
    match profile_name {
        "System Administrator" => "Admin",
        "Standard User" => "Standard",
        other => other,
    }
}

/// `<custom>` of a profile: the deprecated integration profile reads `true` in the retrieved
/// metadata of a real org (salesforce.md §H.Q4); the others are standard.
pub fn is_custom_profile(profile_name: &str) -> bool {
    profile_name == "Salesforce API Only System Integrations"
}

/// What each seeded profile starts with: `(record type, visible, default)`; every other record
/// type is invisible. The admin sees all active ones; the integration profile has one default
/// (Account), none for Opportunity and a visible but not default Case record type.
fn seeded(profile_name: &str) -> &'static [(&'static str, bool, bool)] {
    match profile_name {
        "System Administrator" => &[
            ("Account.Customer", true, true),
            ("Account.Partner", true, false),
            ("Account.Competitor", true, false),
            ("Opportunity.New_Business", true, true),
            ("Opportunity.Renewal", true, false),
            ("Case.Support", true, true),
            ("Case.Billing", true, false),
        ],
        "Standard User" => &[
            ("Account.Customer", true, true),
            ("Account.Partner", true, false),
            ("Opportunity.New_Business", true, true),
            ("Opportunity.Renewal", true, false),
            ("Case.Support", true, true),
        ],
        INTEGRATION_PROFILE => &[
            ("Account.Customer", true, true),
            ("Case.Support", true, false),
        ],
        _ => &[("Account.Customer", true, true)],
    }
}

/// The full name of a RecordType row: `<SobjectType>.<[ns__]DeveloperName>`.
pub fn full_name(record: &Record) -> String {
    let namespace = record
        .text("NamespacePrefix")
        .filter(|n| !n.is_empty())
        .map(|n| format!("{n}__"))
        .unwrap_or_default();
    format!(
        "{}.{namespace}{}",
        record.text("SobjectType").unwrap_or_default(),
        record.text("DeveloperName").unwrap_or_default()
    )
}

/// Inserts the record types into an org's store.
pub fn seed_record_types(store: &mut Store) -> Result<(), StoreError> {
    for (object, developer_name, label, active) in RECORD_TYPES {
        store.insert(
            "RecordType",
            &[
                ("Name", Value::text(*label)),
                ("DeveloperName", Value::text(*developer_name)),
                ("NamespacePrefix", Value::Null),
                ("SobjectType", Value::text(*object)),
                ("IsActive", Value::Bool(*active)),
                ("Description", Value::Null),
            ],
        )?;
    }
    Ok(())
}

/// Every profile's visibilities: an entry for every record type (readMetadata shows them all).
pub fn seed_visibilities(store: &Store) -> Visibilities {
    let record_types: Vec<String> = store.records("RecordType").iter().map(full_name).collect();
    store
        .records("Profile")
        .iter()
        .map(|profile| {
            let name = profile.text("Name").unwrap_or_default();
            let set = seeded(name);
            let entries = record_types
                .iter()
                .map(|rt| {
                    let (visible, default) = set
                        .iter()
                        .find(|(n, _, _)| n == rt)
                        .map_or((false, false), |(_, v, d)| (*v, *d));
                    // Only the deprecated profile carries a person-account default (H.Q4's file).
                    let person_account_default =
                        (default && rt.starts_with("Account.") && is_custom_profile(name))
                            .then_some(true);
                    (
                        rt.clone(),
                        Visibility {
                            visible,
                            default,
                            person_account_default,
                        },
                    )
                })
                .collect();
            (profile.id.clone(), entries)
        })
        .collect()
}

/// One `recordTypeVisibilities` entry of an update, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub record_type: String,
    pub default: Option<bool>,
    pub visible: Option<bool>,
    pub person_account_default: Option<bool>,
}

/// One SaveResult error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveError {
    pub status_code: String,
    pub message: String,
    pub fields: Vec<String>,
}

impl SaveError {
    fn new(code: &str, message: String, field: &str) -> Self {
        Self {
            status_code: code.to_owned(),
            message,
            fields: vec![field.to_owned()],
        }
    }
}

/// What an accepted update did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Changed,
    /// `success` true, nothing written ([`IntegrationProfileRecordTypes::Ignore`]).
    Ignored,
}

/// The profile record whose Metadata API name is `full_name`.
pub fn profile_by_full_name<'a>(org: &'a Org, full_name: &str) -> Option<&'a Record> {
    org.store
        .records("Profile")
        .iter()
        .find(|p| metadata_name(p.text("Name").unwrap_or_default()) == full_name)
}

/// Whether `object` is a standard object of the schema (not `__c`).
fn is_standard(object: &str) -> bool {
    !object.ends_with("__c")
}

/// Applies a Profile update's `recordTypeVisibilities` (salesforce.md §I.13: only the named
/// entries change); all or nothing for the profile.
pub fn update_profile(
    org: &mut Org,
    config: &SimConfig,
    integration_profile: IntegrationProfileRecordTypes,
    profile_full_name: &str,
    entries: &[Entry],
) -> Result<Saved, Vec<SaveError>> {
    let codes = &config.codes;
    let Some(profile) = profile_by_full_name(org, profile_full_name) else {
        return Err(vec![SaveError::new(
            "INVALID_CROSS_REFERENCE_KEY",
            format!("In field: fullName - no Profile named {profile_full_name} found"),
            "fullName",
        )]);
    };
    let profile_id = profile.id.clone();
    let profile_name = profile.text("Name").unwrap_or_default().to_owned();
    let record_types: BTreeMap<String, bool> = org
        .store
        .records("RecordType")
        .iter()
        .map(|r| (full_name(r), r.flag("IsActive")))
        .collect();
    let mut errors = Vec::new();
    for entry in entries {
        if !record_types.contains_key(&entry.record_type) {
            errors.push(SaveError::new(
                &codes.unknown_record_type,
                format!(
                    "In field: recordType - no RecordType named {} found",
                    entry.record_type
                ),
                "recordType",
            ));
        }
        for (name, value) in [("default", entry.default), ("visible", entry.visible)] {
            if value.is_none() {
                errors.push(SaveError::new(
                    "REQUIRED_FIELD_MISSING",
                    format!("Required field is missing: {name}"),
                    name,
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let touches_standard = entries
        .iter()
        .any(|e| is_standard(e.record_type.split('.').next().unwrap_or_default()));
    if profile_name == INTEGRATION_PROFILE && touches_standard {
        match integration_profile {
            IntegrationProfileRecordTypes::Accept => {}
            IntegrationProfileRecordTypes::Ignore => return Ok(Saved::Ignored),
            IntegrationProfileRecordTypes::Refuse => {
                // The sim's words (salesforce.md §H.Q6 [U]).
                return Err(vec![SaveError::new(
                    &codes.record_type_settings,
                    format!("You can't change the record type settings of standard objects on the profile {profile_name}."),
                    "recordTypeVisibilities",
                )]);
            }
        }
    }
    let mut after = org
        .record_type_visibility
        .get(&profile_id)
        .cloned()
        .unwrap_or_default();
    for entry in entries {
        let slot = after
            .entry(entry.record_type.clone())
            .or_insert(Visibility {
                visible: false,
                default: false,
                person_account_default: None,
            });
        slot.visible = entry.visible.unwrap_or(slot.visible);
        slot.default = entry.default.unwrap_or(slot.default);
        if entry.person_account_default.is_some() {
            slot.person_account_default = entry.person_account_default;
        }
    }
    // Each touched object keeps at most one visible, active default. Whether Salesforce clears
    // an old default by itself is [U] (salesforce.md §I.13); the sim refuses two instead.
    let mut objects: Vec<&str> = entries
        .iter()
        .map(|e| e.record_type.split('.').next().unwrap_or_default())
        .collect();
    objects.sort_unstable();
    objects.dedup();
    for object in objects {
        let prefix = format!("{object}.");
        let defaults: Vec<(&String, &Visibility)> = after
            .iter()
            .filter(|(rt, v)| rt.starts_with(&prefix) && v.default)
            .collect();
        if defaults.len() > 1 {
            errors.push(SaveError::new(
                &codes.record_type_settings,
                format!("{object} can have only one default record type for a profile."),
                "default",
            ));
        }
        for (rt, v) in defaults {
            if !v.visible {
                errors.push(SaveError::new(
                    &codes.record_type_settings,
                    format!("The default record type {rt} must be visible."),
                    "visible",
                ));
            }
            if record_types.get(rt) == Some(&false) {
                errors.push(SaveError::new(
                    &codes.record_type_settings,
                    format!("The inactive record type {rt} can't be a default."),
                    "default",
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    org.record_type_visibility.insert(profile_id, after);
    Ok(Saved::Changed)
}

/// What an admin does to a record type in Setup (Object Manager → Record Types) while Forcefield
/// has a page open: the tests' way to make a record type inactive or gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordTypeChange {
    Deactivate,
    /// Only an inactive record type can be deleted; it leaves every profile's settings.
    Delete,
}

impl RecordTypeChange {
    /// The admin endpoint's spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "deactivate" => Some(Self::Deactivate),
            "delete" => Some(Self::Delete),
            _ => None,
        }
    }
}

/// Why a [`RecordTypeChange`] was not made (Setup's own refusals, in the sim's words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordTypeChangeError {
    Unknown(String),
    DefaultOfAProfile(String),
    Active(String),
}

impl std::fmt::Display for RecordTypeChangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unknown(rt) => write!(f, "no record type {rt}"),
            Self::DefaultOfAProfile(rt) => write!(
                f,
                "{rt} is the default record type of a profile; choose another default first"
            ),
            Self::Active(rt) => write!(f, "{rt} is active; deactivate it before deleting it"),
        }
    }
}

/// Applies `change` to the record type `record_type` (`Object.DeveloperName`) of `org`.
pub fn change_record_type(
    org: &mut Org,
    record_type: &str,
    change: RecordTypeChange,
) -> Result<(), RecordTypeChangeError> {
    let Some(record) = org
        .store
        .records("RecordType")
        .iter()
        .find(|r| full_name(r) == record_type)
    else {
        return Err(RecordTypeChangeError::Unknown(record_type.to_owned()));
    };
    let id = record.id.clone();
    let active = record.flag("IsActive");
    let a_default = org
        .record_type_visibility
        .values()
        .any(|entries| entries.get(record_type).is_some_and(|v| v.default));
    if a_default {
        return Err(RecordTypeChangeError::DefaultOfAProfile(
            record_type.to_owned(),
        ));
    }
    let gone = |_: crate::store::StoreError| RecordTypeChangeError::Unknown(record_type.to_owned());
    match change {
        RecordTypeChange::Deactivate => org
            .store
            .update(&id, "IsActive", Value::Bool(false))
            .map_err(gone),
        RecordTypeChange::Delete if active => {
            Err(RecordTypeChangeError::Active(record_type.to_owned()))
        }
        RecordTypeChange::Delete => {
            org.store.remove(&id);
            for entries in org.record_type_visibility.values_mut() {
                entries.remove(record_type);
            }
            Ok(())
        }
    }
}

/// The visibilities as state-dump rows (sorted by profile and record type).
pub fn dump(visibilities: &Visibilities) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = visibilities
        .iter()
        .flat_map(|(profile, entries)| {
            entries.iter().map(move |(rt, v)| {
                serde_json::json!({
                    "ProfileId": profile,
                    "RecordType": rt,
                    "Visible": v.visible,
                    "Default": v.default,
                    "PersonAccountDefault": v.person_account_default,
                })
            })
        })
        .collect();
    serde_json::Value::Array(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed;

    fn org(config: &SimConfig) -> Org {
        Org::from_seed(&seed::ORGS[0], config).unwrap_or_else(|e| panic!("{e}"))
    }

    fn entry(rt: &str, visible: bool, default: bool) -> Entry {
        Entry {
            record_type: rt.into(),
            default: Some(default),
            visible: Some(visible),
            person_account_default: None,
        }
    }

    fn of(org: &Org, profile: &str, rt: &str) -> Option<Visibility> {
        let id = &profile_by_full_name(org, profile)?.id;
        org.record_type_visibility.get(id)?.get(rt).copied()
    }

    #[test]
    fn an_update_overlays_only_the_entries_it_names() {
        let config = SimConfig::default();
        let mut org = org(&config);
        let before = org.record_type_visibility.clone();
        let saved = update_profile(
            &mut org,
            &config,
            config.integration_profile_record_types,
            "Admin",
            &[
                entry("Account.Partner", true, true),
                entry("Account.Customer", true, false),
            ],
        );
        assert_eq!(saved, Ok(Saved::Changed));
        assert!(of(&org, "Admin", "Account.Partner").is_some_and(|v| v.default));
        assert!(of(&org, "Admin", "Account.Customer").is_some_and(|v| !v.default && v.visible));
        let changed: usize = before
            .iter()
            .flat_map(|(p, e)| e.iter().map(move |(rt, v)| (p, rt, v)))
            .filter(|(p, rt, v)| org.record_type_visibility[*p][*rt] != **v)
            .count();
        assert_eq!(changed, 2);
    }

    #[test]
    fn refusals_save_nothing() {
        let config = SimConfig::default();
        let mut org = org(&config);
        let before = org.record_type_visibility.clone();
        for (name, entries) in [
            ("Admin", vec![entry("Account.Partner", true, true)]),
            ("Admin", vec![entry("Account.Nope", true, true)]),
            (
                "Admin",
                vec![
                    entry("Account.Partner", false, true),
                    entry("Account.Customer", true, false),
                ],
            ),
            (
                "Admin",
                vec![
                    entry("Opportunity.Legacy_Deal", true, true),
                    entry("Opportunity.New_Business", true, false),
                ],
            ),
            (
                "System Administrator",
                vec![entry("Account.Partner", true, false)],
            ),
            (
                INTEGRATION_PROFILE,
                vec![entry("Opportunity.Renewal", true, true)],
            ),
        ] {
            let result = update_profile(
                &mut org,
                &config,
                config.integration_profile_record_types,
                name,
                &entries,
            );
            assert!(result.is_err(), "{name} {entries:?}: {result:?}");
        }
        assert_eq!(org.record_type_visibility, before);
        let result = update_profile(
            &mut org,
            &config,
            IntegrationProfileRecordTypes::Ignore,
            INTEGRATION_PROFILE,
            &[entry("Opportunity.Renewal", true, true)],
        );
        assert_eq!(result, Ok(Saved::Ignored));
        assert_eq!(org.record_type_visibility, before);
    }

    #[test]
    fn a_record_type_is_deactivated_then_deleted_as_in_setup() {
        let config = SimConfig::default();
        let mut org = org(&config);
        assert_eq!(
            change_record_type(&mut org, "Account.Customer", RecordTypeChange::Deactivate),
            Err(RecordTypeChangeError::DefaultOfAProfile(
                "Account.Customer".into()
            ))
        );
        assert_eq!(
            change_record_type(&mut org, "Account.Partner", RecordTypeChange::Delete),
            Err(RecordTypeChangeError::Active("Account.Partner".into()))
        );
        assert_eq!(
            change_record_type(&mut org, "Account.Partner", RecordTypeChange::Deactivate),
            Ok(())
        );
        assert!(of(&org, "Admin", "Account.Partner").is_some());
        assert_eq!(
            change_record_type(&mut org, "Account.Partner", RecordTypeChange::Delete),
            Ok(())
        );
        assert_eq!(of(&org, "Admin", "Account.Partner"), None);
        assert!(!org
            .store
            .records("RecordType")
            .iter()
            .any(|r| full_name(r) == "Account.Partner"));
        assert_eq!(
            change_record_type(&mut org, "Account.Partner", RecordTypeChange::Delete),
            Err(RecordTypeChangeError::Unknown("Account.Partner".into()))
        );
    }
}
