//! The review as the page shows it: filtered by object, field, source and access, sorted, and
//! exported as CSV. Pure, so the page holds no rule about what a filter matches.

use super::grants::Access;
use super::review::{AccessReview, Granted, Source};
use serde::{Deserialize, Serialize};

/// What the admin filters and sorts by. Text filters match API names and labels,
/// case-insensitively; an empty text matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TableQuery {
    pub object: String,
    pub field: String,
    /// A source Id: only what that source grants.
    pub source: Option<String>,
    /// Only rows granting this permission.
    pub access: Option<Access>,
    /// Only rows with something broad for an integration.
    pub flagged_only: bool,
    pub sort: SortKey,
    pub descending: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SortKey {
    /// API name.
    #[default]
    Name,
    /// Label (objects); fields sort by API name.
    Label,
    /// The most permissions first.
    Access,
    /// The most sources first.
    Sources,
}

/// One permission of one row, ready to draw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    pub access: Access,
    pub granted: bool,
    /// `Permission set “NetSuite Integration”`, one per source.
    pub sources: Vec<String>,
    /// Why this grant is broad for an integration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    /// Object API name (object lines) or `Object.Field` (field lines).
    pub name: String,
    pub label: String,
    pub object: String,
    pub cells: Vec<Cell>,
}

/// The filtered, sorted tables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableView {
    pub objects: Vec<Line>,
    pub fields: Vec<Line>,
    pub total_objects: usize,
    pub total_fields: usize,
}

fn source_words(sources: &[Source], id: &str) -> String {
    sources.iter().find(|s| s.id == id).map_or_else(
        || id.to_owned(),
        |s| format!("{} \u{201c}{}\u{201d}", s.kind.label(), s.label),
    )
}

fn matches(text: &str, wanted: &str) -> bool {
    wanted.is_empty() || text.to_lowercase().contains(&wanted.trim().to_lowercase())
}

fn flag_of(
    review: &AccessReview,
    object: &str,
    access: Access,
    field_line: bool,
) -> Option<String> {
    if field_line {
        // `Object.*` is View All Fields on the object.
        return object
            .strip_suffix(".*")
            .and_then(|o| flag_of(review, o, Access::ViewAllFields, false));
    }
    let key = match (object, access) {
        ("*", Access::Read | Access::ViewAll) => "ViewAllData",
        ("*", _) => "ModifyAllData",
        (_, Access::ViewAll) => "ViewAll",
        (_, Access::ModifyAll) => "ModifyAll",
        (_, Access::ViewAllFields) => "ViewAllFields",
        _ => return None,
    };
    let object = (object != "*").then_some(object);
    review
        .flags
        .iter()
        .filter(|f| f.permission == key && f.object.as_deref() == object)
        .map(|f| f.reason.clone())
        .next()
        .or_else(|| {
            // On "every object", Read and View All come from View All Data or Modify All Data.
            (object.is_none() && key == "ViewAllData")
                .then(|| flag_of(review, "*", Access::Create, false))
                .flatten()
        })
}

/// One row of the review, as [`line`] takes it.
struct Row<'a> {
    name: &'a str,
    label: &'a str,
    object: &'a str,
    granted: &'a [Granted],
    /// A field row (`Object.Field`, or `Object.*` for View All Fields).
    field: bool,
}

fn line(
    review: &AccessReview,
    row: &Row<'_>,
    order: &[Access],
    query: &TableQuery,
) -> Option<Line> {
    let Row {
        name,
        label,
        object,
        granted,
        field: field_line,
    } = *row;
    let cells: Vec<Cell> = order
        .iter()
        .map(|access| {
            let sources: Vec<&String> = granted
                .iter()
                .filter(|g| g.access == *access)
                .flat_map(|g| g.sources.iter())
                .filter(|s| query.source.as_ref().is_none_or(|wanted| wanted == *s))
                .collect();
            let is_granted = !sources.is_empty();
            Cell {
                access: *access,
                granted: is_granted,
                sources: sources
                    .iter()
                    .map(|s| source_words(&review.sources, s))
                    .collect(),
                flag: if is_granted {
                    flag_of(review, name, *access, field_line)
                } else {
                    None
                },
            }
        })
        .collect();
    let any = cells.iter().any(|c| c.granted);
    let access_ok = query
        .access
        .is_none_or(|a| cells.iter().any(|c| c.access == a && c.granted));
    let flag_ok = !query.flagged_only || cells.iter().any(|c| c.flag.is_some());
    (any && access_ok && flag_ok).then(|| Line {
        name: name.to_owned(),
        label: label.to_owned(),
        object: object.to_owned(),
        cells,
    })
}

fn sort(lines: &mut [Line], query: &TableQuery) {
    let granted = |l: &Line| l.cells.iter().filter(|c| c.granted).count();
    let sources = |l: &Line| {
        let mut all: Vec<&String> = l.cells.iter().flat_map(|c| &c.sources).collect();
        all.sort();
        all.dedup();
        all.len()
    };
    lines.sort_by(|a, b| {
        let name = a.name.to_lowercase().cmp(&b.name.to_lowercase());
        let order = match query.sort {
            SortKey::Name => name,
            SortKey::Label => a
                .label
                .to_lowercase()
                .cmp(&b.label.to_lowercase())
                .then(name),
            SortKey::Access => granted(b).cmp(&granted(a)).then(name),
            SortKey::Sources => sources(b).cmp(&sources(a)).then(name),
        };
        if query.descending {
            order.reverse()
        } else {
            order
        }
    });
}

/// The tables for a query.
pub fn view(review: &AccessReview, query: &TableQuery) -> TableView {
    let field_filter_on = !query.field.trim().is_empty();
    let object_only_access = matches!(query.access, Some(a) if !Access::FIELD.contains(&a));
    let mut objects: Vec<Line> = if field_filter_on {
        Vec::new()
    } else {
        review
            .objects
            .iter()
            .filter(|r| matches(&r.object, &query.object) || matches(&r.label, &query.object))
            .filter_map(|r| {
                let row = Row {
                    name: &r.object,
                    label: &r.label,
                    object: &r.object,
                    granted: &r.granted,
                    field: false,
                };
                line(review, &row, &Access::OBJECT, query)
            })
            .collect()
    };
    let mut fields: Vec<Line> = if object_only_access {
        Vec::new()
    } else {
        review
            .fields
            .iter()
            .filter(|r| matches(&r.object, &query.object))
            .filter(|r| matches(&r.field, &query.field))
            .filter_map(|r| {
                let label = if r.field.ends_with(".*") {
                    format!("Every field of {} (View All Fields)", r.object)
                } else {
                    r.field.clone()
                };
                let row = Row {
                    name: &r.field,
                    label: &label,
                    object: &r.object,
                    granted: &r.granted,
                    field: true,
                };
                line(review, &row, &Access::FIELD, query)
            })
            .collect()
    };
    sort(&mut objects, query);
    sort(&mut fields, query);
    TableView {
        objects,
        fields,
        total_objects: review.objects.len(),
        total_fields: review.fields.len(),
    }
}

/// A CSV cell: quoted, quotes doubled, and a cell a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, or a tab or carriage return) gets a leading `'`.
pub fn csv_cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

const CSV_HEADER: [&str; 8] = [
    "Type",
    "Object",
    "Field",
    "Access",
    "Source type",
    "Source",
    "Source API name",
    "Broad for an integration",
];

/// The filtered view as CSV: one row per grant per source (what a spreadsheet filters best),
/// then the system permissions (filtered by source only). UTF-8 with a byte-order mark, CRLF.
pub fn csv(review: &AccessReview, query: &TableQuery) -> String {
    let tables = view(review, query);
    let mut rows: Vec<[String; 8]> = Vec::new();
    let source_parts = |id: &str| -> (String, String, String) {
        review.sources.iter().find(|s| s.id == id).map_or_else(
            || (String::new(), id.to_owned(), String::new()),
            |s| {
                (
                    s.kind.label().to_owned(),
                    s.label.clone(),
                    s.api_name.clone(),
                )
            },
        )
    };
    let mut push = |kind: &str, object: &str, field: &str, cell: &Cell, granted: &[Granted]| {
        let ids = granted
            .iter()
            .filter(|g| g.access == cell.access)
            .flat_map(|g| g.sources.iter())
            .filter(|s| query.source.as_ref().is_none_or(|wanted| wanted == *s));
        for id in ids {
            let (source_kind, label, api_name) = source_parts(id);
            rows.push([
                kind.to_owned(),
                object.to_owned(),
                field.to_owned(),
                cell.access.label().to_owned(),
                source_kind,
                label,
                api_name,
                cell.flag.clone().unwrap_or_default(),
            ]);
        }
    };
    for line in &tables.objects {
        let granted = review
            .objects
            .iter()
            .find(|r| r.object == line.name)
            .map(|r| r.granted.as_slice())
            .unwrap_or_default();
        for cell in line.cells.iter().filter(|c| c.granted) {
            let kind = if line.name == "*" {
                "Org-wide"
            } else {
                "Object"
            };
            push(kind, &line.name, "", cell, granted);
        }
    }
    for line in &tables.fields {
        let granted = review
            .fields
            .iter()
            .find(|r| r.field == line.name)
            .map(|r| r.granted.as_slice())
            .unwrap_or_default();
        let field = line
            .name
            .split_once('.')
            .map_or(line.name.as_str(), |(_, f)| f);
        for cell in line.cells.iter().filter(|c| c.granted) {
            push("Field", &line.object, field, cell, granted);
        }
    }
    if query.object.trim().is_empty() && query.field.trim().is_empty() && query.access.is_none() {
        for permission in &review.system_permissions {
            for id in permission
                .sources
                .iter()
                .filter(|s| query.source.as_ref().is_none_or(|wanted| wanted == *s))
            {
                let (source_kind, label, api_name) = source_parts(id);
                let flag = review
                    .flags
                    .iter()
                    .find(|f| f.object.is_none() && f.permission == permission.name)
                    .map(|f| f.reason.clone());
                if query.flagged_only && flag.is_none() {
                    continue;
                }
                rows.push([
                    "System permission".to_owned(),
                    String::new(),
                    String::new(),
                    permission.label.clone(),
                    source_kind,
                    label,
                    api_name,
                    flag.unwrap_or_default(),
                ]);
            }
        }
    }
    let mut out = String::from("\u{feff}");
    for row in std::iter::once(CSV_HEADER.map(str::to_owned)).chain(rows) {
        let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::review::{FieldRow, Flag, ObjectRow, Source, SourceKind, SystemRow};

    fn review() -> AccessReview {
        let source = |id: &str, kind, label: &str| Source {
            id: id.into(),
            kind,
            label: label.into(),
            api_name: label.replace(' ', "_"),
            namespace: None,
        };
        let granted = |access, sources: &[&str]| Granted {
            access,
            sources: sources.iter().map(|s| (*s).to_owned()).collect(),
        };
        AccessReview {
            sources: vec![
                source("0PSa", SourceKind::PermissionSet, "NetSuite Integration"),
                source(
                    "0PGb",
                    SourceKind::PermissionSetGroup,
                    "=HYPERLINK(\"http://evil\")",
                ),
            ],
            objects: vec![
                ObjectRow {
                    object: "Account".into(),
                    label: "Account".into(),
                    granted: vec![
                        granted(Access::Read, &["0PSa", "0PGb"]),
                        granted(Access::Edit, &["0PSa"]),
                    ],
                },
                ObjectRow {
                    object: "Shipment__c".into(),
                    label: "Shipment".into(),
                    granted: vec![
                        granted(Access::Read, &["0PGb"]),
                        granted(Access::ViewAll, &["0PGb"]),
                    ],
                },
            ],
            fields: vec![
                FieldRow {
                    field: "Account.Phone".into(),
                    object: "Account".into(),
                    granted: vec![
                        granted(Access::Read, &["0PSa"]),
                        granted(Access::Edit, &["0PSa"]),
                    ],
                },
                FieldRow {
                    field: "Shipment__c.Weight__c".into(),
                    object: "Shipment__c".into(),
                    granted: vec![granted(Access::Read, &["0PGb"])],
                },
            ],
            system_permissions: vec![SystemRow {
                name: "RunReports".into(),
                label: "Run Reports".into(),
                sources: vec!["0PGb".into()],
            }],
            flags: vec![Flag {
                permission: "ViewAll".into(),
                label: "View All".into(),
                object: Some("Shipment__c".into()),
                reason: "-broad".into(),
                sources: vec!["0PGb".into()],
                removable: true,
            }],
            ..AccessReview::default()
        }
    }

    fn names(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.name.as_str()).collect()
    }

    #[test]
    fn filters_by_object_field_source_and_access() {
        let review = review();
        let all = view(&review, &TableQuery::default());
        assert_eq!(names(&all.objects), ["Account", "Shipment__c"]);
        assert_eq!(
            names(&all.fields),
            ["Account.Phone", "Shipment__c.Weight__c"]
        );
        let by_label = view(
            &review,
            &TableQuery {
                object: "shipm".into(),
                ..TableQuery::default()
            },
        );
        assert_eq!(names(&by_label.objects), ["Shipment__c"]);
        assert_eq!(names(&by_label.fields), ["Shipment__c.Weight__c"]);
        let by_field = view(
            &review,
            &TableQuery {
                field: "phone".into(),
                ..TableQuery::default()
            },
        );
        assert!(by_field.objects.is_empty());
        assert_eq!(names(&by_field.fields), ["Account.Phone"]);
        let by_source = view(
            &review,
            &TableQuery {
                source: Some("0PSa".into()),
                ..TableQuery::default()
            },
        );
        assert_eq!(names(&by_source.objects), ["Account"]);
        assert_eq!(
            by_source.objects[0].cells[0].sources,
            ["Permission set \u{201c}NetSuite Integration\u{201d}"]
        );
        let edit = view(
            &review,
            &TableQuery {
                access: Some(Access::Edit),
                ..TableQuery::default()
            },
        );
        assert_eq!(names(&edit.objects), ["Account"]);
        assert_eq!(names(&edit.fields), ["Account.Phone"]);
        let view_all = view(
            &review,
            &TableQuery {
                access: Some(Access::ViewAll),
                ..TableQuery::default()
            },
        );
        assert_eq!(names(&view_all.objects), ["Shipment__c"]);
        assert!(view_all.fields.is_empty());
        let flagged = view(
            &review,
            &TableQuery {
                flagged_only: true,
                ..TableQuery::default()
            },
        );
        assert_eq!(names(&flagged.objects), ["Shipment__c"]);
        assert_eq!(flagged.objects[0].cells[4].flag.as_deref(), Some("-broad"));
    }

    #[test]
    fn sorts_by_name_label_access_and_sources() {
        let review = review();
        let sorted = |sort, descending| {
            let view = view(
                &review,
                &TableQuery {
                    sort,
                    descending,
                    ..TableQuery::default()
                },
            );
            names(&view.objects)
                .iter()
                .map(|s| (*s).to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(sorted(SortKey::Name, true), ["Shipment__c", "Account"]);
        assert_eq!(sorted(SortKey::Label, false), ["Account", "Shipment__c"]);
        // Account: Read, Edit (2); Shipment: Read, View All (2) → by name.
        assert_eq!(sorted(SortKey::Access, false), ["Account", "Shipment__c"]);
        assert_eq!(sorted(SortKey::Sources, false), ["Account", "Shipment__c"]);
    }

    #[test]
    fn csv_guards_against_formulas_and_quotes_every_cell() {
        assert_eq!(csv_cell("=1+2"), "\"'=1+2\"");
        assert_eq!(csv_cell("+A1"), "\"'+A1\"");
        assert_eq!(csv_cell("-2"), "\"'-2\"");
        assert_eq!(csv_cell("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(csv_cell("Say \"hi\", then"), "\"Say \"\"hi\"\", then\"");
        assert_eq!(csv_cell("a=b"), "\"a=b\"");
        let text = csv(&review(), &TableQuery::default());
        assert!(text.starts_with("\u{feff}\"Type\",\"Object\""));
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert!(lines.contains(&"\"Object\",\"Account\",\"\",\"Read\",\"Permission set group\",\"'=HYPERLINK(\"\"http://evil\"\")\",\"'=HYPERLINK(\"\"http://evil\"\")\",\"\""));
        assert!(lines.contains(&"\"Object\",\"Shipment__c\",\"\",\"View All\",\"Permission set group\",\"'=HYPERLINK(\"\"http://evil\"\")\",\"'=HYPERLINK(\"\"http://evil\"\")\",\"'-broad\""));
        assert!(lines.contains(&"\"Field\",\"Account\",\"Phone\",\"Edit\",\"Permission set\",\"NetSuite Integration\",\"NetSuite_Integration\",\"\""));
        assert!(lines
            .iter()
            .any(|l| l.starts_with("\"System permission\",\"\",\"\",\"Run Reports\"")));
        // Header + Account Read ×2, Edit; Shipment Read, View All; Phone Read, Edit; Weight Read;
        // Run Reports; and the final empty piece after the last CRLF.
        assert_eq!(lines.len(), 1 + 3 + 2 + 2 + 1 + 1 + 1);
        let filtered = csv(
            &review(),
            &TableQuery {
                source: Some("0PSa".into()),
                ..TableQuery::default()
            },
        );
        assert!(!filtered.contains("HYPERLINK"));
    }
}
