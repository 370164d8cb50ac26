#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Bulk column toggles over snapshots of real Setup markup (tests/fixtures/columns), and
//! property tests over pages proptest generates (and shrinks): a toggle's plan, or a pasted row,
//! ends exactly where clicking every box by hand would.

use forcefield::columns::{
    detect_columns, plan_paste, plan_toggle, tri_state_after, CheckboxChange, ColumnAction,
    ColumnKind, PageControls, PageSnapshot, RowFilter, SkipReason, TogglePlan, ToggleRequest,
    TriState,
};
use forcefield::rules::{ObjectPerm, PermissionKind};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

fn fixture(name: &str) -> PageSnapshot {
    let path = format!(
        "{}/tests/fixtures/columns/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn plan(
    snapshot: &PageSnapshot,
    column_key: &str,
    action: ColumnAction,
    visible: Option<&[&str]>,
) -> TogglePlan {
    let model = detect_columns(snapshot);
    let filter = visible.map(|rows| RowFilter {
        table_key: model.column(column_key).unwrap().table_key.clone(),
        visible_row_keys: rows.iter().map(|r| r.to_string()).collect(),
    });
    plan_toggle(
        &model,
        &ToggleRequest {
            column_key: column_key.to_owned(),
            action,
            filter,
        },
    )
    .unwrap()
}

fn set(changes: &[CheckboxChange]) -> BTreeSet<(String, bool)> {
    changes
        .iter()
        .map(|c| (c.checkbox_id.clone(), c.checked))
        .collect()
}

fn ids(prefix: &str, suffixes: &[(&str, bool)]) -> BTreeSet<(String, bool)> {
    suffixes
        .iter()
        .map(|(suffix, checked)| (format!("{prefix}{suffix}"), *checked))
        .collect()
}

fn column_summary(
    snapshot: &PageSnapshot,
) -> Vec<(String, usize, ColumnKind, TriState, usize, usize)> {
    detect_columns(snapshot)
        .columns()
        .iter()
        .map(|c| {
            (
                c.key.clone(),
                c.header_index,
                c.kind,
                c.state,
                c.checked_count,
                c.changeable_count,
            )
        })
        .collect()
}

const PS: &str = "thePage:theForm:pb";
const OBJECTS: &str = "thePage:theForm:pb:objectPerms|1";
const READ: &str = "thePage:theForm:pb:fieldPerms|1";
const EDIT: &str = "thePage:theForm:pb:fieldPerms|2";

// ---------------------------------------------------------------------------------------------
// Permission set object page (salesforce.md §D.3)

#[test]
fn ps_object_page_columns_are_recognised_by_markup() {
    let snapshot = fixture("ps_object_page");
    let tabs = |cell: usize| format!("{PS}:tabSettings|{cell}");
    assert_eq!(
        column_summary(&snapshot),
        vec![
            (
                OBJECTS.into(),
                1,
                ColumnKind::ObjectPermissions,
                TriState::Some,
                2,
                5
            ),
            (READ.into(), 1, ColumnKind::FieldRead, TriState::Some, 3, 7),
            // Five Edit boxes are enabled, but one row's Read is disabled and unchecked: its
            // Edit can't be checked, so the header counts four.
            (EDIT.into(), 2, ColumnKind::FieldEdit, TriState::Some, 1, 4),
            (tabs(1), 1, ColumnKind::Generic, TriState::All, 1, 1),
            (tabs(2), 2, ColumnKind::Generic, TriState::None, 0, 1),
        ]
    );
    let model = detect_columns(&snapshot);
    assert_eq!(
        model.checkbox_kind(&format!("{PS}:objectPerms:3:olp_check")),
        Some(PermissionKind::ObjectPerm {
            perm: ObjectPerm::Delete
        })
    );
    assert_eq!(model.column(READ).unwrap().header_text, "Read Access");
}

#[test]
fn checking_all_edit_checks_read_and_skips_a_row_whose_read_is_disabled() {
    let plan = plan(
        &fixture("ps_object_page"),
        EDIT,
        ColumnAction::CheckAll,
        None,
    );
    let p = format!("{PS}:fieldPerms:");
    assert_eq!(
        set(&plan.changes),
        ids(
            &p,
            &[
                ("2:fls_edit_ck", true), // AccountNumber: Read already checked
                ("3:fls_edit_ck", true), // AnnualRevenue
                ("3:fls_read_ck", true),
                ("7:fls_edit_ck", true), // Rating__c
                ("7:fls_read_ck", true),
            ]
        )
    );
    assert_eq!(plan.skipped.len(), 1);
    assert_eq!(plan.skipped[0].row_key, "Account.Restricted__c");
    assert_eq!(plan.skipped[0].checkbox_id, format!("{p}9:fls_edit_ck"));
    assert_eq!(
        plan.skipped[0].reason,
        SkipReason::DisabledDependency {
            checkbox_id: format!("{p}9:fls_read_ck")
        }
    );
    // Required fields (checked+disabled) and system fields (Edit disabled) are never touched.
    for untouched in ["0:", "1:", "4:", "5:", "8:"] {
        assert!(plan
            .changes
            .iter()
            .all(|c| !c.checkbox_id.starts_with(&format!("{p}{untouched}"))));
    }
}

#[test]
fn clearing_all_read_clears_edit_and_leaves_required_fields() {
    let plan = plan(
        &fixture("ps_object_page"),
        READ,
        ColumnAction::ClearAll,
        None,
    );
    assert_eq!(
        set(&plan.changes),
        ids(
            &format!("{PS}:fieldPerms:"),
            &[
                ("2:fls_read_ck", false),
                ("5:fls_read_ck", false), // Edit is disabled but already clear
                ("6:fls_read_ck", false),
                ("6:fls_edit_ck", false),
            ]
        )
    );
    assert!(plan.skipped.is_empty());
}

#[test]
fn checking_all_read_changes_only_unchecked_enabled_boxes() {
    let plan = plan(
        &fixture("ps_object_page"),
        READ,
        ColumnAction::CheckAll,
        None,
    );
    assert_eq!(
        set(&plan.changes),
        ids(
            &format!("{PS}:fieldPerms:"),
            &[
                ("3:fls_read_ck", true),
                ("4:fls_read_ck", true),
                ("7:fls_read_ck", true),
                ("8:fls_read_ck", true),
            ]
        )
    );
}

#[test]
fn object_permissions_follow_their_dependencies_across_rows() {
    let snapshot = fixture("ps_object_page");
    let o = format!("{PS}:objectPerms:");
    let check = plan(&snapshot, OBJECTS, ColumnAction::CheckAll, None);
    // Modify All is disabled; Create, Delete and View All need only boxes already checked.
    assert_eq!(
        set(&check.changes),
        ids(
            &o,
            &[
                ("1:olp_check", true),
                ("3:olp_check", true),
                ("4:olp_check", true)
            ]
        )
    );
    let clear = plan(&snapshot, OBJECTS, ColumnAction::ClearAll, None);
    assert_eq!(
        set(&clear.changes),
        ids(&o, &[("0:olp_check", false), ("2:olp_check", false)])
    );
}

#[test]
fn undo_restores_every_changed_box() {
    let snapshot = fixture("ps_object_page");
    let plan = plan(&snapshot, EDIT, ColumnAction::CheckAll, None);
    let after = apply(&snapshot, &plan.changes);
    assert_ne!(after, snapshot);
    assert_eq!(apply(&after, &plan.undo), snapshot);
}

#[test]
fn a_filter_limits_the_toggle_to_visible_rows() {
    let snapshot = fixture("ps_object_page");
    let visible = ["Account.Name", "Account.AnnualRevenue", "Account.Rating__c"];
    let plan = plan(&snapshot, EDIT, ColumnAction::CheckAll, Some(&visible));
    assert_eq!(
        set(&plan.changes),
        ids(
            &format!("{PS}:fieldPerms:"),
            &[
                ("3:fls_edit_ck", true),
                ("3:fls_read_ck", true),
                ("7:fls_edit_ck", true),
                ("7:fls_read_ck", true),
            ]
        )
    );
    assert!(plan.skipped.is_empty(), "Restricted__c is filtered out");

    let model = detect_columns(&snapshot);
    let filter = RowFilter {
        table_key: format!("{PS}:fieldPerms"),
        visible_row_keys: visible.iter().map(|r| r.to_string()).collect(),
    };
    let states = model.column_states(Some(&filter));
    let read = states.iter().find(|s| s.key == READ).unwrap();
    // Name is disabled; AnnualRevenue and Rating__c are unchecked: "0 of 2 fields readable".
    assert_eq!((read.checked_count, read.changeable_count), (0, 2));
    let after = tri_state_after(&model, &plan.changes, Some(&filter));
    let read = after.iter().find(|s| s.key == READ).unwrap();
    assert_eq!(
        (read.state, read.checked_count, read.changeable_count),
        (TriState::All, 2, 2)
    );
}

#[test]
fn a_filter_for_another_table_or_an_unknown_column_is_an_error() {
    let model = detect_columns(&fixture("ps_object_page"));
    let request = ToggleRequest {
        column_key: READ.into(),
        action: ColumnAction::CheckAll,
        filter: Some(RowFilter {
            table_key: format!("{PS}:objectPerms"),
            visible_row_keys: BTreeSet::new(),
        }),
    };
    assert!(plan_toggle(&model, &request).is_err());
    let request = ToggleRequest {
        column_key: "nowhere|1".into(),
        action: ColumnAction::CheckAll,
        filter: None,
    };
    assert!(plan_toggle(&model, &request).is_err());
}

#[test]
fn header_states_follow_a_plan_without_a_new_snapshot() {
    let snapshot = fixture("ps_object_page");
    let mut model = detect_columns(&snapshot);
    let plan = plan_toggle(
        &model,
        &ToggleRequest {
            column_key: EDIT.into(),
            action: ColumnAction::CheckAll,
            filter: None,
        },
    )
    .unwrap();
    let after = tri_state_after(&model, &plan.changes, None);
    let by_key: BTreeMap<_, _> = after
        .iter()
        .map(|s| {
            (
                s.key.as_str(),
                (s.state, s.checked_count, s.changeable_count),
            )
        })
        .collect();
    // Every Edit box a toggle can change is checked: the header says "all", not "some",
    // although the row whose Read is disabled keeps its Edit unchecked.
    assert_eq!(by_key[EDIT], (TriState::All, 4, 4));
    assert_eq!(by_key[READ], (TriState::Some, 5, 7));

    model.apply(&plan.changes);
    assert_eq!(model.column(EDIT).unwrap().checked_count, 4);
    assert_eq!(
        detect_columns(&apply(&snapshot, &plan.changes)).column_states(None),
        after
    );
}

#[test]
fn without_the_page_map_the_built_in_rules_give_the_same_plans() {
    let with_map = fixture("ps_object_page");
    let without_map = fixture("ps_object_page_no_map");
    assert!(without_map.dependency_map.is_none());
    assert_eq!(column_summary(&with_map), column_summary(&without_map));
    for column in [OBJECTS, READ, EDIT] {
        for action in [ColumnAction::CheckAll, ColumnAction::ClearAll] {
            assert_eq!(
                plan(&with_map, column, action, None),
                plan(&without_map, column, action, None),
                "{column} {action:?}"
            );
        }
    }
}

/// Found by the page snapshot property (tests/fuzz_properties.rs): a pasted row granting Edit
/// without Read (a state the page's own rules forbid, here a snapshot that says so) cleared a
/// target's Read, then checked it again with Edit, and the plan listed the Read box twice.
#[test]
fn paste_of_a_row_with_edit_without_read_changes_each_box_once() {
    for with_map in [true, false] {
        let mut snapshot = fixture("ps_object_page");
        if !with_map {
            snapshot.dependency_map = None;
        }
        let fields = snapshot
            .tables
            .iter_mut()
            .find(|t| t.key.as_deref() == Some("thePage:theForm:pb:fieldPerms"))
            .unwrap();
        let owner = fields
            .rows
            .iter_mut()
            .find(|r| r.key == "Account.OwnerId")
            .unwrap();
        owner.cells[1].checkbox.as_mut().unwrap().checked = false;
        let model = detect_columns(&snapshot);
        let plan = plan_paste(
            &model,
            "thePage:theForm:pb:fieldPerms",
            "Account.OwnerId",
            None,
        )
        .unwrap();
        let mut seen = BTreeSet::new();
        for change in &plan.changes {
            assert!(
                seen.insert(&change.checkbox_id),
                "{} changed twice (map: {with_map})",
                change.checkbox_id
            );
        }
        let p = format!("{PS}:fieldPerms:");
        // AccountNumber had Read and no Edit: it ends with both, its Read never listed.
        assert!(!seen.contains(&format!("{p}2:fls_read_ck")));
        assert!(plan.changes.contains(&CheckboxChange {
            checkbox_id: format!("{p}2:fls_edit_ck"),
            checked: true,
        }));
        // AnnualRevenue had neither: it ends with both.
        assert!(plan.changes.contains(&CheckboxChange {
            checkbox_id: format!("{p}3:fls_read_ck"),
            checked: true,
        }));
        assert_eq!(set(&plan.undo).len(), plan.changes.len());
    }
}

#[test]
fn the_page_map_takes_precedence_over_the_built_in_rules() {
    let mut snapshot = fixture("ps_object_page");
    let map = snapshot.dependency_map.as_mut().unwrap();
    map.dependents.insert("PermissionsEdit".into(), vec![]);
    let plan = plan(&snapshot, EDIT, ColumnAction::CheckAll, None);
    let p = format!("{PS}:fieldPerms:");
    assert_eq!(
        set(&plan.changes),
        ids(
            &p,
            &[
                ("2:fls_edit_ck", true),
                ("3:fls_edit_ck", true),
                ("7:fls_edit_ck", true),
                ("9:fls_edit_ck", true),
            ]
        )
    );
}

#[test]
fn localized_pages_are_recognised_the_same_way() {
    let english = fixture("ps_object_page");
    let german = fixture("ps_object_page_de");
    let strip_text = |snapshot: &PageSnapshot| {
        let model = detect_columns(snapshot);
        model
            .columns()
            .iter()
            .map(|c| (c.key.clone(), c.kind, c.state))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip_text(&english), strip_text(&german));
    assert_eq!(
        detect_columns(&german).column(READ).unwrap().header_text,
        "Lesezugriff"
    );
    for column in [OBJECTS, READ, EDIT] {
        assert_eq!(
            plan(&english, column, ColumnAction::CheckAll, None),
            plan(&german, column, ColumnAction::CheckAll, None)
        );
    }

    // Japanese, with neither map nor onclick: FLS still by ids, object permissions fall back to
    // a generic column (their ids carry no permission, salesforce.md §D.3).
    let japanese = fixture("ps_object_page_ja_bare");
    let model = detect_columns(&japanese);
    assert_eq!(model.column(OBJECTS).unwrap().kind, ColumnKind::Generic);
    assert_eq!(model.column(READ).unwrap().kind, ColumnKind::FieldRead);
    assert_eq!(model.column(READ).unwrap().header_text, "参照アクセス権");
    for column in [READ, EDIT] {
        for action in [ColumnAction::CheckAll, ColumnAction::ClearAll] {
            assert_eq!(
                plan(&english, column, action, None),
                plan(&japanese, column, action, None)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Profile flsedit.jsp (salesforce.md §D.4)

#[test]
fn profile_flsedit_visible_and_read_only_interact_like_the_page() {
    let snapshot = fixture("profile_flsedit");
    assert_eq!(
        column_summary(&snapshot),
        vec![
            // CreatedBy is Visible with a disabled, checked Read-Only: hiding it would change
            // the disabled box, so its Visible box is not counted.
            (
                "#0|2".into(),
                2,
                ColumnKind::ProfileVisible,
                TriState::Some,
                2,
                4
            ),
            (
                "#0|3".into(),
                3,
                ColumnKind::ProfileReadOnly,
                TriState::Some,
                1,
                4
            ),
        ]
    );
    let read_only = plan(&snapshot, "#0|3", ColumnAction::CheckAll, None);
    assert_eq!(
        set(&read_only.changes),
        ids(
            "",
            &[
                ("edit_AccountNumber", true),
                ("edit_AnnualRevenue", true),
                ("display_AnnualRevenue", true),
                ("edit_00N5g00000AbCdE", true),
                ("display_00N5g00000AbCdE", true),
            ]
        )
    );
    let hide = plan(&snapshot, "#0|2", ColumnAction::ClearAll, None);
    assert_eq!(
        set(&hide.changes),
        ids(
            "",
            &[
                ("display_AccountNumber", false),
                ("display_Industry", false),
                ("edit_Industry", false),
            ]
        )
    );
    // CreatedBy's Read-Only is checked and disabled: hiding it would change a disabled box.
    assert_eq!(hide.skipped.len(), 1);
    assert_eq!(hide.skipped[0].row_key, "CreatedBy");
}

// ---------------------------------------------------------------------------------------------
// System Permissions (salesforce.md §H.Q2)

#[test]
fn system_permissions_are_recognised_by_title_and_follow_the_page_map() {
    let snapshot = fixture("system_permissions");
    let column = "thePage:theForm:sysPerms|1";
    assert_eq!(
        column_summary(&snapshot),
        vec![(
            column.into(),
            1,
            ColumnKind::SystemPermission,
            TriState::Some,
            2,
            7
        )]
    );
    let p = "thePage:theForm:sysPerms:";
    let check = plan(&snapshot, column, ColumnAction::CheckAll, None);
    assert_eq!(
        set(&check.changes),
        ids(
            p,
            &[
                ("1:ck", true),
                ("2:ck", true),
                ("3:ck", true),
                ("4:ck", true),
                ("5:ck", true)
            ]
        )
    );
    // Modify All Data alone, with View All Data filtered out: the map needs it, so no change.
    let only_modify_all = plan(
        &snapshot,
        column,
        ColumnAction::CheckAll,
        Some(&["ModifyAllData"]),
    );
    assert!(only_modify_all.changes.is_empty());
    assert!(matches!(
        only_modify_all.skipped[0].reason,
        SkipReason::HiddenDependency { .. }
    ));
    // Clearing View Setup clears what depends on it (once those are checked).
    let all_on = apply(&snapshot, &check.changes);
    let clear = plan(
        &all_on,
        column,
        ColumnAction::ClearAll,
        Some(&["ViewSetup", "ViewAllData", "ModifyAllData"]),
    );
    assert_eq!(
        set(&clear.changes),
        ids(p, &[("2:ck", false), ("3:ck", false), ("4:ck", false)])
    );
}

// ---------------------------------------------------------------------------------------------
// Generic lists, nested tables, tables without a toggle

#[test]
fn a_generic_list_gets_a_selection_toggle_and_nothing_else() {
    let snapshot = fixture("setup_list");
    assert_eq!(
        column_summary(&snapshot),
        vec![(
            "users|0".into(),
            0,
            ColumnKind::Generic,
            TriState::None,
            0,
            3
        )]
    );
    let plan = plan(&snapshot, "users|0", ColumnAction::CheckAll, None);
    assert_eq!(
        set(&plan.changes),
        ids("ff:0:", &[("0:0", true), ("1:0", true), ("2:0", true)])
    );
}

#[test]
fn nested_tables_and_colspans_place_controls_in_the_right_table_and_header() {
    let inner = "outer/0/1/table0";
    assert_eq!(
        column_summary(&fixture("nested_tables")),
        vec![
            (
                format!("{inner}|1"),
                1,
                ColumnKind::Generic,
                TriState::Some,
                1,
                2
            ),
            (
                format!("{inner}|2"),
                2,
                ColumnKind::Generic,
                TriState::All,
                1,
                1
            ),
            (
                "spanned|1".into(),
                1,
                ColumnKind::Generic,
                TriState::None,
                0,
                1
            ),
            (
                "spanned|2".into(),
                1,
                ColumnKind::Generic,
                TriState::All,
                1,
                1
            ),
        ]
    );
}

#[test]
fn tables_without_an_enabled_checkbox_column_get_no_control() {
    assert!(detect_columns(&fixture("no_checkbox_column"))
        .columns()
        .is_empty());
    assert!(detect_columns(&PageSnapshot::default())
        .columns()
        .is_empty());
}

#[test]
fn every_fixture_round_trips_through_json() {
    for name in [
        "ps_object_page",
        "ps_object_page_no_map",
        "ps_object_page_de",
        "ps_object_page_ja_bare",
        "profile_flsedit",
        "system_permissions",
        "setup_list",
        "nested_tables",
        "no_checkbox_column",
    ] {
        let snapshot = fixture(name);
        let json = serde_json::to_string(&snapshot).unwrap();
        let again: PageSnapshot = serde_json::from_str(&json).unwrap();
        assert_eq!(again, snapshot, "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// A wide object: 800 fields (the sim's large object)

/// `compact`: onclick triples without their `rowKey` (it equals the row's key), and the page map
/// without its `map` of ids (the triples locate the boxes).
fn wide_object(fields: usize, compact: bool) -> PageSnapshot {
    let p = "thePage:theForm:pb:fieldPerms";
    let mut rows = Vec::new();
    let mut map = serde_json::Map::new();
    for i in 0..fields {
        let field = format!("Wide_Object__c.Custom_Field_{i:03}__c");
        let read = format!("{p}:{i}:fls_read_ck");
        let edit = format!("{p}:{i}:fls_edit_ck");
        let onclick = |perm: &str| match compact {
            true => serde_json::json!({"permKey": perm}),
            false => serde_json::json!({"rowKey": field, "permKey": perm}),
        };
        let mut read_box = serde_json::json!({"id": read, "onclick": onclick("PermissionsRead")});
        let mut edit_box = serde_json::json!({"id": edit, "onclick": onclick("PermissionsEdit")});
        if i % 3 == 0 {
            read_box["checked"] = true.into();
        }
        if i % 10 == 0 {
            edit_box["disabled"] = true.into();
        }
        rows.push(serde_json::json!({
            "key": field,
            "label": format!("Custom Field {i:03}"),
            "cells": [{}, {"checkbox": read_box}, {"checkbox": edit_box}],
        }));
        if !compact {
            map.insert(
                field.clone(),
                serde_json::json!({"PermissionsRead": read, "PermissionsEdit": edit}),
            );
        }
    }
    serde_json::from_value(serde_json::json!({
        "tables": [{
            "key": p,
            "header": [
                {"text": "Field Name"},
                {"text": "Read Access", "id": format!("{p}:fls_readheader")},
                {"text": "Edit Access", "id": format!("{p}:fls_editheader")},
            ],
            "rows": rows,
        }],
        "dependencyMap": {
            "dependents": {"PermissionsEdit": ["PermissionsRead"]},
            "antecedents": {"PermissionsRead": ["PermissionsEdit"]},
            "map": map,
        },
    }))
    .unwrap()
}

#[test]
fn an_800_field_snapshot_stays_compact_and_plans_every_row() {
    let full = serde_json::to_vec(&wide_object(800, false)).unwrap().len();
    let snapshot = wide_object(800, true);
    let bytes = serde_json::to_vec(&snapshot).unwrap().len();
    println!("800-field snapshot: {bytes} bytes compact, {full} bytes with rowKeys and map ids");
    assert!(bytes < 250_000, "{bytes} bytes");

    let plan_for = |compact| {
        let model = detect_columns(&wide_object(800, compact));
        let request = ToggleRequest {
            column_key: "thePage:theForm:pb:fieldPerms|2".into(),
            action: ColumnAction::CheckAll,
            filter: None,
        };
        plan_toggle(&model, &request).unwrap()
    };
    assert_eq!(plan_for(true), plan_for(false));

    let model = detect_columns(&snapshot);
    let edit = model.column("thePage:theForm:pb:fieldPerms|2").unwrap();
    assert_eq!(
        (edit.kind, edit.changeable_count),
        (ColumnKind::FieldEdit, 720)
    );
    let plan = plan_toggle(
        &model,
        &ToggleRequest {
            column_key: edit.key.clone(),
            action: ColumnAction::CheckAll,
            filter: None,
        },
    )
    .unwrap();
    // 720 Edit boxes, plus Read for the 480 of them whose Read was clear.
    assert_eq!(plan.changes.len(), 720 + 480);
    assert_eq!(plan.undo.len(), plan.changes.len());
}

// ---------------------------------------------------------------------------------------------
// Property: a plan ends exactly where clicking every box by hand ends

fn apply(snapshot: &PageSnapshot, changes: &[CheckboxChange]) -> PageSnapshot {
    let wanted: BTreeMap<&str, bool> = changes
        .iter()
        .map(|c| (c.checkbox_id.as_str(), c.checked))
        .collect();
    let mut after = snapshot.clone();
    for table in &mut after.tables {
        for row in &mut table.rows {
            for cell in &mut row.cells {
                if let Some(checkbox) = &mut cell.checkbox {
                    if let Some(&checked) = wanted.get(checkbox.id.as_str()) {
                        checkbox.checked = checked;
                    }
                }
            }
        }
    }
    after
}

/// The generator's decisions, drawn by proptest ([`for_generated_pages`]): each one is the next
/// drawn number, zero once they run out. A failing page shrinks as proptest draws fewer and
/// smaller numbers, towards the first option of every decision.
struct Rng {
    choices: Vec<u64>,
    at: usize,
}

impl Rng {
    fn next(&mut self) -> u64 {
        let choice = self.choices.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        choice
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// What the generator knows about a box, independently of detection.
#[derive(Clone, Debug)]
struct Truth {
    table: usize,
    row: usize,
    disabled: bool,
    kind: PermissionKind,
    /// The unit Salesforce's page applies its rules within.
    dependency_row: String,
    /// (rowKey, permKey) when the page's map addresses this box.
    map_address: Option<(String, String)>,
}

#[derive(Debug)]
struct GeneratedPage {
    snapshot: PageSnapshot,
    truth: BTreeMap<String, Truth>,
    row_keys: Vec<Vec<String>>,
}

const OBJECT_KEYS: [(&str, ObjectPerm); 6] = [
    ("PermissionsRead", ObjectPerm::Read),
    ("PermissionsCreate", ObjectPerm::Create),
    ("PermissionsEdit", ObjectPerm::Edit),
    ("PermissionsDelete", ObjectPerm::Delete),
    ("PermissionsViewAllRecords", ObjectPerm::ViewAll),
    ("PermissionsModifyAllRecords", ObjectPerm::ModifyAll),
];

fn object_word(perm: ObjectPerm) -> &'static str {
    match perm {
        ObjectPerm::Read => "read",
        ObjectPerm::Create => "create",
        ObjectPerm::Edit => "edit",
        ObjectPerm::Delete => "delete",
        ObjectPerm::ViewAll => "view_all",
        ObjectPerm::ModifyAll => "modify_all",
    }
}

/// Salesforce's rules, written out by hand from salesforce.md §C.2, §C.3, §D.4: the kinds the page sets
/// along with a click on `kind`.
fn rules_by_hand(kind: PermissionKind, checked: bool) -> Vec<PermissionKind> {
    use ObjectPerm::{Create, Delete, Edit, ModifyAll, Read, ViewAll};
    use PermissionKind as K;
    let objects = |perms: &[ObjectPerm]| -> Vec<PermissionKind> {
        perms.iter().map(|&perm| K::ObjectPerm { perm }).collect()
    };
    match (kind, checked) {
        (K::FieldEdit, true) => vec![K::FieldRead],
        (K::FieldRead, false) => vec![K::FieldEdit],
        (K::ProfileReadOnly, true) => vec![K::ProfileVisible],
        (K::ProfileVisible, false) => vec![K::ProfileReadOnly],
        (K::ObjectPerm { perm }, true) => match perm {
            Read => vec![],
            Create | Edit | ViewAll => objects(&[Read]),
            Delete => objects(&[Read, Edit]),
            ModifyAll => objects(&[Read, Edit, Delete, ViewAll]),
        },
        (K::ObjectPerm { perm }, false) => match perm {
            Read => objects(&[Create, Edit, Delete, ViewAll, ModifyAll]),
            Edit => objects(&[Delete, ModifyAll]),
            Delete | ViewAll => objects(&[ModifyAll]),
            Create | ModifyAll => vec![],
        },
        _ => vec![],
    }
}

struct Builder<'a> {
    rng: &'a mut Rng,
    page_has_map: bool,
    page_uses_onclick: bool,
    map_without_ids: bool,
    tables: Vec<serde_json::Value>,
    truth: BTreeMap<String, Truth>,
    row_keys: Vec<Vec<String>>,
    dependents: BTreeMap<String, Vec<String>>,
    antecedents: BTreeMap<String, Vec<String>>,
    map: BTreeMap<String, BTreeMap<String, String>>,
}

struct GeneratedBox {
    id: String,
    kind: PermissionKind,
    /// What the box's markup alone says (None: only the page's map or onclick can tell).
    recognisable_without_key: bool,
    map_address: Option<(String, String)>,
    title: Option<String>,
    cell_classes: Vec<&'static str>,
}

impl Builder<'_> {
    fn states(&mut self) -> (bool, bool) {
        (self.rng.chance(50), self.rng.chance(15))
    }

    /// Adds a table; `rows[r]` = (row key, boxes by cell index).
    fn table(
        &mut self,
        header: Vec<serde_json::Value>,
        rows: Vec<(String, Vec<Option<GeneratedBox>>)>,
    ) {
        let table = self.tables.len();
        let mut json_rows = Vec::new();
        let mut keys = Vec::new();
        for (row, (row_key, boxes)) in rows.into_iter().enumerate() {
            let mut cells = vec![];
            for generated in boxes {
                let Some(generated) = generated else {
                    cells.push(serde_json::json!({}));
                    continue;
                };
                let (checked, disabled) = self.states();
                let mut checkbox = serde_json::json!({"id": generated.id, "checked": checked, "disabled": disabled});
                if let Some(title) = &generated.title {
                    checkbox["title"] = title.clone().into();
                }
                let in_map = self.page_has_map
                    && !self.map_without_ids
                    && generated.map_address.is_some()
                    && self.rng.chance(90);
                let with_onclick = self.page_uses_onclick && generated.map_address.is_some();
                if let (true, Some((dependency_row, perm_key))) =
                    (with_onclick, &generated.map_address)
                {
                    checkbox["onclick"] = if *dependency_row == row_key && self.rng.chance(50) {
                        serde_json::json!({"permKey": perm_key})
                    } else {
                        serde_json::json!({"rowKey": dependency_row, "permKey": perm_key})
                    };
                }
                if let (true, Some((row_key, perm_key))) = (in_map, &generated.map_address) {
                    self.map
                        .entry(row_key.clone())
                        .or_default()
                        .insert(perm_key.clone(), generated.id.clone());
                }
                let keyed = with_onclick || in_map;
                let map_address = if self.page_has_map && keyed {
                    generated.map_address.clone()
                } else {
                    None
                };
                let dependency_row = match (&generated.map_address, keyed) {
                    (Some((row_key, _)), true) => row_key.clone(),
                    _ => format!("table {table} row {row}"),
                };
                let kind = if generated.recognisable_without_key || keyed {
                    generated.kind
                } else {
                    PermissionKind::Generic
                };
                self.truth.insert(
                    generated.id.clone(),
                    Truth {
                        table,
                        row,
                        disabled,
                        kind,
                        dependency_row,
                        map_address,
                    },
                );
                cells.push(
                    serde_json::json!({"classes": generated.cell_classes, "checkbox": checkbox}),
                );
            }
            json_rows.push(serde_json::json!({"key": row_key, "label": format!("Label {row_key}"), "cells": cells}));
            keys.push(row_key);
        }
        self.tables.push(
            serde_json::json!({"key": format!("t{table}"), "header": header, "rows": json_rows}),
        );
        self.row_keys.push(keys);
    }

    fn fls_table(&mut self) {
        let t = self.tables.len();
        let opaque_ids = self.rng.chance(30);
        let header_ids = opaque_ids || self.rng.chance(50);
        let header = vec![
            serde_json::json!({"text": "Feld"}),
            serde_json::json!({"text": "Lesen", "id": if header_ids { format!("t{t}:fls_readheader") } else { String::new() }}),
            serde_json::json!({"text": "Bearbeiten", "id": if header_ids { format!("t{t}:fls_editheader") } else { String::new() }}),
        ];
        let rows = (0..1 + self.rng.below(8))
            .map(|r| {
                let field = format!("Obj{t}.Field{r}__c");
                let make = |suffix: &str, kind, perm_key: &str| {
                    Some(GeneratedBox {
                        id: if opaque_ids {
                            format!("t{t}:{r}:j_id{suffix}")
                        } else {
                            format!("t{t}:{r}:fls_{suffix}_ck")
                        },
                        kind,
                        recognisable_without_key: true,
                        map_address: Some((field.clone(), perm_key.to_owned())),
                        title: None,
                        cell_classes: vec![],
                    })
                };
                let boxes = vec![
                    None,
                    make("read", PermissionKind::FieldRead, "PermissionsRead"),
                    make("edit", PermissionKind::FieldEdit, "PermissionsEdit"),
                ];
                (field, boxes)
            })
            .collect();
        self.table(header, rows);
    }

    fn object_grid_table(&mut self) {
        let t = self.tables.len();
        let mut perms = OBJECT_KEYS.to_vec();
        self.rng.shuffle(&mut perms);
        perms.truncate(3 + self.rng.below(4));
        let words_in_ids = self.rng.chance(50);
        let mut header = vec![serde_json::json!({"text": "Objekt"})];
        header.extend(perms.iter().map(|_| serde_json::json!({"text": "…"})));
        let rows = (0..1 + self.rng.below(6))
            .map(|r| {
                let object = format!("Obj{t}_{r}");
                let mut boxes = vec![None];
                for &(key, perm) in &perms {
                    let id = if words_in_ids {
                        format!("t{t}:{r}:{}_olp_check", object_word(perm))
                    } else {
                        format!("t{t}:{r}:{key}:olp_check")
                    };
                    boxes.push(Some(GeneratedBox {
                        id,
                        kind: PermissionKind::ObjectPerm { perm },
                        recognisable_without_key: words_in_ids,
                        map_address: Some((object.clone(), key.to_owned())),
                        title: None,
                        cell_classes: vec![],
                    }));
                }
                (object, boxes)
            })
            .collect();
        self.table(header, rows);
    }

    /// One object's permissions as rows of one column (the permission set object page).
    fn object_rows_table(&mut self) {
        let t = self.tables.len();
        let object = format!("Obj{t}");
        let mut perms = OBJECT_KEYS.to_vec();
        self.rng.shuffle(&mut perms);
        let header = vec![
            serde_json::json!({"text": ""}),
            serde_json::json!({"text": "有効"}),
        ];
        let rows = perms
            .iter()
            .enumerate()
            .map(|(r, &(key, perm))| {
                let generated = GeneratedBox {
                    id: format!("t{t}:{r}:olp_check"),
                    kind: PermissionKind::ObjectPerm { perm },
                    recognisable_without_key: false,
                    map_address: Some((object.clone(), key.to_owned())),
                    title: None,
                    cell_classes: vec![],
                };
                (format!("{object}.{key}"), vec![None, Some(generated)])
            })
            .collect();
        self.table(header, rows);
    }

    fn profile_table(&mut self) {
        let t = self.tables.len();
        let classes_on_cells = self.rng.chance(50);
        let header = vec![
            serde_json::json!({"text": "Field"}),
            serde_json::json!({"text": "Sichtbar", "classes": ["displayedCol"]}),
            serde_json::json!({"text": "Schreibgeschützt", "classes": ["readonlyCol"]}),
        ];
        let rows = (0..1 + self.rng.below(8))
            .map(|r| {
                let make = |prefix: &str, kind, class| {
                    Some(GeneratedBox {
                        id: format!("t{t}:{prefix}_{r}"),
                        kind,
                        recognisable_without_key: true,
                        map_address: None,
                        title: None,
                        cell_classes: if classes_on_cells {
                            vec![class]
                        } else {
                            vec![]
                        },
                    })
                };
                let boxes = vec![
                    None,
                    make("display", PermissionKind::ProfileVisible, "displayedCol"),
                    make("edit", PermissionKind::ProfileReadOnly, "readonlyCol"),
                ];
                (format!("f{r}"), boxes)
            })
            .collect();
        self.table(header, rows);
    }

    /// System permissions with an arbitrary page map: the page's word is law, whatever it says.
    fn system_table(&mut self) {
        let t = self.tables.len();
        let owner = format!("0PS{t}");
        let count = 2 + self.rng.below(6);
        let keys: Vec<String> = (0..count)
            .map(|k| format!("PermissionsSys{t}x{k}"))
            .collect();
        for key in &keys {
            for edges in [&mut self.dependents, &mut self.antecedents] {
                let picked: Vec<String> = keys
                    .iter()
                    .filter(|_| self.rng.chance(25))
                    .cloned()
                    .collect();
                edges.insert(key.clone(), picked);
            }
        }
        let header = vec![
            serde_json::json!({"text": "Berechtigung"}),
            serde_json::json!({"text": "Aktiviert"}),
        ];
        let rows = keys
            .iter()
            .enumerate()
            .map(|(k, key)| {
                let generated = GeneratedBox {
                    id: format!("t{t}:{k}:ck"),
                    kind: PermissionKind::SystemPermission,
                    recognisable_without_key: true,
                    map_address: Some((owner.clone(), key.clone())),
                    title: Some(format!("SysPerm{t}x{k}")),
                    cell_classes: vec![],
                };
                (key.clone(), vec![None, Some(generated)])
            })
            .collect();
        self.table(header, rows);
    }

    fn generic_table(&mut self) {
        let t = self.tables.len();
        let columns = 1 + self.rng.below(2);
        let header = (0..=columns)
            .map(|_| serde_json::json!({"text": "x"}))
            .collect();
        let rows = (0..1 + self.rng.below(6))
            .map(|r| {
                let mut boxes = vec![None];
                for c in 0..columns {
                    boxes.push(Some(GeneratedBox {
                        id: format!("t{t}:{r}:g{c}"),
                        kind: PermissionKind::Generic,
                        recognisable_without_key: true,
                        map_address: None,
                        title: None,
                        cell_classes: vec![],
                    }));
                }
                (format!("r{r}"), boxes)
            })
            .collect();
        self.table(header, rows);
    }
}

/// Runs `property` on `cases` pages built from choices proptest draws (from a fixed seed, so
/// a run repeats) and, when one fails, shrinks it to the smallest failing choices.
fn for_generated_pages(cases: u32, property: impl Fn(&mut Rng)) {
    use proptest::test_runner::{Config, TestRng, TestRunner};
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::deterministic_rng(config.rng_algorithm);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let choices = proptest::collection::vec(proptest::num::u64::ANY, 0..1500);
    if let Err(failure) = runner.run(&choices, |choices| {
        property(&mut Rng { choices, at: 0 });
        Ok(())
    }) {
        panic!("{failure}");
    }
}

fn generate(rng: &mut Rng) -> GeneratedPage {
    let page_has_map = rng.chance(50);
    let page_uses_onclick = rng.chance(50);
    let map_without_ids = page_uses_onclick && rng.chance(30);
    let table_count = 1 + rng.below(3);
    let layouts: Vec<usize> = (0..table_count).map(|_| rng.below(6)).collect();
    let mut builder = Builder {
        rng,
        page_has_map,
        page_uses_onclick,
        map_without_ids,
        tables: vec![],
        truth: BTreeMap::new(),
        row_keys: vec![],
        dependents: BTreeMap::new(),
        antecedents: BTreeMap::new(),
        map: BTreeMap::new(),
    };
    if page_has_map {
        // Salesforce's own table for FLS and object permissions (salesforce.md §C.2, §C.3).
        for (key, perm) in OBJECT_KEYS {
            let kind = PermissionKind::ObjectPerm { perm };
            let key_of = |kind: PermissionKind| match kind {
                PermissionKind::ObjectPerm { perm } => OBJECT_KEYS
                    .iter()
                    .find(|(_, p)| *p == perm)
                    .map(|(k, _)| k.to_string()),
                _ => None,
            };
            let up: Vec<String> = rules_by_hand(kind, true)
                .into_iter()
                .filter_map(key_of)
                .collect();
            let down: Vec<String> = rules_by_hand(kind, false)
                .into_iter()
                .filter_map(key_of)
                .collect();
            builder.dependents.insert(key.into(), up);
            builder.antecedents.insert(key.into(), down);
        }
    }
    for layout in layouts {
        match layout {
            0 => builder.fls_table(),
            1 => builder.object_grid_table(),
            2 => builder.object_rows_table(),
            3 => builder.profile_table(),
            4 if page_has_map => builder.system_table(),
            _ => builder.generic_table(),
        }
    }
    let mut page = serde_json::json!({"tables": builder.tables});
    if page_has_map {
        page["dependencyMap"] = serde_json::json!({
            "dependents": builder.dependents,
            "antecedents": builder.antecedents,
            "map": builder.map,
        });
    }
    let snapshot = serde_json::from_value(page).unwrap();
    GeneratedPage {
        snapshot,
        truth: builder.truth,
        row_keys: builder.row_keys,
    }
}

fn states_of(snapshot: &PageSnapshot) -> BTreeMap<String, bool> {
    let mut states = BTreeMap::new();
    for table in &snapshot.tables {
        for row in &table.rows {
            for cell in &row.cells {
                if let Some(checkbox) = &cell.checkbox {
                    states.insert(checkbox.id.clone(), checkbox.checked);
                }
            }
        }
    }
    states
}

impl GeneratedPage {
    fn states(&self) -> BTreeMap<String, bool> {
        states_of(&self.snapshot)
    }

    /// What Salesforce's page does when `id` is clicked to `checked`: the ids it sets, `id` first.
    fn page_reaction(&self, id: &str, checked: bool) -> Vec<String> {
        let truth = &self.truth[id];
        let mut reaction = vec![id.to_owned()];
        match (&self.snapshot.dependency_map, &truth.map_address) {
            (Some(map), Some((row_key, perm_key))) => {
                let edges = if checked {
                    &map.dependents
                } else {
                    &map.antecedents
                };
                let mut seen = BTreeSet::from([perm_key.clone()]);
                let mut queue = vec![perm_key.clone()];
                while let Some(perm) = queue.pop() {
                    for next in edges.get(&perm).into_iter().flatten() {
                        if seen.insert(next.clone()) {
                            queue.push(next.clone());
                            // The page's map names the box; a snapshot without the map's
                            // ids names it by its onclick triple instead.
                            let other = match map.map.get(row_key).and_then(|m| m.get(next)) {
                                Some(id) => self.truth.contains_key(id).then(|| id.clone()),
                                None => self.truth.iter().find_map(|(id, truth)| {
                                    let address = (row_key.clone(), next.clone());
                                    (truth.map_address.as_ref() == Some(&address))
                                        .then(|| id.clone())
                                }),
                            };
                            if let Some(other) = other.filter(|o| !reaction.contains(o)) {
                                reaction.push(other);
                            }
                        }
                    }
                }
            }
            _ => {
                for kind in rules_by_hand(truth.kind, checked) {
                    for (other, other_truth) in &self.truth {
                        if other_truth.dependency_row == truth.dependency_row
                            && other_truth.kind == kind
                            && !reaction.contains(other)
                        {
                            reaction.push(other.clone());
                        }
                    }
                }
            }
        }
        reaction
    }

    /// The admin clicks, top to bottom, every enabled box of the column in a visible row that is
    /// not yet as wanted; a click whose effect would need a disabled box or a hidden row changed is
    /// one Salesforce would not store consistently, so the admin leaves that row.
    fn click_by_hand(
        &self,
        table: usize,
        cell: usize,
        checked: bool,
        visible: Option<&BTreeSet<String>>,
    ) -> BTreeMap<String, bool> {
        let mut states = self.states();
        let hidden = |id: &str| {
            let truth = &self.truth[id];
            truth.table == table
                && visible.is_some_and(|rows| !rows.contains(&self.row_keys[table][truth.row]))
        };
        for (row, row_key) in self.row_keys[table].iter().enumerate() {
            let Some(checkbox) = &self.snapshot.tables[table].rows[row].cells[cell].checkbox else {
                continue;
            };
            let id = &checkbox.id;
            if checkbox.disabled
                || states[id] == checked
                || visible.is_some_and(|rows| !rows.contains(row_key))
            {
                continue;
            }
            self.click(&mut states, id, checked, &hidden);
        }
        states
    }

    /// One click by hand: the page's reaction, unless it needs a disabled or hidden box changed.
    fn click(
        &self,
        states: &mut BTreeMap<String, bool>,
        id: &str,
        checked: bool,
        hidden: &dyn Fn(&str) -> bool,
    ) {
        let reaction = self.page_reaction(id, checked);
        let refused = reaction
            .iter()
            .any(|other| states[other] != checked && (self.truth[other].disabled || hidden(other)));
        if !refused {
            for other in reaction {
                states.insert(other, checked);
            }
        }
    }

    /// Pasting by hand: in every visible row but the source, left to right over `cells`, the
    /// admin clicks each box that differs from the source row's box in the same column.
    fn paste_by_hand(
        &self,
        table: usize,
        source_row: usize,
        cells: &[usize],
        visible: Option<&BTreeSet<String>>,
    ) -> BTreeMap<String, bool> {
        let mut states = self.states();
        let rows = &self.snapshot.tables[table].rows;
        let wanted: Vec<Option<bool>> = cells
            .iter()
            .map(|&cell| {
                rows[source_row].cells[cell]
                    .checkbox
                    .as_ref()
                    .map(|b| b.checked)
            })
            .collect();
        let hidden = |id: &str| {
            let truth = &self.truth[id];
            truth.table == table
                && visible.is_some_and(|rows| !rows.contains(&self.row_keys[table][truth.row]))
        };
        for (row, row_key) in self.row_keys[table].iter().enumerate() {
            if row == source_row || visible.is_some_and(|rows| !rows.contains(row_key)) {
                continue;
            }
            for (&cell, wanted) in cells.iter().zip(&wanted) {
                let (Some(checkbox), Some(checked)) = (&rows[row].cells[cell].checkbox, *wanted)
                else {
                    continue;
                };
                if states[&checkbox.id] != checked {
                    self.click(&mut states, &checkbox.id, checked, &hidden);
                }
            }
        }
        states
    }
}

#[test]
fn a_plan_ends_where_clicking_every_box_by_hand_ends() {
    let (plans, changes, skips) = (Cell::new(0), Cell::new(0), Cell::new(0));
    for_generated_pages(600, |rng| {
        let page = generate(rng);
        let model = detect_columns(&page.snapshot);
        for (id, truth) in &page.truth {
            let detected = model.checkbox_kind(id);
            assert_eq!(detected, Some(truth.kind), "kind of {id}");
        }
        for column in model.columns() {
            let table: usize = column.table_key[1..].parse().unwrap();
            let all_rows = &page.row_keys[table];
            let random_filter: BTreeSet<String> = all_rows
                .iter()
                .filter(|_| rng.chance(60))
                .cloned()
                .collect();
            for visible in [None, Some(random_filter)] {
                for action in [ColumnAction::CheckAll, ColumnAction::ClearAll] {
                    let checked = action == ColumnAction::CheckAll;
                    let filter = visible.clone().map(|rows| RowFilter {
                        table_key: column.table_key.clone(),
                        visible_row_keys: rows,
                    });
                    let request = ToggleRequest {
                        column_key: column.key.clone(),
                        action,
                        filter: filter.clone(),
                    };
                    let plan = plan_toggle(&model, &request).unwrap();
                    let context = format!("{} {action:?} {visible:?}", column.key);

                    let before = page.states();
                    let after = apply(&page.snapshot, &plan.changes);
                    let planned = states_of(&after);
                    let by_hand =
                        page.click_by_hand(table, column.cell_index, checked, visible.as_ref());
                    assert_eq!(planned, by_hand, "{context}: {plan:#?}");

                    let mut seen = BTreeSet::new();
                    for change in &plan.changes {
                        assert!(seen.insert(&change.checkbox_id), "{context}: twice");
                        assert!(
                            !page.truth[&change.checkbox_id].disabled,
                            "{context}: disabled"
                        );
                        assert_ne!(
                            before[&change.checkbox_id], change.checked,
                            "{context}: no-op"
                        );
                        assert_eq!(change.checked, checked, "{context}: wrong way");
                    }
                    assert_eq!(apply(&after, &plan.undo), page.snapshot, "{context}: undo");
                    assert_eq!(
                        tri_state_after(&model, &plan.changes, filter.as_ref()),
                        detect_columns(&after).column_states(filter.as_ref()),
                        "{context}: tri-state"
                    );
                    // The header tells the truth afterwards: every box the toggle could
                    // change now has the toggle's state, skipped rows or not.
                    let state = tri_state_after(&model, &plan.changes, filter.as_ref())
                        .into_iter()
                        .find(|s| s.key == column.key)
                        .unwrap();
                    let full = if checked && state.changeable_count > 0 {
                        TriState::All
                    } else {
                        TriState::None
                    };
                    assert_eq!(state.state, full, "{context}: {state:?}");
                    plans.set(plans.get() + 1);
                    changes.set(changes.get() + plan.changes.len());
                    skips.set(skips.get() + plan.skipped.len());
                }
            }
        }
    });
    let (plans, changes, skips) = (plans.get(), changes.get(), skips.get());
    println!("{plans} plans, {changes} changes, {skips} skipped rows");
    assert!(
        plans > 2_000 && changes > 5_000 && skips > 200,
        "{plans} {changes} {skips}"
    );
}

#[test]
fn pasting_a_row_ends_where_clicking_its_differing_boxes_by_hand_ends() {
    let (pastes, changes, skips) = (Cell::new(0), Cell::new(0), Cell::new(0));
    for_generated_pages(400, |rng| {
        let page = generate(rng);
        let model = detect_columns(&page.snapshot);
        let controls = PageControls::of(&model, None);
        for table in controls.tables.iter().filter(|t| t.rows_copyable) {
            let number: usize = table.key[1..].parse().unwrap();
            let rows = &page.row_keys[number];
            let cells: Vec<usize> = model
                .columns()
                .iter()
                .filter(|c| c.table_key == table.key)
                .map(|c| c.cell_index)
                .collect();
            let source = rng.below(rows.len());
            let random_filter: BTreeSet<String> =
                rows.iter().filter(|_| rng.chance(60)).cloned().collect();
            for visible in [None, Some(random_filter)] {
                let filter = visible.clone().map(|rows| RowFilter {
                    table_key: table.key.clone(),
                    visible_row_keys: rows,
                });
                let plan = plan_paste(&model, &table.key, &rows[source], filter.as_ref()).unwrap();
                let context = format!("{} from {} {visible:?}", table.key, rows[source]);
                let after = apply(&page.snapshot, &plan.changes);
                assert_eq!(
                    states_of(&after),
                    page.paste_by_hand(number, source, &cells, visible.as_ref()),
                    "{context}: {plan:#?}"
                );
                for change in &plan.changes {
                    assert!(
                        !page.truth[&change.checkbox_id].disabled,
                        "{context}: disabled"
                    );
                }
                assert_eq!(apply(&after, &plan.undo), page.snapshot, "{context}: undo");
                pastes.set(pastes.get() + 1);
                changes.set(changes.get() + plan.changes.len());
                skips.set(skips.get() + plan.skipped.len());
            }
        }
    });
    let (pastes, changes, skips) = (pastes.get(), changes.get(), skips.get());
    println!("{pastes} pastes, {changes} changes, {skips} skipped boxes");
    assert!(
        pastes > 200 && changes > 1_000 && skips > 50,
        "{pastes} {changes} {skips}"
    );
}
