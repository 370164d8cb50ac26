//! Finding the admin's API session for a Salesforce tab from the browser's `sid` cookies, the way
//! Salesforce Inspector Reloaded proved works (salesforce.md §A.3), with several orgs kept apart by org id.

use super::host::{SalesforceHost, SESSION_COOKIE_DOMAINS};
use crate::platform::SessionSource;
use std::fmt;

/// A `sid` cookie as the browser's cookie API reports it.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SidCookie {
    pub domain: String,
    pub value: String,
}

impl fmt::Debug for SidCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The value is a live session token: never print it.
        f.debug_struct("SidCookie")
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

/// The browser's cookie store, as far as finding sessions needs it.
#[allow(async_fn_in_trait)] // Only used single-threaded, in one browser context.
pub trait CookieJar {
    /// The `sid` cookie that would be sent to `url`.
    async fn sid_for_url(&self, url: &str) -> Result<Option<SidCookie>, CookieStoreError>;
    /// Every secure `sid` cookie on `domain` and its subdomains.
    async fn sids_on_domain(&self, domain: &str) -> Result<Vec<SidCookie>, CookieStoreError>;
}

/// The browser refused to read cookies: its own words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieStoreError(pub String);

/// The browser's [`SessionSource`]: sessions from `sid` cookies, as [`find_session`] finds them.
#[derive(Debug)]
pub struct CookieSessions<J>(pub J);

impl<J: CookieJar> SessionSource for CookieSessions<J> {
    async fn org_of(&self, org_url: &str) -> Result<OrgId, SessionError> {
        org_of_page(&self.0, org_url).await
    }

    async fn session(&self, org_url: &str) -> Result<Session, SessionError> {
        find_session(&self.0, org_url).await
    }
}

impl<J: CookieJar + ?Sized> CookieJar for &J {
    async fn sid_for_url(&self, url: &str) -> Result<Option<SidCookie>, CookieStoreError> {
        (**self).sid_for_url(url).await
    }
    async fn sids_on_domain(&self, domain: &str) -> Result<Vec<SidCookie>, CookieStoreError> {
        (**self).sids_on_domain(domain).await
    }
}

/// A Salesforce org id, the 15-character form that prefixes every `sid` value (salesforce.md §A.3).
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct OrgId(String);

impl OrgId {
    /// Accepts a 15- or 18-character org id (key prefix `00D`) and keeps the 15-character form.
    pub fn parse(id: &str) -> Option<Self> {
        let well_formed = (id.len() == 15 || id.len() == 18)
            && id.starts_with("00D")
            && id.chars().all(|c| c.is_ascii_alphanumeric());
        let id15 = id.get(..15).filter(|_| well_formed)?;
        Some(Self(id15.to_owned()))
    }

    /// The org id a `sid` value belongs to: "sid value starts with the 15-char org Id followed
    /// by `!`" (salesforce.md §A.3).
    pub fn of_sid(sid: &str) -> Option<Self> {
        let (org, _) = sid.split_once('!')?;
        (org.len() == 15).then(|| Self::parse(org)).flatten()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An API session: the token and the one host allowed to receive it.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    pub org_id: OrgId,
    pub api_host: SalesforceHost,
    token: String,
}

impl Session {
    /// Builds a session, refusing any host that does not serve the REST API.
    pub fn new(org_id: OrgId, api_host: SalesforceHost, token: String) -> Option<Self> {
        api_host.is_api_host().then_some(Self {
            org_id,
            api_host,
            token,
        })
    }

    /// The bearer token, only for building a request to [`Self::api_host`].
    pub(crate) fn token(&self) -> &str {
        &self.token
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("org_id", &self.org_id)
            .field("api_host", &self.api_host)
            .finish_non_exhaustive()
    }
}

/// Why no session could be found. Worded for the admin in [`crate::words`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionError {
    NotSalesforce,
    /// Behind Microsoft Defender for Cloud Apps, whose cookies extensions can't read
    /// (salesforce.md §A.3, §A.6).
    ProxiedSession,
    NotLoggedIn,
    /// The org's `sid` on its API host (named) is missing.
    NoApiSession(String),
    /// The browser refused to read cookies (its words).
    CookieStore(String),
    /// A host with its own login (the Salesforce CLI) could not give a session (its words).
    Host(String),
}

/// The org a page belongs to, from its own `sid` cookie only (no API call, no other cookie).
pub async fn org_of_page(jar: &impl CookieJar, page_url: &str) -> Result<OrgId, SessionError> {
    let host = SalesforceHost::from_url(page_url).ok_or(SessionError::NotSalesforce)?;
    if host.is_mcas_proxy() {
        return Err(SessionError::ProxiedSession);
    }
    let cookie = jar
        .sid_for_url(page_url)
        .await
        .map_err(|e| SessionError::CookieStore(e.0))?
        .ok_or(SessionError::NotLoggedIn)?;
    OrgId::of_sid(&cookie.value).ok_or(SessionError::NotLoggedIn)
}

/// The API session for the org whose page is at `page_url` (salesforce.md §A.3): the page's `sid` names
/// the org; the same org's `sid` on an API host is the session. A `sid` of another org is never
/// used, so several orgs open at once stay apart.
pub async fn find_session(jar: &impl CookieJar, page_url: &str) -> Result<Session, SessionError> {
    let org_id = org_of_page(jar, page_url).await?;
    let page_host = SalesforceHost::from_url(page_url).ok_or(SessionError::NotSalesforce)?;
    let preferred = page_host.api_host_guess();

    let mut candidates: Vec<(SalesforceHost, String)> = Vec::new();
    for domain in SESSION_COOKIE_DOMAINS {
        let cookies = jar
            .sids_on_domain(domain)
            .await
            .map_err(|e| SessionError::CookieStore(e.0))?;
        for cookie in cookies {
            let same_org = OrgId::of_sid(&cookie.value).as_ref() == Some(&org_id);
            match SalesforceHost::parse(&cookie.domain) {
                Some(host) if same_org && host.is_api_host() => {
                    candidates.push((host, cookie.value));
                }
                _ => {}
            }
        }
    }
    // Prefer the API host the page itself maps to, then a My Domain host over a legacy
    // instance host (an org keeps old `naXX.salesforce.com` cookies after enabling My Domain);
    // among equals, the first found.
    let best = candidates.into_iter().min_by_key(|(host, _)| {
        (
            Some(host) != preferred.as_ref(),
            !host.as_str().contains(".my."),
        )
    });
    let (api_host, token) = best.ok_or_else(|| {
        SessionError::NoApiSession(preferred.map(|h| h.to_string()).unwrap_or_default())
    })?;
    Session::new(org_id, api_host.clone(), token)
        .ok_or_else(|| SessionError::NoApiSession(api_host.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A cookie store holding the cookies a browser would have after logging in to some orgs.
    struct Jar(BTreeMap<String, String>);

    impl Jar {
        fn new(cookies: &[(&str, &str)]) -> Self {
            Self(
                cookies
                    .iter()
                    .map(|(d, v)| ((*d).to_owned(), (*v).to_owned()))
                    .collect(),
            )
        }
    }

    impl CookieJar for Jar {
        async fn sid_for_url(&self, url: &str) -> Result<Option<SidCookie>, CookieStoreError> {
            let host = SalesforceHost::from_url(url)
                .map(|h| h.to_string())
                .unwrap_or_default();
            Ok(self.0.get(&host).map(|value| SidCookie {
                domain: host,
                value: value.clone(),
            }))
        }
        async fn sids_on_domain(&self, domain: &str) -> Result<Vec<SidCookie>, CookieStoreError> {
            Ok(self
                .0
                .iter()
                .filter(|(host, _)| host.ends_with(&format!(".{domain}")))
                .map(|(domain, value)| SidCookie {
                    domain: domain.clone(),
                    value: value.clone(),
                })
                .collect())
        }
    }

    const ACME: &str = "00DAM0000000001";
    const UAT: &str = "00DAM0000000002";

    fn two_orgs() -> Jar {
        Jar::new(&[
            ("acme.my.salesforce.com", "00DAM0000000001!api-acme"),
            ("acme.lightning.force.com", "00DAM0000000001!ui-acme"),
            ("acme.my.salesforce-setup.com", "00DAM0000000001!setup-acme"),
            (
                "acme--uat.sandbox.my.salesforce.com",
                "00DAM0000000002!api-uat",
            ),
            (
                "acme--uat.sandbox.lightning.force.com",
                "00DAM0000000002!ui-uat",
            ),
        ])
    }

    fn find(jar: &Jar, url: &str) -> Result<Session, SessionError> {
        pollster::block_on(find_session(jar, url))
    }

    #[test]
    fn a_lightning_or_setup_page_uses_its_orgs_api_cookie() {
        let jar = two_orgs();
        for url in [
            "https://acme.lightning.force.com/lightning/setup/SetupOneHome/home",
            "https://acme.my.salesforce-setup.com/lightning/setup/ManageUsers/home",
            "https://acme.my.salesforce.com/005",
        ] {
            let session = find(&jar, url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(session.org_id.as_str(), ACME);
            assert_eq!(session.api_host.as_str(), "acme.my.salesforce.com");
            assert_eq!(session.token(), "00DAM0000000001!api-acme");
        }
        let uat = find(&jar, "https://acme--uat.sandbox.lightning.force.com/x")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(uat.org_id.as_str(), UAT);
        assert_eq!(uat.token(), "00DAM0000000002!api-uat");
    }

    #[test]
    fn never_borrows_another_orgs_session() {
        let jar = Jar::new(&[
            ("acme.lightning.force.com", "00DAM0000000001!ui-acme"),
            (
                "acme--uat.sandbox.my.salesforce.com",
                "00DAM0000000002!api-uat",
            ),
        ]);
        assert_eq!(
            find(&jar, "https://acme.lightning.force.com/x"),
            Err(SessionError::NoApiSession("acme.my.salesforce.com".into()))
        );
    }

    #[test]
    fn explains_missing_or_unreadable_sessions() {
        let jar = two_orgs();
        assert_eq!(
            find(&jar, "https://other.lightning.force.com/x"),
            Err(SessionError::NotLoggedIn)
        );
        assert_eq!(
            find(&jar, "https://example.com/"),
            Err(SessionError::NotSalesforce)
        );
        assert_eq!(
            find(&jar, "https://acme.lightning.force.com.mcas.ms/x"),
            Err(SessionError::ProxiedSession)
        );
        let garbage = Jar::new(&[("acme.lightning.force.com", "not-a-session")]);
        assert_eq!(
            find(&garbage, "https://acme.lightning.force.com/x"),
            Err(SessionError::NotLoggedIn)
        );
    }

    #[test]
    fn prefers_my_domain_over_a_legacy_instance_cookie() {
        let jar = Jar::new(&[
            ("na42.salesforce.com", "00DAM0000000001!legacy"),
            ("acme.my.salesforce.com", "00DAM0000000001!mydomain"),
            ("acme.lightning.force.com", "00DAM0000000001!ui"),
        ]);
        let session =
            find(&jar, "https://acme.lightning.force.com/x").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(session.token(), "00DAM0000000001!mydomain");
    }

    #[test]
    fn debug_output_never_shows_the_token() {
        let jar = two_orgs();
        let session =
            find(&jar, "https://acme.lightning.force.com/x").unwrap_or_else(|e| panic!("{e}"));
        assert!(!format!("{session:?}").contains("api-acme"));
    }

    #[test]
    fn org_ids_are_validated() {
        assert_eq!(
            OrgId::parse("00DAM0000000001AAA").map(|o| o.0),
            Some(ACME.into())
        );
        assert_eq!(OrgId::parse("005AM0000000001"), None);
        assert_eq!(
            OrgId::of_sid("00DAM0000000001!abc").map(|o| o.0),
            Some(ACME.into())
        );
        assert_eq!(OrgId::of_sid("00DAM0000000001AAA!abc"), None);
    }
}
