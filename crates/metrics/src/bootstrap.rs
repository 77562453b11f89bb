//! Seeded bootstrap confidence intervals for any scalar score.

use crate::error::{MetricsError, Result};
use crate::rng::RandomState;
use crate::stats::nanpercentile;

/// A percentile bootstrap interval.
#[derive(Clone, Debug, PartialEq)]
pub struct BootstrapCi {
    /// The statistic on the original sample.
    pub estimate: f64,
    /// Lower percentile bound.
    pub low: f64,
    /// Upper percentile bound.
    pub high: f64,
    /// Confidence level used, e.g. 0.95.
    pub level: f64,
    /// The statistic on every resample (NaN kept).
    pub samples: Vec<f64>,
    /// Resamples on which the statistic was NaN (excluded from the bounds).
    pub nan_samples: usize,
}

/// Percentile bootstrap of `statistic` over `n_items` items: each of `n_boot` resamples
/// draws `n_items` indices with replacement from `RandomState(seed)` (numpy
/// `randint(0, n, n)`) and evaluates `statistic(indices)`; the bounds are the
/// (1 − level)/2 and (1 + level)/2 percentiles (linear interpolation, NaN skipped).
pub fn bootstrap_ci(
    n_items: usize,
    n_boot: usize,
    level: f64,
    seed: u32,
    mut statistic: impl FnMut(&[usize]) -> f64,
) -> Result<BootstrapCi> {
    if n_items == 0 {
        return Err(MetricsError::Empty {
            what: "bootstrap_ci",
        });
    }
    if n_boot == 0 {
        return Err(MetricsError::param("n_boot", "must be at least 1"));
    }
    if !(level > 0.0 && level < 1.0) {
        return Err(MetricsError::param(
            "level",
            format!("must be in (0, 1), got {level}"),
        ));
    }
    let all: Vec<usize> = (0..n_items).collect();
    let estimate = statistic(&all);
    let mut rs = RandomState::new(seed);
    let samples: Vec<f64> = (0..n_boot)
        .map(|_| statistic(&rs.choice_with_replacement(n_items, n_items)))
        .collect();
    let nan_samples = samples.iter().filter(|v| v.is_nan()).count();
    if nan_samples == n_boot {
        return Err(MetricsError::NoSolution {
            what: "bootstrap_ci",
            reason: "the statistic was NaN on every resample".into(),
        });
    }
    let tail = (1.0 - level) / 2.0 * 100.0;
    Ok(BootstrapCi {
        estimate,
        low: nanpercentile(&samples, tail),
        high: nanpercentile(&samples, 100.0 - tail),
        level,
        samples,
        nan_samples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_ci_brackets_estimate_and_is_reproducible() {
        let data: Vec<f64> = (0..50).map(|i| (i as f64 * 0.7).sin()).collect();
        let stat = |idx: &[usize]| idx.iter().map(|&i| data[i]).sum::<f64>() / idx.len() as f64;
        let a = bootstrap_ci(data.len(), 200, 0.95, 3, stat).unwrap();
        let b = bootstrap_ci(data.len(), 200, 0.95, 3, stat).unwrap();
        assert_eq!(a, b);
        assert!(a.low < a.estimate && a.estimate < a.high);
    }

    #[test]
    fn bad_parameters() {
        assert!(bootstrap_ci(0, 10, 0.95, 0, |_| 0.0).is_err());
        assert!(bootstrap_ci(5, 10, 1.5, 0, |_| 0.0).is_err());
        assert!(bootstrap_ci(5, 10, 0.9, 0, |_| f64::NAN).is_err());
    }
}
