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
//!
//! Bins (METRICS §10.5): every 5 % bin from 0 to 70 % visible where the human table has
//! trials (0–5 … 55–60 and 65–70; nobody saw 60–65 %), plus the unoccluded images. What
//! the model answered is kept per condition, and the notes flag conditions where one class
//! takes ≥ 50 % of the answers and whole-image accuracy within 10 points of chance.

use brainprobe_data::datasets::cifar;
use brainprobe_data::datasets::tang::{self, HumanAccuracyBin};
use brainprobe_metrics::bootstrap::bootstrap_ci;
use brainprobe_metrics::occlusion::{
    near_chance, occlusion_score, relative_accuracy, top_answer, AccuracyCurve,
};
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
/// Trials behind [`HUMAN_WHOLE`].
pub const HUMAN_WHOLE_TRIALS: u32 = 780;
/// Upper edge of the highest bin scored by default: the human table's last bin with
/// trials is 65–70 % (METRICS §10.5).
pub const MAX_VISIBILITY_PCT: f64 = 70.0;
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
    /// Reads the summary table and keeps the bins with trials and upper edge ≤ `max_pct`.
    pub async fn load(log: &mut DataLog<'_>, max_pct: f64) -> Result<Self> {
        let all = tang::parse_accuracy(&log.read(tang::ACCURACY).await?)?;
        Self::from_table(&all, max_pct)
    }

    /// The bins of `all` (rows of the summary table) that have trials and an upper edge
    /// ≤ `max_pct`, unmasked and masked, ascending; the two must have the same edges.
    pub fn from_table(all: &[HumanAccuracyBin], max_pct: f64) -> Result<Self> {
        let pick = |masked: u8| {
            let mut v: Vec<HumanAccuracyBin> = all
                .iter()
                .filter(|b| b.masked == masked && b.hi_pct <= max_pct && b.n_trials > 0)
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

/// What a model answered in one condition (the whole images or one bin).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Answers {
    /// Images shown.
    pub n: usize,
    /// Images answered correctly.
    pub correct: usize,
    /// The class answered most often (the lower class index on ties).
    pub top_class: String,
    /// Its share of the answers (0–1).
    pub top_share: f64,
    /// One class takes ≥ 50 % of the answers: "answers collapse to one class" (METRICS §10.5).
    pub collapsed: bool,
}

impl Answers {
    /// The answers `predicted` (CIFAR-10 class indices) to images labelled `labels`.
    pub fn of(predicted: &[usize], labels: &[usize]) -> Self {
        Self::named(predicted, labels, &cifar::CLASSES)
    }

    /// The answers `predicted` (indices into `classes`) to images labelled `labels`.
    pub fn named(predicted: &[usize], labels: &[usize], classes: &[&str]) -> Self {
        let top = top_answer(predicted);
        Answers {
            n: predicted.len(),
            correct: predicted.iter().zip(labels).filter(|(p, l)| p == l).count(),
            top_class: top
                .map(|t| classes.get(t.class).copied().unwrap_or("?").to_string())
                .unwrap_or_default(),
            top_share: top.map_or(0.0, |t| t.share()),
            collapsed: top.is_some_and(|t| t.collapsed()),
        }
    }
}

/// The note flagging the conditions (`(name, answers)`) whose answers collapse to one
/// class, or `None` when none does. `who` names the readout.
pub fn collapse_note(who: &str, conditions: &[(String, &Answers)]) -> Option<String> {
    let hit: Vec<String> = conditions
        .iter()
        .filter(|(_, a)| a.collapsed)
        .map(|(name, a)| format!("{name} {} {:.1} %", a.top_class, 100.0 * a.top_share))
        .collect();
    (!hit.is_empty()).then(|| {
        format!(
            "{who}: answers collapse to one class (one class takes ≥ 50 % of the answers) in {} of {} conditions: {}",
            hit.len(),
            conditions.len(),
            hit.join("; ")
        )
    })
}

/// Name of a condition: `whole images` or the bin `lo–hi %`.
pub fn condition_name(lo_pct: f64, hi_pct: f64) -> String {
    if lo_pct <= 0.0 && hi_pct >= 100.0 {
        "whole images".into()
    } else {
        format!("{lo_pct}–{hi_pct} %")
    }
}

/// What a model chooses among: the classes of its answers and its chance level.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Task<'a> {
    /// Class names, by index.
    pub classes: &'a [&'a str],
    /// Chance accuracy (1 / number of classes).
    pub chance: f64,
    /// How bubble seeds are made.
    pub seed_rule: &'a str,
    /// Score accuracy as balanced accuracy (the mean of the per-class recalls), for
    /// unequal classes: any answer that ignores the image — always the largest class —
    /// then scores chance (1 / classes), not that class's share. Equal classes (CIFAR-10)
    /// use plain accuracy, which is then the same number.
    pub balanced: bool,
}

impl Task<'_> {
    /// Accuracy of `predicted` against `labels` as this task scores it ([`Task::balanced`]).
    pub fn accuracy(&self, predicted: &[usize], labels: &[usize]) -> f64 {
        if self.balanced {
            balanced_accuracy(predicted, labels)
        } else {
            accuracy(predicted, labels)
        }
    }
}

/// The mean over the classes present in `labels` of the share of their items predicted
/// right (0 for no labels).
pub fn balanced_accuracy(predicted: &[usize], labels: &[usize]) -> f64 {
    let classes = labels.iter().copied().max().map_or(0, |m| m + 1);
    let (mut right, mut total) = (vec![0usize; classes], vec![0usize; classes]);
    for (p, &l) in predicted.iter().zip(labels) {
        total[l] += 1;
        right[l] += usize::from(*p == l);
    }
    let recalls: Vec<f64> = right
        .iter()
        .zip(&total)
        .filter(|(_, &t)| t > 0)
        .map(|(&r, &t)| r as f64 / t as f64)
        .collect();
    if recalls.is_empty() {
        0.0
    } else {
        recalls.iter().sum::<f64>() / recalls.len() as f64
    }
}

/// CIFAR-10's 10 classes (`tang2018-occlusion`, `tang2018-attractor`).
pub const CIFAR_TASK: Task<'static> = Task {
    classes: &cifar::CLASSES,
    chance: 1.0 / CLASSES as f64,
    seed_rule: SEED_RULE,
    balanced: false,
};

fn cifar_chance() -> f64 {
    CIFAR_TASK.chance
}

/// The model at one time-step cap.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    /// Time-step cap (`None` = as trained, 1 = feedforward sweep).
    pub timesteps: Option<usize>,
    /// Chance accuracy of the model's answers (1/10 for CIFAR-10).
    #[serde(default = "cifar_chance")]
    pub chance: f64,
    /// Unoccluded accuracy on the same images.
    pub whole_accuracy: f64,
    /// Accuracy per bin.
    pub accuracy: Vec<f64>,
    /// Relative accuracy per bin: clip((a − chance) / (whole − chance), 0, 1).
    pub relative: Vec<f64>,
    /// Pooled accuracy in the bins below 15 % visibility.
    pub low_visibility_accuracy: Option<f64>,
    /// Against the unmasked human curve.
    pub vs_unmasked: CurveComparison,
    /// Against the masked human curve.
    pub vs_masked: CurveComparison,
    /// What the model answered on the unoccluded images.
    #[serde(default)]
    pub whole_answers: Answers,
    /// What it answered in each bin (same order as `accuracy`).
    #[serde(default)]
    pub answers: Vec<Answers>,
    /// Whole-image accuracy within 10 points of chance (or below): relative accuracy is
    /// noise, or 0 by definition at chance (METRICS §6.4, §10.5).
    #[serde(default)]
    pub near_chance: bool,
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
    /// Curve similarity (vs unmasked people) of every model whose whole-image accuracy is
    /// at or below chance: its relative accuracy is 0 in every bin, so the score is
    /// 1 − Σ w R_human whatever it answers.
    #[serde(default)]
    pub chance_floor: f64,
    /// The model as trained (or at the requested cap).
    pub model: Variant,
    /// Recurrent models at T = 1: the backward-masking analogue (boxed: keeps `Details` small).
    pub feedforward: Option<Box<Variant>>,
    /// Bins above the human range, model only (not in the score): `tang2018-occlusion-objects`
    /// goes on to 100 % visible.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub model_only_bins: Vec<ModelOnlyBin>,
}

/// A visibility bin without people (not scored), the model's accuracy in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelOnlyBin {
    /// Lower edge, percent visible.
    pub lo_pct: f64,
    /// Upper edge, percent visible.
    pub hi_pct: f64,
    /// Mean visibility the bubbles achieved.
    pub mean_visible_pct: f64,
    /// Accuracy.
    pub accuracy: f64,
    /// Relative accuracy, as in the scored bins.
    pub relative: f64,
    /// What the model answered.
    pub answers: Answers,
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
fn variant(
    task: &Task<'_>,
    p: &Predictions,
    labels: &[usize],
    human: &HumanCurves,
) -> Result<Variant> {
    let whole = task.accuracy(&p.whole, labels);
    let acc: Vec<f64> = p.bins.iter().map(|b| task.accuracy(b, labels)).collect();
    let chance = task.chance;
    let curve = AccuracyCurve {
        accuracy: &acc,
        whole,
        chance,
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
        chance,
        whole_accuracy: whole,
        relative: relative_accuracy(&curve),
        low_visibility_accuracy: (!low.is_empty())
            .then(|| low.iter().sum::<f64>() / low.len() as f64),
        vs_unmasked: compare(&curve, &human.unmasked)?,
        vs_masked: compare(&curve, &human.masked)?,
        accuracy: acc,
        whole_answers: Answers::named(&p.whole, labels, task.classes),
        answers: p
            .bins
            .iter()
            .map(|b| Answers::named(b, labels, task.classes))
            .collect(),
        near_chance: near_chance(whole, chance),
    })
}

/// Upper edge of the last human bin.
fn d_max(human: &HumanCurves) -> f64 {
    human.unmasked.last().map_or(0.0, |b| b.hi_pct)
}

/// Curve similarity (vs unmasked people) of every model at chance: R ≡ 0.
fn chance_floor(human: &HumanCurves, chance: f64) -> Result<f64> {
    let zeros = vec![chance; human.unmasked.len()];
    let at_chance = AccuracyCurve {
        accuracy: &zeros,
        whole: chance,
        chance,
    };
    Ok(compare(&at_chance, &human.unmasked)?.curve_similarity)
}

/// The notes flagging degenerate answers of `v` (METRICS §10.5): conditions where one
/// class takes ≥ 50 % of the answers, and a whole-image accuracy within 10 points of
/// chance (with what that does to the score: `floor` at or below chance).
pub fn degenerate_notes(who: &str, v: &Variant, bins: &[BinSummary], floor: f64) -> Vec<String> {
    let chance = v.chance;
    let mut notes = Vec::new();
    if v.near_chance {
        let margin = v.whole_accuracy - chance;
        notes.push(if margin <= 0.0 {
            format!(
                "{who}: whole-image accuracy {:.3} is at or below chance ({chance}), so relative accuracy is 0 in every bin by definition (METRICS §6.4) and the curve similarity is 1 − Σ w R_human = {floor:.4}, the value of every model at chance whatever it answers (so such models score identically); the bootstrap error only measures how often a resample of the images lifts the whole-image accuracy above chance",
                v.whole_accuracy
            )
        } else {
            format!(
                "{who}: whole-image accuracy {:.3} is within 10 points of chance ({chance}): relative accuracy divides by {margin:.3}, so the curve and the score are dominated by noise (see the error estimate)",
                v.whole_accuracy
            )
        });
    }
    let conditions: Vec<(String, &Answers)> =
        std::iter::once(("whole images".to_string(), &v.whole_answers))
            .chain(
                bins.iter()
                    .zip(&v.answers)
                    .map(|(b, a)| (condition_name(b.lo_pct, b.hi_pct), a)),
            )
            .collect();
    notes.extend(collapse_note(who, &conditions));
    notes
}

/// Curve similarity (vs unmasked people) on a resample of images: the bootstrap statistic.
fn resampled_similarity(
    task: &Task<'_>,
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
    variant(task, &q, &l, human).map_or(f64::NAN, |v| v.vs_unmasked.curve_similarity)
}

/// Builds the score from predictions among `task`'s classes (public for tests and the app).
pub fn score_task_predictions(
    score: &mut Score,
    task: &Task<'_>,
    labels: &[usize],
    visible: &[f64],
    human: &HumanCurves,
    model: &Predictions,
    feedforward: Option<&Predictions>,
) -> Result<()> {
    let m = variant(task, model, labels, human)?;
    let floor = chance_floor(human, task.chance)?;
    let ff = feedforward
        .map(|p| variant(task, p, labels, human))
        .transpose()?;
    let rel = |bins: &[HumanAccuracyBin]| {
        let acc: Vec<f64> = bins.iter().map(|b| b.accuracy).collect();
        relative_accuracy(&AccuracyCurve {
            accuracy: &acc,
            whole: HUMAN_WHOLE,
            chance: HUMAN_CHANCE,
        })
    };
    let ci = bootstrap_ci(labels.len(), 1000, 0.95, 0, |idx| {
        resampled_similarity(task, model, labels, human, idx)
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
    let bins: Vec<BinSummary> = human
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
        .collect();
    score
        .notes
        .extend(degenerate_notes("model", &m, &bins, floor));
    if let Some(f) = &ff {
        score
            .notes
            .extend(degenerate_notes("model at T = 1", f, &bins, floor));
    }
    score.details = Some(Details::Occlusion(OcclusionDetails {
        images: labels.len(),
        seed_rule: task.seed_rule.into(),
        bins,
        human_relative_unmasked: rel(&human.unmasked),
        human_relative_masked: rel(&human.masked),
        human_low_visibility: (
            HumanCurves::pooled_below(&human.unmasked, LOW_VISIBILITY_PCT),
            HumanCurves::pooled_below(&human.masked, LOW_VISIBILITY_PCT),
        ),
        chance_floor: floor,
        model: m,
        feedforward: ff.map(Box::new),
        model_only_bins: Vec::new(),
    }));
    score.notes.push("no ceiling: 1 = the model keeps the same share of its unoccluded accuracy as people do in every bin (METRICS §6.4)".into());
    score.notes.push(format!(
        "bins: every 5 % visibility bin with human trials up to {} % ({}) plus the unoccluded images; the curve similarity weights each bin by its human trials",
        d_max(human),
        human
            .unmasked
            .iter()
            .map(|b| format!("{}–{}", b.lo_pct, b.hi_pct))
            .collect::<Vec<_>>()
            .join(", ")
    ));
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
    let norm = *subject.cifar_normalisation(spec.id)?;
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
    score_task_predictions(
        &mut score,
        &CIFAR_TASK,
        &labels,
        &visible,
        &human,
        &full,
        with_ff.then_some(&ff),
    )?;
    Ok(score)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{DataRef, ModelRef};
    use crate::views::OcclusionCurves;

    #[test]
    fn balanced_accuracy_gives_a_constant_answer_chance() {
        // Three classes of 1, 2 and 5 items: always answering the largest is right 5/8 of
        // the time, but its balanced accuracy is 1/3.
        let labels = [0, 1, 1, 2, 2, 2, 2, 2];
        assert_eq!(accuracy(&[2; 8], &labels), 5.0 / 8.0);
        assert_eq!(balanced_accuracy(&[2; 8], &labels), 1.0 / 3.0);
        assert_eq!(balanced_accuracy(&labels, &labels), 1.0);
        let half = [0, 1, 0, 2, 2, 0, 0, 0];
        assert!((balanced_accuracy(&half, &labels) - (1.0 + 0.5 + 0.4) / 3.0).abs() < 1e-15);
        assert_eq!(balanced_accuracy(&[], &[]), 0.0);
        // Equal classes: the same as plain accuracy.
        let eq = [0, 0, 1, 1];
        assert_eq!(
            balanced_accuracy(&[0, 1, 1, 1], &eq),
            accuracy(&[0, 1, 1, 1], &eq)
        );
        let unbalanced = Task {
            balanced: true,
            ..CIFAR_TASK
        };
        assert_eq!(unbalanced.accuracy(&[2; 8], &labels), 1.0 / 3.0);
        assert_eq!(CIFAR_TASK.accuracy(&[2; 8], &labels), 5.0 / 8.0);
    }

    fn row(masked: u8, lo: f64, n: u32, acc: f64) -> HumanAccuracyBin {
        HumanAccuracyBin {
            masked,
            lo_pct: lo,
            hi_pct: lo + 5.0,
            n_trials: n,
            n_correct: (acc * f64::from(n)).round() as u32,
            accuracy: acc,
            sem: 0.0,
            n_subjects: 1,
            chance: 0.2,
        }
    }

    /// A human table like the real one: bins 0–5 … 65–70 with 60–65 missing and 70–75
    /// present but above the range; 55–60 listed with no trials.
    fn table() -> Vec<HumanAccuracyBin> {
        let mut t = Vec::new();
        for masked in [1, 0] {
            for k in 0..15u32 {
                let lo = f64::from(5 * k);
                if lo == 60.0 {
                    continue;
                }
                let n = if lo == 55.0 { 0 } else { 100 - 5 * k };
                t.push(row(
                    masked,
                    lo,
                    n,
                    0.4 + 0.03 * f64::from(k) - 0.1 * f64::from(masked),
                ));
            }
        }
        t
    }

    fn score() -> Score {
        Score::new(
            &SPEC,
            ModelRef {
                id: "toy".into(),
                weights_sha256: String::new(),
                updates: 0,
                timesteps: None,
                device: "cpu".into(),
                readout: None,
            },
            DataRef {
                manifest_sha256: String::new(),
                bundle_version: 0,
                files: Vec::new(),
            },
            "test",
        )
    }

    /// 20 images, two per class.
    fn labels() -> Vec<usize> {
        (0..20).map(|i| i % 10).collect()
    }

    /// True when one of `s`'s notes contains `text`.
    fn noted(s: &Score, text: &str) -> bool {
        s.notes.iter().any(|n| n.contains(text))
    }

    #[test]
    fn bins_go_to_70_and_skip_bins_without_trials() {
        let h = HumanCurves::from_table(&table(), MAX_VISIBILITY_PCT).unwrap();
        let los: Vec<f64> = h.unmasked.iter().map(|b| b.lo_pct).collect();
        assert_eq!(
            los,
            vec![0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0, 65.0]
        );
        assert_eq!(h.unmasked.last().map(|b| b.hi_pct), Some(70.0));
        assert!(h.masked.iter().all(|b| b.masked == 1));
        let old = HumanCurves::from_table(&table(), 35.0).unwrap();
        assert_eq!(old.unmasked.len(), 7, "the old range is still a parameter");
        assert!(HumanCurves::from_table(&table(), 4.0).is_err());
    }

    fn predictions(
        whole: Vec<usize>,
        bin: impl Fn(usize) -> Vec<usize>,
        n_bins: usize,
    ) -> Predictions {
        Predictions {
            timesteps: None,
            whole,
            bins: (0..n_bins).map(bin).collect(),
        }
    }

    #[test]
    fn collapse_flag_at_exactly_half_and_chance_flag() {
        let h = HumanCurves::from_table(&table(), MAX_VISIBILITY_PCT).unwrap();
        let nb = h.unmasked.len();
        let labels = labels();
        // Whole images: 18 of 20 right (far above chance). Bin 0: images 0–8 answered
        // "cat" (class 3) and image 13 is a cat answered right: 10 of 20 = exactly half.
        // Bin 1: images 0–7, so 9 of 20. Every other bin: all right.
        let whole: Vec<usize> = labels
            .iter()
            .enumerate()
            .map(|(i, &l)| if i < 2 { (l + 1) % 10 } else { l })
            .collect();
        let bin = |k: usize| -> Vec<usize> {
            labels
                .iter()
                .enumerate()
                .map(|(i, &l)| match k {
                    0 if i < 9 => 3,
                    1 if i < 8 => 3,
                    _ => l,
                })
                .collect()
        };
        let p = predictions(whole, bin, nb);
        let visible = vec![0.0; nb];
        let mut s = score();
        score_task_predictions(&mut s, &CIFAR_TASK, &labels, &visible, &h, &p, None).unwrap();
        let Some(Details::Occlusion(d)) = &s.details else {
            panic!("occlusion details")
        };
        assert_eq!(d.bins.len(), 12);
        assert_eq!(d.model.answers.len(), 12);
        assert!(!d.model.near_chance);
        let a0 = &d.model.answers[0];
        assert_eq!(
            (a0.n, a0.top_class.as_str(), a0.top_share, a0.collapsed),
            (20, "cat", 0.5, true),
            "exactly 50 % is flagged"
        );
        let a1 = &d.model.answers[1];
        assert_eq!((a1.top_share, a1.collapsed), (0.45, false));
        assert!(!d.model.answers[2].collapsed && d.model.answers[2].top_share == 0.1);
        assert!(!d.model.whole_answers.collapsed);
        assert_eq!(d.model.whole_answers.correct, 18);
        let collapse: Vec<&String> = s.notes.iter().filter(|n| n.contains("collapse")).collect();
        assert_eq!(collapse.len(), 1, "{:?}", s.notes);
        assert!(
            collapse[0].starts_with("model: answers collapse to one class"),
            "{}",
            collapse[0]
        );
        assert!(collapse[0].contains("0–5 % cat 50.0 %"), "{}", collapse[0]);
        assert!(!noted(&s, "chance (0.1)"), "{:?}", s.notes);

        // One class for everything: whole accuracy 2/20 = chance → both flags, and the
        // score is the floor.
        let p = predictions(vec![4; 20], |_| vec![4; 20], nb);
        let mut s = score();
        score_task_predictions(&mut s, &CIFAR_TASK, &labels, &visible, &h, &p, None).unwrap();
        let Some(Details::Occlusion(d)) = &s.details else {
            panic!("occlusion details")
        };
        assert!(d.model.near_chance);
        assert!(d
            .model
            .answers
            .iter()
            .all(|a| a.collapsed && a.top_class == "deer"));
        assert_eq!(s.raw.get(), Some(d.chance_floor));
        assert!(
            s.notes.iter().any(|n| n.contains("at or below chance")
                && n.contains(&format!("{:.4}", d.chance_floor))),
            "{:?}",
            s.notes
        );
        assert!(noted(&s, "in 13 of 13 conditions"), "{:?}", s.notes);

        // 3 of 20 right on whole images: 15 %, within 10 points of chance.
        let whole: Vec<usize> = labels
            .iter()
            .enumerate()
            .map(|(i, &l)| if i < 3 { l } else { (l + 1) % 10 })
            .collect();
        let p = predictions(whole, |_| labels.clone(), nb);
        let mut s = score();
        score_task_predictions(&mut s, &CIFAR_TASK, &labels, &visible, &h, &p, None).unwrap();
        assert!(noted(&s, "within 10 points of chance"), "{:?}", s.notes);
        let c = OcclusionCurves::of(&s).unwrap();
        assert_eq!(c.max_pct, 70.0);
        let m = &c.curves[0];
        assert!(m.near_chance && m.is_model);
        assert_eq!(m.points.len(), 13, "12 bins and the whole images");
        let w = m.points.last().unwrap();
        assert!(w.is_whole() && w.visible_pct == 100.0 && w.n == 20);
        assert!((w.accuracy - 0.15).abs() < 1e-12);
        assert!(m.points.iter().all(|p| p.n == 20 && !p.collapsed));
        let people = &c.curves[1];
        assert!(!people.is_model);
        assert_eq!(people.points.len(), 13);
        assert_eq!(people.points[0].n, 100);
        assert_eq!(people.points.last().map(|p| p.n), Some(780));
    }
}
