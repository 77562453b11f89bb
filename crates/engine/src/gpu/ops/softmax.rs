//! Row softmax: one workgroup per row.

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::Kernel;
use super::super::launch::{Bind, Launch, Params};
use crate::error::Result;

/// Softmax of `rows` rows of `cols` values (causal: query `row % q_len`).
pub(crate) fn call_softmax(
    gpu: &Gpu,
    x: &GpuBuffer,
    rows: usize,
    cols: usize,
    causal: bool,
    q_len: usize,
) -> Result<GpuBuffer> {
    let y = GpuBuffer::alloc(gpu, x.len(), "softmax")?;
    if rows * cols == 0 {
        return Ok(y);
    }
    let params = Params::default().u(&[rows, cols, usize::from(causal), q_len.max(1)]);
    let binds = Bind::all_whole(&[x, &y]);
    Launch::new("softmax", Kernel::Softmax).over(gpu, params, &binds, rows)?;
    Ok(y)
}
