//! Golden outputs: performance work must not change what the model computes. Every digest
//! below was recorded with the code as it was before the optimisations of docs/PERFORMANCE.md;
//! each covers every observation (all columns, all ticks), every summary and every field of
//! every final customer, bit for bit. The same digests must come out with one thread and with
//! several (the block schedule makes results independent of the thread count).
//!
//! A digest changes if the model's behaviour changes on purpose; then record the new one (the
//! failure message prints it) and say so in the change. Recorded again when the double-deviation
//! shortfall was recalibrated for pattern 5 (docs/ODD.md, 7.10), and again when engagement and
//! churn moved to their own `Decisions` stream (docs/ODD.md, 4.9); the events digest was added
//! with `[[events]]`. Recorded again for the rewrite of the customer's week (issue 11): three
//! distinct behaviours (product engagement, peer interaction, participation) with their own
//! drivers and a third `Decisions` draw, experience values learned from product engagement and
//! peer talk, and a spin-up of `population.spinup` weeks before week 0 (docs/ODD.md, 7.4 and
//! section 5). Recorded again for staff turnover (`rules::morale::TURNOVER`, one more draw per
//! employee and week), staff hired at the stationary tenure and training at initialisation, and
//! the default spin-up raised from 104 to 312 weeks, so that week 0 is a firm in its steady state
//! (issue 11; docs/ODD.md, section 5 and 7.22). Recorded again when the customers' week moved
//! from two sequential streams per block (`Decisions` and `Customers`) to counter-based slot
//! draws, six routine values from two outputs per slot and every event draw the slot's own, and
//! the loyalty target at convexity 2 became the exact square (issue 16: 13% fewer instructions
//! per customer-tick, draws independent of processing order; docs/ODD.md 4.9,
//! docs/PERFORMANCE.md). Floating-point results come from the
//! platform's libm (`powf`, `expf`, `ln`, `exp`), so the digests hold on x86-64 Linux with
//! glibc, where CI runs.

use cocreate::experiment::{self, Keep, Silent};
use cocreate::model::Simulation;
use cocreate::output::manifest::sha256_hex;
use cocreate::scenario::{Override, Scenario, Source};

fn load(path: Option<&str>, sets: &[&str]) -> Scenario {
    let source = match path {
        None => Source::baseline(),
        Some(path) => Source {
            name: path.to_owned(),
            text: std::fs::read_to_string(path).expect("scenario file"),
        },
    };
    let overrides: Vec<Override> = sets.iter().map(|s| s.parse().expect("override")).collect();
    Scenario::load(&source, &overrides).unwrap_or_else(|e| panic!("{e}"))
}

/// Digest of every replication's series and summaries and of the final customers.
fn digest(scenario: &Scenario) -> String {
    let mut bytes = Vec::new();
    for replication in experiment::run(scenario, Keep { customers: false }, &Silent) {
        bytes.extend(replication.seed.to_le_bytes());
        for tick in &replication.series {
            bytes.extend(tick.tick.to_le_bytes());
            for value in tick.values() {
                bytes.extend(value.to_bits().to_le_bytes());
            }
        }
        for summary in &replication.summaries {
            for value in summary.values() {
                bytes.extend(value.to_bits().to_le_bytes());
            }
            bytes.extend(summary.regime.to_string().bytes());
        }
        // The final customers, from a fresh run of the same replication.
        let mut simulation = Simulation::scheduled(scenario.schedule(), replication.seed);
        let mut out = Vec::new();
        for _ in 0..scenario.ticks() {
            simulation.step(&mut out);
        }
        for (slot, c) in simulation.customers().iter().enumerate() {
            if c.is_active() {
                bytes.extend((slot as u32).to_le_bytes());
                bytes.push(c.firm);
                bytes.extend(c.tenure.to_le_bytes());
                for value in [
                    c.expertise,
                    c.sociability,
                    c.activity,
                    c.vindictiveness,
                    c.forgiveness,
                    c.base_empowerment,
                    c.empowerment,
                    c.self_efficacy,
                    c.expectation,
                    c.satisfaction,
                    c.loyalty,
                    c.functional,
                    c.emotional,
                    c.social,
                    c.grievance,
                    c.grudge_loyalty,
                    c.failure_memory,
                    c.recent_encounters,
                    c.recent_contributions,
                    c.recent_successes,
                    c.recent_peer,
                    c.recent_wom_positive,
                    c.recent_wom_negative,
                    c.recent_complaints,
                    c.contributions,
                ] {
                    bytes.extend(value.to_bits().to_le_bytes());
                }
            }
        }
    }
    sha256_hex(&bytes)
}

/// The digest of `scenario` with 1, 2 and 3 threads; all must equal `expected`.
fn check(name: &str, scenario: &Scenario, expected: &str) {
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        let actual = pool.install(|| digest(scenario));
        assert_eq!(
            actual, expected,
            "{name} with {threads} threads: outputs differ from the recorded golden digest"
        );
    }
}

const SMALL: [&str; 4] = [
    "population.capacity=5000",
    "population.initial=4000",
    "ticks=80",
    "replications=2",
];

#[test]
fn baseline_matches_its_golden_digest() {
    check(
        "baseline",
        &load(None, &SMALL),
        "fc9fcebdd4a191641b9ef4eadf9df4e943e0fcb92f37d1afa367fe038292da01",
    );
}

#[test]
fn two_firms_match_their_golden_digest() {
    check(
        "two_firms",
        &load(Some("scenarios/two_firms.toml"), &SMALL),
        "000bb8aaa333b604fcbaf97226adae239d8612d6c75d6bda7ac9de1c9068ce18",
    );
}

#[test]
fn spiral_matches_its_golden_digest() {
    // Revenge, confrontations and burnout are frequent here.
    check(
        "spiral",
        &load(Some("scenarios/spiral.toml"), &SMALL),
        "33e7f07060516ac493c91edd085af1eda0db0016f20efdd08d85dccb84b17a20",
    );
}

#[test]
fn other_networks_match_their_golden_digests() {
    for (kind, expected) in [
        (
            "scale_free",
            "d7dd22acad0eb6ec619557b7eb7e718b9f35e4a91a75b01776487f9bd83d03b8",
        ),
        (
            "random",
            "051dad306e5df6c21a7ffa684d1c69fc456323513c4faefd272b1321d60cf0ec",
        ),
    ] {
        let mut sets = SMALL.to_vec();
        let kind_set = format!("network.kind=\"{kind}\"");
        sets.push(&kind_set);
        check(kind, &load(None, &sets), expected);
    }
}

#[test]
fn several_blocks_and_a_partial_one_match_their_golden_digest() {
    // 20 blocks of customers, the last one partial, and a rewired network spanning them.
    check(
        "blocks",
        &load(
            None,
            &[
                "population.capacity=20000",
                "population.initial=15000",
                "network.rewiring=0.3",
                "ticks=30",
                "replications=1",
            ],
        ),
        "8364433d047d2cf448ea60b32dfbf160a09f7b855c82a16b9333d4e904d53bbe",
    );
}

#[test]
fn events_match_their_golden_digest() {
    // A four-week outage and a long training cut (`[[events]]`), shortened to 80 weeks with
    // both events inside them.
    let text = std::fs::read_to_string("scenarios/shocks.toml").expect("scenario file");
    assert!(text.contains("tick = 60") && text.contains("tick = 100"));
    let mut sets = SMALL.to_vec();
    sets.push("events.1.tick=70");
    check(
        "shocks",
        &load(Some("scenarios/shocks.toml"), &sets),
        "9afd9377c04e5ddd7b9d6dc2a6bddc3d288cbeee7db9c6626b07c57d19f4d2bc",
    );
}
