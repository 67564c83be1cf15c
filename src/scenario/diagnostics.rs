//! Human-readable diagnostics for scenario files.
//!
//! Scenario files are deserialized with serde into structs marked
//! `#[serde(default, deny_unknown_fields)]`, so the most common mistakes are a
//! misspelt key or a value of the wrong type. The toml crate reports those
//! with a byte span and a message but without saying *which* setting is
//! wrong, and its multi-line `Display` is awkward in logs and CI output. This
//! module turns such an error into a single line that editors and terminals
//! understand:
//!
//! ```text
//! scenario.toml:12:1: firms.1.policy.incentve: unknown field `incentve`, expected `incentive` or `service_recovery` (did you mean `incentive`?)
//! ```
//!
//! The key path is recovered by re-parsing the document into toml's spanned
//! [`DeTable`] and finding the innermost key or value whose span contains the
//! error's span. What toml 1.2 reports, and therefore what is looked up:
//!
//! * unknown field: the span of the unknown *key* (`capcity` in
//!   `capcity = 3`), so the path ends with the unknown key itself;
//! * wrong type, invalid value, unknown enum variant: the span of the *value*
//!   (`"ten"` in `ticks = "ten"`);
//! * a table of the wrong shape (e.g. `[firms]` where an array is expected):
//!   the span of its `[header]`;
//! * errors about the document as a whole: the empty span `0..0`;
//! * syntax errors: the offending token, with no key path (the document does
//!   not parse, so there is nothing to look up).
//!
//! The same span lookup, run the other way ([`span_of_path`],
//! [`span_of_nearest`]), lets validation code that only knows a key path point
//! at the right line of the file.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// 1-based line and column (column counted in characters) of a byte offset in
/// `text`.
///
/// Offsets past the end are clamped to the end of `text`, and an offset inside
/// a multi-byte character is moved back to the start of that character, so any
/// offset is accepted.
pub fn line_col(text: &str, byte_offset: usize) -> (usize, usize) {
    let mut offset = byte_offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The dotted key path (with array indices) of the innermost key/value in the
/// TOML document `text` whose key span or value span contains `span`.
///
/// "Innermost" means the smallest containing span; on a tie the deeper path
/// wins (so the span of the first `[[firms]]` header resolves to `firms.0`,
/// not `firms`). Arrays of tables are indexed in order of appearance.
///
/// Returns `None` if `text` does not parse as TOML or nothing contains `span`.
pub fn key_path_at(text: &str, span: Range<usize>) -> Option<String> {
    let root = DeTable::parse(text).ok()?;
    let mut search = Innermost {
        target: span,
        path: Vec::new(),
        best: None,
    };
    search.table(root.get_ref());
    search.best.map(|(_, _, path)| path)
}

/// The span of the value at dotted path `path` (e.g.
/// `firms.1.policy.incentive`) in `text`, or `None` if the document does not
/// parse or the path is absent.
///
/// For a table written as `[header]` the span is that of the header line's
/// brackets; for a table that only exists implicitly (through `[a.b]` or
/// `a.b = 1`) it is the span of its key.
pub fn span_of_path(text: &str, path: &str) -> Option<Range<usize>> {
    let segments: Vec<&str> = path.split('.').collect();
    let root = DeTable::parse(text).ok()?;
    let spans = resolve(root.get_ref(), &segments);
    if spans.len() == segments.len() {
        spans.last().cloned()
    } else {
        None
    }
}

/// Span of the longest prefix of `path` that exists in the document, together
/// with that prefix.
///
/// Used to point at `[firms.policy]` when a default-filled leaf such as
/// `firms.0.policy.incentive` is invalid but was never written. If the whole
/// path exists, returns `path` itself and the span of its value. Returns
/// `None` if the document does not parse or not even the first segment
/// exists.
pub fn span_of_nearest(text: &str, path: &str) -> Option<(String, Range<usize>)> {
    let segments: Vec<&str> = path.split('.').collect();
    let root = DeTable::parse(text).ok()?;
    let spans = resolve(root.get_ref(), &segments);
    let span = spans.last()?.clone();
    Some((segments[..spans.len()].join("."), span))
}

/// Levenshtein-based closest candidate, compared case-insensitively.
///
/// Returns the candidate with the smallest edit distance if that distance is
/// at most `max(2, word.len() / 3)` (lengths in characters); ties are broken
/// by order in `candidates`.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word: Vec<char> = word.to_lowercase().chars().collect();
    let limit = (word.len() / 3).max(2);
    let mut best: Option<(usize, &'a str)> = None;
    for &candidate in candidates {
        let lowered: Vec<char> = candidate.to_lowercase().chars().collect();
        let distance = levenshtein(&word, &lowered);
        if distance <= limit && best.is_none_or(|(best_distance, _)| distance < best_distance) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Parses serde's unknown-field or unknown-variant message into the unknown
/// name and the list of expected names.
///
/// Understands every form serde produces: "unknown field `x`, expected one of
/// `a`, `b`, `c`", "... expected `a` or `b`", "... expected `a`" and "...
/// there are no fields" (likewise for "unknown variant"). Returns `None` for
/// any other message.
pub fn parse_unknown(message: &str) -> Option<(String, Vec<String>)> {
    let start = ["unknown field `", "unknown variant `"]
        .iter()
        .filter_map(|prefix| message.find(prefix).map(|at| at + prefix.len()))
        .min()?;
    let rest = &message[start..];
    let end = rest.find('`')?;
    let unknown = rest[..end].to_owned();
    let tail = &rest[end + 1..];
    let expected = match tail.find("expected ") {
        Some(at) => backticked(&tail[at..]),
        None => Vec::new(),
    };
    Some((unknown, expected))
}

/// A fully rendered one-line diagnostic for a toml deserialization (or
/// syntax) error in the document `text` read from `file` (a display name).
///
/// * `FILE:LINE:COL: KEY.PATH: MESSAGE` when the error points into the
///   document and the position can be named by a key path; for unknown fields
///   the path ends with the unknown key (`firms.0.policy.incentve`);
/// * `FILE:LINE:COL: MESSAGE` when there is no key path (syntax errors);
/// * `FILE: KEY.PATH: MESSAGE` when there is no span but toml recorded the
///   keys leading to the error, as it does when deserializing an in-memory
///   [`toml::Table`]; toml leaves array indices out of those paths;
/// * `FILE: MESSAGE` when there is no span and no key path, or the error
///   concerns the whole document.
///
/// MESSAGE is the error's message on one line, followed by
/// ` (did you mean `X`?)` for an unknown field or variant that is close to a
/// valid one.
pub fn describe_toml_error(file: &str, text: &str, error: &toml::de::Error) -> String {
    let explained = explain(text, error);
    let mut out = file.to_owned();
    if let Some((line, column)) = explained.position {
        out.push_str(&format!(":{line}:{column}"));
    }
    if let Some(path) = &explained.path {
        out.push_str(&format!(": {path}"));
    }
    out.push_str(&format!(": {}", explained.message));
    out
}

/// A toml error taken apart: where it is, which key it concerns, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    /// 1-based line and column in the document, when the error points into it.
    pub position: Option<(usize, usize)>,
    /// Dotted key path (with array indices when the error has a span).
    pub path: Option<String>,
    /// The message on one line, with a suggestion for a misspelt key or variant.
    pub message: String,
}

/// Takes a toml deserialization (or syntax) error of the document `text` apart; see
/// [`describe_toml_error`] for the cases.
pub fn explain(text: &str, error: &toml::de::Error) -> Explained {
    let mut message = one_line(error.message());
    let unknown = parse_unknown(&message);
    if let Some((name, expected)) = &unknown {
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        if let Some(suggestion) = closest(name, &expected) {
            message.push_str(" (did you mean `");
            message.push_str(suggestion);
            message.push_str("`?)");
        }
    }

    let is_field = message.contains("unknown field `");
    let unknown_field = unknown.as_ref().filter(|_| is_field).map(|(name, _)| name);
    let with_unknown = |path: String| match unknown_field {
        Some(name) if path != *name && !path.ends_with(&format!(".{name}")) => {
            format!("{path}.{name}")
        }
        _ => path,
    };

    if message == "duplicate key"
        && let Some(key) = error.span().and_then(|span| key_at(text, span.start))
    {
        message = format!("duplicate key `{key}`: it is already set above");
    }

    let Some(span) = error.span() else {
        // Without a span toml still records the table keys leading to the
        // error; an unknown field with no recorded keys is at the top level.
        let path = match spanless_keys(error) {
            Some(keys) => Some(with_unknown(keys)),
            None => unknown_field.cloned(),
        };
        return Explained {
            position: None,
            path,
            message,
        };
    };
    let parsed = DeTable::parse(text).is_ok();
    if parsed && span.is_empty() && span.start == 0 {
        // toml gives the document root the empty span `0..0`; errors about the
        // document as a whole (e.g. a missing top-level field) land here.
        return Explained {
            position: None,
            path: None,
            message,
        };
    }
    let path = if parsed {
        key_path_at(text, span.clone()).map(with_unknown)
    } else {
        None
    };
    Explained {
        position: Some(line_col(text, span.start)),
        path,
        message,
    }
}

/// The bare or quoted key starting at `offset` (for "duplicate key" errors).
fn key_at(text: &str, offset: usize) -> Option<String> {
    let rest = text.get(offset..)?;
    let rest = rest.trim_start_matches(['[', ' ', '\t']);
    let key: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"'))
        .collect();
    let key = key.trim_matches('"').to_owned();
    (!key.is_empty()).then_some(key)
}

/// Staff traits, which a user may write under `policy` by mistake, and policy levers, the
/// reverse.
const STAFF_KEYS: [&str; 9] = [
    "helpfulness",
    "empathy",
    "politeness",
    "responsiveness",
    "rudeness",
    "indifference",
    "initial_morale",
    "spread",
    "capacity",
];
const POLICY_KEYS: [&str; 11] = [
    "incentive",
    "feedback_solicitation",
    "act_on_feedback",
    "recognition",
    "surprise_delight",
    "service_recovery",
    "complaint_outlets",
    "tech_reliability",
    "training",
    "defensiveness",
    "staffing",
];

/// Rewrites one diagnostic line for people rather than for Rust: type names become words
/// ("a whole number", "a number"), numbers of more than 20 digits are shown in scientific
/// notation, and common structural mistakes get a hint (`[firms.policy]` without `[[firms]]`,
/// a staff trait under `policy` and the reverse).
pub fn plain(line: &str) -> String {
    let mut out = line.to_owned();
    for (rust, words) in [
        ("expected u32", "expected a whole number (0 to 4294967295)"),
        ("expected u64", "expected a whole number (0 or more)"),
        ("expected i64", "expected a whole number"),
        ("expected usize", "expected a whole number (0 or more)"),
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
        (" as i128", ""),
        ("floating point `", "number `"),
        ("integer `", "whole number `"),
    ] {
        out = out.replace(rust, words);
    }
    out = shorten_numbers(&out);
    for (table, hint) in [
        (
            "firms",
            "firms are written `[[firms]]` (one table per firm), then `[firms.policy]`, `[firms.staff]`, `[firms.costs]` under it",
        ),
        (
            "events",
            "events are written `[[events]]` (one table per event)",
        ),
        (
            "experiment.factors",
            "factors are written `[[experiment.factors]]`",
        ),
        (
            "experiment.variants",
            "variants are written `[[experiment.variants]]`",
        ),
    ] {
        if out.contains(&format!(" {table}: invalid type: map, expected a sequence")) {
            out.push_str(&format!("; {hint}"));
        }
    }
    for (keys, wrong, right) in [
        (&STAFF_KEYS[..], ".policy.", "staff"),
        (&POLICY_KEYS[..], ".staff.", "policy"),
    ] {
        if let Some(key) = keys
            .iter()
            .find(|k| out.contains(&format!("{wrong}{k}: unknown field `{k}`")))
        {
            out.push_str(&format!(
                "; `{key}` belongs in `[firms.{right}]`, not `[firms.{}]`",
                wrong.trim_matches('.')
            ));
        }
    }
    out
}

/// Writes digit runs longer than 20 digits (such as 1e308 printed in full) in scientific
/// notation.
fn shorten_numbers(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            let mut end = j;
            if end + 1 < bytes.len() && bytes[end] == b'.' && bytes[end + 1].is_ascii_digit() {
                end += 1;
                while end < bytes.len() && bytes[end].is_ascii_digit() {
                    end += 1;
                }
            }
            if j - i > 20
                && let Ok(value) = text[i..end].parse::<f64>()
            {
                out.push_str(&format!("{value:e}"));
                i = end;
                continue;
            }
            out.push_str(&text[i..end]);
            i = end;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// The key path toml records on errors that have no span.
///
/// Errors from deserializing an in-memory [`toml::Table`] (for instance after
/// `--set` overrides were applied) carry no span, but toml keeps the table
/// keys leading to the failure and prints them on a final "in `a.b`" line of
/// its `Display` output; that line is the only public way to read them. toml
/// records table keys only, so array indices are missing from such paths.
fn spanless_keys(error: &toml::de::Error) -> Option<String> {
    let rendered = error.to_string();
    let last = rendered.lines().next_back()?;
    let keys = last.strip_prefix("in `")?.strip_suffix('`')?;
    (!keys.is_empty()).then(|| keys.to_owned())
}

/// Depth-first search for the smallest span containing `target`.
struct Innermost {
    target: Range<usize>,
    /// Segments of the path currently being visited.
    path: Vec<String>,
    /// (span length, depth, path) of the best match so far.
    best: Option<(usize, usize, String)>,
}

impl Innermost {
    fn table(&mut self, table: &DeTable<'_>) {
        for (key, value) in table {
            self.path.push(key.get_ref().to_string());
            self.consider(&key.span());
            self.value(value);
            self.path.pop();
        }
    }

    fn value(&mut self, value: &Spanned<DeValue<'_>>) {
        self.consider(&value.span());
        match value.get_ref() {
            DeValue::Table(table) => self.table(table),
            DeValue::Array(array) => {
                for (index, element) in array.iter().enumerate() {
                    self.path.push(index.to_string());
                    self.value(element);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }

    /// Records the current path if `span` contains the target and is tighter
    /// (or as tight but deeper) than the best match so far.
    fn consider(&mut self, span: &Range<usize>) {
        let contains = span.start <= self.target.start && self.target.end <= span.end;
        if !contains {
            return;
        }
        let len = span.end - span.start;
        let depth = self.path.len();
        let better = match &self.best {
            None => true,
            Some((best_len, best_depth, _)) => {
                len < *best_len || (len == *best_len && depth > *best_depth)
            }
        };
        if better {
            self.best = Some((len, depth, self.path.join(".")));
        }
    }
}

/// The spans of the values at successive prefixes of `segments`, stopping at
/// the first segment that does not exist. Numeric segments index arrays;
/// on tables every segment is an ordinary key.
fn resolve(root: &DeTable<'_>, segments: &[&str]) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let Some((first, rest)) = segments.split_first() else {
        return spans;
    };
    let Some(mut current) = lookup_key(root, first) else {
        return spans;
    };
    spans.push(current.span());
    for segment in rest {
        let next = match current.get_ref() {
            DeValue::Table(table) => lookup_key(table, segment),
            DeValue::Array(array) => parse_index(segment).and_then(|index| array.get(index)),
            _ => None,
        };
        let Some(next) = next else {
            break;
        };
        spans.push(next.span());
        current = next;
    }
    spans
}

fn lookup_key<'t, 'i>(table: &'t DeTable<'i>, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
    table
        .iter()
        .find(|(candidate, _)| candidate.get_ref().as_ref() == key)
        .map(|(_, value)| value)
}

/// An array index: ASCII digits only (`usize::from_str` would also take `+1`).
fn parse_index(segment: &str) -> Option<usize> {
    if segment.is_empty() || !segment.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    segment.parse().ok()
}

/// Every `quoted` name in `text`, in order.
fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// Joins the trimmed, non-empty lines of `message` with "; ".
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Edit distance (insertions, deletions, substitutions) between two words.
fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod plain_tests {
    use super::*;

    #[test]
    fn messages_use_words_short_numbers_and_hints() {
        let big = format!("got 1{}.0, expected u32", "0".repeat(308));
        assert_eq!(
            plain(&big),
            "got 1e308, expected a whole number (0 to 4294967295)"
        );
        assert_eq!(plain("x: expected f64"), "x: expected a number");
        assert!(
            plain("f.toml:2:2: firms: invalid type: map, expected a sequence")
                .contains("[[firms]]")
        );
        assert!(
            plain("f.toml:4:1: firms.0.policy.rudeness: unknown field `rudeness`, expected one of")
                .contains("belongs in `[firms.staff]`")
        );
        assert_eq!(
            plain("seed 12345678901234567890"),
            "seed 12345678901234567890"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    #[allow(dead_code)]
    struct Scenario {
        name: String,
        ticks: u32,
        seed: u64,
        population: Population,
        customers: Customers,
        firms: Vec<Firm>,
        network: Network,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    #[allow(dead_code)]
    struct Population {
        capacity: u32,
        initial: u32,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    #[allow(dead_code)]
    struct Customers {
        vindictiveness: Distribution,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    #[allow(dead_code)]
    struct Distribution {
        mean: f64,
        spread: f64,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    #[allow(dead_code)]
    struct Firm {
        name: String,
        policy: Policy,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    #[allow(dead_code)]
    struct Policy {
        incentive: f64,
        service_recovery: f64,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    #[allow(dead_code)]
    struct Network {
        kind: NetworkKind,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[allow(dead_code)]
    enum NetworkKind {
        #[default]
        ScaleFree,
        SmallWorld,
    }

    /// Deserializes `text`, expecting failure, and returns the rendered
    /// diagnostic together with the raw error.
    fn diagnose(text: &str) -> (String, toml::de::Error) {
        let error = toml::from_str::<Scenario>(text).expect_err("document should be rejected");
        (describe_toml_error("scenario.toml", text, &error), error)
    }

    fn spanned_text(text: &str, error: &toml::de::Error) -> String {
        let span = error.span().expect("error should have a span");
        text[span].to_owned()
    }

    const TWO_FIRMS: &str = "\
name = \"two firms\"

[[firms]]
name = \"a\"

[firms.policy]
incentive = 0.1

[[firms]]
name = \"b\"

[firms.policy]
incentve = 0.2
";

    #[test]
    fn line_col_counts_lines_and_characters() {
        let text = "ab\ncü d\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 2), (1, 3));
        assert_eq!(line_col(text, 3), (2, 1));
        // `ü` is two bytes but one column.
        assert_eq!(line_col(text, 6), (2, 3));
        assert_eq!(line_col(text, 7), (2, 4));
        assert_eq!(line_col(text, text.len()), (3, 1));
    }

    #[test]
    fn line_col_tolerates_out_of_range_and_mid_character_offsets() {
        let text = "aü";
        assert_eq!(line_col(text, 2), (1, 2)); // inside `ü`
        assert_eq!(line_col(text, 100), (1, 3));
        assert_eq!(line_col("", 5), (1, 1));
    }

    #[test]
    fn unknown_key_in_table_spans_the_key() {
        let text = "ticks = 3\n[population]\ncapcity = 3\n";
        let (rendered, error) = diagnose(text);
        assert_eq!(spanned_text(text, &error), "capcity");
        assert_eq!(
            rendered,
            "scenario.toml:3:1: population.capcity: unknown field `capcity`, \
             expected `capacity` or `initial` (did you mean `capacity`?)"
        );
    }

    #[test]
    fn unknown_key_in_second_array_of_tables_policy() {
        let (rendered, error) = diagnose(TWO_FIRMS);
        assert_eq!(spanned_text(TWO_FIRMS, &error), "incentve");
        assert_eq!(
            rendered,
            "scenario.toml:13:1: firms.1.policy.incentve: unknown field `incentve`, \
             expected `incentive` or `service_recovery` (did you mean `incentive`?)"
        );
    }

    #[test]
    fn unknown_key_in_inline_table() {
        let text = "[customers]\nvindictiveness = { mean = 0.5, sprad = 0.1 }\n";
        let (rendered, error) = diagnose(text);
        assert_eq!(spanned_text(text, &error), "sprad");
        assert_eq!(
            rendered,
            "scenario.toml:2:32: customers.vindictiveness.sprad: unknown field `sprad`, \
             expected `mean` or `spread` (did you mean `spread`?)"
        );
    }

    #[test]
    fn unknown_top_level_key_lists_one_of() {
        let text = "name = \"x\"\ntiks = 3\n";
        let (rendered, _) = diagnose(text);
        assert_eq!(
            rendered,
            "scenario.toml:2:1: tiks: unknown field `tiks`, expected one of `name`, `ticks`, \
             `seed`, `population`, `customers`, `firms`, `network` (did you mean `ticks`?)"
        );
    }

    #[test]
    fn unknown_key_without_close_match_has_no_suggestion() {
        let text = "[population]\nzzzzzz = 1\n";
        let (rendered, _) = diagnose(text);
        assert_eq!(
            rendered,
            "scenario.toml:2:1: population.zzzzzz: unknown field `zzzzzz`, \
             expected `capacity` or `initial`"
        );
    }

    #[test]
    fn unknown_dotted_key() {
        let text = "population.capasity = 3\n";
        let (rendered, _) = diagnose(text);
        assert_eq!(
            rendered,
            "scenario.toml:1:12: population.capasity: unknown field `capasity`, \
             expected `capacity` or `initial` (did you mean `capacity`?)"
        );
    }

    #[test]
    fn wrong_type_spans_the_value() {
        let text = "name = \"ü\"\nticks = \"ten\"\n";
        let (rendered, error) = diagnose(text);
        assert_eq!(spanned_text(text, &error), "\"ten\"");
        assert_eq!(
            rendered,
            "scenario.toml:2:9: ticks: invalid type: string \"ten\", expected u32"
        );
    }

    #[test]
    fn invalid_value_in_array_of_inline_tables() {
        let text = "firms = [{ name = \"a\" }, { name = 3 }]\n";
        let (rendered, _) = diagnose(text);
        assert_eq!(
            rendered,
            "scenario.toml:1:35: firms.1.name: invalid type: integer `3`, expected a string"
        );
    }

    #[test]
    fn unknown_variant_gets_suggestion() {
        let text = "[network]\nkind = \"scale_fre\"\n";
        let (rendered, error) = diagnose(text);
        assert_eq!(spanned_text(text, &error), "\"scale_fre\"");
        assert_eq!(
            rendered,
            "scenario.toml:2:8: network.kind: unknown variant `scale_fre`, \
             expected `scale_free` or `small_world` (did you mean `scale_free`?)"
        );
    }

    #[test]
    fn table_where_array_expected_points_at_header() {
        let text = "ticks = 1\n[firms]\nname = \"x\"\n";
        let (rendered, error) = diagnose(text);
        assert_eq!(spanned_text(text, &error), "[firms]");
        assert_eq!(
            rendered,
            "scenario.toml:2:1: firms: invalid type: map, expected a sequence"
        );
    }

    #[test]
    fn syntax_error_has_position_but_no_path() {
        let text = "name = \"x\"\nticks = = 3\n";
        let (rendered, _) = diagnose(text);
        assert_eq!(rendered, "scenario.toml:2:9: extra `=`, expected nothing");
    }

    #[test]
    fn whole_document_error_has_no_position() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Required {
            ticks: u32,
        }
        let text = "";
        let error = toml::from_str::<Required>(text).expect_err("missing field");
        assert_eq!(
            describe_toml_error("s.toml", text, &error),
            "s.toml: missing field `ticks`"
        );
    }

    #[test]
    fn error_without_span_renders_file_and_message() {
        let error = <toml::de::Error as serde::de::Error>::custom("first line\n  second line\n");
        assert_eq!(
            describe_toml_error("s.toml", "", &error),
            "s.toml: first line; second line"
        );
    }

    #[test]
    fn spanless_error_from_table_uses_recorded_keys() {
        let table: toml::Table = TWO_FIRMS.parse().expect("valid TOML");
        let error = table.try_into::<Scenario>().expect_err("unknown field");
        assert_eq!(error.span(), None);
        assert_eq!(
            describe_toml_error("s.toml", TWO_FIRMS, &error),
            "s.toml: firms.policy.incentve: unknown field `incentve`, \
             expected `incentive` or `service_recovery` (did you mean `incentive`?)"
        );

        let table: toml::Table = "tiks = 1".parse().expect("valid TOML");
        let error = table.try_into::<Scenario>().expect_err("unknown field");
        assert!(
            describe_toml_error("s.toml", "", &error)
                .starts_with("s.toml: tiks: unknown field `tiks`, expected one of")
        );

        let table: toml::Table = "ticks = \"ten\"".parse().expect("valid TOML");
        let error = table.try_into::<Scenario>().expect_err("wrong type");
        assert_eq!(
            describe_toml_error("s.toml", "", &error),
            "s.toml: ticks: invalid type: string \"ten\", expected u32"
        );
    }

    #[test]
    fn key_path_at_handles_every_kind_of_key() {
        let text = "\
seed = 1
values = [10, 20, 30]
a.b.c = 2
inline = { x = { y = 1 } }

[[firms]]
name = \"a\"

[firms.policy]
incentive = 0.1

[[firms]]
name = \"b\"
";
        let at = |needle: &str| {
            let start = text.find(needle).expect("needle in text");
            key_path_at(text, start..start + needle.len())
        };
        assert_eq!(at("seed"), Some("seed".to_owned()));
        assert_eq!(at("20"), Some("values.1".to_owned()));
        assert_eq!(at("[10, 20, 30]"), Some("values".to_owned()));
        assert_eq!(at("c"), Some("a.b.c".to_owned()));
        assert_eq!(at("a.b"), None); // spans two keys; nothing contains it
        assert_eq!(at("y = 1"), Some("inline.x".to_owned()));
        assert_eq!(at("y"), Some("inline.x.y".to_owned()));
        assert_eq!(at("0.1"), Some("firms.0.policy.incentive".to_owned()));
        assert_eq!(at("[firms.policy]"), Some("firms.0.policy".to_owned()));
        assert_eq!(at("[[firms]]"), Some("firms.0".to_owned()));
        assert_eq!(at("\"b\""), Some("firms.1.name".to_owned()));
        assert_eq!(key_path_at("x = = 1", 4..5), None);
        assert_eq!(key_path_at("x = 1", 100..101), None);
    }

    #[test]
    fn spans_of_paths() {
        let text = TWO_FIRMS.replace("incentve", "incentive");
        let slice = |span: Option<Range<usize>>| span.map(|span| text[span].to_owned());
        assert_eq!(
            slice(span_of_path(&text, "name")),
            Some("\"two firms\"".to_owned())
        );
        assert_eq!(
            slice(span_of_path(&text, "firms.1.policy.incentive")),
            Some("0.2".to_owned())
        );
        assert_eq!(
            slice(span_of_path(&text, "firms.1.policy")),
            Some("[firms.policy]".to_owned())
        );
        assert_eq!(
            slice(span_of_path(&text, "firms.1")),
            Some("[[firms]]".to_owned())
        );
        assert_eq!(span_of_path(&text, "firms.2"), None);
        assert_eq!(span_of_path(&text, "firms.x"), None);
        assert_eq!(span_of_path(&text, "firms.1.policy.service_recovery"), None);
        assert_eq!(span_of_path(&text, "name.x"), None);
        assert_eq!(span_of_path(&text, ""), None);
        assert_eq!(span_of_path("x = = 1", "x"), None);

        let implicit = "[customers.vindictiveness]\nmean = 0.5\n";
        let span = span_of_path(implicit, "customers").expect("implicit table");
        assert_eq!(&implicit[span], "customers");
    }

    #[test]
    fn span_of_nearest_falls_back_to_existing_ancestor() {
        let text = TWO_FIRMS;
        let (prefix, span) =
            span_of_nearest(text, "firms.0.policy.service_recovery").expect("ancestor");
        assert_eq!(prefix, "firms.0.policy");
        assert_eq!(&text[span.clone()], "[firms.policy]");
        assert_eq!(line_col(text, span.start), (6, 1));

        let (prefix, span) = span_of_nearest(text, "name").expect("exists");
        assert_eq!((prefix.as_str(), &text[span]), ("name", "\"two firms\""));

        let (prefix, _) = span_of_nearest(text, "firms.7.name").expect("firms exists");
        assert_eq!(prefix, "firms");
        assert_eq!(span_of_nearest(text, "population.capacity"), None);
        assert_eq!(span_of_nearest("x = = 1", "x"), None);
    }

    #[test]
    fn closest_picks_smallest_distance_within_limit() {
        let fields = ["capacity", "initial"];
        assert_eq!(closest("capcity", &fields), Some("capacity"));
        assert_eq!(closest("CAPACITY", &fields), Some("capacity"));
        assert_eq!(closest("inital", &fields), Some("initial"));
        assert_eq!(closest("zzzzzz", &fields), None);
        assert_eq!(closest("x", &[]), None);
        // Limit is max(2, len / 3): two edits allowed for short words...
        assert_eq!(closest("ab", &["abcd"]), Some("abcd"));
        assert_eq!(closest("ab", &["abcde"]), None);
        // ...and len / 3 for long ones (12 characters: up to 4 edits).
        assert_eq!(
            closest("servicerecov", &["service_recovery"]),
            Some("service_recovery")
        );
        // Ties go to the first candidate.
        assert_eq!(closest("bat", &["cat", "hat"]), Some("cat"));
        assert_eq!(closest("cat", &["bat", "cat"]), Some("cat"));
    }

    #[test]
    fn parse_unknown_understands_all_serde_forms() {
        let parse = |message: &str| parse_unknown(message);
        assert_eq!(
            parse("unknown field `incentve`, expected one of `a`, `b`, `c`"),
            Some((
                "incentve".to_owned(),
                vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]
            ))
        );
        assert_eq!(
            parse("unknown field `x`, expected `a` or `b`"),
            Some(("x".to_owned(), vec!["a".to_owned(), "b".to_owned()]))
        );
        assert_eq!(
            parse("unknown field `x`, expected `a`"),
            Some(("x".to_owned(), vec!["a".to_owned()]))
        );
        assert_eq!(
            parse("unknown field `x`, there are no fields"),
            Some(("x".to_owned(), vec![]))
        );
        assert_eq!(
            parse("unknown variant `scale_fre`, expected `scale_free` or `small_world`"),
            Some((
                "scale_fre".to_owned(),
                vec!["scale_free".to_owned(), "small_world".to_owned()]
            ))
        );
        assert_eq!(
            parse("unknown variant `x`, there are no variants"),
            Some(("x".to_owned(), vec![]))
        );
        assert_eq!(parse("invalid type: string \"ten\", expected u32"), None);
        assert_eq!(parse("unknown field `unterminated"), None);
    }
}
