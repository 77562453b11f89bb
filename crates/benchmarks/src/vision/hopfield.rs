//! A binary Hopfield network with Hebbian weights (Hopfield 1982), as the attractor
//! readout of Tang et al. (2018): ±1 patterns stored, a state updated asynchronously in a
//! seeded order, read out as its nearest stored pattern. Integer arithmetic throughout, so
//! every platform gives the same trajectory.

use brainprobe_metrics::rng::RandomState;
use ndarray::{ArrayView2, Axis};

/// Stored patterns and the Hebbian weights they make.
pub struct Hopfield {
    /// Stored ±1 patterns, each of `n` units.
    pub patterns: Vec<Vec<i8>>,
    /// `W_ij = Σ_p ξ_pi ξ_pj`, zero diagonal, row-major `n × n`.
    weights: Vec<i32>,
    n: usize,
}

/// Binarises `x` against per-unit thresholds: +1 where `x ≥ threshold`, else −1.
pub fn binarise(x: &[f32], thresholds: &[f64]) -> Vec<i8> {
    x.iter()
        .zip(thresholds)
        .map(|(&v, &t)| if f64::from(v) >= t { 1 } else { -1 })
        .collect()
}

/// Per-unit means of the rows of `x`: the binarisation thresholds.
pub fn unit_means(x: ArrayView2<f32>) -> Vec<f64> {
    x.mapv(f64::from)
        .mean_axis(Axis(0))
        .map(|m| m.to_vec())
        .unwrap_or_default()
}

/// The binarised rows of `x`.
pub fn binarise_rows(x: ArrayView2<f32>, thr: &[f64]) -> Vec<Vec<i8>> {
    x.axis_iter(Axis(0))
        .map(|r| binarise(&r.to_vec(), thr))
        .collect()
}

/// Majority vote over ±1 patterns (ties → +1): a class prototype.
pub fn majority(patterns: &[&[i8]], n: usize) -> Vec<i8> {
    (0..n)
        .map(|i| {
            let s: i32 = patterns.iter().map(|p| i32::from(p[i])).sum();
            if s >= 0 {
                1
            } else {
                -1
            }
        })
        .collect()
}

impl Hopfield {
    /// Stores `patterns` (all of equal length) with the Hebbian rule.
    pub fn new(patterns: Vec<Vec<i8>>) -> Self {
        let n = patterns.first().map_or(0, Vec::len);
        let mut weights = vec![0i32; n * n];
        for p in &patterns {
            for i in 0..n {
                for j in 0..n {
                    if i != j {
                        weights[i * n + j] += i32::from(p[i]) * i32::from(p[j]);
                    }
                }
            }
        }
        Self {
            patterns,
            weights,
            n,
        }
    }

    /// Number of units.
    pub fn units(&self) -> usize {
        self.n
    }

    /// Index of the stored pattern with the largest overlap with `state` (first on ties).
    pub fn nearest(&self, state: &[i8]) -> usize {
        let mut best = (0, i32::MIN);
        for (k, p) in self.patterns.iter().enumerate() {
            let o: i32 = p
                .iter()
                .zip(state)
                .map(|(a, b)| i32::from(*a) * i32::from(*b))
                .sum();
            if o > best.1 {
                best = (k, o);
            }
        }
        best.0
    }

    /// Runs up to `sweeps` asynchronous sweeps from `state` (each sweep updates every unit
    /// once, in an order drawn by `RandomState(seed).permutation(n)`, a new permutation per
    /// sweep; a unit with zero input keeps its sign). Returns the readout after each sweep
    /// (index 0 = before any update) and the sweeps until nothing changed.
    pub fn run(&self, state: Vec<i8>, sweeps: usize, seed: u32) -> (Vec<usize>, usize) {
        let (readout, settled, _) = self.run_with(state, sweeps, seed, |s| self.nearest(s));
        (readout, settled)
    }

    /// [`Hopfield::run`] read out by `readout` (any classifier of a ±1 state) instead of the
    /// nearest stored pattern; also returns the final state.
    pub fn run_with(
        &self,
        mut state: Vec<i8>,
        sweeps: usize,
        seed: u32,
        mut readout_of: impl FnMut(&[i8]) -> usize,
    ) -> (Vec<usize>, usize, Vec<i8>) {
        let mut rs = RandomState::new(seed);
        let mut readout = Vec::with_capacity(sweeps + 1);
        readout.push(readout_of(&state));
        let mut settled = sweeps;
        for sweep in 0..sweeps {
            let mut changed = false;
            for i in rs.permutation(self.n) {
                let row = &self.weights[i * self.n..(i + 1) * self.n];
                let h: i32 = row.iter().zip(&state).map(|(w, s)| w * i32::from(*s)).sum();
                let new = if h > 0 {
                    1
                } else if h < 0 {
                    -1
                } else {
                    state[i]
                };
                changed |= new != state[i];
                state[i] = new;
            }
            if !changed {
                settled = sweep;
                let last = *readout.last().unwrap_or(&0);
                readout.resize(sweeps + 1, last);
                break;
            }
            readout.push(readout_of(&state));
        }
        (readout, settled, state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_patterns_are_fixed_points_and_noise_is_cleaned() {
        let a: Vec<i8> = (0..64).map(|i| if i % 2 == 0 { 1 } else { -1 }).collect();
        let b: Vec<i8> = (0..64).map(|i| if i < 32 { 1 } else { -1 }).collect();
        let net = Hopfield::new(vec![a.clone(), b.clone()]);
        let (r, settled) = net.run(a.clone(), 10, 1);
        assert_eq!((r[0], r[10], settled), (0, 0, 0));
        let mut noisy = b.clone();
        for i in [0, 5, 40, 41, 63] {
            noisy[i] = -noisy[i];
        }
        let (r, _) = net.run(noisy, 10, 2);
        assert_eq!(*r.last().unwrap(), 1);
        assert_eq!(majority(&[&a, &a, &b], 64), a);
        assert_eq!(binarise(&[0.5, -1.0], &[0.5, 0.0]), vec![1, -1]);
    }
}
