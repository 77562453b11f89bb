//! conv2d, two ways: im2col + the tiled matmul (`col[n] = unfold(x[n])`, `y[n] = W · col[n]`,
//! then a broadcast bias add), or the direct kernel (one output per thread). `Auto` takes the
//! direct kernel when the unfolded matrix would not fit one binding, and otherwise follows the
//! measurements recorded in the README (see `prefer_direct`). Grouped and depthwise
//! convolutions (`groups > 1`) always run the direct kernel: each output reads only its own
//! group's `C/G · KH · KW` inputs, which im2col + one matmul cannot exploit.

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::Kernel;
use super::super::launch::{max_binding_elems, Bind, Launch, Params};
use super::{call_binary, matmul_into};
use crate::error::Result;
use crate::ops::{BinaryOp, Conv2dParams, ConvAlgo, MatmulDims};

/// The input, the weights and the optional bias of one conv2d.
type Operands<'a> = (&'a GpuBuffer, &'a GpuBuffer, Option<&'a GpuBuffer>);

/// Input and weight shapes, stride, padding and groups of one conv2d.
struct Shapes {
    n: usize,
    c: usize,
    h: usize,
    w: usize,
    o: usize,
    kh: usize,
    kw: usize,
    oh: usize,
    ow: usize,
    stride: usize,
    /// Zeros before the first row / column (those after are implied by `oh`, `ow`).
    pad_begin: usize,
    groups: usize,
}

impl Shapes {
    /// The leading `Params` fields both conv kernels declare alike (`im2col.wgsl`,
    /// `conv2d_direct.wgsl`): `total` threads with work, then the input and window geometry.
    fn params(&self, total: usize) -> Params {
        Params::default().u(&[
            total,
            self.c,
            self.h,
            self.w,
            self.kh,
            self.kw,
            self.oh,
            self.ow,
            self.stride,
            self.pad_begin,
        ])
    }
}

/// The measured choice for shapes where both algorithms work: im2col + matmul reuses each
/// loaded input across 64 output channels of a tile, so it wins once there are enough output
/// channels and reduction length to fill the tiles; tiny convolutions skip the extra pass.
fn prefer_direct(s: &Shapes) -> bool {
    s.o < 16 || s.c * s.kh * s.kw < 16
}

/// Convolution of `x [N, C, H, W]` with `w [O, C / groups, KH, KW]` (+ `bias [O]`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn call_conv2d(
    gpu: &Gpu,
    x: &GpuBuffer,
    xs: &[usize],
    w: &GpuBuffer,
    ws: &[usize],
    bias: Option<&GpuBuffer>,
    p: &Conv2dParams,
    algo: ConvAlgo,
) -> Result<GpuBuffer> {
    let (oh, ow) = p.output_hw(xs[2], xs[3], ws[2], ws[3]);
    let s = Shapes {
        n: xs[0],
        c: xs[1],
        h: xs[2],
        w: xs[3],
        o: ws[0],
        kh: ws[2],
        kw: ws[3],
        oh,
        ow,
        stride: p.stride,
        pad_begin: p.pad_begin,
        groups: p.groups.max(1),
    };
    let col_len = s.n * s.c * s.kh * s.kw * oh * ow;
    let direct = match algo {
        _ if s.groups > 1 => true,
        ConvAlgo::Direct => true,
        ConvAlgo::Im2col => false,
        ConvAlgo::Auto => col_len > max_binding_elems(gpu) || prefer_direct(&s),
    };
    if direct {
        conv_direct(gpu, (x, w, bias), &s)
    } else {
        conv_im2col(gpu, (x, w, bias), &s)
    }
}

/// The direct kernel, one output per thread (bias added in the kernel); any `groups`.
fn conv_direct(gpu: &Gpu, (x, w, bias): Operands<'_>, s: &Shapes) -> Result<GpuBuffer> {
    let total = s.n * s.o * s.oh * s.ow;
    let out = GpuBuffer::alloc(gpu, total, "conv2d")?;
    let params = s.params(total).u(&[
        s.o,
        usize::from(bias.is_some()),
        s.c / s.groups,
        s.o / s.groups,
    ]);
    // Without a bias the weights are bound again in its slot (read-only, never read).
    let binds = Bind::all_whole(&[x, w, bias.unwrap_or(w), &out]);
    Launch::new("conv2d", Kernel::Conv2dDirect).over(gpu, params, &binds, total)?;
    Ok(out)
}

/// Unfold with `im2col.wgsl`, multiply with the tiled matmul, then add the bias.
fn conv_im2col(gpu: &Gpu, (x, w, bias): Operands<'_>, s: &Shapes) -> Result<GpuBuffer> {
    let ckk = s.c * s.kh * s.kw;
    let ohw = s.oh * s.ow;
    let total = s.n * ckk * ohw;
    let col = GpuBuffer::alloc(gpu, total, "im2col")?;
    let out = GpuBuffer::alloc(gpu, s.n * s.o * ohw, "conv2d")?;
    if out.is_empty() {
        return Ok(out);
    }
    let params = s.params(total);
    let binds = Bind::all_whole(&[x, &col]);
    Launch::new("im2col", Kernel::Im2col).over(gpu, params, &binds, total)?;
    // [O, CKK] shared by every image · [N, CKK, OH*OW] -> [N, O, OH*OW]
    let dims = MatmulDims {
        batch: s.n,
        m: s.o,
        n: ohw,
        k: ckk,
        ta: false,
        tb: false,
        a_batched: false,
        b_batched: true,
        out_shape: vec![s.n, s.o, ohw],
    };
    matmul_into(gpu, w, &col, &out, &dims)?;
    match bias {
        Some(b) => call_binary(
            gpu,
            &out,
            &[s.n, s.o, ohw],
            b,
            &[s.o, 1],
            &[s.n, s.o, ohw],
            BinaryOp::Add,
        ),
        None => Ok(out),
    }
}
