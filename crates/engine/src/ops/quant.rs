//! Ops on block-quantised weights ([`QMatrix`]): a linear layer `x · Wᵀ` and the embedding
//! gather of a (tied) table, both dequantising W inside the kernel.

use crate::cpu;
use crate::error::{EngineError, Result};
use crate::gpu::ops::{call_qembedding, call_qmatmul};
use crate::gpu::{Gpu, GpuBuffer};
use crate::quant::{QMatrix, QStorage};
use crate::tensor::{place, Placed, Tensor};

/// The weights' GPU buffer when they live on `gpu`, or the mismatch error.
fn gpu_blocks<'a>(op: &'static str, w: &'a QMatrix, gpu: &Gpu) -> Result<&'a GpuBuffer> {
    match &w.storage {
        QStorage::Gpu(b) if b.gpu.same(gpu) => Ok(b),
        QStorage::Gpu(_) => Err(EngineError::DeviceMismatch {
            op,
            left: "gpu",
            right: "another gpu",
        }),
        QStorage::Cpu(_) => Err(EngineError::DeviceMismatch {
            op,
            left: "gpu",
            right: "cpu",
        }),
    }
}

impl Tensor {
    /// A linear layer on block-quantised weights: `y = x · Wᵀ` for `self [.., k]` and
    /// `w [n, k]` (GGUF `ne = [k, n]`, as every llama linear is stored), giving `[.., n]`.
    /// W is dequantised inside the kernel and never expanded in memory; `k` is a multiple of
    /// 32 by construction of [`QMatrix`]. Operands larger than one storage binding are split
    /// into blocks of rows of x and of W.
    pub fn qmatmul(&self, w: &QMatrix) -> Result<Tensor> {
        let [n, k] = w.shape();
        if self.shape.last() != Some(&k) {
            return Err(EngineError::shape(
                "qmatmul",
                "x must be [.., k] for W [n, k]",
                &[&self.shape, &[n, k]],
            ));
        }
        let mut out_shape = self.shape.clone();
        if let Some(last) = out_shape.last_mut() {
            *last = n;
        }
        let m = self.numel() / k.max(1);
        if m.checked_mul(n).and_then(|v| v.checked_mul(4)).is_none() {
            return Err(EngineError::OutOfMemory {
                op: "qmatmul",
                detail: format!("output {out_shape:?} does not fit in memory"),
            });
        }
        match place("qmatmul", &[self])? {
            Placed::Cpu(v) => match &w.storage {
                QStorage::Cpu(bytes) => Ok(Tensor::cpu(cpu::qmatmul(
                    v[0], w.qtype, bytes, n, k, &out_shape,
                )?)),
                QStorage::Gpu(_) => Err(EngineError::DeviceMismatch {
                    op: "qmatmul",
                    left: "cpu",
                    right: "gpu",
                }),
            },
            Placed::Gpu(gpu, v) => {
                let blocks = gpu_blocks("qmatmul", w, &gpu)?;
                let out = call_qmatmul(&gpu, v[0], blocks, w.qtype, m, n, k)?;
                Ok(Tensor::gpu(out, out_shape))
            }
        }
    }
}

impl QMatrix {
    /// Rows of the table `self [vocab, dim]` for each id, dequantised: `[ids.len(), dim]` on
    /// the matrix's device (the input embedding of a model whose output head shares it). An
    /// id outside the vocabulary is an [`EngineError::IndexOutOfRange`].
    pub fn embedding(&self, ids: &[u32]) -> Result<Tensor> {
        let [vocab, dim] = self.shape();
        if let Some(&bad) = ids.iter().find(|&&id| id as usize >= vocab) {
            return Err(EngineError::IndexOutOfRange {
                op: "qembedding",
                index: bad as usize,
                len: vocab,
            });
        }
        match &self.storage {
            QStorage::Cpu(bytes) => Ok(Tensor::cpu(cpu::qembedding(self.qtype, bytes, dim, ids)?)),
            QStorage::Gpu(b) => Ok(Tensor::gpu(
                call_qembedding(&b.gpu, b, self.qtype, vocab, dim, ids)?,
                vec![ids.len(), dim],
            )),
        }
    }
}
