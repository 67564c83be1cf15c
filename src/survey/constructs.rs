//! The questionnaire's constructs and items, and the latent score of each construct that an
//! agent's state gives (docs/ODD.md, "Survey measurement model").

use crate::model::agents::Customer;
use crate::model::rules;

/// Items per construct.
pub const ITEMS: usize = 3;

/// Number of constructs.
pub const CONSTRUCTS: usize = 10;

/// Standardised loading of the continuous response of each item position on its construct's
/// latent score: within the 0.7-0.9 range of the loadings reported by Huang & Suo (2021) and
/// Füller et al. (2009).
pub const LOADINGS: [f64; ITEMS] = [0.85, 0.8, 0.75];

/// Item intercept offsets, in scale points: items differ slightly in how easily respondents
/// agree with them.
pub const OFFSETS: [f64; ITEMS] = [0.15, 0.0, -0.15];

/// Standard deviation of an item's continuous response, in scale points (Likert items usually
/// have a standard deviation of about 1 to 1.5 points).
pub const ITEM_SD: f64 = 1.3;

/// Participation is reported on a logarithmic frequency scale from `PVC_LOW` to `PVC_HIGH`
/// expected contributions per week (about once in twenty years to once a week).
pub const PVC_LOW: f64 = 0.001;
pub const PVC_HIGH: f64 = 1.0;

/// Scale anchors of every item.
pub const ANCHORS: &str = "1 = strongly disagree, 2 = disagree, 3 = somewhat disagree, \
     4 = neither agree nor disagree, 5 = somewhat agree, 6 = agree, 7 = strongly agree";

/// A construct of the questionnaire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Construct {
    /// Product engagement (Huang & Suo 2021).
    ProductEngagement,
    /// Interpersonal interaction (Huang & Suo 2021).
    InterpersonalInteraction,
    /// Functional experience value.
    Functional,
    /// Emotional experience value.
    Emotional,
    /// Social experience value.
    Social,
    /// Participation in value co-creation.
    Participation,
    /// Empowerment (Füller et al. 2009).
    Empowerment,
    /// Self-efficacy (Bandura 1977; Füller et al. 2009).
    SelfEfficacy,
    /// Cumulative satisfaction.
    Satisfaction,
    /// Loyalty.
    Loyalty,
}

impl Construct {
    /// Every construct, in questionnaire (and column) order.
    pub const ALL: [Construct; CONSTRUCTS] = [
        Construct::ProductEngagement,
        Construct::InterpersonalInteraction,
        Construct::Functional,
        Construct::Emotional,
        Construct::Social,
        Construct::Participation,
        Construct::Empowerment,
        Construct::SelfEfficacy,
        Construct::Satisfaction,
        Construct::Loyalty,
    ];

    /// Position in [`Construct::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The latent variable's name in the lavaan model (`PE`, `II`, ...).
    pub fn code(self) -> &'static str {
        match self {
            Construct::ProductEngagement => "PE",
            Construct::InterpersonalInteraction => "II",
            Construct::Functional => "FV",
            Construct::Emotional => "EV",
            Construct::Social => "SV",
            Construct::Participation => "PVC",
            Construct::Empowerment => "EMP",
            Construct::SelfEfficacy => "SE",
            Construct::Satisfaction => "SAT",
            Construct::Loyalty => "LOY",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Construct::ProductEngagement => "product engagement",
            Construct::InterpersonalInteraction => "interpersonal interaction",
            Construct::Functional => "functional experience value",
            Construct::Emotional => "emotional experience value",
            Construct::Social => "social experience value",
            Construct::Participation => "participation in value co-creation",
            Construct::Empowerment => "empowerment",
            Construct::SelfEfficacy => "self-efficacy",
            Construct::Satisfaction => "satisfaction",
            Construct::Loyalty => "loyalty",
        }
    }

    /// Item column names: `pe1`, `pe2`, `pe3`.
    pub fn item_names(self) -> [String; ITEMS] {
        let prefix = self.code().to_lowercase();
        std::array::from_fn(|j| format!("{prefix}{}", j + 1))
    }

    /// The agent state the construct measures and how it becomes a latent score in [0, 1].
    pub fn measures(self) -> &'static str {
        match self {
            Construct::ProductEngagement => {
                "product_engagement (weeks of product engagement per week, recent window): min(x, 1)"
            }
            Construct::InterpersonalInteraction => {
                "interpersonal_interaction (peer conversations per week, recent window): min(x, 1)"
            }
            Construct::Functional => "functional_value",
            Construct::Emotional => "emotional_value",
            Construct::Social => "social_value",
            Construct::Participation => {
                "expected contributions per week r (participation rate, ODD 7.4, from activity, \
                 empowerment, self-efficacy, emotional and social value, grievance and the \
                 firm's incentive) on a log scale: ln(r / 0.001) / ln(1000), clamped to [0, 1]"
            }
            Construct::Empowerment => "empowerment",
            Construct::SelfEfficacy => "self_efficacy",
            Construct::Satisfaction => "satisfaction",
            Construct::Loyalty => "loyalty",
        }
    }

    /// Questionnaire wording of the three items: plausible wordings adapted from the scales of
    /// the literature (Huang & Suo 2021; Füller et al. 2009; satisfaction and loyalty scales),
    /// not quotations.
    pub fn wording(self) -> [&'static str; ITEMS] {
        match self {
            Construct::ProductEngagement => [
                "I often use the community to learn about, try out or discuss the firm's products.",
                "I regularly take part in product-related activities in the community (reviews, tests, suggestions).",
                "I spend a lot of time on the firm's products in the community.",
            ],
            Construct::InterpersonalInteraction => [
                "I often exchange messages with other members of the community.",
                "I regularly talk with other members about topics that interest us.",
                "I keep in touch with members I have met in the community.",
            ],
            Construct::Functional => [
                "Taking part in the community helps me solve problems with the product.",
                "The community gives me useful, practical information.",
                "Through the community I get more out of the product.",
            ],
            Construct::Emotional => [
                "I enjoy taking part in the community.",
                "Taking part in the community puts me in a good mood.",
                "I feel pleased and relaxed when I interact in the community.",
            ],
            Construct::Social => [
                "Taking part in the community makes me feel accepted by others.",
                "Through the community I gain recognition from other people.",
                "The community makes me feel connected to people who share my interests.",
            ],
            Construct::Participation => [
                "I often share my ideas and suggestions with the firm in the community.",
                "I take an active part in developing the firm's products and services.",
                "I intend to keep contributing to the community in the future.",
            ],
            Construct::Empowerment => [
                "In this community I have a say in what the firm does.",
                "I feel that my input can influence the firm's products.",
                "The firm listens to what customers say in this community.",
            ],
            Construct::SelfEfficacy => [
                "I am confident that I can make valuable contributions in the community.",
                "I have the skills needed to contribute successfully.",
                "Contributing ideas to the firm is easy for me.",
            ],
            Construct::Satisfaction => [
                "Overall, I am satisfied with this firm.",
                "This firm meets my expectations.",
                "I am pleased with my experience of this firm.",
            ],
            Construct::Loyalty => [
                "I will remain a customer of this firm.",
                "I would recommend this firm to others.",
                "This firm is my first choice for products of this kind.",
            ],
        }
    }

    /// The latent score in [0, 1] that `customer`'s state gives this construct; `incentive` is
    /// the customer's firm's incentive policy (it enters the engagement rate).
    pub fn latent(self, customer: &Customer, incentive: f32) -> f64 {
        let score = match self {
            Construct::ProductEngagement => f64::from(customer.product_engagement()),
            Construct::InterpersonalInteraction => f64::from(customer.interpersonal_interaction()),
            Construct::Functional => f64::from(customer.functional),
            Construct::Emotional => f64::from(customer.emotional),
            Construct::Social => f64::from(customer.social),
            Construct::Participation => {
                let rate = f64::from(rules::engagement_rate(&rules::EngagementDrivers {
                    activity: customer.activity,
                    empowerment: customer.empowerment,
                    self_efficacy: customer.self_efficacy,
                    emotional: customer.emotional,
                    social: customer.social,
                    grievance: customer.grievance,
                    incentive,
                }));
                if rate > 0.0 {
                    (rate / PVC_LOW).ln() / (PVC_HIGH / PVC_LOW).ln()
                } else {
                    0.0
                }
            }
            Construct::Empowerment => f64::from(customer.empowerment),
            Construct::SelfEfficacy => f64::from(customer.self_efficacy),
            Construct::Satisfaction => f64::from(customer.satisfaction),
            Construct::Loyalty => f64::from(customer.loyalty),
        };
        if score.is_finite() {
            score.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

/// Every construct's latent score for `customer`, in [`Construct::ALL`] order.
pub fn latents(customer: &Customer, incentive: f32) -> [f64; CONSTRUCTS] {
    Construct::ALL.map(|construct| construct.latent(customer, incentive))
}

/// All item names, construct by construct: `pe1, pe2, pe3, ii1, ...`.
pub fn item_names() -> Vec<String> {
    Construct::ALL
        .iter()
        .flat_map(|construct| construct.item_names())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_distinct_items_in_construct_order() {
        let names = item_names();
        assert_eq!(names.len(), 30);
        assert_eq!(&names[..4], ["pe1", "pe2", "pe3", "ii1"]);
        assert_eq!(names.last().map(String::as_str), Some("loy3"));
        let unique: std::collections::BTreeSet<_> = names.iter().collect();
        assert_eq!(unique.len(), 30);
        for (index, construct) in Construct::ALL.iter().enumerate() {
            assert_eq!(construct.index(), index);
        }
    }

    #[test]
    fn latent_scores_follow_their_states_and_stay_in_unit_range() {
        let low = Customer {
            activity: 0.01,
            empowerment: 0.2,
            self_efficacy: 0.2,
            emotional: 0.2,
            social: 0.2,
            loyalty: 0.2,
            satisfaction: 0.2,
            functional: 0.2,
            firm: 0,
            ..Customer::EMPTY
        };
        let high = Customer {
            activity: 0.5,
            empowerment: 0.8,
            self_efficacy: 0.8,
            emotional: 0.8,
            social: 0.8,
            loyalty: 0.8,
            satisfaction: 0.8,
            functional: 0.8,
            recent_product: 0.5,
            recent_peer: 0.6,
            firm: 0,
            ..Customer::EMPTY
        };
        let (a, b) = (latents(&low, 0.3), latents(&high, 0.3));
        for (x, y) in a.iter().zip(&b) {
            assert!((0.0..=1.0).contains(x) && (0.0..=1.0).contains(y));
            assert!(x < y, "{a:?} vs {b:?}");
        }
        assert_eq!(a[Construct::ProductEngagement.index()], 0.0);
        // Grievance lowers the willingness to participate (a customer below the scale's top).
        let moderate = Customer {
            activity: 0.002,
            ..high
        };
        let aggrieved = Customer {
            grievance: 0.8,
            ..moderate
        };
        assert!(Construct::Participation.latent(&moderate, 0.3) < 1.0);
        assert!(
            Construct::Participation.latent(&aggrieved, 0.3)
                < Construct::Participation.latent(&moderate, 0.3)
        );
        // Functional value has no path to participation (Huang & Suo 2021).
        let functional = Customer {
            functional: 0.1,
            ..high
        };
        assert_eq!(
            Construct::Participation.latent(&functional, 0.3),
            Construct::Participation.latent(&high, 0.3)
        );
    }
}
