//! Bulk changes as steps, the way the page itself would make them: a step sets one box and the
//! boxes its dependency closure moves with it (what a click by hand does, salesforce.md §D.3),
//! and is refused as a whole when it would need a disabled box or a box in a row the filter hides
//! changed. A column toggle, pasting a row's access and copying another set's access are lists of
//! steps.
//!
//! The content script runs the very same steps on the live page, with each box's closure handed
//! over once in [`PageControls`]: reading `.checked` at the moment of the click and applying
//! immediately, so a toggle right after another needs no round trip. It re-checks each step
//! against the page (disabled, hidden, already set) but never decides what moves together: that
//! is this module's closure, from [`crate::rules`] or the page's own map.

use super::{
    BoxInfo, CheckboxChange, ColumnAction, ColumnModel, ColumnState, ColumnsError, PageModel,
    RowFilter, SkipReason, SkippedRow, ToggleRequest, TriState,
};
use crate::rules::PermissionKind;
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// Running steps

/// A bulk change in progress: the boxes' states as the steps leave them, and what changed.
#[derive(Debug)]
pub(crate) struct Run<'m> {
    model: &'m PageModel,
    filter: Option<&'m RowFilter>,
    states: Vec<bool>,
    changes: Vec<CheckboxChange>,
    /// The box of each change, in step.
    changed_boxes: Vec<usize>,
}

impl<'m> Run<'m> {
    /// Starts from the snapshot's states.
    pub(crate) fn new(model: &'m PageModel, filter: Option<&'m RowFilter>) -> Self {
        Self::with_states(model, filter, model.checked_states())
    }

    pub(crate) fn with_states(
        model: &'m PageModel,
        filter: Option<&'m RowFilter>,
        states: Vec<bool>,
    ) -> Self {
        Self {
            model,
            filter,
            states,
            changes: Vec::new(),
            changed_boxes: Vec::new(),
        }
    }

    pub(crate) fn state(&self, index: usize) -> bool {
        self.states.get(index).copied().unwrap_or(false)
    }

    fn info(&self, index: usize) -> Option<&'m BoxInfo> {
        self.model.boxes.get(index)
    }

    fn is_visible(&self, info: &BoxInfo) -> bool {
        self.model.is_visible(info, self.filter)
    }

    /// Why setting `target` to `checked` must not happen: a box of its closure that would change
    /// is disabled or in a hidden row. `None` when the step may run (or changes nothing).
    pub(crate) fn refusal(&self, target: usize, checked: bool) -> Option<SkipReason> {
        for index in self.model.closure(target, checked) {
            let Some(info) = self.info(index) else {
                continue;
            };
            if self.state(index) == checked {
                continue;
            }
            if info.disabled {
                let checkbox_id = info.id.clone();
                return Some(if index == target {
                    SkipReason::Disabled { checkbox_id }
                } else {
                    SkipReason::DisabledDependency { checkbox_id }
                });
            }
            if !self.is_visible(info) {
                return Some(SkipReason::HiddenDependency {
                    checkbox_id: info.id.clone(),
                });
            }
        }
        None
    }

    /// Sets `target` to `checked` together with its closure, or leaves every box as it is.
    pub(crate) fn step(&mut self, target: usize, checked: bool) -> Result<(), SkipReason> {
        if let Some(reason) = self.refusal(target, checked) {
            return Err(reason);
        }
        for index in self.model.closure(target, checked) {
            let Some(info) = self.info(index) else {
                continue;
            };
            if let Some(state) = self
                .states
                .get_mut(index)
                .filter(|state| **state != checked)
            {
                *state = checked;
                self.changes.push(CheckboxChange {
                    checkbox_id: info.id.clone(),
                    checked,
                });
                self.changed_boxes.push(index);
            }
        }
        Ok(())
    }

    /// Whether a toggle can change box `index` now: enabled, shown, and flipping it refused by
    /// nothing. Header states count only such boxes.
    pub(crate) fn is_changeable(&self, index: usize) -> bool {
        self.info(index).is_some_and(|info| {
            !info.disabled
                && self.is_visible(info)
                && self.refusal(index, !self.state(index)).is_none()
        })
    }

    /// What changed, each box at most once: a box that later steps moved back (a pasted row that
    /// grants Edit without Read clears a Read the next step checks again) has no change left, and
    /// a box moved an odd number of times keeps its first change, whose state is also its last.
    pub(crate) fn into_changes(self) -> Vec<CheckboxChange> {
        let mut times_changed = vec![0_usize; self.states.len()];
        for &index in &self.changed_boxes {
            if let Some(times) = times_changed.get_mut(index) {
                *times += 1;
            }
        }
        let mut kept = Vec::with_capacity(self.changes.len());
        for (change, index) in self.changes.into_iter().zip(self.changed_boxes) {
            if let Some(times) = times_changed.get_mut(index) {
                if *times % 2 == 1 {
                    kept.push(change);
                }
                // Later changes of the same box are not kept again.
                *times = 0;
            }
        }
        kept
    }
}

fn skipped_row(model: &PageModel, target: usize, reason: SkipReason) -> Option<SkippedRow> {
    let info = model.boxes.get(target)?;
    Some(SkippedRow {
        row_key: model.row_key(info),
        checkbox_id: info.id.clone(),
        reason,
    })
}

// ---------------------------------------------------------------------------------------------
// Column toggles

/// A column toggle: every changed box, how to restore them, and the rows left as they were.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TogglePlan {
    pub column_key: String,
    pub action: ColumnAction,
    /// Each box at most once, each one a real change, none disabled.
    pub changes: Vec<CheckboxChange>,
    /// Restores every changed box's previous state.
    pub undo: Vec<CheckboxChange>,
    pub skipped: Vec<SkippedRow>,
}

/// The changes that set every enabled box of a column in the visible rows, with their dependencies.
///
/// Equal to clicking each such box by hand, top to bottom, on the page: a click's dependency closure
/// only ever moves boxes the same way as the toggle, so the order of clicks does not matter, and a
/// box an earlier click already set needs no click of its own.
pub fn plan_toggle(model: &PageModel, request: &ToggleRequest) -> Result<TogglePlan, ColumnsError> {
    let (column_number, column) = model
        .columns
        .iter()
        .enumerate()
        .find(|(_, column)| column.key == request.column_key)
        .ok_or_else(|| ColumnsError::UnknownColumn(request.column_key.clone()))?;
    let filter = request.filter.as_ref();
    if let Some(filter) = filter.filter(|filter| filter.table_key != column.table_key) {
        return Err(ColumnsError::FilterForOtherTable {
            column_key: column.key.clone(),
            filter_table: filter.table_key.clone(),
        });
    }
    let checked = request.action.checks();
    let mut run = Run::new(model, filter);
    let mut skipped = Vec::new();
    for &target in model.column_boxes.get(column_number).into_iter().flatten() {
        let Some(info) = model.boxes.get(target) else {
            continue;
        };
        if info.disabled || run.state(target) == checked || !model.is_visible(info, filter) {
            continue;
        }
        if let Err(reason) = run.step(target, checked) {
            skipped.extend(skipped_row(model, target, reason));
        }
    }
    let changes = run.into_changes();
    Ok(TogglePlan {
        column_key: column.key.clone(),
        action: request.action,
        undo: undo_changes(&changes),
        changes,
        skipped,
    })
}

/// The changes that restore what `changes` changed; each box in a plan changed, so undoing is
/// flipping it back.
pub fn undo_changes(changes: &[CheckboxChange]) -> Vec<CheckboxChange> {
    changes
        .iter()
        .rev()
        .map(|change| CheckboxChange {
            checkbox_id: change.checkbox_id.clone(),
            checked: !change.checked,
        })
        .collect()
}

/// Every column's state once `changes` are applied, without a new snapshot: all, some or none of
/// its changeable boxes checked.
pub fn tri_state_after(
    model: &PageModel,
    changes: &[CheckboxChange],
    filter: Option<&RowFilter>,
) -> Vec<ColumnState> {
    let mut states = model.checked_states();
    for change in changes {
        if let Some(state) = model
            .box_by_id
            .get(&change.checkbox_id)
            .and_then(|&i| states.get_mut(i))
        {
            *state = change.checked;
        }
    }
    let run = Run::with_states(model, filter, states);
    model
        .columns
        .iter()
        .zip(&model.column_boxes)
        .map(|(column, members)| {
            let (checked_count, changeable_count) = members
                .iter()
                .filter(|&&i| run.is_changeable(i))
                .fold((0, 0), |(on, all), &i| {
                    (on + usize::from(run.state(i)), all + 1)
                });
            ColumnState {
                key: column.key.clone(),
                state: TriState::from_counts(checked_count, changeable_count),
                checked_count,
                changeable_count,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Copying a row's access to other rows

/// "Paste to the filtered rows": every visible row of the table takes the source row's boxes in
/// the columns that have a control, each differing box set by a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PastePlan {
    pub source_row_key: String,
    /// Rows that changed at all.
    pub rows_changed: usize,
    pub changes: Vec<CheckboxChange>,
    pub undo: Vec<CheckboxChange>,
    /// The boxes that kept their state because a disabled box or a hidden row stood in the way.
    pub skipped: Vec<SkippedRow>,
}

/// Pastes `source_row_key`'s access onto the other rows of its table that `filter` shows (all
/// of them without one), in row order, each row's columns left to right.
pub fn plan_paste(
    model: &PageModel,
    table_key: &str,
    source_row_key: &str,
    filter: Option<&RowFilter>,
) -> Result<PastePlan, ColumnsError> {
    let unknown_row = || ColumnsError::UnknownRow {
        table_key: table_key.to_owned(),
        row_key: source_row_key.to_owned(),
    };
    let table = model
        .tables
        .iter()
        .position(|table| table.key == table_key)
        .ok_or_else(unknown_row)?;
    let source_row = model
        .tables
        .get(table)
        .and_then(|t| t.row_keys.iter().position(|key| key == source_row_key))
        .ok_or_else(unknown_row)?;
    if let Some(filter) = filter.filter(|filter| filter.table_key != table_key) {
        return Err(ColumnsError::FilterForOtherTable {
            column_key: table_key.to_owned(),
            filter_table: filter.table_key.clone(),
        });
    }
    let pasted: Vec<&Vec<usize>> = model
        .columns
        .iter()
        .zip(&model.column_boxes)
        .filter(|(column, _)| column.table_key == table_key)
        .map(|(_, members)| members)
        .collect();
    let box_in_row = |members: &[usize], row: usize| {
        members
            .iter()
            .copied()
            .find(|&i| model.boxes.get(i).is_some_and(|info| info.row == row))
    };
    let row_count = model.tables.get(table).map_or(0, |t| t.row_keys.len());
    let mut run = Run::new(model, filter);
    // The source as it is before anything is pasted.
    let wanted: Vec<Option<bool>> = pasted
        .iter()
        .map(|members| box_in_row(members, source_row).map(|i| run.state(i)))
        .collect();
    let mut skipped = Vec::new();
    let mut rows_changed = 0;
    for row in (0..row_count).filter(|&row| row != source_row) {
        let before = run.changes.len();
        for (members, wanted) in pasted.iter().zip(&wanted) {
            let (Some(target), Some(checked)) = (box_in_row(members, row), *wanted) else {
                continue;
            };
            let Some(info) = model.boxes.get(target) else {
                continue;
            };
            if !model.is_visible(info, filter) || run.state(target) == checked {
                continue;
            }
            if let Err(reason) = run.step(target, checked) {
                skipped.extend(skipped_row(model, target, reason));
            }
        }
        rows_changed += usize::from(run.changes.len() > before);
    }
    let changes = run.into_changes();
    Ok(PastePlan {
        source_row_key: source_row_key.to_owned(),
        rows_changed,
        undo: undo_changes(&changes),
        changes,
        skipped,
    })
}

// ---------------------------------------------------------------------------------------------
// What the content script is handed

/// One box and its dependency closure, as indices into [`PageControls::boxes`]: the other boxes
/// a click that checks it (`on`) or clears it (`off`) sets the same way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BoxLinks {
    /// The snapshot's id of the box (its element id, or the handle the content script gave it).
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on: Vec<usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub off: Vec<usize>,
}

/// One column's control and its boxes (indices into [`PageControls::boxes`]) in row order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnControl {
    pub column: ColumnModel,
    pub boxes: Vec<usize>,
}

/// One table with controls: where it is in the snapshot, whether rows can be copied onto each
/// other, and what the filter may search in each row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableControl {
    /// The table's key as columns name it ([`ColumnModel::table_key`]).
    pub key: String,
    /// Its position among the snapshot's tables.
    pub index: usize,
    /// Rows grant one permission each per column (field-level security, the original profile
    /// page): "Copy this row's access" applies.
    pub rows_copyable: bool,
    /// Per snapshot row, in order.
    pub rows: Vec<RowControl>,
}

/// What the core knows about one row.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowControl {
    /// The field's API name, when the page names it (salesforce.md §D.3 onclick keys, §D.4 ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_name: Option<String>,
    /// A custom field (`__c`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub custom: bool,
}

/// Everything a page's toggles, pastes and copies need, computed once per snapshot: the columns
/// with controls, every box with its closure, and the tables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageControls {
    pub columns: Vec<ColumnControl>,
    pub boxes: Vec<BoxLinks>,
    pub tables: Vec<TableControl>,
}

impl PageControls {
    /// The controls of `model`, their states counted under `filter`.
    pub fn of(model: &PageModel, filter: Option<&RowFilter>) -> Self {
        let states = model.column_states(filter);
        let columns = model
            .columns
            .iter()
            .zip(&model.column_boxes)
            .zip(states)
            .map(|((column, members), state)| ColumnControl {
                column: ColumnModel {
                    state: state.state,
                    checked_count: state.checked_count,
                    changeable_count: state.changeable_count,
                    ..column.clone()
                },
                boxes: members.clone(),
            })
            .collect();
        let others = |index: usize, checked: bool| -> Vec<usize> {
            model
                .closure(index, checked)
                .into_iter()
                .filter(|&i| i != index)
                .collect()
        };
        let boxes = model
            .boxes
            .iter()
            .enumerate()
            .map(|(index, info)| BoxLinks {
                id: info.id.clone(),
                on: others(index, true),
                off: others(index, false),
            })
            .collect();
        let tables = model
            .tables
            .iter()
            .enumerate()
            .filter(|(_, table)| model.columns.iter().any(|c| c.table_key == table.key))
            .map(|(index, table)| TableControl {
                key: table.key.clone(),
                index,
                rows_copyable: rows_copyable(model, index),
                rows: (0..table.row_keys.len())
                    .map(|row| {
                        let api_name =
                            super::copy::row_field(model, index, row).map(|field| field.api_name());
                        RowControl {
                            custom: api_name
                                .as_deref()
                                .is_some_and(|name| name.ends_with("__c")),
                            api_name,
                        }
                    })
                    .collect(),
            })
            .collect();
        Self {
            columns,
            boxes,
            tables,
        }
    }
}

/// A table whose columns each grant one field permission (Read and Edit, or Visible and
/// Read-Only) has rows an admin copies onto each other; tables of one object's permissions as
/// rows, system permissions or plain lists don't.
fn rows_copyable(model: &PageModel, table: usize) -> bool {
    let field_kinds: Vec<PermissionKind> = model
        .boxes
        .iter()
        .filter(|info| info.table == table)
        .map(|info| info.kind)
        .collect();
    let is_field = |kind: &PermissionKind| {
        matches!(
            kind,
            PermissionKind::FieldRead
                | PermissionKind::FieldEdit
                | PermissionKind::ProfileVisible
                | PermissionKind::ProfileReadOnly
        )
    };
    let controlled = model
        .columns
        .iter()
        .filter(|column| {
            model
                .tables
                .get(table)
                .is_some_and(|t| t.key == column.table_key)
        })
        .count();
    controlled >= 2 && !field_kinds.is_empty() && field_kinds.iter().all(is_field)
}
