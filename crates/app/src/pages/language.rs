//! The Language page: pick a language model and a benchmark, run it in the worker, and see
//! the score per layer (with the ceiling where one exists), the best layer's predicted
//! against measured responses (hover names the sentence or word), the published reference
//! rows beside ours and, for reading times, the story coloured by measured RT and by the
//! model's surprisal. Below: "your sentence" and "training" ([`super::language_extras`]).

use std::rc::Rc;

use brainprobe_benchmarks::registry::{Modality, BENCHMARKS};
use brainprobe_benchmarks::views::Scatter;
use brainprobe_benchmarks::{BenchmarkSpec, Score};
use brainprobe_models::language::Readout;
use brainprobe_models::registry::{lookup, MODELS};
use yew::prelude::*;

use super::language_extras::{ReadingPanel, SentenceBox, TrainingSection};
use super::vision::show;
use crate::components::download_notice::{download_notice, use_download_state};
use crate::components::run_outcome::route_select;
use crate::components::select_options::select_options;
use crate::components::use_run::use_run;
use crate::plots::layer_curve::LayerCurve;
use crate::plots::scatter_plot::ScatterPlot;
use crate::route::chosen;
use crate::route::Route;
use crate::worker::protocol::{Job, JobResult, Run};

/// Model shown when the URL names none.
pub const DEFAULT_MODEL: &str = "gpt-mini";
/// Language benchmarks the page offers: the registry's language rows that run in a
/// browser (labels from the rows).
pub fn language_benchmarks() -> Vec<&'static BenchmarkSpec> {
    BENCHMARKS
        .iter()
        .filter(|b| b.modality == Modality::Language && b.browser_limitation().is_none())
        .collect()
}

/// The benchmark shown when the URL names none.
fn pereira_default() -> &'static str {
    language_benchmarks()
        .first()
        .map_or("pereira2018-langnet", |s| s.id)
}

/// Ids of the language models the browser can load (the registry's `in_browser` rows:
/// the committed models and, from `assets/models/`, MiniLM and SmolLM2).
pub fn language_models() -> impl Iterator<Item = &'static str> {
    MODELS
        .iter()
        .filter(|m| !m.family.is_vision() && m.in_browser)
        .map(|m| m.id)
}

/// Quick-look sizes offered for `benchmark` (stories for Natural Stories, sentences
/// otherwise), plus the URL's own size when it is another.
pub fn subset_choices(benchmark: &str, current: Option<usize>) -> Vec<usize> {
    let mut v = if benchmark.starts_with("futrell") {
        vec![1, 3]
    } else {
        vec![60, 200]
    };
    if let Some(n) = current.filter(|n| !v.contains(n)) {
        v.push(n);
        v.sort_unstable();
    }
    v
}

/// The readout `model` uses when none is chosen (its registry row's).
pub fn default_readout(model: &str) -> Readout {
    lookup(model).map_or(Readout::LastToken, |m| m.readout)
}

/// A readout as the page's menu shows it.
fn readout_label(r: Readout) -> String {
    let what = match r {
        Readout::LastToken => "the last token",
        Readout::LastWord => "the last word's last token, punctuation skipped",
        Readout::Mean => "the mean over the tokens",
    };
    format!("{r}: {what}")
}

/// Properties of [`LanguagePage`].
#[derive(Properties, PartialEq)]
pub struct LanguagePageProps {
    /// The URL's view (model and benchmark).
    pub route: Route,
}

fn summary(score: &Score) -> Html {
    let ceiling = score.ceiling.as_ref().map_or_else(
        || "no ceiling: value = raw score".to_string(),
        |c| {
            format!(
                "ceiling {:.3} ({}); value = raw / ceiling, clipped to [0, 1]",
                c.value, c.method
            )
        },
    );
    let layer_text = match (&score.layer, &score.layer_choice) {
        (Some(l), _) => format!(" at the committed layer `{l}`"),
        (None, Some(c)) => format!(", layer {}", c.summary()),
        (None, None) => String::new(),
    };
    html! {
        <div class="score-summary">
            <p id="language-score" class="headline" data-value={score.value.get().map(|v| format!("{v:.6}")).unwrap_or_default()}>
                <b>{show(score.value)}</b>
                {format!(" = {}{layer_text} (raw {}{})", score.benchmark.id, show(score.raw), score.error.as_ref().map(|e| format!(" ± {:.3}", e.value)).unwrap_or_default())}
            </p>
            <ul class="facts">
                <li>{ceiling}</li>
                <li>{format!("best layer (chosen on these data, so optimistic): {}", score.best_layer.as_deref().unwrap_or("–"))}</li>
                <li>{format!("metric: {}", score.metric)}</li>
                <li>{format!("ran on: {} · weights {}… · bundle manifest {}…", score.model.device, score.model.weights_sha256.get(..12).unwrap_or(&score.model.weights_sha256), score.data.manifest_sha256.get(..12).unwrap_or(""))}</li>
                { for score.notes.iter().map(|n| html! { <li class="note">{n}</li> }) }
            </ul>
        </div>
    }
}

fn scatter_view(s: &Scatter) -> Html {
    let dots = Rc::new(s.points.clone());
    html! {
        <figure class="scatter-figure">
            <figcaption>{format!("{} — Pearson r = {:.3} over {} stimuli", s.title, s.r, s.n)}</figcaption>
            <ScatterPlot id="language-scatter" x_label={s.x_label.clone()} y_label={s.y_label.clone()} dots={dots} fit={s.fit} />
            <p class="muted">{&s.note}{" Hover a point for its text."}</p>
        </figure>
    }
}

fn published_view(r: &Run) -> Html {
    let ours = r.score.value.get();
    html! {
        <div class="table-scroll">
        <table id="language-published" class="published">
            <caption>{"Beside ours: published values on the corresponding benchmark (Schrimpf et al. 2021: best layer, voxel-level and ceiling-normalised, their models — a different quantity from ours, not computed here)"}</caption>
            <thead><tr><th>{"model"}</th><th>{"value"}</th><th>{"source"}</th></tr></thead>
            <tbody>
                <tr class="ours">
                    <td>{format!("{} (ours, this run)", r.score.model.id)}</td>
                    <td>{ours.map_or("undefined".into(), |v| format!("{v:.3}"))}</td>
                    <td>{"computed in this browser"}</td>
                </tr>
                { for r.views.published.iter().map(|p| html! {
                    <tr class="reference"><td>{format!("{} ({})", p.model, p.benchmark)}</td><td>{format!("{:.3}", p.value)}</td><td>{&p.source}</td></tr>
                }) }
                if r.views.published.is_empty() {
                    <tr><td colspan="3" class="muted">{"No published row for this benchmark."}</td></tr>
                }
            </tbody>
        </table>
        </div>
    }
}

fn result_view(r: &Run) -> Html {
    let curve = &r.views.layer_curve;
    let band = curve.ceiling.map(|(_, c)| {
        (
            c,
            c,
            AttrValue::from("ceiling (raw values are divided by it)"),
        )
    });
    html! {
        <div id="language-result" data-model={r.score.model.id.clone()} data-benchmark={r.score.benchmark.id.clone()}>
            { summary(&r.score) }
            if curve.points.len() > 1 {
                <h3>{"Score per layer"}</h3>
                <LayerCurve id="language-layer-curve" y_label="raw score (Pearson r)" points={Rc::new(curve.points.clone())} band={band} committed={curve.committed.clone().map(AttrValue::from)} />
            }
            { for r.views.scatter.as_ref().map(scatter_view) }
            { published_view(r) }
            { for r.views.reading.as_ref().map(|v| html! { <ReadingPanel view={Rc::new(v.clone())} /> }) }
        </div>
    }
}

/// The page.
#[function_component(LanguagePage)]
pub fn language_page(p: &LanguagePageProps) -> Html {
    let model = chosen(p.route.model.as_deref(), language_models(), DEFAULT_MODEL);
    let benchmark = chosen(
        p.route.benchmark.as_deref(),
        language_benchmarks().iter().map(|s| s.id),
        pereira_default(),
    );
    let subset = p.route.subset;
    let readout = p.route.readout;
    let job = Job::Views {
        model: model.clone(),
        benchmark: benchmark.clone(),
        subset,
        readout,
    };
    let run = use_run("language", job);
    let download = use_download_state(&model, run.as_ref().map_or(0, |r| u64::from(r.pending)));
    let Some(run) = run else {
        return html! {};
    };
    let select = |set: fn(&mut Route, String)| route_select(&p.route, set);
    let outcome = run.outcome(
        "Press Run to score this model in your browser (every stimulus through every layer, then the benchmark's regression or correlation).",
        |r| match r {
            JobResult::Run(r) => result_view(r),
            _ => html! {},
        },
    );
    html! {
        <section class="language-page">
            <h2>{"Language: do language models predict the brain?"}</h2>
            <p class="lead">{"A model's internal states (or its surprisal) predicting the human language network's fMRI response to sentences (Pereira et al. 2018) and self-paced reading times (Futrell et al. 2018), as in Schrimpf et al. (2021). Computed here by the same benchmark code as "}<code>{"brainprobe score"}</code>{". gpt-mini and lstm-mini are small models trained on this project's budget; smollm2-135m is a real pretrained model (SmolLM2-135M-Instruct: instruction-tuned, 4-bit) and minilm-l6 a pretrained sentence encoder. Read the numbers with the notes and beside the baselines."}</p>
            <div class="controls">
                <label>{"Model "}
                    <select id="language-model" onchange={select(|r, v| r.model = Some(v))}>
                        { select_options(language_models().map(|m| (m, m)), &model) }
                    </select>
                </label>
                <label>{"Benchmark "}
                    <select id="language-benchmark" onchange={select(|r, v| r.benchmark = Some(v))}>
                        { select_options(language_benchmarks().into_iter().map(|s| (s.id, s.label)), &benchmark) }
                    </select>
                </label>
                <label>{"Stimuli "}
                    <select id="language-subset" onchange={select(|r, v| r.subset = v.parse().ok())}>
                        <option value="" selected={subset.is_none()}>{"all (the benchmark)"}</option>
                        { for subset_choices(&benchmark, subset).into_iter().map(|n| html! { <option value={n.to_string()} selected={subset == Some(n)}>{format!("first {n} {} only (quick look)", if benchmark.starts_with("futrell") { "stories" } else { "sentences" })}</option> }) }
                    </select>
                </label>
                <label title="Which tokens of each sentence or word make its representation; the score's notes name the readout used">{"Readout "}
                    <select id="language-readout" onchange={select(|r, v| r.readout = v.parse().ok())}>
                        <option value="" selected={readout.is_none()}>{format!("the model's default ({})", default_readout(&model))}</option>
                        { for Readout::ALL.into_iter().map(|r| html! { <option value={r.as_str()} selected={readout == Some(r)}>{readout_label(r)}</option> }) }
                    </select>
                </label>
                { run.cpu_switch() }
                { run.run_button(&download.run_label()) }
            </div>
            { download_notice("language", &model, &download) }
            { outcome }
            <SentenceBox model={model.clone()} device={run.device} />
            <TrainingSection />
        </section>
    }
}
