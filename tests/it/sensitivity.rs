//! Morris and Sobol sweeps driven through the binary: the promise that `points.csv` is in the
//! layout SALib's `morris.analyze` / `sobol.analyze` expect (this test recomputes the indices
//! from `points.csv` the way those functions do and compares them with `sensitivity.csv`), and
//! byte-identical results when sharded and merged or resumed; oversized designs are refused.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use super::util::{self, cocreate_here};

/// Runs `cocreate ARGS` on two threads.
fn cocreate(args: &[&str]) -> Output {
    cocreate_here(args, &[("RAYON_NUM_THREADS", "2")])
}

const FACTORS: &str = "[[experiment.factors]]\nkey = \"firms.0.policy.incentive\"\n\
    range = [0.1, 0.9]\n[[experiment.factors]]\nkey = \"firms.0.staff.rudeness\"\n\
    range = [0.02, 0.25]\n[[experiment.factors]]\nkey = \"customers.vindictiveness.mean\"\n\
    range = [0.2, 0.7]\n";

fn scenario(dir: &Path, name: &str, design: &str) -> PathBuf {
    let text = format!(
        "name = \"{name}\"\nticks = 20\nseed = 5\nreplications = 2\n[population]\n\
         capacity = 400\ninitial = 300\n[experiment]\n{design}\n{FACTORS}"
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).expect("write scenario");
    path
}

/// [`util::sweep`], which must succeed.
fn sweep(path: &Path, out: &Path, extra: &[&str]) -> Output {
    let output = util::sweep(path, out, extra);
    util::assert_success(&output);
    output
}

/// A CSV file as its header and rows of cells (no quoted cells in these files).
fn table(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).expect("read csv");
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    (header, rows)
}

fn column(header: &[String], rows: &[Vec<String>], name: &str) -> Vec<f64> {
    let index = header.iter().position(|h| h == name).expect(name);
    rows.iter().map(|r| r[index].parse().unwrap()).collect()
}

const KEYS: [&str; 3] = [
    "firms.0.policy.incentive",
    "firms.0.staff.rudeness",
    "customers.vindictiveness.mean",
];
const OUTCOMES: [(&str, &str); 3] = [
    ("net_value", "net_value_mean"),
    ("final_loyalty", "final_loyalty_mean"),
    ("share_virtuous", "share_virtuous"),
];

/// `sensitivity.csv` as (outcome, factor) → column → value.
fn reported(out: &Path) -> HashMap<(String, String), HashMap<String, f64>> {
    let (header, rows) = table(&out.join("sensitivity.csv"));
    rows.iter()
        .map(|row| {
            let values = header
                .iter()
                .zip(row)
                .filter_map(|(h, v)| Some((h.clone(), v.parse::<f64>().ok()?)))
                .collect();
            ((row[1].clone(), row[2].clone()), values)
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

#[test]
fn morris_indices_can_be_recomputed_from_points_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(
        dir.path(),
        "morris",
        "design = \"morris\"\ntrajectories = 5",
    );
    let out = dir.path().join("out");
    sweep(&path, &out, &[]);
    // The ranked table goes to the terminal (not with --quiet), from merge as from sweep.
    let output = cocreate(&["merge", out.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Factors ranked by Morris"), "{stdout}");
    assert!(out.join("charts/morris.png").is_file());
    let (header, rows) = table(&out.join("points.csv"));
    assert_eq!(rows.len(), 5 * 4, "r (D + 1) points");
    let x: Vec<Vec<f64>> = KEYS.iter().map(|k| column(&header, &rows, k)).collect();
    let reported = reported(&out);
    let delta = 4.0 / (2.0 * 3.0);
    for (outcome, points_column) in OUTCOMES {
        let y = column(&header, &rows, points_column);
        // As SALib's morris.analyze: within each trajectory, the factor whose value changed
        // between consecutive rows, and the sign of the change.
        let mut effects: Vec<Vec<f64>> = vec![Vec::new(); 3];
        for t in 0..5 {
            for k in 0..3 {
                let (a, b) = (t * 4 + k, t * 4 + k + 1);
                let factor = (0..3)
                    .find(|&j| x[j][b] != x[j][a])
                    .expect("one factor moves");
                let up = x[factor][b] > x[factor][a];
                let change = if up { y[b] - y[a] } else { y[a] - y[b] };
                effects[factor].push(change / delta);
            }
        }
        for (factor, ee) in effects.iter().enumerate() {
            assert_eq!(ee.len(), 5, "each factor moves once per trajectory");
            let mu = mean(ee);
            let mu_star = mean(&ee.iter().map(|e| e.abs()).collect::<Vec<_>>());
            let sigma = (ee.iter().map(|e| (e - mu).powi(2)).sum::<f64>() / 4.0).sqrt();
            let row = &reported[&(outcome.to_owned(), KEYS[factor].to_owned())];
            for (name, value) in [("mu", mu), ("mu_star", mu_star), ("sigma", sigma)] {
                assert!(
                    close(row[name], value),
                    "{outcome} {}: {name} {} reported, {value} recomputed",
                    KEYS[factor],
                    row[name]
                );
            }
        }
    }
}

#[test]
fn sobol_indices_can_be_recomputed_from_points_csv() {
    let dir = tempfile::tempdir().unwrap();
    let design = "design = \"sobol\"\nsamples = 8\nsecond_order = true";
    let path = scenario(dir.path(), "sobol", design);
    let out = dir.path().join("out");
    sweep(&path, &out, &[]);
    assert!(out.join("charts/sobol.png").is_file());
    let (header, rows) = table(&out.join("points.csv"));
    let d = 3;
    let step = 2 * d + 2;
    assert_eq!(rows.len(), 8 * step, "N (2D + 2) points");
    let reported = reported(&out);
    let (s2_header, s2_rows) = table(&out.join("sensitivity_s2.csv"));
    for (outcome, points_column) in OUTCOMES {
        // As SALib's sobol.analyze: standardise Y, then split it by Saltelli's layout.
        let raw = column(&header, &rows, points_column);
        let m = mean(&raw);
        let sd = (raw.iter().map(|v| (v - m).powi(2)).sum::<f64>() / raw.len() as f64).sqrt();
        let y: Vec<f64> = raw
            .iter()
            .map(|v| if sd > 0.0 { (v - m) / sd } else { v - m })
            .collect();
        let pick =
            |offset: usize| -> Vec<f64> { y.iter().skip(offset).step_by(step).copied().collect() };
        let (a, b) = (pick(0), pick(step - 1));
        let ab: Vec<Vec<f64>> = (0..d).map(|j| pick(1 + j)).collect();
        let ba: Vec<Vec<f64>> = (0..d).map(|j| pick(1 + d + j)).collect();
        let both: Vec<f64> = a.iter().chain(&b).copied().collect();
        let mb = mean(&both);
        let variance = both.iter().map(|v| (v - mb).powi(2)).sum::<f64>() / both.len() as f64;
        let s1 = |j: usize| {
            mean(&(0..8).map(|i| b[i] * (ab[j][i] - a[i])).collect::<Vec<_>>()) / variance
        };
        for j in 0..d {
            let st =
                0.5 * mean(
                    &(0..8)
                        .map(|i| (a[i] - ab[j][i]).powi(2))
                        .collect::<Vec<_>>(),
                ) / variance;
            let row = &reported[&(outcome.to_owned(), KEYS[j].to_owned())];
            if variance > 0.0 {
                assert!(
                    close(row["S1"], s1(j)),
                    "{outcome} S1_{j}: {} vs {}",
                    row["S1"],
                    s1(j)
                );
                assert!(
                    close(row["ST"], st),
                    "{outcome} ST_{j}: {} vs {st}",
                    row["ST"]
                );
            }
        }
        for (j, k) in [(0, 1), (0, 2), (1, 2)] {
            let vjk = mean(
                &(0..8)
                    .map(|i| ba[j][i] * ab[k][i] - a[i] * b[i])
                    .collect::<Vec<_>>(),
            ) / variance;
            let s2 = vjk - s1(j) - s1(k);
            let row = s2_rows
                .iter()
                .find(|r| r[1] == outcome && r[2] == KEYS[j] && r[3] == KEYS[k])
                .expect("pair row");
            let cell = &row[s2_header.iter().position(|h| h == "S2").unwrap()];
            if variance > 0.0 {
                let value: f64 = cell.parse().unwrap();
                assert!(close(value, s2), "{outcome} S2_{j}{k}: {value} vs {s2}");
            }
        }
    }
}

#[test]
fn sharded_merged_and_resumed_sensitivity_sweeps_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(dir.path(), "gsa", "design = \"sobol\"\nsamples = 4");
    let whole = dir.path().join("whole");
    sweep(&path, &whole, &[]);
    let sharded = dir.path().join("sharded");
    for shard in ["2/2", "1/2"] {
        sweep(&path, &sharded, &["--shard", shard]);
    }
    let merged = cocreate(&["merge", sharded.to_str().unwrap(), "--quiet"]);
    assert!(merged.status.success());
    let resumed = dir.path().join("resumed");
    sweep(&path, &resumed, &["--shard", "1/3"]);
    sweep(&path, &resumed, &["--resume"]);
    for name in ["sensitivity.csv", "points.csv", "runs.csv"] {
        let reference = std::fs::read(whole.join(name)).unwrap();
        assert!(
            reference == std::fs::read(sharded.join(name)).unwrap(),
            "{name} sharded"
        );
        assert!(
            reference == std::fs::read(resumed.join(name)).unwrap(),
            "{name} resumed"
        );
    }
}

#[test]
fn oversized_or_malformed_sensitivity_designs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (name, design, expected) in [
        (
            "big",
            "design = \"sobol\"\nsamples = 400000",
            "exceed the limit",
        ),
        (
            "odd",
            "design = \"morris\"\ntrajectories = 4\nlevels = 5",
            "even number",
        ),
        (
            "one",
            "design = \"morris\"\ntrajectories = 1",
            "at least 2 trajectories",
        ),
    ] {
        let path = scenario(dir.path(), name, design);
        let out = dir.path().join(name);
        let output = cocreate(&[
            "sweep",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!out.exists(), "{name}: nothing may be written");
    }
    // 12 points x 100,000 replications: more runs than a sweep may have.
    let path = scenario(dir.path(), "many", "design = \"morris\"\ntrajectories = 3");
    let out = dir.path().join("many");
    let output = cocreate(&[
        "sweep",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--set",
        "replications=100000",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("1200000 runs") && stderr.contains("limit"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing may be written");
}
