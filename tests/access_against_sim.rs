//! The access review and "can this set be assigned?" through the core's handler against the
//! simulated org: what the review finds for the sandbox's integration user (a group with a
//! muting set, View All Fields), how many API calls it takes (the sim's own log), what blocks
//! each set and that the sim refuses what the check calls blocked, and one clear message for a
//! user who isn't an integration user or an expired session, with nothing changed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/mod.rs"]
mod support;

use forcefield::access::assign::{BlockKind, Verdict};
use forcefield::access::grants::Access;
use forcefield::access::review::AccessReview;
use forcefield::access::table::TableQuery;
use forcefield::model::{LicenseChoice, ObjectAccess, PermissionSetSpec};
use forcefield::protocol::access::{
    AssignableSets, CheckAssignableSets, CheckSpecAssignment, GetAccessCsv, GetAccessReview,
    GetAccessTable, GetAssignableSets, GetNarrowerSpec,
};
use forcefield::protocol::{decode, ContentRequest, Failed};
use org_sim::SimConfig;
use support::World;

const ACME: &str = "https://acme.my.salesforce-setup.com/lightning/setup/SetupOneHome/home";
const UAT: &str = "https://acme--uat.sandbox.lightning.force.com/lightning/setup/SetupOneHome/home";
const ACME_USER_PAGE: &str = "https://acme.my.salesforce-setup.com/005?setupid=ManageUsers";

/// The first Id a query finds, through the admin's session.
fn query_id(world: &World, org_url: &str, soql: &str) -> String {
    let session =
        pollster::block_on(forcefield::salesforce::find_session(&world.jar, org_url)).unwrap();
    let client = forcefield::salesforce::Client::new(
        &world.transport,
        &session,
        forcefield::salesforce::ApiVersion::new(66),
    );
    let rows: Vec<serde_json::Value> = pollster::block_on(client.query(soql)).unwrap();
    rows[0]["Id"].as_str().unwrap().to_owned()
}

fn user_id(world: &World, org_url: &str, username: &str) -> String {
    query_id(
        world,
        org_url,
        &format!("SELECT Id FROM User WHERE Username = '{username}'"),
    )
}

/// Creates a record through the admin's session; the HTTP status.
fn create(world: &World, org_url: &str, object: &str, body: serde_json::Value) -> u16 {
    let session =
        pollster::block_on(forcefield::salesforce::find_session(&world.jar, org_url)).unwrap();
    let client = forcefield::salesforce::Client::new(
        &world.transport,
        &session,
        forcefield::salesforce::ApiVersion::new(66),
    );
    let sent = pollster::block_on(client.send(
        forcefield::platform::Method::Post,
        &format!("/services/data/v66.0/sobjects/{object}"),
        Some(body.to_string()),
    ));
    match sent {
        Ok(response) => response.status,
        Err(e) => e.status.unwrap_or(0),
    }
}

fn review(world: &World, user: &str) -> (AccessReview, usize) {
    match world.ask(GetAccessReview {
        org_url: UAT.into(),
        user_id: user.into(),
    }) {
        Ok(reviewed) => (*reviewed.review, reviewed.api_calls),
        Err(failed) => panic!("no review: {failed:?}"),
    }
}

fn sources(review: &AccessReview, object: &str, access: Access) -> Vec<String> {
    let labels = |ids: &[String]| -> Vec<String> {
        ids.iter()
            .map(|id| {
                review
                    .sources
                    .iter()
                    .find(|s| &s.id == id)
                    .map(|s| s.label.clone())
                    .unwrap()
            })
            .collect()
    };
    review
        .objects
        .iter()
        .find(|r| r.object == object)
        .and_then(|r| r.granted.iter().find(|g| g.access == access))
        .map(|g| labels(&g.sources))
        .unwrap_or_default()
}

#[test]
fn the_review_shows_every_grant_with_its_source_and_applies_muting() {
    let world = World::start(SimConfig::default());
    let netsuite = user_id(&world, UAT, "int-netsuite@acme.example.uat");
    let before = world.api_calls().len();
    let (review, calls) = review(&world, &netsuite);
    // Discovering the org's API version is one more call, once per browser session.
    assert_eq!(world.api_calls().len() - before, calls + 1);
    // Describes, the user and their sets, the group's members and muting set, and the org's
    // dependencies of the muted Export Reports.
    assert_eq!(calls, 4);
    assert_eq!(review.user.username, "int-netsuite@acme.example.uat");
    let kinds: Vec<(&str, &str)> = review
        .sources
        .iter()
        .map(|s| (s.kind.label(), s.label.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Profile", "Minimum Access - API Only Integrations"),
            ("Permission set", "NetSuite Integration"),
            ("Permission set group", "Integration Bundle"),
        ]
    );
    assert_eq!(
        sources(&review, "Invoice__c", Access::Read),
        ["NetSuite Integration", "Integration Bundle"]
    );
    // Muted by the group's muting set: Delete and Modify All on Shipment__c.
    assert_eq!(
        sources(&review, "Shipment__c", Access::Edit),
        ["Integration Bundle"]
    );
    assert!(sources(&review, "Shipment__c", Access::Delete).is_empty());
    assert!(sources(&review, "Shipment__c", Access::ModifyAll).is_empty());
    assert_eq!(
        sources(&review, "Shipment__c", Access::ViewAllFields),
        ["Integration Bundle"]
    );
    let tax = review
        .fields
        .iter()
        .find(|f| f.field == "Invoice__c.Tax__c")
        .unwrap();
    assert_eq!(
        tax.granted.iter().map(|g| g.access).collect::<Vec<_>>(),
        [Access::Read],
        "Edit muted"
    );
    assert!(review.fields.iter().any(|f| f.field == "Shipment__c.*"));
    let group = &review.groups[0];
    assert_eq!(group.members, ["Bundle Invoices", "Bundle Shipments"]);
    assert_eq!(group.muting.as_deref(), Some("Integration Bundle Muting"));
    assert!(group
        .muted
        .contains(&"System permission ExportReport".to_owned()));
    assert!(group.not_applied.is_empty());
    assert!(
        group.aggregate_differs.is_empty(),
        "{:?}",
        group.aggregate_differs
    );
    assert!(review
        .system_permissions
        .iter()
        .any(|p| p.name == "RunReports"));
    assert!(review
        .system_permissions
        .iter()
        .all(|p| p.name != "ExportReport"));
    let flagged: Vec<(&str, Option<&str>)> = review
        .flags
        .iter()
        .map(|f| (f.permission.as_str(), f.object.as_deref()))
        .collect();
    assert_eq!(
        flagged,
        [
            ("ViewAll", Some("Shipment__c")),
            ("ViewAllFields", Some("Shipment__c"))
        ]
    );
    assert!(review.scope_notes[0].contains("Record sharing is not covered"));
    // A second review reads no describes and discovers no version again.
    let before = world.api_calls().len();
    let (_, again) = review_again(&world, &netsuite);
    assert_eq!(again, 3);
    assert_eq!(world.api_calls().len() - before, 3);
}

fn review_again(world: &World, user: &str) -> (AccessReview, usize) {
    review(world, user)
}

#[test]
fn a_user_without_groups_takes_one_composite_once_the_describes_are_cached() {
    let world = World::start(SimConfig::default());
    let netsuite = user_id(&world, ACME, "int-netsuite@acme.example");
    let ask = || match world.ask(GetAccessReview {
        org_url: ACME.into(),
        user_id: netsuite.clone(),
    }) {
        Ok(reviewed) => (*reviewed.review, reviewed.api_calls),
        Err(failed) => panic!("{failed:?}"),
    };
    let (first, calls) = ask();
    assert_eq!(calls, 2, "describes + one composite");
    let (_, calls) = ask();
    assert_eq!(calls, 1);
    assert_eq!(
        sources(&first, "Account", Access::Read),
        ["NetSuite Integration"]
    );
    assert!(first.groups.is_empty());
    assert!(first.flags.is_empty(), "{:?}", first.flags);
}

#[test]
fn the_page_filters_sorts_and_exports_what_the_core_says() {
    let world = World::start(SimConfig::default());
    let netsuite = user_id(&world, UAT, "int-netsuite@acme.example.uat");
    let (review, _) = review(&world, &netsuite);
    let group = review
        .sources
        .iter()
        .find(|s| s.label == "Integration Bundle")
        .unwrap()
        .id
        .clone();
    let table = world
        .ask(GetAccessTable {
            review: Box::new(review.clone()),
            query: TableQuery {
                source: Some(group),
                ..TableQuery::default()
            },
        })
        .unwrap();
    let objects: Vec<&str> = table.objects.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(objects, ["Invoice__c", "Invoice_Line__c", "Shipment__c"]);
    let file = world
        .ask(GetAccessCsv {
            review: Box::new(review),
            query: TableQuery::default(),
        })
        .unwrap();
    assert_eq!(file.file_name, "Access review – NetSuite Integration.csv");
    assert!(file.csv.contains("\"Object\",\"Shipment__c\",\"\",\"View All\",\"Permission set group\",\"Integration Bundle\""));
}

#[test]
fn the_narrower_set_is_todays_access_minus_the_flagged_grants_each_listed() {
    let world = World::start(SimConfig::default());
    let netsuite = user_id(&world, UAT, "int-netsuite@acme.example.uat");
    let narrower = world
        .ask(GetNarrowerSpec {
            org_url: UAT.into(),
            user_id: netsuite,
        })
        .unwrap();
    let (spec, warnings) = (narrower.spec, narrower.warnings);
    let shipment = spec.objects["Shipment__c"];
    assert_eq!(
        shipment,
        ObjectAccess {
            read: true,
            create: true,
            edit: true,
            ..ObjectAccess::default()
        }
    );
    assert!(spec.system_permissions.contains("PasswordNeverExpires"));
    assert!(spec.system_permissions.contains("RunReports"));
    assert!(!spec.system_permissions.contains("ExportReport"), "muted");
    assert_eq!(spec.license, LicenseChoice::None);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].starts_with("Left out: View All on Shipment__c (from permission set group \u{201c}Integration Bundle\u{201d})"));
    assert!(warnings[1].starts_with("Left out: View All Fields on Shipment__c"));
}

fn verdicts(reply: Result<AssignableSets, Failed>) -> Vec<(String, Verdict, bool)> {
    match reply {
        Ok(sets) => sets
            .verdicts
            .into_iter()
            .map(|v| (v.name, v.verdict, v.assigned))
            .collect(),
        Err(failed) => panic!("{failed:?}"),
    }
}

fn blocked_by(verdict: &Verdict) -> Vec<BlockKind> {
    match verdict {
        Verdict::Blocked { blockers } => blockers.iter().map(|b| b.kind).collect(),
        Verdict::DecidedAtAssignment { .. } => Vec::new(),
    }
}

#[test]
fn the_health_panel_learns_which_sets_are_blocked_and_the_sim_agrees() {
    let world = World::start(SimConfig::default());
    let netsuite = user_id(&world, ACME, "int-netsuite@acme.example");
    let before = world.api_calls().len();
    let found = verdicts(world.ask_from(
        GetAssignableSets {
            user_id: netsuite.clone(),
        },
        ACME_USER_PAGE,
    ));
    // Version discovery, the describes, then two composites.
    assert_eq!(world.api_calls().len() - before, 4);
    let of = |name: &str| found.iter().find(|(n, _, _)| n == name).unwrap();
    assert_eq!(
        blocked_by(&of("Connector_Admin").1),
        [BlockKind::PermissionNotAllowed]
    );
    assert_eq!(
        blocked_by(&of("Analytics_Connector_User").1),
        [BlockKind::NoSeatLeft]
    );
    assert_eq!(blocked_by(&of("Sales_Ops").1), [BlockKind::LicenseMismatch]);
    assert!(!of("Integration_Shipments").1.is_blocked());
    assert!(of("NetSuite_Integration").2, "assigned");
    assert!(matches!(
        of("Invoice_Viewer").1,
        Verdict::DecidedAtAssignment { .. }
    ));
    // Blocked sets come first.
    let first_open = found.iter().position(|(_, v, _)| !v.is_blocked()).unwrap();
    assert!(found[..first_open].iter().all(|(_, v, _)| v.is_blocked()));
    assert!(found[first_open..].iter().all(|(_, v, _)| !v.is_blocked()));
    // What the check calls blocked, the org refuses.
    for name in ["Connector_Admin", "Analytics_Connector_User", "Sales_Ops"] {
        let set = query_id(
            &world,
            ACME,
            &format!("SELECT Id FROM PermissionSet WHERE Name = '{name}'"),
        );
        let status = create(
            &world,
            ACME,
            "PermissionSetAssignment",
            serde_json::json!({"AssigneeId": netsuite, "PermissionSetId": set}),
        );
        assert_eq!(status, 400, "{name}");
    }
    // Without the integration licence, a set with object permissions and no licence is blocked
    // by the curated refusal.
    let marketo = user_id(&world, ACME, "int-marketo@acme.example");
    let found = verdicts(world.ask_from(GetAssignableSets { user_id: marketo }, ACME_USER_PAGE));
    let of = |name: &str| found.iter().find(|(n, _, _)| n == name).unwrap();
    assert_eq!(
        blocked_by(&of("Invoice_Viewer").1),
        [BlockKind::IntegrationRefusal]
    );
    assert!(!of("Marketo_Password_Policy").1.is_blocked());
}

#[test]
fn the_generator_checks_the_set_before_it_exists() {
    let world = World::start(SimConfig::default());
    let netsuite = user_id(&world, ACME, "int-netsuite@acme.example");
    let spec = PermissionSetSpec {
        name: "Integration_Broad".into(),
        label: "Integration – Broad".into(),
        objects: [("Account".to_owned(), ObjectAccess::read_only())].into(),
        system_permissions: ["ModifyAllData".to_owned(), "ViewAllData".to_owned()].into(),
        ..PermissionSetSpec::default()
    };
    let check = world
        .ask(CheckSpecAssignment {
            org_url: ACME.into(),
            spec: spec.clone(),
            assignee_id: Some(netsuite),
        })
        .unwrap();
    assert_eq!(
        blocked_by(&check.verdict),
        [BlockKind::PermissionNotAllowed]
    );
    let limit = check
        .system_permissions
        .iter()
        .find(|p| p.name == "ModifyAllData")
        .unwrap();
    assert_eq!(limit.allowed, Some(false));
    let pne = check
        .system_permissions
        .iter()
        .find(|p| p.name == "PasswordNeverExpires")
        .unwrap();
    assert_eq!(pne.allowed, Some(true));
    // Without Modify All Data: Salesforce decides (object permissions), never "assignable".
    let narrow = PermissionSetSpec {
        system_permissions: ["PasswordNeverExpires".to_owned()].into(),
        ..spec
    };
    let check = world
        .ask(CheckSpecAssignment {
            org_url: ACME.into(),
            spec: narrow,
            assignee_id: None,
        })
        .unwrap();
    assert!(matches!(check.verdict, Verdict::DecidedAtAssignment { .. }));
    assert!(check.checked_for.contains("Salesforce API Integration"));
}

#[test]
fn bad_input_gets_one_message_and_changes_nothing() {
    let mut world = World::start(SimConfig::default());
    let before = world.sim.state_dump("acme");
    let alan = user_id(&world, ACME, "alan.turing@acme.example");
    let refusals = [
        world
            .ask(GetAccessReview {
                org_url: ACME.into(),
                user_id: alan.clone(),
            })
            .map(|_| ()),
        world
            .ask(CheckAssignableSets {
                org_url: ACME.into(),
                user_id: alan.clone(),
            })
            .map(|_| ()),
    ];
    for refusal in refusals {
        let Err(Failed { message }) = refusal else {
            panic!("not refused")
        };
        assert_eq!(message, "\u{201c}Alan Turing\u{201d} is not an integration user: their profile's user licence is \u{201c}Salesforce\u{201d}, not \u{201c}Salesforce Integration\u{201d}. The access review and the assignment check are for integration users. Nothing was changed.");
    }
    let Err(Failed { message }) = world.ask(GetAccessReview {
        org_url: ACME.into(),
        user_id: "005' OR Id != '".into(),
    }) else {
        panic!("not refused")
    };
    assert_eq!(message, "That is not a user Id. Nothing was read.");
    // A content script may not name another org: a request that does is not one it can send.
    assert!(decode::<ContentRequest>(serde_json::json!({
        "type": "checkAssignableSets",
        "orgUrl": UAT,
        "userId": alan,
    }))
    .is_err());
    let netsuite = user_id(&world, ACME, "int-netsuite@acme.example");
    world.sim.expire_sessions();
    let refusals = [
        world
            .ask(GetAccessReview {
                org_url: ACME.into(),
                user_id: netsuite.clone(),
            })
            .map(|_| ()),
        world
            .ask(CheckAssignableSets {
                org_url: ACME.into(),
                user_id: netsuite.clone(),
            })
            .map(|_| ()),
    ];
    for refusal in refusals {
        let Err(Failed { message }) = refusal else {
            panic!("not refused")
        };
        assert_eq!(message, "Your Salesforce session has expired. Log in to Salesforce again, then reload this page. Nothing was changed.");
    }
    world.log_in();
    assert_eq!(world.sim.state_dump("acme"), before);
}
