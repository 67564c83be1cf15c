//! Replays every input in `fuzz/regressions/` (inputs that once crashed or hung the scenario
//! fuzz target, plus seeds) through the fuzz target's body: none may panic.

#[test]
fn fuzz_regressions_do_not_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .expect("fuzz/regressions exists")
        .flatten()
        .map(|e| e.path())
        .collect();
    inputs.sort();
    assert!(
        !inputs.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    for path in inputs {
        let data = std::fs::read(&path).expect("readable input");
        let _ = cocreate::scenario::fuzz::exercise(&data);
    }
}
