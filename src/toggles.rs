//! The bulk toggles' requests (salesforce.md §C.1–§C.3, §D.3, §D.4): the page's controls from its
//! snapshot (pure: no API call, no storage), the permission sets and profiles of the page's org to
//! copy access from, and one source's object and field permissions for the page's object, read
//! through the API and turned into box states by [`crate::columns::copy`]. The org is always the
//! sender frame's; nothing is written.

use crate::columns::copy::{self, FieldGrant, SourceAccess};
use crate::columns::{detect_columns, PageControls, PageSnapshot};
use crate::connection::{connect, ConnectError};
use crate::platform::{Platform, Transport};
use crate::protocol::toggles::{
    AccessCopy, AccessSources, CopyAccess, ListAccessSources, PlanColumns, SourceOption, SourceRef,
    TogglesReply, TogglesRequest,
};
use crate::protocol::{Frame, ReplyTo};
use crate::rules::ObjectPerm;
use crate::salesforce::{soql, ApiError, Client};

/// What can go wrong answering a bulk-toggle request (worded in [`crate::words`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TogglesError {
    /// The page's snapshot is beyond its limits or names one box twice (nothing was planned).
    Snapshot(SnapshotError),
    /// The page's object could not be told (nothing was copied).
    UnknownObject,
    /// The frame's org could not be reached.
    Connect(ConnectError),
    /// An API call failed while doing the named step.
    Api(TogglesStep, ApiError),
}

/// The step of a copy an API failure stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TogglesStep {
    ListSources,
    ReadAccess,
}

/// Answers a content script's bulk-toggle request about its own `frame`.
pub async fn answer<P: Platform>(
    platform: &P,
    frame: &Frame,
    request: TogglesRequest,
) -> Result<TogglesReply, TogglesError> {
    Ok(match request {
        TogglesRequest::PlanColumns(request) => TogglesReply::ColumnPlans(column_plans(&request)?),
        TogglesRequest::AccessSources(request) => {
            TogglesReply::AccessSources(access_sources(platform, frame, request).await?)
        }
        TogglesRequest::CopyAccess(request) => {
            TogglesReply::AccessCopy(copy_access(platform, frame, request).await?)
        }
    })
}

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

/// Why a snapshot is not planned (worded in [`crate::words`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// More of something (named) than [`SnapshotLimits`] allows.
    TooLarge {
        what: &'static str,
        found: usize,
        max: usize,
    },
    /// Plans name boxes by id, so two boxes with one id can't be told apart (a page whose ids
    /// repeat, or a forged snapshot).
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
    // Owned ids: the set type the core already has for row keys.
    let mut ids = std::collections::BTreeSet::new();
    for checkbox in snapshot
        .tables
        .iter()
        .flat_map(|t| &t.rows)
        .flat_map(|r| &r.cells)
        .filter_map(|c| c.checkbox.as_ref())
    {
        if !ids.insert(checkbox.id.clone()) {
            return Err(SnapshotError::DuplicateCheckbox(checkbox.id.clone()));
        }
    }
    Ok(())
}

/// The page's controls: every column with a control and each box's dependency closure, once
/// the snapshot is within its limits.
pub fn column_plans(request: &PlanColumns) -> Result<ReplyTo<PlanColumns>, TogglesError> {
    check_snapshot(&request.snapshot).map_err(TogglesError::Snapshot)?;
    Ok(PageControls::of(
        &detect_columns(&request.snapshot),
        request.filter.as_ref(),
    ))
}

/// The permission sets and profiles of the frame's org, except the one its page edits.
async fn access_sources<P: Platform>(
    platform: &P,
    frame: &Frame,
    _request: ListAccessSources,
) -> Result<ReplyTo<ListAccessSources>, TogglesError> {
    let connection = connect(platform, &frame.url)
        .await
        .map_err(TogglesError::Connect)?;
    let sources = sources(&connection.client(), &frame.url)
        .await
        .map_err(|e| TogglesError::Api(TogglesStep::ListSources, e))?;
    Ok(AccessSources { sources })
}

/// One source's access to the page's object as the states of the page's boxes.
async fn copy_access<P: Platform>(
    platform: &P,
    frame: &Frame,
    request: CopyAccess,
) -> Result<ReplyTo<CopyAccess>, TogglesError> {
    check_snapshot(&request.snapshot).map_err(TogglesError::Snapshot)?;
    let model = detect_columns(&request.snapshot);
    let object = copy::page_object(&model)
        .or_else(|| flsedit_object(&frame.url))
        .filter(|object| is_identifier(object))
        .ok_or(TogglesError::UnknownObject)?;
    let connection = connect(platform, &frame.url)
        .await
        .map_err(TogglesError::Connect)?;
    let access = read_access(&connection.client(), &request.source, &object)
        .await
        .map_err(|e| TogglesError::Api(TogglesStep::ReadAccess, e))?;
    Ok(AccessCopy {
        plan: copy::plan_copy(&model, &object, &access, request.mode),
    })
}

/// Letters, digits and underscores, starting with a letter: an API name.
fn is_identifier(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A 15- or 18-character record Id, safe inside a SOQL literal.
fn checked_id(id: &str) -> Result<&str, ApiError> {
    if (id.len() == 15 || id.len() == 18) && id.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(id)
    } else {
        Err(ApiError::malformed(
            "an Id",
            format!("\"{id}\" is not a record Id"),
        ))
    }
}

/// The object of the original profile page `flsedit.jsp?id=…&type=<Object>` (salesforce.md §D.4),
/// whose rows don't name it.
fn flsedit_object(url: &str) -> Option<String> {
    let (path, query) = url.split_once('?')?;
    if !path.ends_with("/setup/layout/flsedit.jsp") {
        return None;
    }
    query
        .split('#')
        .next()?
        .split('&')
        .find_map(|pair| pair.strip_prefix("type="))
        .map(str::to_owned)
}

/// The 15-character Id at the start of a Classic page's path (`/0PS…/e?…`, `/00e…?…`).
fn page_record(url: &str) -> Option<String> {
    let after_host = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_host.split_once('/').map(|(_, path)| path)?;
    let first = path.split(['/', '?', '#']).next()?;
    (first.len() == 15 || first.len() == 18)
        .then(|| first.get(..15).map(str::to_owned))
        .flatten()
}

// Query rows are read as JSON values, the form the badges' query already uses: a row type of
// their own would add a deserializer per type to the core every Setup page wakes.
type Row = serde_json::Value;

fn text(row: &Row, field: &str) -> Option<String> {
    row.get(field).and_then(Row::as_str).map(str::to_owned)
}

fn flag(row: &Row, field: &str) -> bool {
    row.get(field).and_then(Row::as_bool).unwrap_or(false)
}

/// Every permission set (not a group's aggregate set) and every profile, by label, except the
/// one the page at `url` edits.
async fn sources<T: Transport>(
    client: &Client<'_, T>,
    url: &str,
) -> Result<Vec<SourceOption>, ApiError> {
    let rows = client
        .query_rows(
            &soql::select([
                "Id",
                "Label",
                "IsOwnedByProfile",
                "ProfileId",
                "Profile.Name",
                "PermissionSetGroupId",
            ])
            .from("PermissionSet")
            .to_string(),
        )
        .await?;
    let own = page_record(url);
    let is_own = |id: &str| own.as_deref().is_some_and(|own| id.get(..15) == Some(own));
    let found = rows
        .iter()
        .filter(|row| text(row, "PermissionSetGroupId").is_none())
        .filter_map(|row| {
            let id = text(row, "Id")?;
            if flag(row, "IsOwnedByProfile") {
                let profile_id = text(row, "ProfileId")?;
                let label = row
                    .get("Profile")
                    .and_then(|profile| text(profile, "Name"))
                    .unwrap_or_else(|| profile_id.clone());
                (!is_own(&profile_id)).then_some(SourceOption {
                    source: SourceRef::Profile { profile_id },
                    label,
                })
            } else {
                let label = text(row, "Label").unwrap_or_else(|| id.clone());
                (!is_own(&id)).then_some(SourceOption {
                    source: SourceRef::PermissionSet {
                        permission_set_id: id,
                    },
                    label,
                })
            }
        });
    // Permission sets first, then profiles, each by label ignoring ASCII case (Unicode case
    // tables would weigh more than this list is worth in the core every Setup page wakes). Each
    // goes in after its equals (a stable order): a sort routine would weigh more than the list
    // of an org's sets and profiles costs to order this way.
    let key = |s: &SourceOption| {
        (
            matches!(s.source, SourceRef::Profile { .. }),
            s.label.to_ascii_lowercase(),
        )
    };
    let mut sources: Vec<SourceOption> = Vec::new();
    for source in found {
        let at = sources.partition_point(|placed| key(placed) <= key(&source));
        sources.insert(at, source);
    }
    Ok(sources)
}

/// The source's ObjectPermissions and FieldPermissions rows for `object`, both queries at once.
async fn read_access<T: Transport>(
    client: &Client<'_, T>,
    source: &SourceRef,
    object: &str,
) -> Result<SourceAccess, ApiError> {
    let objects = soql::select([
        "PermissionsRead",
        "PermissionsCreate",
        "PermissionsEdit",
        "PermissionsDelete",
        "PermissionsViewAllRecords",
        "PermissionsModifyAllRecords",
    ])
    .from("ObjectPermissions");
    let fields =
        soql::select(["Field", "PermissionsRead", "PermissionsEdit"]).from("FieldPermissions");
    let (objects, fields) = match source {
        SourceRef::PermissionSet { permission_set_id } => {
            let id = checked_id(permission_set_id)?;
            (
                objects.where_eq("ParentId", id),
                fields.where_eq("ParentId", id),
            )
        }
        // The profile's access is on the permission set it owns (salesforce.md §C.1).
        SourceRef::Profile { profile_id } => {
            let id = checked_id(profile_id)?;
            (
                objects
                    .where_bool("Parent.IsOwnedByProfile", true)
                    .where_eq("Parent.ProfileId", id),
                fields
                    .where_bool("Parent.IsOwnedByProfile", true)
                    .where_eq("Parent.ProfileId", id),
            )
        }
    };
    let object_query = objects.where_eq("SobjectType", object).to_string();
    let field_query = fields.where_eq("SobjectType", object).to_string();
    let (objects, fields) = futures_util::future::join(
        client.query_rows(&object_query),
        client.query_rows(&field_query),
    )
    .await;
    let mut access = SourceAccess {
        object: object.to_owned(),
        ..SourceAccess::default()
    };
    for row in objects? {
        for (field, perm) in [
            ("PermissionsRead", ObjectPerm::Read),
            ("PermissionsCreate", ObjectPerm::Create),
            ("PermissionsEdit", ObjectPerm::Edit),
            ("PermissionsDelete", ObjectPerm::Delete),
            ("PermissionsViewAllRecords", ObjectPerm::ViewAll),
            ("PermissionsModifyAllRecords", ObjectPerm::ModifyAll),
        ] {
            if flag(&row, field) {
                access.grant_object(perm);
            }
        }
    }
    for row in fields? {
        let Some(field) = text(&row, "Field") else {
            continue;
        };
        // `Field` is `Object.Field` (salesforce.md §C.3).
        let name = field
            .split_once('.')
            .map_or(field.as_str(), |(_, name)| name);
        let read = flag(&row, "PermissionsRead");
        access.grant_field(
            name,
            FieldGrant {
                read,
                edit: read && flag(&row, "PermissionsEdit"),
            },
        );
    }
    Ok(access)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_its_record_and_flsedit_its_object() {
        assert_eq!(
            page_record(
                "https://acme.my.salesforce.com/0PSAM0000000001/e?s=EntityPermissions&o=Account"
            ),
            Some("0PSAM0000000001".to_owned())
        );
        assert_eq!(
            page_record("https://acme.my.salesforce.com/00eAM0000000001AAA?s=ObjectsAndTabs"),
            Some("00eAM0000000001".to_owned())
        );
        assert_eq!(
            page_record("https://acme.my.salesforce.com/setup/layout/flsedit.jsp?id=x"),
            None
        );
        assert_eq!(
            flsedit_object(
                "https://acme.my.salesforce.com/setup/layout/flsedit.jsp?id=00e&type=Lead"
            ),
            Some("Lead".to_owned())
        );
        assert_eq!(
            flsedit_object("https://acme.my.salesforce.com/0PS/e?type=Lead"),
            None
        );
    }

    #[test]
    fn only_ids_and_identifiers_reach_a_query() {
        assert!(checked_id("0PSAM0000000001").is_ok());
        assert!(checked_id("0PS' OR Id != '").is_err());
        assert!(is_identifier("Invoice__c"));
        assert!(!is_identifier("Account' OR"));
        assert!(!is_identifier("1Account"));
    }

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
        let request = PlanColumns {
            snapshot,
            filter: None,
        };
        match column_plans(&request) {
            Err(e) => {
                let message = e.to_string();
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
            let request = PlanColumns {
                snapshot,
                filter: None,
            };
            match column_plans(&request) {
                Err(e) => {
                    let message = e.to_string();
                    assert!(message.contains(&format!("({what}: ")), "{message}");
                    assert!(message.contains("adds no toggles"), "{message}");
                }
                other => panic!("{what}: {other:?}"),
            }
        }
    }
}
