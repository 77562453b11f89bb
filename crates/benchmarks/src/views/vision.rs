//! The Vision and Occlusion pages' views: the headline layer's RDM beside the brain's
//! with each image's nearest images in both (IT RSA), and relative accuracy against
//! visibility for the model and for people (`tang2018-occlusion`).

use brainprobe_metrics::rsa;
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::{LayerCurve, Views};
use crate::context::RunContext;
use crate::error::Result;
use crate::progress::Progress;
use crate::registry::BenchmarkSpec;
use crate::score::{Details, Run, Score};
use crate::subject::VisionSubject;
use crate::vision::attractor::AttractorDetails;
use crate::vision::kriegeskorte2008::{self, Target};

/// How many neighbours [`Neighbours`] lists per image.
pub const NEIGHBOURS: usize = 5;

/// The headline layer's RDM beside the brain RDM the score's category structure is read
/// from, both `n × n` row-major (1 − Pearson).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RdmPair {
    /// Layer whose RDM is sent (the headline layer).
    pub layer: String,
    /// Images per side.
    pub n: usize,
    /// That layer's RDM.
    pub model: Vec<f32>,
    /// The brain RDM (mean over subjects, or the monkey RDM).
    pub brain: Vec<f32>,
    /// Category of each image, in RDM order.
    pub categories: Vec<String>,
}

/// Each image's [`NEIGHBOURS`] least dissimilar images in the model's RDM and the brain's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Neighbours {
    /// Row `i`: the images nearest to image `i` in the model RDM, nearest first.
    pub model: Vec<Vec<usize>>,
    /// The same in the brain RDM.
    pub brain: Vec<Vec<usize>>,
}

/// Indices of the `k` images least dissimilar to `i` in `rdm` (itself excluded; ties by
/// index, non-finite entries last).
pub fn nearest(rdm: &Array2<f64>, i: usize, k: usize) -> Vec<usize> {
    if i >= rdm.nrows() {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..rdm.ncols()).filter(|&j| j != i).collect();
    let key = |j: usize| {
        let d = rdm[(i, j)];
        if d.is_finite() {
            d
        } else {
            f64::INFINITY
        }
    };
    order.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(a.cmp(&b)));
    order.truncate(k);
    order
}

fn neighbours(rdm: &Array2<f64>) -> Vec<Vec<usize>> {
    (0..rdm.nrows())
        .map(|i| nearest(rdm, i, NEIGHBOURS))
        .collect()
}

/// An IT RSA benchmark with the headline layer's RDM and the nearest neighbours.
pub async fn rsa_run(
    spec: &BenchmarkSpec,
    target: Target,
    subject: &VisionSubject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<Run> {
    let run = kriegeskorte2008::run_recorded(spec, target, subject, ctx, progress).await?;
    // the headline's layer, or the most chosen one when it was chosen per subject
    let layer = match (&run.score.layer, &run.score.details) {
        (Some(l), _) => l.clone(),
        (None, Some(crate::score::Details::Rsa(d))) => d.layer.clone(),
        (None, _) => String::new(),
    };
    let brain = &run.reference.group;
    let mut views = Views {
        layer_curve: LayerCurve::of(&run.score),
        ..Views::default()
    };
    if let Some(l) = run.layers.iter().find(|l| l.name == layer) {
        let model = rsa::rdm(l.values.mapv(f64::from).view())?.matrix;
        views.neighbours = Some(Neighbours {
            model: neighbours(&model),
            brain: neighbours(brain),
        });
        views.rdms = Some(RdmPair {
            layer,
            n: model.nrows(),
            model: model.iter().map(|&x| x as f32).collect(),
            brain: brain.iter().map(|&x| x as f32).collect(),
            categories: run
                .reference
                .stimuli
                .iter()
                .map(|s| s.category.clone())
                .collect(),
        });
    }
    Ok(Run {
        score: run.score,
        views,
    })
}

/// One curve of relative accuracy (0–1) per visibility bin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OcclusionCurve {
    /// Who: the model, the model at T = 1, people unmasked or masked.
    pub name: String,
    /// (accuracy − chance) / (unoccluded − chance), clipped to [0, 1], per bin.
    pub relative_accuracy: Vec<f64>,
}

/// Relative accuracy against visibility: the model as trained, at T = 1 (recurrent
/// models), and people unmasked and backward-masked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OcclusionCurves {
    /// Bin centres, percent of pixels visible.
    pub visible_pct: Vec<f64>,
    /// Upper edge of the last bin (the plot's right end).
    pub max_pct: f64,
    /// Model, model at T = 1 (when recurrent), people unmasked, people masked.
    pub curves: Vec<OcclusionCurve>,
}

impl OcclusionCurves {
    /// The curves of an occlusion score (`None` for other benchmarks).
    pub fn of(score: &Score) -> Option<Self> {
        let Some(Details::Occlusion(d)) = &score.details else {
            return None;
        };
        let model = &score.model.id;
        let curve = |name: String, ys: &[f64]| OcclusionCurve {
            name,
            relative_accuracy: ys.to_vec(),
        };
        let mut curves = vec![curve(
            format!("{model} (full recurrence)"),
            &d.model.relative,
        )];
        if let Some(ff) = &d.feedforward {
            curves.push(curve(format!("{model} at T = 1"), &ff.relative));
        }
        curves.push(curve("people, unmasked".into(), &d.human_relative_unmasked));
        curves.push(curve(
            "people, backward-masked".into(),
            &d.human_relative_masked,
        ));
        Some(OcclusionCurves {
            visible_pct: d.bins.iter().map(|b| (b.lo_pct + b.hi_pct) / 2.0).collect(),
            max_pct: d.bins.last().map_or(35.0, |b| b.hi_pct),
            curves,
        })
    }
}

/// Sweeps the attractor state takes to settle, averaged over the occluded bins (each bin
/// weighted equally; 0 without bins).
pub fn mean_sweeps_to_settle(d: &AttractorDetails) -> f64 {
    d.bins.iter().map(|b| b.mean_sweeps_to_settle).sum::<f64>() / d.bins.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_excludes_itself_orders_by_distance_and_puts_nan_last() {
        let m = Array2::from_shape_vec(
            (4, 4),
            vec![
                0.0,
                0.9,
                0.1,
                f64::NAN, //
                0.9,
                0.0,
                0.5,
                0.2, //
                0.1,
                0.5,
                0.0,
                0.3, //
                f64::NAN,
                0.2,
                0.3,
                0.0,
            ],
        )
        .expect("4 × 4");
        assert_eq!(nearest(&m, 0, 3), vec![2, 1, 3]);
        assert_eq!(nearest(&m, 1, 2), vec![3, 2]);
        assert!(nearest(&m, 9, 2).is_empty());
        assert_eq!(neighbours(&m)[3], vec![1, 2, 0]);
    }
}
