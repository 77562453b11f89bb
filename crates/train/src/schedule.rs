//! Learning-rate schedule: linear warm-up then cosine decay to a floor.

/// Learning rate at `step` of `total` steps.
pub fn warmup_cosine(step: usize, total: usize, warmup: usize, peak: f64, floor: f64) -> f64 {
    if step < warmup {
        return peak * (step + 1) as f64 / warmup as f64;
    }
    let span = total.saturating_sub(warmup).max(1);
    let progress = ((step - warmup) as f64 / span as f64).min(1.0);
    floor + 0.5 * (peak - floor) * (1.0 + (std::f64::consts::PI * progress).cos())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rises_then_decays_to_floor() {
        assert!(warmup_cosine(0, 100, 10, 1.0, 0.0) < 0.2);
        assert!((warmup_cosine(9, 100, 10, 1.0, 0.0) - 1.0).abs() < 1e-12);
        assert!(warmup_cosine(50, 100, 10, 1.0, 0.0) < 1.0);
        assert!(warmup_cosine(100, 100, 10, 1.0, 0.01) - 0.01 < 1e-12);
    }
}
