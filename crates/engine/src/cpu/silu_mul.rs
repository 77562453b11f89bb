//! The gated product of a SwiGLU MLP: `silu(a) ⊙ b`.

use ndarray::{ArrayD, Zip};

/// `a · sigmoid(a) · b` elementwise (same shapes; in f64, rounded once).
pub(crate) fn silu_mul(a: &ArrayD<f32>, b: &ArrayD<f32>) -> ArrayD<f32> {
    let mut y = a.as_standard_layout().into_owned();
    Zip::from(&mut y).and(b).for_each(|v, &g| {
        let x = *v as f64;
        *v = (x / (1.0 + (-x).exp()) * g as f64) as f32;
    });
    y
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn by_hand() {
        // silu(0) = 0; silu(1) = 0.7310586; silu(-2) = -0.2384058
        let a = arr(&[3], &[0., 1., -2.]);
        let b = arr(&[3], &[5., 2., -1.]);
        assert_close(&silu_mul(&a, &b), &[0., 1.462_117_2, 0.238_405_84], 1e-6);
    }
}
