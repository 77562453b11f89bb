//! brainprobe-data: the project's dataset manifest, the prepare-data step (native), the
//! bundle layout under `www/assets/data/`, and typed loaders shared by CLI and app.

pub mod assets;
pub mod bundle;
pub mod datasets;
pub mod error;
pub mod formats;
pub mod manifest;
#[cfg(not(target_arch = "wasm32"))]
pub mod prepare;
#[cfg(not(target_arch = "wasm32"))]
pub mod prepare_efficientnet;
#[cfg(not(target_arch = "wasm32"))]
pub mod prepare_minilm;
#[cfg(not(target_arch = "wasm32"))]
pub mod prepare_smollm2;
#[cfg(not(target_arch = "wasm32"))]
pub mod prepare_word_counts;
pub mod summary;
#[cfg(not(target_arch = "wasm32"))]
pub mod torch_legacy;
#[cfg(not(target_arch = "wasm32"))]
pub mod wheel;

pub use assets::Assets;
pub use bundle::Bundle;
pub use error::{DataError, Result};
pub use manifest::Manifest;
pub use summary::{summarize, DatasetSummary};
