//! Object Settings of a permission set (`/{0PS}?s=EntityPermissions[&o=]`, edit
//! `/{0PS}/e?s=EntityPermissions&o=`, salesforce.md §D.3) and the same pages of an enhanced profile
//! (`/{00e}[/e]?s=ObjectsAndTabs[&o=]`, salesforce.md §D.4): Tab Settings, the Object Permissions table,
//! the Field Permissions table with `:fls_read_ck` / `:fls_edit_ck` checkboxes, the
//! `ProfileDependentCheckboxes` wiring and a Save that persists exactly what was posted.

use std::collections::{HashMap, HashSet};

use serde_json::json;

use crate::http::esc;
use crate::pages::frame::{self, PageCtx};
use crate::pages::i18n;
use crate::pages::perm_model::{
    self, Access, Container, FieldRow, Owner, StoredField, OBJECT_PERMS,
};
use crate::pages::perm_write::Change;
use crate::schema::ObjectDef;

/// The JSF form id: every control id starts with it (salesforce.md §D.3 example ids `j_id0:j_id5:…`).
pub const FORM: &str = "j_id0:j_id5";

/// The external script defining `window.ProfileDependentCheckboxes` (salesforce.md §D.3).
pub const SCRIPT: &str = "/sim/permdeps.js";

/// Labels of the six object permissions (salesforce.md §D.3).
const OBJECT_LABELS: [i18n::Text; 6] = [
    i18n::P_READ,
    i18n::P_CREATE,
    i18n::P_EDIT,
    i18n::P_DELETE,
    i18n::P_VIEW_ALL,
    i18n::P_MODIFY_ALL,
];

/// Field-row permission keys (the same API names as the object rows; `map[rowKey]` of a field
/// row only holds these two).
const FIELD_READ: &str = "PermissionsRead";
/// Field-row Edit key.
const FIELD_EDIT: &str = "PermissionsEdit";
/// Tab keys ([U]: tab rows' keys are not attested).
const TAB_AVAILABLE: &str = "TabAvailable";
/// Tab Visible key.
const TAB_VISIBLE: &str = "TabVisible";

/// `?s=` section of the owner (salesforce.md §H.Q2: `ObjectsAndTabs` for profiles is
/// `EntityPermissions` for permission sets).
pub fn section(owner: Owner) -> &'static str {
    match owner {
        Owner::PermissionSet => "EntityPermissions",
        Owner::Profile => "ObjectsAndTabs",
    }
}

/// Checkbox id of a field row (salesforce.md §D.3: ids end with `:fls_read_ck` / `:fls_edit_ck`).
pub fn field_id(i: usize, edit: bool) -> String {
    let suffix = if edit { "fls_edit_ck" } else { "fls_read_ck" };
    format!("{FORM}:fieldTable:{i}:{suffix}")
}

/// Checkbox id of object permission `k` ([U]; suffix `olp_check` per salesforce.md §D.3 [S]).
pub fn object_id(k: usize) -> String {
    format!("{FORM}:olpTable:{k}:olp_check")
}

/// Checkbox id of a tab setting ([U]).
pub fn tab_id(visible: bool) -> String {
    let s = if visible {
        "tab_visible_ck"
    } else {
        "tab_available_ck"
    };
    format!("{FORM}:tabTable:0:{s}")
}

/// `dependents` / `antecedents` of the page global (salesforce.md §C.2 "Requires …" rules, §C.3
/// Edit requires Read, §D.3 semantics): checking a key checks its dependents; unchecking
/// unchecks its antecedents. Lists are transitively closed so one level suffices.
pub fn dependency_json() -> String {
    let v = json!({
        "dependents": {
            "PermissionsCreate": ["PermissionsRead"],
            "PermissionsEdit": ["PermissionsRead"],
            "PermissionsDelete": ["PermissionsRead", "PermissionsEdit"],
            "PermissionsViewAllRecords": ["PermissionsRead"],
            "PermissionsModifyAllRecords": ["PermissionsRead", "PermissionsEdit", "PermissionsDelete", "PermissionsViewAllRecords"],
            "TabVisible": ["TabAvailable"],
        },
        "antecedents": {
            "PermissionsRead": ["PermissionsCreate", "PermissionsEdit", "PermissionsDelete", "PermissionsViewAllRecords", "PermissionsModifyAllRecords"],
            "PermissionsEdit": ["PermissionsDelete", "PermissionsModifyAllRecords"],
            "PermissionsDelete": ["PermissionsModifyAllRecords"],
            "PermissionsViewAllRecords": ["PermissionsModifyAllRecords"],
            "TabAvailable": ["TabVisible"],
        },
    });
    data_block("sim-pdc", &v)
}

/// A JSON data block (not executed, so allowed by the CSP); `<` escaped.
pub fn data_block(id: &str, v: &serde_json::Value) -> String {
    format!(
        "<script type=\"application/json\" id=\"{id}\">{}</script>",
        v.to_string().replace('<', "\\u003c")
    )
}

/// Overview URL of a container.
pub fn overview_path(cont: &Container<'_>) -> String {
    format!("/{}", cont.url_id)
}

/// List / view / edit paths.
pub fn list_path(cont: &Container<'_>) -> String {
    format!("/{}?s={}", cont.url_id, section(cont.owner))
}

/// View path of one object.
pub fn view_path(cont: &Container<'_>, o: &ObjectDef) -> String {
    format!(
        "/{}?s={}&o={}",
        cont.url_id,
        section(cont.owner),
        perm_model::object_param(o)
    )
}

/// Edit path of one object.
pub fn edit_path(cont: &Container<'_>, o: &ObjectDef) -> String {
    format!(
        "/{}/e?s={}&o={}",
        cont.url_id,
        section(cont.owner),
        perm_model::object_param(o)
    )
}

fn page_kind(c: &PageCtx<'_>, cont: &Container<'_>) -> &'static str {
    match cont.owner {
        Owner::PermissionSet => c.t(i18n::PERMISSION_SET),
        Owner::Profile => c.t(i18n::PROFILE),
    }
}

fn breadcrumb(c: &PageCtx<'_>, cont: &Container<'_>, o: Option<&ObjectDef>) -> String {
    let overview = match cont.owner {
        Owner::PermissionSet => c.t(i18n::OVERVIEW),
        Owner::Profile => c.t(i18n::PROFILE_OVERVIEW),
    };
    let mut s = format!(
        "<div class=\"ptBreadcrumb\"><a href=\"{}\">{}</a> &gt; ",
        esc(&c.href(&overview_path(cont))),
        esc(overview)
    );
    match o {
        Some(o) => s.push_str(&format!(
            "<a href=\"{}\">{}</a> &gt; <strong>{}</strong></div>",
            esc(&c.href(&list_path(cont))),
            esc(c.t(i18n::OBJECT_SETTINGS)),
            esc(&o.label_plural)
        )),
        None => s.push_str(&format!(
            "<strong>{}</strong></div>",
            esc(c.t(i18n::OBJECT_SETTINGS))
        )),
    }
    s
}

/// The Object Settings list.
pub fn list(c: &PageCtx<'_>, cont: &Container<'_>) -> String {
    let store = &c.org.store;
    let objects = perm_model::objects(store.schema());
    let mut rows = String::new();
    for (i, o) in objects.iter().enumerate() {
        let perms = perm_model::stored_object(store, &cont.ps.id, &o.name)
            .map(|(_, p)| {
                p.iter()
                    .zip(OBJECT_LABELS)
                    .filter(|(on, _)| **on)
                    .map(|(_, l)| c.t(l))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let fields = perm_model::stored_fields(store, &cont.ps.id, &o.name)
            .values()
            .filter(|f| f.read)
            .count();
        rows.push_str(&format!(
            "<tr class=\"{cls}\"><th scope=\"row\" class=\" dataCell  \"><a href=\"{href}\">{label}</a></th><td class=\" dataCell  \">{perms}</td><td class=\" dataCell  \">{fields}</td></tr>\n",
            cls = frame::row_class(i, objects.len()),
            href = esc(&c.href(&view_path(cont, o))),
            label = esc(&o.label_plural),
            perms = esc(&perms),
        ));
    }
    // salesforce.md §D.4: the profile list is `[id$='table_objects_and_tabs:tb']`.
    let tbody_id = match cont.owner {
        Owner::Profile => format!(" id=\"{FORM}:table_objects_and_tabs:tb\""),
        Owner::PermissionSet => String::new(),
    };
    let content = format!(
        "{title}{crumb}<div class=\"bPageBlock brandSecondaryBrd secondaryPalette\"><div class=\"pbHeader\"><table border=\"0\" cellpadding=\"0\" cellspacing=\"0\"><tr><td class=\"pbTitle\"><h2 class=\"mainTitle\">{heading}</h2></td></tr></table></div><div class=\"pbBody\"><table class=\"list\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\"><thead><tr class=\"headerRow\"><th scope=\"col\">{c1}</th><th scope=\"col\">{c2}</th><th scope=\"col\">{c3}</th></tr></thead><tbody{tbody_id}>\n{rows}</tbody></table></div></div>",
        title = frame::page_title(page_kind(c, cont), &cont.label),
        crumb = breadcrumb(c, cont, None),
        heading = esc(c.t(i18n::OBJECT_SETTINGS)),
        c1 = esc(c.t(i18n::OBJECT_NAME)),
        c2 = esc(c.t(i18n::OBJECT_PERMS_SUMMARY)),
        c3 = esc(c.t(i18n::FIELD_PERMISSIONS)),
    );
    c.page(
        &c.title(&format!("{}: {}", page_kind(c, cont), cont.label)),
        frame::BODY_LIST,
        &content,
        &[],
    )
}

/// What the edit page shows (stored values, or the posted ones after a failed save).
#[derive(Debug, Clone)]
pub struct Shown {
    /// Tab Available / Visible.
    pub tab: [bool; 2],
    /// The six object permissions.
    pub object: [bool; 6],
    /// (read, edit) per field row.
    pub fields: Vec<(bool, bool)>,
}

/// Stored state of `o` in the container.
pub fn stored_shown(
    cont: &Container<'_>,
    store: &crate::store::Store,
    o: &ObjectDef,
    rows: &[FieldRow<'_>],
) -> Shown {
    let stored = perm_model::stored_fields(store, &cont.ps.id, &o.name);
    let object = perm_model::stored_object(store, &cont.ps.id, &o.name).map_or([false; 6], |s| s.1);
    Shown {
        // Tab settings are not persisted (the sim has no PermissionSetTabSetting): Available
        // follows object Read.
        tab: [object[0], false],
        object,
        fields: rows.iter().map(|r| perm_model::shown(r, &stored)).collect(),
    }
}

/// Read-only view of one object (check images, `a.btn.pc_buttonLink` Edit, salesforce.md §D.2).
pub fn view(c: &PageCtx<'_>, cont: &Container<'_>, o: &ObjectDef) -> String {
    let rows = perm_model::field_rows(o);
    let shown = stored_shown(cont, &c.org.store, o, &rows);
    let object_table = if o.object_permissionable {
        let trs: String = OBJECT_LABELS
            .iter()
            .enumerate()
            .map(|(k, l)| {
                format!(
                    "<tr class=\"{}\"><td class=\" dataCell  \">{}</td><td class=\" dataCell  \">{}</td></tr>",
                    frame::row_class(k, 6),
                    esc(c.t(*l)),
                    frame::check_img(shown.object[k])
                )
            })
            .collect();
        object_permissions_table(c, &trs)
    } else {
        String::new()
    };
    let field_trs: String = rows
        .iter()
        .zip(&shown.fields)
        .enumerate()
        .map(|(i, (r, (read, edit)))| {
            format!(
                "<tr class=\"{}\"><td class=\" dataCell  \">{}</td><td class=\" dataCell  \">{}</td><td class=\" dataCell  \">{}</td></tr>",
                frame::row_class(i, rows.len()),
                esc(&r.label),
                frame::check_img(*read),
                frame::check_img(*edit)
            )
        })
        .collect();
    let fields_table = section_block(
        c.t(i18n::FIELD_PERMISSIONS),
        &format!(
            "<table class=\"list\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\"><tr class=\"headerRow\"><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr>{field_trs}</table>",
            esc(c.t(i18n::FIELD_NAME)),
            esc(c.t(i18n::READ_ACCESS)),
            esc(c.t(i18n::EDIT_ACCESS))
        ),
    );
    let buttons = format!(
        "<a href=\"{}\" class=\"btn pc_buttonLink\" id=\"{FORM}:button_pc_edit\">{}</a>",
        esc(&c.href(&edit_path(cont, o))),
        esc(c.t(i18n::EDIT))
    );
    let content = format!(
        "{title}{crumb}<div class=\"bPageBlock brandSecondaryBrd secondaryPalette\">{header}<div class=\"pbBody\">{object_table}{fields_table}</div></div>",
        title = frame::page_title(page_kind(c, cont), &cont.label),
        crumb = breadcrumb(c, cont, Some(o)),
        header = block_header(&o.label_plural, &buttons),
    );
    c.page(
        &c.title(&format!("{}: {}", page_kind(c, cont), cont.label)),
        frame::BODY_DETAIL,
        &content,
        &[],
    )
}

fn block_header(title: &str, buttons: &str) -> String {
    format!(
        "<div class=\"pbHeader\"><table border=\"0\" cellpadding=\"0\" cellspacing=\"0\"><tr><td class=\"pbTitle\"><h2 class=\"mainTitle\">{}</h2></td><td class=\"pbButton\" id=\"topButtonRow\">{buttons}</td></tr></table></div>",
        esc(title)
    )
}

fn section_block(title: &str, table: &str) -> String {
    format!(
        "<div class=\"pbSubheader brandTertiaryBgr tertiaryPalette\"><h3>{}</h3></div><div class=\"pbSubsection\">{table}</div>",
        esc(title)
    )
}

/// The edit page (salesforce.md §D.3).
pub fn edit(
    c: &PageCtx<'_>,
    cont: &Container<'_>,
    o: &ObjectDef,
    shown: Option<&Shown>,
    errors: &[String],
) -> String {
    let rows = perm_model::field_rows(o);
    let stored;
    let shown = match shown {
        Some(s) => s,
        None => {
            stored = stored_shown(cont, &c.org.store, o, &rows);
            &stored
        }
    };
    let row_key = o.name.as_str();
    // Tab Settings: one row, Available | Visible (salesforce.md §D.3; not persisted by the sim).
    let tab = section_block(
        c.t(i18n::TAB_SETTINGS),
        &format!(
            "<table class=\"list\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\"><tr class=\"headerRow\"><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr><tr class=\"dataRow even first last\"><td class=\" dataCell  \">{}</td><td class=\" dataCell  \">{}</td></tr></table>",
            esc(c.t(i18n::AVAILABLE)),
            esc(c.t(i18n::VISIBLE)),
            frame::checkbox(&tab_id(false), shown.tab[0], false, &frame::handle_click(row_key, TAB_AVAILABLE)),
            frame::checkbox(&tab_id(true), shown.tab[1], false, &frame::handle_click(row_key, TAB_VISIBLE)),
        ),
    );
    // Object Permissions: Permission Name | Enabled, one row per permission (salesforce.md §D.3 and
    // the reference screenshot). Objects outside ObjectPermissions.SobjectType (User, Task,
    // Event, salesforce.md §H.Q3) have none.
    let object_table = if o.object_permissionable {
        let trs: String = OBJECT_LABELS
            .iter()
            .enumerate()
            .map(|(k, l)| {
                format!(
                    "<tr class=\"{}\"><td class=\" dataCell  \">{}</td><td class=\" dataCell  \">{}</td></tr>",
                    frame::row_class(k, 6),
                    esc(c.t(*l)),
                    frame::checkbox(&object_id(k), shown.object[k], false, &frame::handle_click(row_key, OBJECT_PERMS[k]))
                )
            })
            .collect();
        object_permissions_table(c, &trs)
    } else {
        String::new()
    };
    // Field Permissions: Field Name | Read Access | Edit Access; header divs `fls_readheader` /
    // `fls_editheader`; disabled rows per salesforce.md §D.3.
    let mut field_trs = String::with_capacity(rows.len() * 400);
    for (i, (r, (read, edit))) in rows.iter().zip(&shown.fields).enumerate() {
        let key = r.qualified(o);
        let (read_disabled, edit_disabled) = match r.access {
            Access::Grantable { edit_allowed } => (false, !edit_allowed),
            Access::Fixed { .. } => (true, true),
        };
        field_trs.push_str(&format!(
            "<tr class=\"{}\"><td class=\" dataCell  \">{}</td><td class=\" dataCell  \">{}</td><td class=\" dataCell  \">{}</td></tr>\n",
            frame::row_class(i, rows.len()),
            esc(&r.label),
            frame::checkbox(&field_id(i, false), *read, read_disabled, &frame::handle_click(&key, FIELD_READ)),
            frame::checkbox(&field_id(i, true), *edit, edit_disabled, &frame::handle_click(&key, FIELD_EDIT)),
        ));
    }
    let fields_table = section_block(
        c.t(i18n::FIELD_PERMISSIONS),
        &format!(
            "<table class=\"list\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\" id=\"{FORM}:fieldTable\"><thead><tr class=\"headerRow\"><th scope=\"col\">{}</th><th scope=\"col\"><div id=\"{FORM}:fieldTable:fls_readheader\">{}</div></th><th scope=\"col\"><div id=\"{FORM}:fieldTable:fls_editheader\">{}</div></th></tr></thead><tbody>\n{field_trs}</tbody></table>",
            esc(c.t(i18n::FIELD_NAME)),
            esc(c.t(i18n::READ_ACCESS)),
            esc(c.t(i18n::EDIT_ACCESS))
        ),
    );
    let content = format!(
        "{title}{crumb}{errors}<form id=\"{FORM}\" name=\"{FORM}\" method=\"post\" action=\"{action}\" enctype=\"application/x-www-form-urlencoded\"><input type=\"hidden\" name=\"{FORM}\" value=\"{FORM}\"><div class=\"bPageBlock brandSecondaryBrd bEditBlock secondaryPalette\">{header}<div class=\"pbBody\">{tab}{object_table}{fields_table}</div></div></form>{deps}",
        title = frame::page_title(page_kind(c, cont), &cont.label),
        crumb = breadcrumb(c, cont, Some(o)),
        errors = frame::errors(c.locale, errors),
        action = esc(&c.href(&edit_path(cont, o))),
        header = block_header(&o.label_plural, &save_cancel(c)),
        deps = dependency_json(),
    );
    c.page(
        &c.title(&format!("{}: {}", page_kind(c, cont), cont.label)),
        frame::BODY_EDIT,
        &content,
        &[SCRIPT],
    )
}

/// The "Object Permissions" section: Permission Name | Enabled, one row per permission (the
/// reference screenshot), with the view's images or the edit page's checkboxes as `trs`.
fn object_permissions_table(c: &PageCtx<'_>, trs: &str) -> String {
    section_block(
        c.t(i18n::OBJECT_PERMISSIONS),
        &format!(
            "<table class=\"list\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\"><tr class=\"headerRow\"><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr>{trs}</table>",
            esc(c.t(i18n::PERMISSION_NAME)),
            esc(c.t(i18n::ENABLED))
        ),
    )
}

/// Save and Cancel (salesforce.md §D.2: `input[type=submit][value=Save][id$='button_pc_save']`).
pub fn save_cancel(c: &PageCtx<'_>) -> String {
    format!(
        "<input type=\"submit\" class=\"btn\" id=\"{FORM}:button_pc_save\" name=\"{FORM}:button_pc_save\" value=\"{}\"> <input type=\"submit\" class=\"btn\" id=\"{FORM}:button_pc_cancel\" name=\"{FORM}:button_pc_cancel\" value=\"{}\">",
        esc(c.t(i18n::SAVE)),
        esc(c.t(i18n::CANCEL))
    )
}

/// Whether the posted form is a Cancel.
pub fn is_cancel(posted: &HashSet<String>) -> bool {
    posted.contains(&format!("{FORM}:button_pc_cancel"))
}

/// The state a post asks for: posted boxes for enabled controls; disabled controls are not
/// posted by browsers, so they keep their stored values.
pub fn posted_shown(
    cont: &Container<'_>,
    store: &crate::store::Store,
    o: &ObjectDef,
    rows: &[FieldRow<'_>],
    posted: &HashSet<String>,
) -> Shown {
    let stored = stored_shown(cont, store, o, rows);
    let object = if o.object_permissionable {
        std::array::from_fn(|k| posted.contains(&object_id(k)))
    } else {
        stored.object
    };
    let fields = rows
        .iter()
        .zip(&stored.fields)
        .enumerate()
        .map(|(i, (r, (read, edit)))| match r.access {
            Access::Grantable { edit_allowed } => (
                posted.contains(&field_id(i, false)),
                if edit_allowed {
                    posted.contains(&field_id(i, true))
                } else {
                    *edit
                },
            ),
            Access::Fixed { .. } => (*read, *edit),
        })
        .collect();
    Shown {
        tab: [
            posted.contains(&tab_id(false)),
            posted.contains(&tab_id(true)),
        ],
        object,
        fields,
    }
}

/// The row changes from the stored state to `want`.
pub fn changes(
    cont: &Container<'_>,
    store: &crate::store::Store,
    o: &ObjectDef,
    rows: &[FieldRow<'_>],
    want: &Shown,
) -> Vec<Change> {
    let stored_fields: HashMap<String, StoredField> =
        perm_model::stored_fields(store, &cont.ps.id, &o.name);
    let mut out = Vec::new();
    if o.object_permissionable {
        let stored = perm_model::stored_object(store, &cont.ps.id, &o.name);
        let before = stored.as_ref().map_or([false; 6], |s| s.1);
        if before != want.object {
            out.push(Change::Object {
                existing: stored.map(|s| s.0),
                object: o.name.clone(),
                perms: want.object,
            });
        }
    }
    for (r, (read, edit)) in rows.iter().zip(&want.fields) {
        if !matches!(r.access, Access::Grantable { .. }) {
            continue;
        }
        let s = stored_fields.get(&r.def.name.to_lowercase());
        let before = s.map_or((false, false), |s| (s.read, s.edit));
        if before != (*read, *edit) {
            out.push(Change::Field {
                existing: s.map(|s| s.id.clone()),
                object: o.name.clone(),
                field: r.qualified(o),
                read: *read,
                edit: *edit,
            });
        }
    }
    out
}
