//! `brainprobe metric <name>`: run one metric of `brainprobe-metrics` on `.npy` inputs and
//! print the result as JSON (for users, and for checking numbers against other tools).

use std::path::{Path, PathBuf};

use brainprobe_metrics::bubbles;
use brainprobe_metrics::ceiling::sampling_error_reliability;
use brainprobe_metrics::correlation::{pearson_columns, PearsonVariant};
use brainprobe_metrics::extrapolation::{extrapolation_ceiling, NeuroidPools};
use brainprobe_metrics::rsa::{self, Pooling, RsaMethod};
use brainprobe_metrics::splits::{self, Split, Splitter};
use brainprobe_metrics::{cross_validate, Regression, DEFAULT_ALPHAS};
use clap::{Args, Subcommand, ValueEnum};
use ndarray::{Array1, Array2, ArrayD, Axis, Ix2, Ix3};
use ndarray_npy::{ReadNpyExt, WriteNpyExt};
use serde_json::{json, Value};

/// The `metric` subcommands.
#[derive(Subcommand)]
pub enum MetricCommand {
    /// Per-column Pearson r between X and Y (`{"r": [...]}`).
    Pearson(PearsonArgs),
    /// Cross-validated RidgeCV (or fixed-α ridge) predictivity over explicit folds.
    RidgeCv(CvArgs),
    /// Cross-validated OLS predictivity over explicit folds.
    OlsCv(CvArgs),
    /// Fold ids / train-test index lists of a scikit-learn-compatible splitter.
    Splits(SplitsArgs),
    /// Correlation-distance RDM (1 − Pearson) of a conditions × units pattern matrix.
    Rdm(RdmArgs),
    /// Compare two RDMs (square matrices or upper-triangle vectors).
    Rsa(RsaArgs),
    /// Nili et al. noise-ceiling bounds of subject RDMs.
    Nili(NiliArgs),
    /// Extrapolation ceiling from a neuroid × pool-size × value score table.
    ExtrapolationCeiling(ExtrapolationArgs),
    /// Reliability of item means from per-item mean, SD and N (`{"rho": r}`).
    Reliability(ReliabilityArgs),
    /// Bubble mask reaching a target visibility bin.
    Bubbles(BubblesArgs),
}

/// Output switch shared by every subcommand.
#[derive(Args)]
pub struct JsonFlag {
    /// Compact one-line JSON (default: pretty-printed JSON).
    #[arg(long)]
    json: bool,
}

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

/// Options of `metric rdm`.
#[derive(Args)]
pub struct RdmArgs {
    /// conditions × units patterns `.npy`.
    #[arg(long)]
    patterns: PathBuf,
    /// Where to write the N × N RDM (`.npy`, float64).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    json: JsonFlag,
}

/// RDM comparison methods on the command line.
#[derive(Clone, Copy, ValueEnum)]
pub enum MethodArg {
    /// Spearman ρ.
    Spearman,
    /// Kendall τ_a.
    KendallTauA,
    /// Kendall τ_b.
    KendallTauB,
    /// Pearson r.
    Pearson,
}

impl From<MethodArg> for RsaMethod {
    fn from(m: MethodArg) -> Self {
        match m {
            MethodArg::Spearman => RsaMethod::Spearman,
            MethodArg::KendallTauA => RsaMethod::KendallTauA,
            MethodArg::KendallTauB => RsaMethod::KendallTauB,
            MethodArg::Pearson => RsaMethod::Pearson,
        }
    }
}

/// Options of `metric rsa`.
#[derive(Args)]
pub struct RsaArgs {
    /// First RDM (N × N, or its upper-triangle vector).
    #[arg(long)]
    a: PathBuf,
    /// Second RDM.
    #[arg(long)]
    b: PathBuf,
    /// Similarity.
    #[arg(long, value_enum, default_value = "spearman")]
    method: MethodArg,
    #[command(flatten)]
    out: JsonFlag,
}

/// Options of `metric nili`.
#[derive(Args)]
pub struct NiliArgs {
    /// RDMs: (S, N, N), or (S, sessions, N, N).
    #[arg(long)]
    rdms: PathBuf,
    /// With a 4-D input: average each subject's sessions (raw values) first; otherwise every
    /// session RDM counts as its own unit.
    #[arg(long)]
    group_sessions: bool,
    /// Similarity.
    #[arg(long, value_enum, default_value = "spearman")]
    method: MethodArg,
    /// Pool raw dissimilarities (Brain-Score vision) instead of ranks.
    #[arg(long)]
    raw_average: bool,
    #[command(flatten)]
    out: JsonFlag,
}

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

fn read_any(path: &Path) -> Result<ArrayD<f64>, String> {
    let open = || std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()));
    if let Ok(a) = ArrayD::<f64>::read_npy(open()?) {
        return Ok(a);
    }
    if let Ok(a) = ArrayD::<f32>::read_npy(open()?) {
        return Ok(a.mapv(f64::from));
    }
    if let Ok(a) = ArrayD::<i64>::read_npy(open()?) {
        return Ok(a.mapv(|v| v as f64));
    }
    if let Ok(a) = ArrayD::<i32>::read_npy(open()?) {
        return Ok(a.mapv(f64::from));
    }
    if let Ok(a) = ArrayD::<u8>::read_npy(open()?) {
        return Ok(a.mapv(f64::from));
    }
    Err(format!(
        "{}: not a little-endian C-order .npy of float64/float32/int64/int32/uint8",
        path.display()
    ))
}

fn read_matrix(path: &Path) -> Result<Array2<f64>, String> {
    let a = read_any(path)?;
    match a.ndim() {
        1 => Ok(a
            .insert_axis(Axis(1))
            .into_dimensionality::<Ix2>()
            .map_err(|e| e.to_string())?),
        2 => a.into_dimensionality::<Ix2>().map_err(|e| e.to_string()),
        d => Err(format!(
            "{}: expected a 1-D or 2-D array, got {d}-D",
            path.display()
        )),
    }
}

fn read_vector(path: &Path) -> Result<Vec<f64>, String> {
    let a = read_any(path)?;
    if a.ndim() != 1 {
        return Err(format!(
            "{}: expected a 1-D array, got shape {:?}",
            path.display(),
            a.shape()
        ));
    }
    Ok(a.iter().copied().collect())
}

fn read_ints(path: &Path) -> Result<Vec<i64>, String> {
    read_vector(path)?
        .into_iter()
        .map(|v| {
            if v.fract() == 0.0 && v.is_finite() {
                Ok(v as i64)
            } else {
                Err(format!("{}: {v} is not an integer", path.display()))
            }
        })
        .collect()
}

fn write_npy(path: &Path, a: &Array2<f64>) -> Result<(), String> {
    let f = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    a.write_npy(std::io::BufWriter::new(f))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// JSON number, or `null` for NaN/±∞ (as the golden files write NaN).
fn jnum(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        Value::Null
    }
}

fn jvec(v: impl IntoIterator<Item = f64>) -> Value {
    Value::Array(v.into_iter().map(jnum).collect())
}

fn print(value: &Value, flag: &JsonFlag) -> Result<(), String> {
    let s = if flag.json {
        serde_json::to_string(value)
    } else {
        serde_json::to_string_pretty(value)
    };
    println!("{}", s.map_err(|e| e.to_string())?);
    Ok(())
}

fn rdm_vector(path: &Path) -> Result<Vec<f64>, String> {
    let a = read_any(path)?;
    match a.ndim() {
        1 => Ok(a.iter().copied().collect()),
        2 => rsa::upper_triangle(
            a.into_dimensionality::<Ix2>()
                .map_err(|e| e.to_string())?
                .view(),
        )
        .map_err(|e| e.to_string()),
        d => Err(format!(
            "{}: expected an RDM (2-D) or its vector (1-D), got {d}-D",
            path.display()
        )),
    }
}

/// Runs one `metric` subcommand.
pub fn run(cmd: MetricCommand) -> Result<(), String> {
    let e = |x: brainprobe_metrics::MetricsError| x.to_string();
    match cmd {
        MetricCommand::Pearson(a) => {
            let (x, y) = (read_matrix(&a.x)?, read_matrix(&a.y)?);
            let variant = if a.epsilon {
                PearsonVariant::Epsilon
            } else {
                PearsonVariant::Exact
            };
            let r = pearson_columns(x.view(), y.view(), variant).map_err(e)?;
            print(&json!({ "r": jvec(r) }), &a.out)
        }
        MetricCommand::RidgeCv(a) => {
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
        MetricCommand::OlsCv(a) => {
            if a.alpha.is_some() || a.alphas.is_some() {
                return Err("ols-cv takes no --alpha/--alphas".into());
            }
            run_cv(&a, &Regression::Ols)
        }
        MetricCommand::Splits(a) => run_splits(&a),
        MetricCommand::Rdm(a) => {
            let p = read_matrix(&a.patterns)?;
            let r = rsa::rdm(p.view()).map_err(e)?;
            write_npy(&a.out, &r.matrix)?;
            if !r.constant_conditions.is_empty() {
                eprintln!(
                    "warning: constant patterns for conditions {:?}: dissimilarity set to 1",
                    r.constant_conditions
                );
            }
            let v = json!({ "out": a.out.display().to_string(), "n": r.matrix.nrows(), "constant_conditions": r.constant_conditions });
            print(&v, &a.json)
        }
        MetricCommand::Rsa(a) => {
            let (u, v) = (rdm_vector(&a.a)?, rdm_vector(&a.b)?);
            let value = rsa::compare(&u, &v, a.method.into()).map_err(e)?;
            print(&json!({ "value": jnum(value) }), &a.out)
        }
        MetricCommand::Nili(a) => {
            let r = read_any(&a.rdms)?;
            let mut vecs = Vec::new();
            match r.ndim() {
                3 => {
                    for m in r.outer_iter() {
                        vecs.push(
                            rsa::upper_triangle(
                                m.into_dimensionality::<Ix2>().map_err(|x| x.to_string())?,
                            )
                            .map_err(e)?,
                        );
                    }
                }
                4 => {
                    for subject in r.outer_iter() {
                        let sessions = subject
                            .outer_iter()
                            .map(|m| {
                                rsa::upper_triangle(
                                    m.into_dimensionality::<Ix2>().map_err(|x| x.to_string())?,
                                )
                                .map_err(e)
                            })
                            .collect::<Result<Vec<_>, String>>()?;
                        if a.group_sessions {
                            vecs.push(rsa::mean_vectors(&sessions).map_err(e)?);
                        } else {
                            vecs.extend(sessions);
                        }
                    }
                }
                d => {
                    return Err(format!(
                        "{}: expected (S, N, N) or (S, sessions, N, N), got {d}-D",
                        a.rdms.display()
                    ))
                }
            }
            let method: RsaMethod = a.method.into();
            let pooling = if a.raw_average {
                Pooling::RawAverage
            } else {
                Pooling::for_method(method)
            };
            let b = rsa::nili_bounds(&vecs, method, pooling).map_err(e)?;
            let v = json!({ "lower": jnum(b.lower), "upper": jnum(b.upper), "lower_each": jvec(b.lower_each), "upper_each": jvec(b.upper_each) });
            print(&v, &a.out)
        }
        MetricCommand::ExtrapolationCeiling(a) => {
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
            let c = extrapolation_ceiling(&pools, a.boots, a.seed).map_err(e)?;
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
        MetricCommand::Reliability(a) => {
            let (m, s, n) = (
                Array1::from(read_vector(&a.mean)?),
                Array1::from(read_vector(&a.sd)?),
                Array1::from(read_vector(&a.n)?),
            );
            let r = sampling_error_reliability(m.view(), s.view(), n.view()).map_err(e)?;
            let v = json!({
                "rho": jnum(r.rho), "rho_unclipped": jnum(r.rho_unclipped), "clipped": r.clipped,
                "sqrt_rho": jnum(r.sqrt_rho), "var_observed": jnum(r.var_observed), "error_variance": jnum(r.error_variance),
            });
            print(&v, &a.out)
        }
        MetricCommand::Bubbles(a) => {
            let (lo, hi) = parse_bin(&a.visibility)?;
            let t = bubbles::bubbles_for_target(a.size, lo, hi, a.seed, None).map_err(e)?;
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
    }
}

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

fn run_splits(a: &SplitsArgs) -> Result<(), String> {
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
    let splitter = match a.kind {
        SplitKind::Kfold => Splitter::KFold {
            k: a.k,
            seed: a.seed,
        },
        SplitKind::Shuffle => Splitter::ShuffleSplit {
            n_splits: a.k,
            train_frac: a.train_frac,
            seed: a.seed,
        },
        SplitKind::Group => Splitter::GroupKFold {
            k: a.k,
            seed: a.seed,
        },
        SplitKind::Stratified => Splitter::StratifiedKFold {
            k: a.k,
            seed: a.seed,
        },
        SplitKind::StratifiedShuffle => Splitter::StratifiedShuffleSplit {
            n_splits: a.k,
            train_frac: a.train_frac,
            seed: a.seed,
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
