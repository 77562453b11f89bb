//! Scaled dot-product attention, composed from the other references.

use ndarray::ArrayD;

use super::{matmul, softmax, unary};
use crate::error::Result;
use crate::ops::{MatmulDims, UnaryOp};

/// `softmax(scale · Q Kᵀ [+ causal mask]) V` for `q [.., Tq, D]`, `k, v [.., Tk, D]`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn attention(
    q: &ArrayD<f32>,
    k: &ArrayD<f32>,
    v: &ArrayD<f32>,
    scores: &MatmulDims,
    mix: &MatmulDims,
    scale: f32,
    causal: bool,
) -> Result<ArrayD<f32>> {
    let s = unary(&matmul(q, k, scores)?, UnaryOp::Scale(scale));
    let p = softmax(&s, causal, scores.m);
    matmul(&p, v, mix)
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn two_tokens_causal_by_hand() {
        // q = k = [[1], [1]], v = [[2], [4]]: token 0 sees only itself -> 2; token 1 averages -> 3
        let q = arr(&[2, 1], &[1., 1.]);
        let v = arr(&[2, 1], &[2., 4.]);
        let scores = MatmulDims::plain(2, 2, 1, false, true);
        let mix = MatmulDims::plain(2, 1, 2, false, false);
        let y = attention(&q, &q, &v, &scores, &mix, 1.0, true).unwrap();
        assert_close(&y, &[2., 3.], 1e-6);
    }
}
