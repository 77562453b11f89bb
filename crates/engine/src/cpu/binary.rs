//! Broadcasted elementwise add and multiply (NumPy rules).

use ndarray::{ArrayD, IxDyn, Zip};

use crate::error::{EngineError, Result};
use crate::ops::BinaryOp;

/// `a (+|*) b`, both broadcast to `out_shape`.
pub(crate) fn binary(
    a: &ArrayD<f32>,
    b: &ArrayD<f32>,
    op: BinaryOp,
    out_shape: &[usize],
) -> Result<ArrayD<f32>> {
    let fail = || EngineError::shape(op.name(), "cannot broadcast", &[a.shape(), b.shape()]);
    let av = a.broadcast(IxDyn(out_shape)).ok_or_else(fail)?;
    let bv = b.broadcast(IxDyn(out_shape)).ok_or_else(fail)?;
    Ok(Zip::from(&av).and(&bv).map_collect(|&x, &y| match op {
        BinaryOp::Add => x + y,
        BinaryOp::Mul => x * y,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn bias_and_column_broadcast_by_hand() {
        let x = arr(&[2, 3], &[1., 2., 3., 4., 5., 6.]);
        let bias = arr(&[3], &[10., 20., 30.]);
        let y = binary(&x, &bias, BinaryOp::Add, &[2, 3]).unwrap();
        assert_close(&y, &[11., 22., 33., 14., 25., 36.], 0.0);
        let col = arr(&[2, 1], &[2., -1.]);
        let y = binary(&x, &col, BinaryOp::Mul, &[2, 3]).unwrap();
        assert_close(&y, &[2., 4., 6., -4., -5., -6.], 0.0);
    }
}
