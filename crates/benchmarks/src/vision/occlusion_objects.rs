//! `tang2018-occlusion-objects`: Tang et al.'s (2018) protocol on object photos. The 92
//! photos of Kriegeskorte et al. (2008) behind Gaussian bubbles (σ scaled to the 175 px
//! photo), visibility measured over each object's pixels ([`super::object_photos`]); the
//! readout is a linear classifier of the six stimulus categories trained on the
//! penultimate features of the *whole* photos, leave one photo out (train on the other 91
//! whole photos, test on the held-out photo whole and occluded), as Tang et al. trained
//! theirs on whole objects. Model accuracy per visibility bin, relative to chance (1/6) and
//! to its whole-photo accuracy, is compared with people's relative accuracy (chance 1/5)
//! by the curve similarity of METRICS §6.4 over the bins with human trials (0–70 %,
//! §10.5), with a bootstrap over photos; bins 70–100 % are reported for the model only.
//! People saw Tang's KLAB325 objects (5 categories, grey-level), not these photos.

use brainprobe_metrics::occlusion::{relative_accuracy, AccuracyCurve};

use super::object_photos::{
    classify_held_out, leave_one_out, model_only_bins, record_features, ObjectPhotos,
    BACKGROUND_TOLERANCE, CATEGORIES, SEED_RULE,
};
use super::occlusion::{
    score_task_predictions, Answers, HumanCurves, ModelOnlyBin, Predictions, Task,
};
use crate::context::RunContext;
use crate::data::DataLog;
use crate::error::Result;
use crate::progress::Progress;
use crate::registry::{BenchmarkSpec, Kind, Modality, Needs};
use crate::score::{Details, Score};
use crate::subject::VisionSubject;

/// `tang2018-occlusion-objects`.
pub const SPEC: BenchmarkSpec = BenchmarkSpec {
    id: "tang2018-occlusion-objects",
    version: 2,
    modality: Modality::Vision,
    data: &["tang2018_occlusion", "kriegeskorte2008_92images"],
    kind: Kind::OcclusionObjects,
    description: "92 object photos under Gaussian bubbles, linear category readout trained on whole photos, vs people's accuracy by visibility (curve similarity)",
    citation: "Tang et al. 2018, PNAS 115:8835; Kriegeskorte et al. 2008, Neuron 60:1126 (photos)",
    label: "occlusion on object photos, whole-image readout (Tang 2018)",
    needs: Needs::Nothing,
    causal_only: false,
    baseline: None,
};

/// Six categories of unequal size (12 to 23 photos), scored by balanced accuracy, chance 1/6.
pub const OBJECT_TASK: Task<'static> = Task {
    classes: &CATEGORIES,
    chance: 1.0 / CATEGORIES.len() as f64,
    seed_rule: SEED_RULE,
    balanced: true,
};

/// What to run: which photos and how far the bins go (the benchmark: all 92, to 100 %).
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectRun {
    /// Stimulus indices (`None` = all 92).
    pub images: Option<Vec<usize>>,
    /// Model-only bins go up to this visibility (percent).
    pub upto_pct: f64,
}

/// What both object-photo benchmarks read before recording.
pub struct ObjectInputs<'a> {
    /// The files read.
    pub log: DataLog<'a>,
    /// People's curves (bins up to the run's visibility limit).
    pub human: HumanCurves,
    /// The run's photos.
    pub photos: ObjectPhotos,
    /// People's bins (lo, hi percent).
    pub scored: Vec<(f64, f64)>,
    /// Model-only bins after them, up to [`ObjectRun::upto_pct`].
    pub extra: Vec<(f64, f64)>,
}

impl ObjectRun {
    /// Reads people's curves and the run's photos, and lays out the bins.
    pub async fn inputs<'a>(&self, ctx: &'a RunContext) -> Result<ObjectInputs<'a>> {
        let mut log = DataLog::new(&ctx.assets);
        let human = HumanCurves::load(&mut log, ctx.options.max_visibility_pct).await?;
        let photos = ObjectPhotos::load(&mut log, self.images.as_deref()).await?;
        let scored: Vec<(f64, f64)> = human
            .unmasked
            .iter()
            .map(|b| (b.lo_pct, b.hi_pct))
            .collect();
        let extra = model_only_bins(scored.last().map_or(0.0, |b| b.1), self.upto_pct);
        Ok(ObjectInputs {
            log,
            human,
            photos,
            scored,
            extra,
        })
    }
}

impl Default for ObjectRun {
    fn default() -> Self {
        Self {
            images: None,
            upto_pct: super::object_photos::TOP_PCT,
        }
    }
}

/// The note every object-photo score carries about the stimuli.
pub fn stimulus_note(photos: &ObjectPhotos) -> String {
    let (lo, hi) = photos.coverage_range();
    format!(
        "stimuli differ from people's: people saw Tang et al.'s KLAB325 objects (grey-level, 256 px, 5 categories: animals, chairs, faces, fruits, vehicles); the model sees the {} Kriegeskorte et al. (2008) colour photos (175 px, 6 categories), so the comparison is of curve shapes, not of the same images. Object mask: pixels not 4-connected to the border through pixels within {BACKGROUND_TOLERANCE}/255 of the border's median colour in every channel; it covers {:.1}–{:.1} % of the photos",
        photos.len(),
        100.0 * lo,
        100.0 * hi
    )
}

/// Runs the benchmark on `what` (the benchmark: [`ObjectRun::default`], all 92 photos up to
/// 100 % visibility; tests use a few photos).
pub async fn run_with(
    spec: &BenchmarkSpec,
    subject: &VisionSubject,
    ctx: &RunContext,
    progress: &dyn Progress,
    what: &ObjectRun,
) -> Result<Score> {
    let ObjectInputs {
        log,
        human,
        photos,
        scored,
        extra,
    } = what.inputs(ctx).await?;
    let bins: Vec<(f64, f64)> = scored.iter().chain(&extra).copied().collect();
    let feats = record_features(subject, &photos, &bins, progress).await?;
    let readouts = leave_one_out(
        feats.whole.mapv(f64::from).view(),
        &photos.labels,
        CATEGORIES.len(),
    )?;
    let whole = classify_held_out(&readouts, feats.whole.view());
    let mut per_bin: Vec<Vec<usize>> = feats
        .bins
        .iter()
        .map(|f| classify_held_out(&readouts, f.view()))
        .collect();
    let extra_pred = per_bin.split_off(scored.len());
    let data = log.finish().await?;
    let mut score = Score::new(
        spec,
        subject.model_ref(subject.steps),
        data,
        "occlusion-robustness curve similarity with people (unmasked), 1 − Σ w |R_model − R_human|, linear category readout trained on whole photos",
    );
    let labels = &photos.labels;
    let model = Predictions {
        timesteps: subject.steps,
        whole,
        bins: per_bin,
    };
    score_task_predictions(
        &mut score,
        &OBJECT_TASK,
        labels,
        &feats.visible[..scored.len()],
        &human,
        &model,
        None,
    )?;
    let whole_acc = OBJECT_TASK.accuracy(&model.whole, labels);
    if let Some(Details::Occlusion(d)) = &mut score.details {
        d.model_only_bins = extra
            .iter()
            .zip(&extra_pred)
            .zip(&feats.visible[scored.len()..])
            .map(|((&(lo, hi), p), &v)| {
                let a = OBJECT_TASK.accuracy(p, labels);
                ModelOnlyBin {
                    lo_pct: lo,
                    hi_pct: hi,
                    mean_visible_pct: v,
                    accuracy: a,
                    relative: relative_accuracy(&AccuracyCurve {
                        accuracy: &[a],
                        whole: whole_acc,
                        chance: OBJECT_TASK.chance,
                    })[0],
                    answers: Answers::named(p, labels, &CATEGORIES),
                }
            })
            .collect();
    }
    let alphas: Vec<f64> = readouts.iter().filter_map(|r| r.alpha).collect();
    let (amin, amax) = alphas
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    let largest = photos.largest_category();
    score.notes.push(stimulus_note(&photos));
    score.notes.push(format!(
        "readout: RidgeCV on ±1 one-hot targets of the 6 categories (α by exact leave-one-out error over 1e-3…1e3, chosen {amin}–{amax}), standardised `{}` features of the whole photos, leave one photo out (fitted on the other {} whole photos, applied to the held-out photo whole and occluded); accuracy is balanced accuracy (the mean of the six categories' recalls: the categories are unequal, the largest has {largest} of {} photos, and a readout that always answers it scores chance, 1/6, not its share); people's chance 1/5",
        super::object_photos::feature_layer(subject),
        photos.len().saturating_sub(1),
        photos.len()
    ));
    if !extra.is_empty() {
        score.notes.push(format!(
            "model-only bins {}–{} % (no human trials; not in the score) are in the details",
            extra.first().map_or(0.0, |b| b.0),
            extra.last().map_or(0.0, |b| b.1)
        ));
    }
    if subject.is_recurrent() {
        score.notes.push(
            "recurrent model scored at its full time steps only (no T = 1 variant here)".into(),
        );
    }
    Ok(score)
}
