//! Fault injection and latency for tests and the demo: fail the n-th write or a matching
//! request with a chosen status / errorCode / message; run a request and then lose its answer
//! (connection cut before the answer, body cut short, malformed body, a proxy's 502/503); refuse
//! one record of a collection call that allows partial success; answer with a redirect to another
//! host; and delay responses by a fixed or jittered amount from a deterministic PRNG. Armed through
//! `/__sim/faults` or [`crate::RunningSim::add_fault`].
//!
//! Lost answers are honest: the request runs and commits, then the connection is closed by the
//! server (`server.rs`) exactly as a broken network or a crashed proxy would leave it.

use serde::{Deserialize, Serialize};

/// What an armed fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with `status` and `[{"message","errorCode"}]` without running the request.
    #[default]
    Fail,
    /// Run the request, then send its body cut in half (still labelled JSON).
    MalformedJson,
    /// Run the request, then close the connection after half the body (Content-Length says
    /// more).
    Truncate,
    /// Run the request, then close the connection without sending any answer.
    Cut,
    /// Run the request, then answer `status` (502 or 503) with a proxy's plain-text page, as a
    /// gateway in front of Salesforce does when the server behind it stops answering.
    FailAfterCommit,
    /// In a collection call with `allOrNone=false` (salesforce.md §B.3), refuse record
    /// `record` with `errorCode`/`message` and run the others. Other requests run unchanged.
    PartialFailure,
    /// Answer `302 Found` with `Location: <location>` without running the request: an API host
    /// (or something in front of it) sending the client elsewhere. `location` may name any
    /// host the sim also serves, e.g. an attacker-named one resolved to the sim, whose requests
    /// land in the request log with whether they carried an `Authorization` header.
    Redirect,
}

impl FaultKind {
    /// Whether the request still runs (and commits) when this fault fires.
    pub fn runs_request(self) -> bool {
        !matches!(self, Self::Fail | Self::Redirect)
    }
}

fn default_status() -> u16 {
    500
}
fn default_code() -> String {
    "UNKNOWN_EXCEPTION".into()
}
fn default_message() -> String {
    "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-1234 (-1234567890)".into()
}
fn default_times() -> u32 {
    1
}

/// A fault to arm. JSON: `{"kind":"fail","method":"POST","path":"/services/data/*/composite*",
/// "nthWrite":2,"status":500,"errorCode":"UNKNOWN_EXCEPTION","message":"…","times":1}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    /// What happens.
    #[serde(default)]
    pub kind: FaultKind,
    /// HTTP method to match (any when absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Path to match, `*` matches any run of characters (any when absent).
    #[serde(default)]
    pub path: Option<String>,
    /// Fire on the n-th matching write (POST/PATCH/PUT/DELETE under `/services/`) counted
    /// from when the fault is armed.
    #[serde(default)]
    pub nth_write: Option<u32>,
    /// Status of a `fail`.
    #[serde(default = "default_status")]
    pub status: u16,
    /// errorCode of a `fail`.
    #[serde(default = "default_code")]
    pub error_code: String,
    /// Message of a `fail`.
    #[serde(default = "default_message")]
    pub message: String,
    /// How many times it fires before disarming.
    #[serde(default = "default_times")]
    pub times: u32,
    /// The record a `partial_failure` refuses (0-based).
    #[serde(default)]
    pub record: usize,
    /// Where a `redirect` sends the client (an absolute URL).
    #[serde(default)]
    pub location: Option<String>,
    /// Only requests whose body contains this text (any when absent): one subrequest's
    /// `referenceId`, say, among composite requests to the same path.
    #[serde(default)]
    pub body_contains: Option<String>,
}

impl Fault {
    /// A `fail` fault on the n-th write.
    pub fn fail_nth_write(n: u32, status: u16, error_code: &str, message: &str) -> Self {
        Self {
            kind: FaultKind::Fail,
            method: None,
            path: None,
            nth_write: Some(n),
            status,
            error_code: error_code.into(),
            message: message.into(),
            times: 1,
            record: 0,
            location: None,
            body_contains: None,
        }
    }

    /// A `redirect` of requests matching `method` (any if empty) and `path` glob to `location`.
    pub fn redirect(method: &str, path: &str, location: &str) -> Self {
        Self {
            location: Some(location.to_owned()),
            ..Self::matching(FaultKind::Redirect, method, path)
        }
    }

    /// A fault of `kind` on requests matching `method` (any if empty) and `path` glob.
    pub fn matching(kind: FaultKind, method: &str, path: &str) -> Self {
        Self {
            kind,
            method: (!method.is_empty()).then(|| method.to_owned()),
            path: Some(path.to_owned()),
            nth_write: None,
            status: default_status(),
            error_code: default_code(),
            message: default_message(),
            times: 1,
            record: 0,
            location: None,
            body_contains: None,
        }
    }

    /// Sets the status (of `fail` and `fail_after_commit`).
    pub fn with_status(mut self, status: u16, error_code: &str, message: &str) -> Self {
        self.status = status;
        self.error_code = error_code.into();
        self.message = message.into();
        self
    }

    /// Sets the record a `partial_failure` refuses.
    pub fn on_record(mut self, record: usize) -> Self {
        self.record = record;
        self
    }
}

/// A record of a collection call to refuse (armed by a `partial_failure` fault, taken by the
/// collection handler).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFailure {
    /// 0-based index in the call.
    pub record: usize,
    /// `statusCode` of the refusal.
    pub error_code: String,
    /// Its message.
    pub message: String,
}

/// An armed fault and its counters.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Armed {
    /// Id (for listing).
    pub id: u64,
    /// The fault.
    #[serde(flatten)]
    pub fault: Fault,
    /// Matching writes seen so far.
    pub writes_seen: u32,
    /// Remaining firings.
    pub remaining: u32,
}

/// `*` glob match.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut pos = 0;
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            if !text.starts_with(p) {
                return false;
            }
            pos = p.len();
        } else if i == parts.len() - 1 {
            return text.len() >= pos + p.len() && text[pos..].ends_with(p);
        } else if let Some(found) = text[pos..].find(p) {
            pos += found + p.len();
        } else {
            return false;
        }
    }
    true
}

/// Faults, latency and its PRNG.
#[derive(Debug, Clone)]
pub struct Control {
    faults: Vec<Armed>,
    next_id: u64,
    /// Fixed delay (ms).
    pub latency_ms: u64,
    /// Jitter (ms).
    pub jitter_ms: u64,
    rng: u64,
    /// Set while a request fired by a `partial_failure` fault runs.
    pub record_failure: Option<RecordFailure>,
}

impl Control {
    /// From the configuration.
    pub fn new(latency_ms: u64, jitter_ms: u64, seed: u64) -> Self {
        Self {
            faults: Vec::new(),
            next_id: 1,
            latency_ms,
            jitter_ms,
            rng: seed,
            record_failure: None,
        }
    }

    /// Arms a fault; returns its id.
    pub fn add(&mut self, fault: Fault) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let remaining = fault.times.max(1);
        self.faults.push(Armed {
            id,
            fault,
            writes_seen: 0,
            remaining,
        });
        id
    }

    /// Disarms all faults.
    pub fn clear(&mut self) {
        self.faults.clear();
    }

    /// Armed faults.
    pub fn list(&self) -> Vec<Armed> {
        self.faults.clone()
    }

    /// The fault that fires for this request, if any (counters advance).
    pub fn fire(&mut self, method: &str, path: &str, body: &[u8]) -> Option<Fault> {
        let is_write =
            matches!(method, "POST" | "PATCH" | "PUT" | "DELETE") && path.starts_with("/services/");
        let mut fired = None;
        for a in &mut self.faults {
            let f = &a.fault;
            let matches = f
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
                && f.path.as_deref().is_none_or(|p| glob(p, path))
                && f.body_contains.as_deref().is_none_or(|text| {
                    !text.is_empty() && body.windows(text.len()).any(|w| w == text.as_bytes())
                });
            if !matches {
                continue;
            }
            let fires = match f.nth_write {
                Some(n) if is_write => {
                    a.writes_seen += 1;
                    a.writes_seen == n
                }
                Some(_) => false,
                None => f.method.is_some() || f.path.is_some(),
            };
            if fires && fired.is_none() {
                a.remaining = a.remaining.saturating_sub(1);
                if f.nth_write.is_some() {
                    a.writes_seen = 0;
                }
                fired = Some(a.fault.clone());
            }
        }
        self.faults.retain(|a| a.remaining > 0);
        fired
    }

    /// The next response delay (splitmix64, deterministic per seed).
    pub fn next_delay_ms(&mut self) -> u64 {
        if self.jitter_ms == 0 {
            return self.latency_ms;
        }
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        self.latency_ms + z % (self.jitter_ms + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_with_body_contains_fires_only_on_requests_whose_body_holds_the_text() {
        let mut c = Control::new(0, 0, 1);
        c.add(Fault {
            body_contains: Some("\"referenceId\":\"deleteSet\"".into()),
            times: 2,
            ..Fault::matching(FaultKind::Fail, "POST", "/services/data/*/composite")
        });
        let read = br#"{"compositeRequest":[{"referenceId":"records"}]}"#;
        let delete = br#"{"compositeRequest":[{"referenceId":"deleteSet"}]}"#;
        let path = "/services/data/v66.0/composite";
        assert!(c.fire("POST", path, read).is_none());
        assert!(c.fire("POST", path, delete).is_some());
        assert!(c.fire("POST", path, b"").is_none());
        assert!(c.fire("POST", path, delete).is_some());
        assert!(c.list().is_empty());
    }

    #[test]
    fn globs_and_firing() {
        assert!(glob(
            "/services/data/*/composite*",
            "/services/data/v66.0/composite/sobjects"
        ));
        assert!(glob("*", "x"));
        assert!(!glob("/a*b", "/ac"));
        let mut c = Control::new(0, 0, 1);
        c.add(Fault::fail_nth_write(2, 503, "SERVER_UNAVAILABLE", "down"));
        assert!(c.fire("GET", "/services/data/v66.0/query", b"").is_none());
        assert!(c
            .fire("POST", "/services/data/v66.0/sobjects/Account", b"")
            .is_none());
        assert_eq!(
            c.fire("PATCH", "/services/data/v66.0/sobjects/Account/1", b"")
                .map(|f| f.status),
            Some(503)
        );
        assert!(c.list().is_empty());
        let mut j = Control::new(10, 5, 7);
        let a: Vec<u64> = (0..20).map(|_| j.next_delay_ms()).collect();
        let mut k = Control::new(10, 5, 7);
        let b: Vec<u64> = (0..20).map(|_| k.next_delay_ms()).collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|d| (10..=15).contains(d)));
        assert!(a.iter().any(|d| *d != a[0]));
    }
}
