//! Golden outputs: performance work must not change what the model computes. Every digest
//! below was recorded with the code as it was before the optimisations of docs/PERFORMANCE.md;
//! each covers every observation (all columns, all ticks), every summary and every field of
//! every final customer, bit for bit. The same digests must come out with one thread and with
//! several (the block schedule makes results independent of the thread count).
//!
//! A digest changes if the model's behaviour changes on purpose; then record the new one (the
//! failure message prints it) and say so in the change. Floating-point results come from the
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
        "5043c4c80a969d7afa6492d14e0b689c19f346e9f19f5930464ab659d20dce37",
    );
}

#[test]
fn two_firms_match_their_golden_digest() {
    check(
        "two_firms",
        &load(Some("scenarios/two_firms.toml"), &SMALL),
        "852df6e10a221336fed0f27c479de0d60bc03e74c60c3c5c7083476a1f15840b",
    );
}

#[test]
fn spiral_matches_its_golden_digest() {
    // Revenge, confrontations and burnout are frequent here.
    check(
        "spiral",
        &load(Some("scenarios/spiral.toml"), &SMALL),
        "43efc5df34b01bf10dc4d67f3df9f03005c9dce4f16ef0d37e2e79fd8986796e",
    );
}

#[test]
fn other_networks_match_their_golden_digests() {
    for (kind, expected) in [
        (
            "scale_free",
            "4feef31cdf25de6fc387b6155cddf6a4257a7b3aed187020babd738edc69f4df",
        ),
        (
            "random",
            "5815988c4e711e2bd56002e47098f14af2843dbe1a72a0e0c924cec71d638566",
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
        "8beb86ca359339f250885f9c9b6257940aff07d719dac8bf60a121f9594fe082",
    );
}
