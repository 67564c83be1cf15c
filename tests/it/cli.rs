//! End-to-end tests of the `cocreate` binary, driven as a user would drive it: through its
//! command line, in a fresh temporary directory, checking exit codes, stdout/stderr and the
//! files it writes against the interface contract (../shared/cli-contract.md).
//!
//! Populations are kept small (1,500 slots, 60 ticks, 3 replications) so that the whole file
//! runs in a few seconds on two cores.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tempfile::TempDir;

use super::util::{assert_success, cocreate, stderr, stdout};

/// Ticks and replications of the small runs (must match [`small_args`]).
const TICKS: usize = 60;
const REPLICATIONS: usize = 3;

/// Columns `timeseries.csv` must have (contract, "Outputs of `run`").
const TIMESERIES_COLUMNS: &[&str] = &[
    "replication",
    "seed",
    "firm",
    "tick",
    "active_customers",
    "participation_rate",
    "empowerment",
    "self_efficacy",
    "satisfaction",
    "loyalty",
    "grievance",
    "functional_value",
    "emotional_value",
    "social_value",
    "cocreated_value",
    "codestroyed_value",
    "wom_positive",
    "wom_negative",
    "complaints",
    "recoveries",
    "revenge_acts",
    "churned",
    "acquired",
    "employee_morale",
    "product_quality",
    "reputation",
    "revenue",
    "cost",
    "profit",
];

/// Columns `summary.csv` must have.
const SUMMARY_COLUMNS: &[&str] = &[
    "replication",
    "seed",
    "firm",
    "cocreated_value",
    "codestroyed_value",
    "net_value",
    "final_active_customers",
    "final_loyalty",
    "monthly_churn",
    "wom_ratio",
    "top1_contribution_share",
    "profit",
    "regime",
];

/// Columns `customers.csv` must have: identifiers, the traits and state variables of the model
/// spec, the recent-window intensities and the counters.
const CUSTOMER_COLUMNS: &[&str] = &[
    "replication",
    "customer",
    "firm",
    "expertise",
    "sociability",
    "activity",
    "vindictiveness",
    "forgiveness",
    "empowerment",
    "self_efficacy",
    "satisfaction",
    "loyalty",
    "grievance",
    "functional_value",
    "emotional_value",
    "social_value",
    "product_engagement",
    "interpersonal_interaction",
    "contributions",
    "tenure",
];

/// The charts `run` draws, each as PNG and SVG.
const CHARTS: &[&str] = &[
    "value",
    "psychology",
    "experience",
    "customers",
    "staff_quality",
    "profit",
];

const CSVS: &[&str] = &["timeseries.csv", "summary.csv", "customers.csv"];

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The flags that keep a run small and fast.
fn small_args() -> Vec<String> {
    small_args_with(REPLICATIONS)
}

/// [`small_args`] with another number of replications.
fn small_args_with(replications: usize) -> Vec<String> {
    let mut args: Vec<String> = [
        "--set",
        "population.capacity=1500",
        "--set",
        "population.initial=1200",
        "--ticks",
        "60",
        "--replications",
    ]
    .map(String::from)
    .to_vec();
    args.push(replications.to_string());
    args
}

/// `args` followed by `more`, as owned strings.
fn with<S: AsRef<str>>(mut args: Vec<String>, more: &[S]) -> Vec<String> {
    args.extend(more.iter().map(|s| s.as_ref().to_owned()));
    args
}

fn path_arg(path: &Path) -> String {
    path.to_str().expect("temporary paths are UTF-8").to_owned()
}

fn tempdir() -> TempDir {
    tempfile::tempdir().expect("cannot create a temporary directory")
}

/// Runs `cocreate run` with the small flags and then `extra`, writing into `dir/out_name`, and
/// returns the output directory.
fn small_run(dir: &Path, out_name: &str, extra: &[&str], env: &[(&str, &str)]) -> PathBuf {
    small_run_with(REPLICATIONS, dir, out_name, extra, env)
}

/// [`small_run`] with another number of replications.
fn small_run_with(
    replications: usize,
    dir: &Path,
    out_name: &str,
    extra: &[&str],
    env: &[(&str, &str)],
) -> PathBuf {
    let out = dir.join(out_name);
    // `extra` comes after the small flags so that its `--set`s win over theirs.
    let args = with(
        with(
            with(vec!["run".to_owned()], &small_args_with(replications)),
            extra,
        ),
        &["--quiet", "--out", &path_arg(&out)],
    );
    let output = cocreate(&args, dir, env);
    assert_success(&output);
    out
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

fn read_text(path: &Path) -> String {
    String::from_utf8(read(path)).unwrap_or_else(|_| panic!("{} is not UTF-8", path.display()))
}

/// A parsed CSV file: header and rows.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn read(path: &Path) -> Table {
        let mut reader = csv::Reader::from_path(path)
            .unwrap_or_else(|error| panic!("cannot open {}: {error}", path.display()));
        let header = reader
            .headers()
            .expect("CSV header")
            .iter()
            .map(String::from)
            .collect();
        let rows = reader
            .records()
            .map(|record| {
                record
                    .unwrap_or_else(|error| panic!("bad row in {}: {error}", path.display()))
                    .iter()
                    .map(String::from)
                    .collect()
            })
            .collect();
        Table { header, rows }
    }

    fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column `{name}` in {:?}", self.header))
    }

    /// Every value of column `name`.
    fn values(&self, name: &str) -> Vec<&str> {
        let index = self.column(name);
        self.rows.iter().map(|row| row[index].as_str()).collect()
    }

    fn assert_has_columns(&self, file: &str, columns: &[&str]) {
        for column in columns {
            assert!(
                self.header.iter().any(|h| h == column),
                "{file} lacks column `{column}`; header: {:?}",
                self.header
            );
        }
    }
}

/// The raw lines of a CSV file whose first cell (the replication) is in `replications`.
fn lines_of_replications(path: &Path, replications: &[&str]) -> Vec<String> {
    read_text(path)
        .lines()
        .skip(1)
        .filter(|line| replications.contains(&line.split(',').next().unwrap_or("")))
        .map(String::from)
        .collect()
}

/// Asserts that every CSV of two output directories is byte-identical.
#[track_caller]
fn assert_same_csvs(a: &Path, b: &Path) {
    for name in CSVS {
        assert!(
            read(&a.join(name)) == read(&b.join(name)),
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// The replication seeds in `summary.csv`, in row order.
fn summary_seeds(out: &Path) -> Vec<String> {
    Table::read(&out.join("summary.csv"))
        .values("seed")
        .into_iter()
        .map(String::from)
        .collect()
}

/// Writes `text` to `dir/name` and returns the file name (relative to `dir`).
fn write_scenario(dir: &Path, name: &str, text: &str) -> String {
    std::fs::write(dir.join(name), text).expect("cannot write scenario");
    name.to_owned()
}

fn is_lower_hex(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

// ---------------------------------------------------------------------------------------------
// `run`: outputs
// ---------------------------------------------------------------------------------------------

#[test]
fn run_without_scenario_writes_every_output_into_output_baseline() {
    let dir = tempdir();
    let args = with(vec!["run".to_owned()], &small_args());
    let output = cocreate(&args, dir.path(), &[]);
    assert_success(&output);
    let out = dir.path().join("output").join("baseline");
    assert!(
        out.is_dir(),
        "no output/baseline/ under the working directory"
    );

    // timeseries.csv: every contract column, one row per (replication, firm, tick).
    let timeseries = Table::read(&out.join("timeseries.csv"));
    timeseries.assert_has_columns("timeseries.csv", TIMESERIES_COLUMNS);
    let firms = 1;
    assert_eq!(timeseries.rows.len(), REPLICATIONS * (TICKS + 1) * firms);
    let ticks: BTreeSet<u32> = timeseries
        .values("tick")
        .iter()
        .map(|t| t.parse().expect("integer tick"))
        .collect();
    assert_eq!(ticks, (0..=TICKS as u32).collect());
    let replications: BTreeSet<&str> = timeseries.values("replication").into_iter().collect();
    assert_eq!(replications, BTreeSet::from(["0", "1", "2"]));
    assert!(timeseries.values("firm").iter().all(|f| *f == "firm"));
    for column in TIMESERIES_COLUMNS.iter().skip(4) {
        for value in timeseries.values(column) {
            let number: f64 = value
                .parse()
                .unwrap_or_else(|_| panic!("{column} = {value:?} is not a plain number"));
            assert!(number.is_finite(), "{column} = {value}");
            assert!(
                !value.contains(['e', 'E']),
                "{column} = {value} is not in plain decimal"
            );
        }
    }
    let active: Vec<f64> = timeseries
        .values("active_customers")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(
        active.iter().all(|&a| (0.0..=1500.0).contains(&a)),
        "active customers beyond capacity"
    );
    // Week 0 follows the spin-up (docs/ODD.md, section 5): the 1,200 initial customers have
    // churned and been replaced for 312 weeks, so the count is near, not at, 1,200.
    assert!(
        (900.0..=1500.0).contains(&active[0]) && active[0] != 1200.0,
        "week 0 is the population after the spin-up, got {}",
        active[0]
    );

    // summary.csv: every column, one row per (replication, firm), a known regime.
    let summary = Table::read(&out.join("summary.csv"));
    summary.assert_has_columns("summary.csv", SUMMARY_COLUMNS);
    assert_eq!(summary.rows.len(), REPLICATIONS * firms);
    for regime in summary.values("regime") {
        assert!(
            ["virtuous", "spiral", "contested"].contains(&regime),
            "unknown regime {regime:?}"
        );
    }
    for share in summary.values("top1_contribution_share") {
        let share: f64 = share.parse().expect("number");
        assert!((0.0..=1.0).contains(&share), "top-1% share {share}");
    }

    // customers.csv: every column, rows of every replication.
    let customers = Table::read(&out.join("customers.csv"));
    customers.assert_has_columns("customers.csv", CUSTOMER_COLUMNS);
    let replications: BTreeSet<&str> = customers.values("replication").into_iter().collect();
    assert_eq!(replications, BTreeSet::from(["0", "1", "2"]));
    let final_active: usize = summary
        .values("final_active_customers")
        .iter()
        .map(|v| v.parse::<usize>().expect("integer count"))
        .sum();
    assert_eq!(
        customers.rows.len(),
        final_active,
        "customers.csv has one row per active customer at the last tick"
    );

    // Charts: PNG and SVG of each.
    for chart in CHARTS {
        let png = read(&out.join("charts").join(format!("{chart}.png")));
        assert!(png.starts_with(PNG_MAGIC), "{chart}.png is not a PNG");
        let svg = read_text(&out.join("charts").join(format!("{chart}.svg")));
        assert!(svg.contains("<svg"), "{chart}.svg is not an SVG");
    }

    // manifest.json.
    let manifest: serde_json::Value =
        serde_json::from_str(&read_text(&out.join("manifest.json"))).expect("manifest is JSON");
    assert_eq!(manifest["program"], "cocreate");
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    let sha = manifest["scenario_sha256"]
        .as_str()
        .expect("scenario_sha256");
    assert_eq!(sha.len(), 64, "{sha}");
    assert!(is_lower_hex(sha), "{sha}");
    if let Some(resolved) = manifest["scenario_toml"].as_str() {
        let digest: String = Sha256::digest(resolved.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sha, digest, "scenario_sha256 is the hash of scenario_toml");
    }
    assert_eq!(manifest["seed"], 42, "the baseline's master seed");
    let seeds: Vec<String> = manifest["replication_seeds"]
        .as_array()
        .expect("replication_seeds is an array")
        .iter()
        .map(|s| s.as_u64().expect("seeds are integers").to_string())
        .collect();
    assert_eq!(seeds.len(), REPLICATIONS);
    assert_eq!(
        seeds,
        summary.values("seed"),
        "manifest and summary seeds agree"
    );
    assert!(manifest["threads"].as_u64().expect("threads") >= 1);
    let started = manifest["started"].as_str().expect("started");
    assert!(
        started.len() == 20 && started.ends_with('Z') && started.as_bytes()[10] == b'T',
        "started = {started:?} is not RFC 3339 UTC"
    );
    assert!(manifest["wall_seconds"].as_f64().expect("wall_seconds") >= 0.0);
    let command_line: Vec<&str> = manifest["command_line"]
        .as_array()
        .expect("command_line is an array")
        .iter()
        .map(|a| a.as_str().expect("arguments are strings"))
        .collect();
    assert_eq!(&command_line[1..], args.as_slice());
    assert_eq!(manifest["completed"], true);
}

#[test]
fn two_firm_scenario_has_rows_per_firm() {
    let dir = tempdir();
    let scenario = write_scenario(
        dir.path(),
        "duo.toml",
        "name = \"duo\"\n\
         [[firms]]\nname = \"alpha\"\nshare = 0.5\n\
         [[firms]]\nname = \"beta\"\nshare = 0.5\n",
    );
    let out = small_run(dir.path(), "out", &[&scenario], &[]);
    let timeseries = Table::read(&out.join("timeseries.csv"));
    assert_eq!(timeseries.rows.len(), REPLICATIONS * (TICKS + 1) * 2);
    let firms: BTreeSet<&str> = timeseries.values("firm").into_iter().collect();
    assert_eq!(firms, BTreeSet::from(["alpha", "beta"]));
    let summary = Table::read(&out.join("summary.csv"));
    assert_eq!(summary.rows.len(), REPLICATIONS * 2);
    let customers = Table::read(&out.join("customers.csv"));
    let firms: BTreeSet<&str> = customers.values("firm").into_iter().collect();
    assert!(firms.is_subset(&BTreeSet::from(["alpha", "beta"])));
}

// ---------------------------------------------------------------------------------------------
// Determinism and common random numbers
// ---------------------------------------------------------------------------------------------

#[test]
fn same_scenario_and_seed_give_identical_outputs() {
    let dir = tempdir();
    let a = small_run(dir.path(), "a", &["--seed", "7"], &[]);
    let b = small_run(dir.path(), "b", &["--seed", "7"], &[]);
    assert_same_csvs(&a, &b);
}

#[test]
fn outputs_do_not_depend_on_the_number_of_threads() {
    let dir = tempdir();
    // Enough slots for several blocks of customers, so that blocks run in parallel too.
    let larger = [
        "--set",
        "population.capacity=6000",
        "--set",
        "population.initial=4800",
    ];
    let one = small_run(dir.path(), "one", &larger, &[("RAYON_NUM_THREADS", "1")]);
    let two = small_run(dir.path(), "two", &larger, &[("RAYON_NUM_THREADS", "2")]);
    assert_same_csvs(&one, &two);
    let manifest: serde_json::Value =
        serde_json::from_str(&read_text(&one.join("manifest.json"))).expect("JSON");
    assert_eq!(
        manifest["threads"], 1,
        "the manifest records the thread count"
    );
}

#[test]
fn a_different_seed_gives_different_results() {
    let dir = tempdir();
    let a = small_run(dir.path(), "a", &["--seed", "1"], &[]);
    let b = small_run(dir.path(), "b", &["--seed", "2"], &[]);
    assert!(read(&a.join("timeseries.csv")) != read(&b.join("timeseries.csv")));
    assert!(summary_seeds(&a) != summary_seeds(&b));
}

#[test]
fn replication_results_do_not_depend_on_how_many_replications_run() {
    let dir = tempdir();
    let two = small_run_with(2, dir.path(), "two", &[], &[]);
    let four = small_run_with(4, dir.path(), "four", &[], &[]);
    assert_eq!(summary_seeds(&two).len(), 2);
    assert_eq!(summary_seeds(&four).len(), 4);
    for name in CSVS {
        let shared = lines_of_replications(&two.join(name), &["0", "1"]);
        assert!(
            !shared.is_empty(),
            "{name} has no rows of replications 0 and 1"
        );
        assert_eq!(
            shared,
            lines_of_replications(&four.join(name), &["0", "1"]),
            "{name}: replications 0 and 1 differ between a 2- and a 4-replication run"
        );
        assert!(
            lines_of_replications(&two.join(name), &["2", "3"]).is_empty(),
            "{name}: the 2-replication run has rows of replications 2 or 3"
        );
    }
}

#[test]
fn a_set_keeps_the_replication_seeds() {
    let dir = tempdir();
    let base = small_run(dir.path(), "base", &[], &[]);
    let changed = small_run(
        dir.path(),
        "changed",
        &["--set", "firms.0.policy.incentive=0.9"],
        &[],
    );
    assert_eq!(summary_seeds(&base), summary_seeds(&changed));
    assert!(
        read(&base.join("timeseries.csv")) != read(&changed.join("timeseries.csv")),
        "the --set had no effect"
    );
}

// ---------------------------------------------------------------------------------------------
// `check`
// ---------------------------------------------------------------------------------------------

fn baseline_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join("baseline.toml")
}

#[test]
fn check_prints_a_resolved_scenario_that_runs_identically() {
    let dir = tempdir();
    let baseline = path_arg(&baseline_path());
    let output = cocreate(&["check", &baseline], dir.path(), &[]);
    assert_success(&output);
    let resolved = stdout(&output);
    assert!(resolved.contains("name = \"baseline\""), "{resolved}");
    for table in ["[population]", "[customers", "[network]", "[[firms]]"] {
        assert!(resolved.contains(table), "no {table} in:\n{resolved}");
    }
    let resolved_file = write_scenario(dir.path(), "resolved.toml", &resolved);

    let direct = small_run(dir.path(), "direct", &[&baseline], &[]);
    let via_check = small_run(dir.path(), "via_check", &[&resolved_file], &[]);
    assert_same_csvs(&direct, &via_check);

    // The resolved scenario resolves to itself.
    let again = cocreate(&["check", &resolved_file], dir.path(), &[]);
    assert_success(&again);
    let body = |text: &str| {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&resolved), body(&stdout(&again)));
}

#[test]
fn check_accepts_every_shipped_scenario() {
    let dir = tempdir();
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&scenarios)
        .expect("scenarios/ exists")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(
        files.iter().any(|f| f.ends_with("baseline.toml")),
        "scenarios/baseline.toml is missing"
    );
    for file in files {
        let output = cocreate(&["check".as_ref(), file.as_os_str()], dir.path(), &[]);
        assert!(
            output.status.success(),
            "check {} failed: {}",
            file.display(),
            stderr(&output)
        );
        assert!(stdout(&output).contains("[[firms]]"));
    }
}

// ---------------------------------------------------------------------------------------------
// Invalid input: exit code 2, a message on stderr, nothing written
// ---------------------------------------------------------------------------------------------

/// Runs `cocreate run SMALL_FLAGS... EXTRA... --out DIR/out` in a fresh directory
/// prepared by `prepare`, asserts exit code 2 and that nothing was created, and returns stderr.
fn run_invalid(prepare: impl FnOnce(&Path), extra: &[&str]) -> String {
    let dir = tempdir();
    prepare(dir.path());
    let out = dir.path().join("out");
    // The small flags come first so that a `--set` in `extra` wins over them.
    let args = with(
        with(with(vec!["run".to_owned()], &small_args()), extra),
        &["--out", &path_arg(&out)],
    );
    let output = cocreate(&args, dir.path(), &[]);
    let message = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(2),
        "expected exit code 2 for {extra:?}; stderr:\n{message}"
    );
    assert!(!message.trim().is_empty(), "no error message for {extra:?}");
    assert!(
        !out.exists(),
        "invalid input {extra:?} created {}",
        out.display()
    );
    assert!(
        !dir.path().join("output").exists(),
        "invalid input {extra:?} created output/"
    );
    assert!(stdout(&output).is_empty(), "stdout for {extra:?}");
    message
}

/// `run_invalid` with `--set SET`, whose message must name that `--set`; returns the message.
fn set_refused(set: &str) -> String {
    let message = run_invalid(|_| {}, &["--set", set]);
    assert!(message.contains(&format!("--set {set}")), "{message}");
    message
}

/// `run_invalid` with a scenario file `bad.toml` holding `text`.
fn run_invalid_file(text: &str) -> String {
    let text = text.to_owned();
    run_invalid(
        move |dir| {
            write_scenario(dir, "bad.toml", &text);
        },
        &["bad.toml"],
    )
}

/// Asserts that `message` has a line starting `FILE:LINE:COLUMN:` and returns (line, column).
#[track_caller]
fn location(message: &str, file: &str) -> (u32, u32) {
    for line in message.lines() {
        let Some(rest) = line
            .strip_prefix("error: ")
            .unwrap_or(line)
            .strip_prefix(&format!("{file}:"))
        else {
            continue;
        };
        let mut parts = rest.splitn(3, ':');
        if let (Some(l), Some(c), Some(_)) = (parts.next(), parts.next(), parts.next())
            && let (Ok(l), Ok(c)) = (l.parse(), c.parse())
        {
            return (l, c);
        }
    }
    panic!("no `{file}:LINE:COLUMN:` in:\n{message}");
}

#[test]
fn misspelt_key_is_located_with_a_suggestion() {
    let message = run_invalid_file("[population]\ncapcity = 10\n");
    assert!(
        message.contains("bad.toml:2:1: population.capcity"),
        "{message}"
    );
    assert!(message.contains("did you mean `capacity`"), "{message}");
}

#[test]
fn probability_out_of_range_in_a_file_is_located() {
    let message = run_invalid_file(
        "name = \"bad\"\n[[firms]]\nname = \"a\"\n[firms.policy]\nincentive = 1.5\n",
    );
    assert_eq!(location(&message, "bad.toml"), (5, 13), "{message}");
    assert!(message.contains("firms.0.policy.incentive"), "{message}");
    assert!(message.contains("between 0 and 1"), "{message}");
}

#[test]
fn probability_out_of_range_in_a_set_names_the_set() {
    let message = set_refused("firms.0.policy.incentive=1.5");
    assert!(message.contains("between 0 and 1"), "{message}");
}

#[test]
fn nan_in_a_set_is_rejected() {
    set_refused("firms.0.policy.incentive=nan");
}

#[test]
fn toml_syntax_error_is_located() {
    let message = run_invalid_file("name = \"bad\"\nticks = \n");
    assert_eq!(location(&message, "bad.toml"), (2, 9), "{message}");
}

#[test]
fn wrong_type_is_located() {
    let message = run_invalid_file("name = \"bad\"\nticks = \"ten\"\n");
    assert_eq!(location(&message, "bad.toml"), (2, 9), "{message}");
    assert!(message.contains("ticks"), "{message}");
}

#[test]
fn wrong_type_in_a_set_names_that_set_only() {
    // The contract's format for an override to blame: `--set KEY=VALUE: KEY.PATH: what is
    // wrong`, naming the offending override (not every override, nor the --ticks and
    // --replications flags as if they were --set arguments).
    let message = set_refused("population.initial=12.5");
    assert!(
        message.contains("--set population.initial=12.5: population.initial:"),
        "{message}"
    );
    assert!(!message.contains("--set --"), "{message}");
    assert!(
        !message.contains("population.capacity=1500"),
        "blames an innocent --set: {message}"
    );
}

#[test]
fn set_index_past_the_end_is_rejected() {
    let message = run_invalid(|_| {}, &["--set", "firms.5.policy.incentive=0.1"]);
    assert!(
        message.contains("firms.5.policy.incentive=0.1"),
        "{message}"
    );
    assert!(message.contains("past the end"), "{message}");
}

#[test]
fn more_initial_customers_than_capacity_is_rejected() {
    set_refused("population.initial=2000");

    // In a file (without the small flags, which would override both values).
    let dir = tempdir();
    let bad = write_scenario(
        dir.path(),
        "bad.toml",
        "ticks = 5\nreplications = 1\n[population]\ncapacity = 100\ninitial = 200\n",
    );
    let output = cocreate(&["run", &bad, "--out", "out"], dir.path(), &[]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert_eq!(location(&message, "bad.toml"), (5, 11), "{message}");
    assert!(message.contains("population.initial"), "{message}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn missing_scenario_file_is_rejected() {
    let message = run_invalid(|_| {}, &["no_such_scenario.toml"]);
    assert!(message.contains("no_such_scenario.toml"), "{message}");
}

#[test]
fn out_pointing_at_a_regular_file_is_rejected() {
    let dir = tempdir();
    let file = dir.path().join("taken");
    std::fs::write(&file, "keep me").unwrap();
    let args = with(
        vec!["run".to_owned()],
        &with(small_args(), &["--out", &path_arg(&file)]),
    );
    let output = cocreate(&args, dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("taken"), "{}", stderr(&output));
    assert!(file.is_file());
    assert_eq!(read(&file), b"keep me");
}

#[test]
fn invalid_input_leaves_an_existing_output_directory_unchanged() {
    let dir = tempdir();
    let out = small_run(dir.path(), "out", &[], &[]);
    let before: Vec<(PathBuf, Vec<u8>)> = CSVS
        .iter()
        .chain(&["manifest.json"])
        .map(|name| (out.join(name), read(&out.join(name))))
        .collect();
    let args = with(
        vec!["run".to_owned()],
        &with(
            small_args(),
            &[
                "--set",
                "firms.0.policy.incentive=1.5",
                "--out",
                &path_arg(&out),
            ],
        ),
    );
    let output = cocreate(&args, dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    for (path, bytes) in before {
        assert!(read(&path) == bytes, "{} changed", path.display());
    }
}

#[test]
fn check_reports_invalid_input_with_exit_code_2() {
    let dir = tempdir();
    write_scenario(dir.path(), "bad.toml", "[population]\ncapcity = 10\n");
    let output = cocreate(&["check", "bad.toml"], dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output).contains("bad.toml:2:1: population.capcity"),
        "{}",
        stderr(&output)
    );
}

// ---------------------------------------------------------------------------------------------
// Terminal output
// ---------------------------------------------------------------------------------------------

#[test]
fn quiet_prints_nothing_and_the_default_prints_a_report() {
    let dir = tempdir();
    let quiet = cocreate(
        &with(
            vec!["run".to_owned()],
            &with(small_args(), &["--quiet", "--out", "q"]),
        ),
        dir.path(),
        &[],
    );
    assert_success(&quiet);
    assert!(
        quiet.stdout.is_empty(),
        "--quiet printed:\n{}",
        stdout(&quiet)
    );
    assert!(dir.path().join("q").join("summary.csv").is_file());

    let loud = cocreate(
        &with(vec!["run".to_owned()], &with(small_args(), &["--out", "l"])),
        dir.path(),
        &[],
    );
    assert_success(&loud);
    let text = stdout(&loud);
    assert!(text.contains("wrote"), "{text}");
    let regime_line = text
        .lines()
        .find(|l| l.contains("virtuous") && l.contains("contested") && l.contains("spiral"))
        .unwrap_or_else(|| panic!("no regime counts in:\n{text}"));
    // "... N virtuous, N contested, N spiral": the counts add up to the replications.
    let words: Vec<&str> = regime_line
        .split(|c: char| c.is_whitespace() || c == ',' || c == ':')
        .filter(|w| !w.is_empty())
        .collect();
    let count_before = |regime: &str| -> usize {
        let at = words
            .iter()
            .position(|w| *w == regime)
            .unwrap_or_else(|| panic!("no {regime} in {regime_line:?}"));
        words[at - 1]
            .parse()
            .unwrap_or_else(|_| panic!("no count before {regime} in {regime_line:?}"))
    };
    assert_eq!(
        count_before("virtuous") + count_before("contested") + count_before("spiral"),
        REPLICATIONS,
        "{regime_line}"
    );
    // The counts agree with summary.csv.
    let summary = Table::read(&dir.path().join("l").join("summary.csv"));
    for regime in ["virtuous", "contested", "spiral"] {
        let rows = summary
            .values("regime")
            .iter()
            .filter(|r| **r == regime)
            .count();
        assert_eq!(count_before(regime), rows, "{regime} in {regime_line:?}");
    }
}
