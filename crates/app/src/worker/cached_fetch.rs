//! Fetching inside the worker with byte progress, through the Cache API, verified: a file
//! already in the `brainprobe-v1` cache is read from there (a reload costs no download);
//! otherwise it is streamed from the network, counted, and stored. Every file whose sha256
//! is known (a weights manifest's digest, else the build's `SHA256SUMS`) is hashed before
//! it is returned, by [`brainprobe_models::store::fetch_verified`]: a bad cached copy is
//! deleted and downloaded again, a bad download is downloaded once more (bypassing the
//! HTTP cache), and a second bad copy fails with the file's name. Without the Cache API
//! (insecure origin) files are fetched every time.

use brainprobe_models::store::{fetch_verified, ByteCache};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Cache, ReadableStreamDefaultReader, RequestCache, RequestInit, Response, WorkerGlobalScope,
};

/// Name of the cache the worker stores model files and data bundles in.
pub const CACHE_NAME: &str = "brainprobe-v1";

fn text(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

async fn open_cache(scope: &WorkerGlobalScope) -> Option<Cache> {
    let storage = scope.caches().ok()?;
    JsFuture::from(storage.open(CACHE_NAME))
        .await
        .ok()?
        .dyn_into()
        .ok()
}

async fn response_bytes(response: &Response) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(response.array_buffer().map_err(text)?)
        .await
        .map_err(text)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// The worker's Cache API entry and network, with byte progress.
struct WebFiles<'a> {
    scope: WorkerGlobalScope,
    cache: Option<Cache>,
    progress: &'a dyn Fn(u64, u64),
}

impl ByteCache for WebFiles<'_> {
    async fn cached(&self, key: &str) -> Option<Vec<u8>> {
        let cache = self.cache.as_ref()?;
        let hit = JsFuture::from(cache.match_with_str(key)).await.ok()?;
        let response: Response = hit.dyn_into().ok()?;
        let bytes = response_bytes(&response).await.ok()?;
        (self.progress)(bytes.len() as u64, bytes.len() as u64);
        Some(bytes)
    }

    async fn evict(&self, key: &str) {
        if let Some(cache) = &self.cache {
            let _ = JsFuture::from(cache.delete_with_str(key)).await;
        }
    }

    async fn store(&self, key: &str, bytes: &[u8]) {
        let Some(cache) = &self.cache else { return };
        let copy = Uint8Array::from(bytes);
        if let Ok(stored) = Response::new_with_opt_buffer_source(Some(&copy)) {
            // A full quota only costs the next reload a download.
            let _ = JsFuture::from(cache.put_with_str(key, &stored)).await;
        }
    }

    async fn download(&self, url: &str, again: bool) -> Result<Vec<u8>, String> {
        let init = RequestInit::new();
        if again {
            init.set_cache(RequestCache::Reload);
        }
        let response: Response = JsFuture::from(self.scope.fetch_with_str_and_init(url, &init))
            .await
            .map_err(|e| format!("{url}: {}", text(e)))?
            .dyn_into()
            .map_err(|_| format!("{url}: fetch gave no response"))?;
        if !response.ok() {
            return Err(format!("{url}: HTTP {}", response.status()));
        }
        let total = response
            .headers()
            .get("content-length")
            .ok()
            .flatten()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        let bytes = match response.body() {
            Some(body) => {
                let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
                // Capped: a lying Content-Length must not reserve gigabytes.
                let mut out: Vec<u8> = Vec::with_capacity(total.min(1 << 28) as usize);
                loop {
                    let chunk = JsFuture::from(reader.read()).await.map_err(text)?;
                    let done = Reflect::get(&chunk, &"done".into())
                        .map(|d| d.is_truthy())
                        .unwrap_or(true);
                    if done {
                        break;
                    }
                    if let Ok(value) = Reflect::get(&chunk, &"value".into()) {
                        out.extend(Uint8Array::new(&value).to_vec());
                    }
                    (self.progress)(out.len() as u64, total);
                }
                out
            }
            None => response_bytes(&response).await?,
        };
        (self.progress)(bytes.len() as u64, bytes.len() as u64);
        Ok(bytes)
    }
}

/// Fetches `url` (cached under `url` when `cache`), checked against `sha256` when given
/// (`name` in errors), calling `progress(loaded, total)` as bytes arrive (`total` = 0 when
/// the server sends no length).
pub async fn fetch_bytes(
    url: &str,
    name: &str,
    cache: bool,
    sha256: Option<&str>,
    progress: &dyn Fn(u64, u64),
) -> Result<Vec<u8>, String> {
    let scope: WorkerGlobalScope = js_sys::global()
        .dyn_into()
        .map_err(|_| "not running in a worker".to_string())?;
    let cache = if cache {
        open_cache(&scope).await
    } else {
        None
    };
    let cached = cache.is_some();
    let files = WebFiles {
        scope,
        cache,
        progress,
    };
    fetch_verified(&files, url, name, sha256, cached).await
}
