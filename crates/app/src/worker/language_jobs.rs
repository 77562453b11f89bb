//! The Language page's jobs, written for both targets so a native test can check that the
//! app's numbers equal the CLI's. A language score is the benchmark's own `run` (through
//! its `*_recorded` form, which returns the same score plus what it was computed from);
//! the views beside it — predicted against measured, the reading view — are drawn from
//! that same recording, never from a second pass.

use brainprobe_benchmarks::data::DataLog;
use brainprobe_benchmarks::language::findings::{published_rows, PUBLISHED_BENCHMARKS};
use brainprobe_benchmarks::language::new_sentence::{
    fit_encoding, predict_with, prepare_input, EncodingFit, SentencePrediction,
};
use brainprobe_benchmarks::language::{as_f64, futrell2018, held_out_predictions, pereira2018};
use brainprobe_benchmarks::leaderboard::ReferenceRow;
use brainprobe_benchmarks::registry::{self, BenchmarkSpec, Kind};
use brainprobe_benchmarks::{BenchError, LanguageSubject, Progress, RunContext, Score, Subject};
use brainprobe_metrics::correlation::pearson;
use ndarray::Axis;
use serde::{Deserialize, Serialize};

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

/// A language score with the views the Language page draws.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LanguageResult {
    /// The score (equal to the CLI's `score`).
    pub score: Score,
    /// Predicted (or surprisal) against measured, when the benchmark has per-stimulus values.
    pub scatter: Option<Scatter>,
    /// Reading-time runs: the first story with its reading times (and surprisals).
    pub reading: Option<ReadingView>,
    /// Published rows (Schrimpf et al. 2021) of the corresponding benchmark, for comparison.
    pub published: Vec<ReferenceRow>,
}

/// Every k-th index of `0..n` so that at most [`SCATTER_MAX_POINTS`] remain.
fn thin(n: usize) -> impl Iterator<Item = usize> {
    let step = n.div_ceil(SCATTER_MAX_POINTS).max(1);
    (0..n).step_by(step)
}

/// The layer a scatter shows: the best layer (as the "best layer's scatter"),
/// else the committed one.
fn shown_layer(score: &Score) -> Option<String> {
    score.best_layer.clone().or_else(|| score.layer.clone())
}

fn scatter_of(
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
        n,
        note,
    }
}

fn pereira_view(run: &pereira2018::PereiraRun) -> Result<Option<Scatter>, BenchError> {
    let Some(layer) = shown_layer(&run.score) else {
        return Ok(None);
    };
    let Some(acts) = run.recording.layers.iter().find(|l| l.name == layer) else {
        return Ok(None);
    };
    let responses: Vec<f64> = run.sentences.iter().map(|s| s.response).collect();
    let x = as_f64(acts);
    if brainprobe_benchmarks::language::is_constant(x.view()) {
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
    let kept: std::collections::HashSet<usize> = run.stories.kept.iter().copied().collect();
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

fn futrell_view(run: &futrell2018::FutrellRun) -> Result<Option<Scatter>, BenchError> {
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
    if brainprobe_benchmarks::language::is_constant(x.view()) {
        return Ok(None);
    }
    let y: Vec<f64> = kept.iter().map(|&i| words[i].mean_rt_ms).collect();
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

/// Published rows of the benchmark that corresponds to `spec` (loosely: theirs are
/// voxel-level and ceiling-normalised), empty when there is none.
async fn published(spec: &BenchmarkSpec, ctx: &RunContext) -> Vec<ReferenceRow> {
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
        // The reference rows are context, not the result: a missing file only hides them.
        Err(_) => Vec::new(),
    }
}

/// Scores `subject` on language benchmark `spec` and builds the page's views.
pub async fn language_job(
    spec: &BenchmarkSpec,
    subject: &Subject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<LanguageResult, BenchError> {
    let Subject::Language(lm) = subject else {
        return Err(BenchError::WrongModality {
            benchmark: spec.id.to_string(),
            model: subject.id().to_string(),
            needs: "language",
        });
    };
    let (score, scatter, reading) = match spec.kind {
        Kind::Pereira => {
            let run = pereira2018::run_recorded(spec, lm, ctx, progress).await?;
            let scatter = pereira_view(&run)?;
            (run.score, scatter, None)
        }
        Kind::FutrellSurprisal | Kind::FutrellActivations => {
            let run = futrell_run(spec, lm, ctx, progress).await?;
            let scatter = futrell_view(&run)?;
            let reading = reading_view(&run);
            (run.score, scatter, reading)
        }
        _ => (
            registry::run(spec, subject, ctx, progress).await?,
            None,
            None,
        ),
    };
    Ok(LanguageResult {
        score,
        scatter,
        reading,
        published: published(spec, ctx).await,
    })
}

async fn futrell_run(
    spec: &BenchmarkSpec,
    lm: &LanguageSubject,
    ctx: &RunContext,
    progress: &dyn Progress,
) -> Result<futrell2018::FutrellRun, BenchError> {
    if spec.kind == Kind::FutrellSurprisal {
        futrell2018::run_surprisal_recorded(spec, lm, ctx, progress).await
    } else {
        futrell2018::run_activations_recorded(spec, lm, ctx, progress).await
    }
}

thread_local! {
    /// The last model's Pereira encoding data, keyed by model, weights and device: the
    /// next sentence for the same model is answered without recording the 627 again.
    static ENCODING: std::cell::RefCell<Option<(String, std::rc::Rc<EncodingFit>)>> =
        const { std::cell::RefCell::new(None) };
}

/// "Your sentence" through [`ENCODING`]: the first sentence for a model records and
/// scores the Pereira sentences, later ones reuse that (same numbers: same recording).
pub async fn sentence_job(
    lm: &LanguageSubject,
    ctx: &RunContext,
    text: &str,
    progress: &dyn Progress,
) -> Result<SentencePrediction, BenchError> {
    prepare_input(text)?;
    let r = lm.model_ref();
    let key = format!("{} {} {}", r.id, r.weights_sha256, r.device);
    let cached = ENCODING.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, fit)| fit.clone())
    });
    let fit = match cached {
        Some(fit) => fit,
        None => {
            let fit = std::rc::Rc::new(fit_encoding(lm, ctx, progress).await?);
            ENCODING.with(|c| *c.borrow_mut() = Some((key, fit.clone())));
            fit
        }
    };
    predict_with(&fit, lm, text).await
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
