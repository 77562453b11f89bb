//! Context-free word-embedding models (METRICS §7.1, embedding rule): a part is split into
//! words ([`embedding_words`]), each word is looked up, and the part's row is the mean of
//! its word vectors (the `mean` readout, these models' default; `last-token` and
//! `last-word` take the last word's vector, [`super::readout`]). One recorded layer,
//! `embedding`.
//!
//! - `embed-ppmi`: 256-d vectors from positive PMI over a ±5-word window on the training
//!   corpora (Brown, Gutenberg, ABC, State of the Union, inaugural, webtext, Reuters; never
//!   WikiText), reduced by randomised truncated SVD, vectors = U·Σ^½ (Levy, Goldberg &
//!   Dagan 2015, TACL; a GloVe-like baseline). The project's own weights:
//!   `weights/embed-ppmi/{model.safetensors, vocab.txt, manifest.toml}`, written by
//!   `cargo run -p brainprobe-train --release -- embed-ppmi`. An out-of-vocabulary word
//!   gets a zero vector (it still counts in the mean) and is counted in a note.
//! - `random-embedding`: a fixed normal(0, 1) vector of 192 values per word type (gpt-mini's
//!   widest recorded layer), from a ChaCha8 stream keyed by the lower-cased word — no
//!   weights, no out-of-vocabulary words. The control that should not predict brain data
//!   (Schrimpf et al. 2021).
//!
//! Both are computed on the host: a lookup and a mean need no accelerator.

use std::collections::HashMap;

use super::seeded::normal_values;
use super::{select_layers, PartRecording, Passage, Readout};
use crate::error::{ModelError, Result};
use crate::vision::record::LayerSelection;
use crate::weights::Weights;

/// The one recorded layer of the embedding models.
pub const LAYER: &str = "embedding";
/// Width of `random-embedding`.
pub const RANDOM_DIM: usize = 192;
/// Name of the table in `embed-ppmi`'s safetensors file.
pub const TABLE: &str = "embedding";

pub use brainprobe_text::embedding_words;

/// A looked-up word-vector table (`embed-ppmi`).
pub struct WordEmbedding {
    /// Model identifier.
    pub id: String,
    dim: usize,
    index: HashMap<String, usize>,
    table: Vec<f32>,
}

impl WordEmbedding {
    /// Builds the model from its weights (`embedding`, `[vocab, dim]`) and `vocab.txt` (one
    /// word per line, line i = row i).
    pub fn load(id: &str, weights: &Weights, vocab_txt: &str) -> Result<Self> {
        let words: Vec<&str> = vocab_txt.lines().collect();
        let bad = |detail: String| ModelError::Weights {
            model: id.to_string(),
            detail,
        };
        let dim = match weights.shape_of(TABLE) {
            Some(&[rows, dim]) if rows == words.len() && dim > 0 => dim,
            Some(shape) => {
                return Err(bad(format!(
                "`{TABLE}` has shape {shape:?}; expected [{}, dim] (one row per vocab.txt line)",
                words.len()
            )))
            }
            None => return Err(bad(format!("missing tensor `{TABLE}`"))),
        };
        let table = weights.get(TABLE, &[words.len(), dim])?.data.clone();
        let mut index = HashMap::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            if w.is_empty() || index.insert((*w).to_string(), i).is_some() {
                return Err(bad(format!(
                    "vocab.txt line {} is empty or repeated",
                    i + 1
                )));
            }
        }
        Ok(Self {
            id: id.to_string(),
            dim,
            index,
            table,
        })
    }

    /// Number of words in the vocabulary.
    pub fn vocab_size(&self) -> usize {
        self.index.len()
    }

    /// Vector width.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The vector of a lookup word, if it is in the vocabulary.
    pub fn vector(&self, word: &str) -> Option<&[f32]> {
        self.index
            .get(word)
            .map(|&i| &self.table[i * self.dim..(i + 1) * self.dim])
    }

    /// Records `passages`: one row per part, the mean of the vectors of its words that
    /// `readout` takes.
    pub fn record(
        &self,
        passages: &[Passage],
        layers: &LayerSelection,
        readout: Readout,
        progress: impl FnMut(usize, usize),
    ) -> Result<PartRecording> {
        let mut oov: Vec<String> = Vec::new();
        let mut words_seen = 0usize;
        let mut rec = record_means(
            &self.id,
            self.dim,
            passages,
            layers,
            readout,
            progress,
            |w, out| {
                words_seen += 1;
                match self.vector(w) {
                    Some(v) => out.iter_mut().zip(v).for_each(|(o, x)| *o += x),
                    None => oov.push(w.to_string()),
                }
            },
        )?;
        if !oov.is_empty() {
            let n = oov.len();
            oov.sort();
            oov.dedup();
            let examples: Vec<&str> = oov.iter().take(8).map(String::as_str).collect();
            rec.notes.push(format!(
                "{}: {n} of {words_seen} words ({} types, e.g. {}) are not in the {}-word \
                 vocabulary and got zero vectors.",
                self.id,
                oov.len(),
                examples.join(", "),
                self.vocab_size()
            ));
        }
        Ok(rec)
    }
}

/// `random-embedding`: a seeded vector per word type.
pub struct RandomEmbedding {
    /// Model identifier.
    pub id: String,
    /// Vector width.
    pub dim: usize,
}

impl RandomEmbedding {
    /// The model with [`RANDOM_DIM`] values per word.
    pub fn new(id: &str) -> Self {
        Self {
            id: id.to_string(),
            dim: RANDOM_DIM,
        }
    }

    /// The vector of a lookup word: normal(0, 1) from the stream keyed `"<id>/<word>"`.
    pub fn vector(&self, word: &str) -> Vec<f32> {
        normal_values(&format!("{}/{word}", self.id), self.dim, 1.0)
    }

    /// Records `passages`: one row per part, the mean of the vectors of its words that
    /// `readout` takes.
    pub fn record(
        &self,
        passages: &[Passage],
        layers: &LayerSelection,
        readout: Readout,
        progress: impl FnMut(usize, usize),
    ) -> Result<PartRecording> {
        let mut cache: HashMap<String, Vec<f32>> = HashMap::new();
        record_means(
            &self.id,
            self.dim,
            passages,
            layers,
            readout,
            progress,
            |w, out| {
                let v = cache.entry(w.to_string()).or_insert_with(|| self.vector(w));
                out.iter_mut().zip(v.iter()).for_each(|(o, x)| *o += x);
            },
        )
    }
}

/// One row per part: `add(word, row)` accumulates the vector of each word `readout` takes,
/// then the row is divided by their count (a part without words stays zero, with a note).
fn record_means(
    id: &str,
    dim: usize,
    passages: &[Passage],
    layers: &LayerSelection,
    readout: Readout,
    mut progress: impl FnMut(usize, usize),
    mut add: impl FnMut(&str, &mut [f32]),
) -> Result<PartRecording> {
    let names = select_layers(id, &[LAYER.to_string()], layers)?;
    let total: usize = passages.iter().map(Vec::len).sum();
    let mut data = vec![0f32; total * dim];
    let mut wordless = 0;
    let mut row = 0;
    for (p, passage) in passages.iter().enumerate() {
        for part in passage {
            let out = &mut data[row * dim..(row + 1) * dim];
            let all = embedding_words(part);
            let words = readout.words(&all);
            for w in words {
                add(w, out);
            }
            if words.is_empty() {
                wordless += 1;
            } else {
                let n = words.len() as f32;
                out.iter_mut().for_each(|v| *v /= n);
            }
            row += 1;
        }
        progress(p + 1, passages.len());
    }
    let mut notes = Vec::new();
    if wordless > 0 {
        notes.push(format!(
            "{id}: {wordless} parts had no words after removing . ? ! , : and got zero vectors."
        ));
    }
    let layers = names.into_iter().map(|name| (name, dim, data.clone()));
    PartRecording::from_layers(layers, None, notes)
}
