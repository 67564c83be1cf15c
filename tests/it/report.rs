//! `cocreate compare`, `run --against`, `run --no-customers`, `report.html` and
//! `cocreate report`, driven through the binary as a user would.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::util::{BIN, cocreate_here};

/// Runs `cocreate ARGS` on two threads.
fn cocreate(args: &[&str]) -> Output {
    cocreate_here(args, &[("RAYON_NUM_THREADS", "2")])
}

fn ok(args: &[&str]) -> String {
    let output = cocreate(args);
    assert!(
        output.status.success(),
        "cocreate {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// A small two-arm variants scenario: the baseline and high incentives with rude staff.
fn variants_scenario(dir: &Path) -> PathBuf {
    let path = dir.join("arms.toml");
    std::fs::write(
        &path,
        "name = \"arms\"\nticks = 60\nseed = 5\nreplications = 5\n\
         [population]\ncapacity = 1500\ninitial = 1200\n\
         [experiment]\ndesign = \"variants\"\n\
         [[experiment.variants]]\nname = \"baseline\"\nset = [\"firms.0.policy.incentive=0.3\"]\n\
         [[experiment.variants]]\nname = \"incentives_rude\"\n\
         set = [\"firms.0.policy.incentive=0.9\", \"firms.0.staff.rudeness=0.25\"]\n",
    )
    .unwrap();
    path
}

/// Rows of a CSV file as maps from column to cell.
fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn f(cell: &str) -> f64 {
    cell.parse().unwrap()
}

#[test]
fn compare_gives_the_paired_intervals_of_a_variants_sweep_of_the_same_two_arms() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = variants_scenario(dir.path());
    let sweep = dir.path().join("sweep");
    ok(&["sweep", s(&scenario), "--out", s(&sweep), "-q"]);
    // The same two arms as plain runs: the same scenario without its design, plus each arm's
    // overrides. The [experiment] table is removed by writing the scenario without it.
    let text = std::fs::read_to_string(&scenario).unwrap();
    let plain = dir.path().join("plain.toml");
    std::fs::write(&plain, text.split("[experiment]").next().unwrap()).unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    ok(&[
        "run",
        s(&plain),
        "--out",
        s(&a),
        "--set",
        "firms.0.policy.incentive=0.3",
        "-q",
    ]);
    ok(&[
        "run",
        s(&plain),
        "--out",
        s(&b),
        "--set",
        "firms.0.policy.incentive=0.9",
        "--set",
        "firms.0.staff.rudeness=0.25",
        "-q",
    ]);
    let out = dir.path().join("cmp");
    let table = ok(&["compare", s(&a), s(&b), "--out", s(&out)]);
    assert!(table.contains("paired"), "{table}");

    let contrasts = rows(&sweep.join("contrasts.csv"));
    let compared = rows(&out.join("compare.csv"));
    assert_eq!(contrasts.len(), compared.len());
    for c in &contrasts {
        let m = compared
            .iter()
            .find(|r| r["outcome"] == c["outcome"] && r["firm"] == c["firm"])
            .unwrap_or_else(|| panic!("{} missing from compare.csv", c["outcome"]));
        assert_eq!(m["method"], "paired");
        for (mine, theirs) in [
            ("diff_mean", "mean_difference"),
            ("diff_lo", "lo"),
            ("diff_hi", "hi"),
        ] {
            let (x, y) = (f(&m[mine]), f(&c[theirs]));
            assert!(
                (x - y).abs() <= 1e-9 * y.abs().max(1.0),
                "{}: {mine} {x} against the sweep's {theirs} {y}",
                c["outcome"]
            );
        }
    }
    // The inputs that differ, key by key.
    let diff = rows(&out.join("scenario_diff.csv"));
    let keys: Vec<&str> = diff.iter().map(|r| r["key"].as_str()).collect();
    assert_eq!(keys, ["firms.0.policy.incentive", "firms.0.staff.rudeness"]);
    for file in [
        "report.html",
        "manifest.json",
        "charts/compare_runs.svg",
        "charts/compare_difference.svg",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
}

#[test]
fn unpaired_runs_get_welch_intervals_and_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    let common = [
        "--replications",
        "4",
        "--ticks",
        "30",
        "--no-customers",
        "-q",
    ];
    let mut args = vec!["run", "--out", s(&a), "--seed", "1"];
    args.extend(common);
    ok(&args);
    let mut args = vec!["run", "--out", s(&b), "--seed", "2"];
    args.extend(common);
    ok(&args);
    let out = dir.path().join("cmp");
    let table = ok(&["compare", s(&a), s(&b), "--out", s(&out)]);
    assert!(
        table.contains("unpaired") && table.contains("Welch"),
        "{table}"
    );
    let compared = rows(&out.join("compare.csv"));
    assert!(compared.iter().all(|r| r["method"] == "welch"));
    let diff = rows(&out.join("scenario_diff.csv"));
    assert_eq!(diff.len(), 1);
    assert_eq!(diff[0]["key"], "seed");
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("Welch"));
}

#[test]
fn compare_runs_two_scenario_files_on_the_spot() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let table = ok(&[
        "compare",
        "scenarios/virtuous.toml",
        "scenarios/spiral.toml",
        "--replications",
        "3",
        "--ticks",
        "30",
        "--out",
        s(&out),
    ]);
    assert!(
        table.contains("A = virtuous") && table.contains("B = spiral"),
        "{table}"
    );
    assert!(out.join("a/summary.csv").is_file() && out.join("b/summary.csv").is_file());
    assert!(!out.join("a/customers.csv").exists());
    assert!(out.join("compare.csv").is_file());
}

#[test]
fn run_against_a_baseline_prints_the_comparison_and_no_customers_skips_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base");
    let run = dir.path().join("run");
    let common = ["--replications", "3", "--ticks", "30"];
    let mut args = vec!["run", "--out", s(&base), "--no-customers", "-q"];
    args.extend(common);
    ok(&args);
    assert!(!base.join("customers.csv").exists());
    let manifest = std::fs::read_to_string(base.join("manifest.json")).unwrap();
    assert!(!manifest.contains("customers.csv") && manifest.contains("report.html"));
    let mut args = vec![
        "run",
        "--out",
        s(&run),
        "--set",
        "firms.0.policy.incentive=0.9",
        "--against",
        s(&base),
    ];
    args.extend(common);
    let printed = ok(&args);
    assert!(
        printed.contains("B - A") && printed.contains("paired"),
        "{printed}"
    );
    assert!(run.join("customers.csv").is_file());
    assert!(run.join("against/compare.csv").is_file());
    assert!(run.join("against/report.html").is_file());
    // A directory that is not a run is refused with exit code 2.
    let output = cocreate(&[
        "compare",
        s(&base),
        s(dir.path()),
        "--out",
        s(&dir.path().join("x")),
    ]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn every_output_directory_has_a_self_contained_report_that_report_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    ok(&[
        "run",
        "--out",
        s(&run),
        "--replications",
        "2",
        "--ticks",
        "30",
        "-q",
    ]);
    let survey = dir.path().join("survey");
    ok(&[
        "survey",
        "--out",
        s(&survey),
        "--respondents",
        "50",
        "--tick",
        "20",
        "-q",
    ]);
    let sweep = dir.path().join("sweep");
    ok(&[
        "sweep",
        s(&variants_scenario(dir.path())),
        "--out",
        s(&sweep),
        "-q",
    ]);
    for (out, tables) in [
        (&run, &["summary-table", "regime-table", "run-info"][..]),
        (&survey, &["alpha-table", "codebook-table"][..]),
        (&sweep, &["points-table", "contrasts-table"][..]),
    ] {
        let page = std::fs::read_to_string(out.join("report.html")).unwrap();
        for id in tables {
            assert!(
                page.contains(&format!("id=\"{id}\"")),
                "{}: {id}",
                out.display()
            );
        }
        // Every chart is inline, and nothing is fetched.
        let svgs = std::fs::read_dir(out.join("charts"))
            .map(|d| {
                d.filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .path()
                        .extension()
                        .is_some_and(|x| x == "svg")
                })
                .count()
            })
            .unwrap_or(0);
        assert_eq!(page.matches("<figure class=\"chart\"").count(), svgs);
        for external in ["src=\"http", "href=\"http", "@import", "url(http"] {
            assert!(!page.contains(external), "{external} in {}", out.display());
        }
        let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
        assert!(manifest.contains("\"report.html\""));
        // `cocreate report DIR` rebuilds the same page (the manifest is the same).
        std::fs::remove_file(out.join("report.html")).unwrap();
        ok(&["report", s(out)]);
        assert_eq!(
            std::fs::read_to_string(out.join("report.html")).unwrap(),
            page
        );
    }
    let output = cocreate(&["report", s(dir.path())]);
    assert_eq!(output.status.code(), Some(2));
}

/// The `sh` blocks of the README's walkthrough, in order.
fn walkthrough_blocks() -> Vec<String> {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("<!-- walkthrough:start")
        .expect("walkthrough start marker");
    let end = readme
        .find("<!-- walkthrough:end -->")
        .expect("walkthrough end marker");
    let mut blocks = Vec::new();
    let mut rest = &readme[start..end];
    while let Some(open) = rest.find("```sh\n") {
        let body = &rest[open + 6..];
        let close = body.find("\n```").expect("closed code block");
        blocks.push(body[..close].to_owned());
        rest = &body[close + 4..];
    }
    blocks
}

#[test]
fn the_readme_walkthrough_works_as_written() {
    let blocks = walkthrough_blocks();
    assert_eq!(blocks.len(), 4, "the walkthrough has four steps");
    let dir = tempfile::tempdir().unwrap();
    // `cocreate` on the PATH is the binary under test, as after `cargo install --path .`.
    let bin = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = format!("set -euo pipefail\n{}\n", blocks.join("\n"));
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env("PATH", path)
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the walkthrough failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // What the text promises: a paired comparison with B - A, and the sweep's table.
    assert!(
        stdout.contains("paired") && stdout.contains("B - A"),
        "{stdout}"
    );
    assert!(
        stdout.contains("net value") && stdout.contains("virtuous"),
        "{stdout}"
    );
    assert!(!dir.path().join("output/my_firm/customers.csv").exists());
}

#[test]
fn against_a_directory_that_is_not_a_run_is_refused_before_running() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let output = cocreate(&[
        "run",
        "--out",
        s(&out),
        "--ticks",
        "10",
        "--against",
        s(&dir.path().join("missing")),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--against"));
    assert!(!out.exists(), "nothing is written");
}
