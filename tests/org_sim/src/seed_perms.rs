//! The permission half of the seed (salesforce.md §C.1–§C.7, §H.Q4): permission set licenses, one
//! profile-owned permission set per profile, custom / managed / session permission sets, a
//! permission set group with its aggregate set, a second group with a muting set (salesforce.md
//! §I.7), object and field permissions (View All Fields too, §I.10), assignments and license
//! assignments that put the integration users in every state, a licence with no seat left and
//! managed sets the integration licence can't take (§I.8, §I.9). Also the permission
//! dependencies served by the Tooling API (salesforce.md §H.Q5).

use std::collections::HashMap;

use crate::catalog::perms::{OBJECT_PERMISSIONS, SYSTEM_PERMISSIONS};
use crate::config::SimConfig;
use crate::seed::{OrgSeed, LICENSE_INTEGRATION, LICENSE_SALESFORCE};
use crate::store::{Store, StoreError, Value};

/// DeveloperName of the integration PSL (salesforce.md §C.6).
pub const INTEGRATION_PSL: &str = "SalesforceAPIIntegrationPsl";

/// One permission dependency row (Tooling `PermissionDependency`, salesforce.md §H.Q5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// Permission (`ModifyAllData`).
    pub permission: String,
    /// `User Permission` or `Object Permission`.
    pub permission_type: String,
    /// Required permission (`ViewAllData`, or `Account.Create` for object permissions — the
    /// object-permission naming is [U]).
    pub required: String,
    /// `User Permission` or `Object Permission`.
    pub required_type: String,
}

/// User-permission dependencies the sim enforces and serves. Modelled on real behaviour (the
/// doc's ModifyAllData example, the "Convert Leads depends on Create Account" data-load error
/// of salesforce.md §C.2); PasswordNeverExpires / ViewEncryptedData have none unless configured
/// ([U] salesforce.md §H.Q5).
pub fn dependencies(config: &SimConfig) -> Vec<Dependency> {
    let user = |p: &str, r: &str| Dependency {
        permission: p.into(),
        permission_type: "User Permission".into(),
        required: r.into(),
        required_type: "User Permission".into(),
    };
    let mut out = vec![
        user("ModifyAllData", "ViewAllData"),
        user("AuthorApex", "ModifyAllData"),
        user("ManageUsers", "ViewSetup"),
        user("ManageUsers", "ManageInternalUsers"),
        user("ManageUsers", "ResetPasswords"),
        user("ManageInternalUsers", "ViewAllUsers"),
        user("CustomizeApplication", "ViewSetup"),
        user("ManageProfilesPermissionsets", "ViewSetup"),
        user("AssignPermissionSets", "ViewSetup"),
        user("ExportReport", "RunReports"),
        Dependency {
            permission: "ConvertLeads".into(),
            permission_type: "User Permission".into(),
            required: "Account.Create".into(),
            required_type: "Object Permission".into(),
        },
    ];
    out.extend(
        config
            .extra_permission_dependencies
            .iter()
            .map(|(p, r)| user(p, r)),
    );
    out
}

/// The Tooling store of an org: PermissionDependency rows.
pub fn tooling_store(seed: &OrgSeed, config: &SimConfig) -> Result<Store, StoreError> {
    let mut store = Store::new(
        std::sync::Arc::new(crate::catalog::perms::tooling_schema()),
        crate::ids::IdAllocator::new("AM", seed.id_space),
    );
    for d in dependencies(config) {
        store.insert(
            "PermissionDependency",
            &[
                ("Permission", Value::text(d.permission)),
                ("PermissionType", Value::text(d.permission_type)),
                ("RequiredPermission", Value::text(d.required)),
                ("RequiredPermissionType", Value::text(d.required_type)),
            ],
        )?;
    }
    Ok(store)
}

/// A permission set's license in the seed.
#[derive(Debug, Clone, Copy)]
enum Lic {
    None,
    User(&'static str),
    Psl(&'static str),
}

/// A seeded custom / managed / session permission set.
#[derive(Debug, Clone, Copy)]
struct PsSeed {
    name: &'static str,
    label: &'static str,
    description: &'static str,
    license: Lic,
    namespace: Option<&'static str>,
    session: bool,
    perms: &'static [&'static str],
    /// `(object, "RCEDVM" letters)`.
    objects: &'static [(&'static str, &'static str)],
    /// `(Object.Field, edit)`.
    fields: &'static [(&'static str, bool)],
    assignees: &'static [&'static str],
}

const fn ps(name: &'static str, label: &'static str) -> PsSeed {
    PsSeed {
        name,
        label,
        description: "",
        license: Lic::None,
        namespace: None,
        session: false,
        perms: &[],
        objects: &[],
        fields: &[],
        assignees: &[],
    }
}

const PERMISSION_SETS: &[PsSeed] = &[
    // Fully set up integration user: PSL first, then a License=None set with
    // PasswordNeverExpires (salesforce.md §H.Q4 "What this means").
    PsSeed {
        description: "NetSuite integration user: accounts, contacts, invoices",
        perms: &["PasswordNeverExpires"],
        objects: &[
            ("Account", "RCE"),
            ("Contact", "RCE"),
            ("Invoice__c", "RCED"),
            ("Invoice_Line__c", "RCED"),
        ],
        fields: &[
            ("Account.AccountNumber", true),
            ("Account.Phone", true),
            ("Account.BillingAddress", true),
            ("Contact.Email", true),
            ("Invoice__c.Amount__c", true),
            ("Invoice__c.Status__c", true),
            ("Invoice__c.Tax__c", false),
            ("Invoice_Line__c.Quantity__c", true),
        ],
        assignees: &["int-netsuite@acme.example", "int-netsuite@acme.example.uat"],
        ..ps("NetSuite_Integration", "NetSuite Integration")
    },
    // Missing the PSL: a set without object permissions is assignable without it.
    PsSeed {
        description: "Password policy for the Marketo user",
        perms: &["PasswordNeverExpires"],
        assignees: &["int-marketo@acme.example"],
        ..ps("Marketo_Password_Policy", "Marketo Password Policy")
    },
    // Licensed with the PSL itself (the equal alternative, salesforce.md §H.Q4).
    PsSeed {
        description: "Legacy ERP read access",
        license: Lic::Psl(INTEGRATION_PSL),
        objects: &[("Account", "R"), ("Shipment__c", "R")],
        assignees: &["int-legacy-erp@acme.example"],
        ..ps("Legacy_ERP_Access", "Legacy ERP Access")
    },
    // Licensed "Salesforce": can never be assigned to an integration user (salesforce.md §C.7);
    // seeded on int-zapier anyway, the assignment-invalid state.
    PsSeed {
        description: "Sales operations",
        license: Lic::User(LICENSE_SALESFORCE),
        perms: &["RunReports", "ExportReport"],
        objects: &[("Account", "RCE"), ("Opportunity", "RCED")],
        fields: &[("Opportunity.Amount", true), ("Account.Industry", true)],
        assignees: &["alan.turing@acme.example", "int-zapier@acme.example"],
        ..ps("Sales_Ops", "Sales Ops")
    },
    PsSeed {
        description: "Read invoices and their lines",
        objects: &[("Invoice__c", "R"), ("Invoice_Line__c", "R")],
        fields: &[
            ("Invoice__c.Amount__c", false),
            ("Invoice__c.Due_Date__c", false),
        ],
        assignees: &["margaret.hamilton@acme.example"],
        ..ps("Invoice_Viewer", "Invoice Viewer")
    },
    // Licensed with the user license "Salesforce Integration": custom objects only (salesforce.md
    // §H.Q4: standard objects can't be granted).
    PsSeed {
        description: "Shipments for integration users",
        license: Lic::User(LICENSE_INTEGRATION),
        objects: &[("Shipment__c", "RCE")],
        ..ps("Integration_Shipments", "Integration Shipments")
    },
    // From a managed package (salesforce.md §C.1 NamespacePrefix).
    PsSeed {
        description: "Declarative Lookup Rollup Summaries: full access",
        namespace: Some("dlrs"),
        objects: &[("Invoice__c", "R")],
        ..ps(
            "LookupRollupSummariesFull",
            "Lookup Rollup Summaries - Full",
        )
    },
    // Session-based (salesforce.md §C.1 HasActivationRequired, Type 'Session').
    PsSeed {
        description: "Elevated access, activated per session",
        session: true,
        perms: &["ViewAllData", "ViewSetup"],
        ..ps("Elevated_Admin_Session", "Elevated Admin (Session)")
    },
    PsSeed {
        description: "Wide object access for performance tests",
        objects: &[("Wide_Object__c", "RCED")],
        ..ps("Wide_Object_Access", "Wide Object Access")
    },
    // The access review's cases (issue #15). Members of the Integration Bundle group: one with
    // Modify All and View All Fields on Shipment__c (salesforce.md §I.10), one with reports.
    PsSeed {
        description: "Shipments, everything (member of Integration Bundle)",
        objects: &[("Shipment__c", "RCEDVMF")],
        ..ps("Bundle_Shipments", "Bundle Shipments")
    },
    PsSeed {
        description: "Invoices and reports (member of Integration Bundle)",
        perms: &["RunReports", "ExportReport"],
        objects: &[("Invoice__c", "RCE"), ("Invoice_Line__c", "R")],
        fields: &[("Invoice__c.Tax__c", true), ("Invoice__c.Amount__c", true)],
        ..ps("Bundle_Invoices", "Bundle Invoices")
    },
    // A managed package's admin set that the integration licence can't take: Customize
    // Application is false in the integration PSL's MaximumPermissions (salesforce.md §I.8).
    PsSeed {
        description: "Connector package: administration",
        namespace: Some("cnx"),
        perms: &["CustomizeApplication", "ViewSetup"],
        objects: &[("Shipment__c", "RCE")],
        ..ps("Connector_Admin", "Connector Admin")
    },
    // A managed package's set licensed with a permission set licence that has no seat left
    // (salesforce.md §I.2, §I.8).
    PsSeed {
        description: "Analytics connector: read accounts",
        namespace: Some("anlx"),
        license: Lic::Psl(ANALYTICS_PSL),
        objects: &[("Account", "R")],
        ..ps("Analytics_Connector_User", "Analytics Connector User")
    },
];

/// A permission set licence with one seat, taken (salesforce.md §I.8: seats left = Total − Used).
pub const ANALYTICS_PSL: &str = "AnalyticsConnectorPsl";
/// Who holds its one seat, per org.
const ANALYTICS_PSL_HOLDERS: &[&str] = &[
    "katherine.johnson@acme.example",
    "margaret.hamilton@acme.example.uat",
];
/// Who gets the Integration Bundle group (the sandbox's integration user).
const BUNDLE_ASSIGNEES: &[&str] = &["int-netsuite@acme.example.uat"];

/// System permissions of the profile-owned sets (salesforce.md §H.Q4: the API-only profiles enable
/// ApiEnabled, ApiUserOnly, ChatterInternalUser only).
fn profile_perms(profile: &str) -> Vec<&'static str> {
    match profile {
        "System Administrator" => SYSTEM_PERMISSIONS
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| {
                !matches!(
                    *n,
                    "ApiUserOnly" | "PasswordNeverExpires" | "ViewEncryptedData"
                )
            })
            .collect(),
        "Standard User" => vec![
            "ApiEnabled",
            "ChatterInternalUser",
            "LightningExperienceUser",
            "ConvertLeads",
            "EditTask",
            "EditEvent",
            "RunReports",
        ],
        _ => vec!["ApiEnabled", "ApiUserOnly", "ChatterInternalUser"],
    }
}

fn bool_fields(names: &[&str], prefix: &str) -> Vec<(String, Value)> {
    names
        .iter()
        .map(|n| (format!("{prefix}{n}"), Value::Bool(true)))
        .collect()
}

fn insert_owned(
    store: &mut Store,
    object: &str,
    values: &[(String, Value)],
) -> Result<String, StoreError> {
    let refs: Vec<(&str, Value)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    store.insert(object, &refs)
}

/// Object permission row from `RCEDVMF` letters (F: View All Fields, salesforce.md §I.10).
fn object_perm(
    store: &mut Store,
    parent: &str,
    object: &str,
    letters: &str,
) -> Result<(), StoreError> {
    let mut values = vec![
        ("ParentId".to_owned(), Value::text(parent)),
        ("SobjectType".to_owned(), Value::text(object)),
    ];
    for (letter, (field, _)) in "RCEDVMF".chars().zip(OBJECT_PERMISSIONS) {
        values.push(((*field).to_owned(), Value::Bool(letters.contains(letter))));
    }
    insert_owned(store, "ObjectPermissions", &values).map(|_| ())
}

fn field_perm(store: &mut Store, parent: &str, field: &str, edit: bool) -> Result<(), StoreError> {
    let object = field.split('.').next().unwrap_or_default();
    insert_owned(
        store,
        "FieldPermissions",
        &[
            ("ParentId".to_owned(), Value::text(parent)),
            ("SobjectType".to_owned(), Value::text(object)),
            ("Field".to_owned(), Value::text(field)),
            ("PermissionsRead".to_owned(), Value::Bool(true)),
            ("PermissionsEdit".to_owned(), Value::Bool(edit)),
        ],
    )
    .map(|_| ())
}

/// Whether FLS Edit can be granted on a field (salesforce.md §C.3/§C.4).
fn editable(store: &Store, field: &str) -> bool {
    let (o, f) = field.split_once('.').unwrap_or_default();
    store
        .schema()
        .object(o)
        .is_some_and(|o| o.find_field(f).is_some_and(|f| o.fls_editable(f)))
}

/// Seeds licenses, permission sets and assignments into `store` (users and profiles exist).
pub fn seed(store: &mut Store, org: &OrgSeed, config: &SimConfig) -> Result<(), StoreError> {
    // Permission set licenses (salesforce.md §C.6; a similarly named one that does not work, gist
    // infocynic).
    let mut psl_ids = HashMap::new();
    for (dev, label, total, for_integrations) in [
        (INTEGRATION_PSL, "Salesforce API Integration", 5, true),
        (
            "FieldServiceIntegrationPsl",
            "Field Service Integration",
            2,
            false,
        ),
        (ANALYTICS_PSL, "Analytics Connector", 1, false),
    ] {
        let mut values = vec![
            ("DeveloperName".to_owned(), Value::text(dev)),
            ("MasterLabel".to_owned(), Value::text(label)),
            ("PermissionSetLicenseKey".to_owned(), Value::text(dev)),
            ("Status".to_owned(), Value::text("Active")),
            (
                "IsAvailableForIntegrations".to_owned(),
                Value::Bool(for_integrations),
            ),
            ("TotalLicenses".to_owned(), Value::Int(total)),
            ("UsedLicenses".to_owned(), Value::Int(0)),
        ];
        // MaximumPermissions<Name> (salesforce.md §C.6, §I.8): everything except the admin-only
        // powers; on the integration PSL, the [U] permissions as `integration_license_allows`
        // says (salesforce.md §H.Q5).
        values.extend(SYSTEM_PERMISSIONS.iter().map(|(n, _)| {
            let admin_only = matches!(*n, "ModifyAllData" | "AuthorApex" | "CustomizeApplication");
            let switched_off = dev == INTEGRATION_PSL
                && crate::config::INTEGRATION_CHECKED_PERMISSIONS.contains(n)
                && !config.integration_license_allows.iter().any(|a| a == n);
            (
                format!("MaximumPermissions{n}"),
                Value::Bool(!admin_only && !switched_off),
            )
        }));
        psl_ids.insert(dev, insert_owned(store, "PermissionSetLicense", &values)?);
    }
    // Profile-owned permission sets (salesforce.md §C.1: IsOwnedByProfile, ProfileId; Type [U]).
    let schema = std::sync::Arc::new(store.schema().clone());
    let profiles: Vec<(String, String)> = store
        .records("Profile")
        .iter()
        .map(|p| (p.id.clone(), p.text("Name").unwrap_or_default().to_owned()))
        .collect();
    for (pid, pname) in &profiles {
        let mut values = vec![
            ("Name".to_owned(), Value::text(format!("X{pid}"))),
            ("Label".to_owned(), Value::text(pid.clone())),
            ("IsOwnedByProfile".to_owned(), Value::Bool(true)),
            ("IsCustom".to_owned(), Value::Bool(false)),
            ("ProfileId".to_owned(), Value::text(pid.clone())),
            (
                "Type".to_owned(),
                Value::text(config.profile_permission_set_type.clone()),
            ),
        ];
        values.extend(bool_fields(&profile_perms(pname), "Permissions"));
        let ps_id = insert_owned(store, "PermissionSet", &values)?;
        let (objects, fls): (Vec<&str>, bool) = match pname.as_str() {
            "System Administrator" => (
                schema
                    .objects()
                    .iter()
                    .filter(|o| o.object_permissionable && !o.custom_setting)
                    .map(|o| o.name.as_str())
                    .collect(),
                true,
            ),
            "Standard User" => (
                vec!["Account", "Contact", "Opportunity", "Case", "Lead"],
                true,
            ),
            _ => (Vec::new(), false),
        };
        for o in &objects {
            let letters = if pname == "System Administrator" {
                "RCEDVM"
            } else {
                "RCED"
            };
            object_perm(store, &ps_id, o, letters)?;
        }
        if fls {
            let fp_fields: Vec<String> = schema
                .object("FieldPermissions")
                .and_then(|o| o.find_field("Field"))
                .map(|f| f.picklist.clone())
                .unwrap_or_default();
            for f in fp_fields {
                let obj = f.split('.').next().unwrap_or_default();
                let granted = objects.contains(&obj)
                    || (pname == "System Administrator"
                        && matches!(obj, "Task" | "Event" | "User"));
                if granted {
                    let edit = editable(store, &f);
                    field_perm(store, &ps_id, &f, edit)?;
                }
            }
        }
    }
    let license_id = |store: &Store, lic: Lic| -> Value {
        match lic {
            Lic::None => Value::Null,
            Lic::User(name) => store
                .find_by("UserLicense", "Name", name)
                .map_or(Value::Null, |r| Value::text(r.id.clone())),
            Lic::Psl(dev) => psl_ids
                .get(dev)
                .map_or(Value::Null, |id| Value::text(id.clone())),
        }
    };
    let mut ps_ids = HashMap::new();
    for p in PERMISSION_SETS {
        let mut values = vec![
            ("Name".to_owned(), Value::text(p.name)),
            ("Label".to_owned(), Value::text(p.label)),
            ("Description".to_owned(), Value::text(p.description)),
            ("LicenseId".to_owned(), license_id(store, p.license)),
            ("IsCustom".to_owned(), Value::Bool(true)),
            (
                "NamespacePrefix".to_owned(),
                p.namespace.map_or(Value::Null, Value::text),
            ),
            (
                "Type".to_owned(),
                Value::text(if p.session { "Session" } else { "Regular" }),
            ),
            ("HasActivationRequired".to_owned(), Value::Bool(p.session)),
        ];
        values.extend(bool_fields(p.perms, "Permissions"));
        let id = insert_owned(store, "PermissionSet", &values)?;
        for (o, letters) in p.objects {
            object_perm(store, &id, o, letters)?;
        }
        for (f, edit) in p.fields {
            field_perm(store, &id, f, *edit)?;
        }
        ps_ids.insert(p.name, id);
    }
    // A permission set group and its aggregate set (salesforce.md §C.1 Type 'Group').
    let psg = store.insert(
        "PermissionSetGroup",
        &[
            ("DeveloperName", Value::text("Finance_Bundle")),
            ("MasterLabel", Value::text("Finance Bundle")),
            ("Description", Value::text("Invoices and sales operations")),
            ("Status", Value::text("Updated")),
        ],
    )?;
    let mut aggregate_components = Vec::new();
    for name in ["Invoice_Viewer", "Sales_Ops"] {
        if let Some(ps) = ps_ids.get(name) {
            store.insert(
                "PermissionSetGroupComponent",
                &[
                    ("PermissionSetGroupId", Value::text(psg.clone())),
                    ("PermissionSetId", Value::text(ps.clone())),
                ],
            )?;
            aggregate_components.push(ps.clone());
        }
    }
    let aggregate = store.insert(
        "PermissionSet",
        &[
            ("Name", Value::text("Finance_Bundle_Aggregate")),
            ("Label", Value::text("Finance Bundle")),
            ("IsCustom", Value::Bool(true)),
            ("Type", Value::text("Group")),
            ("PermissionSetGroupId", Value::text(psg.clone())),
            ("PermissionsRunReports", Value::Bool(true)),
            ("PermissionsExportReport", Value::Bool(true)),
        ],
    )?;
    for (o, letters) in [
        ("Invoice__c", "R"),
        ("Invoice_Line__c", "R"),
        ("Account", "RCE"),
        ("Opportunity", "RCED"),
    ] {
        object_perm(store, &aggregate, o, letters)?;
    }
    // The access review's group: two members and a muting set (salesforce.md §I.7), its
    // aggregate computed as the switch says.
    let bundle = store.insert(
        "PermissionSetGroup",
        &[
            ("DeveloperName", Value::text("Integration_Bundle")),
            ("MasterLabel", Value::text("Integration Bundle")),
            (
                "Description",
                Value::text("Shipments, invoices and reports for integrations"),
            ),
            ("Status", Value::text("Updated")),
        ],
    )?;
    let mut muting_values = vec![
        (
            "DeveloperName".to_owned(),
            Value::text("Integration_Bundle_Muting"),
        ),
        (
            "MasterLabel".to_owned(),
            Value::text("Integration Bundle Muting"),
        ),
        ("Language".to_owned(), Value::text("en_US")),
    ];
    muting_values.extend(bool_fields(&["ExportReport"], "Permissions"));
    let muting = insert_owned(store, "MutingPermissionSet", &muting_values)?;
    // Mutes Delete and Modify All on Shipment__c, Edit on Invoice__c.Tax__c, Export Reports.
    object_perm(store, &muting, "Shipment__c", "DM")?;
    insert_owned(
        store,
        "FieldPermissions",
        &[
            ("ParentId".to_owned(), Value::text(muting.clone())),
            ("SobjectType".to_owned(), Value::text("Invoice__c")),
            ("Field".to_owned(), Value::text("Invoice__c.Tax__c")),
            ("PermissionsRead".to_owned(), Value::Bool(false)),
            ("PermissionsEdit".to_owned(), Value::Bool(true)),
        ],
    )?;
    for component in [
        ps_ids.get("Bundle_Shipments").cloned(),
        ps_ids.get("Bundle_Invoices").cloned(),
        Some(muting),
    ]
    .into_iter()
    .flatten()
    {
        store.insert(
            "PermissionSetGroupComponent",
            &[
                ("PermissionSetGroupId", Value::text(bundle.clone())),
                ("PermissionSetId", Value::text(component)),
            ],
        )?;
    }
    let bundle_aggregate = recompute_group(store, &bundle, config.group_aggregate_net_of_muting)?;
    // Assignments.
    let user_id = |store: &Store, username: &str| {
        store
            .find_by("User", "Username", username)
            .map(|u| u.id.clone())
    };
    for p in PERMISSION_SETS {
        for a in p.assignees {
            if let (Some(u), Some(ps)) = (user_id(store, a), ps_ids.get(p.name)) {
                store.insert(
                    "PermissionSetAssignment",
                    &[
                        ("AssigneeId", Value::text(u)),
                        ("PermissionSetId", Value::text(ps.clone())),
                        ("IsActive", Value::Bool(true)),
                    ],
                )?;
            }
        }
    }
    // Every user holds the profile-owned set of their profile (as real orgs report it).
    let users: Vec<(String, String)> = store
        .records("User")
        .iter()
        .map(|u| {
            (
                u.id.clone(),
                u.text("ProfileId").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for (uid, pid) in &users {
        let owned = store
            .records("PermissionSet")
            .iter()
            .find(|p| p.text("ProfileId") == Some(pid.as_str()))
            .map(|p| p.id.clone());
        if let Some(ps) = owned {
            store.insert(
                "PermissionSetAssignment",
                &[
                    ("AssigneeId", Value::text(uid.clone())),
                    ("PermissionSetId", Value::text(ps)),
                    ("IsActive", Value::Bool(true)),
                ],
            )?;
        }
    }
    if let Some(u) = user_id(store, "grace.hopper@acme.example") {
        store.insert(
            "PermissionSetAssignment",
            &[
                ("AssigneeId", Value::text(u)),
                ("PermissionSetId", Value::text(aggregate)),
                ("PermissionSetGroupId", Value::text(psg)),
                ("IsActive", Value::Bool(true)),
            ],
        )?;
    }
    for username in BUNDLE_ASSIGNEES {
        if let Some(u) = user_id(store, username) {
            store.insert(
                "PermissionSetAssignment",
                &[
                    ("AssigneeId", Value::text(u)),
                    ("PermissionSetId", Value::text(bundle_aggregate.clone())),
                    ("PermissionSetGroupId", Value::text(bundle.clone())),
                    ("IsActive", Value::Bool(true)),
                ],
            )?;
        }
    }
    for username in ANALYTICS_PSL_HOLDERS {
        if let (Some(u), Some(psl)) = (user_id(store, username), psl_ids.get(ANALYTICS_PSL)) {
            store.insert(
                "PermissionSetLicenseAssign",
                &[
                    ("AssigneeId", Value::text(u)),
                    ("PermissionSetLicenseId", Value::text(psl.clone())),
                ],
            )?;
        }
    }
    // PSL assignments: fully set up, PSL-only, and the inactive user (salesforce.md §C.6).
    for name in [
        "int-netsuite@acme.example",
        "int-tableau@acme.example",
        "int-legacy-erp@acme.example",
        "int-netsuite@acme.example.uat",
    ] {
        if let (Some(u), Some(psl)) = (user_id(store, name), psl_ids.get(INTEGRATION_PSL)) {
            store.insert(
                "PermissionSetLicenseAssign",
                &[
                    ("AssigneeId", Value::text(u)),
                    ("PermissionSetLicenseId", Value::text(psl.clone())),
                ],
            )?;
        }
    }
    let _ = org;
    recount_psl(store);
    Ok(())
}

/// The permission flags of one ObjectPermissions / FieldPermissions / PermissionSet row that
/// are true.
fn true_flags(rec: &crate::store::Record) -> Vec<String> {
    let mut flags: Vec<String> = rec
        .fields()
        .iter()
        .filter(|(k, v)| k.starts_with("Permissions") && **v == Value::Bool(true))
        .map(|(k, _)| k.clone())
        .collect();
    flags.sort();
    flags
}

/// (Re)computes a permission set group's aggregate permission set (`Type = 'Group'`,
/// `PermissionSetGroupId`, salesforce.md §C.1, §I.7): its members' permissions, minus what the
/// group's muting set mutes when `net_of_muting` ([U] §I.7). Creates the aggregate if missing;
/// returns its Id. Sets the group's `Status` to `Updated`.
pub fn recompute_group(
    store: &mut Store,
    group: &str,
    net_of_muting: bool,
) -> Result<String, StoreError> {
    let components: Vec<String> = store
        .records("PermissionSetGroupComponent")
        .iter()
        .filter(|c| c.text("PermissionSetGroupId") == Some(group))
        .filter_map(|c| c.text("PermissionSetId").map(str::to_owned))
        .collect();
    let is_muting = |store: &Store, id: &str| {
        store
            .get(id)
            .is_some_and(|r| r.object == "MutingPermissionSet")
    };
    let members: Vec<&String> = components.iter().filter(|c| !is_muting(store, c)).collect();
    let mutings: Vec<&String> = components
        .iter()
        .filter(|c| net_of_muting && is_muting(store, c))
        .collect();
    type Flags = std::collections::BTreeMap<String, std::collections::BTreeSet<String>>;
    let gather = |store: &Store, parents: &[&String], object: &str, key: &str| -> Flags {
        let mut out = Flags::new();
        for row in store.records(object) {
            if parents
                .iter()
                .any(|p| row.text("ParentId") == Some(p.as_str()))
            {
                out.entry(row.text(key).unwrap_or_default().to_owned())
                    .or_default()
                    .extend(true_flags(row));
            }
        }
        out
    };
    let subtract = |mut granted: Flags, muted: &Flags| -> Flags {
        for (k, flags) in &mut granted {
            if let Some(m) = muted.get(k) {
                flags.retain(|f| !m.contains(f));
            }
        }
        granted.retain(|_, flags| !flags.is_empty());
        granted
    };
    let objects = subtract(
        gather(store, &members, "ObjectPermissions", "SobjectType"),
        &gather(store, &mutings, "ObjectPermissions", "SobjectType"),
    );
    let fields = subtract(
        gather(store, &members, "FieldPermissions", "Field"),
        &gather(store, &mutings, "FieldPermissions", "Field"),
    );
    let mut system: std::collections::BTreeSet<String> = members
        .iter()
        .filter_map(|m| store.get(m))
        .flat_map(true_flags)
        .collect();
    for muting in &mutings {
        if let Some(rec) = store.get(muting) {
            for flag in true_flags(rec) {
                system.remove(&flag);
            }
        }
    }
    let existing = store
        .records("PermissionSet")
        .iter()
        .find(|p| p.text("PermissionSetGroupId") == Some(group))
        .map(|p| p.id.clone());
    let aggregate = match existing {
        Some(id) => id,
        None => {
            let (name, label) = store
                .get(group)
                .map(|g| {
                    (
                        g.text("DeveloperName").unwrap_or_default().to_owned(),
                        g.text("MasterLabel").unwrap_or_default().to_owned(),
                    )
                })
                .unwrap_or_default();
            store.insert(
                "PermissionSet",
                &[
                    // The aggregate's Name in real orgs is not documented ([U]).
                    ("Name", Value::text(format!("{name}_Aggregate"))),
                    ("Label", Value::text(label)),
                    ("IsCustom", Value::Bool(true)),
                    ("Type", Value::text("Group")),
                    ("PermissionSetGroupId", Value::text(group)),
                ],
            )?
        }
    };
    let stale: Vec<String> = ["ObjectPermissions", "FieldPermissions"]
        .iter()
        .flat_map(|o| store.records(o).iter())
        .filter(|r| r.text("ParentId") == Some(aggregate.as_str()))
        .map(|r| r.id.clone())
        .collect();
    for id in stale {
        store.remove(&id);
        store.forget_deleted(&id);
    }
    for (name, _) in SYSTEM_PERMISSIONS {
        let field = format!("Permissions{name}");
        let on = system.contains(&field);
        store.update(&aggregate, &field, Value::Bool(on))?;
    }
    for (object, flags) in objects {
        let mut values = vec![
            ("ParentId".to_owned(), Value::text(aggregate.clone())),
            ("SobjectType".to_owned(), Value::text(object)),
        ];
        for (field, _) in OBJECT_PERMISSIONS {
            values.push(((*field).to_owned(), Value::Bool(flags.contains(*field))));
        }
        insert_owned(store, "ObjectPermissions", &values)?;
    }
    for (field, flags) in fields {
        let object = field.split('.').next().unwrap_or_default().to_owned();
        insert_owned(
            store,
            "FieldPermissions",
            &[
                ("ParentId".to_owned(), Value::text(aggregate.clone())),
                ("SobjectType".to_owned(), Value::text(object)),
                ("Field".to_owned(), Value::text(field)),
                (
                    "PermissionsRead".to_owned(),
                    Value::Bool(flags.contains("PermissionsRead")),
                ),
                (
                    "PermissionsEdit".to_owned(),
                    Value::Bool(flags.contains("PermissionsEdit")),
                ),
            ],
        )?;
    }
    store.update(group, "Status", Value::text("Updated"))?;
    Ok(aggregate)
}

/// `PermissionSetLicense.UsedLicenses` = its assignments (salesforce.md §C.6: consistent counts).
pub fn recount_psl(store: &mut Store) {
    let counts: Vec<(String, i64)> = store
        .records("PermissionSetLicense")
        .iter()
        .map(|l| {
            let n = store
                .records("PermissionSetLicenseAssign")
                .iter()
                .filter(|a| a.text("PermissionSetLicenseId") == Some(l.id.as_str()))
                .count();
            (l.id.clone(), i64::try_from(n).unwrap_or(0))
        })
        .collect();
    for (id, n) in counts {
        let _ = store.update(&id, "UsedLicenses", Value::Int(n));
    }
}

/// `UserLicense.UsedLicenses` = active users on profiles of that license (salesforce.md §C.7).
pub fn recount_user_licenses(store: &mut Store) {
    let counts: Vec<(String, i64)> = store
        .records("UserLicense")
        .iter()
        .map(|l| {
            let n = store
                .records("User")
                .iter()
                .filter(|u| u.flag("IsActive"))
                .filter(|u| {
                    u.text("ProfileId")
                        .and_then(|p| store.get(p))
                        .and_then(|p| p.text("UserLicenseId"))
                        == Some(l.id.as_str())
                })
                .count();
            (l.id.clone(), i64::try_from(n).unwrap_or(0))
        })
        .collect();
    for (id, n) in counts {
        let _ = store.update(&id, "UsedLicenses", Value::Int(n));
    }
}
