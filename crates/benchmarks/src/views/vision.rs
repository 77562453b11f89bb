//! The Vision and Occlusion pages' views: the headline layer's RDM beside the brain's
//! with each image's nearest images in both (IT RSA), and relative accuracy against
//! visibility for the model and for people (`tang2018-occlusion`): every bin with human
//! trials up to 70 % plus the unoccluded images, with each condition's n, the model's most
//! frequent answer and the degenerate-answer flags (METRICS §10.5).

use brainprobe_metrics::rsa;
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::{ClassGuess, LayerCurve, Views};
use crate::context::RunContext;
use crate::error::Result;
use crate::progress::Progress;
use crate::registry::BenchmarkSpec;
use crate::score::{Details, Run, Score};
use crate::subject::VisionSubject;
use crate::vision::attractor::AttractorDetails;
use crate::vision::kriegeskorte2008::{self, Target};
use crate::vision::occlusion::{
    Answers, BinSummary, Variant, HUMAN_CHANCE, HUMAN_WHOLE, HUMAN_WHOLE_TRIALS, MAX_VISIBILITY_PCT,
};
use brainprobe_metrics::occlusion::{relative_accuracy, AccuracyCurve};
use brainprobe_models::vision::imagenet::top_k;

/// How many classes [`Views::top_classes`] lists per image.
pub const TOP_CLASSES: usize = 5;

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
    if let (Some(names), Some(logits)) = (
        subject.model.imagenet_class_names(),
        run.layers.iter().find(|l| l.name == "logits"),
    ) {
        views.top_classes = Some(
            logits
                .values
                .rows()
                .into_iter()
                .map(|row| {
                    let row: Vec<f32> = row.to_vec();
                    top_k(&row, TOP_CLASSES)
                        .into_iter()
                        .map(|(c, p)| ClassGuess {
                            name: names.get(c).cloned().unwrap_or_default(),
                            probability: p,
                        })
                        .collect()
                })
                .collect(),
        );
    }
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

/// One condition of an occlusion curve: a visibility bin, or the unoccluded images.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OcclusionPoint {
    /// Lower edge, percent visible (100 for the unoccluded images).
    pub lo_pct: f64,
    /// Upper edge, percent visible (100 for the unoccluded images).
    pub hi_pct: f64,
    /// Where the plot puts it: the bin centre, 100 for the unoccluded images.
    pub visible_pct: f64,
    /// Top-1 accuracy (0–1).
    pub accuracy: f64,
    /// (accuracy − chance) / (unoccluded − chance), clipped to [0, 1].
    pub relative: f64,
    /// Images shown (model) or trials (people).
    pub n: usize,
    /// The class the model answered most often and its share of the answers (models only).
    pub top_answer: Option<(String, f64)>,
    /// One class takes ≥ 50 % of the answers (METRICS §10.5).
    pub collapsed: bool,
}

impl OcclusionPoint {
    /// Whether this point is the unoccluded images.
    pub fn is_whole(&self) -> bool {
        self.lo_pct >= 100.0
    }
}

/// One system's accuracy against visibility.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OcclusionCurve {
    /// Who: the model, the model at T = 1, people unmasked or masked.
    pub name: String,
    /// Whether it is a model (its answers are known) rather than people.
    pub is_model: bool,
    /// Chance accuracy (1/10 for CIFAR-10 models, 1/5 for people).
    pub chance: f64,
    /// (accuracy − chance) / (unoccluded − chance), clipped to [0, 1], per bin.
    pub relative_accuracy: Vec<f64>,
    /// Every bin in order, then the unoccluded images.
    pub points: Vec<OcclusionPoint>,
    /// Unoccluded accuracy within 10 points of chance (or below it): the curve is noise,
    /// or 0 everywhere by definition (METRICS §6.4, §10.5).
    pub near_chance: bool,
}

impl OcclusionCurve {
    /// The conditions whose answers collapse to one class.
    pub fn collapsed(&self) -> impl Iterator<Item = &OcclusionPoint> {
        self.points.iter().filter(|p| p.collapsed)
    }
}

/// Accuracy and relative accuracy against visibility: the model as trained, at T = 1
/// (recurrent models), and people unmasked and backward-masked; every bin with human
/// trials up to 70 % plus the unoccluded images.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OcclusionCurves {
    /// Bin centres, percent of pixels visible.
    pub visible_pct: Vec<f64>,
    /// Upper edge of the last bin.
    pub max_pct: f64,
    /// Mean visibility the bubbles reached in each bin (percent).
    pub reached_pct: Vec<f64>,
    /// Model, model at T = 1 (when recurrent), people unmasked, people masked.
    pub curves: Vec<OcclusionCurve>,
    /// Curve similarity of every model at chance (1 − Σ w R_human).
    pub chance_floor: f64,
}

fn model_curve(name: String, v: &Variant, bins: &[BinSummary]) -> OcclusionCurve {
    let chance = v.chance;
    let rel_whole = relative_accuracy(&AccuracyCurve {
        accuracy: &[v.whole_accuracy],
        whole: v.whole_accuracy,
        chance,
    });
    let point =
        |lo: f64, hi: f64, x: f64, acc: f64, rel: f64, a: Option<&Answers>| OcclusionPoint {
            lo_pct: lo,
            hi_pct: hi,
            visible_pct: x,
            accuracy: acc,
            relative: rel,
            n: a.map_or(0, |a| a.n),
            top_answer: a
                .filter(|a| a.n > 0)
                .map(|a| (a.top_class.clone(), a.top_share)),
            collapsed: a.is_some_and(|a| a.collapsed),
        };
    let mut points: Vec<OcclusionPoint> = bins
        .iter()
        .enumerate()
        .map(|(k, b)| {
            point(
                b.lo_pct,
                b.hi_pct,
                (b.lo_pct + b.hi_pct) / 2.0,
                v.accuracy.get(k).copied().unwrap_or(f64::NAN),
                v.relative.get(k).copied().unwrap_or(f64::NAN),
                v.answers.get(k),
            )
        })
        .collect();
    points.push(point(
        100.0,
        100.0,
        100.0,
        v.whole_accuracy,
        rel_whole[0],
        Some(&v.whole_answers),
    ));
    OcclusionCurve {
        name,
        is_model: true,
        chance,
        relative_accuracy: v.relative.clone(),
        points,
        near_chance: v.near_chance,
    }
}

fn human_curve(name: &str, acc: &[f64], relative: &[f64], bins: &[BinSummary]) -> OcclusionCurve {
    let mut points: Vec<OcclusionPoint> = bins
        .iter()
        .zip(acc.iter().zip(relative))
        .map(|(b, (&a, &r))| OcclusionPoint {
            lo_pct: b.lo_pct,
            hi_pct: b.hi_pct,
            visible_pct: (b.lo_pct + b.hi_pct) / 2.0,
            accuracy: a,
            relative: r,
            n: b.human_trials as usize,
            top_answer: None,
            collapsed: false,
        })
        .collect();
    points.push(OcclusionPoint {
        lo_pct: 100.0,
        hi_pct: 100.0,
        visible_pct: 100.0,
        accuracy: HUMAN_WHOLE,
        relative: 1.0,
        n: HUMAN_WHOLE_TRIALS as usize,
        top_answer: None,
        collapsed: false,
    });
    OcclusionCurve {
        name: name.into(),
        is_model: false,
        chance: HUMAN_CHANCE,
        relative_accuracy: relative.to_vec(),
        points,
        near_chance: false,
    }
}

impl OcclusionCurves {
    /// The curves of an occlusion score (`None` for other benchmarks).
    pub fn of(score: &Score) -> Option<Self> {
        let Some(Details::Occlusion(d)) = &score.details else {
            return None;
        };
        let model = &score.model.id;
        let mut curves = vec![model_curve(
            format!("{model} (full recurrence)"),
            &d.model,
            &d.bins,
        )];
        if let Some(ff) = &d.feedforward {
            curves.push(model_curve(format!("{model} at T = 1"), ff, &d.bins));
        }
        let unmasked: Vec<f64> = d.bins.iter().map(|b| b.human_unmasked).collect();
        let masked: Vec<f64> = d.bins.iter().map(|b| b.human_masked).collect();
        curves.push(human_curve(
            "people, unmasked",
            &unmasked,
            &d.human_relative_unmasked,
            &d.bins,
        ));
        curves.push(human_curve(
            "people, backward-masked",
            &masked,
            &d.human_relative_masked,
            &d.bins,
        ));
        Some(OcclusionCurves {
            visible_pct: d.bins.iter().map(|b| (b.lo_pct + b.hi_pct) / 2.0).collect(),
            max_pct: d.bins.last().map_or(MAX_VISIBILITY_PCT, |b| b.hi_pct),
            reached_pct: d.bins.iter().map(|b| b.mean_visible_pct).collect(),
            curves,
            chance_floor: d.chance_floor,
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
