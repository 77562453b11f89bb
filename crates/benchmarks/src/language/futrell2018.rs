//! `futrell2018-rt` (activations) and `futrell2018-rt-surprisal` (METRICS §2.3, §3.1, §7.3).
//!
//! Data: Futrell et al. (2018), Natural Stories — 10 stories, 10,256 words, per-word mean
//! self-paced reading time over 62–97 readers. Each story is one passage with its words as
//! parts (context reset per story, left-truncated to the model's window). Sentence-initial
//! words (the reference's segmentation rule, METRICS §3.1 step 5) are dropped from both
//! model and data, leaving 9,775 words.
//!
//! - surprisal: per-word surprisal in bits of a causal model (sum over its tokens) vs mean
//!   RT; raw = |Pearson r| (exact variant), no fitting.
//! - activations: per layer, RidgeCV (standardised features, α ∈ logspace(−3, 6, 10))
//!   from the word's state (its last token, story context) to mean RT, GroupKFold(10,
//!   shuffled, seed 1234) with the story as group, Pearson r on the held-out story. Version
//!   2 (METRICS §10.3): each fold's layer is chosen on its training stories; raw = mean
//!   over folds.
//!
//! Ceiling (both): ρ = 1 − mean(sd²/n) / var(mean RT) on the scored words (sampling error,
//! METRICS §2.3; 0.83191 on the full data); score = clip(raw / ρ, 0, 1); sqrt(ρ), the
//! largest r a noise-free predictor can expect, is reported beside it.

use brainprobe_data::datasets::futrell::{self, NaturalStories, StoryWord};
use brainprobe_metrics::ceiling::{sampling_error_reliability, Reliability};
use brainprobe_metrics::correlation::pearson;
use brainprobe_metrics::lm::segment_sentences;
use brainprobe_metrics::splits::group_kfold;
use brainprobe_models::language::{LayerSelection, PartRecording, Passage, Readout};
use ndarray::{Array1, Axis};
use serde::{Deserialize, Serialize};

use super::as_f64;
use super::layers::LayerRegressions;
use crate::context::RunContext;
use crate::data::DataLog;
use crate::error::{BenchError, Result};
use crate::progress::Progress;
use crate::registry::{BenchmarkSpec, Kind, Modality, Needs};
use crate::score::{normalize, Ceiling, Details, Score};
use crate::score::{Undefined, Value};
use crate::subject::LanguageSubject;

const CITATION: &str = "Futrell et al. 2018, LREC (Natural Stories corpus)";

/// `futrell2018-rt`: cross-validated regression from layer activations.
pub const SPEC: BenchmarkSpec = BenchmarkSpec {
    id: "futrell2018-rt",
    version: 2,
    modality: Modality::Language,
    data: &["futrell2018_naturalstories"],
    kind: Kind::FutrellActivations,
    description: "RidgeCV from each layer's per-word state (story context) to mean reading time, GroupKFold by story; ceiling = sampling-error reliability",
    citation: CITATION,
    label: "reading times from activations (Natural Stories)",
    needs: Needs::Nothing,
    causal_only: false,
    baseline: Some("baseline-lexical"),
};

/// `futrell2018-rt-surprisal`: surprisal of a causal model vs reading time.
pub const SURPRISAL_SPEC: BenchmarkSpec = BenchmarkSpec {
    id: "futrell2018-rt-surprisal",
    version: 1,
    modality: Modality::Language,
    data: &["futrell2018_naturalstories"],
    kind: Kind::FutrellSurprisal,
    description: "|Pearson r| of a causal model's per-word surprisal (bits) with mean reading time; ceiling = sampling-error reliability",
    citation: CITATION,
    label: "reading times vs surprisal (Natural Stories; causal models)",
    needs: Needs::Nothing,
    causal_only: true,
    baseline: Some("baseline-unigram-surprisal"),
};

/// Reading-time results beside the headline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FutrellDetails {
    /// `surprisal` or `activations`.
    pub variant: String,
    /// Stories presented.
    pub stories: usize,
    /// Words scored (sentence-initial words dropped).
    pub words_scored: usize,
    /// Sentence-initial words dropped.
    pub words_excluded: usize,
    /// ρ before clipping to [0, 1].
    pub reliability_unclipped: f64,
    /// sqrt(ρ): the highest r a noise-free predictor can expect.
    pub max_attainable_r: f64,
    /// Activations: Pearson r per held-out story fold (committed layer). Surprisal: empty.
    pub per_fold_r: Vec<f64>,
    /// Surprisal only: the signed Pearson r (the raw score is its absolute value).
    pub signed_r: Option<f64>,
}

/// The corpus, the story passages and which words are scored.
pub struct Stories {
    /// Words in (story, zone) order (the first `n` stories if a subset was asked for).
    pub words: Vec<StoryWord>,
    /// One passage per story, words as parts.
    pub passages: Vec<Passage>,
    /// Indices into `words` of the scored (non-sentence-initial) words.
    pub kept: Vec<usize>,
    /// The reliability of the mean RTs of the kept words.
    pub reliability: Reliability,
}

impl Stories {
    /// Mean reading time (ms) of each scored word, in `kept` order: what both variants
    /// predict.
    pub fn scored_rts(&self) -> Vec<f64> {
        self.kept
            .iter()
            .map(|&i| self.words[i].mean_rt_ms)
            .collect()
    }
}

/// Reads Natural Stories (digests in `log`), the first `n_stories` if given.
pub async fn stories(log: &mut DataLog<'_>, n_stories: Option<usize>) -> Result<Stories> {
    let ns = NaturalStories::parse(
        &log.read(futrell::WORDS).await?,
        &log.read(futrell::STORIES).await?,
    )?;
    let limit = n_stories.unwrap_or(usize::MAX) as u32;
    let words: Vec<StoryWord> = ns.words.into_iter().filter(|w| w.story <= limit).collect();
    let mut passages: Vec<Passage> = Vec::new();
    let mut current = None;
    for w in &words {
        if current != Some(w.story) {
            passages.push(Vec::new());
            current = Some(w.story);
        }
        if let Some(p) = passages.last_mut() {
            p.push(w.word.clone());
        }
    }
    let texts: Vec<&str> = words.iter().map(|w| w.word.as_str()).collect();
    let (_, within) = segment_sentences(&texts);
    let kept: Vec<usize> = (0..words.len()).filter(|&i| within[i] != 1).collect();
    let pick = |f: &dyn Fn(&StoryWord) -> f64| -> Array1<f64> {
        kept.iter().map(|&i| f(&words[i])).collect()
    };
    let reliability = sampling_error_reliability(
        pick(&|w| w.mean_rt_ms).view(),
        pick(&|w| w.sd_rt_ms).view(),
        pick(&|w| w.n_subjects as f64).view(),
    )?;
    Ok(Stories {
        words,
        passages,
        kept,
        reliability,
    })
}

fn ceiling(r: &Reliability) -> Ceiling {
    Ceiling {
        value: r.rho,
        lower: None,
        method: format!(
            "sampling-error reliability of the item means, ρ = 1 − mean(sd²/n) / var(mean RT) on the scored words (METRICS §2.3); max attainable r = sqrt(ρ) = {:.4}",
            r.sqrt_rho
        ),
    }
}

fn base_details(st: &Stories, variant: &str) -> FutrellDetails {
    FutrellDetails {
        variant: variant.into(),
        stories: st.passages.len(),
        words_scored: st.kept.len(),
        words_excluded: st.words.len() - st.kept.len(),
        reliability_unclipped: st.reliability.rho_unclipped,
        max_attainable_r: st.reliability.sqrt_rho,
        per_fold_r: Vec::new(),
        signed_r: None,
    }
}

fn common_notes(score: &mut Score, st: &Stories, subset: Option<usize>) {
    score.notes.push(format!(
        "{} sentence-initial words dropped from model and data (METRICS §3.1 step 5); {} words scored.",
        st.words.len() - st.kept.len(),
        st.kept.len()
    ));
    if st.reliability.clipped {
        score.notes.push(format!(
            "Reliability clipped to [0, 1] (was {:.4}).",
            st.reliability.rho_unclipped
        ));
    }
    if subset.is_some() {
        score.notes.push(format!(
            "Subset run: the first {} stories only (a test size, not the benchmark number).",
            st.passages.len()
        ));
    }
}

/// A reading-time run with what its score was computed from, for views that draw more
/// than the number (the app's reading view and scatter).
pub struct FutrellRun {
    /// The score (what [`crate::registry::run`] returns).
    pub score: Score,
    /// The stories and which words were scored.
    pub stories: Stories,
    /// Surprisal variant: bits per word of `stories.words` (every word, scored or not).
    pub surprisal_bits: Option<Vec<f64>>,
    /// Activations variant: every layer's state per word of `stories.words`.
    pub layers: Vec<brainprobe_models::language::LayerActivations>,
    /// Activations variant: the story folds over the scored words (`stories.kept` order).
    pub splits: Vec<brainprobe_metrics::splits::Split>,
}

/// Runs `futrell2018-rt` or, for a causal `subject`, `futrell2018-rt-surprisal`
/// (`spec.kind` says which), keeping the stories and what the score was computed from
/// (the surprisals, or the recording and the folds).
pub async fn run_recorded(
    spec: &BenchmarkSpec,
    subject: &LanguageSubject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<FutrellRun> {
    let surprisal = spec.kind == Kind::FutrellSurprisal;
    let layers = if surprisal {
        super::wikitext2::with_surprisal(&subject.model, spec.id)?;
        // no layer is read: surprisal is the same under every readout
        LayerSelection::Named(Vec::new())
    } else {
        LayerSelection::All
    };
    let subset = ctx.options.language_subset;
    let readout = subject.readout(&ctx.options);
    let mut log = DataLog::new(&ctx.assets);
    let st = stories(&mut log, subset).await?;
    let rec = subject
        .record(&st.passages, &layers, readout, "story words", progress)
        .await?;
    if surprisal {
        score_surprisal(spec, subject, subset, log, st, rec).await
    } else {
        score_activations(spec, subject, readout, subset, log, st, rec).await
    }
}

/// `futrell2018-rt-surprisal` from the stories `st` (the first `subset` if given) read
/// into `log` and their recording `rec`.
async fn score_surprisal(
    spec: &BenchmarkSpec,
    subject: &LanguageSubject,
    subset: Option<usize>,
    log: DataLog<'_>,
    st: Stories,
    rec: PartRecording,
) -> Result<FutrellRun> {
    let surprisal = rec
        .surprisal_bits
        .ok_or_else(|| BenchError::NotApplicable {
            benchmark: spec.id.into(),
            model: subject.model.id().into(),
            reason: "it has no next-token head (surprisal needs a causal model)".into(),
        })?;
    let x: Vec<f64> = st.kept.iter().map(|&i| surprisal[i]).collect();
    if let Some(k) = x.iter().position(|v| !v.is_finite()) {
        return Err(BenchError::InvalidOption {
            name: "surprisal",
            reason: format!(
                "word `{}` has no finite surprisal",
                st.words[st.kept[k]].word
            ),
        });
    }
    let y = st.scored_rts();
    let r = pearson(&x, &y);
    let mut score = Score::new(
        spec,
        subject.model_ref(),
        log.finish().await?,
        "|Pearson r| of per-word surprisal (bits) with mean reading time (ms)",
    );
    score.ceiling = Some(ceiling(&st.reliability));
    let raw = if r.is_finite() {
        Value::Defined(r.abs())
    } else {
        Value::Undefined(Undefined::Constant)
    };
    score.set_raw(raw);
    let mut details = base_details(&st, "surprisal");
    details.signed_r = r.is_finite().then_some(r);
    score.details = Some(Details::Futrell(details));
    common_notes(&mut score, &st, subset);
    score.notes.push(crate::subject::NO_READOUT_NOTE.into());
    score.notes.extend(rec.notes);
    Ok(FutrellRun {
        score,
        stories: st,
        surprisal_bits: Some(surprisal),
        layers: Vec::new(),
        splits: Vec::new(),
    })
}

/// `futrell2018-rt` (activations) from the stories `st` (the first `subset` if given) read
/// into `log` and every layer's recording `rec`, read with `readout`.
async fn score_activations(
    spec: &BenchmarkSpec,
    subject: &LanguageSubject,
    readout: Readout,
    subset: Option<usize>,
    log: DataLog<'_>,
    st: Stories,
    rec: PartRecording,
) -> Result<FutrellRun> {
    let y = st.scored_rts();
    let groups: Vec<i64> = st.kept.iter().map(|&i| st.words[i].story as i64).collect();
    let folds = st.passages.len().min(10);
    let splits = group_kfold(&groups, folds, 1234)?;
    let mut score = Score::new(
        spec,
        subject.model_ref_read(readout),
        log.finish().await?,
        "Pearson r (held-out story, mean over GroupKFold folds) of RidgeCV predictions of mean reading time from the word's state",
    );
    let rho = ceiling(&st.reliability);
    score.ceiling = Some(rho.clone());
    let mut details = base_details(&st, "activations");
    let regs = LayerRegressions::fit(
        rec.layers
            .iter()
            .map(|l| (l.name.clone(), as_f64(l).select(Axis(0), &st.kept))),
        &y,
        &splits,
    )?;
    regs.fill(&mut score, "story fold", |raw| {
        normalize(raw, Some(rho.value)).0
    });
    details.per_fold_r = regs.per_split();
    score.details = Some(Details::Futrell(details));
    common_notes(&mut score, &st, subset);
    score.notes.push(format!(
        "GroupKFold({folds}, shuffled, seed 1234) with the story as group: each fold predicts a whole unseen story."
    ));
    score.notes.push(subject.readout_note(readout));
    if subject.model.is_bidirectional() {
        score.notes.push("Bidirectional model: a word's state has seen the whole word (all its word pieces) but no later words.".into());
    }
    score.notes.extend(rec.notes);
    Ok(FutrellRun {
        score,
        stories: st,
        surprisal_bits: None,
        layers: rec.layers,
        splits,
    })
}
