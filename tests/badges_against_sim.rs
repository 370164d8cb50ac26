//! Badges through the core's handler, natively, against the running simulated org: the seeded
//! integration users in every state, one query for a page of users, none on a cached revisit,
//! one clear message when the session has expired, and the profile photo write.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/mod.rs"]
mod support;

use forcefield::platform::Area;
use forcefield::protocol::badges::{BadgeUsers, SetProfilePhoto, SetUserIcon};
use forcefield::salesforce::ApiErrorKind;
use forcefield::users::{UserBadge, UserIcon, WarningCode};
use org_sim::SimConfig;
use std::collections::BTreeMap;
use support::World;

/// The Classic Users list inside the Lightning Setup frame: the sender of `BadgeUsers`.
const USERS_FRAME: &str =
    "https://acme.my.salesforce-setup.com/005?isUserEntityOverride=1&setupid=ManageUsers&isdtp=p1";

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
    let reply = world
        .ask_from(
            BadgeUsers {
                user_ids: ids.to_vec(),
            },
            USERS_FRAME,
        )
        .unwrap_or_else(|failed| panic!("unexpected failure {failed:?}"));
    (reply.badges, reply.error.map(|e| (e.kind, e.message)))
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
    let before = world.api_calls().len();
    let (first, _) = badge_users(&world, &ids);
    assert_eq!(queries(&world), 1);
    let after_first = world.api_calls().len();
    // One call in all: the query goes out at the oldest supported version rather than waiting
    // for version discovery.
    assert_eq!(after_first - before, 1);
    let (again, _) = badge_users(&world, &ids);
    assert_eq!(world.api_calls().len(), after_first);
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
    let reply = world.ask_from(
        SetUserIcon {
            user_id: tableau.clone(),
            icon: Some(icon.clone()),
        },
        USERS_FRAME,
    );
    assert!(reply.is_ok(), "{reply:?}");
    let (badges, _) = badge_users(&world, std::slice::from_ref(&tableau));
    assert_eq!(badges[0].icon, Some(icon));
    // Kept in storage.local under the org, by the 18-character Id, versioned.
    let stored = world.storage.snapshot();
    let kept = stored
        .get(&(Area::Local, "userIcons:00DAM0000000001".to_owned()))
        .unwrap();
    let kept = forcefield::storage::decode::<forcefield::users::icons::Icons>(kept).unwrap();
    assert_eq!(kept.0.len(), 1);
    assert_eq!(kept.0[0].0.as_str().len(), 18);
}

#[test]
fn use_as_profile_photo_uploads_a_file_and_sets_the_photo() {
    let world = World::start(SimConfig::default());
    let users = users(&world);
    let tableau = users["int-tableau@acme.example"].clone();
    // A 1×1 PNG.
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
    let before = world.api_calls().len();
    let photo_url = world
        .ask_from(
            SetProfilePhoto {
                user_id: tableau.clone(),
                png_base64: png.into(),
            },
            USERS_FRAME,
        )
        .unwrap_or_else(|failed| panic!("unexpected failure {failed:?}"))
        .photo_url
        .unwrap();
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
    let calls = world.api_calls().len();
    let reply = world.ask_from(
        SetProfilePhoto {
            user_id: tableau,
            png_base64: "R0lGODlhAQABAAAAACw=".into(),
        },
        USERS_FRAME,
    );
    assert!(reply.is_err(), "{reply:?}");
    assert_eq!(world.api_calls().len(), calls);
}
