//! `cocreate sweep` and `cocreate merge`, driven through the binary as a user would: the output
//! files of each design, resuming after a killed process, sharding and merging, and refusing
//! to merge an incomplete sweep.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use super::util::{bin, cocreate_here, stderr, sweep};

/// Runs `cocreate ARGS` on two threads.
fn cocreate(args: &[&str]) -> Output {
    cocreate_here(args, &[("RAYON_NUM_THREADS", "2")])
}

/// Writes a sweep scenario on top of the baseline with a small population.
fn scenario(dir: &Path, name: &str, experiment: &str, ticks: u32, replications: u32) -> PathBuf {
    let text = format!(
        "name = \"{name}\"\nticks = {ticks}\nseed = 11\nreplications = {replications}\n\
         [population]\ncapacity = 1500\ninitial = 1200\n{experiment}"
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).expect("write scenario");
    path
}

const ONE_FACTOR: &str = "[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\n\
    key = \"firms.0.policy.service_recovery\"\nrange = [0.0, 1.0]\nsteps = 4\n";

const TWO_FACTORS: &str = "[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\n\
    key = \"firms.0.staff.rudeness\"\nvalues = [0.0, 0.15, 0.3]\n[[experiment.factors]]\n\
    key = \"firms.0.policy.tech_reliability\"\nvalues = [0.8, 0.9, 1.0]\n";

const VARIANTS: &str = "[experiment]\ndesign = \"variants\"\n\
    [[experiment.variants]]\nname = \"none\"\nset = [\"firms.0.policy.training=0.0\"]\n\
    [[experiment.variants]]\nname = \"listen\"\nset = [\"firms.0.policy.feedback_solicitation=0.9\", \"firms.0.policy.act_on_feedback=0.8\"]\n\
    [[experiment.variants]]\nname = \"rude\"\nset = [\"firms.0.staff.rudeness=0.3\"]\n";

const LHS: &str = "[experiment]\ndesign = \"lhs\"\npoints = 6\n\
    [[experiment.factors]]\nkey = \"firms.0.policy.incentive\"\nrange = [0.0, 1.0]\n\
    [[experiment.factors]]\nkey = \"firms.0.staff.rudeness\"\nrange = [0.0, 0.3]\n\
    [[experiment.factors]]\nkey = \"firms.0.policy.tech_reliability\"\nrange = [0.8, 1.0]\n";

/// The result files whose bytes must not depend on how the sweep was executed.
const RESULTS: [&str; 4] = ["runs.csv", "points.csv", "bands.csv", "contrasts.csv"];

fn assert_same_results(a: &Path, b: &Path) {
    for name in RESULTS {
        let (x, y) = (a.join(name), b.join(name));
        assert_eq!(
            x.exists(),
            y.exists(),
            "{name} exists in only one of the sweeps"
        );
        if x.exists() {
            assert!(
                std::fs::read(&x).unwrap() == std::fs::read(&y).unwrap(),
                "{name} differs between {} and {}",
                a.display(),
                b.display()
            );
        }
    }
}

fn charts(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("charts"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn one_factor_grid_writes_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(dir.path(), "one", ONE_FACTOR, 40, 3);
    let out = dir.path().join("out");
    let output = sweep(&path, &out, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let header = runs.lines().next().unwrap();
    for column in [
        "run",
        "point",
        "replication",
        "seed",
        "firms.0.policy.service_recovery",
        "net_value",
        "regime",
    ] {
        assert!(
            header.split(',').any(|c| c == column),
            "runs.csv lacks {column}"
        );
    }
    assert_eq!(runs.lines().count(), 1 + 4 * 3);
    let points = std::fs::read_to_string(out.join("points.csv")).unwrap();
    let header = points.lines().next().unwrap();
    for column in [
        "net_value_mean",
        "net_value_sd",
        "net_value_lo",
        "net_value_hi",
        "share_virtuous",
        "share_spiral",
    ] {
        assert!(
            header.split(',').any(|c| c == column),
            "points.csv lacks {column}"
        );
    }
    assert_eq!(points.lines().count(), 1 + 4);
    let bands = std::fs::read_to_string(out.join("bands.csv")).unwrap();
    assert_eq!(bands.lines().count(), 1 + 4 * 41);
    assert!(bands.lines().next().unwrap().contains("loyalty_mean"));
    // Common random numbers: replication r has the same seed at every point.
    let seeds: Vec<Vec<&str>> = runs
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(seeds[0][3], seeds[3][3]);
    assert_eq!(seeds[0][2], "0");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["design"]["kind"], "grid");
    assert_eq!(manifest["runs"].as_array().unwrap().len(), 12);
    assert_eq!(manifest["completed"], true);
    let charts = charts(&out);
    for chart in ["outcomes.png", "outcomes.svg", "regimes.png", "regimes.svg"] {
        assert!(
            charts.contains(&chart.to_owned()),
            "missing chart {chart}: {charts:?}"
        );
    }
}

#[test]
fn two_factor_grid_draws_the_policy_map() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(dir.path(), "two", TWO_FACTORS, 30, 2);
    let out = dir.path().join("out");
    let output = sweep(&path, &out, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(charts(&out), ["policy_map.png", "policy_map.svg"]);
    let svg = std::fs::read_to_string(out.join("charts/policy_map.svg")).unwrap();
    assert!(svg.contains("Share of virtuous runs"));
}

#[test]
fn variants_write_paired_contrasts_and_their_charts() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(dir.path(), "arms", VARIANTS, 40, 4);
    let out = dir.path().join("out");
    let output = sweep(&path, &out, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let contrasts = std::fs::read_to_string(out.join("contrasts.csv")).unwrap();
    let rows: Vec<Vec<&str>> = contrasts.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows[0][..4], ["variant", "reference", "firm", "outcome"]);
    let rude_net: Vec<&Vec<&str>> = rows
        .iter()
        .filter(|r| r[0] == "rude" && r[3] == "net_value")
        .collect();
    assert_eq!(rude_net.len(), 1);
    assert_eq!(rude_net[0][1], "none");
    let mean: f64 = rude_net[0][5].parse().unwrap();
    assert!(mean < 0.0, "rude staff should destroy value, got {mean}");
    let charts = charts(&out);
    for chart in [
        "variant_trajectories.png",
        "variant_outcomes.png",
        "contrasts.png",
    ] {
        assert!(
            charts.contains(&chart.to_owned()),
            "missing {chart}: {charts:?}"
        );
    }
}

#[test]
fn latin_hypercube_ranks_its_factors() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(dir.path(), "lhs", LHS, 30, 2);
    let out = dir.path().join("out");
    let output = sweep(&path, &out, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let points = std::fs::read_to_string(out.join("points.csv")).unwrap();
    assert_eq!(points.lines().count(), 1 + 6);
    let charts = charts(&out);
    // Partial rank correlations replace the plain Spearman chart, and are written to CSV.
    for chart in ["outcome_by_factor.png", "prcc.png"] {
        assert!(
            charts.contains(&chart.to_owned()),
            "missing {chart}: {charts:?}"
        );
    }
    assert!(!charts.contains(&"sensitivity.png".to_owned()));
    let indices = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    assert!(indices.starts_with("firm,outcome,factor,short_name,prcc,prcc_lo,prcc_hi"));
    assert_eq!(indices.lines().count(), 1 + 5 * 3, "5 outcomes x 3 factors");
}

#[test]
fn sharded_and_merged_equals_unsharded() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(dir.path(), "arms", VARIANTS, 30, 3);
    let whole = dir.path().join("whole");
    assert!(sweep(&path, &whole, &[]).status.success());
    let sharded = dir.path().join("sharded");
    for shard in ["3/3", "1/3"] {
        let output = sweep(&path, &sharded, &["--shard", shard]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    // Two of three shards done: the merge refuses and names the missing shard.
    let output = cocreate(&["merge", sharded.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("incomplete") && message.contains("2/3"),
        "{message}"
    );
    assert!(
        !sharded.join("runs.csv").exists(),
        "an incomplete merge wrote results"
    );
    assert!(sweep(&path, &sharded, &["--shard", "2/3"]).status.success());
    let output = cocreate(&["merge", sharded.to_str().unwrap(), "--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_same_results(&whole, &sharded);
    assert_eq!(charts(&whole), charts(&sharded));
}

#[test]
fn a_killed_sweep_resumes_to_the_same_results() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(
        dir.path(),
        "long",
        ONE_FACTOR.replace("steps = 4", "steps = 12").as_str(),
        260,
        4,
    );
    let reference = dir.path().join("reference");
    assert!(sweep(&path, &reference, &[]).status.success());

    let out = dir.path().join("killed");
    let mut child = bin()
        .args([
            "sweep",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the sweep");
    let runs_dir = out.join("runs");
    let deadline = Instant::now() + Duration::from_secs(60);
    let count = || std::fs::read_dir(&runs_dir).map(|d| d.count()).unwrap_or(0);
    while count() < 8 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("kill the sweep");
    child.wait().expect("reap the sweep");
    let done_before = count();
    assert!(done_before >= 8, "the sweep did not start");
    assert!(
        !out.join("points.csv").exists(),
        "killed before finishing, yet results exist"
    );

    let output = sweep(&path, &out, &["--resume"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_same_results(&reference, &out);
    // No temporary file survives.
    let leftovers: Vec<_> = std::fs::read_dir(&runs_dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn invalid_designs_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let bad_factor = ONE_FACTOR.replace("service_recovery", "service_recovry");
    let path = scenario(dir.path(), "bad", &bad_factor, 10, 2);
    let out = dir.path().join("out");
    let output = sweep(&path, &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("experiment.factors.0.key") && message.contains("names no parameter"),
        "{message}"
    );
    assert!(!out.exists(), "an invalid sweep created {}", out.display());

    let empty = "[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\nkey = \"firms.0.policy.incentive\"\nvalues = []\n";
    let path = scenario(dir.path(), "empty", empty, 10, 2);
    let output = sweep(&path, &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("empty grid"),
        "{}",
        stderr(&output)
    );

    let out_of_range = ONE_FACTOR.replace("range = [0.0, 1.0]", "range = [0.0, 1.5]");
    let path = scenario(dir.path(), "range", &out_of_range, 10, 2);
    let output = sweep(&path, &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("between 0 and 1"),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());

    let no_design = scenario(dir.path(), "plain", "", 10, 2);
    let output = sweep(&no_design, &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no [experiment] table"),
        "{}",
        stderr(&output)
    );
}
