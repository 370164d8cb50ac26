//! The user detail page's "Permission Set Assignments" and "Permission Set License
//! Assignments" related lists (salesforce.md §H.Q1 1c: `div[id$='RelatedPermsetAssignmentList']`,
//! `input[name='editPermSetAssignments']`, delete links `a.actionLink`; the PSL list's markup is
//! [U] and follows the same shape).

use crate::http::esc;
use crate::ids;
use crate::pages::frame::{self, PageCtx};
use crate::pages::i18n;
use crate::store::Record;

fn block(id: &str, title: &str, button: &str, header: &str, rows: &str) -> String {
    format!(
        "<div class=\"listRelatedObject\" id=\"{id}\"><div class=\"bPageBlock brandSecondaryBrd secondaryPalette\"><div class=\"pbHeader\"><table border=\"0\" cellpadding=\"0\" cellspacing=\"0\"><tr><td class=\"pbTitle\"><h3>{title}</h3></td><td class=\"pbButton\">{button}</td></tr></table></div><div class=\"pbBody\"><table class=\"list\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\">{header}{rows}</table></div></div></div>",
        id = esc(id),
        title = esc(title),
    )
}

fn empty(c: &PageCtx<'_>) -> String {
    format!(
        "<tr class=\"headerRow\"><th class=\"noRowsHeader\" scope=\"col\">{}</th></tr>",
        esc(c.t(i18n::NO_RECORDS))
    )
}

/// Both related lists of user `u`.
pub fn lists(c: &PageCtx<'_>, u: &Record) -> String {
    let store = &c.org.store;
    let id15 = ids::to15(&u.id);
    // Assignments of regular sets only: the profile-owned set's assignment is implicit.
    let psas: Vec<(&Record, &Record)> = store
        .records("PermissionSetAssignment")
        .iter()
        .filter(|a| a.text("AssigneeId") == Some(u.id.as_str()))
        .filter_map(|a| Some((a, store.get(a.text("PermissionSetId")?)?)))
        .filter(|(_, ps)| !ps.flag("IsOwnedByProfile") && ps.text("Type") != Some("Group"))
        .collect();
    let ret = esc(&c.href(&format!("/{id15}?noredirect=1&isUserEntityOverride=1")));
    let psa_rows: String = psas
        .iter()
        .enumerate()
        .map(|(i, (a, ps))| {
            format!(
                "<tr class=\"{cls}\"><td class=\"actionColumn\"><a href=\"/setup/own/deleteredirect.jsp?delID={aid}&amp;retURL={ret}\" class=\"actionLink\">{del}</a></td><th scope=\"row\" class=\" dataCell  \"><a href=\"{href}\">{label}</a></th><td class=\" dataCell  \">{name}</td><td class=\" dataCell  \">{exp}</td></tr>",
                cls = frame::row_class(i, psas.len()),
                aid = esc(ids::to15(&a.id)),
                del = esc(c.t(i18n::DELETE)),
                href = esc(&c.href(&format!("/{}", ids::to15(&ps.id)))),
                label = esc(ps.text("Label").unwrap_or_default()),
                name = esc(ps.text("Name").unwrap_or_default()),
                exp = esc(&a.get("ExpirationDate").display()),
            )
        })
        .collect();
    let psa_header = if psas.is_empty() {
        empty(c)
    } else {
        format!(
            "<tr class=\"headerRow\"><th class=\"actionColumn\" scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr>",
            esc(c.t(i18n::ACTION)),
            esc(c.t(i18n::PERMISSION_SET)),
            esc(c.t(i18n::API_NAME)),
            esc(c.t(i18n::EXPIRATION_DATE))
        )
    };
    // salesforce.md §H.Q1 1c / §H.Q2: leads to the Classic assignment page (via /sim/assign.js).
    let psa_button = format!(
        "<input value=\"{}\" class=\"btn\" name=\"editPermSetAssignments\" type=\"button\" data-href=\"{}\">",
        esc(c.t(i18n::EDIT_ASSIGNMENTS)),
        esc(&c.href(&format!("{}?userId={id15}", crate::pages::assign::PATH)))
    );
    let pslas: Vec<(&Record, &Record)> = store
        .records("PermissionSetLicenseAssign")
        .iter()
        .filter(|a| a.text("AssigneeId") == Some(u.id.as_str()))
        .filter_map(|a| Some((a, store.get(a.text("PermissionSetLicenseId")?)?)))
        .collect();
    let psla_rows: String = pslas
        .iter()
        .enumerate()
        .map(|(i, (a, psl))| {
            format!(
                "<tr class=\"{cls}\"><td class=\"actionColumn\"><a href=\"/setup/own/deleteredirect.jsp?delID={aid}&amp;retURL={ret}\" class=\"actionLink\">{del}</a></td><th scope=\"row\" class=\" dataCell  \">{label}</th><td class=\" dataCell  \">{dev}</td></tr>",
                cls = frame::row_class(i, pslas.len()),
                aid = esc(ids::to15(&a.id)),
                del = esc(c.t(i18n::DELETE)),
                label = esc(psl.text("MasterLabel").unwrap_or_default()),
                dev = esc(psl.text("DeveloperName").unwrap_or_default()),
            )
        })
        .collect();
    let psla_header = if pslas.is_empty() {
        empty(c)
    } else {
        format!(
            "<tr class=\"headerRow\"><th class=\"actionColumn\" scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr>",
            esc(c.t(i18n::ACTION)),
            esc(c.t(i18n::PERMISSION_SET_LICENSE)),
            esc(c.t(i18n::API_NAME))
        )
    };
    let psla_button = format!(
        "<input value=\"{}\" class=\"btn\" name=\"editPermSetLicenseAssignments\" type=\"button\">",
        esc(c.t(i18n::EDIT_ASSIGNMENTS))
    );
    format!(
        "{}\n{}",
        block(
            &format!("{id15}_RelatedPermsetAssignmentList"),
            c.t(i18n::PS_ASSIGNMENTS),
            &psa_button,
            &psa_header,
            &psa_rows
        ),
        block(
            &format!("{id15}_RelatedPermsetLicenseAssignmentList"),
            c.t(i18n::PSL_ASSIGNMENTS),
            &psla_button,
            &psla_header,
            &psla_rows
        )
    )
}
