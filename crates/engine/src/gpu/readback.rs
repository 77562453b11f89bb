//! Async readback: copy into a pooled `MAP_READ` staging buffer, `map_async` into a oneshot
//! channel, poll only on native (the browser delivers the callback on its event loop), await,
//! unmap and return the staging buffer to the pool.
//! Several tensors are read with one submit ([`read_many`]): once per forward, not per op.

use futures_channel::oneshot;

use super::buffer::{Dtype, GpuBuffer};
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
    let bytes: u64 = bufs.iter().map(|b| b.bytes_for(b.len())).sum();
    if bytes == 0 {
        return Ok(bufs.iter().map(|_| Vec::new()).collect());
    }
    let (staging, staging_size) = ctx.pool.take_staging(&ctx.device, bytes);
    ctx.submit(|encoder| {
        let mut offset = 0u64;
        for b in bufs {
            let n = b.bytes_for(b.len());
            if n > 0 {
                encoder.copy_buffer_to_buffer(b.raw(), 0, &staging, offset, n);
            }
            offset += n;
        }
    })?;
    let (tx, rx) = oneshot::channel();
    staging
        .slice(..bytes)
        .map_async(wgpu::MapMode::Read, move |r| {
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
    let flat: Vec<u32> = {
        let view = staging
            .slice(..bytes)
            .get_mapped_range()
            .map_err(|e| EngineError::Readback(e.to_string()))?;
        bytemuck::cast_slice(&view).to_vec()
    };
    staging.unmap();
    ctx.pool.put_staging(staging, staging_size);
    let mut out = Vec::with_capacity(bufs.len());
    let mut start = 0;
    for b in bufs {
        let words = &flat[start..start + b.bytes_for(b.len()) as usize / 4];
        out.push(match b.dtype {
            Dtype::F32 => words.iter().map(|&w| f32::from_bits(w)).collect(),
            Dtype::F16 => crate::half::unpack_f16(words, b.len()),
        });
        start += words.len();
    }
    Ok(out)
}
