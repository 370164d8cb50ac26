//! Issue #16 item 2 against the simulated org, through the same requests the generator page
//! sends and the journalled apply: View All Fields and an assignment expiry applied, read back
//! and applied again as nothing; an org before API 63.0; a profile copied with every system
//! permission the integration licence allows; the union of a set and a profile; Convert Leads,
//! whose object-permission prerequisite is written before it, on a new set and an existing one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "generator/harness.rs"]
mod harness;
#[path = "support/mod.rs"]
mod support;

use forcefield::generator::plan::AFTER_OBJECTS_STEP;
use forcefield::generator::view::{Action, ApplyStatus, FindingCode, StepKind};
use forcefield::model::{FieldAccess, ObjectAccess, PermissionSetSpec};
use forcefield::protocol::generator::{
    AccessSource, GeneratorReply, GetGeneratorContext, LoadAccess, LoadUnion, LoadedSpec,
};
use forcefield::protocol::{Failed, PageRequest, Reply};
use harness::{World, ACME};
use org_sim::{Fault, SimConfig};

fn spec(name: &str, expiry: Option<&str>) -> PermissionSetSpec {
    PermissionSetSpec {
        name: name.into(),
        label: format!("Integration – {name}"),
        objects: [
            (
                "Account".to_owned(),
                ObjectAccess::default().with_view_all_fields(true),
            ),
            ("Contact".to_owned(), ObjectAccess::read_only()),
        ]
        .into(),
        fields: [("Contact.Email".to_owned(), FieldAccess::Read)].into(),
        assignment_expiration: expiry.map(str::to_owned),
        ..PermissionSetSpec::default()
    }
}

fn id_of(world: &World, soql: &str) -> String {
    world.query(soql)[0]["Id"].as_str().unwrap().to_owned()
}

fn load(world: &World, request: PageRequest) -> (PermissionSetSpec, Vec<String>) {
    match world.ask_wire(request) {
        Reply::Generator(GeneratorReply::Spec(LoadedSpec { spec, warnings })) => (spec, warnings),
        other => panic!("{other:?}"),
    }
}

#[test]
fn view_all_fields_and_an_expiry_are_applied_read_back_and_then_nothing_is_left_to_do() {
    let world = World::start(SimConfig::default());
    let marketo = world.user_id("int-marketo@acme.example");
    let spec = spec("Integration_Vaf", Some("2030-06-30T17:00:00.000Z"));
    let plan = world.plan(&spec, Some(&marketo), false);
    assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
    assert!(plan
        .warnings
        .iter()
        .any(|w| w.code == FindingCode::ViewAllFieldsGranted));
    let assign = plan.steps.last().unwrap();
    assert_eq!(assign.kind, StepKind::PermissionSetAssignment);
    assert!(assign
        .description
        .contains("until 2030-06-30T17:00:00.000Z"));

    let done = world.run(world.start_apply(&spec, Some(&marketo), false));
    assert_eq!(done.status, ApplyStatus::Done, "{done:?}");
    let set = id_of(
        &world,
        "SELECT Id FROM PermissionSet WHERE Name = 'Integration_Vaf'",
    );
    let rows = world.query(&format!("SELECT SobjectType, PermissionsRead, PermissionsViewAllFields FROM ObjectPermissions WHERE ParentId = '{set}' ORDER BY SobjectType"));
    assert_eq!(rows[0]["SobjectType"], "Account");
    assert_eq!(rows[0]["PermissionsViewAllFields"], true);
    assert_eq!(rows[0]["PermissionsRead"], true);
    assert_eq!(rows[1]["PermissionsViewAllFields"], false);
    let assignment = world.query(&format!("SELECT Id, ExpirationDate FROM PermissionSetAssignment WHERE PermissionSetId = '{set}' AND AssigneeId = '{marketo}'"));
    assert_eq!(assignment.len(), 1);
    assert!(assignment[0]["ExpirationDate"]
        .as_str()
        .unwrap()
        .starts_with("2030-06-30T17:00:00"));

    // Applied again: nothing to write.
    let again = world.plan(&spec, Some(&marketo), false);
    assert!(again.steps.is_empty(), "{:?}", again.steps);

    // A later expiry: the assignment is updated in place, through the journal.
    let later = self::spec("Integration_Vaf", Some("2031-01-31T09:30:00.000Z"));
    let plan = world.plan(&later, Some(&marketo), false);
    let kinds: Vec<(StepKind, Action, usize)> = plan
        .steps
        .iter()
        .map(|s| (s.kind, s.action, s.count))
        .collect();
    assert_eq!(
        kinds,
        [(StepKind::PermissionSetAssignment, Action::Update, 1)]
    );
    let done = world.run(world.start_apply(&later, Some(&marketo), false));
    assert_eq!(done.status, ApplyStatus::Done, "{done:?}");
    let after = world.query(&format!(
        "SELECT Id, ExpirationDate FROM PermissionSetAssignment WHERE PermissionSetId = '{set}'"
    ));
    assert_eq!(after[0]["Id"], assignment[0]["Id"], "the same assignment");
    assert!(after[0]["ExpirationDate"]
        .as_str()
        .unwrap()
        .starts_with("2031-01-31T09:30:00"));

    // Taking View All Fields away writes it false.
    let mut without = later.clone();
    without
        .objects
        .insert("Account".into(), ObjectAccess::read_only());
    let done = world.run(world.start_apply(&without, Some(&marketo), false));
    assert_eq!(done.status, ApplyStatus::Done, "{done:?}");
    let account = world.query(&format!("SELECT PermissionsViewAllFields FROM ObjectPermissions WHERE ParentId = '{set}' AND SobjectType = 'Account'"));
    assert_eq!(account[0]["PermissionsViewAllFields"], false);
}

#[test]
fn an_org_before_api_63_offers_no_view_all_fields_and_plans_without_it() {
    let world = World::start(SimConfig {
        prod_api_version: "62.0".into(),
        ..SimConfig::default()
    });
    let context = match world.ask_wire(PageRequest::from(GetGeneratorContext {
        org_url: ACME.into(),
        user_id: None,
    })) {
        Reply::Generator(GeneratorReply::GeneratorContext(context)) => context,
        other => panic!("{other:?}"),
    };
    assert!(!context.view_all_fields.available);
    let plan = world.plan(&spec("Integration_Old", None), None, false);
    assert!(plan
        .blockers
        .iter()
        .any(|b| b.code == FindingCode::ViewAllFieldsUnavailable));
    let mut plain = spec("Integration_Old", None);
    plain
        .objects
        .insert("Account".into(), ObjectAccess::read_only());
    let done = world.run(world.start_apply(&plain, None, false));
    assert_eq!(done.status, ApplyStatus::Done, "{done:?}");
    assert!(world.plan(&plain, None, false).steps.is_empty());
}

#[test]
fn a_profile_copy_carries_every_system_permission_the_integration_licence_allows() {
    let world = World::start(SimConfig::default());
    let standard = id_of(
        &world,
        "SELECT Id FROM Profile WHERE Name = 'Standard User'",
    );
    let (spec, warnings) = load(
        &world,
        PageRequest::from(LoadAccess {
            org_url: ACME.into(),
            source: AccessSource::Profile {
                profile_id: standard,
            },
        }),
    );
    let expected: std::collections::BTreeSet<String> = [
        "ChatterInternalUser",
        "ConvertLeads",
        "EditEvent",
        "EditTask",
        "LightningExperienceUser",
        "RunReports",
    ]
    .map(String::from)
    .into();
    assert_eq!(spec.system_permissions, expected, "{warnings:?}");
    assert!(warnings
        .iter()
        .any(|w| w.starts_with("ApiEnabled not copied")));

    // The administrators' profile: what the licence refuses is left out and said.
    let admin = id_of(
        &world,
        "SELECT Id FROM Profile WHERE Name = 'System Administrator'",
    );
    let (spec, warnings) = load(
        &world,
        PageRequest::from(LoadAccess {
            org_url: ACME.into(),
            source: AccessSource::Profile { profile_id: admin },
        }),
    );
    assert!(spec.system_permissions.contains("ViewAllData"));
    assert!(spec.system_permissions.contains("ManageUsers"));
    for refused in ["ModifyAllData", "AuthorApex", "CustomizeApplication"] {
        assert!(!spec.system_permissions.contains(refused), "{refused}");
    }
    assert!(
        warnings.iter().any(|w| w.contains("doesn't allow them")
            && w.contains("AuthorApex")
            && w.contains("ModifyAllData")),
        "{warnings:?}"
    );
}

#[test]
fn the_union_of_a_set_and_a_profile_is_one_starting_point_that_applies() {
    let world = World::start(SimConfig::default());
    let netsuite = id_of(
        &world,
        "SELECT Id FROM PermissionSet WHERE Name = 'NetSuite_Integration'",
    );
    let standard = id_of(
        &world,
        "SELECT Id FROM Profile WHERE Name = 'Standard User'",
    );
    let (one, _) = load(
        &world,
        PageRequest::from(LoadAccess {
            org_url: ACME.into(),
            source: AccessSource::PermissionSet {
                permission_set_id: netsuite.clone(),
            },
        }),
    );
    let (two, _) = load(
        &world,
        PageRequest::from(LoadAccess {
            org_url: ACME.into(),
            source: AccessSource::Profile {
                profile_id: standard.clone(),
            },
        }),
    );
    let (mut union, _) = load(
        &world,
        PageRequest::from(LoadUnion {
            org_url: ACME.into(),
            sources: vec![
                AccessSource::PermissionSet {
                    permission_set_id: netsuite,
                },
                AccessSource::Profile {
                    profile_id: standard,
                },
            ],
        }),
    );
    assert!(union.name.is_empty() && union.label.is_empty());
    for spec in [&one, &two] {
        for (object, access) in &spec.objects {
            let merged = union.objects[object];
            assert!(!access.read || merged.read, "{object}");
            assert!(!access.edit || merged.edit, "{object}");
        }
        for (field, access) in &spec.fields {
            assert!(union.fields[field] >= *access, "{field}");
        }
        assert!(union
            .system_permissions
            .is_superset(&spec.system_permissions));
    }
    // One source is not a union.
    match world.ask_wire(PageRequest::from(LoadUnion {
        org_url: ACME.into(),
        sources: Vec::new(),
    })) {
        Reply::Failed(Failed { message }) => assert!(message.contains("at least two")),
        other => panic!("{other:?}"),
    }
    // It plans and applies like any spec, Convert Leads (which requires Create on Account)
    // included.
    assert!(union.system_permissions.contains("ConvertLeads"));
    union.name = "Integration_Union".into();
    union.label = "Integration – Union".into();
    let done = world.run(world.start_apply(&union, None, false));
    assert_eq!(done.status, ApplyStatus::Done, "{done:?}");
    assert!(world.plan(&union, None, false).steps.is_empty());
    let set = id_of(
        &world,
        "SELECT Id FROM PermissionSet WHERE Name = 'Integration_Union'",
    );
    let held = world.query(&format!(
        "SELECT PermissionsConvertLeads FROM PermissionSet WHERE Id = '{set}'"
    ));
    assert_eq!(held[0]["PermissionsConvertLeads"], true);
}

/// A spec with Convert Leads and no object permission on Account: Convert Leads requires Create
/// on Account (a PermissionDependency row of type "Object Permission", salesforce.md §I.14).
fn convert_leads_spec(name: &str) -> PermissionSetSpec {
    PermissionSetSpec {
        name: name.into(),
        label: format!("Integration – {name}"),
        objects: [("Contact".to_owned(), ObjectAccess::read_only())].into(),
        system_permissions: ["ConvertLeads".to_owned()].into(),
        ..PermissionSetSpec::default()
    }
}

/// What the set named `name` holds: Convert Leads, and its Account object permission.
fn convert_leads_held(world: &World, name: &str) -> (bool, Option<serde_json::Value>) {
    let set = world.query(&format!(
        "SELECT Id, PermissionsConvertLeads FROM PermissionSet WHERE Name = '{name}'"
    ));
    let on = set[0]["PermissionsConvertLeads"].as_bool().unwrap();
    let id = set[0]["Id"].as_str().unwrap();
    let account = world
        .query(&format!("SELECT PermissionsRead, PermissionsCreate FROM ObjectPermissions WHERE ParentId = '{id}' AND SobjectType = 'Account'"))
        .into_iter()
        .next();
    (on, account)
}

#[test]
fn convert_leads_on_a_new_set_applies_after_its_object_permission() {
    // Composite calls mix Setup types, where the org allows it (salesforce.md §H.Q3 [U]).
    let world = World::start(SimConfig {
        allow_mixed_setup_types_in_composite: true,
        ..SimConfig::default()
    });
    for composite in [false, true] {
        world.sim.reset();
        let name = if composite {
            "Integration_Convert_Composite"
        } else {
            "Integration_Convert"
        };
        let spec = convert_leads_spec(name);
        let plan = world.plan(&spec, None, composite);
        assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
        let added = plan
            .warnings
            .iter()
            .find(|w| w.code == FindingCode::ObjectPrerequisiteAdded)
            .expect("the object prerequisite is said");
        assert!(
            added
                .message
                .starts_with("Create on Account added: ConvertLeads"),
            "{added:?}"
        );
        let steps: Vec<(StepKind, Action, &str)> = plan
            .steps
            .iter()
            .map(|s| (s.kind, s.action, s.id.as_str()))
            .collect();
        assert_eq!(
            steps,
            [
                (
                    StepKind::PermissionSet,
                    Action::Create,
                    "PermissionSet-create"
                ),
                (
                    StepKind::ObjectPermissions,
                    Action::Create,
                    "ObjectPermissions-create"
                ),
                (StepKind::PermissionSet, Action::Update, AFTER_OBJECTS_STEP),
            ],
            "composite {composite}"
        );
        let done = world.run(world.start_apply(&spec, None, composite));
        assert_eq!(
            done.status,
            ApplyStatus::Done,
            "composite {composite}: {done:?}"
        );
        let (on, account) = convert_leads_held(&world, name);
        assert!(on, "composite {composite}");
        let account = account.expect("Account's object permission");
        assert_eq!(account["PermissionsCreate"], true);
        assert_eq!(account["PermissionsRead"], true);
        assert!(world.plan(&spec, None, composite).steps.is_empty());
    }
}

#[test]
fn convert_leads_added_to_an_existing_set_waits_for_its_object_permission() {
    let world = World::start(SimConfig::default());
    let mut spec = convert_leads_spec("Integration_Convert_Later");
    spec.system_permissions.clear();
    let done = world.run(world.start_apply(&spec, None, false));
    assert_eq!(done.status, ApplyStatus::Done, "{done:?}");
    spec.system_permissions.insert("ConvertLeads".into());
    let plan = world.plan(&spec, None, false);
    let steps: Vec<(StepKind, Action)> = plan.steps.iter().map(|s| (s.kind, s.action)).collect();
    assert_eq!(
        steps,
        [
            (StepKind::ObjectPermissions, Action::Create),
            (StepKind::PermissionSet, Action::Update),
        ]
    );
    let done = world.run(world.start_apply(&spec, None, false));
    assert_eq!(done.status, ApplyStatus::Done, "{done:?}");
    assert!(convert_leads_held(&world, "Integration_Convert_Later").0);
    assert!(world.plan(&spec, None, false).steps.is_empty());
}

#[test]
fn a_fault_at_each_write_of_a_convert_leads_set_leaves_the_org_as_before() {
    let world = World::start(SimConfig::default());
    let marketo = world.user_id("int-marketo@acme.example");
    let spec = convert_leads_spec("Integration_Convert_Faults");
    let writes = world.plan(&spec, Some(&marketo), false).api_calls.writes;
    // The set, its object permissions, Convert Leads, the licence, the assignment.
    assert_eq!(writes, 5);
    // Refused outright, and a 503 whose outcome Forcefield looks up before undoing.
    for (status, code) in [
        (400, "FIELD_INTEGRITY_EXCEPTION"),
        (503, "SERVER_UNAVAILABLE"),
    ] {
        for n in 1..=writes {
            world.sim.reset();
            let before = world.sim.state_dump("acme");
            let started = world.start_apply(&spec, Some(&marketo), false);
            world.sim.add_fault(Fault::fail_nth_write(
                u32::try_from(n).unwrap(),
                status,
                code,
                "Refused by the test.",
            ));
            let apply = world.run(started);
            world.sim.clear_faults();
            assert!(
                matches!(apply.status, ApplyStatus::Failed | ApplyStatus::RolledBack),
                "{status} at write {n}: {apply:?}"
            );
            assert_eq!(
                world.sim.state_dump("acme"),
                before,
                "{status} at write {n}: {apply:?}"
            );
        }
    }
}
