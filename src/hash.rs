//! A stable content hash, a leaf module so that both rendering (cache-busting asset names) and
//! translation freshness (passage hashes) can use it without importing each other.

/// 64-bit FNV-1a: stable across runs, platforms and versions.
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}
