//! CIFAR-10 stimuli under Gaussian bubbles (METRICS §6.2–6.3): the fixed class-balanced
//! test subset of the bundle, and each image occluded to a target visibility bin with a
//! stored seed rule, so Python's `numpy.random.RandomState` can reproduce every mask.

use brainprobe_data::datasets::cifar::{self, CifarSet, SIDE};
use brainprobe_metrics::bubbles::{bubbles_for_target, occlude};
use brainprobe_models::vision::preprocess::preprocess_rgb8;
use brainprobe_models::Normalisation;
use ndarray::{Array2, Axis};

use crate::data::DataLog;
use crate::error::{BenchError, Result};

/// How the seed of image `i` in bin `[lo, hi)` is made (stored in every score).
pub const SEED_RULE: &str =
    "RandomState(seed) with seed = 10000 · lo_pct + i (i = index in the subset, lo_pct = the bin's lower edge in whole percent)";

/// Number of CIFAR-10 classes (model chance = 1/10).
pub const CLASSES: usize = cifar::CLASSES.len();

/// How an image is shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Viewing {
    /// Unoccluded (the original pixels).
    Whole,
    /// Composited through a mask of ones: 100 % visible (must equal `Whole` exactly).
    FullyVisible,
    /// Bubbles until visibility falls in `[lo, hi)` percent.
    Bin {
        /// Lower edge, percent (inclusive).
        lo: f64,
        /// Upper edge, percent (exclusive).
        hi: f64,
    },
}

/// The fixed test subset: the first `per_class` images of every class of the bundle's
/// seeded, class-balanced CIFAR-10 test subset (100 per class), in bundle order.
pub struct TestSubset {
    /// The images and labels.
    pub set: CifarSet,
    /// Images per class.
    pub per_class: usize,
}

impl TestSubset {
    /// Reads the bundle subset and keeps `per_class` images of each class.
    pub async fn load(log: &mut DataLog<'_>, per_class: usize) -> Result<Self> {
        let images = log.read(cifar::SUBSET_IMAGES).await?;
        let labels = log.read(cifar::SUBSET_LABELS).await?;
        let set = CifarSet::parse_subset(&images, &labels)?;
        Ok(Self {
            set: first_per_class(&set, per_class, "occlusion_per_class")?,
            per_class,
        })
    }

    /// Labels as class indices.
    pub fn labels(&self) -> Vec<usize> {
        self.set.labels.iter().map(|&l| l as usize).collect()
    }

    /// Every image shown as `viewing`, preprocessed with `norm`; also the mean achieved
    /// visibility (percent).
    pub fn inputs(&self, viewing: Viewing, norm: &Normalisation) -> Result<(Vec<Vec<f32>>, f64)> {
        let mut out = Vec::with_capacity(self.set.len());
        let mut visible = 0.0;
        for (i, img) in self.set.images.axis_iter(Axis(0)).enumerate() {
            let pixels: Vec<u8> = match viewing {
                Viewing::Whole => {
                    visible += 100.0;
                    img.iter().copied().collect()
                }
                Viewing::FullyVisible => {
                    visible += 100.0;
                    let ones = Array2::ones((SIDE, SIDE));
                    occlude(img, ones.view())?.iter().copied().collect()
                }
                Viewing::Bin { lo, hi } => {
                    let seed = 10_000 * lo.floor() as u32 + i as u32;
                    let b = bubbles_for_target(SIDE, lo, hi, seed, None)?;
                    visible += b.visible_pct;
                    occlude(img, b.mask.view())?.iter().copied().collect()
                }
            };
            out.push(preprocess_rgb8(&pixels, norm)?);
        }
        Ok((out, visible / self.set.len().max(1) as f64))
    }
}

/// The first `per_class` images of every class, in their order in `set`.
pub fn first_per_class(set: &CifarSet, per_class: usize, option: &'static str) -> Result<CifarSet> {
    let mut count = [0usize; CLASSES];
    let keep: Vec<usize> = (0..set.len())
        .filter(|&i| {
            let c = set.labels[i] as usize;
            let ok = count[c] < per_class;
            count[c] += 1;
            ok
        })
        .collect();
    if per_class == 0 || count.iter().any(|&c| c < per_class) {
        return Err(BenchError::InvalidOption {
            name: option,
            reason: format!(
                "{per_class} images per class requested; the set has {} to {} per class",
                count.iter().min().unwrap_or(&0),
                count.iter().max().unwrap_or(&0)
            ),
        });
    }
    Ok(CifarSet {
        images: set.images.select(Axis(0), &keep),
        labels: set.labels.select(Axis(0), &keep),
    })
}

/// Fraction of `predicted` equal to `labels`.
pub fn accuracy(predicted: &[usize], labels: &[usize]) -> f64 {
    if labels.is_empty() {
        return 0.0;
    }
    predicted.iter().zip(labels).filter(|(p, l)| p == l).count() as f64 / labels.len() as f64
}
