//! Permission set list `/0PS?setupid=PermSets` (salesforce.md §D.7) and overview `/{0PS}` (label, API
//! name, license, description; links to Object Settings, System Permissions and Manage
//! Assignments, salesforce.md §D.3, §H.Q2), plus the enhanced profile overview `/{00e}` with the same
//! section links (salesforce.md §D.4).

use crate::http::esc;
use crate::ids;
use crate::pages::frame::{self, PageCtx};
use crate::pages::i18n;
use crate::pages::perm_model::{Container, Owner};
use crate::store::Record;

/// Custom permission sets as the list and the assignment page show them: not profile-owned,
/// not a group's aggregate set (salesforce.md §C.1 `IsOwnedByProfile`, `Type = 'Group'`), by label.
pub fn listed<'a>(c: &PageCtx<'a>) -> Vec<&'a Record> {
    let mut v: Vec<&Record> = c
        .org
        .store
        .records("PermissionSet")
        .iter()
        .filter(|p| !p.flag("IsOwnedByProfile") && p.text("Type") != Some("Group"))
        .collect();
    v.sort_by_key(|p| p.text("Label").unwrap_or_default().to_lowercase());
    v
}

fn license_label(c: &PageCtx<'_>, ps: &Record) -> String {
    ps.text("LicenseId")
        .and_then(|l| c.org.store.get(l))
        .and_then(|l| l.text("MasterLabel").or_else(|| l.text("Name")))
        .unwrap_or_default()
        .to_owned()
}

/// The list page (a server-rendered `table.list`, like the Users list, salesforce.md §H.Q1 1a; the
/// real list's markup is [U]).
pub fn list(c: &PageCtx<'_>) -> String {
    let sets = listed(c);
    let mut rows = String::new();
    for (i, p) in sets.iter().enumerate() {
        let id15 = ids::to15(&p.id);
        rows.push_str(&format!(
            "<tr class=\"{cls}\"><td class=\"actionColumn\"><a href=\"{clone}\" class=\"actionLink\">{clone_l}</a></td><th scope=\"row\" class=\" dataCell  \"><a href=\"{href}\">{label}</a></th><td class=\" dataCell  \">{name}</td><td class=\" dataCell  \">{desc}</td><td class=\" dataCell  \">{lic}</td><td class=\" dataCell  \">{ns}</td></tr>\n",
            cls = frame::row_class(i, sets.len()),
            clone = esc(&c.href(&format!("/{id15}/e?clone=1"))),
            clone_l = esc(c.t(i18n::CLONE)),
            href = esc(&c.href(&format!("/{id15}"))),
            label = esc(p.text("Label").unwrap_or_default()),
            name = esc(p.text("Name").unwrap_or_default()),
            desc = esc(p.text("Description").unwrap_or_default()),
            lic = esc(&license_label(c, p)),
            ns = esc(p.text("NamespacePrefix").unwrap_or_default()),
        ));
    }
    if sets.is_empty() {
        rows.push_str(&format!(
            "<tr class=\"dataRow even first last\"><td class=\"noRowsHeader\" colspan=\"6\">{}</td></tr>",
            esc(c.t(i18n::NO_RECORDS))
        ));
    }
    let content = format!(
        "{title}<div class=\"listRelatedObject setupBlock\"><div class=\"bPageBlock brandSecondaryBrd secondaryPalette\"><div class=\"pbHeader\"><table border=\"0\" cellpadding=\"0\" cellspacing=\"0\"><tr><td class=\"pbTitle\"><h3>{heading}</h3></td><td class=\"pbButton\"><a href=\"{new_href}\" class=\"btn\" id=\"newPermSet\">{new}</a></td></tr></table></div><div class=\"pbBody\"><table class=\"list\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\"><tr class=\"headerRow\"><th scope=\"col\" class=\"actionColumn\">{c0}</th><th scope=\"col\">{c1}</th><th scope=\"col\">{c2}</th><th scope=\"col\">{c3}</th><th scope=\"col\">{c4}</th><th scope=\"col\">{c5}</th></tr>\n{rows}</table></div></div></div>",
        title = frame::page_title(c.t(i18n::PERMISSION_SETS), c.t(i18n::PERMISSION_SETS)),
        heading = esc(c.t(i18n::PERMISSION_SETS)),
        new_href = esc(&c.href("/udd/PermissionSet/newPermissionSet.apexp")),
        new = esc(c.t(i18n::NEW)),
        c0 = esc(c.t(i18n::ACTION)),
        c1 = esc(c.t(i18n::LABEL)),
        c2 = esc(c.t(i18n::API_NAME)),
        c3 = esc(c.t(i18n::DESCRIPTION)),
        c4 = esc(c.t(i18n::LICENSE)),
        c5 = esc(c.t(i18n::NAMESPACE_PREFIX)),
    );
    c.page(
        &c.title(c.t(i18n::PERMISSION_SETS)),
        frame::BODY_LIST,
        &content,
        &[],
    )
}

/// The profile list `/00e?setupid=EnhancedProfiles` (salesforce.md §D.7). The real list is an
/// enhanced (x-grid3) list (salesforce.md §H.Q1 1a [S]); the sim serves a plain `table.list` with the
/// `/00e…` links ([U] deviation, documented in the README).
pub fn profile_list(c: &PageCtx<'_>) -> String {
    let mut profiles: Vec<&Record> = c.org.store.records("Profile").iter().collect();
    profiles.sort_by_key(|p| p.text("Name").unwrap_or_default().to_lowercase());
    let rows: String = profiles
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let lic = p
                .text("UserLicenseId")
                .and_then(|l| c.org.store.get(l))
                .and_then(|l| l.text("Name"))
                .unwrap_or_default();
            format!(
                "<tr class=\"{}\"><th scope=\"row\" class=\" dataCell  \"><div id=\"{}_ProfileName\"><a href=\"{}\">{}</a></div></th><td class=\" dataCell  \">{}</td></tr>\n",
                frame::row_class(i, profiles.len()),
                esc(ids::to15(&p.id)),
                esc(&c.href(&format!("/{}", ids::to15(&p.id)))),
                esc(p.text("Name").unwrap_or_default()),
                esc(lic)
            )
        })
        .collect();
    let content = format!(
        "{}<div class=\"listRelatedObject setupBlock\"><div class=\"bPageBlock brandSecondaryBrd secondaryPalette\"><div class=\"pbBody\"><table class=\"list\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\"><tr class=\"headerRow\"><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr>\n{rows}</table></div></div></div>",
        frame::page_title(c.t(i18n::PROFILES), c.t(i18n::PROFILES)),
        esc(c.t(i18n::PROFILE)),
        esc(c.t(i18n::USER_LICENSE)),
    );
    c.page(
        &c.title(c.t(i18n::PROFILES)),
        frame::BODY_LIST,
        &content,
        &[],
    )
}

/// The overview of a permission set or profile.
pub fn overview(c: &PageCtx<'_>, cont: &Container<'_>) -> String {
    let ps = cont.ps;
    let yes_no = |b: bool| if b { c.t(i18n::YES) } else { "" };
    let (kind, details, buttons, objects_section) = match cont.owner {
        Owner::PermissionSet => {
            let details = [
                (c.t(i18n::LABEL), esc(ps.text("Label").unwrap_or_default())),
                (
                    c.t(i18n::API_NAME),
                    esc(ps.text("Name").unwrap_or_default()),
                ),
                (
                    c.t(i18n::DESCRIPTION),
                    esc(ps.text("Description").unwrap_or_default()),
                ),
                (c.t(i18n::LICENSE), esc(&license_label(c, ps))),
                (
                    c.t(i18n::NAMESPACE_PREFIX),
                    esc(ps.text("NamespacePrefix").unwrap_or_default()),
                ),
                (
                    c.t(i18n::SESSION_ACTIVATION),
                    esc(yes_no(ps.flag("HasActivationRequired"))),
                ),
            ];
            // salesforce.md §H.Q2: Manage Assignments is a Lightning page.
            let manage = format!(
                "/lightning/setup/PermSets/{}/PermissionSetAssignment/home",
                cont.url_id
            );
            let buttons = format!(
                "<input type=\"button\" class=\"btn\" name=\"clone\" value=\"{}\"> <input type=\"button\" class=\"btn\" name=\"delete\" value=\"{}\"> <input type=\"button\" class=\"btn\" name=\"editProperties\" value=\"{}\"> <a href=\"{}\" class=\"btn\" id=\"manageAssignments\" target=\"_top\">{}</a>",
                esc(c.t(i18n::CLONE)),
                esc(c.t(i18n::DELETE)),
                esc(c.t(i18n::EDIT_PROPERTIES)),
                esc(&manage),
                esc(c.t(i18n::MANAGE_ASSIGNMENTS))
            );
            (
                c.t(i18n::PERMISSION_SET),
                details.to_vec(),
                buttons,
                "EntityPermissions",
            )
        }
        Owner::Profile => {
            let p = cont.profile;
            let lic = p
                .and_then(|p| p.text("UserLicenseId"))
                .and_then(|l| c.org.store.get(l))
                .and_then(|l| l.text("Name"))
                .unwrap_or_default();
            let details = vec![
                (c.t(i18n::LABEL), esc(&cont.label)),
                (c.t(i18n::USER_LICENSE), esc(lic)),
                (
                    c.t(i18n::DESCRIPTION),
                    esc(p.and_then(|p| p.text("Description")).unwrap_or_default()),
                ),
            ];
            let buttons = format!(
                "<input type=\"button\" class=\"btn\" name=\"clone\" value=\"{}\">",
                esc(c.t(i18n::CLONE))
            );
            (c.t(i18n::PROFILE), details, buttons, "ObjectsAndTabs")
        }
    };
    let table: String = details
        .iter()
        .map(|(l, v)| {
            format!(
                "<tr><td class=\"labelCol\">{}</td><td class=\"dataCol col02\">{v}</td></tr>",
                esc(l)
            )
        })
        .collect();
    let mut links = format!(
        "<li><a href=\"{}\" id=\"objectSettingsLink\">{}</a></li><li><a href=\"{}\" id=\"systemPermissionsLink\">{}</a></li>",
        esc(&c.href(&format!("/{}?s={objects_section}", cont.url_id))),
        esc(c.t(i18n::OBJECT_SETTINGS)),
        esc(&c.href(&format!("/{}?s=SystemPermissions", cont.url_id))),
        esc(c.t(i18n::SYSTEM_PERMISSIONS)),
    );
    if cont.owner == Owner::Profile {
        links.push_str(&format!(
            "<li><a href=\"{}\" id=\"fieldLevelSecurityLink\">Field-Level Security (Account)</a></li>",
            esc(&c.href(&format!("/setup/layout/flsedit.jsp?id={}&type=Account", cont.url_id)))
        ));
    }
    let content = format!(
        "{title}<div class=\"bPageBlock brandSecondaryBrd bDetailBlock secondaryPalette\"><div class=\"pbHeader\"><table border=\"0\" cellpadding=\"0\" cellspacing=\"0\"><tr><td class=\"pbTitle\"><h2 class=\"mainTitle\">{kind}</h2></td><td class=\"pbButton\" id=\"topButtonRow\">{buttons}</td></tr></table></div><div class=\"pbBody\"><table class=\"detailList\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\">{table}</table></div></div><div class=\"bPageBlock brandSecondaryBrd secondaryPalette\"><div class=\"pbHeader\"><table border=\"0\" cellpadding=\"0\" cellspacing=\"0\"><tr><td class=\"pbTitle\"><h3>{apps} / {system}</h3></td></tr></table></div><div class=\"pbBody\"><ul class=\"setupLinks\">{links}</ul></div></div>",
        title = frame::page_title(kind, &cont.label),
        kind = esc(kind),
        apps = esc(c.t(i18n::APPS)),
        system = esc(c.t(i18n::SYSTEM)),
    );
    c.page(
        &c.title(&format!("{kind}: {}", cont.label)),
        frame::BODY_DETAIL,
        &content,
        &[],
    )
}

/// The `?s=` section the shell frames for the Lightning Manage Assignments node (sim-invented).
pub const ASSIGNMENTS_SECTION: &str = "PermissionSetAssignment";

/// The assignee list of a permission set. The real "Manage Assignments" page is a Lightning
/// page at `/lightning/setup/PermSets/{0PS}/PermissionSetAssignment/home` whose markup is [U]
/// (salesforce.md §H.Q2); the sim frames this plain Classic `table.list` there instead.
pub fn assignments(c: &PageCtx<'_>, cont: &Container<'_>) -> String {
    let store = &c.org.store;
    let mut rows: Vec<(&Record, &Record)> = store
        .records("PermissionSetAssignment")
        .iter()
        .filter(|a| a.text("PermissionSetId") == Some(cont.ps.id.as_str()))
        .filter_map(|a| Some((a, store.get(a.text("AssigneeId")?)?)))
        .collect();
    rows.sort_by_key(|(_, u)| u.text("Name").unwrap_or_default().to_lowercase());
    let mut body: String = rows
        .iter()
        .enumerate()
        .map(|(i, (a, u))| {
            let profile = u
                .text("ProfileId")
                .and_then(|p| store.get(p))
                .and_then(|p| p.text("Name"))
                .unwrap_or_default();
            format!(
                "<tr class=\"{cls}\"><th scope=\"row\" class=\" dataCell  \"><a href=\"{href}\">{name}</a></th><td class=\" dataCell  \">{alias}</td><td class=\" dataCell  \">{username}</td><td class=\" dataCell  \">{profile}</td><td class=\" dataCell  \">{active}</td><td class=\" dataCell  \">{exp}</td></tr>\n",
                cls = frame::row_class(i, rows.len()),
                href = esc(&c.href(&format!(
                    "/{}?noredirect=1&isUserEntityOverride=1",
                    ids::to15(&u.id)
                ))),
                name = esc(u.text("Name").unwrap_or_default()),
                alias = esc(u.text("Alias").unwrap_or_default()),
                username = esc(u.text("Username").unwrap_or_default()),
                profile = esc(profile),
                active = frame::check_img(u.flag("IsActive")),
                exp = esc(&a.get("ExpirationDate").display()),
            )
        })
        .collect();
    if rows.is_empty() {
        body.push_str(&format!(
            "<tr class=\"dataRow even first last\"><td class=\"noRowsHeader\" colspan=\"6\">{}</td></tr>",
            esc(c.t(i18n::NO_RECORDS))
        ));
    }
    let content = format!(
        "{title}<div class=\"listRelatedObject setupBlock\" id=\"permissionSetAssignments\"><div class=\"bPageBlock brandSecondaryBrd secondaryPalette\"><div class=\"pbHeader\"><table border=\"0\" cellpadding=\"0\" cellspacing=\"0\"><tr><td class=\"pbTitle\"><h3>{heading}</h3></td></tr></table></div><div class=\"pbBody\"><table class=\"list\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\"><tr class=\"headerRow\"><th scope=\"col\">{c1}</th><th scope=\"col\">{c2}</th><th scope=\"col\">{c3}</th><th scope=\"col\">{c4}</th><th scope=\"col\">{c5}</th><th scope=\"col\">{c6}</th></tr>\n{body}</table></div></div></div>",
        title = frame::page_title(c.t(i18n::PERMISSION_SET), &cont.label),
        heading = esc(c.t(i18n::CURRENT_ASSIGNMENTS)),
        c1 = esc(c.t(i18n::FULL_NAME)),
        c2 = esc(c.t(i18n::ALIAS)),
        c3 = esc(c.t(i18n::USERNAME)),
        c4 = esc(c.t(i18n::PROFILE)),
        c5 = esc(c.t(i18n::ACTIVE)),
        c6 = esc(c.t(i18n::EXPIRATION_DATE)),
    );
    c.page(
        &c.title(&format!("{}: {}", c.t(i18n::PERMISSION_SET), cont.label)),
        frame::BODY_LIST,
        &content,
        &[],
    )
}
