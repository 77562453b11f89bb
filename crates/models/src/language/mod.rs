//! Language models on engine ops: the shared recording contract (METRICS §7.1) that every
//! language architecture implements, so that benchmarks treat them alike.
//!
//! A benchmark passes *passages*, each a list of *parts* (the words of a story, or one
//! sentence as a single part), and a [`Readout`]. Every part yields one row per recorded
//! layer, read from the states of its tokens in the context "parts 0..=i of this passage"
//! (causal and bidirectional models) or from its word vectors (context-free embeddings):
//! by default the state at its last token, or the mean of its word vectors (see
//! [`readout`]). Causal models also give each part's surprisal in bits (sum over the
//! tokens it added, whatever the readout). Passages never share context.

pub mod baseline;
pub mod bert;
mod bert_record;
pub mod causal;
pub mod embedding;
pub mod gpt;
mod layers;
pub mod llama;
pub mod lstm;
pub mod model;
pub mod readout;
pub mod seeded;

pub use crate::vision::record::{LayerActivations, LayerSelection};
pub use model::LanguageModel;
pub use readout::Readout;

/// One passage: its parts in presentation order.
pub type Passage = Vec<String>;

/// What recording a set of passages produced.
#[derive(Debug, Clone, PartialEq)]
pub struct PartRecording {
    /// Per selected layer, `[total parts over all passages, width]`, passages in order.
    pub layers: Vec<LayerActivations>,
    /// Per part, surprisal in bits of the tokens it added (causal models only).
    pub surprisal_bits: Option<Vec<f64>>,
    /// Things the caller must be told (context truncated on the left, out-of-vocabulary
    /// words given zero vectors, …), each a full sentence.
    pub notes: Vec<String>,
}

impl PartRecording {
    /// The recording of per-layer row-major values: each `(name, width, values)` becomes a
    /// `[values.len() / width, width]` layer (no rows when the width is 0).
    pub fn from_layers(
        layers: impl IntoIterator<Item = (String, usize, Vec<f32>)>,
        surprisal_bits: Option<Vec<f64>>,
        notes: Vec<String>,
    ) -> crate::Result<Self> {
        let layers = layers
            .into_iter()
            .map(|(name, width, values)| {
                let rows = values.len().checked_div(width).unwrap_or(0);
                ndarray::Array2::from_shape_vec((rows, width), values)
                    .map(|values| LayerActivations { name, values })
                    .map_err(|e| crate::ModelError::Text(e.to_string()))
            })
            .collect::<crate::Result<Vec<_>>>()?;
        Ok(Self {
            layers,
            surprisal_bits,
            notes,
        })
    }
}

/// The layer names a selection keeps from `available`, or an error naming the unknown one.
pub fn select_layers(
    model: &str,
    available: &[String],
    selection: &LayerSelection,
) -> crate::Result<Vec<String>> {
    match selection {
        LayerSelection::All => Ok(available.to_vec()),
        LayerSelection::Named(list) => {
            for l in list {
                if !available.contains(l) {
                    return Err(crate::ModelError::UnknownLayer {
                        model: model.to_string(),
                        layer: l.clone(),
                        available: available.join(", "),
                    });
                }
            }
            Ok(list.clone())
        }
    }
}

/// Drops empty parts of a passage (METRICS §7.1: they are not shown), keeping the index
/// of each kept part so rows can be put back in place.
pub fn non_empty_parts(passage: &[String]) -> (Vec<&str>, Vec<usize>) {
    passage
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.trim().is_empty())
        .map(|(i, p)| (p.trim(), i))
        .unzip()
}
