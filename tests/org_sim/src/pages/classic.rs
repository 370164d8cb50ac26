//! Classic Setup pages as they appear inside the Lightning frame: Setup home, the Users list
//! (server-rendered `table.list`, salesforce.md §H.Q1 1a/1b) and the user detail page (§H.Q1 1c), all
//! with `body.sfdcBody` (salesforce.md §D.2) and every piece of org data HTML-escaped.

use hyper::StatusCode;

use crate::http::{self, enc, esc, Req, Resp};
use crate::ids;
use crate::org::{HostKind, Org};
use crate::pages::frame::{self, PageCtx};
use crate::pages::i18n::{self, Locale};
use crate::pages::{assign, page_session, setup, to_login, user_related};
use crate::state::{Session, Shared};
use crate::store::Record;

/// List views of the Users list (`select#fcf`, salesforce.md §H.Q1 1a): id, label.
const VIEWS: &[(&str, &str)] = &[
    ("00BAM0000000001", "All Users"),
    ("00BAM0000000002", "Active Users"),
    ("00BAM0000000003", "Admin Users"),
];

/// Maximum `rowsperpage` (salesforce.md §H.Q1 1a: "page size max 1000").
const MAX_ROWS: usize = 1000;

/// Body classes (salesforce.md §D.2, §H.Q8: `hasMotif setupTab listPage|detailPage … sfdcBody
/// brandQuaternaryBgr`).
const BODY_LIST: &str = "hasMotif setupTab listPage sfdcBody brandQuaternaryBgr";
const BODY_DETAIL: &str = "hasMotif setupTab detailPage sfdcBody brandQuaternaryBgr";
const BODY_HOME: &str = "hasMotif setupTab homePage sfdcBody brandQuaternaryBgr";

/// Whether `path` is a Classic page this module serves.
pub fn is_classic_path(path: &str) -> bool {
    path == "/setup/forcecomHomepage.apexp"
        || path == assign::PATH
        || path == super::record_type_settings::PATH
        || path == "/005"
        || setup::is_setup_path(path)
        || user_id_of(path).is_some()
        || is_record_like(path)
}

fn user_id_of(path: &str) -> Option<&str> {
    let id = path.strip_prefix('/')?;
    (id.starts_with(ids::prefix::USER) && ids::normalize(id).is_some()).then_some(id)
}

/// `/<3-char prefix>` list pages and `/<15|18-char Id>` record pages not simulated yet.
fn is_record_like(path: &str) -> bool {
    path.strip_prefix('/').is_some_and(|p| {
        (p.len() == 3 || ids::normalize(p).is_some())
            && p.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Frame/document title of a Classic path (salesforce.md §H.Q1 1b: `All Users ~ Salesforce - <Edition>`).
pub fn title_for(org: &Org, classic_path: &str) -> String {
    let path = classic_path.split('?').next().unwrap_or_default();
    let suffix = format!("Salesforce - {}", org.edition);
    if path == "/005" {
        format!("{} ~ {suffix}", view_of(classic_path).1)
    } else if let Some(u) = user_id_of(path).and_then(|id| org.store.get(id)) {
        format!("User: {} ~ {suffix}", u.text("Name").unwrap_or_default())
    } else if path == "/setup/forcecomHomepage.apexp" {
        format!("Setup Home ~ {suffix}")
    } else if path == assign::PATH {
        format!("Permission Set Assignments ~ {suffix}")
    } else if path == "/0PS" {
        format!("Permission Sets ~ {suffix}")
    } else if path == "/00e" {
        format!("Profiles ~ {suffix}")
    } else if let Some(c) = path
        .strip_prefix('/')
        .map(|p| p.trim_end_matches("/e"))
        .and_then(|id| crate::pages::perm_model::container(&org.store, id))
    {
        // Permission set / profile pages (salesforce.md §D.3, §D.4).
        let kind = match c.owner {
            crate::pages::perm_model::Owner::PermissionSet => "Permission Set",
            crate::pages::perm_model::Owner::Profile => "Profile",
        };
        format!("{kind}: {} ~ {suffix}", c.label)
    } else {
        suffix
    }
}

fn view_of(path_and_query: &str) -> (&'static str, &'static str) {
    let fcf = path_and_query
        .split_once('?')
        .and_then(|(_, q)| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "fcf")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default();
    VIEWS
        .iter()
        .copied()
        .find(|(id, _)| *id == ids::to15(&fcf))
        .unwrap_or(VIEWS[0])
}

/// Serves a Classic page (the caller checked [`is_classic_path`]).
pub fn handle(shared: &Shared, req: &Req, org: usize, kind: HostKind) -> Resp {
    let Some(session) = page_session(shared, req, org, kind) else {
        let st = shared.lock();
        return match st.orgs.get(org) {
            Some(o) => to_login(o, req),
            None => http::text(StatusCode::NOT_FOUND, "Not Found"),
        };
    };
    let st = shared.lock();
    let Some(o) = st.orgs.get(org) else {
        return http::text(StatusCode::NOT_FOUND, "Not Found");
    };
    let in_frame = req.param("isdtp").is_some();
    let locale = shared.config.locale;
    let path = req.path.as_str();
    if path == "/setup/forcecomHomepage.apexp" {
        return setup_home(o, locale, in_frame);
    }
    if path == "/005" {
        return users_list(shared, o, req, &session, in_frame);
    }
    if let Some(id) = user_id_of(path) {
        if let Some(u) = o.store.get(id).filter(|r| r.object == "User") {
            return user_detail(o, locale, u, in_frame);
        }
    }
    if path == super::record_type_settings::PATH {
        let c = crate::pages::frame::PageCtx {
            org: o,
            locale,
            in_frame,
        };
        let object = req.param("tid").unwrap_or_default();
        return match super::record_type_settings::page(
            &c,
            &req.param("id").unwrap_or_default(),
            &object,
        ) {
            Some(body) => http::html(StatusCode::OK, body),
            None => not_available(o, locale, in_frame),
        };
    }
    if path == assign::PATH {
        drop(st);
        if let Some(resp) = assign::handle(shared, req, org, &session, in_frame) {
            return resp;
        }
        let st = shared.lock();
        return match st.orgs.get(org) {
            Some(o) => not_available(o, locale, in_frame),
            None => http::text(StatusCode::NOT_FOUND, "Not Found"),
        };
    }
    if setup::is_setup_path(path) {
        drop(st);
        if let Some(resp) = setup::handle(shared, req, org, &session, in_frame) {
            return resp;
        }
        let st = shared.lock();
        return match st.orgs.get(org) {
            Some(o) => not_available(o, locale, in_frame),
            None => http::text(StatusCode::NOT_FOUND, "Not Found"),
        };
    }
    not_available(o, locale, in_frame)
}

fn layout(
    org: &Org,
    locale: Locale,
    title: &str,
    body_class: &str,
    in_frame: bool,
    content: &str,
) -> String {
    frame::layout(org, locale, title, body_class, in_frame, content, &[])
}

fn page_title(kind: &str, description: &str) -> String {
    format!(
        "<div class=\"bPageTitle\"><div class=\"ptBody\"><div class=\"content\"><img src=\"/img/s.gif\" alt=\"{k}\" class=\"pageTitleIcon\" title=\"{k}\"><h1 class=\"pageType\">{k}</h1><h2 class=\"pageDescription\">{d}</h2><div class=\"blank\">&nbsp;</div></div></div></div>",
        k = esc(kind),
        d = esc(description)
    )
}

fn setup_home(org: &Org, locale: Locale, in_frame: bool) -> Resp {
    let content = format!(
        "{}<div class=\"bPageBlock\"><div class=\"pbBody\"><p>Welcome to Setup for <strong>{}</strong> (simulated).</p><ul class=\"setupLinks\"><li><a href=\"/005?isUserEntityOverride=1&amp;setupid=ManageUsers\">Users</a></li><li><a href=\"/0PS?setupid=PermSets\">Permission Sets</a></li><li><a href=\"/00e?setupid=EnhancedProfiles\">Profiles</a></li></ul></div></div>",
        page_title("Setup", "Setup Home"),
        esc(&org.display_name)
    );
    let title = title_for(org, "/setup/forcecomHomepage.apexp");
    http::html(
        StatusCode::OK,
        layout(org, locale, &title, BODY_HOME, in_frame, &content),
    )
}

fn not_available(org: &Org, locale: Locale, in_frame: bool) -> Resp {
    let content = format!(
        "{}<div class=\"bPageBlock\"><div class=\"pbBody\"><p>The data you were trying to access could not be found. It may be due to another user deleting the data or a system error. (This page is not simulated.)</p></div></div>",
        page_title("Data Not Available", "")
    );
    http::html(
        StatusCode::NOT_FOUND,
        layout(
            org,
            locale,
            "Data Not Available",
            BODY_DETAIL,
            in_frame,
            &content,
        ),
    )
}

/// One row of the Users list.
struct Row<'a> {
    user: &'a Record,
    profile: Option<&'a Record>,
}

/// "Last, First" (salesforce.md §H.Q1 1b: the Full Name link text).
fn last_first(u: &Record) -> String {
    let last = u.text("LastName").unwrap_or_default();
    match u.text("FirstName") {
        Some(f) if !f.is_empty() => format!("{last}, {f}"),
        _ => last.to_owned(),
    }
}

fn users_list(shared: &Shared, org: &Org, req: &Req, session: &Session, in_frame: bool) -> Resp {
    let locale = shared.config.locale;
    let pq = req.path_and_query();
    let (view_id, view_label) = view_of(&pq);
    let profile_filter = req.param("id").and_then(|p| ids::normalize(&p));
    let rolodex: Option<char> = req
        .param("rolodexIndex")
        .and_then(|i| i.parse::<u8>().ok())
        .filter(|i| *i < 26)
        .map(|i| char::from(b'A' + i));
    let mut rows: Vec<Row<'_>> = org
        .store
        .records("User")
        .iter()
        .map(|u| Row {
            user: u,
            profile: u.text("ProfileId").and_then(|p| org.store.get(p)),
        })
        .filter(|r| match view_id {
            "00BAM0000000002" => r.user.flag("IsActive"),
            "00BAM0000000003" => r
                .profile
                .and_then(|p| p.text("Name"))
                .is_some_and(|n| n == "System Administrator"),
            _ => true,
        })
        .filter(|r| {
            profile_filter
                .as_deref()
                .is_none_or(|p| r.user.text("ProfileId") == Some(p))
        })
        // Rolodex letter (salesforce.md §H.Q1 1a): names ("Last, First") starting with it.
        .filter(|r| {
            rolodex.is_none_or(|letter| {
                last_first(r.user)
                    .chars()
                    .next()
                    .is_some_and(|c| c.to_ascii_uppercase() == letter)
            })
        })
        .collect();
    rows.sort_by_key(|r| last_first(r.user).to_lowercase());

    let per_page = req
        .param("rowsperpage")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(shared.config.users_list_page_size)
        .clamp(1, MAX_ROWS);
    let start = req
        .param("lsr")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(rows.len());
    let end = (start + per_page).min(rows.len());
    let page = &rows[start..end];

    // Paging links keep every other parameter (view, isdtp, …).
    let kept: Vec<(String, String)> = req
        .query_pairs()
        .into_iter()
        .filter(|(k, _)| k != "lsr" && k != "rowsperpage")
        .collect();
    let page_link = |lsr: usize| {
        let mut q: Vec<String> = kept
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        q.push(format!("lsr={lsr}"));
        q.push(format!("rowsperpage={per_page}"));
        format!("/005?{}", q.join("&"))
    };
    let ret_url = enc("/005?isUserEntityOverride=1&setupid=ManageUsers");

    let mut body_rows = String::new();
    for (i, r) in page.iter().enumerate() {
        let u = r.user;
        let id15 = ids::to15(&u.id);
        let name = last_first(u);
        let mut classes = vec!["dataRow", if i % 2 == 0 { "even" } else { "odd" }];
        if i + 1 == page.len() {
            classes.push("last");
        }
        if i == 0 {
            classes.push("first");
        }
        // "Login" only when the admin may log in as that user (salesforce.md §H.Q1 1b).
        let login = if u.flag("IsActive") && u.id != session.user_id {
            format!(
                "&nbsp;|&nbsp;<a href=\"/servlet/servlet.su?oid={}&amp;suorgadminid={id15}&amp;retURL={ret_url}&amp;targetURL=%2Fhome%2Fhome.jsp\" class=\"actionLink\" title=\"Login - Record {n} - {t}\">Login</a>",
                esc(&org.org_id15),
                n = start + i + 1,
                t = esc(&name)
            )
        } else {
            String::new()
        };
        let profile = r.profile.map_or(String::new(), |p| {
            format!(
                "<a href=\"/{}\">{}</a>",
                ids::to15(&p.id),
                esc(p.text("Name").unwrap_or_default())
            )
        });
        body_rows.push_str(&format!(
            "<tr class=\" {cls}\"><td class=\"actionColumn\"><input type=\"checkbox\" name=\"ids\" id=\"ids{i}\" value=\"{id15}\" title=\"Select {t}\"> <a href=\"/{id15}/e?retURL={ret_url}\" class=\"actionLink\" title=\"Edit - Record {n} - {t}\">Edit</a>{login}</td><th scope=\"row\" class=\" dataCell  \"><a href=\"/{id15}\">{t}</a></th><td class=\" dataCell  \">{alias}</td><td class=\" dataCell  \">{username}</td><td class=\" dataCell  \">&nbsp;</td><td class=\" dataCell  \">{active}</td><td class=\" dataCell  \">{profile}</td></tr>\n",
            cls = classes.join(" "),
            n = start + i + 1,
            t = esc(&name),
            alias = esc(u.text("Alias").unwrap_or_default()),
            username = esc(u.text("Username").unwrap_or_default()),
            active = check_img(u.flag("IsActive")),
        ));
    }
    if page.is_empty() {
        body_rows.push_str("<tr class=\"dataRow even first last\"><td class=\"noRowsHeader\" colspan=\"7\">No records to display.</td></tr>");
    }

    let options: String = VIEWS
        .iter()
        .map(|(id, label)| {
            let sel = if *id == view_id {
                " selected=\"selected\""
            } else {
                ""
            };
            format!("<option value=\"{id}\"{sel}>{}</option>", esc(label))
        })
        .collect();
    let prev = if start > 0 {
        format!(
            "<a href=\"{}\">&lt;Previous Page</a>",
            esc(&page_link(start.saturating_sub(per_page)))
        )
    } else {
        "<span class=\"greyedLink\">&lt;Previous Page</span>".to_owned()
    };
    let next = if end < rows.len() {
        format!("<a href=\"{}\">Next Page&gt;</a>", esc(&page_link(end)))
    } else {
        "<span class=\"greyedLink\">Next Page&gt;</span>".to_owned()
    };
    // Rolodex links keep the view, the profile filter and the frame flag (salesforce.md §H.Q1 1a).
    let rolodex_link = |index: Option<u32>| {
        let mut q: Vec<String> = kept
            .iter()
            .filter(|(k, _)| k != "rolodexIndex")
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        if let Some(i) = index {
            q.push(format!("rolodexIndex={i}"));
        }
        esc(&format!("/005?{}", q.join("&")))
    };
    let rolodex_html: String = ('A'..='Z')
        .map(|c| {
            if Some(c) == rolodex {
                format!("<span class=\"listItemSelected\">{c}</span>")
            } else {
                format!(
                    "<a href=\"{}\" class=\"listItem\"><span class=\"listItemPad\">{c}</span></a>",
                    rolodex_link(Some(u32::from(c) - u32::from('A')))
                )
            }
        })
        .chain(std::iter::once(if rolodex.is_none() {
            "<span class=\"listItemSelected\">All</span>".to_owned()
        } else {
            format!(
                "<a href=\"{}\" class=\"listItem\"><span class=\"listItemPad\">All</span></a>",
                rolodex_link(None)
            )
        }))
        .collect();
    let in_frame_field = if in_frame {
        "<input type=\"hidden\" name=\"isdtp\" value=\"p1\">"
    } else {
        ""
    };
    let content = format!(
        r#"{title}
<div class="filterOverview"><form action="/005" method="get" id="filter_element"><input type="hidden" name="isUserEntityOverride" value="1">{in_frame_field}<label for="fcf">View:</label> <select id="fcf" name="fcf" title="View:">{options}</select> <input type="submit" class="btn" value=" Go! " name="go"> <span class="fFooter"><a href="/ui/list/FilterEditPage?id={view_id}">Edit</a> | <a href="/ui/list/FilterEditPage?ftype=u">Create New View</a></span></form></div>
<div class="rolodex">{rolodex_html}</div>
<div class="listRelatedObject setupBlock"><div class="bPageBlock brandSecondaryBrd secondaryPalette"><div class="pbHeader"><table border="0" cellpadding="0" cellspacing="0"><tr><td class="pbTitle"><h3>{view}</h3></td><td class="pbBottomButtons"><input value="{b_new}" class="btn" name="new" title="{b_new}" type="button"> <input value="{b_reset}" class="btn" name="resetPW" title="{b_reset}" type="button"> <input value="{b_add}" class="btn" name="addUsers" title="{b_add}" type="button"></td></tr></table></div>
<div class="pbBody"><table class="list" border="0" cellspacing="0" cellpadding="0">
<tr class="headerRow"><th class="actionColumn" scope="col"><input type="checkbox" id="allBox" title="Toggle All Rows"> {h_action}</th><th scope="col" class=" zen-deemphasize"><a href="/005?isUserEntityOverride=1&amp;sort=Name">{h_name}</a></th><th scope="col" class=" zen-deemphasize">{h_alias}</th><th scope="col" class=" zen-deemphasize">{h_username}</th><th scope="col" class=" zen-deemphasize">{h_role}</th><th scope="col" class=" zen-deemphasize">{h_active}</th><th scope="col" class=" zen-deemphasize">{h_profile}</th></tr>
{body_rows}</table></div><div class="pbFooter secondaryPalette"><div class="bg"></div></div></div></div>
<div class="listElementBottomNav"><div class="paginator"><span class="selectorTarget">{from}-{to} of {total}</span> <div class="prev">{prev}</div> <div class="next">{next}</div></div></div>"#,
        title = page_title(i18n::USERS.get(locale), view_label),
        h_action = i18n::ACTION.get(locale),
        h_name = i18n::FULL_NAME.get(locale),
        h_alias = i18n::ALIAS.get(locale),
        h_username = i18n::USERNAME.get(locale),
        h_role = i18n::ROLE.get(locale),
        h_active = i18n::ACTIVE.get(locale),
        h_profile = i18n::PROFILE.get(locale),
        b_new = i18n::NEW_USER.get(locale),
        b_reset = i18n::RESET_PASSWORDS.get(locale),
        b_add = i18n::ADD_USERS.get(locale),
        view = esc(view_label),
        from = if page.is_empty() { 0 } else { start + 1 },
        to = end,
        total = rows.len(),
    );
    let title = format!("{view_label} ~ Salesforce - {}", org.edition);
    // [U] salesforce.md §H.Q1: paging and rolodex re-rendering the list in place (`--users-list-ajax`).
    let scripts: &[&str] = if shared.config.users_list_ajax {
        &["/sim/userslist.js"]
    } else {
        &[]
    };
    http::html(
        StatusCode::OK,
        frame::layout(org, locale, &title, BODY_LIST, in_frame, &content, scripts),
    )
}

/// The Classic boolean cell (salesforce.md §H.Q1 1b: `img.checkImg[title=Checked|Not Checked]`).
fn check_img(on: bool) -> String {
    let (src, label) = if on {
        ("/img/checkbox_checked.gif", "Checked")
    } else {
        ("/img/checkbox_unchecked.gif", "Not Checked")
    };
    format!("<img src=\"{src}\" alt=\"{label}\" width=\"21\" height=\"16\" class=\"checkImg\" title=\"{label}\">")
}

fn user_detail(org: &Org, locale: Locale, u: &Record, in_frame: bool) -> Resp {
    let name = u.text("Name").unwrap_or_default();
    let profile = u.text("ProfileId").and_then(|p| org.store.get(p));
    let license = profile
        .and_then(|p| p.text("UserLicenseId"))
        .and_then(|l| org.store.get(l))
        .and_then(|l| l.text("Name"))
        .unwrap_or_default();
    let profile_html = profile.map_or(String::new(), |p| {
        format!(
            "<a href=\"/{}\">{}</a>",
            ids::to15(&p.id),
            esc(p.text("Name").unwrap_or_default())
        )
    });
    let t = |f: &str| esc(u.text(f).unwrap_or_default());
    // Left/right label columns as on the real page (salesforce.md §H.Q1 1c).
    let rows = [
        ("Name", esc(name), "Role", String::new()),
        ("Alias", t("Alias"), "User License", esc(license)),
        ("Email", t("Email"), "Profile", profile_html),
        (
            "Username",
            t("Username"),
            "Active",
            check_img(u.flag("IsActive")),
        ),
        ("Nickname", t("Alias"), "User Type", t("UserType")),
    ];
    let table: String = rows
        .iter()
        .map(|(l1, v1, l2, v2)| {
            format!("<tr><td class=\"labelCol\">{l1}</td><td class=\"dataCol col02\">{v1}</td><td class=\"labelCol\">{l2}</td><td class=\"dataCol last\">{v2}</td></tr>")
        })
        .collect();
    let id15 = ids::to15(&u.id);
    let content = format!(
        r#"{title}
<div class="bPageBlock brandSecondaryBrd bDetailBlock secondaryPalette"><div class="pbHeader"><table border="0" cellpadding="0" cellspacing="0"><tr><td class="pbTitle"><h2 class="mainTitle">{d_title}</h2></td><td class="pbButton" id="topButtonRow"><input value=" {d_edit} " class="btn" name="edit" title="{d_edit}" type="button"> <input value="Sharing" class="btn" name="sharing" type="button"> <input value="Reset Password" class="btn" name="resetPassword" type="button"> <input value="Freeze" class="btn" name="freeze" type="button"></td></tr></table></div>
<div class="pbBody"><div class="pbSubsection"><table class="detailList" border="0" cellpadding="0" cellspacing="0">{table}</table></div></div><div class="pbBottomButtons"></div></div>
{related}"#,
        title = page_title(i18n::USER.get(locale), name),
        d_title = i18n::USER_DETAIL.get(locale),
        d_edit = i18n::EDIT.get(locale),
        related = user_related::lists(
            &PageCtx {
                org,
                locale,
                in_frame,
            },
            u
        ),
    );
    let title = title_for(org, &format!("/{id15}"));
    // The "Edit Assignments" button navigates through /sim/assign.js (no inline script).
    http::html(
        StatusCode::OK,
        frame::layout(
            org,
            locale,
            &title,
            BODY_DETAIL,
            in_frame,
            &content,
            &["/sim/assign.js"],
        ),
    )
}
