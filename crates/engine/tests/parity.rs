//! Native harness for the parity tests: GPU (lavapipe with `WGPU_BACKEND=vulkan`) against the
//! CPU reference. The browser runs the same bodies through `web.rs`.

#![cfg(not(target_arch = "wasm32"))]

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
