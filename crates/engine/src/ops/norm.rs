//! Row-wise normalisations: softmax (optionally causal), layer norm, RMS norm, inference batch
//! norm.

use crate::cpu;
use crate::error::{EngineError, Result};
use crate::gpu::ops::{call_batch_norm, call_layer_norm, call_rms_norm, call_softmax};
use crate::tensor::{place, Placed, Tensor};

/// Folds batch-norm statistics into the per-channel `(scale, shift)` that
/// [`Tensor::batch_norm`] applies: `scale = gamma / sqrt(var + eps)`, `shift = beta - mean * scale`.
pub fn fold_batch_norm(
    gamma: &[f32],
    beta: &[f32],
    mean: &[f32],
    var: &[f32],
    eps: f32,
) -> Result<(Vec<f32>, Vec<f32>)> {
    let c = gamma.len();
    if beta.len() != c || mean.len() != c || var.len() != c {
        return Err(EngineError::shape(
            "fold_batch_norm",
            "parameter lengths differ",
            &[&[gamma.len(), beta.len(), mean.len(), var.len()]],
        ));
    }
    let scale: Vec<f32> = gamma
        .iter()
        .zip(var)
        .map(|(g, v)| g / (v + eps).sqrt())
        .collect();
    let shift = beta
        .iter()
        .zip(mean)
        .zip(&scale)
        .map(|((b, m), s)| b - m * s)
        .collect();
    Ok((scale, shift))
}

impl Tensor {
    /// Softmax over the last axis. With `causal`, the second-to-last axis is the query
    /// position i and key j is kept only if `j <= i + (keys - queries)` (masked entries are 0).
    pub fn softmax(&self, causal: bool) -> Result<Tensor> {
        let rank = self.shape.len();
        if rank == 0 || (causal && rank < 2) {
            return Err(EngineError::shape(
                "softmax",
                "needs rank >= 1 (>= 2 if causal)",
                &[&self.shape],
            ));
        }
        let cols = self.shape[rank - 1];
        let q_len = if causal { self.shape[rank - 2] } else { 1 };
        if causal && q_len > cols {
            return Err(EngineError::shape(
                "softmax",
                "causal mask needs queries <= keys",
                &[&self.shape],
            ));
        }
        match place("softmax", &[self])? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::softmax(v[0], causal, q_len))),
            Placed::Gpu(gpu, v) => {
                let out =
                    call_softmax(&gpu, v[0], self.numel() / cols.max(1), cols, causal, q_len)?;
                Ok(Tensor::gpu(out, self.shape.clone()))
            }
        }
    }

    /// Layer norm over the last axis with `gamma`, `beta` of shape `[last]`.
    pub fn layer_norm(&self, gamma: &Tensor, beta: &Tensor, eps: f32) -> Result<Tensor> {
        let cols = self.shape.last().copied().unwrap_or(0);
        if cols == 0 || gamma.shape != [cols] || beta.shape != [cols] {
            return Err(EngineError::shape(
                "layer_norm",
                "gamma and beta must be [last axis] of a non-empty input",
                &[&self.shape, &gamma.shape, &beta.shape],
            ));
        }
        match place("layer_norm", &[self, gamma, beta])? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::layer_norm(v[0], v[1], v[2], eps))),
            Placed::Gpu(gpu, v) => {
                let rows = self.numel() / cols;
                let out = call_layer_norm(&gpu, v[0], v[1], v[2], rows, cols, eps)?;
                Ok(Tensor::gpu(out, self.shape.clone()))
            }
        }
    }

    /// RMS norm over the last axis (llama's `RMSNorm`): `x / sqrt(mean(x²) + eps) · weight`
    /// with `weight` of shape `[last]` (candle-nn's `rms_norm`). Tensors larger than one storage
    /// binding are split into blocks of rows.
    pub fn rms_norm(&self, weight: &Tensor, eps: f32) -> Result<Tensor> {
        let cols = self.shape.last().copied().unwrap_or(0);
        if cols == 0 || weight.shape != [cols] {
            return Err(EngineError::shape(
                "rms_norm",
                "weight must be [last axis] of a non-empty input",
                &[&self.shape, &weight.shape],
            ));
        }
        match place("rms_norm", &[self, weight])? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::rms_norm(v[0], v[1], eps))),
            Placed::Gpu(gpu, v) => {
                let rows = self.numel() / cols;
                let out = call_rms_norm(&gpu, v[0], v[1], rows, cols, eps)?;
                Ok(Tensor::gpu(out, self.shape.clone()))
            }
        }
    }

    /// Inference batch norm on `[N, C, ..]`: `x * scale[c] + shift[c]`, with `scale` and
    /// `shift` of shape `[C]` (see [`fold_batch_norm`]).
    pub fn batch_norm(&self, scale: &Tensor, shift: &Tensor) -> Result<Tensor> {
        let c = self.shape.get(1).copied().unwrap_or(0);
        if self.shape.len() < 2 || scale.shape != [c] || shift.shape != [c] {
            return Err(EngineError::shape(
                "batch_norm",
                "needs x [N, C, ..] and scale, shift [C]",
                &[&self.shape, &scale.shape, &shift.shape],
            ));
        }
        match place("batch_norm", &[self, scale, shift])? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::batch_norm(v[0], v[1], v[2]))),
            Placed::Gpu(gpu, v) => {
                let spatial = self.shape[2..].iter().product();
                let out = call_batch_norm(&gpu, v[0], v[1], v[2], c, spatial)?;
                Ok(Tensor::gpu(out, self.shape.clone()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_by_hand() {
        // gamma 2, beta 1, mean 3, var 4 - eps: scale = 2 / 2 = 1, shift = 1 - 3 = -2
        let (s, b) = fold_batch_norm(&[2.0], &[1.0], &[3.0], &[4.0 - 1e-5], 1e-5).unwrap();
        assert!((s[0] - 1.0).abs() < 1e-6 && (b[0] + 2.0).abs() < 1e-6);
        assert!(fold_batch_norm(&[1.0], &[], &[1.0], &[1.0], 0.0).is_err());
    }
}
