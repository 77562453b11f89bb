//! gpt-mini: a causal pre-LN transformer with learned positions, GELU-tanh MLP and tied
//! input/output embeddings.

use serde::{Deserialize, Serialize};

use crate::EMBEDDING_LAYER;

/// Architecture of gpt-mini, as stored in the manifest's `[architecture]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GptConfig {
    /// Token vocabulary (the byte-level BPE's 8 192).
    pub vocab: usize,
    /// Residual width.
    pub d_model: usize,
    /// Transformer blocks.
    pub layers: usize,
    /// Attention heads.
    pub heads: usize,
    /// MLP hidden width (4 × d_model).
    pub mlp: usize,
    /// Maximum context in tokens (learned positions).
    pub context: usize,
    /// Layer-norm epsilon.
    pub ln_eps: f64,
}

impl GptConfig {
    /// The committed gpt-mini over a `vocab`-token BPE: 4 layers, d_model 192, 4 heads,
    /// context 128.
    pub fn mini(vocab: usize) -> Self {
        Self {
            vocab,
            d_model: 192,
            layers: 4,
            heads: 4,
            mlp: 768,
            context: 128,
            ln_eps: 1e-5,
        }
    }

    /// Name of the residual stream recorded after block `i`.
    pub fn block_layer(i: usize) -> String {
        format!("block.{i}")
    }

    /// Recorded layers in forward order: `embedding`, `block.0` … `block.{L-1}`,
    /// `final_norm`.
    pub fn layer_names(&self) -> Vec<String> {
        let mut names = vec![EMBEDDING_LAYER.to_string()];
        names.extend((0..self.layers).map(Self::block_layer));
        names.push(FINAL_NORM_LAYER.to_string());
        names
    }
}

/// Name of the recorded output of the final layer norm.
pub const FINAL_NORM_LAYER: &str = "final_norm";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_names_follow_the_blocks() {
        let names = GptConfig::mini(8192).layer_names();
        assert_eq!(
            names,
            [
                "embedding",
                "block.0",
                "block.1",
                "block.2",
                "block.3",
                "final_norm"
            ]
        );
    }
}
