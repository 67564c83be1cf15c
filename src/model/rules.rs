//! The submodels' functional forms, as small pure functions.
//!
//! Each rule is one documented equation of docs/ODD.md ("Submodels"), kept free of agent
//! storage so it can be unit-tested for its direction and bounds. Constants that are not
//! scenario parameters live here, named, with their source or calibration note in the ODD.

/// Prospect-theory value of a disconfirmation `d = q - expectation` (Tversky & Kahneman 1992):
/// `d^alpha` for gains and `-lambda (-d)^alpha` for losses.
#[inline]
pub fn prospect_value(d: f32, alpha: f32, lambda: f32) -> f32 {
    if d >= 0.0 {
        d.powf(alpha)
    } else {
        -lambda * (-d).powf(alpha)
    }
}

/// Half-width of the zone of tolerance (Zeithaml, Berry & Parasuraman 1993): performance within
/// this distance of expectation is neither a gain nor a loss.
pub const TOLERANCE: f32 = 0.05;

/// Value of performance `q` against `expectation`: the disconfirmation beyond the zone of
/// tolerance, valued by prospect theory.
#[inline]
pub fn experienced_value(q: f32, expectation: f32, alpha: f32, lambda: f32) -> f32 {
    let d = q - expectation;
    let beyond = (d.abs() - TOLERANCE).max(0.0);
    prospect_value(beyond.copysign(d), alpha, lambda)
}

/// Recent failures fade by this factor per week (about a half-year memory).
pub const FAILURE_MEMORY_DECAY: f32 = 0.97;
/// A failure met with at least this much failure memory is a repeat failure (double deviation).
pub const REPEAT_FAILURE_MEMORY: f32 = 0.5;

/// Whether a failure met with `failure_memory` (already decayed for the week) is a repeat.
#[inline]
pub fn is_repeat_failure(failure_memory: f32) -> bool {
    failure_memory >= REPEAT_FAILURE_MEMORY
}

/// A disconfirmation valued below this is a clearly negative encounter (a service failure
/// that may be voiced, remembered and resented).
pub const FAILURE_VALUE: f32 = -0.2;

/// Weight of the disconfirmation's value in the satisfaction target (Oliver 1980: satisfaction
/// is the adaptation level plus the disconfirmation).
pub const DISCONFIRMATION_WEIGHT: f32 = 0.5;

/// Target of cumulative satisfaction after an encounter valued `v` against `expectation`.
#[inline]
pub fn satisfaction_target(expectation: f32, v: f32) -> f32 {
    (expectation + DISCONFIRMATION_WEIGHT * v).clamp(0.0, 1.0)
}

/// Moves `x` a fraction `rate` of the way toward `target`.
#[inline(always)]
pub fn toward(x: f32, target: f32, rate: f32) -> f32 {
    x + rate * (target - x)
}

/// Loyalty after one week: it moves toward the convex target `satisfaction^convexity`
/// (Jones & Sasser 1995), falling `loss_aversion` times faster than it rises.
#[inline]
pub fn loyalty_step(
    loyalty: f32,
    satisfaction: f32,
    convexity: f32,
    rate: f32,
    loss_aversion: f32,
) -> f32 {
    let target = satisfaction.max(0.0).powf(convexity);
    let rate = if target >= loyalty {
        rate
    } else {
        rate * loss_aversion
    };
    toward(loyalty, target, rate.min(1.0))
}

/// Coefficients of the engagement rate (log scale, per unit of the state above 0.5).
pub mod engage {
    pub const EMPOWERMENT: f32 = 1.2;
    pub const SELF_EFFICACY: f32 = 1.0;
    pub const EMOTIONAL: f32 = 1.2;
    pub const SOCIAL: f32 = 1.0;
    pub const LOYALTY: f32 = 0.8;
    pub const GRIEVANCE: f32 = 2.5;
    pub const INCENTIVE: f32 = 0.6;
}

/// Weekly engagement rate (expected contributions per week) of a customer: its activity trait
/// scaled up by empowerment, self-efficacy, emotional and social value, loyalty and the firm's
/// incentive, and down by grievance. Functional value has no direct path (Huang & Suo 2021).
#[allow(clippy::too_many_arguments)]
#[inline]
pub fn engagement_rate(
    activity: f32,
    empowerment: f32,
    self_efficacy: f32,
    emotional: f32,
    social: f32,
    loyalty: f32,
    grievance: f32,
    incentive: f32,
) -> f32 {
    let drive = engage::EMPOWERMENT * (empowerment - 0.5)
        + engage::SELF_EFFICACY * (self_efficacy - 0.5)
        + engage::EMOTIONAL * (emotional - 0.5)
        + engage::SOCIAL * (social - 0.5)
        + engage::LOYALTY * (loyalty - 0.5)
        - engage::GRIEVANCE * grievance
        + engage::INCENTIVE * incentive;
    activity * drive.exp()
}

/// Probability of engaging this week at rate `r` (`r / (1 + r)`), and the expected number of
/// contributions given engagement (`1 + r`), so that their product is `r`: heavy users engage
/// every week and contribute several times.
#[inline]
pub fn engagement_chance_and_weight(rate: f32) -> (f32, f32) {
    (rate / (1.0 + rate), 1.0 + rate)
}

/// Chance that a contribution succeeds: self-efficacy, expertise, product quality and employee
/// helpfulness each help (Füller et al. 2009; Zhang et al. 2018 "helpful employees").
#[inline]
pub fn contribution_success(
    self_efficacy: f32,
    expertise: f32,
    quality: f32,
    helpfulness: f32,
) -> f32 {
    (0.05 + 0.3 * self_efficacy + 0.2 * expertise + 0.2 * quality + 0.3 * helpfulness)
        .clamp(0.0, 1.0)
}

/// Employee behaviour in one encounter, from its traits, morale and work pressure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conduct {
    pub helpfulness: f32,
    pub warmth: f32,
    pub rude_chance: f32,
    pub indifferent_chance: f32,
}

/// Work pressure: encounters last week above the employee's capacity, relative to capacity.
#[inline]
pub fn work_pressure(load: f32, capacity: f32) -> f32 {
    (load / capacity - 1.0).max(0.0)
}

/// An employee's conduct: traits scaled by morale and cut by pressure; rudeness and indifference
/// grow with strain (low morale plus pressure; van Jaarsveld et al. 2010, Oliva & Sterman 2001),
/// and responsiveness keeps indifference down.
#[allow(clippy::too_many_arguments)]
#[inline]
pub fn conduct(
    helpfulness: f32,
    empathy: f32,
    politeness: f32,
    responsiveness: f32,
    rudeness: f32,
    indifference: f32,
    morale: f32,
    pressure: f32,
) -> Conduct {
    let capacity = (0.5 + 0.5 * morale) / (1.0 + pressure);
    let strain = (1.0 - morale + pressure).clamp(0.0, 1.5);
    let amplification = 0.4 + 2.0 * strain;
    Conduct {
        helpfulness: helpfulness * capacity,
        warmth: 0.5 * (empathy + politeness) * capacity,
        rude_chance: (rudeness * amplification).clamp(0.0, 1.0),
        indifferent_chance: (indifference
            * amplification
            * (1.6 - 1.2 * responsiveness * capacity))
            .clamp(0.0, 1.0),
    }
}

/// What happened in one encounter, as the customer perceives it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Encounter {
    pub success: bool,
    pub tech_failure: bool,
    pub rude: bool,
    pub indifferent: bool,
    pub heard: bool,
    pub implemented: bool,
    pub recognised: bool,
    pub paid: bool,
    pub delighted: bool,
}

/// Perceived performance q in [0, 1] of an encounter: the product's quality, the contribution's
/// success, the employee's help and warmth, and the firm's engagement practices (the 13 factors
/// of Zhang et al. 2018), minus rudeness, indifference and technology failure.
#[inline]
pub fn performance(e: &Encounter, quality: f32, help: f32, warmth: f32) -> f32 {
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    let q = 0.25
        + 0.3 * quality
        + 0.1 * flag(e.success)
        + 0.1 * help
        + 0.15 * warmth
        + 0.06 * flag(e.heard)
        + 0.06 * flag(e.implemented)
        + 0.06 * flag(e.recognised)
        + 0.04 * flag(e.paid)
        + 0.2 * flag(e.delighted)
        - 0.3 * flag(e.rude)
        - 0.2 * flag(e.indifferent)
        - 0.3 * flag(e.tech_failure);
    q.clamp(0.0, 1.0)
}

/// Over-delivery of a good recovery after a first failure (justice plus compensation): the
/// recovered encounter performs this much above expectation (Maxham & Netemeyer 2002).
pub const RECOVERY_OVERDELIVERY: f32 = 0.2;
/// After a repeat failure (double deviation) even a good recovery stays this far below
/// expectation.
pub const DOUBLE_DEVIATION_SHORTFALL: f32 = 0.3;

/// Performance of an encounter whose failure was recovered: above expectation after a first
/// failure (the recovery paradox), below it after a repeat failure.
#[inline]
pub fn recovered_performance(expectation: f32, repeat_failure: bool) -> f32 {
    if repeat_failure {
        (expectation - DOUBLE_DEVIATION_SHORTFALL).clamp(0.0, 1.0)
    } else {
        (expectation + RECOVERY_OVERDELIVERY).clamp(0.0, 1.0)
    }
}

/// Chance of voicing a complaint after a failure: needs an outlet, more likely when empowered.
#[inline]
pub fn complaint_chance(outlets: f32, empowerment: f32) -> f32 {
    outlets * (0.3 + 0.7 * empowerment)
}

/// How a failure was handled, from the customer's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    /// No complaint was voiced (no outlet, or the customer kept silent).
    Silent,
    /// Complained; nothing happened.
    Ignored,
    /// Complained; a representative answered confrontationally.
    Confronted,
    /// Complained; the firm recovered the failure.
    Recovered,
}

/// Grievance added by a failure of severity in [0, 1], by how it was handled; more for vindictive
/// customers and for previously loyal ones, who feel betrayed (Grégoire et al. 2009).
#[inline]
pub fn grievance_added(
    severity: f32,
    handling: Handling,
    repeat: bool,
    vindictiveness: f32,
    prior_loyalty: f32,
) -> f32 {
    let base = match handling {
        Handling::Silent | Handling::Ignored => 0.35,
        Handling::Confronted => 0.7,
        Handling::Recovered if repeat => 0.12,
        Handling::Recovered => 0.0,
    };
    base * severity * (0.5 + vindictiveness) * (1.0 + 0.5 * prior_loyalty)
}

/// Weekly decay of grievance: at the customer's forgiveness rate, slowed for customers who were
/// loyal when wronged (they hold the grudge longer; Grégoire et al. 2009).
#[inline]
pub fn grievance_decay(grievance: f32, forgiveness: f32, grudge_loyalty: f32) -> f32 {
    grievance * (1.0 - forgiveness * (1.0 - 0.6 * grudge_loyalty))
}

/// Chance of an act of revenge this week once grievance exceeds the threshold.
#[inline]
pub fn revenge_chance(grievance: f32, threshold: f32, vindictiveness: f32) -> f32 {
    if grievance <= threshold {
        0.0
    } else {
        0.5 * vindictiveness * (grievance - threshold) / (1.0 - threshold).max(1e-3)
    }
}

/// Satisfaction at which a customer has nothing to tell.
pub const WOM_NEUTRAL: f32 = 0.5;

/// What a customer has to say about its firm: cumulative satisfaction, soured by grievance and by
/// recent failures (people tell others about bad incidents; Anderson 1998, East et al. 2007).
#[inline]
pub fn wom_affect(satisfaction: f32, grievance: f32, failure_memory: f32) -> f32 {
    (satisfaction - 0.5 * grievance - 0.1 * failure_memory.min(3.0)).clamp(0.0, 1.0)
}

/// Chance of passing on word of mouth this week, U-shaped in the customer's affect and steeper on
/// the dissatisfied side (Anderson 1998); positive when the affect is above [`WOM_NEUTRAL`].
#[inline]
pub fn wom_chance(affect: f32) -> (f32, bool) {
    let gap = affect - WOM_NEUTRAL;
    if gap >= 0.0 {
        ((gap / (1.0 - WOM_NEUTRAL)).powi(2) * 0.8 + 0.1, true)
    } else {
        (0.1 + 0.8 * (-gap / WOM_NEUTRAL).sqrt(), false)
    }
}

/// Weekly churn hazard: falls steeply with loyalty and rises with grievance.
#[inline]
pub fn churn_hazard(
    base: f32,
    loyalty_slope: f32,
    grievance_factor: f32,
    loyalty: f32,
    grievance: f32,
) -> f32 {
    (base * (-loyalty_slope * (loyalty - 0.5)).exp() * (1.0 + grievance_factor * grievance))
        .clamp(0.0, 1.0)
}

/// Reputation target from the week's word of mouth about the firm, negative WOM weighted more.
#[inline]
pub fn reputation_target(positive: f64, negative: f64, negative_weight: f64) -> Option<f64> {
    let total = positive + negative_weight * negative;
    (total > 0.0).then(|| 0.5 + 0.5 * (positive - negative_weight * negative) / total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn losses_loom_larger_than_gains() {
        let gain = prospect_value(0.2, 0.88, 2.25);
        let loss = prospect_value(-0.2, 0.88, 2.25);
        assert!(gain > 0.0 && loss < 0.0);
        assert!((loss.abs() / gain - 2.25).abs() < 1e-5);
        assert_eq!(prospect_value(0.0, 0.88, 2.25), 0.0);
    }

    #[test]
    fn small_disconfirmations_fall_within_the_zone_of_tolerance() {
        assert_eq!(experienced_value(0.62, 0.6, 0.88, 2.25), 0.0);
        assert_eq!(experienced_value(0.58, 0.6, 0.88, 2.25), 0.0);
        assert!(experienced_value(0.8, 0.6, 0.88, 2.25) > 0.0);
        assert!(experienced_value(0.4, 0.6, 0.88, 2.25) < 0.0);
    }

    #[test]
    fn loyalty_is_convex_in_satisfaction_and_falls_faster_than_it_rises() {
        let up = loyalty_step(0.5, 1.0, 2.0, 0.05, 2.25) - 0.5;
        let down = 0.5 - loyalty_step(0.5, 0.0, 2.0, 0.05, 2.25);
        assert!(down > 2.0 * up);
        // Convex target: the step from 0.8 to 1.0 satisfaction is larger than from 0.4 to 0.6.
        let target = |s: f32| s.powf(2.0);
        assert!(target(1.0) - target(0.8) > target(0.6) - target(0.4));
    }

    #[test]
    fn engagement_rises_with_drivers_and_falls_with_grievance() {
        let base = engagement_rate(0.1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.0, 0.0);
        assert!((base - 0.1).abs() < 1e-6);
        assert!(engagement_rate(0.1, 0.9, 0.5, 0.5, 0.5, 0.5, 0.0, 0.0) > base);
        assert!(engagement_rate(0.1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.0, 0.8) > base);
        assert!(engagement_rate(0.1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.0) < base);
        let (chance, weight) = engagement_chance_and_weight(3.0);
        assert!((chance * weight - 3.0).abs() < 1e-6 && chance < 1.0);
    }

    #[test]
    fn strain_makes_employees_ruder_and_less_helpful() {
        let calm = conduct(0.6, 0.6, 0.6, 0.6, 0.1, 0.1, 0.9, 0.0);
        let strained = conduct(0.6, 0.6, 0.6, 0.6, 0.1, 0.1, 0.3, 0.5);
        assert!(strained.rude_chance > calm.rude_chance);
        assert!(strained.indifferent_chance > calm.indifferent_chance);
        assert!(strained.helpfulness < calm.helpfulness);
        let responsive = conduct(0.6, 0.6, 0.6, 1.0, 0.1, 0.1, 0.7, 0.0);
        let unresponsive = conduct(0.6, 0.6, 0.6, 0.0, 0.1, 0.1, 0.7, 0.0);
        assert!(responsive.indifferent_chance < unresponsive.indifferent_chance);
    }

    #[test]
    fn performance_components_have_their_directions() {
        let plain = Encounter::default();
        let q0 = performance(&plain, 0.5, 0.5, 0.5);
        for better in [
            Encounter {
                success: true,
                ..plain
            },
            Encounter {
                heard: true,
                ..plain
            },
            Encounter {
                implemented: true,
                ..plain
            },
            Encounter {
                recognised: true,
                ..plain
            },
            Encounter {
                paid: true,
                ..plain
            },
            Encounter {
                delighted: true,
                ..plain
            },
        ] {
            assert!(performance(&better, 0.5, 0.5, 0.5) > q0, "{better:?}");
        }
        for worse in [
            Encounter {
                rude: true,
                ..plain
            },
            Encounter {
                indifferent: true,
                ..plain
            },
            Encounter {
                tech_failure: true,
                ..plain
            },
        ] {
            assert!(performance(&worse, 0.5, 0.5, 0.5) < q0, "{worse:?}");
        }
        assert!(performance(&plain, 0.5, 0.9, 0.5) > q0);
        assert!(performance(&plain, 0.5, 0.5, 0.9) > q0);
    }

    #[test]
    fn recovery_paradox_after_one_failure_not_after_two() {
        let expectation = 0.6;
        let first = recovered_performance(expectation, false);
        let second = recovered_performance(expectation, true);
        assert!(prospect_value(first - expectation, 0.88, 2.25) > 0.0);
        assert!(prospect_value(second - expectation, 0.88, 2.25) < 0.0);
    }

    #[test]
    fn grievance_depends_on_handling_and_loyalty() {
        let g = |h, repeat, loyalty| grievance_added(0.5, h, repeat, 0.5, loyalty);
        assert_eq!(g(Handling::Recovered, false, 0.5), 0.0);
        assert!(g(Handling::Recovered, true, 0.5) > 0.0);
        assert!(g(Handling::Confronted, false, 0.5) > g(Handling::Ignored, false, 0.5));
        assert!(g(Handling::Silent, false, 0.9) > g(Handling::Silent, false, 0.1));
        assert!(grievance_decay(0.5, 0.1, 0.9) > grievance_decay(0.5, 0.1, 0.1));
    }

    #[test]
    fn word_of_mouth_is_u_shaped_and_steeper_when_dissatisfied() {
        let (neutral, _) = wom_chance(0.5);
        let (happy, positive) = wom_chance(0.9);
        let (angry, negative) = wom_chance(0.1);
        assert!(positive && !negative);
        assert!(happy > neutral && angry > neutral);
        assert!(angry > happy);
        for s in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let (p, _) = wom_chance(s);
            assert!((0.0..=1.0).contains(&p));
        }
    }

    #[test]
    fn grievance_and_failures_sour_word_of_mouth() {
        assert!(wom_affect(0.7, 0.4, 0.0) < wom_affect(0.7, 0.0, 0.0));
        assert!(wom_affect(0.7, 0.0, 1.0) < wom_affect(0.7, 0.0, 0.0));
        assert_eq!(wom_affect(0.1, 1.0, 3.0), 0.0);
    }

    #[test]
    fn churn_falls_with_loyalty_and_rises_with_grievance() {
        let h = |l, g| churn_hazard(0.004, 3.0, 3.0, l, g);
        assert!(h(0.9, 0.0) < h(0.5, 0.0));
        assert!(h(0.5, 0.5) > h(0.5, 0.0));
        assert!((h(0.5, 0.0) - 0.004).abs() < 1e-7);
    }

    #[test]
    fn reputation_follows_weighted_wom() {
        assert_eq!(reputation_target(0.0, 0.0, 2.0), None);
        assert!(reputation_target(3.0, 1.0, 2.0).unwrap() > 0.5);
        assert!(reputation_target(1.0, 1.0, 2.0).unwrap() < 0.5);
    }
}
