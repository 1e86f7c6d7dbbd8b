//! Hashing for our own maps and for recognising unchanged text. Keys come
//! from local deck files, so the maps do not need SipHash's protection
//! against crafted collisions; a multiply-rotate hash is several times faster.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FastHasher>>;

/// Eight bytes at a time: rotate, xor, multiply by an odd constant.
#[derive(Default, Clone, Copy)]
pub struct FastHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// FNV-1a, 64 bits, as stored in the review store to tell an edited text
/// from an unchanged one (its values must never change).
pub fn fnv1a(bytes: &[u8]) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(hash.to_ne_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_values_are_stable() {
        // Stored in the review store: these must never change.
        assert_eq!(
            fnv1a(b""),
            i64::from_ne_bytes(0xcbf2_9ce4_8422_2325u64.to_ne_bytes())
        );
        assert_eq!(
            fnv1a(b"a"),
            i64::from_ne_bytes(0xaf63_dc4c_8601_ec8cu64.to_ne_bytes())
        );
    }

    #[test]
    fn maps_work_with_the_fast_hasher() {
        let mut map: FastMap<String, usize> = FastMap::default();
        for i in 0..10_000 {
            map.insert(format!("question {i}"), i);
        }
        assert_eq!(map.get("question 4242"), Some(&4242));
        assert_eq!(map.len(), 10_000);
    }
}
