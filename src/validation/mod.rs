//! Validation layer: the battery of patterns the calibrated defaults must reproduce (model
//! specification, section 7), each checked against its published source, and the direction
//! of every factor of Zhang et al. (2018) (section 6).
//!
//! The layer sits between [`crate::experiment`] (which it drives) and [`crate::output`] (which
//! writes its [`Report`]). It needs no file: the scenarios it runs are embedded in the binary
//! ([`Embedded`]), so `cocreate validate` works from any directory.
//!
//! Each pattern group has its own module: [`regimes`] (pattern 1), [`factors`] (pattern 2, the
//! 16-row factor table) and [`baseline`] (patterns 3, 4 and 6, all measured on the baseline).
//! A group first lists its [`Batch`]es (a scenario with overrides, run for all its
//! replications), so the total work is known before anything runs, then runs them.
//!
//! Pass criteria are the specification's and do not depend on [`Settings::quick`], which only
//! changes sample sizes (replications and, for the factor table, population and run length),
//! nor on [`Settings::seed`], which only changes the random numbers.
//! Results do not depend on the number of threads: replication seeds depend only on the
//! scenario's seed and the replication index, and every reduction runs in replication order.

pub mod baseline;
pub mod factors;
pub mod hysteresis;
pub mod recovery;
pub mod regimes;
pub mod structure;

use crate::experiment::stats::Estimate;
use crate::experiment::{self, Keep, Progress, Replication};
use crate::scenario::{Override, OverrideError, Scenario, ScenarioError, Source};

/// A scenario embedded in the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Embedded {
    /// Path of the file it was embedded from, relative to the crate root.
    pub path: &'static str,
    pub text: &'static str,
}

/// `scenarios/baseline.toml`: a middling firm (patterns 2, 3, 4, 6).
pub const BASELINE: Embedded = Embedded {
    path: "scenarios/baseline.toml",
    text: crate::scenario::BASELINE_TOML,
};
/// `scenarios/virtuous.toml`: a well-run firm (pattern 1).
pub const VIRTUOUS: Embedded = Embedded {
    path: "scenarios/virtuous.toml",
    text: include_str!("../../scenarios/virtuous.toml"),
};
/// `scenarios/spiral.toml`: a badly run firm (pattern 1).
pub const SPIRAL: Embedded = Embedded {
    path: "scenarios/spiral.toml",
    text: include_str!("../../scenarios/spiral.toml"),
};

/// How the battery runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settings {
    /// Smaller samples (fewer replications, smaller populations; for the factor table a small
    /// population observed for longer), for continuous integration. The pass criteria are the
    /// same.
    pub quick: bool,
    /// A master seed for every batch in place of its scenario's own (`--seed`): another set of
    /// replication seeds, i.e. other random numbers for the same model. The battery's verdicts
    /// must not depend on it (pattern 2's quick design is sized for that; see
    /// [`factors::QUICK`]).
    pub seed: Option<u64>,
}

impl Settings {
    /// The quick battery with the scenarios' own seeds (what `cargo test` runs).
    pub const QUICK: Settings = Settings {
        quick: true,
        seed: None,
    };
    /// The full battery with the scenarios' own seeds.
    pub const FULL: Settings = Settings {
        quick: false,
        seed: None,
    };

    /// "quick" or "full".
    pub fn mode(&self) -> &'static str {
        if self.quick { "quick" } else { "full" }
    }

    /// The overrides every batch starts with: the master seed, if one is set.
    pub fn common(&self) -> Vec<String> {
        self.seed
            .map(|seed| format!("seed={seed}"))
            .into_iter()
            .collect()
    }

    /// The common overrides and `quick` or `full` replications (the scenario's own population).
    pub fn replications(&self, quick: u32, full: u32) -> Vec<String> {
        let mut sets = self.common();
        sets.push(format!(
            "replications={}",
            if self.quick { quick } else { full }
        ));
        sets
    }

    /// Overrides of a batch's sample size: the common overrides, `quick` or `full`
    /// replications, and in quick mode a 4,000-slot population (80% filled) instead of the
    /// scenario's own.
    pub fn sample_size(&self, quick: u32, full: u32) -> Vec<String> {
        let mut sets = self.replications(quick, full);
        if self.quick {
            sets.push("population.capacity=4000".to_owned());
            sets.push("population.initial=3200".to_owned());
        }
        sets
    }
}

/// The direction of a factor in Zhang et al. (2018).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// More of the factor raises co-created value (net value rises).
    CoCreation,
    /// More of the factor raises co-destroyed value (net value falls).
    CoDestruction,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::CoCreation => "co-creation",
            Direction::CoDestruction => "co-destruction",
        }
    }
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One checked criterion of a pattern. A pattern with several criteria (such as pattern 1:
/// one scenario per regime) has one result per criterion, all with its number; it holds when
/// all of them pass.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternResult {
    /// The pattern's number in the specification, section 7.
    pub number: u8,
    pub name: String,
    /// The published source (citation) the pattern comes from.
    pub source: String,
    /// The pass criterion, e.g. "95% interval within [2, 4]".
    pub expected: String,
    /// The estimate with its 95% interval as text, e.g. "2.98 [2.66, 3.30]".
    pub observed: String,
    /// The estimate behind `observed`, if the criterion has one number.
    pub estimate: Option<Estimate>,
    pub pass: bool,
}

#[cfg(test)]
impl PatternResult {
    /// A result with only its number and verdict, for tests of what consumes results.
    pub(crate) fn stub(number: u8, pass: bool) -> PatternResult {
        PatternResult {
            number,
            name: String::new(),
            source: String::new(),
            expected: String::new(),
            observed: String::new(),
            estimate: None,
            pass,
        }
    }
}

/// The measured effect of one factor of Zhang et al. (2018) on net value.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorEffect {
    /// The factor's name in the paper.
    pub factor: String,
    pub paper_direction: Direction,
    /// The scenario parameter (a `--set` path).
    pub path: String,
    /// The parameter's low and high values (low < high).
    pub low: f64,
    pub high: f64,
    /// The parameter measures the factor's absence (lower value = more of the factor), as for
    /// technological failure (`tech_reliability`) and lack of complaint outlets.
    pub inverted: bool,
    /// Net value at `high` minus net value at `low`, paired by replication (common random
    /// numbers), with its 95% interval.
    pub effect: Estimate,
    /// The interval excludes zero on the side of the paper's direction.
    pub pass: bool,
}

impl FactorEffect {
    /// The effect of more of the factor (rather than of a higher parameter value): positive
    /// for co-creation, negative for co-destruction when the paper's direction holds.
    pub fn factor_effect(&self) -> Estimate {
        if self.inverted {
            negate(self.effect)
        } else {
            self.effect
        }
    }

    /// Whether more of the factor should raise (co-creation) net value.
    pub fn expected_positive(&self) -> bool {
        self.paper_direction == Direction::CoCreation
    }
}

/// The estimate of `-x`.
pub fn negate(e: Estimate) -> Estimate {
    Estimate {
        n: e.n,
        mean: -e.mean,
        sd: e.sd,
        lo: -e.hi,
        hi: -e.lo,
    }
}

/// One arm of the recovery-paradox comparison (pattern 5): mean satisfaction by week relative
/// to the first failure.
#[derive(Debug, Clone, PartialEq)]
pub struct RecoveryArm {
    /// E.g. "no failure", "one failure, recovered", "two failures, recovered".
    pub name: String,
    /// Weeks relative to the first failure (negative before it).
    pub weeks: Vec<i32>,
    /// Mean over replications with 95% interval, one per week.
    pub satisfaction: Vec<Estimate>,
}

/// The recovery-paradox comparison (pattern 5), for its chart.
#[derive(Debug, Clone, PartialEq)]
pub struct RecoveryComparison {
    pub arms: Vec<RecoveryArm>,
    /// Weeks (relative to the first failure) at which failures happen, marked on the chart.
    pub failure_weeks: Vec<u32>,
}

/// A hysteresis loop (pattern 7): the state reached at each policy value, on the way down and
/// on the way back up.
#[derive(Debug, Clone, PartialEq)]
pub struct HysteresisLoop {
    /// The policy's parameter path.
    pub policy: String,
    /// Axis label of the policy value.
    pub policy_label: String,
    /// Axis label of the state.
    pub state_label: String,
    /// (policy value, state) while the policy is ramped down.
    pub down: Vec<(f64, Estimate)>,
    /// (policy value, state) while the policy is ramped back up.
    pub up: Vec<(f64, Estimate)>,
}

/// Everything the battery found.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Results in pattern order.
    pub patterns: Vec<PatternResult>,
    /// The factor table (pattern 2), in the order of the specification.
    pub factors: Vec<FactorEffect>,
    pub recovery: Option<RecoveryComparison>,
    pub hysteresis: Option<HysteresisLoop>,
}

impl Report {
    /// Every pattern holds.
    pub fn passed(&self) -> bool {
        self.patterns.iter().all(|p| p.pass)
    }

    /// Numbers of the patterns that fail, without repetition, in order.
    pub fn failed(&self) -> Vec<u8> {
        let mut numbers: Vec<u8> = self
            .patterns
            .iter()
            .filter(|p| !p.pass)
            .map(|p| p.number)
            .collect();
        numbers.dedup();
        numbers
    }
}

/// A failure to run the battery (never a failed pattern, which is a result).
#[derive(Debug, thiserror::Error)]
pub enum ValidationError {
    /// An override built by the battery does not parse (a bug).
    #[error("validation override `{text}`: {source}")]
    Override {
        text: String,
        #[source]
        source: OverrideError,
    },
    /// An embedded scenario with the battery's overrides is invalid (a bug).
    #[error("validation scenario {path}: {source}")]
    Scenario {
        path: &'static str,
        #[source]
        source: ScenarioError,
    },
    /// A summary column the battery reads does not exist (a bug).
    #[error("summary has no column `{0}`")]
    MissingColumn(&'static str),
}

/// A scenario run for all its replications: an embedded scenario with overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub scenario: Embedded,
    /// `KEY=VALUE` overrides, applied in order.
    pub overrides: Vec<String>,
}

impl Batch {
    pub fn new(scenario: Embedded, overrides: &[String]) -> Batch {
        Batch {
            scenario,
            overrides: overrides.to_vec(),
        }
    }

    /// The validated scenario.
    pub fn load(&self) -> Result<Scenario, ValidationError> {
        let overrides = self
            .overrides
            .iter()
            .map(|text| {
                text.parse::<Override>()
                    .map_err(|source| ValidationError::Override {
                        text: text.clone(),
                        source,
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let source = Source {
            name: format!("{} (built in)", self.scenario.path),
            text: self.scenario.text.to_owned(),
        };
        Scenario::load(&source, &overrides).map_err(|source| ValidationError::Scenario {
            path: self.scenario.path,
            source,
        })
    }

    /// Ticks simulated by the batch (replications × ticks).
    pub fn ticks(&self) -> Result<u64, ValidationError> {
        let scenario = self.load()?;
        Ok(u64::from(scenario.replications()) * u64::from(scenario.ticks()))
    }

    /// Runs every replication (in parallel; results in replication order).
    pub fn run(&self, progress: &dyn Progress) -> Result<Vec<Replication>, ValidationError> {
        let scenario = self.load()?;
        Ok(experiment::run(
            &scenario,
            Keep { customers: false },
            progress,
        ))
    }
}

/// Every batch the battery runs, in order.
pub fn batches(settings: &Settings) -> Vec<Batch> {
    let mut all = regimes::batches(settings);
    all.extend(factors::batches(settings));
    all.extend(baseline::batches(settings));
    all.extend(recovery::batches(settings));
    all.extend(hysteresis::batches(settings));
    all
}

/// Ticks the whole battery simulates (for a progress bar).
pub fn total_ticks(settings: &Settings) -> Result<u64, ValidationError> {
    batches(settings).iter().map(Batch::ticks).sum()
}

/// Runs every pattern of the battery.
pub fn run_battery(
    settings: &Settings,
    progress: &dyn Progress,
) -> Result<Report, ValidationError> {
    let mut patterns = regimes::run(settings, progress)?;
    let (factor_pattern, factors) = factors::run(settings, progress)?;
    patterns.push(factor_pattern);
    patterns.extend(baseline::run(settings, progress)?);
    let (recovery_patterns, recovery) = recovery::run(settings, progress)?;
    patterns.extend(recovery_patterns);
    let (hysteresis_pattern, hysteresis) = hysteresis::run(settings, progress)?;
    patterns.push(hysteresis_pattern);
    patterns.sort_by_key(|p| p.number);
    Ok(Report {
        patterns,
        factors,
        recovery: Some(recovery),
        hysteresis: Some(hysteresis),
    })
}

/// The outcome `column` of firm `firm` in every replication, in replication order.
pub fn outcome(
    replications: &[Replication],
    firm: usize,
    column: &'static str,
) -> Result<Vec<f64>, ValidationError> {
    replications
        .iter()
        .map(|r| {
            r.summaries
                .get(firm)
                .and_then(|s| s.value(column))
                .ok_or(ValidationError::MissingColumn(column))
        })
        .collect()
}

/// A share `k` out of `n` with the Wilson score 95% interval (which, unlike the normal
/// approximation, stays inside [0, 1] and has width at 0/n and n/n).
pub fn proportion(k: usize, n: usize) -> Estimate {
    if n == 0 {
        return Estimate::of([]);
    }
    let p = k as f64 / n as f64;
    let (lo, hi) = crate::experiment::stats::wilson(p, n);
    Estimate {
        n,
        mean: p,
        sd: (p * (1.0 - p)).sqrt(),
        lo,
        hi,
    }
}

/// Decimals that show `value` with about three significant digits (none above 100).
fn decimals(value: f64) -> usize {
    let magnitude = value.abs();
    if !magnitude.is_finite() || magnitude >= 100.0 {
        0
    } else if magnitude >= 10.0 {
        1
    } else if magnitude >= 1.0 || magnitude == 0.0 {
        2
    } else {
        // 0.0123 -> 4 decimals: two leading zeros plus three digits.
        let leading = (-magnitude.log10()).floor() as usize;
        (leading + 3).min(8)
    }
}

/// "mean [lo, hi]" with the mean's precision; "n/a" if the mean is not finite.
pub fn format_estimate(e: &Estimate) -> String {
    if !e.mean.is_finite() {
        return "n/a".to_owned();
    }
    let half = e.half_width();
    let d = decimals(if half.is_finite() {
        e.mean.abs().max(half)
    } else {
        e.mean
    });
    format!("{:.d$} [{:.d$}, {:.d$}]", e.mean, e.lo, e.hi)
}

/// As [`format_estimate`], in percent.
pub fn format_percent(e: &Estimate) -> String {
    if !e.mean.is_finite() {
        return "n/a".to_owned();
    }
    let scaled = Estimate {
        mean: e.mean * 100.0,
        sd: e.sd * 100.0,
        lo: e.lo * 100.0,
        hi: e.hi * 100.0,
        ..*e
    };
    let d = decimals(scaled.mean).min(2);
    format!(
        "{:.d$}% [{:.d$}%, {:.d$}%]",
        scaled.mean, scaled.lo, scaled.hi
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_scenarios_load_and_every_batch_is_valid() {
        for scenario in [BASELINE, VIRTUOUS, SPIRAL] {
            Batch::new(scenario, &[]).load().unwrap();
        }
        for settings in [Settings::QUICK, Settings::FULL] {
            let all = batches(&settings);
            assert!(all.len() > 30);
            assert!(total_ticks(&settings).unwrap() > 0);
        }
        // Quick mode is the cheap one, compared in customer-weeks (slots × weeks stepped,
        // spin-up included). Its factor table is sized by a power calculation (see
        // `factors::QUICK`): small populations over long horizons, most of the quick battery's
        // work and about 70% of the full table's. The other patterns take a fifth or less of
        // their full work.
        let work = |batches: Vec<Batch>| -> u64 {
            batches
                .iter()
                .map(|batch| {
                    let scenario = batch.load().unwrap();
                    let population = scenario.model().get().population.clone();
                    u64::from(scenario.replications())
                        * (u64::from(scenario.ticks()) + u64::from(population.spinup))
                        * u64::from(population.capacity)
                })
                .sum()
        };
        let (quick, full) = (Settings::QUICK, Settings::FULL);
        let (quick_all, full_all) = (work(batches(&quick)), work(batches(&full)));
        let quick_factors = work(factors::batches(&quick));
        let full_factors = work(factors::batches(&full));
        assert!(full_all > quick_all, "{full_all} vs {quick_all}");
        assert!(
            full_factors > quick_factors,
            "{full_factors} vs {quick_factors}"
        );
        assert!(
            full_all - full_factors > 4 * (quick_all - quick_factors),
            "{full_all} vs {quick_all}"
        );
    }

    #[test]
    fn a_seed_replaces_every_scenario_seed() {
        let settings = Settings {
            seed: Some(7),
            ..Settings::QUICK
        };
        let seeded = batches(&settings);
        assert_eq!(seeded.len(), batches(&Settings::QUICK).len());
        for batch in &seeded {
            assert_eq!(batch.load().unwrap().seed(), 7, "{:?}", batch.overrides);
        }
        // Without one, the scenarios keep their own (the baseline's is 42).
        let own = factors::batches(&Settings::QUICK);
        assert!(own.iter().all(|b| b.load().unwrap().seed() == 42));
    }

    #[test]
    fn bad_overrides_are_typed_errors() {
        let bad = Batch::new(BASELINE, &["no equals sign".to_owned()]);
        assert!(matches!(bad.load(), Err(ValidationError::Override { .. })));
        let invalid = Batch::new(BASELINE, &["firms.0.policy.incentive=2".to_owned()]);
        assert!(matches!(
            invalid.load(),
            Err(ValidationError::Scenario { .. })
        ));
    }

    #[test]
    fn wilson_interval_of_known_shares() {
        let all = proportion(20, 20);
        assert_eq!(all.mean, 1.0);
        assert_eq!(all.hi, 1.0);
        assert!((all.lo - 0.8389).abs() < 1e-3, "{}", all.lo);
        let half = proportion(5, 10);
        assert!((half.lo - 0.2366).abs() < 1e-3 && (half.hi - 0.7634).abs() < 1e-3);
        assert!(proportion(0, 0).mean.is_nan());
    }

    #[test]
    fn estimates_are_formatted_by_magnitude() {
        let e = |mean: f64, half: f64| Estimate {
            n: 10,
            mean,
            sd: 1.0,
            lo: mean - half,
            hi: mean + half,
        };
        assert_eq!(format_estimate(&e(2.98, 0.32)), "2.98 [2.66, 3.30]");
        assert_eq!(format_estimate(&e(0.3123, 0.0213)), "0.312 [0.291, 0.334]");
        assert_eq!(format_estimate(&e(-1234.4, 100.0)), "-1234 [-1334, -1134]");
        assert_eq!(format_estimate(&e(12.345, 1.0)), "12.3 [11.3, 13.3]");
        assert_eq!(format_estimate(&Estimate::of([])), "n/a");
        assert_eq!(format_percent(&e(0.0245, 0.001)), "2.45% [2.35%, 2.55%]");
        let flipped = negate(e(3.0, 1.0));
        assert_eq!((flipped.mean, flipped.lo, flipped.hi), (-3.0, -4.0, -2.0));
    }

    #[test]
    fn report_fails_when_any_criterion_fails() {
        let row = PatternResult::stub;
        let mut report = Report {
            patterns: vec![row(1, true), row(1, true), row(3, true)],
            factors: Vec::new(),
            recovery: None,
            hysteresis: None,
        };
        assert!(report.passed());
        assert!(report.failed().is_empty());
        report.patterns[1].pass = false;
        report.patterns.push(row(4, false));
        assert!(!report.passed());
        assert_eq!(report.failed(), [1, 4]);
    }
}
