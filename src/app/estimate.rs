//! The work a sweep will do, estimated and printed before it starts, and the limit on its size.
//!
//! Why: sensitivity designs grow fast (a Sobol design has N (D + 2) points, each run for every
//! replication), so a user should see the run count and the expected wall time before waiting,
//! and a sweep too large to aggregate in memory is refused (exit 2) before anything runs.

use crate::experiment::sweep::{Plan, RunId};

/// Customer-ticks one thread simulates per second, conservatively: the measured figure for
/// small populations of a few thousand customers on this project's CI machine
/// (docs/PERFORMANCE.md reports 10–13 M/s for 100,000 customers, where fixed costs matter less).
pub const CUSTOMER_TICKS_PER_SECOND: f64 = 4.0e6;

/// Most runs one sweep may have: every run's summary row is held while aggregating
/// (about 200 bytes per firm), and `runs.csv` lists them all.
pub const MAX_RUNS: usize = 1_000_000;

/// The expected work of the runs this process executes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Work {
    pub runs: usize,
    pub customer_ticks: f64,
    pub seconds: f64,
}

/// Estimates the work of `runs` on `threads` threads; refuses a sweep above [`MAX_RUNS`].
pub fn estimate(plan: &Plan, runs: &[RunId], threads: usize) -> Result<Work, String> {
    if plan.run_count() > MAX_RUNS {
        return Err(format!(
            "the sweep has {} runs ({} design points x {} replications), more than the limit of \
             {MAX_RUNS}; use fewer points (samples, trajectories) or replications",
            plan.run_count(),
            plan.point_count(),
            plan.replications
        ));
    }
    // Design points are rebuilt lazily when they run, so the estimate takes every run to be as
    // large as the heaviest point (an upper bound; exact when the design varies no size).
    let heaviest = &plan.heaviest;
    let per_run = f64::from(heaviest.model().population.capacity) * f64::from(heaviest.ticks());
    let customer_ticks = per_run * runs.len() as f64;
    Ok(Work {
        runs: runs.len(),
        customer_ticks,
        seconds: customer_ticks / (CUSTOMER_TICKS_PER_SECOND * threads.max(1) as f64),
    })
}

/// One line for the terminal: runs, customer-ticks and the expected wall time.
pub fn describe(work: &Work, threads: usize) -> String {
    let minutes = work.seconds / 60.0;
    let time = if minutes < 1.0 {
        format!("{:.0} s", work.seconds.max(1.0))
    } else if minutes < 120.0 {
        format!("{minutes:.0} min")
    } else {
        format!("{:.1} h", minutes / 60.0)
    };
    format!(
        "{} runs, {:.2e} customer-ticks: about {time} on {threads} thread{} (at {:.0} M \
         customer-ticks/s per thread)",
        work.runs,
        work.customer_ticks,
        if threads == 1 { "" } else { "s" },
        CUSTOMER_TICKS_PER_SECOND / 1e6
    )
}
