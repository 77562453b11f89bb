//! lstm-mini inference on engine ops (Cpu and Gpu run the same lines): token embedding
//! (tied with the output layer) → stacked LSTM layers (PyTorch gate order i, f, g, o; one
//! summed bias per layer) → logits, trained by `brainprobe-train lstm-mini`. Recorded
//! layers: `embedding`, `lstm.0` … `lstm.{L-1}` (hidden state h after each layer).
//!
//! The recurrence has no context limit, so a passage is read in one pass from the zero
//! state: every token sees all earlier tokens. The tokens go through in chunks of
//! [`CHUNK`] with (h, c) carried across chunks, which keeps every GPU buffer small
//! without changing a number.

use brainprobe_engine::{Device, LstmWeights, Tensor};
use brainprobe_text::Tokenizer;

use super::causal::{host_rows, next_token_logprobs, TokenStates, Window};
use super::layers::check_tokenizer_fits;
use crate::error::{ModelError, Result};
use crate::weights::{architecture, Weights};
pub use brainprobe_arch::LstmConfig;
use brainprobe_arch::WeightsManifest;

/// Tokens per chunk of a forward pass (state is carried from chunk to chunk).
pub const CHUNK: usize = 128;

struct LstmLayer {
    w_ih: Tensor,
    w_hh: Tensor,
    bias: Tensor,
}

/// Loaded lstm-mini (trained or untrained).
pub struct Lstm {
    /// Model identifier.
    pub id: String,
    /// Architecture.
    pub config: LstmConfig,
    /// Tokenizer (the project's byte-level BPE).
    pub tokenizer: Tokenizer,
    /// Device the weights live on.
    pub device: Device,
    wte: Tensor,
    layers: Vec<LstmLayer>,
}

/// Recurrent state `(h, c)` per layer, each `[1, hidden]`.
pub struct LstmState(Vec<(Tensor, Tensor)>);

/// One chunk's forward pass: hidden states `[T, hidden]` by layer name, logits
/// `[T, vocab]`, and the state after the chunk's last token.
pub struct LstmForward {
    /// (`embedding`, `lstm.i`) in order.
    pub layers: Vec<(String, Tensor)>,
    /// Next-token logits per position.
    pub logits: Tensor,
    /// State to continue from.
    pub state: LstmState,
}

impl Lstm {
    /// Builds the model from its weights and manifest on `device`.
    pub fn load(
        weights: &Weights,
        manifest: &WeightsManifest,
        tokenizer: Tokenizer,
        device: &Device,
    ) -> Result<Self> {
        let id = manifest.id.clone();
        let config: LstmConfig = architecture(manifest)?;
        check_tokenizer_fits(&id, &tokenizer, config.vocab)?;
        let h = config.hidden;
        let t = |name: &str, shape: &[usize]| weights.upload(name, shape, device);
        let layers = (0..config.layers)
            .map(|l| {
                Ok(LstmLayer {
                    w_ih: t(&format!("lstm.{l}.w_ih"), &[4 * h, h])?,
                    w_hh: t(&format!("lstm.{l}.w_hh"), &[4 * h, h])?,
                    bias: t(&format!("lstm.{l}.bias"), &[4 * h])?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            wte: t("wte.weight", &[config.vocab, h])?,
            layers,
            tokenizer,
            device: device.clone(),
            id,
            config,
        })
    }

    /// The zero state every passage starts from.
    pub fn zero_state(&self) -> Result<LstmState> {
        let zeros = || Tensor::zeros(&[1, self.config.hidden], &self.device);
        let state = (0..self.config.layers)
            .map(|_| Ok((zeros()?, zeros()?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(LstmState(state))
    }

    /// Forward pass of `ids` (at least one token) from `state`. The input half of every
    /// gate is one matmul over all tokens; only the recurrent half steps through time.
    pub fn forward(&self, ids: &[u32], state: &LstmState) -> Result<LstmForward> {
        if ids.is_empty() {
            return Err(ModelError::Text(format!(
                "{}: a forward pass needs at least one token",
                self.id
            )));
        }
        if state.0.len() != self.layers.len() {
            return Err(ModelError::Text(format!(
                "{}: state has {} layers, the model {}",
                self.id,
                state.0.len(),
                self.layers.len()
            )));
        }
        let mut x = self.wte.embedding(ids)?;
        let mut layers = vec![("embedding".to_string(), x.clone())];
        let mut next_state = Vec::with_capacity(self.layers.len());
        for (l, (layer, (h0, c0))) in self.layers.iter().zip(&state.0).enumerate() {
            let weights = LstmWeights {
                w_ih: &layer.w_ih,
                w_hh: &layer.w_hh,
                bias: &layer.bias,
            };
            let input_gates = x.matmul_t(weights.w_ih, false, true)?.add(weights.bias)?;
            let (mut h, mut c) = (h0.clone(), c0.clone());
            let mut outputs = Vec::with_capacity(ids.len());
            for t in 0..ids.len() {
                let gates = input_gates.slice(0, t, t + 1)?.add(&h.matmul_t(
                    weights.w_hh,
                    false,
                    true,
                )?)?;
                (h, c) = Tensor::lstm_cell(&gates, &c)?;
                outputs.push(h.clone());
            }
            x = Tensor::concat(&outputs.iter().collect::<Vec<_>>(), 0)?;
            layers.push((format!("lstm.{l}"), x.clone()));
            next_state.push((h, c));
        }
        let logits = x.matmul_t(&self.wte, false, true)?;
        Ok(LstmForward {
            layers,
            logits,
            state: LstmState(next_state),
        })
    }

    /// Hidden states of the layers `keep` (indices into [`LstmConfig::layer_names`]) and
    /// next-token log-probabilities for every token of `ids`, read in one pass from the
    /// zero state (chunks of [`CHUNK`] carry the state; no window ever drops context).
    pub async fn token_states(&self, ids: &[u32], keep: &[usize]) -> Result<TokenStates> {
        let vocab = self.config.vocab;
        let mut states = TokenStates::new(ids.len(), keep.len());
        let mut state = self.zero_state()?;
        let mut previous_logits: Option<Vec<f32>> = None;
        for begin in (0..ids.len()).step_by(CHUNK) {
            let end = (begin + CHUNK).min(ids.len());
            let out = self.forward(&ids[begin..end], &state)?;
            let picked: Vec<&Tensor> = keep.iter().map(|&k| &out.layers[k].1).collect();
            let (rows, widths) = host_rows(&picked).await?;
            let logits = out.logits.to_vec().await?;
            let lp = next_token_logprobs(&logits, vocab, &ids[begin..end])?;
            let window = Window {
                begin,
                end,
                first: begin,
            };
            states.take_window(&window, &rows, &widths, &lp);
            // the chunk's first token is predicted by the previous chunk's last position
            if let Some(prev) = &previous_logits {
                let pair = [prev.as_slice(), &logits[..vocab]].concat();
                states.logprob[begin] =
                    next_token_logprobs(&pair, vocab, &ids[begin - 1..=begin])?[1];
            }
            previous_logits = Some(logits[(end - begin - 1) * vocab..].to_vec());
            state = out.state;
        }
        Ok(states)
    }
}
