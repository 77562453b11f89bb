//! The Vision page: pick a CORnet-mini and an IT RSA benchmark, run it in the worker, and
//! see the model's RDM beside the brain's, the score per layer against the noise-ceiling
//! band, and the score's provenance; below, "wiring up" ([`super::vision_wiring`]).

use std::rc::Rc;

use brainprobe_benchmarks::registry::{Kind, BENCHMARKS};
use brainprobe_benchmarks::views::RdmPair;
use brainprobe_benchmarks::{BenchmarkSpec, Score, Value};
use brainprobe_models::registry::MODELS;
use yew::prelude::*;

use super::vision_wiring::WiringUpSection;
use crate::components::run_outcome::route_select;
use crate::components::select_options::select_options;
use crate::components::stimulus_grid::StimulusGrid;
use crate::components::use_run::use_run;
use crate::plots::layer_curve::LayerCurve;
use crate::plots::rdm_canvas::{RdmCanvas, RdmLegend};
use crate::plots::rdm_heatmap::Matrix;
use crate::route::chosen;
use crate::route::Route;
use crate::worker::protocol::{Job, JobResult, Run};

/// Model shown when the URL names none.
pub const DEFAULT_MODEL: &str = "cornet-s-mini";
/// IT RSA benchmarks the page offers: the registry's IT RSA rows (labels from the rows).
pub fn rsa_benchmarks() -> Vec<&'static BenchmarkSpec> {
    BENCHMARKS
        .iter()
        .filter(|b| matches!(b.kind, Kind::ItRsa(_)))
        .collect()
}

/// Properties of [`VisionPage`].
#[derive(Properties, PartialEq)]
pub struct VisionPageProps {
    /// The URL's view (model and benchmark).
    pub route: Route,
}

/// Ids of the vision networks (the CORnet-minis; every vision page runs them).
pub fn vision_models() -> impl Iterator<Item = &'static str> {
    MODELS
        .iter()
        .filter(|m| m.family.is_vision() && m.in_browser && !m.is_baseline())
        .map(|m| m.id)
}

/// Ids of what the IT RSA benchmarks score: the vision networks and the pixel control
/// (`baseline-pixels`, METRICS §10.1; it has no classifier, so no other vision page offers
/// it).
pub fn rsa_models() -> impl Iterator<Item = &'static str> {
    MODELS
        .iter()
        .filter(|m| m.family.is_vision() && m.in_browser)
        .map(|m| m.id)
}

fn square(n: usize, values: &[f32]) -> Option<Rc<Matrix>> {
    Matrix::from_shape_vec((n, n), values.iter().map(|&x| f64::from(x)).collect())
        .ok()
        .filter(|_| n > 1)
        .map(Rc::new)
}

/// A value to 3 decimals, or its "undefined (…)" text.
pub fn show(v: Value) -> String {
    format!("{v:.3}")
}

fn summary(score: &Score) -> Html {
    let ceiling = score.ceiling.as_ref().map(|c| {
        format!(
            "ceiling {:.3} (lower bound {}): {}",
            c.value,
            c.lower.map_or("–".into(), |l| format!("{l:.3}")),
            c.method
        )
    });
    html! {
        <div class="score-summary">
            <p id="vision-score" class="headline" data-value={score.value.get().map(|v| format!("{v:.6}")).unwrap_or_default()}>
                <b>{show(score.value)}</b>
                {format!(" = IT RSA, layer {} ", score.layer_label())}
                {format!("(raw ρ {}{})", show(score.raw), score.error.as_ref().map(|e| format!(" ± {:.3}", e.value)).unwrap_or_default())}
            </p>
            <ul class="facts">
                <li>{ceiling.unwrap_or_else(|| "no ceiling: value = raw ρ".into())}</li>
                <li>{format!("best layer (chosen on these data, so optimistic): {}", score.best_layer.as_deref().unwrap_or("–"))}</li>
                <li>{format!("metric: {}", score.metric)}</li>
                <li>{format!("ran on: {} · weights sha256 {}… · bundle manifest {}…", score.model.device, score.model.weights_sha256.get(..12).unwrap_or(""), score.data.manifest_sha256.get(..12).unwrap_or(""))}</li>
                { for score.notes.iter().map(|n| html! { <li class="note">{n}</li> }) }
            </ul>
        </div>
    }
}

fn rdm_view(rdms: &RdmPair, model: &str, benchmark_label: &str) -> Html {
    let categories = Rc::new(rdms.categories.clone());
    match (square(rdms.n, &rdms.model), square(rdms.n, &rdms.brain)) {
        (Some(model_rdm), Some(brain_rdm)) => html! {
            <div class="rdm-pair">
                <RdmCanvas id="rdm-model" title={format!("{model} · layer {}", rdms.layer)} values={model_rdm} categories={categories.clone()} />
                <RdmCanvas id="rdm-brain" title={benchmark_label.to_string()} values={brain_rdm} categories={categories.clone()} />
                <RdmLegend categories={categories} />
            </div>
        },
        _ => html! { <p class="error">{"The worker sent no RDM for the headline layer."}</p> },
    }
}

fn result_view(r: &Run, benchmark_label: &str) -> Html {
    let views = &r.views;
    let model = &r.score.model.id;
    let band = views
        .layer_curve
        .ceiling
        .map(|(lo, hi)| (lo, hi, AttrValue::from("noise ceiling (Nili lower–upper)")));
    html! {
        <div id="vision-result" data-model={model.clone()}>
            { summary(&r.score) }
            <h3>{"Representational dissimilarity matrices"}</h3>
            <p class="lead">{"1 − Pearson correlation between the responses to two images, shown as percentiles (as in Kriegeskorte et al. 2008). Lines mark category boundaries; images are ordered animate → inanimate."}</p>
            { match &views.rdms {
                Some(rdms) => rdm_view(rdms, model, benchmark_label),
                None => html! { <p class="error">{"The worker sent no RDM for the headline layer."}</p> },
            } }
            if let (Some(rdms), Some(neighbours)) = (&views.rdms, &views.neighbours) {
                <h3>{"The 92 images"}</h3>
                <p class="lead">{"Hover or tab to an image: its five nearest neighbours in the model's RDM and in the brain's."}</p>
                <StimulusGrid neighbours={Rc::new(neighbours.clone())} categories={Rc::new(rdms.categories.clone())} model_label={format!("{model} · {}", rdms.layer)} top_classes={views.top_classes.clone().map(Rc::new)} />
            }
            <h3>{"Score per layer"}</h3>
            <LayerCurve id="layer-curve" y_label="Spearman ρ with IT (raw)" points={Rc::new(views.layer_curve.points.clone())} band={band} committed={views.layer_curve.committed.clone().map(AttrValue::from)} />
        </div>
    }
}

/// The page.
#[function_component(VisionPage)]
pub fn vision_page(p: &VisionPageProps) -> Html {
    let model = chosen(p.route.model.as_deref(), rsa_models(), DEFAULT_MODEL);
    let benchmark = chosen(
        p.route.benchmark.as_deref(),
        rsa_benchmarks().iter().map(|s| s.id),
        rsa_benchmarks()
            .first()
            .map_or("kriegeskorte2008-it-rsa", |s| s.id),
    );
    let job = Job::Views {
        model: model.clone(),
        benchmark: benchmark.clone(),
        subset: None,
        readout: None,
    };
    let Some(run) = use_run("vision", job) else {
        return html! {};
    };
    let on_model = route_select(&p.route, |r, v| r.model = Some(v));
    let on_benchmark = route_select(&p.route, |r, v| r.benchmark = Some(v));
    let label = rsa_benchmarks()
        .into_iter()
        .find(|s| s.id == benchmark)
        .map_or("", |s| s.label);
    let outcome = run.outcome(
        "Press Run to score this model in your browser (the 92 images through every layer, then RSA against the brain).",
        |r| match r {
            JobResult::Run(r) => result_view(r, label),
            _ => html! {},
        },
    );
    html! {
        <section class="vision-page">
            <h2>{"Vision: how IT-like is a small network?"}</h2>
            <p class="lead">{"A network's representational geometry on 92 object images (Kriegeskorte et al. 2008) compared with human and monkey inferior temporal cortex. Computed here by the same benchmark code as the command line's "}<code>{"brainprobe score"}</code>{"."}</p>
            <div class="controls">
                <label>{"Model "}
                    <select id="vision-model" onchange={on_model}>
                        { select_options(rsa_models().map(|m| (m, m)), &model) }
                    </select>
                </label>
                <label>{"Compared with "}
                    <select id="vision-benchmark" onchange={on_benchmark}>
                        { select_options(rsa_benchmarks().into_iter().map(|s| (s.id, s.label)), &benchmark) }
                    </select>
                </label>
                { run.cpu_switch() }
                { run.run_button("Run") }
            </div>
            { outcome }
            <WiringUpSection />
        </section>
    }
}
