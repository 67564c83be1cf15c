//! Experiment layer: replications, seeds, parallelism, summaries and regimes.
//!
//! Replication `r` of a scenario runs with [`replication_seed`]`(seed, r)`, a function of the
//! scenario's seed and `r` alone, so two scenarios that differ only in parameters are paired
//! (common random numbers). Replications run in parallel with rayon and are collected in
//! replication order, so outputs never depend on which finished first.

pub mod bands;
pub mod stats;
pub mod summary;
pub mod sweep;

use rayon::prelude::*;

use crate::model::agents::Customer;
use crate::model::rng::replication_seed;
use crate::model::{FirmTick, Simulation};
use crate::scenario::Scenario;
pub use summary::{FirmSummary, Regime};

/// Receives progress reports (ticks simulated); must be cheap and thread-safe.
pub trait Progress: Sync {
    fn advance(&self, ticks: u64);
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {
    fn advance(&self, _ticks: u64) {}
}

/// Everything one replication produced.
#[derive(Debug, Clone)]
pub struct Replication {
    pub index: u32,
    pub seed: u64,
    /// Observations, tick-major: `series[tick * firms + firm]` for ticks 0..=T.
    pub series: Vec<FirmTick>,
    pub firms: usize,
    /// Slot index and record of every customer active at the last tick.
    pub customers: Vec<(u32, Customer)>,
    pub summaries: Vec<FirmSummary>,
}

impl Replication {
    /// One firm's trajectory, ticks 0..=T.
    pub fn firm_series(&self, firm: usize) -> Vec<FirmTick> {
        self.series
            .iter()
            .skip(firm)
            .step_by(self.firms)
            .copied()
            .collect()
    }
}

/// What to keep from each replication beyond its trajectory and summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keep {
    /// Keep the final customers (for customers.csv).
    pub customers: bool,
}

/// Runs one replication of `scenario` to the end.
pub fn run_replication(
    scenario: &Scenario,
    index: u32,
    keep: Keep,
    progress: &dyn Progress,
) -> Replication {
    let seed = replication_seed(scenario.seed(), u64::from(index));
    let mut simulation = Simulation::new(scenario.model(), seed);
    let firms = scenario.model().firms.len();
    let ticks = scenario.ticks() as usize;
    let mut series = Vec::with_capacity((ticks + 1) * firms);
    let mut out = Vec::with_capacity(firms);
    simulation.observe_initial(&mut out);
    series.extend_from_slice(&out);
    for _ in 0..ticks {
        simulation.step(&mut out);
        series.extend_from_slice(&out);
        progress.advance(1);
    }
    let final_customers: Vec<(u32, Customer)> = simulation
        .customers()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_active())
        .map(|(slot, c)| (slot as u32, *c))
        .collect();
    let active: Vec<Customer> = final_customers.iter().map(|(_, c)| *c).collect();
    let mut replication = Replication {
        index,
        seed,
        series,
        firms,
        customers: Vec::new(),
        summaries: Vec::with_capacity(firms),
    };
    for firm in 0..firms {
        let firm_series = replication.firm_series(firm);
        replication
            .summaries
            .push(summary::summarise(&firm_series, firm as u8, &active));
    }
    if keep.customers {
        replication.customers = final_customers;
    }
    replication
}

/// Runs every replication of `scenario` in parallel; results come back in replication order.
pub fn run(scenario: &Scenario, keep: Keep, progress: &dyn Progress) -> Vec<Replication> {
    (0..scenario.replications())
        .into_par_iter()
        .map(|index| run_replication(scenario, index, keep, progress))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Override, Source};

    fn small() -> Scenario {
        let sets: Vec<Override> = [
            "population.capacity=1500",
            "population.initial=1200",
            "ticks=30",
            "replications=3",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        Scenario::load(&Source::baseline(), &sets).unwrap()
    }

    #[test]
    fn replications_are_reproducible_and_distinct() {
        let scenario = small();
        let keep = Keep { customers: true };
        let a = run(&scenario, keep, &Silent);
        let b = run(&scenario, keep, &Silent);
        assert_eq!(a.len(), 3);
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.series, y.series);
            assert_eq!(x.customers, y.customers);
        }
        assert_ne!(a[0].series, a[1].series);
        assert_eq!(a[0].series.len(), 31);
    }

    #[test]
    fn replication_seed_does_not_depend_on_the_number_of_replications() {
        let scenario = small();
        let alone = run_replication(&scenario, 2, Keep { customers: false }, &Silent);
        let together = run(&scenario, Keep { customers: false }, &Silent);
        assert_eq!(alone.series, together[2].series);
        assert_eq!(alone.seed, together[2].seed);
    }
}
