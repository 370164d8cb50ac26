//! Run-time configuration of the sim: network, paging, latency, and one switch per behaviour
//! that salesforce-facts.md marks [U] (unconfirmed), so tests can exercise both outcomes.

use std::net::{IpAddr, Ipv4Addr};

/// Which host serves the Classic page framed by the `*.lightning.force.com` Setup shell.
/// Exact frame origin per org type is [U] (facts §D.1, §G).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClassicFrameHost {
    /// `<org>.my.salesforce.com` ("different subdomain" in older Lightning, facts §D.1). That
    /// frame is cross-site from `*.lightning.force.com`, so browsers that block third-party
    /// cookies (current Chromium, Firefox) show it the login page.
    MyDomain,
    /// The shell's own host (same-origin frame, as on the Setup domain, facts §D.1). Default,
    /// because it is what works in current browsers.
    #[default]
    SameHost,
}

/// Configuration of a sim instance. `Default` is what tests want: loopback, ephemeral port.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Address to bind.
    pub bind: IpAddr,
    /// Port; 0 picks an ephemeral port (see `RunningSim::port`).
    pub port: u16,
    /// Records per query batch; real default and maximum 2000 (facts §B.1).
    pub query_page_size: usize,
    /// Delay before every (non-admin) response, in milliseconds.
    pub latency_ms: u64,
    /// When true, `sid`s issued for the setup-domain host are also valid for the REST API.
    /// [U] facts §A.3 / §H.Q7 (SUPR implies yes, SFIR avoids it). Default false.
    pub ui_sessions_valid_for_api: bool,
    /// Max API version of production orgs (e.g. `acme`). Production lags sandboxes during a
    /// release (facts §A.4: v66.0 = Spring '26).
    pub prod_api_version: String,
    /// Max API version of sandbox orgs (e.g. `acme--uat`).
    pub sandbox_api_version: String,
    /// Host of the Classic frame inside the `*.lightning.force.com` shell ([U] facts §D.1, §G).
    pub classic_frame_host: ClassicFrameHost,
    /// `User.UserType` of integration users; [U] facts §C.7 / §H.Q4 ("probably Standard").
    pub integration_user_type: String,
    /// `UserLicense.LicenseDefinitionKey` of "Salesforce Integration"; [U] facts §C.7 / §H.Q4
    /// (not in any documented key list; this default is invented).
    pub integration_license_key: String,
    /// Rows per page of the Classic Users list when `rowsperpage` is absent; [U] facts §H.Q1
    /// attests only the `rowsperpage` parameter and its 1000 maximum.
    pub users_list_page_size: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            query_page_size: 2000,
            latency_ms: 0,
            ui_sessions_valid_for_api: false,
            prod_api_version: "66.0".into(),
            sandbox_api_version: "66.0".into(),
            classic_frame_host: ClassicFrameHost::SameHost,
            integration_user_type: "Standard".into(),
            integration_license_key: "SFDC_INTEGRATION".into(),
            users_list_page_size: 25,
        }
    }
}
