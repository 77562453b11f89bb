//! Axis permutation.

use ndarray::{ArrayD, IxDyn};

/// `x` with its axes reordered: output axis d is input axis `perm[d]`.
pub(crate) fn transpose(x: &ArrayD<f32>, perm: &[usize]) -> ArrayD<f32> {
    x.view()
        .permuted_axes(IxDyn(perm))
        .as_standard_layout()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn matrix_and_heads_by_hand() {
        let x = arr(&[2, 3], &[1., 2., 3., 4., 5., 6.]);
        assert_close(&transpose(&x, &[1, 0]), &[1., 4., 2., 5., 3., 6.], 0.0);
        // [T=2, H=2, D=1] -> [H, T, D]
        let x = arr(&[2, 2, 1], &[1., 2., 3., 4.]);
        assert_close(&transpose(&x, &[1, 0, 2]), &[1., 3., 2., 4.], 0.0);
    }
}
