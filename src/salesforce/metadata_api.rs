//! The Metadata API over SOAP, as far as Forcefield uses it: `readMetadata` and `updateMetadata`
//! of a Profile's record type visibilities (salesforce.md §I.12, §I.13). Building a call and
//! reading its answer are pure functions ([`read_profile_request`], [`parse_read_profile`],
//! [`update_record_types_request`], [`parse_save_result`]); [`MetadataClient`] only sends them
//! through the host's [`Transport`].
//!
//! Every value written into an envelope (the session, names) is escaped; answers are read with
//! the project's own XML reader ([`crate::xml`]) by local name, so namespace prefixes don't matter
//! (salesforce.md §I.12: "prefixes don't matter, the namespaces do").

use super::error::ApiError;
use super::host::SalesforceHost;
use super::session::Session;
use super::version::ApiVersion;
use crate::platform::{HttpRequest, HttpResponse, Method, Transport};
use crate::xml::{self, flag, push_element, Element};
use serde::{Deserialize, Serialize};

/// The SOAP 1.1 envelope's namespace.
pub const SOAP_ENVELOPE_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The Metadata API's namespace (salesforce.md §I.12).
pub const METADATA_NS: &str = "http://soap.sforce.com/2006/04/metadata";
const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The Metadata API names its callers per call, as the REST client does (salesforce.md §I.12:
/// CallOptions "Specifies the API client identifier").
const CLIENT: &str = "Forcefield";

/// One `ProfileRecordTypeVisibility` (salesforce.md §I.12): whether a profile's users see a record
/// type, and whether it is the object's default for them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordTypeVisibility {
    /// `<Object>.<DeveloperName>`, e.g. `Account.Competitor` (a namespaced one:
    /// `Account.ns__Partner`).
    pub record_type: String,
    pub visible: bool,
    pub default: bool,
    /// The default for person accounts (Account only). Read and shown, never written.
    #[serde(default)]
    pub person_account_default: Option<bool>,
}

impl RecordTypeVisibility {
    /// The object part of [`Self::record_type`].
    pub fn object(&self) -> &str {
        object_of(&self.record_type)
    }
}

/// `Account` of `Account.Competitor`.
pub fn object_of(record_type: &str) -> &str {
    record_type
        .split_once('.')
        .map_or(record_type, |(object, _)| object)
}

/// A profile as `readMetadata` showed it, reduced to what Forcefield reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileRecordTypes {
    /// The profile's Metadata API name, as Salesforce returned it.
    pub full_name: String,
    /// Every record type visibility of the profile, in Salesforce's order.
    pub visibilities: Vec<RecordTypeVisibility>,
}

/// One `Error` of a `SaveResult` (salesforce.md §I.12): Salesforce's own words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveError {
    pub status_code: String,
    pub message: String,
    #[serde(default)]
    pub fields: Vec<String>,
}

/// Why a Metadata API call did not do what was asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    /// The call failed as a whole: no answer, an HTTP error, a SOAP fault (an expired session,
    /// the API allowance, a missing permission), or an answer that could not be read.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// `readMetadata` answered with an empty record: no profile has that name (salesforce.md §I.12:
    /// an unknown name is not an error there).
    #[error("Salesforce's Metadata API knows no profile named \"{full_name}\".")]
    NoSuchProfile { full_name: String },
    /// `updateMetadata` answered `success` false: nothing of the component was saved.
    #[error("Salesforce did not save the change: {}", join_messages(.errors))]
    NotSaved { errors: Vec<SaveError> },
}

fn join_messages(errors: &[SaveError]) -> String {
    if errors.is_empty() {
        return "it gave no reason.".to_owned();
    }
    errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `https://<api host>/services/Soap/m/<version>` (salesforce.md §I.12).
pub fn endpoint(host: &SalesforceHost, version: ApiVersion) -> String {
    format!("https://{host}/services/Soap/m/{version}")
}

/// A SOAP request to the Metadata API: the session in `SessionHeader`, the client named in
/// `CallOptions`, `extra_headers` (already XML) after them, and `body` (already XML) as the call.
fn soap_request(
    session: &Session,
    version: ApiVersion,
    extra_headers: &str,
    body: &str,
) -> HttpRequest {
    let mut envelope = String::with_capacity(body.len() + 600);
    envelope.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    envelope.push_str(&format!(
        "<soapenv:Envelope xmlns:soapenv=\"{SOAP_ENVELOPE_NS}\" xmlns:xsi=\"{XSI_NS}\">"
    ));
    envelope.push_str(&format!("<soapenv:Header xmlns=\"{METADATA_NS}\">"));
    envelope.push_str("<SessionHeader>");
    push_element(&mut envelope, "sessionId", session.token());
    envelope.push_str("</SessionHeader><CallOptions>");
    push_element(&mut envelope, "client", CLIENT);
    envelope.push_str("</CallOptions>");
    envelope.push_str(extra_headers);
    envelope.push_str(&format!(
        "</soapenv:Header><soapenv:Body xmlns=\"{METADATA_NS}\">"
    ));
    envelope.push_str(body);
    envelope.push_str("</soapenv:Body></soapenv:Envelope>");
    HttpRequest {
        method: Method::Post,
        url: endpoint(&session.api_host, version),
        headers: vec![
            (
                "Content-Type".to_owned(),
                "text/xml; charset=UTF-8".to_owned(),
            ),
            // SOAP 1.1 needs the header; Salesforce's endpoints take it empty (jsforce sends `""`).
            ("SOAPAction".to_owned(), "\"\"".to_owned()),
        ],
        body: Some(envelope),
    }
}

/// `readMetadata("Profile", [full_name])` (salesforce.md §I.12).
pub fn read_profile_request(
    session: &Session,
    version: ApiVersion,
    full_name: &str,
) -> HttpRequest {
    let mut body = String::from("<readMetadata>");
    push_element(&mut body, "type", "Profile");
    push_element(&mut body, "fullNames", full_name);
    body.push_str("</readMetadata>");
    soap_request(session, version, "", &body)
}

/// `updateMetadata` of one Profile carrying its `fullName` and exactly `changes`, nothing else:
/// the Metadata API overlays a Profile with what the call names (salesforce.md §I.13), so the rest
/// of the profile is left as it is. Elements follow the WSDL's order (`default`,
/// `personAccountDefault`, `recordType`, `visible`); `personAccountDefault` is never sent.
pub fn update_record_types_request(
    session: &Session,
    version: ApiVersion,
    full_name: &str,
    changes: &[RecordTypeVisibility],
) -> HttpRequest {
    let mut body = String::from("<updateMetadata><metadata xsi:type=\"Profile\">");
    push_element(&mut body, "fullName", full_name);
    for change in changes {
        body.push_str("<recordTypeVisibilities>");
        push_element(&mut body, "default", flag(change.default));
        push_element(&mut body, "recordType", &change.record_type);
        push_element(&mut body, "visible", flag(change.visible));
        body.push_str("</recordTypeVisibilities>");
    }
    body.push_str("</metadata></updateMetadata>");
    // One component per call; all or none all the same (salesforce.md §I.12, API 34.0+).
    let all_or_none = "<AllOrNoneHeader><allOrNone>true</allOrNone></AllOrNoneHeader>";
    soap_request(session, version, all_or_none, &body)
}

/// The `<Body>` child of a successful answer named `response`, or the fault / HTTP error it is.
fn response_body(response: &HttpResponse, call: &'static str) -> Result<Element, ApiError> {
    let document = xml::parse(&response.body);
    let body = document
        .as_ref()
        .ok()
        .filter(|envelope| envelope.name == "Envelope")
        .and_then(|envelope| envelope.child("Body"));
    if let Some(fault) = body.and_then(|b| b.child("Fault")) {
        // `sf:INVALID_SESSION_ID` → `INVALID_SESSION_ID` (salesforce.md §I.12).
        let code = fault.child_text("faultcode").unwrap_or_default();
        let code = code.rsplit(':').next().unwrap_or(code);
        let says = fault.child_text("faultstring").unwrap_or_default();
        return Err(ApiError::from_fault(response.status, code, says));
    }
    if !(200..300).contains(&response.status) {
        // Not a SOAP answer at all (a proxy's page, a 404 for an unknown version).
        return Err(ApiError::from_response(response.status, &response.body));
    }
    let what = match call {
        "readMetadataResponse" => "a readMetadata answer",
        _ => "an updateMetadata answer",
    };
    let Some(body) = body else {
        return Err(match document {
            Err(e) => ApiError::malformed(what, e),
            Ok(_) => ApiError::malformed(what, "no SOAP body"),
        });
    };
    body.child(call)
        .cloned()
        .ok_or_else(|| ApiError::malformed(what, format!("no <{call}>")))
}

/// Reads a `readMetadata` answer for the profile `asked_for` (salesforce.md §I.12).
pub fn parse_read_profile(
    response: &HttpResponse,
    asked_for: &str,
) -> Result<ProfileRecordTypes, MetadataError> {
    let answer = response_body(response, "readMetadataResponse")?;
    let record = answer.descendant(&["result", "records"]);
    let full_name = record
        .and_then(|r| r.child_text("fullName"))
        .filter(|name| !name.is_empty());
    let (Some(record), Some(full_name)) = (record, full_name) else {
        return Err(MetadataError::NoSuchProfile {
            full_name: asked_for.to_owned(),
        });
    };
    let visibilities = record
        .children_named("recordTypeVisibilities")
        .map(|entry| {
            let record_type = entry
                .child_text("recordType")
                .filter(|rt| rt.contains('.'))
                .ok_or_else(|| {
                    ApiError::malformed(
                        "a readMetadata answer",
                        "a record type visibility without an Object.Name record type",
                    )
                })?;
            Ok(RecordTypeVisibility {
                record_type: record_type.to_owned(),
                visible: entry.child_flag("visible"),
                default: entry.child_flag("default"),
                person_account_default: entry
                    .child_text("personAccountDefault")
                    .map(|v| v == "true"),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(ProfileRecordTypes {
        full_name: full_name.to_owned(),
        visibilities,
    })
}

/// Reads an `updateMetadata` answer for one component: `Ok` when Salesforce saved it.
pub fn parse_save_result(response: &HttpResponse) -> Result<(), MetadataError> {
    let answer = response_body(response, "updateMetadataResponse")?;
    let result = answer.child("result").ok_or_else(|| {
        ApiError::malformed("an updateMetadata answer", "no SaveResult for the profile")
    })?;
    if result.child_flag("success") {
        return Ok(());
    }
    let errors = result
        .children_named("errors")
        .map(|error| SaveError {
            status_code: error
                .child_text("statusCode")
                .unwrap_or_default()
                .to_owned(),
            message: error.child_text("message").unwrap_or_default().to_owned(),
            fields: error
                .children_named("fields")
                .map(|f| f.text.trim().to_owned())
                .collect(),
        })
        .collect();
    Err(MetadataError::NotSaved { errors })
}

/// Sends Metadata API calls for one session at one API version.
#[derive(Debug)]
pub struct MetadataClient<'a, T> {
    transport: &'a T,
    session: &'a Session,
    version: ApiVersion,
}

impl<'a, T: Transport> MetadataClient<'a, T> {
    pub fn new(transport: &'a T, session: &'a Session, version: ApiVersion) -> Self {
        Self {
            transport,
            session,
            version,
        }
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, ApiError> {
        self.transport
            .send(request)
            .await
            .map_err(ApiError::from_transport)
    }

    /// The profile `full_name`'s record type visibilities (one `readMetadata` call).
    pub async fn read_profile(&self, full_name: &str) -> Result<ProfileRecordTypes, MetadataError> {
        let request = read_profile_request(self.session, self.version, full_name);
        let response = self.send(request).await?;
        parse_read_profile(&response, full_name)
    }

    /// Writes exactly `changes` into the profile `full_name` (one `updateMetadata` call).
    pub async fn update_record_types(
        &self,
        full_name: &str,
        changes: &[RecordTypeVisibility],
    ) -> Result<(), MetadataError> {
        let request = update_record_types_request(self.session, self.version, full_name, changes);
        let response = self.send(request).await?;
        parse_save_result(&response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::salesforce::{ApiErrorKind, OrgId};

    fn session() -> Session {
        Session::new(
            OrgId::parse("00DAM0000000001").unwrap_or_else(|| panic!("org id")),
            SalesforceHost::parse("acme.my.salesforce.com").unwrap_or_else(|| panic!("host")),
            "00DAM0000000001!AQ<&>token".into(),
        )
        .unwrap_or_else(|| panic!("session"))
    }

    fn body(request: &HttpRequest) -> &str {
        request.body.as_deref().unwrap_or_default()
    }

    #[test]
    fn read_carries_the_session_and_escapes_every_value() {
        let request = read_profile_request(&session(), ApiVersion::new(66), "R&D <Ops>");
        assert_eq!(
            request.url,
            "https://acme.my.salesforce.com/services/Soap/m/66.0"
        );
        assert!(request
            .headers
            .contains(&("SOAPAction".to_owned(), "\"\"".to_owned())));
        // The token travels in the envelope only, never in a header.
        assert!(!request.headers.iter().any(|(_, v)| v.contains("token")));
        let xml = body(&request);
        assert!(xml.contains("<sessionId>00DAM0000000001!AQ&lt;&amp;&gt;token</sessionId>"));
        assert!(xml.contains("<fullNames>R&amp;D &lt;Ops&gt;</fullNames>"));
        let parsed = xml::parse(xml).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            parsed
                .descendant(&["Body", "readMetadata", "type"])
                .map(|t| t.text.as_str()),
            Some("Profile")
        );
    }

    #[test]
    fn update_names_the_profile_and_only_the_changed_visibilities() {
        let changes = [
            RecordTypeVisibility {
                record_type: "Account.Partner".into(),
                visible: true,
                default: true,
                person_account_default: Some(true),
            },
            RecordTypeVisibility {
                record_type: "Account.Customer".into(),
                visible: false,
                default: false,
                person_account_default: None,
            },
        ];
        let request = update_record_types_request(
            &session(),
            ApiVersion::new(66),
            "Minimum Access - API Only Integrations",
            &changes,
        );
        let xml = body(&request);
        assert!(xml.contains("<allOrNone>true</allOrNone>"));
        let parsed = xml::parse(xml).unwrap_or_else(|e| panic!("{e}"));
        let metadata = parsed
            .descendant(&["Body", "updateMetadata", "metadata"])
            .unwrap_or_else(|| panic!("metadata"));
        let names: Vec<&str> = metadata.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "fullName",
                "recordTypeVisibilities",
                "recordTypeVisibilities"
            ]
        );
        let first: Vec<(&str, &str)> = metadata.children[1]
            .children
            .iter()
            .map(|c| (c.name.as_str(), c.text.as_str()))
            .collect();
        // WSDL order; personAccountDefault is never written.
        assert_eq!(
            first,
            [
                ("default", "true"),
                ("recordType", "Account.Partner"),
                ("visible", "true")
            ]
        );
        assert!(xml.contains("<metadata xsi:type=\"Profile\">"));
    }

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(status, body)
    }

    const READ: &str = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><readMetadataResponse><result><records xsi:type="Profile"><fullName>Minimum Access - API Only Integrations</fullName><custom>false</custom><recordTypeVisibilities><default>false</default><recordType>Account.Competitor</recordType><visible>false</visible></recordTypeVisibilities><recordTypeVisibilities><default>true</default><personAccountDefault>true</personAccountDefault><recordType>Account.Customer</recordType><visible>true</visible></recordTypeVisibilities><userLicense>Salesforce Integration</userLicense></records></result></readMetadataResponse></soapenv:Body></soapenv:Envelope>"#;

    #[test]
    fn reads_the_visibilities_of_a_profile() {
        let profile = parse_read_profile(&answer(200, READ), "x").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(profile.full_name, "Minimum Access - API Only Integrations");
        assert_eq!(
            profile.visibilities,
            [
                RecordTypeVisibility {
                    record_type: "Account.Competitor".into(),
                    visible: false,
                    default: false,
                    person_account_default: None,
                },
                RecordTypeVisibility {
                    record_type: "Account.Customer".into(),
                    visible: true,
                    default: true,
                    person_account_default: Some(true),
                },
            ]
        );
        assert_eq!(profile.visibilities[1].object(), "Account");
    }

    #[test]
    fn an_empty_record_means_no_such_profile() {
        for empty in [
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><readMetadataResponse><result><records xsi:nil="true"/></result></readMetadataResponse></soapenv:Body></soapenv:Envelope>"#,
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><readMetadataResponse><result/></readMetadataResponse></soapenv:Body></soapenv:Envelope>"#,
        ] {
            assert_eq!(
                parse_read_profile(&answer(200, empty), "System Administrator"),
                Err(MetadataError::NoSuchProfile {
                    full_name: "System Administrator".into()
                })
            );
        }
    }

    #[test]
    fn a_fault_is_classified_by_its_code() {
        // Copied in shape from a real answer (salesforce.md §I.12).
        let expired = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session</faultstring><detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault"><sf:exceptionCode>INVALID_SESSION_ID</sf:exceptionCode><sf:exceptionMessage>Invalid Session ID found in SessionHeader: Illegal Session</sf:exceptionMessage></sf:UnexpectedErrorFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;
        let Err(MetadataError::Api(error)) = parse_read_profile(&answer(500, expired), "x") else {
            panic!("expected an API error");
        };
        assert_eq!(error.kind, ApiErrorKind::SessionExpired);
        assert_eq!(error.status, Some(500));
        assert_eq!(error.code.as_deref(), Some("INVALID_SESSION_ID"));

        let other = expired
            .replace("sf:INVALID_SESSION_ID<", "sf:INVALID_TYPE<")
            .replace(
                "INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session<",
                "INVALID_TYPE: Unknown type name &apos;Profil&apos;<",
            );
        let Err(MetadataError::Api(error)) = parse_save_result(&answer(500, &other)) else {
            panic!("expected an API error");
        };
        assert_eq!(error.kind, ApiErrorKind::Rejected);
        assert!(
            error.message.contains("Unknown type name 'Profil'"),
            "{}",
            error.message
        );
        assert!(!error.message.contains("HTTP"), "{}", error.message);
    }

    #[test]
    fn a_failed_save_result_keeps_salesforces_words() {
        let refused = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><updateMetadataResponse><result><errors><fields>recordType</fields><message>In field: recordType - no RecordType named Account.Nope found</message><statusCode>INVALID_CROSS_REFERENCE_KEY</statusCode></errors><fullName>Minimum Access - API Only Integrations</fullName><success>false</success></result></updateMetadataResponse></soapenv:Body></soapenv:Envelope>"#;
        let error = parse_save_result(&answer(200, refused)).err();
        assert_eq!(
            error,
            Some(MetadataError::NotSaved {
                errors: vec![SaveError {
                    status_code: "INVALID_CROSS_REFERENCE_KEY".into(),
                    message: "In field: recordType - no RecordType named Account.Nope found".into(),
                    fields: vec!["recordType".into()],
                }]
            })
        );
        let saved = refused
            .replace("<success>false</success>", "<success>true</success>")
            .replace(
                "<errors><fields>recordType</fields><message>In field: recordType - no RecordType named Account.Nope found</message><statusCode>INVALID_CROSS_REFERENCE_KEY</statusCode></errors>",
                "",
            );
        assert_eq!(parse_save_result(&answer(200, &saved)), Ok(()));
    }

    #[test]
    fn unreadable_answers_are_errors_not_panics() {
        for (status, body) in [
            (200, ""),
            (200, "<html>maintenance</html>"),
            (
                200,
                "<soapenv:Envelope><soapenv:Body><other/></soapenv:Body></soapenv:Envelope>",
            ),
            (200, "<soapenv:Envelope><soapenv:Body>"),
            (503, "<html>Service unavailable</html>"),
            (404, ""),
        ] {
            let read = parse_read_profile(&answer(status, body), "x");
            assert!(
                matches!(read, Err(MetadataError::Api(_))),
                "{status} {body}: {read:?}"
            );
            let save = parse_save_result(&answer(status, body));
            assert!(
                matches!(save, Err(MetadataError::Api(_))),
                "{status} {body}: {save:?}"
            );
        }
        let no_record_type = READ.replace("<recordType>Account.Competitor</recordType>", "");
        assert!(matches!(
            parse_read_profile(&answer(200, &no_record_type), "x"),
            Err(MetadataError::Api(ApiError {
                kind: ApiErrorKind::MalformedResponse,
                ..
            }))
        ));
    }
}
