//! A spec handed over as a file (the `sf` plugin's `--spec`, kept in source control): the
//! generator's JSON spec (what templates save, [`PermissionSetSpec`]) or a Metadata API
//! `<Name>.permissionset-meta.xml` (salesforce.md §E). A file is read strictly, since nobody is
//! looking at a preview while a pipeline runs: a key the spec doesn't have is refused, not
//! ignored. Its license is settled against the one asked for on the command line: the file's
//! license wins, the command line only fills a file that names none, and a conflict is refused.

use crate::generator::eligibility::ObjectDescribe;
use crate::generator::metadata;
use crate::model::{LicenseChoice, PermissionSetSpec};
use serde_json::Value;
use std::collections::BTreeMap;

/// Keys of the JSON spec (see [`PermissionSetSpec`]) and of one object's access.
const SPEC_KEYS: &[&str] = &[
    "name",
    "label",
    "description",
    "license",
    "objects",
    "fields",
    "systemPermissions",
];
const ACCESS_KEYS: &[&str] = &["read", "create", "edit", "delete", "viewAll", "modifyAll"];

/// Why a spec file can't be used (worded in [`crate::words`]). Nothing is read from the org and
/// nothing is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpecFileError {
    Empty {
        file: String,
    },
    NotJson {
        file: String,
        detail: String,
    },
    NotSpec {
        file: String,
        detail: String,
    },
    /// Keys a spec doesn't have, each quoted (and where, for an object's access).
    UnknownKeys {
        file: String,
        keys: String,
    },
    NotPermissionSet {
        file: String,
        cause: metadata::ImportError,
    },
    /// The file names one license and `--license` another.
    LicenseConflict {
        file: String,
        file_license: &'static str,
        asked: &'static str,
    },
}

/// A license as Setup names it.
pub fn license_name(license: LicenseChoice) -> &'static str {
    match license {
        LicenseChoice::None => "None",
        LicenseChoice::IntegrationPsl => "Salesforce API Integration",
    }
}

/// Reads the file `file_name` (its content `text`) into a spec and the warnings of its import,
/// with `license` (from the command line) applied where the file names none.
pub fn read(
    file_name: &str,
    text: &str,
    license: Option<LicenseChoice>,
) -> Result<(PermissionSetSpec, Vec<String>), SpecFileError> {
    let file = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Err(SpecFileError::Empty {
            file: file.to_owned(),
        });
    }
    let is_xml = file.ends_with(".xml") || (!file.ends_with(".json") && trimmed.starts_with('<'));
    let (mut spec, warnings, states_license) = if is_xml {
        let (spec, warnings) = metadata::import(trimmed, Some(file)).map_err(|cause| {
            SpecFileError::NotPermissionSet {
                file: file.to_owned(),
                cause,
            }
        })?;
        (spec, warnings, metadata::states_license(trimmed))
    } else {
        let (spec, states_license) = read_json(file, trimmed)?;
        (spec, Vec::new(), states_license)
    };
    match (states_license, license) {
        (_, None) => {}
        (false, Some(asked)) => spec.license = asked,
        (true, Some(asked)) if asked == spec.license => {}
        (true, Some(asked)) => {
            return Err(SpecFileError::LicenseConflict {
                file: file.to_owned(),
                file_license: license_name(spec.license),
                asked: license_name(asked),
            })
        }
    }
    Ok((spec, warnings))
}

/// The spec's objects and fields the org doesn't have, one sentence each, given the describes of
/// the objects the org has (`describes`, by name). The generator page leaves such fields out and
/// shows why; a spec file with one is refused as a whole (a typo in a repository should stop the
/// pipeline, not grant less than it says).
pub fn unknown_names(
    spec: &PermissionSetSpec,
    describes: &BTreeMap<String, ObjectDescribe>,
) -> Vec<String> {
    let mut unknown = Vec::new();
    let mut missing_objects = std::collections::BTreeSet::new();
    for object in spec.objects.keys().map(String::as_str).chain(
        spec.fields
            .keys()
            .filter_map(|key| key.split_once('.').map(|(object, _)| object)),
    ) {
        if !describes.contains_key(object) && missing_objects.insert(object) {
            unknown.push(format!("The object {object} doesn't exist in this org."));
        }
    }
    for key in spec.fields.keys() {
        match key.split_once('.') {
            None => unknown.push(format!("{key} is not an Object.Field name.")),
            Some((object, field)) => {
                if let Some(describe) = describes.get(object) {
                    if describe.field(field).is_none() {
                        unknown.push(format!("{object} has no field {field} in this org."));
                    }
                }
            }
        }
    }
    unknown
}

/// The JSON spec and whether it names a license; unknown keys are refused.
fn read_json(file: &str, text: &str) -> Result<(PermissionSetSpec, bool), SpecFileError> {
    let value: Value = serde_json::from_str(text).map_err(|e| SpecFileError::NotJson {
        file: file.to_owned(),
        detail: e.to_string(),
    })?;
    let Some(top) = value.as_object() else {
        return Err(SpecFileError::NotSpec {
            file: file.to_owned(),
            detail: "it is not a JSON object".to_owned(),
        });
    };
    let mut unknown: Vec<String> = top
        .keys()
        .filter(|key| !SPEC_KEYS.contains(&key.as_str()))
        .map(|key| format!("\"{key}\""))
        .collect();
    if let Some(objects) = top.get("objects").and_then(Value::as_object) {
        for (object, access) in objects {
            for key in access.as_object().into_iter().flat_map(|a| a.keys()) {
                if !ACCESS_KEYS.contains(&key.as_str()) {
                    unknown.push(format!("\"{key}\" (in objects.{object})"));
                }
            }
        }
    }
    if !unknown.is_empty() {
        return Err(SpecFileError::UnknownKeys {
            file: file.to_owned(),
            keys: unknown.join(", "),
        });
    }
    let states_license = top.get("license").is_some_and(|l| !l.is_null());
    let spec = crate::json::read(&value).map_err(|e| SpecFileError::NotSpec {
        file: file.to_owned(),
        detail: e.to_string(),
    })?;
    Ok((spec, states_license))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NETSUITE: &str = r#"{"name": "Integration_NetSuite", "label": "Integration – NetSuite",
        "objects": {"Account": {"read": true}}, "fields": {"Account.Industry": "read"},
        "systemPermissions": ["PasswordNeverExpires"]}"#;

    #[test]
    fn a_json_spec_without_a_license_takes_the_command_lines() {
        let (spec, warnings) = read(
            "netsuite.json",
            NETSUITE,
            Some(LicenseChoice::IntegrationPsl),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec.license, LicenseChoice::IntegrationPsl);
        assert_eq!(spec.name, "Integration_NetSuite");
        assert!(warnings.is_empty());
        let (spec, _) = read("netsuite.json", NETSUITE, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec.license, LicenseChoice::None);
    }

    #[test]
    fn the_files_license_wins_and_a_conflict_is_refused() {
        let named = NETSUITE.replacen('{', r#"{"license": "none", "#, 1);
        assert_eq!(
            read("n.json", &named, Some(LicenseChoice::None)).map(|(s, _)| s.license),
            Ok(LicenseChoice::None)
        );
        assert!(matches!(
            read("n.json", &named, Some(LicenseChoice::IntegrationPsl)),
            Err(SpecFileError::LicenseConflict { .. })
        ));
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>X</label>\n    <license>SalesforceAPIIntegrationPsl</license>\n</PermissionSet>\n";
        assert!(matches!(
            read("X.permissionset-meta.xml", xml, Some(LicenseChoice::None)),
            Err(SpecFileError::LicenseConflict { .. })
        ));
        let unlicensed = xml.replace("    <license>SalesforceAPIIntegrationPsl</license>\n", "");
        let (spec, _) = read(
            "X.permissionset-meta.xml",
            &unlicensed,
            Some(LicenseChoice::IntegrationPsl),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec.license, LicenseChoice::IntegrationPsl);
        assert_eq!(spec.name, "X");
    }

    #[test]
    fn objects_and_fields_the_org_lacks_are_named() {
        let account: ObjectDescribe = serde_json::from_str(
            r#"{"name": "Account", "fields": [{"name": "Industry"}, {"name": "Name"}]}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let state: BTreeMap<String, ObjectDescribe> =
            [("Account".to_owned(), account)].into_iter().collect();
        let (mut spec, _) = read("n.json", NETSUITE, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(unknown_names(&spec, &state), Vec::<String>::new());
        spec.fields.insert(
            "Account.Nope__c".to_owned(),
            crate::model::FieldAccess::Read,
        );
        spec.fields
            .insert("Nope__c.Name".to_owned(), crate::model::FieldAccess::Read);
        spec.objects
            .insert("Nope__c".to_owned(), Default::default());
        spec.fields
            .insert("Dotless".to_owned(), crate::model::FieldAccess::Read);
        assert_eq!(
            unknown_names(&spec, &state),
            [
                "The object Nope__c doesn't exist in this org.",
                "Account has no field Nope__c in this org.",
                "Dotless is not an Object.Field name.",
            ]
        );
    }

    #[test]
    fn unknown_keys_and_malformed_files_are_refused() {
        let typo = NETSUITE.replace("systemPermissions", "sytemPermissions");
        let error = read("n.json", &typo, None).err();
        assert!(
            matches!(&error, Some(SpecFileError::UnknownKeys { keys, .. }) if keys == "\"sytemPermissions\""),
            "{error:?}"
        );
        let access = NETSUITE.replace("\"read\": true", "\"raed\": true");
        assert!(matches!(
            read("n.json", &access, None),
            Err(SpecFileError::UnknownKeys { keys, .. }) if keys.contains("objects.Account")
        ));
        assert!(matches!(
            read("n.json", "{\"name\": ", None),
            Err(SpecFileError::NotJson { .. })
        ));
        assert!(matches!(
            read("n.json", "[1, 2]", None),
            Err(SpecFileError::NotSpec { .. })
        ));
        assert!(matches!(
            read(
                "n.json",
                "{\"fields\": {\"Account.Name\": \"write\"}}",
                None
            ),
            Err(SpecFileError::NotSpec { .. })
        ));
        assert!(matches!(
            read("n.json", "  \n", None),
            Err(SpecFileError::Empty { .. })
        ));
        assert!(matches!(
            read("x.permissionset-meta.xml", "<Profile></Profile>", None),
            Err(SpecFileError::NotPermissionSet { .. })
        ));
    }
}
