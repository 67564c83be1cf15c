//! Charts of `cocreate validate`, drawn with the shared plumbing of [`super::charts`] and
//! [`super::bars`] (embedded font, palette, atomic PNG and SVG):
//!
//! - `factor_effects`: a forest plot of the 16 factors of Zhang et al. (2018), one horizontal
//!   bar per factor from zero (the vertical zero line) to the effect of more of the factor on
//!   net value, with its 95% interval as a whisker; blue for co-creation factors, vermillion
//!   for co-destruction factors, each labelled by its name in the paper.
//! - `recovery_paradox` (when the report has one): satisfaction minus the same customers' in the
//!   no-failure arm against weeks relative to the first failure, one line with a 95% band per
//!   arm, failures marked.
//! - `hysteresis` (when the report has one): the state against the policy value, the ramp
//!   down solid and the ramp back up dashed, each with a 95% band.
//! - `path_model` (when the report has pattern 8): a forest plot of the 13 paths and indirect
//!   effects of Huang & Suo (2021) on the agents' latent states with bootstrap 95% intervals.

use std::path::{Path, PathBuf};

use super::bars::{Bar, BarFigure, BarPanel, write_bars};
use super::charts::{Chart, ChartError, Dash, Line, Marker, Panel, write_chart};
use crate::experiment::stats::Estimate;
use crate::validation::{
    Direction, FactorEffect, HysteresisLoop, PatternResult, RecoveryComparison, Report, structure,
};

/// Palette index of co-creation factors (blue).
const CO_CREATION_COLOUR: usize = 0;
/// Palette index of co-destruction factors (vermillion).
const CO_DESTRUCTION_COLOUR: usize = 1;

/// File stems of the charts.
pub const FOREST_STEM: &str = "factor_effects";
pub const RECOVERY_STEM: &str = "recovery_paradox";
pub const HYSTERESIS_STEM: &str = "hysteresis";
pub const PATHS_STEM: &str = "path_model";

/// Palette index of the paths and indirect effects the paper finds positive (blue).
const POSITIVE_COLOUR: usize = 0;
/// Palette index of the paths the paper finds not significant.
const NULL_COLOUR: usize = 2;

/// The forest plot of pattern 8 (Huang & Suo 2021 on the agents' latent states): one bar per
/// path and indirect effect with its bootstrap 95% interval; `None` without pattern-8 rows.
pub fn paths(patterns: &[PatternResult]) -> Option<BarFigure> {
    let rows: Vec<&PatternResult> = patterns.iter().filter(|p| p.number == 8).collect();
    let first = rows.first()?;
    let replications = first.estimate.map_or(0, |e| e.n);
    let bars = rows
        .iter()
        .map(|p| {
            let label = p
                .name
                .strip_prefix(structure::NAME_PREFIX)
                .unwrap_or(&p.name);
            let null = p.expected.starts_with("n.s.");
            let mark = if p.pass { "" } else { " ✗" };
            let e = p.estimate.unwrap_or(Estimate::of([]));
            Bar {
                label: format!("{label} ({}){mark}", if null { "n.s." } else { "+" }),
                mean: e.mean,
                lo: e.lo,
                hi: e.hi,
                colour: if null { NULL_COLOUR } else { POSITIVE_COLOUR },
            }
        })
        .collect();
    Some(BarFigure {
        file_stem: PATHS_STEM.to_owned(),
        title: format!(
            "Huang & Suo (2021) paths on the agents' latent states (baseline, {replications} replications)"
        ),
        panels: vec![BarPanel {
            title: format!(
                "blue (+): positive in the paper; green (n.s.): not significant there, passes within ±{:.2}",
                structure::NULL_BAND
            ),
            value_label: format!(
                "standardised least-squares estimate (95% bootstrap interval, B = {})",
                structure::BOOTSTRAP
            ),
            bars,
        }],
        horizontal: true,
    })
}

/// The forest plot of the factor effects.
pub fn forest(factors: &[FactorEffect]) -> BarFigure {
    let replications = factors.first().map_or(0, |f| f.effect.n);
    let bars = factors
        .iter()
        .map(|f| {
            let e = f.factor_effect();
            let (colour, sign) = match f.paper_direction {
                Direction::CoCreation => (CO_CREATION_COLOUR, "+"),
                Direction::CoDestruction => (CO_DESTRUCTION_COLOUR, "−"),
            };
            let mark = if f.pass { "" } else { " ✗" };
            Bar {
                label: format!("{} ({sign}){mark}", f.factor),
                mean: e.mean,
                lo: e.lo,
                hi: e.hi,
                colour,
            }
        })
        .collect();
    BarFigure {
        file_stem: FOREST_STEM.to_owned(),
        title: format!(
            "Factors of Zhang et al. (2018): effect on net value ({replications} paired replications)"
        ),
        panels: vec![BarPanel {
            title: "blue (+): co-creation factors, vermillion (−): co-destruction factors"
                .to_owned(),
            value_label: "net value, more minus less of the factor (mean, 95% interval)".to_owned(),
            bars,
        }],
        horizontal: true,
    }
}

fn line(label: &str, colour: usize, dash: Dash, points: &[(f64, Estimate)]) -> Line {
    Line {
        label: label.to_owned(),
        colour,
        dash,
        x: points.iter().map(|(x, _)| *x).collect(),
        mean: points.iter().map(|(_, e)| e.mean).collect(),
        lo: points.iter().map(|(_, e)| e.lo).collect(),
        hi: points.iter().map(|(_, e)| e.hi).collect(),
    }
}

/// The recovery-paradox chart: each arm's satisfaction minus the same customers' in the
/// no-failure arm, by week relative to the first failure.
pub fn recovery(comparison: &RecoveryComparison) -> Chart {
    let lines = comparison
        .arms
        .iter()
        .enumerate()
        .map(|(i, arm)| {
            let points: Vec<(f64, Estimate)> = arm
                .weeks
                .iter()
                .zip(&arm.satisfaction)
                .map(|(w, e)| (f64::from(*w), *e))
                .collect();
            line(&arm.name, i, Dash::Solid, &points)
        })
        .collect();
    let markers = comparison
        .failure_weeks
        .iter()
        .enumerate()
        .map(|(i, week)| Marker {
            x: f64::from(*week),
            label: format!("failure {}", i + 1),
        })
        .collect();
    Chart {
        file_stem: RECOVERY_STEM.to_owned(),
        title: "Recovery paradox: satisfaction after recovered failures minus the same \
                customers' without (mean, 95% band)"
            .to_owned(),
        x_label: "weeks relative to the first failure".to_owned(),
        panels: vec![Panel {
            title: "satisfaction difference from the no-failure arm".to_owned(),
            y_label: "difference in satisfaction (0-1 scale)".to_owned(),
            lines,
        }],
        markers,
    }
}

/// The hysteresis chart: the state at each policy value, ramping down (solid) and back up
/// (dashed).
pub fn hysteresis(hysteresis: &HysteresisLoop) -> Chart {
    Chart {
        file_stem: HYSTERESIS_STEM.to_owned(),
        title: format!(
            "Hysteresis: {} as {} is ramped down and back up (arrows: direction; 95% band)",
            hysteresis.state_label,
            crate::scenario::levers::short_name(&hysteresis.policy)
        ),
        x_label: hysteresis.policy_label.clone(),
        panels: vec![Panel {
            title: hysteresis.state_label.clone(),
            y_label: hysteresis.state_label.clone(),
            lines: {
                let down = line("ramp down", 0, Dash::Solid, &hysteresis.down);
                let up = line("ramp up", 1, Dash::Dashed, &hysteresis.up);
                let extent = [&down, &up];
                let arrows = [arrowheads(&down, &extent), arrowheads(&up, &extent)];
                let [down_arrows, up_arrows] = arrows;
                vec![down, up, down_arrows, up_arrows]
            },
        }],
        markers: Vec::new(),
    }
}

/// Approximate plot area of a one-panel chart in pixels, for drawing arrowheads that look the
/// same in both directions.
const PLOT_PIXELS: (f64, f64) = (1050.0, 300.0);

/// Arrowheads along `path` (at a quarter, half and three quarters of its points) pointing in
/// the direction of travel, as an unlabelled line of the same colour whose heads are separated
/// by gaps (NaN); `all` gives the panel's extent so that heads have the same size everywhere.
fn arrowheads(path: &Line, all: &[&Line]) -> Line {
    let finite = |v: &f64| v.is_finite();
    let span = |values: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = values
            .filter(finite)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        if hi > lo { hi - lo } else { 1.0 }
    };
    let sx = span(&mut all.iter().flat_map(|l| l.x.iter().copied())) / PLOT_PIXELS.0;
    let sy = span(&mut all.iter().flat_map(|l| l.mean.iter().copied())) / PLOT_PIXELS.1;
    let (mut x, mut y) = (Vec::new(), Vec::new());
    let n = path.x.len().min(path.mean.len());
    for quarter in 1..=3 {
        let i = n * quarter / 4;
        if i == 0 || i >= n {
            continue;
        }
        let (x0, y0, x1, y1) = (path.x[i - 1], path.mean[i - 1], path.x[i], path.mean[i]);
        // Direction in pixels; skip points that do not move.
        let (dx, dy) = ((x1 - x0) / sx, (y1 - y0) / sy);
        let length = dx.hypot(dy);
        if !length.is_finite() || length == 0.0 {
            continue;
        }
        let (ux, uy) = (dx / length, dy / length);
        const WING: f64 = 12.0;
        const SPREAD: f64 = 0.45;
        for side in [1.0, -1.0] {
            let (wx, wy) = (
                -ux * WING + side * -uy * WING * SPREAD,
                -uy * WING + side * ux * WING * SPREAD,
            );
            if side < 0.0 {
                x.push(x1);
                y.push(y1);
            }
            x.push(x1 + wx * sx);
            y.push(y1 + wy * sy);
        }
        x.push(f64::NAN);
        y.push(f64::NAN);
    }
    let gaps = vec![f64::NAN; x.len()];
    Line {
        label: String::new(),
        colour: path.colour,
        dash: Dash::Solid,
        x,
        mean: y,
        lo: gaps.clone(),
        hi: gaps,
    }
}

/// Writes every chart the report has into `dir`; returns the files written (PNG and SVG each).
pub fn write_all(dir: &Path, report: &Report) -> Result<Vec<PathBuf>, ChartError> {
    let mut files = write_bars(dir, &forest(&report.factors))?;
    if let Some(figure) = paths(&report.patterns) {
        files.extend(write_bars(dir, &figure)?);
    }
    if let Some(comparison) = &report.recovery {
        files.extend(write_chart(dir, &recovery(comparison))?);
    }
    if let Some(loop_) = &report.hysteresis {
        files.extend(write_chart(dir, &hysteresis(loop_))?);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::validation::tests::{estimate, synthetic};
    use crate::validation::RecoveryArm;
    use std::fs;

    fn arms() -> RecoveryComparison {
        let weeks: Vec<i32> = (-8..=30).collect();
        let arm = |name: &str, dips: &[i32], paradox: f64| RecoveryArm {
            name: name.to_owned(),
            weeks: weeks.clone(),
            satisfaction: weeks
                .iter()
                .map(|&w| {
                    let hit = dips.iter().filter(|&&d| w >= d).count() as f64;
                    estimate(0.7 + paradox * hit - 0.02 * hit * hit, 0.02)
                })
                .collect(),
        };
        RecoveryComparison {
            arms: vec![
                arm("no failure", &[], 0.0),
                arm("one failure, recovered", &[0], 0.04),
                arm("two failures, recovered", &[0, 10], 0.01),
            ],
            failure_weeks: vec![0, 10],
        }
    }

    fn loop_() -> HysteresisLoop {
        let values: Vec<f64> = (0..=10).map(|i| 0.9 - 0.08 * f64::from(i)).collect();
        let state = |v: f64, up: bool| {
            let tip = if up { 0.6 } else { 0.35 };
            estimate(if v > tip { 0.8 } else { 0.2 } + 0.1 * v, 0.05)
        };
        HysteresisLoop {
            policy: "firms.0.policy.service_recovery".to_owned(),
            policy_label: "service recovery (probability)".to_owned(),
            state_label: "loyalty".to_owned(),
            down: values.iter().map(|&v| (v, state(v, false))).collect(),
            up: values.iter().rev().map(|&v| (v, state(v, true))).collect(),
        }
    }

    #[test]
    fn forest_has_a_bar_per_factor_coloured_by_direction() {
        let mut factors = synthetic().factors;
        factors[0].pass = false;
        let figure = forest(&factors);
        assert!(figure.horizontal);
        let bars = &figure.panels[0].bars;
        assert_eq!(bars.len(), 2);
        assert_eq!(bars[0].label, "delight (+) ✗");
        assert_eq!(bars[0].colour, CO_CREATION_COLOUR);
        assert_eq!(bars[1].label, "technological failure (−)");
        assert_eq!(bars[1].colour, CO_DESTRUCTION_COLOUR);
        // More failure lowers net value: the inverted parameter's effect is negated.
        assert_eq!(
            (bars[1].mean, bars[1].lo, bars[1].hi),
            (-5000.0, -5400.0, -4600.0)
        );
    }

    #[test]
    fn path_model_has_a_bar_per_pattern_8_criterion() {
        assert!(paths(&synthetic().patterns).is_none());
        let e = estimate(0.3, 0.1);
        let mut rows = crate::validation::structure::judge(&[e; 13], 100);
        rows[8].pass = false;
        let figure = paths(&rows).unwrap();
        let bars = &figure.panels[0].bars;
        assert_eq!(bars.len(), 13);
        assert_eq!(bars[0].label, "path PE → FV (+)");
        assert_eq!(bars[0].colour, POSITIVE_COLOUR);
        assert_eq!(bars[8].label, "path FV → PVC (n.s.) ✗");
        assert_eq!(bars[8].colour, NULL_COLOUR);
        assert_eq!(bars[12].label, "indirect effect PE → SV → PVC (+)");
    }

    #[test]
    fn recovery_and_hysteresis_charts_have_their_lines_and_markers() {
        let chart = recovery(&arms());
        assert_eq!(chart.panels[0].lines.len(), 3);
        assert_eq!(chart.panels[0].lines[1].x.len(), 39);
        assert_eq!(chart.markers.len(), 2);
        assert_eq!(chart.markers[1].x, 10.0);
        let chart = hysteresis(&loop_());
        let lines = &chart.panels[0].lines;
        assert_eq!(lines[0].label, "ramp down");
        assert_eq!(lines[1].dash, Dash::Dashed);
        // The ramp up starts where the ramp down ended.
        assert_eq!(lines[1].x.first(), lines[0].x.last());
        // Three arrowheads per path (wing, tip, wing, gap), in the path's colour, unlabelled,
        // the first tip on the path itself.
        for (path, arrows) in [(&lines[0], &lines[2]), (&lines[1], &lines[3])] {
            assert_eq!(arrows.x.len(), 12);
            assert_eq!((arrows.colour, arrows.label.as_str()), (path.colour, ""));
            assert!(path.x.contains(&arrows.x[1]));
        }
        // Ramping down moves left: the wings of its heads lie to the right of the tip.
        assert!(lines[2].x[0] > lines[2].x[1]);
    }

    #[test]
    fn writes_every_chart_the_report_has() {
        let dir = tempfile::tempdir().unwrap();
        let mut report = synthetic();
        report.recovery = Some(arms());
        report.hysteresis = Some(loop_());
        let files = write_all(dir.path(), &report).unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "factor_effects.png",
                "factor_effects.svg",
                "recovery_paradox.png",
                "recovery_paradox.svg",
                "hysteresis.png",
                "hysteresis.svg"
            ]
        );
        let svg = fs::read_to_string(dir.path().join("factor_effects.svg")).unwrap();
        assert!(svg.contains("technological failure"));
        let svg = fs::read_to_string(dir.path().join("recovery_paradox.svg")).unwrap();
        assert!(svg.contains("two failures, recovered") && svg.contains("failure 2"));
        let svg = fs::read_to_string(dir.path().join("hysteresis.svg")).unwrap();
        assert!(svg.contains("ramp up") && svg.contains("service recovery (probability)"));
        for file in &files {
            assert!(
                fs::metadata(file).unwrap().len() > 500,
                "{}",
                file.display()
            );
        }

        // Without the optional parts only the forest plot is drawn.
        let other = tempfile::tempdir().unwrap();
        report.recovery = None;
        report.hysteresis = None;
        report.factors.clear();
        assert_eq!(write_all(other.path(), &report).unwrap().len(), 2);
    }

    /// Renders the validation charts with synthetic data to `$CHARTS_SAMPLE_DIR`.
    #[test]
    #[ignore = "writes sample charts for visual inspection"]
    fn render_sample() {
        let dir = std::env::var_os("CHARTS_SAMPLE_DIR")
            .map_or_else(|| std::env::temp_dir().join("charts-sample"), PathBuf::from);
        let mut report = synthetic();
        report.recovery = Some(arms());
        report.hysteresis = Some(loop_());
        eprintln!("{:?}", write_all(&dir, &report).unwrap());
    }
}
