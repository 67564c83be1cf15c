//! Output writers, one module per format. Every file is written atomically (see [`atomic`]).

pub mod atomic;
pub mod charts;
