//! Bulk column toggles: from the content script's snapshot of a Setup page's tables, which columns
//! get a tri-state "all" control, and exactly which checkboxes one toggle changes (salesforce.md §D.3, §D.4,
//! §D.6, §H.Q2).
//!
//! Setting `.checked` from script does not run the page's onclick handlers (salesforce.md §D.3), so every
//! box the page would change on a click by hand — the dependency closure of [`crate::rules`] — moves
//! with the box itself. Every bulk change (a column toggle, pasting a row's access, copying another
//! set's access) is a list of such steps ([`steps`]); the core hands the content script each box's
//! closure once ([`PageControls`]), and the content script runs the same steps on the live page, so
//! consecutive toggles need no round trip and no rule lives in JavaScript.
//!
//! * this module: the snapshot, column detection by markup, the page model;
//! * [`steps`]: running steps, toggle and paste plans, truthful header states, the controls;
//! * [`copy`]: another permission set's or profile's access as the page's box states.
//!
//! The requests that serve them, reading a source's access through the API, are in
//! [`crate::toggles`].

pub mod copy;
mod read;
pub mod steps;

pub use steps::{
    plan_paste, plan_toggle, tri_state_after, undo_changes, BoxLinks, ColumnControl, PageControls,
    PastePlan, RowControl, TableControl, TogglePlan,
};

use crate::rules::{self, DependencyKey, DependencyMap, ObjectPerm, PermissionKind};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------------------------------------
// The snapshot the content script sends

/// The tables of one page (one frame), in document order, and the page's dependency map.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
// Read by hand (`read`), for the worker's size.
#[serde(rename_all = "camelCase")]
pub struct PageSnapshot {
    #[serde(default)]
    pub tables: Vec<TableSnapshot>,
    /// The page's `ProfileDependentCheckboxes` data, read in the page's world (salesforce.md §D.3). Its
    /// `map` may be left out when every box carries its onclick triple: boxes are then found by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependency_map: Option<DependencyMap>,
}

/// One `<table>`. A nested table is its own entry, and a cell's checkbox belongs to its innermost
/// table, so a layout table around a list never shows the list's boxes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
// Read by hand (`read`), for the worker's size.
#[serde(rename_all = "camelCase")]
pub struct TableSnapshot {
    /// The table's id, or its index path when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The cells of the header row (`tr.headerRow`, salesforce.md §D.2); `None` when the table has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<Vec<HeaderCell>>,
    #[serde(default)]
    pub rows: Vec<RowSnapshot>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
// Read by hand (`read`), for the worker's size.
#[serde(rename_all = "camelCase")]
pub struct HeaderCell {
    /// Shown text; localized, so used only to label the control, never to recognise a column.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// The cell's id, or its first descendant's: the FLS header divs `…fls_readheader…` (salesforce.md §D.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    /// `colspan`, when above 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<u16>,
    /// The page put its own checkbox ("select all") in this header: Forcefield adds none.
    #[serde(default, skip_serializing_if = "is_false")]
    pub has_checkbox: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
// Read by hand (`read`), for the worker's size.
#[serde(rename_all = "camelCase")]
pub struct RowSnapshot {
    /// The row's identity for filters and reports: the field API name when known, else the
    /// dependency row key from a checkbox's onclick, else the row's index.
    pub key: String,
    /// The row's label (field label, permission label…), for the filter.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    #[serde(default)]
    pub cells: Vec<CellSnapshot>,
}

/// One `td`/`th` of a data row, in order; a cell without a checkbox is `{}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
// Read by hand (`read`), for the worker's size.
#[serde(rename_all = "camelCase")]
pub struct CellSnapshot {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    /// The cell's first checkbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkbox: Option<CheckboxSnapshot>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
// Read by hand (`read`), for the worker's size.
#[serde(rename_all = "camelCase")]
pub struct CheckboxSnapshot {
    /// The element's id; for a box without one, a handle the content script assigned, unique in
    /// the snapshot. Plans name boxes by it.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// On System Permissions pages, the permission's API name (salesforce.md §H.Q2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub checked: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub disabled: bool,
    /// Parsed from `onclick="ProfileDependentCheckboxes.handleClick(this, '<rowKey>', '<permKey>')"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onclick: Option<ClickDependency>,
}

/// A checkbox's onclick triple (salesforce.md §D.3), `rowKey` left out when it equals the row's key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
// Read by hand (`read`), for the worker's size.
#[serde(rename_all = "camelCase")]
pub struct ClickDependency {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_key: Option<String>,
    pub perm_key: String,
}

fn is_false(value: &bool) -> bool {
    !*value
}

// ---------------------------------------------------------------------------------------------
// The column model

/// What a column's checkboxes grant, for its control's label and behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ColumnKind {
    FieldRead,
    FieldEdit,
    /// One object permission per column, objects as rows.
    ObjectPerm {
        perm: ObjectPerm,
    },
    /// One object's permissions as rows of a single "Enabled" column (the permission set object
    /// page, salesforce.md §D.3).
    ObjectPermissions,
    ProfileVisible,
    ProfileReadOnly,
    SystemPermission,
    Generic,
}

impl From<PermissionKind> for ColumnKind {
    fn from(kind: PermissionKind) -> Self {
        match kind {
            PermissionKind::FieldRead => Self::FieldRead,
            PermissionKind::FieldEdit => Self::FieldEdit,
            PermissionKind::ObjectPerm { perm } => Self::ObjectPerm { perm },
            PermissionKind::ProfileVisible => Self::ProfileVisible,
            PermissionKind::ProfileReadOnly => Self::ProfileReadOnly,
            PermissionKind::SystemPermission => Self::SystemPermission,
            PermissionKind::Generic => Self::Generic,
        }
    }
}

/// The header control's state over a column's changeable boxes: enabled, in a shown row, and free
/// to flip (flipping it would not need a disabled box or a hidden row changed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TriState {
    All,
    Some,
    None,
}

impl TriState {
    fn from_counts(checked: usize, changeable: usize) -> Self {
        if checked == 0 {
            Self::None
        } else if checked == changeable {
            Self::All
        } else {
            Self::Some
        }
    }

    /// What activating the control does: a full column clears, any other checks all.
    pub fn toggle_action(self) -> ColumnAction {
        match self {
            Self::All => ColumnAction::ClearAll,
            Self::Some | Self::None => ColumnAction::CheckAll,
        }
    }
}

/// One column that gets a control.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnModel {
    /// Stable for the same page markup: the table's key and the column's cell index.
    pub key: String,
    pub table_key: String,
    /// Where the control goes: the index of the header cell over this column.
    pub header_index: usize,
    /// The column's index among each data row's cells.
    pub cell_index: usize,
    pub kind: ColumnKind,
    pub header_text: String,
    pub state: TriState,
    /// Changeable boxes checked, and changeable boxes in all ([`TriState`]).
    pub checked_count: usize,
    pub changeable_count: usize,
}

/// A column's control state, e.g. after changes or under a filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnState {
    pub key: String,
    pub state: TriState,
    pub checked_count: usize,
    pub changeable_count: usize,
}

// ---------------------------------------------------------------------------------------------
// Toggle requests and plans

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ColumnAction {
    CheckAll,
    ClearAll,
}

impl ColumnAction {
    fn checks(self) -> bool {
        self == Self::CheckAll
    }
}

/// The rows of one table the admin's filter leaves visible.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowFilter {
    pub table_key: String,
    pub visible_row_keys: BTreeSet<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToggleRequest {
    pub column_key: String,
    pub action: ColumnAction,
    /// When present, only these rows of the column's table change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<RowFilter>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckboxChange {
    pub checkbox_id: String,
    pub checked: bool,
}

/// Why a row's box was left as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum SkipReason {
    /// The dependency rules would also change this disabled box, which is never changed (the
    /// browser does not submit disabled inputs, so Save would store an inconsistent row).
    #[serde(rename_all = "camelCase")]
    DisabledDependency { checkbox_id: String },
    /// The dependency rules would also change this box in a row the filter hides.
    #[serde(rename_all = "camelCase")]
    HiddenDependency { checkbox_id: String },
    /// The box itself is disabled: Forcefield never writes one, and counts it as unchangeable.
    #[serde(rename_all = "camelCase")]
    Disabled { checkbox_id: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedRow {
    pub row_key: String,
    /// The column's box in that row, left unchanged.
    pub checkbox_id: String,
    pub reason: SkipReason,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ColumnsError {
    #[error("this page has no toggleable column {0:?}")]
    UnknownColumn(String),
    #[error("the filter is for table {filter_table:?}, but column {column_key:?} is not in it")]
    FilterForOtherTable {
        column_key: String,
        filter_table: String,
    },
    #[error("this page has no row {row_key:?} in table {table_key:?}")]
    UnknownRow { table_key: String, row_key: String },
}

// ---------------------------------------------------------------------------------------------
// Detection

/// The page as the core understands it: its columns with controls, and every checkbox with what it
/// grants and whom it depends on.
#[derive(Clone, Debug)]
pub struct PageModel {
    columns: Vec<ColumnModel>,
    /// Per column, its boxes in row order.
    column_boxes: Vec<Vec<usize>>,
    tables: Vec<TableIndex>,
    boxes: Vec<BoxInfo>,
    // Every lookup by name is a `BTreeMap<String, usize>` (into `boxes` or a list beside it):
    // each other map type would add its own code to the worker's core.
    box_by_id: BTreeMap<String, usize>,
    /// By [`dependency_index_key`].
    box_by_dependency_key: BTreeMap<String, usize>,
    /// By [`DependencyRow::index_key`], into `row_boxes`.
    row_by_dependency_row: BTreeMap<String, usize>,
    /// The boxes of each dependency row, in model order.
    row_boxes: Vec<Vec<usize>>,
    dependency_map: Option<DependencyMap>,
}

/// A [`DependencyKey`] as one string, unambiguous whatever the keys hold: the row key's length,
/// then both keys.
fn dependency_index_key(row_key: &str, perm_key: &str) -> String {
    format!("{}:{row_key}{perm_key}", row_key.len())
}

#[derive(Clone, Debug)]
struct TableIndex {
    key: String,
    row_keys: Vec<String>,
}

#[derive(Clone, Debug)]
struct BoxInfo {
    id: String,
    table: usize,
    row: usize,
    checked: bool,
    disabled: bool,
    kind: PermissionKind,
    dependency_row: DependencyRow,
    dependency_key: Option<DependencyKey>,
}

/// The unit the built-in rules act within: the page's own row key when the box names one (it may
/// span table rows, as one object's permissions do on the permission set page), else the table row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum DependencyRow {
    Page(String),
    Table { table: usize, row: usize },
}

impl DependencyRow {
    /// The row as one string, distinct for distinct rows.
    fn index_key(&self) -> String {
        match self {
            Self::Page(key) => format!("p{key}"),
            Self::Table { table, row } => format!("t{table}:{row}"),
        }
    }
}

/// Recognises the page's checkbox columns and what each checkbox grants.
pub fn detect_columns(snapshot: &PageSnapshot) -> PageModel {
    let keys_by_checkbox_id = snapshot
        .dependency_map
        .as_ref()
        .map(DependencyMap::keys_by_checkbox_id)
        .unwrap_or_default();
    let table_keys = unique_table_keys(&snapshot.tables);
    let mut tables = Vec::new();
    let mut boxes: Vec<BoxInfo> = Vec::new();
    let mut columns = Vec::new();
    let mut column_boxes = Vec::new();

    for ((table_number, table), table_key) in snapshot.tables.iter().enumerate().zip(table_keys) {
        let header = table.header.as_deref().unwrap_or_default();
        // By cell number (a row has few cells): the boxes of each.
        let mut boxes_by_cell: Vec<Vec<usize>> = Vec::new();
        for (row_number, row) in table.rows.iter().enumerate() {
            for (cell_number, cell) in row.cells.iter().enumerate() {
                let Some(checkbox) = &cell.checkbox else {
                    continue;
                };
                let header_cell = header_index(header, cell_number).and_then(|h| header.get(h));
                let dependency_key = match &checkbox.onclick {
                    Some(onclick) => Some(DependencyKey {
                        row_key: onclick.row_key.clone().unwrap_or_else(|| row.key.clone()),
                        perm_key: onclick.perm_key.clone(),
                    }),
                    None => keys_by_checkbox_id.get(checkbox.id.as_str()).cloned(),
                };
                let dependency_row = match &dependency_key {
                    Some(key) => DependencyRow::Page(key.row_key.clone()),
                    None => DependencyRow::Table {
                        table: table_number,
                        row: row_number,
                    },
                };
                if boxes_by_cell.len() <= cell_number {
                    boxes_by_cell.resize_with(cell_number + 1, Vec::new);
                }
                if let Some(cell) = boxes_by_cell.get_mut(cell_number) {
                    cell.push(boxes.len());
                }
                boxes.push(BoxInfo {
                    id: checkbox.id.clone(),
                    table: table_number,
                    row: row_number,
                    checked: checkbox.checked,
                    disabled: checkbox.disabled,
                    kind: kind_from_markup(checkbox, cell, header_cell, dependency_key.as_ref()),
                    dependency_row,
                    dependency_key,
                });
            }
        }

        for (column, members) in table_columns(table, &table_key, boxes_by_cell, &mut boxes) {
            columns.push(column);
            column_boxes.push(members);
        }
        tables.push(TableIndex {
            key: table_key,
            row_keys: table.rows.iter().map(|row| row.key.clone()).collect(),
        });
    }

    let mut box_by_id = BTreeMap::new();
    let mut box_by_dependency_key = BTreeMap::new();
    let mut row_by_dependency_row = BTreeMap::new();
    let mut row_boxes: Vec<Vec<usize>> = Vec::new();
    for (i, info) in boxes.iter().enumerate() {
        box_by_id.entry(info.id.clone()).or_insert(i);
        if let Some(key) = &info.dependency_key {
            box_by_dependency_key
                .entry(dependency_index_key(&key.row_key, &key.perm_key))
                .or_insert(i);
        }
        let row = *row_by_dependency_row
            .entry(info.dependency_row.index_key())
            .or_insert(row_boxes.len());
        match row_boxes.get_mut(row) {
            Some(members) => members.push(i),
            None => row_boxes.push(vec![i]),
        }
    }
    let mut model = PageModel {
        columns,
        column_boxes,
        tables,
        boxes,
        box_by_id,
        box_by_dependency_key,
        row_by_dependency_row,
        row_boxes,
        dependency_map: snapshot.dependency_map.clone(),
    };
    model.refresh_column_states();
    model
}

/// The columns of one table that get a control, with their boxes. A column qualifies when a header
/// cell sits over it, the page put no checkbox of its own there, and one of its boxes is enabled.
fn table_columns(
    table: &TableSnapshot,
    table_key: &str,
    boxes_by_cell: Vec<Vec<usize>>,
    boxes: &mut [BoxInfo],
) -> Vec<(ColumnModel, Vec<usize>)> {
    let header = table.header.as_deref().unwrap_or_default();
    let mut columns = Vec::new();
    for (cell_number, members) in boxes_by_cell.into_iter().enumerate() {
        if members.is_empty() {
            continue;
        }
        let Some(header_number) = header_index(header, cell_number) else {
            continue;
        };
        let Some(header_cell) = header.get(header_number) else {
            continue;
        };
        // `members` index `boxes`, and each box's row and cell are in `table` (both built from
        // it); read with `get` all the same, so no snapshot can make this panic.
        let titles = members.iter().map(|&i| {
            boxes
                .get(i)
                .and_then(|info| table.rows.get(info.row))
                .and_then(|row| row.cells.get(cell_number))
                .and_then(|cell| cell.checkbox.as_ref())
                .and_then(|checkbox| checkbox.title.as_deref())
        });
        let kind_of = |boxes: &[BoxInfo], i: usize| boxes.get(i).map(|info| info.kind);
        if members
            .iter()
            .all(|&i| kind_of(boxes, i) == Some(PermissionKind::Generic))
            && titles_are_permission_names(titles.collect())
        {
            for &i in &members {
                if let Some(info) = boxes.get_mut(i) {
                    info.kind = PermissionKind::SystemPermission;
                }
            }
        }
        let disabled = |i: usize| boxes.get(i).is_none_or(|info| info.disabled);
        if header_cell.has_checkbox || members.iter().all(|&i| disabled(i)) {
            continue;
        }
        let column = ColumnModel {
            key: format!("{table_key}|{cell_number}"),
            table_key: table_key.to_owned(),
            header_index: header_number,
            cell_index: cell_number,
            kind: column_kind(members.iter().filter_map(|&i| kind_of(boxes, i))),
            header_text: header_cell.text.trim().to_owned(),
            state: TriState::None,
            checked_count: 0,
            changeable_count: 0,
        };
        columns.push((column, members));
    }
    columns
}

/// Table keys as given, else `#<index>`; a repeated key gets `#<index>` appended so columns stay apart.
fn unique_table_keys(tables: &[TableSnapshot]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    tables
        .iter()
        .enumerate()
        .map(|(index, table)| {
            let key = match &table.key {
                Some(key) if !seen.contains(key.as_str()) => key.clone(),
                Some(key) => format!("{key}#{index}"),
                None => format!("#{index}"),
            };
            seen.insert(key.clone());
            key
        })
        .collect()
}

/// The header cell over data cell `cell_number`, counting `colspan`s.
fn header_index(header: &[HeaderCell], cell_number: usize) -> Option<usize> {
    let mut start = 0usize;
    for (index, cell) in header.iter().enumerate() {
        let span = usize::from(cell.span.unwrap_or(1).max(1));
        if cell_number < start + span {
            return Some(index);
        }
        start += span;
    }
    None
}

/// What a checkbox grants, by markup only: page text is localized (salesforce.md §D.2).
fn kind_from_markup(
    checkbox: &CheckboxSnapshot,
    cell: &CellSnapshot,
    header: Option<&HeaderCell>,
    dependency_key: Option<&DependencyKey>,
) -> PermissionKind {
    let handles = [Some(checkbox.id.as_str()), checkbox.name.as_deref()];
    let handle_mentions = |marker: &str| handles.iter().flatten().any(|h| h.contains(marker));
    let own_class = |class: &str| {
        cell.classes
            .iter()
            .chain(&checkbox.classes)
            .any(|c| c == class)
    };
    let header_id = header.and_then(|h| h.id.as_deref()).unwrap_or_default();
    let header_class = |class: &str| header.is_some_and(|h| h.classes.iter().any(|c| c == class));

    // §D.3: FLS boxes end `:fls_read_ck` / `:fls_edit_ck`, their headers hold `fls_readheader` /
    // `fls_editheader` divs. §D.4: flsedit.jsp marks cells `displayedCol` / `readonlyCol`.
    if handle_mentions("fls_read_ck") {
        PermissionKind::FieldRead
    } else if handle_mentions("fls_edit_ck") {
        PermissionKind::FieldEdit
    } else if own_class("displayedCol") {
        PermissionKind::ProfileVisible
    } else if own_class("readonlyCol") {
        PermissionKind::ProfileReadOnly
    } else if header_id.contains("fls_readheader") {
        PermissionKind::FieldRead
    } else if header_id.contains("fls_editheader") {
        PermissionKind::FieldEdit
    } else if header_class("displayedCol") {
        PermissionKind::ProfileVisible
    } else if header_class("readonlyCol") {
        PermissionKind::ProfileReadOnly
    } else if let Some(perm) = dependency_key
        .and_then(|key| ObjectPerm::from_key(&key.perm_key))
        .or_else(|| {
            handles
                .iter()
                .flatten()
                .find_map(|h| object_perm_from_handle(h))
        })
    {
        PermissionKind::ObjectPerm { perm }
    } else {
        PermissionKind::Generic
    }
}

/// Object-permission boxes end `olp_check` (salesforce.md §D.3, [S]); which permission each grants is not
/// recorded, so only a permission word right before that suffix is trusted (`…:edit_olp_check`).
fn object_perm_from_handle(handle: &str) -> Option<ObjectPerm> {
    let last_segment = handle.rsplit(':').next()?;
    ObjectPerm::from_key(last_segment.strip_suffix("olp_check")?)
}

/// System Permissions boxes carry the permission's API name as `title` (salesforce.md §H.Q2): every title
/// present, identifier-shaped and distinct. A lone box must also look like an API name
/// (`ApiEnabled`), so a one-row list's "Select" title is not taken for one.
fn titles_are_permission_names(titles: Vec<Option<&str>>) -> bool {
    let is_identifier = |title: &str| {
        title.starts_with(|c: char| c.is_ascii_uppercase())
            && title.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let is_camel_case = |title: &str| {
        title
            .as_bytes()
            .windows(2)
            .any(|pair| matches!(pair, [a, b] if a.is_ascii_lowercase() && b.is_ascii_uppercase()))
    };
    let Some(present) = titles.iter().copied().collect::<Option<Vec<&str>>>() else {
        return false;
    };
    let mut distinct: BTreeSet<String> = BTreeSet::new();
    for title in &present {
        distinct.insert((*title).to_owned());
    }
    distinct.len() == present.len()
        && present.iter().all(|title| is_identifier(title))
        && (present.len() > 1 || present.iter().all(|title| is_camel_case(title)))
}

fn column_kind(kinds: impl Iterator<Item = PermissionKind>) -> ColumnKind {
    // A handful of kinds at most: a list, not a set type of its own in the worker's core.
    let mut distinct: Vec<PermissionKind> = Vec::new();
    for kind in kinds {
        if !distinct.contains(&kind) {
            distinct.push(kind);
        }
    }
    let mut iter = distinct.iter();
    match (iter.next(), iter.next()) {
        (Some(&only), None) => only.into(),
        (Some(_), Some(_))
            if distinct
                .iter()
                .all(|kind| matches!(kind, PermissionKind::ObjectPerm { .. })) =>
        {
            ColumnKind::ObjectPermissions
        }
        _ => ColumnKind::Generic,
    }
}

// ---------------------------------------------------------------------------------------------
// Queries

impl PageModel {
    pub fn columns(&self) -> &[ColumnModel] {
        &self.columns
    }

    pub fn column(&self, key: &str) -> Option<&ColumnModel> {
        self.columns.iter().find(|column| column.key == key)
    }

    /// What a checkbox grants, as detected; `None` for an id not in the snapshot.
    pub fn checkbox_kind(&self, checkbox_id: &str) -> Option<PermissionKind> {
        Some(self.boxes.get(*self.box_by_id.get(checkbox_id)?)?.kind)
    }

    /// Every column's state, counting only the changeable boxes of the rows `filter` leaves
    /// visible in its table.
    pub fn column_states(&self, filter: Option<&RowFilter>) -> Vec<ColumnState> {
        tri_state_after(self, &[], filter)
    }

    /// Records changes the content script applied, or the admin's own clicks, so later plans and
    /// states start from them.
    pub fn apply(&mut self, changes: &[CheckboxChange]) {
        for change in changes {
            if let Some(info) = self
                .box_by_id
                .get(&change.checkbox_id)
                .and_then(|&i| self.boxes.get_mut(i))
            {
                info.checked = change.checked;
            }
        }
        self.refresh_column_states();
    }

    fn refresh_column_states(&mut self) {
        let states = self.column_states(None);
        for (column, state) in self.columns.iter_mut().zip(states) {
            column.state = state.state;
            column.checked_count = state.checked_count;
            column.changeable_count = state.changeable_count;
        }
    }

    /// Every box's checked state, in model order (the snapshot's document order).
    fn checked_states(&self) -> Vec<bool> {
        self.boxes.iter().map(|info| info.checked).collect()
    }

    fn is_visible(&self, info: &BoxInfo, filter: Option<&RowFilter>) -> bool {
        let Some(filter) = filter else {
            return true;
        };
        let Some(table) = self.tables.get(info.table) else {
            return false;
        };
        table.key != filter.table_key
            || table
                .row_keys
                .get(info.row)
                .is_some_and(|key| filter.visible_row_keys.contains(key))
    }

    fn row_key(&self, info: &BoxInfo) -> String {
        self.tables
            .get(info.table)
            .and_then(|table| table.row_keys.get(info.row))
            .cloned()
            .unwrap_or_default()
    }

    /// The boxes a click on `target` sets to `checked`, `target` first: the page's map decides for a
    /// box it addresses, the built-in rules for any other.
    fn closure(&self, target: usize, checked: bool) -> Vec<usize> {
        let mut members = vec![target];
        let Some(info) = self.boxes.get(target) else {
            return members;
        };
        let mut add = |i: usize| {
            if !members.contains(&i) {
                members.push(i);
            }
        };
        match (&self.dependency_map, &info.dependency_key) {
            (Some(map), Some(key)) => {
                for perm_key in map.closure(&key.perm_key, checked) {
                    if let Some(&i) = self.box_by_map_key(map, &key.row_key, &perm_key) {
                        add(i);
                    }
                }
            }
            _ => {
                let row = self
                    .row_by_dependency_row
                    .get(&info.dependency_row.index_key())
                    .and_then(|&row| self.row_boxes.get(row))
                    .map_or(&[][..], Vec::as_slice);
                for kind in rules::closure(info.kind, checked) {
                    for &i in row {
                        if self.boxes.get(i).is_some_and(|other| other.kind == kind) {
                            add(i);
                        }
                    }
                }
            }
        }
        members
    }

    /// The box at `map[row_key][perm_key]`; the box whose onclick names that pair when the snapshot
    /// left the map's ids out.
    fn box_by_map_key(&self, map: &DependencyMap, row_key: &str, perm_key: &str) -> Option<&usize> {
        match map.checkbox_id(row_key, perm_key) {
            Some(id) => self.box_by_id.get(id),
            None => self
                .box_by_dependency_key
                .get(&dependency_index_key(row_key, perm_key)),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn header(spans: &[u16]) -> Vec<HeaderCell> {
        spans
            .iter()
            .map(|&span| HeaderCell {
                span: (span > 1).then_some(span),
                ..HeaderCell::default()
            })
            .collect()
    }

    #[test]
    fn header_cells_are_found_across_colspans() {
        let cells = header(&[1, 2, 1]);
        let found: Vec<_> = (0..5).map(|c| header_index(&cells, c)).collect();
        assert_eq!(found, vec![Some(0), Some(1), Some(1), Some(2), None]);
    }

    #[test]
    fn permission_names_need_identifier_titles_all_distinct() {
        assert!(titles_are_permission_names(vec![
            Some("ApiEnabled"),
            Some("ViewSetup")
        ]));
        assert!(titles_are_permission_names(vec![Some("ApiEnabled")]));
        assert!(!titles_are_permission_names(vec![Some("Select")]));
        assert!(!titles_are_permission_names(vec![
            Some("Select"),
            Some("Select")
        ]));
        assert!(!titles_are_permission_names(vec![
            Some("Select row"),
            Some("Select all")
        ]));
        assert!(!titles_are_permission_names(vec![Some("ApiEnabled"), None]));
        assert!(!titles_are_permission_names(vec![
            Some("lesen"),
            Some("bearbeiten")
        ]));
    }

    #[test]
    fn object_permission_handles_need_the_olp_suffix() {
        assert_eq!(
            object_perm_from_handle("p:objects:edit_olp_check"),
            Some(ObjectPerm::Edit)
        );
        assert_eq!(object_perm_from_handle("p:objects:olp_check"), None);
        assert_eq!(object_perm_from_handle("p:list:edit"), None);
    }

    #[test]
    fn tri_state_follows_counts() {
        assert_eq!(TriState::from_counts(0, 0), TriState::None);
        assert_eq!(TriState::from_counts(0, 3), TriState::None);
        assert_eq!(TriState::from_counts(2, 3), TriState::Some);
        assert_eq!(TriState::from_counts(3, 3), TriState::All);
        assert_eq!(TriState::All.toggle_action(), ColumnAction::ClearAll);
        assert_eq!(TriState::Some.toggle_action(), ColumnAction::CheckAll);
        assert_eq!(TriState::None.toggle_action(), ColumnAction::CheckAll);
    }

    #[test]
    fn repeated_or_missing_table_keys_stay_apart() {
        let table = |key: Option<&str>| TableSnapshot {
            key: key.map(str::to_owned),
            ..TableSnapshot::default()
        };
        let keys = unique_table_keys(&[table(Some("a")), table(None), table(Some("a"))]);
        assert_eq!(keys, vec!["a", "#1", "a#2"]);
    }

    #[test]
    fn undo_flips_back_in_reverse_order() {
        let change = |id: &str, checked| CheckboxChange {
            checkbox_id: id.to_owned(),
            checked,
        };
        assert_eq!(
            undo_changes(&[change("a", true), change("b", true)]),
            vec![change("b", false), change("a", false)]
        );
    }
}
