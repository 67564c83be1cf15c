//! The one place that says how the tests call the `cocreate` binary, and the small helpers
//! around its output that every test file needs.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `cocreate` binary cargo built for this test run.
pub const BIN: &str = env!("CARGO_BIN_EXE_cocreate");

/// A command for the `cocreate` binary, for tests that set up stdio or signals themselves.
pub fn bin() -> Command {
    Command::new(BIN)
}

/// Runs `cocreate ARGS` in `cwd` with `env` added to the environment, and waits for it.
pub fn cocreate<S: AsRef<OsStr>>(args: &[S], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = bin();
    command.args(args).current_dir(cwd);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("cannot start the cocreate binary")
}

/// Runs `cocreate ARGS` in the test's own directory with `env` added, and waits for it.
pub fn cocreate_here<S: AsRef<OsStr>>(args: &[S], env: &[(&str, &str)]) -> Output {
    let mut command = bin();
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("cannot start the cocreate binary")
}

/// Runs `cocreate sweep PATH --out OUT --quiet EXTRA...` on two threads, as the sweep tests do.
pub fn sweep(path: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "sweep",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    cocreate_here(&args, &[("RAYON_NUM_THREADS", "2")])
}

/// The command's standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The command's standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that the command succeeded, showing its output if not.
#[track_caller]
pub fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "cocreate failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        stdout(output),
        stderr(output)
    );
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A CSV file as a header and rows of cells.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Reads a CSV file with a header row.
    pub fn read(path: &Path) -> Table {
        let mut reader = csv::Reader::from_path(path).expect("readable CSV");
        let header = reader
            .headers()
            .expect("a header")
            .iter()
            .map(str::to_owned)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
            .collect();
        Table { header, rows }
    }

    /// The position of column `name` (panics if there is none).
    pub fn index(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    /// Column `name` as text.
    pub fn text(&self, name: &str) -> Vec<&str> {
        let i = self.index(name);
        self.rows.iter().map(|row| row[i].as_str()).collect()
    }

    /// Column `name` as numbers.
    pub fn numbers(&self, name: &str) -> Vec<f64> {
        self.text(name)
            .iter()
            .map(|x| x.parse().expect("a number"))
            .collect()
    }
}
