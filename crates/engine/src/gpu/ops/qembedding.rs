//! Gather of dequantised rows from a block-quantised table; a table larger than one binding
//! is bound a range of rows at a time (one dispatch per range that holds a requested id).

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::{Kernel, Specialization};
use super::super::launch::{max_binding_elems, offset_align_elems, Bind, Launch, Params};
use crate::error::{EngineError, Result};
use crate::quant::QuantType;

/// Rows `ids` (range-checked by the caller) of `w [vocab, dim]` as f32 `[ids.len(), dim]`.
pub(crate) fn call_qembedding(
    gpu: &Gpu,
    w: &GpuBuffer,
    qtype: QuantType,
    vocab: usize,
    dim: usize,
    ids: &[u32],
) -> Result<GpuBuffer> {
    let n = ids.len() * dim;
    let out = GpuBuffer::alloc(gpu, n, "qembedding")?;
    if n == 0 {
        return Ok(out);
    }
    let id_buf = GpuBuffer::upload(gpu, ids, "qembedding ids")?;
    let row_bytes = qtype.row_bytes(dim);
    let launch =
        Launch::new("qembedding", Kernel::QEmbedding).variant(Specialization::Op(qtype.code()));
    let params = |row0: usize, row1: usize, w_off: usize| {
        Params::default()
            .u(&[n, dim, row0, row1])
            .u(&[w_off, row_bytes])
    };
    let limit = max_binding_elems(gpu);
    if w.len() <= limit {
        let binds = Bind::all_whole(&[&id_buf, w, &out]);
        launch.over(gpu, params(0, vocab, 0), &binds, n)?;
        return Ok(out);
    }
    // Rows per range: their bytes, a word for a start mid-word, and the alignment slack.
    let room = limit.saturating_sub(offset_align_elems(gpu)) * 4;
    let rows = room / row_bytes.max(1);
    if rows == 0 {
        return Err(EngineError::BindingTooLarge {
            op: "qembedding",
            bytes: (row_bytes + 4 * offset_align_elems(gpu)) as u64,
            limit: limit as u64 * 4,
        });
    }
    for row0 in (0..vocab).step_by(rows) {
        let row1 = (row0 + rows).min(vocab);
        if !ids.iter().any(|&id| (row0..row1).contains(&(id as usize))) {
            continue;
        }
        let start = row0 * row_bytes;
        let words = (start % 4 + (row1 - row0) * row_bytes).div_ceil(4);
        let (bw, skip) = Bind::range(gpu, w, start / 4, words);
        let binds = [Bind::whole(&id_buf), bw, Bind::whole(&out)];
        launch.over(gpu, params(row0, row1, skip * 4 + start % 4), &binds, n)?;
    }
    Ok(out)
}
