//! Before a model with large prepared weights runs for the first time (SmolLM2 ≈ 98 MB,
//! MiniLM ≈ 45 MB), the page says how much it will download and whether this browser
//! already holds the weights (the worker's Cache API entries), and the Run button says
//! "Download ≈ N MB and run" — pressing it is the consent; Cancel stops the download.

use brainprobe_models::registry::{lookup, WeightsSource};
use yew::prelude::*;

/// What the page knows about a model's first download.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DownloadState {
    /// Bytes of the first download (the registry's; 0 for small committed files).
    pub bytes: u64,
    /// Whether the worker's cache already holds the weights (`None` while checking, or
    /// where the Cache API is missing).
    pub cached: Option<bool>,
}

impl DownloadState {
    /// Whether the page should ask before the run: a large download not known cached.
    pub fn asks(&self) -> bool {
        self.bytes > 0 && self.cached != Some(true)
    }

    /// The Run button's label.
    pub fn run_label(&self) -> String {
        if self.asks() {
            format!("Download ≈ {} and run", megabytes(self.bytes))
        } else {
            "Run".into()
        }
    }
}

/// `bytes` as the page writes sizes (decimal megabytes, no decimals).
pub fn megabytes(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / 1e6)
}

/// The directory under `assets/models/` whose files `model` downloads, if any.
fn prepared_dir(model: &str) -> Option<&'static str> {
    match lookup(model).ok()?.weights {
        WeightsSource::Prepared(dir) | WeightsSource::Generated(Some(dir)) => Some(dir),
        _ => None,
    }
}

/// The download state of `model`, re-checked when the model changes or a run ends
/// (`generation` changes).
#[hook]
pub fn use_download_state(model: &str, generation: u64) -> DownloadState {
    let bytes = lookup(model).map_or(0, |m| m.download_bytes);
    let cached = use_state(|| None::<bool>);
    {
        let cached = cached.clone();
        use_effect_with((model.to_string(), generation), move |(model, _)| {
            cached.set(None);
            if let Some(dir) = prepared_dir(model).filter(|_| bytes > 0) {
                check_cache(dir, cached);
            }
        });
    }
    DownloadState {
        bytes,
        cached: *cached,
    }
}

/// Looks in the worker's cache for `assets/models/<dir>/model.*` and sets `out`.
fn check_cache(dir: &'static str, out: UseStateHandle<Option<bool>>) {
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(found) = cached_weights(dir).await {
            out.set(Some(found));
        }
    });
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (dir, out);
}

#[cfg(target_arch = "wasm32")]
async fn cached_weights(dir: &str) -> Option<bool> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let storage = web_sys::window()?.caches().ok()?;
    let cache: web_sys::Cache =
        JsFuture::from(storage.open(crate::worker::cached_fetch::CACHE_NAME))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
    let keys: js_sys::Array = JsFuture::from(cache.keys()).await.ok()?.dyn_into().ok()?;
    let wanted = format!("assets/models/{dir}/model.");
    Some(keys.iter().any(|k| {
        k.dyn_into::<web_sys::Request>()
            .is_ok_and(|r| r.url().contains(&wanted))
    }))
}

/// The notice above the Run button (nothing for models without a large download).
pub fn download_notice(page: &str, model: &str, state: &DownloadState) -> Html {
    if state.bytes == 0 {
        return html! {};
    }
    let size = megabytes(state.bytes);
    let text = match state.cached {
        Some(true) => {
            format!("{model}'s weights ({size}) are already in this browser's cache: no download.")
        }
        _ => format!(
            "{model} needs {size} of weights, downloaded on its first run from this site and \
             then kept in this browser's cache (checked against their sha256). Press the \
             button to download; Cancel stops it."
        ),
    };
    html! {
        <p id={format!("{page}-download")} class="notice" data-bytes={state.bytes.to_string()} data-cached={state.cached.map(|c| c.to_string()).unwrap_or_default()}>{text}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_downloads_ask_until_cached() {
        let s = DownloadState {
            bytes: 98_362_432,
            cached: None,
        };
        assert!(s.asks());
        assert_eq!(s.run_label(), "Download ≈ 98 MB and run");
        let cached = DownloadState {
            cached: Some(true),
            ..s
        };
        assert_eq!(cached.run_label(), "Run");
        let small = DownloadState {
            bytes: 0,
            cached: None,
        };
        assert!(!small.asks());
        assert_eq!(prepared_dir("smollm2-135m-untrained"), Some("smollm2-135m"));
        assert_eq!(prepared_dir("gpt-mini"), None);
    }
}
