//! Quantised linear layer dispatch: `y [m, n] = x [m, k] · Wᵀ` with W [n, k] in GGUF blocks.
//! When x, W or y is larger than one storage binding, the work is split into blocks of rows
//! of x (M) and of W (N), each bound at an aligned offset with its offset passed to the kernel
//! (K is never split: one row of x and one row of W must each fit a binding).

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::{Kernel, Specialization};
use super::super::launch::{max_binding_elems, offset_align_elems, Bind, Launch, Params};
use crate::error::{EngineError, Result};
use crate::quant::QuantType;

/// Rows of x (and y) per workgroup tile.
const BM: usize = 32;
/// Rows of W (columns of y) per workgroup tile.
const BN: usize = 64;

/// `x · Wᵀ` into a new buffer of `m * n` values.
pub(crate) fn call_qmatmul(
    gpu: &Gpu,
    x: &GpuBuffer,
    w: &GpuBuffer,
    qtype: QuantType,
    m: usize,
    n: usize,
    k: usize,
) -> Result<GpuBuffer> {
    let y = GpuBuffer::alloc(gpu, m * n, "qmatmul")?;
    if y.is_empty() {
        return Ok(y);
    }
    let row_bytes = qtype.row_bytes(k);
    let limit = max_binding_elems(gpu);
    let max_groups = gpu.ctx.limits.max_compute_workgroups_per_dimension as usize;
    let launch = Launch::new("qmatmul", Kernel::QMatmul).variant(Specialization::Op(qtype.code()));
    let grid = |mc: usize, nc: usize| [nc.div_ceil(BN) as u32, mc.div_ceil(BM) as u32, 1];
    let fits_grid =
        |mc: usize, nc: usize| mc.div_ceil(BM) <= max_groups && nc.div_ceil(BN) <= max_groups;
    if x.len() <= limit && w.len() <= limit && y.len() <= limit && fits_grid(m, n) {
        let params = Params::default()
            .u(&[m, n, k, 0])
            .u(&[k, 0, row_bytes, 0])
            .u(&[n]);
        let binds = Bind::all_whole(&[x, w, &y]);
        launch.on_grid(gpu, params, &binds, grid(m, n))?;
        return Ok(y);
    }
    let (mc, nc) = plan(
        m,
        n,
        k,
        row_bytes,
        limit,
        offset_align_elems(gpu),
        max_groups,
    )?;
    for m0 in (0..m).step_by(mc) {
        let rows = mc.min(m - m0);
        for n0 in (0..n).step_by(nc) {
            let cols = nc.min(n - n0);
            let (bx, x_off) = Bind::range(gpu, x, m0 * k, rows * k);
            let w_start = n0 * row_bytes;
            let w_words = (w_start % 4 + cols * row_bytes).div_ceil(4);
            let (bw, w_skip) = Bind::range(gpu, w, w_start / 4, w_words);
            let w_off = w_skip * 4 + w_start % 4;
            let (by, y_off) = Bind::range(gpu, &y, m0 * n + n0, (rows - 1) * n + cols);
            let params = Params::default()
                .u(&[rows, cols, k, x_off])
                .u(&[k, w_off, row_bytes, y_off])
                .u(&[n]);
            launch.on_grid(gpu, params, &[bx, bw, by], grid(rows, cols))?;
        }
    }
    Ok(y)
}

/// Rows of x (`mc`) and of W (`nc`) per dispatch such that the x, W and y ranges of one block
/// (plus alignment slack, and a word for a W range starting mid-word) each fit in `limit`
/// elements and the grid fits the device.
fn plan(
    m: usize,
    n: usize,
    k: usize,
    row_bytes: usize,
    limit: usize,
    align: usize,
    max_groups: usize,
) -> Result<(usize, usize)> {
    let slack = align - 1;
    let (mut mc, mut nc) = (m.max(1), n.max(1));
    loop {
        let fx = mc * k + slack <= limit && mc.div_ceil(BM) <= max_groups;
        let fw = (nc * row_bytes).div_ceil(4) + 1 + slack <= limit && nc.div_ceil(BN) <= max_groups;
        let fy = (mc - 1) * n + nc + slack <= limit;
        if fx && fw && fy {
            return Ok((mc, nc));
        }
        if (!fx || !fy) && mc > 1 {
            mc = mc.div_ceil(2);
        } else if nc > 1 {
            nc = nc.div_ceil(2);
        } else {
            return Err(EngineError::BindingTooLarge {
                op: "qmatmul",
                bytes: ((k + slack) * 4).max(row_bytes + 4 * (slack + 1)) as u64,
                limit: limit as u64 * 4,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_fits_every_operand_or_says_why_not() {
        // 4096-word bindings, 64-word alignment: SmolLM2's tied head (49152 x 576, Q8_0) and
        // a 300-token input.
        let rb = QuantType::Q8_0.row_bytes(576);
        let (mc, nc) = plan(300, 49152, 576, rb, 4096, 64, 65535).unwrap();
        assert!(mc * 576 + 63 <= 4096 && (nc * rb).div_ceil(4) + 64 <= 4096);
        assert!((mc - 1) * 49152 + nc + 63 <= 4096);
        // one row of x larger than a binding cannot be split
        assert!(plan(2, 8, 8192, QuantType::Q4_1.row_bytes(8192), 4096, 64, 65535).is_err());
    }
}
