//! `metric extrapolation-ceiling` and `metric reliability`: noise ceilings.

use std::path::PathBuf;

use brainprobe_metrics::ceiling::sampling_error_reliability;
use brainprobe_metrics::extrapolation::{extrapolation_ceiling, NeuroidPools};
use clap::Args;
use ndarray::{Array1, Ix3};
use serde_json::json;

use super::io::{jnum, jvec, print, read_any, read_vector};
use super::JsonFlag;

/// Options of `metric extrapolation-ceiling`.
#[derive(Args)]
pub struct ExtrapolationArgs {
    /// Score table (neuroids × pool sizes × values; NaN = missing).
    #[arg(long)]
    scores: PathBuf,
    /// Pool size of each table column (`.npy`).
    #[arg(long)]
    xs: PathBuf,
    /// Bootstraps per neuroid.
    #[arg(long, default_value_t = 100)]
    boots: usize,
    /// Seed of each neuroid's fresh generator.
    #[arg(long, default_value_t = 0)]
    seed: u32,
    #[command(flatten)]
    out: JsonFlag,
}

/// Options of `metric reliability`.
#[derive(Args)]
pub struct ReliabilityArgs {
    /// Per-item means `.npy`.
    #[arg(long)]
    mean: PathBuf,
    /// Per-item sample SDs (ddof 1) `.npy`.
    #[arg(long)]
    sd: PathBuf,
    /// Per-item observation counts `.npy`.
    #[arg(long)]
    n: PathBuf,
    #[command(flatten)]
    out: JsonFlag,
}

/// Runs `metric extrapolation-ceiling`.
pub(super) fn run_extrapolation_ceiling(a: ExtrapolationArgs) -> Result<(), String> {
    let t = read_any(&a.scores)?
        .into_dimensionality::<Ix3>()
        .map_err(|x| {
            format!(
                "{}: {x} (need neuroids × pool sizes × values)",
                a.scores.display()
            )
        })?;
    let xs = read_vector(&a.xs)?;
    let pools: Vec<NeuroidPools> = t
        .outer_iter()
        .map(|n| NeuroidPools {
            xs: xs.clone(),
            pools: n.outer_iter().map(|p| p.to_vec()).collect(),
        })
        .collect();
    let c = extrapolation_ceiling(&pools, a.boots, a.seed).map_err(|x| x.to_string())?;
    let v = json!({
        "ceiling": jnum(c.ceiling),
        "center": jvec(c.neuroids.iter().map(|n| n.center)),
        "endpoint": c.neuroids.iter().map(|n| n.endpoint).collect::<Vec<_>>(),
        "error_low": jvec(c.neuroids.iter().map(|n| n.error_low)),
        "error_high": jvec(c.neuroids.iter().map(|n| n.error_high)),
        "failed_fits": c.neuroids.iter().map(|n| n.failures).collect::<Vec<_>>(),
    });
    print(&v, &a.out)
}

/// Runs `metric reliability`.
pub(super) fn run_reliability(a: ReliabilityArgs) -> Result<(), String> {
    let (m, s, n) = (
        Array1::from(read_vector(&a.mean)?),
        Array1::from(read_vector(&a.sd)?),
        Array1::from(read_vector(&a.n)?),
    );
    let r = sampling_error_reliability(m.view(), s.view(), n.view()).map_err(|x| x.to_string())?;
    let v = json!({
        "rho": jnum(r.rho), "rho_unclipped": jnum(r.rho_unclipped), "clipped": r.clipped,
        "sqrt_rho": jnum(r.sqrt_rho), "var_observed": jnum(r.var_observed), "error_variance": jnum(r.error_variance),
    });
    print(&v, &a.out)
}
