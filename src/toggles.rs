//! The bulk toggles' request: a page's table snapshot → every toggleable column with both of its
//! plans precomputed, so a toggle applies without a round trip. Pure: no API call, no storage.

use crate::columns::{self, ColumnAction, PageSnapshot, RowFilter, ToggleRequest};
use crate::protocol::{ColumnControl, Reply};

/// Every toggleable column of a page with both of its plans.
pub fn column_plans(snapshot: &PageSnapshot, filter: Option<&RowFilter>) -> Reply {
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
