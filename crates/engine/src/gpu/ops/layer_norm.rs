//! Layer norm: one workgroup per row.

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::{Kernel, Specialization};
use super::super::launch::{launch, line_grid, Bind, Params};
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
    if rows == 0 {
        return Ok(y);
    }
    let params = Params::default().u(&[rows, cols]).f(eps);
    let binds = [
        Bind::whole(x),
        Bind::whole(gamma),
        Bind::whole(beta),
        Bind::whole(&y),
    ];
    launch(
        gpu,
        "layer_norm",
        Kernel::LayerNorm,
        Specialization::Plain,
        params,
        &binds,
        line_grid(gpu, rows)?,
    )?;
    Ok(y)
}
