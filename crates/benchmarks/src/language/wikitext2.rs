//! `wikitext2-nextword` (METRICS §3.2): word-level perplexity of a causal model's own
//! next-token head on the WikiText-2 raw test text — the whole file tokenised once,
//! sliding windows of the model's context with stride half of it, every token but the
//! first scored exactly once; word-level perplexity exp(ΣNLL / #whitespace words) is the
//! headline (comparable across tokenizers; lower is better). The same code path serves
//! `brainprobe eval wikitext2`.
//!
//! The text is not in the data bundle (it stays in the verified native cache), so the run
//! context carries it ([`RunContext::wikitext2_test`]); the browser has none.

use brainprobe_metrics::lm::{perplexity, Perplexity};
use brainprobe_models::language::causal::sliding_windows;
use brainprobe_models::language::LanguageModel;
use serde::{Deserialize, Serialize};

use crate::context::RunContext;
use crate::data::DataLog;
use crate::error::{BenchError, Result};
use crate::progress::Progress;
use crate::registry::{BenchmarkSpec, Kind, Modality, Needs};
use crate::score::{Details, Score, Value};
use crate::subject::LanguageSubject;

/// `wikitext2-nextword`.
pub const SPEC: BenchmarkSpec = BenchmarkSpec {
    id: "wikitext2-nextword",
    version: 1,
    modality: Modality::Language,
    data: &["wikitext2"],
    kind: Kind::NextWord,
    description: "word-level perplexity of a causal model on the WikiText-2 raw test text (sliding windows, stride = context / 2); lower is better",
    citation: "Merity et al. 2016, WikiText-2 (raw test split)",
    label: "next-word perplexity, WikiText-2 test (causal models)",
    needs: Needs::Wikitext2TestFile,
    causal_only: true,
    baseline: None,
};

/// Label of the text's digest in a score's data provenance.
pub const TEXT_LABEL: &str = "wikitext2/test.txt (native cache)";

/// Perplexities of one model on the (possibly truncated) test text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NextWordDetails {
    /// Scored tokens.
    pub tokens: usize,
    /// Whitespace-separated words of the scored text.
    pub words: usize,
    /// exp(mean token NLL) — depends on the tokenizer.
    pub token_perplexity: f64,
    /// Σ NLL / (ln 2 · #words).
    pub bits_per_word: f64,
    /// Only the first N tokens were scored (a quick look, not the benchmark number).
    pub token_limit: Option<usize>,
}

/// `model` if it is causal (gpt-mini, lstm-mini), or why this benchmark does not apply.
pub fn causal<'a>(model: &'a LanguageModel, benchmark: &str) -> Result<&'a LanguageModel> {
    if model.is_causal() {
        return Ok(model);
    }
    Err(BenchError::NotApplicable {
        benchmark: benchmark.into(),
        model: model.id().into(),
        reason: "it has no next-token head (perplexity needs a causal model)".into(),
    })
}

/// `model` if recording it gives each part's surprisal (a causal model, or the unigram
/// control), else why the surprisal benchmark `benchmark` does not apply.
pub fn with_surprisal<'a>(model: &'a LanguageModel, benchmark: &str) -> Result<&'a LanguageModel> {
    if model.gives_surprisal() {
        return Ok(model);
    }
    causal(model, benchmark)
}

/// Perplexities of `text` under the causal `model` (the first `limit` tokens if given),
/// with the number of tokens scored and of whitespace words those tokens cover.
pub async fn evaluate(
    model: &LanguageModel,
    text: &str,
    limit: Option<usize>,
    progress: &dyn Progress,
) -> Result<(Perplexity, NextWordDetails)> {
    let id = model.id();
    let (Some(tokenizer), Some(ctx)) = (model.causal_tokenizer(), model.causal_context()) else {
        return Err(causal(model, SPEC.id)
            .err()
            .unwrap_or(BenchError::InvalidOption {
                name: "model",
                reason: format!("{id} has no tokenizer or context length"),
            }));
    };
    let encoded = tokenizer
        .encode_text(text, false)
        .map_err(|e| brainprobe_models::ModelError::Text(e.to_string()))?;
    let mut ids = encoded.ids;
    let mut words = text.split_whitespace().count();
    let limit = limit.filter(|&n| n > 0 && n < ids.len());
    if let Some(n) = limit {
        ids.truncate(n);
        let end = encoded.offsets[n - 1].1.min(text.len());
        words = text
            .get(..end)
            .map_or(words, |t| t.split_whitespace().count());
    }
    let windows = sliding_windows(ids.len(), ctx, ctx / 2);
    let mut nll = Vec::with_capacity(ids.len());
    for (k, w) in windows.iter().enumerate() {
        let states = model.token_states(&ids[w.begin..w.end], &[]).await?;
        for t in w.first.max(1)..w.end {
            nll.push(-states.logprob[t - w.begin]);
        }
        progress.update("WikiText-2 windows", k + 1, windows.len());
    }
    let summary = perplexity(&nll, words)?;
    let details = NextWordDetails {
        tokens: nll.len(),
        words,
        token_perplexity: summary.token_ppl,
        bits_per_word: summary.bits_per_word,
        token_limit: limit,
    };
    Ok((summary, details))
}

/// Runs `wikitext2-nextword` on a causal `subject`.
pub async fn run(
    spec: &BenchmarkSpec,
    subject: &LanguageSubject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<Score> {
    let lm = causal(&subject.model, spec.id)?;
    let text = ctx
        .wikitext2_test
        .as_deref()
        .ok_or_else(|| BenchError::MissingInput {
            benchmark: spec.id.into(),
            what: "the WikiText-2 test text is not in the data bundle; natively the CLI reads it from data/cache/corpora/wikitext2/test.txt (run `cargo xtask prepare-data`)".into(),
        })?;
    let (summary, details) = evaluate(lm, text, ctx.options.wikitext_tokens, progress).await?;
    let mut log = DataLog::new(&ctx.assets);
    log.note(TEXT_LABEL, text.as_bytes());
    let mut score = Score::new(
        spec,
        subject.model_ref(),
        log.finish().await?,
        "word-level perplexity exp(ΣNLL / #words) on WikiText-2 test (lower is better)",
    );
    score.set_raw(Value::Defined(summary.word_ppl));
    score.notes.push("Lower is better; no ceiling. Not a brain score: it sits in the leaderboard to relate brain scores to language-modelling quality.".into());
    score.notes.push(crate::subject::NO_READOUT_NOTE.into());
    if let Some(n) = details.token_limit {
        score.notes.push(format!(
            "Only the first {n} tokens were scored: a quick look, not the benchmark number."
        ));
    }
    score.details = Some(Details::NextWord(details));
    Ok(score)
}
