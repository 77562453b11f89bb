//! The extrapolation ceiling of Schrimpf et al. 2021 (METRICS §2.1): scores of subject pools
//! of growing size, a saturating fit `v(x) = v0 · (1 − exp(−x / τ0))` per bootstrap, and
//! its asymptote v0 as the ceiling.

use ndarray::ArrayView2;

use crate::correlation::PearsonVariant;
use crate::error::{MetricsError, Result};
use crate::predictivity::cross_validate;
use crate::regression::Regression;
use crate::rng::RandomState;
use crate::splits::Split;
use crate::stats::{median, nanpercentile};

/// The saturating curve `v0 · (1 − exp(−x / τ0))`.
pub fn saturating(x: f64, v0: f64, tau0: f64) -> f64 {
    v0 * (1.0 - (-x / tau0).exp())
}

/// For fixed τ: best v0 in [0, 1] (closed form) and the sum of squared errors.
fn profile(x: &[f64], y: &[f64], tau: f64) -> (f64, f64) {
    let h: Vec<f64> = x.iter().map(|&xi| 1.0 - (-xi / tau).exp()).collect();
    let hh: f64 = h.iter().map(|v| v * v).sum();
    let hy: f64 = h.iter().zip(y).map(|(a, b)| a * b).sum();
    let v0 = if hh > 0.0 {
        (hy / hh).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let sse = h.iter().zip(y).map(|(a, b)| (b - v0 * a).powi(2)).sum();
    (v0, sse)
}

/// d SSE / d ln τ at the profile-optimal v0 (envelope theorem).
fn profile_slope(x: &[f64], y: &[f64], tau: f64) -> f64 {
    let (v0, _) = profile(x, y, tau);
    x.iter()
        .zip(y)
        .map(|(&xi, &yi)| {
            let e = (-xi / tau).exp();
            let r = yi - v0 * (1.0 - e);
            // d v/d ln τ = −v0 · (x/τ) · exp(−x/τ)
            2.0 * r * v0 * (xi / tau) * e
        })
        .sum()
}

/// scipy `curve_fit` of `v0 · (1 − exp(−x/τ0))` with bounds v0 ∈ [0, 1], τ0 free, start
/// (0.5, 1.0): the same trust-region-reflective iterations and stopping rule
/// (ftol = xtol = gtol = 1e-8), so the parameters equal scipy's, not only the optimum.
/// Non-finite y are dropped first. Errors when fewer than 2 finite points remain or the
/// iteration does not converge within 200 evaluations (where scipy raises).
pub fn fit_saturating(x: &[f64], y: &[f64]) -> Result<(f64, f64)> {
    let (xs, ys) = finite_points(x, y)?;
    crate::trf::curve_fit_saturating(&xs, &ys)
        .map(|p| (p[0], p[1]))
        .ok_or_else(|| MetricsError::NoSolution {
            what: "fit_saturating",
            reason: "trust-region iterations did not converge".into(),
        })
}

fn finite_points(x: &[f64], y: &[f64]) -> Result<(Vec<f64>, Vec<f64>)> {
    if x.len() != y.len() {
        return Err(MetricsError::shape(
            "fit_saturating",
            format!("{} y values", x.len()),
            format!("{}", y.len()),
        ));
    }
    let (xs, ys): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| (*a, *b))
        .unzip();
    MetricsError::at_least("fit_saturating", "finite points", xs.len(), 2)?;
    Ok((xs, ys))
}

/// The exact least-squares optimum of the same bounded problem (v0 ∈ [0, 1], τ0 > 0):
/// closed-form v0 for each τ0, then a bisection on the slope of the profile SSE. Its SSE
/// is never above scipy's; the parameters can differ from scipy's by ~1e-6 because scipy
/// stops early. Errors like [`fit_saturating`], or when the optimum has τ0 at 0 or ∞.
pub fn fit_saturating_optimum(x: &[f64], y: &[f64]) -> Result<(f64, f64)> {
    let (xs, ys) = finite_points(x, y)?;
    // grid over ln τ, then bisection on the slope of the profile SSE
    let (lo, hi, steps) = ((1e-4f64).ln(), (1e8f64).ln(), 600);
    let grid: Vec<f64> = (0..=steps)
        .map(|i| lo + (hi - lo) * i as f64 / steps as f64)
        .collect();
    let sse: Vec<f64> = grid.iter().map(|&u| profile(&xs, &ys, u.exp()).1).collect();
    let best = (0..grid.len()).fold(0, |b, i| if sse[i] < sse[b] { i } else { b });
    if best == 0 || best == grid.len() - 1 {
        return Err(MetricsError::NoSolution {
            what: "fit_saturating",
            reason: "the best fit has τ0 at the edge of (1e-4, 1e8)".into(),
        });
    }
    let (mut a, mut b) = (grid[best - 1], grid[best + 1]);
    let (mut sa, sb) = (
        profile_slope(&xs, &ys, a.exp()),
        profile_slope(&xs, &ys, b.exp()),
    );
    let u = if sa < 0.0 && sb > 0.0 {
        for _ in 0..200 {
            let m = 0.5 * (a + b);
            if m <= a || m >= b {
                break;
            }
            let sm = profile_slope(&xs, &ys, m.exp());
            if sm < 0.0 {
                a = m;
                sa = sm;
            } else {
                b = m;
            }
        }
        let _ = sa;
        0.5 * (a + b)
    } else {
        golden_section(&xs, &ys, a, b)
    };
    let tau = u.exp();
    Ok((profile(&xs, &ys, tau).0, tau))
}

fn golden_section(x: &[f64], y: &[f64], mut a: f64, mut b: f64) -> f64 {
    let g = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..200 {
        let c = b - g * (b - a);
        let d = a + g * (b - a);
        if profile(x, y, c.exp()).1 < profile(x, y, d.exp()).1 {
            b = d;
        } else {
            a = c;
        }
    }
    0.5 * (a + b)
}

/// Bootstrapped extrapolation of one neuroid (METRICS §2.1.2).
#[derive(Clone, Debug, PartialEq)]
pub struct NeuroidExtrapolation {
    /// Median v0 over the successful bootstrap fits: the neuroid's ceiling.
    pub center: f64,
    /// First x of the median curve whose increment is below 0.0005.
    pub endpoint: usize,
    /// center − 2.5th percentile of the bootstrap curves at the endpoint.
    pub error_low: f64,
    /// 97.5th percentile at the endpoint − center.
    pub error_high: f64,
    /// (v0, τ0) per bootstrap, NaN where the fit failed.
    pub params: Vec<(f64, f64)>,
    /// Number of failed fits.
    pub failures: usize,
    /// The bootstrap means that were fitted: per bootstrap, one per pool size kept.
    pub bootstrap_means: Vec<Vec<f64>>,
    /// The pool sizes those means belong to.
    pub xs: Vec<f64>,
}

/// Threshold on the median curve's increment that defines the endpoint.
pub const ENDPOINT_INCREMENT: f64 = 0.0005;

/// Bootstraps the saturating fit for one neuroid: `pools[i]` holds the scores at pool size
/// `xs[i]` (NaN dropped). A fresh `RandomState(seed)`; per bootstrap and pool, resample the
/// pool with replacement and take the mean; fit; summarise (METRICS §2.1.2).
pub fn bootstrap_extrapolation(
    xs: &[f64],
    pools: &[Vec<f64>],
    n_boot: usize,
    seed: u32,
) -> Result<NeuroidExtrapolation> {
    if xs.len() != pools.len() {
        return Err(MetricsError::shape(
            "bootstrap_extrapolation",
            format!("{} pools", xs.len()),
            format!("{} pools", pools.len()),
        ));
    }
    if n_boot == 0 {
        return Err(MetricsError::param("n_boot", "must be at least 1"));
    }
    let pools: Vec<Vec<f64>> = pools
        .iter()
        .map(|p| p.iter().copied().filter(|v| !v.is_nan()).collect())
        .collect();
    let kept: Vec<usize> = (0..pools.len()).filter(|&i| !pools[i].is_empty()).collect();
    MetricsError::at_least(
        "bootstrap_extrapolation",
        "pool sizes with scores",
        kept.len(),
        2,
    )?;
    let x: Vec<f64> = kept.iter().map(|&i| xs[i]).collect();
    let mut rs = RandomState::new(seed);
    let mut params = Vec::with_capacity(n_boot);
    let mut bootstrap_means = Vec::with_capacity(n_boot);
    for _ in 0..n_boot {
        let y: Vec<f64> = kept
            .iter()
            .map(|&i| {
                let p = &pools[i];
                let draws = rs.choice_with_replacement(p.len(), p.len());
                draws.iter().map(|&d| p[d]).sum::<f64>() / p.len() as f64
            })
            .collect();
        params.push(fit_saturating(&x, &y).unwrap_or((f64::NAN, f64::NAN)));
        bootstrap_means.push(y);
    }
    let ok: Vec<(f64, f64)> = params
        .iter()
        .copied()
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .collect();
    if ok.is_empty() {
        return Err(MetricsError::NoSolution {
            what: "bootstrap_extrapolation",
            reason: "every bootstrap fit failed".into(),
        });
    }
    let median_curve: Vec<f64> = (0..1000)
        .map(|g| {
            median(
                &ok.iter()
                    .map(|&(v0, t0)| saturating(g as f64, v0, t0))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let endpoint = (0..999)
        .find(|&g| median_curve[g + 1] - median_curve[g] < ENDPOINT_INCREMENT)
        .ok_or_else(|| MetricsError::NoSolution {
            what: "bootstrap_extrapolation",
            reason: "the median curve still rises by ≥ 0.0005 per step at x = 999".into(),
        })?;
    let center = median(&ok.iter().map(|p| p.0).collect::<Vec<_>>());
    let at_end: Vec<f64> = ok
        .iter()
        .map(|&(v0, t0)| saturating(endpoint as f64, v0, t0))
        .collect();
    Ok(NeuroidExtrapolation {
        center,
        endpoint,
        error_low: center - nanpercentile(&at_end, 2.5),
        error_high: nanpercentile(&at_end, 97.5) - center,
        failures: params.len() - ok.len(),
        params,
        bootstrap_means,
        xs: x,
    })
}

/// Per-neuroid score pools by pool size, as collected in METRICS §2.1.1.
#[derive(Clone, Debug, PartialEq)]
pub struct NeuroidPools {
    /// Pool sizes k (ascending) with at least one value.
    pub xs: Vec<f64>,
    /// Scores at each pool size, in (subset, split) order.
    pub pools: Vec<Vec<f64>>,
}

fn combinations(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut c: Vec<usize> = (0..k).collect();
    loop {
        out.push(c.clone());
        let mut i = k;
        while i > 0 && c[i - 1] == n - k + i - 1 {
            i -= 1;
        }
        if i == 0 {
            return out;
        }
        c[i - 1] += 1;
        for j in i..k {
            c[j] = c[j - 1] + 1;
        }
    }
}

/// Collects per-neuroid pools (METRICS §2.1.1, all-combinations variant): for every subset
/// of k ≥ 2 subjects (sorted ids, combination order) and every held-out subject h in it,
/// the other subjects' neuroids predict h's neuroids with the full metric; r[split, j] is
/// kept for each neuroid j of h. `subject_of_neuroid[j]` labels column j of `y`.
pub fn collect_pools(
    y: ArrayView2<f64>,
    subject_of_neuroid: &[i64],
    splits: &[Split],
    reg: &Regression,
    variant: PearsonVariant,
) -> Result<Vec<NeuroidPools>> {
    if subject_of_neuroid.len() != y.ncols() {
        return Err(MetricsError::shape(
            "collect_pools",
            format!("{} subject labels", y.ncols()),
            format!("{}", subject_of_neuroid.len()),
        ));
    }
    let mut subjects = subject_of_neuroid.to_vec();
    subjects.sort_unstable();
    subjects.dedup();
    MetricsError::at_least("collect_pools", "subjects", subjects.len(), 2)?;
    let cols_of = |s: i64| -> Vec<usize> {
        (0..y.ncols())
            .filter(|&j| subject_of_neuroid[j] == s)
            .collect()
    };
    let mut pools: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); subjects.len() - 1]; y.ncols()];
    for k in 2..=subjects.len() {
        for subset in combinations(subjects.len(), k) {
            for &h in &subset {
                let source: Vec<usize> = subset
                    .iter()
                    .filter(|&&s| s != h)
                    .flat_map(|&s| cols_of(subjects[s]))
                    .collect();
                let target = cols_of(subjects[h]);
                let x = y.select(ndarray::Axis(1), &source);
                let t = y.select(ndarray::Axis(1), &target);
                let p = cross_validate(x.view(), t.view(), splits, reg, variant)?;
                for (ti, &j) in target.iter().enumerate() {
                    pools[j][k - 2].extend(p.r.column(ti).iter().copied().filter(|v| !v.is_nan()));
                }
            }
        }
    }
    Ok(pools
        .into_iter()
        .map(|by_k| {
            let (xs, pools) = by_k
                .into_iter()
                .enumerate()
                .filter(|(_, p)| !p.is_empty())
                .map(|(i, p)| ((i + 2) as f64, p))
                .unzip();
            NeuroidPools { xs, pools }
        })
        .collect())
}

/// The extrapolation ceiling over neuroids (METRICS §2.1.3).
#[derive(Clone, Debug, PartialEq)]
pub struct ExtrapolationCeiling {
    /// Median over neuroids of their centers.
    pub ceiling: f64,
    /// Per-neuroid results.
    pub neuroids: Vec<NeuroidExtrapolation>,
}

/// Bootstraps every neuroid (100 bootstraps, seed 0 in the reference) and takes the median
/// of the centers.
pub fn extrapolation_ceiling(
    pools: &[NeuroidPools],
    n_boot: usize,
    seed: u32,
) -> Result<ExtrapolationCeiling> {
    if pools.is_empty() {
        return Err(MetricsError::Empty {
            what: "extrapolation_ceiling",
        });
    }
    let neuroids = pools
        .iter()
        .map(|p| bootstrap_extrapolation(&p.xs, &p.pools, n_boot, seed))
        .collect::<Result<Vec<_>>>()?;
    let ceiling = median(&neuroids.iter().map(|n| n.center).collect::<Vec<_>>());
    Ok(ExtrapolationCeiling { ceiling, neuroids })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_recovers_noise_free_curve() {
        let x: Vec<f64> = (2..11).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|&v| saturating(v, 0.6, 3.0)).collect();
        let (v0, t0) = fit_saturating_optimum(&x, &y).unwrap();
        assert!(
            (v0 - 0.6).abs() < 1e-10 && (t0 - 3.0).abs() < 1e-8,
            "{v0} {t0}"
        );
        let (v0, t0) = fit_saturating(&x, &y).unwrap();
        assert!(
            (v0 - 0.6).abs() < 1e-5 && (t0 - 3.0).abs() < 1e-4,
            "{v0} {t0}"
        );
    }

    #[test]
    fn combinations_in_order() {
        assert_eq!(
            combinations(4, 2),
            vec![
                vec![0, 1],
                vec![0, 2],
                vec![0, 3],
                vec![1, 2],
                vec![1, 3],
                vec![2, 3]
            ]
        );
    }

    #[test]
    fn too_few_points() {
        assert!(fit_saturating(&[1.0], &[0.5]).is_err());
    }
}
