//! The browser around the core, natively, shared by every test (and bench) that runs the core
//! against the simulated org: HTTPS through the sim's agent, cookies from a real login through
//! the sim's redirects, extension storage in memory (the core's own stand-in), and the router on
//! top of them as the core's platform.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use forcefield::platform::memory::{MemoryStorage, RecordedPages};
use forcefield::platform::{
    Host, HttpRequest, HttpResponse, SystemClock, Transport, TransportError,
};
use forcefield::protocol::{Ask, ContentRequest, Failed, Frame, PageRequest, Reply};
use forcefield::router::{answer_content, answer_page};
use forcefield::salesforce::{CookieJar, CookieSessions, CookieStoreError, SidCookie};
use org_sim::{RunningSim, SimConfig};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// HTTPS through the sim's agent (trusts its certificate, resolves Salesforce hosts to it).
/// Like a browser's `fetch`, requests sent together run at the same time (each on a thread),
/// and, like the extension's `fetch` (`redirect: "manual"`), it never follows a redirect.
pub struct SimTransport(pub ureq::Agent);

impl Transport for SimTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let agent = self.0.clone();
        let slot = Arc::new(Mutex::new(Slot::default()));
        let shared = Arc::clone(&slot);
        std::thread::spawn(move || {
            let result = blocking_send(&agent, request);
            let mut slot = shared.lock().unwrap();
            slot.result = Some(result);
            if let Some(waker) = slot.waker.take() {
                waker.wake();
            }
        });
        std::future::poll_fn(|cx| {
            let mut slot = slot.lock().unwrap();
            match slot.result.take() {
                Some(result) => std::task::Poll::Ready(result),
                None => {
                    slot.waker = Some(cx.waker().clone());
                    std::task::Poll::Pending
                }
            }
        })
        .await
    }
}

/// Where a request's thread leaves its answer.
#[derive(Default)]
struct Slot {
    result: Option<Result<HttpResponse, TransportError>>,
    waker: Option<std::task::Waker>,
}

/// One request through the agent, on the calling thread.
pub fn blocking_send(
    agent: &ureq::Agent,
    request: HttpRequest,
) -> Result<HttpResponse, TransportError> {
    let mut builder = ureq::http::Request::builder()
        .method(request.method.as_str())
        .uri(&request.url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let http_request = builder
        .body(request.body.unwrap_or_default())
        .map_err(unreachable)?;
    let http_request = agent
        .configure_request(http_request)
        .max_redirects(0)
        .build();
    let mut response = agent.run(http_request).map_err(unreachable)?;
    if response.status().is_redirection() {
        return Err(TransportError::Redirected);
    }
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect();
    let body = response.body_mut().read_to_string().map_err(unreachable)?;
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// The reply a request is paired with, or its failure; any other reply is a broken pairing.
fn paired<T: TryFrom<Reply, Error = Reply>>(reply: Reply) -> Result<T, Failed> {
    match T::try_from(reply) {
        Ok(reply) => Ok(reply),
        Err(Reply::Failed(failed)) => Err(failed),
        Err(other) => panic!("a reply of another type: {other:?}"),
    }
}

fn unreachable(e: impl std::fmt::Display) -> TransportError {
    TransportError::Unreachable(e.to_string())
}

/// The cookies a browser holds after logging in through the sim's real login redirects.
#[derive(Default)]
/// Host → `sid` value.
pub struct LoggedInJar(pub BTreeMap<String, String>);

impl LoggedInJar {
    pub fn log_in(&mut self, sim: &RunningSim, api_host: &str, username: &str, start: &str) {
        let agent = sim.agent();
        let mut url = format!(
            "https://{api_host}/__sim/login?username={}&startURL={}",
            urlencode(username),
            urlencode(start)
        );
        for _ in 0..10 {
            let response = agent
                .get(&url)
                .config()
                .max_redirects(0)
                .http_status_as_error(false)
                .build()
                .call()
                .unwrap();
            let host = url.split('/').nth(2).unwrap().to_owned();
            for cookie in response.headers().get_all("set-cookie") {
                let cookie = cookie.to_str().unwrap();
                if let Some(value) = cookie.strip_prefix("sid=") {
                    let value = value.split(';').next().unwrap();
                    self.0.insert(host.clone(), value.to_owned());
                }
            }
            match response.headers().get("location") {
                Some(next) if response.status().is_redirection() => {
                    let next = next.to_str().unwrap();
                    url = if next.starts_with('/') {
                        format!("https://{host}{next}")
                    } else {
                        next.to_owned()
                    };
                }
                _ => return,
            }
        }
        panic!("login did not settle");
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl CookieJar for LoggedInJar {
    async fn sid_for_url(&self, url: &str) -> Result<Option<SidCookie>, CookieStoreError> {
        let host = url.split('/').nth(2).unwrap_or_default();
        Ok(self.0.get(host).map(|value| SidCookie {
            domain: host.to_owned(),
            value: value.clone(),
        }))
    }
    async fn sids_on_domain(&self, domain: &str) -> Result<Vec<SidCookie>, CookieStoreError> {
        Ok(self
            .0
            .iter()
            .filter(|(host, _)| host.ends_with(&format!(".{domain}")))
            .map(|(host, value)| SidCookie {
                domain: host.clone(),
                value: value.clone(),
            })
            .collect())
    }
}

pub struct World {
    pub sim: RunningSim,
    pub jar: LoggedInJar,
    pub transport: SimTransport,
    pub storage: MemoryStorage,
    /// The extension pages content scripts had opened.
    pub pages: RecordedPages,
}

impl World {
    pub fn start(config: SimConfig) -> Self {
        let sim = org_sim::start(config).unwrap();
        let transport = SimTransport(sim.agent());
        let mut world = Self {
            sim,
            jar: LoggedInJar::default(),
            transport,
            storage: MemoryStorage::default(),
            pages: RecordedPages::default(),
        };
        world.log_in();
        world
    }

    /// Logs in to both orgs again (new `sid` cookies), as the admin does after a session expired.
    pub fn log_in(&mut self) {
        self.jar.log_in(
            &self.sim,
            "acme.my.salesforce.com",
            "admin@acme.example",
            "/lightning/setup/SetupOneHome/home",
        );
        self.jar.log_in(
            &self.sim,
            "acme--uat.sandbox.my.salesforce.com",
            "admin@acme.example.uat",
            "/lightning/setup/SetupOneHome/home",
        );
    }

    /// A request from an extension page (the popup, the generator page), answered with the
    /// reply type it is paired with, or why it failed.
    pub fn ask<R>(&self, request: R) -> Result<R::Reply, Failed>
    where
        R: Ask + Into<PageRequest>,
        R::Reply: TryFrom<Reply, Error = Reply>,
    {
        paired(self.ask_wire(request.into()))
    }

    /// Any extension-page request, answered as the wire carries it.
    pub fn ask_wire(&self, request: PageRequest) -> Reply {
        pollster::block_on(answer_page(&self.host(), request))
    }

    /// A request from a content script in the frame at `frame_url` (the browser's sender record).
    pub fn ask_from<R>(&self, request: R, frame_url: &str) -> Result<R::Reply, Failed>
    where
        R: Ask + Into<ContentRequest>,
        R::Reply: TryFrom<Reply, Error = Reply>,
    {
        paired(self.ask_from_wire(request.into(), frame_url))
    }

    /// Any content-script request, answered as the wire carries it.
    pub fn ask_from_wire(&self, request: ContentRequest, frame_url: &str) -> Reply {
        let frame = Frame {
            url: frame_url.to_owned(),
        };
        pollster::block_on(answer_content(&self.host(), &self.pages, &frame, request))
    }

    /// The browser around the core, as the core's platform.
    pub fn host(
        &self,
    ) -> Host<CookieSessions<&LoggedInJar>, &SimTransport, &MemoryStorage, SystemClock> {
        Host {
            sessions: CookieSessions(&self.jar),
            transport: &self.transport,
            storage: &self.storage,
            clock: SystemClock,
        }
    }

    /// Every REST call the sim has served so far (login pages and frames excluded).
    pub fn api_calls(&self) -> Vec<org_sim::LoggedRequest> {
        self.sim
            .request_log()
            .into_iter()
            .filter(|r| r.path.starts_with("/services/"))
            .collect()
    }
}
