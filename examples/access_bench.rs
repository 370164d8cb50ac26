//! `make bench` figures of the access review: an integration user with 10 permission sets and 2
//! permission set groups (each with a muting set), at 150 ms simulated latency; Forcefield's
//! composite reads beside one query per set, one after another, on the same org. Prints one JSON
//! array per table row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/mod.rs"]
mod support;

use forcefield::platform::Method;
use forcefield::protocol::access::GetAccessReview;
use forcefield::salesforce::{find_session, ApiVersion, Client};
use org_sim::SimConfig;
use serde_json::{json, Value};
use std::time::Instant;
use support::World;

const LATENCY_MS: u64 = 150;
const UAT: &str = "https://acme--uat.sandbox.lightning.force.com/lightning/setup/SetupOneHome/home";
const USER: &str = "int-netsuite@acme.example.uat";
/// A field-level grant in some of the added sets.
const FIELDS: &[&str] = &[
    "Account.Phone",
    "Contact.Email",
    "Opportunity.Amount",
    "Invoice__c.Amount__c",
];

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let world = World::start(SimConfig::default());
    let user = setup(&world);
    let ask = || match world.ask(GetAccessReview {
        org_url: UAT.into(),
        user_id: user.clone(),
    }) {
        Ok(reviewed) => (reviewed.review, reviewed.api_calls),
        Err(failed) => panic!("no review: {failed:?}"),
    };
    world.sim.set_latency(LATENCY_MS, 0);
    // First open: the API version and the describes are read once per browser session.
    let started = Instant::now();
    let from = world.api_calls().len();
    let (review, _) = ask();
    let first_time = started.elapsed().as_secs_f64();
    let first_calls = world.api_calls().len() - from;
    let direct = review
        .sources
        .iter()
        .filter(|s| s.kind == forcefield::access::review::SourceKind::PermissionSet)
        .count();
    assert_eq!(
        (direct, review.groups.len()),
        (10, 2),
        "{:?}",
        review.sources
    );
    let mut times = Vec::new();
    let mut calls = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let from = world.api_calls().len();
        let _ = ask();
        times.push(started.elapsed().as_secs_f64());
        calls = world.api_calls().len() - from;
    }
    let forcefield_time = median(times);
    let mut baseline_times = Vec::new();
    let mut baseline_calls = 0;
    for _ in 0..runs {
        let started = Instant::now();
        baseline_calls = one_query_per_set(&world, &user);
        baseline_times.push(started.elapsed().as_secs_f64());
    }
    let baseline_time = median(baseline_times);
    row(
        "access review: API calls for an integration user with 10 permission sets and 2 groups with muting sets, again / first open",
        format!("{calls} / {first_calls}"),
        format!("{baseline_calls} (one query per set, one after another)"),
        format!("{:.2}", calls as f64 / baseline_calls as f64),
        "2 composites + 1 when a muting set mutes a user permission".into(),
    );
    row(
        &format!("access review: wall time, same user, again / first open (s, {LATENCY_MS} ms API latency)"),
        format!("{forcefield_time:.2} / {first_time:.2}"),
        format!("{baseline_time:.2} (one query per set, one after another)"),
        format!("{:.2}", forcefield_time / baseline_time),
        "≤ 1".into(),
    );
    world.sim.set_latency(0, 0);
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn row(figure: &str, forcefield: String, baseline: String, ratio: String, target: String) {
    println!("{}", json!([figure, forcefield, baseline, ratio, target]));
}

fn client(world: &World) -> (forcefield::salesforce::Session, &support::SimTransport) {
    let session = pollster::block_on(find_session(&world.jar, UAT)).unwrap();
    (session, &world.transport)
}

fn create(world: &World, object: &str, body: Value) -> String {
    let (session, transport) = client(world);
    let client = Client::new(transport, &session, ApiVersion::new(66));
    let response = pollster::block_on(client.send(
        Method::Post,
        &format!("/services/data/v66.0/sobjects/{object}"),
        Some(body.to_string()),
    ))
    .unwrap_or_else(|e| panic!("create {object}: {e:?}"));
    serde_json::from_str::<Value>(&response.body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn query(world: &World, soql: &str) -> Vec<Value> {
    let (session, transport) = client(world);
    let client = Client::new(transport, &session, ApiVersion::new(66));
    pollster::block_on(client.query(soql)).unwrap()
}

/// Gives the sandbox's integration user 10 permission sets and 2 groups: it has one set and one
/// group (with a muting set) in the seed; 9 sets and a second group with two members and a
/// muting set are added through the API.
fn setup(world: &World) -> String {
    let user = query(
        world,
        &format!("SELECT Id FROM User WHERE Username = '{USER}'"),
    )[0]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let objects = [
        "Account",
        "Contact",
        "Opportunity",
        "Case",
        "Lead",
        "Invoice__c",
        "Shipment__c",
        "Subscription__c",
        "Wide_Object__c",
    ];
    let set = |i: usize, object: &str| {
        let id = create(
            world,
            "PermissionSet",
            json!({"Name": format!("Bench_Set_{i}"), "Label": format!("Bench Set {i}"), "PermissionsRunReports": i % 2 == 0}),
        );
        create(
            world,
            "ObjectPermissions",
            json!({"ParentId": id, "SobjectType": object, "PermissionsRead": true, "PermissionsCreate": true, "PermissionsEdit": true}),
        );
        if let Some(field) = FIELDS.iter().find(|f| f.starts_with(&format!("{object}."))) {
            create(
                world,
                "FieldPermissions",
                json!({"ParentId": id, "SobjectType": object, "Field": field, "PermissionsRead": true}),
            );
        }
        id
    };
    for (i, object) in objects.iter().enumerate() {
        let id = set(i, object);
        create(
            world,
            "PermissionSetAssignment",
            json!({"AssigneeId": user, "PermissionSetId": id}),
        );
    }
    let group = create(
        world,
        "PermissionSetGroup",
        json!({"DeveloperName": "Bench_Group", "MasterLabel": "Bench Group"}),
    );
    for (i, object) in ["Case", "Lead"].iter().enumerate() {
        let id = set(100 + i, object);
        create(
            world,
            "PermissionSetGroupComponent",
            json!({"PermissionSetGroupId": group, "PermissionSetId": id}),
        );
    }
    let muting = create(
        world,
        "MutingPermissionSet",
        json!({"DeveloperName": "Bench_Group_Muting", "MasterLabel": "Bench Group Muting"}),
    );
    create(
        world,
        "ObjectPermissions",
        json!({"ParentId": muting, "SobjectType": "Lead", "PermissionsCreate": true}),
    );
    create(
        world,
        "PermissionSetGroupComponent",
        json!({"PermissionSetGroupId": group, "PermissionSetId": muting}),
    );
    create(
        world,
        "PermissionSetAssignment",
        json!({"AssigneeId": user, "PermissionSetGroupId": group}),
    );
    user
}

/// The baseline: the user's assignments, the groups' components, then one query per set (the
/// profile's, each assigned set, each group member and muting set) with its user permissions,
/// object and field permissions, one after another. Returns the calls it made.
fn one_query_per_set(world: &World, user: &str) -> usize {
    let mut calls = 0;
    let mut run = |soql: &str| {
        calls += 1;
        query(world, soql)
    };
    let assignments = run(&format!(
        "SELECT PermissionSetId, PermissionSetGroupId FROM PermissionSetAssignment WHERE AssigneeId = '{user}'"
    ));
    let groups: Vec<String> = assignments
        .iter()
        .filter_map(|a| a["PermissionSetGroupId"].as_str().map(|g| format!("'{g}'")))
        .collect();
    let sets: Vec<String> = assignments
        .iter()
        .filter(|a| a["PermissionSetGroupId"].is_null())
        .filter_map(|a| a["PermissionSetId"].as_str().map(str::to_owned))
        .collect();
    let components = run(&format!(
        "SELECT PermissionSetId FROM PermissionSetGroupComponent WHERE PermissionSetGroupId IN ({})",
        groups.join(", ")
    ));
    let permissions: String = org_sim::catalog::perms::SYSTEM_PERMISSIONS
        .iter()
        .map(|(name, _)| format!(", Permissions{name}"))
        .collect();
    let children = "(SELECT SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete, PermissionsViewAllRecords, PermissionsModifyAllRecords, PermissionsViewAllFields FROM ObjectPerms), (SELECT Field, PermissionsRead, PermissionsEdit FROM FieldPerms)";
    for id in sets {
        run(&format!(
            "SELECT Id{permissions}, {children} FROM PermissionSet WHERE Id = '{id}'"
        ));
    }
    for component in components {
        let id = component["PermissionSetId"].as_str().unwrap();
        let object = if id.starts_with("0QM") {
            "MutingPermissionSet"
        } else {
            "PermissionSet"
        };
        run(&format!(
            "SELECT Id{permissions}, {children} FROM {object} WHERE Id = '{id}'"
        ));
    }
    calls
}
