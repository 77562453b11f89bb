//! One photo's trajectory through `tang2018-attractor-objects`' Hopfield network, sweep by
//! sweep (the Occlusion page's attractor animation). Everything is the benchmark's own: the
//! 92 whole photos' penultimate features binarised against their unit means are the stored
//! patterns; the photo behind the bubbles of one bin (its seed rule) starts the network;
//! the sweeps run in the benchmark's seeded order for that photo and bin; after each sweep
//! the state is read out by the benchmark's held-out category readout (fitted on the other
//! 91 binarised whole photos) and by its nearest stored pattern. So the last answer here is
//! the benchmark's answer for this photo in this bin.

use serde::{Deserialize, Serialize};

use super::attractor_objects::pattern_matrix;
use super::hopfield::{binarise, binarise_rows, unit_means, Hopfield};
use super::object_photos::{
    model_input, record_features, record_layer, LinearReadout, ObjectPhotos, CATEGORIES,
};
use super::occlusion_image::{bin_of, ShownImage, WHOLE_PCT};
use crate::context::RunContext;
use crate::data::DataLog;
use crate::error::{BenchError, Result};
use crate::progress::Progress;
use crate::subject::Subject;
use ndarray::Axis;

/// States kept for the animation (the readout is kept for every sweep); the networks here
/// settle within a few sweeps.
pub const MAX_STATES: usize = 64;

/// The network after one sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    /// Category the held-out state readout gives.
    pub answer: String,
    /// Stimulus index of the nearest stored pattern (largest overlap).
    pub nearest: usize,
    /// That pattern's category.
    pub nearest_category: String,
    /// Overlap with the photo's own whole-photo pattern, (1/n) Σ sᵢ ξᵢ (1 = recalled).
    pub own_overlap: f64,
    /// Units that changed sign in this sweep (0 for the starting state).
    pub flipped: usize,
}

/// [`trace`]'s answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttractorTrace {
    /// Model identifier.
    pub model: String,
    /// Stimulus index (0–91).
    pub photo: usize,
    /// The photo's category.
    pub category: String,
    /// Lower edge of the bin in percent (100 = the whole photo).
    pub lo_pct: u32,
    /// Visibility of the object reached (percent).
    pub visible_pct: f64,
    /// The occluded photo.
    pub shown: ShownImage,
    /// Units of the network (the penultimate layer's width).
    pub units: usize,
    /// Stored patterns (the 92 whole photos).
    pub patterns: usize,
    /// Category the feedforward readout gives the occluded features.
    pub feedforward: String,
    /// Index 0 = the starting state, then one per sweep until the state settled (at most
    /// `attractor_steps`).
    pub sweeps: Vec<Sweep>,
    /// ±1 states for the animation: the first [`MAX_STATES`] of `sweeps`.
    pub states: Vec<Vec<i8>>,
    /// Sweeps until nothing changed (`attractor_steps` if it never settled).
    pub settled_after: usize,
    /// Where the model ran.
    pub device: String,
}

fn overlap(a: &[i8], b: &[i8]) -> f64 {
    let dot: i32 = a
        .iter()
        .zip(b)
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum();
    f64::from(dot) / a.len().max(1) as f64
}

fn category(c: usize) -> String {
    CATEGORIES.get(c).copied().unwrap_or("?").to_string()
}

/// Runs photo `photo` (0–91) behind the bubbles of the bin starting at `lo_pct` (≥ 100:
/// whole) through the benchmark's attractor, keeping every sweep.
pub async fn trace(
    photo: usize,
    lo_pct: u32,
    subject: &Subject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<AttractorTrace> {
    let Subject::Vision(vision) = subject else {
        return Err(BenchError::WrongModality {
            benchmark: "tang2018-attractor-objects".into(),
            model: subject.id().to_string(),
            needs: "vision",
        });
    };
    let mut log = DataLog::new(&ctx.assets);
    let photos = ObjectPhotos::load(&mut log, None).await?;
    if photo >= photos.len() {
        return Err(BenchError::InvalidOption {
            name: "photo",
            reason: format!("photo {photo} is not one of the {} photos", photos.len()),
        });
    }
    let whole = record_features(vision, &photos, &[], progress).await?.whole;
    let lo = bin_of(lo_pct);
    let (img, visible_pct) = photos.at_bin(photo, lo)?;
    let occluded = record_layer(
        vision,
        &[model_input(vision, &img)],
        "occluded photo",
        progress,
    )
    .await?;
    let thr = unit_means(whole.view());
    let patterns = binarise_rows(whole.view(), &thr);
    let others: Vec<usize> = (0..photos.len()).filter(|&j| j != photo).collect();
    let labels: Vec<usize> = others.iter().map(|&j| photos.labels[j]).collect();
    let ff = LinearReadout::fit(
        whole.mapv(f64::from).select(Axis(0), &others).view(),
        &labels,
        CATEGORIES.len(),
    )?;
    let readout = LinearReadout::fit(
        pattern_matrix(&patterns).select(Axis(0), &others).view(),
        &labels,
        CATEGORIES.len(),
    )?;
    let features = occluded.row(0).to_vec();
    let feedforward = category(ff.classify(features.iter().map(|&v| f64::from(v))));
    let own = patterns[photo].clone();
    let net = Hopfield::new(patterns);
    let start = binarise(&features, &thr);
    // The benchmark's sweep seed for this photo: 10 000 · lo + i in a bin, i for whole photos.
    let seed = if lo >= WHOLE_PCT { 0 } else { 10_000 * lo } + photo as u32;
    // One readout per state the network passed through (the starting state, then each sweep
    // that changed something); `run_with` pads its answers to every sweep after settling.
    let mut states: Vec<Vec<i8>> = Vec::new();
    let (answers, settled, _) = net.run_with(start, ctx.options.attractor_steps, seed, |s| {
        states.push(s.to_vec());
        readout.classify(s.iter().map(|&v| f64::from(v)))
    });
    let mut sweeps = Vec::with_capacity(states.len());
    for (k, s) in states.iter().enumerate() {
        let nearest = net.nearest(s);
        sweeps.push(Sweep {
            answer: category(answers[k]),
            nearest: photos.index[nearest],
            nearest_category: category(photos.labels[nearest]),
            own_overlap: overlap(s, &own),
            flipped: k.checked_sub(1).map_or(0, |p| {
                s.iter().zip(&states[p]).filter(|(a, b)| a != b).count()
            }),
        });
    }
    states.truncate(MAX_STATES);
    Ok(AttractorTrace {
        model: vision.model_ref(vision.steps).id,
        photo: photos.index[photo],
        category: category(photos.labels[photo]),
        lo_pct: lo,
        visible_pct,
        shown: ShownImage::of(&img)?,
        units: net.units(),
        patterns: net.patterns.len(),
        feedforward,
        sweeps,
        states,
        settled_after: settled,
        device: vision.model_ref(vision.steps).device,
    })
}
