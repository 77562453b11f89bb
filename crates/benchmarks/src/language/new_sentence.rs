//! "Your sentence": the Pereira encoding model of a language model (RidgeCV from its best
//! Pereira layer, fitted on all 627 sentences) applied to a sentence the user typed. One
//! code path for `brainprobe predict-langnet` and the app's sentence box. The result is a
//! prediction, never a measurement; callers must say so.

use serde::{Deserialize, Serialize};

use super::pereira2018::{self, predict, score_layers, SPEC};
use brainprobe_models::language::{PartRecording, Readout};

use crate::context::RunContext;
use crate::data::DataLog;
use crate::error::{BenchError, Result};
use crate::progress::Progress;
use crate::score::Score;
use crate::subject::LanguageSubject;

/// Longest input presented, in characters; longer input is cut (and the cut is reported).
pub const MAX_CHARS: usize = 1000;

/// `text` trimmed and cut to [`MAX_CHARS`] characters (at a character boundary), with a
/// note when cut; an error when nothing is left.
pub fn prepare_input(text: &str) -> Result<(String, Option<String>)> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(BenchError::InvalidOption {
            name: "sentence",
            reason: "empty: there is nothing to present to the model".into(),
        });
    }
    let n = trimmed.chars().count();
    if n <= MAX_CHARS {
        return Ok((trimmed.to_string(), None));
    }
    let cut: String = trimmed.chars().take(MAX_CHARS).collect();
    Ok((
        cut,
        Some(format!(
            "input truncated from {n} to its first {MAX_CHARS} characters (the Pereira sentences are 4–30 words)"
        )),
    ))
}

/// A predicted language-network response to a new sentence, with what it rests on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentencePrediction {
    /// The sentence as presented (trimmed, perhaps cut).
    pub sentence: String,
    /// Model identifier.
    pub model: String,
    /// The layer the encoding model reads (the model's best Pereira layer).
    pub layer: String,
    /// That layer's cross-validated Pereira r on held-out sentences (raw, no ceiling).
    pub layer_r: Option<f64>,
    /// The predicted response.
    pub value: f64,
    /// Its percentile (0–100) among the measured responses.
    pub percentile: f64,
    /// The α RidgeCV chose on all sentences.
    pub alpha: f64,
    /// Measured responses it is ranked among.
    pub n_sentences: usize,
    /// Lowest and highest measured response.
    pub measured_range: (f64, f64),
    /// Truncation, unknown words, …
    pub notes: Vec<String>,
}

/// A model's Pereira encoding data: its score per layer and its recording of the 627
/// sentences — everything a prediction needs but the new sentence, so an app can keep it
/// and answer the next sentence without recording the 627 again.
pub struct EncodingFit {
    /// The Pereira score (chooses the layer).
    pub score: Score,
    /// Every layer's representation of every sentence.
    pub recording: PartRecording,
    /// The measured responses, in recording order.
    pub responses: Vec<f64>,
    /// How each sentence was read (the run options' readout, else the model's default);
    /// a new sentence is read the same way.
    pub readout: Readout,
}

/// Records the Pereira sentences with `subject` and scores its layers.
pub async fn fit_encoding(
    subject: &LanguageSubject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<EncodingFit> {
    let mut log = DataLog::new(&ctx.assets);
    let sentences = pereira2018::sentences(&mut log, None).await?;
    let responses: Vec<f64> = sentences.iter().map(|s| s.response).collect();
    let readout = subject.readout(&ctx.options);
    let recording = pereira2018::record(subject, &sentences, readout, progress).await?;
    let data = log.finish().await?;
    let mut score = score_layers(
        &SPEC,
        &recording.layers,
        &responses,
        subject.model_ref_read(readout),
        data,
    )?;
    score.notes.push(subject.readout_note(readout));
    Ok(EncodingFit {
        score,
        recording,
        responses,
        readout,
    })
}

/// Fits the best layer of `fit` on all sentences and predicts the response to `text`.
pub async fn predict_with(
    fit: &EncodingFit,
    subject: &LanguageSubject,
    text: &str,
) -> Result<SentencePrediction> {
    let (sentence, cut) = prepare_input(text)?;
    let layer = fit
        .score
        .best_layer
        .clone()
        .or_else(|| fit.score.layer.clone())
        .unwrap_or_default();
    let p = predict(
        subject,
        &fit.recording,
        fit.readout,
        &layer,
        &fit.responses,
        &sentence,
    )
    .await?;
    let measured_range = fit
        .responses
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &r| {
            (a.min(r), b.max(r))
        });
    let mut notes: Vec<String> = cut.into_iter().collect();
    notes.extend(p.notes);
    Ok(SentencePrediction {
        sentence,
        model: subject.model.id().to_string(),
        layer_r: fit.score.layer_score(&p.layer).and_then(|l| l.raw.get()),
        layer: p.layer,
        value: p.value,
        percentile: p.percentile,
        alpha: p.alpha,
        n_sentences: p.n_sentences,
        measured_range,
        notes,
    })
}

/// Records the Pereira sentences with `subject`, scores its layers, fits the best one on
/// all sentences and predicts the response to `text` (checked first, so bad text costs
/// no recording).
pub async fn predict_sentence(
    subject: &LanguageSubject,
    ctx: &RunContext,
    text: &str,
    progress: &dyn Progress,
) -> Result<SentencePrediction> {
    prepare_input(text)?;
    let fit = fit_encoding(subject, ctx, progress).await?;
    predict_with(&fit, subject, text).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_checked_and_cut_with_a_note() {
        assert!(prepare_input("   ").is_err());
        assert!(prepare_input("").is_err());
        let long = "é".repeat(10_000);
        let (cut, note) = prepare_input(&long).expect("long input is cut, not refused");
        assert_eq!(cut.chars().count(), MAX_CHARS);
        assert!(note.is_some_and(|n| n.contains("truncated from 10000")));
        let rtl = "שלום עולם 🙂";
        assert_eq!(
            prepare_input(rtl).expect("RTL and emoji are text"),
            (rtl.to_string(), None)
        );
    }
}
