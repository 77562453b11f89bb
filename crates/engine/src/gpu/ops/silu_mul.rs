//! `silu(a) * b`; tensors larger than one binding go in aligned chunks.

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::Kernel;
use super::super::launch::{max_binding_elems, Bind, Launch, Params};
use crate::error::Result;

/// `silu(a) * b` (same length) into a new buffer.
pub(crate) fn call_silu_mul(gpu: &Gpu, a: &GpuBuffer, b: &GpuBuffer) -> Result<GpuBuffer> {
    let y = GpuBuffer::alloc(gpu, a.len(), "silu_mul")?;
    let chunk = max_binding_elems(gpu);
    for start in (0..a.len()).step_by(chunk) {
        let len = chunk.min(a.len() - start);
        let bind = |buf| Bind {
            buf,
            offset: start,
            len,
        };
        Launch::new("silu_mul", Kernel::SiluMul).over(
            gpu,
            Params::default().u(&[len]),
            &[bind(a), bind(b), bind(&y)],
            len,
        )?;
    }
    Ok(y)
}
