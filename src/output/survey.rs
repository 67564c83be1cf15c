//! Outputs of `cocreate survey`: `survey.csv` (the answers), `latent.csv` (the true construct
//! scores behind them), `codebook.csv` (what every item asks and measures) and `model.lav`
//! (the structural model of Huang & Suo 2021 in lavaan syntax). Written atomically.

use std::io;
use std::path::Path;

use super::csv::{number, write_table};
use crate::survey::constructs::{ANCHORS, LOADINGS, OFFSETS};
use crate::survey::{Construct, ITEMS, Survey, constructs};

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

/// `survey.csv`: one row per respondent, the 30 items as integers 1..=7.
pub fn write_responses(path: &Path, survey: &Survey, firm_names: &[String]) -> io::Result<()> {
    let items = constructs::item_names();
    let mut header: Vec<&str> = ID_COLUMNS.to_vec();
    header.extend(items.iter().map(String::as_str));
    let rows = survey.respondents.iter().map(|r| {
        let mut row = id_cells(r.id, r.slot, r.firm, firm_names);
        row.extend(r.answers.iter().map(u8::to_string));
        row
    });
    write_table(path, &header, rows)
}

/// `latent.csv`: one row per respondent, the true latent score in [0, 1] of every construct,
/// so an estimate can be checked against the truth.
pub fn write_latent(path: &Path, survey: &Survey, firm_names: &[String]) -> io::Result<()> {
    let mut header: Vec<&str> = ID_COLUMNS.to_vec();
    header.extend(Construct::ALL.iter().map(|c| c.code()));
    let rows = survey.respondents.iter().map(|r| {
        let mut row = id_cells(r.id, r.slot, r.firm, firm_names);
        row.extend(r.latent.iter().map(|&x| number(x)));
        row
    });
    write_table(path, &header, rows)
}

/// `codebook.csv`: one row per item.
pub fn write_codebook(path: &Path) -> io::Result<()> {
    let rows = Construct::ALL.iter().flat_map(|&construct| {
        let names = construct.item_names();
        let wording = construct.wording();
        (0..ITEMS).map(move |j| {
            vec![
                names[j].clone(),
                construct.code().to_owned(),
                construct.name().to_owned(),
                wording[j].to_owned(),
                ANCHORS.to_owned(),
                construct.measures().to_owned(),
                number(LOADINGS[j]),
                number(OFFSETS[j]),
            ]
        })
    });
    write_table(path, &CODEBOOK_COLUMNS, rows)
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

/// Writes `model.lav`.
pub fn write_model(path: &Path) -> io::Result<()> {
    super::atomic::write_bytes_atomic(path, lavaan_model().as_bytes())
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
        write_codebook(&path).unwrap();
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
