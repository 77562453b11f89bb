//! Feature standardisation with training statistics (METRICS §10.2): inside each outer
//! split every column is centred and divided by its population SD on the training rows;
//! a column without spread on the training rows is set to 0 in train and test rows.

use faer::{Mat, MatRef};

/// Relative SD below which a column counts as constant: SD < `REL_TOL` · max |column|.
pub const REL_TOL: f64 = 1e-12;

/// The per-column transform fitted on training rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Standardiser {
    /// Training mean per column.
    pub means: Vec<f64>,
    /// Training SD (ddof 0) per column; `None` for a column set to 0.
    pub scales: Vec<Option<f64>>,
}

impl Standardiser {
    /// Fits means and SDs on the rows of `train`.
    pub fn fit(train: MatRef<'_, f64>) -> Self {
        let n = train.nrows().max(1) as f64;
        let mut means = Vec::with_capacity(train.ncols());
        let mut scales = Vec::with_capacity(train.ncols());
        for j in 0..train.ncols() {
            let col = train.col(j);
            let mean = col.iter().sum::<f64>() / n;
            let var = col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
            let sd = var.sqrt();
            let largest = col.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let constant = sd.is_nan() || sd <= 0.0 || sd < REL_TOL * largest;
            means.push(mean);
            scales.push((!constant).then_some(sd));
        }
        Self { means, scales }
    }

    /// `rows` with the fitted transform applied (columns must match the fit).
    pub fn apply(&self, rows: MatRef<'_, f64>) -> Mat<f64> {
        Mat::from_fn(rows.nrows(), rows.ncols(), |i, j| match self.scales[j] {
            Some(sd) => (rows[(i, j)] - self.means[j]) / sd,
            None => 0.0,
        })
    }

    /// Columns set to 0 (no spread on the training rows).
    pub fn constant_columns(&self) -> usize {
        self.scales.iter().filter(|s| s.is_none()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_statistics_are_applied_to_both_sets() {
        let train = Mat::from_fn(4, 3, |i, j| match j {
            0 => i as f64,                    // 0 1 2 3: mean 1.5, sd sqrt(1.25)
            1 => 7.0,                         // constant
            _ => 1e9 + (i % 2) as f64 * 1e-5, // spread far below 1e-12 · max: constant
        });
        let s = Standardiser::fit(train.as_ref());
        assert_eq!(s.constant_columns(), 2);
        let z = s.apply(train.as_ref());
        let sd = 1.25f64.sqrt();
        for i in 0..4 {
            assert!((z[(i, 0)] - (i as f64 - 1.5) / sd).abs() < 1e-15);
            assert_eq!(z[(i, 1)], 0.0);
            assert_eq!(z[(i, 2)], 0.0);
        }
        let test = Mat::from_fn(1, 3, |_, j| [5.0, 9.0, 3.0][j]);
        let zt = s.apply(test.as_ref());
        assert!((zt[(0, 0)] - 3.5 / sd).abs() < 1e-15);
        assert_eq!((zt[(0, 1)], zt[(0, 2)]), (0.0, 0.0));
    }
}
