//! A representational dissimilarity matrix as an SVG heatmap, rank-transformed (percentiles)
//! for display as in Kriegeskorte et al. (2008), so the category structure is visible.

use std::rc::Rc;

use yew::prelude::*;

/// The square matrix type the heatmap takes.
pub type Matrix = ndarray::Array2<f64>;

/// Properties of [`RdmHeatmap`].
#[derive(Properties, PartialEq)]
pub struct RdmHeatmapProps {
    /// Caption.
    pub title: AttrValue,
    /// The RDM.
    pub values: Rc<Matrix>,
}

/// Percentile rank of every off-diagonal entry (0 = most similar, 1 = most dissimilar).
pub fn percentile_ranks(m: &Matrix) -> Matrix {
    let n = m.nrows();
    let mut off: Vec<f64> = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            if i != j {
                off.push(m[[i, j]]);
            }
        }
    }
    off.sort_by(f64::total_cmp);
    let denom = (off.len().max(2) - 1) as f64;
    m.indexed_iter()
        .fold(Matrix::zeros(m.raw_dim()), |mut out, ((i, j), &v)| {
            if i != j {
                out[[i, j]] = off.partition_point(|&x| x < v) as f64 / denom;
            }
            out
        })
}

/// Colour of a percentile: blue (similar) through yellow to red (dissimilar).
pub fn color(t: f64) -> String {
    let t = t.clamp(0.0, 1.0);
    let (r, g, b) = if t < 0.5 {
        let u = t / 0.5;
        (30.0 + u * 225.0, 90.0 + u * 150.0, 200.0 - u * 150.0)
    } else {
        let u = (t - 0.5) / 0.5;
        (255.0, 240.0 - u * 190.0, 50.0 - u * 20.0)
    };
    format!("rgb({},{},{})", r as u8, g as u8, b as u8)
}

/// The heatmap.
#[function_component(RdmHeatmap)]
pub fn rdm_heatmap(p: &RdmHeatmapProps) -> Html {
    let ranks = use_memo(p.values.clone(), |v| percentile_ranks(v));
    let n = ranks.nrows();
    html! {
        <figure class="rdm">
            <svg viewBox={format!("0 0 {n} {n}")} width="220" height="220" shape-rendering="crispEdges" role="img" aria-label={p.title.clone()}>
                { for ranks.indexed_iter().map(|((i, j), &t)| html! {
                    <rect x={j.to_string()} y={i.to_string()} width="1" height="1" fill={color(t)} />
                }) }
            </svg>
            <figcaption>{&p.title}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_span_zero_to_one_off_diagonal() {
        let m = ndarray::arr2(&[[0.0, 1.0, 3.0], [1.0, 0.0, 2.0], [3.0, 2.0, 0.0]]);
        let r = percentile_ranks(&m);
        assert_eq!(r[[0, 0]], 0.0);
        assert_eq!(r[[0, 1]], 0.0);
        assert_eq!(r[[0, 2]], 0.8);
        assert_eq!(r[[1, 2]], 0.4);
    }
}
