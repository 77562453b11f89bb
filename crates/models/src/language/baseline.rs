//! Baseline subjects (METRICS §10.1): trivial features a score must beat, recorded through
//! the same contract as the networks so every benchmark scores them unchanged.
//!
//! - `baseline-length`: per part, [Unicode scalar values, whitespace-separated words,
//!   tokens under `tokenizer-bpe8k`] — the three numbers of a sentence's length. One
//!   recorded layer, `length`.

use ndarray::Array2;

use super::{select_layers, LayerActivations, PartRecording, Passage};
use crate::error::{ModelError, Result};
use crate::vision::record::LayerSelection;

/// The one recorded layer of `baseline-length`.
pub const LENGTH_LAYER: &str = "length";

/// `baseline-length`: characters, words and BPE tokens of each part.
pub struct LengthBaseline {
    /// Model identifier.
    pub id: String,
    tokenizer: brainprobe_text::Tokenizer,
}

impl LengthBaseline {
    /// The baseline counting tokens with `tokenizer` (the project's byte-level BPE).
    pub fn new(id: &str, tokenizer: brainprobe_text::Tokenizer) -> Self {
        Self {
            id: id.to_string(),
            tokenizer,
        }
    }

    /// The three length features of one part.
    pub fn features(&self, part: &str) -> Result<[f32; 3]> {
        let tokens = self
            .tokenizer
            .encode_text(part, false)
            .map_err(|e| ModelError::Text(format!("{}: {e}", self.id)))?
            .ids
            .len();
        Ok([
            part.chars().count() as f32,
            part.split_whitespace().count() as f32,
            tokens as f32,
        ])
    }

    /// Records `passages`: one row of three length features per part.
    pub fn record(
        &self,
        passages: &[Passage],
        layers: &LayerSelection,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<PartRecording> {
        let names = select_layers(&self.id, &[LENGTH_LAYER.to_string()], layers)?;
        let total: usize = passages.iter().map(Vec::len).sum();
        let mut values = Vec::with_capacity(total * 3);
        for (done, part) in passages.iter().flatten().enumerate() {
            values.extend(self.features(part)?);
            progress(done + 1, total);
        }
        let values = Array2::from_shape_vec((total, 3), values)
            .map_err(|e| ModelError::Text(e.to_string()))?;
        Ok(PartRecording {
            layers: names
                .into_iter()
                .map(|name| LayerActivations {
                    name,
                    values: values.clone(),
                })
                .collect(),
            surprisal_bits: None,
            notes: vec![format!(
                "{}: a control, not a model — each part's characters, words and \
                 tokenizer-bpe8k tokens (METRICS §10.1).",
                self.id
            )],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline() -> LengthBaseline {
        let tk = brainprobe_text::train_bpe(
            [
                "a small corpus for a small tokenizer",
                "words and more words",
            ]
            .into_iter(),
            &brainprobe_text::BpeConfig {
                vocab_size: 300,
                min_frequency: 1,
            },
        )
        .unwrap();
        LengthBaseline::new("baseline-length", tk)
    }

    #[test]
    fn odd_text_gives_finite_counts() {
        let b = baseline();
        let f = b.features("Héllo wörld 😊 مرحبا").unwrap();
        assert_eq!(f[0], 19.0);
        assert_eq!(f[1], 4.0);
        assert!(f[2] >= 4.0);
        assert_eq!(b.features("").unwrap(), [0.0, 0.0, 0.0]);
        let long = "word ".repeat(2000);
        assert_eq!(b.features(&long).unwrap()[1], 2000.0);
        let rec = b
            .record(
                &[vec!["one two".into()], vec!["three".into()]],
                &LayerSelection::All,
                |_, _| {},
            )
            .unwrap();
        assert_eq!(rec.layers[0].values.shape(), &[2, 3]);
        assert_eq!(rec.layers[0].values[[1, 1]], 1.0);
        assert!(b
            .record(&[], &LayerSelection::Named(vec!["x".into()]), |_, _| {})
            .is_err());
    }
}
