//! Resolves a parsed query against the schema (INVALID_TYPE / INVALID_FIELD errors), then
//! filters, sorts, slices and renders records in the REST query shape (salesforce.md §B.1).

use std::cmp::Ordering;

use serde_json::{json, Map, Value as Json};

use super::ast::{CmpOp, Cond, FieldPath, Literal, Query, SelectItem};
use super::error::{SoqlError, SoqlErrorCode};
use super::lexer::Pos;
use super::parser::parse;
use crate::ids;
use crate::schema::{FieldType, ObjectDef, Schema};
use crate::store::{Record, Store, Value};

/// All matching rows of a query, rendered; paging is the REST layer's job.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    /// Number of matching rows (after LIMIT/OFFSET), salesforce.md §B.1 `totalSize`.
    pub total_size: usize,
    /// Rendered records (empty for `COUNT()`).
    pub records: Vec<Json>,
}

/// A query naming a field that arrived after the call's API version (`FieldDef::since`) is
/// refused as Salesforce refuses unknown columns. Matched on whole words of the query text,
/// on any object: stricter than Salesforce where another object has a field of that name,
/// never more forgiving.
fn not_yet_in(schema: &Schema, soql: &str, version: &str) -> Result<(), SoqlError> {
    let words: std::collections::HashSet<String> = soql
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    for object in schema.objects() {
        for field in object.fields.iter().filter(|f| !f.visible_at(version)) {
            if words.contains(&field.name.to_ascii_lowercase()) {
                return Err(SoqlError::new(
                    SoqlErrorCode::InvalidField,
                    None,
                    format!(
                        "No such column '{}' on entity '{}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
                        field.name, object.name
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Parses and runs `soql` against `store`; `version` (e.g. `66.0`) goes into `attributes.url`.
pub fn execute(store: &Store, soql: &str, version: &str) -> Result<QueryResult, SoqlError> {
    execute_with(store, soql, version, false)
}

/// Like [`execute`]; `all_rows` (queryAll) also returns deleted records (`IsDeleted = true`).
pub fn execute_with(
    store: &Store,
    soql: &str,
    version: &str,
    all_rows: bool,
) -> Result<QueryResult, SoqlError> {
    let q = parse(soql)?;
    let schema = store.schema();
    not_yet_in(schema, soql, version)?;
    let object = schema.object(&q.from.text).ok_or_else(|| {
        SoqlError::new(
            SoqlErrorCode::InvalidType,
            Some(q.from.pos),
            format!(
                "sObject type '{}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
                q.from.text
            ),
        )
    })?;
    let mut plan = Plan::build(schema, object, &q, None)?;
    plan.run_semi_joins(store);
    let deleted: &[Record] = if all_rows {
        store.deleted(&object.name)
    } else {
        &[]
    };
    let rows = plan.rows(
        store,
        store.records(&object.name).iter().chain(deleted.iter()),
    );
    if plan.count {
        return Ok(QueryResult {
            total_size: rows.len(),
            records: Vec::new(),
        });
    }
    let groups = plan.child_groups(store);
    let records = rows
        .iter()
        .map(|r| Json::Object(plan.render(store, r, version, &groups)))
        .collect();
    Ok(QueryResult {
        total_size: rows.len(),
        records,
    })
}

/// One step from a record to its parent.
#[derive(Debug, Clone)]
struct Hop {
    ref_field: String,
    relationship: String,
}

/// A field path resolved to canonical names and a type.
#[derive(Debug, Clone)]
struct Resolved {
    hops: Vec<Hop>,
    field: String,
    ty: FieldType,
}

impl Resolved {
    fn value<'a>(&self, store: &'a Store, record: &'a Record) -> &'a Value {
        static NULL: Value = Value::Null;
        let mut rec = record;
        for hop in &self.hops {
            match rec.text(&hop.ref_field).and_then(|id| store.get(id)) {
                Some(parent) => rec = parent,
                None => return &NULL,
            }
        }
        field_of(store, rec, &self.field)
    }

    fn canonical(&self) -> String {
        let mut parts: Vec<&str> = self.hops.iter().map(|h| h.relationship.as_str()).collect();
        parts.push(&self.field);
        parts.join(".").to_ascii_lowercase()
    }
}

/// A field of a record; through a polymorphic relationship the parent may be a type without
/// `Name` (PermissionSetLicense): the polymorphic Name entity then shows its `MasterLabel`.
/// A profile's `Permissions<Name>` are its profile-owned permission set's (salesforce.md §C.1).
fn field_of<'a>(store: &'a Store, rec: &'a Record, field: &str) -> &'a Value {
    if rec.object == "Profile" && field.starts_with("Permissions") {
        static FALSE: Value = Value::Bool(false);
        return store
            .records("PermissionSet")
            .iter()
            .find(|ps| ps.text("ProfileId") == Some(rec.id.as_str()))
            .map_or(&FALSE, |ps| match ps.get(field) {
                Value::Null => &FALSE,
                v => v,
            });
    }
    if field == "Name" {
        let has_name = store
            .schema()
            .object(&rec.object)
            .is_some_and(|o| o.find_field("Name").is_some());
        if !has_name {
            return rec.get("MasterLabel");
        }
    }
    rec.get(field)
}

/// The object a relationship leads to: the single target, or for polymorphic references the
/// first target that knows `next` (a field or relationship name).
fn hop_target<'s>(schema: &'s Schema, targets: &[String], next: &str) -> Option<&'s ObjectDef> {
    let objs: Vec<&ObjectDef> = targets.iter().filter_map(|t| schema.object(t)).collect();
    objs.iter()
        .find(|o| o.find_field(next).is_some() || o.find_relationship(next).is_some())
        .or_else(|| objs.first())
        .copied()
}

fn resolve(schema: &Schema, object: &ObjectDef, path: &FieldPath) -> Result<Resolved, SoqlError> {
    let mut current = object;
    let mut hops = Vec::new();
    let (last, rels) = path
        .parts
        .split_last()
        .ok_or_else(|| SoqlError::malformed(path.pos, "empty field path"))?;
    for (i, rel) in rels.iter().enumerate() {
        let next = path.parts.get(i + 1).map_or("", String::as_str);
        let not_understood = || {
            SoqlError::new(
                SoqlErrorCode::InvalidField,
                Some(path.pos),
                format!(
                    "Didn't understand relationship '{rel}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."
                ),
            )
        };
        let f = current.find_relationship(rel).ok_or_else(not_understood)?;
        let target = hop_target(schema, &f.reference_to, next).ok_or_else(not_understood)?;
        hops.push(Hop {
            ref_field: f.name.clone(),
            relationship: f.relationship_name.clone().unwrap_or_default(),
        });
        current = target;
    }
    let polymorphic_name = !hops.is_empty() && last.eq_ignore_ascii_case("Name");
    let found = current.find_field(last).or_else(|| {
        polymorphic_name
            .then(|| current.find_field("MasterLabel"))
            .flatten()
    });
    if polymorphic_name && found.is_some_and(|f| f.name == "MasterLabel") {
        return Ok(Resolved {
            hops,
            field: "Name".into(),
            ty: FieldType::String,
        });
    }
    let f = found.ok_or_else(|| {
        SoqlError::new(
            SoqlErrorCode::InvalidField,
            Some(path.pos),
            format!(
                "No such column '{last}' on entity '{}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
                current.name
            ),
        )
    })?;
    Ok(Resolved {
        hops,
        field: f.name.clone(),
        ty: f.ty,
    })
}

/// A compiled filter.
#[derive(Debug, Clone)]
enum Pred {
    And(Vec<Pred>),
    Or(Vec<Pred>),
    Not(Box<Pred>),
    Cmp(Resolved, CmpOp, Value),
    In(Resolved, bool, Vec<Value>),
    /// A semi-join before it ran: the sub-select's plan and the field it selects.
    SemiJoin(Resolved, bool, Box<Plan>, Resolved),
    Like(Resolved, Vec<LikeTok>),
}

#[derive(Debug, Clone, PartialEq)]
enum LikeTok {
    Any,
    One,
    Lit(char),
}

fn type_error(field: &Resolved, pos: Pos, want: &str, quoted: bool) -> SoqlError {
    SoqlError::new(
        SoqlErrorCode::InvalidField,
        Some(pos),
        format!(
            "value of filter criterion for field '{}' must be of type {want} and should {}be enclosed in quotes",
            field.field,
            if quoted { "" } else { "not " }
        ),
    )
}

/// Converts a literal to a value of the field's type, as Salesforce checks filter values.
fn typed(field: &Resolved, lit: &Literal, pos: Pos) -> Result<Value, SoqlError> {
    let ty = field.ty;
    Ok(match lit {
        Literal::Null => Value::Null,
        _ if ty.is_id() => match lit {
            Literal::Str(s) => Value::Text(ids::normalize(s).ok_or_else(|| {
                SoqlError::new(
                    SoqlErrorCode::InvalidQueryFilterOperator,
                    Some(pos),
                    format!("invalid ID field: {s}"),
                )
            })?),
            _ => return Err(type_error(field, pos, "id", true)),
        },
        _ if ty.is_text() => match lit {
            Literal::Str(s) => Value::Text(s.clone()),
            _ => return Err(type_error(field, pos, "string", true)),
        },
        Literal::Bool(b) if ty == FieldType::Boolean => Value::Bool(*b),
        Literal::Num(n) if ty == FieldType::Int && !n.contains('.') => Value::Int(
            n.parse()
                .map_err(|_| type_error(field, pos, "integer", false))?,
        ),
        Literal::Num(n) if ty.is_number() => Value::Double(
            n.parse()
                .map_err(|_| type_error(field, pos, "double", false))?,
        ),
        Literal::DateTime(ms) if ty == FieldType::DateTime => Value::DateTime(*ms),
        _ => {
            let want = match ty {
                FieldType::Boolean => "boolean",
                FieldType::Int => "integer",
                t if t.is_number() => "double",
                _ => "dateTime",
            };
            return Err(type_error(field, pos, want, false));
        }
    })
}

fn like_pattern(p: &str) -> Vec<LikeTok> {
    let mut out = Vec::new();
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '%' => LikeTok::Any,
            '_' => LikeTok::One,
            '\\' => match chars.next() {
                Some(e) => LikeTok::Lit(e.to_ascii_lowercase()),
                None => LikeTok::Lit('\\'),
            },
            c => LikeTok::Lit(c.to_ascii_lowercase()),
        });
    }
    out
}

/// Case-insensitive LIKE (SOQL LIKE is case-insensitive).
fn like_match(pattern: &[LikeTok], text: &str) -> bool {
    let t: Vec<char> = text.chars().map(|c| c.to_ascii_lowercase()).collect();
    // dp[j] = pattern[..i] matches t[..j]
    let mut dp = vec![false; t.len() + 1];
    dp[0] = true;
    for tok in pattern {
        let mut next = vec![false; t.len() + 1];
        match tok {
            LikeTok::Any => {
                let mut any = false;
                for j in 0..=t.len() {
                    any |= dp[j];
                    next[j] = any;
                }
            }
            LikeTok::One => next[1..].copy_from_slice(&dp[..t.len()]),
            LikeTok::Lit(c) => {
                for j in 1..=t.len() {
                    next[j] = dp[j - 1] && t[j - 1] == *c;
                }
            }
        }
        dp = next;
    }
    dp[t.len()]
}

fn compare(ty: FieldType, a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Text(x), Value::Text(y)) if ty.is_text() => {
            Some(x.to_lowercase().cmp(&y.to_lowercase()))
        }
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::DateTime(x), Value::DateTime(y)) => Some(x.cmp(y)),
        (Value::Int(_) | Value::Double(_), Value::Int(_) | Value::Double(_)) => {
            as_f64(a).partial_cmp(&as_f64(b))
        }
        _ => None,
    }
}

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Double(d) => *d,
        _ => f64::NAN,
    }
}

fn equals(ty: FieldType, a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        _ => compare(ty, a, b) == Some(Ordering::Equal),
    }
}

impl Pred {
    fn compile(schema: &Schema, object: &ObjectDef, cond: &Cond) -> Result<Self, SoqlError> {
        Ok(match cond {
            Cond::And(v) => Self::And(
                v.iter()
                    .map(|c| Self::compile(schema, object, c))
                    .collect::<Result<_, _>>()?,
            ),
            Cond::Or(v) => Self::Or(
                v.iter()
                    .map(|c| Self::compile(schema, object, c))
                    .collect::<Result<_, _>>()?,
            ),
            Cond::Not(c) => Self::Not(Box::new(Self::compile(schema, object, c)?)),
            Cond::Cmp {
                field,
                op,
                value,
                value_pos,
            } => {
                let r = resolve(schema, object, field)?;
                let v = typed(&r, value, *value_pos)?;
                if v == Value::Null && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    return Err(SoqlError::malformed(
                        *value_pos,
                        "null can only be compared with = or !=",
                    ));
                }
                Self::Cmp(r, *op, v)
            }
            Cond::In {
                field,
                negated,
                values,
                value_pos,
            } => {
                let r = resolve(schema, object, field)?;
                let vs = values
                    .iter()
                    .map(|l| typed(&r, l, *value_pos))
                    .collect::<Result<_, _>>()?;
                Self::In(r, *negated, vs)
            }
            Cond::SemiJoin {
                field,
                negated,
                query,
                value_pos,
            } => {
                let r = resolve(schema, object, field)?;
                if !r.ty.is_id() {
                    return Err(SoqlError::malformed(
                        *value_pos,
                        format!(
                            "semi join sub selects can only be compared with id fields, cannot use: '{}'",
                            field.dotted()
                        ),
                    ));
                }
                let (plan, selected) = semi_join_plan(schema, query, *value_pos)?;
                Self::SemiJoin(r, *negated, Box::new(plan), selected)
            }
            Cond::Like {
                field,
                pattern,
                value_pos,
            } => {
                let r = resolve(schema, object, field)?;
                if !r.ty.is_text() {
                    return Err(SoqlError::new(
                        SoqlErrorCode::InvalidField,
                        Some(*value_pos),
                        format!("invalid operator on {} field", type_word(r.ty)),
                    ));
                }
                Self::Like(r, like_pattern(pattern))
            }
        })
    }

    fn run_semi_joins(&mut self, store: &Store) {
        match self {
            Self::And(v) | Self::Or(v) => v.iter_mut().for_each(|p| p.run_semi_joins(store)),
            Self::Not(p) => p.run_semi_joins(store),
            Self::SemiJoin(field, negated, plan, selected) => {
                let values: Vec<Value> = plan
                    .rows(store, store.records(&plan.object).iter())
                    .into_iter()
                    .map(|r| selected.value(store, r).clone())
                    .filter(|v| *v != Value::Null)
                    .collect();
                *self = Self::In(field.clone(), *negated, values);
            }
            _ => {}
        }
    }

    fn matches(&self, store: &Store, rec: &Record) -> bool {
        match self {
            Self::And(v) => v.iter().all(|p| p.matches(store, rec)),
            Self::Or(v) => v.iter().any(|p| p.matches(store, rec)),
            Self::Not(p) => !p.matches(store, rec),
            Self::Cmp(f, op, lit) => {
                let v = f.value(store, rec);
                match op {
                    CmpOp::Eq => equals(f.ty, v, lit),
                    CmpOp::Ne => !equals(f.ty, v, lit),
                    _ => match compare(f.ty, v, lit) {
                        Some(o) => match op {
                            CmpOp::Lt => o == Ordering::Less,
                            CmpOp::Le => o != Ordering::Greater,
                            CmpOp::Gt => o == Ordering::Greater,
                            _ => o != Ordering::Less,
                        },
                        None => false,
                    },
                }
            }
            Self::In(f, negated, list) => {
                let v = f.value(store, rec);
                list.iter().any(|l| equals(f.ty, v, l)) != *negated
            }
            // Run once by `Plan::run_semi_joins` before any row is matched.
            Self::SemiJoin(..) => false,
            Self::Like(f, pat) => f
                .value(store, rec)
                .as_text()
                .is_some_and(|t| like_match(pat, t)),
        }
    }
}

/// The plan of a semi-join's sub-select and the one Id or reference field it selects (SOQL
/// reference "Comparison Operators": semi-joins on ID or reference fields). Its restrictions as
/// Salesforce reports them: one Id field selected (public code: "semi join sub selects can only
/// query id fields, cannot use: '…'"), no semi-join inside (salesforce.md §B.1; the message is
/// modelled).
fn semi_join_plan(schema: &Schema, query: &Query, pos: Pos) -> Result<(Plan, Resolved), SoqlError> {
    let object = schema.object(&query.from.text).ok_or_else(|| {
        SoqlError::new(
            SoqlErrorCode::InvalidType,
            Some(query.from.pos),
            format!(
                "sObject type '{}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
                query.from.text
            ),
        )
    })?;
    if query.filter.as_ref().is_some_and(has_semi_join) {
        return Err(SoqlError::malformed(
            query.from.pos,
            "Nesting of semi join sub-selects is not supported",
        ));
    }
    let [SelectItem::Field(path)] = query.select.as_slice() else {
        return Err(SoqlError::malformed(
            pos,
            "semi join sub selects can only query id fields and must select exactly one field",
        ));
    };
    let selected = resolve(schema, object, path)?;
    if !selected.ty.is_id() {
        return Err(SoqlError::malformed(
            path.pos,
            format!(
                "semi join sub selects can only query id fields, cannot use: '{}'",
                path.dotted()
            ),
        ));
    }
    Ok((Plan::build(schema, object, query, None)?, selected))
}

fn has_semi_join(cond: &Cond) -> bool {
    match cond {
        Cond::SemiJoin { .. } => true,
        Cond::And(v) | Cond::Or(v) => v.iter().any(has_semi_join),
        Cond::Not(c) => has_semi_join(c),
        _ => false,
    }
}

/// Semi-joins may only stand at the top level of a WHERE clause, alone or ANDed, at most two
/// (apsona.com "Resolving semijoin subselect errors", verbatim message; the SOQL reference's
/// restrictions as summarised in public notes) [S].
fn check_semi_join_placement(cond: &Cond) -> Result<(), SoqlError> {
    let top: Vec<&Cond> = match cond {
        Cond::And(v) => v.iter().collect(),
        other => vec![other],
    };
    let nested = top.iter().any(|c| match c {
        Cond::SemiJoin { .. } => false,
        other => has_semi_join(other),
    });
    let pos = |c: &Cond| match c {
        Cond::SemiJoin { value_pos, .. } => Some(*value_pos),
        _ => None,
    };
    if nested {
        return Err(SoqlError::new(
            SoqlErrorCode::MalformedQuery,
            None,
            "Semi join sub-selects are only allowed at the top level WHERE expressions and not in nested WHERE expressions.",
        ));
    }
    let count = top.iter().filter(|c| pos(c).is_some()).count();
    if count > 2 {
        return Err(SoqlError::new(
            SoqlErrorCode::MalformedQuery,
            top.iter().filter_map(|c| pos(c)).nth(2),
            "A query can have at most two semi join or anti join sub-selects",
        ));
    }
    Ok(())
}

fn type_word(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Id | FieldType::Reference => "id",
        FieldType::Boolean => "boolean",
        FieldType::Int => "integer",
        FieldType::Double | FieldType::Currency | FieldType::Percent => "double",
        FieldType::DateTime => "dateTime",
        _ => "string",
    }
}

/// A subquery's child records by the Id of their parent.
type ChildGroups<'a> = std::collections::HashMap<&'a str, Vec<&'a Record>>;

/// What to put into each rendered record.
#[derive(Debug, Clone)]
enum Item {
    Field(Resolved),
    Children(Box<Plan>, String),
}

/// A resolved, ready-to-run query (top level or child subquery).
#[derive(Debug, Clone)]
struct Plan {
    object: String,
    items: Vec<Item>,
    filter: Option<Pred>,
    order: Vec<(Resolved, bool, bool)>,
    limit: Option<u64>,
    offset: Option<u64>,
    count: bool,
    /// For child subqueries: the child's reference field to the parent.
    parent_field: Option<String>,
}

impl Plan {
    fn build(
        schema: &Schema,
        object: &ObjectDef,
        q: &Query,
        parent_field: Option<String>,
    ) -> Result<Self, SoqlError> {
        let mut items = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut count = false;
        for item in &q.select {
            match item {
                SelectItem::Field(path) => {
                    let r = resolve(schema, object, path)?;
                    let key = r.canonical();
                    if seen.contains(&key) {
                        return Err(SoqlError::malformed(
                            path.pos,
                            format!("duplicate field selected: {}", path.dotted()),
                        ));
                    }
                    seen.push(key);
                    items.push(Item::Field(r));
                }
                SelectItem::Count(pos) => {
                    if q.select.len() != 1 || parent_field.is_some() {
                        return Err(SoqlError::malformed(
                            *pos,
                            "COUNT() must be the only element in the SELECT list",
                        ));
                    }
                    count = true;
                }
                SelectItem::SubQuery(sub) => {
                    if parent_field.is_some() {
                        return Err(SoqlError::malformed(
                            sub.from.pos,
                            "nesting of semi join sub-selects is not supported",
                        ));
                    }
                    let rel = object.find_child(&sub.from.text).ok_or_else(|| {
                        SoqlError::new(
                            SoqlErrorCode::InvalidType,
                            Some(sub.from.pos),
                            format!(
                                "Didn't understand relationship '{}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.",
                                sub.from.text
                            ),
                        )
                    })?;
                    let child = schema.object(&rel.child_object).ok_or_else(|| {
                        SoqlError::new(
                            SoqlErrorCode::InvalidType,
                            Some(sub.from.pos),
                            "child object missing from schema",
                        )
                    })?;
                    let plan = Self::build(schema, child, sub, Some(rel.field.clone()))?;
                    items.push(Item::Children(Box::new(plan), rel.name.clone()));
                }
            }
        }
        if let Some(cond) = &q.filter {
            if parent_field.is_some() && has_semi_join(cond) {
                return Err(SoqlError::malformed(
                    q.from.pos,
                    "semi join sub-selects are not allowed in a child relationship query",
                ));
            }
            check_semi_join_placement(cond)?;
        }
        let filter = q
            .filter
            .as_ref()
            .map(|c| Pred::compile(schema, object, c))
            .transpose()?;
        let order = q
            .order_by
            .iter()
            .map(|o| {
                let r = resolve(schema, object, &o.field)?;
                // Nulls sort as the smallest value unless NULLS FIRST/LAST says otherwise.
                let nulls_first = o.nulls_last.map_or(!o.descending, |last| !last);
                Ok((r, o.descending, nulls_first))
            })
            .collect::<Result<_, SoqlError>>()?;
        Ok(Self {
            object: object.name.clone(),
            items,
            filter,
            order,
            limit: q.limit,
            offset: q.offset,
            count,
            parent_field,
        })
    }

    /// Runs every semi-join's sub-select once, turning it into an `IN` list.
    fn run_semi_joins(&mut self, store: &Store) {
        if let Some(filter) = self.filter.as_mut() {
            filter.run_semi_joins(store);
        }
    }

    fn rows<'a>(
        &self,
        store: &'a Store,
        candidates: impl Iterator<Item = &'a Record>,
    ) -> Vec<&'a Record> {
        let mut rows: Vec<&Record> = candidates
            .filter(|r| self.filter.as_ref().is_none_or(|p| p.matches(store, r)))
            .collect();
        if !self.order.is_empty() {
            rows.sort_by(|a, b| {
                for (field, desc, nulls_first) in &self.order {
                    let (va, vb) = (field.value(store, a), field.value(store, b));
                    let o = match (va, vb) {
                        (Value::Null, Value::Null) => Ordering::Equal,
                        (Value::Null, _) => {
                            if *nulls_first {
                                Ordering::Less
                            } else {
                                Ordering::Greater
                            }
                        }
                        (_, Value::Null) => {
                            if *nulls_first {
                                Ordering::Greater
                            } else {
                                Ordering::Less
                            }
                        }
                        _ => {
                            let o = compare(field.ty, va, vb).unwrap_or(Ordering::Equal);
                            if *desc {
                                o.reverse()
                            } else {
                                o
                            }
                        }
                    };
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            });
        }
        let offset = usize::try_from(self.offset.unwrap_or(0)).unwrap_or(usize::MAX);
        let limit = self
            .limit
            .map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
        rows.into_iter().skip(offset).take(limit).collect()
    }

    /// For each child subquery (by item position), the child records of each parent Id in store
    /// order: one pass over the child table per query instead of one per parent row.
    fn child_groups<'a>(&self, store: &'a Store) -> Vec<Option<ChildGroups<'a>>> {
        self.items
            .iter()
            .map(|item| match item {
                Item::Field(_) => None,
                Item::Children(plan, _) => {
                    let field = plan.parent_field.as_deref().unwrap_or_default();
                    let mut groups = ChildGroups::new();
                    for child in store.records(&plan.object) {
                        if let Some(parent) = child.text(field) {
                            groups.entry(parent).or_default().push(child);
                        }
                    }
                    Some(groups)
                }
            })
            .collect()
    }

    fn render(
        &self,
        store: &Store,
        rec: &Record,
        version: &str,
        groups: &[Option<ChildGroups<'_>>],
    ) -> Map<String, Json> {
        let mut out = Map::new();
        out.insert(
            "attributes".into(),
            attributes(&self.object, &rec.id, version),
        );
        for (position, item) in self.items.iter().enumerate() {
            match item {
                Item::Field(r) => insert_path(store, &mut out, rec, r, 0, version),
                Item::Children(plan, name) => {
                    let kids = plan.rows(
                        store,
                        groups
                            .get(position)
                            .and_then(Option::as_ref)
                            .and_then(|g| g.get(rec.id.as_str()))
                            .into_iter()
                            .flatten()
                            .copied(),
                    );
                    let value = if kids.is_empty() {
                        Json::Null
                    } else {
                        json!({
                            "totalSize": kids.len(),
                            "done": true,
                            "records": kids.iter().map(|k| Json::Object(plan.render(store, k, version, &[]))).collect::<Vec<_>>(),
                        })
                    };
                    out.insert(name.clone(), value);
                }
            }
        }
        out
    }
}

fn attributes(object: &str, id: &str, version: &str) -> Json {
    json!({
        "type": object,
        "url": format!("/services/data/v{version}/sobjects/{object}/{id}"),
    })
}

/// Writes `r` (from hop `depth` on) into `out`, nesting parents as objects with their own
/// `attributes` and writing `null` for a missing parent (salesforce.md §B.1).
fn insert_path(
    store: &Store,
    out: &mut Map<String, Json>,
    rec: &Record,
    r: &Resolved,
    depth: usize,
    version: &str,
) {
    let Some(hop) = r.hops.get(depth) else {
        let derived = rec.object == "Profile" && r.field.starts_with("Permissions");
        let value = if (depth > 0 && r.field == "Name") || derived {
            field_of(store, rec, &r.field).to_json()
        } else {
            store.field_json(rec, &r.field)
        };
        out.insert(r.field.clone(), value);
        return;
    };
    let parent = rec.text(&hop.ref_field).and_then(|id| store.get(id));
    let Some(parent) = parent else {
        out.entry(hop.relationship.clone()).or_insert(Json::Null);
        return;
    };
    let slot = out.entry(hop.relationship.clone()).or_insert_with(|| {
        let mut m = Map::new();
        m.insert(
            "attributes".into(),
            attributes(&parent.object, &parent.id, version),
        );
        Json::Object(m)
    });
    if let Json::Object(m) = slot {
        insert_path(store, m, parent, r, depth + 1, version);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ids::IdAllocator;
    use crate::schema::ObjectDef;

    fn store() -> Store {
        let mut schema = Schema::standard();
        // A child relationship only for this test, to exercise subqueries.
        let objects: Vec<ObjectDef> = schema
            .objects()
            .iter()
            .cloned()
            .map(|o| {
                if o.name == "Profile" {
                    o.child("Users", "User", "ProfileId")
                } else {
                    o
                }
            })
            .collect();
        schema = Schema::new(objects);
        let mut s = Store::new(Arc::new(schema), IdAllocator::new("AM", '0'));
        let lic = s
            .insert("UserLicense", &[("Name", Value::text("Salesforce"))])
            .unwrap_or_default();
        let admin = s
            .insert(
                "Profile",
                &[
                    ("Name", Value::text("System Administrator")),
                    ("UserLicenseId", Value::text(lic)),
                ],
            )
            .unwrap_or_default();
        let empty = s
            .insert("Profile", &[("Name", Value::text("Empty"))])
            .unwrap_or_default();
        let _ = empty;
        for (first, last, active, profile) in [
            ("Ada", "Lovelace", true, Some(admin.as_str())),
            ("Alan", "Turing", false, Some(admin.as_str())),
            ("Grace", "Hopper", true, None),
            ("", "Zed", true, Some(admin.as_str())),
        ] {
            let first_v = if first.is_empty() {
                Value::Null
            } else {
                Value::text(first)
            };
            let profile_v = profile.map_or(Value::Null, Value::text);
            let _ = s.insert(
                "User",
                &[
                    ("FirstName", first_v),
                    ("LastName", Value::text(last)),
                    (
                        "Name",
                        Value::text(format!("{first} {last}").trim().to_owned()),
                    ),
                    ("IsActive", Value::Bool(active)),
                    ("ProfileId", profile_v),
                ],
            );
        }
        s
    }

    fn names(res: &QueryResult) -> Vec<String> {
        res.records
            .iter()
            .map(|r| r["Name"].as_str().unwrap_or("?").to_owned())
            .collect()
    }

    fn run(q: &str) -> Result<QueryResult, SoqlError> {
        execute(&store(), q, "66.0")
    }

    #[test]
    fn filters_sorts_and_slices() {
        let r = run("select name from user where isactive = true order by name desc")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(names(&r), ["Zed", "Grace Hopper", "Ada Lovelace"]);
        assert_eq!(r.total_size, 3);
        let r = run("SELECT Name FROM User WHERE Name LIKE 'a%' OR (NOT IsActive = true) ORDER BY Name LIMIT 2 OFFSET 1")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(names(&r), ["Alan Turing"]);
        let r =
            run("SELECT Name FROM User WHERE FirstName = null").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(names(&r), ["Zed"]);
        let r = run("SELECT Name FROM User ORDER BY FirstName").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(names(&r)[0], "Zed", "nulls first ascending");
        let r =
            run("SELECT Name FROM User ORDER BY FirstName DESC").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(names(&r)[3], "Zed", "nulls last descending");
        let r = run("SELECT Name FROM User ORDER BY FirstName NULLS LAST")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(names(&r)[3], "Zed");
        let r =
            run("SELECT Name FROM User WHERE LastName IN ('lovelace', 'TURING') AND Name != 'x'")
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(names(&r), ["Ada Lovelace", "Alan Turing"]);
        let r = run("SELECT COUNT() FROM User WHERE Profile.UserLicense.Name = 'Salesforce'")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.total_size, r.records.len()), (3, 0));
        let r =
            run("SELECT Name FROM User WHERE Name LIKE '_da%'").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(names(&r), ["Ada Lovelace"]);
    }

    #[test]
    fn ids_compare_in_15_and_18_forms() {
        let s = store();
        let id = s.records("User")[0].id.clone();
        let q = format!("SELECT Id FROM User WHERE Id = '{}'", &id[..15]);
        let r = execute(&s, &q, "66.0").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.records[0]["Id"], Json::String(id));
        let err = execute(&s, "SELECT Id FROM User WHERE Id = 'nope'", "66.0").err();
        assert_eq!(
            err.map(|e| e.code),
            Some(SoqlErrorCode::InvalidQueryFilterOperator)
        );
    }

    #[test]
    fn parents_nest_with_attributes_and_null() {
        let r = run("SELECT Id, Profile.Name, Profile.UserLicense.Name, profile.id FROM User")
            .unwrap_or_else(|e| panic!("{e}"));
        let ada = &r.records[0];
        assert_eq!(ada["attributes"]["type"], "User");
        assert!(ada["attributes"]["url"]
            .as_str()
            .unwrap_or("")
            .starts_with("/services/data/v66.0/sobjects/User/005"));
        assert_eq!(ada["Profile"]["attributes"]["type"], "Profile");
        assert_eq!(ada["Profile"]["Name"], "System Administrator");
        assert_eq!(ada["Profile"]["UserLicense"]["Name"], "Salesforce");
        assert_eq!(
            ada["Profile"]["UserLicense"]["attributes"]["type"],
            "UserLicense"
        );
        assert!(ada["Profile"]["Id"].is_string());
        let keys: Vec<&String> = ada
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["attributes", "Id", "Profile"]);
        assert_eq!(r.records[2]["Profile"], Json::Null);
    }

    #[test]
    fn subqueries_render_children() {
        let r = run("SELECT Name, (SELECT LastName FROM Users WHERE IsActive = true ORDER BY LastName) FROM Profile").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.records[0]["Users"]["totalSize"], 2);
        assert_eq!(r.records[0]["Users"]["records"][1]["LastName"], "Zed");
        assert_eq!(r.records[1]["Users"], Json::Null);
    }

    #[test]
    fn errors_have_codes_and_messages() {
        let cases = [
            (
                "SELECT Foo FROM User",
                SoqlErrorCode::InvalidField,
                "No such column 'Foo' on entity 'User'.",
            ),
            (
                "SELECT Profile.Foo FROM User",
                SoqlErrorCode::InvalidField,
                "No such column 'Foo' on entity 'Profile'.",
            ),
            (
                "SELECT Manager.Name FROM User",
                SoqlErrorCode::InvalidField,
                "Didn't understand relationship 'Manager'",
            ),
            (
                "SELECT Id FROM Foo",
                SoqlErrorCode::InvalidType,
                "sObject type 'Foo' is not supported.",
            ),
            (
                "SELECT Id FROM User WHERE IsActive = 'yes'",
                SoqlErrorCode::InvalidField,
                "must be of type boolean",
            ),
            (
                "SELECT Id, id FROM User",
                SoqlErrorCode::MalformedQuery,
                "duplicate field selected: id",
            ),
            (
                "SELECT Id FROM User WHERE IsActive LIKE 'x'",
                SoqlErrorCode::InvalidField,
                "invalid operator on boolean field",
            ),
            (
                "SELECT Id FROM User WHERE",
                SoqlErrorCode::MalformedQuery,
                "unexpected token",
            ),
        ];
        for (q, code, text) in cases {
            match run(q) {
                Err(e) => {
                    assert_eq!(e.code, code, "{q}");
                    assert!(e.reason.contains(text), "{q}: {}", e.reason);
                }
                Ok(_) => panic!("{q} should fail"),
            }
        }
        let msg = run("SELECT Id FROM Foo")
            .err()
            .map(|e| e.message("SELECT Id FROM Foo"))
            .unwrap_or_default();
        assert!(msg.starts_with("\nSELECT Id FROM Foo\n               ^\nERROR at Row:1:Column:16\nsObject type 'Foo'"), "{msg}");
    }

    #[test]
    fn like_matcher() {
        assert!(like_match(&like_pattern("a%c"), "ABC"));
        assert!(like_match(&like_pattern("%"), ""));
        assert!(!like_match(&like_pattern("a_"), "a"));
        assert!(like_match(&like_pattern("100\\%"), "100%"));
        assert!(!like_match(&like_pattern("100\\%"), "1000"));
    }
}
