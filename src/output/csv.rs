//! CSV outputs of a run: `timeseries.csv`, `summary.csv` and `customers.csv`
//! (columns in ../shared/cli-contract.md). Numbers are written in plain decimal with Rust's
//! shortest round-trip formatting, so the same values always give the same bytes.

use std::io::{self, Write};
use std::path::Path;

use rayon::prelude::*;

use crate::experiment::{FinalCustomers, FirmSummary, Replication};
use crate::io::atomic::write_atomic;
use crate::model::FirmTick;
use crate::model::agents::Customer;

/// Formats a number for CSV: shortest round-trip decimal; non-finite values as empty cells.
pub fn number(value: f64) -> String {
    let mut cell = String::new();
    push_number(&mut cell, value);
    cell
}

/// Appends [`number`]`(value)` to `cell`.
fn push_number(cell: &mut String, value: f64) {
    if value.is_finite() {
        // Avoid "-0" and keep integers free of a trailing ".0".
        let value = if value == 0.0 { 0.0 } else { value };
        super::decimal::push_shortest(cell, value);
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
pub const CUSTOMER_COLUMNS: [&str; 28] = [
    "replication",
    "customer",
    "firm",
    "expertise",
    "sociability",
    "activity",
    "involvement",
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

/// `customers.csv`: one row per customer active at the last tick of every replication (for
/// replications run with their customers kept; `cocreate run` streams the file instead with
/// [`write_customers_header`] and [`write_customer_rows`]).
pub fn write_customers(
    path: &Path,
    replications: &[Replication],
    firm_names: &[String],
) -> io::Result<()> {
    write_atomic(path, |file| {
        write_customers_header(file)?;
        for replication in replications {
            write_customer_rows(file, replication.index, &replication.customers, firm_names)?;
        }
        Ok(())
    })
}

/// Writes the header row of `customers.csv`.
pub fn write_customers_header(out: &mut impl Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(CUSTOMER_COLUMNS).map_err(csv_error)?;
    writer.flush()
}

/// Customers formatted per parallel task, and per batch of tasks held in memory at once.
const ROWS_PER_TASK: usize = 2048;
const ROWS_PER_BATCH: usize = 8 * ROWS_PER_TASK;

/// Writes the rows of `customers.csv` for one replication's final customers. Rows are
/// formatted in parallel, a bounded batch at a time, and written in slot order; the bytes are
/// those of one `csv::Writer` writing every row.
pub fn write_customer_rows(
    out: &mut impl Write,
    replication: u32,
    customers: &FinalCustomers,
    firm_names: &[String],
) -> io::Result<()> {
    let slots = customers.slots();
    let records = customers.records();
    let names = encoded_names(firm_names)?;
    for (slots, records) in slots
        .chunks(ROWS_PER_BATCH)
        .zip(records.chunks(ROWS_PER_BATCH))
    {
        let parts: Vec<Vec<u8>> = slots
            .par_chunks(ROWS_PER_TASK)
            .zip(records.par_chunks(ROWS_PER_TASK))
            .map(|(slots, records)| format_customer_rows(replication, slots, records, &names))
            .collect();
        for part in parts {
            out.write_all(&part)?;
        }
    }
    Ok(())
}

/// The CSV rows of `records` (at `slots`), without allocating per row or per cell; `names`
/// are the firms' names as CSV fields ([`encoded_names`]).
///
/// The rows are laid out here rather than through `csv::Writer`, whose per-field quoting scan
/// cost more than the numbers' own formatting (docs/PERFORMANCE.md, seventh round): every cell
/// but the firm's name is a number, which never needs quoting, and each name is encoded once by
/// `csv` itself, so the bytes are the ones `csv::Writer` writes.
fn format_customer_rows(
    replication: u32,
    slots: &[u32],
    records: &[Customer],
    names: &[String],
) -> Vec<u8> {
    let mut integers = itoa::Buffer::new();
    let replication = integers.format(replication).to_owned();
    let mut rows = String::with_capacity(records.len() * 320);
    for (&slot, c) in slots.iter().zip(records) {
        rows.push_str(&replication);
        rows.push(',');
        rows.push_str(integers.format(slot));
        rows.push(',');
        rows.push_str(&names[usize::from(c.firm)]);
        for value in [
            c.expertise,
            c.sociability,
            c.activity,
            c.involvement,
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
            c.product_engagement(),
            c.interpersonal_interaction(),
            c.recent_successes,
            c.recent_wom_positive,
            c.recent_wom_negative,
            c.recent_complaints,
            c.contributions,
        ] {
            rows.push(',');
            push_number(&mut rows, f64::from(value));
        }
        rows.push(',');
        rows.push_str(integers.format(c.tenure));
        rows.push('\n');
    }
    rows.into_bytes()
}

/// Each firm's name as `csv::Writer` writes it as one field of a record with several fields
/// (quoted if it holds a delimiter, a quote or a line break, and its quotes doubled). Names of
/// vacant slots are never looked up: only active customers have rows.
fn encoded_names(firm_names: &[String]) -> io::Result<Vec<String>> {
    firm_names
        .iter()
        .map(|name| {
            // The name and an empty field: `csv` closes a quoted field when it writes the next
            // delimiter, which is then taken off.
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_field(name).map_err(csv_error)?;
            writer.write_field("").map_err(csv_error)?;
            let mut bytes = writer
                .into_inner()
                .map_err(|error| io::Error::other(error.to_string()))?;
            if bytes.pop() != Some(b',') {
                return Err(io::Error::other("csv wrote no delimiter after a firm name"));
            }
            String::from_utf8(bytes).map_err(io::Error::other)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::agents::VACANT;

    #[test]
    fn numbers_are_plain_decimal() {
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(1e-7), "0.0000001");
        assert_eq!(number(f64::NAN), "");
    }

    /// The rows as the writer made them before streaming: a `Vec<String>` per row.
    fn reference_rows(replication: u32, customers: &FinalCustomers, names: &[String]) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        for (slot, c) in customers.iter() {
            let mut row = vec![
                replication.to_string(),
                slot.to_string(),
                names[c.firm as usize].clone(),
            ];
            row.extend(
                [
                    c.expertise,
                    c.sociability,
                    c.activity,
                    c.involvement,
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
                    c.recent_product,
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
            writer.write_record(&row).unwrap();
        }
        String::from_utf8(writer.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn streamed_customer_rows_match_row_by_row_writing() {
        // More rows than one formatting batch, odd values, and a name that needs quoting.
        let names = vec![
            "plain".to_owned(),
            "a \"quoted\", name".to_owned(),
            String::new(),
            "two\nlines".to_owned(),
            " spaced; 'single' ".to_owned(),
        ];
        let slots: Vec<Customer> = (0..2 * ROWS_PER_BATCH + 77)
            .map(|i| {
                let x = i as f32;
                Customer {
                    expertise: x / 7.0,
                    activity: x * 1e-9,
                    loyalty: -0.0,
                    satisfaction: f32::NAN,
                    contributions: x * 3.0,
                    tenure: i as u32,
                    firm: match i % 7 {
                        0 => VACANT,
                        1 => 1,
                        2 => 2,
                        3 => 3,
                        4 => 4,
                        _ => 0,
                    },
                    ..Customer::EMPTY
                }
            })
            .collect();
        let customers = FinalCustomers::from_slots(slots);
        let mut streamed = Vec::new();
        write_customer_rows(&mut streamed, 3, &customers, &names).unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            reference_rows(3, &customers, &names)
        );
    }

    #[test]
    fn tables_have_one_header_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        write_table(&path, &["a", "b"], vec![vec!["1".into(), "x,y".into()]]).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n1,\"x,y\"\n");
    }
}
