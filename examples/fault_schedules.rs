//! The generator's fault schedules outside `cargo test`: `make soak` runs 100,000 of them and
//! prints the count and every violation (with its seed, replayable with `FF_SEED=<seed>`);
//! `make bench` runs a few thousand for its row. Arguments: `[count] [--json]`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/generator/schedules.rs"]
mod schedules;
#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: u64 = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let json = args.iter().any(|a| a == "--json");
    let first: u64 = std::env::var("FF_FIRST_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let lab = schedules::Lab::start();
    let started = Instant::now();
    // In chunks, so a long soak shows it is alive.
    let mut tally = schedules::Tally::default();
    let chunk = 10_000.min(count.max(1));
    while tally.run < count {
        let n = chunk.min(count - tally.run);
        let part = schedules::run_many(&lab, first + tally.run, n);
        let done = part.run;
        tally.add(part);
        if !json {
            eprintln!(
                "{}, {:.0} s",
                tally.summary(),
                started.elapsed().as_secs_f64()
            );
        }
        if done < n {
            break; // FF_SEED: one schedule only.
        }
    }
    for outcome in &tally.bad {
        eprint!("{}", schedules::report(outcome));
    }
    if json {
        println!(
            "{}",
            serde_json::json!([
                "fault schedules: seeded faults on every forward and undo call (lost answers, refusals, partial success, session expiry, API allowance, worker stops, a second admin)",
                tally.summary(),
                "—",
                "—",
                "0 violations"
            ])
        );
    } else {
        println!("fault schedules: {}", tally.summary());
    }
    if (!tally.bad.is_empty() || tally.other > 0) && !json {
        std::process::exit(1);
    }
}
