//! LSTM pointwise cell update.

use super::super::buffer::GpuBuffer;
use super::super::context::Gpu;
use super::super::kernels::Kernel;
use super::super::launch::{Bind, Launch, Params};
use crate::error::Result;

/// `(h, c)` from gates `[B, 4H]` and `c_prev [B, H]`.
pub(crate) fn call_lstm_cell(
    gpu: &Gpu,
    gates: &GpuBuffer,
    c_prev: &GpuBuffer,
    batch: usize,
    hidden: usize,
) -> Result<(GpuBuffer, GpuBuffer)> {
    let n = batch * hidden;
    let h = GpuBuffer::alloc(gpu, n, "lstm_cell")?;
    let c = GpuBuffer::alloc(gpu, n, "lstm_cell")?;
    let params = Params::default().u(&[n, hidden]);
    let binds = Bind::all_whole(&[gates, c_prev, &h, &c]);
    Launch::new("lstm_cell", Kernel::LstmCell).over(gpu, params, &binds, n)?;
    Ok((h, c))
}
