//! Mean over one axis.

use ndarray::{ArrayD, Axis};

use super::array;
use crate::error::Result;

/// The mean over `axis` (the axis is removed from the shape).
pub(crate) fn mean_axis(x: &ArrayD<f32>, axis: usize) -> Result<ArrayD<f32>> {
    let len = x.shape()[axis] as f64;
    let sums = x.map(|&v| v as f64).sum_axis(Axis(axis));
    let shape = sums.shape().to_vec();
    array(
        "mean",
        &shape,
        sums.iter().map(|&s| (s / len) as f32).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn means_by_hand() {
        let x = arr(&[2, 3], &[1., 2., 3., 4., 5., 6.]);
        assert_close(&mean_axis(&x, 0).unwrap(), &[2.5, 3.5, 4.5], 0.0);
        assert_close(&mean_axis(&x, 1).unwrap(), &[2., 5.], 0.0);
    }
}
