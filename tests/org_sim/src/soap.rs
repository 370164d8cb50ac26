//! The Metadata API's SOAP endpoint `POST /services/Soap/m/<version>` (salesforce.md §I.12):
//! `readMetadata` and `updateMetadata` of Profiles, as far as their record type visibilities go
//! (§I.13, §H.Q6; the rules live in [`crate::record_types`]). Real envelopes in and out: the
//! session comes from `SessionHeader`, answers are `readMetadataResponse` / `updateMetadataResponse`
//! with `SaveResult`s, and failures of the call as a whole are SOAP faults with HTTP 500.
//!
//! Requests are read with a strict, namespace-aware XML parser: an envelope a real endpoint could
//! not read (wrong namespaces, broken XML) is a fault here too.

use hyper::{Method, StatusCode};
use roxmltree::{Document, Node};

use crate::config::{IntegrationProfileRecordTypes, SimConfig};
use crate::http::{self, Req, Resp};
use crate::org::Org;
use crate::record_types::{self, Entry, SaveError, Saved};
use crate::rest::versions;
use crate::state::{Session, Shared};

/// SOAP 1.1's envelope namespace.
pub const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The Metadata API's namespace (salesforce.md §I.12).
pub const METADATA: &str = "http://soap.sforce.com/2006/04/metadata";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The path prefix of the endpoint.
pub const PATH_PREFIX: &str = "/services/Soap/m/";

/// `readMetadata` takes at most 10 names (salesforce.md §I.12).
const MAX_READ_NAMES: usize = 10;

/// The call a SOAP request makes (the first child of its Body), for the request log.
pub fn operation(req: &Req) -> Option<String> {
    if !req.path.starts_with(PATH_PREFIX) {
        return None;
    }
    let text = std::str::from_utf8(&req.body).ok()?;
    let doc = Document::parse(text).ok()?;
    let body = child(doc.root_element(), SOAP_ENV, "Body")?;
    body.children()
        .find(Node::is_element)
        .map(|n| n.tag_name().name().to_owned())
}

/// A SOAP fault: HTTP 500, `faultcode`/`faultstring` and the `UnexpectedErrorFault` detail, in the
/// shape of a real answer (salesforce.md §I.12). Which namespace the Metadata endpoint gives the
/// `sf` prefix is [U]; the sim uses the Metadata API's own.
fn fault(code: &str, message: &str) -> Resp {
    let esc = http::esc;
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"{SOAP_ENV}\" xmlns:sf=\"{METADATA}\" xmlns:xsi=\"{XSI}\"><soapenv:Body><soapenv:Fault><faultcode>sf:{code}</faultcode><faultstring>{code}: {message}</faultstring><detail><sf:UnexpectedErrorFault xsi:type=\"sf:UnexpectedErrorFault\"><sf:exceptionCode>{code}</sf:exceptionCode><sf:exceptionMessage>{message}</sf:exceptionMessage></sf:UnexpectedErrorFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>",
        code = esc(code),
        message = esc(message),
    );
    xml(StatusCode::INTERNAL_SERVER_ERROR, body)
}

/// A fault for a message the endpoint can't read at all: SOAP's own `Client` code.
fn client_fault(message: &str) -> Resp {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"{SOAP_ENV}\"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>{}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>",
        http::esc(message)
    );
    xml(StatusCode::INTERNAL_SERVER_ERROR, body)
}

fn xml(status: StatusCode, body: String) -> Resp {
    let mut resp = http::text(status, body);
    http::set(&mut resp, "content-type", "text/xml;charset=UTF-8");
    resp
}

fn answer(operation: &str, result: &str) -> Resp {
    xml(
        StatusCode::OK,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"{SOAP_ENV}\" xmlns=\"{METADATA}\" xmlns:xsi=\"{XSI}\"><soapenv:Body><{operation}Response>{result}</{operation}Response></soapenv:Body></soapenv:Envelope>"
        ),
    )
}

fn child<'a, 'i>(node: Node<'a, 'i>, ns: &str, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| {
        n.is_element() && n.tag_name().name() == name && n.tag_name().namespace() == Some(ns)
    })
}

fn children<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |n| {
        n.is_element() && n.tag_name().name() == name && n.tag_name().namespace() == Some(METADATA)
    })
}

fn text_of(node: Node<'_, '_>, name: &str) -> Option<String> {
    child(node, METADATA, name).map(|n| n.text().unwrap_or_default().trim().to_owned())
}

fn flag_of(node: Node<'_, '_>, name: &str) -> Option<bool> {
    text_of(node, name).and_then(|t| match t.as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    })
}

/// Handles a request under [`PATH_PREFIX`]. `host_org` is the org of the request's host.
pub fn handle(shared: &Shared, req: &Req, host_org: Option<usize>) -> Resp {
    if req.method != Method::POST {
        return http::text(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
    }
    let version = req.path.strip_prefix(PATH_PREFIX).unwrap_or_default();
    let Ok(text) = std::str::from_utf8(&req.body) else {
        return client_fault("The message is not UTF-8.");
    };
    let doc = match Document::parse(text) {
        Ok(doc) => doc,
        Err(e) => return client_fault(&format!("The message is not well-formed XML: {e}")),
    };
    let envelope = doc.root_element();
    if envelope.tag_name().name() != "Envelope" || envelope.tag_name().namespace() != Some(SOAP_ENV)
    {
        return client_fault("The document element is not a SOAP 1.1 Envelope.");
    }
    // Every Metadata API call authenticates with SessionHeader (salesforce.md §I.12).
    let sid = child(envelope, SOAP_ENV, "Header")
        .and_then(|h| child(h, METADATA, "SessionHeader"))
        .and_then(|h| text_of(h, "sessionId"));
    let session = sid.and_then(|sid| crate::rest::auth::authenticate_sid(shared, &sid, host_org));
    let Some(session) = session else {
        // The real answer to an expired or unknown session (salesforce.md §I.12).
        return fault(
            "INVALID_SESSION_ID",
            "Invalid Session ID found in SessionHeader: Illegal Session",
        );
    };
    let (org, spent) = crate::rest::spend_api_call(shared, &session);
    if spent {
        // salesforce.md §B.2: the allowance covers every API.
        return fault("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
    }
    let max = shared
        .lock()
        .orgs
        .get(org)
        .map(|o| o.max_api_version.clone())
        .unwrap_or_default();
    // readMetadata and updateMetadata are API 30.0+ (salesforce.md §I.12); the message is the sim's.
    if versions::parse_requested(&format!("v{version}"), &max).is_none()
        || version
            .split('.')
            .next()
            .and_then(|m| m.parse::<u16>().ok())
            .is_none_or(|m| m < 30)
    {
        return fault(
            "UNSUPPORTED_API_VERSION",
            &format!("Invalid Api version specified on URL: {version}"),
        );
    }
    let Some(call) =
        child(envelope, SOAP_ENV, "Body").and_then(|b| b.children().find(Node::is_element))
    else {
        return client_fault("The envelope has no Body call.");
    };
    if call.tag_name().namespace() != Some(METADATA) {
        return client_fault(&format!(
            "No operation available for request {{{}}}{}",
            call.tag_name().namespace().unwrap_or_default(),
            call.tag_name().name()
        ));
    }
    let mut st = shared.lock();
    let mode = st.integration_profile_record_types;
    let Some(o) = st.orgs.get_mut(org) else {
        return fault(
            "INVALID_SESSION_ID",
            "Invalid Session ID found in SessionHeader: Illegal Session",
        );
    };
    if !may_use_metadata_api(o, &session) {
        return fault(
            "INSUFFICIENT_ACCESS",
            "use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permissions",
        );
    }
    match call.tag_name().name() {
        "readMetadata" => read_metadata(o, call),
        "updateMetadata" => {
            let all_or_none = child(envelope, SOAP_ENV, "Header")
                .and_then(|h| child(h, METADATA, "AllOrNoneHeader"))
                .and_then(|h| flag_of(h, "allOrNone"))
                .unwrap_or(false);
            update_metadata(o, &shared.config, mode, call, all_or_none)
        }
        other => client_fault(&format!(
            "org-sim simulates readMetadata and updateMetadata only, not {other}."
        )),
    }
}

/// Modify All Data through any assigned permission set, the profile's included (every user
/// holds their profile's set): what readMetadata and updateMetadata need (salesforce.md §I.12).
fn may_use_metadata_api(org: &Org, session: &Session) -> bool {
    let store = &org.store;
    store
        .records("PermissionSetAssignment")
        .iter()
        .filter(|a| a.text("AssigneeId") == Some(session.user_id.as_str()))
        .filter_map(|a| store.get(a.text("PermissionSetId")?))
        .any(|ps| ps.flag("PermissionsModifyAllData"))
}

fn read_metadata(org: &Org, call: Node<'_, '_>) -> Resp {
    let kind = text_of(call, "type").unwrap_or_default();
    if kind != "Profile" {
        return client_fault(&format!(
            "org-sim simulates readMetadata of Profile only, not {kind:?}."
        ));
    }
    let names: Vec<String> = children(call, "fullNames")
        .map(|n| n.text().unwrap_or_default().trim().to_owned())
        .collect();
    if names.len() > MAX_READ_NAMES {
        // The limit is documented; the code and words of the refusal are the sim's.
        return fault(
            "INVALID_OPERATION",
            &format!(
                "readMetadata takes at most {MAX_READ_NAMES} names; {} were given.",
                names.len()
            ),
        );
    }
    let mut result = String::from("<result>");
    for name in &names {
        match record_types::profile_by_full_name(org, name) {
            Some(profile) => result.push_str(&profile_xml(org, profile)),
            // An unknown name is an empty record, not an error (salesforce.md §I.12).
            None => result.push_str("<records xsi:type=\"Profile\"/>"),
        }
    }
    result.push_str("</result>");
    answer("readMetadata", &result)
}

fn tag(out: &mut String, name: &str, value: &str) {
    out.push_str(&format!("<{name}>{}</{name}>", http::esc(value)));
}

fn bool_text(on: bool) -> &'static str {
    if on {
        "true"
    } else {
        "false"
    }
}

/// The whole profile, as readMetadata returns it (salesforce.md §I.12: object and field
/// permissions included): `fullName`, then the rest in the alphabetical order of retrieved files.
fn profile_xml(org: &Org, profile: &crate::store::Record) -> String {
    let store = &org.store;
    let name = profile.text("Name").unwrap_or_default();
    let owned = store.records("PermissionSet").iter().find(|ps| {
        ps.flag("IsOwnedByProfile") && ps.text("ProfileId") == Some(profile.id.as_str())
    });
    let mut out = String::from("<records xsi:type=\"Profile\">");
    tag(&mut out, "fullName", record_types::metadata_name(name));
    tag(
        &mut out,
        "custom",
        bool_text(record_types::is_custom_profile(name)),
    );
    if let Some(ps) = owned {
        let mut fields: Vec<&crate::store::Record> = store
            .records("FieldPermissions")
            .iter()
            .filter(|f| f.text("ParentId") == Some(ps.id.as_str()))
            .collect();
        fields.sort_by_key(|f| f.text("Field").unwrap_or_default().to_owned());
        for f in fields {
            out.push_str("<fieldPermissions>");
            tag(&mut out, "editable", bool_text(f.flag("PermissionsEdit")));
            tag(&mut out, "field", f.text("Field").unwrap_or_default());
            tag(&mut out, "readable", bool_text(f.flag("PermissionsRead")));
            out.push_str("</fieldPermissions>");
        }
        let mut objects: Vec<&crate::store::Record> = store
            .records("ObjectPermissions")
            .iter()
            .filter(|o| o.text("ParentId") == Some(ps.id.as_str()))
            .collect();
        objects.sort_by_key(|o| o.text("SobjectType").unwrap_or_default().to_owned());
        for o in objects {
            out.push_str("<objectPermissions>");
            for (element, field) in [
                ("allowCreate", "PermissionsCreate"),
                ("allowDelete", "PermissionsDelete"),
                ("allowEdit", "PermissionsEdit"),
                ("allowRead", "PermissionsRead"),
                ("modifyAllRecords", "PermissionsModifyAllRecords"),
            ] {
                tag(&mut out, element, bool_text(o.flag(field)));
            }
            tag(
                &mut out,
                "object",
                o.text("SobjectType").unwrap_or_default(),
            );
            tag(
                &mut out,
                "viewAllRecords",
                bool_text(o.flag("PermissionsViewAllRecords")),
            );
            out.push_str("</objectPermissions>");
        }
    }
    if let Some(entries) = org.record_type_visibility.get(&profile.id) {
        for (record_type, v) in entries {
            out.push_str("<recordTypeVisibilities>");
            tag(&mut out, "default", bool_text(v.default));
            if let Some(person) = v.person_account_default {
                tag(&mut out, "personAccountDefault", bool_text(person));
            }
            tag(&mut out, "recordType", record_type);
            tag(&mut out, "visible", bool_text(v.visible));
            out.push_str("</recordTypeVisibilities>");
        }
    }
    let license = profile
        .text("UserLicenseId")
        .and_then(|id| store.get(id))
        .and_then(|l| l.text("Name"))
        .unwrap_or_default();
    tag(&mut out, "userLicense", license);
    if let Some(ps) = owned {
        let mut names: Vec<&str> = crate::catalog::perms::SYSTEM_PERMISSIONS
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| ps.flag(&format!("Permissions{n}")))
            .collect();
        names.sort_unstable();
        for n in names {
            out.push_str("<userPermissions>");
            tag(&mut out, "enabled", "true");
            tag(&mut out, "name", n);
            out.push_str("</userPermissions>");
        }
    }
    out.push_str("</records>");
    out
}

/// What one `<metadata>` of an updateMetadata asks.
struct Component {
    full_name: String,
    entries: Vec<Entry>,
    /// Problems that keep it from being saved before the rules are even asked.
    errors: Vec<SaveError>,
}

fn component(node: Node<'_, '_>) -> Component {
    let mut errors = Vec::new();
    let kind = node
        .attribute((XSI, "type"))
        .map(|t| t.rsplit(':').next().unwrap_or(t))
        .unwrap_or_default();
    if kind != "Profile" {
        errors.push(SaveError {
            status_code: "INVALID_TYPE".into(),
            message: format!("org-sim simulates updateMetadata of Profile only, not {kind:?}."),
            fields: Vec::new(),
        });
    }
    let mut entries = Vec::new();
    for element in node.children().filter(Node::is_element) {
        match element.tag_name().name() {
            "fullName" => {}
            "recordTypeVisibilities" => entries.push(Entry {
                record_type: text_of(element, "recordType").unwrap_or_default(),
                default: flag_of(element, "default"),
                visible: flag_of(element, "visible"),
                person_account_default: flag_of(element, "personAccountDefault"),
            }),
            other => errors.push(SaveError {
                status_code: "FIELD_INTEGRITY_EXCEPTION".into(),
                // The sim is honest about what it doesn't simulate rather than ignoring it.
                message: format!("org-sim simulates recordTypeVisibilities in Profile updates only, not {other}."),
                fields: vec![other.to_owned()],
            }),
        }
    }
    Component {
        full_name: text_of(node, "fullName").unwrap_or_default(),
        entries,
        errors,
    }
}

fn save_result(full_name: &str, errors: &[SaveError]) -> String {
    let mut out = String::from("<result>");
    for e in errors {
        out.push_str("<errors>");
        for f in &e.fields {
            tag(&mut out, "fields", f);
        }
        tag(&mut out, "message", &e.message);
        tag(&mut out, "statusCode", &e.status_code);
        out.push_str("</errors>");
    }
    tag(&mut out, "fullName", full_name);
    tag(&mut out, "success", bool_text(errors.is_empty()));
    out.push_str("</result>");
    out
}

fn update_metadata(
    org: &mut Org,
    config: &SimConfig,
    mode: IntegrationProfileRecordTypes,
    call: Node<'_, '_>,
    all_or_none: bool,
) -> Resp {
    let components: Vec<Component> = children(call, "metadata").map(component).collect();
    let before = org.record_type_visibility.clone();
    let mut outcomes: Vec<(String, Vec<SaveError>)> = Vec::new();
    for c in components {
        let errors = if !c.errors.is_empty() {
            c.errors
        } else {
            match record_types::update_profile(org, config, mode, &c.full_name, &c.entries) {
                Ok(Saved::Changed | Saved::Ignored) => Vec::new(),
                Err(errors) => errors,
            }
        };
        outcomes.push((c.full_name, errors));
    }
    if all_or_none && outcomes.iter().any(|(_, e)| !e.is_empty()) {
        // AllOrNoneHeader (salesforce.md §I.12): nothing is kept; the SOAP API's rollback words.
        org.record_type_visibility = before;
        for (_, errors) in &mut outcomes {
            if errors.is_empty() {
                errors.push(SaveError {
                    status_code: "ALL_OR_NONE_OPERATION_ROLLED_BACK".into(),
                    message: "Record rolled back because not all records were valid and the request was using AllOrNone header".into(),
                    fields: Vec::new(),
                });
            }
        }
    }
    let results: String = outcomes
        .iter()
        .map(|(name, errors)| save_result(name, errors))
        .collect();
    answer("updateMetadata", &results)
}
