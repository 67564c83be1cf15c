//! Outputs of `cocreate validate`: `validation.md` (the table of patterns and the factor
//! table, as Markdown; also what the command prints), `validation.csv` (the same rows, machine
//! readable) and the validation's `manifest.json`. Charts are in
//! [`super::validation_charts`].
//!
//! `validation.csv` has one row per checked criterion of a pattern (`kind` = `pattern`) and
//! one per factor of Zhang et al. (2018) (`kind` = `factor`, `number` = 2). Columns:
//! `kind, number, name, source, expected, observed, estimate, lo, hi, n, pass, direction,
//! parameter, low, high, inverted`. `estimate`, `lo` and `hi` are the estimate and its 95%
//! interval (empty when the criterion has no single number); for a factor they are the effect
//! on net value of more of the factor (high minus low of the parameter, negated when
//! `inverted`, i.e. when a lower parameter value means more of the factor). `pass` is `true`
//! or `false`. `recovery.csv` and `hysteresis.csv` hold the data of the recovery-paradox and
//! hysteresis charts ([`RECOVERY_COLUMNS`], [`HYSTERESIS_COLUMNS`]).

use std::fmt::Write as _;
use std::io;
use std::path::Path;
use std::time::SystemTime;

use serde_json::{Value, json};

use super::csv::{number, write_table};
use super::manifest::{rfc3339, sha256_hex};
use crate::experiment::stats::Estimate;
use crate::io::atomic::write_bytes_atomic;
use crate::validation::{
    Batch, FactorEffect, HysteresisLoop, PatternResult, RecoveryComparison, Report, Settings,
    format_estimate,
};

/// Columns of `validation.csv`.
pub const CSV_COLUMNS: [&str; 16] = [
    "kind",
    "number",
    "name",
    "source",
    "expected",
    "observed",
    "estimate",
    "lo",
    "hi",
    "n",
    "pass",
    "direction",
    "parameter",
    "low",
    "high",
    "inverted",
];

/// A Markdown table cell: pipes escaped, line breaks flattened.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn verdict(pass: bool) -> &'static str {
    if pass { "pass" } else { "FAIL" }
}

/// The table of patterns as Markdown.
pub fn patterns_table(patterns: &[PatternResult]) -> String {
    let mut out = String::from(
        "| # | pattern | source | expected | observed (95% interval) | result |\n\
         |---|---|---|---|---|---|\n",
    );
    for p in patterns {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            p.number,
            cell(&p.name),
            cell(&p.source),
            cell(&p.expected),
            cell(&p.observed),
            verdict(p.pass)
        );
    }
    out
}

/// The factor table as Markdown: the effect of more of each factor on net value.
pub fn factors_table(factors: &[FactorEffect]) -> String {
    let mut out = String::from(
        "| factor (paper) | direction | parameter (low → high) | effect of more of the factor on net value (95% interval) | result |\n\
         |---|---|---|---|---|\n",
    );
    for f in factors {
        let note = if f.inverted {
            " (lower = more of the factor)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| {} | {} | `{}` {} → {}{} | {} | {} |",
            cell(&f.factor),
            f.paper_direction,
            f.path,
            number(f.low),
            number(f.high),
            note,
            format_estimate(&f.factor_effect()),
            verdict(f.pass)
        );
    }
    out
}

/// What the command prints: the verdict, the table of patterns and the factor table.
pub fn terminal(report: &Report, settings: &Settings) -> String {
    let mut out = format!("{}\n\n", headline(report, settings));
    out.push_str(&patterns_table(&report.patterns));
    if !report.factors.is_empty() {
        out.push_str("\nFactors of Zhang et al. (2018), pattern 2:\n\n");
        out.push_str(&factors_table(&report.factors));
    }
    out
}

fn headline(report: &Report, settings: &Settings) -> String {
    let failed = report.failed();
    let verdict = if failed.is_empty() {
        "all patterns hold".to_owned()
    } else {
        let numbers: Vec<String> = failed.iter().map(u8::to_string).collect();
        format!("patterns failing: {}", numbers.join(", "))
    };
    format!(
        "cocreate {} validation ({} mode): {verdict}",
        env!("CARGO_PKG_VERSION"),
        settings.mode()
    )
}

/// `validation.md`.
pub fn markdown(report: &Report, settings: &Settings) -> String {
    let mut out = format!("# {}\n\n", headline(report, settings));
    out.push_str(
        "Each pattern of the model specification (section 7) checked against its source. \
         Intervals are 95% intervals over replications (Student t; Wilson for shares of \
         replications). The criteria are the same in quick and full mode; quick mode only \
         runs smaller samples: fewer replications and smaller populations, and for the factor \
         table a smaller population observed for longer (sized by a power calculation).\n\n",
    );
    out.push_str(&patterns_table(&report.patterns));
    if !report.factors.is_empty() {
        out.push_str(
            "\n## Factors of Zhang et al. (2018) (pattern 2)\n\n\
             Each parameter at a low and a high value on the baseline, paired by replication \
             (common random numbers). The effect is the difference in net value (co-created \
             minus co-destroyed) between more and less of the factor; it must be positive for \
             co-creation factors and negative for co-destruction factors, with the 95% \
             interval excluding zero. Chart: `charts/factor_effects.png`.\n\n",
        );
        out.push_str(&factors_table(&report.factors));
    }
    if report.recovery.is_some() {
        out.push_str("\nRecovery paradox (pattern 5): `charts/recovery_paradox.png`.\n");
    }
    if report.hysteresis.is_some() {
        out.push_str("\nHysteresis (pattern 7): `charts/hysteresis.png`.\n");
    }
    out
}

fn estimate_cells(e: Option<&Estimate>) -> [String; 4] {
    match e {
        Some(e) => [number(e.mean), number(e.lo), number(e.hi), e.n.to_string()],
        None => Default::default(),
    }
}

/// Rows of `validation.csv` (without the header).
pub fn csv_rows(report: &Report) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for p in &report.patterns {
        let [estimate, lo, hi, n] = estimate_cells(p.estimate.as_ref());
        let mut row = vec![
            "pattern".to_owned(),
            p.number.to_string(),
            p.name.clone(),
            p.source.clone(),
            p.expected.clone(),
            p.observed.clone(),
            estimate,
            lo,
            hi,
            n,
            p.pass.to_string(),
        ];
        row.resize(CSV_COLUMNS.len(), String::new());
        rows.push(row);
    }
    for f in &report.factors {
        let effect = f.factor_effect();
        let [estimate, lo, hi, n] = estimate_cells(Some(&effect));
        let sign = if f.expected_positive() { "> 0" } else { "< 0" };
        rows.push(vec![
            "factor".to_owned(),
            "2".to_owned(),
            f.factor.clone(),
            crate::validation::factors::SOURCE.to_owned(),
            format!(
                "{}: effect of more of the factor on net value {sign}, 95% interval excluding 0",
                f.paper_direction
            ),
            format_estimate(&effect),
            estimate,
            lo,
            hi,
            n,
            f.pass.to_string(),
            f.paper_direction.to_string(),
            f.path.clone(),
            number(f.low),
            number(f.high),
            f.inverted.to_string(),
        ]);
    }
    rows
}

/// Writes `validation.csv` atomically.
pub fn write_csv(path: &Path, report: &Report) -> io::Result<()> {
    write_table(path, &CSV_COLUMNS, csv_rows(report))
}

/// Columns of `recovery.csv`: the recovery-paradox comparison behind its chart. One row per
/// arm and week relative to the first failure; `satisfaction_difference` is the arm's
/// satisfaction minus the same customers' in the no-failure arm, mean over replications, with
/// its 95% interval (`lo`, `hi`) and the number of replications `n`.
pub const RECOVERY_COLUMNS: [&str; 6] = ["arm", "week", "satisfaction_difference", "lo", "hi", "n"];

/// Columns of `hysteresis.csv`: the loop behind its chart. One row per week of a ramp: `path`
/// (`down` or `up`), the `policy` value in effect, and the `state` (mean over replications)
/// with its 95% interval and `n`.
pub const HYSTERESIS_COLUMNS: [&str; 6] = ["path", "policy", "state", "lo", "hi", "n"];

/// Writes `recovery.csv` atomically.
pub fn write_recovery_csv(path: &Path, comparison: &RecoveryComparison) -> io::Result<()> {
    let rows = comparison.arms.iter().flat_map(|arm| {
        arm.weeks.iter().zip(&arm.satisfaction).map(|(week, e)| {
            let mut row = vec![arm.name.clone(), week.to_string()];
            row.extend(estimate_cells(Some(e)));
            row
        })
    });
    write_table(path, &RECOVERY_COLUMNS, rows)
}

/// Writes `hysteresis.csv` atomically.
pub fn write_hysteresis_csv(path: &Path, hysteresis: &HysteresisLoop) -> io::Result<()> {
    let paths = [("down", &hysteresis.down), ("up", &hysteresis.up)];
    let rows = paths.into_iter().flat_map(|(name, points)| {
        points.iter().map(move |(policy, e)| {
            let mut row = vec![name.to_owned(), number(*policy)];
            row.extend(estimate_cells(Some(e)));
            row
        })
    });
    write_table(path, &HYSTERESIS_COLUMNS, rows)
}

/// Writes `validation.md` atomically.
pub fn write_markdown(path: &Path, report: &Report, settings: &Settings) -> io::Result<()> {
    write_bytes_atomic(path, markdown(report, settings).as_bytes())
}

/// What the validation's manifest records.
pub struct ValidationRecord<'a> {
    pub settings: &'a Settings,
    /// Every batch the battery ran.
    pub batches: &'a [Batch],
    pub report: &'a Report,
    pub started: SystemTime,
    pub wall_seconds: f64,
    /// Files written, relative to the output directory.
    pub files: &'a [String],
}

/// The manifest as JSON: program, version, mode, the embedded scenarios with their SHA-256,
/// every batch (scenario and overrides; replication seeds follow from the scenario's seed),
/// the verdict, threads and times.
pub fn manifest(record: &ValidationRecord) -> Value {
    let mut scenarios = serde_json::Map::new();
    for batch in record.batches {
        scenarios
            .entry(batch.scenario.path.to_owned())
            .or_insert_with(|| json!(sha256_hex(batch.scenario.text.as_bytes())));
    }
    let batches: Vec<Value> = record
        .batches
        .iter()
        .map(|b| json!({ "scenario": b.scenario.path, "overrides": b.overrides }))
        .collect();
    let failed = record.report.failed();
    json!({
        "program": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "command": "validate",
        "command_line": std::env::args().collect::<Vec<String>>(),
        "mode": record.settings.mode(),
        "scenario_sha256": scenarios,
        "batches": batches,
        "passed": failed.is_empty(),
        "failed_patterns": failed,
        "threads": rayon::current_num_threads(),
        "started": rfc3339(record.started),
        "wall_seconds": record.wall_seconds,
        "files": record.files,
        "completed": true,
    })
}

/// Writes `manifest.json` atomically (last, so its presence means the other files are
/// complete).
pub fn write_manifest(path: &Path, record: &ValidationRecord) -> io::Result<()> {
    let text = serde_json::to_string_pretty(&manifest(record)).map_err(io::Error::other)?;
    write_bytes_atomic(path, format!("{text}\n").as_bytes())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::validation::{Direction, RecoveryArm, RecoveryComparison};

    pub(crate) fn estimate(mean: f64, half: f64) -> Estimate {
        Estimate {
            n: 8,
            mean,
            sd: half,
            lo: mean - half,
            hi: mean + half,
        }
    }

    /// A report with synthetic numbers: two pattern rows (one failing), two factors (one
    /// inverted) and a recovery comparison.
    pub(crate) fn synthetic() -> Report {
        let row = |number: u8, pass: bool, estimate: Option<Estimate>| PatternResult {
            number,
            name: format!("pattern | {number}"),
            source: "Someone (2001)".to_owned(),
            expected: "within [2, 4]".to_owned(),
            observed: estimate.map_or("3/3".to_owned(), |e| format_estimate(&e)),
            estimate,
            pass,
        };
        Report {
            patterns: vec![row(2, true, None), row(3, false, Some(estimate(4.5, 0.25)))],
            factors: vec![
                FactorEffect {
                    factor: "delight".to_owned(),
                    paper_direction: Direction::CoCreation,
                    path: "firms.0.policy.surprise_delight".to_owned(),
                    low: 0.0,
                    high: 0.5,
                    inverted: false,
                    effect: estimate(1200.0, 300.0),
                    pass: true,
                },
                FactorEffect {
                    factor: "technological failure".to_owned(),
                    paper_direction: Direction::CoDestruction,
                    path: "firms.0.policy.tech_reliability".to_owned(),
                    low: 0.8,
                    high: 0.99,
                    inverted: true,
                    effect: estimate(5000.0, 400.0),
                    pass: true,
                },
            ],
            recovery: Some(RecoveryComparison {
                arms: vec![RecoveryArm {
                    name: "no failure".to_owned(),
                    weeks: vec![-1, 0, 1],
                    satisfaction: vec![estimate(0.7, 0.01); 3],
                }],
                failure_weeks: vec![0],
            }),
            hysteresis: None,
        }
    }

    #[test]
    fn markdown_lists_patterns_and_factors() {
        let report = synthetic();
        let text = markdown(&report, &Settings::QUICK);
        assert!(text.starts_with("# cocreate"), "{text}");
        assert!(text.contains("quick mode"));
        assert!(text.contains("patterns failing: 3"));
        assert!(text.contains(
            "| 3 | pattern \\| 3 | Someone (2001) | within [2, 4] | 4.50 [4.25, 4.75] | FAIL |"
        ));
        assert!(text.contains("| delight | co-creation | `firms.0.policy.surprise_delight` 0 → 0.5 | 1200 [900, 1500] | pass |"));
        // The inverted factor is shown as the effect of more failure: negative.
        assert!(text.contains("(lower = more of the factor) | -5000 [-5400, -4600] | pass |"));
        assert!(text.contains("recovery_paradox.png"));
        assert!(!text.contains("hysteresis.png"));
        let printed = terminal(&report, &Settings::FULL);
        assert!(printed.contains("full mode"));
        assert!(printed.contains("technological failure"));
    }

    #[test]
    fn csv_has_a_row_per_criterion_and_factor() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("validation.csv");
        write_csv(&path, &synthetic()).unwrap();
        let mut reader = ::csv::Reader::from_path(&path).unwrap();
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(header, CSV_COLUMNS);
        let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 4);
        assert_eq!(&rows[0][0], "pattern");
        assert_eq!(&rows[0][6], "");
        assert_eq!(&rows[1][10], "false");
        assert_eq!(&rows[1][6], "4.5");
        assert_eq!(&rows[3][0], "factor");
        assert_eq!(&rows[3][6], "-5000");
        assert_eq!(&rows[3][7], "-5400");
        assert_eq!(&rows[3][12], "firms.0.policy.tech_reliability");
        assert_eq!(&rows[3][15], "true");
    }

    #[test]
    fn manifest_records_mode_batches_and_verdict() {
        let report = synthetic();
        let settings = Settings::QUICK;
        let batches = crate::validation::batches(&settings);
        let files = vec!["validation.md".to_owned()];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.json");
        let record = ValidationRecord {
            settings: &settings,
            batches: &batches,
            report: &report,
            started: SystemTime::UNIX_EPOCH,
            wall_seconds: 1.5,
            files: &files,
        };
        write_manifest(&path, &record).unwrap();
        let value: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(value["mode"], "quick");
        assert_eq!(value["passed"], false);
        assert_eq!(value["failed_patterns"], json!([3]));
        assert_eq!(value["completed"], true);
        assert_eq!(value["batches"].as_array().unwrap().len(), batches.len());
        assert_eq!(
            value["scenario_sha256"]["scenarios/baseline.toml"],
            sha256_hex(crate::scenario::BASELINE_TOML.as_bytes())
        );
    }
}
