//! The Metadata API's SOAP endpoint (salesforce.md §I.12, §I.13, §H.Q6): readMetadata and
//! updateMetadata of a Profile's record type visibilities in real envelopes, SaveResults and
//! faults; the RecordType rows; the Tooling API's Profile `FullName`; the original profile
//! editor's record type page.
use org_sim::{IntegrationProfileRecordTypes, SimConfig};
use roxmltree::Document;

use crate::common::*;

const SOAP: &str = "https://acme.my.salesforce.com/services/Soap/m/66.0";
const INTEGRATION: &str = "Minimum Access - API Only Integrations";

/// `(recordType, visible, default)`.
type Visibility = (&'static str, bool, bool);

fn envelope(sid: &str, headers: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Header xmlns=\"http://soap.sforce.com/2006/04/metadata\"><SessionHeader><sessionId>{sid}</sessionId></SessionHeader>{headers}</soapenv:Header><soapenv:Body xmlns=\"http://soap.sforce.com/2006/04/metadata\">{body}</soapenv:Body></soapenv:Envelope>"
    )
}

fn read_body(names: &[&str]) -> String {
    let names: String = names
        .iter()
        .map(|n| format!("<fullNames>{n}</fullNames>"))
        .collect();
    format!("<readMetadata><type>Profile</type>{names}</readMetadata>")
}

fn update_body(profile: &str, entries: &[(&str, bool, bool)]) -> String {
    let entries: String = entries
        .iter()
        .map(|(rt, visible, default)| {
            format!("<recordTypeVisibilities><default>{default}</default><recordType>{rt}</recordType><visible>{visible}</visible></recordTypeVisibilities>")
        })
        .collect();
    format!("<updateMetadata><metadata xsi:type=\"Profile\"><fullName>{profile}</fullName>{entries}</metadata></updateMetadata>")
}

fn call(agent: &ureq::Agent, envelope: &str) -> Resp {
    read_soap(
        agent
            .post(SOAP)
            .header("Content-Type", "text/xml; charset=UTF-8")
            .header("SOAPAction", "\"\"")
            .send(envelope),
    )
}

fn read_soap(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
    let mut r = result.expect("request completes");
    Resp {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: r.body_mut().read_to_string().expect("body"),
    }
}

/// Text of every element named `name`, in document order.
fn texts(xml: &str, name: &str) -> Vec<String> {
    let doc = Document::parse(xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
    doc.descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == name)
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect()
}

/// `(recordType, visible, default)` of a profile, from the state dump.
fn visibilities(sim: &org_sim::RunningSim, profile_name: &str) -> Vec<(String, bool, bool)> {
    let dump = sim.state_dump("acme");
    let id = dump["Profile"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["Name"] == profile_name)
        .map(|p| p["Id"].as_str().unwrap().to_owned())
        .unwrap();
    dump["ProfileRecordTypeVisibility"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ProfileId"] == id.as_str())
        .map(|r| {
            (
                r["RecordType"].as_str().unwrap().to_owned(),
                r["Visible"].as_bool().unwrap(),
                r["Default"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn read_metadata_returns_the_whole_profile_by_its_metadata_name() {
    let sim = start();
    let sid = sim.issue_session("acme", ADMIN);
    let agent = sim.agent();
    let r = call(
        &agent,
        &envelope(
            &sid,
            "",
            &read_body(&["Admin", "System Administrator", INTEGRATION]),
        ),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("text/xml;charset=UTF-8"));
    let doc = Document::parse(&r.body).unwrap();
    let records: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "records")
        .collect();
    assert_eq!(records.len(), 3);
    // The standard profile is "Admin" to the Metadata API; its Name reads as an empty record.
    let full_name = |i: usize| {
        records[i]
            .children()
            .find(|c| c.tag_name().name() == "fullName")
            .and_then(|c| c.text())
    };
    assert_eq!(full_name(0), Some("Admin"));
    assert_eq!(full_name(1), None);
    assert!(records[1].children().all(|c| !c.is_element()));
    assert_eq!(full_name(2), Some(INTEGRATION));
    // The whole profile: permissions of every kind, and every record type's visibility.
    let admin = records[0];
    let kinds: Vec<&str> = admin
        .children()
        .filter(|c| c.is_element())
        .map(|c| c.tag_name().name())
        .collect();
    for kind in [
        "custom",
        "fieldPermissions",
        "objectPermissions",
        "recordTypeVisibilities",
        "userLicense",
        "userPermissions",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing");
    }
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "recordTypeVisibilities")
            .count(),
        8
    );
    assert!(kinds.iter().filter(|k| **k == "fieldPermissions").count() > 500);
    let integration = texts(&r.body, "recordType");
    assert!(integration.contains(&"Account.Customer".to_owned()));
    assert_eq!(
        texts(&r.body, "userLicense"),
        ["Salesforce", "Salesforce Integration"]
    );
}

#[test]
fn a_bad_session_is_the_invalid_session_fault() {
    let sim = start();
    let agent = sim.agent();
    // Unknown, expired and page-only (lightning host) sessions: the real fault, HTTP 500.
    let lightning_sid = {
        let browser = sim.agent();
        let (sids, _) = login_steps(&browser, ACME, "username=admin%40acme.example");
        sids[1].clone()
    };
    let expired = sim.issue_session("acme", ADMIN);
    sim.expire_sessions();
    for sid in [
        "00DAM0000000001!nonsense",
        expired.as_str(),
        lightning_sid.as_str(),
    ] {
        let r = call(&agent, &envelope(sid, "", &read_body(&["Admin"])));
        assert_eq!(r.status, 500, "{}", r.body);
        assert_eq!(texts(&r.body, "faultcode"), ["sf:INVALID_SESSION_ID"]);
        assert_eq!(
            texts(&r.body, "faultstring"),
            ["INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session"]
        );
        assert_eq!(texts(&r.body, "exceptionCode"), ["INVALID_SESSION_ID"]);
    }
    // A Bearer header is not how the SOAP endpoint authenticates.
    let sid = sim.issue_session("acme", ADMIN);
    let r = read_soap(
        agent
            .post(SOAP)
            .header("Content-Type", "text/xml")
            .header("Authorization", &format!("Bearer {sid}"))
            .send(envelope("", "", &read_body(&["Admin"])).as_str()),
    );
    assert_eq!(texts(&r.body, "faultcode"), ["sf:INVALID_SESSION_ID"]);
}

#[test]
fn update_metadata_overlays_only_the_named_visibilities() {
    let sim = start();
    let sid = sim.issue_session("acme", ADMIN);
    let agent = sim.agent();
    let before = visibilities(&sim, "System Administrator");
    let r = call(
        &agent,
        &envelope(
            &sid,
            "<AllOrNoneHeader><allOrNone>true</allOrNone></AllOrNoneHeader>",
            &update_body(
                "Admin",
                &[
                    ("Account.Partner", true, true),
                    ("Account.Customer", true, false),
                ],
            ),
        ),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(texts(&r.body, "success"), ["true"]);
    assert_eq!(texts(&r.body, "fullName"), ["Admin"]);
    let after = visibilities(&sim, "System Administrator");
    let changed: Vec<_> = after.iter().filter(|v| !before.contains(v)).collect();
    assert_eq!(
        changed,
        [
            &("Account.Customer".to_owned(), true, false),
            &("Account.Partner".to_owned(), true, true)
        ]
    );
    // Other profiles are untouched.
    assert_eq!(visibilities(&sim, "Standard User").len(), 8);
    let log = sim.request_log();
    let soap: Vec<_> = log
        .iter()
        .filter(|l| l.path.starts_with("/services/Soap/"))
        .collect();
    assert_eq!(soap.len(), 1);
    assert_eq!(soap[0].soap_call.as_deref(), Some("updateMetadata"));
}

#[test]
fn refused_updates_keep_salesforces_words_and_save_nothing() {
    let sim = start();
    let sid = sim.issue_session("acme", ADMIN);
    let agent = sim.agent();
    let before = sim.state_dump("acme");
    let cases: [(&str, &[Visibility], &str, &str); 5] = [
        ("Admin", &[("Account.Nope", true, true)], "INVALID_CROSS_REFERENCE_KEY", "In field: recordType - no RecordType named Account.Nope found"),
        ("Admin", &[("Account.Partner", true, true)], "FIELD_INTEGRITY_EXCEPTION", "Account can have only one default record type for a profile."),
        ("Admin", &[("Account.Partner", false, true), ("Account.Customer", true, false)], "FIELD_INTEGRITY_EXCEPTION", "The default record type Account.Partner must be visible."),
        ("Nobody", &[("Account.Partner", true, true)], "INVALID_CROSS_REFERENCE_KEY", "In field: fullName - no Profile named Nobody found"),
        // The integration profile refuses by default (salesforce.md §H.Q6 [U]).
        (INTEGRATION, &[("Opportunity.Renewal", true, true)], "FIELD_INTEGRITY_EXCEPTION", "You can't change the record type settings of standard objects on the profile Minimum Access - API Only Integrations."),
    ];
    for (profile, entries, code, message) in cases {
        let r = call(&agent, &envelope(&sid, "", &update_body(profile, entries)));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(texts(&r.body, "success"), ["false"], "{}", r.body);
        assert_eq!(texts(&r.body, "statusCode"), [code], "{}", r.body);
        assert_eq!(texts(&r.body, "message"), [message], "{}", r.body);
    }
    // Elements the sim doesn't simulate are refused, not silently ignored.
    let r = call(
        &agent,
        &envelope(&sid, "", "<updateMetadata><metadata xsi:type=\"Profile\"><fullName>Admin</fullName><description>x</description></metadata></updateMetadata>"),
    );
    assert_eq!(texts(&r.body, "success"), ["false"]);
    assert_eq!(sim.state_dump("acme"), before);
}

#[test]
fn the_integration_profile_switch() {
    let entries = [("Opportunity.Renewal", true, true)];
    for (mode, saved) in [
        (IntegrationProfileRecordTypes::Accept, true),
        (IntegrationProfileRecordTypes::Ignore, false),
    ] {
        let sim = start_with(SimConfig {
            integration_profile_record_types: mode,
            ..SimConfig::default()
        });
        let sid = sim.issue_session("acme", ADMIN);
        let r = call(
            &sim.agent(),
            &envelope(&sid, "", &update_body(INTEGRATION, &entries)),
        );
        // Both answer success; only Accept saves (Ignore shows only on reading again).
        assert_eq!(texts(&r.body, "success"), ["true"], "{mode:?}");
        let now = visibilities(&sim, INTEGRATION);
        assert_eq!(
            now.contains(&("Opportunity.Renewal".to_owned(), true, true)),
            saved,
            "{mode:?}"
        );
    }
}

#[test]
fn the_switch_changes_at_run_time_and_reset_restores_it() {
    let sim = start();
    let sid = sim.issue_session("acme", ADMIN);
    let agent = sim.agent();
    let entries = [("Opportunity.Renewal", true, true)];
    let r = post(
        &agent,
        &format!(
            "https://127.0.0.1:{}/__sim/integration-profile-record-types",
            sim.port()
        ),
        "application/json",
        r#"{"mode":"accept"}"#,
    );
    assert_eq!(r.status, 204, "{}", r.body);
    let r = call(
        &agent,
        &envelope(&sid, "", &update_body(INTEGRATION, &entries)),
    );
    assert_eq!(texts(&r.body, "success"), ["true"]);
    sim.reset();
    let r = call(
        &agent,
        &envelope(&sid, "", &update_body(INTEGRATION, &entries)),
    );
    assert_eq!(texts(&r.body, "success"), ["false"]);
}

#[test]
fn whole_call_failures_are_faults() {
    let sim = start();
    let agent = sim.agent();
    // A user without Modify All Data.
    let standard = sim.issue_session("acme", "alan.turing@acme.example");
    let r = call(&agent, &envelope(&standard, "", &read_body(&["Admin"])));
    assert_eq!(r.status, 500);
    assert_eq!(texts(&r.body, "faultcode"), ["sf:INSUFFICIENT_ACCESS"]);
    let sid = sim.issue_session("acme", ADMIN);
    // Not XML, not a SOAP envelope, an unknown call: SOAP's Client fault.
    for bad in [
        "not xml".to_owned(),
        "<Envelope><Body/></Envelope>".to_owned(),
        envelope(&sid, "", "<deploy/>"),
    ] {
        let r = call(&agent, &bad);
        assert_eq!(r.status, 500, "{bad}");
        assert_eq!(
            texts(&r.body, "faultcode"),
            ["soapenv:Client"],
            "{}",
            r.body
        );
    }
    // A version above the org's.
    let r = read_soap(
        agent
            .post("https://acme.my.salesforce.com/services/Soap/m/99.0")
            .header("Content-Type", "text/xml")
            .send(envelope(&sid, "", &read_body(&["Admin"])).as_str()),
    );
    assert_eq!(texts(&r.body, "faultcode"), ["sf:UNSUPPORTED_API_VERSION"]);
    // The daily allowance covers the Metadata API too.
    sim.spend_api_allowance("acme");
    let r = call(&agent, &envelope(&sid, "", &read_body(&["Admin"])));
    assert_eq!(texts(&r.body, "faultcode"), ["sf:REQUEST_LIMIT_EXCEEDED"]);
}

#[test]
fn record_types_and_the_profiles_metadata_names_are_queryable() {
    let sim = start();
    let sid = sim.issue_session("acme", ADMIN);
    let agent = sim.agent();
    let r = get(
        &agent,
        &format!(
            "https://{ACME}/services/data/v66.0/query?q={}",
            q("SELECT SobjectType, DeveloperName, Name, IsActive FROM RecordType ORDER BY SobjectType, DeveloperName")
        ),
        Some(&sid),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let rows = r.json()["records"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 8);
    assert_eq!(rows[0]["SobjectType"], "Account");
    assert!(rows
        .iter()
        .any(|r| r["DeveloperName"] == "Legacy_Deal" && r["IsActive"] == false));
    // Tooling Profile: FullName for one row (salesforce.md §I.12) …
    let tooling = |soql: &str| {
        get(
            &agent,
            &format!(
                "https://{ACME}/services/data/v66.0/tooling/query?q={}",
                q(soql)
            ),
            Some(&sid),
        )
    };
    let r = tooling("SELECT Id, Name, FullName FROM Profile WHERE Name = 'System Administrator'");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["records"][0]["FullName"], "Admin");
    // … and the documented refusal for more.
    let r = tooling("SELECT Id, FullName FROM Profile");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()[0]["errorCode"], "MALFORMED_QUERY");
    assert!(r.json()[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("When retrieving results with Metadata or FullName fields"));
    assert_eq!(tooling("SELECT Id, Name FROM Profile").status, 200);
}

#[test]
fn the_profile_record_type_page_shows_the_settings() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let dump = sim.state_dump("acme");
    let id = dump["Profile"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["Name"] == INTEGRATION)
        .map(|p| p["Id"].as_str().unwrap()[..15].to_owned())
        .unwrap();
    let r = get(
        &agent,
        &format!(
            "https://{ACME}/setup/ui/profilerecordtypeedit.jsp?id={id}&tid=Account&pn={}",
            q(INTEGRATION)
        ),
        None,
    );
    assert_eq!(r.status, 200);
    let doc = scraper::Html::parse_document(&r.body);
    let rows: Vec<String> = doc
        .select(&scraper::Selector::parse("tr[data-record-type]").unwrap())
        .map(|tr| tr.value().attr("data-record-type").unwrap().to_owned())
        .collect();
    assert_eq!(
        rows,
        ["Account.Customer", "Account.Partner", "Account.Competitor"]
    );
    assert!(r.body.contains(INTEGRATION));
}
