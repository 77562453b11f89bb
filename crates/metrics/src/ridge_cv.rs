//! Exact leave-one-out errors of ridge regression over an α grid, with scikit-learn's
//! `RidgeCV` numerics (METRICS §1.3.3): one decomposition per training set, reused for
//! every α; "gram" mode when n ≤ p, "svd" mode when n > p.

use faer::{Mat, MatRef};

use crate::error::Result;
use crate::linalg::{intercept_direction, mm, sym_eigen, thin_svd};

/// Outcome of the leave-one-out scan on one training set.
pub(crate) struct LooResult {
    /// Chosen α (lowest mean squared LOO error; first on ties).
    pub alpha: f64,
    /// Mean squared LOO error per α, in grid order.
    pub mse: Vec<f64>,
    /// Dual coefficients `c` (n × t) of the chosen α: predictions are `k(x, X_c) · c`.
    pub dual: Mat<f64>,
}

/// Scans the grid given per-α closures producing `(c, g)` and keeps the best α.
fn scan(alphas: &[f64], mut solve: impl FnMut(f64) -> (Mat<f64>, Vec<f64>)) -> LooResult {
    let mut best: Option<(f64, f64, Mat<f64>)> = None;
    let mut mse = Vec::with_capacity(alphas.len());
    for &alpha in alphas {
        let (c, g) = solve(alpha);
        let mut sum = 0.0;
        for j in 0..c.ncols() {
            for i in 0..c.nrows() {
                let e = c[(i, j)] / g[i];
                sum += e * e;
            }
        }
        let m = sum / (c.nrows() * c.ncols()) as f64;
        mse.push(m);
        // scikit-learn keeps the first α unless a later score is strictly greater
        let better = match &best {
            None => true,
            Some((_, best_m, _)) => -m > -best_m,
        };
        if better {
            best = Some((alpha, m, c));
        }
    }
    let (alpha, _, dual) = best.unwrap_or((alphas[0], f64::NAN, Mat::zeros(0, 0)));
    LooResult { alpha, mse, dual }
}

/// Gram mode: `k0` = X_c X_cᵀ (n × n, centred training features), `yc` centred targets.
pub(crate) fn loo_gram(
    k0: MatRef<'_, f64>,
    yc: MatRef<'_, f64>,
    alphas: &[f64],
) -> Result<LooResult> {
    let n = k0.nrows();
    // K = X_c X_cᵀ + 11ᵀ gives the intercept direction the eigenvalue n
    let k = Mat::from_fn(n, n, |i, j| k0[(i, j)] + 1.0);
    let (lambda, q) = sym_eigen(k.as_ref())?;
    let int = intercept_direction(q.as_ref());
    let qty = mm(q.transpose(), yc);
    let q2 = Mat::from_fn(n, n, |i, k| q[(i, k)] * q[(i, k)]);
    Ok(scan(alphas, |alpha| {
        let w: Vec<f64> = (0..n)
            .map(|k| {
                if k == int {
                    0.0
                } else {
                    1.0 / (lambda[k] + alpha)
                }
            })
            .collect();
        let scaled = Mat::from_fn(n, qty.ncols(), |k, j| w[k] * qty[(k, j)]);
        let c = mm(q.as_ref(), scaled.as_ref());
        let g = (0..n)
            .map(|i| (0..n).map(|k| w[k] * q2[(i, k)]).sum())
            .collect();
        (c, g)
    }))
}

/// SVD mode: `xc` = centred training features (n × p, n > p), `yc` centred targets.
pub(crate) fn loo_svd(
    xc: MatRef<'_, f64>,
    yc: MatRef<'_, f64>,
    alphas: &[f64],
) -> Result<LooResult> {
    let (n, p) = (xc.nrows(), xc.ncols());
    let z = Mat::from_fn(n, p + 1, |i, j| if j < p { xc[(i, j)] } else { 1.0 });
    let (u, s, _) = thin_svd(z.as_ref())?;
    let r = s.len();
    let int = intercept_direction(u.as_ref());
    let uty = mm(u.transpose(), yc);
    let u2 = Mat::from_fn(n, r, |i, k| u[(i, k)] * u[(i, k)]);
    Ok(scan(alphas, |alpha| {
        let inv_a = 1.0 / alpha;
        let w: Vec<f64> = (0..r)
            .map(|k| {
                if k == int {
                    -inv_a
                } else {
                    1.0 / (s[k] * s[k] + alpha) - inv_a
                }
            })
            .collect();
        let scaled = Mat::from_fn(r, uty.ncols(), |k, j| w[k] * uty[(k, j)]);
        let mut c = mm(u.as_ref(), scaled.as_ref());
        for j in 0..c.ncols() {
            for i in 0..n {
                c[(i, j)] += inv_a * yc[(i, j)];
            }
        }
        let g = (0..n)
            .map(|i| (0..r).map(|k| w[k] * u2[(i, k)]).sum::<f64>() + inv_a)
            .collect();
        (c, g)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::{col_means, subtract_col_means};

    /// Brute-force LOO: refit ridge (with re-centring) without each row.
    fn brute(x: &Mat<f64>, y: &Mat<f64>, alpha: f64) -> f64 {
        let n = x.nrows();
        let mut sum = 0.0;
        for i in 0..n {
            let rows: Vec<usize> = (0..n).filter(|&r| r != i).collect();
            let xt = crate::linalg::gather_rows(x.as_ref(), &rows);
            let yt = crate::linalg::gather_rows(y.as_ref(), &rows);
            let xm = col_means(xt.as_ref());
            let ym = col_means(yt.as_ref());
            let xc = subtract_col_means(xt.as_ref(), &xm);
            let yc = subtract_col_means(yt.as_ref(), &ym);
            let mut a = mm(xc.transpose(), xc.as_ref());
            for d in 0..a.nrows() {
                a[(d, d)] += alpha;
            }
            let b = crate::linalg::solve_spd(a.as_ref(), mm(xc.transpose(), yc.as_ref()).as_ref())
                .unwrap();
            for j in 0..y.ncols() {
                let pred: f64 = ym[j]
                    + (0..x.ncols())
                        .map(|f| (x[(i, f)] - xm[f]) * b[(f, j)])
                        .sum::<f64>();
                sum += (y[(i, j)] - pred).powi(2);
            }
        }
        sum / (n * y.ncols()) as f64
    }

    fn check(n: usize, p: usize) {
        let x = Mat::from_fn(n, p, |i, j| {
            ((i * 31 + j * 17) as f64 * 0.37).sin() + 0.3 * j as f64
        });
        let y = Mat::from_fn(n, 2, |i, j| {
            x[(i, 0)] * (j as f64 + 1.0) + ((i * 13 + j) as f64).cos()
        });
        let xc = subtract_col_means(x.as_ref(), &col_means(x.as_ref()));
        let yc = subtract_col_means(y.as_ref(), &col_means(y.as_ref()));
        let alphas = [0.01, 1.0, 100.0];
        let r = if n > p {
            loo_svd(xc.as_ref(), yc.as_ref(), &alphas).unwrap()
        } else {
            loo_gram(
                mm(xc.as_ref(), xc.transpose()).as_ref(),
                yc.as_ref(),
                &alphas,
            )
            .unwrap()
        };
        for (k, &a) in alphas.iter().enumerate() {
            let b = brute(&x, &y, a);
            assert!(
                (r.mse[k] - b).abs() <= 1e-9 * b,
                "n={n} p={p} alpha={a}: {} vs {b}",
                r.mse[k]
            );
        }
    }

    #[test]
    fn loo_matches_brute_force_svd_mode() {
        check(15, 4);
    }

    #[test]
    fn loo_matches_brute_force_gram_mode() {
        check(9, 14);
    }
}
