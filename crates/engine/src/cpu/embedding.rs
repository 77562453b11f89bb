//! Embedding gather: one table row per id.

use ndarray::{ArrayD, Axis};

use super::array;
use crate::error::Result;

/// `out[t] = table[ids[t]]` for a `[vocab, dim]` table (ids already range-checked).
pub(crate) fn embedding(table: &ArrayD<f32>, ids: &[u32]) -> Result<ArrayD<f32>> {
    let dim = table.shape().get(1).copied().unwrap_or(0);
    let mut data = Vec::with_capacity(ids.len() * dim);
    for &id in ids {
        data.extend(table.index_axis(Axis(0), id as usize).iter());
    }
    array("embedding", &[ids.len(), dim], data)
}

#[cfg(test)]
mod tests {
    use super::super::{arr, assert_close};
    use super::*;

    #[test]
    fn gathers_rows_by_hand() {
        let table = arr(&[3, 2], &[0., 1., 10., 11., 20., 21.]);
        let y = embedding(&table, &[2, 0, 2]).unwrap();
        assert_close(&y, &[20., 21., 0., 1., 20., 21.], 0.0);
    }
}
