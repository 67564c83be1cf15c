//! Fuzz target: arbitrary bytes as a scenario file (parse, validate, and for what is valid a
//! short run). Run with `RUSTC_BOOTSTRAP=1 cargo fuzz run scenario` from the repository root.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cocreate::fuzz::exercise_scenario(data);
});
