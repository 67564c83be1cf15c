//! Small statistics in one place: mean, standard deviation and 95% confidence intervals
//! (Student's t, quantiles from `statrs`), the Wilson interval of a share, ranks and Spearman's
//! rank correlation. Charts, validation and the sensitivity estimators all take them from here.
//!
//! Every reduction here runs sequentially over values in a fixed order, so results never depend
//! on thread scheduling.

use std::sync::OnceLock;

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Mean, sample standard deviation and the 95% confidence interval of the mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub n: usize,
    pub mean: f64,
    pub sd: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Estimate {
    /// Estimates from finite values only; with no finite value everything is NaN.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Estimate {
        let values: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        let n = values.len();
        if n == 0 {
            return Estimate {
                n,
                mean: f64::NAN,
                sd: f64::NAN,
                lo: f64::NAN,
                hi: f64::NAN,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        if n == 1 {
            return Estimate {
                n,
                mean,
                sd: 0.0,
                lo: mean,
                hi: mean,
            };
        }
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        Estimate::with_t_interval(n, mean, variance.sqrt())
    }

    /// The estimate of a mean from `n` values with standard deviation `sd`, with its Student-t
    /// 95% interval (`n` = 1: the interval is the mean itself).
    pub fn with_t_interval(n: usize, mean: f64, sd: f64) -> Estimate {
        let half = if n > 1 {
            t_975(n - 1) * sd / (n as f64).sqrt()
        } else {
            0.0
        };
        Estimate {
            n,
            mean,
            sd: if n > 1 { sd } else { 0.0 },
            lo: mean - half,
            hi: mean + half,
        }
    }

    /// The interval's half-width.
    pub fn half_width(&self) -> f64 {
        (self.hi - self.lo) / 2.0
    }
}

/// Degrees of freedom whose t quantile is computed once and kept.
const CACHED_DF: usize = 1024;

/// The 97.5% quantile of Student's t with `df` degrees of freedom (NaN for none), from
/// `statrs`. The quantiles of small `df` are computed once and kept: bands ask for them once per
/// (firm, metric, tick) cell, and `statrs` inverts the CDF numerically.
pub fn t_975(df: usize) -> f64 {
    static TABLE: OnceLock<Vec<f64>> = OnceLock::new();
    if df == 0 {
        return f64::NAN;
    }
    let exact =
        |df: usize| StudentsT::new(0.0, 1.0, df as f64).map_or(f64::NAN, |t| t.inverse_cdf(0.975));
    if df <= CACHED_DF {
        TABLE.get_or_init(|| (1..=CACHED_DF).map(exact).collect())[df - 1]
    } else {
        exact(df)
    }
}

/// The 97.5% quantile of Student's t with fractional degrees of freedom `df` (as Welch's
/// approximation gives), NaN for `df` ≤ 0 or not finite. Not cached: it is asked once per
/// compared outcome.
pub fn t_975_fractional(df: f64) -> f64 {
    if !(df.is_finite() && df > 0.0) {
        return f64::NAN;
    }
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |t| t.inverse_cdf(0.975))
}

/// The two-sided 95% quantile of the standard normal (1.959964…).
pub fn z_975() -> f64 {
    static Z: OnceLock<f64> = OnceLock::new();
    *Z.get_or_init(|| Normal::new(0.0, 1.0).map_or(1.959_964, |n| n.inverse_cdf(0.975)))
}

/// Wilson score interval (95%) of a share `p` observed in `n` trials: unlike the normal
/// approximation it stays inside [0, 1] and has width at 0/n and n/n. The exact interval
/// contains `p`; rounding is not allowed to push `p` outside it.
pub fn wilson(p: f64, n: usize) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let z = z_975();
    let n = n as f64;
    let denominator = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denominator;
    ((centre - half).clamp(0.0, p), (centre + half).clamp(p, 1.0))
}

/// Power of the directional test the validation battery applies to `n` paired differences:
/// the probability that the 95% Student-t interval of their mean lies entirely on the side of
/// the true mean, when the differences are normal with mean `effect_size` standard deviations
/// (|d| = |mean| / SD; the sign does not matter). At d = 0 it is 0.025 (either side's share).
///
/// Exact for normal differences: with s the sample SD, s² (n − 1) / σ² is χ² with ν = n − 1
/// degrees of freedom, independent of the mean, so the power is the integral over the χ
/// distribution (u = √(ν) s / σ) of Φ(|d| √n − t₀.₉₇₅,ν u / √ν); Simpson's rule on a fine grid.
pub fn directional_power(effect_size: f64, n: usize) -> f64 {
    if n < 2 || !effect_size.is_finite() {
        return f64::NAN;
    }
    let nu = (n - 1) as f64;
    let t = t_975(n - 1);
    let shift = effect_size.abs() * (n as f64).sqrt();
    let Ok(normal) = Normal::new(0.0, 1.0) else {
        return f64::NAN;
    };
    // Density of the χ distribution with ν degrees of freedom.
    let log_norm =
        (nu / 2.0 - 1.0) * std::f64::consts::LN_2 + statrs::function::gamma::ln_gamma(nu / 2.0);
    let chi = |u: f64| {
        if u <= 0.0 {
            return if nu == 1.0 {
                (2.0 / std::f64::consts::PI).sqrt()
            } else {
                0.0
            };
        }
        ((nu - 1.0) * u.ln() - u * u / 2.0 - log_norm).exp()
    };
    let integrand = |u: f64| chi(u) * normal.cdf(shift - t * u / nu.sqrt());
    // The χ density is negligible beyond its mode plus 12 (its SD is below 1/√2).
    let upper = nu.sqrt() + 12.0;
    let steps = 4000;
    let h = upper / steps as f64;
    let mut sum = integrand(0.0) + integrand(upper);
    for i in 1..steps {
        let weight = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += weight * integrand(i as f64 * h);
    }
    (sum * h / 3.0).clamp(0.0, 1.0)
}

/// The fewest paired differences (at least 2) whose [`directional_power`] at `effect_size`
/// reaches `target`; `None` if 100,000 do not (or the effect is zero).
pub fn replications_for_power(effect_size: f64, target: f64) -> Option<usize> {
    if !(effect_size.is_finite() && effect_size != 0.0) {
        return None;
    }
    // Power rises with n: bisect between a failing and a passing n.
    let (mut lo, mut hi) = (2_usize, 2_usize);
    while directional_power(effect_size, hi) < target {
        if hi >= 100_000 {
            return None;
        }
        lo = hi;
        hi = (hi * 2).min(100_000);
    }
    if directional_power(effect_size, lo) >= target {
        return Some(lo);
    }
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if directional_power(effect_size, mid) >= target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

/// Ranks of `values` (average ranks for ties), 1-based.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &index in &order[i..=j] {
            ranks[index] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// Pearson's correlation of two equally long series (0 if either is constant).
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    if n == 0 {
        return f64::NAN;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (x[i] - mx, y[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx > 0.0 && syy > 0.0 {
        sxy / (sxx * syy).sqrt()
    } else {
        0.0
    }
}

/// A correlation `r` from `n` observations with `controlled` variables partialled out, with its
/// 95% interval from Fisher's z transform (standard error 1 / sqrt(n − 3 − controlled)).
pub fn correlation_estimate(r: f64, n: usize, controlled: usize) -> Estimate {
    let (lo, hi) = if n > 3 + controlled {
        let z = r.clamp(-0.999_999, 0.999_999).atanh();
        let half = z_975() / ((n - 3 - controlled) as f64).sqrt();
        ((z - half).tanh(), (z + half).tanh())
    } else {
        (f64::NAN, f64::NAN)
    };
    Estimate {
        n,
        mean: r,
        sd: f64::NAN,
        lo,
        hi,
    }
}

/// Spearman's rank correlation with a 95% interval from Fisher's z transform.
pub fn spearman(x: &[f64], y: &[f64]) -> Estimate {
    let n = x.len().min(y.len());
    let rho = pearson(&ranks(&x[..n]), &ranks(&y[..n]));
    correlation_estimate(if rho.is_nan() { 0.0 } else { rho }, n, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directional_power_matches_known_t_test_power() {
        // At no effect, the interval lies above zero in 2.5% of samples.
        assert!((directional_power(0.0, 10) - 0.025).abs() < 1e-4);
        // G*Power, one-sample t test, two-sided alpha 0.05, d = 0.5: n = 34 gives 0.8078 and
        // n = 54 gives 0.9502 (the wrong side adds less than 1e-5 there).
        assert!((directional_power(0.5, 34) - 0.8078).abs() < 5e-4);
        assert!((directional_power(-0.5, 54) - 0.9502).abs() < 5e-4);
        // Large samples approach the normal test: Φ(d√n − 1.96).
        let normal = Normal::new(0.0, 1.0).unwrap();
        let z = normal.cdf(0.2 * 400_f64.sqrt() - z_975());
        assert!((directional_power(0.2, 400) - z).abs() < 2e-3);
        assert_eq!(replications_for_power(0.5, 0.95), Some(54));
        assert_eq!(replications_for_power(0.5, 0.80), Some(34));
        assert_eq!(replications_for_power(0.0, 0.9), None);
        assert!(directional_power(1.0, 3) < directional_power(1.0, 4));
    }

    #[test]
    fn estimate_of_known_values() {
        let e = Estimate::of([1.0, 2.0, 3.0, 4.0]);
        assert_eq!(e.mean, 2.5);
        assert!((e.sd - 1.290_994).abs() < 1e-6);
        assert!((e.half_width() - 3.182_446 * 1.290_994 / 2.0).abs() < 1e-6);
    }

    #[test]
    fn non_finite_values_are_skipped_and_empty_is_nan() {
        let e = Estimate::of([1.0, f64::NAN, 3.0]);
        assert_eq!(e.n, 2);
        assert_eq!(e.mean, 2.0);
        assert!(Estimate::of([]).mean.is_nan());
        assert_eq!(Estimate::of([5.0]).lo, 5.0);
    }

    #[test]
    fn fractional_t_quantiles_match_r_and_the_whole_df_table() {
        // R: qt(0.975, 50/17) = 3.2187586145328826.
        assert!((t_975_fractional(50.0 / 17.0) - 3.218_758_614_532_882_6).abs() < 1e-9);
        for df in [1, 2, 7, 30] {
            assert!((t_975_fractional(df as f64) - t_975(df)).abs() < 1e-12);
        }
        assert!(t_975_fractional(0.0).is_nan() && t_975_fractional(f64::NAN).is_nan());
    }

    #[test]
    fn t_quantiles_match_tables_and_approach_the_normal() {
        // Published values (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
        for (df, t) in [
            (1, 12.706),
            (2, 4.303),
            (4, 2.776),
            (10, 2.228),
            (30, 2.042),
        ] {
            assert!((t_975(df) - t).abs() < 1e-3, "df {df}: {}", t_975(df));
        }
        assert!((t_975(40) - 2.021).abs() < 1e-3);
        assert!((t_975(120) - 1.980).abs() < 1e-3);
        assert!(t_975(10_000) > 1.959 && t_975(10_000) < 1.961);
        assert!(t_975(0).is_nan());
        assert!((z_975() - 1.959_964).abs() < 1e-6);
    }

    #[test]
    fn spearman_of_monotone_and_reversed_data() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let up = spearman(&x, &[1.0, 4.0, 9.0, 16.0, 25.0, 36.0]);
        let down = spearman(&x, &[6.0, 5.0, 4.0, 3.0, 2.0, 1.0]);
        assert!((up.mean - 1.0).abs() < 1e-12 && (down.mean + 1.0).abs() < 1e-12);
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), [2.5, 1.0, 2.5]);
    }

    #[test]
    fn wilson_interval_contains_the_share_and_stays_in_unit_range() {
        for n in [1, 3, 10, 100] {
            for k in 0..=n {
                let p = k as f64 / n as f64;
                let (lo, hi) = wilson(p, n);
                assert!(0.0 <= lo && lo <= p && p <= hi && hi <= 1.0, "{k}/{n}");
            }
        }
        assert!(wilson(0.0, 10).1 > 0.0);
        assert!(wilson(0.5, 0).0.is_nan());
    }
}
