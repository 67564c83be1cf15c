//! `cocreate validate`: run the battery of patterns (see [`crate::validation`]) and write
//! validation.md, validation.csv, the charts and manifest.json.

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use super::progress::{Bar, bar};
use super::{AppError, check_output_dir};
use crate::cli::ValidateArgs;
use crate::output::{validation, validation_charts};
use crate::validation::{Report, Settings, batches, run_battery, total_ticks};

/// Default output directory.
pub const DEFAULT_OUT: &str = "output/validation";

/// What a finished validation reports back.
pub struct ValidateOutcome {
    pub out_dir: PathBuf,
    pub files: Vec<PathBuf>,
    /// The table to print.
    pub table: String,
    pub report: Report,
}

impl ValidateOutcome {
    /// `Ok` if every pattern holds, else the error naming the failing patterns (exit code 1).
    pub fn verdict(&self) -> Result<(), AppError> {
        let failed = self.report.failed();
        if failed.is_empty() {
            return Ok(());
        }
        let numbers: Vec<String> = failed.iter().map(u8::to_string).collect();
        Err(AppError::PatternsFailed(format!(
            "validation failed: pattern{} {} (see {})",
            if failed.len() == 1 { "" } else { "s" },
            numbers.join(", "),
            self.out_dir.join("validation.md").display()
        )))
    }
}

/// Runs the battery and writes its outputs. A failed pattern is not an error here (the outputs
/// are written either way); see [`ValidateOutcome::verdict`].
pub fn validate(args: &ValidateArgs) -> Result<ValidateOutcome, AppError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let settings = Settings {
        quick: args.quick,
        seed: args.seed,
    };
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_OUT));
    check_output_dir(&out_dir)?;

    let progress = Bar(bar(total_ticks(&settings)?, "weeks", args.quiet));
    let report = run_battery(&settings, &progress)?;
    progress.0.finish_and_clear();

    let files = write_outputs(&out_dir, &settings, &report, started, clock)?;
    Ok(ValidateOutcome {
        table: validation::terminal(&report, &settings),
        out_dir,
        files,
        report,
    })
}

fn write_outputs(
    out_dir: &Path,
    settings: &Settings,
    report: &Report,
    started: SystemTime,
    clock: Instant,
) -> Result<Vec<PathBuf>, AppError> {
    // One writer, and no old manifest vouching for files being replaced.
    let _lock = super::outdir::claim(out_dir, "validate", &["charts"], || Ok(()))?;
    let mut files = Vec::new();
    let path = out_dir.join("validation.md");
    validation::write_markdown(&path, report, settings).map_err(AppError::write(&path))?;
    files.push(path);
    let path = out_dir.join("validation.csv");
    validation::write_csv(&path, report).map_err(AppError::write(&path))?;
    files.push(path);
    if let Some(recovery) = &report.recovery {
        let path = out_dir.join("recovery.csv");
        validation::write_recovery_csv(&path, recovery).map_err(AppError::write(&path))?;
        files.push(path);
    }
    if let Some(hysteresis) = &report.hysteresis {
        let path = out_dir.join("hysteresis.csv");
        validation::write_hysteresis_csv(&path, hysteresis).map_err(AppError::write(&path))?;
        files.push(path);
    }
    files.extend(validation_charts::write_all(
        &out_dir.join("charts"),
        report,
    )?);

    let relative: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(out_dir).unwrap_or(f).display().to_string())
        .collect();
    let batches = batches(settings);
    let record = validation::ValidationRecord {
        settings,
        batches: &batches,
        report,
        started,
        wall_seconds: clock.elapsed().as_secs_f64(),
        files: &relative,
    };
    files.extend(super::write_report_and_manifest(
        out_dir,
        validation::manifest(&record),
    )?);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::PatternResult;

    fn outcome(passes: &[(u8, bool)]) -> ValidateOutcome {
        let patterns = passes
            .iter()
            .map(|&(number, pass)| PatternResult::stub(number, pass))
            .collect();
        ValidateOutcome {
            out_dir: PathBuf::from("out"),
            files: Vec::new(),
            table: String::new(),
            report: Report {
                patterns,
                factors: Vec::new(),
                recovery: None,
                hysteresis: None,
            },
        }
    }

    #[test]
    fn a_failed_pattern_exits_1_naming_it() {
        assert!(outcome(&[(1, true), (3, true)]).verdict().is_ok());
        let error = outcome(&[(1, true), (4, false), (4, false), (6, false)])
            .verdict()
            .unwrap_err();
        assert_eq!(error.exit_code(), 1);
        let message = error.to_string();
        assert!(message.contains("patterns 4, 6"), "{message}");
        assert!(message.contains("validation.md"), "{message}");
    }
}
