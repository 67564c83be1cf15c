//! Content digests: the SHA-256 that identifies a resolved scenario, a sweep and every file a
//! manifest lists. Kept at the bottom so the experiment and output layers can share it.

use sha2::{Digest, Sha256};

/// Lowercase hexadecimal SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
