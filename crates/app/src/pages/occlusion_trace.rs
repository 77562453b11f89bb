//! One photo through `tang2018-attractor-objects`' Hopfield network, live (the Occlusion
//! page on the object photos): pick a photo and a visibility bin, the worker records the 92
//! whole photos and the occluded one and returns every sweep (`attractor_trace::trace`);
//! the page animates the ±1 state of the units, the category readout and the nearest stored
//! photo after each sweep. Nothing here computes: the frames are the worker's.

use std::rc::Rc;

use brainprobe_benchmarks::vision::attractor_trace::AttractorTrace;
use brainprobe_data::datasets::kriegeskorte::{image_path, N_IMAGES};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::occlusion_image::{visibility_text, DEFAULT_VISIBILITY};
use crate::components::pixel_canvas::PixelCanvas;
use crate::components::sweep_animation::{use_sweep_animation, SweepAnimation};
use crate::plots::line_plot::{LinePlot, Series};
use crate::plots::palette::category;
use crate::state::Runs;
use crate::worker::protocol::{DeviceChoice, Job, JobResult, RunErrorKind};
use crate::ASSETS_URL;
use brainprobe_benchmarks::vision::occlusion_image::{bin_of, BIN_WIDTH_PCT, WHOLE_PCT};

/// Properties of [`AttractorTraceView`].
#[derive(Properties, PartialEq)]
pub struct TraceProps {
    /// Model whose features the network stores.
    pub model: AttrValue,
    /// Device of the run.
    pub device: DeviceChoice,
}

/// Side of the square grid that shows `units` units (one cell each, the rest blank).
pub fn grid_side(units: usize) -> usize {
    let mut side = 1;
    while side * side < units {
        side += 1;
    }
    side
}

/// RGB pixels of a ±1 state on a [`grid_side`] grid: +1 dark, −1 light, unused cells grey.
pub fn state_pixels(state: &[i8]) -> (usize, Vec<u8>) {
    let side = grid_side(state.len());
    let px = (0..side * side)
        .flat_map(|i| match state.get(i) {
            Some(&v) if v > 0 => [34, 34, 34],
            Some(_) => [236, 236, 236],
            None => [160, 160, 160],
        })
        .collect();
    (side, px)
}

/// The overlap of the state with the photo's own whole-photo pattern over the sweeps.
pub fn overlap_series(t: &AttractorTrace) -> Vec<Series> {
    vec![Series {
        name: "overlap with the photo's own stored pattern".into(),
        color: category(0).to_string(),
        points: t
            .sweeps
            .iter()
            .enumerate()
            .map(|(k, s)| (k as f64, s.own_overlap, 0.0))
            .collect(),
    }]
}

/// The last frame the animation can show: states are kept for the first sweeps only.
pub fn last_frame(t: &AttractorTrace) -> usize {
    t.sweeps.len().min(t.states.len()).saturating_sub(1)
}

fn frames(t: &AttractorTrace, anim: SweepAnimation) -> Html {
    let last = last_frame(t);
    let now = anim.now.min(last);
    let (side, px) = state_pixels(t.states.get(now).map_or(&[][..], |s| s.as_slice()));
    let sweep = t.sweeps.get(now);
    let series = Rc::new(overlap_series(t));
    html! {
        <div class="attractor-trace" id="trace-result" data-sweeps={t.sweeps.len().to_string()} data-settled={t.settled_after.to_string()}>
            { anim.controls("trace") }
            <div class="image-pair">
                <figure>
                    <PixelCanvas id="trace-photo" pixels={Rc::new(t.shown.rgb.clone())} side={t.shown.side} label={format!("photo {} behind bubbles", t.photo)} />
                    <figcaption>{format!("photo {} ({}), {:.1} % of the object visible", t.photo, t.category, t.visible_pct)}</figcaption>
                </figure>
                <figure>
                    <PixelCanvas id="trace-state" pixels={Rc::new(px)} side={side} label={format!("state of the {} units after {now} sweeps", t.units)} />
                    <figcaption>{format!("the {} units after {now} sweep{} (dark +1, light −1)", t.units, if now == 1 { "" } else { "s" })}</figcaption>
                </figure>
                if let Some(s) = sweep {
                    <figure>
                        <img class="image-view" id="trace-nearest" src={format!("{}/{}", ASSETS_URL, image_path(s.nearest))} alt={format!("nearest stored photo {}", s.nearest)} />
                        <figcaption>{format!("nearest stored photo: {} ({})", s.nearest, s.nearest_category)}</figcaption>
                    </figure>
                }
            </div>
            if let Some(s) = sweep {
                <p id="trace-answer" data-value={s.answer.clone()}>{format!("readout after {now} sweep{}: {} · {} units flipped in this sweep · overlap with its own pattern {:.3}", if now == 1 { "" } else { "s" }, s.answer, s.flipped, s.own_overlap)}</p>
            }
            <div class="plot-with-legend">
                <LinePlot id="trace-overlap-plot" x_label="Hopfield sweeps" y_label="overlap (1/n) Σ sᵢ ξᵢ"
                          series={series} x_range={(0.0, (t.sweeps.len().saturating_sub(1)).max(1) as f64)} y_range={(-1.0, 1.0)} legend={false} />
            </div>
            <ul class="facts">
                <li>{format!("feedforward readout of the occluded features: {} · attractor after the last sweep: {} · true category: {}", t.feedforward, t.sweeps.last().map_or("–", |s| s.answer.as_str()), t.category)}</li>
                <li>{format!("{} units, {} stored patterns; the state settled after {} sweep{} (states shown for the first {} frames); {} on {}", t.units, t.patterns, t.settled_after, if t.settled_after == 1 { "" } else { "s" }, t.states.len(), t.model, t.device)}</li>
            </ul>
        </div>
    }
}

/// The live attractor run on one photo.
#[function_component(AttractorTraceView)]
pub fn attractor_trace_view(p: &TraceProps) -> Html {
    let runs = use_context::<Runs>();
    let photo = use_state(|| 0usize);
    let slider = use_state(|| DEFAULT_VISIBILITY);
    let asked = use_state(|| false);
    let bin = bin_of(*slider);
    let job = Job::AttractorTrace {
        model: p.model.to_string(),
        photo: *photo,
        visibility_pct: bin,
    };
    let key = (job.clone(), p.device);
    // The shared result, not a copy of its states, on every animation frame.
    let result = runs
        .as_ref()
        .and_then(|r| r.state.results.get(&key).cloned());
    let trace = match result.as_deref() {
        Some(JobResult::Attractor(t)) => Some(&**t),
        _ => None,
    };
    let last = trace.map_or(0, last_frame);
    let anim = use_sweep_animation(last);
    {
        // A new result starts playing from sweep 0.
        let restart = anim.restart.clone();
        use_effect_with(trace.is_some(), move |has| {
            if *has {
                restart.emit(());
            }
        });
    }
    let Some(runs) = runs else {
        return html! {};
    };
    let on_run = {
        let runs = runs.clone();
        let asked = asked.clone();
        let (job, device) = key.clone();
        Callback::from(move |_: MouseEvent| {
            asked.set(true);
            runs.client.submit(job.clone(), device);
        })
    };
    let on_photo = {
        let photo = photo.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(i) = v.parse::<usize>() {
                photo.set(i.min(N_IMAGES - 1));
            }
        })
    };
    let on_slider = {
        let slider = slider.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            slider.set(v.parse().unwrap_or(DEFAULT_VISIBILITY).min(WHOLE_PCT));
        })
    };
    let state = &*runs.state;
    let body = match (trace, state.errors.get(&key)) {
        (Some(t), _) => frames(t, anim),
        (_, Some(e)) => html! {
            <p class="error" role="alert" id="trace-error">{"The attractor run failed: "}{&e.message}{ if e.kind == RunErrorKind::Gpu || e.kind == RunErrorKind::Worker { " — tick “run on the CPU” above to retry there." } else { "" } }</p>
        },
        _ if state.pending(&key) => html! {
            <p class="muted" id="trace-status" data-state="running">{"Recording the 92 whole photos and the occluded one, then running the sweeps — see the progress bar above."}</p>
        },
        _ => html! {
            <p class="muted" id="trace-status" data-state="idle">{ if *asked { "Press Run for this photo and bin." } else { "Press Run: the worker records the 92 whole photos (one forward pass each) and this occluded photo, then runs the network." } }</p>
        },
    };
    html! {
        <section class="occlusion-trace" aria-labelledby="trace-title">
            <h3 id="trace-title">{"One photo through the attractor"}</h3>
            <p class="muted">{"The same network, seed and readouts as tang2018-attractor-objects: the last answer here is the benchmark's answer for this photo in this bin."}</p>
            <div class="controls">
                <label>{"photo "}
                    <input id="trace-photo-index" type="number" min="0" max={(N_IMAGES - 1).to_string()} value={photo.to_string()} onchange={on_photo} />
                    {format!(" of {N_IMAGES}")}
                </label>
                <label for="trace-slider">{"visibility "}</label>
                <input id="trace-slider" type="range" min="0" max={WHOLE_PCT.to_string()} step={BIN_WIDTH_PCT.to_string()}
                       value={slider.to_string()} oninput={on_slider} aria-valuetext={visibility_text(*slider)} />
                <output for="trace-slider" id="trace-slider-value">{visibility_text(*slider)}</output>
                <button id="trace-run" onclick={on_run} disabled={state.pending(&key)}>{"Run"}</button>
            </div>
            { body }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_fill_a_square_grid() {
        assert_eq!(grid_side(1280), 36);
        assert_eq!(grid_side(128), 12);
        assert_eq!(grid_side(1), 1);
        let (side, px) = state_pixels(&[1, -1, 1]);
        assert_eq!(side, 2);
        assert_eq!(px.len(), 2 * 2 * 3);
        assert_eq!(&px[..6], &[34, 34, 34, 236, 236, 236]);
        assert_eq!(&px[9..], &[160, 160, 160], "unused cell");
    }
}
