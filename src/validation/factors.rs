//! Pattern 2: every factor of Zhang et al. (2018) moves net value in the paper's direction
//! (specification, section 6: 13 factors, three of them with two parameters, so 16 rows).
//!
//! Each factor's parameter is set to a low and a high value on the baseline scenario; the two
//! runs share replication seeds (common random numbers), so the difference in net value
//! (`net_value` of `summary.csv`, high minus low) is paired by replication. A factor passes
//! when the 95% interval of the paired difference excludes zero on the side of the paper's
//! direction; the pattern passes when all 16 do.

use super::{
    BASELINE, Batch, Direction, FactorEffect, PatternResult, Settings, ValidationError, outcome,
};
use crate::experiment::Progress;
use crate::experiment::stats::Estimate;

/// A factor of section 6: its name in the paper, direction, parameter path and the parameter's
/// low and high values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Factor {
    pub name: &'static str,
    pub direction: Direction,
    pub path: &'static str,
    pub low: f64,
    pub high: f64,
    /// A lower parameter value means more of the factor.
    pub inverted: bool,
}

impl Factor {
    /// Whether a higher parameter value should raise net value.
    pub fn raises_net_value(&self) -> bool {
        (self.direction == Direction::CoCreation) != self.inverted
    }

    /// The pass criterion: the 95% interval of the paired effect (high − low) excludes zero on
    /// the side of the paper's direction.
    pub fn holds(&self, effect: &Estimate) -> bool {
        if self.raises_net_value() {
            effect.lo > 0.0
        } else {
            effect.hi < 0.0
        }
    }
}

const fn factor(
    name: &'static str,
    direction: Direction,
    path: &'static str,
    (low, high): (f64, f64),
    inverted: bool,
) -> Factor {
    Factor {
        name,
        direction,
        path,
        low,
        high,
        inverted,
    }
}

use super::Direction::{CoCreation, CoDestruction};

/// The factor table of the specification (section 6), in its order.
pub const FACTORS: [Factor; 16] = [
    factor(
        "delight",
        CoCreation,
        "firms.0.policy.surprise_delight",
        (0.0, 0.5),
        false,
    ),
    factor(
        "feeling valued",
        CoCreation,
        "firms.0.policy.recognition",
        (0.1, 0.9),
        false,
    ),
    factor(
        "reciprocity",
        CoCreation,
        "firms.0.policy.act_on_feedback",
        (0.1, 0.9),
        false,
    ),
    factor(
        "organisational incentives",
        CoCreation,
        "firms.0.policy.incentive",
        (0.1, 0.9),
        false,
    ),
    factor(
        "solicited feedback",
        CoCreation,
        "firms.0.policy.feedback_solicitation",
        (0.1, 0.9),
        false,
    ),
    factor(
        "service recovery efforts",
        CoCreation,
        "firms.0.policy.service_recovery",
        (0.1, 0.9),
        false,
    ),
    factor(
        "helpful employees",
        CoCreation,
        "firms.0.staff.helpfulness",
        (0.3, 0.9),
        false,
    ),
    factor(
        "empathetic employees",
        CoCreation,
        "firms.0.staff.empathy",
        (0.3, 0.9),
        false,
    ),
    factor(
        "polite employees",
        CoCreation,
        "firms.0.staff.politeness",
        (0.3, 0.9),
        false,
    ),
    factor(
        "responsive employees",
        CoCreation,
        "firms.0.staff.responsiveness",
        (0.2, 0.9),
        false,
    ),
    factor(
        "rude employee behaviour",
        CoDestruction,
        "firms.0.staff.rudeness",
        (0.02, 0.25),
        false,
    ),
    factor(
        "indifference",
        CoDestruction,
        "firms.0.staff.indifference",
        (0.02, 0.3),
        false,
    ),
    factor(
        "confrontation with company representatives",
        CoDestruction,
        "firms.0.policy.defensiveness",
        (0.0, 0.6),
        false,
    ),
    factor(
        "technological failure",
        CoDestruction,
        "firms.0.policy.tech_reliability",
        (0.8, 0.99),
        true,
    ),
    factor(
        "lack of complaint outlets",
        CoDestruction,
        "firms.0.policy.complaint_outlets",
        (0.1, 0.9),
        true,
    ),
    factor(
        "desire for revenge",
        CoDestruction,
        "customers.vindictiveness.mean",
        (0.2, 0.7),
        false,
    ),
];

/// The citation of the factor table.
pub const SOURCE: &str = "Zhang, Lu, Torres & Chen (2018), J. Services Marketing 32(1)";

/// The sample size of the factor table: population, horizon and paired replications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Design {
    /// Customer slots (`population.capacity`, 80% filled at week 0); `None`: the baseline's.
    pub capacity: Option<u32>,
    /// Observed weeks (`ticks`, after the baseline's spin-up); `None`: the baseline's.
    pub ticks: Option<u32>,
    /// Paired replications per level.
    pub replications: u32,
}

/// The quick design (`cocreate validate --quick`, run by `cargo test`): 3,000 slots, 520
/// observed weeks and 32 paired replications, sized so that every factor passes with
/// probability at least 0.99 whatever the random numbers (docs/ODD.md, "Power of the quick
/// factor battery", has the table; `examples/factor_power.rs` reproduces it).
///
/// The power of the criterion is that of a directional 95% t interval of n paired differences
/// with effect size d = mean / SD ([`crate::experiment::stats::directional_power`]). Measured
/// over master seeds 1–10 (320 pairs per factor): at the design before (3,000 slots, 156 weeks,
/// 24 replications) seven factors had d = 0.52 to 0.82 (recognition 0.52, delight 0.57,
/// politeness 0.58, empathy 0.60, defensiveness and responsiveness 0.80, complaint outlets
/// 0.82), a power of 0.68 to 0.97 each and about 0.29 for all 16 together: 7 of the 10 seeds'
/// batteries failed a factor. Levers: replications (d·√n), and the horizon, which raises d (an
/// effect accumulates week by week faster than the noise) while every replication pays the
/// 312-week spin-up whatever its horizon, so observed weeks are cheap. At 520 weeks the same
/// seven have d = 0.80 (delight) to 1.16, the other nine 2.2 or more; 32 replications give each
/// a power of at least 0.992 and all 16 together 0.984, for 2.37 times the slot-weeks of the
/// design before (71 replications of 156 weeks would have needed 2.96 times). All ten seeds'
/// batteries pass every factor.
pub const QUICK: Design = Design {
    capacity: Some(3000),
    ticks: Some(520),
    replications: 32,
};

/// The full design: the baseline's size and length (10,000 slots, 260 weeks), 20 replications.
pub const FULL: Design = Design {
    capacity: None,
    ticks: None,
    replications: 20,
};

impl Design {
    /// The design `settings` run.
    pub fn of(settings: &Settings) -> Design {
        if settings.quick { QUICK } else { FULL }
    }

    /// Its overrides of the baseline scenario.
    pub fn overrides(&self) -> Vec<String> {
        let mut sets = Vec::new();
        if let Some(capacity) = self.capacity {
            sets.push(format!("population.capacity={capacity}"));
            sets.push(format!("population.initial={}", capacity / 5 * 4));
        }
        if let Some(ticks) = self.ticks {
            sets.push(format!("ticks={ticks}"));
        }
        sets.push(format!("replications={}", self.replications));
        sets
    }
}

/// Overrides shared by every run of the factor table: the master seed, if `settings` set one,
/// and the design's size.
pub fn base_overrides(settings: &Settings) -> Vec<String> {
    let mut sets = settings.common();
    sets.extend(Design::of(settings).overrides());
    sets
}

/// The low and high batch of `factor`.
pub fn factor_batches(factor: &Factor, settings: &Settings) -> [Batch; 2] {
    design_batches(factor, &base_overrides(settings))
}

/// The low and high batch of `factor` on the baseline with the overrides `base` (a design and
/// seed; for measuring other designs, as `examples/factor_power.rs` does).
pub fn design_batches(factor: &Factor, base: &[String]) -> [Batch; 2] {
    [factor.low, factor.high].map(|value| {
        let mut sets = base.to_vec();
        sets.push(format!("{}={value}", factor.path));
        Batch::new(BASELINE, &sets)
    })
}

/// Every batch of pattern 2: low then high of each factor, in table order.
pub fn batches(settings: &Settings) -> Vec<Batch> {
    FACTORS
        .iter()
        .flat_map(|f| factor_batches(f, settings))
        .collect()
}

/// Measures the paired effect of one factor on net value.
pub fn effect(
    factor: &Factor,
    settings: &Settings,
    progress: &dyn Progress,
) -> Result<FactorEffect, ValidationError> {
    let [low, high] = factor_batches(factor, settings);
    let low = outcome(&low.run(progress)?, 0, "net_value")?;
    let high = outcome(&high.run(progress)?, 0, "net_value")?;
    let effect = Estimate::of(high.iter().zip(&low).map(|(h, l)| h - l));
    let pass = factor.holds(&effect);
    Ok(FactorEffect {
        factor: factor.name.to_owned(),
        paper_direction: factor.direction,
        path: factor.path.to_owned(),
        low: factor.low,
        high: factor.high,
        inverted: factor.inverted,
        effect,
        pass,
    })
}

/// Measures every factor; the pattern's result says how many have the paper's direction.
pub fn run(
    settings: &Settings,
    progress: &dyn Progress,
) -> Result<(PatternResult, Vec<FactorEffect>), ValidationError> {
    let effects = FACTORS
        .iter()
        .map(|f| effect(f, settings, progress))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((pattern(&effects), effects))
}

/// The pattern-2 row summarising the factor table.
pub fn pattern(effects: &[FactorEffect]) -> PatternResult {
    let held = effects.iter().filter(|e| e.pass).count();
    let wrong: Vec<&str> = effects
        .iter()
        .filter(|e| !e.pass)
        .map(|e| e.factor.as_str())
        .collect();
    let mut observed = format!("{held}/{} factors in the paper's direction", effects.len());
    if !wrong.is_empty() {
        observed.push_str(&format!(" (not: {})", wrong.join(", ")));
    }
    PatternResult {
        number: 2,
        name: "Direction of every factor of Zhang et al. (2018)".to_owned(),
        source: SOURCE.to_owned(),
        expected: format!(
            "all {} paired effects on net value have a 95% interval excluding 0 on the paper's side",
            FACTORS.len()
        ),
        observed,
        estimate: None,
        pass: !effects.is_empty() && held == effects.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_the_specification() {
        assert_eq!(FACTORS.len(), 16);
        let creating = FACTORS.iter().filter(|f| f.direction == CoCreation).count();
        assert_eq!(creating, 10);
        for f in &FACTORS {
            assert!(f.low < f.high, "{}", f.path);
        }
        let raise: Vec<&str> = FACTORS
            .iter()
            .filter(|f| !f.raises_net_value())
            .map(|f| f.path)
            .collect();
        assert_eq!(
            raise,
            [
                "firms.0.staff.rudeness",
                "firms.0.staff.indifference",
                "firms.0.policy.defensiveness",
                "customers.vindictiveness.mean"
            ]
        );
    }

    #[test]
    fn pattern_passes_only_if_every_factor_does() {
        let effect = |pass: bool| FactorEffect {
            factor: "f".to_owned(),
            paper_direction: CoCreation,
            path: "p".to_owned(),
            low: 0.0,
            high: 1.0,
            inverted: false,
            effect: Estimate::of([1.0, 2.0]),
            pass,
        };
        assert!(pattern(&[effect(true), effect(true)]).pass);
        let failed = pattern(&[effect(true), effect(false)]);
        assert!(!failed.pass);
        assert!(failed.observed.contains("1/2"), "{}", failed.observed);
        assert!(!pattern(&[]).pass);
    }
}
