//! What integration-user badges rely on: the Users list's rolodex filter and its in-place
//! switch (salesforce.md §H.Q1), a profile's `Permissions<Name>` fields (its profile-owned set, §C.1),
//! and the Connect API user photo resource with the ContentVersion file it takes.
use org_sim::SimConfig;
use scraper::{Html, Selector};

use crate::common::*;

fn rows(body: &str) -> Vec<String> {
    let doc = Html::parse_document(body);
    doc.select(&Selector::parse("table.list tr.dataRow th[scope=row] a").unwrap())
        .map(|a| a.text().collect::<String>())
        .collect()
}

#[test]
fn the_rolodex_filters_by_the_first_letter_and_keeps_the_view() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let r = get(
        &agent,
        &format!("https://{ACME}/005?isUserEntityOverride=1&fcf=00BAM0000000002&rolodexIndex=8&rowsperpage=100"),
        None,
    );
    let names = rows(&r.body);
    // Active Users starting with I: five of the six integration users (Legacy ERP is inactive).
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("Integration, ")));
    let doc = Html::parse_document(&r.body);
    let selected: Vec<String> = doc
        .select(&Selector::parse(".rolodex span.listItemSelected").unwrap())
        .map(|s| s.text().collect())
        .collect();
    assert_eq!(selected, ["I"]);
    let all = doc
        .select(&Selector::parse(".rolodex a.listItem").unwrap())
        .find(|a| a.text().collect::<String>() == "All")
        .unwrap();
    let href = all.value().attr("href").unwrap();
    assert!(
        href.contains("fcf=00BAM0000000002") && !href.contains("rolodexIndex"),
        "{href}"
    );
    // Without the switch, no list script; with it, the page loads /sim/userslist.js.
    assert!(!r.body.contains("/sim/userslist.js"));
    let ajax = start_with(SimConfig {
        users_list_ajax: true,
        ..SimConfig::default()
    });
    let agent = logged_in(&ajax, ACME, ADMIN);
    let r = get(
        &agent,
        &format!("https://{ACME}/005?isUserEntityOverride=1"),
        None,
    );
    assert!(
        r.body.contains("<script src=\"/sim/userslist.js\""),
        "{}",
        &r.body[..200]
    );
}

#[test]
fn profile_permission_fields_are_the_profile_owned_sets() {
    let sim = start();
    let sid = sim.issue_session("acme", ADMIN);
    let agent = sim.agent();
    let soql = "SELECT Name, PermissionsApiUserOnly, PermissionsPasswordNeverExpires FROM Profile ORDER BY Name";
    let r = get(
        &agent,
        &format!("https://{ACME}/services/data/v66.0/query?q={}", q(soql)),
        Some(&sid),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let records = r.json()["records"].as_array().unwrap().clone();
    let api_only: Vec<(String, bool)> = records
        .iter()
        .map(|p| {
            (
                p["Name"].as_str().unwrap().to_owned(),
                p["PermissionsApiUserOnly"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(api_only.contains(&("Minimum Access - API Only Integrations".into(), true)));
    assert!(api_only.contains(&("Salesforce API Only System Integrations".into(), true)));
    assert!(api_only.contains(&("Standard User".into(), false)));
    assert!(records
        .iter()
        .all(|p| p["PermissionsPasswordNeverExpires"] == serde_json::json!(false)));
}

fn send_json(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    sid: &str,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Authorization", format!("Bearer {sid}"))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .unwrap();
    let mut response = agent.run(request).unwrap();
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

#[test]
fn a_file_becomes_a_user_photo_through_the_connect_api() {
    let sim = start();
    let sid = sim.issue_session("acme", ADMIN);
    let agent = sim.agent();
    let data = format!("https://{ACME}/services/data/v66.0");
    // A PNG's first bytes, base64.
    let (status, created) = send_json(
        &agent,
        "POST",
        &format!("{data}/sobjects/ContentVersion"),
        &sid,
        &serde_json::json!({"Title": "Icon", "PathOnClient": "icon.png", "VersionData": "iVBORw0KGgoAAAANSUhEUg=="}),
    );
    assert_eq!(status, 201, "{created}");
    let version = created["id"].as_str().unwrap();
    let r = get(
        &agent,
        &format!("{data}/sobjects/ContentVersion/{version}?fields=ContentDocumentId"),
        Some(&sid),
    );
    let document = r.json()["ContentDocumentId"].as_str().unwrap().to_owned();
    assert!(document.starts_with("069"), "{document}");

    let users = get(
        &agent,
        &format!(
            "{data}/query?q={}",
            q("SELECT Id FROM User WHERE Username = 'int-tableau@acme.example'")
        ),
        Some(&sid),
    );
    let user = users.json()["records"][0]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let photo = format!("{data}/connect/user-profiles/{user}/photo");
    // Not a file Id, and not an image: rejected, nothing set.
    let (status, _) = send_json(
        &agent,
        "POST",
        &photo,
        &sid,
        &serde_json::json!({"fileId": version}),
    );
    assert_eq!(status, 400);
    let (status, text_file) = send_json(
        &agent,
        "POST",
        &format!("{data}/sobjects/ContentVersion"),
        &sid,
        &serde_json::json!({"PathOnClient": "notes.txt", "VersionData": "aGVsbG8="}),
    );
    assert_eq!(status, 201);
    let text_doc = get(
        &agent,
        &format!(
            "{data}/sobjects/ContentVersion/{}?fields=ContentDocumentId",
            text_file["id"].as_str().unwrap()
        ),
        Some(&sid),
    )
    .json()["ContentDocumentId"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = send_json(
        &agent,
        "POST",
        &photo,
        &sid,
        &serde_json::json!({"fileId": text_doc}),
    );
    assert_eq!(status, 400);
    // Bad base64 is refused at insert.
    let (status, _) = send_json(
        &agent,
        "POST",
        &format!("{data}/sobjects/ContentVersion"),
        &sid,
        &serde_json::json!({"PathOnClient": "x.png", "VersionData": "<not base64>"}),
    );
    assert_eq!(status, 400);

    let (status, body) = send_json(
        &agent,
        "POST",
        &photo,
        &sid,
        &serde_json::json!({"fileId": document}),
    );
    assert_eq!(status, 201, "{body}");
    let small = body["smallPhotoUrl"].as_str().unwrap().to_owned();
    assert!(body["photoVersionId"].as_str().unwrap().starts_with("729"));
    let r = get(
        &agent,
        &format!(
            "{data}/query?q={}",
            q(&format!(
                "SELECT SmallPhotoUrl FROM User WHERE Id = '{user}'"
            ))
        ),
        Some(&sid),
    );
    assert_eq!(
        r.json()["records"][0]["SmallPhotoUrl"],
        serde_json::json!(small)
    );
    let r = get(&agent, &photo, Some(&sid));
    assert_eq!(r.json()["smallPhotoUrl"], serde_json::json!(small));
}
