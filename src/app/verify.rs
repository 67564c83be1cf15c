//! `cocreate verify DIR`: checks that a directory's files are the ones its manifest describes.
//!
//! Why: a manifest with `"completed": true` is only worth something if the files beside it are
//! the ones it lists. `verify` recomputes every listed file's SHA-256 against the manifest and,
//! in a sweep directory, every run record's own checksum. Exit 0 when all match, 1 when
//! anything differs or is missing (each problem named), 2 when DIR is not an output directory.

use std::path::Path;

use super::AppError;
use super::outdir::{MANIFEST, read_bounded};
use crate::experiment::sweep::{self, RUNS_DIR};
use crate::output::manifest;

/// Largest manifest read (a sweep of a million points lists each point).
const MAX_MANIFEST_BYTES: u64 = 1 << 30;

/// Verifies `dir`; on success returns the one-line report.
pub fn verify(dir: &Path) -> Result<String, AppError> {
    if !dir.is_dir() {
        return Err(AppError::Input(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    let path = dir.join(MANIFEST);
    let text = match read_bounded(&path, MAX_MANIFEST_BYTES) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(AppError::Incomplete(format!(
                "{}: no manifest.json: the directory holds no complete results (a run that \
                 failed or was stopped, or one under way)",
                dir.display()
            )));
        }
        Err(error) => {
            return Err(AppError::Incomplete(format!(
                "{}: cannot read: {error}",
                path.display()
            )));
        }
    };
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|error| {
        AppError::Incomplete(format!("{}: not valid JSON: {error}", path.display()))
    })?;
    let mut problems: Vec<String> = match manifest::verify(dir, &value) {
        Ok(_) => Vec::new(),
        Err(mismatches) => mismatches
            .into_iter()
            .map(|m| format!("{}: {}", dir.join(&m.file).display(), m.problem))
            .collect(),
    };
    let files = value
        .get("files")
        .and_then(serde_json::Value::as_array)
        .map_or(0, Vec::len);
    let mut records = 0;
    if dir.join(RUNS_DIR).is_dir() {
        match sweep::verify_records(dir) {
            Ok(count) => records = count,
            Err(bad) => problems.extend(bad),
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Incomplete(format!(
            "{} does not match its manifest ({} problem{}):\n  {}",
            dir.display(),
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            problems.join("\n  ")
        )));
    }
    Ok(format!(
        "{}: {files} files match manifest.json{}",
        dir.display(),
        if records > 0 {
            format!("; {records} run records have valid checksums")
        } else {
            String::new()
        }
    ))
}
