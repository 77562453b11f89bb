//! `kriegeskorte2008-it-rsa` and `kriegeskorte2008-monkey-it-rsa` (METRICS §4).
//!
//! Data: Kriegeskorte et al. (2008), Neuron 60:1126 — 92 object images; human IT RDMs
//! (fMRI, 4 subjects × 2 sessions) and a monkey IT RDM (674 neurons; Kiani et al. 2007),
//! via rsatoolbox (MIT). Each recorded layer's patterns (92 × C·H·W) give a model RDM
//! (1 − Pearson); it is compared with each subject's RDM (sessions averaged) by Spearman ρ
//! on the upper triangles, and the mean over subjects is the raw score. The human score is
//! divided by the Nili upper bound (rank-averaged pooling) and clipped; the lower bound is
//! reported. The monkey RDM is a single matrix, so no ceiling exists. Human IT, version 2
//! (METRICS §10.3): each subject's layer is chosen on the other subjects (leave one subject
//! out) and the headline is the mean held-out ρ; the monkey headline stays the committed
//! layer `IT`. Every layer and time step is reported, with the (optimistic) best one. A model whose RDM has no variance (the same features for every image) gets
//! "undefined (constant)".

use brainprobe_data::datasets::kriegeskorte::{
    self, ImageStimulus, Kriegeskorte2008, KriegeskorteFiles,
};
use brainprobe_metrics::rsa::{self, nili_bounds, rsa_score, Pooling, RsaMethod};
use brainprobe_metrics::stats;
use brainprobe_models::vision::preprocess::preprocess_bytes_at;
use brainprobe_models::vision::record::{LayerActivations, LayerSelection};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::categories::{between_minus_within, CategoryStructure, Contrast};
use crate::context::RunContext;
use crate::data::DataLog;
use crate::error::Result;
use crate::progress::Progress;
use crate::registry::{BenchmarkSpec, Kind, Modality, Needs};
use crate::score::{
    best_index, normalize, Ceiling, DataRef, Details, ErrorEstimate, FoldChoice, LayerChoice,
    LayerScore, ModelRef, Score, Undefined, Value,
};
use crate::subject::VisionSubject;

/// The layer whose score is the headline (CORnet commits its IT area to IT).
pub const COMMITTED_LAYER: &str = "IT";

/// Which IT RDMs a model is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Human IT, 4 subjects (sessions averaged), Nili ceiling.
    HumanIt,
    /// Monkey IT, one RDM, no ceiling.
    MonkeyIt,
}

const CITATION: &str = "Kriegeskorte et al. 2008, Neuron 60:1126; Kiani et al. 2007 (monkey IT)";

/// `kriegeskorte2008-it-rsa`.
pub const HUMAN_SPEC: BenchmarkSpec = BenchmarkSpec {
    id: "kriegeskorte2008-it-rsa",
    version: 2,
    modality: Modality::Vision,
    data: &["kriegeskorte2008_92images"],
    kind: Kind::ItRsa(Target::HumanIt),
    description: "RSA (Spearman) of each layer's RDM with human IT on the 92 images; Nili ceiling",
    citation: CITATION,
    label: "human IT (fMRI, 4 subjects; Nili ceiling)",
    needs: Needs::Nothing,
    causal_only: false,
    baseline: Some("baseline-pixels"),
};

/// `kriegeskorte2008-monkey-it-rsa`.
pub const MONKEY_SPEC: BenchmarkSpec = BenchmarkSpec {
    id: "kriegeskorte2008-monkey-it-rsa",
    version: 1,
    modality: Modality::Vision,
    data: &["kriegeskorte2008_92images"],
    kind: Kind::ItRsa(Target::MonkeyIt),
    description: "RSA (Spearman) of each layer's RDM with monkey IT on the 92 images; no ceiling",
    citation: CITATION,
    label: "monkey IT (cell recordings; no ceiling)",
    needs: Needs::Nothing,
    causal_only: false,
    baseline: Some("baseline-pixels"),
};

/// RSA results beside the headline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RsaDetails {
    /// Names of the brain RDMs compared with (subjects, or the monkey RDM).
    pub subjects: Vec<String>,
    /// Spearman ρ per subject of the headline (held-out ρ when the layer was chosen by
    /// leaving the subject out).
    pub per_subject: Vec<f64>,
    /// The layer the Kendall τ, constant conditions and categories below describe (the
    /// most chosen one, or the committed one).
    #[serde(default)]
    pub layer: String,
    /// Kendall τ_a (mean over subjects) for the headline layer — secondary measure.
    pub kendall_tau_a: Value,
    /// Conditions whose pattern was constant in the headline layer (dissimilarity set to 1).
    pub constant_conditions: Vec<usize>,
    /// Category structure of brain and model.
    pub categories: Vec<CategoryStructure>,
}

/// The brain side of the benchmark, loaded once.
pub struct ItReference {
    /// Which target.
    pub target: Target,
    /// The 92 stimuli.
    pub stimuli: Vec<ImageStimulus>,
    /// Names of the brain RDMs.
    pub names: Vec<String>,
    /// Upper-triangle vectors of the brain RDMs.
    pub vectors: Vec<Vec<f64>>,
    /// The RDM the category structure is read from (mean over subjects, or monkey).
    pub group: Array2<f64>,
    /// Nili bounds (human only).
    pub ceiling: Option<Ceiling>,
}

impl ItReference {
    /// Reads the RDMs and stimulus table, recording their digests in `log`.
    pub async fn load(target: Target, log: &mut DataLog<'_>) -> Result<Self> {
        let data = Kriegeskorte2008::parse(KriegeskorteFiles {
            stimuli: &log.read(kriegeskorte::STIMULI).await?,
            human_it: &log.read(kriegeskorte::HUMAN_IT).await?,
            human_it_fig1: &log.read(kriegeskorte::HUMAN_IT_FIG1).await?,
            monkey_it: &log.read(kriegeskorte::MONKEY_IT).await?,
            names: &log.read(kriegeskorte::RDM_NAMES).await?,
        })?;
        let (rdms, group) = match target {
            Target::HumanIt => {
                let subjects = data.human_it_session_mean();
                let n = subjects.len() as f64;
                let group = subjects.iter().fold(
                    Array2::zeros((kriegeskorte::N_IMAGES, kriegeskorte::N_IMAGES)),
                    |acc, r| acc + &r.values,
                ) / n;
                (subjects, group)
            }
            Target::MonkeyIt => {
                let group = data.monkey_it.values.clone();
                (vec![data.monkey_it], group)
            }
        };
        let vectors = rdms
            .iter()
            .map(|r| rsa::upper_triangle(r.values.view()))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let ceiling = match target {
            Target::HumanIt => {
                let b = nili_bounds(&vectors, RsaMethod::Spearman, Pooling::RankAverage)?;
                Some(Ceiling {
                    value: b.upper,
                    lower: Some(b.lower),
                    method: "Nili et al. 2014 upper bound (Spearman, rank-averaged pooling over 4 subjects); lower bound beside it".into(),
                })
            }
            Target::MonkeyIt => None,
        };
        Ok(Self {
            target,
            stimuli: data.stimuli,
            names: rdms.into_iter().map(|r| r.name).collect(),
            vectors,
            group,
            ceiling,
        })
    }
}

/// One layer's comparison.
struct LayerResult {
    score: LayerScore,
    per_subject: Vec<f64>,
    constant_conditions: Vec<usize>,
    model_vector: Option<Vec<f64>>,
    categories: Vec<Value>,
}

fn score_layer(reference: &ItReference, layer: &LayerActivations) -> Result<LayerResult> {
    let patterns = layer.values.mapv(f64::from);
    let model = rsa::rdm(patterns.view())?;
    let v = rsa::upper_triangle(model.matrix.view())?;
    let constant = v.iter().all(|x| *x == v[0]);
    let categories = Contrast::ALL
        .iter()
        .map(|&c| between_minus_within(model.matrix.view(), &reference.stimuli, c))
        .collect();
    if constant {
        let undefined = Value::Undefined(Undefined::Constant);
        return Ok(LayerResult {
            score: LayerScore {
                layer: layer.name.clone(),
                raw: undefined,
                value: undefined,
                error: None,
            },
            per_subject: Vec::new(),
            constant_conditions: model.constant_conditions,
            model_vector: None,
            categories,
        });
    }
    let s = rsa_score(&v, &reference.vectors, RsaMethod::Spearman)?;
    let raw = Value::finite_or(s.raw, Undefined::NotFinite);
    let n = s.per_subject.len();
    let error = (n > 1).then(|| (stats::variance(&s.per_subject, 1) / n as f64).sqrt());
    Ok(LayerResult {
        score: LayerScore {
            layer: layer.name.clone(),
            raw,
            value: normalize(raw, reference.ceiling.as_ref().map(|c| c.value)).0,
            error: error.filter(|e| e.is_finite()),
        },
        per_subject: s.per_subject,
        constant_conditions: model.constant_conditions,
        model_vector: Some(v),
        categories,
    })
}

/// Scores recorded activations (92 rows per layer, in stimulus order) against `reference`.
/// Used by [`run_recorded`]; public so tests and the app can score any recording.
pub fn score_activations(
    spec: &BenchmarkSpec,
    reference: &ItReference,
    layers: &[LayerActivations],
    model: ModelRef,
    data: DataRef,
) -> Result<Score> {
    let mut score = Score::new(
        spec,
        model,
        data,
        "Spearman ρ between model and brain RDM upper triangles (1 − Pearson RDMs), mean over subjects",
    );
    score.ceiling = reference.ceiling.clone();
    let results = layers
        .iter()
        .map(|l| score_layer(reference, l))
        .collect::<Result<Vec<_>>>()?;
    let committed = results
        .iter()
        .position(|r| r.score.layer == COMMITTED_LAYER)
        .or_else(|| results.len().checked_sub(1));
    let values: Vec<Value> = results.iter().map(|r| r.score.value).collect();
    score.best_layer = best_index(&values).map(|i| results[i].score.layer.clone());
    let per_layer: Vec<&[f64]> = results.iter().map(|r| r.per_subject.as_slice()).collect();
    let nested = match reference.target {
        Target::HumanIt => leave_one_subject_out(&per_layer),
        Target::MonkeyIt => None,
    };
    // The layer the details and views describe: the most chosen one, else the committed one.
    let headline = nested
        .as_ref()
        .and_then(|n| modal(&n.iter().map(|(l, _)| *l).collect::<Vec<_>>()))
        .or(committed);
    if let Some(n) = &nested {
        let held_out: Vec<f64> = n.iter().map(|(_, v)| *v).collect();
        score.set_raw(Value::finite_or(
            stats::mean(&held_out),
            Undefined::NotFinite,
        ));
        let k = held_out.len();
        score.error = Some(ErrorEstimate {
            value: (stats::variance(&held_out, 1) / k as f64).sqrt(),
            method: format!("SE of the held-out ρ over {k} subjects (sample SD / √n)"),
        });
        score.layer_choice = Some(LayerChoice {
            method: "leave one subject out: for each subject, the layer with the highest mean ρ over the other subjects, scored on the held-out subject (METRICS §10.3)".into(),
            fold: "held-out subject".into(),
            folds: n
                .iter()
                .map(|(l, v)| FoldChoice {
                    layer: results[*l].score.layer.clone(),
                    value: *v,
                    alpha: None,
                })
                .collect(),
            committed_layer: committed.map(|c| results[c].score.layer.clone()),
            committed_raw: committed.map(|c| results[c].score.raw),
        });
        score.notes.push("Per-layer values and the best layer use every subject (optimistic); the headline chooses each subject's layer on the other subjects only.".into());
    }
    if let Some(h) = headline {
        let r = &results[h];
        if nested.is_none() {
            score.layer = Some(r.score.layer.clone());
            score.set_raw(r.score.raw);
            score.error = r.score.error.map(|value| ErrorEstimate {
                value,
                method: format!(
                    "SE of ρ over {} subjects (sample SD / √n)",
                    r.per_subject.len()
                ),
            });
        }
        let tau = match &r.model_vector {
            Some(v) => {
                let taus = reference
                    .vectors
                    .iter()
                    .map(|s| rsa::compare(v, s, RsaMethod::KendallTauA))
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                Value::finite_or(stats::mean(&taus), Undefined::NotFinite)
            }
            None => Value::Undefined(Undefined::Constant),
        };
        if !r.constant_conditions.is_empty() {
            score.notes.push(format!(
                "{} of 92 images gave a constant pattern in `{}`; their dissimilarities were set to 1 (METRICS §4.1)",
                r.constant_conditions.len(),
                r.score.layer
            ));
        }
        if matches!(r.score.raw, Value::Undefined(Undefined::Constant)) {
            score.notes.push(format!(
                "undefined (constant): layer `{}` gives the same features for every image, so its RDM has no variance",
                r.score.layer
            ));
        }
        let categories = Contrast::ALL
            .iter()
            .enumerate()
            .map(|(k, &c)| CategoryStructure {
                contrast: c.name().to_string(),
                brain: between_minus_within(reference.group.view(), &reference.stimuli, c),
                model: r.categories[k],
                per_layer: results.iter().map(|x| x.categories[k]).collect(),
            })
            .collect();
        score.details = Some(Details::Rsa(RsaDetails {
            subjects: reference.names.clone(),
            per_subject: match &nested {
                Some(n) => n.iter().map(|(_, v)| *v).collect(),
                None => r.per_subject.clone(),
            },
            layer: r.score.layer.clone(),
            kendall_tau_a: tau,
            constant_conditions: r.constant_conditions.clone(),
            categories,
        }));
    }
    if reference.target == Target::MonkeyIt {
        score.notes.push(
            "no ceiling available: the monkey IT data are a single RDM (no subjects or repetitions to estimate reliability); value = raw ρ".into(),
        );
        score.notes.push(format!(
            "One RDM leaves nothing to choose a layer on without the test data: the headline is the committed layer `{COMMITTED_LAYER}`; the best layer is chosen on these data (optimistic)."
        ));
        if let Some(last) = results
            .last()
            .filter(|_| !results.iter().any(|r| r.score.layer == COMMITTED_LAYER))
        {
            score.notes.push(format!(
                "This network has no `{COMMITTED_LAYER}` layer: the headline is its last recorded layer, `{}` (a fixed rule, not a choice on these data).",
                last.score.layer
            ));
        }
    }
    score.layers = results.into_iter().map(|r| r.score).collect();
    Ok(score)
}

/// Leave one subject out (METRICS §10.3): per subject `s`, the layer (index into
/// `per_layer`, each layer's ρ per subject; empty = undefined layer) with the highest mean
/// ρ over the other subjects (earliest on ties) and its ρ on `s`. `None` with fewer than 2
/// subjects or no defined layer.
pub fn leave_one_subject_out(per_layer: &[&[f64]]) -> Option<Vec<(usize, f64)>> {
    let n = per_layer.iter().map(|p| p.len()).max()?;
    if n < 2 {
        return None;
    }
    (0..n)
        .map(|s| {
            let mut best: Option<(usize, f64)> = None;
            for (l, rho) in per_layer.iter().enumerate() {
                if rho.len() != n {
                    continue;
                }
                let others = (rho.iter().sum::<f64>() - rho[s]) / (n - 1) as f64;
                if others.is_finite() && best.is_none_or(|(_, b)| others > b) {
                    best = Some((l, others));
                }
            }
            best.map(|(l, _)| (l, per_layer[l][s]))
        })
        .collect()
}

/// The most frequent index (earliest first seen on ties).
fn modal(xs: &[usize]) -> Option<usize> {
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for &x in xs {
        match counts.iter_mut().find(|(v, _)| *v == x) {
            Some((_, c)) => *c += 1,
            None => counts.push((x, 1)),
        }
    }
    let top = counts.iter().map(|(_, c)| *c).max()?;
    counts.into_iter().find(|(_, c)| *c == top).map(|(v, _)| v)
}

/// The 92 image files' bytes, in stimulus order.
pub async fn image_files(log: &mut DataLog<'_>) -> Result<Vec<Vec<u8>>> {
    let paths: Vec<String> = (0..kriegeskorte::N_IMAGES)
        .map(kriegeskorte::image_path)
        .collect();
    log.read_group("kriegeskorte2008_92images/images/", &paths)
        .await
}

/// The 92 images, preprocessed for `subject` (shared image path), in stimulus order.
pub async fn images(subject: &VisionSubject, log: &mut DataLog<'_>) -> Result<Vec<Vec<f32>>> {
    let bytes = image_files(log).await?;
    bytes
        .iter()
        .map(|b| {
            Ok(preprocess_bytes_at(
                b,
                subject.model.input_side(),
                subject.model.normalisation(),
            )?)
        })
        .collect()
}

/// An IT RSA run with what its score was computed from, for views that draw more than
/// the number (the RDMs and nearest neighbours of [`crate::views::vision`]).
pub struct RsaRun {
    /// The score (what [`crate::registry::run`] returns).
    pub score: Score,
    /// The brain RDMs it was compared with.
    pub reference: ItReference,
    /// Every layer's responses to the 92 images.
    pub layers: Vec<LayerActivations>,
}

/// Runs the benchmark: loads the RDMs and images, records every layer, scores; keeps
/// the brain RDMs and the recording beside the score (the views draw them).
pub async fn run_recorded(
    spec: &BenchmarkSpec,
    target: Target,
    subject: &VisionSubject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<RsaRun> {
    let mut log = DataLog::new(&ctx.assets);
    let reference = ItReference::load(target, &mut log).await?;
    let images = images(subject, &mut log).await?;
    let layers = subject
        .record(
            &images,
            &LayerSelection::All,
            subject.steps,
            "92 images",
            progress,
        )
        .await?;
    let data = log.finish().await?;
    let score = score_activations(
        spec,
        &reference,
        &layers,
        subject.model_ref(subject.steps),
        data,
    )?;
    Ok(RsaRun {
        score,
        reference,
        layers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_subject_gets_the_layer_best_on_the_others() {
        // layer 0 is best on subjects 1–3, layer 1 on subject 0 only; layer 2 undefined
        let l0 = [0.1, 0.5, 0.5, 0.5];
        let l1 = [0.9, 0.4, 0.4, 0.4];
        let got = leave_one_subject_out(&[&l0, &l1, &[]]).unwrap();
        // holding out subject 0: others favour layer 0 (0.5 > 0.4) → its ρ 0.1
        assert_eq!(got[0], (0, 0.1));
        // holding out subject 1: layer 0 mean (0.1+0.5+0.5)/3 = 0.367 < layer 1 (0.9+0.4+0.4)/3
        assert_eq!(got[1], (1, 0.4));
        assert_eq!(got.len(), 4);
        assert_eq!(leave_one_subject_out(&[&[0.3]]), None);
        assert_eq!(modal(&[2, 1, 1, 2]), Some(2));
    }
}
