//! Permission objects (salesforce.md §C.1–§C.6): PermissionSet with its `Permissions<Name>` booleans,
//! ObjectPermissions, FieldPermissions, PermissionSetAssignment, PermissionSetLicense(+Assign),
//! PermissionSetGroup(+Component), MutingPermissionSet (§I.7); and the Tooling object
//! PermissionDependency (§H.Q5).

use crate::ids::prefix;
use crate::schema::{lookup, FieldDef, FieldType as T, ObjectDef, Schema};

/// System permissions simulated: API name (without `Permissions`) and label (salesforce.md §C.1).
pub const SYSTEM_PERMISSIONS: &[(&str, &str)] = &[
    ("ApiEnabled", "API Enabled"),
    ("ApiUserOnly", "API Only User"),
    ("PasswordNeverExpires", "Password Never Expires"),
    ("ViewEncryptedData", "View Encrypted Data"),
    ("ModifyAllData", "Modify All Data"),
    ("ViewAllData", "View All Data"),
    ("ViewSetup", "View Setup and Configuration"),
    ("ManageUsers", "Manage Users"),
    ("ManageInternalUsers", "Manage Internal Users"),
    ("ViewAllUsers", "View All Users"),
    ("ResetPasswords", "Reset User Passwords and Unlock Users"),
    ("AssignPermissionSets", "Assign Permission Sets"),
    (
        "ManageProfilesPermissionsets",
        "Manage Profiles and Permission Sets",
    ),
    (
        "ManageSessionPermissionSets",
        "Manage Session Permission Set Activations",
    ),
    ("CustomizeApplication", "Customize Application"),
    ("AuthorApex", "Author Apex"),
    ("ChatterInternalUser", "Chatter Internal User"),
    ("LightningExperienceUser", "Lightning Experience User"),
    ("ConvertLeads", "Convert Leads"),
    ("EditTask", "Edit Tasks"),
    ("EditEvent", "Edit Events"),
    ("RunReports", "Run Reports"),
    ("ExportReport", "Export Reports"),
    ("BulkApiHardDelete", "Bulk API Hard Delete"),
];

/// Label of a system permission by API name.
pub fn permission_label(name: &str) -> &str {
    SYSTEM_PERMISSIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(name, |(_, l)| l)
}

/// ObjectPermissions booleans in dependency order with their data-API verbs (salesforce.md §C.2:
/// View All → "Read All", Modify All → "Edit All").
pub const OBJECT_PERMISSIONS: &[(&str, &str)] = &[
    ("PermissionsRead", "Read"),
    ("PermissionsCreate", "Create"),
    ("PermissionsEdit", "Edit"),
    ("PermissionsDelete", "Delete"),
    ("PermissionsViewAllRecords", "Read All"),
    ("PermissionsModifyAllRecords", "Edit All"),
    ("PermissionsViewAllFields", "View All Fields"),
];

fn sys_ro(f: FieldDef) -> FieldDef {
    f.read_only()
}

/// The permission objects.
pub fn objects() -> Vec<ObjectDef> {
    let mut ps = ObjectDef::new("PermissionSet", prefix::PERMISSION_SET)
        .labels("Permission Set", "Permission Sets")
        .setup()
        // salesforce.md §C.1: Name ≤80, unique, pattern-checked; Label ≤80, unique.
        .with(
            FieldDef::new("Name", T::String)
                .len(80)
                .required()
                .label("Name"),
        )
        .with(
            FieldDef::new("Label", T::String)
                .len(80)
                .required()
                .name_field(),
        )
        .with(FieldDef::new("Description", T::TextArea).len(255))
        // salesforce.md §C.1: LicenseId nillable, create-only, PSL or UserLicense.
        .with(
            lookup(
                "LicenseId",
                &["PermissionSetLicense", "UserLicense"],
                "License",
            )
            .create_only()
            .label("License ID"),
        )
        .with(sys_ro(FieldDef::new("IsCustom", T::Boolean)).label("Custom"))
        .with(sys_ro(FieldDef::new("IsOwnedByProfile", T::Boolean)).label("Is Owned By Profile"))
        .with(sys_ro(lookup("ProfileId", &["Profile"], "Profile")))
        .with(sys_ro(FieldDef::new("NamespacePrefix", T::String).len(15)).label("Namespace Prefix"))
        .with(sys_ro(FieldDef::new("Type", T::Picklist)).values(
            &["Regular", "Standard", "Session", "Group", "Profile"],
            true,
        ))
        .with(sys_ro(lookup(
            "PermissionSetGroupId",
            &["PermissionSetGroup"],
            "PermissionSetGroup",
        )))
        .with(
            FieldDef::new("HasActivationRequired", T::Boolean).label("Session Activation Required"),
        );
    for (name, label) in SYSTEM_PERMISSIONS {
        ps = ps.with(FieldDef::new(&format!("Permissions{name}"), T::Boolean).label(label));
    }
    let ps = ps
        .audit()
        // Deleting a set takes its assignments with it here: whether Salesforce does so or
        // refuses the delete is unconfirmed (salesforce.md §I.19), and of the two the sim takes
        // the one that loses records, so a careless delete shows in the tests.
        .cascade_child("Assignments", "PermissionSetAssignment", "PermissionSetId")
        .cascade_child("ObjectPerms", "ObjectPermissions", "ParentId")
        .cascade_child("FieldPerms", "FieldPermissions", "ParentId");

    // salesforce.md §C.2, §C.3, §I.7: a row's parent is a PermissionSet or a MutingPermissionSet.
    let mut op = ObjectDef::new("ObjectPermissions", prefix::OBJECT_PERMISSIONS)
        .labels("Object Permissions", "Object Permissions")
        .setup()
        .with(
            lookup(
                "ParentId",
                &["PermissionSet", "MutingPermissionSet"],
                "Parent",
            )
            .create_only()
            .required(),
        )
        // Values filled in by `finish` from the schema (salesforce.md §H.Q3).
        .with(
            FieldDef::new("SobjectType", T::Picklist)
                .len(40)
                .create_only()
                .required()
                .label("Sobject Type Name"),
        );
    for (name, _) in OBJECT_PERMISSIONS {
        let field = FieldDef::new(name, T::Boolean);
        // salesforce.md §I.10: View All Fields arrived in API 63.0 (Spring '25).
        op = op.with(if *name == "PermissionsViewAllFields" {
            field.since(63)
        } else {
            field
        });
    }
    // salesforce.md §I.6 (field reference): ObjectPermissions has CreatedById, CreatedDate,
    // LastModifiedById, LastModifiedDate and SystemModstamp.
    let op = op.audit();

    let fp = ObjectDef::new("FieldPermissions", prefix::FIELD_PERMISSIONS)
        .labels("Field Permissions", "Field Permissions")
        .setup()
        .with(
            lookup(
                "ParentId",
                &["PermissionSet", "MutingPermissionSet"],
                "Parent",
            )
            .create_only()
            .required(),
        )
        .with(
            FieldDef::new("SobjectType", T::Picklist)
                .len(40)
                .create_only()
                .required()
                .label("Sobject Type Name"),
        )
        .with(
            FieldDef::new("Field", T::Picklist)
                .len(255)
                .create_only()
                .required()
                .label("Field Name"),
        )
        .with(FieldDef::new("PermissionsRead", T::Boolean).label("Read Access"))
        .with(FieldDef::new("PermissionsEdit", T::Boolean).label("Edit Access"))
        // salesforce.md §I.6: the field reference lists SystemModstamp and no other audit field.
        .modstamp();

    let mut psa = ObjectDef::new("PermissionSetAssignment", prefix::PERMISSION_SET_ASSIGNMENT)
        .labels("Permission Set Assignment", "Permission Set Assignments")
        .setup()
        .with(
            lookup("AssigneeId", &["User"], "Assignee")
                .create_only()
                .required(),
        )
        .with(lookup("PermissionSetId", &["PermissionSet"], "PermissionSet").create_only())
        .with(
            lookup(
                "PermissionSetGroupId",
                &["PermissionSetGroup"],
                "PermissionSetGroup",
            )
            .create_only(),
        )
        // salesforce.md §I.11: ExpirationDate and IsActive arrived in API 52.0.
        .with(FieldDef::new("ExpirationDate", T::DateTime).since(52))
        .with(sys_ro(FieldDef::new("IsActive", T::Boolean)).since(52))
        // salesforce.md §I.6: no CreatedById / CreatedDate; SystemModstamp is "Date Assigned".
        .modstamp();
    // salesforce.md §C.5: "To update an assignment, delete an existing assignment and insert a new one"
    // — ExpirationDate stays updateable (newer versions).
    psa.updateable = true;

    let mut psl = ObjectDef::new("PermissionSetLicense", prefix::PERMISSION_SET_LICENSE)
        .labels("Permission Set License", "Permission Set Licenses")
        .setup()
        .query_only()
        .with(FieldDef::new("DeveloperName", T::String).len(80))
        .with(
            FieldDef::new("MasterLabel", T::String)
                .len(80)
                .label("Permission Set License Label"),
        )
        .with(FieldDef::new("PermissionSetLicenseKey", T::String).len(255))
        .with(FieldDef::new("Status", T::Picklist).values(&["Active", "Disabled"], true))
        .with(FieldDef::new("ExpirationDate", T::Date))
        .with(FieldDef::new("IsAvailableForIntegrations", T::Boolean))
        .with(FieldDef::new("TotalLicenses", T::Int))
        .with(FieldDef::new("UsedLicenses", T::Int));
    for (name, label) in SYSTEM_PERMISSIONS {
        psl =
            psl.with(FieldDef::new(&format!("MaximumPermissions{name}"), T::Boolean).label(label));
    }
    let psl = psl.audit();

    let mut psla = ObjectDef::new(
        "PermissionSetLicenseAssign",
        prefix::PERMISSION_SET_LICENSE_ASSIGN,
    )
    .labels(
        "Permission Set License Assignment",
        "Permission Set License Assignments",
    )
    .setup()
    .with(
        lookup("AssigneeId", &["User"], "Assignee")
            .create_only()
            .required(),
    )
    .with(
        lookup(
            "PermissionSetLicenseId",
            &["PermissionSetLicense"],
            "PermissionSetLicense",
        )
        .create_only()
        .required(),
    )
    .with(sys_ro(FieldDef::new("IsRevoked", T::Boolean)))
    .audit();
    psla.updateable = false;

    let psg = ObjectDef::new("PermissionSetGroup", prefix::PERMISSION_SET_GROUP)
        .labels("Permission Set Group", "Permission Set Groups")
        .setup()
        .with(FieldDef::new("DeveloperName", T::String).len(80).required())
        .with(
            FieldDef::new("MasterLabel", T::String)
                .len(80)
                .required()
                .name_field()
                .label("Label"),
        )
        .with(FieldDef::new("Description", T::TextArea).len(255))
        .with(
            sys_ro(FieldDef::new("Status", T::Picklist))
                .values(&["Updated", "Outdated", "Updating", "Failed"], true),
        )
        .with(FieldDef::new("HasActivationRequired", T::Boolean))
        .with(sys_ro(FieldDef::new("NamespacePrefix", T::String).len(15)))
        .audit()
        .cascade_child(
            "PermissionSetGroupComponents",
            "PermissionSetGroupComponent",
            "PermissionSetGroupId",
        );

    let psgc = ObjectDef::new(
        "PermissionSetGroupComponent",
        prefix::PERMISSION_SET_GROUP_COMPONENT,
    )
    .labels(
        "Permission Set Group Component",
        "Permission Set Group Components",
    )
    .setup()
    .with(
        lookup(
            "PermissionSetGroupId",
            &["PermissionSetGroup"],
            "PermissionSetGroup",
        )
        .create_only()
        .required(),
    )
    // salesforce.md §I.7: the component's PermissionSetId is a PermissionSet or a
    // MutingPermissionSet.
    .with(
        lookup(
            "PermissionSetId",
            &["PermissionSet", "MutingPermissionSet"],
            "PermissionSet",
        )
        .create_only()
        .required(),
    )
    .audit();

    // salesforce.md §I.7: a set of disabled permissions with the fields of a PermissionSet; what it
    // enables is turned off for its group.
    let mut mps = ObjectDef::new("MutingPermissionSet", prefix::MUTING_PERMISSION_SET)
        .labels("Muting Permission Set", "Muting Permission Sets")
        .setup()
        .with(FieldDef::new("DeveloperName", T::String).len(80).required())
        .with(
            FieldDef::new("MasterLabel", T::String)
                .len(80)
                .required()
                .name_field()
                .label("Label"),
        )
        .with(FieldDef::new("Description", T::TextArea).len(255))
        .with(FieldDef::new("Language", T::Picklist).values(&["en_US"], true));
    for (name, label) in SYSTEM_PERMISSIONS {
        mps = mps.with(FieldDef::new(&format!("Permissions{name}"), T::Boolean).label(label));
    }
    let mps = mps
        .audit()
        .cascade_child("ObjectPerms", "ObjectPermissions", "ParentId")
        .cascade_child("FieldPerms", "FieldPermissions", "ParentId");

    vec![ps, op, fp, psa, psl, psla, psg, psgc, mps]
}

/// Fills the restricted picklists that list grantable objects and fields (salesforce.md §H.Q3,
/// §C.3): `ObjectPermissions.SobjectType` = objects taking ObjectPermissions;
/// `FieldPermissions.SobjectType` = objects taking FieldPermissions (Task, Event, User too);
/// `FieldPermissions.Field` = their permissionable fields, compound components excluded.
pub fn finish(schema: Schema) -> Schema {
    let objects = schema.objects().to_vec();
    let op_types: Vec<String> = objects
        .iter()
        .filter(|o| o.object_permissionable && !o.custom_setting)
        .map(|o| o.name.clone())
        .collect();
    let fp_types: Vec<String> = objects
        .iter()
        .filter(|o| o.field_permissionable && !o.custom_setting)
        .map(|o| o.name.clone())
        .collect();
    let fp_fields: Vec<String> = objects
        .iter()
        .filter(|o| o.field_permissionable && !o.custom_setting)
        .flat_map(|o| {
            o.fields
                .iter()
                .filter(|f| f.permissionable && f.compound_field_name.is_none())
                .map(move |f| format!("{}.{}", o.name, f.name))
        })
        .collect();
    let set = |f: &mut FieldDef, values: &[String]| {
        f.picklist = values.to_vec();
        f.restricted_picklist = true;
    };
    let out = objects
        .into_iter()
        .map(|mut o| {
            for f in &mut o.fields {
                match (o.name.as_str(), f.name.as_str()) {
                    ("ObjectPermissions", "SobjectType") => set(f, &op_types),
                    ("FieldPermissions", "SobjectType") => set(f, &fp_types),
                    ("FieldPermissions", "Field") => set(f, &fp_fields),
                    _ => {}
                }
            }
            o
        })
        .collect();
    Schema::new(out)
}

/// The Tooling API schema: PermissionDependency (salesforce.md §H.Q5) and Profile with its
/// Metadata API `FullName` (salesforce.md §I.12); query only.
pub fn tooling_schema() -> Schema {
    Schema::new(vec![
        ObjectDef::new("Profile", prefix::PROFILE)
            .query_only()
            .field("Name", T::String)
            .field("FullName", T::String),
        ObjectDef::new("PermissionDependency", prefix::PERMISSION_DEPENDENCY)
            .labels("Permission Dependency", "Permission Dependencies")
            .query_only()
            .with(FieldDef::new("Permission", T::String))
            .with(
                FieldDef::new("PermissionType", T::Picklist)
                    .values(&["User Permission", "Object Permission"], true),
            )
            .with(FieldDef::new("RequiredPermission", T::String))
            .with(
                FieldDef::new("RequiredPermissionType", T::Picklist)
                    .values(&["User Permission", "Object Permission"], true),
            ),
    ])
}
