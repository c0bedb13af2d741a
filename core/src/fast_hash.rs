//! A fast, non-cryptographic hasher for the decision path's maps. The standard SipHash-1-3 is
//! built to resist flooding by attacker-chosen keys; these maps' keys come from the plan, and a
//! request only looks them up, so the multiply-rotate hash (the one rustc uses, "Fx") is enough —
//! and in V8 it is several times cheaper per lookup, which a request pays about ten times.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// Fx: per word, `hash = (hash.rotl(5) ^ word) * SEED`.
#[derive(Clone, Copy, Debug, Default)]
pub struct FastHasher {
    hash: u64,
}

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            // The length keeps "a" and "a\0" apart.
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A plan's content hash, for logs and for telling plans apart: [`FastHasher`] over the bytes
/// (eight at a time) and their length, then MurmurHash3's 64-bit finalizer so every input bit
/// reaches every output bit. Byte-at-a-time hashes (FNV) cost a 100 000-intention plan ~26 ms per
/// load natively; this costs ~3.
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut h = FastHasher::default();
    h.write(bytes);
    h.write_usize(bytes.len());
    let mut x = h.finish();
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn hash<T: Hash + ?Sized>(t: &T) -> u64 {
        BuildHasherDefault::<FastHasher>::default().hash_one(t)
    }

    #[test]
    fn equal_keys_hash_equal_and_near_keys_apart() {
        assert_eq!(hash("web"), hash(&"web".to_string()));
        let names = ["", "a", "a\0", "b", "web", "web1", "src-00001", "src-00010", "src-00100"];
        let mut seen = std::collections::HashSet::new();
        for n in names {
            assert!(seen.insert(hash(n)), "{n:?} collides");
        }
        assert_ne!(hash(&(1u32, 2u32)), hash(&(2u32, 1u32)));
    }

    #[test]
    fn content_hashes_are_pinned_and_tell_near_inputs_apart() {
        const PINNED_A: u64 = 0x3de3_c5c9_e08e_f025;
        const PINNED_PLAN: u64 = 0xea30_4bd3_ece8_cd38;
        // Pinned: a plan's hash is shown by the playground and logged by the filter; both must
        // keep computing the same value.
        assert_eq!(content_hash(b""), 0);
        assert_eq!(content_hash(b"a"), PINNED_A);
        assert_eq!(content_hash(br#"{"version":2}"#), PINNED_PLAN);
        let inputs: [&[u8]; 6] = [b"a", b"a\0", b"b", b"ab", br#"{"version":2}"#, br#"{"version":3}"#];
        let mut seen = std::collections::HashSet::new();
        for i in inputs {
            assert!(seen.insert(content_hash(i)), "{i:?} collides");
        }
        // One flipped bit changes about half the output bits.
        let flipped = (content_hash(b"plan-0") ^ content_hash(b"plan-1")).count_ones();
        assert!((16..=48).contains(&flipped), "{flipped} bits differ");
    }

    #[test]
    fn a_map_of_many_keys_finds_each() {
        let mut m = FastMap::default();
        for i in 0..10_000u32 {
            m.insert(format!("src-{i}"), i);
        }
        assert!((0..10_000u32).all(|i| m.get(format!("src-{i}").as_str()) == Some(&i)));
        assert_eq!(m.get("src-10000"), None);
    }
}
