//! CSV outputs of a sweep: `runs.csv`, `points.csv`, `bands.csv` and (variants) `contrasts.csv`.
//! Written from the aggregated results in run and point order, so a merged sweep and an
//! unsharded one produce the same bytes.

use std::io;
use std::path::Path;

use super::csv::{number, write_table};
use crate::experiment::FirmSummary;
use crate::experiment::Regime;
use crate::experiment::bands::Bands;
use crate::experiment::sweep::{Plan, SweepResults};
use crate::io::atomic::AtomicFile;
use crate::scenario::DesignKind;

fn csv_error(error: csv::Error) -> io::Error {
    io::Error::other(error)
}

/// Column(s) that describe a design point: the factor values, or the variant's name.
fn point_header(plan: &Plan) -> Vec<String> {
    match plan.design.kind {
        DesignKind::Variants => vec!["variant".to_owned()],
        _ => plan.design.factors.clone(),
    }
}

fn point_cells(plan: &Plan, point: usize) -> Vec<String> {
    let design_point = &plan.design.points.at(point);
    match plan.design.kind {
        DesignKind::Variants => vec![design_point.label.clone()],
        _ => design_point.values.iter().map(|&v| number(v)).collect(),
    }
}

/// `runs.csv`: one row per (run, firm).
pub fn write_runs(path: &Path, plan: &Plan, results: &SweepResults) -> io::Result<()> {
    let names = plan.scenario.firm_names();
    let mut header: Vec<String> = ["run", "point", "replication", "seed", "firm"]
        .map(String::from)
        .to_vec();
    header.extend(point_header(plan));
    header.extend(FirmSummary::COLUMNS.map(String::from));
    header.push("regime".to_owned());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows = results.rows.iter().map(|row| {
        let mut cells = vec![
            row.run.run.to_string(),
            row.run.point.to_string(),
            row.run.replication.to_string(),
            row.seed.to_string(),
            names[row.firm].clone(),
        ];
        cells.extend(point_cells(plan, row.run.point));
        cells.extend(row.outcomes.iter().map(|&v| number(v)));
        cells.push(row.regime.to_string());
        cells
    });
    write_table(path, &header, rows)
}

/// `points.csv`: one row per (point, firm): each outcome's mean, standard deviation and 95%
/// interval, and the share of runs in each regime.
pub fn write_points(path: &Path, plan: &Plan, results: &SweepResults) -> io::Result<()> {
    let names = plan.scenario.firm_names();
    let mut header: Vec<String> = ["point", "firm"].map(String::from).to_vec();
    header.extend(point_header(plan));
    header.push("runs".to_owned());
    for outcome in FirmSummary::COLUMNS {
        for stat in ["mean", "sd", "lo", "hi"] {
            header.push(format!("{outcome}_{stat}"));
        }
    }
    for regime in Regime::ALL {
        header.push(format!("share_{regime}"));
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows = results.points.iter().map(|stats| {
        let mut cells = vec![stats.point.to_string(), names[stats.firm].clone()];
        cells.extend(point_cells(plan, stats.point));
        cells.push(stats.outcomes.first().map_or(0, |e| e.n).to_string());
        for estimate in &stats.outcomes {
            cells.extend([estimate.mean, estimate.sd, estimate.lo, estimate.hi].map(number));
        }
        cells.extend(stats.regime_shares.map(number));
        cells
    });
    write_table(path, &header, rows)
}

/// `contrasts.csv`: every variant minus the first, paired by replication.
pub fn write_contrasts(path: &Path, plan: &Plan, results: &SweepResults) -> io::Result<()> {
    let names = plan.scenario.firm_names();
    let reference = plan.design.reference_label();
    let header = [
        "variant",
        "reference",
        "firm",
        "outcome",
        "pairs",
        "mean_difference",
        "sd",
        "lo",
        "hi",
    ];
    let rows = results.contrasts.iter().map(|c| {
        let d = &c.difference;
        vec![
            plan.design.points.at(c.point).label.clone(),
            reference.to_owned(),
            names[c.firm].clone(),
            c.outcome.to_owned(),
            d.n.to_string(),
            number(d.mean),
            number(d.sd),
            number(d.lo),
            number(d.hi),
        ]
    });
    write_table(path, &header, rows)
}

/// `bands.csv`, streamed: open it, add each point's bands as they come, then commit.
pub struct BandsWriter {
    file: AtomicFile,
    firm_names: Vec<String>,
}

impl BandsWriter {
    pub fn create(
        path: &Path,
        firm_names: Vec<String>,
        metrics: &[&str],
    ) -> io::Result<BandsWriter> {
        let mut file = AtomicFile::create(path)?;
        let mut header = vec!["point".to_owned(), "firm".to_owned(), "tick".to_owned()];
        for metric in metrics {
            for stat in ["mean", "lo", "hi"] {
                header.push(format!("{metric}_{stat}"));
            }
        }
        let mut writer = csv::Writer::from_writer(file.writer());
        writer.write_record(&header).map_err(csv_error)?;
        writer.flush()?;
        drop(writer);
        Ok(BandsWriter { file, firm_names })
    }

    pub fn add(&mut self, point: usize, bands: &Bands) -> io::Result<()> {
        let columns: Vec<Vec<_>> = (0..bands.firms())
            .map(|firm| {
                bands
                    .metrics()
                    .iter()
                    .map(|m| bands.series(firm, m).unwrap_or_default())
                    .collect()
            })
            .collect();
        let mut writer = csv::Writer::from_writer(self.file.writer());
        for (firm, metrics) in columns.iter().enumerate() {
            for tick in 0..bands.ticks() {
                let mut row = vec![
                    point.to_string(),
                    self.firm_names[firm].clone(),
                    tick.to_string(),
                ];
                for series in metrics {
                    let e = &series[tick];
                    row.extend([e.mean, e.lo, e.hi].map(number));
                }
                writer.write_record(&row).map_err(csv_error)?;
            }
        }
        writer.flush()
    }

    pub fn commit(self) -> io::Result<()> {
        self.file.commit()
    }
}
