//! Refuses work that cannot fit in this machine's memory, before allocating anything, with the
//! estimated need in the message.
//!
//! The estimate covers what a replication holds at its peak: every customer slot's private
//! record and its two public records, the network in CSR form (4 bytes per tie end and per
//! slot), employees, per-block tallies, the trajectory, and for `run` the final customers kept
//! for customers.csv. Replications run `threads` at a time.

use crate::model::agents::{Customer, Employee, Public};
use crate::scenario::Scenario;

/// Bytes one replication of `scenario` needs at its peak.
pub fn replication_bytes(scenario: &Scenario, keep_customers: bool) -> u64 {
    let model = scenario.model();
    let slots = u64::from(model.population.capacity);
    let ties = slots * u64::from(model.network.mean_degree);
    let per_slot =
        (std::mem::size_of::<Customer>() + 2 * std::mem::size_of::<Public>() + 4 + 4) as u64;
    // Building the network holds the edge list (8 bytes per tie) next to the CSR arrays.
    let network = 4 * (slots + 1) + 4 * ties + 8 * ties / 2;
    let employees: u64 = (0..model.firms.len())
        .map(|f| u64::from(model.staff_count(f)))
        .sum::<u64>()
        * std::mem::size_of::<Employee>() as u64;
    let series = (u64::from(scenario.ticks()) + 1) * model.firms.len() as u64 * 256;
    let kept = if keep_customers {
        u64::from(model.population.capacity) * (std::mem::size_of::<Customer>() as u64 + 4)
    } else {
        0
    };
    slots * per_slot + network + employees + series + kept
}

/// Memory available to this process, if the platform says (Linux: MemAvailable).
pub fn available_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
}

/// Checks that `concurrent` replications of `scenario` fit in the available memory; the error
/// message states the estimated need and what is available.
pub fn check(
    scenario: &Scenario,
    concurrent: u64,
    keep_customers: bool,
    available: Option<u64>,
) -> Result<(), String> {
    let Some(available) = available else {
        return Ok(());
    };
    let need = replication_bytes(scenario, keep_customers).saturating_mul(concurrent.max(1));
    if need > available {
        return Err(format!(
            "scenario `{}` needs about {} of memory ({} replications at a time of {} customer \
             slots each), but only {} is available; reduce population.capacity, or run with \
             fewer threads (RAYON_NUM_THREADS)",
            scenario.name(),
            gib(need),
            concurrent.max(1),
            scenario.model().population.capacity,
            gib(available)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Override, Source};

    fn scenario(capacity: u32) -> Scenario {
        let sets: Vec<Override> = [
            format!("population.capacity={capacity}"),
            "population.initial=10".to_owned(),
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        Scenario::load(&Source::baseline(), &sets).unwrap()
    }

    #[test]
    fn estimate_grows_with_the_population_and_stays_plausible() {
        let small = replication_bytes(&scenario(10_000), false);
        let large = replication_bytes(&scenario(1_000_000), false);
        assert!(large > 90 * small);
        let per_slot = large as f64 / 1e6;
        assert!(
            (150.0..400.0).contains(&per_slot),
            "{per_slot} bytes per slot"
        );
    }

    #[test]
    fn too_large_is_refused_with_the_estimate() {
        let huge = scenario(100_000_000);
        let error = check(&huge, 2, true, Some(1 << 30)).unwrap_err();
        assert!(
            error.contains("GiB") && error.contains("only 1.0 GiB"),
            "{error}"
        );
        assert!(check(&scenario(1000), 2, true, Some(1 << 30)).is_ok());
        assert!(check(&huge, 2, true, None).is_ok());
    }
}
