//! `tang2018-attractor`: the recurrent attractor readout of Tang et al. (2018, PNAS
//! 115:8835). The decoder-input features (`decoder`: IT pooled, 128 units) of whole
//! CIFAR-10 training images are binarised against their per-unit means; one majority-vote
//! prototype per class (10 patterns, under the 0.138·N capacity of 17.7) is stored in a
//! Hopfield network with Hebbian weights. Each occluded test image's binarised features
//! start the network; asynchronous sweeps in a seeded order run for up to 256 steps; the
//! state is read out as its nearest stored pattern after each step. Accuracy vs step per
//! visibility bin is compared with the model's own feedforward readout (its logits). The
//! headline is the attractor's accuracy below 15 % visibility; the verdict says whether it
//! beats the feedforward readout there by more than two paired standard errors. Bins are
//! `tang2018-occlusion`'s (0–70 % where people have trials, METRICS §10.5); the notes flag
//! conditions where one class takes ≥ 50 % of either readout's answers and a whole-image
//! accuracy within 10 points of chance.

use brainprobe_data::datasets::cifar::{balanced_subset, CifarSet};
use brainprobe_models::vision::record::LayerSelection;
use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use super::bubbles::{first_per_class, TestSubset, Viewing};
use super::hopfield::{binarise, binarise_rows, majority, unit_means, Hopfield};
use super::occlusion::{collapse_note, condition_name, Answers, HumanCurves, LOW_VISIBILITY_PCT};
use crate::context::RunContext;
use crate::data::DataLog;
use crate::error::{BenchError, Result};
use crate::progress::Progress;
use crate::registry::{BenchmarkSpec, Kind, Modality, Needs};
use crate::score::{Details, ErrorEstimate, Score, Undefined, Value};
use crate::subject::{argmax, VisionSubject};

/// `tang2018-attractor`.
pub const SPEC: BenchmarkSpec = BenchmarkSpec {
    id: "tang2018-attractor",
    version: 1,
    modality: Modality::Vision,
    data: &["tang2018_occlusion", "cifar10"],
    kind: Kind::Attractor,
    description:
        "Hopfield attractor readout of decoder features under occlusion vs the feedforward readout",
    citation: "Tang et al. 2018, PNAS 115:8835; Hopfield 1982; Krizhevsky 2009 (CIFAR-10)",
    label: "occlusion with an attractor readout (Tang 2018)",
    needs: Needs::CifarTrainingImages,
    causal_only: false,
    baseline: None,
};

/// Layer whose features are binarised.
pub const FEATURE_LAYER: &str = "decoder";
/// Seed of the class-balanced choice of training images.
pub const TRAIN_SEED: u64 = 20180;

/// Accuracy vs step in one bin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttractorBin {
    /// Lower edge, percent visible (0 and 100 for whole images).
    pub lo_pct: f64,
    /// Upper edge.
    pub hi_pct: f64,
    /// Feedforward readout (the model's logits).
    pub feedforward: f64,
    /// Attractor readout after 0, 1, …, `steps` sweeps (0 = nearest prototype, no dynamics).
    pub accuracy_by_step: Vec<f64>,
    /// Mean sweeps until the state stopped changing.
    pub mean_sweeps_to_settle: f64,
    /// What the feedforward readout answered.
    #[serde(default)]
    pub feedforward_answers: Answers,
    /// What the attractor answered after the last sweep.
    #[serde(default)]
    pub attractor_answers: Answers,
}

/// Attractor results beside the headline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttractorDetails {
    /// Units of the network (feature width).
    pub units: usize,
    /// Stored patterns (one prototype per class).
    pub patterns: usize,
    /// Training images the prototypes come from.
    pub train_images: usize,
    /// Most sweeps.
    pub steps: usize,
    /// Unoccluded test images.
    pub whole: AttractorBin,
    /// Occluded bins.
    pub bins: Vec<AttractorBin>,
    /// Below 15 % visibility, pooled: feedforward accuracy.
    pub low_feedforward: f64,
    /// Below 15 %: attractor at step 0 (prototype readout, no dynamics).
    pub low_step0: f64,
    /// Below 15 %: attractor after the last step.
    pub low_final: f64,
    /// `low_final − low_feedforward` and its paired standard error.
    pub gain: (f64, f64),
    /// One line: does the attractor recover accuracy at low visibility, and by how much.
    pub verdict: String,
}

/// One bin's outcome per image: feedforward right or wrong, attractor right or wrong after
/// each sweep, mean sweeps to settle, and what both readouts answered.
pub(crate) struct BinRun {
    pub(crate) ff: Vec<bool>,
    pub(crate) by_step: Vec<Vec<bool>>,
    pub(crate) settle: f64,
    pub(crate) ff_answers: Answers,
    pub(crate) final_answers: Answers,
}

fn run_bin(
    net: &Hopfield,
    thr: &[f64],
    feats: &Array2<f32>,
    logits: &Array2<f32>,
    labels: &[usize],
    steps: usize,
    seed0: u32,
) -> BinRun {
    let mut by_step = vec![Vec::with_capacity(labels.len()); steps + 1];
    let mut settle = 0.0;
    let mut ff = Vec::with_capacity(labels.len());
    let (mut ff_class, mut final_class) = (Vec::new(), Vec::new());
    for (i, (f, l)) in feats
        .axis_iter(Axis(0))
        .zip(logits.axis_iter(Axis(0)))
        .enumerate()
    {
        let class = argmax(l.iter());
        ff.push(class == labels[i]);
        ff_class.push(class);
        let x: Vec<f32> = f.iter().copied().collect();
        let (readout, settled) = net.run(binarise(&x, thr), steps, seed0 + i as u32);
        settle += settled as f64;
        final_class.extend(readout.last().copied());
        for (s, r) in readout.iter().enumerate() {
            by_step[s].push(*r == labels[i]);
        }
    }
    BinRun {
        ff,
        by_step,
        settle: settle / labels.len().max(1) as f64,
        ff_answers: Answers::of(&ff_class, labels),
        final_answers: Answers::of(&final_class, labels),
    }
}

pub(crate) fn frac(v: &[bool]) -> f64 {
    v.iter().filter(|&&b| b).count() as f64 / v.len().max(1) as f64
}

pub(crate) fn summary(lo: f64, hi: f64, r: &BinRun) -> AttractorBin {
    AttractorBin {
        lo_pct: lo,
        hi_pct: hi,
        feedforward: frac(&r.ff),
        accuracy_by_step: r.by_step.iter().map(|v| frac(v)).collect(),
        mean_sweeps_to_settle: r.settle,
        feedforward_answers: r.ff_answers.clone(),
        attractor_answers: r.final_answers.clone(),
    }
}

/// The notes flagging degenerate answers of both readouts (METRICS §10.5): conditions
/// where one class takes ≥ 50 % of the answers, and whole-image accuracy within 10 points
/// of chance.
pub fn degenerate_notes(whole: &AttractorBin, bins: &[AttractorBin]) -> Vec<String> {
    degenerate_notes_at(
        whole,
        bins,
        1.0 / super::bubbles::CLASSES as f64,
        "the stored prototypes barely classify",
    )
}

/// [`degenerate_notes`] for readouts whose chance accuracy is `chance`; `stored` says what
/// fails to classify when the attractor readout is near chance on whole images.
pub fn degenerate_notes_at(
    whole: &AttractorBin,
    bins: &[AttractorBin],
    chance: f64,
    stored: &str,
) -> Vec<String> {
    let all = || std::iter::once(whole).chain(bins);
    let mut notes = Vec::new();
    let last = whole.accuracy_by_step.last().copied().unwrap_or(f64::NAN);
    let why = [
        "the network barely classifies even unoccluded images, so neither readout can rise measurably above chance at low visibility".to_string(),
        format!("{stored} even unoccluded images, so a recovery at low visibility could not show"),
    ];
    for ((who, acc), why) in [
        ("feedforward readout", whole.feedforward),
        ("attractor readout after the last sweep", last),
    ]
    .into_iter()
    .zip(why)
    {
        if brainprobe_metrics::occlusion::near_chance(acc, chance) {
            notes.push(format!(
                "{who}: whole-image accuracy {acc:.3} is within 10 points of chance ({chance}): {why}"
            ));
        }
    }
    let ff: Vec<(String, &Answers)> = all()
        .map(|b| (condition_name(b.lo_pct, b.hi_pct), &b.feedforward_answers))
        .collect();
    let at: Vec<(String, &Answers)> = all()
        .map(|b| (condition_name(b.lo_pct, b.hi_pct), &b.attractor_answers))
        .collect();
    notes.extend(collapse_note("feedforward readout", &ff));
    notes.extend(collapse_note("attractor readout after the last sweep", &at));
    notes
}

/// Picks the training images: `per_class` per class by the seeded balanced choice.
pub fn training_images(train: &CifarSet, per_class: usize) -> Result<CifarSet> {
    let idx = balanced_subset(&train.labels, per_class, TRAIN_SEED);
    let chosen = CifarSet {
        images: train.images.select(Axis(0), &idx),
        labels: train.labels.select(Axis(0), &idx),
    };
    first_per_class(&chosen, per_class, "attractor_train_per_class")
}

/// `(decoder features, logits)` of `inputs`.
async fn features(
    subject: &VisionSubject,
    inputs: &[Vec<f32>],
    stage: &str,
    progress: &dyn Progress,
) -> Result<(Array2<f32>, Array2<f32>)> {
    let layers = LayerSelection::Named(vec![FEATURE_LAYER.into(), "logits".into()]);
    let mut rec = subject
        .record(inputs, &layers, subject.steps, stage, progress)
        .await?
        .into_iter();
    match (rec.next(), rec.next()) {
        (Some(f), Some(l)) => Ok((f.values, l.values)),
        _ => Err(BenchError::InvalidOption {
            name: "layers",
            reason: "recording returned fewer layers than asked".into(),
        }),
    }
}

/// Runs the benchmark (needs `ctx.cifar_train`).
pub async fn run(
    spec: &BenchmarkSpec,
    subject: &VisionSubject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<Score> {
    let opts = &ctx.options;
    let train = ctx.cifar_train.as_ref().ok_or_else(|| BenchError::MissingInput {
        benchmark: spec.id.into(),
        what: "needs CIFAR-10 training images (the browser bundle holds only test images; natively the CLI reads data/cache/cifar10/train.tar.gz)".into(),
    })?;
    let mut log = DataLog::new(&ctx.assets);
    let human = HumanCurves::load(&mut log, opts.max_visibility_pct).await?;
    let subset = TestSubset::load(&mut log, opts.occlusion_per_class).await?;
    let train = training_images(train, opts.attractor_train_per_class)?;
    log.note(
        "cifar10/train.tar.gz (chosen training images, u8 pixels)",
        train.images.as_slice().unwrap_or(&[]),
    );
    let norm = *subject.cifar_normalisation(spec.id)?;
    let train_inputs = (0..train.len())
        .map(|i| {
            let px: Vec<u8> = train
                .images
                .index_axis(Axis(0), i)
                .iter()
                .copied()
                .collect();
            Ok(brainprobe_models::vision::preprocess::preprocess_rgb8(
                &px, &norm,
            )?)
        })
        .collect::<Result<Vec<_>>>()?;
    let (train_feats, _) = features(subject, &train_inputs, "training images", progress).await?;
    let thr = unit_means(train_feats.view());
    let pats = binarise_rows(train_feats.view(), &thr);
    let prototypes: Vec<Vec<i8>> = (0..super::bubbles::CLASSES)
        .map(|c| {
            let members: Vec<&[i8]> = pats
                .iter()
                .zip(train.labels.iter())
                .filter(|(_, &l)| l as usize == c)
                .map(|(p, _)| p.as_slice())
                .collect();
            majority(&members, thr.len())
        })
        .collect();
    let net = Hopfield::new(prototypes);
    let labels = subset.labels();
    let steps = opts.attractor_steps;
    let (inputs, _) = subset.inputs(Viewing::Whole, &norm)?;
    let (f, l) = features(subject, &inputs, "whole images", progress).await?;
    let whole = summary(0.0, 100.0, &run_bin(&net, &thr, &f, &l, &labels, steps, 0));
    let (mut bins, mut low_ff, mut low_fin, mut low_0) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for b in &human.unmasked {
        let (inputs, _) = subset.inputs(
            Viewing::Bin {
                lo: b.lo_pct,
                hi: b.hi_pct,
            },
            &norm,
        )?;
        let (f, l) = features(
            subject,
            &inputs,
            &format!("bin {}–{} %", b.lo_pct, b.hi_pct),
            progress,
        )
        .await?;
        let r = run_bin(&net, &thr, &f, &l, &labels, steps, 10_000 * b.lo_pct as u32);
        if b.hi_pct <= LOW_VISIBILITY_PCT {
            low_ff.extend(&r.ff);
            low_0.extend(&r.by_step[0]);
            low_fin.extend(r.by_step.last().map(|v| v.as_slice()).unwrap_or(&[]));
        }
        bins.push(summary(b.lo_pct, b.hi_pct, &r));
    }
    let data = log.finish().await?;
    let mut score = Score::new(spec, subject.model_ref(subject.steps), data, METRIC);
    finish_score(
        &mut score,
        Pooled {
            units: net.units(),
            patterns: net.patterns.len(),
            train_images: train.len(),
            steps,
            chance: 1.0 / super::bubbles::CLASSES as f64,
            whole,
            bins,
            low_ff,
            low_0,
            low_fin,
            stored: "the stored prototypes barely classify",
        },
    );
    Ok(score)
}

/// What every attractor score measures.
pub const METRIC: &str =
    "attractor readout accuracy below 15 % visibility (pooled bins), after the last step";

/// A finished attractor run: the bins and the low-visibility outcomes pooled per image.
pub(crate) struct Pooled {
    pub(crate) units: usize,
    pub(crate) patterns: usize,
    pub(crate) train_images: usize,
    pub(crate) steps: usize,
    pub(crate) chance: f64,
    pub(crate) whole: AttractorBin,
    pub(crate) bins: Vec<AttractorBin>,
    /// Feedforward readout right, per image of the bins below 15 %.
    pub(crate) low_ff: Vec<bool>,
    /// Attractor readout at step 0 right, same images.
    pub(crate) low_0: Vec<bool>,
    /// Attractor readout after the last sweep right, same images.
    pub(crate) low_fin: Vec<bool>,
    /// What fails to classify when the attractor readout is near chance on whole images.
    pub(crate) stored: &'static str,
}

/// The headline (attractor accuracy below 15 % after the last sweep), its binomial SE, the
/// paired gain over the feedforward readout with its verdict, notes and details.
pub(crate) fn finish_score(score: &mut Score, p: Pooled) {
    let Pooled {
        units,
        patterns,
        train_images,
        steps,
        chance,
        whole,
        bins,
        low_ff,
        low_0,
        low_fin,
        stored,
    } = p;
    let d: Vec<f64> = low_fin
        .iter()
        .zip(&low_ff)
        .map(|(a, f)| f64::from(u8::from(*a)) - f64::from(u8::from(*f)))
        .collect();
    let n = d.len().max(1) as f64;
    let gain = d.iter().sum::<f64>() / n;
    let se = (brainprobe_metrics::stats::variance(&d, 1) / n).sqrt();
    let (ff, fin) = (frac(&low_ff), frac(&low_fin));
    let verdict = if gain > 2.0 * se {
        format!(
            "recovers: {:.1} → {:.1} % below 15 % visibility (+{:.1} points, SE {:.1})",
            100.0 * ff,
            100.0 * fin,
            100.0 * gain,
            100.0 * se
        )
    } else {
        format!(
            "does not recover: {:.1} → {:.1} % below 15 % visibility ({:+.1} points, SE {:.1})",
            100.0 * ff,
            100.0 * fin,
            100.0 * gain,
            100.0 * se
        )
    };
    score.set_raw(Value::finite_or(fin, Undefined::NotFinite));
    score.error = se.is_finite().then(|| ErrorEstimate {
        value: (fin * (1.0 - fin) / n).sqrt(),
        method: "binomial SE over pooled low-visibility images".into(),
    });
    score.notes.push(
        "no ceiling: a behavioural readout of the model, compared with its own feedforward readout"
            .into(),
    );
    score.notes.push(verdict.clone());
    score
        .notes
        .extend(degenerate_notes_at(&whole, &bins, chance, stored));
    score.details = Some(Details::Attractor(AttractorDetails {
        units,
        patterns,
        train_images,
        steps,
        whole,
        bins,
        low_feedforward: ff,
        low_step0: frac(&low_0),
        low_final: fin,
        gain: (gain, se),
        verdict,
    }));
}
