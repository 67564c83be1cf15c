//! `sensitivity.csv` (one row per firm, outcome and factor), `sensitivity_s2.csv` (Sobol
//! second-order indices, when asked) and the ranked table a sweep prints when it finishes.
//!
//! The columns depend on the design, so a reader never meets empty columns:
//! - morris: `mu`, `mu_star`, `mu_star_conf`, `mu_star_lo`, `mu_star_hi`, `sigma`;
//! - sobol: `S1`, `S1_conf`, `S1_lo`, `S1_hi`, `ST`, `ST_conf`, `ST_lo`, `ST_hi`;
//! - lhs: `prcc`, `prcc_lo`, `prcc_hi`.
//!
//! `_conf` is the half-width of the 95% bootstrap interval, as in SALib; every row also carries
//! the outcome's `noise_share` (see [`crate::experiment::sensitivity`]).

use std::io;
use std::path::Path;

use super::csv::{number, write_table};
use crate::experiment::sensitivity::{Indices, OutcomeSensitivity, Sensitivity, recommendation};
use crate::experiment::sweep::Plan;
use crate::scenario::DesignKind;
use crate::scenario::levers::short_name;

/// Names of factor keys for charts and tables: the project's short lever names
/// ([`short_name`]: `firms.0.policy.service_recovery` → "service recovery"), or the full key
/// where two factors would share a short name.
pub fn short_names(keys: &[String]) -> Vec<String> {
    let short: Vec<String> = keys.iter().map(|k| short_name(k)).collect();
    short
        .iter()
        .zip(keys)
        .map(|(name, key)| {
            if short.iter().filter(|s| *s == name).count() == 1 {
                name.clone()
            } else {
                key.clone()
            }
        })
        .collect()
}

fn header(kind: DesignKind) -> Vec<&'static str> {
    let mut header = vec!["firm", "outcome", "factor", "short_name"];
    header.extend(match kind {
        DesignKind::Morris => &[
            "mu",
            "mu_star",
            "mu_star_conf",
            "mu_star_lo",
            "mu_star_hi",
            "sigma",
        ][..],
        DesignKind::Sobol => &[
            "S1", "S1_conf", "S1_lo", "S1_hi", "ST", "ST_conf", "ST_lo", "ST_hi",
        ][..],
        _ => &["prcc", "prcc_lo", "prcc_hi"][..],
    });
    header.push("noise_share");
    header
}

fn cells(indices: &Indices) -> Vec<String> {
    match indices {
        Indices::Morris(m) => vec![
            m.mu,
            m.mu_star,
            m.mu_star_conf,
            m.mu_star - m.mu_star_conf,
            m.mu_star + m.mu_star_conf,
            m.sigma,
        ],
        Indices::Sobol(s) => vec![
            s.s1,
            s.s1_conf,
            s.s1 - s.s1_conf,
            s.s1 + s.s1_conf,
            s.st,
            s.st_conf,
            s.st - s.st_conf,
            s.st + s.st_conf,
        ],
        Indices::Prcc(e) => vec![e.mean, e.lo, e.hi],
    }
    .into_iter()
    .map(number)
    .collect()
}

/// `sensitivity.csv`.
pub fn write_csv(path: &Path, plan: &Plan, sensitivity: &Sensitivity) -> io::Result<()> {
    let names = plan.scenario.firm_names();
    let short = short_names(&plan.design.factors);
    let rows = sensitivity.outcomes.iter().flat_map(|o| {
        o.factors.iter().enumerate().map(|(factor, indices)| {
            let mut row = vec![
                names[o.firm].clone(),
                o.outcome.to_owned(),
                plan.design.factors[factor].clone(),
                short[factor].clone(),
            ];
            row.extend(cells(indices));
            row.push(number(o.noise_share));
            row
        })
    });
    write_table(path, &header(sensitivity.kind), rows)
}

/// Whether the analysis has second-order indices.
pub fn has_second_order(sensitivity: &Sensitivity) -> bool {
    sensitivity
        .outcomes
        .iter()
        .any(|o| !o.second_order.is_empty())
}

/// `sensitivity_s2.csv`: one row per firm, outcome and pair of factors.
pub fn write_second_order(path: &Path, plan: &Plan, sensitivity: &Sensitivity) -> io::Result<()> {
    let names = plan.scenario.firm_names();
    let factors = &plan.design.factors;
    let header = [
        "firm", "outcome", "factor_1", "factor_2", "S2", "S2_conf", "S2_lo", "S2_hi",
    ];
    let rows = sensitivity.outcomes.iter().flat_map(|o| {
        o.second_order.iter().map(|p| {
            vec![
                names[o.firm].clone(),
                o.outcome.to_owned(),
                factors[p.i].clone(),
                factors[p.j].clone(),
                number(p.s2),
                number(p.conf),
                number(p.s2 - p.conf),
                number(p.s2 + p.conf),
            ]
        })
    });
    write_table(path, &header, rows)
}

/// Factor order by importance (μ*, ST or |PRCC|), most important first.
pub fn ranking(outcome: &OutcomeSensitivity) -> Vec<usize> {
    let mut order: Vec<usize> = (0..outcome.factors.len()).collect();
    order.sort_by(|&a, &b| {
        outcome.factors[b]
            .importance()
            .total_cmp(&outcome.factors[a].importance())
            .then(a.cmp(&b))
    });
    order
}

fn fmt(value: f64) -> String {
    if !value.is_finite() {
        "n/a".to_owned()
    } else if value.abs() >= 100.0 {
        format!("{value:.0}")
    } else if value.abs() >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}

/// The ranked table of the main outcome (net value) of every firm, with the noise advice.
pub fn ranked_table(plan: &Plan, sensitivity: &Sensitivity) -> String {
    let names = plan.scenario.firm_names();
    let short = short_names(&plan.design.factors);
    let width = short.iter().map(String::len).max().unwrap_or(6).max(6);
    let main = crate::experiment::sensitivity::OUTCOMES[0];
    let mut text = String::new();
    for outcome in sensitivity.outcomes.iter().filter(|o| o.outcome == main) {
        let firm = if names.len() > 1 {
            format!(" ({})", names[outcome.firm])
        } else {
            String::new()
        };
        let (what, columns) = match sensitivity.kind {
            DesignKind::Morris => (
                "Morris elementary effects",
                "        mu*   95% interval        mu      sigma",
            ),
            DesignKind::Sobol => (
                "Sobol indices",
                "         ST   95% interval        S1   95% interval   ST-S1",
            ),
            _ => ("partial rank correlations", "       PRCC   95% interval"),
        };
        text.push_str(&format!(
            "Factors ranked by {what} on {main}{firm}:\n  {:<width$}{columns}\n",
            "factor"
        ));
        for factor in ranking(outcome) {
            let row = match outcome.factors[factor] {
                Indices::Morris(m) => format!(
                    "{:>11} [{:>7}, {:>7}] {:>9} {:>10}",
                    fmt(m.mu_star),
                    fmt(m.mu_star - m.mu_star_conf),
                    fmt(m.mu_star + m.mu_star_conf),
                    fmt(m.mu),
                    fmt(m.sigma)
                ),
                Indices::Sobol(s) => format!(
                    "{:>11} [{:>6}, {:>6}] {:>9} [{:>6}, {:>6}] {:>7}",
                    fmt(s.st),
                    fmt(s.st - s.st_conf),
                    fmt(s.st + s.st_conf),
                    fmt(s.s1),
                    fmt(s.s1 - s.s1_conf),
                    fmt(s.s1 + s.s1_conf),
                    fmt(s.st - s.s1)
                ),
                Indices::Prcc(e) => {
                    format!("{:>11} [{:>6}, {:>6}]", fmt(e.mean), fmt(e.lo), fmt(e.hi))
                }
            };
            text.push_str(&format!("  {:<width$}{row}\n", short[factor]));
        }
        text.push_str(&format!(
            "  {}\n",
            recommendation(outcome.noise_share, sensitivity.kind)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_the_lever_names_unless_two_coincide() {
        let keys: Vec<String> = [
            "firms.0.policy.service_recovery",
            "customers.vindictiveness.mean",
            "firms.0.staff.rudeness",
            "firms.1.staff.rudeness",
            "a.b.speed",
            "c.d.speed",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            short_names(&keys),
            [
                "service recovery",
                "vindictiveness mean",
                "staff rudeness",
                "staff rudeness (firm 1)",
                "a.b.speed",
                "c.d.speed"
            ]
        );
    }
}
