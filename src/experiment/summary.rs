//! Per-(replication, firm) summaries of a run and the regime rule.
//!
//! The regime is judged on the run's last year (52 ticks, or the whole run if shorter) from
//! three signals: the share of co-created in all (co-created plus co-destroyed) value, the mean
//! loyalty, and retention (mean active customers over the year relative to tick 0). See
//! docs/ODD.md, "Observation", for the thresholds' reasons.

use crate::model::FirmTick;
use crate::model::agents::Customer;

/// Ticks in the window the regime is judged on.
pub const REGIME_WINDOW: usize = 52;

/// Thresholds of the regime rule.
pub mod thresholds {
    /// Virtuous: at least this share of the year's value is co-created ...
    pub const VIRTUOUS_SHARE: f64 = 0.6;
    /// ... mean loyalty at least this ...
    pub const VIRTUOUS_LOYALTY: f64 = 0.5;
    /// ... and at least this much of the initial customer base is kept.
    pub const VIRTUOUS_RETENTION: f64 = 0.9;
    /// Spiral: less than this share co-created, or ...
    pub const SPIRAL_SHARE: f64 = 0.45;
    /// ... mean loyalty below this, or ...
    pub const SPIRAL_LOYALTY: f64 = 0.3;
    /// ... less than this much of the initial customer base left.
    pub const SPIRAL_RETENTION: f64 = 0.6;
}

/// The state a firm's customer engagement settled into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Regime {
    Virtuous,
    Contested,
    Spiral,
}

impl Regime {
    pub const ALL: [Regime; 3] = [Regime::Virtuous, Regime::Contested, Regime::Spiral];

    pub fn as_str(self) -> &'static str {
        match self {
            Regime::Virtuous => "virtuous",
            Regime::Contested => "contested",
            Regime::Spiral => "spiral",
        }
    }
}

impl std::str::FromStr for Regime {
    type Err = String;
    fn from_str(text: &str) -> Result<Regime, String> {
        Regime::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or_else(|| format!("unknown regime `{text}`"))
    }
}

impl std::fmt::Display for Regime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Classifies a firm's trajectory (ticks 0..=T, in order) by its last year.
pub fn classify(series: &[FirmTick]) -> Regime {
    let Some(first) = series.first() else {
        return Regime::Contested;
    };
    let window = &series[series
        .len()
        .saturating_sub(REGIME_WINDOW)
        .max(1)
        .min(series.len())..];
    if window.is_empty() {
        return Regime::Contested;
    }
    let cocreated: f64 = window.iter().map(|t| t.cocreated_value).sum();
    let codestroyed: f64 = window.iter().map(|t| t.codestroyed_value).sum();
    let share = if cocreated + codestroyed > 0.0 {
        cocreated / (cocreated + codestroyed)
    } else {
        0.5
    };
    let n = window.len() as f64;
    let loyalty = window.iter().map(|t| t.loyalty).sum::<f64>() / n;
    let active = window
        .iter()
        .map(|t| f64::from(t.active_customers))
        .sum::<f64>()
        / n;
    let retention = active / f64::from(first.active_customers).max(1.0);
    use thresholds::*;
    if share < SPIRAL_SHARE || loyalty < SPIRAL_LOYALTY || retention < SPIRAL_RETENTION {
        Regime::Spiral
    } else if share >= VIRTUOUS_SHARE
        && loyalty >= VIRTUOUS_LOYALTY
        && retention >= VIRTUOUS_RETENTION
    {
        Regime::Virtuous
    } else {
        Regime::Contested
    }
}

/// The summary of one firm in one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct FirmSummary {
    pub cocreated_value: f64,
    pub codestroyed_value: f64,
    pub net_value: f64,
    pub final_active_customers: u32,
    pub final_loyalty: f64,
    pub final_satisfaction: f64,
    pub mean_participation: f64,
    pub monthly_churn: f64,
    pub wom_positive: f64,
    pub wom_negative: f64,
    pub wom_ratio: f64,
    pub top1_contribution_share: f64,
    pub complaints: f64,
    pub recoveries: f64,
    pub revenge_acts: f64,
    pub profit: f64,
    pub regime: Regime,
}

impl FirmSummary {
    /// Numeric outcome columns, in the order of [`FirmSummary::values`] (the regime is separate).
    pub const COLUMNS: [&'static str; 16] = [
        "cocreated_value",
        "codestroyed_value",
        "net_value",
        "final_active_customers",
        "final_loyalty",
        "final_satisfaction",
        "mean_participation",
        "monthly_churn",
        "wom_positive",
        "wom_negative",
        "wom_ratio",
        "top1_contribution_share",
        "complaints",
        "recoveries",
        "revenge_acts",
        "profit",
    ];

    pub fn values(&self) -> [f64; 16] {
        [
            self.cocreated_value,
            self.codestroyed_value,
            self.net_value,
            f64::from(self.final_active_customers),
            self.final_loyalty,
            self.final_satisfaction,
            self.mean_participation,
            self.monthly_churn,
            self.wom_positive,
            self.wom_negative,
            self.wom_ratio,
            self.top1_contribution_share,
            self.complaints,
            self.recoveries,
            self.revenge_acts,
            self.profit,
        ]
    }

    /// The value of the outcome column called `name`, if there is one.
    pub fn value(&self, name: &str) -> Option<f64> {
        let index = Self::COLUMNS.iter().position(|c| *c == name)?;
        Some(self.values()[index])
    }
}

/// Weeks per month (52 / 12).
const WEEKS_PER_MONTH: f64 = 52.0 / 12.0;

/// Summarises one firm's trajectory (ticks 0..=T) and its customers at the last tick.
pub fn summarise(series: &[FirmTick], firm: u8, customers: &[Customer]) -> FirmSummary {
    let flows = series.get(1..).unwrap_or(&[]);
    let sum = |f: fn(&FirmTick) -> f64| flows.iter().map(f).sum::<f64>();
    let cocreated = sum(|t| t.cocreated_value);
    let codestroyed = sum(|t| t.codestroyed_value);
    // Weekly churn: leavers over customers at risk (active at the start of each week).
    let at_risk: f64 = series
        .iter()
        .take(series.len().saturating_sub(1))
        .map(|t| f64::from(t.active_customers))
        .sum();
    let weekly_churn = if at_risk > 0.0 {
        sum(|t| t.churned) / at_risk
    } else {
        0.0
    };
    let wom_positive = sum(|t| t.wom_positive);
    let wom_negative = sum(|t| t.wom_negative);
    let last = series.last().copied().unwrap_or_default();
    FirmSummary {
        cocreated_value: cocreated,
        codestroyed_value: codestroyed,
        net_value: cocreated - codestroyed,
        final_active_customers: last.active_customers,
        final_loyalty: last.loyalty,
        final_satisfaction: last.satisfaction,
        mean_participation: if flows.is_empty() {
            0.0
        } else {
            sum(|t| t.participation_rate) / flows.len() as f64
        },
        monthly_churn: 1.0 - (1.0 - weekly_churn.min(1.0)).powf(WEEKS_PER_MONTH),
        wom_positive,
        wom_negative,
        wom_ratio: wom_positive / wom_negative.max(1.0),
        top1_contribution_share: top_share(customers, firm, 0.01),
        complaints: sum(|t| t.complaints),
        recoveries: sum(|t| t.recoveries),
        revenge_acts: sum(|t| t.revenge_acts),
        profit: sum(|t| t.profit),
        regime: classify(series),
    }
}

/// Share of all contributions (by the firm's active customers) made by the top `fraction` of
/// them (at least one customer).
pub fn top_share(customers: &[Customer], firm: u8, fraction: f64) -> f64 {
    let mut contributions: Vec<f32> = customers
        .iter()
        .filter(|c| c.firm == firm)
        .map(|c| c.contributions)
        .collect();
    let total: f64 = contributions.iter().map(|&c| f64::from(c)).sum();
    if contributions.is_empty() || total <= 0.0 {
        return 0.0;
    }
    contributions.sort_unstable_by(|a, b| b.total_cmp(a));
    let top = ((contributions.len() as f64 * fraction).ceil() as usize).max(1);
    contributions[..top]
        .iter()
        .map(|&c| f64::from(c))
        .sum::<f64>()
        / total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(share: f64, loyalty: f64, final_active: u32) -> Vec<FirmTick> {
        let mut ticks = vec![FirmTick {
            active_customers: 1000,
            loyalty,
            ..FirmTick::default()
        }];
        for tick in 1..=104 {
            ticks.push(FirmTick {
                tick,
                active_customers: final_active,
                loyalty,
                cocreated_value: share,
                codestroyed_value: 1.0 - share,
                ..FirmTick::default()
            });
        }
        ticks
    }

    #[test]
    fn regimes_follow_the_documented_thresholds() {
        assert_eq!(classify(&series(0.7, 0.6, 1000)), Regime::Virtuous);
        assert_eq!(classify(&series(0.3, 0.6, 1000)), Regime::Spiral);
        assert_eq!(classify(&series(0.7, 0.2, 1000)), Regime::Spiral);
        assert_eq!(classify(&series(0.7, 0.6, 400)), Regime::Spiral);
        assert_eq!(classify(&series(0.55, 0.6, 1000)), Regime::Contested);
        assert_eq!(classify(&series(0.7, 0.4, 1000)), Regime::Contested);
    }

    #[test]
    fn top_share_of_one_heavy_contributor() {
        let mut customers = vec![
            Customer {
                firm: 0,
                contributions: 1.0,
                ..Customer::EMPTY
            };
            99
        ];
        customers.push(Customer {
            firm: 0,
            contributions: 99.0,
            ..Customer::EMPTY
        });
        customers.push(Customer {
            firm: 1,
            contributions: 1000.0,
            ..Customer::EMPTY
        });
        assert!((top_share(&customers, 0, 0.01) - 0.5).abs() < 1e-9);
        assert_eq!(top_share(&[], 0, 0.01), 0.0);
    }

    #[test]
    fn summary_sums_flows_and_converts_churn_to_months() {
        let mut ticks = series(0.7, 0.6, 1000);
        for t in ticks.iter_mut().skip(1) {
            t.churned = 10.0;
            t.wom_positive = 3.0;
            t.wom_negative = 1.0;
        }
        let summary = summarise(&ticks, 0, &[]);
        assert!((summary.cocreated_value - 0.7 * 104.0).abs() < 1e-9);
        assert!((summary.wom_ratio - 3.0).abs() < 1e-12);
        let monthly = 1.0 - (1.0f64 - 0.01).powf(52.0 / 12.0);
        assert!((summary.monthly_churn - monthly).abs() < 1e-12);
    }
}
