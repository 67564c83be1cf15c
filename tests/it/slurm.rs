//! `cocreate slurm` through the binary: invalid input writes nothing, `--submit` without sbatch
//! fails clearly, and with an sbatch on PATH the merge is submitted to wait for the array.
//! (scripts/test-slurm.sh runs the scripts on a real Slurm.)

use std::path::{Path, PathBuf};

use super::util::{bin, stderr, stdout};

/// A sweep of 3 points x 2 replications on a small population.
fn scenario(dir: &Path, experiment: bool) -> PathBuf {
    let mut text = String::from(
        "name = \"small\"\nticks = 20\nseed = 3\nreplications = 2\n\
         [population]\ncapacity = 500\ninitial = 400\n",
    );
    if experiment {
        text.push_str(
            "[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\n\
             key = \"firms.0.policy.service_recovery\"\nvalues = [0.1, 0.5, 0.9]\n",
        );
    }
    let path = dir.join(if experiment {
        "small sweep.toml"
    } else {
        "no design.toml"
    });
    std::fs::write(&path, text).unwrap();
    path
}

/// PATH with only `dir` and the directories holding bash and the basic tools.
fn path_with(dir: &Path) -> String {
    format!("{}:/usr/bin:/bin", dir.display())
}

#[test]
fn invalid_input_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let no_design = scenario(dir.path(), false);
    let with_design = scenario(dir.path(), true);
    let cases: Vec<Vec<String>> = vec![
        vec![
            no_design.display().to_string(),
            "--tasks".into(),
            "2".into(),
        ],
        vec![
            with_design.display().to_string(),
            "--tasks".into(),
            "7".into(),
        ],
        vec![
            with_design.display().to_string(),
            "--tasks".into(),
            "2".into(),
            "--time".into(),
            "2 hours".into(),
        ],
        vec![
            with_design.display().to_string(),
            "--tasks".into(),
            "2".into(),
            "--partition".into(),
            "a b".into(),
        ],
        vec![
            with_design.display().to_string(),
            "--tasks".into(),
            "2".into(),
            "--set".into(),
            "firms.0.policy.incentive=1.5".into(),
        ],
        vec![
            with_design.display().to_string(),
            "--tasks".into(),
            "0".into(),
        ],
    ];
    for args in cases {
        let output = bin()
            .arg("slurm")
            .args(&args)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}

#[test]
fn scripts_are_written_with_absolute_paths() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(dir.path(), true);
    let output = bin()
        .current_dir(dir.path())
        .args([
            "slurm",
            "small sweep.toml",
            "--tasks",
            "3",
            "--out",
            "rel out",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let out = dir.path().join("rel out");
    let sweep = std::fs::read_to_string(out.join("slurm/sweep.sbatch")).unwrap();
    let scenario = std::fs::canonicalize(&path).unwrap();
    let absolute_out = std::fs::canonicalize(&out).unwrap();
    assert!(
        sweep.contains(&format!("'{}'", scenario.display())),
        "{sweep}"
    );
    assert!(sweep.contains(&format!("--out '{}'", absolute_out.display())));
    assert!(stdout(&output).contains("submit with: bash '"));
    // Nothing but the scripts: the sweep itself has not started.
    assert!(!out.join("runs").exists());
}

#[test]
fn submit_without_sbatch_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(dir.path(), true);
    let empty = dir.path().join("no-sbatch");
    std::fs::create_dir(&empty).unwrap();
    let output = bin()
        .args(["slurm", path.to_str().unwrap(), "--tasks", "2", "--submit"])
        .arg("--out")
        .arg(dir.path().join("out"))
        // Not even /usr/bin: Slurm may be installed on this machine.
        .env("PATH", &empty)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("sbatch is not on PATH"),
        "{}",
        stderr(&output)
    );
}

#[cfg(unix)]
#[test]
fn submit_makes_the_merge_depend_on_the_array() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(dir.path(), true);
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let calls = dir.path().join("calls");
    // A stand-in sbatch: logs its arguments; the array gets id 41, the merge 42 (with a
    // cluster name, as --parsable prints on federated clusters).
    let sbatch = bin.join("sbatch");
    std::fs::write(
        &sbatch,
        format!(
            "#!/bin/bash\nprintf '%s|' \"$@\" >> '{}'\necho >> '{}'\n\
             case \"$*\" in *--dependency*) echo '42;main' ;; *) echo 41 ;; esac\n",
            calls.display(),
            calls.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&sbatch, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = dir.path().join("out dir");
    let output = super::util::bin()
        .args(["slurm", path.to_str().unwrap(), "--tasks", "3", "--submit"])
        .arg("--out")
        .arg(&out)
        .env("PATH", path_with(&bin))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("submitted: array job 41 (3 tasks), merge job 42"),
        "{}",
        stdout(&output)
    );
    let calls = std::fs::read_to_string(&calls).unwrap();
    let lines: Vec<&str> = calls.lines().collect();
    assert_eq!(
        lines,
        [
            format!("--parsable|{}/slurm/sweep.sbatch|", out.display()),
            format!(
                "--parsable|--dependency=afterok:41|{}/slurm/merge.sbatch|",
                out.display()
            ),
        ]
    );
}
