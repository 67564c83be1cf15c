//! `cocreate run`: one scenario, all replications, every output of the contract.

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use super::inputs::{Inputs, Origin, Request, check_memory};
use super::progress::{Bar, bar};
use super::{AppError, outdir};
use crate::cli::RunArgs;
use crate::experiment::{self, bands::Bands};
use crate::io::atomic::AtomicFile;
use crate::output::{csv, manifest, report, trajectories};
use crate::scenario::Scenario;

/// What a finished command that writes files reports back to the user (`run`, `survey`).
pub struct RunOutcome {
    pub out_dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub report: String,
}

/// Runs the scenario and writes its outputs; nothing is written if the input is invalid.
pub fn run(args: &RunArgs) -> Result<RunOutcome, AppError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let Inputs {
        source,
        scenario,
        out_dir,
    } = Inputs::load(Request {
        size: args.size,
        ..Request::new(
            Origin::File(args.scenario.as_deref()),
            &args.scenario_args.set,
            args.out.as_deref(),
        )
    })?;
    if let Some(baseline) = &args.against {
        // Refuse before running, not after.
        if !baseline.join("manifest.json").is_file() {
            return Err(AppError::Input(format!(
                "--against {}: not a run output directory (no manifest.json)",
                baseline.display()
            )));
        }
    }
    if let Some(kind) = outdir::Kind::of(&out_dir) {
        // Checked again under the lock; this only spares creating anything.
        if kind != outdir::Kind::Run {
            outdir::check_kind(&out_dir, outdir::Kind::Run)?;
        }
    }
    let identity = manifest::sha256_hex(scenario.resolved_toml().as_bytes());
    outdir::check_same_scenario(&out_dir, &identity, args.force)?;
    let concurrent = u64::from(scenario.replications()).min(rayon::current_num_threads() as u64);
    check_memory(&scenario, concurrent, true)?;

    let total = u64::from(scenario.replications()) * u64::from(scenario.ticks());
    let progress = Bar(bar(total, "weeks", args.quiet));
    // One writer: the lock is held until this function returns (the process may end anyway).
    let _lock = outdir::claim(&out_dir, "run", &["charts"], || {
        outdir::check_kind(&out_dir, outdir::Kind::Run)?;
        outdir::check_same_scenario(&out_dir, &identity, args.force)
    })?;
    // customers.csv is streamed as replications finish rather than kept in memory.
    let customers_path = out_dir.join("customers.csv");
    let names = scenario.firm_names();
    let mut customers_file = if args.no_customers {
        None
    } else {
        let mut file =
            AtomicFile::create(&customers_path).map_err(AppError::write(&customers_path))?;
        csv::write_customers_header(file.writer()).map_err(AppError::write(&customers_path))?;
        Some(file)
    };
    let replications = experiment::run_streaming(&scenario, &progress, |replication, customers| {
        match customers_file.as_mut() {
            Some(file) => {
                csv::write_customer_rows(file.writer(), replication.index, customers, &names)
            }
            None => Ok(()),
        }
    })
    .map_err(AppError::write(&customers_path))?;
    progress.0.finish_and_clear();
    check_finite(&replications)?;

    let files = write_outputs(
        &out_dir,
        &scenario,
        &replications,
        customers_file,
        &source.name,
        started,
        clock,
    )?;
    let mut report = report::table(&replications, &scenario.firm_names());
    if let Some(baseline) = &args.against {
        let comparison = super::compare_dirs(baseline, &out_dir, &out_dir.join("against"))?;
        report.push_str(&format!(
            "\ncompared with {} (A) as this run (B); written to {}\n{}",
            baseline.display(),
            comparison.out_dir.display(),
            comparison.report
        ));
    }
    Ok(RunOutcome {
        report,
        out_dir,
        files,
    })
}

/// On SIGINT, SIGTERM or SIGHUP: remove the temporary files being written (customers.csv's can
/// be gigabytes), then exit 130. Outputs already renamed stay; the manifest is not written, so
/// the directory holds no complete run. Also used by `survey` and `validate`.
pub(super) fn install_cleanup() {
    let _ = ctrlc::set_handler(|| {
        crate::io::atomic::remove_live_temporaries();
        eprintln!("\nstopped: no manifest was written, the directory holds no complete run");
        std::process::exit(130);
    });
}

/// Checks that every number about to be written is finite: a non-finite output is a bug in the
/// model or a gap in input validation, never an empty cell.
fn check_finite(replications: &[experiment::Replication]) -> Result<(), AppError> {
    for replication in replications {
        for (tick, firm_tick) in replication.series.iter().enumerate() {
            if let Some(bad) = firm_tick.values().iter().find(|v| !v.is_finite()) {
                return Err(AppError::Incomplete(format!(
                    "replication {} produced a non-finite value ({bad}) at series row {tick}; \
                     nothing more was written. This is a bug: please report it with the \
                     scenario",
                    replication.index
                )));
            }
        }
        for summary in &replication.summaries {
            if let Some(bad) = summary.values().iter().find(|v| !v.is_finite()) {
                return Err(AppError::Incomplete(format!(
                    "replication {} produced a non-finite summary ({bad}); nothing more was \
                     written. This is a bug: please report it with the scenario",
                    replication.index
                )));
            }
        }
    }
    Ok(())
}

fn write_outputs(
    out_dir: &Path,
    scenario: &Scenario,
    replications: &[experiment::Replication],
    customers_file: Option<AtomicFile>,
    source: &str,
    started: SystemTime,
    clock: Instant,
) -> Result<Vec<PathBuf>, AppError> {
    let names = scenario.firm_names();
    let mut files = Vec::new();
    let csvs: [(&str, csv::Writer); 2] = [
        ("timeseries.csv", csv::write_timeseries),
        ("summary.csv", csv::write_summary),
    ];
    for (name, write) in csvs {
        let path = out_dir.join(name);
        write(&path, replications, &names).map_err(AppError::write(&path))?;
        files.push(path);
    }
    if let Some(customers_file) = customers_file {
        let path = out_dir.join("customers.csv");
        customers_file.commit().map_err(AppError::write(&path))?;
        files.push(path);
    }
    let bands = Bands::from_replications(replications, names.len());
    let charts_dir = out_dir.join("charts");
    files.extend(trajectories::write_all(
        &charts_dir,
        &bands,
        &names,
        scenario.replications(),
        &trajectories::event_markers(&scenario.event_marks()),
    )?);

    let seeds: Vec<u64> = replications.iter().map(|r| r.seed).collect();
    let relative: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(out_dir).unwrap_or(f).display().to_string())
        .collect();
    let record = manifest::RunRecord {
        command: "run",
        scenario,
        source,
        replication_seeds: &seeds,
        started,
        wall_seconds: clock.elapsed().as_secs_f64(),
        files: &relative,
        extra: serde_json::Value::Null,
    };
    files.extend(super::write_report_and_manifest(
        out_dir,
        manifest::manifest(&record),
    )?);
    Ok(files)
}
