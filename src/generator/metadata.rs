//! Metadata API PermissionSet XML (salesforce.md §E, §H.Q4): export in Salesforce's element order, ready
//! for `sf project deploy start`, and import of the same format. A tiny writer and reader of its
//! own keep the WebAssembly small.

use super::plan::{close_object, INTEGRATION_PSL};
use crate::model::{FieldAccess, LicenseChoice, ObjectAccess, PermissionSetSpec};
use std::collections::BTreeMap;

/// Source-format file name: `<Name>.permissionset-meta.xml` (salesforce.md §E).
pub fn file_name(spec: &PermissionSetSpec) -> String {
    format!("{}.permissionset-meta.xml", spec.name)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn element(out: &mut String, indent: usize, name: &str, value: &str) {
    out.push_str(&" ".repeat(indent));
    out.push_str(&format!("<{name}>{}</{name}>\n", escape(value)));
}

fn flag(on: bool) -> &'static str {
    if on {
        "true"
    } else {
        "false"
    }
}

/// The spec as a PermissionSet file. Top-level elements and the fields inside each are in the
/// alphabetical order of retrieved files (salesforce.md §E); object permissions carry their closure
/// (§C.2); `<license>` is the PSL's DeveloperName for a PSL-licensed set and absent for None (§H.Q4).
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

/// An element of the parsed document: name, text, children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn child_text(&self, name: &str) -> Option<&str> {
        self.children
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.text.trim())
    }

    fn child_flag(&self, name: &str) -> bool {
        self.child_text(name) == Some("true")
    }
}

fn unescape(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..]
            .find(';')
            .ok_or_else(|| "an unterminated character reference".to_owned())?;
        let entity = &rest[at + 1..at + end];
        let decoded = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| format!("an unknown entity &{entity};"))?
            }
        };
        out.push(decoded);
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Parses the document element (XML declaration, comments and attributes are skipped).
fn parse(xml: &str) -> Result<Node, String> {
    let mut stack: Vec<Node> = vec![Node::default()];
    let mut rest = xml.trim_start_matches('\u{feff}');
    while !rest.is_empty() {
        match rest.find('<') {
            None => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&unescape(rest)?);
                }
                break;
            }
            Some(at) => {
                if at > 0 {
                    let text = unescape(&rest[..at])?;
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&text);
                    }
                }
                rest = &rest[at..];
            }
        }
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").ok_or("an unterminated comment")?;
            rest = &after[end + 3..];
        } else if let Some(after) = rest.strip_prefix("<?") {
            let end = after.find("?>").ok_or("an unterminated declaration")?;
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").ok_or("an unterminated CDATA section")?;
            if let Some(top) = stack.last_mut() {
                top.text.push_str(&after[..end]);
            }
            rest = &after[end + 3..];
        } else if let Some(after) = rest.strip_prefix("<!") {
            let end = after.find('>').ok_or("an unterminated declaration")?;
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').ok_or("an unterminated end tag")?;
            let name = after[..end].trim();
            let node = stack.pop().ok_or("an unexpected end tag")?;
            if node.name != name {
                return Err(format!("</{name}> closes <{}>", node.name));
            }
            stack
                .last_mut()
                .ok_or("an unexpected end tag")?
                .children
                .push(node);
            rest = &after[end + 1..];
        } else {
            let after = &rest[1..];
            let end = after.find('>').ok_or("an unterminated tag")?;
            let tag = &after[..end];
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name = tag.split_whitespace().next().unwrap_or_default();
            // Namespace prefixes (`<md:label>`) are dropped.
            let name = name.rsplit(':').next().unwrap_or(name).to_owned();
            if name.is_empty() {
                return Err("an empty tag".to_owned());
            }
            let node = Node {
                name,
                ..Node::default()
            };
            if self_closing {
                stack
                    .last_mut()
                    .ok_or("a tag outside the document")?
                    .children
                    .push(node);
            } else {
                stack.push(node);
            }
            rest = &after[end + 1..];
        }
    }
    if stack.len() != 1 {
        return Err(format!(
            "<{}> is never closed",
            stack.last().map(|n| n.name.as_str()).unwrap_or_default()
        ));
    }
    stack
        .pop()
        .and_then(|root| root.children.into_iter().next())
        .ok_or_else(|| "no document element".to_owned())
}

/// The API name a file name gives (`X.permissionset-meta.xml`, `X.permissionset`).
pub fn name_from_file(file_name: &str) -> Option<String> {
    let base = file_name.rsplit(['/', '\\']).next()?;
    let name = base
        .strip_suffix(".permissionset-meta.xml")
        .or_else(|| base.strip_suffix(".permissionset"))?;
    (!name.is_empty()).then(|| name.to_owned())
}

/// Why a file can't be imported (worded in [`crate::words`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum XmlError {
    /// Not well-formed XML: what the reader stopped at.
    Unreadable(String),
    /// Well-formed, but its document element is another type (named).
    NotAPermissionSet(String),
}

/// Reads a PermissionSet file into a spec, with a warning for each thing not carried over.
pub fn import(
    xml: &str,
    file_name: Option<&str>,
) -> Result<(PermissionSetSpec, Vec<String>), XmlError> {
    let root = parse(xml).map_err(XmlError::Unreadable)?;
    if root.name != "PermissionSet" {
        return Err(XmlError::NotAPermissionSet(root.name));
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

    #[test]
    fn broken_files_are_errors_not_panics() {
        for bad in [
            "",
            "<PermissionSet>",
            "<PermissionSet></Profile>",
            "<Profile></Profile>",
            "<a>&bogus;</a>",
            "<PermissionSet><label>x</label",
        ] {
            assert!(import(bad, None).is_err(), "{bad}");
        }
    }
}
