//! Heatmaps: an outcome over a two-factor grid, one panel per outcome, as PNG and SVG.
//!
//! Each panel colours one cell per grid point, centred on the point's coordinates, with the
//! value printed inside small grids, a colour bar with five labelled ticks on its right, and an
//! optional outlined region (e.g. where an interval straddles zero: the "tipping region"). The
//! panels sit side by side in one row under the figure's title.
//!
//! Two colour scales, both colour-blind safe (ColorBrewer):
//! - diverging (`RdBu`), symmetric about zero: negative values red, zero white, positive values
//!   blue, so that losses read as red whatever the magnitude of the gains;
//! - sequential (`YlGnBu`) from the smallest value (near white) to the largest (dark blue).
//!
//! Text, palette, title strip and the atomic PNG/SVG writing are shared with [`super::charts`].

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::charts::{
    self, AXIS_FONT_SIZE, ChartError, Figure, PANEL_TITLE_FONT_SIZE, TITLE_HEIGHT, bold_font, font,
    text_size, tick_label, to_i32,
};

/// One heatmap panel: an outcome over a grid of two factors.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HeatmapPanel {
    /// Panel title, drawn above the grid (shrunk to fit the panel's width).
    pub title: String,
    /// X axis label (the factor along the columns), with units.
    pub x_label: String,
    /// Y axis label (the factor along the rows), with units.
    pub y_label: String,
    /// Grid coordinates along x, sorted ascending; cells are centred on them and the axis is
    /// labelled with them. Drawn in the given order, evenly spaced.
    pub x_values: Vec<f64>,
    /// Grid coordinates along y, sorted ascending (drawn bottom to top).
    pub y_values: Vec<f64>,
    /// Cell values, row-major: `cells[yi * x_values.len() + xi]`. Non-finite values (and
    /// missing ones, if the vector is short) mean "no data" and are drawn light grey.
    pub cells: Vec<f64>,
    /// What the colour means, with units; shown beside the colour bar.
    pub value_label: String,
    /// `true`: diverging scale symmetric about zero (red below, white at, blue above zero);
    /// `false`: sequential scale from the smallest (near white) to the largest value (dark
    /// blue).
    pub diverging: bool,
    /// Same shape as `cells` (missing entries count as unmarked); the region of marked cells is
    /// outlined with a thick black line with a white core, visible on any cell colour.
    pub marked: Vec<bool>,
    /// Legend text for the marked region, e.g. "95% interval straddles 0 (tipping region)";
    /// the legend entry is omitted when no cell is marked.
    pub mark_label: String,
}

/// A figure of heatmap panels side by side under one title.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HeatmapFigure {
    /// File name without extension; `.png` and `.svg` are appended.
    pub file_stem: String,
    /// Overall title, drawn in a strip across the top.
    pub title: String,
    /// Panels, left to right in one row; none draws "no data".
    pub panels: Vec<HeatmapPanel>,
}

/// Draws the figure as `<dir>/<file_stem>.png` and `<dir>/<file_stem>.svg`, written atomically
/// like [`charts::write_chart`] (no temporary file is left behind, even on error). Returns the
/// two paths (PNG first). `dir` is created if missing.
pub fn write_heatmaps(dir: &Path, figure: &HeatmapFigure) -> Result<Vec<PathBuf>, ChartError> {
    charts::write_figure(dir, &figure.file_stem, figure)
}

/// Width of one panel in pixels.
const PANEL_WIDTH: u32 = 600;
/// Width of a figure with a single panel.
const MIN_WIDTH: u32 = 800;
/// Widest figure: with more panels than fit at [`PANEL_WIDTH`], panels get narrower.
const MAX_WIDTH: u32 = 2400;
/// Height of the panel row.
const PANEL_HEIGHT: u32 = 560;
/// Outer margin of a panel.
const MARGIN: i32 = 12;
/// Width of the colour bar strip.
const BAR_WIDTH: i32 = 18;
/// Height of one legend entry.
const LEGEND_ROW: i32 = 24;
/// Fill of cells without data.
const NO_DATA: RGBColor = RGBColor(215, 215, 215);
/// Frame and tick colour.
const FRAME: RGBColor = RGBColor(110, 110, 110);
/// Largest grid (per side) whose cell values are printed.
const MAX_LABELLED_CELLS: usize = 12;
/// Outline of the marked region: a black line of this width (thinner on cells smaller than four
/// times this)...
const MARK_WIDTH: u32 = 5;
/// ...with a white core of this width (omitted when the black line is thinner than 3 pixels).
const MARK_CORE_WIDTH: u32 = 1;

/// ColorBrewer `RdBu`, red (negative) to blue (positive), white in the middle.
const DIVERGING: [(u8, u8, u8); 9] = [
    (178, 24, 43),
    (214, 96, 77),
    (244, 165, 130),
    (253, 219, 199),
    (247, 247, 247),
    (209, 229, 240),
    (146, 197, 222),
    (67, 147, 195),
    (33, 102, 172),
];

/// ColorBrewer `YlGnBu`, near white to dark blue.
const SEQUENTIAL: [(u8, u8, u8); 9] = [
    (255, 255, 217),
    (237, 248, 177),
    (199, 233, 180),
    (127, 205, 187),
    (65, 182, 196),
    (29, 145, 192),
    (34, 94, 168),
    (37, 52, 148),
    (8, 29, 88),
];

impl Figure for HeatmapFigure {
    fn size(&self) -> (u32, u32) {
        let panels = u32::try_from(self.panels.len()).unwrap_or(u32::MAX);
        let width = PANEL_WIDTH
            .saturating_mul(panels)
            .clamp(MIN_WIDTH, MAX_WIDTH);
        (width, TITLE_HEIGHT + PANEL_HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<(), DB> {
        let body = charts::draw_title(root, &self.title)?;
        if self.panels.is_empty() {
            return charts::draw_no_data(&body);
        }
        let areas = body.split_evenly((1, self.panels.len()));
        for (panel, area) in self.panels.iter().zip(areas.iter()) {
            draw_panel(area, panel)?;
        }
        Ok(())
    }
}

/// Share of cells whose magnitude sets the end of a diverging scale.
const ROBUST_QUANTILE: f64 = 0.9;
/// Fewest cells for which the diverging scale is clipped at [`ROBUST_QUANTILE`].
const ROBUST_MIN_CELLS: usize = 8;

/// The colour scale of a panel: the value range it spans and its colour stops.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scale {
    lo: f64,
    hi: f64,
    stops: &'static [(u8, u8, u8)],
}

impl Scale {
    /// The scale of `cells`: symmetric about zero up to the largest magnitude (diverging), or
    /// from the smallest to the largest finite value (sequential), never empty.
    fn of(cells: &[f64], diverging: bool) -> Scale {
        let finite = cells.iter().copied().filter(|v| v.is_finite());
        if diverging {
            // Centred on 0 and clipped at a robust magnitude, so that one extreme cell does not
            // wash every other cell out to white: the 90th percentile of |value| (nearest rank)
            // when there are at least 8 cells, the largest magnitude otherwise. Cells beyond it
            // take the end colours, and the colour bar's ends say so ("≤", "≥").
            let mut magnitudes: Vec<f64> = finite.map(f64::abs).collect();
            magnitudes.sort_by(f64::total_cmp);
            let max = match magnitudes.len() {
                0 => 0.0,
                n if n >= ROBUST_MIN_CELLS => {
                    magnitudes[((n as f64 * ROBUST_QUANTILE).ceil() as usize).clamp(1, n) - 1]
                }
                n => magnitudes[n - 1],
            };
            let max = if max > 0.0 && max.is_finite() {
                max
            } else {
                1.0
            };
            Scale {
                lo: -max,
                hi: max,
                stops: &DIVERGING,
            }
        } else {
            let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
            let (lo, hi) = if lo <= hi {
                charts::widen_if_flat((lo, hi))
            } else {
                (0.0, 1.0)
            };
            Scale {
                lo,
                hi,
                stops: &SEQUENTIAL,
            }
        }
    }

    /// Colour of `value`, clamped into the range; [`NO_DATA`] grey if it is not finite.
    fn colour(&self, value: f64) -> RGBColor {
        if !value.is_finite() {
            return NO_DATA;
        }
        let t = ((value - self.lo) / (self.hi - self.lo)).clamp(0.0, 1.0);
        let t = if t.is_finite() { t } else { 0.5 };
        interpolate(self.stops, t)
    }

    /// The value at fraction `t` of the range.
    fn at(&self, t: f64) -> f64 {
        self.lo + t * (self.hi - self.lo)
    }
}

/// Linear interpolation between evenly spaced colour stops, `t` in `[0, 1]`.
fn interpolate(stops: &[(u8, u8, u8)], t: f64) -> RGBColor {
    let Some(&last) = stops.last() else {
        return NO_DATA;
    };
    let segments = stops.len() - 1;
    if segments == 0 {
        return RGBColor(last.0, last.1, last.2);
    }
    let position = t.clamp(0.0, 1.0) * segments as f64;
    let index = (position.floor() as usize).min(segments - 1);
    let f = position - index as f64;
    let (a, b) = (stops[index], stops[index + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + f * (f64::from(y) - f64::from(x))).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Whether black text is more legible than white on `colour` (by relative luminance).
fn dark_text_on(colour: RGBColor) -> bool {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance =
        0.2126 * linear(colour.0) + 0.7152 * linear(colour.1) + 0.0722 * linear(colour.2);
    // Contrast with black exceeds contrast with white above about 0.18.
    luminance > 0.18
}

/// `value` rounded to `digits` significant digits (unchanged if not finite or zero).
fn round_significant(value: f64, digits: usize) -> f64 {
    if !value.is_finite() || value == 0.0 {
        return value;
    }
    format!("{value:.*e}", digits.saturating_sub(1))
        .parse()
        .unwrap_or(value)
}

/// A cell value, compactly: integers below 10,000 in full, larger magnitudes with a k/M/G
/// suffix, everything else to 2 significant digits.
fn cell_label(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let magnitude = value.abs();
    if magnitude >= 1e4 {
        let (scaled, suffix) = if magnitude >= 1e9 {
            (value / 1e9, "G")
        } else if magnitude >= 1e6 {
            (value / 1e6, "M")
        } else {
            (value / 1e3, "k")
        };
        if scaled.abs() >= 1000.0 {
            return format!("{value:.1e}");
        }
        return format!("{}{suffix}", tick_label(round_significant(scaled, 2)));
    }
    if magnitude >= 100.0 || value == value.round() {
        return tick_label(value.round());
    }
    tick_label(round_significant(value, 2))
}

/// A value read from `values` with a default for missing entries.
fn get<T: Copy>(values: &[T], index: usize, default: T) -> T {
    values.get(index).copied().unwrap_or(default)
}

/// Pixel layout of one panel's plot: the edges of the cell grid.
struct Grid {
    left: i32,
    right: i32,
    top: i32,
    bottom: i32,
    nx: usize,
    ny: usize,
}

impl Grid {
    /// Left edge of column `xi` (`xi == nx` gives the right edge).
    fn x(&self, xi: usize) -> i32 {
        let span = f64::from(self.right - self.left);
        self.left + (span * xi as f64 / self.nx as f64).round() as i32
    }

    /// Bottom edge of row `yi` (`yi == ny` gives the top edge); rows go upwards.
    fn y(&self, yi: usize) -> i32 {
        let span = f64::from(self.bottom - self.top);
        self.bottom - (span * yi as f64 / self.ny as f64).round() as i32
    }

    fn cell_width(&self) -> f64 {
        f64::from(self.right - self.left) / self.nx as f64
    }

    fn cell_height(&self) -> f64 {
        f64::from(self.bottom - self.top) / self.ny as f64
    }
}

/// Every `step`-th index is labelled so that labels of `extent` pixels fit in slots of `slot`.
fn label_step(extent: u32, slot: f64) -> usize {
    if slot <= 0.0 {
        return usize::MAX;
    }
    ((f64::from(extent) + 6.0) / slot).ceil().max(1.0) as usize
}

/// Draws one panel into `area`.
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &HeatmapPanel,
) -> DrawResult<(), DB> {
    let (width, height) = area.dim_in_pixel();
    let (width, height) = (to_i32(width), to_i32(height));

    // Caption.
    let size = charts::fitting_size(
        &panel.title,
        (PANEL_TITLE_FONT_SIZE, 11.0),
        true,
        u32::try_from(width - 2 * MARGIN).unwrap_or(0),
    );
    area.draw_text(
        &panel.title,
        &bold_font(size).pos(Pos::new(HPos::Center, VPos::Top)),
        (width / 2, MARGIN),
    )?;

    let (nx, ny) = (panel.x_values.len(), panel.y_values.len());
    if nx == 0 || ny == 0 {
        return charts::draw_no_data(area);
    }
    let n = nx.saturating_mul(ny);
    let value = |xi: usize, yi: usize| get(&panel.cells, yi * nx + xi, f64::NAN);
    let marked = |xi: usize, yi: usize| get(&panel.marked, yi * nx + xi, false);
    let any_marked = (0..n).any(|i| get(&panel.marked, i, false));
    let any_missing = (0..n).any(|i| !get(&panel.cells, i, f64::NAN).is_finite());
    let scale = panel_scale(panel, n);

    // Text extents.
    let axis = font(AXIS_FONT_SIZE);
    let x_ticks: Vec<String> = panel.x_values.iter().map(|&v| axis_label(v)).collect();
    let y_ticks: Vec<String> = panel.y_values.iter().map(|&v| axis_label(v)).collect();
    let bar_ticks = bar_ticks(panel, &scale, n);
    let widest = |labels: &mut dyn Iterator<Item = &String>| {
        labels.map(|l| text_size(l, &axis).0).max().unwrap_or(0)
    };
    let x_tick_width = widest(&mut x_ticks.iter());
    let y_tick_width = to_i32(widest(&mut y_ticks.iter()));
    let bar_tick_width = to_i32(widest(&mut bar_ticks.iter().map(|(_, l)| l)));
    let line = to_i32(text_size("Ag", &axis).1).max(12);

    // Layout: caption, plot, x ticks and label, legend; y label and ticks, plot, colour bar.
    let legend_rows = i32::from(any_marked) + i32::from(any_missing);
    let top = MARGIN + to_i32(text_size("Ag", &bold_font(size)).1) + 16;
    let bottom = height - MARGIN - legend_rows * LEGEND_ROW - 2 * line - 20;
    let left = MARGIN + line + 10 + y_tick_width + 10;
    let bar_right = width - MARGIN - line - 8 - bar_tick_width - 8;
    let bar_left = bar_right - BAR_WIDTH;
    let right = bar_left - 24;
    if right - left < 20 || bottom - top < 20 {
        return charts::draw_no_data(area);
    }
    let grid = Grid {
        left,
        right,
        top,
        bottom,
        nx,
        ny,
    };

    // Cells.
    for yi in 0..ny {
        for xi in 0..nx {
            let colour = scale.colour(value(xi, yi));
            area.draw(&Rectangle::new(
                [(grid.x(xi), grid.y(yi + 1)), (grid.x(xi + 1), grid.y(yi))],
                colour.filled(),
            ))?;
        }
    }
    draw_cell_labels(area, &grid, &scale, &value)?;
    draw_marked_region(area, &grid, &marked)?;
    area.draw(&Rectangle::new(
        [(left, top), (right, bottom)],
        FRAME.stroke_width(1),
    ))?;

    draw_axes(area, panel, &grid, (&x_ticks, &y_ticks), x_tick_width, line)?;

    draw_colour_bar(
        area,
        panel,
        &scale,
        &bar_ticks,
        (bar_left, bar_right),
        &grid,
    )?;
    draw_legend(area, panel, (any_marked, any_missing))
}

/// The colour scale of a panel: its cells' range, or 0–1 for shares and other values on their
/// natural scale (no negative share on the bar).
fn panel_scale(panel: &HeatmapPanel, n: usize) -> Scale {
    let mut scale = Scale::of(&panel.cells[..n.min(panel.cells.len())], panel.diverging);
    if !panel.diverging && panel.value_label.ends_with(charts::NATURAL_SCALE) {
        let inside = panel
            .cells
            .iter()
            .all(|v| !v.is_finite() || (0.0..=1.0).contains(v));
        if inside {
            scale.lo = 0.0;
            scale.hi = 1.0;
        }
    }
    scale
}

/// The colour bar's five ticks (position 0–1, label), the ends marked if the scale clips cells.
fn bar_ticks(panel: &HeatmapPanel, scale: &Scale, n: usize) -> Vec<(f64, String)> {
    (0..5)
        .map(|k| {
            let t = f64::from(k) / 4.0;
            let label = tick_label(round_significant(scale.at(t), 3));
            let cells = &panel.cells[..n.min(panel.cells.len())];
            // Mark the ends of a clipped scale.
            let beyond = |below: bool| {
                cells
                    .iter()
                    .any(|&v| v.is_finite() && if below { v < scale.lo } else { v > scale.hi })
            };
            let label = match k {
                0 if beyond(true) => format!("≤ {label}"),
                4 if beyond(false) => format!("≥ {label}"),
                _ => label,
            };
            (t, label)
        })
        .collect()
}

/// Draws the axis ticks, their labels and the two axis descriptions around the grid.
fn draw_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &HeatmapPanel,
    grid: &Grid,
    (x_ticks, y_ticks): (&[String], &[String]),
    x_tick_width: u32,
    line: i32,
) -> DrawResult<(), DB> {
    let axis = font(AXIS_FONT_SIZE);
    let (left, right, top, bottom) = (grid.left, grid.right, grid.top, grid.bottom);
    let x_step = label_step(x_tick_width, grid.cell_width());
    for (xi, label) in x_ticks.iter().enumerate().step_by(x_step) {
        let x = (grid.x(xi) + grid.x(xi + 1)) / 2;
        area.draw(&PathElement::new(
            vec![(x, bottom), (x, bottom + 5)],
            FRAME.stroke_width(1),
        ))?;
        area.draw_text(
            label,
            &axis.pos(Pos::new(HPos::Center, VPos::Top)),
            (x, bottom + 8),
        )?;
    }
    let y_step = label_step(u32::try_from(line).unwrap_or(0), grid.cell_height());
    for (yi, label) in y_ticks.iter().enumerate().step_by(y_step) {
        let y = (grid.y(yi) + grid.y(yi + 1)) / 2;
        area.draw(&PathElement::new(
            vec![(left - 5, y), (left, y)],
            FRAME.stroke_width(1),
        ))?;
        area.draw_text(
            label,
            &axis.pos(Pos::new(HPos::Right, VPos::Center)),
            (left - 8, y),
        )?;
    }
    let x_desc_size = charts::fitting_size(
        &panel.x_label,
        (AXIS_FONT_SIZE, 10.0),
        false,
        u32::try_from(right - left).unwrap_or(0),
    );
    area.draw_text(
        &panel.x_label,
        &font(x_desc_size).pos(Pos::new(HPos::Center, VPos::Top)),
        ((left + right) / 2, bottom + 8 + line + 8),
    )?;
    let y_desc_size = charts::fitting_size(
        &panel.y_label,
        (AXIS_FONT_SIZE, 10.0),
        false,
        u32::try_from(bottom - top).unwrap_or(0),
    );
    area.draw_text(
        &panel.y_label,
        &font(y_desc_size)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Top)),
        (MARGIN, (top + bottom) / 2),
    )?;
    Ok(())
}

/// Draws the colour bar right of the grid, with its ticks and the value description.
fn draw_colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &HeatmapPanel,
    scale: &Scale,
    bar_ticks: &[(f64, String)],
    (bar_left, bar_right): (i32, i32),
    grid: &Grid,
) -> DrawResult<(), DB> {
    let axis = font(AXIS_FONT_SIZE);
    let width = to_i32(area.dim_in_pixel().0);
    let (top, bottom) = (grid.top, grid.bottom);
    let bar_height = bottom - top;
    for row in 0..bar_height {
        let t = 1.0 - (f64::from(row) + 0.5) / f64::from(bar_height);
        area.draw(&Rectangle::new(
            [(bar_left, top + row), (bar_right, top + row + 1)],
            scale.colour(scale.at(t)).filled(),
        ))?;
    }
    area.draw(&Rectangle::new(
        [(bar_left, top), (bar_right, bottom)],
        FRAME.stroke_width(1),
    ))?;
    for (t, label) in bar_ticks {
        let y = bottom - (t * f64::from(bar_height)).round() as i32;
        area.draw(&PathElement::new(
            vec![(bar_right, y), (bar_right + 5, y)],
            FRAME.stroke_width(1),
        ))?;
        area.draw_text(
            label,
            &axis.pos(Pos::new(HPos::Left, VPos::Center)),
            (bar_right + 8, y),
        )?;
    }
    let value_size = charts::fitting_size(
        &panel.value_label,
        (AXIS_FONT_SIZE, 10.0),
        false,
        u32::try_from(bar_height).unwrap_or(0),
    );
    area.draw_text(
        &panel.value_label,
        &font(value_size)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Bottom)),
        (width - MARGIN, (top + bottom) / 2),
    )?;
    Ok(())
}

/// Draws the legend rows under the plot: the marked region's outline, then "no data".
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &HeatmapPanel,
    (any_marked, any_missing): (bool, bool),
) -> DrawResult<(), DB> {
    let axis = font(AXIS_FONT_SIZE);
    let (width, height) = area.dim_in_pixel();
    let (width, height) = (to_i32(width), to_i32(height));
    let legend_rows = i32::from(any_marked) + i32::from(any_missing);
    let mut y = height - MARGIN - legend_rows * LEGEND_ROW + LEGEND_ROW / 2;
    let legend_width = u32::try_from(width - 2 * MARGIN - 40).unwrap_or(0);
    if any_marked {
        let (x0, x1) = (MARGIN + 4, MARGIN + 30);
        area.draw(&Rectangle::new([(x0, y - 8), (x1, y + 8)], WHITE.filled()))?;
        let outline = vec![
            (x0, y - 8),
            (x1, y - 8),
            (x1, y + 8),
            (x0, y + 8),
            (x0, y - 8),
        ];
        area.draw(&PathElement::new(
            outline.clone(),
            BLACK.stroke_width(MARK_WIDTH),
        ))?;
        area.draw(&PathElement::new(
            outline,
            WHITE.stroke_width(MARK_CORE_WIDTH),
        ))?;
        let size = charts::fitting_size(
            &panel.mark_label,
            (AXIS_FONT_SIZE, 10.0),
            false,
            legend_width,
        );
        area.draw_text(
            &panel.mark_label,
            &font(size).pos(Pos::new(HPos::Left, VPos::Center)),
            (x1 + 10, y),
        )?;
        y += LEGEND_ROW;
    }
    if any_missing {
        let (x0, x1) = (MARGIN + 4, MARGIN + 30);
        area.draw(&Rectangle::new(
            [(x0, y - 8), (x1, y + 8)],
            NO_DATA.filled(),
        ))?;
        area.draw(&Rectangle::new(
            [(x0, y - 8), (x1, y + 8)],
            FRAME.stroke_width(1),
        ))?;
        area.draw_text(
            "no data",
            &axis.pos(Pos::new(HPos::Left, VPos::Center)),
            (x1 + 10, y),
        )?;
    }
    Ok(())
}

/// A grid coordinate for an axis tick: 4 significant digits, compact.
fn axis_label(value: f64) -> String {
    tick_label(round_significant(value, 4))
}

/// Prints each finite cell value in its cell, in black or white for contrast, if the grid is
/// at most [`MAX_LABELLED_CELLS`] on each side and the labels fit (at 14, 12 or 10 pixels).
fn draw_cell_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    grid: &Grid,
    scale: &Scale,
    value: &dyn Fn(usize, usize) -> f64,
) -> DrawResult<(), DB> {
    if grid.nx > MAX_LABELLED_CELLS || grid.ny > MAX_LABELLED_CELLS {
        return Ok(());
    }
    let labels: Vec<(usize, usize, f64, String)> = (0..grid.ny)
        .flat_map(|yi| (0..grid.nx).map(move |xi| (xi, yi)))
        .map(|(xi, yi)| {
            let v = value(xi, yi);
            (xi, yi, v, cell_label(v))
        })
        .filter(|(_, _, _, label)| !label.is_empty())
        .collect();
    let fits = |size: f64| {
        let style = font(size);
        labels.iter().all(|(_, _, _, label)| {
            let (w, h) = text_size(label, &style);
            f64::from(w) + 4.0 <= grid.cell_width() && f64::from(h) + 2.0 <= grid.cell_height()
        })
    };
    let Some(size) = [14.0, 12.0, 10.0].into_iter().find(|&size| fits(size)) else {
        return Ok(());
    };
    for (xi, yi, v, label) in &labels {
        let colour = if dark_text_on(scale.colour(*v)) {
            BLACK
        } else {
            WHITE
        };
        let x = (grid.x(*xi) + grid.x(xi + 1)) / 2;
        let y = (grid.y(*yi) + grid.y(yi + 1)) / 2;
        area.draw_text(
            label,
            &font(size)
                .color(&colour)
                .pos(Pos::new(HPos::Center, VPos::Center)),
            (x, y),
        )?;
    }
    Ok(())
}

/// Outlines the region of marked cells: every cell edge between a marked cell and an unmarked
/// cell (or the grid's border), as a black line with a white core.
fn draw_marked_region<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    grid: &Grid,
    marked: &dyn Fn(usize, usize) -> bool,
) -> DrawResult<(), DB> {
    let mut edges = Vec::new();
    for yi in 0..grid.ny {
        for xi in 0..grid.nx {
            if !marked(xi, yi) {
                continue;
            }
            let (x0, x1) = (grid.x(xi), grid.x(xi + 1));
            let (y0, y1) = (grid.y(yi), grid.y(yi + 1));
            if xi == 0 || !marked(xi - 1, yi) {
                edges.push(((x0, y0), (x0, y1)));
            }
            if xi + 1 == grid.nx || !marked(xi + 1, yi) {
                edges.push(((x1, y0), (x1, y1)));
            }
            if yi == 0 || !marked(xi, yi - 1) {
                edges.push(((x0, y0), (x1, y0)));
            }
            if yi + 1 == grid.ny || !marked(xi, yi + 1) {
                edges.push(((x0, y1), (x1, y1)));
            }
        }
    }
    // Extend each edge by half the line width so that corners are closed.
    let extend = |((ax, ay), (bx, by)): ((i32, i32), (i32, i32)), by_px: i32| {
        let (dx, dy) = ((bx - ax).signum(), (by - ay).signum());
        vec![
            (ax - dx * by_px, ay - dy * by_px),
            (bx + dx * by_px, by + dy * by_px),
        ]
    };
    let smallest = grid.cell_width().min(grid.cell_height());
    let width = ((smallest / 4.0).floor() as u32).clamp(1, MARK_WIDTH);
    let half = to_i32(width / 2);
    for &edge in &edges {
        area.draw(&PathElement::new(
            extend(edge, half),
            BLACK.stroke_width(width),
        ))?;
    }
    if width < 3 {
        return Ok(());
    }
    for &edge in &edges {
        area.draw(&PathElement::new(
            extend(edge, 0),
            WHITE.stroke_width(MARK_CORE_WIDTH),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn panel(diverging: bool) -> HeatmapPanel {
        let x_values: Vec<f64> = vec![0.0, 0.25, 0.5, 0.75, 1.0];
        let y_values: Vec<f64> = vec![1.0, 2.0, 5.0, 10.0];
        let mut cells = Vec::new();
        let mut marked = Vec::new();
        for &y in &y_values {
            for &x in &x_values {
                let v = if diverging {
                    40.0 * (x - 0.1 * y) - 3.0
                } else {
                    (x * y / 10.0).min(1.0)
                };
                cells.push(v);
                marked.push(diverging && v.abs() < 8.0 || !diverging && (0.2..0.4).contains(&v));
            }
        }
        HeatmapPanel {
            title: if diverging {
                "Mean net value".to_owned()
            } else {
                "Share of virtuous runs".to_owned()
            },
            x_label: "training_intensity (0-1)".to_owned(),
            y_label: "service_failure_rate (per week)".to_owned(),
            x_values,
            y_values,
            cells,
            value_label: if diverging {
                "net value (value units)".to_owned()
            } else {
                "share of runs virtuous (0-1)".to_owned()
            },
            diverging,
            marked,
            mark_label: "95% interval straddles 0 (tipping region)".to_owned(),
        }
    }

    fn sample() -> HeatmapFigure {
        HeatmapFigure {
            file_stem: "policy_map".to_owned(),
            title: "Where co-creation tips into co-destruction".to_owned(),
            panels: vec![panel(true), panel(false)],
        }
    }

    fn file_names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_png_and_svg_with_legend_and_no_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let paths = write_heatmaps(dir.path(), &sample()).unwrap();
        assert_eq!(
            paths,
            vec![
                dir.path().join("policy_map.png"),
                dir.path().join("policy_map.svg")
            ]
        );
        let png = fs::read(&paths[0]).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let svg = fs::read_to_string(&paths[1]).unwrap();
        assert!(svg.contains("Where co-creation tips into co-destruction"));
        assert!(svg.contains("training_intensity (0-1)"));
        assert!(svg.contains("net value (value units)"));
        assert!(svg.contains("95% interval straddles 0 (tipping region)"));
        assert_eq!(file_names(dir.path()), ["policy_map.png", "policy_map.svg"]);
    }

    #[test]
    fn legend_entry_only_when_cells_are_marked() {
        let dir = tempfile::tempdir().unwrap();
        let mut figure = sample();
        for panel in &mut figure.panels {
            panel.marked = vec![false; panel.cells.len()];
        }
        let paths = write_heatmaps(dir.path(), &figure).unwrap();
        let svg = fs::read_to_string(&paths[1]).unwrap();
        assert!(!svg.contains("tipping region"));
        assert!(!svg.contains("no data"));
    }

    /// Panels with gaps, no data, flat values, ragged vectors and a large grid.
    fn edge_figure() -> HeatmapFigure {
        let mut gappy = panel(true);
        gappy.cells[3] = f64::NAN;
        gappy.cells[7] = f64::INFINITY;
        gappy.marked.truncate(2);
        let all_nan = HeatmapPanel {
            cells: vec![f64::NAN; 20],
            ..panel(false)
        };
        let flat = HeatmapPanel {
            cells: vec![0.0; 20],
            ..panel(true)
        };
        let flat_sequential = HeatmapPanel {
            cells: vec![3.0; 5],
            marked: vec![true; 40],
            ..panel(false)
        };
        let empty = HeatmapPanel {
            x_values: vec![],
            ..panel(true)
        };
        let huge = HeatmapPanel {
            x_values: (0..200).map(f64::from).collect(),
            y_values: vec![f64::NAN, 1e12],
            cells: (0..400).map(|i| f64::from(i) * 1e-7).collect(),
            marked: (0..400).map(|i| i % 3 == 0).collect(),
            ..panel(false)
        };
        HeatmapFigure {
            file_stem: "heatmap_edge".to_owned(),
            title: "Edge cases".to_owned(),
            panels: vec![
                gappy,
                all_nan,
                flat,
                flat_sequential,
                empty,
                huge,
                HeatmapPanel::default(),
            ],
        }
    }

    #[test]
    fn nan_empty_flat_and_ragged_inputs_do_not_panic() {
        let dir = tempfile::tempdir().unwrap();
        let paths = write_heatmaps(dir.path(), &edge_figure()).unwrap();
        let svg = fs::read_to_string(&paths[1]).unwrap();
        assert!(svg.contains("no data"));
        let nothing = HeatmapFigure {
            file_stem: "nothing".to_owned(),
            ..HeatmapFigure::default()
        };
        write_heatmaps(dir.path(), &nothing).unwrap();
        assert_eq!(
            file_names(dir.path()),
            [
                "heatmap_edge.png",
                "heatmap_edge.svg",
                "nothing.png",
                "nothing.svg"
            ]
        );
    }

    #[test]
    fn scales_and_labels() {
        let diverging = Scale::of(&[-2.0, 1.0, f64::NAN], true);
        assert_eq!((diverging.lo, diverging.hi), (-2.0, 2.0));
        assert_eq!(diverging.colour(0.0), RGBColor(247, 247, 247));
        assert_eq!(diverging.colour(-5.0), RGBColor(178, 24, 43));
        assert_eq!(diverging.colour(f64::NAN), NO_DATA);
        let sequential = Scale::of(&[1.0, 3.0], false);
        assert_eq!((sequential.lo, sequential.hi), (1.0, 3.0));
        assert_eq!(sequential.colour(3.0), RGBColor(8, 29, 88));
        assert!(!dark_text_on(RGBColor(8, 29, 88)));
        assert!(dark_text_on(RGBColor(247, 247, 247)));
        assert_eq!(Scale::of(&[], true).hi, 1.0);
        assert!(Scale::of(&[2.0, 2.0], false).hi > 2.0);

        assert_eq!(cell_label(0.534), "0.53");
        assert_eq!(cell_label(-1.234), "-1.2");
        assert_eq!(cell_label(12.3), "12");
        assert_eq!(cell_label(9.96), "10");
        assert_eq!(cell_label(345.6), "346");
        assert_eq!(cell_label(12_345.0), "12k");
        assert_eq!(cell_label(-2_500_000.0), "-2.5M");
        assert_eq!(cell_label(0.0), "0");
        assert_eq!(cell_label(f64::NAN), "");
        assert_eq!(axis_label(1.0 / 3.0), "0.3333");
    }

    /// Renders the sample heatmap to `$CHARTS_SAMPLE_DIR` for visual inspection.
    #[test]
    #[ignore = "writes a sample chart for visual inspection"]
    fn render_sample() {
        let dir = std::env::var_os("CHARTS_SAMPLE_DIR")
            .map_or_else(|| std::env::temp_dir().join("charts-sample"), PathBuf::from);
        let large = HeatmapPanel {
            title: "A 15 x 10 grid with gaps".to_owned(),
            x_values: (0..15).map(|i| f64::from(i) * 0.07).collect(),
            y_values: (0..10).map(|i| f64::from(i) * 1500.0).collect(),
            cells: (0..150)
                .map(|i| {
                    let (x, y) = (f64::from(i % 15), f64::from(i / 15));
                    if i % 17 == 5 {
                        f64::NAN
                    } else {
                        x * 3.0 - y * 4.0
                    }
                })
                .collect(),
            marked: (0..150)
                .map(|i| (f64::from(i % 15) * 3.0 - f64::from(i / 15) * 4.0).abs() < 4.0)
                .collect(),
            ..panel(true)
        };
        let single = HeatmapFigure {
            file_stem: "heatmap_large".to_owned(),
            title: "One panel, larger grid".to_owned(),
            panels: vec![large],
        };
        for figure in [sample(), single, edge_figure()] {
            eprintln!("{:?}", write_heatmaps(&dir, &figure).unwrap());
        }
    }
}
