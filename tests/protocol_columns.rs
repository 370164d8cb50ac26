//! The bulk-toggle request as the content script sends it, answered by the same handler the
//! background runs: JSON in, the columns with both precomputed plans out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use forcefield::platform::memory::Absent;
use forcefield::platform::Host;
use forcefield::protocol::{Reply, Request};
use forcefield::router::handle;

fn plan(request_json: serde_json::Value) -> serde_json::Value {
    let request: Request = serde_json::from_value(request_json).unwrap();
    // A host with nothing in it (no session, network, storage or clock): planning columns must
    // need none of it.
    let host = Host {
        sessions: Absent,
        transport: Absent,
        storage: Absent,
        clock: Absent,
    };
    let reply = pollster::block_on(handle(&host, request, None));
    assert!(matches!(reply, Reply::ColumnPlans { .. }), "{reply:?}");
    serde_json::to_value(reply).unwrap()
}

fn fixture(name: &str) -> serde_json::Value {
    let path = format!(
        "{}/tests/fixtures/columns/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    snapshot.as_object_mut().unwrap().remove("_about");
    snapshot
}

#[test]
fn a_permission_set_page_gets_read_and_edit_controls_with_both_plans() {
    let reply =
        plan(serde_json::json!({"type": "planColumns", "snapshot": fixture("ps_object_page")}));
    let columns = reply["columns"].as_array().unwrap();
    let kind = |c: &serde_json::Value| c["column"]["kind"]["type"].as_str().unwrap().to_owned();
    let read = columns.iter().find(|c| kind(c) == "fieldRead").unwrap();
    let edit = columns.iter().find(|c| kind(c) == "fieldEdit").unwrap();
    for control in [read, edit] {
        assert_eq!(control["checkAll"]["action"], "checkAll");
        assert_eq!(control["clearAll"]["action"], "clearAll");
    }
    // Checking Edit for all also checks Read wherever Read was unchecked.
    let edit_changes = edit["checkAll"]["changes"].as_array().unwrap();
    assert!(edit_changes
        .iter()
        .any(|c| c["checkboxId"].as_str().unwrap().ends_with(":fls_read_ck")));
    // The plan never names a disabled box.
    let snapshot = fixture("ps_object_page");
    let disabled: Vec<&str> = snapshot["tables"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["rows"].as_array().unwrap())
        .flat_map(|r| r["cells"].as_array().unwrap())
        .filter(|c| c["checkbox"]["disabled"] == true)
        .map(|c| c["checkbox"]["id"].as_str().unwrap())
        .collect();
    assert!(!disabled.is_empty());
    for control in columns {
        for plan in ["checkAll", "clearAll"] {
            for change in control[plan]["changes"].as_array().unwrap() {
                assert!(!disabled.contains(&change["checkboxId"].as_str().unwrap()));
            }
        }
    }
}

#[test]
fn a_filter_limits_the_plans_of_its_table_only() {
    let snapshot = fixture("ps_object_page");
    let fields = snapshot["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["rows"].to_string().contains("fls_read_ck"))
        .unwrap();
    let table_key = fields["key"].as_str().unwrap();
    let first_row = fields["rows"][0]["key"].as_str().unwrap();
    let reply = plan(serde_json::json!({
        "type": "planColumns",
        "snapshot": snapshot,
        "filter": {"tableKey": table_key, "visibleRowKeys": [first_row]},
    }));
    for control in reply["columns"].as_array().unwrap() {
        let in_table = control["column"]["tableKey"] == table_key;
        let changes = control["checkAll"]["changes"].as_array().unwrap().len()
            + control["clearAll"]["changes"].as_array().unwrap().len();
        if in_table {
            assert!(
                changes <= 2,
                "only the one visible row may change: {changes}"
            );
        }
    }
}

#[test]
fn a_page_without_checkbox_columns_gets_no_controls() {
    let reply =
        plan(serde_json::json!({"type": "planColumns", "snapshot": fixture("no_checkbox_column")}));
    assert_eq!(reply["columns"], serde_json::json!([]));
}
