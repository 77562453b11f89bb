//! The worker's side (wasm only): answers `Run` messages one at a time. It opens the GPU
//! once at start-up (reporting the device or why it fell back to the CPU), fetches model
//! files through [`super::cached_fetch`], builds the subject and runs [`super::jobs`],
//! streaming progress. Cancelling is the page terminating this worker.

use std::cell::RefCell;
use std::rc::Rc;

use brainprobe_benchmarks::{LanguageSubject, RunContext, Subject, VisionSubject};
use brainprobe_data::assets::Fetcher;
use brainprobe_data::bundle::{BundleInfo, BUNDLE_INFO};
use brainprobe_data::Assets;
use brainprobe_engine::{Device, GpuOptions};
use brainprobe_models::language::embedding::{RandomEmbedding, WordEmbedding};
use brainprobe_models::language::gpt::Gpt;
use brainprobe_models::language::lstm::Lstm;
use brainprobe_models::language::LanguageModel;
use brainprobe_models::registry::{lookup, manifest_file, weights_file, Family, BPE_TOKENIZER};
use brainprobe_models::vision::cornet::Cornet;
use brainprobe_models::{Manifest, Weights};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::cached_fetch::fetch_bytes;
use super::jobs::{run_error, run_job};
use super::protocol::{
    decode, encode, DeviceChoice, DeviceLine, FromWorker, RunError, RunErrorKind, RunRequest,
    ToWorker, Unit,
};
use crate::{ASSETS_URL, WEIGHTS_URL};

thread_local! {
    /// The GPU opened at start-up, if any.
    static GPU: RefCell<Option<Device>> = const { RefCell::new(None) };
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
                let line = DeviceLine {
                    gpu: true,
                    text: device.describe().to_string(),
                    fallback_reason: None,
                };
                GPU.with(|g| *g.borrow_mut() = Some(device));
                line
            }
            Err(e) => DeviceLine {
                gpu: false,
                text: Device::Cpu.describe().to_string(),
                fallback_reason: Some(e.to_string()),
            },
        };
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

fn device_for(choice: DeviceChoice) -> Device {
    match choice {
        DeviceChoice::Cpu => Device::Cpu,
        DeviceChoice::Auto => GPU.with(|g| g.borrow().clone()).unwrap_or(Device::Cpu),
    }
}

/// Reports bytes downloaded of `name` as run `id`'s progress.
fn byte_progress(id: u32, name: &str) -> impl Fn(u64, u64) {
    let step = format!("downloading {name}");
    move |done, total| {
        post(&FromWorker::Progress {
            id,
            step: step.clone(),
            done,
            total,
            unit: Unit::Bytes,
        })
    }
}

async fn fetch_model_file(id: u32, rel: &str, cache: bool) -> Result<Vec<u8>, RunError> {
    let url = format!("{WEIGHTS_URL}/{rel}");
    fetch_bytes(&url, cache, &byte_progress(id, rel))
        .await
        .map_err(|message| RunError {
            kind: RunErrorKind::Data,
            message,
        })
}

fn data_error(message: String) -> RunError {
    RunError {
        kind: RunErrorKind::Data,
        message,
    }
}

fn load_error(e: brainprobe_models::ModelError) -> RunError {
    RunError {
        kind: if e.is_gpu_failure() {
            RunErrorKind::Gpu
        } else {
            RunErrorKind::Data
        },
        message: e.to_string(),
    }
}

/// The manifest (small, always fetched fresh) and the weights it names: the weights'
/// sha256 keys the cached copy, so new weights are never shadowed by old ones.
async fn fetch_committed(id: u32, model: &str) -> Result<(Manifest, Weights), RunError> {
    let manifest_bytes = fetch_model_file(id, &manifest_file(model), false).await?;
    let manifest_text = String::from_utf8_lossy(&manifest_bytes);
    let manifest = Manifest::parse(model, &manifest_text).map_err(|e| data_error(e.to_string()))?;
    let rel = format!("{}?sha256={}", weights_file(model), manifest.sha256);
    let bytes = fetch_model_file(id, &rel, true).await?;
    let weights =
        Weights::from_safetensors(model, &bytes).map_err(|e| data_error(e.to_string()))?;
    Ok((manifest, weights))
}

/// A text file served beside the weights (tokenizer, vocabulary), cached.
async fn fetch_text(id: u32, rel: &str) -> Result<String, RunError> {
    let bytes = fetch_model_file(id, rel, true).await?;
    String::from_utf8(bytes).map_err(|e| data_error(format!("{rel}: {e}")))
}

async fn load_language(
    request: &RunRequest,
    family: Family,
    device: Device,
) -> Result<Subject, RunError> {
    let model = request.job.model();
    let id = request.id;
    let bpe = || async {
        let bytes = fetch_model_file(id, BPE_TOKENIZER, true).await?;
        brainprobe_text::Tokenizer::from_json_bytes(&bytes, BPE_TOKENIZER)
            .map_err(|e| data_error(e.to_string()))
    };
    let (lm, sha, updates) = match family {
        Family::Gpt => {
            let (manifest, weights) = fetch_committed(id, model).await?;
            let gpt = Gpt::load(&weights, &manifest, bpe().await?, &device).map_err(load_error)?;
            (LanguageModel::Gpt(gpt), manifest.sha256, manifest.updates)
        }
        Family::Lstm => {
            let (manifest, weights) = fetch_committed(id, model).await?;
            let lstm =
                Lstm::load(&weights, &manifest, bpe().await?, &device).map_err(load_error)?;
            (LanguageModel::Lstm(lstm), manifest.sha256, manifest.updates)
        }
        Family::WordEmbedding => {
            let (manifest, weights) = fetch_committed(id, model).await?;
            let vocab = fetch_text(id, &format!("{model}/vocab.txt")).await?;
            let emb = WordEmbedding::load(model, &weights, &vocab).map_err(load_error)?;
            (LanguageModel::Embedding(emb), manifest.sha256, manifest.updates)
        }
        Family::RandomEmbedding => (
            LanguageModel::Random(RandomEmbedding::new(model)),
            "generated in code from a fixed seed (no weights file)".to_string(),
            0,
        ),
        _ => {
            return Err(RunError {
                kind: RunErrorKind::Request,
                message: format!(
                    "`{model}` (MiniLM) runs from the command line only: its converted weights come from `cargo xtask prepare-data` and are not served to the browser"
                ),
            })
        }
    };
    Ok(Subject::Language(LanguageSubject::new(
        lm, device, sha, updates,
    )))
}

async fn load_subject(request: &RunRequest, device: Device) -> Result<Subject, RunError> {
    let model = request.job.model();
    let info = lookup(model).map_err(|e| RunError {
        kind: RunErrorKind::Request,
        message: e.to_string(),
    })?;
    if info.family != Family::Cornet {
        return load_language(request, info.family, device).await;
    }
    let (manifest, weights) = fetch_committed(request.id, model).await?;
    let cornet = Cornet::load(&weights, &manifest, &device).map_err(load_error)?;
    Ok(Subject::Vision(VisionSubject::new(
        cornet, &manifest, device,
    )))
}

/// The data bundles, fetched with byte progress and kept in the Cache API under the
/// bundle's manifest digest, so a reload reads them locally and a new data release gets
/// new keys (`bundle.json` itself is always fetched fresh).
async fn data_assets(id: u32) -> Assets {
    let info_url = format!("{ASSETS_URL}/{BUNDLE_INFO}");
    let version = fetch_bytes(&info_url, false, &|_, _| {})
        .await
        .ok()
        .and_then(|bytes| serde_json::from_slice::<BundleInfo>(&bytes).ok())
        .map(|info| info.manifest_sha256);
    let fetcher: Fetcher = Rc::new(move |url: String| {
        let version = version.clone();
        Box::pin(async move {
            let progress = byte_progress(id, url.rsplit('/').next().unwrap_or(&url));
            match &version {
                Some(v) if !url.ends_with(BUNDLE_INFO) => {
                    fetch_bytes(&format!("{url}?v={v}"), true, &progress).await
                }
                _ => fetch_bytes(&url, false, &progress).await,
            }
        })
    });
    Assets::new(ASSETS_URL).with_fetcher(fetcher)
}

async fn run(request: &RunRequest) -> Result<super::protocol::JobResult, RunError> {
    let device = device_for(request.device);
    let subject = load_subject(request, device).await?;
    let ctx = RunContext::new(data_assets(request.id).await);
    let id = request.id;
    let progress = move |step: &str, done: usize, total: usize| {
        post(&FromWorker::Progress {
            id,
            step: step.to_string(),
            done: done as u64,
            total: total as u64,
            unit: Unit::Items,
        })
    };
    run_job(&request.job, &subject, &ctx, &progress)
        .await
        .map_err(|e| run_error(&e))
}
