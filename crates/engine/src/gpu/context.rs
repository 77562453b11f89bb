//! The GPU context: adapter selection, device creation, limits, error capture and the one
//! pending command encoder that every op records into (one submit per forward, not per op).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::buffer::BufferPool;
use super::pipeline::PipelineCache;
use crate::error::{EngineError, Result};

/// Pending dispatches after which the encoder is submitted even without a readback, so a very
/// long forward pass does not hold an unbounded command list.
const MAX_PENDING_DISPATCHES: u32 = 512;

/// Options for opening a GPU; the defaults suit the app and the CLI.
#[derive(Debug, Clone, Default)]
pub struct GpuOptions {
    /// Cap on the storage-binding size the engine will use, below the adapter's own limit.
    /// Tests set a small value to exercise the chunked paths.
    pub max_binding_bytes: Option<u64>,
    /// Prefer a low-power adapter (integrated GPU) over a discrete one.
    pub low_power: bool,
}

/// A handle on an open GPU (cheap to clone; all clones share one device and its caches).
#[derive(Clone)]
pub struct Gpu {
    pub(crate) ctx: Arc<GpuContext>,
}

impl std::fmt::Debug for Gpu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Gpu({:?}, {:?})",
            self.ctx.info.name, self.ctx.info.backend
        )
    }
}

/// Everything the kernels need: device, queue, limits, caches, the pending encoder.
pub(crate) struct GpuContext {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub info: wgpu::AdapterInfo,
    pub limits: wgpu::Limits,
    pub shader_f16: bool,
    /// The binding-size limit the engine splits operands against.
    pub max_binding: u64,
    pub pipelines: PipelineCache,
    pub pool: BufferPool,
    encoder: Mutex<Option<(wgpu::CommandEncoder, u32)>>,
    lost: Arc<Mutex<Option<String>>>,
    lost_flag: Arc<AtomicBool>,
    error: Arc<Mutex<Option<EngineError>>>,
}

impl Gpu {
    /// Opens the best adapter wgpu finds (`WGPU_BACKEND` is honoured natively).
    pub async fn open(options: GpuOptions) -> Result<Gpu> {
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let power_preference = if options.low_power {
            wgpu::PowerPreference::LowPower
        } else {
            wgpu::PowerPreference::HighPerformance
        };
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference,
                ..Default::default()
            })
            .await
            .map_err(|e| EngineError::NoAdapter(e.to_string()))?;
        let info = adapter.get_info();
        let adapter_limits = adapter.limits();
        let shader_f16 = adapter.features().contains(wgpu::Features::SHADER_F16);
        let mut required_features = wgpu::Features::empty();
        if shader_f16 {
            required_features |= wgpu::Features::SHADER_F16;
        }
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("brainprobe-engine"),
                required_features,
                required_limits: adapter_limits.clone(),
                ..Default::default()
            })
            .await
            .map_err(|e| EngineError::RequestDevice(e.to_string()))?;
        let limits = device.limits();
        let mut max_binding = limits.max_storage_buffer_binding_size;
        if let Some(cap) = options.max_binding_bytes {
            max_binding =
                max_binding.min(cap.max(limits.min_storage_buffer_offset_alignment as u64 * 4));
        }
        let lost = Arc::new(Mutex::new(None));
        let lost_flag = Arc::new(AtomicBool::new(false));
        let error = Arc::new(Mutex::new(None));
        {
            let (lost, lost_flag) = (lost.clone(), lost_flag.clone());
            device.set_device_lost_callback(move |reason, message| {
                if let Ok(mut slot) = lost.lock() {
                    *slot = Some(format!("{reason:?}: {message}"));
                }
                lost_flag.store(true, Ordering::SeqCst);
            });
            let error = error.clone();
            device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
                let converted = match &e {
                    wgpu::Error::OutOfMemory { .. } => EngineError::OutOfMemory {
                        op: "allocation",
                        detail: e.to_string(),
                    },
                    _ => EngineError::Gpu(e.to_string()),
                };
                if let Ok(mut slot) = error.lock() {
                    slot.get_or_insert(converted);
                }
            }));
        }
        let ctx = GpuContext {
            pipelines: PipelineCache::default(),
            pool: BufferPool::default(),
            encoder: Mutex::new(None),
            device,
            queue,
            info,
            limits,
            shader_f16,
            max_binding,
            lost,
            lost_flag,
            error,
        };
        // Send + Sync natively; wasm32 is single-threaded (see buffer.rs).
        #[allow(clippy::arc_with_non_send_sync)]
        let ctx = Arc::new(ctx);
        Ok(Gpu { ctx })
    }

    /// Adapter name ("" in browsers, which hide it), backend and device type.
    pub fn adapter_info(&self) -> &wgpu::AdapterInfo {
        &self.ctx.info
    }

    /// The device limits the engine runs under.
    pub fn limits(&self) -> &wgpu::Limits {
        &self.ctx.limits
    }

    /// The storage-binding size operands are split against (the device limit or the cap).
    pub fn max_binding_bytes(&self) -> u64 {
        self.ctx.max_binding
    }

    /// Whether the adapter offers `shader-f16` (used for f16 weight storage).
    pub fn supports_f16(&self) -> bool {
        self.ctx.shader_f16
    }

    /// Submits all recorded work now (readbacks do this themselves).
    pub fn flush(&self) -> Result<()> {
        self.ctx.flush()
    }

    /// Buffers (created, reused from the pool) since the device opened.
    pub fn pool_stats(&self) -> (u64, u64) {
        self.ctx.pool.stats()
    }

    /// Number of pipelines compiled so far (for tests of the cache).
    pub fn cached_pipelines(&self) -> usize {
        self.ctx.pipelines.len()
    }

    /// Destroys the device, as a driver reset would; later ops return
    /// [`EngineError::DeviceLost`]. Exists so the fallback path can be tested.
    pub fn simulate_device_loss(&self) {
        self.ctx.device.destroy();
        self.ctx.lost_flag.store(true, Ordering::SeqCst);
    }

    pub(crate) fn same(&self, other: &Gpu) -> bool {
        Arc::ptr_eq(&self.ctx, &other.ctx)
    }
}

impl GpuContext {
    /// Fails with [`EngineError::DeviceLost`] or a captured wgpu error, if any occurred.
    pub fn check(&self) -> Result<()> {
        if self.lost_flag.load(Ordering::SeqCst) {
            let why = self
                .lost
                .lock()
                .ok()
                .and_then(|s| s.clone())
                .unwrap_or_else(|| "device destroyed".to_string());
            return Err(EngineError::DeviceLost(why));
        }
        if let Some(e) = self.error.lock().ok().and_then(|mut s| s.take()) {
            return Err(e);
        }
        Ok(())
    }

    /// Runs `record` on the pending encoder (created on first use) and counts one dispatch.
    pub fn record(&self, record: impl FnOnce(&mut wgpu::CommandEncoder)) -> Result<()> {
        let full = {
            let mut slot = self
                .encoder
                .lock()
                .map_err(|_| EngineError::Gpu("encoder lock poisoned".into()))?;
            let (encoder, count) = slot.get_or_insert_with(|| {
                let encoder = self
                    .device
                    .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                        label: Some("brainprobe forward"),
                    });
                (encoder, 0)
            });
            record(encoder);
            *count += 1;
            *count >= MAX_PENDING_DISPATCHES
        };
        if full {
            self.flush()?;
        }
        Ok(())
    }

    /// Appends `extra` (a readback's copies) to the pending encoder, or a fresh one, and
    /// submits it. The lock is held until the submit, so work recorded earlier by another
    /// thread is never submitted after a readback that depends on it.
    pub fn submit(&self, extra: impl FnOnce(&mut wgpu::CommandEncoder)) -> Result<()> {
        let mut slot = self
            .encoder
            .lock()
            .map_err(|_| EngineError::Gpu("encoder lock poisoned".into()))?;
        let mut encoder = match slot.take() {
            Some((encoder, _)) => encoder,
            None => self
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some("brainprobe readback"),
                }),
        };
        extra(&mut encoder);
        self.queue.submit([encoder.finish()]);
        Ok(())
    }

    /// Submits the pending encoder, if any.
    pub fn flush(&self) -> Result<()> {
        self.check()?;
        let mut slot = self
            .encoder
            .lock()
            .map_err(|_| EngineError::Gpu("encoder lock poisoned".into()))?;
        if let Some((encoder, _)) = slot.take() {
            self.queue.submit([encoder.finish()]);
        }
        Ok(())
    }
}
