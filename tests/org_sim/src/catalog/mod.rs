//! The object catalog: one declarative description of every simulated sObject type (identity
//! objects, the sales objects, custom objects, permission objects) with describe properties.

pub mod custom;
pub mod files;
pub mod perms;
pub mod sales;

use crate::ids::prefix;
use crate::schema::{lookup, FieldDef, FieldType as T, ObjectDef, Schema};

/// The schema of every seeded org.
pub fn schema() -> Schema {
    let mut objects = identity();
    objects.extend(sales::objects());
    objects.extend(custom::objects());
    objects.extend(perms::objects());
    objects.extend(files::objects());
    perms::finish(Schema::new(objects))
}

/// Organization, UserLicense, Profile, User (salesforce.md §A.3 SFIR's first query, §C.7).
fn identity() -> Vec<ObjectDef> {
    vec![
        ObjectDef::new("Organization", prefix::ORGANIZATION)
            .query_only()
            .field("Name", T::String)
            .field("IsSandbox", T::Boolean)
            .field("InstanceName", T::String)
            .field("OrganizationType", T::Picklist)
            .field("TrialExpirationDate", T::DateTime),
        ObjectDef::new("UserLicense", prefix::USER_LICENSE)
            .labels("User License", "User Licenses")
            .query_only()
            .field("Name", T::String)
            .field("MasterLabel", T::String)
            .field("LicenseDefinitionKey", T::String)
            .field("Status", T::Picklist)
            .field("TotalLicenses", T::Int)
            .field("UsedLicenses", T::Int),
        profile(),
        record_type(),
        // User: created, updated, deactivated, never deleted (brief); FieldPermissions can name
        // User fields but ObjectPermissions cannot (salesforce.md §H.Q3).
        user(),
    ]
}

/// Profile, with one `Permissions<Name>` boolean per system permission (Object Reference
/// "Profile": "One field for each permission"). Their values are the profile-owned permission
/// set's (salesforce.md §C.1: every profile has one), read through at query time (`soql::eval`).
fn profile() -> ObjectDef {
    let mut o = ObjectDef::new("Profile", prefix::PROFILE)
        .setup()
        .query_only()
        .field("Name", T::String)
        .field("Description", T::TextArea)
        .reference("UserLicenseId", "UserLicense", "UserLicense");
    for (name, label) in perms::SYSTEM_PERMISSIONS {
        o = o.with(FieldDef::new(&format!("Permissions{name}"), T::Boolean).label(label));
    }
    o.audit()
}

/// RecordType (Object Reference "RecordType"): the record types of the business objects,
/// queryable; their visibility per profile lives beside the records (`crate::record_types`),
/// reached through the Metadata API (salesforce.md §I.12, §H.Q6).
fn record_type() -> ObjectDef {
    ObjectDef::new("RecordType", prefix::RECORD_TYPE)
        .labels("Record Type", "Record Types")
        .setup()
        .query_only()
        .with(
            FieldDef::new("Name", T::String)
                .len(80)
                .name_field()
                .label("Record Type Name"),
        )
        .with(
            FieldDef::new("DeveloperName", T::String)
                .len(80)
                .label("Record Type Name (API)"),
        )
        .with(FieldDef::new("NamespacePrefix", T::String).len(15))
        .with(FieldDef::new("SobjectType", T::Picklist))
        .with(FieldDef::new("IsActive", T::Boolean).label("Active"))
        .with(FieldDef::new("Description", T::String).len(255))
        .audit()
}

fn user() -> ObjectDef {
    let mut o = ObjectDef::new("User", prefix::USER)
        .setup()
        .with(
            FieldDef::new("Username", T::String)
                .len(80)
                .required()
                .external_id(),
        )
        .with(
            FieldDef::new("Name", T::String)
                .len(121)
                .read_only()
                .name_field()
                .not_permissionable()
                .label("Full Name"),
        )
        .with(FieldDef::new("FirstName", T::String).len(40))
        .with(FieldDef::new("LastName", T::String).len(80).required())
        .with(FieldDef::new("Alias", T::String).len(8).required())
        .with(FieldDef::new("Email", T::Email).len(128).required())
        .with(FieldDef::new("IsActive", T::Boolean).label("Active"))
        .with(
            FieldDef::new("UserType", T::Picklist)
                .read_only()
                .values(&["Standard", "PowerPartner", "CsnOnly", "Guest"], true),
        )
        .with(lookup("ProfileId", &["Profile"], "Profile").required())
        .with(FieldDef::new("Title", T::String).len(80))
        .with(FieldDef::new("Department", T::String).len(80))
        .with(FieldDef::new("TimeZoneSidKey", T::Picklist).default("America/Los_Angeles"))
        .with(FieldDef::new("LocaleSidKey", T::Picklist).default("en_US"))
        .with(FieldDef::new("EmailEncodingKey", T::Picklist).default("UTF-8"))
        .with(FieldDef::new("LanguageLocaleKey", T::Picklist).default("en_US"))
        .with(FieldDef::new("LastLoginDate", T::DateTime).read_only())
        // Set by the Connect API's user photo resource (`rest::photo`).
        .with(
            FieldDef::new("SmallPhotoUrl", T::Url)
                .read_only()
                .not_permissionable(),
        )
        .with(
            FieldDef::new("FullPhotoUrl", T::Url)
                .read_only()
                .not_permissionable(),
        )
        .audit()
        .child(
            "PermissionSetAssignments",
            "PermissionSetAssignment",
            "AssigneeId",
        )
        .child(
            "PermissionSetLicenseAssignments",
            "PermissionSetLicenseAssign",
            "AssigneeId",
        );
    o.deletable = false;
    o.field_permissionable = true;
    o
}
