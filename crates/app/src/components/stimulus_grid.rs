//! The 92 Kriegeskorte images as thumbnails on the Vision page. Hovering (or focusing) one
//! shows it larger with its five nearest images in the model's RDM and in the brain's (as
//! the benchmark's run lists them), so a reader sees what the two geometries group together;
//! for an ImageNet network also its five most probable ImageNet classes for the image.

use std::rc::Rc;

use brainprobe_benchmarks::views::{ClassGuess, Neighbours};
use brainprobe_data::datasets::kriegeskorte::image_path;
use yew::prelude::*;

use crate::ASSETS_URL;

/// Properties of [`StimulusGrid`].
#[derive(Properties, PartialEq)]
pub struct StimulusGridProps {
    /// Each image's nearest images in the model RDM and in the brain RDM.
    pub neighbours: Rc<Neighbours>,
    /// Category of each image.
    pub categories: Rc<Vec<String>>,
    /// Label of the model RDM.
    pub model_label: AttrValue,
    /// Each image's most probable ImageNet classes (ImageNet networks only).
    #[prop_or_default]
    pub top_classes: Option<Rc<Vec<Vec<ClassGuess>>>>,
}

fn thumb(i: usize, category: &str, size: u32) -> Html {
    html! {
        <img src={format!("{ASSETS_URL}/{}", image_path(i))} alt={format!("image {i}: {category}")}
             title={format!("image {i}: {category}")} width={size.to_string()} height={size.to_string()} loading="lazy" />
    }
}

/// The grid and the hover panel.
#[function_component(StimulusGrid)]
pub fn stimulus_grid(p: &StimulusGridProps) -> Html {
    let hovered = use_state(|| 0usize);
    let category = |i: usize| p.categories.get(i).map_or("", String::as_str);
    let current = *hovered;
    let row = |nearest: &[Vec<usize>], label: String, id: &'static str| {
        html! {
            <div class="neighbours" id={id}>
                <p class="small">{label}</p>
                { for nearest.get(current).into_iter().flatten().map(|&j| thumb(j, category(j), 40)) }
            </div>
        }
    };
    html! {
        <div class="stimulus-grid">
            <div class="image-grid" id="vision-thumbnails">
                { for (0..p.categories.len()).map(|i| {
                    let on = { let hovered = hovered.clone(); Callback::from(move |_: MouseEvent| hovered.set(i)) };
                    let on_focus = { let hovered = hovered.clone(); Callback::from(move |_: FocusEvent| hovered.set(i)) };
                    html! {
                        <button class={classes!("thumb", (i == current).then_some("current"))} onmouseenter={on} onfocus={on_focus}
                                aria-label={format!("image {i}: {}", category(i))}>
                            { thumb(i, category(i), 36) }
                        </button>
                    }
                }) }
            </div>
            <div class="hover-panel" aria-live="polite">
                { thumb(current, category(current), 96) }
                <div>
                    <p><b>{format!("image {current}")}</b>{format!(" — {}", category(current))}</p>
                    { row(&p.neighbours.model, format!("closest in {}:", p.model_label), "neighbours-model") }
                    { row(&p.neighbours.brain, "closest in the brain:".to_string(), "neighbours-brain") }
                    { for p.top_classes.as_ref().and_then(|t| t.get(current)).map(|guesses| html! {
                        <p class="small" id="image-top-classes">
                            {"ImageNet top 5: "}
                            { guesses.iter().map(|g| format!("{} {:.1} %", g.name, 100.0 * g.probability)).collect::<Vec<_>>().join(" · ") }
                        </p>
                    }) }
                </div>
            </div>
        </div>
    }
}
