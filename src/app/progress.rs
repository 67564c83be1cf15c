//! Progress bars (indicatif) for long work: drawn on stderr only when it is a terminal and the
//! user did not ask for `--quiet`.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::experiment::Progress;

/// A progress bar over `total` units, or a hidden one.
pub fn bar(total: u64, unit: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let template = format!(
        "{{spinner}} [{{elapsed_precise}}] {{wide_bar}} {{pos}}/{{len}} {unit} ({{per_sec}}, eta {{eta}})"
    );
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}

/// Adapter from the experiment layer's progress reports to a bar.
pub struct Bar(pub ProgressBar);

impl Progress for Bar {
    fn advance(&self, ticks: u64) {
        self.0.inc(ticks);
    }
}
