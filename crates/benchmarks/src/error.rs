//! Errors of the benchmarks crate: every variant says which benchmark, model or file.

use brainprobe_data::DataError;
use brainprobe_metrics::MetricsError;
use brainprobe_models::ModelError;

/// Why a benchmark could not produce a [`crate::Score`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BenchError {
    /// The identifier names no registered benchmark.
    #[error("unknown benchmark `{id}` (known: {known})")]
    UnknownBenchmark {
        /// The identifier asked for.
        id: String,
        /// Comma-separated registered identifiers.
        known: String,
    },
    /// The benchmark needs a different kind of model (e.g. a vision benchmark given a language model).
    #[error("benchmark `{benchmark}` scores {needs} models; `{model}` is not one")]
    WrongModality {
        /// Benchmark identifier.
        benchmark: String,
        /// Model identifier.
        model: String,
        /// What the benchmark needs ("vision", "language").
        needs: &'static str,
    },
    /// Input the caller must supply is missing (e.g. CIFAR-10 training images in the browser).
    #[error("benchmark `{benchmark}`: {what}")]
    MissingInput {
        /// Benchmark identifier.
        benchmark: String,
        /// What is missing and how to provide it.
        what: String,
    },
    /// The benchmark does not apply to this model (e.g. surprisal from a model without a
    /// next-word head); the leaderboard lists such pairs as not applicable, not as failures.
    #[error("benchmark `{benchmark}` does not apply to `{model}`: {reason}")]
    NotApplicable {
        /// Benchmark identifier.
        benchmark: String,
        /// Model identifier.
        model: String,
        /// Why.
        reason: String,
    },
    /// A run option is out of range.
    #[error("invalid option `{name}`: {reason}")]
    InvalidOption {
        /// Option name.
        name: &'static str,
        /// Why it is invalid.
        reason: String,
    },
    /// A dataset file is missing or malformed.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The model failed to load or run.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// A metric rejected its input.
    #[error(transparent)]
    Metrics(#[from] MetricsError),
}

impl BenchError {
    /// True when rerunning on the CPU may succeed (the GPU failed or was lost).
    pub fn is_gpu_failure(&self) -> bool {
        matches!(self, BenchError::Model(e) if e.is_gpu_failure())
    }
}

/// Result with [`BenchError`].
pub type Result<T> = std::result::Result<T, BenchError>;
