//! The progress bar of the run in progress: job, step, counts, an estimate of the time
//! left, and Cancel. Also says when a run was cancelled.

use yew::prelude::*;

use crate::state::{eta_seconds, Runs};
use crate::worker::protocol::Unit;

fn amount(n: u64, unit: Unit) -> String {
    match unit {
        Unit::Items => n.to_string(),
        Unit::Bytes if n >= 1 << 20 => format!("{:.1} MB", n as f64 / (1 << 20) as f64),
        Unit::Bytes => format!("{:.0} kB", n as f64 / 1024.0),
    }
}

/// Human form of a duration in seconds.
pub fn duration_text(seconds: f64) -> String {
    if seconds < 1.0 {
        "under a second".into()
    } else if seconds < 90.0 {
        format!("about {seconds:.0} s")
    } else {
        format!("about {:.0} min", seconds / 60.0)
    }
}

/// The bar (nothing when idle).
#[function_component(RunProgress)]
pub fn run_progress() -> Html {
    let Some(runs) = use_context::<Runs>() else {
        return html! {};
    };
    let state = &*runs.state;
    let Some(active) = &state.active else {
        return if state.cancelled {
            html! { <p id="run-progress" class="run-progress" data-state="cancelled" role="status">{"Run cancelled."}</p> }
        } else {
            html! {}
        };
    };
    let (job, _) = &active.key;
    let step = &active.progress;
    let fraction = if step.total > 0 {
        step.done as f64 / step.total as f64
    } else {
        0.0
    };
    let eta = eta_seconds(
        active.now_ms - active.step_started_ms,
        step.done,
        step.total,
    )
    .map(|s| format!(" · {} left in this step", duration_text(s)))
    .unwrap_or_default();
    let counts = if step.total > 0 {
        format!(
            "{} / {}",
            amount(step.done, step.unit),
            amount(step.total, step.unit)
        )
    } else {
        amount(step.done, step.unit)
    };
    let queued = if state.queued.is_empty() {
        String::new()
    } else {
        format!(" · {} more queued", state.queued.len())
    };
    let cancel = {
        let client = runs.client.clone();
        Callback::from(move |_: MouseEvent| client.cancel())
    };
    html! {
        <div id="run-progress" class="run-progress" data-state="running" role="status" aria-live="polite">
            <span class="run-job">{format!("{} × {}", job.model(), job.benchmark())}</span>
            <progress max="1" value={format!("{fraction:.3}")} aria-label="progress of this step"></progress>
            <span class="run-step">{format!("{}: {counts}{eta}{queued}", step.step)}</span>
            <button id="run-cancel" onclick={cancel}>{"Cancel"}</button>
        </div>
    }
}
