//! Property tests of the model's invariants over random configurations, including extreme
//! ones (levers at 0 or 1, tiny populations, a single employee): no panic, no NaN, every state
//! within [0, 1], population accounting consistent every tick, money and value finite.

use cocreate::model::Simulation;
use cocreate::model::config::{Config, Firm, NetworkKind};
use proptest::prelude::*;

fn lever() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(1.0), 0.0..=1.0f64]
}

fn firm() -> impl Strategy<Value = Firm> {
    (
        proptest::collection::vec(lever(), 10),
        proptest::collection::vec(lever(), 6),
        0.1..=20.0f64,
        0.05..=0.95f64,
    )
        .prop_map(|(policy, staff, staffing, quality)| {
            let mut firm = Firm {
                initial_quality: quality,
                initial_reputation: quality,
                ..Firm::default()
            };
            let p = &mut firm.policy;
            [
                p.incentive,
                p.feedback_solicitation,
                p.act_on_feedback,
                p.recognition,
                p.surprise_delight,
                p.service_recovery,
                p.complaint_outlets,
                p.tech_reliability,
                p.training,
                p.defensiveness,
            ] = policy.try_into().unwrap();
            p.staffing = staffing;
            let s = &mut firm.staff;
            [
                s.helpfulness,
                s.empathy,
                s.politeness,
                s.responsiveness,
                s.rudeness,
                s.indifference,
            ] = staff.try_into().unwrap();
            firm
        })
}

fn config() -> impl Strategy<Value = cocreate::model::ValidConfig> {
    (
        2u32..400,
        0.0..=1.0f64,
        prop_oneof![
            Just(NetworkKind::SmallWorld),
            Just(NetworkKind::ScaleFree),
            Just(NetworkKind::Random)
        ],
        0u32..5,
        proptest::collection::vec(firm(), 1..=3),
        0.05..0.95f64,
    )
        .prop_filter_map(
            "valid configuration",
            |(capacity, fill, kind, half_degree, mut firms, vindictiveness)| {
                let mut config = Config::default();
                config.population.capacity = capacity;
                config.population.initial = (f64::from(capacity) * fill) as u32;
                config.network.kind = kind;
                config.network.mean_degree = (2 * half_degree).min(capacity - 1) & !1;
                config.customers.vindictiveness.mean = vindictiveness;
                config.customers.vindictiveness.spread = 0.0;
                let share = 1.0 / firms.len() as f64;
                for (index, firm) in firms.iter_mut().enumerate() {
                    firm.name = format!("firm{index}");
                    firm.share = share;
                }
                // Make the shares sum to exactly 1 in floating point.
                let rest: f64 = firms[1..].iter().map(|f| f.share).sum();
                firms[0].share = 1.0 - rest;
                config.firms = firms;
                config.validate().ok()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn states_stay_bounded_and_population_adds_up(config in config(), seed in any::<u64>()) {
        let capacity = config.population.capacity as usize;
        let mut simulation = Simulation::new(&config, seed);
        let mut ticks = Vec::new();
        simulation.observe_initial(&mut ticks);
        let mut previous: f64 = ticks.iter().map(|t| f64::from(t.active_customers)).sum();
        for _ in 0..40 {
            simulation.step(&mut ticks);
            let active = simulation.customers().iter().filter(|c| c.is_active()).count();
            let reported: f64 = ticks.iter().map(|t| f64::from(t.active_customers)).sum();
            let churned: f64 = ticks.iter().map(|t| t.churned).sum();
            let acquired: f64 = ticks.iter().map(|t| t.acquired).sum();
            prop_assert_eq!(reported, active as f64);
            prop_assert!(active <= capacity);
            prop_assert_eq!(previous - churned + acquired, reported);
            previous = reported;
            for tick in &ticks {
                for (name, value) in cocreate::model::FirmTick::COLUMNS.iter().zip(tick.values()) {
                    prop_assert!(value.is_finite(), "{} is {}", name, value);
                }
                for value in [tick.satisfaction, tick.loyalty, tick.employee_morale, tick.product_quality, tick.reputation] {
                    prop_assert!((0.0..=1.0).contains(&value));
                }
                prop_assert!(tick.cocreated_value >= 0.0 && tick.codestroyed_value >= 0.0);
            }
            for customer in simulation.customers().iter().filter(|c| c.is_active()) {
                for (name, value) in customer.unit_states() {
                    prop_assert!((0.0..=1.0).contains(&value), "{} = {}", name, value);
                }
                prop_assert!(customer.activity.is_finite() && customer.contributions.is_finite());
            }
            for employee in simulation.employees() {
                prop_assert!((0.0..=1.0).contains(&employee.morale));
                prop_assert!((0.0..=1.0).contains(&employee.helpfulness));
            }
        }
    }
}
