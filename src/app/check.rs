//! `cocreate check`: validate a scenario and print it fully resolved.

use super::{AppError, read_source};
use crate::cli::CheckArgs;
use crate::scenario::Scenario;

/// Returns the resolved scenario as TOML text, ready to print.
pub fn check(args: &CheckArgs) -> Result<String, AppError> {
    let source = read_source(Some(&args.scenario))?;
    let scenario = Scenario::load(&source, &args.scenario_args.set)?;
    super::warn(&scenario);
    Ok(format!(
        "# {} resolved by cocreate {} (every default filled in)\n{}",
        source.name,
        env!("CARGO_PKG_VERSION"),
        scenario.resolved_toml()
    ))
}
