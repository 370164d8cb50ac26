//! The page snapshot read from its JSON by hand ([`crate::json::fields`]) rather than through
//! serde's derived readers, which for these eight nested types were the largest single item of
//! the worker's core. Same shape and defaults as the types' `#[serde]` attributes say: every
//! member may be left out except a row's `key`, a checkbox's `id` and an onclick's `permKey`.

use super::{
    CellSnapshot, CheckboxSnapshot, ClickDependency, HeaderCell, PageSnapshot, RowSnapshot,
    TableSnapshot,
};
use crate::json::fields::Fields;
use crate::json::JsonError;
use crate::rules::DependencyMap;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

impl<'de> Deserialize<'de> for PageSnapshot {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        page(&value).map_err(D::Error::custom)
    }
}

fn page(value: &Value) -> Result<PageSnapshot, JsonError> {
    let fields = Fields::of(value, "struct PageSnapshot")?;
    Ok(PageSnapshot {
        tables: fields.list("tables", table)?,
        dependency_map: fields.optional("dependencyMap", dependency_map)?,
    })
}

fn dependency_map(value: &Value) -> Result<DependencyMap, JsonError> {
    crate::json::read(value)
}

fn table(value: &Value) -> Result<TableSnapshot, JsonError> {
    let fields = Fields::of(value, "struct TableSnapshot")?;
    Ok(TableSnapshot {
        key: fields.optional_string("key")?,
        header: fields.optional_list("header", header_cell)?,
        rows: fields.list("rows", row)?,
    })
}

fn header_cell(value: &Value) -> Result<HeaderCell, JsonError> {
    let fields = Fields::of(value, "struct HeaderCell")?;
    Ok(HeaderCell {
        text: fields.string("text")?,
        id: fields.optional_string("id")?,
        classes: fields.strings("classes")?,
        span: fields.optional_u16("span")?,
        has_checkbox: fields.flag("hasCheckbox")?,
    })
}

fn row(value: &Value) -> Result<RowSnapshot, JsonError> {
    let fields = Fields::of(value, "struct RowSnapshot")?;
    Ok(RowSnapshot {
        key: fields.required_string("key")?,
        label: fields.string("label")?,
        cells: fields.list("cells", cell)?,
    })
}

fn cell(value: &Value) -> Result<CellSnapshot, JsonError> {
    let fields = Fields::of(value, "struct CellSnapshot")?;
    Ok(CellSnapshot {
        classes: fields.strings("classes")?,
        checkbox: fields.optional("checkbox", checkbox)?,
    })
}

fn checkbox(value: &Value) -> Result<CheckboxSnapshot, JsonError> {
    let fields = Fields::of(value, "struct CheckboxSnapshot")?;
    Ok(CheckboxSnapshot {
        id: fields.required_string("id")?,
        name: fields.optional_string("name")?,
        title: fields.optional_string("title")?,
        classes: fields.strings("classes")?,
        checked: fields.flag("checked")?,
        disabled: fields.flag("disabled")?,
        onclick: fields.optional("onclick", click_dependency)?,
    })
}

fn click_dependency(value: &Value) -> Result<ClickDependency, JsonError> {
    let fields = Fields::of(value, "struct ClickDependency")?;
    Ok(ClickDependency {
        row_key: fields.optional_string("rowKey")?,
        perm_key: fields.required_string("permKey")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The snapshot as serde's derive read it before: the same values from the same JSON.
    #[test]
    fn a_snapshot_reads_as_its_serde_attributes_say() {
        let value = json!({
            "tables": [{
                "key": "t0",
                "header": [{"text": "Read", "id": "h1", "classes": ["a"], "span": 2, "hasCheckbox": true}, {}],
                "rows": [
                    {"key": "Account.Name", "label": "Name", "cells": [
                        {},
                        {"classes": ["c"], "checkbox": {
                            "id": "cb1", "name": "n", "title": "t", "classes": ["x"],
                            "checked": true, "disabled": false,
                            "onclick": {"rowKey": "r", "permKey": "p"}
                        }},
                        {"checkbox": {"id": "cb2", "onclick": {"permKey": "p"}}}
                    ]},
                    {"key": "2"}
                ]
            }, {"key": null, "header": null}],
            "dependencyMap": {"map": {}},
            "unknown": 1
        });
        let snapshot = page(&value).unwrap_or_else(|e| panic!("{e}"));
        let [first, second] = snapshot.tables.as_slice() else {
            panic!("{snapshot:?}");
        };
        assert_eq!(first.key.as_deref(), Some("t0"));
        let header = first.header.clone().unwrap_or_default();
        assert_eq!(
            header,
            [
                HeaderCell {
                    text: "Read".into(),
                    id: Some("h1".into()),
                    classes: vec!["a".into()],
                    span: Some(2),
                    has_checkbox: true
                },
                HeaderCell::default()
            ]
        );
        assert_eq!(first.rows.len(), 2);
        assert_eq!(first.rows[0].cells[0], CellSnapshot::default());
        assert_eq!(
            first.rows[0].cells[1].checkbox,
            Some(CheckboxSnapshot {
                id: "cb1".into(),
                name: Some("n".into()),
                title: Some("t".into()),
                classes: vec!["x".into()],
                checked: true,
                disabled: false,
                onclick: Some(ClickDependency {
                    row_key: Some("r".into()),
                    perm_key: "p".into()
                }),
            })
        );
        assert_eq!(first.rows[1].key, "2");
        assert_eq!(second, &TableSnapshot::default());
        assert!(snapshot.dependency_map.is_some());
        // Through serde, as a request carries it.
        let through_serde: PageSnapshot =
            crate::json::read(&value).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(through_serde, snapshot);
        let from_text: PageSnapshot =
            serde_json::from_str(&value.to_string()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_text, snapshot);
    }

    #[test]
    fn a_snapshot_missing_what_it_needs_is_refused() {
        for (value, words) in [
            (json!({"tables": [{"rows": [{}]}]}), "missing field `key`"),
            (
                json!({"tables": [{"rows": [{"key": "r", "cells": [{"checkbox": {}}]}]}]}),
                "missing field `id`",
            ),
            (
                json!({"tables": {}}),
                "invalid type: map, expected a sequence",
            ),
            (
                json!({"tables": [{"rows": [{"key": 3}]}]}),
                "invalid type: integer `3`, expected a string",
            ),
            (
                json!([]),
                "invalid type: sequence, expected struct PageSnapshot",
            ),
        ] {
            match page(&value) {
                Err(error) => assert_eq!(error.to_string(), words, "{value}"),
                Ok(snapshot) => panic!("{value} read as {snapshot:?}"),
            }
        }
    }
}
