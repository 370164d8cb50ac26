//! REST API (salesforce.md §A.4, §A.5, §B.1, §B.2, §H.Q7).

use std::collections::HashSet;

use org_sim::SimConfig;
use serde_json::Value;

use crate::common::*;

const INVALID_SESSION: &str =
    r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#;
const NOT_FOUND: &str =
    r#"[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]"#;

fn query_url(host: &str, soql: &str) -> String {
    format!("https://{host}/services/data/v66.0/query?q={}", q(soql))
}

fn query(sim: &org_sim::RunningSim, sid: &str, soql: &str) -> Resp {
    get(&sim.agent(), &query_url(ACME, soql), Some(sid))
}

#[test]
fn version_list_needs_no_session_and_stops_at_the_org_max() {
    let sim = start_with(SimConfig {
        prod_api_version: "65.0".into(),
        ..SimConfig::default()
    });
    let agent = sim.agent();
    let r = get(&agent, &format!("https://{ACME}/services/data/"), None);
    assert_eq!(r.status, 200);
    let v = r.json();
    let list = v.as_array().unwrap();
    assert_eq!(
        list[0],
        serde_json::json!({"label":"Winter '11","url":"/services/data/v20.0","version":"20.0"})
    );
    assert_eq!(list.last().unwrap()["version"], "65.0");
    assert_eq!(list.last().unwrap()["label"], "Winter '26");
    assert_eq!(list.len(), 46);
    assert!(r.header("access-control-allow-origin").is_none());
    let r = get(&agent, &format!("https://{UAT}/services/data"), None);
    let v = r.json();
    let last = v.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last,
        serde_json::json!({"label":"Spring '26","url":"/services/data/v66.0","version":"66.0"})
    );
    // Above the org's max, or malformed → NOT_FOUND.
    let sid = sim.issue_session("acme", ADMIN);
    for bad in [
        "v66.0/",
        "v66.0/query?q=SELECT+Id+FROM+User",
        "vabc/",
        "v19.0/",
        "66.0/",
    ] {
        let r = get(
            &agent,
            &format!("https://{ACME}/services/data/{bad}"),
            Some(&sid),
        );
        assert_eq!((r.status, r.body.as_str()), (404, NOT_FOUND), "{bad}");
    }
    let r = get(
        &agent,
        &format!("https://{ACME}/services/data/v65.0/"),
        Some(&sid),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["query"], "/services/data/v65.0/query");
    assert_eq!(r.json()["sobjects"], "/services/data/v65.0/sobjects");
    let uat_sid = sim.issue_session("acme--uat", "admin@acme.example.uat");
    let r = get(
        &agent,
        &format!("https://{UAT}/services/data/v66.0/"),
        Some(&uat_sid),
    );
    assert_eq!(r.status, 200);
    let r = get(
        &agent,
        &format!("https://{ACME}/services/data/v65.0/nope"),
        Some(&sid),
    );
    assert_eq!((r.status, r.body.as_str()), (404, NOT_FOUND));
}

#[test]
fn query_pages_through_next_records_url() {
    let sim = start_with(SimConfig {
        query_page_size: 5,
        ..SimConfig::default()
    });
    let sid = sim.issue_session("acme", ADMIN);
    let agent = sim.agent();
    let r = query(&sim, &sid, "SELECT Id, Name FROM User ORDER BY Name");
    assert_eq!(r.status, 200);
    let first = r.json();
    assert_eq!(first["totalSize"], 30);
    assert_eq!(first["done"], false);
    assert_eq!(first["records"].as_array().unwrap().len(), 5);
    let mut next = first["nextRecordsUrl"].as_str().unwrap().to_owned();
    let re_ok = next.starts_with("/services/data/v66.0/query/01g") && next.ends_with("-5");
    assert!(re_ok, "{next}");
    let mut records: Vec<Value> = first["records"].as_array().unwrap().clone();
    let mut pages = 1;
    loop {
        let r = get(&agent, &format!("https://{ACME}{next}"), Some(&sid));
        assert_eq!(r.status, 200, "{}", r.body);
        let page = r.json();
        assert_eq!(page["totalSize"], 30);
        records.extend(page["records"].as_array().unwrap().iter().cloned());
        pages += 1;
        if page["done"] == true {
            assert!(page.get("nextRecordsUrl").is_none());
            break;
        }
        next = page["nextRecordsUrl"].as_str().unwrap().to_owned();
    }
    assert_eq!(pages, 6);
    assert_eq!(records.len(), 30);
    let ids: HashSet<&str> = records.iter().map(|r| r["Id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 30);
    let names: Vec<&str> = records
        .iter()
        .map(|r| r["Name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted);
    // The locator needs a session and belongs to its org.
    let r = get(&agent, &format!("https://{ACME}{next}"), None);
    assert_eq!(r.status, 401);
    let r = get(
        &agent,
        &format!("https://{ACME}/services/data/v66.0/query/01gAM0000000099AAA-5"),
        Some(&sid),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()[0]["errorCode"], "INVALID_QUERY_LOCATOR");
    // queryAll has the same shape; a result that fits is done at once.
    let r = get(
        &agent,
        &format!(
            "https://{ACME}/services/data/v66.0/queryAll?q={}",
            q("SELECT Id FROM Organization")
        ),
        Some(&sid),
    );
    let v = r.json();
    assert_eq!(
        (v["totalSize"].clone(), v["done"].clone()),
        (Value::from(1), Value::from(true))
    );
    assert!(v.get("nextRecordsUrl").is_none());
}

#[test]
fn records_have_attributes_and_parents_nest() {
    let sim = start();
    let sid = sim.issue_session("acme", ADMIN);
    let r = query(
        &sim,
        &sid,
        "SELECT Id, Username, Profile.Name, Profile.UserLicense.Name, IsActive, CreatedDate FROM User WHERE Username = 'int-netsuite@acme.example'",
    );
    let v = r.json();
    assert_eq!(v["totalSize"], 1);
    let rec = &v["records"][0];
    let id = rec["Id"].as_str().unwrap();
    assert_eq!(id.len(), 18);
    assert!(id.starts_with("005"));
    assert_eq!(rec["attributes"]["type"], "User");
    assert_eq!(
        rec["attributes"]["url"],
        format!("/services/data/v66.0/sobjects/User/{id}")
    );
    assert_eq!(rec["Profile"]["attributes"]["type"], "Profile");
    assert_eq!(
        rec["Profile"]["Name"],
        "Minimum Access - API Only Integrations"
    );
    assert_eq!(
        rec["Profile"]["UserLicense"]["attributes"]["type"],
        "UserLicense"
    );
    assert_eq!(
        rec["Profile"]["UserLicense"]["Name"],
        "Salesforce Integration"
    );
    assert_eq!(rec["IsActive"], true);
    assert!(rec["CreatedDate"].as_str().unwrap().ends_with(".000+0000"));
    // Organization (SFIR's first query, salesforce.md §A.3).
    let r = query(
        &sim,
        &sid,
        "SELECT IsSandbox, InstanceName, TrialExpirationDate, Name, Id FROM Organization",
    );
    let org = &r.json()["records"][0];
    assert_eq!(org["IsSandbox"], false);
    assert_eq!(org["TrialExpirationDate"], Value::Null);
    assert_eq!(org["Name"], "Acme Corp");
    assert_eq!(org["Id"], "00DAM00000000012AA");
    let uat_sid = sim.issue_session("acme--uat", "admin@acme.example.uat");
    let r = get(
        &sim.agent(),
        &query_url(UAT, "SELECT IsSandbox, Name FROM Organization"),
        Some(&uat_sid),
    );
    assert_eq!(r.json()["records"][0]["IsSandbox"], true);
    assert_eq!(r.json()["records"][0]["Name"], "Acme Corp (UAT)");
    // Integration users by license (salesforce.md §C.7).
    let r = query(&sim, &sid, "SELECT Id, Name FROM Profile WHERE UserLicense.Name = 'Salesforce Integration' ORDER BY Name");
    let names: Vec<Value> = r.json()["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Name"].clone())
        .collect();
    assert_eq!(
        names,
        [
            "Minimum Access - API Only Integrations",
            "Salesforce API Only System Integrations"
        ]
    );
    let r = query(&sim, &sid, "SELECT Name, MasterLabel, Status, TotalLicenses, UsedLicenses FROM UserLicense WHERE Name = 'Salesforce Integration'");
    let lic = &r.json()["records"][0];
    assert_eq!(
        (lic["TotalLicenses"].clone(), lic["UsedLicenses"].clone()),
        (Value::from(5), Value::from(5))
    );
}

#[test]
fn where_order_by_limit_offset_and_case_insensitivity() {
    let sim = start();
    let sid = sim.issue_session("acme", ADMIN);
    let usernames = |soql: &str| -> Vec<String> {
        let r = query(&sim, &sid, soql);
        assert_eq!(r.status, 200, "{soql}: {}", r.body);
        r.json()["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["Username"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        usernames("select username from USER where isactive = FALSE order by username desc"),
        [
            "jean.bartik@acme.example",
            "int-legacy-erp@acme.example",
            "charles.babbage@acme.example"
        ]
    );
    assert_eq!(
        usernames(
            "SELECT Username FROM User WHERE IsActive = false ORDER BY Username LIMIT 2 OFFSET 1"
        ),
        ["int-legacy-erp@acme.example", "jean.bartik@acme.example"]
    );
    assert_eq!(
        usernames("SELECT Username FROM User WHERE Username LIKE 'int-%' AND (Profile.Name = 'Salesforce API Only System Integrations' OR NOT IsActive = true) ORDER BY Username"),
        ["int-datasync@acme.example", "int-legacy-erp@acme.example"]
    );
    assert_eq!(
        usernames(
            "SELECT Username FROM User WHERE Alias IN ('alove', 'ghopp') ORDER BY LastName DESC"
        ),
        ["admin@acme.example", "grace.hopper@acme.example"]
    );
    assert_eq!(
        usernames("SELECT Username FROM User WHERE LastName = 'LOVELACE' AND Email != null AND CreatedDate < 2023-03-02T00:00:00Z"),
        ["admin@acme.example"]
    );
    assert_eq!(
        usernames("SELECT Username FROM User WHERE FirstName = null"),
        ["xss@acme.example"]
    );
    // Canonical field names in the output whatever the case in the query.
    let r = query(
        &sim,
        &sid,
        "select PROFILE.name, ISACTIVE from user limit 1",
    );
    let rec = &r.json()["records"][0];
    assert!(rec.get("Profile").is_some() && rec["Profile"].get("Name").is_some());
    assert!(rec.get("IsActive").is_some());
    let r = query(&sim, &sid, "SELECT COUNT() FROM User WHERE IsActive = true");
    assert_eq!(
        r.json(),
        serde_json::json!({"totalSize": 27, "done": true, "records": []})
    );
    // 15-char Ids match 18-char ones.
    let r = query(
        &sim,
        &sid,
        "SELECT Id FROM User WHERE Username = 'admin@acme.example'",
    );
    let id = r.json()["records"][0]["Id"].as_str().unwrap().to_owned();
    let r = query(
        &sim,
        &sid,
        &format!("SELECT Username FROM User WHERE Id IN ('{}')", &id[..15]),
    );
    assert_eq!(r.json()["totalSize"], 1);
}

#[test]
fn query_errors_have_the_real_shape() {
    let sim = start();
    let sid = sim.issue_session("acme", ADMIN);
    for (soql, code, text) in [
        ("SELECT Id FRM User", "MALFORMED_QUERY", "unexpected token: 'FRM'"),
        ("SELECT Id, FROM User", "MALFORMED_QUERY", "unexpected token"),
        ("SELECT Foo FROM User", "INVALID_FIELD", "No such column 'Foo' on entity 'User'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name."),
        ("SELECT Profile.Bogus FROM User", "INVALID_FIELD", "No such column 'Bogus' on entity 'Profile'."),
        ("SELECT Id FROM Foo", "INVALID_TYPE", "sObject type 'Foo' is not supported."),
    ] {
        let r = query(&sim, &sid, soql);
        assert_eq!(r.status, 400, "{soql}");
        let v = r.json();
        let errors = v.as_array().unwrap();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0]["errorCode"], code, "{soql}");
        let message = errors[0]["message"].as_str().unwrap();
        assert!(message.contains(text), "{soql}: {message}");
        assert!(message.contains("ERROR at Row:1:Column:"), "{message}");
    }
    let r = get(
        &sim.agent(),
        &format!("https://{ACME}/services/data/v66.0/query"),
        Some(&sid),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()[0]["errorCode"], "MALFORMED_QUERY");
    let r = sim
        .agent()
        .post(&query_url(ACME, "SELECT Id FROM User"))
        .header("Authorization", &format!("Bearer {sid}"))
        .send("{}")
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    let r = post(
        &sim.agent(),
        &query_url(ACME, "SELECT Id FROM User"),
        "application/json",
        "{}",
    );
    assert_eq!(r.status, 401, "authentication comes first");
}

#[test]
fn userinfo_describes_the_session_user() {
    let sim = start();
    let sid = sim.issue_session("acme", "grace.hopper@acme.example");
    let r = get(
        &sim.agent(),
        &format!("https://{ACME}/services/oauth2/userinfo"),
        Some(&sid),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    let uid = v["user_id"].as_str().unwrap();
    assert_eq!(uid.len(), 18);
    assert_eq!(v["organization_id"], "00DAM00000000012AA");
    assert_eq!(
        v["sub"],
        format!("https://login.salesforce.com/id/00DAM00000000012AA/{uid}")
    );
    assert_eq!(v["preferred_username"], "grace.hopper@acme.example");
    assert_eq!(v["name"], "Grace Hopper");
    assert_eq!(v["given_name"], "Grace");
    assert_eq!(v["family_name"], "Hopper");
    assert_eq!(v["nickname"], "ghopp");
    assert_eq!(v["email"], "grace.hopper@acme.example");
    assert_eq!(v["email_verified"], true);
    assert_eq!(v["active"], true);
    assert_eq!(
        v["urls"]["rest"],
        "https://acme.my.salesforce.com/services/data/v{version}/"
    );
    assert_eq!(
        v["urls"]["query"],
        "https://acme.my.salesforce.com/services/data/v{version}/query/"
    );
    for key in [
        "zoneinfo",
        "photos",
        "user_type",
        "language",
        "locale",
        "utcOffset",
        "is_lightning_login_user",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert!(v["photos"]["picture"].is_string() && v["photos"]["thumbnail"].is_string());
    let r = get(
        &sim.agent(),
        &format!("https://{ACME}/services/oauth2/userinfo"),
        None,
    );
    assert_eq!((r.status, r.body.as_str()), (401, INVALID_SESSION));
}

#[test]
fn invalid_sessions_get_401_invalid_session_id() {
    let sim = start();
    let agent = sim.agent();
    let url = query_url(ACME, "SELECT Id FROM User");
    let check = |sid: Option<&str>, what: &str| {
        let r = get(&agent, &url, sid);
        assert_eq!(
            (r.status, r.body.as_str()),
            (401, INVALID_SESSION),
            "{what}"
        );
        assert_eq!(
            r.header("content-type"),
            Some("application/json;charset=UTF-8")
        );
    };
    check(None, "no Authorization header");
    check(Some("00DAM0000000001!bogus"), "unknown sid");
    let r = get_with(&agent, &url, &[("Authorization", "Basic Zm9vOmJhcg==")]);
    assert_eq!(r.status, 401);
    // UI-host sids are page sessions only (salesforce.md §A.3); setup-domain on API is [U] (§H.Q7).
    let (sids, _) = login_steps(&sim.agent(), ACME, "");
    let r = get(&agent, &url, Some(&sids[0]));
    assert_eq!(r.status, 200, "the my-domain sid is an API session");
    check(Some(&sids[1]), "lightning sid");
    check(Some(&sids[2]), "setup-domain sid");
    // Same sid on the setup host: still only the my-domain one.
    let r = get(
        &agent,
        &query_url(ACME_SETUP, "SELECT Id FROM User"),
        Some(&sids[0]),
    );
    assert_eq!(r.status, 200);
    // Another org's session is unknown here.
    let uat = sim.issue_session("acme--uat", "admin@acme.example.uat");
    check(Some(&uat), "other org's sid");
    // Expiry.
    let sid = sim.issue_session("acme", ADMIN);
    assert_eq!(get(&agent, &url, Some(&sid)).status, 200);
    sim.expire_sessions();
    check(Some(&sid), "expired sid");
    check(Some(&sids[0]), "expired login sid");
}

#[test]
fn ui_sessions_valid_for_api_switch_admits_setup_domain_sids() {
    let sim = start_with(SimConfig {
        ui_sessions_valid_for_api: true,
        ..SimConfig::default()
    });
    let (sids, _) = login_steps(&sim.agent(), ACME, "");
    let r = get(
        &sim.agent(),
        &query_url(ACME_SETUP, "SELECT Id FROM User"),
        Some(&sids[2]),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = get(
        &sim.agent(),
        &query_url(ACME, "SELECT Id FROM User"),
        Some(&sids[1]),
    );
    assert_eq!(
        (r.status, r.body.as_str()),
        (401, INVALID_SESSION),
        "lightning sids stay page-only"
    );
}

#[test]
fn api_usage_header_loopback_api_and_lightning_redirect() {
    let sim = start();
    let sid = sim.issue_session("acme", ADMIN);
    let agent = sim.agent();
    let a = get(&agent, &query_url(ACME, "SELECT Id FROM User"), Some(&sid));
    let b = get(&agent, &query_url(ACME, "SELECT Id FROM User"), Some(&sid));
    let usage = |r: &Resp| -> u32 {
        let h = r.header("sforce-limit-info").unwrap();
        let (used, total) = h
            .strip_prefix("api-usage=")
            .unwrap()
            .split_once('/')
            .unwrap();
        assert_eq!(total, "15000");
        used.parse().unwrap()
    };
    assert_eq!(usage(&b), usage(&a) + 1);
    // No CORS headers even when asked from another origin.
    let r = get_with(
        &agent,
        &query_url(ACME, "SELECT Id FROM User"),
        &[
            ("Authorization", &format!("Bearer {sid}")),
            ("Origin", "https://acme.lightning.force.com"),
        ],
    );
    assert!(r
        .headers
        .keys()
        .all(|k| !k.as_str().starts_with("access-control-")));
    // 127.0.0.1 reaches the API of the session's org; pages are not served there.
    let r = get(
        &agent,
        "https://127.0.0.1/services/data/v66.0/query?q=SELECT+Name+FROM+Organization",
        Some(&sid),
    );
    assert_eq!(r.json()["records"][0]["Name"], "Acme Corp");
    let r = get(&agent, "https://localhost/services/data/", None);
    assert_eq!(r.status, 200);
    assert_eq!(get(&agent, "https://127.0.0.1/005", None).status, 404);
    // The lightning host redirects API calls to the my-domain host (salesforce.md §A.3).
    let r = get(
        &agent,
        &query_url(ACME_LIGHTNING, "SELECT Id FROM User"),
        Some(&sid),
    );
    assert_eq!(r.status, 302);
    assert!(r
        .location()
        .starts_with("https://acme.my.salesforce.com/services/data/v66.0/query?q="));
}
