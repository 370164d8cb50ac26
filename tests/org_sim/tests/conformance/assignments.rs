//! Permission set assignment pages (salesforce.md §C.5, §H.Q1 1c, §H.Q2) and the [U] integration-license
//! switches (salesforce.md §H.Q5, §H.Q4, §C.7): markup, Save through the REST write path (checked via
//! REST), all-or-none rejected saves, each switch both ways.

use org_sim::{RunningSim, SimConfig};
use scraper::{ElementRef, Html, Selector};
use serde_json::json;

use crate::api::*;
use crate::common::*;

fn all<'a>(doc: &'a Html, s: &str) -> Vec<ElementRef<'a>> {
    let sel = Selector::parse(s).unwrap_or_else(|e| panic!("selector {s}: {e:?}"));
    doc.select(&sel).collect()
}

fn text(e: &ElementRef<'_>) -> String {
    e.text().collect()
}

fn page(agent: &ureq::Agent, url: &str) -> Html {
    let r = get(agent, url, None);
    assert_eq!(r.status, 200, "{url}: {}", r.body);
    assert!(r.header("content-security-policy").is_some());
    Html::parse_document(&r.body)
}

fn fie(message: &str) -> serde_json::Value {
    json!([{"message": message, "errorCode": "FIELD_INTEGRITY_EXCEPTION", "fields": []}])
}

fn assign_url(user15: &str) -> String {
    format!("https://{ACME}/udd/PermissionSet/assignPermissionSet.apexp?userId={user15}")
}

/// Option values (15-char Ids) of a dueling list.
fn options(doc: &Html, list: &str) -> Vec<String> {
    all(doc, &format!("select#{list} option"))
        .iter()
        .map(|o| o.value().attr("value").unwrap().to_owned())
        .collect()
}

/// Posts the form with `enabled` in the right-hand list, as assign.js makes a browser do.
fn save(agent: &ureq::Agent, user15: &str, enabled: &[String]) -> Resp {
    let mut body: Vec<String> = enabled.iter().map(|id| format!("enabled={id}")).collect();
    body.push("save=Save".into());
    post(
        agent,
        &assign_url(user15),
        "application/x-www-form-urlencoded",
        &body.join("&"),
    )
}

/// Permission set names assigned to a user (REST).
fn assigned(api: &Api<'_>, user: &str) -> Vec<String> {
    let mut v: Vec<String> = api
        .query(&format!(
            "SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE AssigneeId = '{user}'"
        ))
        .iter()
        .map(|r| r["PermissionSet"]["Name"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

fn id15(id: &str) -> String {
    id[..15].to_owned()
}

#[test]
fn assignment_page_has_the_documented_markup() {
    let sim = start();
    let api = Api::admin(&sim);
    let agent = logged_in(&sim, ACME, ADMIN);
    let user = id15(&api.user_id("int-netsuite@acme.example"));
    // The user detail page's Edit Assignments button leads to the page (salesforce.md §H.Q1 1c).
    let detail = page(
        &agent,
        &format!("https://{ACME}/{user}?noredirect=1&isUserEntityOverride=1"),
    );
    let button = all(&detail, "input[name='editPermSetAssignments']");
    assert_eq!(
        button[0].value().attr("data-href"),
        Some(format!("/udd/PermissionSet/assignPermissionSet.apexp?userId={user}").as_str())
    );
    assert_eq!(all(&detail, "script[src='/sim/assign.js']").len(), 1);
    let r = get(&agent, "https://acme.my.salesforce.com/sim/assign.js", None);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("enabledList"));

    let doc = page(&agent, &assign_url(&user));
    assert_eq!(all(&doc, "select.dueling[multiple]").len(), 2);
    let labels: Vec<String> = all(&doc, "label").iter().map(text).collect();
    assert!(labels.contains(&"Available Permission Sets".to_owned()));
    assert!(labels.contains(&"Enabled Permission Sets".to_owned()));
    assert_eq!(all(&doc, "img[alt='Add']").len(), 1);
    assert_eq!(all(&doc, "img[alt='Remove']").len(), 1);
    assert!(!all(&doc, "form input[value='Save']").is_empty());
    // No inline script (CSP): every script is an external file.
    assert!(all(&doc, "script")
        .iter()
        .all(|s| s.value().attr("src").is_some()));
    let enabled = options(&doc, "enabledList");
    let available = options(&doc, "availableList");
    assert_eq!(enabled, vec![id15(&api.ps_id("NetSuite_Integration"))]);
    assert!(available.contains(&id15(&api.ps_id("Invoice_Viewer"))));
    // Profile-owned and group aggregate sets are not offered.
    let offered = enabled.len() + available.len();
    let custom = api
        .query("SELECT Id FROM PermissionSet WHERE IsOwnedByProfile = false AND Type != 'Group'")
        .len();
    assert_eq!(offered, custom);
    // In the Lightning frame the form keeps isdtp=p1.
    let framed = page(&agent, &format!("{}&isdtp=p1", assign_url(&user)));
    assert!(all(&framed, "form#editPage")[0]
        .value()
        .attr("action")
        .unwrap()
        .ends_with("isdtp=p1"));
}

#[test]
fn save_creates_and_removes_assignments_through_the_api_rules() {
    let sim = start();
    let api = Api::admin(&sim);
    let agent = logged_in(&sim, ACME, ADMIN);
    let uid = api.user_id("alan.turing@acme.example");
    let user = id15(&uid);
    let before = assigned(&api, &uid);
    let doc = page(&agent, &assign_url(&user));
    let mut enabled = options(&doc, "enabledList");
    enabled.push(id15(&api.ps_id("Invoice_Viewer")));
    let r = save(&agent, &user, &enabled);
    assert_eq!(r.status, 302, "{}", r.body);
    assert!(r
        .location()
        .ends_with(&format!("/{user}?noredirect=1&isUserEntityOverride=1")));
    let after = assigned(&api, &uid);
    assert!(after.contains(&"Invoice_Viewer".to_owned()), "{after:?}");
    assert_eq!(after.len(), before.len() + 1);
    // The detail page's related list shows it.
    let detail = page(
        &agent,
        &format!("https://{ACME}/{user}?noredirect=1&isUserEntityOverride=1"),
    );
    assert!(
        text(&all(&detail, "div[id$='RelatedPermsetAssignmentList']")[0])
            .contains("Invoice Viewer")
    );
    // Removing it deletes the assignment.
    enabled.pop();
    let r = save(&agent, &user, &enabled);
    assert_eq!(r.status, 302, "{}", r.body);
    assert_eq!(assigned(&api, &uid), before);
    // Cancel saves nothing.
    let r = post(
        &agent,
        &assign_url(&user),
        "application/x-www-form-urlencoded",
        "cancel=Cancel",
    );
    assert_eq!(r.status, 302);
    assert_eq!(assigned(&api, &uid), before);
}

#[test]
fn a_save_the_api_would_reject_shows_the_error_and_saves_nothing() {
    let sim = start();
    let api = Api::admin(&sim);
    let agent = logged_in(&sim, ACME, ADMIN);
    // int-marketo lacks the PSL: Invoice_Viewer (License None + objects) is rejected (§H.Q4).
    let uid = api.user_id("int-marketo@acme.example");
    let user = id15(&uid);
    let before = sim.state_dump("acme");
    let r = save(&agent, &user, &[id15(&api.ps_id("Invoice_Viewer"))]);
    assert_eq!(r.status, 200, "{}", r.body);
    let doc = Html::parse_document(&r.body);
    let errors: Vec<String> = all(&doc, "#errorDiv_ep div.errorMsg")
        .iter()
        .map(text)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    // salesforce.md §C.5 / §H.Q3 UI wording around the API message.
    assert!(
        errors[0].contains("Can't assign permission set \"Invoice Viewer\" to user \""),
        "{errors:?}"
    );
    assert!(
        errors[0].contains("The user license doesn't allow the permission: Read Invoice__c"),
        "{errors:?}"
    );
    // The removal of Marketo_Password_Policy in the same save was rolled back too.
    assert_eq!(sim.state_dump("acme"), before);
    assert_eq!(assigned(&api, &uid).len(), 2);
    // The page keeps what was posted.
    assert_eq!(
        options(&doc, "enabledList"),
        vec![id15(&api.ps_id("Invoice_Viewer"))]
    );
}

#[test]
fn manage_assignments_lists_the_assignees_in_the_shell() {
    let sim = start();
    let api = Api::admin(&sim);
    let agent = logged_in(&sim, ACME, ADMIN);
    let ps = id15(&api.ps_id("NetSuite_Integration"));
    let r = get(
        &agent,
        &format!("https://{ACME_SETUP}/lightning/setup/PermSets/{ps}/PermissionSetAssignment/home"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r
        .body
        .contains(&format!("/{ps}?s=PermissionSetAssignment&isdtp=p1")));
    let doc = page(
        &agent,
        &format!("https://{ACME_SETUP}/{ps}?s=PermissionSetAssignment&isdtp=p1"),
    );
    let rows = all(&doc, "table.list tr.dataRow");
    assert_eq!(rows.len(), 1);
    let cells = text(&rows[0]);
    assert!(cells.contains("int-netsuite@acme.example"), "{cells}");
    let link = all(&doc, "table.list tr.dataRow th a")[0];
    let user = id15(&api.user_id("int-netsuite@acme.example"));
    assert!(link
        .value()
        .attr("href")
        .unwrap()
        .starts_with(&format!("/{user}?")));
    // Not a permission set → not simulated.
    let r = get(
        &agent,
        &format!(
            "https://{ACME_SETUP}/lightning/setup/PermSets/005AM/PermissionSetAssignment/home"
        ),
        None,
    );
    assert_eq!(r.status, 404);
}

fn disallowing(perm: &str) -> RunningSim {
    start_with(SimConfig {
        integration_license_allows: org_sim::config::INTEGRATION_CHECKED_PERMISSIONS
            .iter()
            .filter(|p| **p != perm)
            .map(|p| (*p).to_owned())
            .collect(),
        ..Default::default()
    })
}

#[test]
fn integration_license_allows_switch_both_ways() {
    // Default: PasswordNeverExpires and ViewEncryptedData allowed.
    let sim = start();
    let api = Api::admin(&sim);
    let psa = json!({"AssigneeId": api.user_id("int-datasync@acme.example"), "PermissionSetId": api.ps_id("Marketo_Password_Policy")});
    assert_eq!(
        api.post("sobjects/PermissionSetAssignment", &psa).status,
        201
    );
    let ps = api.ps_id("Marketo_Password_Policy");
    let r = api.patch(
        &format!("sobjects/PermissionSet/{ps}"),
        &json!({"PermissionsViewEncryptedData": true}),
    );
    assert_eq!(r.status, 204, "{}", r.body);
    drop(sim);

    // PasswordNeverExpires disallowed: assigning a set granting it fails.
    let sim = disallowing("PasswordNeverExpires");
    let api = Api::admin(&sim);
    let psa = json!({"AssigneeId": api.user_id("int-datasync@acme.example"), "PermissionSetId": api.ps_id("Marketo_Password_Policy")});
    assert_exact(
        &api.post("sobjects/PermissionSetAssignment", &psa),
        400,
        fie("The user license doesn't allow the permission: Password Never Expires"),
    );
    // A Salesforce-license user is not affected.
    let psa = json!({"AssigneeId": api.user_id("alan.turing@acme.example"), "PermissionSetId": api.ps_id("Marketo_Password_Policy")});
    assert_eq!(
        api.post("sobjects/PermissionSetAssignment", &psa).status,
        201
    );
    drop(sim);

    // ViewEncryptedData disallowed: adding it to a set assigned to an integration user fails.
    let sim = disallowing("ViewEncryptedData");
    let api = Api::admin(&sim);
    let ps = api.ps_id("Marketo_Password_Policy");
    assert_exact(
        &api.patch(
            &format!("sobjects/PermissionSet/{ps}"),
            &json!({"PermissionsViewEncryptedData": true}),
        ),
        400,
        fie("The user license doesn't allow the permission: View Encrypted Data"),
    );
    let row = api.query(&format!(
        "SELECT PermissionsViewEncryptedData FROM PermissionSet WHERE Id = '{ps}'"
    ));
    assert_eq!(row[0]["PermissionsViewEncryptedData"], false);
    // An unassigned set may grant it.
    let fresh = api.create(
        "PermissionSet",
        json!({"Name": "Vault", "Label": "Vault", "PermissionsViewEncryptedData": true}),
    );
    assert!(!fresh.is_empty());
}

#[test]
fn psl_api_enabled_switch_both_ways() {
    let body = json!({"PermissionsApiEnabled": true});
    let sim = start();
    let api = Api::admin(&sim);
    let ps = api.ps_id("Legacy_ERP_Access");
    let r = api.patch(&format!("sobjects/PermissionSet/{ps}"), &body);
    assert_eq!(r.status, 204, "{}", r.body);
    drop(sim);

    let sim = start_with(SimConfig {
        psl_api_enabled_accepted: false,
        ..Default::default()
    });
    let api = Api::admin(&sim);
    let ps = api.ps_id("Legacy_ERP_Access");
    assert_exact(
        &api.patch(&format!("sobjects/PermissionSet/{ps}"), &body),
        400,
        fie("The user license doesn't allow the permission: API Enabled"),
    );
    let psl = api.id(
        "SELECT Id FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'",
    );
    let r = api.post(
        "sobjects/PermissionSet",
        &json!({"Name": "Api_Psl", "Label": "Api Psl", "LicenseId": psl, "PermissionsApiEnabled": true}),
    );
    assert_exact(
        &r,
        400,
        fie("The user license doesn't allow the permission: API Enabled"),
    );
    // A License None set is not affected.
    api.create(
        "PermissionSet",
        json!({"Name": "Api_None", "Label": "Api None", "PermissionsApiEnabled": true}),
    );
}

/// Sets View All on NetSuite_Integration's Account row (assigned to int-netsuite).
fn view_all_account(api: &Api<'_>) -> Resp {
    let ps = api.ps_id("NetSuite_Integration");
    let row = api.id(&format!(
        "SELECT Id FROM ObjectPermissions WHERE ParentId = '{ps}' AND SobjectType = 'Account'"
    ));
    api.patch(
        &format!("sobjects/ObjectPermissions/{row}"),
        &json!({"PermissionsViewAllRecords": true}),
    )
}

/// A new set with View All on Account, assigned to int-tableau (holds the PSL).
fn assign_view_all_set(api: &Api<'_>) -> Resp {
    let ps = api.create(
        "PermissionSet",
        json!({"Name": "All_Accounts", "Label": "All Accounts"}),
    );
    api.create(
        "ObjectPermissions",
        json!({"ParentId": ps, "SobjectType": "Account", "PermissionsRead": true, "PermissionsViewAllRecords": true}),
    );
    api.post(
        "sobjects/PermissionSetAssignment",
        &json!({"AssigneeId": api.user_id("int-tableau@acme.example"), "PermissionSetId": ps}),
    )
}

#[test]
fn integration_view_all_standard_switch_both_ways() {
    // Default reject.
    let sim = start();
    let api = Api::admin(&sim);
    assert_exact(
        &view_all_account(&api),
        400,
        fie("The user license doesn't allow the permission: Read All Account"),
    );
    assert_exact(
        &assign_view_all_set(&api),
        400,
        fie("The user license doesn't allow the permission: Read All Account"),
    );
    // Custom objects are not affected.
    let ps = api.ps_id("NetSuite_Integration");
    let row = api.id(&format!(
        "SELECT Id FROM ObjectPermissions WHERE ParentId = '{ps}' AND SobjectType = 'Invoice__c'"
    ));
    let r = api.patch(
        &format!("sobjects/ObjectPermissions/{row}"),
        &json!({"PermissionsViewAllRecords": true}),
    );
    assert_eq!(r.status, 204, "{}", r.body);
    drop(sim);

    let sim = start_with(SimConfig {
        integration_view_all_standard: true,
        ..Default::default()
    });
    let api = Api::admin(&sim);
    let r = view_all_account(&api);
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(assign_view_all_set(&api).status, 201);
}
