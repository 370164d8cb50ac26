//! Standard sales objects with realistic fields: required name fields, compound address and
//! name fields, auto-number, formula, lookups, polymorphic activity references (salesforce.md §B.6,
//! §C.3, §C.4).

use crate::schema::{lookup, FieldDef, FieldType as T, ObjectDef};

/// Compound address `prefix` + Street/City/State/PostalCode/Country + `<prefix>Address`
/// (salesforce.md §C.3: components describe as permissionable, the compound is what FLS accepts).
pub fn address(mut o: ObjectDef, prefix: &str) -> ObjectDef {
    let compound = format!("{prefix}Address");
    for (part, ty, len) in [
        ("Street", T::TextArea, 255),
        ("City", T::String, 40),
        ("State", T::String, 80),
        ("PostalCode", T::String, 20),
        ("Country", T::String, 80),
    ] {
        o = o.with(
            FieldDef::new(&format!("{prefix}{part}"), ty)
                .len(len)
                .component_of(&compound),
        );
    }
    let mut f = FieldDef::new(&compound, T::Address).read_only();
    f.length = 0;
    o.with(f)
}

/// FirstName/LastName/Salutation with the compound `Name` (required LastName is not
/// permissionable, salesforce.md §B.6).
fn person_name(o: ObjectDef) -> ObjectDef {
    o.with(
        FieldDef::new("Salutation", T::Picklist)
            .values(&["Mr.", "Ms.", "Mrs.", "Dr.", "Prof."], false)
            .component_of("Name"),
    )
    .with(
        FieldDef::new("FirstName", T::String)
            .len(40)
            .component_of("Name"),
    )
    .with(
        FieldDef::new("LastName", T::String)
            .len(80)
            .required()
            .component_of("Name"),
    )
    .with(
        FieldDef::new("Name", T::String)
            .len(121)
            .read_only()
            .name_field()
            .not_permissionable()
            .label("Full Name"),
    )
}

fn required_name(label: &str, len: u32) -> FieldDef {
    FieldDef::new("Name", T::String)
        .len(len)
        .required()
        .name_field()
        .label(label)
}

const LEAD_SOURCES: &[&str] = &[
    "Web",
    "Phone Inquiry",
    "Partner Referral",
    "Purchased List",
    "Other",
];

/// Account, Contact, Opportunity, Case, Lead, Task, Event.
pub fn objects() -> Vec<ObjectDef> {
    vec![
        account(),
        contact(),
        opportunity(),
        case(),
        lead(),
        activity("Task", crate::ids::prefix::TASK)
            .with(
                FieldDef::new("Status", T::Picklist)
                    .values(&["Not Started", "In Progress", "Completed"], false)
                    .default("Not Started"),
            )
            .with(
                FieldDef::new("Priority", T::Picklist)
                    .values(&["High", "Normal", "Low"], false)
                    .default("Normal"),
            )
            .with(FieldDef::new("ActivityDate", T::Date).label("Due Date Only"))
            .with(
                FieldDef::new("IsClosed", T::Boolean)
                    .read_only()
                    .label("Closed"),
            )
            .audit(),
        activity("Event", crate::ids::prefix::EVENT)
            .with(FieldDef::new("StartDateTime", T::DateTime))
            .with(FieldDef::new("EndDateTime", T::DateTime))
            .with(FieldDef::new("DurationInMinutes", T::Int).label("Duration"))
            .with(FieldDef::new("Location", T::String).len(255))
            .audit(),
    ]
}

fn account() -> ObjectDef {
    let o = ObjectDef::new("Account", crate::ids::prefix::ACCOUNT)
        .permissionable()
        .with(required_name("Account Name", 255))
        .with(FieldDef::new("AccountNumber", T::String).len(40))
        .with(FieldDef::new("Type", T::Picklist).values(
            &[
                "Prospect",
                "Customer - Direct",
                "Customer - Channel",
                "Partner",
                "Other",
            ],
            false,
        ))
        .with(FieldDef::new("Industry", T::Picklist).values(
            &["Banking", "Manufacturing", "Retail", "Technology", "Other"],
            false,
        ))
        .with(FieldDef::new("Rating", T::Picklist).values(&["Hot", "Warm", "Cold"], false))
        .with(lookup("ParentId", &["Account"], "Parent").label("Parent Account ID"))
        .with(FieldDef::new("Phone", T::Phone))
        .with(FieldDef::new("Website", T::Url))
        .with(FieldDef::new("AnnualRevenue", T::Currency))
        .with(FieldDef::new("NumberOfEmployees", T::Int).label("Employees"))
        .with(FieldDef::new("Description", T::TextArea));
    let o = address(address(o, "Billing"), "Shipping");
    o.owner()
        .audit()
        .child("Contacts", "Contact", "AccountId")
        .child("Opportunities", "Opportunity", "AccountId")
        .child("Cases", "Case", "AccountId")
        .child("ChildAccounts", "Account", "ParentId")
        .child("Invoices__r", "Invoice__c", "Account__c")
        .child("Tasks", "Task", "WhatId")
        .child("Events", "Event", "WhatId")
}

fn contact() -> ObjectDef {
    let o = person_name(ObjectDef::new("Contact", crate::ids::prefix::CONTACT).permissionable())
        .with(lookup("AccountId", &["Account"], "Account").label("Account ID"))
        .with(FieldDef::new("Title", T::String).len(128))
        .with(FieldDef::new("Email", T::Email).len(80))
        .with(FieldDef::new("Phone", T::Phone).label("Business Phone"))
        .with(FieldDef::new("MobilePhone", T::Phone))
        .with(FieldDef::new("Birthdate", T::Date))
        .with(FieldDef::new("LeadSource", T::Picklist).values(LEAD_SOURCES, false))
        .with(FieldDef::new("Description", T::TextArea));
    address(o, "Mailing")
        .owner()
        .audit()
        .child("Cases", "Case", "ContactId")
        .child("Tasks", "Task", "WhoId")
        .child("Events", "Event", "WhoId")
}

fn opportunity() -> ObjectDef {
    ObjectDef::new("Opportunity", crate::ids::prefix::OPPORTUNITY)
        .labels("Opportunity", "Opportunities")
        .permissionable()
        .with(required_name("Name", 120))
        .with(lookup("AccountId", &["Account"], "Account").label("Account ID"))
        .with(
            FieldDef::new("StageName", T::Picklist)
                .values(
                    &[
                        "Prospecting",
                        "Qualification",
                        "Proposal/Price Quote",
                        "Negotiation/Review",
                        "Closed Won",
                        "Closed Lost",
                    ],
                    false,
                )
                .required()
                .label("Stage"),
        )
        .with(
            FieldDef::new("CloseDate", T::Date)
                .required()
                .label("Close Date"),
        )
        .with(FieldDef::new("Amount", T::Currency))
        .with(FieldDef::new("Probability", T::Percent).label("Probability (%)"))
        .with(
            FieldDef::new("ExpectedRevenue", T::Currency)
                .formula("Amount * Probability")
                .label("Expected Amount"),
        )
        .with(
            FieldDef::new("Type", T::Picklist)
                .values(&["New Customer", "Existing Customer - Upgrade"], false),
        )
        .with(FieldDef::new("LeadSource", T::Picklist).values(LEAD_SOURCES, false))
        .with(FieldDef::new("NextStep", T::String).len(255))
        .with(FieldDef::new("Description", T::TextArea))
        .with(
            FieldDef::new("IsClosed", T::Boolean)
                .read_only()
                .label("Closed"),
        )
        .with(FieldDef::new("IsWon", T::Boolean).read_only().label("Won"))
        .owner()
        .audit()
        .child("Tasks", "Task", "WhatId")
}

fn case() -> ObjectDef {
    ObjectDef::new("Case", crate::ids::prefix::CASE)
        .permissionable()
        .with(
            FieldDef::new("CaseNumber", T::String)
                .auto_number("{00000000}")
                .name_field()
                .label("Case Number"),
        )
        .with(FieldDef::new("Subject", T::String).len(255))
        .with(FieldDef::new("Description", T::TextArea))
        .with(
            FieldDef::new("Status", T::Picklist)
                .values(&["New", "Working", "Escalated", "Closed"], false)
                .default("New"),
        )
        .with(
            FieldDef::new("Priority", T::Picklist)
                .values(&["High", "Medium", "Low"], false)
                .default("Medium"),
        )
        .with(FieldDef::new("Origin", T::Picklist).values(&["Phone", "Email", "Web"], false))
        .with(lookup("AccountId", &["Account"], "Account").label("Account ID"))
        .with(lookup("ContactId", &["Contact"], "Contact").label("Contact ID"))
        .with(
            FieldDef::new("IsClosed", T::Boolean)
                .read_only()
                .label("Closed"),
        )
        .owner()
        .audit()
}

fn lead() -> ObjectDef {
    let o = person_name(ObjectDef::new("Lead", crate::ids::prefix::LEAD).permissionable())
        .with(FieldDef::new("Company", T::String).len(255).required())
        .with(FieldDef::new("Title", T::String).len(128))
        .with(FieldDef::new("Email", T::Email).len(80))
        .with(FieldDef::new("Phone", T::Phone))
        .with(
            FieldDef::new("Status", T::Picklist)
                .values(
                    &[
                        "Open - Not Contacted",
                        "Working - Contacted",
                        "Closed - Converted",
                        "Closed - Not Converted",
                    ],
                    false,
                )
                .default("Open - Not Contacted")
                .label("Lead Status"),
        )
        .with(FieldDef::new("LeadSource", T::Picklist).values(LEAD_SOURCES, false))
        .with(
            FieldDef::new("IsConverted", T::Boolean)
                .read_only()
                .label("Converted"),
        );
    address(o, "").owner().audit()
}

/// Task and Event share Subject, polymorphic Who/What, Description, Owner; they are children
/// of other objects for permissions: FieldPermissions yes, ObjectPermissions no (salesforce.md §H.Q3).
fn activity(name: &str, key_prefix: &str) -> ObjectDef {
    let mut o = ObjectDef::new(name, key_prefix)
        .with(FieldDef::new("Subject", T::Picklist).values(&["Call", "Email", "Meeting"], false))
        .with(lookup("WhoId", &["Contact", "Lead"], "Who").label("Name ID"))
        .with(lookup("WhatId", &["Account", "Opportunity", "Case"], "What").label("Related To ID"))
        .with(FieldDef::new("Description", T::TextArea).label("Comments"))
        .owner();
    o.field_permissionable = true;
    o
}
