//! The CPU reference: every op on ndarray, written for clarity. It is the fallback device and
//! the ground truth of the GPU parity tests, so each file checks itself against a hand-worked
//! case. Shapes are validated by the callers in `ops/`; these functions still return `Result`
//! rather than panic if handed something inconsistent.

mod attention;
mod axis_copy;
mod batch_norm;
mod binary;
mod conv2d;
mod embedding;
mod gqa_attention;
mod layer_norm;
mod lstm;
mod matmul;
mod mean_axis;
mod pool2d;
mod quant;
mod rms_norm;
mod rope;
mod silu_mul;
mod softmax;
mod transpose;
mod unary;

pub(crate) use attention::attention;
pub(crate) use axis_copy::{concat, slice};
pub(crate) use batch_norm::batch_norm;
pub(crate) use binary::binary;
pub(crate) use conv2d::conv2d;
pub(crate) use embedding::embedding;
pub(crate) use gqa_attention::gqa_attention;
pub(crate) use layer_norm::layer_norm;
pub(crate) use lstm::lstm_cell;
pub(crate) use matmul::matmul;
pub(crate) use mean_axis::mean_axis;
pub(crate) use pool2d::pool2d;
pub(crate) use quant::{qembedding, qmatmul};
pub(crate) use rms_norm::rms_norm;
pub(crate) use rope::{rope, rope_table};
pub(crate) use silu_mul::silu_mul;
pub(crate) use softmax::softmax;
pub(crate) use transpose::transpose;
pub(crate) use unary::unary;

use ndarray::{ArrayD, ArrayView3, IxDyn};

use crate::error::{EngineError, Result};

/// `a` viewed as `[d0, d1, d2]` (it must be in standard layout with that many elements).
pub(crate) fn view3<'a>(
    op: &'static str,
    a: &'a ArrayD<f32>,
    d: [usize; 3],
) -> Result<ArrayView3<'a, f32>> {
    a.view()
        .into_shape_with_order((d[0], d[1], d[2]))
        .map_err(|e| EngineError::shape(op, e.to_string(), &[a.shape(), &d]))
}

/// An array of `shape` from row-major `data`.
pub(crate) fn array(op: &'static str, shape: &[usize], data: Vec<f32>) -> Result<ArrayD<f32>> {
    ArrayD::from_shape_vec(IxDyn(shape), data)
        .map_err(|e| EngineError::shape(op, e.to_string(), &[shape]))
}

#[cfg(test)]
pub(crate) fn arr(shape: &[usize], data: &[f32]) -> ArrayD<f32> {
    ArrayD::from_shape_vec(IxDyn(shape), data.to_vec()).expect("test array")
}

#[cfg(test)]
pub(crate) fn assert_close(got: &ArrayD<f32>, want: &[f32], tol: f32) {
    assert_eq!(got.len(), want.len(), "length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol, "index {i}: got {g}, want {w}");
    }
}
