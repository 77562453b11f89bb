//! Grouped-query attention: query head `h` attends with key/value head `h / (heads / kv_heads)`.

use ndarray::{s, Array3, ArrayD, Ix3};

use super::{array, softmax};
use crate::error::{EngineError, Result};

/// `out[t, h] = softmax(scale · q[t, h] · k[:, c]ᵀ [+ causal mask]) · v[:, c]` with
/// `c = h / (heads / kv_heads)`, for `q [tq, heads, d]`, `k, v [tk, kv_heads, d]`; the mask
/// keeps keys `j <= t + (tk - tq)`. Scores are f32 (ndarray matmul), the softmax the reference
/// one (max subtracted, sums in f64).
pub(crate) fn gqa_attention(
    q: &ArrayD<f32>,
    k: &ArrayD<f32>,
    v: &ArrayD<f32>,
    scale: f32,
    causal: bool,
) -> Result<ArrayD<f32>> {
    let (q3, k3, v3) = (view3d(q)?, view3d(k)?, view3d(v)?);
    let (tq, heads, d) = q3.dim();
    let kv_heads = k3.dim().1;
    let group = heads / kv_heads.max(1);
    let mut out = Array3::<f32>::zeros((tq, heads, d));
    for h in 0..heads {
        let c = h / group.max(1);
        let qh = q3.slice(s![.., h, ..]);
        let kc = k3.slice(s![.., c, ..]);
        let vc = v3.slice(s![.., c, ..]);
        let scores = (qh.dot(&kc.t()) * scale).into_dyn();
        let p = softmax(&scores, causal, tq);
        let p = p
            .into_dimensionality::<ndarray::Ix2>()
            .map_err(|e| EngineError::shape("gqa_attention", e.to_string(), &[q.shape()]))?;
        out.slice_mut(s![.., h, ..]).assign(&p.dot(&vc));
    }
    array(
        "gqa_attention",
        &[tq, heads, d],
        out.into_raw_vec_and_offset().0,
    )
}

fn view3d(a: &ArrayD<f32>) -> Result<ndarray::ArrayView3<'_, f32>> {
    a.view()
        .into_dimensionality::<Ix3>()
        .map_err(|e| EngineError::shape("gqa_attention", e.to_string(), &[a.shape()]))
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn two_heads_share_one_kv_head_by_hand() {
        // q = k = 1 everywhere (d = 1), v = [2], [4]: causal token 0 -> 2, token 1 -> 3, for
        // both query heads (one kv head).
        let q = arr(&[2, 2, 1], &[1., 1., 1., 1.]);
        let k = arr(&[2, 1, 1], &[1., 1.]);
        let v = arr(&[2, 1, 1], &[2., 4.]);
        let y = gqa_attention(&q, &k, &v, 1.0, true).unwrap();
        assert_close(&y, &[2., 2., 3., 3.], 1e-6);
        let y = gqa_attention(&q, &k, &v, 1.0, false).unwrap();
        assert_close(&y, &[3., 3., 3., 3.], 1e-6);
    }
}
