//! Concat and slice along one axis.

use ndarray::{ArrayD, Axis, Slice};

use crate::error::{EngineError, Result};

/// The inputs joined along `axis` (shapes already checked).
pub(crate) fn concat(xs: &[&ArrayD<f32>], axis: usize) -> Result<ArrayD<f32>> {
    let views: Vec<_> = xs.iter().map(|x| x.view()).collect();
    ndarray::concatenate(Axis(axis), &views)
        .map_err(|e| EngineError::shape("concat", e.to_string(), &[]))
}

/// Entries `start..end` along `axis`.
pub(crate) fn slice(x: &ArrayD<f32>, axis: usize, start: usize, end: usize) -> ArrayD<f32> {
    x.slice_axis(Axis(axis), Slice::from(start..end))
        .as_standard_layout()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn concat_then_slice_by_hand() {
        let a = arr(&[2, 1], &[1., 2.]);
        let b = arr(&[2, 2], &[3., 4., 5., 6.]);
        let c = concat(&[&a, &b], 1).unwrap();
        assert_close(&c, &[1., 3., 4., 2., 5., 6.], 0.0);
        assert_close(&slice(&c, 1, 1, 3), &[3., 4., 5., 6.], 0.0);
    }
}
