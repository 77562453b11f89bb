//! Device buffers and the pool that recycles them. A [`GpuBuffer`] returns its allocation to
//! the pool when the last tensor sharing it is dropped; the next op of a similar size reuses
//! it. Reuse inside one pending encoder is safe because commands execute in recording order,
//! and uploads never write into a recycled buffer (they map a fresh one at creation).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::context::{Gpu, GpuContext};
use crate::error::{EngineError, Result};

/// Bytes of idle buffers the pool keeps before it starts freeing returned ones.
const MAX_RETAINED_BYTES: u64 = 1 << 30;
const USAGE: wgpu::BufferUsages = wgpu::BufferUsages::STORAGE
    .union(wgpu::BufferUsages::COPY_SRC)
    .union(wgpu::BufferUsages::COPY_DST);

#[derive(Default)]
struct PoolInner {
    free: HashMap<u64, Vec<wgpu::Buffer>>,
    staging: HashMap<u64, Vec<wgpu::Buffer>>,
    retained: u64,
    allocated: u64,
    reused: u64,
}

/// Size-bucketed free lists of storage buffers.
#[derive(Default, Clone)]
pub(crate) struct BufferPool {
    inner: Arc<Mutex<PoolInner>>,
}

/// One allocation, handed back to the pool on drop.
struct Pooled {
    buffer: Option<wgpu::Buffer>,
    bucket: u64,
    pool: BufferPool,
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let (Some(buffer), Ok(mut inner)) = (self.buffer.take(), self.pool.inner.lock()) {
            if inner.retained + self.bucket <= MAX_RETAINED_BYTES {
                inner.retained += self.bucket;
                inner.free.entry(self.bucket).or_default().push(buffer);
            }
        }
    }
}

/// How values are stored in a GPU buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dtype {
    /// 4-byte words (f32 values, or u32 ids).
    F32,
    /// f16 values packed two per word (weights, where the adapter has `shader-f16`).
    F16,
}

/// Values on the GPU: a pooled buffer (shared by reshaped views), the element count and
/// how they are stored (f32, or f16 weights).
#[derive(Clone)]
pub struct GpuBuffer {
    pooled: Arc<Pooled>,
    len: usize,
    pub(crate) dtype: Dtype,
    pub(crate) gpu: Gpu,
}

impl std::fmt::Debug for GpuBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GpuBuffer(len {})", self.len)
    }
}

/// Rounds a request up to a bucket: powers of two and 1.5 x powers of two (<= 33 % waste).
fn bucket(bytes: u64) -> u64 {
    let bytes = bytes.max(16);
    let pow = bytes.next_power_of_two();
    let three_quarters = pow / 4 * 3;
    let b = if bytes <= three_quarters && three_quarters.is_multiple_of(4) {
        three_quarters
    } else {
        pow
    };
    b.div_ceil(4) * 4
}

impl BufferPool {
    /// A `MAP_READ | COPY_DST` buffer of at least `bytes` (recycled when possible) and its
    /// bucket size; hand it back with [`BufferPool::put_staging`] once unmapped.
    pub fn take_staging(&self, device: &wgpu::Device, bytes: u64) -> (wgpu::Buffer, u64) {
        let size = bucket(bytes);
        let found = self
            .inner
            .lock()
            .ok()
            .and_then(|mut i| i.staging.get_mut(&size).and_then(|v| v.pop()));
        let buffer = found.unwrap_or_else(|| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("readback staging"),
                size,
                usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            })
        });
        (buffer, size)
    }

    /// Returns an unmapped staging buffer for reuse (a few per size are kept).
    pub fn put_staging(&self, buffer: wgpu::Buffer, size: u64) {
        if let Ok(mut inner) = self.inner.lock() {
            let list = inner.staging.entry(size).or_default();
            if list.len() < 4 {
                list.push(buffer);
            }
        }
    }

    /// (buffers created, buffers reused) since the context opened.
    pub fn stats(&self) -> (u64, u64) {
        self.inner
            .lock()
            .map(|i| (i.allocated, i.reused))
            .unwrap_or((0, 0))
    }
}

impl GpuBuffer {
    /// An uninitialised buffer for `len` f32 values, recycled from the pool when possible.
    pub(crate) fn alloc(gpu: &Gpu, len: usize, op: &'static str) -> Result<GpuBuffer> {
        let ctx = &gpu.ctx;
        let bytes = bucket(byte_len(ctx, len, op)?);
        let reused = {
            let mut inner = ctx.pool.inner.lock().map_err(|_| poisoned())?;
            let found = inner.free.get_mut(&bytes).and_then(|v| v.pop());
            if found.is_some() {
                inner.retained -= bytes;
                inner.reused += 1;
            } else {
                inner.allocated += 1;
            }
            found
        };
        let buffer = match reused {
            Some(b) => b,
            None => ctx.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(op),
                size: bytes,
                usage: USAGE,
                mapped_at_creation: false,
            }),
        };
        Ok(Self::wrap(gpu, buffer, bytes, len))
    }

    /// A buffer holding `values` as packed f16 (the caller checked `shader-f16`).
    pub(crate) fn upload_f16(gpu: &Gpu, values: &[f32], op: &'static str) -> Result<GpuBuffer> {
        let mut buf = Self::upload(gpu, &crate::half::pack_f16(values), op)?;
        buf.len = values.len();
        buf.dtype = Dtype::F16;
        Ok(buf)
    }

    /// Bytes one element takes.
    pub(crate) fn elem_bytes(&self) -> usize {
        match self.dtype {
            Dtype::F32 => 4,
            Dtype::F16 => 2,
        }
    }

    /// Bytes that `len` elements take, rounded up to whole 4-byte words.
    pub(crate) fn bytes_for(&self, len: usize) -> u64 {
        ((len * self.elem_bytes()).div_ceil(4) * 4) as u64
    }

    /// A buffer holding `data` (f32 or u32 words), written at creation.
    pub(crate) fn upload<T: bytemuck::Pod>(
        gpu: &Gpu,
        data: &[T],
        op: &'static str,
    ) -> Result<GpuBuffer> {
        let ctx = &gpu.ctx;
        ctx.check()?;
        let len = std::mem::size_of_val(data) / 4;
        let bytes = bucket(byte_len(ctx, len, op)?);
        let buffer = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(op),
            size: bytes,
            usage: USAGE,
            mapped_at_creation: true,
        });
        {
            let mut view = buffer
                .slice(..)
                .get_mapped_range_mut()
                .map_err(|e| EngineError::Gpu(e.to_string()))?;
            let src: &[u8] = bytemuck::cast_slice(data);
            view.slice(..src.len()).copy_from_slice(src);
        }
        buffer.unmap();
        ctx.pool.inner.lock().map_err(|_| poisoned())?.allocated += 1;
        Ok(Self::wrap(gpu, buffer, bytes, len))
    }

    // wgpu handles are Send + Sync natively; on wasm32 they are not, but that target is
    // single-threaded, so the Arc is only a shared-ownership counter there.
    #[allow(clippy::arc_with_non_send_sync)]
    fn wrap(gpu: &Gpu, buffer: wgpu::Buffer, bucket: u64, len: usize) -> GpuBuffer {
        GpuBuffer {
            pooled: Arc::new(Pooled {
                buffer: Some(buffer),
                bucket,
                pool: gpu.ctx.pool.clone(),
            }),
            len,
            dtype: Dtype::F32,
            gpu: gpu.clone(),
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the buffer holds no values.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The wgpu buffer (at least `bytes_for(len)` bytes).
    pub(crate) fn raw(&self) -> &wgpu::Buffer {
        // `buffer` is only taken in `Drop`, so it is always present here.
        self.pooled
            .buffer
            .as_ref()
            .unwrap_or_else(|| unreachable!("pooled buffer taken before drop"))
    }

    /// The same allocation seen with another element count (reshape keeps the data).
    pub(crate) fn with_len(&self, len: usize) -> GpuBuffer {
        GpuBuffer {
            pooled: self.pooled.clone(),
            len,
            dtype: self.dtype,
            gpu: self.gpu.clone(),
        }
    }
}

fn byte_len(ctx: &GpuContext, len: usize, op: &'static str) -> Result<u64> {
    let bytes = (len as u64).saturating_mul(4);
    if bytes > ctx.limits.max_buffer_size {
        return Err(EngineError::OutOfMemory {
            op,
            detail: format!(
                "{bytes} bytes requested, the device allows {} per buffer",
                ctx.limits.max_buffer_size
            ),
        });
    }
    Ok(bytes)
}

fn poisoned() -> EngineError {
    EngineError::Gpu("buffer pool lock poisoned".into())
}

#[cfg(test)]
mod tests {
    use super::bucket;

    #[test]
    fn buckets_cover_the_request_with_bounded_waste() {
        for bytes in [1u64, 4, 16, 17, 100, 4096, 5000, 1 << 20, (1 << 20) + 4] {
            let b = bucket(bytes);
            assert!(b >= bytes && b.is_multiple_of(4), "{bytes} -> {b}");
            assert!(b <= (bytes.max(16) * 3).div_ceil(2) + 4, "{bytes} -> {b}");
        }
        assert_eq!(bucket(3 << 10), 3 << 10);
        assert_eq!(bucket(4 << 10), 4 << 10);
    }
}
