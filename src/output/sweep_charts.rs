//! The charts of a sweep, chosen by its design:
//!
//! - one factor: key outcomes against the factor with their 95% bands, and regime shares;
//! - two factors: heatmaps of mean net value and of the share of virtuous runs, with the cells
//!   whose net-value interval straddles zero marked as the tipping region;
//! - a grid of three or more factors, or a Latin hypercube: net value against each factor (one
//!   panel each); their partial rank correlations are drawn by [`super::sensitivity_charts`],
//!   which also draws the Morris and Sobol indices;
//! - variants: trajectories of every variant with bands on shared axes, outcomes as bars with
//!   interval whiskers, and the paired contrasts against the first variant.

use std::path::{Path, PathBuf};

use super::bars::{Bar, BarFigure, BarPanel, write_bars};
use super::charts::{Chart, ChartError, Dash, Line, Marker, Panel, write_chart};
use super::heatmap::{HeatmapFigure, HeatmapPanel, write_heatmaps};
use super::trajectories;
use crate::experiment::FirmSummary;
use crate::experiment::Regime;
use crate::experiment::stats::{Estimate, wilson};
use crate::experiment::sweep::{Plan, SweepResults};
use crate::scenario::DesignKind;
use crate::scenario::levers::short_name;

/// Outcomes charted against factors and variants: (summary column, axis label).
const KEY_OUTCOMES: [(&str, &str); 6] = [
    ("net_value", "net value (value units)"),
    ("cocreated_value", "co-created value (value units)"),
    ("codestroyed_value", "co-destroyed value (value units)"),
    ("final_loyalty", "final loyalty (0-1)"),
    ("monthly_churn", "monthly churn (share of customers)"),
    ("profit", "profit (money units)"),
];

/// Trajectories drawn for variants: (band metric, panel title, axis label).
const VARIANT_TRAJECTORIES: [(&str, &str, &str); 6] = [
    ("loyalty", "Loyalty", "mean over active customers (0-1)"),
    (
        "satisfaction",
        "Satisfaction",
        "mean over active customers (0-1)",
    ),
    (
        "cocreated_value",
        "Co-created value",
        "value units per week",
    ),
    (
        "codestroyed_value",
        "Co-destroyed value",
        "value units per week",
    ),
    ("active_customers", "Active customers", "customers"),
    ("profit", "Profit", "money units per week"),
];

fn outcome_index(name: &str) -> usize {
    FirmSummary::COLUMNS
        .iter()
        .position(|c| *c == name)
        .unwrap_or(0)
}

/// Writes the design's charts into `dir`; returns the files written.
pub fn write_all(
    dir: &Path,
    plan: &Plan,
    results: &SweepResults,
) -> Result<Vec<PathBuf>, ChartError> {
    let mut files = Vec::new();
    match (plan.design.kind, plan.design.factors.len()) {
        (DesignKind::Variants, _) => {
            files.extend(write_chart(dir, &variant_trajectories(plan, results))?);
            files.extend(write_bars(dir, &variant_outcomes(plan, results))?);
            files.extend(write_bars(dir, &variant_contrasts(plan, results))?);
        }
        (DesignKind::Grid, 1) => {
            files.extend(write_chart(dir, &one_factor_outcomes(plan, results))?);
            files.extend(write_chart(dir, &one_factor_regimes(plan, results))?);
        }
        (DesignKind::Grid, 2) => {
            for firm in 0..plan.firms() {
                files.extend(write_heatmaps(dir, &policy_map(plan, results, firm))?);
            }
        }
        // Their indices are drawn by `sensitivity_charts`.
        (DesignKind::Morris | DesignKind::Sobol, _) => {}
        // Partial rank correlations of a Latin hypercube or a larger grid are drawn by
        // `sensitivity_charts`.
        _ => {
            files.extend(write_chart(dir, &outcome_by_factor(plan, results))?);
        }
    }
    Ok(files)
}

fn firm_label(plan: &Plan, firm: usize, what: &str) -> String {
    let names = plan.scenario.firm_names();
    if names.len() == 1 {
        what.to_owned()
    } else {
        format!("{}: {what}", names[firm])
    }
}

fn subtitle(plan: &Plan) -> String {
    format!(
        "{} points x {} replications, mean with 95% interval",
        plan.point_count(),
        plan.replications
    )
}

fn one_factor_outcomes(plan: &Plan, results: &SweepResults) -> Chart {
    let factor = &plan.design.factors[0];
    let x: Vec<f64> = plan.design.points.iter().map(|p| p.values[0]).collect();
    let names = plan.scenario.firm_names();
    Chart {
        file_stem: "outcomes".to_owned(),
        title: format!(
            "Outcomes against {} ({})",
            short_name(factor),
            subtitle(plan)
        ),
        x_label: short_name(factor),
        markers: Vec::new(),
        panels: KEY_OUTCOMES
            .iter()
            .map(|(outcome, label)| Panel {
                title: label.split(" (").next().unwrap_or(label).to_owned(),
                y_label: (*label).to_owned(),
                lines: (0..plan.firms())
                    .map(|firm| {
                        let estimates: Vec<&Estimate> = results
                            .points
                            .iter()
                            .filter(|p| p.firm == firm)
                            .map(|p| &p.outcomes[outcome_index(outcome)])
                            .collect();
                        Line {
                            label: names[firm].clone(),
                            colour: firm,
                            dash: Dash::Solid,
                            x: x.clone(),
                            mean: estimates.iter().map(|e| e.mean).collect(),
                            lo: estimates.iter().map(|e| e.lo).collect(),
                            hi: estimates.iter().map(|e| e.hi).collect(),
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Below this many runs per point, regime shares are drawn as points with whiskers.
const FEW_RUNS: usize = 10;

fn one_factor_regimes(plan: &Plan, results: &SweepResults) -> Chart {
    let factor = &plan.design.factors[0];
    let x: Vec<f64> = plan.design.points.iter().map(|p| p.values[0]).collect();
    let names = plan.scenario.firm_names();
    let runs = plan.replications as usize;
    Chart {
        file_stem: "regimes".to_owned(),
        title: format!(
            "Share of runs in each regime against {} (95% Wilson interval)",
            short_name(factor)
        ),
        x_label: short_name(factor),
        markers: Vec::new(),
        panels: (0..plan.firms())
            .map(|firm| Panel {
                title: format!("Regimes of {}", names[firm]),
                y_label: "share of runs (0-1)".to_owned(),
                lines: Regime::ALL
                    .iter()
                    .enumerate()
                    .map(|(r, regime)| {
                        let shares: Vec<f64> = results
                            .points
                            .iter()
                            .filter(|p| p.firm == firm)
                            .map(|p| p.regime_shares[r])
                            .collect();
                        let intervals: Vec<(f64, f64)> =
                            shares.iter().map(|&s| wilson(s, runs)).collect();
                        // With few runs the Wilson bands are wide enough to fill the panel and
                        // hide one regime under another: points with whiskers instead, each
                        // regime nudged sideways so that the whiskers stay apart.
                        let few = runs < FEW_RUNS;
                        let (lo_x, hi_x) = x
                            .iter()
                            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                                (a.min(*v), b.max(*v))
                            });
                        let nudge = if few && hi_x > lo_x {
                            (r as f64 - 1.0) * 0.012 * (hi_x - lo_x)
                        } else {
                            0.0
                        };
                        Line {
                            label: regime.to_string(),
                            colour: r,
                            dash: if few { Dash::Markers } else { Dash::Solid },
                            x: x.iter().map(|v| v + nudge).collect(),
                            mean: shares,
                            lo: intervals.iter().map(|i| i.0).collect(),
                            hi: intervals.iter().map(|i| i.1).collect(),
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn policy_map(plan: &Plan, results: &SweepResults, firm: usize) -> HeatmapFigure {
    let design = &plan.design;
    let distinct = |factor: usize| {
        let mut values: Vec<f64> = design.points.iter().map(|p| p.values[factor]).collect();
        values.dedup();
        values.sort_by(f64::total_cmp);
        values.dedup();
        values
    };
    // Row-major design: factor 0 indexes rows (y), factor 1 columns (x).
    let (y_values, x_values) = (distinct(0), distinct(1));
    let stats: Vec<_> = results.points.iter().filter(|p| p.firm == firm).collect();
    let net = outcome_index("net_value");
    let marked: Vec<bool> = stats
        .iter()
        .map(|p| p.outcomes[net].lo <= 0.0 && p.outcomes[net].hi >= 0.0)
        .collect();
    let mark_label = "95% interval of net value includes 0 (tipping region)".to_owned();
    let names = plan.scenario.firm_names();
    let stem = if plan.firms() == 1 {
        "policy_map".to_owned()
    } else {
        format!("policy_map_{}", names[firm])
    };
    HeatmapFigure {
        file_stem: stem,
        title: format!(
            "Where co-creation tips into co-destruction: {} ({} replications per cell)",
            names[firm], plan.replications
        ),
        panels: vec![
            HeatmapPanel {
                title: "Mean net value (co-created minus co-destroyed)".to_owned(),
                x_label: short_name(&design.factors[1]),
                y_label: short_name(&design.factors[0]),
                x_values: x_values.clone(),
                y_values: y_values.clone(),
                cells: stats.iter().map(|p| p.outcomes[net].mean).collect(),
                value_label: "net value (value units)".to_owned(),
                diverging: true,
                marked: marked.clone(),
                mark_label: mark_label.clone(),
            },
            HeatmapPanel {
                title: "Share of virtuous runs".to_owned(),
                x_label: short_name(&design.factors[1]),
                y_label: short_name(&design.factors[0]),
                x_values,
                y_values,
                cells: stats.iter().map(|p| p.regime_shares[0]).collect(),
                value_label: "share of runs virtuous (0-1)".to_owned(),
                diverging: false,
                marked,
                mark_label,
            },
        ],
    }
}

fn outcome_by_factor(plan: &Plan, results: &SweepResults) -> Chart {
    let net = outcome_index("net_value");
    let names = plan.scenario.firm_names();
    Chart {
        file_stem: "outcome_by_factor".to_owned(),
        title: format!("Net value against each factor ({})", subtitle(plan)),
        x_label: "factor value".to_owned(),
        markers: Vec::new(),
        panels: plan
            .design
            .factors
            .iter()
            .enumerate()
            .map(|(factor, key)| Panel {
                title: short_name(key),
                y_label: "net value (value units)".to_owned(),
                lines: (0..plan.firms())
                    .map(|firm| {
                        let stats: Vec<_> =
                            results.points.iter().filter(|p| p.firm == firm).collect();
                        Line {
                            label: names[firm].clone(),
                            colour: firm,
                            dash: Dash::Markers,
                            x: stats
                                .iter()
                                .map(|p| plan.design.points.at(p.point).values[factor])
                                .collect(),
                            mean: stats.iter().map(|p| p.outcomes[net].mean).collect(),
                            lo: stats.iter().map(|p| p.outcomes[net].lo).collect(),
                            hi: stats.iter().map(|p| p.outcomes[net].hi).collect(),
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Markers for the events that every variant shares (an event a variant changes or adds is
/// not marked, since it would not hold for all the lines).
fn shared_event_markers(plan: &Plan) -> Vec<Marker> {
    trajectories::event_markers(&plan.shared_marks)
}

fn variant_trajectories(plan: &Plan, results: &SweepResults) -> Chart {
    let names = plan.scenario.firm_names();
    let x: Vec<f64> = (0..plan.ticks()).map(|t| t as f64).collect();
    Chart {
        file_stem: "variant_trajectories".to_owned(),
        title: format!(
            "Trajectories of every variant (mean of {} replications, 95% band)",
            plan.replications
        ),
        x_label: "week".to_owned(),
        markers: shared_event_markers(plan),
        panels: VARIANT_TRAJECTORIES
            .iter()
            .map(|(metric, title, y_label)| Panel {
                title: (*title).to_owned(),
                y_label: (*y_label).to_owned(),
                lines: results
                    .variant_bands
                    .iter()
                    .enumerate()
                    .flat_map(|(variant, bands)| {
                        let label = plan.design.points.at(variant).label;
                        let x = &x;
                        let names = &names;
                        (0..bands.firms()).filter_map(move |firm| {
                            let band = bands.series(firm, metric)?;
                            Some(Line {
                                label: if names.len() == 1 {
                                    label.clone()
                                } else {
                                    format!("{label}: {}", names[firm])
                                },
                                colour: variant,
                                dash: if firm == 0 { Dash::Solid } else { Dash::Dashed },
                                x: x.clone(),
                                mean: band.iter().map(|e| e.mean).collect(),
                                lo: band.iter().map(|e| e.lo).collect(),
                                hi: band.iter().map(|e| e.hi).collect(),
                            })
                        })
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn variant_outcomes(plan: &Plan, results: &SweepResults) -> BarFigure {
    BarFigure {
        file_stem: "variant_outcomes".to_owned(),
        title: format!("Outcomes by variant ({})", subtitle(plan)),
        horizontal: false,
        panels: (0..plan.firms())
            .flat_map(|firm| {
                KEY_OUTCOMES.iter().map(move |(outcome, label)| BarPanel {
                    title: firm_label(plan, firm, label.split(" (").next().unwrap_or(label)),
                    value_label: (*label).to_owned(),
                    bars: results
                        .points
                        .iter()
                        .filter(|p| p.firm == firm)
                        .map(|p| {
                            let e = &p.outcomes[outcome_index(outcome)];
                            Bar {
                                label: plan.design.points.at(p.point).label.clone(),
                                mean: e.mean,
                                lo: e.lo,
                                hi: e.hi,
                                colour: p.point,
                            }
                        })
                        .collect(),
                })
            })
            .collect(),
    }
}

fn variant_contrasts(plan: &Plan, results: &SweepResults) -> BarFigure {
    let reference = plan.design.reference_label();
    BarFigure {
        file_stem: "contrasts".to_owned(),
        title: format!(
            "Each variant minus `{reference}`, paired by replication (mean difference, 95% interval)"
        ),
        horizontal: true,
        panels: (0..plan.firms())
            .flat_map(|firm| {
                KEY_OUTCOMES.iter().map(move |(outcome, label)| BarPanel {
                    title: firm_label(plan, firm, label.split(" (").next().unwrap_or(label)),
                    value_label: format!("difference in {label}"),
                    bars: results
                        .contrasts
                        .iter()
                        .filter(|c| c.firm == firm && c.outcome == *outcome)
                        .map(|c| Bar {
                            label: plan.design.points.at(c.point).label.clone(),
                            mean: c.difference.mean,
                            lo: c.difference.lo,
                            hi: c.difference.hi,
                            colour: c.point,
                        })
                        .collect(),
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_events_every_variant_shares_are_marked() {
        let text = r#"
            [[firms]]
            name = "firm"
            [[events]]
            tick = 10
            label = "outage"
            set = { "firms.0.policy.tech_reliability" = 0.2 }
            [[events]]
            tick = 20
            label = "cut"
            set = { "firms.0.policy.training" = 0.0 }
            [experiment]
            design = "variants"
            [[experiment.variants]]
            name = "as_is"
            set = ["firms.0.policy.incentive=0.1"]
            [[experiment.variants]]
            name = "later_cut"
            set = ["events.1.tick=30"]
        "#;
        let source = crate::scenario::Source {
            name: "test.toml".to_owned(),
            text: text.to_owned(),
        };
        let scenario = crate::scenario::Scenario::load(&source, &[]).expect("valid");
        let plan = Plan::new(scenario).expect("plan");
        let markers = shared_event_markers(&plan);
        let labels: Vec<&str> = markers.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(labels, ["outage"]);
        assert_eq!(markers[0].x, 10.0);
    }
}
