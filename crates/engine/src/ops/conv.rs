//! conv2d (NCHW, OIHW weights), max / average pooling, global average pooling.

use crate::cpu;
use crate::error::{EngineError, Result};
use crate::gpu::ops::{call_conv2d, call_pool2d};
use crate::tensor::{place, Placed, Tensor};

/// Stride and zero padding of a conv2d (same in both spatial axes; dilation 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conv2dParams {
    /// Step between output positions.
    pub stride: usize,
    /// Zeros added on every side.
    pub padding: usize,
}

impl Conv2dParams {
    /// Output height and width for an `h x w` input and a `kh x kw` kernel.
    pub fn output_hw(&self, h: usize, w: usize, kh: usize, kw: usize) -> (usize, usize) {
        let s = self.stride.max(1);
        (
            (h + 2 * self.padding).saturating_sub(kh) / s + 1,
            (w + 2 * self.padding).saturating_sub(kw) / s + 1,
        )
    }
}

/// How the GPU computes a conv2d (the CPU always runs its direct reference loop).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConvAlgo {
    /// Picked per call from the shape (see `gpu/ops/conv2d.rs` and the README's measurements).
    #[default]
    Auto,
    /// `im2col.wgsl` then the tiled matmul.
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
    /// 2-D convolution of `self [N, C, H, W]` with `weight [O, C, KH, KW]` and an optional
    /// `bias [O]`; returns `[N, O, OH, OW]`. The GPU algorithm is chosen by shape.
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
        if x[1] != w[1] {
            return Err(bad("input channels differ"));
        }
        if p.stride == 0 || x[2] + 2 * p.padding < w[2] || x[3] + 2 * p.padding < w[3] {
            return Err(bad("kernel larger than the padded input, or stride 0"));
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
        let (oh, ow) = p.output_hw(x[2], x[3], w[2], w[3]);
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
