//! The bulk toggles' requests (salesforce.md §C.1–§C.3, §D.3, §D.4): the page's controls from its
//! snapshot (pure: no API call, no storage), the permission sets and profiles of the page's org to
//! copy access from, and one source's object and field permissions for the page's object, read
//! through the API and turned into box states by [`crate::columns::copy`]. The org is always the
//! sender frame's; nothing is written.

use crate::columns::copy::{self, CopyMode, FieldGrant, SourceAccess};
use crate::columns::{detect_columns, PageControls, PageSnapshot, RowFilter};
use crate::connection::{connect, ConnectError, Connection};
use crate::platform::{Platform, Transport};
use crate::protocol::Reply;
use crate::rules::ObjectPerm;
use crate::salesforce::{ApiError, ApiErrorKind, Client};
use serde::{Deserialize, Serialize};

/// Where access is copied from: `{"permissionSetId": "0PS…"}` or `{"profileId": "00e…"}` (a
/// profile's access lives on its own permission set, salesforce.md §C.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SourceRef {
    PermissionSet {
        #[serde(rename = "permissionSetId")]
        permission_set_id: String,
    },
    Profile {
        #[serde(rename = "profileId")]
        profile_id: String,
    },
}

/// One permission set or profile the admin can copy from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceOption {
    pub source: SourceRef,
    /// The permission set's label or the profile's name, shown as text.
    pub label: String,
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

/// The page's controls: every column with a control and each box's dependency closure, so
/// toggles, pastes and copies run on the page without a round trip (pure: no API call, no storage).
pub fn column_plans(snapshot: &PageSnapshot, filter: Option<&RowFilter>) -> Reply {
    if let Err(e) = check_snapshot(snapshot) {
        return Reply::Failed {
            message: e.to_string(),
        };
    }
    Reply::ColumnPlans(PageControls::of(&detect_columns(snapshot), filter))
}

/// The permission sets and profiles of the sender frame's org, except the one its page edits.
pub async fn access_sources<P: Platform>(platform: &P, sender_url: Option<&str>) -> Reply {
    let (connection, url) = match sender_connection(platform, sender_url).await {
        Ok(connected) => connected,
        Err(message) => return Reply::Failed { message },
    };
    match sources(&connection.client(), url).await {
        Ok(sources) => Reply::AccessSources { sources },
        Err(e) => Reply::Failed {
            message: api_message("list the permission sets and profiles", &e),
        },
    }
}

/// One source's access to the page's object as the states of the page's boxes.
pub async fn copy_access<P: Platform>(
    platform: &P,
    sender_url: Option<&str>,
    source: &SourceRef,
    mode: CopyMode,
    snapshot: &PageSnapshot,
) -> Reply {
    if let Err(e) = check_snapshot(snapshot) {
        return Reply::Failed {
            message: e.to_string(),
        };
    }
    let model = detect_columns(snapshot);
    let object = copy::page_object(&model)
        .or_else(|| sender_url.and_then(flsedit_object))
        .filter(|object| is_identifier(object));
    let Some(object) = object else {
        return Reply::Failed {
            message:
                "Forcefield could not tell which object this page is about, so it copied nothing."
                    .to_owned(),
        };
    };
    let (connection, _) = match sender_connection(platform, sender_url).await {
        Ok(connected) => connected,
        Err(message) => return Reply::Failed { message },
    };
    match read_access(&connection.client(), source, &object).await {
        Ok(access) => Reply::AccessCopy {
            plan: copy::plan_copy(&model, &object, &access, mode),
        },
        Err(e) => Reply::Failed {
            message: api_message("read the access to copy", &e),
        },
    }
}

/// The connection to the sender frame's org, and the frame's URL.
async fn sender_connection<'p, 'u, P: Platform>(
    platform: &'p P,
    sender_url: Option<&'u str>,
) -> Result<(Connection<'p, P::Transport>, &'u str), String> {
    let url = sender_url.ok_or("Copying access works on Salesforce pages only.")?;
    match connect(platform, url).await {
        Ok(connection) => Ok((connection, url)),
        Err(ConnectError::Session(e)) => Err(e.to_string()),
        Err(ConnectError::Api(e)) => Err(api_message("reach the org", &e)),
    }
}

fn api_message(doing: &str, error: &ApiError) -> String {
    match error.kind {
        ApiErrorKind::SessionExpired => format!(
            "Your Salesforce session has expired, so Forcefield couldn't {doing}. Log in again, then reload the page."
        ),
        _ => format!("Forcefield couldn't {doing}: {error}"),
    }
}

/// Letters, digits and underscores, starting with a letter: safe inside a SOQL literal.
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
            format!("{id:?} is not a record Id"),
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
    let rows: Vec<Row> = client
        .query("SELECT Id, Label, IsOwnedByProfile, ProfileId, Profile.Name, PermissionSetGroupId FROM PermissionSet")
        .await?;
    let own = page_record(url);
    let is_own = |id: &str| own.as_deref().is_some_and(|own| id.get(..15) == Some(own));
    let mut sources: Vec<SourceOption> = rows
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
        })
        .collect();
    // Permission sets first, then profiles, each by label ignoring ASCII case (Unicode case
    // tables would weigh more than this list is worth in the core every Setup page wakes).
    sources.sort_by(|a, b| {
        let profile = |s: &SourceOption| matches!(s.source, SourceRef::Profile { .. });
        let label = |s: &SourceOption| s.label.to_ascii_lowercase();
        (profile(a), label(a)).cmp(&(profile(b), label(b)))
    });
    Ok(sources)
}

/// The source's ObjectPermissions and FieldPermissions rows for `object`, both queries at once.
async fn read_access<T: Transport>(
    client: &Client<'_, T>,
    source: &SourceRef,
    object: &str,
) -> Result<SourceAccess, ApiError> {
    let parent = match source {
        SourceRef::PermissionSet { permission_set_id } => {
            format!("ParentId = '{}'", checked_id(permission_set_id)?)
        }
        // The profile's access is on the permission set it owns (salesforce.md §C.1).
        SourceRef::Profile { profile_id } => format!(
            "Parent.IsOwnedByProfile = true AND Parent.ProfileId = '{}'",
            checked_id(profile_id)?
        ),
    };
    let object_query = format!(
        "SELECT PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete, PermissionsViewAllRecords, PermissionsModifyAllRecords FROM ObjectPermissions WHERE {parent} AND SobjectType = '{object}'"
    );
    let field_query = format!(
        "SELECT Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE {parent} AND SobjectType = '{object}'"
    );
    let (objects, fields) = futures_util::future::join(
        client.query::<Row>(&object_query),
        client.query::<Row>(&field_query),
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
                access.object_perms.insert(perm);
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
        access.fields.insert(
            name.to_owned(),
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
