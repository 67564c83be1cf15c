//! Comparing two runs (arm A and arm B): the statistics of `cocreate compare`.
//!
//! A run is given as plain numbers (per firm, per replication, its seed and outcome values, and
//! optionally per-tick trajectories), so that this module does no I/O: the command reads the
//! run directories, this module says what B − A is and how sure we are of it.
//!
//! When both arms ran the same replication seeds (common random numbers, the default for two
//! runs with the same master seed), the comparison is *paired*: replication r of A and of B saw
//! the same random draws wherever the scenarios agree, so the interval is the Student-t interval
//! of the per-replication differences, exactly as the paired contrasts of a `variants` sweep
//! ([`super::sweep::SweepResults::contrasts`]). Otherwise the arms are independent samples and
//! the interval is Welch's (unequal variances, Welch–Satterthwaite degrees of freedom).

use super::stats::{Estimate, t_975};

/// How a difference was estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairing {
    /// Same replication seeds in both arms: interval of the per-replication differences.
    Paired,
    /// Different seeds: Welch's two-sample interval.
    Welch,
}

impl Pairing {
    /// Decides from the replication seeds of the two arms (in replication order).
    pub fn of(seeds_a: &[u64], seeds_b: &[u64]) -> Pairing {
        if !seeds_a.is_empty() && seeds_a == seeds_b {
            Pairing::Paired
        } else {
            Pairing::Welch
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Pairing::Paired => "paired",
            Pairing::Welch => "welch",
        }
    }
}

/// B − A with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Difference {
    /// True when the interval excludes 0.
    pub fn excludes_zero(&self) -> bool {
        self.lo > 0.0 || self.hi < 0.0
    }
}

/// The 95% interval of B − A. `Paired` needs `a` and `b` of equal length in replication order
/// (falls back to Welch if they are not); non-finite values are skipped (pairwise for
/// `Paired`).
pub fn difference(a: &[f64], b: &[f64], pairing: Pairing) -> Difference {
    if pairing == Pairing::Paired && a.len() == b.len() {
        let paired = Estimate::of(a.iter().zip(b).map(|(a, b)| b - a));
        return Difference {
            mean: paired.mean,
            lo: paired.lo,
            hi: paired.hi,
        };
    }
    welch(a, b)
}

/// Welch's 95% interval of mean(b) − mean(a). With fewer than two finite values in an arm the
/// interval is undefined (NaN bounds around the difference of means); with zero variance in
/// both arms it collapses to the difference.
pub fn welch(a: &[f64], b: &[f64]) -> Difference {
    let ea = Estimate::of(a.iter().copied());
    let eb = Estimate::of(b.iter().copied());
    let mean = eb.mean - ea.mean;
    if ea.n < 2 || eb.n < 2 {
        return Difference {
            mean,
            lo: f64::NAN,
            hi: f64::NAN,
        };
    }
    let va = ea.sd * ea.sd / ea.n as f64;
    let vb = eb.sd * eb.sd / eb.n as f64;
    let se = (va + vb).sqrt();
    if se == 0.0 {
        return Difference {
            mean,
            lo: mean,
            hi: mean,
        };
    }
    let df = (va + vb).powi(2) / (va * va / (ea.n as f64 - 1.0) + vb * vb / (eb.n as f64 - 1.0));
    // The t table takes whole degrees of freedom: rounding down widens the interval slightly.
    let t = t_975((df.floor() as usize).max(1));
    Difference {
        mean,
        lo: mean - t * se,
        hi: mean + t * se,
    }
}

/// One outcome of one firm, compared.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeComparison {
    pub firm: String,
    pub outcome: String,
    pub a: Estimate,
    pub b: Estimate,
    pub difference: Difference,
}

/// The values of one arm for one firm: outcome columns × replications.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArmOutcomes {
    pub firm: String,
    /// Per outcome (same order as the column list given to [`compare_outcomes`]), the values
    /// of the replications in replication order.
    pub values: Vec<Vec<f64>>,
}

/// Compares every outcome of every firm present in both arms (matched by name, A's order).
pub fn compare_outcomes(
    columns: &[String],
    a: &[ArmOutcomes],
    b: &[ArmOutcomes],
    pairing: Pairing,
) -> Vec<OutcomeComparison> {
    let mut out = Vec::new();
    for arm_a in a {
        let Some(arm_b) = b.iter().find(|f| f.firm == arm_a.firm) else {
            continue;
        };
        for (k, column) in columns.iter().enumerate() {
            let (Some(va), Some(vb)) = (arm_a.values.get(k), arm_b.values.get(k)) else {
                continue;
            };
            out.push(OutcomeComparison {
                firm: arm_a.firm.clone(),
                outcome: column.clone(),
                a: Estimate::of(va.iter().copied()),
                b: Estimate::of(vb.iter().copied()),
                difference: difference(va, vb, pairing),
            });
        }
    }
    out
}

/// Per-tick mean and 95% band of a set of replications' trajectories (replication × tick).
pub fn band(trajectories: &[Vec<f64>]) -> Vec<Estimate> {
    let ticks = trajectories.iter().map(Vec::len).min().unwrap_or(0);
    (0..ticks)
        .map(|t| Estimate::of(trajectories.iter().map(|r| r[t])))
        .collect()
}

/// Per-tick B − A with its 95% band (paired or Welch, as for the outcomes).
pub fn band_difference(a: &[Vec<f64>], b: &[Vec<f64>], pairing: Pairing) -> Vec<Difference> {
    let ticks = a.iter().chain(b).map(Vec::len).min().unwrap_or(0);
    (0..ticks)
        .map(|t| {
            let at: Vec<f64> = a.iter().map(|r| r[t]).collect();
            let bt: Vec<f64> = b.iter().map(|r| r[t]).collect();
            difference(&at, &bt, pairing)
        })
        .collect()
}

/// One key whose value differs between the two resolved scenarios; `None` where a side lacks
/// the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDifference {
    pub key: String,
    pub a: Option<String>,
    pub b: Option<String>,
}

/// The key-by-key differences of two resolved scenarios (JSON, as in `manifest.json`), with
/// dotted keys as `--set` takes them (array elements by index), in sorted key order.
pub fn scenario_diff(a: &serde_json::Value, b: &serde_json::Value) -> Vec<KeyDifference> {
    let mut fa = std::collections::BTreeMap::new();
    let mut fb = std::collections::BTreeMap::new();
    flatten("", a, &mut fa);
    flatten("", b, &mut fb);
    let keys: std::collections::BTreeSet<&String> = fa.keys().chain(fb.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let (va, vb) = (fa.get(key), fb.get(key));
            (va != vb).then(|| KeyDifference {
                key: key.clone(),
                a: va.cloned(),
                b: vb.cloned(),
            })
        })
        .collect()
}

fn flatten(
    prefix: &str,
    value: &serde_json::Value,
    out: &mut std::collections::BTreeMap<String, String>,
) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                flatten(&join(key), value, out);
            }
        }
        serde_json::Value::Array(items) if items.iter().any(|v| v.is_object()) => {
            for (i, value) in items.iter().enumerate() {
                flatten(&join(&i.to_string()), value, out);
            }
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairing_needs_identical_seed_lists() {
        assert_eq!(Pairing::of(&[1, 2], &[1, 2]), Pairing::Paired);
        assert_eq!(Pairing::of(&[1, 2], &[2, 1]), Pairing::Welch);
        assert_eq!(Pairing::of(&[1, 2], &[1, 2, 3]), Pairing::Welch);
        assert_eq!(Pairing::of(&[], &[]), Pairing::Welch);
    }

    #[test]
    fn paired_interval_is_the_interval_of_differences() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [2.0, 4.0, 4.0, 6.0];
        let d = difference(&a, &b, Pairing::Paired);
        let e = Estimate::of([1.0, 2.0, 1.0, 2.0]);
        assert_eq!((d.mean, d.lo, d.hi), (e.mean, e.lo, e.hi));
        // Pairing removes the shared variation: the paired interval is narrower here.
        let w = difference(&a, &b, Pairing::Welch);
        assert_eq!(w.mean, d.mean);
        assert!(w.hi - w.lo > d.hi - d.lo);
    }

    #[test]
    fn welch_matches_a_hand_computation() {
        // Means 2 and 5, variances 1 and 4, n = 3 each: se = sqrt(1/3 + 4/3) = 1.2910,
        // df = (5/3)^2 / ((1/9)/2 + (16/9)/2) = 2.94 -> 2, t = 4.303 (tables round it; with
        // 2 degrees of freedom t_p = (2p - 1) sqrt(2 / (4p(1 - p))) exactly).
        let d = welch(&[1.0, 2.0, 3.0], &[3.0, 5.0, 7.0]);
        assert_eq!(d.mean, 3.0);
        let t = 0.95 * (2.0f64 / (4.0 * 0.975 * 0.025)).sqrt();
        assert!((t - 4.303).abs() < 5e-4);
        let half = t * (5.0f64 / 3.0).sqrt();
        assert!((d.hi - 3.0 - half).abs() < 1e-9, "{d:?}");
        assert!(d.excludes_zero() == (3.0 - half > 0.0));
    }

    #[test]
    fn welch_of_a_single_replication_has_no_interval() {
        let d = welch(&[1.0], &[2.0, 3.0]);
        assert_eq!(d.mean, 1.5);
        assert!(d.lo.is_nan() && d.hi.is_nan());
        let flat = welch(&[1.0, 1.0], &[2.0, 2.0]);
        assert_eq!((flat.lo, flat.hi), (1.0, 1.0));
    }

    #[test]
    fn scenario_diff_lists_changed_added_and_removed_keys() {
        let a = serde_json::json!({"ticks": 104, "firms": [{"name": "x", "policy": {"incentive": 0.3}}], "tags": [1, 2]});
        let b = serde_json::json!({"ticks": 104, "firms": [{"name": "x", "policy": {"incentive": 0.6}}], "extra": true, "tags": [1, 2]});
        let diff = scenario_diff(&a, &b);
        assert_eq!(
            diff,
            vec![
                KeyDifference {
                    key: "extra".into(),
                    a: None,
                    b: Some("true".into())
                },
                KeyDifference {
                    key: "firms.0.policy.incentive".into(),
                    a: Some("0.3".into()),
                    b: Some("0.6".into())
                },
            ]
        );
    }

    #[test]
    fn bands_of_differences_are_per_tick() {
        let a = vec![vec![0.0, 1.0, 2.0], vec![0.0, 1.0, 4.0]];
        let b = vec![vec![0.0, 2.0, 3.0], vec![0.0, 2.0, 5.0]];
        let d = band_difference(&a, &b, Pairing::Paired);
        assert_eq!(d.len(), 3);
        assert_eq!((d[1].mean, d[1].lo, d[1].hi), (1.0, 1.0, 1.0));
        assert_eq!(band(&a)[2].mean, 3.0);
    }
}
