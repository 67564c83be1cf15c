//! Global sensitivity designs: Morris trajectories and Saltelli's layout of a scrambled Sobol
//! sequence.
//!
//! Why here: the layouts are a promise to the user. `points.csv` lists the points in exactly the
//! order SALib's `morris.analyze` and `sobol.analyze` (or R's `sensitivity` package) expect, so
//! the indices cocreate reports can be recomputed by an external tool from `points.csv` alone.
//! The estimators live in `experiment::sensitivity`; this module only places the points.
//!
//! - Morris (Morris 1991, with the trajectory selection of Campolongo et al. 2007): every factor
//!   moves on a grid of `p` levels over its range; a trajectory starts at a random grid point and
//!   moves one factor at a time, each once, by Δ = p / (2 (p − 1)) of its range, in random order
//!   and direction, so it has D + 1 points. Ten times as many candidate trajectories as asked
//!   (at most 500, never fewer than asked) are drawn and the `r` most spread out are kept: the
//!   pair farthest apart, then repeatedly the candidate whose summed squared distance to those
//!   kept is largest (a greedy form of Campolongo's criterion; distance between trajectories is
//!   the sum of the Euclidean distances between their points, on the unit scale). Trajectories
//!   are written one after another.
//! - Sobol (Saltelli 2002, 2010): base matrices A and B are the first N points of a
//!   2D-dimensional Owen-scrambled Sobol sequence (`sobol_burley`, seeded from the scenario's
//!   seed; A takes dimensions 0..D, B dimensions D..2D). For each base row i the points are A_i,
//!   then AB_i^1 … AB_i^D (A_i with factor j taken from B_i), then, with `second_order`,
//!   BA_i^1 … BA_i^D (B_i with factor j taken from A_i), then B_i: N (D + 2) points, or
//!   N (2D + 2) with second order, exactly as SALib's `saltelli.sample` / `sobol.sample`.

use super::{Design, DesignKind};
use super::{DesignIssue, ExperimentSpec, MAX_POINTS, Points, grid_value};
use crate::model::rng::{self, Purpose};

/// Default number of Morris grid levels.
pub const DEFAULT_LEVELS: u32 = 4;
/// Most candidate trajectories drawn for the Campolongo selection.
const MAX_CANDIDATES: usize = 500;
/// Most factors of a Sobol design (the sequence has 256 dimensions; A and B take D each).
pub const MAX_SOBOL_FACTORS: usize = 128;

/// How a Morris or Sobol design's points are laid out, for the estimators.
#[derive(Debug, Clone, PartialEq)]
pub enum SensitivityLayout {
    Morris {
        /// Number of trajectories r; trajectory t is points t (D + 1) .. (t + 1) (D + 1).
        trajectories: usize,
        /// Grid levels p.
        levels: u32,
        /// Per trajectory, per step: the factor that moves and its direction (+1 or −1).
        steps: Vec<Vec<(usize, f64)>>,
    },
    Sobol {
        /// Base samples N.
        samples: usize,
        second_order: bool,
    },
}

impl SensitivityLayout {
    /// Points per trajectory (Morris) or per base row (Sobol), given D factors.
    pub fn block(&self, factors: usize) -> usize {
        match self {
            SensitivityLayout::Morris { .. } => factors + 1,
            SensitivityLayout::Sobol { second_order, .. } => {
                if *second_order {
                    2 * factors + 2
                } else {
                    factors + 2
                }
            }
        }
    }
}

/// Morris step on the unit scale: Δ = p / (2 (p − 1)).
pub fn morris_delta(levels: u32) -> f64 {
    f64::from(levels) / (2.0 * f64::from(levels - 1))
}

/// A factor of a sensitivity design: key, whether integer, range.
type Range = (String, bool, f64, f64);

impl ExperimentSpec {
    /// Checks the factors of a Morris or Sobol design: each names a number and has a range.
    fn sensitivity_ranges(
        &self,
        resolved: &toml::Table,
        issues: &mut Vec<DesignIssue>,
    ) -> Vec<Range> {
        if !self.check_factors(issues) {
            return Vec::new();
        }
        let mut ranges = Vec::new();
        for (index, factor) in self.factors.iter().enumerate() {
            let integer = self.factor_kind(index, resolved, issues);
            let at = format!("experiment.factors.{index}.range");
            match factor.range {
                Some([low, high]) if low.is_finite() && high.is_finite() && low < high => {
                    ranges.push((factor.key.clone(), integer.unwrap_or(false), low, high));
                }
                Some(range) => issues.push((
                    at,
                    format!("must be [low, high] with finite low < high, got {range:?}"),
                )),
                None => issues.push((
                    at,
                    "a factor of a morris or sobol design needs `range = [low, high]`".to_owned(),
                )),
            }
        }
        ranges
    }

    pub(super) fn morris(
        &self,
        resolved: &toml::Table,
        seed: u64,
        issues: &mut Vec<DesignIssue>,
    ) -> Option<Design> {
        let ranges = self.sensitivity_ranges(resolved, issues);
        let r = self.trajectories as usize;
        let levels = if self.levels == 0 {
            DEFAULT_LEVELS
        } else {
            self.levels
        };
        if r < 2 {
            issues.push((
                "experiment.trajectories".to_owned(),
                format!("a morris design needs at least 2 trajectories, got {r}"),
            ));
        }
        if levels < 2 || levels % 2 != 0 || levels > 1000 {
            issues.push((
                "experiment.levels".to_owned(),
                format!("must be an even number of grid levels from 2 to 1000, got {levels}"),
            ));
        }
        let d = ranges.len();
        if r.checked_mul(d + 1).is_none_or(|n| n > MAX_POINTS) {
            issues.push((
                "experiment.trajectories".to_owned(),
                format!(
                    "{r} trajectories of {} points exceed the limit of {MAX_POINTS} points",
                    d + 1
                ),
            ));
        }
        if !issues.is_empty() {
            return None;
        }
        let (unit, steps) = morris_unit(d, r, levels, seed);
        let points = to_points(&ranges, &unit);
        Some(Design {
            kind: DesignKind::Morris,
            factors: ranges.into_iter().map(|(key, ..)| key).collect(),
            points,
            layout: Some(SensitivityLayout::Morris {
                trajectories: r,
                levels,
                steps,
            }),
        })
    }

    pub(super) fn sobol(
        &self,
        resolved: &toml::Table,
        seed: u64,
        issues: &mut Vec<DesignIssue>,
    ) -> Option<Design> {
        let ranges = self.sensitivity_ranges(resolved, issues);
        let n = self.samples as usize;
        let d = ranges.len();
        if n < 2 {
            issues.push((
                "experiment.samples".to_owned(),
                format!("a sobol design needs at least 2 base samples, got {n}"),
            ));
        }
        if d > MAX_SOBOL_FACTORS {
            issues.push((
                "experiment.factors".to_owned(),
                format!("a sobol design takes at most {MAX_SOBOL_FACTORS} factors, got {d}"),
            ));
        }
        let per_row = if self.second_order { 2 * d + 2 } else { d + 2 };
        if n.checked_mul(per_row)
            .is_none_or(|total| total > MAX_POINTS)
        {
            issues.push((
                "experiment.samples".to_owned(),
                format!(
                    "{n} base samples x {per_row} points exceed the limit of {MAX_POINTS} points"
                ),
            ));
        }
        if !issues.is_empty() {
            return None;
        }
        let unit = saltelli_unit(d, n, self.second_order, seed);
        let points = to_points(&ranges, &unit);
        Some(Design {
            kind: DesignKind::Sobol,
            factors: ranges.into_iter().map(|(key, ..)| key).collect(),
            points,
            layout: Some(SensitivityLayout::Sobol {
                samples: n,
                second_order: self.second_order,
            }),
        })
    }
}

/// Maps unit-scale rows onto the factors' ranges.
fn to_points(ranges: &[Range], unit: &[Vec<f64>]) -> Points {
    let kinds: Vec<(String, bool)> = ranges
        .iter()
        .map(|(key, integer, ..)| (key.clone(), *integer))
        .collect();
    let values = unit
        .iter()
        .flat_map(|row| {
            row.iter().zip(ranges).map(|(&u, (_, integer, low, high))| {
                let value = grid_value(low + (high - low) * u);
                if *integer { value.round() } else { value }
            })
        })
        .collect();
    Points::rows(kinds, values)
}

/// Per trajectory, per step: the factor that moves and its direction (+1 or −1).
pub type Steps = Vec<Vec<(usize, f64)>>;

/// A trajectory: D + 1 unit-scale points and its steps (factor, direction).
type Trajectory = (Vec<Vec<f64>>, Vec<(usize, f64)>);

fn draw_trajectory(d: usize, levels: u32, stream: &mut rng::Stream) -> Trajectory {
    let delta = morris_delta(levels);
    let step = 1.0 / f64::from(levels - 1);
    let mut start = Vec::with_capacity(d);
    let mut directions = Vec::with_capacity(d);
    for _ in 0..d {
        // Base level among those from which a step of Δ stays on the grid.
        let base = f64::from(rng::index(stream, levels / 2)) * step;
        let up = rng::index(stream, 2) == 0;
        start.push(if up { base } else { base + delta });
        directions.push(if up { 1.0 } else { -1.0 });
    }
    let mut order: Vec<usize> = (0..d).collect();
    for i in (1..d).rev() {
        let j = rng::index(stream, (i + 1) as u32) as usize;
        order.swap(i, j);
    }
    let mut points = Vec::with_capacity(d + 1);
    let mut x = start;
    points.push(x.clone());
    let mut steps = Vec::with_capacity(d);
    for &factor in &order {
        x[factor] = (x[factor] + directions[factor] * delta).clamp(0.0, 1.0);
        points.push(x.clone());
        steps.push((factor, directions[factor]));
    }
    (points, steps)
}

fn trajectory_distance(a: &[Vec<f64>], b: &[Vec<f64>]) -> f64 {
    let mut total = 0.0;
    for p in a {
        for q in b {
            total += p
                .iter()
                .zip(q)
                .map(|(x, y)| (x - y) * (x - y))
                .sum::<f64>()
                .sqrt();
        }
    }
    total
}

/// `r` Morris trajectories over D factors on the unit scale, chosen for spread among
/// candidates; returns the points (trajectories consecutive) and each trajectory's steps.
pub fn morris_unit(d: usize, r: usize, levels: u32, seed: u64) -> (Vec<Vec<f64>>, Steps) {
    let mut stream = rng::stream(seed, Purpose::Design, 1, 0);
    let candidates_count = (10 * r).min(MAX_CANDIDATES).max(r);
    let candidates: Vec<Trajectory> = (0..candidates_count)
        .map(|_| draw_trajectory(d, levels, &mut stream))
        .collect();
    let m = candidates.len();
    let mut distance = vec![0.0; m * m];
    for i in 0..m {
        for j in i + 1..m {
            let value = trajectory_distance(&candidates[i].0, &candidates[j].0);
            distance[i * m + j] = value;
            distance[j * m + i] = value;
        }
    }
    let mut chosen: Vec<usize> = Vec::with_capacity(r);
    if r >= m {
        chosen = (0..m).collect();
    } else {
        let (mut best, mut pair) = (-1.0, (0, 1));
        for i in 0..m {
            for j in i + 1..m {
                if distance[i * m + j] > best {
                    best = distance[i * m + j];
                    pair = (i, j);
                }
            }
        }
        chosen.extend([pair.0, pair.1]);
        let mut score: Vec<f64> = (0..m)
            .map(|c| distance[c * m + pair.0].powi(2) + distance[c * m + pair.1].powi(2))
            .collect();
        while chosen.len() < r {
            let next = (0..m)
                .filter(|c| !chosen.contains(c))
                .fold(None::<usize>, |best, c| match best {
                    Some(b) if score[b] >= score[c] => Some(b),
                    _ => Some(c),
                })
                .unwrap_or(0);
            chosen.push(next);
            for (c, s) in score.iter_mut().enumerate() {
                *s += distance[c * m + next].powi(2);
            }
        }
        chosen.sort_unstable();
    }
    let mut points = Vec::with_capacity(r * (d + 1));
    let mut steps = Vec::with_capacity(r);
    for index in chosen.into_iter().take(r) {
        points.extend(candidates[index].0.iter().cloned());
        steps.push(candidates[index].1.clone());
    }
    (points, steps)
}

/// Saltelli's layout of the first `n` points of a scrambled Sobol sequence over `d` factors on
/// the unit scale.
pub fn saltelli_unit(d: usize, n: usize, second_order: bool, seed: u64) -> Vec<Vec<f64>> {
    let scramble = (rng::mix64(seed ^ 0x5A17_E111) >> 32) as u32;
    let draw =
        |i: usize, dim: usize| f64::from(sobol_burley::sample(i as u32, dim as u32, scramble));
    let per_row = if second_order { 2 * d + 2 } else { d + 2 };
    let mut rows = Vec::with_capacity(n * per_row);
    for i in 0..n {
        let a: Vec<f64> = (0..d).map(|j| draw(i, j)).collect();
        let b: Vec<f64> = (0..d).map(|j| draw(i, d + j)).collect();
        rows.push(a.clone());
        for j in 0..d {
            let mut ab = a.clone();
            ab[j] = b[j];
            rows.push(ab);
        }
        if second_order {
            for j in 0..d {
                let mut ba = b.clone();
                ba[j] = a[j];
                rows.push(ba);
            }
        }
        rows.push(b);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn morris_trajectories_move_each_factor_once_by_delta() {
        let (points, steps) = morris_unit(5, 6, 4, 11);
        assert_eq!(points.len(), 6 * 6);
        let delta = morris_delta(4);
        for (t, trajectory) in points.chunks(6).enumerate() {
            let mut moved: Vec<usize> = steps[t].iter().map(|s| s.0).collect();
            moved.sort_unstable();
            assert_eq!(moved, (0..5).collect::<Vec<_>>());
            for (k, pair) in trajectory.windows(2).enumerate() {
                let (factor, direction) = steps[t][k];
                for (j, change) in pair[1].iter().zip(&pair[0]).map(|(b, a)| b - a).enumerate() {
                    if j == factor {
                        assert!((change - direction * delta).abs() < 1e-12);
                    } else {
                        assert_eq!(change, 0.0);
                    }
                }
            }
            for x in trajectory.iter().flatten() {
                // On the grid of 4 levels: 0, 1/3, 2/3, 1.
                assert!((x * 3.0 - (x * 3.0).round()).abs() < 1e-9 && (0.0..=1.0).contains(x));
            }
        }
        assert_eq!(morris_unit(5, 6, 4, 11), (points, steps));
    }

    #[test]
    fn saltelli_layout_swaps_one_column_per_row() {
        let d = 3;
        let rows = saltelli_unit(d, 4, true, 5);
        assert_eq!(rows.len(), 4 * (2 * d + 2));
        for block in rows.chunks(2 * d + 2) {
            let (a, b) = (&block[0], &block[2 * d + 1]);
            for j in 0..d {
                for k in 0..d {
                    let expected_ab = if k == j { b[k] } else { a[k] };
                    let expected_ba = if k == j { a[k] } else { b[k] };
                    assert_eq!(block[1 + j][k], expected_ab);
                    assert_eq!(block[1 + d + j][k], expected_ba);
                }
            }
        }
        // Distinct base rows: a low-discrepancy sequence, not a repeated point.
        assert_ne!(rows[0], rows[2 * d + 2]);
    }
}
