//! The short table `run` prints at the end: per firm, the regime counts and the key outcomes
//! with their 95% confidence intervals across replications.

use std::fmt::Write;

use crate::experiment::stats::Estimate;
use crate::experiment::sweep::{Plan, SweepResults};
use crate::experiment::{FirmSummary, Regime, Replication};

/// Outcomes shown in the table: (label, summary column, scale for display).
const ROWS: [(&str, &str, f64); 6] = [
    ("co-created value", "cocreated_value", 1.0),
    ("co-destroyed value", "codestroyed_value", 1.0),
    ("net value", "net_value", 1.0),
    ("final loyalty", "final_loyalty", 1.0),
    ("monthly churn (%)", "monthly_churn", 100.0),
    ("WOM positive:negative", "wom_ratio", 1.0),
];

/// A number for a terminal table: whole above 1,000, one decimal above 10, else three; `-` if
/// not finite.
pub fn format_value(value: f64) -> String {
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

/// Outcomes of the sweep table: (label, summary column, scale for display).
const SWEEP_COLUMNS: [(&str, &str, f64); 4] = [
    ("net value", "net_value", 1.0),
    ("loyalty", "final_loyalty", 1.0),
    ("churn %/mo", "monthly_churn", 100.0),
    ("profit", "profit", 1.0),
];

/// Most points listed in the sweep table; the rest are in points.csv and report.html.
const SWEEP_ROWS: usize = 30;

/// The short table a sweep prints at the end: per point and firm, the main outcomes (mean and
/// 95% interval) and the share of virtuous runs; for variants, the paired contrasts of net
/// value against the reference variant.
pub fn sweep_table(plan: &Plan, results: &SweepResults) -> String {
    let names = plan.scenario.firm_names();
    let column = |name: &str| FirmSummary::COLUMNS.iter().position(|c| *c == name);
    let mut out = String::new();
    let _ = write!(out, "{:<28}", "point");
    if names.len() > 1 {
        let _ = write!(out, "{:<12}", "firm");
    }
    for (label, _, _) in SWEEP_COLUMNS {
        let _ = write!(out, "{label:>26}");
    }
    let _ = writeln!(out, "{:>10}", "virtuous");
    for stats in results.points.iter().take(SWEEP_ROWS * names.len()) {
        let point = &plan.design.points.at(stats.point);
        let label = if point.label.chars().count() > 27 {
            format!("{}…", point.label.chars().take(26).collect::<String>())
        } else {
            point.label.clone()
        };
        let _ = write!(out, "{label:<28}");
        if names.len() > 1 {
            let _ = write!(out, "{:<12}", names[stats.firm]);
        }
        for (_, name, scale) in SWEEP_COLUMNS {
            let cell = column(name)
                .and_then(|k| stats.outcomes.get(k))
                .map_or_else(
                    || "-".to_owned(),
                    |e| {
                        format!(
                            "{} [{}, {}]",
                            format_value(e.mean * scale),
                            format_value(e.lo * scale),
                            format_value(e.hi * scale)
                        )
                    },
                );
            let _ = write!(out, "{cell:>26}");
        }
        let _ = writeln!(out, "{:>9.0}%", stats.regime_shares[0] * 100.0);
    }
    if results.points.len() > SWEEP_ROWS * names.len() {
        let _ = writeln!(
            out,
            "… {} more points in points.csv and report.html",
            results.points.len() / names.len().max(1) - SWEEP_ROWS
        );
    }
    let net: Vec<_> = results
        .contrasts
        .iter()
        .filter(|c| c.outcome == "net_value")
        .collect();
    if !net.is_empty() {
        let reference = plan.design.reference_label();
        let _ = writeln!(
            out,
            "\nnet value against `{reference}`, paired by replication (95% interval; * excludes 0):"
        );
        for c in net {
            let d = &c.difference;
            let mark = if d.lo > 0.0 || d.hi < 0.0 { " *" } else { "" };
            let firm = if names.len() > 1 {
                format!(" ({})", names[c.firm])
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  {:<28}{:>12} [{}, {}]{mark}",
                format!("{}{firm}", plan.design.points.at(c.point).label),
                format_value(d.mean),
                format_value(d.lo),
                format_value(d.hi)
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
