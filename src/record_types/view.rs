//! The pure half of default record types: the org's `RecordType` rows and a profile's
//! `recordTypeVisibilities` become what the page shows per object; a chosen record type becomes
//! the exact entries an update sends; a profile read again says whether the change took.

use crate::salesforce::metadata_api::{object_of, RecordTypeVisibility};
use crate::salesforce::{form_encode, SalesforceHost};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The user licence of the integration profiles (salesforce.md §C.7): an integration profile is
/// recognised by it, never by its name.
pub const INTEGRATION_LICENSE: &str = "Salesforce Integration";

/// A `RecordType` row (Object Reference "RecordType").
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecordTypeRow {
    pub id: String,
    /// The label.
    pub name: String,
    pub developer_name: String,
    #[serde(default)]
    pub namespace_prefix: Option<String>,
    pub sobject_type: String,
    pub is_active: bool,
}

impl RecordTypeRow {
    /// `Account.Customer`, or `Account.ns__Partner` for a managed one: the name the Metadata API
    /// uses in `recordTypeVisibilities` (salesforce.md §I.12).
    pub fn full_name(&self) -> String {
        match self.namespace_prefix.as_deref().filter(|n| !n.is_empty()) {
            Some(namespace) => {
                format!("{}.{namespace}__{}", self.sobject_type, self.developer_name)
            }
            None => format!("{}.{}", self.sobject_type, self.developer_name),
        }
    }
}

/// One record type of an object as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordTypeChoice {
    /// `Account.Customer`: what a change names.
    pub full_name: String,
    pub label: String,
    /// Inactive record types can't become the default.
    pub active: bool,
    /// The profile's users see it.
    pub visible: bool,
    /// It is the object's default for the profile.
    pub default: bool,
}

/// One object's record types for a profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRecordTypes {
    /// The object's API name (`Account`).
    pub object: String,
    /// By label.
    pub record_types: Vec<RecordTypeChoice>,
    /// The full name of the current default, if the profile has one for this object.
    pub default: Option<String>,
    /// The profile's record type page for this object in Setup (salesforce.md §H.Q6).
    pub settings_url: String,
}

/// A record type name Forcefield will send: `Object.Name`, letters, digits and underscores.
pub fn is_record_type_name(text: &str) -> bool {
    let Some((object, name)) = text.split_once('.') else {
        return false;
    };
    let word = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    word(object) && word(name)
}

/// The original profile editor's record type page for `object`:
/// `/setup/ui/profilerecordtypeedit.jsp?id=<00e>&tid=<object>&pn=<profile name>` (salesforce.md §H.Q6,
/// workaround 2). `tid` takes the API name of a standard object; a custom object needs its `01I`
/// Id, which Forcefield doesn't read, so for those the link is the profile's own page.
pub fn settings_url(
    host: &SalesforceHost,
    profile_id: &str,
    profile_name: &str,
    object: &str,
) -> String {
    let id15 = profile_id.get(..15).unwrap_or(profile_id);
    if object.ends_with("__c") {
        return format!("https://{host}/{id15}");
    }
    format!(
        "https://{host}/setup/ui/profilerecordtypeedit.jsp?id={id15}&tid={}&pn={}",
        form_encode(object),
        form_encode(profile_name)
    )
}

/// Every object with record types, each with the profile's setting for every record type: the
/// org's rows (active or not) and any visibility naming a record type the rows don't have.
pub fn objects(
    rows: &[RecordTypeRow],
    visibilities: &[RecordTypeVisibility],
    settings: impl Fn(&str) -> String,
) -> Vec<ObjectRecordTypes> {
    let by_name: BTreeMap<&str, &RecordTypeVisibility> = visibilities
        .iter()
        .map(|v| (v.record_type.as_str(), v))
        .collect();
    let mut grouped: BTreeMap<String, Vec<RecordTypeChoice>> = BTreeMap::new();
    for row in rows {
        let full_name = row.full_name();
        let setting = by_name.get(full_name.as_str());
        grouped
            .entry(row.sobject_type.clone())
            .or_default()
            .push(RecordTypeChoice {
                label: row.name.clone(),
                active: row.is_active,
                visible: setting.is_some_and(|v| v.visible),
                default: setting.is_some_and(|v| v.default),
                full_name,
            });
    }
    for v in visibilities {
        let object = v.object().to_owned();
        let known = grouped
            .get(&object)
            .is_some_and(|list| list.iter().any(|c| c.full_name == v.record_type));
        if !known {
            let label = v
                .record_type
                .split_once('.')
                .map_or(v.record_type.as_str(), |(_, name)| name)
                .to_owned();
            grouped.entry(object).or_default().push(RecordTypeChoice {
                full_name: v.record_type.clone(),
                label,
                active: true,
                visible: v.visible,
                default: v.default,
            });
        }
    }
    grouped
        .into_iter()
        .map(|(object, mut record_types)| {
            record_types.sort_by(|a, b| a.label.cmp(&b.label).then(a.full_name.cmp(&b.full_name)));
            let default = record_types
                .iter()
                .find(|c| c.default)
                .map(|c| c.full_name.clone());
            ObjectRecordTypes {
                settings_url: settings(&object),
                object,
                record_types,
                default,
            }
        })
        .collect()
}

/// The object's current default record types in a profile (normally one; none when unset).
pub fn current_defaults<'a>(
    visibilities: &'a [RecordTypeVisibility],
    object: &'a str,
) -> impl Iterator<Item = &'a RecordTypeVisibility> + 'a {
    visibilities
        .iter()
        .filter(move |v| v.default && v.object() == object)
}

/// Why a record type can't be made the default.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("\"{0}\" is not a record type name (Object.Name).")]
    NotARecordTypeName(String),
    #[error("{0} has no record type {1} in this org.")]
    NoSuchRecordType(String, String),
    #[error("The record type {0} is inactive; Salesforce doesn't make an inactive record type a default. Activate it in Setup first.")]
    Inactive(String),
    #[error("{0} already is the default; nothing to change.")]
    AlreadyDefault(String),
}

/// The entries an update sends to make `record_type` the default of its object, and nothing else
/// (salesforce.md §I.13): the new default (`default` and `visible` true) and each old default
/// (`default` false, `visible` as it was). Checked against the org's record types first.
pub fn plan_default(
    visibilities: &[RecordTypeVisibility],
    rows: &[RecordTypeRow],
    record_type: &str,
) -> Result<Vec<RecordTypeVisibility>, PlanError> {
    if !is_record_type_name(record_type) {
        return Err(PlanError::NotARecordTypeName(record_type.to_owned()));
    }
    let object = object_of(record_type);
    let row = rows
        .iter()
        .find(|r| r.full_name() == record_type)
        .ok_or_else(|| PlanError::NoSuchRecordType(object.to_owned(), record_type.to_owned()))?;
    if !row.is_active {
        return Err(PlanError::Inactive(record_type.to_owned()));
    }
    let already = visibilities
        .iter()
        .any(|v| v.record_type == record_type && v.default && v.visible);
    let others: Vec<&RecordTypeVisibility> = current_defaults(visibilities, object)
        .filter(|v| v.record_type != record_type)
        .collect();
    if already && others.is_empty() {
        return Err(PlanError::AlreadyDefault(record_type.to_owned()));
    }
    let mut changes = vec![RecordTypeVisibility {
        record_type: record_type.to_owned(),
        visible: true,
        default: true,
        person_account_default: None,
    }];
    changes.extend(others.into_iter().map(|old| RecordTypeVisibility {
        record_type: old.record_type.clone(),
        visible: old.visible,
        default: false,
        person_account_default: None,
    }));
    Ok(changes)
}

/// Whether a profile read after the update has `record_type` as its object's one, visible default.
/// `Err` carries the default the profile has instead.
pub fn verify(
    visibilities: &[RecordTypeVisibility],
    record_type: &str,
) -> Result<(), Option<String>> {
    let object = object_of(record_type);
    let defaults: Vec<&RecordTypeVisibility> = current_defaults(visibilities, object).collect();
    match defaults.as_slice() {
        [only] if only.record_type == record_type && only.visible => Ok(()),
        _ => Err(defaults
            .iter()
            .find(|v| v.record_type != record_type)
            .map(|v| v.record_type.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(object: &str, name: &str, active: bool) -> RecordTypeRow {
        RecordTypeRow {
            id: format!("012{name}"),
            name: name.replace('_', " "),
            developer_name: name.to_owned(),
            namespace_prefix: None,
            sobject_type: object.to_owned(),
            is_active: active,
        }
    }

    fn vis(rt: &str, visible: bool, default: bool) -> RecordTypeVisibility {
        RecordTypeVisibility {
            record_type: rt.to_owned(),
            visible,
            default,
            person_account_default: None,
        }
    }

    fn rows() -> Vec<RecordTypeRow> {
        vec![
            row("Account", "Customer", true),
            row("Account", "Partner", true),
            row("Opportunity", "Renewal", true),
            row("Opportunity", "Legacy_Deal", false),
        ]
    }

    #[test]
    fn moving_a_default_sends_the_new_and_the_old_one_only() {
        let current = [
            vis("Account.Customer", true, true),
            vis("Account.Partner", false, false),
            vis("Opportunity.Renewal", true, true),
        ];
        assert_eq!(
            plan_default(&current, &rows(), "Account.Partner"),
            Ok(vec![
                vis("Account.Partner", true, true),
                vis("Account.Customer", true, false)
            ])
        );
        // No default yet: only the new one.
        assert_eq!(
            plan_default(&[], &rows(), "Opportunity.Renewal"),
            Ok(vec![vis("Opportunity.Renewal", true, true)])
        );
        // An old default that was invisible keeps its visibility.
        let odd = [vis("Account.Customer", false, true)];
        assert_eq!(
            plan_default(&odd, &rows(), "Account.Partner").map(|c| c[1].clone()),
            Ok(vis("Account.Customer", false, false))
        );
    }

    #[test]
    fn bad_choices_are_refused_before_anything_is_sent() {
        let current = [vis("Account.Customer", true, true)];
        assert_eq!(
            plan_default(&current, &rows(), "Account.Nope"),
            Err(PlanError::NoSuchRecordType(
                "Account".into(),
                "Account.Nope".into()
            ))
        );
        assert_eq!(
            plan_default(&current, &rows(), "Opportunity.Legacy_Deal"),
            Err(PlanError::Inactive("Opportunity.Legacy_Deal".into()))
        );
        assert_eq!(
            plan_default(&current, &rows(), "Account.Customer"),
            Err(PlanError::AlreadyDefault("Account.Customer".into()))
        );
        for bad in [
            "Account",
            "Account.",
            ".X",
            "Account.X</recordType>",
            "Acc ount.X",
            "A.B.C",
        ] {
            assert_eq!(
                plan_default(&current, &rows(), bad),
                Err(PlanError::NotARecordTypeName(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn verification_needs_exactly_the_new_visible_default() {
        assert_eq!(
            verify(
                &[
                    vis("Account.Partner", true, true),
                    vis("Account.Customer", true, false)
                ],
                "Account.Partner"
            ),
            Ok(())
        );
        assert_eq!(
            verify(
                &[
                    vis("Account.Partner", true, false),
                    vis("Account.Customer", true, true)
                ],
                "Account.Partner"
            ),
            Err(Some("Account.Customer".into()))
        );
        assert_eq!(
            verify(&[vis("Account.Partner", false, false)], "Account.Partner"),
            Err(None)
        );
        assert_eq!(
            verify(
                &[
                    vis("Account.Partner", true, true),
                    vis("Account.Customer", true, true)
                ],
                "Account.Partner"
            ),
            Err(Some("Account.Customer".into()))
        );
    }

    #[test]
    fn objects_list_every_record_type_with_the_profiles_setting() {
        let host =
            SalesforceHost::parse("acme.my.salesforce.com").unwrap_or_else(|| panic!("host"));
        let shown = objects(
            &rows(),
            &[
                vis("Account.Partner", true, true),
                vis("Widget__c.Big", true, true),
            ],
            |object| {
                settings_url(
                    &host,
                    "00eAM0000000003AAA",
                    "Minimum Access - API Only Integrations",
                    object,
                )
            },
        );
        let names: Vec<&str> = shown.iter().map(|o| o.object.as_str()).collect();
        assert_eq!(names, ["Account", "Opportunity", "Widget__c"]);
        assert_eq!(shown[0].default.as_deref(), Some("Account.Partner"));
        assert_eq!(
            shown[0]
                .record_types
                .iter()
                .map(|c| (c.label.as_str(), c.visible))
                .collect::<Vec<_>>(),
            [("Customer", false), ("Partner", true)]
        );
        assert_eq!(shown[1].default, None);
        assert_eq!(
            shown[0].settings_url,
            "https://acme.my.salesforce.com/setup/ui/profilerecordtypeedit.jsp?id=00eAM0000000003&tid=Account&pn=Minimum+Access+-+API+Only+Integrations"
        );
        assert_eq!(
            shown[2].settings_url,
            "https://acme.my.salesforce.com/00eAM0000000003"
        );
        assert_eq!(shown[2].record_types[0].label, "Big");
    }

    #[test]
    fn managed_record_types_carry_their_namespace() {
        let mut managed = row("Account", "Partner", true);
        managed.namespace_prefix = Some("acme".into());
        assert_eq!(managed.full_name(), "Account.acme__Partner");
        assert!(is_record_type_name("Account.acme__Partner"));
    }
}
