//! Outputs of `cocreate survey`: `survey.csv` (the answers), `latent.csv` (the true construct
//! scores behind them), `codebook.csv` (what every item asks and measures) and `model.lav`
//! (the structural model of Huang & Suo 2021 in lavaan syntax). Written atomically.

use std::io;
use std::path::Path;

use super::csv::{number, write_table};
use crate::survey::constructs::ANCHORS;
use crate::survey::respondents::{Careless, reversed_wording};
use crate::survey::{
    Construct, ITEMS, MISSING, Panel, Questionnaire, Respondent, Survey, constructs,
};

/// Leading columns of `survey.csv` and `latent.csv`, before the items or constructs.
pub const ID_COLUMNS: [&str; 3] = ["respondent", "customer", "firm"];

/// Columns of `codebook.csv`.
pub const CODEBOOK_COLUMNS: [&str; 8] = [
    "item",
    "construct",
    "construct_name",
    "wording",
    "anchors",
    "agent_state",
    "loading",
    "offset",
];

fn id_cells(id: u32, slot: u32, firm: u8, firm_names: &[String]) -> Vec<String> {
    vec![
        id.to_string(),
        slot.to_string(),
        firm_names
            .get(firm as usize)
            .cloned()
            .unwrap_or_else(|| firm.to_string()),
    ]
}

/// Columns of `latent.csv` after the constructs when respondent behaviour is on: the ground
/// truth of what the behaviour did.
pub const TRUTH_COLUMNS: [&str; 7] = [
    "careless",
    "careless_kind",
    "acquiescence",
    "extreme",
    "midpoint",
    "method_factor",
    "removed",
];

/// Leading columns of the panel files, before the respondent's id columns.
pub const WAVE_COLUMNS: [&str; 2] = ["wave", "week"];

/// One row's answers: integers 1..=7, an empty cell for a skipped item.
fn answer_cells(r: &Respondent) -> impl Iterator<Item = String> + '_ {
    r.answers.iter().map(|&a| {
        if a == MISSING {
            String::new()
        } else {
            a.to_string()
        }
    })
}

/// One row's latent scores and, if `truth`, the ground truth of its behaviour.
fn latent_cells(r: &Respondent, truth: bool, items: &[String]) -> Vec<String> {
    let mut row: Vec<String> = r.latent.iter().map(|&x| number(x)).collect();
    if truth {
        let t = &r.truth;
        let removed: Vec<&str> = t
            .removed
            .iter()
            .zip(items)
            .filter(|(gone, _)| **gone)
            .map(|(_, name)| name.as_str())
            .collect();
        row.extend([
            u8::from(t.careless != Careless::No).to_string(),
            t.careless.label().to_owned(),
            number(t.styles.acquiescence),
            number(t.styles.extreme),
            number(t.styles.midpoint),
            number(t.method),
            removed.join(" "),
        ]);
    }
    row
}

/// A table's respondents, each with the cells written before its id columns (a panel's wave
/// and week; none for one wave).
type Rows<'a> = Box<dyn Iterator<Item = (Vec<String>, &'a Respondent)> + 'a>;

/// One wave's respondents, with no leading cells.
fn survey_rows(survey: &Survey) -> Rows<'_> {
    Box::new(survey.respondents.iter().map(|r| (Vec::new(), r)))
}

/// A panel's interviews, wave by wave, each led by its wave number (from 1) and week.
fn panel_rows(panel: &Panel) -> Rows<'_> {
    Box::new(panel.waves.iter().enumerate().flat_map(|(w, wave)| {
        wave.respondents
            .iter()
            .map(move |r| (vec![(w + 1).to_string(), wave.week.to_string()], r))
    }))
}

/// The answers table: `lead` columns, the id columns and the 30 items.
fn write_answers(path: &Path, lead: &[&str], rows: Rows, firm_names: &[String]) -> io::Result<()> {
    let items = constructs::item_names();
    let mut header: Vec<&str> = lead.to_vec();
    header.extend(ID_COLUMNS);
    header.extend(items.iter().map(String::as_str));
    let rows = rows.map(|(mut row, r)| {
        row.extend(id_cells(r.id, r.slot, r.firm, firm_names));
        row.extend(answer_cells(r));
        row
    });
    write_table(path, &header, rows)
}

/// The latent-score table: `lead` columns, the id columns, every construct's score and, if
/// `truth`, [`TRUTH_COLUMNS`].
fn write_scores(
    path: &Path,
    lead: &[&str],
    rows: Rows,
    truth: bool,
    firm_names: &[String],
) -> io::Result<()> {
    let items = constructs::item_names();
    let mut header: Vec<&str> = lead.to_vec();
    header.extend(ID_COLUMNS);
    header.extend(Construct::ALL.iter().map(|c| c.code()));
    if truth {
        header.extend(TRUTH_COLUMNS);
    }
    let rows = rows.map(|(mut row, r)| {
        row.extend(id_cells(r.id, r.slot, r.firm, firm_names));
        row.extend(latent_cells(r, truth, &items));
        row
    });
    write_table(path, &header, rows)
}

/// `survey.csv`: one row per respondent, the 30 items as integers 1..=7 (empty if skipped).
pub fn write_responses(path: &Path, survey: &Survey, firm_names: &[String]) -> io::Result<()> {
    write_answers(path, &[], survey_rows(survey), firm_names)
}

/// `latent.csv`: one row per respondent, the true latent score in [0, 1] of every construct,
/// so an estimate can be checked against the truth; with respondent behaviour on, also what
/// the behaviour did ([`TRUTH_COLUMNS`]).
pub fn write_latent(path: &Path, survey: &Survey, firm_names: &[String]) -> io::Result<()> {
    let truth = !survey.settings.is_clean();
    write_scores(path, &[], survey_rows(survey), truth, firm_names)
}

/// `panel.csv`: one row per (wave, interviewed member), long format.
pub fn write_panel_responses(path: &Path, panel: &Panel, firm_names: &[String]) -> io::Result<()> {
    write_answers(path, &WAVE_COLUMNS, panel_rows(panel), firm_names)
}

/// `panel_latent.csv`: the true latent scores (and behaviour) behind `panel.csv`, row by row.
pub fn write_panel_latent(path: &Path, panel: &Panel, firm_names: &[String]) -> io::Result<()> {
    let truth = !panel.settings.is_clean();
    write_scores(path, &WAVE_COLUMNS, panel_rows(panel), truth, firm_names)
}

/// Columns of `attrition.csv`.
pub const ATTRITION_COLUMNS: [&str; 6] = [
    "wave",
    "week",
    "active_customers",
    "interviewed",
    "lost",
    "lost_respondents",
];

/// `attrition.csv`: per wave, how many members were interviewed and which were lost since the
/// previous wave (churned or moved to another firm).
pub fn write_attrition(path: &Path, panel: &Panel) -> io::Result<()> {
    let rows = panel.waves.iter().enumerate().map(|(w, wave)| {
        vec![
            (w + 1).to_string(),
            wave.week.to_string(),
            wave.population.to_string(),
            wave.respondents.len().to_string(),
            wave.lost.len().to_string(),
            wave.lost
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        ]
    });
    write_table(path, &ATTRITION_COLUMNS, rows)
}

/// `codebook.csv`: one row per item, with the questionnaire's loadings and intercept offsets;
/// a `keyed` column (`+` or `-`, reverse-keyed) when some items are reverse-keyed.
pub fn write_codebook(path: &Path, questionnaire: &Questionnaire) -> io::Result<()> {
    let keyed = questionnaire.reversed.iter().any(|r| *r);
    let mut header = CODEBOOK_COLUMNS.to_vec();
    if keyed {
        header.push("keyed");
    }
    let rows = Construct::ALL.iter().flat_map(|&construct| {
        let names = construct.item_names();
        let wording = construct.wording();
        let reversed_wording = reversed_wording(construct);
        (0..ITEMS).map(move |j| {
            let i = construct.index() * ITEMS + j;
            let reversed = questionnaire.reversed[i];
            let mut row = vec![
                names[j].clone(),
                construct.code().to_owned(),
                construct.name().to_owned(),
                if reversed {
                    reversed_wording.to_owned()
                } else {
                    wording[j].to_owned()
                },
                ANCHORS.to_owned(),
                construct.measures().to_owned(),
                number(questionnaire.loading[i]),
                number(questionnaire.offset[i]),
            ];
            if keyed {
                row.push(if reversed { "-" } else { "+" }.to_owned());
            }
            row
        })
    });
    write_table(path, &header, rows)
}

/// Prefix of the optional extension's lines in `model.lav`: a comment to lavaan; remove the
/// prefix to fit the extended model.
pub const EXTENSION_PREFIX: &str = "#+ ";

/// The structural model in lavaan syntax.
pub fn lavaan_model() -> String {
    let measurement = |constructs: &[Construct], prefix: &str| {
        constructs
            .iter()
            .map(|c| {
                format!(
                    "{prefix}{:<3} =~ {}\n",
                    c.code(),
                    c.item_names().join(" + ")
                )
            })
            .collect::<String>()
    };
    use Construct::*;
    let core = measurement(
        &[
            ProductEngagement,
            InterpersonalInteraction,
            Functional,
            Emotional,
            Social,
            Participation,
        ],
        "",
    );
    let extension = measurement(
        &[Empowerment, SelfEfficacy, Satisfaction, Loyalty],
        EXTENSION_PREFIX,
    );
    format!(
        "\
# Structural model of Huang & Suo (2021), written by `cocreate survey` for its survey.csv.
# Fit in R:      library(lavaan); model <- readChar(\"model.lav\", file.size(\"model.lav\"))
#                fit <- sem(model, data = read.csv(\"survey.csv\"))
#                summary(fit, fit.measures = TRUE, standardized = TRUE)
# Fit in Python: semopy.Model(open(\"model.lav\").read()).fit(pandas.read_csv(\"survey.csv\"))
#
# Huang & Suo (2021; SEM, n = 502 virtual-community members) found that product engagement
# (PE) raises functional, emotional and social experience value (FV, EV, SV); interpersonal
# interaction (II) raises only EV and SV; EV and SV, not FV, raise participation in value
# co-creation (PVC). Every hypothesised path is written below, so the fit shows which are
# significant: II -> FV and FV -> PVC are the paths they found not significant.

# Measurement model: three 7-point Likert items per construct (see codebook.csv).
{core}
# Optional extension (Fuller, Muhlbacher, Matzler & Jawecki 2009; Oliver 1980; Jones & Sasser
# 1995): empowerment raises self-efficacy, both raise participation; experience value raises
# satisfaction, which raises loyalty. The lines start with \"{prefix}\", a comment to lavaan:
# delete that prefix on every line to fit the extended model (scripts/fit-sem.R --extended).
{extension}{prefix}SE  ~ EMP
{prefix}PVC ~ EMP + SE
{prefix}SAT ~ FV + EV + SV
{prefix}LOY ~ SAT

# Structural model.
FV  ~ PE + II
EV  ~ PE + II
SV  ~ PE + II
PVC ~ FV + EV + SV
",
        prefix = EXTENSION_PREFIX,
    )
}

/// Constructs of the cross-lagged panel model.
pub const PANEL_CONSTRUCTS: [Construct; 4] = [
    Construct::ProductEngagement,
    Construct::Emotional,
    Construct::Social,
    Construct::Participation,
];

/// The cross-lagged panel model of PE, EV, SV and PVC over `waves` waves, in lavaan syntax, on
/// composite scores `PE_1`, `EV_1`, … (the mean of a construct's answered items at a wave,
/// reverse-keyed items recoded; `scripts/fit-panel.R` computes them from `panel.csv`).
pub fn panel_model(waves: usize) -> String {
    let codes: Vec<&str> = PANEL_CONSTRUCTS.iter().map(|c| c.code()).collect();
    let mut text = String::from(
        "\
# Cross-lagged panel model of product engagement (PE), emotional and social experience value
# (EV, SV) and participation in value co-creation (PVC), written by `cocreate survey --waves`.
# Variables are composite scores X_w: the mean of construct X's answered items at wave w
# (reverse-keyed items recoded as 8 - answer), one row per respondent (wide format).
# Every construct at wave w + 1 is regressed on all four at wave w (autoregressive and
# cross-lagged paths); residuals covary within a wave. Fit with missing = \"ml\" so that
# respondents lost to attrition keep their earlier waves (scripts/fit-panel.R).
",
    );
    for w in 1..waves {
        text.push_str(&format!("\n# wave {} on wave {w}\n", w + 1));
        let previous: Vec<String> = codes.iter().map(|c| format!("{c}_{w}")).collect();
        for c in &codes {
            text.push_str(&format!(
                "{:<6} ~ {}\n",
                format!("{c}_{}", w + 1),
                previous.join(" + ")
            ));
        }
        for (k, c) in codes.iter().enumerate() {
            if k + 1 < codes.len() {
                let rest: Vec<String> = codes[k + 1..]
                    .iter()
                    .map(|d| format!("{d}_{}", w + 1))
                    .collect();
                text.push_str(&format!(
                    "{:<6} ~~ {}\n",
                    format!("{c}_{}", w + 1),
                    rest.join(" + ")
                ));
            }
        }
    }
    text
}

/// Writes `panel.lav`.
pub fn write_panel_model(path: &Path, waves: usize) -> io::Result<()> {
    crate::io::atomic::write_bytes_atomic(path, panel_model(waves).as_bytes())
}

/// Writes `model.lav`.
pub fn write_model(path: &Path) -> io::Result<()> {
    crate::io::atomic::write_bytes_atomic(path, lavaan_model().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_names_every_core_item_and_the_hypothesised_paths() {
        let model = lavaan_model();
        assert!(model.contains("PE  =~ pe1 + pe2 + pe3\n"));
        assert!(model.contains("PVC =~ pvc1 + pvc2 + pvc3\n"));
        assert!(model.contains("\nPVC ~ FV + EV + SV\n"));
        assert!(model.contains("\nFV  ~ PE + II\n"));
        assert!(model.contains("\n#+ LOY =~ loy1 + loy2 + loy3\n"));
        // lavaan strips a comment only up to a newline, so the last line is a model line.
        assert!(model.ends_with("\nPVC ~ FV + EV + SV\n"));
        // Extension lines are comments to lavaan.
        for line in model.lines() {
            if line.contains("emp1") || line.contains("LOY ~") {
                assert!(line.starts_with(EXTENSION_PREFIX), "{line}");
            }
        }
    }

    #[test]
    fn the_codebook_has_one_row_per_item() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("codebook.csv");
        let q = Questionnaire::new(&crate::survey::Settings::CLEAN, 1);
        write_codebook(&path, &q).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            reader.headers().unwrap().iter().collect::<Vec<_>>(),
            CODEBOOK_COLUMNS
        );
        let rows: Vec<_> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 30);
        assert_eq!(&rows[0][0], "pe1");
        assert_eq!(&rows[29][1], "LOY");
        assert!(rows.iter().all(|r| !r[3].is_empty() && !r[5].is_empty()));
    }
}
