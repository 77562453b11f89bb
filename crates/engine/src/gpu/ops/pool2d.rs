//! Max / average pooling: one output element per thread.

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::{Kernel, Specialization};
use super::super::launch::{Bind, Launch, Params};
use crate::error::Result;
use crate::ops::{Pool2dParams, PoolKind};

/// Pooling of `x [N, C, H, W]`.
pub(crate) fn call_pool2d(
    gpu: &Gpu,
    x: &GpuBuffer,
    xs: &[usize],
    p: &Pool2dParams,
) -> Result<GpuBuffer> {
    let (planes, h, w) = (xs[0] * xs[1], xs[2], xs[3]);
    let (oh, ow) = p.output_hw(h, w);
    let n = planes * oh * ow;
    let y = GpuBuffer::alloc(gpu, n, "pool2d")?;
    let op = match p.kind {
        PoolKind::Max => 0,
        PoolKind::Avg => 1,
    };
    let params = Params::default().u(&[n, h, w, oh, ow, p.kernel, p.stride, p.padding]);
    let binds = Bind::all_whole(&[x, &y]);
    Launch::new("pool2d", Kernel::Pool2d)
        .variant(Specialization::Op(op))
        .over(gpu, params, &binds, n)?;
    Ok(y)
}
