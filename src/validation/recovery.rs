//! Pattern 5, the service-recovery paradox (Maxham & Netemeyer 2002; de Matos et al. 2007):
//! after one failure with a good recovery, satisfaction ends above what it would have been
//! without the failure; after a second failure (a double deviation) it does not.
//!
//! A field experiment on the baseline, in three arms that differ only in two one-week events,
//! run with the same replication seeds (common random numbers), so every customer is paired
//! with itself across arms:
//!
//! - *no failure*: the baseline as it is;
//! - *one failure*: in week [`FIRST_FAILURE`] the platform fails every encounter
//!   (`tech_reliability` = 0), every complaint channel is open and every complaint is
//!   recovered well (`complaint_outlets` = `service_recovery` = 1, `defensiveness` = 0);
//! - *two failures*: the same again [`GAP`] weeks later.
//!
//! The arms are identical up to the first failure week, so the same customers engage in it.
//! The *one-failure group* are the customers who, in that week, failed, complained and were
//! recovered, with no failure in recent memory (so it was their first); the *two-failure group*
//! are those of them who engaged, failed, complained and were recovered again in the second
//! failure week. The paradox holds if the one-failure group's satisfaction at the end of the
//! failure week is above the same customers' satisfaction in the no-failure arm (paired
//! difference, 95% interval above 0), and not after two: the two-failure group's satisfaction
//! after the second failure is below the same customers' without failures (interval below 0).
//! The chart shows both differences week by week. Loyalty is reported alongside: de Matos et
//! al. find the paradox on satisfaction, not on repurchase intentions.

use rayon::prelude::*;

use super::{
    BASELINE, Batch, PatternResult, RecoveryArm, RecoveryComparison, Settings, ValidationError,
    format_estimate,
};
use crate::experiment::Progress;
use crate::experiment::stats::Estimate;
use crate::model::agents::{Customer, WINDOW_RATE};
use crate::model::rng::replication_seed;
use crate::model::{FirmTick, Simulation};
use crate::scenario::Scenario;

/// The week of the first failure (two years in, when the baseline has settled).
pub const FIRST_FAILURE: u32 = 104;
/// Weeks between the first and the second failure.
pub const GAP: u32 = 4;
/// Weeks shown before the first failure and after it.
const WEEKS_BEFORE: u32 = 4;
const WEEKS_AFTER: u32 = 16;
/// A customer whose failure memory is at least this much treats a failure as a repeat
/// (the model's rule in `sim::encounter`, with the week's decay applied).
const REPEAT_MEMORY: f32 = 0.5;
const FAILURE_MEMORY_DECAY: f32 = 0.97;

/// The policy of a failure week: everything fails, every complaint is heard and recovered.
const FAILURE_WEEK: &str = r#"set = { "firms.0.policy.tech_reliability" = 0.0, "firms.0.policy.complaint_outlets" = 1.0, "firms.0.policy.service_recovery" = 1.0, "firms.0.policy.defensiveness" = 0.0 }"#;

fn overrides(settings: &Settings, failures: u32) -> Vec<String> {
    let mut sets = vec![
        format!("replications={}", if settings.quick { 10 } else { 20 }),
        format!("ticks={}", FIRST_FAILURE + WEEKS_AFTER),
    ];
    if settings.quick {
        sets.push("population.capacity=4000".to_owned());
        sets.push("population.initial=3200".to_owned());
    }
    let events: Vec<String> = (0..failures)
        .map(|k| {
            format!(
                "{{ tick = {}, duration = 1, label = \"failure {}\", {FAILURE_WEEK} }}",
                FIRST_FAILURE + k * GAP,
                k + 1
            )
        })
        .collect();
    sets.push(format!("events=[{}]", events.join(", ")));
    sets
}

/// The three arms (no failure, one, two) as batches: the baseline with their overrides.
pub fn batches(settings: &Settings) -> Vec<Batch> {
    (0..3)
        .map(|failures| Batch::new(BASELINE, &overrides(settings, failures)))
        .collect()
}

/// Whether the customer complained this week: its recent-complaint count rose above last
/// week's decayed count (the same `f32` operations as the model's bookkeeping).
fn complained(now: &Customer, before: &Customer) -> bool {
    now.recent_complaints > before.recent_complaints * (1.0 - WINDOW_RATE)
}

/// Mean of `state` over the group's customers at `week`, counting only slots still held by
/// the same customer (tenure advanced by exactly the weeks since `since`).
fn group_mean(
    customers: &[Customer],
    group: &[(usize, u32)],
    weeks_since: u32,
    state: impl Fn(&Customer) -> f32,
) -> f64 {
    let (mut sum, mut n) = (0.0f64, 0usize);
    for &(slot, tenure) in group {
        let c = &customers[slot];
        if c.is_active() && c.tenure == tenure + weeks_since {
            sum += f64::from(state(c));
            n += 1;
        }
    }
    if n == 0 { f64::NAN } else { sum / n as f64 }
}

/// One replication's differences (failure arm − no-failure arm, same customers), by week.
struct Paired {
    /// One-failure group: satisfaction, one failure − none, weeks −WEEKS_BEFORE..=WEEKS_AFTER.
    one: Vec<f64>,
    /// Two-failure group: satisfaction, two failures − none.
    two: Vec<f64>,
    /// Loyalty differences at the measurement weeks (one failure, two failures).
    loyalty_one: f64,
    loyalty_two: f64,
    groups: (usize, usize),
}

fn replication(scenarios: &[Scenario; 3], index: u32, progress: &dyn Progress) -> Paired {
    let seed = replication_seed(scenarios[0].seed(), u64::from(index));
    let mut arms: Vec<Simulation> = scenarios
        .iter()
        .map(|s| Simulation::scheduled(s.schedule(), seed))
        .collect();
    let mut out: Vec<FirmTick> = Vec::new();
    let first = FIRST_FAILURE;
    let second = FIRST_FAILURE + GAP;
    let (mut one_group, mut two_group) = (Vec::new(), Vec::new());
    // Positions in `one_group` of the two-failure group's members.
    let mut two_members: Vec<usize> = Vec::new();
    // Satisfaction of the one-failure group in the no-failure and two-failure arms, for the
    // weeks between the failures.
    let mut early: Vec<(Vec<f32>, Vec<f32>)> = Vec::new();
    let mut before_first: Vec<Customer> = Vec::new();
    let mut before_second: Vec<Customer> = Vec::new();
    let mut paired = Paired {
        one: Vec::new(),
        two: Vec::new(),
        loyalty_one: f64::NAN,
        loyalty_two: f64::NAN,
        groups: (0, 0),
    };
    let satisfaction = |c: &Customer| c.satisfaction;
    let loyalty = |c: &Customer| c.loyalty;
    for tick in 1..=scenarios[0].ticks() {
        if tick == first {
            before_first = arms[1].customers().to_vec();
        }
        if tick == second {
            before_second = arms[2].customers().to_vec();
        }
        for arm in &mut arms {
            arm.step(&mut out);
        }
        progress.advance(3);
        if tick == first {
            one_group = arms[1]
                .customers()
                .iter()
                .zip(&before_first)
                .enumerate()
                .filter(|(_, (now, before))| {
                    now.is_active()
                        && before.is_active()
                        && now.tenure == before.tenure + 1
                        && before.failure_memory * FAILURE_MEMORY_DECAY < REPEAT_MEMORY
                        && complained(now, before)
                })
                .map(|(slot, (now, _))| (slot, now.tenure))
                .collect();
            before_first = Vec::new();
        }
        if tick == second {
            let customers = arms[2].customers();
            two_members = one_group
                .iter()
                .enumerate()
                .filter(|(_, (slot, tenure))| {
                    let (now, before) = (&customers[*slot], &before_second[*slot]);
                    now.is_active() && now.tenure == tenure + GAP && complained(now, before)
                })
                .map(|(member, _)| member)
                .collect();
            two_group = two_members.iter().map(|&m| one_group[m]).collect();
            before_second = Vec::new();
        }
        if tick < first {
            continue;
        }
        let since = tick - first;
        let none = arms[0].customers();
        let one = arms[1].customers();
        let two = arms[2].customers();
        paired.one.push(
            group_mean(one, &one_group, since, satisfaction)
                - group_mean(none, &one_group, since, satisfaction),
        );
        if tick < second {
            // The two-failure group is known only after the second failure: keep the one-failure
            // group's states in both arms until then.
            let states = |customers: &[Customer]| -> Vec<f32> {
                one_group
                    .iter()
                    .map(|&(slot, tenure)| {
                        let c = &customers[slot];
                        if c.is_active() && c.tenure == tenure + since {
                            c.satisfaction
                        } else {
                            f32::NAN
                        }
                    })
                    .collect()
            };
            early.push((states(none), states(two)));
        } else {
            if tick == second {
                for (none_states, two_states) in &early {
                    let (mut a, mut b, mut n) = (0.0f64, 0.0f64, 0usize);
                    for &member in &two_members {
                        let (x, y) = (none_states[member], two_states[member]);
                        if x.is_finite() && y.is_finite() {
                            a += f64::from(x);
                            b += f64::from(y);
                            n += 1;
                        }
                    }
                    paired
                        .two
                        .push(if n == 0 { f64::NAN } else { (b - a) / n as f64 });
                }
                early = Vec::new();
            }
            paired.two.push(
                group_mean(two, &two_group, since, satisfaction)
                    - group_mean(none, &two_group, since, satisfaction),
            );
        }
        if tick == first {
            paired.loyalty_one =
                group_mean(one, &one_group, 0, loyalty) - group_mean(none, &one_group, 0, loyalty);
        }
        if tick == second {
            paired.loyalty_two = group_mean(two, &two_group, GAP, loyalty)
                - group_mean(none, &two_group, GAP, loyalty);
        }
    }
    paired.groups = (one_group.len(), two_group.len());
    let zeros = vec![0.0; WEEKS_BEFORE as usize];
    paired.one.splice(0..0, zeros.iter().copied());
    paired.two.splice(0..0, zeros);
    paired
}

/// Runs the three arms; returns the pattern's two criteria and the comparison for the chart.
pub fn run(
    settings: &Settings,
    progress: &dyn Progress,
) -> Result<(Vec<PatternResult>, RecoveryComparison), ValidationError> {
    let arms = batches(settings);
    let scenarios = [arms[0].load()?, arms[1].load()?, arms[2].load()?];
    let results: Vec<Paired> = (0..scenarios[0].replications())
        .into_par_iter()
        .map(|index| replication(&scenarios, index, progress))
        .collect();

    let weeks: Vec<i32> = (-(WEEKS_BEFORE as i32)..=WEEKS_AFTER as i32).collect();
    let by_week = |pick: fn(&Paired) -> &Vec<f64>| -> Vec<Estimate> {
        (0..weeks.len())
            .map(|w| Estimate::of(results.iter().map(|p| pick(p)[w])))
            .collect()
    };
    let one = by_week(|p| &p.one);
    let two = by_week(|p| &p.two);
    let at = |week: u32| (WEEKS_BEFORE + week) as usize;
    let one_effect = one[at(0)];
    let two_effect = two[at(GAP)];
    let loyalty_one = Estimate::of(results.iter().map(|p| p.loyalty_one));
    let loyalty_two = Estimate::of(results.iter().map(|p| p.loyalty_two));
    let groups_one: usize = results.iter().map(|p| p.groups.0).sum();
    let groups_two: usize = results.iter().map(|p| p.groups.1).sum();
    let source = "Maxham & Netemeyer (2002); de Matos, Henrique & Rossi (2007)".to_owned();
    let patterns = vec![
        PatternResult {
            number: 5,
            name: "Recovery paradox after one failure with good recovery".to_owned(),
            source: source.clone(),
            expected: "satisfaction after the recovered failure minus the same customers' \
                       without it: 95% interval above 0"
                .to_owned(),
            observed: format!(
                "{} ({groups_one} customers in {} replications; loyalty {})",
                format_estimate(&one_effect),
                results.len(),
                format_estimate(&loyalty_one)
            ),
            estimate: Some(one_effect),
            pass: one_effect.lo > 0.0,
        },
        PatternResult {
            number: 5,
            name: "No paradox after a second failure (double deviation)".to_owned(),
            source,
            expected: format!(
                "satisfaction after a second recovered failure {GAP} weeks later minus the same \
                 customers' without failures: 95% interval below 0"
            ),
            observed: format!(
                "{} ({groups_two} customers; loyalty {})",
                format_estimate(&two_effect),
                format_estimate(&loyalty_two)
            ),
            estimate: Some(two_effect),
            pass: two_effect.hi < 0.0,
        },
    ];
    let zero = Estimate {
        n: results.len(),
        mean: 0.0,
        sd: 0.0,
        lo: 0.0,
        hi: 0.0,
    };
    let comparison = RecoveryComparison {
        arms: vec![
            RecoveryArm {
                name: "no failure".to_owned(),
                weeks: weeks.clone(),
                satisfaction: vec![zero; weeks.len()],
            },
            RecoveryArm {
                name: "one failure, recovered".to_owned(),
                weeks: weeks.clone(),
                satisfaction: one,
            },
            RecoveryArm {
                name: "two failures, recovered".to_owned(),
                weeks,
                satisfaction: two,
            },
        ],
        failure_weeks: vec![0, GAP],
    };
    Ok((patterns, comparison))
}
