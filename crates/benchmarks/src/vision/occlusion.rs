//! `tang2018-occlusion` (METRICS §6): CIFAR-10 test images behind Gaussian bubbles at the
//! visibility bins of the human experiment, model accuracy per bin made relative to
//! chance and to unoccluded accuracy, compared with people's curves by the
//! occlusion-robustness score.
//!
//! Data: Tang et al. (2018), PNAS 115:8835 — 13 000 human 5-way trials on bubble-occluded
//! objects (kreimanlab/occlusion-classification; licence not stated), summarised by
//! visibility bin; CIFAR-10 test images (Krizhevsky 2009), the bundle's fixed seeded
//! class-balanced subset of 1 000. Headline = curve similarity with the unmasked human
//! curve; also reported: robustness ratio, the comparison with the masked curve, and —
//! for recurrent models — the same at T = 1 (feedforward sweep only), the model analogue
//! of backward masking (people: 0.605 → 0.446 accuracy below 15 % visibility).

use brainprobe_data::datasets::tang::{self, HumanAccuracyBin};
use brainprobe_metrics::bootstrap::bootstrap_ci;
use brainprobe_metrics::occlusion::{occlusion_score, relative_accuracy, AccuracyCurve};
use brainprobe_metrics::stats;
use serde::{Deserialize, Serialize};

use super::bubbles::{accuracy, TestSubset, Viewing, CLASSES, SEED_RULE};
use crate::context::RunContext;
use crate::data::DataLog;
use crate::error::{BenchError, Result};
use crate::progress::Progress;
use crate::registry::{BenchmarkSpec, Kind, Modality, Needs};
use crate::score::{Details, ErrorEstimate, Score, Undefined, Value};
use crate::subject::VisionSubject;

/// `tang2018-occlusion`.
pub const SPEC: BenchmarkSpec = BenchmarkSpec {
    id: "tang2018-occlusion",
    version: 1,
    modality: Modality::Vision,
    data: &["tang2018_occlusion", "cifar10"],
    kind: Kind::Occlusion,
    description: "CIFAR-10 accuracy under Gaussian bubbles vs people's accuracy by visibility (curve similarity)",
    citation: "Tang et al. 2018, PNAS 115:8835; Krizhevsky 2009 (CIFAR-10)",
    label: "occlusion: accuracy vs visibility, people (Tang 2018)",
    needs: Needs::Nothing,
    causal_only: false,
    baseline: None,
};

/// Human whole-image accuracy (second dataset of Tang et al., unmasked, objects 1–300; METRICS §6.1).
pub const HUMAN_WHOLE: f64 = 0.985;
/// Human chance (5-way).
pub const HUMAN_CHANCE: f64 = 0.2;
/// "Low visibility" of the paper's headline: below this percentage.
pub const LOW_VISIBILITY_PCT: f64 = 15.0;

/// Human accuracy curves by visibility bin (unmasked and masked).
pub struct HumanCurves {
    /// Unmasked bins, ascending.
    pub unmasked: Vec<HumanAccuracyBin>,
    /// Masked bins, same edges.
    pub masked: Vec<HumanAccuracyBin>,
}

impl HumanCurves {
    /// Reads the summary table and keeps the bins with upper edge ≤ `max_pct`.
    pub async fn load(log: &mut DataLog<'_>, max_pct: f64) -> Result<Self> {
        let all = tang::parse_accuracy(&log.read(tang::ACCURACY).await?)?;
        let pick = |masked: u8| {
            let mut v: Vec<HumanAccuracyBin> = all
                .iter()
                .filter(|b| b.masked == masked && b.hi_pct <= max_pct)
                .cloned()
                .collect();
            v.sort_by(|a, b| a.lo_pct.total_cmp(&b.lo_pct));
            v
        };
        let (unmasked, masked) = (pick(0), pick(1));
        let edges =
            |v: &[HumanAccuracyBin]| v.iter().map(|b| (b.lo_pct, b.hi_pct)).collect::<Vec<_>>();
        if unmasked.is_empty() || edges(&unmasked) != edges(&masked) {
            return Err(BenchError::InvalidOption {
                name: "max_visibility_pct",
                reason: format!("no matching unmasked/masked human bins up to {max_pct} %"),
            });
        }
        Ok(Self { unmasked, masked })
    }

    /// Pooled accuracy of bins below `pct` visibility.
    pub fn pooled_below(bins: &[HumanAccuracyBin], pct: f64) -> Option<f64> {
        let (c, n) = bins
            .iter()
            .filter(|b| b.hi_pct <= pct)
            .fold((0u32, 0u32), |(c, n), b| (c + b.n_correct, n + b.n_trials));
        (n > 0).then(|| c as f64 / n as f64)
    }
}

/// A model-vs-people comparison (METRICS §6.4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurveComparison {
    /// 1 − Σ w |R_model − R_human| (headline).
    pub curve_similarity: f64,
    /// Σ w R_model / Σ w R_human (1 = as robust as people).
    pub robustness_ratio: f64,
}

/// The model at one time-step cap.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    /// Time-step cap (`None` = as trained, 1 = feedforward sweep).
    pub timesteps: Option<usize>,
    /// Unoccluded accuracy on the same images.
    pub whole_accuracy: f64,
    /// Accuracy per bin.
    pub accuracy: Vec<f64>,
    /// Relative accuracy per bin: clip((a − 1/10) / (whole − 1/10), 0, 1).
    pub relative: Vec<f64>,
    /// Pooled accuracy in the bins below 15 % visibility.
    pub low_visibility_accuracy: Option<f64>,
    /// Against the unmasked human curve.
    pub vs_unmasked: CurveComparison,
    /// Against the masked human curve.
    pub vs_masked: CurveComparison,
}

/// One visibility bin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BinSummary {
    /// Lower edge, percent visible.
    pub lo_pct: f64,
    /// Upper edge, percent visible.
    pub hi_pct: f64,
    /// Mean visibility the bubbles achieved.
    pub mean_visible_pct: f64,
    /// Human trials (unmasked) — the bin weight.
    pub human_trials: u32,
    /// Human accuracy, unmasked.
    pub human_unmasked: f64,
    /// Human accuracy, masked.
    pub human_masked: f64,
}

/// Occlusion results beside the headline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OcclusionDetails {
    /// Test images (all shown at every bin).
    pub images: usize,
    /// How bubble seeds are made.
    pub seed_rule: String,
    /// The bins.
    pub bins: Vec<BinSummary>,
    /// Human relative accuracy per bin, unmasked (whole 0.985, chance 0.2).
    pub human_relative_unmasked: Vec<f64>,
    /// Human relative accuracy per bin, masked.
    pub human_relative_masked: Vec<f64>,
    /// Human pooled accuracy below 15 % visibility: (unmasked, masked).
    pub human_low_visibility: (Option<f64>, Option<f64>),
    /// The model as trained (or at the requested cap).
    pub model: Variant,
    /// Recurrent models at T = 1: the backward-masking analogue.
    pub feedforward: Option<Variant>,
}

/// Predictions of one variant: unoccluded, then per bin.
pub struct Predictions {
    /// Time-step cap.
    pub timesteps: Option<usize>,
    /// Unoccluded predictions.
    pub whole: Vec<usize>,
    /// Per bin.
    pub bins: Vec<Vec<usize>>,
}

fn compare(model: &AccuracyCurve<'_>, human: &[HumanAccuracyBin]) -> Result<CurveComparison> {
    let acc: Vec<f64> = human.iter().map(|b| b.accuracy).collect();
    let n: Vec<f64> = human.iter().map(|b| b.n_trials as f64).collect();
    let h = AccuracyCurve {
        accuracy: &acc,
        whole: HUMAN_WHOLE,
        chance: HUMAN_CHANCE,
    };
    let s = occlusion_score(model, &h, &n)?;
    Ok(CurveComparison {
        curve_similarity: s.curve_similarity,
        robustness_ratio: s.robustness_ratio,
    })
}

/// Accuracy curves of `p` (every bin has the same images, so the mean of bin accuracies
/// is the pooled accuracy), compared with people.
fn variant(p: &Predictions, labels: &[usize], human: &HumanCurves) -> Result<Variant> {
    let whole = accuracy(&p.whole, labels);
    let acc: Vec<f64> = p.bins.iter().map(|b| accuracy(b, labels)).collect();
    let curve = AccuracyCurve {
        accuracy: &acc,
        whole,
        chance: 1.0 / CLASSES as f64,
    };
    let low: Vec<f64> = human
        .unmasked
        .iter()
        .zip(&acc)
        .filter(|(b, _)| b.hi_pct <= LOW_VISIBILITY_PCT)
        .map(|(_, a)| *a)
        .collect();
    Ok(Variant {
        timesteps: p.timesteps,
        whole_accuracy: whole,
        relative: relative_accuracy(&curve),
        low_visibility_accuracy: (!low.is_empty())
            .then(|| low.iter().sum::<f64>() / low.len() as f64),
        vs_unmasked: compare(&curve, &human.unmasked)?,
        vs_masked: compare(&curve, &human.masked)?,
        accuracy: acc,
    })
}

/// Curve similarity (vs unmasked people) on a resample of images: the bootstrap statistic.
fn resampled_similarity(
    p: &Predictions,
    labels: &[usize],
    human: &HumanCurves,
    idx: &[usize],
) -> f64 {
    let pick = |v: &[usize]| idx.iter().map(|&i| v[i]).collect::<Vec<_>>();
    let l = pick(labels);
    let q = Predictions {
        timesteps: p.timesteps,
        whole: pick(&p.whole),
        bins: p.bins.iter().map(|b| pick(b)).collect(),
    };
    variant(&q, &l, human).map_or(f64::NAN, |v| v.vs_unmasked.curve_similarity)
}

/// Builds the score from predictions (public for tests and the app).
pub fn score_predictions(
    score: &mut Score,
    labels: &[usize],
    visible: &[f64],
    human: &HumanCurves,
    model: &Predictions,
    feedforward: Option<&Predictions>,
) -> Result<()> {
    let m = variant(model, labels, human)?;
    let whole = m.whole_accuracy;
    let margin = whole - 1.0 / CLASSES as f64;
    let ff = feedforward.map(|p| variant(p, labels, human)).transpose()?;
    let rel = |bins: &[HumanAccuracyBin]| {
        let acc: Vec<f64> = bins.iter().map(|b| b.accuracy).collect();
        relative_accuracy(&AccuracyCurve {
            accuracy: &acc,
            whole: HUMAN_WHOLE,
            chance: HUMAN_CHANCE,
        })
    };
    let ci = bootstrap_ci(labels.len(), 1000, 0.95, 0, |idx| {
        resampled_similarity(model, labels, human, idx)
    })?;
    let sd = stats::variance(
        &ci.samples
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect::<Vec<_>>(),
        1,
    )
    .sqrt();
    score.error = sd.is_finite().then(|| ErrorEstimate {
        value: sd,
        method: format!(
            "SD of 1000 bootstrap resamples of the {} images (seed 0)",
            labels.len()
        ),
    });
    score.set_raw(Value::finite_or(
        m.vs_unmasked.curve_similarity,
        Undefined::NotFinite,
    ));
    score.details = Some(Details::Occlusion(OcclusionDetails {
        images: labels.len(),
        seed_rule: SEED_RULE.into(),
        bins: human
            .unmasked
            .iter()
            .zip(&human.masked)
            .zip(visible)
            .map(|((u, k), v)| BinSummary {
                lo_pct: u.lo_pct,
                hi_pct: u.hi_pct,
                mean_visible_pct: *v,
                human_trials: u.n_trials,
                human_unmasked: u.accuracy,
                human_masked: k.accuracy,
            })
            .collect(),
        human_relative_unmasked: rel(&human.unmasked),
        human_relative_masked: rel(&human.masked),
        human_low_visibility: (
            HumanCurves::pooled_below(&human.unmasked, LOW_VISIBILITY_PCT),
            HumanCurves::pooled_below(&human.masked, LOW_VISIBILITY_PCT),
        ),
        model: m,
        feedforward: ff,
    }));
    if margin < 0.1 {
        score.notes.push(format!(
            "whole-image accuracy {:.3} is within 10 points of chance (0.1): relative accuracy divides by {margin:.3}, so the curve and the score are dominated by noise (see the error estimate)",
            whole
        ));
    }
    score.notes.push("no ceiling: 1 = the model keeps the same share of its unoccluded accuracy as people do in every bin (METRICS §6.4)".into());
    score.notes.push("human curve: all unmasked trials pooled (all SOAs, objects 1–325), whole-image accuracy 0.985 from Tang et al.'s second dataset; the masked curve is compared with the same whole-image value".into());
    Ok(())
}

/// Runs the benchmark.
pub async fn run(
    spec: &BenchmarkSpec,
    subject: &VisionSubject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<Score> {
    let opts = &ctx.options;
    let mut log = DataLog::new(&ctx.assets);
    let human = HumanCurves::load(&mut log, opts.max_visibility_pct).await?;
    let subset = TestSubset::load(&mut log, opts.occlusion_per_class).await?;
    let labels = subset.labels();
    let norm = subject.model.normalisation;
    let with_ff = opts.feedforward_variant && subject.is_recurrent() && subject.steps != Some(1);
    let mut views = vec![Viewing::Whole];
    views.extend(human.unmasked.iter().map(|b| Viewing::Bin {
        lo: b.lo_pct,
        hi: b.hi_pct,
    }));
    let mut full = Predictions {
        timesteps: subject.steps,
        whole: Vec::new(),
        bins: Vec::new(),
    };
    let mut ff = Predictions {
        timesteps: Some(1),
        whole: Vec::new(),
        bins: Vec::new(),
    };
    let mut visible = Vec::new();
    for (k, view) in views.iter().enumerate() {
        let stage = match view {
            Viewing::Bin { lo, hi } => format!("bin {lo}–{hi} % ({}/{})", k, views.len() - 1),
            _ => "whole images".to_string(),
        };
        let (inputs, vis) = subset.inputs(*view, &norm)?;
        let p = subject
            .predict(&inputs, subject.steps, &stage, progress)
            .await?;
        let q = if with_ff {
            Some(
                subject
                    .predict(&inputs, Some(1), &format!("{stage}, T=1"), progress)
                    .await?,
            )
        } else {
            None
        };
        if k == 0 {
            full.whole = p;
            ff.whole = q.unwrap_or_default();
        } else {
            visible.push(vis);
            full.bins.push(p);
            ff.bins.extend(q);
        }
    }
    let data = log.finish().await?;
    let mut score = Score::new(
        spec,
        subject.model_ref(subject.steps),
        data,
        "occlusion-robustness curve similarity with people (unmasked), 1 − Σ w |R_model − R_human|",
    );
    score_predictions(
        &mut score,
        &labels,
        &visible,
        &human,
        &full,
        with_ff.then_some(&ff),
    )?;
    Ok(score)
}
