//! Max and average 2-D pooling over NCHW planes.

use ndarray::ArrayD;

use super::array;
use crate::error::Result;
use crate::ops::{Pool2dParams, PoolKind};

/// K x K pooling, stride S, padding P. Max ignores padding; average divides by K*K
/// (padding counts as 0, PyTorch's default `count_include_pad = true`).
pub(crate) fn pool2d(x: &ArrayD<f32>, p: &Pool2dParams) -> Result<ArrayD<f32>> {
    let (n, c, h, w) = (x.shape()[0], x.shape()[1], x.shape()[2], x.shape()[3]);
    let (oh, ow) = p.output_hw(h, w);
    let xs = x.as_slice().unwrap_or(&[]);
    let mut out = Vec::with_capacity(n * c * oh * ow);
    for plane in 0..n * c {
        for oy in 0..oh {
            for ox in 0..ow {
                let mut best = f32::NEG_INFINITY;
                let mut sum = 0f64;
                for ki in 0..p.kernel {
                    for kj in 0..p.kernel {
                        let iy = (oy * p.stride + ki) as isize - p.padding as isize;
                        let ix = (ox * p.stride + kj) as isize - p.padding as isize;
                        if iy < 0 || ix < 0 || iy >= h as isize || ix >= w as isize {
                            continue;
                        }
                        let v = xs[(plane * h + iy as usize) * w + ix as usize];
                        best = best.max(v);
                        sum += v as f64;
                    }
                }
                out.push(match p.kind {
                    PoolKind::Max => best,
                    PoolKind::Avg => (sum / (p.kernel * p.kernel) as f64) as f32,
                });
            }
        }
    }
    array("pool2d", &[n, c, oh, ow], out)
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn four_by_four_by_hand() {
        let x = arr(
            &[1, 1, 4, 4],
            &(1..=16).map(|v| v as f32).collect::<Vec<_>>(),
        );
        let max = Pool2dParams {
            kind: PoolKind::Max,
            kernel: 2,
            stride: 2,
            padding: 0,
        };
        assert_close(&pool2d(&x, &max).unwrap(), &[6., 8., 14., 16.], 0.0);
        let avg = Pool2dParams {
            kind: PoolKind::Avg,
            ..max
        };
        assert_close(&pool2d(&x, &avg).unwrap(), &[3.5, 5.5, 11.5, 13.5], 0.0);
        // 3x3 window, stride 2, padding 1: top-left sees x[0..2, 0..2] = 1+2+5+6 = 14 -> 14/9
        let avg = Pool2dParams {
            kind: PoolKind::Avg,
            kernel: 3,
            stride: 2,
            padding: 1,
        };
        let y = pool2d(&x, &avg).unwrap();
        assert!((y[[0, 0, 0, 0]] - 14.0 / 9.0).abs() < 1e-6);
        let max = Pool2dParams {
            kind: PoolKind::Max,
            ..avg
        };
        assert_close(&pool2d(&x, &max).unwrap(), &[6., 8., 14., 16.], 0.0);
    }
}
