//! Where tensors live: [`Device::Gpu`] when an adapter is available, else [`Device::Cpu`].
//! Model code takes a `&Device` and never branches on it.

use std::fmt;

use crate::error::Result;
use crate::gpu::{Gpu, GpuOptions};

/// The compute device chosen at start-up; the same op calls run on either.
#[derive(Clone, Debug)]
pub enum Device {
    /// The ndarray reference implementation (also the fallback when no GPU works).
    Cpu,
    /// wgpu: WebGPU in the browser, Vulkan/Metal/DX12 natively.
    Gpu(Gpu),
}

/// A description of a device for the UI and the CLI (see its `Display`).
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceInfo {
    /// `"gpu"` or `"cpu"`.
    pub kind: &'static str,
    /// Adapter name (empty in browsers, which hide it) or `"ndarray"`.
    pub name: String,
    /// wgpu backend (`Vulkan`, `BrowserWebGpu`, ...) or `"cpu"`.
    pub backend: String,
    /// `DiscreteGpu`, `IntegratedGpu`, `Cpu` (a software GPU such as lavapipe), ...
    pub device_type: String,
    /// Driver name and version, when the adapter reports them.
    pub driver: String,
    /// Storage-binding limit the engine splits operands against, in bytes.
    pub max_binding_bytes: Option<u64>,
    /// Largest buffer the device allows, in bytes.
    pub max_buffer_bytes: Option<u64>,
    /// Whether f16 weight storage is available.
    pub shader_f16: bool,
}

impl Device {
    /// The GPU if one can be opened, otherwise the CPU. Use [`Device::gpu`] to learn why not.
    pub async fn auto() -> Device {
        Device::gpu(GpuOptions::default())
            .await
            .unwrap_or(Device::Cpu)
    }

    /// Opens a GPU with `options`, or says why it could not.
    pub async fn gpu(options: GpuOptions) -> Result<Device> {
        Ok(Device::Gpu(Gpu::open(options).await?))
    }

    /// True for [`Device::Gpu`].
    pub fn is_gpu(&self) -> bool {
        matches!(self, Device::Gpu(_))
    }

    /// Adapter name, backend, type and limits for display.
    pub fn describe(&self) -> DeviceInfo {
        match self {
            Device::Cpu => DeviceInfo {
                kind: "cpu",
                name: "ndarray".into(),
                backend: "cpu".into(),
                device_type: "Cpu".into(),
                driver: String::new(),
                max_binding_bytes: None,
                max_buffer_bytes: None,
                shader_f16: false,
            },
            Device::Gpu(gpu) => {
                let info = gpu.adapter_info();
                DeviceInfo {
                    kind: "gpu",
                    name: info.name.clone(),
                    backend: format!("{:?}", info.backend),
                    device_type: format!("{:?}", info.device_type),
                    driver: format!("{} {}", info.driver, info.driver_info)
                        .trim()
                        .to_string(),
                    max_binding_bytes: Some(gpu.max_binding_bytes()),
                    max_buffer_bytes: Some(gpu.limits().max_buffer_size),
                    shader_f16: gpu.supports_f16(),
                }
            }
        }
    }
}

impl fmt::Display for DeviceInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind == "cpu" {
            return write!(f, "CPU (ndarray reference path, no GPU in use)");
        }
        let name = if self.name.is_empty() {
            "unnamed adapter"
        } else {
            &self.name
        };
        write!(f, "GPU: {name} ({}, {}", self.backend, self.device_type)?;
        if self.device_type == "Cpu" {
            write!(f, ", software-emulated")?;
        }
        if let Some(b) = self.max_binding_bytes {
            write!(f, ", max binding {} MiB", b >> 20)?;
        }
        if self.shader_f16 {
            write!(f, ", shader-f16")?;
        }
        write!(f, ")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_description_says_no_gpu() {
        let info = Device::Cpu.describe();
        assert_eq!(info.kind, "cpu");
        assert!(info.to_string().contains("no GPU"));
    }
}
