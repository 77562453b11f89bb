//! `brainprobe-engine`: the bottom of the crate chain (engine <- models <- benchmarks <- cli/app).
//!
//! A [`Tensor`] of f32 lives on a [`Device`]: [`Device::Gpu`] (wgpu — WebGPU in the browser,
//! Vulkan natively) when an adapter is available, else [`Device::Cpu`] (ndarray). Every op is
//! a `Tensor` method with a WGSL kernel (`src/gpu/kernels/*.wgsl`) and a CPU reference
//! (`src/cpu/`), so model code runs unchanged on either device and the parity tests compare
//! the two. GPU ops are recorded into one command encoder and submitted when results are read.
//!
//! ```no_run
//! # async fn demo() -> Result<(), brainprobe_engine::EngineError> {
//! use brainprobe_engine::{Device, Tensor};
//! let device = Device::auto().await; // GPU if present, otherwise CPU
//! println!("{}", device.describe());
//! let x = Tensor::from_vec(vec![1.0, -2.0, 3.0, -4.0], &[2, 2], &device)?;
//! let w = Tensor::from_vec(vec![0.5, 0.0, 0.0, 0.5], &[2, 2], &device)?;
//! let y = x.matmul(&w)?.relu()?.softmax(false)?;
//! let values = y.to_vec().await?; // one submit + one readback
//! # let _ = values; Ok(()) }
//! ```

#![warn(missing_docs)]

mod cpu;
mod device;
mod error;
pub mod gpu;
mod half;
mod ops;
mod quant;
mod tensor;
pub mod testing;

pub use device::{Device, DeviceInfo};
pub use error::{EngineError, Result};
pub use gpu::{Gpu, GpuOptions};
pub use ops::{
    fold_batch_norm, BinaryOp, Conv2dParams, ConvAlgo, LstmWeights, Pool2dParams, PoolKind, UnaryOp,
};
pub use quant::{QMatrix, QuantType};
pub use tensor::{Storage, Tensor};
