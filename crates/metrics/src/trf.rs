//! scipy's `curve_fit` for the saturating curve of the extrapolation ceiling, step for
//! step: `least_squares(method="trf")` with bounds v0 ∈ [0, 1], τ0 free, start (0.5, 1.0),
//! 2-point finite-difference Jacobian, `x_scale = 1`, exact trust-region solver,
//! ftol = xtol = gtol = 1e-8, at most 200 function evaluations (scipy 1.17 trf_bounds).
//! Reproducing the iteration (not just the optimum) matters: scipy stops at ftol = 1e-8,
//! up to ~2e-6 away from the exact minimiser, and the golden parameters are scipy's.

use faer::Mat;

use crate::linalg::thin_svd;

const LB: [f64; 2] = [0.0, f64::NEG_INFINITY];
const UB: [f64; 2] = [1.0, f64::INFINITY];
const TOL: f64 = 1e-8;
const MAX_NFEV: usize = 200;

type V2 = [f64; 2];

fn residuals(x: &[f64], y: &[f64], p: V2) -> Vec<f64> {
    x.iter()
        .zip(y)
        .map(|(&xi, &yi)| p[0] * (1.0 - ((-xi) / p[1]).exp()) - yi)
        .collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(p, q)| p * q).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// `approx_derivative(method="2-point")` with the one-sided bound adjustment.
fn jacobian(x: &[f64], y: &[f64], p: V2, f0: &[f64]) -> Vec<V2> {
    let rstep = f64::EPSILON.sqrt();
    let mut cols: Vec<Vec<f64>> = Vec::with_capacity(2);
    for i in 0..2 {
        let sign = if p[i] >= 0.0 { 1.0 } else { -1.0 };
        let mut h = rstep * sign * p[i].abs().max(1.0);
        let (lower, upper) = (p[i] - LB[i], UB[i] - p[i]);
        let moved = p[i] + h;
        let violated = moved < LB[i] || moved > UB[i];
        let fitting = h.abs() <= lower.max(upper);
        if violated && fitting {
            h = -h;
        } else if !fitting {
            h = if upper >= lower { upper } else { -lower };
        }
        let mut q = p;
        q[i] = p[i] + h;
        let dx = q[i] - p[i];
        cols.push(
            residuals(x, y, q)
                .iter()
                .zip(f0)
                .map(|(a, b)| (a - b) / dx)
                .collect(),
        );
    }
    (0..f0.len()).map(|r| [cols[0][r], cols[1][r]]).collect()
}

fn jt_f(j: &[V2], f: &[f64]) -> V2 {
    let mut g = [0.0; 2];
    for (row, fi) in j.iter().zip(f) {
        g[0] += row[0] * fi;
        g[1] += row[1] * fi;
    }
    g
}

fn cl_scaling(p: V2, g: V2) -> (V2, V2) {
    let (mut v, mut dv) = ([1.0; 2], [0.0; 2]);
    for i in 0..2 {
        if g[i] < 0.0 && UB[i].is_finite() {
            v[i] = UB[i] - p[i];
            dv[i] = -1.0;
        } else if g[i] > 0.0 && LB[i].is_finite() {
            v[i] = p[i] - LB[i];
            dv[i] = 1.0;
        }
    }
    (v, dv)
}

fn jh_dot(jh: &[V2], s: V2) -> Vec<f64> {
    jh.iter().map(|r| r[0] * s[0] + r[1] * s[1]).collect()
}

fn evaluate_quadratic(jh: &[V2], g: V2, s: V2, diag: V2) -> f64 {
    let js = jh_dot(jh, s);
    0.5 * (dot(&js, &js) + s[0] * diag[0] * s[0] + s[1] * diag[1] * s[1]) + dot(&s, &g)
}

fn build_quadratic_1d(jh: &[V2], g: V2, s: V2, diag: V2, s0: Option<V2>) -> (f64, f64, f64) {
    let v = jh_dot(jh, s);
    let a = 0.5 * (dot(&v, &v) + (s[0] * diag[0] * s[0] + s[1] * diag[1] * s[1]));
    let mut b = dot(&g, &s);
    let mut c = 0.0;
    if let Some(s0) = s0 {
        let u = jh_dot(jh, s0);
        b += dot(&u, &v);
        c = 0.5 * dot(&u, &u) + dot(&g, &s0);
        b += s0[0] * diag[0] * s[0] + s0[1] * diag[1] * s[1];
        c += 0.5 * (s0[0] * diag[0] * s0[0] + s0[1] * diag[1] * s0[1]);
    }
    (a, b, c)
}

fn minimize_quadratic_1d(a: f64, b: f64, lb: f64, ub: f64, c: f64) -> (f64, f64) {
    let mut t = vec![lb, ub];
    if a != 0.0 {
        let e = -0.5 * b / a;
        if lb < e && e < ub {
            t.push(e);
        }
    }
    let mut best = (t[0], t[0] * (a * t[0] + b) + c);
    for &ti in &t[1..] {
        let yi = ti * (a * ti + b) + c;
        if yi < best.1 {
            best = (ti, yi);
        }
    }
    best
}

fn step_size_to_bound(p: V2, s: V2) -> (f64, [i32; 2]) {
    let mut steps = [f64::INFINITY; 2];
    for i in 0..2 {
        if s[i] != 0.0 {
            steps[i] = ((LB[i] - p[i]) / s[i]).max((UB[i] - p[i]) / s[i]);
        }
    }
    let m = steps[0].min(steps[1]);
    let hits = [0, 1].map(|i| {
        if steps[i] == m {
            s[i].signum() as i32 * i32::from(s[i] != 0.0)
        } else {
            0
        }
    });
    (m, hits)
}

fn intersect_trust_region(x: V2, s: V2, delta: f64) -> Option<(f64, f64)> {
    let a = dot(&s, &s);
    if a == 0.0 {
        return None;
    }
    let b = dot(&x, &s);
    let c = dot(&x, &x) - delta * delta;
    if c > 0.0 {
        return None;
    }
    let d = (b * b - a * c).sqrt();
    let q = -(b + d.copysign(b));
    let (t1, t2) = (q / a, c / q);
    Some(if t1 < t2 { (t1, t2) } else { (t2, t1) })
}

/// Exact trust-region subproblem (scipy `solve_lsq_trust_region`, Moré's method).
fn solve_tr(
    m: usize,
    uf: V2,
    s: V2,
    vmat: [[f64; 2]; 2],
    delta: f64,
    initial_alpha: f64,
) -> (V2, f64) {
    let suf = [s[0] * uf[0], s[1] * uf[1]];
    let full_rank = m >= 2 && s[1] > f64::EPSILON * m as f64 * s[0];
    let vdot = |w: V2| {
        [
            vmat[0][0] * w[0] + vmat[0][1] * w[1],
            vmat[1][0] * w[0] + vmat[1][1] * w[1],
        ]
    };
    let phi = |alpha: f64| {
        let den = [s[0] * s[0] + alpha, s[1] * s[1] + alpha];
        let pn = norm(&[suf[0] / den[0], suf[1] / den[1]]);
        let dphi = -(suf[0] * suf[0] / den[0].powi(3) + suf[1] * suf[1] / den[1].powi(3)) / pn;
        (pn - delta, dphi)
    };
    if full_rank {
        let p = vdot([-(uf[0] / s[0]), -(uf[1] / s[1])]);
        if norm(&p) <= delta {
            return (p, 0.0);
        }
    }
    let mut alpha_upper = norm(&suf) / delta;
    let mut alpha_lower = if full_rank {
        let (ph, dph) = phi(0.0);
        -ph / dph
    } else {
        0.0
    };
    let mut alpha = if !full_rank && initial_alpha == 0.0 {
        (0.001 * alpha_upper).max((alpha_lower * alpha_upper).sqrt())
    } else {
        initial_alpha
    };
    for _ in 0..10 {
        if alpha < alpha_lower || alpha > alpha_upper {
            alpha = (0.001 * alpha_upper).max((alpha_lower * alpha_upper).sqrt());
        }
        let (ph, dph) = phi(alpha);
        if ph < 0.0 {
            alpha_upper = alpha;
        }
        let ratio = ph / dph;
        alpha_lower = alpha_lower.max(alpha - ratio);
        alpha -= (ph + delta) * ratio / delta;
        if ph.abs() < 0.01 * delta {
            break;
        }
    }
    let mut p = vdot([
        -(suf[0] / (s[0] * s[0] + alpha)),
        -(suf[1] / (s[1] * s[1] + alpha)),
    ]);
    let scale = delta / norm(&p);
    p = [p[0] * scale, p[1] * scale];
    (p, alpha)
}

/// Bounded TRF fit of `v0 · (1 − exp(−x/τ0))` from (0.5, 1.0); `None` when scipy would
/// raise (no convergence within 200 evaluations, or a degenerate step).
pub(crate) fn curve_fit_saturating(x: &[f64], y: &[f64]) -> Option<V2> {
    let m = x.len();
    let mut p: V2 = [0.5, 1.0];
    let mut f = residuals(x, y, p);
    let mut nfev = 1;
    let mut j = jacobian(x, y, p, &f);
    let mut cost = 0.5 * dot(&f, &f);
    let mut g = jt_f(&j, &f);
    let (v, _) = cl_scaling(p, g);
    let mut delta = norm(&[p[0] / v[0].sqrt(), p[1] / v[1].sqrt()]);
    if delta == 0.0 {
        delta = 1.0;
    }
    let mut alpha = 0.0;
    let mut status: Option<u8> = None;
    loop {
        let (v, dv) = cl_scaling(p, g);
        let g_norm = (g[0] * v[0]).abs().max((g[1] * v[1]).abs());
        if g_norm < TOL {
            status = Some(1);
        }
        if status.is_some() || nfev == MAX_NFEV {
            break;
        }
        let d = [v[0].sqrt(), v[1].sqrt()];
        let diag_h = [g[0] * dv[0], g[1] * dv[1]];
        let g_h = [d[0] * g[0], d[1] * g[1]];
        let jh: Vec<V2> = j.iter().map(|r| [r[0] * d[0], r[1] * d[1]]).collect();
        let aug = Mat::from_fn(m + 2, 2, |r, c| {
            if r < m {
                jh[r][c]
            } else if r - m == c {
                diag_h[c].sqrt()
            } else {
                0.0
            }
        });
        let (u, s, vv) = thin_svd(aug.as_ref()).ok()?;
        let s: V2 = [s[0], s[1]];
        let vmat = [[vv[(0, 0)], vv[(0, 1)]], [vv[(1, 0)], vv[(1, 1)]]];
        let uf: V2 = [0, 1].map(|k| (0..m).map(|r| u[(r, k)] * f[r]).sum());
        let theta = 0.995f64.max(1.0 - g_norm);
        let mut actual_reduction = -1.0;
        let (mut p_new, mut f_new, mut cost_new) = (p, f.clone(), cost);
        while actual_reduction <= 0.0 && nfev < MAX_NFEV {
            let (p_h, a) = solve_tr(m, uf, s, vmat, delta, alpha);
            alpha = a;
            let step_full = [d[0] * p_h[0], d[1] * p_h[1]];
            let (step, step_h, predicted) =
                select_step(p, &jh, diag_h, g_h, step_full, p_h, d, delta, theta)?;
            let mut cand = [p[0] + step[0], p[1] + step[1]];
            for i in 0..2 {
                if cand[i] <= LB[i] {
                    cand[i] = next_toward(LB[i], UB[i]);
                } else if cand[i] >= UB[i] {
                    cand[i] = next_toward(UB[i], LB[i]);
                }
            }
            let fc = residuals(x, y, cand);
            nfev += 1;
            let step_h_norm = norm(&step_h);
            if fc.iter().any(|v| !v.is_finite()) {
                delta = 0.25 * step_h_norm;
                continue;
            }
            let cc = 0.5 * dot(&fc, &fc);
            actual_reduction = cost - cc;
            let ratio = if predicted > 0.0 {
                actual_reduction / predicted
            } else if predicted == 0.0 && actual_reduction == 0.0 {
                1.0
            } else {
                0.0
            };
            let mut delta_new = delta;
            if ratio < 0.25 {
                delta_new = 0.25 * step_h_norm;
            } else if ratio > 0.75 && step_h_norm > 0.95 * delta {
                delta_new *= 2.0;
            }
            let step_norm = norm(&step);
            let ftol_ok = actual_reduction < TOL * cost && ratio > 0.25;
            let xtol_ok = step_norm < TOL * (TOL + norm(&p));
            (p_new, f_new, cost_new) = (cand, fc, cc);
            if ftol_ok || xtol_ok {
                status = Some(if ftol_ok && xtol_ok {
                    4
                } else if ftol_ok {
                    2
                } else {
                    3
                });
                break;
            }
            alpha *= delta / delta_new;
            delta = delta_new;
        }
        if actual_reduction > 0.0 {
            p = p_new;
            f = f_new;
            cost = cost_new;
            j = jacobian(x, y, p, &f);
            g = jt_f(&j, &f);
        }
    }
    status.map(|_| p)
}

fn next_toward(from: f64, to: f64) -> f64 {
    if from.is_infinite() {
        return from;
    }
    let bits = from.to_bits();
    let next = if (to > from) == (from >= 0.0) {
        bits + 1
    } else {
        bits - 1
    };
    if from == 0.0 {
        return if to > 0.0 {
            f64::from_bits(1)
        } else {
            -f64::from_bits(1)
        };
    }
    f64::from_bits(next)
}

#[allow(clippy::too_many_arguments)]
fn select_step(
    x: V2,
    jh: &[V2],
    diag_h: V2,
    g_h: V2,
    p: V2,
    p_h: V2,
    d: V2,
    delta: f64,
    theta: f64,
) -> Option<(V2, V2, f64)> {
    let inb = |q: V2| (0..2).all(|i| q[i] >= LB[i] && q[i] <= UB[i]);
    if inb([x[0] + p[0], x[1] + p[1]]) {
        return Some((p, p_h, -evaluate_quadratic(jh, g_h, p_h, diag_h)));
    }
    let (p_stride, hits) = step_size_to_bound(x, p);
    let mut r_h = p_h;
    for i in 0..2 {
        if hits[i] != 0 {
            r_h[i] = -r_h[i];
        }
    }
    let mut r = [d[0] * r_h[0], d[1] * r_h[1]];
    let mut p = [p[0] * p_stride, p[1] * p_stride];
    let mut p_h = [p_h[0] * p_stride, p_h[1] * p_stride];
    let x_on_bound = [x[0] + p[0], x[1] + p[1]];
    let (_, to_tr) = intersect_trust_region(p_h, r_h, delta)?;
    let (to_bound, _) = step_size_to_bound(x_on_bound, r);
    let r_stride = to_bound.min(to_tr);
    let (r_lo, r_hi) = if r_stride > 0.0 {
        (
            (1.0 - theta) * p_stride / r_stride,
            if r_stride == to_bound {
                theta * to_bound
            } else {
                to_tr
            },
        )
    } else {
        (0.0, -1.0)
    };
    let r_value = if r_lo <= r_hi {
        let (a, b, c) = build_quadratic_1d(jh, g_h, r_h, diag_h, Some(p_h));
        let (rs, rv) = minimize_quadratic_1d(a, b, r_lo, r_hi, c);
        r_h = [r_h[0] * rs + p_h[0], r_h[1] * rs + p_h[1]];
        r = [r_h[0] * d[0], r_h[1] * d[1]];
        rv
    } else {
        f64::INFINITY
    };
    p = [p[0] * theta, p[1] * theta];
    p_h = [p_h[0] * theta, p_h[1] * theta];
    let p_value = evaluate_quadratic(jh, g_h, p_h, diag_h);
    let mut ag_h = [-g_h[0], -g_h[1]];
    let mut ag = [d[0] * ag_h[0], d[1] * ag_h[1]];
    let to_tr = delta / norm(&ag_h);
    let (to_bound, _) = step_size_to_bound(x, ag);
    let ag_stride = if to_bound < to_tr {
        theta * to_bound
    } else {
        to_tr
    };
    let (a, b, _) = build_quadratic_1d(jh, g_h, ag_h, diag_h, None);
    let (ag_stride, ag_value) = minimize_quadratic_1d(a, b, 0.0, ag_stride, 0.0);
    ag_h = [ag_h[0] * ag_stride, ag_h[1] * ag_stride];
    ag = [ag[0] * ag_stride, ag[1] * ag_stride];
    Some(if p_value < r_value && p_value < ag_value {
        (p, p_h, -p_value)
    } else if r_value < p_value && r_value < ag_value {
        (r, r_h, -r_value)
    } else {
        (ag, ag_h, -ag_value)
    })
}
