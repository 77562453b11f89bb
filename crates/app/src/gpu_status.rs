//! Asks the browser (or the native system) for a GPU adapter through wgpu, so the page can
//! say whether networks will run on WebGPU or on the CPU fallback.

/// What the adapter request found.
#[derive(Debug, Clone, PartialEq)]
pub enum GpuStatus {
    /// An adapter is available.
    Adapter {
        /// Adapter name (browsers often report an empty one).
        name: String,
        /// Backend, e.g. `BrowserWebGpu` or `Vulkan`.
        backend: String,
        /// Device type, e.g. `Cpu` for SwiftShader / lavapipe, `DiscreteGpu`.
        device_type: String,
    },
    /// No adapter: networks run on the CPU.
    CpuFallback {
        /// Why no adapter was found.
        reason: String,
    },
}

impl GpuStatus {
    /// One line for the UI.
    pub fn describe(&self) -> String {
        match self {
            GpuStatus::Adapter {
                name,
                backend,
                device_type,
            } => {
                let name = if name.is_empty() {
                    "(unnamed adapter)"
                } else {
                    name
                };
                format!("WebGPU adapter found: {name} · {device_type} · {backend}")
            }
            GpuStatus::CpuFallback { reason } => {
                format!("No WebGPU adapter — CPU fallback ({reason})")
            }
        }
    }
}

/// Requests an adapter with default options.
pub async fn probe() -> GpuStatus {
    let instance =
        wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
    match instance
        .request_adapter(&wgpu::RequestAdapterOptions::default())
        .await
    {
        Ok(adapter) => {
            let info = adapter.get_info();
            GpuStatus::Adapter {
                name: info.name,
                backend: format!("{:?}", info.backend),
                device_type: format!("{:?}", info.device_type),
            }
        }
        Err(e) => GpuStatus::CpuFallback {
            reason: e.to_string(),
        },
    }
}
