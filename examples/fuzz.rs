//! A mutation fuzzer for the bodies in `cocreate::fuzz` (and the scenario target), for
//! toolchains without cargo-fuzz/libFuzzer. Not coverage-guided: it mutates a seed corpus
//! (the inputs under `fuzz/regressions-TARGET/` plus built-in seeds) with byte edits, token
//! insertions and splices, runs each input under `catch_unwind`, and saves every input that
//! panics or takes longer than 10 s to `fuzz/crashes-TARGET/`.
//!
//! Usage: `cargo run --release --example fuzz -- TARGET SECONDS [SEED]`, TARGET one of
//! `design`, `record`, `set`, `scenario`. Prints executions, distinct panics and slow inputs.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Fragments that often matter to the parsers under test.
const TOKENS: &[&str] = &[
    "[experiment]\n",
    "[[experiment.factors]]\n",
    "[[experiment.variants]]\n",
    "design = \"grid\"\n",
    "design = \"lhs\"\n",
    "design = \"variants\"\n",
    "key = \"firms.0.policy.training\"\n",
    "key = \"population.capacity\"\n",
    "key = \"ticks\"\n",
    "key = \"firms.0.costs.price\"\n",
    "key = \"firms.0.costs.wage\"\n",
    "key = \"behaviour.loss_aversion\"\n",
    "key = \"market.switching\"\n",
    "key = \"population.initial\"\n",
    "values = [0.1, 0.9]\n",
    "range = [0, 1]\n",
    "steps = 4294967295\n",
    "steps = 3\n",
    "points = 5\n",
    "set = [\"firms.0.policy.training=0.5\"]\n",
    "name = \"a\"\n",
    "1e308",
    "-1",
    "0",
    "4294967295",
    "18446744073709551616",
    "nan",
    "inf",
    "-0.0",
    "\"",
    "[",
    "]",
    "{",
    "}",
    ",",
    "=",
    ".",
    "\n",
    "firms.0.",
    "events.0.",
    "policy.",
    "staff.",
    "null",
    "\"regimes\":",
    "\"outcomes\":",
    "\"trajectories\":",
    "\"checksum\":\"\"",
    "[[]]",
    "[1e400]",
];

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = match target {
        "design" => vec![
            b"[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\nkey = \"firms.0.policy.training\"\nvalues = [0.1, 0.5]\n".to_vec(),
            b"[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\nkey = \"firms.0.policy.training\"\nvalues = [0.1, 0.5, 1.5]\n[[experiment.factors]]\nkey = \"firms.0.costs.wage\"\nrange = [-1, 3]\nsteps = 5\n[[experiment.factors]]\nkey = \"behaviour.loss_aversion\"\nvalues = [1, 2, 0.5]\n".to_vec(),
            b"[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\nkey = \"population.initial\"\nvalues = [10, 70]\n[[experiment.factors]]\nkey = \"market.switching\"\nvalues = [0, 1]\n".to_vec(),
            b"[experiment]\ndesign = \"lhs\"\npoints = 7\n[[experiment.factors]]\nkey = \"population.initial\"\nrange = [10, 50]\n".to_vec(),
            b"[experiment]\ndesign = \"variants\"\n[[experiment.variants]]\nname = \"a\"\nset = []\n[[experiment.variants]]\nname = \"b\"\nset = [\"firms.0.policy.training=0.9\"]\n".to_vec(),
        ],
        "record" => vec![cocreate::fuzz::valid_record().into_bytes()],
        "set" => vec![
            b"firms.0.policy.training=0.5\nticks=3".to_vec(),
            b"population.capacity=100\npopulation.initial=50".to_vec(),
            b"firms.0.costs.wage=1.7e308\nfirms.0.costs.price=1.7e308".to_vec(),
        ],
        _ => vec![cocreate::scenario::BASELINE_TOML.as_bytes().to_vec()],
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(if target == "scenario" {
            "regressions".to_owned()
        } else {
            format!("regressions-{target}")
        });
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if let Ok(data) = std::fs::read(entry.path()) {
                seeds.push(data);
            }
        }
    }
    seeds
}

fn mutate(rng: &mut Xoshiro256PlusPlus, corpus: &[Vec<u8>], input: &[u8]) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        let at = if data.is_empty() {
            0
        } else {
            rng.random_range(0..=data.len())
        };
        match rng.random_range(0..7) {
            0 if !data.is_empty() => {
                let i = at.min(data.len() - 1);
                data[i] ^= 1 << rng.random_range(0..7);
            }
            1 if !data.is_empty() => {
                let end = (at + rng.random_range(1..16)).min(data.len());
                data.drain(at.min(end)..end);
            }
            2 | 3 => {
                let token = TOKENS[rng.random_range(0..TOKENS.len())];
                data.splice(at..at, token.bytes());
            }
            4 => {
                let other = &corpus[rng.random_range(0..corpus.len())];
                if !other.is_empty() {
                    let from = rng.random_range(0..other.len());
                    let to = (from + rng.random_range(1..64)).min(other.len());
                    data.splice(at..at, other[from..to].iter().copied());
                }
            }
            5 => {
                // Replace a number-looking run of digits with an extreme value.
                let extreme = ["1e308", "-1e308", "0", "-1", "99999999999", "1.5"];
                let token = extreme[rng.random_range(0..extreme.len())];
                let start = data[at.min(data.len())..]
                    .iter()
                    .position(u8::is_ascii_digit)
                    .map(|p| p + at);
                if let Some(start) = start {
                    let len = data[start..]
                        .iter()
                        .take_while(|b| b.is_ascii_digit() || **b == b'.' || **b == b'e')
                        .count();
                    data.splice(start..start + len, token.bytes());
                }
            }
            _ => {
                // Mostly printable ASCII; now and then any byte.
                let byte = if rng.random_range(0..16) == 0 {
                    rng.random::<u8>()
                } else {
                    rng.random_range(b' '..=b'~')
                };
                data.insert(at.min(data.len()), byte);
            }
        }
    }
    data.truncate(1 << 16);
    data
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let target = args.get(1).map_or("design", String::as_str).to_owned();
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(60);
    let seed: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let body: fn(&[u8]) -> u32 = match target.as_str() {
        "design" => cocreate::fuzz::exercise_design,
        "record" => cocreate::fuzz::exercise_record,
        "set" => cocreate::fuzz::exercise_set,
        "scenario" => |data: &[u8]| {
            cocreate::fuzz::exercise_scenario(data);
            1
        },
        other => {
            eprintln!("unknown target `{other}` (design, record, set, scenario)");
            std::process::exit(2);
        }
    };
    std::panic::set_hook(Box::new(|_| {}));
    let crashes = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(format!("crashes-{target}"));
    let mut corpus = seeds(&target);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut executions, mut panics, mut slow) = (0u64, 0u64, 0u64);
    let mut levels = [0u64; 4];
    let mut messages = BTreeSet::new();
    while Instant::now() < deadline {
        let parent = corpus[rng.random_range(0..corpus.len())].clone();
        let input = mutate(&mut rng, &corpus, &parent);
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| body(&input)));
        let level = *outcome.as_ref().unwrap_or(&0);
        levels[level.min(3) as usize] += 1;
        executions += 1;
        let took = started.elapsed();
        let bad = match outcome {
            Err(payload) => {
                panics += 1;
                let message = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                messages
                    .insert(message.clone())
                    .then_some(format!("panic: {message}"))
            }
            Ok(_) if took > Duration::from_secs(10) => {
                slow += 1;
                Some(format!("slow: {took:?}"))
            }
            Ok(_) => None,
        };
        if let Some(why) = bad {
            let _ = std::fs::create_dir_all(&crashes);
            let name = format!("crash-{executions}");
            let _ = std::fs::write(crashes.join(&name), &input);
            eprintln!("{target}: {why} -> {}", crashes.join(name).display());
        }
        // Keep inputs that got far (valid, planned, accepted) as new parents, so mutations
        // go deeper instead of drifting into text every parser rejects; bounded.
        let keep = match level {
            3 => rng.random_range(0..4) == 0,
            2 => rng.random_range(0..64) == 0,
            _ => false,
        };
        if keep {
            if corpus.len() < 4096 {
                corpus.push(input);
            } else {
                let at = rng.random_range(0..corpus.len());
                corpus[at] = input;
            }
        }
    }
    println!(
        "{target}: {executions} executions in {seconds} s, {panics} panics ({} distinct), {slow} \
         slower than 10 s; depth reached (0 not text, 1 rejected, 2 parsed, 3 valid/planned): \
         {levels:?}; corpus {}",
        messages.len(),
        corpus.len()
    );
}
