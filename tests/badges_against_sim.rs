//! Badges through the core's handler, natively, against the running simulated org: the seeded
//! integration users in every state, one query for a page of users, none on a cached revisit,
//! one clear message when the session has expired, and the profile photo write.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use forcefield::protocol::{Reply, Request};
use forcefield::salesforce::{
    ApiErrorKind, CookieJar, HttpRequest, HttpResponse, SidCookie, Transport,
};
use forcefield::service::{handle, Browser};
use forcefield::settings::{Area, KeyValueStore};
use forcefield::users::{UserBadge, UserIcon, WarningCode};
use org_sim::{RunningSim, SimConfig};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// The Classic Users list inside the Lightning Setup frame: the sender of `BadgeUsers`.
const USERS_FRAME: &str =
    "https://acme.my.salesforce-setup.com/005?isUserEntityOverride=1&setupid=ManageUsers&isdtp=p1";

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

    fn api_calls(&self) -> usize {
        self.sim
            .request_log()
            .iter()
            .filter(|r| r.path.starts_with("/services/"))
            .count()
    }
}

/// Every user of the acme org: 15-character Id (as the list links it) by username.
fn users(world: &World) -> BTreeMap<String, String> {
    let dump = world.sim.state_dump("acme");
    dump["User"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["Username"].as_str().unwrap().to_owned(),
                u["Id"].as_str().unwrap()[..15].to_owned(),
            )
        })
        .collect()
}

fn badge_users(
    world: &World,
    ids: &[String],
) -> (Vec<UserBadge>, Option<(Option<ApiErrorKind>, String)>) {
    match world.ask(
        Request::BadgeUsers {
            user_ids: ids.to_vec(),
        },
        Some(USERS_FRAME),
    ) {
        Reply::UserBadges { badges, error } => (badges, error.map(|e| (e.kind, e.message))),
        other => panic!("unexpected reply {other:?}"),
    }
}

fn queries(world: &World) -> usize {
    world
        .sim
        .request_log()
        .iter()
        .filter(|r| r.path.contains("/query"))
        .count()
}

#[test]
fn the_seeded_integration_users_get_exactly_their_warnings() {
    let world = World::start(SimConfig::default());
    let users = users(&world);
    let ids: Vec<String> = users.values().cloned().collect();
    let (badges, error) = badge_users(&world, &ids);
    assert_eq!(error, None);
    let by_username: BTreeMap<&str, &UserBadge> = badges
        .iter()
        .map(|b| {
            let username = users
                .iter()
                .find(|(_, id)| **id == b.user_id)
                .map(|(u, _)| u.as_str())
                .unwrap();
            (username, b)
        })
        .collect();
    let codes = |username: &str| -> Vec<WarningCode> {
        by_username[username]
            .warnings
            .iter()
            .map(|w| w.code)
            .collect()
    };
    let marked: Vec<&str> = by_username.keys().copied().collect();
    assert_eq!(
        marked,
        [
            "int-datasync@acme.example",
            "int-legacy-erp@acme.example",
            "int-marketo@acme.example",
            "int-netsuite@acme.example",
            "int-tableau@acme.example",
            "int-zapier@acme.example",
        ]
    );
    assert!(by_username.values().all(|b| b.integration));
    assert_eq!(codes("int-netsuite@acme.example"), []);
    assert_eq!(
        codes("int-marketo@acme.example"),
        [WarningCode::MissingIntegrationPsl]
    );
    assert_eq!(
        codes("int-tableau@acme.example"),
        [
            WarningCode::NoCustomPermissionSet,
            WarningCode::PasswordExpires
        ]
    );
    assert_eq!(
        codes("int-legacy-erp@acme.example"),
        [WarningCode::PasswordExpires, WarningCode::Inactive]
    );
    assert_eq!(
        codes("int-datasync@acme.example"),
        [
            WarningCode::MissingIntegrationPsl,
            WarningCode::NoCustomPermissionSet,
            WarningCode::PasswordExpires
        ]
    );
    assert_eq!(
        codes("int-zapier@acme.example"),
        [
            WarningCode::MissingIntegrationPsl,
            WarningCode::AssignmentWillFail,
            WarningCode::PasswordExpires
        ]
    );
    let zapier = by_username["int-zapier@acme.example"];
    assert!(
        zapier.warnings[1].message.contains("Sales Ops"),
        "{zapier:?}"
    );
    assert!(
        zapier.warnings[1]
            .message
            .contains("\u{201c}Salesforce\u{201d}"),
        "{zapier:?}"
    );
    // The deprecated profile is recognised by its license, and the reason names the profile.
    assert!(by_username["int-datasync@acme.example"].reasons[0]
        .contains("Salesforce API Only System Integrations"));
}

#[test]
fn one_query_badges_a_page_and_a_revisit_asks_nothing() {
    let world = World::start(SimConfig::default());
    let ids: Vec<String> = users(&world).values().cloned().collect();
    let before = world.api_calls();
    let (first, _) = badge_users(&world, &ids);
    assert_eq!(queries(&world), 1);
    let after_first = world.api_calls();
    // One call in all: the query goes out at the oldest supported version rather than waiting
    // for version discovery.
    assert_eq!(after_first - before, 1);
    let (again, _) = badge_users(&world, &ids);
    assert_eq!(world.api_calls(), after_first);
    assert_eq!(first, again);
}

#[test]
fn when_the_oldest_version_is_retired_the_version_is_discovered_and_the_query_retried() {
    let world = World::start(SimConfig::default());
    let ids: Vec<String> = users(&world).values().cloned().collect();
    world.sim.add_fault(org_sim::Fault {
        status: 404,
        error_code: "NOT_FOUND".into(),
        message: "The requested resource does not exist".into(),
        ..org_sim::Fault::matching(
            org_sim::FaultKind::Fail,
            "GET",
            "/services/data/v52.0/query*",
        )
    });
    let before = world.sim.request_log().len();
    let (badges, error) = badge_users(&world, &ids);
    assert_eq!(error, None);
    assert_eq!(badges.len(), 6);
    let paths: Vec<String> = world.sim.request_log()[before..]
        .iter()
        .map(|r| r.path.split('?').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/services/data/v52.0/query",
            "/services/data/",
            "/services/data/v66.0/query"
        ]
    );
}

#[test]
fn an_expired_session_gives_one_message_and_no_badge() {
    let world = World::start(SimConfig::default());
    let ids: Vec<String> = users(&world).values().cloned().collect();
    world.sim.expire_sessions();
    let (badges, error) = badge_users(&world, &ids);
    assert!(badges.is_empty());
    let (kind, message) = error.unwrap();
    assert_eq!(kind, Some(ApiErrorKind::SessionExpired));
    assert!(message.contains("session has expired"), "{message}");
}

#[test]
fn icons_are_kept_per_org_and_user_and_come_back_with_the_badge() {
    let world = World::start(SimConfig::default());
    let users = users(&world);
    let tableau = users["int-tableau@acme.example"].clone();
    let icon = UserIcon::emoji("\u{1f4ca}");
    let reply = world.ask(
        Request::SetUserIcon {
            user_id: tableau.clone(),
            icon: Some(icon.clone()),
        },
        Some(USERS_FRAME),
    );
    assert!(matches!(reply, Reply::UserIconSaved { .. }), "{reply:?}");
    let (badges, _) = badge_users(&world, std::slice::from_ref(&tableau));
    assert_eq!(badges[0].icon, Some(icon));
    // Kept in storage.local under the org, by the 18-character Id.
    let stored = world.storage.0.borrow();
    let kept = stored
        .get(&(true, "userIcons:00DAM0000000001".to_owned()))
        .unwrap();
    assert_eq!(kept.as_object().unwrap().len(), 1);
}

#[test]
fn use_as_profile_photo_uploads_a_file_and_sets_the_photo() {
    let world = World::start(SimConfig::default());
    let users = users(&world);
    let tableau = users["int-tableau@acme.example"].clone();
    // A 1×1 PNG.
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
    let before = world.api_calls();
    let reply = world.ask(
        Request::SetProfilePhoto {
            user_id: tableau.clone(),
            png_base64: png.into(),
        },
        Some(USERS_FRAME),
    );
    let Reply::ProfilePhotoSet { photo_url, .. } = reply else {
        panic!("unexpected reply {reply:?}");
    };
    let photo_url = photo_url.unwrap();
    assert!(photo_url.contains("/profilephoto/729"), "{photo_url}");
    let log = world.sim.request_log();
    let writes: Vec<_> = log[before..]
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(writes.len(), 2, "{writes:?}");
    assert!(writes[0].ends_with("/sobjects/ContentVersion"));
    assert!(writes[1].contains(&format!("/connect/user-profiles/{}", &tableau)));
    let dump = world.sim.state_dump("acme");
    let user = dump["User"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["Username"] == "int-tableau@acme.example")
        .unwrap();
    assert_eq!(user["SmallPhotoUrl"], serde_json::json!(photo_url));

    // Not a PNG: refused before any call.
    let calls = world.api_calls();
    let reply = world.ask(
        Request::SetProfilePhoto {
            user_id: tableau,
            png_base64: "R0lGODlhAQABAAAAACw=".into(),
        },
        Some(USERS_FRAME),
    );
    assert!(matches!(reply, Reply::Failed { .. }), "{reply:?}");
    assert_eq!(world.api_calls(), calls);
}
