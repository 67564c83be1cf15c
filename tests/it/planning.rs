//! Sweep planning (issue 12): design points are built on the parsed base table, without the
//! TOML text round trip of `Scenario::load`. These tests hold the fast path to the slow one:
//! the same scenario for every point of every shipped design, and the same message for an
//! invalid point.

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
