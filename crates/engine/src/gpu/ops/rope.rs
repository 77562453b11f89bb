//! Rotary position embedding (interleaved pairs) with a host-computed cos / sin table;
//! tensors larger than one binding go in aligned chunks of pairs.

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::Kernel;
use super::super::launch::{check_binding, max_binding_elems, Bind, Launch, Params};
use crate::error::Result;

/// Rotates `x [.., seq, heads, 2 * half]` by the `[seq, half, 2]` table `cos_sin`.
pub(crate) fn call_rope(
    gpu: &Gpu,
    x: &GpuBuffer,
    cos_sin: &[f32],
    seq: usize,
    heads: usize,
    half: usize,
) -> Result<GpuBuffer> {
    let y = GpuBuffer::alloc(gpu, x.len(), "rope")?;
    if x.is_empty() {
        return Ok(y);
    }
    check_binding(gpu, "rope", cos_sin.len() as u64 * 4)?;
    let table = GpuBuffer::upload(gpu, cos_sin, "rope table")?;
    // Chunks of an even number of aligned elements (whole pairs).
    let chunk = max_binding_elems(gpu) / 2 * 2;
    for start in (0..x.len()).step_by(chunk) {
        let len = chunk.min(x.len() - start);
        let params = Params::default().u(&[len / 2, half, heads, seq, start / 2]);
        let binds = [
            Bind {
                buf: x,
                offset: start,
                len,
            },
            Bind::whole(&table),
            Bind {
                buf: &y,
                offset: start,
                len,
            },
        ];
        Launch::new("rope", Kernel::Rope).over(gpu, params, &binds, len / 2)?;
    }
    Ok(y)
}
