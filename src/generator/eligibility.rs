//! Which fields a permission set can grant, from the object's describe: read and edit, read
//! only, or not at all, each with the reason (salesforce.md §B.6, §C.3, §C.4).

use super::view::{FieldChoice, Grant};
use serde::{Deserialize, Serialize};

/// The describe properties of one field that decide its field-level security (salesforce.md §B.6).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DescribeField {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: String,
    pub custom: bool,
    pub permissionable: bool,
    pub calculated: bool,
    pub auto_number: bool,
    pub updateable: bool,
    pub createable: bool,
    pub nillable: bool,
    pub defaulted_on_create: bool,
    pub compound_field_name: Option<String>,
    pub reference_to: Vec<String>,
    /// Set on master-detail fields (0 or 1) (salesforce.md §B.6).
    pub relationship_order: Option<u8>,
    pub cascade_delete: bool,
}

/// An object's describe, as far as the generator reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectDescribe {
    pub name: String,
    pub label: String,
    pub custom: bool,
    pub custom_setting: bool,
    pub fields: Vec<DescribeField>,
}

impl ObjectDescribe {
    pub fn field(&self, name: &str) -> Option<&DescribeField> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// Master objects of this object's master-detail fields: granting anything on a detail
    /// object requires Read on its master (salesforce.md §C.2).
    pub fn masters(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| f.field_type == "reference" && f.relationship_order.is_some())
            .flat_map(|f| f.reference_to.iter().cloned())
            .collect()
    }

    /// Names of compound fields whose components are listed separately (salesforce.md §C.3: the
    /// compound is granted, its components are rejected).
    fn is_compound_component(&self, field: &DescribeField) -> bool {
        field
            .compound_field_name
            .as_deref()
            .is_some_and(|compound| self.field(compound).is_some())
    }
}

/// What can be granted on `field` of `object`, and why no more.
pub fn grant_of(object: &ObjectDescribe, field: &DescribeField) -> (Grant, Option<String>) {
    if object.is_compound_component(field) {
        let compound = field.compound_field_name.as_deref().unwrap_or_default();
        return (
            Grant::None,
            Some(format!(
                "Part of the compound field {compound}: grant {compound} instead."
            )),
        );
    }
    if !field.permissionable {
        // salesforce.md §B.6, §C.3: required fields, Id and system audit fields describe as
        // non-permissionable; they are always readable (and required ones always editable).
        let reason = if field.field_type == "id" {
            "The record Id is always readable."
        } else if field.relationship_order.is_some() {
            "Master-detail fields are required: always readable and editable."
        } else if !field.nillable && !field.defaulted_on_create && field.createable {
            "Required field: always readable and editable, it can't get field-level security."
        } else if !field.createable && !field.updateable {
            "System field: always readable, it can't get field-level security."
        } else {
            "Salesforce doesn't allow field-level security on this field."
        };
        return (Grant::None, Some(reason.to_owned()));
    }
    // salesforce.md §C.3: FLS on a compound field (an address) is set on the compound itself (creating it
    // for Contact.MailingAddress works, for its components it fails: salesforce.stackexchange.com
    // q/97912, confirmed with `search`); it is editable when its components are.
    let components: Vec<&DescribeField> = object
        .fields
        .iter()
        .filter(|f| f.compound_field_name.as_deref() == Some(field.name.as_str()))
        .collect();
    if !components.is_empty() {
        return if components.iter().any(|c| c.updateable || c.createable) {
            (Grant::ReadEdit, None)
        } else {
            (Grant::ReadOnly, Some("Its parts are read only.".to_owned()))
        };
    }
    // salesforce.md §C.3, §C.4: formula and auto-number fields take Read only; so do fields no one can
    // write.
    if field.calculated {
        return (
            Grant::ReadOnly,
            Some("Formula or roll-up field: read only.".to_owned()),
        );
    }
    if field.auto_number {
        return (
            Grant::ReadOnly,
            Some("Auto-number field: read only.".to_owned()),
        );
    }
    if !field.updateable && !field.createable {
        return (
            Grant::ReadOnly,
            Some("Salesforce sets this field: read only.".to_owned()),
        );
    }
    (Grant::ReadEdit, None)
}

/// Every field of an object with its grant, in the describe's order.
pub fn field_choices(object: &ObjectDescribe) -> Vec<FieldChoice> {
    object
        .fields
        .iter()
        .map(|field| {
            let (grant, reason) = grant_of(object, field);
            FieldChoice {
                name: field.name.clone(),
                label: field.label.clone(),
                field_type: field.field_type.clone(),
                custom: field.custom,
                grant,
                reason,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn field(json: &str) -> DescribeField {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn each_kind_of_field_gets_its_grant_and_reason() {
        let object = ObjectDescribe {
            name: "Contact".into(),
            fields: vec![
                field(
                    r#"{"name":"Id","type":"id","permissionable":false,"nillable":false,"defaultedOnCreate":true}"#,
                ),
                field(
                    r#"{"name":"LastName","type":"string","permissionable":false,"nillable":false,"createable":true,"updateable":true}"#,
                ),
                field(
                    r#"{"name":"CreatedById","type":"reference","referenceTo":["User"],"permissionable":false,"nillable":false,"defaultedOnCreate":true}"#,
                ),
                field(
                    r#"{"name":"Email","type":"email","permissionable":true,"nillable":true,"createable":true,"updateable":true}"#,
                ),
                field(
                    r#"{"name":"Score__c","type":"double","permissionable":true,"calculated":true,"custom":true}"#,
                ),
                field(
                    r#"{"name":"Number__c","type":"string","permissionable":true,"autoNumber":true,"custom":true}"#,
                ),
                field(
                    r#"{"name":"MailingAddress","type":"address","permissionable":true,"createable":true,"updateable":true}"#,
                ),
                field(
                    r#"{"name":"MailingCity","type":"string","permissionable":true,"createable":true,"updateable":true,"compoundFieldName":"MailingAddress"}"#,
                ),
            ],
            ..ObjectDescribe::default()
        };
        let grants: Vec<(String, Grant, bool)> = field_choices(&object)
            .into_iter()
            .map(|c| (c.name, c.grant, c.reason.is_some()))
            .collect();
        assert_eq!(
            grants,
            vec![
                ("Id".into(), Grant::None, true),
                ("LastName".into(), Grant::None, true),
                ("CreatedById".into(), Grant::None, true),
                ("Email".into(), Grant::ReadEdit, false),
                ("Score__c".into(), Grant::ReadOnly, true),
                ("Number__c".into(), Grant::ReadOnly, true),
                ("MailingAddress".into(), Grant::ReadEdit, false),
                ("MailingCity".into(), Grant::None, true),
            ]
        );
        let reasons = field_choices(&object);
        assert!(reasons[1].reason.as_deref().unwrap().contains("Required"));
        assert!(reasons[7]
            .reason
            .as_deref()
            .unwrap()
            .contains("MailingAddress"));
    }

    #[test]
    fn master_detail_fields_name_the_master() {
        let object = ObjectDescribe {
            name: "Invoice_Line__c".into(),
            fields: vec![
                field(
                    r#"{"name":"Invoice__c","type":"reference","referenceTo":["Invoice__c"],"relationshipOrder":0,"permissionable":false,"createable":true}"#,
                ),
                field(
                    r#"{"name":"Account__c","type":"reference","referenceTo":["Account"],"permissionable":true}"#,
                ),
            ],
            ..ObjectDescribe::default()
        };
        assert_eq!(object.masters(), vec!["Invoice__c".to_owned()]);
        assert!(grant_of(&object, &object.fields[0])
            .1
            .unwrap()
            .contains("Master-detail"));
    }
}
