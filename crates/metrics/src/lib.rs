//! brainprobe metrics: the scoring methods of Brain-Score, re-implemented to match
//! independent SciPy / scikit-learn references bit-for-bit where the reference is
//! exact (random streams, splits) and to 1e-9 relative where it is floating point.
//!
//! Pure computation on `ndarray` (decompositions by `faer`), no I/O, compiled for native
//! and `wasm32-unknown-unknown`. The specification is `shared/docs/METRICS.md`; section
//! numbers in the docs below refer to it. Every fallible function returns a
//! [`MetricsError`] instead of panicking on bad input.

#![warn(missing_docs)]

pub mod correlation;
pub mod error;
pub mod layer_choice;
mod linalg;
pub mod predictivity;
pub mod regression;
mod ridge_cv;
pub mod rng;
pub mod splits;
pub mod standardise;
pub mod stats;
mod trf;

pub use correlation::{
    kendall_tau_a, kendall_tau_b, pearson, pearson_columns, rankdata, spearman, PearsonVariant,
};
pub use error::{MetricsError, Result};
pub use predictivity::{
    aggregate, cross_validate, cross_validate_standardised, Aggregate, Predictivity,
};
pub use regression::{fit_predict, fit_predict_standardised, Regression, SplitFit, DEFAULT_ALPHAS};
pub use rng::{Mt19937, RandomState};
pub use splits::{Split, Splitter};
pub mod bootstrap;
pub mod bubbles;
pub mod ceiling;
pub mod extrapolation;
pub mod lm;
pub mod occlusion;
pub mod rsa;
