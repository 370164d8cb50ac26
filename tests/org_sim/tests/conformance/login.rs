//! Login and page sessions (salesforce.md §A.3, §A.6, §F.1).

use crate::common::*;

fn assert_cookie_attributes(cookie: &str) {
    let attrs: Vec<&str> = cookie.split(';').map(str::trim).collect();
    for want in ["Path=/", "Secure", "HttpOnly", "SameSite=None"] {
        assert!(attrs.contains(&want), "{want} missing in {cookie}");
    }
    assert!(
        !attrs
            .iter()
            .any(|a| a.to_ascii_lowercase().starts_with("domain")),
        "host-only cookie expected: {cookie}"
    );
}

#[test]
fn login_sets_three_distinct_sids_and_ends_on_setup_shell() {
    let sim = start();
    let agent = sim.agent();
    let r = get(
        &agent,
        &format!("https://{ACME}/__sim/login?username={ADMIN}"),
        None,
    );
    assert_eq!(r.status, 302);
    assert!(r
        .location()
        .starts_with("https://acme.lightning.force.com/__sim/login/continue?ticket="));
    assert_cookie_attributes(&r.set_cookies()[0]);
    let r2 = get(&agent, r.location(), None);
    assert_eq!(r2.status, 302);
    assert!(r2
        .location()
        .starts_with("https://acme.my.salesforce-setup.com/__sim/login/continue?ticket="));
    assert_cookie_attributes(&r2.set_cookies()[0]);
    let r3 = get(&agent, r2.location(), None);
    assert_eq!(r3.status, 302);
    assert_cookie_attributes(&r3.set_cookies()[0]);
    assert_eq!(
        r3.location(),
        "https://acme.my.salesforce-setup.com/lightning/setup/SetupOneHome/home"
    );
    let sids: Vec<String> = [&r, &r2, &r3]
        .iter()
        .map(|x| sid_of(&x.set_cookies()))
        .collect();
    for sid in &sids {
        let (org, token) = sid.split_once('!').unwrap();
        assert_eq!(org, "00DAM0000000001");
        assert!(token.len() >= 80, "{token}");
        assert!(token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_'));
    }
    assert_ne!(sids[0], sids[1]);
    assert_ne!(sids[1], sids[2]);
    assert_ne!(sids[0], sids[2]);
    // The agent's cookie jar now holds the setup-domain sid: the shell renders.
    let shell = get(&agent, r3.location(), None);
    assert_eq!(shell.status, 200, "{}", shell.body);
    assert!(shell.body.contains("id=\"sim-shell\""));
    // Tickets are one-time.
    let again = get(&agent, r.location(), None);
    assert_eq!(again.status, 302);
    assert_eq!(again.location(), "https://acme.my.salesforce.com/");
    assert!(again.set_cookies().is_empty());
}

#[test]
fn start_url_is_resolved_against_the_setup_host_and_limited_to_the_org() {
    let sim = start();
    let (_, end) = login_steps(
        &sim.agent(),
        ACME,
        &format!("startURL={}", q("/lightning/setup/ManageUsers/home")),
    );
    assert_eq!(
        end,
        "https://acme.my.salesforce-setup.com/lightning/setup/ManageUsers/home"
    );
    let (_, end) = login_steps(
        &sim.agent(),
        ACME,
        &format!(
            "startURL={}",
            q("https://acme.lightning.force.com/lightning/setup/PermSets/home")
        ),
    );
    assert_eq!(
        end,
        "https://acme.lightning.force.com/lightning/setup/PermSets/home"
    );
    for foreign in [
        "https://evil.example/",
        "//evil.example/x",
        "https://acme--uat.sandbox.my.salesforce.com/",
    ] {
        let (_, end) = login_steps(&sim.agent(), ACME, &format!("startURL={}", q(foreign)));
        assert_eq!(
            end,
            "https://acme.my.salesforce-setup.com/lightning/setup/SetupOneHome/home"
        );
    }
}

#[test]
fn sandbox_login_uses_sandbox_hosts_and_org_prefix() {
    let sim = start();
    let agent = sim.agent();
    let r = get(&agent, &format!("https://{UAT}/__sim/login"), None);
    assert_eq!(r.status, 302);
    assert!(r
        .location()
        .starts_with("https://acme--uat.sandbox.lightning.force.com/__sim/login/continue"));
    let (sids, end) = login_steps(&sim.agent(), UAT, "username=admin%40acme.example.uat");
    assert!(sids.iter().all(|s| s.starts_with("00DAM0000000002!")));
    assert_eq!(
        end,
        "https://acme--uat.sandbox.my.salesforce-setup.com/lightning/setup/SetupOneHome/home"
    );
}

#[test]
fn login_form_post_and_unknown_or_inactive_users() {
    let sim = start();
    let agent = sim.agent();
    let r = post(
        &agent,
        &format!("https://{ACME}/__sim/login"),
        "application/x-www-form-urlencoded",
        &format!(
            "username={}&startURL={}",
            q("grace.hopper@acme.example"),
            q("/005")
        ),
    );
    assert_eq!(r.status, 302);
    for bad in ["nobody@acme.example", "jean.bartik@acme.example"] {
        let r = get(
            &sim.agent(),
            &format!("https://{ACME}/__sim/login?username={}", q(bad)),
            None,
        );
        assert_eq!(r.status, 401);
        assert!(r.body.contains("Please check your username and password"));
        assert!(r.set_cookies().is_empty());
    }
}

#[test]
fn pages_without_a_valid_sid_redirect_to_login() {
    let sim = start();
    let agent = sim.agent();
    let url = format!("https://{ACME_SETUP}/lightning/setup/ManageUsers/home");
    let r = get(&agent, &url, None);
    assert_eq!(r.status, 302);
    assert_eq!(
        r.location(),
        format!("https://acme.my.salesforce.com/?startURL={}", q(&url))
    );
    let classic = get(&agent, &format!("https://{ACME}/005"), None);
    assert_eq!(classic.status, 302);
    // A sid of another host of the same org is not this host's session.
    let (sids, _) = login_steps(&sim.agent(), ACME, "");
    let lightning_sid = &sids[1];
    let r = get_with(&agent, &url, &[("Cookie", &format!("sid={lightning_sid}"))]);
    assert_eq!(r.status, 302);
    let setup_sid = &sids[2];
    let r = get_with(&agent, &url, &[("Cookie", &format!("sid={setup_sid}"))]);
    assert_eq!(r.status, 200);
    // Expired sessions send the browser back to login.
    sim.expire_sessions();
    let r = get_with(&agent, &url, &[("Cookie", &format!("sid={setup_sid}"))]);
    assert_eq!(r.status, 302);
}

#[test]
fn login_page_lists_active_users_escaped_without_script() {
    let sim = start();
    let r = get(
        &sim.agent(),
        &format!("https://{ACME}/?startURL=%2F005"),
        None,
    );
    assert_eq!(r.status, 200);
    assert!(r.header("content-security-policy").is_some());
    assert!(!r.body.contains("<script"));
    assert!(r.body.contains("Acme Corp"));
    assert!(r.body.contains("value=\"admin@acme.example\""));
    assert!(r.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!r.body.contains("<img src=x"));
    assert!(r.body.contains("Zoë Łukasiewicz"));
    assert!(
        !r.body.contains("jean.bartik@acme.example"),
        "inactive users are not offered"
    );
    assert!(r.body.contains("name=\"startURL\" value=\"/005\""));
}
