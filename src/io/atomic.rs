//! Atomic file output: every file is written under a temporary name in its final directory
//! and renamed into place only once complete, so a killed run never leaves a truncated file.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The temporary sibling name under which `path` is written before being renamed.
///
/// The name is hidden (leading dot) and lives in the same directory so that the final rename is
/// atomic on POSIX filesystems. It is unique per write: the process id, the time in nanoseconds
/// and a per-process counter, so writers on different machines sharing a filesystem (cluster
/// shards) cannot pick the same name.
pub fn temp_path_for(path: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_owned());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp_name = format!(".{file_name}.tmp-{}-{nanos}-{count}", std::process::id());
    path.with_file_name(temp_name)
}

/// Moves a completed temporary file into its final place; if the rename fails, the temporary
/// file is removed (a failed rename must not leave a copy as large as the output behind).
pub fn commit(temp: &Path, path: &Path) -> io::Result<()> {
    fs::rename(temp, path).inspect_err(|_| {
        let _ = fs::remove_file(temp);
    })
}

/// Writes `path` atomically: `fill` writes the content into a buffered temporary file, which is
/// flushed, synced and renamed over `path` only if `fill` succeeds. On failure the temporary
/// file is removed and `path` is left untouched.
pub fn write_atomic<F>(path: &Path, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut BufWriter<fs::File>) -> io::Result<()>,
{
    let temp = temp_path_for(path);
    let _live = Live::register(&temp);
    let result = (|| {
        let mut writer = BufWriter::new(fs::File::create(&temp)?);
        fill(&mut writer)?;
        writer.flush()?;
        writer.get_ref().sync_all()?;
        Ok(())
    })();
    match result {
        Ok(()) => commit(&temp, path),
        Err(error) => {
            let _ = fs::remove_file(&temp);
            Err(error)
        }
    }
}

/// A file being written under its temporary name; [`AtomicFile::commit`] renames it into place.
/// Dropped without commit, the temporary file is removed and the destination is untouched.
pub struct AtomicFile {
    path: PathBuf,
    temp: PathBuf,
    writer: Option<BufWriter<fs::File>>,
    _live: Live,
}

impl AtomicFile {
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        let temp = temp_path_for(path);
        let live = Live::register(&temp);
        let writer = BufWriter::new(fs::File::create(&temp)?);
        Ok(AtomicFile {
            path: path.to_owned(),
            temp,
            writer: Some(writer),
            _live: live,
        })
    }

    pub fn writer(&mut self) -> &mut BufWriter<fs::File> {
        self.writer
            .as_mut()
            .expect("an AtomicFile is only used before commit")
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> io::Result<()> {
        if let Some(mut writer) = self.writer.take() {
            let synced = writer.flush().and_then(|()| writer.get_ref().sync_all());
            if let Err(error) = synced {
                let _ = fs::remove_file(&self.temp);
                return Err(error);
            }
        }
        commit(&self.temp, &self.path)
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Writes a whole byte string atomically.
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic(path, |w| w.write_all(bytes))
}

/// Temporary files being written by this process, so that a signal handler can remove them
/// before the process exits ([`remove_live_temporaries`]): a killed `run` would otherwise leave
/// a temporary as large as customers.csv behind.
static LIVE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A temporary file's entry in [`LIVE`], removed from it when dropped (after commit or
/// removal of the file).
struct Live(PathBuf);

impl Live {
    fn register(temp: &Path) -> Live {
        if let Ok(mut live) = LIVE.lock() {
            live.push(temp.to_owned());
        }
        Live(temp.to_owned())
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        if let Ok(mut live) = LIVE.lock()
            && let Some(at) = live.iter().position(|p| *p == self.0)
        {
            live.swap_remove(at);
        }
    }
}

/// Removes every temporary file this process is writing. For signal handlers (which run on
/// their own thread, see `ctrlc`), just before the process exits; returns how many it removed.
pub fn remove_live_temporaries() -> usize {
    remove_live_under(Path::new(""))
}

/// [`remove_live_temporaries`] restricted to files under `dir` (every file for an empty path).
fn remove_live_under(dir: &Path) -> usize {
    let Ok(live) = LIVE.lock() else {
        return 0;
    };
    live.iter()
        .filter(|p| p.starts_with(dir) && fs::remove_file(p).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_content_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        write_bytes_atomic(&path, b"x,y\n1,2\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "x,y\n1,2\n");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "temporary file left behind");
    }

    #[test]
    fn uncommitted_atomic_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.csv");
        {
            let mut file = AtomicFile::create(&path).unwrap();
            file.writer().write_all(b"partial").unwrap();
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut file = AtomicFile::create(&path).unwrap();
        file.writer().write_all(b"done").unwrap();
        file.commit().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "done");
    }

    #[test]
    fn failed_write_keeps_previous_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        write_bytes_atomic(&path, b"old").unwrap();
        let result = write_atomic(&path, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("interrupted"))
        });
        assert!(result.is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_rename_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        // A non-empty directory where the file should go: the rename fails.
        let path = dir.path().join("d.csv");
        fs::create_dir_all(path.join("blocker")).unwrap();
        assert!(write_bytes_atomic(&path, b"x").is_err());
        let mut file = AtomicFile::create(&path).unwrap();
        file.writer().write_all(b"y").unwrap();
        assert!(file.commit().is_err());
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "a temporary was left"
        );
    }

    #[test]
    fn live_temporaries_can_be_removed_by_a_signal_handler() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = AtomicFile::create(&dir.path().join("c.csv")).unwrap();
        file.writer().write_all(b"partial").unwrap();
        file.writer().flush().unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(remove_live_under(dir.path()), 1);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
