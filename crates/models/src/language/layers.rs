//! The parameter blocks gpt-mini and MiniLM share, loaded by name from [`Weights`]: a
//! PyTorch-layout linear layer (`{name}.weight [out, in]`, `{name}.bias [out]`) and a layer
//! norm (`{name}.weight`, `{name}.bias`), so each model's loader lists only its own names.

use brainprobe_engine::{Device, Tensor};
use brainprobe_text::Tokenizer;

use crate::error::{ModelError, Result};
use crate::weights::Weights;

/// `x · wᵀ + b` with a PyTorch-layout weight `[out, in]`.
pub(crate) struct Linear {
    weight: Tensor,
    bias: Tensor,
}

impl Linear {
    /// `{name}.weight [out, inp]` and `{name}.bias [out]` uploaded to `device`.
    pub(crate) fn load(
        weights: &Weights,
        name: &str,
        out: usize,
        inp: usize,
        device: &Device,
    ) -> Result<Self> {
        Ok(Self {
            weight: weights.upload(&format!("{name}.weight"), &[out, inp], device)?,
            bias: weights.upload(&format!("{name}.bias"), &[out], device)?,
        })
    }

    /// `x · wᵀ + b`.
    pub(crate) fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(x.matmul_t(&self.weight, false, true)?.add(&self.bias)?)
    }
}

/// Layer norm over the last axis with learned scale and shift.
pub(crate) struct LayerNorm {
    gamma: Tensor,
    beta: Tensor,
    eps: f32,
}

impl LayerNorm {
    /// `{name}.weight [dim]` (γ) and `{name}.bias [dim]` (β) uploaded to `device`.
    pub(crate) fn load(
        weights: &Weights,
        name: &str,
        dim: usize,
        eps: f32,
        device: &Device,
    ) -> Result<Self> {
        Ok(Self {
            gamma: weights.upload(&format!("{name}.weight"), &[dim], device)?,
            beta: weights.upload(&format!("{name}.bias"), &[dim], device)?,
            eps,
        })
    }

    /// The normalised `x`.
    pub(crate) fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(x.layer_norm(&self.gamma, &self.beta, self.eps)?)
    }
}

/// A manifest error unless every id of `tokenizer` has a row in the model's `vocab`-row
/// embedding table (a mismatched tokenizer would index past it).
pub(crate) fn check_tokenizer_fits(model: &str, tokenizer: &Tokenizer, vocab: usize) -> Result<()> {
    if tokenizer.vocab_size() > vocab {
        return Err(ModelError::Manifest {
            model: model.to_string(),
            detail: format!(
                "tokenizer has {} tokens, the model {vocab}",
                tokenizer.vocab_size()
            ),
        });
    }
    Ok(())
}
