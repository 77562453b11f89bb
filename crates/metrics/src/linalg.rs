//! Thin bridge between ndarray and faer: conversions, products and the two
//! decompositions the regressions need (symmetric eigen, thin SVD).

use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, MatRef, Side};
use ndarray::{Array2, ArrayView2};

use crate::error::{MetricsError, Result};

/// Copies an ndarray matrix into a faer matrix.
pub(crate) fn to_mat(a: ArrayView2<f64>) -> Mat<f64> {
    Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[[i, j]])
}

/// Copies a faer matrix into an ndarray matrix.
pub(crate) fn to_array(m: MatRef<'_, f64>) -> Array2<f64> {
    Array2::from_shape_fn((m.nrows(), m.ncols()), |(i, j)| m[(i, j)])
}

/// `a · b` (no transposes; pass `x.transpose()` for those).
pub(crate) fn mm(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Mat<f64> {
    let mut out = Mat::zeros(a.nrows(), b.ncols());
    matmul(
        out.as_mut(),
        Accum::Replace,
        a,
        b,
        1.0,
        faer::get_global_parallelism(),
    );
    out
}

/// Column means of `a`.
pub(crate) fn col_means(a: MatRef<'_, f64>) -> Vec<f64> {
    let n = a.nrows() as f64;
    (0..a.ncols())
        .map(|j| a.col(j).iter().sum::<f64>() / n)
        .collect()
}

/// `a` with `means[j]` subtracted from every entry of column `j`.
pub(crate) fn subtract_col_means(a: MatRef<'_, f64>, means: &[f64]) -> Mat<f64> {
    Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[(i, j)] - means[j])
}

/// Rows `rows` of `a`, in that order.
pub(crate) fn gather_rows(a: MatRef<'_, f64>, rows: &[usize]) -> Mat<f64> {
    Mat::from_fn(rows.len(), a.ncols(), |i, j| a[(rows[i], j)])
}

/// Symmetric eigendecomposition (lower triangle used): eigenvalues ascending and the
/// eigenvectors as columns.
pub(crate) fn sym_eigen(a: MatRef<'_, f64>) -> Result<(Vec<f64>, Mat<f64>)> {
    let evd = a
        .self_adjoint_eigen(Side::Lower)
        .map_err(|_| MetricsError::Decomposition {
            what: "symmetric eigendecomposition",
        })?;
    let s = evd.S().column_vector();
    let values = (0..s.nrows()).map(|i| s[i]).collect();
    Ok((values, evd.U().to_owned()))
}

/// Thin SVD `a = U diag(s) Vᵀ`, singular values non-increasing.
pub(crate) fn thin_svd(a: MatRef<'_, f64>) -> Result<(Mat<f64>, Vec<f64>, Mat<f64>)> {
    let svd = a.thin_svd().map_err(|_| MetricsError::Decomposition {
        what: "singular value decomposition",
    })?;
    let s = svd.S().column_vector();
    let values = (0..s.nrows()).map(|i| s[i]).collect();
    Ok((svd.U().to_owned(), values, svd.V().to_owned()))
}

/// Solves `a x = b` for symmetric positive definite `a` (Cholesky).
pub(crate) fn solve_spd(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Result<Mat<f64>> {
    let llt = a
        .llt(Side::Lower)
        .map_err(|_| MetricsError::Decomposition {
            what: "Cholesky factorisation",
        })?;
    use faer::linalg::solvers::Solve;
    Ok(llt.solve(b))
}

/// Index of the column of `q` with the largest |cosine| to the constant vector
/// (first one on ties), i.e. scikit-learn's `_find_smallest_angle` for unit weights.
pub(crate) fn intercept_direction(q: MatRef<'_, f64>) -> usize {
    let mut best = 0;
    let mut best_val = f64::NEG_INFINITY;
    let norm = (q.nrows() as f64).sqrt();
    for k in 0..q.ncols() {
        let v = (q.col(k).iter().map(|x| x / norm).sum::<f64>()).abs();
        if v > best_val {
            best_val = v;
            best = k;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigen_and_svd_reconstruct() {
        let a = Mat::from_fn(4, 3, |i, j| ((i * 3 + j) as f64).sin());
        let (u, s, v) = thin_svd(a.as_ref()).unwrap();
        let us = Mat::from_fn(4, 3, |i, j| u[(i, j)] * s[j]);
        let back = mm(us.as_ref(), v.transpose());
        for i in 0..4 {
            for j in 0..3 {
                assert!((back[(i, j)] - a[(i, j)]).abs() < 1e-12);
            }
        }
        let g = mm(a.transpose(), a.as_ref());
        let (l, _) = sym_eigen(g.as_ref()).unwrap();
        let mut s2: Vec<f64> = s.iter().map(|x| x * x).collect();
        s2.reverse();
        for (x, y) in l.iter().zip(&s2) {
            assert!((x - y).abs() < 1e-12);
        }
    }
}
