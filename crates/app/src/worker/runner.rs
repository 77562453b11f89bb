//! The worker's side (wasm only): answers `Run` messages one at a time. It opens the GPU
//! once at start-up (reporting the device or why it fell back to the CPU), fetches model
//! files through [`super::cached_fetch`], builds the subject and runs [`super::jobs`],
//! streaming progress. Cancelling is the page terminating this worker.

use std::cell::RefCell;

use brainprobe_benchmarks::{RunContext, Subject, VisionSubject};
use brainprobe_data::Assets;
use brainprobe_engine::{Device, GpuOptions};
use brainprobe_models::registry::{lookup, manifest_file, weights_file, Family};
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

async fn fetch_model_file(id: u32, rel: &str, cache: bool) -> Result<Vec<u8>, RunError> {
    let url = format!("{WEIGHTS_URL}/{rel}");
    let step = format!("downloading {rel}");
    fetch_bytes(&url, cache, &|done, total| {
        post(&FromWorker::Progress {
            id,
            step: step.clone(),
            done,
            total,
            unit: Unit::Bytes,
        })
    })
    .await
    .map_err(|message| RunError {
        kind: RunErrorKind::Data,
        message,
    })
}

async fn load_subject(request: &RunRequest, device: Device) -> Result<Subject, RunError> {
    let model = request.job.model();
    let request_error = |message: String| RunError {
        kind: RunErrorKind::Request,
        message,
    };
    let info = lookup(model).map_err(|e| request_error(e.to_string()))?;
    if info.family != Family::Cornet {
        return Err(request_error(format!(
            "`{model}` is a language model; the app runs vision models so far (language pages come with the language benchmarks)"
        )));
    }
    // The manifest is small and always fetched fresh; it names the weights' sha256, which
    // keys the cached weights, so new weights are never shadowed by old ones.
    let manifest_bytes = fetch_model_file(request.id, &manifest_file(model), false).await?;
    let manifest_text = String::from_utf8_lossy(&manifest_bytes);
    let model_error = |message: String| RunError {
        kind: RunErrorKind::Data,
        message,
    };
    let manifest =
        Manifest::parse(model, &manifest_text).map_err(|e| model_error(e.to_string()))?;
    let rel = format!("{}?sha256={}", weights_file(model), manifest.sha256);
    let bytes = fetch_model_file(request.id, &rel, true).await?;
    let weights =
        Weights::from_safetensors(model, &bytes).map_err(|e| model_error(e.to_string()))?;
    let cornet = Cornet::load(&weights, &manifest, &device).map_err(|e| RunError {
        kind: if e.is_gpu_failure() {
            RunErrorKind::Gpu
        } else {
            RunErrorKind::Data
        },
        message: e.to_string(),
    })?;
    Ok(Subject::Vision(VisionSubject::new(
        cornet, &manifest, device,
    )))
}

async fn run(request: &RunRequest) -> Result<super::protocol::JobResult, RunError> {
    let device = device_for(request.device);
    let subject = load_subject(request, device).await?;
    let ctx = RunContext::new(Assets::new(ASSETS_URL));
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
