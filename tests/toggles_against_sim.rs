//! Copying access onto a permission page, through the core's handler, natively against the
//! simulated org: the sources a page offers, one source's object and field permissions read for
//! the page's object (two queries, sent together) and mapped onto the page's boxes, and what a
//! malformed request or an expired session gives.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/mod.rs"]
mod support;

use forcefield::columns::copy::{apply_copy, CopyMode, CopyPlan};
use forcefield::columns::{detect_columns, PageSnapshot};
use forcefield::protocol::toggles::{CopyAccess, ListAccessSources, SourceOption, SourceRef};
use org_sim::SimConfig;
use std::collections::BTreeMap;
use support::World;

fn id_of(world: &World, object: &str, name_field: &str, name: &str) -> String {
    let dump = world.sim.state_dump("acme");
    dump[object]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[name_field] == name)
        .unwrap_or_else(|| panic!("no {object} {name}"))["Id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The permission set object page of `set` for Account in the Lightning frame: the sender.
fn page_of(world: &World, set: &str) -> String {
    let id = id_of(world, "PermissionSet", "Name", set);
    format!(
        "https://acme.my.salesforce-setup.com/{}/e?s=EntityPermissions&o=Account&isdtp=p1",
        &id[..15]
    )
}

fn fixture(name: &str) -> PageSnapshot {
    let path = format!(
        "{}/tests/fixtures/columns/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn sources(world: &World, sender: &str) -> Vec<SourceOption> {
    world
        .ask_from(ListAccessSources {}, sender)
        .unwrap_or_else(|failed| panic!("unexpected failure {failed:?}"))
        .sources
}

fn copy(world: &World, sender: &str, source: SourceRef, mode: CopyMode, page: &str) -> CopyPlan {
    world
        .ask_from(
            CopyAccess {
                source,
                mode,
                snapshot: fixture(page),
            },
            sender,
        )
        .unwrap_or_else(|failed| panic!("unexpected failure {failed:?}"))
        .plan
}

/// Target states by the id's last two segments (`fieldPerms:2:fls_edit_ck`) or whole id.
fn targets(plan: &CopyPlan) -> BTreeMap<String, bool> {
    plan.targets
        .iter()
        .map(|t| {
            let id = t
                .checkbox_id
                .strip_prefix("thePage:theForm:pb:")
                .unwrap_or(&t.checkbox_id);
            (id.to_owned(), t.checked)
        })
        .collect()
}

#[test]
fn a_page_offers_every_permission_set_and_profile_but_itself() {
    let world = World::start(SimConfig::default());
    let sender = page_of(&world, "Invoice_Viewer");
    let offered = sources(&world, &sender);
    let labels: Vec<&str> = offered.iter().map(|s| s.label.as_str()).collect();
    assert!(labels.contains(&"NetSuite Integration"), "{labels:?}");
    assert!(labels.contains(&"Standard User"), "{labels:?}");
    assert!(
        !labels.contains(&"Invoice Viewer"),
        "the page's own set: {labels:?}"
    );
    let standard = offered.iter().find(|s| s.label == "Standard User").unwrap();
    assert!(matches!(standard.source, SourceRef::Profile { .. }));
    // Permission sets first, then profiles, each by label.
    let first_profile = offered
        .iter()
        .position(|s| matches!(s.source, SourceRef::Profile { .. }))
        .unwrap();
    assert!(offered[first_profile..]
        .iter()
        .all(|s| matches!(s.source, SourceRef::Profile { .. })));
}

#[test]
fn copying_a_permission_set_reads_its_rows_for_the_pages_object_in_one_round_trip() {
    let world = World::start(SimConfig::default());
    let sender = page_of(&world, "Invoice_Viewer");
    let netsuite = id_of(&world, "PermissionSet", "Name", "NetSuite_Integration");
    let before = world.api_calls().len();
    let plan = copy(
        &world,
        &sender,
        SourceRef::PermissionSet {
            permission_set_id: netsuite,
        },
        CopyMode::MatchExactly,
        "ps_object_page",
    );
    let calls = world.api_calls();
    let queries: Vec<_> = calls[before..]
        .iter()
        .filter(|r| r.path.contains("/query"))
        .collect();
    assert_eq!(queries.len(), 2, "{queries:?}");
    assert!(queries.iter().all(|q| q.path.contains("Account")));
    assert_eq!(plan.object, "Account");
    let states = targets(&plan);
    // NetSuite Integration: Account Read, Create, Edit (seed_perms.rs "RCE").
    for (k, on) in [
        (0, true),
        (1, true),
        (2, true),
        (3, false),
        (4, false),
        (5, false),
    ] {
        assert_eq!(states[&format!("objectPerms:{k}:olp_check")], on, "{k}");
    }
    // Account Number: Read and Edit; Industry: nothing.
    assert!(states["fieldPerms:2:fls_read_ck"]);
    assert!(states["fieldPerms:2:fls_edit_ck"]);
    assert!(!states["fieldPerms:6:fls_read_ck"]);
    assert!(!states["fieldPerms:6:fls_edit_ck"]);
    // Phone and Billing Address are granted but have no row on this (fixture) page.
    assert!(plan
        .fields_not_on_page
        .contains(&"Account.BillingAddress".to_owned()));
    // Run on the page, the copy never writes a disabled box.
    let snapshot = fixture("ps_object_page");
    let (changes, _) = apply_copy(&detect_columns(&snapshot), &plan);
    let disabled: Vec<&str> = snapshot
        .tables
        .iter()
        .flat_map(|t| &t.rows)
        .flat_map(|r| &r.cells)
        .filter_map(|c| c.checkbox.as_ref())
        .filter(|b| b.disabled)
        .map(|b| b.id.as_str())
        .collect();
    assert!(changes
        .iter()
        .all(|c| !disabled.contains(&c.checkbox_id.as_str())));
}

#[test]
fn copying_a_profile_reads_the_permission_set_it_owns() {
    let world = World::start(SimConfig::default());
    let sender = page_of(&world, "Invoice_Viewer");
    let profile = id_of(&world, "Profile", "Name", "Standard User");
    let plan = copy(
        &world,
        &sender,
        SourceRef::Profile {
            profile_id: profile.clone(),
        },
        CopyMode::AddOnly,
        "ps_object_page",
    );
    let owned = world.sim.state_dump("acme")["PermissionSet"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["ProfileId"] == profile.as_str())
        .unwrap()["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let dump = world.sim.state_dump("acme");
    let readable: Vec<String> = dump["FieldPermissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["ParentId"] == owned.as_str() && f["SobjectType"] == "Account")
        .filter(|f| f["PermissionsRead"] == true)
        .map(|f| f["Field"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        !readable.is_empty(),
        "the profile reads some Account fields"
    );
    // Add only: a row ends readable when it was or the profile reads the field.
    let snapshot = fixture("ps_object_page");
    let fields = snapshot
        .tables
        .iter()
        .find(|t| t.key.as_deref() == Some("thePage:theForm:pb:fieldPerms"))
        .unwrap();
    let states = targets(&plan);
    let mut granted_somewhere = 0;
    for (index, row) in fields.rows.iter().enumerate() {
        let read_box = row.cells[1].checkbox.as_ref().unwrap();
        let theirs = readable.contains(&row.key);
        granted_somewhere += usize::from(theirs && !read_box.checked);
        assert_eq!(
            states[&format!("fieldPerms:{index}:fls_read_ck")],
            read_box.checked || theirs,
            "{}",
            row.key
        );
    }
    assert!(
        granted_somewhere > 0,
        "the profile adds some Read: {readable:?}"
    );
}

#[test]
fn on_flsedit_the_object_comes_from_the_address_and_unnamed_rows_are_counted() {
    let world = World::start(SimConfig::default());
    let profile = id_of(&world, "Profile", "Name", "Standard User");
    let sender = format!(
        "https://acme.my.salesforce.com/setup/layout/flsedit.jsp?id={}&type=Account",
        &profile[..15]
    );
    let netsuite = id_of(&world, "PermissionSet", "Name", "NetSuite_Integration");
    let plan = copy(
        &world,
        &sender,
        SourceRef::PermissionSet {
            permission_set_id: netsuite,
        },
        CopyMode::MatchExactly,
        "profile_flsedit",
    );
    assert_eq!(plan.object, "Account");
    assert_eq!(plan.rows_without_api_name, 1);
    let states = targets(&plan);
    // Account Number: Read and Edit ⇒ Visible, not Read-Only.
    assert!(states["display_AccountNumber"]);
    assert!(!states["edit_AccountNumber"]);
}

#[test]
fn a_malformed_source_id_is_refused_before_any_query() {
    let world = World::start(SimConfig::default());
    let sender = page_of(&world, "Invoice_Viewer");
    let before = world.api_calls().len();
    let reply = world.ask_from(
        CopyAccess {
            source: SourceRef::PermissionSet {
                permission_set_id: "0PS' OR Name != '".into(),
            },
            mode: CopyMode::MatchExactly,
            snapshot: fixture("ps_object_page"),
        },
        &sender,
    );
    assert!(reply.is_err(), "{reply:?}");
    let queries = world.api_calls()[before..]
        .iter()
        .filter(|r| r.path.contains("/query"))
        .count();
    assert_eq!(queries, 0);
}

#[test]
fn with_the_session_expired_the_copy_says_so_and_changes_nothing() {
    let world = World::start(SimConfig::default());
    let sender = page_of(&world, "Invoice_Viewer");
    let netsuite = id_of(&world, "PermissionSet", "Name", "NetSuite_Integration");
    world.sim.expire_sessions();
    let reply = world.ask_from(
        CopyAccess {
            source: SourceRef::PermissionSet {
                permission_set_id: netsuite,
            },
            mode: CopyMode::AddOnly,
            snapshot: fixture("ps_object_page"),
        },
        &sender,
    );
    match reply {
        Err(failed) => assert!(failed.message.contains("session has expired"), "{failed:?}"),
        other => panic!("unexpected reply {other:?}"),
    }
}
