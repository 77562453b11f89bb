//! Embedding gather (ids uploaded as u32, range-checked by the caller).

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::Kernel;
use super::super::launch::{Bind, Launch, Params};
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
    let binds = Bind::all_whole(&[table, &id_buf, &out]);
    Launch::new("embedding", Kernel::Embedding).over(gpu, params, &binds, n)?;
    Ok(out)
}
