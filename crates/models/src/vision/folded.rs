//! A convolution with its batch norm folded in at load time, shared by the vision
//! families (CORnet-minis, EfficientNet-Lite0).

use brainprobe_engine::{fold_batch_norm, Conv2dParams, Device, Tensor};

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

/// Reads convolutions from a weights file, folds their batch norms and uploads them.
pub(crate) struct ConvLoader<'a> {
    pub(crate) weights: &'a Weights,
    pub(crate) device: &'a Device,
    /// The batch norms' epsilon.
    pub(crate) eps: f32,
}

impl ConvLoader<'_> {
    /// Conv `{name}.weight` of `shape` (`[cout, cin/groups, k, k]`), with `{name}.bias`
    /// when `bias` (else zero), folded with batch norm `bn` when one is given.
    pub(crate) fn folded(
        &self,
        name: &str,
        bn: Option<&str>,
        shape: [usize; 4],
        bias: bool,
        params: Conv2dParams,
    ) -> Result<FoldedConv> {
        let cout = shape[0];
        let mut w = self
            .weights
            .get(&format!("{name}.weight"), &shape)?
            .data
            .clone();
        let mut b = if bias {
            self.weights
                .get(&format!("{name}.bias"), &[cout])?
                .data
                .clone()
        } else {
            vec![0.0; cout]
        };
        if let Some(bn) = bn {
            fold_into(self.weights, bn, &mut w, &mut b, self.eps)?;
        }
        Ok(FoldedConv {
            weight: Tensor::from_vec(w, &shape, self.device)?,
            bias: Tensor::from_vec(b, &[cout], self.device)?,
            params,
        })
    }
}

/// Folds batch norm `bn` (its `weight`, `bias`, `running_mean`, `running_var` in `weights`)
/// into the conv weight `w` (`cout` filters, row-major) and bias `b` in place:
/// `w·scale`, `b·scale + shift`.
fn fold_into(weights: &Weights, bn: &str, w: &mut [f32], b: &mut [f32], eps: f32) -> Result<()> {
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
