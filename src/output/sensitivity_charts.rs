//! Charts of a sensitivity analysis, one panel per outcome:
//!
//! - Morris: μ* against σ, each factor a point labelled with its short name, with the 95%
//!   interval of μ* as a horizontal whisker and the line σ = μ* (above it, a factor's effect
//!   depends strongly on the other factors or is non-linear; Morris 1991, Campolongo et al. 2007);
//! - Sobol: paired bars of S1 (blue) and ST (vermillion) with 95% whiskers, factors ranked by ST;
//!   the gap ST − S1 is the share of variance the factor causes through interactions;
//! - Latin hypercube: partial rank correlations with their 95% intervals, ranked by size.
//!
//! Drawing reuses the plumbing of [`super::charts`] and [`super::bars`].

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::bars::{Bar, BarFigure, BarPanel, write_bars};
use super::charts::{
    self, AXIS_FONT_SIZE, ChartError, Figure, MARKER_FONT_SIZE, PANEL_TITLE_FONT_SIZE, ROW_HEIGHT,
    TEXT_COLOUR, TITLE_HEIGHT, WIDTH, bold_font, font, palette, text_size, tick_label,
};
use super::sensitivity::{ranking, short_names};
use crate::experiment::sensitivity::{Indices, OutcomeSensitivity, Sensitivity};
use crate::experiment::sweep::Plan;
use crate::scenario::DesignKind;

/// Axis label of each analysed outcome.
fn outcome_label(outcome: &str) -> &'static str {
    match outcome {
        "net_value" => "net value (value units)",
        "final_loyalty" => "final loyalty (0-1)",
        "monthly_churn" => "monthly churn (share)",
        "share_virtuous" => "share of virtuous runs",
        "profit" => "profit (money units)",
        _ => "outcome",
    }
}

fn file_stem(plan: &Plan, base: &str, firm: usize) -> String {
    if plan.firms() > 1 {
        format!("{base}_{}", plan.scenario.firm_names()[firm])
    } else {
        base.to_owned()
    }
}

/// Writes the charts of `sensitivity` into `dir`; returns the files written.
pub fn write_all(
    dir: &Path,
    plan: &Plan,
    sensitivity: &Sensitivity,
) -> Result<Vec<PathBuf>, ChartError> {
    let names = short_names(&plan.design.factors);
    let mut files = Vec::new();
    for firm in 0..plan.firms() {
        let outcomes: Vec<&OutcomeSensitivity> = sensitivity
            .outcomes
            .iter()
            .filter(|o| o.firm == firm)
            .collect();
        let firm_note = if plan.firms() > 1 {
            format!(", {}", plan.scenario.firm_names()[firm])
        } else {
            String::new()
        };
        match sensitivity.kind {
            DesignKind::Morris => {
                let figure = MorrisFigure {
                    title: format!(
                        "Morris screening: mu* against sigma per outcome (r = {}, 95% interval of \
                         mu*{firm_note})",
                        morris_trajectories(plan)
                    ),
                    panels: outcomes.iter().map(|o| morris_panel(o, &names)).collect(),
                };
                let stem = file_stem(plan, "morris", firm);
                files.extend(charts::write_figure(dir, &stem, &figure)?);
            }
            DesignKind::Sobol => {
                let figure = BarFigure {
                    file_stem: file_stem(plan, "sobol", firm),
                    title: format!(
                        "Sobol indices: S1 (blue) and ST (vermillion), ranked by ST, 95% \
                         intervals{firm_note}"
                    ),
                    horizontal: true,
                    panels: outcomes.iter().map(|o| sobol_panel(o, &names)).collect(),
                };
                files.extend(write_bars(dir, &figure)?);
            }
            _ => {
                let figure = BarFigure {
                    file_stem: file_stem(plan, "prcc", firm),
                    title: format!(
                        "Partial rank correlation of each factor with each outcome (95% \
                         interval{firm_note})"
                    ),
                    horizontal: true,
                    panels: outcomes.iter().map(|o| prcc_panel(o, &names)).collect(),
                };
                files.extend(write_bars(dir, &figure)?);
            }
        }
    }
    Ok(files)
}

fn morris_trajectories(plan: &Plan) -> usize {
    match &plan.design.layout {
        Some(crate::scenario::SensitivityLayout::Morris { trajectories, .. }) => *trajectories,
        _ => 0,
    }
}

fn sobol_panel(outcome: &OutcomeSensitivity, names: &[String]) -> BarPanel {
    let mut bars = Vec::new();
    for factor in ranking(outcome) {
        if let Indices::Sobol(s) = outcome.factors[factor] {
            bars.push(Bar {
                label: format!("{} S1", names[factor]),
                mean: s.s1,
                lo: s.s1 - s.s1_conf,
                hi: s.s1 + s.s1_conf,
                colour: 0,
            });
            bars.push(Bar {
                label: format!("{} ST", names[factor]),
                mean: s.st,
                lo: s.st - s.st_conf,
                hi: s.st + s.st_conf,
                colour: 1,
            });
        }
    }
    BarPanel {
        title: outcome_label(outcome.outcome).to_owned(),
        value_label: "share of the outcome's variance".to_owned(),
        bars,
    }
}

fn prcc_panel(outcome: &OutcomeSensitivity, names: &[String]) -> BarPanel {
    let bars = ranking(outcome)
        .into_iter()
        .filter_map(|factor| match outcome.factors[factor] {
            Indices::Prcc(e) => Some(Bar {
                label: names[factor].clone(),
                mean: e.mean,
                lo: e.lo,
                hi: e.hi,
                colour: 0,
            }),
            _ => None,
        })
        .collect();
    BarPanel {
        title: outcome_label(outcome.outcome).to_owned(),
        value_label: "partial rank correlation".to_owned(),
        bars,
    }
}

/// One factor of a Morris panel.
#[derive(Debug, Clone, PartialEq)]
struct MorrisPoint {
    label: String,
    mu_star: f64,
    lo: f64,
    hi: f64,
    sigma: f64,
}

#[derive(Debug, Clone, PartialEq)]
struct MorrisPanel {
    title: String,
    points: Vec<MorrisPoint>,
}

fn morris_panel(outcome: &OutcomeSensitivity, names: &[String]) -> MorrisPanel {
    MorrisPanel {
        title: outcome_label(outcome.outcome).to_owned(),
        points: outcome
            .factors
            .iter()
            .zip(names)
            .filter_map(|(indices, name)| match indices {
                Indices::Morris(m) => Some(MorrisPoint {
                    label: name.clone(),
                    mu_star: m.mu_star,
                    lo: (m.mu_star - m.mu_star_conf).max(0.0),
                    hi: m.mu_star + m.mu_star_conf,
                    sigma: m.sigma,
                }),
                _ => None,
            })
            .collect(),
    }
}

/// μ*–σ scatter plots, one panel per outcome.
struct MorrisFigure {
    title: String,
    panels: Vec<MorrisPanel>,
}

/// Height of a Morris panel: taller than a line panel, to leave room for the labels.
const MORRIS_ROW_HEIGHT: u32 = ROW_HEIGHT + 140;

impl Figure for MorrisFigure {
    fn size(&self) -> (u32, u32) {
        let (rows, _) = charts::grid(self.panels.len());
        let rows = u32::try_from(rows).unwrap_or(u32::MAX);
        (
            WIDTH,
            TITLE_HEIGHT.saturating_add(rows.saturating_mul(MORRIS_ROW_HEIGHT)),
        )
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let body = charts::draw_title(root, &self.title)?;
        if self.panels.is_empty() {
            return charts::draw_no_data(&body);
        }
        let (rows, cols) = charts::grid(self.panels.len());
        let areas = body.split_evenly((rows, cols));
        for (panel, area) in self.panels.iter().zip(areas.iter()) {
            draw_morris_panel(area, panel)?;
        }
        Ok(())
    }
}

fn finite_max(values: impl Iterator<Item = f64>) -> f64 {
    values.filter(|v| v.is_finite()).fold(0.0, f64::max)
}

fn draw_morris_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &MorrisPanel,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let x_max = finite_max(panel.points.iter().map(|p| p.hi.max(p.mu_star)));
    let y_max = finite_max(panel.points.iter().map(|p| p.sigma));
    let top = x_max.max(y_max);
    let top = if top > 0.0 { top * 1.12 } else { 1.0 };
    let x_top = if x_max > 0.0 { x_max * 1.35 } else { top };
    let y_top = if y_max > 0.0 { y_max * 1.12 } else { top };
    let mut ctx = ChartBuilder::on(area)
        .caption(&panel.title, bold_font(PANEL_TITLE_FONT_SIZE))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..x_top, 0.0..y_top)?;
    ctx.configure_mesh()
        .axis_desc_style(font(AXIS_FONT_SIZE))
        .label_style(font(AXIS_FONT_SIZE))
        .bold_line_style(BLACK.mix(0.10))
        .light_line_style(BLACK.mix(0.04))
        .axis_style(BLACK.mix(0.6))
        .x_desc("mu* (mean |elementary effect|, per whole range)")
        .y_desc("sigma (sd of elementary effects)")
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| tick_label(*v))
        .y_label_formatter(&|v| tick_label(*v))
        .draw()?;
    // σ = μ*: above it, interactions or non-linearity dominate the factor's effect.
    let diagonal = x_top.min(y_top);
    ctx.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.0), (diagonal, diagonal)],
        RGBColor(120, 120, 120).stroke_width(1),
    )))?;
    ctx.draw_series(std::iter::once(Text::new(
        "sigma = mu*",
        (diagonal * 0.97, diagonal * 0.97),
        font(MARKER_FONT_SIZE)
            .color(&RGBColor(120, 120, 120))
            .pos(Pos::new(HPos::Right, VPos::Top)),
    )))?;
    let colour = palette(0);
    for point in &panel.points {
        if !(point.mu_star.is_finite() && point.sigma.is_finite()) {
            continue;
        }
        if point.lo.is_finite() && point.hi.is_finite() {
            ctx.draw_series(std::iter::once(PathElement::new(
                vec![(point.lo, point.sigma), (point.hi, point.sigma)],
                colour.mix(0.5).stroke_width(2),
            )))?;
        }
        ctx.draw_series(std::iter::once(Circle::new(
            (point.mu_star, point.sigma),
            4,
            colour.filled(),
        )))?;
    }
    // Labels right of their points, moved down (then up) until they overlap no other label.
    let style = font(MARKER_FONT_SIZE).color(&TEXT_COLOUR);
    let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
    let mut order: Vec<&MorrisPoint> = panel
        .points
        .iter()
        .filter(|p| p.mu_star.is_finite() && p.sigma.is_finite())
        .collect();
    order.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
    let (base_x, base_y) = area.get_base_pixel();
    for point in order {
        let (px, py) = ctx.backend_coord(&(point.mu_star, point.sigma));
        let (px, py) = (px - base_x, py - base_y);
        let (w, h) = text_size(&point.label, &style);
        let (w, h) = (
            i32::try_from(w).unwrap_or(0),
            i32::try_from(h).unwrap_or(0) + 1,
        );
        let overlaps = |x: i32, y: i32| {
            placed
                .iter()
                .any(|&(x0, y0, x1, y1)| x < x1 && x + w > x0 && y < y1 && y + h > y0)
        };
        // Preferred: just above the whisker, right of the point.
        let x = px + 5;
        let home = py - h - 1;
        let mut y = home;
        for k in 0..40 {
            let shift = (k / 2 + k % 2) * h * if k % 2 == 1 { 1 } else { -1 };
            if !overlaps(x, home + shift) {
                y = home + shift;
                break;
            }
        }
        placed.push((x, y, x + w, y + h));
        if (y - home).abs() > h / 2 {
            area.draw(&PathElement::new(
                vec![(px + 3, py), (x - 1, y + h / 2)],
                RGBColor(150, 150, 150).stroke_width(1),
            ))?;
        }
        area.draw(&Text::new(
            point.label.clone(),
            (x, y),
            style.pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
    }
    Ok(())
}
