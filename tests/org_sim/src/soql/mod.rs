//! A small but real SOQL engine (tokenizer → parser → evaluator over the record store), so the
//! sim answers queries the way the REST query resource does (salesforce.md §B.1) instead of canned JSON.

pub mod ast;
pub mod error;
pub mod eval;
pub mod lexer;
pub mod parser;

pub use error::{SoqlError, SoqlErrorCode};
pub use eval::{execute, execute_with, QueryResult};
pub use parser::parse;
