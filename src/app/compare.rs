//! `cocreate compare A B`: two runs side by side. A and B are run output directories (or
//! scenario files, run on the spot into `OUT/a` and `OUT/b`). The statistics live in
//! [`crate::experiment::compare`]; this module reads the run directories, prints the table and
//! writes `compare.csv`, `scenario_diff.csv`, the charts, `report.html` and `manifest.json`.
//!
//! `cocreate run … --against BASELINE_DIR` calls [`compare_dirs`] after the run.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use serde_json::{Value, json};

use super::{AppError, check_output_dir};
use crate::cli::{CompareArgs, RunArgs, ScenarioArgs};
use crate::experiment::compare::{
    ArmOutcomes, OutcomeComparison, Pairing, band, band_difference, compare_outcomes, scenario_diff,
};
use crate::output::charts::{Chart, Dash, Line, Panel, write_chart};
use crate::output::csv::{number, write_table};
use crate::output::report::format_value;

/// Outcomes printed on the terminal (every outcome is in `compare.csv`).
const MAIN_OUTCOMES: [&str; 6] = [
    "net_value",
    "cocreated_value",
    "codestroyed_value",
    "final_loyalty",
    "monthly_churn",
    "profit",
];

/// Trajectories drawn: (column, short name, unit, is a weekly flow that starts at tick 1).
const TRAJECTORIES: [(&str, &str, &str, bool); 6] = [
    (
        "cocreated_value",
        "Co-created value",
        "value units per week",
        true,
    ),
    (
        "codestroyed_value",
        "Co-destroyed value",
        "value units per week",
        true,
    ),
    (
        "loyalty",
        "Loyalty",
        "mean over active customers (0-1)",
        false,
    ),
    (
        "satisfaction",
        "Satisfaction",
        "mean over active customers (0-1)",
        false,
    ),
    ("active_customers", "Active customers", "customers", false),
    ("profit", "Profit", "money units per week", true),
];

/// One run directory, read back.
struct RunDir {
    dir: PathBuf,
    manifest: Value,
    seeds: Vec<u64>,
    outcome_columns: Vec<String>,
    /// Per firm (in file order): name, outcome values, regime labels per replication.
    firms: Vec<(ArmOutcomes, Vec<String>)>,
    /// Per firm name, per drawn trajectory: replication × tick.
    trajectories: Vec<(String, Vec<Vec<Vec<f64>>>)>,
}

fn input_error(dir: &Path, what: impl std::fmt::Display) -> AppError {
    AppError::Input(format!("{}: {what}", dir.display()))
}

fn read_csv(path: &Path) -> Result<(Vec<String>, Vec<csv::StringRecord>), AppError> {
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| AppError::Input(format!("cannot read {}: {e}", path.display())))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| AppError::Input(format!("cannot read {}: {e}", path.display())))?
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AppError::Input(format!("cannot read {}: {e}", path.display())))?;
    Ok((header, rows))
}

fn cell_f64(record: &csv::StringRecord, index: usize) -> f64 {
    record
        .get(index)
        .and_then(|c| c.parse::<f64>().ok())
        .unwrap_or(f64::NAN)
}

impl RunDir {
    fn read(dir: &Path) -> Result<RunDir, AppError> {
        let manifest_path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&manifest_path).map_err(|e| {
            input_error(
                dir,
                format!("not a finished run directory (cannot read manifest.json: {e})"),
            )
        })?;
        let manifest: Value = serde_json::from_str(&text)
            .map_err(|e| input_error(dir, format!("manifest.json is not valid JSON: {e}")))?;
        if manifest["command"] != "run" {
            return Err(input_error(
                dir,
                format!(
                    "manifest.json is from `cocreate {}`, not `cocreate run`",
                    manifest["command"].as_str().unwrap_or("?")
                ),
            ));
        }
        let seeds: Vec<u64> = manifest["replication_seeds"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default();

        let (header, rows) = read_csv(&dir.join("summary.csv"))?;
        let firm_col = header.iter().position(|h| h == "firm");
        let regime_col = header.iter().position(|h| h == "regime");
        let (Some(firm_col), Some(regime_col)) = (firm_col, regime_col) else {
            return Err(input_error(
                dir,
                "summary.csv lacks the firm or regime column",
            ));
        };
        let outcome_columns: Vec<String> = header[firm_col + 1..regime_col].to_vec();
        let mut firms: Vec<(ArmOutcomes, Vec<String>)> = Vec::new();
        for row in &rows {
            let name = row.get(firm_col).unwrap_or("").to_owned();
            let index = match firms.iter().position(|(f, _)| f.firm == name) {
                Some(i) => i,
                None => {
                    firms.push((
                        ArmOutcomes {
                            firm: name,
                            values: vec![Vec::new(); outcome_columns.len()],
                        },
                        Vec::new(),
                    ));
                    firms.len() - 1
                }
            };
            let (arm, regimes) = &mut firms[index];
            for (k, values) in arm.values.iter_mut().enumerate() {
                values.push(cell_f64(row, firm_col + 1 + k));
            }
            regimes.push(row.get(regime_col).unwrap_or("").to_owned());
        }

        let (header, rows) = read_csv(&dir.join("timeseries.csv"))?;
        let column = |name: &str| header.iter().position(|h| h == name);
        let (Some(rep_col), Some(firm_col), Some(tick_col)) =
            (column("replication"), column("firm"), column("tick"))
        else {
            return Err(input_error(
                dir,
                "timeseries.csv lacks replication, firm or tick",
            ));
        };
        let metric_cols: Vec<Option<usize>> =
            TRAJECTORIES.iter().map(|(c, ..)| column(c)).collect();
        let mut trajectories: Vec<(String, Vec<Vec<Vec<f64>>>)> = Vec::new();
        for row in &rows {
            let name = row.get(firm_col).unwrap_or("").to_owned();
            let replication: usize = row.get(rep_col).and_then(|c| c.parse().ok()).unwrap_or(0);
            let tick: usize = row.get(tick_col).and_then(|c| c.parse().ok()).unwrap_or(0);
            let index = match trajectories.iter().position(|(n, _)| *n == name) {
                Some(i) => i,
                None => {
                    trajectories.push((name, vec![Vec::new(); TRAJECTORIES.len()]));
                    trajectories.len() - 1
                }
            };
            for (m, col) in metric_cols.iter().enumerate() {
                let reps = &mut trajectories[index].1[m];
                if reps.len() <= replication {
                    reps.resize(replication + 1, Vec::new());
                }
                let series = &mut reps[replication];
                if series.len() <= tick {
                    series.resize(tick + 1, f64::NAN);
                }
                series[tick] = col.map_or(f64::NAN, |c| cell_f64(row, c));
            }
        }
        Ok(RunDir {
            dir: dir.to_owned(),
            manifest,
            seeds,
            outcome_columns,
            firms,
            trajectories,
        })
    }

    /// When no firm name is shared but both runs have as many firms, the firms are matched by
    /// position: this run's firms take A's names ("A's name (B's name)").
    fn match_firms_by_position(&mut self, a: &RunDir) {
        let shared = self
            .firms
            .iter()
            .any(|(f, _)| a.firms.iter().any(|(g, _)| g.firm == f.firm));
        if shared || self.firms.len() != a.firms.len() {
            return;
        }
        for (k, (arm, _)) in self.firms.iter_mut().enumerate() {
            arm.firm = a.firms[k].0.firm.clone();
        }
        for (k, (name, _)) in self.trajectories.iter_mut().enumerate() {
            if let Some((arm, _)) = a.firms.get(k) {
                *name = arm.firm.clone();
            }
        }
    }

    fn name(&self) -> String {
        self.manifest["scenario"]["name"]
            .as_str()
            .map_or_else(|| self.dir.display().to_string(), str::to_owned)
    }
}

/// What a comparison reports back.
pub struct CompareOutcome {
    pub out_dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub report: String,
    pub pairing: Pairing,
    pub comparisons: Vec<OutcomeComparison>,
}

/// `cocreate compare A B`.
pub fn compare(args: &CompareArgs) -> Result<CompareOutcome, AppError> {
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output/compare"));
    check_output_dir(&out_dir)?;
    let a = arm_dir(&args.a, &out_dir.join("a"), args)?;
    let b = arm_dir(&args.b, &out_dir.join("b"), args)?;
    compare_dirs(&a, &b, &out_dir)
}

/// A run directory for an argument: the directory itself, or a scenario file run into `into`.
fn arm_dir(path: &Path, into: &Path, args: &CompareArgs) -> Result<PathBuf, AppError> {
    if path.is_dir() {
        return Ok(path.to_owned());
    }
    if !path.exists() {
        return Err(AppError::Input(format!(
            "{}: no such run directory or scenario file",
            path.display()
        )));
    }
    let run_args = RunArgs {
        scenario: Some(path.to_owned()),
        out: Some(into.to_owned()),
        size: args.size,
        scenario_args: ScenarioArgs::default(),
        quiet: true,
        no_customers: true,
        against: None,
        // DIR/a and DIR/b are compare's own working directories: a new comparison replaces
        // the runs of the last one.
        force: true,
    };
    Ok(super::run(&run_args)?.out_dir)
}

/// Writes `compare.csv`: per firm and outcome, A, B and B − A with their 95% intervals.
fn write_compare_csv(
    path: &Path,
    comparisons: &[OutcomeComparison],
    pairing: Pairing,
) -> std::io::Result<()> {
    let rows = comparisons.iter().map(|c| {
        vec![
            c.firm.clone(),
            c.outcome.clone(),
            number(c.a.mean),
            number(c.a.lo),
            number(c.a.hi),
            number(c.b.mean),
            number(c.b.lo),
            number(c.b.hi),
            number(c.difference.mean),
            number(c.difference.lo),
            number(c.difference.hi),
            pairing.as_str().to_owned(),
        ]
    });
    write_table(
        path,
        &[
            "firm",
            "outcome",
            "a_mean",
            "a_lo",
            "a_hi",
            "b_mean",
            "b_lo",
            "b_hi",
            "diff_mean",
            "diff_lo",
            "diff_hi",
            "method",
        ],
        rows,
    )
}

/// Per firm of A, how many replications of A and of B ended in each regime (for the manifest).
fn regime_counts(a: &RunDir, b: &RunDir) -> Vec<Value> {
    a
        .firms
        .iter()
        .map(|(arm, regimes_a)| {
            let regimes_b = b
                .firms
                .iter()
                .find(|(f, _)| f.firm == arm.firm)
                .map(|(_, r)| r.clone())
                .unwrap_or_default();
            let count = |list: &[String], name: &str| list.iter().filter(|r| *r == name).count();
            json!({
                "firm": arm.firm,
                "a": {"virtuous": count(regimes_a, "virtuous"), "contested": count(regimes_a, "contested"), "spiral": count(regimes_a, "spiral")},
                "b": {"virtuous": count(&regimes_b, "virtuous"), "contested": count(&regimes_b, "contested"), "spiral": count(&regimes_b, "spiral")},
            })
        })
        .collect()
}

/// Compares two finished run directories and writes the comparison into `out_dir`.
pub fn compare_dirs(
    a_dir: &Path,
    b_dir: &Path,
    out_dir: &Path,
) -> Result<CompareOutcome, AppError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let a = RunDir::read(a_dir)?;
    let mut b = RunDir::read(b_dir)?;
    b.match_firms_by_position(&a);
    if a.outcome_columns != b.outcome_columns {
        return Err(AppError::Input(format!(
            "{} and {} have different summary.csv columns (different versions?)",
            a_dir.display(),
            b_dir.display()
        )));
    }
    let pairing = Pairing::of(&a.seeds, &b.seeds);
    let arms_a: Vec<ArmOutcomes> = a.firms.iter().map(|(f, _)| f.clone()).collect();
    let arms_b: Vec<ArmOutcomes> = b.firms.iter().map(|(f, _)| f.clone()).collect();
    let comparisons = compare_outcomes(&a.outcome_columns, &arms_a, &arms_b, pairing);
    if comparisons.is_empty() {
        return Err(AppError::Input(format!(
            "{} and {} have no firm in common",
            a_dir.display(),
            b_dir.display()
        )));
    }
    let diff = scenario_diff(&a.manifest["scenario"], &b.manifest["scenario"]);

    std::fs::create_dir_all(out_dir).map_err(AppError::write(out_dir))?;
    let mut files = Vec::new();
    let path = out_dir.join("compare.csv");
    write_compare_csv(&path, &comparisons, pairing).map_err(AppError::write(&path))?;
    files.push(path);
    let path = out_dir.join("scenario_diff.csv");
    let rows = diff.iter().map(|d| {
        vec![
            d.key.clone(),
            d.a.clone().unwrap_or_default(),
            d.b.clone().unwrap_or_default(),
        ]
    });
    write_table(&path, &["key", "a", "b"], rows).map_err(AppError::write(&path))?;
    files.push(path);
    files.extend(write_charts(&out_dir.join("charts"), &a, &b, pairing)?);

    let regimes = regime_counts(&a, &b);
    let relative: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(out_dir).unwrap_or(f).display().to_string())
        .collect();
    let manifest = json!({
        "program": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "command": "compare",
        "command_line": std::env::args().collect::<Vec<_>>(),
        "a": {"dir": a.dir.display().to_string(), "name": a.name(), "replication_seeds": a.seeds, "scenario_toml": a.manifest["scenario_toml"], "scenario_sha256": a.manifest["scenario_sha256"]},
        "b": {"dir": b.dir.display().to_string(), "name": b.name(), "replication_seeds": b.seeds, "scenario_toml": b.manifest["scenario_toml"], "scenario_sha256": b.manifest["scenario_sha256"]},
        "pairing": pairing.as_str(),
        "regimes": regimes,
        "started": crate::output::manifest::rfc3339(started),
        "wall_seconds": clock.elapsed().as_secs_f64(),
        "files": relative,
        "completed": true,
    });
    files.extend(super::write_report_and_manifest(out_dir, manifest)?);
    Ok(CompareOutcome {
        report: table(&a, &b, pairing, &comparisons, diff.len()),
        out_dir: out_dir.to_owned(),
        files,
        pairing,
        comparisons,
    })
}

/// A note on how the intervals were computed, in words.
pub fn pairing_note(pairing: Pairing, replications: usize) -> String {
    match pairing {
        Pairing::Paired => format!(
            "paired: both runs used the same {replications} replication seeds (common random \
             numbers), so each interval is the 95% Student-t interval of the per-replication \
             differences B - A"
        ),
        Pairing::Welch => "unpaired: the runs used different replication seeds, so each \
             interval is Welch's 95% interval for independent samples (wider than a paired \
             one would be; rerun both with the same --seed and --replications to pair them)"
            .to_owned(),
    }
}

fn table(
    a: &RunDir,
    b: &RunDir,
    pairing: Pairing,
    comparisons: &[OutcomeComparison],
    differing_keys: usize,
) -> String {
    let mut out = format!(
        "A = {} ({})\nB = {} ({})\n{}\n{} scenario key{} (see scenario_diff.csv)\n",
        a.name(),
        a.dir.display(),
        b.name(),
        b.dir.display(),
        pairing_note(pairing, a.seeds.len()),
        differing_keys,
        if differing_keys == 1 {
            " differs"
        } else {
            "s differ"
        }
    );
    let mut main: Vec<&OutcomeComparison> = comparisons
        .iter()
        .filter(|c| MAIN_OUTCOMES.contains(&c.outcome.as_str()))
        .collect();
    // Firms in A's order, outcomes in the order of MAIN_OUTCOMES.
    main.sort_by_key(|c| {
        (
            comparisons.iter().position(|x| x.firm == c.firm),
            MAIN_OUTCOMES.iter().position(|o| *o == c.outcome),
        )
    });
    let mut firm = "";
    for c in main {
        if c.firm != firm {
            firm = &c.firm;
            let _ = writeln!(
                out,
                "firm {firm}\n  {:<20}{:>11}{:>11}{:>11}  {:<24}",
                "outcome", "A", "B", "B - A", "95% interval"
            );
        }
        let mark = if c.difference.excludes_zero() {
            " *"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {:<20}{:>11}{:>11}{:>11}  [{}, {}]{mark}",
            c.outcome,
            format_value(c.a.mean),
            format_value(c.b.mean),
            format_value(c.difference.mean),
            format_value(c.difference.lo),
            format_value(c.difference.hi)
        );
    }
    out.push_str("(* the interval excludes 0)\n");
    out
}

/// Per firm: both runs' trajectories with bands, and B − A with its band.
fn write_charts(
    dir: &Path,
    a: &RunDir,
    b: &RunDir,
    pairing: Pairing,
) -> Result<Vec<PathBuf>, AppError> {
    let mut files = Vec::new();
    for (index, (firm, traj_a)) in a.trajectories.iter().enumerate() {
        let Some((_, traj_b)) = b.trajectories.iter().find(|(n, _)| n == firm) else {
            continue;
        };
        let mut runs = Vec::new();
        let mut diffs = Vec::new();
        for (m, (_, title, unit, flow)) in TRAJECTORIES.iter().enumerate() {
            let start = usize::from(*flow);
            let skip = |reps: &[Vec<f64>]| -> Vec<Vec<f64>> {
                reps.iter()
                    .map(|r| r.get(start..).unwrap_or(&[]).to_vec())
                    .collect()
            };
            let (ra, rb) = (skip(&traj_a[m]), skip(&traj_b[m]));
            let line = |label: &str, colour: usize, estimates: Vec<(f64, f64, f64)>| Line {
                label: label.to_owned(),
                colour,
                dash: Dash::Solid,
                x: (0..estimates.len()).map(|t| (t + start) as f64).collect(),
                mean: estimates.iter().map(|e| e.0).collect(),
                lo: estimates.iter().map(|e| e.1).collect(),
                hi: estimates.iter().map(|e| e.2).collect(),
            };
            let ea: Vec<_> = band(&ra).iter().map(|e| (e.mean, e.lo, e.hi)).collect();
            let eb: Vec<_> = band(&rb).iter().map(|e| (e.mean, e.lo, e.hi)).collect();
            runs.push(Panel {
                title: (*title).to_owned(),
                y_label: (*unit).to_owned(),
                lines: vec![line("A", 0, ea), line("B", 1, eb)],
            });
            let ed: Vec<_> = band_difference(&ra, &rb, pairing)
                .iter()
                .map(|d| (d.mean, d.lo, d.hi))
                .collect();
            diffs.push(Panel {
                title: format!("{title}: B - A"),
                y_label: (*unit).to_owned(),
                lines: vec![line("B - A", 2, ed)],
            });
        }
        let suffix = if a.trajectories.len() > 1 {
            format!("_{index}")
        } else {
            String::new()
        };
        let chart = Chart {
            file_stem: format!("compare_runs{suffix}"),
            title: format!(
                "{firm}: A ({}) and B ({}), mean and 95% band",
                a.name(),
                b.name()
            ),
            x_label: "week".to_owned(),
            panels: runs,
            markers: Vec::new(),
        };
        files.extend(write_chart(dir, &chart)?);
        let chart = Chart {
            file_stem: format!("compare_difference{suffix}"),
            title: format!(
                "{firm}: B - A per week, with its {} 95% band",
                if pairing == Pairing::Paired {
                    "paired"
                } else {
                    "Welch"
                }
            ),
            x_label: "week".to_owned(),
            panels: diffs,
            markers: Vec::new(),
        };
        files.extend(write_chart(dir, &chart)?);
    }
    Ok(files)
}
