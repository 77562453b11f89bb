//! Small descriptive statistics with the NaN conventions of METRICS §0.6.

/// Arithmetic mean (NaN for an empty slice).
pub fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    x.iter().sum::<f64>() / x.len() as f64
}

/// Mean over the non-NaN values (NaN if there are none).
pub fn nanmean(x: &[f64]) -> f64 {
    let v: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
    mean(&v)
}

/// Median; an even count gives the mean of the two middle values (NaN if empty).
/// NaN values propagate (the result is NaN if any value is NaN), as `numpy.median`.
pub fn median(x: &[f64]) -> f64 {
    if x.is_empty() || x.iter().any(|v| v.is_nan()) {
        return f64::NAN;
    }
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    let m = v.len();
    if m % 2 == 1 {
        v[m / 2]
    } else {
        // numpy computes the mean of the two middle values as (a + b) / 2
        (v[m / 2 - 1] + v[m / 2]) / 2.0
    }
}

/// Median over the non-NaN values (NaN if there are none), as `numpy.nanmedian`.
pub fn nanmedian(x: &[f64]) -> f64 {
    let v: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
    median(&v)
}

/// Variance with `ddof` degrees of freedom removed (NaN if fewer than `ddof + 1` values).
pub fn variance(x: &[f64], ddof: usize) -> f64 {
    if x.len() <= ddof {
        return f64::NAN;
    }
    let m = mean(x);
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - ddof) as f64
}

/// Percentile `q` in [0, 100] with linear interpolation (numpy's default method),
/// ignoring NaN values (NaN if none remain).
pub fn nanpercentile(x: &[f64], q: f64) -> f64 {
    let mut v: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let pos = q / 100.0 * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    let frac = pos - lo as f64;
    // numpy's _lerp: a + (b - a) * t, switched to b - (b - a) * (1 - t) for t >= 0.5
    let (a, b) = (v[lo], v[hi]);
    let d = b - a;
    if frac >= 0.5 {
        b - d * (1.0 - frac)
    } else {
        a + d * frac
    }
}

/// Clips `x` to `[lo, hi]` (NaN stays NaN).
pub fn clip(x: f64, lo: f64, hi: f64) -> f64 {
    if x.is_nan() {
        x
    } else {
        x.max(lo).min(hi)
    }
}

/// Student's two-sample t statistic with pooled variance (scipy `ttest_ind`, its default
/// `equal_var=True`): (mean(a) − mean(b)) / sqrt(s_p² (1/n_a + 1/n_b)). NaN when either
/// sample has fewer than 2 values or the pooled variance is 0 (both samples constant).
pub fn ttest_ind(a: &[f64], b: &[f64]) -> f64 {
    let (na, nb) = (a.len(), b.len());
    if na < 2 || nb < 2 {
        return f64::NAN;
    }
    let pooled = (variance(a, 1) * (na - 1) as f64 + variance(b, 1) * (nb - 1) as f64)
        / (na + nb - 2) as f64;
    if pooled <= 0.0 {
        return f64::NAN;
    }
    (mean(a) - mean(b)) / (pooled * (1.0 / na as f64 + 1.0 / nb as f64)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn student_t_like_scipy() {
        // scipy.stats.ttest_ind([1, 2, 3, 4], [2, 4, 6, 8, 10]).statistic
        let t = ttest_ind(&[1.0, 2.0, 3.0, 4.0], &[2.0, 4.0, 6.0, 8.0, 10.0]);
        // by hand: means 2.5, 6; vars 5/3, 10; pooled (5 + 40) / 7 = 45/7
        let expect = -3.5 / (45.0f64 / 7.0 * (0.25 + 0.2)).sqrt();
        assert!((t - expect).abs() < 1e-12, "{t}");
        assert!(ttest_ind(&[1.0, 1.0], &[1.0, 1.0]).is_nan());
        assert!(ttest_ind(&[1.0], &[1.0, 2.0]).is_nan());
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[1.0, f64::NAN]).is_nan());
        assert_eq!(nanmedian(&[1.0, f64::NAN, 3.0]), 2.0);
        assert!(nanmedian(&[f64::NAN]).is_nan());
    }

    #[test]
    fn percentiles_match_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(nanpercentile(&v, 50.0), 3.0);
        assert!((nanpercentile(&v, 97.5) - 9.4).abs() < 1e-12);
        assert!((nanpercentile(&v, 2.5) - 1.1).abs() < 1e-12);
    }

    #[test]
    fn variance_ddof() {
        assert_eq!(variance(&[1.0, 3.0], 1), 2.0);
        assert_eq!(variance(&[1.0, 3.0], 0), 1.0);
        assert!(variance(&[1.0], 1).is_nan());
    }
}
