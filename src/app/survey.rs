//! `cocreate survey`: runs replication 0 of a scenario to the survey tick, samples customers as
//! respondents and writes their answers, the true scores, a codebook and the lavaan model.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use serde_json::json;

use super::AppError;
use super::inputs::{Inputs, Origin, Request, check_memory};
use super::progress::{Bar, bar};
use super::run::RunOutcome;
use crate::cli::{RunSize, SurveyArgs};
use crate::experiment::{self, FinalCustomers};
use crate::output::{manifest, survey as files};
use crate::scenario::{Override, Scenario, Source};
use crate::survey::{self, Construct, Settings, Survey, SurveyError, constructs};

/// The replication whose customers are interviewed.
const REPLICATION: u32 = 0;

/// Runs the survey and writes its outputs; nothing is written if the input is invalid.
pub fn survey(args: &SurveyArgs) -> Result<RunOutcome, AppError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let Inputs {
        source,
        scenario,
        out_dir,
    } = Inputs::load(Request {
        size: RunSize {
            seed: args.seed,
            ..RunSize::default()
        },
        extra: behaviour_overrides(args),
        default_subdir: Some("survey"),
        warn: false,
        ..Request::new(
            Origin::File(args.scenario.as_deref()),
            &args.scenario_args.set,
            args.out.as_deref(),
        )
    })?;
    let scenario = &scenario;
    if !scenario.survey_waves().is_empty() {
        if let Some(tick) = args.tick {
            return Err(AppError::Input(format!(
                "--tick {tick}: the scenario's survey.waves make this a panel survey; give the \
                 weeks as waves instead"
            )));
        }
        return panel(args, scenario, &source, out_dir, started, clock);
    }
    let tick = args.tick.unwrap_or(scenario.ticks());
    if tick == 0 || tick > scenario.ticks() {
        return Err(AppError::Input(format!(
            "--tick {tick}: must be between 1 and the scenario's ticks ({})",
            scenario.ticks()
        )));
    }
    let respondents = prepare(args, scenario)?;

    let progress = Bar(bar(u64::from(tick), "weeks", args.quiet));
    let (seed, customers) = experiment::customers_at_tick(scenario, REPLICATION, tick, &progress);
    progress.0.finish_and_clear();
    // The incentive in effect at the survey week (events may have changed it).
    let incentives = incentives(scenario, tick);
    let result = survey::conduct_with(
        customers.slots(),
        customers.records(),
        &incentives,
        respondents,
        seed,
        tick,
        scenario.survey_settings(),
    )
    .map_err(|error| match error {
        SurveyError::TooFewCustomers { requested, active } => AppError::Input(format!(
            "--respondents {requested}: only {active} customers are active at tick {tick}"
        )),
        other => AppError::Input(other.to_string()),
    })?;
    drop(customers);

    // One writer, and no old manifest vouching for files being replaced.
    let _lock = super::outdir::claim(&out_dir, "survey", &[], || Ok(()))?;
    let names = scenario.firm_names();
    let mut written = Vec::new();
    let path = out_dir.join("survey.csv");
    files::write_responses(&path, &result, &names).map_err(AppError::write(&path))?;
    written.push(path);
    let path = out_dir.join("latent.csv");
    files::write_latent(&path, &result, &names).map_err(AppError::write(&path))?;
    written.push(path);
    write_questionnaire(&out_dir, &result.questionnaire, &mut written)?;

    let alphas = result.alphas();
    let details = json!({
        "tick": tick,
        "active_customers": result.population,
        "cronbach_alpha": Construct::ALL
            .iter()
            .zip(alphas)
            .map(|(c, a)| (c.code().to_owned(), json!(a)))
            .collect::<serde_json::Map<_, _>>(),
    });
    let finished = Finished {
        scenario,
        source: &source,
        seed,
        started,
        clock,
        respondents,
        questionnaire: &result.questionnaire,
        settings: &result.settings,
    };
    written.extend(finished.write(&out_dir, &written, details)?);
    Ok(RunOutcome {
        report: report(&result, tick),
        out_dir,
        files: written,
    })
}

/// The overrides of the respondent-behaviour flags, each blamed on its flag in messages.
fn behaviour_overrides(args: &SurveyArgs) -> Vec<Override> {
    let mut out = Vec::new();
    let mut push = |flag: &str, key: &str, value: toml::Value, shown: String| {
        out.push(Override {
            key: format!("survey.{key}"),
            value,
            raw: format!("--{flag} {shown}"),
        });
    };
    if let Some(preset) = &args.preset {
        push(
            "preset",
            "preset",
            toml::Value::String(preset.clone()),
            preset.clone(),
        );
    }
    for (flag, key, value) in [
        ("straight-lining", "straight_lining", args.straight_lining),
        ("random", "random", args.random),
        ("patterned", "patterned", args.patterned),
        ("method-share", "method_share", args.method_share),
        ("missing-mcar", "missing_mcar", args.missing_mcar),
        ("missing-mar", "missing_mar", args.missing_mar),
    ] {
        if let Some(x) = value {
            push(flag, key, toml::Value::Float(x), x.to_string());
        }
    }
    if args.reverse_keyed {
        out.push(Override {
            key: "survey.reverse_keyed".to_owned(),
            value: toml::Value::Boolean(true),
            raw: "--reverse-keyed".to_owned(),
        });
    }
    if !args.waves.is_empty() {
        let shown: Vec<String> = args.waves.iter().map(u32::to_string).collect();
        out.push(Override {
            key: "survey.waves".to_owned(),
            value: toml::Value::Array(
                args.waves
                    .iter()
                    .map(|&w| toml::Value::Integer(i64::from(w)))
                    .collect(),
            ),
            raw: format!("--waves {}", shown.join(",")),
        });
    }
    out
}

/// Checks the number of respondents and the memory a survey needs.
fn prepare(args: &SurveyArgs, scenario: &Scenario) -> Result<usize, AppError> {
    let respondents = args.respondents as usize;
    if respondents == 0 {
        return Err(AppError::Input(
            "--respondents 0: at least one respondent is needed".into(),
        ));
    }
    let capacity = scenario.model().population.capacity as usize;
    if respondents > capacity {
        return Err(AppError::Input(format!(
            "--respondents {respondents}: more than the population's {capacity} customer slots"
        )));
    }
    check_memory(scenario, 1, true)?;
    Ok(respondents)
}

/// Every firm's incentive policy in effect at `tick` (events may have changed it).
fn incentives(scenario: &Scenario, tick: u32) -> Vec<f32> {
    scenario
        .schedule()
        .at(tick)
        .firms
        .iter()
        .map(|firm| firm.policy.incentive as f32)
        .collect()
}

/// The resolved respondent behaviour, for the manifest.
fn settings_json(s: &Settings) -> serde_json::Value {
    json!({
        "clean": s.is_clean(),
        "straight_lining": s.straight_lining,
        "random": s.random,
        "patterned": s.patterned,
        "acquiescence_sd": s.acquiescence_sd,
        "extreme_sd": s.extreme_sd,
        "midpoint_sd": s.midpoint_sd,
        "method_share": s.method_share,
        "missing_mcar": s.missing_mcar,
        "missing_mar": s.missing_mar,
        "missing_construct": s.missing_construct.code(),
        "loading_sd": s.loading_sd,
        "intercept_sd": s.intercept_sd,
        "reverse_keyed": s.reverse_keyed,
    })
}

/// Writes the files every survey has, one wave or a panel: the codebook and the lavaan model of
/// Huang & Suo (2021). Appends their paths to `written`.
fn write_questionnaire(
    out_dir: &Path,
    questionnaire: &survey::Questionnaire,
    written: &mut Vec<PathBuf>,
) -> Result<(), AppError> {
    let path = out_dir.join("codebook.csv");
    files::write_codebook(&path, questionnaire).map_err(AppError::write(&path))?;
    written.push(path);
    let path = out_dir.join("model.lav");
    files::write_model(&path).map_err(AppError::write(&path))?;
    written.push(path);
    Ok(())
}

/// What the manifest of a finished survey, one wave or a panel, records besides the files and
/// the kind's own details.
struct Finished<'a> {
    scenario: &'a Scenario,
    source: &'a Source,
    seed: u64,
    started: SystemTime,
    clock: Instant,
    respondents: usize,
    questionnaire: &'a survey::Questionnaire,
    settings: &'a Settings,
}

impl Finished<'_> {
    /// Writes the report and, last, the manifest for the files `written` in `out_dir`; its
    /// `survey` object is `details` (one wave's or a panel's) with the keys both kinds share.
    /// Returns the report's and the manifest's paths.
    fn write(
        &self,
        out_dir: &Path,
        written: &[PathBuf],
        mut details: serde_json::Value,
    ) -> Result<Vec<PathBuf>, AppError> {
        let relative: Vec<String> = written
            .iter()
            .map(|f| f.strip_prefix(out_dir).unwrap_or(f).display().to_string())
            .collect();
        if let Some(map) = details.as_object_mut() {
            map.insert("replication".into(), json!(REPLICATION));
            map.insert("respondents".into(), json!(self.respondents));
            map.insert("item_loadings".into(), json!(self.questionnaire.loading));
            map.insert("item_offsets".into(), json!(self.questionnaire.offset));
            map.insert("item_sd".into(), json!(constructs::ITEM_SD));
            map.insert("respondent_behaviour".into(), settings_json(self.settings));
        }
        let record = manifest::RunRecord {
            command: "survey",
            scenario: self.scenario,
            source: &self.source.name,
            replication_seeds: &[self.seed],
            started: self.started,
            wall_seconds: self.clock.elapsed().as_secs_f64(),
            files: &relative,
            extra: json!({ "survey": details }),
        };
        super::write_report_and_manifest(out_dir, manifest::manifest(&record))
    }
}

/// Writes a panel survey's files into `out_dir` (created if missing): responses, latent scores,
/// attrition, the codebook and both lavaan models. Returns their paths.
fn write_panel_files(
    out_dir: &Path,
    panel: &survey::Panel,
    names: &[String],
    waves: usize,
) -> Result<Vec<PathBuf>, AppError> {
    std::fs::create_dir_all(out_dir).map_err(AppError::write(out_dir))?;
    let mut written = Vec::new();
    let path = out_dir.join("panel.csv");
    files::write_panel_responses(&path, panel, names).map_err(AppError::write(&path))?;
    written.push(path);
    let path = out_dir.join("panel_latent.csv");
    files::write_panel_latent(&path, panel, names).map_err(AppError::write(&path))?;
    written.push(path);
    let path = out_dir.join("attrition.csv");
    files::write_attrition(&path, panel).map_err(AppError::write(&path))?;
    written.push(path);
    write_questionnaire(out_dir, &panel.questionnaire, &mut written)?;
    let path = out_dir.join("panel.lav");
    files::write_panel_model(&path, waves).map_err(AppError::write(&path))?;
    written.push(path);
    Ok(written)
}

/// A panel survey (`--waves`): the first wave's respondents interviewed again at every later
/// wave while they remain customers of their firm.
fn panel(
    args: &SurveyArgs,
    scenario: &Scenario,
    source: &Source,
    out_dir: PathBuf,
    started: SystemTime,
    clock: Instant,
) -> Result<RunOutcome, AppError> {
    let respondents = prepare(args, scenario)?;
    let waves = scenario.survey_waves().to_vec();
    let last = waves.last().copied().unwrap_or(1);
    let progress = Bar(bar(u64::from(last), "weeks", args.quiet));
    let settings = *scenario.survey_settings();
    let seed = crate::model::rng::replication_seed(scenario.seed(), u64::from(REPLICATION));
    let mut panel: Option<Result<survey::Panel, SurveyError>> = None;
    let visited =
        experiment::visit_ticks(scenario, REPLICATION, &waves, &progress, |week, slots| {
            let incentives = incentives(scenario, week);
            match &mut panel {
                None => {
                    let active = FinalCustomers::from_slots(slots.to_vec());
                    panel = Some(survey::Panel::start(
                        active.slots(),
                        active.records(),
                        &incentives,
                        respondents,
                        seed,
                        week,
                        &settings,
                    ));
                }
                Some(Ok(p)) => p.follow(slots, &incentives, week),
                Some(Err(_)) => {}
            }
        });
    progress.0.finish_and_clear();
    let panel = match panel {
        Some(Ok(p)) => p,
        Some(Err(SurveyError::TooFewCustomers { requested, active })) => {
            return Err(AppError::Input(format!(
                "--respondents {requested}: only {active} customers are active at week {}",
                waves[0]
            )));
        }
        Some(Err(other)) => return Err(AppError::Input(other.to_string())),
        None => return Err(AppError::Input("--waves: no wave given".into())),
    };
    debug_assert_eq!(visited, seed);

    // One writer, and no old manifest vouching for files being replaced (as for one wave).
    let _lock = super::outdir::claim(&out_dir, "survey", &[], || Ok(()))?;
    let mut written = write_panel_files(&out_dir, &panel, &scenario.firm_names(), waves.len())?;
    let details = json!({
        "waves": waves,
        "interviewed": panel.waves.iter().map(|w| w.respondents.len()).collect::<Vec<_>>(),
        "lost": panel.waves.iter().map(|w| w.lost.len()).collect::<Vec<_>>(),
        "active_customers": panel.waves.iter().map(|w| w.population).collect::<Vec<_>>(),
    });
    let finished = Finished {
        scenario,
        source,
        seed,
        started,
        clock,
        respondents,
        questionnaire: &panel.questionnaire,
        settings: &panel.settings,
    };
    written.extend(finished.write(&out_dir, &written, details)?);
    let mut report = format!(
        "panel of {respondents} respondents, waves at weeks {waves:?}\n\n{:<6} {:>6} {:>12} {:>6}\n",
        "wave", "week", "interviewed", "lost"
    );
    for (w, wave) in panel.waves.iter().enumerate() {
        let _ = writeln!(
            report,
            "{:<6} {:>6} {:>12} {:>6}",
            w + 1,
            wave.week,
            wave.respondents.len(),
            wave.lost.len()
        );
    }
    Ok(RunOutcome {
        report,
        out_dir,
        files: written,
    })
}

/// The table printed at the end: each construct's mean answer and Cronbach's alpha.
fn report(survey: &Survey, tick: u32) -> String {
    let mut text = format!(
        "{} respondents of {} active customers at week {tick}\n\n{:<42} {:>9} {:>7}\n",
        survey.respondents.len(),
        survey.population,
        "construct",
        "mean 1-7",
        "alpha"
    );
    for ((construct, mean), alpha) in Construct::ALL
        .iter()
        .zip(survey.item_means())
        .zip(survey.alphas())
    {
        let label = format!("{} ({})", construct.name(), construct.code());
        let _ = writeln!(text, "{label:<42} {mean:>9.2} {alpha:>7.2}");
    }
    text
}
