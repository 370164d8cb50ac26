//! The bulk-toggle request as the content script sends it, answered by the same handler the
//! background runs: JSON in, the columns and each box's dependency closure out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use forcefield::platform::memory::Absent;
use forcefield::platform::Host;
use forcefield::protocol::toggles::TogglesReply;
use forcefield::protocol::{decode, ContentRequest, Frame, Reply};
use forcefield::router::answer_content;

fn plan(request_json: serde_json::Value) -> serde_json::Value {
    let request: ContentRequest = decode(request_json).unwrap();
    // A host with nothing in it (no session, network, storage or clock): planning columns must
    // need none of it.
    let host = Host {
        sessions: Absent,
        transport: Absent,
        storage: Absent,
        clock: Absent,
    };
    let frame = Frame {
        url: "https://acme.my.salesforce-setup.com/0PS".to_owned(),
    };
    let reply = pollster::block_on(answer_content(&host, &Absent, &frame, request));
    assert!(
        matches!(reply, Reply::Toggles(TogglesReply::ColumnPlans(_))),
        "{reply:?}"
    );
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
fn a_permission_set_page_gets_read_and_edit_controls_with_each_boxs_closure() {
    let reply =
        plan(serde_json::json!({"type": "planColumns", "snapshot": fixture("ps_object_page")}));
    assert_eq!(reply["type"], "columnPlans");
    let columns = reply["columns"].as_array().unwrap();
    let boxes = reply["boxes"].as_array().unwrap();
    let kind = |c: &serde_json::Value| c["column"]["kind"]["type"].as_str().unwrap().to_owned();
    let read = columns.iter().find(|c| kind(c) == "fieldRead").unwrap();
    let edit = columns.iter().find(|c| kind(c) == "fieldEdit").unwrap();
    let id_of = |i: &serde_json::Value| boxes[i.as_u64().unwrap() as usize]["id"].as_str().unwrap();
    let links = |i: &serde_json::Value, way: &str| -> Vec<String> {
        boxes[i.as_u64().unwrap() as usize][way]
            .as_array()
            .map(|l| l.iter().map(|j| id_of(j).to_owned()).collect())
            .unwrap_or_default()
    };
    // Every box of the snapshot is listed once, in document order.
    let snapshot = fixture("ps_object_page");
    let ids: Vec<&str> = snapshot["tables"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["rows"].as_array().unwrap())
        .flat_map(|r| r["cells"].as_array().unwrap())
        .filter_map(|c| c["checkbox"]["id"].as_str())
        .collect();
    let listed: Vec<&str> = boxes.iter().map(|b| b["id"].as_str().unwrap()).collect();
    assert_eq!(listed, ids);
    // Checking an Edit box checks its row's Read box; clearing a Read box clears its Edit box.
    let read_boxes = read["boxes"].as_array().unwrap();
    let edit_boxes = edit["boxes"].as_array().unwrap();
    assert_eq!(read_boxes.len(), edit_boxes.len());
    for (r, e) in read_boxes.iter().zip(edit_boxes) {
        assert_eq!(links(e, "on"), vec![id_of(r).to_owned()]);
        assert_eq!(links(r, "off"), vec![id_of(e).to_owned()]);
        assert!(links(r, "on").is_empty() && links(e, "off").is_empty());
    }
    // The field table's rows are copied onto each other; the object permissions' are not.
    let tables = reply["tables"].as_array().unwrap();
    let copyable: Vec<(&str, bool)> = tables
        .iter()
        .map(|t| {
            (
                t["key"].as_str().unwrap(),
                t["rowsCopyable"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(copyable.contains(&("thePage:theForm:pb:fieldPerms", true)));
    assert!(copyable.contains(&("thePage:theForm:pb:objectPerms", false)));
    let fields = tables
        .iter()
        .find(|t| t["key"] == "thePage:theForm:pb:fieldPerms")
        .unwrap();
    assert_eq!(fields["rows"][0]["apiName"], "Account.Name");
    assert_eq!(fields["rows"][7]["apiName"], "Account.Rating__c");
    assert_eq!(fields["rows"][7]["custom"], true);
}

#[test]
fn a_filter_counts_only_the_rows_it_shows() {
    let snapshot = fixture("ps_object_page");
    let table_key = "thePage:theForm:pb:fieldPerms";
    let reply = plan(serde_json::json!({
        "type": "planColumns",
        "snapshot": snapshot,
        "filter": {"tableKey": table_key, "visibleRowKeys": ["Account.Industry"]},
    }));
    for control in reply["columns"].as_array().unwrap() {
        let column = &control["column"];
        if column["tableKey"] == table_key {
            // Industry is readable and editable.
            assert_eq!(column["changeableCount"], 1, "{column}");
            assert_eq!(column["state"], "all", "{column}");
        }
    }
}

#[test]
fn a_page_without_checkbox_columns_gets_no_controls() {
    let reply =
        plan(serde_json::json!({"type": "planColumns", "snapshot": fixture("no_checkbox_column")}));
    assert_eq!(reply["columns"], serde_json::json!([]));
}
