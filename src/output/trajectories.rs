//! The trajectory charts of a run: each metric's mean across replications with its 95% band,
//! one colour per firm, as PNG and SVG in `charts/`.

use std::path::{Path, PathBuf};

use super::charts::{Chart, ChartError, Dash, Line, Marker, Panel, write_chart};
use crate::experiment::bands::Bands;
use crate::scenario::EventMark;

/// One metric drawn as a line per firm.
struct Metric {
    column: &'static str,
    label: &'static str,
    dash: Dash,
}

/// Weekly flows (sums over a week) have no value at tick 0, the initial state: they are drawn
/// from week 1, so that a 0 at the start does not read as a spike.
const FLOWS: [&str; 5] = [
    "cocreated_value",
    "codestroyed_value",
    "churned",
    "acquired",
    "profit",
];

const fn solid(column: &'static str, label: &'static str) -> Metric {
    Metric {
        column,
        label,
        dash: Dash::Solid,
    }
}

const fn dashed(column: &'static str, label: &'static str) -> Metric {
    Metric {
        column,
        label,
        dash: Dash::Dashed,
    }
}

struct PanelSpec {
    title: &'static str,
    y_label: &'static str,
    metrics: Vec<Metric>,
}

struct ChartSpec {
    stem: &'static str,
    title: &'static str,
    panels: Vec<PanelSpec>,
}

fn specs() -> Vec<ChartSpec> {
    let state = "mean over active customers (0-1)";
    vec![
        ChartSpec {
            stem: "value",
            title: "Co-created vs co-destroyed value",
            panels: vec![PanelSpec {
                title: "Value per week",
                y_label: "value units per week",
                metrics: vec![
                    solid("cocreated_value", "co-created"),
                    dashed("codestroyed_value", "co-destroyed"),
                ],
            }],
        },
        ChartSpec {
            stem: "psychology",
            title: "Customer empowerment, self-efficacy, satisfaction and loyalty",
            panels: vec![
                PanelSpec {
                    title: "Empowerment",
                    y_label: state,
                    metrics: vec![solid("empowerment", "")],
                },
                PanelSpec {
                    title: "Self-efficacy",
                    y_label: state,
                    metrics: vec![solid("self_efficacy", "")],
                },
                PanelSpec {
                    title: "Satisfaction",
                    y_label: state,
                    metrics: vec![solid("satisfaction", "")],
                },
                PanelSpec {
                    title: "Loyalty",
                    y_label: state,
                    metrics: vec![solid("loyalty", "")],
                },
            ],
        },
        ChartSpec {
            stem: "experience",
            title: "Experience values and grievance",
            panels: vec![
                PanelSpec {
                    title: "Functional value",
                    y_label: state,
                    metrics: vec![solid("functional_value", "")],
                },
                PanelSpec {
                    title: "Emotional value",
                    y_label: state,
                    metrics: vec![solid("emotional_value", "")],
                },
                PanelSpec {
                    title: "Social value",
                    y_label: state,
                    metrics: vec![solid("social_value", "")],
                },
                PanelSpec {
                    title: "Grievance (desire for revenge)",
                    y_label: state,
                    metrics: vec![solid("grievance", "")],
                },
            ],
        },
        ChartSpec {
            stem: "customers",
            title: "Active customers, churn and acquisition",
            panels: vec![
                PanelSpec {
                    title: "Active customers",
                    y_label: "customers",
                    metrics: vec![solid("active_customers", "")],
                },
                PanelSpec {
                    title: "Churned and acquired",
                    y_label: "customers per week",
                    metrics: vec![solid("churned", "churned"), dashed("acquired", "acquired")],
                },
            ],
        },
        ChartSpec {
            stem: "staff_quality",
            title: "Employee morale and product quality",
            panels: vec![
                PanelSpec {
                    title: "Employee morale",
                    y_label: "mean over employees (0-1)",
                    metrics: vec![solid("employee_morale", "")],
                },
                PanelSpec {
                    title: "Product quality",
                    y_label: "quality (0-1)",
                    metrics: vec![solid("product_quality", "")],
                },
            ],
        },
        ChartSpec {
            stem: "profit",
            title: "Profit",
            panels: vec![PanelSpec {
                title: "Profit per week (revenue minus costs)",
                y_label: "money units per week",
                metrics: vec![solid("profit", "")],
            }],
        },
    ]
}

/// Chart markers for a scenario's events: one where each starts and, for events that end
/// (a `set` with a duration reverting, a ramp reaching its target), one where it ends.
pub fn event_markers(marks: &[EventMark]) -> Vec<Marker> {
    let mut markers = Vec::new();
    for mark in marks {
        markers.push(Marker {
            x: f64::from(mark.tick),
            label: mark.label.clone(),
        });
        if let Some(end) = mark.end {
            markers.push(Marker {
                x: f64::from(end),
                label: format!("end: {}", mark.label),
            });
        }
    }
    markers
}

/// Builds every trajectory chart from the bands. `replications` goes into the titles so a
/// reader knows what the band is; `markers` mark events on the time axis.
pub fn charts(
    bands: &Bands,
    firm_names: &[String],
    replications: u32,
    markers: &[Marker],
) -> Vec<Chart> {
    let x: Vec<f64> = (0..bands.ticks()).map(|t| t as f64).collect();
    specs()
        .into_iter()
        .map(|spec| Chart {
            file_stem: spec.stem.to_owned(),
            title: format!(
                "{} (mean of {replications} replications, 95% band)",
                spec.title
            ),
            x_label: "week".to_owned(),
            markers: markers.to_vec(),
            panels: spec
                .panels
                .into_iter()
                .map(|panel| Panel {
                    title: panel.title.to_owned(),
                    y_label: panel.y_label.to_owned(),
                    lines: firm_names
                        .iter()
                        .enumerate()
                        .flat_map(|(firm, name)| {
                            let x = &x;
                            let count = panel.metrics.len();
                            panel
                                .metrics
                                .iter()
                                .enumerate()
                                .filter_map(move |(m, metric)| {
                                    let band = bands.series(firm, metric.column)?;
                                    let start = usize::from(FLOWS.contains(&metric.column));
                                    let band = band.get(start..).unwrap_or(&[]);
                                    // Each series of a panel has its own colour from the palette
                                    // (the dash repeats the distinction for greyscale prints).
                                    let colour = if count > 1 { firm * count + m } else { firm };
                                    let label = match (metric.label, firm_names.len()) {
                                        ("", _) => name.clone(),
                                        (label, 1) => label.to_owned(),
                                        (label, _) => format!("{name}: {label}"),
                                    };
                                    Some(Line {
                                        label,
                                        colour,
                                        dash: metric.dash,
                                        x: x.get(start..).unwrap_or(&[]).to_vec(),
                                        mean: band.iter().map(|e| e.mean).collect(),
                                        lo: band.iter().map(|e| e.lo).collect(),
                                        hi: band.iter().map(|e| e.hi).collect(),
                                    })
                                })
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

/// Writes every trajectory chart into `dir` (PNG and SVG each); returns the files written.
pub fn write_all(
    dir: &Path,
    bands: &Bands,
    firm_names: &[String],
    replications: u32,
    markers: &[Marker],
) -> Result<Vec<PathBuf>, ChartError> {
    let mut files = Vec::new();
    for chart in charts(bands, firm_names, replications, markers) {
        files.extend(write_chart(dir, &chart)?);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FirmTick;

    #[test]
    fn every_panel_metric_exists_and_has_a_line_per_firm() {
        let mut bands = Bands::new(2, 3);
        bands.add(&[FirmTick::default(); 6]);
        let names = vec!["a".to_owned(), "b".to_owned()];
        for chart in charts(&bands, &names, 1, &[]) {
            for panel in &chart.panels {
                assert!(!panel.lines.is_empty(), "{} has no lines", panel.title);
                assert_eq!(panel.lines.len() % 2, 0, "{}", panel.title);
                for line in &panel.lines {
                    // Flows start at week 1; states at week 0.
                    let flow = FLOWS.iter().any(|f| {
                        specs().iter().any(|c| {
                            c.panels.iter().any(|p| {
                                p.title == panel.title && p.metrics.iter().any(|m| m.column == *f)
                            })
                        })
                    });
                    let first = if flow { 1.0 } else { 0.0 };
                    assert_eq!(line.x.first(), Some(&first), "{}", panel.title);
                    assert_eq!(line.x.len(), 3 - first as usize, "{}", panel.title);
                }
                // Every series of a panel has its own colour.
                let mut colours: Vec<usize> = panel.lines.iter().map(|l| l.colour).collect();
                colours.sort_unstable();
                colours.dedup();
                assert_eq!(colours.len(), panel.lines.len(), "{}", panel.title);
            }
        }
    }
}
