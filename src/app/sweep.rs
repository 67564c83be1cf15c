//! `cocreate sweep` and `cocreate merge`: run an experiment design (all of it, or one shard),
//! then aggregate the run records into the sweep's outputs.
//!
//! An unsharded sweep and `merge` end in the same [`finish`], so they write the same files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime};

use serde_json::json;

use super::progress::{Bar, bar};
use super::{AppError, check_output_dir, read_source};
use crate::cli::{MergeArgs, SweepArgs};
use crate::experiment::sweep::{self, Plan, Shard, SweepError};
use crate::output::{manifest, sweep_charts, sweep_csv};
use crate::scenario::{Scenario, Source};

/// The resolved scenario of a sweep, kept in its directory so `merge` can rebuild the plan.
pub const SCENARIO_FILE: &str = "sweep.toml";

impl From<SweepError> for AppError {
    fn from(error: SweepError) -> AppError {
        match error {
            SweepError::Invalid(message) => AppError::Input(message),
            SweepError::Scenario(error) => AppError::Scenario(error),
            SweepError::Io { path, source } => AppError::Write { path, source },
            SweepError::Incomplete(message) => AppError::Incomplete(message),
            SweepError::Interrupted { done, total } => AppError::Interrupted(format!(
                "interrupted after {done} of {total} runs; finished runs are saved"
            )),
        }
    }
}

/// Set by the first Ctrl-C: no new run starts, runs under way finish and are saved. A second
/// Ctrl-C ends the process at once (finished runs are still saved: records are atomic).
static STOP: AtomicBool = AtomicBool::new(false);

fn stop_flag() -> &'static AtomicBool {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if STOP.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!("\nstopping: finishing the runs under way (Ctrl-C again to quit at once)");
        });
    });
    &STOP
}

/// What a sweep or merge reports back.
pub struct SweepOutcome {
    pub out_dir: PathBuf,
    /// Files written (empty for a shard, which only writes run records).
    pub files: Vec<PathBuf>,
    pub message: String,
}

pub fn sweep(args: &SweepArgs) -> Result<SweepOutcome, AppError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let source = read_source(Some(&args.scenario))?;
    let scenario = Scenario::load(&source, &args.scenario_args.set)?;
    let plan = Plan::new(scenario)?;
    // The largest design point decides, `threads` runs at a time.
    let threads = rayon::current_num_threads() as u64;
    let available = super::memory::available_bytes();
    for point in &plan.points {
        super::memory::check(point, threads, false, available).map_err(AppError::Input)?;
    }
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(plan.scenario.name()));
    check_output_dir(&out_dir)?;
    sweep::prepare(&out_dir, &plan)?;
    let scenario_path = out_dir.join(SCENARIO_FILE);
    crate::output::atomic::write_bytes_atomic(
        &scenario_path,
        plan.scenario.resolved_toml().as_bytes(),
    )
    .map_err(AppError::write(&scenario_path))?;

    let shard = args.shard.unwrap_or(Shard::ALL);
    sweep::remove_stale_temporaries(&out_dir, shard);
    let runs = plan.runs(shard);
    let progress = Bar(bar(runs.len() as u64, "runs", args.quiet));
    let executed = sweep::execute(&out_dir, &plan, &runs, args.resume, &progress, stop_flag())
        .map_err(|error| match AppError::from(error) {
            AppError::Interrupted(message) => AppError::Interrupted(format!(
                "{message}; continue with `cocreate sweep {} --resume --out {}{}`",
                args.scenario.display(),
                out_dir.display(),
                args.shard
                    .map(|s| format!(" --shard {}/{}", s.index, s.count))
                    .unwrap_or_default()
            )),
            other => other,
        })?;
    progress.0.finish_and_clear();
    let skipped = runs.len() - executed;
    let done = format!(
        "{} runs ({} design points x {} replications{}): {executed} executed, {skipped} already done",
        runs.len(),
        plan.points.len(),
        plan.replications,
        if shard == Shard::ALL {
            String::new()
        } else {
            format!(", shard {}/{}", shard.index, shard.count)
        }
    );
    if shard != Shard::ALL {
        sweep::mark_shard_done(&out_dir, shard)?;
        return Ok(SweepOutcome {
            message: format!(
                "{done}\nshard {}/{} complete; when every shard is done, run `cocreate merge {}`",
                shard.index,
                shard.count,
                out_dir.display()
            ),
            out_dir,
            files: Vec::new(),
        });
    }
    let (files, table) = finish(&out_dir, &plan, &source.name, "sweep", started, clock)?;
    Ok(SweepOutcome {
        message: format!("{done}\n\n{table}"),
        out_dir,
        files,
    })
}

pub fn merge(args: &MergeArgs) -> Result<SweepOutcome, AppError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let dir = &args.dir;
    let scenario_path = dir.join(SCENARIO_FILE);
    let text = std::fs::read_to_string(&scenario_path).map_err(|error| {
        AppError::Input(format!(
            "{} is not a sweep directory (cannot read {}: {error})",
            dir.display(),
            scenario_path.display()
        ))
    })?;
    let source = Source {
        name: scenario_path.display().to_string(),
        text,
    };
    let plan = Plan::new(Scenario::load(&source, &[])?)?;
    sweep::prepare(dir, &plan)?;
    let absent = sweep::missing(dir, &plan);
    if !absent.is_empty() {
        let mut message = sweep::describe_missing(&plan, &absent);
        for count in sweep::shard_counts(dir) {
            let shards: Vec<String> = sweep::shards_owning(&absent, count)
                .iter()
                .map(|i| format!("{i}/{count}"))
                .collect();
            message.push_str(&format!(
                "\nincomplete shards of {count}: {}; rerun each with `cocreate sweep SCENARIO \
                 --shard I/{count} --resume --out {}`",
                shards.join(", "),
                dir.display()
            ));
        }
        return Err(AppError::Incomplete(message));
    }
    let (files, table) = finish(dir, &plan, &source.name, "merge", started, clock)?;
    Ok(SweepOutcome {
        message: format!("merged {} runs\n\n{table}", plan.run_count()),
        out_dir: dir.clone(),
        files,
    })
}

/// Aggregates every run record and writes the sweep's outputs; the manifest goes last.
fn finish(
    dir: &Path,
    plan: &Plan,
    source: &str,
    command: &str,
    started: SystemTime,
    clock: Instant,
) -> Result<(Vec<PathBuf>, String), AppError> {
    let names = plan.scenario.firm_names();
    let bands_path = dir.join("bands.csv");
    let mut bands =
        sweep_csv::BandsWriter::create(&bands_path, names.clone(), &sweep::BAND_METRICS)
            .map_err(AppError::write(&bands_path))?;
    let results = sweep::aggregate(dir, plan, |point, point_bands| {
        bands.add(point, point_bands)
    })?;
    bands.commit().map_err(AppError::write(&bands_path))?;
    let mut files = vec![bands_path];
    let runs_path = dir.join("runs.csv");
    sweep_csv::write_runs(&runs_path, plan, &results).map_err(AppError::write(&runs_path))?;
    files.push(runs_path);
    let points_path = dir.join("points.csv");
    sweep_csv::write_points(&points_path, plan, &results).map_err(AppError::write(&points_path))?;
    files.push(points_path);
    if !results.contrasts.is_empty() {
        let path = dir.join("contrasts.csv");
        sweep_csv::write_contrasts(&path, plan, &results).map_err(AppError::write(&path))?;
        files.push(path);
    }
    files.extend(sweep_charts::write_all(
        &dir.join("charts"),
        plan,
        &results,
    )?);

    let seeds: Vec<u64> = (0..plan.replications)
        .map(|r| crate::model::rng::replication_seed(plan.scenario.seed(), u64::from(r)))
        .collect();
    let relative: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(dir).unwrap_or(f).display().to_string())
        .collect();
    let design = &plan.design;
    let extra = json!({
        "design": {
            "kind": format!("{:?}", design.kind).to_lowercase(),
            "factors": design.factors,
            "points": design.points.iter().map(|p| json!({
                "point": p.index, "label": p.label, "values": p.values,
            })).collect::<Vec<_>>(),
        },
        "runs": (0..plan.run_count()).map(|run| {
            let id = plan.run(run);
            json!({"run": run, "point": id.point, "replication": id.replication,
                   "seed": seeds[id.replication as usize]})
        }).collect::<Vec<_>>(),
    });
    let record = manifest::RunRecord {
        command,
        scenario: &plan.scenario,
        source,
        replication_seeds: &seeds,
        started,
        wall_seconds: clock.elapsed().as_secs_f64(),
        files: &relative,
        extra,
    };
    files.extend(super::write_report_and_manifest(
        dir,
        manifest::manifest(&record),
    )?);
    Ok((files, crate::output::report::sweep_table(plan, &results)))
}
