//! Scaled dot-product attention (composed: matmul, scale, softmax, matmul — fine for the
//! <= 512-token sequences of the models here), and fused grouped-query attention (llama).

use super::MatmulDims;
use crate::cpu;
use crate::error::Result;
use crate::gpu::ops::{call_attention, call_gqa_attention, GqaDims};
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

    /// Grouped-query attention, as a llama block computes it: for `q [tq, heads, hd]` and
    /// `k, v [tk, kv_heads, hd]` (`heads` a multiple of `kv_heads`; query head `h` uses
    /// key/value head `h / (heads / kv_heads)`), `out [tq, heads, hd]` with
    /// `out[t, h] = softmax(q[t, h] · k[:, c]ᵀ / sqrt(hd) [+ causal mask]) · v[:, c]`. The mask
    /// keeps keys `j <= t + (tk - tq)` (queries are the last `tq` positions). Softmax in f32
    /// with the maximum subtracted. On the GPU one fused kernel (online softmax, no score
    /// matrix), `hd <= 256`; query rows larger than one binding are split into blocks.
    pub fn gqa_attention(q: &Tensor, k: &Tensor, v: &Tensor, causal: bool) -> Result<Tensor> {
        let err = |what: &str| {
            crate::EngineError::shape("gqa_attention", what, &[&q.shape, &k.shape, &v.shape])
        };
        let ([tq, heads, hd], [tk, kv_heads, khd]) = match (q.shape.as_slice(), k.shape.as_slice())
        {
            (&[a, b, c], &[d, e, f]) => ([a, b, c], [d, e, f]),
            _ => return Err(err("needs q [tq, heads, hd] and k, v [tk, kv_heads, hd]")),
        };
        if v.shape != k.shape || khd != hd {
            return Err(err(
                "k and v must be [tk, kv_heads, hd] with the head dim of q",
            ));
        }
        if kv_heads == 0 || !heads.is_multiple_of(kv_heads) {
            return Err(err("heads must be a multiple of kv_heads"));
        }
        if causal && tq > tk {
            return Err(err("causal mask needs tq <= tk"));
        }
        let scale = 1.0 / (hd.max(1) as f32).sqrt();
        match place("gqa_attention", &[q, k, v])? {
            Placed::Cpu(t) => Ok(Tensor::cpu(cpu::gqa_attention(
                t[0], t[1], t[2], scale, causal,
            )?)),
            Placed::Gpu(gpu, t) => {
                if hd > 256 {
                    return Err(err("head dim > 256 on the GPU"));
                }
                if tk == 0 {
                    return Err(err("no keys to attend to"));
                }
                let dims = GqaDims {
                    tq,
                    tk,
                    heads,
                    kv_heads,
                    hd,
                };
                let out = call_gqa_attention(&gpu, t[0], t[1], t[2], dims, scale, causal)?;
                Ok(Tensor::gpu(out, q.shape.clone()))
            }
        }
    }
}
