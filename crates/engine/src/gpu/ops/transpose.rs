//! Axis permutation (rank <= 8).

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::Kernel;
use super::super::launch::{Bind, Launch, Params};
use super::{pack8, strides};
use crate::error::Result;

/// `x` of `shape` permuted by `perm`.
pub(crate) fn call_transpose(
    gpu: &Gpu,
    x: &GpuBuffer,
    shape: &[usize],
    perm: &[usize],
) -> Result<GpuBuffer> {
    let n = x.len();
    let y = GpuBuffer::alloc(gpu, n, "transpose")?;
    if n == 0 {
        return Ok(y);
    }
    let own = strides(shape);
    let out_shape: Vec<usize> = perm.iter().map(|&p| shape[p]).collect();
    let src: Vec<usize> = perm.iter().map(|&p| own[p]).collect();
    let params = Params::default()
        .u(&[n, shape.len(), 0, 0])
        .u(&pack8(&out_shape))
        .u(&pack8(&src));
    let binds = Bind::all_whole(&[x, &y]);
    Launch::new("transpose", Kernel::Transpose).over(gpu, params, &binds, n)?;
    Ok(y)
}
