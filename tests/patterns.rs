//! The patterns the calibrated defaults must reproduce (model spec, section 7), checked on the
//! shipped scenarios: regimes (1), the direction of every factor of Zhang et al. (2018) by
//! paired replications with common random numbers (2), the WOM ratio (3), participation
//! inequality (4) and monthly churn (6). Populations are reduced where noted to keep the
//! suite fast; the mechanisms do not depend on population size.

use cocreate::experiment::stats::Estimate;
use cocreate::experiment::{self, Keep, Regime, Replication, Silent};
use cocreate::scenario::{Override, Scenario, Source};

fn load(path: &str, sets: &[&str]) -> Scenario {
    let text = std::fs::read_to_string(path).expect("scenario file");
    let source = Source {
        name: path.to_owned(),
        text,
    };
    let overrides: Vec<Override> = sets.iter().map(|s| s.parse().expect("override")).collect();
    Scenario::load(&source, &overrides).unwrap_or_else(|e| panic!("{e}"))
}

fn run(path: &str, sets: &[&str]) -> Vec<Replication> {
    experiment::run(&load(path, sets), Keep { customers: false }, &Silent)
}

fn outcome(replications: &[Replication], firm: usize, column: &str) -> Vec<f64> {
    replications
        .iter()
        .map(|r| r.summaries[firm].value(column).expect("column"))
        .collect()
}

/// A factor of section 6: its parameter path, a low and a high value, and whether raising it
/// should raise (co-creation) or lower (co-destruction) the net value.
struct Factor {
    path: &'static str,
    low: f64,
    high: f64,
    raises_net_value: bool,
}

const FACTORS: [Factor; 16] = [
    Factor {
        path: "firms.0.policy.surprise_delight",
        low: 0.0,
        high: 0.5,
        raises_net_value: true,
    },
    Factor {
        path: "firms.0.policy.recognition",
        low: 0.1,
        high: 0.9,
        raises_net_value: true,
    },
    Factor {
        path: "firms.0.policy.act_on_feedback",
        low: 0.1,
        high: 0.9,
        raises_net_value: true,
    },
    Factor {
        path: "firms.0.policy.incentive",
        low: 0.1,
        high: 0.9,
        raises_net_value: true,
    },
    Factor {
        path: "firms.0.policy.feedback_solicitation",
        low: 0.1,
        high: 0.9,
        raises_net_value: true,
    },
    Factor {
        path: "firms.0.policy.service_recovery",
        low: 0.1,
        high: 0.9,
        raises_net_value: true,
    },
    Factor {
        path: "firms.0.staff.helpfulness",
        low: 0.3,
        high: 0.9,
        raises_net_value: true,
    },
    Factor {
        path: "firms.0.staff.empathy",
        low: 0.3,
        high: 0.9,
        raises_net_value: true,
    },
    Factor {
        path: "firms.0.staff.politeness",
        low: 0.3,
        high: 0.9,
        raises_net_value: true,
    },
    Factor {
        path: "firms.0.staff.responsiveness",
        low: 0.2,
        high: 0.9,
        raises_net_value: true,
    },
    Factor {
        path: "firms.0.staff.rudeness",
        low: 0.02,
        high: 0.25,
        raises_net_value: false,
    },
    Factor {
        path: "firms.0.staff.indifference",
        low: 0.02,
        high: 0.3,
        raises_net_value: false,
    },
    Factor {
        path: "firms.0.policy.defensiveness",
        low: 0.0,
        high: 0.6,
        raises_net_value: false,
    },
    Factor {
        path: "firms.0.policy.tech_reliability",
        low: 0.8,
        high: 0.99,
        raises_net_value: true,
    },
    Factor {
        path: "firms.0.policy.complaint_outlets",
        low: 0.1,
        high: 0.9,
        raises_net_value: true,
    },
    Factor {
        path: "customers.vindictiveness.mean",
        low: 0.2,
        high: 0.7,
        raises_net_value: false,
    },
];

/// Pattern 2: each factor moves net value in the paper's direction. Low and high runs share
/// replication seeds (common random numbers); the paired difference's 95% interval must exclude
/// zero on the right side.
#[test]
fn every_factor_has_the_direction_of_zhang_et_al() {
    let base = [
        "population.capacity=3000",
        "population.initial=2400",
        "ticks=156",
        "replications=8",
    ];
    let mut failures = Vec::new();
    for factor in &FACTORS {
        let at = |value: f64| {
            let set = format!("{}={value}", factor.path);
            let mut sets: Vec<&str> = base.to_vec();
            sets.push(&set);
            outcome(&run("scenarios/baseline.toml", &sets), 0, "net_value")
        };
        let (low, high) = (at(factor.low), at(factor.high));
        let diff = Estimate::of(high.iter().zip(&low).map(|(h, l)| h - l));
        let ok = if factor.raises_net_value {
            diff.lo > 0.0
        } else {
            diff.hi < 0.0
        };
        eprintln!(
            "{:<40} high-low net value {:>10.1} [{:>10.1}, {:>10.1}] {}",
            factor.path,
            diff.mean,
            diff.lo,
            diff.hi,
            if ok { "ok" } else { "WRONG" }
        );
        if !ok {
            failures.push(factor.path);
        }
    }
    assert!(
        failures.is_empty(),
        "factors without the expected direction: {failures:?}"
    );
}

fn share_in(replications: &[Replication], firm: usize, regime: Regime) -> f64 {
    let count = replications
        .iter()
        .filter(|r| r.summaries[firm].regime == regime)
        .count();
    count as f64 / replications.len() as f64
}

/// Pattern 1: the well-run firm ends virtuous and the badly run one in a spiral, in at least
/// 95% of replications each (20 full-size replications).
#[test]
fn virtuous_and_spiral_scenarios_reach_their_regimes() {
    let virtuous = run("scenarios/virtuous.toml", &["replications=20"]);
    let spiral = run("scenarios/spiral.toml", &["replications=20"]);
    let (v, s) = (
        share_in(&virtuous, 0, Regime::Virtuous),
        share_in(&spiral, 0, Regime::Spiral),
    );
    eprintln!("virtuous share {v}, spiral share {s}");
    assert!(
        v >= 0.95,
        "virtuous scenario ended virtuous in only {v:.2} of runs"
    );
    assert!(
        s >= 0.95,
        "spiral scenario ended in a spiral in only {s:.2} of runs"
    );
}

/// In the two-firm market the attentive firm ends virtuous and gains customers the careless
/// firm loses.
#[test]
fn attentive_firm_wins_customers_from_careless_one() {
    let replications = run("scenarios/two_firms.toml", &["replications=6"]);
    for r in &replications {
        let (attentive, careless) = (&r.summaries[0], &r.summaries[1]);
        assert_eq!(attentive.regime, Regime::Virtuous);
        assert_eq!(careless.regime, Regime::Spiral);
        assert!(attentive.final_active_customers > 4000 && careless.final_active_customers < 4000);
    }
}

/// Patterns 3, 4 and 6 on the full-size baseline: positive to negative WOM between 2:1 and
/// 4:1 (East et al. 2007: about 3:1); the top 1% of customers make at least a quarter of all
/// contributions while most contribute rarely or never (Nielsen 2006); monthly churn between 1%
/// and 3%.
#[test]
fn baseline_reproduces_wom_ratio_participation_inequality_and_churn() {
    let scenario = load("scenarios/baseline.toml", &[]);
    let replications = experiment::run(&scenario, Keep { customers: true }, &Silent);

    let wom = Estimate::of(outcome(&replications, 0, "wom_ratio"));
    eprintln!("WOM ratio {:.2} [{:.2}, {:.2}]", wom.mean, wom.lo, wom.hi);
    assert!(
        wom.lo >= 2.0 && wom.hi <= 4.0,
        "WOM ratio {wom:?} outside 2:1 to 4:1"
    );

    let top1 = Estimate::of(outcome(&replications, 0, "top1_contribution_share"));
    eprintln!(
        "top 1% share {:.3} [{:.3}, {:.3}]",
        top1.mean, top1.lo, top1.hi
    );
    assert!(
        top1.lo >= 0.25,
        "top 1% made only {top1:?} of contributions"
    );
    for r in &replications {
        // "Rarely": fewer than two contributions per year of tenure.
        let rare = r
            .customers
            .iter()
            .filter(|(_, c)| f64::from(c.contributions) < 2.0 * f64::from(c.tenure.max(1)) / 52.0)
            .count();
        let share = rare as f64 / r.customers.len() as f64;
        assert!(
            share > 0.5,
            "only {share:.2} of customers contribute rarely or never"
        );
    }

    let churn = Estimate::of(outcome(&replications, 0, "monthly_churn"));
    eprintln!(
        "monthly churn {:.4} [{:.4}, {:.4}]",
        churn.mean, churn.lo, churn.hi
    );
    assert!(
        churn.lo >= 0.01 && churn.hi <= 0.03,
        "monthly churn {churn:?} outside 1% to 3%"
    );
}
