//! Experiment layer: replications, seeds, parallelism, summaries and regimes.
//!
//! Replication `r` of a scenario runs with [`replication_seed`]`(seed, r)`, a function of the
//! scenario's seed and `r` alone, so two scenarios that differ only in parameters are paired
//! (common random numbers). Replications run in parallel with rayon and are collected in
//! replication order, so outputs never depend on which finished first.

pub mod bands;
pub mod compare;
pub mod sensitivity;
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
    /// Every customer active at the last tick, with its slot (empty unless kept).
    pub customers: FinalCustomers,
    pub summaries: Vec<FirmSummary>,
}

/// The customers active at the last tick of a replication, in slot order: the simulation's own
/// customer records compacted in place (no copy), and their slot indices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FinalCustomers {
    slots: Vec<u32>,
    records: Vec<Customer>,
}

impl FinalCustomers {
    /// Keeps the active records of `customers` (one per slot, in slot order).
    pub fn from_slots(mut customers: Vec<Customer>) -> FinalCustomers {
        let slots = customers
            .iter()
            .enumerate()
            .filter(|(_, c)| c.is_active())
            .map(|(slot, _)| slot as u32)
            .collect();
        customers.retain(Customer::is_active);
        customers.shrink_to_fit();
        FinalCustomers {
            slots,
            records: customers,
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Slot indices, parallel to [`FinalCustomers::records`].
    pub fn slots(&self) -> &[u32] {
        &self.slots
    }

    pub fn records(&self) -> &[Customer] {
        &self.records
    }

    /// Slot index and record of every customer, in slot order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (u32, &Customer)> + '_ {
        self.slots.iter().copied().zip(&self.records)
    }
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
    let (mut replication, customers) = simulate(scenario, index, progress);
    if keep.customers {
        replication.customers = customers;
    }
    replication
}

/// Replication `index` of `scenario` at tick 0, with its seed (for callers that step the
/// simulation themselves).
pub fn start(scenario: &Scenario, index: u32) -> (u64, Simulation) {
    let seed = replication_seed(scenario.seed(), u64::from(index));
    (seed, Simulation::scheduled(scenario.schedule(), seed))
}

/// Runs one replication; returns it (without customers) and its final customers.
fn simulate(
    scenario: &Scenario,
    index: u32,
    progress: &dyn Progress,
) -> (Replication, FinalCustomers) {
    let (seed, mut simulation) = start(scenario, index);
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
    // The network and public buffers are freed here; the customer slots are compacted in place.
    let customers = FinalCustomers::from_slots(simulation.into_customers());
    let mut replication = Replication {
        index,
        seed,
        series,
        firms,
        customers: FinalCustomers::default(),
        summaries: Vec::with_capacity(firms),
    };
    for firm in 0..firms {
        let firm_series = replication.firm_series(firm);
        replication.summaries.push(summary::summarise(
            &firm_series,
            firm as u8,
            customers.records(),
        ));
    }
    (replication, customers)
}

/// Runs every replication of `scenario` in parallel; results come back in replication order.
pub fn run(scenario: &Scenario, keep: Keep, progress: &dyn Progress) -> Vec<Replication> {
    (0..scenario.replications())
        .into_par_iter()
        .map(|index| run_replication(scenario, index, keep, progress))
        .collect()
}

/// Runs every replication of `scenario` and hands each one's final customers to `sink`, in
/// replication order, instead of keeping them: what `cocreate run` does to stream
/// customers.csv. Replications run in parallel batches of as many as there are threads, so
/// memory holds at most one batch of simulations and final customers, however many
/// replications there are. Results come back in replication order, without customers.
pub fn run_streaming<E>(
    scenario: &Scenario,
    progress: &dyn Progress,
    mut sink: impl FnMut(&Replication, &FinalCustomers) -> Result<(), E>,
) -> Result<Vec<Replication>, E> {
    let indices: Vec<u32> = (0..scenario.replications()).collect();
    let mut replications = Vec::with_capacity(indices.len());
    for batch in indices.chunks(rayon::current_num_threads().max(1)) {
        let done: Vec<(Replication, FinalCustomers)> = batch
            .par_iter()
            .map(|&index| simulate(scenario, index, progress))
            .collect();
        for (replication, customers) in done {
            sink(&replication, &customers)?;
            replications.push(replication);
        }
    }
    Ok(replications)
}

/// Runs replication `index` of `scenario` for `tick` weeks (at most the scenario's ticks) and
/// returns its seed and the customers active then: what `cocreate survey` interviews. The
/// customers are those `run_replication` would hold at that tick, since the streams are keyed by
/// tick and do not depend on how long the run goes on.
pub fn customers_at_tick(
    scenario: &Scenario,
    index: u32,
    tick: u32,
    progress: &dyn Progress,
) -> (u64, FinalCustomers) {
    let (seed, mut simulation) = start(scenario, index);
    let mut out = Vec::with_capacity(scenario.model().firms.len());
    for _ in 0..tick.min(scenario.ticks()) {
        simulation.step(&mut out);
        progress.advance(1);
    }
    (
        seed,
        FinalCustomers::from_slots(simulation.into_customers()),
    )
}

/// Runs replication `index` of `scenario` and shows `visit` every customer slot (vacant ones
/// included) at each of `ticks` (increasing, at most the scenario's ticks). Returns the
/// replication seed.
pub fn visit_ticks(
    scenario: &Scenario,
    index: u32,
    ticks: &[u32],
    progress: &dyn Progress,
    mut visit: impl FnMut(u32, &[Customer]),
) -> u64 {
    let (seed, mut simulation) = start(scenario, index);
    let mut out = Vec::with_capacity(scenario.model().firms.len());
    for &tick in ticks {
        while simulation.tick() < tick.min(scenario.ticks()) {
            simulation.step(&mut out);
            progress.advance(1);
        }
        visit(simulation.tick(), &simulation.customers());
    }
    seed
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

    #[test]
    fn streaming_hands_over_the_kept_customers_in_replication_order() {
        let scenario = small();
        let kept = run(&scenario, Keep { customers: true }, &Silent);
        let mut handed = Vec::new();
        let streamed = run_streaming(&scenario, &Silent, |replication, customers| {
            handed.push((replication.index, customers.clone()));
            Ok::<_, ()>(())
        })
        .unwrap();
        assert_eq!(handed.len(), kept.len());
        for ((index, customers), (kept, streamed)) in handed.iter().zip(kept.iter().zip(&streamed))
        {
            assert_eq!(*index, kept.index);
            assert_eq!(*customers, kept.customers);
            assert_eq!(streamed.series, kept.series);
            assert_eq!(streamed.summaries, kept.summaries);
            assert!(streamed.customers.is_empty());
        }
    }

    #[test]
    fn final_customers_are_the_active_slots_in_order() {
        let scenario = small();
        let replication = run_replication(&scenario, 0, Keep { customers: true }, &Silent);
        let mut simulation = Simulation::scheduled(scenario.schedule(), replication.seed);
        let mut out = Vec::new();
        for _ in 0..scenario.ticks() {
            simulation.step(&mut out);
        }
        let records = simulation.customers();
        let expected: Vec<(u32, &Customer)> = records
            .iter()
            .enumerate()
            .filter(|(_, c)| c.is_active())
            .map(|(slot, c)| (slot as u32, c))
            .collect();
        assert_eq!(replication.customers.iter().collect::<Vec<_>>(), expected);
    }

    #[test]
    fn customers_at_the_last_tick_are_the_final_customers() {
        let scenario = small();
        let replication = run_replication(&scenario, 0, Keep { customers: true }, &Silent);
        let (seed, customers) = customers_at_tick(&scenario, 0, scenario.ticks(), &Silent);
        assert_eq!(seed, replication.seed);
        assert_eq!(customers, replication.customers);
        let (_, earlier) = customers_at_tick(&scenario, 0, 5, &Silent);
        assert_ne!(earlier, replication.customers);
    }
}
