//! The integration tests, one module per area, in one test binary (after ripgrep's
//! `tests/tests.rs`): the crate and the `cocreate` binary are linked once, and [`util`] is the
//! one place that says how a test calls the binary.

mod util;

mod cleanup;
mod cli;
mod events;
mod fuzz_regressions;
mod golden;
mod hardening;
mod invariants;
mod layering;
mod patterns;
mod planning;
mod report;
mod respondents;
mod robustness;
mod sensitivity;
mod slurm;
mod steady;
mod survey;
mod sweep;
mod validate;
