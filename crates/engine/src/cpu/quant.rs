//! Block-quantised weights on the CPU: `x · Wᵀ` and the row gather of a tied embedding, both
//! dequantising W (exactly, see `quant.rs`) a slab of rows at a time so that the f32 copy
//! stays small while ndarray's matmul does the work.

use ndarray::{s, Array2, ArrayD, Axis};

use super::array;
use crate::error::{EngineError, Result};
use crate::quant::QuantType;

/// Rows of W dequantised per slab.
const SLAB_ROWS: usize = 256;

/// `y [m, n] = x [m, k] · Wᵀ` for `W [n, k]` given as block bytes; `x` has any leading axes
/// (flattened to `m`) and `out_shape` is `x`'s shape with the last axis `n`.
pub(crate) fn qmatmul(
    x: &ArrayD<f32>,
    qtype: QuantType,
    w: &[u8],
    n: usize,
    k: usize,
    out_shape: &[usize],
) -> Result<ArrayD<f32>> {
    let m = x.len() / k.max(1);
    let x2 = x
        .view()
        .into_shape_with_order((m, k))
        .map_err(|e| EngineError::shape("qmatmul", e.to_string(), &[x.shape()]))?;
    let row_bytes = qtype.row_bytes(k);
    let mut y = Array2::<f32>::zeros((m, n));
    let mut slab = vec![0.0f32; SLAB_ROWS.min(n.max(1)) * k];
    for r0 in (0..n).step_by(SLAB_ROWS) {
        let rows = SLAB_ROWS.min(n - r0);
        let vals = &mut slab[..rows * k];
        qtype.dequantize_into(&w[r0 * row_bytes..(r0 + rows) * row_bytes], vals);
        let wv = ndarray::ArrayView2::from_shape((rows, k), vals)
            .map_err(|e| EngineError::shape("qmatmul", e.to_string(), &[&[rows, k]]))?;
        y.slice_mut(s![.., r0..r0 + rows]).assign(&x2.dot(&wv.t()));
    }
    array("qmatmul", out_shape, y.into_raw_vec_and_offset().0)
}

/// `out [ids.len(), k]`: the dequantised rows `ids` of `W [n, k]` (ids already range-checked).
pub(crate) fn qembedding(qtype: QuantType, w: &[u8], k: usize, ids: &[u32]) -> Result<ArrayD<f32>> {
    let row_bytes = qtype.row_bytes(k);
    let mut out = Array2::<f32>::zeros((ids.len(), k));
    for (mut row, &id) in out.axis_iter_mut(Axis(0)).zip(ids) {
        let start = id as usize * row_bytes;
        let dst = row
            .as_slice_mut()
            .ok_or_else(|| EngineError::Gpu("qembedding: non-contiguous output".into()))?;
        qtype.dequantize_into(&w[start..start + row_bytes], dst);
    }
    array(
        "qembedding",
        &[ids.len(), k],
        out.into_raw_vec_and_offset().0,
    )
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn q8_0_matmul_and_gather_by_hand() {
        // W = [[1, 2, 0, ..], [-1, 0, .., 0, 3]] (exact in Q8_0 with d = 2/127·..., so use
        // values that quantise exactly: amax 127 gives d = 1).
        let mut w = vec![0.0f32; 64];
        w[0] = 1.0;
        w[1] = 2.0;
        w[2] = 127.0;
        w[32] = -1.0;
        w[63] = 127.0;
        let bytes = QuantType::Q8_0.quantize(&w).unwrap();
        let mut x = vec![0.0f32; 32];
        x[0] = 1.0;
        x[1] = 1.0;
        x[31] = 2.0;
        let x = arr(&[1, 32], &x);
        // y0 = 1 + 2 = 3; y1 = -1 + 2 · 127 = 253
        let y = qmatmul(&x, QuantType::Q8_0, &bytes, 2, 32, &[1, 2]).unwrap();
        assert_close(&y, &[3.0, 253.0], 0.0);
        let g = qembedding(QuantType::Q8_0, &bytes, 32, &[1, 0]).unwrap();
        assert_eq!(g.shape(), &[2, 32]);
        assert_eq!((g[[0, 0]], g[[0, 31]], g[[1, 2]]), (-1.0, 127.0, 127.0));
    }
}
