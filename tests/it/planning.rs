//! Sweep planning (issue 12): design points are built on the parsed base table, without the
//! TOML text round trip of `Scenario::load`. These tests hold the fast path to the slow one:
//! the same scenario for every point of every shipped design, and the same message for an
//! invalid point.

use cocreate::experiment::sweep::Plan;
use cocreate::scenario::design::{separable, separable_keys};
use cocreate::scenario::{Override, Scenario, Source};

fn load(path: &str) -> Scenario {
    let text = std::fs::read_to_string(path).unwrap();
    let source = Source {
        name: path.to_owned(),
        text,
    };
    Scenario::load(&source, &[]).unwrap()
}

/// Every point (at most `limit`, spread over the design) built both ways must be the same
/// scenario, down to its debug form (schedule, survey settings and every default).
fn same_both_ways(scenario: &Scenario, limit: usize) -> usize {
    let design = scenario.design().expect("a design");
    let base = scenario.point_base().unwrap();
    let slow_source = scenario.point_source("p");
    let step = design.points.len().div_ceil(limit).max(1);
    let mut compared = 0;
    for point in design.points.iter().step_by(step) {
        let fast = base.point("p", &point.overrides).unwrap();
        let slow = Scenario::load(&slow_source, &point.overrides).unwrap();
        assert_eq!(
            format!("{fast:?}"),
            format!("{slow:?}"),
            "point {} ({})",
            point.index,
            point.label
        );
        assert_eq!(fast.resolved_toml(), slow.resolved_toml());
        compared += 1;
    }
    compared
}

#[test]
fn every_shipped_design_point_is_the_same_scenario_built_fast_or_slow() {
    let mut designs = 0;
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        let name = path.to_str().unwrap().to_owned();
        if !name.ends_with(".toml") {
            continue;
        }
        let scenario = load(&name);
        if scenario.design().is_some() {
            assert!(same_both_ways(&scenario, 40) > 0, "{name}");
            designs += 1;
        }
    }
    // Grid, LHS, variants, Morris, Sobol and a design over event keys are all shipped.
    assert!(designs >= 6, "only {designs} shipped designs");
}

#[test]
fn an_invalid_point_gets_the_slow_paths_located_message() {
    let scenario = load("scenarios/policy_variants.toml");
    let base = scenario.point_base().unwrap();
    let slow_source = scenario.point_source("experiment point 7 (bad)");
    for set in [
        "firms.0.policy.training=2",
        "firms.0.policy.training=\"high\"",
        "firms.0.policy.trainin=0.5",
        "ticks=0",
        "events.0.tick=3",
    ] {
        let overrides: Vec<Override> = vec![set.parse().unwrap()];
        let fast = base
            .point("experiment point 7 (bad)", &overrides)
            .unwrap_err();
        let slow = Scenario::load(&slow_source, &overrides).unwrap_err();
        assert_eq!(fast, slow, "{set}");
        assert!(!fast.lines.is_empty());
    }
}

#[test]
fn a_point_that_moves_an_event_is_validated_with_its_events() {
    // An override that moves or breaks an event (out of range, past the end of the run) is caught by the fast
    // path exactly as by the slow one: events are canonicalised and scheduled per point.
    let text = "name = \"t\"\nticks = 30\nreplications = 2\n[population]\ncapacity = 50\ninitial = 40\n\
                [[events]]\ntick = 5\nduration = 5\nramp.firms.0.policy.training = 0.2\n";
    let source = Source {
        name: "e.toml".to_owned(),
        text: text.to_owned(),
    };
    let scenario = Scenario::load(&source, &[]).unwrap();
    let base = scenario.point_base().unwrap();
    let slow_source = scenario.point_source("p");
    for set in [
        "events.0.tick=10",
        "events.0.tick=40",
        "events.0.ramp.firms.0.policy.training=0.9",
        "events.0.ramp.firms.0.policy.training=7",
        "events.0.duration=-1",
    ] {
        let overrides: Vec<Override> = vec![set.parse().unwrap()];
        let fast = base.point("p", &overrides);
        let slow = Scenario::load(&slow_source, &overrides);
        match (fast, slow) {
            (Ok(fast), Ok(slow)) => assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{set}"),
            (Err(fast), Err(slow)) => assert_eq!(fast, slow, "{set}"),
            (fast, slow) => panic!("{set}: fast {fast:?}, slow {slow:?}"),
        }
    }
}

/// Two firms, so that per-firm keys of different firms are paired too.
const TWO_FIRMS: &str = "name = \"t\"\nticks = 5\nreplications = 2\n[population]\ncapacity = 200\n\
                         initial = 100\n[[firms]]\nname = \"a\"\nshare = 0.5\n[[firms]]\nname = \"b\"\n\
                         share = 0.5\n";

fn set(key: &str, value: f64) -> Override {
    format!("{key}={value}").parse().unwrap()
}

#[test]
fn separable_keys_do_not_interact() {
    // Planning checks a grid of separable factors along its axes only. That is exact only if
    // no rule of validation reads two of these keys: here every pair, at values inside and
    // outside every key's range, is valid together exactly when each is valid alone.
    let source = Source {
        name: "two.toml".to_owned(),
        text: TWO_FIRMS.to_owned(),
    };
    let base = Scenario::load(&source, &[]).unwrap().point_base().unwrap();
    let keys = separable_keys(2);
    assert!(keys.iter().all(|k| separable(k)));
    for key in [
        "population.initial",
        "population.capacity",
        "ticks",
        "firms.0.share",
    ] {
        assert!(!separable(key), "{key}");
    }
    for key in [
        "firms.0.policy.staffing",
        "customers.loyalty.mean",
        "network.mean_degree",
    ] {
        assert!(!separable(key), "{key}");
    }
    let values = [-1.0, 0.1, 0.5, 1.5, 2e9];
    let alone: Vec<Vec<bool>> = keys
        .iter()
        .map(|key| {
            values
                .iter()
                .map(|&v| base.point("p", &[set(key, v)]).is_ok())
                .collect()
        })
        .collect();
    // Every key is a number the scenario has, valid at some of these values and not others.
    for (key, valid) in keys.iter().zip(&alone) {
        assert!(
            valid.contains(&true) && valid.contains(&false),
            "{key}: {valid:?}"
        );
    }
    // Validation is a conjunction of rules, so a pair with an invalid value stays invalid;
    // what a rule joining two keys would show is a pair of values valid alone, invalid
    // together. Every such pair is tried.
    use rayon::prelude::*;
    let pairs: Vec<(usize, usize)> = (0..keys.len())
        .flat_map(|i| (i + 1..keys.len()).map(move |j| (i, j)))
        .collect();
    pairs.par_iter().for_each(|&(i, j)| {
        for (x, &vx) in values.iter().enumerate().filter(|(x, _)| alone[i][*x]) {
            for (y, &vy) in values.iter().enumerate().filter(|(y, _)| alone[j][*y]) {
                let both = base.point("p", &[set(&keys[i], vx), set(&keys[j], vy)]);
                assert!(
                    both.is_ok(),
                    "{}={vx} and {}={vy} are valid alone, not together: {:?} {x} {y}",
                    keys[i],
                    keys[j],
                    both.err()
                );
            }
        }
    });
    let pairs = pairs.len();
    assert!(pairs > 2000, "{pairs} pairs");
}

fn grid(factors: &[(&str, &[f64])]) -> Scenario {
    let mut text = format!("{TWO_FIRMS}[experiment]\ndesign = \"grid\"\n");
    for (key, values) in factors {
        let values: Vec<String> = values.iter().map(f64::to_string).collect();
        text.push_str(&format!(
            "[[experiment.factors]]\nkey = \"{key}\"\nvalues = [{}]\n",
            values.join(", ")
        ));
    }
    let source = Source {
        name: "grid.toml".to_owned(),
        text,
    };
    Scenario::load(&source, &[]).unwrap()
}

#[test]
fn planning_along_the_axes_finds_what_checking_every_point_finds() {
    let unit = "firms.1.policy.training";
    let cost = "firms.0.costs.wage";
    let rate = "behaviour.loss_aversion";
    let cases: [[&[f64]; 3]; 6] = [
        // All valid.
        [&[0.0, 0.5, 1.0], &[0.0, 10.0], &[1.0, 2.0, 3.0, 10.0]],
        // One bad level of the last factor (fastest), of the middle one, of the first one.
        [&[0.0, 0.5, 1.0], &[0.0, 10.0], &[1.0, 2.0, 0.5, 10.0]],
        [&[0.0, 0.5, 1.0], &[0.0, -1.0], &[1.0, 2.0, 3.0, 10.0]],
        [&[0.0, 0.5, 2.0], &[0.0, 10.0], &[1.0, 2.0, 3.0, 10.0]],
        // Bad levels in every factor, and point 0 itself bad.
        [&[0.0, 1.5, 2.0], &[0.0, -1.0], &[1.0, 11.0, 3.0, 0.0]],
        [&[-0.5, 0.5, 1.0], &[-1.0, 10.0], &[0.0, 2.0, 3.0, 10.0]],
    ];
    for [a, b, c] in cases {
        let scenario = grid(&[(unit, a), (cost, b), (rate, c)]);
        let along = Plan::new(scenario.clone());
        let every = Plan::point_by_point(scenario);
        match (along, every) {
            (Ok(along), Ok(every)) => {
                assert_eq!(along.point_count(), every.point_count());
                assert_eq!(
                    along.heaviest.resolved_toml(),
                    every.heaviest.resolved_toml()
                );
                assert_eq!(along.identity, every.identity);
            }
            (Err(along), Err(every)) => {
                assert_eq!(along.to_string(), every.to_string(), "{a:?} {b:?} {c:?}");
            }
            (along, every) => panic!(
                "{a:?} {b:?} {c:?}: along the axes {:?}, every point {:?}",
                along.err(),
                every.err()
            ),
        }
    }
}

#[test]
fn a_grid_with_a_factor_that_is_not_separable_checks_every_point() {
    // `population.initial` is checked against `capacity` (200): the point initial = 150 with
    // capacity = 100 is invalid, though each level is valid next to the other's first level.
    let scenario = grid(&[
        ("population.capacity", &[200.0, 100.0]),
        ("population.initial", &[50.0, 150.0]),
    ]);
    let error = Plan::new(scenario.clone())
        .err()
        .expect("point 3 is invalid");
    let every = Plan::point_by_point(scenario)
        .err()
        .expect("point 3 is invalid");
    assert_eq!(error.to_string(), every.to_string());
    assert!(
        error.to_string().contains("population.initial=150")
            && error
                .to_string()
                .contains("must not exceed population.capacity (100)"),
        "{error}"
    );
}

#[test]
fn lazy_points_are_the_points_expanded_before() {
    // Points are built on demand from a grid's levels or a design's rows; they must be the
    // points the design describes, in row-major order (the last factor fastest).
    let scenario = grid(&[
        ("firms.0.policy.training", &[0.1, 0.2]),
        ("behaviour.loss_aversion", &[1.0, 2.0, 3.0]),
    ]);
    let points = &scenario.design().unwrap().points;
    assert_eq!(points.len(), 6);
    let all: Vec<_> = points.iter().collect();
    assert_eq!(all[4].values, [0.2, 2.0]);
    assert_eq!(
        all[4].label,
        "firms.0.policy.training=0.2, behaviour.loss_aversion=2"
    );
    assert_eq!(all[4].overrides[1].raw, "behaviour.loss_aversion=2");
    assert_eq!(points.get(4).unwrap(), all[4]);
    assert_eq!(points.value(4, 1), Some(2.0));
    assert_eq!(points.level(4, 0), Some(1));
    assert_eq!(points.grid_index(&[1, 1]), Some(4));
    assert!(points.get(6).is_none());
    // Every shipped design: each point's values are its row (or grid levels), in order.
    let mut designs = 0;
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let name = entry.unwrap().path().to_str().unwrap().to_owned();
        if !name.ends_with(".toml") {
            continue;
        }
        let Some(design) = load(&name).design().cloned() else {
            continue;
        };
        designs += 1;
        assert_eq!(design.points.iter().len(), design.points.len());
        for (index, point) in design.points.iter().enumerate() {
            assert_eq!(point.index, index, "{name}");
            for (factor, value) in point.values.iter().enumerate() {
                assert_eq!(design.points.value(index, factor), Some(*value), "{name}");
            }
        }
    }
    assert!(designs >= 6, "only {designs} shipped designs");
}
