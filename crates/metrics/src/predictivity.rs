//! Cross-validated linear predictivity (METRICS §1): per split fit on the training rows,
//! predict the test rows, Pearson r per neuroid, then aggregate (median over neuroids,
//! mean over splits).

use faer::{Mat, MatRef};
use ndarray::{Array1, Array2, ArrayView2, Axis};

use crate::correlation::{pearson_columns, PearsonVariant};
use crate::error::{MetricsError, Result};
use crate::linalg::{col_means, gather_rows, mm, subtract_col_means, to_mat};
use crate::regression::{fit_design, Design, Regression, SplitFit};
use crate::splits::Split;
use crate::standardise::Standardiser;
use crate::stats::{mean, nanmedian};

/// Smallest test set a split may have (METRICS §1.2 edge cases).
pub const MIN_TEST_ROWS: usize = 3;

/// Everything the cross-validated metric produces (METRICS §1.6).
#[derive(Clone, Debug, PartialEq)]
pub struct Predictivity {
    /// Pearson r per split (rows) and neuroid (columns).
    pub r: Array2<f64>,
    /// Per split: the α used (empty for OLS).
    pub alphas: Vec<f64>,
    /// Per split: mean squared leave-one-out error per α of the grid (RidgeCV only).
    pub loo_mse: Vec<Vec<f64>>,
    /// Per split: predictions for that split's test rows, in `Split::test` order.
    pub predictions: Vec<Array2<f64>>,
    /// Aggregate score and its descriptive error.
    pub aggregate: Aggregate,
}

impl Predictivity {
    /// The raw score divided by `ceiling`, clipped to [0, 1], unclipped value kept (§0.7).
    pub fn normalized(&self, ceiling: f64) -> Result<crate::ceiling::Normalized> {
        crate::ceiling::ceiling_normalize(self.aggregate.raw, ceiling)
    }
}

/// brainscore_language aggregation of a split × neuroid r matrix (METRICS §1.5–1.6).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Aggregate {
    /// Mean over splits of the NaN-skipping median over neuroids.
    pub raw: f64,
    /// Population SD over the split values divided by sqrt(#splits).
    pub error: f64,
    /// How many NaN r values were skipped.
    pub nan_skipped: usize,
}

/// Aggregates `r` (splits × neuroids): per split the median over neuroids (NaN skipped),
/// then the mean over splits (splits whose median is NaN skipped).
pub fn aggregate(r: ArrayView2<f64>) -> Aggregate {
    let per_split: Vec<f64> = r
        .axis_iter(Axis(0))
        .map(|row| nanmedian(&row.to_vec()))
        .filter(|v| !v.is_nan())
        .collect();
    let raw = mean(&per_split);
    let sd = if per_split.is_empty() {
        f64::NAN
    } else {
        (per_split.iter().map(|v| (v - raw) * (v - raw)).sum::<f64>() / per_split.len() as f64)
            .sqrt()
    };
    Aggregate {
        raw,
        error: sd / (per_split.len() as f64).sqrt(),
        nan_skipped: r.iter().filter(|v| v.is_nan()).count(),
    }
}

fn check_inputs(x: ArrayView2<f64>, y: ArrayView2<f64>, splits: &[Split]) -> Result<()> {
    if x.nrows() != y.nrows() {
        return Err(MetricsError::shape(
            "cross_validate (rows of X and Y)",
            format!("{} rows", x.nrows()),
            format!("{} rows", y.nrows()),
        ));
    }
    if x.is_empty() || y.is_empty() {
        return Err(MetricsError::Empty {
            what: "cross_validate",
        });
    }
    if splits.is_empty() {
        return Err(MetricsError::Empty {
            what: "cross_validate (splits)",
        });
    }
    for (what, m) in [
        ("cross_validate (X)", x.view()),
        ("cross_validate (Y)", y.view()),
    ] {
        if let Some(((row, col), _)) = m.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(MetricsError::NonFinite { what, row, col });
        }
    }
    let n = x.nrows();
    for s in splits {
        if let Some(&i) = s.train.iter().chain(&s.test).find(|&&i| i >= n) {
            return Err(MetricsError::param(
                "splits",
                format!("row index {i} out of range for {n} rows"),
            ));
        }
        MetricsError::at_least(
            "cross_validate (test set)",
            "rows",
            s.test.len(),
            MIN_TEST_ROWS,
        )?;
        MetricsError::at_least("cross_validate (training set)", "rows", s.train.len(), 2)?;
    }
    Ok(())
}

/// Kernel designs for every split from one Gram matrix of the globally centred X
/// (double-centring per training set), instead of one n × n × p product per split.
struct SharedGram {
    g: Mat<f64>,
}

impl SharedGram {
    fn new(x: MatRef<'_, f64>) -> Self {
        let xg = subtract_col_means(x, &col_means(x));
        SharedGram {
            g: gram(xg.as_ref()),
        }
    }

    fn design(&self, split: &Split) -> Design {
        let (tr, te) = (&split.train, &split.test);
        let n = tr.len() as f64;
        let g = &self.g;
        let r: Vec<f64> = tr
            .iter()
            .map(|&a| tr.iter().map(|&b| g[(a, b)]).sum::<f64>() / n)
            .collect();
        let grand = r.iter().sum::<f64>() / n;
        let s: Vec<f64> = te
            .iter()
            .map(|&a| tr.iter().map(|&b| g[(a, b)]).sum::<f64>() / n)
            .collect();
        let k0 = Mat::from_fn(tr.len(), tr.len(), |i, j| {
            g[(tr[i], tr[j])] - r[i] - r[j] + grand
        });
        let kt = Mat::from_fn(te.len(), tr.len(), |i, j| {
            g[(te[i], tr[j])] - s[i] - r[j] + grand
        });
        Design::Kernel { k0, kt }
    }
}

/// `x · xᵀ`; natively the row blocks are computed on two threads.
fn gram(x: MatRef<'_, f64>) -> Mat<f64> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let n = x.nrows();
        let threads = std::thread::available_parallelism()
            .map(|t| t.get())
            .unwrap_or(1);
        if threads > 1 && n >= 256 {
            let h = n / 2;
            let (top, bottom) = std::thread::scope(|s| {
                let t = s.spawn(|| mm(x.subrows(0, h), x.transpose()));
                let b = mm(x.subrows(h, n - h), x.transpose());
                (t.join().ok(), b)
            });
            if let Some(top) = top {
                return Mat::from_fn(n, n, |i, j| {
                    if i < h {
                        top[(i, j)]
                    } else {
                        bottom[(i - h, j)]
                    }
                });
            }
        }
    }
    mm(x, x.transpose())
}

/// Runs the cross-validated metric of METRICS §1 on `x` (n × p activations) and `y`
/// (n × t responses) for the given splits. Errors on mismatched shapes, empty or
/// non-finite input, out-of-range indices, test sets under 3 rows.
pub fn cross_validate(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    splits: &[Split],
    reg: &Regression,
    variant: PearsonVariant,
) -> Result<Predictivity> {
    cross_validate_with(x, y, splits, reg, variant, false)
}

/// [`cross_validate`] on features standardised inside each split with the training rows'
/// statistics (METRICS §10.2): the transform every benchmark regression uses.
pub fn cross_validate_standardised(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    splits: &[Split],
    reg: &Regression,
    variant: PearsonVariant,
) -> Result<Predictivity> {
    cross_validate_with(x, y, splits, reg, variant, true)
}

fn cross_validate_with(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    splits: &[Split],
    reg: &Regression,
    variant: PearsonVariant,
    standardise: bool,
) -> Result<Predictivity> {
    reg.validate()?;
    check_inputs(x, y, splits)?;
    let xm = to_mat(x);
    let ym = to_mat(y);
    let p = x.ncols();
    // Per-split scaling changes the Gram matrix, so standardised runs build their own.
    let shared = (!standardise && splits.iter().any(|s| reg.uses_kernel(s.train.len(), p)))
        .then(|| SharedGram::new(xm.as_ref()));
    let run = |s: &Split| -> Result<(SplitFit, Array1<f64>)> {
        let rows = || {
            (
                gather_rows(xm.as_ref(), &s.train),
                gather_rows(xm.as_ref(), &s.test),
            )
        };
        let design = match &shared {
            Some(sg) if reg.uses_kernel(s.train.len(), p) => sg.design(s),
            _ if standardise => {
                let (train, test) = rows();
                let z = Standardiser::fit(train.as_ref());
                Design::from_rows(
                    z.apply(train.as_ref()).as_ref(),
                    z.apply(test.as_ref()).as_ref(),
                    reg.uses_kernel(s.train.len(), p),
                )
            }
            _ => {
                let (train, test) = rows();
                Design::from_rows(train.as_ref(), test.as_ref(), false)
            }
        };
        let fit = fit_design(&design, gather_rows(ym.as_ref(), &s.train).as_ref(), reg)?;
        let y_test = y.select(Axis(0), &s.test);
        let r = pearson_columns(fit.predictions.view(), y_test.view(), variant)?;
        Ok((fit, r))
    };
    let results = map_splits(splits, run)?;
    let mut r = Array2::zeros((splits.len(), y.ncols()));
    let mut alphas = Vec::new();
    let mut loo_mse = Vec::new();
    let mut predictions = Vec::new();
    for (k, (fit, rk)) in results.into_iter().enumerate() {
        r.row_mut(k).assign(&rk);
        alphas.extend(fit.alpha);
        if !fit.loo_mse.is_empty() {
            loo_mse.push(fit.loo_mse);
        }
        predictions.push(fit.predictions);
    }
    let aggregate = aggregate(r.view());
    Ok(Predictivity {
        r,
        alphas,
        loo_mse,
        predictions,
        aggregate,
    })
}

/// Applies `f` to every split, on two threads natively (splits are independent) and
/// sequentially on wasm; results keep split order.
fn map_splits<T: Send>(splits: &[Split], f: impl Fn(&Split) -> Result<T> + Sync) -> Result<Vec<T>> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(splits.len());
        if threads > 1 {
            let f = &f;
            let chunks: Vec<Vec<(usize, Result<T>)>> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads)
                    .map(|t| {
                        scope.spawn(move || {
                            (t..splits.len())
                                .step_by(threads)
                                .map(|k| (k, f(&splits[k])))
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_default())
                    .collect()
            });
            let mut all: Vec<(usize, Result<T>)> = chunks.into_iter().flatten().collect();
            if all.len() != splits.len() {
                return Err(MetricsError::NoSolution {
                    what: "cross_validate",
                    reason: "a worker thread panicked".into(),
                });
            }
            all.sort_by_key(|(k, _)| *k);
            return all.into_iter().map(|(_, r)| r).collect();
        }
    }
    splits.iter().map(f).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::splits::kfold;

    #[test]
    fn constant_x_scores_zero() {
        let x = Array2::<f64>::zeros((20, 3));
        let y = Array2::from_shape_fn((20, 2), |(i, j)| (i * (j + 2)) as f64 % 7.0);
        let s = kfold(20, 4, 0).unwrap();
        let p = cross_validate(
            x.view(),
            y.view(),
            &s,
            &Regression::ridge_cv_default(),
            PearsonVariant::Epsilon,
        )
        .unwrap();
        assert!(p.r.iter().all(|v| v.abs() < 1e-12));
        assert_eq!(p.aggregate.raw, 0.0);
        assert_eq!(p.normalized(0.5).unwrap().value, 0.0);
        assert!(p.normalized(f64::NAN).is_err());
    }

    #[test]
    fn small_test_sets_are_errors() {
        let x = Array2::<f64>::zeros((8, 3));
        let y = Array2::<f64>::zeros((8, 1));
        let s = kfold(8, 4, 0).unwrap();
        assert!(matches!(
            cross_validate(
                x.view(),
                y.view(),
                &s,
                &Regression::Ols,
                PearsonVariant::Epsilon
            ),
            Err(MetricsError::TooFew { .. })
        ));
    }

    #[test]
    fn shared_gram_matches_per_split_fits() {
        // n ≥ 256 exercises the two-thread Gram; p > n_train the kernel path
        let x = Array2::from_shape_fn((300, 420), |(i, j)| {
            ((i * 37 + j * 11) as f64 * 0.013).sin() + 5.0
        });
        let y = Array2::from_shape_fn((300, 2), |(i, j)| {
            x[[i, j]] * 2.0 + ((i * 3 + j) as f64).cos()
        });
        let s = kfold(300, 3, 4).unwrap();
        let reg = Regression::ridge_cv_default();
        let p = cross_validate(x.view(), y.view(), &s, &reg, PearsonVariant::Epsilon).unwrap();
        for (k, sp) in s.iter().enumerate() {
            let f = crate::regression::fit_predict(
                x.select(Axis(0), &sp.train).view(),
                y.select(Axis(0), &sp.train).view(),
                x.select(Axis(0), &sp.test).view(),
                &reg,
            )
            .unwrap();
            assert_eq!(f.alpha, Some(p.alphas[k]));
            for (a, b) in f.predictions.iter().zip(p.predictions[k].iter()) {
                assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn aggregate_skips_nan() {
        let r = ndarray::array![[0.1, f64::NAN, 0.3], [0.5, 0.7, 0.9]];
        let a = aggregate(r.view());
        assert!((a.raw - 0.45).abs() < 1e-15);
        assert_eq!(a.nan_skipped, 1);
    }
}
