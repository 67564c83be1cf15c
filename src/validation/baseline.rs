//! Patterns 3, 4, 6 and 8, all measured on the full-size baseline (`scenarios/baseline.toml`):
//!
//! - 3: positive to negative word of mouth between 2:1 and 4:1 (East, Hammond & Wright 2007:
//!   about 3:1). `wom_ratio` of `summary.csv`; the 95% interval must lie within [2, 4].
//! - 4: participation inequality (Nielsen 2006; van Mierlo 2014). The top 1% of customers make
//!   at least a quarter of all contributions (`top1_contribution_share`; the interval's lower
//!   end at least 0.25), and most customers contribute rarely or never: in every replication
//!   more than half of the final customers made fewer than two contributions per year of
//!   tenure.
//! - 6: monthly churn between 1% and 3%, as in subscription services (`monthly_churn`; the
//!   interval within [0.01, 0.03]).
//! - 8: the structure of Huang & Suo (2021) on the final customers' latent states
//!   ([`super::structure`]).

use super::structure::{self, Moments};
use super::{
    BASELINE, Batch, PatternResult, Settings, ValidationError, format_estimate, format_percent,
    outcome,
};
use crate::experiment::stats::Estimate;
use crate::experiment::{self, FinalCustomers, Progress};

/// Replications of the baseline (at its own size): 10 in quick mode, 30 in full.
const QUICK_REPLICATIONS: u32 = 10;
const FULL_REPLICATIONS: u32 = 30;

/// "Rarely": fewer than this many contributions per year (52 weeks) of tenure.
pub const RARELY_PER_YEAR: f64 = 2.0;

/// The batch of patterns 3, 4 and 6: the baseline at full size.
pub fn batches(settings: &Settings) -> Vec<Batch> {
    vec![Batch::new(
        BASELINE,
        &settings.replications(QUICK_REPLICATIONS, FULL_REPLICATIONS),
    )]
}

/// Share of `customers` who contribute rarely or never.
pub fn rarely_share(customers: &FinalCustomers) -> f64 {
    if customers.is_empty() {
        return f64::NAN;
    }
    let rare = customers
        .records()
        .iter()
        .filter(|c| {
            f64::from(c.contributions) < RARELY_PER_YEAR * f64::from(c.tenure.max(1)) / 52.0
        })
        .count();
    rare as f64 / customers.len() as f64
}

/// Runs the baseline once and checks patterns 3, 4 (two criteria), 6 and 8 (13 criteria).
pub fn run(
    settings: &Settings,
    progress: &dyn Progress,
) -> Result<Vec<PatternResult>, ValidationError> {
    let mut results = Vec::new();
    for batch in batches(settings) {
        let scenario = batch.load()?;
        // Final customers are reduced as each replication finishes, not kept.
        // The incentive in effect at the last tick (as the survey takes it).
        let incentives: Vec<f32> = scenario
            .schedule()
            .at(scenario.ticks())
            .firms
            .iter()
            .map(|firm| firm.policy.incentive as f32)
            .collect();
        let mut rarely = Vec::new();
        let mut moments = Vec::new();
        let replications = experiment::run_streaming(&scenario, progress, |_, customers| {
            rarely.push(rarely_share(customers));
            moments.push(Moments::of_customers(customers.records(), &incentives));
            Ok::<_, std::convert::Infallible>(())
        })
        .unwrap_or_else(|never| match never {});
        results.push(wom_ratio(Estimate::of(outcome(
            &replications,
            0,
            "wom_ratio",
        )?)));
        results.push(top_share(Estimate::of(outcome(
            &replications,
            0,
            "top1_contribution_share",
        )?)));
        results.push(rarely_contributing(&rarely));
        results.push(churn(Estimate::of(outcome(
            &replications,
            0,
            "monthly_churn",
        )?)));
        let estimates = structure::estimate(&moments, structure::BOOTSTRAP, scenario.seed());
        results.extend(structure::judge(&estimates, structure::BOOTSTRAP));
    }
    Ok(results)
}

/// Pattern 3 from the replications' WOM ratios.
pub fn wom_ratio(e: Estimate) -> PatternResult {
    PatternResult {
        number: 3,
        name: "Positive to negative word of mouth (baseline)".to_owned(),
        source: "East, Hammond & Wright (2007), Int. J. Research in Marketing 24(2): about 3:1"
            .to_owned(),
        expected: "95% interval within [2, 4] (2:1 to 4:1)".to_owned(),
        observed: format_estimate(&e),
        pass: e.lo >= 2.0 && e.hi <= 4.0,
        estimate: Some(e),
    }
}

/// Pattern 4, first criterion, from the replications' top-1% shares.
pub fn top_share(e: Estimate) -> PatternResult {
    PatternResult {
        number: 4,
        name: "Participation inequality: share of contributions by the top 1% (baseline)"
            .to_owned(),
        source: "Nielsen (2006); van Mierlo (2014), J. Medical Internet Research 16(2)".to_owned(),
        expected: "95% interval ≥ 0.25".to_owned(),
        observed: format_estimate(&e),
        pass: e.lo >= 0.25,
        estimate: Some(e),
    }
}

/// Pattern 4, second criterion, from each replication's share of rare contributors.
pub fn rarely_contributing(shares: &[f64]) -> PatternResult {
    let e = Estimate::of(shares.iter().copied());
    let least = shares.iter().copied().fold(f64::INFINITY, f64::min);
    let every = !shares.is_empty() && shares.iter().all(|&s| s > 0.5);
    PatternResult {
        number: 4,
        name: "Participation inequality: most customers contribute rarely or never (baseline)"
            .to_owned(),
        source: "Nielsen (2006) 90-9-1 rule; van Mierlo (2014)".to_owned(),
        expected: format!(
            "> 50% with < {RARELY_PER_YEAR} contributions per year of tenure, in every replication"
        ),
        observed: if shares.is_empty() {
            "n/a".to_owned()
        } else {
            format!("{} (lowest {least:.3})", format_estimate(&e))
        },
        pass: every,
        estimate: Some(e),
    }
}

/// Pattern 6 from the replications' monthly churn.
pub fn churn(e: Estimate) -> PatternResult {
    PatternResult {
        number: 6,
        name: "Monthly churn (baseline)".to_owned(),
        source: "subscription services: about 1-3% a month (model specification, sources)"
            .to_owned(),
        expected: "95% interval within [1%, 3%]".to_owned(),
        observed: format_percent(&e),
        pass: e.lo >= 0.01 && e.hi <= 0.03,
        estimate: Some(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn around(mean: f64, half: f64) -> Estimate {
        Estimate {
            n: 10,
            mean,
            sd: half,
            lo: mean - half,
            hi: mean + half,
        }
    }

    #[test]
    fn criteria_are_the_specifications() {
        assert!(wom_ratio(around(3.0, 0.5)).pass);
        assert!(!wom_ratio(around(3.8, 0.3)).pass);
        assert!(!wom_ratio(around(2.1, 0.2)).pass);
        assert!(top_share(around(0.3, 0.04)).pass);
        assert!(!top_share(around(0.27, 0.03)).pass);
        assert!(churn(around(0.02, 0.005)).pass);
        assert!(!churn(around(0.029, 0.002)).pass);
        assert!(rarely_contributing(&[0.6, 0.7]).pass);
        assert!(!rarely_contributing(&[0.6, 0.5]).pass);
        assert!(!rarely_contributing(&[]).pass);
    }
}
