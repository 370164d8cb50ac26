//! SOQL, built one way: a query is its fields, its object and its conditions, and every value in
//! it is a string literal quoted by one rule ([`literal`]). Field and object names come from the
//! code or from the org's own describe, never from what a person typed; values may come from
//! anywhere. Salesforce answers malformed SOQL with `MALFORMED_QUERY` (salesforce.md §B.1), an
//! error, never a panic here.

use std::fmt;

/// A SOQL string literal: the value between single quotes, with SOQL's escape sequences for the
/// characters that need them (`\\`, `\'`, `\"`, and `\n`, `\r`, `\t`, `\b`, `\f` for control
/// characters; SOQL and SOSL Reference "Quoted String Escape Sequences"). `%` and `_` are
/// literal outside `LIKE`, which Forcefield never builds.
pub fn literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            other => out.push(other),
        }
    }
    out.push('\'');
    out
}

/// A query being built: `SELECT <fields> FROM <object> [WHERE <a> AND <b>…] [ORDER BY] [LIMIT]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    fields: String,
    object: String,
    conditions: Vec<String>,
    order_by: Option<String>,
    limit: Option<usize>,
}

/// Starts a query of `fields` (names, relationship paths, or [`Query::subquery`]s).
pub fn select<I, S>(fields: I) -> Query
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let fields: Vec<String> = fields.into_iter().map(|f| f.as_ref().to_owned()).collect();
    Query {
        fields: fields.join(", "),
        object: String::new(),
        conditions: Vec::new(),
        order_by: None,
        limit: None,
    }
}

impl Query {
    /// The object (or, in a subquery, the child relationship) queried.
    pub fn from(mut self, object: &str) -> Self {
        object.clone_into(&mut self.object);
        self
    }

    /// `field = '<value>'`.
    pub fn where_eq(mut self, field: &str, value: &str) -> Self {
        self.conditions
            .push(format!("{field} = {}", literal(value)));
        self
    }

    /// `field = true` or `field = false`.
    pub fn where_bool(mut self, field: &str, value: bool) -> Self {
        self.conditions.push(format!("{field} = {value}"));
        self
    }

    /// `field IN ('<a>', '<b>'…)`. Callers skip the query for no values: `IN ()` is malformed.
    pub fn where_in<I, S>(mut self, field: &str, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let values: Vec<String> = values.into_iter().map(|v| literal(v.as_ref())).collect();
        self.conditions
            .push(format!("{field} IN ({})", values.join(", ")));
        self
    }

    /// `field IN (SELECT …)`: a semi-join (salesforce.md §B.1), whose inner query selects one Id
    /// or reference field.
    pub fn where_in_query(mut self, field: &str, inner: &Query) -> Self {
        self.conditions
            .push(format!("{field} IN {}", inner.subquery()));
        self
    }

    /// `field NOT IN (SELECT …)`: an anti-join (salesforce.md §B.1); at most two semi- or
    /// anti-joins per query.
    pub fn where_not_in_query(mut self, field: &str, inner: &Query) -> Self {
        self.conditions
            .push(format!("{field} NOT IN {}", inner.subquery()));
        self
    }

    /// `field = null`: SOQL's test for an empty field.
    pub fn where_null(mut self, field: &str) -> Self {
        self.conditions.push(format!("{field} = null"));
        self
    }

    /// `(a = true OR b = true …)`: any of the checkbox `fields` set.
    pub fn where_any_true<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let tests: Vec<String> = fields
            .into_iter()
            .map(|f| format!("{} = true", f.as_ref()))
            .collect();
        self.conditions.push(format!("({})", tests.join(" OR ")));
        self
    }

    pub fn order_by(mut self, field: &str) -> Self {
        self.order_by = Some(field.to_owned());
        self
    }

    pub fn limit(mut self, rows: usize) -> Self {
        self.limit = Some(rows);
        self
    }

    /// The query as a parent query's field: `(SELECT … FROM <relationship>)`.
    pub fn subquery(&self) -> String {
        format!("({self})")
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SELECT {} FROM {}", self.fields, self.object)?;
        if !self.conditions.is_empty() {
            write!(f, " WHERE {}", self.conditions.join(" AND "))?;
        }
        if let Some(field) = &self.order_by {
            write!(f, " ORDER BY {field}")?;
        }
        if let Some(rows) = self.limit {
            write!(f, " LIMIT {rows}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_by_the_one_rule() {
        assert_eq!(literal("Bob's BBQ"), r"'Bob\'s BBQ'");
        assert_eq!(literal(r"a\b"), r"'a\\b'");
        assert_eq!(literal("say \"hi\"\n"), r#"'say \"hi\"\n'"#);
        assert_eq!(literal("50%_off"), "'50%_off'");
        // A value can't close the literal and add a condition of its own.
        assert_eq!(literal("x' OR Name != '"), r"'x\' OR Name != \''");
    }

    #[test]
    fn queries_read_as_soql() {
        let query = select(["Id", "Name"])
            .from("PermissionSet")
            .where_eq("Name", "Integration_X")
            .where_bool("IsOwnedByProfile", false)
            .order_by("Label")
            .limit(1);
        assert_eq!(
            query.to_string(),
            "SELECT Id, Name FROM PermissionSet WHERE Name = 'Integration_X' AND IsOwnedByProfile = false ORDER BY Label LIMIT 1"
        );
        let children = select(["PermissionSetId"]).from("PermissionSetAssignments");
        assert_eq!(
            select(["Id".to_owned(), children.subquery()])
                .from("User")
                .where_in("Id", ["005A", "005B"])
                .to_string(),
            "SELECT Id, (SELECT PermissionSetId FROM PermissionSetAssignments) FROM User WHERE Id IN ('005A', '005B')"
        );
    }

    #[test]
    fn semi_joins_nulls_and_alternatives_read_as_soql() {
        let assigned = select(["PermissionSetId"])
            .from("PermissionSetAssignment")
            .where_eq("AssigneeId", "005A");
        assert_eq!(
            select(["ParentId"])
                .from("ObjectPermissions")
                .where_in_query("ParentId", &assigned)
                .where_any_true(["PermissionsViewAllRecords", "PermissionsModifyAllRecords"])
                .to_string(),
            "SELECT ParentId FROM ObjectPermissions WHERE ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '005A') AND (PermissionsViewAllRecords = true OR PermissionsModifyAllRecords = true)"
        );
        assert_eq!(
            select(["Id"])
                .from("PermissionSet")
                .where_null("PermissionSetGroupId")
                .to_string(),
            "SELECT Id FROM PermissionSet WHERE PermissionSetGroupId = null"
        );
        let rows = select(["ParentId"])
            .from("FieldPermissions")
            .where_eq("ParentId", "0PSA");
        assert_eq!(
            select(["Id"])
                .from("PermissionSet")
                .where_eq("Id", "0PSA")
                .where_not_in_query("Id", &rows)
                .to_string(),
            "SELECT Id FROM PermissionSet WHERE Id = '0PSA' AND Id NOT IN (SELECT ParentId FROM FieldPermissions WHERE ParentId = '0PSA')"
        );
    }
}
