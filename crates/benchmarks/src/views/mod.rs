//! What a page draws beside a score, made by the benchmarks so that a page only formats:
//! the per-layer curve, the held-out scatter and the reading view ([`language`]), the
//! RDMs, nearest neighbours and occlusion curves ([`vision`]), the training curve behind
//! finding 3 ([`training`]). [`run`] is [`registry::run`] plus the views drawn from the
//! same recording, returned as a [`Run`]; its score is the CLI's, bit for bit. [`run_score`]
//! adds only what the score carries, for callers that show the number alone.

pub mod language;
pub mod training;
pub mod vision;

use serde::{Deserialize, Serialize};

pub use language::{ReadingView, ReadingWord, Scatter, ScatterPoint, SCATTER_MAX_POINTS};
pub use training::{TrainingCurve, TrainingPoint};
pub use vision::{Neighbours, OcclusionCurve, OcclusionCurves, OcclusionPoint, RdmPair};

use crate::context::RunContext;
use crate::error::Result;
use crate::leaderboard::ReferenceRow;
use crate::progress::Progress;
use crate::registry::{self, BenchmarkSpec, Kind};
use crate::score::{Run, Score};
use crate::subject::Subject;

/// A straight line `y = slope · x + intercept` drawn through a scatter.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// Change in y per unit of x.
    pub slope: f64,
    /// y at x = 0.
    pub intercept: f64,
}

/// Least-squares line of `ys` on `xs` (pairs in order); `None` with fewer than two
/// points or when x does not vary.
pub fn least_squares(xs: &[f64], ys: &[f64]) -> Option<Line> {
    let n = xs.len().min(ys.len());
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let mx = xs[..n].iter().sum::<f64>() / nf;
    let my = ys[..n].iter().sum::<f64>() / nf;
    let sxx: f64 = xs[..n].iter().map(|x| (x - mx).powi(2)).sum();
    let sxy: f64 = xs[..n]
        .iter()
        .zip(ys)
        .map(|(x, y)| (x - mx) * (y - my))
        .sum();
    (sxx > 0.0).then(|| {
        let slope = sxy / sxx;
        Line {
            slope,
            intercept: my - slope * mx,
        }
    })
}

/// One layer's point of a per-layer curve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerPoint {
    /// Layer name.
    pub layer: String,
    /// Raw score of the layer, `None` when undefined.
    pub value: Option<f64>,
    /// ± error of `value` (0 = none).
    pub error: f64,
}

/// The raw score of every recorded layer, with the ceiling and the committed layer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LayerCurve {
    /// One point per layer, in recording order (empty for behavioural benchmarks).
    pub points: Vec<LayerPoint>,
    /// The ceiling as `(lower, upper)`: Nili bounds, or the ceiling twice when it has no
    /// lower bound.
    pub ceiling: Option<(f64, f64)>,
    /// The layer the headline comes from.
    pub committed: Option<String>,
}

impl LayerCurve {
    /// The curve of `score`'s layers.
    pub fn of(score: &Score) -> Self {
        LayerCurve {
            points: score
                .layers
                .iter()
                .map(|l| LayerPoint {
                    layer: l.layer.clone(),
                    value: l.raw.get(),
                    error: l.error.unwrap_or(0.0),
                })
                .collect(),
            ceiling: score
                .ceiling
                .as_ref()
                .map(|c| (c.lower.unwrap_or(c.value), c.value)),
            committed: score.layer.clone().or_else(|| {
                score
                    .layer_choice
                    .as_ref()
                    .and_then(|c| c.committed_layer.clone())
            }),
        }
    }
}

/// Everything a page draws beside a score; each view is present when the benchmark has it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Views {
    /// Score per layer.
    pub layer_curve: LayerCurve,
    /// Predicted (or surprisal) against measured, per stimulus.
    pub scatter: Option<Scatter>,
    /// The model's and the brain's RDMs (IT RSA).
    pub rdms: Option<RdmPair>,
    /// Each image's nearest images in both RDMs (IT RSA).
    pub neighbours: Option<Neighbours>,
    /// Reading times (and surprisals) of the first story (Natural Stories).
    pub reading: Option<ReadingView>,
    /// Relative accuracy against visibility, for the model and for people (occlusion).
    pub occlusion: Option<OcclusionCurves>,
    /// Published rows of the corresponding benchmark (language), for comparison.
    pub published: Vec<ReferenceRow>,
    /// Each image's five most probable ImageNet classes (IT RSA of an ImageNet network).
    #[serde(default)]
    pub top_classes: Option<Vec<Vec<ClassGuess>>>,
}

/// One class a network names for an image, with its softmax probability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassGuess {
    /// Class name.
    pub name: String,
    /// Softmax probability over all classes.
    pub probability: f32,
}

impl Views {
    /// The views a score carries by itself (per-layer curve, occlusion curves): for a
    /// committed score read from JSON as much as for a run.
    pub fn of_score(score: &Score) -> Self {
        Views {
            layer_curve: LayerCurve::of(score),
            occlusion: OcclusionCurves::of(score),
            ..Views::default()
        }
    }
}

/// [`registry::run`] as a [`Run`] whose views are only those the score carries
/// ([`Views::of_score`]): nothing computed beyond the score (leaderboard cells).
pub async fn run_score(
    spec: &BenchmarkSpec,
    subject: &Subject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<Run> {
    let score = registry::run(spec, subject, ctx, progress).await?;
    Ok(Run {
        views: Views::of_score(&score),
        score,
    })
}

/// Runs benchmark `spec` on `subject` as [`registry::run`] does and draws its views from
/// the same recording (never from a second pass).
pub async fn run(
    spec: &BenchmarkSpec,
    subject: &Subject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<Run> {
    let mut run = match (subject, spec.kind) {
        (Subject::Vision(vision), Kind::ItRsa(target)) => {
            vision::rsa_run(spec, target, vision, ctx, progress).await?
        }
        (Subject::Language(lm), Kind::Pereira) => {
            language::pereira_run(spec, lm, ctx, progress).await?
        }
        (Subject::Language(lm), Kind::FutrellSurprisal | Kind::FutrellActivations) => {
            language::futrell_run(spec, lm, ctx, progress).await?
        }
        _ => run_score(spec, subject, ctx, progress).await?,
    };
    if let Subject::Language(_) = subject {
        run.views.published = language::published(spec, ctx).await;
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_squares_recovers_a_line_and_refuses_constant_x() {
        let xs = [0.0, 1.0, 2.0, 3.0];
        let ys: Vec<f64> = xs.iter().map(|x| 2.0 * x - 1.0).collect();
        let l = least_squares(&xs, &ys).expect("x varies");
        assert!((l.slope - 2.0).abs() < 1e-12 && (l.intercept + 1.0).abs() < 1e-12);
        assert!(least_squares(&[1.0, 1.0], &[2.0, 3.0]).is_none());
        assert!(least_squares(&[], &[]).is_none());
    }
}
