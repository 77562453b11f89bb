//! "Wiring up" on the Vision page: IT RSA against supervised updates for cornet-s-mini's
//! checkpoints and its at-birth variants (Geiger et al. 2022). The committed numbers come
//! from the CLI's `brainprobe wiring-up` (results/wiring-up.json, compiled in and labelled
//! so); "Compute here" reruns the same benchmark for every model in the worker and draws
//! the browser's points beside them.

use std::rc::Rc;

use brainprobe_benchmarks::vision::wiring_up::MODELS;
use yew::prelude::*;

use crate::committed::wiring_up;
use crate::plots::wiring_plot::{WiringPlot, WiringPoint, WiringSeries};
use crate::state::Runs;
use crate::worker::protocol::{DeviceChoice, Job};

/// The benchmark the report's IT score comes from.
const IT_BENCHMARK: &str = "kriegeskorte2008-it-rsa";

/// True for the run's checkpoints (joined by a line), false for the -wc/-ct variants.
pub fn is_checkpoint(model: &str) -> bool {
    !(model.ends_with("-wc") || model.ends_with("-ct"))
}

fn job(model: &str) -> Job {
    Job::Score {
        model: model.to_string(),
        benchmark: IT_BENCHMARK.to_string(),
    }
}

/// The section.
#[function_component(WiringUpSection)]
pub fn wiring_up_section() -> Html {
    let Some(runs) = use_context::<Runs>() else {
        return html! {};
    };
    let report = wiring_up();
    let state = &*runs.state;
    let mut series = Vec::new();
    if let Some(r) = report {
        series.push(WiringSeries {
            name: "committed CLI run (results/wiring-up.json)".into(),
            points: r
                .rows
                .iter()
                .filter_map(|row| {
                    Some(WiringPoint {
                        model: row.model.clone(),
                        updates: row.updates,
                        value: row.it_value.get()?,
                        checkpoint: is_checkpoint(&row.model),
                    })
                })
                .collect(),
        });
    }
    let live: Vec<WiringPoint> = MODELS
        .iter()
        .filter_map(|m| {
            let score = state
                .results
                .get(&(job(m), DeviceChoice::Auto))?
                .score()?
                .clone();
            Some(WiringPoint {
                model: m.to_string(),
                updates: score.model.updates,
                value: score.value.get()?,
                checkpoint: is_checkpoint(m),
            })
        })
        .collect();
    let live_count = live.len();
    if !live.is_empty() {
        series.push(WiringSeries {
            name: "computed in this browser".into(),
            points: live,
        });
    }
    let compute = {
        let client = runs.client.clone();
        Callback::from(move |_: MouseEvent| {
            for m in MODELS {
                client.submit(job(m), DeviceChoice::Auto);
            }
        })
    };
    let rows = report.map(|r| r.rows.as_slice()).unwrap_or_default();
    html! {
        <section class="wiring-up" id="wiring-up">
            <h3>{"Wiring up: how much training does IT-likeness need?"}</h3>
            <p class="lead">{"Ceiling-normalised human IT RSA of cornet-s-mini after 0.5, 2, 10, 50 and 100 % of its supervised updates; squares are the at-birth variants: weight compression (-wc, kernels sampled from fitted Gaussians, no training) and critical training (-ct, from -wc with only a few layers trained). Geiger et al. (2022) report ~80 % of the final score at 2 % of the updates for CORnet-S on Brain-Score."}</p>
            <WiringPlot id="wiring-plot" y_label="IT RSA (fraction of the Nili ceiling)" series={Rc::new(series)} />
            <p>
                <button id="wiring-compute" onclick={compute}>{format!("Compute here ({} models, in the worker)", MODELS.len())}</button>
                {format!(" {live_count} of {} computed in this browser.", MODELS.len())}
            </p>
            <table class="wiring-table">
                <caption>{"Committed CLI results (precomputed by "}<code>{"brainprobe wiring-up"}</code>{", not computed in this page)"}</caption>
                <thead><tr><th scope="col">{"model"}</th><th scope="col">{"updates"}</th><th scope="col">{"IT RSA (normalised ± SE)"}</th><th scope="col">{"raw ρ ± SE"}</th><th scope="col">{"− final, paired over subjects"}</th><th scope="col">{"CIFAR-10 accuracy ± binomial SE (1 000 test images)"}</th></tr></thead>
                <tbody>
                    { for rows.iter().map(|r| html! {
                        <tr><td><code>{&r.model}</code></td><td class="num">{r.updates}</td><td class="num">{format!("{:.3}{}", r.it_value, r.it_value_se().map(|e| format!(" ± {e:.3}")).unwrap_or_default())}</td><td class="num">{format!("{:.3}{}", r.it_raw, r.it_se.map(|e| format!(" ± {e:.3}")).unwrap_or_default())}</td><td class="num">{r.vs_final.as_ref().map_or("–".to_string(), |p| format!("{:+.3} ± {} ({} of {} subjects ahead)", p.mean, p.se.map_or("n/a".into(), |se| format!("{se:.3}")), p.positive, p.pairs))}</td><td class="num">{format!("{:.1} %{}", 100.0 * r.cifar_accuracy, r.cifar_se().map(|e| format!(" ± {:.1}", 100.0 * e)).unwrap_or_default())}</td></tr>
                    }) }
                </tbody>
            </table>
            if let Some(r) = report {
                <p class="note">{format!("Fraction of the final IT score (raw ρ) at 2 % of the updates: {:.2}; at 10 %: {:.2} (ratios of two means, no error given; the paired differences carry the comparison).", r.fraction_at_2pct, r.fraction_at_10pct)}</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_report_parses_and_covers_every_model() {
        let r = wiring_up().expect("results/wiring-up.json parses as WiringUp");
        for m in MODELS {
            assert!(r.rows.iter().any(|row| row.model == *m), "{m} missing");
        }
        assert!(is_checkpoint("cornet-s-mini@2pct") && !is_checkpoint("cornet-s-mini-wc"));
    }
}
