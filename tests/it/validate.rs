//! End-to-end test of `cocreate validate`: the quick battery run through the binary, from a
//! directory without the scenario files (they are embedded), checking the exit code, the table
//! on stdout and the files written.

use tempfile::TempDir;

use super::util;

/// Runs `cocreate ARGS` in `cwd` on two threads.
fn cocreate(args: &[&str], cwd: &std::path::Path) -> std::process::Output {
    util::cocreate(args, cwd, &[("RAYON_NUM_THREADS", "2")])
}

#[test]
fn quick_validation_passes_and_writes_its_outputs() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("validation");
    let output = cocreate(
        &["validate", "--quick", "--out", out.to_str().unwrap()],
        dir.path(),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("all patterns hold"), "{stdout}");
    assert!(stdout.contains("| # | pattern |"), "{stdout}");

    for file in [
        "validation.md",
        "validation.csv",
        "manifest.json",
        "recovery.csv",
        "hysteresis.csv",
        "charts/factor_effects.png",
        "charts/factor_effects.svg",
        "charts/recovery_paradox.png",
        "charts/recovery_paradox.svg",
        "charts/hysteresis.png",
        "charts/hysteresis.svg",
    ] {
        let path = out.join(file);
        assert!(
            std::fs::metadata(&path).is_ok_and(|m| m.len() > 0),
            "{}",
            path.display()
        );
    }

    let mut reader = csv::Reader::from_path(out.join("validation.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (kind, number, pass) = (column("kind"), column("number"), column("pass"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let mut numbers: Vec<&str> = rows
        .iter()
        .filter(|r| &r[kind] == "pattern")
        .map(|r| &r[number])
        .collect();
    numbers.dedup();
    assert_eq!(numbers, ["1", "2", "3", "4", "5", "6", "7", "8"]);
    let factors = rows.iter().filter(|r| &r[kind] == "factor").count();
    assert_eq!(factors, 16);
    for row in &rows {
        assert_eq!(&row[pass], "true", "{row:?}");
    }

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["command"], "validate");
    assert_eq!(manifest["mode"], "quick");
    assert_eq!(manifest["passed"], true);
    assert_eq!(manifest["completed"], true);
    // Four CSV and markdown files, four charts as PNG and SVG (factor effects, recovery
    // paradox, hysteresis, path model), and report.html.
    assert_eq!(manifest["files"].as_array().unwrap().len(), 13);

    // The data behind the recovery chart: the paradox after one failure, none after two.
    let table = |file: &str| -> Vec<Vec<String>> {
        let mut reader = csv::Reader::from_path(out.join(file)).unwrap();
        reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    };
    let recovery = table("recovery.csv");
    let at = |arm: &str, week: &str| -> f64 {
        let row = recovery
            .iter()
            .find(|r| r[0] == arm && r[1] == week)
            .unwrap_or_else(|| panic!("{arm} at week {week}"));
        row[2].parse().unwrap()
    };
    assert_eq!(at("one failure, recovered", "-1"), 0.0);
    assert!(at("one failure, recovered", "0") > 0.0);
    assert!(at("two failures, recovered", "4") < 0.0);
    // The hysteresis loop: reliability down to 0.5 and back to 0.95, customers lower on the
    // way back up than on the way down at the same reliability.
    let hysteresis = table("hysteresis.csv");
    let path = |name: &str| -> Vec<(f64, f64)> {
        hysteresis
            .iter()
            .filter(|r| r[0] == name)
            .map(|r| (r[1].parse().unwrap(), r[2].parse().unwrap()))
            .collect()
    };
    let (down, up) = (path("down"), path("up"));
    assert_eq!(down.first().map(|p| p.0), Some(0.95));
    assert!((down.last().unwrap().0 - 0.5).abs() < 1e-9);
    assert!((up.last().unwrap().0 - 0.95).abs() < 1e-9);
    assert!(up.last().unwrap().1 < down.first().unwrap().1);
}

#[test]
fn bad_arguments_exit_2_and_write_nothing() {
    let dir = TempDir::new().unwrap();
    let output = cocreate(&["validate", "--replications", "3"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let file = dir.path().join("file");
    std::fs::write(&file, b"x").unwrap();
    let output = cocreate(
        &["validate", "--quick", "--out", file.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a directory"), "{stderr}");
    assert!(!dir.path().join("output").exists());
}
