//! One input path for every command that runs a scenario (`run`, `survey`, `sweep`, `slurm`,
//! and `compare`, which runs scenario files through `run`), after ripgrep's `LowArgs` →
//! `HiArgs`: a [`Request`] says what the command line asked for; [`Inputs::load`] turns it, in
//! the same order for every command, into a loaded scenario and a checked output directory:
//! read → override → load → default output directory → check the directory. The memory check
//! comes later, once the command knows how many replications run at a time
//! ([`check_memory`]); nothing is created before all of it has passed.

use std::path::{Path, PathBuf};

use super::{AppError, check_output_dir, flag_override, read_source, seed_override};
use crate::cli::RunSize;
use crate::scenario::{Override, Scenario, Source};

/// Where a command's scenario comes from.
#[derive(Clone, Copy)]
pub(crate) enum Origin<'a> {
    /// A scenario file, or the built-in baseline when `None`.
    File(Option<&'a Path>),
    /// The resolved scenario a sweep keeps in its directory (`sweep --resume --out DIR`).
    SweepDir(&'a Path),
}

/// What the command line asked for (the raw side: nothing read or checked yet).
pub(crate) struct Request<'a> {
    pub origin: Origin<'a>,
    /// `--set KEY=VALUE`, applied first, in order.
    pub sets: &'a [Override],
    /// `--seed`, `--replications`, `--ticks`, applied after the sets.
    pub size: RunSize,
    /// Overrides a command builds from its own flags, applied last.
    pub extra: Vec<Override>,
    /// `--out`; without it, `output/<scenario name>/` followed by `default_subdir`.
    pub out: Option<&'a Path>,
    pub default_subdir: Option<&'a str>,
    /// Print the scenario's warnings on stderr once it has loaded.
    pub warn: bool,
}

impl<'a> Request<'a> {
    /// A request with no overrides beyond `sets` and the default output directory.
    pub fn new(origin: Origin<'a>, sets: &'a [Override], out: Option<&'a Path>) -> Request<'a> {
        Request {
            origin,
            sets,
            size: RunSize::default(),
            extra: Vec::new(),
            out,
            default_subdir: None,
            warn: true,
        }
    }
}

/// A command's validated inputs (the high side).
pub(crate) struct Inputs {
    /// The scenario text as read (diagnostics point into it).
    pub source: Source,
    pub scenario: Scenario,
    /// The output directory: usable, though possibly not yet created.
    pub out_dir: PathBuf,
}

impl Inputs {
    /// Reads the scenario, applies the overrides, loads and validates it, and checks the output
    /// directory. Invalid input is an error with nothing written.
    pub fn load(request: Request<'_>) -> Result<Inputs, AppError> {
        let source = match request.origin {
            Origin::File(path) => read_source(path)?,
            Origin::SweepDir(dir) => super::sweep::sweep_source(dir)?,
        };
        let mut overrides = request.sets.to_vec();
        let RunSize {
            seed,
            replications,
            ticks,
        } = request.size;
        if let Some(seed) = seed {
            overrides.push(seed_override(seed)?);
        }
        if let Some(replications) = replications {
            overrides.push(flag_override(
                "replications",
                "replications",
                i64::from(replications),
            ));
        }
        if let Some(ticks) = ticks {
            overrides.push(flag_override("ticks", "ticks", i64::from(ticks)));
        }
        overrides.extend(request.extra);
        let scenario = Scenario::load(&source, &overrides)?;
        if request.warn {
            super::warn(&scenario);
        }
        let out_dir = match request.out {
            Some(out) => out.to_owned(),
            None => {
                let dir = Path::new("output").join(scenario.name());
                match request.default_subdir {
                    Some(subdir) => dir.join(subdir),
                    None => dir,
                }
            }
        };
        check_output_dir(&out_dir)?;
        Ok(Inputs {
            source,
            scenario,
            out_dir,
        })
    }
}

/// Refuses a run whose peak memory, `concurrent` replications of `scenario` at a time (with
/// their final customers if `customers`), would not fit in the memory available.
pub(crate) fn check_memory(
    scenario: &Scenario,
    concurrent: u64,
    customers: bool,
) -> Result<(), AppError> {
    super::memory::check(
        scenario,
        concurrent,
        customers,
        super::memory::available_bytes(),
    )
    .map_err(AppError::Input)
}
