//! The wgpu backend: context (adapter, device, limits), buffer pool, pipeline cache, kernels,
//! batched submission and async readback. One `call_*` function per op lives in [`ops`].

mod buffer;
mod context;
mod kernels;
mod launch;
pub(crate) mod ops;
mod pipeline;
mod readback;

pub(crate) use buffer::Dtype;
pub use buffer::GpuBuffer;
pub use context::{Gpu, GpuOptions};
pub use kernels::{EntryPoint, Kernel, Specialization};
pub(crate) use readback::{read_many, read_vec};

#[cfg(test)]
mod validate_tests;
