//! Direct 2-D convolution (NCHW input, OIHW weight): the loop nest itself, as the reference
//! for the GPU's im2col + matmul.

use ndarray::ArrayD;

use super::array;
use crate::error::Result;
use crate::ops::Conv2dParams;

/// `y[n, o, oy, ox] = bias[o] + sum_{c, ki, kj} w[o, c, ki, kj] * x[n, c, oy*s + ki - p, ox*s + kj - p]`.
pub(crate) fn conv2d(
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
    fn two_by_two_kernel_by_hand() {
        // x = [1 2 3; 4 5 6; 7 8 9], w = [1 0; 0 -1] (x[i,j] - x[i+1,j+1]) = -4 everywhere, + bias 1
        let x = arr(&[1, 1, 3, 3], &[1., 2., 3., 4., 5., 6., 7., 8., 9.]);
        let w = arr(&[1, 1, 2, 2], &[1., 0., 0., -1.]);
        let b = arr(&[1], &[1.]);
        let p = Conv2dParams {
            stride: 1,
            padding: 0,
        };
        let y = conv2d(&x, &w, Some(&b), &p).unwrap();
        assert_eq!(y.shape(), &[1, 1, 2, 2]);
        assert_close(&y, &[-3., -3., -3., -3.], 0.0);
        // padding 1, stride 2: outputs at (0,0),(0,2),(2,0),(2,2) of the padded grid
        // (0,0): w[0,0]*pad + w[1,1]*x[0,0] = -1; (0,1): -x[0,2] = -3; (1,0): -x[2,0] = -7;
        // (1,1): x[1,1] - x[2,2] = 5 - 9 = -4
        let p = Conv2dParams {
            stride: 2,
            padding: 1,
        };
        let y = conv2d(&x, &w, None, &p).unwrap();
        assert_close(&y, &[-1., -3., -7., -4.], 0.0);
    }
}
