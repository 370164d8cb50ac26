//! The bulk toggles' request: a page's table snapshot → every toggleable column with both of its
//! plans precomputed, so a toggle applies without a round trip. Pure: no API call, no storage.

use crate::columns::{self, ColumnAction, PageSnapshot, RowFilter, ToggleRequest};
use crate::protocol::{ColumnControl, Reply};

/// How much of a page a snapshot may hold. The largest Setup tables are a profile's field-level
/// security page (one row per field: at most a few hundred custom fields per object plus the
/// standard ones, salesforce.md §D.4) and a Users list page (up to 1,000 rows, §H.Q1); the limits are
/// twenty times that, so a real page never meets them and a forged one can't keep the worker busy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SnapshotLimits;

impl SnapshotLimits {
    pub const TABLES: usize = 1_000;
    /// Data rows, all tables together.
    pub const ROWS: usize = 20_000;
    /// Data and header cells, all tables together.
    pub const CELLS: usize = 400_000;
    /// Entries of the page's dependency map (`map[row][perm]`, `dependents`, `antecedents`).
    pub const DEPENDENCY_ENTRIES: usize = 100_000;
}

/// Why a snapshot is not planned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("This page's tables are larger than Forcefield handles ({what}: {found}, at most {max}), so it adds no toggles here.")]
    TooLarge {
        what: &'static str,
        found: usize,
        max: usize,
    },
    /// Plans name boxes by id, so two boxes with one id can't be told apart (a page whose ids
    /// repeat, or a forged snapshot).
    #[error("This page has more than one checkbox with the id {0:?}, so Forcefield can't tell them apart and adds no toggles here.")]
    DuplicateCheckbox(String),
}

/// Checks a snapshot against [`SnapshotLimits`], and that its checkbox ids are unique (the
/// snapshot's contract, which plans rely on), before any work is done on it.
pub fn check_snapshot(snapshot: &PageSnapshot) -> Result<(), SnapshotError> {
    let over = |what, found, max| {
        if found > max {
            Err(SnapshotError::TooLarge { what, found, max })
        } else {
            Ok(())
        }
    };
    over("tables", snapshot.tables.len(), SnapshotLimits::TABLES)?;
    let rows: usize = snapshot.tables.iter().map(|t| t.rows.len()).sum();
    over("rows", rows, SnapshotLimits::ROWS)?;
    let cells: usize = snapshot
        .tables
        .iter()
        .map(|t| {
            t.header.as_ref().map_or(0, Vec::len)
                + t.rows.iter().map(|r| r.cells.len()).sum::<usize>()
        })
        .sum();
    over("cells", cells, SnapshotLimits::CELLS)?;
    let entries = snapshot.dependency_map.as_ref().map_or(0, |map| {
        map.map
            .values()
            .map(|perms| perms.len().max(1))
            .sum::<usize>()
            + map
                .dependents
                .values()
                .map(|d| d.len().max(1))
                .sum::<usize>()
            + map
                .antecedents
                .values()
                .map(|a| a.len().max(1))
                .sum::<usize>()
    });
    over(
        "dependency map entries",
        entries,
        SnapshotLimits::DEPENDENCY_ENTRIES,
    )?;
    let mut ids = std::collections::BTreeSet::new();
    for checkbox in snapshot
        .tables
        .iter()
        .flat_map(|t| &t.rows)
        .flat_map(|r| &r.cells)
        .filter_map(|c| c.checkbox.as_ref())
    {
        if !ids.insert(checkbox.id.as_str()) {
            return Err(SnapshotError::DuplicateCheckbox(checkbox.id.clone()));
        }
    }
    Ok(())
}

/// Every toggleable column of a page with both of its plans.
pub fn column_plans(snapshot: &PageSnapshot, filter: Option<&RowFilter>) -> Reply {
    if let Err(e) = check_snapshot(snapshot) {
        return Reply::Failed {
            message: e.to_string(),
        };
    }
    let model = columns::detect_columns(snapshot);
    let plan = |column_key: &str, table_key: &str, action| {
        let filter = filter.filter(|f| f.table_key == table_key).cloned();
        columns::plan_toggle(
            &model,
            &ToggleRequest {
                column_key: column_key.to_owned(),
                action,
                filter,
            },
        )
    };
    let controls: Result<Vec<ColumnControl>, columns::ColumnsError> = model
        .columns()
        .iter()
        .map(|column| {
            Ok(ColumnControl {
                check_all: plan(&column.key, &column.table_key, ColumnAction::CheckAll)?,
                clear_all: plan(&column.key, &column.table_key, ColumnAction::ClearAll)?,
                column: column.clone(),
            })
        })
        .collect();
    match controls {
        Ok(columns) => Reply::ColumnPlans { columns },
        Err(e) => Reply::Failed {
            message: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::{CellSnapshot, RowSnapshot, TableSnapshot};

    fn rows(count: usize, cells: usize) -> Vec<RowSnapshot> {
        (0..count)
            .map(|n| RowSnapshot {
                key: n.to_string(),
                label: String::new(),
                cells: vec![CellSnapshot::default(); cells],
            })
            .collect()
    }

    /// Found by the page snapshot property (`tests/fuzz_properties.rs`): two boxes with one id
    /// made a plan change that id twice, and its undo restore it to two different states.
    #[test]
    fn a_snapshot_with_two_boxes_of_one_id_is_refused() {
        let checkbox = |checked| CellSnapshot {
            classes: Vec::new(),
            checkbox: Some(crate::columns::CheckboxSnapshot {
                id: "p:fieldPerms:3:fls_read_ck".into(),
                checked,
                ..Default::default()
            }),
        };
        let row = |key: &str, checked| RowSnapshot {
            key: key.into(),
            label: String::new(),
            cells: vec![CellSnapshot::default(), checkbox(checked)],
        };
        let snapshot = PageSnapshot {
            tables: vec![TableSnapshot {
                key: Some("p:fieldPerms".into()),
                header: None,
                rows: vec![
                    row("Account.AnnualRevenue", false),
                    row("Account.Rating__c", true),
                ],
            }],
            dependency_map: None,
        };
        match column_plans(&snapshot, None) {
            Reply::Failed { message } => {
                assert!(
                    message.contains("more than one checkbox with the id"),
                    "{message}"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_snapshot_beyond_the_limits_is_refused_with_a_clear_message() {
        let table = |rows| TableSnapshot {
            key: None,
            header: None,
            rows,
        };
        let within = PageSnapshot {
            tables: vec![table(rows(SnapshotLimits::ROWS, 1))],
            dependency_map: None,
        };
        assert_eq!(check_snapshot(&within), Ok(()));
        let too_many_rows = PageSnapshot {
            tables: vec![table(rows(SnapshotLimits::ROWS / 2 + 1, 1)); 2],
            dependency_map: None,
        };
        let too_many_cells = PageSnapshot {
            tables: vec![table(rows(10, SnapshotLimits::CELLS / 10 + 1))],
            dependency_map: None,
        };
        let too_many_tables = PageSnapshot {
            tables: vec![TableSnapshot::default(); SnapshotLimits::TABLES + 1],
            dependency_map: None,
        };
        for (snapshot, what) in [
            (too_many_rows, "rows"),
            (too_many_cells, "cells"),
            (too_many_tables, "tables"),
        ] {
            match column_plans(&snapshot, None) {
                Reply::Failed { message } => {
                    assert!(message.contains(&format!("({what}: ")), "{message}");
                    assert!(message.contains("adds no toggles"), "{message}");
                }
                other => panic!("{what}: {other:?}"),
            }
        }
    }
}
