//! Bar charts with 95% interval whiskers, one panel per outcome, as PNG and SVG.
//!
//! Bars start at zero (the value axis always includes zero, marked by a thin line) and extend
//! towards their mean, the other way for negative values; a whisker with caps spans each bar's
//! interval. Vertical figures put the categories along the x axis (labels wrapped onto up to
//! three lines, or turned upright if they still do not fit); horizontal figures list them down
//! the y axis, first at the top, for a forest-plot look suited to ranked correlations and
//! paired contrasts. A bar whose mean is not finite is skipped and its category marked "n/a".
//!
//! Panels are laid out in a grid as in [`super::charts`], whose text styles, palette, title
//! strip and atomic PNG/SVG writing are reused.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::charts::{
    self, AXIS_FONT_SIZE, ChartError, Figure, MARKER_FONT_SIZE, PANEL_TITLE_FONT_SIZE, ROW_HEIGHT,
    TEXT_COLOUR, TITLE_HEIGHT, WIDTH, bold_font, font, palette, text_size, tick_label, to_i32,
};

/// One bar: a category's mean with its 95% interval.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bar {
    /// Category label, shown on the category axis.
    pub label: String,
    /// Bar length from zero; a non-finite mean skips the bar (its label shows "n/a").
    pub mean: f64,
    /// Lower end of the whisker; the whisker is omitted unless both ends are finite.
    pub lo: f64,
    /// Upper end of the whisker.
    pub hi: f64,
    /// Index into the palette of [`super::charts`] (Okabe-Ito without black), modulo its length.
    pub colour: usize,
}

/// One panel: an outcome, one bar per category.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BarPanel {
    /// Panel title, drawn above the plot (shrunk to fit the panel's width).
    pub title: String,
    /// Value axis label, with units.
    pub value_label: String,
    /// Bars in display order (left to right, or top to bottom when horizontal); none draws
    /// "no data".
    pub bars: Vec<Bar>,
}

/// A whole figure: panels in a grid (1 panel alone, 2 side by side, 3-4 in 2x2, 5-6 in 2x3,
/// more in rows of three) under one title.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BarFigure {
    /// File name without extension; `.png` and `.svg` are appended.
    pub file_stem: String,
    /// Overall title, drawn in a strip across the top.
    pub title: String,
    /// Panels in reading order; none draws "no data".
    pub panels: Vec<BarPanel>,
    /// `true`: categories down the y axis (first at the top), bars extending right (positive)
    /// or left (negative); `false`: categories along the x axis, bars extending up or down.
    pub horizontal: bool,
}

/// Draws the figure as `<dir>/<file_stem>.png` and `<dir>/<file_stem>.svg`, written atomically
/// like [`charts::write_chart`] (no temporary file is left behind, even on error). Returns the
/// two paths (PNG first). `dir` is created if missing.
pub fn write_bars(dir: &Path, figure: &BarFigure) -> Result<Vec<PathBuf>, ChartError> {
    charts::write_figure(dir, &figure.file_stem, figure)
}

/// Outer margin of a panel (as in line charts).
const MARGIN: u32 = 12;
/// Height of the value axis label area of horizontal panels, and width of vertical panels'.
const VALUE_AXIS_AREA: u32 = 80;
/// Height of the value axis label area of horizontal panels.
const VALUE_AXIS_AREA_HORIZONTAL: u32 = 62;
/// Minimum height of a category in horizontal panels.
const HORIZONTAL_SLOT: u32 = 26;
/// Height of a horizontal panel besides its categories (caption and value axis).
const HORIZONTAL_FIXED: u32 = 140;
/// Widest share of a horizontal panel given to category labels (longer labels are shortened).
const MAX_LABEL_SHARE: f64 = 0.4;
/// Longest upright category label of vertical panels, in pixels (longer labels are shortened).
const MAX_UPRIGHT_LABEL: u32 = 170;
/// Most lines a wrapped category label may take.
const MAX_WRAPPED_LINES: usize = 3;
/// Share of a category slot covered by its bar.
const BAR_SHARE: f64 = 0.6;
/// Opacity of bar fills (whiskers and the zero line stay opaque on top).
const BAR_ALPHA: f64 = 0.85;
/// Half-length of whisker caps, in pixels (at most a quarter of the bar thickness).
const CAP: i32 = 6;
/// Colour of the "n/a" notes.
const NOTE_COLOUR: RGBColor = RGBColor(120, 120, 120);

impl Figure for BarFigure {
    fn size(&self) -> (u32, u32) {
        let (rows, cols) = charts::grid(self.panels.len());
        let rows = u32::try_from(rows).unwrap_or(u32::MAX);
        let row_height = if self.horizontal {
            let most = self.panels.iter().map(|p| p.bars.len()).max().unwrap_or(0);
            let most = u32::try_from(most).unwrap_or(u32::MAX);
            ROW_HEIGHT.max(HORIZONTAL_FIXED.saturating_add(HORIZONTAL_SLOT.saturating_mul(most)))
        } else {
            let labels = self
                .panels
                .iter()
                .map(|p| vertical_labels(p, cols).height)
                .max()
                .unwrap_or(0);
            // A plain row already has room for one line of labels.
            ROW_HEIGHT + labels.saturating_sub(single_line_height())
        };
        // Keep absurd inputs within what an image can hold.
        let height = TITLE_HEIGHT.saturating_add(rows.saturating_mul(row_height));
        (WIDTH, height.min(30_000))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<(), DB> {
        let body = charts::draw_title(root, &self.title)?;
        if self.panels.is_empty() {
            return charts::draw_no_data(&body);
        }
        let (rows, cols) = charts::grid(self.panels.len());
        let areas = body.split_evenly((rows, cols));
        for (panel, area) in self.panels.iter().zip(areas.iter()) {
            draw_panel(area, panel, self.horizontal, cols)?;
        }
        Ok(())
    }
}

/// Text style of category labels.
fn label_font() -> TextStyle<'static> {
    font(AXIS_FONT_SIZE)
}

fn single_line_height() -> u32 {
    text_size("Ag", &label_font()).1.max(12) + 14
}

/// How the category labels of a vertical panel are laid out.
#[derive(Debug, Clone, PartialEq)]
enum LabelLayout {
    /// Each label as lines of text centred under its bar.
    Lines(Vec<Vec<String>>),
    /// Each label turned upright (reading upwards), shortened to [`MAX_UPRIGHT_LABEL`], in the
    /// given font size (smaller than usual if the slots are narrow).
    Upright(Vec<String>, f64),
}

/// Category labels of a vertical panel and the height of the label area they need.
#[derive(Debug, Clone, PartialEq)]
struct VerticalLabels {
    layout: LabelLayout,
    height: u32,
}

/// Width of the plot of a panel in a grid of `cols` columns, vertical orientation.
fn vertical_plot_width(cols: usize) -> u32 {
    let cols = u32::try_from(cols.max(1)).unwrap_or(u32::MAX);
    (WIDTH / cols).saturating_sub(2 * MARGIN + VALUE_AXIS_AREA)
}

/// Lays out the category labels of a vertical panel: on one line if they all fit their slot,
/// else wrapped at spaces, underscores, hyphens, slashes and equals signs onto up to
/// [`MAX_WRAPPED_LINES`] lines, else upright.
fn vertical_labels(panel: &BarPanel, cols: usize) -> VerticalLabels {
    let style = label_font();
    let line = text_size("Ag", &style).1.max(12) + 2;
    let n = u32::try_from(panel.bars.len().max(1)).unwrap_or(u32::MAX);
    let slot = (vertical_plot_width(cols) / n).saturating_sub(6);
    let wrapped: Vec<Vec<String>> = panel
        .bars
        .iter()
        .map(|bar| wrap(&bar.label, &style, slot))
        .collect();
    let fits = wrapped.iter().all(|lines| {
        lines.len() <= MAX_WRAPPED_LINES && lines.iter().all(|l| text_size(l, &style).0 <= slot)
    });
    if fits {
        let most = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let most = u32::try_from(most).unwrap_or(1);
        return VerticalLabels {
            layout: LabelLayout::Lines(wrapped),
            height: most * line + 14,
        };
    }
    let size = (8..=15)
        .rev()
        .map(f64::from)
        .find(|&size| text_size("Ag", &font(size)).1 <= slot + 6)
        .unwrap_or(8.0);
    let style = font(size);
    let upright: Vec<String> = panel
        .bars
        .iter()
        .map(|bar| shorten(&bar.label, &style, MAX_UPRIGHT_LABEL))
        .collect();
    let longest = upright
        .iter()
        .map(|l| text_size(l, &style).0)
        .max()
        .unwrap_or(0);
    VerticalLabels {
        layout: LabelLayout::Upright(upright, size),
        height: longest + 16,
    }
}

/// Greedily wraps `text` into lines at most `width` pixels wide, breaking after spaces,
/// underscores, hyphens, slashes and equals signs (a word longer than `width` gets a line of
/// its own and may overflow).
fn wrap(text: &str, style: &TextStyle<'_>, width: u32) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        word.push(c);
        if matches!(c, ' ' | '_' | '-' | '/' | '=') {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in words {
        let candidate = format!("{current}{word}");
        if current.is_empty() || text_size(candidate.trim_end(), style).0 <= width {
            current = candidate;
        } else {
            lines.push(current.trim_end().to_owned());
            current = word;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current.trim_end().to_owned());
    }
    lines
}

/// `text` shortened until it is at most `width` pixels wide by replacing its middle with an
/// ellipsis, so that labels differing only at the end stay distinguishable.
fn shorten(text: &str, style: &TextStyle<'_>, width: u32) -> String {
    if text_size(text, style).0 <= width {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut keep = chars.len();
    while keep > 0 {
        keep -= 1;
        // Keep slightly more of the head than of the tail.
        let tail = keep / 2;
        let head = keep - tail;
        let candidate: String = chars[..head]
            .iter()
            .chain(std::iter::once(&'…'))
            .chain(&chars[chars.len() - tail..])
            .collect();
        if text_size(&candidate, style).0 <= width {
            return candidate;
        }
    }
    "…".to_owned()
}

/// The value range of a panel: zero, and the means and finite interval ends of its drawn bars,
/// padded and never empty.
fn value_range(panel: &BarPanel) -> (f64, f64) {
    let mut range = (0.0f64, 0.0f64);
    for bar in panel.bars.iter().filter(|b| b.mean.is_finite()) {
        for v in [bar.mean, bar.lo, bar.hi] {
            if v.is_finite() {
                range = (range.0.min(v), range.1.max(v));
            }
        }
    }
    charts::pad(charts::widen_if_flat(range))
}

type Context<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws one panel into `area`, in a grid of `cols` columns.
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &BarPanel,
    horizontal: bool,
    cols: usize,
) -> DrawResult<(), DB> {
    let (width, _) = area.dim_in_pixel();
    let caption_size = charts::fitting_size(
        &panel.title,
        (PANEL_TITLE_FONT_SIZE, 11.0),
        true,
        width.saturating_sub(2 * MARGIN),
    );
    if panel.bars.is_empty() {
        area.draw_text(
            &panel.title,
            &bold_font(caption_size).pos(Pos::new(HPos::Center, VPos::Top)),
            (to_i32(width) / 2, to_i32(MARGIN)),
        )?;
        return charts::draw_no_data(area);
    }
    let n = panel.bars.len() as f64;
    let (v0, v1) = value_range(panel);
    let categories = -0.5..n - 0.5;
    let style = label_font();

    let mut builder = ChartBuilder::on(area);
    builder
        .caption(&panel.title, bold_font(caption_size))
        .margin(MARGIN);
    let vertical_labels = (!horizontal).then(|| vertical_labels(panel, cols));
    let horizontal_labels: Vec<String> = if horizontal {
        let widest = (f64::from(width) * MAX_LABEL_SHARE) as u32;
        panel
            .bars
            .iter()
            .map(|bar| shorten(&bar.label, &style, widest))
            .collect()
    } else {
        Vec::new()
    };
    let mut ctx: Context<'_, DB> = if horizontal {
        let widest = horizontal_labels
            .iter()
            .map(|l| text_size(l, &style).0)
            .max()
            .unwrap_or(0);
        builder
            .x_label_area_size(VALUE_AXIS_AREA_HORIZONTAL)
            .y_label_area_size(widest + 18)
            .build_cartesian_2d(v0..v1, categories)?
    } else {
        let height = vertical_labels.as_ref().map_or(0, |l| l.height);
        builder
            .x_label_area_size(height)
            .y_label_area_size(VALUE_AXIS_AREA)
            .build_cartesian_2d(categories, v0..v1)?
    };

    draw_mesh(&mut ctx, panel, horizontal, (v0, v1))?;
    draw_bars(&mut ctx, panel, horizontal)?;

    draw_category_labels(
        area,
        &ctx,
        panel,
        &horizontal_labels,
        vertical_labels.as_ref(),
    )
}

/// Draws the value axis (with its description and gridlines) and hides the category axis.
fn draw_mesh<DB: DrawingBackend>(
    ctx: &mut Context<'_, DB>,
    panel: &BarPanel,
    horizontal: bool,
    (v0, v1): (f64, f64),
) -> DrawResult<(), DB> {
    // Tick positions carry floating-point noise (e.g. -1.4e-17 for zero); snap it away.
    let span = v1 - v0;
    let value_tick = |v: &f64| tick_label(if v.abs() < span * 1e-9 { 0.0 } else { *v });
    let mut mesh = ctx.configure_mesh();
    mesh.axis_desc_style(font(AXIS_FONT_SIZE))
        .label_style(font(AXIS_FONT_SIZE))
        .bold_line_style(BLACK.mix(0.10))
        .light_line_style(BLACK.mix(0.04))
        .axis_style(BLACK.mix(0.6));
    if horizontal {
        mesh.x_desc(panel.value_label.as_str())
            .x_labels(5)
            .x_label_formatter(&value_tick)
            .disable_y_mesh()
            .y_labels(0);
    } else {
        mesh.y_desc(panel.value_label.as_str())
            .y_labels(6)
            .y_label_formatter(&value_tick)
            .disable_x_mesh()
            .x_labels(0);
    }
    mesh.draw()?;
    Ok(())
}

/// Draws the bars, the zero line over their bases, and each bar's interval whisker ("n/a"
/// where a bar has no value).
fn draw_bars<DB: DrawingBackend>(
    ctx: &mut Context<'_, DB>,
    panel: &BarPanel,
    horizontal: bool,
) -> DrawResult<(), DB> {
    let n = panel.bars.len() as f64;
    // Data coordinates of category position `c` and value `v`.
    let at = |c: f64, v: f64| if horizontal { (v, c) } else { (c, v) };
    // Categories run top to bottom in horizontal panels.
    let position = |i: usize| {
        if horizontal {
            n - 1.0 - i as f64
        } else {
            i as f64
        }
    };

    // Bar thickness in pixels, to size the whisker caps.
    let (p0, p1) = (
        ctx.backend_coord(&at(0.0, 0.0)),
        ctx.backend_coord(&at(BAR_SHARE, 0.0)),
    );
    let thickness = (p1.0 - p0.0).abs().max((p1.1 - p0.1).abs());
    let cap = CAP.min(thickness / 4).max(1);
    let cap_path = if horizontal {
        vec![(0, -cap), (0, cap)]
    } else {
        vec![(-cap, 0), (cap, 0)]
    };

    let half = BAR_SHARE / 2.0;
    for (i, bar) in panel.bars.iter().enumerate() {
        if !bar.mean.is_finite() {
            continue;
        }
        let c = position(i);
        let fill = palette(bar.colour).mix(BAR_ALPHA).filled();
        ctx.draw_series(std::iter::once(Rectangle::new(
            [at(c - half, 0.0), at(c + half, bar.mean)],
            fill,
        )))?;
    }
    // The zero line, over the bars' bases.
    ctx.draw_series(std::iter::once(PathElement::new(
        vec![at(-0.5, 0.0), at(n - 0.5, 0.0)],
        TEXT_COLOUR.stroke_width(1),
    )))?;
    let whisker = TEXT_COLOUR.stroke_width(2);
    for (i, bar) in panel.bars.iter().enumerate() {
        let c = position(i);
        if !bar.mean.is_finite() {
            let (dx, dy, anchor) = if horizontal {
                (6, 0, Pos::new(HPos::Left, VPos::Center))
            } else {
                (0, -6, Pos::new(HPos::Center, VPos::Bottom))
            };
            ctx.draw_series(std::iter::once(
                EmptyElement::at(at(c, 0.0))
                    + Text::new(
                        "n/a",
                        (dx, dy),
                        font(MARKER_FONT_SIZE).color(&NOTE_COLOUR).pos(anchor),
                    ),
            ))?;
            continue;
        }
        if !(bar.lo.is_finite() && bar.hi.is_finite()) {
            continue;
        }
        ctx.draw_series(std::iter::once(PathElement::new(
            vec![at(c, bar.lo), at(c, bar.hi)],
            whisker,
        )))?;
        ctx.draw_series([bar.lo, bar.hi].into_iter().map(|end| {
            EmptyElement::at(at(c, end)) + PathElement::new(cap_path.clone(), whisker)
        }))?;
    }
    Ok(())
}

/// Writes the category labels beside the plot of `ctx`: right-aligned left of it (horizontal),
/// or under it, as lines or upright (vertical).
fn draw_category_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ctx: &Context<'_, DB>,
    panel: &BarPanel,
    horizontal_labels: &[String],
    vertical_labels: Option<&VerticalLabels>,
) -> DrawResult<(), DB> {
    let base = area.get_base_pixel();
    let pixel = |x: f64, y: f64| {
        let (px, py) = ctx.backend_coord(&(x, y));
        (px - base.0, py - base.1)
    };
    let (x_range, y_range) = (ctx.x_range(), ctx.y_range());
    let style = label_font();
    let n = panel.bars.len() as f64;
    let Some(vertical) = vertical_labels else {
        for (i, label) in horizontal_labels.iter().enumerate() {
            let (x, y) = pixel(x_range.start, n - 1.0 - i as f64);
            area.draw_text(
                label,
                &style.pos(Pos::new(HPos::Right, VPos::Center)),
                (x - 8, y),
            )?;
        }
        return Ok(());
    };
    let line = to_i32(text_size("Ag", &style).1.max(12) + 2);
    match &vertical.layout {
        LabelLayout::Lines(labels) => {
            for (i, lines) in labels.iter().enumerate() {
                let (x, y) = pixel(i as f64, y_range.start);
                for (k, text) in lines.iter().enumerate() {
                    let dy = 8 + line * i32::try_from(k).unwrap_or(0);
                    area.draw_text(
                        text,
                        &style.pos(Pos::new(HPos::Center, VPos::Top)),
                        (x, y + dy),
                    )?;
                }
            }
        }
        LabelLayout::Upright(labels, size) => {
            // Turned a quarter anticlockwise: the anchor's right end sits just under the axis.
            let upright = font(*size)
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Right, VPos::Center));
            for (i, text) in labels.iter().enumerate() {
                let (x, y) = pixel(i as f64, y_range.start);
                area.draw_text(text, &upright, (x, y + 8))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn bar(label: &str, mean: f64, half: f64, colour: usize) -> Bar {
        Bar {
            label: label.to_owned(),
            mean,
            lo: mean - half,
            hi: mean + half,
            colour,
        }
    }

    fn contrasts() -> BarFigure {
        let panel = |title: &str, scale: f64| BarPanel {
            title: title.to_owned(),
            value_label: format!("difference in {title} (value units)"),
            bars: vec![
                bar("training", 2.0 * scale, 0.8 * scale, 1),
                bar("loyalty_programme", -1.5 * scale, 0.6 * scale, 2),
                bar("faster_complaint_handling", 0.3 * scale, 0.7 * scale, 3),
                bar("price_cut", f64::NAN, f64::NAN, 4),
            ],
        };
        BarFigure {
            file_stem: "contrasts".to_owned(),
            title: "Each variant minus `baseline`, paired by replication".to_owned(),
            panels: vec![
                panel("net value", 10.0),
                panel("co-created value", 4.0),
                panel("final loyalty", 0.05),
            ],
            horizontal: true,
        }
    }

    fn outcomes() -> BarFigure {
        let labels = [
            "baseline",
            "training",
            "loyalty programme",
            "faster_complaint_handling",
        ];
        let panel = |title: &str, means: [f64; 4]| BarPanel {
            title: title.to_owned(),
            value_label: format!("{title} (value units)"),
            bars: labels
                .iter()
                .zip(means)
                .enumerate()
                .map(|(i, (label, mean))| bar(label, mean, mean.abs() * 0.1 + 0.5, i))
                .collect(),
        };
        BarFigure {
            file_stem: "variant_outcomes".to_owned(),
            title: "Outcomes by variant (4 variants x 20 replications)".to_owned(),
            panels: vec![
                panel("net value", [12.0, 18.0, -4.0, 9.0]),
                panel("co-created value", [40.0, 52.0, 30.0, 45.0]),
            ],
            horizontal: false,
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
        for figure in [contrasts(), outcomes()] {
            let paths = write_bars(dir.path(), &figure).unwrap();
            let png = fs::read(&paths[0]).unwrap();
            assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
            let svg = fs::read_to_string(&paths[1]).unwrap();
            assert!(svg.contains(&figure.title));
            assert!(svg.contains("training"));
            assert!(svg.contains(&figure.panels[0].value_label));
        }
        let svg = fs::read_to_string(dir.path().join("contrasts.svg")).unwrap();
        assert!(svg.contains("n/a"));
        assert_eq!(
            file_names(dir.path()),
            [
                "contrasts.png",
                "contrasts.svg",
                "variant_outcomes.png",
                "variant_outcomes.svg"
            ]
        );
    }

    /// Panels with NaN, flat values, no bars and many long labels.
    fn edge_panels() -> Vec<BarPanel> {
        let long = "a very long variant label that cannot possibly fit under its bar".to_owned();
        vec![
            BarPanel {
                title: "all NaN".to_owned(),
                value_label: "x".to_owned(),
                bars: vec![bar("a", f64::NAN, 1.0, 0), bar("b", f64::INFINITY, 1.0, 1)],
            },
            BarPanel {
                title: "flat".to_owned(),
                value_label: "x".to_owned(),
                bars: vec![
                    bar("zero", 0.0, 0.0, 0),
                    bar("nan interval", 0.0, f64::NAN, 1),
                ],
            },
            BarPanel {
                title: "empty".to_owned(),
                value_label: "x".to_owned(),
                bars: vec![],
            },
            BarPanel {
                title: "long labels".to_owned(),
                value_label: "x".to_owned(),
                bars: (0..30)
                    .map(|i| bar(&format!("{long} {i}"), f64::from(i) - 15.0, 2.0, i as usize))
                    .collect(),
            },
            BarPanel::default(),
        ]
    }

    #[test]
    fn nan_empty_flat_and_long_inputs_do_not_panic() {
        let dir = tempfile::tempdir().unwrap();
        let panels = edge_panels();
        for horizontal in [true, false] {
            let figure = BarFigure {
                file_stem: format!("edge_{horizontal}"),
                title: "Edge cases".to_owned(),
                panels: panels.clone(),
                horizontal,
            };
            let paths = write_bars(dir.path(), &figure).unwrap();
            let svg = fs::read_to_string(&paths[1]).unwrap();
            assert!(svg.contains("no data"));
            assert!(svg.contains("n/a"));
            let nothing = BarFigure {
                file_stem: format!("nothing_{horizontal}"),
                horizontal,
                ..BarFigure::default()
            };
            write_bars(dir.path(), &nothing).unwrap();
        }
        assert_eq!(
            file_names(dir.path()),
            [
                "edge_false.png",
                "edge_false.svg",
                "edge_true.png",
                "edge_true.svg",
                "nothing_false.png",
                "nothing_false.svg",
                "nothing_true.png",
                "nothing_true.svg"
            ]
        );
    }

    #[test]
    fn value_range_includes_zero() {
        let panel = BarPanel {
            bars: vec![bar("a", 5.0, 1.0, 0), bar("b", f64::NAN, 100.0, 0)],
            ..BarPanel::default()
        };
        let (lo, hi) = value_range(&panel);
        assert!(lo < 0.0 && lo > -1.0, "{lo}");
        assert!(hi > 6.0 && hi < 7.0, "{hi}");
        let negative = BarPanel {
            bars: vec![bar("a", -5.0, 1.0, 0)],
            ..BarPanel::default()
        };
        let (_, hi) = value_range(&negative);
        assert!(hi > 0.0);
        assert_eq!(value_range(&BarPanel::default()), charts::pad((-0.5, 0.5)));
    }

    #[test]
    fn wrapping_and_shortening() {
        charts::ensure_font().unwrap();
        let style = label_font();
        let lines = wrap("faster_complaint_handling", &style, 90);
        assert!(lines.len() > 1, "{lines:?}");
        assert_eq!(lines.concat(), "faster_complaint_handling");
        assert_eq!(wrap("", &style, 50), [""]);
        let short = shorten("a very long label indeed", &style, 60);
        assert!(short.contains('…') && text_size(&short, &style).0 <= 60);
        assert!(short.starts_with("a v") && short.ends_with("ed"), "{short}");
        assert_eq!(shorten("ok", &style, 60), "ok");
    }

    /// Renders the sample bar charts to `$CHARTS_SAMPLE_DIR` for visual inspection.
    #[test]
    #[ignore = "writes sample charts for visual inspection"]
    fn render_sample() {
        let dir = std::env::var_os("CHARTS_SAMPLE_DIR")
            .map_or_else(|| std::env::temp_dir().join("charts-sample"), PathBuf::from);
        let edge = |horizontal: bool| BarFigure {
            file_stem: format!("bars_edge_{horizontal}"),
            title: "Edge cases".to_owned(),
            panels: edge_panels(),
            horizontal,
        };
        for figure in [contrasts(), outcomes(), edge(true), edge(false)] {
            eprintln!("{:?}", write_bars(&dir, &figure).unwrap());
        }
    }
}
