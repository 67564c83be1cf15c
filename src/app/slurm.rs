//! `cocreate slurm`: run a sweep on a Slurm cluster as a job array, one shard per task, followed
//! by a merge job that waits for the whole array.
//!
//! cocreate has no scheduler of its own: this command only writes three readable, commented
//! scripts into `DIR/slurm/` (and with `--submit` runs the last one):
//!
//! - `sweep.sbatch`: the job array `--array=1-N`; task K runs
//!   `cocreate sweep SCENARIO --shard K/N --out DIR --resume --quiet`, so a task that failed or
//!   was preempted can be rerun alone (`sbatch --array=K sweep.sbatch`) and continues where it
//!   stopped;
//! - `merge.sbatch`: `cocreate merge DIR`, which refuses an incomplete sweep and names the shards
//!   to rerun;
//! - `submit.sh`: submits the array with `sbatch --parsable`, then the merge with
//!   `--dependency=afterok:ARRAY_ID`.
//!
//! The binary, the scenario and DIR appear as absolute paths: the tasks run on other machines,
//! which must see them on a shared filesystem. The scenario and its design are validated here
//! exactly as `cocreate sweep` validates them, before anything is written.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::AppError;
use super::inputs::{Inputs, Origin, Request};
use crate::cli::SlurmArgs;
use crate::experiment::sweep::{Plan, SWEEP_FILE, SweepIdentity};

/// Directory of the scripts inside the sweep's output directory.
pub const SLURM_DIR: &str = "slurm";
/// The job array's batch script.
pub const SWEEP_SCRIPT: &str = "sweep.sbatch";
/// The merge job's batch script.
pub const MERGE_SCRIPT: &str = "merge.sbatch";
/// Submits the array and the merge.
pub const SUBMIT_SCRIPT: &str = "submit.sh";
/// Directory (inside [`SLURM_DIR`]) of the jobs' output files.
pub const LOGS_DIR: &str = "logs";

/// What `cocreate slurm` did.
pub struct SlurmOutcome {
    /// `DIR/slurm`.
    pub dir: PathBuf,
    /// The scripts written.
    pub files: Vec<PathBuf>,
    /// With `--submit`: the job ids of the array and of the merge.
    pub jobs: Option<(String, String)>,
    /// What to tell the user: where the scripts are and how to submit them (or the job ids).
    pub message: String,
}

/// Everything the scripts are generated from; every path absolute.
#[derive(Debug, Clone)]
pub struct Job {
    /// The scenario's name (for job names and comments).
    pub name: String,
    /// The cocreate binary the tasks run.
    pub binary: PathBuf,
    pub scenario: PathBuf,
    /// The sweep's output directory.
    pub out: PathBuf,
    /// `--set KEY=VALUE` overrides, as given, passed on to every task.
    pub sets: Vec<String>,
    pub tasks: u32,
    /// Runs in the whole sweep.
    pub runs: usize,
    pub partition: Option<String>,
    pub time: String,
    pub cpus_per_task: u32,
    /// Estimated peak memory of one task (`cpus_per_task` runs at a time), in bytes.
    pub memory: u64,
}

impl Job {
    /// The job of sweep `plan` into `out` (absolute), refusing paths and overrides that a batch
    /// script cannot carry.
    fn new(args: &SlurmArgs, plan: &Plan, out: PathBuf) -> Result<Job, AppError> {
        let binary = std::env::current_exe().map_err(|error| {
            AppError::Input(format!("cannot locate the cocreate binary: {error}"))
        })?;
        let job = Job {
            name: plan.scenario.name().to_owned(),
            binary,
            scenario: absolute(&args.scenario)?,
            out,
            sets: args
                .scenario_args
                .set
                .iter()
                .map(|set| set.raw.clone())
                .collect(),
            tasks: args.tasks,
            runs: plan.run_count(),
            partition: args.partition.clone(),
            time: args.time.clone(),
            cpus_per_task: args.cpus_per_task,
            memory: super::memory::replication_bytes(&plan.heaviest, false)
                .saturating_mul(u64::from(args.cpus_per_task)),
        };
        for (what, path) in [
            ("the cocreate binary", &job.binary),
            ("the scenario", &job.scenario),
            ("the output directory", &job.out),
        ] {
            script_safe(what, path)?;
        }
        for set in &job.sets {
            if set.chars().any(char::is_control) {
                return Err(AppError::Input(format!(
                    "--set {set:?}: control characters cannot be passed on in a batch script"
                )));
            }
        }
        Ok(job)
    }
}

pub fn slurm(args: &SlurmArgs) -> Result<SlurmOutcome, AppError> {
    // The same validation as `cocreate sweep`: the scenario, the overrides and every design
    // point, before anything is written.
    let inputs = Inputs::load(Request {
        warn: false,
        ..Request::new(
            Origin::File(Some(&args.scenario)),
            &args.scenario_args.set,
            args.out.as_deref(),
        )
    })?;
    let plan = Plan::weighed(inputs.scenario, &|point| {
        super::memory::replication_bytes(point, false)
    })?;
    let tasks = args.tasks as usize;
    if tasks > plan.run_count() {
        return Err(AppError::Input(format!(
            "--tasks {tasks}: the sweep has only {} runs ({} design points x {} replications); \
             use at most {} tasks",
            plan.run_count(),
            plan.point_count(),
            plan.replications,
            plan.run_count()
        )));
    }
    if let Some(partition) = &args.partition {
        check_partition(partition)?;
    }
    check_time(&args.time)?;

    let out = absolute(&inputs.out_dir)?;
    check_identity(&out, &plan)?;
    let job = Job::new(args, &plan, out)?;

    let dir = job.out.join(SLURM_DIR);
    let logs = dir.join(LOGS_DIR);
    std::fs::create_dir_all(&logs).map_err(AppError::write(&logs))?;
    let mut files = Vec::new();
    for (name, text) in [
        (SWEEP_SCRIPT, job.sweep_script()),
        (MERGE_SCRIPT, job.merge_script()),
        (SUBMIT_SCRIPT, job.submit_script()),
    ] {
        let path = dir.join(name);
        crate::io::atomic::write_bytes_atomic(&path, text.as_bytes())
            .map_err(AppError::write(&path))?;
        make_executable(&path)?;
        files.push(path);
    }

    let submit = dir.join(SUBMIT_SCRIPT);
    let per_task = job.runs.div_ceil(tasks);
    let mut message = format!(
        "wrote the Slurm scripts of sweep `{}` ({} runs in {} array tasks, at most {per_task} \
         each) to {}:\n  {SWEEP_SCRIPT:<13} the job array: task K runs shard K/{}\n  \
         {MERGE_SCRIPT:<13} the merge, once every task has succeeded\n  {SUBMIT_SCRIPT:<13} \
         submits both\nThe binary {} and {} must be visible from every node (a shared \
         filesystem).",
        job.name,
        job.runs,
        job.tasks,
        dir.display(),
        job.tasks,
        job.binary.display(),
        job.out.display(),
    );
    if !args.submit {
        let _ = write!(
            message,
            "\nsubmit with: bash {}",
            shell_quote(&text(&submit))
        );
        return Ok(SlurmOutcome {
            dir,
            files,
            jobs: None,
            message,
        });
    }
    let (array, merge) = submit_jobs(&submit)?;
    let _ = write!(
        message,
        "\nsubmitted: array job {array} ({} tasks), merge job {merge} (runs after the array \
         succeeds)\nwatch with: squeue -j {array},{merge}\noutputs will be in {}; job logs in {}",
        job.tasks,
        job.out.display(),
        logs.display()
    );
    Ok(SlurmOutcome {
        dir,
        files,
        jobs: Some((array, merge)),
        message,
    })
}

/// Runs `submit.sh` and returns the ids of the array job and of the merge job.
fn submit_jobs(submit: &Path) -> Result<(String, String), AppError> {
    if !on_path("sbatch") {
        return Err(AppError::External(format!(
            "cannot submit: sbatch is not on PATH (is this a machine with Slurm, such as a \
             cluster's login node?); the scripts are written, submit them there with `bash {}`",
            shell_quote(&text(submit))
        )));
    }
    let output = Command::new("bash").arg(submit).output().map_err(|error| {
        AppError::External(format!("cannot run bash {}: {error}", text(submit)))
    })?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(AppError::External(format!(
            "submission failed ({}): {}{}",
            output.status,
            stderr.trim(),
            if stdout.trim().is_empty() {
                String::new()
            } else {
                format!("\n{}", stdout.trim())
            }
        )));
    }
    let id = |label: &str| {
        stdout
            .lines()
            .find_map(|line| line.strip_prefix(label))
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty())
    };
    match (id("array job:"), id("merge job:")) {
        (Some(array), Some(merge)) => Ok((array, merge)),
        _ => Err(AppError::External(format!(
            "submitted, but the job ids could not be read from the output of {}:\n{}",
            text(submit),
            stdout.trim()
        ))),
    }
}

/// Whether an executable named `program` is in one of PATH's directories.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            let candidate = dir.join(program);
            candidate.is_file() && is_executable(&candidate)
        })
    })
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(_path: &Path) -> bool {
    true
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), AppError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(AppError::write(path))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<(), AppError> {
    Ok(())
}

fn absolute(path: &Path) -> Result<PathBuf, AppError> {
    std::path::absolute(path).map_err(|error| {
        AppError::Input(format!(
            "cannot make {} an absolute path: {error}",
            path.display()
        ))
    })
}

/// Refuses an output directory that already holds the records of a different sweep (every
/// task would fail on it), without writing anything.
fn check_identity(out: &Path, plan: &Plan) -> Result<(), AppError> {
    let path = out.join(SWEEP_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    match serde_json::from_str::<SweepIdentity>(&text) {
        Ok(existing) if existing.sweep == plan.identity => Ok(()),
        // Worded as the sweep's own refusal: its finished runs are worth keeping, so the
        // message offers the command that continues it rather than deleting it.
        _ => Err(AppError::Input(format!(
            "{} holds the records of a different sweep ({} differs: another scenario, design \
             or --set); nothing was written. Choose another --out; the sweep already there \
             continues with `{}`",
            out.display(),
            path.display(),
            super::sweep::resume_command(out, None)
        ))),
    }
}

/// Paths go into `#SBATCH` lines and shell commands: they must be UTF-8, on one line, and free
/// of the two characters that `#SBATCH` quoting and Slurm's file-name patterns cannot carry.
fn script_safe(what: &str, path: &Path) -> Result<(), AppError> {
    let Some(text) = path.to_str() else {
        return Err(AppError::Input(format!(
            "{what} {} is not valid UTF-8 and cannot be written into a batch script",
            path.display()
        )));
    };
    if let Some(bad) = text
        .chars()
        .find(|c| c.is_control() || *c == '"' || *c == '\\')
    {
        return Err(AppError::Input(format!(
            "{what} {text:?} contains {bad:?}, which cannot be written into a batch script; \
             choose a path without it"
        )));
    }
    Ok(())
}

fn check_partition(partition: &str) -> Result<(), AppError> {
    let valid = !partition.is_empty()
        && partition
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.,".contains(c));
    if valid {
        Ok(())
    } else {
        Err(AppError::Input(format!(
            "--partition {partition:?}: expected a partition name (letters, digits, `_`, `-`, \
             `.`; several separated by commas)"
        )))
    }
}

/// Accepts Slurm's time formats: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S, UNLIMITED.
fn check_time(time: &str) -> Result<(), AppError> {
    let digits = |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
    let valid = time.eq_ignore_ascii_case("unlimited")
        || time.eq_ignore_ascii_case("infinite")
        || match time.split_once('-') {
            Some((days, rest)) => {
                digits(days) && {
                    let parts: Vec<&str> = rest.split(':').collect();
                    parts.len() <= 3 && parts.iter().all(|p| digits(p))
                }
            }
            None => {
                let parts: Vec<&str> = time.split(':').collect();
                parts.len() <= 3 && parts.iter().all(|p| digits(p))
            }
        };
    if valid {
        Ok(())
    } else {
        Err(AppError::Input(format!(
            "--time {time:?}: expected a Slurm time limit such as 90 (minutes), 02:00:00 or \
             1-12:00:00 (days-hours:minutes:seconds)"
        )))
    }
}

/// A path as text (paths reaching the scripts are checked to be UTF-8 by [`script_safe`]).
fn text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Quotes `word` for bash: unchanged if it has only safe characters, else in single quotes.
pub fn shell_quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c));
    if safe {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Quotes a value for an `#SBATCH` line, which sbatch splits at blanks unless quoted.
fn directive_quote(value: &str) -> String {
    if value
        .chars()
        .any(|c| c.is_whitespace() || "'\"#".contains(c))
    {
        format!("\"{value}\"")
    } else {
        value.to_owned()
    }
}

/// A job name: the scenario's name reduced to characters that need no quoting.
fn job_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_-.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("cocreate-{cleaned}")
}

fn mib(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

impl Job {
    fn dir(&self) -> PathBuf {
        self.out.join(SLURM_DIR)
    }

    fn script(&self, name: &str) -> String {
        shell_quote(&text(&self.dir().join(name)))
    }

    /// `#SBATCH` lines shared by both batch scripts, each with its comment above it. `log` is
    /// the output file's name, with Slurm's patterns (`%A`, `%a`, `%j`), described by `about`.
    fn common_directives(&self, out: &mut String, cpus: u32, log: &str, about: &str) {
        // In an output file name `%` starts a pattern: the directory's own `%`s are doubled.
        let logs = text(&self.dir().join(LOGS_DIR)).replace('%', "%%");
        let _ = write!(
            out,
            "# Wall-clock limit; Slurm ends the job if it runs longer.\n#SBATCH --time={}\n",
            self.time
        );
        match &self.partition {
            Some(partition) => {
                let _ = write!(
                    out,
                    "# The partition (queue) to run in.\n#SBATCH --partition={partition}\n"
                );
            }
            None => out.push_str(
                "# The partition (queue): the cluster's default. To choose one, remove one `#` \
                 from the next line\n# and write its name.\n##SBATCH --partition=NAME\n",
            ),
        }
        let _ = write!(
            out,
            "# One process ...\n#SBATCH --ntasks=1\n\
             # ... with this many cores.\n#SBATCH --cpus-per-task={cpus}\n\
             # Run in the sweep's directory (the directory sbatch was called from may not exist \
             on the nodes).\n#SBATCH --chdir={chdir}\n\
             # Standard output and error go to {about}.\n#SBATCH --output={output}\n",
            chdir = directive_quote(&text(&self.out)),
            output = directive_quote(&format!("{logs}/{log}")),
        );
    }

    /// The sweep command of one task, with `${SLURM_ARRAY_TASK_ID}` for the shard number.
    pub fn sweep_command(&self) -> String {
        let mut command = format!(
            "{} sweep {}",
            shell_quote(&text(&self.binary)),
            shell_quote(&text(&self.scenario))
        );
        for set in &self.sets {
            let _ = write!(command, " --set {}", shell_quote(set));
        }
        let _ = write!(
            command,
            " \\\n    --shard \"${{SLURM_ARRAY_TASK_ID}}/{}\" --out {} --resume --quiet",
            self.tasks,
            shell_quote(&text(&self.out))
        );
        command
    }

    pub fn sweep_script(&self) -> String {
        let n = self.tasks;
        let sweep = self.script(SWEEP_SCRIPT);
        let merge = self.script(MERGE_SCRIPT);
        let mut s = format!(
            "#!/bin/bash\n\
             # Sweep `{name}` as a Slurm job array: {n} tasks, task K runs shard K/{n} of the \
             sweep's {runs} runs\n\
             # (run r belongs to shard r mod {n} + 1) and saves each finished run under\n\
             # {out}/runs/. Written by `cocreate slurm`; edit freely.\n\
             #\n\
             # Submit this array and the merge that waits for it:  bash {submit}\n\
             #\n\
             # The cocreate binary, the scenario and the output directory are absolute paths \
             that\n\
             # every compute node must see (a shared filesystem).\n\
             #\n\
             # If a task fails or runs out of time, the merge job never starts: it stays pending\n\
             # (reason DependencyNeverSatisfied) or the cluster cancels it. Then:\n\
             #   1. find the failed task K: sacct -j ARRAYID (where accounting is on), or the \
             logs,\n\
             #      logs/sweep-ARRAYID_K.out beside this script,\n\
             #   2. cancel the pending merge:   scancel MERGE_JOB_ID\n\
             #   3. rerun that task alone:      sbatch --array=K {sweep}\n\
             #      (several: --array=2,5,7). It continues with --resume: runs already saved\n\
             #      are not run again.\n\
             #   4. once it has succeeded, merge: sbatch {merge}\n\
             #      (or submit both at once: sbatch --dependency=afterok:RERUN_JOB_ID {merge}).\n\
             # `cocreate merge` refuses an incomplete sweep and names the shards to rerun.\n\
             #\n\
             # Lines starting with #SBATCH are options for sbatch (options given to sbatch on \
             the\n\
             # command line take precedence). A comment sits above each.\n\
             #\n\
             # The job's name in squeue.\n#SBATCH --job-name={job}\n\
             # The job array: one task per shard, numbered 1 to {n}.\n#SBATCH --array=1-{n}\n",
            name = self.name,
            runs = self.runs,
            out = text(&self.out),
            submit = self.script(SUBMIT_SCRIPT),
            job = job_name(&self.name),
        );
        self.common_directives(
            &mut s,
            self.cpus_per_task,
            "sweep-%A_%a.out",
            "logs/sweep-ARRAYID_K.out (task K of array ARRAYID)",
        );
        let _ = write!(
            s,
            "# Put a task back in the queue if it is preempted or its node fails ...\n\
             #SBATCH --requeue\n\
             # ... and append to its output file instead of starting it afresh.\n\
             #SBATCH --open-mode=append\n\
             # Memory: about {task} MiB per task ({cpus} runs at a time, {run} MiB each, \
             estimated). If the\n\
             # cluster's default memory per task is smaller, remove one `#` from the next line.\n\
             ##SBATCH --mem={request}M\n\
             \n\
             # Stop at the first failing command.\n\
             set -euo pipefail\n\
             \n\
             # The sweep runs as many runs at a time as the cores Slurm gave this task.\n\
             export RAYON_NUM_THREADS=\"${{SLURM_CPUS_PER_TASK:-{cpus}}}\"\n\
             \n\
             # Say in the output file which shard runs where and when.\n\
             echo \"cocreate: shard ${{SLURM_ARRAY_TASK_ID}}/{n} of job \
             ${{SLURM_ARRAY_JOB_ID:-?}} on $(hostname) at $(date)\"\n\
             \n\
             # Run shard K/{n} of the sweep, K being this task's number. --resume skips the runs \
             that a\n\
             # previous attempt of this task saved; --quiet: no progress bar in the log.\n\
             {command}\n",
            task = mib(self.memory),
            cpus = self.cpus_per_task,
            run = mib(self.memory / u64::from(self.cpus_per_task.max(1))),
            request = (mib(self.memory) + 256).div_ceil(256) * 256,
            command = self.sweep_command(),
        );
        s
    }

    pub fn merge_script(&self) -> String {
        let mut s = format!(
            "#!/bin/bash\n\
             # Merge of sweep `{name}`: combines the run records that the {n} tasks of the job \
             array\n\
             # ({sweep}) saved into the sweep's outputs\n\
             # (runs.csv, points.csv, bands.csv, charts/, manifest.json) in {out}.\n\
             # Written by `cocreate slurm`; submit.sh submits it to start once every task has\n\
             # succeeded. It refuses an incomplete sweep and names the shards to rerun (see the\n\
             # comments of {sweep_name}); after rerunning them, submit this again:\n\
             #   sbatch {merge}\n\
             #\n\
             # The job's name in squeue.\n#SBATCH --job-name={job}-merge\n",
            name = self.name,
            n = self.tasks,
            sweep = self.script(SWEEP_SCRIPT),
            sweep_name = SWEEP_SCRIPT,
            out = text(&self.out),
            merge = self.script(MERGE_SCRIPT),
            job = job_name(&self.name),
        );
        self.common_directives(&mut s, 1, "merge-%j.out", "logs/merge-JOBID.out");
        let _ = write!(
            s,
            "\n# Stop at the first failing command.\n\
             set -euo pipefail\n\
             \n\
             # Merge the shards; the report says how many runs were merged and where the files \
             are.\n\
             {binary} merge {out}\n",
            binary = shell_quote(&text(&self.binary)),
            out = shell_quote(&text(&self.out)),
        );
        s
    }

    pub fn submit_script(&self) -> String {
        format!(
            "#!/bin/bash\n\
             # Submits sweep `{name}` to Slurm: the job array ({n} tasks), then the merge, which \
             starts\n\
             # only once every task of the array has succeeded. Written by `cocreate slurm`.\n\
             # Run it on a machine where sbatch works (a login node):  bash {submit}\n\
             # Prints the two job ids; watch them with:  squeue -j ARRAY_ID,MERGE_ID\n\
             \n\
             # Stop at the first failing command.\n\
             set -euo pipefail\n\
             \n\
             # Submit the job array. --parsable prints only the job id (ID or ID;CLUSTER).\n\
             ARRAY_ID=$(sbatch --parsable {sweep})\n\
             ARRAY_ID=${{ARRAY_ID%%;*}}\n\
             \n\
             # Submit the merge: it waits until every task of the array has ended successfully \
             (afterok).\n\
             # If a task fails, the merge stays pending: see {sweep_name} for how to rerun \
             that task and merge.\n\
             MERGE_ID=$(sbatch --parsable --dependency=afterok:\"${{ARRAY_ID}}\" {merge})\n\
             MERGE_ID=${{MERGE_ID%%;*}}\n\
             \n\
             echo \"array job: ${{ARRAY_ID}}\"\n\
             echo \"merge job: ${{MERGE_ID}}\"\n",
            name = self.name,
            n = self.tasks,
            submit = self.script(SUBMIT_SCRIPT),
            sweep = self.script(SWEEP_SCRIPT),
            sweep_name = SWEEP_SCRIPT,
            merge = self.script(MERGE_SCRIPT),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(out: &str) -> Job {
        Job {
            name: "policy map".to_owned(),
            binary: PathBuf::from("/opt/cocreate/bin/cocreate"),
            scenario: PathBuf::from("/home/ann/my scenarios/policy_map.toml"),
            out: PathBuf::from(out),
            sets: vec!["replications=4".to_owned(), "name=\"a b\"".to_owned()],
            tasks: 16,
            runs: 336,
            partition: None,
            time: "01:00:00".to_owned(),
            cpus_per_task: 2,
            memory: 3 << 20,
        }
    }

    /// The `#SBATCH` options sbatch reads: the lines starting with `#SBATCH` before the first
    /// line that is neither blank nor a comment.
    fn directives(script: &str) -> Vec<&str> {
        script
            .lines()
            .skip(1)
            .take_while(|line| line.is_empty() || line.starts_with('#'))
            .filter_map(|line| line.strip_prefix("#SBATCH "))
            .collect()
    }

    /// What bash makes of `words`: each argument on a line.
    fn bash_words(words: &str) -> Vec<String> {
        let output = Command::new("bash")
            .arg("-c")
            .arg(format!("printf '%s\\n' {words}"))
            .output()
            .expect("bash runs");
        assert!(output.status.success());
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn sweep_script_is_an_array_of_resumable_shards() {
        let script = job("/shared/sweeps/policy_map").sweep_script();
        assert!(script.starts_with("#!/bin/bash\n"));
        let options = directives(&script);
        assert!(options.contains(&"--array=1-16"), "{options:?}");
        assert!(options.contains(&"--time=01:00:00"));
        assert!(options.contains(&"--cpus-per-task=2"));
        assert!(options.contains(&"--job-name=cocreate-policy_map"));
        assert!(options.contains(&"--output=/shared/sweeps/policy_map/slurm/logs/sweep-%A_%a.out"));
        // No partition unless one is given; the commented-out line is not an option.
        assert!(!options.iter().any(|o| o.starts_with("--partition")));
        assert!(script.contains("\n##SBATCH --partition=NAME\n"));
        assert!(script.contains(
            "--shard \"${SLURM_ARRAY_TASK_ID}/16\" --out /shared/sweeps/policy_map --resume --quiet"
        ));
        assert!(script.contains("export RAYON_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-2}\""));
        assert!(script.contains("sbatch --array=K /shared/sweeps/policy_map/slurm/sweep.sbatch"));
        // Every line but the shebang and the commands is commented.
        assert!(script.lines().filter(|l| l.starts_with('#')).count() > 30);
    }

    #[test]
    fn partition_time_and_cores_are_passed_on() {
        let mut job = job("/shared/out");
        job.partition = Some("compute".to_owned());
        job.time = "2-12:00:00".to_owned();
        job.cpus_per_task = 8;
        for script in [job.sweep_script(), job.merge_script()] {
            let options = directives(&script);
            assert!(options.contains(&"--partition=compute"), "{options:?}");
            assert!(options.contains(&"--time=2-12:00:00"));
        }
        assert!(directives(&job.sweep_script()).contains(&"--cpus-per-task=8"));
        assert!(directives(&job.merge_script()).contains(&"--cpus-per-task=1"));
        assert!(
            job.sweep_script()
                .contains("RAYON_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-8}\"")
        );
    }

    #[test]
    fn submit_script_makes_the_merge_wait_for_the_array() {
        let script = job("/shared/out").submit_script();
        assert!(script.contains("ARRAY_ID=$(sbatch --parsable /shared/out/slurm/sweep.sbatch)\n"));
        assert!(script.contains(
            "sbatch --parsable --dependency=afterok:\"${ARRAY_ID}\" /shared/out/slurm/merge.sbatch"
        ));
        assert!(script.contains("echo \"array job: ${ARRAY_ID}\""));
        assert!(script.contains("echo \"merge job: ${MERGE_ID}\""));
        let merge = job("/shared/out").merge_script();
        assert!(merge.contains("\n/opt/cocreate/bin/cocreate merge /shared/out\n"));
        assert!(directives(&merge).contains(&"--job-name=cocreate-policy_map-merge"));
    }

    #[test]
    fn paths_with_spaces_and_quotes_survive_bash_and_sbatch() {
        let out = "/shared/ann's sweeps/50% run";
        let job = job(out);
        let sweep = job.sweep_script();
        // In #SBATCH lines: double quotes, and `%` doubled in the output file pattern.
        let options = directives(&sweep);
        assert!(
            options
                .contains(&"--output=\"/shared/ann's sweeps/50%% run/slurm/logs/sweep-%A_%a.out\""),
            "{options:?}"
        );
        assert!(options.contains(&"--chdir=\"/shared/ann's sweeps/50% run\""));
        // In commands: bash gets back exactly the paths and overrides.
        let command = job.sweep_command().replace(" \\\n", " ");
        let command = command.replace("${SLURM_ARRAY_TASK_ID}", "3");
        assert_eq!(
            bash_words(&command),
            [
                "/opt/cocreate/bin/cocreate",
                "sweep",
                "/home/ann/my scenarios/policy_map.toml",
                "--set",
                "replications=4",
                "--set",
                "name=\"a b\"",
                "--shard",
                "3/16",
                "--out",
                out,
                "--resume",
                "--quiet",
            ]
        );
        let merge = job.merge_script();
        let line = merge.lines().last().unwrap();
        assert_eq!(
            bash_words(line),
            ["/opt/cocreate/bin/cocreate", "merge", out]
        );
        let submit = job.submit_script();
        let line = submit
            .lines()
            .find(|l| l.starts_with("ARRAY_ID=$(sbatch"))
            .unwrap();
        let inner = line
            .strip_prefix("ARRAY_ID=$(")
            .and_then(|l| l.strip_suffix(')'))
            .unwrap();
        assert_eq!(
            bash_words(inner),
            [
                "sbatch",
                "--parsable",
                "/shared/ann's sweeps/50% run/slurm/sweep.sbatch"
            ]
        );
    }

    #[test]
    fn every_script_is_valid_bash() {
        let dir = tempfile::tempdir().unwrap();
        let mut job = job("/shared/with space/out");
        job.partition = Some("a,b".to_owned());
        for (name, text) in [
            ("sweep", job.sweep_script()),
            ("merge", job.merge_script()),
            ("submit", job.submit_script()),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            let output = Command::new("bash").arg("-n").arg(&path).output().unwrap();
            assert!(
                output.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }

    #[test]
    fn shell_quote_leaves_plain_words_alone() {
        assert_eq!(shell_quote("/a/b-c_d.toml"), "/a/b-c_d.toml");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
    }

    #[test]
    fn time_limits_and_partitions_are_checked() {
        for good in [
            "90",
            "30:00",
            "01:00:00",
            "2-12",
            "2-12:30",
            "1-00:00:00",
            "UNLIMITED",
        ] {
            assert!(check_time(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "1h",
            "1:2:3:4",
            "-1",
            "01:00:00\n#SBATCH",
            "2-",
            "1 day",
        ] {
            assert!(check_time(bad).is_err(), "{bad}");
        }
        for good in ["compute", "gpu-long", "a,b", "p.1_x"] {
            assert!(check_partition(good).is_ok(), "{good}");
        }
        for bad in ["", "a b", "x\n#SBATCH --mem=1", "q\""] {
            assert!(check_partition(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unscriptable_paths_are_refused() {
        for bad in ["/a\nb", "/a\"b", "/a\\b"] {
            assert!(script_safe("the output directory", Path::new(bad)).is_err());
        }
        assert!(script_safe("the output directory", Path::new("/a b/it's/50%")).is_ok());
    }
}
