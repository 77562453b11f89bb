//! A convolution with its batch norm folded in at load time, shared by the vision
//! families (CORnet-minis, EfficientNet-Lite0).

use brainprobe_engine::{fold_batch_norm, Conv2dParams, Tensor};

use crate::error::Result;
use crate::weights::Weights;

/// Weight, bias and parameters of a convolution whose batch norm is folded in.
pub(crate) struct FoldedConv {
    pub(crate) weight: Tensor,
    pub(crate) bias: Tensor,
    pub(crate) params: Conv2dParams,
}

impl FoldedConv {
    /// The convolution of `x`.
    pub(crate) fn run(&self, x: &Tensor) -> Result<Tensor> {
        Ok(x.conv2d(&self.weight, Some(&self.bias), self.params)?)
    }
}

/// Folds batch norm `bn` (its `weight`, `bias`, `running_mean`, `running_var` in `weights`)
/// into the conv weight `w` (`cout` filters, row-major) and bias `b` in place:
/// `w·scale`, `b·scale + shift`.
pub(crate) fn fold_into(
    weights: &Weights,
    bn: &str,
    w: &mut [f32],
    b: &mut [f32],
    eps: f32,
) -> Result<()> {
    let cout = b.len();
    let get = |p: &str| -> Result<Vec<f32>> {
        Ok(weights.get(&format!("{bn}.{p}"), &[cout])?.data.clone())
    };
    let (scale, shift) = fold_batch_norm(
        &get("weight")?,
        &get("bias")?,
        &get("running_mean")?,
        &get("running_var")?,
        eps,
    )?;
    let per_out = w.len() / cout.max(1);
    for (o, chunk) in w.chunks_mut(per_out.max(1)).enumerate().take(cout) {
        chunk.iter_mut().for_each(|v| *v *= scale[o]);
        b[o] = b[o] * scale[o] + shift[o];
    }
    Ok(())
}
