//! A ureq agent for native tests: trusts the sim's certificate and resolves every host name to
//! the sim's port, so tests use real Salesforce host names (like the browsers' host mapping).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// Resolves every host to one fixed address.
#[derive(Debug, Clone, Copy)]
struct FixedResolver {
    addr: SocketAddr,
}

impl Resolver for FixedResolver {
    fn resolve(
        &self,
        _uri: &Uri,
        _config: &Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut addrs = self.empty();
        addrs.push(self.addr);
        Ok(addrs)
    }
}

/// The agent: sim cert trusted, all names → `bind:port`, HTTP errors returned as responses
/// (not `Err`), cookies kept per agent (a fresh agent is a fresh browser profile).
pub fn agent(cert_der: &[u8], ip: IpAddr, port: u16) -> ureq::Agent {
    let ip = if ip.is_unspecified() {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        ip
    };
    let roots = RootCerts::Specific(Arc::new(vec![Certificate::from_der(cert_der).to_owned()]));
    let config = ureq::Agent::config_builder()
        .tls_config(TlsConfig::builder().root_certs(roots).build())
        .http_status_as_error(false)
        .build();
    ureq::Agent::with_parts(
        config,
        DefaultConnector::new(),
        FixedResolver {
            addr: SocketAddr::new(ip, port),
        },
    )
}
