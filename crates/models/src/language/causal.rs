//! What the causal models (gpt-mini, lstm-mini) share: sliding windows over long token
//! sequences, per-token states gathered on the host, next-token log-probabilities, and
//! recording of passages (METRICS §7.1): each passage is tokenised once behind an
//! `<|endoftext|>` token (the document separator the models were trained with, so the
//! first word gets a prediction too), a part's row is its readout's tokens' state (the
//! last token's by default; [`super::readout`]), its surprisal the sum over its tokens,
//! in bits.

use brainprobe_engine::Tensor;
use std::future::Future;
use std::ops::Range;

use brainprobe_text::{pool_token_rows, word_surprisal_bits, Tokenizer};

use super::{non_empty_parts, select_layers, LayerSelection, PartRecording, Passage, Readout};
use crate::error::{ModelError, Result};

/// One window of a long sequence: tokens `[begin, end)` are run together; tokens from
/// `first` on are read out of this window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First token fed.
    pub begin: usize,
    /// One past the last token fed.
    pub end: usize,
    /// First token read out (earlier ones were read from the previous window).
    pub first: usize,
}

/// Windows of length `len` with stride `stride` covering `n` tokens, each token read out
/// exactly once (METRICS §3.2; token 0 belongs to the first window).
pub fn sliding_windows(n: usize, len: usize, stride: usize) -> Vec<Window> {
    let (len, stride) = (len.max(1), stride.clamp(1, len.max(1)));
    let mut out = Vec::new();
    let mut prev_end = 0;
    let mut begin = 0;
    while prev_end < n {
        let end = (begin + len).min(n);
        out.push(Window {
            begin,
            end,
            first: prev_end.max(begin),
        });
        prev_end = end;
        begin += stride;
    }
    out
}

/// Reads `tensors` (each `[T, width]`) to the host: row-major values and widths.
pub async fn host_rows(tensors: &[&Tensor]) -> Result<(Vec<Vec<f32>>, Vec<usize>)> {
    let widths = tensors
        .iter()
        .map(|t| t.shape().last().copied().unwrap_or(1))
        .collect();
    Ok((Tensor::read_all(tensors).await?, widths))
}

/// `ln P(ids[j] | ids[..j])` from row-major logits `[T, vocab]` for the window's tokens;
/// entry 0 has no prediction (NaN).
pub fn next_token_logprobs(logits: &[f32], vocab: usize, ids: &[u32]) -> Result<Vec<f64>> {
    if vocab == 0 || logits.len() != ids.len() * vocab {
        return Err(ModelError::Text(format!(
            "{} logits for {} tokens of a {vocab}-token vocabulary",
            logits.len(),
            ids.len()
        )));
    }
    let mut out = vec![f64::NAN; ids.len()];
    for j in 1..ids.len() {
        let row = &logits[(j - 1) * vocab..j * vocab];
        let max = row.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v)) as f64;
        let lse = max
            + row
                .iter()
                .map(|&v| (v as f64 - max).exp())
                .sum::<f64>()
                .ln();
        out[j] = row[ids[j] as usize] as f64 - lse;
    }
    Ok(out)
}

/// Per-token states of a whole sequence, filled window by window.
#[derive(Debug, Clone)]
pub struct TokenStates {
    /// Per kept layer, row-major `[n_tokens, width]`.
    pub rows: Vec<Vec<f32>>,
    /// Width of each kept layer.
    pub widths: Vec<usize>,
    /// `ln P(token | earlier tokens)`; NaN for token 0.
    pub logprob: Vec<f64>,
}

impl TokenStates {
    /// Empty states for `n` tokens and `layers` layers.
    pub fn new(n: usize, layers: usize) -> Self {
        Self {
            rows: vec![Vec::new(); layers],
            widths: vec![0; layers],
            logprob: vec![f64::NAN; n],
        }
    }

    /// Copies the readout tokens of window `w` (rows are the window's, from `w.begin`).
    pub fn take_window(&mut self, w: &Window, rows: &[Vec<f32>], widths: &[usize], lp: &[f64]) {
        for (k, (r, &width)) in rows.iter().zip(widths).enumerate() {
            self.widths[k] = width;
            self.rows[k]
                .extend_from_slice(&r[(w.first - w.begin) * width..(w.end - w.begin) * width]);
        }
        for t in w.first.max(w.begin + 1)..w.end {
            self.logprob[t] = lp[t - w.begin];
        }
    }
}

/// Per-token states of the layers `keep` (indices into the recorded layers) and
/// next-token log-probabilities for every token of `ids`, in sliding windows of `len`
/// tokens with stride `len / 2` (METRICS §3.2): each token is read from the first window
/// that scores it. `forward(window)` gives the window's layers in recorded order and its
/// logits `[T, vocab]` (gpt-mini and the llama models; lstm-mini carries its state instead).
pub async fn windowed_token_states(
    ids: &[u32],
    keep: &[usize],
    len: usize,
    vocab: usize,
    forward: impl Fn(&[u32]) -> Result<(Vec<(String, Tensor)>, Tensor)>,
) -> Result<TokenStates> {
    let mut states = TokenStates::new(ids.len(), keep.len());
    for w in sliding_windows(ids.len(), len, len / 2) {
        let (layers, logits) = forward(&ids[w.begin..w.end])?;
        let picked = keep
            .iter()
            .map(|&k| {
                layers.get(k).map(|(_, t)| t).ok_or_else(|| {
                    ModelError::Text(format!("layer index {k} of {} recorded", layers.len()))
                })
            })
            .collect::<Result<Vec<&Tensor>>>()?;
        let (rows, widths) = host_rows(&picked).await?;
        let logits = logits.to_vec().await?;
        let lp = next_token_logprobs(&logits, vocab, &ids[w.begin..w.end])?;
        states.take_window(&w, &rows, &widths, &lp);
    }
    Ok(states)
}

/// Tokens of one passage: `<|endoftext|>` + the joined parts, its alignment, and each
/// part's tokens under `readout` (indices into the returned ids).
#[allow(clippy::type_complexity)]
pub fn encode_passage(
    tokenizer: &Tokenizer,
    parts: &[&str],
    readout: Readout,
) -> Result<(Vec<u32>, brainprobe_text::Alignment, Vec<Range<usize>>)> {
    let enc = tokenizer
        .encode_words(parts, false)
        .map_err(|e| ModelError::Text(e.to_string()))?;
    let mut ids = Vec::with_capacity(enc.ids.len() + 1);
    ids.push(0);
    ids.extend_from_slice(&enc.ids);
    let read = readout
        .token_ranges(&enc)
        .into_iter()
        .map(|r| r.start + 1..r.end + 1)
        .collect();
    Ok((ids, enc.alignment.with_prefix_tokens(1), read))
}

/// Records `passages` with a causal model whose `token_states(ids, keep)` gives per-token
/// states of the kept layers (indices into `names`) and next-token log-probabilities;
/// each part's row pools its tokens under `readout`.
#[allow(clippy::too_many_arguments)]
pub async fn record_causal<'a, F, Fut>(
    model: &str,
    tokenizer: &Tokenizer,
    names: &[String],
    passages: &[Passage],
    selection: &LayerSelection,
    readout: Readout,
    mut token_states: F,
    mut progress: impl FnMut(usize, usize),
) -> Result<PartRecording>
where
    F: FnMut(Vec<u32>, Vec<usize>) -> Fut,
    Fut: std::future::Future<Output = Result<TokenStates>> + 'a,
{
    let wanted = select_layers(model, names, selection)?;
    let keep: Vec<usize> = wanted
        .iter()
        .map(|w| names.iter().position(|n| n == w).unwrap_or(0))
        .collect();
    let total: usize = passages.iter().map(Vec::len).sum();
    let mut columns: Vec<Vec<f32>> = vec![Vec::new(); keep.len()];
    let mut widths = vec![0usize; keep.len()];
    let mut surprisal = Vec::with_capacity(total);
    let mut notes = Vec::new();
    let mut done = 0;
    for (p, passage) in passages.iter().enumerate() {
        let (parts, index) = non_empty_parts(passage);
        if parts.len() < passage.len() {
            notes.push(format!(
                "passage {p}: {} empty part(s) got zero rows and NaN surprisal",
                passage.len() - parts.len()
            ));
        }
        let mut part_rows: Vec<Vec<f32>> = vec![Vec::new(); keep.len()];
        let mut part_surprisal = Vec::new();
        if !parts.is_empty() {
            let (ids, alignment, read) = encode_passage(tokenizer, &parts, readout)?;
            let states = token_states(ids, keep.clone()).await?;
            for (k, rows) in states.rows.iter().enumerate() {
                widths[k] = states.widths[k];
                part_rows[k] = pool_token_rows(rows, states.widths[k], &read)
                    .map_err(|e| ModelError::Text(e.to_string()))?;
            }
            part_surprisal = word_surprisal_bits(&states.logprob, &alignment)
                .map_err(|e| ModelError::Text(e.to_string()))?;
        }
        // put the kept parts back in place; empty parts get zero rows
        let mut slot = vec![None; passage.len()];
        for (j, &i) in index.iter().enumerate() {
            slot[i] = Some(j);
        }
        for s in &slot {
            for k in 0..keep.len() {
                let w = widths[k];
                match s {
                    Some(j) => columns[k].extend_from_slice(&part_rows[k][j * w..(j + 1) * w]),
                    None => columns[k].extend(std::iter::repeat_n(0.0, w)),
                }
            }
            surprisal.push(s.map_or(f64::NAN, |j| part_surprisal[j]));
        }
        done += passage.len();
        progress(done, total);
    }
    let layers = wanted.into_iter().zip(widths).zip(columns);
    PartRecording::from_layers(
        layers.map(|((name, w), values)| (name, w, values)),
        Some(surprisal),
        notes,
    )
}

/// What recording needs of a causal model (gpt-mini, lstm-mini, SmolLM2): who it is, its
/// tokenizer, its layer names and its per-token states.
pub trait CausalModel {
    /// Its id, tokenizer and recorded layer names.
    fn parts(&self) -> (&str, &Tokenizer, Vec<String>);
    /// Per-token states of the layers `keep` and next-token log-probabilities of `ids`
    /// (the model's own `token_states`).
    fn states(&self, ids: Vec<u32>, keep: Vec<usize>) -> impl Future<Output = Result<TokenStates>>;
}

/// Every causal model keeps `id`, `tokenizer` and `config` (with `layer_names`) fields and
/// has a `token_states` method; one implementation serves them all.
macro_rules! causal_models {
    ($($model:ty),*) => {$(
        impl CausalModel for $model {
            fn parts(&self) -> (&str, &Tokenizer, Vec<String>) {
                (&self.id, &self.tokenizer, self.config.layer_names())
            }
            async fn states(&self, ids: Vec<u32>, keep: Vec<usize>) -> Result<TokenStates> {
                self.token_states(&ids, &keep).await
            }
        }
    )*};
}
causal_models!(super::gpt::Gpt, super::lstm::Lstm, super::llama::Llama);

/// Records `passages` with `model` ([`record_causal`]): one row per part per selected layer
/// (its tokens under `readout`) and per-part surprisal in bits.
pub async fn record_model(
    model: &impl CausalModel,
    passages: &[Passage],
    layers: &LayerSelection,
    readout: Readout,
    progress: impl FnMut(usize, usize),
) -> Result<PartRecording> {
    let (id, tokenizer, names) = model.parts();
    record_causal(
        id,
        tokenizer,
        &names,
        passages,
        layers,
        readout,
        |ids, keep| model.states(ids, keep),
        progress,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_read_every_token_once() {
        for (n, len) in [(1, 4), (4, 4), (5, 4), (17, 4), (300, 128)] {
            let w = sliding_windows(n, len, len / 2);
            let mut seen = vec![0; n];
            for win in &w {
                assert!(win.end - win.begin <= len && win.first >= win.begin);
                (win.first..win.end).for_each(|t| seen[t] += 1);
            }
            assert!(seen.iter().all(|&c| c == 1), "{n} {len}: {w:?}");
        }
        assert!(sliding_windows(0, 4, 2).is_empty());
    }

    #[test]
    fn logprobs_are_log_softmax_of_the_previous_row() {
        let logits = [0.0f32, 0.0, 1.0, 3.0];
        let lp = next_token_logprobs(&logits, 2, &[0, 1]).unwrap();
        assert!(lp[0].is_nan());
        assert!((lp[1] - 0.5f64.ln()).abs() < 1e-12);
        assert!(next_token_logprobs(&logits, 3, &[0, 1]).is_err());
    }
}
