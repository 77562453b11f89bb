//! RMS norm over the last axis (llama's `RMSNorm`: no centring, no bias).

use ndarray::{ArrayD, Axis};

/// `x / sqrt(mean(x²) + eps) * weight` per row of the last axis (sums in f64).
pub(crate) fn rms_norm(x: &ArrayD<f32>, weight: &ArrayD<f32>, eps: f32) -> ArrayD<f32> {
    let mut y = x.as_standard_layout().into_owned();
    let last = Axis(y.ndim().saturating_sub(1));
    for mut row in y.lanes_mut(last) {
        let n = row.len() as f64;
        let ms = row.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / n;
        let inv = 1.0 / (ms + eps as f64).sqrt();
        for (v, g) in row.iter_mut().zip(weight.iter()) {
            *v = (*v as f64 * inv) as f32 * g;
        }
    }
    y
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn one_row_by_hand() {
        // x = [3, 4]: mean square 12.5, rms 3.5355339; weight [1, 2]
        let y = rms_norm(&arr(&[1, 2], &[3., 4.]), &arr(&[2], &[1., 2.]), 0.0);
        assert_close(&y, &[0.848_528_1, 2.262_741_7], 1e-6);
    }
}
