//! One error type for every Salesforce API failure, mapped from HTTP statuses and Salesforce's
//! `[{message, errorCode, fields}]` bodies into a kind the admin acts on and a sentence worded in
//! [`crate::words`] (salesforce.md §A.4, §A.5, §B.2).

use crate::platform::TransportError;
use serde::{Deserialize, Serialize};

/// What went wrong, in the terms an admin acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ApiErrorKind {
    /// 401 / INVALID_SESSION_ID: the session expired or was logged out.
    SessionExpired,
    /// 403 REQUEST_LIMIT_EXCEEDED: the org's API allowance is spent.
    RequestLimit,
    /// 403 API_DISABLED_FOR_ORG / API_CURRENTLY_DISABLED: this user or org has no API access.
    ApiDisabled,
    /// Other 403s: the user lacks a permission.
    Forbidden,
    /// 404: the resource or API version does not exist.
    NotFound,
    /// 400 and other client errors Salesforce explains with an errorCode.
    Rejected,
    /// 5xx.
    ServerError,
    /// No HTTP answer at all.
    Network,
    /// The API host answered with a redirect, which Forcefield never follows: the session token
    /// goes to the org's own API host only (README "Security").
    Redirected,
    /// An answer Forcefield could not read.
    MalformedResponse,
}

/// A failed Salesforce API call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct ApiError {
    pub kind: ApiErrorKind,
    /// HTTP status, when there was one.
    pub status: Option<u16>,
    /// Salesforce's `errorCode` (or `statusCode` in save results), when it gave one.
    pub code: Option<String>,
    /// A sentence for the admin ([`crate::words::api_failure`]), including Salesforce's own
    /// message where it helps. Kept with the error: journals record it as it was.
    pub message: String,
    /// Fields Salesforce named.
    #[serde(default)]
    pub fields: Vec<String>,
}

/// One entry of Salesforce's REST error array (salesforce.md §B.2), read by hand from its JSON
/// value (see the client): `{"message", "errorCode" (or `statusCode` in save results), "fields"}`.
struct RestErrorEntry {
    message: Option<String>,
    error_code: Option<String>,
    fields: Vec<String>,
}

impl RestErrorEntry {
    fn all(body: &str) -> Vec<Self> {
        let Ok(serde_json::Value::Array(entries)) = crate::json::parse(body) else {
            return Vec::new();
        };
        let text =
            |entry: &serde_json::Value, key: &str| entry.get(key)?.as_str().map(str::to_owned);
        entries
            .iter()
            .map(|entry| Self {
                message: text(entry, "message"),
                error_code: text(entry, "errorCode").or_else(|| text(entry, "statusCode")),
                fields: entry
                    .get("fields")
                    .and_then(serde_json::Value::as_array)
                    .map(|fields| {
                        fields
                            .iter()
                            .filter_map(|f| f.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect()
    }
}

impl ApiError {
    /// No HTTP answer at all.
    pub fn network(detail: TransportError) -> Self {
        Self {
            kind: ApiErrorKind::Network,
            status: None,
            code: None,
            message: crate::words::unreachable(&detail),
            fields: Vec::new(),
        }
    }

    /// What a transport's failure means to the admin.
    pub fn from_transport(error: TransportError) -> Self {
        match error {
            TransportError::Redirected => Self::redirected(),
            unreachable => Self::network(unreachable),
        }
    }

    /// A redirect answer, not followed. Forcefield calls the API on the org's own My Domain host,
    /// which answers directly (hosts that redirect API calls, like `*.lightning.force.com`, are
    /// mapped to it first, salesforce.md §A.3); a redirect means a wrong host or something
    /// between the browser and Salesforce, and the token must not follow it (salesforce.md §I.15:
    /// the browser shows only that a redirect came, not where to).
    pub fn redirected() -> Self {
        Self {
            kind: ApiErrorKind::Redirected,
            status: None,
            code: None,
            message: crate::words::redirected(),
            fields: Vec::new(),
        }
    }

    /// An answer (named by `what`) that could not be read.
    pub fn malformed(what: &str, detail: impl std::fmt::Display) -> Self {
        Self {
            kind: ApiErrorKind::MalformedResponse,
            status: None,
            code: None,
            message: crate::words::malformed(what, &detail),
            fields: Vec::new(),
        }
    }

    /// An answer larger than the client reads ([`super::client::MAX_RESPONSE_BYTES`]). It was not
    /// read, so what a write did is unknown (an apply looks it up, as after a lost answer).
    pub fn too_large(status: u16, bytes: usize) -> Self {
        Self {
            kind: ApiErrorKind::MalformedResponse,
            status: Some(status),
            code: None,
            message: crate::words::answer_too_large(bytes, super::client::MAX_RESPONSE_BYTES),
            fields: Vec::new(),
        }
    }

    /// Maps a non-success HTTP answer to an error (salesforce.md §A.4, §A.5, §B.2).
    pub fn from_response(status: u16, body: &str) -> Self {
        let entries = RestErrorEntry::all(body);
        let first = entries.first();
        let code = first.and_then(|e| e.error_code.clone());
        let salesforce_says = entries
            .iter()
            .filter_map(|e| e.message.clone())
            .collect::<Vec<String>>()
            .join(" ");
        let fields = entries.iter().flat_map(|e| e.fields.clone()).collect();
        let plain_text = body.trim();
        Self::classify(status, code, &salesforce_says, fields, plain_text)
    }

    /// A SOAP fault (salesforce.md §I.12): it arrives as HTTP 500 whatever its cause, and its
    /// `faultcode` is one of the codes REST errors carry, so it is worded like the REST error of
    /// the same code. `status` stays the HTTP status that carried it.
    pub fn from_fault(status: u16, code: &str, fault_string: &str) -> Self {
        let as_rest = match code {
            "INVALID_SESSION_ID" => 401,
            "REQUEST_LIMIT_EXCEEDED" | "API_DISABLED_FOR_ORG" | "API_CURRENTLY_DISABLED" => 403,
            "INSUFFICIENT_ACCESS" | "INSUFFICIENT_ACCESS_OR_READONLY" => 403,
            _ => 400,
        };
        let classified =
            Self::classify(as_rest, Some(code.to_owned()), fault_string, Vec::new(), "");
        let message = match classified.kind {
            // The REST wording names the status, which a fault doesn't have.
            ApiErrorKind::Rejected => crate::words::fault_rejected(fault_string),
            _ => classified.message,
        };
        Self {
            status: Some(status),
            message,
            ..classified
        }
    }

    fn classify(
        status: u16,
        code: Option<String>,
        salesforce_says: &str,
        fields: Vec<String>,
        plain_text: &str,
    ) -> Self {
        if (300..400).contains(&status) {
            // Transports report redirects as such; one handed through as a status is the same.
            return Self {
                status: Some(status),
                ..Self::redirected()
            };
        }
        let kind = match (status, code.as_deref()) {
            (401, _) | (_, Some("INVALID_SESSION_ID")) => ApiErrorKind::SessionExpired,
            // The UserInfo endpoint answers a bad token with a bare text body (OAuth style).
            (403, None)
                if plain_text.starts_with("Bad_OAuth_Token")
                    || plain_text.starts_with("Missing_OAuth_Token") =>
            {
                ApiErrorKind::SessionExpired
            }
            (_, Some("REQUEST_LIMIT_EXCEEDED")) => ApiErrorKind::RequestLimit,
            (_, Some("API_DISABLED_FOR_ORG" | "API_CURRENTLY_DISABLED")) => {
                ApiErrorKind::ApiDisabled
            }
            (403, _) => ApiErrorKind::Forbidden,
            (404, _) => ApiErrorKind::NotFound,
            (500..=599, _) => ApiErrorKind::ServerError,
            _ => ApiErrorKind::Rejected,
        };
        Self {
            kind,
            status: Some(status),
            code,
            message: crate::words::api_failure(kind, status, salesforce_says),
            fields,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_session_tells_the_admin_to_reload() {
        let error = ApiError::from_response(
            401,
            r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#,
        );
        assert_eq!(error.kind, ApiErrorKind::SessionExpired);
        assert_eq!(error.code.as_deref(), Some("INVALID_SESSION_ID"));
        assert!(error.message.contains("session has expired"));
        assert!(error.message.contains("Reload the Salesforce tab"));
        let oauth = ApiError::from_response(403, "Bad_OAuth_Token");
        assert_eq!(oauth.kind, ApiErrorKind::SessionExpired);
    }

    #[test]
    fn api_limit_is_recognised_by_code() {
        let error = ApiError::from_response(
            403,
            r#"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#,
        );
        assert_eq!(error.kind, ApiErrorKind::RequestLimit);
        assert!(error.message.contains("API request allowance"));
    }

    #[test]
    fn salesforce_messages_and_fields_are_kept() {
        let body = r#"[{"message":"The label you entered is in use. Enter a unique label.","errorCode":"DUPLICATE_MASTER_LABEL","fields":["Label"]},
                       {"message":"The API name you entered is already in use. Enter a unique API name.","errorCode":"DUPLICATE_DEVELOPER_NAME","fields":["Name"]}]"#;
        let error = ApiError::from_response(400, body);
        assert_eq!(error.kind, ApiErrorKind::Rejected);
        assert_eq!(error.code.as_deref(), Some("DUPLICATE_MASTER_LABEL"));
        assert_eq!(error.fields, vec!["Label".to_owned(), "Name".to_owned()]);
        assert!(error.message.contains("Enter a unique label."));
        assert!(error.message.contains("Enter a unique API name."));
    }

    #[test]
    fn a_redirect_is_its_own_kind_whoever_reports_it() {
        let reported = ApiError::from_transport(TransportError::Redirected);
        assert_eq!(reported.kind, ApiErrorKind::Redirected);
        assert!(reported.message.contains("did not follow it"));
        let handed_through = ApiError::from_response(302, "");
        assert_eq!(handed_through.kind, ApiErrorKind::Redirected);
        assert_eq!(handed_through.status, Some(302));
        let offline = ApiError::from_transport(TransportError::Unreachable("refused".into()));
        assert_eq!(offline.kind, ApiErrorKind::Network);
    }

    #[test]
    fn unreadable_bodies_still_give_a_clear_error() {
        let error = ApiError::from_response(502, "<html>Bad gateway</html>");
        assert_eq!(error.kind, ApiErrorKind::ServerError);
        assert_eq!(error.code, None);
        assert!(error.message.contains("HTTP 502"));
        let not_found = ApiError::from_response(
            404,
            r#"[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]"#,
        );
        assert_eq!(not_found.kind, ApiErrorKind::NotFound);
        assert!(not_found
            .message
            .contains("The requested resource does not exist"));
    }
}
