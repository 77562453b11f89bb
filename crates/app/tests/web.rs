//! The app's WebGPU probe in headless Chromium (started with --enable-unsafe-webgpu, see
//! webdriver.json): an adapter must be found, and the status line must say so.
#![cfg(target_arch = "wasm32")]

use brainprobe_app::gpu_status::{probe, GpuStatus};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn webgpu_adapter_is_found() {
    let status = probe().await;
    assert!(
        matches!(status, GpuStatus::Adapter { .. }),
        "expected a WebGPU adapter, got: {}",
        status.describe()
    );
    assert!(status.describe().starts_with("WebGPU adapter found"));
}

#[wasm_bindgen_test]
fn cpu_fallback_is_described_as_such() {
    let s = GpuStatus::CpuFallback {
        reason: "webgpu found no adapters".into(),
    };
    assert!(s.describe().contains("CPU fallback"));
}
