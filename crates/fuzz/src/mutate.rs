//! Seeded byte mutations (the stable-toolchain stand-in for libFuzzer's): bit flips, random
//! and "interesting" bytes and integers (0, −1, 2³¹, 2⁶³ …, the values that break length
//! fields), insertions, deletions, repeats, truncation and splices with another input.

/// SplitMix64: small, seeded, the same on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

/// Integers that break length and offset fields, as little-endian 8-byte values.
const INTERESTING: [u64; 12] = [
    0,
    1,
    0x7f,
    0xff,
    0x7fff,
    0xffff,
    0x7fff_ffff,
    0xffff_ffff,
    0x8000_0000,
    1 << 40,
    0x7fff_ffff_ffff_ffff,
    u64::MAX,
];

/// One to four mutations of `input`; `other` is spliced in sometimes.
pub fn mutate(input: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        one(&mut out, other, rng);
    }
    out
}

fn one(out: &mut Vec<u8>, other: &[u8], rng: &mut Rng) {
    let len = out.len();
    let at = rng.below(len.max(1));
    match rng.below(9) {
        0 if len > 0 => out[at] ^= 1 << rng.below(8),
        1 if len > 0 => out[at] = rng.next_u64() as u8,
        2 if len > 0 => out[at] = [0u8, 0x7f, 0x80, 0xff, b'"', b',', b'\n', b'.'][rng.below(8)],
        3 => {
            let value = INTERESTING[rng.below(INTERESTING.len())];
            let width = [1usize, 2, 4, 8][rng.below(4)];
            let bytes = value.to_le_bytes();
            for (k, b) in bytes[..width].iter().enumerate() {
                if let Some(slot) = out.get_mut(at + k) {
                    *slot = *b;
                }
            }
        }
        4 => {
            let n = 1 + rng.below(16);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            out.splice(at.min(len)..at.min(len), bytes);
        }
        5 if len > 0 => {
            let end = (at + 1 + rng.below(64)).min(len);
            out.drain(at..end);
        }
        6 if len > 0 => {
            let end = (at + 1 + rng.below(64)).min(len);
            let chunk = out[at..end].to_vec();
            out.splice(at..at, chunk);
        }
        7 => out.truncate(rng.below(len + 1)),
        _ if !other.is_empty() => {
            let from = rng.below(other.len());
            let end = (from + 1 + rng.below(256)).min(other.len());
            let keep = at.min(len);
            out.truncate(keep);
            out.extend_from_slice(&other[from..end]);
        }
        _ => out.push(rng.next_u64() as u8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_seeded_and_change_the_input() {
        let input = b"sentence_id,sentence\n0,hello\n".to_vec();
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let (x, y) = (mutate(&input, b"x", &mut a), mutate(&input, b"x", &mut b));
        assert_eq!(x, y);
        let changed = (0..100)
            .filter(|_| mutate(&input, b"", &mut a) != input)
            .count();
        assert!(changed > 80, "{changed}");
        assert!((0..1000).all(|_| mutate(&[], &[], &mut a).len() < 64));
    }
}
