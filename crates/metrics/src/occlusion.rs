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

#[cfg(test)]
mod tests {
    use super::*;

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
