//! Thumbnails of the CIFAR-10 browser subset, drawn on a canvas from the u8 bundle array.

use std::rc::Rc;

use brainprobe_data::datasets::cifar::{CLASSES, SIDE};
use brainprobe_data::Bundle;
use yew::prelude::*;

/// Properties of [`CifarGrid`].
#[derive(Properties, Clone)]
pub struct CifarGridProps {
    /// The loaded bundle.
    pub bundle: Rc<Bundle>,
    /// Images shown per class (one row per class).
    pub per_class: usize,
}

impl PartialEq for CifarGridProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.bundle, &other.bundle) && self.per_class == other.per_class
    }
}

/// RGBA pixels of the grid: one row per class, `per_class` images each.
pub fn grid_rgba(bundle: &Bundle, per_class: usize) -> (usize, usize, Vec<u8>) {
    let set = &bundle.cifar_subset;
    let (w, h) = (per_class * SIDE, CLASSES.len() * SIDE);
    let mut out = vec![255u8; w * h * 4];
    for (class, _) in CLASSES.iter().enumerate() {
        let picks = set
            .labels
            .iter()
            .enumerate()
            .filter(|(_, &l)| l as usize == class)
            .map(|(i, _)| i)
            .take(per_class);
        for (col, i) in picks.enumerate() {
            for y in 0..SIDE {
                for x in 0..SIDE {
                    let o = ((class * SIDE + y) * w + col * SIDE + x) * 4;
                    for c in 0..3 {
                        out[o + c] = set.images[[i, y, x, c]];
                    }
                }
            }
        }
    }
    (w, h, out)
}

/// The thumbnail grid with class names.
#[function_component(CifarGrid)]
pub fn cifar_grid(props: &CifarGridProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        let props = props.clone();
        use_effect_with(props.per_class, move |_| {
            draw(&canvas, &props);
        });
    }
    html! {
        <div class="cifar-grid">
            <canvas ref={canvas} class="pixelated" />
            <ol class="class-names">{ for CLASSES.iter().map(|c| html! { <li>{c}</li> }) }</ol>
        </div>
    }
}

fn draw(canvas: &NodeRef, props: &CifarGridProps) {
    let (w, h, rgba) = grid_rgba(&props.bundle, props.per_class);
    super::pixel_canvas::paint_rgba(canvas, &rgba, w, h);
}
