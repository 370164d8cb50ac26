//! Lightning shell and Classic pages (salesforce.md §A.3, §D.1, §D.2, §D.5, §H.Q1).

use org_sim::{ClassicFrameHost, SimConfig};
use scraper::{Html, Selector};

use crate::common::*;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self' https://*.lightning.force.com https://*.my.salesforce-setup.com https://*.my.salesforce.com";

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("selector {s}: {e:?}"))
}

fn count(doc: &Html, s: &str) -> usize {
    doc.select(&sel(s)).count()
}

fn text_of(doc: &Html, s: &str) -> String {
    doc.select(&sel(s))
        .next()
        .map(|e| e.text().collect::<String>())
        .unwrap_or_else(|| panic!("no match for {s}"))
}

fn shell_data(body: &str) -> serde_json::Value {
    let doc = Html::parse_document(body);
    let data = text_of(&doc, "script#sim-shell[type='application/json']");
    serde_json::from_str(&data).unwrap()
}

fn assert_html_headers(r: &Resp) {
    assert_eq!(r.header("content-security-policy"), Some(CSP));
    assert_common_html_headers(r);
}

/// The shell adds a frame-src so the lightning-host shell may frame the my-domain host.
fn assert_shell_headers(r: &Resp) {
    assert_eq!(
        r.header("content-security-policy"),
        Some(format!("{CSP}; frame-src 'self' https://*.my.salesforce.com https://*.lightning.force.com https://*.my.salesforce-setup.com").as_str())
    );
    assert_common_html_headers(r);
}

fn assert_common_html_headers(r: &Resp) {
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let csp = r.header("content-security-policy").unwrap();
    assert!(!csp.contains("unsafe-eval"));
}

/// No executable inline script: every <script> is external or a JSON data block.
fn assert_no_inline_script(body: &str) {
    let doc = Html::parse_document(body);
    for s in doc.select(&sel("script")) {
        let v = s.value();
        assert!(
            v.attr("src").is_some() || v.attr("type") == Some("application/json"),
            "inline script: {}",
            s.html()
        );
    }
    assert!(!body.contains(" onload=") && !body.contains(" onclick="));
}

#[test]
fn setup_shell_has_csp_loading_box_nav_and_frame_data() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let r = get(
        &agent,
        &format!("https://{ACME_SETUP}/lightning/setup/ManageUsers/home"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_shell_headers(&r);
    assert_no_inline_script(&r.body);
    let doc = Html::parse_document(&r.body);
    assert_eq!(count(&doc, "div#auraLoadingBox"), 1);
    assert_eq!(count(&doc, "script[src='/sim/shell.js']"), 1);
    assert!(text_of(&doc, "header").contains("Acme Corp"));
    for href in [
        "/lightning/setup/ManageUsers/home",
        "/lightning/setup/PermSets/home",
        "/lightning/setup/EnhancedProfiles/home",
        "/lightning/setup/SetupOneHome/home",
    ] {
        assert_eq!(count(&doc, &format!("nav a[href='{href}']")), 1, "{href}");
    }
    // No iframe in the light DOM: shell.js builds it inside shadow roots (salesforce.md §D.1).
    assert_eq!(count(&doc, "iframe"), 0);
    let data = shell_data(&r.body);
    assert_eq!(
        data["frameUrl"],
        "https://acme.my.salesforce-setup.com/005?isUserEntityOverride=1&setupid=ManageUsers&isdtp=p1"
    );
    assert_eq!(
        data["frameTitle"],
        "All Users ~ Salesforce - Enterprise Edition"
    );
    assert!(data["frameName"]
        .as_str()
        .unwrap()
        .starts_with("vfFrameId_"));
}

#[test]
fn shell_page_address_and_frame_host_per_shell_host() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let address = "/005AM0000000001?noredirect=1&isUserEntityOverride=1";
    let r = get(
        &agent,
        &format!(
            "https://{ACME_LIGHTNING}/lightning/setup/ManageUsers/page?address={}",
            q(address)
        ),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let data = shell_data(&r.body);
    // Lightning shell frames its own host by default ([U] salesforce.md §D.1 → switch).
    assert_eq!(
        data["frameUrl"],
        format!("https://acme.lightning.force.com{address}&isdtp=p1")
    );
    assert_eq!(
        data["frameTitle"],
        "User: Ada Lovelace ~ Salesforce - Enterprise Edition"
    );
    let r = get(
        &agent,
        &format!("https://{ACME_SETUP}/lightning/setup/SetupOneHome/home"),
        None,
    );
    assert_eq!(
        shell_data(&r.body)["frameUrl"],
        "https://acme.my.salesforce-setup.com/setup/forcecomHomepage.apexp?setupid=ForceCom&isdtp=p1"
    );
    // A foreign address is refused; unknown nodes are not simulated.
    let r = get(
        &agent,
        &format!(
            "https://{ACME_SETUP}/lightning/setup/ManageUsers/page?address={}",
            q("https://evil.example/")
        ),
        None,
    );
    assert_eq!(r.status, 404);
    let r = get(
        &agent,
        &format!("https://{ACME_SETUP}/lightning/setup/NoSuchNode/home"),
        None,
    );
    assert_eq!(r.status, 404);
    // Lightning pages on the my-domain host go to the setup domain (salesforce.md §A.6).
    let r = get(
        &agent,
        &format!("https://{ACME}/lightning/setup/ManageUsers/home"),
        None,
    );
    assert_eq!(r.status, 302);
    assert_eq!(
        r.location(),
        "https://acme.my.salesforce-setup.com/lightning/setup/ManageUsers/home"
    );

    let sim = start_with(SimConfig {
        classic_frame_host: ClassicFrameHost::MyDomain,
        ..SimConfig::default()
    });
    let agent = logged_in(&sim, ACME, ADMIN);
    let r = get(
        &agent,
        &format!("https://{ACME_LIGHTNING}/lightning/setup/ManageUsers/home"),
        None,
    );
    assert!(shell_data(&r.body)["frameUrl"]
        .as_str()
        .unwrap()
        .starts_with("https://acme.my.salesforce.com/005?"));
}

#[test]
fn shell_script_builds_shadow_roots_and_the_aloha_frame() {
    let sim = start();
    let r = get(
        &sim.agent(),
        &format!("https://{ACME_SETUP}/sim/shell.js"),
        None,
    );
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    for needle in [
        "attachShadow({ mode: 'open' })",
        "one-app",
        "one-setup-content",
        "force-aloha-page",
        "data.frameName",
    ] {
        assert!(r.body.contains(needle), "{needle}");
    }
    for css in ["/sim/classic.css", "/sim/shell.css", "/sim/login.css"] {
        let r = get(&sim.agent(), &format!("https://{ACME}{css}"), None);
        assert_eq!(
            (r.status, r.header("content-type")),
            (200, Some("text/css; charset=UTF-8"))
        );
    }
}

#[test]
fn classic_users_list_markup_is_the_server_rendered_table() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let r = get(
        &agent,
        &format!("https://{ACME_SETUP}/005?isUserEntityOverride=1&setupid=ManageUsers&isdtp=p1&rowsperpage=1000"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_html_headers(&r);
    assert_no_inline_script(&r.body);
    let doc = Html::parse_document(&r.body);
    assert_eq!(
        count(
            &doc,
            "body.hasMotif.setupTab.listPage.sfdcBody.brandQuaternaryBgr"
        ),
        1
    );
    assert_eq!(
        text_of(&doc, "title"),
        "All Users ~ Salesforce - Enterprise Edition"
    );
    let table = "div.listRelatedObject.setupBlock > div.bPageBlock > div.pbBody > table.list";
    assert_eq!(count(&doc, table), 1);
    assert_eq!(
        count(
            &doc,
            "div.listRelatedObject.setupBlock > div.bPageBlock > div.pbHeader + div.pbBody"
        ),
        1
    );
    assert_eq!(
        count(
            &doc,
            &format!("{table} tr.headerRow th.actionColumn input#allBox")
        ),
        1
    );
    let headers: Vec<String> = doc
        .select(&sel(&format!("{table} tr.headerRow th")))
        .map(|th| th.text().collect::<String>().trim().to_owned())
        .collect();
    assert_eq!(
        headers,
        [
            "Action",
            "Full Name",
            "Alias",
            "Username",
            "Role",
            "Active",
            "Profile"
        ]
    );
    let rows: Vec<_> = doc.select(&sel(&format!("{table} tr.dataRow"))).collect();
    assert_eq!(rows.len(), 30, "every acme user on one page");
    assert_eq!(count(&doc, &format!("{table} tr.dataRow.even.first")), 1);
    assert_eq!(count(&doc, &format!("{table} tr.dataRow.last")), 1);
    assert_eq!(count(&doc, &format!("{table} tr.dataRow.odd")), 15);
    assert_eq!(
        count(
            &doc,
            &format!("{table} tr.dataRow td.actionColumn input[type=checkbox]")
        ),
        30
    );
    assert_eq!(count(&doc, &format!("{table} tr.dataRow td.actionColumn a.actionLink[href$='/e?retURL=%2F005%3FisUserEntityOverride%3D1%26setupid%3DManageUsers']")), 30);
    // Login links for active users other than the viewer (salesforce.md §H.Q1 1b).
    let logins = count(
        &doc,
        &format!("{table} tr.dataRow td.actionColumn a[href*=suorgadminid]"),
    );
    assert_eq!(logins, 27 - 1);
    // Name cell: th[scope=row].dataCell a[href="/005…15"] with "Last, First".
    let ada = doc
        .select(&sel(&format!(
            "{table} tr.dataRow th[scope=row].dataCell a[href='/005AM0000000001']"
        )))
        .next()
        .expect("Ada's row");
    assert_eq!(ada.text().collect::<String>(), "Lovelace, Ada");
    let names: Vec<String> = doc
        .select(&sel(&format!("{table} tr.dataRow th[scope=row] a")))
        .map(|a| a.text().collect())
        .collect();
    assert!(names.contains(&"<img src=x onerror=alert(1)>".to_owned()));
    assert!(names.contains(&"\"Ops\", O'Brien".to_owned()));
    assert!(names.contains(&"Łukasiewicz, Zoë".to_owned()));
    assert!(r.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert_eq!(count(&doc, "img[src=x]"), 0, "org data must be escaped");
    // Row cells: Alias, Username, Role, Active (checkImg), Profile.
    let first: Vec<String> = rows[0]
        .select(&sel("td.dataCell"))
        .map(|td| td.text().collect::<String>().trim().to_owned())
        .collect();
    assert_eq!(first.len(), 5);
    assert_eq!(
        count(&doc, &format!("{table} img.checkImg[title='Checked']")),
        27
    );
    assert_eq!(
        count(&doc, &format!("{table} img.checkImg[title='Not Checked']")),
        3
    );
    assert!(r
        .body
        .contains(">Minimum Access - API Only Integrations</a>"));
    assert_eq!(count(&doc, "select#fcf[title='View:'] option"), 3);
    assert_eq!(count(&doc, "input[name=new][value='New User']"), 1);
    assert_eq!(
        count(&doc, ".listElementBottomNav div.next a"),
        0,
        "single page"
    );
}

#[test]
fn classic_users_list_pages_with_rowsperpage_and_lsr() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let mut url = format!("https://{ACME}/005?isUserEntityOverride=1&rowsperpage=10");
    let mut seen = Vec::new();
    for page in 0..10 {
        let r = get(&agent, &url, None);
        assert_eq!(r.status, 200);
        let doc = Html::parse_document(&r.body);
        let ids: Vec<String> = doc
            .select(&sel("div.setupBlock table.list tr.dataRow th[scope=row] a"))
            .map(|a| a.value().attr("href").unwrap().to_owned())
            .collect();
        assert!(ids.len() <= 10 && !ids.is_empty(), "page {page}");
        seen.extend(ids);
        match doc.select(&sel(".listElementBottomNav div.next a")).next() {
            Some(a) => {
                let href = a.value().attr("href").unwrap();
                assert!(href.contains(&format!("lsr={}", seen.len())), "{href}");
                assert!(href.contains("rowsperpage=10"));
                url = format!("https://{ACME}{href}");
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 30);
    let mut dedup = seen.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), 30);
    // Active Users view and the profile filter.
    let r = get(
        &agent,
        &format!("https://{ACME}/005?fcf=00BAM0000000002&rowsperpage=100"),
        None,
    );
    let doc = Html::parse_document(&r.body);
    assert_eq!(count(&doc, "table.list tr.dataRow"), 27);
    assert_eq!(text_of(&doc, "select#fcf option[selected]"), "Active Users");
}

#[test]
fn classic_user_detail_page() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let sid = sim.issue_session("acme", ADMIN);
    let r = get(
        &agent,
        &format!(
            "https://{ACME}/services/data/v66.0/query?q={}",
            q("SELECT Id FROM User WHERE Username = 'int-netsuite@acme.example'")
        ),
        Some(&sid),
    );
    let id18 = r.json()["records"][0]["Id"].as_str().unwrap().to_owned();
    for id in [&id18[..15], id18.as_str()] {
        let r = get(
            &agent,
            &format!("https://{ACME}/{id}?noredirect=1&isUserEntityOverride=1"),
            None,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_html_headers(&r);
        let doc = Html::parse_document(&r.body);
        assert_eq!(count(&doc, "body.sfdcBody.detailPage"), 1);
        assert_eq!(text_of(&doc, "h1.pageType"), "User");
        assert_eq!(text_of(&doc, "h2.pageDescription"), "NetSuite Integration");
        assert_eq!(count(&doc, "#topButtonRow input.btn"), 4);
        let pairs: Vec<(String, String)> = doc
            .select(&sel("table.detailList td.labelCol"))
            .map(|l| {
                let label = l.text().collect::<String>();
                let value = l
                    .next_siblings()
                    .find_map(scraper::ElementRef::wrap)
                    .map(|v| v.text().collect::<String>())
                    .unwrap_or_default();
                (label, value)
            })
            .collect();
        for (label, value) in [
            ("User License", "Salesforce Integration"),
            ("Profile", "Minimum Access - API Only Integrations"),
            ("Username", "int-netsuite@acme.example"),
            ("Email", "int-netsuite@acme.example"),
        ] {
            assert!(
                pairs.contains(&(label.to_owned(), value.to_owned())),
                "{label}={value} in {pairs:?}"
            );
        }
        assert_eq!(
            count(
                &doc,
                "td.labelCol + td.dataCol img.checkImg[title='Checked']"
            ),
            1
        );
    }
    let r = get(&agent, &format!("https://{ACME}/005AM00000000ZZ"), None);
    assert_eq!(r.status, 404);
    // The setup home is a Classic page too.
    let r = get(
        &agent,
        &format!("https://{ACME}/setup/forcecomHomepage.apexp?setupid=ForceCom"),
        None,
    );
    let doc = Html::parse_document(&r.body);
    assert_eq!(text_of(&doc, "h1.pageType"), "Setup");
    assert_eq!(count(&doc, "body.sfdcBody"), 1);
}

#[test]
fn hostile_user_name_is_escaped_on_detail_and_in_shell_data() {
    let sim = start();
    let agent = logged_in(&sim, ACME, ADMIN);
    let sid = sim.issue_session("acme", ADMIN);
    let r = get(
        &agent,
        &format!(
            "https://{ACME}/services/data/v66.0/query?q={}",
            q("SELECT Id FROM User WHERE Username = 'xss@acme.example'")
        ),
        Some(&sid),
    );
    let id = r.json()["records"][0]["Id"].as_str().unwrap().to_owned();
    let r = get(&agent, &format!("https://{ACME}/{id}"), None);
    assert!(r.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!r.body.contains("<img src=x"));
    let r = get(
        &agent,
        &format!(
            "https://{ACME_SETUP}/lightning/setup/ManageUsers/page?address={}",
            q(&format!("/{id}"))
        ),
        None,
    );
    assert!(!r.body.contains("<img src=x"));
    assert_eq!(
        shell_data(&r.body)["frameTitle"],
        "User: <img src=x onerror=alert(1)> ~ Salesforce - Enterprise Edition"
    );
}
