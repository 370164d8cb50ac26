//! `make bench` figures of default record types: reading the integration profile's defaults and
//! setting one (verified by reading again) at 150 ms simulated latency, API calls and wall time;
//! and what the update sends against the naive alternative, the whole profile read back. Natively
//! the transport blocks, so calls the core joins (and the browser sends side by side) run one
//! after another here: the wall times are per call, the round-trip counts are the browser's.
//! Prints one JSON array per table row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/mod.rs"]
mod support;

use forcefield::platform::Transport;
use forcefield::record_types::flow::{defaults, set_default, SetDefault, Target};
use forcefield::salesforce::metadata_api::{
    read_profile_request, update_record_types_request, RecordTypeVisibility,
};
use forcefield::salesforce::{find_session, ApiVersion};
use org_sim::{IntegrationProfileRecordTypes, SimConfig};
use serde_json::json;
use std::time::Instant;
use support::World;

const LATENCY_MS: u64 = 150;
const ORG: &str = "https://acme.lightning.force.com/lightning/setup/SetupOneHome/home";

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let world = World::start(SimConfig {
        integration_profile_record_types: IntegrationProfileRecordTypes::Accept,
        ..SimConfig::default()
    });
    let user = world.sim.state_dump("acme")["User"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["Username"] == "int-netsuite@acme.example")
        .map(|u| u["Id"].as_str().unwrap().to_owned())
        .unwrap();
    let host = world.host();
    // The API version is known, as it is once any Forcefield page has talked to the org.
    pollster::block_on(defaults(&host, ORG, &Target::User(user.clone()))).unwrap();
    world.sim.set_latency(LATENCY_MS, 0);

    let (mut read_times, mut set_times) = (Vec::new(), Vec::new());
    let (mut read_calls, mut set_calls) = (0, 0);
    for _ in 0..runs {
        world.sim.reset();
        let from = world.api_calls().len();
        let started = Instant::now();
        let view = pollster::block_on(defaults(&host, ORG, &Target::User(user.clone()))).unwrap();
        read_times.push(started.elapsed().as_secs_f64());
        read_calls = world.api_calls().len() - from;
        let request = SetDefault {
            org_url: ORG.into(),
            profile_id: view.profile.id.clone(),
            profile_name: view.profile.name.clone(),
            profile_full_name: view.profile.full_name.clone(),
            record_type: "Account.Partner".into(),
            shown_default: Some("Account.Customer".into()),
        };
        let from = world.api_calls().len();
        let started = Instant::now();
        pollster::block_on(set_default(&host, &request)).unwrap();
        set_times.push(started.elapsed().as_secs_f64());
        set_calls = world.api_calls().len() - from;
    }
    world.sim.set_latency(0, 0);
    row(
        "record types: API calls to read a profile's defaults (round trips)",
        format!("{read_calls} (3)"),
        "—",
        "—",
        "3 round trips",
    );
    row(
        "record types: read a profile's defaults, natively (s, 150 ms API latency; calls the browser runs side by side run one after another here)",
        format!("{:.2}", median(read_times)),
        "—",
        "—",
        "5 calls (0.75 s) + 0.1",
    );
    row(
        "record types: API calls to set one default, verified (round trips)",
        format!("{set_calls} (3)"),
        "2 (the whole profile read back and sent again, unverified)",
        &format!("{:.1}", set_calls as f64 / 2.0),
        "fresh read + 1 write + verifying read",
    );
    row(
        "record types: set one default, verified, natively (s, 150 ms API latency; as above)",
        format!("{:.2}", median(set_times)),
        "—",
        "—",
        "4 calls (0.6 s) + 0.1",
    );

    // What the update carries: the profile's name and the two changed entries, against the whole
    // profile as readMetadata returns it (the System Administrator's, with its field permissions).
    let session = pollster::block_on(find_session(&world.jar, ORG)).unwrap();
    let version = ApiVersion::new(66);
    let whole = pollster::block_on(
        world
            .transport
            .send(read_profile_request(&session, version, "Admin")),
    )
    .unwrap()
    .body;
    let whole_profile = whole
        .find("<records")
        .zip(whole.rfind("</records>"))
        .map_or(whole.len(), |(a, b)| b - a);
    // The change the flow makes (as in the set above): the new default and the old one.
    let entry = |record_type: &str, default: bool| RecordTypeVisibility {
        record_type: record_type.into(),
        visible: true,
        default,
        person_account_default: None,
    };
    let admin_update = update_record_types_request(
        &session,
        version,
        "Admin",
        &[
            entry("Account.Partner", true),
            entry("Account.Customer", false),
        ],
    );
    let ours = admin_update.body.map_or(0, |b| b.len());
    row(
        "record types: bytes an update sends (System Administrator profile)",
        ours.to_string(),
        &format!("{whole_profile} (the whole profile read back)"),
        &format!("{:.3}", ours as f64 / whole_profile as f64),
        "only the changed entries",
    );
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn row(figure: &str, forcefield: String, baseline: &str, ratio: &str, target: &str) {
    println!("{}", json!([figure, forcefield, baseline, ratio, target]));
}
