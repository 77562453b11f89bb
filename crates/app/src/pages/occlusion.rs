//! The Occlusion page (Tang et al. 2018), on one of two stimulus sets: CIFAR-10 test images
//! (`tang2018-occlusion`, `tang2018-attractor`; CIFAR-10 models) or the 92 object photos
//! (`tang2018-occlusion-objects`, `tang2018-attractor-objects`; every vision network, the
//! only set for ImageNet ones). One image behind bubbles with the model's live top 3 / top 5
//! ([`super::occlusion_image`]); accuracy against visibility (with n, the most frequent
//! answer and the degenerate-answer flags of the benchmark's views) for a model — as
//! trained and, on CIFAR-10, at T = 1 — beside people's unmasked and masked curves (the
//! committed CLI run at once, or computed here by the same `registry::run`); the attractor
//! readout over Hopfield sweeps ([`super::occlusion_attractor`]) and, on the photos, one
//! photo's sweeps animated ([`super::occlusion_trace`]).

use std::rc::Rc;

use brainprobe_benchmarks::score::Details;
use brainprobe_benchmarks::views::{OcclusionCurves, OcclusionPoint};
use brainprobe_benchmarks::Score;
use yew::prelude::*;

use super::occlusion_attractor::AttractorSection;
use super::occlusion_image::ImageExplorer;
use super::occlusion_trace::AttractorTraceView;
use super::vision::{show, vision_models};
use crate::committed::committed_score;
use crate::components::run_outcome::route_select;
use crate::components::select_options::select_options;
use crate::components::use_run::use_run;
use crate::plots::line_plot::{LinePlot, Series};
use crate::plots::palette::category;
use crate::route::chosen;
use crate::route::Route;
use crate::worker::protocol::{Job, JobResult};

/// Model shown when the URL names none (recurrent, so T = 1 is shown too).
pub const DEFAULT_MODEL: &str = "cornet-s-mini";
/// The benchmark behind the curves on CIFAR-10 images.
pub const BENCHMARK: &str = "tang2018-occlusion";
/// The benchmark behind the curves on the object photos.
pub const OBJECTS_BENCHMARK: &str = "tang2018-occlusion-objects";

/// Whether the page shows the object photos for `model`: always for an ImageNet network
/// (the CIFAR-10 benchmarks cannot score it), else when the URL asks for them.
pub fn shows_photos(route: &Route, model: &str) -> bool {
    brainprobe_models::registry::lookup(model).is_ok_and(|m| m.family.is_imagenet())
        || route.benchmark.as_deref() == Some(OBJECTS_BENCHMARK)
}
/// Properties of [`OcclusionPage`].
#[derive(Properties, PartialEq)]
pub struct OcclusionPageProps {
    /// The URL's view (model).
    pub route: Route,
}

/// Series of the relative-accuracy plot, one colour per curve the benchmark drew: every
/// bin at its centre, then the unoccluded images at 100 % visible.
pub fn series(c: &OcclusionCurves) -> Vec<Series> {
    c.curves
        .iter()
        .enumerate()
        .map(|(k, curve)| Series {
            name: curve.name.clone(),
            color: category(k).to_string(),
            points: curve
                .points
                .iter()
                .map(|p| (p.visible_pct, p.relative, 0.0))
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

/// Name of a condition in the table and the flags.
pub fn condition(p: &OcclusionPoint) -> String {
    if p.is_whole() {
        "whole images".into()
    } else {
        format!("{}–{} %", p.lo_pct, p.hi_pct)
    }
}

/// The degenerate-answer flags of the model curves (METRICS §10.5), one line each.
pub fn flags(c: &OcclusionCurves) -> Vec<String> {
    let mut out = Vec::new();
    for curve in c.curves.iter().filter(|c| c.is_model) {
        if curve.near_chance {
            let whole = curve.points.iter().find(|p| p.is_whole());
            out.push(format!(
                "{}: unoccluded accuracy {} is within 10 points of chance ({}) — its relative accuracy is noise, or 0 in every bin at chance, where every model scores the chance floor {:.4}",
                curve.name,
                pct(whole.map(|p| p.accuracy)),
                pct(Some(curve.chance)),
                c.chance_floor
            ));
        }
        let hit: Vec<String> = curve
            .collapsed()
            .map(|p| {
                let (class, share) = p.top_answer.clone().unwrap_or_default();
                format!("{} ({class} {:.0} %)", condition(p), 100.0 * share)
            })
            .collect();
        if !hit.is_empty() {
            out.push(format!(
                "{}: answers collapse to one class (≥ 50 % of the answers) in {} of {} conditions: {}",
                curve.name,
                hit.len(),
                curve.points.len(),
                hit.join(", ")
            ));
        }
    }
    out
}

fn answer_cell(p: Option<&OcclusionPoint>) -> Html {
    match p.and_then(|p| p.top_answer.as_ref().map(|t| (p, t))) {
        Some((p, (class, share))) => html! {
            <td class={classes!(p.collapsed.then_some("collapsed"))} title={if p.collapsed { "answers collapse to one class (≥ 50 %)" } else { "" }}>
                {format!("{class} {:.0} %{}", 100.0 * share, if p.collapsed { " ⚑" } else { "" })}
            </td>
        },
        None => html! { <td>{"–"}</td> },
    }
}

fn table(c: &OcclusionCurves, images: usize, balanced: bool) -> Html {
    let rows = c.curves.first().map_or(0, |m| m.points.len());
    let chance = c
        .curves
        .iter()
        .find(|c| c.is_model)
        .map_or(0.1, |c| c.chance);
    html! {
        <table class="data-table" id="occlusion-table">
            <caption>{format!("{} per condition ({images} images per condition; model chance {:.1} %, people 5-way chance 20 %; ⚑ = one class takes ≥ 50 % of the model's answers)", if balanced { "Model: balanced accuracy (mean of the categories' recalls); people: accuracy" } else { "Accuracy" }, 100.0 * chance)}</caption>
            <thead><tr>
                <th scope="col">{"visible (%)"}</th><th scope="col">{"bubbles reached (%)"}</th>
                { for c.curves.iter().map(|curve| html! {
                    <>
                        <th scope="col">{format!("{} (n)", curve.name)}</th>
                        if curve.is_model { <th scope="col">{"most frequent answer"}</th> }
                    </>
                }) }
            </tr></thead>
            <tbody>
                { for (0..rows).map(|i| {
                    let first = c.curves.first().and_then(|m| m.points.get(i));
                    html! {
                        <tr>
                            <th scope="row">{first.map(condition).unwrap_or_default()}</th>
                            <td>{c.reached_pct.get(i).map_or("100".into(), |v| format!("{v:.1}"))}</td>
                            { for c.curves.iter().map(|curve| {
                                let p = curve.points.get(i);
                                html! {
                                    <>
                                        <td>{format!("{} ({})", pct(p.map(|p| p.accuracy)), p.map_or(0, |p| p.n))}</td>
                                        if curve.is_model { { answer_cell(p) } }
                                    </>
                                }
                            }) }
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

fn result_view(score: &Score, curves: Option<&OcclusionCurves>, live: bool) -> Html {
    let benchmark = score.benchmark.id.as_str();
    // The object photos' categories are unequal: that benchmark scores balanced accuracy.
    let balanced = benchmark == OBJECTS_BENCHMARK;
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
        format!("committed CLI run (results/leaderboard.json, `brainprobe score --model {} --benchmark {benchmark} --json`, on {})", score.model.id, score.model.device)
    };
    let ff = d.feedforward.as_ref();
    let series = Rc::new(series(curves));
    let flags = flags(curves);
    html! {
        <div class="occlusion-result" id={format!("{id}-result")}>
            <p id={id} class="headline" data-value={score.value.get().map(|v| format!("{v:.6}")).unwrap_or_default()}>
                <b>{show(score.value)}</b>
                {" = curve similarity with people (unmasked): 1 − Σ w |R_model − R_human| over the bins "}
                {score.error.as_ref().map(|e| format!("(± {:.3}, {})", e.value, e.method)).unwrap_or_default()}
            </p>
            <p class="provenance muted">{source}</p>
            if !flags.is_empty() {
                <ul class="warning" id={format!("{id}-flags")}>
                    { for flags.iter().map(|f| html! { <li>{f}</li> }) }
                </ul>
            }
            <div class="plot-with-legend">
                <LinePlot id="occlusion-plot" x_label={format!("visibility (% of pixels visible): bins 0–{} %, whole images at 100", curves.max_pct)} y_label="relative accuracy (0–1)"
                          series={series.clone()} x_range={(0.0, 100.0)} y_range={(0.0, 1.0)} legend={false} />
                { legend("occlusion-legend", &series) }
            </div>
            <ul class="facts">
                <li>{format!("robustness ratio {:.3} (1 = as robust as people); against masked people: similarity {:.3}, ratio {:.3}", d.model.vs_unmasked.robustness_ratio, d.model.vs_masked.curve_similarity, d.model.vs_masked.robustness_ratio)}</li>
                if let Some(f) = ff {
                    <li id="occlusion-t1">{format!("at T = 1 (feedforward sweep only, the analogue of backward masking): similarity {:.3}, accuracy below 15 % {}", f.vs_unmasked.curve_similarity, pct(f.low_visibility_accuracy))}</li>
                }
                <li>{format!("below 15 % visibility: model {} · people {} unmasked, {} masked (Tang et al.: 60.5 % → 44.6 %)", pct(d.model.low_visibility_accuracy), pct(d.human_low_visibility.0), pct(d.human_low_visibility.1))}</li>
                <li>{format!("relative accuracy = (accuracy − chance) / (unoccluded − chance), clipped to [0, 1]; model unoccluded {}accuracy {}; a model at chance scores {:.4} whatever it answers", if balanced { "balanced " } else { "" }, pct(Some(d.model.whole_accuracy)), curves.chance_floor)}</li>
                { for score.notes.iter().map(|n| html! { <li class="note">{n}</li> }) }
            </ul>
            <details><summary>{"The numbers"}</summary>{ table(curves, d.images, balanced) }</details>
        </div>
    }
}

/// The page.
#[function_component(OcclusionPage)]
pub fn occlusion_page(p: &OcclusionPageProps) -> Html {
    let model = chosen(p.route.model.as_deref(), vision_models(), DEFAULT_MODEL);
    let photos = shows_photos(&p.route, &model);
    let imagenet =
        brainprobe_models::registry::lookup(&model).is_ok_and(|m| m.family.is_imagenet());
    let benchmark = if photos { OBJECTS_BENCHMARK } else { BENCHMARK };
    let job = Job::Score {
        model: model.clone(),
        benchmark: benchmark.into(),
    };
    let Some(run) = use_run("occlusion", job) else {
        return html! {};
    };
    let on_model = route_select(&p.route, |r, v| r.model = Some(v));
    let on_stimuli = route_select(&p.route, |r, v| {
        r.benchmark = (v == "photos").then(|| OBJECTS_BENCHMARK.to_string());
    });
    let committed = committed_score(&model, benchmark);
    let cost = if photos {
        "92 photos × 21 views — 20 visibility bins and the whole photos —: a minute for a CORnet-mini, tens of minutes for EfficientNet-Lite0 at 224 px on a CPU (the CLI took 17 minutes natively)"
    } else {
        "1 000 images × 14 views — 13 visibility bins and the whole images —, twice for recurrent models: minutes on a GPU, 20 minutes or more on a CPU"
    };
    let idle = html! {
        <>
            <p class="muted" id="occlusion-status" data-state={if run.pending { "running" } else { "idle" }}>{
                if run.pending { "Running in the worker — see the progress bar above. Meanwhile, the committed CLI run:".to_string() }
                else { format!("Shown: the committed CLI run. Compute here reruns it in your browser ({cost}).") }
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
    let lead = if photos {
        "People still name an object when only 10–15 % of it shows through Gaussian \"bubbles\" (Tang et al. 2018) — unless a mask cuts recurrent processing short. Here a network sees the 92 object photos of Kriegeskorte et al. (2008) through bubbles placed over the object, and a linear readout trained on the whole photos names one of six categories. People saw other objects (Tang's grey-level KLAB325 set, five categories): compare the shapes of the curves, not the images."
    } else {
        "People still name an object when only 10–15 % of it shows through Gaussian \"bubbles\" (Tang et al. 2018) — unless a mask cuts recurrent processing short. Here small networks see CIFAR-10 images through the same kind of bubbles, with full recurrence and after one feedforward sweep (T = 1)."
    };
    let attractor = if photos {
        super::occlusion_attractor::OBJECTS_BENCHMARK
    } else {
        super::occlusion_attractor::BENCHMARK
    };
    html! {
        <section class="occlusion-page">
            <h2>{"Occlusion: recognising objects from a few bubbles"}</h2>
            <p class="lead">{lead}</p>
            <div class="controls">
                <label>{"Model "}
                    <select id="occlusion-model" onchange={on_model}>
                        { select_options(vision_models().map(|m| (m, m)), &model) }
                    </select>
                </label>
                <label>{"Stimuli "}
                    <select id="occlusion-stimuli" onchange={on_stimuli}>
                        <option value="cifar" selected={!photos} disabled={imagenet}>{"CIFAR-10 test images (tang2018-occlusion)"}</option>
                        <option value="photos" selected={photos}>{"92 object photos (tang2018-occlusion-objects)"}</option>
                    </select>
                </label>
                { run.cpu_switch() }
            </div>
            if imagenet {
                <p class="muted small" id="occlusion-imagenet-note">{"An ImageNet network: the CIFAR-10 benchmarks cannot score it (its classes are not CIFAR-10's, its input is 224 px), so the page shows the object photos."}</p>
            }
            <ImageExplorer model={model.clone()} device={run.device} photos={photos} />
            <section class="occlusion-curves" aria-labelledby="occlusion-curves-title">
                <h3 id="occlusion-curves-title">{"Accuracy against visibility"}</h3>
                <div class="controls">
                    { run.run_button("Compute here") }
                </div>
                { outcome }
            </section>
            <AttractorSection model={model.clone()} benchmark={attractor} />
            if photos {
                <AttractorTraceView model={model} device={run.device} />
            }
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
        let curves = OcclusionCurves::of(s).expect("curves");
        let c = series(&curves);
        assert_eq!(c.len(), 4, "model, T = 1, people unmasked and masked");
        assert!(
            c.iter().all(|s| s.points.len() == d.bins.len() + 1),
            "every bin and the whole images"
        );
        assert!(c
            .iter()
            .all(|s| s.points.last().map(|p| p.0) == Some(100.0)));
        assert_eq!(curves.max_pct, 70.0, "bins up to 70 %");
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

    #[test]
    fn flags_are_formatted_from_the_views() {
        let point = |lo: f64, collapsed: bool| OcclusionPoint {
            lo_pct: lo,
            hi_pct: if lo >= 100.0 { 100.0 } else { lo + 5.0 },
            visible_pct: if lo >= 100.0 { 100.0 } else { lo + 2.5 },
            accuracy: 0.1,
            relative: 0.0,
            n: 1000,
            top_answer: Some(("frog".into(), if collapsed { 1.0 } else { 0.2 })),
            collapsed,
        };
        let curve = |name: &str, is_model: bool, points: Vec<OcclusionPoint>, near: bool| {
            brainprobe_benchmarks::views::OcclusionCurve {
                name: name.into(),
                is_model,
                chance: 0.1,
                relative_accuracy: vec![0.0; points.len() - 1],
                points,
                near_chance: near,
            }
        };
        let c = OcclusionCurves {
            visible_pct: vec![2.5, 67.5],
            max_pct: 70.0,
            reached_pct: vec![3.0, 66.0],
            curves: vec![
                curve(
                    "m",
                    true,
                    vec![point(0.0, true), point(65.0, false), point(100.0, true)],
                    true,
                ),
                curve(
                    "people",
                    false,
                    vec![point(0.0, true), point(65.0, true), point(100.0, true)],
                    false,
                ),
            ],
            chance_floor: 0.3883,
        };
        let f = flags(&c);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(
            f[0].starts_with("m: unoccluded accuracy 10.0 %") && f[0].contains("0.3883"),
            "{}",
            f[0]
        );
        assert_eq!(
            f[1],
            "m: answers collapse to one class (≥ 50 % of the answers) in 2 of 3 conditions: 0–5 % (frog 100 %), whole images (frog 100 %)"
        );
        let s = series(&c);
        assert_eq!(
            s[0].points.iter().map(|p| p.0).collect::<Vec<_>>(),
            vec![2.5, 67.5, 100.0]
        );
    }
}
