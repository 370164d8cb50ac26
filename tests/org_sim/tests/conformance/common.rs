//! Shared helpers: start a sim, make requests, read responses, log in like a browser.

use org_sim::{RunningSim, SimConfig};
use ureq::http::HeaderMap;

/// A fully read response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    pub fn location(&self) -> &str {
        self.header("location").expect("location header")
    }
}

pub fn start() -> RunningSim {
    start_with(SimConfig::default())
}

pub fn start_with(config: SimConfig) -> RunningSim {
    org_sim::start(config).expect("sim starts")
}

fn read(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
    let mut r = result.expect("request completes");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.body_mut().read_to_string().expect("body");
    Resp {
        status,
        headers,
        body,
    }
}

/// GET without following redirects; `sid` as Bearer token when given.
pub fn get(agent: &ureq::Agent, url: &str, sid: Option<&str>) -> Resp {
    let mut req = agent.get(url).config().max_redirects(0).build();
    if let Some(sid) = sid {
        req = req.header("Authorization", &format!("Bearer {sid}"));
    }
    read(req.call())
}

/// GET with extra headers, no redirects.
pub fn get_with(agent: &ureq::Agent, url: &str, headers: &[(&str, &str)]) -> Resp {
    let mut req = agent.get(url).config().max_redirects(0).build();
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    read(req.call())
}

/// GET following redirects.
pub fn get_follow(agent: &ureq::Agent, url: &str) -> Resp {
    read(agent.get(url).call())
}

/// POST a body without following redirects.
pub fn post(agent: &ureq::Agent, url: &str, content_type: &str, body: &str) -> Resp {
    read(
        agent
            .post(url)
            .config()
            .max_redirects(0)
            .build()
            .header("Content-Type", content_type)
            .send(body),
    )
}

/// The `sid` value of a Set-Cookie list.
pub fn sid_of(set_cookies: &[String]) -> String {
    set_cookies
        .iter()
        .find_map(|c| c.strip_prefix("sid="))
        .and_then(|c| c.split(';').next())
        .expect("sid cookie")
        .to_owned()
}

/// Logs in step by step (no automatic redirects); returns the sids set on the my-domain,
/// lightning and setup hosts, in that order, and the final location.
pub fn login_steps(agent: &ureq::Agent, my_domain: &str, query: &str) -> (Vec<String>, String) {
    let mut sids = Vec::new();
    let mut url = format!("https://{my_domain}/__sim/login?{query}");
    for _ in 0..3 {
        let r = get(agent, &url, None);
        assert_eq!(r.status, 302, "{url}: {}", r.body);
        sids.push(sid_of(&r.set_cookies()));
        url = r.location().to_owned();
    }
    (sids, url)
}

/// A fresh agent (browser profile) logged in to `org` as `username`, following redirects.
pub fn logged_in(sim: &RunningSim, my_domain: &str, username: &str) -> ureq::Agent {
    let agent = sim.agent();
    let r = get_follow(
        &agent,
        &format!("https://{my_domain}/__sim/login?username={username}"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    agent
}

/// Percent-encodes a query value.
pub fn q(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub const ACME: &str = "acme.my.salesforce.com";
pub const ACME_LIGHTNING: &str = "acme.lightning.force.com";
pub const ACME_SETUP: &str = "acme.my.salesforce-setup.com";
pub const UAT: &str = "acme--uat.sandbox.my.salesforce.com";
pub const ADMIN: &str = "admin@acme.example";
