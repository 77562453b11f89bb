//! Paired comparisons (METRICS §10.4): two scores of one benchmark on the same splits —
//! a model against its baseline (§10.1) — as the mean per-split difference, its SE over
//! the pairs and the number of pairs where the first is ahead.

use brainprobe_metrics::stats::{mean, variance};
use serde::{Deserialize, Serialize};

use crate::score::{Details, Score};

/// `a − b` over paired splits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paired {
    /// What `b` is (e.g. `baseline-length`).
    pub against: String,
    /// Mean over pairs of `a − b`.
    pub mean: f64,
    /// SE of that mean: SD over pairs (population, ddof 0) / sqrt(pairs), as the score's
    /// own error (§1.6) — descriptive, since ShuffleSplit splits overlap.
    pub se: f64,
    /// Pairs where `a − b > 0`.
    pub positive: usize,
    /// Number of pairs.
    pub pairs: usize,
}

impl Paired {
    /// Pairs `a` with `b` split by split; `None` unless both have the same number (≥ 1)
    /// of finite values.
    pub fn of(against: &str, a: &[f64], b: &[f64]) -> Option<Self> {
        if a.is_empty() || a.len() != b.len() || a.iter().chain(b).any(|v| !v.is_finite()) {
            return None;
        }
        let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
        Some(Self {
            against: against.to_string(),
            mean: mean(&d),
            se: (variance(&d, 0) / d.len() as f64).sqrt(),
            positive: d.iter().filter(|&&x| x > 0.0).count(),
            pairs: d.len(),
        })
    }

    /// One line for tables and pages: "beats baseline-length by 0.07 ± 0.03 in 9 of 10
    /// splits" (or "trails … by").
    pub fn describe(&self) -> String {
        let verb = if self.mean >= 0.0 { "beats" } else { "trails" };
        format!(
            "{verb} {} by {:.3} ± {:.3} (SE) — ahead in {} of {} splits",
            self.against,
            self.mean.abs(),
            self.se,
            self.positive,
            self.pairs
        )
    }
}

/// The per-split values a paired comparison uses, for benchmarks that keep them.
pub fn per_split(score: &Score) -> Option<&[f64]> {
    match &score.details {
        Some(Details::Pereira(d)) => Some(&d.per_split_r),
        _ => None,
    }
}

/// `model` against `baseline` on the same benchmark and splits, when both keep per-split
/// values.
pub fn against_baseline(model: &Score, baseline: &Score) -> Option<Paired> {
    if model.benchmark != baseline.benchmark {
        return None;
    }
    Paired::of(&baseline.model.id, per_split(model)?, per_split(baseline)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_paired_split_by_split() {
        let p = Paired::of("b", &[0.5, 0.4, 0.3], &[0.1, 0.5, 0.1]).unwrap();
        assert!((p.mean - (0.4 - 0.1 + 0.2) / 3.0).abs() < 1e-12);
        assert_eq!((p.positive, p.pairs), (2, 3));
        let d = [0.4f64, -0.1, 0.2];
        let m = d.iter().sum::<f64>() / 3.0;
        let sd = (d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / 3.0).sqrt();
        assert!((p.se - sd / 3f64.sqrt()).abs() < 1e-12);
        assert!(
            p.describe().starts_with("beats b by 0.167"),
            "{}",
            p.describe()
        );
        assert!(Paired::of("b", &[0.1], &[0.1, 0.2]).is_none());
        assert!(Paired::of("b", &[f64::NAN], &[0.1]).is_none());
        assert!(Paired::of("b", &[], &[]).is_none());
        let behind = Paired::of("b", &[0.1, 0.1], &[0.3, 0.2]).unwrap();
        assert!(behind.describe().starts_with("trails b by 0.150"));
    }
}
