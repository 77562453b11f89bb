//! Softmax over the last axis, with an optional causal mask.

use ndarray::{ArrayD, Axis};

/// Softmax of each row (last axis). With `causal`, row r is query `i = r % q_len` and only
/// keys `j <= i + (cols - q_len)` take part; masked entries are 0.
pub(crate) fn softmax(x: &ArrayD<f32>, causal: bool, q_len: usize) -> ArrayD<f32> {
    let cols = x.shape().last().copied().unwrap_or(1);
    let mut y = x.as_standard_layout().into_owned();
    let last = Axis(y.ndim().saturating_sub(1));
    for (r, mut row) in y.lanes_mut(last).into_iter().enumerate() {
        let limit = if causal {
            (r % q_len.max(1) + 1 + cols - q_len.min(cols)).min(cols)
        } else {
            cols
        };
        let mx = row
            .iter()
            .take(limit)
            .fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        let sum: f64 = row
            .iter()
            .take(limit)
            .map(|&v| ((v - mx) as f64).exp())
            .sum();
        for (j, v) in row.iter_mut().enumerate() {
            *v = if j < limit {
                (((*v - mx) as f64).exp() / sum) as f32
            } else {
                0.0
            };
        }
    }
    y
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn three_token_causal_by_hand() {
        // scores all 0 except row 2 = [0, ln 2, ln 3]
        let l2 = 2f32.ln();
        let l3 = 3f32.ln();
        let x = arr(&[3, 3], &[0., 5., 5., 0., 0., 9., 0., l2, l3]);
        let y = softmax(&x, true, 3);
        // row 0 sees key 0 only; row 1 sees keys 0, 1 equally; row 2 sees 1:2:3
        let want = [1., 0., 0., 0.5, 0.5, 0., 1. / 6., 2. / 6., 3. / 6.];
        assert_close(&y, &want, 1e-6);
    }

    #[test]
    fn plain_rows_sum_to_one() {
        let x = arr(&[2, 2], &[0., 0., 1000., 0.]);
        let y = softmax(&x, false, 2);
        assert_close(&y, &[0.5, 0.5, 1.0, 0.0], 1e-6);
    }
}
