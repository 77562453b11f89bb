//! Browser harness: the parity bodies of `parity_*.rs` in headless Chromium on WebGPU
//! (`cargo xtask browser-test engine`, `webdriver.json` enables WebGPU).

#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[macro_use]
extern crate brainprobe_engine;
mod common;
mod parity_conv;
mod parity_device;
mod parity_elementwise;
mod parity_layout;
mod parity_llama;
mod parity_matmul;
mod parity_norm;
mod parity_quant;
mod parity_sequence;
