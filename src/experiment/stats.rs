//! Small statistics: mean, standard deviation and 95% confidence intervals (Student's t).
//!
//! Every reduction here runs sequentially over values in a fixed order, so results never depend
//! on thread scheduling.

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
        let sd = variance.sqrt();
        let half = t_975(n - 1) * sd / (n as f64).sqrt();
        Estimate {
            n,
            mean,
            sd,
            lo: mean - half,
            hi: mean + half,
        }
    }

    /// The interval's half-width.
    pub fn half_width(&self) -> f64 {
        (self.hi - self.lo) / 2.0
    }
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom (table for small df, then
/// the Cornish-Fisher expansion, accurate to about 1e-4).
pub fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df - 1],
        _ => {
            let z: f64 = 1.959_964;
            let d = df as f64;
            z + (z.powi(3) + z) / (4.0 * d)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * d * d)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_of_known_values() {
        let e = Estimate::of([1.0, 2.0, 3.0, 4.0]);
        assert_eq!(e.mean, 2.5);
        assert!((e.sd - 1.290_994).abs() < 1e-6);
        assert!((e.half_width() - 3.182 * 1.290_994 / 2.0).abs() < 1e-4);
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
    fn t_quantiles_approach_the_normal() {
        assert!((t_975(40) - 2.021).abs() < 1e-3);
        assert!((t_975(120) - 1.980).abs() < 1e-3);
        assert!(t_975(10_000) > 1.959 && t_975(10_000) < 1.961);
    }
}
