//! BERT encoder (MiniLM) configuration, with the field names of a Hugging Face BERT
//! `config.json`, its tensor names and recorded layers.

use serde::{Deserialize, Serialize};

use crate::EMBEDDING_LAYER;

/// Architecture, with the field names of a Hugging Face BERT `config.json` (the prepare step
/// copies them into the manifest's `[architecture]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BertConfig {
    /// Rows of the word-embedding table.
    pub vocab_size: usize,
    /// Width of every hidden state.
    pub hidden_size: usize,
    /// Number of encoder layers.
    pub num_hidden_layers: usize,
    /// Attention heads per layer.
    pub num_attention_heads: usize,
    /// Width of the feed-forward layer.
    pub intermediate_size: usize,
    /// Longest sequence, special tokens included.
    pub max_position_embeddings: usize,
    /// Rows of the token-type table.
    pub type_vocab_size: usize,
    /// Layer-norm epsilon.
    pub layer_norm_eps: f64,
    /// Activation; only `gelu` (erf form) is supported.
    pub hidden_act: String,
}

impl BertConfig {
    /// all-MiniLM-L6-v2's configuration.
    pub fn minilm_l6() -> Self {
        Self {
            vocab_size: 30522,
            hidden_size: 384,
            num_hidden_layers: 6,
            num_attention_heads: 12,
            intermediate_size: 1536,
            max_position_embeddings: 512,
            type_vocab_size: 2,
            layer_norm_eps: 1e-12,
            hidden_act: "gelu".into(),
        }
    }

    /// The reduced MiniLM of the browser parity fixture (`bert-2l`): 2 layers, 1 000 tokens,
    /// 64 positions — small enough to ship with the tests, compared with candle natively.
    pub fn parity_2l() -> Self {
        Self {
            vocab_size: 1000,
            num_hidden_layers: 2,
            max_position_embeddings: 64,
            ..Self::minilm_l6()
        }
    }

    /// Checks what the encoder supports: `gelu`, heads dividing the width, ≥ 3 positions
    /// and ≥ 1 token type.
    pub fn validate(&self) -> Result<(), String> {
        if self.hidden_act != "gelu" {
            return Err(format!(
                "hidden_act `{}` is not supported (only `gelu`)",
                self.hidden_act
            ));
        }
        if self.num_attention_heads == 0
            || !self.hidden_size.is_multiple_of(self.num_attention_heads)
        {
            return Err("hidden_size must be a multiple of the heads".into());
        }
        if self.max_position_embeddings < 3 || self.type_vocab_size == 0 {
            return Err("needs ≥ 3 positions and ≥ 1 token type".into());
        }
        Ok(())
    }

    /// `(name, shape)` of every tensor the encoder reads, in Hugging Face naming.
    pub fn tensor_shapes(&self) -> Vec<(String, Vec<usize>)> {
        let (d, f) = (self.hidden_size, self.intermediate_size);
        let mut v = vec![
            (
                "embeddings.word_embeddings.weight".into(),
                vec![self.vocab_size, d],
            ),
            (
                "embeddings.position_embeddings.weight".into(),
                vec![self.max_position_embeddings, d],
            ),
            (
                "embeddings.token_type_embeddings.weight".into(),
                vec![self.type_vocab_size, d],
            ),
            ("embeddings.LayerNorm.weight".into(), vec![d]),
            ("embeddings.LayerNorm.bias".into(), vec![d]),
        ];
        for l in 0..self.num_hidden_layers {
            let p = format!("encoder.layer.{l}");
            for (name, shape) in [
                ("attention.self.query", [d, d]),
                ("attention.self.key", [d, d]),
                ("attention.self.value", [d, d]),
                ("attention.output.dense", [d, d]),
                ("intermediate.dense", [f, d]),
                ("output.dense", [d, f]),
            ] {
                v.push((format!("{p}.{name}.weight"), shape.to_vec()));
                v.push((format!("{p}.{name}.bias"), vec![shape[0]]));
            }
            for ln in ["attention.output.LayerNorm", "output.LayerNorm"] {
                v.push((format!("{p}.{ln}.weight"), vec![d]));
                v.push((format!("{p}.{ln}.bias"), vec![d]));
            }
        }
        v
    }

    /// Recorded layer names: `embedding`, `layer.0`, ….
    pub fn layer_names(&self) -> Vec<String> {
        std::iter::once(EMBEDDING_LAYER.to_string())
            .chain((0..self.num_hidden_layers).map(|l| format!("layer.{l}")))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minilm_is_valid_and_odd_configs_are_named() {
        let cfg = BertConfig::minilm_l6();
        cfg.validate().unwrap();
        assert_eq!(cfg.layer_names().len(), 7);
        assert_eq!(cfg.tensor_shapes().len(), 5 + 6 * 16);
        let relu = BertConfig {
            hidden_act: "relu".into(),
            ..cfg.clone()
        };
        assert!(relu.validate().unwrap_err().contains("relu"));
        let heads = BertConfig {
            num_attention_heads: 5,
            ..cfg
        };
        assert!(heads.validate().unwrap_err().contains("multiple"));
    }
}
