//! The short table `run` prints at the end: per firm, the regime counts and the key outcomes
//! with their 95% confidence intervals across replications.

use std::fmt::Write;

use crate::experiment::stats::Estimate;
use crate::experiment::{Regime, Replication};

/// Outcomes shown in the table: (label, summary column, scale for display).
const ROWS: [(&str, &str, f64); 6] = [
    ("co-created value", "cocreated_value", 1.0),
    ("co-destroyed value", "codestroyed_value", 1.0),
    ("net value", "net_value", 1.0),
    ("final loyalty", "final_loyalty", 1.0),
    ("monthly churn (%)", "monthly_churn", 100.0),
    ("WOM positive:negative", "wom_ratio", 1.0),
];

fn format_value(value: f64) -> String {
    if !value.is_finite() {
        "-".to_owned()
    } else if value.abs() >= 1000.0 {
        format!("{value:.0}")
    } else if value.abs() >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.3}")
    }
}

/// Renders the table for every firm.
pub fn table(replications: &[Replication], firm_names: &[String]) -> String {
    let mut out = String::new();
    for (firm, name) in firm_names.iter().enumerate() {
        let count = |regime: Regime| {
            replications
                .iter()
                .filter(|r| r.summaries[firm].regime == regime)
                .count()
        };
        let _ = writeln!(
            out,
            "firm {name} ({} replications): {} virtuous, {} contested, {} spiral",
            replications.len(),
            count(Regime::Virtuous),
            count(Regime::Contested),
            count(Regime::Spiral)
        );
        let _ = writeln!(
            out,
            "  {:<24}{:>12}  {:>27}",
            "outcome", "mean", "95% interval"
        );
        for (label, column, scale) in ROWS {
            let estimate = Estimate::of(
                replications
                    .iter()
                    .filter_map(|r| r.summaries[firm].value(column))
                    .map(|v| v * scale),
            );
            let interval = format!(
                "[{}, {}]",
                format_value(estimate.lo),
                format_value(estimate.hi)
            );
            let _ = writeln!(
                out,
                "  {label:<24}{:>12}  {interval:>27}",
                format_value(estimate.mean)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_formatted_by_magnitude() {
        assert_eq!(format_value(12345.67), "12346");
        assert_eq!(format_value(12.345), "12.3");
        assert_eq!(format_value(0.12345), "0.123");
        assert_eq!(format_value(f64::NAN), "-");
    }
}
