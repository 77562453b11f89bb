//! The 92 object photos of Kriegeskorte et al. (2008) behind Gaussian bubbles, as Tang et
//! al. (2018) showed their objects, for `tang2018-occlusion-objects` and
//! `tang2018-attractor-objects`; and the readout both use: a linear classifier of the six
//! stimulus categories trained on whole images, leave one image out.
//!
//! - **Object mask.** The photos (175 × 175) show one object on a uniform grey background.
//!   The background colour is the per-channel median of the border pixels; a pixel is
//!   *near* the background when every channel is within [`BACKGROUND_TOLERANCE`] (of 255) of
//!   it; the background is every near pixel 4-connected to the border through near
//!   pixels, and the object is everything else (so holes inside the object — a grey
//!   patch on a face — count as object). Over the 92 photos the object covers 12.0 to
//!   93.8 % of the image (median 47.9 %).
//! - **Bubbles** (METRICS §6.2–6.3) on the 175 × 175 photo (σ = 14 · 175 / 256 ≈ 9.57 px),
//!   composited onto grey 128; visibility is measured over the object's pixels only. The
//!   occluded photo then goes through the model's own input path ([`model_input`]): the
//!   same stimuli for every model, whatever its input size.
//! - **Readout** ([`LinearReadout`]): RidgeCV (α by exact leave-one-out error over the
//!   grid of METRICS §1.3) on ±1 one-hot category targets, features standardised on the
//!   training rows (§10.2), class = largest output (first on ties) — scikit-learn's
//!   `RidgeClassifierCV`. Image i is classified by the readout fitted on the other 91
//!   whole images, never on occluded ones.

use std::collections::VecDeque;

use brainprobe_data::datasets::kriegeskorte::{self, ImageStimulus};
use brainprobe_data::formats::parse_csv;
use brainprobe_metrics::bubbles::{bubbles_for_target, occlude};
use brainprobe_metrics::{fit_predict_standardised, Regression};
use brainprobe_models::vision::preprocess::{decode, normalise_chw, square_resize, RgbF32};
use brainprobe_models::vision::record::LayerSelection;
use ndarray::{Array2, Array3, ArrayView2, ArrayView3, Axis};

use crate::data::DataLog;
use crate::error::{BenchError, Result};
use crate::progress::Progress;
use crate::subject::VisionSubject;

/// The six categories of the stimulus table, in label order (chance 1/6).
pub const CATEGORIES: [&str; 6] = [
    "human bodypart",
    "human face",
    "nonhuman bodypart",
    "nonhuman face",
    "natural inanimate",
    "artificial inanimate",
];

/// A pixel within this many levels (of 255) of the background colour in every channel is
/// background-coloured.
pub const BACKGROUND_TOLERANCE: u8 = 10;

/// How the bubbles of image `i` in bin `[lo, hi)` are seeded (stored in every score).
pub const SEED_RULE: &str = "RandomState(seed) with seed = 10000 · lo_pct + i (i = image index 0–91 in the stimulus table, lo_pct = the bin's lower edge in whole percent); bubbles drawn on the 175 × 175 photo, visibility over the object mask";

/// Width of the visibility bins above the human range (percent).
pub const BIN_WIDTH_PCT: f64 = 5.0;
/// The bins go on to this visibility (percent), then the whole images.
pub const TOP_PCT: f64 = 100.0;

/// The layer whose features the readout and the attractor use: the model's penultimate
/// representation (CORnet: `decoder`, the pooled IT features before the classifier;
/// EfficientNet: `pool`, the 1280 pooled head features).
pub fn feature_layer(subject: &VisionSubject) -> &'static str {
    subject.model.penultimate_layer()
}

/// The one way an image enters the model: centre square, area-averaging resize to the
/// model's input side, the model's normalisation, CHW.
pub fn model_input(subject: &VisionSubject, img: &RgbF32) -> Vec<f32> {
    normalise_chw(
        &square_resize(img, subject.model.input_side()),
        subject.model.normalisation(),
    )
}

/// `(H, W, 3)` u8 pixels as an RGB image in [0, 1].
pub fn to_rgb_f32(img: ArrayView3<u8>) -> RgbF32 {
    let (h, w, _) = img.dim();
    RgbF32 {
        width: w,
        height: h,
        data: img.iter().map(|&v| f32::from(v) / 255.0).collect(),
    }
}

/// The object mask of an `(H, W, 3)` image on a uniform background (rule in the module
/// docs). Errors when the image has no object pixel (all background-coloured).
pub fn object_mask(img: ArrayView3<u8>, tolerance: u8) -> Result<Array2<bool>> {
    let (h, w, c) = img.dim();
    if h == 0 || w == 0 || c != 3 {
        return Err(BenchError::InvalidOption {
            name: "object image",
            reason: format!("need an (H, W, 3) image, got {:?}", img.dim()),
        });
    }
    let border: Vec<(usize, usize)> = (0..h)
        .flat_map(|y| (0..w).map(move |x| (y, x)))
        .filter(|&(y, x)| y == 0 || x == 0 || y == h - 1 || x == w - 1)
        .collect();
    let background: Vec<i32> = (0..3)
        .map(|ch| {
            let mut v: Vec<u8> = border.iter().map(|&(y, x)| img[[y, x, ch]]).collect();
            v.sort_unstable();
            i32::from(v[v.len() / 2])
        })
        .collect();
    let near = |y: usize, x: usize| {
        (0..3).all(|ch| (i32::from(img[[y, x, ch]]) - background[ch]).abs() <= i32::from(tolerance))
    };
    let mut is_background = Array2::from_elem((h, w), false);
    let mut queue = VecDeque::new();
    for &(y, x) in &border {
        if !is_background[[y, x]] && near(y, x) {
            is_background[[y, x]] = true;
            queue.push_back((y, x));
        }
    }
    while let Some((y, x)) = queue.pop_front() {
        let steps = [
            (y.wrapping_sub(1), x),
            (y + 1, x),
            (y, x.wrapping_sub(1)),
            (y, x + 1),
        ];
        for (yy, xx) in steps {
            if yy < h && xx < w && !is_background[[yy, xx]] && near(yy, xx) {
                is_background[[yy, xx]] = true;
                queue.push_back((yy, xx));
            }
        }
    }
    let object = is_background.mapv(|b| !b);
    if !object.iter().any(|&o| o) {
        return Err(BenchError::InvalidOption {
            name: "object image",
            reason: "every pixel is background-coloured: no object".into(),
        });
    }
    Ok(object)
}

/// Share of an object mask's pixels (0–1).
pub fn coverage(mask: ArrayView2<bool>) -> f64 {
    mask.iter().filter(|&&o| o).count() as f64 / mask.len().max(1) as f64
}

/// The photos with their object masks and category labels.
pub struct ObjectPhotos {
    /// Index of each photo in the stimulus table (0–91).
    pub index: Vec<usize>,
    /// `(175, 175, 3)` pixels.
    pub images: Vec<Array3<u8>>,
    /// Object masks.
    pub masks: Vec<Array2<bool>>,
    /// Category index into [`CATEGORIES`].
    pub labels: Vec<usize>,
}

/// Category index of a stimulus-table category name.
pub fn category_index(name: &str) -> Result<usize> {
    CATEGORIES
        .iter()
        .position(|c| *c == name)
        .ok_or_else(|| BenchError::InvalidOption {
            name: "stimulus category",
            reason: format!("`{name}` is none of {CATEGORIES:?}"),
        })
}

impl ObjectPhotos {
    /// Reads the stimulus table and the photos (`pick`: stimulus indices, `None` = all 92).
    pub async fn load(log: &mut DataLog<'_>, pick: Option<&[usize]>) -> Result<Self> {
        let stimuli: Vec<ImageStimulus> = parse_csv(
            kriegeskorte::STIMULI,
            &log.read(kriegeskorte::STIMULI).await?,
        )?;
        let bytes = super::kriegeskorte2008::image_files(log).await?;
        let all: Vec<usize> = (0..kriegeskorte::N_IMAGES).collect();
        let pick = pick.unwrap_or(&all);
        let mut out = ObjectPhotos {
            index: Vec::new(),
            images: Vec::new(),
            masks: Vec::new(),
            labels: Vec::new(),
        };
        for &i in pick {
            let (Some(s), Some(b)) = (stimuli.get(i), bytes.get(i)) else {
                return Err(BenchError::InvalidOption {
                    name: "images",
                    reason: format!("no stimulus {i}"),
                });
            };
            let img = to_u8(&decode(b)?)?;
            out.masks
                .push(object_mask(img.view(), BACKGROUND_TOLERANCE)?);
            out.images.push(img);
            out.labels.push(category_index(&s.category)?);
            out.index.push(i);
        }
        Ok(out)
    }

    /// Number of photos.
    pub fn len(&self) -> usize {
        self.images.len()
    }

    /// True without photos.
    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }

    /// Lowest and highest object coverage (0–1).
    pub fn coverage_range(&self) -> (f64, f64) {
        self.masks
            .iter()
            .map(|m| coverage(m.view()))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| {
                (lo.min(c), hi.max(c))
            })
    }

    /// Photos in the largest of the (unequal) categories: what a readout that always
    /// answers that category gets right.
    pub fn largest_category(&self) -> usize {
        (0..CATEGORIES.len())
            .map(|c| self.labels.iter().filter(|&&l| l == c).count())
            .max()
            .unwrap_or(0)
    }

    /// Photo `k` behind bubbles reaching `[lo, hi)` % of its object (seed rule
    /// [`SEED_RULE`]), and the visibility reached.
    pub fn occluded(&self, k: usize, lo: f64, hi: f64) -> Result<(RgbF32, f64)> {
        let img = &self.images[k];
        let seed = 10_000 * lo.floor() as u32 + self.index[k] as u32;
        let b = bubbles_for_target(img.dim().0, lo, hi, seed, Some(self.masks[k].view()))?;
        Ok((
            to_rgb_f32(occlude(img.view(), b.mask.view())?.view()),
            b.visible_pct,
        ))
    }
}

impl ObjectPhotos {
    /// Photo `k` as a slider shows it: whole when `lo_pct` ≥ 100, else behind the bubbles of
    /// the 5 % bin starting at `lo_pct` ([`ObjectPhotos::occluded`]); with its visibility.
    pub fn at_bin(&self, k: usize, lo_pct: u32) -> Result<(RgbF32, f64)> {
        if lo_pct >= 100 {
            return Ok((to_rgb_f32(self.images[k].view()), 100.0));
        }
        let lo = f64::from(lo_pct);
        self.occluded(k, lo, lo + BIN_WIDTH_PCT)
    }
}

/// An RGB [0, 1] image as `(H, W, 3)` u8 (the photos are 8-bit: exact).
pub fn to_u8(img: &RgbF32) -> Result<Array3<u8>> {
    let px = img
        .data
        .iter()
        .map(|&v| (v * 255.0).round().clamp(0.0, 255.0) as u8)
        .collect();
    Array3::from_shape_vec((img.height, img.width, 3), px).map_err(|e| BenchError::InvalidOption {
        name: "image",
        reason: e.to_string(),
    })
}

/// The bins without people above the human range: 5 % bins from `from_pct` to
/// [`TOP_PCT`] (`upto_pct`, if lower).
pub fn model_only_bins(from_pct: f64, upto_pct: f64) -> Vec<(f64, f64)> {
    let top = upto_pct.min(TOP_PCT);
    let mut bins = Vec::new();
    let mut lo = from_pct;
    while lo + BIN_WIDTH_PCT <= top + 1e-9 {
        bins.push((lo, lo + BIN_WIDTH_PCT));
        lo += BIN_WIDTH_PCT;
    }
    bins
}

/// Penultimate features of the photos, whole and in each bin.
pub struct ObjectFeatures {
    /// Whole photos, `(images, features)`.
    pub whole: Array2<f32>,
    /// Per bin, `(images, features)`.
    pub bins: Vec<Array2<f32>>,
    /// Mean visibility reached per bin (percent).
    pub visible: Vec<f64>,
}

pub(crate) async fn record_layer(
    subject: &VisionSubject,
    inputs: &[Vec<f32>],
    stage: &str,
    progress: &dyn Progress,
) -> Result<Array2<f32>> {
    let layers = LayerSelection::Named(vec![feature_layer(subject).into()]);
    subject
        .record(inputs, &layers, subject.steps, stage, progress)
        .await?
        .into_iter()
        .next()
        .map(|l| l.values)
        .ok_or_else(|| BenchError::InvalidOption {
            name: "layers",
            reason: "recording returned no layer".into(),
        })
}

/// Records [`feature_layer`] for the whole photos and for every bin.
pub async fn record_features(
    subject: &VisionSubject,
    photos: &ObjectPhotos,
    bins: &[(f64, f64)],
    progress: &dyn Progress,
) -> Result<ObjectFeatures> {
    let whole_inputs: Vec<Vec<f32>> = photos
        .images
        .iter()
        .map(|img| model_input(subject, &to_rgb_f32(img.view())))
        .collect();
    let whole = record_layer(subject, &whole_inputs, "whole photos", progress).await?;
    let (mut feats, mut visible) = (Vec::new(), Vec::new());
    for (k, &(lo, hi)) in bins.iter().enumerate() {
        let stage = format!("bin {lo}–{hi} % ({}/{})", k + 1, bins.len());
        let mut inputs = Vec::with_capacity(photos.len());
        let mut vis = 0.0;
        for i in 0..photos.len() {
            progress.update(&format!("{stage}: bubbles"), i, photos.len());
            let (img, v) = photos.occluded(i, lo, hi)?;
            vis += v;
            inputs.push(model_input(subject, &img));
        }
        feats.push(record_layer(subject, &inputs, &stage, progress).await?);
        visible.push(vis / photos.len().max(1) as f64);
    }
    Ok(ObjectFeatures {
        whole,
        bins: feats,
        visible,
    })
}

/// A fitted linear classifier: `scores = intercept + x · weights`, class = argmax.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearReadout {
    /// Per class.
    pub intercept: Vec<f64>,
    /// `(features, classes)`.
    pub weights: Array2<f64>,
    /// The α RidgeCV chose.
    pub alpha: Option<f64>,
}

impl LinearReadout {
    /// Fits RidgeCV (default α grid, standardised features) on rows `x` with ±1 one-hot
    /// targets of `labels` over `classes` classes. The fitted predictor is affine in the
    /// features, so it is read off exactly by predicting the origin and the unit vectors.
    pub fn fit(x: ArrayView2<f64>, labels: &[usize], classes: usize) -> Result<Self> {
        let (n, p) = x.dim();
        if labels.len() != n || labels.iter().any(|&l| l >= classes) {
            return Err(BenchError::InvalidOption {
                name: "labels",
                reason: format!("{} labels for {n} rows, each < {classes}", labels.len()),
            });
        }
        let y = Array2::from_shape_fn(
            (n, classes),
            |(i, c)| {
                if labels[i] == c {
                    1.0
                } else {
                    -1.0
                }
            },
        );
        let mut probe = Array2::zeros((p + 1, p));
        for j in 0..p {
            probe[[j + 1, j]] = 1.0;
        }
        let fit =
            fit_predict_standardised(x, y.view(), probe.view(), &Regression::ridge_cv_default())?;
        let intercept = fit.predictions.row(0).to_vec();
        let weights = Array2::from_shape_fn((p, classes), |(j, c)| {
            fit.predictions[[j + 1, c]] - intercept[c]
        });
        Ok(Self {
            intercept,
            weights,
            alpha: fit.alpha,
        })
    }

    /// Class scores of one feature vector.
    pub fn scores(&self, x: impl IntoIterator<Item = f64>) -> Vec<f64> {
        let mut s = self.intercept.clone();
        for (row, v) in self.weights.axis_iter(Axis(0)).zip(x) {
            for (acc, w) in s.iter_mut().zip(row) {
                *acc += v * w;
            }
        }
        s
    }

    /// The class with the largest score (the first on ties).
    pub fn classify(&self, x: impl IntoIterator<Item = f64>) -> usize {
        let s = self.scores(x);
        let mut best = 0;
        for (k, v) in s.iter().enumerate() {
            if *v > s[best] {
                best = k;
            }
        }
        best
    }
}

/// One readout per image, each fitted on all the other rows of `x` (leave one out).
pub fn leave_one_out(
    x: ArrayView2<f64>,
    labels: &[usize],
    classes: usize,
) -> Result<Vec<LinearReadout>> {
    (0..x.nrows())
        .map(|i| {
            let keep: Vec<usize> = (0..x.nrows()).filter(|&j| j != i).collect();
            let l: Vec<usize> = keep.iter().map(|&j| labels[j]).collect();
            LinearReadout::fit(x.select(Axis(0), &keep).view(), &l, classes)
        })
        .collect()
}

/// Classes of the rows of `x`, row i by `readouts[i]` (its own held-out readout).
pub fn classify_held_out(readouts: &[LinearReadout], x: ArrayView2<f32>) -> Vec<usize> {
    x.axis_iter(Axis(0))
        .zip(readouts)
        .map(|(row, r)| r.classify(row.iter().map(|&v| f64::from(v))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use brainprobe_metrics::bubbles::{bubble_mask, visible_pct, Center};
    use brainprobe_metrics::RandomState;

    /// A 40 × 40 grey (128 ± 3 noise) image with a dark ring (a hole of grey inside) and a
    /// separate bright square; returns the image and the true object.
    fn synthetic() -> (Array3<u8>, Array2<bool>) {
        let mut rs = RandomState::new(7);
        let mut img = Array3::from_shape_fn((40, 40, 3), |_| (125 + rs.randint(7)) as u8);
        let mut truth = Array2::from_elem((40, 40), false);
        for y in 0..40usize {
            for x in 0..40usize {
                let d2 = (y as f64 - 15.0).powi(2) + (x as f64 - 15.0).powi(2);
                let ring = (36.0..=100.0).contains(&d2);
                let hole = d2 < 36.0;
                let square = (28..34).contains(&y) && (28..36).contains(&x);
                if ring {
                    img.slice_mut(ndarray::s![y, x, ..]).fill(20);
                }
                if square {
                    img.slice_mut(ndarray::s![y, x, ..])
                        .assign(&ndarray::arr1(&[250, 200, 128]));
                }
                truth[[y, x]] = ring || hole || square;
            }
        }
        (img, truth)
    }

    #[test]
    fn mask_is_the_object_with_holes_filled_and_noise_ignored() {
        let (img, truth) = synthetic();
        let m = object_mask(img.view(), BACKGROUND_TOLERANCE).unwrap();
        assert_eq!(m, truth);
        // a tolerance below the noise marks background pixels as object
        let tight = object_mask(img.view(), 1).unwrap();
        assert!(tight.iter().filter(|&&o| o).count() > truth.iter().filter(|&&o| o).count());
        let flat = Array3::from_elem((8, 8, 3), 128u8);
        assert!(object_mask(flat.view(), BACKGROUND_TOLERANCE).is_err());
        assert!(
            (coverage(truth.view()) - truth.iter().filter(|&&o| o).count() as f64 / 1600.0).abs()
                < 1e-15
        );
    }

    #[test]
    fn visibility_counts_object_pixels_only() {
        let (img, _) = synthetic();
        let m = object_mask(img.view(), BACKGROUND_TOLERANCE).unwrap();
        // A bubble on the background corner shows nothing of the object; one on the ring's
        // centre shows part of it.
        let sigma = 1.75;
        let corner = bubble_mask(40, &[Center { row: 0, col: 39 }], sigma).unwrap();
        assert_eq!(visible_pct(corner.view(), Some(m.view())).unwrap(), 0.0);
        assert!(visible_pct(corner.view(), None).unwrap() > 0.0);
        let centre = bubble_mask(40, &[Center { row: 15, col: 15 }], sigma).unwrap();
        let v = visible_pct(centre.view(), Some(m.view())).unwrap();
        let disc = centre.iter().filter(|&&g| g >= 0.134).count() as f64;
        let object = m.iter().filter(|&&o| o).count() as f64;
        assert!((v - 100.0 * disc / object).abs() < 1e-9, "{v}");
        // The photos' generator hits the bin over the object.
        let photos = ObjectPhotos {
            index: vec![3],
            images: vec![img],
            masks: vec![m.clone()],
            labels: vec![0],
        };
        let (out, vis) = photos.occluded(0, 20.0, 25.0).unwrap();
        assert!((20.0..25.0).contains(&vis), "{vis}");
        assert_eq!((out.width, out.height), (40, 40));
    }

    /// Rows: class one-hot × 3 plus Gaussian-ish noise (sum of uniforms).
    fn features(labels: &[usize], classes: usize, extra: usize, seed: u32) -> Array2<f64> {
        let mut rs = RandomState::new(seed);
        Array2::from_shape_fn((labels.len(), classes + extra), |(i, j)| {
            let noise = (0..4)
                .map(|_| rs.randint(1000) as f64 / 1000.0 - 0.5)
                .sum::<f64>();
            noise + if j == labels[i] { 3.0 } else { 0.0 }
        })
    }

    #[test]
    fn leave_one_out_readout_separates_classes_and_not_shuffled_labels() {
        let labels: Vec<usize> = (0..60).map(|i| i % 6).collect();
        let x = features(&labels, 6, 10, 1);
        let r = leave_one_out(x.view(), &labels, 6).unwrap();
        let pred = classify_held_out(&r, x.mapv(|v| v as f32).view());
        let acc = |p: &[usize], l: &[usize]| {
            p.iter().zip(l).filter(|(a, b)| a == b).count() as f64 / l.len() as f64
        };
        assert!(acc(&pred, &labels) > 0.95, "{}", acc(&pred, &labels));
        // The extracted affine map reproduces fit_predict's own predictions.
        let keep: Vec<usize> = (1..60).collect();
        let l: Vec<usize> = keep.iter().map(|&j| labels[j]).collect();
        let xt = x.select(Axis(0), &keep);
        let y = Array2::from_shape_fn((59, 6), |(i, c)| if l[i] == c { 1.0 } else { -1.0 });
        let direct = fit_predict_standardised(
            xt.view(),
            y.view(),
            x.slice(ndarray::s![0..1, ..]),
            &Regression::ridge_cv_default(),
        )
        .unwrap();
        let s = r[0].scores(x.row(0).iter().copied());
        assert_eq!(s.len(), 6);
        for (c, v) in s.iter().enumerate() {
            assert!((v - direct.predictions[[0, c]]).abs() < 1e-8);
        }
        // Labels shuffled against the features: about chance (1/6) over several draws.
        let mut accs = Vec::new();
        for seed in 0..5 {
            let perm = RandomState::new(100 + seed).permutation(60);
            let shuffled: Vec<usize> = perm.iter().map(|&k| labels[k]).collect();
            let r = leave_one_out(x.view(), &shuffled, 6).unwrap();
            accs.push(acc(
                &classify_held_out(&r, x.mapv(|v| v as f32).view()),
                &shuffled,
            ));
        }
        let mean = accs.iter().sum::<f64>() / accs.len() as f64;
        assert!(mean < 0.35, "shuffled labels {accs:?}");
    }

    #[test]
    fn bins_above_people_go_to_100() {
        assert_eq!(
            model_only_bins(70.0, 100.0),
            vec![
                (70.0, 75.0),
                (75.0, 80.0),
                (80.0, 85.0),
                (85.0, 90.0),
                (90.0, 95.0),
                (95.0, 100.0)
            ]
        );
        assert!(model_only_bins(10.0, 10.0).is_empty());
        assert_eq!(category_index("nonhuman face").unwrap(), 3);
        assert!(category_index("chair").is_err());
    }
}
