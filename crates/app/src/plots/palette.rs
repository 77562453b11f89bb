//! Colour-blind-safe colours: Okabe–Ito for categories, and a blue → yellow ramp (close to
//! cividis) for values, readable in light and dark themes.

/// Okabe & Ito (2008) categorical palette, black omitted.
pub const CATEGORICAL: [&str; 7] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
];

/// Colour `k` of the categorical palette (cycles).
pub fn category(k: usize) -> &'static str {
    CATEGORICAL[k % CATEGORICAL.len()]
}

/// Value colour for `t` in [0, 1] (clamped; NaN → 0): dark blue → grey → yellow.
pub fn ramp(t: f64) -> (u8, u8, u8) {
    const STOPS: [(f64, f64, f64); 5] = [
        (0.0, 32.0, 77.0),
        (65.0, 77.0, 108.0),
        (124.0, 123.0, 120.0),
        (188.0, 175.0, 111.0),
        (253.0, 231.0, 55.0),
    ];
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let u = x - i as f64;
    let lerp = |a: f64, b: f64| (a + u * (b - a)).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    (lerp(a.0, b.0), lerp(a.1, b.1), lerp(a.2, b.2))
}

/// [`ramp`] as a CSS colour.
pub fn ramp_css(t: f64) -> String {
    let (r, g, b) = ramp(t);
    format!("rgb({r},{g},{b})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_hits_its_ends_and_survives_nan() {
        assert_eq!(ramp(0.0), (0, 32, 77));
        assert_eq!(ramp(1.0), (253, 231, 55));
        assert_eq!(ramp(f64::NAN), ramp(0.0));
        assert_eq!(ramp(7.0), ramp(1.0));
    }
}
