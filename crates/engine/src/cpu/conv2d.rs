//! 2-D convolution (NCHW input, OIHW weight). The CPU device runs im2col + ndarray's matmul
//! (`conv2d`, fast enough for the fallback path); `conv2d_direct` is the plain loop nest it is
//! checked against, by hand and on random shapes.

use ndarray::{Array2, ArrayD, Axis};

use super::array;
use crate::error::{EngineError, Result};
use crate::ops::Conv2dParams;

/// The convolution as `W [O, C*KH*KW] · col[n] [C*KH*KW, OH*OW]` per image, plus the bias.
pub(crate) fn conv2d(
    x: &ArrayD<f32>,
    w: &ArrayD<f32>,
    bias: Option<&ArrayD<f32>>,
    p: &Conv2dParams,
) -> Result<ArrayD<f32>> {
    let (n, c, h, wd) = (x.shape()[0], x.shape()[1], x.shape()[2], x.shape()[3]);
    let (o, kh, kw) = (w.shape()[0], w.shape()[2], w.shape()[3]);
    let (oh, ow) = p.output_hw(h, wd, kh, kw);
    let ckk = c * kh * kw;
    let w2 = w
        .view()
        .into_shape_with_order((o, ckk))
        .map_err(|e| EngineError::shape("conv2d", e.to_string(), &[w.shape()]))?;
    let xs = x.as_slice().unwrap_or(&[]);
    let mut out = Vec::with_capacity(n * o * oh * ow);
    let mut col = Array2::<f32>::zeros((ckk, oh * ow));
    for ni in 0..n {
        for ((r, s), v) in col.indexed_iter_mut() {
            let (ci, ki, kj) = (r / (kh * kw), (r / kw) % kh, r % kw);
            let iy = ((s / ow) * p.stride + ki) as isize - p.padding as isize;
            let ix = ((s % ow) * p.stride + kj) as isize - p.padding as isize;
            *v = if iy < 0 || ix < 0 || iy >= h as isize || ix >= wd as isize {
                0.0
            } else {
                xs[((ni * c + ci) * h + iy as usize) * wd + ix as usize]
            };
        }
        let mut y = w2.dot(&col);
        if let Some(b) = bias {
            for (oi, mut row) in y.axis_iter_mut(Axis(0)).enumerate() {
                row += b[[oi]];
            }
        }
        out.extend(y.iter());
    }
    array("conv2d", &[n, o, oh, ow], out)
}

/// `y[n, o, oy, ox] = bias[o] + sum_{c, ki, kj} w[o, c, ki, kj] * x[n, c, oy*s + ki - p, ox*s + kj - p]`.
#[cfg(test)]
pub(crate) fn conv2d_direct(
    x: &ArrayD<f32>,
    w: &ArrayD<f32>,
    bias: Option<&ArrayD<f32>>,
    p: &Conv2dParams,
) -> Result<ArrayD<f32>> {
    let (n, c, h, wd) = (x.shape()[0], x.shape()[1], x.shape()[2], x.shape()[3]);
    let (o, kh, kw) = (w.shape()[0], w.shape()[2], w.shape()[3]);
    let (oh, ow) = p.output_hw(h, wd, kh, kw);
    let xs = x.as_slice().unwrap_or(&[]);
    let ws = w.as_slice().unwrap_or(&[]);
    let mut out = vec![0f32; n * o * oh * ow];
    for ni in 0..n {
        for oi in 0..o {
            let b = bias.map_or(0.0, |b| b[[oi]]);
            for oy in 0..oh {
                for ox in 0..ow {
                    let mut acc = 0f64;
                    for ci in 0..c {
                        for ki in 0..kh {
                            let iy = (oy * p.stride + ki) as isize - p.padding as isize;
                            if iy < 0 || iy >= h as isize {
                                continue;
                            }
                            for kj in 0..kw {
                                let ix = (ox * p.stride + kj) as isize - p.padding as isize;
                                if ix < 0 || ix >= wd as isize {
                                    continue;
                                }
                                let xv = xs[((ni * c + ci) * h + iy as usize) * wd + ix as usize];
                                let wv = ws[((oi * c + ci) * kh + ki) * kw + kj];
                                acc += xv as f64 * wv as f64;
                            }
                        }
                    }
                    out[((ni * o + oi) * oh + oy) * ow + ox] = acc as f32 + b;
                }
            }
        }
    }
    array("conv2d", &[n, o, oh, ow], out)
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn im2col_matches_the_loop_nest() {
        let mut seed = 7u32;
        let mut vals = |n: usize| -> Vec<f32> {
            (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
                })
                .collect()
        };
        for (xs, ws, stride, padding) in [
            ([2, 3, 7, 6], [4, 3, 3, 2], 1, 1),
            ([1, 2, 9, 9], [3, 2, 5, 5], 2, 2),
        ] {
            let x = arr(&xs, &vals(xs.iter().product()));
            let w = arr(&ws, &vals(ws.iter().product()));
            let b = arr(&[ws[0]], &vals(ws[0]));
            let p = Conv2dParams { stride, padding };
            let fast = conv2d(&x, &w, Some(&b), &p).unwrap();
            let slow = conv2d_direct(&x, &w, Some(&b), &p).unwrap();
            assert_close(&fast, slow.as_slice().unwrap(), 1e-5);
        }
    }

    #[test]
    fn two_by_two_kernel_by_hand() {
        // x = [1 2 3; 4 5 6; 7 8 9], w = [1 0; 0 -1] (x[i,j] - x[i+1,j+1]) = -4 everywhere, + bias 1
        let x = arr(&[1, 1, 3, 3], &[1., 2., 3., 4., 5., 6., 7., 8., 9.]);
        let w = arr(&[1, 1, 2, 2], &[1., 0., 0., -1.]);
        let b = arr(&[1], &[1.]);
        let p = Conv2dParams {
            stride: 1,
            padding: 0,
        };
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
        let p = Conv2dParams {
            stride: 2,
            padding: 1,
        };
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
}
