//! `pereira2018-langnet` (METRICS §1, §7.2).
//!
//! Data: Pereira et al. (2018), Nat. Commun. 9:963 — 627 sentences, each with one
//! response: the GLM effect size averaged over the left-hemisphere language-network fROIs
//! and over participants. Each sentence is presented alone (its own context; the file has
//! no passage labels). Per layer the sentence representation is the state at its last
//! token (mean of word vectors for embeddings), standardised with each split's training
//! statistics; RidgeCV (α ∈ logspace(−3, 6, 10), exact leave-one-out choice) on
//! ShuffleSplit(10 splits, train 0.9, seed 1); Pearson r (epsilon variant) on the 63
//! held-out sentences of each split. Version 2 (METRICS §10.3): in each split the layer is
//! the one whose fit explains the training sentences best; raw = mean over splits.
//! No noise ceiling exists for one averaged response per sentence, so the score is the raw
//! r, and every output says so.

use brainprobe_data::datasets::pereira::{self, PereiraSentence};
use brainprobe_metrics::regression::fit_predict_standardised;
use brainprobe_metrics::splits::{shuffle_split, Split};
use brainprobe_models::language::{
    LayerActivations, LayerSelection, PartRecording, Passage, Readout,
};
use serde::{Deserialize, Serialize};

use super::layers::LayerRegressions;
use super::{as_f64, column, regression, subset};
use crate::context::RunContext;
use crate::data::DataLog;
use crate::error::{BenchError, Result};
use crate::progress::Progress;
use crate::registry::{BenchmarkSpec, Kind, Modality, Needs};
use crate::score::{DataRef, Details, ModelRef, Score};
use crate::subject::LanguageSubject;

/// The note every Pereira output carries.
pub const NO_CEILING: &str = "No noise ceiling exists for this data (one response per sentence, averaged over participants and fROIs): the score is the raw Pearson r, not a fraction of an attainable maximum.";

/// `pereira2018-langnet`.
pub const SPEC: BenchmarkSpec = BenchmarkSpec {
    id: "pereira2018-langnet",
    version: 2,
    modality: Modality::Language,
    data: &["pereira2018_langnet"],
    kind: Kind::Pereira,
    description: "RidgeCV from each layer's sentence representation to the averaged language-network response (627 sentences, ShuffleSplit 10 × 0.9); raw Pearson r, no ceiling",
    citation: "Pereira et al. 2018, Nat. Commun. 9:963",
    label: "fMRI: language network, 627 sentences (Pereira 2018)",
    needs: Needs::Nothing,
    causal_only: false,
    baseline: Some("baseline-length"),
};

/// Pereira results beside the headline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PereiraDetails {
    /// Sentences scored.
    pub sentences: usize,
    /// The outer splits, in words.
    pub splits: String,
    /// Headline: Pearson r per split at that split's chosen layer.
    pub per_split_r: Vec<f64>,
    /// Headline: the α RidgeCV chose per split at the chosen layer.
    pub alphas: Vec<f64>,
}

/// The 627 sentences (or the first `n`), digests recorded in `log`.
pub async fn sentences(log: &mut DataLog<'_>, n: Option<usize>) -> Result<Vec<PereiraSentence>> {
    let all = pereira::parse_sentences(&log.read(pereira::SENTENCES).await?)?;
    Ok(subset(all, n))
}

/// Each sentence as its own one-part passage (METRICS §7.2 decision).
pub fn passages(sentences: &[PereiraSentence]) -> Vec<Passage> {
    sentences.iter().map(|s| vec![s.text.clone()]).collect()
}

/// ShuffleSplit(10, train 0.9, seed 1) over `n` sentences (METRICS §1.2 decision).
pub fn splits(n: usize) -> Result<Vec<Split>> {
    Ok(shuffle_split(n, 10, 0.9, 1)?)
}

/// Every layer's representation of every sentence.
pub async fn record(
    subject: &LanguageSubject,
    sentences: &[PereiraSentence],
    readout: Readout,
    progress: &dyn Progress,
) -> Result<PartRecording> {
    subject
        .record(
            &passages(sentences),
            &LayerSelection::All,
            readout,
            "Pereira sentences",
            progress,
        )
        .await
}

/// Scores recorded layers against `responses` (one per sentence, same order): every
/// layer on standardised features (METRICS §10.2), the headline with the layer chosen per
/// split on the training rows (§10.3).
pub fn score_layers(
    spec: &BenchmarkSpec,
    layers: &[LayerActivations],
    responses: &[f64],
    model: ModelRef,
    data: DataRef,
) -> Result<Score> {
    let splits = splits(responses.len())?;
    let mut score = Score::new(
        spec,
        model,
        data,
        "Pearson r (held-out sentences, mean over 10 ShuffleSplit splits) of RidgeCV predictions of the averaged language-network response, layer chosen per split on the training sentences",
    );
    let regs = LayerRegressions::fit(
        layers.iter().map(|l| (l.name.clone(), as_f64(l))),
        responses,
        &splits,
    )?;
    regs.fill(&mut score, "split", |v| v);
    score.details = Some(Details::Pereira(PereiraDetails {
        sentences: responses.len(),
        splits: "ShuffleSplit(10 splits, train = floor(0.9 n), seed 1)".into(),
        per_split_r: regs.per_split(),
        alphas: regs.alphas(),
    }));
    score.notes.push(NO_CEILING.into());
    Ok(score)
}

/// A Pereira run with what its score was computed from, for views that draw more than
/// the number (the app's predicted-vs-measured scatter).
pub struct PereiraRun {
    /// The score (what [`crate::registry::run`] returns).
    pub score: Score,
    /// The sentences, in recording order.
    pub sentences: Vec<PereiraSentence>,
    /// Every layer's representation of every sentence.
    pub recording: PartRecording,
}

/// Runs `pereira2018-langnet` on `subject`, keeping the sentences and the recording beside
/// the score.
pub async fn run_recorded(
    spec: &BenchmarkSpec,
    subject: &LanguageSubject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<PereiraRun> {
    let mut log = DataLog::new(&ctx.assets);
    let sentences = sentences(&mut log, ctx.options.language_subset).await?;
    let readout = subject.readout(&ctx.options);
    let rec = record(subject, &sentences, readout, progress).await?;
    let data = log.finish().await?;
    let responses: Vec<f64> = sentences.iter().map(|s| s.response).collect();
    let model = subject.model_ref_read(readout);
    let mut score = score_layers(spec, &rec.layers, &responses, model, data)?;
    score.notes.push(subject.readout_note(readout));
    if ctx.options.language_subset.is_some() {
        score.notes.push(format!(
            "Subset run: the first {} sentences only (a test size, not the benchmark number).",
            sentences.len()
        ));
    }
    if subject.model.is_bidirectional() {
        score.notes.push(
            "Bidirectional model: each sentence's last-token state has seen the whole sentence."
                .into(),
        );
    }
    score.notes.extend(rec.notes.iter().cloned());
    Ok(PereiraRun {
        score,
        sentences,
        recording: rec,
    })
}

/// A fitted Pereira encoding model: one layer's sentence representation → response,
/// RidgeCV fitted on all sentences.
pub struct Prediction {
    /// The layer used.
    pub layer: String,
    /// The predicted response to the new sentence.
    pub value: f64,
    /// The α RidgeCV chose on all sentences.
    pub alpha: f64,
    /// Percentile (0–100) of the prediction among the measured responses.
    pub percentile: f64,
    /// The measured responses it is ranked among.
    pub n_sentences: usize,
    /// Notes from recording the new sentence (truncation, unknown words, …).
    pub notes: Vec<String>,
}

/// Fits RidgeCV from `layer` of `rec` (all sentences, read with `readout`) to `responses`
/// and predicts the response to `sentence`, read the same way (METRICS §1.3.3 fit on every
/// sentence; "predicted, not measured").
pub async fn predict(
    subject: &LanguageSubject,
    rec: &PartRecording,
    readout: Readout,
    layer: &str,
    responses: &[f64],
    sentence: &str,
) -> Result<Prediction> {
    if sentence.trim().is_empty() {
        return Err(BenchError::InvalidOption {
            name: "sentence",
            reason: "empty: there is nothing to present to the model".into(),
        });
    }
    let train =
        rec.layers
            .iter()
            .find(|l| l.name == layer)
            .ok_or_else(|| BenchError::InvalidOption {
                name: "layer",
                reason: format!("`{layer}` was not recorded"),
            })?;
    let new = subject
        .record(
            &[vec![sentence.to_string()]],
            &LayerSelection::Named(vec![layer.to_string()]),
            readout,
            "new sentence",
            &crate::progress::Silent,
        )
        .await?;
    let x_new = new
        .layers
        .first()
        .map(as_f64)
        .filter(|x| x.nrows() == 1 && x.iter().all(|v| v.is_finite()))
        .ok_or_else(|| BenchError::InvalidOption {
            name: "sentence",
            reason: "the model gave no finite representation for it".into(),
        })?;
    let y = column(responses);
    let fit =
        fit_predict_standardised(as_f64(train).view(), y.view(), x_new.view(), &regression())?;
    let value = fit.predictions[(0, 0)];
    let below = responses.iter().filter(|&&r| r < value).count() as f64;
    let ties = responses.iter().filter(|&&r| r == value).count() as f64;
    Ok(Prediction {
        layer: layer.to_string(),
        value,
        alpha: fit.alpha.unwrap_or(f64::NAN),
        percentile: 100.0 * (below + 0.5 * ties) / responses.len().max(1) as f64,
        n_sentences: responses.len(),
        notes: new.notes,
    })
}
