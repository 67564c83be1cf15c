//! Replays every input in `fuzz/regressions/` (inputs that once crashed or hung the scenario
//! fuzz target, plus seeds) through the fuzz target's body, and the corpora of the other fuzz
//! bodies (`fuzz/regressions-design/`, `-record/`, `-set/`; see `cocreate::fuzz` and
//! `examples/fuzz.rs`) through theirs: none may panic.

use std::path::{Path, PathBuf};

fn inputs(corpus: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(corpus);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|_| panic!("{} exists", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    inputs.sort();
    assert!(
        !inputs.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    inputs
}

#[test]
fn fuzz_regressions_do_not_panic() {
    for path in inputs("regressions") {
        let data = std::fs::read(&path).expect("readable input");
        cocreate::fuzz::exercise_scenario(&data);
    }
}

#[test]
fn design_regressions_do_not_panic() {
    for path in inputs("regressions-design") {
        cocreate::fuzz::exercise_design(&std::fs::read(&path).unwrap());
    }
}

#[test]
fn set_regressions_do_not_panic() {
    for path in inputs("regressions-set") {
        cocreate::fuzz::exercise_set(&std::fs::read(&path).unwrap());
    }
}

#[test]
fn record_regressions_are_refused_without_panicking() {
    for path in inputs("regressions-record") {
        let level = cocreate::fuzz::exercise_record(&std::fs::read(&path).unwrap());
        assert!(level < 3, "{} was accepted", path.display());
    }
    // The hostile records, made from a valid one: each is refused by the check and by
    // merge alike (exercise_record asserts that they agree), and none panics.
    let valid: serde_json::Value = serde_json::from_str(&cocreate::fuzz::valid_record()).unwrap();
    assert_eq!(
        cocreate::fuzz::exercise_record(valid.to_string().as_bytes()),
        3
    );
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit); 5] = [
        ("3 of 16 outcomes", |r| {
            r["outcomes"][0].as_array_mut().unwrap().truncate(3)
        }),
        ("a trajectory cut short", |r| {
            r["trajectories"][0][0].as_array_mut().unwrap().truncate(2)
        }),
        ("an unknown regime", |r| r["regimes"][0] = "heavenly".into()),
        ("a null outcome", |r| {
            r["outcomes"][0][0] = serde_json::Value::Null
        }),
        ("another run's number", |r| r["run"] = 0.into()),
    ];
    for (what, edit) in edits {
        let mut record = valid.clone();
        edit(&mut record);
        let level = cocreate::fuzz::exercise_record(record.to_string().as_bytes());
        assert!(level < 3, "{what} was accepted");
    }
}
