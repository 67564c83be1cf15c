//! `[[events]]`: policy changes and shocks at given ticks (docs/ODD.md, "Events").
//!
//! An event changes parameters from its `tick` on, written as `--set`-style dotted keys:
//!
//! ```toml
//! [[events]]
//! tick = 100                  # the first week the change is in effect
//! duration = 4                # optional: back to the previous values after 4 weeks
//! label = "platform outage"   # optional: how charts mark it
//! set = { "firms.0.policy.tech_reliability" = 0.0 }
//!
//! [[events]]                  # or a linear ramp to a target, reached after `duration` weeks
//! tick = 52                   # and held from then on
//! duration = 100
//! ramp = { "firms.0.policy.service_recovery" = 0.1 }
//! ```
//!
//! The parameters in effect at tick t are the scenario's own with every event active at t
//! applied in file order; a ramp starts from the value the earlier settings give at t. Only
//! parameters that may change during a run can be named: the firms' `policy` (but `staffing`),
//! `staff` (new hires; `capacity` and `initial_morale` also the current staff) and `costs`, and
//! `customers`, `behaviour` and `market`. Keys are stored nested whether the file quoted them
//! or not ([`canonicalise`]), so `--set` and sweep factors reach them by one path. The population, network,
//! firm names and shares, initial quality and reputation, and the run settings are fixed.
//! Events after the last tick never happen (so a shortened run keeps working).

use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use super::overrides::{self, Override};

/// Most ticks at which events may change parameters (a ramp changes them every week).
pub const MAX_CHANGES: usize = 5_000;

/// One `[[events]]` entry as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    /// First tick (week) the change is in effect, at least 1.
    pub tick: u32,
    /// Weeks the change lasts (a `set` reverts afterwards); for a `ramp`, the weeks it takes
    /// to reach its target. Without it, a `set` lasts to the end of the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    /// Text that marks the event on charts; by default, the parameters it changes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Parameters set while the event lasts: dotted keys as for `--set`.
    #[serde(default, skip_serializing_if = "Table::is_empty")]
    pub set: Table,
    /// Parameters moved linearly to these targets over `duration` weeks, then held.
    #[serde(default, skip_serializing_if = "Table::is_empty")]
    pub ramp: Table,
}

/// A dotted key and its value (or a ramp's target).
type Setting = (String, Value);

/// An event's place on the time axis, for charts.
#[derive(Debug, Clone, PartialEq)]
pub struct EventMark {
    pub tick: u32,
    /// The first week without a `set` that has a duration, or the week a ramp reaches its
    /// target.
    pub end: Option<u32>,
    pub label: String,
}

impl EventSpec {
    /// `set` or `ramp` with nested tables flattened into dotted keys.
    fn changes(&self) -> (Vec<Setting>, Vec<Setting>) {
        (flatten(&self.set), flatten(&self.ramp))
    }

    fn is_ramp(&self) -> bool {
        !self.ramp.is_empty()
    }

    /// The event's state at tick `t`: 0 when not in effect, 1 for a `set` in effect, and for a
    /// ramp its step, 1..=duration (held at `duration` once the target is reached).
    fn step_at(&self, t: u32) -> u32 {
        if t < self.tick {
            0
        } else if self.is_ramp() {
            (t - self.tick + 1).min(self.duration.unwrap_or(1))
        } else if self.end().is_some_and(|end| t >= end) {
            0
        } else {
            1
        }
    }

    /// The tick after the last one the event's `set` is in effect, if it ends.
    fn end(&self) -> Option<u32> {
        self.duration.map(|d| self.tick.saturating_add(d))
    }

    /// The label charts show: the user's, or the changed parameters.
    pub fn mark(&self) -> EventMark {
        let label = if self.label.is_empty() {
            let (set, ramp) = self.changes();
            let describe = |(key, value): &Setting| {
                let short = key.rsplit('.').next().unwrap_or(key);
                format!("{short} {} {value}", if self.is_ramp() { "→" } else { "=" })
            };
            set.iter()
                .chain(&ramp)
                .map(describe)
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            self.label.clone()
        };
        // A ramp reaches its target in its last week; a set reverts the week after its last.
        let end = if self.is_ramp() {
            self.duration
                .map(|d| self.tick.saturating_add(d.saturating_sub(1)))
        } else {
            self.end()
        };
        EventMark {
            tick: self.tick,
            end,
            label,
        }
    }
}

/// `set` and `ramp` of every event rewritten with nested keys (`firms = { 0 = { policy = {
/// x = 1 } } }`), whether the file quoted dotted keys or nested tables, so that a `--set` or a
/// sweep factor such as `events.0.set.firms.0.policy.x` addresses the one place the value
/// lives. A parameter written twice in one event (once quoted, once nested) is an error.
pub fn canonicalise(events: &mut [EventSpec]) -> Vec<EventIssue> {
    let mut issues = Vec::new();
    for (index, event) in events.iter_mut().enumerate() {
        for (name, table) in [("set", &mut event.set), ("ramp", &mut event.ramp)] {
            let mut nested = Table::new();
            let mut seen = std::collections::BTreeSet::new();
            for (key, value) in flatten(table) {
                let path = format!("events.{index}.{name}.{key}");
                if !seen.insert(key.clone()) {
                    issues.push(EventIssue {
                        event: index,
                        path,
                        message: format!("`{key}` is given twice in this event"),
                    });
                    continue;
                }
                let item = Override {
                    key: key.clone(),
                    value,
                    raw: path.clone(),
                };
                if let Err(error) = overrides::apply(&mut nested, std::slice::from_ref(&item)) {
                    issues.push(EventIssue {
                        event: index,
                        path,
                        message: error.to_string(),
                    });
                }
            }
            *table = nested;
        }
    }
    issues
}

/// A TOML number (float or integer) as `f64`.
fn number(value: &Value) -> Option<f64> {
    value.as_float().or(value.as_integer().map(|i| i as f64))
}

/// Nested tables become dotted keys (`{ firms = { 0 = { policy = { x = 1 } } } }` is
/// `firms.0.policy.x = 1`); quoted dotted keys stay as they are.
fn flatten(table: &Table) -> Vec<Setting> {
    fn walk(prefix: &str, table: &Table, out: &mut Vec<Setting>) {
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                Value::Table(inner) => walk(&path, inner, out),
                other => out.push((path, other.clone())),
            }
        }
    }
    let mut out = Vec::new();
    walk("", table, &mut out);
    out
}

/// Whether a dotted key names a parameter that may change during a run.
fn may_change(key: &str) -> bool {
    let segments: Vec<&str> = key.split('.').collect();
    match segments.as_slice() {
        ["customers" | "behaviour" | "market", _, ..] => true,
        ["firms", index, "policy", name, ..] => {
            index.parse::<usize>().is_ok() && *name != "staffing"
        }
        ["firms", index, "staff" | "costs", _, ..] => index.parse::<usize>().is_ok(),
        _ => false,
    }
}

/// A problem with one event: its index, the key path inside it, and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct EventIssue {
    pub event: usize,
    /// Path for the message, e.g. `events.1.set."firms.0.policy.x"`.
    pub path: String,
    pub message: String,
}

/// The resolved documents at every tick where the parameters change, from the resolved
/// scenario document `base` (which must not itself contain `events`). Returns the tick and
/// the document in effect from it, or the problems found.
pub fn documents(
    events: &[EventSpec],
    base: &Table,
    ticks: u32,
) -> Result<Vec<(u32, Table)>, Vec<EventIssue>> {
    let mut issues = Vec::new();
    let mut parsed = Vec::with_capacity(events.len());
    for (index, event) in events.iter().enumerate() {
        let (set, ramp) = event.changes();
        let found = check_event(index, event, (&set, &ramp), base);
        if found.is_empty() {
            parsed.push((index, event, set, ramp));
        }
        issues.extend(found);
    }
    if !issues.is_empty() {
        return Err(issues);
    }

    let mut documents = Vec::new();
    let mut previous: Vec<u32> = vec![0; parsed.len()];
    for t in 1..=ticks {
        let current: Vec<u32> = parsed.iter().map(|(_, e, _, _)| e.step_at(t)).collect();
        if current == previous {
            continue;
        }
        if documents.len() == MAX_CHANGES {
            issues.push(EventIssue {
                event: 0,
                path: "events".to_owned(),
                message: format!(
                    "the events change parameters at more than {MAX_CHANGES} ticks; use fewer \
                     or shorter ramps"
                ),
            });
            break;
        }
        let mut doc = base.clone();
        for ((index, event, set, ramp), &step) in parsed.iter().zip(&current) {
            if step == 0 {
                continue;
            }
            let raw = format!("events.{index}");
            let apply = |doc: &mut Table, key: &str, value: Value| {
                let item = Override {
                    key: key.to_owned(),
                    value,
                    raw: raw.clone(),
                };
                overrides::apply(doc, std::slice::from_ref(&item))
            };
            let mut result = Ok(());
            for (key, value) in set {
                result = result.and(apply(&mut doc, key, value.clone()));
            }
            for (key, target) in ramp {
                let from = overrides::get(&doc, key).and_then(number);
                if let (Some(from), Some(to)) = (from, number(target)) {
                    let fraction = f64::from(step) / f64::from(event.duration.unwrap_or(1));
                    let value = Value::Float(from + (to - from) * fraction);
                    result = result.and(apply(&mut doc, key, value));
                }
            }
            if let Err(error) = result {
                issues.push(EventIssue {
                    event: *index,
                    path: format!("events.{index}"),
                    message: error.to_string(),
                });
            }
        }
        documents.push((t, doc));
        previous = current;
    }
    if issues.is_empty() {
        Ok(documents)
    } else {
        Err(issues)
    }
}

/// The problems of event `index` on its own (tick, duration, `set` or `ramp`, and each key
/// against the resolved document `base`); empty if it is valid.
fn check_event(
    index: usize,
    event: &EventSpec,
    (set, ramp): (&[Setting], &[Setting]),
    base: &Table,
) -> Vec<EventIssue> {
    let mut issues = Vec::new();
    let issue = |path: String, message: String| EventIssue {
        event: index,
        path,
        message,
    };
    if event.tick == 0 {
        issues.push(issue(
            format!("events.{index}.tick"),
            "must be at least 1 (tick 0 is the initial state; change the scenario's own \
             values instead)"
                .to_owned(),
        ));
    }
    if event.duration == Some(0) {
        issues.push(issue(
            format!("events.{index}.duration"),
            "must be at least 1 week".to_owned(),
        ));
    }
    match (set.is_empty(), ramp.is_empty()) {
        (true, true) => issues.push(issue(
            format!("events.{index}"),
            "changes nothing: give `set` or `ramp` with at least one parameter".to_owned(),
        )),
        (false, false) => issues.push(issue(
            format!("events.{index}"),
            "has both `set` and `ramp`: write them as two events".to_owned(),
        )),
        (true, false) if event.duration.is_none() => issues.push(issue(
            format!("events.{index}.duration"),
            "a ramp needs a duration (the weeks it takes to reach its target)".to_owned(),
        )),
        _ => {}
    }
    let table = if event.is_ramp() { "ramp" } else { "set" };
    for (key, value) in set.iter().chain(ramp) {
        let path = format!("events.{index}.{table}.{key}");
        let current = overrides::get(base, key);
        if current.is_none() || matches!(current, Some(Value::Table(_))) {
            let hint = closest_key(base, key)
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            issues.push(issue(
                path,
                format!("`{key}` is not a parameter of this scenario{hint}"),
            ));
        } else if !may_change(key) {
            issues.push(issue(
                path,
                format!(
                    "`{key}` cannot change during a run (only firms.N.policy.* but \
                     staffing, firms.N.staff.*, firms.N.costs.*, customers.*, behaviour.* \
                     and market.* can)"
                ),
            ));
        } else if event.is_ramp() && number(value).is_none() {
            issues.push(issue(
                path,
                format!("a ramp's target must be a number, got {value}"),
            ));
        }
    }
    issues
}

/// For a model issue at `path` in the document in effect at some tick, the event to blame: the
/// last event active then that changes `path` or a table containing it.
pub fn blame(events: &[EventSpec], tick: u32, path: &str) -> Option<usize> {
    let touches = |key: &str| {
        key == path || path.starts_with(&format!("{key}.")) || key.starts_with(&format!("{path}."))
    };
    events
        .iter()
        .enumerate()
        .rev()
        .find(|(_, event)| {
            let (set, ramp) = event.changes();
            event.step_at(tick) > 0 && set.iter().chain(&ramp).any(|(key, _)| touches(key))
        })
        .map(|(index, _)| index)
}

/// Where to report a problem with `path` caused by event `index`: the event's own key for
/// that parameter if it sets or ramps it, else the event.
pub fn location(events: &[EventSpec], index: usize, path: &str) -> String {
    let Some(event) = events.get(index) else {
        return "events".to_owned();
    };
    let (set, ramp) = event.changes();
    if set.iter().chain(&ramp).any(|(key, _)| key == path) {
        let table = if event.is_ramp() { "ramp" } else { "set" };
        format!("events.{index}.{table}.{path}")
    } else {
        format!("events.{index}")
    }
}

/// Marks of all events, in file order.
pub fn marks(events: &[EventSpec]) -> Vec<EventMark> {
    events.iter().map(EventSpec::mark).collect()
}

/// The parameter nearest to a misspelt dotted key, for a "did you mean".
fn closest_key(doc: &Table, key: &str) -> Option<String> {
    fn walk(prefix: &str, value: &Value, out: &mut Vec<String>) {
        let child = |key: &str| {
            if prefix.is_empty() {
                key.to_owned()
            } else {
                format!("{prefix}.{key}")
            }
        };
        match value {
            Value::Table(table) => table.iter().for_each(|(k, v)| walk(&child(k), v, out)),
            Value::Array(items) if items.iter().all(Value::is_table) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(&child(&i.to_string()), v, out)),
            _ => out.push(prefix.to_owned()),
        }
    }
    let mut leaves = Vec::new();
    walk("", &Value::Table(doc.clone()), &mut leaves);
    let candidates: Vec<&str> = leaves.iter().map(String::as_str).collect();
    super::diagnostics::closest(key, &candidates).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Table {
        toml::from_str(
            "ticks = 20\n[[firms]]\nname = \"a\"\n[firms.policy]\ntech_reliability = 0.9\n\
             service_recovery = 0.5\nstaffing = 5.0\n[population]\ncapacity = 100\n",
        )
        .expect("toml")
    }

    fn event(text: &str) -> EventSpec {
        toml::from_str(text).expect("event")
    }

    fn value_at(docs: &[(u32, Table)], tick: u32, key: &str) -> Option<f64> {
        docs.iter()
            .take_while(|(t, _)| *t <= tick)
            .last()
            .and_then(|(_, doc)| overrides::get(doc, key))
            .and_then(Value::as_float)
    }

    #[test]
    fn a_set_with_duration_reverts_and_nested_keys_work() {
        let events = [
            event("tick = 5\nduration = 3\nset = { \"firms.0.policy.tech_reliability\" = 0.0 }"),
            event("tick = 10\nset = { firms = { 0 = { policy = { service_recovery = 0.9 } } } }"),
        ];
        let docs = documents(&events, &base(), 20).expect("valid");
        let ticks: Vec<u32> = docs.iter().map(|(t, _)| *t).collect();
        assert_eq!(ticks, [5, 8, 10]);
        let reliability = "firms.0.policy.tech_reliability";
        assert_eq!(value_at(&docs, 4, reliability), None);
        assert_eq!(value_at(&docs, 5, reliability), Some(0.0));
        assert_eq!(value_at(&docs, 7, reliability), Some(0.0));
        assert_eq!(value_at(&docs, 8, reliability), Some(0.9));
        assert_eq!(
            value_at(&docs, 20, "firms.0.policy.service_recovery"),
            Some(0.9)
        );
    }

    #[test]
    fn a_ramp_moves_linearly_then_holds_and_a_later_ramp_starts_where_it_ended() {
        let events = [
            event("tick = 3\nduration = 4\nramp = { \"firms.0.policy.service_recovery\" = 0.1 }"),
            event("tick = 11\nduration = 2\nramp = { \"firms.0.policy.service_recovery\" = 0.5 }"),
        ];
        let docs = documents(&events, &base(), 20).expect("valid");
        let key = "firms.0.policy.service_recovery";
        let at = |t| value_at(&docs, t, key).expect("value");
        assert!((at(3) - 0.4).abs() < 1e-12);
        assert!((at(5) - 0.2).abs() < 1e-12);
        assert!((at(6) - 0.1).abs() < 1e-12);
        assert!((at(10) - 0.1).abs() < 1e-12);
        assert!((at(11) - 0.3).abs() < 1e-12);
        assert!((at(20) - 0.5).abs() < 1e-12);
        assert_eq!(docs.last().map(|(t, _)| *t), Some(12));
    }

    #[test]
    fn bad_events_are_reported_with_their_path() {
        let events = [
            event("tick = 0\nset = { \"firms.0.policy.tech_reliability\" = 0.0 }"),
            event("tick = 2\nset = { \"population.capacity\" = 5 }"),
            event("tick = 2\nset = { \"firms.0.policy.tech_reliabilty\" = 0.0 }"),
            event("tick = 2\nramp = { \"firms.0.policy.service_recovery\" = 0.1 }"),
            event("tick = 2\nset = { \"firms.0.policy.staffing\" = 1.0 }"),
            event("tick = 2"),
        ];
        let issues = documents(&events, &base(), 20).unwrap_err();
        let text: Vec<String> = issues
            .iter()
            .map(|i| format!("{}: {}", i.path, i.message))
            .collect();
        assert!(
            text[0].starts_with("events.0.tick: must be at least 1"),
            "{text:?}"
        );
        assert!(text[1].contains("cannot change during a run"), "{text:?}");
        assert!(
            text[2].contains("did you mean `firms.0.policy.tech_reliability`"),
            "{text:?}"
        );
        assert!(
            text[3].starts_with("events.3.duration: a ramp needs a duration"),
            "{text:?}"
        );
        assert!(text[4].contains("staffing"), "{text:?}");
        assert!(text[5].contains("changes nothing"), "{text:?}");
    }

    #[test]
    fn events_after_the_last_tick_never_happen() {
        let events = [event(
            "tick = 30\nset = { \"firms.0.policy.tech_reliability\" = 0.0 }",
        )];
        assert!(documents(&events, &base(), 20).expect("valid").is_empty());
    }

    #[test]
    fn blame_finds_the_active_event_that_wrote_the_key() {
        let events = [
            event("tick = 5\nduration = 3\nset = { \"firms.0.policy.tech_reliability\" = 2.0 }"),
            event("tick = 6\nset = { \"firms.0.policy.tech_reliability\" = 3.0 }"),
        ];
        assert_eq!(
            blame(&events, 5, "firms.0.policy.tech_reliability"),
            Some(0)
        );
        assert_eq!(
            blame(&events, 7, "firms.0.policy.tech_reliability"),
            Some(1)
        );
        assert_eq!(blame(&events, 4, "firms.0.policy.tech_reliability"), None);
        assert_eq!(blame(&events, 7, "firms.0.policy.incentive"), None);
    }

    #[test]
    fn default_labels_name_the_changes() {
        let e = event("tick = 5\nset = { \"firms.0.policy.tech_reliability\" = 0.0 }");
        assert_eq!(e.mark().label, "tech_reliability = 0.0");
        let e =
            event("tick = 5\nduration = 2\nlabel = \"cut\"\nramp = { \"market.switching\" = 0.1 }");
        assert_eq!(
            e.mark(),
            EventMark {
                tick: 5,
                end: Some(6),
                label: "cut".to_owned()
            }
        );
    }
}
