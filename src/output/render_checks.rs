//! Render checks: every kind of chart (line panels, heatmaps, bars, and the run, compare and
//! hysteresis charts built on them) drawn with edge-case data — one replication, constant
//! series, negative values, 60-character names — and its SVG text checked for tick labels that
//! overlap. Tests only.

use std::path::Path;

use super::bars::{Bar, BarFigure, BarPanel, write_bars};
use super::charts::{Chart, Dash, Line, Panel, write_chart};
use super::heatmap::{HeatmapFigure, HeatmapPanel, write_heatmaps};

/// One text element of an SVG: position, anchor, font size and content.
#[derive(Debug, Clone)]
struct SvgText {
    x: f64,
    y: f64,
    anchor: String,
    size: f64,
    text: String,
    rotated: bool,
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_owned())
}

fn texts(svg: &str) -> Vec<SvgText> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let Some(close) = rest.find("</text>") else {
            break;
        };
        let text = rest[tag_end + 1..close].trim().to_owned();
        out.push(SvgText {
            x: attribute(tag, "x")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.0),
            y: attribute(tag, "y")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.0),
            anchor: attribute(tag, "text-anchor").unwrap_or_else(|| "start".to_owned()),
            size: attribute(tag, "font-size")
                .and_then(|v| v.parse().ok())
                .unwrap_or(12.0),
            text,
            rotated: tag.contains("rotate("),
        });
        rest = &rest[close..];
    }
    out
}

/// Whether a label reads as a tick value ("0.5", "-6k", "1.5M", "2.50e-5", "≤ -3k").
fn is_tick(text: &str) -> bool {
    let text = text.trim_start_matches("≤ ").trim_start_matches("≥ ");
    let number = text.trim_end_matches(['k', 'M']);
    !number.is_empty() && number.parse::<f64>().is_ok()
}

/// Horizontal extent of a text, with a generous width per character (DejaVu Sans digits are
/// 0.64 em wide).
fn span(t: &SvgText) -> (f64, f64) {
    let width = 0.64 * t.size * t.text.chars().count() as f64;
    match t.anchor.as_str() {
        "middle" => (t.x - width / 2.0, t.x + width / 2.0),
        "end" => (t.x - width, t.x),
        _ => (t.x, t.x + width),
    }
}

/// Pairs of tick labels whose boxes overlap.
fn collisions(svg: &str) -> Vec<(String, String)> {
    let ticks: Vec<SvgText> = texts(svg)
        .into_iter()
        .filter(|t| !t.rotated && is_tick(&t.text))
        .collect();
    let mut out = Vec::new();
    for (i, a) in ticks.iter().enumerate() {
        for b in &ticks[i + 1..] {
            let (a0, a1) = span(a);
            let (b0, b1) = span(b);
            let vertical = (a.y - b.y).abs() < 0.9 * a.size.max(b.size);
            if vertical && a0 < b1 && b0 < a1 {
                out.push((a.text.clone(), b.text.clone()));
            }
        }
    }
    out
}

const LONG: &str = "a firm with a very long name that runs to sixty characters..";

fn line(label: &str, colour: usize, x: Vec<f64>, mean: Vec<f64>, half: f64) -> Line {
    Line {
        label: label.to_owned(),
        colour,
        dash: Dash::Solid,
        lo: mean.iter().map(|m| m - half).collect(),
        hi: mean.iter().map(|m| m + half).collect(),
        x,
        mean,
    }
}

fn edge_line_chart() -> Chart {
    let weeks: Vec<f64> = (1..=260).map(f64::from).collect();
    let constant = vec![0.45; weeks.len()];
    let negative: Vec<f64> = weeks.iter().map(|w| -98_000.0 + 400.0 * w).collect();
    let tiny: Vec<f64> = weeks.iter().map(|w| 0.443 + 0.012 * w / 260.0).collect();
    Chart {
        file_stem: "edge_lines".to_owned(),
        title: format!("{LONG}: every edge case at once"),
        x_label: "week".to_owned(),
        markers: Vec::new(),
        panels: vec![
            Panel {
                title: "one replication, constant".to_owned(),
                y_label: "mean over active customers (0-1)".to_owned(),
                lines: vec![line(LONG, 0, weeks.clone(), constant, 0.0)],
            },
            Panel {
                title: "negative and large".to_owned(),
                y_label: "money units per week".to_owned(),
                lines: vec![
                    line(LONG, 1, weeks.clone(), negative.clone(), 5_000.0),
                    line(
                        "b",
                        2,
                        weeks.clone(),
                        negative.iter().map(|v| v * 1.1).collect(),
                        0.0,
                    ),
                ],
            },
            Panel {
                title: "a small movement on the natural scale".to_owned(),
                y_label: "mean over active customers (0-1)".to_owned(),
                lines: vec![line("emotional value", 3, weeks.clone(), tiny, 0.001)],
            },
            Panel {
                title: "a single point".to_owned(),
                y_label: "customers".to_owned(),
                lines: vec![line("one", 4, vec![1.0], vec![-3.0], 0.0)],
            },
        ],
    }
}

fn edge_heatmap() -> HeatmapFigure {
    let xs: Vec<f64> = (0..11).map(|i| 0.5 + 0.05 * f64::from(i)).collect();
    let ys: Vec<f64> = (0..7).map(|i| 0.05 * f64::from(i)).collect();
    let mut cells = Vec::new();
    let mut marked = Vec::new();
    for (yi, _) in ys.iter().enumerate() {
        for (xi, _) in xs.iter().enumerate() {
            let v = if xi == 10 && yi == 0 {
                98_000.0
            } else {
                -6_000.0 + 1_500.0 * xi as f64 - 1_000.0 * yi as f64
            };
            cells.push(v);
            marked.push(v.abs() < 1_500.0);
        }
    }
    HeatmapFigure {
        file_stem: "edge_heatmap".to_owned(),
        title: format!("{LONG}: policy map"),
        panels: vec![HeatmapPanel {
            title: "Mean net value".to_owned(),
            x_label: "technology reliability".to_owned(),
            y_label: "staff rudeness".to_owned(),
            x_values: xs,
            y_values: ys,
            cells,
            value_label: "net value (value units)".to_owned(),
            diverging: true,
            marked,
            mark_label: "95% interval of net value includes 0".to_owned(),
        }],
    }
}

fn edge_bars() -> BarFigure {
    let bar = |label: &str, mean: f64, half: f64, colour: usize| Bar {
        label: label.to_owned(),
        mean,
        lo: mean - half,
        hi: mean + half,
        colour,
    };
    BarFigure {
        file_stem: "edge_bars".to_owned(),
        title: "Contrasts against the reference".to_owned(),
        horizontal: true,
        panels: vec![BarPanel {
            title: LONG.to_owned(),
            value_label: "net value difference (value units)".to_owned(),
            bars: vec![
                bar(LONG, -6_200.0, 800.0, 0),
                bar("pay_incentives", -3_000.0, 1_200.0, 1),
                bar("constant", 0.0, 0.0, 2),
                bar("listen", 1_500.0, 300.0, 3),
            ],
        }],
    }
}

fn check(path: &Path) {
    let svg = std::fs::read_to_string(path).unwrap();
    let found = collisions(&svg);
    assert!(
        found.is_empty(),
        "{}: overlapping tick labels {found:?}",
        path.display()
    );
    assert!(
        texts(&svg).iter().any(|t| is_tick(&t.text)),
        "{}",
        path.display()
    );
}

#[test]
fn the_collision_check_finds_overlapping_labels() {
    let svg = "<svg><text x=\"100\" y=\"50\" text-anchor=\"middle\" font-size=\"12\">-6000</text>\
               <text x=\"120\" y=\"50\" text-anchor=\"middle\" font-size=\"12\">-5000</text>\
               <text x=\"400\" y=\"50\" text-anchor=\"middle\" font-size=\"12\">0</text></svg>";
    assert_eq!(
        collisions(svg),
        vec![("-6000".to_owned(), "-5000".to_owned())]
    );
    assert!(is_tick("-6k") && is_tick("≥ 1.5M") && !is_tick("week"));
}

#[test]
fn every_chart_kind_renders_edge_cases_without_overlapping_tick_labels() {
    let dir = tempfile::tempdir().unwrap();
    let mut svgs = Vec::new();
    svgs.extend(write_chart(dir.path(), &edge_line_chart()).unwrap());
    svgs.extend(write_heatmaps(dir.path(), &edge_heatmap()).unwrap());
    svgs.extend(write_bars(dir.path(), &edge_bars()).unwrap());
    // The run's trajectory charts from one replication of constant series.
    let mut bands = crate::experiment::bands::Bands::new(2, 53);
    bands.add(&vec![crate::model::FirmTick::default(); 2 * 53]);
    let names = vec![LONG.to_owned(), "b".to_owned()];
    for chart in super::trajectories::charts(&bands, &names, 1, &[]) {
        svgs.extend(write_chart(dir.path(), &chart).unwrap());
    }
    // The hysteresis loop with its arrows.
    let estimate = |mean: f64| crate::experiment::stats::Estimate {
        n: 1,
        mean,
        sd: 0.0,
        lo: mean,
        hi: mean,
    };
    let values: Vec<f64> = (0..=10).map(|i| 0.95 - 0.045 * f64::from(i)).collect();
    let hysteresis = crate::validation::HysteresisLoop {
        policy: "firms.0.policy.tech_reliability".to_owned(),
        policy_label: "technology reliability (probability)".to_owned(),
        state_label: "active customers (share of slots)".to_owned(),
        down: values.iter().map(|&v| (v, estimate(v))).collect(),
        up: values
            .iter()
            .rev()
            .map(|&v| (v, estimate(v * 0.6)))
            .collect(),
    };
    svgs.extend(
        write_chart(
            dir.path(),
            &super::validation_charts::hysteresis(&hysteresis),
        )
        .unwrap(),
    );
    if let Some(keep) = std::env::var_os("RENDER_CHECKS_DIR") {
        for file in std::fs::read_dir(dir.path()).unwrap() {
            let file = file.unwrap();
            std::fs::copy(file.path(), Path::new(&keep).join(file.file_name())).unwrap();
        }
    }
    let svgs: Vec<_> = svgs
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    assert!(svgs.len() >= 10);
    for svg in &svgs {
        check(svg);
    }
}
