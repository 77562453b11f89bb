//! Linear scales and "nice" tick positions shared by the plots.

/// Maps a data interval onto a pixel interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linear {
    /// Data interval.
    pub domain: (f64, f64),
    /// Pixel interval (may be reversed, e.g. for a y axis).
    pub range: (f64, f64),
}

impl Linear {
    /// Pixel position of data value `v`.
    pub fn map(&self, v: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        let t = if d1 == d0 { 0.5 } else { (v - d0) / (d1 - d0) };
        r0 + t * (r1 - r0)
    }
}

/// Maps a positive data interval onto pixels logarithmically (base 10).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Log {
    /// Data interval (both ends > 0).
    pub domain: (f64, f64),
    /// Pixel interval.
    pub range: (f64, f64),
}

impl Log {
    /// Pixel position of `v` (values ≤ 0 are clamped to the domain's lower end).
    pub fn map(&self, v: f64) -> f64 {
        let lo = self.domain.0.max(f64::MIN_POSITIVE);
        let hi = self.domain.1.max(lo);
        Linear {
            domain: (lo.log10(), hi.log10()),
            range: self.range,
        }
        .map(v.max(lo).log10())
    }
}

/// Powers of ten within `[lo, hi]` (both > 0), for a log axis.
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi >= lo && hi.is_finite()) {
        return Vec::new();
    }
    let start = lo.log10().ceil() as i32;
    let end = hi.log10().floor() as i32;
    (start..=end).map(|k| 10f64.powi(k)).collect()
}

/// A compact label for a tick value: 1000 → "1k", 1e6 → "1M", 0.25 → "0.25".
pub fn tick_label(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{}M", v / 1e6)
    } else if a >= 1e3 {
        format!("{}k", v / 1e3)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// About `n` round tick values covering `[lo, hi]` (steps of 1, 2 or 5 × 10^k).
pub fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) || n == 0 {
        return vec![lo];
    }
    let raw = (hi - lo) / n as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let start = (lo / step).ceil() as i64;
    let end = (hi / step).floor() as i64;
    (start..=end).map(|k| k as f64 * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(
            ticks(0.0, 1.0, 5),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
        assert_eq!(ticks(0.0, 50.0, 5), vec![0.0, 10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(ticks(1.0, 1.0, 5), vec![1.0]);
    }

    #[test]
    fn log_scale_and_ticks() {
        let s = Log {
            domain: (10.0, 1000.0),
            range: (0.0, 200.0),
        };
        assert!((s.map(100.0) - 100.0).abs() < 1e-9);
        assert_eq!(s.map(0.0), 0.0);
        assert_eq!(log_ticks(50.0, 2e5), vec![100.0, 1000.0, 1e4, 1e5]);
        assert!(log_ticks(0.0, 10.0).is_empty());
        assert_eq!(tick_label(2000.0), "2k");
        assert_eq!(tick_label(0.6000000000000001), "0.6");
        assert_eq!(tick_label(3e6), "3M");
    }

    #[test]
    fn linear_maps_endpoints() {
        let s = Linear {
            domain: (0.0, 10.0),
            range: (100.0, 0.0),
        };
        assert_eq!(s.map(0.0), 100.0);
        assert_eq!(s.map(10.0), 0.0);
        assert_eq!(s.map(5.0), 50.0);
    }
}
