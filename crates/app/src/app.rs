//! The app shell: header with navigation and device line, the run progress bar, and the
//! page the URL names. Owns the worker client and the runs state, shared with the pages
//! through [`Runs`] (defined in [`crate::state`], which the pages import instead of this
//! module).

use yew::prelude::*;

use crate::components::run_progress::RunProgress;
use crate::gpu_probe::probe;
use crate::pages::{
    about::AboutPage, data::DataPage, language::LanguagePage, leaderboard::LeaderboardPage,
    occlusion::OcclusionPage, overview::OverviewPage, vision::VisionPage,
};
use crate::route::{self, Page, Route};
use crate::state::{spawn, Action, Runs, RunsState};
use crate::worker::client::WorkerClient;
use crate::worker::protocol::DeviceChoice;

/// The current route, kept in step with the address bar.
#[hook]
fn use_route() -> Route {
    let route = use_state(route::current);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = hash_listener(move || route.set(route::current()));
            move || {
                let _stop_listening = listener;
            }
        });
    }
    (*route).clone()
}

#[cfg(target_arch = "wasm32")]
fn hash_listener(on_change: impl Fn() + 'static) -> Option<impl Drop> {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    struct Listener(web_sys::Window, Closure<dyn Fn()>);
    impl Drop for Listener {
        fn drop(&mut self) {
            let _ = self
                .0
                .remove_event_listener_with_callback("hashchange", self.1.as_ref().unchecked_ref());
        }
    }
    let window = web_sys::window()?;
    let closure = Closure::<dyn Fn()>::new(on_change);
    window
        .add_event_listener_with_callback("hashchange", closure.as_ref().unchecked_ref())
        .ok()?;
    Some(Listener(window, closure))
}

#[cfg(not(target_arch = "wasm32"))]
fn hash_listener(_on_change: impl Fn() + 'static) -> Option<()> {
    None
}

fn device_line(state: &RunsState) -> Html {
    let software = state.device.as_ref().is_some_and(|d| d.gpu && d.software);
    let (kind, text) = match &state.device {
        None => ("probing", "Looking for a WebGPU adapter…".to_string()),
        Some(d) if software => (
            "adapter",
            format!(
                "WebGPU adapter: {} — a CPU behind WebGPU, so runs use the wasm CPU path in \
                 the worker, which is faster than a software adapter (same numbers); tick \
                 “force WebGPU” on a page to use the adapter anyway",
                d.text
            ),
        ),
        Some(d) if d.gpu && state.worker_ready => ("adapter", format!("WebGPU, in the compute worker: {}", d.text)),
        Some(d) if d.gpu => ("adapter", format!("WebGPU adapter: {} (the compute worker starts with the first run)", d.text)),
        Some(d) => (
            "cpu-fallback",
            format!(
                "No WebGPU adapter — networks run on the CPU in the worker (slower; same numbers). Reason: {}",
                d.fallback_reason.as_deref().unwrap_or("unknown")
            ),
        ),
    };
    let auto = match &state.device {
        Some(d) if d.uses_gpu(DeviceChoice::Auto) => "gpu",
        Some(_) => "cpu",
        None => "",
    };
    html! { <p id="webgpu-status" class={classes!("gpu", kind)} data-state={kind} data-auto={auto} role="status">{text}</p> }
}

/// The whole app.
#[function_component(App)]
pub fn app() -> Html {
    let route = use_route();
    let state = use_reducer(RunsState::default);
    let client = {
        let dispatcher = state.dispatcher();
        use_memo((), move |_| {
            WorkerClient::new(Callback::from(move |a| dispatcher.dispatch(a)))
        })
    };
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            spawn(async move { dispatcher.dispatch(Action::Probed(probe().await)) });
        });
    }
    let runs = Runs {
        state: state.clone(),
        client: (*client).clone(),
    };
    let nav = Page::ALL.iter().map(|&p| {
        let current = (route.page == p).then_some("page");
        html! {
            <a href={Route::page(p).to_hash()} class={classes!((route.page == p).then_some("active"))}
               aria-current={current} id={format!("nav-{}", p.slug())}>{p.title()}</a>
        }
    });
    let body = match route.page {
        Page::Overview => html! { <OverviewPage /> },
        Page::Vision => html! { <VisionPage route={route.clone()} /> },
        Page::Leaderboard => html! { <LeaderboardPage /> },
        Page::Data => html! { <DataPage /> },
        Page::About => html! { <AboutPage /> },
        Page::Language => html! { <LanguagePage route={route.clone()} /> },
        Page::Occlusion => html! { <OcclusionPage route={route.clone()} /> },
    };
    html! {
        <ContextProvider<Runs> context={runs}>
            <header class="site-header">
                <div class="brand">
                    <img src="assets/logo.svg" alt="" width="36" height="36" />
                    <div>
                        <h1>{"brainprobe"}</h1>
                        <p class="tagline">{"How brain-like are small language and vision networks? Scored in your browser against published human data."}</p>
                    </div>
                </div>
                <nav aria-label="pages">{ for nav }</nav>
                { device_line(&state) }
                <RunProgress />
            </header>
            <main id={format!("page-{}", route.page.slug())}>{body}</main>
            <footer>{"Data stay in your browser. Datasets are third-party: see the Data and About pages for licences and citations."}</footer>
        </ContextProvider<Runs>>
    }
}
