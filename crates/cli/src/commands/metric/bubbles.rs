//! `metric bubbles`: a bubble mask at a target visibility.

use std::path::PathBuf;

use brainprobe_metrics::bubbles;
use clap::Args;
use serde_json::json;

use super::io::{print, write_npy};
use super::JsonFlag;

/// Options of `metric bubbles`.
#[derive(Args)]
pub struct BubblesArgs {
    /// Image side in pixels.
    #[arg(long)]
    size: usize,
    /// Target visibility bin in percent: `LO-HI` (e.g. `10-15`) or `LO` for [LO, LO+5).
    #[arg(long)]
    visibility: String,
    /// Seed of the numpy-compatible generator.
    #[arg(long, default_value_t = 0)]
    seed: u32,
    /// Where to write the size × size mask (`.npy`, float64).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    json: JsonFlag,
}

/// Runs `metric bubbles`.
pub(super) fn run_bubbles(a: BubblesArgs) -> Result<(), String> {
    let (lo, hi) = parse_bin(&a.visibility)?;
    let t = bubbles::bubbles_for_target(a.size, lo, hi, a.seed, None).map_err(|x| x.to_string())?;
    write_npy(&a.out, &t.mask)?;
    let v = json!({
        "out": a.out.display().to_string(),
        "sigma": bubbles::sigma_for_size(a.size),
        "centers_rowcol": t.centers.iter().map(|c| [c.row, c.col]).collect::<Vec<_>>(),
        "visible_pct": t.visible_pct,
        "attempts": t.attempts,
    });
    print(&v, &a.json)
}

/// A `--visibility` bin: `LO-HI`, or `LO` for [LO, LO + 5).
fn parse_bin(s: &str) -> Result<(f64, f64), String> {
    let num = |t: &str| {
        t.trim()
            .trim_end_matches('%')
            .parse::<f64>()
            .map_err(|_| format!("--visibility: cannot read `{t}` as a number"))
    };
    match s.split_once('-') {
        Some((a, b)) => Ok((num(a)?, num(b)?)),
        None => {
            let lo = num(s)?;
            Ok((lo, lo + 5.0))
        }
    }
}
