//! RMS norm: one workgroup per row; tensors larger than one binding go in blocks of rows.

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::Kernel;
use super::super::launch::{max_binding_elems, offset_align_elems, Bind, Launch, Params};
use crate::error::{EngineError, Result};

/// RMS norm of `rows` rows of `cols` values with `weight [cols]`.
pub(crate) fn call_rms_norm(
    gpu: &Gpu,
    x: &GpuBuffer,
    weight: &GpuBuffer,
    rows: usize,
    cols: usize,
    eps: f32,
) -> Result<GpuBuffer> {
    let y = GpuBuffer::alloc(gpu, rows * cols, "rms_norm")?;
    let launch = Launch::new("rms_norm", Kernel::RmsNorm);
    let limit = max_binding_elems(gpu);
    if x.len() <= limit {
        let params = Params::default().u(&[rows, cols]).f(eps).u(&[0]);
        launch.over(gpu, params, &Bind::all_whole(&[x, weight, &y]), rows)?;
        return Ok(y);
    }
    let per = limit.saturating_sub(offset_align_elems(gpu) - 1) / cols.max(1);
    if per == 0 {
        return Err(EngineError::BindingTooLarge {
            op: "rms_norm",
            bytes: (cols + offset_align_elems(gpu)) as u64 * 4,
            limit: limit as u64 * 4,
        });
    }
    for r0 in (0..rows).step_by(per) {
        let n = per.min(rows - r0);
        let (bx, off) = Bind::range(gpu, x, r0 * cols, n * cols);
        let (by, _) = Bind::range(gpu, &y, r0 * cols, n * cols);
        let params = Params::default().u(&[n, cols]).f(eps).u(&[off]);
        launch.over(gpu, params, &[bx, Bind::whole(weight), by], n)?;
    }
    Ok(y)
}
