//! Tiled matmul dispatch, with operands larger than one storage binding split into chunks:
//! blocks of rows of C (M), columns (N) and slices of K (accumulated), each bound at an
//! aligned offset so that every binding stays under the limit.

use super::super::buffer::{Dtype, GpuBuffer};
use super::super::context::Gpu;
use super::super::kernels::{Kernel, Specialization};
use super::super::launch::{max_binding_elems, offset_align_elems, Bind, Launch, Params};
use crate::error::{EngineError, Result};
use crate::ops::MatmulDims;

const TILE: usize = 64;

/// Element strides of an operand as the kernel reads it: (row, column, batch).
#[derive(Clone, Copy)]
struct Layout {
    rs: usize,
    cs: usize,
    bs: usize,
}

fn layouts(d: &MatmulDims) -> (Layout, Layout) {
    let (m, n, k) = (d.m, d.n, d.k);
    let a = Layout {
        rs: if d.ta { 1 } else { k },
        cs: if d.ta { m } else { 1 },
        bs: if d.a_batched { m * k } else { 0 },
    };
    let b = Layout {
        rs: if d.tb { 1 } else { n },
        cs: if d.tb { k } else { 1 },
        bs: if d.b_batched { k * n } else { 0 },
    };
    (a, b)
}

/// `A · B` into a new buffer of `batch * m * n` values.
pub(crate) fn call_matmul(
    gpu: &Gpu,
    a: &GpuBuffer,
    b: &GpuBuffer,
    d: &MatmulDims,
) -> Result<GpuBuffer> {
    let out = GpuBuffer::alloc(gpu, d.batch * d.m * d.n, "matmul")?;
    if !out.is_empty() {
        matmul_into(gpu, a, b, &out, d)?;
    }
    Ok(out)
}

/// `A · B` written into `out` (which holds `batch * m * n` values).
pub(crate) fn matmul_into(
    gpu: &Gpu,
    a: &GpuBuffer,
    b: &GpuBuffer,
    out: &GpuBuffer,
    d: &MatmulDims,
) -> Result<()> {
    let (la, lb) = layouts(d);
    let limit = max_binding_elems(gpu);
    let max_z = gpu.ctx.limits.max_compute_workgroups_per_dimension as usize;
    let f16 = b.dtype == Dtype::F16;
    // f16 weights are bound whole (launch reports BindingTooLarge past the limit).
    if f16 || (a.len() <= limit && b.len() <= limit && out.len() <= limit && d.batch <= max_z) {
        let spec = if f16 {
            Specialization::F16B
        } else {
            Specialization::Plain
        };
        let params = Params::default()
            .u(&[d.m, d.n, d.k, 0])
            .u(&[0, la.rs, la.cs, la.bs])
            .u(&[0, lb.rs, lb.cs, lb.bs])
            .u(&[0, d.n, d.m * d.n, 0]);
        let grid = [
            d.n.div_ceil(TILE) as u32,
            d.m.div_ceil(TILE) as u32,
            d.batch as u32,
        ];
        let binds = Bind::all_whole(&[a, b, out]);
        let launch = Launch::new("matmul", Kernel::Matmul).variant(spec);
        return launch.on_grid(gpu, params, &binds, grid);
    }
    let plan = plan_chunks(d, limit, offset_align_elems(gpu))?;
    for batch in 0..d.batch {
        for m0 in (0..d.m).step_by(plan.mc) {
            for n0 in (0..d.n).step_by(plan.nc) {
                for k0 in (0..d.k.max(1)).step_by(plan.kc) {
                    let chunk = Chunk {
                        batch,
                        m0,
                        n0,
                        k0,
                        mc: plan.mc.min(d.m - m0),
                        nc: plan.nc.min(d.n - n0),
                        kc: plan.kc.min(d.k.saturating_sub(k0)),
                    };
                    launch_chunk(gpu, a, b, out, d, (la, lb), &chunk)?;
                }
            }
        }
    }
    Ok(())
}

/// Block sizes along M, N and K.
#[derive(Debug, PartialEq)]
struct Plan {
    mc: usize,
    nc: usize,
    kc: usize,
}

struct Chunk {
    batch: usize,
    m0: usize,
    n0: usize,
    k0: usize,
    mc: usize,
    nc: usize,
    kc: usize,
}

/// Number of elements between the first and last element an `rows x cols` block touches.
fn span(rows: usize, cols: usize, row_stride: usize, col_stride: usize) -> usize {
    if rows == 0 || cols == 0 {
        return 1;
    }
    (rows - 1) * row_stride + (cols - 1) * col_stride + 1
}

/// Halves block sizes until the A, B and C ranges of one block (plus alignment slack) each
/// fit in `limit` elements. Shrinks the dimension that strides slowest in the offending
/// operand first, so blocks stay as large as possible.
fn plan_chunks(d: &MatmulDims, limit: usize, align: usize) -> Result<Plan> {
    let (la, lb) = layouts(d);
    let (mut mc, mut nc, mut kc) = (d.m.max(1), d.n.max(1), d.k.max(1));
    let slack = align - 1;
    let half = |v: &mut usize| *v = v.div_ceil(2);
    loop {
        let fa = span(mc, kc, la.rs, la.cs) + slack <= limit;
        let fb = span(kc, nc, lb.rs, lb.cs) + slack <= limit;
        let fc = span(mc, nc, d.n, 1) + slack <= limit;
        if fa && fb && fc {
            return Ok(Plan { mc, nc, kc });
        }
        if mc == 1 && nc == 1 && kc == 1 {
            return Err(EngineError::BindingTooLarge {
                op: "matmul",
                bytes: (slack as u64 + 1) * 4,
                limit: limit as u64 * 4,
            });
        }
        match (fc, fa, fb) {
            (false, _, _) if mc > 1 => half(&mut mc),
            (false, _, _) => half(&mut nc),
            (_, false, _) if (d.ta && kc > 1) || mc == 1 => half(&mut kc),
            (_, false, _) => half(&mut mc),
            (_, _, _) if (!d.tb && kc > 1) || nc == 1 => half(&mut kc),
            _ => half(&mut nc),
        }
    }
}

/// One block: binds the exact ranges it reads and writes at aligned offsets.
fn launch_chunk(
    gpu: &Gpu,
    a: &GpuBuffer,
    b: &GpuBuffer,
    out: &GpuBuffer,
    d: &MatmulDims,
    (la, lb): (Layout, Layout),
    c: &Chunk,
) -> Result<()> {
    let align = offset_align_elems(gpu);
    let a_start = c.batch * la.bs + c.m0 * la.rs + c.k0 * la.cs;
    let b_start = c.batch * lb.bs + c.k0 * lb.rs + c.n0 * lb.cs;
    let c_start = c.batch * d.m * d.n + c.m0 * d.n + c.n0;
    let bind = |buf, start: usize, span: usize| {
        let offset = start - start % align;
        (
            Bind {
                buf,
                offset,
                len: start % align + span,
            },
            start % align,
        )
    };
    let (ba, a_off) = bind(a, a_start, span(c.mc, c.kc, la.rs, la.cs));
    let (bb, b_off) = bind(b, b_start, span(c.kc, c.nc, lb.rs, lb.cs));
    let (bc, c_off) = bind(out, c_start, span(c.mc, c.nc, d.n, 1));
    let params = Params::default()
        .u(&[c.mc, c.nc, c.kc, usize::from(c.k0 > 0)])
        .u(&[a_off, la.rs, la.cs, 0])
        .u(&[b_off, lb.rs, lb.cs, 0])
        .u(&[c_off, d.n, 0, 0]);
    let grid = [c.nc.div_ceil(TILE) as u32, c.mc.div_ceil(TILE) as u32, 1];
    Launch::new("matmul", Kernel::Matmul).on_grid(gpu, params, &[ba, bb, bc], grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_fits_every_operand() {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let d = MatmulDims::plain(300, 100, 200, ta, tb);
            let plan = plan_chunks(&d, 4096, 64).unwrap();
            let (la, lb) = layouts(&d);
            assert!(
                span(plan.mc, plan.kc, la.rs, la.cs) + 63 <= 4096,
                "{plan:?}"
            );
            assert!(
                span(plan.kc, plan.nc, lb.rs, lb.cs) + 63 <= 4096,
                "{plan:?}"
            );
            assert!(span(plan.mc, plan.nc, d.n, 1) + 63 <= 4096, "{plan:?}");
        }
    }
}
