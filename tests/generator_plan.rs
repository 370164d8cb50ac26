//! The generator's planning over fixtures, without an org: spec → closed spec → diff against an
//! existing set → ordered steps → API calls (salesforce.md §B.3, §B.4, §C.1–§C.4, §H.Q3–§H.Q5).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use forcefield::generator::eligibility::ObjectDescribe;
use forcefield::generator::plan::{
    plan, AssigneeState, CallPlan, Change, ExistingPermissionSet, OrgState, PslState,
};
use forcefield::generator::records::{Record, SetRef};
use forcefield::generator::view::{Action, FindingCode, StepKind};
use forcefield::model::{FieldAccess, LicenseChoice, ObjectAccess, PermissionSetSpec};
use serde_json::json;

fn describe(name: &str, fields: serde_json::Value) -> ObjectDescribe {
    serde_json::from_value(json!({"name": name, "label": name, "fields": fields})).unwrap()
}

/// Account (required Name, a compound address), Invoice__c (auto-number Name, a formula) and its
/// master-detail child Invoice_Line__c, and a wide object with 450 plain fields.
fn state() -> OrgState {
    let plain = |name: &str| json!({"name": name, "type": "string", "permissionable": true, "nillable": true, "createable": true, "updateable": true});
    let mut wide = vec![json!({"name": "Id", "type": "id"})];
    wide.extend((0..450).map(|i| plain(&format!("Field_{i:03}__c"))));
    let describes = [
        describe(
            "Account",
            json!([
                {"name": "Id", "type": "id"},
                {"name": "Name", "type": "string", "createable": true, "updateable": true},
                plain("Industry"),
                {"name": "BillingAddress", "type": "address", "permissionable": true},
                {"name": "BillingCity", "type": "string", "permissionable": true, "createable": true, "updateable": true, "compoundFieldName": "BillingAddress"},
                {"name": "CreatedById", "type": "reference", "referenceTo": ["User"], "defaultedOnCreate": true},
            ]),
        ),
        describe(
            "Invoice__c",
            json!([
                {"name": "Name", "type": "string", "autoNumber": true},
                {"name": "Total__c", "type": "currency", "permissionable": true, "calculated": true},
                {"name": "Number__c", "type": "string", "permissionable": true, "autoNumber": true},
                plain("Notes__c"),
            ]),
        ),
        describe(
            "Invoice_Line__c",
            json!([
                {"name": "Invoice__c", "type": "reference", "referenceTo": ["Invoice__c"], "relationshipOrder": 0, "createable": true},
                plain("Quantity__c"),
            ]),
        ),
        describe("Wide__c", serde_json::Value::Array(wide)),
    ];
    OrgState {
        describes: describes.into_iter().map(|d| (d.name.clone(), d)).collect(),
        grantable_objects: ["Account", "Invoice__c", "Invoice_Line__c", "Wide__c"]
            .map(String::from)
            .into(),
        permission_fields: [
            "PasswordNeverExpires",
            "ModifyAllData",
            "ViewAllData",
            "ApiEnabled",
        ]
        .map(String::from)
        .into(),
        dependencies: [(
            "ModifyAllData".to_owned(),
            ["ViewAllData".to_owned()].into(),
        )]
        .into(),
        psl: Some(PslState {
            id: "0PLAM0000000001AAA".into(),
            label: "Salesforce API Integration".into(),
            total: 5,
            used: 3,
        }),
        ..OrgState::default()
    }
}

fn spec() -> PermissionSetSpec {
    PermissionSetSpec {
        name: "Integration_ERP".into(),
        label: "Integration – ERP".into(),
        objects: [(
            "Account".to_owned(),
            ObjectAccess {
                modify_all: true,
                ..ObjectAccess::default()
            },
        )]
        .into(),
        fields: [
            ("Account.Industry", FieldAccess::ReadEdit),
            ("Account.Name", FieldAccess::Read),
            ("Account.BillingCity", FieldAccess::Read),
            ("Account.BillingAddress", FieldAccess::ReadEdit),
            ("Account.CreatedById", FieldAccess::Read),
            ("Account.Nope__c", FieldAccess::Read),
            ("Invoice__c.Total__c", FieldAccess::ReadEdit),
            ("Invoice__c.Number__c", FieldAccess::Read),
            ("Invoice_Line__c.Quantity__c", FieldAccess::ReadEdit),
            ("Gone__c.Field__c", FieldAccess::Read),
        ]
        .map(|(k, v)| (k.to_owned(), v))
        .into(),
        system_permissions: ["ModifyAllData".to_owned()].into(),
        ..PermissionSetSpec::default()
    }
}

/// The fields each write of this kind and action sends (a create under the set it creates
/// has `ParentId` null until the set's Id is known).
fn records_of(
    write_plan: &forcefield::generator::plan::WritePlan,
    kind: StepKind,
    action: Action,
) -> Vec<serde_json::Map<String, serde_json::Value>> {
    write_plan
        .steps
        .iter()
        .filter(|s| s.view.kind == kind && s.view.action == action)
        .flat_map(|s| s.changes.iter().map(Change::write_fields))
        .collect()
}

#[test]
fn dependencies_are_closed_and_ineligible_fields_excluded_with_reasons() {
    let write_plan = plan(&spec(), &state(), false);
    assert!(write_plan.blockers.is_empty(), "{:?}", write_plan.blockers);
    let excluded: Vec<(&str, &str)> = write_plan
        .excluded_fields
        .iter()
        .map(|e| (e.field.as_str(), e.reason.as_str()))
        .collect();
    let reason = |field: &str| excluded.iter().find(|(f, _)| *f == field).unwrap().1;
    assert!(reason("Account.Name").contains("Required"));
    assert!(reason("Account.BillingCity").contains("BillingAddress"));
    assert!(reason("Account.CreatedById").contains("System field"));
    assert!(reason("Account.Nope__c").contains("no field"));
    assert!(reason("Gone__c.Field__c").contains("doesn't exist"));
    assert!(reason("Invoice__c.Total__c").contains("Read kept"));
    assert_eq!(excluded.len(), 6, "{excluded:?}");

    let objects = records_of(&write_plan, StepKind::ObjectPermissions, Action::Create);
    let names: Vec<&str> = objects
        .iter()
        .map(|o| o["SobjectType"].as_str().unwrap())
        .collect();
    // Masters before the master-detail child; Invoice__c gets Read for its fields and its child.
    assert_eq!(names, ["Account", "Invoice__c", "Invoice_Line__c"]);
    let account = &objects[0];
    for flag in [
        "PermissionsRead",
        "PermissionsEdit",
        "PermissionsDelete",
        "PermissionsViewAllRecords",
        "PermissionsModifyAllRecords",
    ] {
        assert_eq!(
            account[flag], true,
            "Modify All requires {flag} (salesforce.md §C.2)"
        );
    }
    assert_eq!(account["PermissionsCreate"], false);
    assert!(
        objects.iter().all(|o| o["ParentId"].is_null()),
        "the set this apply creates"
    );

    let fields = records_of(&write_plan, StepKind::FieldPermissions, Action::Create);
    let fields: Vec<(&str, bool)> = fields
        .iter()
        .map(|f| {
            (
                f["Field"].as_str().unwrap(),
                f["PermissionsEdit"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("Account.BillingAddress", true),
            ("Account.Industry", true),
            ("Invoice_Line__c.Quantity__c", true),
            ("Invoice__c.Number__c", false),
            ("Invoice__c.Total__c", false),
        ]
    );
    let set = &records_of(&write_plan, StepKind::PermissionSet, Action::Create)[0];
    assert_eq!(set["PermissionsModifyAllData"], true);
    assert_eq!(
        set["PermissionsViewAllData"], true,
        "PermissionDependency closure"
    );
    assert!(set.get("LicenseId").is_none(), "license None by default");
    assert!(write_plan
        .warnings
        .iter()
        .any(|w| w.code == FindingCode::PrerequisiteAdded && w.message.contains("ViewAllData")));
}

#[test]
fn names_labels_and_unknown_permissions_block_the_apply() {
    let mut bad = spec();
    bad.name = "2_bad__name_".into();
    bad.label = String::new();
    bad.system_permissions.insert("NoSuchPermission".into());
    let write_plan = plan(&bad, &state(), false);
    let blockers = write_plan
        .blockers
        .iter()
        .map(|b| b.message.as_str())
        .collect::<Vec<_>>()
        .join(" | ");
    assert!(write_plan
        .blockers
        .iter()
        .any(|b| b.code == FindingCode::InvalidName));
    assert!(write_plan
        .blockers
        .iter()
        .any(|b| b.code == FindingCode::InvalidLabel));
    for expected in [
        "begin with a letter",
        "end with an underscore",
        "two consecutive underscores",
        "label is required",
        "NoSuchPermission",
    ] {
        assert!(blockers.contains(expected), "{expected} in {blockers}");
    }
}

#[test]
fn objects_outside_the_picklist_are_left_out() {
    let mut state = state();
    state.grantable_objects.remove("Wide__c");
    let mut spec = spec();
    spec.objects
        .insert("Wide__c".into(), ObjectAccess::read_only());
    spec.fields
        .insert("Wide__c.Field_001__c".into(), FieldAccess::Read);
    let write_plan = plan(&spec, &state, false);
    assert!(write_plan
        .warnings
        .iter()
        .any(|w| w.code == FindingCode::ObjectNotGrantable
            && w.message.starts_with("Wide__c left out")));
    assert!(
        records_of(&write_plan, StepKind::FieldPermissions, Action::Create)
            .iter()
            .all(|f| f["SobjectType"] != "Wide__c")
    );
}

#[test]
fn the_diff_against_an_existing_set_updates_deletes_and_keeps() {
    let mut state = state();
    let existing = ExistingPermissionSet {
        id: "0PSAM0000000009AAA".into(),
        name: "Integration_ERP".into(),
        label: "Old label".into(),
        system_permissions: [
            ("ModifyAllData".to_owned(), true),
            ("ViewAllData".to_owned(), true),
            ("PasswordNeverExpires".to_owned(), true),
        ]
        .into(),
        objects: [
            (
                "Account".to_owned(),
                (
                    "110A".to_owned(),
                    ObjectAccess {
                        read: true,
                        edit: true,
                        ..ObjectAccess::default()
                    },
                ),
            ),
            (
                "Wide__c".to_owned(),
                ("110B".to_owned(), ObjectAccess::read_only()),
            ),
        ]
        .into(),
        fields: [
            (
                "Account.Industry".to_owned(),
                ("01kA".to_owned(), FieldAccess::ReadEdit),
            ),
            (
                "Account.BillingAddress".to_owned(),
                ("01kB".to_owned(), FieldAccess::Read),
            ),
            (
                "Wide__c.Field_001__c".to_owned(),
                ("01kC".to_owned(), FieldAccess::Read),
            ),
        ]
        .into(),
        ..ExistingPermissionSet::default()
    };
    state.existing = Some(existing);
    state.assignee = Some(AssigneeState {
        id: "005AM0000000001AAA".into(),
        name: "ERP Integration".into(),
        is_integration: true,
        has_integration_psl: true,
        assigned_permission_set_ids: vec!["0PSAM0000000009".into()],
        assignment_ids: Vec::new(),
        set_assignments: Vec::new(),
    });
    let write_plan = plan(&spec(), &state, false);
    let steps: Vec<(StepKind, Action, usize)> = write_plan
        .steps
        .iter()
        .map(|s| (s.view.kind, s.view.action, s.view.count))
        .collect();
    assert_eq!(
        steps,
        [
            (StepKind::PermissionSet, Action::Update, 1),
            (StepKind::ObjectPermissions, Action::Create, 2),
            (StepKind::ObjectPermissions, Action::Update, 1),
            (StepKind::FieldPermissions, Action::Create, 3),
            (StepKind::FieldPermissions, Action::Update, 1),
            (StepKind::FieldPermissions, Action::Delete, 1),
            (StepKind::ObjectPermissions, Action::Delete, 1),
        ],
        "the assignment exists (15/18-char Ids match), the PSL is held"
    );
    let update = &write_plan.steps[0].changes[0];
    assert_eq!(update.id(), Some("0PSAM0000000009AAA"));
    let fields = update.write_fields();
    assert_eq!(fields["Label"], "Integration – ERP");
    assert_eq!(fields["PermissionsPasswordNeverExpires"], false);
    assert!(
        fields.get("PermissionsModifyAllData").is_none(),
        "unchanged"
    );
    let Change::Update { before, after, .. } = update else {
        panic!("{update:?}")
    };
    assert_eq!(
        after.update_fields(before)["Label"],
        "Old label",
        "prior values kept for the undo"
    );
    // The key look-up: the set and its rows existed before this apply.
    assert!(write_plan.known_ids.contains("0PSAM0000000009AAA"));
    let children = records_of(&write_plan, StepKind::ObjectPermissions, Action::Create);
    assert!(children
        .iter()
        .all(|c| c["ParentId"] == "0PSAM0000000009AAA"));
    assert_eq!(write_plan.permission_set.action, Action::Update);

    // The same set with a PSL license: LicenseId is create-only (salesforce.md §C.1).
    let mut psl_spec = spec();
    psl_spec.license = LicenseChoice::IntegrationPsl;
    let write_plan = plan(&psl_spec, &state, false);
    let change = write_plan.license_change.unwrap();
    assert_eq!(change.from, "None");
    assert_eq!(change.to, "Salesforce API Integration");
    assert!(change.message.contains("Integration_ERP_2"));
}

#[test]
fn the_psl_goes_before_the_assignment_and_its_exhaustion_blocks() {
    let mut state = state();
    state.assignee = Some(AssigneeState {
        id: "005AM0000000001AAA".into(),
        name: "ERP Integration".into(),
        is_integration: true,
        ..AssigneeState::default()
    });
    let write_plan = plan(&spec(), &state, false);
    let kinds: Vec<StepKind> = write_plan.steps.iter().map(|s| s.view.kind).collect();
    assert_eq!(
        &kinds[kinds.len() - 2..],
        [
            StepKind::LicenseAssignment,
            StepKind::PermissionSetAssignment
        ]
    );
    let psa = &write_plan.steps.last().unwrap().changes[0];
    let Change::Create {
        record: Record::SetAssignment(assignment),
    } = psa
    else {
        panic!("{psa:?}")
    };
    assert_eq!(assignment.permission_set, SetRef::Created);
    if let Some(psl) = state.psl.as_mut() {
        psl.used = 5;
    }
    let blocked = plan(&spec(), &state, false);
    assert!(blocked
        .blockers
        .iter()
        .any(|b| b.code == FindingCode::LicenseExhausted && b.message.contains("5 of 5")));
}

/// 10 objects, 500 fields → 1 + 1 + 3 + 1 + 1 = 7 collection calls (salesforce.md §B.3: ≤ 200 records),
/// or one composite where mixing is allowed (§B.4: ≤ 25 subrequests, ≤ 5 collections).
#[test]
fn batches_follow_salesforces_limits() {
    let mut state = state();
    let mut spec = PermissionSetSpec {
        name: "Integration_Wide".into(),
        label: "Integration – Wide".into(),
        ..PermissionSetSpec::default()
    };
    for i in 0..9 {
        let name = format!("Object_{i}__c");
        state.grantable_objects.insert(name.clone());
        state
            .describes
            .insert(name.clone(), describe(&name, json!([])));
        spec.objects.insert(name, ObjectAccess::read_only());
    }
    for i in 0..450 {
        spec.fields
            .insert(format!("Wide__c.Field_{i:03}__c"), FieldAccess::ReadEdit);
    }
    for field in ["Account.Industry", "Account.BillingAddress"] {
        spec.fields.insert(field.to_owned(), FieldAccess::Read);
    }
    spec.objects.remove("Object_8__c");
    // 8 + Account + Wide__c = 10 objects; 450 + 2 = 452 fields → still 3 field batches.
    state.assignee = Some(AssigneeState {
        id: "005AM0000000001AAA".into(),
        name: "W".into(),
        is_integration: true,
        ..AssigneeState::default()
    });
    let write_plan = plan(&spec, &state, false);
    assert_eq!(
        records_of(&write_plan, StepKind::ObjectPermissions, Action::Create).len(),
        10
    );
    assert_eq!(write_plan.calls.len(), 7);
    for call in &write_plan.calls {
        let CallPlan::Batch { part } = call else {
            panic!("per-type calls expected")
        };
        assert!(part.end - part.start <= 200);
    }
    let composite = plan(&spec, &state, true);
    assert_eq!(composite.calls.len(), 1);
    let CallPlan::Composite { parts } = &composite.calls[0] else {
        panic!("composite expected")
    };
    assert_eq!(parts.len(), 7);

    // Past 5 collections, a second composite call.
    for i in 450..1000 {
        spec.fields
            .insert(format!("Wide__c.Field_{i:03}__c"), FieldAccess::ReadEdit);
        if let Some(wide) = state.describes.get_mut("Wide__c") {
            wide.fields.push(
                serde_json::from_value(json!({"name": format!("Field_{i:03}__c"), "type": "string", "permissionable": true, "nillable": true, "createable": true, "updateable": true}))
                    .unwrap(),
            );
        }
    }
    let bigger = plan(&spec, &state, true);
    assert_eq!(bigger.calls.len(), 2);
    assert_eq!(plan(&spec, &state, false).calls.len(), 1 + 1 + 6 + 1 + 1);
}

/// The generator page's system permission boxes follow the core: on brings every prerequisite
/// (salesforce.md §I.14), off takes away what needs it, and unrelated choices stay.
#[test]
fn a_system_permission_brings_its_prerequisites_and_takes_its_dependants_away() {
    use forcefield::generator::plan::{change_system_permission, prerequisites_of};
    use std::collections::{BTreeMap, BTreeSet};
    // ManageUsers → ViewSetup → ViewRoles (two levels), ViewAllData → ViewSetup.
    let direct: BTreeMap<String, BTreeSet<String>> = [
        ("ManageUsers", vec!["ViewSetup"]),
        ("ViewSetup", vec!["ViewRoles"]),
        ("ViewAllData", vec!["ViewSetup"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    let requires: BTreeMap<String, Vec<String>> = [
        "ManageUsers",
        "ViewSetup",
        "ViewAllData",
        "ApiEnabled",
        "ViewRoles",
    ]
    .into_iter()
    .map(|n| {
        (
            n.to_owned(),
            prerequisites_of(&direct, n).into_iter().collect(),
        )
    })
    .collect();
    let set =
        |names: &[&str]| -> BTreeSet<String> { names.iter().map(|n| (*n).to_owned()).collect() };

    let on = change_system_permission(&requires, &set(&["ApiEnabled"]), "ManageUsers", true);
    assert_eq!(
        on,
        set(&["ApiEnabled", "ManageUsers", "ViewRoles", "ViewSetup"])
    );

    // Off at the bottom takes every level above it away, and leaves the unrelated one.
    let chosen = set(&[
        "ApiEnabled",
        "ManageUsers",
        "ViewAllData",
        "ViewRoles",
        "ViewSetup",
    ]);
    let off = change_system_permission(&requires, &chosen, "ViewRoles", false);
    assert_eq!(off, set(&["ApiEnabled"]));

    // Off in the middle keeps what it itself needed.
    let off = change_system_permission(&requires, &chosen, "ViewSetup", false);
    assert_eq!(off, set(&["ApiEnabled", "ViewRoles"]));

    // A permission the core said nothing about is simply added or removed.
    let on = change_system_permission(&requires, &set(&[]), "CustomPerm", true);
    assert_eq!(on, set(&["CustomPerm"]));
}
