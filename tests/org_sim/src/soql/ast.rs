//! The parsed form of a SOQL query, independent of any schema (names are resolved by the
//! evaluator), so new clauses and objects extend it without touching the tokenizer.

use super::lexer::Pos;

/// `SELECT … FROM … [WHERE …] [ORDER BY …] [LIMIT n] [OFFSET n]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Select list, in order.
    pub select: Vec<SelectItem>,
    /// Object (or, in a subquery, child relationship) name as written.
    pub from: Name,
    /// Filter.
    pub filter: Option<Cond>,
    /// Sort keys.
    pub order_by: Vec<OrderItem>,
    /// Row limit.
    pub limit: Option<u64>,
    /// Rows to skip.
    pub offset: Option<u64>,
}

/// A name and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// As written.
    pub text: String,
    /// Position.
    pub pos: Pos,
}

/// A possibly dotted field path (`Profile.UserLicense.Name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    /// Parts as written.
    pub parts: Vec<String>,
    /// Position of the first part.
    pub pos: Pos,
}

impl FieldPath {
    /// Dotted text as written.
    pub fn dotted(&self) -> String {
        self.parts.join(".")
    }
}

/// One item of the select list.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectItem {
    /// A field or parent-relationship path.
    Field(FieldPath),
    /// `COUNT()` (the whole query then returns only `totalSize`).
    Count(Pos),
    /// A child-relationship subquery `(SELECT … FROM Children …)`.
    SubQuery(Box<Query>),
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=`, `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// A literal value in a filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// `'text'`
    Str(String),
    /// A number as written.
    Num(String),
    /// A dateTime literal, epoch ms.
    DateTime(i64),
}

/// A filter condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// All must hold.
    And(Vec<Cond>),
    /// Any must hold.
    Or(Vec<Cond>),
    /// Negation.
    Not(Box<Cond>),
    /// `field op value`.
    Cmp {
        /// Left side.
        field: FieldPath,
        /// Operator.
        op: CmpOp,
        /// Right side.
        value: Literal,
        /// Where the value was written.
        value_pos: Pos,
    },
    /// `field [NOT] IN (v, …)`.
    In {
        /// Left side.
        field: FieldPath,
        /// `NOT IN`.
        negated: bool,
        /// Values.
        values: Vec<Literal>,
        /// Where the list starts.
        value_pos: Pos,
    },
    /// `field [NOT] IN (SELECT idField FROM Object [WHERE …])`: a semi-join (anti-join when
    /// negated) on an Id or reference field (SOQL reference "Comparison Operators").
    SemiJoin {
        /// Left side.
        field: FieldPath,
        /// `NOT IN`.
        negated: bool,
        /// The sub-select.
        query: Box<Query>,
        /// Where the sub-select starts.
        value_pos: Pos,
    },
    /// `field LIKE 'pattern'`.
    Like {
        /// Left side.
        field: FieldPath,
        /// Pattern with `%`/`_` wildcards.
        pattern: String,
        /// Where the pattern was written.
        value_pos: Pos,
    },
}

/// One `ORDER BY` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderItem {
    /// Sort field.
    pub field: FieldPath,
    /// `DESC`.
    pub descending: bool,
    /// `NULLS LAST` (`Some(true)`), `NULLS FIRST` (`Some(false)`), default (`None`).
    pub nulls_last: Option<bool>,
}
