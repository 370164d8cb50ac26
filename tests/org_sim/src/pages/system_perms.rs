//! System Permissions of a permission set or enhanced profile: view `/{id}?s=SystemPermissions`,
//! edit `/{id}/e?s=SystemPermissions` with checkbox `title` = API permission name (salesforce.md §H.Q2),
//! and the "Permission Changes Confirmation" step that lists added dependent permissions and
//! needs a second Save (salesforce.md §H.Q2 [S]).

use std::collections::{BTreeSet, HashSet};

use crate::catalog::perms::SYSTEM_PERMISSIONS;
use crate::config::SimConfig;
use crate::http::esc;
use crate::pages::frame::{self, PageCtx};
use crate::pages::i18n;
use crate::pages::object_settings::{self as os, FORM};
use crate::pages::perm_model::{self, Container, Owner};
use crate::pages::perm_write::Change;
use crate::seed_perms;

/// Hidden field marking the confirmation step's second Save.
pub const CONFIRMED: &str = "j_id0:j_id5:confirmed";

/// System permissions sorted by label: (API name without `Permissions`, label).
fn sorted() -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<(&str, &str)> = SYSTEM_PERMISSIONS.to_vec();
    v.sort_by_key(|(_, l)| l.to_lowercase());
    v
}

/// Checkbox id of the i-th permission ([U]: row markup beyond `title` is not attested).
pub fn checkbox_id(i: usize) -> String {
    format!("{FORM}:sysPermTable:{i}:sys_perm_ck")
}

fn kind(c: &PageCtx<'_>, cont: &Container<'_>) -> &'static str {
    match cont.owner {
        Owner::PermissionSet => c.t(i18n::PERMISSION_SET),
        Owner::Profile => c.t(i18n::PROFILE),
    }
}

fn crumb(c: &PageCtx<'_>, cont: &Container<'_>) -> String {
    let overview = match cont.owner {
        Owner::PermissionSet => c.t(i18n::OVERVIEW),
        Owner::Profile => c.t(i18n::PROFILE_OVERVIEW),
    };
    format!(
        "<div class=\"ptBreadcrumb\"><a href=\"{}\">{}</a> &gt; <strong>{}</strong></div>",
        esc(&c.href(&os::overview_path(cont))),
        esc(overview),
        esc(c.t(i18n::SYSTEM_PERMISSIONS))
    )
}

fn header(title: &str, buttons: &str) -> String {
    format!(
        "<div class=\"pbHeader\"><table border=\"0\" cellpadding=\"0\" cellspacing=\"0\"><tr><td class=\"pbTitle\"><h2 class=\"mainTitle\">{}</h2></td><td class=\"pbButton\" id=\"topButtonRow\">{buttons}</td></tr></table></div>",
        esc(title)
    )
}

fn table(c: &PageCtx<'_>, rows: &str) -> String {
    format!(
        "<table class=\"list\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\"><tr class=\"headerRow\"><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr>{rows}</table>",
        esc(c.t(i18n::PERMISSION_NAME)),
        esc(c.t(i18n::ENABLED))
    )
}

/// The view page.
pub fn view(c: &PageCtx<'_>, cont: &Container<'_>) -> String {
    let perms = sorted();
    let rows: String = perms
        .iter()
        .enumerate()
        .map(|(i, (name, label))| {
            format!(
                "<tr class=\"{}\"><td class=\" dataCell  \">{}</td><td class=\" dataCell  \">{}</td></tr>",
                frame::row_class(i, perms.len()),
                esc(i18n::system_permission(name, label, c.locale)),
                frame::check_img(cont.ps.flag(&format!("Permissions{name}")))
            )
        })
        .collect();
    let edit = format!(
        "<a href=\"{}\" class=\"btn pc_buttonLink\" id=\"{FORM}:button_pc_edit\">{}</a>",
        esc(&c.href(&format!("/{}/e?s=SystemPermissions", cont.url_id))),
        esc(c.t(i18n::EDIT))
    );
    let content = format!(
        "{}{}<div class=\"bPageBlock brandSecondaryBrd secondaryPalette\">{}<div class=\"pbBody\">{}</div></div>",
        frame::page_title(kind(c, cont), &cont.label),
        crumb(c, cont),
        header(c.t(i18n::SYSTEM_PERMISSIONS), &edit),
        table(c, &rows)
    );
    c.page(
        &c.title(&format!("{}: {}", kind(c, cont), cont.label)),
        frame::BODY_DETAIL,
        &content,
        &[],
    )
}

/// The edit page; `want` overrides the stored state (after a failed save).
pub fn edit(
    c: &PageCtx<'_>,
    cont: &Container<'_>,
    want: Option<&BTreeSet<String>>,
    errors: &[String],
) -> String {
    let perms = sorted();
    let rows: String = perms
        .iter()
        .enumerate()
        .map(|(i, (name, label))| {
            let on = want.map_or_else(
                || cont.ps.flag(&format!("Permissions{name}")),
                |w| w.contains(*name),
            );
            // salesforce.md §H.Q2: `title` = API permission name without prefix.
            let extra = format!(
                " title=\"{}\"{}",
                esc(name),
                frame::handle_click("SystemPermissions", name)
            );
            format!(
                "<tr class=\"{}\"><td class=\" dataCell  \"><label for=\"{id}\">{}</label></td><td class=\" dataCell  \">{}</td></tr>",
                frame::row_class(i, perms.len()),
                esc(i18n::system_permission(name, label, c.locale)),
                frame::checkbox(&checkbox_id(i), on, false, &extra),
                id = esc(&checkbox_id(i)),
            )
        })
        .collect();
    // System permissions have no in-page dependency wiring: dependencies are added on Save
    // through the confirmation step (salesforce.md §H.Q2), so `dependents` stays empty here.
    let deps = os::data_block(
        "sim-pdc",
        &serde_json::json!({"dependents": {}, "antecedents": {}}),
    );
    let content = format!(
        "{title}{crumb}{errors}<form id=\"{FORM}\" name=\"{FORM}\" method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"{FORM}\" value=\"{FORM}\"><div class=\"bPageBlock brandSecondaryBrd bEditBlock secondaryPalette\">{header}<div class=\"pbBody\">{table}</div></div></form>{deps}",
        title = frame::page_title(kind(c, cont), &cont.label),
        crumb = crumb(c, cont),
        errors = frame::errors(c.locale, errors),
        action = esc(&c.href(&format!("/{}/e?s=SystemPermissions", cont.url_id))),
        header = header(c.t(i18n::SYSTEM_PERMISSIONS), &os::save_cancel(c)),
        table = table(c, &rows),
    );
    c.page(
        &c.title(&format!("{}: {}", kind(c, cont), cont.label)),
        frame::BODY_EDIT,
        &content,
        &[os::SCRIPT],
    )
}

/// The permissions a post asks for (API names).
pub fn posted(posted: &HashSet<String>) -> BTreeSet<String> {
    sorted()
        .iter()
        .enumerate()
        .filter(|(i, _)| posted.contains(&checkbox_id(*i)))
        .map(|(_, (n, _))| (*n).to_owned())
        .collect()
}

/// A permission the save adds: what, and for which checked permission.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Added {
    /// User permission API name, or `Object.Verb` for an object permission.
    pub name: String,
    /// Shown label.
    pub label: String,
    /// API name of the checked permission that requires it.
    pub required_by: String,
    /// True for an object permission.
    pub object: bool,
}

/// Dependencies the selection lacks (transitively), per the sim's dependency table (the same
/// one the write rules and the Tooling `PermissionDependency` object use, salesforce.md §H.Q5).
pub fn missing(
    config: &SimConfig,
    c: &PageCtx<'_>,
    cont: &Container<'_>,
    want: &BTreeSet<String>,
) -> Vec<Added> {
    let deps = seed_perms::dependencies(config);
    let mut have = want.clone();
    let mut out: Vec<Added> = Vec::new();
    let mut queue: Vec<String> = want.iter().cloned().collect();
    while let Some(p) = queue.pop() {
        for d in deps
            .iter()
            .filter(|d| d.permission == p && d.permission_type == "User Permission")
        {
            if d.required_type == "User Permission" {
                if have.insert(d.required.clone()) {
                    out.push(Added {
                        name: d.required.clone(),
                        label: crate::catalog::perms::permission_label(&d.required).to_owned(),
                        required_by: p.clone(),
                        object: false,
                    });
                    queue.push(d.required.clone());
                }
            } else if let Some((obj, verb)) = d.required.split_once('.') {
                let idx = verb_index(verb);
                let granted = perm_model::stored_object(&c.org.store, &cont.ps.id, obj)
                    .is_some_and(|(_, p)| idx.is_some_and(|i| p[i]));
                if !granted && !out.iter().any(|a| a.name == d.required) {
                    out.push(Added {
                        name: d.required.clone(),
                        label: format!("{verb} {obj}"),
                        required_by: p.clone(),
                        object: true,
                    });
                }
            }
        }
    }
    out
}

fn verb_index(verb: &str) -> Option<usize> {
    match verb {
        "Read" => Some(0),
        "Create" => Some(1),
        "Edit" => Some(2),
        "Delete" => Some(3),
        "ViewAll" | "ViewAllRecords" => Some(4),
        "ModifyAll" | "ModifyAllRecords" => Some(5),
        _ => None,
    }
}

/// The confirmation page: lists `added`, carries the selection in hidden fields, and asks for a
/// second Save (salesforce.md §H.Q2).
pub fn confirmation(
    c: &PageCtx<'_>,
    cont: &Container<'_>,
    want: &BTreeSet<String>,
    added: &[Added],
) -> String {
    let hidden: String = sorted()
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| want.contains(*n))
        .map(|(i, _)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"on\">",
                esc(&checkbox_id(i))
            )
        })
        .collect();
    let rows: String = added
        .iter()
        .enumerate()
        .map(|(i, a)| {
            format!(
                "<tr class=\"{}\"><td class=\" dataCell  \" title=\"{}\">{}</td><td class=\" dataCell  \">{}</td></tr>",
                frame::row_class(i, added.len()),
                esc(&a.name),
                esc(&a.label),
                esc(crate::catalog::perms::permission_label(&a.required_by))
            )
        })
        .collect();
    let content = format!(
        "{title}<form id=\"{FORM}\" name=\"{FORM}\" method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"{FORM}\" value=\"{FORM}\"><input type=\"hidden\" name=\"{CONFIRMED}\" value=\"1\">{hidden}<div class=\"bPageBlock brandSecondaryBrd bEditBlock secondaryPalette\" id=\"permissionChangesConfirmation\">{header}<div class=\"pbBody\"><p>{text}</p><table class=\"list\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\"><tr class=\"headerRow\"><th scope=\"col\">{c1}</th><th scope=\"col\">{c2}</th></tr>{rows}</table></div></div></form>",
        title = frame::page_title(kind(c, cont), &cont.label),
        action = esc(&c.href(&format!("/{}/e?s=SystemPermissions", cont.url_id))),
        header = header(c.t(i18n::CONFIRM_TITLE), &os::save_cancel(c)),
        text = esc(c.t(i18n::CONFIRM_TEXT)),
        c1 = esc(c.t(i18n::PERMISSIONS_ADDED)),
        c2 = esc(c.t(i18n::REQUIRED_BY)),
    );
    c.page(
        &c.title(&format!("{}: {}", kind(c, cont), cont.label)),
        frame::BODY_EDIT,
        &content,
        &[],
    )
}

/// The writes of a confirmed save: object permissions first, then the permission set.
pub fn changes(
    c: &PageCtx<'_>,
    cont: &Container<'_>,
    want: &BTreeSet<String>,
    added: &[Added],
) -> Vec<Change> {
    let mut out = Vec::new();
    let mut all = want.clone();
    for a in added {
        if a.object {
            let Some((obj, verb)) = a.name.split_once('.') else {
                continue;
            };
            let stored = perm_model::stored_object(&c.org.store, &cont.ps.id, obj);
            let mut perms = stored.as_ref().map_or([false; 6], |s| s.1);
            if let Some(i) = verb_index(verb) {
                perms[i] = true;
                // salesforce.md §C.2: everything but Read requires Read; Delete and Modify All more.
                perms[0] = true;
                if i >= 3 {
                    perms[2] = true;
                }
                if i == 5 {
                    perms[3] = true;
                    perms[4] = true;
                }
            }
            out.push(Change::Object {
                existing: stored.map(|s| s.0),
                object: obj.to_owned(),
                perms,
            });
        } else {
            all.insert(a.name.clone());
        }
    }
    let values: Vec<(String, bool)> = SYSTEM_PERMISSIONS
        .iter()
        .map(|(n, _)| (format!("Permissions{n}"), all.contains(*n)))
        .filter(|(k, v)| cont.ps.flag(k) != *v)
        .collect();
    if !values.is_empty() {
        out.push(Change::PermissionSet { values });
    }
    out
}
