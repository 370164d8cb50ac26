//! TLS: one self-signed certificate per run covering every simulated host name (wildcards for
//! the salesforce.md §A.6 domain formats, an attacker-named domain for redirect tests, plus
//! localhost/127.0.0.1), served with rustls on ring.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::error::SimError;

/// Subject alternative names of the sim certificate.
pub const SANS: &[&str] = &[
    "*.my.salesforce.com",
    "*.sandbox.my.salesforce.com",
    "*.lightning.force.com",
    "*.sandbox.lightning.force.com",
    "*.my.salesforce-setup.com",
    "*.sandbox.my.salesforce-setup.com",
    // Not Salesforce: where a `redirect` fault sends clients, so a test can see whether they
    // follow it (tests/org_sim/README.md "Library (native tests)"); served like any unknown host (404).
    "*.attacker.example",
    "localhost",
    "127.0.0.1",
];

/// The generated certificate and key.
#[derive(Debug, Clone)]
pub struct SimCert {
    /// DER of the certificate.
    pub cert_der: Vec<u8>,
    /// PEM of the certificate.
    pub cert_pem: String,
    key_der: Vec<u8>,
}

impl SimCert {
    /// Generates a fresh self-signed certificate.
    pub fn generate() -> Result<Self, SimError> {
        let names: Vec<String> = SANS.iter().map(|s| (*s).to_owned()).collect();
        let mut params =
            rcgen::CertificateParams::new(names).map_err(|e| SimError::Tls(e.to_string()))?;
        params.distinguished_name.push(
            rcgen::DnType::CommonName,
            "org-sim (Forcefield simulated Salesforce org)",
        );
        let key = rcgen::KeyPair::generate().map_err(|e| SimError::Tls(e.to_string()))?;
        let cert = params
            .self_signed(&key)
            .map_err(|e| SimError::Tls(e.to_string()))?;
        Ok(Self {
            cert_der: cert.der().to_vec(),
            cert_pem: cert.pem(),
            key_der: key.serialize_der(),
        })
    }

    /// A rustls server configuration (HTTP/1.1 only) using this certificate.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, SimError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| SimError::Tls(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(self.cert_der.clone())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone())),
            )
            .map_err(|e| SimError::Tls(e.to_string()))?;
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(cfg))
    }
}
