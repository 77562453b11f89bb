//! Llama-architecture causal transformer (SmolLM2): pre-RMSNorm blocks, rotary positions,
//! grouped-query attention and a SiLU-gated MLP, with a tied input/output embedding.
//!
//! The field names are the GGUF metadata keys of a `llama` file with the
//! `llama.` prefix dropped and `.` written `_` (`llama.attention.head_count_kv` is
//! `attention_head_count_kv`): the prepare step copies them into the manifest's
//! `[architecture]` that way, and the GGUF reader in `brainprobe-models` reads the file's own
//! metadata into the same struct, so the two can be compared field by field.

use serde::{Deserialize, Serialize};

use crate::gpt::FINAL_NORM_LAYER;
use crate::EMBEDDING_LAYER;

/// Architecture of a llama GGUF, as stored in its metadata and the manifest's `[architecture]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LlamaConfig {
    /// `general.architecture`; only `llama` is supported.
    pub architecture: String,
    /// Token vocabulary (rows of the embedding table).
    pub vocab_size: usize,
    /// Context the model was trained for, in tokens.
    pub context_length: usize,
    /// Residual width `d`.
    pub embedding_length: usize,
    /// Transformer blocks.
    pub block_count: usize,
    /// Hidden width of the SiLU-gated MLP.
    pub feed_forward_length: usize,
    /// Query heads.
    pub attention_head_count: usize,
    /// Key/value heads (grouped-query attention: each serves `heads / kv_heads` query heads).
    pub attention_head_count_kv: usize,
    /// Rotary dimensions per head (the whole head: `d / heads`).
    pub rope_dimension_count: usize,
    /// RoPE base θ.
    pub rope_freq_base: f64,
    /// RMSNorm ε.
    pub attention_layer_norm_rms_epsilon: f64,
}

impl LlamaConfig {
    /// The GGUF metadata keys of the numeric fields, after `llama.`: field `k.replace('.', "_")`
    /// holds key `llama.{k}` (integers are stored as u32, the two reals as f32).
    pub const GGUF_KEYS: [&'static str; 10] = [
        "vocab_size",
        "context_length",
        "embedding_length",
        "block_count",
        "feed_forward_length",
        "attention.head_count",
        "attention.head_count_kv",
        "rope.dimension_count",
        "rope.freq_base",
        "attention.layer_norm_rms_epsilon",
    ];
}

/// Largest vocabulary, width, MLP width, block count and context accepted from a file
/// (far above SmolLM2's; a corrupt header fails here instead of in an allocation).
const MAX_VOCAB: usize = 1 << 20;
const MAX_WIDTH: usize = 1 << 16;
const MAX_BLOCKS: usize = 1024;
const MAX_CONTEXT: usize = 1 << 24;

impl LlamaConfig {
    /// SmolLM2-135M(-Instruct): 30 blocks, d = 576, MLP 1536, 9 query / 3 key-value heads
    /// of 64, RoPE base 100 000, RMSNorm ε 1e-5 (stored as an f32 in the GGUF), vocabulary
    /// 49 152, context 8 192.
    pub fn smollm2_135m() -> Self {
        Self {
            architecture: "llama".into(),
            vocab_size: 49152,
            context_length: 8192,
            embedding_length: 576,
            block_count: 30,
            feed_forward_length: 1536,
            attention_head_count: 9,
            attention_head_count_kv: 3,
            rope_dimension_count: 64,
            rope_freq_base: 100000.0,
            attention_layer_norm_rms_epsilon: 1e-5f32 as f64,
        }
    }

    /// Width of one attention head (`d / heads`).
    pub fn head_dim(&self) -> usize {
        self.embedding_length / self.attention_head_count.max(1)
    }

    /// Width of the key (and value) projection: `kv_heads · head_dim`.
    pub fn kv_dim(&self) -> usize {
        self.attention_head_count_kv * self.head_dim()
    }

    /// Checks what the forward supports: `llama`, sizes within bounds, heads dividing the
    /// width, query heads a multiple of key-value heads, rotary over whole (even) heads,
    /// a positive finite RoPE base and ε.
    pub fn validate(&self) -> Result<(), String> {
        if self.architecture != "llama" {
            return Err(format!(
                "architecture `{}` is not supported (only `llama`)",
                self.architecture
            ));
        }
        for (name, value, max) in [
            ("vocab_size", self.vocab_size, MAX_VOCAB),
            ("context_length", self.context_length, MAX_CONTEXT),
            ("embedding_length", self.embedding_length, MAX_WIDTH),
            ("block_count", self.block_count, MAX_BLOCKS),
            (
                "feed_forward_length",
                self.feed_forward_length,
                4 * MAX_WIDTH,
            ),
            ("attention_head_count", self.attention_head_count, MAX_WIDTH),
            (
                "attention_head_count_kv",
                self.attention_head_count_kv,
                MAX_WIDTH,
            ),
        ] {
            if value == 0 || value > max {
                return Err(format!("{name} = {value} is outside 1..={max}"));
            }
        }
        if !self
            .embedding_length
            .is_multiple_of(self.attention_head_count)
        {
            return Err(format!(
                "embedding_length {} is not a multiple of the {} heads",
                self.embedding_length, self.attention_head_count
            ));
        }
        if !self
            .attention_head_count
            .is_multiple_of(self.attention_head_count_kv)
        {
            return Err(format!(
                "{} query heads cannot share {} key-value heads evenly",
                self.attention_head_count, self.attention_head_count_kv
            ));
        }
        if self.rope_dimension_count != self.head_dim() || !self.head_dim().is_multiple_of(2) {
            return Err(format!(
                "rope_dimension_count {} must equal the (even) head width {}",
                self.rope_dimension_count,
                self.head_dim()
            ));
        }
        for (name, value) in [
            ("rope_freq_base", self.rope_freq_base),
            (
                "attention_layer_norm_rms_epsilon",
                self.attention_layer_norm_rms_epsilon,
            ),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return Err(format!("{name} = {value} must be positive and finite"));
            }
        }
        Ok(())
    }

    /// Name of the residual stream recorded after block `i` (as gpt-mini's).
    pub fn block_layer(i: usize) -> String {
        format!("block.{i}")
    }

    /// Recorded layers in forward order: `embedding`, `block.0` … `block.{L-1}`,
    /// `final_norm` (the same contract as gpt-mini's).
    pub fn layer_names(&self) -> Vec<String> {
        let mut names = vec![EMBEDDING_LAYER.to_string()];
        names.extend((0..self.block_count).map(Self::block_layer));
        names.push(FINAL_NORM_LAYER.to_string());
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WeightsManifest;

    #[test]
    fn smollm2_is_valid_and_reads_back_from_a_manifest_table() {
        let c = LlamaConfig::smollm2_135m();
        c.validate().unwrap();
        assert_eq!((c.head_dim(), c.kv_dim()), (64, 192));
        let names = c.layer_names();
        assert_eq!(names.len(), 32);
        assert_eq!(
            (names[0].as_str(), names[31].as_str()),
            ("embedding", "final_norm")
        );
        // the shape the prepare step writes (GGUF metadata keys, `llama.` dropped)
        let text = "id = \"smollm2-135m\"\n[architecture]\narchitecture = \"llama\"\n\
            attention_head_count = 9\nattention_head_count_kv = 3\n\
            attention_layer_norm_rms_epsilon = 0.000009999999747378752\nblock_count = 30\n\
            context_length = 8192\nembedding_length = 576\nfeed_forward_length = 1536\n\
            rope_dimension_count = 64\nrope_freq_base = 100000.0\nvocab_size = 49152\n";
        let m = WeightsManifest::parse(text).unwrap();
        assert_eq!(m.architecture_as::<LlamaConfig>().unwrap(), c);
        // every field but `architecture` is one GGUF key
        let table = toml::Value::try_from(&c).unwrap();
        let mut fields: Vec<&String> = table.as_table().unwrap().keys().collect();
        fields.retain(|f| *f != "architecture");
        let mut keys: Vec<String> = LlamaConfig::GGUF_KEYS
            .iter()
            .map(|k| k.replace('.', "_"))
            .collect();
        fields.sort();
        keys.sort();
        assert_eq!(fields, keys.iter().collect::<Vec<_>>());
    }

    #[test]
    fn unsupported_configs_say_why() {
        let base = LlamaConfig::smollm2_135m();
        type Edit = fn(&mut LlamaConfig);
        let cases: [(Edit, &str); 7] = [
            (|c| c.architecture = "gpt2".into(), "only `llama`"),
            (|c| c.attention_head_count_kv = 2, "evenly"),
            (|c| c.attention_head_count = 7, "multiple of the 7 heads"),
            (|c| c.rope_dimension_count = 32, "rope_dimension_count"),
            (|c| c.block_count = 0, "block_count = 0"),
            (|c| c.vocab_size = usize::MAX, "vocab_size"),
            (|c| c.rope_freq_base = f64::NAN, "rope_freq_base"),
        ];
        for (edit, want) in cases {
            let mut c = base.clone();
            edit(&mut c);
            let err = c.validate().unwrap_err();
            assert!(err.contains(want), "{err} lacks {want}");
        }
    }
}
