//! The core's request handler, natively, against the running simulated org: real login cookies,
//! real HTTPS, the same `service::handle` the extension runs as WebAssembly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use forcefield::protocol::{OrgStatus, Reply, Request, Surface};
use forcefield::salesforce::{
    ApiErrorKind, ApiVersion, Client, CookieJar, DomainKind, HttpRequest, HttpResponse, SidCookie,
    Transport,
};
use forcefield::service::{handle, Browser};
use forcefield::settings::{Area, KeyValueStore};
use org_sim::{RunningSim, SimConfig};
use std::cell::RefCell;
use std::collections::BTreeMap;

const ACME_SETUP_HOME: &str =
    "https://acme.my.salesforce-setup.com/lightning/setup/SetupOneHome/home";
const ACME_CLASSIC_FRAME: &str =
    "https://acme.my.salesforce-setup.com/setup/forcecomHomepage.apexp?isdtp=p1";
const UAT_SETUP_HOME: &str =
    "https://acme--uat.sandbox.lightning.force.com/lightning/setup/SetupOneHome/home";

/// HTTPS through the sim's agent (trusts its certificate, resolves Salesforce hosts to it).
struct SimTransport(ureq::Agent);

impl Transport for SimTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, String> {
        let mut builder = ureq::http::Request::builder()
            .method(request.method.as_str())
            .uri(&request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let http_request = builder
            .body(request.body.unwrap_or_default())
            .map_err(|e| e.to_string())?;
        let mut response = self.0.run(http_request).map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| e.to_string())?;
        Ok(HttpResponse { status, body })
    }
}

/// The cookies a browser holds after logging in through the sim's real login redirects.
#[derive(Default)]
struct LoggedInJar(BTreeMap<String, String>);

impl LoggedInJar {
    fn log_in(&mut self, sim: &RunningSim, api_host: &str, username: &str, start: &str) {
        let agent = sim.agent();
        let mut url = format!(
            "https://{api_host}/__sim/login?username={}&startURL={}",
            urlencode(username),
            urlencode(start)
        );
        for _ in 0..10 {
            let response = agent
                .get(&url)
                .config()
                .max_redirects(0)
                .http_status_as_error(false)
                .build()
                .call()
                .unwrap();
            let host = url.split('/').nth(2).unwrap().to_owned();
            for cookie in response.headers().get_all("set-cookie") {
                let cookie = cookie.to_str().unwrap();
                if let Some(value) = cookie.strip_prefix("sid=") {
                    let value = value.split(';').next().unwrap();
                    self.0.insert(host.clone(), value.to_owned());
                }
            }
            match response.headers().get("location") {
                Some(next) if response.status().is_redirection() => {
                    let next = next.to_str().unwrap();
                    url = if next.starts_with('/') {
                        format!("https://{host}{next}")
                    } else {
                        next.to_owned()
                    };
                }
                _ => return,
            }
        }
        panic!("login did not settle");
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl CookieJar for LoggedInJar {
    async fn sid_for_url(&self, url: &str) -> Result<Option<SidCookie>, String> {
        let host = url.split('/').nth(2).unwrap_or_default();
        Ok(self.0.get(host).map(|value| SidCookie {
            domain: host.to_owned(),
            value: value.clone(),
        }))
    }
    async fn sids_on_domain(&self, domain: &str) -> Result<Vec<SidCookie>, String> {
        Ok(self
            .0
            .iter()
            .filter(|(host, _)| host.ends_with(&format!(".{domain}")))
            .map(|(host, value)| SidCookie {
                domain: host.clone(),
                value: value.clone(),
            })
            .collect())
    }
}

/// Extension storage, held in memory as the browser would hold it.
#[derive(Default)]
struct Storage(RefCell<BTreeMap<(bool, String), serde_json::Value>>);

impl KeyValueStore for Storage {
    async fn get(&self, area: Area, key: &str) -> Result<Option<serde_json::Value>, String> {
        Ok(self
            .0
            .borrow()
            .get(&(area == Area::Local, key.to_owned()))
            .cloned())
    }
    async fn set(&self, area: Area, key: &str, value: serde_json::Value) -> Result<(), String> {
        self.0
            .borrow_mut()
            .insert((area == Area::Local, key.to_owned()), value);
        Ok(())
    }
}

struct World {
    sim: RunningSim,
    jar: LoggedInJar,
    transport: SimTransport,
    storage: Storage,
}

impl World {
    fn start(config: SimConfig) -> Self {
        let sim = org_sim::start(config).unwrap();
        let mut jar = LoggedInJar::default();
        jar.log_in(
            &sim,
            "acme.my.salesforce.com",
            "admin@acme.example",
            "/lightning/setup/SetupOneHome/home",
        );
        jar.log_in(
            &sim,
            "acme--uat.sandbox.my.salesforce.com",
            "admin@acme.example.uat",
            "/lightning/setup/SetupOneHome/home",
        );
        let transport = SimTransport(sim.agent());
        Self {
            sim,
            jar,
            transport,
            storage: Storage::default(),
        }
    }

    fn ask(&self, request: Request, sender_url: Option<&str>) -> Reply {
        let browser = Browser {
            cookies: &self.jar,
            transport: &self.transport,
            store: &self.storage,
        };
        pollster::block_on(handle(&browser, request, sender_url))
    }

    fn status(&self, tab_url: &str) -> OrgStatus {
        match self.ask(
            Request::OrgStatus {
                tab_url: tab_url.to_owned(),
            },
            None,
        ) {
            Reply::OrgStatus(status) => status,
            other => panic!("unexpected reply {other:?}"),
        }
    }

    fn api_calls(&self) -> usize {
        self.sim
            .request_log()
            .iter()
            .filter(|r| r.path.starts_with("/services/"))
            .count()
    }
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
    match world.status(ACME_SETUP_HOME) {
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
        } => {
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
        version_of(world.status(ACME_SETUP_HOME)),
        (ApiVersion::new(65), DomainKind::Production)
    );
    assert_eq!(
        version_of(world.status(UAT_SETUP_HOME)),
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
    let before = world.api_calls();
    world.status(ACME_SETUP_HOME);
    assert_eq!(discoveries(), 2, "the version is cached per org");
    assert_eq!(
        world.api_calls() - before,
        2,
        "a warm status costs userinfo + one query"
    );
}

#[test]
fn an_expired_session_is_reported_as_such() {
    let world = World::start(SimConfig::default());
    world.sim.expire_sessions();
    match world.status(ACME_SETUP_HOME) {
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
    let verdict = |url: &str| match world.ask(
        Request::PageLoaded {
            surface: Surface::ClassicSetup,
        },
        Some(url),
    ) {
        Reply::PageVerdict { enhance, org_id } => (enhance, org_id.map(|o| o.as_str().to_owned())),
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(
        verdict(ACME_CLASSIC_FRAME),
        (true, Some("00DAM0000000001".to_owned()))
    );
    let acme = forcefield::salesforce::OrgId::parse("00DAM0000000001").unwrap();
    assert_eq!(
        world.ask(
            Request::SetOrgEnabled {
                org_id: acme.clone(),
                enabled: false
            },
            None
        ),
        Reply::OrgEnabled {
            org_id: acme,
            enabled: false
        }
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
    assert_eq!(world.api_calls(), 0, "page verdicts never call the API");
}

#[test]
fn requests_are_plain_json_the_content_script_can_send() {
    let request: Request =
        serde_json::from_str(r#"{"type":"pageLoaded","surface":"classicSetup"}"#).unwrap();
    assert_eq!(
        request,
        Request::PageLoaded {
            surface: Surface::ClassicSetup
        }
    );
    let reply = serde_json::to_value(Reply::PageVerdict {
        enhance: true,
        org_id: None,
    })
    .unwrap();
    assert_eq!(
        reply,
        serde_json::json!({"type": "pageVerdict", "enhance": true, "orgId": null})
    );
}
