//! Access to bundle files: natively from a directory, in the browser by same-origin fetch.
//! Both go through one async API so loaders are written once.

use crate::error::{DataError, Result};

/// Fetches one URL's bytes on the web. The app's worker installs one that reports byte
/// progress and keeps files in the Cache API; without one, plain `fetch` is used.
#[cfg(target_arch = "wasm32")]
pub type Fetcher = std::rc::Rc<
    dyn Fn(
        String,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = std::result::Result<Vec<u8>, String>>>,
    >,
>;

/// Where bundle files live: a directory (native) or a base URL (web).
#[derive(Clone)]
pub struct Assets {
    root: String,
    #[cfg(target_arch = "wasm32")]
    fetcher: Option<Fetcher>,
}

impl std::fmt::Debug for Assets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assets").field("root", &self.root).finish()
    }
}

impl Assets {
    /// Bundles under `root`: a directory path natively, a URL prefix (e.g. `assets/data`) on the web.
    pub fn new(root: impl Into<String>) -> Self {
        let root: String = root.into();
        Self {
            root: root.trim_end_matches('/').to_string(),
            #[cfg(target_arch = "wasm32")]
            fetcher: None,
        }
    }

    /// The same root, fetched through `fetcher` (web only).
    #[cfg(target_arch = "wasm32")]
    pub fn with_fetcher(mut self, fetcher: Fetcher) -> Self {
        self.fetcher = Some(fetcher);
        self
    }

    /// The root this store reads from.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// Location of a bundle file under the root.
    pub fn locate(&self, rel: &str) -> String {
        format!("{}/{}", self.root, rel)
    }

    /// Reads a bundle file (native: the file system).
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn bytes(&self, rel: &str) -> Result<Vec<u8>> {
        self.bytes_blocking(rel)
    }

    /// Reads a bundle file synchronously (native only).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn bytes_blocking(&self, rel: &str) -> Result<Vec<u8>> {
        let path = self.locate(rel);
        std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => DataError::Missing {
                path: rel.to_string(),
                location: format!("{path} (run `cargo xtask prepare-data`)"),
            },
            _ => DataError::io(&path, e),
        })
    }

    /// Fetches a bundle file (web: `fetch` from the window or worker scope).
    #[cfg(target_arch = "wasm32")]
    pub async fn bytes(&self, rel: &str) -> Result<Vec<u8>> {
        use wasm_bindgen::JsCast;
        use wasm_bindgen_futures::JsFuture;
        let url = self.locate(rel);
        if let Some(fetch) = &self.fetcher {
            return fetch(url.clone()).await.map_err(|e| {
                if e.contains("HTTP 404") {
                    DataError::Missing {
                        path: rel.to_string(),
                        location: url.clone(),
                    }
                } else {
                    DataError::io(&url, e)
                }
            });
        }
        let fail = |e: wasm_bindgen::JsValue| DataError::io(&url, format!("{e:?}"));
        let global = js_sys::global();
        let promise = if let Some(window) = global.dyn_ref::<web_sys::Window>() {
            window.fetch_with_str(&url)
        } else if let Some(worker) = global.dyn_ref::<web_sys::WorkerGlobalScope>() {
            worker.fetch_with_str(&url)
        } else {
            return Err(DataError::io(
                &url,
                "no window or worker scope to fetch from",
            ));
        };
        let response: web_sys::Response = JsFuture::from(promise)
            .await
            .map_err(fail)?
            .dyn_into()
            .map_err(fail)?;
        if response.status() == 404 {
            return Err(DataError::Missing {
                path: rel.to_string(),
                location: url.clone(),
            });
        }
        if !response.ok() {
            return Err(DataError::io(&url, format!("HTTP {}", response.status())));
        }
        let buffer = JsFuture::from(response.array_buffer().map_err(fail)?)
            .await
            .map_err(fail)?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    }
}

/// The default bundle directory for native tools: `$BRAINPROBE_ASSETS`, else the first
/// `www/assets/data` found walking up from the current directory.
#[cfg(not(target_arch = "wasm32"))]
pub fn default_native_root() -> std::path::PathBuf {
    if let Ok(dir) = std::env::var("BRAINPROBE_ASSETS") {
        return dir.into();
    }
    let start = std::env::current_dir().unwrap_or_default();
    for dir in start.ancestors() {
        let candidate = dir.join("www/assets/data");
        if candidate.is_dir() {
            return candidate;
        }
    }
    start.join("www/assets/data")
}
