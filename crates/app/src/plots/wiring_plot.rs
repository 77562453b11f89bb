//! "Wiring up": a score against supervised updates on a log axis. Models with 0 updates
//! (untrained, weight-compressed) sit in an "at birth" column left of the axis, since 0
//! has no place on a log scale. Checkpoints of one run are joined by a line; each series
//! is one source (committed CLI results, or this browser).

use std::rc::Rc;

use yew::prelude::*;

use super::palette::category;
use super::scale::{log_ticks, tick_label, ticks, Linear, Log};

/// One model's point.
#[derive(Debug, Clone, PartialEq)]
pub struct WiringPoint {
    /// Model id.
    pub model: String,
    /// Supervised updates (training images seen).
    pub updates: u64,
    /// Score.
    pub value: f64,
    /// Joined to the other checkpoints by a line (false for variants such as -wc, -ct).
    pub checkpoint: bool,
}

/// One set of points.
#[derive(Debug, Clone, PartialEq)]
pub struct WiringSeries {
    /// Legend label (says where the numbers come from).
    pub name: String,
    /// Points.
    pub points: Vec<WiringPoint>,
}

/// Properties of [`WiringPlot`].
#[derive(Properties, PartialEq)]
pub struct WiringPlotProps {
    /// DOM id of the `<svg>`.
    pub id: AttrValue,
    /// y axis label (with units).
    pub y_label: AttrValue,
    /// The series.
    pub series: Rc<Vec<WiringSeries>>,
}

const W: f64 = 560.0;
const H: f64 = 300.0;
const LEFT: f64 = 52.0;
const BIRTH: f64 = 70.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 44.0;

/// The updates range of the log axis: the positive counts, padded to powers of ten.
pub fn updates_domain(series: &[WiringSeries]) -> (f64, f64) {
    let positive = series
        .iter()
        .flat_map(|s| &s.points)
        .filter(|p| p.updates > 0)
        .map(|p| p.updates as f64);
    let (lo, hi) = positive.fold((f64::MAX, 0.0f64), |(lo, hi), u| (lo.min(u), hi.max(u)));
    if hi <= 0.0 {
        return (1.0, 10.0);
    }
    (
        10f64.powf(lo.log10().floor()),
        10f64.powf(hi.log10().ceil()),
    )
}

/// The plot.
#[function_component(WiringPlot)]
pub fn wiring_plot(p: &WiringPlotProps) -> Html {
    let (u0, u1) = updates_domain(&p.series);
    let x = Log {
        domain: (u0, u1),
        range: (LEFT + BIRTH, W - RIGHT),
    };
    let birth_x = LEFT + BIRTH / 2.0;
    let xpos = |u: u64| if u == 0 { birth_x } else { x.map(u as f64) };
    let values = p.series.iter().flat_map(|s| &s.points).map(|p| p.value);
    let (lo, hi) = values.fold((0.0f64, 0.1f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let y = Linear {
        domain: (lo, hi * 1.08),
        range: (H - BOTTOM, TOP),
    };
    html! {
        <svg id={p.id.clone()} class="plot wiring-plot" viewBox={format!("0 0 {W} {H}")} role="img"
             aria-label={format!("{} against supervised updates", p.y_label)}>
            { for ticks(lo, hi * 1.08, 5).into_iter().map(|t| html! {
                <g class="tick">
                    <line class="grid" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={y.map(t).to_string()} y2={y.map(t).to_string()} />
                    <text x={(LEFT - 6.0).to_string()} y={(y.map(t) + 4.0).to_string()} text-anchor="end">{tick_label(t)}</text>
                </g>
            }) }
            { for log_ticks(u0, u1).into_iter().map(|t| html! {
                <text class="tick" x={x.map(t).to_string()} y={(H - BOTTOM + 16.0).to_string()} text-anchor="middle">{tick_label(t)}</text>
            }) }
            <text class="tick" x={birth_x.to_string()} y={(H - BOTTOM + 16.0).to_string()} text-anchor="middle">{"at birth"}</text>
            <line class="axis" x1={LEFT.to_string()} x2={LEFT.to_string()} y1={TOP.to_string()} y2={(H - BOTTOM).to_string()} />
            <line class="axis" x1={(LEFT + BIRTH).to_string()} x2={(W - RIGHT).to_string()} y1={(H - BOTTOM).to_string()} y2={(H - BOTTOM).to_string()} />
            <text class="label" x={((LEFT + W - RIGHT) / 2.0).to_string()} y={(H - 6.0).to_string()} text-anchor="middle">{"supervised updates (training images seen, log scale)"}</text>
            <text class="label" transform={format!("translate(14 {}) rotate(-90)", (TOP + H - BOTTOM) / 2.0)} text-anchor="middle">{&p.y_label}</text>
            { for p.series.iter().enumerate().map(|(k, s)| {
                let color = category(k);
                let mut line: Vec<&WiringPoint> = s.points.iter().filter(|p| p.checkpoint).collect();
                line.sort_by_key(|p| p.updates);
                let d = line.iter().enumerate().map(|(i, p)| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, xpos(p.updates), y.map(p.value))).collect::<String>();
                html! {
                    <g class="series" data-name={s.name.clone()}>
                        <path d={d} fill="none" stroke={color} stroke-width="2" stroke-dasharray={if k == 0 { "" } else { "5 3" }} />
                        { for s.points.iter().map(|pt| {
                            let (cx, cy) = (xpos(pt.updates), y.map(pt.value));
                            let label = pt.model.trim_start_matches("cornet-s-mini").trim_start_matches(['-', '@']);
                            let label = if label.is_empty() { "final" } else { label };
                            html! {
                                <g class="point" data-model={pt.model.clone()}>
                                    if pt.checkpoint {
                                        <circle cx={cx.to_string()} cy={cy.to_string()} r="4.5" fill={color} tabindex="0"><title>{format!("{}: {:.3} after {} updates ({})", pt.model, pt.value, pt.updates, s.name)}</title></circle>
                                    } else {
                                        <rect x={(cx - 5.0).to_string()} y={(cy - 5.0).to_string()} width="10" height="10" fill="none" stroke={color} stroke-width="2" tabindex="0"><title>{format!("{}: {:.3} after {} updates ({})", pt.model, pt.value, pt.updates, s.name)}</title></rect>
                                    }
                                    if k == 0 {
                                        <text class="point-label" x={(if cx > W - 70.0 { cx - 7.0 } else { cx + 7.0 }).to_string()} y={(cy - 6.0).to_string()} text-anchor={if cx > W - 70.0 { "end" } else { "start" }}>{label.to_string()}</text>
                                    }
                                </g>
                            }
                        }) }
                        <rect x={(LEFT + BIRTH + 10.0).to_string()} y={(TOP + 6.0 + 16.0 * k as f64).to_string()} width="12" height="3" fill={color} />
                        <text class="legend" x={(LEFT + BIRTH + 28.0).to_string()} y={(TOP + 11.0 + 16.0 * k as f64).to_string()}>{&s.name}</text>
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
    fn domain_pads_positive_updates_to_powers_of_ten() {
        let s = vec![WiringSeries {
            name: "x".into(),
            points: [0u64, 512, 199_680]
                .iter()
                .map(|&u| WiringPoint {
                    model: "m".into(),
                    updates: u,
                    value: 0.1,
                    checkpoint: true,
                })
                .collect(),
        }];
        assert_eq!(updates_domain(&s), (100.0, 1e6));
        assert_eq!(updates_domain(&[]), (1.0, 10.0));
    }
}
