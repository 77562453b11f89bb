//! `brainprobe bench metrics`: times RidgeCV predictivity (627 stimuli × 3,000 features, 1 and
//! 100 targets, ShuffleSplit 10 × 0.9, 7 alphas) and RSA with Nili bounds (92 × 92), natively;
//! then, when Python with numpy/scipy/scikit-learn is available, runs the same computation on
//! the same data with scikit-learn/SciPy (`bench/metrics_reference.py`) and prints the ratio.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use brainprobe_metrics::correlation::PearsonVariant;
use brainprobe_metrics::rsa::{self, Pooling, RsaMethod};
use brainprobe_metrics::splits::{shuffle_split, Split};
use brainprobe_metrics::{cross_validate, RandomState, Regression};
use clap::Args;
use ndarray::{Array2, Array4};
use ndarray_npy::WriteNpyExt;
use serde_json::Value;

/// The reference script, embedded so the command works from any directory.
const REFERENCE_PY: &str = include_str!("../../../../bench/metrics_reference.py");

/// Options of `bench metrics`.
#[derive(Args)]
pub struct BenchMetricsArgs {
    /// Repetitions per case (the fastest is reported).
    #[arg(long, default_value_t = 3)]
    repeats: usize,
    /// Python interpreter for the scikit-learn/SciPy reference.
    #[arg(long, default_value = "python3")]
    python: String,
    /// Skip the Python reference.
    #[arg(long)]
    no_python: bool,
}

struct Data {
    x: Array2<f64>,
    y1: Array2<f64>,
    y100: Array2<f64>,
    splits: Vec<Split>,
    model_patterns: Array2<f64>,
    subject_rdms: Array4<f64>,
}

/// Standard normal draws from the numpy-compatible generator (Box–Muller on 53-bit uniforms).
fn normals(rs: &mut RandomState, n: usize) -> Vec<f64> {
    let mut uniform = || {
        let a = (rs.next_u32() >> 5) as f64;
        let b = (rs.next_u32() >> 6) as f64;
        (a * 67_108_864.0 + b + 0.5) / 9_007_199_254_740_992.0
    };
    let mut out = Vec::with_capacity(n + 1);
    while out.len() < n {
        let (u1, u2) = (uniform(), uniform());
        let r = (-2.0 * u1.ln()).sqrt();
        out.push(r * (2.0 * std::f64::consts::PI * u2).cos());
        out.push(r * (2.0 * std::f64::consts::PI * u2).sin());
    }
    out.truncate(n);
    out
}

fn make_data() -> Result<Data, String> {
    let (n, p) = (627, 3000);
    let mut rs = RandomState::new(0);
    let x = Array2::from_shape_vec((n, p), normals(&mut rs, n * p)).map_err(|e| e.to_string())?;
    let w =
        Array2::from_shape_vec((p, 100), normals(&mut rs, p * 100)).map_err(|e| e.to_string())?;
    let noise =
        Array2::from_shape_vec((n, 100), normals(&mut rs, n * 100)).map_err(|e| e.to_string())?;
    // signal and noise of equal variance: held-out r around 0.3-0.4
    let y100 = x.dot(&w) / (p as f64).sqrt() + noise;
    let y1 = y100.slice(ndarray::s![.., 0..1]).to_owned();
    let splits = shuffle_split(n, 10, 0.9, 1).map_err(|e| e.to_string())?;
    // RSA: 92 conditions; a shared latent structure seen by the model and by 4 subjects × 2 sessions
    let (c, u, k) = (92, 1000, 8);
    let latent =
        Array2::from_shape_vec((c, k), normals(&mut rs, c * k)).map_err(|e| e.to_string())?;
    let mix = |rs: &mut RandomState, units: usize, noise: f64| -> Result<Array2<f64>, String> {
        let m = Array2::from_shape_vec((k, units), normals(rs, k * units))
            .map_err(|e| e.to_string())?;
        let e = Array2::from_shape_vec((c, units), normals(rs, c * units))
            .map_err(|e| e.to_string())?;
        Ok(latent.dot(&m) + e * noise)
    };
    let model_patterns = mix(&mut rs, u, 2.0)?;
    let mut subject_rdms = Array4::zeros((4, 2, c, c));
    for s in 0..4 {
        for ses in 0..2 {
            let pat = mix(&mut rs, 200, 3.0)?;
            let r = rsa::rdm(pat.view()).map_err(|e| e.to_string())?;
            subject_rdms
                .slice_mut(ndarray::s![s, ses, .., ..])
                .assign(&r.matrix);
        }
    }
    Ok(Data {
        x,
        y1,
        y100,
        splits,
        model_patterns,
        subject_rdms,
    })
}

/// Runs `f` `repeats` times; returns the fastest time (s) and the last result.
fn time<T>(repeats: usize, mut f: impl FnMut() -> Result<T, String>) -> Result<(f64, T), String> {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..repeats.max(1) {
        let t = Instant::now();
        let r = f()?;
        best = best.min(t.elapsed().as_secs_f64());
        last = Some(r);
    }
    last.map(|r| (best, r))
        .ok_or_else(|| "no repetition ran".to_string())
}

fn ridge_score(d: &Data, y: &Array2<f64>) -> Result<f64, String> {
    let p = cross_validate(
        d.x.view(),
        y.view(),
        &d.splits,
        &Regression::ridge_cv_default(),
        PearsonVariant::Epsilon,
    )
    .map_err(|e| e.to_string())?;
    Ok(p.aggregate.raw)
}

/// Model RDM, Spearman and τ_a scores against the 4 session-averaged subjects, and the
/// rank-averaged Nili bounds for both similarities.
fn rsa_all(d: &Data) -> Result<[f64; 6], String> {
    let e = |x: brainprobe_metrics::MetricsError| x.to_string();
    let model = rsa::upper_triangle(rsa::rdm(d.model_patterns.view()).map_err(e)?.matrix.view())
        .map_err(e)?;
    let mut subjects = Vec::new();
    for s in 0..4 {
        let sessions: Vec<Vec<f64>> = (0..2)
            .map(|k| {
                rsa::upper_triangle(d.subject_rdms.slice(ndarray::s![s, k, .., ..])).map_err(e)
            })
            .collect::<Result<_, _>>()?;
        subjects.push(rsa::mean_vectors(&sessions).map_err(e)?);
    }
    let sp = rsa::rsa_score(&model, &subjects, RsaMethod::Spearman).map_err(e)?;
    let ta = rsa::rsa_score(&model, &subjects, RsaMethod::KendallTauA).map_err(e)?;
    let nsp = rsa::nili_bounds(&subjects, RsaMethod::Spearman, Pooling::RankAverage).map_err(e)?;
    let nta =
        rsa::nili_bounds(&subjects, RsaMethod::KendallTauA, Pooling::RankAverage).map_err(e)?;
    Ok([sp.raw, nsp.lower, nsp.upper, ta.raw, nta.lower, nta.upper])
}

fn write(dir: &Path, name: &str, a: &impl WriteNpyExt) -> Result<(), String> {
    let path = dir.join(name);
    let f = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    a.write_npy(std::io::BufWriter::new(f))
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn index_matrix(splits: &[Split], train: bool) -> Array2<i64> {
    let rows: Vec<&Vec<usize>> = splits
        .iter()
        .map(|s| if train { &s.train } else { &s.test })
        .collect();
    Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| rows[i][j] as i64)
}

fn python_reference(args: &BenchMetricsArgs, d: &Data) -> Result<Value, String> {
    let check = Command::new(&args.python)
        .args(["-c", "import numpy, scipy, sklearn"])
        .output();
    match check {
        Ok(o) if o.status.success() => {}
        Ok(_) => return Err(format!("`{}` lacks numpy/scipy/scikit-learn", args.python)),
        Err(e) => return Err(format!("`{}` not runnable: {e}", args.python)),
    }
    let dir: PathBuf =
        std::env::temp_dir().join(format!("brainprobe-bench-metrics-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let result = (|| {
        write(&dir, "x.npy", &d.x)?;
        write(&dir, "y1.npy", &d.y1)?;
        write(&dir, "y100.npy", &d.y100)?;
        write(&dir, "train.npy", &index_matrix(&d.splits, true))?;
        write(&dir, "test.npy", &index_matrix(&d.splits, false))?;
        write(&dir, "model_patterns.npy", &d.model_patterns)?;
        write(&dir, "subject_rdms.npy", &d.subject_rdms)?;
        let script = dir.join("metrics_reference.py");
        std::fs::write(&script, REFERENCE_PY).map_err(|e| e.to_string())?;
        let out = Command::new(&args.python)
            .arg(&script)
            .arg(&dir)
            .arg(args.repeats.max(1).to_string())
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "reference script failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        serde_json::from_slice::<Value>(&out.stdout).map_err(|e| format!("reference output: {e}"))
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Runs the benchmark and prints a table (and the ratio to scikit-learn/SciPy if available).
pub fn run(args: BenchMetricsArgs) -> Result<(), String> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "bench metrics: best of {} runs, {} CPU threads available",
        args.repeats.max(1),
        threads
    );
    let d = make_data()?;
    let (t1, s1) = time(args.repeats, || ridge_score(&d, &d.y1))?;
    let (t100, s100) = time(args.repeats, || ridge_score(&d, &d.y100))?;
    let (trsa, r) = time(args.repeats, || rsa_all(&d))?;
    let py = if args.no_python {
        Err("skipped (--no-python)".to_string())
    } else {
        python_reference(&args, &d)
    };
    let rows = [
        (
            "ridge-cv 627x3000, 1 target, 10 splits, 7 alphas",
            t1,
            "ridge_1",
            format!("score {s1:.6}"),
            s1,
        ),
        (
            "ridge-cv 627x3000, 100 targets, 10 splits, 7 alphas",
            t100,
            "ridge_100",
            format!("score {s100:.6}"),
            s100,
        ),
        (
            "rdm + rsa + nili (spearman, tau-a) on 92x92",
            trsa,
            "rsa",
            format!("spearman {:.4} [{:.4}, {:.4}]", r[0], r[1], r[2]),
            r[0],
        ),
    ];
    println!(
        "{:<54} {:>10} {:>12} {:>8}  result",
        "case", "brainprobe", "sklearn/scipy", "speedup"
    );
    for (name, t, key, res, value) in rows {
        let (pt, ratio, agree) = match &py {
            Ok(v) => {
                let pt = v[key]["seconds"].as_f64().unwrap_or(f64::NAN);
                let pv = v[key]["value"].as_f64().unwrap_or(f64::NAN);
                (
                    format!("{pt:.3} s"),
                    format!("{:.2}x", pt / t),
                    format!(" (reference {pv:.6}, |diff| {:.1e})", (pv - value).abs()),
                )
            }
            Err(_) => ("-".into(), "-".into(), String::new()),
        };
        println!("{name:<54} {:>8.3} s {pt:>12} {ratio:>8}  {res}{agree}", t);
    }
    if let Err(why) = &py {
        println!("scikit-learn/SciPy reference not run: {why}");
    }
    Ok(())
}
