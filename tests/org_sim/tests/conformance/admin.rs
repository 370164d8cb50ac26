//! Loopback admin endpoints, request log, virtual hosting, latency.

use std::time::{Duration, Instant};

use org_sim::SimConfig;

use crate::common::*;

#[test]
fn admin_endpoints_are_loopback_only() {
    let sim = start();
    let agent = sim.agent();
    let sid = sim.issue_session("acme", ADMIN);
    for host in [ACME, ACME_SETUP, ACME_LIGHTNING, UAT] {
        let r = post(
            &agent,
            &format!("https://{host}/__sim/expire-sessions"),
            "text/plain",
            "",
        );
        assert_eq!(r.status, 404, "{host}");
        assert_eq!(
            get(&agent, &format!("https://{host}/__sim/log"), None).status,
            404
        );
        let r = post(
            &agent,
            &format!("https://{host}/__sim/reset"),
            "text/plain",
            "",
        );
        assert_eq!(r.status, 404);
        let r = post(
            &agent,
            &format!("https://{host}/__sim/sessions"),
            "application/json",
            r#"{"org":"acme","username":"admin@acme.example"}"#,
        );
        assert_eq!(r.status, 404);
    }
    let r = get(
        &agent,
        &format!("https://{ACME}/services/data/v66.0/"),
        Some(&sid),
    );
    assert_eq!(r.status, 200, "sessions survived the refused expire call");
}

#[test]
fn admin_sessions_log_expire_and_reset() {
    let sim = start();
    let agent = sim.agent();
    let r = post(
        &agent,
        "https://127.0.0.1/__sim/sessions",
        "application/json",
        r#"{"org":"acme--uat","username":"admin@acme.example.uat"}"#,
    );
    assert_eq!(r.status, 200);
    let sid = r.json()["sid"].as_str().unwrap().to_owned();
    assert!(sid.starts_with("00DAM0000000002!"));
    let url = format!("https://{UAT}/services/data/v66.0/query?q=SELECT+Id+FROM+User");
    assert_eq!(get(&agent, &url, Some(&sid)).status, 200);
    assert_eq!(
        get(&agent, &format!("https://{UAT}/services/data/"), None).status,
        200
    );
    let r = post(
        &agent,
        "https://localhost/__sim/sessions",
        "application/json",
        r#"{"org":"nope","username":"x"}"#,
    );
    assert_eq!(r.status, 400);

    let log = get(&agent, "https://127.0.0.1/__sim/log", None).json();
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 2, "admin calls are not logged: {log}");
    assert_eq!(entries[0]["method"], "GET");
    assert_eq!(entries[0]["host"], UAT);
    assert_eq!(
        entries[0]["path"],
        "/services/data/v66.0/query?q=SELECT+Id+FROM+User"
    );
    assert_eq!(entries[0]["status"], 200);
    assert_eq!(entries[0]["auth_sent"], true);
    assert_eq!(entries[1]["auth_sent"], false);
    let native = sim.request_log();
    assert_eq!(native.len(), 2);
    assert!(native[0].auth_sent && !native[1].auth_sent);
    assert_eq!(native[1].path, "/services/data/");

    let r = post(
        &agent,
        "https://127.0.0.1/__sim/expire-sessions",
        "text/plain",
        "",
    );
    assert_eq!(r.status, 204);
    assert_eq!(get(&agent, &url, Some(&sid)).status, 401);

    let r = post(&agent, "https://127.0.0.1/__sim/reset", "text/plain", "");
    assert_eq!(r.status, 204);
    assert!(sim.request_log().is_empty());
    assert_eq!(
        get(&agent, "https://127.0.0.1/__sim/nope", None).status,
        404
    );
}

#[test]
fn unknown_hosts_get_plain_404_and_are_logged() {
    let sim = start();
    let agent = sim.agent();
    let r = get(
        &agent,
        "https://other.my.salesforce.com/services/data/",
        None,
    );
    assert_eq!(r.status, 404);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    let r = get(&agent, "https://acme--uat.my.salesforce.com/", None);
    assert_eq!(
        r.status, 404,
        "a sandbox lives under .sandbox. (salesforce.md §A.6)"
    );
    let log = sim.request_log();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].host, "other.my.salesforce.com");
    assert_eq!(log[0].status, 404);
}

#[test]
fn latency_delays_responses() {
    let sim = start_with(SimConfig {
        latency_ms: 150,
        ..SimConfig::default()
    });
    let agent = sim.agent();
    let t = Instant::now();
    assert_eq!(
        get(&agent, &format!("https://{ACME}/services/data/"), None).status,
        200
    );
    assert!(t.elapsed() >= Duration::from_millis(150));
}

#[test]
fn shutdown_stops_listening() {
    let sim = start();
    let port = sim.port();
    assert!(
        !sim.cert_pem().is_empty() && sim.cert_pem().starts_with("-----BEGIN CERTIFICATE-----")
    );
    assert!(!sim.cert_der().is_empty());
    sim.shutdown();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}
