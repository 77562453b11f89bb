//! Elementwise activations; tensors larger than one binding go in aligned chunks.

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::{Kernel, Specialization};
use super::super::launch::{max_binding_elems, Bind, Launch, Params};
use crate::error::Result;
use crate::ops::UnaryOp;

/// `op(x)` into a new buffer.
pub(crate) fn call_unary(gpu: &Gpu, x: &GpuBuffer, op: UnaryOp) -> Result<GpuBuffer> {
    let y = GpuBuffer::alloc(gpu, x.len(), "unary")?;
    let alpha = match op {
        UnaryOp::Scale(a) => a,
        _ => 1.0,
    };
    let chunk = max_binding_elems(gpu);
    for start in (0..x.len()).step_by(chunk) {
        let len = chunk.min(x.len() - start);
        let params = Params::default().u(&[len]).f(alpha);
        let binds = [
            Bind {
                buf: x,
                offset: start,
                len,
            },
            Bind {
                buf: &y,
                offset: start,
                len,
            },
        ];
        Launch::new("unary", Kernel::Unary)
            .variant(Specialization::Op(op.code()))
            .over(gpu, params, &binds, len)?;
    }
    Ok(y)
}
