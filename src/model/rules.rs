//! The submodels' functional forms, as small pure functions.
//!
//! Each rule is one documented equation of docs/ODD.md ("Submodels"), kept free of agent
//! storage so it can be unit-tested for its direction and bounds. Every constant of the model
//! that is not a scenario parameter lives here, named, with its source or calibration note in
//! the ODD (the section is given with each group).

use super::agents::Employee;

/// Experience values (Huang & Suo 2021; docs/ODD.md 7.4, 7.12, 7.15, 7.18): what each kind of
/// experience teaches, and how fast.
pub mod experience {
    /// Learning rates of functional, emotional and social value from one week of product
    /// engagement: the product teaches usefulness and enjoyment, and membership a little.
    pub const PRODUCT_FUNCTIONAL_RATE: f32 = 0.08;
    pub const PRODUCT_EMOTIONAL_RATE: f32 = 0.03;
    pub const PRODUCT_SOCIAL_RATE: f32 = 0.02;
    /// Functional value a week of product engagement teaches: `FUNCTIONAL_BASE +
    /// FUNCTIONAL_QUALITY · quality + FUNCTIONAL_EXPERTISE · (expertise − 0.5)`: a skilled user
    /// gets more out of the same product.
    pub const FUNCTIONAL_BASE: f32 = 0.25;
    pub const FUNCTIONAL_QUALITY: f32 = 0.75;
    pub const FUNCTIONAL_EXPERTISE: f32 = 1.5;
    /// Emotional value of a week of product engagement: `EMOTIONAL_BASE + EMOTIONAL_QUALITY ·
    /// quality + 0.5 · value of the week's use`.
    pub const EMOTIONAL_BASE: f32 = 0.55;
    pub const EMOTIONAL_QUALITY: f32 = 0.5;
    /// Social value of following the product in a community (a member among members).
    pub const PRODUCT_SOCIAL: f32 = 0.75;
    /// Learning rate of functional value from a support question, and how far emotional value
    /// moves per unit of how it felt ([`super::encounter_emotional`]).
    pub const SUPPORT_FUNCTIONAL_RATE: f32 = 0.1;
    pub const SUPPORT_EMOTIONAL_RATE: f32 = 0.1;
    /// Learning rates of emotional and social value from one peer conversation: talk is
    /// mostly social.
    pub const PEER_EMOTIONAL_RATE: f32 = 0.075;
    pub const PEER_SOCIAL_RATE: f32 = 0.12;
    /// Emotional and social value a pleasant conversation teaches, and a toxic one (negative
    /// word of mouth or revenge heard).
    pub const PLEASANT_EMOTIONAL: f32 = 0.85;
    pub const PLEASANT_SOCIAL: f32 = 0.9;
    pub const TOXIC_EMOTIONAL: f32 = 0.1;
    pub const TOXIC_SOCIAL: f32 = 0.15;
    /// Weekly drift of experience values toward their neutral level (forgetting).
    pub const DRIFT: f32 = 0.03;
    pub const NEUTRAL: f32 = 0.4;
}

/// Empowerment (Füller et al. 2009; docs/ODD.md 7.14).
pub mod empower {
    /// Being heard moves empowerment this far toward 1.
    pub const HEARD: f32 = 0.08;
    /// Weekly decay of empowerment toward its resting level when the customer is not heard.
    pub const DECAY: f32 = 0.02;
    /// Being heard also moves self-efficacy toward 1 at this rate times empowerment.
    pub const TO_EFFICACY: f32 = 0.03;
}

/// Verbal persuasion (Bandura 1977): in a contribution, the employee's warmth above 0.5
/// encourages and below it discourages, and the firm's recognition of the contribution is
/// praise; self-efficacy moves by this rate times (warmth − 0.5 + [recognised]).
pub const PERSUASION: f32 = 0.05;

/// Word of mouth heard (docs/ODD.md 7.18): loyalty and expectation shift from one WOM.
pub const WOM_LOYALTY: f32 = 0.02;
pub const WOM_EXPECTATION: f32 = 0.02;
/// Negative WOM moves loyalty this many times as far as positive WOM (Goldenberg et al. 2007).
/// Kept apart from `behaviour.negative_wom_weight`, which weighs WOM in reputation.
pub const WOM_LOYALTY_NEGATIVE: f32 = 2.0;

/// Weight of one week of product use in cumulative satisfaction (docs/ODD.md 7.13).
pub const USE_RATE: f32 = 0.03;
/// Chance that a customer holding a grievance is uncivil to the employee, per unit grievance.
pub const CUSTOMER_INCIVILITY: f32 = 0.5;
/// Revenge (docs/ODD.md 7.16): grievance released by one act, co-destroyed value of one act
/// plus this much per neighbour reached.
pub const REVENGE_RELIEF: f32 = 0.1;
pub const REVENGE_DAMAGE: f64 = 1.0;
pub const REVENGE_DAMAGE_PER_NEIGHBOUR: f64 = 0.1;
/// Extra performance drop of a confrontational answer to a complaint (docs/ODD.md 7.9).
pub const CONFRONTATION_DROP: f32 = 0.15;
/// Co-created value of a successful contribution, on top of its experienced value (7.11).
pub const CONTRIBUTION_VALUE: f32 = 0.3;

/// Employee morale (van Jaarsveld et al. 2010; Oliva & Sterman 2001; docs/ODD.md 7.22).
pub mod morale {
    pub const RATE: f32 = 0.1;
    pub const PLEASANT: f32 = 0.3;
    pub const HOSTILE: f32 = 0.8;
    pub const PRESSURE: f32 = 0.5;
    /// Direct morale hit of one confrontation by a revenge-taking customer.
    pub const PER_CONFRONTATION: f32 = 0.03;
    pub const BURNOUT: f32 = 0.15;
    pub const BURNOUT_QUIT: f32 = 0.1;
    /// Weekly trait gain toward the ceiling at training level 1.
    pub const TRAINING_GAIN: f32 = 0.01;
    /// Weekly chance that an employee leaves for reasons of its own (careers, moves), and is
    /// replaced by a new hire: 0.0055 a week is 25% a year, the low end of the annual turnover
    /// of service staff (25% to over 50% in US call centres; Holman, Batt & Holtgrewe 2007).
    /// Without it, training would raise every trait toward 1 for ever and staff would have no
    /// steady state (docs/ODD.md 7.22, section 5).
    pub const TURNOVER: f32 = 0.0055;
}

/// An employee's tenure drawn from the steady state of weekly turnover `quit` (geometric:
/// weeks survived), from a uniform `u` in [0, 1).
#[inline]
pub fn stationary_tenure(u: f32, quit: f32) -> u32 {
    let weeks = (1.0 - f64::from(u)).ln() / (1.0 - f64::from(quit)).ln();
    weeks.floor().min(f64::from(u32::MAX / 2)) as u32
}

/// A trained trait after `weeks` of training at weekly gain `gain`, from its value at hire:
/// `toward(trait, 1, gain)` applied `weeks` times.
#[inline]
pub fn trained(trait_at_hire: f32, gain: f32, weeks: u32) -> f32 {
    let left = (1.0 - f64::from(gain)).powf(f64::from(weeks));
    (1.0 - (1.0 - f64::from(trait_at_hire)) * left) as f32
}

/// Firms (docs/ODD.md 7.23): quality gain per implemented idea per 1000 active customers, slow
/// decay to a floor; reputation moves this far toward the week's WOM balance.
pub mod firm {
    pub const QUALITY_GAIN: f64 = 0.0015;
    pub const QUALITY_DECAY: f64 = 0.005;
    pub const QUALITY_FLOOR: f64 = 0.2;
    pub const REPUTATION_RATE: f64 = 0.05;
}

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
    prospect_value(beyond_tolerance(q - expectation), alpha, lambda)
}

/// The part of a disconfirmation `d` beyond the zone of tolerance, with its sign (±0 inside).
#[inline(always)]
pub fn beyond_tolerance(d: f32) -> f32 {
    (d.abs() - TOLERANCE).max(0.0).copysign(d)
}

/// Whether a disconfirmation `d` lies inside the zone of tolerance (its value is then zero).
#[inline(always)]
pub fn within_tolerance(d: f32) -> bool {
    d.abs() <= TOLERANCE
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

/// Loyalty falls this many times faster than it rises (Mittal, Ross & Baldasare 1998: negative
/// performance moves attitudes about twice as much as positive). Its value is that of the
/// default loss aversion, but it is its own constant: `behaviour.loss_aversion` values single
/// encounters only.
pub const LOYALTY_FALL: f32 = 2.25;

/// Loyalty after one week: it moves toward the convex target `satisfaction^convexity`
/// (Jones & Sasser 1995), falling [`LOYALTY_FALL`] times faster than it rises. At the default
/// convexity 2 the target is the exact square.
#[inline]
pub fn loyalty_step(loyalty: f32, satisfaction: f32, convexity: f32, rate: f32) -> f32 {
    let base = satisfaction.max(0.0);
    let target = if convexity == 2.0 {
        base * base
    } else {
        base.powf(convexity)
    };
    let rate = if target >= loyalty {
        rate
    } else {
        rate * LOYALTY_FALL
    };
    toward(loyalty, target, rate.min(1.0))
}

/// Coefficients of the participation (engagement) rate (log scale, per unit of the state
/// above its reference). Calibration note in docs/ODD.md 7.4.
pub mod engage {
    pub const EMPOWERMENT: f32 = 1.2;
    pub const SELF_EFFICACY: f32 = 1.0;
    pub const EMOTIONAL: f32 = 15.0;
    pub const SOCIAL: f32 = 10.0;
    pub const GRIEVANCE: f32 = 2.5;
    pub const INCENTIVE: f32 = 0.6;
    /// Reference level of emotional and social value (their typical level in the baseline).
    pub const VALUE_REFERENCE: f32 = 0.62;
}

/// What drives a customer's weekly participation in value co-creation (PVC).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EngagementDrivers {
    /// The contribution trait (`activity`): expected contributions per week at reference levels.
    pub activity: f32,
    pub empowerment: f32,
    pub self_efficacy: f32,
    pub emotional: f32,
    pub social: f32,
    pub grievance: f32,
    /// The firm's incentive policy.
    pub incentive: f32,
}

/// Weekly participation rate (expected contributions per week) of a customer: its activity trait
/// scaled up by empowerment, self-efficacy, emotional and social value and the firm's incentive,
/// and down by grievance. Functional value has no path, and neither has any driver of product
/// engagement (Huang & Suo 2021; Füller et al. 2009; Zhang et al. 2018).
#[inline]
pub fn engagement_rate(d: &EngagementDrivers) -> f32 {
    d.activity * engagement_drive(d).exp()
}

/// The log-scale drive of [`engagement_rate`]: its exponent.
#[inline(always)]
pub fn engagement_drive(d: &EngagementDrivers) -> f32 {
    engage::EMPOWERMENT * (d.empowerment - 0.5)
        + engage::SELF_EFFICACY * (d.self_efficacy - 0.5)
        + engage::EMOTIONAL * (d.emotional - engage::VALUE_REFERENCE)
        + engage::SOCIAL * (d.social - engage::VALUE_REFERENCE)
        - engage::GRIEVANCE * d.grievance
        + engage::INCENTIVE * d.incentive
}

/// Probability of engaging this week at rate `r` (`r / (1 + r)`), and the expected number of
/// contributions given engagement (`1 + r`), so that their product is `r`: heavy users engage
/// every week and contribute several times.
#[inline]
pub fn engagement_chance_and_weight(rate: f32) -> (f32, f32) {
    (rate / (1.0 + rate), 1.0 + rate)
}

/// Product engagement (PE): the weekly chance of using and following the product beyond plain
/// consumption (reading news and reviews, trying features, asking product questions). Driven by
/// the customer's product involvement and the product's quality (Vivek et al. 2014; Huang &
/// Suo 2021). Calibration note in docs/ODD.md 7.4.
pub mod product {
    /// Weight of quality in the chance: `involvement · (QUALITY_BASE + quality)`.
    pub const QUALITY_BASE: f32 = 0.5;
    /// Chance that a week of product engagement brings a support question to an employee.
    pub const SUPPORT_CHANCE: f32 = 0.05;
}

/// Chance of a week of product engagement.
#[inline]
pub fn product_engagement_chance(involvement: f32, quality: f32) -> f32 {
    (involvement * (product::QUALITY_BASE + quality)).clamp(0.0, 1.0)
}

/// Chance that a support question is answered: the customer's expertise, the product's quality
/// and the employee's help (Zhang et al. 2018, "helpful employees").
#[inline]
pub fn support_success(expertise: f32, quality: f32, helpfulness: f32) -> f32 {
    (0.1 + 0.2 * expertise + 0.3 * quality + 0.4 * helpfulness).clamp(0.0, 1.0)
}

/// What a week of product engagement teaches, as (functional, emotional, social) targets: the
/// product's usefulness to this user, the enjoyment of using it (with the value of this week's
/// use against expectation, `use_value`) and membership of the community around it (Huang &
/// Suo 2021; Sweeney & Soutar 2001).
#[inline]
pub fn product_targets(quality: f32, use_value: f32, user: &ProductUser) -> (f32, f32, f32) {
    use experience::*;
    let functional = FUNCTIONAL_BASE
        + FUNCTIONAL_QUALITY * quality
        + FUNCTIONAL_EXPERTISE * (user.expertise - 0.5);
    let emotional = EMOTIONAL_BASE + EMOTIONAL_QUALITY * quality + 0.5 * use_value;
    (
        functional.clamp(0.0, 1.0),
        emotional.clamp(0.0, 1.0),
        PRODUCT_SOCIAL,
    )
}

/// What a product user brings to a week of product engagement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProductUser {
    pub expertise: f32,
}

/// Functional value an answered (or unanswered) support question teaches.
#[inline]
pub fn support_functional(quality: f32, success: bool, help: f32, tech_failure: bool) -> f32 {
    (0.4 * quality + 0.3 * flag(success) + 0.3 * help - 0.3 * flag(tech_failure)).clamp(0.0, 1.0)
}

/// How an encounter with an employee felt: its value v against expectation (the employee's
/// warmth, rudeness and indifference enter through the perceived performance). Emotional value
/// moves by this, times the learning rate, after every encounter: a pleasant surprise raises it,
/// a failure lowers it, and an encounter as expected leaves it alone.
#[inline]
pub fn encounter_emotional(v: f32) -> f32 {
    0.5 * v
}

/// `a` if `cond`, else `b`, marked unpredictable so that the compiler keeps it a conditional
/// move rather than a branch: for choices that depend on a random draw or on one customer's
/// state, which a branch predictor cannot learn (about one mispredicted branch per
/// customer-week was spent on such choices; docs/PERFORMANCE.md).
#[inline(always)]
pub fn select(cond: bool, a: f32, b: f32) -> f32 {
    std::hint::select_unpredictable(cond, a, b)
}

/// 1 for true, 0 for false (the `[b]` of docs/ODD.md).
#[inline(always)]
pub fn flag(b: bool) -> f32 {
    if b { 1.0 } else { 0.0 }
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
#[inline]
pub fn conduct(e: &Employee, pressure: f32) -> Conduct {
    let capacity = (0.5 + 0.5 * e.morale) / (1.0 + pressure);
    let strain = (1.0 - e.morale + pressure).clamp(0.0, 1.5);
    let amplification = 0.4 + 2.0 * strain;
    Conduct {
        helpfulness: e.helpfulness * capacity,
        warmth: 0.5 * (e.empathy + e.politeness) * capacity,
        rude_chance: (e.rudeness * amplification).clamp(0.0, 1.0),
        indifferent_chance: (e.indifference
            * amplification
            * (1.6 - 1.2 * e.responsiveness * capacity))
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
    let q = 0.25
        + 0.3 * quality
        + 0.1 * flag(e.success)
        + 0.1 * help
        + 0.15 * warmth
        + 0.06 * flag(e.heard)
        + 0.06 * flag(e.implemented)
        + 0.12 * flag(e.recognised)
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
    // Both sides are computed and one is selected (the side is a coin flip across customers).
    let positive = gap >= 0.0;
    let pleased = (gap / (1.0 - WOM_NEUTRAL)).powi(2) * 0.8 + 0.1;
    let displeased = 0.1 + 0.8 * (-gap / WOM_NEUTRAL).max(0.0).sqrt();
    (select(positive, pleased, displeased), positive)
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

/// An upper bound of [`churn_hazard`] for every loyalty in [0, 1] and grievance at most 1: the
/// hazard's operations in the same order, at loyalty 0 (the largest exponent, `slope / 2`) and
/// grievance 1, with `exp` raised by 2⁻¹² to cover `expf`'s rounding. Rounding to nearest is
/// monotone, so no customer's hazard exceeds it; a churn draw at or above it is settled
/// without `exp` (the week's churn step), with the same outcome.
#[inline]
pub fn churn_hazard_ceiling(base: f32, loyalty_slope: f32, grievance_factor: f32) -> f32 {
    let largest_exp = (0.5 * loyalty_slope).exp() * (1.0 + 1.0 / 4096.0);
    (base * largest_exp * (1.0 + grievance_factor)).clamp(0.0, 1.0)
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
        let up = loyalty_step(0.5, 1.0, 2.0, 0.05) - 0.5;
        let down = 0.5 - loyalty_step(0.5, 0.0, 2.0, 0.05);
        assert!(down > 2.0 * up);
        // The target is satisfaction squared at convexity 2 (loyalty there does not move) and
        // satisfaction^convexity otherwise: convex, so the step from 0.8 to 1.0 satisfaction
        // is larger than from 0.4 to 0.6.
        for s in [0.3f32, 0.6, 0.9] {
            assert_eq!(loyalty_step(s * s, s, 2.0, 0.05), s * s);
            let cubed = f64::from(s).powi(3) as f32;
            assert!((loyalty_step(cubed, s, 3.0, 0.05) - cubed).abs() < 1e-7);
        }
        let target = |s: f32| loyalty_step(0.0, s, 2.0, 1.0);
        assert!(target(1.0) - target(0.8) > target(0.6) - target(0.4));
    }

    #[test]
    fn engagement_rises_with_drivers_and_falls_with_grievance() {
        let reference = EngagementDrivers {
            activity: 0.1,
            empowerment: 0.5,
            self_efficacy: 0.5,
            emotional: engage::VALUE_REFERENCE,
            social: engage::VALUE_REFERENCE,
            grievance: 0.0,
            incentive: 0.0,
        };
        let base = engagement_rate(&reference);
        assert!((base - 0.1).abs() < 1e-6);
        for better in [
            EngagementDrivers {
                empowerment: 0.9,
                ..reference
            },
            EngagementDrivers {
                self_efficacy: 0.9,
                ..reference
            },
            EngagementDrivers {
                emotional: 0.9,
                ..reference
            },
            EngagementDrivers {
                social: 0.9,
                ..reference
            },
            EngagementDrivers {
                incentive: 0.8,
                ..reference
            },
        ] {
            assert!(engagement_rate(&better) > base, "{better:?}");
        }
        let aggrieved = EngagementDrivers {
            grievance: 0.5,
            ..reference
        };
        assert!(engagement_rate(&aggrieved) < base);
        let (chance, weight) = engagement_chance_and_weight(3.0);
        assert!((chance * weight - 3.0).abs() < 1e-6 && chance < 1.0);
    }

    #[test]
    fn product_engagement_follows_involvement_and_quality() {
        let base = product_engagement_chance(0.3, 0.5);
        assert!((base - 0.3).abs() < 1e-6);
        assert!(product_engagement_chance(0.6, 0.5) > base);
        assert!(product_engagement_chance(0.3, 0.9) > base);
        assert_eq!(product_engagement_chance(2.0, 1.0), 1.0);
        assert!(support_success(0.5, 0.5, 0.9) > support_success(0.5, 0.5, 0.1));
    }

    #[test]
    fn experiences_teach_in_their_direction() {
        let user = ProductUser { expertise: 0.5 };
        let (fv, ev, sv) = product_targets(0.8, 0.0, &user);
        let (fv_low, ev_low, _) = product_targets(0.2, 0.0, &user);
        assert!(fv > fv_low && ev > ev_low);
        let expert = ProductUser { expertise: 0.9 };
        let (fv_expert, _, _) = product_targets(0.5, 0.0, &expert);
        let (fv_plain, _, _) = product_targets(0.5, 0.0, &user);
        assert!(fv_expert > fv_plain);
        for target in [fv, ev, sv] {
            assert!(target > experience::NEUTRAL);
        }
        const {
            assert!(experience::PLEASANT_EMOTIONAL > experience::NEUTRAL);
            assert!(experience::TOXIC_EMOTIONAL < experience::NEUTRAL);
            assert!(experience::PLEASANT_SOCIAL > experience::NEUTRAL);
            assert!(experience::TOXIC_SOCIAL < experience::NEUTRAL);
        }
        assert!(encounter_emotional(0.3) > 0.0 && encounter_emotional(-0.5) < 0.0);
        assert_eq!(encounter_emotional(0.0), 0.0);
        assert!(
            support_functional(0.5, true, 0.8, false) > support_functional(0.5, false, 0.2, true)
        );
    }

    fn employee(morale: f32, responsiveness: f32) -> Employee {
        Employee {
            helpfulness: 0.6,
            empathy: 0.6,
            politeness: 0.6,
            responsiveness,
            rudeness: 0.1,
            indifference: 0.1,
            morale,
            load: 0.0,
            tenure: 0,
            firm: 0,
        }
    }

    #[test]
    fn strain_makes_employees_ruder_and_less_helpful() {
        let calm = conduct(&employee(0.9, 0.6), 0.0);
        let strained = conduct(&employee(0.3, 0.6), 0.5);
        assert!(strained.rude_chance > calm.rude_chance);
        assert!(strained.indifferent_chance > calm.indifferent_chance);
        assert!(strained.helpfulness < calm.helpfulness);
        let responsive = conduct(&employee(0.7, 1.0), 0.0);
        let unresponsive = conduct(&employee(0.7, 0.0), 0.0);
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
    fn staff_start_in_the_steady_state_of_turnover_and_training() {
        // Tenure is geometric: P(k) = quit (1 - quit)^k, mean (1 - quit) / quit.
        let quit = morale::TURNOVER;
        let n = 100_000;
        let mean = (0..n)
            .map(|i| f64::from(stationary_tenure((i as f32 + 0.5) / n as f32, quit)))
            .sum::<f64>()
            / f64::from(n);
        let expected = f64::from((1.0 - quit) / quit);
        assert!(
            (mean - expected).abs() < 0.01 * expected,
            "{mean} vs {expected}"
        );
        assert_eq!(stationary_tenure(0.0, quit), 0);
        // Training for k weeks is the weekly step applied k times.
        let mut value = 0.6;
        for _ in 0..150 {
            value = toward(value, 1.0, 0.003);
        }
        assert!((trained(0.6, 0.003, 150) - value).abs() < 1e-4);
        assert_eq!(trained(0.6, 0.003, 0), 0.6);
        assert_eq!(trained(0.6, 0.0, 500), 0.6);
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
    fn select_keeps_exactly_one_value_bit_for_bit() {
        for (a, b) in [(0.25, -1.0), (-0.0, 0.0), (f32::MIN_POSITIVE, f32::MAX)] {
            assert_eq!(select(true, a, b).to_bits(), f32::to_bits(a));
            assert_eq!(select(false, a, b).to_bits(), f32::to_bits(b));
        }
    }

    #[test]
    fn branch_free_word_of_mouth_chance_is_the_piecewise_formula() {
        // The formula as docs/ODD.md 7.17 states it, side by side.
        let piecewise = |affect: f32| {
            let gap = affect - WOM_NEUTRAL;
            if gap >= 0.0 {
                ((gap / (1.0 - WOM_NEUTRAL)).powi(2) * 0.8 + 0.1, true)
            } else {
                (0.1 + 0.8 * (-gap / WOM_NEUTRAL).sqrt(), false)
            }
        };
        for i in 0..=100_000 {
            let affect = i as f32 / 100_000.0;
            let (p, positive) = wom_chance(affect);
            let (q, expected) = piecewise(affect);
            assert_eq!(
                (p.to_bits(), positive),
                (q.to_bits(), expected),
                "affect {affect}"
            );
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
    fn no_hazard_exceeds_the_weeks_ceiling() {
        let mut rng = crate::model::rng::stream(4, crate::model::rng::Purpose::Design, 0, 0);
        for (base, slope, factor) in [(0.004, 3.0, 3.0), (0.02, 0.0, 0.0), (0.001, 20.0, 50.0)] {
            let ceiling = churn_hazard_ceiling(base, slope, factor);
            let mut highest = 0.0f32;
            for i in 0..200_000 {
                let (loyalty, grievance) = match i {
                    0 => (0.0, 1.0),
                    1 => (f32::from_bits(1), 1.0),
                    _ => (
                        crate::model::rng::unit(&mut rng),
                        crate::model::rng::unit(&mut rng),
                    ),
                };
                let hazard = churn_hazard(base, slope, factor, loyalty, grievance);
                assert!(
                    hazard <= ceiling,
                    "{hazard} > {ceiling} at {loyalty}, {grievance}"
                );
                highest = highest.max(hazard);
            }
            // Close to the largest hazard: most draws are settled by it.
            assert!(
                ceiling <= (highest * 1.001).min(1.0),
                "{ceiling} vs {highest}"
            );
        }
    }

    #[test]
    fn reputation_follows_weighted_wom() {
        assert_eq!(reputation_target(0.0, 0.0, 2.0), None);
        assert!(reputation_target(3.0, 1.0, 2.0).unwrap() > 0.5);
        assert!(reputation_target(1.0, 1.0, 2.0).unwrap() < 0.5);
    }
}
