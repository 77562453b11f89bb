//! 2-D convolution (NCHW input, OIHW weight, channel groups, asymmetric zero padding). The CPU
//! device runs im2col + ndarray's matmul per image and group (`conv2d`, fast enough for the
//! fallback path); `conv2d_direct` is the plain loop nest it is checked against, by hand and
//! on random shapes.

use ndarray::{s, Array2, ArrayD, Axis};

use super::array;
use crate::error::{EngineError, Result};
use crate::ops::Conv2dParams;

/// The sizes of one convolution: `x [n, c, h, wd]`, `w [o, c / groups, kh, kw]`, `cg` and `og`
/// input and output channels per group, output `[n, o, oh, ow]`.
struct Geometry {
    n: usize,
    c: usize,
    h: usize,
    wd: usize,
    o: usize,
    kh: usize,
    kw: usize,
    groups: usize,
    cg: usize,
    og: usize,
    oh: usize,
    ow: usize,
}

impl Geometry {
    /// Read from the operands' shapes and `p`.
    fn of(x: &ArrayD<f32>, w: &ArrayD<f32>, p: &Conv2dParams) -> Self {
        let (n, c, h, wd) = (x.shape()[0], x.shape()[1], x.shape()[2], x.shape()[3]);
        let (o, kh, kw) = (w.shape()[0], w.shape()[2], w.shape()[3]);
        let groups = p.groups.max(1);
        let (oh, ow) = p.output_hw(h, wd, kh, kw);
        Geometry {
            n,
            c,
            h,
            wd,
            o,
            kh,
            kw,
            groups,
            cg: c / groups,
            og: o / groups,
            oh,
            ow,
        }
    }
}

/// The convolution as `W_g [O/G, C/G*KH*KW] · col[n, g] [C/G*KH*KW, OH*OW]` per image `n` and
/// group `g`, plus the bias. With one group this is exactly the single-matmul im2col.
pub(crate) fn conv2d(
    x: &ArrayD<f32>,
    w: &ArrayD<f32>,
    bias: Option<&ArrayD<f32>>,
    p: &Conv2dParams,
) -> Result<ArrayD<f32>> {
    let geo = Geometry::of(x, w, p);
    let ckk = geo.cg * geo.kh * geo.kw;
    let w2 = w
        .view()
        .into_shape_with_order((geo.o, ckk))
        .map_err(|e| EngineError::shape("conv2d", e.to_string(), &[w.shape()]))?;
    let xs = x.as_slice().unwrap_or(&[]);
    let pad = p.pad_begin as isize;
    let mut out = Vec::with_capacity(geo.n * geo.o * geo.oh * geo.ow);
    let mut col = Array2::<f32>::zeros((ckk, geo.oh * geo.ow));
    for ni in 0..geo.n {
        for gi in 0..geo.groups {
            for ((r, s), v) in col.indexed_iter_mut() {
                let (ci, ki, kj) = (
                    gi * geo.cg + r / (geo.kh * geo.kw),
                    (r / geo.kw) % geo.kh,
                    r % geo.kw,
                );
                let iy = ((s / geo.ow) * p.stride + ki) as isize - pad;
                let ix = ((s % geo.ow) * p.stride + kj) as isize - pad;
                *v = if iy < 0 || ix < 0 || iy >= geo.h as isize || ix >= geo.wd as isize {
                    0.0
                } else {
                    xs[((ni * geo.c + ci) * geo.h + iy as usize) * geo.wd + ix as usize]
                };
            }
            let mut y = w2.slice(s![gi * geo.og..(gi + 1) * geo.og, ..]).dot(&col);
            if let Some(b) = bias {
                for (oi, mut row) in y.axis_iter_mut(Axis(0)).enumerate() {
                    row += b[[gi * geo.og + oi]];
                }
            }
            out.extend(y.iter());
        }
    }
    array("conv2d", &[geo.n, geo.o, geo.oh, geo.ow], out)
}

/// `y[n, o, oy, ox] = bias[o] + sum_{c, ki, kj} w[o, c, ki, kj] * x[n, g*C/G + c, oy*s + ki - pb,
/// ox*s + kj - pb]` with `g = o / (O/G)`, `c < C/G` and `pb = pad_begin` (zero outside the image).
#[cfg(test)]
pub(crate) fn conv2d_direct(
    x: &ArrayD<f32>,
    w: &ArrayD<f32>,
    bias: Option<&ArrayD<f32>>,
    p: &Conv2dParams,
) -> Result<ArrayD<f32>> {
    let geo = Geometry::of(x, w, p);
    let xs = x.as_slice().unwrap_or(&[]);
    let ws = w.as_slice().unwrap_or(&[]);
    let pad = p.pad_begin as isize;
    let mut out = vec![0f32; geo.n * geo.o * geo.oh * geo.ow];
    for ni in 0..geo.n {
        for oi in 0..geo.o {
            let b = bias.map_or(0.0, |b| b[[oi]]);
            let first = (oi / geo.og) * geo.cg;
            for oy in 0..geo.oh {
                for ox in 0..geo.ow {
                    let mut acc = 0f64;
                    for ci in 0..geo.cg {
                        for ki in 0..geo.kh {
                            let iy = (oy * p.stride + ki) as isize - pad;
                            if iy < 0 || iy >= geo.h as isize {
                                continue;
                            }
                            for kj in 0..geo.kw {
                                let ix = (ox * p.stride + kj) as isize - pad;
                                if ix < 0 || ix >= geo.wd as isize {
                                    continue;
                                }
                                let xi = ((ni * geo.c + first + ci) * geo.h + iy as usize) * geo.wd;
                                let xv = xs[xi + ix as usize];
                                let wv = ws[((oi * geo.cg + ci) * geo.kh + ki) * geo.kw + kj];
                                acc += xv as f64 * wv as f64;
                            }
                        }
                    }
                    out[((ni * geo.o + oi) * geo.oh + oy) * geo.ow + ox] = acc as f32 + b;
                }
            }
        }
    }
    array("conv2d", &[geo.n, geo.o, geo.oh, geo.ow], out)
}

#[cfg(test)]
mod tests {
    use ndarray::concatenate;

    use super::super::{arr, assert_close};
    use super::*;

    fn values(seed: &mut u32, n: usize) -> Vec<f32> {
        (0..n)
            .map(|_| {
                *seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (*seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            })
            .collect()
    }

    #[test]
    fn im2col_matches_the_loop_nest() {
        let mut seed = 7u32;
        for (xs, ws, stride, padding) in [
            ([2, 3, 7, 6], [4, 3, 3, 2], 1, 1),
            ([1, 2, 9, 9], [3, 2, 5, 5], 2, 2),
        ] {
            let x = arr(&xs, &values(&mut seed, xs.iter().product()));
            let w = arr(&ws, &values(&mut seed, ws.iter().product()));
            let b = arr(&[ws[0]], &values(&mut seed, ws[0]));
            let p = Conv2dParams::new(stride, padding);
            let fast = conv2d(&x, &w, Some(&b), &p).unwrap();
            let slow = conv2d_direct(&x, &w, Some(&b), &p).unwrap();
            assert_close(&fast, slow.as_slice().unwrap(), 1e-5);
        }
    }

    /// Groups 1, 2 and depthwise; pad_begin != pad_end; strides 1, 2; kernels 1, 3, 5.
    #[test]
    fn grouped_and_asymmetric_match_the_loop_nest() {
        let mut seed = 11u32;
        let p = |stride, pad_begin, pad_end, groups| Conv2dParams {
            stride,
            pad_begin,
            pad_end,
            groups,
        };
        // (x shape, out channels, kernel, (stride, pad_begin, pad_end, groups))
        let cases: [([usize; 4], usize, usize, Conv2dParams); 10] = [
            ([2, 4, 7, 7], 6, 3, p(1, 0, 1, 1)),
            ([1, 3, 8, 8], 5, 5, p(2, 1, 2, 1)),
            ([2, 4, 9, 9], 6, 3, p(2, 1, 0, 2)),
            ([1, 6, 6, 6], 4, 1, p(1, 0, 0, 2)),
            ([2, 6, 10, 10], 6, 3, p(2, 0, 1, 3)),
            ([2, 5, 7, 7], 5, 3, p(1, 1, 1, 5)),
            ([1, 4, 11, 11], 4, 5, p(2, 1, 2, 4)),
            ([2, 3, 8, 8], 3, 5, p(1, 2, 2, 3)),
            ([1, 3, 9, 9], 3, 3, p(2, 0, 1, 3)),
            ([1, 2, 5, 5], 2, 1, p(2, 0, 0, 2)),
        ];
        for (xs, o, k, p) in cases {
            let groups = p.groups;
            let ws = [o, xs[1] / groups, k, k];
            let x = arr(&xs, &values(&mut seed, xs.iter().product()));
            let w = arr(&ws, &values(&mut seed, ws.iter().product()));
            let b = arr(&[o], &values(&mut seed, o));
            let slow = conv2d_direct(&x, &w, Some(&b), &p).unwrap();
            let (oh, ow) = p.output_hw(xs[2], xs[3], k, k);
            assert_eq!(slow.shape(), &[xs[0], o, oh, ow], "{p:?}");
            let fast = conv2d(&x, &w, Some(&b), &p).unwrap();
            assert_close(&fast, slow.as_slice().unwrap(), 1e-5);
            // the loop nest's grouping against separate one-group convolutions, concatenated
            let (cg, og) = (xs[1] / groups, o / groups);
            let one = Conv2dParams { groups: 1, ..p };
            let parts: Vec<ArrayD<f32>> = (0..groups)
                .map(|g| {
                    let xg = x.slice(s![.., g * cg..(g + 1) * cg, .., ..]).to_owned();
                    let wg = w.slice(s![g * og..(g + 1) * og, .., .., ..]).to_owned();
                    let bg = b.slice(s![g * og..(g + 1) * og]).to_owned();
                    let (xg, wg, bg) = (xg.into_dyn(), wg.into_dyn(), bg.into_dyn());
                    conv2d_direct(&xg, &wg, Some(&bg), &one).unwrap()
                })
                .collect();
            let views: Vec<_> = parts.iter().map(|a| a.view()).collect();
            let joined = concatenate(Axis(1), &views).unwrap();
            let joined = joined.as_standard_layout();
            assert_close(&slow, joined.as_slice().unwrap(), 0.0);
        }
    }

    #[test]
    fn two_by_two_kernel_by_hand() {
        // x = [1 2 3; 4 5 6; 7 8 9], w = [1 0; 0 -1] (x[i,j] - x[i+1,j+1]) = -4 everywhere, + bias 1
        let x = arr(&[1, 1, 3, 3], &[1., 2., 3., 4., 5., 6., 7., 8., 9.]);
        let w = arr(&[1, 1, 2, 2], &[1., 0., 0., -1.]);
        let b = arr(&[1], &[1.]);
        let p = Conv2dParams::new(1, 0);
        for y in [
            conv2d(&x, &w, Some(&b), &p).unwrap(),
            conv2d_direct(&x, &w, Some(&b), &p).unwrap(),
        ] {
            assert_eq!(y.shape(), &[1, 1, 2, 2]);
            assert_close(&y, &[-3., -3., -3., -3.], 0.0);
        }
        // padding 1, stride 2: outputs at (0,0),(0,2),(2,0),(2,2) of the padded grid
        // (0,0): w[0,0]*pad + w[1,1]*x[0,0] = -1; (0,1): -x[0,2] = -3; (1,0): -x[2,0] = -7;
        // (1,1): x[1,1] - x[2,2] = 5 - 9 = -4
        let p = Conv2dParams::new(2, 1);
        assert_close(
            &conv2d(&x, &w, None, &p).unwrap(),
            &[-1., -3., -7., -4.],
            0.0,
        );
        assert_close(
            &conv2d_direct(&x, &w, None, &p).unwrap(),
            &[-1., -3., -7., -4.],
            0.0,
        );
    }

    #[test]
    fn asymmetric_padding_by_hand() {
        // x = [1 2 3; 4 5 6; 7 8 9], w = [1 2; 3 4], stride 2, 0 zeros before, 1 after: the
        // padded grid is [1 2 3 0; 4 5 6 0; 7 8 9 0; 0 0 0 0], windows at rows/cols 0 and 2.
        // (0,0): 1+4+12+20 = 37; (0,1): 1*3 + 3*6 = 21; (1,0): 1*7 + 2*8 = 23; (1,1): 1*9 = 9
        let x = arr(&[1, 1, 3, 3], &[1., 2., 3., 4., 5., 6., 7., 8., 9.]);
        let w = arr(&[1, 1, 2, 2], &[1., 2., 3., 4.]);
        let p = Conv2dParams {
            stride: 2,
            pad_begin: 0,
            pad_end: 1,
            groups: 1,
        };
        for y in [
            conv2d(&x, &w, None, &p).unwrap(),
            conv2d_direct(&x, &w, None, &p).unwrap(),
        ] {
            assert_eq!(y.shape(), &[1, 1, 2, 2]);
            assert_close(&y, &[37., 21., 23., 9.], 0.0);
        }
        // 1 before, 0 after: windows at padded rows/cols 0 and 2 of [0 0 0 0; 0 1 2 3; 0 4 5 6;
        // 0 7 8 9] minus its last row/col: (0,0): 4*1 = 4; (0,1): 3*2 + 4*3 = 18;
        // (1,0): 2*4 + 4*7 = 36; (1,1): 5 + 2*6 + 3*8 + 4*9 = 77
        let p = Conv2dParams {
            pad_begin: 1,
            pad_end: 0,
            ..p
        };
        for y in [
            conv2d(&x, &w, None, &p).unwrap(),
            conv2d_direct(&x, &w, None, &p).unwrap(),
        ] {
            assert_eq!(y.shape(), &[1, 1, 2, 2]);
            assert_close(&y, &[4., 18., 36., 77.], 0.0);
        }
    }

    #[test]
    fn depthwise_by_hand() {
        // channel 0: [1 2; 3 4] with w = [1 1; 1 1], bias 0.5; channel 1: [5 6; 7 8] with
        // w = [1 0; 0 -1], bias -1; stride 1, 0 zeros before, 1 after (padded 3x3 grids).
        // ch0 window sums: 10, 2+4 = 6, 3+4 = 7, 4 -> +0.5
        // ch1 top-left minus bottom-right: 5-8 = -3, 6-0 = 6, 7-0 = 7, 8-0 = 8 -> -1
        let x = arr(&[1, 2, 2, 2], &[1., 2., 3., 4., 5., 6., 7., 8.]);
        let w = arr(&[2, 1, 2, 2], &[1., 1., 1., 1., 1., 0., 0., -1.]);
        let b = arr(&[2], &[0.5, -1.]);
        let p = Conv2dParams {
            stride: 1,
            pad_begin: 0,
            pad_end: 1,
            groups: 2,
        };
        for y in [
            conv2d(&x, &w, Some(&b), &p).unwrap(),
            conv2d_direct(&x, &w, Some(&b), &p).unwrap(),
        ] {
            assert_eq!(y.shape(), &[1, 2, 2, 2]);
            assert_close(&y, &[10.5, 6.5, 7.5, 4.5, -4., 5., 6., 7.], 0.0);
        }
    }

    #[test]
    fn tf_same_padding() {
        // (input side, kernel, stride) -> (before, after), and ceil(side / stride) outputs
        for (side, k, s, before, after) in [
            (224, 3, 2, 0, 1),
            (112, 3, 1, 1, 1),
            (56, 5, 2, 1, 2),
            (28, 3, 2, 0, 1),
            (14, 5, 1, 2, 2),
            (7, 5, 1, 2, 2),
            (7, 1, 1, 0, 0),
            (3, 2, 2, 0, 1),
        ] {
            let p = Conv2dParams::same(side, k, s);
            assert_eq!((p.pad_begin, p.pad_end, p.groups), (before, after, 1));
            let out = side.div_ceil(s);
            assert_eq!(p.output_hw(side, side, k, k), (out, out), "{p:?}");
        }
        assert_eq!(Conv2dParams::same(5, 3, 2).with_groups(4).groups, 4);
    }
}
