//! Correlations: Pearson (exact and 1e-8-epsilon variants, per column), Spearman,
//! Kendall τ_a and τ_b with ties (METRICS §0.5, §4.2).

use ndarray::{Array1, ArrayView1, ArrayView2};

use crate::error::{MetricsError, Result};

/// Epsilon added to each centred column's Euclidean norm by the epsilon variant.
pub const PEARSON_EPSILON: f64 = 1e-8;

/// Which Pearson correlation to compute (METRICS §0.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PearsonVariant {
    /// scipy `pearsonr`: NaN for a constant vector or fewer than 2 finite pairs.
    Exact,
    /// brainscore_language: 1e-8 added to each centred norm; a constant column gives 0.
    #[default]
    Epsilon,
}

fn finite_pairs(x: ArrayView1<f64>, y: ArrayView1<f64>) -> (Vec<f64>, Vec<f64>) {
    x.iter()
        .zip(y.iter())
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| (*a, *b))
        .unzip()
}

fn centre(v: &[f64]) -> Vec<f64> {
    let m = v.iter().sum::<f64>() / v.len() as f64;
    v.iter().map(|x| x - m).collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Exact Pearson r over the finite pairs of `x` and `y` (same length); NaN when fewer than
/// 2 finite pairs remain or either vector is constant. Clipped to [−1, 1] like scipy.
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    pearson_view(
        ArrayView1::from(x),
        ArrayView1::from(y),
        PearsonVariant::Exact,
    )
}

/// The standard normal's 97.5th percentile (scipy.stats.norm.ppf(0.975)).
pub const Z_975: f64 = 1.959963984540054;

/// The 95 % interval of a Pearson r over `n` pairs by Fisher's z transform,
/// tanh(atanh r ± 1.96 / sqrt(n − 3)) (METRICS §10.4). `None` when n < 4, |r| ≥ 1 or r is
/// not finite — no interval can be given.
pub fn fisher_interval_95(r: f64, n: usize) -> Option<(f64, f64)> {
    if n < 4 || !r.is_finite() || r.abs() >= 1.0 {
        return None;
    }
    let z = r.atanh();
    let half = Z_975 / ((n - 3) as f64).sqrt();
    Some(((z - half).tanh(), (z + half).tanh()))
}

/// Pearson r of two equally long vectors with the chosen variant, over their finite pairs.
pub fn pearson_view(x: ArrayView1<f64>, y: ArrayView1<f64>, variant: PearsonVariant) -> f64 {
    let (a, b) = finite_pairs(x, y);
    match variant {
        PearsonVariant::Exact => {
            if a.len() < 2 || a.iter().all(|v| *v == a[0]) || b.iter().all(|v| *v == b[0]) {
                return f64::NAN;
            }
            let (ac, bc) = (centre(&a), centre(&b));
            // scale by the largest magnitude first, as scipy does, to avoid overflow
            let amax = ac.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let bmax = bc.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let ac: Vec<f64> = ac.iter().map(|v| v / amax).collect();
            let bc: Vec<f64> = bc.iter().map(|v| v / bmax).collect();
            let r = dot(&ac, &bc) / (dot(&ac, &ac).sqrt() * dot(&bc, &bc).sqrt());
            r.clamp(-1.0, 1.0)
        }
        PearsonVariant::Epsilon => {
            if a.is_empty() {
                return f64::NAN;
            }
            let (ac, bc) = (centre(&a), centre(&b));
            let na = dot(&ac, &ac).sqrt() + PEARSON_EPSILON;
            let nb = dot(&bc, &bc).sqrt() + PEARSON_EPSILON;
            dot(&ac, &bc) / (na * nb)
        }
    }
}

/// Column-wise Pearson r between `a[:, j]` and `b[:, j]` (METRICS §0.5).
/// Errors on empty input, different shapes, or a column without any finite value.
pub fn pearson_columns(
    a: ArrayView2<f64>,
    b: ArrayView2<f64>,
    variant: PearsonVariant,
) -> Result<Array1<f64>> {
    if a.dim() != b.dim() {
        return Err(MetricsError::shape(
            "pearson_columns",
            format!("{:?}", a.dim()),
            format!("{:?}", b.dim()),
        ));
    }
    if a.is_empty() {
        return Err(MetricsError::Empty {
            what: "pearson_columns",
        });
    }
    for (what, m) in [
        ("pearson_columns (first input)", a.view()),
        ("pearson_columns (second input)", b.view()),
    ] {
        if let Some(col) = m
            .columns()
            .into_iter()
            .position(|c| c.iter().all(|v| !v.is_finite()))
        {
            return Err(MetricsError::AllNan { what, col });
        }
    }
    Ok(a.columns()
        .into_iter()
        .zip(b.columns())
        .map(|(x, y)| pearson_view(x, y, variant))
        .collect())
}

/// Ranks 1..n with ties given the average of their ranks (scipy `rankdata`, "average").
pub fn rankdata(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&i, &j| x[i].total_cmp(&x[j]));
    let mut ranks = vec![0.0; n];
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && x[idx[j]] == x[idx[i]] {
            j += 1;
        }
        let r = (i + j + 1) as f64 / 2.0;
        for &k in &idx[i..j] {
            ranks[k] = r;
        }
        i = j;
    }
    ranks
}

fn check_pair(what: &'static str, x: &[f64], y: &[f64]) -> Result<()> {
    if x.len() != y.len() {
        return Err(MetricsError::shape(
            what,
            format!("{} values", x.len()),
            format!("{} values", y.len()),
        ));
    }
    MetricsError::at_least(what, "values", x.len(), 2)?;
    for (col, v) in [x, y].iter().enumerate() {
        if let Some(row) = v.iter().position(|a| !a.is_finite()) {
            return Err(MetricsError::NonFinite { what, row, col });
        }
    }
    Ok(())
}

/// Spearman ρ: Pearson r of the average ranks (scipy `spearmanr`). NaN if a vector is
/// constant; errors on different lengths, fewer than 2 values or non-finite values.
pub fn spearman(x: &[f64], y: &[f64]) -> Result<f64> {
    check_pair("spearman", x, y)?;
    Ok(pearson(&rankdata(x), &rankdata(y)))
}

/// Pair counts underlying Kendall's τ (all counts are numbers of unordered pairs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KendallCounts {
    /// Total pairs n(n−1)/2.
    pub pairs: u64,
    /// Pairs tied in x.
    pub ties_x: u64,
    /// Pairs tied in y.
    pub ties_y: u64,
    /// Pairs tied in both.
    pub ties_xy: u64,
    /// Discordant pairs (strictly opposite order).
    pub discordant: u64,
}

impl KendallCounts {
    /// Concordant minus discordant pairs (pairs tied in either vector count 0).
    pub fn numerator(&self) -> i64 {
        self.pairs as i64 - self.ties_x as i64 - self.ties_y as i64 + self.ties_xy as i64
            - 2 * self.discordant as i64
    }
}

fn tie_pairs<F: Fn(usize, usize) -> bool>(order: &[usize], eq: F) -> u64 {
    let mut total = 0u64;
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && eq(order[i], order[j]) {
            j += 1;
        }
        let t = (j - i) as u64;
        total += t * (t - 1) / 2;
        i = j;
    }
    total
}

/// Counts strict inversions of `v` by merge sort (stable: equal values are not inversions).
fn count_inversions(v: &mut [f64], buf: &mut [f64]) -> u64 {
    let n = v.len();
    if n < 2 {
        return 0;
    }
    let mid = n / 2;
    let mut inv = count_inversions(&mut v[..mid], &mut buf[..mid])
        + count_inversions(&mut v[mid..], &mut buf[mid..]);
    let (mut i, mut j, mut k) = (0, mid, 0);
    while i < mid && j < n {
        if v[i] <= v[j] {
            buf[k] = v[i];
            i += 1;
        } else {
            buf[k] = v[j];
            inv += (mid - i) as u64;
            j += 1;
        }
        k += 1;
    }
    buf[k..k + mid - i].copy_from_slice(&v[i..mid]);
    k += mid - i;
    buf[k..k + n - j].copy_from_slice(&v[j..n]);
    v.copy_from_slice(&buf[..n]);
    inv
}

/// Exact pair counts for Kendall's τ in O(n log n) (Knight's algorithm).
pub fn kendall_counts(x: &[f64], y: &[f64]) -> Result<KendallCounts> {
    check_pair("kendall", x, y)?;
    let n = x.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| x[i].total_cmp(&x[j]).then(y[i].total_cmp(&y[j])));
    let ties_x = tie_pairs(&order, |i, j| x[i] == x[j]);
    let ties_xy = tie_pairs(&order, |i, j| x[i] == x[j] && y[i] == y[j]);
    let mut ys: Vec<f64> = order.iter().map(|&i| y[i]).collect();
    let mut buf = vec![0.0; n];
    let discordant = count_inversions(&mut ys, &mut buf);
    // ys is now sorted by y
    let sorted_idx: Vec<usize> = (0..n).collect();
    let ties_y = tie_pairs(&sorted_idx, |i, j| ys[i] == ys[j]);
    Ok(KendallCounts {
        pairs: (n as u64) * (n as u64 - 1) / 2,
        ties_x,
        ties_y,
        ties_xy,
        discordant,
    })
}

/// Kendall τ_a = (concordant − discordant) / (n(n−1)/2); tied pairs count 0 but stay in
/// the denominator (rsatoolbox "tau-a", Nili et al. 2014).
pub fn kendall_tau_a(x: &[f64], y: &[f64]) -> Result<f64> {
    let c = kendall_counts(x, y)?;
    Ok(c.numerator() as f64 / c.pairs as f64)
}

/// Kendall τ_b = (C − D) / sqrt((P − T_x)(P − T_y)) (scipy `kendalltau` default);
/// NaN when either vector is constant.
pub fn kendall_tau_b(x: &[f64], y: &[f64]) -> Result<f64> {
    let c = kendall_counts(x, y)?;
    let (px, py) = ((c.pairs - c.ties_x) as f64, (c.pairs - c.ties_y) as f64);
    if px == 0.0 || py == 0.0 {
        return Ok(f64::NAN);
    }
    Ok((c.numerator() as f64 / px.sqrt() / py.sqrt()).clamp(-1.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tau_a_brute(x: &[f64], y: &[f64]) -> f64 {
        let n = x.len();
        let mut s = 0.0;
        for i in 0..n {
            for j in i + 1..n {
                s += (x[i] - x[j]).signum()
                    * (y[i] - y[j]).signum()
                    * f64::from(x[i] != x[j] && y[i] != y[j]);
            }
        }
        s / (n * (n - 1) / 2) as f64
    }

    #[test]
    fn tau_a_matches_brute_force_with_ties() {
        let x = [1.0, 2.0, 2.0, 3.0, 1.0, 5.0, 5.0, 0.5];
        let y = [0.0, 1.0, 1.0, 0.0, 2.0, 2.0, 3.0, 3.0];
        assert!((kendall_tau_a(&x, &y).unwrap() - tau_a_brute(&x, &y)).abs() < 1e-15);
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(rankdata(&[10.0, 20.0, 10.0, 5.0]), vec![2.5, 4.0, 2.5, 1.0]);
    }

    #[test]
    fn pearson_variants_on_constant() {
        let x = [1.0, 2.0, 3.0];
        let c = [2.0, 2.0, 2.0];
        assert!(pearson(&x, &c).is_nan());
        assert_eq!(
            pearson_view(
                ArrayView1::from(&x),
                ArrayView1::from(&c),
                PearsonVariant::Epsilon
            ),
            0.0
        );
    }

    #[test]
    fn errors() {
        assert!(spearman(&[1.0], &[1.0]).is_err());
        assert!(kendall_tau_a(&[1.0, f64::NAN], &[1.0, 2.0]).is_err());
        let a = ndarray::Array2::<f64>::from_elem((3, 2), f64::NAN);
        assert!(matches!(
            pearson_columns(a.view(), a.view(), PearsonVariant::Exact),
            Err(MetricsError::AllNan { .. })
        ));
    }

    #[test]
    fn fisher_interval_is_the_z_interval() {
        // r = -0.5, n = 6: tanh(atanh(-0.5) ± 1.96 / sqrt(3)) = (-0.93298, 0.52432)
        let (lo, hi) = fisher_interval_95(-0.5, 6).unwrap();
        assert!(
            (lo + 0.93298).abs() < 1e-4 && (hi - 0.52432).abs() < 1e-4,
            "{lo} {hi}"
        );
        assert_eq!(fisher_interval_95(0.3, 3), None);
        assert_eq!(fisher_interval_95(1.0, 10), None);
        assert_eq!(fisher_interval_95(f64::NAN, 10), None);
    }
}
