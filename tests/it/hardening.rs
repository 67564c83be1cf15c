//! Issue 12, driven through the binary as a user (or a careless script) would: each test
//! reproduces one of the failures the issue lists and checks that it is now handled.
//! `ok.toml` and `sw2.toml` are the issue's own reproducers.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use super::util::{bin, cocreate_here, stderr, write};

const OK: &str =
    "name = \"t\"\nticks = 30\nreplications = 2\n[population]\ncapacity = 500\ninitial = 400\n";

fn sw2() -> String {
    format!(
        "{OK}[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\nkey = \"firms.0.policy.service_recovery\"\nvalues = [0, 0.5, 1]\n[[experiment.factors]]\nkey = \"firms.0.policy.training\"\nvalues = [0.1, 0.9]\n"
    )
}

fn cocreate(args: &[&str]) -> Output {
    cocreate_here(args, &[])
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

/// `cocreate run FILE --out OUT -q`, which must succeed.
fn run_ok(file: &Path, out: &Path) {
    let output = cocreate(&["run", s(file), "--out", s(out), "-q"]);
    assert!(output.status.success(), "{}", stderr(&output));
}

/// Writes the issue's `ok.toml` into `dir` and runs it into `dir/out`; returns both paths.
fn ok_run(dir: &Path) -> (PathBuf, PathBuf) {
    let file = write(dir, "ok.toml", OK);
    let out = dir.join("out");
    run_ok(&file, &out);
    (file, out)
}

/// `cocreate sweep FILE --out OUT -q`, which must succeed.
fn sweep_ok(file: &Path, out: &Path) {
    let output = cocreate(&["sweep", s(file), "--out", s(out), "-q"]);
    assert!(output.status.success(), "{}", stderr(&output));
}

// Item 1: planning memory is O(points) (see also `planning_memory` in this file's bench-like
// test below, which measures 10^4 and 10^5 points).

/// Peak resident memory (VmHWM) of a child process, in bytes, read from /proc before it is
/// reaped.
#[cfg(target_os = "linux")]
fn peak_rss_of(mut command: Command) -> (u64, std::process::ExitStatus) {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_path)
            && let Some(kb) = text
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        {
            peak = peak.max(kb * 1024);
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (peak, status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn grid(points_a: u32, points_b: u32) -> String {
    format!(
        "{OK}[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\nkey = \"firms.0.policy.service_recovery\"\nrange = [0, 1]\nsteps = {points_a}\n[[experiment.factors]]\nkey = \"firms.0.policy.training\"\nrange = [0.1, 0.9]\nsteps = {points_b}\n"
    )
}

/// A grid whose first factor is not separable (`population.initial` is checked against
/// `capacity`), so that planning checks every point; `points_a` at most 301 (whole numbers).
fn joint_grid(points_a: u32, points_b: u32) -> String {
    format!(
        "{OK}[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\nkey = \"population.initial\"\nrange = [100, 400]\nsteps = {points_a}\n[[experiment.factors]]\nkey = \"firms.0.policy.training\"\nrange = [0.1, 0.9]\nsteps = {points_b}\n"
    )
}

/// Plans a grid (through `cocreate slurm`, which validates the design points exactly as
/// `sweep` does and then writes only its scripts) and returns the peak memory.
#[cfg(target_os = "linux")]
fn planning_peak(dir: &Path, name: &str, text: &str) -> u64 {
    let file = write(dir, &format!("{name}.toml"), text);
    let out = dir.join(format!("o-{name}"));
    let mut command = bin();
    command.args(["slurm", s(&file), "--tasks", "1", "--out", s(&out)]);
    let (peak, status) = peak_rss_of(command);
    assert!(status.success(), "planning {name} failed");
    peak
}

#[cfg(target_os = "linux")]
#[test]
fn planning_memory_grows_linearly_and_a_100000_point_grid_plans_within_1_gb() {
    let dir = tempfile::tempdir().unwrap();
    let mb = |bytes: u64| bytes >> 20;
    // Separable factors: checked along the grid's axes, the points built only when they run.
    let small = planning_peak(dir.path(), "g1e4", &grid(100, 100));
    let large = planning_peak(dir.path(), "g1e5", &grid(1000, 100));
    let huge = planning_peak(dir.path(), "g1e6", &grid(1000, 1000));
    // A factor that is not separable: every point is built and checked.
    let joint = planning_peak(dir.path(), "j1e5", &joint_grid(301, 333));
    eprintln!(
        "planning peak RSS: 10^4 points {} MB, 10^5 points {} MB, 10^6 points {} MB; \
         10^5 points checked one by one {} MB",
        mb(small),
        mb(large),
        mb(huge),
        mb(joint)
    );
    for (points, peak) in [("10^5", large), ("10^6", huge), ("10^5 one by one", joint)] {
        assert!(peak < 1 << 30, "{points} points took {} MB", mb(peak));
    }
    // Quadratic growth (the bug: 10x the points took 16x-100x the memory) is refused; linear
    // growth with a fixed start-up cost stays well under 10x + a few MB. The design is no
    // longer held expanded, so even 10^6 points (and 10^5 checked one by one) stay within a
    // fixed start-up cost of 10^4.
    assert!(
        large < 10 * small + (64 << 20),
        "10^4: {} MB, 10^5: {} MB",
        mb(small),
        mb(large)
    );
    for (points, peak) in [("10^6", huge), ("10^5 one by one", joint)] {
        assert!(
            peak < small + (64 << 20),
            "10^4: {} MB, {points}: {} MB",
            mb(small),
            mb(peak)
        );
    }
}

#[test]
fn the_output_directory_is_checked_before_planning() {
    let dir = tempfile::tempdir().unwrap();
    // Planning would fail (a point out of range); the unusable output path must be reported
    // first, since planning a large design can take a while.
    let text = format!(
        "{OK}[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\nkey = \"firms.0.policy.training\"\nvalues = [0.5, 2]\n"
    );
    let file = write(dir.path(), "g.toml", &text);
    let out = write(dir.path(), "taken", "a file");
    let output = cocreate(&["sweep", s(&file), "--out", s(&out), "-q"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("not a directory"),
        "{}",
        stderr(&output)
    );
    assert!(
        !stderr(&output).contains("experiment.factors"),
        "{}",
        stderr(&output)
    );
}

// Item 2: a manifest never describes files it did not write.

#[test]
fn a_failed_run_leaves_no_manifest_over_new_files() {
    let dir = tempfile::tempdir().unwrap();
    let (file, out) = ok_run(dir.path());
    assert_eq!(manifest(&out)["seed"], 42);
    // Make one chart impossible to replace (as `chattr +i` did): a non-empty directory in its
    // place cannot be renamed over.
    let chart = out.join("charts").join("value.png");
    std::fs::remove_file(&chart).unwrap();
    std::fs::create_dir_all(chart.join("blocker")).unwrap();
    let output = cocreate(&[
        "run",
        s(&file),
        "--out",
        s(&out),
        "-q",
        "--seed",
        "7",
        "--force",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        !out.join("manifest.json").exists(),
        "the seed-42 manifest survived over seed-7 files"
    );
    let verify = cocreate(&["verify", s(&out)]);
    assert_eq!(verify.status.code(), Some(1));
    assert!(
        stderr(&verify).contains("no manifest.json"),
        "{}",
        stderr(&verify)
    );
}

#[test]
fn verify_checks_every_file_against_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = ok_run(dir.path());
    let files = manifest(&out)["files"].as_array().unwrap().len();
    assert_eq!(manifest(&out)["sha256"].as_object().unwrap().len(), files);
    let ok = cocreate(&["verify", s(&out)]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(String::from_utf8_lossy(&ok.stdout).contains(&format!("{files} files match")));
    // A file replaced behind the manifest's back is named.
    std::fs::write(out.join("summary.csv"), "replica,firm\n").unwrap();
    let bad = cocreate(&["verify", s(&out)]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("summary.csv: content differs"),
        "{}",
        stderr(&bad)
    );
    // Not a directory at all: invalid input.
    assert_eq!(
        cocreate(&["verify", s(&dir.path().join("nope"))])
            .status
            .code(),
        Some(2)
    );
}

/// Done when: random `kill -9` during `run` into a directory that already holds another run
/// never leaves a manifest claiming files it didn't write.
#[test]
fn kill_9_at_random_moments_never_leaves_a_lying_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let (file, out) = ok_run(dir.path());
    // Time one run, then kill runs at moments spread over that time (a fixed, varied
    // schedule: deterministic and still covering every phase: CSVs, charts, manifest).
    let started = std::time::Instant::now();
    assert!(
        cocreate(&[
            "run",
            s(&file),
            "--out",
            s(&out),
            "-q",
            "--seed",
            "9",
            "--force"
        ])
        .status
        .success()
    );
    let full = started.elapsed();
    let mut lying = Vec::new();
    for (attempt, fraction) in [
        0.05, 0.2, 0.35, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 1.0,
    ]
    .iter()
    .enumerate()
    {
        let seed = (attempt + 1).to_string();
        let mut child = bin()
            .args([
                "run",
                s(&file),
                "--out",
                s(&out),
                "-q",
                "--force",
                "--seed",
                &seed,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(*fraction));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        if out.join("manifest.json").exists() {
            let verify = cocreate(&["verify", s(&out)]);
            if !verify.status.success() {
                lying.push(format!("killed at {fraction}: {}", stderr(&verify)));
            }
        }
    }
    assert!(lying.is_empty(), "{lying:#?}");
}

// Item 3: one writer per output directory.

#[test]
fn a_second_writer_is_refused_while_the_first_runs() {
    let dir = tempfile::tempdir().unwrap();
    let long = OK.to_string().replace("ticks = 30", "ticks = 400");
    let file = write(dir.path(), "long.toml", &long);
    let out = dir.path().join("out");
    let mut first = bin()
        .args(["run", s(&file), "--out", s(&out), "-q"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the first run holds the lock (it writes its pid into the lock file).
    let lock = out.join(".cocreate.lock");
    for _ in 0..500 {
        if std::fs::read_to_string(&lock).is_ok_and(|t| t.contains("pid")) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let second = cocreate(&["run", s(&file), "--out", s(&out), "-q"]);
    let still_running = first.try_wait().unwrap().is_none();
    first.wait().unwrap();
    if still_running {
        assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
        assert!(
            stderr(&second).contains("in use by another cocreate process"),
            "{}",
            stderr(&second)
        );
    }
    assert!(cocreate(&["verify", s(&out)]).status.success());
}

#[test]
fn runs_and_sweeps_do_not_share_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let ok = write(dir.path(), "ok.toml", OK);
    let sweep = write(dir.path(), "sw2.toml", &sw2());
    let run_dir = dir.path().join("r");
    let sweep_dir = dir.path().join("s");
    run_ok(&ok, &run_dir);
    sweep_ok(&sweep, &sweep_dir);
    let into_run = cocreate(&["sweep", s(&sweep), "--out", s(&run_dir), "-q"]);
    assert_eq!(into_run.status.code(), Some(2));
    assert!(stderr(&into_run).contains("holds the results of `cocreate run`"));
    let into_sweep = cocreate(&["run", s(&ok), "--out", s(&sweep_dir), "-q"]);
    assert_eq!(into_sweep.status.code(), Some(2));
    assert!(stderr(&into_sweep).contains("holds a sweep"));
    for out in [&run_dir, &sweep_dir] {
        let verify = cocreate(&["verify", s(out)]);
        assert!(verify.status.success(), "{}", stderr(&verify));
    }
}

#[test]
fn a_different_scenario_does_not_clobber_results_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out) = ok_run(dir.path());
    let before = std::fs::read(out.join("summary.csv")).unwrap();
    let other = cocreate(&[
        "run",
        s(&ok),
        "--out",
        s(&out),
        "-q",
        "--set",
        "firms.0.policy.training=0.9",
    ]);
    assert_eq!(other.status.code(), Some(2));
    assert!(stderr(&other).contains("--force"), "{}", stderr(&other));
    assert_eq!(std::fs::read(out.join("summary.csv")).unwrap(), before);
    // The same scenario again is fine, and --force replaces.
    run_ok(&ok, &out);
    let forced = cocreate(&[
        "run",
        s(&ok),
        "--out",
        s(&out),
        "-q",
        "--force",
        "--set",
        "firms.0.policy.training=0.9",
    ]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(cocreate(&["verify", s(&out)]).status.success());
}

// Item 4: resume needs only --out.

#[test]
fn an_interrupted_sweep_resumes_from_its_directory_alone() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = write(dir.path(), "sw2.toml", &sw2());
    let out = dir.path().join("so dir");
    // A shard leaves the sweep incomplete, as an interruption would.
    let shard = cocreate(&[
        "sweep",
        s(&sweep),
        "--set",
        "replications=4",
        "--shard",
        "1/2",
        "--out",
        s(&out),
        "-q",
    ]);
    assert!(shard.status.success(), "{}", stderr(&shard));
    let resumed = cocreate(&["sweep", "--resume", "--out", s(&out), "-q"]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    let m = manifest(&out);
    assert_eq!(m["replications"], 4, "the --set was lost on resume");
    assert!(cocreate(&["verify", s(&out)]).status.success());
    // Without --resume a scenario is required.
    assert_eq!(
        cocreate(&["sweep", "--out", s(&out)]).status.code(),
        Some(2)
    );
}

#[cfg(unix)]
#[test]
fn the_ctrl_c_hint_is_a_command_that_works() {
    let dir = tempfile::tempdir().unwrap();
    let text = sw2().replace("ticks = 30", "ticks = 200");
    let sweep = write(dir.path(), "sw2.toml", &text);
    let out = dir.path().join("so");
    let child = bin()
        .args([
            "sweep",
            s(&sweep),
            "--set",
            "replications=4",
            "--out",
            s(&out),
            "-q",
        ])
        .env("RAYON_NUM_THREADS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let runs = out.join("runs");
    for _ in 0..1000 {
        let done = std::fs::read_dir(&runs).map_or(0, |d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
                .count()
        });
        if done >= 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    // SIGINT, as Ctrl-C sends.
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let message = stderr(&output);
    if output.status.code() == Some(130) {
        let hint = message
            .split('`')
            .find(|part| part.starts_with("cocreate sweep"))
            .unwrap_or_else(|| panic!("no command in {message}"));
        assert!(hint.contains("--resume --out"), "{hint}");
        let args: Vec<&str> = hint.split_whitespace().skip(1).collect();
        let resumed = cocreate(&[&args[..], &["-q"]].concat());
        assert!(resumed.status.success(), "{hint}: {}", stderr(&resumed));
        assert_eq!(manifest(&out)["replications"], 4);
    }
}

// Item 5: bounded reads and allocations.

#[cfg(target_os = "linux")]
#[test]
fn dev_zero_is_refused_with_a_size_limit() {
    let output = cocreate(&["check", "/dev/zero"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("larger than 16 MB"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn huge_grid_steps_are_refused_before_expanding() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{OK}[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\nkey = \"firms.0.policy.training\"\nrange = [0, 1]\nsteps = 4294967295\n"
    );
    let file = write(dir.path(), "g.toml", &text);
    let output = cocreate(&["check", s(&file)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("experiment.factors.0.steps: the grid has more than 1000000 points"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_set_key_of_20000_segments_is_refused_naming_its_first_segment() {
    let key = vec!["a"; 20_000].join(".");
    let output = cocreate(&["check", "/dev/null", "--set", &format!("{key}=1")]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("20000 segments"), "{message}");
    assert!(message.contains("key `a.…`"), "{message}");
}

// Item 6: run records are checked, not trusted by shape.

fn finished_sweep(dir: &Path) -> PathBuf {
    let sweep = write(dir, "sw2.toml", &sw2());
    let out = dir.join("s");
    sweep_ok(&sweep, &out);
    out
}

fn edit_record(out: &Path, run: usize, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let path = out.join("runs").join(format!("{run:07}.json"));
    let mut record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut record);
    std::fs::write(&path, record.to_string()).unwrap();
    path
}

#[test]
fn a_record_with_3_of_16_outcomes_is_a_missing_run_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let out = finished_sweep(dir.path());
    let path = edit_record(&out, 3, |r| {
        r["outcomes"][0].as_array_mut().unwrap().truncate(3);
    });
    let merged = cocreate(&["merge", s(&out), "-q"]);
    assert_eq!(merged.status.code(), Some(1), "{}", stderr(&merged));
    let message = stderr(&merged);
    assert!(message.contains(s(&path)), "{message}");
    assert!(message.contains("--resume"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
    // --resume reruns exactly that run, and the sweep is whole again.
    let resumed = cocreate(&["sweep", "--resume", "--out", s(&out)]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert!(
        String::from_utf8_lossy(&resumed.stdout).contains("1 executed"),
        "{}",
        String::from_utf8_lossy(&resumed.stdout)
    );
    assert!(cocreate(&["verify", s(&out)]).status.success());
}

#[test]
fn a_cut_trajectory_or_a_changed_number_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let out = finished_sweep(dir.path());
    let cut = edit_record(&out, 0, |r| {
        r["trajectories"][0][2].as_array_mut().unwrap().truncate(5);
    });
    let changed = edit_record(&out, 1, |r| {
        r["outcomes"][0][0] = serde_json::json!(123.0);
    });
    let verify = cocreate(&["verify", s(&out)]);
    assert_eq!(verify.status.code(), Some(1));
    let message = stderr(&verify);
    assert!(
        message.contains(s(&changed)) && message.contains("checksum"),
        "{message}"
    );
    let merged = cocreate(&["merge", s(&out), "-q"]);
    assert_eq!(merged.status.code(), Some(1));
    assert!(stderr(&merged).contains(s(&cut)), "{}", stderr(&merged));
}

// Item 7: costs and prices have finite ranges; outputs are finite.

#[test]
fn costs_of_1_7e308_are_refused_by_run_and_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let ok = write(dir.path(), "ok.toml", OK);
    let sweep = write(dir.path(), "sw2.toml", &sw2());
    for (command, file) in [("run", &ok), ("sweep", &sweep)] {
        let out = dir.path().join(command);
        let output = cocreate(&[
            command,
            s(file),
            "--out",
            s(&out),
            "-q",
            "--set",
            "firms.0.costs.wage=1.7e308",
            "--set",
            "firms.0.costs.price=1.7e308",
        ]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{command}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("firms.0.costs.wage: must be between 0 and 1000000000"),
            "{}",
            stderr(&output)
        );
        assert!(!out.exists());
    }
}

#[test]
fn the_largest_accepted_costs_give_finite_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let ok = write(dir.path(), "ok.toml", OK);
    let out = dir.path().join("out");
    let output = cocreate(&[
        "run",
        s(&ok),
        "--out",
        s(&out),
        "-q",
        "--set",
        "firms.0.costs.wage=1e9",
        "--set",
        "firms.0.costs.price=1e9",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let series = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    assert!(
        !series.contains(",,") && !series.contains(",\n"),
        "empty cells"
    );
    assert!(!series.to_lowercase().contains("nan") && !series.contains("inf"));
}

// Item 8: temporary files are cleaned up.

#[test]
fn stale_temporaries_are_removed_at_start_and_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let ok = write(dir.path(), "ok.toml", OK);
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("charts")).unwrap();
    // Left by a killed writer (pid 999999999 cannot exist).
    write(&out, ".customers.csv.tmp-999999999-1-0", "x");
    write(&out.join("charts"), ".value.png.tmp-999999999-2-0", "x");
    run_ok(&ok, &out);
    let temporaries = |dir: &Path| {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .count()
    };
    assert_eq!(temporaries(&out) + temporaries(&out.join("charts")), 0);

    // SIGTERM in the middle of a long run: no temporary is left behind.
    let long = OK.replace("ticks = 30", "ticks = 600");
    let file = write(dir.path(), "long.toml", &long);
    let out = dir.path().join("long");
    let child = bin()
        .args(["run", s(&file), "--out", s(&out), "-q"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..1000 {
        if out.exists() && temporaries(&out) > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    if output.status.code() == Some(130) {
        assert_eq!(temporaries(&out), 0, "{}", stderr(&output));
        assert!(!out.join("manifest.json").exists());
    }
}

// Item 9: exit codes and messages.

fn check_message(text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "bad.toml", text);
    let output = cocreate(&["check", s(&file)]);
    (output.status.code(), stderr(&output))
}

#[test]
fn a_256_character_name_exits_2_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "long.toml",
        &format!("name = \"{}\"\n", "a".repeat(256)),
    );
    let output = bin()
        .args(["run", s(&file), "-q"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("at most 100 characters"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("output").exists());
}

#[cfg(unix)]
#[test]
fn dangling_and_looping_symlinks_as_out_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let ok = write(dir.path(), "ok.toml", OK);
    let dangling = dir.path().join("dangling");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    for (out, what) in [(&dangling, "does not exist"), (&a, "symlink loop")] {
        let output = cocreate(&["run", s(&ok), "--out", s(out), "-q"]);
        assert_eq!(output.status.code(), Some(2));
        assert!(stderr(&output).contains(what), "{}", stderr(&output));
        assert!(!stderr(&output).contains("os error 17"));
    }
}

#[test]
fn a_sweep_factor_out_of_range_is_located_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{OK}[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\nkey = \"firms.0.policy.training\"\nvalues = [0.5, 2]\n"
    );
    let file = write(dir.path(), "f.toml", &text);
    let output = cocreate(&["sweep", s(&file), "--out", s(&dir.path().join("o")), "-q"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("f.toml:9:1: experiment.factors.0:"),
        "{message}"
    );
    assert!(!message.starts_with("--set"), "{message}");
}

#[test]
fn messages_speak_words_not_rust_types() {
    let (code, message) = check_message("name = \"t\"\nticks = 5\nticks = 6\n");
    assert_eq!(code, Some(2));
    assert!(message.contains("duplicate key `ticks`"), "{message}");
    let (_, message) = check_message("[market]\nbase_churn = 1e308\n");
    assert!(message.contains("got 1e308"), "{message}");
    assert!(!message.contains("000000000000000000000"), "{message}");
    let (_, message) = check_message("ticks = 1.5\n");
    assert!(message.contains("expected a whole number"), "{message}");
    let (_, message) = check_message("[market]\nbase_churn = \"a\"\n");
    assert!(message.contains("expected a number"), "{message}");
    for rust in ["u32", "u64", "f64", "i128", "i64"] {
        for text in [
            "ticks = 1.5\n",
            "seed = -1\n",
            "[market]\nbase_churn = \"a\"\n",
        ] {
            let (_, message) = check_message(text);
            assert!(!message.contains(rust), "{rust} leaks in {message}");
        }
    }
    let (_, message) = check_message("[firms.policy]\ntraining = 0.5\n");
    assert!(message.contains("[[firms]]"), "{message}");
    let (_, message) = check_message("[[firms]]\n[firms.policy]\nrudeness = 0.5\n");
    assert!(message.contains("[firms.staff]"), "{message}");
}

#[test]
fn an_event_after_the_last_tick_is_warned_about() {
    let (code, message) = check_message(
        "ticks = 10\n[[events]]\ntick = 20\nset = { \"firms.0.policy.training\" = 0.9 }\n",
    );
    assert_eq!(code, Some(0));
    assert!(
        message.contains("warning: events.0: starts at tick 20"),
        "{message}"
    );
}

#[test]
fn a_misspelt_shipped_scenario_is_suggested() {
    let output = bin()
        .args(["check", "virtous"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("did you mean `scenarios/virtuous.toml`?"),
        "{}",
        stderr(&output)
    );
}

// Item 10: a missing spread takes the trait's own default, as the README says.

#[test]
fn a_missing_spread_takes_the_traits_own_default_as_documented() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "a.toml",
        "[customers]\nactivity = { mean = 0.2 }\n",
    );
    let output = cocreate(&["check", s(&file)]);
    assert!(output.status.success());
    let resolved = String::from_utf8_lossy(&output.stdout);
    let activity = resolved
        .lines()
        .skip_while(|l| *l != "[customers.activity]")
        .take(3)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(activity.contains("spread = 1.8"), "{activity}");
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(readme.contains("takes that trait's own default"));
    assert!(!readme.contains("takes the generic default"));
}

#[test]
fn shards_started_together_share_the_directory_and_a_different_sweep_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = write(dir.path(), "sw2.toml", &sw2());
    let out = dir.path().join("shared");
    let shards: Vec<_> = (1..=3)
        .map(|i| {
            bin()
                .args([
                    "sweep",
                    s(&sweep),
                    "--shard",
                    &format!("{i}/3"),
                    "--out",
                    s(&out),
                    "-q",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for shard in shards {
        let output = shard.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let other = cocreate(&[
        "sweep",
        s(&sweep),
        "--shard",
        "1/3",
        "--set",
        "replications=3",
        "--out",
        s(&out),
        "-q",
    ]);
    assert_eq!(other.status.code(), Some(2));
    assert!(
        stderr(&other).contains("different sweep"),
        "{}",
        stderr(&other)
    );
    let merged = cocreate(&["merge", s(&out), "-q"]);
    assert!(merged.status.success(), "{}", stderr(&merged));
    assert!(cocreate(&["verify", s(&out)]).status.success());
}
