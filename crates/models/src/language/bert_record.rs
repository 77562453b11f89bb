//! The recording contract (METRICS §7.1) for BERT encoders.
//!
//! For part i of a passage the context is parts 0..=i, joined with single spaces and
//! WordPiece-encoded as one text; the part's row in every layer is read from the hidden
//! states of its word pieces under the readout ([`super::readout`]): by default its **last**
//! word piece (not `[SEP]`), else its last piece before trailing punctuation, or the mean
//! over its pieces (never `[CLS]` or `[SEP]`). The encoder is bidirectional, so every state
//! has seen the whole context — every earlier part and the whole of part i — but nothing
//! after part i: a story is shown word by word, like the causal models, and each word
//! costs one forward pass over its context.
//!
//! Context limit: the context is truncated on the left to the model's window
//! ([`super::bert::DEFAULT_CONTEXT_TOKENS`] = 128 tokens with `[CLS]` and `[SEP]`, at most
//! 512), keeping the part's own last tokens, and a note says how many parts were
//! truncated. For single-sentence passages (Pereira) nothing is truncated. For stories this
//! is a sliding window: every word after the first ~120 costs one 128-token forward
//! (≈ 2.7 GFLOP for MiniLM-L6), a 1 000-word story ≈ 1 000 forwards; with the full 512
//! positions it would be 4× the tokens and ~5× the time (attention is quadratic), which is
//! why the window is capped. Contexts of equal length are batched together.
//!
//! The passage is encoded once and each context is a prefix of its tokens (WordPiece
//! splits text at whitespace and punctuation, so the tokens of a prefix are a prefix of
//! the tokens). Empty parts are not shown: they repeat the previous part's row (zeros at
//! the start of a passage), with a note.

use std::ops::Range;

use brainprobe_engine::Tensor;
use brainprobe_text::pool_token_rows;

use super::bert::Bert;
use super::{non_empty_parts, select_layers, PartRecording, Passage, Readout};
use crate::error::{ModelError, Result};
use crate::vision::record::LayerSelection;

/// Most tokens in one batched forward pass.
const BATCH_TOKENS: usize = 2048;

/// One forward: a part's context.
struct Job {
    /// Row in the output (over all parts of all passages).
    row: usize,
    /// `[CLS]` + context + `[SEP]`.
    ids: Vec<u32>,
    /// Positions in `ids` whose states make the row (the readout's).
    read: Range<usize>,
}

impl Bert {
    /// Records `passages` (see the module docs), each part read under `readout`;
    /// `progress(done, total)` counts parts.
    pub async fn record(
        &self,
        passages: &[Passage],
        layers: &LayerSelection,
        readout: Readout,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<PartRecording> {
        let names = select_layers(&self.id, &self.layer_names(), layers)?;
        let all = self.layer_names();
        let picked: Vec<usize> = names
            .iter()
            .map(|n| all.iter().position(|a| a == n).unwrap_or(0))
            .collect();
        let (jobs, copies, notes) = self.plan(passages, readout)?;
        let total: usize = passages.iter().map(Vec::len).sum();
        let d = self.config.hidden_size;
        let mut out: Vec<Vec<f32>> = vec![vec![0.0; total * d]; names.len()];
        let mut order: Vec<usize> = (0..jobs.len()).collect();
        order.sort_by_key(|&j| jobs[j].ids.len());
        let mut done = 0;
        let mut start = 0;
        while start < order.len() {
            let seq = jobs[order[start]].ids.len();
            let max_batch = (BATCH_TOKENS / seq).max(1);
            let mut end = start + 1;
            while end < order.len() && end - start < max_batch && jobs[order[end]].ids.len() == seq
            {
                end += 1;
            }
            let group = &order[start..end];
            let ids: Vec<u32> = group
                .iter()
                .flat_map(|&j| jobs[j].ids.iter().copied())
                .collect();
            let states = self.forward(&ids, group.len(), seq)?;
            // only the positions from the group's first read one to the row before [SEP]
            // are read back (the row before [SEP] alone for the last-token readout)
            let lo = group
                .iter()
                .map(|&j| jobs[j].read.start)
                .min()
                .unwrap_or(seq - 2);
            let span = seq - 1 - lo;
            let rows: Vec<Tensor> = picked
                .iter()
                .map(|&l| states[l].slice(1, lo, seq - 1))
                .collect::<std::result::Result<_, _>>()?;
            let values = Tensor::read_all(&rows.iter().collect::<Vec<_>>()).await?;
            for (k, v) in values.iter().enumerate() {
                for (b, &j) in group.iter().enumerate() {
                    let Job { row, read, .. } = &jobs[j];
                    let here = read.start - lo..read.end - lo;
                    let pooled = pool_token_rows(
                        &v[b * span * d..(b + 1) * span * d],
                        d,
                        std::slice::from_ref(&here),
                    )
                    .map_err(|e| ModelError::Text(e.to_string()))?;
                    out[k][row * d..(row + 1) * d].copy_from_slice(&pooled);
                }
            }
            done += group.len();
            progress(done, jobs.len());
            start = end;
        }
        for (to, from) in copies {
            for layer in out.iter_mut() {
                match from {
                    Some(f) => layer.copy_within(f * d..(f + 1) * d, to * d),
                    None => layer[to * d..(to + 1) * d].fill(0.0),
                }
            }
        }
        let layers = names
            .into_iter()
            .zip(out)
            .map(|(name, data)| (name, d, data));
        PartRecording::from_layers(layers, None, notes)
    }

    /// The forward passes (with the positions `readout` reads), the rows of empty parts
    /// (`(row, copy of row)`, in order), and the notes.
    #[allow(clippy::type_complexity)]
    fn plan(
        &self,
        passages: &[Passage],
        readout: Readout,
    ) -> Result<(Vec<Job>, Vec<(usize, Option<usize>)>, Vec<String>)> {
        let special = |t: &str| {
            self.tokenizer
                .token_to_id(t)
                .ok_or_else(|| ModelError::Text(format!("{}: the vocabulary has no {t}", self.id)))
        };
        let (cls, sep) = (special("[CLS]")?, special("[SEP]")?);
        let window = self.context_tokens - 2;
        let (mut jobs, mut copies) = (Vec::new(), Vec::new());
        let (mut truncated, mut empty) = (0usize, 0usize);
        let mut row0 = 0;
        for (p, passage) in passages.iter().enumerate() {
            let (parts, kept) = non_empty_parts(passage);
            let enc = if parts.is_empty() {
                None
            } else {
                let enc = self
                    .tokenizer
                    .encode_words(&parts, false)
                    .map_err(|e| ModelError::Text(format!("passage {p}: {e}")))?;
                let read = readout.token_ranges(&enc);
                Some((enc, read))
            };
            let mut last_row = None;
            let mut next_kept = 0;
            for i in 0..passage.len() {
                let row = row0 + i;
                if kept.get(next_kept) != Some(&i) {
                    copies.push((row, last_row));
                    empty += 1;
                    continue;
                }
                let (enc, read) = enc.as_ref().ok_or_else(|| {
                    ModelError::Text("internal: kept part without an encoding".into())
                })?;
                let end = enc.alignment.word_tokens()[next_kept].end;
                let start = end.saturating_sub(window);
                truncated += usize::from(start > 0);
                let mut ids = Vec::with_capacity(end - start + 2);
                ids.push(cls);
                ids.extend_from_slice(&enc.ids[start..end]);
                ids.push(sep);
                // the readout's tokens in the sequence ([CLS] first; of a part longer than
                // the window, the pieces that fit — at least the first one)
                let r = &read[next_kept];
                let (from, to) = (r.start.max(start), r.end.max(r.start.max(start) + 1));
                let read = from - start + 1..to - start + 1;
                jobs.push(Job { row, ids, read });
                last_row = Some(row);
                next_kept += 1;
            }
            row0 += passage.len();
        }
        let mut notes = Vec::new();
        if truncated > 0 {
            notes.push(format!(
                "{}: {truncated} of {} parts had their context truncated on the left to the \
                 last {window} word pieces (a {}-token window with [CLS] and [SEP]).",
                self.id,
                jobs.len(),
                self.context_tokens
            ));
        }
        if empty > 0 {
            notes.push(format!(
                "{}: {empty} empty parts were not shown; each repeats the previous part's \
                 row (zeros at the start of a passage).",
                self.id
            ));
        }
        Ok((jobs, copies, notes))
    }
}
