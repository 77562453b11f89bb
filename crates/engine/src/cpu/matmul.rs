//! Batched matmul with optionally transposed operands, on ndarray's `dot`.

use ndarray::{s, Array3, ArrayD};

use super::{array, view3};
use crate::error::Result;
use crate::ops::MatmulDims;

/// `C[b] = op(A[b]) · op(B[b])` for the dimensions worked out by `ops::matmul`.
pub(crate) fn matmul(a: &ArrayD<f32>, b: &ArrayD<f32>, d: &MatmulDims) -> Result<ArrayD<f32>> {
    let (ar, ac) = if d.ta { (d.k, d.m) } else { (d.m, d.k) };
    let (br, bc) = if d.tb { (d.n, d.k) } else { (d.k, d.n) };
    let a3 = view3("matmul", a, [if d.a_batched { d.batch } else { 1 }, ar, ac])?;
    let b3 = view3("matmul", b, [if d.b_batched { d.batch } else { 1 }, br, bc])?;
    let mut out = Array3::<f32>::zeros((d.batch, d.m, d.n));
    for i in 0..d.batch {
        let ai = a3.slice(s![if d.a_batched { i } else { 0 }, .., ..]);
        let bi = b3.slice(s![if d.b_batched { i } else { 0 }, .., ..]);
        let ai = if d.ta { ai.reversed_axes() } else { ai };
        let bi = if d.tb { bi.reversed_axes() } else { bi };
        out.slice_mut(s![i, .., ..]).assign(&ai.dot(&bi));
    }
    array("matmul", &d.out_shape, out.into_raw_vec_and_offset().0)
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    fn dims(batch: usize, m: usize, n: usize, k: usize, ta: bool, tb: bool) -> MatmulDims {
        MatmulDims {
            batch,
            m,
            n,
            k,
            ta,
            tb,
            a_batched: true,
            b_batched: true,
            out_shape: if batch == 1 {
                vec![m, n]
            } else {
                vec![batch, m, n]
            },
        }
    }

    #[test]
    fn two_by_two_by_hand() {
        // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50]
        let a = arr(&[2, 2], &[1., 2., 3., 4.]);
        let b = arr(&[2, 2], &[5., 6., 7., 8.]);
        let c = matmul(&a, &b, &dims(1, 2, 2, 2, false, false)).unwrap();
        assert_close(&c, &[19., 22., 43., 50.], 0.0);
        // A^T · B = [1 3; 2 4] · [5 6; 7 8] = [26 30; 38 44]
        let c = matmul(&a, &b, &dims(1, 2, 2, 2, true, false)).unwrap();
        assert_close(&c, &[26., 30., 38., 44.], 0.0);
        // A · B^T = [1 2; 3 4] · [5 7; 6 8] = [17 23; 39 53]
        let c = matmul(&a, &b, &dims(1, 2, 2, 2, false, true)).unwrap();
        assert_close(&c, &[17., 23., 39., 53.], 0.0);
    }

    #[test]
    fn batched_with_shared_weights() {
        // two batches of a 1x2 row times one shared 2x1 column [1; 10]
        let a = arr(&[2, 1, 2], &[1., 2., 3., 4.]);
        let b = arr(&[2, 1], &[1., 10.]);
        let mut d = dims(2, 1, 1, 2, false, false);
        d.b_batched = false;
        let c = matmul(&a, &b, &d).unwrap();
        assert_close(&c, &[21., 43.], 0.0);
    }
}
