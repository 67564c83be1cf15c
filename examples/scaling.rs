//! Throughput of the baseline model against population size and thread count, printed as a
//! Markdown table and drawn as `scaling.png` / `scaling.svg` (docs/images by default).
//!
//! ```text
//! cargo run --release --example scaling -- [--sizes 10000,100000,1000000] [--threads 1,2]
//!     [--ticks 52] [--repeats 3] [--out docs/images]
//! ```
//!
//! For every size and thread count it runs replications of the baseline (80% of the slots
//! filled at tick 0) in a rayon pool of that many threads, at least `repeats` times and for at
//! least [`MIN_SECONDS`], timing the initialisation (network and customers) and the ticks
//! separately. It reports customer-ticks per second
//! (slots × ticks / seconds) of the ticks alone ("step") and of the whole run, initialisation
//! included ("run"): the best of the repeats (the one least disturbed by other work on the
//! machine), with the slowest to the fastest as the band; and the speed-up of every further
//! thread count over the first.

use std::path::PathBuf;
use std::time::Instant;

use cocreate::model::Simulation;
use cocreate::model::rng::replication_seed;
use cocreate::output::charts::{Chart, Dash, Line, Panel, write_chart};
use cocreate::scenario::{Override, Scenario, Source};

/// Measuring time per configuration, at the least: small populations get many repeats.
const MIN_SECONDS: f64 = 2.0;

struct Options {
    sizes: Vec<u64>,
    threads: Vec<usize>,
    ticks: u32,
    repeats: usize,
    out: PathBuf,
}

fn parse_list<T: std::str::FromStr>(text: &str) -> Vec<T> {
    text.split(',')
        .map(|item| {
            item.trim()
                .parse()
                .ok()
                .expect("a comma-separated list of numbers")
        })
        .collect()
}

fn options() -> Options {
    let mut options = Options {
        sizes: vec![10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000],
        threads: vec![1, 2],
        ticks: 52,
        repeats: 3,
        out: PathBuf::from("docs/images"),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or_default();
        match pair[0].as_str() {
            "--sizes" => options.sizes = parse_list(value),
            "--threads" => options.threads = parse_list(value),
            "--ticks" => options.ticks = value.parse().expect("--ticks N"),
            "--repeats" => options.repeats = value.parse().expect("--repeats N"),
            "--out" => options.out = PathBuf::from(value),
            other => panic!("unknown option {other}; see the header of examples/scaling.rs"),
        }
    }
    options
}

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
    Scenario::load(&Source::baseline(), &overrides).expect("valid scenario")
}

/// The best (largest) value, the smallest and the largest.
fn spread(values: &[f64]) -> (f64, f64, f64) {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (max, min, max)
}

/// One measured configuration: (best, smallest, largest) customer-ticks per second, of the
/// ticks alone and of the whole run, and the shortest initialisation.
struct Measured {
    step: (f64, f64, f64),
    run: (f64, f64, f64),
    setup_seconds: f64,
}

fn measure(capacity: u64, threads: usize, ticks: u32, repeats: usize) -> Measured {
    let scenario = baseline(capacity, ticks);
    let seed = replication_seed(scenario.seed(), 0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let work = (capacity * u64::from(ticks)) as f64;
    let (mut step, mut run, mut setup) = (Vec::new(), Vec::new(), Vec::new());
    pool.install(|| {
        let began = Instant::now();
        while step.len() < repeats || began.elapsed().as_secs_f64() < MIN_SECONDS {
            let start = Instant::now();
            let mut simulation = Simulation::new(scenario.model(), seed);
            let initialised = start.elapsed().as_secs_f64();
            let mut out = Vec::new();
            let ticking = Instant::now();
            for _ in 0..ticks {
                simulation.step(&mut out);
            }
            let stepped = ticking.elapsed().as_secs_f64();
            step.push(work / stepped);
            run.push(work / (initialised + stepped));
            setup.push(initialised);
        }
    });
    Measured {
        step: spread(&step),
        run: spread(&run),
        setup_seconds: spread(&setup).1,
    }
}

fn line(
    label: String,
    colour: usize,
    dash: Dash,
    sizes: &[u64],
    values: &[(f64, f64, f64)],
) -> Line {
    Line {
        label,
        colour,
        dash,
        x: sizes.iter().map(|&n| (n as f64).log10()).collect(),
        mean: values.iter().map(|v| v.0).collect(),
        lo: values.iter().map(|v| v.1).collect(),
        hi: values.iter().map(|v| v.2).collect(),
    }
}

fn millions((best, lo, hi): (f64, f64, f64)) -> (f64, f64, f64) {
    (best / 1e6, lo / 1e6, hi / 1e6)
}

fn plural(threads: usize) -> &'static str {
    if threads == 1 { "" } else { "s" }
}

fn main() {
    let options = options();
    println!(
        "| slots | threads | step (M customer-ticks/s) | run of {} ticks (M customer-ticks/s) | initialisation (s) |",
        options.ticks
    );
    println!("|---:|---:|---:|---:|---:|");
    let mut results = Vec::new();
    for &threads in &options.threads {
        let mut row = Vec::new();
        for &capacity in &options.sizes {
            let m = measure(capacity, threads, options.ticks, options.repeats);
            println!(
                "| {capacity} | {threads} | {:.1} ({:.1}–{:.1}) | {:.1} ({:.1}–{:.1}) | {:.3} |",
                m.step.0 / 1e6,
                m.step.1 / 1e6,
                m.step.2 / 1e6,
                m.run.0 / 1e6,
                m.run.1 / 1e6,
                m.run.2 / 1e6,
                m.setup_seconds
            );
            row.push(m);
        }
        results.push((threads, row));
    }

    let panel = |title: &str, pick: fn(&Measured) -> (f64, f64, f64)| Panel {
        title: title.to_owned(),
        y_label: "million customer-ticks per second".to_owned(),
        lines: results
            .iter()
            .enumerate()
            .map(|(colour, (threads, row))| {
                let values: Vec<_> = row.iter().map(|m| millions(pick(m))).collect();
                let label = format!("{threads} thread{}", plural(*threads));
                line(label, colour, Dash::Solid, &options.sizes, &values)
            })
            .collect(),
    };
    let mut panels = vec![
        panel("Ticks alone", |m| m.step),
        panel(
            &format!("Whole {}-tick run, initialisation included", options.ticks),
            |m| m.run,
        ),
    ];
    if let [(first, base), rest @ ..] = &results[..]
        && !rest.is_empty()
    {
        let mut lines = Vec::new();
        for (colour, (threads, row)) in (1..).zip(rest) {
            let ratio = |pick: fn(&Measured) -> (f64, f64, f64)| -> Vec<(f64, f64, f64)> {
                row.iter()
                    .zip(base)
                    .map(|(m, b)| {
                        let r = pick(m).0 / pick(b).0;
                        (r, r, r)
                    })
                    .collect()
            };
            let label = format!("{threads} over {first} thread{}", plural(*first));
            let (step, run) = (ratio(|m| m.step), ratio(|m| m.run));
            let sizes = &options.sizes;
            lines.push(line(
                format!("{label}, ticks"),
                colour,
                Dash::Dashed,
                sizes,
                &step,
            ));
            lines.push(line(
                format!("{label}, run"),
                colour,
                Dash::Solid,
                sizes,
                &run,
            ));
        }
        panels.push(Panel {
            title: "Speed-up".to_owned(),
            y_label: "throughput ratio".to_owned(),
            lines,
        });
    }
    let chart = Chart {
        file_stem: "scaling".to_owned(),
        title: "Throughput of the baseline model (best of repeats; bands: slowest to fastest)"
            .to_owned(),
        x_label: "log10 of customer slots".to_owned(),
        panels,
        markers: Vec::new(),
    };
    let files = write_chart(&options.out, &chart).expect("chart written");
    for file in files {
        println!("wrote {}", file.display());
    }
}
