//! Command-line overrides of scenario settings (`--set KEY=VALUE`).
//!
//! Overrides let a run or a parameter sweep change a setting without editing
//! the scenario file. They are applied to the parsed TOML document *before*
//! it is deserialized, so an overridden value goes through exactly the same
//! type checks, defaults and validation as one written in the file, and a
//! misspelt override key is reported by the same unknown-field diagnostic.
//!
//! `KEY` is a dotted path in which numeric segments index arrays
//! (`firms.0.policy.incentive`); `VALUE` is a TOML value (`0.4`, `true`,
//! `"scale_free"`, `[1, 2]`, `{ mean = 0.5 }`). For convenience a bare word
//! such as `scale_free`, which is not valid TOML, is taken as a string. The
//! key ends at the first `=`, so a string value may itself contain `=`
//! (`name="a=b"`).

use std::str::FromStr;

use toml::{Table, Value};

/// Why an override could not be parsed or applied. Every message starts with
/// the offending `KEY=VALUE` argument.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OverrideError {
    /// The argument has no `=`.
    #[error("`{raw}`: expected KEY=VALUE, but there is no `=`")]
    MissingEquals {
        /// The argument as given.
        raw: String,
    },
    /// Nothing (or only whitespace) before the `=`.
    #[error("`{raw}`: the key before `=` is empty (expected KEY=VALUE)")]
    EmptyKey {
        /// The argument as given.
        raw: String,
    },
    /// The key has an empty segment, as in `a..b`, `.a` or `a.`.
    #[error("`{raw}`: key `{key}` has an empty segment (expected KEY=VALUE with KEY like `a.b.c`)")]
    EmptySegment {
        /// The argument as given.
        raw: String,
        /// The key part of the argument.
        key: String,
    },
    /// The key has more segments than any scenario key (a deep path would exhaust the stack).
    #[error(
        "`{}`: key `{first}.…` has {segments} segments, but scenario keys have at most \
         {MAX_KEY_SEGMENTS}",
        shorten(raw)
    )]
    TooDeep {
        /// The argument as given.
        raw: String,
        /// The first segment of the key.
        first: String,
        /// How many segments the key has.
        segments: usize,
    },
    /// Nothing after the `=`.
    #[error("`{raw}`: the value after `=` is empty (for an empty string write KEY=\"\")")]
    EmptyValue {
        /// The argument as given.
        raw: String,
    },
    /// The value is neither valid TOML nor a bare word.
    #[error("`{raw}`: cannot parse `{value}` as a TOML value: {reason}")]
    InvalidValue {
        /// The argument as given.
        raw: String,
        /// The value part of the argument.
        value: String,
        /// toml's explanation.
        reason: String,
    },
    /// A numeric segment indexes past the last element of an array.
    #[error("`{raw}`: index {index} is past the end of `{array}` ({len} {})", elements(*len))]
    IndexPastEnd {
        /// The argument as given.
        raw: String,
        /// Dotted path of the array.
        array: String,
        /// The requested index.
        index: usize,
        /// The array's length.
        len: usize,
    },
    /// A non-numeric segment follows an array.
    #[error("`{raw}`: `{array}` is an array, so `{segment}` must be an element index")]
    NotAnIndex {
        /// The argument as given.
        raw: String,
        /// Dotted path of the array.
        array: String,
        /// The offending segment.
        segment: String,
    },
    /// The key continues through a value that is not a table or array.
    #[error(
        "`{raw}`: cannot set a key inside `{path}`, which is {} {found}, not a table",
        article(found)
    )]
    NotATable {
        /// The argument as given.
        raw: String,
        /// Dotted path of the scalar value.
        path: String,
        /// TOML type of that value (`integer`, `string`, ...).
        found: &'static str,
    },
}

fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn elements(len: usize) -> &'static str {
    if len == 1 { "element" } else { "elements" }
}

/// Most segments a `--set` key may have (the deepest scenario key has about 6).
pub const MAX_KEY_SEGMENTS: usize = 32;

/// An argument cut to 80 characters for messages.
fn shorten(raw: &str) -> String {
    match raw.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &raw[..at]),
        None => raw.to_owned(),
    }
}

/// Refuses keys deeper than [`MAX_KEY_SEGMENTS`].
fn check_depth(raw: &str, segments: &[&str]) -> Result<(), OverrideError> {
    if segments.len() > MAX_KEY_SEGMENTS {
        return Err(OverrideError::TooDeep {
            raw: raw.to_owned(),
            first: shorten(segments[0]),
            segments: segments.len(),
        });
    }
    Ok(())
}

/// One parsed `--set KEY=VALUE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Dotted key path with surrounding whitespace removed from each segment.
    pub key: String,
    /// The parsed value.
    pub value: Value,
    /// The whole argument exactly as given (`KEY=VALUE`), for messages.
    pub raw: String,
}

impl FromStr for Override {
    type Err = OverrideError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let owned = || raw.to_owned();
        let Some((key, value)) = raw.split_once('=') else {
            return Err(OverrideError::MissingEquals { raw: owned() });
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(OverrideError::EmptyKey { raw: owned() });
        }
        let segments: Vec<&str> = key.split('.').map(str::trim).collect();
        check_depth(raw, &segments)?;
        if segments.iter().any(|segment| segment.is_empty()) {
            return Err(OverrideError::EmptySegment {
                raw: owned(),
                key: key.to_owned(),
            });
        }
        let text = value.trim();
        if text.is_empty() {
            return Err(OverrideError::EmptyValue { raw: owned() });
        }
        let value = match text.parse::<Value>() {
            Ok(value) => value,
            Err(_) if is_bare_word(text) => Value::String(text.to_owned()),
            Err(error) => {
                return Err(OverrideError::InvalidValue {
                    raw: owned(),
                    value: text.to_owned(),
                    reason: error.message().lines().collect::<Vec<_>>().join("; "),
                });
            }
        };
        Ok(Self {
            key: segments.join("."),
            value,
            raw: owned(),
        })
    }
}

/// A word that may stand for a string without quotes: a letter followed by
/// letters, digits, `_` or `-` (like `scale_free` or `small-world`). Anything
/// else that fails to parse is reported, so a malformed number or array is
/// not silently turned into a string.
fn is_bare_word(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(char::is_alphabetic)
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Applies `overrides` in order to a parsed document.
///
/// Tables missing along the key are created (so `firms.0.policy.incentive`
/// works even if `[firms.policy]` was not written), and the final key is
/// inserted or replaced. A numeric segment after an array selects an existing
/// element; an index past the last element is an error, as is a non-numeric
/// segment after an array or a key that continues through a scalar
/// (`ticks.x`). On tables every segment, numeric or not, is an ordinary key.
///
/// # Errors
///
/// The first override that cannot be applied, as an [`OverrideError`] naming
/// its `KEY=VALUE`. Overrides before it stay applied, so on error `doc` should
/// be discarded.
pub fn apply(doc: &mut Table, overrides: &[Override]) -> Result<(), OverrideError> {
    overrides.iter().try_for_each(|item| apply_one(doc, item))
}

/// Reads the value at dotted path `key` (numeric segments index arrays), or
/// `None` if it is absent. Used to check that a sweep factor names a value.
pub fn get<'a>(doc: &'a Table, key: &str) -> Option<&'a Value> {
    let mut segments = key.split('.').map(str::trim);
    let mut current = doc.get(segments.next()?)?;
    for segment in segments {
        current = match current {
            Value::Table(table) => table.get(segment)?,
            Value::Array(array) => array.get(parse_index(segment)?)?,
            _ => return None,
        };
    }
    Some(current)
}

fn apply_one(doc: &mut Table, item: &Override) -> Result<(), OverrideError> {
    // `Override`'s fields are public, so re-check what `from_str` guarantees.
    let segments: Vec<&str> = item.key.split('.').map(str::trim).collect();
    check_depth(&item.raw, &segments)?;
    if item.key.trim().is_empty() {
        return Err(OverrideError::EmptyKey {
            raw: item.raw.clone(),
        });
    }
    if segments.iter().any(|segment| segment.is_empty()) {
        return Err(OverrideError::EmptySegment {
            raw: item.raw.clone(),
            key: item.key.clone(),
        });
    }
    let setter = Setter {
        item,
        segments: &segments,
    };
    setter.in_table(doc, 0)
}

/// The state of one override being applied: walks the document one segment at
/// a time, `depth` being the index of the segment to resolve next.
struct Setter<'a> {
    item: &'a Override,
    segments: &'a [&'a str],
}

impl Setter<'_> {
    fn in_table(&self, table: &mut Table, depth: usize) -> Result<(), OverrideError> {
        let Some(&segment) = self.segments.get(depth) else {
            return Ok(());
        };
        if depth + 1 == self.segments.len() {
            table.insert(segment.to_owned(), self.item.value.clone());
            return Ok(());
        }
        let child = table
            .entry(segment)
            .or_insert_with(|| Value::Table(Table::new()));
        self.in_value(child, depth + 1)
    }

    /// `value` is the one at `segments[..depth]`; resolves `segments[depth..]`
    /// inside it.
    fn in_value(&self, value: &mut Value, depth: usize) -> Result<(), OverrideError> {
        match value {
            Value::Table(table) => self.in_table(table, depth),
            Value::Array(array) => {
                let Some(&segment) = self.segments.get(depth) else {
                    return Ok(());
                };
                let Some(index) = parse_index(segment) else {
                    return Err(OverrideError::NotAnIndex {
                        raw: self.item.raw.clone(),
                        array: self.path(depth),
                        segment: segment.to_owned(),
                    });
                };
                let len = array.len();
                let Some(element) = array.get_mut(index) else {
                    return Err(OverrideError::IndexPastEnd {
                        raw: self.item.raw.clone(),
                        array: self.path(depth),
                        index,
                        len,
                    });
                };
                if depth + 1 == self.segments.len() {
                    *element = self.item.value.clone();
                    Ok(())
                } else {
                    self.in_value(element, depth + 1)
                }
            }
            other => Err(OverrideError::NotATable {
                raw: self.item.raw.clone(),
                path: self.path(depth),
                found: other.type_str(),
            }),
        }
    }

    /// The dotted path of the first `depth` segments.
    fn path(&self, depth: usize) -> String {
        self.segments
            .iter()
            .take(depth)
            .copied()
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// An array index: ASCII digits only (`usize::from_str` would also take `+1`).
fn parse_index(segment: &str) -> Option<usize> {
    if segment.is_empty() || !segment.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    segment.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Override {
        raw.parse()
            .unwrap_or_else(|error| panic!("`{raw}` should parse: {error}"))
    }

    fn parse_err(raw: &str) -> OverrideError {
        match raw.parse::<Override>() {
            Ok(parsed) => panic!("`{raw}` should fail, got {parsed:?}"),
            Err(error) => error,
        }
    }

    fn doc(text: &str) -> Table {
        text.parse().expect("test document is valid TOML")
    }

    fn set(text: &str, overrides: &[&str]) -> Result<Table, OverrideError> {
        let mut table = doc(text);
        let overrides: Vec<Override> = overrides.iter().map(|raw| parse(raw)).collect();
        apply(&mut table, &overrides)?;
        Ok(table)
    }

    const TWO_FIRMS: &str = "\
ticks = 10

[[firms]]
name = \"a\"

[[firms]]
name = \"b\"

[firms.policy]
incentive = 0.1
";

    #[test]
    fn parses_every_kind_of_value() {
        assert_eq!(parse("x=0.4").value, Value::Float(0.4));
        assert_eq!(parse("x=-3").value, Value::Integer(-3));
        assert_eq!(parse("x=true").value, Value::Boolean(true));
        assert_eq!(
            parse("x=\"scale_free\"").value,
            Value::String("scale_free".to_owned())
        );
        assert_eq!(parse("x='lit'").value, Value::String("lit".to_owned()));
        assert_eq!(
            parse("x=[1, 2]").value,
            Value::Array(vec![Value::Integer(1), Value::Integer(2)])
        );
        let table = parse("x={ mean = 0.5 }").value;
        assert_eq!(
            table.get("mean").and_then(Value::as_float),
            Some(0.5),
            "{table:?}"
        );
        assert!(matches!(parse("x=inf").value, Value::Float(f) if f.is_infinite()));
    }

    #[test]
    fn bare_words_are_strings() {
        assert_eq!(
            parse("network.kind=scale_free").value,
            Value::String("scale_free".to_owned())
        );
        assert_eq!(
            parse("k=small-world").value,
            Value::String("small-world".to_owned())
        );
        // TOML keywords keep their TOML meaning.
        assert_eq!(parse("k=false").value, Value::Boolean(false));
    }

    #[test]
    fn records_key_and_raw() {
        let parsed = parse(" firms.0.policy.incentive = 0.4 ");
        assert_eq!(parsed.key, "firms.0.policy.incentive");
        assert_eq!(parsed.raw, " firms.0.policy.incentive = 0.4 ");
        assert_eq!(parse("a . b=1").key, "a.b");
    }

    #[test]
    fn equals_sign_inside_string_value() {
        let parsed = parse("name=\"a=b\"");
        assert_eq!(parsed.key, "name");
        assert_eq!(parsed.value, Value::String("a=b".to_owned()));
    }

    #[test]
    fn missing_equals_mentions_key_value() {
        let error = parse_err("x");
        assert_eq!(
            error,
            OverrideError::MissingEquals {
                raw: "x".to_owned()
            }
        );
        let message = error.to_string();
        assert!(message.contains("KEY=VALUE"), "{message}");
        assert!(message.contains("`x`"), "{message}");
    }

    #[test]
    fn rejects_empty_key_and_segments() {
        assert!(matches!(parse_err("=1"), OverrideError::EmptyKey { .. }));
        assert!(matches!(parse_err("  =1"), OverrideError::EmptyKey { .. }));
        for raw in ["a..b=1", ".a=1", "a.=1", "a. .b=1"] {
            let error = parse_err(raw);
            assert!(
                matches!(error, OverrideError::EmptySegment { .. }),
                "{raw}: {error:?}"
            );
            assert!(error.to_string().starts_with(&format!("`{raw}`")));
        }
        assert_eq!(
            parse_err("a..b=1").to_string(),
            "`a..b=1`: key `a..b` has an empty segment (expected KEY=VALUE with KEY like `a.b.c`)"
        );
    }

    #[test]
    fn rejects_unparsable_values() {
        assert!(matches!(parse_err("x="), OverrideError::EmptyValue { .. }));
        for raw in ["x=[1, 2", "x=0.4.", "x=1 2", "x=\"open", "x=12abc", "x=a b"] {
            let error = parse_err(raw);
            assert!(
                matches!(error, OverrideError::InvalidValue { .. }),
                "{raw}: {error:?}"
            );
            let message = error.to_string();
            assert!(
                message.starts_with(&format!("`{raw}`: cannot parse")),
                "{message}"
            );
        }
    }

    #[test]
    fn sets_top_level_and_nested_values() {
        let table = set(
            TWO_FIRMS,
            &[
                "ticks=20",
                "firms.1.policy.incentive=0.4",
                "firms.0.name=\"z\"",
            ],
        )
        .expect("applies");
        assert_eq!(get(&table, "ticks"), Some(&Value::Integer(20)));
        assert_eq!(
            get(&table, "firms.1.policy.incentive"),
            Some(&Value::Float(0.4))
        );
        assert_eq!(
            get(&table, "firms.0.name"),
            Some(&Value::String("z".to_owned()))
        );
    }

    #[test]
    fn creates_missing_tables() {
        let table = set(
            TWO_FIRMS,
            &[
                "firms.0.policy.incentive=0.3",
                "customers.vindictiveness.mean=0.5",
            ],
        )
        .expect("applies");
        assert_eq!(
            get(&table, "firms.0.policy.incentive"),
            Some(&Value::Float(0.3))
        );
        assert_eq!(
            get(&table, "customers.vindictiveness.mean"),
            Some(&Value::Float(0.5))
        );
        // The other firm's existing policy is untouched.
        assert_eq!(
            get(&table, "firms.1.policy.incentive"),
            Some(&Value::Float(0.1))
        );
    }

    #[test]
    fn later_overrides_win() {
        let table = set("", &["seed=1", "seed=2"]).expect("applies");
        assert_eq!(get(&table, "seed"), Some(&Value::Integer(2)));
    }

    #[test]
    fn replaces_array_elements_and_whole_values() {
        let table = set(
            "values = [1, 2, 3]\n[population]\ncapacity = 5\n",
            &["values.2=30", "population={ initial = 4 }"],
        )
        .expect("applies");
        assert_eq!(get(&table, "values.2"), Some(&Value::Integer(30)));
        assert_eq!(get(&table, "population.capacity"), None);
        assert_eq!(get(&table, "population.initial"), Some(&Value::Integer(4)));
    }

    #[test]
    fn numeric_segments_on_tables_are_keys() {
        let table = set("", &["groups.0.size=3"]).expect("applies");
        let groups = get(&table, "groups").and_then(Value::as_table);
        assert!(groups.is_some_and(|groups| groups.contains_key("0")));
        assert_eq!(get(&table, "groups.0.size"), Some(&Value::Integer(3)));
    }

    #[test]
    fn index_past_end_names_array_and_length() {
        let error = set(TWO_FIRMS, &["firms.2.policy.incentive=0.4"]).expect_err("past end");
        assert_eq!(
            error.to_string(),
            "`firms.2.policy.incentive=0.4`: index 2 is past the end of `firms` (2 elements)"
        );
        let error = set("values = [1]", &["values.1=2"]).expect_err("past end");
        assert_eq!(
            error.to_string(),
            "`values.1=2`: index 1 is past the end of `values` (1 element)"
        );
    }

    #[test]
    fn non_numeric_segment_into_array_is_an_error() {
        let error = set(TWO_FIRMS, &["firms.first.name=x"]).expect_err("not an index");
        assert_eq!(
            error.to_string(),
            "`firms.first.name=x`: `firms` is an array, so `first` must be an element index"
        );
    }

    #[test]
    fn setting_through_a_scalar_is_an_error() {
        let error = set(TWO_FIRMS, &["ticks.x=1"]).expect_err("through scalar");
        assert_eq!(
            error.to_string(),
            "`ticks.x=1`: cannot set a key inside `ticks`, which is an integer, not a table"
        );
        let error = set(TWO_FIRMS, &["firms.0.name.first=1"]).expect_err("through scalar");
        assert!(matches!(
            error,
            OverrideError::NotATable { ref path, found: "string", .. } if path == "firms.0.name"
        ));
    }

    #[test]
    fn apply_rechecks_hand_built_overrides() {
        let mut table = doc("");
        let bad = Override {
            key: "a..b".to_owned(),
            value: Value::Integer(1),
            raw: "a..b=1".to_owned(),
        };
        assert!(matches!(
            apply(&mut table, &[bad]),
            Err(OverrideError::EmptySegment { .. })
        ));
        let empty = Override {
            key: String::new(),
            value: Value::Integer(1),
            raw: "=1".to_owned(),
        };
        assert!(matches!(
            apply(&mut table, &[empty]),
            Err(OverrideError::EmptyKey { .. })
        ));
    }

    #[test]
    fn get_reads_paths() {
        let table = doc(TWO_FIRMS);
        assert_eq!(get(&table, "ticks"), Some(&Value::Integer(10)));
        assert_eq!(
            get(&table, "firms.1.name"),
            Some(&Value::String("b".to_owned()))
        );
        assert!(get(&table, "firms.1.policy").is_some_and(Value::is_table));
        assert_eq!(get(&table, "firms.2"), None);
        assert_eq!(get(&table, "firms.x"), None);
        assert_eq!(get(&table, "firms.+1"), None);
        assert_eq!(get(&table, "ticks.x"), None);
        assert_eq!(get(&table, "missing"), None);
        assert_eq!(get(&table, ""), None);
        assert_eq!(get(&table, "firms..name"), None);
    }
}
