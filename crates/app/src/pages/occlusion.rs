//! The Occlusion page (Tang et al. 2018): one image behind bubbles with the model's live
//! top-3 ([`super::occlusion_image`]); accuracy against visibility for a model — as trained
//! and at T = 1 — beside people's unmasked and masked curves, from `tang2018-occlusion`
//! (the committed CLI run at once, or computed here by the same `registry::run`); and the
//! attractor readout over Hopfield sweeps ([`super::occlusion_attractor`]).

use std::rc::Rc;

use brainprobe_benchmarks::leaderboard::Leaderboard;
use brainprobe_benchmarks::score::Details;
use brainprobe_benchmarks::vision::occlusion::OcclusionDetails;
use brainprobe_benchmarks::Score;
use yew::prelude::*;

use super::occlusion_attractor::AttractorSection;
use super::occlusion_image::ImageExplorer;
use super::vision::{show, vision_models};
use crate::app::Runs;
use crate::components::run_outcome::{failed_run, route_select};
use crate::plots::line_plot::{LinePlot, Series};
use crate::plots::palette::category;
use crate::route::Route;
use crate::worker::protocol::{DeviceChoice, Job, JobResult};

/// Model shown when the URL names none (recurrent, so T = 1 is shown too).
pub const DEFAULT_MODEL: &str = "cornet-s-mini";
/// The benchmark behind the curves.
pub const BENCHMARK: &str = "tang2018-occlusion";
/// The CLI's committed leaderboard (`brainprobe leaderboard --json`).
const COMMITTED_JSON: &str = include_str!("../../../../results/leaderboard.json");

thread_local! {
    static COMMITTED: Option<Rc<Leaderboard>> =
        serde_json::from_str(COMMITTED_JSON).ok().map(Rc::new);
}

/// The committed CLI score of `model` on `benchmark`, if there is one.
pub fn committed(model: &str, benchmark: &str) -> Option<Score> {
    COMMITTED.with(|c| {
        c.as_ref()?
            .scores
            .iter()
            .find(|s| s.model.id == model && s.benchmark.id == benchmark)
            .cloned()
    })
}

/// Properties of [`OcclusionPage`].
#[derive(Properties, PartialEq)]
pub struct OcclusionPageProps {
    /// The URL's view (model).
    pub route: Route,
}

/// Series of the relative-accuracy plot: model, model at T = 1, people unmasked, masked.
pub fn curves(d: &OcclusionDetails, model: &str) -> Vec<Series> {
    let mid: Vec<f64> = d.bins.iter().map(|b| (b.lo_pct + b.hi_pct) / 2.0).collect();
    let line = |name: String, k: usize, ys: &[f64]| Series {
        name,
        color: category(k).to_string(),
        points: mid.iter().zip(ys).map(|(&x, &y)| (x, y, 0.0)).collect(),
    };
    let mut out = vec![line(
        format!("{model} (full recurrence)"),
        0,
        &d.model.relative,
    )];
    if let Some(ff) = &d.feedforward {
        out.push(line(format!("{model} at T = 1"), 1, &ff.relative));
    }
    out.push(line(
        "people, unmasked".into(),
        2,
        &d.human_relative_unmasked,
    ));
    out.push(line(
        "people, backward-masked".into(),
        3,
        &d.human_relative_masked,
    ));
    out
}

/// The legend of `series` as an HTML list (colour swatch and name), below a plot.
pub fn legend(id: &str, series: &[Series]) -> Html {
    html! {
        <ul class="plot-legend" id={id.to_string()}>
            { for series.iter().map(|s| html! {
                <li><span class="swatch" style={format!("background:{}", s.color)}></span>{&s.name}</li>
            }) }
        </ul>
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{:.1} %", 100.0 * v))
}

fn table(d: &OcclusionDetails) -> Html {
    let ff = d.feedforward.as_ref();
    html! {
        <table class="data-table" id="occlusion-table">
            <caption>{format!("Accuracy per visibility bin ({} test images per bin; model chance 10 %, people 5-way chance 20 %)", d.images)}</caption>
            <thead><tr>
                <th scope="col">{"visible (%)"}</th><th scope="col">{"bubbles reached (%)"}</th>
                <th scope="col">{"model"}</th><th scope="col">{"model, T = 1"}</th>
                <th scope="col">{"people, unmasked"}</th><th scope="col">{"people, masked"}</th><th scope="col">{"human trials"}</th>
            </tr></thead>
            <tbody>
                <tr><th scope="row">{"100 (whole)"}</th><td>{"100"}</td><td>{pct(Some(d.model.whole_accuracy))}</td><td>{pct(ff.map(|f| f.whole_accuracy))}</td><td>{"98.5 %"}</td><td>{"–"}</td><td>{"–"}</td></tr>
                { for d.bins.iter().enumerate().map(|(i, b)| html! {
                    <tr>
                        <th scope="row">{format!("{}–{}", b.lo_pct, b.hi_pct)}</th>
                        <td>{format!("{:.1}", b.mean_visible_pct)}</td>
                        <td>{pct(d.model.accuracy.get(i).copied())}</td>
                        <td>{pct(ff.and_then(|f| f.accuracy.get(i).copied()))}</td>
                        <td>{pct(Some(b.human_unmasked))}</td>
                        <td>{pct(Some(b.human_masked))}</td>
                        <td>{b.human_trials}</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

fn result_view(score: &Score, live: bool) -> Html {
    let Some(Details::Occlusion(d)) = &score.details else {
        return html! { <p class="error" role="alert">{"This score carries no occlusion curves."}</p> };
    };
    let id = if live {
        "occlusion-score"
    } else {
        "occlusion-committed"
    };
    let source = if live {
        format!("computed in this browser on {}", score.model.device)
    } else {
        format!("committed CLI run (results/leaderboard.json, `brainprobe score --model {} --benchmark {BENCHMARK} --json`, on {})", score.model.id, score.model.device)
    };
    let ff = d.feedforward.as_ref();
    let series = Rc::new(curves(d, &score.model.id));
    html! {
        <div class="occlusion-result" id={format!("{id}-result")}>
            <p id={id} class="headline" data-value={score.value.get().map(|v| format!("{v:.6}")).unwrap_or_default()}>
                <b>{show(score.value)}</b>
                {" = curve similarity with people (unmasked): 1 − Σ w |R_model − R_human| over the bins "}
                {score.error.as_ref().map(|e| format!("(± {:.3}, {})", e.value, e.method)).unwrap_or_default()}
            </p>
            <p class="provenance muted">{source}</p>
            <div class="plot-with-legend">
                <LinePlot id="occlusion-plot" x_label="visibility (% of pixels visible, bin centre)" y_label="relative accuracy (0–1)"
                          series={series.clone()} x_range={(0.0, d.bins.last().map_or(35.0, |b| b.hi_pct))} y_range={(0.0, 1.0)} legend={false} />
                { legend("occlusion-legend", &series) }
            </div>
            <ul class="facts">
                <li>{format!("robustness ratio {:.3} (1 = as robust as people); against masked people: similarity {:.3}, ratio {:.3}", d.model.vs_unmasked.robustness_ratio, d.model.vs_masked.curve_similarity, d.model.vs_masked.robustness_ratio)}</li>
                if let Some(f) = ff {
                    <li id="occlusion-t1">{format!("at T = 1 (feedforward sweep only, the analogue of backward masking): similarity {:.3}, accuracy below 15 % {}", f.vs_unmasked.curve_similarity, pct(f.low_visibility_accuracy))}</li>
                }
                <li>{format!("below 15 % visibility: model {} · people {} unmasked, {} masked (Tang et al.: 60.5 % → 44.6 %)", pct(d.model.low_visibility_accuracy), pct(d.human_low_visibility.0), pct(d.human_low_visibility.1))}</li>
                <li>{format!("relative accuracy = (accuracy − chance) / (unoccluded − chance), clipped to [0, 1]; model unoccluded accuracy {}", pct(Some(d.model.whole_accuracy)))}</li>
                { for score.notes.iter().map(|n| html! { <li class="note">{n}</li> }) }
            </ul>
            <details><summary>{"The numbers"}</summary>{ table(d) }</details>
        </div>
    }
}

/// The page.
#[function_component(OcclusionPage)]
pub fn occlusion_page(p: &OcclusionPageProps) -> Html {
    let force_cpu = use_state(|| false);
    let Some(runs) = use_context::<Runs>() else {
        return html! {};
    };
    let model = p
        .route
        .model
        .clone()
        .filter(|m| vision_models().any(|v| v == m))
        .unwrap_or_else(|| DEFAULT_MODEL.to_string());
    let device = if *force_cpu {
        DeviceChoice::Cpu
    } else {
        DeviceChoice::Auto
    };
    let job = Job::Score {
        model: model.clone(),
        benchmark: BENCHMARK.into(),
    };
    let key = (job.clone(), device);
    let on_model = route_select(&p.route, |r, v| r.model = Some(v));
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
    let committed_score = committed(&model, BENCHMARK);
    let outcome = match (
        state.results.get(&key).and_then(|r| match &**r {
            JobResult::Score(s) => Some(s),
            _ => None,
        }),
        state.errors.get(&key),
    ) {
        (Some(s), _) => result_view(s, true),
        (_, Some(e)) => failed_run("occlusion", e, run(DeviceChoice::Cpu)),
        _ => html! {
            <>
                <p class="muted" id="occlusion-status" data-state={if pending { "running" } else { "idle" }}>{
                    if pending { "Running in the worker — see the progress bar above. Meanwhile, the committed CLI run:" }
                    else { "Shown: the committed CLI run. Compute here reruns it in your browser (1 000 images × 8 views, twice for recurrent models: minutes on a GPU, about 10 minutes or more on a CPU)." }
                }</p>
                { match &committed_score {
                    Some(s) => result_view(s, false),
                    None => html! { <p class="muted">{"No committed CLI run for this model: press Compute here."}</p> },
                } }
            </>
        },
    };
    html! {
        <section class="occlusion-page">
            <h2>{"Occlusion: recognising objects from a few bubbles"}</h2>
            <p class="lead">{"People still name an object when only 10–15 % of it shows through Gaussian \"bubbles\" (Tang et al. 2018) — unless a mask cuts recurrent processing short. Here small networks see CIFAR-10 images through the same kind of bubbles, with full recurrence and after one feedforward sweep (T = 1)."}</p>
            <div class="controls">
                <label>{"Model "}
                    <select id="occlusion-model" onchange={on_model}>
                        { for vision_models().map(|m| html! { <option value={m} selected={m == model}>{m}</option> }) }
                    </select>
                </label>
                <label class="check"><input id="occlusion-cpu" type="checkbox" checked={*force_cpu} onchange={on_cpu} />{" run on the CPU"}</label>
            </div>
            <ImageExplorer model={model.clone()} {device} />
            <section class="occlusion-curves" aria-labelledby="occlusion-curves-title">
                <h3 id="occlusion-curves-title">{"Accuracy against visibility"}</h3>
                <div class="controls">
                    <button id="occlusion-run" class="primary" onclick={run(device)} disabled={pending}>{ if pending { "Running…" } else { "Compute here" } }</button>
                </div>
                { outcome }
            </section>
            <AttractorSection model={model} />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_runs_give_four_curves_and_attractor_steps() {
        let s = committed("cornet-s-mini", BENCHMARK).expect("committed occlusion run");
        let Some(Details::Occlusion(d)) = &s.details else {
            panic!("occlusion details");
        };
        let c = curves(d, "cornet-s-mini");
        assert_eq!(c.len(), 4, "model, T = 1, people unmasked and masked");
        assert!(c.iter().all(|s| s.points.len() == d.bins.len()));
        let z = committed("cornet-z-mini", BENCHMARK).expect("feedforward model");
        let Some(Details::Occlusion(d)) = &z.details else {
            panic!("occlusion details");
        };
        assert_eq!(curves(d, "cornet-z-mini").len(), 3, "no T = 1 curve");
        let a = committed(
            "cornet-s-mini",
            super::super::occlusion_attractor::BENCHMARK,
        )
        .expect("committed attractor run");
        assert!(matches!(a.details, Some(Details::Attractor(_))));
        assert!(committed("nope", BENCHMARK).is_none());
    }
}
