//! The bottom layer: low-level file helpers every layer above may use, and which use nothing
//! of the crate themselves.
//!
//! - [`atomic`]: temp file + rename, so a killed run never leaves a truncated file.
//! - [`digest`]: the SHA-256 hex digest used by manifests and sweep identities.

pub mod atomic;
pub mod digest;
