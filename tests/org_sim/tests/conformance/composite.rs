//! sObject Collections (salesforce.md §B.3), composite (§B.4), batch, graph (§B.5): results, limits,
//! references, allOrNone with real rollback, the mixed-Setup-types rule (§H.Q3).

use serde_json::{json, Value};

use crate::api::*;
use crate::common::*;

const ROLLED_BACK: &str = "Record rolled back because not all records were valid and the request was using AllOrNone header";

fn halted() -> Value {
    json!([{"errorCode": "PROCESSING_HALTED", "message": "The transaction was rolled back since another operation in the same transaction failed."}])
}

#[test]
fn collections_create_update_delete_with_per_record_results() {
    let sim = start();
    let api = Api::admin(&sim);
    let r = api.post(
        "composite/sobjects",
        &json!({"allOrNone": false, "records": [
            {"attributes": {"type": "Account"}, "Name": "One"},
            {"attributes": {"type": "Account"}, "Industry": "Retail"},
            {"attributes": {"type": "Account"}, "Name": "Three", "Id": "001AM0000000001AAA"},
            {"Name": "No type"},
        ]}),
    );
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v[0]["success"], true);
    assert_eq!(v[0]["errors"], json!([]));
    let one = v[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        v[1],
        json!({"success": false, "errors": [{"statusCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [Name]", "fields": ["Name"]}]})
    );
    assert_eq!(
        v[2],
        json!({"success": false, "errors": [{"statusCode": "INVALID_FIELD", "message": "cannot specify Id in an insert call", "fields": ["Id"]}]})
    );
    assert_eq!(
        v[3],
        json!({"success": false, "errors": [{"statusCode": "INVALID_TYPE", "message": "Must send a concrete entity type.", "fields": []}]})
    );
    let r = api.patch(
        "composite/sobjects",
        &json!({"records": [
            {"attributes": {"type": "Account"}, "id": one, "Name": "One!"},
            {"attributes": {"type": "Account"}, "Name": "no id"},
        ]}),
    );
    let v = r.json();
    assert_eq!(v[0], json!({"id": one, "success": true, "errors": []}));
    assert_eq!(v[1]["errors"][0]["statusCode"], "MISSING_ARGUMENT");
    let r = api.delete(&format!(
        "composite/sobjects?ids={one},001AM0000000999AAA&allOrNone=false"
    ));
    let v = r.json();
    assert_eq!(v[0], json!({"id": one, "success": true, "errors": []}));
    assert_eq!(
        v[1],
        json!({"id": "001AM0000000999AAA", "success": false, "errors": [{"statusCode": "INVALID_CROSS_REFERENCE_KEY", "message": "invalid cross reference id", "fields": []}]})
    );
    // ≤200 records.
    let many: Vec<Value> = (0..201)
        .map(|i| json!({"attributes": {"type": "Account"}, "Name": format!("A{i}")}))
        .collect();
    assert_exact(
        &api.post("composite/sobjects", &json!({"records": many})),
        400,
        json!([{"message": "record limit reached. cannot submit more than 200 records into this call", "errorCode": "EXCEEDED_ID_LIMIT"}]),
    );
}

#[test]
fn collections_all_or_none_rolls_back_exactly() {
    let sim = start();
    let api = Api::admin(&sim);
    let before = sim.state_dump("acme");
    let ps = api.ps_id("Invoice_Viewer");
    let r = api.post("composite/sobjects", &json!({"allOrNone": true, "records": [
        {"attributes": {"type": "ObjectPermissions"}, "ParentId": ps, "SobjectType": "Account", "PermissionsRead": true},
        {"attributes": {"type": "ObjectPermissions"}, "ParentId": ps, "SobjectType": "Task", "PermissionsRead": true},
        {"attributes": {"type": "ObjectPermissions"}, "ParentId": ps, "SobjectType": "Contact", "PermissionsRead": true},
    ]}));
    assert_exact(
        &r,
        200,
        json!([
            {"success": false, "errors": [{"statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK", "message": ROLLED_BACK, "fields": []}]},
            {"success": false, "errors": [{"statusCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "message": "Sobject Type Name: bad value for restricted picklist field: Task", "fields": ["SobjectType"]}]},
            {"success": false, "errors": [{"statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK", "message": ROLLED_BACK, "fields": []}]},
        ]),
    );
    assert_eq!(sim.state_dump("acme"), before, "store exactly as before");
    // Ids after a rollback are the same a clean run would get.
    let r = api.post("composite/sobjects", &json!({"allOrNone": true, "records": [
        {"attributes": {"type": "ObjectPermissions"}, "ParentId": ps, "SobjectType": "Account", "PermissionsRead": true},
    ]}));
    assert_eq!(r.json()[0]["success"], true);
}

#[test]
fn collections_reject_mixing_setup_types() {
    let sim = start();
    let api = Api::admin(&sim);
    let ps = api.ps_id("Invoice_Viewer");
    let r = api.post("composite/sobjects", &json!({"records": [
        {"attributes": {"type": "Account"}, "Name": "Data first"},
        {"attributes": {"type": "ObjectPermissions"}, "ParentId": ps, "SobjectType": "Account", "PermissionsRead": true},
    ]}));
    let v = r.json();
    assert_eq!(v[0]["success"], true);
    assert_eq!(
        v[1],
        json!({"success": false, "errors": [{"statusCode": "MIXED_DML_OPERATION", "message": "DML operation on setup object is not permitted after you have updated a non-setup object (or vice versa): ObjectPermissions, original object: Account", "fields": []}]})
    );
    // Two Setup types are a mix too; one type per call is fine.
    let user = api.user_id("alan.turing@acme.example");
    let r = api.post("composite/sobjects", &json!({"records": [
        {"attributes": {"type": "PermissionSet"}, "Name": "Set_A", "Label": "Set A"},
        {"attributes": {"type": "PermissionSetAssignment"}, "AssigneeId": user, "PermissionSetId": ps},
    ]}));
    assert_eq!(
        r.json()[1]["errors"][0]["statusCode"],
        "MIXED_DML_OPERATION"
    );
}

#[test]
fn composite_references_all_or_none_and_limits() {
    let sim = start();
    let api = Api::admin(&sim);
    let r = api.post("composite", &json!({"allOrNone": false, "compositeRequest": [
        {"method": "POST", "url": "/services/data/v66.0/sobjects/Account", "referenceId": "acc", "body": {"Name": "Composite Co"}},
        {"method": "POST", "url": "/services/data/v66.0/sobjects/Contact", "referenceId": "con", "body": {"LastName": "Ref", "AccountId": "@{acc.id}"}},
        {"method": "GET", "url": "/services/data/v66.0/query?q=SELECT+Id,Name+FROM+Account+WHERE+Name='Composite Co'", "referenceId": "q"},
        {"method": "PATCH", "url": "/services/data/v66.0/sobjects/Account/@{q.records[0].Id}", "referenceId": "upd", "body": {"Industry": "Retail"}},
        {"method": "GET", "url": "/services/data/v66.0/sobjects/Account/@{acc.id}?fields=Industry", "referenceId": "get"},
    ]}));
    assert_eq!(r.status, 200);
    let v = r.json()["compositeResponse"].as_array().unwrap().clone();
    let acc = v[0]["body"]["id"].as_str().unwrap().to_owned();
    assert_eq!(v[0]["httpStatusCode"], 201);
    assert_eq!(v[0]["referenceId"], "acc");
    assert_eq!(
        v[0]["httpHeaders"]["Location"],
        format!("/services/data/v66.0/sobjects/Account/{acc}")
    );
    assert_eq!(v[1]["httpStatusCode"], 201);
    assert_eq!(v[3]["httpStatusCode"], 204);
    assert_eq!(v[3]["body"], Value::Null);
    assert_eq!(v[4]["body"]["Industry"], "Retail");
    let contact = api.query("SELECT Account.Name FROM Contact WHERE LastName = 'Ref'");
    assert_eq!(contact[0]["Account"]["Name"], "Composite Co");

    // allOrNone: the failing one keeps its error, all others PROCESSING_HALTED, rolled back.
    let before = sim.state_dump("acme");
    let r = api.post("composite", &json!({"allOrNone": true, "compositeRequest": [
        {"method": "POST", "url": "/services/data/v66.0/sobjects/Account", "referenceId": "a1", "body": {"Name": "Rolled"}},
        {"method": "POST", "url": "/services/data/v66.0/sobjects/Contact", "referenceId": "c1", "body": {"AccountId": "@{a1.id}"}},
        {"method": "POST", "url": "/services/data/v66.0/sobjects/Account", "referenceId": "a2", "body": {"Name": "Never"}},
    ]}));
    assert_eq!(r.status, 200);
    let v = r.json()["compositeResponse"].as_array().unwrap().clone();
    assert_eq!(
        (v[0]["httpStatusCode"].clone(), v[0]["body"].clone()),
        (json!(400), halted())
    );
    assert_eq!(v[1]["httpStatusCode"], 400);
    assert_eq!(
        v[1]["body"],
        json!([{"message": "Required fields are missing: [LastName]", "errorCode": "REQUIRED_FIELD_MISSING", "fields": ["LastName"]}])
    );
    assert_eq!(
        (v[2]["httpStatusCode"].clone(), v[2]["body"].clone()),
        (json!(400), halted())
    );
    assert_eq!(sim.state_dump("acme"), before);

    // Unresolvable reference.
    let r = api.post("composite", &json!({"compositeRequest": [
        {"method": "POST", "url": "/services/data/v66.0/sobjects/Account", "referenceId": "refNewAccount", "body": {"Industry": "x"}},
        {"method": "POST", "url": "/services/data/v66.0/sobjects/Contact", "referenceId": "c", "body": {"LastName": "x", "AccountId": "@{refNewAccount.id}"}},
    ]}));
    let v = r.json()["compositeResponse"].as_array().unwrap().clone();
    assert_eq!(
        v[1]["body"],
        json!([{"errorCode": "PROCESSING_HALTED", "message": "Invalid reference specified. No value for refNewAccount.id found in refNewAccount."}])
    );

    // Limits and forbidden headers: top-level 400.
    let subs: Vec<Value> = (0..26).map(|i| json!({"method": "GET", "url": "/services/data/v66.0/limits", "referenceId": format!("r{i}")})).collect();
    let r = api.post("composite", &json!({"compositeRequest": subs}));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()[0]["errorCode"], "INVALID_INPUT");
    let r = api.post("composite", &json!({"compositeRequest": [{"method": "GET", "url": "/services/data/v66.0/limits", "referenceId": "a", "httpHeaders": {"Authorization": "Bearer x"}}]}));
    assert_eq!(r.status, 400);
    let r = api.post("composite", &json!({"compositeRequest": [{"method": "GET", "url": "/services/data/v66.0/limits", "referenceId": "_bad"}]}));
    assert_eq!(r.status, 400);
    let queries: Vec<Value> = (0..6).map(|i| json!({"method": "GET", "url": "/services/data/v66.0/query?q=SELECT+Id+FROM+User", "referenceId": format!("q{i}")})).collect();
    assert_eq!(
        api.post("composite", &json!({"compositeRequest": queries}))
            .status,
        400
    );
    // Composite counts as one API call.
    let used = sim.api_usage("acme");
    api.post(
        "composite",
        &json!({"compositeRequest": [
            {"method": "GET", "url": "/services/data/v66.0/limits", "referenceId": "l1"},
            {"method": "GET", "url": "/services/data/v66.0/limits", "referenceId": "l2"},
        ]}),
    );
    assert_eq!(sim.api_usage("acme"), used + 1);
}

#[test]
fn composite_mixed_setup_types_switch() {
    let body = |ps_name: &str| {
        json!({"allOrNone": true, "compositeRequest": [
            {"method": "POST", "url": "/services/data/v66.0/sobjects/PermissionSet", "referenceId": "ps", "body": {"Name": ps_name, "Label": ps_name}},
            {"method": "POST", "url": "/services/data/v66.0/sobjects/ObjectPermissions", "referenceId": "op", "body": {"ParentId": "@{ps.id}", "SobjectType": "Account", "PermissionsRead": true}},
        ]})
    };
    let sim = start();
    let api = Api::admin(&sim);
    let before = sim.state_dump("acme");
    let v = api.post("composite", &body("Gen_1")).json()["compositeResponse"].clone();
    assert_eq!(v[0]["body"], halted());
    assert_eq!(
        v[1]["body"],
        json!([{"message": "DML operation on setup object is not permitted after you have updated a non-setup object (or vice versa): ObjectPermissions, original object: PermissionSet", "errorCode": "MIXED_DML_OPERATION"}])
    );
    assert_eq!(sim.state_dump("acme"), before);
    let sim = start_with(org_sim::SimConfig {
        allow_mixed_setup_types_in_composite: true,
        ..Default::default()
    });
    let api = Api::admin(&sim);
    let v = api.post("composite", &body("Gen_1")).json()["compositeResponse"].clone();
    assert_eq!(
        (
            v[0]["httpStatusCode"].clone(),
            v[1]["httpStatusCode"].clone()
        ),
        (json!(201), json!(201))
    );
}

#[test]
fn batch_and_graph() {
    let sim = start();
    let api = Api::admin(&sim);
    let r = api.post(
        "composite/batch",
        &json!({"haltOnError": true, "batchRequests": [
            {"method": "POST", "url": "v66.0/sobjects/Account", "richInput": {"Name": "Batch One"}},
            {"method": "GET", "url": "v66.0/sobjects/Account/001AM0000000999AAA"},
            {"method": "GET", "url": "v66.0/limits"},
        ]}),
    );
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["hasErrors"], true);
    assert_eq!(v["results"][0]["statusCode"], 201);
    assert_eq!(v["results"][1]["statusCode"], 404);
    assert_eq!(
        v["results"][2],
        json!({"statusCode": 412, "result": [{"errorCode": "BATCH_PROCESSING_HALTED", "message": "Batch processing halted per request"}]})
    );

    let before_count = api.query("SELECT Id FROM Account").len();
    let r = api.post("composite/graph", &json!({"graphs": [
        {"graphId": "good", "compositeRequest": [
            {"method": "POST", "url": "/services/data/v66.0/sobjects/Account", "referenceId": "a", "body": {"Name": "Graph Co"}},
            {"method": "POST", "url": "/services/data/v66.0/sobjects/Contact", "referenceId": "c", "body": {"LastName": "G", "AccountId": "@{a.id}"}},
        ]},
        {"graphId": "bad", "compositeRequest": [
            {"method": "POST", "url": "/services/data/v66.0/sobjects/Account", "referenceId": "a", "body": {"Name": "Graph Rolled"}},
            {"method": "POST", "url": "/services/data/v66.0/sobjects/Contact", "referenceId": "c", "body": {"AccountId": "@{a.id}"}},
        ]},
    ]}));
    assert_eq!(r.status, 200, "{}", r.body);
    let g = r.json()["graphs"].as_array().unwrap().clone();
    assert_eq!(
        (g[0]["graphId"].clone(), g[0]["isSuccessful"].clone()),
        (json!("good"), json!(true))
    );
    assert_eq!(g[1]["isSuccessful"], false);
    assert_eq!(
        g[1]["graphResponse"]["compositeResponse"][0]["body"],
        halted()
    );
    assert_eq!(api.query("SELECT Id FROM Account").len(), before_count + 1);
    // Unsupported node URL and limits.
    let r = api.post(
        "composite/graph",
        &json!({"graphs": [{"graphId": "q", "compositeRequest": [
        {"method": "GET", "url": "/services/data/v66.0/limits", "referenceId": "l"}]}]}),
    );
    assert_eq!(r.json()["graphs"][0]["isSuccessful"], false);
    let graphs: Vec<Value> = (0..76)
        .map(|i| json!({"graphId": format!("g{i}"), "compositeRequest": []}))
        .collect();
    assert_eq!(
        api.post("composite/graph", &json!({"graphs": graphs}))
            .status,
        400
    );
    let nodes: Vec<Value> = (0..501).map(|i| json!({"method": "POST", "url": "/services/data/v66.0/sobjects/Account", "referenceId": format!("n{i}"), "body": {"Name": "x"}})).collect();
    assert_eq!(
        api.post(
            "composite/graph",
            &json!({"graphs": [{"graphId": "big", "compositeRequest": nodes}]})
        )
        .status,
        400
    );
    let chain: Vec<Value> = (0..16).map(|i| {
        let parent = if i == 0 { json!(null) } else { json!(format!("@{{n{}.id}}", i - 1)) };
        json!({"method": "POST", "url": "/services/data/v66.0/sobjects/Account", "referenceId": format!("n{i}"), "body": {"Name": "x", "ParentId": parent}})
    }).collect();
    assert_eq!(
        api.post(
            "composite/graph",
            &json!({"graphs": [{"graphId": "deep", "compositeRequest": chain}]})
        )
        .status,
        400
    );
}
