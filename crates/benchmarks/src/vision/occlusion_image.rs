//! One image behind Gaussian bubbles at a visibility bin, answered with the model's own
//! most probable classes (the Occlusion page's "one image"): top 3 of CIFAR-10 for the
//! CORnet-minis, top 5 of ImageNet-1k for an ImageNet network. The image is one of
//! `tang2018-occlusion`'s CIFAR-10 test subset, one of the 92 object photos of
//! `tang2018-occlusion-objects` (bubbles over the object's pixels), or an upload. The
//! bubbles and the preprocessing are the benchmarks' own (seed rule, compositing,
//! normalisation), so a slider position inside the bins is exactly one of a benchmark's
//! conditions for that image. The pure parts ([`occluded`], [`bin_of`]) also run on the
//! page, which redraws the bubbles on uploads while the worker classifies.

use brainprobe_data::datasets::cifar::{CLASSES, SIDE};
use brainprobe_metrics::bubbles::{bubbles_for_target, occlude};
use brainprobe_models::vision::imagenet::top_k;
use brainprobe_models::vision::preprocess::preprocess_rgb8;
use brainprobe_models::vision::record::LayerSelection;
use ndarray::{ArrayView3, Axis};
use serde::{Deserialize, Serialize};

use super::bubbles::TestSubset;
use super::object_photos::{model_input, to_rgb_f32, to_u8, ObjectPhotos, CATEGORIES};
use crate::context::RunContext;
use crate::data::DataLog;
use crate::error::BenchError;
use crate::progress::Progress;
use crate::subject::Subject;
use brainprobe_models::vision::preprocess::RgbF32;

/// Width of a visibility bin in percent, as in the human data (0–5, 5–10, …).
pub const BIN_WIDTH_PCT: u32 = 5;
/// The slider value that means "unoccluded" (no bubbles).
pub const WHOLE_PCT: u32 = 100;
/// Bytes of one 32 × 32 RGB image (row-major, channel last).
pub const PIXELS: usize = SIDE * SIDE * 3;
/// The largest side of an uploaded image the worker accepts (the page resizes uploads to
/// the model's input side: 32 or 224).
pub const MAX_SIDE: usize = 512;
/// Classes listed for a CIFAR-10 model.
pub const CIFAR_TOP: usize = 3;
/// Classes listed for an ImageNet model.
pub const IMAGENET_TOP: usize = 5;

/// The image a [`classify`] run shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ImageSource {
    /// Image `i` of `tang2018-occlusion`'s test subset (the order of `TestSubset`); CIFAR-10
    /// models only.
    Cifar(usize),
    /// Object photo `i` (0–91, the stimulus table's order) behind the bubbles of
    /// `tang2018-occlusion-objects` (visibility over the object's pixels, its seed rule).
    Photo(usize),
    /// An image the reader uploaded, decoded, centre-cropped and resized to a square by the
    /// page (the model's input side): side² × 3 RGB bytes, row-major, channel last, side ≤
    /// [`MAX_SIDE`].
    Pixels(Vec<u8>),
}

impl ImageSource {
    /// The index used in the bubble seed: the subset or stimulus index, 0 for an upload.
    pub fn seed_index(&self) -> usize {
        match self {
            ImageSource::Cifar(i) | ImageSource::Photo(i) => *i,
            ImageSource::Pixels(_) => 0,
        }
    }
}

/// One class and its softmax probability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Guess {
    /// Class name (CIFAR-10 or ImageNet, the model's own classes).
    pub class: String,
    /// Softmax probability of the logits (0–1).
    pub prob: f64,
}

/// An image as the model saw it (after the bubbles, before resizing), for the page to draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShownImage {
    /// Width and height in pixels.
    pub side: usize,
    /// side² × 3 RGB bytes, row-major, channel last.
    pub rgb: Vec<u8>,
}

impl ShownImage {
    /// A square RGB [0, 1] image as 8-bit pixels.
    pub fn of(img: &RgbF32) -> Result<Self, BenchError> {
        let rgb = to_u8(img)?;
        Ok(Self {
            side: rgb.dim().0,
            rgb: rgb.iter().copied().collect(),
        })
    }
}

/// The answer of [`classify`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassifyResult {
    /// Model identifier.
    pub model: String,
    /// The model's class set, as a reader names it ("CIFAR-10", "ImageNet-1k").
    pub class_set: String,
    /// The true class: the CIFAR-10 class of a subset image, the stimulus category of an
    /// object photo (not one of the model's classes), none for an upload.
    pub label: Option<String>,
    /// The most probable classes ([`CIFAR_TOP`] or [`IMAGENET_TOP`]), most probable first
    /// (the model as trained).
    pub top: Vec<Guess>,
    /// The same at T = 1 (feedforward sweep only), for recurrent models.
    pub feedforward_top: Option<Vec<Guess>>,
    /// Visibility the bubbles achieved (percent; 100 when unoccluded): of the object's
    /// pixels for a photo, of the whole image otherwise.
    pub visible_pct: f64,
    /// The occluded object photo (photos only: the page draws uploads itself).
    pub shown: Option<ShownImage>,
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

/// The side of a square RGB image of `len` bytes (side² × 3, 1 ≤ side ≤ [`MAX_SIDE`]).
pub fn side_of(len: usize) -> Result<usize, String> {
    let side = (1..=MAX_SIDE)
        .find(|s| s * s * 3 >= len)
        .unwrap_or(MAX_SIDE + 1);
    if side > MAX_SIDE || side * side * 3 != len {
        return Err(format!(
            "an image must be a square of RGB pixels (side² × 3 bytes, side 1–{MAX_SIDE}, e.g. {SIDE} × {SIDE} = {PIXELS} bytes), got {len} bytes"
        ));
    }
    Ok(side)
}

/// `pixels` (a square RGB image, [`side_of`]) behind the bubbles of bin `lo_pct` for image
/// `index` (σ scaled to its side), composited on grey as the benchmark does; with the
/// achieved visibility in percent. `lo_pct` ≥ 100 returns the image unchanged (100 %
/// visible).
pub fn occluded(pixels: &[u8], lo_pct: u32, index: usize) -> Result<(Vec<u8>, f64), String> {
    let side = side_of(pixels.len())?;
    if lo_pct >= WHOLE_PCT {
        return Ok((pixels.to_vec(), 100.0));
    }
    let lo = f64::from(bin_of(lo_pct));
    let hi = lo + f64::from(BIN_WIDTH_PCT);
    let image = ArrayView3::from_shape((side, side, 3), pixels).map_err(|e| e.to_string())?;
    let b = bubbles_for_target(side, lo, hi, bubble_seed(bin_of(lo_pct), index), None)
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

/// The model's `k` most probable classes of `logits`, named from `names` (`None` =
/// CIFAR-10, top [`CIFAR_TOP`] by [`top3`]; ImageNet names, top [`IMAGENET_TOP`]).
fn guesses(logits: &[f32], names: Option<&[String]>) -> Vec<Guess> {
    match names {
        None => top3(logits)
            .into_iter()
            .map(|(c, prob)| Guess {
                class: CLASSES.get(c).copied().unwrap_or("?").to_string(),
                prob,
            })
            .collect(),
        Some(names) => top_k(logits, IMAGENET_TOP)
            .into_iter()
            .map(|(c, prob)| Guess {
                class: names
                    .get(c)
                    .cloned()
                    .unwrap_or_else(|| format!("class {c}")),
                prob: f64::from(prob),
            })
            .collect(),
    }
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
    let names = vision.model.imagenet_class_names();
    let (input, label, visible_pct, shown) = match image {
        ImageSource::Cifar(i) => {
            let normalisation = vision.cifar_normalisation("tang2018-occlusion (one image)")?;
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
            let (shown, visible) = occluded(&px, lo_pct, *i).map_err(bad_request)?;
            (
                preprocess_rgb8(&shown, normalisation)?,
                label,
                visible,
                None,
            )
        }
        ImageSource::Pixels(px) => {
            let (shown, visible) = occluded(px, lo_pct, 0).map_err(bad_request)?;
            let input = match vision.cifar_normalisation("one image") {
                // The CIFAR path at 32 px is the benchmark's own preprocessing, bit for bit.
                Ok(n) if shown.len() == PIXELS => preprocess_rgb8(&shown, n)?,
                _ => {
                    let side = side_of(shown.len()).map_err(bad_request)?;
                    let view = ArrayView3::from_shape((side, side, 3), shown.as_slice())
                        .map_err(|e| bad_request(e.to_string()))?;
                    model_input(vision, &to_rgb_f32(view))
                }
            };
            (input, None, visible, None)
        }
        ImageSource::Photo(i) => {
            let mut log = DataLog::new(&ctx.assets);
            let photos = ObjectPhotos::load(&mut log, Some(&[*i])).await?;
            let (img, visible) = photos.at_bin(0, bin_of(lo_pct))?;
            let shown = ShownImage::of(&img)?;
            let label = CATEGORIES.get(photos.labels[0]).map(|c| c.to_string());
            (model_input(vision, &img), label, visible, Some(shown))
        }
    };
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
    let names = names.as_deref();
    let top = guesses(&logits(vision.steps, "1 image").await?, names);
    let feedforward_top = if vision.is_recurrent() && vision.steps != Some(1) {
        Some(guesses(&logits(Some(1), "1 image, T=1").await?, names))
    } else {
        None
    };
    Ok(ClassifyResult {
        model: vision.model_ref(vision.steps).id,
        class_set: if names.is_some() {
            "ImageNet-1k"
        } else {
            "CIFAR-10"
        }
        .into(),
        label,
        top,
        feedforward_top,
        visible_pct,
        shown,
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
        // Any square side: σ scales with it, the bin is still reached.
        let big: Vec<u8> = (0..224 * 224 * 3).map(|i| (i * 11 % 253) as u8).collect();
        let (out, vis) = occluded(&big, 20, 0).expect("224 px");
        assert_eq!(out.len(), big.len());
        assert!((20.0..25.0).contains(&vis), "{vis}");
    }

    #[test]
    fn upload_sides_are_checked_before_use() {
        assert_eq!(side_of(PIXELS), Ok(SIDE));
        assert_eq!(side_of(224 * 224 * 3), Ok(224));
        assert_eq!(side_of(3), Ok(1));
        for bad in [0, 2, 33 * 32 * 3, 513 * 513 * 3, usize::MAX] {
            assert!(side_of(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn top3_is_sorted_softmax() {
        let t = top3(&[0.0, 2.0, 1.0, 2.0, f32::NAN]);
        assert_eq!(t.iter().map(|x| x.0).collect::<Vec<_>>(), vec![1, 3, 2]);
        assert!((t[0].1 - t[1].1).abs() < 1e-12 && t[0].1 > t[2].1);
        assert!(top3(&[]).is_empty());
    }
}
