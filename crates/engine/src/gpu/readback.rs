//! Async readback: copy into a `MAP_READ` staging buffer, `map_async` into a oneshot channel,
//! poll only on native (the browser delivers the callback on its event loop), await, unmap.
//! Several tensors are read with one submit ([`read_many`]): once per forward, not per op.

use futures_channel::oneshot;

use super::buffer::GpuBuffer;
use super::context::Gpu;
use crate::error::{EngineError, Result};

/// Reads one buffer back to the host.
pub(crate) async fn read_vec(buf: &GpuBuffer) -> Result<Vec<f32>> {
    let mut out = read_many(&buf.gpu, &[buf]).await?;
    Ok(out.pop().unwrap_or_default())
}

/// Reads several buffers of one GPU back with a single submit and a single map.
pub(crate) async fn read_many(gpu: &Gpu, bufs: &[&GpuBuffer]) -> Result<Vec<Vec<f32>>> {
    let ctx = &gpu.ctx;
    ctx.check()?;
    let total: usize = bufs.iter().map(|b| b.len()).sum();
    if total == 0 {
        return Ok(bufs.iter().map(|_| Vec::new()).collect());
    }
    let bytes = total as u64 * 4;
    let staging = ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("readback"),
        size: bytes,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let mut encoder = ctx.take_encoder()?;
    let mut offset = 0u64;
    for b in bufs {
        let n = b.len() as u64 * 4;
        if n > 0 {
            encoder.copy_buffer_to_buffer(b.raw(), 0, &staging, offset, n);
        }
        offset += n;
    }
    ctx.queue.submit([encoder.finish()]);
    let (tx, rx) = oneshot::channel();
    staging.slice(..).map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    #[cfg(not(target_arch = "wasm32"))]
    ctx.device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| EngineError::DeviceLost(e.to_string()))?;
    let mapped = rx
        .await
        .map_err(|_| EngineError::DeviceLost("map callback dropped".into()))?;
    ctx.check()?;
    mapped.map_err(|e| EngineError::Readback(e.to_string()))?;
    let flat: Vec<f32> = {
        let view = staging
            .slice(..)
            .get_mapped_range()
            .map_err(|e| EngineError::Readback(e.to_string()))?;
        bytemuck::cast_slice(&view).to_vec()
    };
    staging.unmap();
    let mut out = Vec::with_capacity(bufs.len());
    let mut start = 0;
    for b in bufs {
        out.push(flat[start..start + b.len()].to_vec());
        start += b.len();
    }
    Ok(out)
}
