//! One image of `tang2018-occlusion` (from the benchmark's CIFAR-10 test subset, or
//! uploaded) behind Gaussian bubbles at a visibility bin, through a CORnet-mini, answered
//! with its top-3 classes (the Occlusion page's "one image"). The bubbles and the
//! preprocessing are the benchmark's own (seed rule, compositing, normalisation), so a
//! slider position inside the benchmark's bins is exactly one of the benchmark's
//! conditions for that image. The pure parts ([`occluded`], [`bin_of`]) also run on the
//! page, which redraws the bubbles while the worker classifies.

use brainprobe_data::datasets::cifar::{CLASSES, SIDE};
use brainprobe_metrics::bubbles::{bubbles_for_target, occlude};
use brainprobe_models::vision::preprocess::preprocess_rgb8;
use brainprobe_models::vision::record::LayerSelection;
use ndarray::{ArrayView3, Axis};
use serde::{Deserialize, Serialize};

use super::bubbles::TestSubset;
use crate::context::RunContext;
use crate::data::DataLog;
use crate::error::BenchError;
use crate::progress::Progress;
use crate::subject::Subject;

/// Width of a visibility bin in percent, as in the human data (0–5, 5–10, …).
pub const BIN_WIDTH_PCT: u32 = 5;
/// The slider value that means "unoccluded" (no bubbles).
pub const WHOLE_PCT: u32 = 100;
/// Bytes of one 32 × 32 RGB image (row-major, channel last).
pub const PIXELS: usize = SIDE * SIDE * 3;

/// The image a [`classify`] run shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ImageSource {
    /// Image `i` of the benchmark's test subset (the order of `TestSubset`).
    Cifar(usize),
    /// An image the reader uploaded, decoded and resized to 32 × 32 by the page:
    /// [`PIXELS`] RGB bytes, row-major, channel last.
    Pixels(Vec<u8>),
}

impl ImageSource {
    /// The index used in the bubble seed: the subset index, 0 for an upload.
    pub fn seed_index(&self) -> usize {
        match self {
            ImageSource::Cifar(i) => *i,
            ImageSource::Pixels(_) => 0,
        }
    }
}

/// One class and its softmax probability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Guess {
    /// CIFAR-10 class name.
    pub class: String,
    /// Softmax probability of the logits (0–1).
    pub prob: f64,
}

/// The answer of [`classify`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassifyResult {
    /// Model identifier.
    pub model: String,
    /// The true class, for subset images.
    pub label: Option<String>,
    /// The three most probable classes, most probable first (the model as trained).
    pub top3: Vec<Guess>,
    /// The same at T = 1 (feedforward sweep only), for recurrent models.
    pub feedforward_top3: Option<Vec<Guess>>,
    /// Visibility the bubbles achieved (percent; 100 when unoccluded).
    pub visible_pct: f64,
    /// Where the model ran.
    pub device: String,
}

/// The bin `[lo, lo + 5)` percent a slider value falls in (100 and above: unoccluded).
pub fn bin_of(slider_pct: u32) -> u32 {
    if slider_pct >= WHOLE_PCT {
        WHOLE_PCT
    } else {
        slider_pct / BIN_WIDTH_PCT * BIN_WIDTH_PCT
    }
}

/// Bubble seed of image `index` in the bin starting at `lo_pct` (the benchmark's
/// `SEED_RULE`: 10 000 · lo + index).
pub fn bubble_seed(lo_pct: u32, index: usize) -> u32 {
    10_000u32.wrapping_mul(lo_pct).wrapping_add(index as u32)
}

/// `pixels` (a [`PIXELS`]-byte RGB image) behind the bubbles of bin `lo_pct` for image
/// `index`, composited on grey as the benchmark does; with the achieved visibility in
/// percent. `lo_pct` ≥ 100 returns the image unchanged (100 % visible).
pub fn occluded(pixels: &[u8], lo_pct: u32, index: usize) -> Result<(Vec<u8>, f64), String> {
    if pixels.len() != PIXELS {
        return Err(format!(
            "an image must be {SIDE} × {SIDE} RGB ({PIXELS} bytes), got {} bytes",
            pixels.len()
        ));
    }
    if lo_pct >= WHOLE_PCT {
        return Ok((pixels.to_vec(), 100.0));
    }
    let lo = f64::from(bin_of(lo_pct));
    let hi = lo + f64::from(BIN_WIDTH_PCT);
    let image = ArrayView3::from_shape((SIDE, SIDE, 3), pixels).map_err(|e| e.to_string())?;
    let b = bubbles_for_target(SIDE, lo, hi, bubble_seed(bin_of(lo_pct), index), None)
        .map_err(|e| e.to_string())?;
    let out = occlude(image, b.mask.view()).map_err(|e| e.to_string())?;
    Ok((out.iter().copied().collect(), b.visible_pct))
}

/// Softmax of `logits`, as the top three `(class index, probability)`, most probable
/// first (lower index first on ties; NaN logits count as −∞).
pub fn top3(logits: &[f32]) -> Vec<(usize, f64)> {
    let clean: Vec<f64> = logits
        .iter()
        .map(|&v| {
            if v.is_nan() {
                f64::NEG_INFINITY
            } else {
                f64::from(v)
            }
        })
        .collect();
    let max = clean.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return Vec::new();
    }
    let exp: Vec<f64> = clean.iter().map(|v| (v - max).exp()).collect();
    let sum: f64 = exp.iter().sum();
    let mut order: Vec<(usize, f64)> = exp.iter().map(|e| e / sum).enumerate().collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    order.truncate(3);
    order
}

fn guesses(logits: &[f32]) -> Vec<Guess> {
    top3(logits)
        .into_iter()
        .map(|(c, prob)| Guess {
            class: CLASSES.get(c).copied().unwrap_or("?").to_string(),
            prob,
        })
        .collect()
}

fn bad_request(reason: String) -> BenchError {
    BenchError::InvalidOption {
        name: "image",
        reason,
    }
}

/// Classifies `image` behind the bubbles of bin `lo_pct` (≥ 100: unoccluded) with
/// `subject`, at its own time-step cap and, for recurrent models, at T = 1.
pub async fn classify(
    image: &ImageSource,
    lo_pct: u32,
    subject: &Subject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<ClassifyResult, BenchError> {
    let Subject::Vision(vision) = subject else {
        return Err(BenchError::WrongModality {
            benchmark: "tang2018-occlusion".into(),
            model: subject.id().to_string(),
            needs: "vision",
        });
    };
    let (pixels, label) = match image {
        ImageSource::Pixels(p) => (p.clone(), None),
        ImageSource::Cifar(i) => {
            let mut log = DataLog::new(&ctx.assets);
            let subset = TestSubset::load(&mut log, ctx.options.occlusion_per_class).await?;
            if *i >= subset.set.len() {
                return Err(bad_request(format!(
                    "image {i} is outside the test subset of {} images",
                    subset.set.len()
                )));
            }
            let px: Vec<u8> = subset
                .set
                .images
                .index_axis(Axis(0), *i)
                .iter()
                .copied()
                .collect();
            let label = subset
                .labels()
                .get(*i)
                .and_then(|&l| CLASSES.get(l))
                .map(|c| c.to_string());
            (px, label)
        }
    };
    let (shown, visible_pct) =
        occluded(&pixels, lo_pct, image.seed_index()).map_err(bad_request)?;
    let input = preprocess_rgb8(
        &shown,
        vision.cifar_normalisation("tang2018-occlusion (one image)")?,
    )?;
    let layers = LayerSelection::Named(vec!["logits".into()]);
    let logits = |steps: Option<usize>, stage: &'static str| {
        let input = input.clone();
        let layers = layers.clone();
        async move {
            let rec = vision
                .record(&[input], &layers, steps, stage, progress)
                .await?;
            Ok::<_, BenchError>(
                rec.first()
                    .map(|l| l.values.iter().copied().collect::<Vec<f32>>())
                    .unwrap_or_default(),
            )
        }
    };
    let top3 = guesses(&logits(vision.steps, "1 image").await?);
    let feedforward_top3 = if vision.is_recurrent() && vision.steps != Some(1) {
        Some(guesses(&logits(Some(1), "1 image, T=1").await?))
    } else {
        None
    };
    Ok(ClassifyResult {
        model: vision.model_ref(vision.steps).id,
        label,
        top3,
        feedforward_top3,
        visible_pct,
        device: vision.model_ref(vision.steps).device,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_and_seeds_follow_the_benchmark_rule() {
        assert_eq!(bin_of(0), 0);
        assert_eq!(bin_of(14), 10);
        assert_eq!(bin_of(99), 95);
        assert_eq!(bin_of(100), WHOLE_PCT);
        assert_eq!(bubble_seed(15, 7), 150_007);
    }

    #[test]
    fn occlusion_reaches_its_bin_and_refuses_bad_sizes() {
        let img: Vec<u8> = (0..PIXELS).map(|i| (i * 7 % 251) as u8).collect();
        for lo in [0, 10, 30, 60, 95] {
            let (out, vis) = occluded(&img, lo, 3).expect("bubbles");
            assert_eq!(out.len(), PIXELS);
            assert!(
                vis >= f64::from(lo) && vis < f64::from(lo + 5),
                "{lo}: {vis}"
            );
            assert_eq!(
                occluded(&img, lo, 3).expect("again").0,
                out,
                "deterministic"
            );
        }
        assert_eq!(occluded(&img, 100, 0).expect("whole"), (img.clone(), 100.0));
        assert!(occluded(&img[..10], 10, 0).is_err());
    }

    #[test]
    fn top3_is_sorted_softmax() {
        let t = top3(&[0.0, 2.0, 1.0, 2.0, f32::NAN]);
        assert_eq!(t.iter().map(|x| x.0).collect::<Vec<_>>(), vec![1, 3, 2]);
        assert!((t[0].1 - t[1].1).abs() < 1e-12 && t[0].1 > t[2].1);
        assert!(top3(&[]).is_empty());
    }
}
