//! Native harness: engine CORnet forward (Cpu, and Gpu via lavapipe with
//! `WGPU_BACKEND=vulkan`) against the candle fixtures. `web.rs` runs the same bodies in
//! headless Chromium.

#![cfg(not(target_arch = "wasm32"))]

#[macro_use]
extern crate brainprobe_engine;
mod common;
mod parity_bert;
mod parity_cornet;
mod parity_efficientnet;
mod parity_gpt;
mod parity_lstm;
