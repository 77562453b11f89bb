//! The Occlusion page (Tang et al. 2018): one image behind bubbles with the model's live
//! top-3 ([`super::occlusion_image`]); accuracy against visibility for a model — as trained
//! and at T = 1 — beside people's unmasked and masked curves, from `tang2018-occlusion`
//! (the committed CLI run at once, or computed here by the same `registry::run`); and the
//! attractor readout over Hopfield sweeps ([`super::occlusion_attractor`]).

use std::rc::Rc;

use brainprobe_benchmarks::score::Details;
use brainprobe_benchmarks::views::OcclusionCurves;
use brainprobe_benchmarks::vision::occlusion::OcclusionDetails;
use brainprobe_benchmarks::Score;
use yew::prelude::*;

use super::occlusion_attractor::AttractorSection;
use super::occlusion_image::ImageExplorer;
use super::vision::{show, vision_models};
use crate::committed::committed_score;
use crate::components::run_outcome::route_select;
use crate::components::use_run::use_run;
use crate::plots::line_plot::{LinePlot, Series};
use crate::plots::palette::category;
use crate::route::Route;
use crate::worker::protocol::{Job, JobResult};

/// Model shown when the URL names none (recurrent, so T = 1 is shown too).
pub const DEFAULT_MODEL: &str = "cornet-s-mini";
/// The benchmark behind the curves.
pub const BENCHMARK: &str = "tang2018-occlusion";
/// Properties of [`OcclusionPage`].
#[derive(Properties, PartialEq)]
pub struct OcclusionPageProps {
    /// The URL's view (model).
    pub route: Route,
}

/// Series of the relative-accuracy plot, one colour per curve the benchmark drew.
pub fn series(c: &OcclusionCurves) -> Vec<Series> {
    c.curves
        .iter()
        .enumerate()
        .map(|(k, curve)| Series {
            name: curve.name.clone(),
            color: category(k).to_string(),
            points: c
                .visible_pct
                .iter()
                .zip(&curve.relative_accuracy)
                .map(|(&x, &y)| (x, y, 0.0))
                .collect(),
        })
        .collect()
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

fn result_view(score: &Score, curves: Option<&OcclusionCurves>, live: bool) -> Html {
    let (Some(Details::Occlusion(d)), Some(curves)) = (&score.details, curves) else {
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
    let series = Rc::new(series(curves));
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
                          series={series.clone()} x_range={(0.0, curves.max_pct)} y_range={(0.0, 1.0)} legend={false} />
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
    let model = p
        .route
        .model
        .clone()
        .filter(|m| vision_models().any(|v| v == m))
        .unwrap_or_else(|| DEFAULT_MODEL.to_string());
    let job = Job::Score {
        model: model.clone(),
        benchmark: BENCHMARK.into(),
    };
    let Some(run) = use_run("occlusion", job) else {
        return html! {};
    };
    let on_model = route_select(&p.route, |r, v| r.model = Some(v));
    let committed = committed_score(&model, BENCHMARK);
    let idle = html! {
        <>
            <p class="muted" id="occlusion-status" data-state={if run.pending { "running" } else { "idle" }}>{
                if run.pending { "Running in the worker — see the progress bar above. Meanwhile, the committed CLI run:" }
                else { "Shown: the committed CLI run. Compute here reruns it in your browser (1 000 images × 8 views, twice for recurrent models: minutes on a GPU, about 10 minutes or more on a CPU)." }
            }</p>
            { match committed {
                Some(s) => result_view(s, OcclusionCurves::of(s).as_ref(), false),
                None => html! { <p class="muted">{"No committed CLI run for this model: press Compute here."}</p> },
            } }
        </>
    };
    let outcome = run.outcome_or(
        |r| match r {
            JobResult::Run(r) => result_view(&r.score, r.views.occlusion.as_ref(), true),
            _ => html! {},
        },
        idle,
    );
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
                { run.cpu_switch() }
            </div>
            <ImageExplorer model={model.clone()} device={run.device} />
            <section class="occlusion-curves" aria-labelledby="occlusion-curves-title">
                <h3 id="occlusion-curves-title">{"Accuracy against visibility"}</h3>
                <div class="controls">
                    { run.run_button("Compute here") }
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
        let s = committed_score("cornet-s-mini", BENCHMARK).expect("committed occlusion run");
        let Some(Details::Occlusion(d)) = &s.details else {
            panic!("occlusion details");
        };
        let c = series(&OcclusionCurves::of(s).expect("curves"));
        assert_eq!(c.len(), 4, "model, T = 1, people unmasked and masked");
        assert!(c.iter().all(|s| s.points.len() == d.bins.len()));
        let z = committed_score("cornet-z-mini", BENCHMARK).expect("feedforward model");
        let curves = OcclusionCurves::of(z).expect("curves");
        assert_eq!(series(&curves).len(), 3, "no T = 1 curve");
        let a = committed_score(
            "cornet-s-mini",
            super::super::occlusion_attractor::BENCHMARK,
        )
        .expect("committed attractor run");
        assert!(matches!(a.details, Some(Details::Attractor(_))));
        assert!(OcclusionCurves::of(a).is_none());
    }
}
