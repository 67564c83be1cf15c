//! The body of the scenario fuzz target (`fuzz/fuzz_targets/scenario.rs`), kept in the library
//! so the regression corpus (`fuzz/regressions/`) runs in the ordinary test suite.

use super::{Override, Scenario, Source};
use crate::experiment::{Keep, Silent, run_replication};

/// Largest population and run the fuzz target simulates (bigger valid scenarios are only
/// parsed and validated).
const MAX_FUZZ_SLOTS: u32 = 2_000;
const MAX_FUZZ_TICKS: u32 = 30;

/// Parses and validates `data` as a scenario (also with a `--set` built from its first line),
/// and runs one short replication of whatever is valid. Must never panic.
pub fn exercise(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Source {
        name: "fuzz.toml".to_owned(),
        text: text.to_owned(),
    };
    let mut overrides = Vec::new();
    if let Some(first) = text.lines().next()
        && let Ok(item) = first.parse::<Override>()
    {
        overrides.push(item);
    }
    for sets in [&[][..], &overrides[..]] {
        let Ok(scenario) = Scenario::load(&source, sets) else {
            continue;
        };
        let _ = scenario.resolved_toml();
        let model = scenario.model();
        if model.population.capacity <= MAX_FUZZ_SLOTS && scenario.ticks() <= MAX_FUZZ_TICKS {
            let replication = run_replication(&scenario, 0, Keep { customers: true }, &Silent);
            for tick in &replication.series {
                assert!(
                    tick.values().iter().all(|v| v.is_finite()),
                    "non-finite output"
                );
            }
        }
    }
}
