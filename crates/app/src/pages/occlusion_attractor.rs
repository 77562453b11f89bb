//! The attractor view of the Occlusion page (`tang2018-attractor` on CIFAR-10: a Hopfield
//! network storing one prototype per class; `tang2018-attractor-objects` on the photos: one
//! pattern per whole photo) is started from an occluded image's binarised penultimate
//! features and updated sweep by sweep; the animation steps through the sweeps and shows
//! the readout accuracy per visibility bin against the model's feedforward readout. The
//! numbers are the committed CLI run's (labelled so): the CIFAR-10 benchmark needs training
//! images the browser bundle does not hold, and the photo benchmark's 1 932 forward passes
//! are long in a browser — one photo's run is live below ([`super::occlusion_trace`]).

use std::rc::Rc;

use brainprobe_benchmarks::score::Details;
use brainprobe_benchmarks::views::vision::mean_sweeps_to_settle;
use brainprobe_benchmarks::vision::attractor::{AttractorBin, AttractorDetails};
use brainprobe_benchmarks::vision::occlusion::Answers;
use yew::prelude::*;

use super::occlusion::legend;
use crate::committed::committed_score;
use crate::components::sweep_animation::use_sweep_animation;
use crate::plots::line_plot::{LinePlot, Series};
use crate::plots::palette::category;

/// The benchmark shown on CIFAR-10 images.
pub const BENCHMARK: &str = "tang2018-attractor";
/// The benchmark shown on the object photos.
pub const OBJECTS_BENCHMARK: &str = "tang2018-attractor-objects";
/// Sweeps animated (the state has settled long before: see `mean_sweeps_to_settle`).
pub const SHOWN_SWEEPS: usize = 12;

/// Properties of [`AttractorSection`].
#[derive(Properties, PartialEq)]
pub struct AttractorProps {
    /// Model whose committed run is shown.
    pub model: AttrValue,
    /// [`BENCHMARK`] or [`OBJECTS_BENCHMARK`].
    pub benchmark: AttrValue,
}

/// Where a condition sits on the visibility axis: the bin centre, 100 for whole images.
fn x_of(b: &AttractorBin) -> f64 {
    if b.hi_pct >= 100.0 {
        100.0
    } else {
        (b.lo_pct + b.hi_pct) / 2.0
    }
}

/// The bins, then the whole images.
fn conditions(d: &AttractorDetails) -> impl Iterator<Item = &AttractorBin> {
    d.bins.iter().chain(std::iter::once(&d.whole))
}

/// Accuracy-vs-sweep series, one per visibility bin and one for the whole images, up to
/// sweep `upto`.
pub fn sweep_series(d: &AttractorDetails, upto: usize) -> Vec<Series> {
    conditions(d)
        .enumerate()
        .map(|(k, b)| Series {
            name: if b.hi_pct >= 100.0 {
                "whole images".to_string()
            } else {
                format!("{}–{} % visible", b.lo_pct, b.hi_pct)
            },
            color: category(k).to_string(),
            points: b
                .accuracy_by_step
                .iter()
                .take(upto + 1)
                .enumerate()
                .map(|(s, &a)| (s as f64, 100.0 * a, 0.0))
                .collect(),
        })
        .collect()
}

/// Accuracy-vs-visibility series: the feedforward readout and the attractor after `sweep`,
/// every bin at its centre and the whole images at 100.
pub fn bin_series(d: &AttractorDetails, sweep: usize) -> Vec<Series> {
    vec![
        Series {
            name: "feedforward readout (logits)".into(),
            color: category(0).to_string(),
            points: conditions(d)
                .map(|b| (x_of(b), 100.0 * b.feedforward, 0.0))
                .collect(),
        },
        Series {
            name: format!(
                "attractor after {sweep} sweep{}",
                if sweep == 1 { "" } else { "s" }
            ),
            color: category(1).to_string(),
            points: conditions(d)
                .map(|b| {
                    let a = b
                        .accuracy_by_step
                        .get(sweep)
                        .or(b.accuracy_by_step.last())
                        .copied()
                        .unwrap_or(f64::NAN);
                    (x_of(b), 100.0 * a, 0.0)
                })
                .collect(),
        },
    ]
}

/// The degenerate-answer flags of both readouts (METRICS §10.5): the conditions where one
/// class takes ≥ 50 % of the answers.
pub fn flags(d: &AttractorDetails) -> Vec<String> {
    let name = |b: &AttractorBin| {
        if b.hi_pct >= 100.0 {
            "whole images".to_string()
        } else {
            format!("{}–{} %", b.lo_pct, b.hi_pct)
        }
    };
    let line = |who: &str, pick: fn(&AttractorBin) -> &Answers| {
        let hit: Vec<String> = conditions(d)
            .filter(|b| pick(b).collapsed)
            .map(|b| {
                let a = pick(b);
                format!("{} ({} {:.0} %)", name(b), a.top_class, 100.0 * a.top_share)
            })
            .collect();
        (!hit.is_empty()).then(|| {
            format!(
                "{who}: answers collapse to one class (≥ 50 % of the answers) in {} of {} conditions: {}",
                hit.len(),
                d.bins.len() + 1,
                hit.join(", ")
            )
        })
    };
    [
        line("feedforward readout", |b| &b.feedforward_answers),
        line("attractor after the last sweep", |b| &b.attractor_answers),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Upper end of a y axis in percent holding every accuracy of `d` (at least 20 %, rounded
/// up to a multiple of 10).
pub fn y_top(d: &AttractorDetails) -> f64 {
    let max = conditions(d)
        .flat_map(|b| b.accuracy_by_step.iter().chain([&b.feedforward]))
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.2, f64::max);
    ((max * 10.0).ceil() * 10.0).min(100.0)
}

/// The section.
#[function_component(AttractorSection)]
pub fn attractor_section(p: &AttractorProps) -> Html {
    let benchmark = p.benchmark.as_str();
    let photos = benchmark == OBJECTS_BENCHMARK;
    let score = committed_score(&p.model, benchmark);
    let last = match score.and_then(|s| s.details.as_ref()) {
        Some(Details::Attractor(d)) => SHOWN_SWEEPS.min(d.steps),
        _ => 0,
    };
    let anim = use_sweep_animation(last);
    let title = html! { <h3 id="attractor-title">{"Attractor readout over Hopfield sweeps"}</h3> };
    let Some(score) = score else {
        return html! {
            <section class="occlusion-attractor" aria-labelledby="attractor-title">
                { title }
                <p class="muted" id="attractor-status">{
                    if photos { format!("No committed CLI run of {benchmark} for {} (`brainprobe score --model {} --benchmark {benchmark}`); one photo's run can be computed below.", p.model, p.model) }
                    else { format!("No committed CLI run of {benchmark} for {}: it needs the CIFAR-10 training images, so it runs only in the CLI (`brainprobe score --model {} --benchmark {benchmark}`).", p.model, p.model) }
                }</p>
            </section>
        };
    };
    let Some(Details::Attractor(d)) = &score.details else {
        return html! {};
    };
    let now = anim.now;
    let top = y_top(d);
    let chance = if photos { 100.0 / 6.0 } else { 10.0 };
    let bins = Rc::new(bin_series(d, now));
    let sweeps = Rc::new(sweep_series(d, now));
    html! {
        <section class="occlusion-attractor" aria-labelledby="attractor-title">
            { title }
            if photos {
                <p class="lead">{format!("The {}-unit penultimate features of each occluded photo, binarised against their means over the 92 whole photos, start a Hopfield network that stores the {} whole photos' patterns. Each sweep updates every unit once; the state is read out by a linear category readout fitted on the other 91 photos' patterns. Step 0 is that readout with no dynamics.", d.units, d.patterns)}</p>
                <p class="provenance muted" id="attractor-source">{format!("Committed CLI run (results/leaderboard.json) of {} on {} ({benchmark}).", score.model.id, score.model.device)}</p>
            } else {
                <p class="lead">{format!("The {}-unit decoder features of each occluded image, binarised, start a Hopfield network that stores one prototype per class ({} patterns from {} training images). Each sweep updates every unit once; the state is read out as its nearest prototype. Step 0 is that readout with no dynamics.", d.units, d.patterns, d.train_images)}</p>
                <p class="provenance muted" id="attractor-source">{format!("Committed CLI run (results/leaderboard.json) of {} on {}: this benchmark needs CIFAR-10 training images, which the browser bundle does not hold.", score.model.id, score.model.device)}</p>
            }
            { anim.controls("attractor") }
            <div class="plot-pair">
                <div class="plot-with-legend">
                    <LinePlot id="attractor-bins-plot" x_label={format!("visibility (% of pixels visible): bins 0–{} %, whole images at 100", d.bins.last().map_or(0.0, |b| b.hi_pct))} y_label="accuracy (% correct)"
                              series={bins.clone()} x_range={(0.0, 100.0)} y_range={(0.0, top)} chance={chance} legend={false} />
                    { legend("attractor-bins-legend", &bins) }
                </div>
                <div class="plot-with-legend">
                    <LinePlot id="attractor-steps-plot" x_label="Hopfield sweeps" y_label="attractor accuracy (% correct)"
                              series={sweeps.clone()} x_range={(0.0, last as f64)} y_range={(0.0, top)} chance={chance} legend={false} />
                    { legend("attractor-steps-legend", &sweeps) }
                </div>
            </div>
            <ul class="facts">
                <li id="attractor-verdict" data-value={score.value.get().map(|v| format!("{v:.6}")).unwrap_or_default()}>{format!("headline (attractor accuracy below 15 % visibility after {} sweeps): {:.3} — {}", d.steps, score.value.get().unwrap_or(f64::NAN), d.verdict)}</li>
                <li>{format!("below 15 %: feedforward {:.1} %, step 0 {:.1} %, final {:.1} %", 100.0 * d.low_feedforward, 100.0 * d.low_step0, 100.0 * d.low_final)}</li>
                { for flags(d).into_iter().map(|f| html! { <li class="warning">{f}</li> }) }
                <li>{format!("the state settles after {:.1} sweeps on average (unoccluded: {:.1}); later sweeps change nothing, so {last} are animated of {}", mean_sweeps_to_settle(d), d.whole.mean_sweeps_to_settle, d.steps)}</li>
            </ul>
            <details><summary>{"Notes of the score"}</summary>
                <ul class="facts">{ for score.notes.iter().map(|n| html! { <li class="note">{n}</li> }) }</ul>
            </details>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bin(lo: f64, acc: Vec<f64>) -> AttractorBin {
        AttractorBin {
            lo_pct: lo,
            hi_pct: lo + 5.0,
            feedforward: 0.3,
            accuracy_by_step: acc,
            mean_sweeps_to_settle: 1.0,
            feedforward_answers: Answers::default(),
            attractor_answers: Answers::default(),
        }
    }

    #[test]
    fn animation_frames_grow_and_hold_the_last_value() {
        let d = AttractorDetails {
            units: 4,
            patterns: 2,
            train_images: 10,
            steps: 3,
            whole: AttractorBin {
                hi_pct: 100.0,
                ..bin(0.0, vec![0.5; 4])
            },
            bins: vec![
                bin(0.0, vec![0.1, 0.2, 0.25, 0.25]),
                bin(5.0, vec![0.2, 0.4, 0.5, 0.5]),
            ],
            low_feedforward: 0.3,
            low_step0: 0.1,
            low_final: 0.25,
            gain: (0.0, 0.0),
            verdict: String::new(),
        };
        let s = sweep_series(&d, 1);
        assert_eq!(s.len(), 3, "two bins and the whole images");
        assert_eq!(s[1].points, vec![(0.0, 20.0, 0.0), (1.0, 40.0, 0.0)]);
        let b = bin_series(&d, 99);
        assert_eq!(b[1].points[1].1, 50.0, "past the end: the last sweep");
        assert_eq!(b[0].points[0], (2.5, 30.0, 0.0));
        assert_eq!(b[1].points[2], (100.0, 50.0, 0.0), "whole images at 100 %");
        assert!(flags(&d).is_empty());
        let mut d = d;
        d.whole.attractor_answers = Answers {
            n: 10,
            correct: 1,
            top_class: "ship".into(),
            top_share: 0.5,
            collapsed: true,
        };
        assert_eq!(
            flags(&d),
            vec!["attractor after the last sweep: answers collapse to one class (≥ 50 % of the answers) in 1 of 3 conditions: whole images (ship 50 %)".to_string()]
        );
        assert_eq!(y_top(&d), 50.0);
    }
}
