//! The access review's cases (issue #15): semi-joins in SOQL (salesforce.md §B.1), muting sets
//! and group aggregates (§I.7), View All Fields (§I.10), a licence with no seat left and the
//! licence maxima at assignment (§I.8, §I.9).

use org_sim::SimConfig;
use serde_json::{json, Value};

use crate::api::*;
use crate::common::*;

fn column(rows: &[Value], key: &str) -> Vec<String> {
    let mut values: Vec<String> = rows
        .iter()
        .map(|r| r[key].as_str().unwrap_or_default().to_owned())
        .collect();
    values.sort();
    values
}

#[test]
fn semi_joins_select_by_id_lists_and_keep_salesforces_restrictions() {
    let sim = start();
    let api = Api::admin(&sim);
    let user = api.user_id("int-netsuite@acme.example");
    let rows = api.query(&format!(
        "SELECT SobjectType FROM ObjectPermissions WHERE ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '{user}') AND PermissionsRead = true"
    ));
    assert_eq!(
        column(&rows, "SobjectType"),
        ["Account", "Contact", "Invoice_Line__c", "Invoice__c"]
    );
    // Anti-join.
    let others = api.query(&format!(
        "SELECT Id FROM ObjectPermissions WHERE ParentId NOT IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '{user}')"
    ));
    assert!(others.len() > 10);
    let refused = |soql: &str| {
        let r = api.get(&format!("query?q={}", q(soql)));
        assert_eq!(r.status, 400, "{soql}: {}", r.body);
        r.json()[0]["errorCode"].as_str().unwrap().to_owned()
    };
    // Nested, inside OR, on a non-Id field, selecting a non-Id field.
    assert_eq!(refused("SELECT Id FROM ObjectPermissions WHERE ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId IN (SELECT Id FROM User))"), "MALFORMED_QUERY");
    assert_eq!(refused(&format!("SELECT Id FROM ObjectPermissions WHERE PermissionsRead = true OR ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '{user}')")), "MALFORMED_QUERY");
    assert_eq!(refused("SELECT Id FROM ObjectPermissions WHERE SobjectType IN (SELECT PermissionSetId FROM PermissionSetAssignment)"), "MALFORMED_QUERY");
    assert_eq!(
        refused(
            "SELECT Id FROM ObjectPermissions WHERE ParentId IN (SELECT Name FROM PermissionSet)"
        ),
        "MALFORMED_QUERY"
    );
}

#[test]
fn the_sandbox_integration_user_holds_a_group_with_a_muting_set() {
    let sim = start();
    let api = Api::uat_admin(&sim);
    let groups = api.query("SELECT PermissionSetGroup.DeveloperName FROM PermissionSetAssignment WHERE Assignee.Username = 'int-netsuite@acme.example.uat' AND PermissionSetGroupId != null");
    assert_eq!(groups.len(), 1);
    assert_eq!(
        groups[0]["PermissionSetGroup"]["DeveloperName"],
        "Integration_Bundle"
    );
    let components = api.query("SELECT PermissionSetId FROM PermissionSetGroupComponent WHERE PermissionSetGroup.DeveloperName = 'Integration_Bundle'");
    assert_eq!(components.len(), 3);
    let muting =
        api.query("SELECT Id, DeveloperName, PermissionsExportReport FROM MutingPermissionSet");
    assert_eq!(muting[0]["DeveloperName"], "Integration_Bundle_Muting");
    assert_eq!(muting[0]["PermissionsExportReport"], true);
    let muting_id = muting[0]["Id"].as_str().unwrap();
    assert!(components.iter().any(|c| c["PermissionSetId"] == muting_id));
    // The muting set's rows, by its Id as ParentId.
    let muted = api.query(&format!("SELECT SobjectType, PermissionsDelete, PermissionsModifyAllRecords, PermissionsRead FROM ObjectPermissions WHERE ParentId = '{muting_id}'"));
    assert_eq!(muted[0]["SobjectType"], "Shipment__c");
    assert_eq!(
        (
            muted[0]["PermissionsDelete"].clone(),
            muted[0]["PermissionsModifyAllRecords"].clone(),
            muted[0]["PermissionsRead"].clone()
        ),
        (json!(true), json!(true), json!(false))
    );
    // View All Fields on Shipment__c in a member, and so in the aggregate (salesforce.md §I.10).
    let vaf = api
        .query("SELECT Parent.Name FROM ObjectPermissions WHERE PermissionsViewAllFields = true");
    assert_eq!(
        column(
            &vaf.iter().map(|r| r["Parent"].clone()).collect::<Vec<_>>(),
            r#"Name"#
        ),
        ["Bundle_Shipments", "Integration_Bundle_Aggregate"]
    );
    // The aggregate is net of muting by default (switch, §I.7 [U]).
    let aggregate = api.query("SELECT Id, PermissionsExportReport, PermissionsRunReports, (SELECT SobjectType, PermissionsDelete, PermissionsModifyAllRecords, PermissionsViewAllFields FROM ObjectPerms WHERE SobjectType = 'Shipment__c'), (SELECT Field, PermissionsEdit FROM FieldPerms WHERE Field = 'Invoice__c.Tax__c') FROM PermissionSet WHERE PermissionSetGroup.DeveloperName = 'Integration_Bundle'");
    assert_eq!(aggregate[0]["PermissionsExportReport"], false);
    assert_eq!(aggregate[0]["PermissionsRunReports"], true);
    let shipment = &aggregate[0]["ObjectPerms"]["records"][0];
    assert_eq!(
        (
            shipment["PermissionsDelete"].clone(),
            shipment["PermissionsModifyAllRecords"].clone(),
            shipment["PermissionsViewAllFields"].clone()
        ),
        (json!(false), json!(false), json!(true))
    );
    assert_eq!(
        aggregate[0]["FieldPerms"]["records"][0]["PermissionsEdit"],
        false
    );
    // With the switch off, the aggregate keeps the members' union.
    let union = start_with(SimConfig {
        group_aggregate_net_of_muting: false,
        ..SimConfig::default()
    });
    let api = Api::uat_admin(&union);
    let aggregate = api.query("SELECT PermissionsExportReport FROM PermissionSet WHERE PermissionSetGroup.DeveloperName = 'Integration_Bundle'");
    assert_eq!(aggregate[0]["PermissionsExportReport"], true);
}

#[test]
fn groups_created_through_the_api_get_their_aggregate_and_muting_rows_follow_dependants() {
    let sim = start();
    let api = Api::admin(&sim);
    let group = api.create(
        "PermissionSetGroup",
        json!({"DeveloperName": "Api_Group", "MasterLabel": "Api Group"}),
    );
    let aggregate = api.query(&format!(
        "SELECT Id, Type FROM PermissionSet WHERE PermissionSetGroupId = '{group}'"
    ));
    assert_eq!(aggregate[0]["Type"], "Group");
    api.create("PermissionSetGroupComponent", json!({"PermissionSetGroupId": group, "PermissionSetId": api.ps_id("NetSuite_Integration")}));
    let muting = api.create("MutingPermissionSet", json!({"DeveloperName": "Api_Group_Muting", "MasterLabel": "Api Group Muting", "PermissionsPasswordNeverExpires": true}));
    // Muting Read while Edit stays is refused by default (switch, §I.7 [U]).
    let r = api.post(
        "sobjects/ObjectPermissions",
        &json!({"ParentId": muting, "SobjectType": "Account", "PermissionsRead": true}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()[0]["errorCode"], "FIELD_INTEGRITY_EXCEPTION");
    // Muting Edit alone (nothing above it is granted… Delete and Modify All require Edit).
    api.create("ObjectPermissions", json!({"ParentId": muting, "SobjectType": "Account", "PermissionsEdit": true, "PermissionsDelete": true, "PermissionsModifyAllRecords": true}));
    api.create("FieldPermissions", json!({"ParentId": muting, "SobjectType": "Account", "Field": "Account.Phone", "PermissionsEdit": true}));
    api.create(
        "PermissionSetGroupComponent",
        json!({"PermissionSetGroupId": group, "PermissionSetId": muting}),
    );
    let rows = api.query(&format!("SELECT PermissionsPasswordNeverExpires, (SELECT SobjectType, PermissionsRead, PermissionsEdit FROM ObjectPerms WHERE SobjectType = 'Account'), (SELECT PermissionsRead, PermissionsEdit FROM FieldPerms WHERE Field = 'Account.Phone') FROM PermissionSet WHERE PermissionSetGroupId = '{group}'"));
    assert_eq!(rows[0]["PermissionsPasswordNeverExpires"], false);
    let account = &rows[0]["ObjectPerms"]["records"][0];
    assert_eq!(
        (
            account["PermissionsRead"].clone(),
            account["PermissionsEdit"].clone()
        ),
        (json!(true), json!(false))
    );
    let phone = &rows[0]["FieldPerms"]["records"][0];
    assert_eq!(
        (
            phone["PermissionsRead"].clone(),
            phone["PermissionsEdit"].clone()
        ),
        (json!(true), json!(false))
    );
    // With the switch, a muting row may mute Read alone.
    let lax = start_with(SimConfig {
        muting_mutes_dependants: false,
        ..SimConfig::default()
    });
    let api = Api::admin(&lax);
    let muting = api.create(
        "MutingPermissionSet",
        json!({"DeveloperName": "Lax", "MasterLabel": "Lax"}),
    );
    api.create(
        "ObjectPermissions",
        json!({"ParentId": muting, "SobjectType": "Account", "PermissionsRead": true}),
    );
}

#[test]
fn the_licence_maxima_and_seats_block_what_the_access_check_says_they_block() {
    let sim = start();
    let api = Api::admin(&sim);
    let analytics = api.query("SELECT Id, TotalLicenses, UsedLicenses FROM PermissionSetLicense WHERE DeveloperName = 'AnalyticsConnectorPsl'");
    assert_eq!(
        (
            analytics[0]["TotalLicenses"].clone(),
            analytics[0]["UsedLicenses"].clone()
        ),
        (json!(1), json!(1))
    );
    let maximum = api.query("SELECT MaximumPermissionsCustomizeApplication, MaximumPermissionsPasswordNeverExpires FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'");
    assert_eq!(
        (
            maximum[0]["MaximumPermissionsCustomizeApplication"].clone(),
            maximum[0]["MaximumPermissionsPasswordNeverExpires"].clone()
        ),
        (json!(false), json!(true))
    );
    let netsuite = api.user_id("int-netsuite@acme.example");
    let assign = |set: &str| {
        api.post(
            "sobjects/PermissionSetAssignment",
            &json!({"AssigneeId": netsuite, "PermissionSetId": api.ps_id(set)}),
        )
    };
    // Customize Application: false in the only licence the user holds (§I.8, §I.9).
    let r = assign("Connector_Admin");
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()[0]["errorCode"], "FIELD_INTEGRITY_EXCEPTION");
    assert!(r.json()[0]["message"]
        .as_str()
        .unwrap()
        .contains("Customize Application"));
    // The no-seat licence can't be assigned, so neither can its set.
    let psl = analytics[0]["Id"].as_str().unwrap();
    let r = api.post(
        "sobjects/PermissionSetLicenseAssign",
        &json!({"AssigneeId": netsuite, "PermissionSetLicenseId": psl}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(assign("Analytics_Connector_User").status, 400);
    // A standard user isn't an integration user: the maxima rule is the integration licence's.
    let alan = api.user_id("alan.turing@acme.example");
    let r = api.post(
        "sobjects/PermissionSetAssignment",
        &json!({"AssigneeId": alan, "PermissionSetId": api.ps_id("Connector_Admin")}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
}
