//! The business-data half of the seed: accounts with addresses, contacts, opportunities,
//! cases, leads, activities, invoices with lines, shipments, the org-default custom setting
//! and a few wide records — deterministic, with hostile text where pages must escape it.

use crate::catalog::custom::WIDE_FIELDS;
use crate::store::{Store, StoreError, Value};

const ACCOUNTS: &[(&str, &str, &str, &str)] = &[
    ("Globex Corporation", "Technology", "Springfield", "US"),
    ("Initech", "Technology", "Austin", "US"),
    (
        "Umbrella Corporation",
        "Manufacturing",
        "Raccoon City",
        "US",
    ),
    ("Stark Industries", "Manufacturing", "New York", "US"),
    ("Wayne Enterprises", "Banking", "Gotham", "US"),
    ("Tyrell Corporation", "Technology", "Los Angeles", "US"),
    ("Soylent Corp", "Retail", "Chicago", "US"),
    ("Müller & Söhne GmbH", "Retail", "München", "DE"),
    ("<b>Bold</b> & \"Quoted\" Ltd", "Other", "London", "GB"),
    ("Cyberdyne Systems", "Technology", "Sunnyvale", "US"),
    ("Oceanic Airlines", "Other", "Sydney", "AU"),
    ("Aperture Science", "Technology", "Cleveland", "US"),
];

const FIRST: &[&str] = &["Ann", "Bob", "Chen", "Dana", "Eve", "Femi", "Gus", "Hana"];
const LAST: &[&str] = &[
    "Smith", "Jones", "Wu", "O'Neil", "García", "Okafor", "Berg", "Sato",
];

fn ins(store: &mut Store, object: &str, values: &[(&str, Value)]) -> Result<String, StoreError> {
    store.insert(object, values)
}

/// Seeds the business data.
pub fn seed(store: &mut Store) -> Result<(), StoreError> {
    let mut accounts = Vec::new();
    for (i, (name, industry, city, country)) in ACCOUNTS.iter().enumerate() {
        let id = ins(
            store,
            "Account",
            &[
                ("Name", Value::text(*name)),
                ("Industry", Value::text(*industry)),
                (
                    "Type",
                    Value::text(if i % 3 == 0 {
                        "Prospect"
                    } else {
                        "Customer - Direct"
                    }),
                ),
                ("AccountNumber", Value::text(format!("ACC-{:04}", i + 1))),
                ("Phone", Value::text(format!("+1 555 01{i:02}"))),
                (
                    "BillingStreet",
                    Value::text(format!("{} Main Street", 100 + i)),
                ),
                ("BillingCity", Value::text(*city)),
                ("BillingCountry", Value::text(*country)),
                (
                    "BillingPostalCode",
                    Value::text(format!("{:05}", 10_000 + i * 7)),
                ),
                (
                    "AnnualRevenue",
                    Value::Double(1_000_000.0 * (i as f64 + 1.0)),
                ),
                (
                    "NumberOfEmployees",
                    Value::Int(50 * (i64::try_from(i).unwrap_or(0) + 1)),
                ),
            ],
        )?;
        accounts.push(id);
    }
    let mut contacts = Vec::new();
    for (i, acc) in accounts.iter().enumerate().take(8) {
        for j in 0..2 {
            let k = (i * 2 + j) % FIRST.len();
            let first = FIRST[k];
            let last = LAST[(i + j) % LAST.len()];
            let id = ins(
                store,
                "Contact",
                &[
                    ("FirstName", Value::text(first)),
                    ("LastName", Value::text(last)),
                    ("Name", Value::text(format!("{first} {last}"))),
                    ("AccountId", Value::text(acc.clone())),
                    (
                        "Email",
                        Value::text(format!(
                            "{}.{}@example.com",
                            first.to_lowercase(),
                            i * 2 + j
                        )),
                    ),
                    ("Title", Value::text(if j == 0 { "CFO" } else { "Buyer" })),
                    ("MailingCity", Value::text(ACCOUNTS[i].2)),
                ],
            )?;
            contacts.push(id);
        }
    }
    for (i, acc) in accounts.iter().enumerate().take(8) {
        let stage = [
            "Prospecting",
            "Qualification",
            "Closed Won",
            "Negotiation/Review",
        ][i % 4];
        ins(
            store,
            "Opportunity",
            &[
                ("Name", Value::text(format!("{} renewal", ACCOUNTS[i].0))),
                ("AccountId", Value::text(acc.clone())),
                ("StageName", Value::text(stage)),
                (
                    "CloseDate",
                    Value::text(format!("2026-{:02}-15", i % 12 + 1)),
                ),
                ("Amount", Value::Double(25_000.0 * (i as f64 + 1.0))),
                (
                    "Probability",
                    Value::Double(if stage == "Closed Won" { 100.0 } else { 20.0 }),
                ),
                ("IsClosed", Value::Bool(stage == "Closed Won")),
                ("IsWon", Value::Bool(stage == "Closed Won")),
            ],
        )?;
    }
    for i in 0..5 {
        let n = store.next_auto_number("Case", "CaseNumber", "{00000000}");
        ins(
            store,
            "Case",
            &[
                ("CaseNumber", Value::text(n)),
                (
                    "Subject",
                    Value::text(format!("Invoice question #{}", i + 1)),
                ),
                ("Status", Value::text(if i == 4 { "Closed" } else { "New" })),
                ("Priority", Value::text("Medium")),
                ("AccountId", Value::text(accounts[i].clone())),
                ("ContactId", Value::text(contacts[i * 2].clone())),
                ("IsClosed", Value::Bool(i == 4)),
            ],
        )?;
    }
    for i in 0..6 {
        let first = FIRST[(i + 3) % FIRST.len()];
        let last = LAST[(i + 5) % LAST.len()];
        ins(
            store,
            "Lead",
            &[
                ("FirstName", Value::text(first)),
                ("LastName", Value::text(last)),
                ("Name", Value::text(format!("{first} {last}"))),
                ("Company", Value::text(format!("Prospect {}", i + 1))),
                ("Status", Value::text("Open - Not Contacted")),
                ("City", Value::text("Denver")),
            ],
        )?;
    }
    for i in 0..4 {
        ins(
            store,
            "Task",
            &[
                ("Subject", Value::text("Call")),
                ("Status", Value::text("Not Started")),
                ("Priority", Value::text("Normal")),
                ("WhoId", Value::text(contacts[i].clone())),
                ("WhatId", Value::text(accounts[i / 2].clone())),
                ("ActivityDate", Value::text("2026-05-01")),
            ],
        )?;
    }
    for i in 0..2i64 {
        let acc = accounts[usize::try_from(i).unwrap_or(0)].clone();
        ins(
            store,
            "Event",
            &[
                ("Subject", Value::text("Meeting")),
                ("WhatId", Value::text(acc)),
                (
                    "StartDateTime",
                    Value::DateTime(1_777_626_000_000 + i * 86_400_000),
                ),
                (
                    "EndDateTime",
                    Value::DateTime(1_777_629_600_000 + i * 86_400_000),
                ),
                ("DurationInMinutes", Value::Int(60)),
            ],
        )?;
    }
    let mut invoices = Vec::new();
    for i in 0..5 {
        let n = store.next_auto_number("Invoice__c", "Name", "INV-{0000}");
        let amount = 1000.0 * (i as f64 + 1.0);
        let id = ins(
            store,
            "Invoice__c",
            &[
                ("Name", Value::text(n)),
                ("Account__c", Value::text(accounts[i].clone())),
                ("Amount__c", Value::Double(amount)),
                (
                    "Status__c",
                    Value::text(["Draft", "Sent", "Paid", "Paid", "Void"][i]),
                ),
                ("Due_Date__c", Value::text(format!("2026-06-{:02}", i + 1))),
                ("Tax__c", Value::Double(amount * 0.2)),
                ("Line_Count__c", Value::Double(2.0)),
                ("Total__c", Value::Double(amount)),
                (
                    "Bank_Account__c",
                    Value::text(format!("DE89 3704 0044 0532 0130 0{i}")),
                ),
            ],
        )?;
        for j in 0..2 {
            ins(
                store,
                "Invoice_Line__c",
                &[
                    ("Name", Value::text(format!("Line {}", j + 1))),
                    ("Invoice__c", Value::text(id.clone())),
                    ("Product__c", Value::text(["Widget", "Gadget"][j])),
                    ("Quantity__c", Value::Double(1.0 + j as f64)),
                    ("Unit_Price__c", Value::Double(amount / 3.0)),
                    (
                        "Line_Total__c",
                        Value::Double(amount / 3.0 * (1.0 + j as f64)),
                    ),
                ],
            )?;
        }
        invoices.push(id);
    }
    for (i, inv) in invoices.iter().enumerate().take(3) {
        ins(
            store,
            "Shipment__c",
            &[
                ("Name", Value::text(format!("SHP-{}", i + 1))),
                ("Invoice__c", Value::text(inv.clone())),
                ("Carrier__c", Value::text(["UPS", "FedEx", "DHL"][i])),
                (
                    "Tracking_Number__c",
                    Value::text(format!("1Z999AA1012345678{i}")),
                ),
                ("Delivered__c", Value::Bool(i == 0)),
            ],
        )?;
    }
    let org = store
        .records("Organization")
        .first()
        .map(|o| o.id.clone())
        .unwrap_or_default();
    ins(
        store,
        "Integration_Settings__c",
        &[
            ("Name", Value::text("Default")),
            ("SetupOwnerId", Value::text(org)),
            ("Endpoint__c", Value::text("https://erp.example.com/api")),
            ("Timeout__c", Value::Double(30.0)),
            ("Enabled__c", Value::Bool(true)),
        ],
    )?;
    for r in 0..3 {
        let mut values: Vec<(String, Value)> =
            vec![("Name".into(), Value::text(format!("Wide {}", r + 1)))];
        for i in (1..=WIDE_FIELDS).step_by(10) {
            values.push((
                format!("Field_{i:03}__c"),
                Value::Double(f64::from(u32::try_from(i + r).unwrap_or(0))),
            ));
            values.push((
                format!("Field_{:03}__c", i + 9),
                Value::text(format!("text {i}")),
            ));
        }
        let refs: Vec<(&str, Value)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        ins(store, "Wide_Object__c", &refs)?;
    }
    Ok(())
}
