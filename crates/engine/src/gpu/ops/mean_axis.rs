//! Mean over the middle axis of `[outer, len, inner]`.

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::{Kernel, Specialization};
use super::super::launch::{launch, line_grid, Bind, Params};
use super::LINE_WG;
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
    if n == 0 {
        return Ok(y);
    }
    let params = Params::default().u(&[outer, len, inner]);
    let grid = line_grid(gpu, n.div_ceil(LINE_WG))?;
    launch(
        gpu,
        "mean",
        Kernel::MeanAxis,
        Specialization::Plain,
        params,
        &[Bind::whole(x), Bind::whole(&y)],
        grid,
    )?;
    Ok(y)
}
