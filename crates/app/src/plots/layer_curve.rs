//! Score per layer: one point per recorded layer (categorical x axis, in recording order),
//! ± error bars, the noise-ceiling band (e.g. Nili lower–upper bound) shaded behind, and
//! the committed layer marked. Undefined layers are drawn as gaps with a hollow marker.

use std::rc::Rc;

use yew::prelude::*;

use super::palette::category;
use super::scale::{tick_label, ticks, Linear};

pub use brainprobe_benchmarks::views::LayerPoint;

/// Properties of [`LayerCurve`].
#[derive(Properties, PartialEq)]
pub struct LayerCurveProps {
    /// DOM id of the `<svg>`.
    pub id: AttrValue,
    /// y axis label (with units).
    pub y_label: AttrValue,
    /// Points in layer order.
    pub points: Rc<Vec<LayerPoint>>,
    /// Shaded band `(lower, upper, label)`, e.g. the noise ceiling.
    #[prop_or_default]
    pub band: Option<(f64, f64, AttrValue)>,
    /// Layer to mark as the committed (headline) one.
    #[prop_or_default]
    pub committed: Option<AttrValue>,
}

const W: f64 = 520.0;
const H: f64 = 280.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 64.0;

/// The y range that shows every point, error bar and band, with 0 included.
pub fn y_extent(points: &[LayerPoint], band: Option<(f64, f64)>) -> (f64, f64) {
    let mut lo: f64 = 0.0;
    let mut hi: f64 = 0.1;
    for p in points {
        if let Some(v) = p.value {
            lo = lo.min(v - p.error);
            hi = hi.max(v + p.error);
        }
    }
    if let Some((a, b)) = band {
        lo = lo.min(a);
        hi = hi.max(b);
    }
    let pad = 0.05 * (hi - lo);
    (lo - if lo < 0.0 { pad } else { 0.0 }, hi + pad)
}

/// The plot.
#[function_component(LayerCurve)]
pub fn layer_curve(p: &LayerCurveProps) -> Html {
    let n = p.points.len().max(1);
    let band = p.band.as_ref().map(|(a, b, _)| (*a, *b));
    let (y0, y1) = y_extent(&p.points, band);
    let step = (W - LEFT - RIGHT) / n as f64;
    let x = |i: usize| LEFT + step * (i as f64 + 0.5);
    let y = Linear {
        domain: (y0, y1),
        range: (H - BOTTOM, TOP),
    };
    let color = category(0);
    let mut path = String::new();
    let mut pen_down = false;
    for (i, pt) in p.points.iter().enumerate() {
        match pt.value {
            Some(v) => {
                path.push_str(&format!(
                    "{}{:.1},{:.1}",
                    if pen_down { "L" } else { "M" },
                    x(i),
                    y.map(v)
                ));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    html! {
        <svg id={p.id.clone()} class="plot layer-curve" viewBox={format!("0 0 {W} {H}")} role="img"
             aria-label={format!("{} per layer", p.y_label)}>
            { for p.band.iter().map(|(a, b, label)| html! {
                <g class="band">
                    <rect x={LEFT.to_string()} width={(W - LEFT - RIGHT).to_string()} y={y.map(*b).to_string()}
                          height={(y.map(*a) - y.map(*b)).max(0.0).to_string()}>
                        <title>{format!("{label}: {a:.3} – {b:.3}")}</title>
                    </rect>
                    <text x={(W - RIGHT - 4.0).to_string()} y={(y.map(*b) - 4.0).to_string()} text-anchor="end">{label.clone()}</text>
                </g>
            }) }
            { for ticks(y0, y1, 5).into_iter().map(|t| html! {
                <g class="tick">
                    <line class="grid" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={y.map(t).to_string()} y2={y.map(t).to_string()} />
                    <text x={(LEFT - 6.0).to_string()} y={(y.map(t) + 4.0).to_string()} text-anchor="end">{tick_label(t)}</text>
                </g>
            }) }
            <line class="axis" x1={LEFT.to_string()} x2={LEFT.to_string()} y1={TOP.to_string()} y2={(H - BOTTOM).to_string()} />
            <line class="axis" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={(H - BOTTOM).to_string()} y2={(H - BOTTOM).to_string()} />
            <text class="label" x={((LEFT + W - RIGHT) / 2.0).to_string()} y={(H - 6.0).to_string()} text-anchor="middle">{"layer (recording order; .tN = time step N)"}</text>
            <text class="label" transform={format!("translate(14 {}) rotate(-90)", (TOP + H - BOTTOM) / 2.0)} text-anchor="middle">{&p.y_label}</text>
            <path d={path} fill="none" stroke={color} stroke-width="2" />
            { for p.points.iter().enumerate().map(|(i, pt)| {
                let committed = p.committed.as_deref() == Some(pt.layer.as_str());
                html! {
                    <g class={classes!("mark", committed.then_some("committed"))} data-layer={pt.layer.clone()}>
                        <text class="tick" transform={format!("translate({:.1} {}) rotate(-40)", x(i), H - BOTTOM + 14.0)} text-anchor="end">{&pt.layer}</text>
                        { match pt.value {
                            Some(v) => html! {
                                <>
                                    if pt.error > 0.0 {
                                        <line x1={x(i).to_string()} x2={x(i).to_string()} y1={y.map(v - pt.error).to_string()} y2={y.map(v + pt.error).to_string()} stroke={color} />
                                    }
                                    <circle cx={x(i).to_string()} cy={y.map(v).to_string()} r={if committed { "6" } else { "4" }} fill={color} tabindex="0">
                                        <title>{format!("{}: {v:.3} ± {:.3}{}", pt.layer, pt.error, if committed { " (committed layer)" } else { "" })}</title>
                                    </circle>
                                </>
                            },
                            None => html! {
                                <circle class="undefined" cx={x(i).to_string()} cy={y.map(y0.max(0.0)).to_string()} r="4" fill="none" stroke={color} tabindex="0">
                                    <title>{format!("{}: undefined (constant features)", pt.layer)}</title>
                                </circle>
                            },
                        } }
                    </g>
                }
            }) }
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extent_covers_points_errors_and_band() {
        let pts = vec![
            LayerPoint {
                layer: "V1".into(),
                value: Some(0.2),
                error: 0.05,
            },
            LayerPoint {
                layer: "IT".into(),
                value: None,
                error: 0.0,
            },
        ];
        let (lo, hi) = y_extent(&pts, Some((0.37, 0.67)));
        assert_eq!(lo, 0.0);
        assert!(hi >= 0.67);
        let (lo, _) = y_extent(
            &[LayerPoint {
                layer: "x".into(),
                value: Some(-0.1),
                error: 0.0,
            }],
            None,
        );
        assert!(lo < -0.1);
    }
}
