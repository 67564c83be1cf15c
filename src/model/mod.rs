//! The pure model core: agents, rules and the tick order. It knows nothing of files, TOML or charts.
//!
//! - [`config`]: parameters, defaults and the model's preconditions ([`Config::validate`]).
//! - [`agents`]: customer, public and employee records, and how they are born or hired.
//! - `columns`: customers stored by field, in blocks (what the week's vector passes read).
//! - [`network`]: the community graph.
//! - [`rules`]: each submodel's functional form, as pure functions.
//! - [`sim`]: the tick order ([`Simulation::step`]).
//! - `passes` and `week`: a block's customer phase, as vector passes over its columns and the
//!   scalar steps (encounter, revenge, conversation, churn) of the customers who need them.
//! - [`schedule`]: the [`Schedule`] of configurations during a run (policy changes and shocks);
//!   the only thing called a schedule in the code.
//! - [`observe`]: the per-firm, per-tick observation ([`FirmTick`]).
//! - [`rng`]: seeded, portable random streams and counter-based slot draws.
//! - [`kernel`]: which compiled version of the customer phase runs (the same numbers).

pub mod agents;
mod columns;
pub mod config;
pub mod kernel;
mod lane_math;
pub mod network;
pub mod observe;
mod passes;
pub mod rng;
pub mod rules;
pub mod schedule;
pub mod sim;
mod week;

pub use config::{Config, ConfigIssue, ValidConfig};
pub use observe::FirmTick;
pub use schedule::{Change, Schedule, ScheduleError};
pub use sim::{BLOCK, Simulation};
