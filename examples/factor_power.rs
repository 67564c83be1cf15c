//! The power of the factor table (pattern 2 of `cocreate validate`) at a given design: runs
//! every factor's low and high batch (the battery's own batches, `validation::factors`) for
//! several master seeds, and prints per factor the paired effect on net value, its standard
//! deviation, the low–high correlation that common random numbers buy, how many seeds' batteries
//! pass, the power of one battery of `--replications` pairs, and the replications that reach
//! `--target` power.
//!
//! Each seed's replications are an independent sample (replication seeds are a function of the
//! master seed and the index), so `--seeds` 10 seeds of 24 replications are 10 batteries and,
//! pooled, 240 paired differences to estimate each factor's effect size from. `--evaluate`
//! evaluates smaller batteries from the same runs: net value through week H is the same sum of
//! the weekly flows that `summary.csv` takes through the last week, a run's first H weeks do
//! not depend on its length, and a battery of N replications is the first N of a larger one.
//!
//! ```sh
//! cargo run --release --example factor_power -- --capacity 3000 --ticks 156 \
//!     --replications 24 --seeds 1,2,3,4,5,6,7,8,9,10 --raw /tmp/power.csv
//! cargo run --release --example factor_power -- --ticks 520 --replications 32 \
//!     --evaluate 156:24,520:32 --seeds 1,2,3
//! ```

use std::io::Write;

use clap::Parser;
use cocreate::experiment::stats::{Estimate, directional_power, pearson, replications_for_power};
use cocreate::experiment::{Replication, Silent};
use cocreate::validation::factors::{Design, FACTORS, design_batches};

#[derive(Parser)]
struct Args {
    /// Customer slots (80% filled at week 0).
    #[arg(long, default_value_t = 3000)]
    capacity: u32,
    /// Observed weeks per run.
    #[arg(long, default_value_t = 156)]
    ticks: u32,
    /// Paired replications per level and seed.
    #[arg(long, default_value_t = 24)]
    replications: u32,
    /// Batteries to evaluate, as HORIZON:N (net value through week HORIZON ≤ --ticks, the
    /// first N ≤ --replications replications of each seed) [default: TICKS:REPLICATIONS].
    #[arg(long, value_delimiter = ',')]
    evaluate: Vec<String>,
    /// Master seeds: one battery each.
    #[arg(long, value_delimiter = ',', default_value = "42")]
    seeds: Vec<u64>,
    /// Only these factors (indices into the table, 0-based) [default: all 16].
    #[arg(long, value_delimiter = ',')]
    factors: Vec<usize>,
    /// Power each factor should reach.
    #[arg(long, default_value_t = 0.99)]
    target: f64,
    /// Write every replication's net values here (CSV).
    #[arg(long)]
    raw: Option<std::path::PathBuf>,
}

/// Net values of one seed's replications at the low and at the high level.
type Pairs = (Vec<f64>, Vec<f64>);

/// Net value of firm 0 through week `horizon`: Σ co-created − Σ co-destroyed over weeks
/// 1..=horizon, summed as `experiment::summary::summarise` sums them.
fn net_value_through(replication: &Replication, horizon: u32) -> f64 {
    let series = replication.firm_series(0);
    let flows = &series[1..=horizon as usize];
    let cocreated: f64 = flows.iter().map(|t| t.cocreated_value).sum();
    let codestroyed: f64 = flows.iter().map(|t| t.codestroyed_value).sum();
    cocreated - codestroyed
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let evaluations: Vec<(u32, usize)> = if args.evaluate.is_empty() {
        vec![(args.ticks, args.replications as usize)]
    } else {
        args.evaluate
            .iter()
            .map(|e| {
                let (h, n) = e.split_once(':').ok_or("--evaluate takes HORIZON:N")?;
                Ok((h.parse()?, n.parse()?))
            })
            .collect::<Result<_, Box<dyn std::error::Error>>>()?
    };
    if evaluations
        .iter()
        .any(|&(h, n)| h == 0 || h > args.ticks || n < 2 || n > args.replications as usize)
    {
        return Err("every HORIZON must be in 1..=ticks and N in 2..=replications".into());
    }
    let mut horizons: Vec<u32> = evaluations.iter().map(|e| e.0).collect();
    horizons.sort_unstable();
    horizons.dedup();
    let factors: Vec<usize> = if args.factors.is_empty() {
        (0..FACTORS.len()).collect()
    } else {
        args.factors.clone()
    };
    let design = Design {
        capacity: Some(args.capacity),
        ticks: Some(args.ticks),
        replications: args.replications,
    };
    let mut raw = match &args.raw {
        Some(path) => {
            let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
            writeln!(file, "seed,factor,path,replication,horizon,low,high")?;
            Some(file)
        }
        None => None,
    };
    // values[factor][horizon][seed] = (low, high) per replication.
    let mut values: Vec<Vec<Vec<Pairs>>> = vec![vec![Vec::new(); horizons.len()]; factors.len()];
    let clock = std::time::Instant::now();
    for &seed in &args.seeds {
        let mut base = vec![format!("seed={seed}")];
        base.extend(design.overrides());
        for (i, &f) in factors.iter().enumerate() {
            let factor = &FACTORS[f];
            let [low, high] = design_batches(factor, &base);
            let (low, high) = (low.run(&Silent)?, high.run(&Silent)?);
            for r in low.iter().chain(&high) {
                // The same sum as summary.csv's net value at the full horizon.
                let total = r.summaries[0].net_value;
                assert_eq!(net_value_through(r, args.ticks).to_bits(), total.to_bits());
            }
            for (h, &horizon) in horizons.iter().enumerate() {
                let at = |runs: &[Replication]| -> Vec<f64> {
                    runs.iter().map(|r| net_value_through(r, horizon)).collect()
                };
                let (l, hi) = (at(&low), at(&high));
                if let Some(file) = raw.as_mut() {
                    for (k, (a, b)) in l.iter().zip(&hi).enumerate() {
                        writeln!(file, "{seed},{f},{},{k},{horizon},{a},{b}", factor.path)?;
                    }
                }
                values[i][h].push((l, hi));
            }
            eprintln!(
                "seed {seed} factor {f} done ({:.0} s)",
                clock.elapsed().as_secs_f64()
            );
        }
    }
    if let Some(mut file) = raw {
        file.flush()?;
    }

    for &(horizon, n) in &evaluations {
        let h = horizons.iter().position(|&x| x == horizon).unwrap_or(0);
        println!(
            "\n## {} slots, {horizon} weeks, {n} paired replications per battery ({} seeds; \
             effect sizes from all {} replications of each)\n",
            args.capacity,
            args.seeds.len(),
            args.replications
        );
        println!(
            "| factor | effect (pooled) | SD of difference | corr(low, high) | d | d, 95% lower | batteries passing | power at n = {n} | n for power {} |",
            args.target
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        let mut family = 1.0;
        let mut bonferroni = 1.0;
        for (i, &f) in factors.iter().enumerate() {
            let factor = &FACTORS[f];
            let groups = &values[i][h];
            let passing = groups
                .iter()
                .filter(|(l, hi)| {
                    let pairs = hi.iter().zip(l).take(n);
                    factor.holds(&Estimate::of(pairs.map(|(b, a)| b - a)))
                })
                .count();
            let lows: Vec<f64> = groups.iter().flat_map(|g| g.0.iter().copied()).collect();
            let highs: Vec<f64> = groups.iter().flat_map(|g| g.1.iter().copied()).collect();
            let pooled = Estimate::of(highs.iter().zip(&lows).map(|(b, a)| b - a));
            // The effect size on the paper's side (negative if the pooled mean has the wrong
            // sign).
            let side = if factor.raises_net_value() { 1.0 } else { -1.0 };
            let d = side * pooled.mean / pooled.sd;
            let m = pooled.n as f64;
            let d_lo = d - 1.96 * (1.0 / m + d * d / (2.0 * m)).sqrt();
            let power = if d > 0.0 {
                directional_power(d, n)
            } else {
                0.0
            };
            family *= power;
            bonferroni -= 1.0 - power;
            let needed = if d > 0.0 {
                replications_for_power(d, args.target).map_or("-".to_owned(), |k| k.to_string())
            } else {
                "-".to_owned()
            };
            println!(
                "| {} | {:.0} | {:.0} | {:.2} | {:.2} | {:.2} | {passing}/{} | {:.4} | {needed} |",
                factor.name,
                pooled.mean,
                pooled.sd,
                pearson(&lows, &highs),
                d,
                d_lo,
                groups.len(),
                power
            );
        }
        println!(
            "\nAll {} factors pass together: {:.3} if independent, at least {:.3} (Bonferroni).",
            factors.len(),
            family,
            bonferroni.max(0.0)
        );
    }
    Ok(())
}
