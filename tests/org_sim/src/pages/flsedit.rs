//! The original-profile-UI field-level security page `/setup/layout/flsedit.jsp?id={00e}&type=
//! {Object}` (salesforce.md §D.4): Field Name | Field Type | Visible | Read-Only, `th.displayedCol` /
//! `th.readonlyCol`, checkbox ids `display_{fieldId}` (Visible) and `edit_{fieldId}`
//! (Read-Only; which box carries `edit_` is [U]), Save `input[name=save]`. Semantics: Visible =
//! Read, Read-Only = Read without Edit; it writes the profile-owned permission set's rows.

use std::collections::HashSet;

use crate::http::esc;
use crate::pages::frame::{self, PageCtx};
use crate::pages::i18n;
use crate::pages::perm_model::{self, Access, Container, FieldRow};
use crate::pages::perm_write::Change;
use crate::schema::{FieldDef, FieldType, ObjectDef};

/// The page path.
pub const PATH: &str = "/setup/layout/flsedit.jsp";

/// The field id in checkbox ids: the API name for standard fields; for custom fields a
/// 15-char CustomField-like Id (`00N` + `AM` + key prefix + position), as Salesforce uses
/// durable Ids for custom fields ([U] exact form).
pub fn field_key(o: &ObjectDef, f: &FieldDef) -> String {
    if !f.custom {
        return f.name.clone();
    }
    let pos = o.fields.iter().position(|x| x.name == f.name).unwrap_or(0);
    format!("00NAM{}{pos:07}", o.key_prefix)
}

/// Field Type column text.
fn type_label(f: &FieldDef) -> String {
    if f.auto_number.is_some() {
        return "Auto Number".into();
    }
    if f.calculated && f.formula.is_some() {
        return format!("Formula ({})", base_type(f.ty));
    }
    if f.calculated {
        return "Roll-Up Summary".into();
    }
    if f.master_detail {
        return "Master-Detail".into();
    }
    if f.name_field {
        return "Name".into();
    }
    base_type(f.ty).into()
}

fn base_type(t: FieldType) -> &'static str {
    match t {
        FieldType::Reference => "Lookup",
        FieldType::Boolean => "Checkbox",
        FieldType::Currency => "Currency",
        FieldType::Date => "Date",
        FieldType::DateTime => "Date/Time",
        FieldType::Email => "Email",
        FieldType::Phone => "Phone",
        FieldType::Picklist => "Picklist",
        FieldType::Url => "URL",
        FieldType::TextArea => "Text Area",
        FieldType::Int | FieldType::Double => "Number",
        FieldType::Address => "Address",
        FieldType::EncryptedString => "Text (Encrypted)",
        _ => "Text",
    }
}

/// (Visible checked, Visible disabled, Read-Only checked, Read-Only disabled) of a row.
fn boxes(r: &FieldRow<'_>, read: bool, edit: bool) -> (bool, bool, bool, bool) {
    match r.access {
        // Required fields: Visible checked+disabled, Read-Only disabled (salesforce.md §D.4).
        Access::Fixed { edit: true } => (true, true, false, true),
        // System audit fields: visible, always read-only.
        Access::Fixed { edit: false } => (true, true, true, true),
        // Formula / auto-number / read-only fields can never be edited: Read-Only stays
        // checked and disabled; it shows the stored Edit like the other pages do.
        Access::Grantable {
            edit_allowed: false,
        } => (read, false, !edit, true),
        Access::Grantable { edit_allowed: true } => (read, false, read && !edit, false),
    }
}

/// The page; `posted` overrides stored state after a failed save.
pub fn page(
    c: &PageCtx<'_>,
    cont: &Container<'_>,
    o: &ObjectDef,
    want: Option<&[(bool, bool)]>,
    errors: &[String],
) -> String {
    let rows = perm_model::field_rows(o);
    let stored = perm_model::stored_fields(&c.org.store, &cont.ps.id, &o.name);
    let mut trs = String::new();
    for (i, r) in rows.iter().enumerate() {
        let (read, edit) = want
            .and_then(|w| w.get(i).copied())
            .unwrap_or_else(|| perm_model::shown(r, &stored));
        let (vis, vis_dis, ro, ro_dis) = boxes(r, read, edit);
        let key = field_key(o, r.def);
        trs.push_str(&format!(
            "<tr class=\"{cls}\"><th scope=\"row\" class=\" dataCell  \">{label}</th><td class=\" dataCell  \">{ty}</td><td class=\"displayedCol\">{v}</td><td class=\"readonlyCol\">{r}</td></tr>\n",
            cls = frame::row_class(i, rows.len()),
            label = esc(&r.label),
            ty = esc(&type_label(r.def)),
            v = frame::checkbox(&format!("display_{key}"), vis, vis_dis, &format!(" title=\"{}\"", esc(c.t(i18n::VISIBLE)))),
            r = frame::checkbox(&format!("edit_{key}"), ro, ro_dis, &format!(" title=\"{}\"", esc(c.t(i18n::READ_ONLY)))),
        ));
    }
    let profile_id = cont.url_id.as_str();
    let action = c.href(&format!(
        "{PATH}?id={profile_id}&type={}",
        crate::http::enc(&o.name)
    ));
    let buttons = format!(
        "<input type=\"submit\" class=\"btn\" name=\"save\" value=\"{}\"> <input type=\"submit\" class=\"btn\" name=\"cancel\" value=\"{}\">",
        esc(c.t(i18n::SAVE)),
        esc(c.t(i18n::CANCEL))
    );
    // salesforce.md §D.4: title "Account Field-Level Security for profile" / "Basic User".
    let kind = format!("{} {}", o.label, c.t(i18n::FLS_TITLE));
    let content = format!(
        "{title}{errors}<form id=\"editPage\" name=\"editPage\" method=\"post\" action=\"{action}\"><div class=\"bPageBlock brandSecondaryBrd bEditBlock secondaryPalette\"><div class=\"pbHeader\"><table border=\"0\" cellpadding=\"0\" cellspacing=\"0\"><tr><td class=\"pbTitle\"></td><td class=\"pbButton\" id=\"topButtonRow\">{buttons}</td></tr></table></div><div class=\"pbBody\"><table class=\"list\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\"><tr class=\"headerRow\"><th scope=\"col\">{c1}</th><th scope=\"col\">{c2}</th><th scope=\"col\" class=\"displayedCol\">{c3}</th><th scope=\"col\" class=\"readonlyCol\">{c4}</th></tr>\n{trs}</table></div></div></form>",
        title = frame::page_title(&kind, &cont.label),
        errors = frame::errors(c.locale, errors),
        action = esc(&action),
        c1 = esc(c.t(i18n::FIELD_NAME)),
        c2 = esc(c.t(i18n::FIELD_TYPE)),
        c3 = esc(c.t(i18n::VISIBLE)),
        c4 = esc(c.t(i18n::READ_ONLY)),
    );
    c.page(&c.title(&kind), frame::BODY_EDIT, &content, &[])
}

/// (read, edit) per row from a post: Visible = Read, Read-Only = Read without Edit; disabled
/// boxes are not posted, so fixed and Edit-less rows keep their stored values.
pub fn posted(
    c: &PageCtx<'_>,
    cont: &Container<'_>,
    o: &ObjectDef,
    posted: &HashSet<String>,
) -> Vec<(bool, bool)> {
    let rows = perm_model::field_rows(o);
    let stored = perm_model::stored_fields(&c.org.store, &cont.ps.id, &o.name);
    rows.iter()
        .map(|r| {
            let key = field_key(o, r.def);
            match r.access {
                Access::Fixed { .. } => perm_model::shown(r, &stored),
                Access::Grantable { edit_allowed } => {
                    let read = posted.contains(&format!("display_{key}"));
                    let edit = if edit_allowed {
                        read && !posted.contains(&format!("edit_{key}"))
                    } else {
                        false
                    };
                    (read, edit)
                }
            }
        })
        .collect()
}

/// Row changes from the stored state to `want`.
pub fn changes(
    c: &PageCtx<'_>,
    cont: &Container<'_>,
    o: &ObjectDef,
    want: &[(bool, bool)],
) -> Vec<Change> {
    let rows = perm_model::field_rows(o);
    let stored = perm_model::stored_fields(&c.org.store, &cont.ps.id, &o.name);
    rows.iter()
        .zip(want)
        .filter(|(r, _)| matches!(r.access, Access::Grantable { .. }))
        .filter_map(|(r, (read, edit))| {
            let s = stored.get(&r.def.name.to_lowercase());
            let before = s.map_or((false, false), |s| (s.read, s.edit));
            (before != (*read, *edit)).then(|| Change::Field {
                existing: s.map(|s| s.id.clone()),
                object: o.name.clone(),
                field: r.qualified(o),
                read: *read,
                edit: *edit,
            })
        })
        .collect()
}
