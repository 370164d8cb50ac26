//! `org-sim` command line: starts the simulated org, prints where it listens and which URLs it
//! serves, then runs until SIGINT/SIGTERM.

use std::io::Write;
use std::net::IpAddr;
use std::process::ExitCode;

use clap::Parser;
use org_sim::config::{
    AllFalsePermissions, IntegrationProfileRecordTypes, UnconfirmedCodes,
    INTEGRATION_CHECKED_PERMISSIONS,
};
use org_sim::{ClassicFrameHost, SimConfig};

/// A simulated Salesforce org over HTTPS (Forcefield test and demo server).
///
/// Map the Salesforce host names to this server, e.g. in Chromium:
/// --host-resolver-rules="MAP *.my.salesforce.com 127.0.0.1:PORT, MAP *.lightning.force.com
/// 127.0.0.1:PORT, MAP *.my.salesforce-setup.com 127.0.0.1:PORT" --ignore-certificate-errors
#[derive(Debug, Parser)]
#[command(name = "org-sim", version)]
struct Cli {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port to listen on (0 = pick a free port; the chosen one is printed).
    #[arg(long, default_value_t = 443)]
    port: u16,
    /// Records per query batch before `nextRecordsUrl` paging (Salesforce: 2000).
    #[arg(long, default_value_t = 2000)]
    query_page_size: usize,
    /// Delay before every response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Extra random delay 0..=N ms per response (deterministic PRNG, see --latency-seed).
    #[arg(long, default_value_t = 0)]
    latency_jitter_ms: u64,
    /// Seed of the latency PRNG.
    #[arg(long, default_value_t = 1)]
    latency_seed: u64,
    /// Daily API request allowance per org; once spent, REST answers 403
    /// REQUEST_LIMIT_EXCEEDED.
    #[arg(long, default_value_t = 15_000)]
    api_allowance: u64,
    /// Let one composite/graph request write several Setup object types (unconfirmed in
    /// Salesforce; default: the later write fails with MIXED_DML_OPERATION).
    #[arg(long)]
    allow_mixed_setup_types_in_composite: bool,
    /// Extra user-permission dependency PERM=REQUIRED (API names without `Permissions`), e.g.
    /// PasswordNeverExpires=ApiEnabled; repeatable. Unconfirmed in Salesforce; default none.
    #[arg(long = "permission-dependency", value_name = "PERM=REQUIRED")]
    permission_dependencies: Vec<String>,
    /// `PermissionSet.Type` of profile-owned permission sets (unconfirmed in Salesforce).
    #[arg(long, default_value = "Profile")]
    profile_permission_set_type: String,
    /// Updates that leave a permission row all-false: `reject` (default) or `delete` the row.
    #[arg(long, default_value = "reject")]
    all_false_permissions: String,
    /// Override an unconfirmed errorCode, NAME=CODE; repeatable. Names: duplicate_assignment,
    /// duplicate_license_assignment, psl_exhausted, mixed_setup_types,
    /// field_edit_without_read, read_only_field_edit, all_false, invalid_api_name.
    #[arg(long = "error-code", value_name = "NAME=CODE")]
    error_codes: Vec<String>,
    /// Highest API version of the production org `acme` (e.g. 65.0; production lags sandboxes).
    #[arg(long, default_value = "66.0")]
    prod_api_version: String,
    /// Highest API version of the sandbox org `acme--uat`.
    #[arg(long, default_value = "66.0")]
    sandbox_api_version: String,
    /// Accept setup-domain (`*.my.salesforce-setup.com`) sids on the REST API (unconfirmed
    /// Salesforce behaviour; default: only `*.my.salesforce.com` sids are API sessions).
    #[arg(long)]
    ui_sessions_valid_for_api: bool,
    /// Serve the Classic frame of the `*.lightning.force.com` Setup shell from
    /// `<org>.my.salesforce.com` instead of the shell's own host (unconfirmed Salesforce
    /// behaviour; that frame is cross-site, so browsers blocking third-party cookies show it
    /// the login page).
    #[arg(long)]
    cross_site_classic_frame: bool,
    /// `User.UserType` of integration users (unconfirmed in Salesforce; default Standard).
    #[arg(long, default_value = "Standard")]
    integration_user_type: String,
    /// `LicenseDefinitionKey` of the "Salesforce Integration" user license (unconfirmed in
    /// Salesforce; the default is invented).
    #[arg(long, default_value = "SFDC_INTEGRATION")]
    integration_license_key: String,
    /// Default rows per page of the Classic Users list (`rowsperpage`).
    #[arg(long, default_value_t = 25)]
    users_list_page_size: usize,
    /// Users list paging and rolodex re-render the list in place (unconfirmed in Salesforce;
    /// default: plain page loads).
    #[arg(long)]
    users_list_ajax: bool,
    /// Language of Setup page labels: `en` or `de` (ids, classes and API-name titles stay).
    #[arg(long, default_value = "en")]
    locale: String,
    /// System permission a permission set assigned to a Salesforce Integration user may NOT
    /// grant: PasswordNeverExpires or ViewEncryptedData; repeatable (unconfirmed in
    /// Salesforce; default: both allowed).
    #[arg(long = "integration-disallow-permission", value_name = "NAME")]
    integration_disallow_permissions: Vec<String>,
    /// `PermissionsApiEnabled = true` on a set licensed with the SalesforceAPIIntegrationPsl:
    /// `accept` (default) or `reject` (unconfirmed in Salesforce).
    #[arg(long, default_value = "accept")]
    psl_api_enabled: String,
    /// View All on standard objects in a set assigned to a Salesforce Integration user:
    /// `allow` or `reject` (default; single third-party source).
    #[arg(long, default_value = "reject")]
    integration_view_all_standard: String,
    /// A permission set group's aggregate set: `net` of its muting set (default) or the plain
    /// `union` of its members (unconfirmed in Salesforce).
    #[arg(long, default_value = "net")]
    group_aggregate: String,
    /// A muting row that mutes Read but not Edit (and the like): `reject` (default) or
    /// `accept` (unconfirmed in Salesforce).
    #[arg(long, default_value = "reject")]
    muting_without_dependants: String,
    /// A Metadata API update of standard-object record type visibilities on the standard
    /// integration profile: `accept`, `refuse` (default) or `ignore` (answer success, save
    /// nothing); unconfirmed in Salesforce.
    #[arg(long, default_value = "refuse")]
    integration_profile_record_types: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut codes = UnconfirmedCodes::default();
    for kv in &cli.error_codes {
        let ok = kv
            .split_once('=')
            .is_some_and(|(name, code)| codes.set(name, code));
        if !ok {
            eprintln!(
                "--error-code {kv:?}: expected NAME=CODE with NAME one of {}",
                UnconfirmedCodes::NAMES.join(", ")
            );
            return ExitCode::FAILURE;
        }
    }
    let mut deps = Vec::new();
    for kv in &cli.permission_dependencies {
        match kv.split_once('=') {
            Some((p, r)) if !p.is_empty() && !r.is_empty() => {
                deps.push((p.to_owned(), r.to_owned()))
            }
            _ => {
                eprintln!("--permission-dependency {kv:?}: expected PERM=REQUIRED");
                return ExitCode::FAILURE;
            }
        }
    }
    let all_false_permissions = match cli.all_false_permissions.as_str() {
        "reject" => AllFalsePermissions::Reject,
        "delete" => AllFalsePermissions::Delete,
        other => {
            eprintln!("--all-false-permissions {other:?}: expected reject or delete");
            return ExitCode::FAILURE;
        }
    };
    let Some(locale) = org_sim::pages::i18n::Locale::parse(&cli.locale) else {
        eprintln!("--locale {:?}: expected en or de", cli.locale);
        return ExitCode::FAILURE;
    };
    let mut integration_license_allows: Vec<String> = INTEGRATION_CHECKED_PERMISSIONS
        .iter()
        .map(|p| (*p).to_owned())
        .collect();
    for name in &cli.integration_disallow_permissions {
        if !INTEGRATION_CHECKED_PERMISSIONS.contains(&name.as_str()) {
            eprintln!(
                "--integration-disallow-permission {name:?}: expected one of {}",
                INTEGRATION_CHECKED_PERMISSIONS.join(", ")
            );
            return ExitCode::FAILURE;
        }
        integration_license_allows.retain(|p| p != name);
    }
    let psl_api_enabled_accepted = match cli.psl_api_enabled.as_str() {
        "accept" => true,
        "reject" => false,
        other => {
            eprintln!("--psl-api-enabled {other:?}: expected accept or reject");
            return ExitCode::FAILURE;
        }
    };
    let integration_view_all_standard = match cli.integration_view_all_standard.as_str() {
        "allow" => true,
        "reject" => false,
        other => {
            eprintln!("--integration-view-all-standard {other:?}: expected allow or reject");
            return ExitCode::FAILURE;
        }
    };
    let group_aggregate_net_of_muting = match cli.group_aggregate.as_str() {
        "net" => true,
        "union" => false,
        other => {
            eprintln!("--group-aggregate {other:?}: expected net or union");
            return ExitCode::FAILURE;
        }
    };
    let muting_mutes_dependants = match cli.muting_without_dependants.as_str() {
        "reject" => true,
        "accept" => false,
        other => {
            eprintln!("--muting-without-dependants {other:?}: expected reject or accept");
            return ExitCode::FAILURE;
        }
    };
    let Some(integration_profile_record_types) =
        IntegrationProfileRecordTypes::parse(&cli.integration_profile_record_types)
    else {
        eprintln!(
            "--integration-profile-record-types {:?}: expected accept, refuse or ignore",
            cli.integration_profile_record_types
        );
        return ExitCode::FAILURE;
    };
    let config = SimConfig {
        group_aggregate_net_of_muting,
        muting_mutes_dependants,
        integration_profile_record_types,
        integration_license_allows,
        psl_api_enabled_accepted,
        integration_view_all_standard,
        locale,
        latency_jitter_ms: cli.latency_jitter_ms,
        latency_seed: cli.latency_seed,
        api_allowance: cli.api_allowance,
        allow_mixed_setup_types_in_composite: cli.allow_mixed_setup_types_in_composite,
        extra_permission_dependencies: deps,
        profile_permission_set_type: cli.profile_permission_set_type,
        all_false_permissions,
        codes,
        bind: cli.bind,
        port: cli.port,
        query_page_size: cli.query_page_size,
        latency_ms: cli.latency_ms,
        ui_sessions_valid_for_api: cli.ui_sessions_valid_for_api,
        prod_api_version: cli.prod_api_version,
        sandbox_api_version: cli.sandbox_api_version,
        classic_frame_host: if cli.cross_site_classic_frame {
            ClassicFrameHost::MyDomain
        } else {
            ClassicFrameHost::SameHost
        },
        integration_user_type: cli.integration_user_type,
        integration_license_key: cli.integration_license_key,
        users_list_page_size: cli.users_list_page_size,
        users_list_ajax: cli.users_list_ajax,
    };
    let mut sim = match org_sim::start(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut lines = vec![format!("org-sim listening on https://{}", sim.addr())];
    lines.extend(sim.served_urls());
    lines.push("ready".into());
    let mut out = std::io::stdout().lock();
    for l in &lines {
        let _ = writeln!(out, "{l}");
    }
    let _ = out.flush();
    drop(out);
    wait_for_signal();
    sim.stop_and_join();
    ExitCode::SUCCESS
}

/// Blocks until SIGINT or SIGTERM.
fn wait_for_signal() {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    rt.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            if let Ok(mut term) = signal(SignalKind::terminate()) {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
                return;
            }
        }
        let _ = tokio::signal::ctrl_c().await;
    });
}
