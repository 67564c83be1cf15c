//! Parameter schedules: policy changes and shocks during a run (docs/ODD.md, "Events").
//!
//! A [`Schedule`] is the configuration a replication starts with plus the configurations that
//! take over at later ticks (a technology outage, a training budget cut, a policy ramp). Only
//! parameters that do not shape the state's structure may change: the population, the network,
//! the firms and their staff sizes are fixed for the run, because customers, ties and employees
//! are laid out once at initialisation. [`Schedule::new`] checks this once, so the simulation
//! can swap configurations without re-checking.

use std::sync::Arc;

use super::config::{Config, ValidConfig};

/// The configuration in effect from `tick` on (until the next change).
#[derive(Debug, Clone)]
pub struct Change {
    pub tick: u32,
    pub config: ValidConfig,
}

/// A base configuration and the changes that follow it, in increasing tick order. The
/// changes are shared (not copied) by every replication simulated from the schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    base: ValidConfig,
    changes: Arc<[Change]>,
}

/// Why a list of changes cannot be scheduled on a base configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("a change at tick 0: changes start at tick 1 (tick 0 is the initial state)")]
    AtTickZero,
    #[error("changes at ticks {previous} and {tick} are out of order")]
    OutOfOrder { previous: u32, tick: u32 },
    #[error("the change at tick {tick} alters {what}, which is fixed for the run")]
    Structural { tick: u32, what: &'static str },
}

impl Schedule {
    /// A run without changes.
    pub fn fixed(base: ValidConfig) -> Schedule {
        Schedule {
            base,
            changes: Arc::new([]),
        }
    }

    /// `base` followed by `changes` (strictly increasing ticks, each at least 1), each of which
    /// may alter only what can change during a run.
    pub fn new(base: ValidConfig, changes: Vec<Change>) -> Result<Schedule, ScheduleError> {
        let mut previous = 0;
        for change in &changes {
            if change.tick == 0 {
                return Err(ScheduleError::AtTickZero);
            }
            if change.tick <= previous {
                return Err(ScheduleError::OutOfOrder {
                    previous,
                    tick: change.tick,
                });
            }
            previous = change.tick;
            if let Some(what) = structural_difference(&base, &change.config) {
                return Err(ScheduleError::Structural {
                    tick: change.tick,
                    what,
                });
            }
        }
        Ok(Schedule {
            base,
            changes: changes.into(),
        })
    }

    pub fn base(&self) -> &ValidConfig {
        &self.base
    }

    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// The changes, shared.
    pub(crate) fn shared_changes(&self) -> Arc<[Change]> {
        Arc::clone(&self.changes)
    }

    /// The configuration in effect at `tick`.
    pub fn at(&self, tick: u32) -> &ValidConfig {
        self.changes
            .iter()
            .take_while(|change| change.tick <= tick)
            .last()
            .map_or(&self.base, |change| &change.config)
    }
}

/// The first structural part in which `b` differs from `a`, if any.
fn structural_difference(a: &Config, b: &Config) -> Option<&'static str> {
    if a.population != b.population {
        return Some("the population");
    }
    if a.network != b.network {
        return Some("the network");
    }
    if a.firms.len() != b.firms.len() {
        return Some("the number of firms");
    }
    for (index, (x, y)) in a.firms.iter().zip(&b.firms).enumerate() {
        if x.name != y.name {
            return Some("a firm's name");
        }
        if a.staff_count(index) != b.staff_count(index) {
            return Some("a firm's staff size (policy.staffing)");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(edit: impl FnOnce(&mut Config)) -> ValidConfig {
        let mut config = Config {
            firms: vec![crate::model::config::Firm::default()],
            ..Config::default()
        };
        edit(&mut config);
        config.validate().expect("valid")
    }

    #[test]
    fn the_config_in_effect_follows_the_changes() {
        let base = valid(|_| {});
        let outage = valid(|c| c.firms[0].policy.tech_reliability = 0.0);
        let restored = valid(|_| {});
        let schedule = Schedule::new(
            base,
            vec![
                Change {
                    tick: 10,
                    config: outage,
                },
                Change {
                    tick: 14,
                    config: restored,
                },
            ],
        )
        .expect("schedulable");
        let reliability = |t| schedule.at(t).firms[0].policy.tech_reliability;
        let normal = crate::model::config::Firm::default()
            .policy
            .tech_reliability;
        assert_eq!(reliability(0), normal);
        assert_eq!(reliability(9), normal);
        assert_eq!(reliability(10), 0.0);
        assert_eq!(reliability(13), 0.0);
        assert_eq!(reliability(14), normal);
        assert_eq!(reliability(1000), normal);
    }

    #[test]
    fn structural_changes_and_bad_order_are_refused() {
        let base = valid(|_| {});
        let bigger = valid(|c| c.population.capacity *= 2);
        let error = Schedule::new(
            base.clone(),
            vec![Change {
                tick: 5,
                config: bigger,
            }],
        )
        .unwrap_err();
        assert_eq!(
            error,
            ScheduleError::Structural {
                tick: 5,
                what: "the population"
            }
        );
        let more_staff = valid(|c| c.firms[0].policy.staffing = 1.0);
        assert!(matches!(
            Schedule::new(
                base.clone(),
                vec![Change {
                    tick: 5,
                    config: more_staff
                }]
            ),
            Err(ScheduleError::Structural { .. })
        ));
        let same = valid(|_| {});
        let twice = vec![
            Change {
                tick: 5,
                config: same.clone(),
            },
            Change {
                tick: 5,
                config: same.clone(),
            },
        ];
        assert_eq!(
            Schedule::new(base.clone(), twice).unwrap_err(),
            ScheduleError::OutOfOrder {
                previous: 5,
                tick: 5
            }
        );
        assert_eq!(
            Schedule::new(
                base,
                vec![Change {
                    tick: 0,
                    config: same
                }]
            )
            .unwrap_err(),
            ScheduleError::AtTickZero
        );
    }
}
