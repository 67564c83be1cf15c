//! Week 0 is a firm in its steady state (docs/ODD.md, section 5): after the default spin-up,
//! no state of the baseline or the virtuous firm drifts over the first two years by more than
//! replications of the same firm differ from each other. With a short spin-up the same check
//! must fail (the old transient), so the check can fail.

use cocreate::model::rng::replication_seed;
use cocreate::model::{FirmTick, Simulation};
use cocreate::scenario::{Override, Scenario, Source};

const REPLICATIONS: u64 = 10;
/// Weeks observed: the first 8 weeks are compared with weeks 52-104.
const WEEKS: u32 = 104;

/// A series checked: its name and how to read it from one observed week.
type Series = (&'static str, fn(&FirmTick) -> f64);

const SERIES: [Series; 13] = [
    ("active_customers", |t| f64::from(t.active_customers)),
    ("satisfaction", |t| t.satisfaction),
    ("loyalty", |t| t.loyalty),
    ("self_efficacy", |t| t.self_efficacy),
    ("empowerment", |t| t.empowerment),
    ("grievance", |t| t.grievance),
    ("functional_value", |t| t.functional_value),
    ("emotional_value", |t| t.emotional_value),
    ("social_value", |t| t.social_value),
    ("participation_rate", |t| t.participation_rate),
    ("product_quality", |t| t.product_quality),
    ("reputation", |t| t.reputation),
    ("employee_morale", |t| t.employee_morale),
];

fn scenario(file: &str, sets: &[&str]) -> Scenario {
    let path = format!("{}/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
    let source = Source {
        name: path.clone(),
        text: std::fs::read_to_string(&path).expect("scenario file"),
    };
    let overrides: Vec<Override> = sets.iter().map(|s| s.parse().expect("override")).collect();
    Scenario::load(&source, &overrides).expect("valid scenario")
}

/// Per series: (mean over replications of the drift, i.e. the mean of weeks 52-104 minus the
/// mean of weeks 1-8, and the standard deviation between replications of the level in weeks
/// 52-104). Week 0 is left out because its flows are 0 by definition.
fn drifts(scenario: &Scenario) -> Vec<(&'static str, f64, f64)> {
    let mut drift = vec![Vec::new(); SERIES.len()];
    let mut level = vec![Vec::new(); SERIES.len()];
    for r in 0..REPLICATIONS {
        let mut sim = Simulation::new(scenario.model(), replication_seed(scenario.seed(), r));
        let mut out = Vec::new();
        let mut early = [0.0; SERIES.len()];
        let mut late = [0.0; SERIES.len()];
        for week in 1..=WEEKS {
            sim.step(&mut out);
            for (i, (_, read)) in SERIES.iter().enumerate() {
                if week <= 8 {
                    early[i] += read(&out[0]) / 8.0;
                } else if week >= 52 {
                    late[i] += read(&out[0]) / f64::from(WEEKS - 51);
                }
            }
        }
        for i in 0..SERIES.len() {
            drift[i].push(late[i] - early[i]);
            level[i].push(late[i]);
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let sd = |v: &[f64]| {
        let m = mean(v);
        (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
    };
    SERIES
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (*name, mean(&drift[i]), sd(&level[i])))
        .collect()
}

/// The series whose drift exceeds twice the spread between replications: a change a reader
/// would see leave the 95% band of the replications.
fn transients(scenario: &Scenario) -> Vec<String> {
    drifts(scenario)
        .into_iter()
        .filter(|(_, drift, spread)| drift.abs() > 2.0 * spread)
        .map(|(name, drift, spread)| format!("{name}: drift {drift:+.4} > 2 x sd {spread:.4}"))
        .collect()
}

#[test]
fn baseline_starts_in_its_steady_state() {
    let found = transients(&scenario("baseline.toml", &[]));
    assert!(found.is_empty(), "transient after the spin-up: {found:?}");
}

#[test]
fn virtuous_firm_starts_in_its_steady_state() {
    let found = transients(&scenario("virtuous.toml", &[]));
    assert!(found.is_empty(), "transient after the spin-up: {found:?}");
}

#[test]
fn a_short_spin_up_leaves_a_transient_the_check_finds() {
    let found = transients(&scenario("baseline.toml", &["population.spinup=52"]));
    assert!(
        found.iter().any(|f| f.starts_with("product_quality")),
        "{found:?}"
    );
}
