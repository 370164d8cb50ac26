//! Another permission set's or profile's access to this page's object, as the states of this
//! page's boxes: "Match exactly" (what the source lacks is cleared) or "Add only" (nothing is
//! taken away). Object permissions (salesforce.md §C.2) and field permissions (§C.3) map onto the
//! permission set and enhanced profile object pages (§D.3, §D.4) and the original profile page
//! `flsedit.jsp` (§D.4: Visible = Read, Read-Only = Read without Edit). The boxes then move by the
//! same steps as a toggle, so dependencies hold and disabled boxes stay as they are; nothing is
//! saved until the page's own Save.

use super::steps::Run;
use super::{CheckboxChange, PageModel, SkippedRow};
use crate::rules::{ObjectPerm, PermissionKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A field a row stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowField {
    /// The object, when the page names it in the row (`Account.Phone` onclick keys, §D.3).
    pub object: Option<String>,
    /// The field's API name without the object.
    pub field: String,
}

impl RowField {
    /// `Object.Field` when the object is known, else the field's name.
    pub fn api_name(&self) -> String {
        match &self.object {
            Some(object) => format!("{object}.{}", self.field),
            None => self.field.clone(),
        }
    }
}

/// A Salesforce API name: a letter, then letters, digits and underscores. Ids start with digits
/// (custom fields' `00N…`), so an Id is never taken for a name.
fn is_api_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_field_kind(kind: PermissionKind) -> bool {
    matches!(
        kind,
        PermissionKind::FieldRead
            | PermissionKind::FieldEdit
            | PermissionKind::ProfileVisible
            | PermissionKind::ProfileReadOnly
    )
}

/// The field a table row stands for: the `Object.Field` row key of its field-permission boxes
/// (salesforce.md §D.3), or on `flsedit.jsp` the name in the `display_<field>` / `edit_<field>` ids
/// (§D.4; for custom fields that is an Id, so they have none). `None` for rows that are not field
/// rows or don't name their field.
pub fn row_field(model: &PageModel, table: usize, row: usize) -> Option<RowField> {
    let boxes = model
        .boxes
        .iter()
        .filter(|info| info.table == table && info.row == row && is_field_kind(info.kind));
    for info in boxes {
        if let Some(key) = &info.dependency_key {
            if let Some((object, field)) = key.row_key.split_once('.') {
                if is_api_name(object) && is_api_name(field) {
                    return Some(RowField {
                        object: Some(object.to_owned()),
                        field: field.to_owned(),
                    });
                }
            }
        }
        let named = info
            .id
            .strip_prefix("display_")
            .or_else(|| info.id.strip_prefix("edit_"));
        if let Some(field) = named.filter(|name| is_api_name(name)) {
            return Some(RowField {
                object: None,
                field: field.to_owned(),
            });
        }
    }
    None
}

/// The object the page's rows name: the `Object` of its `Object.Field` rows, else the row key of
/// its object-permission boxes (both from onclick keys, salesforce.md §D.3).
pub fn page_object(model: &PageModel) -> Option<String> {
    let from_fields = (0..model.tables.len()).find_map(|table| {
        let rows = model.tables.get(table).map_or(0, |t| t.row_keys.len());
        (0..rows).find_map(|row| row_field(model, table, row)?.object)
    });
    from_fields.or_else(|| {
        model.boxes.iter().find_map(|info| {
            let key = info.dependency_key.as_ref()?;
            (matches!(info.kind, PermissionKind::ObjectPerm { .. }) && is_api_name(&key.row_key))
                .then(|| key.row_key.clone())
        })
    })
}

/// Read and Edit of one field (salesforce.md §C.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldGrant {
    pub read: bool,
    pub edit: bool,
}

/// What a permission set (or a profile's own set) grants on one object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceAccess {
    pub object: String,
    /// Its ObjectPermissions flags; empty without a row (salesforce.md §C.2).
    pub object_perms: Vec<ObjectPerm>,
    /// Field API name without the object, with its FieldPermissions; a field without a row has
    /// no access (salesforce.md §C.3). (Lists, not sets and maps: they are looked up by a
    /// case-blind scan anyway, and each map type would add its own code to the worker's core.)
    pub fields: Vec<(String, FieldGrant)>,
}

impl SourceAccess {
    /// Adds an object permission the source grants.
    pub fn grant_object(&mut self, perm: ObjectPerm) {
        if !self.object_perms.contains(&perm) {
            self.object_perms.push(perm);
        }
    }

    /// Sets one field's grant (a field named twice keeps the last).
    pub fn grant_field(&mut self, name: &str, grant: FieldGrant) {
        match self.fields.iter_mut().find(|(field, _)| field == name) {
            Some((_, kept)) => *kept = grant,
            None => self.fields.push((name.to_owned(), grant)),
        }
    }
}

/// How a copy treats what the page grants and the source doesn't.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CopyMode {
    /// The page ends as the source: fields and object permissions the source lacks are cleared.
    MatchExactly,
    /// Only grants are copied: nothing the page grants is taken away.
    AddOnly,
}

/// The boxes a copy sets, and what it could not map.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CopyPlan {
    pub object: String,
    /// Each box the copy speaks about with the state it should end in, object permissions first,
    /// then the field rows in page order. The content script runs one step for each that
    /// differs from the page.
    pub targets: Vec<CheckboxChange>,
    /// Field rows the page shows without naming their field: skipped, counted.
    pub rows_without_api_name: usize,
    /// Fields the source grants that have no row on this page.
    pub fields_not_on_page: Vec<String>,
}

/// The states this page's boxes take to carry `source`'s access to `object`, by `mode`, starting
/// from the states in the snapshot (for "Add only").
pub fn plan_copy(
    model: &PageModel,
    object: &str,
    source: &SourceAccess,
    mode: CopyMode,
) -> CopyPlan {
    let keep = |now: bool, theirs: bool| match mode {
        CopyMode::MatchExactly => theirs,
        CopyMode::AddOnly => now || theirs,
    };
    let mut targets = Vec::new();
    for info in &model.boxes {
        let (PermissionKind::ObjectPerm { perm }, Some(key)) = (info.kind, &info.dependency_key)
        else {
            continue;
        };
        if key.row_key.eq_ignore_ascii_case(object) {
            targets.push(CheckboxChange {
                checkbox_id: info.id.clone(),
                checked: keep(info.checked, source.object_perms.contains(&perm)),
            });
        }
    }
    let mut rows_without_api_name = 0;
    let mut on_page = BTreeSet::new();
    for (table_number, table) in model.tables.iter().enumerate() {
        for row in 0..table.row_keys.len() {
            let boxes: Vec<_> = model
                .boxes
                .iter()
                .filter(|i| i.table == table_number && i.row == row && is_field_kind(i.kind))
                .collect();
            if boxes.is_empty() {
                continue;
            }
            let Some(field) = row_field(model, table_number, row).filter(|f| {
                f.object
                    .as_deref()
                    .is_none_or(|o| o.eq_ignore_ascii_case(object))
            }) else {
                rows_without_api_name += 1;
                continue;
            };
            let theirs = source
                .fields
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(&field.field))
                .map(|(name, grant)| {
                    on_page.insert(name.clone());
                    *grant
                })
                .unwrap_or_default();
            let now = row_grant(&boxes);
            let read = keep(now.read, theirs.read);
            let edit = keep(now.edit, theirs.edit) && read;
            for info in boxes {
                let checked = match info.kind {
                    PermissionKind::FieldRead | PermissionKind::ProfileVisible => read,
                    PermissionKind::FieldEdit => edit,
                    // Read-Only means nothing on a field that isn't visible: left as it is.
                    PermissionKind::ProfileReadOnly if !read => continue,
                    PermissionKind::ProfileReadOnly => !edit,
                    _ => continue,
                };
                targets.push(CheckboxChange {
                    checkbox_id: info.id.clone(),
                    checked,
                });
            }
        }
    }
    // In name order, whatever order the source's rows came in.
    let mut fields_not_on_page = BTreeSet::new();
    for (name, grant) in &source.fields {
        if grant.read && !on_page.contains(name) {
            fields_not_on_page.insert(format!("{object}.{name}"));
        }
    }
    let fields_not_on_page = fields_not_on_page.into_iter().collect();
    CopyPlan {
        object: object.to_owned(),
        targets,
        rows_without_api_name,
        fields_not_on_page,
    }
}

/// What a field row grants now, from its boxes (Visible / Read-Only on `flsedit.jsp`).
fn row_grant(boxes: &[&super::BoxInfo]) -> FieldGrant {
    let checked = |kind: PermissionKind| boxes.iter().find(|i| i.kind == kind).map(|i| i.checked);
    match (
        checked(PermissionKind::FieldRead),
        checked(PermissionKind::FieldEdit),
        checked(PermissionKind::ProfileVisible),
        checked(PermissionKind::ProfileReadOnly),
    ) {
        (Some(read), edit, _, _) => FieldGrant {
            read,
            edit: read && edit.unwrap_or(false),
        },
        (None, _, Some(visible), read_only) => FieldGrant {
            read: visible,
            edit: visible && !read_only.unwrap_or(true),
        },
        _ => FieldGrant::default(),
    }
}

/// What running a copy's steps on the snapshot does: the changes, and the boxes that kept their
/// state (disabled, or tied to a disabled box). The content script does the same on the live page.
pub fn apply_copy(model: &PageModel, plan: &CopyPlan) -> (Vec<CheckboxChange>, Vec<SkippedRow>) {
    let mut run = Run::new(model, None);
    let mut skipped = Vec::new();
    for target in &plan.targets {
        let Some(&index) = model.box_by_id.get(&target.checkbox_id) else {
            continue;
        };
        if run.state(index) == target.checked {
            continue;
        }
        if let Err(reason) = run.step(index, target.checked) {
            if let Some(info) = model.boxes.get(index) {
                skipped.push(SkippedRow {
                    row_key: model.row_key(info),
                    checkbox_id: info.id.clone(),
                    reason,
                });
            }
        }
    }
    (run.into_changes(), skipped)
}
