//! The background decides from the browser's sender record (issue #12): a content script is
//! answered only about the org of its own frame, can change no setting, and the writes that need
//! a person (an icon, the profile photo, opening the generator, the record types page or the
//! access review) are
//! taken only for users the core itself classified as integration users in that org. Each rule
//! natively, against the sim, as the background answers a content script's JSON.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/mod.rs"]
mod support;

use forcefield::platform::{Area, KeyValueStore};
use forcefield::protocol::access::{GetAssignableSets, OpenAccessReview};
use forcefield::protocol::badges::{SetProfilePhoto, SetUserIcon};
use forcefield::protocol::generator::OpenGenerator;
use forcefield::protocol::org::{OrgStatus, PageLoaded, PageVerdict, Surface};
use forcefield::protocol::record_types::OpenRecordTypes;
use forcefield::protocol::{decode, ContentRequest, Failed, PageRequest, Reply};
use forcefield::users::UserIcon;
use org_sim::SimConfig;
use serde_json::json;
use support::World;

/// The Classic Users list inside acme's Lightning Setup frame.
const ACME_FRAME: &str =
    "https://acme.my.salesforce-setup.com/005?isUserEntityOverride=1&setupid=ManageUsers&isdtp=p1";
const UAT_TAB: &str =
    "https://acme--uat.sandbox.lightning.force.com/lightning/setup/SetupOneHome/home";
const ACME_ORG: &str = "00DAM0000000001";
const UAT_ORG: &str = "00DAM0000000002";
/// A 1×1 PNG.
const PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

/// The Id (15 characters, as Setup links it) of `username` in `org`.
fn user(world: &World, org: &str, username: &str) -> String {
    world.sim.state_dump(org)["User"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["Username"] == username)
        .map(|u| u["Id"].as_str().unwrap()[..15].to_owned())
        .unwrap_or_else(|| panic!("no {username} in {org}"))
}

/// A content script's message as the background receives it, from the frame at `frame_url`.
fn from_content_script(world: &World, message: serde_json::Value, frame_url: &str) -> Reply {
    match decode::<ContentRequest>(message) {
        Ok(request) => world.ask_from_wire(request, frame_url),
        Err(refused) => Reply::Failed(refused.into()),
    }
}

fn writes(world: &World) -> usize {
    world
        .api_calls()
        .iter()
        .filter(|call| call.method != "GET")
        .count()
}

#[test]
fn a_content_script_cannot_ask_about_another_org() {
    let world = World::start(SimConfig::default());
    let reply = from_content_script(
        &world,
        json!({"type": "orgStatus", "tabUrl": UAT_TAB}),
        ACME_FRAME,
    );
    assert!(matches!(reply, Reply::Failed(_)), "{reply:?}");
    assert_eq!(world.api_calls().len(), 0, "nothing was asked of any org");
    // The same request from an extension page (the popup) is answered.
    let popup: PageRequest = decode(json!({"type": "orgStatus", "tabUrl": UAT_TAB})).unwrap();
    let Reply::Org(forcefield::protocol::org::OrgReply::OrgStatus(OrgStatus::Connected {
        org_id,
        ..
    })) = world.ask_wire(popup)
    else {
        panic!("the popup is answered");
    };
    assert_eq!(org_id.as_str(), UAT_ORG);
}

#[test]
fn a_content_script_learns_only_its_own_frames_org_whatever_url_it_passes() {
    let world = World::start(SimConfig::default());
    let reply = from_content_script(
        &world,
        json!({"type": "pageLoaded", "surface": "classicSetup", "tabUrl": UAT_TAB, "orgUrl": UAT_TAB, "url": UAT_TAB}),
        ACME_FRAME,
    );
    let verdict: PageVerdict = reply.try_into().unwrap();
    assert_eq!(verdict.org_id.unwrap().as_str(), "00DAM0000000001");
    // A frame the browser reports off Salesforce learns nothing.
    let verdict = world
        .ask_from(
            PageLoaded {
                surface: Surface::ClassicSetup,
            },
            "https://example.com/",
        )
        .unwrap();
    assert_eq!(
        verdict,
        PageVerdict {
            enhance: false,
            org_id: None
        }
    );
}

#[test]
fn a_content_script_cannot_change_settings() {
    let world = World::start(SimConfig::default());
    let reply = from_content_script(
        &world,
        json!({"type": "setOrgEnabled", "orgId": UAT_ORG, "enabled": false}),
        ACME_FRAME,
    );
    assert!(matches!(reply, Reply::Failed(_)), "{reply:?}");
    let stored = pollster::block_on(world.storage.get(Area::Local, &format!("org:{UAT_ORG}")));
    assert_eq!(stored, Ok(None), "no setting was written");
    // Nor its own org's switch, nor what was kept aside of its settings.
    for setting in [
        json!({"type": "setOrgEnabled", "orgId": ACME_ORG, "enabled": false}),
        json!({"type": "forgetUnreadable", "key": format!("org:{ACME_ORG}")}),
    ] {
        let reply = from_content_script(&world, setting.clone(), ACME_FRAME);
        assert!(matches!(reply, Reply::Failed(_)), "{setting}: {reply:?}");
    }
    assert_eq!(world.storage.snapshot().len(), 0, "nothing was written");
    let verdict = world
        .ask_from(
            PageLoaded {
                surface: Surface::ClassicSetup,
            },
            UAT_TAB,
        )
        .unwrap();
    assert!(verdict.enhance, "UAT is still on");
}

#[test]
fn icons_are_kept_only_for_integration_users_of_the_frames_org() {
    let world = World::start(SimConfig::default());
    let ask = |user_id: String| {
        world.ask_from(
            SetUserIcon {
                user_id,
                icon: Some(UserIcon::emoji("🤖")),
            },
            ACME_FRAME,
        )
    };
    let refused = |result: Result<_, Failed>| {
        let failed = result.expect_err("refused");
        assert!(failed.message.contains("Nothing was changed"), "{failed:?}");
    };
    // The admin is no integration user; a UAT integration user is no user of acme.
    refused(ask(user(&world, "acme", "admin@acme.example")));
    refused(ask(user(
        &world,
        "acme--uat",
        "int-netsuite@acme.example.uat",
    )));
    assert_eq!(
        pollster::block_on(world.storage.get(Area::Local, "userIcons:00DAM0000000001")),
        Ok(None),
        "no icon was kept"
    );
    let tableau = user(&world, "acme", "int-tableau@acme.example");
    assert!(ask(tableau).is_ok());
}

#[test]
fn the_profile_photo_is_set_only_for_integration_users() {
    let world = World::start(SimConfig::default());
    let admin = user(&world, "acme", "admin@acme.example");
    let failed = world
        .ask_from(
            SetProfilePhoto {
                user_id: admin,
                png_base64: PNG.into(),
            },
            ACME_FRAME,
        )
        .expect_err("refused");
    assert!(failed.message.contains("Nothing was changed"), "{failed:?}");
    assert_eq!(writes(&world), 0, "no file uploaded, no photo set");
    let tableau = user(&world, "acme", "int-tableau@acme.example");
    world
        .ask_from(
            SetProfilePhoto {
                user_id: tableau,
                png_base64: PNG.into(),
            },
            ACME_FRAME,
        )
        .unwrap();
    assert_eq!(writes(&world), 2, "the file and the photo");
}

#[test]
fn the_generator_opens_only_for_integration_users_of_the_frames_org() {
    let world = World::start(SimConfig::default());
    let open = |user_id: Option<String>| world.ask_from(OpenGenerator { user_id }, ACME_FRAME);
    // Not integration users (an API Only permission set alone is not the license), a user of
    // another org, and no user Id at all.
    for refused in [
        Some(user(&world, "acme", "admin@acme.example")),
        Some(user(&world, "acme", "alan.turing@acme.example")),
        Some(user(&world, "acme--uat", "int-netsuite@acme.example.uat")),
        Some("<img src=x>".to_owned()),
    ] {
        assert!(open(refused.clone()).is_err(), "{refused:?}");
    }
    assert!(world.pages.generators_opened.borrow().is_empty());
    let marketo = user(&world, "acme", "int-marketo@acme.example");
    open(Some(marketo.clone())).unwrap();
    // From the permission set list: for no user.
    open(None).unwrap();
    assert_eq!(
        *world.pages.generators_opened.borrow(),
        [Some(marketo), None]
    );
}

#[test]
fn the_record_types_page_opens_only_for_integration_users_of_the_frames_org() {
    let world = World::start(SimConfig::default());
    let open = |user_id: String| world.ask_from(OpenRecordTypes { user_id }, ACME_FRAME);
    for refused in [
        user(&world, "acme", "admin@acme.example"),
        user(&world, "acme", "alan.turing@acme.example"),
        user(&world, "acme--uat", "int-netsuite@acme.example.uat"),
        "<img src=x>".to_owned(),
    ] {
        assert!(open(refused.clone()).is_err(), "{refused}");
    }
    // Nor from a message that names no user (the page is for one user's profile).
    let no_user = from_content_script(&world, json!({"type": "openRecordTypes"}), ACME_FRAME);
    assert!(matches!(no_user, Reply::Failed(_)), "{no_user:?}");
    assert!(world.pages.record_types_opened.borrow().is_empty());
    let marketo = user(&world, "acme", "int-marketo@acme.example");
    open(marketo.clone()).unwrap();
    assert_eq!(*world.pages.record_types_opened.borrow(), [marketo]);
}

#[test]
fn the_access_review_opens_only_for_integration_users_of_the_frames_org() {
    let world = World::start(SimConfig::default());
    let open = |user_id: String| world.ask_from(OpenAccessReview { user_id }, ACME_FRAME);
    for refused in [
        user(&world, "acme", "admin@acme.example"),
        user(&world, "acme", "alan.turing@acme.example"),
        user(&world, "acme--uat", "int-netsuite@acme.example.uat"),
        "<img src=x>".to_owned(),
    ] {
        assert!(open(refused.clone()).is_err(), "{refused}");
    }
    assert!(world.pages.access_reviews_opened.borrow().is_empty());
    let netsuite = user(&world, "acme", "int-netsuite@acme.example");
    open(netsuite.clone()).unwrap();
    assert_eq!(*world.pages.access_reviews_opened.borrow(), [netsuite]);
}

#[test]
fn the_assignment_check_answers_only_about_the_frames_org() {
    let world = World::start(SimConfig::default());
    // UAT's integration user, asked about from acme's frame: acme has no such user.
    let uat_user = user(&world, "acme--uat", "int-netsuite@acme.example.uat");
    let refused = world.ask_from(GetAssignableSets { user_id: uat_user }, ACME_FRAME);
    assert!(refused.is_err(), "{refused:?}");
    // The org named in the message, as an extension page would, is not read.
    let named = from_content_script(
        &world,
        json!({"type": "assignableSets", "userId": user(&world, "acme", "int-netsuite@acme.example"), "orgUrl": UAT_TAB}),
        ACME_FRAME,
    );
    let Reply::Access(_) = named else {
        panic!("{named:?}")
    };
    let sets = forcefield::protocol::access::AssignableSets::try_from(named).unwrap();
    assert!(sets
        .user_id
        .starts_with(&user(&world, "acme", "int-netsuite@acme.example")));
}

/// The `sf` plugin's requests (a Node host, answered as an extension page is) name their org; a
/// content script can send none of them, and nothing is asked of any org when one tries.
#[cfg(feature = "generator")]
#[test]
fn a_content_script_cannot_send_the_command_lines_requests() {
    let world = World::start(SimConfig::default());
    let acme = "https://acme.my.salesforce.com";
    for message in [
        json!({"type": "integrationUsers", "orgUrl": acme}),
        json!({"type": "checkUser", "orgUrl": acme, "user": "int-netsuite@acme.example"}),
        json!({"type": "readSpec", "fileName": "x.json", "text": "{}"}),
        json!({"type": "checkSpecNames", "orgUrl": acme, "spec": {"name": "X", "label": "X"}}),
    ] {
        let reply = from_content_script(&world, message.clone(), ACME_FRAME);
        assert!(matches!(reply, Reply::Failed(_)), "{message}: {reply:?}");
    }
    assert_eq!(world.api_calls().len(), 0, "nothing was asked of any org");
    let page: PageRequest =
        decode(json!({"type": "checkUser", "orgUrl": acme, "user": "int-netsuite@acme.example"}))
            .unwrap();
    let check: forcefield::protocol::cli::UserCheck = world.ask_wire(page).try_into().unwrap();
    assert_eq!(check.verdict, forcefield::cli::users::Verdict::Healthy);
}

/// The generator's apply and union requests are an extension page's only: from a content script
/// they are refused before anything is read or written, whatever org they name.
#[test]
fn a_content_script_cannot_start_steer_or_decide_an_apply() {
    let world = World::start(SimConfig::default());
    let acme_url = "https://acme.lightning.force.com/lightning/setup/SetupOneHome/home";
    for message in [
        json!({"type": "startApply", "orgUrl": acme_url, "spec": {"name": "X"}, "fingerprint": "f", "applyId": "a-1", "confirmedProduction": true}),
        json!({"type": "continueApply", "orgUrl": acme_url, "applyId": "a-1"}),
        json!({"type": "finishCleanUp", "orgUrl": acme_url, "applyId": "a-1"}),
        json!({"type": "pendingApplies", "orgUrl": acme_url}),
        json!({"type": "resolveAttention", "orgUrl": acme_url, "applyId": "a-1", "item": 0, "action": "delete"}),
        json!({"type": "loadUnion", "orgUrl": acme_url, "sources": [{"permissionSetId": "0PSAM0000000001"}, {"profileId": "00eAM000000000A"}]}),
        json!({"type": "viewAllFieldsChange", "access": {"read": true}, "on": true}),
        json!({"type": "systemPermissionChange", "chosen": [], "name": "ViewSetup", "on": true}),
    ] {
        let reply = from_content_script(&world, message.clone(), ACME_FRAME);
        assert!(matches!(reply, Reply::Failed(_)), "{message}: {reply:?}");
        // The same message is one an extension page may send (where the core has the generator).
        if cfg!(feature = "generator") {
            assert!(decode::<PageRequest>(message.clone()).is_ok(), "{message}");
        }
    }
    assert_eq!(world.api_calls().len(), 0, "nothing was asked of any org");
}
