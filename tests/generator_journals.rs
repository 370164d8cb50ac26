//! Stored journals (issue #11, the journal parts): every shipped schema version is read and
//! migrated (the fixtures in tests/fixtures/journals/v0 were written by the first release's own
//! code), an unreadable journal is shown as "needs attention" with its content and the record Ids
//! it names and never dropped, and no stored journal can make the core panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "generator/harness.rs"]
mod harness;
#[path = "support/mod.rs"]
mod support;

use forcefield::generator::journal::{CallRef, EffectKind, Phase};
use forcefield::generator::journal_store::{self, Stored};
use forcefield::generator::view::{ApplyStatus, AttentionAction, AttentionReason};
use forcefield::platform::{Area, KeyValueStore};
use forcefield::protocol::generator::{
    ApplyProgress, ContinueApply, FinishCleanUp, GeneratorReply, ListPendingApplies,
    PendingApplies, ResolveAttention,
};
use forcefield::protocol::{PageRequest, Reply};
use harness::{World, ACME};
use org_sim::SimConfig;
use serde_json::{json, Value};

const ORG: &str = "00DAM0000000001";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/journals/v0/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn readable(name: &str) -> forcefield::generator::journal::Journal {
    match journal_store::decode(name, &Value::String(fixture(name))) {
        Stored::Readable(journal) => *journal,
        Stored::Unreadable(u) => panic!("{name}: {}", u.problem),
    }
}

/// Stores a journal under `apply_id` (the fixture's own Id inside it changed to match).
fn store(world: &World, apply_id: &str, text: &str) {
    let mut journal: Value = serde_json::from_str(text).unwrap();
    journal["applyId"] = json!(apply_id);
    pollster::block_on(world.storage.set(
        Area::Local,
        &format!("generatorApply:{ORG}:{apply_id}"),
        Value::String(journal.to_string()),
    ))
    .unwrap();
}

fn pending(world: &World) -> Vec<forcefield::generator::view::ApplyView> {
    match world.ask_wire(PageRequest::from(ListPendingApplies {
        org_url: ACME.into(),
    })) {
        Reply::Generator(GeneratorReply::Applies(PendingApplies { applies })) => applies,
        other => panic!("{other:?}"),
    }
}

/// Sends, as the admin, the writes a v0 journal says were made (calls before `upto`), so the org
/// holds what that journal describes, and answers the journal as it would have been stored
/// against this org: each Id it recorded replaced by the Id the sim gave the same record (the
/// sim's Ids depend on its seed records, which the shipped fixture cannot follow; the fixture
/// itself stays as shipped). Checks every recorded Id has its record, of the same object (key
/// prefix), created in the order the journal recorded.
fn replay(world: &World, journal_text: &str, upto: usize) -> String {
    let journal: Value = serde_json::from_str(journal_text).unwrap();
    let mut set_id: Option<String> = journal["permissionSetId"].as_str().map(str::to_owned);
    let created_ids: Vec<String> = journal["undo"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["delete"]["id"].as_str().map(str::to_owned))
        .collect();
    let mut made = Vec::new();
    for call in journal["calls"].as_array().unwrap().iter().take(upto) {
        let part = &call["batch"]["part"];
        let step = &journal["steps"][part["step"].as_u64().unwrap() as usize]["step"];
        let sobject = step["view"]["sobjectType"].as_str().unwrap();
        let records: Vec<Value> = step["records"].as_array().unwrap()
            [part["start"].as_u64().unwrap() as usize..part["end"].as_u64().unwrap() as usize]
            .iter()
            .map(|r| {
                let mut fields = r["fields"].as_object().unwrap().clone();
                for value in fields.values_mut() {
                    if value.as_str() == Some("@permissionSet") {
                        *value = json!(set_id.clone().unwrap());
                    }
                }
                fields.insert("attributes".into(), json!({"type": sobject}));
                Value::Object(fields)
            })
            .collect();
        let (status, body) = world.sim.api_as(
            "acme",
            "admin@acme.example",
            "POST",
            "/services/data/v66.0/composite/sobjects",
            Some(&json!({"allOrNone": true, "records": records})),
        );
        assert_eq!(status, 200, "{body}");
        for result in body.as_array().unwrap() {
            assert_eq!(result["success"], true, "{body}");
            let id = result["id"].as_str().unwrap().to_owned();
            if sobject == "PermissionSet" {
                set_id = Some(id.clone());
            }
            made.push(id);
        }
    }
    assert!(
        made.len() >= created_ids.len(),
        "the replay made every record the journal recorded: {created_ids:?} vs {made:?}"
    );
    // Placeholders first, so a sim Id equal to another recorded Id is not replaced twice.
    let mut text = journal_text.to_owned();
    for (index, recorded) in created_ids.iter().enumerate() {
        let allocated = &made[index];
        assert_eq!(
            &recorded[..3],
            &allocated[..3],
            "record {index} is of the object the journal recorded: {created_ids:?} vs {made:?}"
        );
        text = text.replace(recorded.as_str(), &format!("@replayed-{index}@"));
    }
    for (index, allocated) in made.iter().enumerate().take(created_ids.len()) {
        text = text.replace(&format!("@replayed-{index}@"), allocated);
    }
    text
}

/// Every shipped version (v0: no version field) is read, migrated, and finished against the org
/// it describes: a clean-up that was blocked completes, a running apply runs on, and a v0 call
/// whose answer was lost (v0 recorded no look-up or clock for it) is looked up and what it wrote
/// is listed for the admin rather than adopted.
#[test]
fn every_shipped_journal_version_is_read_and_migrated() {
    let running = readable("running");
    assert_eq!(running.status, ApplyStatus::Running);
    assert_eq!(running.phase, Phase::Forward);
    assert_eq!(running.set_name, "Integration_V0_Running");
    assert_eq!(running.next_round, 2);
    assert_eq!(running.effects.len(), 1 + 2);
    assert!(running.in_flight.is_empty());
    let in_flight = readable("in_flight");
    assert_eq!(in_flight.in_flight.len(), 1);
    assert_eq!(in_flight.in_flight[0].call, CallRef::Forward { call: 2 });
    let cleanup = readable("cleanup_needed");
    assert_eq!(cleanup.status, ApplyStatus::CleanupNeeded);
    assert_eq!(cleanup.phase, Phase::Undo);
    assert_eq!(cleanup.effects.len(), 1 + 2 + 3);
    assert!(cleanup
        .effects
        .iter()
        .all(|e| e.kind == EffectKind::Created));
    let update = readable("update_running");
    assert!(update.effects.iter().all(|e| e.kind == EffectKind::Updated));
    assert_eq!(update.effects.len(), 2);
    assert_eq!(readable("done").status, ApplyStatus::Done);

    // A blocked clean-up, finished.
    let world = World::start(SimConfig::default());
    let before = world.sim.state_dump("acme");
    let stored = replay(&world, &fixture("cleanup_needed"), 3);
    store(&world, "apply-1", &stored);
    let listed = pending(&world);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].status, ApplyStatus::CleanupNeeded);
    assert_eq!(listed[0].remaining.len(), 6);
    let done = world.finish_clean_up("apply-1");
    assert_eq!(done.status, ApplyStatus::RolledBack, "{done:?}");
    assert_eq!(world.sim.state_dump("acme"), before);

    // A running apply, run to the end: the rest of its plan is written.
    world.sim.reset();
    let stored = replay(&world, &fixture("running"), 2);
    store(&world, "apply-2", &stored);
    let done = world.run(world.continue_apply("apply-2"));
    assert_eq!(done.status, ApplyStatus::Done, "{done:?}");
    let fields = world
        .query("SELECT Field FROM FieldPermissions WHERE Parent.Name = 'Integration_V0_Running'");
    assert_eq!(fields.len(), 3);

    // A v0 write in flight that did go through: found, but unproven, so listed.
    world.sim.reset();
    let before = world.sim.state_dump("acme");
    let stored = replay(&world, &fixture("in_flight"), 3);
    store(&world, "apply-3", &stored);
    let settled = world.run(world.continue_apply("apply-3"));
    assert_eq!(settled.status, ApplyStatus::NeedsAttention, "{settled:?}");
    let unproven: Vec<usize> = settled
        .attention
        .iter()
        .filter(|a| a.reason == AttentionReason::Unproven)
        .map(|a| a.item)
        .collect();
    assert_eq!(unproven.len(), 3, "{:?}", settled.attention);
    // The admin checks them and has Forcefield delete them; then the set can go too.
    let mut last = settled;
    for item in unproven {
        last = match world.ask_wire(PageRequest::from(ResolveAttention {
            org_url: ACME.into(),
            apply_id: "apply-3".into(),
            item,
            action: AttentionAction::Delete,
        })) {
            Reply::Generator(GeneratorReply::ApplyProgress(ApplyProgress { apply })) => {
                world.run(apply)
            }
            other => panic!("{other:?}"),
        };
    }
    if let Some(set) = last
        .attention
        .iter()
        .find(|a| a.reason == AttentionReason::HasOtherRecords && a.chosen.is_none())
    {
        last = match world.ask_wire(PageRequest::from(ResolveAttention {
            org_url: ACME.into(),
            apply_id: "apply-3".into(),
            item: set.item,
            action: AttentionAction::Delete,
        })) {
            Reply::Generator(GeneratorReply::ApplyProgress(ApplyProgress { apply })) => {
                world.run(apply)
            }
            other => panic!("{other:?}"),
        };
    }
    assert_eq!(last.status, ApplyStatus::NeedsAttention);
    assert!(
        last.attention.iter().all(|a| a.chosen.is_some()),
        "{:?}",
        last.attention
    );
    assert_eq!(world.sim.state_dump("acme"), before);
}

/// #11 finding 1: a journal missing a field is not silently left out of the pending list: it is
/// shown as needing attention, with its raw content and the record Ids it names, and stays
/// stored after the admin marks it handled.
#[test]
fn a_journal_missing_a_field_is_shown_as_needing_attention_not_dropped() {
    let world = World::start(SimConfig::default());
    let mut broken: Value = serde_json::from_str(&fixture("cleanup_needed")).unwrap();
    broken.as_object_mut().unwrap().remove("calls");
    broken["applyId"] = json!("apply-broken");
    let text = broken.to_string();
    pollster::block_on(world.storage.set(
        Area::Local,
        &format!("generatorApply:{ORG}:apply-broken"),
        Value::String(text.clone()),
    ))
    .unwrap();
    let listed = pending(&world);
    assert_eq!(listed.len(), 1);
    let shown = &listed[0];
    assert_eq!(shown.status, ApplyStatus::NeedsAttention);
    assert_eq!(shown.raw.as_deref(), Some(text.as_str()));
    assert_eq!(shown.named_ids.len(), 6, "{:?}", shown.named_ids);
    assert!(shown.named_ids.iter().any(|id| id.starts_with("0PS")));
    assert_eq!(
        shown.attention[0].reason,
        AttentionReason::UnreadableJournal
    );
    // Continuing it answers the same view, never a panic.
    match world.ask_wire(PageRequest::from(ContinueApply {
        org_url: ACME.into(),
        apply_id: "apply-broken".into(),
    })) {
        Reply::Generator(GeneratorReply::ApplyProgress(ApplyProgress { apply })) => {
            assert_eq!(apply.status, ApplyStatus::NeedsAttention)
        }
        other => panic!("{other:?}"),
    }
    match world.ask_wire(PageRequest::from(ResolveAttention {
        org_url: ACME.into(),
        apply_id: "apply-broken".into(),
        item: 0,
        action: AttentionAction::Keep,
    })) {
        Reply::Generator(GeneratorReply::ApplyProgress(ApplyProgress { apply })) => {
            assert_eq!(apply.attention[0].chosen, Some(AttentionAction::Keep))
        }
        other => panic!("{other:?}"),
    }
    assert!(pending(&world).is_empty());
    let kept = pollster::block_on(
        world
            .storage
            .get(Area::Local, &format!("generatorApply:{ORG}:apply-broken")),
    )
    .unwrap();
    assert_eq!(kept, Some(Value::String(text.clone())), "never dropped");
    // Versioned storage also kept a copy aside, once, exactly as stored.
    let aside = pollster::block_on(forcefield::storage::set_aside_values(
        &world.storage,
        Area::Local,
        &format!("generatorApply:{ORG}:apply-broken"),
    ))
    .unwrap();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(aside[0].kind, "generatorJournal");
    assert_eq!(aside[0].raw, Value::String(text).to_string());
}

/// #11 finding 2: indexes out of range in a stored journal make the core answer, not panic.
#[test]
fn a_stored_journal_with_indexes_out_of_range_answers_an_error_not_a_panic() {
    let world = World::start(SimConfig::default());
    let apply = world.start_apply(&harness::small_spec("Integration_Indexes"), None, false);
    let key = format!("generatorApply:{ORG}:{}", apply.apply_id);
    let stored = pollster::block_on(world.storage.get(Area::Local, &key))
        .unwrap()
        .unwrap();
    // Stored in a versioned envelope, the journal's JSON text inside.
    assert_eq!(stored["kind"], "generatorJournal");
    assert_eq!(stored["version"], journal_store::VERSION);
    let original: Value = serde_json::from_str(stored["json"].as_str().unwrap()).unwrap();
    let edits: Vec<(&str, Value)> = vec![
        ("rounds", json!([[42], [7, 9]])),
        ("nextRound", json!(99)),
        (
            "calls",
            json!([{"batch": {"part": {"step": 99, "start": 5, "end": 400}}}]),
        ),
        (
            "calls",
            json!([{"composite": {"parts": [{"step": 0, "start": 3, "end": 1}]}}]),
        ),
        (
            "inFlight",
            json!([{"call": {"kind": "forward", "call": 77}}]),
        ),
        (
            "inFlight",
            json!([{"call": {"kind": "undo", "effects": [5, 6]}}]),
        ),
        (
            "effects",
            json!([{"kind": "created", "step": 12, "index": 40, "id": "0PSAM000000000F4AQ"}]),
        ),
        (
            "undoBatch",
            json!({"effects": [3, 1000], "checked": true, "toDo": [8]}),
        ),
        (
            "attention",
            json!([{"reason": "unproven", "sobject": "fieldPermissions", "evidence": "x", "actions": ["delete", "keep"], "change": [50, 60]}]),
        ),
    ];
    for (pointer, value) in edits {
        for phase in ["forward", "undo"] {
            let mut journal = original.clone();
            journal[pointer] = value.clone();
            journal["phase"] = json!(phase);
            let mut envelope = stored.clone();
            envelope["json"] = Value::String(journal.to_string());
            pollster::block_on(world.storage.set(Area::Local, &key, envelope)).unwrap();
            for request in [
                PageRequest::from(ContinueApply {
                    org_url: ACME.into(),
                    apply_id: apply.apply_id.clone(),
                }),
                PageRequest::from(FinishCleanUp {
                    org_url: ACME.into(),
                    apply_id: apply.apply_id.clone(),
                }),
                PageRequest::from(ResolveAttention {
                    org_url: ACME.into(),
                    apply_id: apply.apply_id.clone(),
                    item: 0,
                    action: AttentionAction::Delete,
                }),
                PageRequest::from(ListPendingApplies {
                    org_url: ACME.into(),
                }),
            ] {
                // Whatever it answers, it answers (a panic would fail the test).
                let reply = world.ask_wire(request);
                assert!(
                    matches!(
                        reply,
                        Reply::Generator(GeneratorReply::ApplyProgress(_))
                            | Reply::Failed(_)
                            | Reply::Generator(GeneratorReply::Applies(_))
                    ),
                    "{pointer} {phase}: {reply:?}"
                );
            }
        }
    }
}
