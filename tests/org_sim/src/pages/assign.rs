//! The Classic per-user permission set assignment page
//! `/udd/PermissionSet/assignPermissionSet.apexp?userId={005}` (salesforce.md §H.Q2, reached from the
//! user detail page's "Edit Assignments" button, §H.Q1 1c): dueling lists "Available Permission
//! Sets" / "Enabled Permission Sets" (`select.dueling`, `img[alt='Add']` / `img[alt='Remove']`
//! wired by `/sim/assign.js`), Save `input[value='Save']` posting the enabled list. Saving
//! creates and deletes PermissionSetAssignment rows through `crate::dml`, the REST write path,
//! so the license rules reject exactly as the API does (salesforce.md §C.5); a save is all-or-none.

use std::collections::BTreeSet;

use hyper::{Method, StatusCode};
use serde_json::{Map, Value as Json};

use crate::dml::{self, Ctx};
use crate::http::{self, esc, Req, Resp};
use crate::ids;
use crate::pages::frame::{self, PageCtx};
use crate::pages::{i18n, permsets};
use crate::state::{Session, Shared};
use crate::store::Record;

/// The page path (salesforce.md §H.Q2, SFIR).
pub const PATH: &str = "/udd/PermissionSet/assignPermissionSet.apexp";

/// The user's assignments of assignable sets: permission set Id → assignment Id.
fn current(c: &PageCtx<'_>, user: &str) -> Vec<(String, String)> {
    let sets: BTreeSet<&str> = permsets::listed(c).iter().map(|p| p.id.as_str()).collect();
    c.org
        .store
        .records("PermissionSetAssignment")
        .iter()
        .filter(|a| a.text("AssigneeId") == Some(user))
        .filter_map(|a| {
            let ps = a.text("PermissionSetId")?;
            sets.contains(ps).then(|| (ps.to_owned(), a.id.clone()))
        })
        .collect()
}

fn options(sets: &[&Record]) -> String {
    sets.iter()
        .map(|p| {
            format!(
                "<option value=\"{}\" title=\"{}\">{}</option>",
                esc(ids::to15(&p.id)),
                esc(p.text("Name").unwrap_or_default()),
                esc(p.text("Label").unwrap_or_default())
            )
        })
        .collect()
}

/// The page for `user` with `enabled` (permission set Ids) in the right-hand list.
fn render(c: &PageCtx<'_>, user: &Record, enabled: &BTreeSet<String>, errors: &[String]) -> String {
    let sets = permsets::listed(c);
    let (on, off): (Vec<&Record>, Vec<&Record>) =
        sets.into_iter().partition(|p| enabled.contains(&p.id));
    let name = user.text("Name").unwrap_or_default();
    let action = c.href(&format!("{PATH}?userId={}", ids::to15(&user.id)));
    let content = format!(
        "{title}<form id=\"editPage\" name=\"editPage\" method=\"post\" action=\"{action}\"><div class=\"bPageBlock brandSecondaryBrd bEditBlock secondaryPalette\"><div class=\"pbHeader\"><table border=\"0\" cellpadding=\"0\" cellspacing=\"0\"><tr><td class=\"pbTitle\"><h2 class=\"mainTitle\">{heading}</h2></td><td class=\"pbButton\" id=\"topButtonRow\"><input type=\"submit\" class=\"btn\" name=\"save\" value=\"{save}\"> <input type=\"submit\" class=\"btn\" name=\"cancel\" value=\"{cancel}\"></td></tr></table></div><div class=\"pbBody\">{errors}<table class=\"layout duelingListBox\" id=\"duelingListBox\"><tr><td class=\"selectCell\"><div class=\"selectTitle\"><label for=\"availableList\">{avail}</label></div><select id=\"availableList\" name=\"available\" class=\"dueling\" multiple=\"multiple\" size=\"14\">{off}</select></td><td class=\"buttonCell\"><a href=\"#\" class=\"duelingAdd\"><img src=\"/img/s.gif\" alt=\"{add}\" title=\"{add}\" class=\"rightArrowIcon\"></a><br><a href=\"#\" class=\"duelingRemove\"><img src=\"/img/s.gif\" alt=\"{remove}\" title=\"{remove}\" class=\"leftArrowIcon\"></a></td><td class=\"selectCell\"><div class=\"selectTitle\"><label for=\"enabledList\">{enab}</label></div><select id=\"enabledList\" name=\"enabled\" class=\"dueling\" multiple=\"multiple\" size=\"14\">{on}</select></td></tr></table></div><div class=\"pbBottomButtons\"><input type=\"submit\" class=\"btn\" name=\"save\" value=\"{save}\"> <input type=\"submit\" class=\"btn\" name=\"cancel\" value=\"{cancel}\"></div></div></form>",
        title = frame::page_title(c.t(i18n::USER), name),
        action = esc(&action),
        heading = esc(c.t(i18n::PS_ASSIGNMENTS)),
        save = esc(c.t(i18n::SAVE)),
        cancel = esc(c.t(i18n::CANCEL)),
        errors = frame::errors(c.locale, errors),
        avail = esc(c.t(i18n::AVAILABLE_PERMISSION_SETS)),
        enab = esc(c.t(i18n::ENABLED_PERMISSION_SETS)),
        add = esc(c.t(i18n::ADD)),
        remove = esc(c.t(i18n::REMOVE)),
        off = options(&off),
        on = options(&on),
    );
    c.page(
        &c.title(&format!("{}: {name}", c.t(i18n::USER))),
        frame::BODY_EDIT,
        &content,
        &["/sim/assign.js"],
    )
}

/// Serves the page; `None` when `userId` names no user.
pub fn handle(
    shared: &Shared,
    req: &Req,
    org: usize,
    session: &Session,
    in_frame: bool,
) -> Option<Resp> {
    let locale = shared.config.locale;
    let mut st = shared.lock();
    let o = st.orgs.get(org)?;
    let user = req
        .param("userId")
        .and_then(|id| o.store.get(&id).cloned())
        .filter(|u| u.object == "User")?;
    let c = PageCtx {
        org: o,
        locale,
        in_frame,
    };
    let back = c.href(&format!(
        "/{}?noredirect=1&isUserEntityOverride=1",
        ids::to15(&user.id)
    ));
    let now: Vec<(String, String)> = current(&c, &user.id);
    if req.method != Method::POST {
        let enabled = now.iter().map(|(p, _)| p.clone()).collect();
        return Some(http::html(StatusCode::OK, render(&c, &user, &enabled, &[])));
    }
    let form = req.form();
    if form.iter().any(|(k, _)| k == "cancel") {
        return Some(http::redirect(&format!("https://{}{back}", req.host)));
    }
    // The posted enabled list, resolved to assignable sets (unknown values are ignored).
    let offered: Vec<(String, String)> = permsets::listed(&c)
        .iter()
        .map(|p| (p.id.clone(), p.text("Label").unwrap_or_default().to_owned()))
        .collect();
    let enabled: BTreeSet<String> = form
        .iter()
        .filter(|(k, _)| k == "enabled")
        .filter_map(|(_, v)| ids::normalize(v))
        .filter(|id| offered.iter().any(|(p, _)| p == id))
        .collect();
    let user_name = user.text("Name").unwrap_or_default().to_owned();
    let o = st.orgs.get_mut(org)?;
    let snapshot = o.store.clone();
    // Setup's own pages see every field of the org's release.
    let version = o.max_api_version.clone();
    let mut ctx = Ctx {
        org: o,
        config: &shared.config,
        user_id: &session.user_id,
        version: &version,
    };
    let mut errors = Vec::new();
    for (ps, psa) in &now {
        if !enabled.contains(ps) {
            if let Err(e) = dml::delete(&mut ctx, Some("PermissionSetAssignment"), psa) {
                errors.extend(e.into_iter().map(|e| e.message));
            }
        }
    }
    for ps in &enabled {
        if now.iter().any(|(p, _)| p == ps) {
            continue;
        }
        let body: Map<String, Json> = [
            ("AssigneeId".to_owned(), Json::from(user.id.as_str())),
            ("PermissionSetId".to_owned(), Json::from(ps.as_str())),
        ]
        .into_iter()
        .collect();
        if let Err(e) = dml::create(&mut ctx, "PermissionSetAssignment", &body) {
            let label = offered
                .iter()
                .find(|(p, _)| p == ps)
                .map_or("", |(_, l)| l.as_str());
            // salesforce.md §C.5 / §H.Q3: the UI wording "Can't assign permission set "X" to user
            // "Y". The user license doesn't allow the permission: …" [S].
            errors.extend(e.into_iter().map(|e| {
                format!(
                    "Can't assign permission set \"{label}\" to user \"{user_name}\". {}",
                    e.message
                )
            }));
        }
    }
    if errors.is_empty() {
        return Some(http::redirect(&format!("https://{}{back}", req.host)));
    }
    // All or none: nothing is saved.
    ctx.org.store = snapshot;
    let o = st.orgs.get(org)?;
    let c = PageCtx {
        org: o,
        locale,
        in_frame,
    };
    Some(http::html(
        StatusCode::OK,
        render(&c, &user, &enabled, &errors),
    ))
}
