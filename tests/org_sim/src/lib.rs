//! org-sim: a simulated Salesforce org served over HTTPS for Forcefield's native tests, browser
//! end-to-end tests and demo (docs/architecture.md "The simulated org"). Several orgs are virtual-hosted
//! by `Host`; each behaviour cites the docs/salesforce.md section it rests on, and facts
//! marked [U] are switches in [`SimConfig`].
//!
//! ```no_run
//! let sim = org_sim::start(org_sim::SimConfig::default())?;
//! let sid = sim.issue_session("acme", "admin@acme.example");
//! let resp = sim
//!     .agent()
//!     .get("https://acme.my.salesforce.com/services/data/v66.0/query?q=SELECT+Id+FROM+User")
//!     .header("Authorization", &format!("Bearer {sid}"))
//!     .call();
//! # drop(resp);
//! sim.shutdown();
//! # Ok::<(), org_sim::SimError>(())
//! ```

pub mod admin;
pub mod catalog;
pub mod client;
pub mod config;
pub mod datetime;
pub mod dml;
pub mod error;
pub mod faults;
pub mod http;
pub mod ids;
pub mod org;
pub mod pages;
pub mod record_types;
pub mod rest;
pub mod router;
pub mod schema;
pub mod seed;
pub mod seed_data;
pub mod seed_perms;
pub mod server;
pub mod soap;
pub mod soql;
pub mod state;
pub mod store;
pub mod tls;

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::watch;

pub use config::{ClassicFrameHost, IntegrationProfileRecordTypes, SimConfig};
pub use error::SimError;
pub use faults::{Fault, FaultKind};
pub use org::HostKind;
pub use state::LoggedRequest;

use state::Shared;

/// A running sim. Dropping it (or [`RunningSim::shutdown`]) stops the server.
#[derive(Debug)]
pub struct RunningSim {
    addr: SocketAddr,
    cert: tls::SimCert,
    shared: Arc<Shared>,
    stop: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

/// Starts a sim on its own thread with its own tokio runtime; returns once it is listening.
pub fn start(config: SimConfig) -> Result<RunningSim, SimError> {
    for v in [&config.prod_api_version, &config.sandbox_api_version] {
        if rest::versions::parse_requested(&format!("v{v}"), v).is_none() {
            return Err(SimError::Config(format!(
                "API version {v:?} must look like \"66.0\" and be at least {}.0",
                rest::versions::MIN_VERSION
            )));
        }
    }
    let cert = tls::SimCert::generate()?;
    let tls_config = cert.server_config()?;
    let std_listener = std::net::TcpListener::bind(SocketAddr::new(config.bind, config.port))?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let shared = Arc::new(Shared::new(config)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("org-sim")
        .enable_all()
        .build()?;
    let (stop, stop_rx) = watch::channel(false);
    let server_shared = Arc::clone(&shared);
    let thread = std::thread::Builder::new()
        .name("org-sim-main".into())
        .spawn(move || {
            runtime.block_on(async move {
                match tokio::net::TcpListener::from_std(std_listener) {
                    Ok(listener) => {
                        server::serve(listener, tls_config, server_shared, stop_rx).await
                    }
                    Err(e) => eprintln!("org-sim: cannot listen: {e}"),
                }
            });
            runtime.shutdown_timeout(Duration::from_millis(200));
        })?;
    Ok(RunningSim {
        addr,
        cert,
        shared,
        stop: Some(stop),
        thread: Some(thread),
    })
}

impl RunningSim {
    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The socket address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// DER of the self-signed certificate generated at start.
    pub fn cert_der(&self) -> &[u8] {
        &self.cert.cert_der
    }

    /// PEM of the self-signed certificate generated at start.
    pub fn cert_pem(&self) -> &str {
        &self.cert.cert_pem
    }

    /// The configuration in force.
    pub fn config(&self) -> &SimConfig {
        &self.shared.config
    }

    /// One line per served entry point: `<org> login: https://…/`, `<org> api: …`, and the
    /// Setup home on the setup-domain and lightning hosts (the CLI prints these).
    pub fn served_urls(&self) -> Vec<String> {
        let st = self.shared.lock();
        let mut lines = Vec::new();
        for o in &st.orgs {
            lines.push(format!(
                "{} login: {}/",
                o.name,
                o.origin(HostKind::MyDomain)
            ));
            lines.push(format!(
                "{} api: {}/services/data/",
                o.name,
                o.origin(HostKind::MyDomain)
            ));
            for k in [HostKind::Setup, HostKind::Lightning] {
                lines.push(format!(
                    "{} setup ({}): {}{}",
                    o.name,
                    k.label(),
                    o.origin(k),
                    pages::login::DEFAULT_START
                ));
            }
        }
        lines
    }

    /// A ureq agent that trusts the sim certificate and resolves every host name to the sim,
    /// so tests can call e.g. `https://acme.my.salesforce.com/...`. HTTP error statuses come
    /// back as responses; cookies are kept per agent; redirects are followed (turn that off
    /// per request with `.config().max_redirects(0).build()`).
    pub fn agent(&self) -> ureq::Agent {
        client::agent(&self.cert.cert_der, self.addr.ip(), self.addr.port())
    }

    /// An API-valid `sid` for `username` in org `org` (My Domain name, e.g. `acme`), as login
    /// would set on `<org>.my.salesforce.com`. Empty string if the org or user is unknown.
    pub fn issue_session(&self, org: &str, username: &str) -> String {
        admin::issue_api_session(&self.shared, org, username).unwrap_or_default()
    }

    /// Invalidates every session (salesforce.md §A.5).
    pub fn expire_sessions(&self) {
        self.shared.lock().expire_sessions();
    }

    /// Back to the seed data; clears the request log (sessions are kept).
    pub fn reset(&self) {
        let mut st = self.shared.lock();
        let _ = st.reset(&self.shared.config);
    }

    /// Every record of `org` per object (fields sorted), as `GET /__sim/state?org=` returns it;
    /// `Null` for an unknown org. Compare before/after to prove a rollback.
    pub fn state_dump(&self, org: &str) -> serde_json::Value {
        self.shared.lock().state_dump(org).unwrap_or_default()
    }

    /// [`Self::state_dump`] of the named objects only (cheaper, for oracles run thousands of times).
    pub fn state_dump_of(&self, org: &str, objects: &[&str]) -> serde_json::Value {
        self.shared
            .lock()
            .state_dump_of(org, Some(objects))
            .unwrap_or_default()
    }

    /// A digest of every record of `objects`, by Id (see [`state::SimState::record_digests`]).
    pub fn record_digests(
        &self,
        org: &str,
        objects: &[&str],
    ) -> std::collections::BTreeMap<String, u64> {
        self.shared
            .lock()
            .record_digests(org, objects)
            .unwrap_or_default()
    }

    /// [`Self::state_dump_of`] limited to the records with these Ids (and all records of
    /// `always`).
    pub fn state_dump_ids(
        &self,
        org: &str,
        objects: &[&str],
        ids: &std::collections::BTreeSet<String>,
        always: &[&str],
    ) -> serde_json::Value {
        self.shared
            .lock()
            .state_dump_ids(org, objects, ids, always)
            .unwrap_or_default()
    }

    /// Changes what the org does with record type updates on the integration profile from now on
    /// (until [`Self::reset`], which restores the configured switch).
    pub fn set_integration_profile_record_types(&self, mode: IntegrationProfileRecordTypes) {
        self.shared.lock().integration_profile_record_types = mode;
    }

    /// Arms a fault (see [`faults::Fault`]); returns its id.
    pub fn add_fault(&self, fault: faults::Fault) -> u64 {
        self.shared.lock().control.add(fault)
    }

    /// Disarms every fault.
    pub fn clear_faults(&self) {
        self.shared.lock().control.clear();
    }

    /// Sets the fixed latency and jitter (ms) from now on.
    pub fn set_latency(&self, ms: u64, jitter_ms: u64) {
        let mut st = self.shared.lock();
        st.control.latency_ms = ms;
        st.control.jitter_ms = jitter_ms;
    }

    /// API calls `org` has made today (counted against `api_allowance`).
    pub fn api_usage(&self, org: &str) -> u64 {
        let st = self.shared.lock();
        st.org_index(org)
            .and_then(|i| st.orgs.get(i))
            .map_or(0, |o| o.api_usage)
    }

    /// Sets `org`'s API usage.
    pub fn set_api_usage(&self, org: &str, used: u64) {
        admin::set_api_usage(&self.shared, org, Some(used));
    }

    /// Spends `org`'s whole allowance: the next REST call gets 403 REQUEST_LIMIT_EXCEEDED.
    pub fn spend_api_allowance(&self, org: &str) {
        admin::set_api_usage(&self.shared, org, None);
    }

    /// Runs one REST call (`path` with its query, under `/services/`) as `username` of `org`
    /// inside the sim: another admin acting on the org meanwhile. It goes through the same
    /// routing and write engine as HTTP calls, counts against the org's API allowance, and is
    /// never hit by armed faults or latency, nor logged. Returns the status and the JSON body
    /// (`Null` when it is not JSON).
    pub fn api_as(
        &self,
        org: &str,
        username: &str,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let sid = self.issue_session(org, username);
        let host = {
            let st = self.shared.lock();
            st.org_index(org)
                .and_then(|i| st.orgs.get(i))
                .map(|o| o.origin(HostKind::MyDomain))
                .unwrap_or_default()
        };
        let host = host.trim_start_matches("https://").to_owned();
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
            None => (path.to_owned(), None),
        };
        let mut headers = hyper::HeaderMap::new();
        if let Ok(v) = hyper::header::HeaderValue::from_str(&format!("Bearer {sid}")) {
            headers.insert(hyper::header::AUTHORIZATION, v);
        }
        headers.insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static("application/json"),
        );
        let req = http::Req {
            method: hyper::Method::from_bytes(method.as_bytes()).unwrap_or(hyper::Method::GET),
            host: org::strip_port(&host),
            path,
            query,
            headers,
            body: body.map(|b| b.to_string().into()).unwrap_or_default(),
        };
        let resp = router::route(&self.shared, &req).resp;
        let status = resp.status().as_u16();
        let mut body = resp.into_body();
        let mut bytes = Vec::new();
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        // A `Full` body is ready at once: one data frame, then the end.
        while let std::task::Poll::Ready(Some(Ok(frame))) =
            hyper::body::Body::poll_frame(std::pin::Pin::new(&mut body), &mut cx)
        {
            if let Ok(data) = frame.into_data() {
                bytes.extend_from_slice(&data);
            }
        }
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        )
    }

    /// Every logged request so far (admin endpoints excluded).
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.shared.lock().request_log()
    }

    /// Stops the server and waits for its thread.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    /// Blocks until the server thread ends (used by the CLI after a signal handler stops it).
    pub fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}
