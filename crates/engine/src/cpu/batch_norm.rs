//! Inference batch norm with folded statistics: a per-channel scale and shift.

use ndarray::ArrayD;

/// `y[n, c, ..] = x[n, c, ..] * scale[c] + shift[c]` (axis 1 is the channel).
pub(crate) fn batch_norm(x: &ArrayD<f32>, scale: &ArrayD<f32>, shift: &ArrayD<f32>) -> ArrayD<f32> {
    let mut y = x.as_standard_layout().into_owned();
    for (ci, mut plane) in y.axis_iter_mut(ndarray::Axis(1)).enumerate() {
        let (s, b) = (scale[[ci]], shift[[ci]]);
        plane.mapv_inplace(|v| v * s + b);
    }
    y
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn two_channels_by_hand() {
        let x = arr(&[1, 2, 2], &[1., 2., 3., 4.]);
        let y = batch_norm(&x, &arr(&[2], &[2., -1.]), &arr(&[2], &[0.5, 10.]));
        assert_close(&y, &[2.5, 4.5, 7., 6.], 0.0);
    }
}
