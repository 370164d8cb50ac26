//! The seed: one declarative description of the simulated orgs, their licenses, profiles and
//! users, turned into deterministic records (same Ids on every start and every reset).

use std::sync::Arc;

use crate::config::SimConfig;
use crate::ids::{self, IdAllocator};
use crate::schema::Schema;
use crate::store::{Store, StoreError, Value};

/// License names (salesforce.md §C.7).
pub const LICENSE_SALESFORCE: &str = "Salesforce";
/// The integration user license (salesforce.md §C.7).
pub const LICENSE_INTEGRATION: &str = "Salesforce Integration";

/// Profile names and their license (salesforce.md §C.7: the two API-only profiles sit on the
/// Salesforce Integration license; the second is deprecated but still present in older orgs).
pub const PROFILES: &[(&str, &str)] = &[
    ("System Administrator", LICENSE_SALESFORCE),
    ("Standard User", LICENSE_SALESFORCE),
    (
        "Minimum Access - API Only Integrations",
        LICENSE_INTEGRATION,
    ),
    (
        "Salesforce API Only System Integrations",
        LICENSE_INTEGRATION,
    ),
];

const ADMIN: &str = "System Administrator";
const STANDARD: &str = "Standard User";
const API_ONLY: &str = "Minimum Access - API Only Integrations";
const API_ONLY_OLD: &str = "Salesforce API Only System Integrations";

/// One seeded user.
#[derive(Debug, Clone, Copy)]
pub struct UserSeed {
    /// First name (may be absent, as in real orgs).
    pub first: Option<&'static str>,
    /// Last name.
    pub last: &'static str,
    /// Username (unique across all orgs).
    pub username: &'static str,
    /// Profile name (one of [`PROFILES`]).
    pub profile: &'static str,
    /// `IsActive`.
    pub active: bool,
}

const fn user(
    first: &'static str,
    last: &'static str,
    username: &'static str,
    profile: &'static str,
) -> UserSeed {
    UserSeed {
        first: Some(first),
        last,
        username,
        profile,
        active: true,
    }
}

const fn inactive(u: UserSeed) -> UserSeed {
    UserSeed { active: false, ..u }
}

/// One seeded org.
#[derive(Debug, Clone, Copy)]
pub struct OrgSeed {
    /// My Domain name (`acme`, `acme--uat`); hosts derive from it (salesforce.md §A.6).
    pub name: &'static str,
    /// Organization.Name.
    pub display_name: &'static str,
    /// 15-char Organization Id.
    pub org_id15: &'static str,
    /// Organization.IsSandbox.
    pub sandbox: bool,
    /// Organization.InstanceName.
    pub instance: &'static str,
    /// Organization.OrganizationType.
    pub edition: &'static str,
    /// Character that keeps this org's record Ids apart from other orgs'.
    pub id_space: char,
    /// Users; the first is the default login user.
    pub users: &'static [UserSeed],
}

const ACME_USERS: &[UserSeed] = &[
    user("Ada", "Lovelace", "admin@acme.example", ADMIN),
    user("Grace", "Hopper", "grace.hopper@acme.example", ADMIN),
    user("Alan", "Turing", "alan.turing@acme.example", STANDARD),
    user(
        "Margaret",
        "Hamilton",
        "margaret.hamilton@acme.example",
        STANDARD,
    ),
    user(
        "Katherine",
        "Johnson",
        "katherine.johnson@acme.example",
        STANDARD,
    ),
    user("Dennis", "Ritchie", "dennis.ritchie@acme.example", STANDARD),
    user("Barbara", "Liskov", "barbara.liskov@acme.example", STANDARD),
    user("Donald", "Knuth", "donald.knuth@acme.example", STANDARD),
    user("Frances", "Allen", "frances.allen@acme.example", STANDARD),
    user(
        "Edsger",
        "Dijkstra",
        "edsger.dijkstra@acme.example",
        STANDARD,
    ),
    user("Radia", "Perlman", "radia.perlman@acme.example", STANDARD),
    user("Ken", "Thompson", "ken.thompson@acme.example", STANDARD),
    user("Hedy", "Lamarr", "hedy.lamarr@acme.example", STANDARD),
    user("John", "Backus", "john.backus@acme.example", STANDARD),
    user("Annie", "Easley", "annie.easley@acme.example", STANDARD),
    user(
        "Tim",
        "Berners-Lee",
        "tim.bernerslee@acme.example",
        STANDARD,
    ),
    user("Sophie", "Wilson", "sophie.wilson@acme.example", STANDARD),
    user("Linus", "Torvalds", "linus.torvalds@acme.example", STANDARD),
    inactive(user("Jean", "Bartik", "jean.bartik@acme.example", STANDARD)),
    inactive(user(
        "Charles",
        "Babbage",
        "charles.babbage@acme.example",
        STANDARD,
    )),
    user(
        "Mary",
        "Kenneth Keller",
        "mary.keller@acme.example",
        STANDARD,
    ),
    // Integration users (salesforce.md §C.7): API-only profile on the Salesforce Integration license.
    user(
        "NetSuite",
        "Integration",
        "int-netsuite@acme.example",
        API_ONLY,
    ),
    user(
        "Marketo",
        "Integration",
        "int-marketo@acme.example",
        API_ONLY,
    ),
    inactive(user(
        "Legacy ERP",
        "Integration",
        "int-legacy-erp@acme.example",
        API_ONLY,
    )),
    // On the deprecated profile, still present in older orgs (salesforce.md §C.7).
    user(
        "Data Sync",
        "Integration",
        "int-datasync@acme.example",
        API_ONLY_OLD,
    ),
    // Integration users in the remaining states (salesforce.md §C.7, §H.Q4): PSL but no permission
    // set; and one holding a permission set licensed "Salesforce" (assignment-invalid).
    user(
        "Tableau",
        "Integration",
        "int-tableau@acme.example",
        API_ONLY,
    ),
    user("Zapier", "Integration", "int-zapier@acme.example", API_ONLY),
    // Hostile and non-ASCII names: every page must escape org data.
    UserSeed {
        first: None,
        last: "<img src=x onerror=alert(1)>",
        username: "xss@acme.example",
        profile: STANDARD,
        active: true,
    },
    user("O'Brien", "\"Ops\"", "obrien.ops@acme.example", STANDARD),
    user(
        "Zoë",
        "Łukasiewicz",
        "zoe.lukasiewicz@acme.example",
        STANDARD,
    ),
];

const UAT_USERS: &[UserSeed] = &[
    user("Ada", "Lovelace (UAT)", "admin@acme.example.uat", ADMIN),
    user("Alan", "Turing", "alan.turing@acme.example.uat", STANDARD),
    user(
        "Margaret",
        "Hamilton",
        "margaret.hamilton@acme.example.uat",
        STANDARD,
    ),
    inactive(user(
        "Jean",
        "Bartik",
        "jean.bartik@acme.example.uat",
        STANDARD,
    )),
    user(
        "NetSuite",
        "Integration",
        "int-netsuite@acme.example.uat",
        API_ONLY,
    ),
];

/// The seeded orgs (salesforce.md §A.6 host formats; `acme--uat` is an enhanced-domain sandbox).
pub const ORGS: &[OrgSeed] = &[
    OrgSeed {
        name: "acme",
        display_name: "Acme Corp",
        org_id15: "00DAM0000000001",
        sandbox: false,
        instance: "NA224",
        edition: "Enterprise Edition",
        id_space: '0',
        users: ACME_USERS,
    },
    OrgSeed {
        name: "acme--uat",
        display_name: "Acme Corp (UAT)",
        org_id15: "00DAM0000000002",
        sandbox: true,
        instance: "CS224",
        edition: "Enterprise Edition",
        id_space: '1',
        users: UAT_USERS,
    },
];

/// Fixed clock of the seed: 2023-03-01T09:00:00Z.
pub const SEED_EPOCH_MS: i64 = 1_677_661_200_000;
const DAY_MS: i64 = 86_400_000;

/// Builds the store of one org from its seed.
pub fn build_store(seed: &OrgSeed, config: &SimConfig) -> Result<Store, StoreError> {
    let mut store = Store::new(
        Arc::new(Schema::standard()),
        IdAllocator::new("AM", seed.id_space),
    );
    store.insert_with_id(
        "Organization",
        seed.org_id15,
        &[
            ("Name", Value::text(seed.display_name)),
            ("IsSandbox", Value::Bool(seed.sandbox)),
            ("InstanceName", Value::text(seed.instance)),
            ("OrganizationType", Value::text(seed.edition)),
            ("TrialExpirationDate", Value::Null),
        ],
    )?;
    let mut licenses = Vec::new();
    for (name, key, total) in [
        // "SFDC" is the key of the full Salesforce license.
        (LICENSE_SALESFORCE, "SFDC".to_owned(), 100),
        // 5 free Integration licenses in EE/UE/PE (salesforce.md §C.7); key is [U].
        (
            LICENSE_INTEGRATION,
            config.integration_license_key.clone(),
            5,
        ),
    ] {
        let id = store.insert(
            "UserLicense",
            &[
                ("Name", Value::text(name)),
                ("MasterLabel", Value::text(name)),
                ("LicenseDefinitionKey", Value::text(key)),
                ("Status", Value::text("Active")),
                ("TotalLicenses", Value::Int(total)),
                ("UsedLicenses", Value::Int(0)),
            ],
        )?;
        licenses.push((name, id));
    }
    let license_id = |name: &str| {
        licenses
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, id)| id.clone())
    };
    let mut profiles = Vec::new();
    for (name, license) in PROFILES {
        let lic = license_id(license).map_or(Value::Null, Value::Text);
        let id = store.insert(
            "Profile",
            &[("Name", Value::text(*name)), ("UserLicenseId", lic)],
        )?;
        profiles.push((*name, *license, id));
    }
    let mut used = [0i64; 2];
    for (i, u) in seed.users.iter().enumerate() {
        let (profile_id, license) = profiles
            .iter()
            .find(|(n, _, _)| *n == u.profile)
            .map(|(_, l, id)| (Value::text(id.clone()), *l))
            .unwrap_or((Value::Null, LICENSE_SALESFORCE));
        let integration = license == LICENSE_INTEGRATION;
        if u.active {
            used[usize::from(integration)] += 1;
        }
        let name = match u.first {
            Some(f) => format!("{f} {}", u.last),
            None => u.last.to_owned(),
        };
        let i = i64::try_from(i).unwrap_or(0);
        let user_type = if integration {
            config.integration_user_type.clone()
        } else {
            "Standard".to_owned()
        };
        store.insert(
            "User",
            &[
                ("TimeZoneSidKey", Value::text("America/Los_Angeles")),
                ("LocaleSidKey", Value::text("en_US")),
                ("EmailEncodingKey", Value::text("UTF-8")),
                ("LanguageLocaleKey", Value::text("en_US")),
                ("Username", Value::text(u.username)),
                ("Name", Value::text(name)),
                ("FirstName", u.first.map_or(Value::Null, Value::text)),
                ("LastName", Value::text(u.last)),
                ("Alias", Value::text(alias(u.first, u.last))),
                ("Email", Value::text(email(u.username))),
                ("IsActive", Value::Bool(u.active)),
                ("UserType", Value::text(user_type)),
                ("ProfileId", profile_id),
                ("CreatedDate", Value::DateTime(SEED_EPOCH_MS + i * DAY_MS)),
                (
                    "LastLoginDate",
                    if u.active {
                        // Spread over April 2026, deterministic.
                        Value::DateTime(SEED_EPOCH_MS + (1126 + i % 20) * DAY_MS + i * 3_600_000)
                    } else {
                        Value::Null
                    },
                ),
            ],
        )?;
    }
    for ((_, id), count) in licenses.iter().zip(used) {
        store.update(id, "UsedLicenses", Value::Int(count))?;
    }
    crate::record_types::seed_record_types(&mut store)?;
    crate::seed_perms::seed(&mut store, seed, config)?;
    crate::seed_data::seed(&mut store)?;
    // System audit fields of every seeded record (salesforce.md §B.6 CreatedById etc.).
    let admin = store
        .find_by(
            "User",
            "Username",
            seed.users.first().map_or("", |u| u.username),
        )
        .map(|u| u.id.clone())
        .unwrap_or_default();
    for (field, value) in [
        ("CreatedById", Value::text(admin.clone())),
        ("LastModifiedById", Value::text(admin.clone())),
        ("OwnerId", Value::text(admin)),
        ("CreatedDate", Value::DateTime(SEED_EPOCH_MS)),
        ("LastModifiedDate", Value::DateTime(SEED_EPOCH_MS)),
        ("SystemModstamp", Value::DateTime(SEED_EPOCH_MS)),
    ] {
        store.fill_missing(field, &value);
    }
    Ok(store)
}

/// Salesforce's default alias: first letter of the first name + first 4 of the last name,
/// letters only, lower-case, max 8 chars.
fn alias(first: Option<&str>, last: &str) -> String {
    let f: String = first
        .and_then(|f| f.chars().find(|c| c.is_alphanumeric()))
        .into_iter()
        .collect();
    let l: String = last
        .chars()
        .filter(|c| c.is_alphanumeric())
        .take(4)
        .collect();
    let a = format!("{f}{l}").to_lowercase();
    if a.is_empty() {
        "user".into()
    } else {
        a.chars().take(8).collect()
    }
}

/// Seed e-mail: the username without a sandbox suffix (sandbox copies append `.uat`).
fn email(username: &str) -> String {
    username.strip_suffix(".uat").unwrap_or(username).to_owned()
}

/// The 18-char Organization Id of a seed.
pub fn org_id18(seed: &OrgSeed) -> String {
    ids::to18(seed.org_id15).unwrap_or_else(|| seed.org_id15.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_is_consistent() {
        let cfg = SimConfig::default();
        for org in ORGS {
            let store = build_store(org, &cfg).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(store.records("User").len(), org.users.len());
            assert_eq!(store.records("Profile").len(), PROFILES.len());
            let org_rec = &store.records("Organization")[0];
            assert_eq!(org_rec.id, org_id18(org));
            assert_eq!(org_rec.flag("IsSandbox"), org.sandbox);
        }
        assert_eq!(org_id18(&ORGS[0]), "00DAM00000000012AA");
        let store = build_store(&ORGS[0], &cfg).unwrap_or_else(|e| panic!("{e}"));
        let int = store.find_by("UserLicense", "Name", LICENSE_INTEGRATION);
        // Five active integration users (the inactive one is not counted): all 5 used.
        assert_eq!(
            int.map(|r| r.get("UsedLicenses").clone()),
            Some(Value::Int(5))
        );
        assert_eq!(alias(Some("Ada"), "Lovelace"), "alove");
        assert_eq!(alias(None, "<img src=x onerror=alert(1)>"), "imgs");
    }
}
