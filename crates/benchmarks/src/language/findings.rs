//! The findings of issue 6 (and the baseline comparison of issue 16), computed from a set of scores (a leaderboard run) — the
//! numbers and a one-line verdict each, reported as they come out, never tuned:
//!
//! 1. trained > untrained (`X` vs `X-untrained`) on `pereira2018-langnet` and `futrell2018-rt`;
//! 2. untrained architectures score above zero, the `random-embedding` control does not;
//! 3. across the gpt-mini checkpoints, Pearson r of brain score with WikiText-2 perplexity;
//! 4. published Schrimpf et al. (2021) rows, labelled and kept apart from our numbers;
//! 5. every network against its benchmark's baseline (METRICS §10.1).
//!
//! Verdicts follow METRICS §10.6: a paired difference (same splits, §10.4) > 2 SE in the
//! paper's direction is "reproduced", > 2 SE against it "not reproduced", anything else
//! "inconclusive"; "above zero" means headline − 2·SE > 0 with the descriptive SE the score
//! carries; correlations over checkpoints carry n and a 95 % Fisher-z interval and are
//! inconclusive when it spans 0. Comparisons use the headline (layer chosen without the
//! test data where the benchmark does); the best layer (optimistic) is shown beside it.

use brainprobe_data::datasets::scores::{parse_best_layer, BEST_LAYER};
use brainprobe_metrics::correlation::fisher_interval_95;
use brainprobe_models::registry::{lookup, Family};
use serde::{Deserialize, Serialize};

use super::{futrell2018, pereira2018};
use crate::data::DataLog;
use crate::error::Result;
use crate::leaderboard::ReferenceRow;
use crate::paired::{against_baseline, Paired};
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
    /// 1–5.
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
                            error: r.error_at_best,
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

/// A score's headline raw value with its own error: "0.314 ± 0.039", or the reason it
/// has none ("0.393 (no SE: one pooled r)").
fn headline(s: &Score) -> String {
    match (&s.error, s.missing_error()) {
        (Some(e), _) => format!("{} ± {:.3}", fmt(s.raw.get()), e.value),
        (None, Some(why)) => format!("{} (no SE: {why})", fmt(s.raw.get())),
        (None, None) => fmt(s.raw.get()),
    }
}

/// The optimistic best layer's raw value with its error ("0.339 ± 0.036"); the headline's
/// when the score has no per-layer values.
fn best_layer(s: &Score) -> String {
    match s.best_layer.as_deref().and_then(|b| s.layer_score(b)) {
        Some(l) => match l.error {
            Some(e) => format!("{} ± {e:.3}", fmt(l.raw.get())),
            None => format!("{} (no SE)", fmt(l.raw.get())),
        },
        None => headline(s),
    }
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

/// METRICS §10.6: "reproduced" when the difference is > 2 SE in the paper's direction,
/// "not reproduced" when > 2 SE against it, otherwise "inconclusive".
pub fn verdict(mean: f64, se: f64) -> &'static str {
    if !(mean.is_finite() && se.is_finite()) {
        "inconclusive"
    } else if mean > 2.0 * se {
        "reproduced"
    } else if mean < -2.0 * se {
        "not reproduced"
    } else {
        "inconclusive"
    }
}

/// Counts of the three verdicts, in words.
fn tally(verdicts: &[&str]) -> String {
    let count = |v: &str| verdicts.iter().filter(|x| **x == v).count();
    format!(
        "reproduced in {}, not reproduced in {}, inconclusive in {} of {}",
        count("reproduced"),
        count("not reproduced"),
        count("inconclusive"),
        verdicts.len()
    )
}

/// `a − b` paired over their splits, when both keep per-split values (same benchmark and
/// data).
fn paired(a: &Score, b: &Score) -> Option<Paired> {
    against_baseline(a, b)
}

fn finding1(scores: &[Score]) -> Finding {
    let mut lines = Vec::new();
    let mut verdicts = Vec::new();
    for trained in models_in(scores) {
        let untrained = format!("{trained}-untrained");
        for bench in BRAIN_BENCHMARKS {
            let (Some(a), Some(b)) = (
                find(scores, &trained, bench),
                find(scores, &untrained, bench),
            ) else {
                continue;
            };
            let (text, v) = match paired(a, b) {
                Some(p) => (
                    format!(
                        "{:+.3} ± {} (SE, paired over {} splits; trained ahead in {})",
                        p.mean,
                        p.se.map_or("n/a".into(), |se| format!("{se:.3}")),
                        p.pairs,
                        p.positive
                    ),
                    verdict(p.mean, p.se.unwrap_or(f64::NAN)),
                ),
                None => ("not paired (no per-split values)".into(), "inconclusive"),
            };
            verdicts.push(v);
            lines.push(format!(
                "{bench}: {trained} − {untrained}, headline {} vs {}: {text} → {v}; best layer (optimistic) {} vs {}",
                headline(a),
                headline(b),
                best_layer(a),
                best_layer(b),
            ));
        }
    }
    let verdict = if verdicts.is_empty() {
        "not testable: no trained/untrained pair was scored".into()
    } else {
        format!(
            "trained > untrained (paired, headline; METRICS §10.6): {}",
            tally(&verdicts)
        )
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
    let mut untrained_verdicts = Vec::new();
    let mut control_verdicts = Vec::new();
    for model in models_in(scores) {
        let control = lookup(&model).is_ok_and(|m| m.family == Family::RandomEmbedding);
        if !(model.ends_with("-untrained") || control) {
            continue;
        }
        for bench in BRAIN_BENCHMARKS {
            let Some(s) = find(scores, &model, bench) else {
                continue;
            };
            let (c, cse, _, _) = layer_numbers(s);
            let v = verdict(c.unwrap_or(f64::NAN), cse);
            if control {
                // the control's claim is "no prediction": above zero by > 2 SE is against it
                let v = match v {
                    "reproduced" => "not reproduced (control above zero)",
                    "not reproduced" => "not reproduced (control below zero)",
                    _ => "reproduced (≈ 0)",
                };
                control_verdicts.push(v);
                lines.push(format!(
                    "{bench}: {model} (control) — headline {} → {v}; best layer (optimistic) {}",
                    headline(s),
                    best_layer(s)
                ));
            } else {
                untrained_verdicts.push(v);
                lines.push(format!(
                    "{bench}: {model} — headline {} vs 0 → {v}; best layer (optimistic) {}",
                    headline(s),
                    best_layer(s)
                ));
            }
        }
    }
    let control_ok = control_verdicts
        .iter()
        .filter(|v| v.starts_with("reproduced"))
        .count();
    Finding {
        number: 2,
        claim: "Untrained architectures score above zero; the random-embedding control does not".into(),
        lines,
        verdict: format!(
            "untrained above zero (headline − 2 SE > 0): {}; random-embedding ≈ 0 (|headline| < 2 SE) in {control_ok} of {}",
            tally(&untrained_verdicts),
            control_verdicts.len()
        ),
    }
}

/// "−0.520 (95 % CI −0.93 to 0.52, Fisher z, n = 6) → inconclusive": a correlation over
/// checkpoints with its interval; the paper expects it negative.
fn correlation_text(r: f64, ci: Option<(f64, f64)>, n: usize) -> String {
    match ci {
        Some((lo, hi)) => {
            let v = if hi < 0.0 {
                "reproduced (negative)"
            } else if lo > 0.0 {
                "not reproduced (positive)"
            } else {
                "inconclusive (the interval spans 0)"
            };
            format!("{r:.3} (95 % CI {lo:.2} to {hi:.2}, Fisher z, n = {n}) → {v}")
        }
        None => format!("{r:.3} (n = {n}: no interval) → inconclusive"),
    }
}

fn finding3(scores: &[Score]) -> Finding {
    let mut lines = Vec::new();
    let mut verdicts = Vec::new();
    for bench in BRAIN_BENCHMARKS {
        let curve = training_curve(scores, bench);
        for p in &curve.points {
            let (Some(s), Some(w)) = (
                find(scores, &p.model, bench),
                find(scores, &p.model, "wikitext2-nextword"),
            ) else {
                continue;
            };
            lines.push(format!(
                "{bench}: {} — headline {}, best layer (optimistic) {}, WikiText-2 word perplexity {:.1} (no SE: {})",
                p.model,
                headline(s),
                best_layer(s),
                p.perplexity,
                w.missing_error().unwrap_or("none computed")
            ));
        }
        match curve.r {
            Some(r) => verdicts.push(format!(
                "{bench} over {} checkpoints: headline r = {}; vs log perplexity {}; best layer (optimistic) r = {}",
                curve.points.len(),
                correlation_text(r.committed, r.committed_ci, r.n),
                correlation_text(
                    r.committed_log,
                    fisher_interval_95(r.committed_log, r.n),
                    r.n
                ),
                correlation_text(r.best, r.best_ci, r.n),
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

/// Every network against its benchmark's baseline (METRICS §10.1, §10.4), paired.
fn finding5(scores: &[Score]) -> Finding {
    let mut lines = Vec::new();
    let mut verdicts = Vec::new();
    for spec in crate::registry::BENCHMARKS.iter() {
        let Some(base_id) = spec.baseline else {
            continue;
        };
        let Some(base) = find(scores, base_id, spec.id) else {
            continue;
        };
        for model in models_in(scores) {
            if lookup(&model).is_ok_and(|m| m.is_baseline()) {
                continue;
            }
            let Some(s) = find(scores, &model, spec.id) else {
                continue;
            };
            let (text, v) = match paired(s, base) {
                Some(p) => (p.describe(), verdict(p.mean, p.se.unwrap_or(f64::NAN))),
                None => ("not paired (no per-split values)".into(), "inconclusive"),
            };
            verdicts.push(v);
            let said = match v {
                "reproduced" => "beats the baseline",
                "not reproduced" => "below the baseline",
                _ => "inconclusive",
            };
            lines.push(format!(
                "{}: {model} headline {} vs {base_id} {}: {text} → {said}",
                spec.id,
                headline(s),
                headline(base),
            ));
        }
    }
    let count = |v: &str| verdicts.iter().filter(|x| **x == v).count();
    Finding {
        number: 5,
        claim: "Networks predict the data better than each benchmark's trivial baseline (METRICS §10.1)".into(),
        lines,
        verdict: if verdicts.is_empty() {
            "not testable: no baseline was scored beside the models".into()
        } else {
            format!(
                "beats its baseline by > 2 SE in {} of {}, below it by > 2 SE in {}, inconclusive in {}",
                count("reproduced"),
                verdicts.len(),
                count("not reproduced"),
                count("inconclusive")
            )
        },
    }
}

fn finding4(published: &[ReferenceRow]) -> Finding {
    let lines = published
        .iter()
        .map(|p| {
            format!(
                "{} {} {} — {}",
                p.model,
                p.benchmark,
                p.value_text(),
                p.source
            )
        })
        .collect();
    Finding {
        number: 4,
        claim: "Published reference rows (Schrimpf et al. 2021) beside ours".into(),
        lines,
        verdict: format!("{} published rows shown separately: {PUBLISHED}; they are ceiling-normalised voxel/subject-level best-layer scores of large models, not comparable one-to-one with our raw averaged-response r", published.len()),
    }
}

/// Findings 1–5 from `scores` (our numbers) and `published` (reference rows).
pub fn findings(scores: &[Score], published: &[ReferenceRow]) -> Vec<Finding> {
    vec![
        finding1(scores),
        finding2(scores),
        finding3(scores),
        finding4(published),
        finding5(scores),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use brainprobe_metrics::correlation::fisher_interval_95;

    #[test]
    fn verdicts_need_two_standard_errors() {
        assert_eq!(verdict(0.07, 0.03), "reproduced");
        assert_eq!(verdict(0.05, 0.03), "inconclusive");
        assert_eq!(verdict(-0.07, 0.03), "not reproduced");
        assert_eq!(verdict(f64::NAN, 0.03), "inconclusive");
        assert_eq!(
            tally(&["reproduced", "inconclusive", "inconclusive"]),
            "reproduced in 1, not reproduced in 0, inconclusive in 2 of 3"
        );
    }

    #[test]
    fn correlations_spanning_zero_are_inconclusive() {
        assert!(correlation_text(-0.5, fisher_interval_95(-0.5, 6), 6)
            .ends_with("inconclusive (the interval spans 0)"));
        assert!(correlation_text(-0.99, fisher_interval_95(-0.99, 6), 6)
            .ends_with("reproduced (negative)"));
        assert!(correlation_text(0.99, fisher_interval_95(0.99, 6), 6)
            .ends_with("not reproduced (positive)"));
        assert!(correlation_text(-0.9, None, 3).ends_with("no interval) → inconclusive"));
    }
}
