//! Representational similarity analysis (METRICS §4): correlation-distance RDMs, RDM
//! comparison on the upper triangle, and the Nili et al. 2014 noise ceiling.

use ndarray::{Array2, ArrayView2};

use crate::correlation::{kendall_tau_a, kendall_tau_b, pearson, rankdata, spearman};
use crate::error::{MetricsError, Result};

/// An RDM together with the conditions whose pattern was constant.
#[derive(Clone, Debug, PartialEq)]
pub struct Rdm {
    /// N × N dissimilarities `1 − Pearson(P_a, P_b)`, symmetric, zero diagonal.
    pub matrix: Array2<f64>,
    /// Conditions with a constant pattern: their dissimilarities were set to 1 (warn).
    pub constant_conditions: Vec<usize>,
}

/// Correlation-distance RDM of `patterns` (conditions × units), `1 − corrcoef(P)`
/// (METRICS §4.1). A constant row gets dissimilarity 1 to every other condition.
/// Errors on fewer than 2 conditions, fewer than 2 units, or non-finite values.
pub fn rdm(patterns: ArrayView2<f64>) -> Result<Rdm> {
    let (n, u) = patterns.dim();
    MetricsError::at_least("rdm", "conditions", n, 2)?;
    MetricsError::at_least("rdm", "units", u, 2)?;
    if let Some(((row, col), _)) = patterns.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(MetricsError::NonFinite {
            what: "rdm patterns",
            row,
            col,
        });
    }
    // centre rows, as numpy.corrcoef does; then covariance / sqrt(var_a · var_b)
    let mut c = patterns.to_owned();
    for mut row in c.rows_mut() {
        let m = row.sum() / u as f64;
        row -= m;
    }
    let cm = crate::linalg::to_mat(c.view());
    let cov = crate::linalg::mm(cm.as_ref(), cm.transpose());
    let d: Vec<f64> = (0..n).map(|i| cov[(i, i)]).collect();
    let constant: Vec<usize> = (0..n)
        .filter(|&i| d[i] == 0.0 || patterns.row(i).iter().all(|v| *v == patterns[[i, 0]]))
        .collect();
    let mut out = Array2::zeros((n, n));
    for i in 0..n {
        for j in 0..n {
            if i == j {
                continue;
            }
            out[[i, j]] = if constant.contains(&i) || constant.contains(&j) {
                1.0
            } else {
                let r = cov[(i, j)] / d[i].sqrt() / d[j].sqrt();
                1.0 - r.clamp(-1.0, 1.0)
            };
        }
    }
    // exact symmetry
    for i in 0..n {
        for j in i + 1..n {
            out[[j, i]] = out[[i, j]];
        }
    }
    Ok(Rdm {
        matrix: out,
        constant_conditions: constant,
    })
}

/// Strictly upper triangle of a square matrix in row-major order (numpy `triu_indices(N, 1)`).
pub fn upper_triangle(m: ArrayView2<f64>) -> Result<Vec<f64>> {
    let (n, k) = m.dim();
    if n != k {
        return Err(MetricsError::shape(
            "upper_triangle",
            "a square matrix",
            format!("{n} × {k}"),
        ));
    }
    Ok((0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .map(|(i, j)| m[[i, j]])
        .collect())
}

/// How two RDM vectors are compared (METRICS §4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaMethod {
    /// Spearman ρ (average ranks for ties): brainprobe's primary similarity.
    Spearman,
    /// Kendall τ_a (rsatoolbox "tau-a").
    KendallTauA,
    /// Kendall τ_b (scipy default), reference only.
    KendallTauB,
    /// Pearson r, reference only.
    Pearson,
}

impl RsaMethod {
    /// Whether the Nili pooling for this similarity averages ranks.
    pub fn is_rank_based(self) -> bool {
        !matches!(self, RsaMethod::Pearson)
    }
}

/// Similarity of two RDM upper-triangle vectors by `method`.
pub fn compare(a: &[f64], b: &[f64], method: RsaMethod) -> Result<f64> {
    match method {
        RsaMethod::Spearman => spearman(a, b),
        RsaMethod::KendallTauA => kendall_tau_a(a, b),
        RsaMethod::KendallTauB => kendall_tau_b(a, b),
        RsaMethod::Pearson => {
            if a.len() != b.len() {
                return Err(MetricsError::shape(
                    "compare",
                    format!("{} values", a.len()),
                    format!("{} values", b.len()),
                ));
            }
            Ok(pearson(a, b))
        }
    }
}

/// How subject RDMs are pooled for the Nili ceiling (METRICS §4.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pooling {
    /// Mean of rank-transformed vectors (rsatoolbox / Nili, for rank-based similarities).
    RankAverage,
    /// Mean of z-scored vectors (rsatoolbox, for Pearson).
    ZScoreAverage,
    /// Mean of raw dissimilarities (Brain-Score vision `RSACeiling`).
    RawAverage,
}

impl Pooling {
    /// rsatoolbox's pooling rule for `method`.
    pub fn for_method(method: RsaMethod) -> Pooling {
        if method.is_rank_based() {
            Pooling::RankAverage
        } else {
            Pooling::ZScoreAverage
        }
    }
}

/// Nili lower and upper bounds with the per-subject values behind them.
#[derive(Clone, Debug, PartialEq)]
pub struct NiliBounds {
    /// Mean over subjects of sim(subject, pool of the others).
    pub lower: f64,
    /// Mean over subjects of sim(subject, pool of all).
    pub upper: f64,
    /// Per-subject leave-one-out similarities.
    pub lower_each: Vec<f64>,
    /// Per-subject similarities to the pool of all.
    pub upper_each: Vec<f64>,
}

fn check_vectors(what: &'static str, v: &[Vec<f64>], min: usize) -> Result<usize> {
    MetricsError::at_least(what, "RDMs", v.len(), min)?;
    let m = v[0].len();
    if let Some(bad) = v.iter().find(|x| x.len() != m) {
        return Err(MetricsError::shape(
            what,
            format!("{m} entries per RDM vector"),
            format!("{}", bad.len()),
        ));
    }
    Ok(m)
}

/// Element-wise mean of equally long vectors (sum in order, then divide).
pub fn mean_vectors(v: &[Vec<f64>]) -> Result<Vec<f64>> {
    let m = check_vectors("mean_vectors", v, 1)?;
    let mut out = vec![0.0; m];
    for x in v {
        for (o, a) in out.iter_mut().zip(x) {
            *o += a;
        }
    }
    Ok(out.into_iter().map(|s| s / v.len() as f64).collect())
}

fn zscore(v: &[f64]) -> Vec<f64> {
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let sd = (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64).sqrt();
    v.iter()
        .map(|x| if sd > 0.0 { (x - m) / sd } else { 0.0 })
        .collect()
}

/// Nili et al. 2014 noise ceiling of subject RDM vectors (METRICS §4.5).
pub fn nili_bounds(
    subjects: &[Vec<f64>],
    method: RsaMethod,
    pooling: Pooling,
) -> Result<NiliBounds> {
    check_vectors("nili_bounds", subjects, 2)?;
    let pooled: Vec<Vec<f64>> = match pooling {
        Pooling::RankAverage => subjects.iter().map(|v| rankdata(v)).collect(),
        Pooling::ZScoreAverage => subjects.iter().map(|v| zscore(v)).collect(),
        Pooling::RawAverage => subjects.to_vec(),
    };
    let all = mean_vectors(&pooled)?;
    let mut lower_each = Vec::with_capacity(subjects.len());
    let mut upper_each = Vec::with_capacity(subjects.len());
    for (i, v) in subjects.iter().enumerate() {
        let others: Vec<Vec<f64>> = pooled
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, x)| x.clone())
            .collect();
        upper_each.push(compare(v, &all, method)?);
        lower_each.push(compare(v, &mean_vectors(&others)?, method)?);
    }
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    Ok(NiliBounds {
        lower: mean(&lower_each),
        upper: mean(&upper_each),
        lower_each,
        upper_each,
    })
}

/// A model's RSA score against subject RDMs (METRICS §4.4).
#[derive(Clone, Debug, PartialEq)]
pub struct RsaScore {
    /// sim(model, subject) per subject.
    pub per_subject: Vec<f64>,
    /// Their mean: the raw score.
    pub raw: f64,
}

/// sim(model, subject) for every subject and their mean.
pub fn rsa_score(model: &[f64], subjects: &[Vec<f64>], method: RsaMethod) -> Result<RsaScore> {
    check_vectors("rsa_score", subjects, 1)?;
    let per_subject = subjects
        .iter()
        .map(|s| compare(model, s, method))
        .collect::<Result<Vec<_>>>()?;
    let raw = per_subject.iter().sum::<f64>() / per_subject.len() as f64;
    Ok(RsaScore { per_subject, raw })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn rdm_constant_row() {
        let p = array![[1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [3.0, 2.0, 1.0]];
        let r = rdm(p.view()).unwrap();
        assert_eq!(r.constant_conditions, vec![1]);
        assert_eq!(r.matrix[[0, 1]], 1.0);
        assert!((r.matrix[[0, 2]] - 2.0).abs() < 1e-15);
        assert_eq!(r.matrix[[1, 1]], 0.0);
    }

    #[test]
    fn upper_order() {
        let m = array![[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 3.0, 0.0]];
        assert_eq!(upper_triangle(m.view()).unwrap(), vec![1.0, 2.0, 3.0]);
        assert!(upper_triangle(array![[1.0, 2.0]].view()).is_err());
    }

    #[test]
    fn nili_needs_two_subjects() {
        assert!(nili_bounds(
            &[vec![1.0, 2.0, 3.0]],
            RsaMethod::Spearman,
            Pooling::RankAverage
        )
        .is_err());
    }
}
