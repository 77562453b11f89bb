//! Concat and slice: range copies along one axis of `[outer, axis, inner]` views.

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::Kernel;
use super::super::launch::{Bind, Launch, Params};
use crate::error::Result;

/// Where one copy reads and writes along the axis.
struct Copy {
    outer: usize,
    len: usize,
    inner: usize,
    src_axis: usize,
    src_start: usize,
    dst_axis: usize,
    dst_start: usize,
}

fn copy(gpu: &Gpu, op: &'static str, src: &GpuBuffer, dst: &GpuBuffer, c: &Copy) -> Result<()> {
    let n = c.outer * c.len * c.inner;
    let params = Params::default().u(&[
        n,
        c.len,
        c.inner,
        c.src_axis,
        c.src_start,
        c.dst_axis,
        c.dst_start,
    ]);
    let binds = Bind::all_whole(&[src, dst]);
    Launch::new(op, Kernel::AxisCopy).over(gpu, params, &binds, n)
}

/// The parts joined along `axis` into a new `out_shape` buffer.
pub(crate) fn call_concat(
    gpu: &Gpu,
    parts: &[&GpuBuffer],
    shapes: &[&[usize]],
    axis: usize,
    out_shape: &[usize],
) -> Result<GpuBuffer> {
    let out = GpuBuffer::alloc(gpu, out_shape.iter().product(), "concat")?;
    let outer = out_shape[..axis].iter().product();
    let inner = out_shape[axis + 1..].iter().product();
    let mut at = 0;
    for (part, shape) in parts.iter().zip(shapes) {
        let len = shape[axis];
        let c = Copy {
            outer,
            len,
            inner,
            src_axis: len,
            src_start: 0,
            dst_axis: out_shape[axis],
            dst_start: at,
        };
        copy(gpu, "concat", part, &out, &c)?;
        at += len;
    }
    Ok(out)
}

/// Entries `start..end` along `axis` of `x` into a new buffer.
pub(crate) fn call_slice(
    gpu: &Gpu,
    x: &GpuBuffer,
    shape: &[usize],
    axis: usize,
    start: usize,
    end: usize,
) -> Result<GpuBuffer> {
    let outer: usize = shape[..axis].iter().product();
    let inner: usize = shape[axis + 1..].iter().product();
    let len = end - start;
    let out = GpuBuffer::alloc(gpu, outer * len * inner, "slice")?;
    let c = Copy {
        outer,
        len,
        inner,
        src_axis: shape[axis],
        src_start: start,
        dst_axis: len,
        dst_start: 0,
    };
    copy(gpu, "slice", x, &out, &c)?;
    Ok(out)
}
