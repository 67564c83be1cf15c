//! Fuzz bodies: the scenario parser (the cargo-fuzz target), and the surfaces beyond it (issue
//! 12, item 11): experiment designs and sweep planning, run records read back by `merge`, and
//! `--set` paths. The module sits above the experiment layer, which it drives.
//!
//! Why in the library: the driver (`examples/fuzz.rs`) and the regression corpora under
//! `fuzz/regressions-*/` (replayed by `tests/it/fuzz_regressions.rs`) call the same functions. Each
//! body must never panic, whatever its input; panics are the bugs it looks for.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;

use crate::experiment::sweep::{self, Plan, RunRecord, Shard};
use crate::experiment::{Keep, Silent, run_replication};
use crate::scenario::design::MAX_POINTS;
use crate::scenario::{Override, Scenario, Source};

/// The scenario a fuzzed `[experiment]` table is appended to: small, so a point is cheap.
const DESIGN_BASE: &str = "name = \"f\"\nticks = 3\nreplications = 2\n\
                           [population]\ncapacity = 60\ninitial = 40\n";
/// Designs planned in full up to this many points (larger ones are only expanded).
const MAX_FUZZ_PLAN: usize = 2_000;

/// `data` as the tail of a scenario (usually an `[experiment]` table): loads it, and plans
/// designs of up to [`MAX_FUZZ_PLAN`] points both ways (along a grid's axes where it can, and
/// point by point), which must agree, rebuilding the first and last point. Returns how
/// far the input got (0 not text, 1 rejected, 2 a design, 3 planned), which the driver uses to
/// choose what to mutate next.
pub fn exercise_design(data: &[u8]) -> u32 {
    let Ok(tail) = std::str::from_utf8(data) else {
        return 0;
    };
    let source = Source {
        name: "fuzz.toml".to_owned(),
        text: format!("{DESIGN_BASE}{tail}"),
    };
    let Ok(scenario) = Scenario::load(&source, &[]) else {
        return 1;
    };
    let Some(design) = scenario.design() else {
        return 1;
    };
    let points = design.points.len();
    assert!(
        (1..=MAX_POINTS).contains(&points),
        "a design of {points} points"
    );
    if points > MAX_FUZZ_PLAN {
        return 2;
    }
    // Checking a grid along its axes must find what checking every point finds.
    let every = Plan::point_by_point(scenario.clone()).map(|plan| plan.heaviest.resolved_toml());
    let plan = Plan::new(scenario);
    assert_eq!(
        plan.as_ref()
            .map(|plan| plan.heaviest.resolved_toml())
            .map_err(ToString::to_string),
        every.map_err(|error| error.to_string()),
        "planning along the axes and point by point disagree"
    );
    let Ok(plan) = plan else {
        return 2;
    };
    for index in [0, points - 1] {
        assert!(
            plan.point(index).is_ok(),
            "a planned point does not rebuild"
        );
    }
    assert!(plan.point(points).is_err());
    3
}

/// A small finished sweep whose run 1 the record fuzz body replaces.
struct RecordFixture {
    dir: PathBuf,
    plan: Plan,
    /// Run 1's valid record, as written.
    valid: String,
}

fn record_fixture() -> &'static RecordFixture {
    static FIXTURE: OnceLock<RecordFixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let text = format!(
            "{DESIGN_BASE}[experiment]\ndesign = \"grid\"\n[[experiment.factors]]\n\
             key = \"firms.0.policy.training\"\nvalues = [0.2, 0.8]\n"
        );
        let source = Source {
            name: "fuzz.toml".to_owned(),
            text,
        };
        let scenario = Scenario::load(&source, &[]).expect("the fixture scenario is valid");
        let plan = Plan::new(scenario).expect("the fixture plan is valid");
        // Fixtures of earlier processes that are gone are removed, so none accumulates.
        let temp = std::env::temp_dir();
        for entry in std::fs::read_dir(&temp).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix("cocreate-fuzz-")
                && !Path::new("/proc").join(pid).exists()
                && Path::new("/proc/self").exists()
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let dir = temp.join(format!("cocreate-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        sweep::prepare(&dir, &plan).expect("the fixture directory can be prepared");
        sweep::execute(
            &dir,
            &plan,
            &plan.runs(Shard::ALL),
            false,
            &Silent,
            &AtomicBool::new(false),
        )
        .expect("the fixture sweep runs");
        let valid = std::fs::read_to_string(dir.join(sweep::RUNS_DIR).join("0000001.json"))
            .expect("run 1 was written");
        RecordFixture { dir, plan, valid }
    })
}

/// The valid record that [`exercise_record`] mutations start from.
pub fn valid_record() -> String {
    record_fixture().valid.clone()
}

/// `data` as a run record put in place of run 1 of a finished sweep and aggregated as `merge`
/// would. A record that parses as JSON is also sealed with a fresh checksum first, so that its
/// shape (not only its checksum) is what gets tested. `aggregate` must accept exactly the
/// records that [`RunRecord::check`] accepts, and nothing may panic. Returns how far the input
/// got (0 not text, 1 not a record, 2 a record of the wrong shape, 3 accepted).
pub fn exercise_record(data: &[u8]) -> u32 {
    let fixture = record_fixture();
    let Ok(text) = std::str::from_utf8(data) else {
        return 0;
    };
    let path = fixture.dir.join(sweep::RUNS_DIR).join("0000001.json");
    let (written, level) = match serde_json::from_str::<RunRecord>(text) {
        Ok(mut record) => {
            let sealed = record.seal().expect("a parsed record serialises");
            let accepted = RunRecord::parse(&sealed)
                .expect("a sealed record passes its checksum")
                .check(
                    &fixture.plan.identity,
                    fixture.plan.run(1),
                    fixture.plan.firms(),
                    fixture.plan.ticks(),
                )
                .is_ok();
            (sealed, if accepted { 3 } else { 2 })
        }
        Err(_) => (text.to_owned(), 1),
    };
    if std::fs::write(&path, &written).is_err() {
        return level;
    }
    let merged = sweep::aggregate(&fixture.dir, &fixture.plan, |_, _| Ok(()));
    let _ = std::fs::write(&path, &fixture.valid);
    assert_eq!(
        merged.is_ok(),
        level == 3,
        "aggregate and the record check disagree"
    );
    level
}

/// Each line of `data` as a `--set KEY=VALUE`, applied to the built-in baseline. Returns how
/// far it got (0 not text, 1 no override parsed, 2 some parsed, 3 the scenario is valid).
pub fn exercise_set(data: &[u8]) -> u32 {
    let Ok(text) = std::str::from_utf8(data) else {
        return 0;
    };
    let overrides: Vec<Override> = text.lines().filter_map(|l| l.parse().ok()).collect();
    let mut level = 1 + u32::from(!overrides.is_empty());
    if let Ok(scenario) = Scenario::load(&Source::baseline(), &overrides) {
        let _ = scenario.resolved_toml();
        level = 3;
    }
    // Also through the design path: each line as a variant's override.
    let _ = Scenario::load(&Source::baseline(), &[]).map(|base| {
        base.with_overrides(&overrides, "fuzz")
            .map(|s| s.resolved_toml())
    });
    level
}

/// Largest population and run the scenario fuzz body simulates (bigger valid scenarios are only
/// parsed and validated).
const MAX_FUZZ_SLOTS: u32 = 2_000;
const MAX_FUZZ_TICKS: u32 = 30;

/// The body of the scenario fuzz target (`fuzz/fuzz_targets/scenario.rs`; corpus
/// `fuzz/regressions/`): parses and validates `data` as a scenario (also with a `--set` built from its first line),
/// and runs one short replication of whatever is valid. Must never panic.
pub fn exercise_scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Source {
        name: "fuzz.toml".to_owned(),
        text: text.to_owned(),
    };
    let mut overrides = Vec::new();
    if let Some(first) = text.lines().next()
        && let Ok(item) = first.parse::<Override>()
    {
        overrides.push(item);
    }
    for sets in [&[][..], &overrides[..]] {
        let Ok(scenario) = Scenario::load(&source, sets) else {
            continue;
        };
        let _ = scenario.resolved_toml();
        let model = scenario.model();
        if model.population.capacity <= MAX_FUZZ_SLOTS && scenario.ticks() <= MAX_FUZZ_TICKS {
            let replication = run_replication(&scenario, 0, Keep { customers: true }, &Silent);
            for tick in &replication.series {
                assert!(
                    tick.values().iter().all(|v| v.is_finite()),
                    "non-finite output"
                );
            }
        }
    }
}
