//! Custom objects: `Invoice__c` with its master-detail child `Invoice_Line__c`, `Shipment__c`,
//! the custom setting `Integration_Settings__c` (salesforce.md §C.2: no ObjectPermissions) and
//! `Wide_Object__c` with about 800 fields for performance work, and `Subscription__c`.

use crate::schema::{lookup, master_detail, FieldDef, FieldType as T, ObjectDef};

/// Number of generated `Field_NNN__c` fields on `Wide_Object__c`.
pub const WIDE_FIELDS: usize = 800;

fn text_name(label: &str) -> FieldDef {
    // Custom text Name: not nillable but defaulted (the Id) when omitted; name fields are
    // not permissionable (salesforce.md §B.6).
    let mut f = FieldDef::new("Name", T::String)
        .len(80)
        .name_field()
        .label(label);
    f.nillable = false;
    f.defaulted_on_create = true;
    f.permissionable = false;
    f
}

/// The custom objects.
pub fn objects() -> Vec<ObjectDef> {
    vec![
        invoice(),
        invoice_line(),
        shipment(),
        settings(),
        wide(),
        subscription(),
    ]
}

/// A plain custom object with a few fields: the tenth grantable object of the generator's
/// `make bench` case (10 objects, 500 fields).
fn subscription() -> ObjectDef {
    ObjectDef::new("Subscription__c", "a05")
        .permissionable()
        .with(text_name("Subscription Name"))
        .with(lookup("Account__c", &["Account"], "Account__r").label("Account"))
        .with(FieldDef::new("Plan__c", T::Picklist).values(&["Basic", "Pro", "Enterprise"], false))
        .with(FieldDef::new("Seats__c", T::Double))
        .with(FieldDef::new("Renewal_Date__c", T::Date))
        .owner()
        .audit()
}

fn invoice() -> ObjectDef {
    ObjectDef::new("Invoice__c", "a00")
        .permissionable()
        .with(
            FieldDef::new("Name", T::String)
                .auto_number("INV-{0000}")
                .name_field()
                .not_permissionable()
                .label("Invoice Number"),
        )
        .with(lookup("Account__c", &["Account"], "Account__r").label("Account"))
        .with(FieldDef::new("Amount__c", T::Currency))
        .with(
            FieldDef::new("Status__c", T::Picklist)
                .values(&["Draft", "Sent", "Paid", "Void"], true)
                .default("Draft"),
        )
        .with(FieldDef::new("Due_Date__c", T::Date))
        .with(FieldDef::new("Tax__c", T::Currency).formula("Amount__c * 0.2"))
        .with(
            FieldDef::new("Line_Count__c", T::Double)
                .rollup()
                .label("Line Count"),
        )
        .with(FieldDef::new("Total__c", T::Currency).rollup())
        .with(FieldDef::new("Notes__c", T::TextArea).len(32_768))
        .with(
            FieldDef::new("Bank_Account__c", T::EncryptedString)
                .len(175)
                .label("Bank Account"),
        )
        .owner()
        .audit()
        .cascade_child("Invoice_Lines__r", "Invoice_Line__c", "Invoice__c")
        .child("Shipments__r", "Shipment__c", "Invoice__c")
}

fn invoice_line() -> ObjectDef {
    // A detail object has no owner (it inherits the master's sharing).
    ObjectDef::new("Invoice_Line__c", "a01")
        .permissionable()
        .with(text_name("Line Name"))
        .with(master_detail("Invoice__c", "Invoice__c", "Invoice__r").label("Invoice"))
        .with(FieldDef::new("Product__c", T::String).len(255))
        .with(FieldDef::new("Quantity__c", T::Double))
        .with(FieldDef::new("Unit_Price__c", T::Currency))
        .with(FieldDef::new("Line_Total__c", T::Currency).formula("Quantity__c * Unit_Price__c"))
        .audit()
}

fn shipment() -> ObjectDef {
    ObjectDef::new("Shipment__c", "a02")
        .permissionable()
        .with(text_name("Shipment Name"))
        .with(lookup("Invoice__c", &["Invoice__c"], "Invoice__r").label("Invoice"))
        .with(FieldDef::new("Carrier__c", T::Picklist).values(&["UPS", "FedEx", "DHL"], false))
        .with(
            FieldDef::new("Tracking_Number__c", T::String)
                .len(40)
                .external_id(),
        )
        .with(FieldDef::new("Shipped_Date__c", T::DateTime))
        .with(FieldDef::new("Delivered__c", T::Boolean))
        .owner()
        .audit()
}

fn settings() -> ObjectDef {
    let mut o = ObjectDef::new("Integration_Settings__c", "a03")
        .with(text_name("Name"))
        .with(
            lookup(
                "SetupOwnerId",
                &["Organization", "Profile", "User"],
                "SetupOwner",
            )
            .label("Location"),
        )
        .with(FieldDef::new("Endpoint__c", T::Url))
        .with(FieldDef::new("Timeout__c", T::Double))
        .with(FieldDef::new("Enabled__c", T::Boolean))
        .audit();
    // salesforce.md §C.2 / §H.Q3: custom settings take no ObjectPermissions.
    o.custom_setting = true;
    o
}

/// The type of generated field `i` (1-based): a repeating mix of types.
pub fn wide_field(i: usize) -> FieldDef {
    let name = format!("Field_{i:03}__c");
    let f = match i % 10 {
        0 => FieldDef::new(&name, T::String).len(255),
        1 => FieldDef::new(&name, T::Double),
        2 => FieldDef::new(&name, T::Boolean),
        3 => FieldDef::new(&name, T::Date),
        4 => FieldDef::new(&name, T::Picklist).values(&["Alpha", "Beta", "Gamma"], false),
        5 => FieldDef::new(&name, T::Currency),
        6 => FieldDef::new(&name, T::TextArea).len(1000),
        7 => FieldDef::new(&name, T::Double).formula(&format!("Field_{:03}__c * 2", i - 6)),
        8 => FieldDef::new(&name, T::Email),
        _ => FieldDef::new(&name, T::DateTime),
    };
    f.label(&format!("Field {i:03}"))
}

fn wide() -> ObjectDef {
    let mut o = ObjectDef::new("Wide_Object__c", "a04")
        .permissionable()
        .with(text_name("Wide Object Name"));
    for i in 1..=WIDE_FIELDS {
        o = o.with(wide_field(i));
    }
    o.owner().audit()
}
