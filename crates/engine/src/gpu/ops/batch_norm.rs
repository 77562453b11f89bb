//! Inference batch norm (per-channel scale and shift).

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::Kernel;
use super::super::launch::{Bind, Launch, Params};
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
    let params = Params::default().u(&[n, channels, spatial.max(1)]);
    let binds = Bind::all_whole(&[x, scale, shift, &y]);
    Launch::new("batch_norm", Kernel::BatchNorm).over(gpu, params, &binds, n)?;
    Ok(y)
}
