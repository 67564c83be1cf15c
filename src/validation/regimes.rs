//! Pattern 1, regimes: a well-run firm (`scenarios/virtuous.toml`) ends in the virtuous cycle
//! and a badly run one (`scenarios/spiral.toml`) in the spiral, in at least 95% of
//! replications each. Both regimes come from the same rules (specification, section 4,
//! emergence). The regime of a replication is the rule of `experiment::summary::classify`.

use super::{
    Batch, Embedded, PatternResult, SPIRAL, Settings, VIRTUOUS, ValidationError, proportion,
};
use crate::experiment::{Progress, Regime};

/// Least share of replications that must reach the scenario's regime, in percent.
pub const LEAST_PERCENT: usize = 95;

/// Replications per scenario: enough that one replication in the wrong regime fails the
/// quick battery (20), and a tight interval in the full one.
const QUICK_REPLICATIONS: u32 = 20;
const FULL_REPLICATIONS: u32 = 100;

/// The two scenarios with the regime each must reach.
const CASES: [(Embedded, Regime, &str); 2] = [
    (VIRTUOUS, Regime::Virtuous, "well-run firm ends virtuous"),
    (SPIRAL, Regime::Spiral, "badly run firm ends in a spiral"),
];

/// The batches of pattern 1: each scenario at full size.
pub fn batches(settings: &Settings) -> Vec<Batch> {
    let sets = settings.replications(QUICK_REPLICATIONS, FULL_REPLICATIONS);
    CASES
        .iter()
        .map(|(scenario, _, _)| Batch::new(*scenario, &sets))
        .collect()
}

/// One result per scenario: the share of replications in its regime.
pub fn run(
    settings: &Settings,
    progress: &dyn Progress,
) -> Result<Vec<PatternResult>, ValidationError> {
    let mut results = Vec::new();
    for ((scenario, regime, name), batch) in CASES.iter().zip(batches(settings)) {
        let replications = batch.run(progress)?;
        let hits = replications
            .iter()
            .filter(|r| r.summaries.first().is_some_and(|s| s.regime == *regime))
            .count();
        let share = proportion(hits, replications.len());
        results.push(PatternResult {
            number: 1,
            name: format!("Regimes: {name} ({})", scenario.path),
            source: "model specification, sections 4 and 7 (emergence of both regimes from the \
                     same rules)"
                .to_owned(),
            expected: format!("≥ {LEAST_PERCENT}% of replications {regime}"),
            observed: format!(
                "{hits}/{} = {:.1}% [{:.1}%, {:.1}%]",
                replications.len(),
                share.mean * 100.0,
                share.lo * 100.0,
                share.hi * 100.0
            ),
            pass: !replications.is_empty() && hits * 100 >= LEAST_PERCENT * replications.len(),
            estimate: Some(share),
        });
    }
    Ok(results)
}
