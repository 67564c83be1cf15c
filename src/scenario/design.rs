//! The `[experiment]` table of a scenario: an experiment design (a full-factorial grid, a Latin
//! hypercube, named policy variants, or a Morris or Sobol sensitivity design) and its expansion
//! into design points.
//!
//! A design point is a list of overrides applied on top of the scenario, exactly like `--set`,
//! so a factor is named by the same dotted path a user would type on the command line. Every
//! point is validated as a whole scenario before anything runs.

use serde::{Deserialize, Serialize};

use super::overrides::{self, Override};
use crate::model::rng::{self, Purpose};

mod gsa;
pub use gsa::{SensitivityLayout, morris_delta, morris_unit, saltelli_unit};

/// Kind of experiment design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DesignKind {
    /// Full factorial over the factors' values.
    #[default]
    Grid,
    /// Latin hypercube of `points` points over the factors' ranges.
    Lhs,
    /// Named policy arms compared head to head; the first is the reference.
    Variants,
    /// Morris elementary-effects screening: `trajectories` one-at-a-time trajectories.
    Morris,
    /// Sobol indices: `samples` base rows of a scrambled Sobol sequence in Saltelli's layout.
    Sobol,
}

/// The `[experiment]` table as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ExperimentSpec {
    pub design: DesignKind,
    /// Factors of a grid or a Latin hypercube.
    pub factors: Vec<FactorSpec>,
    /// Number of Latin-hypercube points.
    pub points: u32,
    /// Named variants of a `variants` design.
    pub variants: Vec<VariantSpec>,
    /// Morris: number of trajectories r.
    #[serde(skip_serializing_if = "is_zero")]
    pub trajectories: u32,
    /// Morris: number of grid levels p (even; 0 means the default, 4).
    #[serde(skip_serializing_if = "is_zero")]
    pub levels: u32,
    /// Sobol: number of base samples N.
    #[serde(skip_serializing_if = "is_zero")]
    pub samples: u32,
    /// Sobol: also estimate second-order indices (adds D rows per base sample).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub second_order: bool,
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

/// One factor: a `--set`-style key and either explicit values or a range (with `steps` for a
/// grid).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct FactorSpec {
    pub key: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<u32>,
}

/// One named policy arm: a list of `KEY=VALUE` overrides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct VariantSpec {
    pub name: String,
    pub set: Vec<String>,
}

/// Most design points a sweep may have.
pub const MAX_POINTS: usize = 1_000_000;

/// One point of the design: a label, its factor values (grid and LHS) and its overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub index: usize,
    pub label: String,
    pub values: Vec<f64>,
    pub overrides: Vec<Override>,
}

/// An expanded design.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub kind: DesignKind,
    /// Factor keys (grid, LHS, Morris, Sobol); empty for variants.
    pub factors: Vec<String>,
    pub points: Points,
    /// Morris and Sobol: how the points are laid out, for the estimators.
    pub layout: Option<SensitivityLayout>,
}

impl Design {
    /// The label of the first point, which a variants design's contrasts are taken against
    /// (empty for a design without points).
    pub fn reference_label(&self) -> String {
        self.points.first().map(|p| p.label).unwrap_or_default()
    }
}

/// The points of a design, each built when asked for ([`Points::get`], [`Points::iter`]).
///
/// Why not a `Vec<Point>`: a point's label and overrides are strings, about 600 bytes a point,
/// so a 10^6-point design held expanded took 600 MB (issue 12). A grid keeps only its factors'
/// levels, and the other designs one row of factor values per point (8 bytes a factor); the
/// point built from them is the same, byte for byte, as the one expanded before.
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    /// Each factor's key and whether it is a whole number.
    factors: Vec<(String, bool)>,
    store: Store,
}

#[derive(Debug, Clone, PartialEq)]
enum Store {
    /// Full factorial over each factor's levels, row-major: the last factor varies fastest.
    Grid { levels: Vec<Vec<f64>>, count: usize },
    /// One row of factor values per point (Latin hypercube, Morris, Sobol), row after row.
    Rows { values: Vec<f64>, count: usize },
    /// Points given one by one (variants).
    Listed(Vec<Point>),
}

impl Points {
    /// A full-factorial grid over `levels` (one list per factor); `count` is their product.
    fn grid(factors: Vec<(String, bool)>, levels: Vec<Vec<f64>>, count: usize) -> Points {
        Points {
            factors,
            store: Store::Grid { levels, count },
        }
    }

    /// Points given as rows of factor values, `factors.len()` values a row.
    fn rows(factors: Vec<(String, bool)>, values: Vec<f64>) -> Points {
        let count = values.len().checked_div(factors.len()).unwrap_or(0);
        Points {
            factors,
            store: Store::Rows { values, count },
        }
    }

    fn listed(points: Vec<Point>) -> Points {
        Points {
            factors: Vec::new(),
            store: Store::Listed(points),
        }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        match &self.store {
            Store::Grid { count, .. } | Store::Rows { count, .. } => *count,
            Store::Listed(points) => points.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Point `index`, or `None` past the last.
    pub fn get(&self, index: usize) -> Option<Point> {
        (index < self.len()).then(|| self.build(index))
    }

    /// Point `index`; panics past the last point, as indexing a slice does (for indices that
    /// come from the design itself, such as a run's point).
    pub fn at(&self, index: usize) -> Point {
        assert!(
            index < self.len(),
            "design point {index} of {} points",
            self.len()
        );
        self.build(index)
    }

    /// The first point (a variants design's reference).
    pub fn first(&self) -> Option<Point> {
        self.get(0)
    }

    /// Every point in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Point> + '_ {
        (0..self.len()).map(|index| self.build(index))
    }

    /// Factor `factor`'s value at point `index` (grid, LHS, Morris, Sobol), without building
    /// the point.
    pub fn value(&self, index: usize, factor: usize) -> Option<f64> {
        match &self.store {
            Store::Grid { levels, count } if index < *count => {
                let level = self.level(index, factor)?;
                Some(levels[factor][level])
            }
            Store::Rows { values, count } if index < *count => {
                values.get(index * self.factors.len() + factor).copied()
            }
            Store::Listed(points) => points.get(index)?.values.get(factor).copied(),
            _ => None,
        }
    }

    /// A grid's levels, one list per factor (`None` for other designs): point `i` takes, for
    /// each factor, the level given by [`Points::level`].
    pub fn grid_levels(&self) -> Option<&[Vec<f64>]> {
        match &self.store {
            Store::Grid { levels, .. } => Some(levels),
            _ => None,
        }
    }

    /// A grid point's level index of `factor` (`None` for other designs).
    pub fn level(&self, index: usize, factor: usize) -> Option<usize> {
        let Store::Grid { levels, .. } = &self.store else {
            return None;
        };
        let stride: usize = levels.get(factor + 1..)?.iter().map(Vec::len).product();
        Some(index / stride % levels[factor].len())
    }

    /// The index of the grid point whose level of each factor is `chosen[factor]`.
    pub fn grid_index(&self, chosen: &[usize]) -> Option<usize> {
        let Store::Grid { levels, .. } = &self.store else {
            return None;
        };
        let mut index = 0usize;
        for (level, values) in chosen.iter().zip(levels) {
            index = index.checked_mul(values.len())?.checked_add(*level)?;
        }
        Some(index)
    }

    fn build(&self, index: usize) -> Point {
        match &self.store {
            Store::Grid { levels, .. } => {
                // Row-major: the last factor varies fastest.
                let mut rest = index;
                let mut chosen = vec![0.0; levels.len()];
                for (slot, values) in levels.iter().enumerate().rev() {
                    chosen[slot] = values[rest % values.len()];
                    rest /= values.len();
                }
                make_point(index, &self.factors, chosen)
            }
            Store::Rows { values, .. } => {
                let width = self.factors.len();
                let row = values[index * width..(index + 1) * width].to_vec();
                make_point(index, &self.factors, row)
            }
            Store::Listed(points) => points[index].clone(),
        }
    }
}

/// Per-firm keys (after `firms.N.`) whose every check reads that value alone: see
/// [`separable`].
const SEPARABLE_FIRM_KEYS: &[&str] = &[
    "initial_quality",
    "initial_reputation",
    "policy.incentive",
    "policy.feedback_solicitation",
    "policy.act_on_feedback",
    "policy.recognition",
    "policy.surprise_delight",
    "policy.service_recovery",
    "policy.complaint_outlets",
    "policy.tech_reliability",
    "policy.training",
    "policy.defensiveness",
    "staff.helpfulness",
    "staff.empathy",
    "staff.politeness",
    "staff.responsiveness",
    "staff.rudeness",
    "staff.indifference",
    "staff.initial_morale",
    "staff.spread",
    "staff.capacity",
    "costs.price",
    "costs.incentive",
    "costs.recovery",
    "costs.training",
    "costs.wage",
];

/// Scenario-wide keys whose every check reads that value alone: see [`separable`].
const SEPARABLE_KEYS: &[&str] = &[
    "customers.activity.mean",
    "customers.activity.spread",
    "network.rewiring",
    "market.base_churn",
    "market.churn_loyalty_slope",
    "market.churn_grievance",
    "market.acquisition_rate",
    "market.switching",
    "behaviour.loss_aversion",
    "behaviour.diminishing_sensitivity",
    "behaviour.satisfaction_rate",
    "behaviour.expectation_rate",
    "behaviour.loyalty_rate",
    "behaviour.loyalty_convexity",
    "behaviour.mastery_rate",
    "behaviour.vicarious_rate",
    "behaviour.negative_wom_weight",
    "behaviour.revenge_threshold",
];

/// Whether a factor over `key` is separable: every rule of validation that reads it reads no
/// other factor's value (a range check of its own), and it changes no size (population,
/// network, staffing, firms, ticks) and no event. In a scenario without events, a grid of
/// separable factors is valid at a point if and only if each factor's level is valid on its
/// own, so sweep planning checks each level once instead of every point (issue 12).
///
/// Not separable, for example: `population.initial` (checked against `capacity`),
/// `policy.staffing` and `share` (staff counts), a Beta trait's `mean` and `spread` (checked
/// together), `ticks`. The test `tests/it/planning.rs::separable_keys_do_not_interact`
/// checks every pair of these keys against validation, so a new rule that joins two of them
/// fails it.
pub fn separable(key: &str) -> bool {
    if SEPARABLE_KEYS.contains(&key) {
        return true;
    }
    let Some(rest) = key.strip_prefix("firms.") else {
        return false;
    };
    let Some((firm, rest)) = rest.split_once('.') else {
        return false;
    };
    !firm.is_empty()
        && firm.bytes().all(|b| b.is_ascii_digit())
        && SEPARABLE_FIRM_KEYS.contains(&rest)
}

/// Every separable key of a scenario with `firms` firms, in a fixed order (for tests).
pub fn separable_keys(firms: usize) -> Vec<String> {
    let mut keys: Vec<String> = SEPARABLE_KEYS.iter().map(|k| (*k).to_owned()).collect();
    for firm in 0..firms {
        keys.extend(
            SEPARABLE_FIRM_KEYS
                .iter()
                .map(|k| format!("firms.{firm}.{k}")),
        );
    }
    keys
}

/// A problem with the `[experiment]` table: key path and message.
pub type DesignIssue = (String, String);

impl ExperimentSpec {
    /// Expands the design into points. `resolved` is the scenario with every default filled in,
    /// used to check that each factor names a numeric value and whether it is an integer.
    pub fn expand(&self, resolved: &toml::Table, seed: u64) -> Result<Design, Vec<DesignIssue>> {
        let mut issues = Vec::new();
        let design = match self.design {
            DesignKind::Grid => self.grid(resolved, &mut issues),
            DesignKind::Lhs => self.lhs(resolved, seed, &mut issues),
            DesignKind::Variants => self.variants(&mut issues),
            DesignKind::Morris => self.morris(resolved, seed, &mut issues),
            DesignKind::Sobol => self.sobol(resolved, seed, &mut issues),
        };
        match design {
            Some(design) if issues.is_empty() => Ok(design),
            _ => Err(issues),
        }
    }

    /// Checks a factor's key against the resolved scenario; returns whether it is an integer.
    fn factor_kind(
        &self,
        index: usize,
        resolved: &toml::Table,
        issues: &mut Vec<DesignIssue>,
    ) -> Option<bool> {
        let factor = &self.factors[index];
        let at = format!("experiment.factors.{index}.key");
        match overrides::get(resolved, &factor.key) {
            Some(toml::Value::Float(_)) => Some(false),
            Some(toml::Value::Integer(_)) => Some(true),
            Some(other) => {
                issues.push((
                    at,
                    format!(
                        "`{}` is a {}, but a factor must name a number",
                        factor.key,
                        other.type_str()
                    ),
                ));
                None
            }
            None => {
                issues.push((
                    at,
                    format!(
                        "`{}` names no parameter of the scenario (use a path as for --set, \
                         e.g. firms.0.policy.incentive)",
                        factor.key
                    ),
                ));
                None
            }
        }
    }

    fn check_factors(&self, issues: &mut Vec<DesignIssue>) -> bool {
        if self.factors.is_empty() {
            issues.push((
                "experiment.factors".to_owned(),
                "a grid or lhs design needs at least one factor ([[experiment.factors]])"
                    .to_owned(),
            ));
            return false;
        }
        for (index, factor) in self.factors.iter().enumerate() {
            if self.factors[..index].iter().any(|f| f.key == factor.key) {
                issues.push((
                    format!("experiment.factors.{index}.key"),
                    format!("`{}` is already a factor", factor.key),
                ));
            }
        }
        true
    }

    fn grid(&self, resolved: &toml::Table, issues: &mut Vec<DesignIssue>) -> Option<Design> {
        if !self.check_factors(issues) {
            return None;
        }
        let mut levels = Vec::new();
        for (index, factor) in self.factors.iter().enumerate() {
            let integer = self.factor_kind(index, resolved, issues);
            let at = |key: &str| format!("experiment.factors.{index}.{key}");
            let values = match (&factor.values[..], factor.range, factor.steps) {
                // Bounded before expanding: `steps` alone could ask for billions of values.
                (values, _, steps)
                    if values.len() > MAX_POINTS
                        || steps.is_some_and(|n| n as usize > MAX_POINTS) =>
                {
                    issues.push((
                        at(if values.is_empty() { "steps" } else { "values" }),
                        format!("the grid has more than {MAX_POINTS} points"),
                    ));
                    continue;
                }
                ([], Some([low, high]), Some(steps)) if steps >= 1 => {
                    if steps == 1 {
                        vec![low]
                    } else {
                        (0..steps)
                            .map(|i| {
                                grid_value(low + (high - low) * f64::from(i) / f64::from(steps - 1))
                            })
                            .collect()
                    }
                }
                ([], Some(_), Some(_)) => {
                    issues.push((at("steps"), "must be at least 1".to_owned()));
                    continue;
                }
                ([], _, _) => {
                    issues.push((
                        at("values"),
                        "give either `values = [...]` or `range = [low, high]` with `steps`; \
                         an empty grid has nothing to run"
                            .to_owned(),
                    ));
                    continue;
                }
                (values, None, None) => values.to_vec(),
                (_, _, _) => {
                    issues.push((
                        at("range"),
                        "give either `values` or `range` with `steps`, not both".to_owned(),
                    ));
                    continue;
                }
            };
            if let Some(bad) = values.iter().find(|v| !v.is_finite()) {
                issues.push((at("values"), format!("must be finite numbers, got {bad}")));
                continue;
            }
            if integer == Some(true)
                && let Some(bad) = values.iter().find(|v| v.fract() != 0.0)
            {
                issues.push((
                    at("values"),
                    format!("`{}` is a whole number, got {bad}", factor.key),
                ));
                continue;
            }
            levels.push((factor.key.clone(), integer.unwrap_or(false), values));
        }
        if !issues.is_empty() {
            return None;
        }
        let total = levels
            .iter()
            .try_fold(1usize, |n, (_, _, v)| n.checked_mul(v.len()));
        match total {
            Some(n) if n <= MAX_POINTS => {}
            _ => {
                issues.push((
                    "experiment.factors".to_owned(),
                    format!("the grid has more than {MAX_POINTS} points"),
                ));
                return None;
            }
        }
        let total = total.unwrap_or(0);
        let factors: Vec<String> = levels.iter().map(|(key, _, _)| key.clone()).collect();
        let (kinds, values): (Vec<_>, Vec<_>) = levels
            .into_iter()
            .map(|(key, integer, values)| ((key, integer), values))
            .unzip();
        Some(Design {
            kind: DesignKind::Grid,
            factors,
            points: Points::grid(kinds, values, total),
            layout: None,
        })
    }

    fn lhs(
        &self,
        resolved: &toml::Table,
        seed: u64,
        issues: &mut Vec<DesignIssue>,
    ) -> Option<Design> {
        if !self.check_factors(issues) {
            return None;
        }
        let n = self.points as usize;
        if n == 0 || n > MAX_POINTS {
            issues.push((
                "experiment.points".to_owned(),
                format!("a Latin hypercube needs between 1 and {MAX_POINTS} points, got {n}"),
            ));
        }
        let mut ranges = Vec::new();
        for (index, factor) in self.factors.iter().enumerate() {
            let integer = self.factor_kind(index, resolved, issues);
            match factor.range {
                Some([low, high]) if low.is_finite() && high.is_finite() && low <= high => {
                    ranges.push((factor.key.clone(), integer.unwrap_or(false), low, high));
                }
                Some(range) => issues.push((
                    format!("experiment.factors.{index}.range"),
                    format!("must be [low, high] with finite low <= high, got {range:?}"),
                )),
                None => issues.push((
                    format!("experiment.factors.{index}.range"),
                    "a Latin-hypercube factor needs `range = [low, high]`".to_owned(),
                )),
            }
        }
        if !issues.is_empty() {
            return None;
        }
        // One stratified, shuffled column per factor, from a stream of the scenario's seed.
        let mut stream = rng::stream(seed, Purpose::Design, 0, 0);
        let mut columns = Vec::with_capacity(ranges.len());
        for (_, integer, low, high) in &ranges {
            let mut strata: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                let j = rng::index(&mut stream, (i + 1) as u32) as usize;
                strata.swap(i, j);
            }
            let column: Vec<f64> = strata
                .into_iter()
                .map(|s| {
                    let u = f64::from(rng::unit(&mut stream));
                    let value = low + (high - low) * (s as f64 + u) / n as f64;
                    if *integer { value.round() } else { value }
                })
                .collect();
            columns.push(column);
        }
        let kinds: Vec<(String, bool)> = ranges
            .iter()
            .map(|(key, integer, _, _)| (key.clone(), *integer))
            .collect();
        let rows = (0..n)
            .flat_map(|index| columns.iter().map(move |c| c[index]))
            .collect();
        Some(Design {
            kind: DesignKind::Lhs,
            factors: ranges.into_iter().map(|(key, _, _, _)| key).collect(),
            points: Points::rows(kinds, rows),
            layout: None,
        })
    }

    fn variants(&self, issues: &mut Vec<DesignIssue>) -> Option<Design> {
        if self.variants.len() < 2 {
            issues.push((
                "experiment.variants".to_owned(),
                "a variants design needs at least two [[experiment.variants]] (the first is the \
                 reference the others are compared with)"
                    .to_owned(),
            ));
            return None;
        }
        let mut points = Vec::new();
        for (index, variant) in self.variants.iter().enumerate() {
            let at = |key: &str| format!("experiment.variants.{index}.{key}");
            if variant.name.trim().is_empty() {
                issues.push((at("name"), "every variant needs a name".to_owned()));
            } else if self.variants[..index]
                .iter()
                .any(|v| v.name == variant.name)
            {
                issues.push((at("name"), format!("`{}` names two variants", variant.name)));
            }
            let mut overrides = Vec::new();
            for raw in &variant.set {
                match raw.parse::<Override>() {
                    Ok(item) => overrides.push(item),
                    Err(error) => issues.push((at("set"), error.to_string())),
                }
            }
            points.push(Point {
                index,
                label: variant.name.clone(),
                values: Vec::new(),
                overrides,
            });
        }
        Some(Design {
            kind: DesignKind::Variants,
            factors: Vec::new(),
            points: Points::listed(points),
            layout: None,
        })
    }
}

fn make_point(index: usize, factors: &[(String, bool)], values: Vec<f64>) -> Point {
    let overrides = factors
        .iter()
        .zip(&values)
        .map(|((key, integer), &value)| {
            let toml_value = if *integer {
                toml::Value::Integer(value as i64)
            } else {
                toml::Value::Float(value)
            };
            Override {
                key: key.clone(),
                raw: format!("{key}={value}"),
                value: toml_value,
            }
        })
        .collect();
    let label = factors
        .iter()
        .zip(&values)
        .map(|((key, _), value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join(", ");
    Point {
        index,
        label,
        values,
        overrides,
    }
}

/// A grid value without the last-bit noise of its arithmetic (0.3 + 0.6·3/6 is
/// 0.6000000000000001): rounded to 12 significant digits, so that steps such as 0.1 or 0.6 are
/// the numbers the user would write, in outputs and in the runs alike.
fn grid_value(value: f64) -> f64 {
    format!("{value:.11e}").parse().unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_values_are_the_numbers_a_user_would_write() {
        let values: Vec<f64> = (0..7)
            .map(|i| grid_value(0.3 + 0.6 * f64::from(i) / 6.0))
            .collect();
        assert_eq!(values, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
        assert_eq!(grid_value(1e300), 1e300);
        assert_eq!(grid_value(2.5e-15), 2.5e-15);
        assert_eq!(grid_value(0.0), 0.0);
    }

    fn resolved() -> toml::Table {
        toml::from_str(
            "ticks = 10\n[[firms]]\nname = \"a\"\n[firms.policy]\nincentive = 0.3\nrecovery = 0.5\n[population]\ncapacity = 100\n",
        )
        .unwrap()
    }

    fn factor(key: &str, values: &[f64]) -> FactorSpec {
        FactorSpec {
            key: key.to_owned(),
            values: values.to_vec(),
            ..FactorSpec::default()
        }
    }

    #[test]
    fn grid_is_full_factorial_with_last_factor_fastest() {
        let spec = ExperimentSpec {
            factors: vec![
                factor("firms.0.policy.incentive", &[0.1, 0.2]),
                FactorSpec {
                    key: "firms.0.policy.recovery".into(),
                    range: Some([0.0, 1.0]),
                    steps: Some(3),
                    ..FactorSpec::default()
                },
            ],
            ..ExperimentSpec::default()
        };
        let design = spec.expand(&resolved(), 1).unwrap();
        assert_eq!(design.points.len(), 6);
        assert_eq!(design.points.get(0).unwrap().values, [0.1, 0.0]);
        assert_eq!(design.points.get(1).unwrap().values, [0.1, 0.5]);
        assert_eq!(design.points.get(5).unwrap().values, [0.2, 1.0]);
        assert!(design.points.get(6).is_none());
        assert_eq!(
            design.points.get(1).unwrap().overrides[1].raw,
            "firms.0.policy.recovery=0.5"
        );
    }

    #[test]
    fn integer_factors_stay_integers() {
        let spec = ExperimentSpec {
            factors: vec![factor("population.capacity", &[100.0, 200.0])],
            ..ExperimentSpec::default()
        };
        let design = spec.expand(&resolved(), 1).unwrap();
        assert_eq!(
            design.points.get(1).unwrap().overrides[0].value,
            toml::Value::Integer(200)
        );
        let spec = ExperimentSpec {
            factors: vec![factor("population.capacity", &[100.5])],
            ..ExperimentSpec::default()
        };
        assert!(spec.expand(&resolved(), 1).is_err());
    }

    #[test]
    fn factor_naming_no_parameter_or_empty_grid_is_rejected() {
        let spec = ExperimentSpec {
            factors: vec![factor("firms.0.policy.incentve", &[0.1])],
            ..ExperimentSpec::default()
        };
        let issues = spec.expand(&resolved(), 1).unwrap_err();
        assert!(issues[0].1.contains("names no parameter"), "{issues:?}");
        let spec = ExperimentSpec {
            factors: vec![factor("firms.0.policy.incentive", &[])],
            ..ExperimentSpec::default()
        };
        let issues = spec.expand(&resolved(), 1).unwrap_err();
        assert!(issues[0].1.contains("empty grid"), "{issues:?}");
        assert!(ExperimentSpec::default().expand(&resolved(), 1).is_err());
    }

    #[test]
    fn latin_hypercube_has_one_point_per_stratum_and_is_reproducible() {
        let spec = ExperimentSpec {
            design: DesignKind::Lhs,
            points: 10,
            factors: vec![FactorSpec {
                key: "firms.0.policy.incentive".into(),
                range: Some([0.0, 1.0]),
                ..FactorSpec::default()
            }],
            ..ExperimentSpec::default()
        };
        let a = spec.expand(&resolved(), 7).unwrap();
        assert_eq!(a, spec.expand(&resolved(), 7).unwrap());
        let mut strata: Vec<usize> = a
            .points
            .iter()
            .map(|p| (p.values[0] * 10.0) as usize)
            .collect();
        strata.sort_unstable();
        assert_eq!(strata, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn variants_need_two_named_arms_with_valid_overrides() {
        let arm = |name: &str, set: &[&str]| VariantSpec {
            name: name.into(),
            set: set.iter().map(|s| s.to_string()).collect(),
        };
        let spec = ExperimentSpec {
            design: DesignKind::Variants,
            variants: vec![
                arm("none", &[]),
                arm("train", &["firms.0.policy.training=0.9"]),
            ],
            ..ExperimentSpec::default()
        };
        let design = spec.expand(&resolved(), 1).unwrap();
        let train = design.points.get(1).unwrap();
        assert_eq!(train.label, "train");
        assert_eq!(train.overrides[0].key, "firms.0.policy.training");
        let spec = ExperimentSpec {
            design: DesignKind::Variants,
            variants: vec![arm("a", &[]), arm("a", &["nonsense"])],
            ..ExperimentSpec::default()
        };
        let issues = spec.expand(&resolved(), 1).unwrap_err();
        assert_eq!(issues.len(), 2, "{issues:?}");
    }
}
