//! One writer per output directory, and no silent mixing of results.
//!
//! Why: two commands writing into one directory at once, a `run` into a sweep's directory, or a
//! rerun with different overrides used to leave files of two runs side by side under one
//! manifest (issue 12). Every writing command therefore:
//!
//! 1. takes an advisory lock on `DIR/.cocreate.lock` for the whole command (exclusive; shards of
//!    one sweep share it), and refuses a second writer with exit 2;
//! 2. refuses a directory of the other kind (a run's outputs in a sweep directory, or the
//!    reverse);
//! 3. (`run`) refuses to replace the complete results of a *different* resolved scenario unless
//!    `--force`;
//! 4. removes temporary files left by killed writers (safe: under the lock no one else writes);
//! 5. removes the old `manifest.json` (and syncs the directory) before replacing any file, so a
//!    manifest present always describes the files beside it (it lists their SHA-256).
//!
//! The lock is `flock(2)` through `std::fs::File::lock` and is released by the kernel when the
//! process ends, however it ends; the lock file itself is never removed (removing it would let
//! two processes lock two different files).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::AppError;
use crate::experiment::sweep::{RUNS_DIR, SWEEP_FILE};

/// Name of the lock file inside an output directory.
pub const LOCK_FILE: &str = ".cocreate.lock";
/// Name of the manifest.
pub const MANIFEST: &str = "manifest.json";

/// What kind of results a directory holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `cocreate run`: timeseries.csv, summary.csv, customers.csv, charts/.
    Run,
    /// `cocreate sweep` / `merge`: sweep.json, sweep.toml, runs/, aggregated CSVs.
    Sweep,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Run => "the results of `cocreate run`",
            Kind::Sweep => "a sweep (`cocreate sweep`)",
        }
    }

    /// The kind `dir` already holds, if any.
    pub fn of(dir: &Path) -> Option<Kind> {
        if dir.join(SWEEP_FILE).exists() || dir.join(RUNS_DIR).is_dir() {
            return Some(Kind::Sweep);
        }
        let run_files = ["timeseries.csv", "summary.csv", "customers.csv"];
        if run_files.iter().any(|f| dir.join(f).exists()) {
            return Some(Kind::Run);
        }
        None
    }
}

/// An exclusive (or shared) hold on an output directory; released when dropped or when the
/// process ends.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
    pub dir: PathBuf,
}

/// Whether other holders may share the lock (the shards of one sweep) or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Exclusive,
    Shared,
}

/// Creates `dir` if needed and locks it for `command`. A directory locked by another process is
/// refused at once (exit 2), naming the holder when it says who it is.
pub fn lock(dir: &Path, mode: Mode, command: &str) -> Result<DirLock, AppError> {
    lock_within(dir, mode, command, std::time::Duration::ZERO)
}

/// As [`lock`], but waits up to `patience` for the holder to let go. For the shards of one
/// sweep, which start together and each hold the lock exclusively for the moment it takes to
/// prepare the directory.
pub fn lock_within(
    dir: &Path,
    mode: Mode,
    command: &str,
    patience: std::time::Duration,
) -> Result<DirLock, AppError> {
    let give_up = std::time::Instant::now() + patience;
    loop {
        match lock_once(dir, mode, command) {
            Err(AppError::Input(_)) if std::time::Instant::now() < give_up => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

fn lock_once(dir: &Path, mode: Mode, command: &str) -> Result<DirLock, AppError> {
    fs::create_dir_all(dir).map_err(AppError::write(dir))?;
    let path = dir.join(LOCK_FILE);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(AppError::write(&path))?;
    let taken = match mode {
        Mode::Exclusive => file.try_lock(),
        Mode::Shared => file.try_lock_shared(),
    };
    match taken {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            let holder = fs::read_to_string(&path).unwrap_or_default();
            let holder = holder.trim();
            return Err(AppError::Input(format!(
                "{} is in use by another cocreate process{}; wait for it to finish, or choose \
                 another --out",
                dir.display(),
                if holder.is_empty() {
                    String::new()
                } else {
                    format!(" ({holder})")
                }
            )));
        }
        Err(fs::TryLockError::Error(source)) => {
            return Err(AppError::Write { path, source });
        }
    }
    if mode == Mode::Exclusive {
        // Say who holds it, for the message a second writer gets.
        let _ = file.set_len(0);
        let _ = write!(file, "pid {}, `cocreate {command}`", std::process::id());
    }
    Ok(DirLock {
        _file: file,
        dir: dir.to_owned(),
    })
}

/// Refuses a directory that holds results of the other kind.
pub fn check_kind(dir: &Path, want: Kind) -> Result<(), AppError> {
    match Kind::of(dir) {
        Some(kind) if kind != want => Err(AppError::Input(format!(
            "{} holds {}; it cannot also hold {}: choose another --out",
            dir.display(),
            kind.noun(),
            want.noun()
        ))),
        _ => Ok(()),
    }
}

/// The resolved-scenario digest of the complete run whose manifest is in `dir`, if any.
fn recorded_scenario(dir: &Path) -> Option<String> {
    let text = read_bounded(&dir.join(MANIFEST), 1 << 26).ok()?;
    let manifest: serde_json::Value = serde_json::from_str(&text).ok()?;
    if manifest.get("completed") != Some(&serde_json::Value::Bool(true)) {
        return None;
    }
    manifest
        .get("scenario_sha256")
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

/// Refuses to replace the complete results of a different resolved scenario unless `force`.
/// (Incomplete results, without a manifest, are replaced: they describe nothing.)
pub fn check_same_scenario(dir: &Path, sha256: &str, force: bool) -> Result<(), AppError> {
    match recorded_scenario(dir) {
        Some(existing) if existing != sha256 && !force => Err(AppError::Input(format!(
            "{} holds the results of a different scenario (its manifest.json records scenario \
             SHA-256 {}…, this one is {}…); nothing was written. Use --force to replace them, \
             or choose another --out",
            dir.display(),
            &existing[..existing.len().min(12)],
            &sha256[..sha256.len().min(12)]
        ))),
        _ => Ok(()),
    }
}

/// Takes `dir` for one writing command, in the order every writer needs: the exclusive lock;
/// under it, `check` (which must see the directory as it is, e.g. its kind); the temporaries of
/// killed writers removed from `dir` and its `subdirs`; the old manifest invalidated; and the
/// signal handler that removes this process's own temporaries. The lock is held until the
/// returned guard drops.
pub fn claim(
    dir: &Path,
    command: &str,
    subdirs: &[&str],
    check: impl FnOnce() -> Result<(), AppError>,
) -> Result<DirLock, AppError> {
    let lock = lock(dir, Mode::Exclusive, command)?;
    check()?;
    let mut dirs = vec![dir.to_path_buf()];
    dirs.extend(subdirs.iter().map(|sub| dir.join(sub)));
    remove_stale_temporaries(&dirs);
    // Nothing is replaced while an old manifest could still vouch for it.
    invalidate_manifest(dir)?;
    super::run::install_cleanup();
    Ok(lock)
}

/// Removes `manifest.json` and makes the removal durable, before any other file is replaced.
pub fn invalidate_manifest(dir: &Path) -> Result<(), AppError> {
    let path = dir.join(MANIFEST);
    match fs::remove_file(&path) {
        Ok(()) => sync_dir(dir).map_err(AppError::write(dir)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(AppError::Write { path, source }),
    }
}

/// Flushes a directory's entries (renames, removals) to disk.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Removes the temporary files (`.NAME.tmp-PID-…`) that killed writers left in `dirs`, except
/// this process's own. Call only under an exclusive lock: then no other process writes here.
/// Returns how many were removed.
pub fn remove_stale_temporaries(dirs: &[PathBuf]) -> usize {
    let own = format!("-{}-", std::process::id());
    let mut removed = 0;
    for dir in dirs {
        let Ok(entries) = fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some((stem, tail)) = name.split_once(".tmp-") else {
                continue;
            };
            let writer = tail.split('-').next().and_then(|p| p.parse::<u32>().ok());
            if stem.len() < 2 || !stem.starts_with('.') || writer.is_none() {
                continue;
            }
            if format!("-{tail}").starts_with(&own) {
                continue;
            }
            if entry.file_type().is_ok_and(|t| t.is_file()) && fs::remove_file(entry.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    removed
}

/// Reads a file of at most `limit` bytes as UTF-8; larger files are an error (never read whole).
pub fn read_bounded(path: &Path, limit: u64) -> io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    File::open(path)?
        .take(limit + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(io::Error::other(format!("larger than {limit} bytes")));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_exclusive_writer_is_refused_and_a_released_lock_is_free() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock(dir.path(), Mode::Exclusive, "run").unwrap();
        let Err(AppError::Input(message)) = lock(dir.path(), Mode::Exclusive, "run") else {
            panic!("a second writer was let in");
        };
        assert!(
            message.contains("in use by another cocreate process"),
            "{message}"
        );
        assert!(
            message.contains(&format!("pid {}", std::process::id())),
            "{message}"
        );
        assert!(lock(dir.path(), Mode::Shared, "sweep").is_err());
        drop(first);
        let a = lock(dir.path(), Mode::Shared, "sweep").unwrap();
        let _b = lock(dir.path(), Mode::Shared, "sweep").unwrap();
        assert!(lock(dir.path(), Mode::Exclusive, "run").is_err());
        drop(a);
    }

    #[test]
    fn stale_temporaries_of_other_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let own = format!(".a.csv.tmp-{}-1-0", std::process::id());
        for name in [".b.csv.tmp-1-2-3", own.as_str(), "c.csv", ".tmp-x"] {
            fs::write(dir.path().join(name), b"x").unwrap();
        }
        assert_eq!(remove_stale_temporaries(&[dir.path().to_owned()]), 1);
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut want = vec![".tmp-x".to_owned(), own, "c.csv".to_owned()];
        want.sort();
        assert_eq!(left, want);
    }

    #[test]
    fn bounded_reads_refuse_large_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        fs::write(&path, vec![b'a'; 100]).unwrap();
        assert!(read_bounded(&path, 99).is_err());
        assert_eq!(read_bounded(&path, 100).unwrap().len(), 100);
    }
}
