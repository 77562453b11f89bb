//! `metric ridge-cv` and `metric ols-cv`: cross-validated regression predictivity.

use std::path::PathBuf;

use brainprobe_metrics::correlation::PearsonVariant;
use brainprobe_metrics::splits;
use brainprobe_metrics::{cross_validate, Regression, DEFAULT_ALPHAS};
use clap::Args;
use serde_json::{json, Value};

use super::io::{jnum, jvec, print, read_ints, read_matrix};
use super::JsonFlag;

/// Options of `metric ridge-cv` / `metric ols-cv`.
#[derive(Args)]
pub struct CvArgs {
    /// n × p activations `.npy`.
    #[arg(long)]
    x: PathBuf,
    /// n × t responses `.npy`.
    #[arg(long)]
    y: PathBuf,
    /// Fold id per row (`.npy`, integers 0..F): split f tests the rows with id f.
    #[arg(long)]
    folds: PathBuf,
    /// Fixed ridge penalty instead of leave-one-out choice (ridge-cv only).
    #[arg(long, conflicts_with = "alphas")]
    alpha: Option<f64>,
    /// Comma-separated α grid (ridge-cv only; default 1e-3,…,1e3).
    #[arg(long, value_delimiter = ',')]
    alphas: Option<Vec<f64>>,
    /// Use scipy's exact Pearson r instead of the default epsilon variant.
    #[arg(long)]
    exact: bool,
    /// Also report the score divided by this ceiling (clipped to [0, 1], and unclipped).
    #[arg(long)]
    ceiling: Option<f64>,
    #[command(flatten)]
    out: JsonFlag,
}

/// Runs `metric ridge-cv`: RidgeCV over the α grid, or ridge with one fixed α.
pub(super) fn run_ridge_cv(a: CvArgs) -> Result<(), String> {
    let reg = match (a.alpha, &a.alphas) {
        (Some(alpha), _) => Regression::Ridge { alpha },
        (None, Some(grid)) => Regression::RidgeCv {
            alphas: grid.clone(),
        },
        (None, None) => Regression::RidgeCv {
            alphas: DEFAULT_ALPHAS.to_vec(),
        },
    };
    run_cv(&a, &reg)
}

/// Runs `metric ols-cv`.
pub(super) fn run_ols_cv(a: CvArgs) -> Result<(), String> {
    if a.alpha.is_some() || a.alphas.is_some() {
        return Err("ols-cv takes no --alpha/--alphas".into());
    }
    run_cv(&a, &Regression::Ols)
}

/// Cross-validates `reg` over the fold file and prints the per-split r and the score.
fn run_cv(a: &CvArgs, reg: &Regression) -> Result<(), String> {
    let (x, y) = (read_matrix(&a.x)?, read_matrix(&a.y)?);
    let folds = splits::from_fold_ids(&read_ints(&a.folds)?).map_err(|e| e.to_string())?;
    if folds
        .iter()
        .map(|s| s.train.len() + s.test.len())
        .any(|n| n != x.nrows())
    {
        return Err(format!(
            "--folds has a different number of rows than --x ({})",
            x.nrows()
        ));
    }
    let variant = if a.exact {
        PearsonVariant::Exact
    } else {
        PearsonVariant::Epsilon
    };
    let p = cross_validate(x.view(), y.view(), &folds, reg, variant).map_err(|e| e.to_string())?;
    let mut v = json!({
        "r": p.r.outer_iter().map(|row| jvec(row.iter().copied())).collect::<Vec<_>>(),
        "score": jnum(p.aggregate.raw),
        "error": jnum(p.aggregate.error),
        "nan_skipped": p.aggregate.nan_skipped,
    });
    if !matches!(reg, Regression::Ols) {
        v["alpha"] = jvec(p.alphas.iter().copied());
    }
    if let Some(c) = a.ceiling {
        let n = p.normalized(c).map_err(|e| e.to_string())?;
        v["ceiling"] = jnum(n.ceiling);
        v["normalized"] = jnum(n.value);
        v["normalized_unclipped"] = jnum(n.normalized_unclipped);
    }
    if !p.loo_mse.is_empty() {
        v["loo_mse"] = Value::Array(p.loo_mse.iter().map(|r| jvec(r.iter().copied())).collect());
    }
    print(&v, &a.out)
}
