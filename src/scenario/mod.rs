//! Scenario layer: TOML text plus `--set` overrides in, validated `Scenario` out.

pub mod diagnostics;
pub mod overrides;
