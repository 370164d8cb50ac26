//! The sans-IO REST client: builds requests for one org's API host, sends them through a
//! [`Transport`], maps failures to [`ApiError`] and follows query paging (salesforce.md §A.4, §B.1).

use super::error::ApiError;
use super::host::SalesforceHost;
use super::session::Session;
use super::version::ApiVersion;
use crate::platform::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Salesforce lets clients name themselves per call; it shows in the org's API usage reports
/// (salesforce.md §A.4 `Sforce-Call-Options`).
const CALL_OPTIONS: &str = "client=Forcefield";

/// Largest answer read, in bytes. Forcefield's largest answers are a composite of at most 25
/// subrequests such as object describes (salesforce.md §B.4, §B.6) or a query batch of at most
/// 2,000 records (§B.1): a few MB. 64 MiB is far above them and keeps an answer that is wrong
/// (or not Salesforce's) from exhausting the worker's memory.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// Most pages of one query followed: 1,000 batches are up to 2,000,000 records (salesforce.md §B.1),
/// far more than any query Forcefield makes; an answer that never says `done` stops here.
pub const MAX_QUERY_PAGES: usize = 1_000;

/// A REST client bound to one session and API version.
#[derive(Debug)]
pub struct Client<'a, T> {
    transport: &'a T,
    session: &'a Session,
    version: ApiVersion,
}

// Salesforce's answers are read from their JSON values by hand, as the badges' rows are: a
// deserializer per answer type would weigh more in the core every Setup page wakes than these
// few fields are worth.

/// A string field of a JSON object.
fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key)?.as_str().map(str::to_owned)
}

/// A required string field, or a "malformed" error naming `what`.
fn required(value: &Value, key: &str, what: &str) -> Result<String, ApiError> {
    text(value, key).ok_or_else(|| ApiError::malformed(what, format!("no {key}")))
}

/// Which versions the org's API host offers: `GET /services/data/` (salesforce.md §A.4), negotiated
/// against what Forcefield supports.
pub async fn discover_version(
    transport: &impl Transport,
    session: &Session,
) -> Result<ApiVersion, ApiError> {
    let response = send(transport, session, Method::Get, "/services/data/", None).await?;
    let offered: Value = parse(&response.body, "the list of API versions")?;
    let offered = offered
        .as_array()
        .ok_or_else(|| ApiError::malformed("the list of API versions", "not a list"))?;
    // `[{"label", "url", "version": "66.0"}, …]` (salesforce.md §A.4).
    let versions = offered
        .iter()
        .filter_map(|v| ApiVersion::parse(v.get("version")?.as_str()?));
    ApiVersion::negotiate(versions).ok_or_else(|| ApiError {
        kind: super::error::ApiErrorKind::NotFound,
        status: Some(response.status),
        code: None,
        message: crate::words::no_supported_version(),
        fields: Vec::new(),
    })
}

impl<'a, T: Transport> Client<'a, T> {
    pub fn new(transport: &'a T, session: &'a Session, version: ApiVersion) -> Self {
        Self {
            transport,
            session,
            version,
        }
    }

    pub fn version(&self) -> ApiVersion {
        self.version
    }

    /// `GET` a path under the API host and decode the JSON answer.
    pub async fn get<R: DeserializeOwned>(&self, path: &str, what: &str) -> Result<R, ApiError> {
        let response = send(self.transport, self.session, Method::Get, path, None).await?;
        parse(&response.body, what)
    }

    /// Sends any request with an optional JSON body to a path under the API host. Non-2xx
    /// answers are errors; a 2xx answer is returned as is (collections and composite report
    /// per-record failures inside a 200, salesforce.md §B.3, §B.4).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<HttpResponse, ApiError> {
        send(self.transport, self.session, method, path, body).await
    }

    /// Sends a request and returns whatever HTTP answer came back, any status, with its
    /// headers; `Err` only when no usable answer arrived (the transport's reason, or an answer
    /// over [`MAX_RESPONSE_BYTES`], which is not read). For callers that
    /// judge every answer themselves (the generator's apply).
    pub async fn exchange(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<HttpResponse, TransportError> {
        let request = request(self.session, method, path, body).ok_or_else(|| {
            TransportError::Unreachable("not a path on the org's API host; not sent".to_owned())
        })?;
        let response = self.transport.send(request).await?;
        if response.body.len() > MAX_RESPONSE_BYTES {
            return Err(TransportError::Unreachable(format!(
                "an answer of {} MB, more than the {} MB Forcefield reads",
                response.body.len().div_ceil(1024 * 1024),
                MAX_RESPONSE_BYTES / (1024 * 1024)
            )));
        }
        Ok(response)
    }

    /// The org's API host (for links the admin can open).
    pub fn api_host(&self) -> &SalesforceHost {
        &self.session.api_host
    }

    /// `POST` a JSON body to a path under the API host and decode the JSON answer.
    pub async fn post<R: DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
        what: &str,
    ) -> Result<R, ApiError> {
        let response = send(
            self.transport,
            self.session,
            Method::Post,
            path,
            Some(body.to_string()),
        )
        .await?;
        parse(&response.body, what)
    }

    /// Runs a SOQL query and returns every record, following `nextRecordsUrl` (salesforce.md §B.1).
    pub async fn query<R: DeserializeOwned>(&self, soql: &str) -> Result<Vec<R>, ApiError> {
        self.query_rows(soql)
            .await?
            .iter()
            .map(|row| crate::json::read(row).map_err(|e| ApiError::malformed("query results", e)))
            .collect()
    }

    /// Runs a SOQL query and returns every record as Salesforce sent it, following
    /// `nextRecordsUrl` (salesforce.md §B.1).
    pub async fn query_rows(&self, soql: &str) -> Result<Vec<Value>, ApiError> {
        let mut path = format!("{}/query?q={}", self.version.data_path(), form_encode(soql));
        let mut records = Vec::new();
        for _ in 0..MAX_QUERY_PAGES {
            // `{"totalSize", "done", "nextRecordsUrl"?, "records": […]}`.
            let mut page: Value = self.get(&path, "query results").await?;
            if page.get("totalSize").and_then(Value::as_u64).is_none() {
                return Err(ApiError::malformed("query results", "no totalSize"));
            }
            let done = page
                .get("done")
                .and_then(Value::as_bool)
                .ok_or_else(|| ApiError::malformed("query results", "no done"))?;
            let next = text(&page, "nextRecordsUrl");
            match page.get_mut("records").map(Value::take) {
                Some(Value::Array(rows)) => records.extend(rows),
                _ => return Err(ApiError::malformed("query results", "no records")),
            }
            match (done, next) {
                (true, _) => return Ok(records),
                // The locator is a path on the same host; anything else is refused so the token
                // can never follow a link elsewhere. The same locator again would never end.
                (false, Some(next)) if next.starts_with("/services/data/") && next != path => {
                    path = next
                }
                (false, next) => {
                    return Err(ApiError::malformed(
                        "a query page",
                        format!(
                            "done is false but nextRecordsUrl is {}",
                            next.as_deref().unwrap_or("missing")
                        ),
                    ))
                }
            }
        }
        Err(ApiError::malformed(
            "query results",
            format!("they did not end within {MAX_QUERY_PAGES} pages"),
        ))
    }

    /// The logged-in user, from the OpenID Connect UserInfo endpoint on the org's own host
    /// (help.salesforce.com "Query for User Information"; SFIR's popup calls it with the cookie
    /// session).
    pub async fn user_info(&self) -> Result<UserInfo, ApiError> {
        const WHAT: &str = "the user's identity";
        let info: Value = self.get("/services/oauth2/userinfo", WHAT).await?;
        Ok(UserInfo {
            user_id: required(&info, "user_id", WHAT)?,
            organization_id: required(&info, "organization_id", WHAT)?,
            name: required(&info, "name", WHAT)?,
            preferred_username: required(&info, "preferred_username", WHAT)?,
            email: text(&info, "email"),
        })
    }

    /// The org record: name, sandbox flag, instance (SFIR's first call, salesforce.md §A.3).
    pub async fn organization(&self) -> Result<Organization, ApiError> {
        const WHAT: &str = "an organization query";
        let orgs = self
            .query_rows(
                &super::soql::select([
                    "Id",
                    "Name",
                    "IsSandbox",
                    "InstanceName",
                    "OrganizationType",
                ])
                .from("Organization")
                .to_string(),
            )
            .await?;
        let org = orgs
            .last()
            .ok_or_else(|| ApiError::malformed(WHAT, "no Organization record"))?;
        Ok(Organization {
            id: required(org, "Id", WHAT)?,
            name: required(org, "Name", WHAT)?,
            is_sandbox: org
                .get("IsSandbox")
                .and_then(Value::as_bool)
                .ok_or_else(|| ApiError::malformed(WHAT, "no IsSandbox"))?,
            instance_name: text(org, "InstanceName"),
            organization_type: text(org, "OrganizationType"),
        })
    }
}

async fn send(
    transport: &impl Transport,
    session: &Session,
    method: Method,
    path: &str,
    body: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let request = request(session, method, path, body).ok_or_else(|| {
        ApiError::malformed("a link to follow", "it is not a path on the org's API host")
    })?;
    let response = transport
        .send(request)
        .await
        .map_err(ApiError::from_transport)?;
    if response.body.len() > MAX_RESPONSE_BYTES {
        return Err(ApiError::too_large(response.status, response.body.len()));
    }
    if (200..300).contains(&response.status) {
        Ok(response)
    } else {
        Err(ApiError::from_response(response.status, &response.body))
    }
}

/// A request to the session's API host with its authorization and JSON headers; `None` when
/// `path` is not a path: `https://{host}{path}` with anything else (`@other.host/…`) could send
/// the token elsewhere.
fn request(
    session: &Session,
    method: Method,
    path: &str,
    body: Option<String>,
) -> Option<HttpRequest> {
    if !path.starts_with('/') {
        return None;
    }
    let mut headers = vec![
        (
            "Authorization".to_owned(),
            format!("Bearer {}", session.token()),
        ),
        (
            "Accept".to_owned(),
            "application/json; charset=UTF-8".to_owned(),
        ),
        ("Sforce-Call-Options".to_owned(), CALL_OPTIONS.to_owned()),
    ];
    if body.is_some() {
        headers.push((
            "Content-Type".to_owned(),
            "application/json; charset=UTF-8".to_owned(),
        ));
    }
    Some(HttpRequest {
        method,
        url: api_url(&session.api_host, path),
        headers,
        body,
    })
}

/// The only way a URL carrying the token is built: always `https`, always the session's host.
fn api_url(host: &SalesforceHost, path: &str) -> String {
    format!("https://{host}{path}")
}

/// `application/x-www-form-urlencoded` for a query parameter: spaces as `+` (salesforce.md §B.1).
pub fn form_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn parse<R: DeserializeOwned>(body: &str, what: &str) -> Result<R, ApiError> {
    crate::json::parse(body).map_err(|e| ApiError::malformed(what, e))
}

/// The UserInfo answer, as far as Forcefield reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserInfo {
    pub user_id: String,
    pub organization_id: String,
    pub name: String,
    pub preferred_username: String,
    pub email: Option<String>,
}

/// The `Organization` record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub is_sandbox: bool,
    pub instance_name: Option<String>,
    pub organization_type: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::TransportError;
    use crate::salesforce::session::OrgId;
    use std::cell::RefCell;
    use std::collections::VecDeque;

    /// Replays recorded Salesforce answers in order and keeps the requests it was sent.
    struct Replay {
        answers: RefCell<VecDeque<HttpResponse>>,
        sent: RefCell<Vec<HttpRequest>>,
    }

    impl Replay {
        fn new(answers: &[(u16, &str)]) -> Self {
            Self {
                answers: RefCell::new(
                    answers
                        .iter()
                        .map(|(status, body)| HttpResponse::new(*status, *body))
                        .collect(),
                ),
                sent: RefCell::new(Vec::new()),
            }
        }
    }

    impl Transport for Replay {
        async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
            self.sent.borrow_mut().push(request);
            self.answers
                .borrow_mut()
                .pop_front()
                .ok_or_else(|| TransportError::Unreachable("connection refused".to_owned()))
        }
    }

    fn session() -> Session {
        Session::new(
            OrgId::parse("00DAM0000000001").unwrap_or_else(|| panic!("org id")),
            SalesforceHost::parse("acme.my.salesforce.com").unwrap_or_else(|| panic!("host")),
            "00DAM0000000001!token".into(),
        )
        .unwrap_or_else(|| panic!("session"))
    }

    #[test]
    fn an_answer_larger_than_the_limit_is_refused_with_a_clear_message() {
        let big = format!("[\"{}\"]", "x".repeat(MAX_RESPONSE_BYTES));
        let replay = Replay::new(&[(200, big.as_str())]);
        let session = session();
        let client = Client::new(&replay, &session, ApiVersion::new(66));
        let error = pollster::block_on(client.get::<serde_json::Value>("/services/data/", "x"))
            .err()
            .unwrap_or_else(|| panic!("read"));
        assert_eq!(
            error.kind,
            crate::salesforce::ApiErrorKind::MalformedResponse
        );
        assert!(
            error.message.contains("more than the 64 MB"),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_query_that_never_ends_stops_with_a_clear_message() {
        let page = |next: &str| {
            format!(r#"{{"totalSize":9,"done":false,"nextRecordsUrl":"{next}","records":[]}}"#)
        };
        // The same locator again, and a new locator each time for ever.
        let same = page("/services/data/v66.0/query?q=SELECT+Id+FROM+User");
        let forever: Vec<String> = (0..=MAX_QUERY_PAGES)
            .map(|n| page(&format!("/services/data/v66.0/query/01g-{n}")))
            .collect();
        let session = session();
        for answers in [
            vec![same.as_str()],
            forever.iter().map(String::as_str).collect(),
        ] {
            let replay = Replay::new(&answers.iter().map(|a| (200, *a)).collect::<Vec<_>>());
            let client = Client::new(&replay, &session, ApiVersion::new(66));
            let error =
                pollster::block_on(client.query::<serde_json::Value>("SELECT Id FROM User"))
                    .err()
                    .unwrap_or_else(|| panic!("no end"));
            assert_eq!(
                error.kind,
                crate::salesforce::ApiErrorKind::MalformedResponse
            );
            assert!(replay.sent.borrow().len() <= MAX_QUERY_PAGES);
        }
    }

    #[test]
    fn a_path_that_is_not_a_path_is_never_called() {
        let replay = Replay::new(&[(200, "{}")]);
        let session = session();
        let client = Client::new(&replay, &session, ApiVersion::new(66));
        for path in ["@evil.example/services/data/", "evil.example", ""] {
            let result = pollster::block_on(client.get::<serde_json::Value>(path, "x"));
            assert!(result.is_err(), "{path}");
        }
        assert!(replay.sent.borrow().is_empty());
    }

    #[test]
    fn follows_paging_and_keeps_the_token_on_the_api_host() {
        let replay = Replay::new(&[
            (
                200,
                r#"{"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v66.0/query/01g-2","records":[{"Id":"a"},{"Id":"b"}]}"#,
            ),
            (200, r#"{"totalSize":3,"done":true,"records":[{"Id":"c"}]}"#),
        ]);
        let session = session();
        let client = Client::new(&replay, &session, ApiVersion::new(66));
        #[derive(serde::Deserialize)]
        struct Row {
            #[serde(rename = "Id")]
            id: String,
        }
        let rows: Vec<Row> = pollster::block_on(client.query("SELECT Id FROM User"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        let sent = replay.sent.borrow();
        assert_eq!(
            sent[0].url,
            "https://acme.my.salesforce.com/services/data/v66.0/query?q=SELECT+Id+FROM+User"
        );
        assert_eq!(
            sent[1].url,
            "https://acme.my.salesforce.com/services/data/v66.0/query/01g-2"
        );
        assert!(sent.iter().all(|r| r.headers.contains(&(
            "Authorization".into(),
            "Bearer 00DAM0000000001!token".into()
        ))));
    }

    #[test]
    fn soql_is_form_encoded() {
        assert_eq!(
            form_encode("SELECT Id FROM User WHERE Name = 'Zoë' AND Alias LIKE 'a%'"),
            "SELECT+Id+FROM+User+WHERE+Name+%3D+%27Zo%C3%AB%27+AND+Alias+LIKE+%27a%25%27"
        );
    }

    #[test]
    fn refuses_a_next_page_on_another_host() {
        let replay = Replay::new(&[(
            200,
            r#"{"totalSize":2,"done":false,"nextRecordsUrl":"https://evil.example/steal","records":[]}"#,
        )]);
        let session = session();
        let client = Client::new(&replay, &session, ApiVersion::new(66));
        let result: Result<Vec<serde_json::Value>, _> =
            pollster::block_on(client.query("SELECT Id FROM User"));
        assert_eq!(
            result.map_err(|e| e.kind),
            Err(super::super::ApiErrorKind::MalformedResponse)
        );
        assert_eq!(replay.sent.borrow().len(), 1);
    }

    #[test]
    fn negotiates_the_version_and_reports_network_failure() {
        let replay = Replay::new(&[(
            200,
            r#"[{"label":"Winter '26","url":"/services/data/v65.0","version":"65.0"},{"label":"Spring '26","url":"/services/data/v66.0","version":"66.0"},{"label":"Summer '26","url":"/services/data/v67.0","version":"67.0"}]"#,
        )]);
        let session = session();
        assert_eq!(
            pollster::block_on(discover_version(&replay, &session)),
            Ok(ApiVersion::new(66))
        );
        let offline = pollster::block_on(discover_version(&replay, &session));
        assert_eq!(
            offline.map_err(|e| e.kind),
            Err(super::super::ApiErrorKind::Network)
        );
    }

    #[test]
    fn a_malformed_success_body_is_an_error_not_a_panic() {
        let replay = Replay::new(&[(200, "{\"totalSize\": 1, \"done\": tru")]);
        let session = session();
        let client = Client::new(&replay, &session, ApiVersion::new(66));
        let result: Result<Vec<serde_json::Value>, _> =
            pollster::block_on(client.query("SELECT Id FROM User"));
        let error = result.err().unwrap_or_else(|| panic!("should fail"));
        assert_eq!(error.kind, super::super::ApiErrorKind::MalformedResponse);
        assert!(error.message.contains("Nothing was changed"));
    }
}
