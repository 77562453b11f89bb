//! Broadcasted add / mul: per-operand strides over the output shape (0 on broadcast axes).

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::{Kernel, Specialization};
use super::super::launch::{Bind, Launch, Params};
use super::{pack8, strides};
use crate::error::{EngineError, Result};
use crate::ops::BinaryOp;

/// Strides of an operand of `shape` read at each index of `out_shape`.
fn broadcast_strides(shape: &[usize], out_shape: &[usize]) -> Vec<usize> {
    let pad = out_shape.len() - shape.len();
    let own = strides(shape);
    (0..out_shape.len())
        .map(|d| {
            if d < pad || shape[d - pad] == 1 {
                0
            } else {
                own[d - pad]
            }
        })
        .collect()
}

/// `a (op) b` broadcast to `out_shape` (rank <= 8).
pub(crate) fn call_binary(
    gpu: &Gpu,
    a: &GpuBuffer,
    a_shape: &[usize],
    b: &GpuBuffer,
    b_shape: &[usize],
    out_shape: &[usize],
    op: BinaryOp,
) -> Result<GpuBuffer> {
    if out_shape.len() > 8 {
        return Err(EngineError::shape(
            op.name(),
            "rank > 8 on the GPU",
            &[a_shape, b_shape],
        ));
    }
    let n: usize = out_shape.iter().product();
    let out = GpuBuffer::alloc(gpu, n, op.name())?;
    let params = Params::default()
        .u(&[n, out_shape.len(), 0, 0])
        .u(&pack8(out_shape))
        .u(&pack8(&broadcast_strides(a_shape, out_shape)))
        .u(&pack8(&broadcast_strides(b_shape, out_shape)));
    let binds = Bind::all_whole(&[a, b, &out]);
    Launch::new(op.name(), Kernel::Binary)
        .variant(Specialization::Op(op.code()))
        .over(gpu, params, &binds, n)?;
    Ok(out)
}
