//! "One image behind bubbles" on the Occlusion page: pick a CIFAR-10 test image
//! (`tang2018-occlusion`'s subset, same order) or one of the 92 object photos
//! (`tang2018-occlusion-objects`), or upload a picture (resized to the model's input side);
//! the visibility slider redraws the bubbles (on the page for CIFAR images and uploads —
//! the benchmark's own mask code and seed rule —, by the worker for photos, whose bubbles
//! cover the object's pixels), and after a short pause the worker classifies the occluded
//! image: the model's top 3 of CIFAR-10 or top 5 of ImageNet-1k updates.

use std::rc::Rc;

use brainprobe_benchmarks::vision::bubbles::first_per_class;
use brainprobe_benchmarks::RunOptions;
use brainprobe_data::datasets::cifar::{CifarSet, CLASSES, SIDE, SUBSET_IMAGES, SUBSET_LABELS};
use brainprobe_data::datasets::kriegeskorte::{image_path, N_IMAGES};
use brainprobe_data::Assets;
use brainprobe_models::registry::lookup;
use ndarray::Axis;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::pixel_canvas::PixelCanvas;
use crate::components::timer::later;
use crate::state::{spawn, Runs};
use crate::worker::protocol::{
    ClassifyResult, DeviceChoice, Guess, ImageSource, Job, JobResult, RunErrorKind,
};
use crate::ASSETS_URL;
use brainprobe_benchmarks::vision::occlusion_image::{bin_of, occluded, BIN_WIDTH_PCT, WHOLE_PCT};

/// Slider position the page opens at (the 10–15 % bin, below the paper's 15 % line).
pub const DEFAULT_VISIBILITY: u32 = 10;

/// Properties of [`ImageExplorer`].
#[derive(Properties, PartialEq)]
pub struct ImageExplorerProps {
    /// Model that classifies.
    pub model: AttrValue,
    /// Device of the runs.
    pub device: DeviceChoice,
    /// Pick from the 92 object photos (else from the CIFAR-10 test images).
    pub photos: bool,
}

#[derive(Clone, PartialEq)]
enum Picked {
    Index(usize),
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    Upload {
        name: String,
        pixels: Rc<Vec<u8>>,
        side: usize,
    },
}

/// The side of the images `model` takes (32 when the registry does not say).
pub fn input_side(model: &str) -> usize {
    lookup(model)
        .ok()
        .and_then(|m| m.family.input_side())
        .unwrap_or(SIDE)
}

async fn load_subset() -> Result<CifarSet, String> {
    let assets = Assets::new(ASSETS_URL);
    let images = assets
        .bytes(SUBSET_IMAGES)
        .await
        .map_err(|e| e.to_string())?;
    let labels = assets
        .bytes(SUBSET_LABELS)
        .await
        .map_err(|e| e.to_string())?;
    let set = CifarSet::parse_subset(&images, &labels).map_err(|e| e.to_string())?;
    first_per_class(
        &set,
        RunOptions::default().occlusion_per_class,
        "occlusion_per_class",
    )
    .map_err(|e| e.to_string())
}

fn image_of(set: &CifarSet, i: usize) -> Option<(Vec<u8>, String)> {
    (i < set.len()).then(|| {
        let px = set.images.index_axis(Axis(0), i).iter().copied().collect();
        let label = CLASSES.get(set.labels[i] as usize).copied().unwrap_or("?");
        (px, label.to_string())
    })
}

/// Text of a slider position.
pub fn visibility_text(pct: u32) -> String {
    if pct >= WHOLE_PCT {
        "unoccluded (100 % visible)".into()
    } else {
        let lo = bin_of(pct);
        format!("{lo}–{} % visible", lo + BIN_WIDTH_PCT)
    }
}

fn guesses(id: &str, title: &str, g: &[Guess], truth: Option<&str>) -> Html {
    html! {
        <div class="top3" id={id.to_string()}>
            <h4>{title}</h4>
            <ol>
                { for g.iter().map(|g| {
                    let pct = 100.0 * g.prob;
                    let right = truth == Some(g.class.as_str());
                    html! {
                        <li class={classes!("guess", right.then_some("correct"))} data-class={g.class.clone()} data-prob={format!("{:.6}", g.prob)}>
                            <span class="guess-class">{&g.class}{ if right { " ✓" } else { "" } }</span>
                            <span class="bar" role="presentation"><span style={format!("width:{pct:.1}%")}></span></span>
                            <span class="guess-prob">{format!("{pct:.1} %")}</span>
                        </li>
                    }
                }) }
            </ol>
        </div>
    }
}

fn answer(r: &ClassifyResult, photo: bool) -> Html {
    // A photo's label is its stimulus category, not one of the model's classes.
    let truth = r.label.as_deref().filter(|_| !photo);
    let k = r.top.len();
    let title = |what: &str| format!("{what}: top {k} of {}", r.class_set);
    html! {
        <div class="answers" id="occlusion-top3" data-top1={r.top.first().map(|g| g.class.clone()).unwrap_or_default()} data-k={k.to_string()}>
            { guesses("top3-full", &title(if r.feedforward_top.is_some() { "full recurrence" } else { "model" }), &r.top, truth) }
            { for r.feedforward_top.iter().map(|g| guesses("top3-t1", &title("T = 1 (feedforward sweep)"), g, truth)) }
            <p class="muted small">{format!("{} on {}; softmax of the logits; bubbles reached {:.1} % visibility{}.", r.model, r.device, r.visible_pct, if photo { " of the object's pixels" } else { "" })}
                { for r.label.iter().filter(|_| photo).map(|c| format!(" Stimulus category: {c}.")) }</p>
        </div>
    }
}

/// The image explorer.
#[function_component(ImageExplorer)]
pub fn image_explorer(p: &ImageExplorerProps) -> Html {
    let runs = use_context::<Runs>();
    let subset = use_state(|| None::<Result<Rc<CifarSet>, String>>);
    let picked = use_state(|| Picked::Index(0));
    let slider = use_state(|| DEFAULT_VISIBILITY);
    let upload_error = use_state(|| None::<String>);
    let side = input_side(&p.model);
    {
        let subset = subset.clone();
        use_effect_with((), move |_| {
            spawn(async move { subset.set(Some(load_subset().await.map(Rc::new))) });
        });
    }
    {
        // Another stimulus set, or an upload made for another input side: start over.
        let picked = picked.clone();
        use_effect_with((p.photos, side), move |(_, side)| {
            if !matches!(&*picked, Picked::Upload { side: s, .. } if s == side) {
                picked.set(Picked::Index(0));
            }
        });
    }
    let bin = bin_of(*slider);
    let (original, label, source) = match (&*picked, &*subset) {
        (Picked::Upload { name, pixels, .. }, _) => (
            Some(pixels.clone()),
            format!("your picture “{name}”"),
            Some(ImageSource::Pixels((**pixels).clone())),
        ),
        (Picked::Index(i), _) if p.photos => {
            (None, format!("photo {i}"), Some(ImageSource::Photo(*i)))
        }
        (Picked::Index(i), Some(Ok(set))) => match image_of(set, *i) {
            Some((px, class)) => (
                Some(Rc::new(px)),
                format!("test image {i} ({class})"),
                Some(ImageSource::Cifar(*i)),
            ),
            None => (None, String::new(), None),
        },
        _ => (None, String::new(), None),
    };
    let shown_side = match &*picked {
        Picked::Upload { side, .. } => *side,
        Picked::Index(_) => SIDE,
    };
    let view = {
        let key = (
            original.clone(),
            bin,
            source.as_ref().map(|s| s.seed_index()),
        );
        use_memo(key, |(o, bin, idx)| {
            o.as_ref()
                .map(|o| occluded(o, *bin, idx.unwrap_or(0)).map(|(px, v)| (Rc::new(px), v)))
        })
    };
    let job = source.map(|image| Job::Classify {
        model: p.model.to_string(),
        image,
        visibility_pct: bin,
    });
    // Debounce: submit once the slider has rested for 300 ms.
    {
        let runs = runs.clone();
        let device = p.device;
        use_effect_with((job.clone(), device), move |(job, device)| {
            let device = *device;
            let submit = job.clone().and_then(|job| {
                let runs = runs?;
                let key = (job.clone(), device);
                let state = &*runs.state;
                (!state.results.contains_key(&key) && !state.errors.contains_key(&key))
                    .then_some(move || runs.client.submit(job, device))
            });
            let timer = submit.map(|f| later(300, f));
            move || drop(timer)
        });
    }
    let Some(runs) = runs else {
        return html! {};
    };
    let on_slider = {
        let slider = slider.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            slider.set(v.parse().unwrap_or(DEFAULT_VISIBILITY).min(WHOLE_PCT));
        })
    };
    let count = match &*subset {
        _ if p.photos => N_IMAGES,
        Some(Ok(s)) => s.len(),
        _ => 0,
    };
    let index = match &*picked {
        Picked::Index(i) => Some(*i),
        Picked::Upload { .. } => None,
    };
    let step = |d: isize| {
        let picked = picked.clone();
        let upload_error = upload_error.clone();
        let i = index.unwrap_or(0) as isize;
        Callback::from(move |_: MouseEvent| {
            if count > 0 {
                upload_error.set(None);
                picked.set(Picked::Index((i + d).rem_euclid(count as isize) as usize));
            }
        })
    };
    let on_index = {
        let picked = picked.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(i) = v.parse::<usize>() {
                picked.set(Picked::Index(i.min(count.saturating_sub(1))));
            }
        })
    };
    let on_upload = {
        let picked = picked.clone();
        let upload_error = upload_error.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            read_upload(input, side, picked.clone(), upload_error.clone());
        })
    };
    let key = job.clone().map(|j| (j, p.device));
    let state = &*runs.state;
    let result = key.as_ref().and_then(|k| state.results.get(k));
    let status = match (
        result.map(|r| &**r),
        key.as_ref().and_then(|k| state.errors.get(k)),
    ) {
        (Some(JobResult::Classify(r)), _) => answer(r, p.photos && index.is_some()),
        (_, Some(e)) => {
            html! { <p class="error" role="alert" id="occlusion-classify-error">{"Classifying failed: "}{&e.message}{ if e.kind == RunErrorKind::Gpu || e.kind == RunErrorKind::Worker { " — tick “run on the CPU” above to retry there." } else { "" } }</p> }
        }
        _ if key.as_ref().is_some_and(|k| state.pending(k)) => {
            let behind = state
                .active
                .as_ref()
                .is_some_and(|a| Some(&a.key) != key.as_ref());
            html! { <p class="muted" id="occlusion-top3-status" data-state="running">{ if behind { "Queued behind the run in progress…" } else { "Classifying in the worker…" } }</p> }
        }
        _ => {
            html! { <p class="muted" id="occlusion-top3-status" data-state="idle">{"The model's answer appears here."}</p> }
        }
    };
    let photo_shown = match result.map(|r| &**r) {
        Some(JobResult::Classify(r)) => r.shown.clone(),
        _ => None,
    };
    let images = match (&original, &*view, &*picked) {
        (_, _, Picked::Index(i)) if p.photos => html! {
            <div class="image-pair">
                <figure>
                    <img id="occlusion-original" class="image-view" src={format!("{}/{}", ASSETS_URL, image_path(*i))} alt={label.clone()} />
                    <figcaption>{label.clone()}</figcaption>
                </figure>
                <figure>
                    { match &photo_shown {
                        Some(s) => html! { <PixelCanvas id="occlusion-masked" pixels={Rc::new(s.rgb.clone())} side={s.side} label={format!("{label} behind bubbles")} /> },
                        None => html! { <p class="muted" id="occlusion-masked-pending">{"The worker draws the bubbles over the object…"}</p> },
                    } }
                    <figcaption id="occlusion-visible" data-value={match result.map(|r| &**r) { Some(JobResult::Classify(r)) => format!("{:.2}", r.visible_pct), _ => String::new() }}>{
                        match result.map(|r| &**r) { Some(JobResult::Classify(r)) => format!("as shown: {:.1} % of the object's pixels visible", r.visible_pct), _ => "as shown: …".into() }
                    }</figcaption>
                </figure>
            </div>
        },
        (Some(o), Some(Ok((px, vis))), _) => html! {
            <div class="image-pair">
                <figure>
                    <PixelCanvas id="occlusion-original" pixels={o.clone()} side={shown_side} label={label.clone()} />
                    <figcaption>{label.clone()}</figcaption>
                </figure>
                <figure>
                    <PixelCanvas id="occlusion-masked" pixels={px.clone()} side={shown_side} label={format!("{label} behind bubbles, {vis:.1} % visible")} />
                    <figcaption id="occlusion-visible" data-value={format!("{vis:.2}")}>{format!("as shown: {vis:.1} % of pixels visible")}</figcaption>
                </figure>
            </div>
        },
        (Some(_), Some(Err(e)), _) => {
            html! { <p class="error" role="alert">{"The bubbles failed: "}{e}</p> }
        }
        _ => match &*subset {
            Some(Err(e)) => {
                html! { <p class="error" role="alert">{"The CIFAR-10 test images could not be loaded: "}{e}</p> }
            }
            _ => html! { <p class="muted">{"Loading the CIFAR-10 test images…"}</p> },
        },
    };
    // The benchmark's bins are those where people have trials (the committed run's list;
    // 60–65 % has none), else every bin up to the default range.
    let in_benchmark = match crate::committed::committed_score(&p.model, "tang2018-occlusion")
        .and_then(|s| s.details.as_ref())
    {
        _ if p.photos => true,
        Some(brainprobe_benchmarks::score::Details::Occlusion(d)) => {
            d.bins.iter().any(|b| b.lo_pct == f64::from(bin))
        }
        _ => bin + BIN_WIDTH_PCT <= RunOptions::default().max_visibility_pct as u32,
    };
    let what = if p.photos { "photo" } else { "test image" };
    let upload = matches!(&*picked, Picked::Upload { .. });
    html! {
        <section class="occlusion-image" aria-labelledby="occlusion-image-title">
            <h3 id="occlusion-image-title">{"One image behind bubbles"}</h3>
            <div class="controls">
                <button id="occlusion-prev" onclick={step(-1)} aria-label={format!("previous {what}")}>{"◀"}</button>
                <label>{format!("{what} ")}
                    <input id="occlusion-index" type="number" min="0" max={count.saturating_sub(1).to_string()} value={index.map(|i| i.to_string()).unwrap_or_default()} onchange={on_index} />
                    {format!(" of {count}")}
                </label>
                <button id="occlusion-next" onclick={step(1)} aria-label={format!("next {what}")}>{"▶"}</button>
                <label class="upload">{format!("or your own picture (shrunk to {side} × {side}) ")}
                    <input id="occlusion-upload" type="file" accept="image/*" onchange={on_upload} />
                </label>
            </div>
            if let Some(e) = &*upload_error {
                <p id="occlusion-upload-error" class="error" role="alert">{e}</p>
            }
            <div class="controls">
                <label for="occlusion-slider">{"Visibility "}</label>
                <input id="occlusion-slider" type="range" min="0" max={WHOLE_PCT.to_string()} step={BIN_WIDTH_PCT.to_string()}
                       value={slider.to_string()} oninput={on_slider} aria-valuetext={visibility_text(*slider)} />
                <output for="occlusion-slider" id="occlusion-slider-value">{visibility_text(*slider)}</output>
            </div>
            <p class="muted small">{
                if bin >= WHOLE_PCT { "The original pixels, as in the benchmark's unoccluded condition.".to_string() }
                else if upload { format!("The benchmark's bubble rule on your picture (seed 10 000 · {bin} + 0; visibility over the whole picture, bubble size scaled to {side} px).") }
                else if p.photos { format!("Exactly tang2018-occlusion-objects' mask for this photo in the {}–{} % bin (seed 10 000 · {} + stimulus index; visibility over the object's pixels, the background found from the border colour).", bin, bin + BIN_WIDTH_PCT, bin) }
                else if in_benchmark { format!("Exactly the benchmark's mask for this image in the {}–{} % bin (seed 10 000 · {} + image index).", bin, bin + BIN_WIDTH_PCT, bin) }
                else { format!("Same bubble rule, outside the benchmark's bins (people were tested up to {} %; nobody saw 60–65 %).", RunOptions::default().max_visibility_pct) }
            }</p>
            { images }
            { status }
        </section>
    }
}

#[cfg(target_arch = "wasm32")]
fn read_upload(
    input: HtmlInputElement,
    side: usize,
    picked: UseStateHandle<Picked>,
    error: UseStateHandle<Option<String>>,
) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    let name = file.name();
    spawn(async move {
        match super::occlusion_upload::decode_file(file, side).await {
            Ok(px) => {
                error.set(None);
                picked.set(Picked::Upload {
                    name,
                    pixels: Rc::new(px),
                    side,
                });
            }
            Err(e) => error.set(Some(e)),
        }
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn read_upload(
    _input: HtmlInputElement,
    _side: usize,
    _picked: UseStateHandle<Picked>,
    _error: UseStateHandle<Option<String>>,
) {
}
