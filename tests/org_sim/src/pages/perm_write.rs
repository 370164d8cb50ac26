//! Saves from the Classic permission pages, through the same write engine as REST
//! (`crate::dml`: coercion, audit fields, business rules), so a page save and an API write obey
//! the same rules. A page save is all-or-none: on the first error the store is restored.
//! Unchecking everything deletes the row (salesforce.md §C.3: a FieldPermissions row without Read "will
//! be deleted"; salesforce.md §C.2: "to remove all access to an object, you have to delete the
//! ObjectPermissions record").

use serde_json::{Map, Value as Json};

use crate::config::SimConfig;
use crate::dml::{self, ApiErr, Ctx};
use crate::org::Org;
use crate::pages::perm_model::OBJECT_PERMS;

/// One row change.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// FieldPermissions of `field` (`Object.Field`) on `object`; `existing` is the row Id.
    Field {
        /// Existing row.
        existing: Option<String>,
        /// SobjectType.
        object: String,
        /// `Object.Field`.
        field: String,
        /// PermissionsRead.
        read: bool,
        /// PermissionsEdit.
        edit: bool,
    },
    /// ObjectPermissions of `object`.
    Object {
        /// Existing row.
        existing: Option<String>,
        /// SobjectType.
        object: String,
        /// The six flags in [`OBJECT_PERMS`] order.
        perms: [bool; 6],
    },
    /// PermissionSet fields (system permissions), `Permissions<Name>` → value.
    PermissionSet {
        /// `Permissions<Name>` → value.
        values: Vec<(String, bool)>,
    },
}

/// Applies `changes` to the permission set `ps_id` as user `user_id`; all or none. Errors are
/// the API errors' messages.
pub fn apply(
    org: &mut Org,
    config: &SimConfig,
    user_id: &str,
    ps_id: &str,
    changes: &[Change],
) -> Result<(), Vec<String>> {
    let snapshot = org.store.clone();
    // Setup's own pages see every field of the org's release.
    let version = org.max_api_version.clone();
    let mut ctx = Ctx {
        org,
        config,
        user_id,
        version: &version,
    };
    // Object rows that grant Read go first (field and detail-object rules may need it), rows
    // that take access away go last.
    let (first, last): (Vec<&Change>, Vec<&Change>) = changes.iter().partition(|c| match c {
        Change::Object { perms, .. } => perms[0],
        _ => true,
    });
    let mut ordered: Vec<&Change> = first
        .iter()
        .copied()
        .filter(|c| matches!(c, Change::Object { .. }))
        .collect();
    ordered.extend(
        first
            .iter()
            .copied()
            .filter(|c| !matches!(c, Change::Object { .. })),
    );
    ordered.extend(last);
    for c in ordered {
        if let Err(errors) = apply_one(&mut ctx, ps_id, c) {
            ctx.org.store = snapshot;
            return Err(errors.into_iter().map(|e| e.message).collect());
        }
    }
    Ok(())
}

fn apply_one(ctx: &mut Ctx<'_>, ps_id: &str, change: &Change) -> Result<(), Vec<ApiErr>> {
    match change {
        Change::Field {
            existing,
            object,
            field,
            read,
            edit,
        } => {
            let body = map(&[
                ("PermissionsRead", Json::Bool(*read)),
                ("PermissionsEdit", Json::Bool(*edit)),
            ]);
            write_row(
                ctx,
                "FieldPermissions",
                existing.as_deref(),
                *read || *edit,
                &body,
                &[
                    ("ParentId", Json::from(ps_id)),
                    ("SobjectType", Json::from(object.as_str())),
                    ("Field", Json::from(field.as_str())),
                ],
            )
        }
        Change::Object {
            existing,
            object,
            perms,
        } => {
            let pairs: Vec<(&str, Json)> = OBJECT_PERMS
                .iter()
                .zip(perms)
                .map(|(p, v)| (*p, Json::Bool(*v)))
                .collect();
            write_row(
                ctx,
                "ObjectPermissions",
                existing.as_deref(),
                perms.iter().any(|p| *p),
                &map(&pairs),
                &[
                    ("ParentId", Json::from(ps_id)),
                    ("SobjectType", Json::from(object.as_str())),
                ],
            )
        }
        Change::PermissionSet { values } => {
            let pairs: Vec<(&str, Json)> = values
                .iter()
                .map(|(k, v)| (k.as_str(), Json::Bool(*v)))
                .collect();
            dml::update(ctx, Some("PermissionSet"), ps_id, &map(&pairs))
        }
    }
}

/// Update, create or delete one permission row.
fn write_row(
    ctx: &mut Ctx<'_>,
    object: &str,
    existing: Option<&str>,
    any: bool,
    body: &Map<String, Json>,
    create_only: &[(&str, Json)],
) -> Result<(), Vec<ApiErr>> {
    match (existing, any) {
        (Some(id), true) => dml::update(ctx, Some(object), id, body),
        (Some(id), false) => dml::delete(ctx, Some(object), id),
        (None, true) => {
            let mut body = body.clone();
            for (k, v) in create_only {
                body.insert((*k).to_owned(), v.clone());
            }
            dml::create(ctx, object, &body).map(|_| ())
        }
        (None, false) => Ok(()),
    }
}

fn map(pairs: &[(&str, Json)]) -> Map<String, Json> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}
