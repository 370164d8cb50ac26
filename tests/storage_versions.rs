//! Versioned storage through the core's handler, natively, against the simulated org: every
//! shipped version's stored data (fixtures written by that version's own code against the sim)
//! is read and migrated, and what can't be read is kept aside and shown — never overwritten,
//! never read as "Forcefield on".
//!
//! A new fixture is written when a stored kind's version changes (or before a release):
//! `FF_STORAGE_FIXTURE=v1 cargo test --test storage_versions -- --ignored write_storage_fixture`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "generator/harness.rs"]
mod harness;
#[path = "support/mod.rs"]
mod support;

use forcefield::generator::journal::Journal;
use forcefield::generator::org::OrgCatalog;
use forcefield::generator::templates::Templates;
use forcefield::generator::view::{ApplyStatus, OrgSummary};
use forcefield::model::{FieldAccess, LicenseChoice, ObjectAccess, PermissionSetSpec};
use forcefield::platform::memory::RecordedPages;
use forcefield::platform::{Area, Host, KeyValueStore, StorageError, SystemClock};
use forcefield::protocol::badges::{BadgeUsers, SetUserIcon, UserIconSaved};
use forcefield::protocol::generator::{
    GetGeneratorContext, ListPendingApplies, LoadTemplate, SaveTemplate,
};
use forcefield::protocol::org::{
    ForgetUnreadable, GetOrgStatus, OrgEnabled, OrgStatus, PageLoaded, PageVerdict, SetOrgEnabled,
    Surface, UnreadableForgotten,
};
use forcefield::protocol::{decode, ContentRequest, Frame, PageRequest, Reply};
use forcefield::router::{answer_content, answer_page};
use forcefield::salesforce::CookieSessions;
use forcefield::salesforce::{ApiVersion, OrgId};
use forcefield::settings::OrgSettings;
use forcefield::storage::{self, Stored};
use forcefield::users::icons::Icons;
use forcefield::users::{BadgeCache, UserIcon};
use harness::{World, ACME, UAT};
use org_sim::SimConfig;
use serde_json::{Map, Value};

const USERS_FRAME: &str =
    "https://acme.my.salesforce-setup.com/005?isUserEntityOverride=1&setupid=ManageUsers&isdtp=p1";
const ACME_FRAME: &str =
    "https://acme.my.salesforce-setup.com/setup/forcecomHomepage.apexp?isdtp=p1";
const ACME_ORG: &str = "00DAM0000000001";

/// Every fixture: (file name, {"local": {key: value}, "session": {key: value}}).
fn fixtures() -> Vec<(String, Value)> {
    let dir = format!("{}/tests/fixtures/storage", env!("CARGO_MANIFEST_DIR"));
    let mut found: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(!found.is_empty(), "no storage fixtures in {dir}");
    found
}

/// A world whose extension storage holds `fixture` exactly.
fn world_with(fixture: &Value) -> World {
    let world = World::start(SimConfig::default());
    for (name, area) in [("local", Area::Local), ("session", Area::Session)] {
        for (key, value) in fixture[name].as_object().unwrap() {
            put(&world, area, key, value.clone());
        }
    }
    world
}

/// Decodes a stored value as `T`, checks it writes back to an equal value at the current version.
fn reads_as<T: Stored + PartialEq + std::fmt::Debug>(file: &str, key: &str, raw: &Value) {
    let value = storage::decode::<T>(raw)
        .unwrap_or_else(|e| panic!("{file}: {key} ({}) does not read: {e}", T::KIND));
    let again = storage::encode(&value).unwrap();
    assert_eq!(again["version"], T::VERSION, "{file}: {key}");
    assert_eq!(
        storage::decode::<T>(&again).unwrap(),
        value,
        "{file}: {key}"
    );
}

#[test]
fn every_shipped_version_of_every_stored_key_reads_and_migrates() {
    for (file, fixture) in fixtures() {
        let mut kinds = Vec::new();
        for area in ["local", "session"] {
            for (key, raw) in fixture[area].as_object().unwrap() {
                let prefix = key.split(':').next().unwrap();
                match prefix {
                    "org" => reads_as::<OrgSettings>(&file, key, raw),
                    "generatorTemplates" => reads_as::<Templates>(&file, key, raw),
                    "userIcons" => reads_as::<Icons>(&file, key, raw),
                    "userBadges" => reads_as::<BadgeCache>(&file, key, raw),
                    "generatorCatalog" => reads_as::<OrgCatalog>(&file, key, raw),
                    "generatorOrg" => reads_as::<OrgSummary>(&file, key, raw),
                    "apiVersion" => reads_as::<ApiVersion>(&file, key, raw),
                    "generatorApply" => reads_as::<Journal>(&file, key, raw),
                    // Version 0's index of pending applies and its Id counter: no longer read
                    // (journals are found by listing their keys; tests/generator_journals.rs).
                    "generatorApplies" | "generatorApplySeq" => continue,
                    other => panic!("{file}: a stored key of unknown kind: {other} ({key})"),
                }
                kinds.push(prefix.to_owned());
            }
        }
        kinds.sort();
        kinds.dedup();
        assert_eq!(
            kinds,
            [
                "apiVersion",
                "generatorApply",
                "generatorCatalog",
                "generatorOrg",
                "generatorTemplates",
                "org",
                "userBadges",
                "userIcons"
            ],
            "{file} holds every kind"
        );
    }
}

#[test]
fn a_browser_holding_version_0_storage_keeps_every_choice() {
    let (_, fixture) = fixtures()
        .into_iter()
        .find(|(f, _)| f == "v0.json")
        .unwrap();
    let world = world_with(&fixture);
    // The acme org was switched off; the sandbox was switched on.
    match world.ask(GetOrgStatus {
        tab_url: ACME.into(),
    }) {
        Ok(OrgStatus::Connected {
            enabled,
            settings_problem,
            set_aside,
            ..
        }) => {
            assert!(!enabled);
            assert_eq!(settings_problem, None);
            assert!(set_aside.is_empty(), "{set_aside:?}");
        }
        other => panic!("{other:?}"),
    }
    match world.ask_from(
        PageLoaded {
            surface: Surface::ClassicSetup,
        },
        ACME_FRAME,
    ) {
        Ok(PageVerdict { enhance, .. }) => assert!(!enhance),
        other => panic!("{other:?}"),
    }
    // The cached API version was used: no version discovery.
    let discovery = |world: &World| {
        world
            .api_calls()
            .iter()
            .filter(|r| r.path == "/services/data/" || r.path == "/services/data")
            .count()
    };
    assert_eq!(discovery(&world), 0);
    match world.ask(GetOrgStatus {
        tab_url: UAT.into(),
    }) {
        Ok(OrgStatus::Connected { enabled, .. }) => assert!(enabled),
        other => panic!("{other:?}"),
    }
    assert_eq!(discovery(&world), 0);
    // Templates and icons are there.
    match world.ask(LoadTemplate {
        name: "ERP read".into(),
    }) {
        Ok(loaded) => assert_eq!(loaded.spec, spec("ERP_Read")),
        other => panic!("{other:?}"),
    }
    let tableau = world.user_id("int-tableau@acme.example");
    match world.ask_from(
        BadgeUsers {
            user_ids: vec![tableau],
        },
        USERS_FRAME,
    ) {
        Ok(reply) => {
            assert_eq!(reply.error, None);
            assert_eq!(reply.badges[0].icon, Some(UserIcon::emoji("\u{1f4ca}")));
        }
        other => panic!("{other:?}"),
    }
    // A new save writes the current version, keeping the other templates.
    world
        .ask(SaveTemplate {
            name: "New".into(),
            spec: PermissionSetSpec::default(),
        })
        .unwrap();
    let stored = stored(&world, Area::Local, "generatorTemplates");
    assert_eq!(stored["version"], Templates::VERSION);
    let templates = storage::decode::<Templates>(&stored).unwrap();
    let names: Vec<&str> = templates.0.keys().map(String::as_str).collect();
    assert_eq!(names, ["ERP read", "Empty", "New"]);
    // Journals: the finished apply is not pending; the one started and not continued is, and
    // runs to the end, its journal then written at the current version.
    let pending = world
        .ask(ListPendingApplies {
            org_url: ACME.into(),
        })
        .unwrap()
        .applies;
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].set_name, "Integration_Pending");
    let done = world.run(world.continue_apply(&pending[0].apply_id));
    assert_eq!(done.status, ApplyStatus::Done, "{done:?}");
    let journal = pollster::block_on(world.storage.get(
        Area::Local,
        &format!("generatorApply:{ACME_ORG}:{}", pending[0].apply_id),
    ))
    .unwrap()
    .unwrap();
    assert_eq!(journal["kind"], "generatorJournal");
    assert_eq!(journal["version"], Journal::VERSION);
}

fn stored(world: &World, area: Area, key: &str) -> Value {
    pollster::block_on(world.storage.get(area, key))
        .unwrap()
        .unwrap_or(Value::Null)
}

fn put(world: &World, area: Area, key: &str, value: Value) {
    pollster::block_on(world.storage.set(area, key, value)).unwrap();
}

fn acme_status(world: &World) -> (bool, Option<String>, Vec<storage::SetAside>) {
    match world.ask(GetOrgStatus {
        tab_url: ACME.into(),
    }) {
        Ok(OrgStatus::Connected {
            enabled,
            settings_problem,
            set_aside,
            ..
        }) => (enabled, settings_problem, set_aside),
        other => panic!("{other:?}"),
    }
}

fn acme_page_enhanced(world: &World) -> bool {
    world
        .ask_from(
            PageLoaded {
                surface: Surface::ClassicSetup,
            },
            ACME_FRAME,
        )
        .unwrap()
        .enhance
}

/// Issue #11, finding 1: "unreadable settings switch Forcefield back on for an org the admin had
/// switched off".
#[test]
fn unreadable_settings_do_not_switch_forcefield_back_on() {
    let world = World::start(SimConfig::default());
    let key = format!("org:{ACME_ORG}");
    for unreadable in [
        serde_json::json!({}),
        serde_json::json!({"enabled": "no"}),
        serde_json::json!("off"),
        serde_json::json!({"kind": "settings", "version": 1, "json": "{\"enabled\":"}),
        serde_json::json!({"kind": "settings", "version": 99, "json": "{\"enabled\":true}"}),
    ] {
        put(&world, Area::Local, &key, unreadable.clone());
        assert!(!acme_page_enhanced(&world), "{unreadable}");
        let (enabled, problem, set_aside) = acme_status(&world);
        assert!(!enabled, "{unreadable}");
        assert!(problem.unwrap().contains("stays off"));
        // Kept aside exactly as stored, shown in the popup.
        let raw = serde_json::to_string(&unreadable).unwrap();
        assert!(set_aside.iter().any(|s| s.raw == raw), "{set_aside:?}");
    }
    // Switching it on again replaces the value; what was kept aside stays until forgotten.
    let reply = world.ask(SetOrgEnabled {
        org_id: OrgId::parse(ACME_ORG).unwrap(),
        enabled: true,
    });
    assert!(
        matches!(reply, Ok(OrgEnabled { enabled: true, .. })),
        "{reply:?}"
    );
    let (enabled, problem, set_aside) = acme_status(&world);
    assert!(enabled && problem.is_none());
    assert_eq!(set_aside.len(), 5);
    assert!(acme_page_enhanced(&world));
    // Only an extension page may forget it: no content script's message is that request.
    let from_content_script =
        decode::<ContentRequest>(serde_json::json!({"type": "forgetUnreadable", "key": key}));
    assert!(from_content_script.is_err(), "{from_content_script:?}");
    assert_eq!(
        world.ask(ForgetUnreadable { key: key.clone() }),
        Ok(UnreadableForgotten { key })
    );
    assert!(acme_status(&world).2.is_empty());
}

/// Extension storage that can't be read at all (the browser's storage API failing).
struct BrokenStorage;

impl KeyValueStore for BrokenStorage {
    async fn get(&self, _: Area, _: &str) -> Result<Option<Value>, StorageError> {
        Err(StorageError::Host("storage is unavailable".into()))
    }
    async fn set(&self, _: Area, _: &str, _: Value) -> Result<(), StorageError> {
        Err(StorageError::Host("storage is unavailable".into()))
    }
    async fn keys(&self, _: Area, _: &str) -> Result<Vec<String>, StorageError> {
        Err(StorageError::Host("storage is unavailable".into()))
    }
}

#[test]
fn settings_that_cannot_be_read_at_all_keep_forcefield_off() {
    let world = World::start(SimConfig::default());
    let host = Host {
        sessions: CookieSessions(&world.jar),
        transport: &world.transport,
        storage: &BrokenStorage,
        clock: SystemClock,
    };
    let ask = |request: PageRequest| pollster::block_on(answer_page(&host, request));
    let frame = Frame {
        url: ACME_FRAME.to_owned(),
    };
    let verdict = pollster::block_on(answer_content(
        &host,
        &RecordedPages::default(),
        &frame,
        PageLoaded {
            surface: Surface::ClassicSetup,
        }
        .into(),
    ));
    match PageVerdict::try_from(verdict) {
        Ok(PageVerdict { enhance, .. }) => assert!(!enhance),
        other => panic!("{other:?}"),
    }
    match OrgStatus::try_from(ask(GetOrgStatus {
        tab_url: ACME.into(),
    }
    .into()))
    {
        Ok(OrgStatus::Connected {
            enabled,
            settings_problem,
            ..
        }) => {
            assert!(!enabled);
            assert!(settings_problem.unwrap().contains("storage is unavailable"));
        }
        other => panic!("{other:?}"),
    }
    // Nor does a template save pretend to work.
    match ask(SaveTemplate {
        name: "T".into(),
        spec: PermissionSetSpec::default(),
    }
    .into())
    {
        Reply::Failed(failed) => {
            assert!(failed.message.contains("unavailable"), "{}", failed.message)
        }
        other => panic!("{other:?}"),
    }
}

/// Issue #11, finding 1: "an unreadable templates value loads as empty and the next save
/// overwrites every template".
#[test]
fn unreadable_templates_are_kept_aside_and_the_next_save_does_not_lose_them() {
    let world = World::start(SimConfig::default());
    // Version 0 text with a spec the code can't read (a license that doesn't exist).
    let unreadable = Value::from(r#"{"ERP":{"name":"ERP","license":"platinum"}}"#);
    put(
        &world,
        Area::Local,
        "generatorTemplates",
        unreadable.clone(),
    );
    match world.ask(LoadTemplate { name: "ERP".into() }) {
        Err(failed) => assert!(
            failed.message.contains("could not be read"),
            "{}",
            failed.message
        ),
        other => panic!("{other:?}"),
    }
    let context = world
        .ask(GetGeneratorContext {
            org_url: ACME.into(),
            user_id: None,
        })
        .unwrap();
    assert!(context.templates.is_empty());
    let raw = serde_json::to_string(&unreadable).unwrap();
    assert_eq!(context.set_aside_templates.len(), 1);
    assert_eq!(context.set_aside_templates[0].raw, raw);
    assert!(context.set_aside_templates[0]
        .message
        .contains("Your saved templates could not be read"));
    // A new template is saved beside the kept copy, which stays as it was.
    let saved = world
        .ask(SaveTemplate {
            name: "New".into(),
            spec: PermissionSetSpec::default(),
        })
        .unwrap();
    assert_eq!(saved.templates.len(), 1);
    let kept = pollster::block_on(storage::set_aside_values(
        &world.storage,
        Area::Local,
        "generatorTemplates",
    ))
    .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].raw, raw);
}

#[test]
fn unreadable_icons_are_kept_aside_and_shown_in_the_popup() {
    let world = World::start(SimConfig::default());
    let tableau = world.user_id("int-tableau@acme.example");
    let unreadable = serde_json::json!({ tableau.clone(): {"kind": "emoji", "emoji": ""} });
    put(
        &world,
        Area::Local,
        &format!("userIcons:{ACME_ORG}"),
        unreadable.clone(),
    );
    let reply = world
        .ask_from(
            BadgeUsers {
                user_ids: vec![tableau.clone()],
            },
            USERS_FRAME,
        )
        .unwrap();
    assert_eq!(reply.error, None);
    assert_eq!(reply.badges[0].icon, None);
    let (enabled, _, set_aside) = acme_status(&world);
    assert!(enabled);
    assert_eq!(set_aside.len(), 1);
    assert!(set_aside[0].message.contains("user icons"));
    assert_eq!(
        set_aside[0].raw,
        serde_json::to_string(&unreadable).unwrap()
    );
    // A new icon starts a new list; the unreadable one stays kept aside.
    let reply = world.ask_from(
        SetUserIcon {
            user_id: tableau,
            icon: Some(UserIcon::emoji("\u{1f916}")),
        },
        USERS_FRAME,
    );
    assert!(matches!(reply, Ok(UserIconSaved { .. })), "{reply:?}");
    assert_eq!(acme_status(&world).2.len(), 1);
}

#[test]
fn unreadable_caches_are_read_again_from_the_org() {
    let world = World::start(SimConfig::default());
    put(
        &world,
        Area::Session,
        &format!("apiVersion:{ACME_ORG}"),
        Value::from("sixty-six"),
    );
    put(
        &world,
        Area::Session,
        &format!("generatorCatalog:{ACME_ORG}"),
        Value::from("{"),
    );
    put(
        &world,
        Area::Session,
        &format!("generatorOrg:{ACME_ORG}"),
        serde_json::json!([1]),
    );
    put(
        &world,
        Area::Session,
        &format!("userBadges:{ACME_ORG}"),
        Value::from(3),
    );
    let context = world
        .ask(GetGeneratorContext {
            org_url: ACME.into(),
            user_id: None,
        })
        .unwrap();
    assert_eq!(context.org.org_name, "Acme Corp");
    let tableau = world.user_id("int-tableau@acme.example");
    let reply = world
        .ask_from(
            BadgeUsers {
                user_ids: vec![tableau],
            },
            USERS_FRAME,
        )
        .unwrap();
    assert_eq!(reply.error, None);
    assert_eq!(reply.badges.len(), 1);
    // Each cache now holds the current version, and nothing was kept aside for caches.
    for (key, version) in [
        ("apiVersion", ApiVersion::VERSION),
        ("generatorCatalog", OrgCatalog::VERSION),
        ("generatorOrg", OrgSummary::VERSION),
        ("userBadges", BadgeCache::VERSION),
    ] {
        let value = stored(&world, Area::Session, &format!("{key}:{ACME_ORG}"));
        assert_eq!(value["version"], version, "{key}: {value}");
        assert_eq!(
            stored(
                &world,
                Area::Session,
                &format!("unreadable:{key}:{ACME_ORG}")
            ),
            Value::Null
        );
    }
}

fn spec(name: &str) -> PermissionSetSpec {
    PermissionSetSpec {
        name: name.into(),
        label: format!("Integration – {name}"),
        description: "Generated by Forcefield".into(),
        license: LicenseChoice::None,
        objects: [
            (
                "Account".to_owned(),
                ObjectAccess {
                    edit: true,
                    ..ObjectAccess::default()
                },
            ),
            ("Contact".to_owned(), ObjectAccess::read_only()),
        ]
        .into(),
        fields: [
            ("Account.Industry".to_owned(), FieldAccess::ReadEdit),
            ("Contact.Email".to_owned(), FieldAccess::Read),
        ]
        .into(),
        system_permissions: ["PasswordNeverExpires".to_owned()].into(),
        assignment_expiration: None,
    }
}

#[test]
#[ignore = "writes fixtures; run by hand once per shipped storage version"]
fn write_storage_fixture() {
    let label = std::env::var("FF_STORAGE_FIXTURE").expect("FF_STORAGE_FIXTURE=<label>");
    let world = World::start(SimConfig::default());
    // Settings: one org switched off, one switched back on.
    for (org, enabled) in [("00DAM0000000001", false), ("00DAM0000000002", true)] {
        let reply = world.ask(SetOrgEnabled {
            org_id: OrgId::parse(org).unwrap(),
            enabled,
        });
        assert!(reply.is_ok(), "{reply:?}");
    }
    // The API version and org caches, the catalog.
    let reply = world.ask(GetOrgStatus {
        tab_url: UAT.into(),
    });
    assert!(reply.is_ok(), "{reply:?}");
    let marketo = world.user_id("int-marketo@acme.example");
    let reply = world.ask(GetGeneratorContext {
        org_url: ACME.into(),
        user_id: Some(marketo.clone()),
    });
    assert!(reply.is_ok(), "{reply:?}");
    // Templates.
    for (name, spec) in [
        ("ERP read", spec("ERP_Read")),
        ("Empty", PermissionSetSpec::default()),
    ] {
        let reply = world.ask(SaveTemplate {
            name: name.into(),
            spec,
        });
        assert!(reply.is_ok(), "{reply:?}");
    }
    // The users cache and icons (an emoji and a 2×2 picture).
    let tableau = world.user_id("int-tableau@acme.example");
    let reply = world.ask_from(
        BadgeUsers {
            user_ids: vec![marketo[..15].to_owned(), tableau.clone()],
        },
        USERS_FRAME,
    );
    assert!(reply.is_ok(), "{reply:?}");
    for (user, icon) in [
        (&tableau, UserIcon::emoji("\u{1f4ca}")),
        (
            &marketo,
            UserIcon::image(2, 2, "AAAA/wAA/wAAAP8A/wD/AA==".into()),
        ),
    ] {
        let reply = world.ask_from(
            SetUserIcon {
                user_id: user.clone(),
                icon: Some(icon),
            },
            USERS_FRAME,
        );
        assert!(reply.is_ok(), "{reply:?}");
    }
    // Journals: one apply finished, one started and not continued.
    let done = world.run(world.start_apply(&spec("Integration_Done"), Some(&marketo), false));
    assert!(!done.apply_id.is_empty());
    world.start_apply(&spec("Integration_Pending"), None, false);

    let mut areas = Map::new();
    let snapshot = world.storage.snapshot();
    for (area, name) in [(Area::Local, "local"), (Area::Session, "session")] {
        let values: Map<String, Value> = snapshot
            .iter()
            .filter(|((of, _), _)| *of == area)
            .map(|((_, key), value)| (key.clone(), value.clone()))
            .collect();
        areas.insert(name.to_owned(), Value::Object(values));
    }
    let path = format!(
        "{}/tests/fixtures/storage/{label}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = serde_json::to_string_pretty(&Value::Object(areas)).unwrap();
    std::fs::write(&path, text + "\n").unwrap();
}

/// Any value under any kind's key reads, or (the admin's own kinds) is kept aside exactly as
/// stored and survives the next save; nothing panics.
mod any_stored_value {
    use super::*;
    use forcefield::platform::memory::MemoryStorage;
    use forcefield::storage::{IfUnreadable, Loaded};
    use proptest::prelude::*;

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "[a-z0-9\"{}:.,\\[\\] ]{0,24}".prop_map(Value::from),
            Just(Value::from("66.0")),
            Just(Value::from("{\"enabled\":false}")),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::vec(
                    (
                        prop_oneof![
                            Just("kind"),
                            Just("version"),
                            Just("json"),
                            Just("enabled"),
                            Just("005AM000000000QYAQ"),
                            Just("emoji"),
                        ],
                        inner
                    ),
                    0..4
                )
                .prop_map(|members| Value::Object(
                    members
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect()
                )),
            ]
        })
    }

    fn check<T: Stored + std::fmt::Debug>(raw: &Value, save: &T) {
        let store = MemoryStorage::default();
        let at = |key: &str| pollster::block_on(store.get(Area::Local, key)).unwrap();
        pollster::block_on(store.set(Area::Local, "k", raw.clone())).unwrap();
        let loaded = pollster::block_on(storage::load::<T>(&store, Area::Local, "k")).unwrap();
        let kept_raw = || {
            pollster::block_on(storage::set_aside_values(&store, Area::Local, "k"))
                .unwrap()
                .into_iter()
                .map(|v| v.raw)
                .collect::<Vec<_>>()
        };
        match loaded {
            Loaded::Found(_) => assert!(kept_raw().is_empty()),
            Loaded::Absent => assert!(raw.is_null() || T::IF_UNREADABLE == IfUnreadable::Refetch),
            Loaded::Unreadable(value) => {
                assert_eq!(T::IF_UNREADABLE, IfUnreadable::Quarantine);
                assert_eq!(value.raw, raw.to_string());
            }
        }
        pollster::block_on(storage::save(&store, Area::Local, "k", save)).unwrap();
        if T::IF_UNREADABLE == IfUnreadable::Quarantine
            && storage::decode::<T>(raw).is_err()
            && !raw.is_null()
        {
            assert_eq!(
                kept_raw(),
                vec![raw.to_string()],
                "kept aside, once, as stored"
            );
        }
        assert!(storage::decode::<T>(&at("k").unwrap()).is_ok());
    }

    proptest! {
        #[test]
        fn any_value_reads_or_is_kept_aside(raw in json()) {
            check(&raw, &OrgSettings { enabled: false });
            check(&raw, &Templates::default());
            check(&raw, &Icons::default());
            check(&raw, &BadgeCache::default());
            check(&raw, &ApiVersion::new(66));
            check(&raw, &OrgCatalog::default());
        }
    }
}
