//! The Vision page: pick a CORnet-mini and an IT RSA benchmark, run it in the worker, and
//! see the model's RDM beside the brain's, the score per layer against the noise-ceiling
//! band, and the score's provenance; below, "wiring up" ([`super::vision_wiring`]).

use std::rc::Rc;

use brainprobe_benchmarks::{Score, Value};
use brainprobe_models::registry::{Family, MODELS};
use yew::prelude::*;

use super::vision_wiring::WiringUpSection;
use crate::app::Runs;
use crate::components::run_outcome::{failed_run, route_select, run_status};
use crate::components::stimulus_grid::StimulusGrid;
use crate::plots::layer_curve::{LayerCurve, LayerPoint};
use crate::plots::rdm_canvas::{RdmCanvas, RdmLegend};
use crate::plots::rdm_heatmap::Matrix;
use crate::route::Route;
use crate::worker::protocol::{DeviceChoice, Job, JobResult, VisionRsaResult};

/// Model shown when the URL names none.
pub const DEFAULT_MODEL: &str = "cornet-s-mini";
/// IT RSA benchmarks the page offers, with their labels.
pub const RSA_BENCHMARKS: [(&str, &str); 2] = [
    (
        "kriegeskorte2008-it-rsa",
        "human IT (fMRI, 4 subjects; Nili ceiling)",
    ),
    (
        "kriegeskorte2008-monkey-it-rsa",
        "monkey IT (cell recordings; no ceiling)",
    ),
];

/// Properties of [`VisionPage`].
#[derive(Properties, PartialEq)]
pub struct VisionPageProps {
    /// The URL's view (model and benchmark).
    pub route: Route,
}

/// Ids of the vision models.
pub fn vision_models() -> impl Iterator<Item = &'static str> {
    MODELS
        .iter()
        .filter(|m| m.family == Family::Cornet)
        .map(|m| m.id)
}

fn square(values: &[f32]) -> Option<Rc<Matrix>> {
    let n = (values.len() as f64).sqrt() as usize;
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
                {format!(" = IT RSA of layer `{}` ", score.layer.as_deref().unwrap_or("–"))}
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

fn result_view(r: &VisionRsaResult, benchmark_label: &str) -> Html {
    let categories = Rc::new(r.categories.clone());
    let points: Vec<LayerPoint> = r
        .score
        .layers
        .iter()
        .map(|l| LayerPoint {
            layer: l.layer.clone(),
            value: l.raw.get(),
            error: l.error.unwrap_or(0.0),
        })
        .collect();
    let band = r.score.ceiling.as_ref().map(|c| {
        (
            c.lower.unwrap_or(c.value),
            c.value,
            AttrValue::from("noise ceiling (Nili lower–upper)"),
        )
    });
    let heatmaps = match (square(&r.model_rdm), square(&r.brain_rdm)) {
        (Some(model), Some(brain)) => html! {
            <div class="rdm-pair">
                <RdmCanvas id="rdm-model" title={format!("{} · layer {}", r.score.model.id, r.layer)} values={model} categories={categories.clone()} />
                <RdmCanvas id="rdm-brain" title={benchmark_label.to_string()} values={brain} categories={categories.clone()} />
                <RdmLegend categories={categories.clone()} />
            </div>
        },
        _ => html! { <p class="error">{"The worker sent no RDM for the headline layer."}</p> },
    };
    html! {
        <div id="vision-result" data-model={r.score.model.id.clone()}>
            { summary(&r.score) }
            <h3>{"Representational dissimilarity matrices"}</h3>
            <p class="lead">{"1 − Pearson correlation between the responses to two images, shown as percentiles (as in Kriegeskorte et al. 2008). Lines mark category boundaries; images are ordered animate → inanimate."}</p>
            { heatmaps }
            if let (Some(model), Some(brain)) = (square(&r.model_rdm), square(&r.brain_rdm)) {
                <h3>{"The 92 images"}</h3>
                <p class="lead">{"Hover or tab to an image: its five nearest neighbours in the model's RDM and in the brain's."}</p>
                <StimulusGrid model={model} brain={brain} categories={categories.clone()} model_label={format!("{} · {}", r.score.model.id, r.layer)} />
            }
            <h3>{"Score per layer"}</h3>
            <LayerCurve id="layer-curve" y_label="Spearman ρ with IT (raw)" points={Rc::new(points)} band={band} committed={r.score.layer.clone().map(AttrValue::from)} />
        </div>
    }
}

/// The page.
#[function_component(VisionPage)]
pub fn vision_page(p: &VisionPageProps) -> Html {
    let Some(runs) = use_context::<Runs>() else {
        return html! {};
    };
    let force_cpu = use_state(|| false);
    let model = p
        .route
        .model
        .clone()
        .filter(|m| vision_models().any(|v| v == m))
        .unwrap_or_else(|| DEFAULT_MODEL.to_string());
    let benchmark = p
        .route
        .benchmark
        .clone()
        .filter(|b| RSA_BENCHMARKS.iter().any(|(id, _)| id == b))
        .unwrap_or_else(|| RSA_BENCHMARKS[0].0.to_string());
    let device = if *force_cpu {
        DeviceChoice::Cpu
    } else {
        DeviceChoice::Auto
    };
    let job = Job::VisionRsa {
        model: model.clone(),
        benchmark: benchmark.clone(),
    };
    let key = (job.clone(), device);
    let on_model = route_select(&p.route, |r, v| r.model = Some(v));
    let on_benchmark = route_select(&p.route, |r, v| r.benchmark = Some(v));
    let on_cpu = {
        let force_cpu = force_cpu.clone();
        Callback::from(move |_: Event| force_cpu.set(!*force_cpu))
    };
    let run = |device: DeviceChoice| {
        let client = runs.client.clone();
        let job = job.clone();
        Callback::from(move |_: MouseEvent| client.submit(job.clone(), device))
    };
    let state = &*runs.state;
    let pending = state.pending(&key);
    let label = RSA_BENCHMARKS
        .iter()
        .find(|(id, _)| *id == benchmark)
        .map_or("", |(_, l)| l);
    let outcome = match (
        state.results.get(&key).map(|r| &**r),
        state.errors.get(&key),
    ) {
        (Some(JobResult::VisionRsa(r)), _) => result_view(r, label),
        (_, Some(e)) => failed_run("vision", e, run(DeviceChoice::Cpu)),
        _ => run_status(
            "vision",
            pending,
            "Press Run to score this model in your browser (the 92 images through every layer, then RSA against the brain).",
        ),
    };
    html! {
        <section class="vision-page">
            <h2>{"Vision: how IT-like is a small network?"}</h2>
            <p class="lead">{"A network's representational geometry on 92 object images (Kriegeskorte et al. 2008) compared with human and monkey inferior temporal cortex. Computed here by the same benchmark code as the command line's "}<code>{"brainprobe score"}</code>{"."}</p>
            <div class="controls">
                <label>{"Model "}
                    <select id="vision-model" onchange={on_model}>
                        { for vision_models().map(|m| html! { <option value={m} selected={m == model}>{m}</option> }) }
                    </select>
                </label>
                <label>{"Compared with "}
                    <select id="vision-benchmark" onchange={on_benchmark}>
                        { for RSA_BENCHMARKS.iter().map(|(id, l)| html! { <option value={*id} selected={*id == benchmark}>{*l}</option> }) }
                    </select>
                </label>
                <label class="check"><input id="vision-cpu" type="checkbox" checked={*force_cpu} onchange={on_cpu} />{" run on the CPU"}</label>
                <button id="vision-run" class="primary" onclick={run(device)} disabled={pending}>{ if pending { "Running…" } else { "Run" } }</button>
            </div>
            { outcome }
            <WiringUpSection />
        </section>
    }
}
