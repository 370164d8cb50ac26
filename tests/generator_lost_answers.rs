//! Regression tests named after the findings of issue #10 ("Trustworthy writes"), each against
//! the simulated org with the fault that found it, judged on the sim's records by the same
//! oracle as the fault schedules (tests/generator/schedules.rs).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "generator/schedules.rs"]
mod schedules;
#[path = "support/mod.rs"]
mod support;

use forcefield::generator::view::{ApplyStatus, AttentionReason};
use forcefield::platform::{Area, HttpRequest, KeyValueStore, Method};
use forcefield::protocol::generator::{
    ApplyProgress, GeneratorReply, ListPendingApplies, PendingApplies, PlanPermissionSet, Planned,
    StartApply,
};
use forcefield::protocol::{Failed, PageRequest, Reply};
use schedules::{composite_write, run_scripted, write_of, Injected, Lab, Scripted, ACME};

/// Scenarios of the lab (see `Lab::scenarios`).
const CREATE: usize = 0;
const CREATE_COMPOSITE: usize = 1;
const UPDATE: usize = 2;
/// With Convert Leads: the set's second update, after the object permission it requires.
const CREATE_CONVERT: usize = 4;
const CREATE_CONVERT_COMPOSITE: usize = 5;
const UPDATE_CONVERT: usize = 6;

const LOST: [Injected; 6] = [
    Injected::Cut,
    Injected::Truncated,
    Injected::Malformed,
    Injected::BadGateway,
    Injected::Unavailable,
    // Ran, connection broken, sent again by the browser and refused as a duplicate of itself.
    Injected::Resent,
];

/// A lab of its own (its own simulated org) for each test: tests run in parallel.
fn lab() -> Lab {
    Lab::start()
}

fn check(
    lab: &Lab,
    scenario: usize,
    script: Vec<Scripted>,
    expected: &[ApplyStatus],
) -> forcefield::generator::view::ApplyView {
    let (outcome, view) = run_scripted(lab, scenario, script);
    judge(&outcome, view, expected)
}

/// No violation, and the apply ended in one of `expected`.
fn judge(
    outcome: &schedules::Outcome,
    view: Option<forcefield::generator::view::ApplyView>,
    expected: &[ApplyStatus],
) -> forcefield::generator::view::ApplyView {
    assert!(
        outcome.violations.is_empty(),
        "{}",
        schedules::report(outcome)
    );
    let view = view.expect("the apply started");
    assert!(
        expected.contains(&view.status),
        "{:?} not in {expected:?}: {}",
        view.status,
        schedules::report(outcome)
    );
    view
}

/// Finding 1: a write whose answer never arrives (cut connection, body cut short, malformed
/// body, 502/503 after commit) is looked up before anything else, in the running page: what it
/// wrote is the apply's (it goes on to "done"), and a later failure undoes it with the rest.
#[test]
fn finding_1_a_lost_answer_while_the_page_runs_leaves_nothing_behind() {
    let lab = &lab();
    for sobject in [
        "PermissionSet",
        "PermissionSetLicenseAssign",
        "ObjectPermissions",
        "FieldPermissions",
        "PermissionSetAssignment",
    ] {
        for fault in LOST {
            check(
                lab,
                CREATE,
                vec![Scripted::on(write_of(sobject, true), fault)],
                &[ApplyStatus::Done],
            );
            if sobject != "PermissionSetAssignment" {
                let view = check(
                    lab,
                    CREATE,
                    vec![
                        Scripted::on(write_of(sobject, true), fault),
                        Scripted::on(write_of("PermissionSetAssignment", true), Injected::Refused),
                    ],
                    &[ApplyStatus::RolledBack],
                );
                assert!(view.message.unwrap().contains("as it was before"));
            }
        }
    }
    // Composite: all 13 records in one request.
    for fault in LOST {
        check(
            lab,
            CREATE_COMPOSITE,
            vec![Scripted::on(composite_write, fault)],
            &[ApplyStatus::Done],
        );
    }
    // An update: each of its writes, lost, then the last one refused.
    for sobject in ["PermissionSet", "ObjectPermissions", "FieldPermissions"] {
        for fault in [Injected::Cut, Injected::Unavailable] {
            check(
                lab,
                UPDATE,
                vec![Scripted::on(write_of(sobject, true), fault)],
                &[ApplyStatus::Done],
            );
            check(
                lab,
                UPDATE,
                vec![
                    Scripted::on(write_of(sobject, true), fault),
                    Scripted::on(write_of("PermissionSetAssignment", true), Injected::Refused),
                ],
                &[ApplyStatus::RolledBack],
            );
        }
    }
}

/// Finding 2: undo calls are journalled before they are sent. A re-create during the undo
/// whose answer is lost is found by the next re-read (no DUPLICATE_VALUE, ever); so is an undo
/// delete; and a worker stopping right after sending one resumes from the journal.
#[test]
fn finding_2_undo_calls_are_journalled_before_they_are_sent() {
    let lab = &lab();
    for fault in [
        Injected::Cut,
        Injected::Truncated,
        Injected::Resent,
        Injected::StopAfterSend,
        Injected::StopAfterJournal,
    ] {
        for (sobject, forward) in [("FieldPermissions", false), ("ObjectPermissions", false)] {
            let view = check(
                lab,
                UPDATE,
                vec![
                    Scripted::on(write_of("PermissionSetAssignment", true), Injected::Refused),
                    Scripted::on(write_of(sobject, forward), fault),
                ],
                &[ApplyStatus::RolledBack],
            );
            assert!(view.steps.iter().all(|s| s
                .error
                .as_ref()
                .is_none_or(|e| e.error_code != "DUPLICATE_VALUE")));
        }
        // The undo delete of what the apply created.
        check(
            lab,
            CREATE,
            vec![
                Scripted::on(write_of("PermissionSetAssignment", true), Injected::Refused),
                Scripted::on(write_of("FieldPermissions", false), fault),
            ],
            &[ApplyStatus::RolledBack],
        );
    }
}

/// Finding 3: recovery never adopts another admin's record. Another admin assigns the same
/// licence to the same user while this apply's assignment is in flight and its answer is lost:
/// the look-up finds their record (created by them), leaves it alone, and the apply is undone.
#[test]
fn finding_3_recovery_never_adopts_another_admins_record() {
    let lab = &lab();
    for fault in [
        Injected::Cut,
        Injected::Unavailable,
        Injected::StopAfterSend,
    ] {
        let view = check(
            lab,
            CREATE,
            vec![
                Scripted::other_admin(write_of("PermissionSetLicenseAssign", true), 0),
                Scripted::on(write_of("PermissionSetLicenseAssign", true), fault),
            ],
            &[ApplyStatus::RolledBack],
        );
        assert!(view.message.unwrap().contains("as it was before"));
    }
    // The same with the answer intact: Salesforce refuses the duplicate, nothing is adopted.
    check(
        lab,
        CREATE,
        vec![Scripted::other_admin(
            write_of("PermissionSetLicenseAssign", true),
            0,
        )],
        &[ApplyStatus::RolledBack],
    );
    // Another admin's same-named set, made just before this apply's create.
    check(
        lab,
        CREATE,
        vec![
            Scripted::other_admin(write_of("PermissionSet", true), 1),
            Scripted::on(write_of("PermissionSet", true), Injected::Cut),
        ],
        &[ApplyStatus::RolledBack, ApplyStatus::Failed],
    );
}

/// Finding 4a: Apply writes exactly the previewed plan; if the org changed since, the new
/// preview comes back and nothing is written.
#[test]
fn finding_4_apply_writes_only_the_preview_the_admin_confirmed() {
    let lab = &lab();
    lab.sim.reset();
    let scenario = &lab.scenarios[UPDATE];
    let worker = schedules::Worker::default();
    let transport = support::SimTransport(lab.agent.clone());
    let ask = |request| {
        let jar = lab.jar.borrow();
        let host = forcefield::platform::Host {
            sessions: forcefield::salesforce::CookieSessions(&*jar),
            transport: &transport,
            storage: &worker,
            clock: forcefield::platform::SystemClock,
        };
        pollster::block_on(forcefield::router::answer_page(&host, request))
    };
    let plan_request = || {
        PageRequest::from(PlanPermissionSet {
            org_url: ACME.into(),
            spec: scenario.spec.clone(),
            assignee_id: scenario.assignee.clone(),
            target_permission_set_id: scenario.target.clone(),
            use_composite: false,
        })
    };
    let Reply::Generator(GeneratorReply::Plan(Planned { plan })) = ask(plan_request()) else {
        panic!("no preview")
    };
    // Another admin changes one of the set's field permissions this plan updates.
    let set = scenario.target.clone().unwrap();
    let phone = lab.query(&format!(
        "SELECT Id FROM FieldPermissions WHERE ParentId = '{set}' AND Field = 'Account.Phone'"
    ))[0]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = lab.as_other(
        "PATCH",
        &format!("/services/data/v66.0/sobjects/FieldPermissions/{phone}"),
        Some(&serde_json::json!({"PermissionsEdit": false})),
    );
    assert_eq!(status, 204);
    let changed = lab.state();
    let start = PageRequest::from(StartApply {
        org_url: ACME.into(),
        spec: scenario.spec.clone(),
        assignee_id: scenario.assignee.clone(),
        target_permission_set_id: scenario.target.clone(),
        use_composite: false,
        confirmed_production: true,
        fingerprint: Some(plan.fingerprint.clone()),
        apply_id: None,
    });
    match ask(start) {
        Reply::Generator(GeneratorReply::Plan(Planned { plan: fresh })) => {
            assert!(fresh.changed_since_preview);
            assert_ne!(fresh.fingerprint, plan.fingerprint);
        }
        other => panic!("wrote without the preview: {other:?}"),
    }
    assert_eq!(lab.state(), changed, "nothing was written");
}

/// Finding 4b: one apply per org and permission set at a time; apply ids and the list of
/// pending applies can't collide (each journal has its own key: no index is read, changed and
/// written back).
#[test]
fn finding_4_one_apply_per_org_and_set_and_no_shared_index() {
    let lab = &lab();
    lab.sim.reset();
    let worker = schedules::Worker::default();
    let transport = support::SimTransport(lab.agent.clone());
    let ask = |request| {
        let jar = lab.jar.borrow();
        let host = forcefield::platform::Host {
            sessions: forcefield::salesforce::CookieSessions(&*jar),
            transport: &transport,
            storage: &worker,
            clock: forcefield::platform::SystemClock,
        };
        pollster::block_on(forcefield::router::answer_page(&host, request))
    };
    let scenario = &lab.scenarios[CREATE];
    let start = |name: &str, apply_id: &str| {
        let mut spec = scenario.spec.clone();
        spec.name = name.into();
        spec.label = format!("Integration – {name}");
        PageRequest::from(StartApply {
            org_url: ACME.into(),
            spec,
            assignee_id: None,
            target_permission_set_id: None,
            use_composite: false,
            confirmed_production: true,
            fingerprint: None,
            apply_id: Some(apply_id.into()),
        })
    };
    let Reply::Generator(GeneratorReply::ApplyProgress(ApplyProgress { apply: first })) =
        ask(start("FF_First", "window-a-1"))
    else {
        panic!("not started")
    };
    let Reply::Generator(GeneratorReply::ApplyProgress(ApplyProgress { apply: second })) =
        ask(start("FF_Second", "window-b-1"))
    else {
        panic!("not started")
    };
    assert_ne!(first.apply_id, second.apply_id);
    match ask(start("FF_First", "window-c-1")) {
        Reply::Failed(Failed { message }) => assert!(message.contains("not finished"), "{message}"),
        other => panic!("a second apply of the same set started: {other:?}"),
    }
    match ask(start("FF_Second", "window-a-1")) {
        Reply::Failed(Failed { message }) => assert!(
            message.contains("already recorded") || message.contains("not finished"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    let Reply::Generator(GeneratorReply::Applies(PendingApplies { applies })) =
        ask(PageRequest::from(ListPendingApplies {
            org_url: ACME.into(),
        }))
    else {
        panic!("no list")
    };
    let mut ids: Vec<&str> = applies.iter().map(|a| a.apply_id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["window-a-1", "window-b-1"]);
    let index = pollster::block_on(worker.keys(Area::Local, "generatorApplies")).unwrap();
    assert!(index.is_empty(), "no shared index: {index:?}");
}

/// Finding 4c: the undo restores a value only where the org still holds what this apply wrote:
/// another admin's later change (here: removing a field permission this apply had changed)
/// survives the undo and is listed, with everything else undone.
#[test]
fn finding_4_an_undo_never_overwrites_a_later_change() {
    let lab = &lab();
    let view = check(
        lab,
        UPDATE,
        vec![
            Scripted::other_admin(write_of("PermissionSetAssignment", true), 5),
            Scripted::on(write_of("PermissionSetAssignment", true), Injected::Refused),
        ],
        &[ApplyStatus::NeedsAttention],
    );
    assert!(view
        .attention
        .iter()
        .any(|a| a.reason == AttentionReason::Gone && a.sobject_type == "FieldPermissions"));
}

/// Finding 4d: nothing another admin did is undone: a set this apply created and another admin
/// then edited (or assigned, or added a permission to) is left as it is and listed, while the
/// rest of the apply is undone.
#[test]
fn finding_4_an_undo_never_deletes_what_another_admin_changed() {
    let lab = &lab();
    for action in [2, 3, 4] {
        let view = check(
            lab,
            CREATE,
            vec![
                Scripted::other_admin(write_of("PermissionSetAssignment", true), action),
                Scripted::on(write_of("PermissionSetAssignment", true), Injected::Refused),
            ],
            &[ApplyStatus::NeedsAttention],
        );
        assert!(view
            .attention
            .iter()
            .any(|a| a.sobject_type == "PermissionSet"
                && a.actions
                    .contains(&forcefield::generator::view::AttentionAction::Keep)));
    }
}

/// Finding 5 lives with the sim: tests/org_sim/tests/conformance/control.rs
/// `finding_5_the_sims_lost_answer_faults_cut_the_connection_honestly`. Here: the core sees a
/// cut answer as no answer at all (not as an error it can read).
#[test]
fn finding_5_a_cut_answer_reaches_the_core_as_no_answer() {
    let lab = &lab();
    let view = check(
        lab,
        CREATE,
        vec![
            Scripted::on(write_of("ObjectPermissions", true), Injected::Cut),
            Scripted::on(write_of("PermissionSetAssignment", true), Injected::Refused),
        ],
        &[ApplyStatus::RolledBack],
    );
    assert!(view
        .steps
        .iter()
        .all(|s| s.state != forcefield::generator::view::StepState::Done));
}

/// The set's second update turning Convert Leads on (forward) or off again (undo).
fn convert_leads_write(forward: bool) -> impl Fn(&HttpRequest) -> bool {
    move |request: &HttpRequest| {
        let body = request.body.as_deref().unwrap_or_default();
        request.method == Method::Patch
            && body.contains(&format!("\"PermissionsConvertLeads\":{forward}"))
            && body.contains(&format!("\"allOrNone\":{forward}"))
    }
}

/// [`check`], and every scripted fault fired (a fault that never fires proves nothing).
fn check_fired(
    lab: &Lab,
    scenario: usize,
    script: Vec<Scripted>,
    expected: &[ApplyStatus],
) -> forcefield::generator::view::ApplyView {
    let scripted = script.len();
    let (outcome, view) = run_scripted(lab, scenario, script);
    let fired = outcome
        .faults
        .iter()
        .filter(|f| f.starts_with("call "))
        .count();
    assert_eq!(fired, scripted, "{}", schedules::report(&outcome));
    judge(&outcome, view, expected)
}

/// Convert Leads on a new or an existing set is turned on by a second update of the set after
/// its object permission (salesforce.md §I.14): that update's answer lost ends as planned, and
/// a later refusal undoes it before the object permission it needs (the org refuses the other
/// order); its undo's answer lost is looked up by the undo's re-read.
#[test]
fn convert_leads_second_update_lost_or_undone_ends_as_planned_or_as_before() {
    let lab = &lab();
    for scenario in [CREATE_CONVERT, UPDATE_CONVERT] {
        for fault in LOST {
            check_fired(
                lab,
                scenario,
                vec![Scripted::on(convert_leads_write(true), fault)],
                &[ApplyStatus::Done],
            );
            let view = check_fired(
                lab,
                scenario,
                vec![
                    Scripted::on(convert_leads_write(true), fault),
                    Scripted::on(write_of("PermissionSetAssignment", true), Injected::Refused),
                ],
                &[ApplyStatus::RolledBack],
            );
            assert!(view.message.unwrap().contains("as it was before"));
        }
        for fault in [Injected::Cut, Injected::Unavailable] {
            check_fired(
                lab,
                scenario,
                vec![
                    Scripted::on(write_of("PermissionSetAssignment", true), Injected::Refused),
                    Scripted::on(convert_leads_write(false), fault),
                ],
                &[ApplyStatus::RolledBack],
            );
        }
        check_fired(
            lab,
            scenario,
            vec![Scripted::on(convert_leads_write(true), Injected::Refused)],
            &[ApplyStatus::RolledBack],
        );
    }
    // Composite: the set, its object permissions and the second update in one request, lost
    // (the look-up finds the second update by the set's name) or refused.
    for fault in LOST {
        check_fired(
            lab,
            CREATE_CONVERT_COMPOSITE,
            vec![Scripted::on(composite_write, fault)],
            &[ApplyStatus::Done],
        );
    }
    check_fired(
        lab,
        CREATE_CONVERT_COMPOSITE,
        vec![Scripted::on(composite_write, Injected::Refused)],
        &[ApplyStatus::Failed],
    );
}

/// Found by the longer fault-schedule run (seeds 12801, 14320, 24571 and 27409): after the
/// undo's re-read found the set this apply created empty, and before its delete, another admin
/// added a field permission to it or assigned it; the plain delete took their record with the
/// set (Salesforce deletes what a set holds with it, salesforce.md §I.19). The delete is now
/// guarded inside the one request: it holds back, and the set is listed, untouched. An edit of
/// the set in the same moment holds it back too.
#[test]
fn an_undo_never_deletes_a_created_set_another_admin_added_to_after_its_reread() {
    let lab = &lab();
    for action in [2, 3, 4] {
        let view = check(
            lab,
            CREATE,
            vec![
                Scripted::on(write_of("PermissionSetAssignment", true), Injected::Refused),
                Scripted::other_admin(write_of("PermissionSet", false), action),
            ],
            &[ApplyStatus::NeedsAttention],
        );
        let item = view
            .attention
            .iter()
            .find(|a| a.sobject_type == "PermissionSet")
            .unwrap_or_else(|| panic!("action {action}: the set is listed: {view:?}"));
        assert!(item
            .actions
            .contains(&forcefield::generator::view::AttentionAction::Keep));
    }
}
