//! The bulk toggles' messages: a page's table snapshot in, every toggleable column with both of
//! its plans out.

use super::Ask;
use crate::columns::{ColumnModel, PageSnapshot, RowFilter, TogglePlan};
use serde::{Deserialize, Serialize};

super::request_enum! {
    /// A content script's bulk-toggle requests (pure: they need no org).
    pub enum TogglesRequest {
        "planColumns" => PlanColumns(PlanColumns),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum TogglesReply {
    ColumnPlans(ColumnPlans),
}

/// A content script's snapshot of its page's tables. The answer names the columns that get a
/// toggle, with both plans for each precomputed, so a toggle applies without a round trip.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanColumns {
    pub snapshot: PageSnapshot,
    /// The admin's filter over one table's rows; other tables are unfiltered.
    #[serde(default)]
    pub filter: Option<RowFilter>,
}

impl Ask for PlanColumns {
    type Reply = ColumnPlans;
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnPlans {
    pub columns: Vec<ColumnControl>,
}

/// One column's toggle: where it goes, its state, and what checking or clearing it changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnControl {
    pub column: ColumnModel,
    pub check_all: TogglePlan,
    pub clear_all: TogglePlan,
}
