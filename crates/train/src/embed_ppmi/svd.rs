//! A sparse CSR matrix and a randomised truncated SVD of it (Halko, Martinsson & Tropp 2011,
//! SIAM Review, Algorithm 4.4 with subspace iteration): the matrix is only ever multiplied
//! with tall-thin dense blocks, so a 20 000 × 20 000 PPMI matrix is never densified. Dense
//! QR and the small SVD are faer's. Deterministic: the test matrix comes from a seeded
//! ChaCha8 stream and every product row is computed by one thread.

use faer::Mat;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

/// Compressed sparse rows, `f64` values.
#[derive(Debug, Clone, PartialEq)]
pub struct Csr {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// Row `r` holds entries `indptr[r]..indptr[r + 1]`.
    pub indptr: Vec<usize>,
    /// Column of each entry.
    pub indices: Vec<u32>,
    /// Value of each entry.
    pub values: Vec<f64>,
}

impl Csr {
    /// Stored entries.
    pub fn nnz(&self) -> usize {
        self.values.len()
    }

    /// `self · x` for a dense `x` of `cols` rows.
    pub fn mul_dense(&self, x: &Mat<f64>) -> Mat<f64> {
        let k = x.ncols();
        // row-major copy of x, so the inner loop runs over contiguous rows
        let xr: Vec<f64> = (0..x.nrows())
            .flat_map(|i| (0..k).map(move |j| x[(i, j)]))
            .collect();
        let rows: Vec<Vec<f64>> = (0..self.rows)
            .into_par_iter()
            .map(|r| {
                let mut acc = vec![0.0; k];
                for e in self.indptr[r]..self.indptr[r + 1] {
                    let (c, v) = (self.indices[e] as usize, self.values[e]);
                    for (a, xv) in acc.iter_mut().zip(&xr[c * k..(c + 1) * k]) {
                        *a += v * xv;
                    }
                }
                acc
            })
            .collect();
        Mat::from_fn(self.rows, k, |i, j| rows[i][j])
    }

    /// The transpose (also CSR).
    pub fn transpose(&self) -> Csr {
        let mut counts = vec![0usize; self.cols + 1];
        for &c in &self.indices {
            counts[c as usize + 1] += 1;
        }
        for i in 0..self.cols {
            counts[i + 1] += counts[i];
        }
        let mut next = counts.clone();
        let mut indices = vec![0u32; self.nnz()];
        let mut values = vec![0.0; self.nnz()];
        for r in 0..self.rows {
            for e in self.indptr[r]..self.indptr[r + 1] {
                let c = self.indices[e] as usize;
                indices[next[c]] = r as u32;
                values[next[c]] = self.values[e];
                next[c] += 1;
            }
        }
        Csr {
            rows: self.cols,
            cols: self.rows,
            indptr: counts,
            indices,
            values,
        }
    }
}

/// Rank-`k` truncated SVD: `(U [rows × k], singular values, V [cols × k])`.
#[derive(Debug, Clone)]
pub struct TruncatedSvd {
    /// Left singular vectors.
    pub u: Mat<f64>,
    /// Singular values, non-increasing.
    pub s: Vec<f64>,
    /// Right singular vectors.
    pub v: Mat<f64>,
}

fn orthonormal_basis(y: &Mat<f64>) -> Mat<f64> {
    y.qr().compute_thin_Q()
}

/// Randomised truncated SVD of `a` with `k` components, `oversample` extra columns and
/// `power_iterations` rounds of subspace iteration, seeded by `seed`. Each singular-vector
/// pair's sign is fixed so that U's largest-magnitude entry in that column is positive.
pub fn randomized_svd(
    a: &Csr,
    k: usize,
    oversample: usize,
    power_iterations: usize,
    seed: u64,
) -> Result<TruncatedSvd, String> {
    let l = (k + oversample).min(a.rows.min(a.cols));
    if k == 0 || k > l {
        return Err(format!(
            "rank {k} is not possible for a {} × {} matrix",
            a.rows, a.cols
        ));
    }
    let at = a.transpose();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let omega = Mat::from_fn(a.cols, l, |_, _| StandardNormal.sample(&mut rng));
    let mut q = orthonormal_basis(&a.mul_dense(&omega));
    for _ in 0..power_iterations {
        let z = orthonormal_basis(&at.mul_dense(&q));
        q = orthonormal_basis(&a.mul_dense(&z));
    }
    // B = Qᵀ A (l × cols) = (Aᵀ Q)ᵀ
    let bt = at.mul_dense(&q);
    let svd = bt
        .thin_svd()
        .map_err(|e| format!("SVD of the {l}-column sketch: {e:?}"))?;
    // Bᵀ = V_b Σ U_bᵀ  →  A ≈ Q U_b Σ V_bᵀ
    let (vb, ub) = (svd.U(), svd.V());
    let s: Vec<f64> = (0..k).map(|i| svd.S()[i]).collect();
    let mut u: Mat<f64> = &q * ub.subcols(0, k);
    let mut v = Mat::from_fn(a.cols, k, |i, j| vb[(i, j)]);
    for j in 0..k {
        let (mut best, mut sign) = (0.0f64, 1.0);
        for i in 0..a.rows {
            if u[(i, j)].abs() > best {
                best = u[(i, j)].abs();
                sign = u[(i, j)].signum();
            }
        }
        if sign < 0.0 {
            for i in 0..a.rows {
                u[(i, j)] = -u[(i, j)];
            }
            for i in 0..a.cols {
                v[(i, j)] = -v[(i, j)];
            }
        }
    }
    Ok(TruncatedSvd { u, s, v })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sparse matrix with a decaying spectrum: a scaled diagonal (100 · 0.7^i) plus
    /// sparse small noise.
    fn sample(rows: usize, cols: usize) -> Csr {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let dense = Mat::from_fn(rows, cols, |i, j| {
            let noise: f64 = StandardNormal.sample(&mut rng);
            let diag = if i == j {
                100.0 * 0.7f64.powi(i as i32)
            } else {
                0.0
            };
            if i == j || (i * 31 + j * 17) % 4 == 0 {
                diag + 0.01 * noise
            } else {
                0.0
            }
        });
        let (mut indptr, mut indices, mut values) = (vec![0], Vec::new(), Vec::new());
        for i in 0..rows {
            for j in 0..cols {
                if dense[(i, j)] != 0.0 {
                    indices.push(j as u32);
                    values.push(dense[(i, j)]);
                }
            }
            indptr.push(indices.len());
        }
        Csr {
            rows,
            cols,
            indptr,
            indices,
            values,
        }
    }

    fn densify(a: &Csr) -> Mat<f64> {
        let mut m = Mat::zeros(a.rows, a.cols);
        for r in 0..a.rows {
            for e in a.indptr[r]..a.indptr[r + 1] {
                m[(r, a.indices[e] as usize)] = a.values[e];
            }
        }
        m
    }

    #[test]
    fn matches_the_dense_svd_on_the_leading_values_and_is_deterministic() {
        let a = sample(120, 90);
        let exact = densify(&a).thin_svd().unwrap();
        let r = randomized_svd(&a, 6, 10, 3, 1).unwrap();
        for i in 0..6 {
            let want = exact.S()[i];
            assert!(
                (r.s[i] - want).abs() <= 1e-6 * want.max(1.0),
                "{i}: {} vs {want}",
                r.s[i]
            );
        }
        // U Σ Vᵀ reproduces A's projection on those components: check A v_j = s_j u_j
        let dense = densify(&a);
        for j in 0..6 {
            for i in 0..a.rows {
                let av: f64 = (0..a.cols).map(|c| dense[(i, c)] * r.v[(c, j)]).sum();
                assert!((av - r.s[j] * r.u[(i, j)]).abs() < 1e-6, "{i},{j}");
            }
        }
        let again = randomized_svd(&a, 6, 10, 3, 1).unwrap();
        assert_eq!(r.s, again.s);
        assert_eq!(r.u, again.u);
    }

    #[test]
    fn transpose_round_trips() {
        let a = sample(13, 7);
        assert_eq!(a.transpose().transpose(), a);
    }
}
