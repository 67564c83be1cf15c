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

use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::bars::{Bar, BarFigure, BarPanel, write_bars};
use super::charts::{
    self, AXIS_FONT_SIZE, ChartError, Figure, MARKER_FONT_SIZE, PANEL_TITLE_FONT_SIZE, TEXT_COLOUR,
    TITLE_HEIGHT, WIDTH, bold_font, font, palette, text_size, tick_label,
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
                        "Morris screening: importance μ* against interaction σ per outcome (r = \
                         {}, whiskers 95% interval of μ*{firm_note})",
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

/// One factor of a Morris panel, in the outcome's display units.
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
    /// Unit of μ* and σ, for the axis titles.
    unit: &'static str,
    /// Factors ranked by μ*, most important first (non-finite ones last).
    points: Vec<MorrisPoint>,
}

/// Title, unit and display scale of an outcome on Morris axes (elementary effects are in the
/// outcome's units per whole range; churn is shown in percentage points so that its ticks stay
/// short).
fn morris_axis(outcome: &str) -> (&'static str, &'static str, f64) {
    match outcome {
        "net_value" => ("net value", "value units", 1.0),
        "final_loyalty" => ("final loyalty", "loyalty, 0-1 scale", 1.0),
        "monthly_churn" => ("monthly churn", "percentage points", 100.0),
        "share_virtuous" => ("share of virtuous runs", "share of runs", 1.0),
        "profit" => ("profit", "money units", 1.0),
        _ => ("outcome", "outcome units", 1.0),
    }
}

fn morris_panel(outcome: &OutcomeSensitivity, names: &[String]) -> MorrisPanel {
    let (title, unit, scale) = morris_axis(outcome.outcome);
    let mut points: Vec<MorrisPoint> = ranking(outcome)
        .into_iter()
        .filter_map(|factor| match outcome.factors[factor] {
            Indices::Morris(m) => Some(MorrisPoint {
                label: names[factor].clone(),
                mu_star: m.mu_star * scale,
                lo: ((m.mu_star - m.mu_star_conf) * scale).max(0.0),
                hi: (m.mu_star + m.mu_star_conf) * scale,
                sigma: m.sigma * scale,
            }),
            _ => None,
        })
        .collect();
    // Factors without a finite μ* or σ (a constant outcome) go last, unplotted.
    points.sort_by_key(|p| !(p.mu_star.is_finite() && p.sigma.is_finite()));
    MorrisPanel {
        title: title.to_owned(),
        unit,
        points,
    }
}

/// μ*–σ scatter plots, one panel per outcome, two panels a row.
struct MorrisFigure {
    title: String,
    panels: Vec<MorrisPanel>,
}

/// Panels per row: two, so that each has room for its ranked list of factors.
const MORRIS_COLUMNS: usize = 2;
/// Height of a row of Morris panels.
const MORRIS_ROW_HEIGHT: u32 = 470;
/// Width of the ranked list of factors right of each plot.
const LIST_WIDTH: u32 = 200;
/// Factors named next to their points (the others carry their rank only).
const NAMED: usize = 5;
/// Free pixels left and right of each point label.
const LABEL_PAD: i32 = 4;

impl Figure for MorrisFigure {
    fn size(&self) -> (u32, u32) {
        let rows = self.panels.len().div_ceil(MORRIS_COLUMNS).max(1);
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
        let rows = self.panels.len().div_ceil(MORRIS_COLUMNS);
        let areas = body.split_evenly((rows, MORRIS_COLUMNS));
        for (panel, area) in self.panels.iter().zip(areas.iter()) {
            draw_morris_panel(area, panel)?;
        }
        Ok(())
    }
}

fn finite_max(values: impl Iterator<Item = f64>) -> f64 {
    values.filter(|v| v.is_finite()).fold(0.0, f64::max)
}

/// A box in pixels: left, top, right, bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rect {
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
}

impl Rect {
    fn around((x, y): (i32, i32), half_width: i32, half_height: i32) -> Rect {
        Rect {
            x0: x - half_width,
            y0: y - half_height,
            x1: x + half_width,
            y1: y + half_height,
        }
    }

    fn overlaps(&self, other: &Rect) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }

    fn inside(&self, bounds: &Rect) -> bool {
        self.x0 >= bounds.x0 && self.x1 <= bounds.x1 && self.y0 >= bounds.y0 && self.y1 <= bounds.y1
    }

    /// The point of the box nearest to `(x, y)`.
    fn nearest(&self, (x, y): (i32, i32)) -> (i32, i32) {
        (x.clamp(self.x0, self.x1), y.clamp(self.y0, self.y1))
    }
}

/// Directions tried around a point, in order of preference (screen coordinates, y down):
/// upper right, right, lower right, upper left, left, lower left, up, down.
const DIRECTIONS: [(f64, f64); 8] = [
    (0.7, -0.7),
    (1.0, 0.0),
    (0.7, 0.7),
    (-0.7, -0.7),
    (-1.0, 0.0),
    (-0.7, 0.7),
    (0.0, -1.0),
    (0.0, 1.0),
];

/// Distances in pixels from a point to its label, tried in order; beyond the first two a leader
/// line joins them.
const RADII: [f64; 12] = [
    5.0, 10.0, 18.0, 28.0, 40.0, 54.0, 70.0, 88.0, 108.0, 130.0, 155.0, 185.0,
];

/// Where a label of `size` for the point at `point` goes: the first box around the point, by
/// growing distance (up to `max_radius`) and then by direction, that stays inside `bounds` and
/// overlaps nothing in `taken`. Returns the box and the distance, or `None`.
fn place_label(
    point: (i32, i32),
    (width, height): (i32, i32),
    taken: &[Rect],
    bounds: &Rect,
    max_radius: f64,
) -> Option<(Rect, f64)> {
    for radius in RADII.into_iter().take_while(|&r| r <= max_radius) {
        for (cx, cy) in DIRECTIONS {
            // The box touches the anchor with the side facing the point.
            let ax = f64::from(point.0) + radius * cx;
            let ay = f64::from(point.1) + radius * cy;
            let x0 = (ax - f64::from(width) * (1.0 - cx) / 2.0).round() as i32;
            let y0 = (ay - f64::from(height) * (1.0 + cy) / 2.0).round() as i32;
            let rect = Rect {
                x0,
                y0,
                x1: x0 + width,
                y1: y0 + height,
            };
            if rect.inside(bounds) && !taken.iter().any(|t| t.overlaps(&rect)) {
                return Some((rect, radius));
            }
        }
    }
    None
}

/// One placed label: its text, its box and whether a leader line joins it to its point.
#[derive(Debug, Clone, PartialEq)]
struct PlacedLabel {
    text: String,
    rect: Rect,
    point: (i32, i32),
    leader: bool,
}

/// Labels of ranked points at pixel positions `points`: every point gets its rank; the first
/// [`NAMED`] also get their name when it fits within a short distance. Labels avoid each other,
/// the points, the `obstacles` (whiskers, the diagonal's caption) and the edges of `bounds`;
/// a label that finds no free place within reach goes just right of its point.
fn place_labels(
    points: &[(i32, i32)],
    names: &[String],
    measure: impl Fn(&str) -> (i32, i32),
    obstacles: &[Rect],
    bounds: &Rect,
) -> Vec<PlacedLabel> {
    let mut taken: Vec<Rect> = obstacles.to_vec();
    taken.extend(points.iter().map(|&p| Rect::around(p, 5, 5)));
    let mut placed = Vec::with_capacity(points.len());
    for (rank, (&point, name)) in points.iter().zip(names).enumerate() {
        let number = (rank + 1).to_string();
        let named = format!("{number} {name}");
        let attempt = |text: &str, reach: f64, taken: &[Rect]| {
            place_label(point, measure(text), taken, bounds, reach)
        };
        let found = if rank < NAMED {
            attempt(&named, 54.0, &taken).map(|found| (named.clone(), found))
        } else {
            None
        }
        .or_else(|| attempt(&number, f64::INFINITY, &taken).map(|found| (number.clone(), found)));
        let (text, rect, radius) = match found {
            Some((text, (rect, radius))) => (text, rect, radius),
            None => {
                let (w, h) = measure(&number);
                let rect = Rect {
                    x0: point.0 + 6,
                    y0: point.1 - h / 2,
                    x1: point.0 + 6 + w,
                    y1: point.1 - h / 2 + h,
                };
                (number, rect, 0.0)
            }
        };
        taken.push(rect);
        placed.push(PlacedLabel {
            text,
            rect,
            point,
            leader: radius > RADII[1],
        });
    }
    placed
}

fn draw_morris_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &MorrisPanel,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (width, _) = area.dim_in_pixel();
    let (plot_area, list_area) = area.split_horizontally(width.saturating_sub(LIST_WIDTH));
    let plot_area = plot_area.titled(&panel.title, bold_font(PANEL_TITLE_FONT_SIZE))?;
    let points: Vec<&MorrisPoint> = panel
        .points
        .iter()
        .filter(|p| p.mu_star.is_finite() && p.sigma.is_finite())
        .collect();
    let x_max = finite_max(points.iter().map(|p| p.hi.max(p.mu_star)));
    let y_max = finite_max(points.iter().map(|p| p.sigma));
    let x_top = if x_max > 0.0 { x_max * 1.08 } else { 1.0 };
    let y_top = if y_max > 0.0 { y_max * 1.12 } else { 1.0 };
    let mut ctx = ChartBuilder::on(&plot_area)
        .margin(8)
        .margin_right(16)
        .x_label_area_size(58)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..x_top, 0.0..y_top)?;
    ctx.configure_mesh()
        .axis_desc_style(font(AXIS_FONT_SIZE))
        .label_style(font(AXIS_FONT_SIZE))
        .bold_line_style(BLACK.mix(0.10))
        .light_line_style(BLACK.mix(0.04))
        .axis_style(BLACK.mix(0.6))
        .x_desc(format!("μ*, mean |effect| ({})", panel.unit))
        .y_desc(format!("σ of effects ({})", panel.unit))
        .x_labels(5)
        .y_labels(6)
        .x_label_formatter(&|v| tick_label(*v))
        .y_label_formatter(&|v| tick_label(*v))
        .draw()?;
    let (base_x, base_y) = plot_area.get_base_pixel();
    let coord = ctx.as_coord_spec().clone();
    let to_px = |x: f64, y: f64| {
        let (px, py) = coord.translate(&(x, y));
        (px - base_x, py - base_y)
    };
    let (x_range, y_range) = ctx.plotting_area().get_pixel_range();
    let bounds = Rect {
        x0: x_range.start - base_x,
        y0: y_range.start - base_y,
        x1: x_range.end - base_x,
        y1: y_range.end - base_y,
    };
    let grey = RGBColor(120, 120, 120);
    // σ = μ*: above it, interactions or non-linearity dominate the factor's effect.
    let diagonal = x_top.min(y_top);
    ctx.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.0), (diagonal, diagonal)],
        grey.stroke_width(1),
    )))?;
    let caption = "σ = μ*";
    let caption_style = font(MARKER_FONT_SIZE).color(&grey);
    let (cw, ch) = text_size(caption, &caption_style);
    let (cx, cy) = to_px(diagonal, diagonal);
    let caption_rect = Rect {
        x0: cx - charts::to_i32(cw) - 4,
        y0: cy + 2,
        x1: cx - 4,
        y1: cy + 2 + charts::to_i32(ch),
    };
    plot_area.draw(&Text::new(
        caption,
        (caption_rect.x0, caption_rect.y0),
        caption_style.pos(Pos::new(HPos::Left, VPos::Top)),
    ))?;
    let colour = palette(0);
    let faint = colour.mix(0.45);
    let mut obstacles = vec![caption_rect];
    for (rank, point) in points.iter().enumerate() {
        let strong = rank < NAMED;
        if point.lo.is_finite() && point.hi.is_finite() {
            ctx.draw_series(std::iter::once(PathElement::new(
                vec![(point.lo, point.sigma), (point.hi, point.sigma)],
                colour.mix(if strong { 0.5 } else { 0.25 }).stroke_width(2),
            )))?;
            let (x0, y) = to_px(point.lo, point.sigma);
            let (x1, _) = to_px(point.hi, point.sigma);
            obstacles.push(Rect {
                x0,
                y0: y - 1,
                x1,
                y1: y + 1,
            });
        }
        let style = if strong {
            colour.filled()
        } else {
            faint.filled()
        };
        ctx.draw_series(std::iter::once(Circle::new(
            (point.mu_star, point.sigma),
            4,
            style,
        )))?;
    }
    let pixels: Vec<(i32, i32)> = points.iter().map(|p| to_px(p.mu_star, p.sigma)).collect();
    draw_point_labels(&plot_area, &points, &pixels, &obstacles, &bounds)?;
    draw_ranked_list(&list_area, &panel.points)
}

/// Each point's name beside it, clear of the other labels and of `obstacles`, with a leader
/// line where the name had to move away from its point.
fn draw_point_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[&MorrisPoint],
    pixels: &[(i32, i32)],
    obstacles: &[Rect],
    bounds: &Rect,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let label_style = font(MARKER_FONT_SIZE).color(&TEXT_COLOUR);
    // Labels keep a few pixels from each other, so that a rank never reads as part of the
    // next label ("6 5 vindictiveness").
    let measure = |text: &str| {
        let (w, h) = text_size(text, &label_style);
        (charts::to_i32(w) + 2 * LABEL_PAD, charts::to_i32(h) + 2)
    };
    let names: Vec<String> = points.iter().map(|p| p.label.clone()).collect();
    for label in place_labels(pixels, &names, measure, obstacles, bounds) {
        if label.leader {
            area.draw(&PathElement::new(
                vec![label.point, label.rect.nearest(label.point)],
                RGBColor(150, 150, 150).stroke_width(1),
            ))?;
        }
        area.draw(&Text::new(
            label.text,
            (label.rect.x0 + LABEL_PAD, label.rect.y0 + 1),
            label_style.pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
    }
    Ok(())
}

/// The factors ranked by μ*, numbered as their points: the named ones dark, the others grey.
fn draw_ranked_list<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[MorrisPoint],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let heading = bold_font(MARKER_FONT_SIZE);
    area.draw(&Text::new(
        "ranked by μ*",
        (4, 34),
        heading.pos(Pos::new(HPos::Left, VPos::Top)),
    ))?;
    let (_, height) = area.dim_in_pixel();
    let row = charts::to_i32(text_size("0", &font(MARKER_FONT_SIZE)).1) + 5;
    let rows = usize::try_from((charts::to_i32(height) - 56 - 60) / row.max(1)).unwrap_or(0);
    for (rank, point) in points.iter().enumerate() {
        let y = 56 + row * i32::try_from(rank).unwrap_or(i32::MAX);
        if rank + 1 > rows && points.len() > rows {
            area.draw(&Text::new(
                format!("… {} more", points.len() - rank),
                (4, y),
                font(MARKER_FONT_SIZE).pos(Pos::new(HPos::Left, VPos::Top)),
            ))?;
            break;
        }
        let style = if rank < NAMED {
            font(MARKER_FONT_SIZE)
        } else {
            font(MARKER_FONT_SIZE).color(&RGBColor(110, 110, 110))
        };
        area.draw(&Text::new(
            format!("{:>2}", rank + 1),
            (26, y),
            style.pos(Pos::new(HPos::Right, VPos::Top)),
        ))?;
        area.draw(&Text::new(
            point.label.clone(),
            (34, y),
            style.pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sixteen points, twelve of them in a tight cluster near the origin, as screening gives.
    fn clustered() -> (Vec<(i32, i32)>, Vec<String>) {
        let mut points = vec![(380, 40), (300, 120), (250, 150), (200, 200)];
        for k in 0..12 {
            points.push((60 + (k % 4) * 4, 330 - (k / 4) * 5));
        }
        let names = (0..points.len())
            .map(|k| format!("a lever named {k}"))
            .collect();
        (points, names)
    }

    #[test]
    fn labels_of_clustered_points_overlap_nothing_and_stay_inside() {
        let (points, names) = clustered();
        let bounds = Rect {
            x0: 20,
            y0: 10,
            x1: 420,
            y1: 360,
        };
        let whisker = Rect {
            x0: 30,
            y0: 329,
            x1: 120,
            y1: 331,
        };
        let measure = |text: &str| (7 * i32::try_from(text.len()).unwrap(), 15);
        let labels = place_labels(&points, &names, measure, &[whisker], &bounds);
        assert_eq!(labels.len(), points.len());
        for (i, label) in labels.iter().enumerate() {
            assert!(label.rect.inside(&bounds), "{label:?}");
            assert!(!label.rect.overlaps(&whisker), "{label:?}");
            assert!(label.text.starts_with(&(i + 1).to_string()));
            for other in &labels[i + 1..] {
                assert!(!label.rect.overlaps(&other.rect), "{label:?} {other:?}");
            }
            for &point in &points {
                assert!(
                    !label.rect.overlaps(&Rect::around(point, 5, 5)),
                    "{label:?}"
                );
            }
        }
        // The top factor, alone in its corner, is named; the cluster carries ranks only.
        assert_eq!(labels[0].text, "1 a lever named 0");
        assert!(labels[15].text == "16");
    }

    #[test]
    fn a_label_with_no_room_is_refused_rather_than_overlapping() {
        let bounds = Rect {
            x0: 0,
            y0: 0,
            x1: 20,
            y1: 20,
        };
        assert_eq!(place_label((10, 10), (30, 10), &[], &bounds, 200.0), None);
        let (rect, radius) = place_label((10, 10), (4, 4), &[], &bounds, 200.0).unwrap();
        assert!(rect.inside(&bounds) && radius == RADII[0]);
    }

    #[test]
    fn a_morris_figure_renders_with_long_names_and_tiny_values() {
        let (_, names) = clustered();
        let panel = |scale: f64| MorrisPanel {
            title: "monthly churn".to_owned(),
            unit: "percentage points",
            points: names
                .iter()
                .enumerate()
                .map(|(k, name)| {
                    let v = scale / (1.0 + k as f64);
                    MorrisPoint {
                        label: name.clone(),
                        mu_star: v,
                        lo: v * 0.8,
                        hi: v * 1.2,
                        sigma: v * 1.1,
                    }
                })
                .collect(),
        };
        let figure = MorrisFigure {
            title: "Morris screening".to_owned(),
            panels: vec![panel(0.004), panel(11_000.0), panel(0.7)],
        };
        let dir = tempfile::tempdir().unwrap();
        let files = charts::write_figure(dir.path(), "morris", &figure).unwrap();
        assert!(files.iter().all(|f| f.is_file()));
    }
}
