//! What the Vision, Language and Occlusion pages share around a run: the select that
//! writes its choice into the URL, the failed-run box (with "Retry on the CPU" where the
//! GPU or the worker failed) and the running / idle line. Element ids are
//! `<page>-error` and `<page>-status` (the e2e test reads them).

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::route::{navigate, Route};
use crate::worker::protocol::{RunError, RunErrorKind};

/// An `onchange` for a `<select>` that stores its value in `route` with `set` and
/// navigates there.
pub fn route_select(route: &Route, set: fn(&mut Route, String)) -> Callback<Event> {
    let route = route.clone();
    Callback::from(move |e: Event| {
        let mut r = route.clone();
        set(
            &mut r,
            e.target_unchecked_into::<HtmlSelectElement>().value(),
        );
        navigate(&r);
    })
}

/// The failed run of `page`: its message, and a CPU retry when the GPU or worker failed.
pub fn failed_run(page: &str, e: &RunError, retry_on_cpu: Callback<MouseEvent>) -> Html {
    html! {
        <div id={format!("{page}-error")} class="error" role="alert" data-kind={format!("{:?}", e.kind)}>
            <p>{"The run failed: "}{&e.message}</p>
            if e.kind == RunErrorKind::Gpu || e.kind == RunErrorKind::Worker {
                <button onclick={retry_on_cpu}>{"Retry on the CPU"}</button>
            }
        </div>
    }
}

/// The line under the controls while nothing is shown: running, or `idle` (what Run does).
pub fn run_status(page: &str, pending: bool, idle: &str) -> Html {
    let (state, text) = if pending {
        (
            "running",
            "Running in the worker — see the progress bar above.",
        )
    } else {
        ("idle", idle)
    };
    html! { <p class="muted" id={format!("{page}-status")} data-state={state}>{text.to_string()}</p> }
}
