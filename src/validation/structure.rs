//! Pattern 8: the structure of Huang & Suo (2021), *Technium Social Sciences Journal* 20(1),
//! 652–667, on the agents' own states rather than on survey answers.
//!
//! The survey check (scripts/test-sem.sh) fits the model to noisy questionnaire items; this
//! pattern asks whether the mechanism itself has the structure, before any measurement error.
//! On the latent scores the survey uses ([`crate::survey::constructs`]: PE, II, FV, EV, SV,
//! PVC) of every customer active at the last tick of the baseline replications (the ones
//! patterns 3, 4 and 6 already run), it estimates the path model by ordinary least squares on
//! standardised variables, FV, EV, SV ~ PE + II and PVC ~ FV + EV + SV, and the four indirect
//! effects as products of paths. Intervals: percentile 95% intervals of a bootstrap over
//! replications ([`BOOTSTRAP`] resamples of whole replications with replacement, drawn from the
//! stream (baseline seed, [`Purpose::Bootstrap`])), since customers of one replication share a
//! firm and a history and are not independent.
//!
//! Each replication is reduced to its moments (count, sums, cross-products) as it finishes, so
//! the customers are never kept and a resample only adds moments, in draw order.
//!
//! It passes when the seven positive paths (PE → FV, EV, SV; II → EV, SV; EV, SV → PVC) have
//! intervals above 0, the two null paths (II → FV, FV → PVC) have estimates within ±[`NULL_BAND`],
//! and the four indirect effects have intervals above 0.

// Small fixed-size matrix code reads best with index loops.
#![allow(clippy::needless_range_loop)]

use super::{PatternResult, format_estimate};
use crate::experiment::stats::Estimate;
use crate::model::agents::Customer;
use crate::model::rng::{self, Purpose};
use crate::survey::constructs::Construct;

/// The source of pattern 8.
pub const SOURCE: &str = "Huang & Suo (2021), Technium Social Sciences Journal 20(1), 652-667: \
     findings (a)-(d) on the agents' latent states";

/// Bootstrap resamples of the replications.
pub const BOOTSTRAP: usize = 1000;

/// Largest absolute standardised estimate of a path the paper finds not significant.
pub const NULL_BAND: f64 = 0.10;

/// Prefix of the name of every pattern-8 criterion (the chart strips it).
pub const NAME_PREFIX: &str = "Huang & Suo structure on latent states (baseline): ";

/// The variables, in moment order.
const VARIABLES: [Construct; 6] = [
    Construct::ProductEngagement,
    Construct::InterpersonalInteraction,
    Construct::Functional,
    Construct::Emotional,
    Construct::Social,
    Construct::Participation,
];
const PE: usize = 0;
const II: usize = 1;
const FV: usize = 2;
const EV: usize = 3;
const SV: usize = 4;
const PVC: usize = 5;

/// What the paper finds for an estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A positive path or indirect effect: the 95% interval above 0.
    Positive,
    /// A path the paper finds not significant: the estimate within ±[`NULL_BAND`].
    Null,
}

/// The estimates, in report order: label and expectation.
pub const ESTIMATES: [(&str, Expect); 13] = [
    ("PE → FV", Expect::Positive),
    ("PE → EV", Expect::Positive),
    ("PE → SV", Expect::Positive),
    ("II → EV", Expect::Positive),
    ("II → SV", Expect::Positive),
    ("EV → PVC", Expect::Positive),
    ("SV → PVC", Expect::Positive),
    ("II → FV", Expect::Null),
    ("FV → PVC", Expect::Null),
    ("II → EV → PVC", Expect::Positive),
    ("II → SV → PVC", Expect::Positive),
    ("PE → EV → PVC", Expect::Positive),
    ("PE → SV → PVC", Expect::Positive),
];

/// Count, sums and cross-products of the six variables over a set of customers.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Moments {
    n: f64,
    sum: [f64; 6],
    cross: [[f64; 6]; 6],
}

impl Moments {
    /// Adds one observation (PE, II, FV, EV, SV, PVC).
    pub fn add(&mut self, row: &[f64; 6]) {
        self.n += 1.0;
        for i in 0..6 {
            self.sum[i] += row[i];
            for j in 0..6 {
                self.cross[i][j] += row[i] * row[j];
            }
        }
    }

    /// Adds another set's moments.
    pub fn merge(&mut self, other: &Moments) {
        self.n += other.n;
        for i in 0..6 {
            self.sum[i] += other.sum[i];
            for j in 0..6 {
                self.cross[i][j] += other.cross[i][j];
            }
        }
    }

    /// The moments of `customers`' latent scores; `incentives[f]` is firm f's incentive.
    pub fn of_customers<'a>(
        customers: impl IntoIterator<Item = &'a Customer>,
        incentives: &[f32],
    ) -> Moments {
        let mut m = Moments::default();
        for c in customers {
            let incentive = incentives.get(c.firm as usize).copied().unwrap_or(0.0);
            m.add(&VARIABLES.map(|v| v.latent(c, incentive)));
        }
        m
    }

    /// The correlation matrix, if every variable varies.
    fn correlation(&self) -> Option<[[f64; 6]; 6]> {
        if self.n < 3.0 {
            return None;
        }
        let mut cov = [[0.0; 6]; 6];
        for i in 0..6 {
            for j in 0..6 {
                cov[i][j] =
                    self.cross[i][j] / self.n - self.sum[i] * self.sum[j] / (self.n * self.n);
            }
        }
        let mut r = [[0.0; 6]; 6];
        for i in 0..6 {
            for j in 0..6 {
                let d = (cov[i][i] * cov[j][j]).sqrt();
                if d.is_nan() || d <= 0.0 || d.is_infinite() {
                    return None;
                }
                r[i][j] = cov[i][j] / d;
            }
        }
        Some(r)
    }
}

/// Standardised least-squares coefficients of `y` on `xs` from the correlation matrix `r`.
fn regress<const K: usize>(r: &[[f64; 6]; 6], y: usize, xs: [usize; K]) -> Option<[f64; K]> {
    // Gaussian elimination with partial pivoting on [R_xx | r_xy].
    let mut a = [[0.0; 7]; K];
    for (row, &i) in xs.iter().enumerate() {
        for (col, &j) in xs.iter().enumerate() {
            a[row][col] = r[i][j];
        }
        a[row][K] = r[i][y];
    }
    for col in 0..K {
        let pivot = (col..K).max_by(|&p, &q| a[p][col].abs().total_cmp(&a[q][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        for row in 0..K {
            if row != col {
                let f = a[row][col] / a[col][col];
                for k in col..=K {
                    a[row][k] -= f * a[col][k];
                }
            }
        }
    }
    let mut b = [0.0; K];
    for (i, bi) in b.iter_mut().enumerate() {
        *bi = a[i][K] / a[i][i];
    }
    Some(b)
}

/// The 13 estimates of [`ESTIMATES`] from pooled moments.
pub fn fit(m: &Moments) -> Option<[f64; 13]> {
    let r = m.correlation()?;
    let [pe_fv, ii_fv] = regress(&r, FV, [PE, II])?;
    let [pe_ev, ii_ev] = regress(&r, EV, [PE, II])?;
    let [pe_sv, ii_sv] = regress(&r, SV, [PE, II])?;
    let [fv_pvc, ev_pvc, sv_pvc] = regress(&r, PVC, [FV, EV, SV])?;
    Some([
        pe_fv,
        pe_ev,
        pe_sv,
        ii_ev,
        ii_sv,
        ev_pvc,
        sv_pvc,
        ii_fv,
        fv_pvc,
        ii_ev * ev_pvc,
        ii_sv * sv_pvc,
        pe_ev * ev_pvc,
        pe_sv * sv_pvc,
    ])
}

/// Linear-interpolation quantile of sorted values.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = p * (sorted.len() - 1) as f64;
    let (i, f) = (h.floor() as usize, h - h.floor());
    let next = sorted[(i + 1).min(sorted.len() - 1)];
    sorted[i] + f * (next - sorted[i])
}

/// Point estimates on all replications with percentile 95% intervals from `draws` bootstrap
/// resamples of the replications (seeded by `seed`). `n` of each estimate is the number of
/// replications; `sd` is the bootstrap standard deviation.
pub fn estimate(replications: &[Moments], draws: usize, seed: u64) -> [Estimate; 13] {
    let mut all = Moments::default();
    for m in replications {
        all.merge(m);
    }
    let nan = Estimate {
        n: replications.len(),
        mean: f64::NAN,
        sd: f64::NAN,
        lo: f64::NAN,
        hi: f64::NAN,
    };
    let Some(point) = fit(&all) else {
        return [nan; 13];
    };
    let count = replications.len() as u32;
    let mut stream = rng::stream(seed, Purpose::Bootstrap, 0, 0);
    let mut samples: [Vec<f64>; 13] = std::array::from_fn(|_| Vec::with_capacity(draws));
    for _ in 0..draws {
        let mut m = Moments::default();
        for _ in 0..count {
            m.merge(&replications[rng::index(&mut stream, count) as usize]);
        }
        // A degenerate resample counts as no evidence: its estimates are NaN, and NaN
        // sorts above every number, widening the upper end.
        let values = fit(&m).unwrap_or([f64::NAN; 13]);
        for (s, v) in samples.iter_mut().zip(values) {
            s.push(v);
        }
    }
    std::array::from_fn(|k| {
        let s = &mut samples[k];
        s.sort_by(f64::total_cmp);
        let finite: Vec<f64> = s.iter().copied().filter(|v| v.is_finite()).collect();
        let sd = Estimate::of(finite.iter().copied()).sd;
        let (lo, hi) = if finite.len() == s.len() {
            (quantile(s, 0.025), quantile(s, 0.975))
        } else {
            (f64::NAN, f64::NAN)
        };
        Estimate {
            n: replications.len(),
            mean: point[k],
            sd,
            lo,
            hi,
        }
    })
}

/// The criteria of pattern 8, one per estimate, in [`ESTIMATES`] order.
pub fn judge(estimates: &[Estimate; 13], draws: usize) -> Vec<PatternResult> {
    ESTIMATES
        .iter()
        .zip(estimates)
        .map(|(&(label, expect), e)| {
            let (expected, pass) = match expect {
                Expect::Positive => (
                    format!("> 0: 95% bootstrap interval above 0 (B = {draws}, over replications)"),
                    e.lo > 0.0,
                ),
                Expect::Null => (
                    format!("n.s.: standardised estimate within ±{NULL_BAND:.2}"),
                    e.mean.abs() <= NULL_BAND,
                ),
            };
            let kind = if label.matches('→').count() == 2 {
                "indirect effect"
            } else {
                "path"
            };
            PatternResult {
                number: 8,
                name: format!("{NAME_PREFIX}{kind} {label}"),
                source: SOURCE.to_owned(),
                expected,
                observed: format_estimate(e),
                estimate: Some(*e),
                pass,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Synthetic replications from a known standardised-scale structure; `ii_fv` and `fv_pvc`
    /// set the two null paths' raw coefficients, `pe` scales every effect of PE.
    fn synthetic(ii_fv: f64, fv_pvc: f64, pe: f64) -> Vec<Moments> {
        let mut stream = rng::stream(7, Purpose::Bootstrap, 1, 0);
        let mut normal = move || {
            // Sum of 12 uniforms minus 6: mean 0, variance 1.
            (0..12)
                .map(|_| f64::from(rng::unit(&mut stream)))
                .sum::<f64>()
                - 6.0
        };
        (0..20)
            .map(|_| {
                let mut m = Moments::default();
                for _ in 0..2000 {
                    let pe_effect = pe;
                    let pe = normal();
                    let ii = normal();
                    let fv = 0.6 * pe_effect * pe + ii_fv * ii + 0.7 * normal();
                    let ev = 0.5 * pe_effect * pe + 0.4 * ii + 0.7 * normal();
                    let sv = 0.3 * pe_effect * pe + 0.6 * ii + 0.7 * normal();
                    let pvc = fv_pvc * fv + 0.4 * ev + 0.3 * sv + 0.7 * normal();
                    m.add(&[pe, ii, fv, ev, sv, pvc]);
                }
                m
            })
            .collect()
    }

    #[test]
    fn recovers_known_standardised_paths_and_passes() {
        let reps = synthetic(0.0, 0.0, 1.0);
        let e = estimate(&reps, 200, 1);
        // Standardised PE → FV: 0.6 / sd(FV) = 0.6 / sqrt(0.36 + 0.49).
        let expected = 0.6 / (0.36f64 + 0.49).sqrt();
        assert!((e[0].mean - expected).abs() < 0.02, "{}", e[0].mean);
        assert!(e[0].lo < e[0].mean && e[0].mean < e[0].hi);
        assert!(e[7].mean.abs() < 0.03 && e[8].mean.abs() < 0.03);
        // Indirect effects are products of their paths.
        assert!((e[9].mean - e[3].mean * e[5].mean).abs() < 1e-12);
        let results = judge(&e, 200);
        assert_eq!(results.len(), 13);
        assert!(
            results.iter().all(|r| r.pass && r.number == 8),
            "{results:?}"
        );
    }

    #[test]
    fn fails_when_a_null_path_is_strong_or_a_path_is_missing() {
        let e = estimate(&synthetic(0.4, 0.5, 1.0), 200, 1);
        let results = judge(&e, 200);
        assert!(!results[7].pass, "II → FV {}", results[7].observed);
        assert!(!results[8].pass, "FV → PVC {}", results[8].observed);
        assert!(results[0].pass);
        // PE with effects of the wrong sign: every PE path and indirect effect through PE fails
        // (a zero effect would fail only in about 19 of 20 samples: its interval can exclude 0).
        let reps = synthetic(0.0, 0.0, -1.0);
        let results = judge(&estimate(&reps, 200, 1), 200);
        assert!(!results[0].pass && !results[11].pass);
    }

    #[test]
    fn bootstrap_is_deterministic_and_degenerate_data_fails() {
        let reps = synthetic(0.0, 0.0, 1.0);
        assert_eq!(estimate(&reps, 50, 3), estimate(&reps, 50, 3));
        let flat = vec![Moments::default(); 3];
        let results = judge(&estimate(&flat, 50, 3), 50);
        assert!(results.iter().all(|r| !r.pass));
        assert_eq!(quantile(&[0.0, 1.0, 2.0], 0.25), 0.5);
    }
}
