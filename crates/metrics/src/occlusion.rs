//! brainprobe's occlusion-robustness score (METRICS §6.4): model and human accuracy by
//! visibility bin, each made relative to chance and to unoccluded accuracy, compared.

use crate::error::{MetricsError, Result};

/// Accuracy curve of one system (model or human) over visibility bins.
#[derive(Clone, Debug, PartialEq)]
pub struct AccuracyCurve<'a> {
    /// Top-1 accuracy per bin.
    pub accuracy: &'a [f64],
    /// Accuracy on the same images unoccluded.
    pub whole: f64,
    /// Chance level (1 / number of choices).
    pub chance: f64,
}

/// Relative accuracy R(b) = clip((a(b) − c) / (a(whole) − c), 0, 1); all 0 if a(whole) ≤ c.
pub fn relative_accuracy(curve: &AccuracyCurve<'_>) -> Vec<f64> {
    let denom = curve.whole - curve.chance;
    if denom <= 0.0 {
        return vec![0.0; curve.accuracy.len()];
    }
    curve
        .accuracy
        .iter()
        .map(|a| ((a - curve.chance) / denom).clamp(0.0, 1.0))
        .collect()
}

/// The occlusion-robustness comparison with its per-bin curves.
#[derive(Clone, Debug, PartialEq)]
pub struct OcclusionScore {
    /// Model relative accuracy per bin.
    pub model_relative: Vec<f64>,
    /// Human relative accuracy per bin.
    pub human_relative: Vec<f64>,
    /// Bin weights n_h(b) / Σ n_h.
    pub weights: Vec<f64>,
    /// 1 − Σ w |R_m − R_h| ∈ [0, 1] (headline).
    pub curve_similarity: f64,
    /// Σ w R_m / Σ w R_h (secondary; 1 = as robust as people).
    pub robustness_ratio: f64,
}

/// Compares a model curve with the human curve, weighting bins by human trial counts.
/// Errors on unequal lengths, no bins, non-finite input or non-positive total weight.
pub fn occlusion_score(
    model: &AccuracyCurve<'_>,
    human: &AccuracyCurve<'_>,
    human_n: &[f64],
) -> Result<OcclusionScore> {
    let b = human.accuracy.len();
    if b == 0 {
        return Err(MetricsError::Empty {
            what: "occlusion_score",
        });
    }
    if model.accuracy.len() != b || human_n.len() != b {
        return Err(MetricsError::shape(
            "occlusion_score",
            format!("{b} bins everywhere"),
            format!(
                "model {}, human {b}, counts {}",
                model.accuracy.len(),
                human_n.len()
            ),
        ));
    }
    let all = model
        .accuracy
        .iter()
        .chain(human.accuracy)
        .chain(human_n)
        .chain([&model.whole, &model.chance, &human.whole, &human.chance]);
    if let Some(row) = all.clone().position(|v| !v.is_finite()) {
        return Err(MetricsError::NonFinite {
            what: "occlusion_score",
            row,
            col: 0,
        });
    }
    let total: f64 = human_n.iter().sum();
    if total <= 0.0 || human_n.iter().any(|n| *n < 0.0) {
        return Err(MetricsError::param(
            "human_n",
            "counts must be ≥ 0 with a positive total",
        ));
    }
    let weights: Vec<f64> = human_n.iter().map(|n| n / total).collect();
    let rm = relative_accuracy(model);
    let rh = relative_accuracy(human);
    let gap: f64 = weights
        .iter()
        .zip(rm.iter().zip(&rh))
        .map(|(w, (m, h))| w * (m - h).abs())
        .sum();
    let wm: f64 = weights.iter().zip(&rm).map(|(w, r)| w * r).sum();
    let wh: f64 = weights.iter().zip(&rh).map(|(w, r)| w * r).sum();
    Ok(OcclusionScore {
        model_relative: rm,
        human_relative: rh,
        weights,
        curve_similarity: 1.0 - gap,
        robustness_ratio: wm / wh,
    })
}

/// Share of a system's answers at or above which they "collapse to one class" (METRICS
/// §10.5): one class takes at least half of the answers.
pub const COLLAPSE_SHARE: f64 = 0.5;

/// Whole-image accuracy less than this above chance is flagged (METRICS §6.4, §10.5):
/// relative accuracy then divides by a margin of a few images.
pub const CHANCE_MARGIN: f64 = 0.1;

/// The answer a system gave most often in one condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TopAnswer {
    /// The class (lowest index among equally frequent classes).
    pub class: usize,
    /// How many answers were that class.
    pub count: usize,
    /// Answers in all.
    pub n: usize,
}

impl TopAnswer {
    /// `count / n`.
    pub fn share(&self) -> f64 {
        self.count as f64 / self.n.max(1) as f64
    }

    /// One class takes at least [`COLLAPSE_SHARE`] of the answers (counted exactly:
    /// `2 · count ≥ n`, so exactly half is a collapse).
    pub fn collapsed(&self) -> bool {
        self.n > 0 && 2 * self.count >= self.n
    }
}

/// The most frequent of `answers` (class indices) and its count; `None` when empty.
pub fn top_answer(answers: &[usize]) -> Option<TopAnswer> {
    let k = answers.iter().copied().max()? + 1;
    let mut counts = vec![0usize; k];
    for &a in answers {
        counts[a] += 1;
    }
    let (class, count) =
        counts.iter().copied().enumerate().fold(
            (0, 0),
            |best, (c, n)| if n > best.1 { (c, n) } else { best },
        );
    Some(TopAnswer {
        class,
        count,
        n: answers.len(),
    })
}

/// Whole-image accuracy `whole` is within [`CHANCE_MARGIN`] of `chance` (or below it).
pub fn near_chance(whole: f64, chance: f64) -> bool {
    whole - chance < CHANCE_MARGIN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_answer_counts_ties_low_and_collapses_at_exactly_half() {
        assert_eq!(top_answer(&[]), None);
        let t = top_answer(&[3, 1, 3, 1, 2]).unwrap();
        assert_eq!((t.class, t.count, t.n), (1, 2, 5), "tie: lower class");
        assert!(!t.collapsed());
        let half = top_answer(&[7, 7, 0, 1]).unwrap();
        assert_eq!((half.class, half.share()), (7, 0.5));
        assert!(half.collapsed(), "exactly 50 % is a collapse");
        assert!(!top_answer(&[7, 7, 0, 1, 2]).unwrap().collapsed(), "40 %");
        assert!(top_answer(&[4; 10]).unwrap().collapsed());
    }

    #[test]
    fn near_chance_is_less_than_ten_points_above() {
        assert!(near_chance(0.1, 0.1));
        assert!(near_chance(0.05, 0.1), "below chance");
        assert!(near_chance(0.199, 0.1));
        assert!(!near_chance(0.2, 0.1), "exactly 10 points above");
        assert!(!near_chance(0.639, 0.1));
    }

    #[test]
    fn identical_curves_score_one() {
        let acc = [0.3, 0.5, 0.7];
        let c = AccuracyCurve {
            accuracy: &acc,
            whole: 0.9,
            chance: 0.2,
        };
        let s = occlusion_score(&c, &c, &[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(s.curve_similarity, 1.0);
        assert!((s.robustness_ratio - 1.0).abs() < 1e-15);
    }

    #[test]
    fn every_model_at_chance_scores_one_minus_the_weighted_human_curve() {
        let human = AccuracyCurve {
            accuracy: &[0.4, 0.6, 0.8],
            whole: 0.985,
            chance: 0.2,
        };
        let n = [2.0, 1.0, 1.0];
        let rh = relative_accuracy(&human);
        let floor = 1.0 - (2.0 * rh[0] + rh[1] + rh[2]) / 4.0;
        // Whatever the bins read, a whole-image accuracy at (or below) chance gives R ≡ 0.
        for acc in [[0.1, 0.1, 0.1], [0.3, 0.0, 0.9]] {
            for whole in [0.1, 0.05] {
                let m = AccuracyCurve {
                    accuracy: &acc,
                    whole,
                    chance: 0.1,
                };
                let s = occlusion_score(&m, &human, &n).unwrap();
                assert_eq!(s.model_relative, vec![0.0; 3]);
                assert!((s.curve_similarity - floor).abs() < 1e-15);
                assert_eq!(s.robustness_ratio, 0.0);
            }
        }
    }

    #[test]
    fn at_chance_whole_gives_zero() {
        let c = AccuracyCurve {
            accuracy: &[0.5],
            whole: 0.1,
            chance: 0.1,
        };
        assert_eq!(relative_accuracy(&c), vec![0.0]);
        assert!(occlusion_score(&c, &c, &[1.0, 2.0]).is_err());
    }
}
