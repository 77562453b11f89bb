//! Embedding gather.

use crate::cpu;
use crate::error::{EngineError, Result};
use crate::gpu::ops::call_embedding;
use crate::tensor::{place, Placed, Tensor};

impl Tensor {
    /// Rows of the table `self [vocab, dim]` for each id: `[ids.len(), dim]`. An id outside
    /// the vocabulary is an [`EngineError::IndexOutOfRange`], never a read out of bounds.
    pub fn embedding(&self, ids: &[u32]) -> Result<Tensor> {
        if self.shape.len() != 2 {
            return Err(EngineError::shape(
                "embedding",
                "table must be [vocab, dim]",
                &[&self.shape],
            ));
        }
        let (vocab, dim) = (self.shape[0], self.shape[1]);
        if let Some(&bad) = ids.iter().find(|&&id| id as usize >= vocab) {
            return Err(EngineError::IndexOutOfRange {
                op: "embedding",
                index: bad as usize,
                len: vocab,
            });
        }
        match place("embedding", &[self])? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::embedding(v[0], ids)?)),
            Placed::Gpu(gpu, v) => Ok(Tensor::gpu(
                call_embedding(&gpu, v[0], ids, dim)?,
                vec![ids.len(), dim],
            )),
        }
    }
}
