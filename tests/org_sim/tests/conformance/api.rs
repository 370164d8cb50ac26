//! Helpers for the data-API conformance tests: an authenticated client on one org.

use org_sim::RunningSim;
use serde_json::Value;
use std::marker::PhantomData;

use crate::common::*;

/// An admin API client on `acme` (or another user / org).
pub struct Api<'a> {
    _sim: PhantomData<&'a RunningSim>,
    pub agent: ureq::Agent,
    pub sid: String,
    pub host: &'static str,
}

impl<'a> Api<'a> {
    pub fn admin(sim: &'a RunningSim) -> Self {
        Self::as_user(sim, ADMIN)
    }

    pub fn as_user(sim: &'a RunningSim, username: &str) -> Self {
        Self {
            _sim: PhantomData,
            agent: sim.agent(),
            sid: sim.issue_session("acme", username),
            host: ACME,
        }
    }

    /// An admin client on the `acme--uat` sandbox.
    pub fn uat_admin(sim: &'a RunningSim) -> Self {
        Self {
            _sim: PhantomData,
            agent: sim.agent(),
            sid: sim.issue_session("acme--uat", "admin@acme.example.uat"),
            host: UAT,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!(
            "https://{}/services/data/v66.0/{}",
            self.host,
            path.trim_start_matches('/')
        )
    }

    fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let url = if path.starts_with("https://") {
            path.to_owned()
        } else {
            self.url(path)
        };
        let mut b = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header("Authorization", format!("Bearer {}", self.sid));
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let body = body.map(|v| v.to_string()).unwrap_or_default();
        if !body.is_empty() {
            b = b.header("Content-Type", "application/json");
        }
        let req = b.body(body).unwrap();
        let mut r = self.agent.run(req).expect("request completes");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r.body_mut().read_to_string().unwrap_or_default();
        Resp {
            status,
            headers,
            body,
        }
    }

    pub fn get(&self, path: &str) -> Resp {
        self.send("GET", path, None, &[])
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        self.send("GET", path, None, headers)
    }

    pub fn post(&self, path: &str, body: &Value) -> Resp {
        self.send("POST", path, Some(body), &[])
    }

    pub fn patch(&self, path: &str, body: &Value) -> Resp {
        self.send("PATCH", path, Some(body), &[])
    }

    pub fn delete(&self, path: &str) -> Resp {
        self.send("DELETE", path, None, &[])
    }

    /// Records of a query (asserts 200).
    pub fn query(&self, soql: &str) -> Vec<Value> {
        let r = self.get(&format!("query?q={}", q(soql)));
        assert_eq!(r.status, 200, "{soql}: {}", r.body);
        r.json()["records"].as_array().unwrap().clone()
    }

    /// The Id of the first row of a query.
    pub fn id(&self, soql: &str) -> String {
        let rows = self.query(soql);
        rows.first().unwrap_or_else(|| panic!("no row: {soql}"))["Id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Creates a record (asserts 201) and returns its Id.
    pub fn create(&self, object: &str, body: Value) -> String {
        let r = self.post(&format!("sobjects/{object}"), &body);
        assert_eq!(r.status, 201, "create {object}: {}", r.body);
        r.json()["id"].as_str().unwrap().to_owned()
    }

    pub fn user_id(&self, username: &str) -> String {
        self.id(&format!(
            "SELECT Id FROM User WHERE Username = '{username}'"
        ))
    }

    pub fn ps_id(&self, name: &str) -> String {
        self.id(&format!(
            "SELECT Id FROM PermissionSet WHERE Name = '{name}'"
        ))
    }
}

/// Asserts a response is exactly `status` with exactly `body` (JSON-compared).
pub fn assert_exact(r: &Resp, status: u16, body: Value) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.json(), body, "{}", r.body);
}
