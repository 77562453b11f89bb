//! brainprobe web app: a header, navigation, and pages. The Data page loads every bundle in
//! the browser and shows what each dataset is, its counts, licence, citation and a preview.

pub mod app;
pub mod components;
pub mod gpu_status;
pub mod pages;
pub mod plots;

/// Mounts the app on the document body.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}

/// URL prefix of the data bundles inside `dist/`.
pub const ASSETS_URL: &str = "assets/data";
