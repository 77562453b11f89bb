//! Fused grouped-query attention: one workgroup per (query, head); query rows larger than one
//! binding go in blocks of queries (k and v are bound whole).

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::Kernel;
use super::super::launch::{max_binding_elems, offset_align_elems, Bind, Launch, Params};
use crate::error::{EngineError, Result};

/// The shape of one grouped-query attention: `q [tq, heads, hd]`, `k, v [tk, kv_heads, hd]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GqaDims {
    pub tq: usize,
    pub tk: usize,
    pub heads: usize,
    pub kv_heads: usize,
    pub hd: usize,
}

/// `softmax(scale · q kᵀ [+ causal mask]) v` per head into a new `[tq, heads, hd]` buffer.
pub(crate) fn call_gqa_attention(
    gpu: &Gpu,
    q: &GpuBuffer,
    k: &GpuBuffer,
    v: &GpuBuffer,
    g: GqaDims,
    scale: f32,
    causal: bool,
) -> Result<GpuBuffer> {
    let out = GpuBuffer::alloc(gpu, q.len(), "gqa_attention")?;
    if q.is_empty() {
        return Ok(out);
    }
    let row_len = g.heads * g.hd;
    let limit = max_binding_elems(gpu);
    let per = if q.len() <= limit {
        g.tq
    } else {
        limit.saturating_sub(offset_align_elems(gpu) - 1) / row_len.max(1)
    };
    if per == 0 {
        return Err(EngineError::BindingTooLarge {
            op: "gqa_attention",
            bytes: (row_len + offset_align_elems(gpu)) as u64 * 4,
            limit: limit as u64 * 4,
        });
    }
    for t0 in (0..g.tq).step_by(per) {
        let n = per.min(g.tq - t0);
        let (bq, q_off) = Bind::range(gpu, q, t0 * row_len, n * row_len);
        let (bo, o_off) = Bind::range(gpu, &out, t0 * row_len, n * row_len);
        let params = Params::default()
            .u(&[n * g.heads, g.tq, g.tk, g.heads])
            .u(&[g.kv_heads, g.hd, g.heads / g.kv_heads, usize::from(causal)])
            .u(&[t0, q_off, o_off])
            .f(scale);
        let binds = [bq, Bind::whole(k), Bind::whole(v), bo];
        Launch::new("gqa_attention", Kernel::GqaAttention).over(
            gpu,
            params,
            &binds,
            n * g.heads,
        )?;
    }
    Ok(out)
}
