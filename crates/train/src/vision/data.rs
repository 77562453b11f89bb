//! CIFAR-10 for training: decoded archives, per-channel normalisation statistics,
//! deterministic shuffling and the standard augmentation (random crop with 4-pixel
//! padding, horizontal flip).

use std::path::Path;

pub use brainprobe_arch::Normalisation;
use brainprobe_data::datasets::cifar::{read_archive, CifarSet, SIDE};
use candle_core::{Device, Result, Tensor};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Per-channel mean and standard deviation of a training set's pixels in [0, 1]
/// (computed once, stored with the weights).
pub fn normalisation_of(set: &CifarSet) -> Normalisation {
    let mut sum = [0f64; 3];
    let mut sq = [0f64; 3];
    for (i, &p) in set.images.iter().enumerate() {
        let v = p as f64 / 255.0;
        sum[i % 3] += v;
        sq[i % 3] += v * v;
    }
    let n = (set.images.len() / 3).max(1) as f64;
    let mut mean = [0f32; 3];
    let mut std = [0f32; 3];
    for c in 0..3 {
        let m = sum[c] / n;
        mean[c] = m as f32;
        std[c] = ((sq[c] / n - m * m).max(1e-12)).sqrt() as f32;
    }
    Normalisation { mean, std }
}

/// Training and test sets read from the verified cache.
pub struct Cifar {
    /// 50 000 training images.
    pub train: CifarSet,
    /// 10 000 test images.
    pub test: CifarSet,
}

impl Cifar {
    /// Reads `train.tar.gz` and `test.tar.gz` from `dir` (the prepare-data cache).
    pub fn load(dir: &Path) -> std::result::Result<Self, String> {
        let read = |name: &str| {
            read_archive(&dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()))
        };
        Ok(Self {
            train: read("train.tar.gz")?,
            test: read("test.tar.gz")?,
        })
    }
}

/// The epoch's image order: a ChaCha8 shuffle keyed by seed and epoch.
pub fn epoch_order(n: usize, seed: u64, epoch: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng =
        ChaCha8Rng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(epoch as u64));
    order.shuffle(&mut rng);
    order
}

/// Builds a normalised `[b, 3, 32, 32]` batch of `indices`; with `augment_rng`, each
/// image is randomly shifted (zero padding of 4 in normalised space) and flipped.
pub fn batch(
    set: &CifarSet,
    indices: &[usize],
    norm: &Normalisation,
    mut augment_rng: Option<&mut ChaCha8Rng>,
    device: &Device,
) -> Result<(Tensor, Tensor)> {
    let plane = SIDE * SIDE;
    let mut pixels = vec![0f32; indices.len() * 3 * plane];
    let mut labels = Vec::with_capacity(indices.len());
    for (b, &i) in indices.iter().enumerate() {
        let img = set.images.index_axis(ndarray::Axis(0), i);
        let (dy, dx, flip) = match augment_rng.as_deref_mut() {
            Some(rng) => (
                rng.random_range(-4i32..=4),
                rng.random_range(-4i32..=4),
                rng.random_bool(0.5),
            ),
            None => (0, 0, false),
        };
        for y in 0..SIDE as i32 {
            let sy = y + dy;
            for x in 0..SIDE as i32 {
                let sx0 = x + dx;
                let sx = if flip { SIDE as i32 - 1 - sx0 } else { sx0 };
                let inside = (0..SIDE as i32).contains(&sy) && (0..SIDE as i32).contains(&sx);
                for c in 0..3 {
                    let v = if inside {
                        let p = img[[sy as usize, sx as usize, c]] as f32 / 255.0;
                        (p - norm.mean[c]) / norm.std[c]
                    } else {
                        0.0
                    };
                    pixels[b * 3 * plane + c * plane + y as usize * SIDE + x as usize] = v;
                }
            }
        }
        labels.push(set.labels[i] as u32);
    }
    let n = indices.len();
    Ok((
        Tensor::from_vec(pixels, (n, 3, SIDE, SIDE), device)?,
        Tensor::from_vec(labels, n, device)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array4};

    fn tiny() -> CifarSet {
        let images = Array4::from_shape_fn((2, SIDE, SIDE, 3), |(n, y, x, c)| {
            ((n * 7 + y * 3 + x + c * 11) % 256) as u8
        });
        CifarSet {
            images,
            labels: Array1::from(vec![3u8, 9]),
        }
    }

    #[test]
    fn order_is_a_seeded_permutation() {
        let a = epoch_order(100, 1, 0);
        assert_eq!(a, epoch_order(100, 1, 0));
        assert_ne!(a, epoch_order(100, 1, 1));
        let mut s = a.clone();
        s.sort();
        assert_eq!(s, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn unaugmented_batch_is_normalised_chw() {
        let set = tiny();
        let norm = normalisation_of(&set);
        let (x, y) = batch(&set, &[1], &norm, None, &Device::Cpu).unwrap();
        assert_eq!(x.dims(), &[1, 3, SIDE, SIDE]);
        assert_eq!(y.to_vec1::<u32>().unwrap(), vec![9]);
        let v: Vec<f32> = x.flatten_all().unwrap().to_vec1().unwrap();
        let want = (set.images[[1, 2, 5, 1]] as f32 / 255.0 - norm.mean[1]) / norm.std[1];
        assert!((v[plane_index(1, 2, 5)] - want).abs() < 1e-6);
    }

    fn plane_index(c: usize, y: usize, x: usize) -> usize {
        c * SIDE * SIDE + y * SIDE + x
    }
}
