//! Default record types through the core, natively, against the running simulated org: the
//! integration user's profile read through the Metadata API, a default set with only the changed
//! entries and verified by reading again; the org refusing or silently ignoring the update, a
//! record type that doesn't exist, an expired session and a default changed meanwhile each give
//! one clear message and change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/mod.rs"]
mod support;

use forcefield::platform::{
    Host, HttpRequest, HttpResponse, SystemClock, Transport, TransportError,
};
use forcefield::record_types::flow::{defaults, set_default, SetDefault, Target};
use forcefield::record_types::{RecordTypeDefaults, RecordTypesError};
use forcefield::salesforce::{ApiErrorKind, CookieSessions};
use forcefield::xml;
use org_sim::{IntegrationProfileRecordTypes, SimConfig};
use std::cell::RefCell;
use support::{SimTransport, World};

const ORG: &str = "https://acme.lightning.force.com/lightning/setup/SetupOneHome/home";
const INTEGRATION: &str = "Minimum Access - API Only Integrations";

/// The sim's transport, keeping every request it sends (bodies included).
struct Recording<'a> {
    inner: &'a SimTransport,
    sent: RefCell<Vec<HttpRequest>>,
}

impl Transport for Recording<'_> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.sent.borrow_mut().push(request.clone());
        self.inner.send(request).await
    }
}

impl Recording<'_> {
    /// The SOAP calls sent, by name, in order.
    fn soap_calls(&self) -> Vec<String> {
        self.sent
            .borrow()
            .iter()
            .filter(|r| r.url.contains("/services/Soap/m/"))
            .filter_map(|r| {
                let doc = xml::parse(r.body.as_deref()?).ok()?;
                Some(doc.child("Body")?.children.first()?.name.clone())
            })
            .collect()
    }

    /// The `<metadata>` of the last updateMetadata sent.
    fn update(&self) -> xml::Element {
        let sent = self.sent.borrow();
        let body = sent
            .iter()
            .rev()
            .filter_map(|r| r.body.as_deref())
            .find(|b| b.contains("<updateMetadata>"))
            .expect("an updateMetadata was sent");
        xml::parse(body)
            .unwrap()
            .descendant(&["Body", "updateMetadata", "metadata"])
            .cloned()
            .unwrap()
    }
}

struct Run<'w> {
    world: &'w World,
    transport: Recording<'w>,
}

impl<'w> Run<'w> {
    fn new(world: &'w World) -> Self {
        Self {
            world,
            transport: Recording {
                inner: &world.transport,
                sent: RefCell::new(Vec::new()),
            },
        }
    }

    fn host(
        &self,
    ) -> Host<
        CookieSessions<&support::LoggedInJar>,
        &Recording<'w>,
        &forcefield::platform::memory::MemoryStorage,
        SystemClock,
    > {
        Host {
            sessions: CookieSessions(&self.world.jar),
            transport: &self.transport,
            storage: &self.world.storage,
            clock: SystemClock,
        }
    }

    fn defaults(&self, target: Target) -> Result<RecordTypeDefaults, RecordTypesError> {
        pollster::block_on(defaults(&self.host(), ORG, &target))
    }

    fn set(
        &self,
        view: &RecordTypeDefaults,
        record_type: &str,
    ) -> Result<forcefield::record_types::ObjectRecordTypes, RecordTypesError> {
        let object = record_type.split('.').next().unwrap();
        let shown = view
            .objects
            .iter()
            .find(|o| o.object == object)
            .and_then(|o| o.default.clone());
        pollster::block_on(set_default(
            &self.host(),
            &SetDefault {
                org_url: ORG.into(),
                profile_id: view.profile.id.clone(),
                profile_name: view.profile.name.clone(),
                profile_full_name: view.profile.full_name.clone(),
                record_type: record_type.into(),
                shown_default: shown,
            },
        ))
    }
}

fn user_id(world: &World, username: &str) -> String {
    world.sim.state_dump("acme")["User"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["Username"] == username)
        .map(|u| u["Id"].as_str().unwrap().to_owned())
        .unwrap()
}

fn visibilities(world: &World) -> serde_json::Value {
    world.sim.state_dump("acme")["ProfileRecordTypeVisibility"].clone()
}

fn accepting() -> World {
    World::start(SimConfig {
        integration_profile_record_types: IntegrationProfileRecordTypes::Accept,
        ..SimConfig::default()
    })
}

#[test]
fn the_integration_users_profile_defaults_are_read_through_the_metadata_api() {
    let world = World::start(SimConfig::default());
    let run = Run::new(&world);
    let view = run
        .defaults(Target::User(user_id(&world, "int-netsuite@acme.example")))
        .unwrap();
    assert_eq!(view.profile.name, INTEGRATION);
    assert_eq!(view.profile.full_name, INTEGRATION);
    assert!(view.profile.integration);
    // NetSuite, Marketo, Tableau and Zapier; Legacy ERP is inactive, Data Sync on another profile.
    assert_eq!(view.profile.active_users, 4);
    assert_eq!(
        view.user.as_ref().unwrap().username,
        "int-netsuite@acme.example"
    );
    let objects: Vec<(&str, Option<&str>)> = view
        .objects
        .iter()
        .map(|o| (o.object.as_str(), o.default.as_deref()))
        .collect();
    assert_eq!(
        objects,
        [
            ("Account", Some("Account.Customer")),
            ("Case", None),
            ("Opportunity", None)
        ]
    );
    let opportunity = &view.objects[2];
    assert!(opportunity
        .record_types
        .iter()
        .any(|c| c.full_name == "Opportunity.Legacy_Deal" && !c.active));
    assert!(view.objects[0]
        .settings_url
        .starts_with("https://acme.my.salesforce.com/setup/ui/profilerecordtypeedit.jsp?id=00e"));
    // A standard profile is read by its Metadata API name, not its Name.
    let admin = run
        .defaults(Target::User(user_id(&world, "admin@acme.example")))
        .unwrap();
    assert_eq!(
        (
            admin.profile.name.as_str(),
            admin.profile.full_name.as_str()
        ),
        ("System Administrator", "Admin")
    );
    assert!(!admin.profile.integration);
}

#[test]
fn a_default_is_set_with_only_the_changed_entries_and_verified() {
    let world = accepting();
    let run = Run::new(&world);
    let view = run
        .defaults(Target::User(user_id(&world, "int-netsuite@acme.example")))
        .unwrap();
    let reads = run.transport.sent.borrow().len();
    let before = visibilities(&world);
    let account = run.set(&view, "Account.Partner").unwrap();
    assert_eq!(account.default.as_deref(), Some("Account.Partner"));
    // Read fresh, update, read again to verify (salesforce.md §I.13).
    assert_eq!(
        run.transport.soap_calls(),
        [
            "readMetadata",
            "readMetadata",
            "updateMetadata",
            "readMetadata"
        ]
    );
    assert_eq!(
        run.transport.sent.borrow().len() - reads,
        4,
        "API calls for one change"
    );
    // The update names the profile and the two changed entries, never the profile read back.
    let update = run.transport.update();
    let names: Vec<&str> = update.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "fullName",
            "recordTypeVisibilities",
            "recordTypeVisibilities"
        ]
    );
    assert_eq!(update.child_text("fullName"), Some(INTEGRATION));
    let entries: Vec<(String, bool, bool)> = update
        .children_named("recordTypeVisibilities")
        .map(|e| {
            (
                e.child_text("recordType").unwrap().to_owned(),
                e.child_flag("visible"),
                e.child_flag("default"),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("Account.Partner".to_owned(), true, true),
            ("Account.Customer".to_owned(), true, false)
        ]
    );
    // In the org: exactly those two rows changed.
    let after = visibilities(&world);
    let changed: Vec<&serde_json::Value> = after
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| !before.as_array().unwrap().contains(row))
        .collect();
    assert_eq!(changed.len(), 2, "{changed:?}");
    // An object without a default gets one; the old-default entry is simply absent.
    let view = run
        .defaults(Target::Profile(view.profile.id.clone()))
        .unwrap();
    let opportunity = run.set(&view, "Opportunity.Renewal").unwrap();
    assert_eq!(opportunity.default.as_deref(), Some("Opportunity.Renewal"));
    let entries: Vec<String> = run
        .transport
        .update()
        .children_named("recordTypeVisibilities")
        .map(|e| e.child_text("recordType").unwrap().to_owned())
        .collect();
    assert_eq!(entries, ["Opportunity.Renewal"]);
}

#[test]
fn an_org_that_refuses_gets_salesforces_own_message_and_a_link_and_nothing_changes() {
    let world = World::start(SimConfig::default());
    let run = Run::new(&world);
    let view = run
        .defaults(Target::User(user_id(&world, "int-netsuite@acme.example")))
        .unwrap();
    let before = world.sim.state_dump("acme");
    let error = run.set(&view, "Opportunity.Renewal").unwrap_err();
    let message = error.to_string();
    assert!(message.starts_with("Salesforce refused the change: You can't change the record type settings of standard objects on the profile Minimum Access - API Only Integrations. (FIELD_INTEGRITY_EXCEPTION)"), "{message}");
    assert!(message.contains("Nothing was changed"), "{message}");
    assert_eq!(
        error.settings_url(),
        Some(view.objects[2].settings_url.as_str())
    );
    assert!(error.settings_url().unwrap().contains("tid=Opportunity"));
    assert_eq!(world.sim.state_dump("acme"), before);
}

#[test]
fn an_org_that_answers_success_but_keeps_the_old_default_is_caught_by_the_second_read() {
    let world = World::start(SimConfig {
        integration_profile_record_types: IntegrationProfileRecordTypes::Ignore,
        ..SimConfig::default()
    });
    let run = Run::new(&world);
    let view = run
        .defaults(Target::User(user_id(&world, "int-netsuite@acme.example")))
        .unwrap();
    let error = run.set(&view, "Account.Partner").unwrap_err();
    assert!(
        matches!(
            &error,
            RecordTypesError::NotApplied { now: Some(now), .. } if now == "Account.Customer"
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("reading the profile again shows Account.Customer"),
        "{error}"
    );
    assert!(error.settings_url().is_some());
}

#[test]
fn no_such_record_type_is_refused_before_anything_is_written() {
    let world = accepting();
    let run = Run::new(&world);
    let view = run
        .defaults(Target::User(user_id(&world, "int-netsuite@acme.example")))
        .unwrap();
    let before = world.sim.state_dump("acme");
    for (record_type, says) in [
        (
            "Account.Nope",
            "Account has no record type Account.Nope in this org.",
        ),
        (
            "Opportunity.Legacy_Deal",
            "The record type Opportunity.Legacy_Deal is inactive",
        ),
        (
            "Account.X</recordType><visible>",
            "is not a record type name",
        ),
        (
            "Account.Customer",
            "Account.Customer already is the default",
        ),
    ] {
        let error = run.set(&view, record_type).unwrap_err();
        assert!(error.to_string().contains(says), "{record_type}: {error}");
        assert!(error.to_string().contains("Nothing was changed"), "{error}");
    }
    assert!(!run
        .transport
        .soap_calls()
        .contains(&"updateMetadata".to_owned()));
    assert_eq!(world.sim.state_dump("acme"), before);
}

#[test]
fn an_expired_session_gives_one_message_and_changes_nothing() {
    let mut world = accepting();
    let view = Run::new(&world)
        .defaults(Target::User(user_id(&world, "int-netsuite@acme.example")))
        .unwrap();
    let before = world.sim.state_dump("acme");
    world.sim.expire_sessions();
    let run = Run::new(&world);
    let error = run.set(&view, "Account.Partner").unwrap_err();
    let RecordTypesError::Api(api) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(api.kind, ApiErrorKind::SessionExpired);
    assert!(error.to_string().contains("session has expired"), "{error}");
    assert!(!run
        .transport
        .soap_calls()
        .contains(&"updateMetadata".to_owned()));
    assert_eq!(world.sim.state_dump("acme"), before);
    // Logged in again, the same change goes through.
    world.log_in();
    let run = Run::new(&world);
    assert_eq!(
        run.set(&view, "Account.Partner")
            .unwrap()
            .default
            .as_deref(),
        Some("Account.Partner")
    );
}

#[test]
fn a_default_changed_since_the_page_was_shown_is_not_overwritten() {
    let world = accepting();
    let run = Run::new(&world);
    let view = run
        .defaults(Target::User(user_id(&world, "int-netsuite@acme.example")))
        .unwrap();
    // Someone else moves the Account default meanwhile.
    run.set(&view, "Account.Competitor").unwrap();
    let before = world.sim.state_dump("acme");
    let error = run.set(&view, "Account.Partner").unwrap_err();
    assert_eq!(
        error,
        RecordTypesError::Changed {
            object: "Account".into(),
            now: Some("Account.Competitor".into())
        }
    );
    assert_eq!(world.sim.state_dump("acme"), before);
}

#[test]
fn bad_ids_are_refused_without_a_call() {
    let world = World::start(SimConfig::default());
    let run = Run::new(&world);
    for target in [
        Target::User("005' OR Name != '".into()),
        Target::Profile("005AM0000000001AAA".into()),
    ] {
        assert!(matches!(
            run.defaults(target),
            Err(RecordTypesError::NotAnId(_))
        ));
    }
    assert!(matches!(
        run.defaults(Target::User("005AM0000000zzz".into())),
        Err(RecordTypesError::NoSuchUser(_))
    ));
}
