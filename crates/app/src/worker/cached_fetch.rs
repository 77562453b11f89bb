//! Fetching inside the worker with byte progress, through the Cache API: a file already in
//! the `brainprobe-v1` cache is read from there (a reload costs no download); otherwise it
//! is streamed from the network, counted, and stored. Without the Cache API (insecure
//! origin) files are fetched every time.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Cache, ReadableStreamDefaultReader, Response, WorkerGlobalScope};

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

/// Fetches `url` (cached under `url`), calling `progress(loaded, total)` as bytes arrive
/// (`total` = 0 when the server sends no length). Plain `fetch` when `cache` is false.
pub async fn fetch_bytes(
    url: &str,
    cache: bool,
    progress: &dyn Fn(u64, u64),
) -> Result<Vec<u8>, String> {
    let scope: WorkerGlobalScope = js_sys::global()
        .dyn_into()
        .map_err(|_| "not running in a worker".to_string())?;
    let store = if cache {
        open_cache(&scope).await
    } else {
        None
    };
    if let Some(store) = &store {
        let hit = JsFuture::from(store.match_with_str(url))
            .await
            .map_err(text)?;
        if let Ok(response) = hit.dyn_into::<Response>() {
            let bytes = response_bytes(&response).await?;
            progress(bytes.len() as u64, bytes.len() as u64);
            return Ok(bytes);
        }
    }
    let response: Response = JsFuture::from(scope.fetch_with_str(url))
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
            let mut out: Vec<u8> = Vec::with_capacity(total as usize);
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
                progress(out.len() as u64, total);
            }
            out
        }
        None => response_bytes(&response).await?,
    };
    if let Some(store) = &store {
        let copy = Uint8Array::from(bytes.as_slice());
        if let Ok(stored) = Response::new_with_opt_buffer_source(Some(&copy)) {
            // A full quota only costs the next reload a download.
            let _ = JsFuture::from(store.put_with_str(url, &stored)).await;
        }
    }
    progress(bytes.len() as u64, bytes.len() as u64);
    Ok(bytes)
}
