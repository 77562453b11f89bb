//! A line plot with error bars, a legend and an optional chance line — used for
//! accuracy-vs-visibility curves and per-layer score curves.

use std::rc::Rc;

use yew::prelude::*;

use super::scale::{ticks, Linear};

/// One curve: `(x, y, error)` points, error drawn as ± bars (0 = none).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// CSS colour.
    pub color: String,
    /// Points in x order.
    pub points: Vec<(f64, f64, f64)>,
}

/// Properties of [`LinePlot`].
#[derive(Properties, PartialEq)]
pub struct LinePlotProps {
    /// DOM id of the `<svg>`.
    pub id: AttrValue,
    /// x axis label.
    pub x_label: AttrValue,
    /// y axis label.
    pub y_label: AttrValue,
    /// The curves.
    pub series: Rc<Vec<Series>>,
    /// x data range.
    pub x_range: (f64, f64),
    /// y data range.
    pub y_range: (f64, f64),
    /// Draws a dashed horizontal line at this y (e.g. chance accuracy).
    #[prop_or_default]
    pub chance: Option<f64>,
    /// Draws the legend inside the plot (off when the page draws its own).
    #[prop_or(true)]
    pub legend: bool,
}

const W: f64 = 420.0;
const H: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 40.0;

/// The plot.
#[function_component(LinePlot)]
pub fn line_plot(p: &LinePlotProps) -> Html {
    let x = Linear {
        domain: p.x_range,
        range: (LEFT, W - RIGHT),
    };
    let y = Linear {
        domain: p.y_range,
        range: (H - BOTTOM, TOP),
    };
    let x_ticks = ticks(p.x_range.0, p.x_range.1, 5);
    let y_ticks = ticks(p.y_range.0, p.y_range.1, 5);
    html! {
        <svg id={p.id.clone()} class="plot" viewBox={format!("0 0 {W} {H}")} role="img" aria-label={format!("{} against {}", p.y_label, p.x_label)}>
            { for y_ticks.iter().map(|&t| html! {
                <g class="tick">
                    <line x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={y.map(t).to_string()} y2={y.map(t).to_string()} class="grid" />
                    <text x={(LEFT - 6.0).to_string()} y={(y.map(t) + 4.0).to_string()} text-anchor="end">{format!("{t:.1}")}</text>
                </g>
            }) }
            { for x_ticks.iter().map(|&t| html! {
                <text class="tick" x={x.map(t).to_string()} y={(H - BOTTOM + 16.0).to_string()} text-anchor="middle">{format!("{t}")}</text>
            }) }
            <line class="axis" x1={LEFT.to_string()} x2={LEFT.to_string()} y1={TOP.to_string()} y2={(H - BOTTOM).to_string()} />
            <line class="axis" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={(H - BOTTOM).to_string()} y2={(H - BOTTOM).to_string()} />
            <text class="label" x={((LEFT + W - RIGHT) / 2.0).to_string()} y={(H - 6.0).to_string()} text-anchor="middle">{&p.x_label}</text>
            <text class="label" transform={format!("translate(12 {}) rotate(-90)", (TOP + H - BOTTOM) / 2.0)} text-anchor="middle">{&p.y_label}</text>
            { for p.chance.iter().map(|&c| html! {
                <g class="chance">
                    <line x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={y.map(c).to_string()} y2={y.map(c).to_string()} />
                    <text x={(W - RIGHT - 4.0).to_string()} y={(y.map(c) - 4.0).to_string()} text-anchor="end">{"chance"}</text>
                </g>
            }) }
            { for p.series.iter().enumerate().map(|(k, s)| {
                let path = s.points.iter().enumerate().map(|(i, &(px, py, _))| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, x.map(px), y.map(py))).collect::<String>();
                html! {
                    <g class="series" data-name={s.name.clone()}>
                        <path d={path} fill="none" stroke={s.color.clone()} stroke-width="2" />
                        { for s.points.iter().map(|&(px, py, e)| html! {
                            <g>
                                if e > 0.0 {
                                    <line x1={x.map(px).to_string()} x2={x.map(px).to_string()} y1={y.map(py - e).to_string()} y2={y.map(py + e).to_string()} stroke={s.color.clone()} />
                                }
                                <circle class="mark" cx={x.map(px).to_string()} cy={y.map(py).to_string()} r="3" fill={s.color.clone()} tabindex="0"><title>{format!("{}: {px:.1}, {py:.3} ± {e:.3}", s.name)}</title></circle>
                            </g>
                        }) }
                        if p.legend {
                            <rect x={(LEFT + 10.0).to_string()} y={(TOP + 6.0 + 16.0 * k as f64).to_string()} width="12" height="3" fill={s.color.clone()} />
                            <text class="legend" x={(LEFT + 28.0).to_string()} y={(TOP + 11.0 + 16.0 * k as f64).to_string()}>{&s.name}</text>
                        }
                    </g>
                }
            }) }
        </svg>
    }
}
