//! The error of one record operation, rendered either as a REST error (`errorCode`, salesforce.md
//! §B.2) or as a SaveResult error inside sObject Collections (`statusCode`, salesforce.md §B.3).

use serde_json::{json, Value as Json};

/// One API error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiErr {
    /// HTTP status when this error is the whole response.
    pub http: u16,
    /// `errorCode` / `statusCode`.
    pub code: String,
    /// Message.
    pub message: String,
    /// `fields`; `None` omits the key (salesforce.md §B.4 PROCESSING_HALTED bodies have none).
    pub fields: Option<Vec<String>>,
}

impl ApiErr {
    /// A 400 error with `fields: []`.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            http: 400,
            code: code.to_owned(),
            message: message.into(),
            fields: Some(Vec::new()),
        }
    }

    /// Sets `fields`.
    pub fn fields(mut self, fields: &[&str]) -> Self {
        self.fields = Some(fields.iter().map(|f| (*f).to_owned()).collect());
        self
    }

    /// Without a `fields` key.
    pub fn no_fields(mut self) -> Self {
        self.fields = None;
        self
    }

    /// Sets the HTTP status.
    pub fn status(mut self, http: u16) -> Self {
        self.http = http;
        self
    }

    /// 404 NOT_FOUND (salesforce.md §B.2).
    pub fn not_found() -> Self {
        Self::new("NOT_FOUND", "The requested resource does not exist")
            .no_fields()
            .status(404)
    }

    /// REST error object `{message, errorCode, fields?}` (salesforce.md §B.2).
    pub fn rest_json(&self) -> Json {
        let mut v = json!({ "message": self.message, "errorCode": self.code });
        if let Some(f) = &self.fields {
            v["fields"] = json!(f);
        }
        v
    }

    /// SaveResult error object `{statusCode, message, fields}` (salesforce.md §B.3).
    pub fn save_json(&self) -> Json {
        json!({
            "statusCode": self.code,
            "message": self.message,
            "fields": self.fields.clone().unwrap_or_default(),
        })
    }
}

/// A REST error body: a JSON array of error objects (salesforce.md §B.2).
pub fn rest_body(errors: &[ApiErr]) -> Json {
    Json::Array(errors.iter().map(ApiErr::rest_json).collect())
}
