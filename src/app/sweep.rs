//! `cocreate sweep` and `cocreate merge`: run an experiment design (all of it, or one shard),
//! then aggregate the run records into the sweep's outputs.
//!
//! An unsharded sweep and `merge` end in the same [`finish`], so they write the same files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime};

use serde_json::json;

use super::AppError;
use super::inputs::{Inputs, Origin, Request, check_memory};
use super::outdir::{self, Kind};
use super::progress::{Bar, bar};
use crate::cli::{MergeArgs, SweepArgs};
use crate::experiment::sensitivity;
use crate::experiment::sweep::{self, Plan, Shard, SweepError};
use crate::output::{
    manifest, sensitivity as sensitivity_out, sensitivity_charts, sweep_charts, sweep_csv,
};
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
            SweepError::NonFinite(message) => AppError::Incomplete(message),
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
                crate::io::atomic::remove_live_temporaries();
                std::process::exit(130);
            }
            eprintln!("\nstopping: finishing the runs under way (Ctrl-C again to quit at once)");
        });
    });
    &STOP
}

/// How long a shard waits for an exclusive holder of its directory to let go.
const SHARD_PATIENCE: std::time::Duration = std::time::Duration::from_secs(120);

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
    // The directory is checked before planning, which can take a while for a large design.
    let Inputs {
        source,
        scenario,
        out_dir,
    } = Inputs::load(Request::new(
        sweep_origin(args)?,
        &args.scenario_args.set,
        args.out.as_deref(),
    ))?;
    if Kind::of(&out_dir) == Some(Kind::Run) {
        outdir::check_kind(&out_dir, Kind::Sweep)?;
    }
    let design = scenario.shared_design();
    let plan = Plan::weighed(scenario, &|point| {
        super::memory::replication_bytes(point, false)
    })
    .map_err(|error| match error {
        SweepError::Scenario(error) => {
            AppError::Scenario(locate_in_design(error, &source, design.as_deref()))
        }
        other => AppError::from(other),
    })?;
    // The largest design point decides, `threads` runs at a time.
    let threads = rayon::current_num_threads() as u64;
    check_memory(&plan.heaviest, threads, false)?;
    // Estimated and checked before anything is written.
    let shard = args.shard.unwrap_or(Shard::ALL);
    let runs = plan.runs(shard);
    let work =
        super::estimate::estimate(&plan, &runs, threads as usize).map_err(AppError::Input)?;
    if !args.quiet {
        eprintln!("{}", super::estimate::describe(&work, threads as usize));
    }
    // One writer: exclusive while the directory is prepared; shards of the same sweep then
    // share the lock while they write their own run records.
    // One writer: an unsharded sweep holds the directory alone. The shards of one sweep share
    // it (each writes only its own runs; `prepare` is safe to race), and wait a little for a
    // brief exclusive holder (such as a merge that is finishing) rather than fail at once.
    let lock = if shard == Shard::ALL {
        outdir::lock(&out_dir, outdir::Mode::Exclusive, "sweep")?
    } else {
        outdir::lock_within(
            &out_dir,
            outdir::Mode::Shared,
            "sweep --shard",
            SHARD_PATIENCE,
        )?
    };
    outdir::check_kind(&out_dir, Kind::Sweep)?;
    sweep::prepare(&out_dir, &plan)?;
    outdir::invalidate_manifest(&out_dir)?;
    let scenario_path = out_dir.join(SCENARIO_FILE);
    crate::io::atomic::write_bytes_atomic(&scenario_path, plan.scenario.resolved_toml().as_bytes())
        .map_err(AppError::write(&scenario_path))?;
    if shard == Shard::ALL {
        outdir::remove_stale_temporaries(&[
            out_dir.clone(),
            out_dir.join(sweep::RUNS_DIR),
            out_dir.join("charts"),
        ]);
    }
    let _lock = lock;

    sweep::remove_stale_temporaries(&out_dir, shard);
    let progress = Bar(bar(runs.len() as u64, "runs", args.quiet));
    let executed = sweep::execute(&out_dir, &plan, &runs, args.resume, &progress, stop_flag())
        .map_err(|error| match AppError::from(error) {
            AppError::Interrupted(message) => AppError::Interrupted(format!(
                "{message}; continue with `{}`",
                resume_command(&out_dir, args.shard)
            )),
            other => other,
        })?;
    progress.0.finish_and_clear();
    let skipped = runs.len() - executed;
    let done = format!(
        "{} runs ({} design points x {} replications{}): {executed} executed, {skipped} already done",
        runs.len(),
        plan.point_count(),
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

/// Points a design point's error at the factor (or variant) in the scenario file that made
/// it, with line and column, instead of at a `--set` the user never typed.
fn locate_in_design(
    error: crate::scenario::ScenarioError,
    source: &Source,
    design: Option<&crate::scenario::Design>,
) -> crate::scenario::ScenarioError {
    let Some(design) = design else {
        return error;
    };
    let spec: Option<toml::Table> = toml::from_str(&source.text).ok();
    let variants = spec
        .as_ref()
        .and_then(|t| t.get("experiment"))
        .and_then(|e| e.get("variants"))
        .and_then(toml::Value::as_array);
    let lines = error
        .lines
        .into_iter()
        .map(|line| {
            let Some(rest) = line.strip_prefix("--set ") else {
                return line;
            };
            let Some((raw, message)) = rest.split_once(": ") else {
                return line;
            };
            let key = raw.split_once('=').map_or(raw, |(k, _)| k);
            let path = if let Some(i) = design.factors.iter().position(|f| f == key) {
                format!("experiment.factors.{i}")
            } else if let Some(i) = variants.and_then(|vs| {
                vs.iter().position(|v| {
                    v.get("set")
                        .and_then(toml::Value::as_array)
                        .is_some_and(|set| set.iter().any(|s| s.as_str() == Some(raw)))
                })
            }) {
                format!("experiment.variants.{i}.set")
            } else {
                return line;
            };
            let span = crate::scenario::diagnostics::span_of_path(&source.text, &path);
            let at = span.map_or(String::new(), |span| {
                let (l, c) = crate::scenario::diagnostics::line_col(&source.text, span.start);
                format!(":{l}:{c}")
            });
            format!(
                "{}{at}: {path}: the design point with {raw} is invalid: {message}",
                source.name
            )
        })
        .collect();
    crate::scenario::ScenarioError { lines }
}

/// The sweep's source and scenario: the scenario file with `--set`, or, for `--resume` without
/// a scenario file, the resolved scenario the directory already holds (`DIR/sweep.toml`).
/// Where a sweep's scenario comes from: its file, or the directory of the sweep it resumes.
fn sweep_origin(args: &SweepArgs) -> Result<Origin<'_>, AppError> {
    if let Some(path) = &args.scenario {
        return Ok(Origin::File(Some(path)));
    }
    let (Some(dir), true) = (&args.out, args.resume) else {
        return Err(AppError::Input(
            "give a scenario file (`cocreate sweep SCENARIO`), or continue a sweep with \
             `cocreate sweep --resume --out DIR`"
                .to_owned(),
        ));
    };
    if !args.scenario_args.set.is_empty() {
        return Err(AppError::Input(
            "--set cannot change a sweep being resumed from its directory: its scenario is \
             DIR/sweep.toml, overrides included"
                .to_owned(),
        ));
    }
    Ok(Origin::SweepDir(dir))
}

/// Reads `DIR/sweep.toml`, the resolved scenario of the sweep in `dir`.
pub(super) fn sweep_source(dir: &Path) -> Result<Source, AppError> {
    let scenario_path = dir.join(SCENARIO_FILE);
    let text =
        outdir::read_bounded(&scenario_path, super::MAX_SCENARIO_BYTES).map_err(|error| {
            AppError::Input(format!(
                "{} is not a sweep directory (cannot read {}: {error})",
                dir.display(),
                scenario_path.display()
            ))
        })?;
    Ok(Source {
        name: scenario_path.display().to_string(),
        text,
    })
}

/// The command that continues an interrupted sweep: the directory holds its resolved scenario
/// (overrides included), so `--out` is all it needs. Quoted for a POSIX shell.
pub fn resume_command(dir: &Path, shard: Option<Shard>) -> String {
    format!(
        "cocreate sweep --resume --out {}{}",
        shell_quote(&dir.display().to_string()),
        shard
            .map(|s| format!(" --shard {}/{}", s.index, s.count))
            .unwrap_or_default()
    )
}

/// `text` as one POSIX shell word.
fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@%".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

pub fn merge(args: &MergeArgs) -> Result<SweepOutcome, AppError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let dir = &args.dir;
    let source = sweep_source(dir)?;
    let plan = Plan::new(Scenario::load(&source, &[])?)?;
    let _lock = outdir::lock(dir, outdir::Mode::Exclusive, "merge")?;
    sweep::prepare(dir, &plan)?;
    outdir::invalidate_manifest(dir)?;
    let absent = sweep::missing(dir, &plan);
    if !absent.is_empty() {
        let mut message = sweep::describe_missing(&plan, &absent);
        for count in sweep::shard_counts(dir) {
            let shards: Vec<String> = sweep::shards_owning(&absent, count)
                .iter()
                .map(|i| format!("{i}/{count}"))
                .collect();
            message.push_str(&format!(
                "\nincomplete shards of {count}: {}; rerun each with `{}`",
                shards.join(", "),
                resume_command(dir, None).replace(" --out", &format!(" --shard I/{count} --out"))
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

/// Aggregates every run record and writes the sweep's outputs; the manifest goes last. Returns
/// the files and, for sensitivity designs, the ranked table of factors (empty otherwise).
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
    let mut table = String::new();
    if let Some(indices) = sensitivity::analyse(plan, &results) {
        let path = dir.join("sensitivity.csv");
        sensitivity_out::write_csv(&path, plan, &indices).map_err(AppError::write(&path))?;
        files.push(path);
        if sensitivity_out::has_second_order(&indices) {
            let path = dir.join("sensitivity_s2.csv");
            sensitivity_out::write_second_order(&path, plan, &indices)
                .map_err(AppError::write(&path))?;
            files.push(path);
        }
        files.extend(sensitivity_charts::write_all(
            &dir.join("charts"),
            plan,
            &indices,
        )?);
        table = format!("\n{}", sensitivity_out::ranked_table(plan, &indices));
    }

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
    let outcomes = crate::output::report::sweep_table(plan, &results);
    Ok((files, format!("{outcomes}{table}")))
}
