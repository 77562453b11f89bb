//! Browser harness: the parity bodies in headless Chromium on WebGPU (SwiftShader).

#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[macro_use]
extern crate brainprobe_engine;
mod common;
mod parity_bert;
mod parity_cornet;
mod parity_efficientnet;
mod parity_gpt;
mod parity_lstm;
