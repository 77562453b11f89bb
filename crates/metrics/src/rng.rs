//! numpy-compatible random numbers: MT19937 with `init_genrand` seeding and the legacy
//! `RandomState` derived operations (METRICS §0.4, Appendix A.1–A.3).

/// The Mersenne Twister MT19937, 32-bit output, seeded with the classic `init_genrand`.
#[derive(Clone)]
pub struct Mt19937 {
    state: [u32; 624],
    index: usize,
}

impl std::fmt::Debug for Mt19937 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mt19937")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl Mt19937 {
    /// Seeds the generator like `init_genrand(seed)` (numpy `RandomState(seed)`).
    pub fn new(seed: u32) -> Self {
        let mut state = [0u32; 624];
        state[0] = seed;
        for i in 1..624 {
            let prev = state[i - 1];
            state[i] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        Mt19937 { state, index: 624 }
    }

    fn twist(&mut self) {
        for i in 0..624 {
            let y = (self.state[i] & 0x8000_0000) | (self.state[(i + 1) % 624] & 0x7fff_ffff);
            let mut v = self.state[(i + 397) % 624] ^ (y >> 1);
            if y & 1 != 0 {
                v ^= 0x9908_b0df;
            }
            self.state[i] = v;
        }
        self.index = 0;
    }

    /// Returns the next tempered 32-bit word (`genrand_int32`).
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= 624 {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }
}

/// numpy legacy `RandomState` operations on top of [`Mt19937`] (bounded integers by masked
/// rejection, Fisher–Yates shuffle, permutation, choice).
#[derive(Clone, Debug)]
pub struct RandomState {
    mt: Mt19937,
}

impl RandomState {
    /// Equivalent of `numpy.random.RandomState(seed)`.
    pub fn new(seed: u32) -> Self {
        RandomState {
            mt: Mt19937::new(seed),
        }
    }

    /// The next raw 32-bit word of the underlying MT19937.
    pub fn next_u32(&mut self) -> u32 {
        self.mt.next_u32()
    }

    /// Uniform integer in `[0, max]` by masked rejection (numpy legacy `random_interval`).
    pub fn interval(&mut self, max: u32) -> u32 {
        if max == 0 {
            return 0;
        }
        let mut mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        loop {
            let v = self.mt.next_u32() & mask;
            if v <= max {
                return v;
            }
        }
    }

    /// `randint(0, n)`: uniform integer in `[0, n)`; `n` must be in `1..=2^32`.
    pub fn randint(&mut self, n: usize) -> usize {
        debug_assert!(n >= 1 && (n as u64) <= 1u64 << 32);
        self.interval((n - 1) as u32) as usize
    }

    /// In-place Fisher–Yates shuffle from the end (numpy `shuffle`).
    pub fn shuffle<T>(&mut self, a: &mut [T]) {
        for i in (1..a.len()).rev() {
            let j = self.interval(i as u32) as usize;
            a.swap(i, j);
        }
    }

    /// `permutation(n)`: a shuffled `0..n`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        self.shuffle(&mut p);
        p
    }

    /// `choice(n, size, replace=True)`: `size` independent draws in `[0, n)`.
    pub fn choice_with_replacement(&mut self, n: usize, size: usize) -> Vec<usize> {
        (0..size).map(|_| self.randint(n)).collect()
    }

    /// `choice(n, size, replace=False)`: the first `size` entries of `permutation(n)`
    /// (the whole permutation is drawn, as numpy does). `size` is capped at `n`.
    pub fn choice_without_replacement(&mut self, n: usize, size: usize) -> Vec<usize> {
        let mut p = self.permutation(n);
        p.truncate(size.min(n));
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_first_outputs_seed_5489() {
        // The MT19937 reference implementation's first output for the default seed 5489.
        let mut mt = Mt19937::new(5489);
        assert_eq!(mt.next_u32(), 3_499_211_612);
    }

    #[test]
    fn interval_zero_draws_nothing() {
        let mut a = RandomState::new(3);
        let mut b = RandomState::new(3);
        assert_eq!(a.interval(0), 0);
        assert_eq!(a.next_u32(), b.next_u32());
    }

    #[test]
    fn permutation_is_a_permutation() {
        let mut p = RandomState::new(7).permutation(50);
        p.sort_unstable();
        assert_eq!(p, (0..50).collect::<Vec<_>>());
    }
}
