//! Scaled dot-product attention (composed: matmul, scale, softmax, matmul — fine for the
//! <= 512-token sequences of the models here).

use super::MatmulDims;
use crate::cpu;
use crate::error::Result;
use crate::gpu::ops::call_attention;
use crate::tensor::{place, Placed, Tensor};

impl Tensor {
    /// `softmax(Q Kᵀ / sqrt(D) [+ causal mask]) V` for `q [.., Tq, D]`, `k, v [.., Tk, D]`
    /// (leading axes are batch and heads).
    pub fn attention(q: &Tensor, k: &Tensor, v: &Tensor, causal: bool) -> Result<Tensor> {
        let scores = MatmulDims::new("attention", &q.shape, &k.shape, false, true)?;
        let mix = MatmulDims::new("attention", &scores.out_shape, &v.shape, false, false)?;
        let d = q.shape.last().copied().unwrap_or(1).max(1);
        let scale = 1.0 / (d as f32).sqrt();
        // Validate the mask on the score shape before any work.
        if causal && scores.m > scores.n {
            return Err(crate::EngineError::shape(
                "attention",
                "causal mask needs Tq <= Tk",
                &[&q.shape, &k.shape],
            ));
        }
        match place("attention", &[q, k, v])? {
            Placed::Cpu(t) => Ok(Tensor::cpu(cpu::attention(
                t[0], t[1], t[2], &scores, &mix, scale, causal,
            )?)),
            Placed::Gpu(gpu, t) => {
                let out = call_attention(&gpu, t[0], t[1], t[2], &scores, &mix, scale, causal)?;
                Ok(Tensor::gpu(out, mix.out_shape))
            }
        }
    }
}
