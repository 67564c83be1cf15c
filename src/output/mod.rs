//! Output writers, one module per format. Every file is written atomically (see
//! [`crate::io::atomic`]).
//!
//! - [`csv`]: `timeseries.csv`, `summary.csv`, `customers.csv`.
//! - [`manifest`]: the run's `manifest.json`.
//! - [`charts`]: drawing (PNG and SVG with an embedded font); [`trajectories`] chooses what a
//!   run draws.
//! - [`report`]: the summary table printed at the end of a run.
//! - [`sensitivity`], [`sensitivity_charts`]: `sensitivity.csv`, the ranked table and the
//!   charts of a Morris, Sobol or Latin-hypercube sweep.
//! - [`validation`], [`validation_charts`]: the outputs of `cocreate validate`.
//! - [`survey`]: `survey.csv`, `latent.csv`, `codebook.csv` and `model.lav` of `cocreate survey`.

pub mod bars;
pub mod charts;
pub mod csv;
pub mod decimal;
pub mod heatmap;
pub mod html;
pub mod manifest;
#[cfg(test)]
mod render_checks;
pub mod report;
pub mod sensitivity;
pub mod sensitivity_charts;
pub mod survey;
pub mod sweep_charts;
pub mod sweep_csv;
pub mod trajectories;
pub mod validation;
pub mod validation_charts;
