//! A scatter plot of stimuli (sentences, words) with their text on hover and the
//! benchmark's least-squares line — used for predicted-vs-measured responses, reading time against
//! surprisal, and brain score against perplexity.

use std::rc::Rc;

use yew::prelude::*;

use super::palette::category;
use super::scale::{tick_label, ticks, Linear};

use brainprobe_benchmarks::views::Line;
/// One point: its hover text (rendered as text, never HTML) and coordinates — the
/// benchmarks' scatter point, drawn as it comes.
pub use brainprobe_benchmarks::views::ScatterPoint as Dot;

/// Properties of [`ScatterPlot`].
#[derive(Properties, PartialEq)]
pub struct ScatterPlotProps {
    /// DOM id of the `<svg>`.
    pub id: AttrValue,
    /// x axis label with unit.
    pub x_label: AttrValue,
    /// y axis label with unit.
    pub y_label: AttrValue,
    /// The points.
    pub dots: Rc<Vec<Dot>>,
    /// The line to draw through the points (the view's least-squares fit), if any.
    #[prop_or_default]
    pub fit: Option<Line>,
    /// Larger marks with their labels written beside them (a handful of points).
    #[prop_or_default]
    pub labelled: bool,
}

const W: f64 = 460.0;
const H: f64 = 300.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 42.0;

/// `(lo, hi)` of `values` padded by 5 % (a unit span around a single value).
pub fn padded_extent(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        return (lo - 0.5, hi + 0.5);
    }
    let pad = 0.05 * (hi - lo);
    (lo - pad, hi + pad)
}

/// The plot.
#[function_component(ScatterPlot)]
pub fn scatter_plot(p: &ScatterPlotProps) -> Html {
    let xr = padded_extent(p.dots.iter().map(|d| d.x));
    let yr = padded_extent(p.dots.iter().map(|d| d.y));
    let x = Linear {
        domain: xr,
        range: (LEFT, W - RIGHT),
    };
    let y = Linear {
        domain: yr,
        range: (H - BOTTOM, TOP),
    };
    let line = p.fit.map(|Line { slope, intercept: icept }| {
            let (x0, x1) = xr;
            html! {
                <line class="fit" x1={x.map(x0).to_string()} x2={x.map(x1).to_string()}
                      y1={y.map(icept + slope * x0).to_string()} y2={y.map(icept + slope * x1).to_string()}
                      stroke={category(1)} stroke-width="1.5" stroke-dasharray="5 3" />
            }
        });
    let radius = if p.labelled { "5" } else { "2.5" };
    html! {
        <svg id={p.id.clone()} class="plot scatter" viewBox={format!("0 0 {W} {H}")} role="img"
             aria-label={format!("{} against {}, {} points", p.y_label, p.x_label, p.dots.len())}>
            { for ticks(yr.0, yr.1, 5).into_iter().map(|t| html! {
                <g class="tick">
                    <line x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={y.map(t).to_string()} y2={y.map(t).to_string()} class="grid" />
                    <text x={(LEFT - 6.0).to_string()} y={(y.map(t) + 4.0).to_string()} text-anchor="end">{tick_label(t)}</text>
                </g>
            }) }
            { for ticks(xr.0, xr.1, 5).into_iter().map(|t| html! {
                <text class="tick" x={x.map(t).to_string()} y={(H - BOTTOM + 16.0).to_string()} text-anchor="middle">{tick_label(t)}</text>
            }) }
            <line class="axis" x1={LEFT.to_string()} x2={LEFT.to_string()} y1={TOP.to_string()} y2={(H - BOTTOM).to_string()} />
            <line class="axis" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={(H - BOTTOM).to_string()} y2={(H - BOTTOM).to_string()} />
            <text class="label" x={((LEFT + W - RIGHT) / 2.0).to_string()} y={(H - 6.0).to_string()} text-anchor="middle">{&p.x_label}</text>
            <text class="label" transform={format!("translate(12 {}) rotate(-90)", (TOP + H - BOTTOM) / 2.0)} text-anchor="middle">{&p.y_label}</text>
            <g class="dots" fill={category(0)} fill-opacity={if p.labelled { "0.9" } else { "0.45" }}>
                { for p.dots.iter().map(|d| html! {
                    <circle class="dot" cx={format!("{:.1}", x.map(d.x))} cy={format!("{:.1}", y.map(d.y))} r={radius} tabindex={p.labelled.then_some("0")}>
                        <title>{format!("{} — x {}, y {}", d.label, tick_label(d.x), tick_label(d.y))}</title>
                    </circle>
                }) }
            </g>
            if p.labelled {
                <g class="dot-labels">
                    { for p.dots.iter().map(|d| {
                        // Labels near the right edge go to the left of their point.
                        let (dx, anchor) = if x.map(d.x) > 0.75 * W { (-7.0, "end") } else { (7.0, "start") };
                        html! {
                            <text x={format!("{:.1}", x.map(d.x) + dx)} y={format!("{:.1}", y.map(d.y) - 6.0)} text-anchor={anchor}>{&d.label}</text>
                        }
                    }) }
                </g>
            }
            { for line }
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extent_pads_and_survives_degenerate_input() {
        assert_eq!(padded_extent([0.0, 10.0].into_iter()), (-0.5, 10.5));
        assert_eq!(padded_extent([3.0, 3.0].into_iter()), (2.5, 3.5));
        assert_eq!(padded_extent(std::iter::empty()), (0.0, 1.0));
        assert_eq!(padded_extent([f64::NAN, 1.0, 2.0].into_iter()).0, 0.95);
    }
}
