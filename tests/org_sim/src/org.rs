//! A simulated org at run time (identity, hosts, API version, data) and the mapping from a
//! request's `Host` header to an org and host kind (salesforce.md §A.6 domain formats).

use crate::config::SimConfig;
use crate::seed::{self, OrgSeed};
use crate::store::{Store, StoreError};

/// Which of an org's hosts a request reached (salesforce.md §A.6, §F.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostKind {
    /// `<org>.my.salesforce.com` / `<org>.sandbox.my.salesforce.com`: API, login, Classic.
    MyDomain,
    /// `<org>.lightning.force.com` / `<org>.sandbox.lightning.force.com`: Lightning UI.
    Lightning,
    /// `<org>.my.salesforce-setup.com` / `<org>.sandbox.my.salesforce-setup.com`: Setup.
    Setup,
}

impl HostKind {
    /// All kinds, in login order (my domain first, setup domain last; salesforce.md §A.3).
    pub const ALL: [Self; 3] = [Self::MyDomain, Self::Lightning, Self::Setup];

    /// Short label for logs and CLI output.
    pub fn label(self) -> &'static str {
        match self {
            Self::MyDomain => "my-domain",
            Self::Lightning => "lightning",
            Self::Setup => "setup",
        }
    }
}

/// One org.
#[derive(Debug, Clone)]
pub struct Org {
    /// My Domain name (`acme`).
    pub name: String,
    /// Organization.Name.
    pub display_name: String,
    /// 15-char Organization Id.
    pub org_id15: String,
    /// 18-char Organization Id.
    pub org_id18: String,
    /// Organization.IsSandbox.
    pub is_sandbox: bool,
    /// Organization.OrganizationType (`Enterprise Edition`).
    pub edition: String,
    /// Highest API version served (`66.0`).
    pub max_api_version: String,
    /// Username of the default login user.
    pub default_username: String,
    /// Records.
    pub store: Store,
    /// Tooling API records (PermissionDependency, salesforce.md §H.Q5).
    pub tooling: Store,
    /// Permission dependencies enforced on permission sets (same rows as `tooling`).
    pub dependencies: Vec<crate::seed_perms::Dependency>,
    /// Each profile's record type visibilities (salesforce.md §I.12), keyed by profile Id.
    pub record_type_visibility: crate::record_types::Visibilities,
    /// API calls made so far (`Sforce-Limit-Info`, salesforce.md §B.2 REQUEST_LIMIT_EXCEEDED context).
    pub api_usage: u64,
}

impl Org {
    /// Builds an org from its seed.
    pub fn from_seed(seed: &OrgSeed, config: &SimConfig) -> Result<Self, StoreError> {
        let store = seed::build_store(seed, config)?;
        let mut tooling = crate::seed_perms::tooling_store(seed, config)?;
        // The Tooling API's Profile: the same Ids, with the Metadata API name as `FullName`
        // (salesforce.md §I.12).
        for profile in store.records("Profile") {
            let name = profile.text("Name").unwrap_or_default();
            tooling.insert_with_id(
                "Profile",
                &profile.id,
                &[
                    ("Name", crate::store::Value::text(name)),
                    (
                        "FullName",
                        crate::store::Value::text(crate::record_types::metadata_name(name)),
                    ),
                ],
            )?;
        }
        Ok(Self {
            record_type_visibility: crate::record_types::seed_visibilities(&store),
            name: seed.name.to_owned(),
            display_name: seed.display_name.to_owned(),
            org_id15: seed.org_id15.to_owned(),
            org_id18: seed::org_id18(seed),
            is_sandbox: seed.sandbox,
            edition: seed.edition.to_owned(),
            max_api_version: if seed.sandbox {
                config.sandbox_api_version.clone()
            } else {
                config.prod_api_version.clone()
            },
            default_username: seed
                .users
                .first()
                .map(|u| u.username.to_owned())
                .unwrap_or_default(),
            store,
            tooling,
            dependencies: crate::seed_perms::dependencies(config),
            api_usage: 0,
        })
    }

    /// Host name of one of this org's hosts (salesforce.md §A.6: sandboxes add `.sandbox`).
    pub fn host(&self, kind: HostKind) -> String {
        let sbx = if self.is_sandbox { ".sandbox" } else { "" };
        match kind {
            HostKind::MyDomain => format!("{}{sbx}.my.salesforce.com", self.name),
            HostKind::Lightning => format!("{}{sbx}.lightning.force.com", self.name),
            HostKind::Setup => format!("{}{sbx}.my.salesforce-setup.com", self.name),
        }
    }

    /// `https://<host>` of one of this org's hosts.
    pub fn origin(&self, kind: HostKind) -> String {
        format!("https://{}", self.host(kind))
    }

    /// Which of this org's hosts `host` is.
    pub fn kind_of(&self, host: &str) -> Option<HostKind> {
        HostKind::ALL
            .into_iter()
            .find(|k| self.host(*k).eq_ignore_ascii_case(host))
    }
}

/// Where a request's `Host` header points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `127.0.0.1` / `localhost`: admin endpoints and the default org's API.
    Loopback,
    /// One org's host (index into the org list).
    Org(usize, HostKind),
    /// Anything else.
    Unknown,
}

/// Host header without `:port`, lower-cased (IPv6 literals keep their brackets).
pub fn strip_port(host: &str) -> String {
    let h = if host.starts_with('[') {
        host.split_once(']')
            .map_or(host, |(a, _)| a)
            .trim_start_matches('[')
    } else {
        host.rsplit_once(':').map_or(host, |(a, _)| a)
    };
    h.to_ascii_lowercase()
}

/// Resolves a (port-stripped) host against the orgs.
pub fn target(orgs: &[Org], host: &str) -> Target {
    if matches!(host, "127.0.0.1" | "localhost" | "::1") {
        return Target::Loopback;
    }
    orgs.iter()
        .enumerate()
        .find_map(|(i, o)| o.kind_of(host).map(|k| Target::Org(i, k)))
        .unwrap_or(Target::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_resolve() {
        let cfg = SimConfig::default();
        let orgs: Vec<Org> = seed::ORGS
            .iter()
            .filter_map(|s| Org::from_seed(s, &cfg).ok())
            .collect();
        assert_eq!(
            strip_port("Acme.My.Salesforce.com:8443"),
            "acme.my.salesforce.com"
        );
        assert_eq!(strip_port("[::1]:443"), "::1");
        assert_eq!(
            target(&orgs, "acme.my.salesforce.com"),
            Target::Org(0, HostKind::MyDomain)
        );
        assert_eq!(
            target(&orgs, "acme.lightning.force.com"),
            Target::Org(0, HostKind::Lightning)
        );
        assert_eq!(
            target(&orgs, "acme--uat.sandbox.my.salesforce-setup.com"),
            Target::Org(1, HostKind::Setup)
        );
        assert_eq!(
            target(&orgs, "acme--uat.my.salesforce.com"),
            Target::Unknown
        );
        assert_eq!(target(&orgs, "localhost"), Target::Loopback);
    }
}
