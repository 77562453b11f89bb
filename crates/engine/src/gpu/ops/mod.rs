//! One `call_<op>` per op: sizes the grid from the shapes and the device limits, binds the
//! operands and records the dispatch(es) into the pending encoder.

mod attention;
mod axis_copy;
mod batch_norm;
mod binary;
mod conv2d;
mod embedding;
mod gqa_attention;
mod layer_norm;
mod lstm_cell;
mod matmul;
mod mean_axis;
mod pool2d;
mod qembedding;
mod qmatmul;
mod rms_norm;
mod rope;
mod silu_mul;
mod softmax;
mod transpose;
mod unary;

pub(crate) use attention::call_attention;
pub(crate) use axis_copy::{call_concat, call_slice};
pub(crate) use batch_norm::call_batch_norm;
pub(crate) use binary::call_binary;
pub(crate) use conv2d::call_conv2d;
pub(crate) use embedding::call_embedding;
pub(crate) use gqa_attention::{call_gqa_attention, GqaDims};
pub(crate) use layer_norm::call_layer_norm;
pub(crate) use lstm_cell::call_lstm_cell;
pub(crate) use matmul::{call_matmul, matmul_into};
pub(crate) use mean_axis::call_mean_axis;
pub(crate) use pool2d::call_pool2d;
pub(crate) use qembedding::call_qembedding;
pub(crate) use qmatmul::call_qmatmul;
pub(crate) use rms_norm::call_rms_norm;
pub(crate) use rope::call_rope;
pub(crate) use silu_mul::call_silu_mul;
pub(crate) use softmax::call_softmax;
pub(crate) use transpose::call_transpose;
pub(crate) use unary::call_unary;

/// Row-major strides of `shape`.
pub(crate) fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for d in (0..shape.len().saturating_sub(1)).rev() {
        s[d] = s[d + 1] * shape[d + 1];
    }
    s
}

/// Packs up to 8 values into the two `vec4<u32>` of a WGSL `array<vec4<u32>, 2>` field.
pub(crate) fn pack8(values: &[usize]) -> [usize; 8] {
    let mut out = [0; 8];
    for (o, v) in out.iter_mut().zip(values) {
        *o = *v;
    }
    out
}
