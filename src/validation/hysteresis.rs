//! Pattern 7, hysteresis (Oliva & Sterman 2001; model spec, design concepts): a policy ramped
//! down past a tipping point and back up does not return the firm to the same state within the
//! same time.
//!
//! `scenarios/hysteresis.toml` ramps platform reliability from 0.95 down to 0.5 over two years,
//! holds it for one, ramps it back to 0.95 over two and holds it for two more. The same
//! scenario without its events is the control: the same replication seeds, so every
//! replication is paired with its own undisturbed history (common random numbers). The state
//! is the number of active customers as a share of the slots. The pattern holds if, over the
//! last year (when reliability has been back at 0.95 for at least as long as it was held low),
//! the paired difference treated − control has a 95% interval below zero. The loop chart plots
//! the state against the reliability in effect each week, on the way down and on the way up.

use super::{
    Batch, Embedded, HysteresisLoop, PatternResult, Settings, ValidationError, format_estimate,
};
use crate::experiment::stats::Estimate;
use crate::experiment::{self, Keep, Progress, Replication};

/// `scenarios/hysteresis.toml`.
pub const HYSTERESIS: Embedded = Embedded {
    path: "scenarios/hysteresis.toml",
    text: include_str!("../../scenarios/hysteresis.toml"),
};

/// The ramped policy (firm 0).
const POLICY: &str = "firms.0.policy.tech_reliability";
/// The policy's value before and after the ramps (as in the scenario file).
const START: f64 = 0.95;
/// Weeks at the end over which the returned state is measured.
const FINAL_WEEKS: u32 = 52;

/// Replications and population: quick mode uses fewer of both.
fn overrides(settings: &Settings) -> Vec<String> {
    settings.sample_size(8, 20)
}

/// The ramped scenario and its control as batches.
pub fn batches(settings: &Settings) -> Vec<Batch> {
    [false, true]
        .into_iter()
        .map(|control| {
            let mut sets = overrides(settings);
            if control {
                // The same events, ramping to where the policy already is: no change, and the
                // scenario (with its sweep design naming the ramp) stays valid.
                sets.push(format!("events.0.ramp.{POLICY}={START}"));
            }
            Batch::new(HYSTERESIS, &sets)
        })
        .collect()
}

/// Every replication's share of slots active, tick by tick (firm 0).
fn active_shares(replications: &[Replication], slots: f64) -> Vec<Vec<f64>> {
    replications
        .iter()
        .map(|r| {
            r.firm_series(0)
                .iter()
                .map(|t| f64::from(t.active_customers) / slots)
                .collect()
        })
        .collect()
}

/// The share at `tick` across replications.
fn share_at(shares: &[Vec<f64>], tick: u32) -> Estimate {
    Estimate::of(shares.iter().map(|s| s[tick as usize]))
}

/// Each replication's mean share over ticks `from..=to`.
fn mean_share(shares: &[Vec<f64>], from: u32, to: u32) -> Vec<f64> {
    let window = from as usize..=to as usize;
    shares
        .iter()
        .map(|s| s[window.clone()].iter().sum::<f64>() / f64::from(to - from + 1))
        .collect()
}

/// Runs the treated and control scenarios; returns the pattern's result and the loop.
pub fn run(
    settings: &Settings,
    progress: &dyn Progress,
) -> Result<(PatternResult, HysteresisLoop), ValidationError> {
    let runs = batches(settings);
    let (treated, control) = (runs[0].load()?, runs[1].load()?);
    let slots = f64::from(treated.model().population.capacity);
    let ticks = treated.ticks();
    let keep = Keep { customers: false };
    let with_ramp = active_shares(&experiment::run(&treated, keep, progress), slots);
    let without = active_shares(&experiment::run(&control, keep, progress), slots);

    // The loop: every week of a ramp, with the policy value in effect that week.
    let schedule = treated.schedule();
    let policy_at = |t: u32| schedule.at(t).firms[0].policy.tech_reliability;
    let (mut down, mut up) = (Vec::new(), Vec::new());
    for t in 1..=ticks {
        let (now, before) = (policy_at(t), policy_at(t - 1));
        let point = (now, share_at(&with_ramp, t));
        if now < before {
            down.push(point);
        } else if now > before {
            up.push(point);
        }
    }
    // Anchor both paths at the policy's starting value: the state just before the ramp down,
    // and the state when the ramp back up ends.
    let start = policy_at(0);
    if !down.is_empty() {
        let before_ramp = schedule
            .changes()
            .first()
            .map_or(0, |change| change.tick.saturating_sub(1));
        down.insert(0, (start, share_at(&with_ramp, before_ramp)));
    }

    let from = ticks.saturating_sub(FINAL_WEEKS - 1).max(1);
    let treated_end = mean_share(&with_ramp, from, ticks);
    let control_end = mean_share(&without, from, ticks);
    let difference = Estimate::of(treated_end.iter().zip(&control_end).map(|(a, b)| a - b));
    let pass = difference.hi < 0.0;
    let result = PatternResult {
        number: 7,
        name: "Hysteresis: reliability ramped down past the tipping point and back up".to_owned(),
        source: "Oliva & Sterman (2001); model spec, design concepts".to_owned(),
        expected: format!(
            "active customers (share of slots) in the last {FINAL_WEEKS} weeks, with the policy \
             back at {start} for over a year, below the same replications without the ramp: \
             paired difference, 95% interval below 0"
        ),
        observed: format!(
            "{} (with ramp {:.3}, without {:.3})",
            format_estimate(&difference),
            Estimate::of(treated_end).mean,
            Estimate::of(control_end).mean
        ),
        estimate: Some(difference),
        pass,
    };
    let hysteresis = HysteresisLoop {
        policy: POLICY.to_owned(),
        policy_label: "platform reliability (tech_reliability)".to_owned(),
        state_label: "active customers (share of slots)".to_owned(),
        down,
        up,
    };
    Ok((result, hysteresis))
}
