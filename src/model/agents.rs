//! Agent records and their births.
//!
//! A customer is split in two: a [`Customer`] record that only its own update reads and writes
//! (updated in place), and a small [`Public`] record, double-buffered, holding what neighbours
//! may read. Reading neighbours only from last week's `Public` buffer makes the update
//! synchronous, so the order in which customers are processed cannot change results, and keeps
//! the per-slot memory small (one private record plus two 16-byte public ones).

use rand_distr::{Beta, Distribution, LogNormal};

use super::config::{Customers as CustomerDists, Dist, Staff};
use super::rng::{Stream, seeded_stream};
use super::rules;

/// Firm index of a vacant slot.
pub const VACANT: u8 = u8::MAX;

/// Weight of one week in the recent-window counters (an exponential window of about 12 weeks).
pub const WINDOW_RATE: f32 = 1.0 / 12.0;

/// A recent-window count one week later, before this week's events are added (ODD step a).
#[inline]
pub fn window_decay(count: f32) -> f32 {
    count * (1.0 - WINDOW_RATE)
}

/// A customer slot's private state. All psychological states lie in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub struct Customer {
    // Traits, drawn at birth.
    pub expertise: f32,
    pub sociability: f32,
    /// Contribution trait: expected contributions per week at reference levels (PVC, 7.4).
    pub activity: f32,
    /// Product involvement: drives product engagement (PE, 7.4), not participation.
    pub involvement: f32,
    pub vindictiveness: f32,
    pub forgiveness: f32,
    /// Resting level of empowerment, toward which it decays when the customer is ignored.
    pub base_empowerment: f32,
    // State.
    pub empowerment: f32,
    pub self_efficacy: f32,
    pub expectation: f32,
    pub satisfaction: f32,
    pub loyalty: f32,
    pub functional: f32,
    pub emotional: f32,
    pub social: f32,
    /// Desire for revenge.
    pub grievance: f32,
    /// Loyalty at the time of the last grievance (loyal customers hold grudges longer).
    pub grudge_loyalty: f32,
    /// Recent failures: +1 per failure, decaying; at or above 0.5 a new failure is a repeat.
    pub failure_memory: f32,
    // Recent-window intensities (exponentially weighted per-week counts).
    /// Weeks of product engagement (PE).
    pub recent_product: f32,
    /// Service encounters with employees (support questions and contributions).
    pub recent_encounters: f32,
    pub recent_contributions: f32,
    pub recent_successes: f32,
    pub recent_peer: f32,
    pub recent_wom_positive: f32,
    pub recent_wom_negative: f32,
    pub recent_complaints: f32,
    /// Contributions since this customer was acquired.
    pub contributions: f32,
    /// Weeks since this customer was acquired.
    pub tenure: u32,
    /// Index of the customer's firm, or [`VACANT`].
    pub firm: u8,
}

impl Customer {
    pub const EMPTY: Customer = Customer {
        expertise: 0.0,
        sociability: 0.0,
        activity: 0.0,
        involvement: 0.0,
        vindictiveness: 0.0,
        forgiveness: 0.0,
        base_empowerment: 0.0,
        empowerment: 0.0,
        self_efficacy: 0.0,
        expectation: 0.0,
        satisfaction: 0.0,
        loyalty: 0.0,
        functional: 0.0,
        emotional: 0.0,
        social: 0.0,
        grievance: 0.0,
        grudge_loyalty: 0.0,
        failure_memory: 0.0,
        recent_product: 0.0,
        recent_encounters: 0.0,
        recent_contributions: 0.0,
        recent_successes: 0.0,
        recent_peer: 0.0,
        recent_wom_positive: 0.0,
        recent_wom_negative: 0.0,
        recent_complaints: 0.0,
        contributions: 0.0,
        tenure: 0,
        firm: VACANT,
    };

    pub fn is_active(&self) -> bool {
        self.firm != VACANT
    }

    /// Product engagement: weeks of using and following the product per week over the recent
    /// window (Huang & Suo 2021). The `product_engagement` column of customers.csv and the
    /// survey's PE construct.
    pub fn product_engagement(&self) -> f32 {
        self.recent_product
    }

    /// Interpersonal interaction: peer conversations per week over the recent window (Huang &
    /// Suo 2021). The `interpersonal_interaction` column of customers.csv and the survey's II
    /// construct.
    pub fn interpersonal_interaction(&self) -> f32 {
        self.recent_peer
    }

    /// The states that must stay within [0, 1].
    pub fn unit_states(&self) -> [(&'static str, f32); 12] {
        [
            ("empowerment", self.empowerment),
            ("self_efficacy", self.self_efficacy),
            ("expectation", self.expectation),
            ("satisfaction", self.satisfaction),
            ("loyalty", self.loyalty),
            ("functional_value", self.functional),
            ("emotional_value", self.emotional),
            ("social_value", self.social),
            ("grievance", self.grievance),
            ("grudge_loyalty", self.grudge_loyalty),
            ("expertise", self.expertise),
            ("vindictiveness", self.vindictiveness),
        ]
    }
}

/// What neighbours can read about a slot: last week's values, double-buffered.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub struct Public {
    pub satisfaction: f32,
    /// Share of recent contributions that succeeded, or a negative value if none were made.
    pub success_rate: f32,
    pub firm: u8,
    /// [`Public::REVENGE`]: took revenge this week; [`Public::SPOKE_POSITIVE`] and
    /// [`Public::SPOKE_NEGATIVE`]: spoke well or ill of its firm this week.
    pub flags: u8,
}

impl Public {
    pub const VACANT: Public = Public {
        satisfaction: 0.0,
        success_rate: -1.0,
        firm: VACANT,
        flags: 0,
    };
    pub const REVENGE: u8 = 1;
    pub const SPOKE_POSITIVE: u8 = 2;
    pub const SPOKE_NEGATIVE: u8 = 4;

    /// The public view of `customer` with this week's `flags`.
    pub fn of(customer: &Customer, flags: u8) -> Public {
        Public::of_parts(
            customer.satisfaction,
            customer.recent_successes,
            customer.recent_contributions,
            customer.firm,
            flags,
        )
    }

    /// [`Public::of`] from the fields it reads.
    #[inline(always)]
    pub fn of_parts(
        satisfaction: f32,
        recent_successes: f32,
        recent_contributions: f32,
        firm: u8,
        flags: u8,
    ) -> Public {
        let rate = (recent_successes / recent_contributions).min(1.0);
        let success_rate = rules::select(recent_contributions > 0.05, rate, -1.0);
        Public {
            satisfaction,
            success_rate,
            firm,
            flags,
        }
    }
}

/// An employee. Traits in [0, 1]; morale in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Employee {
    pub helpfulness: f32,
    pub empathy: f32,
    pub politeness: f32,
    pub responsiveness: f32,
    pub rudeness: f32,
    pub indifference: f32,
    pub morale: f32,
    /// Encounters handled last week.
    pub load: f32,
    pub tenure: u32,
    pub firm: u8,
}

/// Draws from a trait distribution: constant, Beta on [0, 1], or log-normal.
#[derive(Debug, Clone, Copy)]
pub enum TraitSampler {
    Constant(f32),
    Beta(Beta<f64>),
    LogNormal(LogNormal<f64>),
}

impl TraitSampler {
    /// Beta with the given mean and standard deviation (preconditions checked by validation).
    pub fn unit(dist: Dist) -> TraitSampler {
        if dist.spread <= 0.0 || dist.mean <= 0.0 || dist.mean >= 1.0 {
            return TraitSampler::Constant(dist.mean.clamp(0.0, 1.0) as f32);
        }
        let nu = dist.mean * (1.0 - dist.mean) / (dist.spread * dist.spread) - 1.0;
        match Beta::new(dist.mean * nu, (1.0 - dist.mean) * nu) {
            Ok(beta) => TraitSampler::Beta(beta),
            Err(_) => TraitSampler::Constant(dist.mean as f32),
        }
    }

    /// Log-normal with the given mean and log-scale spread.
    pub fn heavy_tailed(dist: Dist) -> TraitSampler {
        if dist.spread <= 0.0 || dist.mean <= 0.0 {
            return TraitSampler::Constant(dist.mean.max(0.0) as f32);
        }
        let mu = dist.mean.ln() - 0.5 * dist.spread * dist.spread;
        match LogNormal::new(mu, dist.spread) {
            Ok(log_normal) => TraitSampler::LogNormal(log_normal),
            Err(_) => TraitSampler::Constant(dist.mean as f32),
        }
    }

    /// One draw. It takes exactly one value from `rng` and samples from a sub-stream seeded by
    /// it, so however many draws a distribution needs (Beta sampling rejects), the draws that
    /// follow are unchanged: two scenarios that differ in one trait's parameters keep common
    /// random numbers for everything else.
    pub fn sample(&self, rng: &mut Stream) -> f32 {
        use rand::Rng;
        let mut sub = seeded_stream(rng.next_u64());
        match self {
            TraitSampler::Constant(value) => *value,
            TraitSampler::Beta(beta) => beta.sample(&mut sub) as f32,
            TraitSampler::LogNormal(log_normal) => log_normal.sample(&mut sub) as f32,
        }
    }
}

/// Samplers for a newborn customer's traits and initial states.
#[derive(Debug, Clone)]
pub struct CustomerBirth {
    expertise: TraitSampler,
    sociability: TraitSampler,
    activity: TraitSampler,
    involvement: TraitSampler,
    vindictiveness: TraitSampler,
    forgiveness: TraitSampler,
    empowerment: TraitSampler,
    self_efficacy: TraitSampler,
    satisfaction: TraitSampler,
    loyalty: TraitSampler,
    experience_value: TraitSampler,
}

impl CustomerBirth {
    pub fn new(dists: &CustomerDists) -> CustomerBirth {
        CustomerBirth {
            expertise: TraitSampler::unit(dists.expertise),
            sociability: TraitSampler::unit(dists.sociability),
            activity: TraitSampler::heavy_tailed(dists.activity),
            involvement: TraitSampler::unit(dists.involvement),
            vindictiveness: TraitSampler::unit(dists.vindictiveness),
            forgiveness: TraitSampler::unit(dists.forgiveness),
            empowerment: TraitSampler::unit(dists.empowerment),
            self_efficacy: TraitSampler::unit(dists.self_efficacy),
            satisfaction: TraitSampler::unit(dists.satisfaction),
            loyalty: TraitSampler::unit(dists.loyalty),
            experience_value: TraitSampler::unit(dists.experience_value),
        }
    }

    /// A new customer of `firm`, whose expectation starts from the firm's reputation.
    pub fn customer(&self, firm: u8, reputation: f32, rng: &mut Stream) -> Customer {
        let empowerment = self.empowerment.sample(rng);
        Customer {
            expertise: self.expertise.sample(rng),
            sociability: self.sociability.sample(rng),
            activity: self.activity.sample(rng),
            vindictiveness: self.vindictiveness.sample(rng),
            forgiveness: self.forgiveness.sample(rng),
            base_empowerment: empowerment,
            empowerment,
            self_efficacy: self.self_efficacy.sample(rng),
            expectation: reputation.clamp(0.0, 1.0),
            satisfaction: self.satisfaction.sample(rng),
            loyalty: self.loyalty.sample(rng),
            functional: self.experience_value.sample(rng),
            emotional: self.experience_value.sample(rng),
            social: self.experience_value.sample(rng),
            involvement: self.involvement.sample(rng),
            firm,
            ..Customer::EMPTY
        }
    }
}

/// Samplers for a new hire of one firm: each trait Beta-distributed around the firm's mean
/// (so a small mean such as a rudeness of 0.03 is kept exactly, unlike a clamped normal).
#[derive(Debug, Clone)]
pub struct Hiring {
    traits: [TraitSampler; 6],
    initial_morale: f32,
}

impl Hiring {
    pub fn new(staff: &Staff) -> Hiring {
        let trait_of = |mean: f64| {
            // The spread is capped below the largest a distribution on [0, 1] with this mean
            // can have.
            let limit = (mean * (1.0 - mean)).sqrt();
            TraitSampler::unit(Dist::new(mean, staff.spread.min(0.9 * limit)))
        };
        Hiring {
            traits: [
                staff.helpfulness,
                staff.empathy,
                staff.politeness,
                staff.responsiveness,
                staff.rudeness,
                staff.indifference,
            ]
            .map(trait_of),
            initial_morale: staff.initial_morale as f32,
        }
    }

    pub fn hire(&self, firm: u8, rng: &mut Stream) -> Employee {
        let traits = self.traits.map(|sampler| sampler.sample(rng));
        let [
            helpfulness,
            empathy,
            politeness,
            responsiveness,
            rudeness,
            indifference,
        ] = traits;
        Employee {
            helpfulness,
            empathy,
            politeness,
            responsiveness,
            rudeness,
            indifference,
            morale: self.initial_morale,
            load: 0.0,
            tenure: 0,
            firm,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::{Purpose, stream};

    #[test]
    fn records_stay_compact() {
        assert!(std::mem::size_of::<Customer>() <= 116);
        assert_eq!(std::mem::size_of::<Public>(), 12);
    }

    #[test]
    fn beta_traits_match_their_mean_and_stay_in_unit_range() {
        let sampler = TraitSampler::unit(Dist::new(0.3, 0.1));
        let mut rng = stream(1, Purpose::InitCustomers, 0, 0);
        let draws: Vec<f32> = (0..20_000).map(|_| sampler.sample(&mut rng)).collect();
        let mean = draws.iter().sum::<f32>() / draws.len() as f32;
        assert!((mean - 0.3).abs() < 0.01, "mean {mean}");
        assert!(draws.iter().all(|x| (0.0..=1.0).contains(x)));
    }

    #[test]
    fn a_trait_draw_consumes_one_value_whatever_its_distribution() {
        let narrow = TraitSampler::unit(Dist::new(0.3, 0.01));
        let wide = TraitSampler::unit(Dist::new(0.9, 0.2));
        let mut a = stream(5, Purpose::InitCustomers, 0, 0);
        let mut b = stream(5, Purpose::InitCustomers, 0, 0);
        narrow.sample(&mut a);
        wide.sample(&mut b);
        assert_eq!(
            crate::model::rng::unit(&mut a),
            crate::model::rng::unit(&mut b)
        );
    }

    #[test]
    fn hires_keep_small_trait_means() {
        let staff = Staff {
            rudeness: 0.03,
            spread: 0.1,
            ..Staff::default()
        };
        let hiring = Hiring::new(&staff);
        let mut rng = stream(3, Purpose::InitEmployees, 0, 0);
        let mean = (0..20_000)
            .map(|_| hiring.hire(0, &mut rng).rudeness)
            .sum::<f32>()
            / 20_000.0;
        assert!((mean - 0.03).abs() < 0.003, "mean rudeness {mean}");
    }

    #[test]
    fn activity_is_heavy_tailed_with_the_requested_mean() {
        let sampler = TraitSampler::heavy_tailed(Dist::new(0.1, 1.5));
        let mut rng = stream(2, Purpose::InitCustomers, 0, 0);
        let mut draws: Vec<f32> = (0..200_000).map(|_| sampler.sample(&mut rng)).collect();
        let mean = draws.iter().map(|&x| f64::from(x)).sum::<f64>() / draws.len() as f64;
        assert!((mean - 0.1).abs() < 0.01, "mean {mean}");
        draws.sort_by(f32::total_cmp);
        let top: f64 = draws[draws.len() * 99 / 100..]
            .iter()
            .map(|&x| f64::from(x))
            .sum();
        assert!(top / (mean * draws.len() as f64) > 0.15, "top 1% too small");
    }
}
