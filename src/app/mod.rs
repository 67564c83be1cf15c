//! The commands: each loads its input through the scenario layer, drives the experiment layer
//! and hands results to the output modules. Errors are typed so that the binary can map them
//! to exit codes (2 for invalid input, 1 for anything else).

mod check;
mod compare;
mod estimate;
mod memory;
pub mod outdir;
mod progress;
mod run;
mod slurm;
mod survey;
mod sweep;
mod validate;
mod verify;

use std::path::{Path, PathBuf};

pub use check::check;
pub use compare::{CompareOutcome, compare, compare_dirs, pairing_note};
pub use run::run;
pub use slurm::{SlurmOutcome, slurm};
pub use survey::survey;
pub use sweep::{SweepOutcome, merge, sweep};
pub use validate::{ValidateOutcome, validate};
pub use verify::verify;

use crate::output::charts::ChartError;
use crate::scenario::{Override, ScenarioError, Source};

/// A failed command.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input (scenario, overrides, arguments, output path) is invalid: exit code 2.
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// Writing an output failed: exit code 1.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// A sweep cannot be merged because runs are missing: exit code 1.
    #[error("{0}")]
    Incomplete(String),
    /// An external program (such as `sbatch`) is missing or failed: exit code 1.
    #[error("{0}")]
    External(String),
    /// Stopped by Ctrl-C: exit code 130, as for a shell's interrupted command.
    #[error("{0}")]
    Interrupted(String),
    /// The validation battery could not run: exit code 1.
    #[error(transparent)]
    Validation(#[from] crate::validation::ValidationError),
    /// The validation ran and a pattern failed: exit code 1.
    #[error("{0}")]
    PatternsFailed(String),
}

impl AppError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            AppError::Input(_) | AppError::Scenario(_) => 2,
            AppError::Write { .. }
            | AppError::Chart(_)
            | AppError::Incomplete(_)
            | AppError::External(_)
            | AppError::Validation(_)
            | AppError::PatternsFailed(_) => 1,
            AppError::Interrupted(_) => 130,
        }
    }

    pub(crate) fn write(path: &Path) -> impl FnOnce(std::io::Error) -> AppError + '_ {
        move |source| AppError::Write {
            path: path.to_owned(),
            source,
        }
    }
}

/// Largest scenario file read (a scenario is a few KB; this stops `/dev/zero` and the like).
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// Reads a scenario file, or the built-in baseline when no path is given.
pub fn read_source(path: Option<&Path>) -> Result<Source, AppError> {
    match path {
        None => Ok(Source::baseline()),
        Some(path) => {
            if path.is_dir() {
                return Err(AppError::Input(format!(
                    "cannot read scenario {}: it is a directory",
                    path.display()
                )));
            }
            let text = outdir::read_bounded(path, MAX_SCENARIO_BYTES).map_err(|error| {
                AppError::Input(format!(
                    "cannot read scenario {}: {}",
                    path.display(),
                    if error.kind() == std::io::ErrorKind::Other {
                        format!(
                            "larger than {} MB; a scenario file is a few KB of TOML",
                            MAX_SCENARIO_BYTES >> 20
                        )
                    } else if error.kind() == std::io::ErrorKind::NotFound {
                        match suggest_scenario(path) {
                            Some(suggestion) => {
                                format!("no such file (did you mean `{suggestion}`?)")
                            }
                            None => "no such file".to_owned(),
                        }
                    } else {
                        error.to_string()
                    }
                ))
            })?;
            Ok(Source {
                name: path.display().to_string(),
                text,
            })
        }
    }
}

/// Prints the scenario's warnings (valid input that is probably a mistake) on stderr.
pub(crate) fn warn(scenario: &crate::scenario::Scenario) {
    for line in scenario.warnings() {
        eprintln!("{line}");
    }
}

/// For a scenario path that does not exist: the closest shipped scenario
/// (`run virtous` → `scenarios/virtuous.toml`), if one is close.
fn suggest_scenario(path: &Path) -> Option<String> {
    let wanted = path.file_stem()?.to_string_lossy().into_owned();
    let shipped: Vec<String> = std::fs::read_dir("scenarios")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".toml").map(str::to_owned)
        })
        .collect();
    let names: Vec<&str> = shipped.iter().map(String::as_str).collect();
    let exact = names.iter().find(|n| **n == wanted).copied();
    let best = exact.or_else(|| crate::scenario::diagnostics::closest(&wanted, &names))?;
    Some(format!("scenarios/{best}.toml"))
}

/// An override produced by a dedicated flag such as `--seed 7`.
pub(crate) fn flag_override(flag: &str, key: &str, value: i64) -> Override {
    Override {
        key: key.to_owned(),
        value: toml::Value::Integer(value),
        raw: format!("--{flag} {value}"),
    }
}

/// The override of `--seed N` (TOML integers are signed, so N must fit in an `i64`).
pub(crate) fn seed_override(seed: u64) -> Result<Override, AppError> {
    let seed = i64::try_from(seed)
        .map_err(|_| AppError::Input(format!("--seed {seed}: must be at most {}", i64::MAX)))?;
    Ok(flag_override("seed", "seed", seed))
}

/// Checks that `dir` can hold outputs: not an existing file, creatable and writable. Nothing is
/// created here; the caller creates the directory only once the run has succeeded.
pub(crate) fn check_output_dir(dir: &Path) -> Result<(), AppError> {
    check_symlinks(dir)?;
    if dir.exists() && !dir.is_dir() {
        return Err(AppError::Input(format!(
            "output path {} exists and is not a directory",
            dir.display()
        )));
    }
    let mut existing = dir;
    while !existing.exists() {
        match existing.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => existing = parent,
            _ => return Ok(()),
        }
    }
    if !existing.is_dir() {
        return Err(AppError::Input(format!(
            "output path {}: {} is not a directory",
            dir.display(),
            existing.display()
        )));
    }
    let readonly = std::fs::metadata(existing)
        .map(|m| m.permissions().readonly())
        .unwrap_or(false);
    if readonly {
        return Err(AppError::Input(format!(
            "output directory {} cannot be written ({} is read-only)",
            dir.display(),
            existing.display()
        )));
    }
    Ok(())
}

/// Refuses an output path (or a parent of it) that is a dangling symlink or a symlink loop,
/// naming which, instead of the operating system's "File exists".
fn check_symlinks(dir: &Path) -> Result<(), AppError> {
    for path in dir.ancestors().filter(|p| !p.as_os_str().is_empty()) {
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            continue;
        }
        if let Err(error) = std::fs::metadata(path) {
            let what = if error.raw_os_error() == Some(40) {
                "a symlink loop (ELOOP)".to_owned()
            } else {
                match std::fs::read_link(path) {
                    Ok(target) => {
                        format!("a symlink to {}, which does not exist", target.display())
                    }
                    Err(_) => "a symlink whose target does not exist".to_owned(),
                }
            };
            return Err(AppError::Input(format!(
                "output path {}: {} is {what}; remove the link or choose another --out",
                dir.display(),
                path.display()
            )));
        }
    }
    Ok(())
}

/// Writes `report.html` from the directory's files and the manifest about to be written, then
/// `manifest.json` itself, last (its presence means every other file is complete). Both names
/// are added to the manifest's `files`. Returns the two paths.
pub(crate) fn write_report_and_manifest(
    dir: &Path,
    mut manifest: serde_json::Value,
) -> Result<Vec<PathBuf>, AppError> {
    if let Some(files) = manifest["files"].as_array_mut() {
        files.push(serde_json::Value::from(crate::output::html::REPORT_FILE));
    }
    let report = dir.join(crate::output::html::REPORT_FILE);
    crate::output::html::write_report(dir, &manifest).map_err(AppError::write(&report))?;
    let path = dir.join("manifest.json");
    crate::output::manifest::write_manifest_value(&path, manifest)
        .map_err(AppError::write(&path))?;
    Ok(vec![report, path])
}

/// `cocreate report DIR`: rebuilds `report.html` from the files in DIR.
pub fn report(dir: &Path) -> Result<PathBuf, AppError> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        AppError::Input(format!(
            "{} is not a cocreate output directory (cannot read manifest.json: {e})",
            dir.display()
        ))
    })?;
    let mut manifest: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| AppError::Input(format!("{}: invalid JSON: {e}", path.display())))?;
    let report = dir.join(crate::output::html::REPORT_FILE);
    crate::output::html::write_report(dir, &manifest).map_err(AppError::write(&report))?;
    // The rebuilt page is a new file: its digest in the manifest is updated (and only its, so
    // `verify` still catches any other file that changed).
    if let Some(digests) = manifest["sha256"].as_object_mut() {
        let digest =
            crate::output::manifest::sha256_file(&report).map_err(AppError::write(&report))?;
        digests.insert(
            crate::output::html::REPORT_FILE.to_owned(),
            serde_json::Value::String(digest),
        );
        let text = serde_json::to_string_pretty(&manifest)
            .map_err(|e| AppError::write(&path)(std::io::Error::other(e)))?;
        crate::output::atomic::write_bytes_atomic(&path, format!("{text}\n").as_bytes())
            .map_err(AppError::write(&path))?;
    }
    Ok(report)
}
