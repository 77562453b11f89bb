//! The Language page's panels beside the main run: the reading view (a story coloured by
//! measured reading time or by the model's surprisal), "your sentence" (the Pereira
//! encoding model applied to typed text — predicted, not measured) and "training"
//! (gpt-mini checkpoints: brain score against WikiText-2 perplexity over the committed CLI
//! leaderboard, by the benchmarks' `training_curve` — the numbers of finding 3).

use std::rc::Rc;

use brainprobe_benchmarks::views::training::training_curve;
use brainprobe_benchmarks::views::ReadingView;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::committed::language_leaderboard;
use crate::components::select_options::select_options;
use crate::plots::palette::ramp_css;
use crate::plots::scatter_plot::{Dot, ScatterPlot};
use crate::state::Runs;
use crate::worker::protocol::{DeviceChoice, Job, JobResult};

/// Value at quantile `q` of `values` (sorted copy; `None` when empty).
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let i = ((v.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
    v.get(i).copied()
}

/// Maps a value to [0, 1] between the 5th and 95th percentiles of `values`, so a few very
/// slow words do not wash out the colours of the rest.
pub fn colour_scale(values: &[f64]) -> impl Fn(f64) -> f64 {
    let lo = quantile(values, 0.05).unwrap_or(0.0);
    let hi = quantile(values, 0.95).unwrap_or(1.0);
    let span = if hi > lo { hi - lo } else { 1.0 };
    move |v| ((v - lo) / span).clamp(0.0, 1.0)
}

/// Properties of [`ReadingPanel`].
#[derive(Properties, PartialEq)]
pub struct ReadingPanelProps {
    /// The story.
    pub view: Rc<ReadingView>,
}

/// A story, each word coloured by measured reading time or by surprisal.
#[function_component(ReadingPanel)]
pub fn reading_panel(p: &ReadingPanelProps) -> Html {
    let has_surprisal = p.view.words.iter().any(|w| w.surprisal_bits.is_some());
    let by_surprisal = use_state(|| false);
    let show_surprisal = *by_surprisal && has_surprisal;
    let values: Vec<f64> = p
        .view
        .words
        .iter()
        .map(|w| {
            if show_surprisal {
                w.surprisal_bits.unwrap_or(f64::NAN)
            } else {
                w.rt_ms
            }
        })
        .collect();
    let scale = colour_scale(&values);
    let toggle = {
        let by_surprisal = by_surprisal.clone();
        Callback::from(move |e: Event| {
            by_surprisal.set(e.target_unchecked_into::<HtmlSelectElement>().value() == "surprisal")
        })
    };
    html! {
        <div class="reading-view">
            <h3>{format!("Reading view: story {}", p.view.story)}</h3>
            <label>{"Colour words by "}
                <select id="reading-colour" onchange={toggle}>
                    <option value="rt" selected={!show_surprisal}>{"measured reading time (ms)"}</option>
                    if has_surprisal {
                        <option value="surprisal" selected={show_surprisal}>{"the model's surprisal (bits)"}</option>
                    }
                </select>
            </label>
            <p class="muted">{"Dark blue = fast / unsurprising, yellow = slow / surprising (5th–95th percentile of this story). Grey-underlined words start a sentence and are left out of the score. Hover a word for its numbers."}</p>
            <p id="reading-story" class="story" lang="en">
                { for p.view.words.iter().zip(&values).map(|(w, &v)| {
                    let t = scale(v);
                    let tip = match w.surprisal_bits {
                        Some(s) => format!("{}: {:.0} ms, {s:.2} bits", w.word, w.rt_ms),
                        None => format!("{}: {:.0} ms", w.word, w.rt_ms),
                    };
                    let style = format!("background:{};color:{}", ramp_css(t), if t > 0.55 { "#111" } else { "#fff" });
                    html! { <><span class={classes!("w", (!w.scored).then_some("unscored"))} style={style} title={tip}>{&w.word}</span>{" "}</> }
                }) }
            </p>
        </div>
    }
}

/// Properties of [`SentenceBox`].
#[derive(Properties, PartialEq)]
pub struct SentenceBoxProps {
    /// Model whose encoding model predicts.
    pub model: AttrValue,
    /// Device of the run.
    pub device: DeviceChoice,
}

/// "Your sentence": typed text → predicted language-network response and its percentile.
#[function_component(SentenceBox)]
pub fn sentence_box(p: &SentenceBoxProps) -> Html {
    let Some(runs) = use_context::<Runs>() else {
        return html! {};
    };
    let text = use_state(|| "The dog chased the ball across the park.".to_string());
    let submitted = use_state(|| None::<String>);
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let job = |sentence: String| Job::PredictSentence {
        model: p.model.to_string(),
        sentence,
    };
    let on_predict = {
        let client = runs.client.clone();
        let text = text.clone();
        let submitted = submitted.clone();
        let model = p.model.to_string();
        let device = p.device;
        Callback::from(move |_: MouseEvent| {
            let sentence = (*text).clone();
            submitted.set(Some(sentence.clone()));
            client.submit(
                Job::PredictSentence {
                    model: model.clone(),
                    sentence,
                },
                device,
            );
        })
    };
    let key = submitted.as_ref().map(|s| (job(s.clone()), p.device));
    let state = &*runs.state;
    let pending = key.as_ref().is_some_and(|k| state.pending(k));
    let chars = text.chars().count();
    let outcome = match key
        .as_ref()
        .map(|k| (state.results.get(k), state.errors.get(k)))
    {
        Some((Some(r), _)) => match &**r {
            JobResult::Sentence(s) => html! {
                <div id="sentence-result" data-value={format!("{:.6}", s.value)} data-percentile={format!("{:.3}", s.percentile)}>
                    <p class="headline"><b>{format!("{:.3}", s.value)}</b>{format!(" predicted response — percentile {:.1} among the {} measured sentences (measured range {:.3} to {:.3})", s.percentile, s.n_sentences, s.measured_range.0, s.measured_range.1)}</p>
                    <div class="percentile-bar" role="img" aria-label={format!("percentile {:.0}", s.percentile)}><span style={format!("left:{:.1}%", s.percentile)}></span></div>
                    <p class="warning"><b>{"Predicted, not measured: "}</b>{format!("RidgeCV (α = {}) from {}'s layer `{}`, fitted on all {} sentences; that layer's held-out r is {} (raw r, no ceiling exists), so most of the response is not predicted.", s.alpha, s.model, s.layer, s.n_sentences, s.layer_r.map_or("undefined".into(), |r| format!("{r:.3}")))}</p>
                    <p class="muted">{"Presented: "}<q class="user-text">{&s.sentence}</q></p>
                    { for s.notes.iter().map(|n| html! { <p class="note">{n}</p> }) }
                </div>
            },
            _ => html! {},
        },
        Some((None, Some(e))) => html! {
            <p id="sentence-error" class="error" role="alert">{"Could not predict: "}{&e.message}</p>
        },
        _ if pending => html! { <p class="muted">{"Recording the 627 sentences and fitting…"}</p> },
        _ => html! {},
    };
    html! {
        <div class="sentence-box">
            <h3>{"Your sentence"}</h3>
            <p class="lead">{"Type any sentence: the model's Pereira encoding model (its best layer, fitted on all 627 sentences) predicts the language network's response and ranks it among the measured ones."}</p>
            <textarea id="sentence-input" rows="3" dir="auto" value={(*text).clone()} oninput={on_input} aria-label="your sentence" />
            <p class="muted">{format!("{chars} characters")}{ if chars > 1000 { " — only the first 1 000 are presented (the job says so)" } else { "" } }</p>
            <button id="sentence-predict" onclick={on_predict} disabled={pending}>{ if pending { "Predicting…" } else { "Predict" } }</button>
            { outcome }
        </div>
    }
}

/// Short name of a gpt-mini checkpoint for a plot label.
pub fn checkpoint_label(model: &str) -> String {
    match model {
        "gpt-mini" => "final".into(),
        m if m.ends_with("-untrained") => "untrained".into(),
        m => m.trim_start_matches("gpt-mini@").to_string(),
    }
}

/// Brain score against perplexity over gpt-mini's checkpoints (committed numbers).
#[function_component(TrainingSection)]
pub fn training_section() -> Html {
    let benchmark = use_state(|| "pereira2018-langnet".to_string());
    let Some(board) = language_leaderboard() else {
        return html! { <p class="error">{"The committed language leaderboard did not parse."}</p> };
    };
    let curve = training_curve(&board.scores, &benchmark);
    let dots: Vec<Dot> = curve
        .points
        .iter()
        .map(|p| Dot {
            label: checkpoint_label(&p.model),
            x: p.perplexity.ln(),
            y: p.committed,
        })
        .chain(curve.others.iter().map(|p| Dot {
            label: format!("{} (a different model, not in r)", p.model),
            x: p.perplexity.ln(),
            y: p.committed,
        }))
        .collect();
    let others = curve
        .others
        .iter()
        .map(|p| p.model.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let on_bench = {
        let benchmark = benchmark.clone();
        Callback::from(move |e: Event| {
            benchmark.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    html! {
        <div class="training">
            <h3>{"Training: does a better language model predict the brain better?"}</h3>
            <p class="lead">{"gpt-mini's checkpoints (untrained → final), one point each: the raw brain score (the benchmark's headline) against WikiText-2 word perplexity (first 50 000 test tokens; lower = better language model). Numbers from the committed command-line run (results/language/leaderboard.json), the same as its finding 3, not computed in this browser — the main panel above recomputes any single point."}</p>
            <label>{"Brain score: "}
                <select id="training-benchmark" onchange={on_bench}>
                    { select_options(super::language::language_benchmarks().into_iter().map(|s| (s.id, s.label)), &benchmark) }
                </select>
            </label>
            if let Some(r) = curve.r {
                <p id="training-r" data-r={format!("{:.6}", r.committed)}>
                    {format!("Pearson r over {} checkpoints: {:.2}{} with perplexity, {:.2} with log perplexity (the paper's prediction: negative; an interval spanning 0 is inconclusive); at the best layer (optimistic) {:.2} and {:.2}.", curve.points.len(), r.committed, r.committed_ci.map(|(lo, hi)| format!(" (95 % CI {lo:.2} to {hi:.2}, Fisher z)")).unwrap_or_default(), r.committed_log, r.best, r.best_log)}
                </p>
                if !others.is_empty() {
                    <p class="muted">{format!("Beside them, labelled: {others} — a pretrained model of another family and size (its own tokenizer; word perplexity on the same text), shown for scale; it is not one of the checkpoints and not in r or the line.")}</p>
                }
                <div id="training-points" data-checkpoints={curve.points.len().to_string()} data-others={curve.others.len().to_string()}>
                    <ScatterPlot id="training-plot" x_label="ln WikiText-2 word perplexity" y_label="raw brain score (headline)" dots={Rc::new(dots)} fit={curve.fit} labelled={true} />
                </div>
            } else {
                <p class="muted">{"The committed run has no perplexity and score for enough checkpoints on this benchmark."}</p>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_colour_scale_ignore_nan_and_clip() {
        let v = [f64::NAN, 1.0, 2.0, 3.0, 4.0, 100.0];
        assert_eq!(quantile(&v, 0.0), Some(1.0));
        assert_eq!(quantile(&v, 1.0), Some(100.0));
        assert_eq!(quantile(&[], 0.5), None);
        let s = colour_scale(&[0.0, 10.0]);
        assert_eq!(s(-5.0), 0.0);
        assert_eq!(s(50.0), 1.0);
        let flat = colour_scale(&[3.0, 3.0]);
        assert!(flat(3.0).is_finite());
    }

    #[test]
    fn the_training_panel_shows_every_checkpoint_with_finding_3s_r() {
        let board = language_leaderboard().expect("committed JSON");
        let curve = training_curve(&board.scores, "pereira2018-langnet");
        assert!(curve.points.iter().all(|p| p.perplexity > 1.0));
        let labels: Vec<String> = curve
            .points
            .iter()
            .map(|p| checkpoint_label(&p.model))
            .collect();
        assert_eq!(
            labels,
            ["untrained", "step4", "step11", "step36", "step108", "final"]
        );
        // The committed finding 3 prints the same r (to 3 decimals) as the panel.
        let r = curve.r.expect("six checkpoints");
        let finding = board
            .findings
            .iter()
            .find(|f| f.number == 3)
            .expect("finding 3");
        let said = format!(
            "pereira2018-langnet over 6 checkpoints: headline r = {:.3}",
            r.committed
        );
        assert!(finding.verdict.contains(&said), "{}", finding.verdict);
    }
}
