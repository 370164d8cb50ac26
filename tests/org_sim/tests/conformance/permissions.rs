//! Permission-object validation with the exact error bodies (salesforce.md §C.1–§C.6, §H.Q3, §H.Q4).

use serde_json::json;

use crate::api::*;
use crate::common::*;

fn fie(message: &str) -> serde_json::Value {
    json!([{"message": message, "errorCode": "FIELD_INTEGRITY_EXCEPTION", "fields": []}])
}

#[test]
fn permission_set_names_labels_and_license_id() {
    let sim = start();
    let api = Api::admin(&sim);
    let rule = "The Name field can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores.";
    for bad in [
        "1abc",
        "a b",
        "Trailing_",
        "Double__Underscore",
        "_x",
        "Zoë",
    ] {
        let r = api.post(
            "sobjects/PermissionSet",
            &json!({"Name": bad, "Label": "L"}),
        );
        assert_exact(
            &r,
            400,
            json!([{"message": rule, "errorCode": "FIELD_INTEGRITY_EXCEPTION", "fields": ["Name"]}]),
        );
    }
    let long = "A".repeat(81);
    assert_exact(
        &api.post(
            "sobjects/PermissionSet",
            &json!({"Name": long, "Label": "L"}),
        ),
        400,
        json!([{"message": format!("Name: data value too large: {long} (max length=80)"), "errorCode": "STRING_TOO_LONG", "fields": ["Name"]}]),
    );
    assert_exact(
        &api.post("sobjects/PermissionSet", &json!({"Label": "L"})),
        400,
        json!([{"message": "Required fields are missing: [Name]", "errorCode": "REQUIRED_FIELD_MISSING", "fields": ["Name"]}]),
    );
    // salesforce.md §C.1: both duplicate errors, label first.
    assert_exact(
        &api.post(
            "sobjects/PermissionSet",
            &json!({"Name": "NetSuite_Integration", "Label": "NetSuite Integration"}),
        ),
        400,
        json!([
            {"message": "The label you entered is in use. Enter a unique label.", "errorCode": "DUPLICATE_MASTER_LABEL", "fields": ["Label"]},
            {"message": "The API name you entered is already in use. Enter a unique API name.", "errorCode": "DUPLICATE_DEVELOPER_NAME", "fields": ["Name"]}
        ]),
    );
    assert_exact(
        &api.post(
            "sobjects/PermissionSet",
            &json!({"Name": "netsuite_integration", "Label": "Other"}),
        ),
        400,
        json!([{"message": "The API name you entered is already in use. Enter a unique API name.", "errorCode": "DUPLICATE_DEVELOPER_NAME", "fields": ["Name"]}]),
    );
    let psl = api.id(
        "SELECT Id FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'",
    );
    let id = api.create("PermissionSet", json!({"Name": "Int_Access", "Label": "Int Access", "LicenseId": psl, "PermissionsPasswordNeverExpires": true}));
    let ps = api.query(&format!("SELECT IsCustom, Type, IsOwnedByProfile, License.Name FROM PermissionSet WHERE Id = '{id}'"));
    assert_eq!(ps[0]["License"]["Name"], "Salesforce API Integration");
    assert_eq!(
        (ps[0]["IsCustom"].clone(), ps[0]["Type"].clone()),
        (json!(true), json!("Regular"))
    );
    // salesforce.md §C.1: LicenseId is create-only.
    assert_exact(
        &api.patch(
            &format!("sobjects/PermissionSet/{id}"),
            &json!({"LicenseId": null}),
        ),
        400,
        json!([{"message": "Unable to create/update fields: LicenseId. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", "errorCode": "INVALID_FIELD_FOR_INSERT_UPDATE", "fields": ["LicenseId"]}]),
    );
    assert_eq!(
        api.patch(
            &format!("sobjects/PermissionSet/{id}"),
            &json!({"Label": "Int Access 2", "Description": "d"})
        )
        .status,
        204
    );
    // User-permission dependencies (salesforce.md §C.1, §H.Q5): ModifyAllData needs ViewAllData.
    assert_exact(
        &api.post(
            "sobjects/PermissionSet",
            &json!({"Name": "Mad", "Label": "Mad", "PermissionsModifyAllData": true}),
        ),
        400,
        fie("Permission Modify All Data depends on permission(s): View All Data"),
    );
    api.create("PermissionSet", json!({"Name": "Mad", "Label": "Mad", "PermissionsModifyAllData": true, "PermissionsViewAllData": true}));
    // Convert Leads needs Create on Account (salesforce.md §C.2 data-load message).
    assert_exact(
        &api.patch(
            &format!("sobjects/PermissionSet/{id}"),
            &json!({"PermissionsConvertLeads": true}),
        ),
        400,
        fie("Permission Convert Leads depends on permission(s): Create Account"),
    );
}

#[test]
fn object_permissions_rules() {
    let sim = start();
    let api = Api::admin(&sim);
    let ps = api.create("PermissionSet", json!({"Name": "Ops", "Label": "Ops"}));
    let op = |body: serde_json::Value| {
        let mut b = body;
        b["ParentId"] = json!(ps);
        api.post("sobjects/ObjectPermissions", &b)
    };
    // salesforce.md §C.2 dependency rules, data-API wording.
    assert_exact(
        &op(json!({"SobjectType": "Account", "PermissionsCreate": true})),
        400,
        fie("Permission Create Account depends on permission(s): Read Account"),
    );
    assert_exact(
        &op(json!({"SobjectType": "Account", "PermissionsRead": true, "PermissionsDelete": true})),
        400,
        fie("Permission Delete Account depends on permission(s): Edit Account"),
    );
    assert_exact(
        &op(json!({"SobjectType": "Account", "PermissionsRead": true, "PermissionsModifyAllRecords": true})),
        400,
        fie("Permission Edit All Account depends on permission(s): Edit Account, Delete Account, Read All Account"),
    );
    assert_exact(
        &op(json!({"SobjectType": "Account", "PermissionsViewAllRecords": true})),
        400,
        fie("Permission Read All Account depends on permission(s): Read Account"),
    );
    // All-false rows are rejected (code [U]).
    assert_exact(&op(json!({"SobjectType": "Account"})), 400, fie("Object permissions for Account must grant at least one permission; delete the ObjectPermissions record to remove all access."));
    // Outside the restricted picklist (salesforce.md §H.Q3).
    for t in ["Task", "Integration_Settings__c", "User"] {
        assert_exact(
            &op(json!({"SobjectType": t, "PermissionsRead": true})),
            400,
            json!([{"message": format!("Sobject Type Name: bad value for restricted picklist field: {t}"), "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "fields": ["SobjectType"]}]),
        );
    }
    // Master-detail: the detail needs Read on the master (salesforce.md §C.2).
    assert_exact(
        &op(json!({"SobjectType": "Invoice_Line__c", "PermissionsRead": true})),
        400,
        fie("Permission Read Invoice_Line__c depends on permission(s): Read Invoice__c"),
    );
    let master = op(json!({"SobjectType": "Invoice__c", "PermissionsRead": true}));
    assert_eq!(master.status, 201, "{}", master.body);
    let master_id = master.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(op(json!({"SobjectType": "invoice_line__c", "PermissionsRead": true, "PermissionsEdit": true})).status, 201);
    // …and Read on the master can't go while the detail keeps permissions.
    assert_exact(
        &api.delete(&format!("sobjects/ObjectPermissions/{master_id}")),
        400,
        fie("Permission Read Invoice_Line__c depends on permission(s): Read Invoice__c"),
    );
    assert_eq!(
        api.query(&format!(
            "SELECT Id FROM ObjectPermissions WHERE Id = '{master_id}'"
        ))
        .len(),
        1,
        "delete undone"
    );
    // Duplicate row.
    assert_exact(
        &op(json!({"SobjectType": "Invoice__c", "PermissionsRead": true})),
        400,
        json!([{"message": "duplicate value found: <unknown> duplicates value on record with id: <unknown>", "errorCode": "DUPLICATE_VALUE", "fields": []}]),
    );
    // Update to all-false rejected; SobjectType is create-only.
    let acc = api.create("ObjectPermissions", json!({"ParentId": ps, "SobjectType": "Account", "PermissionsRead": true, "PermissionsCreate": true}));
    assert_exact(&api.patch(&format!("sobjects/ObjectPermissions/{acc}"), &json!({"PermissionsRead": false, "PermissionsCreate": false})), 400, fie("Object permissions for Account must grant at least one permission; delete the ObjectPermissions record to remove all access."));
    assert_exact(
        &api.patch(
            &format!("sobjects/ObjectPermissions/{acc}"),
            &json!({"PermissionsRead": false}),
        ),
        400,
        fie("Permission Create Account depends on permission(s): Read Account"),
    );
    assert_eq!(
        api.patch(
            &format!("sobjects/ObjectPermissions/{acc}"),
            &json!({"PermissionsEdit": true, "PermissionsDelete": true})
        )
        .status,
        204
    );
    // A set licensed to the *user license* "Salesforce Integration" can't grant standard objects.
    let int_ps = api.ps_id("Integration_Shipments");
    assert_exact(
        &api.post(
            "sobjects/ObjectPermissions",
            &json!({"ParentId": int_ps, "SobjectType": "Contact", "PermissionsRead": true}),
        ),
        400,
        fie("The user license doesn't allow the permission: Read Contact"),
    );
    assert_eq!(
        api.post(
            "sobjects/ObjectPermissions",
            &json!({"ParentId": int_ps, "SobjectType": "Invoice__c", "PermissionsRead": true})
        )
        .status,
        201
    );
}

#[test]
fn all_false_update_can_delete_the_row_when_configured() {
    let sim = start_with(org_sim::SimConfig {
        all_false_permissions: org_sim::config::AllFalsePermissions::Delete,
        ..Default::default()
    });
    let api = Api::admin(&sim);
    let ps = api.create("PermissionSet", json!({"Name": "Ops", "Label": "Ops"}));
    let fp = api.create("FieldPermissions", json!({"ParentId": ps, "SobjectType": "Account", "Field": "Account.Phone", "PermissionsRead": true}));
    assert_eq!(
        api.patch(
            &format!("sobjects/FieldPermissions/{fp}"),
            &json!({"PermissionsRead": false})
        )
        .status,
        204
    );
    assert_eq!(
        api.get(&format!("sobjects/FieldPermissions/{fp}")).status,
        404
    );
}

#[test]
fn field_permissions_rules() {
    let sim = start();
    let api = Api::admin(&sim);
    let ps = api.create("PermissionSet", json!({"Name": "Fls", "Label": "Fls"}));
    let fp = |object: &str, field: &str, read: bool, edit: bool| {
        api.post("sobjects/FieldPermissions", &json!({"ParentId": ps, "SobjectType": object, "Field": field, "PermissionsRead": read, "PermissionsEdit": edit}))
    };
    let picklist = |f: &str| json!([{"message": format!("Field Name: bad value for restricted picklist field: {f}"), "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "fields": ["Field"]}]);
    // salesforce.md §C.3: compound components rejected, the compound accepted.
    assert_exact(
        &fp("Contact", "Contact.MailingCity", true, false),
        400,
        picklist("Contact.MailingCity"),
    );
    assert_eq!(
        fp("Contact", "Contact.MailingAddress", true, true).status,
        201
    );
    // Non-permissionable: required name, system audit, master-detail.
    for f in ["Account.Name", "Account.CreatedById", "Contact.LastName"] {
        let object = f.split('.').next().unwrap();
        assert_exact(&fp(object, f, true, false), 400, picklist(f));
    }
    assert_exact(
        &fp("Invoice_Line__c", "Invoice_Line__c.Invoice__c", true, false),
        400,
        picklist("Invoice_Line__c.Invoice__c"),
    );
    // Prefix must match SobjectType.
    assert_exact(
        &fp("Account", "Contact.Email", true, false),
        400,
        picklist("Contact.Email"),
    );
    // Edit requires Read (code [U] → FIELD_INTEGRITY_EXCEPTION).
    assert_exact(
        &fp("Account", "Account.Phone", false, true),
        400,
        fie("Permission Edit Account.Phone depends on permission(s): Read Account.Phone"),
    );
    assert_exact(&fp("Account", "Account.Phone", false, false), 400, fie("Field permissions for Account.Phone must grant at least Read; delete the FieldPermissions record to remove all access."));
    // Formula / auto-number / roll-up: Read only.
    for f in [
        "Invoice__c.Tax__c",
        "Invoice__c.Line_Count__c",
        "Case.CaseNumber",
    ] {
        let object = f.split('.').next().unwrap();
        assert_exact(&fp(object, f, true, true), 400, fie(&format!("PermissionsEdit isn't allowed on {f}: formula, roll-up summary, auto-number and read-only fields are limited to PermissionsRead")));
        assert_eq!(fp(object, f, true, false).status, 201, "{f}");
    }
    // Lookups may be named without Id (API 50.0+); stored with the API name.
    let id = api.create("FieldPermissions", json!({"ParentId": ps, "SobjectType": "Contact", "Field": "Contact.Account", "PermissionsRead": true}));
    assert_eq!(
        api.get(&format!("sobjects/FieldPermissions/{id}")).json()["Field"],
        "Contact.AccountId"
    );
    // Task / Event / User fields are grantable (salesforce.md §H.Q3).
    assert_eq!(fp("Task", "Task.Description", true, true).status, 201);
    assert_eq!(fp("User", "User.Title", true, false).status, 201);
    assert_exact(
        &fp("Account", "Account.Phone", true, true),
        201,
        json!({"id": api.id("SELECT Id FROM FieldPermissions WHERE Field = 'Account.Phone' AND Parent.Name = 'Fls'"), "success": true, "errors": []}),
    );
    assert_exact(
        &fp("Account", "Account.Phone", true, false),
        400,
        json!([{"message": "duplicate value found: <unknown> duplicates value on record with id: <unknown>", "errorCode": "DUPLICATE_VALUE", "fields": []}]),
    );
}

#[test]
fn assignment_license_rules_and_duplicates() {
    let sim = start();
    let api = Api::admin(&sim);
    let psa = |user: &str, ps: &str| {
        api.post(
            "sobjects/PermissionSetAssignment",
            &json!({"AssigneeId": api.user_id(user), "PermissionSetId": api.ps_id(ps)}),
        )
    };
    // "Salesforce"-licensed set on an integration user (salesforce.md §C.7, §H.Q3).
    assert_exact(
        &psa("int-tableau@acme.example", "Sales_Ops"),
        400,
        fie("The user license doesn't allow the permission: Read Account"),
    );
    // License None + object permissions on an integration user without the PSL (§H.Q4).
    assert_exact(
        &psa("int-marketo@acme.example", "Invoice_Viewer"),
        400,
        fie("The user license doesn't allow the permission: Read Invoice__c"),
    );
    // …works once the user holds the PSL (int-tableau has it).
    assert_eq!(
        psa("int-tableau@acme.example", "Invoice_Viewer").status,
        201
    );
    // A set without object permissions needs no PSL.
    assert_eq!(
        psa("int-datasync@acme.example", "Marketo_Password_Policy").status,
        201
    );
    // PSL-licensed set: needs that PSL.
    assert_exact(
        &psa("int-marketo@acme.example", "Legacy_ERP_Access"),
        400,
        fie("The user license doesn't allow the permission: Read Account"),
    );
    assert_eq!(
        psa("int-tableau@acme.example", "Legacy_ERP_Access").status,
        201
    );
    // User-license "Salesforce Integration" set: not for a Salesforce user.
    assert_exact(
        &psa("alan.turing@acme.example", "Integration_Shipments"),
        400,
        fie("The user license doesn't allow the permission: Read Shipment__c"),
    );
    assert_eq!(
        psa("int-marketo@acme.example", "Integration_Shipments").status,
        201
    );
    // Salesforce users take License None and "Salesforce" sets.
    assert_eq!(
        psa("alan.turing@acme.example", "Invoice_Viewer").status,
        201
    );
    // Duplicate (salesforce.md §C.5: text confirmed, code [U]).
    assert_exact(
        &psa("alan.turing@acme.example", "Invoice_Viewer"),
        400,
        json!([{"message": "Duplicate PermissionSetAssignment", "errorCode": "DUPLICATE_VALUE", "fields": []}]),
    );
    // Group assignment resolves to the aggregate set.
    let group = api.id("SELECT Id FROM PermissionSetGroup WHERE DeveloperName = 'Finance_Bundle'");
    let id = api.create("PermissionSetAssignment", json!({"AssigneeId": api.user_id("alan.turing@acme.example"), "PermissionSetGroupId": group}));
    let row = api.query(&format!(
        "SELECT PermissionSet.Type FROM PermissionSetAssignment WHERE Id = '{id}'"
    ));
    assert_eq!(row[0]["PermissionSet"]["Type"], "Group");
    // Unassign = delete.
    assert_eq!(
        api.delete(&format!("sobjects/PermissionSetAssignment/{id}"))
            .status,
        204
    );
}

#[test]
fn license_assignments_duplicates_and_exhaustion() {
    let sim = start();
    let api = Api::admin(&sim);
    let psl = api.id(
        "SELECT Id FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'",
    );
    let assign = |user: &str| {
        api.post(
            "sobjects/PermissionSetLicenseAssign",
            &json!({"AssigneeId": api.user_id(user), "PermissionSetLicenseId": psl}),
        )
    };
    assert_exact(
        &assign("int-netsuite@acme.example"),
        400,
        json!([{"message": "duplicate value found: <unknown> duplicates value on record with id: <unknown>", "errorCode": "DUPLICATE_VALUE", "fields": []}]),
    );
    assert_eq!(assign("int-marketo@acme.example").status, 201);
    assert_eq!(assign("int-zapier@acme.example").status, 201);
    let used = api.query("SELECT UsedLicenses FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'");
    assert_eq!(used[0]["UsedLicenses"], 5);
    // Exhausted (code [U] → LICENSE_LIMIT_EXCEEDED by default).
    let exhausted = json!([{"message": "No licenses available for permission set license Salesforce API Integration (5 of 5 assigned)", "errorCode": "LICENSE_LIMIT_EXCEEDED", "fields": []}]);
    assert_exact(&assign("int-datasync@acme.example"), 400, exhausted);
    assert_eq!(api.query("SELECT UsedLicenses FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'")[0]["UsedLicenses"], 5);
    // PSL objects are query-only.
    assert_exact(
        &api.post(
            "sobjects/PermissionSetLicense",
            &json!({"DeveloperName": "X"}),
        ),
        400,
        json!([{"message": "entity type cannot be inserted: Permission Set License", "errorCode": "INVALID_TYPE_FOR_OPERATION", "fields": []}]),
    );
    // The code is a switch.
    let mut config = org_sim::SimConfig::default();
    config.codes.psl_exhausted = "INSUFFICIENT_ACCESS_OR_READONLY".into();
    let sim2 = start_with(config);
    let api2 = Api::admin(&sim2);
    let psl2 = api2.id(
        "SELECT Id FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'",
    );
    for u in ["int-marketo@acme.example", "int-zapier@acme.example"] {
        assert_eq!(
            api2.post(
                "sobjects/PermissionSetLicenseAssign",
                &json!({"AssigneeId": api2.user_id(u), "PermissionSetLicenseId": psl2})
            )
            .status,
            201
        );
    }
    let r = api2.post("sobjects/PermissionSetLicenseAssign", &json!({"AssigneeId": api2.user_id("int-datasync@acme.example"), "PermissionSetLicenseId": psl2}));
    assert_eq!(r.json()[0]["errorCode"], "INSUFFICIENT_ACCESS_OR_READONLY");
}

/// Fields newer than the call's API version don't exist for it (salesforce.md §I.10, §I.11):
/// `ObjectPermissions.PermissionsViewAllFields` from 63.0, `PermissionSetAssignment.ExpirationDate`
/// from 52.0. Describe leaves them out, writes and queries naming them answer INVALID_FIELD.
#[test]
fn fields_newer_than_the_calls_api_version_are_unknown_to_it() {
    let sim = start();
    let api = Api::admin(&sim);
    let at =
        |version: &str, path: &str| format!("https://{}/services/data/v{version}/{path}", api.host);
    let names = |version: &str, object: &str| -> Vec<String> {
        let r = api.get(&at(version, &format!("sobjects/{object}/describe")));
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(names("63.0", "ObjectPermissions").contains(&"PermissionsViewAllFields".to_owned()));
    assert!(!names("62.0", "ObjectPermissions").contains(&"PermissionsViewAllFields".to_owned()));
    assert!(names("52.0", "PermissionSetAssignment").contains(&"ExpirationDate".to_owned()));
    assert!(!names("51.0", "PermissionSetAssignment").contains(&"ExpirationDate".to_owned()));

    let ps = api.create(
        "PermissionSet",
        json!({"Name": "Gated_Fields", "Label": "Gated Fields"}),
    );
    let r = api.post(
        &at("62.0", "sobjects/ObjectPermissions"),
        &json!({"ParentId": ps, "SobjectType": "Account", "PermissionsRead": true, "PermissionsViewAllFields": true}),
    );
    assert_exact(
        &r,
        400,
        json!([{"message": "No such column 'PermissionsViewAllFields' on sobject of type ObjectPermissions", "errorCode": "INVALID_FIELD"}]),
    );
    let r = api.get(&at(
        "62.0",
        &format!(
            "query?q={}",
            q("SELECT PermissionsViewAllFields FROM ObjectPermissions")
        ),
    ));
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("INVALID_FIELD") && r.body.contains("PermissionsViewAllFields"));

    let user = api.user_id("int-marketo@acme.example");
    let r = api.post(
        &at("51.0", "sobjects/PermissionSetAssignment"),
        &json!({"AssigneeId": user, "PermissionSetId": ps, "ExpirationDate": "2030-01-01T00:00:00.000Z"}),
    );
    assert_exact(
        &r,
        400,
        json!([{"message": "No such column 'ExpirationDate' on sobject of type PermissionSetAssignment", "errorCode": "INVALID_FIELD"}]),
    );
    // At 52.0 the same assignment is taken, and its expiry reads back.
    let r = api.post(
        &at("52.0", "sobjects/PermissionSetAssignment"),
        &json!({"AssigneeId": user, "PermissionSetId": ps, "ExpirationDate": "2030-01-01T00:00:00.000Z"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let rows = api.query(&format!(
        "SELECT ExpirationDate FROM PermissionSetAssignment WHERE PermissionSetId = '{ps}'"
    ));
    assert!(rows[0]["ExpirationDate"]
        .as_str()
        .unwrap()
        .starts_with("2030-01-01T00:00:00"));
}

/// View All Fields requires Read on the object (salesforce.md §I.10 [U]: the sim takes the
/// stricter reading).
#[test]
fn view_all_fields_without_read_is_refused() {
    let sim = start();
    let api = Api::admin(&sim);
    let ps = api.create(
        "PermissionSet",
        json!({"Name": "Vaf_No_Read", "Label": "Vaf No Read"}),
    );
    let r = api.post(
        "sobjects/ObjectPermissions",
        &json!({"ParentId": ps, "SobjectType": "Account", "PermissionsViewAllFields": true}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("View All Fields"), "{}", r.body);
    let r = api.post(
        "sobjects/ObjectPermissions",
        &json!({"ParentId": ps, "SobjectType": "Account", "PermissionsRead": true, "PermissionsViewAllFields": true}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
}

/// A set with Manage Users (or Assign Permission Sets, Manage Profiles and Permission Sets)
/// can't be assigned with an expiry (help.salesforce.com "Set Assignment Expiration Details",
/// salesforce.md §I.11); error code and text [U].
#[test]
fn an_expiry_on_a_set_that_manages_users_is_refused() {
    let sim = start();
    let api = Api::admin(&sim);
    let ps = api.create(
        "PermissionSet",
        json!({"Name": "Manages_Users", "Label": "Manages Users", "PermissionsManageUsers": true, "PermissionsViewSetup": true, "PermissionsManageInternalUsers": true, "PermissionsResetPasswords": true, "PermissionsViewAllUsers": true}),
    );
    let user = api.user_id("int-marketo@acme.example");
    let r = api.post(
        "sobjects/PermissionSetAssignment",
        &json!({"AssigneeId": user, "PermissionSetId": ps, "ExpirationDate": "2030-01-01T00:00:00.000Z"}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body.contains("can't have an expiration date"),
        "{}",
        r.body
    );
    let r = api.post(
        "sobjects/PermissionSetAssignment",
        &json!({"AssigneeId": user, "PermissionSetId": ps}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let r = api.patch(
        &format!("sobjects/PermissionSetAssignment/{id}"),
        &json!({"ExpirationDate": "2030-01-01T00:00:00.000Z"}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
}
