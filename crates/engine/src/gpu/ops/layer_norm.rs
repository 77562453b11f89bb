//! Layer norm: one workgroup per row.

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::Kernel;
use super::super::launch::{Bind, Launch, Params};
use crate::error::Result;

/// Layer norm of `rows` rows of `cols` values.
pub(crate) fn call_layer_norm(
    gpu: &Gpu,
    x: &GpuBuffer,
    gamma: &GpuBuffer,
    beta: &GpuBuffer,
    rows: usize,
    cols: usize,
    eps: f32,
) -> Result<GpuBuffer> {
    let y = GpuBuffer::alloc(gpu, x.len(), "layer_norm")?;
    let params = Params::default().u(&[rows, cols]).f(eps);
    let binds = Bind::all_whole(&[x, gamma, beta, &y]);
    Launch::new("layer_norm", Kernel::LayerNorm).over(gpu, params, &binds, rows)?;
    Ok(y)
}
