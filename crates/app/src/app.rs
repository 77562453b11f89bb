//! The app shell: header, navigation between pages, WebGPU status line.

use yew::prelude::*;

use crate::gpu_status::{probe, GpuStatus};
use crate::pages::{data::DataPage, placeholder::Placeholder};

/// Top-level pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Language models vs fMRI and reading times.
    Language,
    /// Vision models vs IT cortex.
    Vision,
    /// Occlusion robustness vs people.
    Occlusion,
    /// Models × benchmarks.
    Leaderboard,
    /// The datasets.
    Data,
}

impl Page {
    const ALL: [Page; 5] = [
        Page::Language,
        Page::Vision,
        Page::Occlusion,
        Page::Leaderboard,
        Page::Data,
    ];

    fn slug(self) -> &'static str {
        match self {
            Page::Language => "language",
            Page::Vision => "vision",
            Page::Occlusion => "occlusion",
            Page::Leaderboard => "leaderboard",
            Page::Data => "data",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Page::Language => "Language",
            Page::Vision => "Vision",
            Page::Occlusion => "Occlusion",
            Page::Leaderboard => "Leaderboard",
            Page::Data => "Data",
        }
    }

    fn from_hash(hash: &str) -> Page {
        let slug = hash.trim_start_matches('#');
        Page::ALL
            .into_iter()
            .find(|p| p.slug() == slug)
            .unwrap_or(Page::Data)
    }
}

fn current_hash() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        String::new()
    }
}

/// The whole app.
#[function_component(App)]
pub fn app() -> Html {
    let page = use_state(|| Page::from_hash(&current_hash()));
    let gpu = use_state(|| None::<GpuStatus>);
    {
        let gpu = gpu.clone();
        use_effect_with((), move |_| {
            spawn(async move { gpu.set(Some(probe().await)) });
        });
    }
    let nav = Page::ALL.iter().map(|&p| {
        let page = page.clone();
        let class = if *page == p { "active" } else { "" };
        let onclick = Callback::from(move |_| page.set(p));
        html! { <a href={format!("#{}", p.slug())} class={class} id={format!("nav-{}", p.slug())} {onclick}>{p.title()}</a> }
    });
    let (gpu_state, gpu_text) = match &*gpu {
        None => ("probing", "Looking for a WebGPU adapter…".to_string()),
        Some(s @ GpuStatus::Adapter { .. }) => ("adapter", s.describe()),
        Some(s @ GpuStatus::CpuFallback { .. }) => ("cpu-fallback", s.describe()),
    };
    html! {
        <>
            <header class="site-header">
                <div class="brand">
                    <img src="assets/logo.svg" alt="" width="36" height="36" />
                    <div>
                        <h1>{"brainprobe"}</h1>
                        <p class="tagline">{"How brain-like are small language and vision networks? Scored in your browser against published human data."}</p>
                    </div>
                </div>
                <nav>{ for nav }</nav>
                <p id="webgpu-status" class={classes!("gpu", gpu_state)} data-state={gpu_state}>{gpu_text}</p>
            </header>
            <main>
                { match *page {
                    Page::Data => html! { <DataPage /> },
                    Page::Language => html! { <Placeholder title="Language" text="Per-layer fMRI (Pereira 2018) and reading-time (Futrell 2018) predictivity of gpt-mini, lstm-mini, embeddings and their untrained versions." /> },
                    Page::Vision => html! { <Placeholder title="Vision" text="IT-cortex RSA of CORnet-Z/S-mini on the 92 images, and score against supervised updates (wiring up vision)." /> },
                    Page::Occlusion => html! { <Placeholder title="Occlusion" text="Accuracy against visibility for models and for people (Tang et al. 2018), with and without recurrence." /> },
                    Page::Leaderboard => html! { <Placeholder title="Leaderboard" text="Models × benchmarks, with the published Schrimpf et al. (2021) scores for reference." /> },
                } }
            </main>
            <footer>{"Data stay in your browser. Datasets are third-party: see each card for licence and citation."}</footer>
        </>
    }
}

/// Runs a future on the browser event loop (natively: to completion, for tests).
pub fn spawn<F: std::future::Future<Output = ()> + 'static>(f: F) {
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_futures::spawn_local(f);
    #[cfg(not(target_arch = "wasm32"))]
    drop(f);
}
