//! Integration-user classification over query rows shaped as Salesforce returns them (salesforce.md
//! §B.1, §C.5–§C.7, §H.Q4, §H.Q5), one fixture per state; and the badge cache, with the clock
//! passed in, over a transport that answers like an org and counts its calls.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use forcefield::platform::memory::MemoryStorage;
use forcefield::platform::{
    Area, HttpRequest, HttpResponse, KeyValueStore, Transport, TransportError,
};
use forcefield::salesforce::{ApiErrorKind, ApiVersion, Client, OrgId, SalesforceHost, Session};
use forcefield::users::{
    badges_for, classify, BadgeKind, UserId, UserRecord, WarningCode, CACHE_TTL_MS,
};
use serde_json::{json, Value};
use std::cell::RefCell;

const INTEGRATION_LICENSE_ID: &str = "100AM0000000002AAA";
const SALESFORCE_LICENSE_ID: &str = "100AM0000000001AAA";
const PSL_ID: &str = "0PLAM0000000001AAA";

fn profile(name: &str, license: &str, api_only: bool, never_expires: bool) -> Value {
    let license_id = if license == "Salesforce Integration" {
        INTEGRATION_LICENSE_ID
    } else {
        SALESFORCE_LICENSE_ID
    };
    json!({
        "attributes": {"type": "Profile"},
        "Name": name,
        "UserLicenseId": license_id,
        "UserLicense": {"attributes": {"type": "UserLicense"}, "Name": license},
        "PermissionsApiUserOnly": api_only,
        "PermissionsPasswordNeverExpires": never_expires,
    })
}

/// A permission set assignment row; `license` = (LicenseId, License.Name).
fn assignment(label: &str, owned: bool, license: Option<(&str, &str)>, perms: &[&str]) -> Value {
    let mut ps = json!({
        "attributes": {"type": "PermissionSet"},
        "Name": label.replace(' ', "_"),
        "Label": label,
        "IsOwnedByProfile": owned,
        "IsCustom": !owned,
        "LicenseId": license.map(|l| l.0),
        "License": license.map(|l| json!({"attributes": {"type": "PermissionSetLicense"}, "Name": l.1})),
        "PermissionsApiUserOnly": perms.contains(&"ApiUserOnly"),
        "PermissionsPasswordNeverExpires": perms.contains(&"PasswordNeverExpires"),
    });
    if owned {
        ps["Label"] = json!("00eAM0000000003");
    }
    json!({"attributes": {"type": "PermissionSetAssignment"}, "PermissionSetId": "0PSAM0000000001AAA", "PermissionSet": ps})
}

fn children(records: Vec<Value>) -> Value {
    if records.is_empty() {
        return Value::Null;
    }
    json!({"totalSize": records.len(), "done": true, "records": records})
}

fn integration_psl() -> Value {
    json!({
        "attributes": {"type": "PermissionSetLicenseAssign"},
        "PermissionSetLicenseId": PSL_ID,
        "PermissionSetLicense": {"attributes": {"type": "PermissionSetLicense"}, "DeveloperName": "SalesforceAPIIntegrationPsl", "MasterLabel": "Salesforce API Integration"},
    })
}

fn user(id: &str, active: bool, profile: Value, sets: Vec<Value>, psls: Vec<Value>) -> Value {
    json!({
        "attributes": {"type": "User"},
        "Id": id,
        "Name": "Someone",
        "IsActive": active,
        "Profile": profile,
        "PermissionSetAssignments": children(sets),
        "PermissionSetLicenseAssignments": children(psls),
    })
}

fn api_only_profile() -> Value {
    profile(
        "Minimum Access - API Only Integrations",
        "Salesforce Integration",
        true,
        false,
    )
}

fn owned_api_only() -> Value {
    assignment("profile", true, None, &["ApiUserOnly"])
}

fn warnings_of(row: Value) -> Vec<WarningCode> {
    let record = UserRecord::from_json(&row).unwrap();
    classify(&record).warnings.iter().map(|w| w.code).collect()
}

fn kinds_of(row: Value) -> Vec<BadgeKind> {
    let record = UserRecord::from_json(&row).unwrap();
    classify(&record).kinds
}

#[test]
fn a_fully_set_up_integration_user_is_marked_without_warnings() {
    let row = user(
        "005AM000000001AAAA",
        true,
        api_only_profile(),
        vec![
            owned_api_only(),
            assignment(
                "NetSuite Integration",
                false,
                None,
                &["PasswordNeverExpires"],
            ),
        ],
        vec![integration_psl()],
    );
    let record = UserRecord::from_json(&row).unwrap();
    let badge = classify(&record);
    assert!(badge.integration);
    assert_eq!(
        badge.kinds,
        [
            BadgeKind::IntegrationLicense,
            BadgeKind::ApiOnly,
            BadgeKind::IntegrationPsl
        ]
    );
    assert_eq!(badge.reasons.len(), 3);
    assert!(badge.reasons[1].contains("profile"), "{:?}", badge.reasons);
    assert_eq!(badge.warnings, []);
}

#[test]
fn every_unhealthy_state_has_its_warning() {
    // Missing the PSL.
    assert_eq!(
        warnings_of(user(
            "005AM000000002AAAA",
            true,
            api_only_profile(),
            vec![
                owned_api_only(),
                assignment(
                    "Marketo Password Policy",
                    false,
                    None,
                    &["PasswordNeverExpires"]
                )
            ],
            vec![],
        )),
        [WarningCode::MissingIntegrationPsl]
    );
    // PSL, no custom permission set; the password expires.
    assert_eq!(
        warnings_of(user(
            "005AM000000003AAAA",
            true,
            api_only_profile(),
            vec![owned_api_only()],
            vec![integration_psl()],
        )),
        [
            WarningCode::NoCustomPermissionSet,
            WarningCode::PasswordExpires
        ]
    );
    // A set licensed "Salesforce" (salesforce.md §C.5, §C.7).
    assert_eq!(
        warnings_of(user(
            "005AM000000004AAAA",
            true,
            api_only_profile(),
            vec![
                owned_api_only(),
                assignment(
                    "Sales Ops",
                    false,
                    Some((SALESFORCE_LICENSE_ID, "Salesforce")),
                    &["PasswordNeverExpires"]
                )
            ],
            vec![integration_psl()],
        )),
        [WarningCode::AssignmentWillFail]
    );
    // A set licensed with the PSL, which the user does not hold (salesforce.md §H.Q4).
    assert_eq!(
        warnings_of(user(
            "005AM000000005AAAA",
            true,
            api_only_profile(),
            vec![
                owned_api_only(),
                assignment(
                    "Legacy ERP Access",
                    false,
                    Some((PSL_ID, "Salesforce API Integration")),
                    &["PasswordNeverExpires"]
                )
            ],
            vec![],
        )),
        [
            WarningCode::MissingIntegrationPsl,
            WarningCode::AssignmentWillFail
        ]
    );
    // The same set with the PSL held is fine; a set on the user's own license is fine.
    assert_eq!(
        warnings_of(user(
            "005AM000000006AAAA",
            true,
            api_only_profile(),
            vec![
                owned_api_only(),
                assignment(
                    "Legacy ERP Access",
                    false,
                    Some((PSL_ID, "Salesforce API Integration")),
                    &[]
                ),
                assignment(
                    "Integration Shipments",
                    false,
                    Some((INTEGRATION_LICENSE_ID, "Salesforce Integration")),
                    &["PasswordNeverExpires"]
                )
            ],
            vec![integration_psl()],
        )),
        []
    );
    // Inactive.
    assert_eq!(
        warnings_of(user(
            "005AM000000007AAAA",
            false,
            api_only_profile(),
            vec![
                owned_api_only(),
                assignment(
                    "NetSuite Integration",
                    false,
                    None,
                    &["PasswordNeverExpires"]
                )
            ],
            vec![integration_psl()],
        )),
        [WarningCode::Inactive]
    );
}

#[test]
fn a_permission_set_group_counts_as_custom_access() {
    let mut grouped = assignment(
        "Finance Bundle aggregate",
        false,
        None,
        &["PasswordNeverExpires"],
    );
    grouped["PermissionSet"]["IsCustom"] = json!(false);
    grouped["PermissionSetGroupId"] = json!("0PGAM0000000001AAA");
    assert_eq!(
        warnings_of(user(
            "005AM00000000GAAAA",
            true,
            api_only_profile(),
            vec![owned_api_only(), grouped.clone()],
            vec![integration_psl()],
        )),
        []
    );
    // Without the group Id, a non-custom set is not the integration's own access.
    grouped["PermissionSetGroupId"] = Value::Null;
    assert_eq!(
        warnings_of(user(
            "005AM00000000GAAAA",
            true,
            api_only_profile(),
            vec![owned_api_only(), grouped],
            vec![integration_psl()],
        )),
        [WarningCode::NoCustomPermissionSet]
    );
}

#[test]
fn password_never_expires_counts_from_the_profile_too() {
    let never_expiring_profile =
        profile("Custom Integration", "Salesforce Integration", true, true);
    assert_eq!(
        warnings_of(user(
            "005AM000000008AAAA",
            true,
            never_expiring_profile,
            vec![assignment("Reads", false, None, &[])],
            vec![integration_psl()],
        )),
        []
    );
}

#[test]
fn the_license_decides_never_the_profile_name() {
    // salesforce.md §C.7: both integration profiles occur, and clones are renamed.
    let deprecated = profile(
        "Salesforce API Only System Integrations",
        "Salesforce Integration",
        true,
        false,
    );
    assert!(
        kinds_of(user("005AM000000009AAAA", true, deprecated, vec![], vec![]))
            .contains(&BadgeKind::IntegrationLicense)
    );
    let clone = profile("ERP Robots", "Salesforce Integration", false, false);
    assert_eq!(
        kinds_of(user("005AM00000000AAAAA", true, clone, vec![], vec![])),
        [BadgeKind::IntegrationLicense]
    );
    let misleading = profile(
        "Minimum Access - API Only Integrations",
        "Salesforce",
        false,
        false,
    );
    assert_eq!(
        kinds_of(user("005AM00000000BAAAA", true, misleading, vec![], vec![])),
        []
    );
}

#[test]
fn api_only_people_and_psl_holders_are_marked_without_health_warnings() {
    let standard = || profile("Standard User", "Salesforce", false, false);
    let record = UserRecord::from_json(&user(
        "005AM00000000CAAAA",
        true,
        standard(),
        vec![assignment("Robots Only", false, None, &["ApiUserOnly"])],
        vec![],
    ))
    .unwrap();
    let badge = classify(&record);
    assert_eq!(badge.kinds, [BadgeKind::ApiOnly]);
    assert!(!badge.integration);
    assert!(
        badge.reasons[0].contains("Robots Only"),
        "{:?}",
        badge.reasons
    );
    assert_eq!(badge.warnings, []);
    assert_eq!(
        kinds_of(user(
            "005AM00000000DAAAA",
            true,
            standard(),
            vec![],
            vec![integration_psl()]
        )),
        [BadgeKind::IntegrationPsl]
    );
    assert_eq!(
        kinds_of(user("005AM00000000EAAAA", true, standard(), vec![], vec![])),
        []
    );
}

#[test]
fn a_row_with_missing_parts_is_read_not_rejected() {
    let record = UserRecord::from_json(&json!({
        "attributes": {"type": "User"},
        "Id": "005AM00000000FAAAA",
        "Profile": null,
        "PermissionSetAssignments": null,
        "PermissionSetLicenseAssignments": null
    }))
    .unwrap();
    let badge = classify(&record);
    assert_eq!(badge.kinds, []);
}

// ---- the cache, over a transport that answers like an org ----

/// Answers each query with rows for the Ids in its `IN (…)` list (every 5th one an
/// integration user), optionally cutting each user's assignment list into two pages, or
/// answers 401 once `expired` is set. Counts calls.
#[derive(Default)]
struct Org {
    calls: RefCell<Vec<String>>,
    expired: std::cell::Cell<bool>,
    paged_children: bool,
}

fn ids_in(url: &str) -> Vec<String> {
    let decoded = url.replace("%27", "'");
    decoded
        .split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

impl Transport for Org {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.calls.borrow_mut().push(request.url.clone());
        if self.expired.get() {
            return Ok(HttpResponse::new(
                401,
                r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#,
            ));
        }
        if request.url.contains("/query/children-") {
            let body = json!({"totalSize": 2, "done": true, "records": [assignment("Second Page", false, None, &["PasswordNeverExpires"])]});
            return Ok(HttpResponse::new(200, body.to_string()));
        }
        let rows: Vec<Value> = ids_in(&request.url)
            .iter()
            .enumerate()
            .map(|(i, id)| {
                if i % 5 == 0 {
                    let mut row = user(
                        id,
                        true,
                        api_only_profile(),
                        vec![owned_api_only()],
                        vec![integration_psl()],
                    );
                    if self.paged_children {
                        row["PermissionSetAssignments"] = json!({"totalSize": 2, "done": false, "nextRecordsUrl": format!("/services/data/v66.0/query/children-{id}"), "records": [owned_api_only()]});
                    }
                    row
                } else {
                    user(
                        id,
                        true,
                        profile("Standard User", "Salesforce", false, false),
                        vec![],
                        vec![],
                    )
                }
            })
            .collect();
        let body = json!({"totalSize": rows.len(), "done": true, "records": rows});
        Ok(HttpResponse::new(200, body.to_string()))
    }
}

fn session() -> Session {
    Session::new(
        OrgId::parse("00DAM0000000001").unwrap(),
        SalesforceHost::parse("acme.my.salesforce.com").unwrap(),
        "00DAM0000000001!token".into(),
    )
    .unwrap()
}

fn page_ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("005AM{i:010}")).collect()
}

#[test]
fn up_to_two_hundred_users_take_one_query_and_a_revisit_none_until_it_expires() {
    let org = Org::default();
    let storage = MemoryStorage::default();
    let session = session();
    let client = Client::new(&org, &session, ApiVersion::new(66));
    let org_id = OrgId::parse("00DAM0000000001").unwrap();
    let ids = page_ids(200);
    let t0 = 1_700_000_000_000;
    let badges = pollster::block_on(badges_for(&client, &storage, &org_id, &ids, t0)).unwrap();
    assert_eq!(org.calls.borrow().len(), 1);
    assert_eq!(badges.len(), 40);
    // The badges are keyed by the Ids as the page sent them (15 characters).
    assert!(badges.iter().all(|b| b.user_id.len() == 15));
    // Cached: no call a minute later.
    let again =
        pollster::block_on(badges_for(&client, &storage, &org_id, &ids, t0 + 60_000)).unwrap();
    assert_eq!(org.calls.borrow().len(), 1);
    assert_eq!(again, badges);
    // Stale: asked again.
    pollster::block_on(badges_for(
        &client,
        &storage,
        &org_id,
        &ids,
        t0 + CACHE_TTL_MS + 1,
    ))
    .unwrap();
    assert_eq!(org.calls.borrow().len(), 2);
}

#[test]
fn larger_pages_are_chunked_and_invalid_ids_never_reach_the_query() {
    let org = Org::default();
    let storage = MemoryStorage::default();
    let session = session();
    let client = Client::new(&org, &session, ApiVersion::new(66));
    let org_id = OrgId::parse("00DAM0000000001").unwrap();
    let mut ids = page_ids(450);
    ids.push("005') OR Name LIKE ('%".to_owned());
    ids.push("00eAM0000000001".to_owned());
    pollster::block_on(badges_for(&client, &storage, &org_id, &ids, 1)).unwrap();
    let calls = org.calls.borrow();
    assert_eq!(calls.len(), 3);
    assert!(calls.iter().all(|url| url.len() < 16_000));
    assert!(calls.iter().all(|url| !url.contains("LIKE")));
}

#[test]
fn a_cut_short_assignment_list_is_read_to_its_end() {
    let org = Org {
        paged_children: true,
        ..Org::default()
    };
    let storage = MemoryStorage::default();
    let session = session();
    let client = Client::new(&org, &session, ApiVersion::new(66));
    let org_id = OrgId::parse("00DAM0000000001").unwrap();
    let badges =
        pollster::block_on(badges_for(&client, &storage, &org_id, &page_ids(1), 1)).unwrap();
    assert_eq!(org.calls.borrow().len(), 2);
    // The second page's custom set (with Password Never Expires) counts.
    assert_eq!(badges[0].warnings, []);
    // The cache keeps the whole row: a revisit classifies it the same, asking nothing.
    let again =
        pollster::block_on(badges_for(&client, &storage, &org_id, &page_ids(1), 2)).unwrap();
    assert_eq!(org.calls.borrow().len(), 2);
    assert_eq!(again, badges);
}

#[test]
fn a_cached_verdict_in_the_first_rounds_shape_is_asked_again() {
    // The first round cached badges (`{"at", "badge"}`); the cache now keeps the org's rows. An
    // entry without a row must not count as fresh, or it would hide the user's badge for the
    // rest of its five minutes.
    let org = Org::default();
    let storage = MemoryStorage::default();
    let session = session();
    let client = Client::new(&org, &session, ApiVersion::new(66));
    let org_id = OrgId::parse("00DAM0000000001").unwrap();
    let ids = page_ids(1);
    let id = UserId::parse(&ids[0]).unwrap();
    let t0 = 1_700_000_000_000_u64;
    let mut old = serde_json::Map::new();
    old.insert(id.as_str().to_owned(), json!({"at": t0, "badge": null}));
    pollster::block_on(storage.set(
        Area::Session,
        "userBadges:00DAM0000000001",
        Value::Object(old),
    ))
    .unwrap();
    let badges =
        pollster::block_on(badges_for(&client, &storage, &org_id, &ids, t0 + 1_000)).unwrap();
    assert_eq!(org.calls.borrow().len(), 1);
    assert_eq!(badges.len(), 1, "the integration user is badged");
}

#[test]
fn an_expired_session_fails_the_whole_lookup_and_caches_nothing() {
    let org = Org::default();
    org.expired.set(true);
    let storage = MemoryStorage::default();
    let session = session();
    let client = Client::new(&org, &session, ApiVersion::new(66));
    let org_id = OrgId::parse("00DAM0000000001").unwrap();
    let error =
        pollster::block_on(badges_for(&client, &storage, &org_id, &page_ids(3), 1)).unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::SessionExpired);
    assert!(storage.snapshot().is_empty());
}
