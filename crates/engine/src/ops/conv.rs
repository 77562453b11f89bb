//! conv2d (NCHW, OIHW weights; grouped / depthwise, asymmetric zero padding), max / average
//! pooling, global average pooling.

use crate::cpu;
use crate::error::{EngineError, Result};
use crate::gpu::ops::{call_conv2d, call_pool2d};
use crate::tensor::{place, Placed, Tensor};

/// Stride, zero padding and channel groups of a conv2d (dilation 1). The same stride and
/// padding apply to both spatial axes: `pad_begin` zeros above and left of the image,
/// `pad_end` below and right, so an axis of length `h` gives
/// `(h + pad_begin + pad_end - k) / stride + 1` outputs. With `groups = g` the input channels
/// `C` and output channels `O` are split into `g` equal groups, output group `i` sees only
/// input group `i`, and the weight is `[O, C / g, KH, KW]`; `groups == C == O` is a depthwise
/// convolution (weight `[C, 1, KH, KW]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conv2dParams {
    /// Step between output positions.
    pub stride: usize,
    /// Zeros before the first row / column.
    pub pad_begin: usize,
    /// Zeros after the last row / column.
    pub pad_end: usize,
    /// Channel groups (1: an ordinary convolution).
    pub groups: usize,
}

impl Conv2dParams {
    /// An ordinary (`groups = 1`) convolution with `padding` zeros on every side.
    pub const fn new(stride: usize, padding: usize) -> Self {
        Conv2dParams {
            stride,
            pad_begin: padding,
            pad_end: padding,
            groups: 1,
        }
    }

    /// TensorFlow's "same" padding for a square `input_side`-pixel input and a square
    /// `kernel`: `ceil(input_side / stride)` outputs per axis, the total padding
    /// `max((ceil(input_side / stride) - 1) * stride + kernel - input_side, 0)` split as
    /// `total / 2` before and the rest after (as `Conv2dStaticSamePadding` of
    /// EfficientNet-PyTorch). E.g. 224 px, kernel 3, stride 2: 0 before, 1 after.
    /// `groups = 1`; see [`Conv2dParams::with_groups`].
    pub const fn same(input_side: usize, kernel: usize, stride: usize) -> Self {
        // stride 0 is rejected by conv2d; avoid dividing by it here
        let s = if stride == 0 { 1 } else { stride };
        let out = input_side.div_ceil(s);
        let need = out.saturating_sub(1) * s + kernel;
        let total = need.saturating_sub(input_side);
        Conv2dParams {
            stride,
            pad_begin: total / 2,
            pad_end: total - total / 2,
            groups: 1,
        }
    }

    /// The same stride and padding with `groups` channel groups.
    pub const fn with_groups(self, groups: usize) -> Self {
        Conv2dParams { groups, ..self }
    }

    /// Output height and width for an `h x w` input and a `kh x kw` kernel (0 where the
    /// kernel is larger than the padded input; stride 0 counts as 1).
    pub fn output_hw(&self, h: usize, w: usize, kh: usize, kw: usize) -> (usize, usize) {
        let s = self.stride.max(1);
        let side = |len: usize, k: usize| {
            let padded = len + self.pad_begin + self.pad_end;
            if padded < k {
                0
            } else {
                (padded - k) / s + 1
            }
        };
        (side(h, kh), side(w, kw))
    }
}

/// How the GPU computes a conv2d (the CPU always runs its direct reference loop).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConvAlgo {
    /// Picked per call from the shape (see `gpu/ops/conv2d.rs` and the README's measurements).
    #[default]
    Auto,
    /// `im2col.wgsl` then the tiled matmul (`groups = 1` only: grouped and depthwise
    /// convolutions always run the direct kernel).
    Im2col,
    /// `conv2d_direct.wgsl`, one output per thread.
    Direct,
}

/// Which pooling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolKind {
    /// Maximum over the window (padding ignored).
    Max,
    /// Mean over the window, padding counted as zeros (divides by kernel²).
    Avg,
}

/// A square pooling window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pool2dParams {
    /// Max or average.
    pub kind: PoolKind,
    /// Window side.
    pub kernel: usize,
    /// Step between windows.
    pub stride: usize,
    /// Padding on every side.
    pub padding: usize,
}

impl Pool2dParams {
    /// Output height and width for an `h x w` input.
    pub fn output_hw(&self, h: usize, w: usize) -> (usize, usize) {
        let s = self.stride.max(1);
        (
            (h + 2 * self.padding).saturating_sub(self.kernel) / s + 1,
            (w + 2 * self.padding).saturating_sub(self.kernel) / s + 1,
        )
    }
}

impl Tensor {
    /// 2-D convolution of `self [N, C, H, W]` with `weight [O, C / groups, KH, KW]` and an
    /// optional `bias [O]`; returns `[N, O, OH, OW]` (see [`Conv2dParams`]). The GPU algorithm
    /// is chosen by shape. Shape errors: ranks other than 4, `groups` not dividing `C` and
    /// `O`, a weight shape that does not match, a bias other than `[O]`, stride 0, an output
    /// size of 0.
    pub fn conv2d(
        &self,
        weight: &Tensor,
        bias: Option<&Tensor>,
        p: Conv2dParams,
    ) -> Result<Tensor> {
        self.conv2d_with(weight, bias, p, ConvAlgo::Auto)
    }

    /// [`Tensor::conv2d`] with the GPU algorithm forced (for benchmarks and tests).
    pub fn conv2d_with(
        &self,
        weight: &Tensor,
        bias: Option<&Tensor>,
        p: Conv2dParams,
        algo: ConvAlgo,
    ) -> Result<Tensor> {
        let (x, w) = (&self.shape, &weight.shape);
        let bad = |what: &str| EngineError::shape("conv2d", what, &[x, w]);
        if x.len() != 4 || w.len() != 4 {
            return Err(bad("input and weight must be rank 4 (NCHW, OIHW)"));
        }
        let g = p.groups;
        if g == 0 || x[1] % g != 0 || w[0] % g != 0 {
            return Err(bad(&format!(
                "groups = {g} must be > 0 and divide the input channels and the output channels"
            )));
        }
        if w[1] != x[1] / g {
            return Err(bad(&format!(
                "weight must be [O, C / groups, KH, KW] = [O, {}, KH, KW] (groups = {g})",
                x[1] / g
            )));
        }
        if p.stride == 0 {
            return Err(bad("stride 0"));
        }
        if w[2] == 0 || w[3] == 0 {
            return Err(bad("empty kernel"));
        }
        let (oh, ow) = p.output_hw(x[2], x[3], w[2], w[3]);
        if oh == 0 || ow == 0 {
            return Err(bad(&format!(
                "kernel larger than the padded input (padding {} before, {} after): output size 0",
                p.pad_begin, p.pad_end
            )));
        }
        if let Some(b) = bias {
            if b.shape != [w[0]] {
                return Err(EngineError::shape(
                    "conv2d",
                    "bias must be [O]",
                    &[w, &b.shape],
                ));
            }
        }
        let out_shape = vec![x[0], w[0], oh, ow];
        let mut ops = vec![self, weight];
        ops.extend(bias);
        match place("conv2d", &ops)? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::conv2d(v[0], v[1], v.get(2).copied(), &p)?)),
            Placed::Gpu(gpu, v) => {
                let out = call_conv2d(&gpu, v[0], x, v[1], w, v.get(2).copied(), &p, algo)?;
                Ok(Tensor::gpu(out, out_shape))
            }
        }
    }

    /// 2-D pooling of `[N, C, H, W]`.
    pub fn pool2d(&self, p: Pool2dParams) -> Result<Tensor> {
        let x = &self.shape;
        if x.len() != 4 || p.kernel == 0 || p.stride == 0 {
            return Err(EngineError::shape(
                "pool2d",
                "needs NCHW input, kernel and stride > 0",
                &[x],
            ));
        }
        if x[2] + 2 * p.padding < p.kernel
            || x[3] + 2 * p.padding < p.kernel
            || p.padding >= p.kernel
        {
            return Err(EngineError::shape(
                "pool2d",
                "window larger than the input, or padding >= kernel",
                &[x],
            ));
        }
        let (oh, ow) = p.output_hw(x[2], x[3]);
        match place("pool2d", &[self])? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::pool2d(v[0], &p)?)),
            Placed::Gpu(gpu, v) => {
                let out = call_pool2d(&gpu, v[0], x, &p)?;
                Ok(Tensor::gpu(out, vec![x[0], x[1], oh, ow]))
            }
        }
    }

    /// Max pooling with a square window.
    pub fn max_pool2d(&self, kernel: usize, stride: usize, padding: usize) -> Result<Tensor> {
        self.pool2d(Pool2dParams {
            kind: PoolKind::Max,
            kernel,
            stride,
            padding,
        })
    }

    /// Average pooling with a square window (padding counted as zeros).
    pub fn avg_pool2d(&self, kernel: usize, stride: usize, padding: usize) -> Result<Tensor> {
        self.pool2d(Pool2dParams {
            kind: PoolKind::Avg,
            kernel,
            stride,
            padding,
        })
    }

    /// Mean over the spatial axes of `[N, C, H, W]`, giving `[N, C]`.
    pub fn global_avg_pool(&self) -> Result<Tensor> {
        let x = &self.shape;
        if x.len() != 4 {
            return Err(EngineError::shape(
                "global_avg_pool",
                "needs NCHW input",
                &[x],
            ));
        }
        self.reshape(&[x[0], x[1], x[2] * x[3]])?.mean(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::Device;

    fn zeros(shape: &[usize]) -> Tensor {
        Tensor::from_vec(vec![0.0; shape.iter().product()], shape, &Device::Cpu).unwrap()
    }

    /// The shape error's detail, or a panic naming the case that passed.
    fn conv_error(x: &[usize], w: &[usize], p: Conv2dParams) -> String {
        match zeros(x).conv2d(&zeros(w), None, p) {
            Err(EngineError::Shape { op, detail, .. }) => {
                assert_eq!(op, "conv2d");
                detail
            }
            other => panic!("{x:?} * {w:?} {p:?}: want a shape error, got {other:?}"),
        }
    }

    #[test]
    fn grouped_shapes_and_errors() {
        let dw = Conv2dParams::same(8, 3, 2).with_groups(4);
        let y = zeros(&[2, 4, 8, 8]).conv2d(&zeros(&[4, 1, 3, 3]), None, dw);
        assert_eq!(y.unwrap().shape(), &[2, 4, 4, 4]);
        let g2 = Conv2dParams::new(1, 0).with_groups(2);
        let y = zeros(&[1, 4, 5, 5]).conv2d(&zeros(&[6, 2, 1, 1]), None, g2);
        assert_eq!(y.unwrap().shape(), &[1, 6, 5, 5]);

        assert!(conv_error(&[1, 6, 5, 5], &[6, 1, 3, 3], g2.with_groups(4)).contains("divide"));
        assert!(conv_error(&[1, 4, 5, 5], &[3, 2, 3, 3], g2).contains("divide"));
        assert!(conv_error(&[1, 4, 5, 5], &[4, 1, 3, 3], g2.with_groups(0)).contains("divide"));
        assert!(conv_error(&[1, 4, 5, 5], &[4, 4, 3, 3], g2).contains("C / groups"));
        assert!(conv_error(&[1, 4, 5, 5], &[4, 1, 3, 3], g2).contains("C / groups"));
        assert!(
            conv_error(&[1, 4, 5, 5], &[4, 4, 3, 3], Conv2dParams::new(0, 1)).contains("stride")
        );
        let tight = Conv2dParams {
            stride: 1,
            pad_begin: 0,
            pad_end: 1,
            groups: 1,
        };
        assert!(conv_error(&[1, 1, 4, 4], &[1, 1, 6, 6], tight).contains("output size 0"));
        assert!(conv_error(&[1, 1, 4], &[1, 1, 3, 3], tight).contains("rank 4"));
        // one zero short of fitting, then just fitting
        assert!(conv_error(&[1, 1, 4, 4], &[1, 1, 6, 5], tight).contains("output size 0"));
        let fits = Conv2dParams {
            pad_end: 2,
            ..tight
        };
        let y = zeros(&[1, 1, 4, 4]).conv2d(&zeros(&[1, 1, 6, 5]), None, fits);
        assert_eq!(y.unwrap().shape(), &[1, 1, 1, 2]);
    }
}
