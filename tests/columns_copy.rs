#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Copying another permission set's or profile's access onto a page: the box states a source's
//! ObjectPermissions and FieldPermissions become on the permission set object page and on the
//! original profile page `flsedit.jsp` (tests/fixtures/columns), "Match exactly" and "Add only",
//! run by the same steps as a toggle.

use forcefield::columns::copy::{
    apply_copy, page_object, plan_copy, CopyMode, FieldGrant, SourceAccess,
};
use forcefield::columns::{detect_columns, CheckboxChange, PageSnapshot, SkipReason};
use forcefield::rules::ObjectPerm;
use std::collections::{BTreeMap, BTreeSet};

fn fixture(name: &str) -> PageSnapshot {
    let path = format!(
        "{}/tests/fixtures/columns/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn source(object_perms: &[ObjectPerm], fields: &[(&str, bool, bool)]) -> SourceAccess {
    SourceAccess {
        object: "Account".into(),
        object_perms: object_perms.to_vec(),
        fields: fields
            .iter()
            .map(|&(name, read, edit)| (name.to_owned(), FieldGrant { read, edit }))
            .collect(),
    }
}

/// Changes as (the id's last segment, state), the ids on the permission set page being long.
fn short(changes: &[CheckboxChange]) -> BTreeSet<(String, bool)> {
    changes
        .iter()
        .map(|c| {
            let id = &c.checkbox_id;
            let short = id.strip_prefix("thePage:theForm:pb:").unwrap_or(id);
            (short.to_owned(), c.checked)
        })
        .collect()
}

fn owned(pairs: &[(&str, bool)]) -> BTreeSet<(String, bool)> {
    pairs.iter().map(|&(id, on)| (id.to_owned(), on)).collect()
}

const NETSUITE_LIKE: &[(&str, bool, bool)] = &[
    ("AccountNumber", true, true),
    ("Rating__c", true, false),
    ("Phone", true, false),
];

#[test]
fn the_permission_set_page_names_its_object_in_its_rows() {
    assert_eq!(
        page_object(&detect_columns(&fixture("ps_object_page"))).as_deref(),
        Some("Account")
    );
    // flsedit.jsp's rows don't: the request takes it from the page's address.
    assert_eq!(
        page_object(&detect_columns(&fixture("profile_flsedit"))),
        None
    );
}

#[test]
fn match_exactly_makes_the_page_the_source_except_disabled_boxes() {
    let model = detect_columns(&fixture("ps_object_page"));
    let source = source(&[ObjectPerm::Read, ObjectPerm::Create], NETSUITE_LIKE);
    let plan = plan_copy(&model, "Account", &source, CopyMode::MatchExactly);
    assert_eq!(plan.rows_without_api_name, 0);
    assert_eq!(plan.fields_not_on_page, vec!["Account.Phone"]);
    // Object permissions come first.
    assert!(plan.targets[..6]
        .iter()
        .all(|t| t.checkbox_id.contains("objectPerms")));
    let (changes, skipped) = apply_copy(&model, &plan);
    assert_eq!(
        short(&changes),
        owned(&[
            ("objectPerms:1:olp_check", true),
            ("objectPerms:2:olp_check", false),
            ("fieldPerms:2:fls_edit_ck", true),
            ("fieldPerms:5:fls_read_ck", false),
            ("fieldPerms:6:fls_read_ck", false),
            ("fieldPerms:6:fls_edit_ck", false),
            ("fieldPerms:7:fls_read_ck", true),
        ])
    );
    // The required fields' boxes are disabled: counted, never written.
    let unchangeable: BTreeSet<String> = skipped.iter().map(|s| s.row_key.clone()).collect();
    assert_eq!(
        unchangeable,
        ["Account.Name", "Account.OwnerId"].map(String::from).into()
    );
    assert!(skipped
        .iter()
        .all(|s| matches!(s.reason, SkipReason::Disabled { .. })));
}

#[test]
fn add_only_never_takes_access_away() {
    let model = detect_columns(&fixture("ps_object_page"));
    let source = source(&[ObjectPerm::Read, ObjectPerm::Create], NETSUITE_LIKE);
    let plan = plan_copy(&model, "Account", &source, CopyMode::AddOnly);
    let (changes, skipped) = apply_copy(&model, &plan);
    assert_eq!(
        short(&changes),
        owned(&[
            ("objectPerms:1:olp_check", true),
            ("fieldPerms:2:fls_edit_ck", true),
            ("fieldPerms:7:fls_read_ck", true),
        ])
    );
    assert!(changes.iter().all(|c| c.checked));
    assert!(skipped.is_empty());
}

#[test]
fn granting_edit_brings_read_and_a_disabled_read_stops_the_row() {
    let model = detect_columns(&fixture("ps_object_page"));
    // Restricted__c's Read is disabled and clear: its Edit can't be granted.
    let source = source(
        &[],
        &[("AnnualRevenue", true, true), ("Restricted__c", true, true)],
    );
    let plan = plan_copy(&model, "Account", &source, CopyMode::AddOnly);
    let (changes, skipped) = apply_copy(&model, &plan);
    assert_eq!(
        short(&changes),
        owned(&[
            ("fieldPerms:3:fls_read_ck", true),
            ("fieldPerms:3:fls_edit_ck", true),
        ])
    );
    let rows: BTreeMap<&str, &SkipReason> = skipped
        .iter()
        .map(|s| (s.row_key.as_str(), &s.reason))
        .collect();
    assert_eq!(rows.len(), 1);
    assert!(matches!(
        rows["Account.Restricted__c"],
        SkipReason::Disabled { .. } | SkipReason::DisabledDependency { .. }
    ));
}

#[test]
fn on_flsedit_visible_is_read_and_read_only_is_read_without_edit() {
    let model = detect_columns(&fixture("profile_flsedit"));
    let source = source(
        &[],
        &[
            ("AccountNumber", true, false),
            ("AnnualRevenue", true, true),
            ("Rating__c", true, false),
        ],
    );
    let plan = plan_copy(&model, "Account", &source, CopyMode::MatchExactly);
    // The custom field's row is named by an Id: skipped and counted.
    assert_eq!(plan.rows_without_api_name, 1);
    assert_eq!(plan.fields_not_on_page, vec!["Account.Rating__c"]);
    let (changes, skipped) = apply_copy(&model, &plan);
    assert_eq!(
        short(&changes),
        owned(&[
            ("edit_AccountNumber", true),
            ("display_AnnualRevenue", true),
            ("display_Industry", false),
            ("edit_Industry", false),
        ])
    );
    // Name's Visible box is disabled; hiding Created By would clear its disabled Read-Only.
    let rows: BTreeSet<&str> = skipped.iter().map(|s| s.row_key.as_str()).collect();
    assert_eq!(rows, ["Name", "CreatedBy"].into());
}
