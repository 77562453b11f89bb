//! lstm-mini: token embedding (tied with the output layer) → stacked LSTM layers
//! (PyTorch gate order i, f, g, o; one summed bias per layer) → logits.

use serde::{Deserialize, Serialize};

use crate::EMBEDDING_LAYER;

/// Architecture of lstm-mini, as stored in the manifest's `[architecture]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LstmConfig {
    /// Token vocabulary.
    pub vocab: usize,
    /// Embedding width = hidden width (tied output embedding).
    pub hidden: usize,
    /// Stacked LSTM layers.
    pub layers: usize,
    /// Training sequence length (inference has no limit).
    pub context: usize,
}

impl LstmConfig {
    /// The committed lstm-mini over a `vocab`-token BPE: 2 layers of 256.
    pub fn mini(vocab: usize) -> Self {
        Self {
            vocab,
            hidden: 256,
            layers: 2,
            context: 128,
        }
    }

    /// Name of the hidden state recorded after LSTM layer `l` (also the prefix of its
    /// tensors `lstm.{l}.w_ih`, `lstm.{l}.w_hh`, `lstm.{l}.bias`).
    pub fn lstm_layer(l: usize) -> String {
        format!("lstm.{l}")
    }

    /// Recorded layers in forward order: `embedding`, `lstm.0` … `lstm.{L-1}`.
    pub fn layer_names(&self) -> Vec<String> {
        let mut names = vec![EMBEDDING_LAYER.to_string()];
        names.extend((0..self.layers).map(Self::lstm_layer));
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_names_follow_the_layers() {
        assert_eq!(
            LstmConfig::mini(8192).layer_names(),
            ["embedding", "lstm.0", "lstm.1"]
        );
    }
}
