//! conv2d as im2col + the tiled matmul: `col[n] = unfold(x[n])`, `y[n] = W · col[n]`, then a
//! broadcast bias add. Measured against a direct kernel? Not yet: see the README.

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::{Kernel, Specialization};
use super::super::launch::{launch, line_grid, Bind, Params};
use super::{call_binary, matmul_into, LINE_WG};
use crate::error::Result;
use crate::ops::{BinaryOp, Conv2dParams, MatmulDims};

/// Convolution of `x [N, C, H, W]` with `w [O, C, KH, KW]` (+ `bias [O]`).
pub(crate) fn call_conv2d(
    gpu: &Gpu,
    x: &GpuBuffer,
    xs: &[usize],
    w: &GpuBuffer,
    ws: &[usize],
    bias: Option<&GpuBuffer>,
    p: &Conv2dParams,
) -> Result<GpuBuffer> {
    let (n, c, h, wd) = (xs[0], xs[1], xs[2], xs[3]);
    let (o, kh, kw) = (ws[0], ws[2], ws[3]);
    let (oh, ow) = p.output_hw(h, wd, kh, kw);
    let ckk = c * kh * kw;
    let total = n * ckk * oh * ow;
    let col = GpuBuffer::alloc(gpu, total, "im2col")?;
    let out = GpuBuffer::alloc(gpu, n * o * oh * ow, "conv2d")?;
    if out.is_empty() {
        return Ok(out);
    }
    let params = Params::default().u(&[n, c, h, wd, kh, kw, oh, ow, p.stride, p.padding, total, 0]);
    let grid = line_grid(gpu, total.div_ceil(LINE_WG))?;
    launch(
        gpu,
        "im2col",
        Kernel::Im2col,
        Specialization::Plain,
        params,
        &[Bind::whole(x), Bind::whole(&col)],
        grid,
    )?;
    // [O, CKK] shared by every image · [N, CKK, OH*OW] -> [N, O, OH*OW]
    let dims = MatmulDims {
        batch: n,
        m: o,
        n: oh * ow,
        k: ckk,
        ta: false,
        tb: false,
        a_batched: false,
        b_batched: true,
        out_shape: vec![n, o, oh * ow],
    };
    matmul_into(gpu, w, &col, &out, &dims)?;
    match bias {
        Some(b) => call_binary(
            gpu,
            &out,
            &[n, o, oh * ow],
            b,
            &[o, 1],
            &[n, o, oh * ow],
            BinaryOp::Add,
        ),
        None => Ok(out),
    }
}
