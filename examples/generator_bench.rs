//! `make bench` figures of the permission set generator: 10 objects and 500 fields at 150 ms
//! simulated latency, Forcefield's apply against (a) one request per record and (b) one sObject
//! collection per type per 200 records, side by side on the same freshly reset org; and the
//! composite path where the org allows mixing Setup types. Prints one JSON array per table row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/generator/harness.rs"]
mod harness;
#[path = "../tests/support/mod.rs"]
mod support;

use forcefield::generator::org::{self, Target};
use forcefield::generator::plan::{self, WritePlan};
use forcefield::generator::view::{Action, ApplyStatus, Grant};
use forcefield::model::{FieldAccess, ObjectAccess, PermissionSetSpec};
use forcefield::platform::Method;
use forcefield::protocol::generator::{GetGeneratorContext, GetObjectFields, ObjectFields};
use forcefield::salesforce::{find_session, ApiVersion, Client};
use harness::{World, ACME};
use org_sim::SimConfig;
use serde_json::{json, Value};
use std::time::Instant;

const LATENCY_MS: u64 = 150;
const OBJECTS: usize = 10;
const FIELDS: usize = 500;

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    for mixed in [false, true] {
        let config = SimConfig {
            allow_mixed_setup_types_in_composite: mixed,
            ..SimConfig::default()
        };
        let world = World::start(config);
        let user = world.user_id("int-marketo@acme.example");
        let spec = bench_spec(&world);
        assert_eq!(spec.objects.len(), OBJECTS);
        assert_eq!(spec.fields.len(), FIELDS);
        let before = world.sim.state_dump("acme");
        // Warm the caches the generator page fills when it opens (version, org, catalog).
        let _ = world.plan(&spec, Some(&user), mixed);
        world.sim.set_latency(LATENCY_MS, 0);

        let mut forcefield = Vec::new();
        let mut calls = 0;
        for _ in 0..runs {
            world.sim.reset();
            let started = Instant::now();
            let from = world.api_calls().len();
            let apply = world.run(world.start_apply(&spec, Some(&user), mixed));
            forcefield.push(started.elapsed().as_secs_f64());
            assert_eq!(apply.status, ApplyStatus::Done, "{apply:?}");
            calls = world.api_calls().len() - from;
        }
        let forcefield_time = median(forcefield);
        if !mixed {
            world.sim.reset();
            let write_plan = plan_of(&world, &spec, &user);
            let (per_record_calls, per_record_time) = {
                world.sim.reset();
                let started = Instant::now();
                let calls = naive(&world, &write_plan, false);
                (calls, started.elapsed().as_secs_f64())
            };
            let mut collection_times = Vec::new();
            let mut collection_calls = 0;
            for _ in 0..runs {
                world.sim.reset();
                let started = Instant::now();
                collection_calls = naive(&world, &write_plan, true);
                collection_times.push(started.elapsed().as_secs_f64());
            }
            let collection_time = median(collection_times);
            row(
                &format!("generator: API calls to create and assign a set of {OBJECTS} objects, {FIELDS} fields"),
                calls.to_string(),
                format!("(a) {per_record_calls} one request per record; (b) {collection_calls} one collection per type per 200"),
                format!("{:.2} / {:.2}", ratio(calls, per_record_calls), ratio(calls, collection_calls)),
                "7 writes + ≤ 3 reads".into(),
            );
            row(
                &format!("generator: apply wall time, {OBJECTS} objects, {FIELDS} fields (s, {LATENCY_MS} ms API latency)"),
                format!("{forcefield_time:.2}"),
                format!("(a) {per_record_time:.1}; (b) {collection_time:.2}"),
                format!(
                    "{:.3} / {:.2}",
                    forcefield_time / per_record_time,
                    forcefield_time / collection_time
                ),
                "≤ 1.6 (aim 1)".into(),
            );
        } else {
            row(
                "generator: API calls / wall time where the org allows mixed Setup types in one composite (s)",
                format!("{calls} / {forcefield_time:.2}"),
                "—".into(),
                "—".into(),
                "1 write + ≤ 3 reads, < 2".into(),
            );
        }
        world.sim.set_latency(0, 0);
        world.sim.reset();
        assert_eq!(world.sim.state_dump("acme"), before);
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    a as f64 / b as f64
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn row(figure: &str, forcefield: String, baseline: String, ratio: String, target: String) {
    println!("{}", json!([figure, forcefield, baseline, ratio, target]));
}

/// 10 grantable objects, 500 fields that take Read and Edit: every such field of nine objects,
/// the rest from the 800-field `Wide_Object__c`.
fn bench_spec(world: &World) -> PermissionSetSpec {
    let objects = [
        "Account",
        "Contact",
        "Opportunity",
        "Case",
        "Lead",
        "Invoice__c",
        "Invoice_Line__c",
        "Shipment__c",
        "Subscription__c",
        "Wide_Object__c",
    ];
    let context = match world.ask(GetGeneratorContext {
        org_url: ACME.into(),
        user_id: None,
    }) {
        Ok(context) => context,
        other => panic!("{other:?}"),
    };
    let grantable: Vec<&str> = context.objects.iter().map(|o| o.name.as_str()).collect();
    let mut chosen: Vec<&str> = objects
        .iter()
        .copied()
        .filter(|o| grantable.contains(o))
        .collect();
    for extra in &grantable {
        if chosen.len() == OBJECTS {
            break;
        }
        if !chosen.contains(extra) {
            chosen.insert(chosen.len() - 1, extra);
        }
    }
    let mut spec = PermissionSetSpec {
        name: "Integration_Bench".into(),
        label: "Integration – Bench".into(),
        ..PermissionSetSpec::default()
    };
    for object in &chosen {
        spec.objects.insert(
            (*object).to_owned(),
            ObjectAccess {
                edit: true,
                create: true,
                ..ObjectAccess::default()
            },
        );
        let fields = match world.ask(GetObjectFields {
            org_url: ACME.into(),
            sobject: (*object).into(),
        }) {
            Ok(ObjectFields { fields, .. }) => fields,
            other => panic!("{other:?}"),
        };
        for field in fields.iter().filter(|f| f.grant == Grant::ReadEdit) {
            if spec.fields.len() == FIELDS {
                break;
            }
            spec.fields
                .insert(format!("{object}.{}", field.name), FieldAccess::ReadEdit);
        }
    }
    spec
}

fn plan_of(world: &World, spec: &PermissionSetSpec, user: &str) -> WritePlan {
    let session = pollster::block_on(find_session(&world.jar, ACME)).unwrap();
    let client = Client::new(&world.transport, &session, ApiVersion::new(66));
    let catalog = pollster::block_on(org::catalog(&client, &session, &world.storage)).unwrap();
    let state = pollster::block_on(org::read_state(
        &client,
        &catalog,
        spec,
        Target::ByName(&spec.name),
        Some(user),
    ))
    .unwrap();
    plan::plan(spec, &state, false)
}

/// The same records written without Forcefield's reads: one request per record, or one
/// collection per type per 200 records. Returns the number of calls.
fn naive(world: &World, write_plan: &WritePlan, collections: bool) -> usize {
    let session = pollster::block_on(find_session(&world.jar, ACME)).unwrap();
    let client = Client::new(&world.transport, &session, ApiVersion::new(66));
    let data = "/services/data/v66.0";
    let mut parent = String::new();
    let mut calls = 0;
    for step in &write_plan.steps {
        assert_eq!(step.view.action, Action::Create);
        let sobject = &step.view.sobject_type;
        let records: Vec<Value> = step
            .changes
            .iter()
            .map(|c| Value::Object(c.record().create_fields(Some(&parent))))
            .collect();
        if collections {
            for chunk in records.chunks(plan::COLLECTION_LIMIT) {
                let body: Vec<Value> = chunk
                    .iter()
                    .map(|r| {
                        let mut r = r.clone();
                        r["attributes"] = json!({ "type": sobject });
                        r
                    })
                    .collect();
                let response = pollster::block_on(client.send(
                    Method::Post,
                    &format!("{data}/composite/sobjects"),
                    Some(json!({"allOrNone": true, "records": body}).to_string()),
                ))
                .unwrap();
                calls += 1;
                let results: Vec<Value> = serde_json::from_str(&response.body).unwrap();
                assert!(results.iter().all(|r| r["success"] == true), "{results:?}");
                if step.view.sobject_type == "PermissionSet" {
                    parent = results[0]["id"].as_str().unwrap().to_owned();
                }
            }
        } else {
            for record in records {
                let response = pollster::block_on(client.send(
                    Method::Post,
                    &format!("{data}/sobjects/{sobject}"),
                    Some(record.to_string()),
                ))
                .unwrap();
                calls += 1;
                if step.view.sobject_type == "PermissionSet" {
                    let created: Value = serde_json::from_str(&response.body).unwrap();
                    parent = created["id"].as_str().unwrap().to_owned();
                }
            }
        }
    }
    calls
}
