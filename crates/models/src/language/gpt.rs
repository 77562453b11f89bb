//! gpt-mini inference on engine ops (Cpu and Gpu run the same lines): a causal pre-LN
//! transformer with learned positions, GELU-tanh MLP and tied input/output embeddings,
//! trained by `brainprobe-train gpt-mini` on the project's corpora. Recorded layers:
//! `embedding` (token + position), `block.0` … `block.{L-1}` (residual stream after each
//! block), `final_norm`.

use brainprobe_engine::{Device, Tensor};
use brainprobe_text::Tokenizer;

use super::causal::{windowed_token_states, TokenStates};
use super::layers::{check_tokenizer_fits, LayerNorm, Linear};
use crate::error::{ModelError, Result};
use crate::weights::{architecture, Weights};
pub use brainprobe_arch::GptConfig;
use brainprobe_arch::WeightsManifest;

struct Block {
    norm1: LayerNorm,
    qkv: Linear,
    proj: Linear,
    norm2: LayerNorm,
    fc: Linear,
    out: Linear,
}

/// Loaded gpt-mini (any checkpoint).
pub struct Gpt {
    /// Model identifier.
    pub id: String,
    /// Architecture.
    pub config: GptConfig,
    /// Tokenizer (the project's byte-level BPE).
    pub tokenizer: Tokenizer,
    /// Device the weights live on.
    pub device: Device,
    wte: Tensor,
    wpe: Tensor,
    blocks: Vec<Block>,
    norm_f: LayerNorm,
}

/// One forward pass: hidden states `[T, d]` by layer name, and logits `[T, vocab]`.
pub struct GptForward {
    /// (`embedding`, `block.i`, `final_norm`) in order.
    pub layers: Vec<(String, Tensor)>,
    /// Next-token logits per position.
    pub logits: Tensor,
}

impl Gpt {
    /// Builds the model from its weights and manifest on `device`.
    pub fn load(
        weights: &Weights,
        manifest: &WeightsManifest,
        tokenizer: Tokenizer,
        device: &Device,
    ) -> Result<Self> {
        let id = manifest.id.clone();
        let config: GptConfig = architecture(manifest)?;
        if config.heads == 0 || !config.d_model.is_multiple_of(config.heads) {
            return Err(ModelError::Manifest {
                model: id,
                detail: format!(
                    "{} heads do not divide d_model {}",
                    config.heads, config.d_model
                ),
            });
        }
        let (d, m) = (config.d_model, config.mlp);
        let eps = config.ln_eps as f32;
        let linear =
            |name: &str, out: usize, inp: usize| Linear::load(weights, name, out, inp, device);
        let norm = |name: &str| LayerNorm::load(weights, name, d, eps, device);
        let blocks = (0..config.layers)
            .map(|i| {
                let p = format!("blocks.{i}");
                Ok(Block {
                    norm1: norm(&format!("{p}.norm1"))?,
                    qkv: linear(&format!("{p}.attn.qkv"), 3 * d, d)?,
                    proj: linear(&format!("{p}.attn.proj"), d, d)?,
                    norm2: norm(&format!("{p}.norm2"))?,
                    fc: linear(&format!("{p}.mlp.fc"), m, d)?,
                    out: linear(&format!("{p}.mlp.proj"), d, m)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        check_tokenizer_fits(&id, &tokenizer, config.vocab)?;
        Ok(Self {
            wte: weights.upload("wte.weight", &[config.vocab, d], device)?,
            wpe: weights.upload("wpe.weight", &[config.context, d], device)?,
            norm_f: norm("norm_f")?,
            blocks,
            tokenizer,
            device: device.clone(),
            id,
            config,
        })
    }

    /// Forward pass of `ids` (1 ≤ len ≤ context), causal attention.
    pub fn forward(&self, ids: &[u32]) -> Result<GptForward> {
        let c = &self.config;
        let n = ids.len();
        if n == 0 || n > c.context {
            return Err(ModelError::Text(format!(
                "{}: a forward pass takes 1 to {} tokens, got {n}",
                self.id, c.context
            )));
        }
        let (d, h) = (c.d_model, c.heads);
        let hd = d / h;
        let mut x = self.wte.embedding(ids)?.add(&self.wpe.slice(0, 0, n)?)?;
        let mut layers = vec![("embedding".to_string(), x.clone())];
        let heads =
            |t: &Tensor| -> Result<Tensor> { Ok(t.reshape(&[n, h, hd])?.transpose(&[1, 0, 2])?) };
        for (i, b) in self.blocks.iter().enumerate() {
            let a = b.norm1.forward(&x)?;
            let qkv = b.qkv.forward(&a)?;
            let q = heads(&qkv.slice(1, 0, d)?)?;
            let k = heads(&qkv.slice(1, d, 2 * d)?)?;
            let v = heads(&qkv.slice(1, 2 * d, 3 * d)?)?;
            let att = Tensor::attention(&q, &k, &v, true)?
                .transpose(&[1, 0, 2])?
                .reshape(&[n, d])?;
            x = x.add(&b.proj.forward(&att)?)?;
            let m = b.norm2.forward(&x)?;
            x = x.add(&b.out.forward(&b.fc.forward(&m)?.gelu_tanh()?)?)?;
            layers.push((format!("block.{i}"), x.clone()));
        }
        let f = self.norm_f.forward(&x)?;
        let logits = f.matmul_t(&self.wte, false, true)?;
        layers.push(("final_norm".to_string(), f));
        Ok(GptForward { layers, logits })
    }

    /// Hidden states of the layers `keep` (indices into [`GptConfig::layer_names`]) and
    /// next-token log-probabilities for every token of `ids`, with sliding windows of the
    /// context length and stride half of it (METRICS §3.2) when `ids` is longer: each
    /// token is read from the window that scores it, so it has at least context/2 tokens
    /// of left context (all of them near the start).
    pub async fn token_states(&self, ids: &[u32], keep: &[usize]) -> Result<TokenStates> {
        windowed_token_states(ids, keep, self.config.context, self.config.vocab, |w| {
            self.forward(w).map(|out| (out.layers, out.logits))
        })
        .await
    }
}
