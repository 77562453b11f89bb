//! [`Tensor`]: f32 values in row-major order, stored on the CPU (ndarray) or the GPU.

use ndarray::{ArrayD, IxDyn};

use crate::device::Device;
use crate::error::{EngineError, Result};
use crate::gpu::{self, Dtype, Gpu, GpuBuffer};

/// Where a tensor's values are.
#[derive(Clone, Debug)]
pub enum Storage {
    /// Host memory, standard (row-major) layout.
    Cpu(ArrayD<f32>),
    /// A GPU buffer, row-major.
    Gpu(GpuBuffer),
}

/// An f32 tensor (always contiguous, row-major). Ops are methods that dispatch on storage once.
#[derive(Clone, Debug)]
pub struct Tensor {
    pub(crate) shape: Vec<usize>,
    pub(crate) storage: Storage,
}

/// Operands of one op, all on the same device.
pub(crate) enum Placed<'a> {
    Cpu(Vec<&'a ArrayD<f32>>),
    Gpu(Gpu, Vec<&'a GpuBuffer>),
}

/// Checks that every operand of `op` lives on one device; nothing is copied implicitly.
/// f16 weights are refused (only matmul's right operand takes them, see [`place_f16_rhs`]).
pub(crate) fn place<'a>(op: &'static str, ts: &[&'a Tensor]) -> Result<Placed<'a>> {
    place_with(op, ts, None)
}

/// [`place`] for an op that accepts f16 weights as operand `slot`.
pub(crate) fn place_f16_rhs<'a>(
    op: &'static str,
    ts: &[&'a Tensor],
    slot: usize,
) -> Result<Placed<'a>> {
    place_with(op, ts, Some(slot))
}

fn place_with<'a>(
    op: &'static str,
    ts: &[&'a Tensor],
    f16_slot: Option<usize>,
) -> Result<Placed<'a>> {
    for (i, t) in ts.iter().enumerate() {
        if matches!(&t.storage, Storage::Gpu(b) if b.dtype == Dtype::F16) && f16_slot != Some(i) {
            return Err(EngineError::shape(
                op,
                "f16-stored weights are only accepted as the right operand of matmul",
                &[&t.shape],
            ));
        }
    }
    let first = ts
        .first()
        .ok_or_else(|| EngineError::shape(op, "no operands", &[]))?;
    match &first.storage {
        Storage::Cpu(_) => ts
            .iter()
            .map(|t| match &t.storage {
                Storage::Cpu(a) => Ok(a),
                Storage::Gpu(_) => Err(mismatch(op, "cpu", "gpu")),
            })
            .collect::<Result<Vec<_>>>()
            .map(Placed::Cpu),
        Storage::Gpu(b0) => {
            let gpu = b0.gpu.clone();
            ts.iter()
                .map(|t| match &t.storage {
                    Storage::Gpu(b) if b.gpu.same(&gpu) => Ok(b),
                    Storage::Gpu(_) => Err(mismatch(op, "gpu", "another gpu")),
                    Storage::Cpu(_) => Err(mismatch(op, "gpu", "cpu")),
                })
                .collect::<Result<Vec<_>>>()
                .map(|v| Placed::Gpu(gpu, v))
        }
    }
}

fn mismatch(op: &'static str, left: &'static str, right: &'static str) -> EngineError {
    EngineError::DeviceMismatch { op, left, right }
}

/// Fails with [`EngineError::DataLength`] unless `len` values fill `shape`.
fn check_data_len(shape: &[usize], len: usize) -> Result<()> {
    let expected: usize = shape.iter().product();
    if len != expected {
        return Err(EngineError::DataLength {
            shape: shape.to_vec(),
            expected,
            got: len,
        });
    }
    Ok(())
}

impl Tensor {
    /// A tensor of `shape` holding `data` (row-major), placed on `device`.
    pub fn from_vec(data: Vec<f32>, shape: &[usize], device: &Device) -> Result<Tensor> {
        check_data_len(shape, data.len())?;
        match device {
            Device::Cpu => {
                let a = ArrayD::from_shape_vec(IxDyn(shape), data)
                    .map_err(|e| EngineError::shape("from_vec", e.to_string(), &[shape]))?;
                Ok(Tensor::cpu(a))
            }
            Device::Gpu(gpu) => Ok(Tensor::gpu(
                GpuBuffer::upload(gpu, &data, "upload")?,
                shape.to_vec(),
            )),
        }
    }

    /// Weights rounded to f16 on every device (so results agree everywhere) and stored as f16
    /// on a GPU with `shader-f16` (half the memory and bandwidth; only the right operand of
    /// [`Tensor::matmul_t`] accepts them there), as f32 elsewhere.
    pub fn from_vec_f16(data: Vec<f32>, shape: &[usize], device: &Device) -> Result<Tensor> {
        let rounded: Vec<f32> = data.into_iter().map(crate::half::round_to_f16).collect();
        match device {
            Device::Gpu(gpu) if gpu.supports_f16() => {
                check_data_len(shape, rounded.len())?;
                Ok(Tensor::gpu(
                    GpuBuffer::upload_f16(gpu, &rounded, "upload f16")?,
                    shape.to_vec(),
                ))
            }
            _ => Tensor::from_vec(rounded, shape, device),
        }
    }

    /// True when the tensor is stored as f16 on the GPU.
    pub fn is_f16(&self) -> bool {
        matches!(&self.storage, Storage::Gpu(b) if b.dtype == Dtype::F16)
    }

    /// The values of `array` placed on `device`.
    pub fn from_array(array: ArrayD<f32>, device: &Device) -> Result<Tensor> {
        match device {
            Device::Cpu => Ok(Tensor::cpu(array.as_standard_layout().into_owned())),
            Device::Gpu(_) => {
                let shape = array.shape().to_vec();
                let data = array.as_standard_layout().iter().copied().collect();
                Tensor::from_vec(data, &shape, device)
            }
        }
    }

    /// A tensor of zeros.
    pub fn zeros(shape: &[usize], device: &Device) -> Result<Tensor> {
        Tensor::from_vec(vec![0.0; shape.iter().product()], shape, device)
    }

    pub(crate) fn cpu(a: ArrayD<f32>) -> Tensor {
        let a = if a.is_standard_layout() {
            a
        } else {
            a.as_standard_layout().into_owned()
        };
        Tensor {
            shape: a.shape().to_vec(),
            storage: Storage::Cpu(a),
        }
    }

    pub(crate) fn gpu(buf: GpuBuffer, shape: Vec<usize>) -> Tensor {
        Tensor {
            shape,
            storage: Storage::Gpu(buf),
        }
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Number of values.
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// The storage (for code that must know, such as benches).
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The device the tensor lives on.
    pub fn device(&self) -> Device {
        match &self.storage {
            Storage::Cpu(_) => Device::Cpu,
            Storage::Gpu(b) => Device::Gpu(b.gpu.clone()),
        }
    }

    /// The values, row-major. On the GPU this submits pending work and awaits the copy.
    pub async fn to_vec(&self) -> Result<Vec<f32>> {
        match &self.storage {
            Storage::Cpu(a) => Ok(a.iter().copied().collect()),
            Storage::Gpu(b) => gpu::read_vec(b).await,
        }
    }

    /// The values as an ndarray.
    pub async fn to_array(&self) -> Result<ArrayD<f32>> {
        let data = self.to_vec().await?;
        ArrayD::from_shape_vec(IxDyn(&self.shape), data)
            .map_err(|e| EngineError::shape("to_array", e.to_string(), &[&self.shape]))
    }

    /// A copy on `device` (an async readback when leaving the GPU).
    pub async fn to_device(&self, device: &Device) -> Result<Tensor> {
        match (&self.storage, device) {
            (Storage::Cpu(_), Device::Cpu) => Ok(self.clone()),
            (Storage::Gpu(b), Device::Gpu(g)) if b.gpu.same(g) => Ok(self.clone()),
            _ => Tensor::from_vec(self.to_vec().await?, &self.shape, device),
        }
    }

    /// Reads many tensors at once: one submit and one map for all GPU tensors (use this once
    /// per forward pass for every recorded layer, not once per op).
    pub async fn read_all(tensors: &[&Tensor]) -> Result<Vec<Vec<f32>>> {
        let mut out: Vec<Option<Vec<f32>>> = vec![None; tensors.len()];
        let mut gpu_at = Vec::new();
        let mut bufs = Vec::new();
        let mut gpu = None;
        for (i, t) in tensors.iter().enumerate() {
            match &t.storage {
                Storage::Cpu(a) => out[i] = Some(a.iter().copied().collect()),
                Storage::Gpu(b) => match &gpu {
                    Some(g) if !b.gpu.same(g) => out[i] = Some(t.to_vec().await?),
                    _ => {
                        gpu.get_or_insert_with(|| b.gpu.clone());
                        gpu_at.push(i);
                        bufs.push(b);
                    }
                },
            }
        }
        if let Some(g) = gpu {
            for (i, v) in gpu_at.into_iter().zip(gpu::read_many(&g, &bufs).await?) {
                out[i] = Some(v);
            }
        }
        Ok(out.into_iter().map(Option::unwrap_or_default).collect())
    }

    /// The same values seen with another shape of the same size (no copy).
    pub fn reshape(&self, shape: &[usize]) -> Result<Tensor> {
        let n: usize = shape.iter().product();
        if n != self.numel() {
            return Err(EngineError::shape(
                "reshape",
                "sizes differ",
                &[&self.shape, shape],
            ));
        }
        Ok(match &self.storage {
            Storage::Cpu(a) => Tensor::cpu(
                a.clone()
                    .into_shape_with_order(IxDyn(shape))
                    .map_err(|e| EngineError::shape("reshape", e.to_string(), &[shape]))?,
            ),
            Storage::Gpu(b) => Tensor::gpu(b.with_len(n), shape.to_vec()),
        })
    }
}
