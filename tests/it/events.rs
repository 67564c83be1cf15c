//! `[[events]]` driven through the binary: an event changes the model from its tick on and
//! not before, a set with a duration reverts, a ramp moves a parameter step by step, the
//! resolved scenario keeps its events, and a bad event is reported at its line with exit 2.

use std::path::Path;
use std::process::Output;

use tempfile::TempDir;

use super::util;

/// Runs `cocreate ARGS` in `dir`.
fn cocreate(args: &[&str], dir: &Path) -> Output {
    util::cocreate(args, dir, &[])
}

const SMALL: &[&str] = &[
    "--set",
    "population.capacity=1500",
    "--set",
    "population.initial=1200",
    "--replications",
    "2",
    "--ticks",
    "40",
    "--quiet",
];

/// A one-firm scenario with the given events appended.
fn scenario(dir: &Path, events: &str) -> String {
    let path = dir.join("scenario.toml");
    let text = format!("name = \"events\"\n[[firms]]\nname = \"firm\"\n{events}");
    std::fs::write(&path, text).expect("write scenario");
    path.display().to_string()
}

fn run(dir: &Path, file: &str, out: &str) -> Vec<Vec<String>> {
    let mut args = vec!["run", file, "--out", out];
    args.extend_from_slice(SMALL);
    let output = cocreate(&args, dir);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(dir.join(out).join("timeseries.csv")).expect("timeseries");
    text.lines()
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect()
}

fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0].iter().position(|c| c == name).expect("column")
}

/// Rows of replication 0 at `tick`.
fn at(rows: &[Vec<String>], tick: u32) -> &[String] {
    let t = column(rows, "tick");
    let r = column(rows, "replication");
    rows.iter()
        .find(|row| row[r] == "0" && row[t] == tick.to_string())
        .expect("row")
}

#[test]
fn an_outage_changes_the_run_from_its_tick_on_and_reverts() {
    let dir = TempDir::new().expect("tempdir");
    let plain = scenario(dir.path(), "");
    let base = run(dir.path(), &plain, "plain");
    let shocked_file = scenario(
        dir.path(),
        "[[events]]\ntick = 20\nduration = 4\nlabel = \"outage\"\n\
         set = { \"firms.0.policy.tech_reliability\" = 0.0 }\n",
    );
    let shocked = run(dir.path(), &shocked_file, "shocked");
    // Identical before the event: the same draws and the same parameters.
    for tick in 0..20 {
        assert_eq!(at(&base, tick), at(&shocked, tick), "tick {tick}");
    }
    // During the outage every encounter fails: co-created value collapses, complaints jump.
    let cocreated = column(&base, "cocreated_value");
    let complaints = column(&base, "complaints");
    let value = |rows: &[Vec<String>], tick, col: usize| -> f64 {
        at(rows, tick)[col].parse().expect("number")
    };
    for tick in 20..24 {
        assert!(
            value(&shocked, tick, cocreated) < 0.5 * value(&base, tick, cocreated),
            "tick {tick}"
        );
        assert!(
            value(&shocked, tick, complaints) > 2.0 * value(&base, tick, complaints),
            "tick {tick}"
        );
    }
    // After it, the platform works again: contributions succeed and co-created value returns.
    let after: f64 = (30..40).map(|t| value(&shocked, t, cocreated)).sum();
    let during: f64 = (20..24).map(|t| value(&shocked, t, cocreated)).sum::<f64>() * 2.5;
    assert!(after > 2.0 * during, "after {after}, during {during}");
    // The chart files exist (markers are drawn on them; see the charts unit tests).
    assert!(dir.path().join("shocked/charts/value.png").is_file());
}

#[test]
fn a_ramp_moves_the_parameter_step_by_step() {
    // A ramp of service recovery from its default to 1 shows as a growing recovery share.
    let dir = TempDir::new().expect("tempdir");
    let file = scenario(
        dir.path(),
        "[firms.policy]\nservice_recovery = 0.0\n[[events]]\ntick = 10\nduration = 20\n\
         ramp = { \"firms.0.policy.service_recovery\" = 1.0 }\n",
    );
    let rows = run(dir.path(), &file, "ramp");
    let recoveries = column(&rows, "recoveries");
    let complaints = column(&rows, "complaints");
    let share = |from: u32, to: u32| {
        let (mut r, mut c) = (0.0, 0.0);
        for t in from..to {
            r += at(&rows, t)[recoveries].parse::<f64>().expect("number");
            c += at(&rows, t)[complaints].parse::<f64>().expect("number");
        }
        r / c.max(1.0)
    };
    assert_eq!(share(1, 10), 0.0, "no recovery before the ramp");
    let early = share(10, 17);
    let late = share(23, 30);
    let after = share(30, 41);
    assert!(
        early > 0.0 && early < late && late < after,
        "{early} {late} {after}"
    );
    assert!(
        after > 0.9,
        "after the ramp every complaint is recovered: {after}"
    );
}

#[test]
fn set_reaches_an_event_however_its_keys_were_written() {
    // The file quotes the dotted key; --set names it with a plain path, as a sweep would.
    let dir = TempDir::new().expect("tempdir");
    let quoted = scenario(
        dir.path(),
        "[[events]]\ntick = 20\nset = { \"firms.0.policy.tech_reliability\" = 0.0 }\n",
    );
    let outage = run(dir.path(), &quoted, "outage");
    let mut args = vec![
        "run",
        quoted.as_str(),
        "--out",
        "restored",
        "--set",
        "events.0.set.firms.0.policy.tech_reliability=0.95",
    ];
    args.extend_from_slice(SMALL);
    assert!(cocreate(&args, dir.path()).status.success());
    let restored = std::fs::read_to_string(dir.path().join("restored/timeseries.csv")).unwrap();
    let plain = scenario(dir.path(), "");
    let base = run(dir.path(), &plain, "plain");
    let lines = |rows: &[Vec<String>]| rows.iter().map(|r| r.join(",")).collect::<Vec<_>>();
    // Setting the event's reliability to the scenario's own value undoes the outage exactly.
    assert_eq!(restored.lines().collect::<Vec<_>>(), lines(&base));
    assert_ne!(lines(&outage), lines(&base));
}

#[test]
fn check_prints_events_and_the_printed_scenario_runs_identically() {
    let dir = TempDir::new().expect("tempdir");
    let file = scenario(
        dir.path(),
        "[[events]]\ntick = 15\nduration = 5\nset = { \"firms.0.policy.tech_reliability\" = 0.2 }\n\
         [[events]]\ntick = 25\nduration = 10\nramp = { firms.0.policy.training = 0.9 }\n",
    );
    let output = cocreate(&["check", &file], dir.path());
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).expect("utf8");
    assert!(printed.contains("[[events]]"), "{printed}");
    let resolved = dir.path().join("resolved.toml");
    std::fs::write(&resolved, &printed).expect("write");
    let a = run(dir.path(), &file, "a");
    let b = run(dir.path(), &resolved.display().to_string(), "b");
    assert_eq!(a, b);
}

#[test]
fn bad_events_are_reported_at_their_line_and_nothing_is_written() {
    let dir = TempDir::new().expect("tempdir");
    let cases = [
        (
            "[[events]]\ntick = 5\nset = { \"population.capacity\" = 10 }\n",
            "scenario.toml:6:7: events.0.set.population.capacity: `population.capacity` \
             cannot change during a run",
        ),
        (
            "[[events]]\ntick = 5\nset = { \"firms.0.policy.tech_reliability\" = 1.5 }\n",
            "scenario.toml:6:7: events.0.set.firms.0.policy.tech_reliability: in effect at tick \
             5: firms.0.policy.tech_reliability: must be between 0 and 1",
        ),
        (
            "[[events]]\ntick = 5\nset = { \"firms.0.policy.incentve\" = 0.5 }\n",
            "did you mean `firms.0.policy.incentive`?",
        ),
        ("[[events]]\ntik = 5\n", "did you mean `tick`"),
        (
            // Written twice: quoted and nested.
            "[[events]]\ntick = 5\nset = { \"firms.0.policy.training\" = 0.1, firms.0.policy.training = 0.2 }\n",
            "events.0.set.firms.0.policy.training: `firms.0.policy.training` is given twice",
        ),
        (
            // Nested keys: the error points at the key's own line.
            "[[events]]\ntick = 5\nduration = 10\nramp.firms.0.policy.training = 3.0\n",
            "scenario.toml:7:32: events.0.ramp.firms.0.policy.training: in effect at tick 7: \
             firms.0.policy.training: must be between 0 and 1",
        ),
    ];
    for (events, expected) in cases {
        let file = scenario(dir.path(), events);
        let output = cocreate(&["run", &file, "--out", "out", "--quiet"], dir.path());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(expected),
            "expected {expected:?} in {stderr}"
        );
        assert!(!dir.path().join("out").exists());
    }
    // Every faulty event is named, not only the first.
    let file = scenario(
        dir.path(),
        "[[events]]\ntick = 5\nset = { \"firms.0.policy.training\" = 2.0 }\n\
         [[events]]\ntick = 8\nset = { \"behaviour.loss_aversion\" = -1.0 }\n",
    );
    let output = cocreate(&["check", &file], dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("events.0.set.firms.0.policy.training"),
        "{stderr}"
    );
    assert!(
        stderr.contains("events.1.set.behaviour.loss_aversion"),
        "{stderr}"
    );
    // An override is blamed when it makes an event invalid.
    let file = scenario(
        dir.path(),
        "[[events]]\ntick = 5\nset = { \"firms.0.policy.tech_reliability\" = 0.5 }\n",
    );
    let output = cocreate(&["check", &file, "--set", "events.0.tick=0"], dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.starts_with("--set events.0.tick=0: events.0.tick: must be at least 1"),
        "{stderr}"
    );
}
