//! Brain score against WikiText-2 perplexity over gpt-mini's checkpoints: the numbers of
//! finding 3 ([`crate::language::findings`]) and the Language page's training panel, from
//! one function, so the page and `brainprobe leaderboard` cannot disagree.

use brainprobe_metrics::correlation::{fisher_interval_95, pearson};
use brainprobe_models::registry::{lookup, Family};
use serde::{Deserialize, Serialize};

use crate::language::findings::{find, layer_numbers, models_in};
use crate::language::wikitext2;
use crate::score::Score;
use crate::views::{least_squares, Line};

/// Fewest checkpoints a correlation is reported over.
pub const MIN_CHECKPOINTS: usize = 3;

/// One checkpoint: its perplexity and its raw brain scores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingPoint {
    /// Model identifier (`gpt-mini@step36`).
    pub model: String,
    /// WikiText-2 word perplexity (raw score of `wikitext2-nextword`).
    pub perplexity: f64,
    /// Raw brain score: the headline (layer chosen without test data where the benchmark
    /// does; the committed layer in older scores).
    pub committed: f64,
    /// Raw brain score at the best layer.
    pub best: f64,
}

/// Pearson r of the raw brain score with perplexity and with its logarithm.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingCorrelations {
    /// Committed layer vs perplexity.
    pub committed: f64,
    /// Best layer vs perplexity.
    pub best: f64,
    /// Committed layer vs ln perplexity.
    pub committed_log: f64,
    /// Best layer vs ln perplexity.
    pub best_log: f64,
    /// Checkpoints the correlations are over.
    #[serde(default)]
    pub n: usize,
    /// 95 % Fisher-z interval of `committed` (METRICS §10.4); `None` under 4 checkpoints.
    #[serde(default)]
    pub committed_ci: Option<(f64, f64)>,
    /// 95 % Fisher-z interval of `best`.
    #[serde(default)]
    pub best_ci: Option<(f64, f64)>,
}

/// Brain score against perplexity over the checkpoints of one benchmark.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingCurve {
    /// Benchmark identifier.
    pub benchmark: String,
    /// Checkpoints with both a brain score and a perplexity, in the order of the scores.
    pub points: Vec<TrainingPoint>,
    /// The correlations, when there are at least [`MIN_CHECKPOINTS`] points.
    pub r: Option<TrainingCorrelations>,
    /// Least-squares line of the committed-layer score on ln perplexity.
    pub fit: Option<Line>,
    /// Pretrained models of another family with both numbers (`smollm2-135m`), shown beside
    /// the checkpoints as different models: not part of `r` or `fit`.
    #[serde(default)]
    pub others: Vec<TrainingPoint>,
}

/// The checkpoints: every gpt-mini model (family GPT) in `scores`, in order of appearance.
pub fn checkpoints(scores: &[Score]) -> Vec<String> {
    models_in(scores)
        .into_iter()
        .filter(|m| lookup(m).is_ok_and(|i| i.family == Family::Gpt))
        .collect()
}

/// Trained pretrained llama models in `scores` (SmolLM2), in order of appearance.
pub fn other_models(scores: &[Score]) -> Vec<String> {
    models_in(scores)
        .into_iter()
        .filter(|m| {
            !m.ends_with("-untrained") && lookup(m).is_ok_and(|i| i.family == Family::Llama)
        })
        .collect()
}

/// The point of `model` on `benchmark`: its perplexity and raw brain scores, when `scores`
/// hold both.
fn point(scores: &[Score], model: &str, benchmark: &str) -> Option<TrainingPoint> {
    let b = find(scores, model, benchmark)?;
    let p = find(scores, model, wikitext2::SPEC.id)?;
    let (Some(perplexity), (_, _, Some(best), _)) = (p.raw.get(), layer_numbers(b)) else {
        return None;
    };
    Some(TrainingPoint {
        model: model.to_string(),
        perplexity,
        committed: b.raw.get()?,
        best,
    })
}

/// The training curve of `benchmark` over the [`checkpoints`] in `scores`, with the
/// [`other_models`] beside it.
pub fn training_curve(scores: &[Score], benchmark: &str) -> TrainingCurve {
    let others = other_models(scores)
        .iter()
        .filter_map(|m| point(scores, m, benchmark))
        .collect();
    let mut points = Vec::new();
    for m in checkpoints(scores) {
        if let Some(p) = point(scores, &m, benchmark) {
            points.push(p);
        }
    }
    let r = (points.len() >= MIN_CHECKPOINTS).then(|| {
        let ppl: Vec<f64> = points.iter().map(|p| p.perplexity).collect();
        let log_ppl: Vec<f64> = ppl.iter().map(|v| v.ln()).collect();
        let committed: Vec<f64> = points.iter().map(|p| p.committed).collect();
        let best: Vec<f64> = points.iter().map(|p| p.best).collect();
        let (r_committed, r_best) = (pearson(&committed, &ppl), pearson(&best, &ppl));
        TrainingCorrelations {
            committed: r_committed,
            best: r_best,
            committed_log: pearson(&committed, &log_ppl),
            best_log: pearson(&best, &log_ppl),
            n: points.len(),
            committed_ci: fisher_interval_95(r_committed, points.len()),
            best_ci: fisher_interval_95(r_best, points.len()),
        }
    });
    let ln_ppl: Vec<f64> = points.iter().map(|p| p.perplexity.ln()).collect();
    let committed: Vec<f64> = points.iter().map(|p| p.committed).collect();
    TrainingCurve {
        benchmark: benchmark.to_string(),
        fit: least_squares(&ln_ppl, &committed),
        points,
        r,
        others,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::findings::findings;
    use crate::leaderboard::Leaderboard;

    #[test]
    fn findings_over_the_committed_scores_are_the_committed_text() {
        let board: Leaderboard = serde_json::from_str(include_str!(
            "../../../../results/language/leaderboard.json"
        ))
        .expect("committed language leaderboard");
        let now = findings(&board.scores, &board.reference);
        assert_eq!(now, board.findings, "findings changed");
        let curve = training_curve(&board.scores, "pereira2018-langnet");
        assert_eq!(
            curve
                .points
                .iter()
                .map(|p| p.model.as_str())
                .collect::<Vec<_>>(),
            checkpoints(&board.scores)
        );
        assert!(curve.r.is_some() && curve.fit.is_some());
    }
}
