//! Classic permission pages (salesforce.md §D.3, §D.4, §H.Q1 1c, §H.Q2): documented selectors and
//! attributes, disabled rows, the `ProfileDependentCheckboxes` onclick form, Save persisting
//! exactly what a browser posts (checked through REST), and the German label switch.

use std::collections::{BTreeMap, BTreeSet};

use org_sim::pages::i18n::Locale;
use org_sim::{RunningSim, SimConfig};
use scraper::{ElementRef, Html, Selector};

use crate::common::*;

/// Boostr's regex (salesforce.md §D.3), as a tiny hand parser: `(this, 'row', 'perm')`.
fn parse_handle_click(onclick: &str) -> Option<(String, String)> {
    let rest = onclick
        .to_lowercase()
        .find("profiledependentcheckboxes.handleclick(")
        .map(|i| &onclick[i + "ProfileDependentCheckboxes.handleClick(".len()..])?;
    let (first, rest) = rest.split_once(',')?;
    if first.is_empty() {
        return None;
    }
    // `,\s+'([^,]+)',\s+'([^,]+)'\)`
    let rest = rest.strip_prefix(char::is_whitespace)?.trim_start();
    let rest = rest.strip_prefix('\'')?;
    let (row, rest) = rest.split_once("',")?;
    let rest = rest.strip_prefix(char::is_whitespace)?.trim_start();
    let rest = rest.strip_prefix('\'')?;
    let (perm, rest) = rest.split_once('\'')?;
    if !rest.starts_with(')') || row.contains(',') || perm.contains(',') || row.is_empty() {
        return None;
    }
    Some((row.to_owned(), perm.to_owned()))
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("selector {s}: {e:?}"))
}

fn all<'a>(doc: &'a Html, s: &str) -> Vec<ElementRef<'a>> {
    doc.select(&sel(s)).collect()
}

fn one<'a>(doc: &'a Html, s: &str) -> ElementRef<'a> {
    doc.select(&sel(s))
        .next()
        .unwrap_or_else(|| panic!("no match for {s}"))
}

fn sid(sim: &RunningSim) -> String {
    sim.issue_session("acme", ADMIN)
}

fn query(sim: &RunningSim, soql: &str) -> Vec<serde_json::Value> {
    let agent = sim.agent();
    let r = get(
        &agent,
        &format!("https://{ACME}/services/data/v66.0/query?q={}", q(soql)),
        Some(&sid(sim)),
    );
    assert_eq!(r.status, 200, "{soql}: {}", r.body);
    r.json()["records"].as_array().unwrap().clone()
}

fn id_of(sim: &RunningSim, soql: &str) -> String {
    let recs = query(sim, soql);
    recs[0]["Id"].as_str().unwrap()[..15].to_owned()
}

fn ps_id(sim: &RunningSim, name: &str) -> String {
    id_of(
        sim,
        &format!("SELECT Id FROM PermissionSet WHERE Name = '{name}'"),
    )
}

/// FieldPermissions of a parent on an object: field → (read, edit).
fn field_perms(sim: &RunningSim, parent: &str, object: &str) -> BTreeMap<String, (bool, bool)> {
    query(
        sim,
        &format!("SELECT Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = '{parent}' AND SobjectType = '{object}'"),
    )
    .iter()
    .map(|r| {
        (
            r["Field"].as_str().unwrap().to_owned(),
            (
                r["PermissionsRead"].as_bool().unwrap(),
                r["PermissionsEdit"].as_bool().unwrap(),
            ),
        )
    })
    .collect()
}

fn object_perms(sim: &RunningSim, parent: &str, object: &str) -> Option<[bool; 6]> {
    let recs = query(
        sim,
        &format!("SELECT PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete, PermissionsViewAllRecords, PermissionsModifyAllRecords FROM ObjectPermissions WHERE ParentId = '{parent}' AND SobjectType = '{object}'"),
    );
    recs.first().map(|r| {
        [
            "PermissionsRead",
            "PermissionsCreate",
            "PermissionsEdit",
            "PermissionsDelete",
            "PermissionsViewAllRecords",
            "PermissionsModifyAllRecords",
        ]
        .map(|k| r[k].as_bool().unwrap())
    })
}

fn page(agent: &ureq::Agent, url: &str) -> Html {
    let r = get(agent, url, None);
    assert_eq!(r.status, 200, "{url}: {}", r.body);
    assert!(r.header("content-security-policy").is_some());
    Html::parse_document(&r.body)
}

/// What a browser posts for `form` when `submit` (a `name`) is clicked, after `toggle` changed
/// checkbox states by id: hidden inputs, enabled checked checkboxes, and the clicked button.
fn form_body(doc: &Html, checked: &BTreeMap<String, bool>, submit: &str) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for input in all(doc, "form input") {
        let v = input.value();
        let Some(name) = v.attr("name") else { continue };
        if v.attr("disabled").is_some() {
            continue;
        }
        match v.attr("type").unwrap_or("text") {
            "hidden" => pairs.push((name.into(), v.attr("value").unwrap_or("").into())),
            "checkbox" => {
                let id = v.attr("id").unwrap_or(name);
                let on = checked
                    .get(id)
                    .copied()
                    .unwrap_or(v.attr("checked").is_some());
                if on {
                    pairs.push((name.into(), "on".into()));
                }
            }
            "submit" if name == submit => {
                pairs.push((name.into(), v.attr("value").unwrap_or("").into()))
            }
            _ => {}
        }
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", q(k), q(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn post_form(agent: &ureq::Agent, url: &str, body: &str) -> Resp {
    post(agent, url, "application/x-www-form-urlencoded", body)
}

/// Field rows of the edit page: label → (read box, edit box).
fn field_rows<'a>(doc: &'a Html) -> Vec<(String, ElementRef<'a>, ElementRef<'a>)> {
    all(doc, "tr.dataRow")
        .into_iter()
        .filter_map(|tr| {
            let read = tr.select(&sel("input[id$=':fls_read_ck']")).next()?;
            let edit = tr.select(&sel("input[id$=':fls_edit_ck']")).next()?;
            let label = tr
                .select(&sel("td"))
                .next()?
                .text()
                .collect::<String>()
                .trim()
                .to_owned();
            Some((label, read, edit))
        })
        .collect()
}

fn row<'a>(
    rows: &'a [(String, ElementRef<'a>, ElementRef<'a>)],
    label: &str,
) -> &'a (String, ElementRef<'a>, ElementRef<'a>) {
    rows.iter()
        .find(|r| r.0 == label)
        .unwrap_or_else(|| panic!("no row {label}"))
}

fn is_checked(e: &ElementRef<'_>) -> bool {
    e.value().attr("checked").is_some()
}

fn is_disabled(e: &ElementRef<'_>) -> bool {
    e.value().attr("disabled") == Some("disabled")
}

#[test]
fn permission_set_object_edit_page_has_the_documented_markup() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let ps = ps_id(&sim, "NetSuite_Integration");
    let doc = page(
        &agent,
        &format!("https://{ACME}/{ps}/e?s=EntityPermissions&o=Account"),
    );
    assert_eq!(all(&doc, "body.sfdcBody").len(), 1);
    // salesforce.md §D.3 headers and checkboxes.
    assert_eq!(all(&doc, "div[id*=fls_readheader]").len(), 1);
    assert_eq!(all(&doc, "div[id*=fls_editheader]").len(), 1);
    let reads = all(&doc, "input[type=checkbox][id$=':fls_read_ck']");
    let edits = all(&doc, "input[type=checkbox][id$=':fls_edit_ck']");
    assert!(reads.len() > 10);
    assert_eq!(reads.len(), edits.len());
    for (i, r) in reads.iter().enumerate() {
        assert_eq!(
            r.value().id(),
            Some(format!("j_id0:j_id5:fieldTable:{i}:fls_read_ck").as_str())
        );
    }
    // Object permissions: six boxes ending olp_check, in a Permission Name | Enabled table.
    assert_eq!(all(&doc, "input[type=checkbox][id$=olp_check]").len(), 6);
    // Save / Cancel (salesforce.md §D.2).
    assert_eq!(
        all(&doc, "input[type=submit][value=Save][id$='button_pc_save']").len(),
        1
    );
    assert_eq!(
        all(&doc, "input[type=submit][id$='button_pc_cancel']").len(),
        1
    );
    // Every checkbox carries the documented onclick; the script is external.
    let boxes = all(&doc, "input[type=checkbox]");
    for b in &boxes {
        let onclick = b.value().attr("onclick").expect("onclick");
        let (row, perm) = parse_handle_click(onclick)
            .unwrap_or_else(|| panic!("onclick does not match Boostr's regex: {onclick}"));
        assert!(!row.is_empty() && !perm.is_empty());
    }
    assert_eq!(all(&doc, "script[src='/sim/permdeps.js']").len(), 1);
    for s in all(&doc, "script") {
        let v = s.value();
        assert!(v.attr("src").is_some() || v.attr("type") == Some("application/json"));
    }
    // Field rows sorted by label; disabled rows per salesforce.md §D.3.
    let rows = field_rows(&doc);
    let labels: Vec<String> = rows.iter().map(|r| r.0.to_lowercase()).collect();
    let mut sorted = labels.clone();
    sorted.sort();
    assert_eq!(labels, sorted);
    let name = row(&rows, "Account Name");
    assert!(is_checked(&name.1) && is_disabled(&name.1));
    assert!(is_checked(&name.2) && is_disabled(&name.2));
    let created = row(&rows, "Created By");
    assert!(is_checked(&created.1) && is_disabled(&created.1));
    assert!(!is_checked(&created.2) && is_disabled(&created.2));
    // Seeded state (NetSuite: Account.Phone read+edit).
    let phone = row(&rows, "Phone");
    assert!(is_checked(&phone.1) && is_checked(&phone.2));
    assert!(!is_disabled(&phone.1) && !is_disabled(&phone.2));
    // Only permissionable fields are grantable: no Id row, no address components.
    assert!(rows
        .iter()
        .all(|r| r.0 != "Record ID" && r.0 != "Billing City"));
    // The onclick keys: field rows are `Object.Field` / PermissionsRead|Edit.
    let (rk, pk) = parse_handle_click(phone.2.value().attr("onclick").unwrap()).unwrap();
    assert_eq!(
        (rk.as_str(), pk.as_str()),
        ("Account.Phone", "PermissionsEdit")
    );
}

#[test]
fn dependency_data_follows_the_documented_object_and_field_rules() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let ps = ps_id(&sim, "NetSuite_Integration");
    let doc = page(
        &agent,
        &format!("https://{ACME}/{ps}/e?s=EntityPermissions&o=Account"),
    );
    let data: serde_json::Value = serde_json::from_str(
        &one(&doc, "script#sim-pdc[type='application/json']")
            .text()
            .collect::<String>(),
    )
    .unwrap();
    // salesforce.md §C.2: Delete requires Read and Edit; Modify All requires Read, Delete, Edit, View All.
    let deps = |k: &str| -> BTreeSet<String> {
        data["dependents"][k]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        deps("PermissionsDelete"),
        ["PermissionsRead", "PermissionsEdit"]
            .map(String::from)
            .into()
    );
    assert_eq!(deps("PermissionsModifyAllRecords").len(), 4);
    // salesforce.md §C.3 UI: unchecking Read unchecks Edit.
    assert!(data["antecedents"]["PermissionsRead"]
        .as_array()
        .unwrap()
        .contains(&"PermissionsEdit".into()));
    let js = get(&agent, &format!("https://{ACME}/sim/permdeps.js"), None);
    assert_eq!(js.status, 200);
    assert!(js.header("content-type").unwrap().contains("javascript"));
    assert!(js.body.contains("window.ProfileDependentCheckboxes"));
}

/// Saves `changes` (checkbox id → checked) on an edit page and returns the response.
fn save(agent: &ureq::Agent, url: &str, doc: &Html, changes: &BTreeMap<String, bool>) -> Resp {
    let body = form_body(doc, changes, "j_id0:j_id5:button_pc_save");
    post_form(agent, url, &body)
}

#[test]
fn save_persists_exactly_what_the_checkboxes_say() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let ps = ps_id(&sim, "NetSuite_Integration");
    let url = format!("https://{ACME}/{ps}/e?s=EntityPermissions&o=Account");
    let doc = page(&agent, &url);
    let rows = field_rows(&doc);
    let id = |e: &ElementRef<'_>| e.value().id().unwrap().to_owned();
    let mut changes = BTreeMap::new();
    // Phone: read only; Website: read+edit; Account Number: nothing (row deleted).
    changes.insert(id(&row(&rows, "Phone").2), false);
    changes.insert(id(&row(&rows, "Website").1), true);
    changes.insert(id(&row(&rows, "Website").2), true);
    changes.insert(id(&row(&rows, "Account Number").1), false);
    changes.insert(id(&row(&rows, "Account Number").2), false);
    // Object: Read, Create, Edit, Delete.
    changes.insert("j_id0:j_id5:olpTable:3:olp_check".into(), true);
    let r = save(&agent, &url, &doc, &changes);
    assert_eq!(r.status, 302, "{}", r.body);
    assert_eq!(
        r.location(),
        format!("https://{ACME}/{ps}?s=EntityPermissions&o=Account")
    );
    let full = org_sim::ids::to18(&ps).unwrap();
    let stored = field_perms(&sim, &full, "Account");
    // Exactly the form state: every grantable row, as posted.
    let mut expected = BTreeMap::new();
    for (label, read, edit) in &rows {
        if is_disabled(read) {
            continue;
        }
        let rd = changes.get(&id(read)).copied().unwrap_or(is_checked(read));
        let ed = if is_disabled(edit) {
            false
        } else {
            changes.get(&id(edit)).copied().unwrap_or(is_checked(edit))
        };
        if rd || ed {
            expected.insert(label.clone(), (rd, ed));
        }
    }
    assert_eq!(stored.len(), expected.len(), "{stored:?} vs {expected:?}");
    assert_eq!(stored.get("Account.Phone"), Some(&(true, false)));
    assert_eq!(stored.get("Account.Website"), Some(&(true, true)));
    assert_eq!(stored.get("Account.AccountNumber"), None);
    assert_eq!(
        object_perms(&sim, &full, "Account"),
        Some([true, true, true, true, false, false])
    );
    // The view page shows the saved state.
    let view = page(
        &agent,
        &format!("https://{ACME}/{ps}?s=EntityPermissions&o=Account"),
    );
    assert!(all(&view, "img.checkImg[title=Checked]").len() >= 6);
    // Unchecking every object permission deletes the ObjectPermissions row (salesforce.md §C.2).
    let doc = page(&agent, &url);
    let off: BTreeMap<String, bool> = (0..6)
        .map(|k| (format!("j_id0:j_id5:olpTable:{k}:olp_check"), false))
        .collect();
    let r = save(&agent, &url, &doc, &off);
    assert_eq!(r.status, 302, "{}", r.body);
    assert_eq!(object_perms(&sim, &full, "Account"), None);
}

#[test]
fn a_post_the_api_would_reject_is_rejected_and_nothing_is_saved() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let ps = ps_id(&sim, "NetSuite_Integration");
    let full = org_sim::ids::to18(&ps).unwrap();
    let url = format!("https://{ACME}/{ps}/e?s=EntityPermissions&o=Account");
    let doc = page(&agent, &url);
    let before = field_perms(&sim, &full, "Account");
    let rows = field_rows(&doc);
    let id = |e: &ElementRef<'_>| e.value().id().unwrap().to_owned();
    // A browser without script: Edit without Read on Website (salesforce.md §C.3 Edit requires Read),
    // plus a valid change that must not be saved either.
    let mut changes = BTreeMap::new();
    changes.insert(id(&row(&rows, "Website").2), true);
    changes.insert(id(&row(&rows, "Industry").1), true);
    let r = save(&agent, &url, &doc, &changes);
    assert_eq!(r.status, 200, "{}", r.body);
    let page = Html::parse_document(&r.body);
    assert!(
        !all(&page, "#errorDiv_ep div.errorMsg").is_empty(),
        "{}",
        r.body
    );
    assert_eq!(field_perms(&sim, &full, "Account"), before);
}

/// How one field row looks: (Read checked, Edit checked, Read disabled, Edit disabled) in the
/// permission set page's terms.
type RowLook = (bool, bool, bool, bool);

/// Every field row of a permission set or enhanced profile object edit page, by label.
fn object_page_looks(doc: &Html) -> BTreeMap<String, RowLook> {
    let rows = field_rows(doc);
    let looks: BTreeMap<String, RowLook> = rows
        .iter()
        .map(|(label, read, edit)| {
            let look = (
                is_checked(read),
                is_checked(edit),
                is_disabled(read),
                is_disabled(edit),
            );
            (label.clone(), look)
        })
        .collect();
    assert_eq!(looks.len(), rows.len(), "labels are unique");
    looks
}

/// Every row of `flsedit.jsp`, translated (salesforce.md §D.4: Visible = Read, Read-Only = Read
/// without Edit; the Read-Only box is the one that stands for Edit).
fn flsedit_looks(doc: &Html) -> BTreeMap<String, RowLook> {
    all(doc, "tr.dataRow")
        .into_iter()
        .map(|tr| {
            let label = tr
                .select(&sel("th"))
                .next()
                .unwrap()
                .text()
                .collect::<String>()
                .trim()
                .to_owned();
            let visible = tr.select(&sel(".displayedCol input")).next().unwrap();
            let read_only = tr.select(&sel(".readonlyCol input")).next().unwrap();
            let read = is_checked(&visible);
            let look = (
                read,
                read && !is_checked(&read_only),
                is_disabled(&visible),
                is_disabled(&read_only),
            );
            (label, look)
        })
        .collect()
}

/// The profile owned permission set of Standard User: (profile 15-char Id, owned set 18-char Id).
fn standard_user_profile(sim: &RunningSim) -> (String, String) {
    let profile = id_of(sim, "SELECT Id FROM Profile WHERE Name = 'Standard User'");
    let owned = query(
        sim,
        &format!(
            "SELECT Id FROM PermissionSet WHERE ProfileId = '{}' AND IsOwnedByProfile = true",
            org_sim::ids::to18(&profile).unwrap()
        ),
    )[0]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    (profile, owned)
}

/// The same stored FieldPermissions rows look the same on the three pages that show them: the
/// permission set object page, the enhanced profile object page and the original profile page
/// `flsedit.jsp`. The profile is given the permission set's rows through its own page's Save.
#[test]
fn each_stored_row_renders_the_same_on_all_three_pages() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let ps = ps_id(&sim, "NetSuite_Integration");
    let (profile, owned) = standard_user_profile(&sim);
    for object in ["Account", "Contact", "Invoice__c"] {
        let schema = org_sim::schema::Schema::standard();
        let o = org_sim::pages::perm_model::object_param(schema.object(object).unwrap());
        let ps_doc = page(
            &agent,
            &format!("https://{ACME}/{ps}/e?s=EntityPermissions&o={o}"),
        );
        let ps_looks = object_page_looks(&ps_doc);

        // Give the profile the same rows, through its own page as an admin would.
        let profile_url = format!("https://{ACME}/{profile}/e?s=ObjectsAndTabs&o={o}");
        let profile_doc = page(&agent, &profile_url);
        let mut changes = BTreeMap::new();
        for (label, read, edit) in field_rows(&profile_doc) {
            let (want_read, want_edit, _, _) = ps_looks[&label];
            changes.insert(read.value().id().unwrap().to_owned(), want_read);
            changes.insert(edit.value().id().unwrap().to_owned(), want_edit);
        }
        let r = save(&agent, &profile_url, &profile_doc, &changes);
        assert_eq!(r.status, 302, "{object}: {}", r.body);
        let full_ps = org_sim::ids::to18(&ps).unwrap();
        assert_eq!(
            field_perms(&sim, &owned, object),
            field_perms(&sim, &full_ps, object),
            "{object}: the profile now stores the permission set's rows"
        );

        let profile_looks = object_page_looks(&page(&agent, &profile_url));
        let flsedit_looks = flsedit_looks(&page(
            &agent,
            &format!("https://{ACME}/setup/layout/flsedit.jsp?id={profile}&type={object}"),
        ));
        assert_eq!(
            profile_looks, ps_looks,
            "{object}: profile page vs permission set page"
        );
        assert_eq!(
            flsedit_looks, ps_looks,
            "{object}: flsedit.jsp vs permission set page"
        );
    }
}

/// The compound addresses take FLS Edit (salesforce.md §C.3: FLS is set on the compound field),
/// so their Edit box is enabled wherever the data API accepts Edit: the rows the sim rendered
/// as "Edit checked and disabled" on the object pages and "Read-Only" on `flsedit.jsp`.
#[test]
fn billing_and_shipping_address_edit_is_grantable_and_looks_alike_everywhere() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let ps = ps_id(&sim, "NetSuite_Integration");
    let full = org_sim::ids::to18(&ps).unwrap();
    assert_eq!(
        field_perms(&sim, &full, "Account").get("Account.BillingAddress"),
        Some(&(true, true)),
        "seeded with Edit"
    );
    let looks = object_page_looks(&page(
        &agent,
        &format!("https://{ACME}/{ps}/e?s=EntityPermissions&o=Account"),
    ));
    assert_eq!(looks["Billing Address"], (true, true, false, false));
    assert_eq!(looks["Shipping Address"], (false, false, false, false));
    let (profile, _) = standard_user_profile(&sim);
    let fls = flsedit_looks(&page(
        &agent,
        &format!("https://{ACME}/setup/layout/flsedit.jsp?id={profile}&type=Account"),
    ));
    assert!(!fls["Billing Address"].3, "Read-Only is changeable");
}

/// Browsers don't submit disabled inputs; a post that carries one anyway (a forged or scripted
/// form) changes nothing the page showed disabled.
#[test]
fn save_ignores_boxes_the_page_showed_disabled() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let ps = ps_id(&sim, "NetSuite_Integration");
    let full = org_sim::ids::to18(&ps).unwrap();
    let url = format!("https://{ACME}/{ps}/e?s=EntityPermissions&o=Account");
    let doc = page(&agent, &url);
    let before = field_perms(&sim, &full, "Account");
    let mut body = form_body(&doc, &BTreeMap::new(), "j_id0:j_id5:button_pc_save");
    let disabled: Vec<String> = all(&doc, "input[type=checkbox][disabled]")
        .iter()
        .filter(|e| !is_checked(e))
        .filter_map(|e| e.value().attr("name").map(str::to_owned))
        .collect();
    assert!(
        !disabled.is_empty(),
        "the page has unchecked disabled boxes"
    );
    for name in &disabled {
        body.push_str(&format!("&{}=on", q(name)));
    }
    let r = post_form(&agent, &url, &body);
    assert_eq!(r.status, 302, "{}", r.body);
    assert_eq!(field_perms(&sim, &full, "Account"), before);

    let (profile, owned) = standard_user_profile(&sim);
    let fls_url = format!("https://{ACME}/setup/layout/flsedit.jsp?id={profile}&type=Account");
    let fls_doc = page(&agent, &fls_url);
    let before = field_perms(&sim, &owned, "Account");
    let mut body = form_body(&fls_doc, &BTreeMap::new(), "save");
    for input in all(&fls_doc, "input[type=checkbox][disabled]") {
        if !is_checked(&input) {
            body.push_str(&format!("&{}=on", q(input.value().attr("name").unwrap())));
        }
    }
    let r = post_form(&agent, &fls_url, &body);
    assert_eq!(r.status, 302, "{}", r.body);
    assert_eq!(field_perms(&sim, &owned, "Account"), before);
}

#[test]
fn wide_object_edit_page_lists_every_field_and_saves_all_of_them() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let ps = ps_id(&sim, "Wide_Object_Access");
    let full = org_sim::ids::to18(&ps).unwrap();
    // `o=` is the 15-char CustomObject Id for custom objects (salesforce.md §D.3); find it on the list.
    let list = page(&agent, &format!("https://{ACME}/{ps}?s=EntityPermissions"));
    let link = all(&list, "table.list a")
        .into_iter()
        .find(|a| a.text().collect::<String>() == "Wide Objects")
        .expect("Wide Objects link");
    let href = link.value().attr("href").unwrap();
    let o = href.split("o=").nth(1).unwrap();
    assert!(o.starts_with("01I") && o.len() == 15, "{href}");
    let url = format!("https://{ACME}/{ps}/e?s=EntityPermissions&o={o}");
    let doc = page(&agent, &url);
    let rows = field_rows(&doc);
    assert!(rows.len() >= 800, "{} rows", rows.len());
    // Check every enabled box, as a "check all" would.
    let mut changes = BTreeMap::new();
    let (mut reads, mut edits) = (0, 0);
    for (_, r, e) in &rows {
        if !is_disabled(r) {
            changes.insert(r.value().id().unwrap().to_owned(), true);
            reads += 1;
        }
        if !is_disabled(e) {
            changes.insert(e.value().id().unwrap().to_owned(), true);
            edits += 1;
        }
    }
    let r = save(&agent, &url, &doc, &changes);
    assert_eq!(r.status, 302, "{}", r.body);
    let stored = field_perms(&sim, &full, "Wide_Object__c");
    assert_eq!(stored.values().filter(|(r, _)| *r).count(), reads);
    assert_eq!(stored.values().filter(|(_, e)| *e).count(), edits);
    // Formula fields (every 10th + 7) are Read only.
    assert_eq!(
        stored.get("Wide_Object__c.Field_007__c"),
        Some(&(true, false))
    );
    // The API name is accepted as `o=` too.
    let by_name = page(
        &agent,
        &format!("https://{ACME}/{ps}/e?s=EntityPermissions&o=Wide_Object__c"),
    );
    assert_eq!(field_rows(&by_name).len(), rows.len());
}

#[test]
fn profile_object_page_writes_the_profile_owned_permission_set() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let profile = id_of(&sim, "SELECT Id FROM Profile WHERE Name = 'Standard User'");
    let owned = query(
        &sim,
        &format!(
            "SELECT Id FROM PermissionSet WHERE ProfileId = '{}' AND IsOwnedByProfile = true",
            org_sim::ids::to18(&profile).unwrap()
        ),
    )[0]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = format!("https://{ACME}/{profile}/e?s=ObjectsAndTabs&o=Account");
    let doc = page(&agent, &url);
    assert!(all(&doc, "input[id$=':fls_read_ck']").len() > 10);
    assert_eq!(
        all(&doc, "input[type=submit][id$='button_pc_save']").len(),
        1
    );
    let rows = field_rows(&doc);
    let rating = row(&rows, "Rating");
    let mut changes = BTreeMap::new();
    let want = !is_checked(&rating.1);
    changes.insert(rating.1.value().id().unwrap().to_owned(), want);
    changes.insert(rating.2.value().id().unwrap().to_owned(), false);
    let r = save(&agent, &url, &doc, &changes);
    assert_eq!(r.status, 302, "{}", r.body);
    let stored = field_perms(&sim, &owned, "Account");
    assert_eq!(
        stored.get("Account.Rating").copied(),
        want.then_some((true, false))
    );
    // salesforce.md §D.4: the profile's object list tbody.
    let list = page(
        &agent,
        &format!("https://{ACME}/{profile}?s=ObjectsAndTabs"),
    );
    assert_eq!(all(&list, "[id$='table_objects_and_tabs:tb']").len(), 1);
}

#[test]
fn original_profile_fls_page_has_visible_and_read_only_columns() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let profile = id_of(&sim, "SELECT Id FROM Profile WHERE Name = 'Standard User'");
    let owned = query(
        &sim,
        &format!(
            "SELECT Id FROM PermissionSet WHERE ProfileId = '{}'",
            org_sim::ids::to18(&profile).unwrap()
        ),
    )[0]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = format!("https://{ACME}/setup/layout/flsedit.jsp?id={profile}&type=Account");
    let doc = page(&agent, &url);
    assert_eq!(all(&doc, ".headerRow th.displayedCol").len(), 1);
    assert_eq!(all(&doc, ".headerRow th.readonlyCol").len(), 1);
    let vis = all(&doc, ".dataRow .displayedCol input[type=checkbox]");
    let ro = all(&doc, ".dataRow .readonlyCol input[type=checkbox]");
    assert!(vis.len() > 10 && vis.len() == ro.len());
    assert!(vis
        .iter()
        .all(|v| v.value().id().unwrap().starts_with("display_")));
    assert!(ro
        .iter()
        .all(|v| v.value().id().unwrap().starts_with("edit_")));
    assert_eq!(all(&doc, "input[name=save][type=submit]").len(), 1);
    // Required field: Visible checked+disabled, Read-Only disabled (salesforce.md §D.4).
    let name_v = one(&doc, "input#display_Name");
    let name_r = one(&doc, "input#edit_Name");
    assert!(is_checked(&name_v) && is_disabled(&name_v));
    assert!(is_disabled(&name_r));
    // Visible = Read, Read-Only = Read without Edit.
    let mut changes = BTreeMap::new();
    changes.insert("display_Phone".to_owned(), true);
    changes.insert("edit_Phone".to_owned(), true);
    changes.insert("display_Website".to_owned(), true);
    changes.insert("edit_Website".to_owned(), false);
    changes.insert("display_Industry".to_owned(), false);
    changes.insert("edit_Industry".to_owned(), true);
    let body = form_body(&doc, &changes, "save");
    let r = post_form(&agent, &url, &body);
    assert_eq!(r.status, 302, "{}", r.body);
    let stored = field_perms(&sim, &owned, "Account");
    assert_eq!(stored.get("Account.Phone"), Some(&(true, false)));
    assert_eq!(stored.get("Account.Website"), Some(&(true, true)));
    assert_eq!(stored.get("Account.Industry"), None);
}

#[test]
fn system_permissions_use_api_name_titles_and_confirm_added_dependencies() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let ps = ps_id(&sim, "Invoice_Viewer");
    let full = org_sim::ids::to18(&ps).unwrap();
    let view = page(&agent, &format!("https://{ACME}/{ps}?s=SystemPermissions"));
    assert!(!all(&view, "img.checkImg").is_empty());
    let url = format!("https://{ACME}/{ps}/e?s=SystemPermissions");
    let doc = page(&agent, &url);
    // salesforce.md §H.Q2: title = API name without prefix.
    for t in ["PasswordNeverExpires", "ViewEncryptedData", "ApiEnabled"] {
        assert_eq!(
            all(&doc, &format!("input[type=checkbox][title='{t}']")).len(),
            1,
            "{t}"
        );
    }
    assert_eq!(
        all(&doc, "input[type=submit][value=Save][id$='button_pc_save']").len(),
        1
    );
    let id_of_title = |t: &str| {
        one(&doc, &format!("input[title='{t}']"))
            .value()
            .id()
            .unwrap()
            .to_owned()
    };
    let mut changes = BTreeMap::new();
    changes.insert(id_of_title("ModifyAllData"), true);
    changes.insert(id_of_title("PasswordNeverExpires"), true);
    let r = save(&agent, &url, &doc, &changes);
    // The confirmation step lists ViewAllData and needs a second Save.
    assert_eq!(r.status, 200, "{}", r.body);
    let confirm = Html::parse_document(&r.body);
    assert_eq!(all(&confirm, "#permissionChangesConfirmation").len(), 1);
    assert_eq!(all(&confirm, "td[title='ViewAllData']").len(), 1);
    let ps_rec = |f: &str| {
        query(
            &sim,
            &format!("SELECT {f} FROM PermissionSet WHERE Id = '{full}'"),
        )[0][f]
            .as_bool()
            .unwrap()
    };
    assert!(!ps_rec("PermissionsModifyAllData"));
    let body = form_body(&confirm, &BTreeMap::new(), "j_id0:j_id5:button_pc_save");
    let r = post_form(&agent, &url, &body);
    assert_eq!(r.status, 302, "{}", r.body);
    assert!(ps_rec("PermissionsModifyAllData"));
    assert!(ps_rec("PermissionsViewAllData"));
    assert!(ps_rec("PermissionsPasswordNeverExpires"));
}

#[test]
fn permission_set_list_and_overview_link_to_the_sections() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let list = page(&agent, &format!("https://{ACME}/0PS?setupid=PermSets"));
    let links: Vec<String> = all(&list, "div.pbBody table.list tr.dataRow th a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert!(
        links.contains(&"NetSuite Integration".to_owned()),
        "{links:?}"
    );
    let ps = ps_id(&sim, "NetSuite_Integration");
    let overview = page(&agent, &format!("https://{ACME}/{ps}"));
    assert_eq!(
        one(&overview, "h2.pageDescription")
            .text()
            .collect::<String>(),
        "NetSuite Integration"
    );
    let hrefs: Vec<&str> = all(&overview, "a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(hrefs.contains(&format!("/{ps}?s=EntityPermissions").as_str()));
    assert!(hrefs.contains(&format!("/{ps}?s=SystemPermissions").as_str()));
    assert!(hrefs
        .iter()
        .any(|h| h.ends_with("/PermissionSetAssignment/home")));
    // Inside the Lightning frame, links keep isdtp=p1.
    let framed = page(&agent, &format!("https://{ACME_SETUP}/{ps}?isdtp=p1"));
    assert!(all(&framed, "a#objectSettingsLink")[0]
        .value()
        .attr("href")
        .unwrap()
        .ends_with("isdtp=p1"));
}

#[test]
fn shell_frames_the_permission_pages() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let ps = ps_id(&sim, "NetSuite_Integration");
    let address = q(&format!("/{ps}?s=EntityPermissions&o=Account"));
    let r = get(
        &agent,
        &format!("https://{ACME_SETUP}/lightning/setup/PermSets/page?address={address}"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("EntityPermissions"));
    let r = get(
        &agent,
        &format!("https://{ACME_SETUP}/lightning/setup/PermSets/home"),
        None,
    );
    assert!(r.body.contains("/0PS?setupid=PermSets"), "{}", r.body);
}

#[test]
fn user_detail_lists_permission_set_and_license_assignments() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let user = id_of(
        &sim,
        "SELECT Id FROM User WHERE Username LIKE 'int-netsuite@%'",
    );
    let doc = page(
        &agent,
        &format!("https://{ACME}/{user}?noredirect=1&isUserEntityOverride=1"),
    );
    let psa = one(&doc, "div[id$='RelatedPermsetAssignmentList']");
    assert!(psa
        .text()
        .collect::<String>()
        .contains("NetSuite Integration"));
    assert_eq!(all(&doc, "input[name='editPermSetAssignments']").len(), 1);
    let psl = one(&doc, "div[id$='RelatedPermsetLicenseAssignmentList']");
    assert!(psl
        .text()
        .collect::<String>()
        .contains("Salesforce API Integration"));
}

/// Ids, classes, names and API-name titles of every element.
fn skeleton(doc: &Html) -> Vec<String> {
    all(doc, "*")
        .iter()
        .map(|e| {
            let v = e.value();
            let title = v.attr("title").filter(|t| !t.contains(' ')).unwrap_or("");
            format!(
                "{} {} {} {} {} {}",
                v.name(),
                v.id().unwrap_or(""),
                v.attr("class").unwrap_or(""),
                v.attr("name").unwrap_or(""),
                v.attr("onclick").unwrap_or(""),
                if v.attr("type") == Some("checkbox") {
                    title
                } else {
                    ""
                },
            )
        })
        .collect()
}

#[test]
fn german_locale_changes_labels_only() {
    let en = start();
    let de = start_with(SimConfig {
        locale: Locale::De,
        ..SimConfig::default()
    });
    let ps = ps_id(&en, "NetSuite_Integration");
    for path in [
        format!("/{ps}/e?s=EntityPermissions&o=Account"),
        format!("/{ps}/e?s=SystemPermissions"),
        format!("/{ps}"),
        "/0PS?setupid=PermSets".to_owned(),
        "/00e?setupid=EnhancedProfiles".to_owned(),
        "/005?isUserEntityOverride=1".to_owned(),
    ] {
        let a = page(
            &logged_in(&en, ACME, ADMIN),
            &format!("https://{ACME}{path}"),
        );
        let b = page(
            &logged_in(&de, ACME, ADMIN),
            &format!("https://{ACME}{path}"),
        );
        assert_eq!(skeleton(&a), skeleton(&b), "{path}");
        assert_ne!(
            a.root_element().text().collect::<String>(),
            b.root_element().text().collect::<String>(),
            "{path}"
        );
    }
    let b = page(
        &logged_in(&de, ACME, ADMIN),
        &format!("https://{ACME}/{ps}/e?s=EntityPermissions&o=Account"),
    );
    assert_eq!(
        one(&b, "input[id$='button_pc_save']").value().attr("value"),
        Some("Speichern")
    );
    assert_eq!(
        one(&b, "div[id$='fls_readheader']")
            .text()
            .collect::<String>(),
        "Lesezugriff"
    );
    assert_eq!(one(&b, "html").value().attr("lang"), Some("de"));

    // The Lightning shell and the System Permissions rows are localized too; ids and the
    // API-name titles stay as they are.
    let shell_en = page(
        &logged_in(&en, ACME, ADMIN),
        &format!("https://{ACME_SETUP}/lightning/setup/PermSets/home"),
    );
    let shell_de = page(
        &logged_in(&de, ACME, ADMIN),
        &format!("https://{ACME_SETUP}/lightning/setup/PermSets/home"),
    );
    let nav = |doc: &scraper::Html| -> Vec<String> {
        doc.select(&sel("nav a"))
            .map(|a| a.text().collect::<String>())
            .collect()
    };
    assert_eq!(nav(&shell_en)[0], "Setup Home");
    assert_eq!(nav(&shell_de)[0], "Setup-Startseite");
    assert_eq!(one(&shell_de, "html").value().attr("lang"), Some("de"));
    let perms_de = page(
        &logged_in(&de, ACME, ADMIN),
        &format!("https://{ACME}/{ps}/e?s=SystemPermissions"),
    );
    let label = one(&perms_de, "input[title='PasswordNeverExpires']")
        .value()
        .attr("id")
        .map(|id| format!("label[for='{id}']"))
        .unwrap();
    assert_eq!(
        one(&perms_de, &label).text().collect::<String>(),
        "Kennwort läuft nie ab"
    );
}

#[test]
fn the_onclick_parser_matches_boostrs_regex_shape() {
    assert_eq!(
        parse_handle_click(
            "ProfileDependentCheckboxes.handleClick(this, 'Account.Phone', 'PermissionsEdit')"
        ),
        Some(("Account.Phone".into(), "PermissionsEdit".into()))
    );
    assert_eq!(
        parse_handle_click("ProfileDependentCheckboxes.handleClick(this,'a', 'b')"),
        None
    );
}
