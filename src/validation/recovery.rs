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
//! The arms are identical up to the first failure week, and every draw of a customer's week is
//! its own (`rng::SlotDraws`: a function of the replication, week, slot and position in the
//! week), so the same customers engage in the failure week in every arm. The *one-failure group* are
//! the customers who, in that week, failed, complained and were recovered, with no failure in
//! recent memory (so it was their first), and who had an ordinary encounter in the no-failure
//! arm; the *two-failure group* are those of them who failed, complained and were recovered
//! again in the second failure week and had an ordinary encounter that week in the no-failure
//! arm. Each member is compared with itself in the no-failure arm, week by week, as long as it
//! is a customer in both arms (paired differences). The paradox holds if the one-failure
//! group's satisfaction at the end of the failure week is above the same customers' in the
//! no-failure arm (95% interval of the mean over replications above 0), and not after two: the
//! two-failure group's satisfaction after the second failure is below the same customers'
//! without failures (interval below 0). Either needs groups in at least [`MIN_REPLICATIONS`]
//! replications.
//! The chart shows both differences week by week. Loyalty is reported alongside: de Matos et
//! al. find the paradox on satisfaction, not on repurchase intentions.

use rayon::prelude::*;

use super::{
    BASELINE, Batch, PatternResult, RecoveryArm, RecoveryComparison, Settings, ValidationError,
    format_estimate,
};
use crate::experiment::stats::Estimate;
use crate::experiment::{self, Progress};
use crate::model::agents::{Customer, window_decay};
use crate::model::rules;
use crate::model::{FirmTick, Simulation};
use crate::scenario::Scenario;

/// The week of the first failure (two years in, when the baseline has settled).
pub const FIRST_FAILURE: u32 = 104;
/// Fewest replications with a non-empty group for an interval to count.
const MIN_REPLICATIONS: usize = 5;
/// Weeks between the first and the second failure.
pub const GAP: u32 = 4;
/// Weeks shown before the first failure and after it.
const WEEKS_BEFORE: u32 = 4;
const WEEKS_AFTER: u32 = 16;

/// The policy of a failure week: everything fails, every complaint is heard and recovered.
const FAILURE_WEEK: &str = r#"set = { "firms.0.policy.tech_reliability" = 0.0, "firms.0.policy.complaint_outlets" = 1.0, "firms.0.policy.service_recovery" = 1.0, "firms.0.policy.defensiveness" = 0.0 }"#;

fn overrides(settings: &Settings, failures: u32) -> Vec<String> {
    let mut sets = settings.sample_size(10, 20);
    sets.push(format!("ticks={}", FIRST_FAILURE + WEEKS_AFTER));
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
/// week's count after the model's own weekly decay.
fn complained(now: &Customer, before: &Customer) -> bool {
    now.recent_complaints > window_decay(before.recent_complaints)
}

/// Whether the customer engaged this week (its recent-encounter count rose).
fn engaged(now: &Customer, before: &Customer) -> bool {
    now.recent_encounters > window_decay(before.recent_encounters)
}

/// A group member: its slot and its tenure in the week it joined the group.
type Member = (usize, u32);

/// The member's record if the slot is still held by the same customer `weeks_since` weeks
/// after it joined.
fn same_customer(
    customers: &[Customer],
    (slot, tenure): Member,
    weeks_since: u32,
) -> Option<&Customer> {
    let c = &customers[slot];
    (c.is_active() && c.tenure == tenure + weeks_since).then_some(c)
}

/// Mean over the group of the paired difference `state` in `treated` minus `state` in
/// `control`, over the members still present in both arms (a member who left either arm
/// drops out of both, so the two means are over the same customers).
fn paired_mean(
    treated: &[Customer],
    control: &[Customer],
    group: &[Member],
    weeks_since: u32,
    state: impl Fn(&Customer) -> f32,
) -> f64 {
    let (mut sum, mut n) = (0.0f64, 0usize);
    for &member in group {
        if let (Some(t), Some(c)) = (
            same_customer(treated, member, weeks_since),
            same_customer(control, member, weeks_since),
        ) {
            sum += f64::from(state(t)) - f64::from(state(c));
            n += 1;
        }
    }
    if n == 0 { f64::NAN } else { sum / n as f64 }
}

/// One replication's paired differences (failure arm − no-failure arm, same customers), by
/// week from `WEEKS_BEFORE` weeks before the first failure to `WEEKS_AFTER` after it.
struct Paired {
    /// One-failure group: satisfaction, one failure − none.
    one: Vec<f64>,
    /// Two-failure group: satisfaction, two failures − none.
    two: Vec<f64>,
    /// Loyalty differences at the measurement weeks (one failure, two failures).
    loyalty_one: f64,
    loyalty_two: f64,
    /// Group sizes.
    groups: (usize, usize),
}

fn replication(scenarios: &[Scenario; 3], index: u32, progress: &dyn Progress) -> Paired {
    // The same replication seed in every arm: common random numbers.
    let mut arms: Vec<Simulation> = scenarios
        .iter()
        .map(|s| experiment::start(s, index).1)
        .collect();
    let mut out: Vec<FirmTick> = Vec::new();
    let (first, second) = (FIRST_FAILURE, FIRST_FAILURE + GAP);
    let weeks = (WEEKS_BEFORE + WEEKS_AFTER + 1) as usize;
    let satisfaction = |c: &Customer| c.satisfaction;
    let loyalty = |c: &Customer| c.loyalty;
    // Every arm's customers for the weeks from the first failure to the second, to follow the
    // two-failure group (known only after the second failure) from the first one on.
    let mut history: Vec<[Vec<Customer>; 2]> = Vec::new();
    let mut before: [Vec<Customer>; 3] = Default::default();
    let mut one_group: Vec<Member> = Vec::new();
    let mut two_group: Vec<Member> = Vec::new();
    let mut paired = Paired {
        one: vec![0.0; WEEKS_BEFORE as usize],
        // Before the first failure the arms are identical: the differences are exactly 0.
        two: vec![0.0; WEEKS_BEFORE as usize],
        loyalty_one: f64::NAN,
        loyalty_two: f64::NAN,
        groups: (0, 0),
    };
    for tick in 1..=scenarios[0].ticks() {
        if tick == first || tick == second {
            for (snapshot, arm) in before.iter_mut().zip(&arms) {
                *snapshot = arm.customers();
            }
        }
        for arm in &mut arms {
            arm.step(&mut out);
        }
        progress.advance(3);
        if tick < first {
            continue;
        }
        let since = tick - first;
        let records = [0, 1, 2].map(|k| arms[k].customers());
        let [none, one, two] = [&records[0][..], &records[1][..], &records[2][..]];
        if tick == first {
            // First failure, complained, recovered (every complaint is, that week); and
            // engaged in the no-failure arm too, so the comparison is a recovered failure
            // against an ordinary encounter in the same week.
            one_group = (0..one.len())
                .filter(|&slot| {
                    let (now, was) = (&one[slot], &before[1][slot]);
                    now.is_active()
                        && was.is_active()
                        && now.tenure == was.tenure + 1
                        && !rules::is_repeat_failure(
                            was.failure_memory * rules::FAILURE_MEMORY_DECAY,
                        )
                        && complained(now, was)
                        && none[slot].is_active()
                        && none[slot].tenure == now.tenure
                        && engaged(&none[slot], &before[0][slot])
                })
                .map(|slot| (slot, one[slot].tenure))
                .collect();
            paired.loyalty_one = paired_mean(one, none, &one_group, 0, loyalty);
        }
        paired
            .one
            .push(paired_mean(one, none, &one_group, since, satisfaction));
        if tick < second {
            history.push([none.to_vec(), two.to_vec()]);
            continue;
        }
        if tick == second {
            // Failed, complained and was recovered again in the two-failure arm, and engaged in
            // the no-failure arm that week too.
            two_group = one_group
                .iter()
                .copied()
                .filter(|&member| {
                    let (slot, _) = member;
                    same_customer(two, member, GAP).is_some_and(|c| complained(c, &before[2][slot]))
                        && same_customer(none, member, GAP)
                            .is_some_and(|c| engaged(c, &before[0][slot]))
                })
                .collect();
            for (week, [none_then, two_then]) in history.iter().enumerate() {
                paired.two.push(paired_mean(
                    two_then,
                    none_then,
                    &two_group,
                    week as u32,
                    satisfaction,
                ));
            }
            history = Vec::new();
            paired.loyalty_two = paired_mean(two, none, &two_group, GAP, loyalty);
            paired.groups = (one_group.len(), two_group.len());
        }
        paired
            .two
            .push(paired_mean(two, none, &two_group, since, satisfaction));
    }
    debug_assert_eq!(paired.one.len(), weeks);
    debug_assert_eq!(paired.two.len(), weeks);
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
                "{} ({groups_one} customers; {} of {} replications with a group; loyalty {})",
                format_estimate(&one_effect),
                one_effect.n,
                results.len(),
                format_estimate(&loyalty_one)
            ),
            estimate: Some(one_effect),
            pass: one_effect.n >= MIN_REPLICATIONS && one_effect.lo > 0.0,
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
                "{} ({groups_two} customers; {} of {} replications with a group; loyalty {})",
                format_estimate(&two_effect),
                two_effect.n,
                results.len(),
                format_estimate(&loyalty_two)
            ),
            estimate: Some(two_effect),
            pass: two_effect.n >= MIN_REPLICATIONS && two_effect.hi < 0.0,
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
