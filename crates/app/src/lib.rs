//! brainprobe web app. The page (`bin/app.rs`: Yew, no engine) shows pages and plots; a Web
//! Worker (`bin/worker.rs`) runs the engine and `brainprobe_benchmarks::registry::run` —
//! the CLI's code path — and streams progress back ([`worker`]). The URL holds the view
//! ([`route`]).

pub mod app;
pub mod committed;
pub mod components;
pub mod gpu_probe;
pub mod pages;
pub mod plots;
pub mod route;
pub mod state;
pub mod worker;

/// Mounts the app on the document body.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}

/// URL prefix of the data bundles inside `dist/`.
pub const ASSETS_URL: &str = "assets/data";

/// URL prefix of the committed model weights inside `dist/` (copied by `build-web`).
pub const WEIGHTS_URL: &str = "weights";

/// URL prefix of third-party weights prepared by `prepare-data` (`www/assets/models/`);
/// only models whose registry row says `in_browser` are fetched from it.
pub const PREPARED_MODELS_URL: &str = "assets/models";
