//! Global sensitivity indices of a sweep: Morris elementary effects, Sobol first-order, total
//! and second-order indices, and partial rank correlations (PRCC) for a Latin hypercube (or a
//! grid of three or more factors).
//!
//! Why these estimators: they are the ones SALib's `morris.analyze` and `sobol.analyze` use, so
//! a user who takes `points.csv` to SALib gets the same point estimates (the bootstrap draws
//! differ, so the intervals agree only in distribution).
//!
//! - Morris: the elementary effect of the factor that moves at a step of a trajectory is
//!   (y after − y before) / Δ for a step up and (y before − y after) / Δ for a step down, with Δ
//!   on the unit scale (p / (2 (p − 1))), so it is in outcome units per whole factor range.
//!   μ is their mean, μ* the mean of their absolute values (Campolongo et al. 2007), σ their
//!   standard deviation (n − 1).
//! - Sobol: the outputs are first standardised (mean 0, standard deviation 1 over all points),
//!   as SALib does. With V the variance (n) of the A and B outputs together,
//!   S1_j = mean(f(B) (f(AB_j) − f(A))) / V (Saltelli et al. 2010),
//!   ST_j = mean((f(A) − f(AB_j))²) / (2V) (Jansen 1999), and
//!   S2_jk = mean(f(BA_j) f(AB_k) − f(A) f(B)) / V − S1_j − S1_k (Saltelli 2002).
//! - PRCC: ranks of every factor and of the outcome; each factor's ranks and the outcome's ranks
//!   are regressed on the other factors' ranks; the PRCC is the correlation of the two residuals,
//!   with a Fisher-z interval of standard error 1 / sqrt(n − 3 − (D − 1)).
//!
//! Intervals: Morris μ* and Sobol indices are resampled (bootstrap over trajectories or base
//! rows, 1000 times); the interval is the estimate ± 1.96 × the bootstrap standard deviation,
//! SALib's `_conf` columns. Indices are computed on each design point's mean over
//! replications; the replication noise left in those means is reported separately.

use super::stats::{correlation_estimate, pearson, ranks, z_975};
use super::summary::FirmSummary;
use super::sweep::{Plan, SweepResults};
use crate::model::rng::{self, Purpose};
use crate::scenario::{DesignKind, SensitivityLayout, morris_delta};

/// Bootstrap resamples of every interval.
pub const RESAMPLES: usize = 1000;

/// Outcomes analysed: a [`FirmSummary::COLUMNS`] name, or `share_virtuous` (the share of a
/// point's replications that end virtuous). The first is the main outcome of the terminal table.
pub const OUTCOMES: [&str; 5] = [
    "net_value",
    "final_loyalty",
    "monthly_churn",
    "share_virtuous",
    "profit",
];

/// Morris indices of one factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndex {
    pub mu: f64,
    pub mu_star: f64,
    /// Half-width of the 95% bootstrap interval of μ* (SALib's `mu_star_conf`).
    pub mu_star_conf: f64,
    pub sigma: f64,
}

/// Sobol indices of one factor, with the half-widths of their 95% bootstrap intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    pub s1: f64,
    pub s1_conf: f64,
    pub st: f64,
    pub st_conf: f64,
}

/// A second-order Sobol index of a pair of factors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SecondOrder {
    pub i: usize,
    pub j: usize,
    pub s2: f64,
    pub conf: f64,
}

/// The indices of one factor for one outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Indices {
    Morris(MorrisIndex),
    Sobol(SobolIndex),
    /// Partial rank correlation with its 95% interval.
    Prcc(super::stats::Estimate),
}

impl Indices {
    /// The number factors are ranked by: μ*, ST, or |PRCC|.
    pub fn importance(&self) -> f64 {
        match self {
            Indices::Morris(m) => m.mu_star,
            Indices::Sobol(s) => s.st,
            Indices::Prcc(e) => e.mean.abs(),
        }
    }
}

/// One outcome of one firm: every factor's indices, the pairs', and the replication noise.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeSensitivity {
    pub firm: usize,
    pub outcome: &'static str,
    /// Per factor, in design order.
    pub factors: Vec<Indices>,
    pub second_order: Vec<SecondOrder>,
    /// Share of the variance of the point means that is noise between replications: the mean
    /// within-point variance over R, divided by the variance of the point means (NaN with one
    /// replication). Near 0: the factors explain the spread; near 1: noise does.
    pub noise_share: f64,
}

/// The sensitivity analysis of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    pub kind: DesignKind,
    pub outcomes: Vec<OutcomeSensitivity>,
}

/// Elementary effects per factor (outer) and trajectory (inner) from outputs `y` in the layout
/// of a Morris design.
pub fn elementary_effects(
    y: &[f64],
    factors: usize,
    steps: &[Vec<(usize, f64)>],
    levels: u32,
) -> Vec<Vec<f64>> {
    let delta = morris_delta(levels);
    let mut effects = vec![Vec::with_capacity(steps.len()); factors];
    for (t, trajectory) in steps.iter().enumerate() {
        let base = t * (factors + 1);
        for (k, &(factor, direction)) in trajectory.iter().enumerate() {
            let change = y[base + k + 1] - y[base + k];
            effects[factor].push(direction * change / delta);
        }
    }
    effects
}

fn mean(values: impl ExactSizeIterator<Item = f64>) -> f64 {
    let n = values.len();
    values.sum::<f64>() / n as f64
}

fn sample_sd(values: &[f64]) -> f64 {
    let m = mean(values.iter().copied());
    (values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (values.len() as f64 - 1.0)).sqrt()
}

/// Bootstrap draws: `RESAMPLES` lists of `n` indices, from a stream of `seed` and `key`.
fn resamples(n: usize, seed: u64, key: u64) -> Vec<Vec<usize>> {
    let mut stream = rng::stream(seed, Purpose::Design, 2, key);
    (0..RESAMPLES)
        .map(|_| {
            (0..n)
                .map(|_| rng::index(&mut stream, n as u32) as usize)
                .collect()
        })
        .collect()
}

/// μ, μ*, its interval and σ of each factor's elementary effects.
pub fn morris_indices(effects: &[Vec<f64>], seed: u64, key: u64) -> Vec<MorrisIndex> {
    let r = effects.first().map_or(0, Vec::len);
    let draws = resamples(r, seed, key);
    effects
        .iter()
        .map(|ee| {
            let mu_star_of = |rows: &mut dyn Iterator<Item = f64>| {
                let (sum, count) = rows.fold((0.0, 0usize), |(s, c), v| (s + v.abs(), c + 1));
                sum / count as f64
            };
            let boot: Vec<f64> = draws
                .iter()
                .map(|rows| mu_star_of(&mut rows.iter().map(|&i| ee[i])))
                .collect();
            MorrisIndex {
                mu: mean(ee.iter().copied()),
                mu_star: mu_star_of(&mut ee.iter().copied()),
                mu_star_conf: z_975() * sample_sd(&boot),
                sigma: sample_sd(ee),
            }
        })
        .collect()
}

/// Outputs of a Sobol design split by role: per base row, f(A), f(AB_j), f(BA_j), f(B).
struct SaltelliOutputs {
    a: Vec<f64>,
    b: Vec<f64>,
    ab: Vec<Vec<f64>>,
    ba: Vec<Vec<f64>>,
}

impl SaltelliOutputs {
    fn split(y: &[f64], factors: usize, second_order: bool) -> SaltelliOutputs {
        let per_row = if second_order {
            2 * factors + 2
        } else {
            factors + 2
        };
        // Standardised as SALib does (mean 0, population standard deviation 1).
        let m = mean(y.iter().copied());
        let sd = (y.iter().map(|v| (v - m).powi(2)).sum::<f64>() / y.len() as f64).sqrt();
        let z = |v: f64| if sd > 0.0 { (v - m) / sd } else { v - m };
        let rows = y.chunks_exact(per_row);
        let mut out = SaltelliOutputs {
            a: Vec::with_capacity(rows.len()),
            b: Vec::with_capacity(rows.len()),
            ab: vec![Vec::with_capacity(rows.len()); factors],
            ba: vec![Vec::with_capacity(rows.len()); if second_order { factors } else { 0 }],
        };
        for row in rows {
            out.a.push(z(row[0]));
            for j in 0..factors {
                out.ab[j].push(z(row[1 + j]));
                if second_order {
                    out.ba[j].push(z(row[1 + factors + j]));
                }
            }
            out.b.push(z(row[per_row - 1]));
        }
        out
    }

    /// Variance (n) of the A and B outputs of the chosen base rows.
    fn variance(&self, rows: &[usize]) -> f64 {
        let n = 2.0 * rows.len() as f64;
        let m = rows.iter().map(|&i| self.a[i] + self.b[i]).sum::<f64>() / n;
        rows.iter()
            .map(|&i| (self.a[i] - m).powi(2) + (self.b[i] - m).powi(2))
            .sum::<f64>()
            / n
    }

    fn first(&self, j: usize, rows: &[usize], variance: f64) -> f64 {
        let sum: f64 = rows
            .iter()
            .map(|&i| self.b[i] * (self.ab[j][i] - self.a[i]))
            .sum();
        sum / rows.len() as f64 / variance
    }

    fn total(&self, j: usize, rows: &[usize], variance: f64) -> f64 {
        let sum: f64 = rows
            .iter()
            .map(|&i| (self.a[i] - self.ab[j][i]).powi(2))
            .sum();
        0.5 * sum / rows.len() as f64 / variance
    }

    fn second(&self, j: usize, k: usize, rows: &[usize], variance: f64) -> f64 {
        let sum: f64 = rows
            .iter()
            .map(|&i| self.ba[j][i] * self.ab[k][i] - self.a[i] * self.b[i])
            .sum();
        let vjk = sum / rows.len() as f64 / variance;
        vjk - self.first(j, rows, variance) - self.first(k, rows, variance)
    }
}

/// S1 and ST of every factor (and S2 of every pair with `second_order`) from outputs `y` in
/// Saltelli's layout.
pub fn sobol_indices(
    y: &[f64],
    factors: usize,
    second_order: bool,
    seed: u64,
    key: u64,
) -> (Vec<SobolIndex>, Vec<SecondOrder>) {
    let outputs = SaltelliOutputs::split(y, factors, second_order);
    let n = outputs.a.len();
    let all: Vec<usize> = (0..n).collect();
    let variance = outputs.variance(&all);
    let draws = resamples(n, seed, key);
    let draw_variances: Vec<f64> = draws.iter().map(|rows| outputs.variance(rows)).collect();
    let conf = |f: &dyn Fn(&[usize], f64) -> f64| {
        let boot: Vec<f64> = draws
            .iter()
            .zip(&draw_variances)
            .map(|(rows, &v)| f(rows, v))
            .collect();
        z_975() * sample_sd(&boot)
    };
    let first = (0..factors)
        .map(|j| SobolIndex {
            s1: outputs.first(j, &all, variance),
            s1_conf: conf(&|rows, v| outputs.first(j, rows, v)),
            st: outputs.total(j, &all, variance),
            st_conf: conf(&|rows, v| outputs.total(j, rows, v)),
        })
        .collect();
    let mut second = Vec::new();
    if second_order {
        for j in 0..factors {
            for k in j + 1..factors {
                second.push(SecondOrder {
                    i: j,
                    j: k,
                    s2: outputs.second(j, k, &all, variance),
                    conf: conf(&|rows, v| outputs.second(j, k, rows, v)),
                });
            }
        }
    }
    (first, second)
}

/// Residuals of `y` after least-squares regression on `columns` (with an intercept).
fn residuals(y: &[f64], columns: &[&[f64]]) -> Vec<f64> {
    let n = y.len();
    let p = columns.len() + 1;
    let x = |i: usize, c: usize| if c == 0 { 1.0 } else { columns[c - 1][i] };
    // Normal equations (X'X) b = X'y, solved by Gaussian elimination with partial pivoting.
    let mut m = vec![vec![0.0; p + 1]; p];
    for (r, row) in m.iter_mut().enumerate() {
        for (c, cell) in row.iter_mut().take(p).enumerate() {
            *cell = (0..n).map(|i| x(i, r) * x(i, c)).sum();
        }
        row[p] = (0..n).map(|i| x(i, r) * y[i]).sum();
    }
    for col in 0..p {
        let pivot = (col..p)
            .max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))
            .unwrap_or(col);
        m.swap(col, pivot);
        if m[col][col].abs() < 1e-12 {
            continue;
        }
        let pivot_row = m[col].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != col {
                let factor = row[col] / pivot_row[col];
                for (cell, pivot) in row.iter_mut().zip(&pivot_row).skip(col) {
                    *cell -= factor * pivot;
                }
            }
        }
    }
    let beta: Vec<f64> = (0..p)
        .map(|r| {
            if m[r][r].abs() < 1e-12 {
                0.0
            } else {
                m[r][p] / m[r][r]
            }
        })
        .collect();
    (0..n)
        .map(|i| y[i] - (0..p).map(|c| beta[c] * x(i, c)).sum::<f64>())
        .collect()
}

/// Partial rank correlation of each factor (columns of `x`) with `y`, with 95% intervals.
pub fn prcc(x: &[Vec<f64>], y: &[f64]) -> Vec<super::stats::Estimate> {
    let ranked: Vec<Vec<f64>> = x.iter().map(|c| ranks(c)).collect();
    let ry = ranks(y);
    if ry.iter().all(|&r| r == ry[0]) {
        // A constant outcome has no correlation with anything: n/a, not 0.
        return vec![super::stats::Estimate::of([]); x.len()];
    }
    (0..x.len())
        .map(|j| {
            let others: Vec<&[f64]> = ranked
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != j)
                .map(|(_, c)| c.as_slice())
                .collect();
            let r = pearson(&residuals(&ranked[j], &others), &residuals(&ry, &others));
            correlation_estimate(r, y.len(), others.len())
        })
        .collect()
}

/// Per point: the outcome's mean over replications and its within-point sample variance.
fn point_values(
    plan: &Plan,
    results: &SweepResults,
    firm: usize,
    outcome: &str,
) -> Vec<(f64, f64)> {
    let stats = results.points.iter().filter(|p| p.firm == firm);
    let replications = plan.replications as usize;
    let r = replications as f64;
    match FirmSummary::COLUMNS.iter().position(|c| *c == outcome) {
        Some(column) => stats
            .map(|p| {
                let e = &p.outcomes[column];
                (e.mean, e.sd * e.sd)
            })
            .collect(),
        None => stats
            .map(|p| {
                let share = p.regime_shares[0];
                let variance = if replications > 1 {
                    share * (1.0 - share) * r / (r - 1.0)
                } else {
                    f64::NAN
                };
                (share, variance)
            })
            .collect(),
    }
}

/// Share of the variance of the point means that is replication noise.
fn noise_share(values: &[(f64, f64)], replications: u32) -> f64 {
    if replications < 2 || values.len() < 2 {
        return f64::NAN;
    }
    let means: Vec<f64> = values.iter().map(|v| v.0).collect();
    let between = sample_sd(&means).powi(2);
    let within = mean(values.iter().map(|v| v.1)) / f64::from(replications);
    if between > 0.0 {
        (within / between).min(1.0)
    } else if within > 0.0 {
        1.0
    } else {
        0.0
    }
}

/// Computes the indices of a Morris, Sobol or Latin-hypercube sweep, or partial rank
/// correlations of a grid of three or more factors (None for other designs).
pub fn analyse(plan: &Plan, results: &SweepResults) -> Option<Sensitivity> {
    let design = &plan.design;
    let d = design.factors.len();
    let seed = plan.scenario.seed();
    let mut outcomes = Vec::new();
    for firm in 0..plan.firms() {
        for (o, &outcome) in OUTCOMES.iter().enumerate() {
            let values = point_values(plan, results, firm, outcome);
            let y: Vec<f64> = values.iter().map(|v| v.0).collect();
            let key = (firm * OUTCOMES.len() + o) as u64;
            let (factors, second_order) = match (&design.kind, &design.layout) {
                (DesignKind::Morris, Some(SensitivityLayout::Morris { steps, levels, .. })) => {
                    let effects = elementary_effects(&y, d, steps, *levels);
                    let indices = morris_indices(&effects, seed, key);
                    (
                        indices.into_iter().map(Indices::Morris).collect(),
                        Vec::new(),
                    )
                }
                (DesignKind::Sobol, Some(SensitivityLayout::Sobol { second_order, .. })) => {
                    let (first, second) = sobol_indices(&y, d, *second_order, seed, key);
                    (first.into_iter().map(Indices::Sobol).collect(), second)
                }
                (DesignKind::Lhs, _) | (DesignKind::Grid, _)
                    if d >= 3 || design.kind == DesignKind::Lhs =>
                {
                    let x: Vec<Vec<f64>> = (0..d)
                        .map(|j| design.points.iter().map(|p| p.values[j]).collect())
                        .collect();
                    (
                        prcc(&x, &y).into_iter().map(Indices::Prcc).collect(),
                        Vec::new(),
                    )
                }
                _ => return None,
            };
            outcomes.push(OutcomeSensitivity {
                firm,
                outcome,
                factors,
                second_order,
                noise_share: noise_share(&values, plan.replications),
            });
        }
    }
    Some(Sensitivity {
        kind: design.kind,
        outcomes,
    })
}

/// The advice printed with the ranked table: more replications when noise dominates the point
/// means, otherwise more samples (or trajectories).
pub fn recommendation(noise_share: f64, kind: DesignKind) -> String {
    let samples = match kind {
        DesignKind::Morris => "trajectories",
        DesignKind::Sobol => "base samples",
        _ => "points",
    };
    if noise_share.is_nan() {
        return "replication noise unknown with 1 replication: use at least 2 to measure it"
            .to_owned();
    }
    let percent = 100.0 * noise_share;
    if noise_share > 0.2 {
        format!(
            "replication noise is {percent:.1}% of the variance of the point means: add \
             replications first (noise falls as 1/R), then {samples}"
        )
    } else {
        format!(
            "replication noise is {percent:.1}% of the variance of the point means: more \
             {samples} will narrow the intervals more than more replications"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::design::{morris_unit, saltelli_unit};
    use std::f64::consts::PI;

    fn ishigami(x: &[f64]) -> f64 {
        let (a, b) = (7.0, 0.1);
        let x: Vec<f64> = x.iter().map(|u| -PI + 2.0 * PI * u).collect();
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    /// Sobol's g-function with coefficients a: analytic first-order and total indices.
    fn g_function(x: &[f64], a: &[f64]) -> f64 {
        x.iter()
            .zip(a)
            .map(|(u, a)| ((4.0 * u - 2.0).abs() + a) / (1.0 + a))
            .product()
    }

    fn g_indices(a: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let v: Vec<f64> = a.iter().map(|a| 1.0 / (3.0 * (1.0 + a).powi(2))).collect();
        let total = v.iter().map(|v| 1.0 + v).product::<f64>() - 1.0;
        let s1 = v.iter().map(|v| v / total).collect();
        let st = (0..a.len())
            .map(|j| {
                v[j] * (0..a.len())
                    .filter(|&k| k != j)
                    .map(|k| 1.0 + v[k])
                    .product::<f64>()
                    / total
            })
            .collect();
        (s1, st)
    }

    fn assert_within(name: &str, estimate: f64, conf: f64, truth: f64) {
        assert!(
            (estimate - truth).abs() <= conf,
            "{name}: {estimate:.4} ± {conf:.4} misses {truth:.4}"
        );
    }

    #[test]
    fn ishigami_indices_fall_within_their_intervals_at_n_4096() {
        let rows = saltelli_unit(3, 4096, false, 1);
        let y: Vec<f64> = rows.iter().map(|x| ishigami(x)).collect();
        let (indices, _) = sobol_indices(&y, 3, false, 1, 0);
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        for j in 0..3 {
            assert_within(&format!("S1_{j}"), indices[j].s1, indices[j].s1_conf, s1[j]);
            assert_within(&format!("ST_{j}"), indices[j].st, indices[j].st_conf, st[j]);
            assert!(indices[j].s1_conf < 0.1 && indices[j].st_conf < 0.1);
        }
    }

    #[test]
    fn ishigami_second_order_shows_the_x1_x3_interaction() {
        let rows = saltelli_unit(3, 4096, true, 2);
        let y: Vec<f64> = rows.iter().map(|x| ishigami(x)).collect();
        let (_, second) = sobol_indices(&y, 3, true, 2, 0);
        // S13 = ST1 − S1 = 0.2437; the other pairs do not interact.
        let truth = [0.0, 0.2437, 0.0];
        for (pair, t) in second.iter().zip(truth) {
            assert_within(&format!("S2_{}{}", pair.i, pair.j), pair.s2, pair.conf, t);
        }
    }

    #[test]
    fn g_function_indices_fall_within_their_intervals_at_n_4096() {
        let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0];
        let rows = saltelli_unit(a.len(), 4096, false, 3);
        let y: Vec<f64> = rows.iter().map(|x| g_function(x, &a)).collect();
        let (indices, _) = sobol_indices(&y, a.len(), false, 3, 0);
        let (s1, st) = g_indices(&a);
        for j in 0..a.len() {
            assert_within(&format!("S1_{j}"), indices[j].s1, indices[j].s1_conf, s1[j]);
            assert_within(&format!("ST_{j}"), indices[j].st, indices[j].st_conf, st[j]);
        }
        // The unimportant factors are found unimportant.
        assert!(indices[4].st < 0.01 && indices[5].st < 0.01);
    }

    #[test]
    fn morris_mu_star_of_a_linear_function_is_coefficient_times_range() {
        let coefficients = [3.0, -2.0, 0.5, 0.0];
        let ranges = [(0.0, 1.0), (10.0, 20.0), (-1.0, 1.0), (0.0, 5.0)];
        let (unit, steps) = morris_unit(4, 10, 4, 9);
        let y: Vec<f64> = unit
            .iter()
            .map(|u| {
                u.iter()
                    .zip(&ranges)
                    .zip(&coefficients)
                    .map(|((u, (lo, hi)), c)| c * (lo + u * (hi - lo)))
                    .sum()
            })
            .collect();
        let effects = elementary_effects(&y, 4, &steps, 4);
        let indices = morris_indices(&effects, 9, 0);
        for j in 0..4 {
            let expected = coefficients[j] * (ranges[j].1 - ranges[j].0);
            assert!(
                (indices[j].mu - expected).abs() < 1e-9,
                "{j}: {:?}",
                indices[j]
            );
            assert!((indices[j].mu_star - expected.abs()).abs() < 1e-9);
            assert!(indices[j].sigma.abs() < 1e-9 && indices[j].mu_star_conf.abs() < 1e-9);
        }
    }

    #[test]
    fn prcc_sees_through_correlated_factors() {
        // x1 drives y; x2 is correlated with x1 but has no effect of its own.
        let n = 200;
        let mut stream = rng::stream(5, Purpose::Design, 9, 0);
        let x1: Vec<f64> = (0..n).map(|_| f64::from(rng::unit(&mut stream))).collect();
        let x2: Vec<f64> = x1
            .iter()
            .map(|v| 0.7 * v + 0.3 * f64::from(rng::unit(&mut stream)))
            .collect();
        let y: Vec<f64> = x1
            .iter()
            .map(|v| v + 0.05 * f64::from(rng::unit(&mut stream)))
            .collect();
        let p = prcc(&[x1, x2.clone()], &y);
        assert!(p[0].mean > 0.9 && p[0].lo > 0.8, "{:?}", p[0]);
        assert!(p[1].lo < 0.0 && p[1].hi > 0.0, "{:?}", p[1]);
        // The plain rank correlation of x2 would have called it important.
        assert!(super::super::stats::spearman(&x2, &y).lo > 0.5);
        // A constant outcome: n/a.
        assert!(
            prcc(&[vec![1.0, 2.0, 3.0, 4.0, 5.0]], &[2.0; 5])[0]
                .mean
                .is_nan()
        );
    }

    #[test]
    fn noise_share_separates_noise_from_signal() {
        assert_eq!(noise_share(&[(0.0, 0.0), (1.0, 0.0)], 4), 0.0);
        assert_eq!(noise_share(&[(0.0, 4.0), (0.0, 4.0)], 4), 1.0);
        assert!((noise_share(&[(0.0, 1.0), (1.0, 1.0)], 4) - 0.5).abs() < 1e-12);
        assert!(noise_share(&[(0.0, 1.0), (1.0, 1.0)], 1).is_nan());
    }
}
