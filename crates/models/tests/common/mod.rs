//! Shared by the native (`parity.rs`) and browser (`web.rs`) harnesses: the GPU under
//! test, the relative-error check, and `parity_test!`, which turns each async body into a
//! native `#[test]` and a `#[wasm_bindgen_test]`.

#![allow(dead_code)]

use brainprobe_engine::{Device, GpuOptions};

/// Turns `async fn name() -> Result<(), String>` bodies into tests on both targets.
macro_rules! parity_test {
    ($($name:ident),* $(,)?) => {
        mod run {
            $(
                #[cfg(not(target_arch = "wasm32"))]
                #[test]
                fn $name() {
                    if let Err(e) = pollster::block_on(super::$name()) {
                        panic!("{e}");
                    }
                }
                #[cfg(target_arch = "wasm32")]
                #[wasm_bindgen_test::wasm_bindgen_test]
                async fn $name() {
                    if let Err(e) = super::$name().await {
                        panic!("{e}");
                    }
                }
            )*
        }
    };
}

/// Test result: the error names the model, device, layer and error.
pub type TestResult = Result<(), String>;

/// Opens the GPU, failing loudly (never skipping) when there is no adapter.
pub async fn gpu() -> Result<Device, String> {
    Device::gpu(GpuOptions::default()).await.map_err(|e| {
        format!("GPU test needs an adapter (lavapipe natively, WebGPU in Chromium): {e}")
    })
}

/// max |got − want| / max |want| (0 when both are zero).
pub fn relative_error(got: &[f32], want: &[f32]) -> f32 {
    let scale = want.iter().fold(0f32, |m, v| m.max(v.abs()));
    let diff = got
        .iter()
        .zip(want)
        .fold(0f32, |m, (a, b)| m.max((a - b).abs()));
    if scale == 0.0 {
        diff
    } else {
        diff / scale
    }
}
