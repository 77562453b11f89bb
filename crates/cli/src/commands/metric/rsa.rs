//! `metric rdm`, `metric rsa` and `metric nili`: representational similarity analysis.

use std::path::{Path, PathBuf};

use brainprobe_metrics::rsa::{self, Pooling, RsaMethod};
use clap::{Args, ValueEnum};
use ndarray::Ix2;
use serde_json::json;

use super::io::{jnum, jvec, print, read_any, read_matrix, write_npy};
use super::JsonFlag;

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

/// An RDM file (square, or its upper-triangle vector) as the upper-triangle vector.
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

/// Runs `metric rdm`.
pub(super) fn run_rdm(a: RdmArgs) -> Result<(), String> {
    let p = read_matrix(&a.patterns)?;
    let r = rsa::rdm(p.view()).map_err(|x| x.to_string())?;
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

/// Runs `metric rsa`.
pub(super) fn run_rsa(a: RsaArgs) -> Result<(), String> {
    let (u, v) = (rdm_vector(&a.a)?, rdm_vector(&a.b)?);
    let value = rsa::compare(&u, &v, a.method.into()).map_err(|x| x.to_string())?;
    print(&json!({ "value": jnum(value) }), &a.out)
}

/// Runs `metric nili`.
pub(super) fn run_nili(a: NiliArgs) -> Result<(), String> {
    let r = read_any(&a.rdms)?;
    let mut vecs = Vec::new();
    match r.ndim() {
        3 => {
            for m in r.outer_iter() {
                vecs.push(
                    rsa::upper_triangle(m.into_dimensionality::<Ix2>().map_err(|x| x.to_string())?)
                        .map_err(|x| x.to_string())?,
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
                        .map_err(|x| x.to_string())
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                if a.group_sessions {
                    vecs.push(rsa::mean_vectors(&sessions).map_err(|x| x.to_string())?);
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
    let b = rsa::nili_bounds(&vecs, method, pooling).map_err(|x| x.to_string())?;
    let v = json!({ "lower": jnum(b.lower), "upper": jnum(b.upper), "lower_each": jvec(b.lower_each), "upper_each": jvec(b.upper_each) });
    print(&v, &a.out)
}
