//! The worker's side (wasm only): answers `Run` messages one at a time. It opens the GPU
//! once at start-up (reporting the device or why it fell back to the CPU), fetches model
//! files through [`super::cached_fetch`], builds the subject and runs [`super::jobs`],
//! streaming progress. Cancelling is the page terminating this worker.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use brainprobe_benchmarks::{BenchError, RunContext, Subject};
use brainprobe_data::assets::Fetcher;
use brainprobe_data::bundle::{BundleInfo, BUNDLE_INFO};
use brainprobe_data::Assets;
use brainprobe_engine::{Device, GpuOptions};
use brainprobe_models::registry::lookup;
use brainprobe_models::store::{
    parse_sha256sums, sums_key, FileRequest, WeightFetcher, SHA256SUMS,
};
use brainprobe_models::WeightStore;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::cached_fetch::fetch_bytes;
use super::jobs::{run_error, run_job};
use super::protocol::{
    decode, encode, is_software_adapter, DeviceChoice, DeviceLine, FromWorker, RunError,
    RunErrorKind, RunRequest, StepProgress, ToWorker, Unit,
};
use crate::{ASSETS_URL, PREPARED_MODELS_URL, WEIGHTS_URL};

thread_local! {
    /// The GPU opened at start-up, if any.
    static GPU: RefCell<Option<Device>> = const { RefCell::new(None) };
    /// The line posted with `Ready` (which runs go where).
    static LINE: RefCell<Option<DeviceLine>> = const { RefCell::new(None) };
}

fn post(message: &FromWorker) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.post_message(&JsValue::from_str(&encode(message)));
}

/// Installs the message handler, then opens the GPU and says `Ready`.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        match decode::<ToWorker>(&text) {
            Ok(ToWorker::Run(request)) => wasm_bindgen_futures::spawn_local(handle(request)),
            Err(message) => post(&FromWorker::Failed {
                id: 0,
                error: RunError {
                    kind: RunErrorKind::Request,
                    message,
                },
            }),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    wasm_bindgen_futures::spawn_local(async {
        let line = match Device::gpu(GpuOptions::default()).await {
            Ok(device) => {
                let info = device.describe();
                let line = DeviceLine {
                    gpu: true,
                    text: info.to_string(),
                    fallback_reason: None,
                    software: is_software_adapter(&info.device_type, &info.to_string()),
                };
                GPU.with(|g| *g.borrow_mut() = Some(device));
                line
            }
            Err(e) => DeviceLine {
                gpu: false,
                text: Device::Cpu.describe().to_string(),
                fallback_reason: Some(e.to_string()),
                software: false,
            },
        };
        LINE.with(|l| *l.borrow_mut() = Some(line.clone()));
        post(&FromWorker::Ready(line));
    });
}

async fn handle(request: RunRequest) {
    let id = request.id;
    let message = match run(&request).await {
        Ok(result) => FromWorker::Done { id, result },
        Err(error) => FromWorker::Failed { id, error },
    };
    post(&message);
}

/// The device a run with `choice` uses: the GPU only when [`DeviceLine::uses_gpu`] says
/// so (not for "auto" on a software adapter).
fn device_for(choice: DeviceChoice) -> Device {
    let gpu = LINE.with(|l| l.borrow().as_ref().is_some_and(|l| l.uses_gpu(choice)));
    if gpu {
        GPU.with(|g| g.borrow().clone()).unwrap_or(Device::Cpu)
    } else {
        Device::Cpu
    }
}

/// Reports bytes downloaded of `name` as run `id`'s progress.
fn byte_progress(id: u32, name: &str) -> impl Fn(u64, u64) {
    let step = format!("downloading {name}");
    move |done, total| {
        post(&FromWorker::Progress {
            id,
            progress: StepProgress {
                step: step.clone(),
                done,
                total,
                unit: Unit::Bytes,
            },
        })
    }
}

fn request_error(message: String) -> RunError {
    RunError {
        kind: RunErrorKind::Request,
        message,
    }
}

fn load_error(e: BenchError) -> RunError {
    RunError {
        kind: if e.is_gpu_failure() {
            RunErrorKind::Gpu
        } else {
            RunErrorKind::Data
        },
        message: e.to_string(),
    }
}

/// Digests of the served files by path, from the build's `SHA256SUMS` (read fresh for
/// every run: it is small, and a new build must not be checked against an old list).
type Sums = Rc<HashMap<String, String>>;

async fn digests() -> Result<Sums, RunError> {
    let bytes = fetch_bytes(SHA256SUMS, SHA256SUMS, false, None, &|_, _| {})
        .await
        .map_err(|e| RunError {
            kind: RunErrorKind::Data,
            message: format!(
                "{e} — the site's digest list is missing, so downloads cannot be verified \
                 (build the site with `cargo xtask build-web`)"
            ),
        })?;
    Ok(Rc::new(parse_sha256sums(&String::from_utf8_lossy(&bytes))))
}

/// The digest of `url`: the one the request carries (a weights manifest's), else the
/// build's.
fn digest_of(sums: &Sums, url: &str, given: Option<String>) -> Option<String> {
    given.or_else(|| sums.get(sums_key(url)).cloned())
}

/// Model files through the Cache API with byte progress, verified before they are
/// parsed: manifests fresh, weights keyed by their sha256 (so new weights are never
/// shadowed by old ones), text files cached.
fn weight_store(id: u32, sums: Sums) -> WeightStore {
    let fetcher: WeightFetcher = Rc::new(move |file: FileRequest| {
        let want = digest_of(&sums, &file.url, file.sha256.clone());
        Box::pin(async move {
            fetch_bytes(
                &file.url,
                &file.name,
                file.cache,
                want.as_deref(),
                &byte_progress(id, &file.name),
            )
            .await
        })
    });
    WeightStore::new(WEIGHTS_URL, PREPARED_MODELS_URL).with_fetcher(fetcher)
}

/// The request's model through the one loader (`Subject::load`), if it is served here.
async fn load_subject(
    request: &RunRequest,
    device: Device,
    sums: Sums,
) -> Result<Subject, RunError> {
    let model = request.job.model();
    let info = lookup(model).map_err(|e| request_error(e.to_string()))?;
    if !info.in_browser {
        return Err(request_error(format!(
            "`{model}` runs from the command line only: its weights come from `cargo xtask \
             prepare-data` and are not served to the browser"
        )));
    }
    Subject::load(model, &weight_store(request.id, sums), &device)
        .await
        .map_err(load_error)
}

/// The data bundles, fetched with byte progress, verified against the build's digests
/// and kept in the Cache API under the bundle's manifest digest, so a reload reads them
/// locally and a new data release gets new keys (`bundle.json` itself is always fetched
/// fresh).
async fn data_assets(id: u32, sums: Sums) -> Assets {
    let info_url = format!("{ASSETS_URL}/{BUNDLE_INFO}");
    let want = digest_of(&sums, &info_url, None);
    let version = fetch_bytes(&info_url, BUNDLE_INFO, false, want.as_deref(), &|_, _| {})
        .await
        .ok()
        .and_then(|bytes| serde_json::from_slice::<BundleInfo>(&bytes).ok())
        .map(|info| info.manifest_sha256);
    let fetcher: Fetcher = Rc::new(move |url: String| {
        let version = version.clone();
        let want = digest_of(&sums, &url, None);
        Box::pin(async move {
            let name = url.strip_prefix(ASSETS_URL).unwrap_or(&url);
            let name = name.trim_start_matches('/');
            let progress = byte_progress(id, name);
            match &version {
                Some(v) if !url.ends_with(BUNDLE_INFO) => {
                    let keyed = format!("{url}?v={v}");
                    fetch_bytes(&keyed, name, true, want.as_deref(), &progress).await
                }
                _ => fetch_bytes(&url, name, false, want.as_deref(), &progress).await,
            }
        })
    });
    Assets::new(ASSETS_URL).with_fetcher(fetcher)
}

async fn run(request: &RunRequest) -> Result<super::protocol::JobResult, RunError> {
    let device = device_for(request.device);
    let sums = digests().await?;
    let subject = load_subject(request, device, sums.clone()).await?;
    let ctx = RunContext::new(data_assets(request.id, sums).await);
    let id = request.id;
    let progress = move |step: &str, done: usize, total: usize| {
        post(&FromWorker::Progress {
            id,
            progress: StepProgress {
                step: step.to_string(),
                done: done as u64,
                total: total as u64,
                unit: Unit::Items,
            },
        })
    };
    run_job(&request.job, &subject, &ctx, &progress)
        .await
        .map_err(|e| run_error(&e))
}
