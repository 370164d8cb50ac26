//! The `sf` plugin's own requests (src/cli/) through the core's page entry point against the
//! simulated org, as the plugin's Node host sends them: integration users listed past one page of
//! query results and checked by username or Id; a spec file read strictly; its objects and fields
//! checked against the org before anything is planned, with nothing written when one is unknown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/mod.rs"]
mod support;

use forcefield::cli::users::Verdict;
use forcefield::model::{FieldAccess, LicenseChoice, PermissionSetSpec};
use forcefield::protocol::cli::{
    CheckSpecNames, CheckUser, IntegrationUsers, ListIntegrationUsers, ReadSpec, SpecFits,
    SpecOutcome, UserCheck,
};
use forcefield::protocol::generator::LoadedSpec;
use org_sim::SimConfig;
use support::World;

const ACME: &str = "https://acme.my.salesforce.com";

fn check(world: &World, user: &str) -> UserCheck {
    world
        .ask(CheckUser {
            org_url: ACME.to_owned(),
            user: user.to_owned(),
        })
        .unwrap()
}

#[test]
fn users_are_listed_past_the_first_page_and_only_marked_ones_are_kept() {
    // Pages of 100 rows (Salesforce's can be up to 2,000, salesforce.md §B.1): 300 more users
    // than the seed make several pages without a slow test (the plugin's test reads 2,530).
    let world = World::start(SimConfig {
        extra_users: 300,
        query_page_size: 100,
        ..SimConfig::default()
    });
    let seeded = world.sim.state_dump("acme")["User"]
        .as_array()
        .unwrap()
        .len();
    let IntegrationUsers { users, scanned } = world
        .ask(ListIntegrationUsers {
            org_url: ACME.to_owned(),
        })
        .unwrap();
    assert_eq!(scanned, seeded);
    assert!(scanned > 300);
    let usernames: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
    assert!(
        usernames.contains(&"int-netsuite@acme.example"),
        "{usernames:?}"
    );
    assert!(
        !usernames.iter().any(|u| u.starts_with("user")),
        "{usernames:?}"
    );
    // Ordered by username, read through the query's locator (salesforce.md §B.1).
    let mut sorted = usernames.clone();
    sorted.sort_unstable();
    assert_eq!(usernames, sorted);
    let pages = world
        .api_calls()
        .iter()
        .filter(|call| call.path.contains("/query/01g"))
        .count();
    assert!(pages >= 3, "{pages} pages after the first");
}

#[test]
fn a_user_is_checked_by_username_or_id_and_each_verdict_is_told_apart() {
    let world = World::start(SimConfig::default());
    let netsuite = check(&world, "int-netsuite@acme.example");
    assert_eq!(netsuite.verdict, Verdict::Healthy);
    let netsuite = netsuite.user.unwrap();
    assert_eq!(
        netsuite.permission_set_licenses,
        ["SalesforceAPIIntegrationPsl"]
    );
    let by_id = check(&world, netsuite.id.get(..15).unwrap());
    assert_eq!(by_id.user.unwrap().username, "int-netsuite@acme.example");

    let marketo = check(&world, "int-marketo@acme.example");
    assert_eq!(marketo.verdict, Verdict::NeedsAttention);
    assert!(!marketo.user.unwrap().warnings.is_empty());
    assert_eq!(
        check(&world, "obrien.ops@acme.example").verdict,
        Verdict::NotIntegration
    );
    // A quote in what was typed is a value, never SOQL.
    assert_eq!(
        check(&world, "x' OR Username != 'y").verdict,
        Verdict::NotFound
    );
    assert!(check(&world, "nobody@acme.example").user.is_none());
}

#[test]
fn a_spec_file_is_read_strictly_and_its_license_settled() {
    let world = World::start(SimConfig::default());
    let read = |text: &str, license| {
        world
            .ask(ReadSpec {
                file_name: "specs/netsuite.json".to_owned(),
                text: text.to_owned(),
                license,
            })
            .unwrap()
    };
    let spec = r#"{"name": "Integration_NetSuite", "label": "NetSuite", "objects": {"Account": {"read": true}}}"#;
    match read(spec, Some(LicenseChoice::IntegrationPsl)) {
        SpecOutcome::Fits(LoadedSpec { spec, .. }) => {
            assert_eq!(spec.license, LicenseChoice::IntegrationPsl);
        }
        SpecOutcome::Refused(refused) => panic!("{}", refused.message),
    }
    match read(&spec.replace("objects", "objcts"), None) {
        SpecOutcome::Refused(refused) => {
            assert!(
                refused.message.contains("\"objcts\""),
                "{}",
                refused.message
            );
            assert!(refused.message.starts_with("The spec file netsuite.json"));
        }
        SpecOutcome::Fits(fits) => panic!("{fits:?}"),
    }
    assert!(
        world.api_calls().is_empty(),
        "reading a file asks the org nothing"
    );
}

#[test]
fn unknown_objects_and_fields_refuse_the_spec_before_anything_is_written() {
    let world = World::start(SimConfig::default());
    let mut spec = PermissionSetSpec {
        name: "Integration_NetSuite".to_owned(),
        label: "NetSuite".to_owned(),
        ..PermissionSetSpec::default()
    };
    spec.fields
        .insert("Account.Industry".to_owned(), FieldAccess::Read);
    let names = |spec: &PermissionSetSpec| {
        world
            .ask(CheckSpecNames {
                org_url: ACME.to_owned(),
                spec: spec.clone(),
            })
            .unwrap()
    };
    assert_eq!(names(&spec), SpecOutcome::Fits(SpecFits {}));
    spec.fields
        .insert("Account.Industri".to_owned(), FieldAccess::Read);
    spec.fields
        .insert("Acount.Name".to_owned(), FieldAccess::Read);
    match names(&spec) {
        SpecOutcome::Refused(refused) => {
            assert!(
                refused.message.contains("Account has no field Industri")
                    && refused.message.contains("The object Acount doesn't exist"),
                "{}",
                refused.message
            );
        }
        SpecOutcome::Fits(fits) => panic!("{fits:?}"),
    }
    assert!(world
        .api_calls()
        .iter()
        .all(|call| call.method == "GET" || call.path.ends_with("/composite")));
}
