//! Layout ops: transpose (axis permutation), concat, slice, mean over an axis.

use crate::cpu;
use crate::error::{EngineError, Result};
use crate::gpu::ops::{call_concat, call_mean_axis, call_slice, call_transpose};
use crate::tensor::{place, Placed, Tensor};

/// Largest rank the GPU layout kernels accept.
pub(crate) const MAX_RANK: usize = 8;

impl Tensor {
    /// Reorders axes: output axis d is input axis `perm[d]` (materialised, row-major).
    pub fn transpose(&self, perm: &[usize]) -> Result<Tensor> {
        let rank = self.shape.len();
        let mut seen = vec![false; rank];
        for &p in perm {
            if p >= rank || std::mem::replace(&mut seen[p], true) {
                return Err(EngineError::shape(
                    "transpose",
                    format!("{perm:?} is not a permutation"),
                    &[&self.shape],
                ));
            }
        }
        if perm.len() != rank || rank > MAX_RANK {
            return Err(EngineError::shape(
                "transpose",
                "bad permutation length or rank > 8",
                &[&self.shape],
            ));
        }
        let out_shape: Vec<usize> = perm.iter().map(|&p| self.shape[p]).collect();
        match place("transpose", &[self])? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::transpose(v[0], perm))),
            Placed::Gpu(gpu, v) => Ok(Tensor::gpu(
                call_transpose(&gpu, v[0], &self.shape, perm)?,
                out_shape,
            )),
        }
    }

    /// Swaps the last two axes.
    pub fn t(&self) -> Result<Tensor> {
        let rank = self.shape.len();
        if rank < 2 {
            return Err(EngineError::shape("t", "needs rank >= 2", &[&self.shape]));
        }
        let mut perm: Vec<usize> = (0..rank).collect();
        perm.swap(rank - 1, rank - 2);
        self.transpose(&perm)
    }

    /// Joins tensors along `axis`; all other axes must match.
    pub fn concat(parts: &[&Tensor], axis: usize) -> Result<Tensor> {
        let first = parts
            .first()
            .ok_or_else(|| EngineError::shape("concat", "nothing to join", &[]))?;
        let rank = first.shape.len();
        let shapes: Vec<&[usize]> = parts.iter().map(|t| t.shape.as_slice()).collect();
        if axis >= rank {
            return Err(EngineError::IndexOutOfRange {
                op: "concat",
                index: axis,
                len: rank,
            });
        }
        for t in parts {
            let same = t.shape.len() == rank
                && (0..rank).all(|d| d == axis || t.shape[d] == first.shape[d]);
            if !same {
                return Err(EngineError::shape(
                    "concat",
                    "shapes differ off the concat axis",
                    &shapes,
                ));
            }
        }
        let mut out_shape = first.shape.clone();
        out_shape[axis] = parts.iter().map(|t| t.shape[axis]).sum();
        match place("concat", parts)? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::concat(&v, axis)?)),
            Placed::Gpu(gpu, v) => {
                let out = call_concat(&gpu, &v, &shapes, axis, &out_shape)?;
                Ok(Tensor::gpu(out, out_shape))
            }
        }
    }

    /// Entries `start..end` along `axis`.
    pub fn slice(&self, axis: usize, start: usize, end: usize) -> Result<Tensor> {
        let rank = self.shape.len();
        if axis >= rank {
            return Err(EngineError::IndexOutOfRange {
                op: "slice",
                index: axis,
                len: rank,
            });
        }
        if start > end || end > self.shape[axis] {
            return Err(EngineError::IndexOutOfRange {
                op: "slice",
                index: end.max(start),
                len: self.shape[axis],
            });
        }
        let mut out_shape = self.shape.clone();
        out_shape[axis] = end - start;
        match place("slice", &[self])? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::slice(v[0], axis, start, end))),
            Placed::Gpu(gpu, v) => {
                let out = call_slice(&gpu, v[0], &self.shape, axis, start, end)?;
                Ok(Tensor::gpu(out, out_shape))
            }
        }
    }

    /// Mean over `axis` (removed from the shape).
    pub fn mean(&self, axis: usize) -> Result<Tensor> {
        let rank = self.shape.len();
        if axis >= rank || self.shape[axis] == 0 {
            return Err(EngineError::IndexOutOfRange {
                op: "mean",
                index: axis,
                len: rank,
            });
        }
        let mut out_shape = self.shape.clone();
        out_shape.remove(axis);
        match place("mean", &[self])? {
            Placed::Cpu(v) => Ok(Tensor::cpu(cpu::mean_axis(v[0], axis)?)),
            Placed::Gpu(gpu, v) => {
                let outer = self.shape[..axis].iter().product();
                let inner = self.shape[axis + 1..].iter().product();
                let out = call_mean_axis(&gpu, v[0], outer, self.shape[axis], inner)?;
                Ok(Tensor::gpu(out, out_shape))
            }
        }
    }
}
