//! Observation: what the model reports about each firm every tick.
//!
//! Customers add their contributions to a per-block [`Tally`] during the parallel update; the
//! tallies are then added in block order (never in completion order), so the sums are the
//! same whatever the thread count.

/// Sums collected over one block of customers for one firm during one tick.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub active: f64,
    pub engaged: f64,
    pub empowerment: f64,
    pub self_efficacy: f64,
    pub satisfaction: f64,
    pub loyalty: f64,
    pub grievance: f64,
    pub functional: f64,
    pub emotional: f64,
    pub social: f64,
    pub cocreated: f64,
    pub codestroyed: f64,
    pub wom_positive: f64,
    pub wom_negative: f64,
    pub complaints: f64,
    pub recoveries: f64,
    pub revenge_acts: f64,
    pub churned: f64,
    pub acquired: f64,
    pub contributions: f64,
    pub implemented: f64,
    pub incentives_paid: f64,
    pub failures: f64,
    pub revenue_weight: f64,
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        macro_rules! add_fields {
            ($($field:ident),*) => { $( self.$field += other.$field; )* };
        }
        add_fields!(
            active,
            engaged,
            empowerment,
            self_efficacy,
            satisfaction,
            loyalty,
            grievance,
            functional,
            emotional,
            social,
            cocreated,
            codestroyed,
            wom_positive,
            wom_negative,
            complaints,
            recoveries,
            revenge_acts,
            churned,
            acquired,
            contributions,
            implemented,
            incentives_paid,
            failures,
            revenue_weight
        );
    }
}

/// One firm's observation at the end of one tick. State columns are means over the firm's
/// active customers (or employees); value, count and money columns are the tick's own amounts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FirmTick {
    pub tick: u32,
    pub active_customers: u32,
    pub participation_rate: f64,
    pub empowerment: f64,
    pub self_efficacy: f64,
    pub satisfaction: f64,
    pub loyalty: f64,
    pub grievance: f64,
    pub functional_value: f64,
    pub emotional_value: f64,
    pub social_value: f64,
    pub cocreated_value: f64,
    pub codestroyed_value: f64,
    pub wom_positive: f64,
    pub wom_negative: f64,
    pub complaints: f64,
    pub recoveries: f64,
    pub revenge_acts: f64,
    pub churned: f64,
    pub acquired: f64,
    pub contributions: f64,
    pub employee_morale: f64,
    pub product_quality: f64,
    pub reputation: f64,
    pub revenue: f64,
    pub cost: f64,
    pub profit: f64,
}

impl FirmTick {
    /// Names of the numeric columns, in the order of [`FirmTick::values`].
    pub const COLUMNS: [&'static str; 26] = [
        "active_customers",
        "participation_rate",
        "empowerment",
        "self_efficacy",
        "satisfaction",
        "loyalty",
        "grievance",
        "functional_value",
        "emotional_value",
        "social_value",
        "cocreated_value",
        "codestroyed_value",
        "wom_positive",
        "wom_negative",
        "complaints",
        "recoveries",
        "revenge_acts",
        "churned",
        "acquired",
        "contributions",
        "employee_morale",
        "product_quality",
        "reputation",
        "revenue",
        "cost",
        "profit",
    ];

    /// The numeric columns, in the order of [`FirmTick::COLUMNS`].
    pub fn values(&self) -> [f64; 26] {
        [
            f64::from(self.active_customers),
            self.participation_rate,
            self.empowerment,
            self.self_efficacy,
            self.satisfaction,
            self.loyalty,
            self.grievance,
            self.functional_value,
            self.emotional_value,
            self.social_value,
            self.cocreated_value,
            self.codestroyed_value,
            self.wom_positive,
            self.wom_negative,
            self.complaints,
            self.recoveries,
            self.revenge_acts,
            self.churned,
            self.acquired,
            self.contributions,
            self.employee_morale,
            self.product_quality,
            self.reputation,
            self.revenue,
            self.cost,
            self.profit,
        ]
    }

    /// The value of the column called `name`, if there is one.
    pub fn value(&self, name: &str) -> Option<f64> {
        let index = Self::COLUMNS.iter().position(|c| *c == name)?;
        Some(self.values()[index])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_values_line_up() {
        let tick = FirmTick {
            loyalty: 0.25,
            profit: -3.0,
            active_customers: 7,
            ..FirmTick::default()
        };
        assert_eq!(tick.value("loyalty"), Some(0.25));
        assert_eq!(tick.value("profit"), Some(-3.0));
        assert_eq!(tick.value("active_customers"), Some(7.0));
        assert_eq!(tick.value("nonsense"), None);
    }

    #[test]
    fn tallies_add_fieldwise() {
        let mut a = Tally {
            active: 1.0,
            revenue_weight: 2.0,
            ..Tally::default()
        };
        a.add(&a.clone());
        assert_eq!(a.active, 2.0);
        assert_eq!(a.revenue_weight, 4.0);
    }
}
