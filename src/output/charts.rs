//! Trajectory charts: mean lines with 95% bands, one panel per outcome, as PNG and SVG.
//!
//! The charts are meant to be read at a glance by someone comparing scenarios, so the layout is
//! fixed and opinionated: a grid of panels under one title, large fonts, a colour-blind-safe
//! palette (Okabe-Ito), translucent bands behind solid or dashed mean lines, a framed legend in
//! the emptiest corner and dashed grey markers for events such as policy changes.
//!
//! Text is rendered with the DejaVu Sans font embedded through the `dejavu` crate and registered
//! with plotters once per process: the build has no system-font support (no `ttf` feature, and
//! the machines running the simulator may have no fonts installed at all), so every text style
//! here names the registered family.
//!
//! Both files are written atomically (see [`crate::io::atomic`]): a killed run never leaves a
//! truncated chart behind.
//!
//! The sibling modules [`super::heatmap`] and [`super::bars`] draw the other chart types of a
//! sweep with the same look; they reuse the font, palette, text styles, tick formatting and the
//! atomic PNG/SVG write path through the crate-visible items here (`Figure`,
//! `write_figure`).

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::register_font;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::io::atomic;

/// Family name under which the embedded DejaVu Sans font is registered. It is the family that
/// plotters uses for unstyled text, so no text can fall back to an unregistered family, and SVG
/// viewers receive a generic family they can always resolve.
pub(crate) const FONT_FAMILY: &str = "sans-serif";

/// Image width in pixels (PNG) or user units (SVG).
pub(crate) const WIDTH: u32 = 1200;
/// Height of one row of panels.
pub(crate) const ROW_HEIGHT: u32 = 420;
/// Height of the strip holding the overall title.
pub(crate) const TITLE_HEIGHT: u32 = 50;
/// Maximum number of panel columns.
pub(crate) const MAX_COLUMNS: usize = 3;

/// Font size of the overall title (shrunk to fit the width if needed).
pub(crate) const TITLE_FONT_SIZE: f64 = 26.0;
/// Font size of panel titles.
pub(crate) const PANEL_TITLE_FONT_SIZE: f64 = 20.0;
/// Font size of axis labels, tick labels and legends.
pub(crate) const AXIS_FONT_SIZE: f64 = 15.0;
/// Font size of marker labels and other small annotations.
pub(crate) const MARKER_FONT_SIZE: f64 = 13.0;

/// Opacity of the 95% bands.
const BAND_ALPHA: f64 = 0.2;
/// Width of the mean lines in pixels.
const LINE_WIDTH: u32 = 2;
/// Dash length and gap of dashed mean lines, in pixels.
const DASH: (u32, u32) = (8, 5);
/// Dash length and gap of marker lines, in pixels.
const MARKER_DASH: (u32, u32) = (4, 4);
/// Fraction of the data range added above and below it.
pub(crate) const Y_PADDING: f64 = 0.05;
/// Fraction of the x range added on both sides of a panel holding [`Dash::Markers`] lines, so
/// that points at the extremes are not cut by the frame.
const X_PADDING_MARKERS: f64 = 0.03;
/// Radius of the points of [`Dash::Markers`] lines, in pixels.
const POINT_RADIUS: u32 = 4;
/// Opacity of the interval whiskers of [`Dash::Markers`] lines.
const WHISKER_ALPHA: f64 = 0.55;

/// Suffix of a y label that asks for the natural [0, 1] scale (see [`panel_extent`]).
pub const NATURAL_SCALE: &str = "(0-1)";

/// Okabe-Ito colour-blind-safe palette without black, most distinguishable colours first
/// (yellow, the weakest on white, last).
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(230, 159, 0),   // orange
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(240, 228, 66),  // yellow
];

/// Colour of all text.
pub(crate) const TEXT_COLOUR: RGBColor = RGBColor(30, 30, 30);
const MARKER_COLOUR: RGBColor = RGBColor(120, 120, 120);

/// Line style of a mean trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dash {
    /// Continuous line (the default).
    #[default]
    Solid,
    /// Dashed line, e.g. to set a counterfactual apart from the baseline.
    Dashed,
    /// No line at all: each point is a filled circle at `(x[i], mean[i])` with a vertical
    /// whisker from `lo[i]` to `hi[i]`, and no band. The x values need not be sorted, so this
    /// suits scatter plots such as an outcome against a factor over Latin-hypercube points. The
    /// legend shows a circle.
    Markers,
}

/// One trajectory: x values (e.g. ticks in weeks) and the mean with a 95% band (lo/hi), same
/// lengths. Points where a value is not finite are skipped (the line and band are broken there);
/// if the vectors differ in length, only the common prefix is drawn. With [`Dash::Markers`] the
/// points are drawn as circles with interval whiskers instead of a line and band.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    /// Legend label; lines with an empty label are drawn but not listed in the legend.
    pub label: String,
    /// Index into a fixed colour-blind-safe palette (Okabe-Ito without black), taken modulo its
    /// length.
    pub colour: usize,
    /// How the line is drawn: solid, dashed, or as points with whiskers.
    pub dash: Dash,
    pub x: Vec<f64>,
    pub mean: Vec<f64>,
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
}

/// One panel of the grid: an outcome over time, one line per scenario.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Panel {
    pub title: String,
    /// Y axis label, with units.
    pub y_label: String,
    pub lines: Vec<Line>,
}

/// A vertical marker on the x axis (e.g. a policy event at a tick), drawn as a thin dashed grey
/// line with its label. Markers outside a panel's x range are not drawn.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Marker {
    pub x: f64,
    pub label: String,
}

/// A whole figure: panels laid out in a grid under one title, sharing the x label and markers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Chart {
    /// File name without extension; `.png` and `.svg` are appended.
    pub file_stem: String,
    pub title: String,
    /// X axis label shared by all panels, e.g. "week".
    pub x_label: String,
    pub panels: Vec<Panel>,
    pub markers: Vec<Marker>,
}

/// Failure to write a chart file; the message names the file concerned.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The directory or a file could not be created, synced or renamed into place.
    #[error("cannot write chart {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Plotting failed (backend, font or image encoding error), described by `message`.
    #[error("cannot draw chart {}: {message}", path.display())]
    Draw { path: PathBuf, message: String },
}

/// Draws the chart twice, as `<dir>/<file_stem>.png` and `<dir>/<file_stem>.svg`, each written
/// to a temporary sibling path ([`atomic::temp_path_for`]) and renamed into place
/// ([`atomic::commit`]) only when complete. Returns the two paths (PNG first).
///
/// `dir` is created if missing. On error no temporary file is left behind, and each of the two
/// files is either completely replaced or left as it was.
pub fn write_chart(dir: &Path, chart: &Chart) -> Result<Vec<PathBuf>, ChartError> {
    write_figure(dir, &chart.file_stem, chart)
}

/// Something drawable at a fixed size on any plotters backend: a line [`Chart`], a heatmap
/// figure or a bar figure. [`write_figure`] turns it into a PNG and an SVG file.
pub(crate) trait Figure {
    /// Image size in pixels (PNG) or user units (SVG).
    fn size(&self) -> (u32, u32);

    /// Draws the whole figure on `root`, which has [`Figure::size`]; the embedded font is
    /// already registered.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<(), DB>;
}

impl Figure for Chart {
    fn size(&self) -> (u32, u32) {
        image_size(self)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<(), DB> {
        draw_chart(root, self)
    }
}

/// Draws `figure` twice, as `<dir>/<file_stem>.png` and `<dir>/<file_stem>.svg`, each written
/// atomically (see [`write_chart`]). Returns the two paths (PNG first).
pub(crate) fn write_figure<F: Figure>(
    dir: &Path,
    file_stem: &str,
    figure: &F,
) -> Result<Vec<PathBuf>, ChartError> {
    fs::create_dir_all(dir).map_err(|source| ChartError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let png = dir.join(format!("{file_stem}.png"));
    let svg = dir.join(format!("{file_stem}.svg"));
    write_png(&png, figure)?;
    write_svg(&svg, figure)?;
    Ok(vec![png, svg])
}

/// Registers the embedded font once per process; later calls return the first outcome.
pub(crate) fn ensure_font() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            let fonts = [
                (FontStyle::Normal, dejavu::sans::regular()),
                (FontStyle::Bold, dejavu::sans::bold()),
            ];
            for (style, bytes) in fonts {
                register_font(FONT_FAMILY, style, bytes).map_err(|_| {
                    format!("embedded DejaVu Sans font ({}) is invalid", style.as_str())
                })?;
            }
            Ok(())
        })
        .clone()
}

/// Image size for a chart: fixed width, one row height per row of panels plus the title strip.
fn image_size(chart: &Chart) -> (u32, u32) {
    let (rows, _) = grid(chart.panels.len());
    let rows = u32::try_from(rows).unwrap_or(u32::MAX / ROW_HEIGHT);
    (WIDTH, TITLE_HEIGHT + rows * ROW_HEIGHT)
}

/// Rows and columns of the panel grid: 1 panel alone, 2 side by side, 3-4 in 2x2, 5-6 in 2x3,
/// more in rows of [`MAX_COLUMNS`].
pub(crate) fn grid(panels: usize) -> (usize, usize) {
    match panels {
        0 | 1 => (1, 1),
        2 => (1, 2),
        3 | 4 => (2, 2),
        5 | 6 => (2, 3),
        n => (n.div_ceil(MAX_COLUMNS), MAX_COLUMNS),
    }
}

pub(crate) fn draw_error(path: &Path, message: impl std::fmt::Display) -> ChartError {
    ChartError::Draw {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

/// Renders the PNG into a temporary sibling and commits it.
///
/// The bitmap backend picks the image format from the file extension, so the temporary name is
/// [`atomic::temp_path_for`] with `.png` appended.
fn write_png<F: Figure>(path: &Path, figure: &F) -> Result<(), ChartError> {
    let mut temp = atomic::temp_path_for(path).into_os_string();
    temp.push(".png");
    let temp = PathBuf::from(temp);
    let result = render_png(path, &temp, figure).and_then(|()| {
        fs::File::open(&temp)
            .and_then(|file| file.sync_all())
            .and_then(|()| atomic::commit(&temp, path))
            .map_err(|source| ChartError::Io {
                path: path.to_path_buf(),
                source,
            })
    });
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Draws the PNG at `temp`; the backend is dropped before returning so the file is complete.
fn render_png<F: Figure>(path: &Path, temp: &Path, figure: &F) -> Result<(), ChartError> {
    ensure_font().map_err(|message| draw_error(path, message))?;
    let root = BitMapBackend::new(temp, figure.size()).into_drawing_area();
    figure.draw(&root).map_err(|e| draw_error(path, e))?;
    root.present().map_err(|e| draw_error(path, e))
}

/// Renders the SVG into memory and writes it atomically.
fn write_svg<F: Figure>(path: &Path, figure: &F) -> Result<(), ChartError> {
    ensure_font().map_err(|message| draw_error(path, message))?;
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, figure.size()).into_drawing_area();
        figure.draw(&root).map_err(|e| draw_error(path, e))?;
        root.present().map_err(|e| draw_error(path, e))?;
    }
    atomic::write_bytes_atomic(path, text.as_bytes()).map_err(|source| ChartError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Regular text style of the embedded font in [`TEXT_COLOUR`].
pub(crate) fn font(size: f64) -> TextStyle<'static> {
    (FONT_FAMILY, size).into_font().color(&TEXT_COLOUR)
}

/// Bold text style of the embedded font in [`TEXT_COLOUR`].
pub(crate) fn bold_font(size: f64) -> TextStyle<'static> {
    // `FontDesc::style` keeps the already loaded glyphs, so the bold face is chosen up front.
    (FONT_FAMILY, size, FontStyle::Bold)
        .into_font()
        .color(&TEXT_COLOUR)
}

/// Colour `index` of the palette (Okabe-Ito without black), taken modulo its length.
pub(crate) fn palette(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// Draws the whole figure on `root`: title strip, then the panel grid.
fn draw_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart,
) -> DrawResult<(), DB> {
    let body = draw_title(root, &chart.title)?;
    if chart.panels.is_empty() {
        return draw_no_data(&body);
    }
    let (rows, cols) = grid(chart.panels.len());
    let areas = body.split_evenly((rows, cols));
    // When every panel lists the same series, the legend is drawn once, in the first panel.
    let labels = |panel: &Panel| -> Vec<String> {
        panel
            .lines
            .iter()
            .filter(|l| !l.label.is_empty())
            .map(|l| l.label.clone())
            .collect()
    };
    let shared = chart.panels.len() > 1
        && chart
            .panels
            .iter()
            .all(|p| labels(p) == labels(&chart.panels[0]));
    for (k, (panel, area)) in chart.panels.iter().zip(areas.iter()).enumerate() {
        draw_panel(area, panel, chart, !shared || k == 0)?;
    }
    Ok(())
}

/// Fills `root` white, draws `title` centred in a strip of [`TITLE_HEIGHT`] at the top (in bold,
/// shrunk until it fits the width) and returns the area below it.
pub(crate) fn draw_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> DrawResult<DrawingArea<DB, Shift>, DB> {
    root.fill(&WHITE)?;
    let (title_area, body) = root.split_vertically(TITLE_HEIGHT);
    let (width, height) = title_area.dim_in_pixel();
    let size = fitting_size(
        title,
        (TITLE_FONT_SIZE, 12.0),
        true,
        width.saturating_sub(40),
    );
    title_area.draw_text(
        title,
        &bold_font(size).pos(Pos::new(HPos::Center, VPos::Center)),
        (to_i32(width) / 2, to_i32(height) / 2),
    )?;
    Ok(body)
}

/// Writes "no data" in the middle of `area`.
pub(crate) fn draw_no_data<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
) -> DrawResult<(), DB> {
    let (width, height) = area.dim_in_pixel();
    area.draw_text(
        "no data",
        &font(PANEL_TITLE_FONT_SIZE).pos(Pos::new(HPos::Center, VPos::Center)),
        (to_i32(width) / 2, to_i32(height) / 2),
    )
}

/// Width and height in pixels of `text` in `style` (zero if the font cannot lay it out).
pub(crate) fn text_size(text: &str, style: &TextStyle<'_>) -> (u32, u32) {
    style.font.box_size(text).unwrap_or((0, 0))
}

/// The largest font size, from `largest` down to `smallest` in steps of 1, at which `text`
/// (regular or bold) is at most `max_width` pixels wide; `smallest` if none is.
pub(crate) fn fitting_size(
    text: &str,
    (largest, smallest): (f64, f64),
    bold: bool,
    max_width: u32,
) -> f64 {
    let mut size = largest;
    while size > smallest {
        let style = if bold { bold_font(size) } else { font(size) };
        if text_size(text, &style).0 <= max_width {
            break;
        }
        size -= 1.0;
    }
    size
}

/// Formats a tick value compactly: no trailing zeros ("10", "0.25"), no floating-point noise,
/// scientific notation only for very large or very small magnitudes.
pub(crate) fn tick_label(value: f64) -> String {
    let magnitude = value.abs();
    if value == 0.0 || !value.is_finite() {
        return if value.is_finite() {
            "0".to_owned()
        } else {
            value.to_string()
        };
    }
    if magnitude < 1e-12 {
        // Floating-point noise on a tick that is meant to be zero.
        return "0".to_owned();
    }
    if !(1e-3..1e9).contains(&magnitude) {
        return format!("{value:.2e}");
    }
    // Thousands and millions in SI short form, so long axes stay legible ("6k", "1.5M").
    for (scale, suffix) in [(1e6, "M"), (1e3, "k")] {
        if magnitude >= scale {
            let short = format!("{:.2}", value / scale);
            let short = short.trim_end_matches('0').trim_end_matches('.');
            return format!("{short}{suffix}");
        }
    }
    let fixed = format!("{value:.6}");
    let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
    if trimmed == "-0" {
        "0".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Converts a pixel count to a backend coordinate, saturating.
pub(crate) fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// Finite data extent of a panel.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Extent {
    x: (f64, f64),
    y: (f64, f64),
}

/// Number of points of a line (common prefix of its vectors).
fn line_len(line: &Line) -> usize {
    line.x
        .len()
        .min(line.mean.len())
        .min(line.lo.len())
        .min(line.hi.len())
}

/// The x and y range covering every finite value of the panel's lines (x of points whose x is
/// finite, y of mean, lo and hi), padded so that nothing touches the frame and never empty.
/// `None` when the panel has no finite point.
///
/// A panel whose y label ends in "(0-1)" shows a state on its natural scale: the y range is
/// [0, 1] whenever the data lie in it, so that small movements are not blown up to fill the
/// panel. With `legend_entries` > 0, room for the legend is added above the data (and the
/// legend goes there), so that it never covers a line.
fn panel_extent(panel: &Panel, legend_entries: usize) -> Option<Extent> {
    let mut x = (f64::INFINITY, f64::NEG_INFINITY);
    let mut y = (f64::INFINITY, f64::NEG_INFINITY);
    for line in &panel.lines {
        for i in 0..line_len(line) {
            if !line.x[i].is_finite() {
                continue;
            }
            let values = [line.mean[i], line.lo[i], line.hi[i]];
            let mut any = false;
            for v in values.into_iter().filter(|v| v.is_finite()) {
                y = (y.0.min(v), y.1.max(v));
                any = true;
            }
            if any {
                x = (x.0.min(line.x[i]), x.1.max(line.x[i]));
            }
        }
    }
    if x.0 > x.1 || y.0 > y.1 {
        return None;
    }
    let x = widen_if_flat(x);
    let scatter = panel.lines.iter().any(|line| line.dash == Dash::Markers);
    let natural = panel.y_label.ends_with(NATURAL_SCALE) && y.0 >= 0.0 && y.1 <= 1.0;
    let mut y = if natural {
        (0.0, 1.0)
    } else {
        pad(widen_if_flat(y))
    };
    if legend_entries > 0 {
        // The legend needs about 22 px per entry plus 30 px of margins in a plot area of
        // about 300 px: that share of the final range is added on top.
        let share = ((22 * legend_entries + 30) as f64 / 300.0).min(0.6);
        y.1 += (y.1 - y.0) * share / (1.0 - share);
    }
    Some(Extent {
        x: if scatter {
            pad_by(x, X_PADDING_MARKERS)
        } else {
            x
        },
        y,
    })
}

/// Gives a zero-width range some width (±5% of the value, at least ±0.5).
pub(crate) fn widen_if_flat((lo, hi): (f64, f64)) -> (f64, f64) {
    if hi > lo && (hi - lo).is_finite() {
        return (lo, hi);
    }
    let half = (lo.abs() * Y_PADDING).max(0.5);
    let (a, b) = (lo - half, hi + half);
    if a.is_finite() && b.is_finite() && b > a {
        (a, b)
    } else {
        (lo.min(hi) - 1.0, lo.max(hi) + 1.0)
    }
}

/// Adds [`Y_PADDING`] of the span on both sides.
pub(crate) fn pad(range: (f64, f64)) -> (f64, f64) {
    pad_by(range, Y_PADDING)
}

/// Adds `fraction` of the span on both sides (unchanged if that overflows).
fn pad_by((lo, hi): (f64, f64), fraction: f64) -> (f64, f64) {
    let margin = (hi - lo) * fraction;
    let (a, b) = (lo - margin, hi + margin);
    if a.is_finite() && b.is_finite() {
        (a, b)
    } else {
        (lo, hi)
    }
}

/// Maximal runs of consecutive indices below `n` for which `ok` holds.
fn index_runs(n: usize, ok: impl Fn(usize) -> bool) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = None;
    for i in 0..n {
        match (ok(i), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push(s..n);
    }
    runs
}

/// Pieces of the mean line: runs of points where x and the mean are finite.
fn mean_segments(line: &Line) -> Vec<Vec<(f64, f64)>> {
    let ok = |i: usize| line.x[i].is_finite() && line.mean[i].is_finite();
    index_runs(line_len(line), ok)
        .into_iter()
        .map(|run| run.map(|i| (line.x[i], line.mean[i])).collect())
        .collect()
}

/// Points of a [`Dash::Markers`] line: `(x, mean)` where both are finite.
fn marker_points(line: &Line) -> Vec<(f64, f64)> {
    (0..line_len(line))
        .filter(|&i| line.x[i].is_finite() && line.mean[i].is_finite())
        .map(|i| (line.x[i], line.mean[i]))
        .collect()
}

/// Whiskers of a [`Dash::Markers`] line: `[(x, lo), (x, hi)]` where all three are finite.
fn marker_whiskers(line: &Line) -> Vec<Vec<(f64, f64)>> {
    (0..line_len(line))
        .filter(|&i| line.x[i].is_finite() && line.lo[i].is_finite() && line.hi[i].is_finite())
        .map(|i| vec![(line.x[i], line.lo[i]), (line.x[i], line.hi[i])])
        .collect()
}

/// Band polygons of a line: for each run of points where x, lo and hi are finite, hi forward
/// then lo backward.
fn band_polygons(line: &Line) -> Vec<Vec<(f64, f64)>> {
    let ok = |i: usize| line.x[i].is_finite() && line.lo[i].is_finite() && line.hi[i].is_finite();
    index_runs(line_len(line), ok)
        .into_iter()
        .map(|run| {
            let upper = run.clone().map(|i| (line.x[i], line.hi[i]));
            let lower = run.rev().map(|i| (line.x[i], line.lo[i]));
            upper.chain(lower).collect()
        })
        .collect()
}

/// Picks the legend corner that covers the fewest data points and marker labels.
fn legend_corner(
    panel: &Panel,
    markers: &[Marker],
    extent: Extent,
    entries: usize,
) -> SeriesLabelPosition {
    const SHARE: f64 = 0.4;
    let (x0, x1) = extent.x;
    let (y0, y1) = extent.y;
    let normalise = |x: f64, y: f64| ((x - x0) / (x1 - x0), (y - y0) / (y1 - y0));
    // Counts for upper-left, upper-right, lower-left, lower-right.
    let mut counts = [0usize; 4];
    let mut count = |u: f64, v: f64| {
        if !(u.is_finite() && v.is_finite()) {
            return;
        }
        let left = u <= SHARE;
        let right = u >= 1.0 - SHARE;
        let upper = v >= 1.0 - SHARE;
        let lower = v <= SHARE;
        for (slot, hit) in [upper && left, upper && right, lower && left, lower && right]
            .into_iter()
            .enumerate()
        {
            if hit {
                counts[slot] += 1;
            }
        }
    };
    for line in &panel.lines {
        for i in 0..line_len(line) {
            for v in [line.mean[i], line.lo[i], line.hi[i]] {
                let (u, w) = normalise(line.x[i], v);
                count(u, w);
            }
        }
    }
    for marker in markers {
        let (u, _) = normalise(marker.x, y1);
        if (0.0..=1.0).contains(&u) {
            // A marker label occupies the top of the panel to the right of its line.
            for step in 0..10 {
                count(u + f64::from(step) * 0.02, 1.0);
            }
        }
    }
    let positions = [
        SeriesLabelPosition::UpperLeft,
        SeriesLabelPosition::UpperRight,
        SeriesLabelPosition::LowerLeft,
        SeriesLabelPosition::LowerRight,
    ];
    // With room made above the data (see `panel_extent`), the legend goes to a top corner.
    let candidates = if entries > 0 { 0..2 } else { 0..4 };
    let best = candidates.min_by_key(|&i| counts[i]).unwrap_or(0);
    positions[best].clone()
}

/// Draws one panel into `area`.
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    chart: &Chart,
    legend: bool,
) -> DrawResult<(), DB> {
    let entries = if legend {
        panel.lines.iter().filter(|l| !l.label.is_empty()).count()
    } else {
        0
    };
    let extent = panel_extent(panel, entries);
    let ranges = extent.unwrap_or(Extent {
        x: (0.0, 1.0),
        y: (0.0, 1.0),
    });
    let mut ctx = ChartBuilder::on(area)
        .caption(&panel.title, bold_font(PANEL_TITLE_FONT_SIZE))
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(ranges.x.0..ranges.x.1, ranges.y.0..ranges.y.1)?;

    let mut mesh = ctx.configure_mesh();
    mesh.x_desc(chart.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .axis_desc_style(font(AXIS_FONT_SIZE))
        .label_style(font(AXIS_FONT_SIZE))
        .bold_line_style(BLACK.mix(0.10))
        .light_line_style(BLACK.mix(0.04))
        .axis_style(BLACK.mix(0.6))
        .x_labels(6)
        .y_labels(6);
    if extent.is_some() {
        mesh.x_label_formatter(&|v| tick_label(*v))
            .y_label_formatter(&|v| tick_label(*v));
    } else {
        mesh.disable_x_mesh()
            .disable_y_mesh()
            .x_labels(0)
            .y_labels(0);
    }
    mesh.draw()?;

    let Some(extent) = extent else {
        return ctx.plotting_area().draw(&Text::new(
            "no data",
            (0.5, 0.5),
            font(PANEL_TITLE_FONT_SIZE).pos(Pos::new(HPos::Center, VPos::Center)),
        ));
    };

    draw_markers(&mut ctx, &chart.markers, extent)?;

    for line in panel.lines.iter().filter(|l| l.dash != Dash::Markers) {
        let colour = palette(line.colour);
        let band_style = colour.mix(BAND_ALPHA).filled();
        ctx.draw_series(
            band_polygons(line)
                .into_iter()
                .map(|points| Polygon::new(points, band_style)),
        )?;
    }
    let labelled = draw_lines(&mut ctx, panel, legend)?;

    if labelled {
        ctx.configure_series_labels()
            .position(legend_corner(panel, &chart.markers, extent, entries))
            .margin(10)
            .legend_area_size(30)
            .label_font(font(AXIS_FONT_SIZE))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.35))
            .draw()?;
    }
    Ok(())
}

/// Draws each line's mean (solid or dashed paths, lone points as dots) or its markers with
/// whiskers, and registers its legend entry if `legend`. Returns whether any entry was added.
fn draw_lines<'a, DB: DrawingBackend + 'a>(
    ctx: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    panel: &Panel,
    legend: bool,
) -> DrawResult<bool, DB> {
    let mut labelled = false;
    for line in &panel.lines {
        let colour = palette(line.colour);
        let style = colour.stroke_width(LINE_WIDTH);
        let segments = mean_segments(line);
        // A lone point between gaps (or a line of one point) would not show as a path.
        if line.dash != Dash::Markers {
            ctx.draw_series(
                segments
                    .iter()
                    .filter(|points| points.len() == 1)
                    .map(|points| Circle::new(points[0], POINT_RADIUS, colour.filled())),
            )?;
        }
        let anno = match line.dash {
            Dash::Solid => ctx.draw_series(
                segments
                    .into_iter()
                    .map(|points| PathElement::new(points, style)),
            )?,
            Dash::Dashed => ctx.draw_series(
                segments
                    .into_iter()
                    .map(|points| DashedPathElement::new(points, DASH.0, DASH.1, style)),
            )?,
            Dash::Markers => {
                let whisker = colour.mix(WHISKER_ALPHA).stroke_width(LINE_WIDTH);
                ctx.draw_series(
                    marker_whiskers(line)
                        .into_iter()
                        .map(|points| PathElement::new(points, whisker)),
                )?;
                ctx.draw_series(marker_points(line).into_iter().map(|point| {
                    EmptyElement::at(point)
                        + Circle::new((0, 0), POINT_RADIUS, colour.filled())
                        + Circle::new((0, 0), POINT_RADIUS, WHITE.stroke_width(1))
                }))?
            }
        };
        if line.label.is_empty() || !legend {
            continue;
        }
        labelled = true;
        let band = colour.mix(BAND_ALPHA).filled();
        match line.dash {
            Dash::Solid => anno.label(line.label.as_str()).legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + Rectangle::new([(0, -7), (24, 7)], band)
                    + PathElement::new(vec![(0, 0), (24, 0)], style)
            }),
            Dash::Dashed => anno.label(line.label.as_str()).legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + Rectangle::new([(0, -7), (24, 7)], band)
                    + DashedPathElement::new(vec![(0, 0), (24, 0)], DASH.0, DASH.1 - 2, style)
            }),
            Dash::Markers => anno.label(line.label.as_str()).legend(move |(x, y)| {
                EmptyElement::at((x, y)) + Circle::new((12, 0), POINT_RADIUS + 1, colour.filled())
            }),
        };
    }
    Ok(labelled)
}

/// Draws each marker inside the x range as a dashed grey vertical line with its label at the
/// top, staggering labels vertically so that nearby markers stay legible.
fn draw_markers<DB: DrawingBackend>(
    ctx: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    markers: &[Marker],
    extent: Extent,
) -> DrawResult<(), DB> {
    let (y0, y1) = extent.y;
    let style = MARKER_COLOUR.stroke_width(1);
    let label_style = font(MARKER_FONT_SIZE).color(&MARKER_COLOUR);
    let visible = markers
        .iter()
        .filter(|m| m.x.is_finite() && m.x >= extent.x.0 && m.x <= extent.x.1);
    for (k, marker) in visible.enumerate() {
        ctx.draw_series(std::iter::once(DashedPathElement::new(
            vec![(marker.x, y0), (marker.x, y1)],
            MARKER_DASH.0,
            MARKER_DASH.1,
            style,
        )))?;
        if marker.label.is_empty() {
            continue;
        }
        // Labels of markers in the right quarter extend leftwards so they stay in the panel.
        let right = (marker.x - extent.x.0) / (extent.x.1 - extent.x.0) > 0.75;
        let (dx, anchor) = if right {
            (-4, HPos::Right)
        } else {
            (4, HPos::Left)
        };
        let dy = 4 + 16 * i32::try_from(k % 3).unwrap_or(0);
        let style = label_style.pos(Pos::new(anchor, VPos::Top));
        ctx.draw_series(std::iter::once(
            EmptyElement::at((marker.x, y1)) + Text::new(marker.label.clone(), (dx, dy), style),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(label: &str, colour: usize, dash: Dash, shift: f64) -> Line {
        let x: Vec<f64> = (0..=52).map(f64::from).collect();
        let mean: Vec<f64> = x
            .iter()
            .map(|&t| shift + 0.5 * (1.0 - (-t / 12.0).exp()))
            .collect();
        let lo = mean.iter().map(|m| m - 0.05).collect();
        let hi = mean.iter().map(|m| m + 0.05).collect();
        Line {
            label: label.to_owned(),
            colour,
            dash,
            x,
            mean,
            lo,
            hi,
        }
    }

    fn sample_chart() -> Chart {
        let panel = |title: &str, shift: f64| Panel {
            title: title.to_owned(),
            y_label: "share of customers (%)".to_owned(),
            lines: vec![
                line("baseline", 0, Dash::Solid, shift),
                line("policy", 1, Dash::Dashed, shift + 0.1),
            ],
        };
        Chart {
            file_stem: "trajectories".to_owned(),
            title: "Sample Trajectories".to_owned(),
            x_label: "week".to_owned(),
            panels: vec![
                panel("Engagement", 0.0),
                panel("Co-creation", 0.2),
                panel("Co-destruction", -0.3),
                panel("Churn", 1.0),
            ],
            markers: vec![Marker {
                x: 20.0,
                label: "policy change".to_owned(),
            }],
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
    fn writes_png_and_svg_without_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let chart = sample_chart();
        let paths = write_chart(dir.path(), &chart).unwrap();
        assert_eq!(
            paths,
            vec![
                dir.path().join("trajectories.png"),
                dir.path().join("trajectories.svg")
            ]
        );
        let png = fs::read(&paths[0]).unwrap();
        assert!(png.len() > 1000);
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let svg = fs::read_to_string(&paths[1]).unwrap();
        assert!(svg.contains("<svg"));
        assert!(svg.contains("Sample Trajectories"));
        assert!(svg.contains("baseline"));
        assert!(svg.contains("policy change"));
        assert_eq!(
            file_names(dir.path()),
            ["trajectories.png", "trajectories.svg"]
        );
    }

    #[test]
    fn overwrites_existing_chart() {
        let dir = tempfile::tempdir().unwrap();
        let mut chart = sample_chart();
        write_chart(dir.path(), &chart).unwrap();
        chart.title = "Second Version".to_owned();
        let paths = write_chart(dir.path(), &chart).unwrap();
        let svg = fs::read_to_string(&paths[1]).unwrap();
        assert!(svg.contains("Second Version"));
        assert_eq!(
            file_names(dir.path()),
            ["trajectories.png", "trajectories.svg"]
        );
    }

    #[test]
    fn nan_flat_and_empty_inputs_do_not_panic() {
        let dir = tempfile::tempdir().unwrap();
        let mut with_nan = line("gappy", 2, Dash::Solid, 0.0);
        with_nan.mean[10] = f64::NAN;
        with_nan.lo[20] = f64::INFINITY;
        with_nan.hi[30] = f64::NAN;
        with_nan.x[40] = f64::NAN;
        let all_nan = Line {
            label: "all NaN".to_owned(),
            colour: 3,
            dash: Dash::Dashed,
            x: vec![f64::NAN; 3],
            mean: vec![f64::NAN; 3],
            lo: vec![f64::NAN; 3],
            hi: vec![f64::NAN; 3],
        };
        let flat = Line {
            label: "flat".to_owned(),
            colour: 99,
            dash: Dash::Dashed,
            x: vec![5.0],
            mean: vec![0.0],
            lo: vec![0.0],
            hi: vec![0.0],
        };
        let ragged = Line {
            label: String::new(),
            colour: 4,
            dash: Dash::Solid,
            x: vec![0.0, 1.0, 2.0],
            mean: vec![1.0, 2.0],
            lo: vec![],
            hi: vec![3.0],
        };
        let chart = Chart {
            file_stem: "edge".to_owned(),
            title: "Edge cases".to_owned(),
            x_label: "week".to_owned(),
            panels: vec![
                Panel {
                    title: "with NaN".to_owned(),
                    y_label: "count".to_owned(),
                    lines: vec![with_nan, all_nan.clone()],
                },
                Panel {
                    title: "only NaN".to_owned(),
                    y_label: "count".to_owned(),
                    lines: vec![all_nan],
                },
                Panel {
                    title: "empty".to_owned(),
                    y_label: "count".to_owned(),
                    lines: vec![],
                },
                Panel {
                    title: "flat".to_owned(),
                    y_label: "count".to_owned(),
                    lines: vec![flat, ragged],
                },
                Panel::default(),
            ],
            markers: vec![
                Marker {
                    x: f64::NAN,
                    label: "nan".to_owned(),
                },
                Marker {
                    x: 1e9,
                    label: "far".to_owned(),
                },
                Marker {
                    x: 5.0,
                    label: String::new(),
                },
            ],
        };
        let paths = write_chart(dir.path(), &chart).unwrap();
        assert_eq!(paths.len(), 2);
        let svg = fs::read_to_string(&paths[1]).unwrap();
        assert!(svg.contains("no data"));

        let empty = Chart {
            file_stem: "nothing".to_owned(),
            ..Chart::default()
        };
        write_chart(dir.path(), &empty).unwrap();
        assert_eq!(
            file_names(dir.path()),
            ["edge.png", "edge.svg", "nothing.png", "nothing.svg"]
        );
    }

    #[test]
    fn tick_labels_are_compact() {
        assert_eq!(tick_label(10.0), "10");
        assert_eq!(tick_label(0.1 + 0.2), "0.3");
        assert_eq!(tick_label(-0.25), "-0.25");
        assert_eq!(tick_label(0.0), "0");
        assert_eq!(tick_label(-0.0), "0");
        assert_eq!(tick_label(1234.5), "1.23k");
        assert_eq!(tick_label(-6000.0), "-6k");
        assert_eq!(tick_label(2.5e-5), "2.50e-5");
        assert_eq!(tick_label(3e9), "3.00e9");
        assert_eq!(tick_label(20_000.0), "20k");
        assert_eq!(tick_label(-1_500_000.0), "-1.5M");
        assert_eq!(tick_label(-1.39e-17), "0");
    }

    #[test]
    fn grid_shapes() {
        assert_eq!(grid(1), (1, 1));
        assert_eq!(grid(2), (1, 2));
        assert_eq!(grid(3), (2, 2));
        assert_eq!(grid(4), (2, 2));
        assert_eq!(grid(5), (2, 3));
        assert_eq!(grid(6), (2, 3));
        assert_eq!(grid(7), (3, 3));
        assert_eq!(grid(10), (4, 3));
    }

    #[test]
    fn extent_skips_non_finite_and_pads() {
        let panel = Panel {
            lines: vec![Line {
                x: vec![0.0, 1.0, f64::NAN, 3.0],
                mean: vec![1.0, f64::NAN, 100.0, 2.0],
                lo: vec![0.0, f64::NEG_INFINITY, 100.0, 1.0],
                hi: vec![2.0, 3.0, 100.0, 4.0],
                ..Line::default()
            }],
            ..Panel::default()
        };
        let extent = panel_extent(&panel, 0).unwrap();
        assert_eq!(extent.x, (0.0, 3.0));
        assert!((extent.y.0 + 0.2).abs() < 1e-12);
        assert!((extent.y.1 - 4.2).abs() < 1e-12);
        assert_eq!(panel_extent(&Panel::default(), 0), None);
    }

    #[test]
    fn unwritable_directory_reports_path() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, b"x").unwrap();
        let error = write_chart(&blocker.join("sub"), &sample_chart()).unwrap_err();
        assert!(error.to_string().contains("file"), "{error}");
    }

    /// A scatter of an outcome against factors over 40 unsorted pseudo-random points, two
    /// series per panel, drawn with [`Dash::Markers`].
    fn scatter_chart() -> Chart {
        // A small deterministic generator: the points need not be random, only unsorted.
        let mut state = 0x2545_f491_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 10_000) as f64 / 10_000.0
        };
        let mut panels = Vec::new();
        for (title, slope) in [
            ("training_intensity", 30.0),
            ("service_failure_rate", -45.0),
        ] {
            let mut lines = Vec::new();
            for (firm, offset) in [("Firm A", 0.0), ("Firm B", -8.0)] {
                let x: Vec<f64> = (0..40).map(|_| next()).collect();
                let mean: Vec<f64> = x
                    .iter()
                    .map(|&x| offset + slope * (x - 0.5) + 6.0 * (next() - 0.5))
                    .collect();
                let half: Vec<f64> = (0..40).map(|_| 2.0 + 3.0 * next()).collect();
                lines.push(Line {
                    label: firm.to_owned(),
                    colour: lines.len(),
                    dash: Dash::Markers,
                    lo: mean.iter().zip(&half).map(|(m, h)| m - h).collect(),
                    hi: mean.iter().zip(&half).map(|(m, h)| m + h).collect(),
                    x,
                    mean,
                });
            }
            panels.push(Panel {
                title: title.to_owned(),
                y_label: "net value (value units)".to_owned(),
                lines,
            });
        }
        Chart {
            file_stem: "outcome_by_factor".to_owned(),
            title: "Net value against each factor (40 points x 10 replications)".to_owned(),
            x_label: "factor value".to_owned(),
            panels,
            markers: Vec::new(),
        }
    }

    #[test]
    fn markers_draw_points_and_whiskers_without_bands() {
        let dir = tempfile::tempdir().unwrap();
        let mut chart = scatter_chart();
        // Non-finite values and a ragged line must not panic.
        let line = &mut chart.panels[0].lines[0];
        line.mean[0] = f64::NAN;
        line.lo[1] = f64::INFINITY;
        line.x[2] = f64::NAN;
        line.hi.truncate(30);
        let paths = write_chart(dir.path(), &chart).unwrap();
        let png = fs::read(&paths[0]).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let svg = fs::read_to_string(&paths[1]).unwrap();
        assert!(svg.contains("Net value against each factor"));
        assert!(svg.contains("Firm B"));
        assert!(svg.contains("<circle"));
        // No band polygons: translucent fills only come from the legend box.
        assert!(!svg.contains("<polygon"));
        assert_eq!(
            file_names(dir.path()),
            ["outcome_by_factor.png", "outcome_by_factor.svg"]
        );

        let scatter = &chart.panels[1];
        let extent = panel_extent(scatter, 0).unwrap();
        let xs = scatter.lines.iter().flat_map(|l| l.x.iter().copied());
        let (min, max) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        assert!(extent.x.0 < min && extent.x.1 > max);
    }

    /// Renders the sample charts to `$CHARTS_SAMPLE_DIR` for visual inspection.
    #[test]
    #[ignore = "writes a sample chart for visual inspection"]
    fn render_sample() {
        let dir = std::env::var_os("CHARTS_SAMPLE_DIR")
            .map_or_else(|| std::env::temp_dir().join("charts-sample"), PathBuf::from);
        let paths = write_chart(&dir, &sample_chart()).unwrap();
        eprintln!("{paths:?}");
        let paths = write_chart(&dir, &scatter_chart()).unwrap();
        eprintln!("{paths:?}");
    }
}
