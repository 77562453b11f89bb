//! Linear regressions with an unpenalised intercept (METRICS §1.3): ordinary least squares
//! (minimum-norm), ridge with a fixed α, and RidgeCV with exact leave-one-out α choice.

use faer::{Mat, MatRef};
use ndarray::{Array2, ArrayView2};

use crate::error::{MetricsError, Result};
use crate::linalg::{col_means, mm, solve_spd, subtract_col_means, thin_svd, to_array, to_mat};
use crate::ridge_cv;

/// The α grid of brainscore_language's `ridge_pearsonr`: `logspace(-3, 3, 7)`.
pub const DEFAULT_ALPHAS: [f64; 7] = [1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0, 1000.0];

/// Which regression maps activations to responses.
#[derive(Clone, Debug, PartialEq)]
pub enum Regression {
    /// Ordinary least squares, minimum-norm solution when rank-deficient (§1.3.1).
    Ols,
    /// Ridge with a fixed α (§1.3.2).
    Ridge {
        /// Penalty, > 0.
        alpha: f64,
    },
    /// RidgeCV: α chosen per training set by exact leave-one-out error (§1.3.3).
    RidgeCv {
        /// Candidate penalties, each > 0, scanned in order (ties keep the earlier one).
        alphas: Vec<f64>,
    },
}

impl Regression {
    /// RidgeCV over [`DEFAULT_ALPHAS`] — brainprobe's default regression.
    pub fn ridge_cv_default() -> Self {
        Regression::RidgeCv {
            alphas: DEFAULT_ALPHAS.to_vec(),
        }
    }

    /// Checks the penalties.
    pub fn validate(&self) -> Result<()> {
        let ok = |a: f64| a.is_finite() && a > 0.0;
        match self {
            Regression::Ols => Ok(()),
            Regression::Ridge { alpha } if ok(*alpha) => Ok(()),
            Regression::Ridge { alpha } => Err(MetricsError::param(
                "alpha",
                format!("must be finite and > 0, got {alpha}"),
            )),
            Regression::RidgeCv { alphas } if alphas.is_empty() => {
                Err(MetricsError::param("alphas", "empty grid"))
            }
            Regression::RidgeCv { alphas } => match alphas.iter().find(|a| !ok(**a)) {
                Some(a) => Err(MetricsError::param(
                    "alphas",
                    format!("every α must be finite and > 0, got {a}"),
                )),
                None => Ok(()),
            },
        }
    }

    /// Whether a training set with `n` rows and `p` features is solved in the dual
    /// (kernel) form, as scikit-learn does: ridge variants with `n ≤ p`.
    pub(crate) fn uses_kernel(&self, n: usize, p: usize) -> bool {
        !matches!(self, Regression::Ols) && n <= p
    }
}

/// Result of fitting on one training set and predicting one test set.
#[derive(Clone, Debug, PartialEq)]
pub struct SplitFit {
    /// Predictions for the test rows, `(n_test, t)`.
    pub predictions: Array2<f64>,
    /// The α used (fixed or chosen); `None` for OLS.
    pub alpha: Option<f64>,
    /// RidgeCV only: mean squared leave-one-out error for each α of the grid.
    pub loo_mse: Vec<f64>,
}

/// Centred training data in primal form (features) or dual form (kernels).
pub(crate) enum Design {
    /// `xc` = training rows minus training means, `xt` = test rows minus training means.
    Primal { xc: Mat<f64>, xt: Mat<f64> },
    /// `k0` = `xc · xcᵀ` (n × n), `kt` = `xt · xcᵀ` (m × n).
    Kernel { k0: Mat<f64>, kt: Mat<f64> },
}

impl Design {
    /// Centres train and test rows with the training means; switches to kernels if asked.
    pub(crate) fn from_rows(
        x_train: MatRef<'_, f64>,
        x_test: MatRef<'_, f64>,
        kernel: bool,
    ) -> Design {
        let means = col_means(x_train);
        let xc = subtract_col_means(x_train, &means);
        let xt = subtract_col_means(x_test, &means);
        if kernel {
            let k0 = mm(xc.as_ref(), xc.transpose());
            let kt = mm(xt.as_ref(), xc.transpose());
            Design::Kernel { k0, kt }
        } else {
            Design::Primal { xc, xt }
        }
    }
}

fn check_finite(what: &'static str, a: ArrayView2<f64>) -> Result<()> {
    if let Some(((row, col), _)) = a.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(MetricsError::NonFinite { what, row, col });
    }
    Ok(())
}

/// Fits `reg` on `(x_train, y_train)` and predicts the rows of `x_test` (METRICS §1.3).
/// Errors on shape mismatch, empty or non-finite input, or fewer than 2 training rows.
pub fn fit_predict(
    x_train: ArrayView2<f64>,
    y_train: ArrayView2<f64>,
    x_test: ArrayView2<f64>,
    reg: &Regression,
) -> Result<SplitFit> {
    reg.validate()?;
    if x_train.nrows() != y_train.nrows() {
        return Err(MetricsError::shape(
            "fit_predict (rows of X and Y)",
            format!("{} rows", x_train.nrows()),
            format!("{} rows", y_train.nrows()),
        ));
    }
    if x_test.ncols() != x_train.ncols() {
        return Err(MetricsError::shape(
            "fit_predict (test features)",
            format!("{} columns", x_train.ncols()),
            format!("{} columns", x_test.ncols()),
        ));
    }
    if x_train.ncols() == 0 || y_train.ncols() == 0 || x_test.nrows() == 0 {
        return Err(MetricsError::Empty {
            what: "fit_predict",
        });
    }
    MetricsError::at_least("fit_predict", "training rows", x_train.nrows(), 2)?;
    check_finite("fit_predict (X train)", x_train)?;
    check_finite("fit_predict (Y train)", y_train)?;
    check_finite("fit_predict (X test)", x_test)?;
    let kernel = reg.uses_kernel(x_train.nrows(), x_train.ncols());
    let design = Design::from_rows(to_mat(x_train).as_ref(), to_mat(x_test).as_ref(), kernel);
    fit_design(&design, to_mat(y_train).as_ref(), reg)
}

/// [`fit_predict`] on features standardised with the training rows' statistics
/// (METRICS §10.2), the transform every benchmark regression uses.
pub fn fit_predict_standardised(
    x_train: ArrayView2<f64>,
    y_train: ArrayView2<f64>,
    x_test: ArrayView2<f64>,
    reg: &Regression,
) -> Result<SplitFit> {
    if x_test.ncols() != x_train.ncols() {
        return Err(MetricsError::shape(
            "fit_predict (test features)",
            format!("{} columns", x_train.ncols()),
            format!("{} columns", x_test.ncols()),
        ));
    }
    let z = crate::standardise::Standardiser::fit(to_mat(x_train).as_ref());
    let train = to_array(z.apply(to_mat(x_train).as_ref()).as_ref());
    let test = to_array(z.apply(to_mat(x_test).as_ref()).as_ref());
    fit_predict(train.view(), y_train, test.view(), reg)
}

/// Fits on a prepared design; `y_train` is uncentred.
pub(crate) fn fit_design(
    design: &Design,
    y_train: MatRef<'_, f64>,
    reg: &Regression,
) -> Result<SplitFit> {
    let y_mean = col_means(y_train);
    let yc = subtract_col_means(y_train, &y_mean);
    let (pred_c, alpha, loo_mse) = match (reg, design) {
        (Regression::Ols, Design::Primal { xc, xt }) => (
            ols(xc.as_ref(), xt.as_ref(), yc.as_ref())?,
            None,
            Vec::new(),
        ),
        (Regression::Ols, Design::Kernel { .. }) => {
            return Err(MetricsError::param(
                "regression",
                "OLS needs the primal design",
            ));
        }
        (Regression::Ridge { alpha }, Design::Primal { xc, xt }) => {
            let mut a = mm(xc.transpose(), xc.as_ref());
            for i in 0..a.nrows() {
                a[(i, i)] += alpha;
            }
            let b = solve_spd(a.as_ref(), mm(xc.transpose(), yc.as_ref()).as_ref())?;
            (mm(xt.as_ref(), b.as_ref()), Some(*alpha), Vec::new())
        }
        (Regression::Ridge { alpha }, Design::Kernel { k0, kt }) => {
            let mut a = k0.clone();
            for i in 0..a.nrows() {
                a[(i, i)] += alpha;
            }
            let dual = solve_spd(a.as_ref(), yc.as_ref())?;
            (mm(kt.as_ref(), dual.as_ref()), Some(*alpha), Vec::new())
        }
        (Regression::RidgeCv { alphas }, Design::Primal { xc, xt }) => {
            let r = ridge_cv::loo_svd(xc.as_ref(), yc.as_ref(), alphas)?;
            let b = mm(xc.transpose(), r.dual.as_ref());
            (mm(xt.as_ref(), b.as_ref()), Some(r.alpha), r.mse)
        }
        (Regression::RidgeCv { alphas }, Design::Kernel { k0, kt }) => {
            let r = ridge_cv::loo_gram(k0.as_ref(), yc.as_ref(), alphas)?;
            (mm(kt.as_ref(), r.dual.as_ref()), Some(r.alpha), r.mse)
        }
    };
    let mut predictions = to_array(pred_c.as_ref());
    for (j, mut col) in predictions.columns_mut().into_iter().enumerate() {
        col += y_mean[j];
    }
    Ok(SplitFit {
        predictions,
        alpha,
        loo_mse,
    })
}

/// Minimum-norm least squares `xt · pinv(xc) · yc`, singular values below
/// `max(n, p) · ε · s_max` treated as zero (scikit-learn 1.7's cut-off).
fn ols(xc: MatRef<'_, f64>, xt: MatRef<'_, f64>, yc: MatRef<'_, f64>) -> Result<Mat<f64>> {
    let (u, s, v) = thin_svd(xc)?;
    let s_max = s.first().copied().unwrap_or(0.0);
    let cutoff = xc.nrows().max(xc.ncols()) as f64 * f64::EPSILON * s_max;
    let uty = mm(u.transpose(), yc);
    let scaled = Mat::from_fn(uty.nrows(), uty.ncols(), |k, j| {
        if s[k] > cutoff {
            uty[(k, j)] / s[k]
        } else {
            0.0
        }
    });
    let b = mm(v.as_ref(), scaled.as_ref());
    Ok(mm(xt, b.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    #[test]
    fn ols_recovers_exact_linear_map() {
        let x = Array2::from_shape_fn((10, 2), |(i, j)| {
            ((i * 7 + j * 3) % 5) as f64 + i as f64 * 0.1 * j as f64
        });
        let y = x.column(0).to_owned().insert_axis(ndarray::Axis(1)) * 2.0
            - x.column(1).to_owned().insert_axis(ndarray::Axis(1))
            + 3.0;
        let f = fit_predict(x.view(), y.view(), x.view(), &Regression::Ols).unwrap();
        for (a, b) in f.predictions.iter().zip(y.iter()) {
            assert!((a - b).abs() < 1e-10);
        }
    }

    #[test]
    fn ridge_primal_equals_dual() {
        let x = Array2::from_shape_fn((6, 6), |(i, j)| ((i * 5 + j * 7) as f64).sin());
        let y = Array2::from_shape_fn((6, 2), |(i, j)| ((i + 3 * j) as f64).cos());
        let xt = array![[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]];
        let reg = Regression::Ridge { alpha: 0.7 };
        let d1 = Design::from_rows(to_mat(x.view()).as_ref(), to_mat(xt.view()).as_ref(), false);
        let d2 = Design::from_rows(to_mat(x.view()).as_ref(), to_mat(xt.view()).as_ref(), true);
        let a = fit_design(&d1, to_mat(y.view()).as_ref(), &reg).unwrap();
        let b = fit_design(&d2, to_mat(y.view()).as_ref(), &reg).unwrap();
        for (p, q) in a.predictions.iter().zip(b.predictions.iter()) {
            assert!((p - q).abs() < 1e-12);
        }
    }

    #[test]
    fn bad_inputs_are_errors() {
        let x = Array2::<f64>::zeros((5, 2));
        let y = Array2::<f64>::zeros((4, 1));
        assert!(matches!(
            fit_predict(x.view(), y.view(), x.view(), &Regression::Ols),
            Err(MetricsError::ShapeMismatch { .. })
        ));
        let mut y = Array2::<f64>::zeros((5, 1));
        y[[2, 0]] = f64::NAN;
        assert!(matches!(
            fit_predict(x.view(), y.view(), x.view(), &Regression::Ols),
            Err(MetricsError::NonFinite { .. })
        ));
        let y = Array2::<f64>::zeros((5, 1));
        assert!(fit_predict(
            x.view(),
            y.view(),
            x.view(),
            &Regression::Ridge { alpha: -1.0 }
        )
        .is_err());
        assert!(fit_predict(
            x.view(),
            y.view(),
            x.view(),
            &Regression::RidgeCv { alphas: vec![] }
        )
        .is_err());
    }
}
