//! The layering of `docs/ARCHITECTURE.md` as a tested invariant: every `crate::` path in a
//! layer's source names only the layers that layer may use, and the model core does no I/O.
//! An upward import (say `experiment` reaching into `output`) fails here with its file and line.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Each layer (a top-level module of `src/`) and the layers it may import, bottom first. Keep
/// in step with the "Architecture invariant" lines of `docs/ARCHITECTURE.md`.
const LAYERS: &[(&str, &[&str])] = &[
    ("io", &[]),
    ("model", &[]),
    ("survey", &["model"]),
    ("scenario", &["io", "model", "survey"]),
    ("experiment", &["io", "model", "survey", "scenario"]),
    (
        "validation",
        &["io", "model", "survey", "scenario", "experiment"],
    ),
    (
        "output",
        &[
            "io",
            "model",
            "survey",
            "scenario",
            "experiment",
            "validation",
        ],
    ),
    ("cli", &["io", "model", "survey", "scenario", "experiment"]),
    ("fuzz", &["io", "model", "survey", "scenario", "experiment"]),
    (
        "app",
        &[
            "io",
            "model",
            "survey",
            "scenario",
            "experiment",
            "validation",
            "output",
            "cli",
        ],
    ),
];

/// What the model core may not mention: files, terminals, TOML, JSON or charts.
const MODEL_IO: &[&str] = &[
    "std::fs",
    "std::io",
    "std::env",
    "std::process",
    "print!",
    "println!",
    "eprint!",
    "eprintln!",
    "toml::",
    "serde_json",
    "plotters",
];

/// The `.rs` files of a layer: `src/NAME.rs` and everything under `src/NAME/`.
fn layer_files(src: &Path, layer: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let single = src.join(format!("{layer}.rs"));
    if single.is_file() {
        files.push(single);
    }
    let mut stack = vec![src.join(layer)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The code of a line, without its `//` comment (doc links to other layers are not imports).
fn code_of(line: &str) -> &str {
    line.split("//").next().unwrap_or("")
}

/// Reads an identifier at the start of `text`.
fn identifier(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The top-level module named by each `crate::` path in `code` (`crate::a::b` gives `a`;
/// `crate::{a::b, c}` gives `a` and `c`), with the 1-based line it starts on.
fn crate_paths(code: &str) -> Vec<(usize, String)> {
    let text: String = code
        .lines()
        .map(|line| format!("{}\n", code_of(line)))
        .collect();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("crate::") {
        let start = from + at;
        from = start + "crate::".len();
        let before = text[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let line = text[..start].matches('\n').count() + 1;
        let rest = &text[from..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => item_start = true,
                    c if c.is_whitespace() => {}
                    _ if item_start && depth == 1 => {
                        item_start = false;
                        found.push((line, identifier(&group[i..]).to_owned()));
                    }
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
            }
        } else {
            found.push((line, identifier(rest).to_owned()));
        }
    }
    found
}

/// Every import in `files` of a layer that `layer` may not use, as `file:line: crate::name`.
fn violations(layer: &str, allowed: &[&str], sources: &[(String, String)]) -> Vec<String> {
    let layers: BTreeSet<&str> = LAYERS.iter().map(|(name, _)| *name).collect();
    let mut bad = Vec::new();
    for (file, code) in sources {
        for (line, name) in crate_paths(code) {
            if name != layer && layers.contains(name.as_str()) && !allowed.contains(&&*name) {
                bad.push(format!(
                    "{file}:{line}: layer `{layer}` imports crate::{name} (it may use only {allowed:?})"
                ));
            }
        }
    }
    bad
}

fn sources_of(layer: &str) -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    layer_files(&src, layer)
        .into_iter()
        .map(|path| {
            let code = std::fs::read_to_string(&path).expect("a readable source file");
            (path.display().to_string(), code)
        })
        .collect()
}

#[test]
fn no_layer_imports_a_layer_above_it() {
    let mut bad = Vec::new();
    for (layer, allowed) in LAYERS {
        let sources = sources_of(layer);
        assert!(!sources.is_empty(), "layer `{layer}` has no source files");
        bad.extend(violations(layer, allowed, &sources));
    }
    assert!(bad.is_empty(), "upward imports:\n{}", bad.join("\n"));
}

#[test]
fn every_top_level_module_has_a_layer() {
    let layers: BTreeSet<&str> = LAYERS.iter().map(|(name, _)| *name).collect();
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("src/lib.rs");
    for line in lib.lines() {
        if let Some(name) = line.trim().strip_prefix("pub mod ") {
            let name = name.trim_end_matches(';');
            assert!(layers.contains(name), "module `{name}` has no layer here");
        }
    }
}

#[test]
fn the_model_does_no_io() {
    let mut bad = Vec::new();
    for (file, code) in sources_of("model") {
        for (number, line) in code.lines().enumerate() {
            for word in MODEL_IO {
                if code_of(line).contains(word) {
                    bad.push(format!("{file}:{}: {word}", number + 1));
                }
            }
        }
    }
    assert!(bad.is_empty(), "I/O in the model core:\n{}", bad.join("\n"));
}

#[test]
fn the_scanner_finds_upward_imports_in_every_form() {
    let code = "//! See [`crate::output`].\n\
                use crate::model::Config;\n\
                use crate::{\n    scenario::Scenario,\n    output::{csv, charts},\n};\n\
                fn f() { crate::app::run(); let _ = $crate::output::x; }\n";
    let sources = vec![("x.rs".to_owned(), code.to_owned())];
    let bad = violations("experiment", &["model", "scenario"], &sources);
    assert_eq!(
        bad,
        [
            "x.rs:3: layer `experiment` imports crate::output (it may use only [\"model\", \"scenario\"])",
            "x.rs:7: layer `experiment` imports crate::app (it may use only [\"model\", \"scenario\"])",
        ]
    );
}
