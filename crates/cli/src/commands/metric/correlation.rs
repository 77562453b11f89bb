//! `metric pearson`: per-column Pearson r.

use std::path::PathBuf;

use brainprobe_metrics::correlation::{pearson_columns, PearsonVariant};
use clap::Args;
use serde_json::json;

use super::io::{jvec, print, read_matrix};
use super::JsonFlag;

/// Options of `metric pearson`.
#[derive(Args)]
pub struct PearsonArgs {
    /// n × t matrix (or length-n vector) `.npy`.
    #[arg(long)]
    x: PathBuf,
    /// n × t matrix (or length-n vector) `.npy`.
    #[arg(long)]
    y: PathBuf,
    /// Use the 1e-8-epsilon variant (brainscore_language) instead of scipy's exact r.
    #[arg(long)]
    epsilon: bool,
    #[command(flatten)]
    out: JsonFlag,
}

/// Runs `metric pearson`.
pub(super) fn run_pearson(a: PearsonArgs) -> Result<(), String> {
    let (x, y) = (read_matrix(&a.x)?, read_matrix(&a.y)?);
    let variant = if a.epsilon {
        PearsonVariant::Epsilon
    } else {
        PearsonVariant::Exact
    };
    let r = pearson_columns(x.view(), y.view(), variant).map_err(|x| x.to_string())?;
    print(&json!({ "r": jvec(r) }), &a.out)
}
