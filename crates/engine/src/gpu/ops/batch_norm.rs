//! Inference batch norm (per-channel scale and shift).

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::{Kernel, Specialization};
use super::super::launch::{launch, line_grid, Bind, Params};
use super::LINE_WG;
use crate::error::Result;

/// `x * scale[c] + shift[c]` for `x [N, C, spatial]`.
pub(crate) fn call_batch_norm(
    gpu: &Gpu,
    x: &GpuBuffer,
    scale: &GpuBuffer,
    shift: &GpuBuffer,
    channels: usize,
    spatial: usize,
) -> Result<GpuBuffer> {
    let n = x.len();
    let y = GpuBuffer::alloc(gpu, n, "batch_norm")?;
    if n == 0 {
        return Ok(y);
    }
    let params = Params::default().u(&[n, channels, spatial.max(1)]);
    let binds = [
        Bind::whole(x),
        Bind::whole(scale),
        Bind::whole(shift),
        Bind::whole(&y),
    ];
    let grid = line_grid(gpu, n.div_ceil(LINE_WG))?;
    launch(
        gpu,
        "batch_norm",
        Kernel::BatchNorm,
        Specialization::Plain,
        params,
        &binds,
        grid,
    )?;
    Ok(y)
}
