//! Paired comparisons (METRICS §10.4): two scores of one benchmark on the same splits,
//! subjects or stimuli — a model against its baseline (§10.1) — as the mean difference,
//! its SE over the pairs and the number of pairs where the first is ahead.

use brainprobe_metrics::stats::{mean, variance};
use serde::{Deserialize, Serialize};

use crate::score::{Details, Score};

fn splits() -> String {
    "splits".into()
}

/// `a − b` over paired values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paired {
    /// What `b` is (e.g. `baseline-length`).
    pub against: String,
    /// Mean over pairs of `a − b` (= raw − baseline raw where the raw score is the mean of
    /// the paired values).
    pub mean: f64,
    /// SE of that mean: SD over pairs (population, ddof 0) / sqrt(pairs), as the score's
    /// own error (§1.6) — descriptive, since ShuffleSplit splits overlap. `None` with a
    /// single pair (a benchmark that keeps one pooled value).
    pub se: Option<f64>,
    /// Pairs where `a − b > 0`.
    pub positive: usize,
    /// Number of pairs.
    pub pairs: usize,
    /// What a pair is (`splits`, `story folds`, `subjects`; `pooled value` or `monkey RDM`
    /// for a single pair).
    #[serde(default = "splits")]
    pub unit: String,
}

impl Paired {
    /// Pairs `a` with `b` split by split; `None` unless both have the same number (≥ 1)
    /// of finite values.
    pub fn of(against: &str, a: &[f64], b: &[f64]) -> Option<Self> {
        Self::over(against, a, b, "splits")
    }

    /// [`Paired::of`], the pairs being `unit`.
    pub fn over(against: &str, a: &[f64], b: &[f64], unit: &str) -> Option<Self> {
        if a.is_empty() || a.len() != b.len() || a.iter().chain(b).any(|v| !v.is_finite()) {
            return None;
        }
        let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
        Some(Self {
            against: against.to_string(),
            mean: mean(&d),
            se: (d.len() > 1).then(|| (variance(&d, 0) / d.len() as f64).sqrt()),
            positive: d.iter().filter(|&&x| x > 0.0).count(),
            pairs: d.len(),
            unit: unit.to_string(),
        })
    }

    /// One line for tables and pages: "beats baseline-length by 0.070 ± 0.030 (SE) — ahead
    /// in 9 of 10 splits" (or "trails … by"; "(one pooled value: no SE)" for one pair).
    pub fn describe(&self) -> String {
        let verb = if self.mean >= 0.0 { "beats" } else { "trails" };
        match self.se {
            Some(se) => format!(
                "{verb} {} by {:.3} ± {se:.3} (SE) — ahead in {} of {} {}",
                self.against,
                self.mean.abs(),
                self.positive,
                self.pairs,
                self.unit
            ),
            None => format!(
                "{verb} {} by {:.3} (one {}: no SE)",
                self.against,
                self.mean.abs(),
                self.unit
            ),
        }
    }

    /// A table cell's form: "Δ −0.127 ± 0.032, 2/10" (or "Δ +0.012, 1 value").
    pub fn short(&self) -> String {
        match self.se {
            Some(se) => format!(
                "Δ {} ± {se:.3}, {}/{}",
                signed(self.mean),
                self.positive,
                self.pairs
            ),
            None => format!("Δ {}, 1 value", signed(self.mean)),
        }
    }
}

/// `+0.012` / `−0.127` (a true minus sign).
fn signed(x: f64) -> String {
    if x < 0.0 {
        format!("−{:.3}", -x)
    } else {
        format!("+{x:.3}")
    }
}

/// The values a score's headline is the mean of, and what each is.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitValues {
    /// One value per split, fold or subject (or the one pooled value).
    pub values: Vec<f64>,
    /// What a value is (`splits`, `story folds`, `subjects`, `pooled value`).
    pub unit: &'static str,
}

/// The per-split values a paired comparison uses, for benchmarks that keep them: Pereira's
/// splits, Futrell's story folds, IT RSA's subjects (the monkey's one RDM gives one value);
/// the surprisal benchmark keeps one pooled correlation, so its raw score is the one value.
pub fn per_split(score: &Score) -> Option<SplitValues> {
    let (values, unit) = match &score.details {
        Some(Details::Pereira(d)) => (d.per_split_r.clone(), "splits"),
        Some(Details::Futrell(d)) if !d.per_fold_r.is_empty() => {
            (d.per_fold_r.clone(), "story folds")
        }
        Some(Details::Futrell(d)) if d.variant == "surprisal" => {
            (vec![score.raw.get()?], "pooled value")
        }
        Some(Details::Rsa(d)) if d.per_subject.len() > 1 => (d.per_subject.clone(), "subjects"),
        Some(Details::Rsa(d)) => (d.per_subject.clone(), "monkey RDM"),
        _ => return None,
    };
    (!values.is_empty()).then_some(SplitValues { values, unit })
}

/// `model` against `baseline` on the same benchmark (id and version), data and splits,
/// when both keep per-split values.
pub fn against_baseline(model: &Score, baseline: &Score) -> Option<Paired> {
    if model.benchmark != baseline.benchmark || model.data != baseline.data {
        return None;
    }
    let (a, b) = (per_split(model)?, per_split(baseline)?);
    Paired::over(&baseline.model.id, &a.values, &b.values, a.unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Value;

    #[test]
    fn differences_are_paired_split_by_split() {
        let p = Paired::of("b", &[0.5, 0.4, 0.3], &[0.1, 0.5, 0.1]).unwrap();
        assert!((p.mean - (0.4 - 0.1 + 0.2) / 3.0).abs() < 1e-12);
        assert_eq!((p.positive, p.pairs), (2, 3));
        let d = [0.4f64, -0.1, 0.2];
        let m = d.iter().sum::<f64>() / 3.0;
        let sd = (d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / 3.0).sqrt();
        assert!((p.se.unwrap() - sd / 3f64.sqrt()).abs() < 1e-12);
        assert!(
            p.describe().starts_with("beats b by 0.167"),
            "{}",
            p.describe()
        );
        assert!(p.describe().ends_with("ahead in 2 of 3 splits"));
        assert!(p.short().starts_with("Δ +0.167 ± "), "{}", p.short());
        assert!(Paired::of("b", &[0.1], &[0.1, 0.2]).is_none());
        assert!(Paired::of("b", &[f64::NAN], &[0.1]).is_none());
        assert!(Paired::of("b", &[], &[]).is_none());
        let behind = Paired::of("b", &[0.1, 0.1], &[0.3, 0.2]).unwrap();
        assert!(behind.describe().starts_with("trails b by 0.150"));
        assert!(behind.short().starts_with("Δ −0.150"), "{}", behind.short());
        let one = Paired::over("b", &[0.3], &[0.25], "pooled value").unwrap();
        assert_eq!((one.se, one.pairs, one.positive), (None, 1, 1));
        assert_eq!(one.short(), "Δ +0.050, 1 value");
        assert!(
            one.describe().ends_with("(one pooled value: no SE)"),
            "{}",
            one.describe()
        );
    }

    fn score(benchmark: &str, model: &str, raw: f64, details: Details) -> Score {
        let mut s = crate::score::test_score(benchmark, model, "test");
        s.set_raw(Value::Defined(raw));
        s.details = Some(details);
        s
    }

    fn futrell(variant: &str, folds: Vec<f64>) -> Details {
        Details::Futrell(
            serde_json::from_value(serde_json::json!({
                "variant": variant, "stories": 10, "words_scored": 100, "words_excluded": 10,
                "reliability_unclipped": 0.8, "max_attainable_r": 0.9, "per_fold_r": folds,
                "signed_r": null
            }))
            .unwrap(),
        )
    }

    #[test]
    fn reading_times_pair_by_story_fold_and_surprisal_by_its_pooled_value() {
        let m = score(
            "futrell2018-rt",
            "gpt-mini",
            0.3,
            futrell("activations", vec![0.3, 0.2, 0.4]),
        );
        let b = score(
            "futrell2018-rt",
            "baseline-lexical",
            0.25,
            futrell("activations", vec![0.25, 0.3, 0.2]),
        );
        let d = against_baseline(&m, &b).unwrap();
        assert_eq!(
            (d.pairs, d.positive, d.unit.as_str()),
            (3, 2, "story folds")
        );
        assert_eq!(d.against, "baseline-lexical");
        let m = score(
            "futrell2018-rt-surprisal",
            "gpt-mini",
            0.39,
            futrell("surprisal", vec![]),
        );
        let b = score(
            "futrell2018-rt-surprisal",
            "baseline-unigram-surprisal",
            0.41,
            futrell("surprisal", vec![]),
        );
        let d = against_baseline(&m, &b).unwrap();
        assert!((d.mean + 0.02).abs() < 1e-12);
        assert_eq!((d.pairs, d.se), (1, None));
        // Different data or benchmarks never pair.
        let mut other = b.clone();
        other.data.manifest_sha256 = "other".into();
        assert!(against_baseline(&m, &other).is_none());
        let a = score(
            "futrell2018-rt",
            "gpt-mini",
            0.3,
            futrell("activations", vec![0.3]),
        );
        assert!(against_baseline(&a, &b).is_none());
    }

    #[test]
    fn it_rsa_pairs_by_subject() {
        let rsa = |per_subject: Vec<f64>| {
            Details::Rsa(
                serde_json::from_value(serde_json::json!({
                    "subjects": [], "per_subject": per_subject,
                    "kendall_tau_a": {"defined": 0.0}, "constant_conditions": [],
                    "categories": []
                }))
                .unwrap(),
            )
        };
        let m = score(
            "kriegeskorte2008-it-rsa",
            "cornet-s-mini",
            0.15,
            rsa(vec![0.1, 0.2, 0.15, 0.15]),
        );
        let b = score(
            "kriegeskorte2008-it-rsa",
            "baseline-pixels",
            0.05,
            rsa(vec![0.05, 0.05, 0.2, 0.1]),
        );
        let d = against_baseline(&m, &b).unwrap();
        assert_eq!((d.pairs, d.positive, d.unit.as_str()), (4, 3, "subjects"));
        assert!((d.mean - 0.05).abs() < 1e-12);
        let m = score(
            "kriegeskorte2008-monkey-it-rsa",
            "cornet-s-mini",
            0.2,
            rsa(vec![0.2]),
        );
        let b = score(
            "kriegeskorte2008-monkey-it-rsa",
            "baseline-pixels",
            0.1,
            rsa(vec![0.1]),
        );
        let d = against_baseline(&m, &b).unwrap();
        assert_eq!((d.pairs, d.se, d.unit.as_str()), (1, None, "monkey RDM"));
    }
}
