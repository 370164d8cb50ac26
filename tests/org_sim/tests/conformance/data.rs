//! Data API: the seeded objects and permission data, child subqueries, queryAll, describe and
//! describeGlobal (salesforce.md §B.1, §B.6, §C.1–§C.7, §H.Q3–§H.Q5), sObject CRUD (§B.2), limits.

use serde_json::{json, Value};

use crate::api::*;
use crate::common::*;

#[test]
fn seed_has_licenses_psl_and_integration_users_in_every_state() {
    let sim = start();
    let api = Api::admin(&sim);
    let psl = api.query("SELECT DeveloperName, MasterLabel, TotalLicenses, UsedLicenses FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'");
    assert_eq!(psl[0]["MasterLabel"], "Salesforce API Integration");
    assert_eq!(
        (
            psl[0]["TotalLicenses"].clone(),
            psl[0]["UsedLicenses"].clone()
        ),
        (json!(5), json!(3))
    );
    let assigned = api.query("SELECT Id FROM PermissionSetLicenseAssign WHERE PermissionSetLicense.DeveloperName = 'SalesforceAPIIntegrationPsl'");
    assert_eq!(assigned.len(), 3, "UsedLicenses matches the assignments");
    // Subqueries over User.PermissionSetAssignments / PermissionSetLicenseAssignments.
    let users = api.query(
        "SELECT Username, IsActive, Profile.Name, (SELECT PermissionSet.Name, PermissionSet.License.Name FROM PermissionSetAssignments WHERE PermissionSet.IsOwnedByProfile = false), (SELECT PermissionSetLicense.DeveloperName FROM PermissionSetLicenseAssignments) FROM User WHERE Profile.UserLicense.Name = 'Salesforce Integration' ORDER BY Username",
    );
    let summary: Vec<(String, bool, Vec<String>, Vec<String>)> = users
        .iter()
        .map(|u| {
            let names = |rel: &str, path: &[&str]| -> Vec<String> {
                u[rel]["records"]
                    .as_array()
                    .map(|rs| {
                        rs.iter()
                            .map(|r| {
                                path.iter()
                                    .fold(r, |v, k| &v[*k])
                                    .as_str()
                                    .unwrap_or("-")
                                    .to_owned()
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            };
            (
                u["Username"].as_str().unwrap().to_owned(),
                u["IsActive"].as_bool().unwrap(),
                names("PermissionSetAssignments", &["PermissionSet", "Name"]),
                names(
                    "PermissionSetLicenseAssignments",
                    &["PermissionSetLicense", "DeveloperName"],
                ),
            )
        })
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        summary,
        vec![
            ("int-datasync@acme.example".into(), true, s(&[]), s(&[])),
            (
                "int-legacy-erp@acme.example".into(),
                false,
                s(&["Legacy_ERP_Access"]),
                s(&["SalesforceAPIIntegrationPsl"])
            ),
            (
                "int-marketo@acme.example".into(),
                true,
                s(&["Marketo_Password_Policy"]),
                s(&[])
            ),
            (
                "int-netsuite@acme.example".into(),
                true,
                s(&["NetSuite_Integration"]),
                s(&["SalesforceAPIIntegrationPsl"])
            ),
            (
                "int-tableau@acme.example".into(),
                true,
                s(&[]),
                s(&["SalesforceAPIIntegrationPsl"])
            ),
            (
                "int-zapier@acme.example".into(),
                true,
                s(&["Sales_Ops"]),
                s(&[])
            ),
        ]
    );
    // Empty child relationship renders null (salesforce.md §B.1 shape).
    assert_eq!(users[0]["PermissionSetAssignments"], Value::Null);
    // The PSL-licensed set's License.Name (polymorphic) and the "Salesforce"-licensed one.
    let zap = &users[5]["PermissionSetAssignments"]["records"][0]["PermissionSet"];
    assert_eq!(zap["License"]["Name"], "Salesforce");
    assert_eq!(zap["License"]["attributes"]["type"], "UserLicense");
    let legacy = &users[1]["PermissionSetAssignments"]["records"][0]["PermissionSet"];
    assert_eq!(legacy["License"]["Name"], "Salesforce API Integration");
    assert_eq!(
        legacy["License"]["attributes"]["type"],
        "PermissionSetLicense"
    );
    // The fully set-up user's set grants PasswordNeverExpires with License None.
    let ps = api.query("SELECT Label, LicenseId, PermissionsPasswordNeverExpires, IsCustom, Type FROM PermissionSet WHERE Name = 'NetSuite_Integration'");
    assert_eq!(ps[0]["PermissionsPasswordNeverExpires"], true);
    assert_eq!(ps[0]["LicenseId"], Value::Null);
    assert_eq!(
        (ps[0]["IsCustom"].clone(), ps[0]["Type"].clone()),
        (json!(true), json!("Regular"))
    );
}

#[test]
fn permission_sets_cover_profiles_managed_sessions_and_groups() {
    let sim = start();
    let api = Api::admin(&sim);
    let owned = api.query("SELECT Name, Label, Profile.Name, Type, IsCustom, PermissionsApiEnabled, PermissionsApiUserOnly, PermissionsModifyAllData FROM PermissionSet WHERE IsOwnedByProfile = true ORDER BY Profile.Name");
    assert_eq!(owned.len(), 4);
    let api_only = owned
        .iter()
        .find(|p| p["Profile"]["Name"] == "Minimum Access - API Only Integrations")
        .unwrap();
    // salesforce.md §H.Q4: ApiEnabled + ApiUserOnly (+ ChatterInternalUser) only.
    assert_eq!(
        (
            api_only["PermissionsApiEnabled"].clone(),
            api_only["PermissionsApiUserOnly"].clone(),
            api_only["PermissionsModifyAllData"].clone()
        ),
        (json!(true), json!(true), json!(false))
    );
    assert!(api_only["Name"].as_str().unwrap().starts_with("X00e"));
    assert_eq!(api_only["Type"], "Profile");
    assert_eq!(api_only["IsCustom"], false);
    let managed =
        api.query("SELECT Name, NamespacePrefix FROM PermissionSet WHERE NamespacePrefix != null");
    assert_eq!(managed[0]["NamespacePrefix"], "dlrs");
    let session = api.query(
        "SELECT Name, HasActivationRequired, Type FROM PermissionSet WHERE Type = 'Session'",
    );
    assert_eq!(session[0]["HasActivationRequired"], true);
    let group = api.query("SELECT Name, PermissionSetGroup.DeveloperName, (SELECT SobjectType FROM ObjectPerms ORDER BY SobjectType) FROM PermissionSet WHERE Type = 'Group'");
    assert_eq!(
        group[0]["PermissionSetGroup"]["DeveloperName"],
        "Finance_Bundle"
    );
    assert_eq!(group[0]["ObjectPerms"]["totalSize"], 4);
    let comps = api.query("SELECT (SELECT PermissionSet.Name FROM PermissionSetGroupComponents) FROM PermissionSetGroup");
    assert_eq!(comps[0]["PermissionSetGroupComponents"]["totalSize"], 2);
    // PermissionSet.Assignments / ObjectPerms / FieldPerms child relationships.
    let ps = api.query("SELECT Name, (SELECT Assignee.Username FROM Assignments), (SELECT SobjectType, PermissionsRead, PermissionsEdit FROM ObjectPerms ORDER BY SobjectType), (SELECT Field, PermissionsEdit FROM FieldPerms WHERE Field = 'Invoice__c.Tax__c') FROM PermissionSet WHERE Name = 'NetSuite_Integration'");
    assert_eq!(
        ps[0]["Assignments"]["records"][0]["Assignee"]["Username"],
        "int-netsuite@acme.example"
    );
    assert_eq!(ps[0]["ObjectPerms"]["totalSize"], 4);
    assert_eq!(
        ps[0]["FieldPerms"]["records"][0]["PermissionsEdit"], false,
        "formula: Read only"
    );
    // Admin profile FLS covers the wide object (≈800 rows) and nothing non-permissionable.
    let r = api.get(&format!("query?q={}", q("SELECT COUNT() FROM FieldPermissions WHERE SobjectType = 'Wide_Object__c' AND Parent.Profile.Name = 'System Administrator'")));
    assert_eq!(r.json()["totalSize"], 800);
    let r = api.get(&format!("query?q={}", q("SELECT COUNT() FROM FieldPermissions WHERE Field IN ('Account.Name', 'Contact.LastName', 'Account.CreatedById', 'Contact.MailingCity', 'Invoice_Line__c.Invoice__c')")));
    assert_eq!(r.json()["totalSize"], 0);
}

#[test]
fn business_data_and_compound_fields() {
    let sim = start();
    let api = Api::admin(&sim);
    let acc = api.query("SELECT Name, BillingAddress, BillingCity, Owner.Name, CreatedBy.Name, (SELECT Name FROM Contacts ORDER BY Name), (SELECT Name FROM Invoices__r ORDER BY Name) FROM Account WHERE Name = 'Globex Corporation'");
    let a = &acc[0];
    assert_eq!(a["BillingAddress"]["city"], "Springfield");
    assert_eq!(a["BillingAddress"]["street"], "100 Main Street");
    assert_eq!(a["Owner"]["Name"], "Ada Lovelace");
    assert_eq!(a["CreatedBy"]["Name"], "Ada Lovelace");
    assert_eq!(a["Contacts"]["totalSize"], 2);
    assert_eq!(a["Invoices__r"]["records"][0]["Name"], "INV-0001");
    let contact = api
        .query("SELECT Name, FirstName, LastName, Account.Name FROM Contact ORDER BY Name LIMIT 1");
    assert_eq!(
        contact[0]["Name"],
        format!(
            "{} {}",
            contact[0]["FirstName"].as_str().unwrap(),
            contact[0]["LastName"].as_str().unwrap()
        )
    );
    let task = api.query("SELECT Who.Name, What.Name FROM Task LIMIT 1");
    assert_eq!(task[0]["Who"]["attributes"]["type"], "Contact");
    assert_eq!(task[0]["What"]["attributes"]["type"], "Account");
    let wide = api.query(
        "SELECT Name, Field_001__c, Field_010__c, Field_800__c FROM Wide_Object__c ORDER BY Name",
    );
    assert_eq!(wide.len(), 3);
    assert_eq!(wide[0]["Field_001__c"], 1.0);
    let settings = api.query("SELECT Endpoint__c FROM Integration_Settings__c");
    assert_eq!(settings[0]["Endpoint__c"], "https://erp.example.com/api");
}

#[test]
fn describe_global_and_sobject_describe() {
    let sim = start();
    let api = Api::admin(&sim);
    let r = api.get("sobjects/");
    assert_eq!(r.status, 200);
    let g = r.json();
    assert_eq!(
        (g["encoding"].clone(), g["maxBatchSize"].clone()),
        (json!("UTF-8"), json!(200))
    );
    let acc = g["sobjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Account")
        .unwrap();
    assert_eq!(acc["keyPrefix"], "001");
    assert_eq!(
        acc["urls"]["rowTemplate"],
        "/services/data/v66.0/sobjects/Account/{ID}"
    );
    let setting = g["sobjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Integration_Settings__c")
        .unwrap();
    assert_eq!(setting["customSetting"], true);
    let lm = r.header("last-modified").unwrap().to_owned();
    let r = api.get_with("sobjects/", &[("If-Modified-Since", &lm)]);
    assert_eq!((r.status, r.body.as_str()), (304, ""));
    let r = api.get_with(
        "sobjects/",
        &[("If-Modified-Since", "Mon, 01 Jan 2018 00:00:00 GMT")],
    );
    assert_eq!(r.status, 200);
    let d = api.get("sobjects/Account/describe").json();
    let field = |d: &Value, n: &str| {
        d["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == n)
            .unwrap()
            .clone()
    };
    // salesforce.md §B.6: CreatedById example.
    let c = field(&d, "CreatedById");
    for (k, v) in [
        ("type", json!("reference")),
        ("referenceTo", json!(["User"])),
        ("relationshipName", json!("CreatedBy")),
        ("nillable", json!(false)),
        ("permissionable", json!(false)),
        ("createable", json!(false)),
        ("updateable", json!(false)),
        ("soapType", json!("tns:ID")),
    ] {
        assert_eq!(c[k], v, "CreatedById.{k}");
    }
    assert_eq!(
        (
            field(&d, "Id")["type"].clone(),
            field(&d, "Id")["permissionable"].clone()
        ),
        (json!("id"), json!(false))
    );
    assert_eq!(
        field(&d, "Name")["permissionable"],
        false,
        "required name field"
    );
    assert_eq!(field(&d, "Name")["nillable"], false);
    assert_eq!(
        field(&d, "BillingCity")["compoundFieldName"],
        "BillingAddress"
    );
    assert_eq!(
        field(&d, "BillingCity")["permissionable"],
        true,
        "salesforce.md §C.3: components describe as permissionable"
    );
    assert_eq!(field(&d, "BillingAddress")["type"], "address");
    let contacts = d["childRelationships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["relationshipName"] == "Contacts")
        .unwrap()
        .clone();
    assert_eq!(contacts["childSObject"], "Contact");
    let inv = api.get("sobjects/Invoice__c/describe").json();
    assert_eq!(field(&inv, "Name")["autoNumber"], true);
    assert_eq!(field(&inv, "Tax__c")["calculated"], true);
    assert_eq!(
        field(&inv, "Tax__c")["calculatedFormula"],
        "Amount__c * 0.2"
    );
    assert_eq!(field(&inv, "Line_Count__c")["calculated"], true);
    assert_eq!(field(&inv, "Bank_Account__c")["encrypted"], true);
    assert_eq!(field(&inv, "Bank_Account__c")["type"], "encryptedstring");
    assert_eq!(field(&inv, "Status__c")["restrictedPicklist"], true);
    let lines = api.get("sobjects/Invoice_Line__c/describe").json();
    let md = field(&lines, "Invoice__c");
    assert_eq!(
        (
            md["relationshipOrder"].clone(),
            md["cascadeDelete"].clone(),
            md["permissionable"].clone()
        ),
        (json!(0), json!(true), json!(false))
    );
    let wide = api.get("sobjects/Wide_Object__c/describe").json();
    assert!(wide["fields"].as_array().unwrap().len() > 800);
    // salesforce.md §H.Q3: the picklists list exactly what can be granted.
    let op = api.get("sobjects/ObjectPermissions/describe").json();
    let values = |f: Value| -> Vec<String> {
        f["picklistValues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["value"].as_str().unwrap().to_owned())
            .collect()
    };
    let op_types = values(field(&op, "SobjectType"));
    assert!(
        op_types.contains(&"Account".to_owned())
            && op_types.contains(&"Invoice_Line__c".to_owned())
    );
    for absent in [
        "Task",
        "Event",
        "User",
        "Integration_Settings__c",
        "PermissionSet",
    ] {
        assert!(!op_types.contains(&absent.to_owned()), "{absent}");
    }
    assert_eq!(field(&op, "SobjectType")["restrictedPicklist"], true);
    let fp = api.get("sobjects/FieldPermissions/describe").json();
    let fp_types = values(field(&fp, "SobjectType"));
    for present in ["Task", "Event", "User", "Account"] {
        assert!(fp_types.contains(&present.to_owned()), "{present}");
    }
    let fp_fields = values(field(&fp, "Field"));
    assert!(fp_fields.contains(&"Contact.MailingAddress".to_owned()));
    assert!(!fp_fields.contains(&"Contact.MailingCity".to_owned()));
    let r = api.get("sobjects/Nope__c/describe");
    assert_eq!(r.status, 404);
    let r = api.get("sobjects/Account");
    assert_eq!(r.json()["objectDescribe"]["name"], "Account");
}

#[test]
fn crud_create_get_update_delete_and_query_all() {
    let sim = start();
    let api = Api::admin(&sim);
    let r = api.post(
        "sobjects/Account",
        &json!({"Name": "Hooli", "BillingCity": "Palo Alto", "Industry": "Technology"}),
    );
    assert_eq!(r.status, 201);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(r.json(), json!({"id": id, "success": true, "errors": []}));
    let rec = api.get(&format!("sobjects/Account/{id}")).json();
    assert_eq!(rec["Name"], "Hooli");
    assert_eq!(rec["BillingAddress"]["city"], "Palo Alto");
    assert!(rec["CreatedById"].as_str().unwrap().starts_with("005"));
    assert_eq!(rec["OwnerId"], rec["CreatedById"]);
    let rec = api
        .get(&format!("sobjects/Account/{id}?fields=Name,Industry"))
        .json();
    assert_eq!(rec.as_object().unwrap().len(), 3);
    let r = api.patch(
        &format!("sobjects/Account/{id}"),
        &json!({"Name": "Hooli XYZ"}),
    );
    assert_eq!((r.status, r.body.as_str()), (204, ""));
    assert_eq!(
        api.query(&format!("SELECT Name FROM Account WHERE Id = '{id}'"))[0]["Name"],
        "Hooli XYZ"
    );
    // Validation errors in the REST shape (salesforce.md §B.2).
    assert_exact(
        &api.post("sobjects/Account", &json!({"Industry": "Retail"})),
        400,
        json!([{"message": "Required fields are missing: [Name]", "errorCode": "REQUIRED_FIELD_MISSING", "fields": ["Name"]}]),
    );
    assert_exact(
        &api.post("sobjects/Account", &json!({"Name": "x", "Nope__c": 1})),
        400,
        json!([{"message": "No such column 'Nope__c' on sobject of type Account", "errorCode": "INVALID_FIELD"}]),
    );
    assert_exact(
        &api.post(
            "sobjects/Account",
            &json!({"Name": "x", "CreatedDate": "2020-01-01T00:00:00Z"}),
        ),
        400,
        json!([{"message": "Unable to create/update fields: CreatedDate. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", "errorCode": "INVALID_FIELD_FOR_INSERT_UPDATE", "fields": ["CreatedDate"]}]),
    );
    assert_exact(
        &api.post(
            "sobjects/Contact",
            &json!({"LastName": "x", "Email": "Not a real email address"}),
        ),
        400,
        json!([{"message": "Email: invalid email address: Not a real email address", "errorCode": "INVALID_EMAIL_ADDRESS", "fields": ["Email"]}]),
    );
    assert_exact(
        &api.post("sobjects/Invoice__c", &json!({"Status__c": "Lost"})),
        400,
        json!([{"message": "Status: bad value for restricted picklist field: Lost", "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "fields": ["Status__c"]}]),
    );
    // Auto-number and defaults.
    let inv = api.create("Invoice__c", json!({"Amount__c": 10}));
    let rec = api.get(&format!("sobjects/Invoice__c/{inv}")).json();
    assert_eq!(
        (rec["Name"].clone(), rec["Status__c"].clone()),
        (json!("INV-0006"), json!("Draft"))
    );
    // Delete; queryAll still sees it.
    let r = api.delete(&format!("sobjects/Account/{id}"));
    assert_eq!(r.status, 204);
    assert_eq!(api.get(&format!("sobjects/Account/{id}")).status, 404);
    let r = api.get(&format!(
        "queryAll?q={}",
        q(&format!(
            "SELECT Id, IsDeleted FROM Account WHERE Id = '{id}'"
        ))
    ));
    assert_eq!(r.json()["records"][0]["IsDeleted"], true);
    assert!(api
        .query(&format!("SELECT Id FROM Account WHERE Id = '{id}'"))
        .is_empty());
    // Master-detail cascade.
    let line = api.create(
        "Invoice_Line__c",
        json!({"Invoice__c": inv, "Quantity__c": 2}),
    );
    assert_eq!(
        api.delete(&format!("sobjects/Invoice__c/{inv}")).status,
        204
    );
    assert_eq!(
        api.get(&format!("sobjects/Invoice_Line__c/{line}")).status,
        404
    );
}

#[test]
fn users_are_created_updated_deactivated_never_deleted() {
    let sim = start();
    let api = Api::admin(&sim);
    let standard = api.id("SELECT Id FROM Profile WHERE Name = 'Standard User'");
    let id = api.create("User", json!({"Username": "new.user@acme.example", "LastName": "User", "FirstName": "New", "Email": "new.user@acme.example", "Alias": "nuser", "ProfileId": standard, "IsActive": true}));
    let u = api.get(&format!("sobjects/User/{id}")).json();
    assert_eq!(u["Name"], "New User");
    assert_eq!(u["TimeZoneSidKey"], "America/Los_Angeles");
    assert_exact(&api.post("sobjects/User", &json!({"Username": "NEW.user@acme.example", "LastName": "U", "Email": "a@b.example", "Alias": "u", "ProfileId": standard})), 400, json!([{"message": "Duplicate Username.<br>Another user has already selected this username.<br>Please select another.", "errorCode": "DUPLICATE_USERNAME", "fields": ["Username"]}]));
    assert_eq!(
        api.patch(&format!("sobjects/User/{id}"), &json!({"IsActive": false}))
            .status,
        204
    );
    assert_exact(
        &api.delete(&format!("sobjects/User/{id}")),
        405,
        json!([{"message": "HTTP Method 'DELETE' not allowed. Allowed are GET,HEAD,PATCH", "errorCode": "METHOD_NOT_ALLOWED"}]),
    );
    // The Salesforce Integration license is full (5 of 5, salesforce.md §C.7).
    let api_only =
        api.id("SELECT Id FROM Profile WHERE Name = 'Minimum Access - API Only Integrations'");
    assert_exact(&api.post("sobjects/User", &json!({"Username": "int-six@acme.example", "LastName": "Six", "Email": "six@acme.example", "Alias": "six", "ProfileId": api_only, "IsActive": true})), 400, json!([{"message": "License Limit Exceeded", "errorCode": "LICENSE_LIMIT_EXCEEDED", "fields": []}]));
    // Deactivating one frees a license.
    let zap = api.user_id("int-zapier@acme.example");
    assert_eq!(
        api.patch(&format!("sobjects/User/{zap}"), &json!({"IsActive": false}))
            .status,
        204
    );
    api.create("User", json!({"Username": "int-six@acme.example", "LastName": "Six", "Email": "six@acme.example", "Alias": "six", "ProfileId": api_only, "IsActive": true}));
    assert_eq!(
        api.query("SELECT UsedLicenses FROM UserLicense WHERE Name = 'Salesforce Integration'")[0]
            ["UsedLicenses"],
        5
    );
}

#[test]
fn limits_and_tooling_permission_dependency() {
    let sim = start();
    let api = Api::admin(&sim);
    let r = api.get("limits");
    assert_eq!(r.status, 200);
    let l = r.json();
    assert_eq!(l["DailyApiRequests"]["Max"], 15000);
    let used = sim.api_usage("acme");
    assert_eq!(l["DailyApiRequests"]["Remaining"], 15000 - used);
    // salesforce.md §H.Q3: 403 API_DISABLED_FOR_ORG for an Integration-license user.
    let int = Api::as_user(&sim, "int-netsuite@acme.example");
    assert_exact(
        &int.get("limits"),
        403,
        json!([{"message": "API is not enabled for this Organization or Partner", "errorCode": "API_DISABLED_FOR_ORG"}]),
    );
    // Tooling PermissionDependency (salesforce.md §H.Q5).
    let r = api.get(&format!("tooling/query?q={}", q("SELECT Permission, PermissionType, RequiredPermission, RequiredPermissionType FROM PermissionDependency WHERE Permission IN ('ModifyAllData', 'PasswordNeverExpires', 'ViewEncryptedData')")));
    assert_eq!(r.status, 200, "{}", r.body);
    let rows = r.json()["records"].as_array().unwrap().clone();
    assert_eq!(
        rows.len(),
        1,
        "PasswordNeverExpires / ViewEncryptedData have none by default"
    );
    assert_eq!(rows[0]["RequiredPermission"], "ViewAllData");
    assert_eq!(rows[0]["PermissionType"], "User Permission");
    assert_eq!(rows[0]["attributes"]["type"], "PermissionDependency");
    let sim2 = start_with(org_sim::SimConfig {
        extra_permission_dependencies: vec![("PasswordNeverExpires".into(), "ApiEnabled".into())],
        ..Default::default()
    });
    let api2 = Api::admin(&sim2);
    let r = api2.get(&format!("tooling/query?q={}", q("SELECT RequiredPermission FROM PermissionDependency WHERE Permission = 'PasswordNeverExpires'")));
    assert_eq!(r.json()["records"][0]["RequiredPermission"], "ApiEnabled");
    // …and it is enforced on permission sets.
    let r = api2.post(
        "sobjects/PermissionSet",
        &json!({"Name": "Pwd", "Label": "Pwd", "PermissionsPasswordNeverExpires": true}),
    );
    assert_exact(
        &r,
        400,
        json!([{"message": "Permission Password Never Expires depends on permission(s): API Enabled", "errorCode": "FIELD_INTEGRITY_EXCEPTION", "fields": []}]),
    );
    let r = api.post(
        "sobjects/PermissionSet",
        &json!({"Name": "Pwd", "Label": "Pwd", "PermissionsPasswordNeverExpires": true}),
    );
    assert_eq!(r.status, 201);
}
