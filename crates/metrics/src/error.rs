//! Typed errors of the metrics crate.

use thiserror::Error;

/// Everything that can go wrong when computing a metric; every variant says what and where.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MetricsError {
    /// An input had no elements.
    #[error("{what}: empty input")]
    Empty {
        /// Which input or operation.
        what: &'static str,
    },
    /// Two inputs disagree in shape, or one has the wrong shape.
    #[error("{what}: shape mismatch, expected {expected}, got {got}")]
    ShapeMismatch {
        /// Which input or operation.
        what: &'static str,
        /// The shape that was required.
        expected: String,
        /// The shape that was given.
        got: String,
    },
    /// Fewer samples (or groups, or class members) than the procedure needs.
    #[error("{what}: {have} {unit} but at least {need} are needed")]
    TooFew {
        /// Which input or operation.
        what: &'static str,
        /// What is being counted ("samples", "groups", ...).
        unit: &'static str,
        /// How many there are.
        have: usize,
        /// How many are needed.
        need: usize,
    },
    /// An input contains NaN or an infinity where only finite values are allowed.
    #[error("{what}: non-finite value at row {row}, column {col}")]
    NonFinite {
        /// Which input.
        what: &'static str,
        /// Row index of the first offending value.
        row: usize,
        /// Column index of the first offending value.
        col: usize,
    },
    /// A column (or vector) has no finite value at all.
    #[error("{what}: column {col} contains no finite value")]
    AllNan {
        /// Which input.
        what: &'static str,
        /// The column index.
        col: usize,
    },
    /// A parameter is outside its valid range.
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// Why it is invalid.
        reason: String,
    },
    /// A matrix decomposition did not converge.
    #[error("{what}: matrix decomposition failed")]
    Decomposition {
        /// Which decomposition.
        what: &'static str,
    },
    /// An iterative or randomised procedure found no acceptable result.
    #[error("{what}: {reason}")]
    NoSolution {
        /// Which procedure.
        what: &'static str,
        /// Why it gave up.
        reason: String,
    },
}

/// Result alias of the metrics crate.
pub type Result<T> = std::result::Result<T, MetricsError>;

impl MetricsError {
    pub(crate) fn shape(
        what: &'static str,
        expected: impl Into<String>,
        got: impl Into<String>,
    ) -> Self {
        MetricsError::ShapeMismatch {
            what,
            expected: expected.into(),
            got: got.into(),
        }
    }

    /// `Ok` when `have >= need`, else [`MetricsError::TooFew`]: the one check every metric
    /// makes on its sample, group or subject counts before computing.
    pub(crate) fn at_least(
        what: &'static str,
        unit: &'static str,
        have: usize,
        need: usize,
    ) -> Result<()> {
        if have < need {
            return Err(MetricsError::TooFew {
                what,
                unit,
                have,
                need,
            });
        }
        Ok(())
    }

    pub(crate) fn param(name: &'static str, reason: impl Into<String>) -> Self {
        MetricsError::InvalidParameter {
            name,
            reason: reason.into(),
        }
    }
}
