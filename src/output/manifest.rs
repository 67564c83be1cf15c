//! `manifest.json`: what was run, with which seeds, by which program, and how long it took.
//! Enough to reproduce a run byte for byte: the resolved scenario, its SHA-256, the master seed,
//! every replication's seed and the program version.

use std::io;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::atomic::write_bytes_atomic;
use crate::scenario::Scenario;

/// Lowercase hexadecimal SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

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
/// true` means every other file of the run is complete.
pub fn write_manifest(path: &Path, record: &RunRecord) -> io::Result<()> {
    let text = serde_json::to_string_pretty(&manifest(record)).map_err(io::Error::other)?;
    write_bytes_atomic(path, format!("{text}\n").as_bytes())
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
