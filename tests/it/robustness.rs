//! Every class of bad input gets a clear message on stderr, exit code 2 and no change in the
//! output directory; a run killed at any moment leaves each output file either as it was or
//! complete, never truncated.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use super::util::{bin, cocreate_here, write};

fn cocreate(args: &[&str]) -> Output {
    cocreate_here(args, &[])
}

/// Runs `cocreate run FILE --out DIR extra...` expecting invalid input; returns stderr.
fn refused(file_text: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "bad.toml", file_text);
    let out = dir.path().join("out");
    let mut args = vec![
        "run",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = cocreate(&args);
    let message = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "not refused: {message}");
    assert!(!message.trim().is_empty());
    assert!(
        output.stdout.is_empty(),
        "printed a report for invalid input"
    );
    assert!(!out.exists(), "invalid input created {}", out.display());
    message
}

const SMALL: &str = "[population]\ncapacity = 500\ninitial = 400\n";

#[test]
fn unknown_keys_at_any_depth_get_a_suggestion() {
    let message = refused(
        "[[firms]]\nname = \"a\"\n[firms.staff]\nrudenes = 0.1\n",
        &[],
    );
    assert!(
        message.contains("bad.toml:4:1: firms.0.staff.rudenes:"),
        "{message}"
    );
    assert!(message.contains("did you mean `rudeness`"), "{message}");
    let message = refused(
        "[customers]\nvindictiveness = { mean = 0.4, sprd = 0.1 }\n",
        &[],
    );
    assert!(
        message.contains("customers.vindictiveness.sprd"),
        "{message}"
    );
    assert!(message.contains("did you mean `spread`"), "{message}");
    let message = refused("tciks = 10\n", &[]);
    assert!(message.contains("did you mean `ticks`"), "{message}");
}

#[test]
fn wrong_types_and_variants_are_located() {
    let message = refused("[network]\nkind = \"smallworld\"\n", &[]);
    assert!(message.contains("bad.toml:2:8: network.kind:"), "{message}");
    assert!(message.contains("did you mean `small_world`"), "{message}");
    let message = refused("[population]\ncapacity = -5\n", &[]);
    assert!(
        message.contains("bad.toml:2:12: population.capacity:"),
        "{message}"
    );
    let message = refused("replications = 2.5\n", &[]);
    assert!(message.contains("replications"), "{message}");
}

#[test]
fn out_of_range_values_name_the_allowed_range() {
    let message = refused("ticks = 0\n", &[]);
    assert!(
        message.contains("bad.toml:1:9: ticks: must be between 1 and"),
        "{message}"
    );
    let message = refused("", &["--set", "firms.0.policy.defensiveness=inf"]);
    assert!(
        message.contains("--set firms.0.policy.defensiveness=inf"),
        "{message}"
    );
    assert!(message.contains("finite"), "{message}");
    let message = refused("", &["--set", "firms.0.staff.rudeness=-0.1"]);
    assert!(message.contains("between 0 and 1"), "{message}");
    let message = refused("[customers]\nloyalty = { mean = 0.9, spread = 0.5 }\n", &[]);
    assert!(
        message.contains("customers.loyalty.spread: must be below"),
        "{message}"
    );
    let message = refused("", &["--replications", "0"]);
    assert!(
        message.starts_with("--replications 0: replications:"),
        "{message}"
    );
}

#[test]
fn inconsistent_scenarios_are_refused() {
    let two_firms = "[[firms]]\nname = \"a\"\nshare = 0.5\n[[firms]]\nname = \"b\"\nshare = 0.6\n";
    let message = refused(two_firms, &[]);
    assert!(message.contains("shares must sum to 1"), "{message}");
    let message = refused(
        &format!("{SMALL}[[firms]]\nname = \"a\"\n[firms.policy]\nstaffing = 0.0\n"),
        &[],
    );
    assert!(
        message.contains("firms.0.policy.staffing") && message.contains("no employees"),
        "{message}"
    );
    let message = refused(&format!("{SMALL}[network]\nmean_degree = 500\n"), &[]);
    assert!(
        message.contains("network.mean_degree: must be below population.capacity"),
        "{message}"
    );
    let message = refused("[[firms]]\nname = \"a\"\n[[firms]]\nname = \"a\"\n", &[]);
    assert!(message.contains("names two firms"), "{message}");
    let message = refused("", &["--set", "firms.1.name=\"x\""]);
    assert!(message.contains("past the end of `firms`"), "{message}");
}

#[test]
fn a_population_too_large_for_memory_is_refused_with_the_estimate() {
    let huge = "[population]\ncapacity = 190000000\ninitial = 1000\n";
    let message = refused(huge, &[]);
    assert!(
        message.contains("needs about") && message.contains("GiB"),
        "{message}"
    );
    let dir = tempfile::tempdir().unwrap();
    let sweep = write(
        dir.path(),
        "huge_sweep.toml",
        &format!(
            "{huge}[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\nkey = \"firms.0.policy.incentive\"\nvalues = [0.1, 0.2]\n"
        ),
    );
    let out = dir.path().join("out");
    let output = cocreate(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("needs about"));
    assert!(!out.exists());
}

#[test]
fn unusable_output_paths_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "taken", "x");
    let output = cocreate(&["run", "--out", file.to_str().unwrap(), "--ticks", "5"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a directory"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    let nested = file.join("below");
    let output = cocreate(&["run", "--out", nested.to_str().unwrap(), "--ticks", "5"]);
    assert_eq!(output.status.code(), Some(2));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        let out = locked.join("out");
        let output = cocreate(&["run", "--out", out.to_str().unwrap(), "--ticks", "5"]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stderr).contains("cannot be written"));
        assert!(!out.exists());
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// Kills `cocreate run` at several points while it rewrites an existing output directory:
/// every file must afterwards be exactly the old complete file or exactly the new one.
#[test]
fn killed_runs_never_leave_truncated_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let reference = dir.path().join("reference");
    let args = |seed: &str, dir: &Path| -> Vec<String> {
        [
            "run",
            "--out",
            dir.to_str().unwrap(),
            "--quiet",
            "--seed",
            seed,
            "--replications",
            "4",
            "--set",
            "population.capacity=20000",
            "--set",
            "population.initial=16000",
        ]
        .map(String::from)
        .to_vec()
    };
    let run = |args: Vec<String>| {
        let status = bin().args(&args).status().unwrap();
        assert!(status.success());
    };
    run(args("1", &out));
    run(args("2", &reference));
    let files = [
        "timeseries.csv",
        "summary.csv",
        "customers.csv",
        "charts/value.png",
        "charts/profit.svg",
    ];
    let old: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(out.join(f)).unwrap())
        .collect();
    let new: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(reference.join(f)).unwrap())
        .collect();

    for delay_ms in [50, 300, 700, 1100, 1500, 2000] {
        let mut child = bin()
            .args(args("2", &out))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        for (index, file) in files.iter().enumerate() {
            let now = std::fs::read(out.join(file)).unwrap();
            assert!(
                now == old[index] || now == new[index],
                "{file} is neither the old nor the new complete file after a kill at {delay_ms} ms"
            );
        }
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["completed"], true);
    }
}
