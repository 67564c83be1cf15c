//! Issue 12's last gaps, driven through the binary: `survey` removes the temporaries of killed
//! writers under its lock (as `run` does), and `slurm` refuses another sweep's directory
//! without inviting the user to delete it.

use std::path::Path;
use std::process::Output;

use crate::util::stderr;

fn cocreate(args: &[&str], cwd: &Path) -> Output {
    crate::util::cocreate(args, cwd, &[("RAYON_NUM_THREADS", "2")])
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".tmp-"))
        .collect()
}

#[test]
fn survey_removes_stale_temporaries_under_its_lock() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    std::fs::create_dir_all(&out).unwrap();
    // Left by a killed writer (pid 999999999 cannot exist).
    std::fs::write(out.join(".survey.csv.tmp-999999999-1-0"), "x").unwrap();
    let output = cocreate(
        &[
            "survey",
            "--out",
            "s",
            "--quiet",
            "--respondents",
            "100",
            "--set",
            "population.capacity=300",
            "--set",
            "population.initial=250",
            "--set",
            "ticks=30",
        ],
        dir.path(),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(out.join("survey.csv").exists());
    assert_eq!(temporaries(&out), Vec::<String>::new());
}

#[test]
fn slurm_into_another_sweeps_directory_offers_the_resume_command_not_deletion() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = |training: &str| {
        format!(
            "name = \"t\"\nticks = 10\nreplications = 2\n[population]\ncapacity = 50\ninitial = 40\n\
             [experiment]\ndesign = \"grid\"\n[[experiment.factors]]\nkey = \"firms.0.policy.training\"\n\
             values = [{training}]\n"
        )
    };
    std::fs::write(dir.path().join("a.toml"), scenario("0.1, 0.9")).unwrap();
    std::fs::write(dir.path().join("b.toml"), scenario("0.2, 0.8")).unwrap();
    let first = cocreate(
        &["slurm", "a.toml", "--tasks", "1", "--out", "my sweep"],
        dir.path(),
    );
    assert!(first.status.success(), "{}", stderr(&first));
    let sweep_file = dir.path().join("my sweep").join("sweep.json");
    // `slurm` writes scripts only; the identity file comes from the first shard. Stand in for it
    // with a sweep of `a.toml` prepared in that directory.
    let prepared = cocreate(
        &[
            "sweep", "a.toml", "--out", "my sweep", "--shard", "1/4", "--quiet",
        ],
        dir.path(),
    );
    assert!(prepared.status.success(), "{}", stderr(&prepared));
    assert!(sweep_file.exists());
    let other = cocreate(
        &["slurm", "b.toml", "--tasks", "1", "--out", "my sweep"],
        dir.path(),
    );
    assert_eq!(other.status.code(), Some(2), "{}", stderr(&other));
    let message = stderr(&other);
    assert!(message.contains("different sweep"), "{message}");
    assert!(!message.contains("delete"), "{message}");
    assert!(
        message.contains("`cocreate sweep --resume --out '") && message.contains("my sweep'`"),
        "{message}"
    );
    // The printed command works: it continues the sweep already there.
    let resumed = cocreate(
        &["sweep", "--resume", "--out", "my sweep", "--quiet"],
        dir.path(),
    );
    assert!(resumed.status.success(), "{}", stderr(&resumed));
}
