//! A 2-d convolution implemented as im2col + matmul, forward and backward.
//!
//! Two reasons not to use candle's `conv2d` here: on CPU, candle 0.9.2's conv2d returns
//! wrong values for some shapes (e.g. 16 → 32 channels at 16 × 16: errors of ~70 against
//! a direct loop; `examples/conv_check.rs` shows it), and its backward pass runs through
//! a `conv_transpose2d` ≈ 6× slower than a forward convolution. Here the patches are
//! gathered by plain loops (im2col), products are candle matmuls (gemm), and the input
//! gradient is scattered back (col2im). NCHW input, OIHW kernel, as in PyTorch.

use candle_core::{CpuStorage, CustomOp2, Device, Layout, Result, Shape, Tensor};
use candle_nn::VarBuilder;
use rayon::prelude::*;

/// Convolution parameters (square kernel, symmetric padding).
#[derive(Debug, Clone, Copy)]
struct ConvOp {
    padding: usize,
    stride: usize,
}

/// Sizes of one convolution.
#[derive(Debug, Clone, Copy)]
struct Geometry {
    b: usize,
    c: usize,
    h: usize,
    w: usize,
    o: usize,
    k: usize,
    oh: usize,
    ow: usize,
}

impl ConvOp {
    fn geometry(&self, x: &[usize], wt: &[usize]) -> Result<Geometry> {
        if x.len() != 4 || wt.len() != 4 || x[1] != wt[1] {
            candle_core::bail!("conv shapes {x:?} and {wt:?} do not fit");
        }
        let k = wt[2];
        let oh = (x[2] + 2 * self.padding - k) / self.stride + 1;
        let ow = (x[3] + 2 * self.padding - k) / self.stride + 1;
        Ok(Geometry {
            b: x[0],
            c: x[1],
            h: x[2],
            w: x[3],
            o: wt[0],
            k,
            oh,
            ow,
        })
    }

    /// Calls `visit(row, out, input)` for every kernel tap of one image that lands inside it:
    /// patch row (ci·k + ky)·k + kx (the OIHW kernel order), output position oy·ow + ox, and
    /// input index within the image (ci·h + iy)·w + ix. Taps on the padding are skipped.
    fn taps(&self, g: Geometry, mut visit: impl FnMut(usize, usize, usize)) {
        for ci in 0..g.c {
            for ky in 0..g.k {
                for kx in 0..g.k {
                    let row = (ci * g.k + ky) * g.k + kx;
                    for oy in 0..g.oh {
                        let iy = (oy * self.stride + ky) as isize - self.padding as isize;
                        if iy < 0 || iy >= g.h as isize {
                            continue;
                        }
                        for ox in 0..g.ow {
                            let ix = (ox * self.stride + kx) as isize - self.padding as isize;
                            if ix >= 0 && ix < g.w as isize {
                                let input = (ci * g.h + iy as usize) * g.w + ix as usize;
                                visit(row, oy * g.ow + ox, input);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Patches `[b, c·k·k, oh·ow]`; row (ci·k + ky)·k + kx matches the OIHW kernel order.
    fn im2col(&self, x: &[f32], g: Geometry) -> Vec<f32> {
        let (ckk, hw, chw) = (g.c * g.k * g.k, g.oh * g.ow, g.c * g.h * g.w);
        let mut cols = vec![0f32; g.b * ckk * hw];
        cols.par_chunks_mut(ckk * hw)
            .enumerate()
            .for_each(|(n, image_cols)| {
                let image = &x[n * chw..][..chw];
                self.taps(g, |row, out, input| {
                    image_cols[row * hw + out] = image[input]
                });
            });
        cols
    }

    /// The adjoint of [`ConvOp::im2col`]: sums patch gradients back into the input.
    fn col2im(&self, cols: &[f32], g: Geometry) -> Vec<f32> {
        let (ckk, hw, chw) = (g.c * g.k * g.k, g.oh * g.ow, g.c * g.h * g.w);
        let mut x = vec![0f32; g.b * chw];
        x.par_chunks_mut(chw).enumerate().for_each(|(n, image)| {
            let image_cols = &cols[n * ckk * hw..][..ckk * hw];
            self.taps(g, |row, out, input| {
                image[input] += image_cols[row * hw + out]
            });
        });
        x
    }
}

fn contiguous<'a>(s: &'a CpuStorage, l: &Layout) -> Result<&'a [f32]> {
    let data = s.as_slice::<f32>()?;
    match l.contiguous_offsets() {
        Some((a, b)) => Ok(&data[a..b]),
        None => candle_core::bail!("conv operands must be contiguous"),
    }
}

fn values(t: &Tensor) -> Result<Vec<f32>> {
    t.contiguous()?.flatten_all()?.to_vec1::<f32>()
}

impl CustomOp2 for ConvOp {
    fn name(&self) -> &'static str {
        "conv2d-im2col"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let g = self.geometry(l1.dims(), l2.dims())?;
        let cols = self.im2col(contiguous(s1, l1)?, g);
        let ckk = g.c * g.k * g.k;
        let cols = Tensor::from_vec(cols, (g.b, ckk, g.oh * g.ow), &Device::Cpu)?;
        let wmat = Tensor::from_slice(contiguous(s2, l2)?, (g.o, ckk), &Device::Cpu)?;
        let y = wmat.broadcast_matmul(&cols)?;
        Ok((
            CpuStorage::F32(values(&y)?),
            Shape::from((g.b, g.o, g.oh, g.ow)),
        ))
    }

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let g = self.geometry(x.dims(), w.dims())?;
        let ckk = g.c * g.k * g.k;
        let dev = x.device();
        let cols = Tensor::from_vec(self.im2col(&values(x)?, g), (g.b, ckk, g.oh * g.ow), dev)?;
        let gy = grad.contiguous()?.reshape((g.b, g.o, g.oh * g.ow))?;
        let grad_w = gy
            .matmul(&cols.transpose(1, 2)?)?
            .sum(0)?
            .reshape((g.o, g.c, g.k, g.k))?;
        let wmat_t = w.reshape((g.o, ckk))?.t()?.contiguous()?;
        let grad_cols = wmat_t.broadcast_matmul(&gy)?;
        let grad_x = self.col2im(&values(&grad_cols)?, g);
        Ok((
            Some(Tensor::from_vec(grad_x, (g.b, g.c, g.h, g.w), dev)?),
            Some(grad_w),
        ))
    }
}

/// A k × k convolution ("same" padding k / 2, stride 1 or 2) with an optional bias.
pub struct Conv {
    /// Kernel `[out, in, k, k]`.
    pub weight: Tensor,
    /// Bias `[out]`, if any.
    pub bias: Option<Tensor>,
    op: ConvOp,
}

impl Conv {
    /// Creates `weight` (and `bias` when asked) under `vb`.
    pub fn new(
        cin: usize,
        cout: usize,
        k: usize,
        stride: usize,
        bias: bool,
        vb: VarBuilder,
    ) -> Result<Self> {
        let weight = vb.get_with_hints(
            (cout, cin, k, k),
            "weight",
            candle_nn::init::DEFAULT_KAIMING_NORMAL,
        )?;
        let bias = if bias {
            Some(vb.get_with_hints(cout, "bias", candle_nn::Init::Const(0.0))?)
        } else {
            None
        };
        Ok(Self {
            weight,
            bias,
            op: ConvOp {
                padding: k / 2,
                stride,
            },
        })
    }

    /// `[b, in, h, w]` → `[b, out, h / stride, w / stride]`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let y = x.contiguous()?.apply_op2(&self.weight, self.op)?;
        match &self.bias {
            Some(b) => y.broadcast_add(&b.reshape((1, (), 1, 1))?),
            None => Ok(y),
        }
    }
}

/// Global average pooling `[b, c, h, w]` → `[b, c]`.
pub fn global_avg_pool(x: &Tensor) -> Result<Tensor> {
    x.mean(3)?.mean(2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_nn::VarMap;

    /// A differentiable reference convolution from candle ops that do not involve
    /// candle's conv2d: pad, shifted slices, strided index_select, stack, matmul.
    fn direct_conv(x: &Tensor, w: &Tensor, pad: usize, stride: usize) -> Tensor {
        let (b, c, h, wd) = x.dims4().unwrap();
        let (o, _, k, _) = w.dims4().unwrap();
        let (oh, ow) = (
            (h + 2 * pad - k) / stride + 1,
            (wd + 2 * pad - k) / stride + 1,
        );
        let xp = x
            .pad_with_zeros(2, pad, pad)
            .unwrap()
            .pad_with_zeros(3, pad, pad)
            .unwrap();
        let rows = Tensor::from_vec(
            (0..oh as u32)
                .map(|i| i * stride as u32)
                .collect::<Vec<_>>(),
            oh,
            &Device::Cpu,
        )
        .unwrap();
        let cols = Tensor::from_vec(
            (0..ow as u32)
                .map(|i| i * stride as u32)
                .collect::<Vec<_>>(),
            ow,
            &Device::Cpu,
        )
        .unwrap();
        let mut patches = Vec::new();
        for ky in 0..k {
            for kx in 0..k {
                let s = xp
                    .narrow(2, ky, h + 2 * pad - k + 1)
                    .unwrap()
                    .narrow(3, kx, wd + 2 * pad - k + 1)
                    .unwrap();
                patches.push(
                    s.contiguous()
                        .unwrap()
                        .index_select(&rows, 2)
                        .unwrap()
                        .contiguous()
                        .unwrap()
                        .index_select(&cols, 3)
                        .unwrap(),
                );
            }
        }
        let patches = Tensor::stack(&patches, 2)
            .unwrap()
            .reshape((b, c * k * k, oh * ow))
            .unwrap();
        w.reshape((o, c * k * k))
            .unwrap()
            .broadcast_matmul(&patches)
            .unwrap()
            .reshape((b, o, oh, ow))
            .unwrap()
    }

    /// Our forward and both gradients equal an independent differentiable reference.
    fn check(k: usize, stride: usize, size: usize) {
        let vm = VarMap::new();
        let vb = VarBuilder::from_varmap(&vm, candle_core::DType::F32, &Device::Cpu);
        let (cin, cout) = if size == 16 { (16, 32) } else { (3, 4) };
        let conv = Conv::new(cin, cout, k, stride, false, vb.pp("c")).unwrap();
        crate::init::seeded_init(&vm, 3, Some(0.3)).unwrap();
        let x = candle_core::Var::from_tensor(
            &Tensor::randn(0f32, 1.0, (2, cin, size, size), &Device::Cpu).unwrap(),
        )
        .unwrap();
        let wt = candle_core::Var::from_tensor(&conv.weight).unwrap();
        let ours = conv.forward(x.as_tensor()).unwrap();
        let reference = direct_conv(x.as_tensor(), wt.as_tensor(), k / 2, stride);
        let max_diff = |a: &Tensor, b: &Tensor| crate::parity::max_abs_diff(a, b).unwrap();
        assert!(max_diff(&ours, &reference) < 1e-5);
        let probe = Tensor::randn(0f32, 1.0, ours.shape(), &Device::Cpu).unwrap();
        let g1 = (ours * &probe)
            .unwrap()
            .sum_all()
            .unwrap()
            .backward()
            .unwrap();
        let g2 = (reference * &probe)
            .unwrap()
            .sum_all()
            .unwrap()
            .backward()
            .unwrap();
        for t in [x.as_tensor(), wt.as_tensor()] {
            let d = max_diff(g1.get(t).unwrap(), g2.get(t).unwrap());
            assert!(
                d < 1e-4,
                "k {k} stride {stride} size {size}: gradient differs by {d}"
            );
        }
    }

    #[test]
    fn values_and_gradients_match_a_reference_without_candle_conv() {
        for (k, s, n) in [
            (3, 1, 8),
            (3, 2, 8),
            (1, 1, 6),
            (1, 2, 6),
            (3, 2, 7),
            (3, 1, 5),
        ] {
            check(k, s, n);
        }
    }
}
