//! The Language page's views: the best layer's held-out predictions (or the surprisals)
//! against the measured responses, with each stimulus's text and the r over all of them;
//! the first Natural Stories story with its reading times and surprisals; the published
//! rows of the corresponding benchmark. Drawn from the run's own recording.

use std::collections::HashSet;

use brainprobe_metrics::correlation::pearson;
use ndarray::Axis;
use serde::{Deserialize, Serialize};

use super::{least_squares, LayerCurve, Line, Views};
use crate::context::RunContext;
use crate::data::DataLog;
use crate::error::Result;
use crate::language::findings::{published_rows, PUBLISHED_BENCHMARKS};
use crate::language::{as_f64, futrell2018, held_out_predictions, is_constant, pereira2018};
use crate::leaderboard::ReferenceRow;
use crate::progress::Progress;
use crate::registry::BenchmarkSpec;
use crate::score::{Run, Score};
use crate::subject::LanguageSubject;

/// Most points a scatter carries (reading times have ~9 800 words; every k-th is sent,
/// the r shown is over all of them).
pub const SCATTER_MAX_POINTS: usize = 1500;

/// One stimulus in a scatter: its text (shown on hover) and its coordinates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScatterPoint {
    /// The sentence or word.
    pub label: String,
    /// Horizontal value.
    pub x: f64,
    /// Vertical value.
    pub y: f64,
}

/// A scatter of one quantity against another, with the r over every stimulus.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scatter {
    /// What the points are, in one line.
    pub title: String,
    /// Horizontal axis label with unit.
    pub x_label: String,
    /// Vertical axis label with unit.
    pub y_label: String,
    /// The points sent (perhaps every k-th stimulus).
    pub points: Vec<ScatterPoint>,
    /// Pearson r over every stimulus (not only the points sent).
    pub r: f64,
    /// Least-squares line over every stimulus.
    pub fit: Option<Line>,
    /// Stimuli behind `r`.
    pub n: usize,
    /// How the points were made (held out, subsampled, …).
    pub note: String,
}

/// One word of the reading view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReadingWord {
    /// The word as displayed.
    pub word: String,
    /// Mean self-paced reading time, ms.
    pub rt_ms: f64,
    /// The model's surprisal, bits (surprisal runs only).
    pub surprisal_bits: Option<f64>,
    /// False for sentence-initial words, which the score leaves out.
    pub scored: bool,
}

/// The first story of Natural Stories, word by word.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReadingView {
    /// Story number.
    pub story: u32,
    /// Its words in order.
    pub words: Vec<ReadingWord>,
}

/// Every k-th index of `0..n` so that at most [`SCATTER_MAX_POINTS`] remain.
fn thin(n: usize) -> impl Iterator<Item = usize> {
    let step = n.div_ceil(SCATTER_MAX_POINTS).max(1);
    (0..n).step_by(step)
}

/// The layer a scatter shows: the best layer, else the committed one.
fn shown_layer(score: &Score) -> Option<String> {
    score.best_layer.clone().or_else(|| score.layer.clone())
}

/// A scatter of `points` with r over all of them, thinned to [`SCATTER_MAX_POINTS`].
pub fn scatter_of(
    title: String,
    x_label: &str,
    y_label: &str,
    points: Vec<ScatterPoint>,
    note: String,
) -> Scatter {
    let xs: Vec<f64> = points.iter().map(|p| p.x).collect();
    let ys: Vec<f64> = points.iter().map(|p| p.y).collect();
    let n = points.len();
    let r = pearson(&xs, &ys);
    let fit = least_squares(&xs, &ys);
    let sent: Vec<ScatterPoint> = thin(n).map(|i| points[i].clone()).collect();
    let note = if sent.len() < n {
        format!(
            "{note} One point in {} is drawn ({} of {n}); r is over all {n}.",
            n.div_ceil(SCATTER_MAX_POINTS),
            sent.len()
        )
    } else {
        note
    };
    Scatter {
        title,
        x_label: x_label.into(),
        y_label: y_label.into(),
        points: sent,
        r,
        fit,
        n,
        note,
    }
}

fn pereira_scatter(run: &pereira2018::PereiraRun) -> Result<Option<Scatter>> {
    let Some(layer) = shown_layer(&run.score) else {
        return Ok(None);
    };
    let Some(acts) = run.recording.layers.iter().find(|l| l.name == layer) else {
        return Ok(None);
    };
    let responses: Vec<f64> = run.sentences.iter().map(|s| s.response).collect();
    let x = as_f64(acts);
    if is_constant(x.view()) {
        return Ok(None);
    }
    let splits = pereira2018::splits(responses.len())?;
    let predicted = held_out_predictions(x.view(), &responses, &splits)?;
    let points = run
        .sentences
        .iter()
        .zip(&predicted)
        .filter_map(|(s, p)| {
            p.map(|p| ScatterPoint {
                label: s.text.clone(),
                x: p,
                y: s.response,
            })
        })
        .collect();
    Ok(Some(scatter_of(
        format!("layer `{layer}`: held-out prediction vs measured response, one point per sentence"),
        "predicted response (RidgeCV, held out)",
        "measured response (GLM effect size)",
        points,
        "Each sentence's prediction comes from the splits that held it out (mean when held out more than once); sentences never held out are not drawn.".into(),
    )))
}

fn reading_view(run: &futrell2018::FutrellRun) -> Option<ReadingView> {
    let story = run.stories.words.first()?.story;
    let kept: HashSet<usize> = run.stories.kept.iter().copied().collect();
    let words = run
        .stories
        .words
        .iter()
        .enumerate()
        .take_while(|(_, w)| w.story == story)
        .map(|(i, w)| ReadingWord {
            word: w.word.clone(),
            rt_ms: w.mean_rt_ms,
            surprisal_bits: run.surprisal_bits.as_ref().and_then(|s| s.get(i).copied()),
            scored: kept.contains(&i),
        })
        .collect();
    Some(ReadingView { story, words })
}

fn futrell_scatter(run: &futrell2018::FutrellRun) -> Result<Option<Scatter>> {
    let words = &run.stories.words;
    let kept = &run.stories.kept;
    if let Some(s) = &run.surprisal_bits {
        let points = kept
            .iter()
            .map(|&i| ScatterPoint {
                label: words[i].word.clone(),
                x: s[i],
                y: words[i].mean_rt_ms,
            })
            .collect();
        return Ok(Some(scatter_of(
            "surprisal vs reading time, one point per scored word".into(),
            "surprisal (bits)",
            "mean reading time (ms)",
            points,
            "Sentence-initial words are left out, as in the score.".into(),
        )));
    }
    let Some(layer) = shown_layer(&run.score) else {
        return Ok(None);
    };
    let Some(acts) = run.layers.iter().find(|l| l.name == layer) else {
        return Ok(None);
    };
    let x = as_f64(acts).select(Axis(0), kept);
    if is_constant(x.view()) {
        return Ok(None);
    }
    let y = run.stories.scored_rts();
    let predicted = held_out_predictions(x.view(), &y, &run.splits)?;
    let points = kept
        .iter()
        .zip(&predicted)
        .filter_map(|(&i, p)| {
            p.map(|p| ScatterPoint {
                label: words[i].word.clone(),
                x: p,
                y: words[i].mean_rt_ms,
            })
        })
        .collect();
    Ok(Some(scatter_of(
        format!(
            "layer `{layer}`: held-out prediction vs measured reading time, one point per word"
        ),
        "predicted reading time (ms, RidgeCV, held-out story)",
        "mean reading time (ms)",
        points,
        "Each word is predicted by the fold that held out its whole story.".into(),
    )))
}

/// `pereira2018-langnet` with its held-out scatter.
pub async fn pereira_run(
    spec: &BenchmarkSpec,
    lm: &LanguageSubject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<Run> {
    let run = pereira2018::run_recorded(spec, lm, ctx, progress).await?;
    let views = Views {
        layer_curve: LayerCurve::of(&run.score),
        scatter: pereira_scatter(&run)?,
        ..Views::default()
    };
    Ok(Run {
        score: run.score,
        views,
    })
}

/// A Natural Stories benchmark (surprisal or activations) with its scatter and the
/// reading view.
pub async fn futrell_run(
    spec: &BenchmarkSpec,
    lm: &LanguageSubject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<Run> {
    let run = futrell2018::run_recorded(spec, lm, ctx, progress).await?;
    let views = Views {
        layer_curve: LayerCurve::of(&run.score),
        scatter: futrell_scatter(&run)?,
        reading: reading_view(&run),
        ..Views::default()
    };
    Ok(Run {
        score: run.score,
        views,
    })
}

/// Published rows of the benchmark that corresponds to `spec` (loosely: theirs are
/// voxel-level and ceiling-normalised), empty when there is none or the file is missing
/// (the rows are context, not the result).
pub async fn published(spec: &BenchmarkSpec, ctx: &RunContext) -> Vec<ReferenceRow> {
    let mut log = DataLog::new(&ctx.assets);
    match published_rows(&mut log).await {
        Ok(rows) => rows
            .into_iter()
            .filter(|r| {
                PUBLISHED_BENCHMARKS
                    .iter()
                    .any(|(theirs, ours)| r.benchmark == *theirs && *ours == spec.id)
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scatters_are_thinned_but_r_uses_every_point() {
        let points: Vec<ScatterPoint> = (0..4000)
            .map(|i| ScatterPoint {
                label: format!("w{i}"),
                x: i as f64,
                y: (i % 7) as f64 + i as f64 * 0.01,
            })
            .collect();
        let s = scatter_of("t".into(), "x", "y", points.clone(), "n.".into());
        assert!(s.points.len() <= SCATTER_MAX_POINTS);
        assert_eq!(s.n, 4000);
        let xs: Vec<f64> = points.iter().map(|p| p.x).collect();
        let ys: Vec<f64> = points.iter().map(|p| p.y).collect();
        assert_eq!(s.r, pearson(&xs, &ys));
        assert!(
            s.note.contains("One point in 3 is drawn (1334 of 4000)"),
            "{}",
            s.note
        );
        let small = scatter_of("t".into(), "x", "y", points[..10].to_vec(), "n.".into());
        assert_eq!(small.points.len(), 10);
        assert_eq!(small.note, "n.");
    }
}
