//! The system permissions the generator offers for integration users, each with one line of
//! explanation and a risk flag. API Enabled is left out on purpose: the integration profile
//! already grants it and a PSL-licensed set doesn't even offer it (salesforce.md §H.Q5).

use super::view::Risk;

/// `(API name without "Permissions", explanation, risk)`.
pub const SYSTEM_PERMISSIONS: &[(&str, &str, Risk)] = &[
    (
        "PasswordNeverExpires",
        "The integration's password never expires, so a password policy can't break it overnight.",
        Risk::Medium,
    ),
    // salesforce.md §C.1: "Only users with the View Encrypted Data permission can see data in encrypted
    // custom text fields".
    (
        "ViewEncryptedData",
        "Reads encrypted custom text fields unmasked; without it they arrive masked.",
        Risk::High,
    ),
    (
        "ViewSetup",
        "Reads Setup and configuration, as deployment and monitoring tools need.",
        Risk::Medium,
    ),
    (
        "RunReports",
        "Runs reports, for integrations that read through the Reports API.",
        Risk::Low,
    ),
    (
        "ExportReport",
        "Exports report results in bulk.",
        Risk::Medium,
    ),
    (
        "EditTask",
        "Creates and edits tasks, for activity sync.",
        Risk::Low,
    ),
    (
        "EditEvent",
        "Creates and edits events, for calendar sync.",
        Risk::Low,
    ),
    (
        "ConvertLeads",
        "Converts leads to accounts, contacts and opportunities.",
        Risk::Low,
    ),
    (
        "ViewAllData",
        "Reads every record in the org, ignoring sharing: grant object View All instead where you can.",
        Risk::High,
    ),
    (
        "BulkApiHardDelete",
        "Bulk API deletes skip the Recycle Bin: deleted records can't be restored.",
        Risk::High,
    ),
    (
        "ModifyAllData",
        "Reads, edits and deletes every record and much of Setup: almost never right for an integration.",
        Risk::High,
    ),
];

/// Whether a name is on the curated list.
pub fn is_curated(name: &str) -> bool {
    SYSTEM_PERMISSIONS.iter().any(|(n, _, _)| *n == name)
}
