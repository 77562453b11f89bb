//! Layer norm over the last axis (biased variance), with affine gamma and beta.

use ndarray::{ArrayD, Axis};

/// `(x - mean) / sqrt(var + eps) * gamma + beta` per row of the last axis.
pub(crate) fn layer_norm(
    x: &ArrayD<f32>,
    gamma: &ArrayD<f32>,
    beta: &ArrayD<f32>,
    eps: f32,
) -> ArrayD<f32> {
    let mut y = x.as_standard_layout().into_owned();
    let last = Axis(y.ndim().saturating_sub(1));
    for mut row in y.lanes_mut(last) {
        let n = row.len() as f64;
        let mean = row.iter().map(|&v| v as f64).sum::<f64>() / n;
        let var = row.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
        let inv = 1.0 / (var + eps as f64).sqrt();
        for ((v, g), b) in row.iter_mut().zip(gamma.iter()).zip(beta.iter()) {
            *v = ((*v as f64 - mean) * inv) as f32 * g + b;
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
        // x = [1, 2, 3]: mean 2, var 2/3, (x - 2)/sqrt(2/3) = [-1.2247449, 0, 1.2247449]
        let x = arr(&[1, 3], &[1., 2., 3.]);
        let g = arr(&[3], &[1., 2., 1.]);
        let b = arr(&[3], &[0., 0., 1.]);
        let y = layer_norm(&x, &g, &b, 0.0);
        assert_close(&y, &[-1.224_744_9, 0.0, 2.224_744_9], 1e-6);
    }
}
