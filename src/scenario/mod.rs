//! Scenario layer: TOML text plus `--set` overrides in, a validated [`Scenario`] out.
//!
//! A scenario file is the model's [`Config`] plus the run's name, length, seed and number of
//! replications. Parsing goes through serde with `deny_unknown_fields` everywhere; the model
//! then checks its own preconditions ([`Config::validate`]). Every failure becomes one line
//! `FILE:LINE:COLUMN: KEY.PATH: what is wrong` (or `--set KEY=VALUE: ...` when an override is to
//! blame), so that a user can jump straight to the mistake. A [`Scenario`] can only be built
//! through [`Scenario::load`], so code downstream never re-checks it.

pub mod design;
pub mod diagnostics;
pub mod events;
pub mod levers;
pub mod overrides;
pub mod survey;

use serde::{Deserialize, Serialize};

use crate::model::config::{Behaviour, Customers, Firm, Market, Network, Population};
use crate::model::{Change, Config, Schedule, ValidConfig};
pub use design::{
    Design, DesignKind, ExperimentSpec, Point, Points, SensitivityLayout, morris_delta,
};
pub use events::{EventMark, EventSpec};
pub use overrides::{Override, OverrideError};
pub use survey::{Preset, SurveySpec};

/// The built-in baseline scenario, identical to `scenarios/baseline.toml`.
pub const BASELINE_TOML: &str = include_str!("../../scenarios/baseline.toml");
/// Display name of the built-in baseline in messages.
pub const BASELINE_NAME: &str = "scenarios/baseline.toml (built in)";

/// Longest run accepted, in ticks (about 20,000 years of weeks).
pub const MAX_TICKS: u32 = 1_000_000;
/// Longest scenario name (it names the default output directory; file systems allow 255
/// bytes per name).
pub const MAX_NAME_CHARS: usize = 100;
/// Most replications accepted in one run.
pub const MAX_REPLICATIONS: u32 = 100_000;

/// A scenario file as written: every field optional with a documented default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScenarioFile {
    /// Short name; the default output directory is `output/<name>/`.
    pub name: String,
    /// One line saying what the scenario is for.
    pub description: String,
    /// Ticks (weeks) per run.
    pub ticks: u32,
    /// Master seed; replication r's seed derives from this and r alone.
    pub seed: u64,
    pub replications: u32,
    pub population: Population,
    pub customers: Customers,
    pub network: Network,
    pub market: Market,
    pub behaviour: Behaviour,
    pub firms: Vec<Firm>,
    /// Policy changes and shocks at given ticks ([`events`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventSpec>,
    /// The experiment design run by `cocreate sweep` (ignored by `run`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiment: Option<ExperimentSpec>,
    /// Respondent behaviour and panel waves of `cocreate survey` (ignored by other commands).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub survey: Option<SurveySpec>,
}

impl Default for ScenarioFile {
    fn default() -> Self {
        ScenarioFile {
            name: "scenario".to_owned(),
            description: String::new(),
            ticks: 260,
            seed: 42,
            replications: 10,
            population: Population::default(),
            customers: Customers::default(),
            network: Network::default(),
            market: Market::default(),
            behaviour: Behaviour::default(),
            firms: vec![Firm::default()],
            events: Vec::new(),
            experiment: None,
            survey: None,
        }
    }
}

impl ScenarioFile {
    fn config(&self) -> Config {
        Config {
            population: self.population.clone(),
            customers: self.customers.clone(),
            network: self.network.clone(),
            market: self.market.clone(),
            behaviour: self.behaviour.clone(),
            firms: self.firms.clone(),
        }
    }
}

/// Where scenario text came from, for messages and the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Display name: the path as the user gave it, or [`BASELINE_NAME`].
    pub name: String,
    pub text: String,
}

impl Source {
    pub fn baseline() -> Source {
        Source {
            name: BASELINE_NAME.to_owned(),
            text: BASELINE_TOML.to_owned(),
        }
    }
}

/// Invalid input: one rendered diagnostic line per problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .lines.join("\n"))]
pub struct ScenarioError {
    pub lines: Vec<String>,
}

impl ScenarioError {
    fn one(line: String) -> ScenarioError {
        ScenarioError { lines: vec![line] }
    }
}

/// A validated scenario. Fields are private: the only way to get one is [`Scenario::load`].
#[derive(Debug, Clone)]
pub struct Scenario {
    file: ScenarioFile,
    /// The model's configuration at tick 0 and its changes by `[[events]]`.
    schedule: Schedule,
    /// Shared, not copied: a design can have a million points.
    design: Option<std::sync::Arc<Design>>,
    /// Resolved `[survey]` respondent behaviour.
    survey: crate::survey::Settings,
}

impl Scenario {
    /// Parses `source`, applies `overrides` in order and validates the result.
    pub fn load(source: &Source, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        Scenario::load_raw(source, overrides).map_err(|error| ScenarioError {
            lines: error.lines.iter().map(|l| diagnostics::plain(l)).collect(),
        })
    }

    fn load_raw(source: &Source, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        let file = parse(source, overrides)?;
        Scenario::validated(source, overrides, file)
    }

    /// Validates a parsed (and canonicalised) `file`; `source` and `overrides` locate problems.
    fn validated(
        source: &Source,
        overrides: &[Override],
        file: ScenarioFile,
    ) -> Result<Scenario, ScenarioError> {
        let mut lines = Vec::new();
        for (path, message) in check_run_settings(&file) {
            lines.push(locate(source, overrides, &path, &message));
        }
        let schedule = match file.config().validate() {
            Ok(model) => schedule(source, overrides, &file, model, &mut lines),
            Err(issues) => {
                for issue in issues {
                    lines.push(locate(source, overrides, &issue.path, &issue.message));
                }
                None
            }
        };
        let design = match &file.experiment {
            None => None,
            Some(spec) => {
                let resolved = toml::Table::try_from(&file).unwrap_or_default();
                match spec.expand(&resolved, file.seed) {
                    Ok(design) => Some(std::sync::Arc::new(design)),
                    Err(issues) => {
                        for (path, message) in issues {
                            lines.push(locate(source, overrides, &path, &message));
                        }
                        None
                    }
                }
            }
        };
        let survey = file
            .survey
            .clone()
            .unwrap_or_default()
            .resolve(file.ticks)
            .unwrap_or_else(|issues| {
                for (path, message) in issues {
                    lines.push(locate(source, overrides, &path, &message));
                }
                crate::survey::Settings::CLEAN
            });
        match schedule {
            Some(schedule) if lines.is_empty() => Ok(Scenario {
                file,
                schedule,
                design,
                survey,
            }),
            _ => Err(ScenarioError { lines }),
        }
    }

    /// This scenario with further overrides applied (e.g. one design point), validated again.
    /// Errors name `context` (such as the design point) so the user can find the culprit.
    pub fn with_overrides(
        &self,
        overrides: &[Override],
        context: &str,
    ) -> Result<Scenario, ScenarioError> {
        // A design point is one scenario, not a sweep: without its `[experiment]` table, so the
        // design is not expanded again for every point (quadratic in the number of points).
        let mut file = self.file.clone();
        file.experiment = None;
        let source = Source {
            name: context.to_owned(),
            text: toml::to_string(&file).unwrap_or_else(|error| format!("# {error}\n")),
        };
        Scenario::load(&source, overrides)
    }

    /// The resolved scenario without its `[experiment]` table, as the source of design points
    /// ([`Scenario::with_overrides`] on it rebuilds a point without expanding the design again,
    /// so a point costs the same whatever the size of the design).
    pub fn point_source(&self, name: &str) -> Source {
        let mut file = self.file.clone();
        file.experiment = None;
        Source {
            name: name.to_owned(),
            text: toml::to_string(&file)
                .unwrap_or_else(|error| format!("# cannot print: {error}\n")),
        }
    }

    /// The base of this scenario's design points: [`Scenario::point_source`], parsed once, so
    /// that [`PointBase::point`] builds a point without going through TOML text.
    pub fn point_base(&self) -> Result<PointBase, ScenarioError> {
        let source = self.point_source("");
        let mut file: ScenarioFile = toml::from_str(&source.text).map_err(|error| {
            ScenarioError::one(diagnostics::describe_toml_error(
                &source.name,
                &source.text,
                &error,
            ))
        })?;
        canonical_events(&source, &[], &mut file)?;
        let table = toml::Table::try_from(&file).map_err(|error| {
            ScenarioError::one(format!("{}: cannot resolve: {error}", source.name))
        })?;
        Ok(PointBase { source, table })
    }

    /// Things that are valid but probably not meant, one line each (printed on stderr by the
    /// commands): events that start after the last tick and so never happen.
    pub fn warnings(&self) -> Vec<String> {
        self.file
            .events
            .iter()
            .enumerate()
            .filter(|(_, event)| event.tick > self.file.ticks)
            .map(|(index, event)| {
                format!(
                    "warning: events.{index}: starts at tick {} but the run ends at tick {}, \
                     so it never happens",
                    event.tick, self.file.ticks
                )
            })
            .collect()
    }

    /// The expanded experiment design, if the scenario has an `[experiment]` table.
    pub fn design(&self) -> Option<&Design> {
        self.design.as_deref()
    }

    /// The expanded design, shared (a sweep's plan keeps it without copying it).
    pub fn shared_design(&self) -> Option<std::sync::Arc<Design>> {
        self.design.clone()
    }

    pub fn name(&self) -> &str {
        &self.file.name
    }

    pub fn description(&self) -> &str {
        &self.file.description
    }

    pub fn ticks(&self) -> u32 {
        self.file.ticks
    }

    pub fn seed(&self) -> u64 {
        self.file.seed
    }

    pub fn replications(&self) -> u32 {
        self.file.replications
    }

    /// The model's configuration at tick 0.
    pub fn model(&self) -> &ValidConfig {
        self.schedule.base()
    }

    /// The configuration at tick 0 and its changes by `[[events]]`.
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// The scenario's events as charts mark them, in file order.
    pub fn event_marks(&self) -> Vec<EventMark> {
        events::marks(&self.file.events)
    }

    /// Respondent behaviour of `cocreate survey` (`[survey]`; the `typical` preset without it).
    pub fn survey_settings(&self) -> &crate::survey::Settings {
        &self.survey
    }

    /// Weeks of the panel survey's waves (`survey.waves`; empty: cross-sectional).
    pub fn survey_waves(&self) -> &[u32] {
        self.file
            .survey
            .as_ref()
            .map_or(&[], |s| s.waves.as_slice())
    }

    pub fn firm_names(&self) -> Vec<String> {
        self.file.firms.iter().map(|f| f.name.clone()).collect()
    }

    /// The fully resolved scenario (every default filled in) as TOML. It is itself a valid
    /// scenario that runs identically.
    pub fn resolved_toml(&self) -> String {
        toml::to_string(&self.file).unwrap_or_else(|error| format!("# cannot print: {error}\n"))
    }

    /// The fully resolved scenario as a JSON value (for the manifest).
    pub fn resolved_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.file).unwrap_or(serde_json::Value::Null)
    }
}

/// The resolved scenario of a sweep without its `[experiment]` table, parsed once: the base on
/// which every design point's overrides apply (issue 12: a 10^6-point design is validated in
/// seconds).
///
/// [`PointBase::point`] gives exactly the scenario that [`Scenario::load`] gives for the same
/// text and overrides, but skips the two TOML text round trips of [`parse`] (which exist only
/// to give an error a located key path): the overrides apply to the parsed table, which is
/// deserialised directly. Only when something is wrong does it take the slow path, so that the
/// message is exactly [`Scenario::load`]'s.
#[derive(Debug, Clone)]
pub struct PointBase {
    source: Source,
    table: toml::Table,
}

impl PointBase {
    /// The validated scenario of the design point with `overrides`; `name` names the point in
    /// messages.
    pub fn point(&self, name: &str, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        self.fast(overrides).ok_or(()).or_else(|()| {
            let source = Source {
                name: name.to_owned(),
                text: self.source.text.clone(),
            };
            Scenario::load(&source, overrides)
        })
    }

    /// [`PointBase::point`] without the text round trip, or `None` if anything is wrong (then
    /// [`PointBase::point`] words the error, more slowly: planning asks it only for the first
    /// invalid point).
    pub fn fast(&self, overrides: &[Override]) -> Option<Scenario> {
        let mut table = self.table.clone();
        if !overrides.is_empty() {
            overrides::apply(&mut table, overrides).ok()?;
        }
        let mut file: ScenarioFile = toml::Value::Table(table).try_into().ok()?;
        if !overrides.is_empty() && !events::canonicalise(&mut file.events).is_empty() {
            return None;
        }
        Scenario::validated(&self.source, overrides, file).ok()
    }
}

fn parse(source: &Source, overrides: &[Override]) -> Result<ScenarioFile, ScenarioError> {
    let mut file: ScenarioFile = toml::from_str(&source.text).map_err(|error| {
        ScenarioError::one(diagnostics::describe_toml_error(
            &source.name,
            &source.text,
            &error,
        ))
    })?;
    canonical_events(source, &[], &mut file)?;
    if overrides.is_empty() {
        return Ok(file);
    }
    // Overrides apply to the resolved document, so a path into a default (such as the default
    // firm's policy) exists even when the file does not write it.
    let mut table = toml::Table::try_from(&file)
        .map_err(|error| ScenarioError::one(format!("{}: cannot resolve: {error}", source.name)))?;
    overrides::apply(&mut table, overrides)
        .map_err(|error| ScenarioError::one(format!("--set {error}")))?;
    // Through text again, so that an error carries a span and hence a full key path (with
    // array indices) that names the override to blame.
    let text = toml::to_string(&table).map_err(|error| {
        ScenarioError::one(format!("{}: cannot apply --set: {error}", source.name))
    })?;
    let mut file = toml::from_str::<ScenarioFile>(&text).map_err(|error| {
        let explained = diagnostics::explain(&text, &error);
        let path = explained.path.unwrap_or_default();
        ScenarioError::one(match blame(overrides, &path) {
            Some(item) => format!("{}: {path}: {}", flag_or_set(item), explained.message),
            None => format!("--set: {path}: {}", explained.message),
        })
    })?;
    canonical_events(source, overrides, &mut file)?;
    Ok(file)
}

/// Rewrites the events' keys in nested form ([`events::canonicalise`]).
fn canonical_events(
    source: &Source,
    overrides: &[Override],
    file: &mut ScenarioFile,
) -> Result<(), ScenarioError> {
    let issues = events::canonicalise(&mut file.events);
    if issues.is_empty() {
        Ok(())
    } else {
        Err(ScenarioError {
            lines: issues
                .iter()
                .map(|issue| locate(source, overrides, &issue.path, &issue.message))
                .collect(),
        })
    }
}

/// Builds the schedule of `[[events]]` on the validated tick-0 configuration `model`: the
/// configuration in effect from every tick at which an event starts, ends or ramps, each
/// validated like the scenario itself. Problems are blamed on the event that caused them.
fn schedule(
    source: &Source,
    overrides: &[Override],
    file: &ScenarioFile,
    model: ValidConfig,
    lines: &mut Vec<String>,
) -> Option<Schedule> {
    if file.events.is_empty() {
        return Some(Schedule::fixed(model));
    }
    let mut base = match toml::Table::try_from(file) {
        Ok(table) => table,
        Err(error) => {
            lines.push(format!("{}: cannot resolve: {error}", source.name));
            return None;
        }
    };
    base.remove("events");
    base.remove("experiment");
    let documents = match events::documents(&file.events, &base, file.ticks) {
        Ok(documents) => documents,
        Err(issues) => {
            for issue in issues {
                lines.push(locate(source, overrides, &issue.path, &issue.message));
            }
            return None;
        }
    };
    let mut changes = Vec::with_capacity(documents.len());
    // Each (event, parameter) problem is reported once, at its first tick; later ticks are
    // still checked, so that every faulty event is named.
    let mut reported = std::collections::BTreeSet::new();
    let mut failed = false;
    for (tick, document) in documents {
        let mut report = |path: &str, message: &str| {
            let event = events::blame(&file.events, tick, path);
            if reported.insert((event, path.to_owned())) {
                let at = event.map_or_else(
                    || "events".to_owned(),
                    |index| events::location(&file.events, index, path),
                );
                lines.push(locate(
                    source,
                    overrides,
                    &at,
                    &format!("in effect at tick {tick}: {path}: {message}"),
                ));
            }
        };
        // Through text, so that a type error carries a span and hence a key path.
        let parsed = toml::to_string(&document)
            .map_err(|error| (String::new(), error.to_string()))
            .and_then(|text| {
                toml::from_str::<ScenarioFile>(&text).map_err(|error| {
                    let explained = diagnostics::explain(&text, &error);
                    (explained.path.unwrap_or_default(), explained.message)
                })
            });
        let changed = match parsed {
            Ok(changed) => changed,
            Err((path, message)) => {
                report(&path, &message);
                failed = true;
                continue;
            }
        };
        match changed.config().validate() {
            Ok(config) => changes.push(Change { tick, config }),
            Err(issues) => {
                for issue in issues {
                    report(&issue.path, &issue.message);
                }
                failed = true;
            }
        }
    }
    if failed {
        return None;
    }
    match Schedule::new(model, changes) {
        Ok(schedule) => Some(schedule),
        Err(error) => {
            lines.push(locate(source, overrides, "events", &error.to_string()));
            None
        }
    }
}

/// The override that wrote `path` (or a table containing it, or a value inside it), if any.
fn blame<'a>(overrides: &'a [Override], path: &str) -> Option<&'a Override> {
    overrides.iter().rev().find(|o| {
        o.key == path
            || path.starts_with(&format!("{}.", o.key))
            || o.key.starts_with(&format!("{path}."))
    })
}

/// How the user wrote an override: `--set KEY=VALUE`, or a flag such as `--seed 7`.
fn flag_or_set(item: &Override) -> String {
    if item.raw.starts_with("--") {
        item.raw.clone()
    } else {
        format!("--set {}", item.raw)
    }
}

/// Checks of the run settings that are not the model's business.
fn check_run_settings(file: &ScenarioFile) -> Vec<(String, String)> {
    let mut issues = Vec::new();
    if file.name.is_empty()
        || !file
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        || file.name.starts_with('.')
    {
        issues.push((
            "name".to_owned(),
            format!(
                "must be a non-empty name of letters, digits, `_`, `-` and `.` (it names the \
                 output directory), got {:?}",
                file.name
            ),
        ));
    }
    if file.name.chars().count() > MAX_NAME_CHARS {
        issues.push((
            "name".to_owned(),
            format!(
                "must be at most {MAX_NAME_CHARS} characters (it names the output directory), \
                 got {}",
                file.name.chars().count()
            ),
        ));
    }
    if file.ticks == 0 || file.ticks > MAX_TICKS {
        issues.push((
            "ticks".to_owned(),
            format!("must be between 1 and {MAX_TICKS}, got {}", file.ticks),
        ));
    }
    if file.replications == 0 || file.replications > MAX_REPLICATIONS {
        issues.push((
            "replications".to_owned(),
            format!(
                "must be between 1 and {MAX_REPLICATIONS}, got {}",
                file.replications
            ),
        ));
    }
    issues
}

/// Renders a validation issue at its best-known location: the `--set` that wrote the value,
/// else the value's line in the file, else the nearest enclosing table, else just the file.
fn locate(source: &Source, overrides: &[Override], path: &str, message: &str) -> String {
    if let Some(item) = blame(overrides, path) {
        return format!("{}: {path}: {message}", flag_or_set(item));
    }
    let span = diagnostics::span_of_path(&source.text, path)
        .or_else(|| diagnostics::span_of_nearest(&source.text, path).map(|(_, span)| span));
    match span {
        Some(span) => {
            let (line, column) = diagnostics::line_col(&source.text, span.start);
            format!("{}:{line}:{column}: {path}: {message}", source.name)
        }
        None => format!("{}: {path}: {message}", source.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        Source {
            name: "test.toml".to_owned(),
            text: text.to_owned(),
        }
    }

    fn set(raw: &str) -> Override {
        raw.parse().expect("valid override")
    }

    #[test]
    fn baseline_is_valid_and_resolves_to_an_equivalent_scenario() {
        let scenario = Scenario::load(&Source::baseline(), &[]).expect("baseline is valid");
        assert_eq!(scenario.name(), "baseline");
        let resolved = source(&scenario.resolved_toml());
        let again = Scenario::load(&resolved, &[]).expect("resolved is valid");
        assert_eq!(again.file, scenario.file);
    }

    #[test]
    fn empty_file_gets_every_default() {
        let scenario = Scenario::load(&source(""), &[]).expect("defaults are valid");
        assert_eq!(scenario.ticks(), 260);
        assert_eq!(scenario.firm_names(), ["firm"]);
    }

    #[test]
    fn misspelt_key_is_located_with_a_suggestion() {
        let error =
            Scenario::load(&source("ticks = 10\n[population]\ncapcity = 5\n"), &[]).unwrap_err();
        let line = &error.lines[0];
        assert!(
            line.starts_with("test.toml:3:1: population.capcity:"),
            "{line}"
        );
        assert!(line.contains("did you mean `capacity`"), "{line}");
    }

    #[test]
    fn out_of_range_value_points_at_its_line() {
        let text = "[[firms]]\nname = \"a\"\n[firms.policy]\nincentive = 1.5\n";
        let error = Scenario::load(&source(text), &[]).unwrap_err();
        assert_eq!(error.lines.len(), 1, "{error}");
        assert!(
            error.lines[0]
                .starts_with("test.toml:4:13: firms.0.policy.incentive: must be between 0 and 1"),
            "{}",
            error.lines[0]
        );
    }

    #[test]
    fn overrides_apply_and_are_blamed_for_their_errors() {
        let scenario = Scenario::load(&source(""), &[set("firms.0.policy.incentive=0.9")]).unwrap();
        assert_eq!(scenario.model().firms[0].policy.incentive, 0.9);
        let error = Scenario::load(&source(""), &[set("ticks=0")]).unwrap_err();
        assert!(
            error.lines[0].starts_with("--set ticks=0: ticks: must be between 1"),
            "{error}"
        );
        let error = Scenario::load(&source(""), &[set("firms.0.policy.incentve=0.9")]).unwrap_err();
        assert!(
            error.lines[0].contains("did you mean `incentive`"),
            "{error}"
        );
        let error =
            Scenario::load(&source(""), &[set("firms.3.policy.incentive=0.9")]).unwrap_err();
        assert!(
            error.lines[0].contains("past the end of `firms`"),
            "{error}"
        );
        assert!(error.lines[0].starts_with("--set `firms.3"), "{error}");
        let two_firms =
            "[[firms]]\nname = \"a\"\nshare = 0.5\n[[firms]]\nname = \"b\"\nshare = 0.5\n";
        let error = Scenario::load(
            &source(two_firms),
            &[set("ticks=5"), set("firms.1.policy.incentive=\"high\"")],
        )
        .unwrap_err();
        assert!(
            error.lines[0]
                .starts_with("--set firms.1.policy.incentive=\"high\": firms.1.policy.incentive: "),
            "{error}"
        );
    }

    #[test]
    fn a_trait_written_with_only_its_mean_keeps_its_own_spread() {
        let text = "[customers]\nactivity = { mean = 0.2 }\n";
        let scenario = Scenario::load(&source(text), &[]).unwrap();
        assert_eq!(scenario.model().customers.activity.mean, 0.2);
        assert_eq!(scenario.model().customers.activity.spread, 1.8);
        let error = Scenario::load(
            &source("[customers]\nactivity = { mean = 0.2, sprad = 1 }\n"),
            &[],
        )
        .unwrap_err();
        assert!(
            error.lines[0].contains("customers.activity.sprad"),
            "{error}"
        );
    }

    #[test]
    fn inconsistent_population_is_reported() {
        let text = "[population]\ncapacity = 100\ninitial = 200\n";
        let error = Scenario::load(&source(text), &[]).unwrap_err();
        assert!(
            error.lines[0].starts_with("test.toml:3:11: population.initial"),
            "{error}"
        );
    }
}
