//! `cocreate survey`: runs replication 0 of a scenario to the survey tick, samples customers as
//! respondents and writes their answers, the true scores, a codebook and the lavaan model.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Instant, SystemTime};

use serde_json::json;

use super::progress::{Bar, bar};
use super::run::RunOutcome;
use super::{AppError, check_output_dir, read_source, seed_override};
use crate::cli::SurveyArgs;
use crate::experiment;
use crate::output::{manifest, survey as files};
use crate::scenario::Scenario;
use crate::survey::{self, Construct, Survey, SurveyError, constructs};

/// The replication whose customers are interviewed.
const REPLICATION: u32 = 0;

/// Runs the survey and writes its outputs; nothing is written if the input is invalid.
pub fn survey(args: &SurveyArgs) -> Result<RunOutcome, AppError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let source = read_source(args.scenario.as_deref())?;
    let mut overrides = args.scenario_args.set.clone();
    if let Some(seed) = args.seed {
        overrides.push(seed_override(seed)?);
    }
    let scenario = Scenario::load(&source, &overrides)?;
    let tick = args.tick.unwrap_or(scenario.ticks());
    if tick == 0 || tick > scenario.ticks() {
        return Err(AppError::Input(format!(
            "--tick {tick}: must be between 1 and the scenario's ticks ({})",
            scenario.ticks()
        )));
    }
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
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(scenario.name()).join("survey"));
    check_output_dir(&out_dir)?;
    super::memory::check(&scenario, 1, true, super::memory::available_bytes())
        .map_err(AppError::Input)?;

    let progress = Bar(bar(u64::from(tick), "weeks", args.quiet));
    let (seed, customers) = experiment::customers_at_tick(&scenario, REPLICATION, tick, &progress);
    progress.0.finish_and_clear();
    // The incentive in effect at the survey week (events may have changed it).
    let incentives: Vec<f32> = scenario
        .schedule()
        .at(tick)
        .firms
        .iter()
        .map(|firm| firm.policy.incentive as f32)
        .collect();
    let result = survey::conduct(
        customers.slots(),
        customers.records(),
        &incentives,
        respondents,
        seed,
        tick,
    )
    .map_err(|error| match error {
        SurveyError::TooFewCustomers { requested, active } => AppError::Input(format!(
            "--respondents {requested}: only {active} customers are active at tick {tick}"
        )),
        other => AppError::Input(other.to_string()),
    })?;
    drop(customers);

    std::fs::create_dir_all(&out_dir).map_err(AppError::write(&out_dir))?;
    let names = scenario.firm_names();
    let mut written = Vec::new();
    let path = out_dir.join("survey.csv");
    files::write_responses(&path, &result, &names).map_err(AppError::write(&path))?;
    written.push(path);
    let path = out_dir.join("latent.csv");
    files::write_latent(&path, &result, &names).map_err(AppError::write(&path))?;
    written.push(path);
    let path = out_dir.join("codebook.csv");
    files::write_codebook(&path).map_err(AppError::write(&path))?;
    written.push(path);
    let path = out_dir.join("model.lav");
    files::write_model(&path).map_err(AppError::write(&path))?;
    written.push(path);

    let relative: Vec<String> = written
        .iter()
        .map(|f| f.strip_prefix(&out_dir).unwrap_or(f).display().to_string())
        .collect();
    let alphas = result.alphas();
    let record = manifest::RunRecord {
        command: "survey",
        scenario: &scenario,
        source: &source.name,
        replication_seeds: &[seed],
        started,
        wall_seconds: clock.elapsed().as_secs_f64(),
        files: &relative,
        extra: json!({
            "survey": {
                "replication": REPLICATION,
                "tick": tick,
                "respondents": respondents,
                "active_customers": result.population,
                "item_loadings": constructs::LOADINGS,
                "item_offsets": constructs::OFFSETS,
                "item_sd": constructs::ITEM_SD,
                "cronbach_alpha": Construct::ALL
                    .iter()
                    .zip(alphas)
                    .map(|(c, a)| (c.code().to_owned(), json!(a)))
                    .collect::<serde_json::Map<_, _>>(),
            }
        }),
    };
    written.extend(super::write_report_and_manifest(
        &out_dir,
        manifest::manifest(&record),
    )?);
    Ok(RunOutcome {
        report: report(&result, tick),
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
