//! A 92 × 92 RDM on a `<canvas>` (8 464 SVG rects are too heavy), rank-transformed for
//! display as in Kriegeskorte et al. (2008), with lines at category boundaries, category
//! labels, a colour bar and a tooltip naming the hovered pair.

use std::rc::Rc;

use yew::prelude::*;

use super::palette::ramp;
use super::rdm_heatmap::{percentile_ranks, Matrix};
use crate::components::pixel_canvas::paint_rgba;

/// Properties of [`RdmCanvas`].
#[derive(Properties, PartialEq)]
pub struct RdmCanvasProps {
    /// DOM id of the figure.
    pub id: AttrValue,
    /// Caption.
    pub title: AttrValue,
    /// The square RDM.
    pub values: Rc<Matrix>,
    /// Category of each row (boundaries drawn where it changes).
    pub categories: Rc<Vec<String>>,
}

/// Indices where the category changes (row `i` starts a new block), plus each block's
/// `(start, end, name)`.
pub fn category_blocks(categories: &[String]) -> Vec<(usize, usize, String)> {
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    for (i, c) in categories.iter().enumerate() {
        match out.last_mut() {
            Some(last) if &last.2 == c => last.1 = i + 1,
            _ => out.push((i, i + 1, c.clone())),
        }
    }
    out
}

/// RGBA pixels of the rank-transformed matrix (row-major, one pixel per cell).
pub fn rgba(ranks: &Matrix) -> Vec<u8> {
    ranks
        .iter()
        .flat_map(|&t| {
            let (r, g, b) = ramp(t);
            [r, g, b, 255]
        })
        .collect()
}

/// The heatmap.
#[function_component(RdmCanvas)]
pub fn rdm_canvas(p: &RdmCanvasProps) -> Html {
    let ranks = use_memo(p.values.clone(), |v| percentile_ranks(v));
    let canvas = use_node_ref();
    let hover = use_state(|| None::<(usize, usize)>);
    {
        let canvas = canvas.clone();
        let ranks = ranks.clone();
        use_effect_with(ranks, move |r| {
            let n = r.nrows();
            paint_rgba(&canvas, &rgba(r), n, n);
        });
    }
    let n = ranks.nrows().max(1);
    let blocks = category_blocks(&p.categories);
    let size = 240.0;
    let cell = size / n as f64;
    let on_move = {
        let hover = hover.clone();
        Callback::from(move |e: MouseEvent| {
            let (x, y) = (e.offset_x() as f64, e.offset_y() as f64);
            let (i, j) = ((y / cell) as usize, (x / cell) as usize);
            hover.set((i < n && j < n).then_some((i, j)));
        })
    };
    let on_leave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    let tip = match *hover {
        Some((i, j)) => {
            let cat = |k: usize| p.categories.get(k).cloned().unwrap_or_default();
            let raw = p.values.get((i, j)).copied().unwrap_or(f64::NAN);
            format!(
                "image {} ({}) × image {} ({}): dissimilarity {raw:.3}, percentile {:.0}",
                i + 1,
                cat(i),
                j + 1,
                cat(j),
                100.0 * ranks.get((i, j)).copied().unwrap_or(0.0)
            )
        }
        None => "Hover a cell to see the pair of images.".into(),
    };
    html! {
        <figure class="rdm" id={p.id.clone()}>
            <figcaption>{&p.title}</figcaption>
            <div class="rdm-frame" style={format!("width:{size}px;height:{size}px")}>
                <canvas ref={canvas} width={n.to_string()} height={n.to_string()}
                    style={format!("width:{size}px;height:{size}px")}
                    role="img" aria-label={format!("{} (rank-transformed dissimilarities, {n} × {n})", p.title)}
                    onmousemove={on_move} onmouseleave={on_leave}></canvas>
                <svg class="rdm-bounds" viewBox={format!("0 0 {n} {n}")} width={size.to_string()} height={size.to_string()} aria-hidden="true">
                    { for blocks.iter().skip(1).map(|(start, _, _)| html! {
                        <>
                            <line x1={start.to_string()} x2={start.to_string()} y1="0" y2={n.to_string()} />
                            <line y1={start.to_string()} y2={start.to_string()} x1="0" x2={n.to_string()} />
                        </>
                    }) }
                </svg>
            </div>
            <p class="rdm-tip">{tip}</p>
        </figure>
    }
}

/// The legend shared by side-by-side heatmaps: colour bar and category blocks.
#[function_component(RdmLegend)]
pub fn rdm_legend(p: &RdmLegendProps) -> Html {
    let blocks = category_blocks(&p.categories);
    html! {
        <div class="rdm-legend">
            <div class="colorbar" aria-hidden="true"
                style={format!("background: linear-gradient(to right, {})", (0..=4).map(|k| super::palette::ramp_css(k as f64 / 4.0)).collect::<Vec<_>>().join(", "))}></div>
            <p class="colorbar-labels"><span>{"similar (0th percentile)"}</span><span>{"dissimilar (100th)"}</span></p>
            <ol class="category-blocks">
                { for blocks.iter().map(|(s, e, name)| html! { <li>{format!("images {}–{}: {name}", s + 1, e)}</li> }) }
            </ol>
        </div>
    }
}

/// Properties of [`RdmLegend`].
#[derive(Properties, PartialEq)]
pub struct RdmLegendProps {
    /// Category of each row.
    pub categories: Rc<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_follow_category_changes() {
        let c: Vec<String> = ["a", "a", "b", "c", "c"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            category_blocks(&c),
            vec![
                (0, 2, "a".to_string()),
                (2, 3, "b".to_string()),
                (3, 5, "c".to_string())
            ]
        );
        assert!(category_blocks(&[]).is_empty());
    }

    #[test]
    fn rgba_has_four_bytes_per_cell() {
        let m = Matrix::zeros((3, 3));
        assert_eq!(rgba(&m).len(), 36);
    }
}
