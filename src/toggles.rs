//! The bulk toggles' request: a page's table snapshot → every toggleable column with both of its
//! plans precomputed, so a toggle applies without a round trip. Pure: no API call, no storage.

use crate::columns::{self, ColumnAction, ToggleRequest};
use crate::protocol::toggles::{
    ColumnControl, ColumnPlans, PlanColumns, TogglesReply, TogglesRequest,
};
use crate::protocol::ReplyTo;

/// What can go wrong planning a page's toggles (worded in [`crate::words`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TogglesError {
    Columns(columns::ColumnsError),
}

/// Answers a content script's bulk-toggle request.
pub fn answer(request: TogglesRequest) -> Result<TogglesReply, TogglesError> {
    match request {
        TogglesRequest::PlanColumns(request) => {
            column_plans(&request).map(TogglesReply::ColumnPlans)
        }
    }
}

/// Every toggleable column of a page with both of its plans.
fn column_plans(request: &PlanColumns) -> Result<ReplyTo<PlanColumns>, TogglesError> {
    let filter = request.filter.as_ref();
    let model = columns::detect_columns(&request.snapshot);
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
    controls
        .map(|columns| ColumnPlans { columns })
        .map_err(TogglesError::Columns)
}
