//! Placeholder: being written by a helper (trajectory charts, PNG + SVG).
