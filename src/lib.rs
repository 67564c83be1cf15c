//! cocreate: an agent-based simulator of value co-creation and co-destruction in customer
//! engagement.
//!
//! The crate is layered so that each layer only knows the one below it:
//!
//! - [`model`]: the pure model core (agents, rules, the tick order, the schedule of
//!   configuration changes). It knows nothing of files, TOML or charts; it takes a validated
//!   [`model::Config`] and a seed and produces per-tick observations.
//! - [`scenario`]: turns TOML text (plus `--set` overrides) into a validated [`scenario::Scenario`],
//!   reporting bad input with file, line, column, key path and suggestions.
//! - [`experiment`]: replications, seeds and parallelism; summaries and regime classification.
//! - [`validation`]: the battery of patterns the model must reproduce, against their sources.
//! - [`output`]: one module per output format (CSV, manifest, charts, terminal table), all
//!   written atomically.
//! - [`survey`]: simulated survey respondents answering a questionnaire (Likert items with
//!   measurement error) for structural equation modelling.
//!
//! The binary (`src/main.rs`) is a thin command-line front end that maps errors to exit codes.

pub mod app;
pub mod cli;
pub mod experiment;
pub mod fuzz;
pub mod io;
pub mod model;
pub mod output;
pub mod scenario;
pub mod survey;
pub mod validation;
