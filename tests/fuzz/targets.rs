//! The fuzz targets' bodies, shared by the cargo-fuzz targets (`fuzz/`, nightly) and their bounded
//! property tests (`tests/fuzz_properties.rs`, stable, in `make test`). Each takes what a host,
//! a page, the org or storage could hand the core, runs it through the core's public entry points
//! on the in-memory platform, and checks that the core answers instead of panicking (and, where a
//! property is known, that it holds).
//!
//! Inputs are text, so seeds stay readable: a request or a stored journal as JSON, then the org's
//! answers, each `<status>\n<body>`, separated by lines of `---` (see [`split`]).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use forcefield::columns::copy::{self, CopyMode, FieldGrant, SourceAccess};
use forcefield::columns::{self, ColumnAction, PageSnapshot, RowFilter, ToggleRequest};
use forcefield::platform::memory::{GivenSessions, ManualClock, MemoryStorage, RecordedPages};
use forcefield::platform::{
    Area, Host, HttpRequest, HttpResponse, KeyValueStore, Transport, TransportError,
};
use forcefield::protocol::badges::BadgeUsers;
use forcefield::protocol::generator::{
    ContinueApply, FinishCleanUp, GeneratorReply, GetGeneratorContext, GetObjectFields,
    ListPendingApplies, PlanPermissionSet, StartApply,
};
use forcefield::protocol::org::GetOrgStatus;
use forcefield::protocol::record_types::{
    GetRecordTypeDefaults, RecordTypesReply, SetDefaultRecordType,
};
use forcefield::protocol::toggles::PlanColumns;
use forcefield::protocol::{decode_text, ContentRequest, Decode, Frame, PageRequest, Reply};
use forcefield::rules::ObjectPerm;
use forcefield::salesforce::metadata_api::{self, parse_read_profile};
use forcefield::salesforce::{OrgId, SalesforceHost, Session};
use forcefield::xml;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

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
    /// Every request sent, in order, and the answer it got.
    sent: RefCell<Vec<(HttpRequest, Option<HttpResponse>)>>,
}

impl Scripted {
    /// Asserts the first request sent (if any) was not the API version discovery: a target that
    /// remembered the version drives its answers into the calls it means.
    fn assert_version_remembered(&self) {
        if let Some((first, _)) = self.sent.borrow().first() {
            assert!(
                !first.url.ends_with("/services/data/"),
                "the remembered API version was not read: {}",
                first.url
            );
        }
    }

    pub fn new(answers: Vec<(u16, String)>) -> Self {
        Self {
            answers: RefCell::new(
                answers
                    .into_iter()
                    .map(|(status, body)| HttpResponse::new(status, body))
                    .collect(),
            ),
            sent: RefCell::new(Vec::new()),
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
        let answer = self.answers.borrow_mut().pop_front();
        self.sent.borrow_mut().push((request, answer.clone()));
        answer.ok_or_else(|| TransportError::Unreachable("no more scripted answers".to_owned()))
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

/// The org's API version as the core caches it for the browser session (`connection.rs`), so
/// the scripted answers go to the calls a target drives, not to discovering the version.
pub fn remember_api_version(storage: &MemoryStorage) {
    let version = serde_json::json!({"kind": "apiVersion", "version": 1, "json": "\"66.0\""});
    pollster::block_on(storage.set(Area::Session, &format!("apiVersion:{ORG_ID}"), version))
        .unwrap();
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

type FuzzHost<'a> = Host<GivenSessions, &'a Scripted, &'a MemoryStorage, ManualClock>;

/// An extension page's request.
fn ask(host: &FuzzHost, request: impl Into<PageRequest>) -> Reply {
    pollster::block_on(forcefield::router::answer_page(host, request.into()))
}

/// A content script's request from the Setup frame [`FRAME_URL`].
fn ask_from_frame(host: &FuzzHost, request: impl Into<ContentRequest>) -> Reply {
    let frame = Frame {
        url: FRAME_URL.to_owned(),
    };
    let pages = RecordedPages::default();
    pollster::block_on(forcefield::router::answer_content(
        host,
        &pages,
        &frame,
        request.into(),
    ))
}

/// A request a sender's enum reads, written back as its message, reads again as the same request.
fn round_trips<R: Decode + PartialEq + std::fmt::Debug>(request: &R) {
    let written = request.encode().unwrap().to_string();
    assert_eq!(decode_text::<R>(&written).ok().as_ref(), Some(request));
}

/// Metadata API XML import: any text is read by the one XML reader ([`forcefield::xml`]) within
/// its limits, and what it reads, written back, reads the same; any text is a spec with warnings
/// or a clear error, and what it imports exports and imports again to the same spec.
pub fn xml_import(data: &[u8]) {
    let Ok(xml) = std::str::from_utf8(data) else {
        return;
    };
    xml_reader(xml);
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

/// The shared XML reader: a document it reads stays within [`xml::MAX_DEPTH`] and
/// [`xml::MAX_ELEMENTS`], one beyond [`xml::MAX_BYTES`] is refused as too large, and a tree it
/// reads, written back with every text escaped, reads as the same tree.
fn xml_reader(text: &str) {
    let parsed = xml::parse(text);
    if text.len() > xml::MAX_BYTES {
        assert!(
            matches!(parsed, Err(xml::XmlError::TooLarge { .. })),
            "{parsed:?}"
        );
        return;
    }
    let Ok(root) = parsed else {
        return;
    };
    let (depth, elements) = tree_size(&root);
    assert!(depth <= xml::MAX_DEPTH, "{depth} deep");
    assert!(elements <= xml::MAX_ELEMENTS, "{elements} elements");
    if names_are_plain(&root) {
        let written = write_tree(&root);
        assert_eq!(
            xml::parse(&written).as_ref(),
            Ok(&root),
            "written back: {written}"
        );
    }
}

/// The depth and element count of a tree (iteratively: a tree may be as deep as the reader allows).
fn tree_size(root: &xml::Element) -> (usize, usize) {
    let mut stack = vec![(root, 1)];
    let (mut depth, mut elements) = (0, 0);
    while let Some((element, level)) = stack.pop() {
        depth = depth.max(level);
        elements += 1;
        stack.extend(element.children.iter().map(|c| (c, level + 1)));
    }
    (depth, elements)
}

/// Names a writer may put in a tag as they are.
fn names_are_plain(root: &xml::Element) -> bool {
    let mut stack = vec![root];
    while let Some(element) = stack.pop() {
        let plain = element
            .name
            .chars()
            .all(|c| c.is_alphanumeric() || "_-.".contains(c));
        if !plain {
            return false;
        }
        stack.extend(&element.children);
    }
    true
}

/// The tree as XML: each element's text (escaped) before its children.
fn write_tree(element: &xml::Element) -> String {
    let mut out = format!("<{}>{}", element.name, xml::escape(&element.text));
    for child in &element.children {
        out.push_str(&write_tree(child));
    }
    out.push_str(&format!("</{}>", element.name));
    out
}

/// The Metadata API's SOAP answers (salesforce.md §I.12, §I.13), each `<status>\n<body>` after a
/// user Id (blank: a default one). Every answer, read as a `readMetadata` and as an
/// `updateMetadata` answer, is a result or a clear error; a profile it reads, written back as
/// Salesforce writes it, reads the same. Then the record types page's requests run on the
/// answers in order: the defaults of the user's profile, and a default set from what they
/// showed. Whatever the org answers, an update names only the chosen object's record types,
/// makes exactly the chosen one the default, and is sent only when the profile's default is
/// still the one the page showed.
pub fn soap_answers(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (user, answers) = split(text);
    for (status, body) in answers.iter().take(MAX_SOAP_ANSWERS) {
        soap_answer(*status, body);
    }
    let transport = Scripted::new(answers);
    let storage = MemoryStorage::default();
    remember_api_version(&storage);
    let host = host(&transport, &storage);
    let user = Some(user.trim()).filter(|u| !u.is_empty());
    let reply = ask(
        &host,
        GetRecordTypeDefaults {
            org_url: ORG_URL.into(),
            user_id: Some(user.unwrap_or("005AM000000000NYAQ").to_owned()),
            profile_id: None,
        },
    );
    serde_json::to_string(&reply).unwrap();
    transport.assert_version_remembered();
    let Reply::RecordTypes(RecordTypesReply::RecordTypeDefaults(view)) = reply else {
        return;
    };
    // The first record type the page would offer to make a default.
    let choice = view.objects.iter().find_map(|object| {
        let choice = object
            .record_types
            .iter()
            .find(|c| c.active && !c.default)?;
        Some((object, choice))
    });
    let Some((object, choice)) = choice else {
        return;
    };
    let already_sent = transport.sent.borrow().len();
    let reply = ask(
        &host,
        SetDefaultRecordType {
            org_url: ORG_URL.into(),
            profile_id: view.profile.id.clone(),
            profile_name: view.profile.name.clone(),
            profile_full_name: view.profile.full_name.clone(),
            record_type: choice.full_name.clone(),
            shown_default: object.default.clone(),
        },
    );
    serde_json::to_string(&reply).unwrap();
    let sent = transport.sent.borrow();
    let calls: Vec<xml::Element> = sent
        .get(already_sent..)
        .unwrap_or_default()
        .iter()
        .map(|(r, _)| r)
        .filter(|r| r.url.contains("/services/Soap/m/"))
        .map(|r| xml::parse(r.body.as_deref().unwrap_or_default()).unwrap())
        .collect();
    let updates: Vec<&xml::Element> = calls
        .iter()
        .filter_map(|c| c.descendant(&["Body", "updateMetadata", "metadata"]))
        .collect();
    assert!(updates.len() <= 1, "more than one update: {updates:?}");
    let Some(update) = updates.first() else {
        return;
    };
    // The update follows a read whose default for the object is still the one shown.
    let first_read = answer_to(&sent, already_sent, "readMetadata");
    let before = parse_read_profile(&first_read, &view.profile.full_name).unwrap();
    let defaults: Vec<String> =
        forcefield::record_types::view::current_defaults(&before.visibilities, &object.object)
            .map(|v| v.record_type.clone())
            .collect();
    assert_eq!(
        defaults.first(),
        object.default.as_ref(),
        "an update although the default changed since it was shown"
    );
    assert_eq!(
        update.child_text("fullName"),
        Some(before.full_name.as_str())
    );
    let entries: Vec<&xml::Element> = update.children_named("recordTypeVisibilities").collect();
    for entry in &entries {
        let record_type = entry.child_text("recordType").unwrap_or_default();
        assert_eq!(
            metadata_api::object_of(record_type),
            object.object,
            "an update touches another object: {record_type}"
        );
    }
    let new_defaults: Vec<&str> = entries
        .iter()
        .filter(|e| e.child_flag("default"))
        .map(|e| e.child_text("recordType").unwrap_or_default())
        .collect();
    assert_eq!(new_defaults, [choice.full_name.as_str()], "{update:?}");
}

/// Most answers of one input read on their own by [`soap_answers`].
const MAX_SOAP_ANSWERS: usize = 8;

/// The answer to the first SOAP call `call` sent after the first `from` requests.
fn answer_to(
    sent: &[(HttpRequest, Option<HttpResponse>)],
    from: usize,
    call: &str,
) -> HttpResponse {
    let tag = format!("<{call}>");
    sent.get(from..)
        .unwrap_or_default()
        .iter()
        .find(|(r, _)| {
            r.url.contains("/services/Soap/m/")
                && r.body.as_deref().is_some_and(|b| b.contains(&tag))
        })
        .and_then(|(_, answer)| answer.clone())
        .unwrap_or_else(|| panic!("no answer to a {call}"))
}

/// One SOAP answer read both ways.
fn soap_answer(status: u16, body: &str) {
    let response = HttpResponse::new(status, body.to_owned());
    match parse_read_profile(&response, "Fuzz Profile") {
        Ok(profile) => {
            assert!(!profile.full_name.is_empty());
            for visibility in &profile.visibilities {
                assert!(visibility.record_type.contains('.'), "{visibility:?}");
            }
            let written = read_metadata_answer(&profile);
            let again = parse_read_profile(&HttpResponse::new(200, written.clone()), "other");
            assert_eq!(again.as_ref(), Ok(&profile), "written back: {written}");
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    if let Err(error) = metadata_api::parse_save_result(&response) {
        assert!(!error.to_string().is_empty());
    }
}

/// A `readMetadata` answer as Salesforce writes it (salesforce.md §I.12).
fn read_metadata_answer(profile: &metadata_api::ProfileRecordTypes) -> String {
    let mut records = String::new();
    xml::push_element(&mut records, "fullName", &profile.full_name);
    for v in &profile.visibilities {
        records.push_str("<recordTypeVisibilities>");
        xml::push_element(&mut records, "default", xml::flag(v.default));
        if let Some(person) = v.person_account_default {
            xml::push_element(&mut records, "personAccountDefault", xml::flag(person));
        }
        xml::push_element(&mut records, "recordType", &v.record_type);
        xml::push_element(&mut records, "visible", xml::flag(v.visible));
        records.push_str("</recordTypeVisibilities>");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"{}\" xmlns=\"{}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body><readMetadataResponse><result><records xsi:type=\"Profile\">{records}</records></result></readMetadataResponse></soapenv:Body></soapenv:Envelope>",
        metadata_api::SOAP_ENVELOPE_NS,
        metadata_api::METADATA_NS
    )
}

/// Every request the core deserialises: the request's JSON, then the org's answers. Routed as
/// from an extension page and as from a content script in a Setup frame.
pub fn protocol(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (json, answers) = split(text);
    if let Ok(request) = decode_text::<PageRequest>(json) {
        // A request the core reads, it can write back and read again as the same request.
        round_trips(&request);
        let transport = Scripted::new(answers.clone());
        let storage = MemoryStorage::default();
        let reply = ask(&host(&transport, &storage), request);
        serde_json::to_string(&reply).unwrap();
    }
    if let Ok(request) = decode_text::<ContentRequest>(json) {
        round_trips(&request);
        let transport = Scripted::new(answers);
        let storage = MemoryStorage::default();
        let reply = ask_from_frame(&host(&transport, &storage), request);
        serde_json::to_string(&reply).unwrap();
    }
}

/// A content script's page snapshot: `{"snapshot": …, "filter": …, "copy": …}` or a bare
/// snapshot. The core refuses it with a clear message or hands back the page's controls; then
/// the content script's own steps (`extension/toggles.js`, written again in [`Script`]), run
/// from those controls alone, must do exactly what the core's plans say for every column toggle,
/// row paste and copy from another set ([`columns::plan_toggle`], [`columns::plan_paste`],
/// [`copy::apply_copy`]): the same boxes in the same order, only enabled boxes in shown rows,
/// and each undo restores the page as it was.
pub fn page_snapshot(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let input = serde_json::from_str::<SnapshotInput>(text).or_else(|_| {
        serde_json::from_str::<PageSnapshot>(text).map(|snapshot| SnapshotInput {
            snapshot,
            filter: None,
            copy: None,
        })
    });
    let Ok(input) = input else {
        return;
    };
    let snapshot = &input.snapshot;
    let reply = forcefield::toggles::column_plans(&PlanColumns {
        snapshot: snapshot.clone(),
        filter: input.filter.clone(),
    });
    if forcefield::toggles::check_snapshot(snapshot).is_err() {
        assert!(reply.is_err(), "{reply:?}");
        return;
    }
    let controls =
        reply.unwrap_or_else(|e| panic!("a snapshot within its limits gets controls: {e}"));
    let page = Page::of(snapshot);
    check_controls(&page, &controls);
    let model = columns::detect_columns(snapshot);
    check_counts(&page, &controls, input.filter.as_ref());
    for table in controls.tables.iter().take(MAX_TABLES) {
        // The input's filter where it is for this table; without one, the table unfiltered and
        // with every other row hidden (so closures reach hidden rows).
        let filters = match &input.filter {
            Some(filter) => vec![Some(filter.clone()).filter(|f| f.table_key == table.key)],
            None => vec![None, Some(every_other_row(snapshot, table))],
        };
        for filter in &filters {
            let filter = filter.as_ref();
            if filter.is_some() {
                check_counts(&page, &columns::PageControls::of(&model, filter), filter);
            }
            let script = Script::new(&page, &controls, filter);
            check_toggles(&page, &model, &script, &controls, table, filter);
            check_pastes(&page, &model, &script, &controls, table, filter);
        }
    }

    // Copying another permission set's access to the page's object.
    let script = Script::new(&page, &controls, None);
    let (object, source) = match &input.copy {
        Some(given) => (given.source.object.clone(), given.source.clone()),
        None => {
            let object = copy::page_object(&model).unwrap_or_else(|| "Account".to_owned());
            let source = source_from_page(&object, &controls);
            (object, source)
        }
    };
    let modes = match input.copy.as_ref().and_then(|c| c.mode) {
        Some(mode) => vec![mode],
        None => vec![CopyMode::MatchExactly, CopyMode::AddOnly],
    };
    for mode in modes {
        let plan = copy::plan_copy(&model, &object, &source, mode);
        let what = format!("copying {mode:?} to {object}");
        let mut named = BTreeSet::new();
        for target in &plan.targets {
            assert!(
                script.index_of(&target.checkbox_id).is_some(),
                "{what}: {} is not a box of the page",
                target.checkbox_id
            );
            assert!(
                named.insert(&target.checkbox_id),
                "{what} names {} twice",
                target.checkbox_id
            );
        }
        let mut run = script.run();
        for target in &plan.targets {
            if let Some(i) = script.index_of(&target.checkbox_id) {
                run.step(i, target.checked);
            }
        }
        let (changes, skipped) = copy::apply_copy(&model, &plan);
        assert_eq!(
            run.changes(),
            changes,
            "{what}: the page and the core differ"
        );
        assert_eq!(run.refused, skipped.len(), "{what}: boxes left differ");
        assert_eq!(
            page.replay(
                &page.replay(&page.checked, &changes),
                &columns::undo_changes(&changes)
            ),
            page.checked,
            "{what}: its undo does not restore the page"
        );
        script.check_run(&run, &what);
    }

    // A toggle of a column the page doesn't have is an error, not a panic.
    let _ = columns::plan_toggle(
        &model,
        &ToggleRequest {
            column_key: "no such column".to_owned(),
            action: ColumnAction::CheckAll,
            filter: input.filter.clone(),
        },
    );
}

/// A filter on `table` that shows its rows at even positions.
fn every_other_row(snapshot: &PageSnapshot, table: &columns::TableControl) -> RowFilter {
    let rows = snapshot
        .tables
        .get(table.index)
        .map_or(&[][..], |t| &t.rows[..]);
    RowFilter {
        table_key: table.key.clone(),
        visible_row_keys: rows.iter().step_by(2).map(|r| r.key.clone()).collect(),
    }
}

/// The header controls count what the content script counts from the links, and act as their
/// state says.
fn check_counts(page: &Page, controls: &columns::PageControls, filter: Option<&RowFilter>) {
    let script = Script::new(page, controls, filter);
    for control in &controls.columns {
        let (checked, changeable) = script.column_state(&control.boxes);
        assert_eq!(
            (checked, changeable),
            (
                control.column.checked_count,
                control.column.changeable_count
            ),
            "{}: the content script counts otherwise",
            control.column.key
        );
        assert_eq!(
            control.column.state.toggle_action(),
            if changeable > 0 && checked == changeable {
                ColumnAction::ClearAll
            } else {
                ColumnAction::CheckAll
            },
            "{}: the control does otherwise than its state says",
            control.column.key
        );
    }
}

/// Both toggles of each column of `table`, by the content script and by the core.
fn check_toggles(
    page: &Page,
    model: &columns::PageModel,
    script: &Script,
    controls: &columns::PageControls,
    table: &columns::TableControl,
    filter: Option<&RowFilter>,
) {
    let table_columns = controls
        .columns
        .iter()
        .filter(|c| c.column.table_key == table.key);
    for control in table_columns.take(MAX_COLUMNS) {
        let column = &control.column;
        for action in [ColumnAction::CheckAll, ColumnAction::ClearAll] {
            let want = action == ColumnAction::CheckAll;
            let mut run = script.run();
            for &i in &control.boxes {
                if script.disabled(i) || !script.shown(i) || run.state(i) == want {
                    continue;
                }
                run.step(i, want);
            }
            let request = ToggleRequest {
                column_key: column.key.clone(),
                action,
                filter: filter.cloned(),
            };
            let plan = columns::plan_toggle(model, &request)
                .unwrap_or_else(|e| panic!("{}: a column of the controls: {e}", column.key));
            let what = format!("{action:?} of {} ({filter:?})", column.key);
            assert_eq!(
                run.changes(),
                plan.changes,
                "{what}: the page and the core differ"
            );
            assert_eq!(
                run.refused,
                plan.skipped.len(),
                "{what}: skipped rows differ"
            );
            let mut seen = BTreeSet::new();
            for change in &plan.changes {
                assert!(
                    seen.insert(&change.checkbox_id),
                    "{what} changes {} twice",
                    change.checkbox_id
                );
            }
            assert_eq!(
                page.replay(&page.replay(&page.checked, &plan.changes), &plan.undo),
                page.checked,
                "{what}: its undo does not restore the page"
            );
            script.check_run(&run, &what);
            // A toggle that skipped nothing leaves its column all checked or all clear.
            if plan.skipped.is_empty() {
                let after = columns::tri_state_after(model, &plan.changes, filter);
                let state = after
                    .iter()
                    .find(|s| s.key == column.key)
                    .unwrap_or_else(|| panic!("{what}: the column has no state after"));
                let expected = if want { state.changeable_count } else { 0 };
                assert_eq!(state.checked_count, expected, "{what}: {state:?}");
            }
        }
    }
}

/// Pasting a row's access onto the other shown rows of `table`, by the content script (which
/// copies a row by its element) and by the core (which names it by its key: the first row with
/// that key).
fn check_pastes(
    page: &Page,
    model: &columns::PageModel,
    script: &Script,
    controls: &columns::PageControls,
    table: &columns::TableControl,
    filter: Option<&RowFilter>,
) {
    let Some(rows) = page.snapshot.tables.get(table.index).map(|t| &t.rows) else {
        panic!("{}: a table beyond the snapshot's", table.key);
    };
    let cells: Vec<usize> = controls
        .columns
        .iter()
        .filter(|c| c.column.table_key == table.key)
        .map(|c| c.column.cell_index)
        .collect();
    let box_at = |row: usize, cell: usize| -> Option<usize> {
        let checkbox = rows.get(row)?.cells.get(cell)?.checkbox.as_ref()?;
        script.index_of(&checkbox.id)
    };
    let sources = rows
        .iter()
        .enumerate()
        .filter(|(n, row)| rows.iter().position(|r| r.key == row.key) == Some(*n));
    for (source, row) in sources.take(MAX_PASTES) {
        let wanted: Vec<Option<bool>> = cells
            .iter()
            .map(|&cell| box_at(source, cell).map(|i| script.checked(i)))
            .collect();
        let mut run = script.run();
        let mut rows_changed = 0;
        for target in (0..rows.len()).filter(|&n| n != source) {
            if !script.row_shown(table.index, target) {
                continue;
            }
            let before = run.changed.len();
            for (&cell, want) in cells.iter().zip(&wanted) {
                if let (Some(i), Some(want)) = (box_at(target, cell), want) {
                    run.step(i, *want);
                }
            }
            rows_changed += usize::from(run.changed.len() > before);
        }
        let plan = columns::plan_paste(model, &table.key, &row.key, filter)
            .unwrap_or_else(|e| panic!("{}: a row of the snapshot: {e}", row.key));
        let what = format!("pasting {} in {} ({filter:?})", row.key, table.key);
        assert_eq!(
            run.changes(),
            plan.changes,
            "{what}: the page and the core differ"
        );
        assert_eq!(
            rows_changed, plan.rows_changed,
            "{what}: rows changed differ"
        );
        assert_eq!(
            run.refused,
            plan.skipped.len(),
            "{what}: skipped boxes differ"
        );
        assert_eq!(
            page.replay(&page.replay(&page.checked, &plan.changes), &plan.undo),
            page.checked,
            "{what}: its undo does not restore the page"
        );
        script.check_run(&run, &what);
    }
}

/// Columns, tables and source rows per input the page snapshot target tries (each runs steps
/// over the whole page).
const MAX_COLUMNS: usize = 16;
const MAX_TABLES: usize = 4;
const MAX_PASTES: usize = 3;

#[derive(serde::Deserialize)]
struct SnapshotInput {
    snapshot: PageSnapshot,
    #[serde(default)]
    filter: Option<RowFilter>,
    /// What to copy (the org's answer, already read); without it, a source made from the page.
    #[serde(default)]
    copy: Option<CopyInput>,
}

#[derive(serde::Deserialize)]
struct CopyInput {
    source: SourceAccess,
    #[serde(default)]
    mode: Option<CopyMode>,
}

/// A source that grants some of the page's own fields and not others, one field the page lacks,
/// and two object permissions.
fn source_from_page(object: &str, controls: &columns::PageControls) -> SourceAccess {
    let mut source = SourceAccess {
        object: object.to_owned(),
        object_perms: [ObjectPerm::Read, ObjectPerm::Create].into(),
        ..SourceAccess::default()
    };
    let names = controls
        .tables
        .iter()
        .flat_map(|t| &t.rows)
        .filter_map(|r| r.api_name.as_deref());
    for (n, name) in names.enumerate() {
        let field = name.split_once('.').map_or(name, |(_, field)| field);
        let grant = FieldGrant {
            read: n % 3 != 0,
            edit: n % 3 == 1,
        };
        source.fields.push((field.to_owned(), grant));
    }
    source.fields.push((
        "Not_On_This_Page__c".to_owned(),
        FieldGrant {
            read: true,
            edit: true,
        },
    ));
    source
}

/// The page's boxes as the content script finds them: in document order, with where each is.
struct Page<'s> {
    snapshot: &'s PageSnapshot,
    /// Per box: its id, table and row.
    boxes: Vec<(&'s str, usize, usize)>,
    checked: BTreeMap<&'s str, bool>,
    disabled: BTreeMap<&'s str, bool>,
}

impl<'s> Page<'s> {
    fn of(snapshot: &'s PageSnapshot) -> Self {
        let mut page = Page {
            snapshot,
            boxes: Vec::new(),
            checked: BTreeMap::new(),
            disabled: BTreeMap::new(),
        };
        for (t, table) in snapshot.tables.iter().enumerate() {
            for (r, row) in table.rows.iter().enumerate() {
                for checkbox in row.cells.iter().filter_map(|c| c.checkbox.as_ref()) {
                    page.boxes.push((&checkbox.id, t, r));
                    page.checked.insert(&checkbox.id, checkbox.checked);
                    page.disabled.insert(&checkbox.id, checkbox.disabled);
                }
            }
        }
        page
    }

    /// The boxes' states once `changes` are made, one after another, as the page takes them.
    fn replay(
        &self,
        states: &BTreeMap<&'s str, bool>,
        changes: &[columns::CheckboxChange],
    ) -> BTreeMap<&'s str, bool> {
        let mut states = states.clone();
        for change in changes {
            let state = states
                .get_mut(change.checkbox_id.as_str())
                .unwrap_or_else(|| panic!("{} is not a box of the page", change.checkbox_id));
            *state = change.checked;
        }
        states
    }
}

/// The controls name the page's boxes, each once, in document order (the content script pairs
/// them by position), with links that stay among them.
fn check_controls(page: &Page, controls: &columns::PageControls) {
    let ids: Vec<&str> = controls.boxes.iter().map(|b| b.id.as_str()).collect();
    let page_ids: Vec<&str> = page.boxes.iter().map(|(id, _, _)| *id).collect();
    assert_eq!(ids, page_ids, "the controls' boxes are not the page's");
    let count = controls.boxes.len();
    for (index, links) in controls.boxes.iter().enumerate() {
        for &i in links.on.iter().chain(&links.off) {
            assert!(i < count, "{}: a link beyond the boxes", links.id);
            assert_ne!(i, index, "{}: a box linked to itself", links.id);
        }
    }
    for control in &controls.columns {
        assert!(
            control.boxes.iter().all(|&i| i < count),
            "a column box beyond the boxes"
        );
    }
    for table in &controls.tables {
        let rows = page.snapshot.tables.get(table.index).map(|t| t.rows.len());
        assert_eq!(
            rows,
            Some(table.rows.len()),
            "{}: the table's rows are not the snapshot's",
            table.key
        );
    }
}

/// The content script's model of the page (`extension/toggles.js`, `Model`): every box's state,
/// whether it is disabled and shown, and its closure, all from the page and the core's controls.
struct Script<'p> {
    links: &'p [columns::BoxLinks],
    index_by_id: BTreeMap<&'p str, usize>,
    checked: Vec<bool>,
    disabled: Vec<bool>,
    shown: Vec<bool>,
    /// Per table of the snapshot with a filter, which rows it shows.
    shown_rows: BTreeMap<(usize, usize), bool>,
}

impl<'p> Script<'p> {
    /// The model under `filter` (rows of other tables are all shown).
    fn new(
        page: &'p Page,
        controls: &'p columns::PageControls,
        filter: Option<&RowFilter>,
    ) -> Self {
        let filtered_table = filter.and_then(|f| {
            controls
                .tables
                .iter()
                .find(|t| t.key == f.table_key)
                .map(|t| t.index)
        });
        let row_shown = |t: usize, r: usize| -> bool {
            match (filter, filtered_table) {
                (Some(filter), Some(filtered)) if filtered == t => page
                    .snapshot
                    .tables
                    .get(t)
                    .and_then(|table| table.rows.get(r))
                    .is_some_and(|row| filter.visible_row_keys.contains(&row.key)),
                _ => true,
            }
        };
        let mut script = Script {
            links: &controls.boxes,
            index_by_id: BTreeMap::new(),
            checked: Vec::new(),
            disabled: Vec::new(),
            shown: Vec::new(),
            shown_rows: BTreeMap::new(),
        };
        for (index, &(id, t, r)) in page.boxes.iter().enumerate() {
            script.index_by_id.insert(id, index);
            script
                .checked
                .push(page.checked.get(id).copied().unwrap_or(false));
            script
                .disabled
                .push(page.disabled.get(id).copied().unwrap_or(true));
            script.shown.push(row_shown(t, r));
        }
        for (t, table) in page.snapshot.tables.iter().enumerate() {
            for r in 0..table.rows.len() {
                script.shown_rows.insert((t, r), row_shown(t, r));
            }
        }
        script
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        self.index_by_id.get(id).copied()
    }

    fn checked(&self, i: usize) -> bool {
        self.checked.get(i).copied().unwrap_or(false)
    }

    /// A box the page no longer has counts as disabled: never written.
    fn disabled(&self, i: usize) -> bool {
        self.disabled.get(i).copied().unwrap_or(true)
    }

    fn shown(&self, i: usize) -> bool {
        self.shown.get(i).copied().unwrap_or(false)
    }

    fn row_shown(&self, table: usize, row: usize) -> bool {
        self.shown_rows.get(&(table, row)).copied().unwrap_or(false)
    }

    fn closure(&self, target: usize, want: bool) -> &'p [usize] {
        self.links
            .get(target)
            .map_or(&[][..], |l| if want { &l.on } else { &l.off })
    }

    /// Whether setting `target` to `want` must not happen: it, or a box its closure would change,
    /// is disabled or in a hidden row.
    fn refused(&self, states: &[bool], target: usize, want: bool) -> bool {
        let blocked = |i: usize| self.disabled(i) || !self.shown(i);
        let state = |i: usize| states.get(i).copied().unwrap_or(false);
        (state(target) != want && blocked(target))
            || self
                .closure(target, want)
                .iter()
                .any(|&i| state(i) != want && blocked(i))
    }

    /// All, some or none of a column's changeable boxes checked: (checked, changeable).
    fn column_state(&self, members: &[usize]) -> (usize, usize) {
        members
            .iter()
            .filter(|&&i| {
                !self.disabled(i)
                    && self.shown(i)
                    && !self.refused(&self.checked, i, !self.checked(i))
            })
            .fold((0, 0), |(checked, all), &i| {
                (checked + usize::from(self.checked(i)), all + 1)
            })
    }

    fn run(&self) -> ScriptRun<'_, 'p> {
        ScriptRun {
            script: self,
            states: self.checked.clone(),
            changed: Vec::new(),
            before: BTreeMap::new(),
            refused: 0,
        }
    }

    /// A run never writes a disabled box or one in a hidden row, and its undo (`undoLast`: each
    /// box that ends other than it started set back, unless disabled) restores the page.
    fn check_run(&self, run: &ScriptRun, what: &str) {
        for &(i, _) in &run.changed {
            assert!(!self.disabled(i), "{what} writes a disabled box");
            assert!(self.shown(i), "{what} writes a box in a hidden row");
        }
        let mut states = run.states.clone();
        for (i, previous) in run.undo() {
            if !self.disabled(i) {
                if let Some(state) = states.get_mut(i) {
                    *state = previous;
                }
            }
        }
        assert_eq!(
            states, self.checked,
            "{what}: undo does not restore the page"
        );
    }
}

/// One bulk change on the page (`extension/toggles.js`, `Run`).
struct ScriptRun<'s, 'p> {
    script: &'s Script<'p>,
    states: Vec<bool>,
    /// Each box written and the state written, in order.
    changed: Vec<(usize, bool)>,
    /// Each written box's state before the run first wrote it.
    before: BTreeMap<usize, bool>,
    refused: usize,
}

impl ScriptRun<'_, '_> {
    fn state(&self, i: usize) -> bool {
        self.states.get(i).copied().unwrap_or(false)
    }

    fn step(&mut self, target: usize, want: bool) {
        if self.state(target) == want {
            return;
        }
        if self.script.refused(&self.states, target, want) {
            self.refused += 1;
            return;
        }
        self.set(target, want);
        for &i in self.script.closure(target, want) {
            self.set(i, want);
        }
    }

    fn set(&mut self, i: usize, want: bool) {
        if let Some(state) = self.states.get_mut(i).filter(|state| **state != want) {
            self.before.entry(i).or_insert(*state);
            *state = want;
            self.changed.push((i, want));
        }
    }

    /// What undo sets back (`Run.undo`): each box that ends other than it started.
    fn undo(&self) -> Vec<(usize, bool)> {
        self.before
            .iter()
            .filter(|&(&i, &before)| self.state(i) != before)
            .map(|(&i, &before)| (i, before))
            .collect()
    }

    /// What the run changed as the core's plans list it (`columns::steps::Run::into_changes`):
    /// each box at most once. The page writes a box a later step moves back (a pasted row granting
    /// Edit without Read clears a Read the next step checks again); a box written an even number
    /// of times ends as it started and is not listed, one written an odd number of times keeps its
    /// first write, whose state is also its last.
    fn changes(&self) -> Vec<columns::CheckboxChange> {
        let mut times: BTreeMap<usize, usize> = BTreeMap::new();
        for &(i, _) in &self.changed {
            *times.entry(i).or_default() += 1;
        }
        self.changed
            .iter()
            .filter(|&&(i, _)| match times.get_mut(&i) {
                Some(n) => {
                    let keep = *n % 2 == 1;
                    *n = 0;
                    keep
                }
                None => false,
            })
            .map(|&(i, checked)| columns::CheckboxChange {
                checkbox_id: self
                    .script
                    .links
                    .get(i)
                    .map(|l| l.id.clone())
                    .unwrap_or_default(),
                checked,
            })
            .collect()
    }
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
        match ask(&host, request) {
            Reply::Generator(GeneratorReply::ApplyProgress(progress)) => {
                drive_apply(&host, &transport, &progress.apply.apply_id)
            }
            reply => {
                serde_json::to_string(&reply).unwrap();
            }
        }
    }
    let _ = ask_from_frame(
        &host,
        BadgeUsers {
            user_ids: vec!["005AM000000000NYAQ".into(), "005AM000000000Q".into()],
        },
    );
}

fn drive_apply(host: &FuzzHost, transport: &Scripted, apply_id: &str) {
    for _ in 0..MAX_STEPS {
        if transport.remaining() == 0 {
            return;
        }
        let reply = ask(
            host,
            ContinueApply {
                org_url: ORG_URL.into(),
                apply_id: apply_id.into(),
            },
        );
        serde_json::to_string(&reply).unwrap();
    }
}

/// The scripted requests of [`rest_answers`] (its seeds are the sim's answers to them).
pub fn rest_script() -> Vec<PageRequest> {
    let spec: forcefield::model::PermissionSetSpec = serde_json::from_str(
        r#"{"name":"Integration_Fuzz","label":"Integration – Fuzz","description":"",
            "license":"none","objects":{"Account":{"read":true,"edit":true},"Contact":{"read":true}},
            "fields":{"Account.Industry":"readEdit","Contact.Email":"read"},
            "systemPermissions":["PasswordNeverExpires"]}"#,
    )
    .unwrap();
    vec![
        GetOrgStatus {
            tab_url: ORG_URL.into(),
        }
        .into(),
        GetGeneratorContext {
            org_url: ORG_URL.into(),
            user_id: None,
        }
        .into(),
        GetObjectFields {
            org_url: ORG_URL.into(),
            sobject: "Account".into(),
        }
        .into(),
        PlanPermissionSet {
            org_url: ORG_URL.into(),
            spec: spec.clone(),
            assignee_id: None,
            target_permission_set_id: None,
            use_composite: false,
        }
        .into(),
        StartApply {
            org_url: ORG_URL.into(),
            spec,
            assignee_id: None,
            target_permission_set_id: None,
            use_composite: false,
            confirmed_production: true,
            fingerprint: None,
            apply_id: None,
        }
        .into(),
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
    remember_api_version(&storage);
    let host = host(&transport, &storage);
    let reply = ask(
        &host,
        ListPendingApplies {
            org_url: ORG_URL.into(),
        },
    );
    serde_json::to_string(&reply).unwrap();
    drive_apply(&host, &transport, JOURNAL_APPLY_ID);
    transport.assert_version_remembered();
    for _ in 0..MAX_STEPS {
        if transport.remaining() == 0 {
            break;
        }
        let reply = ask(
            &host,
            FinishCleanUp {
                org_url: ORG_URL.into(),
                apply_id: JOURNAL_APPLY_ID.into(),
            },
        );
        serde_json::to_string(&reply).unwrap();
    }
}
