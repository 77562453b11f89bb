//! Errors of model loading, preprocessing and inference.

use brainprobe_engine::EngineError;

/// Why a model could not be loaded or run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The weights file is not valid safetensors, or lacks / misshapes a tensor.
    #[error("weights of `{model}`: {detail}")]
    Weights {
        /// Model identifier.
        model: String,
        /// What is wrong.
        detail: String,
    },
    /// The manifest is missing fields or is not TOML.
    #[error("manifest of `{model}`: {detail}")]
    Manifest {
        /// Model identifier.
        model: String,
        /// What is wrong.
        detail: String,
    },
    /// The identifier names no model brainprobe knows.
    #[error("unknown model `{0}` (try `brainprobe models`)")]
    UnknownModel(String),
    /// An input image could not be used.
    #[error("image: {0}")]
    Image(String),
    /// Text could not be tokenised or aligned to words.
    #[error("text: {0}")]
    Text(String),
    /// A requested layer does not exist.
    #[error("model `{model}` has no layer `{layer}` (layers: {available})")]
    UnknownLayer {
        /// Model identifier.
        model: String,
        /// The requested name.
        layer: String,
        /// Comma-separated valid names.
        available: String,
    },
    /// The engine failed (shape error, GPU failure — see `EngineError::is_gpu_failure`).
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl ModelError {
    /// True when rerunning on the CPU may succeed.
    pub fn is_gpu_failure(&self) -> bool {
        matches!(self, ModelError::Engine(e) if e.is_gpu_failure())
    }
}

/// Result with [`ModelError`].
pub type Result<T> = std::result::Result<T, ModelError>;
