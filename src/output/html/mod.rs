//! `report.html`: one self-contained page per output directory (run, sweep, merge, validate,
//! survey, compare) that can be mailed or attached to a paper's supplement.
//!
//! The page is built from the files in the directory and its manifest, so `cocreate report DIR`
//! rebuilds it at any time: what was run (command, version, seeds, the resolved scenario), the
//! summary tables with their intervals, the regime counts with the rule in words, every chart of
//! `charts/` as inline SVG with a caption saying what to read from it, and for sweeps the
//! sortable points table and the contrasts. Nothing is loaded from the network: the style and
//! the script (sortable tables, hover values, click a legend entry to hide a series) are inline.
//!
//! The page is written atomically, before the manifest (see `app::write_report_and_manifest`).

mod escape;

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use serde_json::Value;

pub use escape::escape;

use crate::experiment::stats::Estimate;
use crate::experiment::summary::thresholds;
use crate::io::atomic::write_bytes_atomic;

/// File name of the report in every output directory.
pub const REPORT_FILE: &str = "report.html";

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// Outcomes shown first (every outcome is in the CSV files).
const MAIN_OUTCOMES: [&str; 7] = [
    "net_value",
    "cocreated_value",
    "codestroyed_value",
    "final_loyalty",
    "monthly_churn",
    "wom_ratio",
    "profit",
];

/// Writes `DIR/report.html` from the files in `dir` and its manifest.
pub fn write_report(dir: &Path, manifest: &Value) -> io::Result<()> {
    let page = render(dir, manifest)?;
    write_bytes_atomic(&dir.join(REPORT_FILE), page.as_bytes())
}

/// The page as a string.
pub fn render(dir: &Path, manifest: &Value) -> io::Result<String> {
    let command = manifest["command"].as_str().unwrap_or("run");
    let name = manifest["scenario"]["name"]
        .as_str()
        .or_else(|| manifest["a"]["name"].as_str())
        .unwrap_or("");
    let title = match command {
        "compare" => format!(
            "cocreate compare: {} vs {}",
            manifest["a"]["name"].as_str().unwrap_or("A"),
            manifest["b"]["name"].as_str().unwrap_or("B")
        ),
        "validate" => "cocreate validate: the model against its patterns".to_owned(),
        _ => format!("cocreate {command}: {name}"),
    };
    let mut body = String::new();
    let _ = writeln!(body, "<h1>{}</h1>", escape(&title));
    if let Some(description) = manifest["scenario"]["description"].as_str() {
        let _ = writeln!(body, "<p>{}</p>", escape(description));
    }
    let mut toc = vec![("what", "What was run")];
    let mut sections = String::new();
    match command {
        "run" => {
            toc.push(("summary", "Summary"));
            toc.push(("regimes", "Regimes"));
            sections.push_str(&run_summary(dir));
        }
        "sweep" | "merge" => {
            toc.push(("points", "Design points"));
            sections.push_str(&sweep_tables(dir, manifest));
        }
        "validate" => {
            toc.push(("patterns", "Patterns"));
            sections.push_str(&validate_tables(dir));
        }
        "survey" => {
            toc.push(("survey", "Survey"));
            sections.push_str(&survey_tables(dir, manifest));
        }
        "compare" => {
            toc.push(("comparison", "Comparison"));
            toc.push(("inputs", "Inputs that differ"));
            sections.push_str(&compare_tables(dir, manifest));
        }
        _ => {}
    }
    // Charts name factors by their short names; the captions give the keys.
    let factors: Vec<String> = manifest["design"]["factors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|key| format!("{} = {key}", crate::scenario::levers::short_name(key)))
                .collect()
        })
        .unwrap_or_default();
    let key_note = if factors.is_empty() {
        String::new()
    } else {
        format!(" Factors: {}.", factors.join("; "))
    };
    let charts = charts(dir, &key_note)?;
    if !charts.is_empty() {
        toc.push(("charts", "Charts"));
    }
    body.push_str("<nav><p>");
    for (k, (id, label)) in toc.iter().enumerate() {
        let sep = if k == 0 { "" } else { " · " };
        let _ = write!(body, "{sep}<a href=\"#{id}\">{label}</a>");
    }
    body.push_str("</p></nav>\n");
    body.push_str(&what_was_run(manifest));
    body.push_str(&sections);
    if !charts.is_empty() {
        body.push_str("<h2 id=\"charts\">Charts</h2>\n<p>Hover over a line or point to read its values; click a legend entry to hide or show its series.</p>\n");
        body.push_str(&charts);
    }
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n\
         <script>window.reportErrors=[];window.addEventListener(\"error\",function(e){{window.reportErrors.push(String(e.message));document.documentElement.setAttribute(\"data-errors\",String(window.reportErrors.length));}});</script>\n\
         </head>\n<body>\n<div id=\"tip\"></div>\n{body}\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        escape(&title)
    ))
}

/// A CSV file as header and rows of cells; `None` if it is absent or unreadable.
fn read_csv(path: &Path) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let mut reader = csv::Reader::from_path(path).ok()?;
    let header = reader.headers().ok()?.iter().map(str::to_owned).collect();
    let rows = reader
        .records()
        .filter_map(Result::ok)
        .map(|r| r.iter().map(str::to_owned).collect())
        .collect();
    Some((header, rows))
}

/// A cell for a table: the display text and an optional sort key.
struct Cell {
    text: String,
    sort: Option<f64>,
    left: bool,
    bold: bool,
}

impl Cell {
    fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            sort: None,
            left: true,
            bold: false,
        }
    }

    fn number(value: f64) -> Cell {
        Cell {
            text: short(value),
            sort: value.is_finite().then_some(value),
            left: false,
            bold: false,
        }
    }

    /// "mean [lo, hi]", sorted by the mean.
    fn interval(mean: f64, lo: f64, hi: f64) -> Cell {
        let text = if lo.is_finite() && hi.is_finite() && (lo != mean || hi != mean) {
            format!("{} [{}, {}]", short(mean), short(lo), short(hi))
        } else {
            short(mean)
        };
        Cell {
            text,
            sort: mean.is_finite().then_some(mean),
            left: false,
            bold: false,
        }
    }

    /// A raw CSV cell: right-aligned and sorted numerically if it is a number.
    fn raw(text: &str) -> Cell {
        match text.parse::<f64>() {
            Ok(value) => Cell::number(value),
            Err(_) => Cell::text(text),
        }
    }
}

/// Compact number for tables: four significant digits, thousands without decimals.
pub fn short(value: f64) -> String {
    if !value.is_finite() {
        "–".to_owned()
    } else if value == 0.0 {
        "0".to_owned()
    } else if value.abs() >= 1000.0 {
        format!("{value:.0}")
    } else if value.abs() >= 1.0 {
        let s = format!("{value:.3}");
        trim(&s)
    } else if value.abs() >= 0.001 {
        let s = format!("{value:.4}");
        trim(&s)
    } else {
        format!("{value:.2e}")
    }
}

fn trim(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s.to_owned()
    }
}

fn table(id: &str, caption: &str, header: &[String], rows: &[Vec<Cell>], sortable: bool) -> String {
    let mut out = format!(
        "<div class=\"scroll{}\"><table id=\"{}\"{}>\n<caption>{}</caption>\n<thead><tr>",
        if rows.len() > 25 { " tall" } else { "" },
        escape(id),
        if sortable { " class=\"sortable\"" } else { "" },
        escape(caption)
    );
    for (k, h) in header.iter().enumerate() {
        let left = rows.first().and_then(|r| r.get(k)).is_some_and(|c| c.left);
        let _ = write!(
            out,
            "<th{}>{}</th>",
            if left { " class=\"t\"" } else { "" },
            escape(h)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let class = match (cell.left, cell.bold) {
                (true, _) => " class=\"t\"",
                (false, true) => " class=\"excl\"",
                (false, false) => "",
            };
            let sort = cell
                .sort
                .map(|v| format!(" data-sort=\"{v}\""))
                .unwrap_or_default();
            let _ = write!(out, "<td{class}{sort}>{}</td>", escape(&cell.text));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

/// The regime rule, in words, with its thresholds.
pub fn regime_rule() -> String {
    use thresholds::*;
    format!(
        "Each replication of each firm is classified on its last year (52 weeks). \
         <b>Virtuous</b>: at least {:.0}% of the value is co-created, mean loyalty at least {}, \
         and at least {:.0}% of the initial customers are kept. <b>Spiral</b>: less than {:.0}% \
         co-created, or mean loyalty below {}, or less than {:.0}% of the initial customers \
         left. <b>Contested</b>: everything in between.",
        VIRTUOUS_SHARE * 100.0,
        VIRTUOUS_LOYALTY,
        VIRTUOUS_RETENTION * 100.0,
        SPIRAL_SHARE * 100.0,
        SPIRAL_LOYALTY,
        SPIRAL_RETENTION * 100.0
    )
}

fn what_was_run(manifest: &Value) -> String {
    let mut out = String::from("<h2 id=\"what\">What was run</h2>\n<table id=\"run-info\">\n");
    let mut row = |key: &str, value: String| {
        let _ = writeln!(
            out,
            "<tr><th class=\"t\">{}</th><td class=\"t\">{}</td></tr>",
            escape(key),
            escape(&value)
        );
    };
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    row(
        "program",
        format!(
            "{} {}",
            text(&manifest["program"]),
            text(&manifest["version"])
        ),
    );
    let line: Vec<String> = manifest["command_line"]
        .as_array()
        .map(|a| a.iter().map(text).collect())
        .unwrap_or_default();
    if !line.is_empty() {
        row("command line", line.join(" "));
    }
    for key in [
        "source",
        "seed",
        "replications",
        "started",
        "scenario_sha256",
    ] {
        if !manifest[key].is_null() {
            row(key, text(&manifest[key]));
        }
    }
    if let Some(wall) = manifest["wall_seconds"].as_f64() {
        row("wall time", format!("{wall:.1} s"));
    }
    out.push_str("</table>\n");
    let seeds = |label: &str, seeds: &Value| {
        seeds.as_array().map_or(String::new(), |s| {
            let list: Vec<String> = s.iter().map(text).collect();
            format!(
                "<details><summary>{} ({})</summary><pre>{}</pre></details>\n",
                escape(label),
                list.len(),
                escape(&list.join(" "))
            )
        })
    };
    let toml = |label: &str, toml: &Value| {
        toml.as_str().map_or(String::new(), |t| {
            format!(
                "<details><summary>{}</summary><pre>{}</pre></details>\n",
                escape(label),
                escape(t)
            )
        })
    };
    out.push_str(&seeds("replication seeds", &manifest["replication_seeds"]));
    out.push_str(&toml(
        "resolved scenario (TOML, every default filled in)",
        &manifest["scenario_toml"],
    ));
    for arm in ["a", "b"] {
        let value = &manifest[arm];
        if value.is_object() {
            let name = format!("{} = {}", arm.to_uppercase(), text(&value["name"]));
            out.push_str(&seeds(
                &format!("{name}: replication seeds"),
                &value["replication_seeds"],
            ));
            out.push_str(&toml(
                &format!("{name}: resolved scenario"),
                &value["scenario_toml"],
            ));
        }
    }
    out
}

fn run_summary(dir: &Path) -> String {
    let Some((header, rows)) = read_csv(&dir.join("summary.csv")) else {
        return "<p>summary.csv is missing.</p>\n".to_owned();
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(firm_col), Some(regime_col)) = (col("firm"), col("regime")) else {
        return String::new();
    };
    let mut firms: Vec<String> = Vec::new();
    for row in &rows {
        if !firms.contains(&row[firm_col]) {
            firms.push(row[firm_col].clone());
        }
    }
    let outcomes: Vec<&String> = {
        let all = &header[firm_col + 1..regime_col];
        let mut main: Vec<&String> = all
            .iter()
            .filter(|h| MAIN_OUTCOMES.contains(&h.as_str()))
            .collect();
        main.extend(all.iter().filter(|h| !MAIN_OUTCOMES.contains(&h.as_str())));
        main
    };
    let mut table_header = vec!["outcome".to_owned()];
    table_header.extend(firms.iter().map(|f| format!("{f}: mean [95% interval]")));
    let table_rows: Vec<Vec<Cell>> = outcomes
        .iter()
        .map(|outcome| {
            let k = header.iter().position(|h| h == *outcome).unwrap_or(0);
            let mut cells = vec![Cell::text(outcome.as_str())];
            for firm in &firms {
                let e = Estimate::of(
                    rows.iter()
                        .filter(|r| &r[firm_col] == firm)
                        .filter_map(|r| r.get(k).and_then(|c| c.parse::<f64>().ok())),
                );
                cells.push(Cell::interval(e.mean, e.lo, e.hi));
            }
            cells
        })
        .collect();
    let replications = rows.len() / firms.len().max(1);
    let mut out = format!(
        "<h2 id=\"summary\">Summary</h2>\n<p>Means over {replications} replication{} with \
         Student-t 95% intervals of the mean (summary.csv has every replication).</p>\n",
        if replications == 1 { "" } else { "s" }
    );
    out.push_str(&table(
        "summary-table",
        "Outcomes per firm",
        &table_header,
        &table_rows,
        false,
    ));
    out.push_str("<h2 id=\"regimes\">Regimes</h2>\n");
    let _ = writeln!(out, "<p>{}</p>", regime_rule());
    let regime_rows: Vec<Vec<Cell>> = firms
        .iter()
        .map(|firm| {
            let mut cells = vec![Cell::text(firm.as_str())];
            for regime in ["virtuous", "contested", "spiral"] {
                let n = rows
                    .iter()
                    .filter(|r| &r[firm_col] == firm && r[regime_col] == regime)
                    .count();
                cells.push(Cell::number(n as f64));
            }
            cells
        })
        .collect();
    out.push_str(&table(
        "regime-table",
        "Replications in each regime",
        &["firm", "virtuous", "contested", "spiral"].map(String::from),
        &regime_rows,
        false,
    ));
    out
}

fn sweep_tables(dir: &Path, manifest: &Value) -> String {
    let mut out = String::from("<h2 id=\"points\">Design points</h2>\n");
    let kind = manifest["design"]["kind"].as_str().unwrap_or("");
    let factors: Vec<String> = manifest["design"]["factors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    f.as_str()
                        .map(str::to_owned)
                        .or_else(|| f["key"].as_str().map(str::to_owned))
                        .unwrap_or_else(|| f.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<p>Design: <b>{}</b>{}. Each cell is the mean over the point's replications with its \
         95% interval; click a column header to sort. points.csv has every outcome with its \
         standard deviation.</p>\n<p>{}</p>",
        escape(kind),
        if factors.is_empty() {
            String::new()
        } else {
            format!(" over {}", escape(&factors.join(", ")))
        },
        regime_rule()
    );
    if let Some((header, rows)) = read_csv(&dir.join("points.csv")) {
        let runs = header.iter().position(|h| h == "runs").unwrap_or(2);
        let mut table_header: Vec<String> = header[..=runs].to_vec();
        let mut columns: Vec<Option<(usize, usize, usize)>> = Vec::new();
        for outcome in MAIN_OUTCOMES {
            let at = |stat: &str| {
                header
                    .iter()
                    .position(|h| *h == format!("{outcome}_{stat}"))
            };
            if let (Some(m), Some(l), Some(h)) = (at("mean"), at("lo"), at("hi")) {
                table_header.push(outcome.to_owned());
                columns.push(Some((m, l, h)));
            }
        }
        let shares: Vec<usize> = (0..header.len())
            .filter(|&k| header[k].starts_with("share_"))
            .collect();
        table_header.extend(shares.iter().map(|&k| header[k].clone()));
        let table_rows: Vec<Vec<Cell>> = rows
            .iter()
            .map(|row| {
                let value = |k: usize| {
                    row.get(k)
                        .and_then(|c| c.parse::<f64>().ok())
                        .unwrap_or(f64::NAN)
                };
                let mut cells: Vec<Cell> = row[..=runs.min(row.len() - 1)]
                    .iter()
                    .map(|c| Cell::raw(c))
                    .collect();
                for (m, l, h) in columns.iter().flatten() {
                    cells.push(Cell::interval(value(*m), value(*l), value(*h)));
                }
                cells.extend(shares.iter().map(|&k| Cell::number(value(k))));
                cells
            })
            .collect();
        out.push_str(&table(
            "points-table",
            "Main outcomes per design point and firm",
            &table_header,
            &table_rows,
            true,
        ));
    }
    if let Some((header, rows)) = read_csv(&dir.join("contrasts.csv")) {
        out.push_str(&contrasts_table(&header, &rows));
    }
    out
}

/// The contrasts section of a variants sweep: each variant minus the reference, main outcomes
/// first, intervals that exclude 0 marked.
fn contrasts_table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    out.push_str("<h3 id=\"contrasts\">Contrasts</h3>\n<p>Each variant minus the reference variant, paired by replication (the same seeds in both arms): mean difference with the Student-t 95% interval of the paired differences. Marked * and bold: the interval excludes 0. Main outcomes first; contrasts.csv has the standard deviations.</p>\n");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or(0);
    let rank = |r: &Vec<String>| {
        MAIN_OUTCOMES
            .iter()
            .position(|o| *o == r[col("outcome")])
            .unwrap_or(MAIN_OUTCOMES.len())
    };
    let mut sorted: Vec<&Vec<String>> = rows.iter().collect();
    sorted.sort_by_key(|r| rank(r));
    let table_rows: Vec<Vec<Cell>> = sorted
        .iter()
        .map(|r| {
            let v = |name: &str| r[col(name)].parse::<f64>().unwrap_or(f64::NAN);
            let mut diff = Cell::interval(v("mean_difference"), v("lo"), v("hi"));
            if v("lo") > 0.0 || v("hi") < 0.0 {
                diff.text = format!("{} *", diff.text);
                diff.bold = true;
            }
            vec![
                Cell::text(r[col("variant")].as_str()),
                Cell::text(r[col("reference")].as_str()),
                Cell::text(r[col("firm")].as_str()),
                Cell::text(r[col("outcome")].as_str()),
                Cell::raw(&r[col("pairs")]),
                diff,
            ]
        })
        .collect();
    out.push_str(&table(
        "contrasts-table",
        "Paired contrasts against the reference variant",
        &[
            "variant",
            "reference",
            "firm",
            "outcome",
            "pairs",
            "difference [95% interval]",
        ]
        .map(String::from),
        &table_rows,
        true,
    ));
    out
}

/// Rows of raw CSV cells (numbers right-aligned and sorted numerically).
fn raw_rows(rows: &[Vec<String>]) -> Vec<Vec<Cell>> {
    rows.iter()
        .map(|row| row.iter().map(|c| Cell::raw(c)).collect())
        .collect()
}

fn validate_tables(dir: &Path) -> String {
    let mut out = String::from(
        "<h2 id=\"patterns\">Patterns</h2>\n<p>Each pattern of the model's specification against its published source (validation.md has the reasoning).</p>\n",
    );
    if let Some((header, rows)) = read_csv(&dir.join("validation.csv")) {
        out.push_str(&table(
            "validation-table",
            "validation.csv",
            &header,
            &raw_rows(&rows),
            true,
        ));
    }
    if let Ok(text) = std::fs::read_to_string(dir.join("validation.md")) {
        let _ = writeln!(
            out,
            "<details><summary>validation.md</summary><pre>{}</pre></details>",
            escape(&text)
        );
    }
    out
}

fn survey_tables(dir: &Path, manifest: &Value) -> String {
    let survey = &manifest["survey"];
    let mut out = format!(
        "<h2 id=\"survey\">Survey</h2>\n<p>{} respondents sampled from {} active customers of \
         replication {} at week {}. Cronbach's alpha per construct:</p>\n",
        escape(&survey["respondents"].to_string()),
        escape(&survey["active_customers"].to_string()),
        escape(&survey["replication"].to_string()),
        escape(&survey["tick"].to_string())
    );
    let rows: Vec<Vec<Cell>> = survey["cronbach_alpha"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    vec![
                        Cell::text(k.as_str()),
                        Cell::number(v.as_f64().unwrap_or(f64::NAN)),
                    ]
                })
                .collect()
        })
        .unwrap_or_default();
    out.push_str(&table(
        "alpha-table",
        "Cronbach's alpha",
        &["construct", "alpha"].map(String::from),
        &rows,
        false,
    ));
    if let Some((header, rows)) = read_csv(&dir.join("codebook.csv")) {
        out.push_str(&table(
            "codebook-table",
            "codebook.csv: the questionnaire items",
            &header,
            &raw_rows(&rows),
            true,
        ));
    }
    out
}

fn compare_tables(dir: &Path, manifest: &Value) -> String {
    let mut out = String::from("<h2 id=\"comparison\">Comparison</h2>\n");
    let arm = |k: &str| {
        format!(
            "{} ({})",
            manifest[k]["name"].as_str().unwrap_or(""),
            manifest[k]["dir"].as_str().unwrap_or("")
        )
    };
    let paired = manifest["pairing"] == "paired";
    let _ = writeln!(
        out,
        "<p>A = {}<br>B = {}</p>\n<p class=\"note\">{}</p>",
        escape(&arm("a")),
        escape(&arm("b")),
        if paired {
            "Paired: both runs used the same replication seeds (common random numbers), so each interval is the Student-t 95% interval of the per-replication differences B − A."
        } else {
            "Unpaired: the runs used different replication seeds, so each interval is Welch's 95% interval for independent samples. Rerun both with the same --seed and --replications to pair them (narrower intervals)."
        }
    );
    if let Some((header, rows)) = read_csv(&dir.join("compare.csv")) {
        let col = |name: &str| header.iter().position(|h| h == name).unwrap_or(0);
        let mut sorted: Vec<&Vec<String>> = rows.iter().collect();
        let rank = |r: &Vec<String>| {
            MAIN_OUTCOMES
                .iter()
                .position(|o| *o == r[col("outcome")])
                .unwrap_or(MAIN_OUTCOMES.len())
        };
        sorted.sort_by_key(|r| (r[col("firm")].clone(), rank(r)));
        let table_rows: Vec<Vec<Cell>> = sorted
            .iter()
            .map(|r| {
                let v = |name: &str| r[col(name)].parse::<f64>().unwrap_or(f64::NAN);
                let mut diff = Cell::interval(v("diff_mean"), v("diff_lo"), v("diff_hi"));
                if v("diff_lo") > 0.0 || v("diff_hi") < 0.0 {
                    diff.text = format!("{} *", diff.text);
                    diff.bold = true;
                }
                vec![
                    Cell::text(r[col("firm")].as_str()),
                    Cell::text(r[col("outcome")].as_str()),
                    Cell::interval(v("a_mean"), v("a_lo"), v("a_hi")),
                    Cell::interval(v("b_mean"), v("b_lo"), v("b_hi")),
                    diff,
                ]
            })
            .collect();
        out.push_str(&table(
            "compare-table",
            "A, B and B − A with 95% intervals (* the interval of B − A excludes 0)",
            &["firm", "outcome", "A", "B", "B − A"].map(String::from),
            &table_rows,
            true,
        ));
    }
    if let Some(regimes) = manifest["regimes"].as_array() {
        let _ = writeln!(out, "<h3>Regimes</h3>\n<p>{}</p>", regime_rule());
        let rows: Vec<Vec<Cell>> = regimes
            .iter()
            .flat_map(|r| {
                ["a", "b"].map(|k| {
                    let mut cells = vec![
                        Cell::text(r["firm"].as_str().unwrap_or("")),
                        Cell::text(k.to_uppercase()),
                    ];
                    for regime in ["virtuous", "contested", "spiral"] {
                        cells.push(Cell::number(r[k][regime].as_f64().unwrap_or(f64::NAN)));
                    }
                    cells
                })
            })
            .collect();
        out.push_str(&table(
            "regime-table",
            "Replications in each regime",
            &["firm", "run", "virtuous", "contested", "spiral"].map(String::from),
            &rows,
            false,
        ));
    }
    out.push_str("<h2 id=\"inputs\">Inputs that differ</h2>\n");
    match read_csv(&dir.join("scenario_diff.csv")) {
        Some((header, rows)) if !rows.is_empty() => {
            out.push_str(&table(
                "diff-table",
                "Resolved scenarios, key by key (keys as --set takes them)",
                &header,
                &rows
                    .iter()
                    .map(|r| r.iter().map(|c| Cell::text(c.as_str())).collect())
                    .collect::<Vec<_>>(),
                false,
            ));
        }
        _ => out.push_str("<p id=\"diff-table\">The two resolved scenarios are identical.</p>\n"),
    }
    out
}

/// What to read from each chart, by file stem (prefix).
fn caption(stem: &str) -> String {
    let text = match stem {
        "value" => {
            "Co-created and co-destroyed value per week, each firm's mean across replications with its 95% band (flows start at week 1). Read the gap: where co-destruction closes on co-creation the firm heads for the spiral regime."
        }
        "psychology" => {
            "Customer empowerment, self-efficacy, satisfaction and loyalty on their natural 0–1 scale (mean over active customers, 95% band). Small movements are real but small: the axis is not zoomed."
        }
        "experience" => {
            "Functional, emotional and social value of the experience and the grievance (desire for revenge), on their natural 0–1 scale. Rising grievance precedes revenge acts and negative word of mouth."
        }
        "customers" => {
            "Active customers, and the customers churned and acquired each week (flows start at week 1). A firm in the virtuous regime keeps at least 90% of its initial customers."
        }
        "staff_quality" => {
            "Employee morale and product quality (0–1): the frontline side of co-creation."
        }
        "profit" => "Profit per week (revenue minus costs), from week 1, mean and 95% band.",
        "outcomes" => "Each outcome's mean with its 95% interval at each design point.",
        "regimes" => {
            "Share of replications in each regime at each design point, with Wilson 95% intervals (points with whiskers when replications are few)."
        }
        "outcome_by_factor" => {
            "An outcome against each factor over the design points: a steep cloud marks an influential lever."
        }
        "sensitivity" => {
            "How strongly each factor moves each outcome (rank correlation over the design points)."
        }
        "variant_trajectories" => "Each variant's trajectories with 95% bands.",
        "variant_outcomes" => "Each variant's outcomes with 95% intervals.",
        "contrasts" => {
            "Each variant minus the reference, paired by replication, with 95% intervals: a bar whose whisker crosses 0 is not distinguishable from the reference."
        }
        "factor_effects" => {
            "Effect of each factor (high minus low) with its 95% interval, against the direction reported by Zhang et al. (2018)."
        }
        "recovery_paradox" => {
            "Satisfaction after a failed and recovered service against no failure (the recovery paradox), with 95% intervals."
        }
        "hysteresis" => {
            "Outcome against the policy lever on the way up and on the way down (arrows give the direction of the ramp): two paths that do not coincide are hysteresis."
        }
        _ if stem.starts_with("policy_map") => {
            "Mean net value over two levers, on a diverging scale centred on 0 and clipped at the 90th percentile of |net value| (cells beyond take the end colour; the colour bar's ends say ≤ or ≥). Outlined cells, in both panels: the 95% interval of net value includes 0 (the tipping region). The virtuous share can change elsewhere, because the regime rule also asks for loyalty and retention, not only for more co-created than co-destroyed value."
        }
        _ if stem.starts_with("compare_runs") => "A and B over time, each with its 95% band.",
        _ if stem.starts_with("compare_difference") => {
            "B − A per week with its 95% band: where the band excludes 0, the runs differ at that week."
        }
        _ => "",
    };
    text.to_owned()
}

/// Every `charts/*.svg`, in file-name order, inline with its caption.
fn charts(dir: &Path, key_note: &str) -> io::Result<String> {
    let charts_dir = dir.join("charts");
    let mut stems: Vec<String> = match std::fs::read_dir(&charts_dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".svg").map(str::to_owned)
            })
            .collect(),
        Err(_) => return Ok(String::new()),
    };
    // The order a reader follows (outcomes, then their drivers), then the rest by name.
    const ORDER: [&str; 20] = [
        "value",
        "profit",
        "customers",
        "psychology",
        "experience",
        "staff_quality",
        "compare_runs",
        "compare_difference",
        "variant_outcomes",
        "contrasts",
        "variant_trajectories",
        "policy_map",
        "outcomes",
        "regimes",
        "outcome_by_factor",
        "sensitivity",
        "factor_effects",
        "recovery_paradox",
        "hysteresis",
        "",
    ];
    stems.sort_by_key(|stem| {
        let rank = ORDER
            .iter()
            .position(|o| !o.is_empty() && stem.starts_with(o))
            .unwrap_or(ORDER.len());
        (rank, stem.clone())
    });
    let mut out = String::new();
    for stem in stems {
        let svg = std::fs::read_to_string(charts_dir.join(format!("{stem}.svg")))?;
        let svg = match svg.find("<svg") {
            Some(start) => &svg[start..],
            None => continue,
        };
        let _ = writeln!(
            out,
            "<figure class=\"chart\" id=\"chart-{}\">\n{}\n<figcaption><b>{}</b>. {}</figcaption>\n</figure>",
            escape(&stem),
            svg.trim_end(),
            escape(&stem),
            escape(&format!("{}{key_note}", caption(&stem)))
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers_are_compact() {
        assert_eq!(short(12345.6), "12346");
        assert_eq!(short(1.5), "1.5");
        assert_eq!(short(0.12345), "0.1235");
        assert_eq!(short(f64::NAN), "–");
    }

    #[test]
    fn a_report_escapes_names_and_has_no_external_resource() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("summary.csv"),
            "replication,seed,firm,net_value,regime\n0,1,<b>x</b>,5,virtuous\n1,2,<b>x</b>,7,spiral\n",
        )
        .unwrap();
        let manifest = serde_json::json!({"command": "run", "scenario": {"name": "a<script>"}, "program": "cocreate", "version": "0"});
        let page = render(dir.path(), &manifest).unwrap();
        assert!(page.contains("a&lt;script&gt;"));
        assert!(page.contains("&lt;b&gt;x&lt;/b&gt;"));
        assert!(!page.contains("<b>x</b>"));
        assert!(!page.contains("http://") && !page.contains("https://"));
        assert!(page.contains("id=\"summary-table\""));
        assert!(page.contains("6 [-6.706"), "{page}");
    }
}
