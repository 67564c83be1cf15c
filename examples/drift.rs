//! Diagnostic: means of every firm-, customer- and staff-level state over the weeks of a run
//! (replications averaged), to see which series still drift after the spin-up.
//!
//! ```text
//! cargo run --release --example drift -- SCENARIO REPS EVERY [KEY=VALUE ...]
//! ```

use cocreate::model::Simulation;
use cocreate::model::rng::replication_seed;
use cocreate::scenario::{Override, Scenario, Source};

const NAMES: [&str; 22] = [
    "active", "sat", "loy", "expect", "fv", "ev", "sv", "emp", "eff", "griev", "part", "quality",
    "reput", "morale", "help", "empath", "polite", "respons", "rude", "tenure", "wompos", "womneg",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = &args[0];
    let reps: u64 = args[1].parse().expect("REPS");
    let every: u32 = args[2].parse().expect("EVERY");
    let overrides: Vec<Override> = args[3..]
        .iter()
        .map(|s| s.parse().expect("override"))
        .collect();
    let text = std::fs::read_to_string(path).expect("scenario");
    let source = Source {
        name: path.clone(),
        text,
    };
    let scenario = Scenario::load(&source, &overrides).expect("valid scenario");
    let ticks = scenario.ticks();
    let rows = (ticks / every + 1) as usize;
    let mut sums = vec![[0.0f64; 22]; rows];
    for r in 0..reps {
        let seed = replication_seed(scenario.seed(), r);
        let mut sim = Simulation::scheduled(scenario.schedule(), seed);
        let mut out = Vec::new();
        let mut wom = (0.0, 0.0);
        for t in 0..=ticks {
            if t > 0 {
                sim.step(&mut out);
                wom.0 += out[0].wom_positive;
                wom.1 += out[0].wom_negative;
            } else {
                sim.observe_initial(&mut out);
            }
            if t % every != 0 {
                continue;
            }
            let f = &out[0];
            let records = sim.customers();
            let active: Vec<_> = records.iter().filter(|c| c.is_active()).collect();
            let n = active.len().max(1) as f64;
            let m = |g: &dyn Fn(&cocreate::model::agents::Customer) -> f32| {
                active.iter().map(|c| f64::from(g(c))).sum::<f64>() / n
            };
            let staff = sim.employees();
            let s = staff.len() as f64;
            let e = |g: &dyn Fn(&cocreate::model::agents::Employee) -> f32| {
                staff.iter().map(|x| f64::from(g(x))).sum::<f64>() / s
            };
            let row = [
                n,
                m(&|c| c.satisfaction),
                m(&|c| c.loyalty),
                m(&|c| c.expectation),
                m(&|c| c.functional),
                m(&|c| c.emotional),
                m(&|c| c.social),
                m(&|c| c.empowerment),
                m(&|c| c.self_efficacy),
                m(&|c| c.grievance),
                m(&|c| c.recent_contributions),
                f.product_quality,
                f.reputation,
                e(&|x| x.morale),
                e(&|x| x.helpfulness),
                e(&|x| x.empathy),
                e(&|x| x.politeness),
                e(&|x| x.responsiveness),
                e(&|x| x.rudeness),
                m(&|c| c.tenure as f32) / 52.0,
                wom.0 / f64::from(every.max(1)) / n * 1000.0,
                wom.1 / f64::from(every.max(1)) / n * 1000.0,
            ];
            wom = (0.0, 0.0);
            for (acc, v) in sums[(t / every) as usize].iter_mut().zip(row) {
                *acc += v;
            }
        }
    }
    print!("week");
    for name in NAMES {
        print!("\t{name}");
    }
    println!();
    for (i, row) in sums.iter().enumerate() {
        print!("{}", i as u32 * every);
        for v in row {
            let v = v / reps as f64;
            if v.abs() >= 100.0 {
                print!("\t{v:.0}");
            } else {
                print!("\t{v:.4}");
            }
        }
        println!();
    }
}
