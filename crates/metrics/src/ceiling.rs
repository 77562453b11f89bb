//! Noise ceilings (METRICS §2.2, §2.3) and ceiling normalisation (§0.7): Spearman–Brown,
//! split-half consistency over subjects, reliability of item means from sampling error.

use ndarray::{ArrayView1, ArrayView2, Axis};

use crate::correlation::pearson;
use crate::error::{MetricsError, Result};
use crate::rng::RandomState;
use crate::stats::{clip, median, variance};

/// Spearman–Brown prophecy: reliability of data `n` times as large, `n·r / (1 + (n − 1)·r)`.
pub fn spearman_brown(r: f64, n: f64) -> f64 {
    n * r / (1.0 + (n - 1.0) * r)
}

/// A raw score divided by a ceiling (METRICS §0.7).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Normalized {
    /// The raw score.
    pub raw: f64,
    /// The ceiling it was divided by.
    pub ceiling: f64,
    /// `raw / ceiling`, not clipped.
    pub normalized_unclipped: f64,
    /// `clip(raw / ceiling, 0, 1)`: the value plots and tables show.
    pub value: f64,
}

/// Normalises `raw` by `ceiling` and clips to [0, 1], keeping the unclipped value.
/// Errors on a ceiling that is not finite and positive.
pub fn ceiling_normalize(raw: f64, ceiling: f64) -> Result<Normalized> {
    if !(ceiling.is_finite() && ceiling > 0.0) {
        return Err(MetricsError::param(
            "ceiling",
            format!("must be finite and > 0, got {ceiling}"),
        ));
    }
    let u = raw / ceiling;
    Ok(Normalized {
        raw,
        ceiling,
        normalized_unclipped: u,
        value: clip(u, 0.0, 1.0),
    })
}

/// Split-half consistency across subjects (METRICS §2.2.2).
#[derive(Clone, Debug, PartialEq)]
pub struct SplitHalf {
    /// |Pearson r| between the two half means, per split.
    pub uncorrected: Vec<f64>,
    /// Spearman–Brown corrected (n = 2), per split.
    pub corrected: Vec<f64>,
    /// Median over splits of the corrected values: the ceiling.
    pub ceiling: f64,
    /// Per split, whether each subject is in half 1.
    pub half1: Vec<Vec<bool>>,
}

fn nanmean_rows(data: ArrayView2<f64>, cols: &[usize]) -> Vec<f64> {
    data.axis_iter(Axis(0))
        .map(|row| {
            let (s, c) = cols
                .iter()
                .map(|&j| row[j])
                .filter(|v| !v.is_nan())
                .fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
            if c == 0 {
                f64::NAN
            } else {
                s / c as f64
            }
        })
        .collect()
}

/// Split-half ceiling of an items × subjects table with missing values (NaN):
/// `RandomState(seed)`; per split half 1 = `choice(subjects, S/2, replace=False)`, half
/// means over subjects (NaN skipped), |Pearson| (exact), Spearman–Brown; median over splits.
pub fn split_half_ceiling(data: ArrayView2<f64>, n_splits: usize, seed: u32) -> Result<SplitHalf> {
    let (items, subjects) = data.dim();
    MetricsError::at_least("split_half_ceiling", "items", items, 2)?;
    MetricsError::at_least("split_half_ceiling", "subjects", subjects, 2)?;
    if n_splits == 0 {
        return Err(MetricsError::param("n_splits", "must be at least 1"));
    }
    let mut rs = RandomState::new(seed);
    let (mut uncorrected, mut corrected, mut half1) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n_splits {
        let h1 = rs.choice_without_replacement(subjects, subjects / 2);
        let mut mask = vec![false; subjects];
        for &s in &h1 {
            mask[s] = true;
        }
        let h2: Vec<usize> = (0..subjects).filter(|&s| !mask[s]).collect();
        let a = nanmean_rows(data, &h1);
        let b = nanmean_rows(data, &h2);
        let c = pearson(&a, &b).abs();
        uncorrected.push(c);
        corrected.push(spearman_brown(c, 2.0));
        half1.push(mask);
    }
    let ceiling = median(&corrected);
    Ok(SplitHalf {
        uncorrected,
        corrected,
        ceiling,
        half1,
    })
}

/// Reliability of item means from per-item mean, SD and N (METRICS §2.3).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reliability {
    /// ρ clipped to [0, 1].
    pub rho: f64,
    /// ρ = 1 − mean(sd²/n) / var(mean), before clipping.
    pub rho_unclipped: f64,
    /// Whether clipping changed ρ.
    pub clipped: bool,
    /// sqrt(ρ): the highest expected r any noise-free predictor can reach.
    pub sqrt_rho: f64,
    /// Sample variance (ddof 1) of the item means.
    pub var_observed: f64,
    /// Mean squared standard error of the item means, mean(sd²/n).
    pub error_variance: f64,
}

/// ρ = 1 − mean_i(s_i²/n_i) / var(m) over the given items (METRICS §2.3). Errors on
/// unequal lengths, fewer than 2 items, non-finite values or n ≤ 0.
pub fn sampling_error_reliability(
    mean: ArrayView1<f64>,
    sd: ArrayView1<f64>,
    n: ArrayView1<f64>,
) -> Result<Reliability> {
    let k = mean.len();
    if sd.len() != k || n.len() != k {
        return Err(MetricsError::shape(
            "sampling_error_reliability",
            format!("{k} items in each input"),
            format!("mean {k}, sd {}, n {}", sd.len(), n.len()),
        ));
    }
    MetricsError::at_least("sampling_error_reliability", "items", k, 2)?;
    for (col, v) in [mean.view(), sd.view(), n.view()].iter().enumerate() {
        if let Some(row) = v.iter().position(|x| !x.is_finite()) {
            return Err(MetricsError::NonFinite {
                what: "sampling_error_reliability",
                row,
                col,
            });
        }
    }
    if let Some(bad) = n.iter().find(|&&x| x <= 0.0) {
        return Err(MetricsError::param(
            "n",
            format!("every item needs n > 0, got {bad}"),
        ));
    }
    let error_variance = sd.iter().zip(n.iter()).map(|(s, c)| s * s / c).sum::<f64>() / k as f64;
    let var_observed = variance(&mean.to_vec(), 1);
    if var_observed <= 0.0 {
        return Err(MetricsError::param("mean", "item means have zero variance"));
    }
    let rho_unclipped = 1.0 - error_variance / var_observed;
    let rho = clip(rho_unclipped, 0.0, 1.0);
    Ok(Reliability {
        rho,
        rho_unclipped,
        clipped: rho != rho_unclipped,
        sqrt_rho: rho.sqrt(),
        var_observed,
        error_variance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn spearman_brown_edges() {
        assert_eq!(spearman_brown(1.0, 2.0), 1.0);
        assert_eq!(spearman_brown(0.0, 2.0), 0.0);
        assert_eq!(spearman_brown(-0.5, 2.0), -2.0);
    }

    #[test]
    fn normalisation_clips_and_keeps_raw() {
        let n = ceiling_normalize(0.9, 0.6).unwrap();
        assert_eq!(n.value, 1.0);
        assert!((n.normalized_unclipped - 1.5).abs() < 1e-15);
        assert!(ceiling_normalize(0.5, 0.0).is_err());
    }

    #[test]
    fn reliability_errors() {
        let m = array![1.0, 2.0];
        assert!(sampling_error_reliability(m.view(), array![1.0].view(), m.view()).is_err());
        assert!(sampling_error_reliability(m.view(), m.view(), array![0.0, 1.0].view()).is_err());
        let r = sampling_error_reliability(
            array![1.0, 2.0, 3.0].view(),
            array![10.0, 10.0, 10.0].view(),
            array![2.0, 2.0, 2.0].view(),
        )
        .unwrap();
        assert!(r.clipped && r.rho == 0.0);
    }
}
