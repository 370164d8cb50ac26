//! The fuzz targets' bodies, shared by the cargo-fuzz targets (`fuzz/`, nightly) and their bounded
//! property tests (`tests/fuzz_properties.rs`, stable, in `make test`). Each takes what a host,
//! a page, the org or storage could hand the core, runs it through the core's public entry points
//! on the in-memory platform, and checks that the core answers instead of panicking (and, where a
//! property is known, that it holds).
//!
//! Inputs are text, so seeds stay readable: a request or a stored journal as JSON, then the org's
//! answers, each `<status>\n<body>`, separated by lines of `---` (see [`split`]).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use forcefield::columns::{self, ColumnAction, PageSnapshot, RowFilter, ToggleRequest};
use forcefield::platform::memory::{GivenSessions, ManualClock, MemoryStorage};
use forcefield::platform::{
    Area, Host, HttpRequest, HttpResponse, KeyValueStore, Transport, TransportError,
};
use forcefield::protocol::{Reply, Request};
use forcefield::salesforce::{OrgId, SalesforceHost, Session};
use std::cell::RefCell;
use std::collections::{BTreeSet, VecDeque};

/// The org every target talks to, and a Setup frame of it (a content script's sender).
pub const ORG_URL: &str = "https://acme.my.salesforce-setup.com/lightning/setup/SetupOneHome/home";
pub const FRAME_URL: &str =
    "https://acme.my.salesforce-setup.com/005?isUserEntityOverride=1&setupid=ManageUsers&isdtp=p1";
pub const ORG_ID: &str = "00DAM0000000001";
/// Separates the parts of a target's text input.
pub const SEPARATOR: &str = "\n---\n";
/// Most answers one input may script (more would only repeat).
const MAX_ANSWERS: usize = 64;
/// Most `continueApply` calls one input drives (each takes one answer).
const MAX_STEPS: usize = 40;

/// The org's answers, in order; once they run out, the org can't be reached.
#[derive(Debug, Default)]
pub struct Scripted {
    answers: RefCell<VecDeque<HttpResponse>>,
    sent: RefCell<usize>,
}

impl Scripted {
    pub fn new(answers: Vec<(u16, String)>) -> Self {
        Self {
            answers: RefCell::new(
                answers
                    .into_iter()
                    .map(|(status, body)| HttpResponse::new(status, body))
                    .collect(),
            ),
            sent: RefCell::new(0),
        }
    }

    fn remaining(&self) -> usize {
        self.answers.borrow().len()
    }
}

impl Transport for Scripted {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        // The token only ever goes to the org's own API host.
        assert!(
            request.url.starts_with("https://acme.my.salesforce.com/"),
            "a request left the API host: {}",
            request.url
        );
        *self.sent.borrow_mut() += 1;
        self.answers
            .borrow_mut()
            .pop_front()
            .ok_or_else(|| TransportError::Unreachable("no more scripted answers".to_owned()))
    }
}

/// The first part of `text` and the answers after it: each part after the first is a status line
/// (anything that is not a number counts as 200) and a body.
pub fn split(text: &str) -> (&str, Vec<(u16, String)>) {
    let mut parts = text.split(SEPARATOR);
    let head = parts.next().unwrap_or_default();
    let answers = parts
        .take(MAX_ANSWERS)
        .map(|part| {
            let (status, body) = part.split_once('\n').unwrap_or((part, ""));
            (status.trim().parse().unwrap_or(200), body.to_owned())
        })
        .collect();
    (head, answers)
}

/// Joins a head and answers into a target's text input (for seeds).
pub fn join(head: &str, answers: &[(u16, String)]) -> String {
    let mut text = head.to_owned();
    for (status, body) in answers {
        text.push_str(SEPARATOR);
        text.push_str(&format!("{status}\n{body}"));
    }
    text
}

pub fn session() -> Session {
    Session::new(
        OrgId::parse(ORG_ID).unwrap(),
        SalesforceHost::parse("acme.my.salesforce.com").unwrap(),
        format!("{ORG_ID}!fuzz"),
    )
    .unwrap()
}

/// The in-memory platform around `transport` and `storage`.
pub fn host<'a>(
    transport: &'a Scripted,
    storage: &'a MemoryStorage,
) -> Host<GivenSessions, &'a Scripted, &'a MemoryStorage, ManualClock> {
    Host {
        sessions: GivenSessions::new(vec![session()]),
        transport,
        storage,
        clock: ManualClock::at(1_800_000_000_000),
    }
}

fn ask(
    host: &Host<GivenSessions, &Scripted, &MemoryStorage, ManualClock>,
    request: Request,
    sender: Option<&str>,
) -> Reply {
    pollster::block_on(forcefield::router::handle(host, request, sender))
}

/// Metadata API XML import: any text is a spec with warnings or a clear error; what it imports
/// exports and imports again to the same spec.
pub fn xml_import(data: &[u8]) {
    let Ok(xml) = std::str::from_utf8(data) else {
        return;
    };
    use forcefield::generator::metadata::{export, file_name, import, name_from_file};
    if let Ok((spec, _)) = import(xml, Some("Fuzz.permissionset-meta.xml")) {
        let exported = export(&spec);
        let exported_as = file_name(&spec);
        let (again, _) = import(&exported, Some(&exported_as))
            .unwrap_or_else(|e| panic!("an exported spec does not import: {e}\n{exported}"));
        // The file carries the name in its file name (salesforce.md §E), when the name fits one.
        if name_from_file(&exported_as).as_ref() == Some(&spec.name) {
            assert_eq!(again.name, spec.name);
        }
        assert_eq!(again.label, spec.label);
        assert_eq!(again.fields, spec.fields);
        assert_eq!(again.system_permissions, spec.system_permissions);
    }
}

/// Every request the core deserialises: the request's JSON, then the org's answers. Routed as
/// from an extension page and as from a content script in a Setup frame.
pub fn protocol(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (json, answers) = split(text);
    let Ok(request) = Request::from_json(json) else {
        return;
    };
    // A request the core reads, it can write back and read again as the same request.
    let written = serde_json::to_string(&request).unwrap();
    assert_eq!(Request::from_json(&written).ok().as_ref(), Some(&request));
    for sender in [None, Some(FRAME_URL)] {
        let transport = Scripted::new(answers.clone());
        let storage = MemoryStorage::default();
        let reply = ask(&host(&transport, &storage), request.clone(), sender);
        serde_json::to_string(&reply).unwrap();
    }
}

/// A content script's page snapshot (`{"snapshot": …, "filter": …}` or a bare snapshot): the
/// page's controls name only boxes of the page, by indices that exist (the content script follows
/// them); every toggle and paste changes only enabled boxes of the page, each at most once, and
/// its undo restores exactly those.
pub fn page_snapshot(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    #[derive(serde::Deserialize)]
    struct Input {
        snapshot: PageSnapshot,
        #[serde(default)]
        filter: Option<RowFilter>,
    }
    let input = serde_json::from_str::<Input>(text).or_else(|_| {
        serde_json::from_str::<PageSnapshot>(text).map(|snapshot| Input {
            snapshot,
            filter: None,
        })
    });
    let Ok(Input { snapshot, filter }) = input else {
        return;
    };
    let reply = forcefield::toggles::column_plans(&snapshot, filter.as_ref());
    if forcefield::toggles::check_snapshot(&snapshot).is_err() {
        assert!(matches!(reply, Reply::Failed { .. }));
        return;
    }
    let boxes: Vec<&columns::CheckboxSnapshot> = snapshot
        .tables
        .iter()
        .flat_map(|t| &t.rows)
        .flat_map(|r| &r.cells)
        .filter_map(|c| c.checkbox.as_ref())
        .collect();
    let enabled = |id: &str| boxes.iter().any(|b| b.id == id && !b.disabled);
    let Reply::ColumnPlans(controls) = reply else {
        panic!("a snapshot within its limits gets controls: {reply:?}");
    };
    let count = controls.boxes.len();
    for links in &controls.boxes {
        assert!(
            boxes.iter().any(|b| b.id == links.id),
            "{} is not a box of the page",
            links.id
        );
        assert!(
            links.on.iter().chain(&links.off).all(|&i| i < count),
            "a link beyond the boxes"
        );
    }
    for control in &controls.columns {
        assert!(
            control.boxes.iter().all(|&i| i < count),
            "a column box beyond the boxes"
        );
    }
    for table in &controls.tables {
        assert!(
            table.index < snapshot.tables.len(),
            "a table beyond the snapshot's"
        );
    }
    let model = columns::detect_columns(&snapshot);
    let check = |changes: &[columns::CheckboxChange], undo: &[columns::CheckboxChange]| {
        let mut seen = BTreeSet::new();
        for change in changes {
            assert!(
                enabled(&change.checkbox_id),
                "a plan changes {change:?}, not an enabled box of the page"
            );
            assert!(
                seen.insert(&change.checkbox_id),
                "a plan changes {} twice",
                change.checkbox_id
            );
        }
        let undone: BTreeSet<&String> = undo.iter().map(|u| &u.checkbox_id).collect();
        assert_eq!(undone, seen, "undo restores exactly the changed boxes");
    };
    for control in &controls.columns {
        let column = &control.column;
        for action in [ColumnAction::CheckAll, ColumnAction::ClearAll] {
            let filter = filter.clone().filter(|f| f.table_key == column.table_key);
            let request = ToggleRequest {
                column_key: column.key.clone(),
                action,
                filter,
            };
            if let Ok(plan) = columns::plan_toggle(&model, &request) {
                check(&plan.changes, &plan.undo);
            }
        }
    }
    for table in controls.tables.iter().take(4) {
        let rows = snapshot
            .tables
            .get(table.index)
            .map_or(&[][..], |t| &t.rows[..]);
        for row in rows.iter().take(2) {
            let filter = filter.as_ref().filter(|f| f.table_key == table.key);
            if let Ok(plan) = columns::plan_paste(&model, &table.key, &row.key, filter) {
                check(&plan.changes, &plan.undo);
            }
        }
    }
    // A toggle of a column the page doesn't have is an error, not a panic.
    let _ = columns::plan_toggle(
        &model,
        &ToggleRequest {
            column_key: "no such column".to_owned(),
            action: ColumnAction::CheckAll,
            filter,
        },
    );
}

/// The requests that read the org and write to it, in order, each taking the next answers: the
/// org's REST answers (query pages, describes, composite and collection answers) decide the rest.
pub fn rest_answers(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (_, answers) = split(text);
    let transport = Scripted::new(answers);
    let storage = MemoryStorage::default();
    let host = host(&transport, &storage);
    for request in rest_script() {
        if transport.remaining() == 0 {
            break;
        }
        match ask(&host, request, None) {
            Reply::ApplyProgress { apply } => drive_apply(&host, &transport, &apply.apply_id),
            reply => {
                serde_json::to_string(&reply).unwrap();
            }
        }
    }
    let _ = ask(
        &host,
        Request::BadgeUsers {
            user_ids: vec!["005AM000000000NYAQ".into(), "005AM000000000Q".into()],
        },
        Some(FRAME_URL),
    );
}

fn drive_apply(
    host: &Host<GivenSessions, &Scripted, &MemoryStorage, ManualClock>,
    transport: &Scripted,
    apply_id: &str,
) {
    for _ in 0..MAX_STEPS {
        if transport.remaining() == 0 {
            return;
        }
        let reply = ask(
            host,
            Request::ContinueApply {
                org_url: ORG_URL.into(),
                apply_id: apply_id.into(),
            },
            None,
        );
        serde_json::to_string(&reply).unwrap();
    }
}

/// The scripted requests of [`rest_answers`] (its seeds are the sim's answers to them).
pub fn rest_script() -> Vec<Request> {
    let spec: forcefield::model::PermissionSetSpec = serde_json::from_str(
        r#"{"name":"Integration_Fuzz","label":"Integration – Fuzz","description":"",
            "license":"none","objects":{"Account":{"read":true,"edit":true},"Contact":{"read":true}},
            "fields":{"Account.Industry":"readEdit","Contact.Email":"read"},
            "systemPermissions":["PasswordNeverExpires"]}"#,
    )
    .unwrap();
    vec![
        Request::OrgStatus {
            tab_url: ORG_URL.into(),
        },
        Request::GeneratorContext {
            org_url: ORG_URL.into(),
            user_id: None,
        },
        Request::ObjectFields {
            org_url: ORG_URL.into(),
            sobject: "Account".into(),
        },
        Request::PlanPermissionSet {
            org_url: ORG_URL.into(),
            spec: spec.clone(),
            assignee_id: None,
            target_permission_set_id: None,
            use_composite: false,
        },
        Request::StartApply {
            org_url: ORG_URL.into(),
            spec,
            assignee_id: None,
            target_permission_set_id: None,
            use_composite: false,
            confirmed_production: true,
            fingerprint: None,
            apply_id: None,
        },
    ]
}

/// The apply the fuzzed journal belongs to (seeds name theirs the same).
pub const JOURNAL_APPLY_ID: &str = "apply-1";

/// A stored journal resumed: its JSON text (today's envelope, or version 0's journal text),
/// then the org's answers to the calls the resumed apply makes. The pending list, `continueApply` and `finishCleanUp` answer
/// instead of panicking.
pub fn journal_resumed(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (journal, answers) = split(text);
    let transport = Scripted::new(answers);
    let storage = MemoryStorage::default();
    let put = |key: String, value: serde_json::Value| {
        pollster::block_on(storage.set(Area::Local, &key, value)).unwrap();
    };
    // An object with a `kind` is stored as itself (today's versioned envelope, or a broken one);
    // other text as a string (how version 0 kept journals). Journals are found by listing their
    // keys, so no index is needed.
    let stored = match serde_json::from_str::<serde_json::Value>(journal) {
        Ok(object @ serde_json::Value::Object(_)) if object.get("kind").is_some() => object,
        _ => serde_json::Value::String(journal.to_owned()),
    };
    put(
        format!("generatorApply:{ORG_ID}:{JOURNAL_APPLY_ID}"),
        stored,
    );
    // The API version is known, so every answer goes to the journal's calls.
    put(
        format!("apiVersion:{ORG_ID}"),
        serde_json::json!({"kind": "apiVersion", "version": 1, "json": "\"66.0\""}),
    );
    let host = host(&transport, &storage);
    let reply = ask(
        &host,
        Request::PendingApplies {
            org_url: ORG_URL.into(),
        },
        None,
    );
    serde_json::to_string(&reply).unwrap();
    drive_apply(&host, &transport, JOURNAL_APPLY_ID);
    for _ in 0..MAX_STEPS {
        if transport.remaining() == 0 {
            break;
        }
        let reply = ask(
            &host,
            Request::FinishCleanUp {
                org_url: ORG_URL.into(),
                apply_id: JOURNAL_APPLY_ID.into(),
            },
            None,
        );
        serde_json::to_string(&reply).unwrap();
    }
}
