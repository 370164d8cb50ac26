//! One source of Salesforce host patterns: the core's `SALESFORCE_DOMAINS`. The manifest's host
//! permissions and every content script's matches must be exactly its patterns, so the extension
//! runs on, and may fetch from, the hosts the core accepts and no others.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use forcefield::salesforce::host::{
    match_pattern, SalesforceHost, API_DOMAINS, SALESFORCE_DOMAINS, SESSION_COOKIE_DOMAINS,
};
use serde_json::Value;

fn manifest() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/manifest.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn patterns(list: &Value) -> Vec<String> {
    let mut patterns: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    patterns.sort();
    patterns
}

fn expected() -> Vec<String> {
    let mut patterns: Vec<String> = SALESFORCE_DOMAINS
        .iter()
        .map(|d| match_pattern(d))
        .collect();
    patterns.sort();
    patterns
}

#[test]
fn the_manifest_asks_for_exactly_the_cores_hosts() {
    let manifest = manifest();
    assert_eq!(patterns(&manifest["host_permissions"]), expected());
}

#[test]
fn every_content_script_runs_on_exactly_the_cores_hosts() {
    let manifest = manifest();
    let scripts = manifest["content_scripts"].as_array().unwrap();
    assert!(!scripts.is_empty());
    for script in scripts {
        assert_eq!(patterns(&script["matches"]), expected(), "{}", script["js"]);
    }
}

#[test]
fn api_and_cookie_domains_are_salesforce_domains() {
    for domain in API_DOMAINS.iter().chain(SESSION_COOKIE_DOMAINS.iter()) {
        assert!(
            SALESFORCE_DOMAINS.contains(domain),
            "{domain} is not in SALESFORCE_DOMAINS"
        );
    }
    // A host under each domain is a Salesforce host; one outside every domain is not.
    for domain in SALESFORCE_DOMAINS {
        assert!(
            SalesforceHost::parse(&format!("acme.{domain}")).is_some(),
            "{domain}"
        );
    }
    assert!(SalesforceHost::parse("acme.salesforce-experience.com").is_none());
}
