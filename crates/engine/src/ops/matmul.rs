//! matmul / batched matmul with transposed operands.

use crate::cpu;
use crate::error::{EngineError, Result};
use crate::gpu::ops::call_matmul;
use crate::tensor::{place_f16_rhs, Placed, Tensor};

/// The dimensions of one (batched) matmul, worked out from the operand shapes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MatmulDims {
    pub batch: usize,
    pub m: usize,
    pub n: usize,
    pub k: usize,
    /// A is stored `[.., K, M]` and used transposed.
    pub ta: bool,
    /// B is stored `[.., N, K]` and used transposed.
    pub tb: bool,
    /// A has the batch dimensions (else one matrix shared by every batch).
    pub a_batched: bool,
    /// B has the batch dimensions.
    pub b_batched: bool,
    pub out_shape: Vec<usize>,
}

impl MatmulDims {
    /// An unbatched `[m, k] · [k, n]` (with transposes).
    #[cfg(test)]
    pub fn plain(m: usize, n: usize, k: usize, ta: bool, tb: bool) -> Self {
        MatmulDims {
            batch: 1,
            m,
            n,
            k,
            ta,
            tb,
            a_batched: true,
            b_batched: true,
            out_shape: vec![m, n],
        }
    }

    /// Validates `a` and `b` for `op(a) · op(b)`: rank >= 2, matching inner dimension, equal
    /// batch dimensions or one side rank 2 (shared by every batch).
    pub fn new(op: &'static str, a: &[usize], b: &[usize], ta: bool, tb: bool) -> Result<Self> {
        let err = |what: &str| EngineError::shape(op, what, &[a, b]);
        if a.len() < 2 || b.len() < 2 {
            return Err(err("operands need rank >= 2"));
        }
        let (ab, a2) = a.split_at(a.len() - 2);
        let (bb, b2) = b.split_at(b.len() - 2);
        let (m, ka) = if ta { (a2[1], a2[0]) } else { (a2[0], a2[1]) };
        let (kb, n) = if tb { (b2[1], b2[0]) } else { (b2[0], b2[1]) };
        if ka != kb {
            return Err(err("inner dimensions differ"));
        }
        let batch_dims = match (ab.is_empty(), bb.is_empty()) {
            (_, true) => ab,
            (true, false) => bb,
            (false, false) if ab == bb => ab,
            _ => return Err(err("batch dimensions differ")),
        };
        let mut out_shape = batch_dims.to_vec();
        out_shape.extend([m, n]);
        // The output size must fit in usize (32 bits on wasm) before anything is allocated.
        let batch: usize = batch_dims.iter().product();
        if batch
            .checked_mul(m)
            .and_then(|v| v.checked_mul(n))
            .and_then(|v| v.checked_mul(4))
            .is_none()
        {
            return Err(EngineError::OutOfMemory {
                op,
                detail: format!("output {out_shape:?} does not fit in memory"),
            });
        }
        Ok(MatmulDims {
            batch,
            m,
            n,
            k: ka,
            ta,
            tb,
            a_batched: !ab.is_empty(),
            b_batched: !bb.is_empty(),
            out_shape,
        })
    }
}

impl Tensor {
    /// `self · rhs` over the last two axes, batched over the leading ones (see
    /// [`Tensor::matmul_t`]).
    pub fn matmul(&self, rhs: &Tensor) -> Result<Tensor> {
        self.matmul_t(rhs, false, false)
    }

    /// `op(self) · op(rhs)` where `op` transposes the last two axes when `ta` / `tb` is set.
    /// Leading (batch) axes must match, or one operand is a plain matrix shared by all.
    /// A linear layer with PyTorch-layout weight `[out, in]` is `x.matmul_t(&w, false, true)`.
    pub fn matmul_t(&self, rhs: &Tensor, ta: bool, tb: bool) -> Result<Tensor> {
        let dims = MatmulDims::new("matmul", &self.shape, &rhs.shape, ta, tb)?;
        match place_f16_rhs("matmul", &[self, rhs], 1)? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::matmul(v[0], v[1], &dims)?)),
            Placed::Gpu(gpu, v) => {
                let out = call_matmul(&gpu, v[0], v[1], &dims)?;
                Ok(Tensor::gpu(out, dims.out_shape))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dims_and_errors() {
        let d = MatmulDims::new("matmul", &[2, 3, 4], &[4, 5], false, false).unwrap();
        assert_eq!((d.batch, d.m, d.n, d.k, d.b_batched), (2, 3, 5, 4, false));
        assert_eq!(d.out_shape, vec![2, 3, 5]);
        let d = MatmulDims::new("matmul", &[4, 3], &[5, 4], true, true).unwrap();
        assert_eq!((d.m, d.n, d.k), (3, 5, 4));
        assert!(MatmulDims::new("matmul", &[2, 3], &[4, 5], false, false).is_err());
        assert!(MatmulDims::new("matmul", &[2, 3, 4], &[3, 4, 5], false, false).is_err());
        assert!(MatmulDims::new("matmul", &[3], &[3, 4], false, false).is_err());
    }
}
