//! The model's parameters, with their defaults, and the model's own preconditions.
//!
//! These types are plain data: the model core owns their meaning and their valid ranges
//! ([`Config::validate`]), while the scenario layer decides how they are written down (TOML) and
//! how a violation is shown to the user. Every default here is explained in `docs/ODD.md`.
//!
//! Serde derives are only annotations: the core never reads or writes a file.

use serde::{Deserialize, Serialize};

/// A trait distribution: mean and spread (a standard deviation) of a Beta distribution on
/// [0, 1], or for `activity` the mean and log-scale spread of a log-normal distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Dist {
    pub mean: f64,
    pub spread: f64,
}

impl Default for Dist {
    fn default() -> Self {
        Dist::new(0.5, 0.1)
    }
}

impl Dist {
    pub const fn new(mean: f64, spread: f64) -> Self {
        Dist { mean, spread }
    }
}

/// The whole model configuration of one simulation run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub population: Population,
    pub customers: Customers,
    pub network: Network,
    pub market: Market,
    pub behaviour: Behaviour,
    pub firms: Vec<Firm>,
}

/// Customer slots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Population {
    /// Number of customer slots (the size of the community network).
    pub capacity: u32,
    /// Customers active at the start of the spin-up; the other slots start vacant.
    pub initial: u32,
    /// Weeks the model runs before week 0, unobserved, so that week 0 is a firm in its steady
    /// state (docs/ODD.md, section 5).
    pub spinup: u32,
}

/// Longest spin-up accepted, in weeks.
pub const MAX_SPINUP: u32 = 5200;

impl Default for Population {
    fn default() -> Self {
        Population {
            capacity: 10_000,
            initial: 8_000,
            spinup: 312,
        }
    }
}

/// Distributions of customer traits and of the initial states. A trait written with only one
/// of `mean` and `spread` keeps that trait's own default for the other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "CustomersSpec")]
pub struct Customers {
    pub expertise: Dist,
    pub sociability: Dist,
    /// Weekly participation (contribution) rate; log-normal, `spread` is the standard deviation
    /// of its log.
    pub activity: Dist,
    /// Product involvement: the weekly chance of product engagement at quality 0.5 and loyalty
    /// 0.5 (Beta).
    pub involvement: Dist,
    pub vindictiveness: Dist,
    pub forgiveness: Dist,
    /// Initial and trait (resting) level of empowerment.
    pub empowerment: Dist,
    pub self_efficacy: Dist,
    pub satisfaction: Dist,
    pub loyalty: Dist,
    /// Initial functional, emotional and social experience value.
    pub experience_value: Dist,
}

impl Default for Customers {
    fn default() -> Self {
        Customers {
            expertise: Dist::new(0.5, 0.15),
            sociability: Dist::new(0.25, 0.1),
            activity: Dist::new(0.12, 1.8),
            involvement: Dist::new(0.35, 0.2),
            vindictiveness: Dist::new(0.4, 0.15),
            forgiveness: Dist::new(0.06, 0.03),
            empowerment: Dist::new(0.4, 0.12),
            self_efficacy: Dist::new(0.45, 0.12),
            satisfaction: Dist::new(0.7, 0.12),
            loyalty: Dist::new(0.5, 0.12),
            experience_value: Dist::new(0.45, 0.1),
        }
    }
}

/// A distribution as written, either key optional.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PartialDist {
    mean: Option<f64>,
    spread: Option<f64>,
}

impl PartialDist {
    fn or(self, default: Dist) -> Dist {
        Dist::new(
            self.mean.unwrap_or(default.mean),
            self.spread.unwrap_or(default.spread),
        )
    }
}

/// The `[customers]` table as written (every trait optional, every key of a trait optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct CustomersSpec {
    expertise: PartialDist,
    sociability: PartialDist,
    activity: PartialDist,
    involvement: PartialDist,
    vindictiveness: PartialDist,
    forgiveness: PartialDist,
    empowerment: PartialDist,
    self_efficacy: PartialDist,
    satisfaction: PartialDist,
    loyalty: PartialDist,
    experience_value: PartialDist,
}

impl From<CustomersSpec> for Customers {
    fn from(spec: CustomersSpec) -> Customers {
        let d = Customers::default();
        Customers {
            expertise: spec.expertise.or(d.expertise),
            sociability: spec.sociability.or(d.sociability),
            activity: spec.activity.or(d.activity),
            involvement: spec.involvement.or(d.involvement),
            vindictiveness: spec.vindictiveness.or(d.vindictiveness),
            forgiveness: spec.forgiveness.or(d.forgiveness),
            empowerment: spec.empowerment.or(d.empowerment),
            self_efficacy: spec.self_efficacy.or(d.self_efficacy),
            satisfaction: spec.satisfaction.or(d.satisfaction),
            loyalty: spec.loyalty.or(d.loyalty),
            experience_value: spec.experience_value.or(d.experience_value),
        }
    }
}

/// Kind of community network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum NetworkKind {
    /// Watts-Strogatz ring lattice with rewiring.
    #[default]
    SmallWorld,
    /// Barabási-Albert preferential attachment.
    ScaleFree,
    /// Erdős-Rényi G(n, m).
    Random,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Network {
    pub kind: NetworkKind,
    /// Mean number of neighbours per slot (even for small worlds).
    pub mean_degree: u32,
    /// Small-world rewiring probability.
    pub rewiring: f64,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            kind: NetworkKind::SmallWorld,
            mean_degree: 8,
            rewiring: 0.1,
        }
    }
}

/// Market-level rates: churn, acquisition and switching.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Market {
    /// Weekly churn hazard of a customer of middling loyalty (0.5) and no grievance.
    pub base_churn: f64,
    /// How steeply the churn hazard falls with loyalty (hazard x exp(-slope (loyalty - 0.5))).
    pub churn_loyalty_slope: f64,
    /// How much grievance multiplies the churn hazard (x (1 + this x grievance)).
    pub churn_grievance: f64,
    /// Weekly chance that a vacant slot is filled when the firm's reputation is 0.5.
    pub acquisition_rate: f64,
    /// With several firms: chance that a leaver switches to another firm instead of leaving.
    pub switching: f64,
}

impl Default for Market {
    fn default() -> Self {
        Market {
            base_churn: 0.004,
            churn_loyalty_slope: 3.0,
            churn_grievance: 3.0,
            acquisition_rate: 0.015,
            switching: 0.5,
        }
    }
}

/// Psychological constants of the customer submodels (sources in docs/ODD.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Behaviour {
    /// Prospect theory's loss aversion lambda (Tversky & Kahneman 1992).
    pub loss_aversion: f64,
    /// Prospect theory's diminishing sensitivity alpha (Tversky & Kahneman 1992).
    pub diminishing_sensitivity: f64,
    /// Weight of one encounter in cumulative satisfaction.
    pub satisfaction_rate: f64,
    /// How far expectation moves toward the latest performance (adaptive expectations).
    pub expectation_rate: f64,
    /// How fast loyalty rises toward its target; it falls loss_aversion times faster.
    pub loyalty_rate: f64,
    /// Exponent of the convex satisfaction-to-loyalty curve (Jones & Sasser 1995).
    pub loyalty_convexity: f64,
    /// Self-efficacy learning rate from one's own success or failure (mastery, Bandura 1977).
    pub mastery_rate: f64,
    /// Self-efficacy learning rate from a neighbour's successes (vicarious, weaker).
    pub vicarious_rate: f64,
    /// Weight of negative relative to positive word of mouth (Goldenberg et al. 2007).
    pub negative_wom_weight: f64,
    /// Grievance above which a customer may take revenge.
    pub revenge_threshold: f64,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            loss_aversion: 2.25,
            diminishing_sensitivity: 0.88,
            satisfaction_rate: 0.15,
            expectation_rate: 0.1,
            loyalty_rate: 0.05,
            loyalty_convexity: 2.0,
            mastery_rate: 0.06,
            vicarious_rate: 0.02,
            negative_wom_weight: 2.0,
            revenge_threshold: 0.5,
        }
    }
}

/// One firm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Firm {
    pub name: String,
    /// Share of the initial customers who start with this firm (shares sum to 1).
    pub share: f64,
    pub initial_quality: f64,
    pub initial_reputation: f64,
    pub policy: Policy,
    pub staff: Staff,
    pub costs: Costs,
}

impl Default for Firm {
    fn default() -> Self {
        Firm {
            name: "firm".to_owned(),
            share: 1.0,
            initial_quality: 0.6,
            initial_reputation: 0.6,
            policy: Policy::default(),
            staff: Staff::default(),
            costs: Costs::default(),
        }
    }
}

/// The firm's engagement policy levers, each in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    pub incentive: f64,
    pub feedback_solicitation: f64,
    pub act_on_feedback: f64,
    pub recognition: f64,
    pub surprise_delight: f64,
    pub service_recovery: f64,
    pub complaint_outlets: f64,
    pub tech_reliability: f64,
    pub training: f64,
    pub defensiveness: f64,
    /// Employees per 1000 customer slots of the firm's initial share.
    pub staffing: f64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            incentive: 0.3,
            feedback_solicitation: 0.4,
            act_on_feedback: 0.3,
            recognition: 0.3,
            surprise_delight: 0.1,
            service_recovery: 0.5,
            complaint_outlets: 0.5,
            tech_reliability: 0.95,
            training: 0.3,
            defensiveness: 0.15,
            staffing: 5.0,
        }
    }
}

/// The firm's hiring profile: trait means of new hires, their spread and the workload an
/// employee handles before pressure sets in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Staff {
    pub helpfulness: f64,
    pub empathy: f64,
    pub politeness: f64,
    pub responsiveness: f64,
    /// Base tendency to be rude in an encounter.
    pub rudeness: f64,
    /// Base tendency to be indifferent in an encounter.
    pub indifference: f64,
    /// Standard deviation of employee traits around the means above.
    pub spread: f64,
    /// Encounters per employee per week before work pressure builds up.
    pub capacity: f64,
    /// Morale of a new hire.
    pub initial_morale: f64,
}

impl Default for Staff {
    fn default() -> Self {
        Staff {
            helpfulness: 0.6,
            empathy: 0.55,
            politeness: 0.6,
            responsiveness: 0.55,
            rudeness: 0.06,
            indifference: 0.08,
            spread: 0.1,
            capacity: 40.0,
            initial_morale: 0.7,
        }
    }
}

/// Largest price or cost accepted, in currency units per week: large enough for any currency,
/// small enough that profit summed over customers and ticks stays finite (issue 12: 1.7e308
/// overflowed to infinity and NaN).
pub const MAX_MONEY: f64 = 1e9;

/// Money per week, in arbitrary currency units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Costs {
    /// Revenue per active customer per week at loyalty 0 (it doubles at loyalty 1).
    pub price: f64,
    /// Cost of one incentive paid to a contributor.
    pub incentive: f64,
    /// Cost of one service recovery.
    pub recovery: f64,
    /// Weekly cost of training per employee at training level 1.
    pub training: f64,
    /// Weekly wage per employee.
    pub wage: f64,
}

impl Default for Costs {
    fn default() -> Self {
        Costs {
            price: 1.0,
            incentive: 2.0,
            recovery: 5.0,
            training: 20.0,
            wage: 60.0,
        }
    }
}

/// A violated precondition: the dotted key path of the offending value and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    pub path: String,
    pub message: String,
}

/// Most firms a market may hold (firm indices are stored in a byte per customer).
pub const MAX_FIRMS: usize = 64;

/// Largest population the model accepts (slot indices are `u32`).
pub const MAX_CAPACITY: u32 = 200_000_000;

struct Checker {
    issues: Vec<ConfigIssue>,
}

/// A key path, written out only when a check fails: validation runs once per design point of a
/// sweep, so formatting every path eagerly was a large share of planning (issue 12).
trait KeyPath {
    fn key(&self) -> String;
}

impl KeyPath for &str {
    fn key(&self) -> String {
        (*self).to_owned()
    }
}

impl<F: Fn() -> String> KeyPath for F {
    fn key(&self) -> String {
        self()
    }
}

impl Checker {
    fn fail(&mut self, path: String, message: String) {
        self.issues.push(ConfigIssue { path, message });
    }

    fn finite(&mut self, path: &impl KeyPath, value: f64) -> bool {
        if value.is_finite() {
            true
        } else {
            self.fail(path.key(), format!("must be a finite number, got {value}"));
            false
        }
    }

    fn unit(&mut self, path: impl KeyPath, value: f64) {
        if self.finite(&path, value) && !(0.0..=1.0).contains(&value) {
            self.fail(
                path.key(),
                format!("must be between 0 and 1 (inclusive), got {value}"),
            );
        }
    }

    fn range(&mut self, path: impl KeyPath, value: f64, low: f64, high: f64) {
        if self.finite(&path, value) && !(low..=high).contains(&value) {
            self.fail(
                path.key(),
                format!("must be between {low} and {high}, got {value}"),
            );
        }
    }

    fn positive(&mut self, path: impl KeyPath, value: f64) {
        if self.finite(&path, value) && value <= 0.0 {
            self.fail(path.key(), format!("must be greater than 0, got {value}"));
        }
    }

    fn non_negative(&mut self, path: impl KeyPath, value: f64) {
        if self.finite(&path, value) && value < 0.0 {
            self.fail(path.key(), format!("must be 0 or more, got {value}"));
        }
    }

    /// A Beta distribution on [0, 1] needs 0 < mean < 1 and spread^2 < mean (1 - mean);
    /// `trait_name` is the customer trait (`customers.NAME`).
    fn beta(&mut self, trait_name: &str, dist: &Dist) {
        let spread_path = || format!("customers.{trait_name}.spread");
        self.unit(|| format!("customers.{trait_name}.mean"), dist.mean);
        self.non_negative(spread_path, dist.spread);
        if !(dist.mean.is_finite() && dist.spread.is_finite()) || dist.spread == 0.0 {
            return;
        }
        if dist.mean <= 0.0 || dist.mean >= 1.0 {
            self.fail(
                spread_path(),
                "must be 0 when the mean is exactly 0 or 1".to_owned(),
            );
            return;
        }
        let limit = (dist.mean * (1.0 - dist.mean)).sqrt();
        if dist.spread >= limit {
            self.fail(
                spread_path(),
                format!(
                    "must be below {limit:.4} (the largest spread of a distribution on [0, 1] \
                     with mean {}), got {}",
                    dist.mean, dist.spread
                ),
            );
        }
    }
}

impl Config {
    /// Checks every precondition of the model; on success the configuration is wrapped in
    /// [`ValidConfig`], which the model requires, so nothing downstream re-checks it.
    pub fn validate(self) -> Result<ValidConfig, Vec<ConfigIssue>> {
        let mut check = Checker { issues: Vec::new() };
        self.check_population(&mut check);
        self.check_customers(&mut check);
        self.check_network(&mut check);
        self.check_market_and_behaviour(&mut check);
        self.check_firms(&mut check);
        if check.issues.is_empty() {
            Ok(ValidConfig(self))
        } else {
            Err(check.issues)
        }
    }

    fn check_population(&self, check: &mut Checker) {
        let population = &self.population;
        if population.spinup > MAX_SPINUP {
            check.fail(
                "population.spinup".into(),
                format!(
                    "must be at most {MAX_SPINUP} weeks, got {}",
                    population.spinup
                ),
            );
        }
        if population.capacity == 0 {
            check.fail("population.capacity".into(), "must be at least 1".into());
        } else if population.capacity > MAX_CAPACITY {
            check.fail(
                "population.capacity".into(),
                format!(
                    "must be at most {MAX_CAPACITY}, got {}",
                    population.capacity
                ),
            );
        }
        if population.initial > population.capacity {
            check.fail(
                "population.initial".into(),
                format!(
                    "must not exceed population.capacity ({}), got {}",
                    population.capacity, population.initial
                ),
            );
        }
    }

    fn check_customers(&self, check: &mut Checker) {
        let c = &self.customers;
        for (name, dist) in [
            ("expertise", &c.expertise),
            ("sociability", &c.sociability),
            ("involvement", &c.involvement),
            ("vindictiveness", &c.vindictiveness),
            ("forgiveness", &c.forgiveness),
            ("empowerment", &c.empowerment),
            ("self_efficacy", &c.self_efficacy),
            ("satisfaction", &c.satisfaction),
            ("loyalty", &c.loyalty),
            ("experience_value", &c.experience_value),
        ] {
            check.beta(name, dist);
        }
        check.range("customers.activity.mean", c.activity.mean, 0.0, 50.0);
        check.range("customers.activity.spread", c.activity.spread, 0.0, 4.0);
    }

    fn check_network(&self, check: &mut Checker) {
        let degree = self.network.mean_degree;
        let capacity = self.population.capacity;
        if degree >= capacity && capacity > 0 {
            check.fail(
                "network.mean_degree".into(),
                format!("must be below population.capacity ({capacity}), got {degree}"),
            );
        }
        if degree > 1000 {
            check.fail(
                "network.mean_degree".into(),
                format!("must be at most 1000, got {degree}"),
            );
        }
        if self.network.kind == NetworkKind::SmallWorld && degree % 2 == 1 {
            check.fail(
                "network.mean_degree".into(),
                format!("must be even for a small_world network (a ring lattice), got {degree}"),
            );
        }
        check.unit("network.rewiring", self.network.rewiring);
    }

    fn check_market_and_behaviour(&self, check: &mut Checker) {
        let m = &self.market;
        check.unit("market.base_churn", m.base_churn);
        check.range(
            "market.churn_loyalty_slope",
            m.churn_loyalty_slope,
            0.0,
            20.0,
        );
        check.range("market.churn_grievance", m.churn_grievance, 0.0, 50.0);
        check.unit("market.acquisition_rate", m.acquisition_rate);
        check.unit("market.switching", m.switching);
        let b = &self.behaviour;
        check.range("behaviour.loss_aversion", b.loss_aversion, 1.0, 10.0);
        check.range(
            "behaviour.diminishing_sensitivity",
            b.diminishing_sensitivity,
            0.1,
            1.0,
        );
        check.unit("behaviour.satisfaction_rate", b.satisfaction_rate);
        check.unit("behaviour.expectation_rate", b.expectation_rate);
        check.range("behaviour.loyalty_rate", b.loyalty_rate, 0.0, 0.4);
        check.range(
            "behaviour.loyalty_convexity",
            b.loyalty_convexity,
            0.1,
            10.0,
        );
        check.unit("behaviour.mastery_rate", b.mastery_rate);
        check.unit("behaviour.vicarious_rate", b.vicarious_rate);
        check.range(
            "behaviour.negative_wom_weight",
            b.negative_wom_weight,
            0.0,
            10.0,
        );
        check.unit("behaviour.revenge_threshold", b.revenge_threshold);
    }

    fn check_firms(&self, check: &mut Checker) {
        if self.firms.is_empty() {
            check.fail("firms".into(), "at least one firm is required".into());
            return;
        }
        if self.firms.len() > MAX_FIRMS {
            check.fail(
                "firms".into(),
                format!("at most {MAX_FIRMS} firms, got {}", self.firms.len()),
            );
        }
        let mut share_sum = 0.0;
        for (index, firm) in self.firms.iter().enumerate() {
            let at = |key: &str| format!("firms.{index}.{key}");
            if firm.name.trim().is_empty() {
                check.fail(at("name"), "must not be empty".into());
            }
            if self.firms[..index]
                .iter()
                .any(|other| other.name == firm.name)
            {
                check.fail(at("name"), format!("`{}` names two firms", firm.name));
            }
            check.unit(|| at("share"), firm.share);
            share_sum += firm.share;
            check.unit(|| at("initial_quality"), firm.initial_quality);
            check.unit(|| at("initial_reputation"), firm.initial_reputation);
            let p = &firm.policy;
            for (name, value) in [
                ("incentive", p.incentive),
                ("feedback_solicitation", p.feedback_solicitation),
                ("act_on_feedback", p.act_on_feedback),
                ("recognition", p.recognition),
                ("surprise_delight", p.surprise_delight),
                ("service_recovery", p.service_recovery),
                ("complaint_outlets", p.complaint_outlets),
                ("tech_reliability", p.tech_reliability),
                ("training", p.training),
                ("defensiveness", p.defensiveness),
            ] {
                check.unit(|| at(&format!("policy.{name}")), value);
            }
            check.range(|| at("policy.staffing"), p.staffing, 0.0, 1000.0);
            let s = &firm.staff;
            for (name, value) in [
                ("helpfulness", s.helpfulness),
                ("empathy", s.empathy),
                ("politeness", s.politeness),
                ("responsiveness", s.responsiveness),
                ("rudeness", s.rudeness),
                ("indifference", s.indifference),
                ("initial_morale", s.initial_morale),
            ] {
                check.unit(|| at(&format!("staff.{name}")), value);
            }
            check.range(|| at("staff.spread"), s.spread, 0.0, 0.5);
            check.positive(|| at("staff.capacity"), s.capacity);
            let c = &firm.costs;
            for (name, value) in [
                ("price", c.price),
                ("incentive", c.incentive),
                ("recovery", c.recovery),
                ("training", c.training),
                ("wage", c.wage),
            ] {
                check.range(|| at(&format!("costs.{name}")), value, 0.0, MAX_MONEY);
            }
        }
        if share_sum.is_finite() && (share_sum - 1.0).abs() > 1e-6 {
            check.fail(
                "firms".into(),
                format!("the firms' shares must sum to 1, got {share_sum}"),
            );
        }
        for (index, firm) in self.firms.iter().enumerate() {
            if firm.policy.staffing.is_finite() && self.staff_count(index) == 0 {
                check.fail(
                    format!("firms.{index}.policy.staffing"),
                    format!(
                        "gives firm `{}` no employees at this population; a firm needs staff \
                         (raise staffing or share)",
                        firm.name
                    ),
                );
            }
        }
    }

    /// Number of employees of firm `index`: staffing per 1000 slots of the firm's share,
    /// rounded up, so a firm with a positive staffing level always has someone.
    pub fn staff_count(&self, index: usize) -> u32 {
        let firm = &self.firms[index];
        let slots = f64::from(self.population.capacity) * firm.share.clamp(0.0, 1.0);
        (firm.policy.staffing.max(0.0) * slots / 1000.0).ceil() as u32
    }
}

/// A configuration that passed [`Config::validate`]. Only validation constructs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidConfig(Config);

impl ValidConfig {
    pub fn get(&self) -> &Config {
        &self.0
    }

    pub fn into_inner(self) -> Config {
        self.0
    }
}

impl std::ops::Deref for ValidConfig {
    type Target = Config;
    fn deref(&self) -> &Config {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_firm() -> Config {
        Config {
            firms: vec![Firm::default()],
            ..Config::default()
        }
    }

    #[test]
    fn defaults_with_one_firm_are_valid() {
        assert!(one_firm().validate().is_ok());
    }

    #[test]
    fn no_firm_is_rejected() {
        let issues = Config::default().validate().unwrap_err();
        assert_eq!(issues[0].path, "firms");
    }

    #[test]
    fn probability_out_of_range_names_its_path() {
        let mut config = one_firm();
        config.firms[0].policy.incentive = 1.5;
        config.firms[0].staff.rudeness = f64::NAN;
        let issues = config.validate().unwrap_err();
        let paths: Vec<_> = issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            ["firms.0.policy.incentive", "firms.0.staff.rudeness"]
        );
        assert!(issues[0].message.contains("between 0 and 1"));
        assert!(issues[1].message.contains("finite"));
    }

    #[test]
    fn inconsistent_population_and_network_are_rejected() {
        let mut config = one_firm();
        config.population.capacity = 10;
        config.population.initial = 11;
        config.network.mean_degree = 10;
        let issues = config.validate().unwrap_err();
        let paths: Vec<_> = issues.iter().map(|i| i.path.as_str()).collect();
        assert!(paths.contains(&"population.initial"));
        assert!(paths.contains(&"network.mean_degree"));
    }

    #[test]
    fn shares_must_sum_to_one_and_staff_must_exist() {
        let mut config = one_firm();
        config.firms.push(Firm {
            name: "other".into(),
            share: 0.5,
            ..Firm::default()
        });
        let issues = config.clone().validate().unwrap_err();
        assert!(issues.iter().any(|i| i.message.contains("sum to 1")));
        config.firms[0].share = 0.5;
        config.firms[1].policy.staffing = 0.0;
        let issues = config.validate().unwrap_err();
        assert_eq!(issues[0].path, "firms.1.policy.staffing");
    }

    #[test]
    fn beta_spread_must_fit_the_mean() {
        let mut config = one_firm();
        config.customers.vindictiveness = Dist::new(0.9, 0.4);
        let issues = config.validate().unwrap_err();
        assert_eq!(issues[0].path, "customers.vindictiveness.spread");
    }
}
