//! CSV outputs of a run: `timeseries.csv`, `summary.csv` and `customers.csv`
//! (columns in ../shared/cli-contract.md). Numbers are written in plain decimal with Rust's
//! shortest round-trip formatting, so the same values always give the same bytes.

use std::io;
use std::path::Path;

use super::atomic::write_atomic;
use crate::experiment::{FirmSummary, Replication};
use crate::model::FirmTick;

/// Formats a number for CSV: shortest round-trip decimal; non-finite values as empty cells.
pub fn number(value: f64) -> String {
    if value.is_finite() {
        // Avoid "-0" and keep integers free of a trailing ".0".
        let value = if value == 0.0 { 0.0 } else { value };
        format!("{value}")
    } else {
        String::new()
    }
}

/// Signature shared by the run's CSV writers.
pub type Writer = fn(&Path, &[Replication], &[String]) -> io::Result<()>;

fn csv_error(error: csv::Error) -> io::Error {
    io::Error::other(error)
}

/// Writes a CSV file atomically from a header and rows of cells.
pub fn write_table<I>(path: &Path, header: &[&str], rows: I) -> io::Result<()>
where
    I: IntoIterator<Item = Vec<String>>,
{
    write_atomic(path, |file| {
        let mut writer = csv::Writer::from_writer(file);
        writer.write_record(header).map_err(csv_error)?;
        for row in rows {
            writer.write_record(&row).map_err(csv_error)?;
        }
        writer.flush()
    })
}

/// `timeseries.csv`: one row per (replication, firm, tick).
pub fn write_timeseries(
    path: &Path,
    replications: &[Replication],
    firm_names: &[String],
) -> io::Result<()> {
    let mut header = vec!["replication", "seed", "firm", "tick"];
    header.extend(FirmTick::COLUMNS);
    let rows = replications.iter().flat_map(|replication| {
        (0..replication.firms).flat_map(move |firm| {
            replication
                .series
                .iter()
                .skip(firm)
                .step_by(replication.firms)
                .map(move |tick| {
                    let mut row = vec![
                        replication.index.to_string(),
                        replication.seed.to_string(),
                        firm_names[firm].clone(),
                        tick.tick.to_string(),
                    ];
                    row.extend(tick.values().into_iter().map(number));
                    row
                })
        })
    });
    write_table(path, &header, rows)
}

/// `summary.csv`: one row per (replication, firm).
pub fn write_summary(
    path: &Path,
    replications: &[Replication],
    firm_names: &[String],
) -> io::Result<()> {
    let mut header = vec!["replication", "seed", "firm"];
    header.extend(FirmSummary::COLUMNS);
    header.push("regime");
    let rows = replications.iter().flat_map(|replication| {
        replication
            .summaries
            .iter()
            .enumerate()
            .map(move |(firm, summary)| {
                let mut row = vec![
                    replication.index.to_string(),
                    replication.seed.to_string(),
                    firm_names[firm].clone(),
                ];
                row.extend(summary.values().into_iter().map(number));
                row.push(summary.regime.to_string());
                row
            })
    });
    write_table(path, &header, rows)
}

/// Columns of `customers.csv`.
pub const CUSTOMER_COLUMNS: [&str; 27] = [
    "replication",
    "customer",
    "firm",
    "expertise",
    "sociability",
    "activity",
    "vindictiveness",
    "forgiveness",
    "base_empowerment",
    "empowerment",
    "self_efficacy",
    "expectation",
    "satisfaction",
    "loyalty",
    "functional_value",
    "emotional_value",
    "social_value",
    "grievance",
    "failure_memory",
    "product_engagement",
    "interpersonal_interaction",
    "recent_successes",
    "recent_wom_positive",
    "recent_wom_negative",
    "recent_complaints",
    "contributions",
    "tenure",
];

/// `customers.csv`: one row per customer active at the last tick of every replication.
pub fn write_customers(
    path: &Path,
    replications: &[Replication],
    firm_names: &[String],
) -> io::Result<()> {
    let rows = replications.iter().flat_map(|replication| {
        replication.customers.iter().map(move |(slot, c)| {
            let mut row = vec![
                replication.index.to_string(),
                slot.to_string(),
                firm_names[c.firm as usize].clone(),
            ];
            row.extend(
                [
                    c.expertise,
                    c.sociability,
                    c.activity,
                    c.vindictiveness,
                    c.forgiveness,
                    c.base_empowerment,
                    c.empowerment,
                    c.self_efficacy,
                    c.expectation,
                    c.satisfaction,
                    c.loyalty,
                    c.functional,
                    c.emotional,
                    c.social,
                    c.grievance,
                    c.failure_memory,
                    c.recent_encounters,
                    c.recent_peer,
                    c.recent_successes,
                    c.recent_wom_positive,
                    c.recent_wom_negative,
                    c.recent_complaints,
                    c.contributions,
                ]
                .into_iter()
                .map(|v| number(f64::from(v))),
            );
            row.push(c.tenure.to_string());
            row
        })
    });
    write_table(path, &CUSTOMER_COLUMNS, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain_decimal() {
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(1e-7), "0.0000001");
        assert_eq!(number(f64::NAN), "");
    }

    #[test]
    fn tables_have_one_header_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        write_table(&path, &["a", "b"], vec![vec!["1".into(), "x,y".into()]]).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n1,\"x,y\"\n");
    }
}
