//! The 92 Kriegeskorte images as thumbnails on the Vision page. Hovering (or focusing) one
//! shows it larger with its five nearest images in the model's RDM and in the brain's, so
//! a reader sees what the two geometries group together.

use std::rc::Rc;

use brainprobe_data::datasets::kriegeskorte::image_path;
use yew::prelude::*;

use crate::plots::rdm_heatmap::Matrix;
use crate::ASSETS_URL;

/// How many neighbours each side lists.
pub const NEIGHBOURS: usize = 5;

/// Indices of the `k` images least dissimilar to `i` in `rdm` (itself excluded; ties by
/// index, non-finite entries last).
pub fn nearest(rdm: &Matrix, i: usize, k: usize) -> Vec<usize> {
    if i >= rdm.nrows() {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..rdm.ncols()).filter(|&j| j != i).collect();
    let key = |j: usize| {
        let d = rdm[(i, j)];
        if d.is_finite() {
            d
        } else {
            f64::INFINITY
        }
    };
    order.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(a.cmp(&b)));
    order.truncate(k);
    order
}

/// Properties of [`StimulusGrid`].
#[derive(Properties, PartialEq)]
pub struct StimulusGridProps {
    /// Model RDM (92 × 92).
    pub model: Rc<Matrix>,
    /// Brain RDM (92 × 92).
    pub brain: Rc<Matrix>,
    /// Category of each image.
    pub categories: Rc<Vec<String>>,
    /// Label of the model RDM.
    pub model_label: AttrValue,
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
    let row = |rdm: &Matrix, label: String, id: &'static str| {
        html! {
            <div class="neighbours" id={id}>
                <p class="small">{label}</p>
                { for nearest(rdm, current, NEIGHBOURS).into_iter().map(|j| thumb(j, category(j), 40)) }
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
                    { row(&p.model, format!("closest in {}:", p.model_label), "neighbours-model") }
                    { row(&p.brain, "closest in the brain:".to_string(), "neighbours-brain") }
                </div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_excludes_itself_orders_by_distance_and_puts_nan_last() {
        let m = Matrix::from_shape_vec(
            (4, 4),
            vec![
                0.0,
                0.9,
                0.1,
                f64::NAN, //
                0.9,
                0.0,
                0.5,
                0.2, //
                0.1,
                0.5,
                0.0,
                0.3, //
                f64::NAN,
                0.2,
                0.3,
                0.0,
            ],
        )
        .expect("4 × 4");
        assert_eq!(nearest(&m, 0, 3), vec![2, 1, 3]);
        assert_eq!(nearest(&m, 1, 2), vec![3, 2]);
        assert!(nearest(&m, 9, 2).is_empty());
    }
}
