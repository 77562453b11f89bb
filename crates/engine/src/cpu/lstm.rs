//! The pointwise half of an LSTM step (the gate matmuls are ordinary matmuls).

use ndarray::ArrayD;

use super::array;
use crate::error::Result;

fn sigmoid(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

/// From pre-activation gates `[B, 4H]` (order i, f, g, o) and `c_prev [B, H]`, returns
/// `(h, c)` with `c = σ(f) c_prev + σ(i) tanh(g)` and `h = σ(o) tanh(c)`.
pub(crate) fn lstm_cell(
    gates: &ArrayD<f32>,
    c_prev: &ArrayD<f32>,
) -> Result<(ArrayD<f32>, ArrayD<f32>)> {
    let (b, h) = (c_prev.shape()[0], c_prev.shape()[1]);
    let g = gates.as_slice().unwrap_or(&[]);
    let cp = c_prev.as_slice().unwrap_or(&[]);
    let (mut hs, mut cs) = (Vec::with_capacity(b * h), Vec::with_capacity(b * h));
    for bi in 0..b {
        for u in 0..h {
            let at = |gate: usize| g[bi * 4 * h + gate * h + u] as f64;
            let c = sigmoid(at(1)) * cp[bi * h + u] as f64 + sigmoid(at(0)) * at(2).tanh();
            cs.push(c as f32);
            hs.push((sigmoid(at(3)) * c.tanh()) as f32);
        }
    }
    Ok((
        array("lstm_step", &[b, h], hs)?,
        array("lstm_step", &[b, h], cs)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn one_unit_by_hand() {
        // i = f = o = sigmoid(0) = 0.5, g = tanh(0) = 0 -> c = 0.5 * 2 = 1, h = 0.5 tanh(1)
        let gates = arr(&[1, 4], &[0., 0., 0., 0.]);
        let (h, c) = lstm_cell(&gates, &arr(&[1, 1], &[2.])).unwrap();
        assert_close(&c, &[1.0], 1e-7);
        assert_close(&h, &[0.5 * 1f32.tanh()], 1e-7);
    }
}
