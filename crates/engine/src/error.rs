//! The engine's one error type: every failure an op or the GPU can report, as a value.

use thiserror::Error;

/// Everything the engine can fail with. Variants carry the op and the shapes involved so the
/// message can be shown to a user as is; [`EngineError::is_gpu_failure`] tells the caller when
/// retrying on [`crate::Device::Cpu`] is the right answer.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum EngineError {
    /// No GPU adapter could be found (no WebGPU, no Vulkan driver, ...).
    #[error("no GPU adapter: {0}")]
    NoAdapter(String),
    /// The adapter refused to create a device.
    #[error("could not open the GPU device: {0}")]
    RequestDevice(String),
    /// The GPU device was lost (driver reset, tab backgrounded, `destroy()`); rerun on the CPU.
    #[error("GPU device lost: {0}")]
    DeviceLost(String),
    /// The GPU ran out of memory, or a buffer larger than the device allows was requested.
    #[error("GPU out of memory in {op}: {detail}")]
    OutOfMemory {
        /// The op that allocated.
        op: &'static str,
        /// What was asked for, in words.
        detail: String,
    },
    /// wgpu reported a validation or internal error (a bug in the engine, not in the input).
    #[error("GPU error: {0}")]
    Gpu(String),
    /// Reading a GPU buffer back to the host failed.
    #[error("GPU readback failed: {0}")]
    Readback(String),
    /// Operands live on different devices; nothing is copied implicitly.
    #[error("{op}: operands are on different devices ({left} vs {right})")]
    DeviceMismatch {
        /// The op that was called.
        op: &'static str,
        /// Device of the first operand.
        left: &'static str,
        /// Device of the offending operand.
        right: &'static str,
    },
    /// An operand has a shape the op cannot accept.
    #[error("{op}: {detail} (shapes {shapes})")]
    Shape {
        /// The op that was called.
        op: &'static str,
        /// What is wrong.
        detail: String,
        /// The shapes involved, formatted.
        shapes: String,
    },
    /// The number of values does not match the shape.
    #[error("tensor data has {got} values but shape {shape:?} needs {expected}")]
    DataLength {
        /// The requested shape.
        shape: Vec<usize>,
        /// Product of the shape.
        expected: usize,
        /// Length of the data.
        got: usize,
    },
    /// An index (token id, axis, slice bound) is out of range.
    #[error("{op}: index {index} out of range for size {len}")]
    IndexOutOfRange {
        /// The op that was called.
        op: &'static str,
        /// The offending index.
        index: usize,
        /// The size it must stay below.
        len: usize,
    },
    /// An operand is larger than one storage binding and this op cannot split it into chunks.
    #[error("{op}: a {bytes}-byte operand exceeds the {limit}-byte storage binding limit")]
    BindingTooLarge {
        /// The op that was called.
        op: &'static str,
        /// Size of the binding that would be needed.
        bytes: u64,
        /// The device's (or configured) `max_storage_buffer_binding_size`.
        limit: u64,
    },
}

impl EngineError {
    /// True when the failure is the GPU's (lost device, out of memory, driver error), so that
    /// rerunning the same model code on [`crate::Device::Cpu`] is expected to succeed.
    pub fn is_gpu_failure(&self) -> bool {
        matches!(
            self,
            Self::NoAdapter(_)
                | Self::RequestDevice(_)
                | Self::DeviceLost(_)
                | Self::OutOfMemory { .. }
                | Self::Gpu(_)
                | Self::Readback(_)
                | Self::BindingTooLarge { .. }
        )
    }

    /// Builds a [`EngineError::Shape`] from the op, a message and the shapes involved.
    pub(crate) fn shape(op: &'static str, detail: impl Into<String>, shapes: &[&[usize]]) -> Self {
        let shapes = shapes
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        Self::Shape {
            op,
            detail: detail.into(),
            shapes,
        }
    }
}

/// The engine's result alias.
pub type Result<T, E = EngineError> = std::result::Result<T, E>;
