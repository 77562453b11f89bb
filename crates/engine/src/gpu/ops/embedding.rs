//! Embedding gather (ids uploaded as u32, range-checked by the caller).

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::{Kernel, Specialization};
use super::super::launch::{launch, line_grid, Bind, Params};
use super::LINE_WG;
use crate::error::Result;

/// Rows of `table [vocab, dim]` for `ids`.
pub(crate) fn call_embedding(
    gpu: &Gpu,
    table: &GpuBuffer,
    ids: &[u32],
    dim: usize,
) -> Result<GpuBuffer> {
    let n = ids.len() * dim;
    let out = GpuBuffer::alloc(gpu, n, "embedding")?;
    if n == 0 {
        return Ok(out);
    }
    let id_buf = GpuBuffer::upload(gpu, ids, "embedding ids")?;
    let params = Params::default().u(&[n, dim]);
    let binds = [Bind::whole(table), Bind::whole(&id_buf), Bind::whole(&out)];
    launch(
        gpu,
        "embedding",
        Kernel::Embedding,
        Specialization::Plain,
        params,
        &binds,
        line_grid(gpu, n.div_ceil(LINE_WG))?,
    )?;
    Ok(out)
}
