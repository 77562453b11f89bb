//! One LSTM step: gate matmuls (ordinary [`Tensor::matmul_t`]) + the pointwise cell update.

use crate::cpu;
use crate::error::{EngineError, Result};
use crate::gpu::ops::call_lstm_cell;
use crate::tensor::{place, Placed, Tensor};

/// LSTM parameters in PyTorch layout (gate order i, f, g, o).
#[derive(Debug, Clone, Copy)]
pub struct LstmWeights<'a> {
    /// `[4H, I]`
    pub w_ih: &'a Tensor,
    /// `[4H, H]`
    pub w_hh: &'a Tensor,
    /// `[4H]`: b_ih + b_hh.
    pub bias: &'a Tensor,
}

impl Tensor {
    /// One step of an LSTM for input `self [B, I]` and state `h, c [B, H]`; returns `(h, c)`.
    pub fn lstm_step(
        &self,
        h: &Tensor,
        c: &Tensor,
        w: &LstmWeights<'_>,
    ) -> Result<(Tensor, Tensor)> {
        let gates = self
            .matmul_t(w.w_ih, false, true)?
            .add(&h.matmul_t(w.w_hh, false, true)?)?
            .add(w.bias)?;
        Tensor::lstm_cell(&gates, c)
    }

    /// The pointwise half of an LSTM step: from gates `[B, 4H]` and `c_prev [B, H]` to `(h, c)`.
    pub fn lstm_cell(gates: &Tensor, c_prev: &Tensor) -> Result<(Tensor, Tensor)> {
        let (g, c) = (&gates.shape, &c_prev.shape);
        if c.len() != 2 || g.len() != 2 || g[0] != c[0] || g[1] != 4 * c[1] {
            return Err(EngineError::shape(
                "lstm_cell",
                "needs gates [B, 4H] and c [B, H]",
                &[g, c],
            ));
        }
        match place("lstm_cell", &[gates, c_prev])? {
            Placed::Cpu(v) => {
                let (h, c) = cpu::lstm_cell(v[0], v[1])?;
                Ok((Tensor::cpu(h), Tensor::cpu(c)))
            }
            Placed::Gpu(gpu, v) => {
                let (h, cn) = call_lstm_cell(&gpu, v[0], v[1], c[0], c[1])?;
                Ok((Tensor::gpu(h, c.clone()), Tensor::gpu(cn, c.clone())))
            }
        }
    }
}
