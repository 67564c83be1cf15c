//! Sweeps: every (design point, replication) run of an experiment design, executed in parallel,
//! checkpointed one file per run, and aggregated in run order.
//!
//! Why one file per run: a run's record is written atomically under `runs/` the moment it
//! finishes, so memory stays bounded by the number of threads, an interrupted sweep resumes by
//! skipping runs whose record exists, and shards (`--shard I/N`, interleaved: run `k` belongs to
//! shard `k % N + 1`) can write into one shared directory. [`aggregate`] then reads the records
//! in run order, whoever wrote them, so a sharded-and-merged sweep gives the same numbers as an
//! unsharded one. Replication `r` has the same seed at every point (common random numbers), so
//! adding points or replications never changes existing runs.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::bands::Bands;
use super::stats::Estimate;
use super::summary::FirmSummary;
use super::{Keep, Progress, Regime, Silent, run_replication};
use crate::scenario::{Design, DesignKind, EventMark, Point, PointBase, Scenario, ScenarioError};

/// One design point's scenario: the base with the point's overrides, validated.
fn build_point(base: &PointBase, point: &Point) -> Result<Scenario, ScenarioError> {
    base.point(
        &format!("experiment point {} ({})", point.index, point.label),
        &point.overrides,
    )
}

type Checked = Result<(usize, u64, Vec<bool>), (usize, ScenarioError)>;

/// Combines two partial results of planning: the first error by point index wins; otherwise
/// the heavier point (the lower index on ties) and the marks kept by both.
fn merge_checked(a: Checked, b: Checked) -> Checked {
    match (a, b) {
        (Err(a), Err(b)) => Err(if a.0 <= b.0 { a } else { b }),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
        (Ok((ia, wa, ka)), Ok((ib, wb, kb))) => {
            let kept = ka.iter().zip(&kb).map(|(x, y)| *x && *y).collect();
            let (index, weight) = if (wb > wa) || (wb == wa && ib < ia) {
                (ib, wb)
            } else {
                (ia, wa)
            };
            Ok((index, weight, kept))
        }
    }
}

/// Builds every design point in parallel: per point its index, weight and which base `marks`
/// it keeps, or the first invalid point's error (by index, whatever the thread count).
///
/// Points are checked on the fast path only ([`PointBase::fast`]); the slow path that words
/// an error runs for the first invalid point alone, so a design whose every point is invalid
/// is refused as fast as a valid one is planned.
fn check_every_point(
    base: &PointBase,
    design: &Design,
    marks: &[EventMark],
    weigh: &(dyn Fn(&Scenario) -> u64 + Sync),
) -> Checked {
    type Quick = Result<(usize, u64, Vec<bool>), usize>;
    let merge = |a: Quick, b: Quick| -> Quick {
        match (a, b) {
            (Err(a), Err(b)) => Err(a.min(b)),
            (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
            (Ok(a), Ok(b)) => merge_checked(Ok(a), Ok(b)).map_err(|(index, _)| index),
        }
    };
    let quick = (0..design.points.len())
        .into_par_iter()
        .map(|index| -> Quick {
            let point = design.points.at(index);
            let built = base.fast(&point.overrides).ok_or(index)?;
            let own = built.event_marks();
            let kept = marks.iter().map(|m| own.contains(m)).collect();
            Ok((index, weigh(&built), kept))
        })
        .fold(|| Ok((usize::MAX, 0u64, vec![true; marks.len()])), merge)
        .reduce(|| Ok((usize::MAX, 0u64, vec![true; marks.len()])), merge);
    let first = match quick {
        Ok(checked) => return Ok(checked),
        Err(first) => first,
    };
    match build_point(base, &design.points.at(first)) {
        Err(error) => Err((first, error)),
        // The slow path accepts what the fast one refused (it never should): check every
        // point on the slow path instead.
        Ok(_) => every_point_slowly(base, design, marks, weigh),
    }
}

/// [`check_every_point`] with every point built by [`build_point`] (the slow path words an
/// error).
fn every_point_slowly(
    base: &PointBase,
    design: &Design,
    marks: &[EventMark],
    weigh: &(dyn Fn(&Scenario) -> u64 + Sync),
) -> Checked {
    (0..design.points.len())
        .into_par_iter()
        .map(|index| -> Checked {
            let point = design.points.at(index);
            let built = build_point(base, &point).map_err(|e| (point.index, e))?;
            let own = built.event_marks();
            let kept = marks.iter().map(|m| own.contains(m)).collect();
            Ok((point.index, weigh(&built), kept))
        })
        .fold(
            || Ok((usize::MAX, 0u64, vec![true; marks.len()])),
            merge_checked,
        )
        .reduce(
            || Ok((usize::MAX, 0u64, vec![true; marks.len()])),
            merge_checked,
        )
}

/// Checks a grid of separable factors along its axes: point 0, and every point that differs
/// from it in one factor only (1 + Σ (levels − 1) points instead of Π levels). `None` if the
/// design is not such a grid (or has one factor, where nothing is saved), or if the axes'
/// weights differ (then every point must be weighed).
///
/// Why this finds exactly what checking every point finds: a separable factor's value is
/// checked by rules that read that value alone, and it changes neither sizes nor events
/// (`tests/it/planning.rs` checks every pair of separable keys for interactions). So a point
/// is valid if and only if each of its levels is valid on its axis (given point 0 is valid),
/// and the first invalid point is the first invalid point on an axis: if level `l` of factor
/// `f` is the first invalid one on its axis, no point before `l × stride(f)` holds it.
fn check_axes(
    base: &PointBase,
    design: &Design,
    weigh: &(dyn Fn(&Scenario) -> u64 + Sync),
) -> Option<Checked> {
    let levels = design.points.grid_levels()?;
    if levels.len() < 2
        || !design
            .factors
            .iter()
            .all(|key| crate::scenario::design::separable(key))
    {
        return None;
    }
    let mut axes = vec![0usize];
    let mut stride = 1usize;
    for values in levels.iter().rev() {
        axes.extend((1..values.len()).map(|level| level * stride));
        stride *= values.len();
    }
    axes.sort_unstable();
    let weights: Vec<Result<u64, (usize, ScenarioError)>> = axes
        .par_iter()
        .map(|&index| {
            let point = design.points.at(index);
            build_point(base, &point)
                .map(|built| weigh(&built))
                .map_err(|error| (index, error))
        })
        .collect();
    let mut first = None;
    for weight in &weights {
        match weight {
            Err((index, error)) => return Some(Err((*index, error.clone()))),
            Ok(weight) if first.is_some_and(|w| w != *weight) => return None,
            Ok(weight) => first = Some(*weight),
        }
    }
    // Every point weighs the same: the heaviest is the first.
    Some(Ok((0, first.unwrap_or(0), Vec::new())))
}

/// Trajectories kept per run for the per-point bands.
pub const BAND_METRICS: [&str; 8] = [
    "active_customers",
    "participation_rate",
    "satisfaction",
    "loyalty",
    "cocreated_value",
    "codestroyed_value",
    "employee_morale",
    "profit",
];

/// Directory of run records inside a sweep's output directory.
pub const RUNS_DIR: &str = "runs";
/// The sweep's identity file: which design the run records belong to.
pub const SWEEP_FILE: &str = "sweep.json";

/// A failed sweep operation.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{0}")]
    Incomplete(String),
    /// A run produced a non-finite number (a bug, never written as data).
    #[error("{0}")]
    NonFinite(String),
    /// Stopped on request (Ctrl-C) after finishing the runs under way.
    #[error("interrupted after {done} of {total} runs")]
    Interrupted { done: usize, total: usize },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> SweepError + '_ {
    move |source| SweepError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Which share of the runs this process executes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based shard number.
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(text: &str) -> Result<Shard, String> {
        let usage = || format!("`{text}`: expected I/N with 1 <= I <= N, e.g. 2/8");
        let (index, count) = text.split_once('/').ok_or_else(usage)?;
        let index: usize = index.trim().parse().map_err(|_| usage())?;
        let count: usize = count.trim().parse().map_err(|_| usage())?;
        if index == 0 || index > count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    pub const ALL: Shard = Shard { index: 1, count: 1 };

    pub fn owns(&self, run: usize) -> bool {
        run % self.count == self.index - 1
    }
}

/// One run of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunId {
    pub run: usize,
    pub point: usize,
    pub replication: u32,
}

/// A validated sweep: the base scenario, its design, and what planning learnt from validating
/// every point.
///
/// Design points are not kept as scenarios: each is rebuilt from [`Plan::point`] when it runs
/// (one small TOML parse per run), so planning memory is the design's own size, O(points),
/// whatever the population (issue 12: a scenario per point, each carrying the whole expanded
/// design, made planning quadratic).
pub struct Plan {
    pub scenario: Scenario,
    /// The expanded design, shared with `scenario` (not copied).
    pub design: std::sync::Arc<Design>,
    pub replications: u32,
    /// SHA-256 of the resolved scenario (design included): the identity of the sweep.
    pub identity: String,
    /// The resolved scenario without `[experiment]`, on which each point's overrides apply.
    base: PointBase,
    /// The design point with the largest weight (see [`Plan::weighed`]), first on ties.
    pub heaviest: Scenario,
    /// The base scenario's events that no design point changes (for chart markers).
    pub shared_marks: Vec<EventMark>,
}

impl Plan {
    /// Validates every design point as a whole scenario before anything runs.
    pub fn new(scenario: Scenario) -> Result<Plan, SweepError> {
        Plan::weighed(scenario, &|_| 0)
    }

    /// As [`Plan::new`], also keeping the point of largest `weigh` (e.g. its memory need) as
    /// [`Plan::heaviest`]. Points are validated in parallel and dropped at once; the error
    /// reported is that of the first invalid point, whatever the thread count.
    ///
    /// A grid whose factors are all separable ([`crate::scenario::design::separable`]), in a
    /// scenario without events, is checked along its axes only (see [`check_axes`]): a
    /// 10^6-point grid of 1000 × 1000 levels builds 1999 points, not 10^6, and finds the same
    /// first invalid point. `weigh` must then depend only on what separable keys never change
    /// (sizes: population, network, staffing, ticks); if the axes' weights differ anyway, every
    /// point is checked.
    pub fn weighed(
        scenario: Scenario,
        weigh: &(dyn Fn(&Scenario) -> u64 + Sync),
    ) -> Result<Plan, SweepError> {
        Plan::planned(scenario, weigh, true)
    }

    /// [`Plan::new`] checking every point, never along the axes only (for tests that prove
    /// both ways agree).
    #[doc(hidden)]
    pub fn point_by_point(scenario: Scenario) -> Result<Plan, SweepError> {
        Plan::planned(scenario, &|_| 0, false)
    }

    fn planned(
        scenario: Scenario,
        weigh: &(dyn Fn(&Scenario) -> u64 + Sync),
        axes: bool,
    ) -> Result<Plan, SweepError> {
        let design = scenario.shared_design().ok_or_else(|| {
            SweepError::Invalid(format!(
                "scenario `{}` has no [experiment] table: add one with a design (grid, lhs or \
                 variants) to sweep it, or use `cocreate run`",
                scenario.name()
            ))
        })?;
        let base = scenario.point_base()?;
        let marks = scenario.event_marks();
        let along_axes = if axes && marks.is_empty() {
            check_axes(&base, &design, weigh)
        } else {
            None
        };
        let checked = match along_axes {
            Some(checked) => checked,
            None => check_every_point(&base, &design, &marks, weigh),
        };
        let (heaviest, _, kept) = checked.map_err(|(_, error)| SweepError::Scenario(error))?;
        let heaviest = match design.points.get(heaviest) {
            Some(point) => build_point(&base, &point)?,
            None => scenario.clone(),
        };
        let shared_marks = marks
            .into_iter()
            .zip(kept)
            .filter_map(|(mark, kept)| kept.then_some(mark))
            .collect();
        let identity = crate::io::digest::sha256_hex(scenario.resolved_toml().as_bytes());
        Ok(Plan {
            replications: scenario.replications(),
            scenario,
            design,
            identity,
            base,
            heaviest,
            shared_marks,
        })
    }

    /// Number of design points.
    pub fn point_count(&self) -> usize {
        self.design.points.len()
    }

    /// The validated scenario of design point `index`, rebuilt from the base and the point's
    /// overrides.
    pub fn point(&self, index: usize) -> Result<Scenario, SweepError> {
        let point = self.design.points.get(index).ok_or_else(|| {
            SweepError::Invalid(format!(
                "design point {index} does not exist ({} points)",
                self.point_count()
            ))
        })?;
        Ok(build_point(&self.base, &point)?)
    }

    pub fn run_count(&self) -> usize {
        self.point_count() * self.replications as usize
    }

    pub fn run(&self, run: usize) -> RunId {
        let replications = self.replications as usize;
        RunId {
            run,
            point: run / replications,
            replication: (run % replications) as u32,
        }
    }

    pub fn runs(&self, shard: Shard) -> Vec<RunId> {
        (0..self.run_count())
            .filter(|&run| shard.owns(run))
            .map(|run| self.run(run))
            .collect()
    }

    pub fn firms(&self) -> usize {
        self.scenario.model().firms.len()
    }

    pub fn ticks(&self) -> usize {
        self.scenario.ticks() as usize + 1
    }
}

/// What a run leaves behind: its summaries and its key trajectories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub sweep: String,
    pub run: usize,
    pub point: usize,
    pub replication: u32,
    pub seed: u64,
    /// Per firm: the [`FirmSummary::COLUMNS`] values.
    pub outcomes: Vec<Vec<f64>>,
    /// Per firm: the regime.
    pub regimes: Vec<String>,
    /// Per firm, per [`BAND_METRICS`] metric: the values at ticks 0..=T (single precision
    /// suffices for bands).
    pub trajectories: Vec<Vec<Vec<f32>>>,
    /// SHA-256 of the record's JSON written with this field empty ([`RunRecord::seal`]), so a
    /// changed number is detected when the record is read.
    #[serde(default)]
    pub checksum: String,
}

impl RunRecord {
    fn digest(&self) -> Result<String, serde_json::Error> {
        let mut unsealed = self.clone();
        unsealed.checksum.clear();
        Ok(crate::io::digest::sha256_hex(
            serde_json::to_string(&unsealed)?.as_bytes(),
        ))
    }

    /// Sets the checksum and returns the JSON text to write.
    pub fn seal(&mut self) -> Result<String, serde_json::Error> {
        self.checksum = self.digest()?;
        serde_json::to_string(self)
    }

    /// Parses a record and checks its checksum (not yet its shape: see [`RunRecord::check`]).
    pub fn parse(text: &str) -> Result<RunRecord, String> {
        let record: RunRecord =
            serde_json::from_str(text).map_err(|e| format!("not a run record: {e}"))?;
        let digest = record.digest().map_err(|e| e.to_string())?;
        if record.checksum.is_empty() {
            return Err("has no checksum".to_owned());
        }
        if digest != record.checksum {
            return Err("checksum does not match its content (the file was changed)".to_owned());
        }
        Ok(record)
    }

    /// Checks that the record is run `run` of the sweep `identity` and has the shape a run of
    /// it has: one summary of every outcome per firm, a known regime per firm, and every band
    /// metric at every tick, all finite.
    pub fn check(
        &self,
        identity: &str,
        run: RunId,
        firms: usize,
        ticks: usize,
    ) -> Result<(), String> {
        if self.sweep != identity {
            return Err("belongs to another sweep".to_owned());
        }
        if (self.run, self.point, self.replication) != (run.run, run.point, run.replication) {
            return Err(format!(
                "is run {} (point {}, replication {}), not run {}",
                self.run, self.point, self.replication, run.run
            ));
        }
        let outcomes = FirmSummary::COLUMNS.len();
        if self.outcomes.len() != firms || self.outcomes.iter().any(|o| o.len() != outcomes) {
            return Err(format!(
                "must hold {outcomes} outcomes for each of {firms} firms"
            ));
        }
        if self.outcomes.iter().flatten().any(|v| !v.is_finite()) {
            return Err("holds a non-finite outcome".to_owned());
        }
        if self.regimes.len() != firms || self.regimes.iter().any(|r| r.parse::<Regime>().is_err())
        {
            return Err(format!(
                "must name a known regime for each of {firms} firms"
            ));
        }
        let metrics = BAND_METRICS.len();
        let shaped = self.trajectories.len() == firms
            && self.trajectories.iter().all(|firm| {
                firm.len() == metrics && firm.iter().all(|series| series.len() == ticks)
            });
        if !shaped {
            return Err(format!(
                "must hold {metrics} trajectories of {ticks} ticks for each of {firms} firms"
            ));
        }
        if self
            .trajectories
            .iter()
            .flatten()
            .flatten()
            .any(|v| !v.is_finite())
        {
            return Err("holds a non-finite trajectory value".to_owned());
        }
        Ok(())
    }
}

/// Largest run record read (a record of 10 firms over 10^6 ticks is about 1 GB; a record is
/// bounded by the scenario's own limits, this only stops a runaway file).
const MAX_RECORD_BYTES: u64 = 4 << 30;

/// The sweep's identity file content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepIdentity {
    pub sweep: String,
    pub scenario: String,
    pub points: usize,
    pub replications: u32,
    pub runs: usize,
}

fn run_path(dir: &Path, run: usize) -> PathBuf {
    dir.join(RUNS_DIR).join(format!("{run:07}.json"))
}

/// Reads a run record and checks it: its checksum, its identity and its shape.
fn read_record(dir: &Path, plan: &Plan, run: RunId) -> Result<RunRecord, String> {
    use std::io::Read;
    let mut text = String::new();
    fs::File::open(run_path(dir, run.run))
        .and_then(|f| f.take(MAX_RECORD_BYTES).read_to_string(&mut text))
        .map_err(|e| format!("cannot be read: {e}"))?;
    let record = RunRecord::parse(&text)?;
    record.check(&plan.identity, run, plan.firms(), plan.ticks())?;
    Ok(record)
}

/// Checks every record file under `DIR/runs/` against its own checksum (without the plan:
/// for `cocreate verify`). Returns the number of records, or one message per bad record.
pub fn verify_records(dir: &Path) -> Result<usize, Vec<String>> {
    let mut count = 0;
    let mut problems = Vec::new();
    let mut paths: Vec<PathBuf> = fs::read_dir(dir.join(RUNS_DIR))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    paths.sort();
    for path in paths {
        count += 1;
        let checked = fs::read_to_string(&path)
            .map_err(|e| format!("cannot be read: {e}"))
            .and_then(|text| RunRecord::parse(&text).map(|_| ()));
        if let Err(problem) = checked {
            problems.push(format!("{}: {problem}", path.display()));
        }
    }
    if problems.is_empty() {
        Ok(count)
    } else {
        Err(problems)
    }
}

/// Prepares the output directory: creates `runs/` and writes (or checks) the identity file, so
/// records of a different sweep are never mixed in.
pub fn prepare(dir: &Path, plan: &Plan) -> Result<(), SweepError> {
    let runs = dir.join(RUNS_DIR);
    fs::create_dir_all(&runs).map_err(io_error(&runs))?;
    let identity = SweepIdentity {
        sweep: plan.identity.clone(),
        scenario: plan.scenario.name().to_owned(),
        points: plan.point_count(),
        replications: plan.replications,
        runs: plan.run_count(),
    };
    let path = dir.join(SWEEP_FILE);
    if let Ok(text) = fs::read_to_string(&path) {
        match serde_json::from_str::<SweepIdentity>(&text) {
            Ok(existing) if existing == identity => return Ok(()),
            _ => {
                return Err(SweepError::Invalid(format!(
                    "{} holds the records of a different sweep ({} differs: another scenario, \
                     design or --set); nothing was written. Choose another --out; the sweep \
                     already there continues with `cocreate sweep --resume --out {}`",
                    dir.display(),
                    path.display(),
                    dir.display()
                )));
            }
        }
    }
    let text =
        serde_json::to_string_pretty(&identity).map_err(|e| SweepError::Invalid(e.to_string()))?;
    // Shards of a sweep may prepare the directory at the same moment: the identity file is
    // created without replacing one that appeared meanwhile (a hard link fails if the name
    // exists), and that one is then checked like any other.
    let temp = crate::io::atomic::temp_path_for(&path);
    let written = fs::File::create(&temp).and_then(|mut file| {
        use std::io::Write;
        file.write_all(format!("{text}\n").as_bytes())?;
        file.sync_all()
    });
    if let Err(source) = written {
        let _ = fs::remove_file(&temp);
        return Err(SweepError::Io { path: temp, source });
    }
    let linked = fs::hard_link(&temp, &path);
    let _ = fs::remove_file(&temp);
    match linked {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => prepare(dir, plan),
        // A file system without hard links: an atomic rename (last writer wins).
        Err(_) => crate::io::atomic::write_bytes_atomic(&path, format!("{text}\n").as_bytes())
            .map_err(io_error(&path)),
    }
}

/// Removes temporary record files that a killed process left behind for runs of `shard`
/// (only this shard writes those runs, so no other process is writing them).
pub fn remove_stale_temporaries(dir: &Path, shard: Shard) {
    let Ok(entries) = fs::read_dir(dir.join(RUNS_DIR)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let run = name
            .strip_prefix('.')
            .and_then(|rest| rest.split_once(".json.tmp-"))
            .and_then(|(run, _)| run.parse::<usize>().ok());
        if run.is_some_and(|run| shard.owns(run)) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Executes `runs` in parallel, writing each record as it finishes. With `resume`, runs whose
/// record already exists are skipped. Once `stop` is set no new run starts; runs under way
/// finish and are saved, and the result is [`SweepError::Interrupted`]. Returns the number of
/// runs executed.
pub fn execute(
    dir: &Path,
    plan: &Plan,
    runs: &[RunId],
    resume: bool,
    progress: &dyn Progress,
    stop: &AtomicBool,
) -> Result<usize, SweepError> {
    let executed = runs
        .par_iter()
        .map(|&run| -> Result<usize, SweepError> {
            if stop.load(Ordering::Relaxed) {
                return Ok(0);
            }
            if resume && read_record(dir, plan, run).is_ok() {
                progress.advance(1);
                return Ok(0);
            }
            let mut record = execute_one(plan, run)?;
            let path = run_path(dir, run.run);
            record
                .check(&plan.identity, run, plan.firms(), plan.ticks())
                .map_err(|problem| {
                    SweepError::NonFinite(format!(
                        "run {} (design point {}, replication {}) {problem}; this is a bug: \
                         please report it with the scenario",
                        run.run, run.point, run.replication
                    ))
                })?;
            let text = record
                .seal()
                .map_err(|e| SweepError::Invalid(e.to_string()))?;
            crate::io::atomic::write_bytes_atomic(&path, text.as_bytes())
                .map_err(io_error(&path))?;
            progress.advance(1);
            Ok(1)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    if stop.load(Ordering::Relaxed) {
        let absent = missing(dir, plan).len();
        return Err(SweepError::Interrupted {
            done: plan.run_count() - absent,
            total: plan.run_count(),
        });
    }
    Ok(executed)
}

fn execute_one(plan: &Plan, run: RunId) -> Result<RunRecord, SweepError> {
    let scenario = plan.point(run.point)?;
    let replication = run_replication(
        &scenario,
        run.replication,
        Keep { customers: false },
        &Silent,
    );
    let firms = replication.firms;
    let trajectories = (0..firms)
        .map(|firm| {
            let series = replication.firm_series(firm);
            BAND_METRICS
                .iter()
                .map(|metric| {
                    series
                        .iter()
                        .map(|tick| tick.value(metric).unwrap_or(f64::NAN) as f32)
                        .collect()
                })
                .collect()
        })
        .collect();
    Ok(RunRecord {
        sweep: plan.identity.clone(),
        run: run.run,
        point: run.point,
        replication: run.replication,
        seed: replication.seed,
        outcomes: replication
            .summaries
            .iter()
            .map(|s| s.values().to_vec())
            .collect(),
        regimes: replication
            .summaries
            .iter()
            .map(|s| s.regime.to_string())
            .collect(),
        trajectories,
        checksum: String::new(),
    })
}

/// The runs without a record file. ([`prepare`] guarantees that records in the directory
/// belong to this sweep; each record is validated again when read.)
pub fn missing(dir: &Path, plan: &Plan) -> Vec<RunId> {
    (0..plan.run_count())
        .map(|run| plan.run(run))
        .filter(|run| !run_path(dir, run.run).is_file())
        .collect()
}

/// Summary of one run and firm, as read back from its record.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub run: RunId,
    pub seed: u64,
    pub firm: usize,
    pub outcomes: Vec<f64>,
    pub regime: Regime,
}

/// Per design point and firm: each outcome's estimate and the regime shares.
#[derive(Debug, Clone, PartialEq)]
pub struct PointStats {
    pub point: usize,
    pub firm: usize,
    pub outcomes: Vec<Estimate>,
    /// Shares of runs in [`Regime::ALL`] order.
    pub regime_shares: [f64; 3],
}

/// A variant minus the reference (first) variant, paired by replication.
#[derive(Debug, Clone, PartialEq)]
pub struct Contrast {
    pub point: usize,
    pub firm: usize,
    pub outcome: &'static str,
    pub difference: Estimate,
}

/// Everything aggregated from a sweep's records.
pub struct SweepResults {
    pub rows: Vec<RunRow>,
    pub points: Vec<PointStats>,
    pub contrasts: Vec<Contrast>,
    /// Bands of every point, kept only for variants designs (few points).
    pub variant_bands: Vec<Bands>,
}

/// Reads every record in run order and aggregates it. `on_bands` receives each point's bands
/// as soon as its replications are read (so bands of all points are never held at once).
pub fn aggregate<F>(dir: &Path, plan: &Plan, mut on_bands: F) -> Result<SweepResults, SweepError>
where
    F: FnMut(usize, &Bands) -> io::Result<()>,
{
    let absent = missing(dir, plan);
    if !absent.is_empty() {
        return Err(SweepError::Incomplete(describe_missing(plan, &absent)));
    }
    let firms = plan.firms();
    let replications = plan.replications as usize;
    let mut rows = Vec::with_capacity(plan.run_count() * firms);
    let mut points = Vec::with_capacity(plan.point_count() * firms);
    let mut variant_bands = Vec::new();
    for point in 0..plan.point_count() {
        let mut bands = Bands::with_metrics(&BAND_METRICS, firms, plan.ticks());
        for replication in 0..replications {
            let run = plan.run(point * replications + replication);
            let record = read_record(dir, plan, run).map_err(|problem| {
                SweepError::Incomplete(format!(
                    "{}: the record of run {} {problem}; it counts as missing: rerun the sweep \
                     with --resume to recompute it",
                    run_path(dir, run.run).display(),
                    run.run,
                ))
            })?;
            for firm in 0..firms {
                let regime = record.regimes[firm].parse().map_err(SweepError::Invalid)?;
                rows.push(RunRow {
                    run,
                    seed: record.seed,
                    firm,
                    outcomes: record.outcomes[firm].clone(),
                    regime,
                });
                for (metric, values) in record.trajectories[firm].iter().enumerate() {
                    for (tick, &value) in values.iter().enumerate() {
                        bands.add_value(firm, metric, tick, f64::from(value));
                    }
                }
            }
        }
        on_bands(point, &bands).map_err(|source| SweepError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let point_rows = &rows[point * replications * firms..];
        for firm in 0..firms {
            let of_firm: Vec<&RunRow> = point_rows.iter().filter(|r| r.firm == firm).collect();
            let outcomes = (0..FirmSummary::COLUMNS.len())
                .map(|o| Estimate::of(of_firm.iter().map(|r| r.outcomes[o])))
                .collect();
            let share = |regime| {
                of_firm.iter().filter(|r| r.regime == regime).count() as f64
                    / of_firm.len().max(1) as f64
            };
            points.push(PointStats {
                point,
                firm,
                outcomes,
                regime_shares: Regime::ALL.map(share),
            });
        }
        if plan.design.kind == DesignKind::Variants {
            variant_bands.push(bands);
        }
    }
    let contrasts = if plan.design.kind == DesignKind::Variants {
        contrasts(&rows, plan)
    } else {
        Vec::new()
    };
    Ok(SweepResults {
        rows,
        points,
        contrasts,
        variant_bands,
    })
}

/// Paired differences of every variant against the first, per firm and outcome.
fn contrasts(rows: &[RunRow], plan: &Plan) -> Vec<Contrast> {
    let firms = plan.firms();
    let replications = plan.replications as usize;
    let value = |point: usize, replication: usize, firm: usize, outcome: usize| {
        rows[(point * replications + replication) * firms + firm].outcomes[outcome]
    };
    let mut out = Vec::new();
    for point in 1..plan.point_count() {
        for firm in 0..firms {
            for (outcome, name) in FirmSummary::COLUMNS.iter().enumerate() {
                let differences = (0..replications)
                    .map(|r| value(point, r, firm, outcome) - value(0, r, firm, outcome));
                out.push(Contrast {
                    point,
                    firm,
                    outcome: name,
                    difference: Estimate::of(differences),
                });
            }
        }
    }
    out
}

/// A message naming the missing runs and the shards that should be rerun.
pub fn describe_missing(plan: &Plan, absent: &[RunId]) -> String {
    let mut message = format!(
        "the sweep is incomplete: {} of {} runs have no record",
        absent.len(),
        plan.run_count()
    );
    let sample: Vec<String> = absent.iter().take(10).map(|r| r.run.to_string()).collect();
    message.push_str(&format!(
        " (runs {}{})",
        sample.join(", "),
        if absent.len() > 10 { ", ..." } else { "" }
    ));
    message
}

/// Shards of `count` that own at least one of `absent`.
pub fn shards_owning(absent: &[RunId], count: usize) -> Vec<usize> {
    let mut shards: Vec<usize> = absent.iter().map(|r| r.run % count + 1).collect();
    shards.sort_unstable();
    shards.dedup();
    shards
}

/// Records which shard of how many finished, for merge's messages.
pub fn mark_shard_done(dir: &Path, shard: Shard) -> Result<(), SweepError> {
    let path = dir
        .join(RUNS_DIR)
        .join(format!("shard-{}-of-{}.done", shard.index, shard.count));
    crate::io::atomic::write_bytes_atomic(&path, b"").map_err(io_error(&path))
}

/// Shard counts used in `dir` (from the shard marker files).
pub fn shard_counts(dir: &Path) -> Vec<usize> {
    let mut counts: Vec<usize> = fs::read_dir(dir.join(RUNS_DIR))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix("shard-")?.strip_suffix(".done")?;
            rest.split_once("-of-")?.1.parse().ok()
        })
        .collect();
    counts.sort_unstable();
    counts.dedup();
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Override, Source};

    fn plan() -> Plan {
        let text = format!(
            "{}\n[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\nkey = \"firms.0.policy.service_recovery\"\nvalues = [0.1, 0.9]\n",
            crate::scenario::BASELINE_TOML
        );
        let sets: Vec<Override> = [
            "population.capacity=600",
            "population.initial=500",
            "ticks=20",
            "replications=3",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        let source = Source {
            name: "t".into(),
            text,
        };
        Plan::new(Scenario::load(&source, &sets).unwrap()).unwrap()
    }

    #[test]
    fn shards_partition_the_runs() {
        let plan = plan();
        let mut all: Vec<usize> = (1..=4)
            .flat_map(|i| plan.runs(Shard { index: i, count: 4 }))
            .map(|r| r.run)
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..plan.run_count()).collect::<Vec<_>>());
        assert!("0/3".parse::<Shard>().is_err() && "4/3".parse::<Shard>().is_err());
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
    }

    #[test]
    fn sharded_execution_aggregates_like_unsharded() {
        let plan = plan();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        prepare(a.path(), &plan).unwrap();
        execute(
            a.path(),
            &plan,
            &plan.runs(Shard::ALL),
            false,
            &Silent,
            &AtomicBool::new(false),
        )
        .unwrap();
        prepare(b.path(), &plan).unwrap();
        for index in [2, 1] {
            let shard = Shard { index, count: 2 };
            execute(
                b.path(),
                &plan,
                &plan.runs(shard),
                false,
                &Silent,
                &AtomicBool::new(false),
            )
            .unwrap();
        }
        let ra = aggregate(a.path(), &plan, |_, _| Ok(())).unwrap();
        let rb = aggregate(b.path(), &plan, |_, _| Ok(())).unwrap();
        assert_eq!(ra.rows, rb.rows);
        assert_eq!(ra.points, rb.points);
        // Common random numbers: replication r has the same seed at every point.
        assert_eq!(ra.rows[0].seed, ra.rows[3].seed);
    }

    #[test]
    fn stale_temporaries_of_own_runs_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let runs = dir.path().join(RUNS_DIR);
        fs::create_dir_all(&runs).unwrap();
        for name in [
            ".0000004.json.tmp-77",
            ".0000005.json.tmp-78",
            "0000004.json",
        ] {
            fs::write(runs.join(name), b"x").unwrap();
        }
        remove_stale_temporaries(dir.path(), Shard { index: 1, count: 2 });
        let mut left: Vec<String> = fs::read_dir(&runs)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".0000005.json.tmp-78", "0000004.json"]);
    }

    #[test]
    fn a_stopped_sweep_starts_no_run_and_says_so() {
        let plan = plan();
        let dir = tempfile::tempdir().unwrap();
        prepare(dir.path(), &plan).unwrap();
        let stop = AtomicBool::new(true);
        let result = execute(
            dir.path(),
            &plan,
            &plan.runs(Shard::ALL),
            false,
            &Silent,
            &stop,
        );
        assert!(matches!(
            result,
            Err(SweepError::Interrupted { done: 0, total: 6 })
        ));
    }

    #[test]
    fn incomplete_sweeps_are_refused_and_resume_fills_the_gap() {
        let plan = plan();
        let dir = tempfile::tempdir().unwrap();
        prepare(dir.path(), &plan).unwrap();
        let go = AtomicBool::new(false);
        let half = plan.runs(Shard { index: 1, count: 2 });
        execute(dir.path(), &plan, &half, false, &Silent, &go).unwrap();
        let Err(SweepError::Incomplete(message)) = aggregate(dir.path(), &plan, |_, _| Ok(()))
        else {
            panic!("an incomplete sweep was merged");
        };
        assert!(message.contains("3 of 6 runs"), "{message}");
        assert_eq!(shards_owning(&missing(dir.path(), &plan), 2), [2]);
        let executed = execute(
            dir.path(),
            &plan,
            &plan.runs(Shard::ALL),
            true,
            &Silent,
            &go,
        )
        .unwrap();
        assert_eq!(executed, 3);
        assert!(aggregate(dir.path(), &plan, |_, _| Ok(())).is_ok());
    }
}
