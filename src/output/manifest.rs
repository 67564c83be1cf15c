//! `manifest.json`: what was run, with which seeds, by which program, and how long it took.
//! Enough to reproduce a run byte for byte: the resolved scenario, its SHA-256, the master seed,
//! every replication's seed and the program version.

use std::io;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::io::atomic::write_bytes_atomic;
pub use crate::io::digest::sha256_hex;
use crate::scenario::Scenario;

/// UTC time as RFC 3339 (`2026-11-23T19:29:00Z`), without a date-time dependency.
pub fn rfc3339(time: SystemTime) -> String {
    let seconds = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// What the manifest records about one invocation.
pub struct RunRecord<'a> {
    pub command: &'a str,
    pub scenario: &'a Scenario,
    pub source: &'a str,
    pub replication_seeds: &'a [u64],
    pub started: SystemTime,
    pub wall_seconds: f64,
    pub files: &'a [String],
    /// Extra command-specific fields (e.g. a sweep's design).
    pub extra: Value,
}

/// The manifest as JSON.
pub fn manifest(record: &RunRecord) -> Value {
    let resolved = record.scenario.resolved_toml();
    let command_line: Vec<String> = std::env::args().collect();
    let mut value = json!({
        "program": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "command": record.command,
        "command_line": command_line,
        "source": record.source,
        "scenario": record.scenario.resolved_json(),
        "scenario_toml": resolved,
        "scenario_sha256": sha256_hex(resolved.as_bytes()),
        "seed": record.scenario.seed(),
        "replications": record.replication_seeds.len(),
        "replication_seeds": record.replication_seeds,
        "threads": rayon::current_num_threads(),
        "started": rfc3339(record.started),
        "wall_seconds": record.wall_seconds,
        "files": record.files,
        "completed": true,
    });
    if let (Value::Object(map), Value::Object(extra)) = (&mut value, &record.extra) {
        for (key, field) in extra {
            map.insert(key.clone(), field.clone());
        }
    }
    value
}

/// Writes `manifest.json` atomically. It is written last, so its presence with `"completed":
/// true` means every other file of the run is complete. It also records the SHA-256 of every
/// file it lists (`"sha256": {"file": "hex", ...}`, read back from disk), so that a file
/// replaced later by another run no longer matches ([`verify`]).
pub fn write_manifest(path: &Path, record: &RunRecord) -> io::Result<()> {
    write_manifest_value(path, manifest(record))
}

/// Writes a manifest `value` atomically to `path`, after adding the SHA-256 of every file its
/// `"files"` array lists (relative to the manifest's directory, read back from disk).
pub fn write_manifest_value(path: &Path, mut value: Value) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut digests = serde_json::Map::new();
    let files: Vec<String> = value["files"]
        .as_array()
        .map(|files| {
            files
                .iter()
                .filter_map(|f| f.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    for file in files {
        let digest = sha256_file(&dir.join(&file))?;
        digests.insert(file, Value::String(digest));
    }
    if let Value::Object(map) = &mut value {
        map.insert("sha256".to_owned(), Value::Object(digests));
    }
    let text = serde_json::to_string_pretty(&value).map_err(io::Error::other)?;
    write_bytes_atomic(path, format!("{text}\n").as_bytes())
}

/// Lowercase hexadecimal SHA-256 of a file's content, read in blocks.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// A file whose content does not match the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub file: String,
    pub problem: String,
}

/// Checks every file a manifest lists against its recorded SHA-256. Returns the number of
/// files checked, or the problems found. A manifest without `"completed": true`, or without
/// digests (written before digests were recorded), is itself a problem.
pub fn verify(dir: &Path, manifest: &Value) -> Result<usize, Vec<Mismatch>> {
    let problem = |file: &str, problem: &str| Mismatch {
        file: file.to_owned(),
        problem: problem.to_owned(),
    };
    if manifest.get("completed") != Some(&Value::Bool(true)) {
        return Err(vec![problem(
            "manifest.json",
            "does not say \"completed\": true",
        )]);
    }
    let (Some(files), Some(digests)) = (
        manifest.get("files").and_then(Value::as_array),
        manifest.get("sha256").and_then(Value::as_object),
    ) else {
        return Err(vec![problem(
            "manifest.json",
            "lists no file digests (\"files\" and \"sha256\")",
        )]);
    };
    let mut problems = Vec::new();
    for file in files {
        let Some(file) = file.as_str() else {
            problems.push(problem("manifest.json", "a file name is not a string"));
            continue;
        };
        let relative = Path::new(file);
        if relative.is_absolute()
            || relative
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            problems.push(problem(file, "is not a path inside the directory"));
            continue;
        }
        let Some(want) = digests.get(file).and_then(Value::as_str) else {
            problems.push(problem(file, "has no recorded SHA-256"));
            continue;
        };
        match sha256_file(&dir.join(relative)) {
            Ok(have) if have == want => {}
            Ok(_) => problems.push(problem(file, "content differs from the manifest's SHA-256")),
            Err(error) => problems.push(problem(file, &format!("cannot be read: {error}"))),
        }
    }
    if problems.is_empty() {
        Ok(files.len())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn rfc3339_of_known_instants() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_795_462_140);
        assert_eq!(rfc3339(t), "2026-11-23T19:29:00Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00Z");
    }
}
