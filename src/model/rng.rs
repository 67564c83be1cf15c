//! Random numbers: sequential streams and counter-based slot draws.
//!
//! Sequential streams are Xoshiro256++ generators (portable and fast) seeded from a hash of
//! (replication seed, purpose, tick, block): initialisation, employees, surveys, designs.
//!
//! A customer's week draws from [`SlotDraws`] instead: the j-th draw of slot s in week t is a
//! SplitMix64 output at counter (s · 2¹⁶ + j) under a key of (replication seed, purpose, t). A
//! draw is then a function of who draws it and in which week, not of the order in which slots
//! are processed or of how many draws other customers took. So the same draws reach the same
//! customers however the work is scheduled, split into blocks or phases, or vectorised, and two
//! scenarios that differ in what happens to one customer keep every other customer's draws
//! (common random numbers, docs/ODD.md 4.9).

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
    /// The key of every slot's draws in a week ([`SlotDraws`]): its routine draws and every
    /// event of its week, including the birth of a customer in a refilled slot.
    Customers = 4,
    Employees = 5,
    /// Experiment designs (Latin hypercube sampling).
    Design = 6,
    // 7 was the separate stream of the week's decisions, before every slot drew on its own.
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
    seeded_stream(mix64(key))
}

/// SplitMix64's increment (the golden ratio in 64 bits): consecutive counters are this far apart.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// `Stream::seed_from_u64(seed)`, the same generator, written out: rand_xoshiro seeds a
/// Xoshiro256++ with four SplitMix64 outputs (`mix64(seed + i · golden)`, i = 0..4, as
/// little-endian bytes) through the generic `from_rng`, whose byte filling costs about twice
/// these four mixes. A birth seeds one such stream per trait (docs/PERFORMANCE.md, eleventh
/// round).
#[inline]
pub fn seeded_stream(seed: u64) -> Stream {
    let mut bytes = [0u8; 32];
    let mut counter = seed;
    for word in bytes.chunks_exact_mut(8) {
        word.copy_from_slice(&mix64(counter).to_le_bytes());
        counter = counter.wrapping_add(GOLDEN);
    }
    // `from_seed` is what `seed_from_u64` ends in, its all-zero case included.
    Stream::from_seed(bytes)
}

/// Counters a slot may use in one week (far more than any week draws).
const SLOT_COUNTERS: u64 = 1 << 16;

/// The key of one (purpose, week) of one replication, under which every slot draws.
pub fn week_key(replication_seed: u64, purpose: Purpose, tick: u64) -> u64 {
    mix64(
        mix64(replication_seed ^ mix64(purpose as u64))
            ^ mix64(tick.wrapping_mul(0x1000_0000_01B3)),
    )
}

/// One slot's draws in one week: SplitMix64 at the slot's own counters under the week's key.
///
/// The first two outputs give the week's six routine uniforms ([`SlotDraws::routine`]); every
/// later output is one event draw ([`SlotDraws::unit`], [`SlotDraws::index`]).
#[derive(Debug, Clone)]
pub struct SlotDraws {
    counter: u64,
}

impl SlotDraws {
    pub fn new(week_key: u64, slot: usize) -> SlotDraws {
        SlotDraws {
            counter: week_key.wrapping_add(
                (slot as u64)
                    .wrapping_mul(SLOT_COUNTERS)
                    .wrapping_mul(GOLDEN),
            ),
        }
    }

    /// Where the slot's stream stands: [`SlotDraws::resume`] continues it from here.
    #[inline(always)]
    pub fn position(&self) -> u64 {
        self.counter
    }

    /// The stream of a slot at `position` (from [`SlotDraws::position`]).
    #[inline(always)]
    pub fn resume(position: u64) -> SlotDraws {
        SlotDraws { counter: position }
    }

    /// The next 64-bit output (`mix64` adds the increment itself).
    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        let out = mix64(self.counter);
        self.counter = self.counter.wrapping_add(GOLDEN);
        out
    }

    /// The week's six routine values, 21 random bits each: three from each of the slot's first
    /// two outputs (bits 63–43, 42–22 and 21–1); as uniforms by [`uniform21`], as indices by
    /// [`index21`].
    #[inline(always)]
    pub fn routine(&mut self) -> [u32; 6] {
        let (first, second) = (self.next_u64(), self.next_u64());
        let field = |word: u64, shift: u32| ((word >> shift) & 0x1F_FFFF) as u32;
        [
            field(first, 43),
            field(first, 22),
            field(first, 1),
            field(second, 43),
            field(second, 22),
            field(second, 1),
        ]
    }

    /// An event draw in [0, 1) from the top 24 bits of one output.
    #[inline(always)]
    pub fn unit(&mut self) -> f32 {
        top24((self.next_u64() >> 32) as u32)
    }

    /// An event index in `0..n` (n > 0) by multiply-shift of one output's top 32 bits.
    #[inline(always)]
    pub fn index(&mut self, n: u32) -> u32 {
        index_of((self.next_u64() >> 32) as u32, n)
    }

    /// A sequential stream seeded by one output, for a birth's trait draws (rejection sampling
    /// takes a variable number of values).
    pub fn stream(&mut self) -> Stream {
        seeded_stream(self.next_u64())
    }
}

/// A 21-bit value as a uniform in [0, 1) (exact in `f32`).
#[inline(always)]
pub fn uniform21(bits: u32) -> f32 {
    bits as f32 * (1.0 / 2_097_152.0)
}

/// A 21-bit value as an index in `0..n` by multiply-shift (exact in integers).
#[inline(always)]
pub fn index21(bits: u32, n: u32) -> u32 {
    ((u64::from(bits) * u64::from(n)) >> 21) as u32
}

/// A 32-bit value's top 24 bits as a uniform in [0, 1).
#[inline(always)]
pub fn top24(bits: u32) -> f32 {
    (bits >> 8) as f32 * (1.0 / 16_777_216.0)
}

/// `bits` (uniform over 32 bits) as an index in `0..n` by multiply-shift.
#[inline(always)]
pub fn index_of(bits: u32, n: u32) -> u32 {
    ((u64::from(bits) * u64::from(n)) >> 32) as u32
}

/// A uniform draw in [0, 1) from the top 24 bits of one output (enough for f32 comparisons).
#[inline(always)]
pub fn unit(rng: &mut Stream) -> f32 {
    use rand::Rng;
    top24(rng.next_u32())
}

/// A uniform index in `0..n` (n > 0) by multiply-shift; bias below 2^-32 for n < 2^32.
#[inline(always)]
pub fn index(rng: &mut Stream, n: u32) -> u32 {
    use rand::Rng;
    index_of(rng.next_u32(), n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `seeded_stream` is `Stream::seed_from_u64`: the same state, so the same draws.
    #[test]
    fn seeded_stream_is_rand_xoshiro_s_seed_from_u64() {
        use rand::Rng;
        let mut seeds = vec![0, 1, u64::MAX, GOLDEN, GOLDEN.wrapping_neg(), 1 << 63];
        seeds.extend((0..2000u64).map(mix64));
        for seed in seeds {
            let (mut ours, mut theirs) = (seeded_stream(seed), Stream::seed_from_u64(seed));
            assert_eq!(ours, theirs, "seed {seed:#x}");
            for _ in 0..4 {
                assert_eq!(ours.next_u64(), theirs.next_u64(), "seed {seed:#x}");
            }
        }
    }

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
    fn slot_draws_depend_on_key_slot_and_position_only() {
        let key = week_key(7, Purpose::Customers, 3);
        let mut a = SlotDraws::new(key, 5);
        let first: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        // Taken again, or after another slot's draws: the same values.
        let mut other = SlotDraws::new(key, 4);
        for _ in 0..100 {
            other.next_u64();
        }
        let mut b = SlotDraws::new(key, 5);
        assert_eq!(first, (0..4).map(|_| b.next_u64()).collect::<Vec<_>>());
        // Neighbouring slots, weeks, purposes and seeds draw other values.
        for mut c in [
            SlotDraws::new(key, 6),
            SlotDraws::new(week_key(7, Purpose::Customers, 4), 5),
            SlotDraws::new(week_key(7, Purpose::Employees, 3), 5),
            SlotDraws::new(week_key(8, Purpose::Customers, 3), 5),
        ] {
            assert!(first.iter().all(|&x| x != c.next_u64()));
        }
    }

    #[test]
    fn routine_uniforms_are_uniform_and_independent() {
        // 200,000 slots: each of the six uniforms has mean 1/2 and variance 1/12, and
        // neighbouring uniforms are uncorrelated (standard errors 0.00065 for the mean, 0.00017
        // for the variance, 0.00019 for the cross moment; the bounds are about five of them).
        let key = week_key(11, Purpose::Customers, 1);
        let n = 200_000;
        let (mut sum, mut square, mut cross) = ([0.0f64; 6], [0.0f64; 6], [0.0f64; 6]);
        for slot in 0..n {
            let u = SlotDraws::new(key, slot)
                .routine()
                .map(|bits| f64::from(uniform21(bits)));
            for j in 0..6 {
                assert!((0.0..1.0).contains(&u[j]));
                sum[j] += u[j];
                square[j] += u[j] * u[j];
                cross[j] += (u[j] - 0.5) * (u[(j + 1) % 6] - 0.5);
            }
        }
        let n = n as f64;
        for j in 0..6 {
            assert!((sum[j] / n - 0.5).abs() < 0.003, "mean of {j}");
            assert!((square[j] / n - sum[j] * sum[j] / n / n - 1.0 / 12.0).abs() < 0.002);
            assert!(
                (cross[j] / n).abs() < 0.001,
                "correlation of {j} and its neighbour"
            );
        }
    }

    #[test]
    fn replication_seeds_depend_on_seed_and_replication_only() {
        assert_eq!(replication_seed(42, 3), replication_seed(42, 3));
        assert_ne!(replication_seed(42, 3), replication_seed(42, 4));
        assert_ne!(replication_seed(42, 3), replication_seed(43, 3));
    }
}
