//! Salesforce host names: which hosts belong to Salesforce, which one serves an org's REST API,
//! and what kind of org a My Domain host names (salesforce.md §A.3, §A.6).

use std::fmt;

/// Parent domains whose `sid` cookies can belong to an org, searched in this order
/// (SFIR `getSfHost`, salesforce.md §A.3). `salesforce-setup.com` is deliberately absent: a Setup-domain
/// page's cookie only tells us the org id; the API host comes from the `*.my.salesforce.com` cookie.
pub const SESSION_COOKIE_DOMAINS: [&str; 6] = [
    "salesforce.com",
    "cloudforce.com",
    "salesforce.mil",
    "cloudforce.mil",
    "sfcrmproducts.cn",
    "force.com",
];

/// Every parent domain on which Forcefield runs (drawn from SFIR's host list, salesforce.md §A.1):
/// the one source of Salesforce host patterns. The manifest's host permissions and every content
/// script's matches are exactly `https://*.<domain>/*` for these (tests/host_patterns.rs checks),
/// and the core accepts no host outside them. Experience Cloud sites are left out: Forcefield
/// works on Setup, not on sites.
pub const SALESFORCE_DOMAINS: [&str; 12] = [
    "salesforce.com",
    "salesforce-setup.com",
    "force.com",
    "cloudforce.com",
    "visualforce.com",
    "sfcrmapps.cn",
    "sfcrmproducts.cn",
    "salesforce.mil",
    "force.mil",
    "cloudforce.mil",
    "visualforce.mil",
    "crmforce.mil",
];

/// The manifest's match pattern for one of [`SALESFORCE_DOMAINS`].
pub fn match_pattern(domain: &str) -> String {
    format!("https://*.{domain}/*")
}

/// Hosts that serve the REST API and may receive the session token (each under one of
/// [`SALESFORCE_DOMAINS`]).
pub const API_DOMAINS: [&str; 5] = [
    "salesforce.com",
    "cloudforce.com",
    "salesforce.mil",
    "cloudforce.mil",
    "sfcrmproducts.cn",
];

/// Microsoft Defender for Cloud Apps proxies Salesforce under this suffix; the `sid` there exists
/// but cannot be read (salesforce.md §A.3, §A.6).
const MCAS_SUFFIX: &str = ".mcas.ms";

/// A lower-cased host name that is known to belong to Salesforce.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SalesforceHost(String);

impl SalesforceHost {
    /// Accepts a bare host (no scheme, no port) under one of Salesforce's domains.
    pub fn parse(host: &str) -> Option<Self> {
        let host = host.trim().trim_start_matches('.').to_ascii_lowercase();
        let valid_chars = host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if host.is_empty() || !valid_chars || host.contains("..") {
            return None;
        }
        let unproxied = host.strip_suffix(MCAS_SUFFIX).unwrap_or(&host);
        SALESFORCE_DOMAINS
            .iter()
            .any(|domain| is_under(unproxied, domain))
            .then_some(Self(host))
    }

    /// The host of a URL, if the URL is `https` on a Salesforce host. URLs with credentials
    /// (`user@host`) are refused rather than parsed.
    pub fn from_url(url: &str) -> Option<Self> {
        let scheme_end = url.find("://")?;
        if !url[..scheme_end].eq_ignore_ascii_case("https") {
            return None;
        }
        let rest = &url[scheme_end + 3..];
        let authority = rest.split(['/', '?', '#']).next()?;
        if authority.contains('@') {
            return None;
        }
        let host = match authority.rsplit_once(':') {
            Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
                host
            }
            Some(_) => return None,
            None => authority,
        };
        Self::parse(host)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the page behind Microsoft Defender for Cloud Apps, whose cookies can't be read.
    pub fn is_mcas_proxy(&self) -> bool {
        self.0.ends_with(MCAS_SUFFIX)
    }

    /// Whether this host may receive the session token: the REST API is served on
    /// `*.my.salesforce.com` (and the .mil/.cn equivalents), never on Lightning, Setup-domain,
    /// Visualforce or help hosts.
    pub fn is_api_host(&self) -> bool {
        let host = self.0.as_str();
        !self.is_mcas_proxy()
            && !host.starts_with("help.")
            && !host.starts_with("login.")
            && !host.starts_with("test.")
            && API_DOMAINS.iter().any(|domain| is_under(host, domain))
            && !host.contains(".lightning.")
            && !host.ends_with(".salesforce-setup.com")
    }

    /// The API host this UI host most likely belongs to, by SFIR's `getMyDomain` rewrite
    /// (salesforce.md §A.3) extended to the Setup domain (salesforce.md §H.Q7): `x.lightning.force.com` and
    /// `x.my.salesforce-setup.com` become `x.my.salesforce.com`, sandbox/scratch/develop included.
    /// The cookie search in [`super::session`] has the last word; this is the tie-breaker.
    pub fn api_host_guess(&self) -> Option<SalesforceHost> {
        let host = self.0.strip_suffix(MCAS_SUFFIX).unwrap_or(&self.0);
        let mapped = if let Some(prefix) = host.strip_suffix(".lightning.force.com") {
            format!("{prefix}.my.salesforce.com")
        } else if let Some(prefix) = host.strip_suffix(".my.salesforce-setup.com") {
            format!("{prefix}.my.salesforce.com")
        } else if let Some((prefix, rest)) = host.split_once(".lightning.") {
            // `x.lightning.<region>.force.com` → `x.my.<region>.salesforce.com` (SFIR regex).
            let region = rest.strip_suffix(".force.com")?;
            if region.contains('.') {
                return None;
            }
            format!("{prefix}.my.{region}.salesforce.com")
        } else {
            host.to_owned()
        };
        Self::parse(&mapped).filter(Self::is_api_host)
    }

    /// What the My Domain part of the host says about the org (salesforce.md §A.6).
    pub fn my_domain(&self) -> Option<MyDomain> {
        let host = self.0.strip_suffix(MCAS_SUFFIX).unwrap_or(&self.0);
        let before_my = host
            .strip_suffix(".my.salesforce.com")
            .or_else(|| host.strip_suffix(".my.salesforce-setup.com"))
            .or_else(|| host.strip_suffix(".lightning.force.com"))
            .or_else(|| host.strip_suffix(".my.salesforce.mil"))
            .or_else(|| host.strip_suffix(".my.sfcrmproducts.cn"))?;
        let (name_part, kind) = match before_my.rsplit_once('.') {
            Some((name, "sandbox")) => (name, DomainKind::Sandbox),
            Some((name, "scratch")) => (name, DomainKind::Scratch),
            Some((name, "develop")) => (name, DomainKind::DeveloperEdition),
            Some(_) => return None,
            None => (before_my, DomainKind::Production),
        };
        let (name, sandbox) = match (kind, name_part.split_once("--")) {
            (DomainKind::Sandbox, Some((name, sandbox))) => (name, Some(sandbox.to_owned())),
            _ => (name_part, None),
        };
        Some(MyDomain {
            name: name.to_owned(),
            sandbox,
            kind,
        })
    }
}

impl fmt::Display for SalesforceHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_under(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

/// The kind of org a My Domain host name announces (salesforce.md §A.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DomainKind {
    Production,
    Sandbox,
    Scratch,
    DeveloperEdition,
}

/// The org's My Domain, read from a host name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MyDomain {
    pub name: String,
    pub sandbox: Option<String>,
    pub kind: DomainKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(h: &str) -> SalesforceHost {
        SalesforceHost::parse(h).unwrap_or_else(|| panic!("{h} should parse"))
    }

    #[test]
    fn accepts_salesforce_hosts_and_rejects_lookalikes() {
        for ok in [
            "acme.my.salesforce.com",
            "ACME.lightning.force.com",
            "acme.my.salesforce-setup.com",
            "acme--c.vf.force.com",
            "acme.my.salesforce.com.mcas.ms",
            "acme.my.salesforce.mil",
        ] {
            assert!(SalesforceHost::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "salesforce.com.evil.example",
            "evilsalesforce.com",
            "acme.my.salesforce.com:443",
            "",
            "acme..salesforce.com",
            "example.com",
        ] {
            assert!(SalesforceHost::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn only_https_urls_yield_hosts() {
        assert!(SalesforceHost::from_url("http://acme.my.salesforce.com/").is_none());
        assert!(SalesforceHost::from_url("https://evil.example@acme.my.salesforce.com/").is_none());
        assert!(SalesforceHost::from_url("https://acme.my.salesforce.com:x/").is_none());
        assert_eq!(
            SalesforceHost::from_url("HTTPS://Acme.My.Salesforce.com?q=1"),
            Some(host("acme.my.salesforce.com"))
        );
        assert_eq!(
            SalesforceHost::from_url("https://acme.my.salesforce.com:443/005?x=1"),
            Some(host("acme.my.salesforce.com"))
        );
    }

    #[test]
    fn ui_hosts_map_to_their_api_host() {
        let cases = [
            ("acme.lightning.force.com", "acme.my.salesforce.com"),
            ("acme.my.salesforce-setup.com", "acme.my.salesforce.com"),
            (
                "acme--uat.sandbox.lightning.force.com",
                "acme--uat.sandbox.my.salesforce.com",
            ),
            (
                "acme--uat.sandbox.my.salesforce-setup.com",
                "acme--uat.sandbox.my.salesforce.com",
            ),
            (
                "x-dev-ed.scratch.my.salesforce-setup.com",
                "x-dev-ed.scratch.my.salesforce.com",
            ),
            (
                "x-dev-ed.develop.lightning.force.com",
                "x-dev-ed.develop.my.salesforce.com",
            ),
            ("acme.my.salesforce.com", "acme.my.salesforce.com"),
            ("acme.lightning.force.com.mcas.ms", "acme.my.salesforce.com"),
        ];
        for (ui, api) in cases {
            assert_eq!(host(ui).api_host_guess(), Some(host(api)), "{ui}");
        }
        assert_eq!(host("acme--c.vf.force.com").api_host_guess(), None);
    }

    #[test]
    fn the_token_only_goes_to_api_hosts() {
        assert!(host("acme.my.salesforce.com").is_api_host());
        assert!(host("acme--uat.sandbox.my.salesforce.com").is_api_host());
        for not_api in [
            "acme.lightning.force.com",
            "acme.my.salesforce-setup.com",
            "help.salesforce.com",
            "login.salesforce.com",
            "acme--c.vf.force.com",
            "acme.my.salesforce.com.mcas.ms",
        ] {
            assert!(!host(not_api).is_api_host(), "{not_api}");
        }
    }

    #[test]
    fn my_domain_names_the_org_kind() {
        let sandbox = host("acme--uat.sandbox.my.salesforce.com").my_domain();
        assert_eq!(
            sandbox,
            Some(MyDomain {
                name: "acme".into(),
                sandbox: Some("uat".into()),
                kind: DomainKind::Sandbox
            })
        );
        let kinds = [
            ("acme.lightning.force.com", DomainKind::Production),
            (
                "x-dev-ed.develop.my.salesforce.com",
                DomainKind::DeveloperEdition,
            ),
            ("x.scratch.my.salesforce-setup.com", DomainKind::Scratch),
        ];
        for (h, kind) in kinds {
            assert_eq!(host(h).my_domain().map(|d| d.kind), Some(kind), "{h}");
        }
        assert_eq!(host("acme--c.vf.force.com").my_domain(), None);
    }
}
