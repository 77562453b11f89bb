//! Recording one dispatch: uniform parameters, bind group, grid sizing within device limits.
//! Binding 0 of every kernel is its `Params` uniform; bindings 1.. are storage ranges, in order.

use wgpu::util::DeviceExt;

use super::buffer::GpuBuffer;
use super::context::Gpu;
use super::kernels::{EntryPoint, Kernel, Specialization, LINE_WG};
use crate::error::{EngineError, Result};

/// A range of a buffer bound to a kernel, in elements of the buffer's dtype.
pub(crate) struct Bind<'a> {
    pub buf: &'a GpuBuffer,
    pub offset: usize,
    pub len: usize,
}

impl<'a> Bind<'a> {
    /// The whole logical content of `buf`.
    pub fn whole(buf: &'a GpuBuffer) -> Self {
        Bind {
            buf,
            offset: 0,
            len: buf.len(),
        }
    }

    /// Each of `bufs` whole, in binding order.
    pub fn all_whole(bufs: &[&'a GpuBuffer]) -> Vec<Self> {
        bufs.iter().map(|buf| Bind::whole(buf)).collect()
    }

    /// Elements `start..start + len` of `buf`, bound from the nearest aligned offset at or
    /// below `start`; also returns where `start` lies inside the binding (the kernel's offset
    /// parameter). The binding is up to `offset_align_elems - 1` elements longer than `len`.
    pub fn range(gpu: &Gpu, buf: &'a GpuBuffer, start: usize, len: usize) -> (Self, usize) {
        let skip = start % offset_align_elems(gpu);
        let bind = Bind {
            buf,
            offset: start - skip,
            len: skip + len,
        };
        (bind, skip)
    }
}

/// Uniform parameter words: u32 fields, f32 fields stored by bit pattern.
#[derive(Default)]
pub(crate) struct Params(pub Vec<u32>);

impl Params {
    /// Appends u32 fields.
    pub fn u(mut self, values: &[usize]) -> Self {
        self.0.extend(values.iter().map(|&v| v as u32));
        self
    }
    /// Appends an f32 field.
    pub fn f(mut self, value: f32) -> Self {
        self.0.push(value.to_bits());
        self
    }
}

/// Largest element count that fits in one binding, rounded down to the offset alignment.
pub(crate) fn max_binding_elems(gpu: &Gpu) -> usize {
    let align = offset_align_elems(gpu);
    let elems = (gpu.ctx.max_binding / 4) as usize;
    (elems / align * align).max(align)
}

/// Storage offsets must be multiples of this many f32 elements.
pub(crate) fn offset_align_elems(gpu: &Gpu) -> usize {
    (gpu.ctx.limits.min_storage_buffer_offset_alignment as usize / 4).max(1)
}

/// Fails with [`EngineError::BindingTooLarge`] when `bytes` do not fit one binding.
pub(crate) fn check_binding(gpu: &Gpu, op: &'static str, bytes: u64) -> Result<()> {
    if bytes > gpu.ctx.max_binding {
        return Err(EngineError::BindingTooLarge {
            op,
            bytes,
            limit: gpu.ctx.max_binding,
        });
    }
    Ok(())
}

/// Workgroup grid for `groups` workgroups on a line, folded into y when x would exceed the
/// device's per-dimension limit. Kernels recover the line index as `x + y * num_workgroups.x`.
pub(crate) fn line_grid(gpu: &Gpu, groups: usize) -> Result<[u32; 3]> {
    let max = gpu.ctx.limits.max_compute_workgroups_per_dimension.max(1) as usize;
    let groups = groups.max(1);
    if groups <= max {
        return Ok([groups as u32, 1, 1]);
    }
    let y = groups.div_ceil(max);
    if y > max {
        return Err(EngineError::OutOfMemory {
            op: "dispatch",
            detail: format!("{groups} workgroups exceed the grid limit"),
        });
    }
    Ok([max as u32, y as u32, 1])
}

/// One dispatch to record: the kernel variant, and the op name its errors and GPU labels carry.
#[derive(Clone, Copy)]
pub(crate) struct Launch {
    op: &'static str,
    kernel: Kernel,
    spec: Specialization,
}

impl Launch {
    /// `kernel` as written, run for `op`.
    pub fn new(op: &'static str, kernel: Kernel) -> Self {
        Launch {
            op,
            kernel,
            spec: Specialization::Plain,
        }
    }

    /// The same launch of the `spec` variant.
    pub fn variant(self, spec: Specialization) -> Self {
        Launch { spec, ..self }
    }

    /// Records the kernel over `count` work items, sizing the grid by its [`EntryPoint`]:
    /// elements ([`LINE_WG`] to a workgroup) or rows (a workgroup each). Records nothing when
    /// `count` is 0.
    pub fn over(self, gpu: &Gpu, params: Params, binds: &[Bind<'_>], count: usize) -> Result<()> {
        let groups = match self.kernel.entry_point() {
            EntryPoint::Line => count.div_ceil(LINE_WG),
            EntryPoint::Row => count,
            EntryPoint::InBody => {
                return Err(EngineError::Gpu(format!(
                    "{}: {:?} sizes its own grid",
                    self.op, self.kernel
                )))
            }
        };
        if count == 0 {
            return Ok(());
        }
        self.on_grid(gpu, params, binds, line_grid(gpu, groups)?)
    }

    /// Records the kernel on an explicit workgroup grid.
    pub fn on_grid(
        self,
        gpu: &Gpu,
        params: Params,
        binds: &[Bind<'_>],
        grid: [u32; 3],
    ) -> Result<()> {
        let Launch { op, kernel, spec } = self;
        let ctx = &gpu.ctx;
        ctx.check()?;
        let align = offset_align_elems(gpu);
        for b in binds {
            check_binding(gpu, op, b.buf.bytes_for(b.len))?;
            if b.offset % align != 0 || b.offset + b.len > b.buf.len() {
                return Err(EngineError::Gpu(format!(
                    "{op}: misaligned or out-of-range binding (offset {}, len {})",
                    b.offset, b.len
                )));
            }
        }
        let mut words = params.0;
        words.resize(words.len().div_ceil(4).max(1) * 4, 0);
        let uniform = ctx
            .device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(op),
                contents: bytemuck::cast_slice(&words),
                usage: wgpu::BufferUsages::UNIFORM,
            });
        let pipeline = ctx.pipelines.get(&ctx.device, kernel, spec)?;
        let layout = pipeline.get_bind_group_layout(0);
        let mut entries = vec![wgpu::BindGroupEntry {
            binding: 0,
            resource: uniform.as_entire_binding(),
        }];
        for (i, b) in binds.iter().enumerate() {
            entries.push(wgpu::BindGroupEntry {
                binding: i as u32 + 1,
                resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                    buffer: b.buf.raw(),
                    offset: (b.offset * b.buf.elem_bytes()) as u64,
                    size: wgpu::BufferSize::new(b.buf.bytes_for(b.len.max(1))),
                }),
            });
        }
        let bind_group = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some(op),
            layout: &layout,
            entries: &entries,
        });
        ctx.record(|encoder| {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some(op),
                timestamp_writes: None,
            });
            pass.set_pipeline(&pipeline);
            pass.set_bind_group(0, &bind_group, &[]);
            pass.dispatch_workgroups(grid[0], grid[1], grid[2]);
        })
    }
}
