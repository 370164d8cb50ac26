//! SOQL errors carrying the REST `errorCode` and a message laid out like Salesforce's (the query
//! line, a caret, `ERROR at Row:r:Column:c`, then the reason); envelope per salesforce.md §B.2.

use super::lexer::Pos;

/// The REST `errorCode` of a failed query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoqlErrorCode {
    /// Syntax error (salesforce.md §B.1: "invalid SOQL → MALFORMED_QUERY").
    MalformedQuery,
    /// Unknown field or relationship.
    InvalidField,
    /// Unknown object.
    InvalidType,
    /// A filter value that does not fit the field (e.g. a bad Id literal).
    InvalidQueryFilterOperator,
}

impl SoqlErrorCode {
    /// The `errorCode` string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MalformedQuery => "MALFORMED_QUERY",
            Self::InvalidField => "INVALID_FIELD",
            Self::InvalidType => "INVALID_TYPE",
            Self::InvalidQueryFilterOperator => "INVALID_QUERY_FILTER_OPERATOR",
        }
    }
}

/// A query error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoqlError {
    /// REST errorCode.
    pub code: SoqlErrorCode,
    /// Reason without the location header.
    pub reason: String,
    /// Where in the query (1-based), if known.
    pub pos: Option<Pos>,
}

impl SoqlError {
    /// A new error at `pos`.
    pub fn new(code: SoqlErrorCode, pos: Option<Pos>, reason: impl Into<String>) -> Self {
        Self {
            code,
            reason: reason.into(),
            pos,
        }
    }

    /// Syntax error at `pos`.
    pub fn malformed(pos: Pos, reason: impl Into<String>) -> Self {
        Self::new(SoqlErrorCode::MalformedQuery, Some(pos), reason)
    }

    /// The full message as the API returns it for `query`: the offending line, a caret under
    /// the column, `ERROR at Row:r:Column:c`, then the reason.
    pub fn message(&self, query: &str) -> String {
        match self.pos {
            Some(p) => {
                let line = query.lines().nth(p.row.saturating_sub(1)).unwrap_or(query);
                let caret = " ".repeat(p.col.saturating_sub(1));
                format!(
                    "\n{line}\n{caret}^\nERROR at Row:{}:Column:{}\n{}",
                    p.row, p.col, self.reason
                )
            }
            None => self.reason.clone(),
        }
    }
}

impl std::fmt::Display for SoqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.reason)
    }
}

impl std::error::Error for SoqlError {}
