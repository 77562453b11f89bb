//! Attention, composed from the matmul, unary (scale) and softmax kernels.

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::{call_matmul, call_softmax, call_unary};
use crate::error::Result;
use crate::ops::{MatmulDims, UnaryOp};

/// `softmax(scale · Q Kᵀ [+ mask]) V`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn call_attention(
    gpu: &Gpu,
    q: &GpuBuffer,
    k: &GpuBuffer,
    v: &GpuBuffer,
    scores: &MatmulDims,
    mix: &MatmulDims,
    scale: f32,
    causal: bool,
) -> Result<GpuBuffer> {
    let s = call_unary(gpu, &call_matmul(gpu, q, k, scores)?, UnaryOp::Scale(scale))?;
    let rows = scores.batch * scores.m;
    let p = call_softmax(gpu, &s, rows, scores.n, causal, scores.m)?;
    call_matmul(gpu, &p, v, mix)
}
