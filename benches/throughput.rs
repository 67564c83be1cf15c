//! Throughput of the baseline model, in customer-ticks per second (customer slots × ticks).
//!
//! - `step/N`: one tick ([`Simulation::step`]) of the baseline with N customer slots (80% of
//!   them filled at tick 0, as in the baseline). The simulation is initialised outside the
//!   timing and then stepped repeatedly; it is re-initialised (untimed) every
//!   [`RESET_TICKS`] ticks so that the timed ticks stay within a baseline-length run.
//! - `replication/10000`: a whole 52-tick replication with 10,000 slots, initialisation and
//!   summary included (what `cocreate run` does per replication).
//!
//! Run with `cargo bench --bench throughput`; the whole bench takes two to three minutes.

use std::hint::black_box;
use std::time::{Duration, Instant};

use cocreate::experiment::{self, Keep, Silent};
use cocreate::model::Simulation;
use cocreate::model::rng::replication_seed;
use cocreate::scenario::{Override, Scenario, Source};
use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

/// Ticks after which the stepped simulation is replaced by a fresh one (the baseline's length).
const RESET_TICKS: u32 = 260;

/// The built-in baseline with `capacity` customer slots (80% filled initially), one
/// replication of `ticks` ticks.
fn baseline(capacity: u64, ticks: u32) -> Scenario {
    let sets = [
        format!("population.capacity={capacity}"),
        format!("population.initial={}", capacity * 4 / 5),
        format!("ticks={ticks}"),
        "replications=1".to_owned(),
    ];
    let overrides: Vec<Override> = sets
        .iter()
        .map(|s| s.parse().expect("valid override"))
        .collect();
    Scenario::load(&Source::baseline(), &overrides).expect("valid benchmark scenario")
}

fn step(c: &mut Criterion) {
    let mut group = c.benchmark_group("step");
    for capacity in [10_000_u64, 100_000, 1_000_000] {
        let scenario = baseline(capacity, RESET_TICKS);
        let seed = replication_seed(scenario.seed(), 0);
        group.throughput(Throughput::Elements(capacity));
        if capacity >= 1_000_000 {
            group
                .sample_size(10)
                .sampling_mode(SamplingMode::Flat)
                .warm_up_time(Duration::from_secs(2))
                .measurement_time(Duration::from_secs(10));
        } else {
            group
                .sample_size(20)
                .sampling_mode(SamplingMode::Auto)
                .warm_up_time(Duration::from_secs(2))
                .measurement_time(Duration::from_secs(5));
        }
        let mut simulation = Simulation::new(scenario.model(), seed);
        let mut out = Vec::new();
        group.bench_function(BenchmarkId::from_parameter(capacity), |b| {
            b.iter_custom(|iters| {
                let mut elapsed = Duration::ZERO;
                for _ in 0..iters {
                    if simulation.tick() >= RESET_TICKS {
                        simulation = Simulation::new(scenario.model(), seed);
                    }
                    let start = Instant::now();
                    simulation.step(&mut out);
                    elapsed += start.elapsed();
                    black_box(&out);
                }
                elapsed
            });
        });
    }
    group.finish();
}

fn replication(c: &mut Criterion) {
    const CAPACITY: u64 = 10_000;
    const TICKS: u32 = 52;
    let scenario = baseline(CAPACITY, TICKS);
    let mut group = c.benchmark_group("replication");
    group
        .throughput(Throughput::Elements(CAPACITY * u64::from(TICKS)))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    group.bench_function(BenchmarkId::from_parameter(CAPACITY), |b| {
        b.iter(|| {
            experiment::run_replication(black_box(&scenario), 0, Keep { customers: false }, &Silent)
        });
    });
    group.finish();
}

criterion_group!(benches, step, replication);
criterion_main!(benches);
