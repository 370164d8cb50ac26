//! The Metadata API files that `tests/metadata/sdr.test.mjs` hands to Salesforce's own
//! source-deploy-retrieve library are written by the Rust core. This test fails when the
//! committed files are not what the core exports now; `UPDATE_FIXTURES=1` rewrites them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use forcefield::generator::metadata::{export, file_name, import};
use forcefield::model::{FieldAccess, LicenseChoice, ObjectAccess, PermissionSetSpec};
use std::path::PathBuf;

/// The real retrieved file quoted in salesforce.md §E (SFIR `SfInspector.permissionset-meta.xml`), verbatim.
const SFIR: &str = include_str!("fixtures/metadata/SfInspector.retrieved.permissionset-meta.xml");

fn specs() -> Vec<PermissionSetSpec> {
    let netsuite = PermissionSetSpec {
        name: "Integration_NetSuite".into(),
        label: "Integration – NetSuite".into(),
        description: "Objects and fields the NetSuite connector reads & writes".into(),
        license: LicenseChoice::IntegrationPsl,
        objects: [
            (
                "Account".to_owned(),
                ObjectAccess {
                    edit: true,
                    ..ObjectAccess::default()
                },
            ),
            (
                "Invoice__c".to_owned(),
                ObjectAccess {
                    create: true,
                    view_all: true,
                    ..ObjectAccess::default()
                },
            ),
        ]
        .into(),
        fields: [
            ("Account.AccountNumber".to_owned(), FieldAccess::ReadEdit),
            ("Account.BillingAddress".to_owned(), FieldAccess::Read),
            ("Contact.Email".to_owned(), FieldAccess::Read),
            ("Invoice__c.Amount__c".to_owned(), FieldAccess::ReadEdit),
            ("Invoice__c.Tax__c".to_owned(), FieldAccess::Read),
        ]
        .into(),
        system_permissions: ["PasswordNeverExpires".to_owned()].into(),
        assignment_expiration: None,
    };
    let marketo = PermissionSetSpec {
        name: "Integration_Marketo".into(),
        label: "Integration – Marketo".into(),
        license: LicenseChoice::None,
        objects: [(
            "Lead".to_owned(),
            ObjectAccess {
                modify_all: true,
                ..ObjectAccess::default()
            },
        )]
        .into(),
        fields: [("Lead.Company".to_owned(), FieldAccess::ReadEdit)].into(),
        ..PermissionSetSpec::default()
    };
    let (sfir, warnings) = import(SFIR, Some("SfInspector.permissionset-meta.xml")).unwrap();
    assert!(warnings.is_empty());
    vec![netsuite, marketo, sfir]
}

#[test]
fn committed_fixtures_are_what_the_core_exports() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/metadata/force-app/main/default/permissionsets");
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    for spec in specs() {
        let path = dir.join(file_name(&spec));
        let xml = export(&spec);
        if update {
            std::fs::write(&path, &xml).unwrap();
        }
        let committed = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_FIXTURES=1)", path.display()));
        assert_eq!(
            committed,
            xml,
            "{} is stale (UPDATE_FIXTURES=1 rewrites it)",
            path.display()
        );
        let (back, _) = import(&xml, Some(&file_name(&spec))).unwrap();
        assert_eq!(
            export(&back),
            xml,
            "import ∘ export is the identity on exports"
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("SfInspector.permissionset-meta.xml")).unwrap(),
        SFIR,
        "the real retrieved file round-trips byte for byte"
    );
}
