//! The core's request handler, natively, against the running simulated org: real login cookies,
//! real HTTPS, the same router the extension runs as WebAssembly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/mod.rs"]
mod support;

use forcefield::protocol::org::{
    GetOrgStatus, OrgEnabled, OrgStatus, PageLoaded, PageVerdict, SetOrgEnabled, Surface,
};
use forcefield::protocol::{ContentRequest, Reply};
use forcefield::salesforce::{ApiErrorKind, ApiVersion, Client, DomainKind};
use org_sim::SimConfig;
use support::World;

const ACME_SETUP_HOME: &str =
    "https://acme.my.salesforce-setup.com/lightning/setup/SetupOneHome/home";
const ACME_CLASSIC_FRAME: &str =
    "https://acme.my.salesforce-setup.com/setup/forcecomHomepage.apexp?isdtp=p1";
const UAT_SETUP_HOME: &str =
    "https://acme--uat.sandbox.lightning.force.com/lightning/setup/SetupOneHome/home";

/// The popup's question for the tab at `tab_url`.
fn status(world: &World, tab_url: &str) -> OrgStatus {
    world
        .ask(GetOrgStatus {
            tab_url: tab_url.to_owned(),
        })
        .unwrap_or_else(|failed| panic!("unexpected failure {failed:?}"))
}
#[test]
fn login_sets_a_cookie_on_every_org_host() {
    let world = World::start(SimConfig::default());
    let hosts: Vec<&str> = world.jar.0.keys().map(String::as_str).collect();
    for host in [
        "acme.my.salesforce.com",
        "acme.lightning.force.com",
        "acme.my.salesforce-setup.com",
        "acme--uat.sandbox.my.salesforce.com",
    ] {
        assert!(hosts.contains(&host), "{host} in {hosts:?}");
    }
}

#[test]
fn org_status_names_the_org_and_the_logged_in_user() {
    let world = World::start(SimConfig::default());
    match status(&world, ACME_SETUP_HOME) {
        OrgStatus::Connected {
            org_id,
            org_name,
            my_domain,
            api_host,
            kind,
            api_version,
            user_name,
            username,
            enabled,
            settings_problem,
            set_aside,
        } => {
            assert_eq!(settings_problem, None);
            assert!(set_aside.is_empty());
            assert_eq!(org_id.as_str(), "00DAM0000000001");
            assert_eq!(org_name, "Acme Corp");
            assert_eq!(my_domain.map(|d| d.name), Some("acme".to_owned()));
            assert_eq!(api_host, "acme.my.salesforce.com");
            assert_eq!(kind, DomainKind::Production);
            assert_eq!(api_version, ApiVersion::new(66));
            assert_eq!(user_name, "Ada Lovelace");
            assert_eq!(username, "admin@acme.example");
            assert!(enabled);
        }
        other => panic!("not connected: {other:?}"),
    }
    let log = world.sim.request_log();
    let api: Vec<_> = log
        .iter()
        .filter(|r| r.path.starts_with("/services/"))
        .collect();
    assert!(
        api.iter().all(|r| r.host == "acme.my.salesforce.com"),
        "{api:?}"
    );
}

#[test]
fn each_org_uses_its_own_highest_supported_version_read_once() {
    let config = SimConfig {
        prod_api_version: "65.0".into(),
        ..SimConfig::default()
    };
    let world = World::start(config);
    let version_of = |status: OrgStatus| match status {
        OrgStatus::Connected {
            api_version, kind, ..
        } => (api_version, kind),
        other => panic!("not connected: {other:?}"),
    };
    assert_eq!(
        version_of(status(&world, ACME_SETUP_HOME)),
        (ApiVersion::new(65), DomainKind::Production)
    );
    assert_eq!(
        version_of(status(&world, UAT_SETUP_HOME)),
        (ApiVersion::new(66), DomainKind::Sandbox)
    );
    let discoveries = || {
        world
            .sim
            .request_log()
            .iter()
            .filter(|r| r.path == "/services/data/")
            .count()
    };
    assert_eq!(discoveries(), 2);
    let before = world.api_calls().len();
    status(&world, ACME_SETUP_HOME);
    assert_eq!(discoveries(), 2, "the version is cached per org");
    assert_eq!(
        world.api_calls().len() - before,
        2,
        "a warm status costs userinfo + one query"
    );
}

#[test]
fn an_expired_session_is_reported_as_such() {
    let world = World::start(SimConfig::default());
    world.sim.expire_sessions();
    match status(&world, ACME_SETUP_HOME) {
        OrgStatus::Unavailable {
            reason,
            error_kind,
            org_id,
        } => {
            assert_eq!(error_kind, Some(ApiErrorKind::SessionExpired));
            assert!(reason.contains("Reload the Salesforce tab"), "{reason}");
            assert_eq!(
                org_id.map(|o| o.as_str().to_owned()),
                Some("00DAM0000000001".to_owned())
            );
        }
        other => panic!("should be unavailable: {other:?}"),
    }
}

#[test]
fn query_follows_every_page() {
    let world = World::start(SimConfig {
        query_page_size: 3,
        ..SimConfig::default()
    });
    let session = pollster::block_on(forcefield::salesforce::find_session(
        &world.jar,
        ACME_SETUP_HOME,
    ))
    .unwrap();
    let client = Client::new(&world.transport, &session, ApiVersion::new(66));
    #[derive(serde::Deserialize)]
    struct User {
        #[serde(rename = "Username")]
        username: String,
    }
    let users: Vec<User> =
        pollster::block_on(client.query("SELECT Username FROM User ORDER BY Username")).unwrap();
    assert!(
        users.len() > 6,
        "more than two pages of users: {}",
        users.len()
    );
    let mut sorted: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        users.len(),
        "no user twice, none lost between pages"
    );
    let pages = world
        .sim
        .request_log()
        .iter()
        .filter(|r| r.path.contains("/query"))
        .count();
    assert_eq!(pages, users.len().div_ceil(3));
}

#[test]
fn the_per_org_switch_only_affects_that_org() {
    let world = World::start(SimConfig::default());
    let verdict = |url: &str| {
        let PageVerdict { enhance, org_id } = world
            .ask_from(
                PageLoaded {
                    surface: Surface::ClassicSetup,
                },
                url,
            )
            .unwrap_or_else(|failed| panic!("unexpected failure {failed:?}"));
        (enhance, org_id.map(|o| o.as_str().to_owned()))
    };
    assert_eq!(
        verdict(ACME_CLASSIC_FRAME),
        (true, Some("00DAM0000000001".to_owned()))
    );
    let acme = forcefield::salesforce::OrgId::parse("00DAM0000000001").unwrap();
    assert_eq!(
        world.ask(SetOrgEnabled {
            org_id: acme.clone(),
            enabled: false
        }),
        Ok(OrgEnabled {
            org_id: acme,
            enabled: false
        })
    );
    assert_eq!(
        verdict(ACME_CLASSIC_FRAME),
        (false, Some("00DAM0000000001".to_owned()))
    );
    assert_eq!(
        verdict(UAT_SETUP_HOME),
        (true, Some("00DAM0000000002".to_owned()))
    );
    assert_eq!(verdict("https://example.com/"), (false, None));
    assert_eq!(
        world.api_calls().len(),
        0,
        "page verdicts never call the API"
    );
}

#[test]
fn requests_are_plain_json_the_content_script_can_send() {
    let request: ContentRequest = forcefield::protocol::decode(
        serde_json::from_str(r#"{"type":"pageLoaded","surface":"classicSetup"}"#).unwrap(),
    )
    .unwrap();
    assert_eq!(
        request,
        ContentRequest::from(PageLoaded {
            surface: Surface::ClassicSetup
        })
    );
    let reply = serde_json::to_value(Reply::from(PageVerdict {
        enhance: true,
        org_id: None,
    }))
    .unwrap();
    assert_eq!(
        reply,
        serde_json::json!({"type": "pageVerdict", "enhance": true, "orgId": null})
    );
}

#[test]
fn an_api_redirect_is_a_typed_error_and_the_token_never_leaves_the_api_host() {
    let world = World::start(SimConfig::default());
    let elsewhere = "https://collector.attacker.example/services/oauth2/userinfo";
    world.sim.add_fault(org_sim::Fault::redirect(
        "GET",
        "/services/oauth2/userinfo",
        elsewhere,
    ));
    match status(&world, ACME_SETUP_HOME) {
        OrgStatus::Unavailable {
            reason, error_kind, ..
        } => {
            assert_eq!(error_kind, Some(ApiErrorKind::Redirected));
            assert!(reason.contains("answered with a redirect"), "{reason}");
        }
        other => panic!("should be unavailable: {other:?}"),
    }
    let log = world.sim.request_log();
    let redirected: Vec<_> = log
        .iter()
        .filter(|r| r.path == "/services/oauth2/userinfo")
        .map(|r| (r.host.as_str(), r.status))
        .collect();
    assert_eq!(redirected, [("acme.my.salesforce.com", 302)]);
    assert!(
        log.iter().all(|r| r.host != "collector.attacker.example"),
        "the other host got nothing: {log:?}"
    );
    // Once the API host answers again, so does Forcefield.
    assert!(matches!(
        status(&world, ACME_SETUP_HOME),
        OrgStatus::Connected { .. }
    ));
}
