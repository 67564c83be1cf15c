//! Throughput of the baseline model in customer-ticks per second (customer slots × ticks), on 1
//! and 2 threads (a rayon pool of that size per measurement). docs/PERFORMANCE.md records the
//! figures and the targets they are measured against.
//!
//! - `step/<threads>t/<N>`: one tick ([`Simulation::step`]) of the baseline with N customer slots
//!   (80% of them filled at tick 0, as in the baseline). The simulation is initialised outside
//!   the timing and then stepped repeatedly; it is re-initialised (untimed) every
//!   [`RESET_TICKS`] ticks so that the timed ticks stay within a baseline-length run.
//! - `run/<threads>t/<N>`: a whole replication of [`RUN_TICKS`] ticks with N slots,
//!   initialisation (network, customers) and summaries included: what `cocreate run` does per
//!   replication, without writing files.
//! - `sweep/<threads>t/64x10000`: 64 runs of 10,000 slots and [`RUN_TICKS`] ticks, run in
//!   parallel with one another (a policy sweep's workload; the runs differ by seed).
//!
//! Run everything with `cargo bench --bench throughput` (about ten minutes), or one group with
//! e.g. `cargo bench --bench throughput -- step/`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use cocreate::experiment::{self, Keep, Silent};
use cocreate::model::Simulation;
use cocreate::model::rng::replication_seed;
use cocreate::scenario::{Override, Scenario, Source};
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group,
    criterion_main, measurement::WallTime,
};
use rayon::{ThreadPool, ThreadPoolBuilder};

/// Ticks after which the stepped simulation is replaced by a fresh one (the baseline's length).
const RESET_TICKS: u32 = 260;
/// Ticks of a whole run: a year of weeks.
const RUN_TICKS: u32 = 52;
const SIZES: [u64; 3] = [10_000, 100_000, 1_000_000];
const THREADS: [usize; 2] = [1, 2];

/// The built-in baseline with `capacity` customer slots (80% filled initially) and
/// `replications` replications of `ticks` ticks.
fn baseline(capacity: u64, ticks: u32, replications: u32) -> Scenario {
    let sets = [
        format!("population.capacity={capacity}"),
        format!("population.initial={}", capacity * 4 / 5),
        format!("ticks={ticks}"),
        format!("replications={replications}"),
    ];
    let overrides: Vec<Override> = sets
        .iter()
        .map(|s| s.parse().expect("valid override"))
        .collect();
    Scenario::load(&Source::baseline(), &overrides).expect("valid benchmark scenario")
}

fn pool(threads: usize) -> ThreadPool {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
}

/// Sampling suited to iterations that take about `seconds`.
fn configure(group: &mut BenchmarkGroup<WallTime>, seconds: f64) {
    if seconds >= 0.05 {
        group
            .sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs_f64((12.0 * seconds).max(5.0)));
    } else {
        group
            .sample_size(20)
            .sampling_mode(SamplingMode::Auto)
            .warm_up_time(Duration::from_secs(2))
            .measurement_time(Duration::from_secs(5));
    }
}

fn step(c: &mut Criterion) {
    let mut group = c.benchmark_group("step");
    for threads in THREADS {
        let pool = pool(threads);
        for capacity in SIZES {
            let scenario = baseline(capacity, RESET_TICKS, 1);
            let seed = replication_seed(scenario.seed(), 0);
            group.throughput(Throughput::Elements(capacity));
            configure(&mut group, capacity as f64 * 1e-7 / threads as f64);
            // Built on first use: criterion runs the closure only for benchmarks its filter
            // selects, and initialising a large simulation (its spin-up included) takes seconds.
            let mut simulation: Option<Simulation> = None;
            let mut out = Vec::new();
            let id = BenchmarkId::new(format!("{threads}t"), capacity);
            group.bench_function(id, |b| {
                b.iter_custom(|iters| {
                    pool.install(|| {
                        let mut elapsed = Duration::ZERO;
                        for _ in 0..iters {
                            let simulation = match &mut simulation {
                                Some(s) if s.tick() < RESET_TICKS => s,
                                stale => stale.insert(Simulation::new(scenario.model(), seed)),
                            };
                            let start = Instant::now();
                            simulation.step(&mut out);
                            elapsed += start.elapsed();
                            black_box(&out);
                        }
                        elapsed
                    })
                });
            });
        }
    }
    group.finish();
}

fn run(c: &mut Criterion) {
    let mut group = c.benchmark_group("run");
    for threads in THREADS {
        let pool = pool(threads);
        for capacity in SIZES {
            let scenario = baseline(capacity, RUN_TICKS, 1);
            group.throughput(Throughput::Elements(capacity * u64::from(RUN_TICKS)));
            configure(&mut group, capacity as f64 * 6e-6 / threads as f64);
            let id = BenchmarkId::new(format!("{threads}t"), capacity);
            group.bench_function(id, |b| {
                b.iter(|| {
                    pool.install(|| {
                        experiment::run_replication(
                            black_box(&scenario),
                            0,
                            Keep { customers: false },
                            &Silent,
                        )
                    })
                });
            });
        }
    }
    group.finish();
}

fn sweep(c: &mut Criterion) {
    const RUNS: u32 = 64;
    const CAPACITY: u64 = 10_000;
    let scenario = baseline(CAPACITY, RUN_TICKS, RUNS);
    let mut group = c.benchmark_group("sweep");
    group.throughput(Throughput::Elements(
        u64::from(RUNS) * CAPACITY * u64::from(RUN_TICKS),
    ));
    for threads in THREADS {
        let pool = pool(threads);
        configure(&mut group, 3.0 / threads as f64);
        let id = BenchmarkId::new(format!("{threads}t"), format!("{RUNS}x{CAPACITY}"));
        group.bench_function(id, |b| {
            b.iter(|| {
                pool.install(|| {
                    experiment::run(black_box(&scenario), Keep { customers: false }, &Silent)
                })
            });
        });
    }
    group.finish();
}

criterion_group!(benches, step, run, sweep);
criterion_main!(benches);
