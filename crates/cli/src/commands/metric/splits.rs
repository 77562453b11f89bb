//! `metric splits`: the train/test splits of a scikit-learn-compatible splitter.

use std::path::PathBuf;

use brainprobe_metrics::splits::{self, Split, Splitter};
use clap::{Args, ValueEnum};
use serde_json::json;

use super::io::{print, read_ints};
use super::JsonFlag;

/// Which splitter `metric splits` runs.
#[derive(Clone, Copy, ValueEnum)]
pub enum SplitKind {
    /// KFold(k, shuffle).
    Kfold,
    /// ShuffleSplit(k splits, train fraction).
    Shuffle,
    /// GroupKFold(k, shuffle) — needs --groups.
    Group,
    /// StratifiedKFold(k, shuffle) — needs --labels.
    Stratified,
    /// StratifiedShuffleSplit(k splits, train fraction) — needs --labels.
    StratifiedShuffle,
}

/// Options of `metric splits`.
#[derive(Args)]
pub struct SplitsArgs {
    /// Splitter.
    #[arg(long, value_enum)]
    kind: SplitKind,
    /// Number of rows (taken from --groups / --labels when given).
    #[arg(long)]
    n: Option<usize>,
    /// Folds (k-fold kinds) or splits (shuffle kinds).
    #[arg(long)]
    k: usize,
    /// Seed of the numpy-compatible generator.
    #[arg(long, default_value_t = 0)]
    seed: u32,
    /// Training fraction of the shuffle kinds.
    #[arg(long, default_value_t = 0.9)]
    train_frac: f64,
    /// Group label per row (`.npy` integers), for --kind group.
    #[arg(long)]
    groups: Option<PathBuf>,
    /// Class label per row (`.npy` integers), for the stratified kinds.
    #[arg(long)]
    labels: Option<PathBuf>,
    #[command(flatten)]
    out: JsonFlag,
}

/// Runs `metric splits`.
pub(super) fn run_splits(a: &SplitsArgs) -> Result<(), String> {
    let labels = match (a.kind, &a.groups, &a.labels) {
        (SplitKind::Group, Some(g), _) => Some(read_ints(g)?),
        (SplitKind::Group, None, _) => return Err("--kind group needs --groups G.npy".into()),
        (SplitKind::Stratified | SplitKind::StratifiedShuffle, _, Some(l)) => Some(read_ints(l)?),
        (SplitKind::Stratified | SplitKind::StratifiedShuffle, _, None) => {
            return Err("the stratified kinds need --labels L.npy".into())
        }
        _ => None,
    };
    let n = match (&labels, a.n) {
        (Some(l), Some(n)) if l.len() != n => {
            return Err(format!("--n {n} but the label file has {} rows", l.len()))
        }
        (Some(l), _) => l.len(),
        (None, Some(n)) => n,
        (None, None) => return Err("--n is required".into()),
    };
    let (k, seed) = (a.k, a.seed);
    let (n_splits, train_frac) = (a.k, a.train_frac);
    let splitter = match a.kind {
        SplitKind::Kfold => Splitter::KFold { k, seed },
        SplitKind::Group => Splitter::GroupKFold { k, seed },
        SplitKind::Stratified => Splitter::StratifiedKFold { k, seed },
        SplitKind::Shuffle => Splitter::ShuffleSplit {
            n_splits,
            train_frac,
            seed,
        },
        SplitKind::StratifiedShuffle => Splitter::StratifiedShuffleSplit {
            n_splits,
            train_frac,
            seed,
        },
    };
    let s: Vec<Split> = splitter
        .split(n, labels.as_deref())
        .map_err(|e| e.to_string())?;
    let mut v = json!({
        "train": s.iter().map(|x| x.train.clone()).collect::<Vec<_>>(),
        "test": s.iter().map(|x| x.test.clone()).collect::<Vec<_>>(),
    });
    if matches!(
        a.kind,
        SplitKind::Kfold | SplitKind::Group | SplitKind::Stratified
    ) {
        v["fold_id"] = json!(splits::fold_ids(&s, n));
    }
    print(&v, &a.out)
}
