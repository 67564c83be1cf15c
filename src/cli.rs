//! Command-line interface definition (clap derive). Parsing only: the commands live in
//! [`crate::app`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::experiment::sweep::Shard;
use crate::scenario::Override;

/// cocreate: agent-based simulation of value co-creation and co-destruction in customer
/// engagement.
#[derive(Debug, Parser)]
#[command(name = "cocreate", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one scenario (all its replications) and write CSVs, charts and a manifest.
    Run(RunArgs),
    /// Validate a scenario and print it fully resolved (every default filled in) as TOML.
    Check(CheckArgs),
    /// Run the scenario's experiment design ([experiment] table): every design point, each
    /// with the scenario's replications, in parallel.
    Sweep(SweepArgs),
    /// Combine the run records of a sharded sweep into the outputs an unsharded sweep writes.
    Merge(MergeArgs),
    /// Write Slurm batch scripts that run a sweep as a job array (one shard per task) followed
    /// by its merge; with --submit, submit them.
    Slurm(SlurmArgs),
    /// Check the model against the seven patterns of its specification (regimes, the factors
    /// of Zhang et al. 2018, WOM ratio, participation inequality, recovery paradox, churn,
    /// hysteresis), each against its published source; write validation.md, CSVs, charts and a
    /// manifest. Exits 1 if a pattern fails.
    Validate(ValidateArgs),
    /// Sample customers of replication 0 as survey respondents and write their answers to a
    /// questionnaire (7-point Likert items), a codebook and the structural model of Huang & Suo
    /// (2021) in lavaan syntax, for fitting the same SEM on simulated respondents.
    Survey(SurveyArgs),
    /// Compare two runs: B - A for every outcome of summary.csv with 95% intervals (paired
    /// when both used the same replication seeds, Welch otherwise), trajectory charts of both
    /// and of the difference, and the scenario keys that differ.
    Compare(CompareArgs),
    /// Rebuild report.html (a self-contained page with every table and chart) from the files
    /// of an output directory of run, sweep, merge, validate, survey or compare.
    Report(ReportArgs),
    /// Check that an output directory's files are the ones its manifest.json describes (each
    /// file's SHA-256; in a sweep directory also every run record's checksum). Exits 0 if all
    /// match, 1 if not (naming each file), 2 if DIR is not a directory.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The output directory of a run, sweep, survey or validation.
    pub dir: PathBuf,
}

/// Options shared by commands that load a scenario.
#[derive(Debug, Args, Clone, Default)]
pub struct ScenarioArgs {
    /// Override a scenario value: KEY is a dotted path as written in TOML (array elements by
    /// index, e.g. firms.0.policy.incentive), VALUE a TOML value. Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<Override>,
}

/// `--seed`, `--replications` and `--ticks`: the seed and size of the runs, overriding the
/// scenario's (run, and compare for scenarios it runs).
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct RunSize {
    /// Master seed (overrides the scenario's `seed`).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Number of replications (overrides the scenario's `replications`).
    #[arg(long, value_name = "N")]
    pub replications: Option<u32>,
    /// Ticks (weeks) per run (overrides the scenario's `ticks`).
    #[arg(long, value_name = "N")]
    pub ticks: Option<u32>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML). Without it, the built-in baseline runs.
    pub scenario: Option<PathBuf>,
    /// Output directory [default: output/<scenario name>/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub size: RunSize,
    /// Replace the results of a different scenario already in the output directory (without
    /// it, such a directory is refused and nothing is written).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub scenario_args: ScenarioArgs,
    /// No progress bar and no report; errors still go to stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Do not write customers.csv (one row per customer and replication: about 30 MB for the
    /// baseline, 300 MB at a million customers).
    #[arg(long)]
    pub no_customers: bool,
    /// After the run, compare it with this earlier run directory (the baseline, as A; this run
    /// is B) and print the comparison; it is written to OUT/against/.
    #[arg(long, value_name = "BASELINE_DIR")]
    pub against: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Run A (the reference): a run output directory, or a scenario file to run now.
    pub a: PathBuf,
    /// Run B: a run output directory, or a scenario file to run now.
    pub b: PathBuf,
    /// Output directory [default: output/compare/]. Scenarios given as files run into
    /// DIR/a and DIR/b.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// For A and B given as scenario files: the same seed for both (so they are paired),
    /// replications and ticks.
    #[command(flatten)]
    pub size: RunSize,
    /// No table; errors still go to stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// An output directory (with its manifest.json).
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub scenario_args: ScenarioArgs,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (TOML) with an [experiment] table. Optional with `--resume --out DIR`,
    /// which continues the sweep that DIR holds (its resolved scenario is DIR/sweep.toml).
    pub scenario: Option<PathBuf>,
    /// Output directory [default: output/<scenario name>/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run only the I-th of N interleaved shares of the runs (run k belongs to shard k % N + 1);
    /// combine the shards with `cocreate merge DIR`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Continue an interrupted sweep: runs whose record exists are not run again.
    #[arg(long)]
    pub resume: bool,
    #[command(flatten)]
    pub scenario_args: ScenarioArgs,
    /// No progress bar and no report; errors still go to stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The sweep's output directory (shared by all its shards).
    pub dir: PathBuf,
    /// No report; errors still go to stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct SlurmArgs {
    /// Scenario file (TOML) with an [experiment] table.
    pub scenario: PathBuf,
    /// Number of array tasks: task K runs shard K/N of the sweep.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub tasks: u32,
    /// The sweep's output directory, on a filesystem every node sees [default: output/<scenario
    /// name>/]. The scripts go to DIR/slurm/.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Slurm partition (queue) to run in [default: the cluster's default partition].
    #[arg(long, value_name = "P")]
    pub partition: Option<String>,
    /// Wall-clock limit of each task (and of the merge), as Slurm writes it: MM, HH:MM:SS,
    /// D-HH:MM:SS...
    #[arg(long, value_name = "T", default_value = "01:00:00")]
    pub time: String,
    /// Cores per task; the sweep runs that many runs at a time.
    #[arg(long, value_name = "C", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    pub cpus_per_task: u32,
    /// Submit the scripts with sbatch (runs DIR/slurm/submit.sh) and print the job ids.
    #[arg(long)]
    pub submit: bool,
    #[command(flatten)]
    pub scenario_args: ScenarioArgs,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Output directory [default: output/validation/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Smaller samples: fewer replications and smaller populations (same pass criteria), for CI.
    #[arg(long)]
    pub quick: bool,
    /// Master seed of every scenario the battery runs, in place of each scenario's own: other
    /// random numbers for the same model (the verdicts should not depend on it).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// No progress bar and no table; errors still go to stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct SurveyArgs {
    /// Scenario file (TOML). Without it, the built-in baseline is surveyed.
    pub scenario: Option<PathBuf>,
    /// Number of respondents, sampled without replacement from the customers active at the
    /// survey tick.
    #[arg(long, value_name = "N", default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
    pub respondents: u32,
    /// Week at which the survey is taken, 1..=ticks [default: the scenario's last tick].
    #[arg(long, value_name = "T", conflicts_with = "waves")]
    pub tick: Option<u32>,
    /// Panel survey: interview the same respondents at these weeks (increasing, e.g.
    /// 156,208,260); those who churn between waves are lost (`survey.waves`).
    #[arg(long, value_name = "W1,W2,...", value_delimiter = ',')]
    pub waves: Vec<u32>,
    /// Respondent behaviour: `clean` (idealised respondents) or `typical` (careless responding,
    /// response styles, common-method variance, nonresponse at rates from the literature; the
    /// default) (`survey.preset`).
    #[arg(long, value_name = "NAME", value_parser = ["clean", "typical"])]
    pub preset: Option<String>,
    /// Share of straight-lining respondents, 0..=1 (`survey.straight_lining`).
    #[arg(long, value_name = "SHARE")]
    pub straight_lining: Option<f64>,
    /// Share of respondents answering at random, 0..=1 (`survey.random`).
    #[arg(long, value_name = "SHARE")]
    pub random: Option<f64>,
    /// Share of respondents answering in a zigzag pattern, 0..=1 (`survey.patterned`).
    #[arg(long, value_name = "SHARE")]
    pub patterned: Option<f64>,
    /// Share of item variance due to a common-method factor, 0..=0.9 (`survey.method_share`).
    #[arg(long, value_name = "SHARE")]
    pub method_share: Option<f64>,
    /// Probability of skipping an item completely at random (`survey.missing_mcar`).
    #[arg(long, value_name = "P")]
    pub missing_mcar: Option<f64>,
    /// Further skip probability of a respondent with latent score 0 on `missing_construct`
    /// (`survey.missing_mar`).
    #[arg(long, value_name = "P")]
    pub missing_mar: Option<f64>,
    /// Word the third item of every construct in reverse (`survey.reverse_keyed`).
    #[arg(long)]
    pub reverse_keyed: bool,
    /// Output directory [default: output/<scenario name>/survey/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Master seed (overrides the scenario's `seed`).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    #[command(flatten)]
    pub scenario_args: ScenarioArgs,
    /// No progress bar and no report; errors still go to stderr.
    #[arg(long, short)]
    pub quiet: bool,
}
