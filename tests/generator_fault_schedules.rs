//! The seeded fault-schedule oracle (issue #10): `FF_SCHEDULES` schedules (default 2,000) against
//! one simulated org; any violation prints its seed, and `FF_SEED=<seed>` replays that one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "generator/schedules.rs"]
mod schedules;
#[path = "support/mod.rs"]
mod support;

#[test]
fn every_fault_schedule_ends_as_planned_or_as_before() {
    let count: u64 = std::env::var("FF_SCHEDULES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let first: u64 = std::env::var("FF_FIRST_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let lab = schedules::Lab::start();
    let tally = schedules::run_many(&lab, first, count);
    let report: String = tally.bad.iter().take(10).map(schedules::report).collect();
    eprintln!("fault schedules: {}", tally.summary());
    assert!(tally.bad.is_empty(), "{report}");
    assert_eq!(
        tally.other, 0,
        "every schedule ends as planned, as before or listed"
    );
}
