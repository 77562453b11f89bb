//! The four findings of issue 6, computed from a set of scores (a leaderboard run) — the
//! numbers and a one-line verdict each, reported as they come out, never tuned:
//!
//! 1. trained > untrained (`X` vs `X-untrained`) on `pereira2018-langnet` and `futrell2018-rt`;
//! 2. untrained architectures score above zero, the `random-embedding` control does not;
//! 3. across the gpt-mini checkpoints, Pearson r of brain score with WikiText-2 perplexity;
//! 4. published Schrimpf et al. (2021) rows, labelled and kept apart from our numbers.
//!
//! "Above zero" means raw − 2·SE > 0 and "≈ 0" means |raw| < 2·SE, with the descriptive SE
//! over splits/folds the score carries. Each comparison is made at the committed layer
//! (the headline) and at the best layer (the neural-nlp 2021 convention, optimistic).

use brainprobe_data::datasets::scores::{parse_best_layer, BEST_LAYER};
use brainprobe_models::registry::{lookup, Family};
use serde::{Deserialize, Serialize};

use super::{futrell2018, pereira2018};
use crate::data::DataLog;
use crate::error::Result;
use crate::leaderboard::ReferenceRow;
use crate::score::Score;
use crate::views::training::{training_curve, MIN_CHECKPOINTS};

/// The label every published row carries.
pub const PUBLISHED: &str = "published (Schrimpf et al. 2021), not computed here";

/// Published models shown beside ours (trained and untrained rows of each).
pub const PUBLISHED_MODELS: &[&str] = &[
    "gpt2-xl",
    "distilgpt2",
    "bert-base-uncased",
    "glove",
    "lm_1b",
];

/// Published benchmarks shown, with the brainprobe benchmark they correspond to (loosely:
/// voxel-level, ceiling-normalised, best layer — not the same quantity as ours).
pub const PUBLISHED_BENCHMARKS: &[(&str, &str)] = &[
    ("Pereira2018-encoding", "pereira2018-langnet"),
    ("Futrell2018-encoding", "futrell2018-rt"),
];

/// The benchmarks findings 1–3 are read on.
pub const BRAIN_BENCHMARKS: &[&str] = &[pereira2018::SPEC.id, futrell2018::SPEC.id];

/// One finding: its numbers (lines) and verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// 1–4.
    pub number: u8,
    /// What is tested.
    pub claim: String,
    /// The numbers, one line each.
    pub lines: Vec<String>,
    /// One-line verdict.
    pub verdict: String,
}

/// Published rows of [`PUBLISHED_MODELS`] on [`PUBLISHED_BENCHMARKS`], read from the bundle.
pub async fn published_rows(log: &mut DataLog<'_>) -> Result<Vec<ReferenceRow>> {
    let rows = parse_best_layer(&log.read(BEST_LAYER).await?)?;
    let mut out = Vec::new();
    for m in PUBLISHED_MODELS {
        for untrained in [false, true] {
            let name = if untrained {
                format!("{m}-untrained")
            } else {
                m.to_string()
            };
            for (bench, _) in PUBLISHED_BENCHMARKS {
                if let Some(r) = rows
                    .iter()
                    .find(|r| r.model == name && r.benchmark == *bench)
                {
                    if let Some(v) = r.best_score {
                        out.push(ReferenceRow {
                            model: name.clone(),
                            benchmark: bench.to_string(),
                            value: v,
                            source: PUBLISHED.into(),
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The score of `model` on `bench` in `scores`.
pub(crate) fn find<'a>(scores: &'a [Score], model: &str, bench: &str) -> Option<&'a Score> {
    scores
        .iter()
        .find(|s| s.model.id == model && s.benchmark.id == bench)
}

/// (committed raw, committed SE, best-layer raw, best-layer SE).
pub(crate) fn layer_numbers(s: &Score) -> (Option<f64>, f64, Option<f64>, f64) {
    let best = s.best_layer.as_deref().and_then(|b| s.layer_score(b));
    let se = s.error.as_ref().map_or(0.0, |e| e.value);
    match best {
        Some(b) => (s.raw.get(), se, b.raw.get(), b.error.unwrap_or(0.0)),
        None => (s.raw.get(), se, s.raw.get(), se),
    }
}

fn fmt(v: Option<f64>) -> String {
    v.map_or("undefined".into(), |x| format!("{x:.3}"))
}

/// Model ids in `scores`, in order of appearance.
pub(crate) fn models_in(scores: &[Score]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in scores {
        if !out.contains(&s.model.id) {
            out.push(s.model.id.clone());
        }
    }
    out
}

fn finding1(scores: &[Score]) -> Finding {
    let mut lines = Vec::new();
    let (mut held, mut total) = (0, 0);
    for trained in models_in(scores) {
        let untrained = format!("{trained}-untrained");
        for bench in BRAIN_BENCHMARKS {
            let (Some(a), Some(b)) = (
                find(scores, &trained, bench),
                find(scores, &untrained, bench),
            ) else {
                continue;
            };
            let (ac, _, ab, _) = layer_numbers(a);
            let (bc, _, bb, _) = layer_numbers(b);
            let gt = |x: Option<f64>, y: Option<f64>| matches!((x, y), (Some(x), Some(y)) if x > y);
            total += 2;
            held += gt(ac, bc) as usize + gt(ab, bb) as usize;
            lines.push(format!(
                "{bench}: {trained} vs {untrained} — committed layer {} vs {} ({}), best layer {} vs {} ({})",
                fmt(ac),
                fmt(bc),
                if gt(ac, bc) { "trained higher" } else { "trained NOT higher" },
                fmt(ab),
                fmt(bb),
                if gt(ab, bb) { "trained higher" } else { "trained NOT higher" },
            ));
        }
    }
    let verdict = if total == 0 {
        "not testable: no trained/untrained pair was scored".into()
    } else {
        format!("trained > untrained in {held} of {total} comparisons (raw scores)")
    };
    Finding {
        number: 1,
        claim: "Trained models score higher than their untrained architectures".into(),
        lines,
        verdict,
    }
}

fn finding2(scores: &[Score]) -> Finding {
    let mut lines = Vec::new();
    let (mut above, mut n_untrained, mut control_zero, mut n_control) = (0, 0, 0, 0);
    for model in models_in(scores) {
        let control = lookup(&model).is_ok_and(|m| m.family == Family::RandomEmbedding);
        if !(model.ends_with("-untrained") || control) {
            continue;
        }
        for bench in BRAIN_BENCHMARKS {
            let Some(s) = find(scores, &model, bench) else {
                continue;
            };
            let (c, cse, b, bse) = layer_numbers(s);
            let pos = |v: Option<f64>, se: f64| v.is_some_and(|v| v - 2.0 * se > 0.0);
            let zero = |v: Option<f64>, se: f64| v.is_some_and(|v| v.abs() < 2.0 * se);
            if control {
                n_control += 2;
                control_zero += zero(c, cse) as usize + zero(b, bse) as usize;
            } else {
                n_untrained += 2;
                above += pos(c, cse) as usize + pos(b, bse) as usize;
            }
            lines.push(format!(
                "{bench}: {model}{} — committed {} ± {cse:.3} ({}), best layer {} ± {bse:.3} ({})",
                if control { " (control)" } else { "" },
                fmt(c),
                if pos(c, cse) {
                    "> 0"
                } else if zero(c, cse) {
                    "≈ 0"
                } else {
                    "neither"
                },
                fmt(b),
                if pos(b, bse) {
                    "> 0"
                } else if zero(b, bse) {
                    "≈ 0"
                } else {
                    "neither"
                },
            ));
        }
    }
    Finding {
        number: 2,
        claim: "Untrained architectures score above zero; the random-embedding control does not".into(),
        lines,
        verdict: format!(
            "untrained above zero (raw − 2 SE > 0) in {above} of {n_untrained}; random-embedding ≈ 0 (|raw| < 2 SE) in {control_zero} of {n_control}"
        ),
    }
}

/// Words for a correlation over a handful of checkpoints.
fn strength(r: f64) -> &'static str {
    if !r.is_finite() {
        "undefined"
    } else if r <= -0.5 {
        "clearly negative, as expected"
    } else if r < 0.0 {
        "negative but weak"
    } else {
        "NOT negative"
    }
}

fn finding3(scores: &[Score]) -> Finding {
    let mut lines = Vec::new();
    let mut verdicts = Vec::new();
    for bench in BRAIN_BENCHMARKS {
        let curve = training_curve(scores, bench);
        for p in &curve.points {
            lines.push(format!(
                "{bench}: {} — committed {:.3}, best layer {:.3}, WikiText-2 word perplexity {:.1}",
                p.model, p.committed, p.best, p.perplexity
            ));
        }
        match curve.r {
            Some(r) => verdicts.push(format!(
                "{bench} over {} checkpoints: committed layer r = {:.3} ({}; vs log perplexity {:.3}), best layer r = {:.3} ({}; vs log perplexity {:.3})",
                curve.points.len(),
                r.committed,
                strength(r.committed),
                r.committed_log,
                r.best,
                strength(r.best),
                r.best_log
            )),
            None => verdicts.push(format!(
                "{bench}: not testable ({} checkpoints with both scores; need {MIN_CHECKPOINTS})",
                curve.points.len()
            )),
        }
    }
    Finding {
        number: 3,
        claim: "Across gpt-mini checkpoints, brain score rises as WikiText-2 perplexity falls (Pearson r of score with perplexity expected negative)".into(),
        lines,
        verdict: verdicts.join("; "),
    }
}

fn finding4(published: &[ReferenceRow]) -> Finding {
    let lines = published
        .iter()
        .map(|p| format!("{} {} {:.3} — {}", p.model, p.benchmark, p.value, p.source))
        .collect();
    Finding {
        number: 4,
        claim: "Published reference rows (Schrimpf et al. 2021) beside ours".into(),
        lines,
        verdict: format!("{} published rows shown separately: {PUBLISHED}; they are ceiling-normalised voxel/subject-level best-layer scores of large models, not comparable one-to-one with our raw averaged-response r", published.len()),
    }
}

/// Findings 1–4 from `scores` (our numbers) and `published` (reference rows).
pub fn findings(scores: &[Score], published: &[ReferenceRow]) -> Vec<Finding> {
    vec![
        finding1(scores),
        finding2(scores),
        finding3(scores),
        finding4(published),
    ]
}
