//! Dispatch of the Classic permission pages (salesforce.md §D.3, §D.4, §D.7, §H.Q2): permission set
//! list and overview, Object Settings, System Permissions, the enhanced profile pages and the
//! original `flsedit.jsp`; GET renders, POST saves through [`perm_write`] and redirects to the
//! view page (or re-renders with the errors).

use std::collections::{BTreeSet, HashSet};

use hyper::{Method, StatusCode};

use crate::http::{self, Req, Resp};
use crate::ids;
use crate::pages::frame::PageCtx;
use crate::pages::perm_model::{self, Container, Owner};
use crate::pages::perm_write::{self, Change};
use crate::pages::{flsedit, object_settings as os, permsets, system_perms};
use crate::state::{Session, Shared};

/// A parsed page path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Page {
    PermSetList,
    ProfileList,
    /// `/{0PS|00e}` or `/{0PS|00e}/e`.
    Container {
        id: String,
        edit: bool,
    },
    FlsEdit,
}

fn parse(path: &str) -> Option<Page> {
    if path == "/0PS" {
        return Some(Page::PermSetList);
    }
    if path == "/00e" {
        return Some(Page::ProfileList);
    }
    if path == flsedit::PATH {
        return Some(Page::FlsEdit);
    }
    let rest = path.strip_prefix('/')?;
    let (id, edit) = match rest.strip_suffix("/e") {
        Some(id) => (id, true),
        None => (rest, false),
    };
    let ok = (id.starts_with(ids::prefix::PERMISSION_SET) || id.starts_with(ids::prefix::PROFILE))
        && ids::normalize(id).is_some();
    ok.then(|| Page::Container {
        id: id.to_owned(),
        edit,
    })
}

/// Whether this module serves `path` (before the generic "not available" page).
pub fn is_setup_path(path: &str) -> bool {
    parse(path).is_some()
}

/// Posted control names (browsers post only enabled, checked boxes and the clicked button).
fn posted(req: &Req) -> HashSet<String> {
    req.form().into_iter().map(|(k, _)| k).collect()
}

fn ok(body: String) -> Resp {
    http::html(StatusCode::OK, body)
}

/// Serves a page, or `None` when the Id names no permission set / profile (the caller shows
/// "Data Not Available").
pub fn handle(
    shared: &Shared,
    req: &Req,
    org: usize,
    session: &Session,
    in_frame: bool,
) -> Option<Resp> {
    let page = parse(&req.path)?;
    let locale = shared.config.locale;
    let redirect_to = |path: &str| {
        let sep = if path.contains('?') { '&' } else { '?' };
        let p = if in_frame {
            format!("{path}{sep}isdtp=p1")
        } else {
            path.to_owned()
        };
        http::redirect(&format!("https://{}{p}", req.host))
    };
    let mut st = shared.lock();
    let o = st.orgs.get(org)?;
    let c = PageCtx {
        org: o,
        locale,
        in_frame,
    };
    let is_post = req.method == Method::POST;
    match page {
        Page::PermSetList => Some(ok(permsets::list(&c))),
        Page::ProfileList => Some(ok(permsets::profile_list(&c))),
        Page::FlsEdit => {
            let id = req.param("id")?;
            let cont =
                perm_model::container(&o.store, &id).filter(|c| c.owner == Owner::Profile)?;
            let obj = perm_model::resolve_object(o.store.schema(), &req.param("type")?)?;
            if !is_post {
                return Some(ok(flsedit::page(&c, &cont, obj, None, &[])));
            }
            let form = posted(req);
            let back = format!(
                "/setup/layout/flsedit.jsp?id={}&type={}",
                cont.url_id,
                http::enc(&obj.name)
            );
            if form.contains("cancel") {
                return Some(redirect_to(&format!("/{}", cont.url_id)));
            }
            let want = flsedit::posted(&c, &cont, obj, &form);
            let changes = flsedit::changes(&c, &cont, obj, &want);
            let ps_id = cont.ps.id.clone();
            let obj_name = obj.name.clone();
            let url_id = cont.url_id.clone();
            match save(shared, &mut st, org, session, &ps_id, &changes) {
                Ok(()) => Some(redirect_to(&back)),
                Err(errors) => rerender(
                    &st,
                    org,
                    locale,
                    in_frame,
                    &url_id,
                    &obj_name,
                    |c, cont, obj| flsedit::page(c, cont, obj, Some(&want), &errors),
                ),
            }
        }
        Page::Container { id, edit } => {
            let cont = perm_model::container(&o.store, &id)?;
            let s = req.param("s");
            match s.as_deref() {
                None | Some("") => Some(ok(permsets::overview(&c, &cont))),
                // The Lightning "Manage Assignments" page, served as Classic ([U] salesforce.md §H.Q2).
                Some(permsets::ASSIGNMENTS_SECTION) if cont.owner == Owner::PermissionSet => {
                    Some(ok(permsets::assignments(&c, &cont)))
                }
                Some("SystemPermissions") => {
                    if !edit {
                        return Some(ok(system_perms::view(&c, &cont)));
                    }
                    if !is_post {
                        return Some(ok(system_perms::edit(&c, &cont, None, &[])));
                    }
                    system_save(
                        shared,
                        &mut st,
                        org,
                        session,
                        &id,
                        req,
                        in_frame,
                        &redirect_to,
                    )
                }
                Some(sec) if sec == os::section(cont.owner) => {
                    let Some(obj) = req
                        .param("o")
                        .and_then(|p| perm_model::resolve_object(o.store.schema(), &p))
                    else {
                        return Some(ok(os::list(&c, &cont)));
                    };
                    if !edit {
                        return Some(ok(os::view(&c, &cont, obj)));
                    }
                    if !is_post {
                        return Some(ok(os::edit(&c, &cont, obj, None, &[])));
                    }
                    let form = posted(req);
                    let view = os::view_path(&cont, obj);
                    if os::is_cancel(&form) {
                        return Some(redirect_to(&view));
                    }
                    let rows = perm_model::field_rows(obj);
                    let want = os::posted_shown(&cont, &o.store, obj, &rows, &form);
                    let changes = os::changes(&cont, &o.store, obj, &rows, &want);
                    let ps_id = cont.ps.id.clone();
                    let obj_name = obj.name.clone();
                    match save(shared, &mut st, org, session, &ps_id, &changes) {
                        Ok(()) => Some(redirect_to(&view)),
                        Err(errors) => rerender(
                            &st,
                            org,
                            locale,
                            in_frame,
                            &id,
                            &obj_name,
                            |c, cont, obj| os::edit(c, cont, obj, Some(&want), &errors),
                        ),
                    }
                }
                Some(_) => Some(ok(permsets::overview(&c, &cont))),
            }
        }
    }
}

/// After a rejected save (the store is unchanged), renders an object edit page again with the
/// admin's posted boxes and Salesforce's errors. The save held the org mutably, so the page
/// context is built anew here.
fn rerender(
    st: &crate::state::SimState,
    org: usize,
    locale: crate::pages::i18n::Locale,
    in_frame: bool,
    container_id: &str,
    object: &str,
    render: impl FnOnce(&PageCtx<'_>, &Container<'_>, &crate::schema::ObjectDef) -> String,
) -> Option<Resp> {
    let o = st.orgs.get(org)?;
    let c = PageCtx {
        org: o,
        locale,
        in_frame,
    };
    let cont = perm_model::container(&o.store, container_id)?;
    let obj = o.store.schema().object(object)?;
    Some(ok(render(&c, &cont, obj)))
}

fn save(
    shared: &Shared,
    st: &mut crate::state::SimState,
    org: usize,
    session: &Session,
    ps_id: &str,
    changes: &[Change],
) -> Result<(), Vec<String>> {
    let Some(o) = st.orgs.get_mut(org) else {
        return Err(vec!["org not found".into()]);
    };
    perm_write::apply(o, &shared.config, &session.user_id, ps_id, changes)
}

/// POST of the System Permissions edit page: confirmation step when dependencies would be
/// added (salesforce.md §H.Q2), otherwise save and redirect to the view.
#[allow(clippy::too_many_arguments)]
fn system_save(
    shared: &Shared,
    st: &mut crate::state::SimState,
    org: usize,
    session: &Session,
    id: &str,
    req: &Req,
    in_frame: bool,
    redirect_to: &dyn Fn(&str) -> Resp,
) -> Option<Resp> {
    let locale = shared.config.locale;
    let form = posted(req);
    let o = st.orgs.get(org)?;
    let c = PageCtx {
        org: o,
        locale,
        in_frame,
    };
    let cont: Container<'_> = perm_model::container(&o.store, id)?;
    let view = format!("/{}?s=SystemPermissions", cont.url_id);
    if os::is_cancel(&form) {
        return Some(redirect_to(&view));
    }
    let want: BTreeSet<String> = system_perms::posted(&form);
    let added = system_perms::missing(&shared.config, &c, &cont, &want);
    if !added.is_empty() && !form.contains(system_perms::CONFIRMED) {
        return Some(ok(system_perms::confirmation(&c, &cont, &want, &added)));
    }
    let changes = system_perms::changes(&c, &cont, &want, &added);
    let ps_id = cont.ps.id.clone();
    match save(shared, st, org, session, &ps_id, &changes) {
        Ok(()) => Some(redirect_to(&view)),
        Err(errors) => {
            let o = st.orgs.get(org)?;
            let c = PageCtx {
                org: o,
                locale,
                in_frame,
            };
            let cont = perm_model::container(&o.store, id)?;
            Some(ok(system_perms::edit(&c, &cont, Some(&want), &errors)))
        }
    }
}
