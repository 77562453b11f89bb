//! Mean over the middle axis of `[outer, len, inner]`.

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::Kernel;
use super::super::launch::{Bind, Launch, Params};
use crate::error::Result;

/// The mean over `len` for each of the `outer * inner` outputs.
pub(crate) fn call_mean_axis(
    gpu: &Gpu,
    x: &GpuBuffer,
    outer: usize,
    len: usize,
    inner: usize,
) -> Result<GpuBuffer> {
    let n = outer * inner;
    let y = GpuBuffer::alloc(gpu, n, "mean")?;
    let params = Params::default().u(&[n, len, inner]);
    let binds = Bind::all_whole(&[x, &y]);
    Launch::new("mean", Kernel::MeanAxis).over(gpu, params, &binds, n)?;
    Ok(y)
}
