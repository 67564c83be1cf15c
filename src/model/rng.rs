//! Random-number streams.
//!
//! Every stream is a Xoshiro256++ generator (portable and fast) seeded from a hash of
//! (replication seed, purpose, tick, block). Customers are processed in blocks of a fixed
//! size ([`super::BLOCK`]) that does not depend on the thread count, so the same draws reach the
//! same agents however the work is scheduled.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

pub type Stream = Xoshiro256PlusPlus;

/// What a stream is used for; part of its seed so streams never overlap.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Purpose {
    Network = 1,
    InitCustomers = 2,
    InitEmployees = 3,
    Customers = 4,
    Employees = 5,
    /// Experiment designs (Latin hypercube sampling).
    Design = 6,
    /// The week's two pivotal decisions of every slot, drawn in slot order whatever happens
    /// in between: whether an active customer engages (or a vacant slot is filled) and whether
    /// it churns. Keeping them apart from the other draws keeps these decisions aligned across
    /// scenarios that differ in what happens to other customers of the block (common random
    /// numbers).
    Decisions = 7,
    /// Survey: which customers are sampled as respondents (numbered apart from the model's own
    /// streams so that new model purposes can take the next numbers).
    SurveySample = 16,
    /// Survey: the measurement error of a respondent's answers.
    SurveyError = 17,
    /// Survey: the questionnaire's item loadings and intercepts.
    SurveyItems = 18,
    /// Survey: a respondent's response-style traits (kept across the waves of a panel).
    SurveyPerson = 19,
    /// Survey: one interview's careless responding, common-method factor and item nonresponse.
    SurveyOccasion = 20,
    /// Validation: bootstrap resamples of replications (pattern 8).
    Bootstrap = 21,
}

/// SplitMix64 finaliser: a bijective 64-bit mix with good avalanche.
pub const fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of replication `replication` of a scenario with master seed `seed`: a function of
/// the two alone, so replication r is paired across scenarios that differ only in parameters.
pub const fn replication_seed(seed: u64, replication: u64) -> u64 {
    mix64(mix64(seed) ^ mix64(replication.wrapping_add(0x5EED)))
}

/// A stream for one (purpose, tick, block) of one replication.
pub fn stream(replication_seed: u64, purpose: Purpose, tick: u64, block: u64) -> Stream {
    let key = mix64(replication_seed ^ mix64(purpose as u64))
        ^ mix64(tick.wrapping_mul(0x1000_0000_01B3))
        ^ mix64(block.wrapping_add(0xB10C_0000_0000));
    Xoshiro256PlusPlus::seed_from_u64(mix64(key))
}

/// A uniform draw in [0, 1) from the top 24 bits of one output (enough for f32 comparisons).
#[inline(always)]
pub fn unit(rng: &mut Stream) -> f32 {
    use rand::Rng;
    (rng.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
}

/// A uniform index in `0..n` (n > 0) by multiply-shift; bias below 2^-32 for n < 2^32.
#[inline(always)]
pub fn index(rng: &mut Stream, n: u32) -> u32 {
    use rand::Rng;
    ((u64::from(rng.next_u32()) * u64::from(n)) >> 32) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let mut a = stream(7, Purpose::Customers, 3, 1);
        let mut b = stream(7, Purpose::Customers, 3, 1);
        let mut c = stream(7, Purpose::Customers, 3, 2);
        let xs: Vec<f32> = (0..8).map(|_| unit(&mut a)).collect();
        let ys: Vec<f32> = (0..8).map(|_| unit(&mut b)).collect();
        let zs: Vec<f32> = (0..8).map(|_| unit(&mut c)).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn unit_and_index_stay_in_range() {
        let mut rng = stream(1, Purpose::Network, 0, 0);
        for _ in 0..10_000 {
            let u = unit(&mut rng);
            assert!((0.0..1.0).contains(&u));
            assert!(index(&mut rng, 7) < 7);
        }
    }

    #[test]
    fn replication_seeds_depend_on_seed_and_replication_only() {
        assert_eq!(replication_seed(42, 3), replication_seed(42, 3));
        assert_ne!(replication_seed(42, 3), replication_seed(42, 4));
        assert_ne!(replication_seed(42, 3), replication_seed(43, 3));
    }
}
