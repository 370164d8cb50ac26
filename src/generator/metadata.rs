//! Metadata API PermissionSet XML (salesforce.md §E, §H.Q4): export in Salesforce's element order, ready
//! for `sf project deploy start`, and import of the same format. The project's tiny XML reader and
//! writer ([`crate::xml`]) keep the WebAssembly small.

use super::plan::{close_object, INTEGRATION_PSL};
use crate::model::{FieldAccess, LicenseChoice, ObjectAccess, PermissionSetSpec};
use crate::xml::{flag, parse, push_element, quoted, XmlError};
use std::collections::BTreeMap;

/// Source-format file name: `<Name>.permissionset-meta.xml` (salesforce.md §E).
pub fn file_name(spec: &PermissionSetSpec) -> String {
    format!("{}.permissionset-meta.xml", spec.name)
}

fn element(out: &mut String, indent: usize, name: &str, value: &str) {
    out.push_str(&" ".repeat(indent));
    push_element(out, name, value);
    out.push('\n');
}

/// The spec as a PermissionSet file. Top-level elements and the fields inside each are in the
/// alphabetical order of retrieved files (salesforce.md §E); object permissions carry their closure
/// (§C.2); `<license>` is the PSL's DeveloperName for a PSL-licensed set and absent for None (§H.Q4).
/// The assignment's expiry is not part of a PermissionSet file (assignments aren't metadata), so
/// it is not exported.
pub fn export(spec: &PermissionSetSpec) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n",
    );
    if !spec.description.is_empty() {
        element(&mut out, 4, "description", &spec.description);
    }
    for (field, access) in &spec.fields {
        out.push_str("    <fieldPermissions>\n");
        element(
            &mut out,
            8,
            "editable",
            flag(*access == FieldAccess::ReadEdit),
        );
        element(&mut out, 8, "field", field);
        element(&mut out, 8, "readable", "true");
        out.push_str("    </fieldPermissions>\n");
    }
    element(&mut out, 4, "hasActivationRequired", "false");
    element(&mut out, 4, "label", &spec.label);
    if spec.license == LicenseChoice::IntegrationPsl {
        element(&mut out, 4, "license", INTEGRATION_PSL);
    }
    let mut objects: BTreeMap<&str, ObjectAccess> = spec
        .objects
        .iter()
        .map(|(name, access)| (name.as_str(), *access))
        .collect();
    for field in spec.fields.keys() {
        objects
            .entry(PermissionSetSpec::object_of(field))
            .or_insert_with(ObjectAccess::read_only);
    }
    for (object, access) in objects {
        let access = close_object(if access.is_empty() {
            ObjectAccess::read_only()
        } else {
            access
        });
        out.push_str("    <objectPermissions>\n");
        element(&mut out, 8, "allowCreate", flag(access.create));
        element(&mut out, 8, "allowDelete", flag(access.delete));
        element(&mut out, 8, "allowEdit", flag(access.edit));
        element(&mut out, 8, "allowRead", flag(access.read));
        element(&mut out, 8, "modifyAllRecords", flag(access.modify_all));
        element(&mut out, 8, "object", object);
        // Only when granted: an org before API 63.0 refuses the element (salesforce.md §I.10),
        // and files retrieved from such orgs don't have it.
        if access.view_all_fields {
            element(&mut out, 8, "viewAllFields", "true");
        }
        element(&mut out, 8, "viewAllRecords", flag(access.view_all));
        out.push_str("    </objectPermissions>\n");
    }
    for name in &spec.system_permissions {
        out.push_str("    <userPermissions>\n");
        element(&mut out, 8, "enabled", "true");
        element(&mut out, 8, "name", name);
        out.push_str("    </userPermissions>\n");
    }
    out.push_str("</PermissionSet>\n");
    out
}

/// Why a file can't be imported (worded in [`crate::words`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Not XML the reader takes (malformed, or beyond its limits).
    Xml(XmlError),
    /// Well-formed, but its document element is another type (named, quoted).
    NotPermissionSet(String),
}

impl From<XmlError> for ImportError {
    fn from(error: XmlError) -> Self {
        Self::Xml(error)
    }
}

/// The API name a file name gives (`X.permissionset-meta.xml`, `X.permissionset`).
pub fn name_from_file(file_name: &str) -> Option<String> {
    let base = file_name.rsplit(['/', '\\']).next()?;
    let name = base
        .strip_suffix(".permissionset-meta.xml")
        .or_else(|| base.strip_suffix(".permissionset"))?;
    (!name.is_empty()).then(|| name.to_owned())
}

/// Whether a PermissionSet file names a licence: a `<license>` with a value. Without one the set
/// is licensed None (salesforce.md §H.Q4), which a command line may still choose for it.
pub fn states_license(xml: &str) -> bool {
    parse(xml).is_ok_and(|root| {
        root.child_text("license")
            .is_some_and(|l| !l.trim().is_empty())
    })
}

/// Reads a PermissionSet file into a spec, with a warning for each thing not carried over.
pub fn import(
    xml: &str,
    file_name: Option<&str>,
) -> Result<(PermissionSetSpec, Vec<String>), ImportError> {
    let root = parse(xml)?;
    if root.name != "PermissionSet" {
        return Err(ImportError::NotPermissionSet(quoted(&root.name)));
    }
    let mut spec = PermissionSetSpec {
        label: root.child_text("label").unwrap_or_default().to_owned(),
        description: root
            .child_text("description")
            .unwrap_or_default()
            .to_owned(),
        ..PermissionSetSpec::default()
    };
    let mut warnings = Vec::new();
    spec.name = root
        .child_text("fullName")
        .map(str::to_owned)
        .or_else(|| file_name.and_then(name_from_file))
        .unwrap_or_else(|| super::names::api_name_from(&spec.label));
    match root.child_text("license") {
        None | Some("") => {}
        Some(license) if license.eq_ignore_ascii_case(INTEGRATION_PSL) => {
            spec.license = LicenseChoice::IntegrationPsl;
        }
        Some(other) => warnings.push(format!(
            "License \"{other}\" set to None: Forcefield generates sets licensed None or with the Salesforce API Integration license (a set licensed \"Salesforce\" can't be assigned to an integration user)."
        )),
    }
    if root.child_flag("hasActivationRequired") {
        warnings.push(
            "Session activation is not carried over: the generated set is always active."
                .to_owned(),
        );
    }
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    for child in &root.children {
        match child.name.as_str() {
            "fieldPermissions" => {
                let Some(field) = child.child_text("field").filter(|f| f.contains('.')) else {
                    warnings.push(
                        "A field permission without an Object.Field name was skipped.".to_owned(),
                    );
                    continue;
                };
                if child.child_flag("readable") || child.child_flag("editable") {
                    let access = if child.child_flag("editable") {
                        FieldAccess::ReadEdit
                    } else {
                        FieldAccess::Read
                    };
                    spec.fields.insert(field.to_owned(), access);
                }
            }
            "objectPermissions" => {
                let Some(object) = child.child_text("object").filter(|o| !o.is_empty()) else {
                    warnings.push("An object permission without an object was skipped.".to_owned());
                    continue;
                };
                let access = ObjectAccess {
                    read: child.child_flag("allowRead"),
                    create: child.child_flag("allowCreate"),
                    edit: child.child_flag("allowEdit"),
                    delete: child.child_flag("allowDelete"),
                    view_all: child.child_flag("viewAllRecords"),
                    modify_all: child.child_flag("modifyAllRecords"),
                    view_all_fields: child.child_flag("viewAllFields"),
                };
                if !access.is_empty() {
                    spec.objects.insert(object.to_owned(), access);
                }
            }
            "userPermissions" => {
                if let (true, Some(name)) = (child.child_flag("enabled"), child.child_text("name"))
                {
                    if name == "ApiEnabled" {
                        warnings.push("API Enabled kept, but integration users get it from their profile (it isn't needed here).".to_owned());
                    }
                    spec.system_permissions.insert(name.to_owned());
                }
            }
            "label" | "description" | "license" | "hasActivationRequired" | "fullName" => {}
            other => *skipped.entry(other).or_default() += 1,
        }
    }
    for (element, count) in skipped {
        warnings.push(format!(
            "{count} <{element}> {} not carried over: the generator sets object, field and system permissions only.",
            if count == 1 { "entry is" } else { "entries are" }
        ));
    }
    Ok((spec, warnings))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// The real retrieved file quoted in salesforce.md §E (SFIR's test permission set), verbatim.
    const SFIR: &str =
        include_str!("../../tests/fixtures/metadata/SfInspector.retrieved.permissionset-meta.xml");

    #[test]
    fn the_real_retrieved_file_round_trips_byte_for_byte() {
        let (spec, warnings) = import(SFIR, Some("SfInspector.permissionset-meta.xml")).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(spec.name, "SfInspector");
        assert_eq!(spec.label, "Sf Inspector");
        assert_eq!(
            spec.fields["Inspector_Test__c.Checkbox__c"],
            FieldAccess::ReadEdit
        );
        assert!(spec.objects["Inspector_Test__c"].modify_all);
        assert_eq!(export(&spec), SFIR);
    }

    #[test]
    fn license_and_user_permissions_follow_the_retrieved_form() {
        let spec = PermissionSetSpec {
            name: "Integration_NetSuite".into(),
            label: "Integration – NetSuite & Co <ERP>".into(),
            license: LicenseChoice::IntegrationPsl,
            objects: [(
                "Account".to_owned(),
                ObjectAccess {
                    delete: true,
                    ..ObjectAccess::default()
                },
            )]
            .into(),
            fields: [("Contact.Email".to_owned(), FieldAccess::Read)].into(),
            system_permissions: ["PasswordNeverExpires".to_owned()].into(),
            ..PermissionSetSpec::default()
        };
        let xml = export(&spec);
        assert!(xml.contains("<license>SalesforceAPIIntegrationPsl</license>"));
        assert!(xml.contains("<label>Integration – NetSuite &amp; Co &lt;ERP&gt;</label>"));
        // Delete closes over Edit and Read (salesforce.md §C.2); a field's object gets Read.
        let account = xml.find("<object>Account</object>").unwrap();
        assert!(xml[..account].contains("<allowEdit>true</allowEdit>"));
        assert!(xml.contains("<object>Contact</object>"));
        let order: Vec<usize> = [
            "<fieldPermissions>",
            "<hasActivationRequired>",
            "<label>",
            "<license>",
            "<objectPermissions>",
            "<userPermissions>",
        ]
        .iter()
        .map(|tag| xml.find(tag).unwrap())
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        let (back, _) = import(&xml, Some(&file_name(&spec))).unwrap();
        assert_eq!(back.name, spec.name);
        assert_eq!(back.label, spec.label);
        assert_eq!(back.license, LicenseChoice::IntegrationPsl);
        assert_eq!(back.system_permissions, spec.system_permissions);
        assert_eq!(back.fields, spec.fields);
        assert!(back.objects["Account"].edit && back.objects["Contact"].read);
    }

    #[test]
    fn what_is_not_carried_over_is_said() {
        let xml = r#"<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata"><label>X</label>
          <license>Salesforce</license><classAccesses><apexClass>A</apexClass><enabled>true</enabled></classAccesses>
          <!-- a comment --><tabSettings><tab>standard-Account</tab><visibility>Visible</visibility></tabSettings>
          <userPermissions><enabled>false</enabled><name>ViewSetup</name></userPermissions></PermissionSet>"#;
        let (spec, warnings) = import(xml, None).unwrap();
        assert_eq!(spec.name, "X");
        assert_eq!(spec.license, LicenseChoice::None);
        assert!(spec.system_permissions.is_empty());
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[0].contains("\"Salesforce\""));
    }

    /// Issue #11, finding 3: "Importing a permission set XML nested ~20,000 levels deep throws
    /// 'Maximum call stack size exceeded' in the page and shows the admin nothing" (natively: a
    /// stack overflow dropping the nested tree). Now a clear error, before any deep tree exists.
    #[test]
    fn a_permission_set_nested_20000_deep_is_refused_with_a_clear_message() {
        for depth in [33, 20_000, 1_000_000] {
            let xml = format!(
                "<PermissionSet>{}{}</PermissionSet>",
                "<a>".repeat(depth),
                "</a>".repeat(depth)
            );
            let error = import(&xml, None).unwrap_err();
            assert_eq!(error, ImportError::Xml(XmlError::TooDeep), "{depth}");
            assert!(error.to_string().contains("nested more than 32 deep"));
        }
        // 32 deep is read (and is not a PermissionSet's shape, which the import then says).
        let xml = format!("{}{}", "<a>".repeat(32), "</a>".repeat(32));
        assert_eq!(
            import(&xml, None).unwrap_err(),
            ImportError::NotPermissionSet("a".into())
        );
    }

    #[test]
    fn files_beyond_the_size_and_element_limits_are_refused_with_a_clear_message() {
        let big = format!(
            "<PermissionSet><description>{}</description></PermissionSet>",
            "x".repeat(crate::xml::MAX_BYTES)
        );
        let error = import(&big, None).unwrap_err();
        assert!(matches!(error, ImportError::Xml(XmlError::TooLarge { .. })));
        assert!(
            error
                .to_string()
                .contains("is 8193 KB, more than the 8192 KB"),
            "{error}"
        );
        let many = format!(
            "<PermissionSet>{}</PermissionSet>",
            "<a/>".repeat(crate::xml::MAX_ELEMENTS)
        );
        assert_eq!(
            import(&many, None).unwrap_err(),
            ImportError::Xml(XmlError::TooManyElements)
        );
    }

    #[test]
    fn broken_files_are_errors_not_panics() {
        for bad in [
            "",
            "<PermissionSet>",
            "<PermissionSet></Profile>",
            "<Profile></Profile>",
            "<a>&bogus;</a>",
            "<PermissionSet><label>x</label",
            "</PermissionSet>",
            "<a>&#xFFFFFFFFF;</a>",
            "<a>&#55296;</a>",
            "<a>&",
            "<",
            "<!--",
            "<![CDATA[",
            "<a/><b/>",
            "\u{feff}",
            "<é>ü</é>",
        ] {
            assert!(import(bad, None).is_err(), "{bad}");
        }
    }
}
